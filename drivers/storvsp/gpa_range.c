// SPDX-License-Identifier: GPL-2.0-only
/*
 * GPA-direct page lists into iovecs (gpa_range.h).
 *
 * The guest's page list is checked by vmbus/gpa_direct.c; here its pieces
 * become iovecs.  Pages the host maps contiguously merge into one iovec, so
 * a guest buffer in contiguous RAM is one iovec for the disk.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <vmbus/gpa_direct.h>

#include "gpa_range.h"

void gpa_buf_free(struct gpa_buf *b)
{
    free(b->iov);
    memset(b, 0, sizeof(*b));
}

void gpa_buf_truncate(struct gpa_buf *b, size_t len)
{
    size_t left = len;
    int i;

    if (len >= b->len)
        return;
    for (i = 0; i < b->iovcnt && left; i++) {
        if (b->iov[i].iov_len > left)
            b->iov[i].iov_len = left;
        left -= b->iov[i].iov_len;
    }
    b->iovcnt = i;
    b->len = len;
}

/* Append [p, p + len) to @b, merging with the last iovec when contiguous. */
static void add(struct gpa_buf *b, uint8_t *p, size_t len)
{
    if (b->iovcnt > 0) {
        struct iovec *last = &b->iov[b->iovcnt - 1];

        if ((uint8_t *)last->iov_base + last->iov_len == p) {
            last->iov_len += len;
            b->len += len;
            return;
        }
    }
    b->iov[b->iovcnt].iov_base = p;
    b->iov[b->iovcnt].iov_len = len;
    b->iovcnt++;
    b->len += len;
}

static int add_piece(void *ctx, uint8_t *p, uint32_t len)
{
    add(ctx, p, len);
    return 0;
}

int gpa_range_parse(const struct vmbus_channel *ch, const uint8_t *pkt, size_t data_off,
                    size_t max_len, struct gpa_buf *out)
{
    struct vmbus_gpa_shape shape;

    memset(out, 0, sizeof(*out));
    if (vmbus_gpa_direct_shape(pkt, data_off, GPA_RANGES_MAX, max_len, &shape) != 0)
        return -EINVAL;
    /* At most one iovec per page: contiguous pages merge. */
    if (shape.bytes > 0) {
        out->iov = calloc((size_t)shape.pages, sizeof(*out->iov));
        if (!out->iov)
            return -ENOMEM;
    }
    if (vmbus_gpa_direct_pages(ch, pkt, &shape, add_piece, out) != 0) {
        gpa_buf_free(out);
        return -EINVAL;
    }
    return 0;
}
