/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The host side of one VMBus ring buffer: the parent-side VMBus server (vmwp)
 * uses one struct vmbus_ring per direction of a channel, over its mapped view
 * of the guest's ring memory.
 *
 * Layout (Linux include/linux/hyperv.h, struct hv_ring_buffer): a 4 KiB header
 * page (write_index, read_index, interrupt_mask, pending_send_sz, then
 * feature_bits at byte 64) followed by the data area.  Indexes are byte
 * offsets into the data area; the ring is empty when write_index ==
 * read_index, so a writer always leaves at least one byte free.
 *
 * A packet is a struct vmbus_packet_desc (type, offset8, len8, flags,
 * trans_id; offset8/len8 in units of 8 bytes, len8 covering descriptor and
 * payload padded to 8 bytes), then an 8-byte trailer holding the writer's
 * write_index before the packet in its upper 32 bits.
 *
 * Directions, as the guest names them:
 *  - the guest's "outbound" ring: the guest writes, the host reads with
 *    vmbus_ring_peek() and vmbus_ring_consume();
 *  - the guest's "inbound" ring: the host writes with vmbus_ring_send().
 *
 * The memory is the guest's and the guest runs concurrently: every value read
 * from it is hostile.  Each index is read once into a local and validated
 * (< data_size, 8-byte aligned), and a packet's descriptor is read once and
 * checked before anything is copied; a bad value gives VMBUS_RING_CORRUPT,
 * never an access outside the view.  One struct vmbus_ring must be used by
 * one thread at a time.
 */
#ifndef VMBUS_RING_BUFFER_H
#define VMBUS_RING_BUFFER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define VMBUS_RING_HDR_SIZE 4096u
#define VMBUS_RING_PAGE     4096u
/* Far above any real channel (Linux netvsc uses a few MiB) yet small enough
 * that index sums never overflow 32 bits. */
#define VMBUS_RING_DATA_MAX (128u << 20)

/* Bytes after each packet: the u64 "previous write index" trailer. */
#define VMBUS_RING_TRAILER 8u

/* feature_bits bit 0 (Linux feat_pending_send_sz): flow control through
 * pending_send_sz is on: a writer that finds the ring full sets
 * pending_send_sz and waits, and the reader signals it once more than that
 * is free.  Linux's hv_ringbuffer_init() sets it in both rings of a channel;
 * the reader checks the bit of the ring it reads. */
#define VMBUS_RING_FEAT_PENDING_SEND_SZ 0x1u

struct vmbus_ring_header {
    uint32_t write_index;
    uint32_t read_index;
    /* Non-zero: the reader polls and does not want to be interrupted. */
    uint32_t interrupt_mask;
    /* Non-zero: the writer waits until more than this many bytes are free
     * (set by the host in the guest's inbound ring, by the guest in its
     * outbound ring). */
    uint32_t pending_send_sz;
    uint32_t reserved1[12];
    uint32_t feature_bits;
    uint8_t reserved2[VMBUS_RING_HDR_SIZE - 68];
};

_Static_assert(sizeof(struct vmbus_ring_header) == VMBUS_RING_HDR_SIZE, "header is one page");
_Static_assert(offsetof(struct vmbus_ring_header, feature_bits) == 64, "Linux layout");

/* Linux struct vmpacket_descriptor. */
struct vmbus_packet_desc {
    uint16_t type;
    uint16_t offset8; /* start of the payload, in 8-byte units */
    uint16_t len8;    /* whole packet without trailer, in 8-byte units */
    uint16_t flags;
    uint64_t trans_id;
};

_Static_assert(sizeof(struct vmbus_packet_desc) == 16, "Linux layout");

/* The largest packet a descriptor can describe (len8 is 16 bits). */
#define VMBUS_RING_PKT_MAX (0xffffu * 8u)

enum vmbus_ring_status {
    VMBUS_RING_OK = 0,
    VMBUS_RING_EMPTY = -1,   /* peek: no packet */
    VMBUS_RING_FULL = -2,    /* send: no room now; retry once the guest has read */
    VMBUS_RING_TOO_BIG = -3, /* peek: packet larger than the caller's buffer */
    VMBUS_RING_CORRUPT = -4, /* the guest broke the ring: stop using the channel */
    VMBUS_RING_EINVAL = -5,  /* bad arguments from the caller */
};

