/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The PC's two 8259A interrupt controllers, as in the PIIX4: the master at
 * ports 0x20-0x21 (IRQ 0-7), the slave at 0xA0-0xA1 (IRQ 8-15) with its INT
 * output on the master's IR2, and the edge/level control registers (ELCR)
 * at 0x4D0-0x4D1.  Pure logic: devices drive input lines with
 * i8259_set_irq(); the model tells intr() when the master's INT output, the
 * CPU's INTR line, changes; the CPU's interrupt acknowledge cycle is
 * i8259_acknowledge(), which returns the vector.
 *
 * Each chip:
 *   ICW1 (even port, bit 4 set) starts initialisation: IMR and ISR are
 *        cleared, IR7 gets the lowest priority, special mask mode and
 *        rotate-on-AEOI are cleared, the even port reads IRR, and edge
 *        requests are forgotten (an edge input must rise again); then the
 *        odd port takes ICW2 (vector base: bits 7-3), ICW3 unless SNGL,
 *        ICW4 if IC4 (else ICW4 is 0).  Only x86 mode is emulated: in 8080
 *        mode (ICW4 bit 0 clear) the vector is formed as in x86 mode; the
 *        buffered-mode bits are kept but change nothing.
 *   OCW1 (odd port, initialised) is the IMR.
 *   OCW2 (even port, bits 4-3 = 00): non-specific and specific EOI, their
 *        rotating variants, set priority, rotate-on-AEOI set and clear.  A
 *        non-specific EOI clears the highest-priority ISR bit; in special
 *        mask mode one masked in the IMR is skipped, as on the chip.
 *   OCW3 (even port, bits 4-3 = 01): read IRR or ISR, poll, special mask
 *        mode.  A poll makes the next read of either port the poll word:
 *        0x80 | IR of the highest request, acknowledged on this chip alone
 *        (its ISR bit set), or 0x07 with no request (the level a spurious
 *        INTA reports).
 * Priorities: a request is passed on if it is unmasked and has a higher
 * priority than every ISR bit (in special mask mode: every ISR bit not
 * masked in the IMR).  Special fully nested mode (ICW4 bit 4) in the master
 * lets the slave's input through while it is itself in service, so that a
 * higher slave IRQ can nest.
 *
 * Triggering: an input is level-triggered if ICW1's LTIM is set or its ELCR
 * bit is (the PIIX4 has only the ELCR; LTIM is the plain 8259A's way and
 * is honoured too).  ELCR bits of IRQ 0, 1, 2, 8 and 13 are always 0
 * (edge).  A level request stays in the IRR while its line is high and
 * leaves it when the line drops.  An edge request is latched on the rising
 * edge and kept until acknowledged, even if the line drops first: on the
 * chip it would vanish, but emulated devices pulse their lines, and the
 * latch is what every VMM does.  The master's IR2 is not a device: it
 * requests exactly while the slave's INT is high (the slave has a request
 * that passes its IMR and ISR), in either trigger mode.  That is the chip's
 * edge sense for an input that is never pulsed (a request whose line falls
 * before INTA is gone), and it also passes on a slave's next request that
 * is there right after an INTA, with INT never falling in between (a slave
 * in AEOI mode), which an edge would lose.  (QEMU and KVM latch IR2 like a
 * device's edge, which leaves a stale IR2 request, a spurious IRQ 15 later,
 * when a slave request goes away after the master latched it.)
 *
 * Acknowledge (INTA): the highest request of the master; its IRR bit is
 * cleared (edge) and its ISR bit set (unless AEOI).  If it is the master's
 * cascade input (IR2 with ICW3 bit 2 set, not SNGL), the slave supplies the
 * vector if its ICW3 ID is 2 (otherwise nothing answers and the vector is
 * 0xFF, the floating bus).  With no request (it vanished since INTR rose,
 * or none was there) the master answers IR7's vector without setting an
 * ISR bit: the spurious IRQ 7, also for a slave request that went away.  A
 * slave asked for a vector with nothing to give answers its IR7 (spurious
 * IRQ 15, with the master's IR2 in service); on the chip that happens when
 * the request goes between the two INTA pulses, which an acknowledge in
 * one call does not have, so here it does not happen.
 *
 * Reset: not initialised, every input masked (the vector base is 0 until
 * ICW2: an interrupt there would hit the CPU's exception vectors), all
 * edge-triggered.
 */
#ifndef PC_I8259_H
#define PC_I8259_H

#include <stdbool.h>
#include <stdint.h>

#define I8259_MASTER_PORT      0x20
#define I8259_SLAVE_PORT       0xA0
#define I8259_ELCR_PORT        0x4D0
#define I8259_PORTS            2 /* per range */
#define I8259_IRQS             16
#define I8259_CASCADE_IRQ      2
#define I8259_ELCR_MASTER_MASK 0xF8 /* IRQ 0, 1, 2 always edge */
#define I8259_ELCR_SLAVE_MASK  0xDE /* IRQ 8, 13 always edge */

/* ICW1 (even port, bit 4 set). */
#define I8259_ICW1_IC4  0x01 /* ICW4 follows */
#define I8259_ICW1_SNGL 0x02 /* single: no ICW3, no cascade */
#define I8259_ICW1_LTIM 0x08 /* every input level-triggered */
#define I8259_ICW1      0x10
/* ICW4 */
#define I8259_ICW4_X86  0x01
#define I8259_ICW4_AEOI 0x02
#define I8259_ICW4_SFNM 0x10
/* OCW2: command in bits 7-5, IR in 2-0. */
#define I8259_OCW2_EOI                 0x20
#define I8259_OCW2_SPECIFIC_EOI        0x60
#define I8259_OCW2_ROTATE_EOI          0xA0
#define I8259_OCW2_ROTATE_SPECIFIC_EOI 0xE0
#define I8259_OCW2_SET_PRIORITY        0xC0
#define I8259_OCW2_ROTATE_AEOI_SET     0x80
#define I8259_OCW2_ROTATE_AEOI_CLEAR   0x00
/* OCW3 */
#define I8259_OCW3           0x08
#define I8259_OCW3_READ_IRR  0x0A
#define I8259_OCW3_READ_ISR  0x0B
#define I8259_OCW3_POLL      0x0C
#define I8259_OCW3_SMM_SET   0x68
#define I8259_OCW3_SMM_CLEAR 0x48

/* The three port ranges, each I8259_PORTS ports. */
enum i8259_io_range {
    I8259_IO_MASTER, /* 0x20-0x21 */
    I8259_IO_SLAVE,  /* 0xA0-0xA1 */
    I8259_IO_ELCR,   /* 0x4D0-0x4D1: ELCR1 (IRQ 0-7), ELCR2 (IRQ 8-15) */
};

typedef void (*i8259_intr_fn)(void *opaque, bool level);

struct i8259_chip {
    uint8_t irr;
    uint8_t isr;
    uint8_t imr;
    uint8_t lines;     /* input levels as last driven */
    uint8_t elcr;      /* level-triggered inputs */
    uint8_t elcr_mask; /* the ELCR bits that exist */
    uint8_t icw1;
    uint8_t vector_base; /* ICW2 bits 7-3 */
    uint8_t icw3;
    uint8_t icw4;
    uint8_t next_icw; /* 2, 3 or 4 while initialising; 0 when operating */
    uint8_t lowest;   /* the IR with the lowest priority */
    bool read_isr;    /* OCW3: the even port reads ISR, not IRR */
    bool poll;        /* OCW3: the next read is the poll word */
    bool special_mask;
    bool rotate_on_aeoi;
};

struct i8259 {
    struct i8259_chip master, slave;
    bool intr; /* the master's INT output as last told */
    i8259_intr_fn intr_fn;
    void *opaque;
};

/* Reset state (see above); intr() may be NULL (then poll i8259_intr_pending()). */
void i8259_init(struct i8259 *pic, i8259_intr_fn intr, void *opaque);

/* A guest access to @range at @offset (0 or 1) of @size bytes (1..8).  The
 * chips are 8 bits wide: a wider access is that many byte accesses at
 * consecutive offsets, little-endian; bytes past the range read 0xFF and
 * are not written.  Other sizes, or an unknown range, read all ones and
 * write nothing. */
uint64_t i8259_io_read(struct i8259 *pic, enum i8259_io_range range, uint64_t offset,
                       unsigned size);
void i8259_io_write(struct i8259 *pic, enum i8259_io_range range, uint64_t offset, unsigned size,
                    uint64_t value);

/* A device drives input @irq (0..15) to @level.  IRQ 2 is the cascade,
 * driven by the slave alone: setting it, or an IRQ above 15, is ignored. */
void i8259_set_irq(struct i8259 *pic, unsigned irq, bool level);

/* The master's INT output: an interrupt waits for the CPU. */
bool i8259_intr_pending(const struct i8259 *pic);

/* The CPU's interrupt acknowledge cycle: the vector to deliver. */
uint8_t i8259_acknowledge(struct i8259 *pic);

#endif
