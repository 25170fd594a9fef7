/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Unit tests of tools/vmwp/cmos_rtc.c, the CMOS clock: the calendar
 * helpers against known dates and a round trip over 800 years, reading
 * the time in BCD and binary, 24 and 12 hours, registers C and D, setting
 * the clock with SET and field by field, rejection of invalid dates and
 * bad BCD, plain CMOS RAM, and hostile indexes.  Then the interrupts: UIP
 * in the 244 us before each update, the update-ended, alarm (with "any"
 * bytes, 12-hour alarms, never-matching ones) and periodic interrupts at
 * every rate, IRQF and the IRQ 8 line, the deadlines a timer arms for;
 * and the BIOS's bytes (memory sizes decoded as SeaBIOS does, the AT
 * checksum, the vCPU count, boot order, disk translation).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "../../tools/vmwp/cmos_rtc.h"

/* 2024-02-29 13:45:56 UTC, a Thursday. */
#define HOST_NOW 1709214356LL

static struct cmos_rtc rtc;

static int setup(void **state)
{
    (void)state;
    cmos_rtc_init(&rtc, HOST_NOW);
    return 0;
}

static uint8_t rd(uint8_t index, int64_t now)
{
    cmos_rtc_write(&rtc, CMOS_PORT_INDEX, index, now);
    return cmos_rtc_read(&rtc, CMOS_PORT_DATA, now);
}

static void wr(uint8_t index, uint8_t value, int64_t now)
{
    cmos_rtc_write(&rtc, CMOS_PORT_INDEX, index, now);
    cmos_rtc_write(&rtc, CMOS_PORT_DATA, value, now);
}

/* The same on the nanosecond clock. */
#define NS     1000000000LL
#define T0     (HOST_NOW * NS) /* HOST_NOW on the nanosecond clock */
#define UIP_NS 244140          /* 8 / 32768 s, rounded down */

static uint8_t rd_ns(uint8_t index, int64_t ns)
{
    cmos_rtc_write_ns(&rtc, CMOS_PORT_INDEX, index, ns);
    return cmos_rtc_read_ns(&rtc, CMOS_PORT_DATA, ns);
}

static void wr_ns(uint8_t index, uint8_t value, int64_t ns)
{
    cmos_rtc_write_ns(&rtc, CMOS_PORT_INDEX, index, ns);
    cmos_rtc_write_ns(&rtc, CMOS_PORT_DATA, value, ns);
}

static void test_calendar(void **state)
{
    int64_t y;
    unsigned m, d;

    (void)state;
    assert_int_equal(cmos_days_from_civil(1970, 1, 1), 0);
    assert_int_equal(cmos_days_from_civil(2000, 3, 1), 11017);
    assert_int_equal(cmos_days_from_civil(2024, 2, 29), 19782);
    assert_int_equal(cmos_days_from_civil(1969, 12, 31), -1);
    cmos_civil_from_days(19782, &y, &m, &d);
    assert_int_equal(y, 2024);
    assert_int_equal(m, 2);
    assert_int_equal(d, 29);
    /* Round trip across leap rules (1900 no, 2000 yes, 2100 no). */
    for (int64_t day = cmos_days_from_civil(1600, 1, 1); day < cmos_days_from_civil(2400, 1, 1);
         day += 13) {
        cmos_civil_from_days(day, &y, &m, &d);
        assert_true(m >= 1 && m <= 12 && d >= 1 && d <= 31);
        assert_int_equal(cmos_days_from_civil(y, m, d), day);
    }
}

static void test_read_bcd_24h(void **state)
{
    (void)state;
    assert_int_equal(rd(CMOS_SECONDS, HOST_NOW), 0x56);
    assert_int_equal(rd(CMOS_MINUTES, HOST_NOW), 0x45);
    assert_int_equal(rd(CMOS_HOURS, HOST_NOW), 0x13);
    assert_int_equal(rd(CMOS_DAY_OF_WEEK, HOST_NOW), 0x05); /* Thursday, Sunday = 1 */
    assert_int_equal(rd(CMOS_DAY, HOST_NOW), 0x29);
    assert_int_equal(rd(CMOS_MONTH, HOST_NOW), 0x02);
    assert_int_equal(rd(CMOS_YEAR, HOST_NOW), 0x24);
    assert_int_equal(rd(CMOS_CENTURY, HOST_NOW), 0x20);
    /* The clock follows the host's. */
    assert_int_equal(rd(CMOS_SECONDS, HOST_NOW + 3), 0x59);
    assert_int_equal(rd(CMOS_MINUTES, HOST_NOW + 4), 0x46);
    assert_int_equal(rd(CMOS_SECONDS, HOST_NOW + 4), 0x00);
    /* New year's eve rolls everything. */
    int64_t nye = cmos_days_from_civil(1999, 12, 31) * 86400 + 86399;
    setup(NULL);
    assert_int_equal(rd(CMOS_YEAR, nye), 0x99);
    assert_int_equal(rd(CMOS_CENTURY, nye), 0x19);
    assert_int_equal(rd(CMOS_YEAR, nye + 1), 0x00);
    assert_int_equal(rd(CMOS_CENTURY, nye + 1), 0x20);
    assert_int_equal(rd(CMOS_MONTH, nye + 1), 0x01);
    assert_int_equal(rd(CMOS_DAY, nye + 1), 0x01);
    assert_int_equal(rd(CMOS_DAY_OF_WEEK, nye + 1), 0x07); /* 2000-01-01: Saturday */
}

