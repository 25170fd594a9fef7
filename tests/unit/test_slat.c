/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Unit tests of hv/slat.c: leaf-size choice, holes, splitting large leaves
 * (by unmap and by a permission change), the NPT and EPT bit layouts read
 * straight from the tables, argument checks, consistency after an allocation
 * fails half-way, that every table is freed, and a long random run checked
 * page by page against a reference model.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <hv/slat.h>

#define K4 0x1000ULL
#define M2 0x200000ULL
#define G1 0x40000000ULL

/* ---- a recording fake allocator ------------------------------------------------ */

/* Fake physical addresses, far from any host address the tests map, so a
 * table address confused with a mapped one shows. */
#define FAKE_PA_BASE 0x100000000000ULL

struct fake_mm {
    void **pages; /* by index; NULL once freed (never reused, so ASan sees stale use) */
    size_t npages, cap;
    size_t allocs, frees;
    long fail_after; /* allocations that still succeed; -1 = no limit */
};

static uint64_t fake_alloc(void *ctx)
{
    struct fake_mm *m = ctx;
    void *p;

    if (m->fail_after == 0)
        return 0;
    if (m->fail_after > 0)
        m->fail_after--;
    if (m->npages == m->cap) {
        m->cap = m->cap ? 2 * m->cap : 64;
        m->pages = realloc(m->pages, m->cap * sizeof(*m->pages));
        assert_non_null(m->pages);
    }
    p = aligned_alloc(K4, K4);
    assert_non_null(p);
    memset(p, 0, K4);
    m->pages[m->npages] = p;
    m->allocs++;
    return FAKE_PA_BASE + K4 * m->npages++;
}

static size_t fake_index(const struct fake_mm *m, uint64_t pa)
{
    size_t i;

    assert_true(pa >= FAKE_PA_BASE);
    assert_int_equal(pa % K4, 0);
    i = (pa - FAKE_PA_BASE) / K4;
    assert_true(i < m->npages);
    assert_non_null(m->pages[i]); /* not freed */
    return i;
}

static void fake_free(void *ctx, uint64_t pa)
{
    struct fake_mm *m = ctx;
    size_t i = fake_index(m, pa);

    free(m->pages[i]);
    m->pages[i] = NULL;
    m->frees++;
}

static void *fake_to_virt(void *ctx, uint64_t pa)
{
    struct fake_mm *m = ctx;

    return m->pages[fake_index(m, pa)];
}

static size_t live_tables(const struct fake_mm *m)
{
    return m->allocs - m->frees;
}

static void fake_init(struct fake_mm *m)
{
    memset(m, 0, sizeof(*m));
    m->fail_after = -1;
}

static void slat_setup(struct slat *s, struct fake_mm *m, enum slat_format fmt)
{
    struct slat_mm mm = {fake_alloc, fake_free, fake_to_virt, m};

    fake_init(m);
    assert_int_equal(slat_init(s, fmt, &mm), 0);
    assert_int_equal(live_tables(m), 1);
}

/* Destroy, and check that every page allocated was freed exactly once. */
static void slat_teardown(struct slat *s, struct fake_mm *m)
{
    slat_destroy(s);
    assert_int_equal(s->root, 0);
    assert_int_equal(m->allocs, m->frees);
    for (size_t i = 0; i < m->npages; i++)
        assert_null(m->pages[i]);
    free(m->pages);
}

/* ---- reading the tables directly ----------------------------------------------- */

struct walk_stats {
    size_t tables;
    size_t leaves[3]; /* by level: 4K, 2M, 1G */
};

typedef void entry_check(const struct slat *s, uint64_t e, int level, bool leaf);

/* Visit every present entry; count tables and leaves; every table reachable
 * must be live in the fake allocator. */
static void walk(const struct slat *s, const struct fake_mm *m, uint64_t pa, int level,
                 entry_check *check, struct walk_stats *st)
{
    const uint64_t *t = m->pages[fake_index(m, pa)];
    size_t present = 0;

    st->tables++;
    for (int i = 0; i < 512; i++) {
        uint64_t e = t[i];
        bool leaf;

        if (!e)
            continue;
        present++;
        leaf = level == 0 || (level < 3 && (e & 0x80));
        if (check)
            check(s, e, level, leaf);
        if (leaf)
            st->leaves[level]++;
        else
            walk(s, m, e & 0x000ffffffffff000ULL, level - 1, check, st);
    }
    /* Tables left empty (by an unmap or a failed map) are freed. */
    assert_true(present || level == 3);
}

static struct walk_stats walk_all(const struct slat *s, const struct fake_mm *m, entry_check *check)
{
    struct walk_stats st = {0};

    walk(s, m, s->root, 3, check, &st);
    /* No table leaked: everything live is reachable. */
    assert_int_equal(st.tables, live_tables(m));
    return st;
}

static void expect_map(const struct slat *s, uint64_t gpa, uint64_t hpa, unsigned attrs,
                       uint64_t leaf)
{
    uint64_t got_hpa, got_leaf;
    unsigned got_attrs;

    assert_int_equal(slat_lookup(s, gpa, &got_hpa, &got_attrs, &got_leaf), 0);
    assert_int_equal(got_hpa, hpa);
    assert_int_equal(got_attrs, attrs);
    if (leaf)
        assert_int_equal(got_leaf, leaf);
}

