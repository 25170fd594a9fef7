/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Unit tests of tools/vmwp/pm_ports.c, the ACPI PM block: the PM timer's
 * rate (3.579545 MHz, exact over long times), its 24-bit and 32-bit
 * wrap-around, TMR_STS, PM1a_EN read-back, PM1a_CNT (SCI_EN always set,
 * SLP_EN write-only, SLP_TYP S5 = power off, other sleep types refused),
 * byte-wide and odd accesses, the SCI level, and accesses past the block.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "../../tools/vmwp/acpi_tables.h"
#include "../../tools/vmwp/pm_ports.h"

#define T0    1000000000000ull /* an arbitrary monotonic start, ns */
#define NS(s) ((uint64_t)(s)*1000000000ull)

static struct pm_ports pm;

static int setup(void **state)
{
    (void)state;
    pm_init(&pm, T0);
    return 0;
}

/* Exact tick count for @ns nanoseconds, computed independently. */
static uint64_t ticks(uint64_t ns)
{
    return (uint64_t)((unsigned __int128)ns * 3579545u / 1000000000u);
}

static void test_timer_rate(void **state)
{
    (void)state;
    assert_int_equal(pm_read(&pm, ACPI_CHILD_PM_TMR, 4, T0), 0);
    /* One second is 3579545 ticks exactly. */
    assert_int_equal(pm_read(&pm, ACPI_CHILD_PM_TMR, 4, T0 + NS(1)), 3579545);
    /* One tick is 279.365 ns: 279 ns is still 0, 280 is 1. */
    assert_int_equal(pm_timer_value(&pm, T0 + 279), 0);
    assert_int_equal(pm_timer_value(&pm, T0 + 280), 1);
    /* Monotonic across a fine sweep. */
    uint32_t last = 0;
    for (uint64_t ns = 0; ns < 2000000; ns += 97) {
        uint32_t v = pm_timer_value(&pm, T0 + ns);

        assert_true(v >= last);
        assert_int_equal(v, (uint32_t)ticks(ns));
        last = v;
    }
    /* A clock before the start reads 0, not garbage. */
    assert_int_equal(pm_timer_value(&pm, T0 - 5), 0);
}

static void test_timer_wraps(void **state)
{
    (void)state;
    /* The low 24 bits are the classic timer: 2^24 ticks is ~4.687 s. */
    uint64_t ns_24 = (uint64_t)((unsigned __int128)(1u << 24) * 1000000000u / 3579545u) + 1;
    uint32_t v = pm_timer_value(&pm, T0 + ns_24);

    assert_int_equal(v & 0xFFFFFF, (uint32_t)ticks(ns_24) & 0xFFFFFF);
    assert_true((v & 0xFFFFFF) < 16);
    assert_int_equal(v >> 24, 1);
    /* All 32 bits count (TMR_VAL_EXT) and wrap after ~1200 s; after a
     * year the value is still exact (no accumulated error). */
    uint64_t year = NS(365ull * 24 * 3600);
    assert_int_equal(pm_timer_value(&pm, T0 + year), (uint32_t)ticks(year));
    uint64_t ns_32 = (uint64_t)((unsigned __int128)(1ull << 32) * 1000000000u / 3579545u) + 1;
    assert_true(pm_timer_value(&pm, T0 + ns_32) < 16);
    /* The timer is read-only. */
    pm_write(&pm, ACPI_CHILD_PM_TMR, 4, 0x12345678, T0 + NS(1));
    assert_int_equal(pm_read(&pm, ACPI_CHILD_PM_TMR, 4, T0 + NS(1)), 3579545);
}