static void test_read_binary_12h(void **state)
{
    (void)state;
    wr(CMOS_REG_B, CMOS_B_DM, HOST_NOW); /* binary, 12-hour */
    assert_int_equal(rd(CMOS_SECONDS, HOST_NOW), 56);
    assert_int_equal(rd(CMOS_HOURS, HOST_NOW), CMOS_HOUR_PM | 1);
    assert_int_equal(rd(CMOS_YEAR, HOST_NOW), 24);
    assert_int_equal(rd(CMOS_CENTURY, HOST_NOW), 20);
    /* Midnight is 12 AM, noon 12 PM. */
    int64_t midnight = cmos_days_from_civil(2024, 3, 1) * 86400;
    assert_int_equal(rd(CMOS_HOURS, midnight), 12);
    assert_int_equal(rd(CMOS_HOURS, midnight + 12 * 3600), CMOS_HOUR_PM | 12);
    assert_int_equal(rd(CMOS_HOURS, midnight + 11 * 3600), 11);
    /* BCD 12-hour. */
    wr(CMOS_REG_B, 0, HOST_NOW);
    assert_int_equal(rd(CMOS_HOURS, midnight + 23 * 3600), CMOS_HOUR_PM | 0x11);
}

static void test_status_registers(void **state)
{
    (void)state;
    /* On the seconds clock every access is at the start of a second: UIP
     * never reads set, whatever is written; the rate bits stay. */
    for (int64_t t = HOST_NOW; t < HOST_NOW + 3; t++)
        assert_int_equal(rd(CMOS_REG_A, t) & CMOS_A_UIP, 0);
    wr(CMOS_REG_A, 0xA6, HOST_NOW + 2);
    assert_int_equal(rd(CMOS_REG_A, HOST_NOW + 2), 0x26);
    assert_int_equal(rd(CMOS_REG_B, HOST_NOW + 2), CMOS_B_24H);
    /* Two updates and 2048 periods went by: the flags say so, IRQF does
     * not (nothing enabled), and reading clears them. */
    assert_int_equal(rd(CMOS_REG_C, HOST_NOW + 2), CMOS_C_PF | CMOS_C_UF);
    assert_int_equal(rd(CMOS_REG_C, HOST_NOW + 2), 0);
    assert_false(cmos_rtc_irq(&rtc));
    assert_int_equal(rd(CMOS_REG_D, HOST_NOW + 2), CMOS_D_VRT);
    wr(CMOS_REG_C, 0xFF, HOST_NOW + 2);
    wr(CMOS_REG_D, 0x00, HOST_NOW + 2);
    assert_int_equal(rd(CMOS_REG_C, HOST_NOW + 2), 0);
    assert_int_equal(rd(CMOS_REG_D, HOST_NOW + 2), CMOS_D_VRT);
    /* The index port is write-only. */
    assert_int_equal(cmos_rtc_read(&rtc, CMOS_PORT_INDEX, HOST_NOW), 0xFF);
}

static void test_set_with_set_bit(void **state)
{
    (void)state;
    /* hwclock's way: SET, write the fields (BCD), clear SET. */
    wr(CMOS_REG_B, CMOS_B_SET | CMOS_B_24H, HOST_NOW);
    /* Frozen while SET. */
    assert_int_equal(rd(CMOS_SECONDS, HOST_NOW + 10), 0x56);
    wr(CMOS_SECONDS, 0x00, HOST_NOW);
    wr(CMOS_MINUTES, 0x30, HOST_NOW);
    wr(CMOS_HOURS, 0x08, HOST_NOW);
    wr(CMOS_DAY, 0x15, HOST_NOW);
    wr(CMOS_MONTH, 0x07, HOST_NOW);
    wr(CMOS_YEAR, 0x31, HOST_NOW);
    wr(CMOS_CENTURY, 0x20, HOST_NOW);
    assert_int_equal(rd(CMOS_MINUTES, HOST_NOW + 100), 0x30);
    wr(CMOS_REG_B, CMOS_B_24H, HOST_NOW + 5);
    /* 2031-07-15 08:30:00 from HOST_NOW + 5 on. */
    int64_t want = cmos_days_from_civil(2031, 7, 15) * 86400 + 8 * 3600 + 30 * 60;
    assert_int_equal(cmos_rtc_guest_time(&rtc, HOST_NOW + 5), want);
    assert_int_equal(rd(CMOS_SECONDS, HOST_NOW + 65), 0x00);
    assert_int_equal(rd(CMOS_MINUTES, HOST_NOW + 65), 0x31);
    assert_int_equal(rd(CMOS_YEAR, HOST_NOW + 65), 0x31);
    assert_int_equal(rd(CMOS_DAY_OF_WEEK, HOST_NOW + 65), 0x03); /* a Tuesday */
}

