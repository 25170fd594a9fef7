/* SPDX-License-Identifier: GPL-2.0-only */
/* Zeroed pages from the hypervisor's heap (see hv/include/hv/heap.h). */
#include <string.h>

#include <hv/heap.h>

uint64_t heap_alloc_zeroed(struct page_pool *pool, size_t pages)
{
    uint64_t pa = page_alloc(pool, pages, 1);

    /* The hypervisor runs identity-mapped: the physical address is usable. */
    if (pa)
        memset((void *)pa, 0, pages * PAGE_SIZE);
    return pa;
}