static void expect_unmapped(const struct slat *s, uint64_t gpa)
{
    uint64_t hpa = 0xdead;

    assert_int_equal(slat_lookup(s, gpa, &hpa, NULL, NULL), -1);
    assert_int_equal(hpa, 0xdead);
}

#define RWX (SLAT_R | SLAT_W | SLAT_X)
#define RW  (SLAT_R | SLAT_W)

/* ---- init and arguments ---------------------------------------------------------- */

static void test_init(void **state)
{
    struct fake_mm m;
    struct slat s;
    struct slat_mm mm = {fake_alloc, fake_free, fake_to_virt, &m};
    struct slat_mm no_alloc = {NULL, fake_free, fake_to_virt, &m};

    (void)state;
    fake_init(&m);
    assert_int_equal(slat_init(&s, (enum slat_format)7, &mm), SLAT_EINVAL);
    assert_int_equal(slat_init(&s, SLAT_NPT, NULL), SLAT_EINVAL);
    assert_int_equal(slat_init(&s, SLAT_NPT, &no_alloc), SLAT_EINVAL);
    m.fail_after = 0;
    assert_int_equal(slat_init(&s, SLAT_EPT, &mm), SLAT_ENOMEM);
    assert_int_equal(m.allocs, 0);
    m.fail_after = -1;
    assert_int_equal(slat_init(&s, SLAT_EPT, &mm), 0);
    expect_unmapped(&s, 0);
    expect_unmapped(&s, SLAT_GPA_LIMIT - 1);
    expect_unmapped(&s, SLAT_GPA_LIMIT);
    expect_unmapped(&s, UINT64_MAX);
    slat_teardown(&s, &m);
}

static void test_bad_arguments(void **state)
{
    static const struct {
        uint64_t gpa, hpa, size;
    } bad[] = {
        {1, 0, K4},
        {0x800, 0, K4},
        {0, 0x10, K4},
        {0, 0, 0x1800},
        {0, 0, 0},
        {SLAT_GPA_LIMIT, 0, K4},
        {SLAT_GPA_LIMIT - K4, 0, 2 * K4},
        {UINT64_MAX & ~0xfffULL, 0, K4},
        {K4, 0, UINT64_MAX & ~0xfffULL},
        {0, SLAT_HPA_LIMIT, K4},
        {0, SLAT_HPA_LIMIT - K4, 2 * K4},
        {0, UINT64_MAX & ~0xfffULL, 2 * K4},
    };
    struct fake_mm m;
    struct slat s;

    (void)state;
    slat_setup(&s, &m, SLAT_NPT);
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
        assert_int_equal(slat_map(&s, bad[i].gpa, bad[i].hpa, bad[i].size, RWX), SLAT_EINVAL);
    assert_int_equal(slat_unmap(&s, 1, K4), SLAT_EINVAL);
    assert_int_equal(slat_unmap(&s, 0, 0), SLAT_EINVAL);
    assert_int_equal(slat_unmap(&s, 0, 0x10), SLAT_EINVAL);
    assert_int_equal(slat_unmap(&s, SLAT_GPA_LIMIT - K4, 2 * K4), SLAT_EINVAL);
    assert_int_equal(slat_unmap(&s, K4, UINT64_MAX & ~0xfffULL), SLAT_EINVAL);
    /* Unknown attribute bits, and nothing granted. */
    assert_int_equal(slat_map(&s, 0, 0, K4, RWX | 0x8), SLAT_EINVAL);
    assert_int_equal(slat_map(&s, 0, 0, K4, RWX | 0x400), SLAT_EINVAL);
    assert_int_equal(slat_map(&s, 0, 0, K4, 0), SLAT_EINVAL);
    assert_int_equal(slat_map(&s, 0, 0, K4, SLAT_UC), SLAT_EINVAL);
    /* Nothing was allocated by any of them. */
    assert_int_equal(m.allocs, 1);
    /* The very top of both spaces is fine. */
    assert_int_equal(slat_map(&s, SLAT_GPA_LIMIT - G1, SLAT_HPA_LIMIT - G1, G1, RW), 0);
    expect_map(&s, SLAT_GPA_LIMIT - K4, SLAT_HPA_LIMIT - K4, RW, G1);
    assert_int_equal(slat_unmap(&s, SLAT_GPA_LIMIT - G1, G1), 0);
    expect_unmapped(&s, SLAT_GPA_LIMIT - K4);
    slat_teardown(&s, &m);
}

/* NPT: readable iff present, so no execute-only or write-only.  EPT: no write
 * without read, execute-only allowed. */
