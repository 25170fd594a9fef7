// SPDX-License-Identifier: GPL-2.0-only
/*
 * The ACPI PM1a event and control blocks and the PM timer (see pm_ports.h).
 */
#include <string.h>

#include "acpi_tables.h"
#include "pm_ports.h"

#define NS_PER_S 1000000000ull

void pm_init(struct pm_ports *pm, uint64_t now_ns)
{
    memset(pm, 0, sizeof(*pm));
    pm->start_ns = now_ns;
}

/* Timer ticks since pm_init, not wrapped: exact, with a 128-bit product so
 * that no rounding error accumulates however long the VM runs. */
static uint64_t timer_ticks(const struct pm_ports *pm, uint64_t now_ns)
{
    uint64_t elapsed = now_ns > pm->start_ns ? now_ns - pm->start_ns : 0;

    return (uint64_t)((unsigned __int128)elapsed * ACPI_CHILD_PM_TMR_HZ / NS_PER_S);
}

uint32_t pm_timer_value(const struct pm_ports *pm, uint64_t now_ns)
{
    return (uint32_t)timer_ticks(pm, now_ns);
}

static uint16_t sts_value(const struct pm_ports *pm, uint64_t now_ns)
{
    uint16_t sts = pm->sts;

    if ((timer_ticks(pm, now_ns) >> 31) != pm->tmr_sts_epoch)
        sts |= PM1_STS_TMR;
    return sts;
}

static uint16_t cnt_value(const struct pm_ports *pm)
{
    return pm->cnt | ACPI_CHILD_PM1_SCI_EN;
}

bool pm_sci_level(const struct pm_ports *pm, uint64_t now_ns)
{
    return (sts_value(pm, now_ns) & pm->en) && (cnt_value(pm) & ACPI_CHILD_PM1_SCI_EN);
}

/* The block as the guest reads it, byte by byte (little-endian registers). */
static void snapshot(const struct pm_ports *pm, uint64_t now_ns, uint8_t out[ACPI_CHILD_PM_IO_LEN])
{
    uint16_t sts = sts_value(pm, now_ns), cnt = cnt_value(pm);
    uint32_t tmr = pm_timer_value(pm, now_ns);

    memset(out, 0, ACPI_CHILD_PM_IO_LEN);
    out[ACPI_CHILD_PM1_STS] = (uint8_t)sts;
    out[ACPI_CHILD_PM1_STS + 1] = (uint8_t)(sts >> 8);
    out[ACPI_CHILD_PM1_EN] = (uint8_t)pm->en;
    out[ACPI_CHILD_PM1_EN + 1] = (uint8_t)(pm->en >> 8);
    out[ACPI_CHILD_PM1_CNT] = (uint8_t)cnt;
    out[ACPI_CHILD_PM1_CNT + 1] = (uint8_t)(cnt >> 8);
    for (unsigned i = 0; i < 4; i++)
        out[ACPI_CHILD_PM_TMR + i] = (uint8_t)(tmr >> (8 * i));
}

uint32_t pm_read(struct pm_ports *pm, unsigned offset, unsigned size, uint64_t now_ns)
{
    uint8_t regs[ACPI_CHILD_PM_IO_LEN];
    uint32_t value = 0;

    if (size > 4)
        size = 4;
    snapshot(pm, now_ns, regs);
    for (unsigned i = 0; i < size; i++) {
        uint32_t byte = offset + i < ACPI_CHILD_PM_IO_LEN ? regs[offset + i] : 0xFF;

        value |= byte << (8 * i);
    }
    return value;
}

/* The 16-bit write and byte-enable mask that bytes [offset, offset + size)
 * of @value make on the register at @reg. */
static uint16_t reg_bytes(unsigned reg, unsigned offset, unsigned size, uint32_t value,
                          uint16_t *mask)
{
    uint16_t v = 0;

    *mask = 0;
    for (unsigned i = 0; i < size; i++) {
        unsigned at = offset + i;

        if (at == reg || at == reg + 1) {
            unsigned shift = 8 * (at - reg);

            v |= (uint16_t)(((value >> (8 * i)) & 0xFF) << shift);
            *mask |= (uint16_t)(0xFF << shift);
        }
    }
    return v;
}

enum pm_event pm_write(struct pm_ports *pm, unsigned offset, unsigned size, uint32_t value,
                       uint64_t now_ns)
{
    uint16_t v, mask;
    enum pm_event event = PM_EVENT_NONE;

    if (size > 4)
        size = 4;
    v = reg_bytes(ACPI_CHILD_PM1_STS, offset, size, value, &mask);
    v &= mask;
    if (v & PM1_STS_TMR)
        pm->tmr_sts_epoch = timer_ticks(pm, now_ns) >> 31;
    pm->sts &= (uint16_t)~v;

    v = reg_bytes(ACPI_CHILD_PM1_EN, offset, size, value, &mask);
    pm->en = (uint16_t)((pm->en & ~mask) | (v & mask));

    v = reg_bytes(ACPI_CHILD_PM1_CNT, offset, size, value, &mask);
    if (mask) {
        uint16_t kept = PM1_CNT_SLP_TYP | PM1_CNT_BM_RLS;
        uint16_t cnt = (uint16_t)((pm->cnt & ~mask) | (v & mask));

        pm->cnt = cnt & kept;
        if (v & mask & ACPI_CHILD_PM1_SLP_EN) {
            unsigned slp_typ = (cnt & PM1_CNT_SLP_TYP) >> 10;

            event = slp_typ == ACPI_CHILD_SLP_TYP_S5 ? PM_EVENT_POWER_OFF : PM_EVENT_SLEEP_REFUSED;
        }
    }
    /* PM_TMR is read-only. */
    return event;
}
