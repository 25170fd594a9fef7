/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Inside netvsp: the NIC's state and how its files share it.
 *
 *   netvsp.c        the channel (open, close, notify), the read loop, the
 *                   host's API (frames for the guest, link state)
 *   nvsp.c          NVSP messages: version, NDIS config, buffers,
 *                   SEND_RNDIS_PKT, the guest's completions
 *   rndis.c         the RNDIS messages inside SEND_RNDIS_PKT: data to the
 *                   host, control requests answered
 *   rndis_oid.c     the OIDs netvsp answers and accepts
 *   outbox.c        everything sent to the guest: completions, and RNDIS
 *                   messages in receive-buffer slots
 *   rndis_packet.c, packet_filter.c, rx_slots.c, tx_source.c: see their
 *                   headers
 */
#ifndef NETVSP_INTERNAL_H
#define NETVSP_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <netvsp/netvsp.h>
#include <vmbus/channel.h>

#include "nvsp_wire.h"
#include "packet_filter.h"
#include "rndis_wire.h"
#include "rx_slots.h"
#include "tx_source.h"

/* The send buffer's section size netvsp announces: Hyper-V's and Linux's
 * own default (NETVSC_SEND_SECTION_SIZE).  Linux puts a packet in a
 * section when it fits, else uses page ranges. */
#define NETVSP_SEND_SECTION_SIZE 6144u
/* Receive slots: room for the RNDIS header, per-packet info a future
 * version may add, and the largest frame, in 64-byte steps. */
#define NETVSP_RX_SLOT_HEADROOM 256u
/* The largest RNDIS message netvsp takes from the guest (also what INIT_C
 * announces as max transfer size): a jumbo frame with headers and infos. */
#define NETVSP_RNDIS_MSG_MAX 16384u
/* What INIT_C announces: Linux batches up to this many RNDIS messages in a
 * section, each aligned to 1 << factor bytes (Linux's defaults). */
#define NETVSP_MAX_PKTS_PER_MSG 8u
#define NETVSP_PKT_ALIGN_FACTOR 3u
/* A packet from the ring: a GPA-direct SEND_RNDIS_PKT with the most
 * ranges netvsp takes is about 3 KiB. */
#define NETVSP_PKT_MAX 8192u
/* RNDIS control messages waiting for a receive slot or ring space (Linux
 * has one or two requests outstanding), and the largest netvsp sends. */
#define NETVSP_CONTROL_QUEUE_MAX 16u
#define NETVSP_CONTROL_MSG_MAX   256u
/* Completions the full ring refused; reading stops while any wait, so
 * there is at most one in practice. */
#define NETVSP_BACKLOG_MAX 8u

_Static_assert(NETVSP_RNDIS_MSG_MAX <= TX_SOURCE_GPA_MAX, "one message fits the page ranges");

enum nvsp_state {
    NVSP_CLOSED,    /* the channel is not open */
    NVSP_WAIT_INIT, /* open: the guest negotiates the version */
    NVSP_READY,     /* version agreed: buffers, RNDIS */
};

/* A buffer the guest gave by GPADL (receive or send). */
struct netvsp_buffer {
    bool present;
    uint32_t gpadl;
    uint16_t id;
    uint8_t *view; /* send buffer only: the receive buffer's is slots.base */
};

struct netvsp_completion {
    uint64_t tid;
    uint32_t len;
    uint8_t msg[NVSP_MSG_SIZE];
};

struct netvsp_control_msg {
    uint32_t len;
    uint8_t data[NETVSP_CONTROL_MSG_MAX];
};

struct netvsp {
    struct vmbus_channel *ch;
    struct netvsp_host host;
    uint8_t perm_mac[6];
    bool allow_mac_change;
    uint32_t mtu;
    uint32_t max_frame; /* header, one VLAN tag, MTU */
    uint64_t link_speed_bps;
    bool link_up;

    /* The guest's side, reset at every open and close. */
    enum nvsp_state state;
    uint32_t nvsp_version;
    struct netvsp_buffer recv_buf;
    struct netvsp_buffer send_buf;
    uint32_t send_sections;
    struct rx_slots slots;
    bool rndis_ready; /* INIT done, no HALT since */
    struct packet_filter filter;

    /* outbox.c */
    struct netvsp_completion backlog[NETVSP_BACKLOG_MAX];
    unsigned backlog_head, backlog_len;
    struct netvsp_control_msg control[NETVSP_CONTROL_QUEUE_MAX];
    unsigned control_head, control_len;
    bool indicate_pending; /* the link changed: tell the guest */

    bool polling;
    bool rx_stalled; /* a frame found no slot or ring space */
    struct netvsp_stats stats;

    /* Work areas: a packet from the ring, one RNDIS message, one frame. */
    uint64_t pkt[NETVSP_PKT_MAX / 8];
    uint8_t msg[NETVSP_RNDIS_MSG_MAX];
    uint8_t frame[NETVSP_ETH_HLEN + NETVSP_VLAN_HLEN + NETVSP_MTU_MAX];
    struct tx_source src;
};

/* nvsp.c: one packet from the ring (@len bytes, descriptor included). */
void nvsp_handle_packet(struct netvsp *nic, const uint8_t *pkt, uint32_t len);
/* nvsp.c: forget the receive / send buffer. */
void nvsp_drop_recv_buf(struct netvsp *nic);
void nvsp_drop_send_buf(struct netvsp *nic);
/* nvsp.c: look the buffers' GPADLs up again before using their views. */
void nvsp_check_buffers(struct netvsp *nic);

/* rndis.c: the RNDIS messages in @src; the NVSP status for the packet. */
uint32_t rndis_handle(struct netvsp *nic, const struct tx_source *src);
/* rndis.c: the RNDIS state back to uninitialized. */
void rndis_reset(struct netvsp *nic);

/* rndis_oid.c: answer a QUERY of @oid (input @in, @in_len bytes) into
 * @out (up to @out_max bytes): an RNDIS status, *@out_len bytes. */
uint32_t rndis_oid_query(struct netvsp *nic, uint32_t oid, const uint8_t *in, uint32_t in_len,
                         uint8_t *out, uint32_t out_max, uint32_t *out_len);
/* rndis_oid.c: a SET of @oid to @in; an RNDIS status. */
uint32_t rndis_oid_set(struct netvsp *nic, uint32_t oid, const uint8_t *in, uint32_t in_len);

/* outbox.c: a VMBus completion for @tid with the NVSP message @msg (@len
 * bytes, sent padded to NVSP_MSG_SIZE; 0: an empty completion). */
void outbox_complete(struct netvsp *nic, uint64_t tid, const void *msg, uint32_t len);
/* outbox.c: queue the RNDIS control message @msg for the guest.  False if
 * the queue is full or there is no receive buffer. */
bool outbox_control(struct netvsp *nic, const void *msg, uint32_t len);
/* outbox.c: tell the guest the link state when there is room. */
void outbox_indicate_link(struct netvsp *nic);
/* outbox.c: send what waits, in order, as far as ring and slots allow. */
void outbox_flush(struct netvsp *nic);
/* outbox.c: completions wait for ring space (then reading pauses). */
bool outbox_backlogged(const struct netvsp *nic);
/* outbox.c: forget everything queued. */
void outbox_clear(struct netvsp *nic);
/* outbox.c: announce slot @slot (transaction @tid) holding an @len-byte
 * RNDIS message; a vmbus_channel_send status. */
int outbox_send_slot(struct netvsp *nic, uint32_t slot, uint64_t tid, uint32_t len,
                     uint32_t channel_type);

#endif /* NETVSP_INTERNAL_H */