static void test_set_one_field(void **state)
{
    (void)state;
    /* Without SET a write takes effect at once. */
    wr(CMOS_HOURS, 0x20, HOST_NOW);
    assert_int_equal(rd(CMOS_HOURS, HOST_NOW), 0x20);
    assert_int_equal(rd(CMOS_MINUTES, HOST_NOW), 0x45);
    assert_int_equal(cmos_rtc_guest_time(&rtc, HOST_NOW), HOST_NOW + 7 * 3600);
    /* In binary mode the value is binary. */
    wr(CMOS_REG_B, CMOS_B_24H | CMOS_B_DM, HOST_NOW);
    wr(CMOS_YEAR, 28, HOST_NOW);
    assert_int_equal(rd(CMOS_YEAR, HOST_NOW), 28);
    assert_int_equal(rd(CMOS_CENTURY, HOST_NOW), 20);
    /* It is February 29th: moving to 2030, which has none, is refused. */
    wr(CMOS_YEAR, 30, HOST_NOW);
    assert_int_equal(rd(CMOS_YEAR, HOST_NOW), 28);
}

static void test_invalid_time_ignored(void **state)
{
    static const struct {
        uint8_t index, value;
    } bad[] = {
        {CMOS_SECONDS, 0x60}, {CMOS_SECONDS, 0x5A}, {CMOS_MINUTES, 0xFF}, {CMOS_HOURS, 0x24},
        {CMOS_DAY, 0x00},     {CMOS_DAY, 0x30},     {CMOS_MONTH, 0x13},   {CMOS_MONTH, 0x00},
        {CMOS_YEAR, 0xA0},    {CMOS_CENTURY, 0x9F},
    };

    (void)state;
    /* Each bad value leaves the clock alone (February 2024 has no 30th). */
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        wr(bad[i].index, bad[i].value, HOST_NOW);
        assert_int_equal(cmos_rtc_guest_time(&rtc, HOST_NOW), HOST_NOW);
    }
    /* 12-hour mode: hour 0 and 13 do not exist. */
    wr(CMOS_REG_B, 0, HOST_NOW);
    wr(CMOS_HOURS, 0x00, HOST_NOW);
    wr(CMOS_HOURS, 0x13, HOST_NOW);
    assert_int_equal(cmos_rtc_guest_time(&rtc, HOST_NOW), HOST_NOW);
    /* An invalid date set under SET is dropped when SET clears. */
    wr(CMOS_REG_B, CMOS_B_SET | CMOS_B_24H, HOST_NOW);
    wr(CMOS_MONTH, 0x04, HOST_NOW);
    wr(CMOS_DAY, 0x31, HOST_NOW);
    wr(CMOS_REG_B, CMOS_B_24H, HOST_NOW);
    assert_int_equal(cmos_rtc_guest_time(&rtc, HOST_NOW), HOST_NOW);
}

static void test_ram_and_hostile_indexes(void **state)
{
    (void)state;
    /* Bytes that are not the clock are plain RAM, including the alarms. */
    for (unsigned i = 0x0E; i < CMOS_SIZE; i++) {
        if (i == CMOS_CENTURY)
            continue;
        wr((uint8_t)i, (uint8_t)(i ^ 0x5A), HOST_NOW);
    }
    wr(0x01, 0x11, HOST_NOW);
    for (unsigned i = 0x0E; i < CMOS_SIZE; i++) {
        if (i != CMOS_CENTURY)
            assert_int_equal(rd((uint8_t)i, HOST_NOW), (uint8_t)(i ^ 0x5A));
    }
    assert_int_equal(rd(0x01, HOST_NOW), 0x11);
    /* Bit 7 of the index is the NMI mask, not part of the index. */
    assert_int_equal(rd(0x80 | CMOS_SECONDS, HOST_NOW), 0x56);
    assert_int_equal(rd(0xFF, HOST_NOW), (uint8_t)(0x7F ^ 0x5A));
    /* Other ports do nothing. */
    cmos_rtc_write(&rtc, 0x72, 0xFF, HOST_NOW);
    assert_int_equal(cmos_rtc_read(&rtc, 0x72, HOST_NOW), 0xFF);
    /* Extreme host times and offsets: no overflow, fields stay in range. */
    static const int64_t times[] = {INT64_MIN, INT64_MIN + 1, -1, 0, INT64_MAX};
    for (size_t i = 0; i < sizeof(times) / sizeof(times[0]); i++) {
        uint8_t sec = rd(CMOS_SECONDS, times[i]), mon = rd(CMOS_MONTH, times[i]);

        assert_true((sec >> 4) <= 5 && (sec & 0xF) <= 9);
        assert_true(mon >= 1 && mon <= 0x12);
        wr(CMOS_YEAR, 0x99, times[i]);
        wr(CMOS_CENTURY, 0x99, times[i]);
    }
}

/* ---- interrupts ---------------------------------------------------------------------------- */

/* UIP in the 8 time-base periods before each second; not under SET, not
 * with the divider in reset. */