static void test_permission_rules(void **state)
{
    static const unsigned all[] = {SLAT_R,          SLAT_W,          SLAT_X, SLAT_R | SLAT_W,
                                   SLAT_R | SLAT_X, SLAT_W | SLAT_X, RWX};
    struct fake_mm m;
    struct slat s;

    (void)state;
    for (int fmt = SLAT_NPT; fmt <= SLAT_EPT; fmt++) {
        slat_setup(&s, &m, (enum slat_format)fmt);
        for (size_t i = 0; i < sizeof(all) / sizeof(all[0]); i++) {
            unsigned p = all[i];
            bool ok = (p & SLAT_R) || (fmt == SLAT_EPT && p == SLAT_X);
            int rc = slat_map(&s, i * K4, 0x5000000 + i * K4, K4, p);

            assert_int_equal(rc, ok ? 0 : SLAT_EINVAL);
            if (ok)
                expect_map(&s, i * K4, 0x5000000 + i * K4, p, K4);
            else
                expect_unmapped(&s, i * K4);
            /* The same with uncached memory. */
            rc = slat_map(&s, G1 + i * K4, i * K4, K4, p | SLAT_UC);
            assert_int_equal(rc, ok ? 0 : SLAT_EINVAL);
            if (ok)
                expect_map(&s, G1 + i * K4, i * K4, p | SLAT_UC, K4);
        }
        slat_teardown(&s, &m);
    }
}

/* ---- leaf sizes ----------------------------------------------------------------- */

static void test_leaves_1g(void **state)
{
    struct fake_mm m;
    struct slat s;
    struct walk_stats st;

    (void)state;
    slat_setup(&s, &m, SLAT_NPT);
    assert_int_equal(slat_map(&s, 0, 0, 4 * G1, RWX), 0);
    st = walk_all(&s, &m, NULL);
    assert_int_equal(st.tables, 2); /* root and one PDPT */
    assert_int_equal(st.leaves[2], 4);
    assert_int_equal(st.leaves[1] + st.leaves[0], 0);
    for (uint64_t gpa = 0; gpa < 4 * G1; gpa += G1 / 4)
        expect_map(&s, gpa + 0x123, gpa + 0x123, RWX, G1);
    expect_unmapped(&s, 4 * G1);
    slat_teardown(&s, &m);
}

static void test_leaves_4k(void **state)
{
    struct fake_mm m;
    struct slat s;
    struct walk_stats st;

    (void)state;
    slat_setup(&s, &m, SLAT_EPT);
    assert_int_equal(slat_map(&s, K4, 0x7000000 + K4, M2 - K4, RW), 0);
    st = walk_all(&s, &m, NULL);
    assert_int_equal(st.tables, 4);
    assert_int_equal(st.leaves[0], 511);
    expect_unmapped(&s, 0);
    expect_unmapped(&s, M2);
    for (uint64_t gpa = K4; gpa < M2; gpa += K4)
        expect_map(&s, gpa, 0x7000000 + gpa, RW, K4);
    slat_teardown(&s, &m);
}

/* One range whose ends need 4K and 2M leaves and whose middle takes 1G ones. */
static void test_leaves_mixed(void **state)
{
    const uint64_t gpa = G1 - M2 - 3 * K4, size = 2 * G1 + 2 * M2 + 8 * K4;
    const uint64_t hpa = 7 * G1 - M2 - 3 * K4;
    struct fake_mm m;
    struct slat s;
    struct walk_stats st;

    (void)state;
    slat_setup(&s, &m, SLAT_NPT);
    assert_int_equal(slat_map(&s, gpa, hpa, size, SLAT_R | SLAT_X), 0);
    st = walk_all(&s, &m, NULL);
    /* [G1-2M-12K, G1-2M): 3 x 4K; [G1-2M, G1): 1 x 2M; [G1, 3G1): 2 x 1G;
     * [3G1, 3G1+2M): 1 x 2M; [3G1+2M, 3G1+2M+20K): 5 x 4K. */
    assert_int_equal(st.leaves[0], 8);
    assert_int_equal(st.leaves[1], 2);
    assert_int_equal(st.leaves[2], 2);
    assert_int_equal(st.tables, 6); /* root, PDPT, 2 PDs, 2 PTs */
    expect_unmapped(&s, gpa - K4);
    expect_map(&s, gpa, hpa, SLAT_R | SLAT_X, K4);
    expect_map(&s, G1 - M2, hpa + 3 * K4, SLAT_R | SLAT_X, M2);
    expect_map(&s, 2 * G1 + 5, hpa + G1 + M2 + 3 * K4 + 5, SLAT_R | SLAT_X, G1);
    expect_map(&s, 3 * G1 + M2 - 1, hpa + 2 * G1 + 2 * M2 + 3 * K4 - 1, SLAT_R | SLAT_X, M2);
    expect_map(&s, gpa + size - K4, hpa + size - K4, SLAT_R | SLAT_X, K4);
    expect_unmapped(&s, gpa + size);
    slat_teardown(&s, &m);
}

