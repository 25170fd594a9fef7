// SPDX-License-Identifier: GPL-2.0-only
/*
 * Our own 4-level identity map.  vmwp's boot page tables cover only
 * 0-4 GiB, and probe addresses may be anywhere below 2^47; so we build
 * tables from a static pool in .bss (identity-mapped itself, so a table's
 * address is its physical address) and switch CR3 to them.  The image is
 * mapped with 2 MiB pages; probed device pages with uncached 4 KiB pages, so
 * that each access reaches the device as the instruction makes it (no
 * speculative or combined reads).  No 1 GiB pages: not every CPU has them.
 */
#include "hvtest.h"

#define PTE_P    (1ULL << 0)
#define PTE_RW   (1ULL << 1)
#define PTE_US   (1ULL << 2) /* ring 3 may use it */
#define PTE_PWT  (1ULL << 3)
#define PTE_PCD  (1ULL << 4) /* with PWT: PAT entry 3, UC as after reset */
#define PTE_PS   (1ULL << 7)
#define PTE_ADDR 0x000FFFFFFFFFF000ULL

/* The image's few 2 MiB pages take three tables; each probed page at most
 * three more (PDPT, PD, PT): 33 addresses, two pages each when one straddles
 * a page boundary, need fewer than 200 in the worst case. */
#define POOL_PAGES 208

static uint64_t pool[POOL_PAGES][512] __attribute__((aligned(4096)));
static unsigned pool_used;
static uint64_t *pml4;
static uint64_t user_bit; /* PTE_US on every entry, or 0 */

static uint64_t *table_alloc(void)
{
    /* .bss is zeroed at entry: a fresh table has no entries. */
    return pool_used < POOL_PAGES ? pool[pool_used++] : NULL;
}

/* Bits 12 + 9 * (level - 1) on: the index into the table of @level (4 is
 * the PML4, 1 the page table). */
static unsigned index_at(uint64_t addr, unsigned level)
{
    return (unsigned)(addr >> (12 + 9 * (level - 1))) & 511;
}

/*
 * The table that entry @idx of @table points to, allocated if absent.
 * NULL if the pool is exhausted, or with *@large set if that entry is a
 * large page: the range is mapped already.
 */
static uint64_t *descend(uint64_t *table, unsigned idx, bool *large)
{
    uint64_t e = table[idx];
    uint64_t *next;

    if (e & PTE_P) {
        if (e & PTE_PS) {
            *large = true;
            return NULL;
        }
        return (uint64_t *)(uintptr_t)(e & PTE_ADDR);
    }
    next = table_alloc();
    if (next)
        table[idx] = (uint64_t)(uintptr_t)next | PTE_P | PTE_RW | user_bit;
    return next;
}

/* The page directory covering @addr, or NULL (see descend()). */
static uint64_t *page_directory(uint64_t addr, bool *large)
{
    uint64_t *pdpt = descend(pml4, index_at(addr, 4), large);

    return pdpt ? descend(pdpt, index_at(addr, 3), large) : NULL;
}

int paging_init(uint64_t top, bool user)
{
    user_bit = user ? PTE_US : 0;
    pml4 = table_alloc();
    if (!pml4)
        return -1;
    for (uint64_t pa = 0; pa < top; pa += SZ_2M) {
        bool large = false;
        uint64_t *pd = page_directory(pa, &large);

        if (!pd)
            return -1;
        pd[index_at(pa, 2)] = pa | PTE_P | PTE_RW | PTE_PS | user_bit;
    }
    /* Interrupts are off and the code runs from addresses mapped the same
     * way in both: the switch is seamless. */
    __asm__ volatile("mov %0, %%cr3" : : "r"((uint64_t)(uintptr_t)pml4) : "memory");
    return 0;
}

int paging_map_uc(uint64_t pa, uint64_t len)
{
    uint64_t page = pa & ~(PAGE_SIZE - 1), last = (pa + len - 1) & ~(PAGE_SIZE - 1);

    for (;; page += PAGE_SIZE) {
        bool large = false;
        uint64_t *pd = page_directory(page, &large), *pt;

        /* Under one of the image's 2 MiB pages: identity-mapped already
         * (write-back, but that is RAM, which a probe there will find). */
        pt = pd ? descend(pd, index_at(page, 2), &large) : NULL;
        if (!pt && !large)
            return -1;
        if (pt && !(pt[index_at(page, 1)] & PTE_P)) {
            pt[index_at(page, 1)] = page | PTE_P | PTE_RW | PTE_PCD | PTE_PWT | user_bit;
            /* Not-present entries are not cached, but be plain about it. */
            __asm__ volatile("invlpg (%0)" : : "r"((uintptr_t)page) : "memory");
        }
        if (page == last)
            return 0;
    }
}