static void test_uip(void **state)
{
    static const int64_t clear[] = {0, 1, NS / 2, NS - UIP_NS - 1};
    static const int64_t set[] = {NS - UIP_NS, NS - UIP_NS + 1, NS - 1000, NS - 1};

    (void)state;
    for (size_t i = 0; i < sizeof(clear) / sizeof(clear[0]); i++)
        assert_int_equal(rd_ns(CMOS_REG_A, T0 + clear[i]), 0x26);
    for (size_t i = 0; i < sizeof(set) / sizeof(set[0]); i++)
        assert_int_equal(rd_ns(CMOS_REG_A, T0 + 5 * NS + set[i]), 0x26 | CMOS_A_UIP);
    /* The time read during UIP is still the old second; just after the
     * update the new one. */
    assert_int_equal(rd_ns(CMOS_SECONDS, T0 + NS - 1), 0x56);
    assert_int_equal(rd_ns(CMOS_SECONDS, T0 + NS), 0x57);
    /* SET stops updates, and with them UIP. */
    wr_ns(CMOS_REG_B, CMOS_B_SET | CMOS_B_24H, T0 + 10 * NS);
    assert_int_equal(rd_ns(CMOS_REG_A, T0 + 10 * NS + NS - 1), 0x26);
    wr_ns(CMOS_REG_B, CMOS_B_24H, T0 + 11 * NS);
    assert_int_equal(rd_ns(CMOS_REG_A, T0 + 11 * NS + NS - 1), 0x26 | CMOS_A_UIP);
    /* A divider in reset (DV 110, as Linux sets it while writing the time). */
    wr_ns(CMOS_REG_A, 0x66, T0 + 12 * NS);
    assert_int_equal(rd_ns(CMOS_REG_A, T0 + 12 * NS + NS - 1), 0x66);
    /* Written UIP is ignored. */
    wr_ns(CMOS_REG_A, 0xA6, T0 + 13 * NS);
    assert_int_equal(rd_ns(CMOS_REG_A, T0 + 13 * NS + 1), 0x26);
}

/* Update-ended: UF every second, IRQF and the line with UIE; reading C
 * drops the line; SET clears UIE. */
static void test_update_interrupt(void **state)
{
    (void)state;
    rd_ns(CMOS_REG_C, T0 + 100);
    wr_ns(CMOS_REG_B, CMOS_B_24H | CMOS_B_UIE, T0 + 200);
    assert_false(cmos_rtc_irq(&rtc));
    assert_int_equal(cmos_rtc_next_deadline(&rtc), T0 + NS);
    cmos_rtc_advance(&rtc, T0 + NS - 1);
    assert_false(cmos_rtc_irq(&rtc));
    cmos_rtc_advance(&rtc, T0 + NS);
    assert_true(cmos_rtc_irq(&rtc));
    /* The line is up: no deadline until the guest acknowledges. */
    assert_int_equal(cmos_rtc_next_deadline(&rtc), CMOS_RTC_NO_DEADLINE);
    /* The periodic flag is up too (not enabled). */
    assert_int_equal(rd_ns(CMOS_REG_C, T0 + NS + 10), CMOS_C_IRQF | CMOS_C_UF | CMOS_C_PF);
    assert_false(cmos_rtc_irq(&rtc));
    assert_int_equal(cmos_rtc_next_deadline(&rtc), T0 + 2 * NS);
    /* Missed seconds merge into one UF. */
    cmos_rtc_advance(&rtc, T0 + 5 * NS + 3);
    assert_true(cmos_rtc_irq(&rtc));
    assert_int_equal(rd_ns(CMOS_REG_C, T0 + 5 * NS + 4) & CMOS_C_UF, CMOS_C_UF);
    assert_int_equal(rd_ns(CMOS_REG_C, T0 + 5 * NS + 5), 0);
    /* SET clears UIE and stops the updates. */
    wr_ns(CMOS_REG_B, CMOS_B_SET | CMOS_B_24H | CMOS_B_UIE, T0 + 6 * NS);
    assert_int_equal(rd_ns(CMOS_REG_B, T0 + 6 * NS), CMOS_B_SET | CMOS_B_24H);
    assert_int_equal(cmos_rtc_next_deadline(&rtc), CMOS_RTC_NO_DEADLINE);
    rd_ns(CMOS_REG_C, T0 + 6 * NS);
    cmos_rtc_advance(&rtc, T0 + 9 * NS);
    assert_int_equal(rd_ns(CMOS_REG_C, T0 + 9 * NS) & CMOS_C_UF, 0);
}

/* A flag already up raises the line when its enable is set, and the line
 * drops when the enable is cleared (IRQF is the AND-OR of the two). */
static void test_enable_raises(void **state)
{
    (void)state;
    cmos_rtc_advance(&rtc, T0 + 2 * NS);
    assert_false(cmos_rtc_irq(&rtc));
    wr_ns(CMOS_REG_B, CMOS_B_24H | CMOS_B_PIE, T0 + 2 * NS);
    assert_true(cmos_rtc_irq(&rtc));
    wr_ns(CMOS_REG_B, CMOS_B_24H, T0 + 2 * NS);
    assert_false(cmos_rtc_irq(&rtc));
    /* The flags stay until read. */
    assert_int_equal(rd_ns(CMOS_REG_C, T0 + 2 * NS), CMOS_C_PF | CMOS_C_UF);
    wr_ns(CMOS_REG_B, CMOS_B_24H | CMOS_B_PIE | CMOS_B_UIE, T0 + 2 * NS);
    assert_false(cmos_rtc_irq(&rtc));
}

/* Every rate: the deadlines come once a period, a timer that advances to
 * each raises the line, and reading C acknowledges.  Periods are 2^(RS-1)
 * ticks of 32.768 kHz; RS 1 and 2 are 256 and 128 Hz. */
