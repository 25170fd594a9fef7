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
#include <arch/svm_child.h>
#include <arch/tsc.h>
#include <arch/vcpu.h>
#include <hv/abi.h>
#include <hv/child.h>
#include <hv/child_vp.h>
#include <hv/hypercall.h>
#include <hv/parent.h>

static struct child_env children;
static volatile int children_lock;
static uint8_t input_copy[MAX_CPUS][HV_PAGE_SIZE] __attribute__((aligned(64)));
static struct hv_message message_out[MAX_CPUS];

static void *identity(uint64_t pa)
{
    return (void *)pa;
}

int parent_hypercalls_init(struct page_pool *heap, const struct memmap *map)
{
    if (child_env_init(&children, heap, map, identity) || svm_child_init(heap))
        return -1;
    children.destroy_vp = child_vp_destroy;
    children.vp_running = child_vp_running;
    return 0;
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

/* Wait until no VP of @p runs with TLB entries from before the last unmap:
 * each one still inside a dispatch is kicked out (or leaves with the
 * parent's next interrupt on its CPU) and flushes when it enters again. */
static void shootdown(struct child_partition *p)
{
    uint64_t gen = p->tlb_generation;

    for (unsigned i = 0; i < HV_MAX_CHILD_VPS; i++) {
        struct child_vp *cvp = p->vps[i];
        int cpu;

        if (!cvp || (cpu = __atomic_load_n(&cvp->run_state, __ATOMIC_SEQ_CST)) < 0)
            continue;
        child_vp_kick(p, cpu);
        while (__atomic_load_n(&cvp->run_state, __ATOMIC_SEQ_CST) == cpu &&
               __atomic_load_n(&cvp->tlb_gen, __ATOMIC_SEQ_CST) != gen)
            __asm__ volatile("pause");
    }
}

/* HVCALL_DISPATCH_VP: the only call that does not hold the lock while it
 * works, since it runs the child for as long as it can. */
static uint16_t dispatch_vp(const struct hypercall *hc, const void *in, size_t in_room,
                            uint64_t out_gpa)
{
    const struct hv_input_dispatch_vp *d = in;
    struct hv_message *msg = &message_out[this_cpu()->cpu_index];
    int me = (int)this_cpu()->cpu_index;
    struct child_vp *cvp;
    uint16_t st;

    st = child_vp_call_dispatch_check(hc, in, in_room, buffer_room(out_gpa));
    if (st != HV_STATUS_SUCCESS)
        return st;
    lock();
    st = child_vp_call_dispatch_claim(&children, in, me, &cvp);
    unlock();
    if (st != HV_STATUS_SUCCESS)
        return st;
    child_vp_dispatch(cvp, d->timer_armed, msg);
    __builtin_memcpy((void *)out_gpa, msg, sizeof(*msg));
    return HV_STATUS_SUCCESS;
}

static uint16_t dispatch(const struct hypercall *hc, const void *in, size_t in_room,
                         uint64_t out_gpa, unsigned *reps_done)
{
    if (hypercall_check_form(hc) != HV_STATUS_SUCCESS)
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
        if (st != HV_STATUS_SUCCESS)
            return st;
        child_vp_partition_init(child_find(&children, out.partition_id), rdtsc(), tsc_khz() * 1000,
                                svm_child_hypercall_insn, &out);
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
        {
            struct child_partition *p = child_find(&children, ((const uint64_t *)in)[0]);
            uint64_t gen = p ? p->tlb_generation : 0;
            uint16_t st =
                child_unmap_gpa_pages(&children, in, hc->rep_start, hc->rep_count, reps_done);

            /* The pages go back to the parent when we return: no VP may still
             * reach them through its TLB. */
            if (p && p->tlb_generation != gen)
                shootdown(p);
            return st;
        }
    case HVCALL_CREATE_VP:
        return child_vp_call_create(&children, in, in_room);
    case HVCALL_GET_VP_REGISTERS:
    case HVCALL_SET_VP_REGISTERS:
        return child_vp_call_registers(&children, hc, in, in_room, (void *)out_gpa,
                                       buffer_room(out_gpa), reps_done);
    case HVCALL_ASSERT_VIRTUAL_INTERRUPT:
        return child_vp_call_assert_interrupt(&children, in, in_room, (void *)out_gpa,
                                              buffer_room(out_gpa));
    case HVCALL_POST_MESSAGE_DIRECT:
        return child_vp_call_post_message(&children, in, in_room, (void *)out_gpa,
                                          buffer_room(out_gpa));
    case HVCALL_SIGNAL_EVENT_DIRECT:
        return child_vp_call_signal_event(&children, in, in_room, (void *)out_gpa,
                                          buffer_room(out_gpa));
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
    if (hc.code == HVCALL_DISPATCH_VP)
        return HV_HYPERCALL_RESULT(dispatch_vp(&hc, copy, room, out_gpa), 0);
    lock();
    st = dispatch(&hc, copy, room, out_gpa, &reps_done);
    unlock();
    return HV_HYPERCALL_RESULT(st, reps_done);
}
