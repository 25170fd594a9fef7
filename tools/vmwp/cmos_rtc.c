// SPDX-License-Identifier: GPL-2.0-only
/*
 * The CMOS real-time clock (see cmos_rtc.h).  The date arithmetic is
 * written out (Howard Hinnant's days_from_civil / civil_from_days) rather
 * than taken from libc, so that it has no time zone and no range limits a
 * guest could trip over.
 *
 * The chip's events are computed, not timed: every entry point first
 * brings register C up to the caller's time (advance()), looking at what
 * happened between the last time it did and now, with the registers as
 * they were all that while (they only change through entry points, which
 * advance first).  The divider chain is aligned with the host's seconds:
 * an update happens at every host second boundary, and the periodic
 * interrupt's periods, which all divide a second, line up with them.
 */
#include <string.h>

#include "cmos_rtc.h"

#define SECS_PER_DAY 86400
#define NS_PER_SEC   1000000000
#define TICKS_HZ     32768 /* the time base; UIP and the periodic rates count in it */
#define UIP_TICKS    8     /* UIP is set 8 ticks (244 us) before the update */

/* A host time: seconds, and nanoseconds into that second. */
struct when {
    int64_t s;
    uint32_t ns;
};

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

/* ---- the chip's events ---------------------------------------------------------------- */

static struct when when_ns(int64_t ns)
{
    int64_t s = ns / NS_PER_SEC, r = ns % NS_PER_SEC;

    if (r < 0) {
        r += NS_PER_SEC;
        s--;
    }
    return (struct when){s, (uint32_t)r};
}

static bool before(struct when a, struct when b)
{
    return a.s < b.s || (a.s == b.s && a.ns < b.ns);
}

/* The time base's tick within the second (0..32767). */
static uint32_t tick_of(uint32_t ns)
{
    return (uint32_t)((uint64_t)ns * TICKS_HZ / NS_PER_SEC);
}

/* Whether the divider chain counts (DV 010, or the other time bases 000
 * and 001, as QEMU takes them): 11x holds it in reset. */
static bool divider_runs(const struct cmos_rtc *rtc)
{
    return (rtc->ram[CMOS_REG_A] & CMOS_A_DV_MASK) <= CMOS_A_DV_32K;
}

/* Whether the once-a-second update happens: SET stops it. */
static bool updating(const struct cmos_rtc *rtc)
{
    return divider_runs(rtc) && !(rtc->ram[CMOS_REG_B] & CMOS_B_SET);
}

/* The periodic interrupt's period in ticks, or 0 for none. */
static uint32_t period_ticks(const struct cmos_rtc *rtc)
{
    unsigned rs = rtc->ram[CMOS_REG_A] & CMOS_A_RS_MASK;

    if (!rs || !divider_runs(rtc))
        return 0;
    if (rs <= 2)
        rs += 7; /* RS 1 and 2 give 256 and 128 Hz, as RS 8 and 9 */
    return 1U << (rs - 1);
}

/* An alarm byte: -1 for "any", the value, or -2 if it can never match
 * (not valid in the current format). */
static int alarm_field(const struct cmos_rtc *rtc, unsigned index, int max)
{
    uint8_t v = rtc->ram[index];
    int d;

    if (v >= CMOS_ALARM_ANY)
        return -1;
    if (index == CMOS_HOURS_ALARM && !(rtc->ram[CMOS_REG_B] & CMOS_B_24H)) {
        d = decode(rtc, v & (uint8_t)~CMOS_HOUR_PM);
        if (d < 1 || d > 12)
            return -2;
        return d % 12 + (v & CMOS_HOUR_PM ? 12 : 0);
    }
    d = decode(rtc, v);
    return d >= 0 && d <= max ? d : -2;
}

static bool field_matches(int want, int v)
{
    return want == -1 || want == v;
}

/* After guest second @t, in how many seconds (1..86400) the time next
 * matches the alarm; 0 if never. */
