// SPDX-License-Identifier: GPL-2.0-only
/*
 * Unit tests of drivers/pc/i8259.c, the 8259A pair: the reset state; the
 * ICW1-ICW4 sequence (with and without ICW3 and ICW4, what ICW1 resets);
 * the IMR; priorities and nesting, non-specific and specific EOI, the
 * rotations and set-priority; AEOI; the cascade (slave IRQs at IR2's
 * priority, slave vectors, IR2 following the slave's INT so that nothing
 * stale is left, a slave in AEOI with two requests); spurious IRQ 7 for
 * master and slave requests that vanish before the INTA; level and
 * edge triggering through LTIM and the ELCR (its fixed-edge bits); reading
 * IRR and ISR, the poll command, special mask mode, special fully nested
 * mode, single mode, a cascade misconfigured; wide and odd accesses; and
 * random port traffic checked against invariants.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <pc/i8259.h>

#define MASTER_BASE 0x30 /* Linux's ISA vectors */
#define SLAVE_BASE  0x38

static struct i8259 pic;
static bool intr_level;
static unsigned intr_calls;

static void intr(void *opaque, bool level)
{
    assert_ptr_equal(opaque, &pic);
    assert_true(level != intr_level); /* changes only */
    intr_level = level;
    intr_calls++;
}

static void outb(unsigned port, uint8_t v)
{
    if (port >= I8259_ELCR_PORT)
        i8259_io_write(&pic, I8259_IO_ELCR, port - I8259_ELCR_PORT, 1, v);
    else if (port >= I8259_SLAVE_PORT)
        i8259_io_write(&pic, I8259_IO_SLAVE, port - I8259_SLAVE_PORT, 1, v);
    else
        i8259_io_write(&pic, I8259_IO_MASTER, port - I8259_MASTER_PORT, 1, v);
}

static uint8_t inb(unsigned port)
{
    if (port >= I8259_ELCR_PORT)
        return (uint8_t)i8259_io_read(&pic, I8259_IO_ELCR, port - I8259_ELCR_PORT, 1);
    if (port >= I8259_SLAVE_PORT)
        return (uint8_t)i8259_io_read(&pic, I8259_IO_SLAVE, port - I8259_SLAVE_PORT, 1);
    return (uint8_t)i8259_io_read(&pic, I8259_IO_MASTER, port - I8259_MASTER_PORT, 1);
}

/* Linux's init_8259A() with @master_icw4/@slave_icw4, then everything unmasked. */
static void init_pair(uint8_t master_icw4, uint8_t slave_icw4)
{
    outb(0x20, 0x11); /* ICW1: edge, cascade, ICW4 */
    outb(0x21, MASTER_BASE);
    outb(0x21, 1u << I8259_CASCADE_IRQ); /* ICW3: a slave on IR2 */
    outb(0x21, master_icw4);
    outb(0xA0, 0x11);
    outb(0xA1, SLAVE_BASE);
    outb(0xA1, I8259_CASCADE_IRQ); /* ICW3: slave ID 2 */
    outb(0xA1, slave_icw4);
    outb(0x21, 0x00);
    outb(0xA1, 0x00);
}

static int setup(void **state)
{
    (void)state;
    intr_level = false;
    intr_calls = 0;
    i8259_init(&pic, intr, &pic);
    return 0;
}

static int setup_pc(void **state)
{
    setup(state);
    init_pair(I8259_ICW4_X86, I8259_ICW4_X86);
    return 0;
}

static uint8_t read_isr(unsigned port)
{
    uint8_t v;

    outb(port, I8259_OCW3_READ_ISR);
    v = inb(port);
    outb(port, I8259_OCW3_READ_IRR);
    return v;
}

static void pulse(unsigned irq)
{
    i8259_set_irq(&pic, irq, true);
    i8259_set_irq(&pic, irq, false);
}

static void test_reset_state(void **state)
{
    (void)state;
    /* Not initialised: everything masked, so nothing reaches the CPU. */
    assert_int_equal(inb(0x21), 0xFF);
    assert_int_equal(inb(0xA1), 0xFF);
    assert_int_equal(inb(0x4D0), 0);
    assert_int_equal(inb(0x4D1), 0);
    pulse(1);
    pulse(12);
    assert_false(i8259_intr_pending(&pic));
    assert_int_equal(intr_calls, 0);
    /* The requests are in the IRR all the same. */
    assert_int_equal(inb(0x20), 0x02);
    assert_int_equal(inb(0xA0), 0x10);
    /* An INTA anyway: spurious IRQ 7 at vector base 0. */
    assert_int_equal(i8259_acknowledge(&pic), 0x07);
}

