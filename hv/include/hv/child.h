/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Child partitions as the hypervisor keeps them: a table of partitions with
 * a lifecycle, each with its own SLAT, and a record of which physical pages
 * are mapped into a child.  A page can be given to a child only if it is RAM
 * the parent owns (usable or boot-module RAM in the memory map: never the
 * hypervisor's memory, the trampoline, the parent's boot pages, firmware or
 * MMIO) and no child has it already.  The parent keeps its own access to the
 * page (its worker emulates devices in guest memory).
 *
 * Pure logic over an environment (heap, memory map, physical-to-virtual
 * translation) so that the unit tests run it on the host.
 */
#ifndef HV_CHILD_H
#define HV_CHILD_H

#include <stdbool.h>
#include <stdint.h>

#include <hv/abi.h>
#include <hv/enlighten.h>
#include <hv/memmap.h>
#include <hv/page_alloc.h>
#include <hv/slat.h>
#include <hv/vlapic.h>

struct child_vp;

enum child_state {
    CHILD_FREE = 0,
    CHILD_CREATED, /* memory can be mapped; VPs come next */
};

struct child_partition {
    uint64_t id;
    enum child_state state;
    uint32_t max_vps;
    uint8_t kick_vector; /* 0: none */
    struct slat slat;
    uint64_t mapped_pages;
    uint64_t tlb_generation; /* bumped whenever a mapping is removed or changed */
    struct child_vp *vps[HV_MAX_CHILD_VPS];
    struct vlapic_bus apic_bus;       /* the VPs' local APICs as IPIs see them */
    struct enlight_partition enlight; /* the Hyper-V MSRs shared by its VPs */
    struct guest_mem mem;             /* its RAM, for the SynIC and the hypercalls */
};

struct child_env {
    struct page_pool *pool;
    const struct memmap *map;
    void *(*to_virt)(uint64_t pa);
    uint8_t *owner;     /* per 4 KiB page below owned_top: 0, or the owning slot + 1 */
    uint64_t owned_top; /* exclusive */
    uint64_t next_id;
    /* Frees a VP when its partition is deleted (NULL in test_child.c,
     * which creates none). */
    void (*destroy_vp)(struct child_env *env, struct child_vp *vp);
    bool (*vp_running)(const struct child_vp *vp);
    struct child_partition parts[HV_MAX_CHILD_PARTITIONS];
};

/* Set up @env over all RAM in @map; the page-ownership bitmap comes from
 * @pool.  0, or -1 if the pool cannot hold it. */
int child_env_init(struct child_env *env, struct page_pool *pool, const struct memmap *map,
                   void *(*to_virt)(uint64_t pa));

/* Whether @pa is a page of RAM the parent owns and may give to a child. */
bool child_page_is_parent_ram(const struct child_env *env, uint64_t pa);

/* The hypercalls.  Each returns an HV_STATUS_*; the rep calls report in
 * *done how many reps (from @start) completed before an error. */
uint16_t child_create(struct child_env *env, const struct hv_input_create_partition *in,
                      uint64_t *id);
uint16_t child_delete(struct child_env *env, uint64_t id);
uint16_t child_map_gpa_pages(struct child_env *env, const struct hv_input_map_gpa_pages *in,
                             unsigned start, unsigned count, unsigned *done);
uint16_t child_unmap_gpa_pages(struct child_env *env, const struct hv_input_unmap_gpa_pages *in,
                               unsigned start, unsigned count, unsigned *done);

struct child_partition *child_find(struct child_env *env, uint64_t id);

#endif
