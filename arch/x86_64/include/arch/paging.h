/* SPDX-License-Identifier: GPL-2.0-only */
/* The hypervisor's own page tables. */
#ifndef ARCH_PAGING_H
#define ARCH_PAGING_H

#include <stdint.h>

#include <hv/page_alloc.h>

/*
 * Build 4-level page tables mapping [0, top) 1:1, read-write, with 1 GiB
 * pages where the CPU has them and 2 MiB pages otherwise (@top is rounded up
 * to that size).  Returns the physical address for CR3, or 0 if @pool ran
 * out.  *page_size receives the page size used.
 */
uint64_t paging_build_identity(struct page_pool *pool, uint64_t top, uint64_t *page_size);

#endif
