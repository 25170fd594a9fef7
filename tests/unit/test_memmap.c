/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Unit tests of hv/memmap.c: conversion of raw UEFI memory maps (strides,
 * type mapping, sorting, merging, overlaps, overflow, capacity) and the later
 * edits with memmap_set_type(), checked both on hand-written cases and
 * against a page-by-page reference model.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include <hv/memmap.h>

#define PG 4096ULL

/* ---- building raw UEFI maps ---------------------------------------------- */

#define EFI_MAP_BYTES 8192

struct efi_map {
    _Alignas(8) unsigned char buf[EFI_MAP_BYTES];
    size_t desc_size;
    size_t count;
};

/* Everything the firmware does not define is filled with garbage, so reading
 * padding, pad or virtual_start as if they meant something shows up. */
static void efi_map_init(struct efi_map *m, size_t desc_size)
{
    memset(m->buf, 0xa5, sizeof(m->buf));
    m->desc_size = desc_size;
    m->count = 0;
}

static void efi_add(struct efi_map *m, uint32_t type, uint64_t start, uint64_t pages, uint64_t attr)
{
    struct efi_memory_descriptor d;

    memset(&d, 0x5a, sizeof(d));
    d.type = type;
    d.physical_start = start;
    d.number_of_pages = pages;
    d.attribute = attr;
    assert_true((m->count + 1) * m->desc_size <= sizeof(m->buf));
    memcpy(m->buf + m->count * m->desc_size, &d, sizeof(d));
    m->count++;
}

/* Shorthand for the common case: write-back RAM-like attributes. */
static void efi_add_wb(struct efi_map *m, uint32_t type, uint64_t start, uint64_t pages)
{
    efi_add(m, type, start, pages, EFI_MEMORY_WB);
}

static size_t efi_size(const struct efi_map *m)
{
    return m->count * m->desc_size;
}

/* ---- output storage with a guard after the capacity ---------------------- */

#define OUT_MAX   256
#define GUARD     4
#define GUARD_VAL 0xdeadbeefcafef00dULL

static struct mem_range storage[OUT_MAX + GUARD];

static struct memmap out_map(size_t capacity)
{
    struct memmap m = {.ranges = storage, .count = 12345, .capacity = capacity};

    assert_true(capacity <= OUT_MAX);
    for (size_t i = 0; i < OUT_MAX + GUARD; i++) {
        storage[i].base = GUARD_VAL;
        storage[i].end = GUARD_VAL;
        storage[i].type = 0xeeeeeeee;
    }
    return m;
}

static void assert_guard_intact(size_t capacity)
{
    for (size_t i = capacity; i < OUT_MAX + GUARD; i++) {
        assert_true(storage[i].base == GUARD_VAL);
        assert_true(storage[i].end == GUARD_VAL);
        assert_true(storage[i].type == 0xeeeeeeee);
    }
}

static int convert(struct memmap *out, const struct efi_map *m)
{
    return memmap_from_efi(out, m->buf, efi_size(m), m->desc_size);
}

#define assert_range(map, i, b, e, t)                                                              \
    do {                                                                                           \
        assert_true((i) < (map)->count);                                                           \
        assert_int_equal((map)->ranges[i].base, (b));                                              \
        assert_int_equal((map)->ranges[i].end, (e));                                               \
        assert_int_equal((map)->ranges[i].type, (t));                                              \
    } while (0)

/* Sorted, non-empty, non-overlapping, and no two touching ranges of one type. */
static void assert_normalized(const struct memmap *m)
{
    for (size_t i = 0; i < m->count; i++) {
        assert_true(m->ranges[i].base < m->ranges[i].end);
        if (i > 0) {
            assert_true(m->ranges[i - 1].end <= m->ranges[i].base);
            if (m->ranges[i - 1].end == m->ranges[i].base)
                assert_int_not_equal(m->ranges[i - 1].type, m->ranges[i].type);
        }
    }
}

/* Convert a map of one descriptor and return the single resulting type. */
static uint32_t type_of_one(uint32_t efi_type, uint64_t attr)
{
    struct efi_map m;
    struct memmap out = out_map(4);

    efi_map_init(&m, 48);
    efi_add(&m, efi_type, 0x100000, 4, attr);
    assert_int_equal(convert(&out, &m), 0);
    assert_int_equal(out.count, 1);
    assert_int_equal(out.ranges[0].base, 0x100000);
    assert_int_equal(out.ranges[0].end, 0x104000);
    return out.ranges[0].type;
}

/* ---- strides and layout ---------------------------------------------------- */

static void test_empty_map(void **state)
{
    struct efi_map m;
    struct memmap out = out_map(4);

    (void)state;
    efi_map_init(&m, 48);
    assert_int_equal(convert(&out, &m), 0);
    assert_int_equal(out.count, 0);
    assert_guard_intact(0);
}

static void test_single_conventional(void **state)
{
    struct efi_map m;
    struct memmap out = out_map(4);

    (void)state;
    efi_map_init(&m, 48);
    efi_add_wb(&m, EFI_CONVENTIONAL_MEMORY, 0x100000, 0x100);
    assert_int_equal(convert(&out, &m), 0);
    assert_int_equal(out.count, 1);
    assert_range(&out, 0, 0x100000, 0x200000, MEM_USABLE);
    assert_guard_intact(1);
}

static void test_stride_48_padding_ignored(void **state)
{
    struct efi_map m;
    struct memmap out = out_map(8);

    (void)state;
    efi_map_init(&m, 48);
    efi_add_wb(&m, EFI_CONVENTIONAL_MEMORY, 0x0, 0x10);
    efi_add(&m, EFI_RESERVED_MEMORY, 0x20000, 0x10, 0);
    efi_add_wb(&m, EFI_ACPI_RECLAIM_MEMORY, 0x40000, 0x10);
    /* The 8 bytes after each descriptor are 0xa5 garbage. */
    assert_int_equal(m.buf[40], 0xa5);
    assert_int_equal(m.buf[47], 0xa5);
    assert_int_equal(convert(&out, &m), 0);
    assert_int_equal(out.count, 3);
    assert_range(&out, 0, 0x0, 0x10000, MEM_USABLE);
    assert_range(&out, 1, 0x20000, 0x30000, MEM_RESERVED);
    assert_range(&out, 2, 0x40000, 0x50000, MEM_ACPI);
}

static void test_stride_larger(void **state)
{
    struct efi_map m;
    struct memmap out = out_map(8);

    (void)state;
    efi_map_init(&m, 80);
    efi_add_wb(&m, EFI_CONVENTIONAL_MEMORY, 0x0, 0x10);
    efi_add_wb(&m, EFI_ACPI_MEMORY_NVS, 0x10000, 0x10);
    assert_int_equal(convert(&out, &m), 0);
    assert_int_equal(out.count, 2);
    assert_range(&out, 0, 0x0, 0x10000, MEM_USABLE);
    assert_range(&out, 1, 0x10000, 0x20000, MEM_NVS);
}

static void test_stride_exact_sizeof(void **state)
{
    struct efi_map m;
    struct memmap out = out_map(8);

    (void)state;
    efi_map_init(&m, sizeof(struct efi_memory_descriptor));
    efi_add_wb(&m, EFI_CONVENTIONAL_MEMORY, 0x0, 0x10);
    efi_add(&m, EFI_MEMORY_MAPPED_IO, 0xfec00000, 1, EFI_MEMORY_RUNTIME);
    assert_int_equal(convert(&out, &m), 0);
    assert_int_equal(out.count, 2);
    assert_range(&out, 0, 0x0, 0x10000, MEM_USABLE);
    assert_range(&out, 1, 0xfec00000, 0xfec01000, MEM_RESERVED);
}

/* The firmware's buffer is 8-aligned, but nothing must depend on it. */
static void test_unaligned_map_buffer(void **state)
{
    static struct efi_map m;
    static _Alignas(8) unsigned char shifted[EFI_MAP_BYTES + 8];
    struct memmap out = out_map(8);

    (void)state;
    efi_map_init(&m, 48);
    efi_add_wb(&m, EFI_CONVENTIONAL_MEMORY, 0x0, 0x10);
    efi_add_wb(&m, EFI_ACPI_RECLAIM_MEMORY, 0x10000, 0x10);
    memcpy(shifted + 4, m.buf, efi_size(&m));
    assert_int_equal(memmap_from_efi(&out, shifted + 4, efi_size(&m), 48), 0);
    assert_int_equal(out.count, 2);
    assert_range(&out, 0, 0x0, 0x10000, MEM_USABLE);
    assert_range(&out, 1, 0x10000, 0x20000, MEM_ACPI);
}

/* ---- sorting and merging ------------------------------------------------- */

