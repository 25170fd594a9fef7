/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Child partitions and their pages (hv/child.c) and the hypercall control
 * word (hv/hypercall.c), over a fake 16 MiB of physical memory:
 *   [0, 1M) usable   [1M, 5M) hypervisor (its heap holds the tables)
 *   [5M, 8M) usable  [8M, 9M) reserved  [9M, 12M) module  [12M, 16M) usable
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <hv/abi.h>
#include <hv/child.h>
#include <hv/hypercall.h>

#define MiB       (1ULL << 20)
#define MEM_SIZE  (16 * MiB)
#define PFN(addr) ((addr) >> 12)

static uint8_t *mem;
static struct mem_range ranges[8];
static struct memmap map = {ranges, 0, 8};
static struct page_pool pool;
static struct child_env env;

static void *to_virt(uint64_t pa)
{
    assert_true(pa < MEM_SIZE);
    return mem + pa;
}

static void add(uint64_t base, uint64_t end, uint32_t type)
{
    ranges[map.count++] = (struct mem_range){base, end, type};
}

static int setup_pool(uint64_t heap_size)
{
    mem = aligned_alloc(4096, MEM_SIZE);
    memset(mem, 0xAA, MEM_SIZE);
    map.count = 0;
    add(0, 1 * MiB, MEM_USABLE);
    add(1 * MiB, 5 * MiB, MEM_HYPERVISOR);
    add(5 * MiB, 8 * MiB, MEM_USABLE);
    add(8 * MiB, 9 * MiB, MEM_RESERVED);
    add(9 * MiB, 12 * MiB, MEM_MODULE);
    add(12 * MiB, 16 * MiB, MEM_USABLE);
    assert_int_equal(page_pool_init(&pool, 1 * MiB, mem + 1 * MiB, heap_size), 0);
    assert_int_equal(child_env_init(&env, &pool, &map, to_virt), 0);
    return 0;
}

static int setup(void **state)
{
    (void)state;
    return setup_pool(4 * MiB);
}

static int teardown(void **state)
{
    (void)state;
    free(mem);
    return 0;
}

static uint64_t create(uint32_t vps)
{
    struct hv_input_create_partition in = {.max_vps = vps};
    uint64_t id = 0;

    assert_int_equal(child_create(&env, &in, &id), HV_STATUS_SUCCESS);
    return id;
}

/* A map request for @n pages from @first_pfn (consecutive) at @gpa_page. */
static struct hv_input_map_gpa_pages *map_req(uint64_t id, uint64_t gpa_page, uint32_t flags,
                                              uint64_t first_pfn, unsigned n)
{
    struct hv_input_map_gpa_pages *in = calloc(1, sizeof(*in) + n * sizeof(uint64_t));

    in->partition_id = id;
    in->target_gpa_page = gpa_page;
    in->map_flags = flags;
    for (unsigned i = 0; i < n; i++)
        in->source_pfn[i] = first_pfn + i;
    return in;
}

static uint16_t map_pages(uint64_t id, uint64_t gpa_page, uint32_t flags, uint64_t first_pfn,
                          unsigned n, unsigned *done)
{
    struct hv_input_map_gpa_pages *in = map_req(id, gpa_page, flags, first_pfn, n);
    uint16_t st = child_map_gpa_pages(&env, in, 0, n, done);

    free(in);
    return st;
}

static uint16_t unmap_pages(uint64_t id, uint64_t gpa_page, unsigned n, unsigned *done)
{
    struct hv_input_unmap_gpa_pages in = {id, gpa_page, 0, 0};

    return child_unmap_gpa_pages(&env, &in, 0, n, done);
}

#define RW (HV_MAP_GPA_READABLE | HV_MAP_GPA_WRITABLE)

