/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The VMBus server's connection: version negotiation, the queue of messages
 * for the guest, offers and rescinds, unload and reset, and the dispatch of
 * the guest's channel messages to gpadl.c and channel.c.  See
 * vmbus/include/vmbus/server.h for the interface and its threading rule.
 *
 * Choices where Linux and the TLFS leave room (Linux 6.1 drivers/hv is the
 * guest this is written against; Hyper-V's behaviour as OpenVMM models it
 * decides the rest):
 *  - INITIATE_CONTACT resets the connection first, whatever its version
 *    (a guest that kexecs without UNLOAD starts over), then answers.
 *    Versions >= 5.0 are accepted on connection id 4 only, older ones on
 *    id 1 only (Linux posts exactly so); a version on the other id, or not
 *    in the table, gets version_supported = 0 and the guest steps down.
 *  - Messages on id 4 other than INITIATE_CONTACT, and every message but
 *    INITIATE_CONTACT before a version is agreed, are ignored.
 *  - Below 3.0 the control messages go to VP 0 (Hyper-V honours
 *    target_vcpu from Windows 8.1 on); from 5.0 to the guest's msg_sint
 *    (it must be a SINT, < 16) and, from 5.1, only VTL 0 is served.
 *  - A rescinded channel keeps its relid until RELID_RELEASED, or until the
 *    guest disconnects; the GPADLs the guest made for that relid go with it
 *    (Linux skips GPADL_TEARDOWN after a rescind).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "server_internal.h"

#define HV_STATUS_SUCCESS               0
#define HV_STATUS_INVALID_CONNECTION_ID 18
#define HV_STATUS_INSUFFICIENT_BUFFERS  19

#define HV_SINT_COUNT 16

static const uint32_t supported_versions[] = {
    VMBUS_VERSION_V5_3,     VMBUS_VERSION_V5_2,  VMBUS_VERSION_V5_1,   VMBUS_VERSION_V5_0,
    VMBUS_VERSION_WIN10_41, VMBUS_VERSION_WIN10, VMBUS_VERSION_WIN8_1, VMBUS_VERSION_WIN8,
};

/* ---- the queue of messages for the guest ---- */

/* Post from the head until the host says its slot is busy.  A message the
 * host cannot deliver at all (no such VP, SIMP off) is dropped: the guest
 * could not receive it later either. */
static void queue_flush(struct vmbus_server *srv)
{
    while (srv->q_len) {
        struct vmbus_qmsg *m = &srv->queue[srv->q_head];
        int rc = srv->host.post_message(srv->host.opaque, m->vp, m->sint, m->data, m->len);

        if (rc == VMBUS_HOST_BUSY)
            return;
        srv->q_head = (srv->q_head + 1) % VMBUS_QUEUE_SIZE;
        srv->q_len--;
    }
}

static void queue_drop(struct vmbus_server *srv)
{
    srv->q_head = 0;
    srv->q_len = 0;
}

bool vmbus_srv_send(struct vmbus_server *srv, const void *msg, size_t len)
{
    struct vmbus_qmsg *m;

    if (srv->q_len == VMBUS_QUEUE_SIZE || len > VMBUS_MESSAGE_MAX)
        return false;
    m = &srv->queue[(srv->q_head + srv->q_len) % VMBUS_QUEUE_SIZE];
    m->vp = srv->msg_vp;
    m->sint = srv->msg_sint;
    m->len = (uint32_t)len;
    memcpy(m->data, msg, len);
    srv->q_len++;
    queue_flush(srv);
    return true;
}

void vmbus_server_retry(struct vmbus_server *srv)
{
    if (srv)
        queue_flush(srv);
}

/* ---- channels as the guest sees them ---- */

struct vmbus_channel *vmbus_srv_guest_channel(struct vmbus_server *srv, uint32_t relid)
{
    struct vmbus_channel *ch;

