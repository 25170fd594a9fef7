/* SPDX-License-Identifier: GPL-2.0-only */
/* Zeroed pages from the hypervisor's heap, for the freestanding build. */
#ifndef HV_HEAP_H
#define HV_HEAP_H

#include <stddef.h>
#include <stdint.h>

#include <hv/page_alloc.h>

/* @pages contiguous zeroed pages; their physical (= virtual) address, or 0. */
uint64_t heap_alloc_zeroed(struct page_pool *pool, size_t pages);

#endif