static void test_create_validates_input(void **state)
{
    struct hv_input_create_partition in = {.max_vps = 1};
    uint64_t id = 99;

    (void)state;
    in.flags = 1;
    assert_int_equal(child_create(&env, &in, &id), HV_STATUS_INVALID_PARAMETER);
    in.flags = 0;
    in.kick_vector = 31; /* an exception vector */
    assert_int_equal(child_create(&env, &in, &id), HV_STATUS_INVALID_PARAMETER);
    in.kick_vector = 256;
    assert_int_equal(child_create(&env, &in, &id), HV_STATUS_INVALID_PARAMETER);
    in.kick_vector = 0;
    in.max_vps = 0;
    assert_int_equal(child_create(&env, &in, &id), HV_STATUS_INVALID_PARAMETER);
    in.max_vps = HV_MAX_CHILD_VPS + 1;
    assert_int_equal(child_create(&env, &in, &id), HV_STATUS_INVALID_PARAMETER);
    assert_int_equal(id, 99);
    in.max_vps = HV_MAX_CHILD_VPS;
    assert_int_equal(child_create(&env, &in, &id), HV_STATUS_SUCCESS);
    assert_non_null(child_find(&env, id));
}

static void test_ids_unique_and_never_reused(void **state)
{
    uint64_t a, b, c;

    (void)state;
    a = create(1);
    b = create(2);
    assert_int_not_equal(a, b);
    assert_int_equal(child_delete(&env, a), HV_STATUS_SUCCESS);
    c = create(1);
    assert_int_not_equal(c, a);
    assert_int_not_equal(c, b);
    assert_null(child_find(&env, a));
    assert_int_equal(child_delete(&env, a), HV_STATUS_INVALID_PARTITION_ID);
}

static void test_table_full(void **state)
{
    struct hv_input_create_partition in = {.max_vps = 1};
    uint64_t id, first = 0;

    (void)state;
    for (int i = 0; i < HV_MAX_CHILD_PARTITIONS; i++) {
        assert_int_equal(child_create(&env, &in, &id), HV_STATUS_SUCCESS);
        if (!first)
            first = id;
    }
    assert_int_equal(child_create(&env, &in, &id), HV_STATUS_INSUFFICIENT_MEMORY);
    assert_int_equal(child_delete(&env, first), HV_STATUS_SUCCESS);
    assert_int_equal(child_create(&env, &in, &id), HV_STATUS_SUCCESS);
}

static void test_unknown_partition(void **state)
{
    unsigned done = 7;

    (void)state;
    assert_int_equal(map_pages(12345, 0, RW, PFN(5 * MiB), 1, &done),
                     HV_STATUS_INVALID_PARTITION_ID);
    assert_int_equal(done, 0);
    assert_int_equal(unmap_pages(12345, 0, 1, &done), HV_STATUS_INVALID_PARTITION_ID);
    assert_int_equal(child_delete(&env, 0), HV_STATUS_INVALID_PARTITION_ID);
}

static void test_map_and_lookup(void **state)
{
    uint64_t id = create(1), hpa;
    unsigned attrs, done;
    struct child_partition *p;

    (void)state;
    assert_int_equal(map_pages(id, 0x100, RW, PFN(5 * MiB), 16, &done), HV_STATUS_SUCCESS);
    assert_int_equal(done, 16);
    p = child_find(&env, id);
    assert_int_equal(p->mapped_pages, 16);
    for (unsigned i = 0; i < 16; i++) {
        assert_int_equal(slat_lookup(&p->slat, (0x100 + i) * 4096ULL, &hpa, &attrs, NULL), 0);
        assert_int_equal(hpa, 5 * MiB + i * 4096ULL);
        assert_true(attrs & SLAT_W);
        assert_false(attrs & SLAT_X);
    }
    assert_int_equal(map_pages(id, 0x200, HV_MAP_GPA_READABLE | HV_MAP_GPA_KERNEL_EXECUTABLE,
                               PFN(12 * MiB), 1, &done),
                     HV_STATUS_SUCCESS);
    assert_int_equal(slat_lookup(&p->slat, 0x200 * 4096ULL, &hpa, &attrs, NULL), 0);
    assert_false(attrs & SLAT_W);
    assert_true(attrs & SLAT_X);
    /* Boot-module RAM is the parent's too. */
    assert_int_equal(map_pages(id, 0x300, RW, PFN(9 * MiB), 1, &done), HV_STATUS_SUCCESS);
}

