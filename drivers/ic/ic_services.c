// SPDX-License-Identifier: GPL-2.0-only
/*
 * The four integration services as one object: their VMBus offers, the tick
 * that drives their periods and timeouts, and the state queries.
 *
 * The offers look like Hyper-V's (and openvmm's) IC offers: the interface
 * type selects Linux's hv_utils (include/linux/hyperv.h HV_SHUTDOWN_GUID,
 * HV_TS_GUID, HV_HEART_BEAT_GUID, HV_KVP_GUID), the channel is a message-mode
 * pipe (offer flags ENUMERATE_DEVICE_INTERFACE | NAMED_PIPE_MODE, pipe type
 * MESSAGE in the user-defined bytes), which is why every IC message starts
 * with a pipe header.  The instance GUIDs are fixed and our own.
 */
#include <stdlib.h>
#include <string.h>

#include "ic_internal.h"

/* A GUID as written (a-b-c-d-e) in its wire form: the first three fields
 * little-endian, the last eight bytes in order. */
#define LE16(x) 0xff & (x), 0xff & ((x) >> 8)
#define LE32(x) LE16(x), LE16((x) >> 16)
#define IC_GUID(a, b, c, ...)                                                                      \
    {                                                                                              \
        {                                                                                          \
            LE32(a), LE16(b), LE16(c), __VA_ARGS__                                                 \
        }                                                                                          \
    }

/* Offer flags and pipe mode (Hyper-V's vmbus channel offer). */
#define OFFER_ENUMERATE_DEVICE_INTERFACE 0x1
#define OFFER_NAMED_PIPE_MODE            0x10
#define PIPE_TYPE_MESSAGE                4u

struct ic_offer_ids {
    struct vmbus_guid type;
    struct vmbus_guid instance;
};

static const struct ic_offer_ids offer_ids[IC_SERVICE_COUNT] = {
    /* 0e0b6031-5213-4934-818b-38d90ced39db, ours 1e462547-dc91-4804-9e92-316eafcecaa3 */
    [IC_SHUTDOWN] = {IC_GUID(0x0e0b6031, 0x5213, 0x4934, 0x81, 0x8b, 0x38, 0xd9, 0x0c, 0xed, 0x39,
                             0xdb),
                     IC_GUID(0x1e462547, 0xdc91, 0x4804, 0x9e, 0x92, 0x31, 0x6e, 0xaf, 0xce, 0xca,
                             0xa3)},
    /* 9527e630-d0ae-497b-adce-e80ab0175caf, ours 110f8df4-8b92-4d63-b5d3-7c1470857916 */
    [IC_TIMESYNC] = {IC_GUID(0x9527e630, 0xd0ae, 0x497b, 0xad, 0xce, 0xe8, 0x0a, 0xb0, 0x17, 0x5c,
                             0xaf),
                     IC_GUID(0x110f8df4, 0x8b92, 0x4d63, 0xb5, 0xd3, 0x7c, 0x14, 0x70, 0x85, 0x79,
                             0x16)},
    /* 57164f39-9115-4e78-ab55-382f3bd5422d, ours 5a77108a-9b7f-4a41-a3c9-fef39cdcf5bc */
    [IC_HEARTBEAT] = {IC_GUID(0x57164f39, 0x9115, 0x4e78, 0xab, 0x55, 0x38, 0x2f, 0x3b, 0xd5, 0x42,
                              0x2d),
                      IC_GUID(0x5a77108a, 0x9b7f, 0x4a41, 0xa3, 0xc9, 0xfe, 0xf3, 0x9c, 0xdc, 0xf5,
                              0xbc)},
    /* a9a0f4e7-5a45-4d96-b827-8a841e8c03e6, ours b382cf90-e9b3-4190-91a8-7da1eee0cbdf */
    [IC_KVP] = {IC_GUID(0xa9a0f4e7, 0x5a45, 0x4d96, 0xb8, 0x27, 0x8a, 0x84, 0x1e, 0x8c, 0x03, 0xe6),
                IC_GUID(0xb382cf90, 0xe9b3, 0x4190, 0x91, 0xa8, 0x7d, 0xa1, 0xee, 0x0c, 0xbd,
                        0xdf)},
};

