// SPDX-License-Identifier: GPL-2.0-only
/*
 * Unit tests of drivers/pc/i8254.c, the 8254 interval timer: the reset
 * state; modes 0 to 5 (OUT, the count read back, IRQ 0's edges and
 * deadlines); counts of 0; counter latch and read-back commands (status
 * first, repeated latches ignored); LSB, MSB and word access; BCD; counts
 * written while counting (mode 0 restarts, modes 2 and 3 at the end of the
 * period or half-period); GATE in every mode and counter 2's OUT as port
 * 0x61 shows them (Linux's TSC calibration loop); missed periodic edges
 * coalesced into one pulse; nanosecond precision of deadlines far into the
 * clock; a clock running backwards; wide and odd accesses; and random port
 * traffic checked against invariants.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <pc/i8254.h>

#define T0 1000000000ull /* the tests' time zero: 1 s into the clock */

static struct i8254 pit;
static uint64_t base_ns; /* tick() counts from here */
static bool irq_level;
static unsigned irq_calls, irq_rises;

static void irq0(void *opaque, bool level)
{
    assert_ptr_equal(opaque, &pit);
    /* Only changes are reported. */
    assert_true(level != irq_level);
    irq_level = level;
    irq_calls++;
    if (level)
        irq_rises++;
}

static int setup(void **state)
{
    (void)state;
    irq_level = true; /* init must report low */
    irq_calls = irq_rises = 0;
    base_ns = T0;
    i8254_init(&pit, irq0, &pit, T0);
    assert_false(irq_level);
    irq_calls = 0;
    return 0;
}

/* The time of the @ticks-th clock edge after base_ns, the clock ticking
 * from time 0 (computed in 128 bits, independently of the model). */
static uint64_t tick(uint64_t ticks)
{
    unsigned __int128 edge = (unsigned __int128)base_ns * I8254_CLOCK_HZ / 1000000000u + ticks;

    return (uint64_t)((edge * 1000000000u + I8254_CLOCK_HZ - 1) / I8254_CLOCK_HZ);
}

static void outb(unsigned port, uint8_t v, uint64_t now)
{
    i8254_io_write(&pit, port - I8254_PORT_BASE, 1, v, now);
}

static uint8_t inb(unsigned port, uint64_t now)
{
    return (uint8_t)i8254_io_read(&pit, port - I8254_PORT_BASE, 1, now);
}

/* Control word for @counter with LSB-then-MSB access, then the count. */
static void program(unsigned counter, unsigned mode, uint16_t count, uint64_t now)
{
    outb(0x43, (uint8_t)(counter << 6 | 0x30 | mode << 1), now);
    outb(0x40 + counter, (uint8_t)count, now);
    outb(0x40 + counter, (uint8_t)(count >> 8), now);
}

/* Counter latch command, then both bytes (word access). */
static uint16_t latched(unsigned counter, uint64_t now)
{
    uint16_t lo, hi;

    outb(0x43, (uint8_t)(counter << 6), now);
    lo = inb(0x40 + counter, now);
    hi = inb(0x40 + counter, now);
    return (uint16_t)(hi << 8 | lo);
}

static uint8_t status(unsigned counter, uint64_t now)
{
    outb(0x43, (uint8_t)(0xC0 | I8254_RB_NO_COUNT | I8254_RB_COUNTER(counter)), now);
    return inb(0x40 + counter, now);
}

static void test_reset_state(void **state)
{
    (void)state;
    assert_int_equal(i8254_irq0_deadline(&pit), I8254_NO_DEADLINE);
    assert_true(i8254_gate(&pit, 0));
    assert_true(i8254_gate(&pit, 1));
    assert_false(i8254_gate(&pit, 2));
    for (unsigned c = 0; c < 3; c++) {
        assert_false(i8254_out(&pit, c, T0 + 1000000));
        assert_int_equal(latched(c, T0 + 1000000), 0);
        /* As after control word 0x30: null count, LSB-then-MSB, mode 0. */
        assert_int_equal(status(c, T0 + 1000000), 0x70);
    }
    /* The control port is write-only; nothing ever fired. */
    assert_int_equal(inb(0x43, T0 + 2000000), 0xFF);
    i8254_advance(&pit, T0 + 10000000000ull);
    assert_int_equal(irq_calls, 0);
    /* Counters that do not exist. */
    assert_false(i8254_gate(&pit, 3));
    assert_false(i8254_out(&pit, 3, T0));
    i8254_set_gate(&pit, 7, true, T0);
}

