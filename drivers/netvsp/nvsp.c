// SPDX-License-Identifier: GPL-2.0-only
/*
 * NVSP messages from the guest, as Linux 6.1's netvsc_connect_vsp(),
 * netvsc_init_buf() and netvsc_send_pkt() send them:
 *
 *   INIT (min == max version, newest first; refused versions make the
 *   guest try the next), SEND_NDIS_VERSION and SEND_NDIS_CONFIG (no reply),
 *   SEND_RECV_BUF (the reply lays the buffer out as one section of equal
 *   slots), SEND_SEND_BUF (the reply gives the section size), then
 *   SEND_RNDIS_PKT for every RNDIS message, and REVOKE_* at the end.
 *
 * Replies are VMBus completions carrying the request's "_COMPLETE"
 * message, sent when the guest asked for a completion (Linux does for
 * exactly the requests that have one).  A request that is short, out of
 * order or wrong gets its reply with a failure status; a message type with
 * no reply of its own (unknown ones included) gets an empty completion if
 * one was asked for, which frees the guest's request and claims nothing.
 * Packets of other VMBus types are dropped.
 */
#include <string.h>

#include <vmbus/channel.h>

#include "netvsp_internal.h"

/* Linux 6.1's versions, the ones netvsp speaks, newest first. */
static const uint32_t versions[] = {NVSP_VERSION_61, NVSP_VERSION_6, NVSP_VERSION_5,
                                    NVSP_VERSION_4,  NVSP_VERSION_2, NVSP_VERSION_1};

/* One request being handled: what the reply needs. */
struct request {
    uint64_t tid;
    bool wants_completion;
    const uint8_t *payload; /* the NVSP message */
    uint32_t len;
};

static void reply(struct netvsp *nic, const struct request *rq, const void *msg, uint32_t len)
{
    if (rq->wants_completion)
        outbox_complete(nic, rq->tid, msg, len);
}

static void reply_empty(struct netvsp *nic, const struct request *rq)
{
    reply(nic, rq, NULL, 0);
}

/* Copy the request's message into @m (@size bytes); false if it is
 * shorter, counted as a bad packet. */
static bool take(struct netvsp *nic, const struct request *rq, void *m, size_t size)
{
    if (rq->len < size) {
        nic->stats.bad_packets++;
        return false;
    }
    memcpy(m, rq->payload, size);
    return true;
}

static void handle_init(struct netvsp *nic, const struct request *rq)
{
    struct nvsp_init_complete c;
    struct nvsp_init m;

    memset(&c, 0, sizeof(c));
    c.type = NVSP_MSG_INIT_COMPLETE;
    c.status = NVSP_STAT_FAIL;
    /* Once a version is agreed the buffers may depend on it: a second
     * INIT on the same open channel is refused. */
    if (take(nic, rq, &m, sizeof(m)) && nic->state == NVSP_WAIT_INIT) {
        for (size_t i = 0; i < sizeof(versions) / sizeof(versions[0]); i++) {
            if (versions[i] >= m.min_version && versions[i] <= m.max_version) {
                nic->nvsp_version = versions[i];
                nic->state = NVSP_READY;
                c.negotiated_version = versions[i];
                c.status = NVSP_STAT_SUCCESS;
                break;
            }
        }
    }
    reply(nic, rq, &c, sizeof(c));
}

/*
 * SEND_NDIS_VERSION and SEND_NDIS_CONFIG: checked for length (a short one
 * is a bad packet) and otherwise only acknowledged.  Nothing depends on
 * them: the NDIS version changes nothing netvsp sends, and the guest's MTU
 * is informative (frames are checked against the host's; a guest MTU
 * above it means the guest's big frames are dropped, as on a real switch
 * port), as are its capabilities (SR-IOV, ...: none is offered).
 */
static void handle_informative(struct netvsp *nic, const struct request *rq, size_t size)
{
    uint8_t m[NVSP_MSG_SIZE];

    take(nic, rq, m, size);
    reply_empty(nic, rq);
}