static void test_tmr_sts(void **state)
{
    uint64_t half = (uint64_t)((unsigned __int128)(1ull << 31) * 1000000000u / 3579545u) + 1;

    (void)state;
    assert_int_equal(pm_read(&pm, ACPI_CHILD_PM1_STS, 2, T0 + NS(1)) & PM1_STS_TMR, 0);
    /* Bit 31 of the timer changed: TMR_STS is set ... */
    assert_true(pm_read(&pm, ACPI_CHILD_PM1_STS, 2, T0 + half) & PM1_STS_TMR);
    /* ... writing 0 leaves it, writing 1 clears it ... */
    pm_write(&pm, ACPI_CHILD_PM1_STS, 2, 0, T0 + half);
    assert_true(pm_read(&pm, ACPI_CHILD_PM1_STS, 2, T0 + half) & PM1_STS_TMR);
    pm_write(&pm, ACPI_CHILD_PM1_STS, 2, PM1_STS_TMR, T0 + half);
    assert_int_equal(pm_read(&pm, ACPI_CHILD_PM1_STS, 2, T0 + half) & PM1_STS_TMR, 0);
    /* ... until the bit changes again. */
    assert_int_equal(pm_read(&pm, ACPI_CHILD_PM1_STS, 2, T0 + half + NS(1)) & PM1_STS_TMR, 0);
    assert_true(pm_read(&pm, ACPI_CHILD_PM1_STS, 2, T0 + 2 * half) & PM1_STS_TMR);
    /* The SCI follows STS & EN. */
    assert_false(pm_sci_level(&pm, T0 + 2 * half));
    pm_write(&pm, ACPI_CHILD_PM1_EN, 2, PM1_STS_TMR, T0 + 2 * half);
    assert_true(pm_sci_level(&pm, T0 + 2 * half));
    pm_write(&pm, ACPI_CHILD_PM1_STS, 2, 0xFFFF, T0 + 2 * half);
    assert_false(pm_sci_level(&pm, T0 + 2 * half));
}

static void test_enable_reads_back(void **state)
{
    (void)state;
    assert_int_equal(pm_read(&pm, ACPI_CHILD_PM1_EN, 2, T0), 0);
    pm_write(&pm, ACPI_CHILD_PM1_EN, 2, 0x0121, T0);
    assert_int_equal(pm_read(&pm, ACPI_CHILD_PM1_EN, 2, T0), 0x0121);
    /* A byte write changes one byte. */
    pm_write(&pm, ACPI_CHILD_PM1_EN + 1, 1, 0x03, T0);
    assert_int_equal(pm_read(&pm, ACPI_CHILD_PM1_EN, 2, T0), 0x0321);
    /* A 32-bit access at PM1a_STS covers STS and EN (the event block). */
    assert_int_equal(pm_read(&pm, ACPI_CHILD_PM1_STS, 4, T0), 0x03210000);
    pm_write(&pm, ACPI_CHILD_PM1_STS, 4, 0x00200000, T0);
    assert_int_equal(pm_read(&pm, ACPI_CHILD_PM1_EN, 2, T0), 0x0020);
    /* Nothing enabled is pending: no SCI. */
    assert_false(pm_sci_level(&pm, T0));
}

static void test_control(void **state)
{
    (void)state;
    /* Always in ACPI mode: SCI_EN reads 1 even if written 0. */
    assert_int_equal(pm_read(&pm, ACPI_CHILD_PM1_CNT, 2, T0), ACPI_CHILD_PM1_SCI_EN);
    pm_write(&pm, ACPI_CHILD_PM1_CNT, 2, 0, T0);
    assert_int_equal(pm_read(&pm, ACPI_CHILD_PM1_CNT, 2, T0), ACPI_CHILD_PM1_SCI_EN);
    /* SLP_TYP is kept, SLP_EN and GBL_RLS are write-only. */
    assert_int_equal(pm_write(&pm, ACPI_CHILD_PM1_CNT, 2,
                              ACPI_CHILD_PM1_SLP_TYP(ACPI_CHILD_SLP_TYP_S5) | PM1_CNT_GBL_RLS, T0),
                     PM_EVENT_NONE);
    assert_int_equal(pm_read(&pm, ACPI_CHILD_PM1_CNT, 2, T0),
                     ACPI_CHILD_PM1_SLP_TYP(ACPI_CHILD_SLP_TYP_S5) | ACPI_CHILD_PM1_SCI_EN);
}

