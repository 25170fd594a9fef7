/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Per-CPU data, reached through FS.  The layout up to stack_canary is fixed:
 * code built for the glibc ABI (our own with -fstack-protector, and Debian's
 * libfdt.a) reads its canary at %fs:0x28.
 */
#ifndef ARCH_PERCPU_H
#define ARCH_PERCPU_H

#include <stdint.h>

#define MAX_CPUS       64
#define CPU_STACK_SIZE 16384
#define IST_STACK_SIZE 8192

struct tss64 {
    uint32_t reserved0;
    uint64_t rsp[3];
    uint64_t reserved1;
    uint64_t ist[7];
    uint64_t reserved2;
    uint16_t reserved3;
    uint16_t iomap_base;
} __attribute__((packed));

struct vp;

struct percpu {
    struct percpu *self;
    uint32_t cpu_index;
    uint32_t apic_id;
    uint64_t reserved[3];
    uint64_t stack_canary; /* %fs:0x28 */

    uint64_t gdt[5] __attribute__((aligned(16)));
    struct tss64 tss __attribute__((aligned(16)));
    uint64_t stack_top;    /* this CPU's hypervisor stack */
    uint64_t ist_base;     /* NMI, #DF, #MC stacks, IST_STACK_SIZE each */
    uint64_t hsave_pa;     /* SVM host save area */
    uint64_t host_vmcb_pa; /* VMSAVE'd host FS/GS/TR/... state */
    struct vp *vp;         /* the parent VP pinned to this CPU */
    volatile int online;
};

_Static_assert(__builtin_offsetof(struct percpu, stack_canary) == 0x28, "canary at %fs:0x28");

extern struct percpu bsp_percpu;
extern struct percpu *cpus[MAX_CPUS];
extern unsigned int ncpus;

static inline struct percpu *this_cpu(void)
{
    struct percpu *p;

    __asm__("mov %%fs:0, %0" : "=r"(p));
    return p;
}

#endif