static void test_init_words(void **state)
{
    (void)state;
    outb(0x21, 0x5A); /* IMR */
    pulse(4);
    /* ICW1 clears IMR and the edge request; ICW2 sets the base... */
    outb(0x20, 0x11);
    assert_int_equal(inb(0x21), 0x00);
    assert_int_equal(inb(0x20), 0x00);
    outb(0x21, MASTER_BASE | 0x07); /* bits 2-0 are not the base's */
    /* ...ICW3 and ICW4 follow; then the odd port is the IMR again. */
    outb(0x21, 0x04);
    outb(0x21, I8259_ICW4_X86);
    outb(0x21, 0xFE);
    assert_int_equal(inb(0x21), 0xFE);
    pulse(0);
    assert_true(intr_level);
    assert_int_equal(i8259_acknowledge(&pic), MASTER_BASE);

    /* Without IC4 there is no ICW4 (and no AEOI); with SNGL no ICW3. */
    outb(0x20, I8259_ICW1 | I8259_ICW1_SNGL);
    outb(0x21, 0x48);
    outb(0x21, 0xF0); /* the IMR already */
    assert_int_equal(inb(0x21), 0xF0);
    assert_int_equal(pic.master.icw4, 0);
    pulse(3);
    assert_int_equal(i8259_acknowledge(&pic), 0x4B);
    assert_int_equal(read_isr(0x20), 0x08);

    /* SNGL with IC4: ICW2 then ICW4. */
    outb(0x20, I8259_ICW1 | I8259_ICW1_SNGL | I8259_ICW1_IC4);
    outb(0x21, 0x50);
    outb(0x21, I8259_ICW4_X86 | I8259_ICW4_AEOI);
    outb(0x21, 0x00);
    assert_int_equal(inb(0x21), 0x00);
    pulse(5);
    assert_int_equal(i8259_acknowledge(&pic), 0x55);
    assert_int_equal(read_isr(0x20), 0x00); /* AEOI */

    /* ICW1 again in the middle of a sequence restarts it. */
    outb(0x20, 0x11);
    outb(0x21, 0x60);
    outb(0x20, 0x11);
    outb(0x21, 0x70);
    outb(0x21, 0x04);
    outb(0x21, 0x01);
    outb(0x21, 0xFF);
    assert_int_equal(pic.master.vector_base, 0x70);
    assert_int_equal(inb(0x21), 0xFF);
}

static void test_edge_request_and_eoi(void **state)
{
    (void)state;
    i8259_set_irq(&pic, 1, true);
    assert_true(intr_level);
    assert_int_equal(inb(0x20), 0x02);
    assert_int_equal(i8259_acknowledge(&pic), MASTER_BASE + 1);
    assert_false(intr_level);
    assert_int_equal(inb(0x20), 0x00);
    assert_int_equal(read_isr(0x20), 0x02);
    /* A line held high is one request; a new edge while in service waits. */
    i8259_set_irq(&pic, 1, true);
    assert_int_equal(inb(0x20), 0x00);
    i8259_set_irq(&pic, 1, false);
    i8259_set_irq(&pic, 1, true);
    assert_int_equal(inb(0x20), 0x02);
    assert_false(intr_level);
    /* An edge request outlives its line (devices pulse). */
    i8259_set_irq(&pic, 1, false);
    outb(0x20, I8259_OCW2_EOI);
    assert_true(intr_level);
    assert_int_equal(i8259_acknowledge(&pic), MASTER_BASE + 1);
    outb(0x20, I8259_OCW2_EOI);
    assert_false(intr_level);
    assert_int_equal(read_isr(0x20), 0x00);
    /* A non-specific EOI with nothing in service is harmless. */
    outb(0x20, I8259_OCW2_EOI);
    assert_false(intr_level);
}