static void test_sorts_out_of_order(void **state)
{
    struct efi_map m;
    struct memmap out = out_map(8);

    (void)state;
    efi_map_init(&m, 48);
    efi_add_wb(&m, EFI_ACPI_MEMORY_NVS, 0x300000, 0x10);
    efi_add(&m, EFI_RESERVED_MEMORY, 0x100000, 0x10, 0);
    efi_add_wb(&m, EFI_ACPI_RECLAIM_MEMORY, 0x200000, 0x10);
    efi_add_wb(&m, EFI_CONVENTIONAL_MEMORY, 0x0, 0x10);
    assert_int_equal(convert(&out, &m), 0);
    assert_int_equal(out.count, 4);
    assert_range(&out, 0, 0x0, 0x10000, MEM_USABLE);
    assert_range(&out, 1, 0x100000, 0x110000, MEM_RESERVED);
    assert_range(&out, 2, 0x200000, 0x210000, MEM_ACPI);
    assert_range(&out, 3, 0x300000, 0x310000, MEM_NVS);
}

static void test_merges_adjacent_equal_types(void **state)
{
    struct efi_map m;
    struct memmap out = out_map(8);

    (void)state;
    efi_map_init(&m, 48);
    /* Different EFI types, all usable RAM, touching, out of order. */
    efi_add_wb(&m, EFI_BOOT_SERVICES_CODE, 0x3000, 1);
    efi_add_wb(&m, EFI_CONVENTIONAL_MEMORY, 0x0, 2);
    efi_add_wb(&m, EFI_LOADER_DATA, 0x2000, 1);
    efi_add_wb(&m, EFI_BOOT_SERVICES_DATA, 0x4000, 4);
    assert_int_equal(convert(&out, &m), 0);
    assert_int_equal(out.count, 1);
    assert_range(&out, 0, 0x0, 0x8000, MEM_USABLE);
}

static void test_no_merge_across_types(void **state)
{
    struct efi_map m;
    struct memmap out = out_map(8);

    (void)state;
    efi_map_init(&m, 48);
    efi_add_wb(&m, EFI_CONVENTIONAL_MEMORY, 0x0, 1);
    efi_add_wb(&m, EFI_ACPI_RECLAIM_MEMORY, 0x1000, 1);
    efi_add_wb(&m, EFI_CONVENTIONAL_MEMORY, 0x2000, 1);
    assert_int_equal(convert(&out, &m), 0);
    assert_int_equal(out.count, 3);
    assert_range(&out, 0, 0x0, 0x1000, MEM_USABLE);
    assert_range(&out, 1, 0x1000, 0x2000, MEM_ACPI);
    assert_range(&out, 2, 0x2000, 0x3000, MEM_USABLE);
}

static void test_no_merge_across_gap(void **state)
{
    struct efi_map m;
    struct memmap out = out_map(8);

    (void)state;
    efi_map_init(&m, 48);
    efi_add_wb(&m, EFI_CONVENTIONAL_MEMORY, 0x0, 1);
    efi_add_wb(&m, EFI_CONVENTIONAL_MEMORY, 0x2000, 1);
    assert_int_equal(convert(&out, &m), 0);
    assert_int_equal(out.count, 2);
    assert_range(&out, 0, 0x0, 0x1000, MEM_USABLE);
    assert_range(&out, 1, 0x2000, 0x3000, MEM_USABLE);
}

/* ---- type mapping ---------------------------------------------------------- */

static void test_type_ram_with_wb_is_usable(void **state)
{
    (void)state;
    assert_int_equal(type_of_one(EFI_LOADER_CODE, EFI_MEMORY_WB), MEM_USABLE);
    assert_int_equal(type_of_one(EFI_LOADER_DATA, EFI_MEMORY_WB), MEM_USABLE);
    assert_int_equal(type_of_one(EFI_BOOT_SERVICES_CODE, EFI_MEMORY_WB), MEM_USABLE);
    assert_int_equal(type_of_one(EFI_BOOT_SERVICES_DATA, EFI_MEMORY_WB), MEM_USABLE);
    assert_int_equal(type_of_one(EFI_CONVENTIONAL_MEMORY, EFI_MEMORY_WB), MEM_USABLE);
    /* Other cacheability bits alongside WB do not matter (UC|WC|WT|WB). */
    assert_int_equal(type_of_one(EFI_CONVENTIONAL_MEMORY, 0xf), MEM_USABLE);
}

static void test_type_ram_without_wb_is_unusable(void **state)
{
    (void)state;
    assert_int_equal(type_of_one(EFI_LOADER_CODE, 0), MEM_UNUSABLE);
    assert_int_equal(type_of_one(EFI_LOADER_DATA, 0x1), MEM_UNUSABLE);
    assert_int_equal(type_of_one(EFI_BOOT_SERVICES_CODE, 0x2), MEM_UNUSABLE);
    assert_int_equal(type_of_one(EFI_BOOT_SERVICES_DATA, 0x4), MEM_UNUSABLE);
    assert_int_equal(type_of_one(EFI_CONVENTIONAL_MEMORY, 0x7), MEM_UNUSABLE);
}

static void test_type_runtime_services_reserved(void **state)
{
    (void)state;
    assert_int_equal(type_of_one(EFI_RUNTIME_SERVICES_CODE, EFI_MEMORY_WB | EFI_MEMORY_RUNTIME),
                     MEM_RESERVED);
    assert_int_equal(type_of_one(EFI_RUNTIME_SERVICES_DATA, EFI_MEMORY_WB | EFI_MEMORY_RUNTIME),
                     MEM_RESERVED);
    /* Even when the firmware forgot the RUNTIME attribute. */
    assert_int_equal(type_of_one(EFI_RUNTIME_SERVICES_CODE, EFI_MEMORY_WB), MEM_RESERVED);
    assert_int_equal(type_of_one(EFI_RUNTIME_SERVICES_DATA, EFI_MEMORY_WB), MEM_RESERVED);
}

static void test_type_runtime_attribute_on_boot_services(void **state)
{
    (void)state;
    assert_int_equal(type_of_one(EFI_BOOT_SERVICES_DATA, EFI_MEMORY_WB | EFI_MEMORY_RUNTIME),
                     MEM_RESERVED);
    assert_int_equal(type_of_one(EFI_BOOT_SERVICES_CODE, EFI_MEMORY_WB | EFI_MEMORY_RUNTIME),
                     MEM_RESERVED);
    assert_int_equal(type_of_one(EFI_CONVENTIONAL_MEMORY, EFI_MEMORY_WB | EFI_MEMORY_RUNTIME),
                     MEM_RESERVED);
    assert_int_equal(type_of_one(EFI_LOADER_DATA, EFI_MEMORY_RUNTIME), MEM_RESERVED);
}

static void test_type_acpi_reclaim(void **state)
{
    (void)state;
    assert_int_equal(type_of_one(EFI_ACPI_RECLAIM_MEMORY, EFI_MEMORY_WB), MEM_ACPI);
    assert_int_equal(type_of_one(EFI_ACPI_RECLAIM_MEMORY, 0), MEM_ACPI);
}

static void test_type_acpi_nvs(void **state)
{
    (void)state;
    assert_int_equal(type_of_one(EFI_ACPI_MEMORY_NVS, EFI_MEMORY_WB), MEM_NVS);
    assert_int_equal(type_of_one(EFI_ACPI_MEMORY_NVS, 0), MEM_NVS);
}

static void test_type_unusable(void **state)
{
    (void)state;
    assert_int_equal(type_of_one(EFI_UNUSABLE_MEMORY, EFI_MEMORY_WB), MEM_UNUSABLE);
    assert_int_equal(type_of_one(EFI_UNUSABLE_MEMORY, 0), MEM_UNUSABLE);
}

static void test_type_persistent(void **state)
{
    (void)state;
    assert_int_equal(type_of_one(EFI_PERSISTENT_MEMORY, EFI_MEMORY_WB), MEM_PMEM);
    assert_int_equal(type_of_one(EFI_PERSISTENT_MEMORY, 0), MEM_PMEM);
}

static void test_type_everything_else_reserved(void **state)
{
    /* Reserved, MMIO, port space, PAL, unaccepted; then past the spec's list,
     * the last reserved-for-future value, an OEM, an OS vendor type, and ~0. */
    static const uint32_t others[] = {
        EFI_RESERVED_MEMORY,
        EFI_MEMORY_MAPPED_IO,
        EFI_MEMORY_MAPPED_IO_PORT_SPACE,
        EFI_PAL_CODE,
        EFI_UNACCEPTED_MEMORY,
        16,
        0x6fffffff,
        0x70000000,
        0x80000000,
        0xffffffff,
    };

    (void)state;
    for (size_t i = 0; i < sizeof(others) / sizeof(others[0]); i++) {
        assert_int_equal(type_of_one(others[i], EFI_MEMORY_WB), MEM_RESERVED);
        assert_int_equal(type_of_one(others[i], 0), MEM_RESERVED);
    }
}

/* EFI_MEMORY_RUNTIME makes any type reserved, except ACPI NVS, which is
 * preserved anyway and keeps its type. */
static void test_type_runtime_attribute_on_any_type(void **state)
{
    (void)state;
    assert_int_equal(type_of_one(EFI_ACPI_RECLAIM_MEMORY, EFI_MEMORY_RUNTIME), MEM_RESERVED);
    assert_int_equal(type_of_one(EFI_ACPI_MEMORY_NVS, EFI_MEMORY_RUNTIME), MEM_NVS);
    assert_int_equal(type_of_one(EFI_PERSISTENT_MEMORY, EFI_MEMORY_RUNTIME), MEM_RESERVED);
    assert_int_equal(type_of_one(EFI_MEMORY_MAPPED_IO, EFI_MEMORY_RUNTIME), MEM_RESERVED);
}