static void test_power_off(void **state)
{
    (void)state;
    /* What ACPICA writes for S5: SLP_TYP 5 | SLP_EN (with SCI_EN kept). */
    assert_int_equal(pm_write(&pm, ACPI_CHILD_PM1_CNT, 2,
                              ACPI_CHILD_PM1_SLP_TYP(ACPI_CHILD_SLP_TYP_S5) |
                                  ACPI_CHILD_PM1_SLP_EN | ACPI_CHILD_PM1_SCI_EN,
                              T0),
                     PM_EVENT_POWER_OFF);
    assert_int_equal(pm_read(&pm, ACPI_CHILD_PM1_CNT, 2, T0) & ACPI_CHILD_PM1_SLP_EN, 0);
    /* SLP_TYP written first, then SLP_EN alone in the high byte. */
    setup(NULL);
    pm_write(&pm, ACPI_CHILD_PM1_CNT, 2, ACPI_CHILD_PM1_SLP_TYP(ACPI_CHILD_SLP_TYP_S5), T0);
    assert_int_equal(
        pm_write(&pm, ACPI_CHILD_PM1_CNT + 1, 1,
                 (ACPI_CHILD_PM1_SLP_TYP(ACPI_CHILD_SLP_TYP_S5) | ACPI_CHILD_PM1_SLP_EN) >> 8, T0),
        PM_EVENT_POWER_OFF);
    /* As part of a 32-bit write starting at PM1a_EN (+2): bytes 4-5 are CNT. */
    setup(NULL);
    assert_int_equal(
        pm_write(&pm, ACPI_CHILD_PM1_EN, 4,
                 (uint32_t)(ACPI_CHILD_PM1_SLP_TYP(ACPI_CHILD_SLP_TYP_S5) | ACPI_CHILD_PM1_SLP_EN)
                     << 16,
                 T0),
        PM_EVENT_POWER_OFF);
    /* A write of the low byte only does not touch SLP_EN. */
    setup(NULL);
    assert_int_equal(pm_write(&pm, ACPI_CHILD_PM1_CNT, 1, 0xFF, T0), PM_EVENT_NONE);
}

static void test_other_sleep_states_refused(void **state)
{
    (void)state;
    for (unsigned typ = 0; typ < 8; typ++) {
        setup(NULL);
        assert_int_equal(pm_write(&pm, ACPI_CHILD_PM1_CNT, 2,
                                  ACPI_CHILD_PM1_SLP_TYP(typ) | ACPI_CHILD_PM1_SLP_EN, T0),
                         typ == ACPI_CHILD_SLP_TYP_S5 ? PM_EVENT_POWER_OFF
                                                      : PM_EVENT_SLEEP_REFUSED);
    }
    /* S5 without SLP_EN is no request. */
    assert_int_equal(
        pm_write(&pm, ACPI_CHILD_PM1_CNT, 2, ACPI_CHILD_PM1_SLP_TYP(ACPI_CHILD_SLP_TYP_S5), T0),
        PM_EVENT_NONE);
}

static void test_odd_accesses(void **state)
{
    (void)state;
    /* Byte reads assemble the timer; a read past the block's end is 0xFF. */
    uint32_t tmr = pm_timer_value(&pm, T0 + NS(7));
    for (unsigned i = 0; i < 4; i++)
        assert_int_equal(pm_read(&pm, ACPI_CHILD_PM_TMR + i, 1, T0 + NS(7)),
                         (tmr >> (8 * i)) & 0xFF);
    assert_int_equal(pm_read(&pm, ACPI_CHILD_PM_TMR + 2, 4, T0 + NS(7)), (tmr >> 16) | 0xFFFF0000u);
    assert_int_equal(pm_read(&pm, ACPI_CHILD_PM_IO_LEN, 4, T0), 0xFFFFFFFFu);
    assert_int_equal(pm_read(&pm, 1000, 2, T0), 0xFFFF);
    /* Bytes 6-7 (between CNT and the timer) are reserved: 0. */
    assert_int_equal(pm_read(&pm, 6, 2, T0), 0);
    /* Writes far outside change nothing and request nothing. */
    assert_int_equal(pm_write(&pm, 0xFFFFFFF0u, 4, 0xFFFFFFFF, T0), PM_EVENT_NONE);
    assert_int_equal(pm_write(&pm, ACPI_CHILD_PM_IO_LEN - 1, 4, 0xFFFFFFFF, T0), PM_EVENT_NONE);
    assert_int_equal(pm_read(&pm, ACPI_CHILD_PM1_EN, 2, T0), 0);
    /* Oversized accesses are clipped to 4 bytes. */
    assert_int_equal(pm_read(&pm, ACPI_CHILD_PM_TMR, 8, T0 + NS(1)), 3579545);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(test_timer_rate, setup),
        cmocka_unit_test_setup(test_timer_wraps, setup),
        cmocka_unit_test_setup(test_tmr_sts, setup),
        cmocka_unit_test_setup(test_enable_reads_back, setup),
        cmocka_unit_test_setup(test_control, setup),
        cmocka_unit_test_setup(test_power_off, setup),
        cmocka_unit_test_setup(test_other_sleep_states_refused, setup),
        cmocka_unit_test_setup(test_odd_accesses, setup),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