static void test_mode0_terminal_count(void **state)
{
    (void)state;
    program(0, 0, 1000, T0);
    assert_false(irq_level);
    assert_int_equal(i8254_irq0_deadline(&pit), tick(1000));
    assert_int_equal(latched(0, tick(0)), 1000);
    assert_int_equal(latched(0, tick(1)), 999);
    assert_int_equal(latched(0, tick(100)), 900);
    assert_int_equal(latched(0, tick(999)), 1);
    assert_false(i8254_out(&pit, 0, tick(999)));
    assert_int_equal(irq_calls, 0);
    /* Just before the deadline nothing; at it, OUT rises and stays high. */
    i8254_advance(&pit, tick(1000) - 1);
    assert_false(irq_level);
    i8254_advance(&pit, tick(1000));
    assert_true(irq_level);
    assert_int_equal(irq_rises, 1);
    assert_int_equal(i8254_irq0_deadline(&pit), I8254_NO_DEADLINE);
    /* The counter keeps counting down past zero, wrapping. */
    assert_int_equal(latched(0, tick(1010)), 65526);
    i8254_advance(&pit, tick(500000));
    assert_int_equal(irq_rises, 1);
    assert_true(irq_level);
    /* A new count restarts it with OUT low. */
    base_ns = tick(500000);
    program(0, 0, 10, base_ns);
    assert_false(irq_level);
    assert_int_equal(i8254_irq0_deadline(&pit), tick(10));
    i8254_advance(&pit, tick(10));
    assert_int_equal(irq_rises, 2);
}

static void test_mode0_count_rewrite(void **state)
{
    (void)state;
    program(0, 0, 1000, T0);
    /* The first byte of a word count stops counting and holds OUT low. */
    outb(0x40, 0x10, tick(500));
    assert_int_equal(latched(0, tick(700)), 500);
    assert_int_equal(i8254_irq0_deadline(&pit), I8254_NO_DEADLINE);
    i8254_advance(&pit, tick(2000));
    assert_false(irq_level);
    /* Null count is set by the second byte only (datasheet, NULL COUNT). */
    assert_int_equal(status(0, tick(2000)) & (I8254_STATUS_OUT | I8254_STATUS_NULL_COUNT), 0);
    /* The second byte restarts it with the new count, 0x0310. */
    outb(0x40, 0x03, tick(3000));
    assert_int_equal(latched(0, tick(3000)), 0x310);
    assert_int_equal(status(0, tick(3000)) & I8254_STATUS_NULL_COUNT, 0);
    assert_int_equal(i8254_irq0_deadline(&pit), tick(3000 + 0x310));
    /* Rewriting a running one-shot (Linux's oneshot clockevent) restarts it. */
    program(0, 0, 100, tick(3100));
    assert_int_equal(i8254_irq0_deadline(&pit), tick(3200));
    i8254_advance(&pit, tick(3200));
    assert_int_equal(irq_rises, 1);
}

static void test_mode2_rate_generator(void **state)
{
    (void)state;
    program(0, 2, 100, T0);
    /* Mode 2 puts OUT high: the PIC sees that edge like any other. */
    assert_true(irq_level);
    irq_rises = 0;
    assert_int_equal(latched(0, tick(0)), 100);
    assert_int_equal(latched(0, tick(1)), 99);
    assert_int_equal(latched(0, tick(98)), 2);
    assert_int_equal(latched(0, tick(99)), 1);
    assert_false(i8254_out(&pit, 0, tick(99)));
    assert_false(irq_level);
    assert_true(i8254_out(&pit, 0, tick(100)));
    assert_int_equal(latched(0, tick(100)), 100);
    assert_int_equal(latched(0, tick(150)), 50);
    assert_int_equal(irq_rises, 1);
    /* A deadline per period, one pulse at each. */
    for (unsigned k = 2; k < 20; k++) {
        uint64_t d = i8254_irq0_deadline(&pit);

        assert_int_equal(d, tick(100 * k));
        i8254_advance(&pit, d);
        assert_int_equal(irq_rises, k);
        assert_true(irq_level);
    }
    /* Status: OUT high, count loaded, control word 0x34's bits. */
    assert_int_equal(status(0, tick(1950)), 0x80 | 0x34);
}

static void test_missed_edges_coalesce(void **state)
{
    (void)state;
    program(0, 2, 100, T0);
    irq_rises = irq_calls = 0;
    /* Ten periods late, mid-period (OUT high): one pulse, low then high. */
    i8254_advance(&pit, tick(1050));
    assert_int_equal(irq_rises, 1);
    assert_int_equal(irq_calls, 2);
    assert_true(irq_level);
    assert_int_equal(i8254_irq0_deadline(&pit), tick(1100));
    /* Late into a low clock: the pulse, and the line left low. */
    i8254_advance(&pit, tick(1399));
    assert_int_equal(irq_rises, 2);
    assert_false(irq_level);
    i8254_advance(&pit, tick(1400));
    assert_int_equal(irq_rises, 3);
    assert_true(irq_level);
    /* No edge since: nothing reported. */
    irq_calls = 0;
    i8254_advance(&pit, tick(1450));
    assert_int_equal(irq_calls, 0);
}

