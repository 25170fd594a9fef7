/* SPDX-License-Identifier: GPL-2.0-only */
/* Starting the other physical CPUs. */
#ifndef ARCH_SMP_H
#define ARCH_SMP_H

#include <stdint.h>

#include <arch/percpu.h>
#include <hv/page_alloc.h>

/*
 * Start the CPU with local APIC id @apic_id through the trampoline page
 * @trampoline_pa: allocate its per-CPU block and stacks from @pool, send
 * INIT-SIPI-SIPI and wait for it to check in.  The CPU runs @ap_main(cpu)
 * on its own stack, which must set cpu->online to 1 (or -1 on failure) when
 * its set-up is done: until then the BSP waits and allocates nothing.
 * Returns the new CPU, or NULL if it did not come up.
 */
struct percpu *smp_start_cpu(uint32_t apic_id, uint64_t trampoline_pa, struct page_pool *pool,
                             void (*ap_main)(struct percpu *cpu));

#endif
