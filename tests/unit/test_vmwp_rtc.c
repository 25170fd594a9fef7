/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Unit tests of tools/vmwp/cmos_rtc.c, the CMOS clock: the calendar
 * helpers against known dates and a round trip over 800 years, reading
 * the time in BCD and binary, 24 and 12 hours, UIP never set, registers
 * C and D, setting the clock with SET and field by field, rejection of
 * invalid dates and bad BCD, plain CMOS RAM, and hostile indexes.
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
    /* UIP never reads set, whatever is written; the rate bits stay. */
    for (int64_t t = HOST_NOW; t < HOST_NOW + 3; t++)
        assert_int_equal(rd(CMOS_REG_A, t) & CMOS_A_UIP, 0);
    wr(CMOS_REG_A, 0xA6, HOST_NOW);
    assert_int_equal(rd(CMOS_REG_A, HOST_NOW), 0x26);
    assert_int_equal(rd(CMOS_REG_B, HOST_NOW), CMOS_B_24H);
    assert_int_equal(rd(CMOS_REG_C, HOST_NOW), 0);
    assert_int_equal(rd(CMOS_REG_D, HOST_NOW), CMOS_D_VRT);
    wr(CMOS_REG_C, 0xFF, HOST_NOW);
    wr(CMOS_REG_D, 0x00, HOST_NOW);
    assert_int_equal(rd(CMOS_REG_C, HOST_NOW), 0);
    assert_int_equal(rd(CMOS_REG_D, HOST_NOW), CMOS_D_VRT);
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
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
