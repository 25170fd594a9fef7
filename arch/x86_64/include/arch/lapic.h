/* SPDX-License-Identifier: GPL-2.0-only */
/* The hypervisor's use of the physical local APIC: identity and start-up IPIs. */
#ifndef ARCH_LAPIC_H
#define ARCH_LAPIC_H

#include <stdbool.h>
#include <stdint.h>

#define MSR_APIC_BASE    0x1Bu
#define APIC_BASE_X2APIC (1ULL << 10)
#define APIC_BASE_ENABLE (1ULL << 11)

#define APIC_ICR_LOW    0x300
#define APIC_ICR_HIGH   0x310
#define APIC_ICR_BUSY   (1u << 12)
#define APIC_DM_FIXED   0u
#define APIC_DM_LOWEST  1u
#define APIC_DM_SMI     2u
#define APIC_DM_NMI     4u
#define APIC_DM_INIT    5u
#define APIC_DM_STARTUP 6u

/* Find the local APIC (xAPIC MMIO at @mmio_base, or x2APIC if the firmware
 * enabled it).  Call on each CPU. */
void lapic_init(uint64_t mmio_base);
uint32_t lapic_id(void);
bool lapic_is_x2apic(void);

/* INIT (assert), then the two STARTUP IPIs, as the MP specification asks,
 * with the delays calibrated from the TSC. */
void lapic_start_ap(uint32_t apic_id, uint8_t sipi_vector);

/* Send @icr_low to @apic_id (physical destination), waiting for the previous
 * IPI to leave first. */
void lapic_send_ipi(uint32_t apic_id, uint32_t icr_low);

#endif
