/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The physical memory map: conversion of the raw UEFI memory map into sorted,
 * merged e820-style ranges, and the edits the hypervisor makes to it
 * afterwards.  Freestanding: no libc beyond the compiler's builtins.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <hv/memmap.h>

/* The one address a clamped range cannot include: `end` is exclusive. */
#define ADDR_TOP UINT64_MAX

/* Where firmware descriptors overlap, the type with the higher rank wins:
 * claiming too little RAM is harmless, handing out firmware memory is not. */
static unsigned int type_rank(uint32_t type)
{
    switch (type) {
    case MEM_USABLE:
        return 0;
    case MEM_ACPI:
        return 1;
    case MEM_NVS:
        return 2;
    case MEM_PMEM:
        return 3;
    case MEM_UNUSABLE:
        return 4;
    default:
        return 5;
    }
}

static uint32_t efi_to_mem_type(const struct efi_memory_descriptor *desc)
{
    /* ACPI NVS is preserved whatever its attributes; the OS must save and
     * restore it across sleep states, so it keeps its own type (as Linux's
     * EFI stub does). */
    if (desc->type == EFI_ACPI_MEMORY_NVS)
        return MEM_NVS;
    /* The OS must not touch anything runtime services still use, whatever
     * else the descriptor's type claims. */
    if (desc->attribute & EFI_MEMORY_RUNTIME)
        return MEM_RESERVED;

    switch (desc->type) {
    case EFI_LOADER_CODE:
    case EFI_LOADER_DATA:
    case EFI_BOOT_SERVICES_CODE:
    case EFI_BOOT_SERVICES_DATA:
    case EFI_CONVENTIONAL_MEMORY:
        /* RAM that cannot be cached write-back is useless as general RAM. */
        return (desc->attribute & EFI_MEMORY_WB) ? MEM_USABLE : MEM_UNUSABLE;
    case EFI_ACPI_RECLAIM_MEMORY:
        return MEM_ACPI;
    case EFI_UNUSABLE_MEMORY:
        return MEM_UNUSABLE;
    case EFI_PERSISTENT_MEMORY:
        return MEM_PMEM;
    default:
        return MEM_RESERVED;
    }
}

/* Exclusive end of [base, base + size), clamped at the top of the address
 * space instead of wrapping around to a tiny value. */
static uint64_t clamped_end(uint64_t base, uint64_t size)
{
    return size > ADDR_TOP - base ? ADDR_TOP : base + size;
}

/* The range a descriptor covers, read byte-wise: the firmware's array is
 * walked by its own stride, so no descriptor is guaranteed to be aligned. */
static void read_desc(const void *map, size_t desc_size, size_t index, uint64_t *base,
                      uint64_t *end, uint32_t *type)
{
    struct efi_memory_descriptor desc;
    uint64_t pages;

    __builtin_memcpy(&desc, (const unsigned char *)map + index * desc_size, sizeof(desc));
    pages = desc.number_of_pages;
    *base = desc.physical_start;
    if (pages > ADDR_TOP / EFI_PAGE_SIZE)
        *end = ADDR_TOP;
    else
        *end = clamped_end(desc.physical_start, pages * EFI_PAGE_SIZE);
    *type = efi_to_mem_type(&desc);
}

/* Append [base, end) to a map built in address order, growing the last range
 * instead when it is adjacent and of the same type. */
static int append_range(struct memmap *map, uint64_t base, uint64_t end, uint32_t type)
{
    struct mem_range *last = map->count ? &map->ranges[map->count - 1] : NULL;

    if (last && last->end == base && last->type == type) {
        last->end = end;
        return 0;
    }
    if (map->count >= map->capacity)
        return -MEMMAP_ERR_NOSPC;
    map->ranges[map->count].base = base;
    map->ranges[map->count].end = end;
    map->ranges[map->count].type = type;
    map->count++;
    return 0;
}

static bool memmap_valid(const struct memmap *map)
{
    return map && (map->ranges || !map->capacity) && map->count <= map->capacity;
}

/*
 * Sweep the address space from one descriptor boundary to the next.  Between
 * two consecutive boundaries every descriptor either covers the whole piece
 * or none of it, so each piece gets the highest-ranked type covering it and
 * is appended in order.  This needs no scratch memory and fails with NOSPC
 * only when the final merged map really does not fit, whatever the order and
 * overlaps of the descriptors.  O(n^2), fine for a few hundred descriptors.
 */
