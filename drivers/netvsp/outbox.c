// SPDX-License-Identifier: GPL-2.0-only
/*
 * What netvsp sends the guest, and what waits until it can be sent.
 *
 *  - Completions of the guest's requests (VMBUS_PKT_COMP with the
 *    request's transaction id and an NVSP message, Linux's whole 40-byte
 *    struct, or nothing).  One that finds the guest's inbound ring full
 *    waits in the backlog, and the read loop stops reading the guest's
 *    packets until the backlog is empty, so the guest is throttled rather
 *    than the host queueing without bound.
 *  - RNDIS messages for the guest (control responses, status
 *    indications): written into a receive slot and announced with a
 *    transfer-page packet.  They wait (a bounded queue; the link state as
 *    one flag) for a free slot or ring space: Linux waits for its control
 *    responses without a timeout, so they must not be lost.
 *
 * Any send may find the channel broken, and then the close callback has
 * run inside it and reset all of this: every loop checks the state after
 * each send before touching the queues again.
 */
#include <string.h>

#include "netvsp_internal.h"

static bool closed(const struct netvsp *nic)
{
    return nic->state == NVSP_CLOSED;
}

static int send_completion(struct netvsp *nic, const struct netvsp_completion *c)
{
    return vmbus_channel_send(nic->ch, VMBUS_PKT_COMP, 0, c->tid, c->msg, c->len);
}

void outbox_complete(struct netvsp *nic, uint64_t tid, const void *msg, uint32_t len)
{
    struct netvsp_completion c;

    if (closed(nic) || len > NVSP_MSG_SIZE)
        return;
    memset(&c, 0, sizeof(c));
    c.tid = tid;
    /* Linux checks a completion's length against its whole message for
     * some types: always send all of it. */
    c.len = len ? NVSP_MSG_SIZE : 0;
    if (len)
        memcpy(c.msg, msg, len);
    if (nic->backlog_len == 0 && send_completion(nic, &c) != VMBUS_RING_FULL)
        return; /* sent, or the channel broke (close has run) */
    /* Reading pauses while a completion waits, so this stays short. */
    if (nic->backlog_len == NETVSP_BACKLOG_MAX)
        return;
    nic->backlog[(nic->backlog_head + nic->backlog_len) % NETVSP_BACKLOG_MAX] = c;
    nic->backlog_len++;
}

bool outbox_backlogged(const struct netvsp *nic)
{
    return nic->backlog_len > 0;
}

int outbox_send_slot(struct netvsp *nic, uint32_t slot, uint64_t tid, uint32_t len,
                     uint32_t channel_type)
{
    struct vmbus_xfer_page_header h;
    struct nvsp_rndis_pkt m;
    uint8_t nvsp[NVSP_MSG_SIZE];
    struct vmbus_ring_iov iov = {nvsp, sizeof(nvsp)};

    memset(&h, 0, sizeof(h));
    h.xfer_pageset_id = nic->recv_buf.id;
    h.range_count = 1;
    h.byte_count = len;
    h.byte_offset = rx_slots_offset(&nic->slots, slot);
    memset(nvsp, 0, sizeof(nvsp));
    m.type = NVSP_MSG1_SEND_RNDIS_PKT;
    m.channel_type = channel_type;
    m.section_index = NVSP_NO_SECTION;
    m.section_size = 0;
    memcpy(nvsp, &m, sizeof(m));
    return vmbus_channel_sendv_hdr(nic->ch, VMBUS_PKT_DATA_XFER_PAGES, VMBUS_PKT_FLAG_COMPLETION,
                                   tid, &h, sizeof(h), &iov, 1);
}

/* Put the control message @data into a slot and announce it: 1 sent, 0
 * no slot or ring space now (try again later), -1 never sendable or the
 * channel broke (drop it). */
static int place_control(struct netvsp *nic, const void *data, uint32_t len)
{
    uint32_t slot;
    uint64_t tid;
    int rc;

    if (len > nic->slots.slot_size || !rx_slots_get(&nic->slots, true, &slot, &tid))
        return len > nic->slots.slot_size ? -1 : 0;
    memcpy(rx_slots_ptr(&nic->slots, slot), data, len);
    rc = outbox_send_slot(nic, slot, tid, len, NVSP_CHANNEL_CONTROL);
    if (rc == VMBUS_RING_OK)
        return 1;
    if (closed(nic))
        return -1; /* close ran inside the send: the slots are gone */
    rx_slots_put(&nic->slots, slot);
    return rc == VMBUS_RING_FULL ? 0 : -1;
}

static void build_indication(const struct netvsp *nic, uint8_t *buf, uint32_t *len)
{
    struct rndis_header h = {RNDIS_MSG_INDICATE, RNDIS_HEADER_SIZE};
    struct rndis_indicate_status st;

    memset(&st, 0, sizeof(st));
    st.status = nic->link_up ? RNDIS_STATUS_MEDIA_CONNECT : RNDIS_STATUS_MEDIA_DISCONNECT;
    h.msg_len += sizeof(st);
    memcpy(buf, &h, sizeof(h));
    memcpy(buf + sizeof(h), &st, sizeof(st));
    *len = h.msg_len;
}

void outbox_flush(struct netvsp *nic)
{
    while (nic->backlog_len && !closed(nic)) {
        if (send_completion(nic, &nic->backlog[nic->backlog_head]) == VMBUS_RING_FULL)
            return;
        if (closed(nic))
            return;
        nic->backlog_head = (nic->backlog_head + 1) % NETVSP_BACKLOG_MAX;
        nic->backlog_len--;
    }
    if (closed(nic) || !nic->recv_buf.present)
        return;
    while (nic->control_len) {
        const struct netvsp_control_msg *m = &nic->control[nic->control_head];

        if (place_control(nic, m->data, m->len) == 0 || closed(nic))
            return;
        nic->control_head = (nic->control_head + 1) % NETVSP_CONTROL_QUEUE_MAX;
        nic->control_len--;
    }
    if (nic->indicate_pending && nic->rndis_ready) {
        uint8_t buf[RNDIS_HEADER_SIZE + sizeof(struct rndis_indicate_status)];
        uint32_t len;

        build_indication(nic, buf, &len);
        if (place_control(nic, buf, len) == 0 || closed(nic))
            return;
    }
    nic->indicate_pending = false;
}

bool outbox_control(struct netvsp *nic, const void *msg, uint32_t len)
{
    struct netvsp_control_msg *m;

    if (closed(nic) || !nic->recv_buf.present || nic->control_len == NETVSP_CONTROL_QUEUE_MAX ||
        len > NETVSP_CONTROL_MSG_MAX)
        return false;
    m = &nic->control[(nic->control_head + nic->control_len) % NETVSP_CONTROL_QUEUE_MAX];
    memcpy(m->data, msg, len);
    m->len = len;
    nic->control_len++;
    outbox_flush(nic);
    return true;
}

void outbox_indicate_link(struct netvsp *nic)
{
    /* Before RNDIS INIT the guest asks for the state itself. */
    if (closed(nic) || !nic->rndis_ready)
        return;
    nic->indicate_pending = true;
    outbox_flush(nic);
}

void outbox_clear(struct netvsp *nic)
{
    nic->backlog_head = nic->backlog_len = 0;
    nic->control_head = nic->control_len = 0;
    nic->indicate_pending = false;
}