    if (relid == 0 || relid > VMBUS_MAX_CHANNELS)
        return NULL;
    ch = srv->chans[relid];
    return ch && ch->offer_sent ? ch : NULL;
}

static void send_offer(struct vmbus_server *srv, struct vmbus_channel *ch)
{
    struct vmbus_msg_offer_channel m;

    memset(&m, 0, sizeof(m));
    m.header.msgtype = VMBUS_MSG_OFFERCHANNEL;
    m.offer.if_type = ch->offer.type;
    m.offer.if_instance = ch->offer.instance;
    m.offer.chn_flags = ch->offer.flags;
    m.offer.mmio_megabytes = ch->offer.mmio_megabytes;
    memcpy(m.offer.user_def, ch->offer.user_def, sizeof(m.offer.user_def));
    m.offer.sub_channel_index = ch->offer.sub_channel_index;
    m.child_relid = ch->relid;
    /* No monitor pages: the guest signals with HvSignalEvent on a dedicated
     * connection (Linux then never sets a bit in its shared interrupt page). */
    m.monitorid = VMBUS_MONITOR_ID_NONE;
    m.monitor_allocated = 0;
    m.is_dedicated_interrupt = 1;
    m.connection_id = VMBUS_CHANNEL_CONNECTION_BASE + ch->relid;
    ch->offer_sent = true;
    vmbus_srv_send(srv, &m, sizeof(m));
}

struct vmbus_channel *vmbus_server_offer(struct vmbus_server *srv, const struct vmbus_offer *offer,
                                         const struct vmbus_device_ops *ops, void *dev)
{
    struct vmbus_channel *ch;
    uint32_t relid;

    if (!srv || !offer || !ops)
        return NULL;
    for (relid = 1; relid <= VMBUS_MAX_CHANNELS; relid++)
        if (!srv->chans[relid])
            break;
    if (relid > VMBUS_MAX_CHANNELS)
        return NULL;
    ch = calloc(1, sizeof(*ch));
    if (!ch)
        return NULL;
    ch->srv = srv;
    ch->relid = relid;
    ch->state = VMBUS_CH_CLOSED;
    ch->offer = *offer;
    ch->ops = ops;
    ch->dev = dev;
    srv->chans[relid] = ch;
    /* A guest that already has its list learns of the new channel now; one
     * that has not asked yet gets it with the others. */
    if (srv->version && srv->offers_requested)
        send_offer(srv, ch);
    return ch;
}

static void channel_free(struct vmbus_server *srv, struct vmbus_channel *ch)
{
    srv->chans[ch->relid] = NULL;
    free(ch);
}

void vmbus_server_rescind(struct vmbus_channel *ch)
{
    struct vmbus_server *srv;
    const struct vmbus_device_ops *ops;
    struct vmbus_msg_relid m;
    bool was_open;
    void *dev;

    if (!ch || ch->state == VMBUS_CH_RESCINDED)
        return;
    srv = ch->srv;
    ops = ch->ops;
    dev = ch->dev;
    was_open = ch->state == VMBUS_CH_OPEN;
    /* Detached first: a device that calls back from its close callback finds
     * the channel rescinded, not open. */
    ch->state = VMBUS_CH_RESCINDED;
    ch->ops = NULL;
    ch->dev = NULL;
    if (was_open) {
        memset(&ch->recv_ring, 0, sizeof(ch->recv_ring));
        memset(&ch->send_ring, 0, sizeof(ch->send_ring));
        if (ops->close)
            ops->close(ch, dev);
    }
    if (!srv->version || !ch->offer_sent) {
        /* The guest never saw it (or is gone): nothing to wait for. */
        channel_free(srv, ch);
        return;
    }
    memset(&m, 0, sizeof(m));
    m.header.msgtype = VMBUS_MSG_RESCIND_CHANNELOFFER;
    m.child_relid = ch->relid;
    vmbus_srv_send(srv, &m, sizeof(m));
}