/* The host side's alignment limits the leaf as much as the guest side's. */
static void test_leaves_limited_by_hpa_and_flags(void **state)
{
    struct fake_mm m;
    struct slat s;
    struct walk_stats st;

    (void)state;
    slat_setup(&s, &m, SLAT_EPT);
    assert_int_equal(slat_map(&s, 0, M2, G1, RWX), 0); /* 2M aligned only */
    assert_int_equal(slat_map(&s, G1, G1 + K4, M2, RWX), 0);
    assert_int_equal(slat_map(&s, 2 * G1, 0, G1, RWX | SLAT_NO_LARGE), 0);
    assert_int_equal(slat_map(&s, 3 * G1, 0, G1, RWX | SLAT_NO_1G), 0);
    st = walk_all(&s, &m, NULL);
    assert_int_equal(st.leaves[2], 0);
    assert_int_equal(st.leaves[1], 512 + 512);
    assert_int_equal(st.leaves[0], 512 + 512 * 512);
    expect_map(&s, G1 - 1, G1 + M2 - 1, RWX, M2);
    expect_map(&s, G1 + M2 - K4, G1 + M2, RWX, K4);
    expect_map(&s, 2 * G1 + 0x3ff000, 0x3ff000, RWX, K4);
    expect_map(&s, 3 * G1 + 0x3ff000, 0x3ff000, RWX, M2);
    slat_teardown(&s, &m);
}

/* Two RAM ranges around an MMIO hole, the hole mapped uncached afterwards. */
static void test_holes(void **state)
{
    struct fake_mm m;
    struct slat s;

    (void)state;
    slat_setup(&s, &m, SLAT_NPT);
    assert_int_equal(slat_map(&s, 0, 0, 0xa0000, RWX), 0);
    assert_int_equal(slat_map(&s, 0x100000, 0x100000, 3 * G1 - 0x100000, RWX), 0);
    assert_int_equal(slat_map(&s, 4 * G1, 4 * G1, 2 * G1, RWX), 0);
    expect_map(&s, 0x9f000, 0x9f000, RWX, K4);
    expect_unmapped(&s, 0xa0000);
    expect_unmapped(&s, 0xfffff);
    expect_map(&s, 0x100000, 0x100000, RWX, K4);
    expect_map(&s, M2, M2, RWX, M2);
    expect_map(&s, G1, G1, RWX, G1);
    expect_map(&s, 3 * G1 - 1, 3 * G1 - 1, RWX, G1);
    for (uint64_t gpa = 3 * G1; gpa < 4 * G1; gpa += M2 + K4)
        expect_unmapped(&s, gpa);
    expect_map(&s, 4 * G1, 4 * G1, RWX, G1);
    expect_map(&s, 6 * G1 - 1, 6 * G1 - 1, RWX, G1);
    expect_unmapped(&s, 6 * G1);
    assert_int_equal(slat_map(&s, 0xfec00000, 0xfec00000, 0x1400000, RW | SLAT_UC), 0);
    expect_map(&s, 0xfee00000, 0xfee00000, RW | SLAT_UC, M2);
    expect_unmapped(&s, 0xfebff000);
    slat_teardown(&s, &m);
}

/* ---- splitting ----------------------------------------------------------------- */

/* Every page of [gpa, gpa+size) except @skip maps to hpa + offset with @attrs. */
static void expect_range(const struct slat *s, uint64_t gpa, uint64_t hpa, uint64_t size,
                         unsigned attrs, uint64_t skip)
{
    for (uint64_t off = 0; off < size; off += K4)
        if (gpa + off != skip)
            expect_map(s, gpa + off, hpa + off, attrs, 0);
}

static void test_split_1g_by_unmap(void **state)
{
    const uint64_t hole = G1 + 0x12345000;
    struct fake_mm m;
    struct slat s;
    struct walk_stats st;

    (void)state;
    for (int fmt = SLAT_NPT; fmt <= SLAT_EPT; fmt++) {
        slat_setup(&s, &m, (enum slat_format)fmt);
        assert_int_equal(slat_map(&s, G1, 5 * G1, G1, RW | SLAT_UC), 0);
        assert_int_equal(m.allocs, 2);
        assert_int_equal(slat_unmap(&s, hole, K4), 0);
        /* 1G -> 512 x 2M (one PD), the 2M around the hole -> 512 x 4K (one PT). */
        assert_int_equal(m.allocs, 4);
        st = walk_all(&s, &m, NULL);
        assert_int_equal(st.leaves[2], 0);
        assert_int_equal(st.leaves[1], 511);
        assert_int_equal(st.leaves[0], 511);
        expect_unmapped(&s, hole);
        expect_range(&s, G1, 5 * G1, G1, RW | SLAT_UC, hole);
        expect_map(&s, hole - K4, 5 * G1 + 0x12344000, RW | SLAT_UC, K4);
        expect_map(&s, hole + K4, 5 * G1 + 0x12346000, RW | SLAT_UC, K4);
        expect_map(&s, hole - M2, 5 * G1 + 0x12145000, RW | SLAT_UC, M2);
        expect_unmapped(&s, G1 - K4);
        expect_unmapped(&s, 2 * G1);
        /* Remapping the hole does not allocate; unmapping it all frees what
         * the split built and the PDPT left empty. */
        assert_int_equal(slat_map(&s, hole, 5 * G1 + 0x12345000, K4, RW | SLAT_UC), 0);
        assert_int_equal(m.allocs, 4);
        expect_range(&s, G1, 5 * G1, G1, RW | SLAT_UC, 0);
        assert_int_equal(slat_unmap(&s, G1, G1), 0);
        assert_int_equal(live_tables(&m), 1);
        expect_unmapped(&s, hole);
        slat_teardown(&s, &m);
    }
}

