/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The PC's CMOS RTC (MC146818) at ports 0x70 (index, bit 7 = NMI mask) and
 * 0x71 (data), and the CMOS bytes a PC BIOS keeps in it.  Pure logic: the
 * host's time comes in with every call; the guest's clock is the host's
 * plus an offset (whole seconds) the guest changes by writing the time
 * registers, so the guest's seconds turn over when the host's do.
 *
 *   0x00 0x02 0x04  seconds, minutes, hours (24h, or 12h with bit 7 = PM)
 *   0x01 0x03 0x05  the alarm: seconds, minutes, hours, in the same format;
 *                   a value with bits 7-6 set (0xC0-0xFF) matches any
 *   0x06 0x07 0x08 0x09  day of week (1 = Sunday), day, month, year (0-99)
 *   0x32            century
 *   0x0A  A: UIP (bit 7, read-only) reads 1 in the 244 us (8 periods of
 *         the 32.768 kHz time base) before each update, while the divider
 *         runs (DV, bits 6-4, 010 or below: 11x holds it in reset) and SET
 *         is clear; RS (bits 3-0) the periodic interrupt's rate: none, then
 *         256 Hz, 128 Hz, 8192 Hz, 4096 Hz ... 2 Hz (32768 >> (RS - 1);
 *         RS 1 and 2 are RS 8 and 9).
 *   0x0B  B: SET (bit 7) freezes the clock for setting and stops updates
 *         (setting it clears UIE); PIE, AIE, UIE (bits 6-4) enable the
 *         periodic, alarm and update-ended interrupts; DM (bit 2) binary
 *         instead of BCD, 24/12 (bit 1); the rest is kept.  Reset: 24h, BCD.
 *   0x0C  C: IRQF (bit 7) = any of PF, AF, UF (bits 6-4) whose enable is
 *         set.  PF is set at every period of RS, UF at every update (once a
 *         second), AF at an update whose new time matches the alarm; each
 *         whether or not enabled, as the chip does.  Reading C returns the
 *         flags and clears them all.
 *   0x0D  D: VRT (bit 7): the battery is fine
 * The other bytes up to 127 are plain CMOS RAM.
 *
 * IRQ 8 is IRQF: cmos_rtc_irq() is the line.  The chip's events are
 * evaluated when the clock is touched (every access, cmos_rtc_advance()),
 * so nothing runs in between: the owner asks cmos_rtc_next_deadline() when
 * the line will next rise and arms a timer that calls cmos_rtc_advance()
 * then; after each access and each advance it drives IRQ 8 from
 * cmos_rtc_irq().  While IRQF is set no deadline is given: the line cannot
 * rise again until the guest reads C.  Missed periods are merged into one
 * PF, as a late guest sees on the chip.
 *
 * Time: the *_ns calls take the host's wall clock (CLOCK_REALTIME) in
 * nanoseconds since the epoch; the older calls take whole seconds, as if at
 * the start of that second (they never see UIP).  Use one or the other for
 * one struct.  If the host's time goes back, the clock's events restart
 * from the new time.
 *
 * Setting the time: with SET, written time registers are kept and become
 * the time when SET is cleared; without SET, one write changes the clock at
 * once.  A time that is not a valid date (bad BCD, day 31 of April, ...)
 * leaves the clock as it was.
 *
 * The BIOS's bytes (cmos_rtc_set_memory(), cmos_rtc_set_boot_order(),
 * cmos_rtc_set_ata_translation()) are the ones QEMU's PC sets and the QEMU
 * build of SeaBIOS reads (its src/hw/rtc.h names them):
 *   0x15-0x16  base memory in KiB (640)
 *   0x17-0x18  memory above 1 MiB in KiB, at most 0xFFFF (as 0x30-0x31)
 *   0x2E-0x2F  the AT checksum: the 16-bit sum of 0x10-0x2D, high byte
 *              first (QEMU leaves it 0 and SeaBIOS does not read it; Linux's
 *              nvram driver checks it)
 *   0x30-0x31  memory above 1 MiB in KiB, at most 0xFFFF
 *   0x34-0x35  memory between 16 MiB and 4 GiB in 64 KiB units, at most
 *              0xFFFF: SeaBIOS's RAM size below 4 GiB when fw_cfg has no
 *              etc/e820
 *   0x38       bits 7-4: the third boot device; bit 0: skip the floppy's
 *              boot signature check
 *   0x39       the ATA disks' BIOS geometry translation, 2 bits per drive
 *   0x3D       bits 3-0 and 7-4: the first and second boot devices
 *   0x5B-0x5D  memory above 4 GiB in 64 KiB units (SeaBIOS reads it when
 *              fw_cfg has no etc/e820)
 *   0x5F       vCPUs - 1 (0 above 255): SeaBIOS waits for the larger of
 *              this + 1 and fw_cfg's FW_CFG_NB_CPUS to come up
 * Multi-byte values are little-endian (the checksum aside).
 */
