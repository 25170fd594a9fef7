// SPDX-License-Identifier: GPL-2.0-only
/*
 * The CMOS real-time clock (see cmos_rtc.h).  The date arithmetic is
 * written out (Howard Hinnant's days_from_civil / civil_from_days) rather
 * than taken from libc, so that it has no time zone and no range limits a
 * guest could trip over.
 */
#include <string.h>

#include "cmos_rtc.h"

#define SECS_PER_DAY 86400

/* The registers the clock itself produces; SET keeps them in ram[]. */
static const uint8_t time_regs[] = {CMOS_SECONDS, CMOS_MINUTES, CMOS_HOURS, CMOS_DAY_OF_WEEK,
                                    CMOS_DAY,     CMOS_MONTH,   CMOS_YEAR,  CMOS_CENTURY};

static bool is_time_reg(unsigned index)
{
    for (unsigned i = 0; i < sizeof(time_regs); i++) {
        if (time_regs[i] == index)
            return true;
    }
    return false;
}

int64_t cmos_days_from_civil(int64_t y, unsigned m, unsigned d)
{
    int64_t era, yoe, doy, doe;

    y -= m <= 2;
    era = (y >= 0 ? y : y - 399) / 400;
    yoe = y - era * 400;
    doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
    doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

void cmos_civil_from_days(int64_t z, int64_t *year, unsigned *month, unsigned *day)
{
    int64_t era, doe, yoe, y, doy, mp;

    z += 719468;
    era = (z >= 0 ? z : z - 146096) / 146097;
    doe = z - era * 146097;
    yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    y = yoe + era * 400;
    doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    mp = (5 * doy + 2) / 153;
    *day = (unsigned)(doy - (153 * mp + 2) / 5 + 1);
    *month = (unsigned)(mp < 10 ? mp + 3 : mp - 9);
    *year = y + (*month <= 2);
}

static bool leap(int64_t y)
{
    return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static unsigned days_in_month(int64_t y, unsigned m)
{
    static const uint8_t days[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};

    return m == 2 && leap(y) ? 29 : days[m - 1];
}

int64_t cmos_rtc_guest_time(const struct cmos_rtc *rtc, int64_t host_now)
{
    /* Wrapping arithmetic: a hostile offset must not be undefined behaviour. */
    return (int64_t)((uint64_t)host_now + (uint64_t)rtc->offset);
}

static bool binary_mode(const struct cmos_rtc *rtc)
{
    return rtc->ram[CMOS_REG_B] & CMOS_B_DM;
}

static uint8_t encode(const struct cmos_rtc *rtc, unsigned v)
{
    v %= 100;
    return binary_mode(rtc) ? (uint8_t)v : (uint8_t)((v / 10) << 4 | v % 10);
}

/* A register's number, or -1 if it is not valid BCD (in BCD mode). */
static int decode(const struct cmos_rtc *rtc, uint8_t v)
{
    if (binary_mode(rtc))
        return v;
    if ((v >> 4) > 9 || (v & 0xF) > 9)
        return -1;
    return (v >> 4) * 10 + (v & 0xF);
}

/* The clock registers for guest time @t, in the format register B asks for. */
static void encode_time(const struct cmos_rtc *rtc, int64_t t, uint8_t regs[CMOS_SIZE])
{
    int64_t days = t / SECS_PER_DAY, secs = t % SECS_PER_DAY, year;
    unsigned month, day, hour;

    if (secs < 0) {
        secs += SECS_PER_DAY;
        days--;
    }
    cmos_civil_from_days(days, &year, &month, &day);
    /* Years outside 0..9999 have no CMOS encoding: keep the last four digits. */
    year %= 10000;
    if (year < 0)
        year += 10000;
    hour = (unsigned)(secs / 3600);
    regs[CMOS_SECONDS] = encode(rtc, (unsigned)(secs % 60));
    regs[CMOS_MINUTES] = encode(rtc, (unsigned)(secs / 60 % 60));
    if (rtc->ram[CMOS_REG_B] & CMOS_B_24H) {
        regs[CMOS_HOURS] = encode(rtc, hour);
    } else {
        unsigned h12 = hour % 12 ? hour % 12 : 12;

        regs[CMOS_HOURS] = (uint8_t)(encode(rtc, h12) | (hour >= 12 ? CMOS_HOUR_PM : 0));
    }
    /* 1970-01-01 (day 0) was a Thursday: day of week 5 with Sunday = 1. */
    regs[CMOS_DAY_OF_WEEK] = encode(rtc, (unsigned)(((days % 7) + 7 + 4) % 7 + 1));
    regs[CMOS_DAY] = encode(rtc, day);
    regs[CMOS_MONTH] = encode(rtc, month);
    regs[CMOS_YEAR] = encode(rtc, (unsigned)(year % 100));
    regs[CMOS_CENTURY] = encode(rtc, (unsigned)(year / 100));
}

/* The time the clock registers in @regs say, or false if they are not a
 * valid date and time (the day of week is not checked: it is derived). */
static bool decode_time(const struct cmos_rtc *rtc, const uint8_t regs[CMOS_SIZE], int64_t *t)
{
    int sec = decode(rtc, regs[CMOS_SECONDS]), min = decode(rtc, regs[CMOS_MINUTES]);
    int day = decode(rtc, regs[CMOS_DAY]), month = decode(rtc, regs[CMOS_MONTH]);
    int year = decode(rtc, regs[CMOS_YEAR]), century = decode(rtc, regs[CMOS_CENTURY]);
    int hour;
    int64_t full_year;

    if (rtc->ram[CMOS_REG_B] & CMOS_B_24H) {
        hour = decode(rtc, regs[CMOS_HOURS]);
    } else {
        hour = decode(rtc, regs[CMOS_HOURS] & (uint8_t)~CMOS_HOUR_PM);
        if (hour < 1 || hour > 12)
            return false;
        hour = hour % 12 + (regs[CMOS_HOURS] & CMOS_HOUR_PM ? 12 : 0);
    }
    if (sec < 0 || sec > 59 || min < 0 || min > 59 || hour < 0 || hour > 23 || year < 0 ||
        year > 99 || century < 0 || century > 99 || month < 1 || month > 12)
        return false;
    full_year = century * 100 + year;
    if (day < 1 || (unsigned)day > days_in_month(full_year, (unsigned)month))
        return false;
    *t = cmos_days_from_civil(full_year, (unsigned)month, (unsigned)day) * SECS_PER_DAY +
         hour * 3600 + min * 60 + sec;
    return true;
}

/* Make the guest's clock read @regs' time now. */
static void set_time(struct cmos_rtc *rtc, const uint8_t regs[CMOS_SIZE], int64_t host_now)
{
    int64_t t;

    if (decode_time(rtc, regs, &t))
        rtc->offset = (int64_t)((uint64_t)t - (uint64_t)host_now);
}

void cmos_rtc_init(struct cmos_rtc *rtc, int64_t host_now)
{
    (void)host_now;
    memset(rtc, 0, sizeof(*rtc));
    rtc->ram[CMOS_REG_A] = 0x26; /* 32.768 kHz time base, 1024 Hz rate: the usual */
    rtc->ram[CMOS_REG_B] = CMOS_B_24H;
}

static uint8_t read_data(struct cmos_rtc *rtc, int64_t host_now)
{
    unsigned index = rtc->index;
    uint8_t regs[CMOS_SIZE];

    switch (index) {
    case CMOS_REG_A:
        return rtc->ram[CMOS_REG_A] & (uint8_t)~CMOS_A_UIP;
    case CMOS_REG_C:
        return 0;
    case CMOS_REG_D:
        return CMOS_D_VRT;
    default:
        break;
    }
    if (!is_time_reg(index) || (rtc->ram[CMOS_REG_B] & CMOS_B_SET))
        return rtc->ram[index];
    encode_time(rtc, cmos_rtc_guest_time(rtc, host_now), regs);
    return regs[index];
}

static void write_reg_b(struct cmos_rtc *rtc, uint8_t value, int64_t host_now)
{
    uint8_t old = rtc->ram[CMOS_REG_B];

    if ((value & CMOS_B_SET) && !(old & CMOS_B_SET)) {
        /* Freeze: the registers hold the time the guest now edits. */
        uint8_t regs[CMOS_SIZE];

        encode_time(rtc, cmos_rtc_guest_time(rtc, host_now), regs);
        for (unsigned i = 0; i < sizeof(time_regs); i++)
            rtc->ram[time_regs[i]] = regs[time_regs[i]];
        rtc->ram[CMOS_REG_B] = value;
        return;
    }
    if (!(value & CMOS_B_SET) && (old & CMOS_B_SET)) {
        /* The edited registers are read in the format they were written
         * in: the one in force while SET was on. */
        set_time(rtc, rtc->ram, host_now);
    }
    rtc->ram[CMOS_REG_B] = value;
}

static void write_data(struct cmos_rtc *rtc, uint8_t value, int64_t host_now)
{
    unsigned index = rtc->index;

    switch (index) {
    case CMOS_REG_A:
        rtc->ram[CMOS_REG_A] = value & (uint8_t)~CMOS_A_UIP;
        return;
    case CMOS_REG_B:
        write_reg_b(rtc, value, host_now);
        return;
    case CMOS_REG_C:
    case CMOS_REG_D:
        return; /* read-only */
    default:
        break;
    }
    if (!is_time_reg(index) || (rtc->ram[CMOS_REG_B] & CMOS_B_SET)) {
        rtc->ram[index] = value;
        return;
    }
    /* A running clock takes the one changed field at once. */
    {
        uint8_t regs[CMOS_SIZE];

        encode_time(rtc, cmos_rtc_guest_time(rtc, host_now), regs);
        regs[index] = value;
        set_time(rtc, regs, host_now);
    }
}

uint8_t cmos_rtc_read(struct cmos_rtc *rtc, uint16_t port, int64_t host_now)
{
    if (port != CMOS_PORT_DATA)
        return 0xFF;
    return read_data(rtc, host_now);
}

void cmos_rtc_write(struct cmos_rtc *rtc, uint16_t port, uint8_t value, int64_t host_now)
{
    if (port == CMOS_PORT_INDEX)
        rtc->index = value & 0x7F; /* bit 7 masks NMIs: there are none to mask */
    else if (port == CMOS_PORT_DATA)
        write_data(rtc, value, host_now);
}