static void test_priorities_and_nesting(void **state)
{
    (void)state;
    pulse(3);
    assert_int_equal(i8259_acknowledge(&pic), MASTER_BASE + 3);
    /* Lower priority (5) and equal (3) wait behind IR3 in service... */
    pulse(5);
    pulse(3);
    assert_false(intr_level);
    /* ...higher (1) nests. */
    pulse(1);
    assert_true(intr_level);
    assert_int_equal(i8259_acknowledge(&pic), MASTER_BASE + 1);
    assert_int_equal(read_isr(0x20), 0x0A);
    assert_false(intr_level);
    /* Non-specific EOI ends the highest (IR1); IR3 still blocks. */
    outb(0x20, I8259_OCW2_EOI);
    assert_int_equal(read_isr(0x20), 0x08);
    assert_false(intr_level);
    outb(0x20, I8259_OCW2_EOI);
    /* Both waiting: 3 before 5. */
    assert_true(intr_level);
    assert_int_equal(i8259_acknowledge(&pic), MASTER_BASE + 3);
    outb(0x20, I8259_OCW2_EOI);
    assert_int_equal(i8259_acknowledge(&pic), MASTER_BASE + 5);
    outb(0x20, I8259_OCW2_EOI);
    assert_false(intr_level);
    /* Several at once: IR0 first. */
    pulse(7);
    pulse(0);
    pulse(4);
    assert_int_equal(i8259_acknowledge(&pic), MASTER_BASE + 0);
    outb(0x20, I8259_OCW2_EOI);
    assert_int_equal(i8259_acknowledge(&pic), MASTER_BASE + 4);
    outb(0x20, I8259_OCW2_EOI);
    assert_int_equal(i8259_acknowledge(&pic), MASTER_BASE + 7);
    outb(0x20, I8259_OCW2_EOI);
    assert_int_equal(read_isr(0x20), 0);
}

static void test_imr(void **state)
{
    (void)state;
    outb(0x21, 0x10);
    pulse(4);
    assert_false(intr_level);
    assert_int_equal(inb(0x20), 0x10); /* masked, but requested */
    outb(0x21, 0x00);
    assert_true(intr_level);
    outb(0x21, 0x10);
    assert_false(intr_level);
    /* A masked request does not block lower ones either. */
    pulse(6);
    assert_true(intr_level);
    assert_int_equal(i8259_acknowledge(&pic), MASTER_BASE + 6);
    /* Masking IR2 masks the whole slave. */
    outb(0x20, I8259_OCW2_EOI);
    outb(0x21, 0x14);
    pulse(9);
    assert_false(intr_level);
    assert_int_equal(inb(0xA0), 0x02);
    outb(0x21, 0x10);
    assert_true(intr_level);
    assert_int_equal(i8259_acknowledge(&pic), SLAVE_BASE + 1);
}

static void test_specific_eoi_and_rotation(void **state)
{
    (void)state;
    pulse(6);
    pulse(5);
    assert_int_equal(i8259_acknowledge(&pic), MASTER_BASE + 5);
    pulse(4);
    assert_int_equal(i8259_acknowledge(&pic), MASTER_BASE + 4);
    /* Specific EOI of the lower one (5) leaves 4 in service. */
    outb(0x20, I8259_OCW2_SPECIFIC_EOI | 5);
    assert_int_equal(read_isr(0x20), 0x10);
    outb(0x20, I8259_OCW2_SPECIFIC_EOI | 4);
    assert_int_equal(i8259_acknowledge(&pic), MASTER_BASE + 6);
    outb(0x20, I8259_OCW2_EOI);

    /* Set priority: IR3 lowest, so IR4 is highest and IR3 after IR2. */
    outb(0x20, I8259_OCW2_SET_PRIORITY | 3);
    pulse(3);
    pulse(4);
    pulse(0);
    assert_int_equal(i8259_acknowledge(&pic), MASTER_BASE + 4);
    /* IR0 (now above IR3) nests? No: IR4 in service is the highest. */
    assert_false(intr_level);
    outb(0x20, I8259_OCW2_EOI);
    assert_int_equal(i8259_acknowledge(&pic), MASTER_BASE + 0);
    outb(0x20, I8259_OCW2_EOI);
    assert_int_equal(i8259_acknowledge(&pic), MASTER_BASE + 3);
    outb(0x20, I8259_OCW2_EOI);

    /* Rotate on non-specific EOI: the IR served becomes the lowest. */
    outb(0x20, I8259_OCW2_SET_PRIORITY | 7);
    pulse(1);
    assert_int_equal(i8259_acknowledge(&pic), MASTER_BASE + 1);
    outb(0x20, I8259_OCW2_ROTATE_EOI);
    assert_int_equal(pic.master.lowest, 1);
    pulse(0);
    pulse(1);
    pulse(7);
    assert_int_equal(i8259_acknowledge(&pic), MASTER_BASE + 7);
    outb(0x20, I8259_OCW2_ROTATE_EOI); /* now IR7 lowest: 0 first */
    assert_int_equal(i8259_acknowledge(&pic), MASTER_BASE + 0);
    /* Rotate on specific EOI. */
    outb(0x20, I8259_OCW2_ROTATE_SPECIFIC_EOI | 0);
    assert_int_equal(pic.master.lowest, 0);
    assert_int_equal(read_isr(0x20), 0);
    assert_int_equal(i8259_acknowledge(&pic), MASTER_BASE + 1);
    outb(0x20, I8259_OCW2_EOI);
    /* The no-operation command is one. */
    outb(0x20, 0x40 | 3);
    assert_int_equal(pic.master.lowest, 0);
}

