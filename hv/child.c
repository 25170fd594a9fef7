/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Child partitions and the pages they are given (see hv/include/hv/child.h).
 *
 * Every value here comes from the parent's hypercalls: ids, counts, page
 * numbers and flags are all checked before use.  Ownership is one byte per
 * physical page of RAM (the slot of the child that has it, plus one), so a
 * page can never be in two children, and deleting a child finds every page
 * it had without walking its tables.
 */
#include <hv/child.h>

#define PFN_LIMIT (HV_CHILD_GPA_LIMIT >> 12) /* also bounds source page numbers */

static uint64_t slat_alloc(void *ctx)
{
    struct child_env *env = ctx;
    uint64_t pa = page_alloc(env->pool, 1, 1);

    if (pa)
        __builtin_memset(env->to_virt(pa), 0, PAGE_SIZE);
    return pa;
}

static void slat_free(void *ctx, uint64_t pa)
{
    struct child_env *env = ctx;

    page_free(env->pool, pa, 1);
}

static void *slat_to_virt(void *ctx, uint64_t pa)
{
    struct child_env *env = ctx;

    return env->to_virt(pa);
}

static bool parent_ram_type(uint32_t type)
{
    return type == MEM_USABLE || type == MEM_MODULE;
}

int child_env_init(struct child_env *env, struct page_pool *pool, const struct memmap *map,
                   void *(*to_virt)(uint64_t pa))
{
    uint64_t top = 0, pages;
    uint64_t pa;

    __builtin_memset(env, 0, sizeof(*env));
    env->pool = pool;
    env->map = map;
    env->to_virt = to_virt;
    env->next_id = 1;
    for (size_t i = 0; i < map->count; i++)
        if (parent_ram_type(map->ranges[i].type) && map->ranges[i].end > top)
            top = map->ranges[i].end;
    env->owned_top = top & ~(PAGE_SIZE - 1);
    pages = (env->owned_top / PAGE_SIZE + PAGE_SIZE - 1) / PAGE_SIZE;
    if (!pages)
        pages = 1;
    pa = page_alloc(pool, pages, 1);
    if (!pa)
        return -1;
    env->owner = to_virt(pa);
    __builtin_memset(env->owner, 0, pages * PAGE_SIZE);
    return 0;
}

bool child_page_is_parent_ram(const struct child_env *env, uint64_t pa)
{
    if (pa & (PAGE_SIZE - 1) || pa >= env->owned_top)
        return false;
    for (size_t i = 0; i < env->map->count; i++) {
        const struct mem_range *r = &env->map->ranges[i];

        if (pa >= r->base && pa + PAGE_SIZE <= r->end)
            return parent_ram_type(r->type);
    }
    return false;
}

struct child_partition *child_find(struct child_env *env, uint64_t id)
{
    for (unsigned i = 0; i < HV_MAX_CHILD_PARTITIONS; i++)
        if (env->parts[i].state != CHILD_FREE && env->parts[i].id == id)
            return &env->parts[i];
    return NULL;
}

static uint8_t slot_tag(const struct child_env *env, const struct child_partition *p)
{
    return (uint8_t)(p - env->parts) + 1;
}

uint16_t child_create(struct child_env *env, const struct hv_input_create_partition *in,
                      uint64_t *id)
{
    const struct slat_mm mm = {slat_alloc, slat_free, slat_to_virt, env};
    struct child_partition *p = NULL;

    if (in->flags || in->max_vps == 0 || in->max_vps > HV_MAX_CHILD_VPS)
        return HV_STATUS_INVALID_PARAMETER;
    if (in->kick_vector && (in->kick_vector < 32 || in->kick_vector > 255))
        return HV_STATUS_INVALID_PARAMETER;
    for (unsigned i = 0; i < HV_MAX_CHILD_PARTITIONS && !p; i++)
        if (env->parts[i].state == CHILD_FREE)
            p = &env->parts[i];
    if (!p)
        return HV_STATUS_INSUFFICIENT_MEMORY;
    if (slat_init(&p->slat, SLAT_NPT, &mm))
        return HV_STATUS_INSUFFICIENT_MEMORY;
    /* Ids are never reused: a stale id held by a crashed worker cannot name
     * a partition created after it. */
    p->id = env->next_id++;
    p->max_vps = in->max_vps;
    p->kick_vector = (uint8_t)in->kick_vector;
    p->mapped_pages = 0;
    p->tlb_generation = 0;
    p->state = CHILD_CREATED;
    *id = p->id;
    return HV_STATUS_SUCCESS;
}

