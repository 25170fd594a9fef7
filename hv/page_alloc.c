/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The hypervisor's physical page allocator: one bit per 4 KiB frame, first
 * fit.  The bitmap lives in the first frames of the region it manages, and
 * those frames are left out of the pool.  Freestanding: no libc beyond the
 * compiler's builtins.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <hv/page_alloc.h>

#define BITS_PER_WORD           64
#define FRAMES_PER_BITMAP_FRAME (PAGE_SIZE * 8) /* frames one bitmap frame describes */

/* First frame in [from, limit) whose bit is @in_use, or limit if none.
 * Whole words are skipped at once: a pool is mostly all-used or all-free. */
static size_t find_frame(const struct page_pool *pool, size_t from, size_t limit, bool in_use)
{
    size_t frame = from;

    while (frame < limit) {
        size_t word_start = frame - frame % BITS_PER_WORD;
        uint64_t word = pool->bitmap[frame / BITS_PER_WORD];

        if (!in_use)
            word = ~word;
        word &= ~0ULL << (frame % BITS_PER_WORD);
        if (word) {
            size_t hit = word_start + (size_t)__builtin_ctzll(word);

            return hit < limit ? hit : limit;
        }
        frame = word_start + BITS_PER_WORD;
    }
    return limit;
}

static void mark_frames(struct page_pool *pool, size_t first, size_t count, bool in_use)
{
    while (count) {
        size_t shift = first % BITS_PER_WORD;
        size_t n = BITS_PER_WORD - shift;
        uint64_t mask;

        if (n > count)
            n = count;
        mask = (n == BITS_PER_WORD ? ~0ULL : (1ULL << n) - 1) << shift;
        if (in_use)
            pool->bitmap[first / BITS_PER_WORD] |= mask;
        else
            pool->bitmap[first / BITS_PER_WORD] &= ~mask;
        first += n;
        count -= n;
    }
}

int page_pool_init(struct page_pool *pool, uint64_t base, void *mem, uint64_t size)
{
    uint64_t total, bitmap_frames;

    if (!pool || !mem || base % PAGE_SIZE != 0 || (uintptr_t)mem % sizeof(uint64_t) != 0)
        return -1;
    total = size / PAGE_SIZE; /* a partial last frame is left alone */
    if (total > (UINT64_MAX - base) / PAGE_SIZE)
        return -1; /* the region would wrap around the address space */

    /*
     * With b bitmap frames and n managed frames we need n + b <= total and
     * n <= FRAMES_PER_BITMAP_FRAME * b.  The smallest such b,
     * ceil(total / (FRAMES_PER_BITMAP_FRAME + 1)), leaves the most frames to
     * manage: n = total - b.
     */
    bitmap_frames = (total + FRAMES_PER_BITMAP_FRAME) / (FRAMES_PER_BITMAP_FRAME + 1);
    if (total <= bitmap_frames || total - bitmap_frames > SIZE_MAX)
        return -1;

    pool->nframes = (size_t)(total - bitmap_frames);
    pool->base = base + bitmap_frames * PAGE_SIZE;
    pool->bitmap = mem;
    pool->free_frames = pool->nframes;
    pool->hint = 0;
    __builtin_memset(pool->bitmap, 0,
                     (pool->nframes + BITS_PER_WORD - 1) / BITS_PER_WORD * sizeof(uint64_t));
    return 0;
}

/*
 * The hint is the lowest frame that may be free (every frame below it is in
 * use), so starting the search there skips the full front of the pool while
 * still returning exactly what a first-fit search from frame 0 would.
 *
 * The pool's first frame lies after the bitmap, so it is never at physical
 * address 0 and 0 can mean failure.
 */
uint64_t page_alloc(struct page_pool *pool, size_t count, size_t align_frames)
{
    uint64_t base_pfn;
    size_t frame;

    if (!pool || count == 0 || count > pool->free_frames || align_frames == 0 ||
        (align_frames & (align_frames - 1)) != 0)
        return 0;

    /* The alignment is of the physical address, not of the index in the
     * pool: the pool's base is only page aligned. */
    base_pfn = pool->base / PAGE_SIZE;
    frame = find_frame(pool, pool->hint, pool->nframes, false);
    pool->hint = frame; /* everything in between was found in use */
    for (;;) {
        size_t misalign, used;

        misalign = (size_t)((base_pfn + frame) & (align_frames - 1));
        if (misalign) {
            if (align_frames - misalign > pool->nframes - frame)
                return 0;
            frame += align_frames - misalign;
        }
        if (count > pool->nframes - frame)
            return 0;
        used = find_frame(pool, frame, frame + count, true);
        if (used == frame + count)
            break;
        frame = find_frame(pool, used + 1, pool->nframes, false);
    }

    mark_frames(pool, frame, count, true);
    pool->free_frames -= count;
    if (frame == pool->hint)
        pool->hint = frame + count;
    return pool->base + (uint64_t)frame * PAGE_SIZE;
}

int page_free(struct page_pool *pool, uint64_t addr, size_t count)
{
    uint64_t offset;
    size_t frame;

    /* Freeing nothing is not something page_alloc() could have handed out. */
    if (!pool || count == 0 || addr % PAGE_SIZE != 0 || addr < pool->base)
        return -1;
    offset = (addr - pool->base) / PAGE_SIZE;
    if (offset >= pool->nframes || count > pool->nframes - (size_t)offset)
        return -1;
    frame = (size_t)offset;

    /* Check everything before changing anything: a double or bogus free
     * must leave the pool exactly as it was. */
    if (find_frame(pool, frame, frame + count, false) != frame + count)
        return -1;

    mark_frames(pool, frame, count, false);
    pool->free_frames += count;
    if (frame < pool->hint)
        pool->hint = frame;
    return 0;
}