static int64_t alarm_in(const struct cmos_rtc *rtc, int64_t t)
{
    int sec = alarm_field(rtc, CMOS_SECONDS_ALARM, 59);
    int min = alarm_field(rtc, CMOS_MINUTES_ALARM, 59);
    int hour = alarm_field(rtc, CMOS_HOURS_ALARM, 23);
    int64_t tod = t % SECS_PER_DAY;
    int64_t minute0, s0;

    if (sec == -2 || min == -2 || hour == -2)
        return 0;
    if (tod < 0)
        tod += SECS_PER_DAY;
    minute0 = tod / 60;
    s0 = tod % 60;
    /* Minute by minute from this one to the same one tomorrow: in this
     * minute only the seconds after s0 count, tomorrow's only those up to
     * s0 (the later ones were found today). */
    for (int64_t k = 0; k <= 24 * 60; k++) {
        int64_t m = (minute0 + k) % (24 * 60), first;

        if (!field_matches(hour, (int)(m / 60)) || !field_matches(min, (int)(m % 60)))
            continue;
        if (sec == -1)
            first = k == 0 ? s0 + 1 : 0;
        else
            first = sec;
        if (k == 0 && (first <= s0 || first > 59))
            continue;
        if (k == 24 * 60 && first > s0)
            continue;
        return k * 60 + first - s0;
    }
    return 0;
}

/* Set IRQF from the flags and their enables (the chip's AND-OR). */
static void update_irqf(struct cmos_rtc *rtc)
{
    uint8_t c = rtc->ram[CMOS_REG_C] & (CMOS_C_PF | CMOS_C_AF | CMOS_C_UF);

    if (c & rtc->ram[CMOS_REG_B])
        c |= CMOS_C_IRQF;
    rtc->ram[CMOS_REG_C] = c;
}

/* Register C as of host time @now: the flags of everything in (last, now]. */
static void advance(struct cmos_rtc *rtc, struct when now)
{
    struct when last = {rtc->last_s, rtc->last_ns};
    uint64_t seconds;
    uint32_t period = period_ticks(rtc);
    uint8_t flags = 0;

    if (!before(last, now)) {
        /* Time stood still, or went back (the host's clock was set):
         * restart from here. */
        rtc->last_s = now.s;
        rtc->last_ns = now.ns;
        return;
    }
    /* now > last, so the difference fits, even from hostile times. */
    seconds = (uint64_t)now.s - (uint64_t)last.s;
    if (period && (seconds || tick_of(now.ns) / period != tick_of(last.ns) / period))
        flags |= CMOS_C_PF; /* a second boundary is a period boundary too */
    if (updating(rtc) && seconds) {
        int64_t in = alarm_in(rtc, cmos_rtc_guest_time(rtc, last.s));

        flags |= CMOS_C_UF;
        if (in && (uint64_t)in <= seconds)
            flags |= CMOS_C_AF;
    }
    rtc->ram[CMOS_REG_C] |= flags;
    update_irqf(rtc);
    rtc->last_s = now.s;
    rtc->last_ns = now.ns;
}

void cmos_rtc_advance(struct cmos_rtc *rtc, int64_t host_ns)
{
    advance(rtc, when_ns(host_ns));
}

bool cmos_rtc_irq(const struct cmos_rtc *rtc)
{
    return rtc->ram[CMOS_REG_C] & CMOS_C_IRQF;
}

/* @w in ns since the epoch, CMOS_RTC_NO_DEADLINE past what fits. */
static int64_t ns_of(struct when w)
{
    if (w.s >= INT64_MAX / NS_PER_SEC)
        return CMOS_RTC_NO_DEADLINE;
    if (w.s < INT64_MIN / NS_PER_SEC + 1)
        return INT64_MIN;
    return w.s * NS_PER_SEC + w.ns;
}

int64_t cmos_rtc_next_deadline(const struct cmos_rtc *rtc)
{
    uint8_t b = rtc->ram[CMOS_REG_B];
    uint32_t period = period_ticks(rtc);
    int64_t best = CMOS_RTC_NO_DEADLINE;

    if (rtc->ram[CMOS_REG_C] & CMOS_C_IRQF)
        return CMOS_RTC_NO_DEADLINE;
    if ((b & CMOS_B_PIE) && period) {
        uint32_t next = (tick_of(rtc->last_ns) / period + 1) * period;
        struct when w = {rtc->last_s, 0};

        if (next >= TICKS_HZ) {
            w.s++;
        } else {
            /* The first nanosecond whose tick is @next. */
            w.ns = (uint32_t)(((uint64_t)next * NS_PER_SEC + TICKS_HZ - 1) / TICKS_HZ);
        }
        if (ns_of(w) < best)
            best = ns_of(w);
    }
    if (updating(rtc) && (b & (CMOS_B_UIE | CMOS_B_AIE))) {
        int64_t in = 1;

        if (!(b & CMOS_B_UIE))
            in = alarm_in(rtc, cmos_rtc_guest_time(rtc, rtc->last_s));
        if (in && rtc->last_s <= INT64_MAX - in) {
            int64_t t = ns_of((struct when){rtc->last_s + in, 0});

            if (t < best)
                best = t;
        }
    }
    return best;
}

