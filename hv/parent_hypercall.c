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

/* A VP of a partition that exists, not running now; NULL with *st set. */
static struct child_vp *idle_vp(uint64_t partition_id, uint32_t index, uint16_t *st)
{
    struct child_partition *p = child_find(&children, partition_id);
    struct child_vp *cvp;

    if (!p) {
        *st = HV_STATUS_INVALID_PARTITION_ID;
        return NULL;
    }
    if (index >= HV_MAX_CHILD_VPS || !(cvp = p->vps[index])) {
        *st = HV_STATUS_INVALID_VP_INDEX;
        return NULL;
    }
    if (child_vp_running(cvp)) {
        *st = HV_STATUS_INVALID_VP_STATE;
        return NULL;
    }
    return cvp;
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

static uint16_t vp_registers(const struct hypercall *hc, const void *in, size_t in_room,
                             uint64_t out_gpa, unsigned *reps_done)
{
    bool set = hc->code == HVCALL_SET_VP_REGISTERS;
    size_t head =
        set ? sizeof(struct hv_input_set_vp_registers) : sizeof(struct hv_input_get_vp_registers);
    size_t each = set ? sizeof(struct hv_register_assoc) : sizeof(uint32_t);
    const struct hv_input_get_vp_registers *g = in; /* same header for both */
    union hv_register_value *out = (union hv_register_value *)out_gpa;
    struct child_vp *cvp;
    uint16_t st = HV_STATUS_SUCCESS;

    if (in_room < head + hc->rep_count * each)
        return HV_STATUS_INVALID_ALIGNMENT;
    if (!set && buffer_room(out_gpa) < hc->rep_count * sizeof(*out))
        return HV_STATUS_INVALID_ALIGNMENT;
    if (g->input_vtl || g->padding[0] || g->padding[1] || g->padding[2])
        return HV_STATUS_INVALID_PARAMETER;
    if (!(cvp = idle_vp(g->partition_id, g->vp_index, &st)))
        return st;
    for (unsigned i = hc->rep_start; i < hc->rep_count; i++) {
        if (set) {
            const struct hv_register_assoc *a =
                &((const struct hv_input_set_vp_registers *)in)->elements[i];

            if (a->reserved1 || a->reserved2)
                return HV_STATUS_INVALID_PARAMETER;
            st = child_vp_set_register(cvp, a->name, &a->value);
        } else {
            union hv_register_value v;

            st = child_vp_get_register(cvp, g->names[i], &v);
            if (st == HV_STATUS_SUCCESS)
                __builtin_memcpy(&out[i], &v, sizeof(v));
        }
        if (st != HV_STATUS_SUCCESS)
            return st;
        *reps_done = i + 1;
    }
    return HV_STATUS_SUCCESS;
}

/* Whether the local APIC @t answers to @dest (physical or logical mode). */
static bool apic_matches(const struct vlapic_target *t, uint64_t dest, bool logical)
{
    if (t->mode == VLAPIC_DISABLED)
        return false;
    if (t->mode == VLAPIC_X2APIC) {
        if (!logical)
            return dest == 0xFFFFFFFF || dest == t->id;
        return (dest >> 16) == (t->ldr >> 16) && (dest & t->ldr & 0xFFFF);
    }
    if (!logical)
        return dest == 0xFF || dest == (t->id & 0xFF);
    if (dest == 0xFF)
        return true;
    if ((t->dfr >> 28) == 0xF) /* flat */
        return (t->ldr >> 24) & dest;
    return ((t->ldr >> 28) == ((dest >> 4) & 0xF)) && ((t->ldr >> 24) & dest & 0xF); /* cluster */
}

static uint16_t assert_interrupt(const void *in, size_t in_room, uint64_t out_gpa)
{
    const struct hv_input_assert_virtual_interrupt *a = in;
    struct hv_output_assert_virtual_interrupt out = {0};
    struct child_partition *p;
    enum vlapic_dm mode;

    if (in_room < sizeof(*a) || buffer_room(out_gpa) < sizeof(out))
        return HV_STATUS_INVALID_ALIGNMENT;
    if (a->reserved || a->target_vtl || a->padding[0] || a->padding[1] || a->padding[2] ||
        a->level_triggered > 1 || a->logical_dest > 1 || a->vector > 255)
        return HV_STATUS_INVALID_PARAMETER;
    switch (a->interrupt_type) {
    case HV_INTERRUPT_TYPE_FIXED:
        if (a->vector < 16)
            return HV_STATUS_INVALID_PARAMETER;
        mode = VLAPIC_DM_FIXED;
        break;
    case HV_INTERRUPT_TYPE_NMI:
        mode = VLAPIC_DM_NMI;
        break;
    case HV_INTERRUPT_TYPE_INIT:
        mode = VLAPIC_DM_INIT;
        break;
    case HV_INTERRUPT_TYPE_SIPI:
        mode = VLAPIC_DM_STARTUP;
        break;
    default:
        return HV_STATUS_INVALID_PARAMETER;
    }
    if (!(p = child_find(&children, a->partition_id)))
        return HV_STATUS_INVALID_PARTITION_ID;
    for (unsigned i = 0; i < HV_MAX_CHILD_VPS; i++) {
        struct vlapic_target t;

        if (!p->vps[i])
            continue;
        vlapic_target_info(&p->vps[i]->vlapic, &t);
        if (apic_matches(&t, a->dest_address, a->logical_dest) &&
            child_vp_post(p, i, mode, (uint8_t)a->vector))
            out.wake_vps |= 1ULL << i;
    }
    __builtin_memcpy((void *)out_gpa, &out, sizeof(out));
    return HV_STATUS_SUCCESS;
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
    uint16_t st = HV_STATUS_SUCCESS;

    if (hc->fast || hc->varhead_qwords || hc->rep_count || hc->rep_start)
        return HV_STATUS_INVALID_HYPERCALL_INPUT;
    if (in_room < sizeof(*d) || d->nregs > HV_DISPATCH_VP_MAX_REGS ||
        in_room < sizeof(*d) + d->nregs * sizeof(struct hv_register_assoc) ||
        buffer_room(out_gpa) < sizeof(*msg))
        return HV_STATUS_INVALID_ALIGNMENT;
    if (d->flags)
        return HV_STATUS_INVALID_PARAMETER;
    lock();
    if (!(cvp = idle_vp(d->partition_id, d->vp_index, &st))) {
        unlock();
        return st;
    }
    for (unsigned i = 0; i < d->nregs && st == HV_STATUS_SUCCESS; i++)
        st = d->regs[i].reserved1 || d->regs[i].reserved2
                 ? HV_STATUS_INVALID_PARAMETER
                 : child_vp_set_register(cvp, d->regs[i].name, &d->regs[i].value);
    if (st == HV_STATUS_SUCCESS)
        __atomic_store_n(&cvp->run_state, me, __ATOMIC_SEQ_CST);
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
    /* Rep calls say how many elements follow the header; plain ones take
     * none, and a rep count on them is a malformed call. */
    bool rep = hc->code == HVCALL_MAP_GPA_PAGES || hc->code == HVCALL_UNMAP_GPA_PAGES ||
               hc->code == HVCALL_GET_VP_REGISTERS || hc->code == HVCALL_SET_VP_REGISTERS;

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
    case HVCALL_CREATE_VP: {
        const struct hv_input_create_vp *cv = in;
        struct child_partition *p;

        if (in_room < sizeof(*cv))
            return HV_STATUS_INVALID_ALIGNMENT;
        if (cv->padding || cv->flags)
            return HV_STATUS_INVALID_PARAMETER;
        if (!(p = child_find(&children, cv->partition_id)))
            return HV_STATUS_INVALID_PARTITION_ID;
        return child_vp_create(&children, p, cv->vp_index);
    }
    case HVCALL_GET_VP_REGISTERS:
    case HVCALL_SET_VP_REGISTERS:
        return vp_registers(hc, in, in_room, out_gpa, reps_done);
    case HVCALL_ASSERT_VIRTUAL_INTERRUPT:
        return assert_interrupt(in, in_room, out_gpa);
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
