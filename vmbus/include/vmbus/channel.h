/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * VMBus channels as a device (a VSP: the integration services, storvsp,
 * netvsp) sees them.  A device offers a channel through the server; when the
 * guest opens it, the device's open callback runs with the two rings mapped,
 * and from then on it receives packets from the guest's outbound ring and
 * sends into the guest's inbound ring.  The calls here follow the server's
 * rule (server.h): one thread at a time, callbacks inside the server's calls.
 */
#ifndef VMBUS_CHANNEL_H
#define VMBUS_CHANNEL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <vmbus/ring_buffer.h>
#include <vmbus/server.h>

/* VMBus packet types (Linux enum vmbus_packet_type). */
#define VMBUS_PKT_DATA_INBAND     6
#define VMBUS_PKT_DATA_XFER_PAGES 7
#define VMBUS_PKT_DATA_GPA_DIRECT 9
#define VMBUS_PKT_COMP            11
#define VMBUS_PKT_FLAG_COMPLETION 1 /* the sender wants a VMBUS_PKT_COMP back */

struct vmbus_device_ops {
    /* The guest opened the channel: its rings are ready.  Return 0 to
     * accept; anything else fails the open (OPENCHANNEL_RESULT with an
     * error status) and the channel stays closed. */
    int (*open)(struct vmbus_channel *ch, void *dev);
    /* The channel closed: CLOSECHANNEL, UNLOAD, a reset, a rescind, the
     * server's destruction, or a ring the guest corrupted.  The rings are
     * gone after this returns. */
    void (*close)(struct vmbus_channel *ch, void *dev);
    /* The guest signalled the channel: packets may wait in its outbound
     * ring, or it read from its inbound ring and made room. */
    void (*notify)(struct vmbus_channel *ch, void *dev);
    /* Optional (NULL: not needed).  The guest tears down GPADL @gpadl_id,
     * which it created for this channel, while the channel is open (Linux
     * netvsc does this with its buffers on protocol versions < 4.0).  The
     * view vmbus_channel_gpadl_view() gave for it is unmapped when this
     * returns.  (Tearing down the GPADL holding the channel's rings closes
     * the channel instead: close runs.) */
    void (*gpadl_teardown)(struct vmbus_channel *ch, void *dev, uint32_t gpadl_id);
};

struct vmbus_offer {
    struct vmbus_guid type;     /* the device class: selects the guest's driver */
    struct vmbus_guid instance; /* unique per device */
    uint16_t mmio_megabytes;    /* 0 */
    uint8_t user_def[120];      /* class-specific (pipe mode for some) */
    uint16_t sub_channel_index; /* 0 */
    uint16_t flags;             /* chn_flags (the ICs: 0x11, a message-mode pipe) */
};

/*
 * Offer a channel.  The guest sees it now if it is connected (OFFERCHANNEL),
 * else with the next REQUESTOFFERS.  NULL if all relids are taken or on
 * allocation failure.
 */
struct vmbus_channel *vmbus_server_offer(struct vmbus_server *srv, const struct vmbus_offer *offer,
                                         const struct vmbus_device_ops *ops, void *dev);

/* Take the offer back (hot remove): closes the channel if open (close runs),
 * sends RESCIND_CHANNELOFFER, and frees the channel once the guest released
 * its relid (RELID_RELEASED) or disconnected.  @ch is invalid afterwards. */
void vmbus_server_rescind(struct vmbus_channel *ch);

bool vmbus_channel_is_open(const struct vmbus_channel *ch);
uint32_t vmbus_channel_relid(const struct vmbus_channel *ch);
/* The OPENCHANNEL user data (120 bytes, for devices that read it). */
const uint8_t *vmbus_channel_open_userdata(const struct vmbus_channel *ch);

/*
 * The host's view of guest-physical [gpa, gpa + len) for a device that
 * moves data to or from pages the guest names (GPA-direct packets), or
 * NULL if any byte of it is not guest RAM.  Safe on any thread while the
 * channel exists (guest RAM stays mapped for the VM's lifetime).
 */
void *vmbus_channel_guest_ptr(const struct vmbus_channel *ch, uint64_t gpa, uint64_t len);

/*
 * The next packet from the guest's outbound ring: copies it (descriptor,
 * payload, padding; *len bytes) into @buf and consumes it, signalling the
 * guest if it waits for room.  VMBUS_RING_OK, VMBUS_RING_EMPTY,
 * VMBUS_RING_TOO_BIG (the packet stays; the device decides), or
 * VMBUS_RING_CORRUPT (the channel is closed: close has run).
 */
int vmbus_channel_recv(struct vmbus_channel *ch, void *buf, size_t size, uint32_t *len);

/* Skip the packet vmbus_channel_recv() reported VMBUS_RING_TOO_BIG for. */
int vmbus_channel_skip(struct vmbus_channel *ch);

/*
 * Send one packet into the guest's inbound ring and signal it if the ring
 * rules say so.  VMBUS_RING_OK, VMBUS_RING_FULL (nothing written: retry
 * from notify), VMBUS_RING_EINVAL, or VMBUS_RING_CORRUPT (closed).
 */
int vmbus_channel_send(struct vmbus_channel *ch, uint16_t type, uint16_t flags, uint64_t trans_id,
                       const void *data, size_t len);
int vmbus_channel_sendv(struct vmbus_channel *ch, uint16_t type, uint16_t flags, uint64_t trans_id,
                        const struct vmbus_ring_iov *iov, unsigned int iov_count);
/* As vmbus_channel_sendv(), with a type-specific part before the payload
 * (vmbus_ring_send_hdr()): a transfer-page packet's page-set id and ranges. */
int vmbus_channel_sendv_hdr(struct vmbus_channel *ch, uint16_t type, uint16_t flags,
                            uint64_t trans_id, const void *type_hdr, size_t type_hdr_len,
                            const struct vmbus_ring_iov *iov, unsigned int iov_count);

/*
 * A GPADL the guest created for @ch's channel (GPADL_HEADER named its
 * relid), for devices whose protocol names one, as netvsc's receive buffer:
 * a host-contiguous view of its pages and its length in bytes.  NULL if
 * the guest has no complete GPADL with that id for this channel (another
 * channel's GPADL could be torn down without this channel's gpadl_teardown
 * running, leaving the device a dangling view).  The view stays valid until
 * the guest tears the GPADL down (the channel's gpadl_teardown callback
 * runs first if the channel is open) or the connection ends (the channel's
 * close callback runs first).
 */
void *vmbus_channel_gpadl_view(struct vmbus_channel *ch, uint32_t gpadl_id, size_t *len);

#endif