static void test_mode3_square_wave(void **state)
{
    static const uint16_t even_counts[10] = {10, 8, 6, 4, 2, 10, 8, 6, 4, 2};
    static const uint16_t odd_counts[11] = {10, 8, 6, 4, 2, 0, 10, 8, 6, 4, 2};

    (void)state;
    /* Even count: high for N/2 clocks, low for N/2; counts by twos. */
    program(0, 3, 10, T0);
    for (unsigned t = 0; t < 30; t++) {
        assert_int_equal(i8254_out(&pit, 0, tick(t)), t % 10 < 5);
        assert_int_equal(latched(0, tick(t)), even_counts[t % 10]);
    }
    /* Odd count: high for (N+1)/2, low for (N-1)/2, from N - 1 down. */
    base_ns = tick(30);
    program(0, 3, 11, base_ns);
    for (unsigned t = 0; t < 33; t++) {
        assert_int_equal(i8254_out(&pit, 0, tick(t)), t % 11 < 6);
        assert_int_equal(latched(0, tick(t)), odd_counts[t % 11]);
    }
    /* A rise per period: a deadline at each. */
    assert_int_equal(i8254_irq0_deadline(&pit), tick(33));
    /* Linux's and DOS's 18.2 Hz tick: mode 3, count 0 = 65536. */
    base_ns = tick(40);
    program(0, 3, 0, base_ns);
    assert_int_equal(i8254_irq0_deadline(&pit), tick(65536));
    assert_int_equal(latched(0, tick(0)), 0);
    assert_int_equal(latched(0, tick(1)), 65534);
    assert_false(i8254_out(&pit, 0, tick(32768)));
}

static void test_mode4_software_strobe(void **state)
{
    (void)state;
    program(0, 4, 50, T0);
    assert_true(irq_level);
    irq_rises = 0;
    assert_true(i8254_out(&pit, 0, tick(49)));
    assert_false(i8254_out(&pit, 0, tick(50)));
    assert_int_equal(latched(0, tick(50)), 0);
    assert_int_equal(i8254_irq0_deadline(&pit), tick(51));
    i8254_advance(&pit, tick(51));
    assert_int_equal(irq_rises, 1);
    assert_true(irq_level);
    /* Once only; the count wraps on. */
    assert_int_equal(i8254_irq0_deadline(&pit), I8254_NO_DEADLINE);
    assert_int_equal(latched(0, tick(60)), 65526);
    /* Writing a new count restarts the strobe. */
    outb(0x40, 5, tick(100));
    outb(0x40, 0, tick(100));
    assert_int_equal(i8254_irq0_deadline(&pit), tick(106));
}

static void test_modes_1_and_5_gate_triggered(void **state)
{
    (void)state;
    /* Counter 2 (its GATE is the one port 0x61 drives), mode 1. */
    program(2, 1, 100, T0);
    assert_true(i8254_out(&pit, 2, tick(10)));
    assert_int_equal(status(2, tick(10)) & I8254_STATUS_NULL_COUNT, I8254_STATUS_NULL_COUNT);
    /* The trigger: OUT low for N clocks. */
    i8254_set_gate(&pit, 2, true, tick(20));
    assert_false(i8254_out(&pit, 2, tick(20)));
    assert_int_equal(latched(2, tick(30)), 90);
    assert_false(i8254_out(&pit, 2, tick(119)));
    assert_true(i8254_out(&pit, 2, tick(120)));
    /* GATE falling does nothing; a new rise retriggers, mid-count too. */
    i8254_set_gate(&pit, 2, false, tick(130));
    assert_true(i8254_out(&pit, 2, tick(140)));
    i8254_set_gate(&pit, 2, true, tick(150));
    i8254_set_gate(&pit, 2, false, tick(160));
    i8254_set_gate(&pit, 2, true, tick(200));
    /* A count written while counting waits for the next trigger. */
    outb(0x42, 10, tick(210));
    outb(0x42, 0, tick(210));
    assert_int_equal(latched(2, tick(220)), 80);
    assert_false(i8254_out(&pit, 2, tick(299)));
    assert_true(i8254_out(&pit, 2, tick(300)));
    i8254_set_gate(&pit, 2, false, tick(400));
    i8254_set_gate(&pit, 2, true, tick(400));
    assert_true(i8254_out(&pit, 2, tick(409)) == false);
    assert_true(i8254_out(&pit, 2, tick(410)));

    /* Mode 5: the trigger starts a strobe, low for one clock at N. */
    base_ns = tick(1000);
    i8254_set_gate(&pit, 2, false, base_ns);
    program(2, 5, 20, base_ns);
    assert_true(i8254_out(&pit, 2, tick(100)));
    i8254_set_gate(&pit, 2, true, tick(100));
    assert_true(i8254_out(&pit, 2, tick(119)));
    assert_false(i8254_out(&pit, 2, tick(120)));
    assert_true(i8254_out(&pit, 2, tick(121)));

    /* Counter 0 in mode 1 with GATE tied high never starts. */
    program(0, 1, 5, tick(200));
    assert_int_equal(i8254_irq0_deadline(&pit), I8254_NO_DEADLINE);
}