#ifndef VMWP_CMOS_RTC_H
#define VMWP_CMOS_RTC_H

#include <stdbool.h>
#include <stdint.h>

#define CMOS_PORT_INDEX 0x70
#define CMOS_PORT_DATA  0x71

#define CMOS_SECONDS       0x00
#define CMOS_SECONDS_ALARM 0x01
#define CMOS_MINUTES       0x02
#define CMOS_MINUTES_ALARM 0x03
#define CMOS_HOURS         0x04
#define CMOS_HOURS_ALARM   0x05
#define CMOS_DAY_OF_WEEK   0x06
#define CMOS_DAY           0x07
#define CMOS_MONTH         0x08
#define CMOS_YEAR          0x09
#define CMOS_REG_A         0x0A
#define CMOS_REG_B         0x0B
#define CMOS_REG_C         0x0C
#define CMOS_REG_D         0x0D
#define CMOS_CENTURY       0x32
#define CMOS_SIZE          128

/* The BIOS's bytes (see above). */
#define CMOS_BASE_MEM_LO    0x15
#define CMOS_BASE_MEM_HI    0x16
#define CMOS_EXT_MEM_LO     0x17
#define CMOS_EXT_MEM_HI     0x18
#define CMOS_CHECKSUM_HI    0x2E
#define CMOS_CHECKSUM_LO    0x2F
#define CMOS_EXT_MEM2_LO    0x30 /* the same value as 0x17-0x18 */
#define CMOS_EXT_MEM2_HI    0x31
#define CMOS_MEM_16M_LO     0x34
#define CMOS_MEM_16M_HI     0x35
#define CMOS_BOOT_FLAG1     0x38
#define CMOS_ATA_TRANSLATE  0x39
#define CMOS_BOOT_FLAG2     0x3D
#define CMOS_MEM_4G_LO      0x5B
#define CMOS_MEM_4G_MID     0x5C
#define CMOS_MEM_4G_HI      0x5D
#define CMOS_CPUS_MINUS_ONE 0x5F
#define CMOS_CHECKSUM_FIRST 0x10 /* the checksum covers 0x10-0x2D */
#define CMOS_CHECKSUM_LAST  0x2D

#define CMOS_A_UIP     0x80
#define CMOS_A_DV_MASK 0x70
#define CMOS_A_DV_32K  0x20 /* the 32.768 kHz time base, running */
#define CMOS_A_RS_MASK 0x0F
#define CMOS_B_SET     0x80
#define CMOS_B_PIE     0x40
#define CMOS_B_AIE     0x20
#define CMOS_B_UIE     0x10
#define CMOS_B_DM      0x04 /* binary */
#define CMOS_B_24H     0x02
#define CMOS_C_IRQF    0x80
#define CMOS_C_PF      0x40
#define CMOS_C_AF      0x20
#define CMOS_C_UF      0x10
#define CMOS_D_VRT     0x80
#define CMOS_HOUR_PM   0x80
#define CMOS_ALARM_ANY 0xC0 /* an alarm byte at or above this matches every value */

#define CMOS_RTC_NO_DEADLINE INT64_MAX

/* SeaBIOS's disk translations (cmos_rtc_set_ata_translation). */
#define CMOS_ATA_TRANSLATE_NONE  0 /* the drive's own geometry, at most 1024 cylinders */
#define CMOS_ATA_TRANSLATE_LBA   1 /* 63 sectors, heads from the size: what big disks need */
#define CMOS_ATA_TRANSLATE_LARGE 2
#define CMOS_ATA_TRANSLATE_RECHS 3

