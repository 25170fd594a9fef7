/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The hypervisor's address space: all physical memory mapped 1:1.  The
 * hypervisor runs where the loader put it, reads partitions' memory by its
 * physical address, and the AP trampoline can use the same CR3.  Cacheability
 * follows the firmware's MTRRs (PAT entry 0 = write-back), which keep MMIO
 * uncached.
 */

#include <arch/cpu.h>
#include <arch/paging.h>
#include <hv/heap.h>

#define PTE_P  (1ULL << 0)
#define PTE_W  (1ULL << 1)
#define PTE_PS (1ULL << 7)

#define SIZE_2M   (1ULL << 21)
#define SIZE_1G   (1ULL << 30)
#define SIZE_512G (1ULL << 39)

static int cpu_has_1g_pages(void)
{
    uint32_t a, b, c, d;

    cpuid(0x80000000, 0, &a, &b, &c, &d);
    if (a < 0x80000001)
        return 0;
    cpuid(0x80000001, 0, &a, &b, &c, &d);
    return (d >> 26) & 1;
}

uint64_t paging_build_identity(struct page_pool *pool, uint64_t top, uint64_t *page_size)
{
    const int big = cpu_has_1g_pages();
    const uint64_t step = big ? SIZE_1G : SIZE_2M;
    uint64_t *pml4 = (uint64_t *)heap_alloc_zeroed(pool, 1);

    if (!pml4)
        return 0;
    top = (top + step - 1) & ~(step - 1);
    for (uint64_t addr = 0; addr < top; addr += SIZE_512G) {
        uint64_t *pdpt = (uint64_t *)heap_alloc_zeroed(pool, 1);

        if (!pdpt)
            return 0;
        pml4[addr / SIZE_512G] = (uint64_t)pdpt | PTE_P | PTE_W;
        for (uint64_t gb = addr; gb < top && gb < addr + SIZE_512G; gb += SIZE_1G) {
            unsigned idx = (unsigned)((gb / SIZE_1G) % 512);

            if (big) {
                pdpt[idx] = gb | PTE_P | PTE_W | PTE_PS;
                continue;
            }
            uint64_t *pd = (uint64_t *)heap_alloc_zeroed(pool, 1);
            if (!pd)
                return 0;
            pdpt[idx] = (uint64_t)pd | PTE_P | PTE_W;
            for (unsigned i = 0; i < 512; i++)
                pd[i] = (gb + i * SIZE_2M) | PTE_P | PTE_W | PTE_PS;
        }
    }
    *page_size = step;
    return (uint64_t)pml4;
}