static void test_gate_in_modes_0_2_3(void **state)
{
    (void)state;
    /* Mode 0: GATE low suspends counting, high resumes it. */
    i8254_set_gate(&pit, 2, true, T0);
    program(2, 0, 100, T0);
    i8254_set_gate(&pit, 2, false, tick(30));
    assert_int_equal(latched(2, tick(500)), 70);
    i8254_set_gate(&pit, 2, true, tick(500));
    assert_int_equal(latched(2, tick(510)), 60);
    assert_false(i8254_out(&pit, 2, tick(569)));
    assert_true(i8254_out(&pit, 2, tick(570)));

    /* Mode 3: GATE low forces OUT high at once and stops it; the rise
     * reloads the count. */
    base_ns = tick(1000);
    program(2, 3, 100, base_ns);
    assert_false(i8254_out(&pit, 2, tick(60)));
    i8254_set_gate(&pit, 2, false, tick(60));
    assert_true(i8254_out(&pit, 2, tick(60)));
    assert_true(i8254_out(&pit, 2, tick(5000)));
    i8254_set_gate(&pit, 2, true, tick(5000));
    assert_int_equal(latched(2, tick(5000)), 100);
    assert_false(i8254_out(&pit, 2, tick(5050)));

    /* Mode 2 the same way; a count written with GATE low waits for it. */
    base_ns = tick(10000);
    program(2, 2, 100, base_ns);
    i8254_set_gate(&pit, 2, false, tick(99));
    assert_true(i8254_out(&pit, 2, tick(99)));
    outb(0x42, 50, tick(200));
    outb(0x42, 0, tick(200));
    assert_int_equal(status(2, tick(200)) & I8254_STATUS_NULL_COUNT, I8254_STATUS_NULL_COUNT);
    i8254_set_gate(&pit, 2, true, tick(300));
    assert_int_equal(latched(2, tick(310)), 40);
    assert_false(i8254_out(&pit, 2, tick(349)));

    /* Counter 0's GATE works too (a platform could drive it). */
    base_ns = tick(20000);
    program(0, 2, 100, base_ns);
    i8254_set_gate(&pit, 0, false, tick(10));
    assert_int_equal(i8254_irq0_deadline(&pit), I8254_NO_DEADLINE);
    i8254_set_gate(&pit, 0, true, tick(1000));
    assert_int_equal(i8254_irq0_deadline(&pit), tick(1100));
}

static void test_linux_tsc_calibration(void **state)
{
    unsigned polls = 0;
    uint64_t now;

    (void)state;
    /* pit_calibrate_tsc(): port 0x61 GATE on, counter 2 mode 0 with the
     * count for 50 ms, then poll port 0x61 bit 5 (OUT 2) until it is set. */
    i8254_set_gate(&pit, 2, true, T0);
    outb(0x43, 0xB0, T0);
    outb(0x42, 59659 & 0xFF, T0); /* 50 ms */
    outb(0x42, 59659 >> 8, T0);
    assert_int_equal(latched(2, T0), 59659);
    for (now = T0; !i8254_out(&pit, 2, now); now += 1000000)
        polls++;
    assert_int_equal(polls, 50);
    assert_true(now >= tick(59659) && now < tick(59659) + 1000000);
    /* Counter 2 never touches IRQ 0. */
    assert_int_equal(irq_calls, 0);
}

