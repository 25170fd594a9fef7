/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The ACPI PM I/O block the child's FADT points at (acpi_tables.h: PM1a
 * status and enable, PM1a control, the PM timer; ACPI_CHILD_PM_IO_LEN bytes
 * from the base port).  Pure logic: time comes in as nanoseconds of a
 * monotonic clock.
 *
 *   PM1a_STS  write 1 to clear.  TMR_STS is set whenever the timer's top bit
 *             (bit 31: the FADT says TMR_VAL_EXT) has changed since it was
 *             last cleared; no other status source exists (no buttons, no
 *             wake).
 *   PM1a_EN   reads back what was written.
 *   PM1a_CNT  SCI_EN reads 1 (always in ACPI mode); SLP_TYP and BM_RLS are
 *             kept; SLP_EN and GBL_RLS are write-only.  SLP_EN with
 *             SLP_TYP = S5 is the guest's power-off request; other sleep
 *             types are refused (reported, the guest keeps running).
 *   PM_TMR    3.579545 MHz from pm_init()'s time, 32 bits, read-only; its
 *             low 24 bits are the classic 24-bit timer.
 * Accesses may be of any width at any offset inside the block: bytes are
 * merged into the registers they touch (a 32-bit read of the timer is one
 * atomic sample).  The SCI is level: (STS & EN) with SCI_EN, and is only
 * evaluated on accesses (there is no host timer for a TMR_STS interrupt:
 * Linux does not enable it).
 */
#ifndef VMWP_PM_PORTS_H
#define VMWP_PM_PORTS_H

#include <stdbool.h>
#include <stdint.h>

#define PM1_STS_TMR    0x0001
#define PM1_STS_BM     0x0010
#define PM1_STS_GBL    0x0020
#define PM1_STS_PWRBTN 0x0100
#define PM1_STS_SLPBTN 0x0200
#define PM1_STS_RTC    0x0400
#define PM1_STS_WAK    0x8000

#define PM1_CNT_BM_RLS  0x0002
#define PM1_CNT_GBL_RLS 0x0004
#define PM1_CNT_SLP_TYP 0x1C00

/* What a write asks of the platform. */
enum pm_event {
    PM_EVENT_NONE,
    PM_EVENT_POWER_OFF,     /* SLP_EN with SLP_TYP S5 */
    PM_EVENT_SLEEP_REFUSED, /* SLP_EN with another SLP_TYP: not supported */
};

struct pm_ports {
    uint16_t sts;           /* status bits other than TMR_STS (none are ever set) */
    uint16_t en;            /* PM1a_EN */
    uint16_t cnt;           /* PM1a_CNT's kept bits */
    uint64_t start_ns;      /* the timer's zero */
    uint64_t tmr_sts_epoch; /* (ticks >> 31) when TMR_STS was last cleared */
};

void pm_init(struct pm_ports *pm, uint64_t now_ns);

/* The PM timer's 32-bit value at @now_ns (ticks since pm_init, wrapping). */
uint32_t pm_timer_value(const struct pm_ports *pm, uint64_t now_ns);

/* A guest access at @offset (0 .. ACPI_CHILD_PM_IO_LEN - 1) of @size bytes
 * (1, 2 or 4); bytes past the block read as 0xFF and are not written. */
uint32_t pm_read(struct pm_ports *pm, unsigned offset, unsigned size, uint64_t now_ns);
enum pm_event pm_write(struct pm_ports *pm, unsigned offset, unsigned size, uint32_t value,
                       uint64_t now_ns);

/* The SCI line's level now. */
bool pm_sci_level(const struct pm_ports *pm, uint64_t now_ns);

#endif