static void test_split_by_permission_change(void **state)
{
    const uint64_t page = 2 * G1 + 0x7654000;
    struct fake_mm m;
    struct slat s;

    (void)state;
    for (int fmt = SLAT_NPT; fmt <= SLAT_EPT; fmt++) {
        slat_setup(&s, &m, (enum slat_format)fmt);
        assert_int_equal(slat_map(&s, 2 * G1, 9 * G1, G1, RWX), 0);
        assert_int_equal(slat_map(&s, page, 9 * G1 + 0x7654000, K4, SLAT_R), 0);
        assert_int_equal(m.allocs, 4);
        expect_map(&s, page, 9 * G1 + 0x7654000, SLAT_R, K4);
        expect_range(&s, 2 * G1, 9 * G1, G1, RWX, page);
        /* Remapping a 2M piece elsewhere, uncached, splits nothing further. */
        assert_int_equal(slat_map(&s, 2 * G1 + 8 * M2, 0x600000, M2, RW | SLAT_UC), 0);
        assert_int_equal(m.allocs, 4);
        expect_map(&s, 2 * G1 + 8 * M2 + 0x1234, 0x601234, RW | SLAT_UC, M2);
        /* Mapping the whole 1G again replaces the split tables by one leaf. */
        assert_int_equal(slat_map(&s, 2 * G1, 9 * G1, G1, RWX), 0);
        assert_int_equal(live_tables(&m), 2);
        expect_map(&s, page, 9 * G1 + 0x7654000, RWX, G1);
        slat_teardown(&s, &m);
    }
}

/* Unmapping what is not mapped allocates nothing; emptied tables are freed. */
static void test_unmap_frees_empty_tables(void **state)
{
    struct fake_mm m;
    struct slat s;

    (void)state;
    slat_setup(&s, &m, SLAT_EPT);
    assert_int_equal(slat_unmap(&s, 0, SLAT_GPA_LIMIT), 0);
    assert_int_equal(slat_unmap(&s, 0x5000, 0x3000), 0);
    assert_int_equal(m.allocs, 1);
    assert_int_equal(slat_map(&s, 0x10000, 0x10000, 0x4000, RWX), 0);
    assert_int_equal(slat_map(&s, 100 * G1, 0, K4, RWX), 0);
    assert_int_equal(live_tables(&m), 6);
    assert_int_equal(slat_unmap(&s, 0x10000, 0x2000), 0);
    assert_int_equal(live_tables(&m), 6);
    assert_int_equal(slat_unmap(&s, 0x12000, 0x2000), 0);
    assert_int_equal(live_tables(&m), 4);
    walk_all(&s, &m, NULL);
    assert_int_equal(slat_unmap(&s, 0, SLAT_GPA_LIMIT), 0);
    assert_int_equal(live_tables(&m), 1);
    slat_teardown(&s, &m);
}

/* ---- bit layouts ----------------------------------------------------------------- */

#define NPT_FLAGS_MASK (0xfffULL | (1ULL << 63))

static void check_npt_entry(const struct slat *s, uint64_t e, int level, bool leaf)
{
    (void)s;
    assert_true(e & 0x4); /* U at every level */
    assert_true(e & 0x1);
    if (!leaf) {
        assert_int_equal(e & NPT_FLAGS_MASK, 0x7);
        return;
    }
    /* Never PAT (bit 7 in a PTE, bit 12 in a large leaf), nor bits 52-62. */
    assert_int_equal(e & (0x7ffULL << 52), 0);
    if (level == 0)
        assert_int_equal(e & 0x80, 0);
    else
        assert_int_equal(e & 0x1000, 0);
}

static void test_npt_bits(void **state)
{
    static const struct {
        unsigned attrs;
        uint64_t flags; /* expected low and NX bits of a 4K leaf */
    } cases[] = {
        {SLAT_R, 0x5 | (1ULL << 63)}, {RW, 0x7 | (1ULL << 63)},
        {SLAT_R | SLAT_X, 0x5},       {RWX, 0x7},
        {RWX | SLAT_UC, 0x7 | 0x18},  {SLAT_R | SLAT_UC, 0x5 | 0x18 | (1ULL << 63)},
    };
    struct fake_mm m;
    struct slat s;

    (void)state;
    slat_setup(&s, &m, SLAT_NPT);
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        const uint64_t *pml4, *pdpt, *pd, *pt;
        uint64_t gpa = (i + 1) * 512 * G1 + 3 * G1 + 5 * M2 + 7 * K4;

        assert_int_equal(slat_map(&s, gpa, 0xabcdef000ULL, K4, cases[i].attrs), 0);
        pml4 = fake_to_virt(&m, s.root);
        assert_int_equal(pml4[i + 1] & NPT_FLAGS_MASK, 0x7);
        pdpt = fake_to_virt(&m, pml4[i + 1] & ~NPT_FLAGS_MASK);
        assert_int_equal(pdpt[3] & NPT_FLAGS_MASK, 0x7);
        pd = fake_to_virt(&m, pdpt[3] & ~NPT_FLAGS_MASK);
        assert_int_equal(pd[5] & NPT_FLAGS_MASK, 0x7);
        pt = fake_to_virt(&m, pd[5] & ~NPT_FLAGS_MASK);
        assert_int_equal(pt[7], 0xabcdef000ULL | cases[i].flags);
        /* The same attributes on 2M and 1G leaves: PS added. */
        assert_int_equal(slat_map(&s, gpa - 7 * K4 + M2, 0x7fe00000, M2, cases[i].attrs), 0);
        assert_int_equal(pd[6], 0x7fe00000 | 0x80 | cases[i].flags);
        assert_int_equal(
            slat_map(&s, gpa - 7 * K4 - 5 * M2 + G1, 0xfc0000000ULL, G1, cases[i].attrs), 0);
        assert_int_equal(pdpt[4], 0xfc0000000ULL | 0x80 | cases[i].flags);
    }
    /* After splits and a large map, still U everywhere. */
    assert_int_equal(slat_map(&s, 0, 0, 4 * G1, RWX), 0);
    assert_int_equal(slat_unmap(&s, G1 + 3 * M2 + 5 * K4, K4), 0);
    assert_int_equal(slat_map(&s, 2 * G1 + 3 * M2, 0, K4, SLAT_R | SLAT_UC), 0);
    walk_all(&s, &m, check_npt_entry);
    assert_int_equal(slat_hw_root(&s), s.root);
    slat_teardown(&s, &m);
}