static void test_counter_latch(void **state)
{
    (void)state;
    program(0, 2, 1000, T0);
    outb(0x43, 0x00, tick(100));
    /* A second latch before the first is read is ignored. */
    outb(0x43, 0x00, tick(300));
    assert_int_equal(inb(0x40, tick(500)), 900 & 0xFF);
    assert_int_equal(inb(0x40, tick(600)), 900 >> 8);
    /* Read: the next latch takes. */
    assert_int_equal(latched(0, tick(700)), 300);
    /* Without a latch each byte is read live, LSB then MSB. */
    assert_int_equal(inb(0x40, tick(744)), (1000 - 744) & 0xFF);
    assert_int_equal(inb(0x40, tick(744)), (1000 - 744) >> 8);
    assert_int_equal(inb(0x40, tick(745)), 255);
    /* A control word drops an unread latch. */
    outb(0x43, 0x00, tick(800));
    program(0, 2, 500, tick(900));
    assert_int_equal(latched(0, tick(900)), 500);

    /* LSB-only and MSB-only access: one byte per count and per latch. */
    base_ns = tick(1000);
    outb(0x43, 0x14, base_ns); /* counter 0, LSB, mode 2 */
    outb(0x40, 200, base_ns);
    assert_int_equal(inb(0x40, tick(50)), 150);
    assert_int_equal(inb(0x40, tick(51)), 149);
    outb(0x43, 0x00, tick(60));
    assert_int_equal(inb(0x40, tick(90)), 140);
    assert_int_equal(inb(0x40, tick(90)), 110);
    outb(0x43, 0x24, base_ns);   /* counter 0, MSB, mode 2 */
    outb(0x40, 0x02, tick(100)); /* 512 */
    assert_int_equal(i8254_irq0_deadline(&pit), tick(612));
    assert_int_equal(inb(0x40, tick(100)), 0x02);
    assert_int_equal(inb(0x40, tick(400)), 0x00);
}

static void test_read_back(void **state)
{
    (void)state;
    i8254_set_gate(&pit, 2, true, T0);
    program(0, 2, 1000, T0);
    program(1, 3, 2000, T0);
    program(2, 0, 3000, T0);
    /* Count and status of counters 0 and 2: status first, then the count. */
    outb(0x43, 0xC0 | I8254_RB_COUNTER(0) | I8254_RB_COUNTER(2), tick(100));
    assert_int_equal(inb(0x40, tick(500)), 0x80 | 0x34);
    assert_int_equal(inb(0x40, tick(500)), 900 & 0xFF);
    assert_int_equal(inb(0x40, tick(500)), 900 >> 8);
    assert_int_equal(inb(0x42, tick(500)), 0x30); /* OUT low, mode 0 */
    assert_int_equal(inb(0x42, tick(500)), 2900 & 0xFF);
    assert_int_equal(inb(0x42, tick(500)), 2900 >> 8);
    /* Counter 1 was not selected: live. */
    assert_int_equal(inb(0x41, tick(500)), (2000 - 1000) & 0xFF);
    /* Status only; a second status latch before the read is ignored
     * (the Ziatech table's "command ignored, status already latched"). */
    outb(0x43, 0xC0 | I8254_RB_NO_COUNT | I8254_RB_COUNTER(2), tick(600));
    outb(0x43, 0xC0 | I8254_RB_NO_COUNT | I8254_RB_COUNTER(2), tick(3000));
    assert_int_equal(inb(0x42, tick(3500)), 0x30);
    /* Then the live count. */
    assert_int_equal(inb(0x42, tick(3500)), (uint8_t)(65536 + 3000 - 3500));
    /* Count only, and a counter latch after a read-back latch: ignored. */
    outb(0x43, 0xC0 | I8254_RB_NO_STATUS | I8254_RB_COUNTER(0), tick(4200));
    outb(0x43, 0x00, tick(4300));
    assert_int_equal(inb(0x40, tick(4400)), 800 & 0xFF);
    assert_int_equal(inb(0x40, tick(4400)), 800 >> 8);
    /* Null count after a control word, until a count is loaded. */
    outb(0x43, 0x34, tick(5000));
    assert_int_equal(status(0, tick(5000)), 0x80 | 0x40 | 0x34);
    /* Mode bits 6 and 7 are modes 2 and 3; status shows them as written. */
    outb(0x43, 0x3C, tick(5000));
    outb(0x40, 10, tick(5000));
    outb(0x40, 0, tick(5000));
    assert_int_equal(status(0, tick(5000)), 0x80 | 0x3C);
    assert_false(i8254_out(&pit, 0, tick(5009)));
    assert_true(i8254_out(&pit, 0, tick(5010)));
    /* A read-back that selects no counter does nothing. */
    outb(0x43, 0xC0, tick(5100));
    assert_int_equal(inb(0x40, tick(5105)), 5);
}