static void test_map_refuses_what_the_parent_does_not_own(void **state)
{
    uint64_t id = create(1);
    unsigned done;

    (void)state;
    /* the hypervisor's memory */
    assert_int_equal(map_pages(id, 0, RW, PFN(1 * MiB), 1, &done), HV_STATUS_ACCESS_DENIED);
    assert_int_equal(map_pages(id, 0, RW, PFN(5 * MiB) - 1, 1, &done), HV_STATUS_ACCESS_DENIED);
    /* firmware-reserved RAM, MMIO above RAM, absurd page numbers */
    assert_int_equal(map_pages(id, 0, RW, PFN(8 * MiB), 1, &done), HV_STATUS_ACCESS_DENIED);
    assert_int_equal(map_pages(id, 0, RW, PFN(0xFEE00000ULL), 1, &done), HV_STATUS_ACCESS_DENIED);
    assert_int_equal(map_pages(id, 0, RW, 1ULL << 52, 1, &done), HV_STATUS_ACCESS_DENIED);
    assert_int_equal(map_pages(id, 0, RW, UINT64_MAX, 1, &done), HV_STATUS_ACCESS_DENIED);
    assert_int_equal(child_find(&env, id)->mapped_pages, 0);
}

static void test_bad_rep_stops_the_call(void **state)
{
    uint64_t id = create(1);
    struct hv_input_map_gpa_pages *in = map_req(id, 0, RW, PFN(6 * MiB), 8);
    unsigned done;

    (void)state;
    in->source_pfn[5] = PFN(2 * MiB); /* a hypervisor page in the middle */
    assert_int_equal(child_map_gpa_pages(&env, in, 0, 8, &done), HV_STATUS_ACCESS_DENIED);
    assert_int_equal(done, 5);
    assert_int_equal(child_find(&env, id)->mapped_pages, 5);
    /* The caller fixes the list and resumes at the failed rep. */
    in->source_pfn[5] = PFN(6 * MiB) + 5;
    assert_int_equal(child_map_gpa_pages(&env, in, 5, 8, &done), HV_STATUS_SUCCESS);
    assert_int_equal(done, 8);
    assert_int_equal(child_find(&env, id)->mapped_pages, 8);
    free(in);
}

static void test_one_child_per_page(void **state)
{
    uint64_t a = create(1), b = create(1);
    unsigned done;

    (void)state;
    assert_int_equal(map_pages(a, 0, RW, PFN(5 * MiB), 4, &done), HV_STATUS_SUCCESS);
    assert_int_equal(map_pages(b, 0, RW, PFN(5 * MiB) + 2, 1, &done), HV_STATUS_ACCESS_DENIED);
    /* the same page twice in one child */
    assert_int_equal(map_pages(a, 0x50, RW, PFN(5 * MiB), 1, &done), HV_STATUS_OBJECT_IN_USE);
    /* a target already mapped */
    assert_int_equal(map_pages(a, 0, RW, PFN(6 * MiB), 1, &done), HV_STATUS_OBJECT_IN_USE);
    /* once a unmaps it, b may have it */
    assert_int_equal(unmap_pages(a, 2, 1, &done), HV_STATUS_SUCCESS);
    assert_int_equal(map_pages(b, 0, RW, PFN(5 * MiB) + 2, 1, &done), HV_STATUS_SUCCESS);
}

static void test_map_flags(void **state)
{
    uint64_t id = create(1);
    unsigned done;

    (void)state;
    assert_int_equal(map_pages(id, 0, 0, PFN(5 * MiB), 1, &done), HV_STATUS_INVALID_PARAMETER);
    assert_int_equal(map_pages(id, 0, HV_MAP_GPA_WRITABLE, PFN(5 * MiB), 1, &done),
                     HV_STATUS_INVALID_PARAMETER);
    assert_int_equal(map_pages(id, 0, RW | 0x10, PFN(5 * MiB), 1, &done),
                     HV_STATUS_INVALID_PARAMETER);
    assert_int_equal(map_pages(id, 0, 0x80000000u | RW, PFN(5 * MiB), 1, &done),
                     HV_STATUS_INVALID_PARAMETER);
}

