/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Unit tests of hv/page_alloc.c: pool sizing and bitmap placement, first-fit
 * allocation with alignment, validated frees, and a long random run checked
 * frame by frame against a simple reference model.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <hv/page_alloc.h>

/* A physical base the pool pretends to live at: deliberately not the heap
 * buffer's address, and only 1 MiB aligned so alignment is really tested. */
#define PHYS_BASE 0x40100000ULL

struct region {
    struct page_pool pool;
    void *mem;
    uint64_t size;
};

static void *region_alloc(uint64_t size)
{
    /* aligned_alloc wants a non-zero multiple of the alignment */
    uint64_t bytes = size ? (size + PAGE_SIZE - 1) & ~(PAGE_SIZE - 1) : PAGE_SIZE;
    void *mem = aligned_alloc(PAGE_SIZE, bytes);

    assert_non_null(mem);
    return mem;
}

/* A pool of @frames whole frames (bitmap included) at PHYS_BASE. */
static void region_init(struct region *r, uint64_t frames)
{
    r->size = frames * PAGE_SIZE;
    r->mem = region_alloc(r->size);
    memset(r->mem, 0xcc, r->size); /* the bitmap must be initialised, not found */
    assert_int_equal(page_pool_init(&r->pool, PHYS_BASE, r->mem, r->size), 0);
}

static void region_fini(struct region *r)
{
    free(r->mem);
}

/* Frame index in the pool of a physical address from page_alloc(). */
static size_t frame_of(const struct region *r, uint64_t addr)
{
    assert_true(addr >= r->pool.base);
    assert_int_equal((addr - r->pool.base) % PAGE_SIZE, 0);
    return (size_t)((addr - r->pool.base) / PAGE_SIZE);
}

static uint64_t addr_of(const struct region *r, size_t frame)
{
    return r->pool.base + frame * PAGE_SIZE;
}

/* Everything a failed call must leave untouched. */
struct snapshot {
    struct page_pool pool;
    uint64_t bitmap[64];
    size_t words;
};

static void take_snapshot(const struct region *r, struct snapshot *s)
{
    s->pool = r->pool;
    s->words = (r->pool.nframes + 63) / 64;
    assert_true(s->words <= 64);
    memcpy(s->bitmap, r->pool.bitmap, s->words * sizeof(uint64_t));
}

static void assert_unchanged(const struct region *r, const struct snapshot *s)
{
    assert_int_equal(r->pool.base, s->pool.base);
    assert_int_equal(r->pool.nframes, s->pool.nframes);
    assert_ptr_equal(r->pool.bitmap, s->pool.bitmap);
    assert_int_equal(r->pool.free_frames, s->pool.free_frames);
    assert_memory_equal(r->pool.bitmap, s->bitmap, s->words * sizeof(uint64_t));
}

/* ---- page_pool_init ---------------------------------------------------------- */

static void test_init_too_small(void **state)
{
    static const uint64_t sizes[] = {0, 1, PAGE_SIZE - 1, PAGE_SIZE, 2 * PAGE_SIZE - 1};
    struct page_pool pool;
    void *mem = region_alloc(2 * PAGE_SIZE);

    (void)state;
    for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++)
        assert_int_equal(page_pool_init(&pool, PHYS_BASE, mem, sizes[i]), -1);
    free(mem);
}

/* Two frames: one for the bitmap, one to hand out. */
static void test_init_smallest(void **state)
{
    struct region r;

    (void)state;
    region_init(&r, 2);
    assert_int_equal(r.pool.nframes, 1);
    assert_int_equal(r.pool.free_frames, 1);
    assert_int_equal(r.pool.base, PHYS_BASE + PAGE_SIZE);
    assert_int_equal(page_alloc(&r.pool, 1, 1), PHYS_BASE + PAGE_SIZE);
    assert_int_equal(page_alloc(&r.pool, 1, 1), 0);
    region_fini(&r);
}