static void test_counts_written_while_counting(void **state)
{
    (void)state;
    /* Mode 2: the new count starts at the end of the current period. */
    program(0, 2, 100, T0);
    outb(0x40, 40, tick(150));
    outb(0x40, 0, tick(150));
    assert_int_equal(status(0, tick(150)) & I8254_STATUS_NULL_COUNT, I8254_STATUS_NULL_COUNT);
    assert_int_equal(latched(0, tick(199)), 1);
    assert_int_equal(i8254_irq0_deadline(&pit), tick(200));
    assert_int_equal(latched(0, tick(200)), 40);
    assert_int_equal(status(0, tick(200)) & I8254_STATUS_NULL_COUNT, 0);
    assert_int_equal(i8254_irq0_deadline(&pit), tick(240));
    assert_int_equal(latched(0, tick(250)), 30);
    /* Late: the reload and the rises after it are all accounted for. */
    irq_rises = 0;
    outb(0x40, 10, tick(260));
    outb(0x40, 0, tick(260));
    i8254_advance(&pit, tick(295));
    assert_int_equal(irq_rises, 1);
    assert_int_equal(i8254_irq0_deadline(&pit), tick(300));
    assert_int_equal(latched(0, tick(305)), 5);

    /* Mode 3: at the end of the current half-period. */
    base_ns = tick(1000);
    program(0, 3, 100, base_ns);
    outb(0x40, 40, tick(20));
    outb(0x40, 0, tick(20));
    /* Until tick 50 the old high half, then the new count's low half (20
     * clocks), then its periods. */
    assert_true(i8254_out(&pit, 0, tick(49)));
    assert_int_equal(i8254_irq0_deadline(&pit), tick(70));
    assert_false(i8254_out(&pit, 0, tick(50)));
    assert_int_equal(latched(0, tick(50)), 40);
    assert_false(i8254_out(&pit, 0, tick(69)));
    assert_true(i8254_out(&pit, 0, tick(70)));
    assert_false(i8254_out(&pit, 0, tick(90)));
    assert_int_equal(i8254_irq0_deadline(&pit), tick(110));
    /* Written in the low half: at the end of the period. */
    outb(0x40, 10, tick(95));
    outb(0x40, 0, tick(95));
    assert_int_equal(i8254_irq0_deadline(&pit), tick(110));
    i8254_advance(&pit, tick(110));
    assert_int_equal(i8254_irq0_deadline(&pit), tick(120));
    assert_false(i8254_out(&pit, 0, tick(115)));
}

static void test_counts_of_zero_and_one(void **state)
{
    (void)state;
    /* 0 is 65536 in binary... */
    program(0, 2, 0, T0);
    assert_int_equal(i8254_irq0_deadline(&pit), tick(65536));
    assert_int_equal(latched(0, tick(0)), 0);
    assert_int_equal(latched(0, tick(1)), 65535);
    base_ns = tick(10);
    program(0, 0, 0, base_ns);
    assert_int_equal(i8254_irq0_deadline(&pit), tick(65536));
    /* ...10000 in BCD. */
    outb(0x43, 0x35, base_ns); /* mode 2, BCD */
    outb(0x40, 0, base_ns);
    outb(0x40, 0, base_ns);
    assert_int_equal(i8254_irq0_deadline(&pit), tick(10000));
    assert_int_equal(latched(0, tick(1)), 0x9999);
    /* A count of 1 is illegal in modes 2 and 3: it counts as 2. */
    base_ns = tick(10);
    program(0, 2, 1, base_ns);
    assert_int_equal(i8254_irq0_deadline(&pit), tick(2));
    program(0, 3, 1, base_ns);
    assert_int_equal(i8254_irq0_deadline(&pit), tick(2));
    /* A one-shot of 1 is fine. */
    program(0, 0, 1, base_ns);
    assert_int_equal(i8254_irq0_deadline(&pit), tick(1));
}

static void test_bcd(void **state)
{
    (void)state;
    outb(0x43, 0x35, T0); /* counter 0, word, mode 2, BCD */
    outb(0x40, 0x00, T0);
    outb(0x40, 0x10, T0); /* 1000 decimal */
    assert_int_equal(i8254_irq0_deadline(&pit), tick(1000));
    assert_int_equal(latched(0, tick(1)), 0x0999);
    assert_int_equal(latched(0, tick(10)), 0x0990);
    assert_int_equal(latched(0, tick(999)), 0x0001);
    assert_int_equal(latched(0, tick(1000)), 0x1000);
    assert_int_equal(status(0, tick(1000)), 0x80 | 0x35);
    /* Mode 0 in BCD wraps at 10000. */
    base_ns = tick(2000);
    outb(0x43, 0x31, base_ns);
    outb(0x40, 0x05, base_ns);
    outb(0x40, 0x00, base_ns);
    assert_int_equal(latched(0, tick(6)), 0x9999);
    /* Nibbles above 9 count with their binary value: 0x00A0 is 100. */
    base_ns = tick(10);
    outb(0x43, 0x31, base_ns);
    outb(0x40, 0xA0, base_ns);
    outb(0x40, 0x00, base_ns);
    assert_int_equal(i8254_irq0_deadline(&pit), tick(100));
    assert_int_equal(latched(0, tick(1)), 0x0099);
}