static void relid_released_msg(struct vmbus_server *srv, const uint8_t *msg, size_t size)
{
    struct vmbus_msg_relid r;
    struct vmbus_channel *ch;

    if (size < sizeof(r))
        return;
    memcpy(&r, msg, sizeof(r));
    ch = vmbus_srv_guest_channel(srv, r.child_relid);
    if (!ch)
        return;
    switch (ch->state) {
    case VMBUS_CH_RESCINDED:
        vmbus_gpadl_free_relid(srv, ch->relid);
        channel_free(srv, ch);
        break;
    case VMBUS_CH_CLOSED:
        /* The guest dropped an offer it could not use (Linux does when it
         * fails to set the device up): the channel stays, unseen until the
         * next connection. */
        ch->offer_sent = false;
        vmbus_gpadl_free_relid(srv, ch->relid);
        break;
    default:
        /* Releasing an open channel breaks the protocol: ignored. */
        break;
    }
}

static void request_offers_msg(struct vmbus_server *srv)
{
    struct vmbus_msg_header done;

    /* Linux asks once per connection; a repeat would duplicate relids. */
    if (srv->offers_requested)
        return;
    srv->offers_requested = true;
    for (uint32_t relid = 1; relid <= VMBUS_MAX_CHANNELS; relid++) {
        struct vmbus_channel *ch = srv->chans[relid];

        if (ch && ch->state != VMBUS_CH_RESCINDED && !ch->offer_sent)
            send_offer(srv, ch);
    }
    memset(&done, 0, sizeof(done));
    done.msgtype = VMBUS_MSG_ALLOFFERS_DELIVERED;
    vmbus_srv_send(srv, &done, sizeof(done));
}

/* ---- connection state ---- */

/*
 * Back to "disconnected": every channel closed (close callbacks run; a
 * device may rescind or offer from there), rescinded channels freed, GPADLs
 * unmapped after the channels stopped using them, the queue emptied.  Offers
 * stay and will be sent again.
 */
static void disconnect(struct vmbus_server *srv)
{
    /* Disconnected before the callbacks: a rescind from a close callback
     * then frees the channel at once instead of messaging a gone guest. */
    srv->version = 0;
    srv->offers_requested = false;
    queue_drop(srv);
    for (uint32_t relid = 1; relid <= VMBUS_MAX_CHANNELS; relid++) {
        struct vmbus_channel *ch = srv->chans[relid];

        if (ch && ch->state == VMBUS_CH_OPEN) {
            vmbus_channel_close(ch);
            /* The close callback may have rescinded (and freed) it. */
            ch = srv->chans[relid];
        }
        if (!ch)
            continue;
        if (ch->state == VMBUS_CH_RESCINDED)
            channel_free(srv, ch);
        else
            ch->offer_sent = false;
    }
    vmbus_gpadl_free_all(srv);
}

void vmbus_server_reset(struct vmbus_server *srv)
{
    if (srv)
        disconnect(srv);
}

uint32_t vmbus_server_version(const struct vmbus_server *srv)
{
    return srv ? srv->version : 0;
}

static void format_ring(char *buf, size_t len, const struct vmbus_ring *r)
{
    volatile const struct vmbus_ring_header *h = r->hdr;

    snprintf(buf, len, "w=%u r=%u mask=%u pending=%u size=%u", h->write_index, h->read_index,
             h->interrupt_mask, h->pending_send_sz, r->data_size);
}