static void test_periodic_rates(void **state)
{
    (void)state;
    for (unsigned rs = 0; rs < 16; rs++) {
        unsigned shift = rs == 0 ? 0 : rs <= 2 ? rs + 6 : rs - 1;
        int64_t now = T0 + 7 * NS, count = 0;

        setup(NULL);
        wr_ns(CMOS_REG_A, (uint8_t)(0x20 | rs), now);
        rd_ns(CMOS_REG_C, now);
        wr_ns(CMOS_REG_B, CMOS_B_24H | CMOS_B_PIE, now);
        if (!rs) {
            assert_int_equal(cmos_rtc_next_deadline(&rtc), CMOS_RTC_NO_DEADLINE);
            continue;
        }
        /* One second's worth of interrupts, taken at each deadline. */
        for (;;) {
            int64_t d = cmos_rtc_next_deadline(&rtc), k = count + 1;
            /* The k-th period ends at k * 2^shift / 32768 s: its first ns. */
            int64_t want = T0 + 7 * NS + ((k << shift) * NS + 32767) / 32768;

            assert_int_equal(d, want);
            if (d > T0 + 8 * NS)
                break;
            cmos_rtc_advance(&rtc, d - 1);
            assert_false(cmos_rtc_irq(&rtc));
            cmos_rtc_advance(&rtc, d);
            assert_true(cmos_rtc_irq(&rtc));
            assert_int_equal(rd_ns(CMOS_REG_C, d) & (CMOS_C_IRQF | CMOS_C_PF),
                             CMOS_C_IRQF | CMOS_C_PF);
            assert_false(cmos_rtc_irq(&rtc));
            count++;
        }
        assert_int_equal(count, 32768 >> shift);
    }
}

/* The divider in reset stops periodic interrupts too; SET does not. */
static void test_periodic_divider(void **state)
{
    (void)state;
    wr_ns(CMOS_REG_B, CMOS_B_SET | CMOS_B_24H | CMOS_B_PIE, T0);
    assert_int_equal(cmos_rtc_next_deadline(&rtc), T0 + 976563); /* 1024 Hz */
    wr_ns(CMOS_REG_A, 0x76, T0);
    rd_ns(CMOS_REG_C, T0);
    assert_int_equal(cmos_rtc_next_deadline(&rtc), CMOS_RTC_NO_DEADLINE);
    cmos_rtc_advance(&rtc, T0 + 3 * NS);
    assert_int_equal(rd_ns(CMOS_REG_C, T0 + 3 * NS), 0);
}

/* Set the alarm (BCD 24h) and AIE, flags clear. */
static void alarm_at(uint8_t h, uint8_t m, uint8_t sec, int64_t ns)
{
    wr_ns(CMOS_HOURS_ALARM, h, ns);
    wr_ns(CMOS_MINUTES_ALARM, m, ns);
    wr_ns(CMOS_SECONDS_ALARM, sec, ns);
    wr_ns(CMOS_REG_B, (uint8_t)(rd_ns(CMOS_REG_B, ns) | CMOS_B_AIE), ns);
    rd_ns(CMOS_REG_C, ns);
}

/* The alarm: AF at the update to the alarm time, with "any" bytes. */
static void test_alarm(void **state)
{
    (void)state;
    /* HOST_NOW is 13:45:56; 13:46:01 is 5 seconds on. */
    alarm_at(0x13, 0x46, 0x01, T0 + 1000);
    assert_int_equal(cmos_rtc_next_deadline(&rtc), T0 + 5 * NS);
    cmos_rtc_advance(&rtc, T0 + 5 * NS - 1);
    assert_false(cmos_rtc_irq(&rtc));
    assert_int_equal(rd_ns(CMOS_REG_C, T0 + 5 * NS - 1) & CMOS_C_AF, 0);
    cmos_rtc_advance(&rtc, T0 + 5 * NS);
    assert_true(cmos_rtc_irq(&rtc));
    assert_int_equal(rd_ns(CMOS_REG_C, T0 + 5 * NS) & (CMOS_C_IRQF | CMOS_C_AF),
                     CMOS_C_IRQF | CMOS_C_AF);
    /* Next: the same time tomorrow. */
    assert_int_equal(cmos_rtc_next_deadline(&rtc), T0 + 5 * NS + 86400 * NS);
    /* A late timer still sees it. */
    cmos_rtc_advance(&rtc, T0 + 86500 * NS);
    assert_int_equal(rd_ns(CMOS_REG_C, T0 + 86500 * NS) & CMOS_C_AF, CMOS_C_AF);

    /* All "any": every second. */
    setup(NULL);
    alarm_at(0xC0, 0xFF, 0xD5, T0 + 10);
    assert_int_equal(cmos_rtc_next_deadline(&rtc), T0 + NS);
    /* Any hour, minute 00, second 30: 14:00:30, 14 min 34 s on. */
    setup(NULL);
    alarm_at(0xFF, 0x00, 0x30, T0);
    assert_int_equal(cmos_rtc_next_deadline(&rtc), T0 + (14 * 60 + 34) * NS);
    /* Any second in minute 47: 13:47:00. */
    setup(NULL);
    alarm_at(0x13, 0x47, 0xC0, T0);
    assert_int_equal(cmos_rtc_next_deadline(&rtc), T0 + 64 * NS);
    /* Any second of this minute: the next one. */
    setup(NULL);
    alarm_at(0x13, 0x45, 0xC0, T0);
    assert_int_equal(cmos_rtc_next_deadline(&rtc), T0 + NS);
    /* Any second of this minute, at its last second: tomorrow. */
    setup(NULL);
    alarm_at(0x13, 0x45, 0xC0, T0 + 3 * NS);
    assert_int_equal(cmos_rtc_next_deadline(&rtc), T0 + 3 * NS + (86400 - 59) * NS);
    /* Exactly now: tomorrow, the full day. */
    setup(NULL);
    alarm_at(0x13, 0x45, 0x56, T0);
    assert_int_equal(cmos_rtc_next_deadline(&rtc), T0 + 86400 * NS);
    /* A second that does not exist never matches, and AF never comes. */
    setup(NULL);
    alarm_at(0x13, 0x45, 0x60, T0);
    assert_int_equal(cmos_rtc_next_deadline(&rtc), CMOS_RTC_NO_DEADLINE);
    cmos_rtc_advance(&rtc, T0 + 3 * 86400 * NS);
    assert_int_equal(rd_ns(CMOS_REG_C, T0 + 3 * 86400 * NS) & CMOS_C_AF, 0);
}

