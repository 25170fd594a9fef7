// SPDX-License-Identifier: GPL-2.0-only
/*
 * netvsp: the channel, the read loop and the host's side (netvsp/netvsp.h;
 * netvsp_internal.h for how the files divide the work).
 *
 * All guest state lives as long as one open of the channel: open starts
 * the NVSP handshake afresh, close forgets buffers, RNDIS state and
 * everything queued.  Received frames go straight into a receive slot and
 * out; nothing is queued for them, so a guest that stops completing them
 * only makes the host drop its frames.
 */
#include <stdlib.h>
#include <string.h>

#include "netvsp_internal.h"
#include "rndis_packet.h"

/* f8615163-df3e-46c5-913f-f2d2f965ed0e, the first three fields little-endian */
static const struct vmbus_guid net_class = {{0x63, 0x51, 0x61, 0xf8, 0x3e, 0xdf, 0xc5, 0x46, 0x91,
                                             0x3f, 0xf2, 0xd2, 0xf9, 0x65, 0xed, 0x0e}};

/* Everything the guest set up, gone: after close, and before an open. */
static void forget_guest(struct netvsp *nic)
{
    nic->nvsp_version = 0;
    nvsp_drop_recv_buf(nic);
    nvsp_drop_send_buf(nic);
    rndis_reset(nic);
    outbox_clear(nic);
    nic->rx_stalled = false;
}

/*
 * Send what waits, then read the guest's packets until its ring is empty
 * or a completion waits for space in its inbound ring.  Reentry (a host
 * that delivers a frame from inside transmit, say) does not read: the
 * outer loop goes on.
 */
static void poll_channel(struct netvsp *nic)
{
    if (nic->polling || nic->state == NVSP_CLOSED)
        return;
    nic->polling = true;
    nvsp_check_buffers(nic);
    outbox_flush(nic);
    while (nic->state != NVSP_CLOSED && !outbox_backlogged(nic)) {
        uint32_t len = 0;
        int rc = vmbus_channel_recv(nic->ch, nic->pkt, sizeof(nic->pkt), &len);

        if (rc == VMBUS_RING_OK) {
            nvsp_handle_packet(nic, (const uint8_t *)nic->pkt, len);
            continue;
        }
        if (rc != VMBUS_RING_TOO_BIG)
            break; /* empty, or broken (close has run) */
        /* Far bigger than anything netvsc sends: dropped unread. */
        nic->stats.bad_packets++;
        if (vmbus_channel_skip(nic->ch) != VMBUS_RING_OK)
            break;
    }
    nic->polling = false;
    /* The guest signalled: it completed slots or read its ring. */
    if (nic->rx_stalled && nic->state != NVSP_CLOSED && nic->host.rx_resume) {
        nic->rx_stalled = false;
        nic->host.rx_resume(nic->host.opaque);
    }
}

static int dev_open(struct vmbus_channel *ch, void *dev)
{
    struct netvsp *nic = dev;

    nic->ch = ch;
    forget_guest(nic);
    nic->state = NVSP_WAIT_INIT;
    return 0;
}

static void dev_close(struct vmbus_channel *ch, void *dev)
{
    struct netvsp *nic = dev;

    (void)ch;
    nic->state = NVSP_CLOSED;
    forget_guest(nic);
}

static void dev_notify(struct vmbus_channel *ch, void *dev)
{
    (void)ch;
    poll_channel(dev);
}

/* The guest tears down a GPADL while the channel is open (Linux does,
 * after REVOKE, on VMBus versions before 4.0): a buffer in it is gone. */
static void dev_gpadl_teardown(struct vmbus_channel *ch, void *dev, uint32_t gpadl)
{
    struct netvsp *nic = dev;

    (void)ch;
    if (nic->recv_buf.present && nic->recv_buf.gpadl == gpadl)
        nvsp_drop_recv_buf(nic);
    if (nic->send_buf.present && nic->send_buf.gpadl == gpadl)
        nvsp_drop_send_buf(nic);
}

static const struct vmbus_device_ops netvsp_ops = {
    .open = dev_open,
    .close = dev_close,
    .notify = dev_notify,
    .gpadl_teardown = dev_gpadl_teardown,
};