/* ---- overlaps -------------------------------------------------------------- */

static void test_overlap_partial_usable_first(void **state)
{
    struct efi_map m;
    struct memmap out = out_map(8);

    (void)state;
    efi_map_init(&m, 48);
    efi_add_wb(&m, EFI_CONVENTIONAL_MEMORY, 0x0, 3);
    efi_add(&m, EFI_RESERVED_MEMORY, 0x2000, 3, 0);
    assert_int_equal(convert(&out, &m), 0);
    assert_int_equal(out.count, 2);
    assert_range(&out, 0, 0x0, 0x2000, MEM_USABLE);
    assert_range(&out, 1, 0x2000, 0x5000, MEM_RESERVED);
}

static void test_overlap_partial_reserved_first(void **state)
{
    struct efi_map m;
    struct memmap out = out_map(8);

    (void)state;
    efi_map_init(&m, 48);
    efi_add(&m, EFI_RESERVED_MEMORY, 0x2000, 3, 0);
    efi_add_wb(&m, EFI_CONVENTIONAL_MEMORY, 0x0, 3);
    assert_int_equal(convert(&out, &m), 0);
    assert_int_equal(out.count, 2);
    assert_range(&out, 0, 0x0, 0x2000, MEM_USABLE);
    assert_range(&out, 1, 0x2000, 0x5000, MEM_RESERVED);
}

/* The usable descriptor starts inside the reserved one and runs past it. */
static void test_overlap_partial_on_the_left(void **state)
{
    struct efi_map m;
    struct memmap out = out_map(8);

    (void)state;
    efi_map_init(&m, 48);
    efi_add_wb(&m, EFI_ACPI_MEMORY_NVS, 0x0, 4);
    efi_add_wb(&m, EFI_CONVENTIONAL_MEMORY, 0x2000, 4);
    assert_int_equal(convert(&out, &m), 0);
    assert_int_equal(out.count, 2);
    assert_range(&out, 0, 0x0, 0x4000, MEM_NVS);
    assert_range(&out, 1, 0x4000, 0x6000, MEM_USABLE);
}

static void test_overlap_reserved_inside_usable(void **state)
{
    for (int order = 0; order < 2; order++) {
        struct efi_map m;
        struct memmap out = out_map(8);

        efi_map_init(&m, 48);
        if (order == 0)
            efi_add_wb(&m, EFI_CONVENTIONAL_MEMORY, 0x0, 0x10);
        efi_add(&m, EFI_MEMORY_MAPPED_IO, 0x4000, 2, EFI_MEMORY_RUNTIME);
        if (order == 1)
            efi_add_wb(&m, EFI_CONVENTIONAL_MEMORY, 0x0, 0x10);
        assert_int_equal(convert(&out, &m), 0);
        assert_int_equal(out.count, 3);
        assert_range(&out, 0, 0x0, 0x4000, MEM_USABLE);
        assert_range(&out, 1, 0x4000, 0x6000, MEM_RESERVED);
        assert_range(&out, 2, 0x6000, 0x10000, MEM_USABLE);
    }
    (void)state;
}

static void test_overlap_usable_inside_reserved(void **state)
{
    for (int order = 0; order < 2; order++) {
        struct efi_map m;
        struct memmap out = out_map(8);

        efi_map_init(&m, 48);
        if (order == 0)
            efi_add(&m, EFI_RESERVED_MEMORY, 0x0, 0x10, 0);
        efi_add_wb(&m, EFI_CONVENTIONAL_MEMORY, 0x4000, 2);
        if (order == 1)
            efi_add(&m, EFI_RESERVED_MEMORY, 0x0, 0x10, 0);
        assert_int_equal(convert(&out, &m), 0);
        assert_int_equal(out.count, 1);
        assert_range(&out, 0, 0x0, 0x10000, MEM_RESERVED);
    }
    (void)state;
}

static void test_overlap_identical(void **state)
{
    for (int order = 0; order < 2; order++) {
        struct efi_map m;
        struct memmap out = out_map(8);

        efi_map_init(&m, 48);
        if (order == 0)
            efi_add_wb(&m, EFI_BOOT_SERVICES_DATA, 0x10000, 4);
        efi_add_wb(&m, EFI_ACPI_RECLAIM_MEMORY, 0x10000, 4);
        if (order == 1)
            efi_add_wb(&m, EFI_BOOT_SERVICES_DATA, 0x10000, 4);
        assert_int_equal(convert(&out, &m), 0);
        assert_int_equal(out.count, 1);
        assert_range(&out, 0, 0x10000, 0x14000, MEM_ACPI);
    }
    (void)state;
}

static void test_overlap_same_type_merges(void **state)
{
    struct efi_map m;
    struct memmap out = out_map(8);

    (void)state;
    efi_map_init(&m, 48);
    efi_add_wb(&m, EFI_CONVENTIONAL_MEMORY, 0x0, 4);
    efi_add_wb(&m, EFI_BOOT_SERVICES_DATA, 0x2000, 4);
    efi_add_wb(&m, EFI_CONVENTIONAL_MEMORY, 0x0, 4);
    assert_int_equal(convert(&out, &m), 0);
    assert_int_equal(out.count, 1);
    assert_range(&out, 0, 0x0, 0x6000, MEM_USABLE);
}

/* USABLE < ACPI < NVS < PMEM < UNUSABLE < RESERVED, for every pair, in both
 * descriptor orders. */
static void test_precedence_all_pairs(void **state)
{
    static const struct {
        uint32_t efi_type;
        uint32_t mem_type;
    } order[] = {
        {EFI_CONVENTIONAL_MEMORY, MEM_USABLE}, {EFI_ACPI_RECLAIM_MEMORY, MEM_ACPI},
        {EFI_ACPI_MEMORY_NVS, MEM_NVS},        {EFI_PERSISTENT_MEMORY, MEM_PMEM},
        {EFI_UNUSABLE_MEMORY, MEM_UNUSABLE},   {EFI_RESERVED_MEMORY, MEM_RESERVED},
    };
    const size_t n = sizeof(order) / sizeof(order[0]);

    (void)state;
    for (size_t lo = 0; lo < n; lo++) {
        for (size_t hi = lo + 1; hi < n; hi++) {
            for (int first = 0; first < 2; first++) {
                struct efi_map m;
                struct memmap out = out_map(8);

                efi_map_init(&m, 48);
                if (first == 0)
                    efi_add_wb(&m, order[lo].efi_type, 0x100000, 8);
                efi_add_wb(&m, order[hi].efi_type, 0x100000, 8);
                if (first == 1)
                    efi_add_wb(&m, order[lo].efi_type, 0x100000, 8);
                assert_int_equal(convert(&out, &m), 0);
                assert_int_equal(out.count, 1);
                assert_range(&out, 0, 0x100000, 0x108000, order[hi].mem_type);
            }
        }
    }
}

static void test_overlap_staircase(void **state)
{
    struct efi_map m;
    struct memmap out = out_map(8);

    (void)state;
    efi_map_init(&m, 48);
    /* usable [0,8) acpi [2,6) nvs [4,10) reserved [5,6), in pages */
    efi_add(&m, EFI_RESERVED_MEMORY, 5 * PG, 1, 0);
    efi_add_wb(&m, EFI_ACPI_MEMORY_NVS, 4 * PG, 6);
    efi_add_wb(&m, EFI_CONVENTIONAL_MEMORY, 0, 8);
    efi_add_wb(&m, EFI_ACPI_RECLAIM_MEMORY, 2 * PG, 4);
    assert_int_equal(convert(&out, &m), 0);
    assert_int_equal(out.count, 5);
    assert_range(&out, 0, 0, 2 * PG, MEM_USABLE);
    assert_range(&out, 1, 2 * PG, 4 * PG, MEM_ACPI);
    assert_range(&out, 2, 4 * PG, 5 * PG, MEM_NVS);
    assert_range(&out, 3, 5 * PG, 6 * PG, MEM_RESERVED);
    assert_range(&out, 4, 6 * PG, 10 * PG, MEM_NVS);
}

/* ---- zero pages and overflow --------------------------------------------- */

static void test_zero_pages_ignored(void **state)
{
    struct efi_map m;
    struct memmap out = out_map(8);

    (void)state;
    efi_map_init(&m, 48);
    efi_add_wb(&m, EFI_CONVENTIONAL_MEMORY, 0x0, 0x10);
    efi_add(&m, EFI_RESERVED_MEMORY, 0x4000, 0, 0);  /* inside: must not split */
    efi_add(&m, EFI_RESERVED_MEMORY, 0x80000, 0, 0); /* alone: must not appear */
    efi_add(&m, EFI_RESERVED_MEMORY, 0x10000, 0, 0); /* at the end: must not add */
    assert_int_equal(convert(&out, &m), 0);
    assert_int_equal(out.count, 1);
    assert_range(&out, 0, 0x0, 0x10000, MEM_USABLE);
}