static void test_init_bad_arguments(void **state)
{
    struct page_pool pool;
    void *mem = region_alloc(16 * PAGE_SIZE);

    (void)state;
    assert_int_equal(page_pool_init(&pool, PHYS_BASE + 1, mem, 16 * PAGE_SIZE), -1);
    assert_int_equal(page_pool_init(&pool, PHYS_BASE + 0x800, mem, 16 * PAGE_SIZE), -1);
    assert_int_equal(page_pool_init(&pool, PHYS_BASE, NULL, 16 * PAGE_SIZE), -1);
    assert_int_equal(page_pool_init(NULL, PHYS_BASE, mem, 16 * PAGE_SIZE), -1);
    /* A region running past the top of the address space. */
    assert_int_equal(page_pool_init(&pool, UINT64_MAX - 4 * PAGE_SIZE + 1, mem, 16 * PAGE_SIZE),
                     -1);
    /* Base 0 is fine: the bitmap takes frame 0, so 0 still means failure. */
    assert_int_equal(page_pool_init(&pool, 0, mem, 16 * PAGE_SIZE), 0);
    assert_int_equal(pool.base, PAGE_SIZE);
    assert_int_equal(page_alloc(&pool, 1, 1), PAGE_SIZE);
    free(mem);
}

static void test_init_partial_frame_ignored(void **state)
{
    struct page_pool pool;
    void *mem = region_alloc(11 * PAGE_SIZE);

    (void)state;
    assert_int_equal(page_pool_init(&pool, PHYS_BASE, mem, 10 * PAGE_SIZE + 100), 0);
    assert_int_equal(pool.nframes, 9);
    assert_int_equal(pool.free_frames, 9);
    free(mem);
}

static void test_init_bitmap_at_start(void **state)
{
    struct region r;

    (void)state;
    region_init(&r, 64);
    assert_ptr_equal(r.pool.bitmap, r.mem);
    assert_int_equal(r.pool.base, PHYS_BASE + PAGE_SIZE);
    assert_int_equal(r.pool.nframes, 63);
    /* The bitmap says "all free" whatever the memory held before. */
    for (size_t i = 0; i < 63; i++)
        assert_int_equal(page_alloc(&r.pool, 1, 1), addr_of(&r, i));
    region_fini(&r);
}

/* One bitmap frame describes 32768 frames: 32769 frames in all is the most
 * one bitmap frame can serve, one more needs a second. */
static void test_init_bitmap_frame_boundary(void **state)
{
    static const struct {
        uint64_t total, bitmap_frames;
    } cases[] = {{32768, 1}, {32769, 1}, {32770, 2}, {32771, 2}, {65538, 2}, {65539, 3}};

    (void)state;
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        struct page_pool pool;
        uint64_t size = cases[i].total * PAGE_SIZE;
        void *mem = calloc(1, size);

        assert_non_null(mem);
        assert_int_equal(page_pool_init(&pool, PHYS_BASE, mem, size), 0);
        assert_int_equal(pool.base, PHYS_BASE + cases[i].bitmap_frames * PAGE_SIZE);
        assert_int_equal(pool.nframes, cases[i].total - cases[i].bitmap_frames);
        assert_int_equal(pool.free_frames, pool.nframes);
        /* The last frame is reachable and the bitmap covers it. */
        assert_int_equal(page_alloc(&pool, pool.nframes, 1), pool.base);
        assert_int_equal(page_alloc(&pool, 1, 1), 0);
        assert_int_equal(page_free(&pool, pool.base + (pool.nframes - 1) * PAGE_SIZE, 1), 0);
        assert_int_equal(page_alloc(&pool, 1, 1), pool.base + (pool.nframes - 1) * PAGE_SIZE);
        free(mem);
    }
}

/* ---- page_alloc -------------------------------------------------------------- */

static void test_bitmap_frames_never_handed_out(void **state)
{
    struct region r;
    uint64_t addr;

    (void)state;
    region_init(&r, 32);
    while ((addr = page_alloc(&r.pool, 1, 1)) != 0) {
        assert_true(addr >= PHYS_BASE + PAGE_SIZE);
        assert_true(addr < PHYS_BASE + r.size);
    }
    assert_int_equal(page_free(&r.pool, PHYS_BASE, 1), -1);
    region_fini(&r);
}

