/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The guest's receive buffer cut into equal slots, each holding one RNDIS
 * message for the guest (a received frame, a control response, a status
 * indication).  A slot is the host's until it is announced in a
 * transfer-page packet, then the guest's until it completes that packet's
 * transaction id; so the ids name slots, and one the host never gave out,
 * or gave out for a slot that is free again, is refused.
 *
 * A few slots are kept for control messages: a guest that does not
 * complete received frames still gets its RNDIS responses, and Linux waits
 * for those without a timeout.
 */
#ifndef NETVSP_RX_SLOTS_H
#define NETVSP_RX_SLOTS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define RX_SLOTS_CONTROL_RESERVE 4u
#define RX_SLOTS_MIN             (2u * RX_SLOTS_CONTROL_RESERVE)
/* Linux's largest receive buffer (31 MiB) in 1792-byte slots is ~18000;
 * beyond the cap the rest of a buffer stays unused. */
#define RX_SLOTS_MAX 32768u

struct rx_slots {
    uint8_t *base; /* the receive buffer's view; NULL: no buffer */
    uint32_t slot_size;
    uint32_t count;
    uint32_t *free_list; /* free slot numbers, nfree of them */
    uint32_t nfree;
    uint64_t *owner; /* per slot: the transaction id announcing it, 0 if free */
    uint64_t next_seq;
};

/* No buffer yet.  Transaction ids stay unique for the life of @s, across
 * buffers. */
void rx_slots_init(struct rx_slots *s);

/*
 * Use [base, base + len) with slots of @slot_size bytes.  False (and no
 * buffer) if that is fewer than RX_SLOTS_MIN slots or memory runs out; at
 * most RX_SLOTS_MAX slots are used.
 */
bool rx_slots_attach(struct rx_slots *s, uint8_t *base, size_t len, uint32_t slot_size);

/* Forget the buffer: outstanding slots are abandoned, their ids refused. */
void rx_slots_detach(struct rx_slots *s);

/* The buffer is now seen at @base (same guest pages, another host view). */
void rx_slots_move(struct rx_slots *s, uint8_t *base);

/* Bytes of the buffer the slots cover. */
size_t rx_slots_extent(const struct rx_slots *s);

/* Take a free slot and a fresh transaction id for it.  Frames (!@control)
 * leave the reserve alone.  False if none is free. */
bool rx_slots_get(struct rx_slots *s, bool control, uint32_t *slot, uint64_t *tid);

/* Give back a slot taken but never announced (the send failed). */
void rx_slots_put(struct rx_slots *s, uint32_t slot);

/* The guest completed @tid: free its slot.  False for an id that does not
 * name a slot the guest holds. */
bool rx_slots_complete(struct rx_slots *s, uint64_t tid);

uint8_t *rx_slots_ptr(const struct rx_slots *s, uint32_t slot);
uint32_t rx_slots_offset(const struct rx_slots *s, uint32_t slot);

#endif /* NETVSP_RX_SLOTS_H */