/* Alarms in binary and in 12-hour mode, and a clock set under an alarm. */
static void test_alarm_formats(void **state)
{
    (void)state;
    /* 12-hour BCD: 1:46:00 PM. */
    wr_ns(CMOS_REG_B, 0, T0);
    alarm_at(CMOS_HOUR_PM | 0x01, 0x46, 0x00, T0);
    assert_int_equal(cmos_rtc_next_deadline(&rtc), T0 + 4 * NS);
    /* 1:46:00 AM: tomorrow. */
    alarm_at(0x01, 0x46, 0x00, T0);
    assert_int_equal(cmos_rtc_next_deadline(&rtc), T0 + 4 * NS + 12 * 3600 * NS);
    /* 12-hour hour 0 is not a time. */
    alarm_at(0x00, 0x46, 0x00, T0);
    assert_int_equal(cmos_rtc_next_deadline(&rtc), CMOS_RTC_NO_DEADLINE);
    /* Binary 24-hour: 13:46:10. */
    setup(NULL);
    wr_ns(CMOS_REG_B, CMOS_B_24H | CMOS_B_DM, T0);
    alarm_at(13, 46, 10, T0);
    assert_int_equal(cmos_rtc_next_deadline(&rtc), T0 + 14 * NS);
    /* The guest sets the clock an hour back: the alarm follows the clock. */
    wr_ns(CMOS_HOURS, 12, T0);
    assert_int_equal(cmos_rtc_next_deadline(&rtc), T0 + (3600 + 14) * NS);
    /* UIE set too: the update comes first. */
    wr_ns(CMOS_REG_B, CMOS_B_24H | CMOS_B_DM | CMOS_B_AIE | CMOS_B_UIE, T0 + 5);
    assert_int_equal(cmos_rtc_next_deadline(&rtc), T0 + NS);
}

/* The host's clock going back restarts the events from there; times far
 * apart or at the ends of the range are no trouble. */
static void test_time_jumps(void **state)
{
    static const int64_t ends[] = {INT64_MIN, INT64_MIN + 1, -1, 0, INT64_MAX - 1, INT64_MAX};

    (void)state;
    wr_ns(CMOS_REG_B, CMOS_B_24H | CMOS_B_UIE, T0 + 10 * NS);
    rd_ns(CMOS_REG_C, T0 + 10 * NS);
    cmos_rtc_advance(&rtc, T0); /* back ten seconds */
    assert_false(cmos_rtc_irq(&rtc));
    assert_int_equal(cmos_rtc_next_deadline(&rtc), T0 + NS);
    cmos_rtc_advance(&rtc, T0 + NS);
    assert_true(cmos_rtc_irq(&rtc));
    for (size_t i = 0; i < sizeof(ends) / sizeof(ends[0]); i++) {
        setup(NULL);
        wr_ns(CMOS_REG_B, CMOS_B_24H | CMOS_B_UIE | CMOS_B_PIE | CMOS_B_AIE, ends[i]);
        alarm_at(0x12, 0x00, 0x00, ends[i]);
        cmos_rtc_next_deadline(&rtc);
        for (size_t j = 0; j < sizeof(ends) / sizeof(ends[0]); j++) {
            cmos_rtc_advance(&rtc, ends[j]);
            cmos_rtc_next_deadline(&rtc);
            rd_ns(CMOS_REG_A, ends[j]);
            rd_ns(CMOS_REG_C, ends[j]);
        }
    }
}

/* The platform's reset keeps the time and the RAM, drops the interrupt. */
static void test_reset(void **state)
{
    (void)state;
    cmos_rtc_set_memory(&rtc, 64 * 1024 * 1024, 0, 2);
    wr_ns(CMOS_REG_B, CMOS_B_24H | CMOS_B_DM | CMOS_B_PIE | CMOS_B_UIE | 0x08, T0);
    wr_ns(CMOS_HOURS, 7, T0);
    cmos_rtc_advance(&rtc, T0 + NS);
    assert_true(cmos_rtc_irq(&rtc));
    cmos_rtc_reset(&rtc);
    assert_false(cmos_rtc_irq(&rtc));
    assert_int_equal(rd_ns(CMOS_REG_B, T0 + NS), CMOS_B_24H | CMOS_B_DM);
    assert_int_equal(rd_ns(CMOS_REG_C, T0 + NS), 0);
    assert_int_equal(rd_ns(CMOS_HOURS, T0 + NS), 7);
    assert_int_equal(rd_ns(CMOS_CPUS_MINUS_ONE, T0 + NS), 1);
    assert_int_equal(rd_ns(CMOS_BASE_MEM_HI, T0 + NS), 640 >> 8);
    assert_int_equal(cmos_rtc_next_deadline(&rtc), CMOS_RTC_NO_DEADLINE);
}