static void test_alloc_all_then_exhausted(void **state)
{
    struct region r;
    bool seen[31] = {false};

    (void)state;
    region_init(&r, 32);
    for (size_t i = 0; i < 31; i++) {
        uint64_t addr = page_alloc(&r.pool, 1, 1);
        size_t frame;

        assert_int_not_equal(addr, 0);
        frame = frame_of(&r, addr);
        assert_true(frame < 31);
        assert_false(seen[frame]);
        seen[frame] = true;
        assert_int_equal(r.pool.free_frames, 30 - i);
    }
    assert_int_equal(page_alloc(&r.pool, 1, 1), 0);
    assert_int_equal(page_alloc(&r.pool, 1, 1), 0);
    assert_int_equal(r.pool.free_frames, 0);
    region_fini(&r);
}

/* The allocator keeps to its bitmap: frame contents are the caller's. */
static void test_alloc_leaves_frame_contents_alone(void **state)
{
    struct region r;
    const unsigned char *bytes;

    (void)state;
    region_init(&r, 16);
    while (page_alloc(&r.pool, 1, 1))
        ;
    page_free(&r.pool, addr_of(&r, 3), 1);
    bytes = (const unsigned char *)r.mem;
    for (uint64_t i = PAGE_SIZE; i < r.size; i++)
        assert_int_equal(bytes[i], 0xcc);
    region_fini(&r);
}

static void test_alloc_zero_count(void **state)
{
    struct region r;
    struct snapshot s;

    (void)state;
    region_init(&r, 16);
    take_snapshot(&r, &s);
    assert_int_equal(page_alloc(&r.pool, 0, 1), 0);
    assert_unchanged(&r, &s);
    region_fini(&r);
}

static void test_alloc_bad_alignment(void **state)
{
    static const size_t aligns[] = {0, 3, 5, 6, 12, 24};
    struct region r;
    struct snapshot s;

    (void)state;
    region_init(&r, 64);
    take_snapshot(&r, &s);
    for (size_t i = 0; i < sizeof(aligns) / sizeof(aligns[0]); i++) {
        assert_int_equal(page_alloc(&r.pool, 1, aligns[i]), 0);
        assert_unchanged(&r, &s);
    }
    region_fini(&r);
}

/* Alignment is of the physical address: the pool starts at PHYS_BASE + 4 KiB,
 * which is only page aligned. */
static void test_alloc_alignment(void **state)
{
    static const size_t aligns[] = {2, 4, 8, 16, 64, 256};
    struct region r;

    (void)state;
    region_init(&r, 1024);
    for (size_t i = 0; i < sizeof(aligns) / sizeof(aligns[0]); i++) {
        uint64_t addr = page_alloc(&r.pool, 1, aligns[i]);

        assert_int_not_equal(addr, 0);
        assert_int_equal(addr % (aligns[i] * PAGE_SIZE), 0);
    }
    region_fini(&r);
}

/* First fit: the lowest aligned address with room, and the frames skipped
 * for alignment stay available. */
static void test_alloc_alignment_first_fit(void **state)
{
    struct region r;

    (void)state;
    region_init(&r, 64);
    /* pool.base = 0x40101000; the first 16 KiB aligned frame is 0x40104000. */
    assert_int_equal(page_alloc(&r.pool, 2, 4), PHYS_BASE + 0x4000);
    assert_int_equal(page_alloc(&r.pool, 1, 1), PHYS_BASE + 0x1000);
    assert_int_equal(page_alloc(&r.pool, 2, 1), PHYS_BASE + 0x2000);
    assert_int_equal(page_alloc(&r.pool, 1, 2), PHYS_BASE + 0x6000);
    assert_int_equal(page_alloc(&r.pool, 1, 1), PHYS_BASE + 0x7000);
    assert_int_equal(r.pool.free_frames, 63 - 7);
    region_fini(&r);
}

static void test_alloc_alignment_too_large(void **state)
{
    struct region r;
    struct snapshot s;

    (void)state;
    region_init(&r, 64);
    take_snapshot(&r, &s);
    /* No 1 MiB boundary inside [PHYS_BASE + 4K, PHYS_BASE + 256K). */
    assert_int_equal(page_alloc(&r.pool, 1, 256), 0);
    assert_int_equal(page_alloc(&r.pool, 1, (size_t)1 << 40), 0);
    assert_int_equal(page_alloc(&r.pool, 1, (size_t)1 << 63), 0);
    assert_unchanged(&r, &s);
    region_fini(&r);
}