static void check_ept_entry(const struct slat *s, uint64_t e, int level, bool leaf)
{
    (void)s;
    if (!leaf) {
        assert_int_equal(e & 0xfff, 0x7);
        return;
    }
    assert_int_not_equal(e & 0x7, 0);
    assert_int_equal(e & 0x40, 0); /* ignore-PAT clear: the guest's PAT counts */
    assert_true(((e >> 3) & 7) == 0 || ((e >> 3) & 7) == 6);
    if (level > 0)
        assert_int_equal(e & 0x80, 0x80);
}

static void test_ept_bits(void **state)
{
    static const struct {
        unsigned attrs;
        uint64_t flags;
    } cases[] = {
        {SLAT_R, 0x1 | 0x30},
        {RW, 0x3 | 0x30},
        {RWX, 0x7 | 0x30},
        {SLAT_X, 0x4 | 0x30},
        {SLAT_R | SLAT_X, 0x5 | 0x30},
        {RWX | SLAT_UC, 0x7},
        {SLAT_X | SLAT_UC, 0x4},
    };
    struct fake_mm m;
    struct slat s;

    (void)state;
    slat_setup(&s, &m, SLAT_EPT);
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        const uint64_t *pml4, *pdpt, *pd, *pt;
        uint64_t gpa = (i + 1) * 512 * G1 + 3 * G1 + 5 * M2 + 7 * K4;

        assert_int_equal(slat_map(&s, gpa, 0xabcdef000ULL, K4, cases[i].attrs), 0);
        pml4 = fake_to_virt(&m, s.root);
        assert_int_equal(pml4[i + 1] & 0xfff, 0x7);
        pdpt = fake_to_virt(&m, pml4[i + 1] & ~0xfffULL);
        pd = fake_to_virt(&m, pdpt[3] & ~0xfffULL);
        assert_int_equal(pd[5] & 0xfff, 0x7);
        pt = fake_to_virt(&m, pd[5] & ~0xfffULL);
        assert_int_equal(pt[7], 0xabcdef000ULL | cases[i].flags);
        assert_int_equal(slat_map(&s, gpa - 7 * K4 + M2, 0x7fe00000, M2, cases[i].attrs), 0);
        assert_int_equal(pd[6], 0x7fe00000 | 0x80 | cases[i].flags);
        assert_int_equal(
            slat_map(&s, gpa - 7 * K4 - 5 * M2 + G1, 0xfc0000000ULL, G1, cases[i].attrs), 0);
        assert_int_equal(pdpt[4], 0xfc0000000ULL | 0x80 | cases[i].flags);
    }
    /* A split keeps execute-only and the memory type. */
    assert_int_equal(slat_map(&s, 0, 0, G1, SLAT_X | SLAT_UC), 0);
    assert_int_equal(slat_unmap(&s, 0x1000, K4), 0);
    expect_map(&s, 0x2000, 0x2000, SLAT_X | SLAT_UC, K4);
    expect_map(&s, M2, M2, SLAT_X | SLAT_UC, M2);
    walk_all(&s, &m, check_ept_entry);
    /* EPTP: write-back, 4-level walk. */
    assert_int_equal(slat_hw_root(&s), s.root | 0x1e);
    slat_teardown(&s, &m);
}

/* ---- running out of memory --------------------------------------------------------- */

/*
 * Map [0, 4G) as 1G leaves, then change a range that needs several splits
 * with an allocator that fails after n pages, for every n until it succeeds.
 * Each page must show the old or the new mapping, never anything else, and
 * no table may leak.
 */