void nvsp_drop_recv_buf(struct netvsp *nic)
{
    rx_slots_detach(&nic->slots);
    memset(&nic->recv_buf, 0, sizeof(nic->recv_buf));
    /* Queued control messages have nowhere to go any more. */
    nic->control_head = nic->control_len = 0;
    nic->indicate_pending = false;
}

void nvsp_drop_send_buf(struct netvsp *nic)
{
    memset(&nic->send_buf, 0, sizeof(nic->send_buf));
    nic->send_sections = 0;
}

/* The host view of @b's GPADL now, if it still covers @need bytes. */
static uint8_t *current_view(const struct netvsp *nic, const struct netvsp_buffer *b, size_t need)
{
    size_t len = 0;
    uint8_t *view = vmbus_channel_gpadl_view(nic->ch, b->gpadl, &len);

    return view && len >= need ? view : NULL;
}

/*
 * A buffer's view is valid until its GPADL is torn down, which the
 * gpadl_teardown callback reports (vmbus_channel_gpadl_view() hands out
 * only this channel's GPADLs).  Looking the GPADLs up again at every entry
 * (frames, link changes, the guest's signal) is insurance on top: a GPADL
 * gone or shrunk drops the buffer, one re-created elsewhere moves it.
 */
void nvsp_check_buffers(struct netvsp *nic)
{
    uint8_t *view;

    if (nic->recv_buf.present) {
        view = current_view(nic, &nic->recv_buf, rx_slots_extent(&nic->slots));
        if (!view)
            nvsp_drop_recv_buf(nic);
        else
            rx_slots_move(&nic->slots, view);
    }
    if (nic->send_buf.present) {
        view = current_view(nic, &nic->send_buf,
                            (size_t)nic->send_sections * NETVSP_SEND_SECTION_SIZE);
        if (!view)
            nvsp_drop_send_buf(nic);
        else
            nic->send_buf.view = view;
    }
}

static uint32_t slot_size(const struct netvsp *nic)
{
    return (NETVSP_RX_SLOT_HEADROOM + nic->max_frame + 63u) & ~63u;
}

static void handle_recv_buf(struct netvsp *nic, const struct request *rq)
{
    struct nvsp_recv_buf_complete c;
    struct nvsp_buffer m;
    uint8_t *view;
    size_t len = 0;

    memset(&c, 0, sizeof(c));
    c.type = NVSP_MSG1_SEND_RECV_BUF_COMP;
    c.status = NVSP_STAT_FAIL;
    if (!take(nic, rq, &m, sizeof(m)) || nic->state != NVSP_READY || nic->recv_buf.present)
        goto out;
    view = vmbus_channel_gpadl_view(nic->ch, m.gpadl, &len);
    /* Too small for the minimum number of slots (or no such GPADL) is
     * refused; a huge one is used up to RX_SLOTS_MAX slots. */
    if (!view || !rx_slots_attach(&nic->slots, view, len, slot_size(nic))) {
        nic->stats.bad_packets++;
        goto out;
    }
    nic->recv_buf.present = true;
    nic->recv_buf.gpadl = m.gpadl;
    nic->recv_buf.id = m.id;
    /* Linux wants exactly one section starting at offset 0. */
    c.status = NVSP_STAT_SUCCESS;
    c.num_sections = 1;
    c.section.offset = 0;
    c.section.sub_alloc_size = nic->slots.slot_size;
    c.section.num_sub_allocs = nic->slots.count;
    c.section.end_offset = nic->slots.slot_size * nic->slots.count;
out:
    reply(nic, rq, &c, sizeof(c));
}

