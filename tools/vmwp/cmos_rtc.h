/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The PC's CMOS RTC (MC146818) at ports 0x70 (index, bit 7 = NMI mask) and
 * 0x71 (data): enough for Linux to read and set the time.  Pure logic: the
 * host's time comes in as seconds since the epoch; the guest's clock is the
 * host's plus an offset the guest changes by writing the time registers.
 *
 *   0x00 0x02 0x04  seconds, minutes, hours (24h, or 12h with bit 7 = PM)
 *   0x06 0x07 0x08 0x09  day of week (1 = Sunday), day, month, year (0-99)
 *   0x32            century
 *   0x0A  A: UIP (bit 7) always reads 0 (an update never appears to be in
 *         progress: every read is computed from one sample); the divider and
 *         rate bits are kept
 *   0x0B  B: SET (bit 7) freezes the clock for setting, DM (bit 2) binary
 *         instead of BCD, 24/12 (bit 1); the rest is kept.  Reset: 24h, BCD.
 *   0x0C  C: interrupt flags, always 0 (no alarm, periodic or update
 *         interrupts: IRQ 8 is never raised)
 *   0x0D  D: VRT (bit 7): the battery is fine
 * The alarm registers and the other bytes up to 127 are plain CMOS RAM.
 *
 * Setting the time: with SET, written time registers are kept and become
 * the time when SET is cleared; without SET, one write changes the clock at
 * once.  A time that is not a valid date (bad BCD, day 31 of April, ...)
 * leaves the clock as it was.
 */
#ifndef VMWP_CMOS_RTC_H
#define VMWP_CMOS_RTC_H

#include <stdbool.h>
#include <stdint.h>

#define CMOS_PORT_INDEX 0x70
#define CMOS_PORT_DATA  0x71

#define CMOS_SECONDS     0x00
#define CMOS_MINUTES     0x02
#define CMOS_HOURS       0x04
#define CMOS_DAY_OF_WEEK 0x06
#define CMOS_DAY         0x07
#define CMOS_MONTH       0x08
#define CMOS_YEAR        0x09
#define CMOS_REG_A       0x0A
#define CMOS_REG_B       0x0B
#define CMOS_REG_C       0x0C
#define CMOS_REG_D       0x0D
#define CMOS_CENTURY     0x32
#define CMOS_SIZE        128

#define CMOS_A_UIP   0x80
#define CMOS_B_SET   0x80
#define CMOS_B_DM    0x04 /* binary */
#define CMOS_B_24H   0x02
#define CMOS_D_VRT   0x80
#define CMOS_HOUR_PM 0x80

struct cmos_rtc {
    uint8_t index; /* 0..127 */
    uint8_t ram[CMOS_SIZE];
    int64_t offset; /* guest time - host time, seconds */
};

void cmos_rtc_init(struct cmos_rtc *rtc, int64_t host_now);

/* A guest access to port CMOS_PORT_INDEX or CMOS_PORT_DATA (others: 0xFF,
 * ignored).  The index port is write-only: it reads 0xFF. */
uint8_t cmos_rtc_read(struct cmos_rtc *rtc, uint16_t port, int64_t host_now);
void cmos_rtc_write(struct cmos_rtc *rtc, uint16_t port, uint8_t value, int64_t host_now);

/* The guest's time now, seconds since the epoch. */
int64_t cmos_rtc_guest_time(const struct cmos_rtc *rtc, int64_t host_now);

/* Calendar helpers (proleptic Gregorian, UTC), exposed for the tests. */
int64_t cmos_days_from_civil(int64_t year, unsigned month, unsigned day);
void cmos_civil_from_days(int64_t days, int64_t *year, unsigned *month, unsigned *day);

#endif