static void test_auto_eoi(void **state)
{
    (void)state;
    init_pair(I8259_ICW4_X86 | I8259_ICW4_AEOI, I8259_ICW4_X86);
    pulse(4);
    assert_int_equal(i8259_acknowledge(&pic), MASTER_BASE + 4);
    assert_int_equal(read_isr(0x20), 0);
    /* Nothing in service: an equal or lower request gets through at once. */
    pulse(4);
    assert_true(intr_level);
    assert_int_equal(i8259_acknowledge(&pic), MASTER_BASE + 4);
    /* Rotate in AEOI mode: each IR served becomes the lowest. */
    outb(0x20, I8259_OCW2_ROTATE_AEOI_SET);
    pulse(3);
    pulse(6);
    assert_int_equal(i8259_acknowledge(&pic), MASTER_BASE + 3);
    assert_int_equal(pic.master.lowest, 3);
    pulse(3);
    assert_int_equal(i8259_acknowledge(&pic), MASTER_BASE + 6);
    assert_int_equal(i8259_acknowledge(&pic), MASTER_BASE + 3);
    outb(0x20, I8259_OCW2_ROTATE_AEOI_CLEAR);
    pulse(5);
    assert_int_equal(i8259_acknowledge(&pic), MASTER_BASE + 5);
    assert_int_equal(pic.master.lowest, 3);
}

static void test_cascade(void **state)
{
    (void)state;
    i8259_set_irq(&pic, 12, true);
    assert_true(intr_level);
    assert_int_equal(inb(0x20), 0x04); /* the master sees IR2 */
    assert_int_equal(inb(0xA0), 0x10);
    assert_int_equal(i8259_acknowledge(&pic), SLAVE_BASE + 4);
    assert_int_equal(read_isr(0x20), 0x04);
    assert_int_equal(read_isr(0xA0), 0x10);
    assert_false(intr_level);
    /* Linux's order: slave EOI, then master. */
    outb(0xA0, I8259_OCW2_EOI);
    assert_false(intr_level);
    outb(0x20, I8259_OCW2_EOI);
    assert_int_equal(read_isr(0x20), 0);
    i8259_set_irq(&pic, 12, false);

    /* Slave IRQs sit at IR2's priority: above IR3, below IR1. */
    pulse(3);
    pulse(9);
    assert_int_equal(i8259_acknowledge(&pic), SLAVE_BASE + 1);
    pulse(1);
    assert_true(intr_level);
    assert_int_equal(i8259_acknowledge(&pic), MASTER_BASE + 1);
    outb(0x20, I8259_OCW2_EOI); /* IR1 */
    outb(0xA0, I8259_OCW2_EOI);
    outb(0x20, I8259_OCW2_EOI); /* IR2 */
    assert_int_equal(i8259_acknowledge(&pic), MASTER_BASE + 3);
    outb(0x20, I8259_OCW2_EOI);

    /* Two slave requests: the second waits for the slave's EOI, then the
     * slave's INT rises again for the master. */
    pulse(10);
    pulse(15);
    assert_int_equal(i8259_acknowledge(&pic), SLAVE_BASE + 2);
    outb(0xA0, I8259_OCW2_EOI);
    assert_false(intr_level); /* the master's IR2 is still in service */
    outb(0x20, I8259_OCW2_EOI);
    assert_true(intr_level);
    assert_int_equal(i8259_acknowledge(&pic), SLAVE_BASE + 7);
    outb(0xA0, I8259_OCW2_EOI);
    outb(0x20, I8259_OCW2_EOI);
    assert_false(intr_level);
    /* IRQ 2 is the cascade: not a device line. */
    i8259_set_irq(&pic, I8259_CASCADE_IRQ, true);
    assert_false(intr_level);
    i8259_set_irq(&pic, 16, true);
    i8259_set_irq(&pic, UINT32_MAX, true);
    assert_false(intr_level);
}

static void test_slave_in_auto_eoi(void **state)
{
    (void)state;
    /* The slave's INT never drops between two requests: the second still
     * reaches the CPU. */
    init_pair(I8259_ICW4_X86 | I8259_ICW4_AEOI, I8259_ICW4_X86 | I8259_ICW4_AEOI);
    pulse(9);
    pulse(11);
    assert_int_equal(i8259_acknowledge(&pic), SLAVE_BASE + 1);
    assert_true(intr_level);
    assert_int_equal(i8259_acknowledge(&pic), SLAVE_BASE + 3);
    assert_false(intr_level);
    assert_int_equal(read_isr(0x20), 0);
    assert_int_equal(read_isr(0xA0), 0);
}

