/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * State shared by the VMBus server's files: server.c (the connection, the
 * message queue, offers), gpadl.c (the guest's GPADLs) and channel.c (open
 * channels and their rings).  Not for devices: they see server.h and
 * channel.h only.
 */
#ifndef VMBUS_SERVER_INTERNAL_H
#define VMBUS_SERVER_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <vmbus/channel.h>
#include <vmbus/protocol.h>
#include <vmbus/ring_buffer.h>
#include <vmbus/server.h>

#define VMBUS_PAGE 4096u

/*
 * Host-to-guest messages waiting for a free SynIC slot.  Replies to guest
 * messages may fill VMBUS_QUEUE_GUEST_MAX entries (beyond that the guest's
 * HvPostMessage gets HV_STATUS_INSUFFICIENT_BUFFERS).  The server's own
 * messages (OFFERCHANNEL on hot add, RESCIND_CHANNELOFFER) always find room:
 * a relid has at most one of each outstanding, since it is reused only after
 * the guest released it, i.e. after it read the rescind.
 */
#define VMBUS_QUEUE_GUEST_MAX 256u
#define VMBUS_QUEUE_SIZE      (VMBUS_QUEUE_GUEST_MAX + 2u * VMBUS_MAX_CHANNELS)

/* GPADLs per connection: Linux needs one per open channel for its rings plus
 * a few buffers (netvsc); the bound stops a guest from pinning host memory
 * with endless incomplete GPADLs. */
#define VMBUS_GPADL_MAX 512u

struct vmbus_qmsg {
    uint32_t vp;
    uint32_t sint;
    uint32_t len;
    uint8_t data[VMBUS_MESSAGE_MAX];
};

enum vmbus_chan_state {
    VMBUS_CH_CLOSED,    /* offered (to the guest if offer_sent), not open */
    VMBUS_CH_OPENING,   /* inside the device's open callback */
    VMBUS_CH_OPEN,      /* rings mapped, device attached */
    VMBUS_CH_RESCINDED, /* device detached; the relid waits for RELID_RELEASED */
};

struct vmbus_channel {
    struct vmbus_server *srv;
    uint32_t relid;
    enum vmbus_chan_state state;
    /* The guest of the current connection was sent this offer. */
    bool offer_sent;
    /* The guest broke a ring: closed, I/O calls say VMBUS_RING_CORRUPT until
     * the next open. */
    bool corrupt;
    struct vmbus_offer offer;
    const struct vmbus_device_ops *ops;
    void *dev;

    /* From OPENCHANNEL / MODIFYCHANNEL, valid while open. */
    uint32_t open_id;
    uint32_t ring_gpadl;
    uint32_t target_vp;
    uint8_t userdata[120];
    /* The guest's outbound ring (the host reads) and inbound ring (the host
     * writes), inside the view of GPADL ring_gpadl. */
    struct vmbus_ring recv_ring;
    struct vmbus_ring send_ring;
};

struct vmbus_gpadl {
    struct vmbus_gpadl *next;
    uint32_t id;
    uint32_t relid; /* the channel named in GPADL_HEADER */
    uint16_t range_count;
    uint32_t entries; /* u64 entries of range data announced (range_buflen / 8) */
    uint32_t filled;  /* entries received so far */
    uint64_t *data;   /* the range data as received: range headers and PFNs */
    bool complete;    /* GPADL_CREATED sent with success: usable */
    /* Once complete: one host mapping of every page, and the GPADL's bytes in
     * it (a single range may start inside its first page). */
    void *map;
    size_t map_pages;
    uint8_t *view;
    size_t len;
    /* The bytes are whole pages from offset 0: rings may live there. */
    bool whole_pages;
};

struct vmbus_server {
    struct vmbus_host host;
    /* Negotiated version, 0 while disconnected. */
    uint32_t version;
    /* Where control messages go (INITIATE_CONTACT's target_vcpu, msg_sint). */
    uint32_t msg_vp;
    uint32_t msg_sint;
    /* REQUESTOFFERS seen on this connection: new offers go out at once. */
    bool offers_requested;
    /* Indexed by relid; [0] unused. */
    struct vmbus_channel *chans[VMBUS_MAX_CHANNELS + 1];
    struct vmbus_gpadl *gpadls;
    unsigned int gpadl_count;
    struct vmbus_qmsg *queue;
    unsigned int q_head;
    unsigned int q_len;
};

/* server.c */
/* Queue a message to the connection's VP and SINT and post what can be
 * posted.  False (message dropped) only if the queue is completely full,
 * which the admission checks in vmbus_server_post_message() prevent. */
bool vmbus_srv_send(struct vmbus_server *srv, const void *msg, size_t len);
/* The channel with this relid as the guest of this connection knows it
 * (offered to it and not released), or NULL. */
struct vmbus_channel *vmbus_srv_guest_channel(struct vmbus_server *srv, uint32_t relid);

/* gpadl.c: the guest's GPADL messages; each checks the payload size. */
void vmbus_gpadl_header_msg(struct vmbus_server *srv, const uint8_t *msg, size_t size);
void vmbus_gpadl_body_msg(struct vmbus_server *srv, const uint8_t *msg, size_t size);
void vmbus_gpadl_teardown_msg(struct vmbus_server *srv, const uint8_t *msg, size_t size);
/* A complete GPADL, or NULL. */
struct vmbus_gpadl *vmbus_gpadl_find(struct vmbus_server *srv, uint32_t id);
/* Unmap and forget the GPADLs created for @relid (the guest released it),
 * or all of them (disconnection).  Channels using them must be closed. */
void vmbus_gpadl_free_relid(struct vmbus_server *srv, uint32_t relid);
void vmbus_gpadl_free_all(struct vmbus_server *srv);

/* channel.c: the guest's channel messages; each checks the payload size. */
void vmbus_channel_open_msg(struct vmbus_server *srv, const uint8_t *msg, size_t size);
void vmbus_channel_close_msg(struct vmbus_server *srv, const uint8_t *msg, size_t size);
void vmbus_channel_modify_msg(struct vmbus_server *srv, const uint8_t *msg, size_t size);
/* Close an open channel: the device's close callback, then the rings go. */
void vmbus_channel_close(struct vmbus_channel *ch);

/* Any complete GPADL of the connection, whichever channel it was made for
 * (the server's own view; devices use vmbus_channel_gpadl_view()). */
void *vmbus_server_gpadl_view(struct vmbus_server *srv, uint32_t gpadl_id, size_t *len);

#endif /* VMBUS_SERVER_INTERNAL_H */
