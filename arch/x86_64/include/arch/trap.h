/* SPDX-License-Identifier: GPL-2.0-only */
/* CPU exceptions taken by the hypervisor itself. */
#ifndef ARCH_TRAP_H
#define ARCH_TRAP_H

#include <stdint.h>

#include <arch/percpu.h>

/* What isr.S pushes, lowest address first. */
struct trap_frame {
    uint64_t r15, r14, r13, r12, r11, r10, r9, r8;
    uint64_t rbp, rdi, rsi, rdx, rcx, rbx, rax;
    uint64_t vector, error_code;
    uint64_t rip, cs, rflags, rsp, ss; /* pushed by the CPU */
};

/* Load @cpu's GDT and TSS (with its IST stacks) and the shared IDT. */
void descriptors_init(struct percpu *cpu);

#endif
