/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Second-level address translation tables (AMD NPT, Intel EPT): building,
 * splitting and tearing down the 4-level guest-physical maps of a partition.
 * API and consistency rules in hv/include/hv/slat.h.  Freestanding: no libc.
 *
 * Levels are numbered from the leaves: 0 = 4 KiB entries (PT), 1 = 2 MiB (PD),
 * 2 = 1 GiB (PDPT), 3 = the root (PML4), which never holds leaves.
 */
#include <stdbool.h>
#include <stdint.h>

#include <hv/slat.h>

#define TOP_LEVEL 3
#define ENTRIES   512
#define ADDR_MASK 0x000ffffffffff000ULL /* bits 12-51 */
#define LARGE     0x80ULL               /* PS (NPT) and "large page" (EPT): levels 1 and 2 */

/* NPT: the long-mode page-table format */
#define NPT_P   0x01ULL
#define NPT_RW  0x02ULL
#define NPT_US  0x04ULL /* the CPU walks NPT as user accesses: set at every level */
#define NPT_PWT 0x08ULL
#define NPT_PCD 0x10ULL
#define NPT_NX  (1ULL << 63)

/* EPT: read, write, execute in bits 0-2, leaf memory type in bits 3-5 */
#define EPT_MT_SHIFT 3
#define EPT_MT_UC    0ULL
#define EPT_MT_WB    6ULL

#define PERMS (SLAT_R | SLAT_W | SLAT_X)

static inline uint64_t span(int level)
{
    return 1ULL << (12 + 9 * level);
}

static inline unsigned index_of(uint64_t gpa, int level)
{
    return (gpa >> (12 + 9 * level)) & (ENTRIES - 1);
}

static inline uint64_t *table_at(const struct slat *s, uint64_t pa)
{
    return s->mm.to_virt(s->mm.ctx, pa);
}

/* One store, so a concurrent hardware walk never sees half an entry, and
 * release order, so it sees a new table's contents before the table. */
static inline void set_entry(uint64_t *e, uint64_t v)
{
    __atomic_store_n(e, v, __ATOMIC_RELEASE);
}

/* Only 0 or complete entries are ever written, and the CPU sets accessed and
 * dirty bits only in present entries, so zero is the one not-present value. */
static inline bool is_leaf(uint64_t e, int level)
{
    return level == 0 || (level < TOP_LEVEL && (e & LARGE));
}

static inline bool is_table(uint64_t e, int level)
{
    return e && !is_leaf(e, level);
}

/* Non-leaf entries grant everything; the leaf decides.  P|RW|US for NPT and
 * R|W|X for EPT happen to be the same three bits. */
static inline uint64_t table_entry(uint64_t pa)
{
    return pa | 7;
}

static uint64_t leaf_entry(const struct slat *s, int level, uint64_t hpa, unsigned attrs)
{
    uint64_t e = hpa | (level ? LARGE : 0);

    if (s->fmt == SLAT_EPT)
        return e | (attrs & PERMS) | ((attrs & SLAT_UC) ? EPT_MT_UC : EPT_MT_WB) << EPT_MT_SHIFT;
    e |= NPT_P | NPT_US;
    if (attrs & SLAT_W)
        e |= NPT_RW;
    if (!(attrs & SLAT_X))
        e |= NPT_NX;
    if (attrs & SLAT_UC)
        e |= NPT_PCD | NPT_PWT;
    return e;
}

static unsigned leaf_attrs(const struct slat *s, uint64_t e)
{
    if (s->fmt == SLAT_EPT)
        return (e & PERMS) | (((e >> EPT_MT_SHIFT) & 7) == EPT_MT_UC ? SLAT_UC : 0);
    return SLAT_R | ((e & NPT_RW) ? SLAT_W : 0) | ((e & NPT_NX) ? 0 : SLAT_X) |
           ((e & NPT_PCD) ? SLAT_UC : 0);
}

static inline uint64_t leaf_hpa(uint64_t e, int level)
{
    return e & ADDR_MASK & ~(span(level) - 1);
}

/* Free the table at @pa (of @level) and every table below it. */
static void free_tables(struct slat *s, uint64_t pa, int level)
{
    const uint64_t *t = table_at(s, pa);

    for (unsigned i = 0; level > 0 && i < ENTRIES; i++)
        if (is_table(t[i], level))
            free_tables(s, t[i] & ADDR_MASK, level - 1);
    s->mm.free_page(s->mm.ctx, pa);
}

/*
 * Give the empty or large-leaf entry @e of @level a table of the level below:
 * a large leaf becomes 512 smaller leaves with the same mapping.  The table is
 * complete before @e points to it, so a failure changes nothing.
 */
static int expand(struct slat *s, uint64_t *e, int level)
{
    uint64_t old = *e, pa = s->mm.alloc_page(s->mm.ctx);
    uint64_t *t;

    if (!pa)
        return SLAT_ENOMEM;
    t = table_at(s, pa);
    if (old) {
        uint64_t hpa = leaf_hpa(old, level);
        unsigned attrs = leaf_attrs(s, old);

        for (unsigned i = 0; i < ENTRIES; i++)
            t[i] = leaf_entry(s, level - 1, hpa + i * span(level - 1), attrs);
    }
    set_entry(e, table_entry(pa));
    return 0;
}