static void test_only_zero_pages(void **state)
{
    struct efi_map m;
    struct memmap out = out_map(8);

    (void)state;
    efi_map_init(&m, 48);
    efi_add_wb(&m, EFI_CONVENTIONAL_MEMORY, 0x1000, 0);
    efi_add(&m, EFI_RESERVED_MEMORY, 0x0, 0, 0);
    assert_int_equal(convert(&out, &m), 0);
    assert_int_equal(out.count, 0);
}

static void test_overflow_end_clamped(void **state)
{
    struct efi_map m;
    struct memmap out = out_map(8);

    (void)state;
    efi_map_init(&m, 48);
    efi_add(&m, EFI_RESERVED_MEMORY, 0xfffffffffffff000ULL, 2, 0);
    efi_add_wb(&m, EFI_CONVENTIONAL_MEMORY, 0x0, 1);
    assert_int_equal(convert(&out, &m), 0);
    assert_int_equal(out.count, 2);
    assert_range(&out, 0, 0x0, 0x1000, MEM_USABLE);
    assert_range(&out, 1, 0xfffffffffffff000ULL, UINT64_MAX, MEM_RESERVED);
}

/* number_of_pages * 4096 itself overflows. */
static void test_overflow_huge_page_count(void **state)
{
    struct efi_map m;
    struct memmap out = out_map(8);

    (void)state;
    efi_map_init(&m, 48);
    efi_add(&m, EFI_RESERVED_MEMORY, 0x100000, UINT64_MAX, 0);
    efi_add(&m, EFI_RESERVED_MEMORY, 0x200000, 1ULL << 52, 0);
    efi_add_wb(&m, EFI_CONVENTIONAL_MEMORY, 0x0, 0x100);
    assert_int_equal(convert(&out, &m), 0);
    assert_int_equal(out.count, 2);
    assert_range(&out, 0, 0x0, 0x100000, MEM_USABLE);
    assert_range(&out, 1, 0x100000, UINT64_MAX, MEM_RESERVED);
}

static void test_overflow_whole_address_space(void **state)
{
    struct efi_map m;
    struct memmap out = out_map(8);

    (void)state;
    efi_map_init(&m, 48);
    efi_add(&m, EFI_PERSISTENT_MEMORY, 0x0, 1ULL << 52, 0); /* exactly 2^64 bytes */
    assert_int_equal(convert(&out, &m), 0);
    assert_int_equal(out.count, 1);
    assert_range(&out, 0, 0x0, UINT64_MAX, MEM_PMEM);
    assert_int_equal(memmap_total(&out, MEM_PMEM), UINT64_MAX);
}

/* Starting at the last page of the address space: the clamped range is still
 * there, just one byte short. */
static void test_overflow_last_page(void **state)
{
    struct efi_map m;
    struct memmap out = out_map(8);

    (void)state;
    efi_map_init(&m, 48);
    efi_add(&m, EFI_MEMORY_MAPPED_IO, 0xfffffffffffff000ULL, 1, 0);
    assert_int_equal(convert(&out, &m), 0);
    assert_int_equal(out.count, 1);
    assert_range(&out, 0, 0xfffffffffffff000ULL, UINT64_MAX, MEM_RESERVED);
}

/* ---- capacity and malformed input ------------------------------------------ */

static void add_three_distinct(struct efi_map *m)
{
    efi_add_wb(m, EFI_CONVENTIONAL_MEMORY, 0x0, 1);
    efi_add_wb(m, EFI_ACPI_RECLAIM_MEMORY, 0x1000, 1);
    efi_add_wb(m, EFI_ACPI_MEMORY_NVS, 0x2000, 1);
}

static void test_capacity_exact_fit(void **state)
{
    struct efi_map m;
    struct memmap out = out_map(3);

    (void)state;
    efi_map_init(&m, 48);
    add_three_distinct(&m);
    assert_int_equal(convert(&out, &m), 0);
    assert_int_equal(out.count, 3);
    assert_range(&out, 2, 0x2000, 0x3000, MEM_NVS);
    assert_guard_intact(3);
}

static void test_capacity_exceeded(void **state)
{
    struct efi_map m;
    struct memmap out = out_map(2);

    (void)state;
    efi_map_init(&m, 48);
    add_three_distinct(&m);
    assert_int_equal(convert(&out, &m), -MEMMAP_ERR_NOSPC);
    assert_int_equal(out.count, 0);
    assert_guard_intact(2);
}

static void test_capacity_zero(void **state)
{
    struct efi_map m;
    struct memmap out = out_map(0);

    (void)state;
    efi_map_init(&m, 48);
    assert_int_equal(convert(&out, &m), 0); /* nothing to store: fine */
    efi_add_wb(&m, EFI_CONVENTIONAL_MEMORY, 0x0, 1);
    assert_int_equal(convert(&out, &m), -MEMMAP_ERR_NOSPC);
    assert_int_equal(out.count, 0);
    assert_guard_intact(0);

    out.ranges = NULL; /* no storage at all is consistent with capacity 0 */
    assert_int_equal(convert(&out, &m), -MEMMAP_ERR_NOSPC);
}

/* Capacity is about the result, not the number of descriptors. */
static void test_capacity_counts_merged_result(void **state)
{
    struct efi_map m;
    struct memmap out = out_map(1);

    (void)state;
    efi_map_init(&m, 48);
    for (uint64_t i = 0; i < 40; i++)
        efi_add_wb(&m, i % 2 ? EFI_BOOT_SERVICES_DATA : EFI_CONVENTIONAL_MEMORY, (39 - i) * PG, 1);
    assert_int_equal(convert(&out, &m), 0);
    assert_int_equal(out.count, 1);
    assert_range(&out, 0, 0, 40 * PG, MEM_USABLE);
    assert_guard_intact(1);
}

/* Two usable pieces with a hole, both swallowed by one reserved descriptor:
 * the result fits in one range even though the usable ones alone do not. */
static void test_capacity_counts_overlap_result(void **state)
{
    struct efi_map m;
    struct memmap out = out_map(1);

    (void)state;
    efi_map_init(&m, 48);
    efi_add_wb(&m, EFI_CONVENTIONAL_MEMORY, 0x0, 5);
    efi_add_wb(&m, EFI_CONVENTIONAL_MEMORY, 0x6000, 4);
    efi_add(&m, EFI_RESERVED_MEMORY, 0x0, 10, 0);
    assert_int_equal(convert(&out, &m), 0);
    assert_int_equal(out.count, 1);
    assert_range(&out, 0, 0x0, 0xa000, MEM_RESERVED);
    assert_guard_intact(1);
}

static void test_bad_desc_size_too_small(void **state)
{
    static const size_t sizes[] = {0, 8, 16, 24, 32};
    struct efi_map m;
    struct memmap out = out_map(8);

    (void)state;
    efi_map_init(&m, 48);
    efi_add_wb(&m, EFI_CONVENTIONAL_MEMORY, 0x0, 1);
    efi_add_wb(&m, EFI_CONVENTIONAL_MEMORY, 0x1000, 1); /* 96 bytes: a multiple of all */
    for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
        out.count = 7;
        assert_int_equal(memmap_from_efi(&out, m.buf, 96, sizes[i]), -MEMMAP_ERR_INVAL);
        assert_int_equal(out.count, 0);
    }
    assert_guard_intact(0);
}

static void test_bad_desc_size_not_multiple_of_8(void **state)
{
    static const size_t sizes[] = {41, 44, 47, 52, 60};
    struct efi_map m;
    struct memmap out = out_map(8);

    (void)state;
    efi_map_init(&m, 48);
    efi_add_wb(&m, EFI_CONVENTIONAL_MEMORY, 0x0, 1);
    for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
        /* map_size a multiple of the stride, so only the stride is wrong */
        assert_int_equal(memmap_from_efi(&out, m.buf, 2 * sizes[i], sizes[i]), -MEMMAP_ERR_INVAL);
        assert_int_equal(out.count, 0);
    }
    assert_guard_intact(0);
}

static void test_bad_map_size_not_multiple(void **state)
{
    struct efi_map m;
    struct memmap out = out_map(8);

    (void)state;
    efi_map_init(&m, 48);
    add_three_distinct(&m);
    assert_int_equal(memmap_from_efi(&out, m.buf, 3 * 48 - 8, 48), -MEMMAP_ERR_INVAL);
    assert_int_equal(memmap_from_efi(&out, m.buf, 3 * 48 + 1, 48), -MEMMAP_ERR_INVAL);
    assert_int_equal(memmap_from_efi(&out, m.buf, 40, 48), -MEMMAP_ERR_INVAL);
    assert_int_equal(out.count, 0);
    assert_guard_intact(0);
}