static void test_alloc_contiguous(void **state)
{
    struct region r;
    uint64_t a, b, c;

    (void)state;
    region_init(&r, 64);
    a = page_alloc(&r.pool, 5, 1);
    b = page_alloc(&r.pool, 3, 1);
    c = page_alloc(&r.pool, 1, 1);
    assert_int_equal(a, r.pool.base);
    assert_int_equal(b, a + 5 * PAGE_SIZE);
    assert_int_equal(c, b + 3 * PAGE_SIZE);
    assert_int_equal(r.pool.free_frames, 63 - 9);
    region_fini(&r);
}

static void test_alloc_too_large(void **state)
{
    struct region r;
    struct snapshot s;

    (void)state;
    region_init(&r, 16);
    take_snapshot(&r, &s);
    assert_int_equal(page_alloc(&r.pool, 16, 1), 0);
    assert_int_equal(page_alloc(&r.pool, SIZE_MAX, 1), 0);
    assert_unchanged(&r, &s);
    assert_int_equal(page_alloc(&r.pool, 15, 1), r.pool.base);
    region_fini(&r);
}

/* Enough free frames in total, but not in one piece. */
static void test_alloc_needs_contiguous_frames(void **state)
{
    struct region r;
    struct snapshot s;
    uint64_t addr[15];

    (void)state;
    region_init(&r, 16);
    for (size_t i = 0; i < 15; i++)
        addr[i] = page_alloc(&r.pool, 1, 1);
    for (size_t i = 0; i < 15; i += 2)
        assert_int_equal(page_free(&r.pool, addr[i], 1), 0);
    assert_int_equal(r.pool.free_frames, 8);
    take_snapshot(&r, &s);
    assert_int_equal(page_alloc(&r.pool, 2, 1), 0);
    assert_unchanged(&r, &s);
    assert_int_equal(page_alloc(&r.pool, 1, 1), addr[0]);
    region_fini(&r);
}

static void test_first_fit_lowest_hole(void **state)
{
    struct region r;
    uint64_t a, b, c, d;

    (void)state;
    region_init(&r, 64);
    a = page_alloc(&r.pool, 4, 1);
    b = page_alloc(&r.pool, 2, 1);
    c = page_alloc(&r.pool, 4, 1);
    d = page_alloc(&r.pool, 1, 1);
    assert_int_equal(page_free(&r.pool, a, 4), 0);
    assert_int_equal(page_free(&r.pool, c, 4), 0);
    /* 3 frames fit in the first hole (4 frames at a), the next 3 do not. */
    assert_int_equal(page_alloc(&r.pool, 3, 1), a);
    assert_int_equal(page_alloc(&r.pool, 3, 1), c);
    assert_int_equal(page_alloc(&r.pool, 1, 1), a + 3 * PAGE_SIZE);
    assert_int_equal(page_alloc(&r.pool, 2, 1), d + PAGE_SIZE);
    (void)b;
    region_fini(&r);
}

/* Runs that cross the bitmap's 64-bit words. */
static void test_alloc_across_bitmap_words(void **state)
{
    struct region r;
    uint64_t a, b, c;

    (void)state;
    region_init(&r, 512);
    a = page_alloc(&r.pool, 60, 1);
    b = page_alloc(&r.pool, 70, 1);  /* frames 60..129 */
    c = page_alloc(&r.pool, 200, 1); /* frames 130..329 */
    assert_int_equal(frame_of(&r, b), 60);
    assert_int_equal(frame_of(&r, c), 130);
    assert_int_equal(page_free(&r.pool, b, 70), 0);
    assert_int_equal(r.pool.free_frames, 511 - 260);
    /* 71 frames do not fit in the 70 frame hole. */
    assert_int_equal(frame_of(&r, page_alloc(&r.pool, 71, 1)), 330);
    assert_int_equal(frame_of(&r, page_alloc(&r.pool, 70, 1)), 60);
    assert_int_equal(page_free(&r.pool, a, 60), 0);
    assert_int_equal(page_free(&r.pool, c, 200), 0);
    /* Aligned by physical frame number: pool.base is pfn 0x40101, so the
     * candidates are frames 63, 127, 191...; only 191 has 128 free after it. */
    assert_int_equal(frame_of(&r, page_alloc(&r.pool, 128, 64)), 191);
    region_fini(&r);
}

/* ---- page_free --------------------------------------------------------------- */

