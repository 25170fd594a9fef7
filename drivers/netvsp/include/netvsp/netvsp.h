/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * netvsp: a synthetic Ethernet NIC on VMBus, the host side of the guest's
 * netvsc driver (Linux hv_netvsc).  One NIC is one VMBus channel offer
 * (class f8615163-df3e-46c5-913f-f2d2f965ed0e), single queue.
 *
 * Protocol: NVSP on the channel (version negotiation for NVSP 1 to 6.1,
 * NDIS version and configuration, the guest's receive and send buffers),
 * RNDIS inside it (INIT, HALT, QUERY, SET, RESET, KEEPALIVE, status
 * indications, data packets).  Frames the guest sends arrive in send-buffer
 * sections or GPA-direct page ranges and go to the host's transmit callback;
 * frames for the guest are written into slots of its receive buffer and
 * announced with transfer-page packets, the guest's completion freeing the
 * slot.  No offloads are offered (no checksum, LSO, RSC or RSS), so every
 * frame is a plain Ethernet frame; a VLAN tag the guest gives as per-packet
 * info is put into the frame.
 *
 * Everything the guest sends is hostile: malformed messages get a failed
 * completion or are dropped, and netvsp only reads and writes guest memory
 * the guest named (its buffers' GPADLs, GPA ranges checked to be guest
 * RAM), copying what it parses out first.
 *
 * Threads: like the VMBus server (vmbus/server.h) and storvsp, every
 * netvsp function is called with the caller's VMBus lock held, and the
 * host callbacks run inside those calls (transmit inside the server's
 * notify; rx_resume likewise).  netvsp_receive_frame() from a network
 * thread must take that lock too.
 */
#ifndef NETVSP_NETVSP_H
#define NETVSP_NETVSP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <vmbus/server.h>

#define NETVSP_MTU_DEFAULT 1500u
#define NETVSP_MTU_MIN     68u   /* Linux's ETH_MIN_MTU */
#define NETVSP_MTU_MAX     9000u /* jumbo frames: 9014 bytes with the header */
#define NETVSP_ETH_HLEN    14u
#define NETVSP_VLAN_HLEN   4u

/* 10 Gbit/s, what Hyper-V reports for a synthetic NIC. */
#define NETVSP_LINK_SPEED_DEFAULT 10000000000ull

struct netvsp;

struct netvsp_config {
    struct vmbus_guid instance; /* unique per NIC */
    uint8_t mac[6];             /* the permanent address (unicast) */
    uint32_t mtu;               /* payload bytes; 0: NETVSP_MTU_DEFAULT */
    bool link_up;               /* the link state at creation */
    /* Let the guest change its address (RNDIS config parameter
     * "NetworkAddress", Linux's ip link set address); Hyper-V calls this
     * MAC spoofing.  Off: the change is refused. */
    bool allow_mac_change;
    uint64_t link_speed_bps; /* 0: NETVSP_LINK_SPEED_DEFAULT */
};

struct netvsp_host {
    void *opaque;
    /* The guest sent an Ethernet frame of @len bytes (destination,
     * source, type, payload; no FCS).  @frame is valid during the call
     * only.  Required. */
    void (*transmit)(void *opaque, const uint8_t *frame, size_t len);
    /* Optional.  After netvsp_receive_frame() reported NETVSP_RX_NO_SLOT
     * or NETVSP_RX_RING_FULL, the guest signalled (it completed frames or
     * read its ring): room may be free again, the host may resume
     * delivering.  Once per stall. */
    void (*rx_resume)(void *opaque);
};

/* Offer a NIC on @srv.  NULL on a bad configuration (MTU out of range, a
 * multicast MAC) or failure. */
struct netvsp *netvsp_create(struct vmbus_server *srv, const struct netvsp_host *host,
                             const struct netvsp_config *cfg);

/* Rescind the offer (the channel closes if open) and free. */
void netvsp_destroy(struct netvsp *nic);

enum netvsp_rx_result {
    NETVSP_RX_DELIVERED = 0,
    NETVSP_RX_NOT_READY,  /* channel closed, no receive buffer, RNDIS not initialized */
    NETVSP_RX_LINK_DOWN,  /* the host set the link down */
    NETVSP_RX_FILTERED,   /* the guest's packet filter does not want it */
    NETVSP_RX_BAD_LENGTH, /* shorter than a header or longer than the MTU allows */
    NETVSP_RX_NO_SLOT,    /* every receive slot waits for the guest */
    NETVSP_RX_RING_FULL,  /* the guest's inbound ring is full */
};

/*
 * Deliver the Ethernet frame [@frame, @frame + @len) to the guest: copied
 * into a free slot of its receive buffer and announced; the frame may be
 * reused when this returns.  A frame may carry an 802.1Q tag (up to MTU +
 * 18 bytes).  Anything but NETVSP_RX_DELIVERED means the frame was dropped.
 */
enum netvsp_rx_result netvsp_receive_frame(struct netvsp *nic, const void *frame, size_t len);

/* Link up or down (cable plugged or not): the guest is told with an RNDIS
 * status indication; while down, frames are dropped both ways. */
void netvsp_set_link(struct netvsp *nic, bool up);

struct netvsp_stats {
    uint64_t tx_frames, tx_bytes; /* handed to the host's transmit */
    uint64_t tx_dropped;          /* link down, or the guest's frame unusable */
    uint64_t rx_frames, rx_bytes; /* delivered to the guest */
    uint64_t rx_dropped;          /* every netvsp_receive_frame() not delivered */
    uint64_t bad_packets;         /* guest packets refused as malformed */
};

void netvsp_get_stats(const struct netvsp *nic, struct netvsp_stats *out);

#endif /* NETVSP_NETVSP_H */