static void test_null_arguments(void **state)
{
    struct efi_map m;
    struct memmap out = out_map(8);
    struct memmap no_storage = {.ranges = NULL, .count = 0, .capacity = 4};

    (void)state;
    efi_map_init(&m, 48);
    add_three_distinct(&m);
    assert_int_equal(memmap_from_efi(NULL, m.buf, efi_size(&m), 48), -MEMMAP_ERR_INVAL);
    assert_int_equal(memmap_from_efi(&out, NULL, efi_size(&m), 48), -MEMMAP_ERR_INVAL);
    assert_int_equal(memmap_from_efi(&out, NULL, 0, 48), 0);
    assert_int_equal(memmap_from_efi(&no_storage, m.buf, efi_size(&m), 48), -MEMMAP_ERR_INVAL);
    assert_int_equal(memmap_set_type(NULL, 0, PG, MEM_USABLE), -MEMMAP_ERR_INVAL);
    assert_int_equal(memmap_set_type(&no_storage, 0, PG, MEM_USABLE), -MEMMAP_ERR_INVAL);
    assert_int_equal(memmap_total(NULL, MEM_USABLE), 0);
}

/* ---- a realistic map ------------------------------------------------------ */

/* What OVMF hands over on QEMU q35 with 512 MiB: RAM split by boot services
 * allocations, ACPI NVS islands at 8 MiB, runtime regions near the top of
 * RAM, the MMCONFIG window, the flash below 4 GiB and the reserved HyperTransport
 * hole at 1 TiB. */
static void add_ovmf_q35_512m(struct efi_map *m)
{
    const uint64_t rt = EFI_MEMORY_RUNTIME | EFI_MEMORY_WB;

    efi_add_wb(m, EFI_BOOT_SERVICES_DATA, 0x0, 0x1);
    efi_add_wb(m, EFI_CONVENTIONAL_MEMORY, 0x1000, 0x9e);
    efi_add_wb(m, EFI_CONVENTIONAL_MEMORY, 0x100000, 0x700);
    efi_add_wb(m, EFI_ACPI_MEMORY_NVS, 0x800000, 0x8);
    efi_add_wb(m, EFI_CONVENTIONAL_MEMORY, 0x808000, 0x3);
    efi_add_wb(m, EFI_ACPI_MEMORY_NVS, 0x80b000, 0x1);
    efi_add_wb(m, EFI_CONVENTIONAL_MEMORY, 0x80c000, 0x5);
    efi_add_wb(m, EFI_ACPI_MEMORY_NVS, 0x811000, 0xef);
    efi_add_wb(m, EFI_BOOT_SERVICES_DATA, 0x900000, 0x700);
    efi_add_wb(m, EFI_CONVENTIONAL_MEMORY, 0x1000000, 0x1d000);
    efi_add_wb(m, EFI_LOADER_CODE, 0x1e000000, 0x100);
    efi_add_wb(m, EFI_BOOT_SERVICES_CODE, 0x1e100000, 0xf00);
    efi_add(m, EFI_RUNTIME_SERVICES_DATA, 0x1f000000, 0x100, rt);
    efi_add(m, EFI_RUNTIME_SERVICES_CODE, 0x1f100000, 0x100, rt);
    efi_add_wb(m, EFI_BOOT_SERVICES_DATA, 0x1f200000, 0x600);
    efi_add_wb(m, EFI_ACPI_RECLAIM_MEMORY, 0x1f800000, 0x100);
    efi_add_wb(m, EFI_ACPI_MEMORY_NVS, 0x1f900000, 0x100);
    efi_add_wb(m, EFI_BOOT_SERVICES_DATA, 0x1fa00000, 0x500);
    efi_add(m, EFI_RUNTIME_SERVICES_DATA, 0x1ff00000, 0x100, rt);
    efi_add(m, EFI_RESERVED_MEMORY, 0xb0000000, 0x10000, 0);
    efi_add(m, EFI_MEMORY_MAPPED_IO, 0xffc00000, 0x400, EFI_MEMORY_RUNTIME | 0x1);
    efi_add(m, EFI_RESERVED_MEMORY, 0xfd00000000ULL, 0x300000, 0);
}

static void test_ovmf_q35_512m(void **state)
{
    struct efi_map m;
    struct memmap out = out_map(64);

    (void)state;
    efi_map_init(&m, 48);
    add_ovmf_q35_512m(&m);
    assert_int_equal(m.count, 22);
    assert_int_equal(convert(&out, &m), 0);
    assert_normalized(&out);
    assert_int_equal(out.count, 17);
    assert_range(&out, 0, 0x0, 0x9f000, MEM_USABLE);
    assert_range(&out, 1, 0x100000, 0x800000, MEM_USABLE);
    assert_range(&out, 2, 0x800000, 0x808000, MEM_NVS);
    assert_range(&out, 3, 0x808000, 0x80b000, MEM_USABLE);
    assert_range(&out, 4, 0x80b000, 0x80c000, MEM_NVS);
    assert_range(&out, 5, 0x80c000, 0x811000, MEM_USABLE);
    assert_range(&out, 6, 0x811000, 0x900000, MEM_NVS);
    assert_range(&out, 7, 0x900000, 0x1f000000, MEM_USABLE);
    assert_range(&out, 8, 0x1f000000, 0x1f200000, MEM_RESERVED);
    assert_range(&out, 9, 0x1f200000, 0x1f800000, MEM_USABLE);
    assert_range(&out, 10, 0x1f800000, 0x1f900000, MEM_ACPI);
    assert_range(&out, 11, 0x1f900000, 0x1fa00000, MEM_NVS);
    assert_range(&out, 12, 0x1fa00000, 0x1ff00000, MEM_USABLE);
    assert_range(&out, 13, 0x1ff00000, 0x20000000, MEM_RESERVED);
    assert_range(&out, 14, 0xb0000000, 0xc0000000, MEM_RESERVED);
    assert_range(&out, 15, 0xffc00000, 0x100000000ULL, MEM_RESERVED);
    assert_range(&out, 16, 0xfd00000000ULL, 0x10000000000ULL, MEM_RESERVED);

    /*
     * 512 MiB minus what is not usable below it:
     *   hole 0x9f000-0x100000       0x061000
     *   NVS  0x8000+0x1000+0xef000  0x0f8000
     *   runtime 0x200000+0x100000   0x300000
     *   ACPI 0x100000, NVS 0x100000 0x200000
     *                               --------
     *                               0x659000
     * 0x20000000 - 0x659000 = 0x1f9a7000 (about 505.6 MiB).
     */
    assert_int_equal(memmap_total(&out, MEM_USABLE), 0x1f9a7000);
    assert_int_equal(memmap_total(&out, MEM_NVS), 0x1f8000);
    assert_int_equal(memmap_total(&out, MEM_ACPI), 0x100000);
    assert_int_equal(memmap_total(&out, MEM_RESERVED),
                     0x300000 + 0x10000000 + 0x400000 + 0x300000000ULL);
    assert_int_equal(memmap_total(&out, MEM_UNUSABLE), 0);
}

/* The OVMF map is independent of descriptor order. */
static void test_ovmf_q35_512m_reversed(void **state)
{
    struct efi_map fwd, rev;
    struct memmap out = out_map(64);
    struct mem_range expect[64];
    size_t n;

    (void)state;
    efi_map_init(&fwd, 48);
    add_ovmf_q35_512m(&fwd);
    assert_int_equal(convert(&out, &fwd), 0);
    n = out.count;
    memcpy(expect, out.ranges, n * sizeof(expect[0]));

    efi_map_init(&rev, 48);
    for (size_t i = 0; i < fwd.count; i++)
        memcpy(rev.buf + i * 48, fwd.buf + (fwd.count - 1 - i) * 48, 48);
    rev.count = fwd.count;
    out = out_map(64);
    assert_int_equal(convert(&out, &rev), 0);
    assert_int_equal(out.count, n);
    assert_memory_equal(out.ranges, expect, n * sizeof(expect[0]));
}

/* What the loader does next: mark the hypervisor, a module and the AP
 * trampoline inside usable RAM. */
static void test_ovmf_then_carve(void **state)
{
    struct efi_map m;
    struct memmap out = out_map(64);

    (void)state;
    efi_map_init(&m, 48);
    add_ovmf_q35_512m(&m);
    assert_int_equal(convert(&out, &m), 0);
    assert_int_equal(memmap_set_type(&out, 0x8000, 0x1000, MEM_TRAMPOLINE), 0);
    assert_int_equal(memmap_set_type(&out, 0x2000000, 64ULL << 20, MEM_HYPERVISOR), 0);
    assert_int_equal(memmap_set_type(&out, 0x1f200000, 0x400000, MEM_MODULE), 0);
    assert_normalized(&out);
    assert_int_equal(out.count, 17 + 2 + 2 + 1);
    assert_range(&out, 0, 0x0, 0x8000, MEM_USABLE);
    assert_range(&out, 1, 0x8000, 0x9000, MEM_TRAMPOLINE);
    assert_range(&out, 2, 0x9000, 0x9f000, MEM_USABLE);
    assert_range(&out, 9, 0x900000, 0x2000000, MEM_USABLE);
    assert_range(&out, 10, 0x2000000, 0x6000000, MEM_HYPERVISOR);
    assert_range(&out, 11, 0x6000000, 0x1f000000, MEM_USABLE);
    assert_range(&out, 13, 0x1f200000, 0x1f600000, MEM_MODULE);
    assert_range(&out, 14, 0x1f600000, 0x1f800000, MEM_USABLE);
    assert_int_equal(memmap_total(&out, MEM_USABLE),
                     0x1f9a7000 - 0x1000 - (64ULL << 20) - 0x400000);
    assert_int_equal(memmap_total(&out, MEM_HYPERVISOR), 64ULL << 20);
    assert_int_equal(memmap_total(&out, MEM_MODULE), 0x400000);
    assert_int_equal(memmap_total(&out, MEM_TRAMPOLINE), 0x1000);
}

