/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Open channels: OPENCHANNEL, CLOSECHANNEL and MODIFYCHANNEL from the guest,
 * the guest's signals (HvSignalEvent) to the devices, and the devices' I/O
 * on the two rings, with the signals back to the guest that the ring rules
 * call for.  See vmbus/include/vmbus/channel.h.
 *
 * Choices:
 *  - OPENCHANNEL for a relid the guest does not know, for a rescinded
 *    channel or for one already open is ignored (no OPENCHANNEL_RESULT);
 *    any other failure (GPADL unknown, incomplete, made for another relid,
 *    not whole pages, ring offset outside it, the device refusing) is
 *    answered with a non-zero status and the channel stays closed.
 *  - target_vp 0xffffffff at open means "no interrupts" (Hyper-V's
 *    VP_INDEX_DISABLE_INTERRUPT); MODIFYCHANNEL cannot set or leave it.
 *  - MODIFYCHANNEL (>= 4.1) is answered from 5.3 on, as Linux expects:
 *    status 0 when the channel was open and moved, non-zero for a known
 *    relid it could not apply to; unknown relids are ignored.
 *  - A ring the guest broke closes the channel (close runs) and every I/O
 *    call says VMBUS_RING_CORRUPT until the guest opens it again.
 */
#include <string.h>

#include "server_internal.h"

#define HV_STATUS_SUCCESS               0
#define HV_STATUS_INVALID_PARAMETER     5
#define HV_STATUS_INVALID_CONNECTION_ID 18
#define HV_EVENT_FLAGS_COUNT            2048u

static void drop_rings(struct vmbus_channel *ch)
{
    memset(&ch->recv_ring, 0, sizeof(ch->recv_ring));
    memset(&ch->send_ring, 0, sizeof(ch->send_ring));
}

void vmbus_channel_close(struct vmbus_channel *ch)
{
    if (ch->state != VMBUS_CH_OPEN)
        return;
    /* Closed before the callback, so that I/O from inside it fails instead
     * of reaching rings that are going away; and the callback comes last:
     * the device may rescind the channel from there. */
    ch->state = VMBUS_CH_CLOSED;
    drop_rings(ch);
    if (ch->ops && ch->ops->close)
        ch->ops->close(ch, ch->dev);
}

/* The guest broke a ring.  Inside the open callback the open fails
 * afterwards (see open_msg); otherwise the channel closes now. */
static void channel_corrupt(struct vmbus_channel *ch)
{
    ch->corrupt = true;
    vmbus_channel_close(ch);
}

static void signal_guest(struct vmbus_channel *ch)
{
    struct vmbus_server *srv = ch->srv;

    if (ch->target_vp != VMBUS_VP_NO_INTERRUPT)
        srv->host.signal_event(srv->host.opaque, ch->target_vp, VMBUS_MESSAGE_SINT, ch->relid);
}

static void send_open_result(struct vmbus_server *srv, uint32_t relid, uint32_t openid,
                             uint32_t status)
{
    struct vmbus_msg_open_result m;

    memset(&m, 0, sizeof(m));
    m.header.msgtype = VMBUS_MSG_OPENCHANNEL_RESULT;
    /* Linux matches the reply to its request by both. */
    m.child_relid = relid;
    m.openid = openid;
    m.status = status;
    vmbus_srv_send(srv, &m, sizeof(m));
}

/*
 * The rings inside the GPADL: pages [0, offset) are the guest's outbound
 * ring (header page, then data), [offset, end) its inbound ring.  Each needs
 * its header page and at least one data page.
 */
static bool map_rings(struct vmbus_server *srv, struct vmbus_channel *ch,
                      const struct vmbus_msg_open_channel *o)
{
    struct vmbus_gpadl *g = vmbus_gpadl_find(srv, o->ringbuffer_gpadlhandle);
    uint32_t pages, off = o->downstream_ringbuffer_pageoffset;
    uint8_t *view;

    if (!g || g->relid != ch->relid || !g->whole_pages)
        return false;
    pages = (uint32_t)(g->len / VMBUS_PAGE);
    if (off < 2 || off > pages || pages - off < 2)
        return false;
    view = g->view;
    if (vmbus_ring_init(&ch->recv_ring, view, view + VMBUS_PAGE, (off - 1) * VMBUS_PAGE) ||
        vmbus_ring_init(&ch->send_ring, view + (size_t)off * VMBUS_PAGE,
                        view + (size_t)(off + 1) * VMBUS_PAGE, (pages - off - 1) * VMBUS_PAGE)) {
        drop_rings(ch);
        return false;
    }
    return true;
}