static void test_spurious(void **state)
{
    (void)state;
    /* IRQ 5 level-triggered: the request vanishes with its line, after the
     * CPU saw INTR: its INTA gets IR7's vector and nothing goes in service. */
    outb(0x4D0, 0x20);
    i8259_set_irq(&pic, 5, true);
    assert_true(intr_level);
    i8259_set_irq(&pic, 5, false);
    assert_false(intr_level);
    assert_int_equal(i8259_acknowledge(&pic), MASTER_BASE + 7);
    assert_int_equal(read_isr(0x20), 0);

    /* IRQ 10 level: it vanishes with the slave's INT, so the master's IR2
     * request goes too: spurious IRQ 7, nothing in service anywhere. */
    outb(0x4D1, 0x04);
    i8259_set_irq(&pic, 10, true);
    assert_true(intr_level);
    assert_int_equal(inb(0x20), 0x04);
    i8259_set_irq(&pic, 10, false);
    assert_false(intr_level);
    assert_int_equal(inb(0x20), 0x00);
    assert_int_equal(i8259_acknowledge(&pic), MASTER_BASE + 7);
    assert_int_equal(read_isr(0x20), 0);
    assert_int_equal(read_isr(0xA0), 0);
    /* So does an edge slave request masked before the INTA. */
    pulse(11);
    assert_true(intr_level);
    outb(0xA1, 0x08);
    assert_false(intr_level);
    assert_int_equal(i8259_acknowledge(&pic), MASTER_BASE + 7);

    /* An INTA with nothing requested at all. */
    assert_int_equal(i8259_acknowledge(&pic), MASTER_BASE + 7);
}

static void test_level_triggered(void **state)
{
    (void)state;
    /* IRQ 9 level via ELCR2 bit 1 (an SCI or a PCI interrupt). */
    outb(0x4D1, 0x02);
    i8259_set_irq(&pic, 9, true);
    assert_int_equal(i8259_acknowledge(&pic), SLAVE_BASE + 1);
    assert_false(intr_level);
    /* Still asserted after the EOIs: the request comes back at once. */
    outb(0xA0, I8259_OCW2_EOI);
    outb(0x20, I8259_OCW2_EOI);
    assert_true(intr_level);
    assert_int_equal(inb(0xA0), 0x02);
    assert_int_equal(i8259_acknowledge(&pic), SLAVE_BASE + 1);
    /* The device lowers its line after the EOIs, before the next INTA:
     * the request is gone, nothing stale is left on the master's IR2. */
    outb(0xA0, I8259_OCW2_EOI);
    outb(0x20, I8259_OCW2_EOI);
    assert_true(intr_level);
    i8259_set_irq(&pic, 9, false);
    assert_false(intr_level);
    assert_int_equal(inb(0xA0), 0x00);
    assert_int_equal(inb(0x20), 0x00);

    /* LTIM makes every input of the chip level-triggered. */
    outb(0x20, I8259_ICW1 | I8259_ICW1_IC4 | I8259_ICW1_LTIM);
    outb(0x21, MASTER_BASE);
    outb(0x21, 0x04);
    outb(0x21, I8259_ICW4_X86);
    i8259_set_irq(&pic, 4, true);
    assert_int_equal(i8259_acknowledge(&pic), MASTER_BASE + 4);
    outb(0x20, I8259_OCW2_EOI);
    assert_true(intr_level);
    i8259_set_irq(&pic, 4, false);
    assert_false(intr_level);
    /* ICW1 keeps a level request that is present; an edge one is lost. */
    init_pair(I8259_ICW4_X86, I8259_ICW4_X86);
    outb(0x4D0, 0x10);
    i8259_set_irq(&pic, 4, true);
    pulse(6);
    assert_int_equal(inb(0x20), 0x50);
    outb(0x20, 0x11);
    assert_int_equal(inb(0x20), 0x10);
}