/* ---- the BIOS's bytes ------------------------------------------------------------------- */

#define MIB (1024ULL * 1024)
#define GIB (1024 * MIB)

/* Reads the RAM sizes back the way SeaBIOS's QEMU build does
 * (src/fw/paravirt.c: qemu_preinit without etc/e820, qemu_cfg_e820). */
static void seabios_sizes(uint64_t *below, uint64_t *above)
{
    uint32_t rs = (uint32_t)rd(CMOS_MEM_16M_LO, HOST_NOW) << 16 |
                  (uint32_t)rd(CMOS_MEM_16M_HI, HOST_NOW) << 24;

    if (rs)
        rs += 16 * MIB;
    else
        rs = ((uint32_t)rd(CMOS_EXT_MEM2_LO, HOST_NOW) << 10 |
              (uint32_t)rd(CMOS_EXT_MEM2_HI, HOST_NOW) << 18) +
             MIB;
    *below = rs;
    *above = (uint64_t)rd(CMOS_MEM_4G_LO, HOST_NOW) << 16 |
             (uint64_t)rd(CMOS_MEM_4G_MID, HOST_NOW) << 24 |
             (uint64_t)rd(CMOS_MEM_4G_HI, HOST_NOW) << 32;
}

static uint16_t rd16(uint8_t index)
{
    return (uint16_t)(rd(index, HOST_NOW) | rd((uint8_t)(index + 1), HOST_NOW) << 8);
}

/* The AT checksum, as Linux's nvram driver checks it. */
static void check_checksum(void)
{
    uint16_t sum = 0;

    for (uint8_t i = 0x10; i <= 0x2D; i++)
        sum = (uint16_t)(sum + rd(i, HOST_NOW));
    assert_int_equal(sum, rd(0x2E, HOST_NOW) << 8 | rd(0x2F, HOST_NOW));
}

static void test_memory(void **state)
{
    static const struct {
        uint64_t below, above;
        unsigned cpus;
        uint16_t base, ext, mid;
        uint32_t high;
        uint8_t cpu_byte;
    } cases[] = {
        /* 64 MiB: 63 MiB above 1 MiB, 48 MiB above 16 MiB. */
        {64 * MIB, 0, 1, 640, 63 * 1024, 48 * 16, 0, 0},
        /* 3 GiB low and 1 GiB high, 4 vCPUs: 0x34 reads 0xBF00 (3 GiB - 16 MiB). */
        {3 * GIB, GIB, 4, 640, 0xFFFF, 0xBF00, 0x4000, 3},
        /* 16 MiB exactly: nothing above 16 MiB. */
        {16 * MIB, 0, 2, 640, 15 * 1024, 0, 0, 1},
        /* Below 1 MiB. */
        {512 * 1024, 0, 255, 512, 0, 0, 0, 254},
        /* More than 255 vCPUs: 0, as QEMU. */
        {128 * MIB, 0, 256, 640, 0xFFFF, 112 * 16, 0, 0},
        /* Nearly 4 GiB below (the 0x34 field's limit) and more than 0x34-0x35 or 0x5B-0x5D hold. */
        {0xFFFFFFFF, 2048 * GIB, 64, 640, 0xFFFF, 0xFEFF, 0xFFFFFF, 63},
    };

    (void)state;
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        uint64_t below, above;

        setup(NULL);
        cmos_rtc_set_memory(&rtc, cases[i].below, cases[i].above, cases[i].cpus);
        assert_int_equal(rd16(0x15), cases[i].base);
        assert_int_equal(rd16(0x17), cases[i].ext);
        assert_int_equal(rd16(0x30), cases[i].ext);
        assert_int_equal(rd16(0x34), cases[i].mid);
        assert_int_equal(rd(0x5B, HOST_NOW) | rd(0x5C, HOST_NOW) << 8 | rd(0x5D, HOST_NOW) << 16,
                         cases[i].high);
        assert_int_equal(rd(0x5F, HOST_NOW), cases[i].cpu_byte);
        check_checksum();
        /* SeaBIOS reads the sizes back, to 64 KiB. */
        seabios_sizes(&below, &above);
        if (cases[i].below > 16 * MIB && cases[i].below < 4 * GIB)
            assert_int_equal(below, cases[i].below & ~(64 * 1024ULL - 1));
        if (cases[i].above < 1024 * GIB)
            assert_int_equal(above, cases[i].above);
    }
    /* Nothing else changed: the clock, the status registers. */
    assert_int_equal(rd(CMOS_SECONDS, HOST_NOW), 0x56);
    assert_int_equal(rd(CMOS_REG_B, HOST_NOW), CMOS_B_24H);
}

/* The checksum covers 0x10-0x2D and is kept by the setter only: a byte the
 * guest changes there breaks it, as on a PC. */