static void oom_case(enum slat_format fmt, uint64_t gpa, uint64_t size, bool unmap)
{
    const uint64_t new_hpa = 0x300000000ULL;
    bool done = false;

    for (long n = 0; !done; n++) {
        struct fake_mm m;
        struct slat s;
        int rc;

        slat_setup(&s, &m, fmt);
        assert_int_equal(slat_map(&s, 0, 0, 4 * G1, RWX), 0);
        m.fail_after = n;
        rc = unmap ? slat_unmap(&s, gpa, size) : slat_map(&s, gpa, new_hpa, size, SLAT_R);
        assert_true(rc == 0 || rc == SLAT_ENOMEM);
        done = rc == 0;
        m.fail_after = -1;
        walk_all(&s, &m, NULL);
        for (uint64_t p = 0; p < 4 * G1; p += K4) {
            uint64_t hpa;
            unsigned attrs;
            bool inside = p >= gpa && p < gpa + size;
            int found = slat_lookup(&s, p, &hpa, &attrs, NULL);

            if (found == 0 && hpa == p && attrs == RWX)
                continue; /* old */
            assert_true(inside);
            if (unmap)
                assert_int_equal(found, -1);
            else
                assert_true(found == 0 && hpa == new_hpa + p - gpa && attrs == SLAT_R);
        }
        /* On success everything inside is new. */
        for (uint64_t p = gpa; done && p < gpa + size; p += K4) {
            if (unmap)
                expect_unmapped(&s, p);
            else
                expect_map(&s, p, new_hpa + p - gpa, SLAT_R, 0);
        }
        slat_teardown(&s, &m);
        assert_true(n < 64);
    }
}

static void test_oom_mid_split(void **state)
{
    (void)state;
    /* Crosses a 1G boundary: 4K pieces at both ends in two different 1G leaves,
     * 2M pieces between. */
    oom_case(SLAT_NPT, G1 - M2 - 3 * K4, 2 * M2 + 6 * K4, false);
    oom_case(SLAT_EPT, G1 - M2 - 3 * K4, 2 * M2 + 6 * K4, false);
    oom_case(SLAT_NPT, 2 * G1 + 5 * K4, 3 * M2, true);
    oom_case(SLAT_EPT, 3 * G1 - 4 * M2 + K4, 6 * M2, true);
}

/* Tables created for a map that then fails are not left behind empty. */
static void test_oom_fresh_tables(void **state)
{
    struct fake_mm m;
    struct slat s;

    (void)state;
    for (long n = 0; n < 2; n++) {
        slat_setup(&s, &m, SLAT_NPT);
        m.fail_after = n;
        assert_int_equal(slat_map(&s, 5 * G1 + 3 * M2, 0, M2 + K4, RW), SLAT_ENOMEM);
        assert_int_equal(live_tables(&m), 1);
        walk_all(&s, &m, NULL);
        expect_unmapped(&s, 5 * G1 + 3 * M2);
        slat_teardown(&s, &m);
    }
    /* Root, PDPT and PD allocated, the PT fails: the 2M leaf stays, the 4K one is not made. */
    slat_setup(&s, &m, SLAT_NPT);
    m.fail_after = 2;
    assert_int_equal(slat_map(&s, 5 * G1 + 3 * M2, 0, M2 + K4, RW), SLAT_ENOMEM);
    assert_int_equal(live_tables(&m), 3);
    walk_all(&s, &m, NULL);
    expect_map(&s, 5 * G1 + 3 * M2, 0, RW, M2);
    expect_unmapped(&s, 5 * G1 + 4 * M2);
    slat_teardown(&s, &m);
}

/* ---- random run against a reference model ------------------------------------------ */

#define SPACE      (4 * G1)
#define NPAGES     (SPACE / K4)
#define RAND_OPS   3000
#define NO_MAPPING UINT64_MAX

static uint64_t rng_state;

static uint64_t rng(void)
{
    /* xorshift64*: the same sequence on every libc, unlike rand() */
    rng_state ^= rng_state >> 12;
    rng_state ^= rng_state << 25;
    rng_state ^= rng_state >> 27;
    return rng_state * 0x2545f4914f6cdd1dULL;
}

struct model {
    uint64_t hpa[NPAGES]; /* NO_MAPPING or the host page */
    unsigned char attrs[NPAGES];
};

static void model_check_page(const struct slat *s, const struct model *md, uint64_t i)
{
    uint64_t hpa, leaf;
    unsigned attrs;
    int rc = slat_lookup(s, i * K4, &hpa, &attrs, &leaf);

    if (md->hpa[i] == NO_MAPPING) {
        assert_int_equal(rc, -1);
        return;
    }
    assert_int_equal(rc, 0);
    assert_int_equal(hpa, md->hpa[i]);
    assert_int_equal(attrs, md->attrs[i]);
    assert_true(leaf == K4 || leaf == M2 || leaf == G1);
}

static void model_check_all(const struct slat *s, const struct fake_mm *m, const struct model *md)
{
    struct walk_stats st;
    uint64_t total = 0;

    for (uint64_t i = 0; i < NPAGES; i++)
        model_check_page(s, md, i);
    st = walk_all(s, m, s->fmt == SLAT_NPT ? check_npt_entry : check_ept_entry);
    for (uint64_t i = 0; i < NPAGES; i++)
        total += md->hpa[i] != NO_MAPPING;
    assert_int_equal(st.leaves[0] + 512 * st.leaves[1] + 512 * 512 * st.leaves[2], total);
}

