// SPDX-License-Identifier: GPL-2.0-only
/*
 * Receive-buffer slots and the transaction ids that name them
 * (rx_slots.h).
 *
 * An id is (sequence << 24 | slot): the slot number says where to look,
 * the sequence (never reused while the NIC exists) that it is this use of
 * the slot and not an earlier one or one of an earlier buffer.
 */
#include <stdlib.h>

#include "rx_slots.h"

#define SLOT_BITS 24u
#define SLOT_MASK ((1u << SLOT_BITS) - 1u)

_Static_assert(RX_SLOTS_MAX <= SLOT_MASK + 1u, "slot numbers fit the id");

void rx_slots_init(struct rx_slots *s)
{
    s->base = NULL;
    s->slot_size = 0;
    s->count = 0;
    s->free_list = NULL;
    s->nfree = 0;
    s->owner = NULL;
    s->next_seq = 1;
}

bool rx_slots_attach(struct rx_slots *s, uint8_t *base, size_t len, uint32_t slot_size)
{
    size_t n = slot_size ? len / slot_size : 0;

    rx_slots_detach(s);
    if (!base || n < RX_SLOTS_MIN)
        return false;
    if (n > RX_SLOTS_MAX)
        n = RX_SLOTS_MAX;
    s->free_list = calloc(n, sizeof(*s->free_list));
    s->owner = calloc(n, sizeof(*s->owner));
    if (!s->free_list || !s->owner) {
        rx_slots_detach(s);
        return false;
    }
    s->base = base;
    s->slot_size = slot_size;
    s->count = (uint32_t)n;
    /* Lowest numbers on top: the first frames land at the buffer's start. */
    for (uint32_t i = 0; i < s->count; i++)
        s->free_list[i] = s->count - 1 - i;
    s->nfree = s->count;
    return true;
}

void rx_slots_detach(struct rx_slots *s)
{
    free(s->free_list);
    free(s->owner);
    s->free_list = NULL;
    s->owner = NULL;
    s->base = NULL;
    s->slot_size = 0;
    s->count = 0;
    s->nfree = 0;
}

void rx_slots_move(struct rx_slots *s, uint8_t *base)
{
    if (s->base)
        s->base = base;
}

size_t rx_slots_extent(const struct rx_slots *s)
{
    return (size_t)s->count * s->slot_size;
}

bool rx_slots_get(struct rx_slots *s, bool control, uint32_t *slot, uint64_t *tid)
{
    uint32_t keep = control ? 0 : RX_SLOTS_CONTROL_RESERVE;
    uint32_t n;

    if (!s->base || s->nfree <= keep)
        return false;
    n = s->free_list[--s->nfree];
    *tid = s->next_seq++ << SLOT_BITS | n;
    s->owner[n] = *tid;
    *slot = n;
    return true;
}

void rx_slots_put(struct rx_slots *s, uint32_t slot)
{
    if (!s->base || slot >= s->count || !s->owner[slot])
        return;
    s->owner[slot] = 0;
    s->free_list[s->nfree++] = slot;
}

bool rx_slots_complete(struct rx_slots *s, uint64_t tid)
{
    uint32_t slot = (uint32_t)(tid & SLOT_MASK);

    if (!s->base || tid == 0 || slot >= s->count || s->owner[slot] != tid)
        return false;
    rx_slots_put(s, slot);
    return true;
}

uint8_t *rx_slots_ptr(const struct rx_slots *s, uint32_t slot)
{
    return s->base + (size_t)slot * s->slot_size;
}

uint32_t rx_slots_offset(const struct rx_slots *s, uint32_t slot)
{
    /* Fits: RX_SLOTS_MAX slots of at most ~9 KiB (a jumbo frame's). */
    return slot * s->slot_size;
}