struct vmbus_ring {
    volatile struct vmbus_ring_header *hdr;
    uint8_t *data;
    uint32_t data_size;
    /* Set by a successful vmbus_ring_peek(), used by vmbus_ring_consume() so
     * that the consumed length is the validated one, not a second read of the
     * guest's len8. */
    bool peeked;
    uint32_t peek_read;  /* read_index the packet starts at */
    uint32_t peek_next;  /* read_index after packet and trailer */
    uint32_t peek_bytes; /* packet + trailer */
};

/* One piece of a packet's payload for vmbus_ring_send(). */
struct vmbus_ring_iov {
    const void *base;
    size_t len;
};

/*
 * Attach to a mapped ring: hdr is the header page, data the data area of
 * data_size bytes (a non-zero multiple of 4 KiB, at most VMBUS_RING_DATA_MAX).
 * Writes nothing to the ring: the guest initialises the header.
 */
int vmbus_ring_init(struct vmbus_ring *ring, void *hdr, void *data, uint32_t data_size);

/*
 * Copy the next packet (descriptor, payload and padding: len8 * 8 bytes,
 * without trailer) into buf without consuming it.  On VMBUS_RING_OK and
 * VMBUS_RING_TOO_BIG, *pkt_len is the packet's length; the descriptor at the
 * start of buf is the one that was validated (offset8 * 8 >= 16, len8 >=
 * offset8, packet + trailer within the bytes written), even if the guest
 * rewrites the ring meanwhile.  VMBUS_RING_TOO_BIG is not corruption: the
 * caller decides whether that size is a protocol violation.
 */
int vmbus_ring_peek(struct vmbus_ring *ring, void *buf, size_t buf_size, uint32_t *pkt_len);

/*
 * Advance read_index past the packet the last vmbus_ring_peek() returned and
 * its trailer.  *signal says whether to signal the guest: it set
 * pending_send_sz (with the feature bit) and this read made the free space
 * cross from <= pending_send_sz to > pending_send_sz.
 */
int vmbus_ring_consume(struct vmbus_ring *ring, bool *signal);

/*
 * Drop the next packet unread (one a caller will not take, such as one
 * vmbus_ring_peek() found too big), with vmbus_ring_consume()'s checks and
 * signalling.  VMBUS_RING_OK, VMBUS_RING_EMPTY or VMBUS_RING_CORRUPT.
 */
int vmbus_ring_skip(struct vmbus_ring *ring, bool *signal);

/*
 * Write one packet: a descriptor (type, flags, trans_id from the arguments;
 * offset8 = 2, the payload directly after it; len8 from the size), the payload
 * gathered from iov[0..iov_count), zero padding to 8 bytes and the trailer.
 * VMBUS_RING_FULL if it would not leave one byte free now: no packet is
 * written, but pending_send_sz is set to the packet's size with trailer, so
 * that the guest signals once it has read enough (retry then); a later
 * successful send clears it.  VMBUS_RING_EINVAL for a packet that could not
 * fit even in the empty ring.  *signal says whether to signal the guest:
 * interrupt_mask is 0 and the ring was empty before this packet (read_index
 * == the old write_index).
 */
int vmbus_ring_send(struct vmbus_ring *ring, uint16_t type, uint16_t flags, uint64_t trans_id,
                    const struct vmbus_ring_iov *iov, unsigned int iov_count, bool *signal);

/*
 * As vmbus_ring_send(), with @type_hdr_len bytes of @type_hdr (a multiple
 * of 8) between the descriptor and the payload, and offset8 pointing past
 * them: the type-specific part of a packet such as a transfer-page packet
 * (page-set id and ranges), which the guest reads before the payload.
 */
int vmbus_ring_send_hdr(struct vmbus_ring *ring, uint16_t type, uint16_t flags, uint64_t trans_id,
                        const void *type_hdr, size_t type_hdr_len, const struct vmbus_ring_iov *iov,
                        unsigned int iov_count, bool *signal);

#endif /* VMBUS_RING_BUFFER_H */