static unsigned random_attrs(enum slat_format fmt)
{
    static const unsigned npt[] = {SLAT_R, RW, SLAT_R | SLAT_X, RWX};
    static const unsigned ept[] = {SLAT_R, RW, SLAT_R | SLAT_X, RWX, SLAT_X};
    unsigned a = fmt == SLAT_NPT ? npt[rng() % 4] : ept[rng() % 5];

    return a | ((rng() & 3) == 0 ? SLAT_UC : 0);
}

static void random_run(enum slat_format fmt, uint64_t seed)
{
    static const uint64_t grains[] = {K4, M2, G1};
    struct model *md = malloc(sizeof(*md));
    struct fake_mm m;
    struct slat s;

    assert_non_null(md);
    for (uint64_t i = 0; i < NPAGES; i++)
        md->hpa[i] = NO_MAPPING;
    rng_state = seed;
    slat_setup(&s, &m, fmt);
    for (int op = 0; op < RAND_OPS; op++) {
        /* Mostly small grains: 1G ones would wipe out the detail too fast. */
        uint64_t r = rng() % 16, grain = grains[r < 9 ? 0 : r < 15 ? 1 : 2];
        uint64_t gpa = rng() % (SPACE / grain) * grain;
        uint64_t size = (1 + rng() % (grain == G1 ? 2 : 8)) * grain;
        uint64_t hpa = rng() % 64 * G1 + (rng() & 1 ? rng() % (G1 / grain) * grain : 0);

        if (gpa + size > SPACE)
            size = SPACE - gpa;
        /* Sometimes only page aligned, or with the leaf size limited. */
        if (rng() % 8 == 0)
            hpa += K4;
        if (rng() % 4 == 0) {
            assert_int_equal(slat_unmap(&s, gpa, size), 0);
            for (uint64_t i = gpa / K4; i < (gpa + size) / K4; i++)
                md->hpa[i] = NO_MAPPING;
        } else {
            unsigned attrs = random_attrs(fmt);
            unsigned flags = rng() % 16 == 0 ? SLAT_NO_LARGE : rng() % 16 == 0 ? SLAT_NO_1G : 0;

            assert_int_equal(slat_map(&s, gpa, hpa, size, attrs | flags), 0);
            for (uint64_t i = gpa / K4; i < (gpa + size) / K4; i++) {
                md->hpa[i] = hpa + i * K4 - gpa;
                md->attrs[i] = (unsigned char)attrs;
            }
        }
        /* Spot checks every step around the edges, everything now and then. */
        for (int k = -2; k < 2; k++) {
            uint64_t i = (gpa / K4 + (k < 0 ? 0 : size / K4) + (uint64_t)k) % NPAGES;

            model_check_page(&s, md, i);
        }
        for (int k = 0; k < 64; k++)
            model_check_page(&s, md, rng() % NPAGES);
        if (op % 500 == 499)
            model_check_all(&s, &m, md);
    }
    model_check_all(&s, &m, md);
    slat_teardown(&s, &m);
    free(md);
}

static void test_random_vs_model_npt(void **state)
{
    (void)state;
    random_run(SLAT_NPT, 0x5eed5eed12345678ULL);
}

static void test_random_vs_model_ept(void **state)
{
    (void)state;
    random_run(SLAT_EPT, 0x0123456789abcdefULL);
}

/* ---- teardown ----------------------------------------------------------------------- */

static void test_destroy_frees_everything(void **state)
{
    struct fake_mm m;
    struct slat s;

    (void)state;
    slat_setup(&s, &m, SLAT_NPT);
    assert_int_equal(slat_map(&s, 0, 0, 8 * G1, RWX), 0);
    assert_int_equal(slat_map(&s, 0x1000, 0x1000, 0x5000, RW | SLAT_NO_LARGE), 0);
    assert_int_equal(slat_map(&s, 300 * G1 + M2, 0, 20 * M2, SLAT_R), 0);
    assert_int_equal(slat_unmap(&s, 5 * G1 + 7 * M2 + K4, K4), 0);
    assert_int_equal(slat_map(&s, SLAT_GPA_LIMIT - K4, 0, K4, SLAT_R), 0);
    assert_true(m.allocs > 8);
    walk_all(&s, &m, check_npt_entry);
    slat_teardown(&s, &m);
    /* Destroying twice is harmless. */
    slat_destroy(&s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_init),
        cmocka_unit_test(test_bad_arguments),
        cmocka_unit_test(test_permission_rules),
        cmocka_unit_test(test_leaves_1g),
        cmocka_unit_test(test_leaves_4k),
        cmocka_unit_test(test_leaves_mixed),
        cmocka_unit_test(test_leaves_limited_by_hpa_and_flags),
        cmocka_unit_test(test_holes),
        cmocka_unit_test(test_split_1g_by_unmap),
        cmocka_unit_test(test_split_by_permission_change),
        cmocka_unit_test(test_unmap_frees_empty_tables),
        cmocka_unit_test(test_npt_bits),
        cmocka_unit_test(test_ept_bits),
        cmocka_unit_test(test_oom_mid_split),
        cmocka_unit_test(test_oom_fresh_tables),
        cmocka_unit_test(test_destroy_frees_everything),
        cmocka_unit_test(test_random_vs_model_npt),
        cmocka_unit_test(test_random_vs_model_ept),
    };

    return cmocka_run_group_tests_name("slat", tests, NULL, NULL);
}