static void test_gpa_range_limits(void **state)
{
    uint64_t id = create(1), last = (HV_CHILD_GPA_LIMIT >> 12) - 1;
    unsigned done;

    (void)state;
    assert_int_equal(map_pages(id, last, RW, PFN(5 * MiB), 1, &done), HV_STATUS_SUCCESS);
    assert_int_equal(map_pages(id, last, RW, PFN(5 * MiB) + 1, 2, &done),
                     HV_STATUS_INVALID_PARAMETER);
    assert_int_equal(map_pages(id, UINT64_MAX, RW, PFN(5 * MiB) + 1, 1, &done),
                     HV_STATUS_INVALID_PARAMETER);
    assert_int_equal(unmap_pages(id, UINT64_MAX - 1, 4, &done), HV_STATUS_INVALID_PARAMETER);
}

static void test_unmap(void **state)
{
    uint64_t id = create(1), gen;
    struct child_partition *p;
    struct hv_input_unmap_gpa_pages bad = {0, 0, 1, 0};
    unsigned done;

    (void)state;
    p = child_find(&env, id);
    assert_int_equal(map_pages(id, 0x10, RW, PFN(12 * MiB), 8, &done), HV_STATUS_SUCCESS);
    gen = p->tlb_generation;
    /* pages 0x0e-0x0f were never mapped: skipped */
    assert_int_equal(unmap_pages(id, 0x0e, 6, &done), HV_STATUS_SUCCESS);
    assert_int_equal(done, 6);
    assert_int_equal(p->mapped_pages, 4);
    assert_int_equal(p->tlb_generation, gen + 4);
    assert_int_not_equal(slat_lookup(&p->slat, 0x10 * 4096ULL, NULL, NULL, NULL), 0);
    assert_int_equal(slat_lookup(&p->slat, 0x14 * 4096ULL, NULL, NULL, NULL), 0);
    bad.partition_id = id;
    assert_int_equal(child_unmap_gpa_pages(&env, &bad, 0, 1, &done), HV_STATUS_INVALID_PARAMETER);
}

static void test_delete_returns_every_page(void **state)
{
    uint64_t a = create(2), b = create(1);
    size_t free_before = pool.free_frames;
    unsigned done;

    (void)state;
    assert_int_equal(map_pages(a, 0, RW, PFN(5 * MiB), 256, &done), HV_STATUS_SUCCESS);
    assert_int_equal(map_pages(a, 0x100000, RW, PFN(12 * MiB), 64, &done), HV_STATUS_SUCCESS);
    assert_int_equal(child_delete(&env, a), HV_STATUS_SUCCESS);
    /* the tables went back to the pool (the root of b's stays) */
    assert_true(pool.free_frames >= free_before);
    assert_int_equal(map_pages(b, 0, RW, PFN(5 * MiB), 256, &done), HV_STATUS_SUCCESS);
    assert_int_equal(map_pages(b, 0x100000, RW, PFN(12 * MiB), 64, &done), HV_STATUS_SUCCESS);
}

