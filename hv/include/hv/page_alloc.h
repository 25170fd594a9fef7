/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The hypervisor's physical page allocator.  It manages only the memory the
 * loader set aside for the hypervisor (MEM_HYPERVISOR), never the parent's RAM,
 * so a bug here cannot hand a partition's page to the hypervisor or back.
 * A bitmap of 4 KiB frames; the bitmap itself lives at the start of the pool.
 * Pure logic: compiled for the host in the unit tests.
 */
#ifndef HV_PAGE_ALLOC_H
#define HV_PAGE_ALLOC_H

#include <stddef.h>
#include <stdint.h>

#define PAGE_SIZE 4096ULL

struct page_pool {
    uint64_t base;    /* physical address of the first managed frame */
    size_t nframes;   /* frames managed (after the bitmap) */
    uint64_t *bitmap; /* one bit per frame, 1 = in use */
    size_t free_frames;
    size_t hint; /* where the next search starts */
};

/*
 * Manage [base, base+size).  @mem is the same region as seen by the caller
 * (its virtual address; the hypervisor runs identity-mapped so mem == base,
 * the unit tests pass a heap buffer).  base must be page aligned.  The bitmap
 * is placed at the start of the region and its frames are not handed out.
 * Returns 0, or -1 if the region is too small to hold anything.
 */
int page_pool_init(struct page_pool *pool, uint64_t base, void *mem, uint64_t size);

/* Allocate @count contiguous frames aligned to @align_frames (a power of two,
 * 1 for none).  Returns the physical address, or 0 when nothing fits. */
uint64_t page_alloc(struct page_pool *pool, size_t count, size_t align_frames);

/* Free frames from page_alloc().  Returns 0, or -1 if the range is outside the
 * pool, not page aligned, or (partly) not allocated: a double free is caught,
 * not silently accepted. */
int page_free(struct page_pool *pool, uint64_t addr, size_t count);

#endif
