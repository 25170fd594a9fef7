/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Hypercalls from the parent partition: the management interface for child
 * partitions (hv/include/hv/abi.h, docs/abi.md).
 *
 * Only the parent's kernel may call (CPL 0: a user process gets #UD, as on
 * Hyper-V).  The input is copied out of the parent's page into a per-CPU
 * buffer before anything looks at it, so the parent cannot change it under
 * the hypervisor's feet on another CPU; every size, address and count is
 * checked against that copy.  Calls from different CPUs are serialized by
 * one lock: management calls are rare, and the hot path (running VPs) will
 * not take it.
 */
#include <arch/percpu.h>
#include <arch/vcpu.h>
#include <hv/abi.h>
#include <hv/child.h>
#include <hv/hypercall.h>
#include <hv/parent.h>

static struct child_env children;
static volatile int children_lock;
static uint8_t input_copy[MAX_CPUS][HV_PAGE_SIZE] __attribute__((aligned(64)));

static void *identity(uint64_t pa)
{
    return (void *)pa;
}

int parent_hypercalls_init(struct page_pool *heap, const struct memmap *map)
{
    return child_env_init(&children, heap, map, identity);
}

static void lock(void)
{
    while (__atomic_exchange_n(&children_lock, 1, __ATOMIC_ACQUIRE))
        __asm__ volatile("pause");
}

static void unlock(void)
{
    __atomic_store_n(&children_lock, 0, __ATOMIC_RELEASE);
}

/* An input or output buffer in the parent: 8-byte aligned, inside one page
 * of the parent's RAM.  Returns how many bytes remain in that page, or 0. */
static size_t buffer_room(uint64_t gpa)
{
    if (gpa & 7 || !child_page_is_parent_ram(&children, gpa & ~(uint64_t)(HV_PAGE_SIZE - 1)))
        return 0;
    return HV_PAGE_SIZE - (gpa & (HV_PAGE_SIZE - 1));
}

static uint16_t dispatch(const struct hypercall *hc, const void *in, size_t in_room,
                         uint64_t out_gpa, unsigned *reps_done)
{
    /* Rep calls say how many elements follow the header; plain ones take
     * none, and a rep count on them is a malformed call. */
    bool rep = hc->code == HVCALL_MAP_GPA_PAGES || hc->code == HVCALL_UNMAP_GPA_PAGES;

    if (hc->fast || hc->varhead_qwords || (!rep && (hc->rep_count || hc->rep_start)))
        return HV_STATUS_INVALID_HYPERCALL_INPUT;
    switch (hc->code) {
    case HVCALL_CREATE_PARTITION: {
        struct hv_output_create_partition out;
        uint16_t st;

        if (in_room < sizeof(struct hv_input_create_partition))
            return HV_STATUS_INVALID_ALIGNMENT;
        if (buffer_room(out_gpa) < sizeof(out))
            return HV_STATUS_INVALID_ALIGNMENT;
        st = child_create(&children, in, &out.partition_id);
        if (st == HV_STATUS_SUCCESS)
            __builtin_memcpy((void *)out_gpa, &out, sizeof(out));
        return st;
    }
    case HVCALL_DELETE_PARTITION:
        if (in_room < sizeof(struct hv_input_delete_partition))
            return HV_STATUS_INVALID_ALIGNMENT;
        return child_delete(&children,
                            ((const struct hv_input_delete_partition *)in)->partition_id);
    case HVCALL_MAP_GPA_PAGES:
        if (in_room < sizeof(struct hv_input_map_gpa_pages) + hc->rep_count * sizeof(uint64_t))
            return HV_STATUS_INVALID_ALIGNMENT; /* the list would cross the page */
        return child_map_gpa_pages(&children, in, hc->rep_start, hc->rep_count, reps_done);
    case HVCALL_UNMAP_GPA_PAGES:
        if (in_room < sizeof(struct hv_input_unmap_gpa_pages))
            return HV_STATUS_INVALID_ALIGNMENT;
        return child_unmap_gpa_pages(&children, in, hc->rep_start, hc->rep_count, reps_done);
    default:
        return HV_STATUS_INVALID_HYPERCALL_CODE;
    }
}

uint64_t parent_hypercall(struct vp *vp, uint64_t control, uint64_t in_gpa, uint64_t out_gpa)
{
    struct hypercall hc;
    unsigned reps_done = 0;
    size_t room;
    uint16_t st;

    (void)vp;
    st = hypercall_decode(control, &hc);
    if (st != HV_STATUS_SUCCESS)
        return HV_HYPERCALL_RESULT(st, 0);
    reps_done = hc.rep_start;
    room = buffer_room(in_gpa);
    if (!room)
        return HV_HYPERCALL_RESULT(HV_STATUS_INVALID_ALIGNMENT, reps_done);

    uint8_t *copy = input_copy[this_cpu()->cpu_index];
    __builtin_memcpy(copy, (const void *)in_gpa, room);
    lock();
    st = dispatch(&hc, copy, room, out_gpa, &reps_done);
    unlock();
    return HV_HYPERCALL_RESULT(st, reps_done);
}
