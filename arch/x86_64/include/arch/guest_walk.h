/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Reading guest memory by linear address: a walk of the guest's own page
 * tables (none, 32-bit, PAE, 4- and 5-level).  The hypervisor needs it to
 * fetch the instruction behind a VM exit when the CPU gives no decode assist.
 * Only presence is checked: the hypervisor reads on the guest's behalf.
 * Physical reads go through a callback, which refuses addresses the guest
 * may not read (the hypervisor's own memory).  Pure logic.
 */
#ifndef ARCH_GUEST_WALK_H
#define ARCH_GUEST_WALK_H

#include <stddef.h>
#include <stdint.h>

struct guest_paging {
    uint64_t cr0, cr3, cr4, efer;
};

/* Read @len bytes of guest-physical memory at @pa into @buf; 0 or -1. */
typedef int (*guest_read_phys_fn)(void *ctx, uint64_t pa, void *buf, size_t len);

/* Translate @la; 0 and *pa, or -1 (not present, or a table unreadable). */
int guest_linear_to_phys(const struct guest_paging *p, uint64_t la, uint64_t *pa,
                         guest_read_phys_fn rd, void *ctx);

/* Read @len bytes at @la, following page boundaries; 0 or -1. */
int guest_read_linear(const struct guest_paging *p, uint64_t la, void *buf, size_t len,
                      guest_read_phys_fn rd, void *ctx);

#endif