void vmbus_server_dump(const struct vmbus_server *srv, void (*line)(void *ctx, const char *text),
                       void *ctx)
{
    char text[256], in[80], out[80];

    if (!srv || !line)
        return;
    snprintf(text, sizeof(text), "vmbus: version 0x%x, %u GPADLs, %u messages queued", srv->version,
             srv->gpadl_count, srv->q_len);
    line(ctx, text);
    for (uint32_t relid = 1; relid <= VMBUS_MAX_CHANNELS; relid++) {
        const struct vmbus_channel *ch = srv->chans[relid];

        if (!ch || ch->state != VMBUS_CH_OPEN)
            continue;
        /* recv_ring is the guest's outbound ring, send_ring its inbound. */
        format_ring(in, sizeof(in), &ch->recv_ring);
        format_ring(out, sizeof(out), &ch->send_ring);
        snprintf(text, sizeof(text), "vmbus: relid %u vp %u guest->host [%s] host->guest [%s]",
                 relid, ch->target_vp, in, out);
        line(ctx, text);
    }
}

static bool version_known(uint32_t v)
{
    for (size_t i = 0; i < sizeof(supported_versions) / sizeof(supported_versions[0]); i++)
        if (supported_versions[i] == v)
            return true;
    return false;
}

static void initiate_contact_msg(struct vmbus_server *srv, uint32_t connection_id,
                                 const uint8_t *msg, size_t size)
{
    struct vmbus_msg_initiate_contact ic;
    struct vmbus_msg_version_response resp;
    uint32_t v;
    bool ok;

    if (size < sizeof(ic))
        return;
    memcpy(&ic, msg, sizeof(ic));
    disconnect(srv);

    v = ic.version_requested;
    /* Linux picks the id from the version it asks for: >= 5.0 on id 4. */
    ok = version_known(v) && ((v >= VMBUS_VERSION_V5_0) == (connection_id == 4));
    srv->msg_vp = ic.target_vcpu;
    srv->msg_sint = VMBUS_MESSAGE_SINT;
    if (ok && v >= VMBUS_VERSION_V5_0) {
        uint32_t sint = (uint32_t)(ic.interrupt_page & 0xff);
        uint32_t vtl = (uint32_t)((ic.interrupt_page >> 8) & 0xff);

        if (sint >= HV_SINT_COUNT || (v >= VMBUS_VERSION_V5_1 && vtl != 0))
            ok = false;
        else
            srv->msg_sint = sint;
    }
    if (ok && v < VMBUS_VERSION_WIN8_1)
        srv->msg_vp = 0;

    memset(&resp, 0, sizeof(resp));
    resp.header.msgtype = VMBUS_MSG_VERSION_RESPONSE;
    if (ok) {
        resp.version_supported = 1;
        resp.connection_state = 0;
        resp.msg_conn_id = v >= VMBUS_VERSION_V5_0 ? VMBUS_MESSAGE_CONNECTION_ID : v;
        srv->version = v;
    }
    vmbus_srv_send(srv, &resp, sizeof(resp));
}

static void unload_msg(struct vmbus_server *srv)
{
    struct vmbus_msg_header m;

    /* The reply goes where the connection's messages went (disconnect
     * leaves msg_vp/msg_sint alone); what was still queued for the old
     * connection is dropped: the guest waits for this reply only. */
    disconnect(srv);
    memset(&m, 0, sizeof(m));
    m.msgtype = VMBUS_MSG_UNLOAD_RESPONSE;
    vmbus_srv_send(srv, &m, sizeof(m));
}

/* How many messages the server may queue in reply to @type. */
static unsigned int replies_needed(const struct vmbus_server *srv, uint32_t type)
{
    unsigned int n = 1;

    switch (type) {
    case VMBUS_MSG_REQUESTOFFERS:
        if (srv->offers_requested)
            return 0;
        for (uint32_t relid = 1; relid <= VMBUS_MAX_CHANNELS; relid++)
            if (srv->chans[relid] && srv->chans[relid]->state != VMBUS_CH_RESCINDED)
                n++;
        return n;
    case VMBUS_MSG_GPADL_HEADER:
    case VMBUS_MSG_GPADL_BODY:
    case VMBUS_MSG_GPADL_TEARDOWN:
    case VMBUS_MSG_OPENCHANNEL:
        return 1;
    case VMBUS_MSG_MODIFYCHANNEL:
        return srv->version >= VMBUS_VERSION_V5_3 ? 1 : 0;
    default:
        /* UNLOAD empties the queue before it replies. */
        return 0;
    }
}