struct netvsp *netvsp_create(struct vmbus_server *srv, const struct netvsp_host *host,
                             const struct netvsp_config *cfg)
{
    struct vmbus_offer offer;
    struct netvsp *nic;
    uint32_t mtu;

    if (!srv || !host || !host->transmit || !cfg)
        return NULL;
    mtu = cfg->mtu ? cfg->mtu : NETVSP_MTU_DEFAULT;
    if (mtu < NETVSP_MTU_MIN || mtu > NETVSP_MTU_MAX || (cfg->mac[0] & 1))
        return NULL;
    nic = calloc(1, sizeof(*nic));
    if (!nic)
        return NULL;
    nic->host = *host;
    memcpy(nic->perm_mac, cfg->mac, 6);
    nic->allow_mac_change = cfg->allow_mac_change;
    nic->mtu = mtu;
    nic->max_frame = NETVSP_ETH_HLEN + NETVSP_VLAN_HLEN + mtu;
    nic->link_speed_bps = cfg->link_speed_bps ? cfg->link_speed_bps : NETVSP_LINK_SPEED_DEFAULT;
    nic->link_up = cfg->link_up;
    nic->state = NVSP_CLOSED;
    rx_slots_init(&nic->slots);
    forget_guest(nic);

    memset(&offer, 0, sizeof(offer));
    offer.type = net_class;
    offer.instance = cfg->instance;
    nic->ch = vmbus_server_offer(srv, &offer, &netvsp_ops, nic);
    if (!nic->ch) {
        free(nic);
        return NULL;
    }
    return nic;
}

void netvsp_destroy(struct netvsp *nic)
{
    if (!nic)
        return;
    vmbus_server_rescind(nic->ch); /* close runs if open */
    nic->ch = NULL;
    nic->state = NVSP_CLOSED;
    forget_guest(nic);
    free(nic);
}

static enum netvsp_rx_result rx_drop(struct netvsp *nic, enum netvsp_rx_result why)
{
    nic->stats.rx_dropped++;
    if (why == NETVSP_RX_NO_SLOT || why == NETVSP_RX_RING_FULL)
        nic->rx_stalled = true;
    return why;
}

enum netvsp_rx_result netvsp_receive_frame(struct netvsp *nic, const void *frame, size_t len)
{
    uint32_t slot, msg_len;
    uint64_t tid;
    int rc;

    if (!nic)
        return NETVSP_RX_NOT_READY;
    nvsp_check_buffers(nic);
    if (nic->state != NVSP_READY || !nic->recv_buf.present || !nic->rndis_ready)
        return rx_drop(nic, NETVSP_RX_NOT_READY);
    if (!nic->link_up)
        return rx_drop(nic, NETVSP_RX_LINK_DOWN);
    if (!frame || len < NETVSP_ETH_HLEN || len > nic->max_frame)
        return rx_drop(nic, NETVSP_RX_BAD_LENGTH);
    if (!packet_filter_accepts(&nic->filter, frame))
        return rx_drop(nic, NETVSP_RX_FILTERED);
    if (!rx_slots_get(&nic->slots, false, &slot, &tid))
        return rx_drop(nic, NETVSP_RX_NO_SLOT);
    msg_len = rndis_packet_build(rx_slots_ptr(&nic->slots, slot), frame, (uint32_t)len);
    rc = outbox_send_slot(nic, slot, tid, msg_len, NVSP_CHANNEL_DATA);
    if (rc == VMBUS_RING_OK) {
        nic->stats.rx_frames++;
        nic->stats.rx_bytes += len;
        return NETVSP_RX_DELIVERED;
    }
    if (nic->state == NVSP_CLOSED)
        return rx_drop(nic, NETVSP_RX_NOT_READY); /* the ring broke: close ran */
    rx_slots_put(&nic->slots, slot);
    return rx_drop(nic, rc == VMBUS_RING_FULL ? NETVSP_RX_RING_FULL : NETVSP_RX_NOT_READY);
}

void netvsp_set_link(struct netvsp *nic, bool up)
{
    if (!nic || nic->link_up == up)
        return;
    nic->link_up = up;
    nvsp_check_buffers(nic);
    outbox_indicate_link(nic);
}

void netvsp_get_stats(const struct netvsp *nic, struct netvsp_stats *out)
{
    if (nic && out)
        *out = nic->stats;
}
