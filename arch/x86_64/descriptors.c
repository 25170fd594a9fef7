/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The hypervisor's own GDT, TSS and IDT.  The firmware's tables live in
 * memory we no longer trust to stay put, so the BSP replaces them first
 * thing, and every AP loads its own.  NMI, double fault and machine check
 * run on IST stacks of their own: they can arrive with a broken stack pointer.
 */
#include <stdint.h>

#include <arch/percpu.h>
#include <arch/trap.h>

#define SEL_CODE 0x08
#define SEL_DATA 0x10
#define SEL_TSS  0x18

#define IST_NMI 1
#define IST_DF  2
#define IST_MC  3

struct idt_gate {
    uint16_t offset_lo;
    uint16_t selector;
    uint8_t ist;
    uint8_t type_attr;
    uint16_t offset_mid;
    uint32_t offset_hi;
    uint32_t reserved;
} __attribute__((packed));

struct table_pointer {
    uint16_t limit;
    uint64_t base;
} __attribute__((packed));

struct percpu bsp_percpu;
struct percpu *cpus[MAX_CPUS] = {&bsp_percpu};
unsigned int ncpus = 1;

static struct idt_gate idt[256] __attribute__((aligned(16)));
static uint8_t bsp_ist_stacks[3 * IST_STACK_SIZE] __attribute__((aligned(16)));

extern const uint64_t exc_stub_table[32];

static void set_tss_descriptor(uint64_t *slot, uint64_t base, uint32_t limit)
{
    /* A 16-byte system descriptor: type 9 (available 64-bit TSS), present. */
    slot[0] = (limit & 0xFFFF) | ((base & 0xFFFFFF) << 16) | (0x89ULL << 40) |
              ((uint64_t)((limit >> 16) & 0xF) << 48) | (((base >> 24) & 0xFF) << 56);
    slot[1] = base >> 32;
}

static void set_gate(int vec, uint64_t handler, uint8_t ist)
{
    idt[vec] = (struct idt_gate){
        .offset_lo = (uint16_t)handler,
        .selector = SEL_CODE,
        .ist = ist,
        .type_attr = 0x8E, /* present, DPL 0, 64-bit interrupt gate */
        .offset_mid = (uint16_t)(handler >> 16),
        .offset_hi = (uint32_t)(handler >> 32),
    };
}

void descriptors_init(struct percpu *cpu)
{
    struct table_pointer gdtr = {sizeof(cpu->gdt) - 1, (uint64_t)cpu->gdt};
    struct table_pointer idtr = {sizeof(idt) - 1, (uint64_t)idt};
    struct tss64 *tss = &cpu->tss;

    /* The IDT is shared: the BSP fills it before any AP starts. */
    if (cpu == &bsp_percpu) {
        for (int v = 0; v < 32; v++)
            set_gate(v, exc_stub_table[v],
                     v == 2    ? IST_NMI
                     : v == 8  ? IST_DF
                     : v == 18 ? IST_MC
                               : 0);
        cpu->ist_base = (uint64_t)bsp_ist_stacks;
    }
    cpu->gdt[0] = 0;
    cpu->gdt[1] = 0x00AF9A000000FFFFULL; /* 64-bit code, DPL 0 */
    cpu->gdt[2] = 0x00CF92000000FFFFULL; /* data, DPL 0 */
    tss->ist[IST_NMI - 1] = cpu->ist_base + 1 * IST_STACK_SIZE;
    tss->ist[IST_DF - 1] = cpu->ist_base + 2 * IST_STACK_SIZE;
    tss->ist[IST_MC - 1] = cpu->ist_base + 3 * IST_STACK_SIZE;
    tss->iomap_base = sizeof(*tss); /* no I/O bitmap */
    set_tss_descriptor(&cpu->gdt[3], (uint64_t)tss, sizeof(*tss) - 1);

    /* Reload CS with a far return, the data segments, TR and the IDT.  FS is
     * left alone: its base (the per-CPU block) lives in an MSR and survives
     * only if we do not load a selector into FS. */
    __asm__ volatile("lgdt %0\n\t"
                     "pushq %1\n\t"
                     "leaq 1f(%%rip), %%rax\n\t"
                     "pushq %%rax\n\t"
                     "lretq\n"
                     "1:\n\t"
                     "movw %w2, %%ax\n\t"
                     "movw %%ax, %%ds\n\t"
                     "movw %%ax, %%es\n\t"
                     "movw %%ax, %%ss\n\t"
                     "movw %w3, %%ax\n\t"
                     "ltr %%ax\n\t"
                     "lidt %4"
                     :
                     : "m"(gdtr), "i"(SEL_CODE), "i"(SEL_DATA), "i"(SEL_TSS), "m"(idtr)
                     : "rax", "memory");
    cpu->self = cpu;
}