/* ---- registers ------------------------------------------------------------------------- */

void cmos_rtc_init(struct cmos_rtc *rtc, int64_t host_now)
{
    memset(rtc, 0, sizeof(*rtc));
    rtc->ram[CMOS_REG_A] = 0x26; /* 32.768 kHz time base, 1024 Hz rate: the usual */
    rtc->ram[CMOS_REG_B] = CMOS_B_24H;
    rtc->last_s = host_now;
}

void cmos_rtc_reset(struct cmos_rtc *rtc)
{
    /* The MC146818A data sheet's RESET list: PIE, AIE, UIE and SQWE (bit
     * 3) in B, every flag in C.  (QEMU's rtc_reset() leaves UIE; a BIOS
     * sets B again anyway.) */
    rtc->ram[CMOS_REG_B] &= (uint8_t) ~(CMOS_B_PIE | CMOS_B_AIE | CMOS_B_UIE | 0x08);
    rtc->ram[CMOS_REG_C] = 0;
}

static uint8_t read_data(struct cmos_rtc *rtc, struct when now)
{
    unsigned index = rtc->index;
    uint8_t regs[CMOS_SIZE], v;

    switch (index) {
    case CMOS_REG_A:
        v = rtc->ram[CMOS_REG_A] & (uint8_t)~CMOS_A_UIP;
        if (updating(rtc) && tick_of(now.ns) >= TICKS_HZ - UIP_TICKS)
            v |= CMOS_A_UIP;
        return v;
    case CMOS_REG_C:
        /* Reading acknowledges: every flag clears, and the line drops. */
        v = rtc->ram[CMOS_REG_C];
        rtc->ram[CMOS_REG_C] = 0;
        return v;
    case CMOS_REG_D:
        return CMOS_D_VRT;
    default:
        break;
    }
    if (!is_time_reg(index) || (rtc->ram[CMOS_REG_B] & CMOS_B_SET))
        return rtc->ram[index];
    encode_time(rtc, cmos_rtc_guest_time(rtc, now.s), regs);
    return regs[index];
}

