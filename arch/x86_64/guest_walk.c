/* SPDX-License-Identifier: GPL-2.0-only */
/* Walking a guest's page tables (see guest_walk.h). */
#include <arch/guest_walk.h>

#define CR0_PG    (1ULL << 31)
#define CR4_PSE   (1ULL << 4)
#define CR4_PAE   (1ULL << 5)
#define CR4_LA57  (1ULL << 12)
#define EFER_LMA  (1ULL << 10)
#define PTE_P     1ULL
#define PTE_PS    (1ULL << 7)
#define ADDR_MASK 0x000FFFFFFFFFF000ULL

static int read_entry(guest_read_phys_fn rd, void *ctx, uint64_t pa, unsigned size, uint64_t *e)
{
    uint32_t e32;

    if (size == 4) {
        if (rd(ctx, pa, &e32, 4))
            return -1;
        *e = e32;
        return 0;
    }
    return rd(ctx, pa, e, 8);
}

int guest_linear_to_phys(const struct guest_paging *p, uint64_t la, uint64_t *pa,
                         guest_read_phys_fn rd, void *ctx)
{
    unsigned levels, entry_size, index_bits;
    uint64_t table, e = 0;

    if (!(p->cr0 & CR0_PG)) {
        /* No paging: linear is physical, 32 bits wide outside long mode. */
        *pa = (p->efer & EFER_LMA) ? la : (uint32_t)la;
        return 0;
    }
    if (p->efer & EFER_LMA) {
        levels = (p->cr4 & CR4_LA57) ? 5 : 4;
        entry_size = 8;
        index_bits = 9;
        table = p->cr3 & ADDR_MASK;
    } else if (p->cr4 & CR4_PAE) {
        la = (uint32_t)la;
        levels = 3;
        entry_size = 8;
        index_bits = 9;
        table = p->cr3 & 0xFFFFFFE0ULL; /* 32-byte aligned PDPT */
    } else {
        la = (uint32_t)la;
        levels = 2;
        entry_size = 4;
        index_bits = 10;
        table = p->cr3 & 0xFFFFF000ULL;
    }

    for (unsigned level = levels; level >= 1; level--) {
        /* Bits that index this level; PAE's top level has only 2 of them. */
        unsigned shift = 12 + (level - 1) * index_bits;
        uint64_t mask = (levels == 3 && level == 3) ? 3 : (1ULL << index_bits) - 1;
        uint64_t index = (la >> shift) & mask;

        if (read_entry(rd, ctx, table + index * entry_size, entry_size, &e) || !(e & PTE_P))
            return -1;
        /* Large pages: 1 GiB (long-mode level 3), 2 MiB (PAE/long level 2),
         * 4 MiB (32-bit level 2 with CR4.PSE). */
        int large = 0;
        if (level == 2 && (e & PTE_PS) && (entry_size == 8 || (p->cr4 & CR4_PSE)))
            large = 1;
        if (level == 3 && levels >= 4 && (e & PTE_PS))
            large = 1;
        if (large) {
            uint64_t page_mask = (1ULL << shift) - 1;
            uint64_t base = entry_size == 8 ? (e & ADDR_MASK & ~page_mask)
                                            : ((e & 0xFFC00000ULL) | ((e >> 13 & 0xFF) << 32));
            *pa = base | (la & page_mask);
            return 0;
        }
        if (level == 1)
            break;
        /* PAE's PDPT entries hold only an address, no other bits. */
        table = entry_size == 8 ? (e & ADDR_MASK) : (e & 0xFFFFF000ULL);
    }
    *pa = (entry_size == 8 ? (e & ADDR_MASK) : (e & 0xFFFFF000ULL)) | (la & 0xFFF);
    return 0;
}

int guest_read_linear(const struct guest_paging *p, uint64_t la, void *buf, size_t len,
                      guest_read_phys_fn rd, void *ctx)
{
    uint8_t *out = buf;

    while (len) {
        size_t chunk = 4096 - (la & 0xFFF);
        uint64_t pa;

        if (chunk > len)
            chunk = len;
        if (guest_linear_to_phys(p, la, &pa, rd, ctx) || rd(ctx, pa, out, chunk))
            return -1;
        out += chunk;
        la += chunk;
        len -= chunk;
    }
    return 0;
}
