// SPDX-License-Identifier: GPL-2.0-only
/*
 * The bytes of a SEND_RNDIS_PKT as one string over guest memory
 * (tx_source.h).
 *
 * The packet itself is a copy out of the ring (vmbus_channel_recv), so its
 * page list does not change under us; what it says is still the guest's
 * word.  The whole list is checked (counts against the bytes the
 * descriptor gives it, sums in 64 bits) before any pfn is turned into a
 * pointer, and every pfn must be guest RAM, even one whose page no byte of
 * the range uses.
 */
#include <string.h>

#include <vmbus/channel.h>

#include "nvsp_wire.h"
#include "tx_source.h"

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

void tx_source_init(struct tx_source *s)
{
    s->count = 0;
    s->len = 0;
}

bool tx_source_add(struct tx_source *s, const uint8_t *p, uint32_t len)
{
    if (len == 0)
        return true;
    if (s->count == TX_SOURCE_PIECES_MAX || len > UINT32_MAX - s->len)
        return false;
    s->piece[s->count].p = p;
    s->piece[s->count].len = len;
    s->count++;
    s->len += len;
    return true;
}

/* A range header: its byte count, its offset in the first page, and the
 * number of pfns after it (the pages [offset, offset + count) touches). */
static uint64_t range_pages(const uint8_t *hdr, uint32_t *count, uint32_t *boff)
{
    *count = rd32(hdr);
    *boff = rd32(hdr + 4);
    return ((uint64_t)*boff + *count + TX_SOURCE_PAGE - 1) / TX_SOURCE_PAGE;
}

bool tx_source_add_gpa(struct tx_source *s, const struct vmbus_channel *ch, const uint8_t *pkt,
                       size_t data_off)
{
    unsigned saved_count = s->count;
    uint32_t saved_len = s->len, nranges;
    uint64_t total = 0;
    size_t off;

    if (data_off < VMBUS_GPA_RANGES_START)
        return false;
    nranges = rd32(pkt + 20);
    if (nranges == 0 || nranges > TX_SOURCE_RANGES_MAX)
        return false;

    /* The shape first: every header and pfn inside the descriptor's part
     * of the packet, offsets inside the first page, a bounded total. */
    off = VMBUS_GPA_RANGES_START;
    for (uint32_t i = 0; i < nranges; i++) {
        uint32_t count, boff;
        uint64_t pages;

        if (data_off - off < 8)
            return false;
        pages = range_pages(pkt + off, &count, &boff);
        off += 8;
        if (boff >= TX_SOURCE_PAGE || (data_off - off) / 8 < pages)
            return false;
        off += (size_t)pages * 8;
        total += count;
        if (total > TX_SOURCE_GPA_MAX)
            return false;
    }

    /* Then each page: guest RAM, and the part of it the range uses. */
    off = VMBUS_GPA_RANGES_START;
    for (uint32_t i = 0; i < nranges; i++) {
        uint32_t count, boff, left;
        uint64_t pages = range_pages(pkt + off, &count, &boff);

        left = count;
        off += 8;
        for (uint64_t p = 0; p < pages; p++, off += 8) {
            uint64_t pfn = rd64(pkt + off);
            uint32_t start = p == 0 ? boff : 0;
            uint32_t n = TX_SOURCE_PAGE - start < left ? TX_SOURCE_PAGE - start : left;
            const uint8_t *page;

            /* pfn * 4096 must not wrap around to some other (RAM) page. */
            if (pfn > UINT64_MAX / TX_SOURCE_PAGE)
                goto bad;
            page = vmbus_channel_guest_ptr(ch, pfn * TX_SOURCE_PAGE, TX_SOURCE_PAGE);
            if (!page || !tx_source_add(s, page + start, n))
                goto bad;
            left -= n;
        }
    }
    return true;

bad:
    s->count = saved_count;
    s->len = saved_len;
    return false;
}

bool tx_source_copy(const struct tx_source *s, uint32_t off, void *dst, uint32_t len)
{
    uint8_t *out = dst;
    unsigned i = 0;

    if (off > s->len || len > s->len - off)
        return false;
    /* Skip the pieces before @off. */
    while (i < s->count && off >= s->piece[i].len) {
        off -= s->piece[i].len;
        i++;
    }
    for (; len > 0 && i < s->count; i++, off = 0) {
        uint32_t n = s->piece[i].len - off;

        if (n > len)
            n = len;
        memcpy(out, s->piece[i].p + off, n);
        out += n;
        len -= n;
    }
    return len == 0;
}