static bool table_empty(const uint64_t *t)
{
    for (unsigned i = 0; i < ENTRIES; i++)
        if (t[i])
            return false;
    return true;
}

/*
 * Map (attrs != 0) or unmap (attrs == 0) [gpa, end) within the table at
 * @table_pa of @level.  An entry wholly covered becomes a leaf (or empty)
 * when its level allows; otherwise the walk goes down, creating or splitting
 * the table below first.
 */
static int apply(struct slat *s, uint64_t table_pa, int level, uint64_t gpa, uint64_t end,
                 uint64_t hpa, unsigned attrs, int max_leaf)
{
    uint64_t *t = table_at(s, table_pa), size = span(level);

    while (gpa < end) {
        uint64_t *e = &t[index_of(gpa, level)], old = *e;
        uint64_t next = (gpa & ~(size - 1)) + size;
        uint64_t stop = next < end ? next : end;
        int rc = 0;

        if (stop == next && !(gpa & (size - 1)) &&
            (!attrs || (level <= max_leaf && !(hpa & (size - 1))))) {
            /* The new entry first, so the old subtree is unreachable when freed. */
            set_entry(e, attrs ? leaf_entry(s, level, hpa, attrs) : 0);
            if (is_table(old, level))
                free_tables(s, old & ADDR_MASK, level - 1);
        } else if (attrs || old) {
            if (!is_table(old, level))
                rc = expand(s, e, level);
            if (!rc)
                rc = apply(s, *e & ADDR_MASK, level - 1, gpa, stop, hpa, attrs, max_leaf);
            /* Drop a table an unmap emptied, or a new one a failure left empty. */
            if ((!attrs || rc) && is_table(*e, level) && table_empty(table_at(s, *e & ADDR_MASK))) {
                uint64_t sub = *e & ADDR_MASK;

                set_entry(e, 0);
                s->mm.free_page(s->mm.ctx, sub);
            }
            if (rc)
                return rc;
        }
        hpa += stop - gpa;
        gpa = stop;
    }
    return 0;
}

static bool range_ok(uint64_t addr, uint64_t size, uint64_t limit)
{
    return !(addr & 0xfff) && !(size & 0xfff) && size && addr < limit && size <= limit - addr;
}

int slat_init(struct slat *s, enum slat_format fmt, const struct slat_mm *mm)
{
    if (!s || !mm || !mm->alloc_page || !mm->free_page || !mm->to_virt ||
        (fmt != SLAT_NPT && fmt != SLAT_EPT))
        return SLAT_EINVAL;
    s->fmt = fmt;
    s->mm = *mm;
    s->root = mm->alloc_page(mm->ctx);
    return s->root ? 0 : SLAT_ENOMEM;
}

int slat_map(struct slat *s, uint64_t gpa, uint64_t hpa, uint64_t size, unsigned attrs)
{
    unsigned perms = attrs & PERMS;
    int max_leaf = (attrs & SLAT_NO_LARGE) ? 0 : (attrs & SLAT_NO_1G) ? 1 : 2;

    if (!range_ok(gpa, size, SLAT_GPA_LIMIT) || !range_ok(hpa, size, SLAT_HPA_LIMIT))
        return SLAT_EINVAL;
    /* Unknown bits, nothing granted (that is slat_unmap), write without
     * read (neither format has it), execute-only (EPT only). */
    if ((attrs & ~(PERMS | SLAT_UC | SLAT_NO_LARGE | SLAT_NO_1G)) || !perms ||
        ((perms & SLAT_W) && !(perms & SLAT_R)) || (s->fmt == SLAT_NPT && !(perms & SLAT_R)))
        return SLAT_EINVAL;
    return apply(s, s->root, TOP_LEVEL, gpa, gpa + size, hpa, attrs & (PERMS | SLAT_UC), max_leaf);
}

int slat_unmap(struct slat *s, uint64_t gpa, uint64_t size)
{
    if (!range_ok(gpa, size, SLAT_GPA_LIMIT))
        return SLAT_EINVAL;
    return apply(s, s->root, TOP_LEVEL, gpa, gpa + size, 0, 0, 0);
}

int slat_lookup(const struct slat *s, uint64_t gpa, uint64_t *hpa, unsigned *attrs,
                uint64_t *leaf_size)
{
    uint64_t pa = s->root;

    if (gpa >= SLAT_GPA_LIMIT)
        return -1;
    for (int level = TOP_LEVEL;; level--) {
        uint64_t e = table_at(s, pa)[index_of(gpa, level)];

        if (!e)
            return -1;
        if (is_leaf(e, level)) {
            if (hpa)
                *hpa = leaf_hpa(e, level) | (gpa & (span(level) - 1));
            if (attrs)
                *attrs = leaf_attrs(s, e);
            if (leaf_size)
                *leaf_size = span(level);
            return 0;
        }
        pa = e & ADDR_MASK;
    }
}

uint64_t slat_hw_root(const struct slat *s)
{
    /* EPTP: memory type in bits 0-2, walk length - 1 in bits 3-5. */
    return s->fmt == SLAT_EPT ? s->root | (3 << 3) | EPT_MT_WB : s->root;
}

void slat_destroy(struct slat *s)
{
    if (s->root)
        free_tables(s, s->root, TOP_LEVEL);
    s->root = 0;
}