static void test_elcr(void **state)
{
    (void)state;
    /* IRQ 0, 1, 2, 8 and 13 are always edge. */
    outb(0x4D0, 0xFF);
    outb(0x4D1, 0xFF);
    assert_int_equal(inb(0x4D0), I8259_ELCR_MASTER_MASK);
    assert_int_equal(inb(0x4D1), I8259_ELCR_SLAVE_MASK);
    /* Both at once, as a 16-bit access. */
    i8259_io_write(&pic, I8259_IO_ELCR, 0, 2, 0x0E20);
    assert_int_equal(i8259_io_read(&pic, I8259_IO_ELCR, 0, 2), 0x0E20);
    /* Made level while the line is high: requested at once; made edge
     * again: the request stays latched until acknowledged. */
    outb(0x4D1, 0x00);
    i8259_set_irq(&pic, 11, true);
    assert_int_equal(i8259_acknowledge(&pic), SLAVE_BASE + 3);
    outb(0xA0, I8259_OCW2_EOI);
    outb(0x20, I8259_OCW2_EOI);
    assert_false(intr_level);
    outb(0x4D1, 0x08);
    assert_true(intr_level);
    outb(0x4D1, 0x00);
    i8259_set_irq(&pic, 11, false);
    assert_true(intr_level);
    assert_int_equal(i8259_acknowledge(&pic), SLAVE_BASE + 3);
}

static void test_read_registers_and_poll(void **state)
{
    (void)state;
    pulse(6);
    pulse(3);
    assert_int_equal(inb(0x20), 0x48); /* IRR by default */
    /* Poll: the highest request, acknowledged without an INTA. */
    outb(0x20, I8259_OCW3_POLL);
    assert_int_equal(inb(0x20), 0x83);
    assert_int_equal(read_isr(0x20), 0x08);
    assert_int_equal(inb(0x20), 0x40);
    /* IR6 is blocked by IR3 in service: the poll says no interrupt. */
    outb(0x20, I8259_OCW3_POLL);
    assert_int_equal(inb(0x21), 0x07);
    /* The poll is one read only: then the IMR again. */
    assert_int_equal(inb(0x21), 0x00);
    outb(0x20, I8259_OCW2_EOI);
    outb(0x20, I8259_OCW3_POLL);
    assert_int_equal(inb(0x21), 0x86);
    outb(0x20, I8259_OCW2_EOI);
    /* The ISR/IRR choice sticks until changed; OCW3 without RR keeps it. */
    outb(0x20, I8259_OCW3_READ_ISR);
    pulse(5);
    assert_int_equal(i8259_acknowledge(&pic), MASTER_BASE + 5);
    outb(0x20, I8259_OCW3);
    assert_int_equal(inb(0x20), 0x20);
    assert_int_equal(inb(0x20), 0x20);
    /* Polling the master for a slave IRQ gives IR2; then poll the slave. */
    outb(0x20, I8259_OCW2_EOI);
    outb(0x20, I8259_OCW3_READ_IRR);
    pulse(13);
    outb(0x20, I8259_OCW3_POLL);
    assert_int_equal(inb(0x20), 0x82);
    outb(0xA0, I8259_OCW3_POLL);
    assert_int_equal(inb(0xA0), 0x85);
    assert_int_equal(read_isr(0xA0), 0x20);
    /* Both served: after the EOIs nothing is left over. */
    outb(0xA0, I8259_OCW2_EOI);
    outb(0x20, I8259_OCW2_EOI);
    assert_false(intr_level);
    outb(0x20, I8259_OCW3_POLL);
    assert_int_equal(inb(0x20), 0x07);
}

static void test_special_mask_mode(void **state)
{
    (void)state;
    pulse(3);
    assert_int_equal(i8259_acknowledge(&pic), MASTER_BASE + 3);
    pulse(5);
    assert_false(intr_level);
    /* The handler masks its own IR and enables special mask mode: lower
     * priorities get through while IR3 stays in service. */
    outb(0x21, 0x08);
    outb(0x20, I8259_OCW3_SMM_SET);
    assert_true(intr_level);
    assert_int_equal(i8259_acknowledge(&pic), MASTER_BASE + 5);
    assert_int_equal(read_isr(0x20), 0x28);
    /* A non-specific EOI skips the masked IR3 and ends IR5. */
    outb(0x20, I8259_OCW2_EOI);
    assert_int_equal(read_isr(0x20), 0x08);
    /* Leaving the mode: IR3 in service blocks lower ones again. */
    outb(0x20, I8259_OCW3_SMM_CLEAR);
    outb(0x21, 0x00);
    pulse(6);
    assert_false(intr_level);
    outb(0x20, I8259_OCW2_SPECIFIC_EOI | 3);
    assert_true(intr_level);
    /* OCW3 with ESMM clear leaves the mode as it is. */
    outb(0x20, I8259_OCW3_SMM_SET);
    outb(0x20, 0x28); /* SMM bit without ESMM */
    assert_true(pic.master.special_mask);
}

