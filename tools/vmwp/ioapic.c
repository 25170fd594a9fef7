// SPDX-License-Identifier: GPL-2.0-only
/*
 * The child's I/O APIC model (see ioapic.h).
 */
#include <string.h>

#include <hv/abi.h>

#include "ioapic.h"

void ioapic_init(struct ioapic *io, uint8_t id, ioapic_deliver_fn deliver, void *opaque)
{
    memset(io, 0, sizeof(*io));
    io->id = (uint32_t)(id & 0xF) << 24;
    for (unsigned i = 0; i < IOAPIC_PINS; i++)
        io->rte[i] = IOAPIC_RTE_MASKED;
    io->deliver = deliver;
    io->opaque = opaque;
}

/* Whether the pin's input is active, with its polarity applied. */
static bool pin_active(const struct ioapic *io, unsigned pin)
{
    bool high = (io->lines >> pin) & 1;

    return (io->rte[pin] & IOAPIC_RTE_ACTIVE_LOW) ? !high : high;
}

/* Send pin @pin's programmed interrupt, if its delivery mode is one we can
 * send; true if it went out. */
static bool send(struct ioapic *io, unsigned pin)
{
    uint64_t rte = io->rte[pin];
    unsigned dm = (unsigned)((rte & IOAPIC_RTE_DM_MASK) >> IOAPIC_RTE_DM_SHIFT);
    struct ioapic_irq irq = {
        .vector = (uint8_t)(rte & IOAPIC_RTE_VECTOR),
        .dest = (uint8_t)(rte >> IOAPIC_RTE_DEST_SHIFT),
        .logical = rte & IOAPIC_RTE_DEST_LOGICAL,
        .level = rte & IOAPIC_RTE_LEVEL,
        .pin = (uint8_t)pin,
    };

    switch (dm) {
    case IOAPIC_DM_FIXED:
    case IOAPIC_DM_LOWPRI:
        /* The local APICs take vectors 0-15 as an illegal-vector error. */
        if (irq.vector < 16)
            return false;
        irq.type = HV_INTERRUPT_TYPE_FIXED;
        break;
    case IOAPIC_DM_NMI:
        irq.type = HV_INTERRUPT_TYPE_NMI;
        irq.level = false;
        break;
    case IOAPIC_DM_INIT:
        irq.type = HV_INTERRUPT_TYPE_INIT;
        irq.level = false;
        break;
    default:
        return false; /* SMI, ExtINT (the 8259s reach the VPs on LINT0), reserved */
    }
    if (io->deliver)
        io->deliver(io->opaque, &irq);
    return true;
}

/* Fire a level-triggered pin if it is active, unmasked and not in service. */
static void service_level(struct ioapic *io, unsigned pin)
{
    uint64_t rte = io->rte[pin];

    if (!(rte & IOAPIC_RTE_LEVEL) || (rte & (IOAPIC_RTE_MASKED | IOAPIC_RTE_REMOTE_IRR)) ||
        !pin_active(io, pin))
        return;
    /* Remote IRR means "the local APICs have it": only set when it was sent. */
    if (send(io, pin))
        io->rte[pin] |= IOAPIC_RTE_REMOTE_IRR;
}

void ioapic_set_irq(struct ioapic *io, unsigned pin, bool high)
{
    bool was_active, now_active;

    if (pin >= IOAPIC_PINS)
        return;
    was_active = pin_active(io, pin);
    io->lines = high ? io->lines | (1u << pin) : io->lines & ~(1u << pin);
    now_active = pin_active(io, pin);

    if (io->rte[pin] & IOAPIC_RTE_LEVEL) {
        /* Without the local APICs' EOIs (see ioapic.h), a line going
         * inactive is the sign that the guest handled the interrupt. */
        if (!now_active)
            io->rte[pin] &= ~IOAPIC_RTE_REMOTE_IRR;
        service_level(io, pin);
        return;
    }
    if (!was_active && now_active && !(io->rte[pin] & IOAPIC_RTE_MASKED))
        send(io, pin);
}

void ioapic_eoi(struct ioapic *io, uint8_t vector)
{
    for (unsigned pin = 0; pin < IOAPIC_PINS; pin++) {
        uint64_t rte = io->rte[pin];

        if ((rte & IOAPIC_RTE_REMOTE_IRR) && (rte & IOAPIC_RTE_VECTOR) == vector) {
            io->rte[pin] &= ~IOAPIC_RTE_REMOTE_IRR;
            service_level(io, pin);
        }
    }
}

static uint32_t read_indirect(const struct ioapic *io)
{
    unsigned index = io->select, pin;

    switch (index) {
    case IOAPIC_INDEX_ID:
        return io->id;
    case IOAPIC_INDEX_VERSION:
        return IOAPIC_VERSION_VALUE;
    case IOAPIC_INDEX_ARB:
        return io->id;
    default:
        break;
    }
    if (index < IOAPIC_INDEX_REDTBL)
        return 0;
    pin = (index - IOAPIC_INDEX_REDTBL) / 2;
    if (pin >= IOAPIC_PINS)
        return 0;
    return (index & 1) ? (uint32_t)(io->rte[pin] >> 32) : (uint32_t)io->rte[pin];
}

static void write_rte_low(struct ioapic *io, unsigned pin, uint32_t value)
{
    uint64_t rte = io->rte[pin];

    rte = (rte & ~IOAPIC_RTE_WRITABLE_LOW) | (value & IOAPIC_RTE_WRITABLE_LOW);
    /* An edge-triggered pin has no Remote IRR. */
    if (!(rte & IOAPIC_RTE_LEVEL))
        rte &= ~IOAPIC_RTE_REMOTE_IRR;
    io->rte[pin] = rte;
    /* An unmasked level pin whose line is active fires now; edges that came
     * while it was masked are gone. */
    service_level(io, pin);
}

static void write_indirect(struct ioapic *io, uint32_t value)
{
    unsigned index = io->select, pin;

    if (index == IOAPIC_INDEX_ID) {
        io->id = value & 0x0F000000u;
        return;
    }
    if (index < IOAPIC_INDEX_REDTBL)
        return; /* version and arbitration are read-only */
    pin = (index - IOAPIC_INDEX_REDTBL) / 2;
    if (pin >= IOAPIC_PINS)
        return;
    if (index & 1) {
        io->rte[pin] =
            (io->rte[pin] & 0xFFFFFFFFull) | ((uint64_t)(value & IOAPIC_RTE_WRITABLE_HIGH) << 32);
        return;
    }
    write_rte_low(io, pin, value);
}

uint64_t ioapic_mmio_read(struct ioapic *io, uint64_t offset, unsigned size)
{
    uint64_t reg = offset & ~3ull, shift = (offset & 3) * 8;
    uint64_t value;

    if (reg == IOAPIC_IOREGSEL)
        value = io->select;
    else if (reg == IOAPIC_IOWIN)
        value = read_indirect(io);
    else
        return 0; /* the EOI register is write-only; the rest is reserved */
    value >>= shift;
    return size >= 8 ? value : value & ((1ull << (8 * size)) - 1);
}

void ioapic_mmio_write(struct ioapic *io, uint64_t offset, unsigned size, uint64_t value)
{
    switch (offset) {
    case IOAPIC_IOREGSEL:
        io->select = (uint8_t)value;
        break;
    case IOAPIC_IOWIN:
        if (size >= 4)
            write_indirect(io, (uint32_t)value);
        break;
    case IOAPIC_EOI:
        ioapic_eoi(io, (uint8_t)value);
        break;
    default:
        break;
    }
}