/* ---- memmap_set_type --------------------------------------------------------- */

/* A map built directly: base/end in pages, so the tests read like pictures. */
static struct memmap make_map(size_t capacity, const struct mem_range *pages, size_t n)
{
    struct memmap m = out_map(capacity);

    assert_true(n <= capacity);
    for (size_t i = 0; i < n; i++) {
        m.ranges[i].base = pages[i].base * PG;
        m.ranges[i].end = pages[i].end * PG;
        m.ranges[i].type = pages[i].type;
    }
    m.count = n;
    return m;
}

static void test_set_type_split_middle(void **state)
{
    const struct mem_range init[] = {{0, 16, MEM_USABLE}};
    struct memmap m = make_map(8, init, 1);

    (void)state;
    assert_int_equal(memmap_set_type(&m, 4 * PG, 4 * PG, MEM_HYPERVISOR), 0);
    assert_int_equal(m.count, 3);
    assert_range(&m, 0, 0, 4 * PG, MEM_USABLE);
    assert_range(&m, 1, 4 * PG, 8 * PG, MEM_HYPERVISOR);
    assert_range(&m, 2, 8 * PG, 16 * PG, MEM_USABLE);
    assert_guard_intact(8);
}

static void test_set_type_at_start(void **state)
{
    const struct mem_range init[] = {{0, 16, MEM_USABLE}};
    struct memmap m = make_map(8, init, 1);

    (void)state;
    assert_int_equal(memmap_set_type(&m, 0, 4 * PG, MEM_MODULE), 0);
    assert_int_equal(m.count, 2);
    assert_range(&m, 0, 0, 4 * PG, MEM_MODULE);
    assert_range(&m, 1, 4 * PG, 16 * PG, MEM_USABLE);
}

static void test_set_type_at_end(void **state)
{
    const struct mem_range init[] = {{0, 16, MEM_USABLE}};
    struct memmap m = make_map(8, init, 1);

    (void)state;
    assert_int_equal(memmap_set_type(&m, 12 * PG, 4 * PG, MEM_MODULE), 0);
    assert_int_equal(m.count, 2);
    assert_range(&m, 0, 0, 12 * PG, MEM_USABLE);
    assert_range(&m, 1, 12 * PG, 16 * PG, MEM_MODULE);
}

static void test_set_type_whole_range(void **state)
{
    const struct mem_range init[] = {{0, 4, MEM_RESERVED}, {4, 8, MEM_USABLE}, {9, 12, MEM_ACPI}};
    struct memmap m = make_map(8, init, 3);

    (void)state;
    assert_int_equal(memmap_set_type(&m, 4 * PG, 4 * PG, MEM_HYPERVISOR), 0);
    assert_int_equal(m.count, 3);
    assert_range(&m, 0, 0, 4 * PG, MEM_RESERVED);
    assert_range(&m, 1, 4 * PG, 8 * PG, MEM_HYPERVISOR);
    assert_range(&m, 2, 9 * PG, 12 * PG, MEM_ACPI);
}

static void test_set_type_spanning_several(void **state)
{
    const struct mem_range init[] = {
        {0, 4, MEM_USABLE}, {4, 6, MEM_NVS}, {6, 10, MEM_USABLE}, {10, 12, MEM_ACPI}};
    struct memmap m = make_map(8, init, 4);

    (void)state;
    /* From the middle of the first range to the middle of the last. */
    assert_int_equal(memmap_set_type(&m, 2 * PG, 9 * PG, MEM_RESERVED), 0);
    assert_int_equal(m.count, 3);
    assert_range(&m, 0, 0, 2 * PG, MEM_USABLE);
    assert_range(&m, 1, 2 * PG, 11 * PG, MEM_RESERVED);
    assert_range(&m, 2, 11 * PG, 12 * PG, MEM_ACPI);
}

static void test_set_type_extends_past_map(void **state)
{
    const struct mem_range init[] = {{1, 2, MEM_USABLE}};
    struct memmap m = make_map(8, init, 1);

    (void)state;
    assert_int_equal(memmap_set_type(&m, 0x1800, 0x2800, MEM_MODULE), 0);
    assert_int_equal(m.count, 2);
    assert_range(&m, 0, 0x1000, 0x1800, MEM_USABLE);
    assert_range(&m, 1, 0x1800, 0x4000, MEM_MODULE);
}

static void test_set_type_fills_holes(void **state)
{
    const struct mem_range init[] = {{0, 1, MEM_USABLE}, {2, 3, MEM_ACPI}, {5, 6, MEM_USABLE}};
    struct memmap m = make_map(8, init, 3);

    (void)state;
    assert_int_equal(memmap_set_type(&m, 0, 6 * PG, MEM_HYPERVISOR), 0);
    assert_int_equal(m.count, 1);
    assert_range(&m, 0, 0, 6 * PG, MEM_HYPERVISOR);
    assert_int_equal(memmap_total(&m, MEM_HYPERVISOR), 6 * PG);
}

static void test_set_type_in_gap(void **state)
{
    const struct mem_range init[] = {{0, 2, MEM_USABLE}, {8, 10, MEM_USABLE}};
    struct memmap m = make_map(8, init, 2);

    (void)state;
    assert_int_equal(memmap_set_type(&m, 4 * PG, 2 * PG, MEM_MODULE), 0);
    assert_int_equal(m.count, 3);
    assert_range(&m, 0, 0, 2 * PG, MEM_USABLE);
    assert_range(&m, 1, 4 * PG, 6 * PG, MEM_MODULE);
    assert_range(&m, 2, 8 * PG, 10 * PG, MEM_USABLE);
}

static void test_set_type_before_and_after_all(void **state)
{
    const struct mem_range init[] = {{4, 8, MEM_USABLE}};
    struct memmap m = make_map(8, init, 1);

    (void)state;
    assert_int_equal(memmap_set_type(&m, 10 * PG, PG, MEM_RESERVED), 0);
    assert_int_equal(memmap_set_type(&m, 0, PG, MEM_TRAMPOLINE), 0);
    assert_int_equal(m.count, 3);
    assert_range(&m, 0, 0, PG, MEM_TRAMPOLINE);
    assert_range(&m, 1, 4 * PG, 8 * PG, MEM_USABLE);
    assert_range(&m, 2, 10 * PG, 11 * PG, MEM_RESERVED);
}

static void test_set_type_empty_map(void **state)
{
    struct memmap m = make_map(2, NULL, 0);

    (void)state;
    assert_int_equal(memmap_set_type(&m, 0x5000, 0x3000, MEM_USABLE), 0);
    assert_int_equal(m.count, 1);
    assert_range(&m, 0, 0x5000, 0x8000, MEM_USABLE);
    assert_guard_intact(2);
}

static void test_set_type_merges_left(void **state)
{
    const struct mem_range init[] = {{0, 4, MEM_MODULE}, {4, 8, MEM_USABLE}};
    struct memmap m = make_map(8, init, 2);

    (void)state;
    assert_int_equal(memmap_set_type(&m, 4 * PG, 2 * PG, MEM_MODULE), 0);
    assert_int_equal(m.count, 2);
    assert_range(&m, 0, 0, 6 * PG, MEM_MODULE);
    assert_range(&m, 1, 6 * PG, 8 * PG, MEM_USABLE);
}

static void test_set_type_merges_right(void **state)
{
    const struct mem_range init[] = {{0, 4, MEM_USABLE}, {4, 8, MEM_MODULE}};
    struct memmap m = make_map(8, init, 2);

    (void)state;
    assert_int_equal(memmap_set_type(&m, 2 * PG, 2 * PG, MEM_MODULE), 0);
    assert_int_equal(m.count, 2);
    assert_range(&m, 0, 0, 2 * PG, MEM_USABLE);
    assert_range(&m, 1, 2 * PG, 8 * PG, MEM_MODULE);
}

/* Touching, not overlapping, neighbours of the same type are merged too. */
static void test_set_type_merges_touching_neighbours(void **state)
{
    const struct mem_range init[] = {{0, 2, MEM_HYPERVISOR}, {4, 6, MEM_HYPERVISOR}};
    struct memmap m = make_map(8, init, 2);

    (void)state;
    assert_int_equal(memmap_set_type(&m, 2 * PG, 2 * PG, MEM_HYPERVISOR), 0);
    assert_int_equal(m.count, 1);
    assert_range(&m, 0, 0, 6 * PG, MEM_HYPERVISOR);
}