static struct ic_chan *chan_of(struct ic_services *ics, enum ic_service_id id)
{
    switch (id) {
    case IC_SHUTDOWN:
        return &ics->shutdown.chan;
    case IC_TIMESYNC:
        return &ics->timesync.chan;
    case IC_HEARTBEAT:
        return &ics->heartbeat.chan;
    case IC_KVP:
        return &ics->kvp.chan;
    default:
        return NULL;
    }
}

static const struct ic_chan *cchan_of(const struct ic_services *ics, enum ic_service_id id)
{
    return chan_of((struct ic_services *)ics, id);
}

static void rescind_all(struct ic_services *ics)
{
    for (int id = 0; id < IC_SERVICE_COUNT; id++) {
        struct ic_chan *c = chan_of(ics, (enum ic_service_id)id);

        if (c->ch) {
            /* The close callback may run: the state is still intact. */
            vmbus_server_rescind(c->ch);
            c->ch = NULL;
        }
    }
}

struct ic_services *ic_services_create(struct vmbus_server *srv, const struct ic_host *host)
{
    static const struct ic_service_ops *const ops[IC_SERVICE_COUNT] = {
        [IC_SHUTDOWN] = &ic_shutdown_ops,
        [IC_TIMESYNC] = &ic_timesync_ops,
        [IC_HEARTBEAT] = &ic_heartbeat_ops,
        [IC_KVP] = &ic_kvp_ops,
    };
    struct ic_services *ics;

    if (!srv || !host || !host->wall_time || !host->reference_time || !host->monotonic_ms)
        return NULL;
    ics = calloc(1, sizeof(*ics));
    if (!ics)
        return NULL;
    ics->host = *host;
    ics->srv = srv;
    for (int id = 0; id < IC_SERVICE_COUNT; id++) {
        struct ic_chan *c = chan_of(ics, (enum ic_service_id)id);

        ic_chan_init(c, ics, ops[id]);
        ops[id]->reset(c);
    }
    for (int id = 0; id < IC_SERVICE_COUNT; id++) {
        struct ic_chan *c = chan_of(ics, (enum ic_service_id)id);
        struct vmbus_offer offer;
        uint32_t pipe_type = PIPE_TYPE_MESSAGE;

        memset(&offer, 0, sizeof(offer));
        offer.type = offer_ids[id].type;
        offer.instance = offer_ids[id].instance;
        offer.flags = OFFER_ENUMERATE_DEVICE_INTERFACE | OFFER_NAMED_PIPE_MODE;
        memcpy(offer.user_def, &pipe_type, sizeof(pipe_type));
        c->ch = vmbus_server_offer(srv, &offer, &ic_device_ops, c);
        if (!c->ch) {
            ic_services_destroy(ics);
            return NULL;
        }
    }
    return ics;
}

void ic_services_destroy(struct ic_services *ics)
{
    if (!ics)
        return;
    rescind_all(ics);
    ic_kvp_free(&ics->kvp);
    free(ics);
}

void ic_services_tick(struct ic_services *ics)
{
    uint64_t now = ic_now(ics);

    for (int id = 0; id < IC_SERVICE_COUNT; id++)
        ic_chan_run(chan_of(ics, (enum ic_service_id)id), now, true);
}

enum ic_service_state ic_service_state(const struct ic_services *ics, enum ic_service_id id)
{
    const struct ic_chan *c = cchan_of(ics, id);

    return c ? c->state : IC_SERVICE_CLOSED;
}

uint32_t ic_service_version(const struct ic_services *ics, enum ic_service_id id)
{
    const struct ic_chan *c = cchan_of(ics, id);

    if (!c || c->state != IC_SERVICE_READY)
        return 0;
    return (uint32_t)c->msg.major << 16 | c->msg.minor;
}