void vmbus_channel_open_msg(struct vmbus_server *srv, const uint8_t *msg, size_t size)
{
    struct vmbus_msg_open_channel o;
    struct vmbus_channel *ch;
    int rc;

    if (size < sizeof(o))
        return;
    memcpy(&o, msg, sizeof(o));
    ch = vmbus_srv_guest_channel(srv, o.child_relid);
    if (!ch || ch->state != VMBUS_CH_CLOSED)
        return;
    if (!map_rings(srv, ch, &o)) {
        send_open_result(srv, o.child_relid, o.openid, VMBUS_STATUS_UNSUCCESSFUL);
        return;
    }
    ch->open_id = o.openid;
    ch->ring_gpadl = o.ringbuffer_gpadlhandle;
    ch->target_vp = o.target_vp;
    memcpy(ch->userdata, o.userdata, sizeof(ch->userdata));
    ch->corrupt = false;

    /* The device may already use the rings from its open callback. */
    ch->state = VMBUS_CH_OPENING;
    rc = ch->ops->open ? ch->ops->open(ch, ch->dev) : 0;
    if (ch->state != VMBUS_CH_OPENING) {
        /* Rescinded from inside the callback: the guest gets the rescind
         * (queued already) instead of a result.  The channel itself stays
         * until the guest releases the relid. */
        drop_rings(ch);
        return;
    }
    if (rc == 0 && !ch->corrupt) {
        ch->state = VMBUS_CH_OPEN;
        send_open_result(srv, o.child_relid, o.openid, 0);
        return;
    }
    ch->state = VMBUS_CH_CLOSED;
    drop_rings(ch);
    send_open_result(srv, o.child_relid, o.openid, VMBUS_STATUS_UNSUCCESSFUL);
    /* Accepted, then broken by the guest before the result: undo the
     * device's open.  Last, as the device may rescind from there. */
    if (rc == 0 && ch->ops->close)
        ch->ops->close(ch, ch->dev);
}

void vmbus_channel_close_msg(struct vmbus_server *srv, const uint8_t *msg, size_t size)
{
    struct vmbus_msg_relid c;
    struct vmbus_channel *ch;

    if (size < sizeof(c))
        return;
    memcpy(&c, msg, sizeof(c));
    ch = vmbus_srv_guest_channel(srv, c.child_relid);
    /* Closed already (by a rescind or a broken ring) is fine: Linux still
     * sends CLOSECHANNEL after a rescind.  No reply either way. */
    if (ch)
        vmbus_channel_close(ch);
}

void vmbus_channel_modify_msg(struct vmbus_server *srv, const uint8_t *msg, size_t size)
{
    struct vmbus_msg_modifychannel_response r;
    struct vmbus_msg_modifychannel m;
    struct vmbus_channel *ch;
    bool ok;

    if (size < sizeof(m) || srv->version < VMBUS_VERSION_WIN10_41)
        return;
    memcpy(&m, msg, sizeof(m));
    ch = vmbus_srv_guest_channel(srv, m.child_relid);
    if (!ch)
        return;
    ok = ch->state == VMBUS_CH_OPEN && m.target_vp != VMBUS_VP_NO_INTERRUPT &&
         ch->target_vp != VMBUS_VP_NO_INTERRUPT;
    if (ok)
        ch->target_vp = m.target_vp;
    /* Linux waits for this from 5.3 on and expects none before. */
    if (srv->version < VMBUS_VERSION_V5_3)
        return;
    memset(&r, 0, sizeof(r));
    r.header.msgtype = VMBUS_MSG_MODIFYCHANNEL_RESPONSE;
    r.child_relid = m.child_relid;
    r.status = ok ? 0 : VMBUS_STATUS_UNSUCCESSFUL;
    vmbus_srv_send(srv, &r, sizeof(r));
}

uint16_t vmbus_server_signal_event(struct vmbus_server *srv, uint32_t connection_id, uint16_t flag)
{
    struct vmbus_channel *ch;

    if (!srv || connection_id <= VMBUS_CHANNEL_CONNECTION_BASE ||
        connection_id > VMBUS_CHANNEL_CONNECTION_BASE + VMBUS_MAX_CHANNELS)
        return HV_STATUS_INVALID_CONNECTION_ID;
    if (flag >= HV_EVENT_FLAGS_COUNT)
        return HV_STATUS_INVALID_PARAMETER;
    ch = srv->chans[connection_id - VMBUS_CHANNEL_CONNECTION_BASE];
    if (!ch || ch->state != VMBUS_CH_OPEN)
        return HV_STATUS_INVALID_CONNECTION_ID;
    if (ch->ops->notify)
        ch->ops->notify(ch, ch->dev);
    return HV_STATUS_SUCCESS;
}