static void test_free_and_reuse(void **state)
{
    struct region r;
    uint64_t a, b;

    (void)state;
    region_init(&r, 16);
    a = page_alloc(&r.pool, 3, 1);
    b = page_alloc(&r.pool, 3, 1);
    assert_int_equal(page_free(&r.pool, a, 3), 0);
    assert_int_equal(page_alloc(&r.pool, 3, 1), a);
    assert_int_equal(page_free(&r.pool, b, 3), 0);
    assert_int_equal(page_alloc(&r.pool, 2, 1), b);
    region_fini(&r);
}

static void test_double_free_rejected(void **state)
{
    struct region r;
    struct snapshot s;
    uint64_t a;

    (void)state;
    region_init(&r, 16);
    a = page_alloc(&r.pool, 4, 1);
    page_alloc(&r.pool, 4, 1);
    assert_int_equal(page_free(&r.pool, a, 4), 0);
    take_snapshot(&r, &s);
    assert_int_equal(page_free(&r.pool, a, 4), -1);
    assert_int_equal(page_free(&r.pool, a + PAGE_SIZE, 1), -1);
    assert_unchanged(&r, &s);
    region_fini(&r);
}

/* A range that is partly allocated: nothing at all is freed. */
static void test_partial_bogus_free_rejected(void **state)
{
    struct region r;
    struct snapshot s;
    uint64_t a, b;

    (void)state;
    region_init(&r, 16);
    a = page_alloc(&r.pool, 4, 1);
    b = page_alloc(&r.pool, 4, 1);
    assert_int_equal(page_free(&r.pool, a, 4), 0);
    page_alloc(&r.pool, 2, 1); /* a, a+1 in use again; a+2, a+3 free */
    take_snapshot(&r, &s);
    assert_int_equal(page_free(&r.pool, a, 4), -1);                 /* ends in free frames */
    assert_int_equal(page_free(&r.pool, a + 2 * PAGE_SIZE, 3), -1); /* starts in free frames */
    assert_int_equal(page_free(&r.pool, b, 5), -1);                 /* runs past b's frames */
    assert_unchanged(&r, &s);
    assert_int_equal(page_alloc(&r.pool, 2, 1), a + 2 * PAGE_SIZE);
    region_fini(&r);
}

static void test_free_out_of_pool(void **state)
{
    struct region r;
    struct snapshot s;
    uint64_t end;

    (void)state;
    region_init(&r, 16);
    while (page_alloc(&r.pool, 1, 1))
        ;
    end = r.pool.base + r.pool.nframes * PAGE_SIZE;
    take_snapshot(&r, &s);
    assert_int_equal(page_free(&r.pool, PHYS_BASE, 1), -1); /* the bitmap frame */
    assert_int_equal(page_free(&r.pool, PHYS_BASE - PAGE_SIZE, 2), -1);
    assert_int_equal(page_free(&r.pool, 0, 1), -1);
    assert_int_equal(page_free(&r.pool, end, 1), -1);
    assert_int_equal(page_free(&r.pool, end - PAGE_SIZE, 2), -1);
    assert_int_equal(page_free(&r.pool, r.pool.base, 16), -1);
    assert_int_equal(page_free(&r.pool, r.pool.base + PAGE_SIZE, SIZE_MAX), -1);
    assert_int_equal(page_free(&r.pool, UINT64_MAX & ~(PAGE_SIZE - 1), 1), -1);
    assert_unchanged(&r, &s);
    assert_int_equal(page_free(&r.pool, end - PAGE_SIZE, 1), 0);
    region_fini(&r);
}

static void test_free_misaligned(void **state)
{
    struct region r;
    struct snapshot s;
    uint64_t a;

    (void)state;
    region_init(&r, 16);
    a = page_alloc(&r.pool, 2, 1);
    take_snapshot(&r, &s);
    assert_int_equal(page_free(&r.pool, a + 1, 1), -1);
    assert_int_equal(page_free(&r.pool, a + 0x800, 1), -1);
    assert_int_equal(page_free(&r.pool, a + PAGE_SIZE - 1, 1), -1);
    assert_unchanged(&r, &s);
    assert_int_equal(page_free(&r.pool, a, 2), 0);
    region_fini(&r);
}

