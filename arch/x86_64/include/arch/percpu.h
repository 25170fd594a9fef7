/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Per-CPU data, reached through FS.  The layout up to stack_canary is fixed:
 * code built for the glibc ABI (our own with -fstack-protector, and Debian's
 * libfdt.a) reads its canary at %fs:0x28.
 */
#ifndef ARCH_PERCPU_H
#define ARCH_PERCPU_H

#include <stdint.h>

struct percpu {
    struct percpu *self;
    uint32_t cpu_index;
    uint32_t apic_id;
    uint64_t reserved[3];
    uint64_t stack_canary; /* %fs:0x28 */
};

_Static_assert(__builtin_offsetof(struct percpu, stack_canary) == 0x28, "canary at %fs:0x28");

extern struct percpu bsp_percpu;

#endif