uint16_t vmbus_server_post_message(struct vmbus_server *srv, uint32_t connection_id,
                                   const void *payload, size_t size)
{
    const uint8_t *msg = payload;
    struct vmbus_msg_header hdr;

    if (!srv || (connection_id != VMBUS_MESSAGE_CONNECTION_ID &&
                 connection_id != VMBUS_MESSAGE_CONNECTION_ID_4))
        return HV_STATUS_INVALID_CONNECTION_ID;
    if (!msg || size < sizeof(hdr) || size > VMBUS_MESSAGE_MAX)
        return HV_STATUS_SUCCESS;
    memcpy(&hdr, msg, sizeof(hdr));

    if (hdr.msgtype == VMBUS_MSG_INITIATE_CONTACT) {
        initiate_contact_msg(srv, connection_id, msg, size);
        return HV_STATUS_SUCCESS;
    }
    /* Id 4 only starts connections; nothing else before a version. */
    if (connection_id != VMBUS_MESSAGE_CONNECTION_ID || !srv->version)
        return HV_STATUS_SUCCESS;
    /* Refuse, rather than drop replies, while the guest does not read. */
    if (srv->q_len + replies_needed(srv, hdr.msgtype) > VMBUS_QUEUE_GUEST_MAX)
        return HV_STATUS_INSUFFICIENT_BUFFERS;

    switch (hdr.msgtype) {
    case VMBUS_MSG_REQUESTOFFERS:
        request_offers_msg(srv);
        break;
    case VMBUS_MSG_OPENCHANNEL:
        vmbus_channel_open_msg(srv, msg, size);
        break;
    case VMBUS_MSG_CLOSECHANNEL:
        vmbus_channel_close_msg(srv, msg, size);
        break;
    case VMBUS_MSG_GPADL_HEADER:
        vmbus_gpadl_header_msg(srv, msg, size);
        break;
    case VMBUS_MSG_GPADL_BODY:
        vmbus_gpadl_body_msg(srv, msg, size);
        break;
    case VMBUS_MSG_GPADL_TEARDOWN:
        vmbus_gpadl_teardown_msg(srv, msg, size);
        break;
    case VMBUS_MSG_RELID_RELEASED:
        relid_released_msg(srv, msg, size);
        break;
    case VMBUS_MSG_UNLOAD:
        unload_msg(srv);
        break;
    case VMBUS_MSG_MODIFYCHANNEL:
        vmbus_channel_modify_msg(srv, msg, size);
        break;
    default:
        /* Host-to-guest types, hvsock (TL_CONNECT) and unknown ones. */
        break;
    }
    return HV_STATUS_SUCCESS;
}

/* ---- life cycle ---- */

struct vmbus_server *vmbus_server_create(const struct vmbus_host *host)
{
    struct vmbus_server *srv;

    if (!host || !host->post_message || !host->signal_event || !host->map_pages ||
        !host->unmap_pages)
        return NULL;
    srv = calloc(1, sizeof(*srv));
    if (!srv)
        return NULL;
    srv->queue = calloc(VMBUS_QUEUE_SIZE, sizeof(*srv->queue));
    if (!srv->queue) {
        free(srv);
        return NULL;
    }
    srv->host = *host;
    srv->msg_sint = VMBUS_MESSAGE_SINT;
    return srv;
}

void vmbus_server_destroy(struct vmbus_server *srv)
{
    if (!srv)
        return;
    disconnect(srv);
    for (uint32_t relid = 1; relid <= VMBUS_MAX_CHANNELS; relid++)
        if (srv->chans[relid])
            channel_free(srv, srv->chans[relid]);
    free(srv->queue);
    free(srv);
}