static void test_irq0_follows_reprogramming(void **state)
{
    (void)state;
    program(0, 0, 10, T0);
    i8254_advance(&pit, tick(10));
    assert_true(irq_level);
    /* A mode 0 control word drops OUT at once, every other mode raises it. */
    outb(0x43, 0x30, tick(20));
    assert_false(irq_level);
    outb(0x43, 0x34, tick(30));
    assert_true(irq_level);
    outb(0x43, 0x30, tick(40));
    assert_false(irq_level);
    outb(0x43, 0x32, tick(50)); /* mode 1 */
    assert_true(irq_level);
    /* Latches and read-backs change nothing. */
    irq_calls = 0;
    outb(0x43, 0x00, tick(60));
    outb(0x43, 0xC2, tick(60));
    assert_int_equal(irq_calls, 0);
}

static void test_deadline_precision(void **state)
{
    uint64_t d = 0;

    (void)state;
    /* Far into the clock (about 31 years), from a time between two edges,
     * the deadline is still the first nanosecond of the edge that is due. */
    base_ns = 1000000000000000000ull + 123456789;
    irq_level = true; /* init reports low unconditionally */
    i8254_init(&pit, irq0, &pit, base_ns);
    irq_rises = 0;
    program(0, 2, 11932, base_ns); /* 100 Hz */
    assert_true(irq_level);
    irq_rises = 0;
    for (unsigned k = 1; k <= 1000; k++) {
        d = i8254_irq0_deadline(&pit);
        assert_int_equal(d, tick(11932ull * k));
        i8254_advance(&pit, d - 1);
        assert_int_equal(irq_rises, k - 1);
        i8254_advance(&pit, d);
        assert_int_equal(irq_rises, k);
    }
    /* 1000 periods of 11932 clocks: 10.00015 s. */
    assert_true(d - base_ns > 10000150000ull && d - base_ns < 10000152000ull);
    /* At the end of a 64-bit clock there is no time for the next edge. */
    base_ns = UINT64_MAX - 1000000;
    program(0, 2, 11932, base_ns);
    assert_int_equal(i8254_irq0_deadline(&pit), I8254_NO_DEADLINE);
    program(0, 2, 100, base_ns);
    assert_true(i8254_irq0_deadline(&pit) > base_ns);
}

static void test_clock_backwards(void **state)
{
    (void)state;
    program(0, 2, 100, tick(1000));
    /* An earlier time is the latest one: nothing moves backwards. */
    assert_int_equal(latched(0, tick(500)), 100);
    assert_int_equal(latched(0, tick(1050)), 50);
    assert_int_equal(latched(0, tick(10)), 50);
    irq_rises = 0;
    i8254_advance(&pit, 0);
    assert_int_equal(irq_rises, 0);
    assert_int_equal(i8254_irq0_deadline(&pit), tick(1100));
}

static void test_wide_and_odd_accesses(void **state)
{
    (void)state;
    program(0, 2, 0x1234, T0);
    program(1, 2, 0x5678, T0);
    /* A 16-bit read at 0x40: one byte from counter 0, one from counter 1. */
    outb(0x43, 0x00, T0);
    outb(0x43, 0x40, T0);
    assert_int_equal(i8254_io_read(&pit, 0, 2, T0), 0x7834);
    /* Four bytes from 0x42: counter 2, control (0xFF), then past the end. */
    assert_int_equal(i8254_io_read(&pit, 2, 4, T0), 0xFFFFFF00);
    assert_int_equal(i8254_io_read(&pit, 4, 1, T0), 0xFF);
    assert_int_equal(i8254_io_read(&pit, UINT64_MAX, 8, T0), UINT64_MAX);
    assert_int_equal(i8254_io_read(&pit, 0, 0, T0), UINT64_MAX);
    assert_int_equal(i8254_io_read(&pit, 0, 9, T0), UINT64_MAX);
    /* A 16-bit write at 0x42: counter 2 then the control word. */
    i8254_io_write(&pit, 2, 2, 0x3400 | 0x00, T0); /* count byte, then cw 0x34 */
    assert_int_equal(status(0, T0), 0xC0 | 0x34);
    /* Writes past the end and of bad sizes change nothing. */
    i8254_io_write(&pit, UINT64_MAX, 2, 0x3030, T0);
    i8254_io_write(&pit, 4, 8, UINT64_MAX, T0);
    i8254_io_write(&pit, 3, 0, 0x30, T0);
    i8254_io_write(&pit, 3, 9, 0x30, T0);
    assert_int_equal(status(0, T0), 0xC0 | 0x34);
}