struct cmos_rtc {
    uint8_t index; /* 0..127 */
    uint8_t ram[CMOS_SIZE];
    int64_t offset; /* guest time - host time, seconds */
    /* The host time up to which the chip's events (PF, UF, AF) are in
     * ram[CMOS_REG_C]: seconds, and nanoseconds into that second. */
    int64_t last_s;
    uint32_t last_ns;
};

/* Reset state at host time @host_now (seconds): no interrupts, flags clear,
 * 1024 Hz rate, 24h BCD, the BIOS's bytes 0. */
void cmos_rtc_init(struct cmos_rtc *rtc, int64_t host_now);

/* The platform's reset (the chip's RESET pin): the interrupt enables and
 * flags clear, so IRQ 8 drops; the clock, its format and the CMOS RAM (the
 * BIOS's bytes) stay, as the battery keeps them. */
void cmos_rtc_reset(struct cmos_rtc *rtc);

/* A guest access to port CMOS_PORT_INDEX or CMOS_PORT_DATA (others: 0xFF,
 * ignored).  The index port is write-only: it reads 0xFF.  @host_now in
 * seconds (cmos_rtc_read/write) or nanoseconds (the _ns ones). */
uint8_t cmos_rtc_read(struct cmos_rtc *rtc, uint16_t port, int64_t host_now);
void cmos_rtc_write(struct cmos_rtc *rtc, uint16_t port, uint8_t value, int64_t host_now);
uint8_t cmos_rtc_read_ns(struct cmos_rtc *rtc, uint16_t port, int64_t host_ns);
void cmos_rtc_write_ns(struct cmos_rtc *rtc, uint16_t port, uint8_t value, int64_t host_ns);

/* Bring the chip's events up to @host_ns: the owner's timer, at the
 * deadline, then drives IRQ 8 from cmos_rtc_irq(). */
void cmos_rtc_advance(struct cmos_rtc *rtc, int64_t host_ns);

/* IRQ 8 as the chip drives it now (IRQF; active-high here, edge-triggered
 * at the interrupt controllers as ISA interrupts are). */
bool cmos_rtc_irq(const struct cmos_rtc *rtc);

/* The host time (ns) at which the line next rises, if nothing else
 * happens first; CMOS_RTC_NO_DEADLINE if it will not (no interrupt
 * enabled, the divider stopped, or IRQF already set).  It may be in the
 * past: advance at once then. */
int64_t cmos_rtc_next_deadline(const struct cmos_rtc *rtc);

/* The guest's time now, seconds since the epoch. */
int64_t cmos_rtc_guest_time(const struct cmos_rtc *rtc, int64_t host_now);

/* The memory size bytes and the vCPU count, then the checksum: RAM below
 * 4 GiB (from 0: the top of low RAM) and above 4 GiB, in bytes. */
void cmos_rtc_set_memory(struct cmos_rtc *rtc, uint64_t below_4g, uint64_t above_4g, unsigned cpus);

/* SeaBIOS's default boot priorities, as QEMU's -boot order= letters: up to
 * three of 'a' or 'b' (floppy), 'c' (hard disk), 'd' (CD-ROM), 'n'
 * (network: option ROMs' boot entry vectors).  An empty string leaves all
 * at SeaBIOS's lowest priority (then only a bootorder file ranks them).
 * @check_floppy_sig false skips the floppy boot sector's 0xAA55 check.
 * 0, or -1 (unknown letter, more than three: nothing changed). */
int cmos_rtc_set_boot_order(struct cmos_rtc *rtc, const char *order, bool check_floppy_sig);

/* The BIOS geometry translation SeaBIOS gives ATA disk @drive (channel * 2
 * + device: 0 primary master .. 3 secondary slave), CMOS_ATA_TRANSLATE_*.
 * 0, or -1 (bad drive or value: nothing changed). */
int cmos_rtc_set_ata_translation(struct cmos_rtc *rtc, unsigned drive, unsigned translation);

/* Calendar helpers (proleptic Gregorian, UTC), exposed for the tests. */
int64_t cmos_days_from_civil(int64_t year, unsigned month, unsigned day);
void cmos_civil_from_days(int64_t days, int64_t *year, unsigned *month, unsigned *day);

#endif