static void write_reg_b(struct cmos_rtc *rtc, uint8_t value, int64_t host_now)
{
    uint8_t old = rtc->ram[CMOS_REG_B];

    /* SET stops updates and, as on the chip (and in QEMU), clears UIE. */
    if (value & CMOS_B_SET)
        value &= (uint8_t)~CMOS_B_UIE;
    if ((value & CMOS_B_SET) && !(old & CMOS_B_SET)) {
        /* Freeze: the registers hold the time the guest now edits. */
        uint8_t regs[CMOS_SIZE];

        encode_time(rtc, cmos_rtc_guest_time(rtc, host_now), regs);
        for (unsigned i = 0; i < sizeof(time_regs); i++)
            rtc->ram[time_regs[i]] = regs[time_regs[i]];
    } else if (!(value & CMOS_B_SET) && (old & CMOS_B_SET)) {
        /* The edited registers are read in the format they were written
         * in: the one in force while SET was on. */
        set_time(rtc, rtc->ram, host_now);
    }
    rtc->ram[CMOS_REG_B] = value;
    /* A flag already up raises the line as soon as it is enabled; with no
     * enabled flag left the line drops. */
    update_irqf(rtc);
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

static uint8_t read_at(struct cmos_rtc *rtc, uint16_t port, struct when now)
{
    if (port != CMOS_PORT_DATA)
        return 0xFF;
    advance(rtc, now);
    return read_data(rtc, now);
}

static void write_at(struct cmos_rtc *rtc, uint16_t port, uint8_t value, struct when now)
{
    if (port == CMOS_PORT_INDEX) {
        rtc->index = value & 0x7F; /* bit 7 masks NMIs: there are none to mask */
    } else if (port == CMOS_PORT_DATA) {
        /* The events up to now happened under the old register values. */
        advance(rtc, now);
        write_data(rtc, value, now.s);
    }
}

uint8_t cmos_rtc_read(struct cmos_rtc *rtc, uint16_t port, int64_t host_now)
{
    return read_at(rtc, port, (struct when){host_now, 0});
}

void cmos_rtc_write(struct cmos_rtc *rtc, uint16_t port, uint8_t value, int64_t host_now)
{
    write_at(rtc, port, value, (struct when){host_now, 0});
}

uint8_t cmos_rtc_read_ns(struct cmos_rtc *rtc, uint16_t port, int64_t host_ns)
{
    return read_at(rtc, port, when_ns(host_ns));
}

void cmos_rtc_write_ns(struct cmos_rtc *rtc, uint16_t port, uint8_t value, int64_t host_ns)
{
    write_at(rtc, port, value, when_ns(host_ns));
}

/* ---- the BIOS's bytes ------------------------------------------------------------------ */

static void put16_le(struct cmos_rtc *rtc, unsigned index, uint16_t v)
{
    rtc->ram[index] = (uint8_t)v;
    rtc->ram[index + 1] = (uint8_t)(v >> 8);
}

/* The AT checksum: bytes 0x10-0x2D summed into 16 bits, stored high byte
 * first (the one multi-byte CMOS value that is big-endian). */
static void update_checksum(struct cmos_rtc *rtc)
{
    uint16_t sum = 0;

    for (unsigned i = CMOS_CHECKSUM_FIRST; i <= CMOS_CHECKSUM_LAST; i++)
        sum = (uint16_t)(sum + rtc->ram[i]);
    rtc->ram[CMOS_CHECKSUM_HI] = (uint8_t)(sum >> 8);
    rtc->ram[CMOS_CHECKSUM_LO] = (uint8_t)sum;
}

#define KIB 1024ULL
#define MIB (1024 * KIB)

void cmos_rtc_set_memory(struct cmos_rtc *rtc, uint64_t below_4g, uint64_t above_4g, unsigned cpus)
{
    uint64_t base = below_4g / KIB, ext = 0, mid = 0, high = above_4g / (64 * KIB);

    /* As QEMU's pc_cmos_init() fills them. */
    if (base > 640)
        base = 640;
    if (below_4g > MIB)
        ext = (below_4g - MIB) / KIB;
    if (ext > 0xFFFF)
        ext = 0xFFFF;
    if (below_4g > 16 * MIB)
        mid = (below_4g - 16 * MIB) / (64 * KIB);
    if (mid > 0xFFFF)
        mid = 0xFFFF;
    if (high > 0xFFFFFF)
        high = 0xFFFFFF; /* 1 TiB - 64 KiB: QEMU would wrap; SeaBIOS reads etc/e820 anyway */
    put16_le(rtc, CMOS_BASE_MEM_LO, (uint16_t)base);
    put16_le(rtc, CMOS_EXT_MEM_LO, (uint16_t)ext);
    put16_le(rtc, CMOS_EXT_MEM2_LO, (uint16_t)ext);
    put16_le(rtc, CMOS_MEM_16M_LO, (uint16_t)mid);
    rtc->ram[CMOS_MEM_4G_LO] = (uint8_t)high;
    rtc->ram[CMOS_MEM_4G_MID] = (uint8_t)(high >> 8);
    rtc->ram[CMOS_MEM_4G_HI] = (uint8_t)(high >> 16);
    /* More than fits in a byte: 0, as QEMU does, so that an old BIOS fails
     * predictably; SeaBIOS takes FW_CFG_NB_CPUS then. */
    rtc->ram[CMOS_CPUS_MINUS_ONE] = cpus >= 1 && cpus <= 255 ? (uint8_t)(cpus - 1) : 0;
    update_checksum(rtc);
}

int cmos_rtc_set_boot_order(struct cmos_rtc *rtc, const char *order, bool check_floppy_sig)
{
    uint8_t dev[3] = {0, 0, 0};
    size_t n = 0;

    for (; order[n]; n++) {
        if (n == 3)
            return -1;
        switch (order[n]) {
        case 'a':
        case 'b':
            dev[n] = 1;
            break;
        case 'c':
            dev[n] = 2;
            break;
        case 'd':
            dev[n] = 3;
            break;
        case 'n':
            dev[n] = 4;
            break;
        default:
            return -1;
        }
    }
    rtc->ram[CMOS_BOOT_FLAG2] = (uint8_t)(dev[1] << 4 | dev[0]);
    rtc->ram[CMOS_BOOT_FLAG1] = (uint8_t)(dev[2] << 4 | (check_floppy_sig ? 0 : 1));
    return 0;
}

int cmos_rtc_set_ata_translation(struct cmos_rtc *rtc, unsigned drive, unsigned translation)
{
    unsigned shift = 2 * drive;

    if (drive > 3 || translation > CMOS_ATA_TRANSLATE_RECHS)
        return -1;
    rtc->ram[CMOS_ATA_TRANSLATE] =
        (uint8_t)((rtc->ram[CMOS_ATA_TRANSLATE] & ~(3U << shift)) | translation << shift);
    return 0;
}