uint16_t child_delete(struct child_env *env, uint64_t id)
{
    struct child_partition *p = child_find(env, id);
    uint8_t tag;

    if (!p)
        return HV_STATUS_INVALID_PARTITION_ID;
    /* Not while one of its VPs runs on some CPU: its tables are in use. */
    for (unsigned i = 0; i < HV_MAX_CHILD_VPS; i++)
        if (p->vps[i] && env->vp_running && env->vp_running(p->vps[i]))
            return HV_STATUS_INVALID_PARTITION_STATE;
    for (unsigned i = 0; i < HV_MAX_CHILD_VPS; i++)
        if (p->vps[i] && env->destroy_vp)
            env->destroy_vp(env, p->vps[i]);
    tag = slot_tag(env, p);
    for (uint64_t pfn = 0; pfn < env->owned_top / PAGE_SIZE; pfn++)
        if (env->owner[pfn] == tag)
            env->owner[pfn] = 0;
    slat_destroy(&p->slat);
    __builtin_memset(p, 0, sizeof(*p));
    return HV_STATUS_SUCCESS;
}

static uint16_t check_range(uint64_t first_page, unsigned count)
{
    if (first_page >= PFN_LIMIT || count > PFN_LIMIT - first_page)
        return HV_STATUS_INVALID_PARAMETER;
    return HV_STATUS_SUCCESS;
}

uint16_t child_map_gpa_pages(struct child_env *env, const struct hv_input_map_gpa_pages *in,
                             unsigned start, unsigned count, unsigned *done)
{
    struct child_partition *p = child_find(env, in->partition_id);
    unsigned attrs = SLAT_R | SLAT_NO_LARGE;
    uint16_t st;

    *done = start;
    if (!p)
        return HV_STATUS_INVALID_PARTITION_ID;
    /* NPT cannot express a page that is writable or executable but not
     * readable, so the parent must ask for read access. */
    if (in->map_flags & ~HV_MAP_GPA_PERMISSIONS_MASK || !(in->map_flags & HV_MAP_GPA_READABLE))
        return HV_STATUS_INVALID_PARAMETER;
    if ((st = check_range(in->target_gpa_page, count)) != HV_STATUS_SUCCESS)
        return st;
    if (in->map_flags & HV_MAP_GPA_WRITABLE)
        attrs |= SLAT_W;
    if (in->map_flags & (HV_MAP_GPA_KERNEL_EXECUTABLE | HV_MAP_GPA_USER_EXECUTABLE))
        attrs |= SLAT_X;

    for (unsigned i = start; i < count; i++) {
        uint64_t pfn = in->source_pfn[i];
        uint64_t gpa = (in->target_gpa_page + i) * PAGE_SIZE;

        if (pfn >= PFN_LIMIT || !child_page_is_parent_ram(env, pfn * PAGE_SIZE))
            return HV_STATUS_ACCESS_DENIED;
        /* One child per page, one place per child: a second mapping would
         * outlive the first one's unmap and keep the page reachable. */
        if (env->owner[pfn])
            return env->owner[pfn] == slot_tag(env, p) ? HV_STATUS_OBJECT_IN_USE
                                                       : HV_STATUS_ACCESS_DENIED;
        if (!slat_lookup(&p->slat, gpa, NULL, NULL, NULL))
            return HV_STATUS_OBJECT_IN_USE;
        if (slat_map(&p->slat, gpa, pfn * PAGE_SIZE, PAGE_SIZE, attrs))
            return HV_STATUS_INSUFFICIENT_MEMORY;
        env->owner[pfn] = slot_tag(env, p);
        p->mapped_pages++;
        *done = i + 1;
    }
    return HV_STATUS_SUCCESS;
}

uint16_t child_unmap_gpa_pages(struct child_env *env, const struct hv_input_unmap_gpa_pages *in,
                               unsigned start, unsigned count, unsigned *done)
{
    struct child_partition *p = child_find(env, in->partition_id);
    uint16_t st;

    *done = start;
    if (!p)
        return HV_STATUS_INVALID_PARTITION_ID;
    if (in->unmap_flags)
        return HV_STATUS_INVALID_PARAMETER;
    if ((st = check_range(in->target_gpa_page, count)) != HV_STATUS_SUCCESS)
        return st;
    for (unsigned i = start; i < count; i++) {
        uint64_t gpa = (in->target_gpa_page + i) * PAGE_SIZE, hpa;

        if (!slat_lookup(&p->slat, gpa, &hpa, NULL, NULL)) {
            if (slat_unmap(&p->slat, gpa, PAGE_SIZE))
                return HV_STATUS_INSUFFICIENT_MEMORY;
            env->owner[hpa / PAGE_SIZE] = 0;
            p->mapped_pages--;
            /* The VPs flush their TLB before they run again. */
            p->tlb_generation++;
        }
        *done = i + 1;
    }
    return HV_STATUS_SUCCESS;
}