static void test_set_type_bridges_through_ranges(void **state)
{
    const struct mem_range init[] = {
        {0, 4, MEM_USABLE}, {4, 5, MEM_RESERVED}, {5, 6, MEM_ACPI}, {6, 9, MEM_USABLE}};
    struct memmap m = make_map(8, init, 4);

    (void)state;
    assert_int_equal(memmap_set_type(&m, 4 * PG, 2 * PG, MEM_USABLE), 0);
    assert_int_equal(m.count, 1);
    assert_range(&m, 0, 0, 9 * PG, MEM_USABLE);
}

static void test_set_type_same_type_inside(void **state)
{
    const struct mem_range init[] = {{0, 4, MEM_ACPI}, {4, 16, MEM_USABLE}, {16, 17, MEM_NVS}};
    struct memmap m = make_map(8, init, 3);

    (void)state;
    assert_int_equal(memmap_set_type(&m, 6 * PG, 3 * PG, MEM_USABLE), 0);
    assert_int_equal(m.count, 3);
    assert_range(&m, 0, 0, 4 * PG, MEM_ACPI);
    assert_range(&m, 1, 4 * PG, 16 * PG, MEM_USABLE);
    assert_range(&m, 2, 16 * PG, 17 * PG, MEM_NVS);
}

static void test_set_type_restore_merges(void **state)
{
    const struct mem_range init[] = {{0, 16, MEM_USABLE}};
    struct memmap m = make_map(8, init, 1);

    (void)state;
    assert_int_equal(memmap_set_type(&m, 4 * PG, 4 * PG, MEM_MODULE), 0);
    assert_int_equal(m.count, 3);
    assert_int_equal(memmap_set_type(&m, 4 * PG, 4 * PG, MEM_USABLE), 0);
    assert_int_equal(m.count, 1);
    assert_range(&m, 0, 0, 16 * PG, MEM_USABLE);
}

static void test_set_type_zero_size(void **state)
{
    const struct mem_range init[] = {{0, 16, MEM_USABLE}};
    struct memmap m = make_map(1, init, 1);

    (void)state;
    assert_int_equal(memmap_set_type(&m, 4 * PG, 0, MEM_MODULE), 0);
    assert_int_equal(m.count, 1);
    assert_range(&m, 0, 0, 16 * PG, MEM_USABLE);
}

static void test_set_type_overflow_clamped(void **state)
{
    const struct mem_range init[] = {{0, 16, MEM_USABLE}};
    struct memmap m = make_map(4, init, 1);

    (void)state;
    assert_int_equal(memmap_set_type(&m, 0xffffffff00000000ULL, UINT64_MAX, MEM_RESERVED), 0);
    assert_int_equal(m.count, 2);
    assert_range(&m, 1, 0xffffffff00000000ULL, UINT64_MAX, MEM_RESERVED);
    /* Nothing fits above the top. */
    assert_int_equal(memmap_set_type(&m, UINT64_MAX, 1, MEM_MODULE), 0);
    assert_int_equal(m.count, 2);
    assert_range(&m, 1, 0xffffffff00000000ULL, UINT64_MAX, MEM_RESERVED);
}

static void test_set_type_nospc_leaves_map_unchanged(void **state)
{
    const struct mem_range init[] = {{0, 16, MEM_USABLE}, {16, 20, MEM_RESERVED}};
    struct memmap m = make_map(3, init, 2);
    struct mem_range before[2];

    (void)state;
    memcpy(before, m.ranges, sizeof(before));
    /* Splitting the middle needs 4 ranges. */
    assert_int_equal(memmap_set_type(&m, 4 * PG, 4 * PG, MEM_MODULE), -MEMMAP_ERR_NOSPC);
    assert_int_equal(m.count, 2);
    assert_memory_equal(m.ranges, before, sizeof(before));
    assert_guard_intact(3);
    /* A new range after the map still fits. */
    assert_int_equal(memmap_set_type(&m, 30 * PG, PG, MEM_MODULE), 0);
    assert_int_equal(m.count, 3);
    assert_int_equal(memmap_set_type(&m, 40 * PG, PG, MEM_MODULE), -MEMMAP_ERR_NOSPC);
    assert_int_equal(m.count, 3);
    assert_guard_intact(3);
}

/* A full map can still take an edit whose result, after merging, is no
 * larger. */
static void test_set_type_full_map_fits_after_merge(void **state)
{
    const struct mem_range init[] = {{0, 10, MEM_USABLE}};
    struct memmap m = make_map(1, init, 1);

    (void)state;
    assert_int_equal(memmap_set_type(&m, 5 * PG, 10 * PG, MEM_USABLE), 0);
    assert_int_equal(m.count, 1);
    assert_range(&m, 0, 0, 15 * PG, MEM_USABLE);
    assert_int_equal(memmap_set_type(&m, 0, 15 * PG, MEM_HYPERVISOR), 0);
    assert_int_equal(m.count, 1);
    assert_range(&m, 0, 0, 15 * PG, MEM_HYPERVISOR);
    assert_guard_intact(1);
}

/* ---- totals and names -------------------------------------------------------- */

static void test_total_empty(void **state)
{
    struct memmap m = make_map(4, NULL, 0);

    (void)state;
    assert_int_equal(memmap_total(&m, MEM_USABLE), 0);
}

static void test_total_per_type(void **state)
{
    const struct mem_range init[] = {
        {0, 3, MEM_USABLE}, {3, 4, MEM_ACPI}, {8, 15, MEM_USABLE}, {15, 16, MEM_RESERVED}};
    struct memmap m = make_map(8, init, 4);

    (void)state;
    assert_int_equal(memmap_total(&m, MEM_USABLE), 10 * PG);
    assert_int_equal(memmap_total(&m, MEM_ACPI), PG);
    assert_int_equal(memmap_total(&m, MEM_RESERVED), PG);
    assert_int_equal(memmap_total(&m, MEM_NVS), 0);
    assert_int_equal(memmap_total(&m, 12345), 0);
}

static void test_type_names(void **state)
{
    (void)state;
    assert_string_equal(memmap_type_name(MEM_USABLE), "usable");
    assert_string_equal(memmap_type_name(MEM_RESERVED), "reserved");
    assert_string_equal(memmap_type_name(MEM_ACPI), "acpi");
    assert_string_equal(memmap_type_name(MEM_NVS), "nvs");
    assert_string_equal(memmap_type_name(MEM_UNUSABLE), "unusable");
    assert_string_equal(memmap_type_name(MEM_PMEM), "pmem");
    assert_string_equal(memmap_type_name(MEM_HYPERVISOR), "hypervisor");
    assert_string_equal(memmap_type_name(MEM_MODULE), "module");
    assert_string_equal(memmap_type_name(MEM_TRAMPOLINE), "trampoline");
}

static void test_type_name_unknown(void **state)
{
    static const uint32_t unknown[] = {0, 6, 8, 15, 19, 0xffffffff};

    (void)state;
    for (size_t i = 0; i < sizeof(unknown) / sizeof(unknown[0]); i++)
        assert_string_equal(memmap_type_name(unknown[i]), "unknown");
}

/* ---- randomized comparison against a page-by-page model ------------------ */

#define MODEL_PAGES 96

static uint64_t rng_state;

static uint64_t rng(void)
{
    /* xorshift64*: deterministic everywhere, unlike rand() */
    rng_state ^= rng_state >> 12;
    rng_state ^= rng_state << 25;
    rng_state ^= rng_state >> 27;
    return rng_state * 0x2545f4914f6cdd1dULL;
}

static uint64_t rng_below(uint64_t n)
{
    return rng() % n;
}

/* The model's own idea of precedence, written independently of memmap.c. */
static int model_rank(uint32_t type)
{
    static const uint32_t by_rank[] = {MEM_USABLE, MEM_ACPI,     MEM_NVS,
                                       MEM_PMEM,   MEM_UNUSABLE, MEM_RESERVED};

    for (int i = 0; i < 6; i++) {
        if (by_rank[i] == type)
            return i;
    }
    fail_msg("no rank for type %u", type);
    return -1;
}

/* Number of ranges the model's pages make (0 = no memory there). */
static size_t model_count(const uint32_t *pages)
{
    size_t n = 0;

    for (size_t p = 0; p < MODEL_PAGES; p++) {
        if (pages[p] && (p == 0 || pages[p - 1] != pages[p]))
            n++;
    }
    return n;
}

static void assert_matches_model(const struct memmap *m, const uint32_t *pages)
{
    size_t r = 0;

    assert_normalized(m);
    assert_int_equal(m->count, model_count(pages));
    for (size_t p = 0; p < MODEL_PAGES; p++) {
        uint64_t addr = p * PG;

        while (r < m->count && m->ranges[r].end <= addr)
            r++;
        if (r < m->count && m->ranges[r].base <= addr) {
            assert_int_equal(m->ranges[r].type, pages[p]);
            assert_true(m->ranges[r].end >= addr + PG); /* page granular */
        } else {
            assert_int_equal(pages[p], 0);
        }
    }
}