int memmap_from_efi(struct memmap *out, const void *map, size_t map_size, size_t desc_size)
{
    size_t ndesc, i;
    uint64_t pos = ADDR_TOP;
    bool any = false;

    /* out->count is output only: not checked, whatever the caller left. */
    if (!out || (!out->ranges && out->capacity))
        return -MEMMAP_ERR_INVAL;
    /* A failed conversion leaves an empty map rather than a truncated one
     * that could be mistaken for the whole truth. */
    out->count = 0;
    if (desc_size < sizeof(struct efi_memory_descriptor) || desc_size % 8 != 0 ||
        map_size % desc_size != 0 || (map_size && !map))
        return -MEMMAP_ERR_INVAL;
    ndesc = map_size / desc_size;

    /* The sweep starts at the lowest base of any non-empty descriptor. */
    for (i = 0; i < ndesc; i++) {
        uint64_t base, end;
        uint32_t type;

        read_desc(map, desc_size, i, &base, &end, &type);
        if (base < end && base <= pos) {
            pos = base;
            any = true;
        }
    }
    if (!any)
        return 0;

    for (;;) {
        uint64_t next = pos;
        uint32_t piece_type = 0;
        bool covered = false;

        /* The next boundary is the lowest base or end above pos; the
         * descriptors covering [pos, next) are those with base <= pos < end. */
        for (i = 0; i < ndesc; i++) {
            uint64_t base, end;
            uint32_t type;

            read_desc(map, desc_size, i, &base, &end, &type);
            if (base >= end)
                continue;
            if (base > pos && (next == pos || base < next))
                next = base;
            if (end > pos && (next == pos || end < next))
                next = end;
            if (base <= pos && pos < end) {
                if (!covered || type_rank(type) > type_rank(piece_type))
                    piece_type = type;
                covered = true;
            }
        }
        if (next == pos)
            break; /* no boundary above pos: past the last descriptor */
        if (covered) {
            int err = append_range(out, pos, next, piece_type);

            if (err) {
                out->count = 0;
                return err;
            }
        }
        pos = next;
    }
    return 0;
}

/*
 * The map is kept sorted, non-overlapping and merged, so setting a type only
 * replaces a window of consecutive ranges with at most three: what is left
 * of the range cut on the left, the new range, and what is left of the range
 * cut on the right.  The replacement is computed first and the map touched
 * only once it is known to fit, so a NOSPC leaves the map as it was.
 */
int memmap_set_type(struct memmap *map, uint64_t base, uint64_t size, uint32_t type)
{
    struct mem_range repl[3];
    size_t nrepl = 0;
    size_t lo, hi, new_count;
    uint64_t end, new_base, new_end;
    bool cut_left, cut_right;

    if (!memmap_valid(map))
        return -MEMMAP_ERR_INVAL;
    if (size == 0)
        return 0;
    end = clamped_end(base, size);
    if (base == end)
        return 0; /* base is the top of the address space: nothing fits */

    /* [lo, hi) are the ranges overlapping [base, end). */
    for (lo = 0; lo < map->count && map->ranges[lo].end <= base; lo++)
        ;
    for (hi = lo; hi < map->count && map->ranges[hi].base < end; hi++)
        ;

    cut_left = lo < hi && map->ranges[lo].base < base;
    cut_right = lo < hi && map->ranges[hi - 1].end > end;
    new_base = base;
    new_end = end;

    /* Merge with what stays on each side when it has the same type: either
     * the remainder of a cut range or an untouched range right next to the
     * span, which then joins the window. */
    if (cut_left && map->ranges[lo].type == type) {
        new_base = map->ranges[lo].base;
        cut_left = false;
    } else if (!cut_left && lo > 0 && map->ranges[lo - 1].end == base &&
               map->ranges[lo - 1].type == type) {
        lo--;
        new_base = map->ranges[lo].base;
    }
    if (cut_right && map->ranges[hi - 1].type == type) {
        new_end = map->ranges[hi - 1].end;
        cut_right = false;
    } else if (!cut_right && hi < map->count && map->ranges[hi].base == end &&
               map->ranges[hi].type == type) {
        new_end = map->ranges[hi].end;
        hi++;
    }

    if (cut_left) {
        repl[nrepl].base = map->ranges[lo].base;
        repl[nrepl].end = base;
        repl[nrepl].type = map->ranges[lo].type;
        nrepl++;
    }
    repl[nrepl].base = new_base;
    repl[nrepl].end = new_end;
    repl[nrepl].type = type;
    nrepl++;
    if (cut_right) {
        repl[nrepl].base = end;
        repl[nrepl].end = map->ranges[hi - 1].end;
        repl[nrepl].type = map->ranges[hi - 1].type;
        nrepl++;
    }

    new_count = map->count - (hi - lo) + nrepl;
    if (new_count > map->capacity)
        return -MEMMAP_ERR_NOSPC;

    __builtin_memmove(&map->ranges[lo + nrepl], &map->ranges[hi],
                      (map->count - hi) * sizeof(map->ranges[0]));
    __builtin_memcpy(&map->ranges[lo], repl, nrepl * sizeof(repl[0]));
    map->count = new_count;
    return 0;
}

uint64_t memmap_total(const struct memmap *map, uint32_t type)
{
    uint64_t total = 0;
    size_t i;

    if (!memmap_valid(map))
        return 0;
    /* Cannot overflow: the ranges do not overlap and all lie below 2^64. */
    for (i = 0; i < map->count; i++) {
        if (map->ranges[i].type == type)
            total += map->ranges[i].end - map->ranges[i].base;
    }
    return total;
}

const char *memmap_type_name(uint32_t type)
{
    switch (type) {
    case MEM_USABLE:
        return "usable";
    case MEM_RESERVED:
        return "reserved";
    case MEM_ACPI:
        return "acpi";
    case MEM_NVS:
        return "nvs";
    case MEM_UNUSABLE:
        return "unusable";
    case MEM_PMEM:
        return "pmem";
    case MEM_HYPERVISOR:
        return "hypervisor";
    case MEM_MODULE:
        return "module";
    case MEM_TRAMPOLINE:
        return "trampoline";
    default:
        return "unknown";
    }
}