static void test_out_of_memory_is_reported_and_consistent(void **state)
{
    uint64_t id, hpa;
    struct child_partition *p;
    unsigned done;

    (void)state;
    free(mem);
    setup_pool(48 * 1024); /* a heap of 12 pages: bitmap, root and a few tables */
    id = create(1);
    p = child_find(&env, id);
    /* Spread the targets 1 GiB apart: every page needs new tables. */
    for (unsigned i = 0; i < 64; i++) {
        uint16_t st = map_pages(id, (uint64_t)i << 18, RW, PFN(5 * MiB) + i, 1, &done);

        if (st != HV_STATUS_SUCCESS) {
            assert_int_equal(st, HV_STATUS_INSUFFICIENT_MEMORY);
            assert_int_equal(done, 0);
            assert_int_equal(p->mapped_pages, i);
            assert_int_not_equal(slat_lookup(&p->slat, (uint64_t)i << 30, &hpa, NULL, NULL), 0);
            /* the page stays free for someone else */
            assert_true(child_page_is_parent_ram(&env, 5 * MiB + i * 4096ULL));
            assert_int_equal(env.owner[PFN(5 * MiB) + i], 0);
            return;
        }
    }
    fail_msg("the small heap never ran out");
}

static void test_hypercall_control_word(void **state)
{
    struct hypercall hc;
    uint64_t c = HVCALL_MAP_GPA_PAGES | HV_HYPERCALL_FAST | (3ULL << HV_HYPERCALL_VARHEAD_SHIFT) |
                 (100ULL << HV_HYPERCALL_REP_COUNT_SHIFT) | (7ULL << HV_HYPERCALL_REP_START_SHIFT);

    (void)state;
    assert_int_equal(hypercall_decode(c, &hc), HV_STATUS_SUCCESS);
    assert_int_equal(hc.code, HVCALL_MAP_GPA_PAGES);
    assert_true(hc.fast);
    assert_int_equal(hc.varhead_qwords, 3);
    assert_int_equal(hc.rep_count, 100);
    assert_int_equal(hc.rep_start, 7);
    for (int bit = 27; bit < 64; bit++) {
        if ((bit >= 32 && bit < 44) || (bit >= 48 && bit < 60))
            continue;
        assert_int_equal(hypercall_decode(HVCALL_CREATE_PARTITION | (1ULL << bit), &hc),
                         HV_STATUS_INVALID_HYPERCALL_INPUT);
    }
    assert_int_equal(hypercall_decode(HVCALL_MAP_GPA_PAGES |
                                          (2ULL << HV_HYPERCALL_REP_COUNT_SHIFT) |
                                          (3ULL << HV_HYPERCALL_REP_START_SHIFT),
                                      &hc),
                     HV_STATUS_INVALID_HYPERCALL_INPUT);
    assert_int_equal(HV_HYPERCALL_STATUS(HV_HYPERCALL_RESULT(HV_STATUS_ACCESS_DENIED, 5)),
                     HV_STATUS_ACCESS_DENIED);
    assert_int_equal(HV_HYPERCALL_REPS_DONE(HV_HYPERCALL_RESULT(HV_STATUS_ACCESS_DENIED, 5)), 5);
    assert_int_equal(HV_MAP_GPA_MAX_REPS, 509);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_create_validates_input, setup, teardown),
        cmocka_unit_test_setup_teardown(test_ids_unique_and_never_reused, setup, teardown),
        cmocka_unit_test_setup_teardown(test_table_full, setup, teardown),
        cmocka_unit_test_setup_teardown(test_unknown_partition, setup, teardown),
        cmocka_unit_test_setup_teardown(test_map_and_lookup, setup, teardown),
        cmocka_unit_test_setup_teardown(test_map_refuses_what_the_parent_does_not_own, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_bad_rep_stops_the_call, setup, teardown),
        cmocka_unit_test_setup_teardown(test_one_child_per_page, setup, teardown),
        cmocka_unit_test_setup_teardown(test_map_flags, setup, teardown),
        cmocka_unit_test_setup_teardown(test_gpa_range_limits, setup, teardown),
        cmocka_unit_test_setup_teardown(test_unmap, setup, teardown),
        cmocka_unit_test_setup_teardown(test_delete_returns_every_page, setup, teardown),
        cmocka_unit_test_setup_teardown(test_out_of_memory_is_reported_and_consistent, setup,
                                        teardown),
        cmocka_unit_test(test_hypercall_control_word),
    };
    return cmocka_run_group_tests_name("child", tests, NULL, NULL);
}