/* xorshift64*: the same sequence on every run. */
static uint64_t rng_state = 0x9E3779B97F4A7C15ull;

static uint64_t rnd(void)
{
    rng_state ^= rng_state >> 12;
    rng_state ^= rng_state << 25;
    rng_state ^= rng_state >> 27;
    return rng_state * 0x2545F4914F6CDD1Dull;
}

static void test_random_port_traffic(void **state)
{
    uint64_t now = T0, last = T0;
    unsigned deadlines_reached = 0;

    (void)state;
    for (unsigned i = 0; i < 300000; i++) {
        uint64_t r = rnd(), deadline;
        unsigned op = r % 16;
        unsigned size = (unsigned)(r >> 8) % 10;
        uint64_t offset = (r >> 16) % 5;

        /* Time mostly moves forward a little, sometimes a lot, sometimes back. */
        switch ((r >> 24) % 8) {
        case 0:
            now -= now > T0 ? (r >> 32) % 100000 : 0;
            break;
        case 1:
            now += (r >> 32) % 100000000;
            break;
        default:
            now += (r >> 32) % 20000;
            break;
        }
        if ((r >> 40) % 64 == 0)
            offset = r >> 3;
        if (op < 7) {
            i8254_io_write(&pit, offset, size ? size : 1, rnd(), now);
        } else if (op < 9) {
            /* Control words that make periodic counters, to have edges. */
            i8254_io_write(&pit, 3, 1, (rnd() & 0xCF) | 0x30, now);
        } else if (op < 13) {
            (void)i8254_io_read(&pit, offset, size, now);
        } else if (op == 13) {
            i8254_set_gate(&pit, (unsigned)(r >> 44) % 4, (r >> 50) & 1, now);
        } else if (op == 14) {
            (void)i8254_out(&pit, (unsigned)(r >> 44) % 4, now);
        } else {
            i8254_advance(&pit, now);
        }
        if (now > last)
            last = now;
        /* The line is OUT 0 as of the latest time, and a deadline is in the
         * future and delivers a rise when reached. */
        assert_int_equal(irq_level, i8254_out(&pit, 0, last));
        deadline = i8254_irq0_deadline(&pit);
        if (deadline != I8254_NO_DEADLINE) {
            unsigned rises = irq_rises;

            assert_true(deadline > last);
            if (deadline - last < 100000000 && (r >> 56) % 4 == 0) {
                i8254_advance(&pit, deadline);
                assert_int_equal(irq_rises, rises + 1);
                now = last = deadline;
                deadlines_reached++;
            }
        }
    }
    /* The traffic kept the timer busy enough to check the deadlines. */
    assert_true(deadlines_reached > 1000);
    /* Still a timer after all that. */
    program(0, 2, 100, last);
    base_ns = last;
    assert_int_equal(i8254_irq0_deadline(&pit), tick(100));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(test_reset_state, setup),
        cmocka_unit_test_setup(test_mode0_terminal_count, setup),
        cmocka_unit_test_setup(test_mode0_count_rewrite, setup),
        cmocka_unit_test_setup(test_mode2_rate_generator, setup),
        cmocka_unit_test_setup(test_missed_edges_coalesce, setup),
        cmocka_unit_test_setup(test_mode3_square_wave, setup),
        cmocka_unit_test_setup(test_mode4_software_strobe, setup),
        cmocka_unit_test_setup(test_modes_1_and_5_gate_triggered, setup),
        cmocka_unit_test_setup(test_gate_in_modes_0_2_3, setup),
        cmocka_unit_test_setup(test_linux_tsc_calibration, setup),
        cmocka_unit_test_setup(test_counter_latch, setup),
        cmocka_unit_test_setup(test_read_back, setup),
        cmocka_unit_test_setup(test_counts_written_while_counting, setup),
        cmocka_unit_test_setup(test_counts_of_zero_and_one, setup),
        cmocka_unit_test_setup(test_bcd, setup),
        cmocka_unit_test_setup(test_irq0_follows_reprogramming, setup),
        cmocka_unit_test_setup(test_deadline_precision, setup),
        cmocka_unit_test_setup(test_clock_backwards, setup),
        cmocka_unit_test_setup(test_wide_and_odd_accesses, setup),
        cmocka_unit_test_setup(test_random_port_traffic, setup),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