static void test_checksum_range(void **state)
{
    (void)state;
    wr(0x10, 0x44, HOST_NOW);
    wr(0x2D, 0x81, HOST_NOW);
    cmos_rtc_set_memory(&rtc, 64 * MIB, 0, 1);
    check_checksum();
    assert_int_equal(rd(0x2E, HOST_NOW) << 8 | rd(0x2F, HOST_NOW),
                     0x44 + 0x81 + 0x80 + 0x02 + 0x00 + 0xFC /* 0x15-0x18: 640, 0xFC00 */);
    /* Bytes outside the range do not count. */
    wr(0x30, 0x12, HOST_NOW);
    check_checksum();
    wr(0x20, 0x01, HOST_NOW);
    assert_int_not_equal((uint16_t)(rd(0x2E, HOST_NOW) << 8 | rd(0x2F, HOST_NOW)),
                         0x44 + 0x81 + 0x80 + 0x02 + 0xFC + 0x01);
}

/* SeaBIOS's decoding (src/boot.c, boot_init): three nibbles, 1 floppy,
 * 2 hard disk, 3 CD-ROM, 4 network, in priority order. */
static void test_boot_order(void **state)
{
    (void)state;
    assert_int_equal(cmos_rtc_set_boot_order(&rtc, "cad", true), 0);
    assert_int_equal(rd(0x3D, HOST_NOW), 0x12);
    assert_int_equal(rd(0x38, HOST_NOW), 0x30);
    {
        uint32_t order = rd(0x3D, HOST_NOW) | (uint32_t)(rd(0x38, HOST_NOW) & 0xF0) << 4;

        assert_int_equal(order & 0xF, 2); /* first: hard disk */
        assert_int_equal(order >> 4 & 0xF, 1);
        assert_int_equal(order >> 8 & 0xF, 3);
    }
    assert_int_equal(cmos_rtc_set_boot_order(&rtc, "dn", false), 0);
    assert_int_equal(rd(0x3D, HOST_NOW), 0x43);
    assert_int_equal(rd(0x38, HOST_NOW), 0x01); /* no floppy signature check */
    assert_int_equal(cmos_rtc_set_boot_order(&rtc, "", true), 0);
    assert_int_equal(rd(0x3D, HOST_NOW), 0);
    assert_int_equal(rd(0x38, HOST_NOW), 0);
    /* Refused whole. */
    assert_int_equal(cmos_rtc_set_boot_order(&rtc, "c", false), 0);
    assert_int_equal(cmos_rtc_set_boot_order(&rtc, "cx", true), -1);
    assert_int_equal(cmos_rtc_set_boot_order(&rtc, "cdnc", true), -1);
    assert_int_equal(cmos_rtc_set_boot_order(&rtc, "C", true), -1);
    assert_int_equal(rd(0x3D, HOST_NOW), 0x02);
    assert_int_equal(rd(0x38, HOST_NOW), 0x01);
}

/* src/block.c, get_translation: byte 0x39, 2 bits per drive (channel * 2 +
 * slave). */
static void test_ata_translation(void **state)
{
    (void)state;
    assert_int_equal(cmos_rtc_set_ata_translation(&rtc, 0, CMOS_ATA_TRANSLATE_LBA), 0);
    assert_int_equal(cmos_rtc_set_ata_translation(&rtc, 3, CMOS_ATA_TRANSLATE_RECHS), 0);
    assert_int_equal(cmos_rtc_set_ata_translation(&rtc, 2, CMOS_ATA_TRANSLATE_LARGE), 0);
    assert_int_equal(rd(0x39, HOST_NOW), 0x01 | 0x20 | 0xC0);
    assert_int_equal(cmos_rtc_set_ata_translation(&rtc, 3, CMOS_ATA_TRANSLATE_NONE), 0);
    assert_int_equal(rd(0x39, HOST_NOW), 0x21);
    for (unsigned drive = 0; drive < 4; drive++)
        assert_int_equal(rd(0x39, HOST_NOW) >> (2 * drive) & 3, drive == 0   ? 1
                                                                : drive == 2 ? 2
                                                                             : 0);
    assert_int_equal(cmos_rtc_set_ata_translation(&rtc, 4, 1), -1);
    assert_int_equal(cmos_rtc_set_ata_translation(&rtc, 1, 4), -1);
    assert_int_equal(rd(0x39, HOST_NOW), 0x21);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(test_calendar, setup),
        cmocka_unit_test_setup(test_read_bcd_24h, setup),
        cmocka_unit_test_setup(test_read_binary_12h, setup),
        cmocka_unit_test_setup(test_status_registers, setup),
        cmocka_unit_test_setup(test_set_with_set_bit, setup),
        cmocka_unit_test_setup(test_set_one_field, setup),
        cmocka_unit_test_setup(test_invalid_time_ignored, setup),
        cmocka_unit_test_setup(test_ram_and_hostile_indexes, setup),
        cmocka_unit_test_setup(test_uip, setup),
        cmocka_unit_test_setup(test_update_interrupt, setup),
        cmocka_unit_test_setup(test_enable_raises, setup),
        cmocka_unit_test_setup(test_periodic_rates, setup),
        cmocka_unit_test_setup(test_periodic_divider, setup),
        cmocka_unit_test_setup(test_alarm, setup),
        cmocka_unit_test_setup(test_alarm_formats, setup),
        cmocka_unit_test_setup(test_time_jumps, setup),
        cmocka_unit_test_setup(test_reset, setup),
        cmocka_unit_test_setup(test_memory, setup),
        cmocka_unit_test_setup(test_checksum_range, setup),
        cmocka_unit_test_setup(test_boot_order, setup),
        cmocka_unit_test_setup(test_ata_translation, setup),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