static void handle_send_buf(struct netvsp *nic, const struct request *rq)
{
    struct nvsp_send_buf_complete c;
    struct nvsp_buffer m;
    uint8_t *view;
    size_t len = 0;

    memset(&c, 0, sizeof(c));
    c.type = NVSP_MSG1_SEND_SEND_BUF_COMP;
    c.status = NVSP_STAT_FAIL;
    if (!take(nic, rq, &m, sizeof(m)) || nic->state != NVSP_READY || nic->send_buf.present)
        goto out;
    view = vmbus_channel_gpadl_view(nic->ch, m.gpadl, &len);
    if (!view || len < NETVSP_SEND_SECTION_SIZE) {
        nic->stats.bad_packets++;
        goto out;
    }
    nic->send_buf.present = true;
    nic->send_buf.gpadl = m.gpadl;
    nic->send_buf.id = m.id;
    nic->send_buf.view = view;
    nic->send_sections = len / NETVSP_SEND_SECTION_SIZE > UINT32_MAX
                             ? UINT32_MAX
                             : (uint32_t)(len / NETVSP_SEND_SECTION_SIZE);
    c.status = NVSP_STAT_SUCCESS;
    c.section_size = NETVSP_SEND_SECTION_SIZE;
out:
    reply(nic, rq, &c, sizeof(c));
}

/* REVOKE_RECV_BUF / REVOKE_SEND_BUF: the id must be the buffer's. */
static void handle_revoke(struct netvsp *nic, const struct request *rq, bool recv)
{
    struct netvsp_buffer *b = recv ? &nic->recv_buf : &nic->send_buf;
    struct nvsp_revoke m;

    if (take(nic, rq, &m, sizeof(m)) && b->present && b->id == m.id) {
        if (recv)
            nvsp_drop_recv_buf(nic);
        else
            nvsp_drop_send_buf(nic);
    }
    reply_empty(nic, rq);
}

/* The bytes the SEND_RNDIS_PKT @m names: its send-buffer section, then
 * (GPA-direct packets) its page ranges.  False if any is out of bounds. */
static bool gather(struct netvsp *nic, const struct nvsp_rndis_pkt *m, uint16_t type,
                   const uint8_t *pkt, size_t data_off)
{
    struct tx_source *src = &nic->src;

    tx_source_init(src);
    if (m->section_index != NVSP_NO_SECTION) {
        if (!nic->send_buf.present || m->section_index >= nic->send_sections ||
            m->section_size > NETVSP_SEND_SECTION_SIZE)
            return false;
        if (!tx_source_add(src,
                           nic->send_buf.view + (size_t)m->section_index * NETVSP_SEND_SECTION_SIZE,
                           m->section_size))
            return false;
    }
    if (type == VMBUS_PKT_DATA_GPA_DIRECT && !tx_source_add_gpa(src, nic->ch, pkt, data_off))
        return false;
    return src->len > 0;
}

static void handle_rndis_pkt(struct netvsp *nic, const struct request *rq, uint16_t type,
                             const uint8_t *pkt, size_t data_off)
{
    struct nvsp_rndis_pkt_complete c;
    struct nvsp_rndis_pkt m;

    c.type = NVSP_MSG1_SEND_RNDIS_PKT_COMP;
    c.status = NVSP_STAT_FAIL;
    if (!take(nic, rq, &m, sizeof(m)) || nic->state != NVSP_READY)
        goto out;
    if (m.channel_type > NVSP_CHANNEL_CONTROL || !gather(nic, &m, type, pkt, data_off)) {
        nic->stats.bad_packets++;
        c.status = NVSP_STAT_INVALID_RNDIS_PKT;
        goto out;
    }
    c.status = rndis_handle(nic, &nic->src);
out:
    reply(nic, rq, &c, sizeof(c));
}

static void handle_subchannel(struct netvsp *nic, const struct request *rq)
{
    struct nvsp_subchannel_complete c;
    struct nvsp_subchannel_request m;

    /* netvsp has one queue (RSS capabilities are refused, so Linux does
     * not ask): an allocation succeeds with no subchannels, which Linux
     * takes as "stay on the primary channel". */
    c.type = NVSP_MSG5_SUBCHANNEL;
    c.status = NVSP_STAT_FAIL;
    c.num_subchannels = 0;
    if (take(nic, rq, &m, sizeof(m)) && nic->state == NVSP_READY &&
        m.op == NVSP_SUBCHANNEL_ALLOCATE)
        c.status = NVSP_STAT_SUCCESS;
    reply(nic, rq, &c, sizeof(c));
}