static void test_special_fully_nested(void **state)
{
    (void)state;
    init_pair(I8259_ICW4_X86 | I8259_ICW4_SFNM, I8259_ICW4_X86);
    pulse(12);
    assert_int_equal(i8259_acknowledge(&pic), SLAVE_BASE + 4);
    /* A higher slave IRQ nests through the master's IR2 in service... */
    pulse(9);
    assert_true(intr_level);
    assert_int_equal(i8259_acknowledge(&pic), SLAVE_BASE + 1);
    assert_int_equal(read_isr(0xA0), 0x12);
    /* ...a lower one does not (the slave itself blocks it). */
    pulse(14);
    assert_false(intr_level);
    outb(0xA0, I8259_OCW2_EOI);
    outb(0xA0, I8259_OCW2_EOI);
    assert_true(intr_level);
    /* Without SFNM the same nesting waits for the master's EOI. */
    setup_pc(state);
    pulse(12);
    assert_int_equal(i8259_acknowledge(&pic), SLAVE_BASE + 4);
    pulse(9);
    assert_false(intr_level);
}

static void test_single_and_misconfigured_cascade(void **state)
{
    (void)state;
    /* Master in single mode: IR2 is its own input, with its own vector. */
    outb(0x20, I8259_ICW1 | I8259_ICW1_SNGL | I8259_ICW1_IC4);
    outb(0x21, MASTER_BASE);
    outb(0x21, I8259_ICW4_X86);
    pulse(8);
    assert_true(intr_level);
    assert_int_equal(i8259_acknowledge(&pic), MASTER_BASE + 2);
    /* The slave was not asked: poll it for its IRQ. */
    outb(0xA0, I8259_OCW3_POLL);
    assert_int_equal(inb(0xA0), 0x80);
    outb(0xA0, I8259_OCW2_EOI);
    outb(0x20, I8259_OCW2_EOI);
    assert_false(intr_level);

    /* Master says a slave is on IR5: nothing is there to answer. */
    outb(0x20, 0x11);
    outb(0x21, MASTER_BASE);
    outb(0x21, 0x24);
    outb(0x21, I8259_ICW4_X86);
    pulse(5);
    assert_int_equal(i8259_acknowledge(&pic), 0xFF);
    assert_int_equal(read_isr(0x20), 0x20);
    outb(0x20, I8259_OCW2_EOI);
    /* The slave's ID is not 2: it does not answer either. */
    outb(0xA0, 0x11);
    outb(0xA1, SLAVE_BASE);
    outb(0xA1, 0x03);
    outb(0xA1, I8259_ICW4_X86);
    pulse(9);
    assert_int_equal(i8259_acknowledge(&pic), 0xFF);
}

static void test_wide_and_odd_accesses(void **state)
{
    (void)state;
    outb(0x21, 0x5A);
    pulse(4);
    /* 16 bits at 0x20: IRR then IMR; past the range: 0xFF. */
    assert_int_equal(i8259_io_read(&pic, I8259_IO_MASTER, 0, 2), 0x5A10);
    assert_int_equal(i8259_io_read(&pic, I8259_IO_MASTER, 1, 4), 0xFFFFFF5A);
    assert_int_equal(i8259_io_read(&pic, I8259_IO_MASTER, 2, 1), 0xFF);
    assert_int_equal(i8259_io_read(&pic, I8259_IO_MASTER, UINT64_MAX, 8), UINT64_MAX);
    assert_int_equal(i8259_io_read(&pic, I8259_IO_MASTER, 0, 0), UINT64_MAX);
    assert_int_equal(i8259_io_read(&pic, I8259_IO_MASTER, 0, 9), UINT64_MAX);
    assert_int_equal(i8259_io_read(&pic, (enum i8259_io_range)7, 0, 1), UINT64_MAX);
    /* 16 bits written at 0xA0: OCW then IMR. */
    i8259_io_write(&pic, I8259_IO_SLAVE, 0, 2, 0x330B);
    assert_int_equal(inb(0xA1), 0x33);
    assert_int_equal(pic.slave.read_isr, true);
    /* Nothing happens for writes outside or of bad sizes. */
    i8259_io_write(&pic, I8259_IO_MASTER, 2, 1, 0x11);
    i8259_io_write(&pic, I8259_IO_MASTER, UINT64_MAX, 2, 0x1111);
    i8259_io_write(&pic, I8259_IO_MASTER, 0, 0, 0x11);
    i8259_io_write(&pic, I8259_IO_MASTER, 0, 9, 0x11);
    i8259_io_write(&pic, (enum i8259_io_range)7, 0, 1, 0x11);
    assert_int_equal(inb(0x21), 0x5A);
    assert_int_equal(pic.master.next_icw, 0);
}

