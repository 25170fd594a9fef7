// SPDX-License-Identifier: GPL-2.0-only
/*
 * The bytes of a SEND_RNDIS_PKT as one string over guest memory
 * (tx_source.h).
 *
 * A GPA-direct packet's page list is checked by vmbus/gpa_direct.c (the
 * whole list's shape before any pfn becomes a pointer, every pfn guest
 * RAM); here its pieces are strung together.
 */
#include <errno.h>
#include <string.h>

#include <vmbus/gpa_direct.h>

#include "nvsp_wire.h"
#include "tx_source.h"

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

static int add_piece(void *ctx, uint8_t *p, uint32_t len)
{
    return tx_source_add(ctx, p, len) ? 0 : -ENOSPC;
}

bool tx_source_add_gpa(struct tx_source *s, const struct vmbus_channel *ch, const uint8_t *pkt,
                       size_t data_off)
{
    unsigned saved_count = s->count;
    uint32_t saved_len = s->len;
    struct vmbus_gpa_shape shape;

    if (vmbus_gpa_direct_shape(pkt, data_off, TX_SOURCE_RANGES_MAX, TX_SOURCE_GPA_MAX, &shape))
        return false;
    if (vmbus_gpa_direct_pages(ch, pkt, &shape, add_piece, s) == 0)
        return true;
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