static void test_free_zero_count(void **state)
{
    struct region r;
    struct snapshot s;
    uint64_t a;

    (void)state;
    region_init(&r, 16);
    a = page_alloc(&r.pool, 2, 1);
    take_snapshot(&r, &s);
    assert_int_equal(page_free(&r.pool, a, 0), -1);
    assert_unchanged(&r, &s);
    region_fini(&r);
}

static void test_free_frames_accounting(void **state)
{
    struct region r;
    uint64_t a, b, c;

    (void)state;
    region_init(&r, 128);
    assert_int_equal(r.pool.free_frames, 127);
    a = page_alloc(&r.pool, 10, 1);
    b = page_alloc(&r.pool, 1, 8);
    c = page_alloc(&r.pool, 20, 1);
    assert_int_equal(r.pool.free_frames, 127 - 31);
    assert_int_equal(page_free(&r.pool, b, 1), 0);
    assert_int_equal(r.pool.free_frames, 127 - 30);
    assert_int_equal(page_free(&r.pool, b, 1), -1);
    assert_int_equal(r.pool.free_frames, 127 - 30);
    assert_int_equal(page_alloc(&r.pool, 200, 1), 0);
    assert_int_equal(r.pool.free_frames, 127 - 30);
    assert_int_equal(page_free(&r.pool, a, 10), 0);
    assert_int_equal(page_free(&r.pool, c, 20), 0);
    assert_int_equal(r.pool.free_frames, 127);
    assert_int_equal(page_alloc(&r.pool, 127, 1), r.pool.base);
    assert_int_equal(r.pool.free_frames, 0);
    region_fini(&r);
}

/* A low frame freed after many allocations is found again first. */
static void test_freed_low_frame_found_first(void **state)
{
    struct region r;
    uint64_t first;

    (void)state;
    region_init(&r, 256);
    first = page_alloc(&r.pool, 1, 1);
    for (int i = 0; i < 200; i++)
        assert_int_not_equal(page_alloc(&r.pool, 1, 1), 0);
    assert_int_equal(page_free(&r.pool, first, 1), 0);
    assert_int_equal(page_alloc(&r.pool, 1, 1), first);
    assert_int_equal(frame_of(&r, page_alloc(&r.pool, 1, 1)), 201);
    region_fini(&r);
}

/* ---- random run against a reference model ------------------------------------ */

#define STRESS_FRAMES 2048 /* in the pool, after the bitmap frame */
#define STRESS_LIVE   256

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
    bool used[STRESS_FRAMES];
    size_t free_frames;
    struct {
        size_t frame, count;
    } live[STRESS_LIVE];
    size_t nlive;
};

/* Plain first fit over the model's frames, aligned by physical address. */
static bool model_find(const struct model *m, uint64_t pool_base, size_t count, size_t align,
                       size_t *found)
{
    for (size_t f = 0; f + count <= STRESS_FRAMES; f++) {
        bool fits = true;

        if ((pool_base / PAGE_SIZE + f) % align != 0)
            continue;
        for (size_t i = f; i < f + count && fits; i++)
            fits = !m->used[i];
        if (fits) {
            *found = f;
            return true;
        }
    }
    return false;
}

static void model_mark(struct model *m, size_t frame, size_t count, bool used)
{
    for (size_t i = frame; i < frame + count; i++)
        m->used[i] = used;
    m->free_frames = used ? m->free_frames - count : m->free_frames + count;
}

static bool model_all_used(const struct model *m, size_t frame, size_t count)
{
    if (frame >= STRESS_FRAMES || count > STRESS_FRAMES - frame || count == 0)
        return false;
    for (size_t i = frame; i < frame + count; i++) {
        if (!m->used[i])
            return false;
    }
    return true;
}

static void assert_bitmap_matches(const struct region *r, const struct model *m)
{
    assert_int_equal(r->pool.free_frames, m->free_frames);
    for (size_t i = 0; i < STRESS_FRAMES; i++)
        assert_int_equal((r->pool.bitmap[i / 64] >> (i % 64)) & 1, m->used[i]);
}