/* The guest completed a transfer-page packet: its slot is free again. */
static void handle_completion(struct netvsp *nic, uint64_t tid, const uint8_t *p, uint32_t len)
{
    struct nvsp_rndis_pkt_complete m;

    if (len < sizeof(m)) {
        nic->stats.bad_packets++;
        return;
    }
    memcpy(&m, p, sizeof(m));
    /* The status is the guest's opinion of our message; the slot is free
     * either way. */
    if (m.type != NVSP_MSG1_SEND_RNDIS_PKT_COMP || !rx_slots_complete(&nic->slots, tid)) {
        nic->stats.bad_packets++;
        return;
    }
    /* Control messages may wait for exactly this slot. */
    outbox_flush(nic);
}

void nvsp_handle_packet(struct netvsp *nic, const uint8_t *pkt, uint32_t len)
{
    struct vmbus_packet_desc desc;
    struct request rq;
    size_t off;
    uint32_t type;

    if (len < sizeof(desc))
        return;
    memcpy(&desc, pkt, sizeof(desc));
    off = (size_t)desc.offset8 * 8;
    /* The ring checked offset8 against the packet; stay safe regardless. */
    if (off < sizeof(desc) || off > len)
        return;
    if (desc.type == VMBUS_PKT_COMP) {
        handle_completion(nic, desc.trans_id, pkt + off, len - (uint32_t)off);
        return;
    }
    if (desc.type != VMBUS_PKT_DATA_INBAND && desc.type != VMBUS_PKT_DATA_GPA_DIRECT) {
        nic->stats.bad_packets++;
        return;
    }
    rq.tid = desc.trans_id;
    rq.wants_completion = (desc.flags & VMBUS_PKT_FLAG_COMPLETION) != 0;
    rq.payload = pkt + off;
    rq.len = len - (uint32_t)off;
    if (rq.len < sizeof(type)) {
        nic->stats.bad_packets++;
        reply_empty(nic, &rq);
        return;
    }
    memcpy(&type, rq.payload, sizeof(type));

    switch (type) {
    case NVSP_MSG_INIT:
        handle_init(nic, &rq);
        return;
    case NVSP_MSG1_SEND_NDIS_VERSION:
        handle_informative(nic, &rq, sizeof(struct nvsp_ndis_version));
        return;
    case NVSP_MSG2_SEND_NDIS_CONFIG:
        handle_informative(nic, &rq, sizeof(struct nvsp_ndis_config));
        return;
    case NVSP_MSG1_SEND_RECV_BUF:
        handle_recv_buf(nic, &rq);
        return;
    case NVSP_MSG1_REVOKE_RECV_BUF:
        handle_revoke(nic, &rq, true);
        return;
    case NVSP_MSG1_SEND_SEND_BUF:
        handle_send_buf(nic, &rq);
        return;
    case NVSP_MSG1_REVOKE_SEND_BUF:
        handle_revoke(nic, &rq, false);
        return;
    case NVSP_MSG1_SEND_RNDIS_PKT:
        handle_rndis_pkt(nic, &rq, desc.type, pkt, off);
        return;
    case NVSP_MSG5_SUBCHANNEL:
        handle_subchannel(nic, &rq);
        return;
    case NVSP_MSG4_SWITCH_DATA_PATH:
    case NVSP_MSG5_SEND_INDIRECTION:
        /* No VF is ever offered, and the send table goes host to guest:
         * neither means anything here.  Linux waits for a completion of
         * SWITCH_DATA_PATH, and an empty one is what it expects. */
        reply_empty(nic, &rq);
        return;
    default:
        nic->stats.bad_packets++;
        reply_empty(nic, &rq);
        return;
    }
}
