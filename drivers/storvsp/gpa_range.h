/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The page list of a GPA-direct VMBus packet (vmbus/gpa_direct.h) turned
 * into iovecs over the host's view of guest RAM.
 */
#ifndef STORVSP_GPA_RANGE_H
#define STORVSP_GPA_RANGE_H

#include <stddef.h>
#include <stdint.h>
#include <sys/uio.h>

struct vmbus_channel;

#define GPA_RANGES_MAX 16u /* Linux storvsc sends one */

struct gpa_buf {
    struct iovec *iov; /* malloc'd; NULL when len is 0 */
    int iovcnt;
    size_t len; /* bytes in all */
};

/*
 * Parse the ranges of the GPA-direct packet @pkt, whose payload starts at
 * byte @data_off (the descriptor's offset8 * 8): the ranges must lie in
 * [24, @data_off).  Every pfn listed (even one of a range of 0 bytes) must
 * be guest RAM of @ch; the whole buffer
 * may be at most @max_len bytes.  0 and @out (free with gpa_buf_free), or
 * -EINVAL (malformed, too large, or not guest RAM) / -ENOMEM, and then
 * @out is empty.
 */
int gpa_range_parse(const struct vmbus_channel *ch, const uint8_t *pkt, size_t data_off,
                    size_t max_len, struct gpa_buf *out);

void gpa_buf_free(struct gpa_buf *b);
/* Keep only the first @len bytes (the request's data_transfer_length). */
void gpa_buf_truncate(struct gpa_buf *b, size_t len);

#endif