static void test_random_stress_vs_model(void **state)
{
    static struct model m;
    struct region r;

    (void)state;
    rng_state = 0x5eed5eed5eed5eedULL;
    memset(&m, 0, sizeof(m));
    m.free_frames = STRESS_FRAMES;
    region_init(&r, STRESS_FRAMES + 1);
    assert_int_equal(r.pool.nframes, STRESS_FRAMES);

    for (int step = 0; step < 20000; step++) {
        unsigned int op = (unsigned int)(rng() % 100);

        if (op < 50 && m.nlive < STRESS_LIVE) {
            /* Mostly small, sometimes large; alignments up to 64 frames. */
            size_t count = rng() % 8 ? 1 + rng() % 8 : 1 + rng() % 300;
            size_t align = (size_t)1 << (rng() % 4 ? 0 : rng() % 7);
            size_t expect_frame;
            bool fits = model_find(&m, r.pool.base, count, align, &expect_frame);
            uint64_t addr = page_alloc(&r.pool, count, align);

            if (!fits) {
                assert_int_equal(addr, 0);
                continue;
            }
            assert_int_equal(addr, addr_of(&r, expect_frame));
            model_mark(&m, expect_frame, count, true);
            m.live[m.nlive].frame = expect_frame;
            m.live[m.nlive].count = count;
            m.nlive++;
        } else if (op < 90 && m.nlive > 0) {
            size_t i = (size_t)(rng() % m.nlive);

            assert_int_equal(page_free(&r.pool, addr_of(&r, m.live[i].frame), m.live[i].count), 0);
            model_mark(&m, m.live[i].frame, m.live[i].count, false);
            m.live[i] = m.live[--m.nlive];
        } else {
            /* A random free: accepted exactly when every frame is in use. */
            size_t frame = (size_t)(rng() % (STRESS_FRAMES + 16));
            size_t count = (size_t)(rng() % 20);
            bool valid = model_all_used(&m, frame, count);
            int ret = page_free(&r.pool, addr_of(&r, frame), count);

            assert_int_equal(ret, valid ? 0 : -1);
            if (valid) {
                /* Frames freed behind the model's allocation records: drop
                 * every record they touch and free the rest of those too. */
                model_mark(&m, frame, count, false);
                for (size_t j = 0; j < m.nlive;) {
                    size_t f = m.live[j].frame, n = m.live[j].count;

                    if (f < frame + count && frame < f + n) {
                        for (size_t k = f; k < f + n; k++) {
                            if (m.used[k]) {
                                assert_int_equal(page_free(&r.pool, addr_of(&r, k), 1), 0);
                                model_mark(&m, k, 1, false);
                            }
                        }
                        m.live[j] = m.live[--m.nlive];
                    } else {
                        j++;
                    }
                }
            }
        }
        assert_bitmap_matches(&r, &m);
    }
    region_fini(&r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_init_too_small),
        cmocka_unit_test(test_init_smallest),
        cmocka_unit_test(test_init_bad_arguments),
        cmocka_unit_test(test_init_partial_frame_ignored),
        cmocka_unit_test(test_init_bitmap_at_start),
        cmocka_unit_test(test_init_bitmap_frame_boundary),
        cmocka_unit_test(test_bitmap_frames_never_handed_out),
        cmocka_unit_test(test_alloc_all_then_exhausted),
        cmocka_unit_test(test_alloc_leaves_frame_contents_alone),
        cmocka_unit_test(test_alloc_zero_count),
        cmocka_unit_test(test_alloc_bad_alignment),
        cmocka_unit_test(test_alloc_alignment),
        cmocka_unit_test(test_alloc_alignment_first_fit),
        cmocka_unit_test(test_alloc_alignment_too_large),
        cmocka_unit_test(test_alloc_contiguous),
        cmocka_unit_test(test_alloc_too_large),
        cmocka_unit_test(test_alloc_needs_contiguous_frames),
        cmocka_unit_test(test_first_fit_lowest_hole),
        cmocka_unit_test(test_alloc_across_bitmap_words),
        cmocka_unit_test(test_free_and_reuse),
        cmocka_unit_test(test_double_free_rejected),
        cmocka_unit_test(test_partial_bogus_free_rejected),
        cmocka_unit_test(test_free_out_of_pool),
        cmocka_unit_test(test_free_misaligned),
        cmocka_unit_test(test_free_zero_count),
        cmocka_unit_test(test_free_frames_accounting),
        cmocka_unit_test(test_freed_low_frame_found_first),
        cmocka_unit_test(test_random_stress_vs_model),
    };

    return cmocka_run_group_tests_name("page_alloc", tests, NULL, NULL);
}
