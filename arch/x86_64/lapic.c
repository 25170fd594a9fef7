/* SPDX-License-Identifier: GPL-2.0-only */
/* The physical local APIC, as the hypervisor itself uses it (see lapic.h). */
#include <arch/cpu.h>
#include <arch/lapic.h>
#include <arch/tsc.h>

#define APIC_ID        0x20
#define MSR_X2APIC_ID  0x802u
#define MSR_X2APIC_ICR 0x830u

static volatile uint8_t *mmio;
static bool x2apic;

void lapic_init(uint64_t mmio_base)
{
    x2apic = (rdmsr(MSR_APIC_BASE) & APIC_BASE_X2APIC) != 0;
    mmio = (volatile uint8_t *)mmio_base;
}

bool lapic_is_x2apic(void)
{
    return x2apic;
}

uint32_t lapic_id(void)
{
    if (x2apic)
        return (uint32_t)rdmsr(MSR_X2APIC_ID);
    return *(volatile uint32_t *)(mmio + APIC_ID) >> 24;
}

void lapic_send_ipi(uint32_t apic_id, uint32_t icr_low)
{
    if (x2apic) {
        wrmsr(MSR_X2APIC_ICR, ((uint64_t)apic_id << 32) | icr_low);
        return;
    }
    for (int i = 0; i < 1000000 && (*(volatile uint32_t *)(mmio + APIC_ICR_LOW) & APIC_ICR_BUSY);
         i++)
        __asm__ volatile("pause");
    *(volatile uint32_t *)(mmio + APIC_ICR_HIGH) = apic_id << 24;
    *(volatile uint32_t *)(mmio + APIC_ICR_LOW) = icr_low;
}

void lapic_start_ap(uint32_t apic_id, uint8_t sipi_vector)
{
    /* Targeted, never broadcast: a broadcast would also wake CPUs the
     * firmware disabled or left out of the MADT. */
    lapic_send_ipi(apic_id, (APIC_DM_INIT << 8) | (1u << 14) | (1u << 15)); /* assert, level */
    udelay(10000);
    lapic_send_ipi(apic_id, (APIC_DM_STARTUP << 8) | sipi_vector);
    udelay(200);
    lapic_send_ipi(apic_id, (APIC_DM_STARTUP << 8) | sipi_vector);
    udelay(200);
}
