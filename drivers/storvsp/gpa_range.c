// SPDX-License-Identifier: GPL-2.0-only
/*
 * GPA-direct page lists into iovecs (gpa_range.h).
 *
 * The packet is a copy out of the ring (vmbus_channel_recv), so it does not
 * change under us; what it says is still the guest's word: counts are
 * checked against the bytes the descriptor gives the ranges before any pfn
 * is read, each page against guest RAM, and sums in 64 bits so that no
 * count can wrap.  Pages the host maps contiguously merge into one iovec,
 * so a guest buffer in contiguous RAM is one iovec for the disk.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <vmbus/channel.h>

#include "gpa_range.h"

#define RANGES_START 24u /* descriptor (16), reserved (4), range count (4) */

static uint32_t rd32(const uint8_t *p)
{
    uint32_t v;

    memcpy(&v, p, sizeof(v));
    return v;
}

static uint64_t rd64(const uint8_t *p)
{
    uint64_t v;

    memcpy(&v, p, sizeof(v));
    return v;
}

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

/* The range header at @hdr: its byte count, its offset in the first page,
 * and the pfns that follow it (what byte_offset + byte_count spans). */
static uint64_t range_header(const uint8_t *hdr, uint32_t *count, uint32_t *boff)
{
    *count = rd32(hdr);
    *boff = rd32(hdr + 4);
    return ((uint64_t)*boff + *count + GPA_PAGE_SIZE - 1) / GPA_PAGE_SIZE;
}

int gpa_range_parse(const struct vmbus_channel *ch, const uint8_t *pkt, size_t data_off,
                    size_t max_len, struct gpa_buf *out)
{
    uint32_t nranges;
    uint64_t total = 0, npages = 0;
    size_t off;

    memset(out, 0, sizeof(*out));
    if (data_off < RANGES_START)
        return -EINVAL;
    nranges = rd32(pkt + 20);
    if (nranges == 0 || nranges > GPA_RANGES_MAX)
        return -EINVAL;

    /* First pass: the shape.  Every range header and pfn inside the area
     * the descriptor gives, every offset inside the first page. */
    off = RANGES_START;
    for (uint32_t i = 0; i < nranges; i++) {
        uint32_t count, boff;
        uint64_t pages;

        if (data_off - off < 8)
            return -EINVAL;
        pages = range_header(pkt + off, &count, &boff);
        if (boff >= GPA_PAGE_SIZE)
            return -EINVAL;
        off += 8;
        if ((data_off - off) / 8 < pages)
            return -EINVAL;
        off += (size_t)pages * 8;
        total += count;
        npages += pages;
    }
    if (total > max_len)
        return -EINVAL;

    if (total > 0) {
        out->iov = calloc((size_t)npages, sizeof(*out->iov));
        if (!out->iov)
            return -ENOMEM;
    }

    /* Second pass: each page guest RAM, the bytes of the range in it.  A
     * pfn is checked even where no byte of it is used (a range of 0 bytes
     * at a non-zero offset), so that every pfn the packet lists is guest
     * RAM whatever the byte counts. */
    off = RANGES_START;
    for (uint32_t i = 0; i < nranges; i++) {
        uint32_t count, boff;
        uint64_t pages = range_header(pkt + off, &count, &boff);
        uint32_t left = count;

        off += 8;
        for (uint64_t p = 0; p < pages; p++, off += 8) {
            uint64_t pfn = rd64(pkt + off);
            uint32_t start = p == 0 ? boff : 0;
            uint32_t n = GPA_PAGE_SIZE - start < left ? GPA_PAGE_SIZE - start : left;
            uint8_t *page;

            /* pfn * 4096 must not wrap (to guest RAM, possibly). */
            if (pfn > UINT64_MAX / GPA_PAGE_SIZE)
                goto bad;
            page = vmbus_channel_guest_ptr(ch, pfn * GPA_PAGE_SIZE, GPA_PAGE_SIZE);
            if (!page)
                goto bad;
            if (n)
                add(out, page + start, n);
            left -= n;
        }
    }
    return 0;

bad:
    gpa_buf_free(out);
    return -EINVAL;
}
