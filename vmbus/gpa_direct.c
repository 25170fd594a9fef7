// SPDX-License-Identifier: GPL-2.0-only
/*
 * A GPA-direct packet's page list (vmbus/gpa_direct.h).
 */
#include <errno.h>
#include <string.h>

#include <vmbus/channel.h>
#include <vmbus/gpa_direct.h>

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

/* A range header: its byte count, its offset in the first page, and the
 * number of pfns after it (the pages [offset, offset + count) touches). */
static uint64_t range_pages(const uint8_t *hdr, uint32_t *count, uint32_t *boff)
{
    *count = rd32(hdr);
    *boff = rd32(hdr + 4);
    return ((uint64_t)*boff + *count + VMBUS_GPA_PAGE_SIZE - 1) / VMBUS_GPA_PAGE_SIZE;
}

int vmbus_gpa_direct_shape(const uint8_t *pkt, size_t data_off, uint32_t max_ranges,
                           uint64_t max_bytes, struct vmbus_gpa_shape *shape)
{
    size_t off = VMBUS_GPA_RANGES_START;
    uint32_t nranges;

    memset(shape, 0, sizeof(*shape));
    if (data_off < VMBUS_GPA_RANGES_START)
        return -EINVAL;
    nranges = rd32(pkt + 20);
    if (nranges == 0 || nranges > max_ranges)
        return -EINVAL;
    for (uint32_t i = 0; i < nranges; i++) {
        uint32_t count, boff;
        uint64_t pages;

        if (data_off - off < 8)
            return -EINVAL;
        pages = range_pages(pkt + off, &count, &boff);
        off += 8;
        if (boff >= VMBUS_GPA_PAGE_SIZE || (data_off - off) / 8 < pages)
            return -EINVAL;
        off += (size_t)pages * 8;
        shape->bytes += count;
        shape->pages += pages;
        /* At most 2^32 ranges of < 2^32 bytes: the sum cannot wrap. */
        if (shape->bytes > max_bytes)
            return -EINVAL;
    }
    shape->ranges = nranges;
    return 0;
}

int vmbus_gpa_direct_pages(const struct vmbus_channel *ch, const uint8_t *pkt,
                           const struct vmbus_gpa_shape *shape,
                           int (*piece)(void *ctx, uint8_t *p, uint32_t len), void *ctx)
{
    size_t off = VMBUS_GPA_RANGES_START;

    for (uint32_t i = 0; i < shape->ranges; i++) {
        uint32_t count, boff, left;
        uint64_t pages = range_pages(pkt + off, &count, &boff);

        left = count;
        off += 8;
        for (uint64_t p = 0; p < pages; p++, off += 8) {
            uint64_t pfn = rd64(pkt + off);
            uint32_t start = p == 0 ? boff : 0;
            uint32_t n = VMBUS_GPA_PAGE_SIZE - start < left ? VMBUS_GPA_PAGE_SIZE - start : left;
            uint8_t *page;
            int rc;

            /* pfn * 4096 must not wrap around to some other (RAM) page. */
            if (pfn > UINT64_MAX / VMBUS_GPA_PAGE_SIZE)
                return -EINVAL;
            page = vmbus_channel_guest_ptr(ch, pfn * VMBUS_GPA_PAGE_SIZE, VMBUS_GPA_PAGE_SIZE);
            if (!page)
                return -EINVAL;
            if (n && (rc = piece(ctx, page + start, n)) != 0)
                return rc;
            left -= n;
        }
    }
    return 0;
}