/* xorshift64*: the same sequence on every run. */
static uint64_t rng_state = 0x2545F4914F6CDD1Dull;

static uint64_t rnd(void)
{
    rng_state ^= rng_state >> 12;
    rng_state ^= rng_state << 25;
    rng_state ^= rng_state >> 27;
    return rng_state * 0x2545F4914F6CDD1Dull;
}

static void test_random_port_traffic(void **state)
{
    static const uint8_t likely[] = {0x11, 0x13, 0x19, 0x1B, 0x20, 0x60, 0xA0, 0xC0, 0xE0,
                                     0x80, 0x0A, 0x0B, 0x0C, 0x48, 0x68, 0x00, 0xFF};
    unsigned acks = 0, vectors = 0;

    (void)state;
    for (unsigned i = 0; i < 300000; i++) {
        uint64_t r = rnd();
        enum i8259_io_range range = (enum i8259_io_range)((r >> 8) % 4);
        uint64_t offset = (r >> 16) % 3;
        unsigned size = (unsigned)(r >> 24) % 10;
        uint8_t v = (r >> 32) & 1 ? likely[(r >> 40) % sizeof(likely)] : (uint8_t)(r >> 40);

        if ((r >> 48) % 64 == 0)
            offset = r >> 5;
        switch (r % 8) {
        case 0:
        case 1:
            i8259_io_write(&pic, range, offset, size, v);
            break;
        case 2:
            (void)i8259_io_read(&pic, range, offset, size);
            break;
        case 3:
        case 4:
        case 5:
            i8259_set_irq(&pic, (unsigned)(r >> 52) % 18, (r >> 58) & 1);
            break;
        default:
            if (i8259_intr_pending(&pic)) {
                uint8_t vec = i8259_acknowledge(&pic);

                acks++;
                /* A vector from one of the two bases, or the empty bus. */
                if (vec != 0xFF)
                    vectors++;
            }
            break;
        }
        /* INTR as told is the master's output, and stands for a request. */
        assert_int_equal(intr_level, i8259_intr_pending(&pic));
        if (intr_level)
            assert_true(pic.master.irr & ~pic.master.imr);
    }
    assert_true(acks > 1000 && vectors > 1000);
    /* Still a PIC after all that: initialise it and use it. */
    for (unsigned irq = 0; irq < 16; irq++)
        i8259_set_irq(&pic, irq, false);
    outb(0x4D0, 0);
    outb(0x4D1, 0);
    init_pair(I8259_ICW4_X86, I8259_ICW4_X86);
    while (i8259_intr_pending(&pic))
        (void)i8259_acknowledge(&pic);
    for (unsigned irq = 0; irq < 8; irq++) {
        outb(0xA0, (uint8_t)(I8259_OCW2_SPECIFIC_EOI | irq));
        outb(0x20, (uint8_t)(I8259_OCW2_SPECIFIC_EOI | irq));
    }
    pulse(14);
    assert_int_equal(i8259_acknowledge(&pic), SLAVE_BASE + 6);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(test_reset_state, setup),
        cmocka_unit_test_setup(test_init_words, setup),
        cmocka_unit_test_setup(test_edge_request_and_eoi, setup_pc),
        cmocka_unit_test_setup(test_priorities_and_nesting, setup_pc),
        cmocka_unit_test_setup(test_imr, setup_pc),
        cmocka_unit_test_setup(test_specific_eoi_and_rotation, setup_pc),
        cmocka_unit_test_setup(test_auto_eoi, setup),
        cmocka_unit_test_setup(test_cascade, setup_pc),
        cmocka_unit_test_setup(test_slave_in_auto_eoi, setup),
        cmocka_unit_test_setup(test_spurious, setup_pc),
        cmocka_unit_test_setup(test_level_triggered, setup_pc),
        cmocka_unit_test_setup(test_elcr, setup_pc),
        cmocka_unit_test_setup(test_read_registers_and_poll, setup_pc),
        cmocka_unit_test_setup(test_special_mask_mode, setup_pc),
        cmocka_unit_test_setup(test_special_fully_nested, setup_pc),
        cmocka_unit_test_setup(test_single_and_misconfigured_cascade, setup_pc),
        cmocka_unit_test_setup(test_wide_and_odd_accesses, setup_pc),
        cmocka_unit_test_setup(test_random_port_traffic, setup),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
