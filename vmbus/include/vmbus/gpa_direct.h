/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The page list of a GPA-direct VMBus packet (Linux struct
 * vmbus_packet_mpb_array): after the 16-byte descriptor, a reserved u32
 * and the range count, then that many ranges, each a u32 byte count, a u32
 * offset into its first page and as many u64 pfns as offset + count spans
 * pages.  The ranges end where the payload starts (the descriptor's
 * offset8 * 8).  Every device that takes GPA-direct packets (storvsp,
 * netvsp) reads the list through these two calls, so the guest's word is
 * checked in one place.
 *
 * The packet must be a copy out of the ring (vmbus_channel_recv), so that
 * it cannot change between the two calls.
 */
#ifndef VMBUS_GPA_DIRECT_H
#define VMBUS_GPA_DIRECT_H

#include <stddef.h>
#include <stdint.h>

struct vmbus_channel;

#define VMBUS_GPA_PAGE_SIZE    4096u
#define VMBUS_GPA_RANGES_START 24u /* descriptor (16), reserved (4), range count (4) */

struct vmbus_gpa_shape {
    uint32_t ranges;
    uint64_t bytes; /* the byte counts summed */
    uint64_t pages; /* pfns listed */
};

/*
 * The shape of @pkt's page list, before any pfn is read: 1 to
 * @max_ranges ranges, every header and pfn inside [24, @data_off), every
 * offset inside its first page, at most @max_bytes in all (sums in 64
 * bits, so no count can wrap).  0 and @shape, or -EINVAL.
 */
int vmbus_gpa_direct_shape(const uint8_t *pkt, size_t data_off, uint32_t max_ranges,
                           uint64_t max_bytes, struct vmbus_gpa_shape *shape);

/*
 * After vmbus_gpa_direct_shape() accepted @pkt: call @piece with the
 * host's view of each range's bytes, page by page in order (pieces of 0
 * bytes are left out).  Every pfn listed must be guest RAM of @ch, even
 * one whose page no byte uses.  0; -EINVAL when a pfn is not guest RAM;
 * or the first non-zero value @piece returned.  Pieces already given stay
 * given: the caller undoes them on failure.
 */
int vmbus_gpa_direct_pages(const struct vmbus_channel *ch, const uint8_t *pkt,
                           const struct vmbus_gpa_shape *shape,
                           int (*piece)(void *ctx, uint8_t *p, uint32_t len), void *ctx);

#endif