/* ---- the device's side ---- */

bool vmbus_channel_is_open(const struct vmbus_channel *ch)
{
    return ch && ch->state == VMBUS_CH_OPEN;
}

uint32_t vmbus_channel_relid(const struct vmbus_channel *ch)
{
    return ch ? ch->relid : 0;
}

const uint8_t *vmbus_channel_open_userdata(const struct vmbus_channel *ch)
{
    return ch ? ch->userdata : NULL;
}

void *vmbus_channel_guest_ptr(const struct vmbus_channel *ch, uint64_t gpa, uint64_t len)
{
    const struct vmbus_host *host = &ch->srv->host;

    if (!host->guest_ptr || gpa + len < gpa)
        return NULL;
    return host->guest_ptr(host->opaque, gpa, len);
}

/* VMBUS_RING_OK if the rings may be used now (open, or inside open). */
static int io_state(const struct vmbus_channel *ch)
{
    if (!ch)
        return VMBUS_RING_EINVAL;
    if (ch->corrupt)
        return VMBUS_RING_CORRUPT;
    if (ch->state != VMBUS_CH_OPEN && ch->state != VMBUS_CH_OPENING)
        return VMBUS_RING_EINVAL;
    return VMBUS_RING_OK;
}

/* Consume the packet the last peek returned, signalling the guest if it
 * waits for the room. */
static int consume(struct vmbus_channel *ch)
{
    bool signal;
    int rc = vmbus_ring_consume(&ch->recv_ring, &signal);

    if (rc == VMBUS_RING_CORRUPT) {
        channel_corrupt(ch);
        return rc;
    }
    if (rc == VMBUS_RING_OK && signal)
        signal_guest(ch);
    return rc;
}

int vmbus_channel_recv(struct vmbus_channel *ch, void *buf, size_t size, uint32_t *len)
{
    int rc = io_state(ch);

    if (rc != VMBUS_RING_OK)
        return rc;
    if (!len || (!buf && size))
        return VMBUS_RING_EINVAL;
    rc = vmbus_ring_peek(&ch->recv_ring, buf, size, len);
    if (rc == VMBUS_RING_CORRUPT) {
        channel_corrupt(ch);
        return rc;
    }
    if (rc != VMBUS_RING_OK)
        return rc;
    return consume(ch);
}

int vmbus_channel_skip(struct vmbus_channel *ch)
{
    bool signal;
    int rc = io_state(ch);

    if (rc != VMBUS_RING_OK)
        return rc;
    rc = vmbus_ring_skip(&ch->recv_ring, &signal);
    if (rc == VMBUS_RING_CORRUPT)
        channel_corrupt(ch);
    else if (rc == VMBUS_RING_OK && signal)
        signal_guest(ch);
    return rc;
}

int vmbus_channel_sendv_hdr(struct vmbus_channel *ch, uint16_t type, uint16_t flags,
                            uint64_t trans_id, const void *type_hdr, size_t type_hdr_len,
                            const struct vmbus_ring_iov *iov, unsigned int iov_count)
{
    bool signal;
    int rc = io_state(ch);

    if (rc != VMBUS_RING_OK)
        return rc;
    rc = vmbus_ring_send_hdr(&ch->send_ring, type, flags, trans_id, type_hdr, type_hdr_len, iov,
                             iov_count, &signal);
    if (rc == VMBUS_RING_CORRUPT) {
        channel_corrupt(ch);
        return rc;
    }
    if (rc == VMBUS_RING_OK && signal)
        signal_guest(ch);
    return rc;
}

int vmbus_channel_sendv(struct vmbus_channel *ch, uint16_t type, uint16_t flags, uint64_t trans_id,
                        const struct vmbus_ring_iov *iov, unsigned int iov_count)
{
    return vmbus_channel_sendv_hdr(ch, type, flags, trans_id, NULL, 0, iov, iov_count);
}

int vmbus_channel_send(struct vmbus_channel *ch, uint16_t type, uint16_t flags, uint64_t trans_id,
                       const void *data, size_t len)
{
    struct vmbus_ring_iov iov = {data, len};

    return vmbus_channel_sendv(ch, type, flags, trans_id, &iov, 1);
}
