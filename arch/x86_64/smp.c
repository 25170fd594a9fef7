/* SPDX-License-Identifier: GPL-2.0-only */
/* Starting the other physical CPUs (see smp.h and trampoline.S). */
#include <stddef.h>
#include <string.h>

#include <arch/cpu.h>
#include <arch/lapic.h>
#include <arch/smp.h>
#include <arch/trap.h>
#include <arch/tsc.h>
#include <hv/heap.h>

#define AP_CHECKIN_US 2000000 /* generous: an emulated CPU starts slowly */

extern const char ap_trampoline_start[], ap_trampoline_end[];
extern char tramp_gdt[], tramp_gdtr[], tramp_jmp32[], tramp_jmp64[];
extern char tramp_cr0[], tramp_cr3[], tramp_cr4[], tramp_efer[];
extern char tramp_percpu[], tramp_stack[], tramp_entry[];
extern const char tramp32[], tramp64[];

static void (*ap_main_fn)(struct percpu *);

/* The AP's first C code: it arrives with FS = its per-CPU block.  ap_main
 * reports back through cpu->online (1 up, -1 failed) once its own set-up is
 * done, so that APs never allocate while the BSP does. */
void ap_entry(struct percpu *cpu);
void ap_entry(struct percpu *cpu)
{
    descriptors_init(cpu);
    cpu->apic_id = lapic_id();
    ap_main_fn(cpu);
    cpu_halt_forever();
}

static void put32(uint8_t *page, const char *field, uint32_t v)
{
    memcpy(page + (field - ap_trampoline_start), &v, sizeof(v));
}

static void put64(uint8_t *page, const char *field, uint64_t v)
{
    memcpy(page + (field - ap_trampoline_start), &v, sizeof(v));
}

struct percpu *smp_start_cpu(uint32_t apic_id, uint64_t trampoline_pa, struct page_pool *pool,
                             void (*ap_main)(struct percpu *cpu))
{
    uint8_t *page = (uint8_t *)trampoline_pa;
    const uint32_t base = (uint32_t)trampoline_pa;
    struct percpu *cpu;
    uint64_t stack, ist, deadline;

    if (ncpus >= MAX_CPUS)
        return NULL;
    cpu = (struct percpu *)heap_alloc_zeroed(pool, (sizeof(*cpu) + PAGE_SIZE - 1) / PAGE_SIZE);
    stack = heap_alloc_zeroed(pool, CPU_STACK_SIZE / PAGE_SIZE);
    ist = heap_alloc_zeroed(pool, 3 * IST_STACK_SIZE / PAGE_SIZE);
    if (!cpu || !stack || !ist)
        return NULL;
    cpu->self = cpu;
    cpu->cpu_index = ncpus;
    cpu->stack_canary = bsp_percpu.stack_canary;
    cpu->stack_top = stack + CPU_STACK_SIZE;
    cpu->ist_base = ist;
    ap_main_fn = ap_main;

    memcpy(page, ap_trampoline_start, (size_t)(ap_trampoline_end - ap_trampoline_start));
    put32(page, tramp_gdtr + 2, base + (uint32_t)(tramp_gdt - ap_trampoline_start));
    put32(page, tramp_jmp32, base + (uint32_t)(tramp32 - ap_trampoline_start));
    put32(page, tramp_jmp64, base + (uint32_t)(tramp64 - ap_trampoline_start));
    put32(page, tramp_cr0, (uint32_t)read_cr0());
    put32(page, tramp_cr3, (uint32_t)read_cr3());
    put32(page, tramp_cr4, (uint32_t)read_cr4());
    put32(page, tramp_efer, (uint32_t)rdmsr(MSR_EFER));
    put64(page, tramp_percpu, (uint64_t)cpu);
    put64(page, tramp_stack, cpu->stack_top);
    put64(page, tramp_entry, (uint64_t)ap_entry);
    __atomic_thread_fence(__ATOMIC_SEQ_CST);

    lapic_start_ap(apic_id, (uint8_t)(trampoline_pa >> 12));
    deadline = rdtsc() + AP_CHECKIN_US * tsc_khz() / 1000;
    while (!__atomic_load_n(&cpu->online, __ATOMIC_ACQUIRE)) {
        if (rdtsc() > deadline)
            return NULL; /* its memory stays allocated: it may still wake up */
        __asm__ volatile("pause");
    }
    if (cpu->online < 0)
        return NULL;
    cpus[ncpus++] = cpu;
    return cpu;
}
