/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The child's I/O APIC (82093AA register interface, version 0x20), at
 * ACPI_CHILD_IOAPIC_ADDR with 24 pins.  Pure logic: the owner passes the
 * guest's MMIO accesses and the devices' line levels; the model calls
 * deliver() with the interrupt the guest programmed for a pin when that pin
 * fires.
 *
 * Registers: IOREGSEL at +0x00, IOWIN at +0x10, the EOI register at +0x40.
 * Indirect registers: 0 ID (bits 24-27 writable), 1 version 0x00170020,
 * 2 arbitration (the ID), 0x10 + 2n / 0x11 + 2n redirection entry n (low,
 * high).  Other indexes read 0 and ignore writes.
 *
 * When a pin fires (polarity applied: an active-low pin is active when its
 * line is low):
 *   edge   on the line becoming active, if unmasked (an edge while masked
 *          is lost, as on the chip);
 *   level  while active, unmasked and Remote IRR clear; delivering sets
 *          Remote IRR.  Remote IRR clears on an EOI for the pin's vector
 *          (ioapic_eoi(), or a write to the EOI register), after which a
 *          still-active line fires again; on reprogramming the pin as edge
 *          (what Linux does to clear a stuck Remote IRR on chips without the
 *          EOI register); and, because the hypervisor does not pass the
 *          local APIC's EOIs on yet, when the line goes inactive.  So a level
 *          line that stays active across the guest's EOI is not delivered
 *          again until it drops or the guest writes the EOI register: a
 *          documented limitation (docs/vmwp.md).
 * Delivery modes: fixed and lowest-priority (sent as fixed), NMI and INIT
 * (always edge); SMI, ExtINT and the reserved modes are not delivered, nor
 * is a fixed vector below 16.  Delivery status always reads 0.
 */
#ifndef VMWP_IOAPIC_H
#define VMWP_IOAPIC_H

#include <stdbool.h>
#include <stdint.h>

#define IOAPIC_PINS      24
#define IOAPIC_MMIO_SIZE 0x1000
#define IOAPIC_IOREGSEL  0x00
#define IOAPIC_IOWIN     0x10
#define IOAPIC_EOI       0x40

#define IOAPIC_INDEX_ID      0x00
#define IOAPIC_INDEX_VERSION 0x01
#define IOAPIC_INDEX_ARB     0x02
#define IOAPIC_INDEX_REDTBL  0x10 /* 0x10 + 2 * pin: low half; + 1: high half */
#define IOAPIC_VERSION_VALUE (((IOAPIC_PINS - 1u) << 16) | 0x20u)

/* Redirection entry bits. */
#define IOAPIC_RTE_VECTOR        0xFFull
#define IOAPIC_RTE_DM_SHIFT      8
#define IOAPIC_RTE_DM_MASK       (7ull << IOAPIC_RTE_DM_SHIFT)
#define IOAPIC_RTE_DEST_LOGICAL  (1ull << 11)
#define IOAPIC_RTE_DELIV_STATUS  (1ull << 12)
#define IOAPIC_RTE_ACTIVE_LOW    (1ull << 13)
#define IOAPIC_RTE_REMOTE_IRR    (1ull << 14)
#define IOAPIC_RTE_LEVEL         (1ull << 15)
#define IOAPIC_RTE_MASKED        (1ull << 16)
#define IOAPIC_RTE_DEST_SHIFT    56
#define IOAPIC_RTE_WRITABLE_LOW  0x1AFFFull /* vector, DM, dest mode, polarity, trigger, mask */
#define IOAPIC_RTE_WRITABLE_HIGH 0xFF000000ull

/* Delivery modes (RTE bits 8-10). */
#define IOAPIC_DM_FIXED  0
#define IOAPIC_DM_LOWPRI 1
#define IOAPIC_DM_SMI    2
#define IOAPIC_DM_NMI    4
#define IOAPIC_DM_INIT   5
#define IOAPIC_DM_EXTINT 7

/* What the owner asserts in the local APICs: VID_ASSERT_INTERRUPT's fields. */
struct ioapic_irq {
    uint32_t type;  /* HV_INTERRUPT_TYPE_FIXED, _NMI or _INIT */
    uint8_t vector; /* fixed: 16..255 */
    uint8_t dest;   /* APIC id (0xFF: all) or logical destination */
    bool logical;   /* dest is logical */
    bool level;     /* level-triggered (fixed only) */
    uint8_t pin;    /* the pin that fired, for the owner's logs */
};

typedef void (*ioapic_deliver_fn)(void *opaque, const struct ioapic_irq *irq);

struct ioapic {
    uint8_t select; /* IOREGSEL */
    uint32_t id;    /* ID register: bits 24-27 */
    uint64_t rte[IOAPIC_PINS];
    uint32_t lines; /* bit n: pin n's input line is high */
    ioapic_deliver_fn deliver;
    void *opaque;
};

/* Reset state: every pin masked, edge, active high, vector 0. */
void ioapic_init(struct ioapic *io, uint8_t id, ioapic_deliver_fn deliver, void *opaque);

/* A guest access at @offset (0 .. IOAPIC_MMIO_SIZE - 1) of @size bytes (1, 2,
 * 4 or 8).  The registers are 32 bits wide: a narrower read returns the
 * bytes it covers; writes to IOWIN must be 32 or 64 bits (the low 32 count),
 * IOREGSEL and EOI take their low byte from any write. */
uint64_t ioapic_mmio_read(struct ioapic *io, uint64_t offset, unsigned size);
void ioapic_mmio_write(struct ioapic *io, uint64_t offset, unsigned size, uint64_t value);

/* A device drives pin @pin's line (pins >= IOAPIC_PINS are ignored). */
void ioapic_set_irq(struct ioapic *io, unsigned pin, bool high);

/* The local APICs' EOI for @vector (or the EOI register). */
void ioapic_eoi(struct ioapic *io, uint8_t vector);

#endif