static void test_random_efi_vs_model(void **state)
{
    static const struct {
        uint32_t efi_type;
        uint64_t attr;
        uint32_t mem_type;
    } kinds[] = {
        {EFI_CONVENTIONAL_MEMORY, EFI_MEMORY_WB, MEM_USABLE},
        {EFI_BOOT_SERVICES_DATA, EFI_MEMORY_WB, MEM_USABLE},
        {EFI_LOADER_CODE, EFI_MEMORY_WB, MEM_USABLE},
        {EFI_CONVENTIONAL_MEMORY, 0, MEM_UNUSABLE},
        {EFI_BOOT_SERVICES_CODE, EFI_MEMORY_WB | EFI_MEMORY_RUNTIME, MEM_RESERVED},
        {EFI_RUNTIME_SERVICES_DATA, EFI_MEMORY_WB | EFI_MEMORY_RUNTIME, MEM_RESERVED},
        {EFI_ACPI_RECLAIM_MEMORY, EFI_MEMORY_WB, MEM_ACPI},
        {EFI_ACPI_MEMORY_NVS, EFI_MEMORY_WB, MEM_NVS},
        {EFI_PERSISTENT_MEMORY, EFI_MEMORY_WB, MEM_PMEM},
        {EFI_UNUSABLE_MEMORY, 0, MEM_UNUSABLE},
        {EFI_MEMORY_MAPPED_IO, 0, MEM_RESERVED},
    };
    const size_t nkinds = sizeof(kinds) / sizeof(kinds[0]);

    (void)state;
    rng_state = 0x9e3779b97f4a7c15ULL;
    for (int iter = 0; iter < 2000; iter++) {
        static struct efi_map m;
        uint32_t pages[MODEL_PAGES] = {0};
        size_t ndesc = 1 + rng_below(14);
        size_t expect;
        struct memmap out;

        efi_map_init(&m, 48 + 8 * rng_below(3));
        for (size_t d = 0; d < ndesc; d++) {
            size_t k = rng_below(nkinds);
            uint64_t start = rng_below(64);
            uint64_t len = rng_below(6) ? rng_below(17) : 0;

            efi_add(&m, kinds[k].efi_type, start * PG, len, kinds[k].attr);
            for (uint64_t p = start; p < start + len; p++) {
                if (!pages[p] || model_rank(kinds[k].mem_type) > model_rank(pages[p]))
                    pages[p] = kinds[k].mem_type;
            }
        }
        expect = model_count(pages);

        out = out_map(OUT_MAX);
        assert_int_equal(convert(&out, &m), 0);
        assert_matches_model(&out, pages);

        /* Exactly enough room succeeds; one less fails cleanly. */
        out = out_map(expect);
        assert_int_equal(convert(&out, &m), 0);
        assert_matches_model(&out, pages);
        assert_guard_intact(expect);
        if (expect > 0) {
            out = out_map(expect - 1);
            assert_int_equal(convert(&out, &m), -MEMMAP_ERR_NOSPC);
            assert_int_equal(out.count, 0);
            assert_guard_intact(expect - 1);
        }
    }
}

static void test_random_set_type_vs_model(void **state)
{
    static const uint32_t types[] = {MEM_USABLE, MEM_RESERVED,   MEM_ACPI,   MEM_NVS,
                                     MEM_PMEM,   MEM_HYPERVISOR, MEM_MODULE, MEM_TRAMPOLINE};
    const size_t ntypes = sizeof(types) / sizeof(types[0]);

    (void)state;
    rng_state = 0x0123456789abcdefULL;
    for (int round = 0; round < 200; round++) {
        uint32_t pages[MODEL_PAGES] = {0};
        /* A tight capacity now and then, so NOSPC is exercised too. */
        size_t capacity = rng_below(3) ? OUT_MAX : 1 + rng_below(6);
        struct memmap m = out_map(capacity);

        m.count = 0;
        for (int op = 0; op < 40; op++) {
            uint32_t type = types[rng_below(ntypes)];
            uint64_t start = rng_below(MODEL_PAGES);
            uint64_t len = rng_below(MODEL_PAGES - start + 1);
            uint32_t after[MODEL_PAGES];
            struct mem_range before[OUT_MAX];
            size_t before_count = m.count;
            int ret;

            memcpy(after, pages, sizeof(after));
            for (uint64_t p = start; p < start + len; p++)
                after[p] = type;
            memcpy(before, m.ranges, m.count * sizeof(before[0]));

            ret = memmap_set_type(&m, start * PG, len * PG, type);
            if (model_count(after) > capacity) {
                assert_int_equal(ret, -MEMMAP_ERR_NOSPC);
                assert_int_equal(m.count, before_count);
                assert_memory_equal(m.ranges, before, before_count * sizeof(before[0]));
            } else {
                assert_int_equal(ret, 0);
                memcpy(pages, after, sizeof(pages));
            }
            assert_matches_model(&m, pages);
            assert_guard_intact(capacity);
        }
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_empty_map),
        cmocka_unit_test(test_single_conventional),
        cmocka_unit_test(test_stride_48_padding_ignored),
        cmocka_unit_test(test_stride_larger),
        cmocka_unit_test(test_stride_exact_sizeof),
        cmocka_unit_test(test_unaligned_map_buffer),
        cmocka_unit_test(test_sorts_out_of_order),
        cmocka_unit_test(test_merges_adjacent_equal_types),
        cmocka_unit_test(test_no_merge_across_types),
        cmocka_unit_test(test_no_merge_across_gap),
        cmocka_unit_test(test_type_ram_with_wb_is_usable),
        cmocka_unit_test(test_type_ram_without_wb_is_unusable),
        cmocka_unit_test(test_type_runtime_services_reserved),
        cmocka_unit_test(test_type_runtime_attribute_on_boot_services),
        cmocka_unit_test(test_type_acpi_reclaim),
        cmocka_unit_test(test_type_acpi_nvs),
        cmocka_unit_test(test_type_unusable),
        cmocka_unit_test(test_type_persistent),
        cmocka_unit_test(test_type_everything_else_reserved),
        cmocka_unit_test(test_type_runtime_attribute_on_any_type),
        cmocka_unit_test(test_overlap_partial_usable_first),
        cmocka_unit_test(test_overlap_partial_reserved_first),
        cmocka_unit_test(test_overlap_partial_on_the_left),
        cmocka_unit_test(test_overlap_reserved_inside_usable),
        cmocka_unit_test(test_overlap_usable_inside_reserved),
        cmocka_unit_test(test_overlap_identical),
        cmocka_unit_test(test_overlap_same_type_merges),
        cmocka_unit_test(test_precedence_all_pairs),
        cmocka_unit_test(test_overlap_staircase),
        cmocka_unit_test(test_zero_pages_ignored),
        cmocka_unit_test(test_only_zero_pages),
        cmocka_unit_test(test_overflow_end_clamped),
        cmocka_unit_test(test_overflow_huge_page_count),
        cmocka_unit_test(test_overflow_whole_address_space),
        cmocka_unit_test(test_overflow_last_page),
        cmocka_unit_test(test_capacity_exact_fit),
        cmocka_unit_test(test_capacity_exceeded),
        cmocka_unit_test(test_capacity_zero),
        cmocka_unit_test(test_capacity_counts_merged_result),
        cmocka_unit_test(test_capacity_counts_overlap_result),
        cmocka_unit_test(test_bad_desc_size_too_small),
        cmocka_unit_test(test_bad_desc_size_not_multiple_of_8),
        cmocka_unit_test(test_bad_map_size_not_multiple),
        cmocka_unit_test(test_null_arguments),
        cmocka_unit_test(test_ovmf_q35_512m),
        cmocka_unit_test(test_ovmf_q35_512m_reversed),
        cmocka_unit_test(test_ovmf_then_carve),
        cmocka_unit_test(test_set_type_split_middle),
        cmocka_unit_test(test_set_type_at_start),
        cmocka_unit_test(test_set_type_at_end),
        cmocka_unit_test(test_set_type_whole_range),
        cmocka_unit_test(test_set_type_spanning_several),
        cmocka_unit_test(test_set_type_extends_past_map),
        cmocka_unit_test(test_set_type_fills_holes),
        cmocka_unit_test(test_set_type_in_gap),
        cmocka_unit_test(test_set_type_before_and_after_all),
        cmocka_unit_test(test_set_type_empty_map),
        cmocka_unit_test(test_set_type_merges_left),
        cmocka_unit_test(test_set_type_merges_right),
        cmocka_unit_test(test_set_type_merges_touching_neighbours),
        cmocka_unit_test(test_set_type_bridges_through_ranges),
        cmocka_unit_test(test_set_type_same_type_inside),
        cmocka_unit_test(test_set_type_restore_merges),
        cmocka_unit_test(test_set_type_zero_size),
        cmocka_unit_test(test_set_type_overflow_clamped),
        cmocka_unit_test(test_set_type_nospc_leaves_map_unchanged),
        cmocka_unit_test(test_set_type_full_map_fits_after_merge),
        cmocka_unit_test(test_total_empty),
        cmocka_unit_test(test_total_per_type),
        cmocka_unit_test(test_type_names),
        cmocka_unit_test(test_type_name_unknown),
        cmocka_unit_test(test_random_efi_vs_model),
        cmocka_unit_test(test_random_set_type_vs_model),
    };

    return cmocka_run_group_tests_name("memmap", tests, NULL, NULL);
}
