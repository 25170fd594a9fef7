/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Child VPs: creation, register access, interrupts posted from any CPU, and
 * the checks of the parent's VP calls (see hv/include/hv/child_vp.h).  The
 * run loop is the CPU vendor's (arch/x86_64/svm_child.c).  The unit tests
 * build this file on the host (tests/unit/test_child_vp.c), with stubs for
 * what it calls there.
 */
#include <arch/lapic.h>
#include <arch/percpu.h>
#include <arch/svm_child.h>
#include <arch/tsc.h>
#include <hv/child.h>
#include <hv/child_vp.h>
#include <hv/heap.h>
#include <hv/hypercall.h>

/* The children's APIC timer input clock: 1 GHz, as KVM reports; Linux
 * children use the TSC-deadline mode and do not depend on it. */
#define CHILD_APIC_TIMER_HZ 1000000000ULL

#define CHILD_VP_PAGES ((sizeof(struct child_vp) + PAGE_SIZE - 1) / PAGE_SIZE)

/* This CPU's index.  The unit tests run on the host, where %fs belongs to
 * the C library, and supply their own. */
#ifdef HOST_TEST
unsigned this_cpu_index(void);
#else
static inline unsigned this_cpu_index(void)
{
    return this_cpu()->cpu_index;
}
#endif

/* ---- the local APICs' view of their siblings ----------------------------------------- */

static bool bus_lookup(void *ctx, unsigned index, struct vlapic_target *out)
{
    struct child_partition *p = ctx;
    struct child_vp *t;

    if (index >= HV_MAX_CHILD_VPS || !(t = __atomic_load_n(&p->vps[index], __ATOMIC_ACQUIRE)))
        return false;
    /* Another CPU may be changing the target's ID or LDR right now; an IPI
     * racing with that sees the old or the new value, as on hardware. */
    vlapic_target_info(&t->vlapic, out);
    return true;
}

/* VPs an IPI sent from this CPU must wake, reported when the dispatch
 * returns (child_vp_take_wakes). */
static uint64_t wake_pending[MAX_CPUS];

static void bus_deliver(void *ctx, unsigned index, enum vlapic_dm mode, uint8_t vector)
{
    if (child_vp_post(ctx, index, mode, vector))
        wake_pending[this_cpu_index()] |= 1ULL << index;
}

uint64_t child_vp_take_wakes(void)
{
    uint64_t *w = &wake_pending[this_cpu_index()];
    uint64_t v = *w;

    *w = 0;
    return v;
}

void child_vp_kick(const struct child_partition *p, int cpu)
{
    if (p->kick_vector && cpu != (int)this_cpu_index() && cpu >= 0 && cpu < MAX_CPUS && cpus[cpu])
        lapic_send_ipi(cpus[cpu]->apic_id, APIC_DM_FIXED << 8 | p->kick_vector);
}

bool child_vp_post(struct child_partition *p, unsigned index, enum vlapic_dm mode, uint8_t vector)
{
    struct child_vp *t;
    int cpu;

    if (index >= HV_MAX_CHILD_VPS || !(t = __atomic_load_n(&p->vps[index], __ATOMIC_ACQUIRE)))
        return false;
    switch (mode) {
    case VLAPIC_DM_FIXED:
        __atomic_or_fetch(&t->posted_irr[vector / 64], 1ULL << (vector % 64), __ATOMIC_RELEASE);
        break;
    case VLAPIC_DM_NMI:
        __atomic_or_fetch(&t->posted_events, CHILD_EVENT_NMI, __ATOMIC_RELEASE);
        break;
    case VLAPIC_DM_INIT:
        __atomic_or_fetch(&t->posted_events, CHILD_EVENT_INIT, __ATOMIC_RELEASE);
        break;
    case VLAPIC_DM_STARTUP:
        __atomic_store_n(&t->posted_sipi_vector, vector, __ATOMIC_RELAXED);
        __atomic_or_fetch(&t->posted_events, CHILD_EVENT_SIPI, __ATOMIC_RELEASE);
        break;
    case VLAPIC_DM_LINT0:
        /* A level: lowering it needs no kick, the VP reads it at entry. */
        __atomic_store_n(&t->lint0, vector != 0, __ATOMIC_RELEASE);
        if (!vector)
            return false;
        __atomic_or_fetch(&t->posted_events, CHILD_EVENT_LINT0, __ATOMIC_RELEASE);
        break;
    default:
        return false;
    }
    /* Posted before this look, so a VP that enters (or halts) after it
     * sees the interrupt, one inside is kicked out by the IPI, and of a
     * halted one exactly one poster wins the wake-up. */
    __atomic_thread_fence(__ATOMIC_SEQ_CST);
    cpu = __atomic_load_n(&t->run_state, __ATOMIC_SEQ_CST);
    if (cpu >= 0) {
        child_vp_kick(p, cpu);
        return false;
    }
    int halted = CHILD_VP_HALTED;
    return cpu == CHILD_VP_HALTED &&
           __atomic_compare_exchange_n(&t->run_state, &halted, CHILD_VP_IDLE, false,
                                       __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST);
}

bool child_vp_has_posted(struct child_vp *cvp)
{
    __atomic_thread_fence(__ATOMIC_SEQ_CST);
    return __atomic_load_n(&cvp->posted_events, __ATOMIC_SEQ_CST) ||
           __atomic_load_n(&cvp->posted_irr[0], __ATOMIC_SEQ_CST) ||
           __atomic_load_n(&cvp->posted_irr[1], __ATOMIC_SEQ_CST) ||
           __atomic_load_n(&cvp->posted_irr[2], __ATOMIC_SEQ_CST) ||
           __atomic_load_n(&cvp->posted_irr[3], __ATOMIC_SEQ_CST);
}

/* ---- life cycle ------------------------------------------------------------------------- */

uint16_t child_vp_create(struct child_env *env, struct child_partition *p, unsigned index)
{
    struct child_vp *cvp;
    uint64_t fpu;

    if (index >= p->max_vps)
        return HV_STATUS_INVALID_VP_INDEX;
    if (p->vps[index])
        return HV_STATUS_OBJECT_IN_USE;
    cvp = (struct child_vp *)heap_alloc_zeroed(env->pool, CHILD_VP_PAGES);
    fpu = heap_alloc_zeroed(env->pool, 1);
    if (!cvp || !fpu)
        goto nomem;
    cvp->child = p;
    cvp->vp.index = index;
    cvp->vp.apic_id = index;
    cvp->run_state = CHILD_VP_IDLE;
    cvp->last_cpu = -1;
    cvp->fpu_area = (void *)fpu;
    cvp->xcr0 = 1; /* x87 only, the reset value */
    cvp->extint_vector = -1;
    synic_reset(&cvp->synic);
    p->apic_bus.nvps = p->max_vps;
    p->apic_bus.lookup = bus_lookup;
    p->apic_bus.deliver = bus_deliver;
    p->apic_bus.ctx = p;
    const struct vlapic_config cfg = {
        .vp_index = index,
        .apic_id = index,
        .bsp = index == 0,
        .tsc_hz = tsc_khz() * 1000,
        .timer_hz = CHILD_APIC_TIMER_HZ,
        .bus = &p->apic_bus,
    };
    if (vlapic_init(&cvp->vlapic, &cfg) || svm_child_vp_init(cvp, env->pool))
        goto nomem;
    /* VP 0 runs from the state the parent gives it; the others wait for
     * the boot processor's INIT and STARTUP, as on a PC. */
    cvp->vp.state = index == 0 ? VP_RUNNING : VP_WAIT_SIPI;
    __atomic_store_n(&p->vps[index], cvp, __ATOMIC_RELEASE);
    return HV_STATUS_SUCCESS;
nomem:
    if (cvp && cvp->vp.vmcb)
        page_free(env->pool, (uint64_t)cvp->vp.vmcb, 1);
    if (fpu)
        page_free(env->pool, fpu, 1);
    if (cvp)
        page_free(env->pool, (uint64_t)cvp, CHILD_VP_PAGES);
    return HV_STATUS_INSUFFICIENT_MEMORY;
}

void child_vp_destroy(struct child_env *env, struct child_vp *cvp)
{
    cvp->child->vps[cvp->vp.index] = NULL;
    page_free(env->pool, (uint64_t)cvp->vp.vmcb, 1);
    page_free(env->pool, (uint64_t)cvp->fpu_area, 1);
    page_free(env->pool, (uint64_t)cvp, CHILD_VP_PAGES);
}

bool child_vp_running(const struct child_vp *cvp)
{
    return __atomic_load_n(&cvp->run_state, __ATOMIC_ACQUIRE) >= 0 ||
           __atomic_load_n(&cvp->dispatching, __ATOMIC_ACQUIRE);
}

/* ---- registers -------------------------------------------------------------------------- */

/* The clock of the VP's local APIC: the guest's TSC, which the run loop
 * ticks it with, not the host's (they differ by the VP's TSC offset). */
static uint64_t guest_tsc(struct child_vp *cvp)
{
    union hv_register_value v;

    svm_child_get_reg(cvp, HV_X64_REGISTER_TSC, &v);
    return v.reg64;
}

uint16_t child_vp_get_register(struct child_vp *cvp, uint32_t name, union hv_register_value *out)
{
    out->reg128[0] = out->reg128[1] = 0;
    if (name == HV_X64_REGISTER_APIC_BASE)
        return vlapic_msr_read(&cvp->vlapic, VLAPIC_MSR_APIC_BASE, guest_tsc(cvp), &out->reg64)
                   ? HV_STATUS_INVALID_PARAMETER
                   : HV_STATUS_SUCCESS;
    if (name == HV_X64_REGISTER_XFEM) {
        out->reg64 = cvp->xcr0;
        return HV_STATUS_SUCCESS;
    }
    if (name == HV_REGISTER_PENDING_EXTINT) {
        out->reg64 =
            cvp->extint_vector < 0 ? 0 : HV_PENDING_EXTINT_VALID | (uint32_t)cvp->extint_vector;
        return HV_STATUS_SUCCESS;
    }
    return svm_child_get_reg(cvp, name, out);
}

uint16_t child_vp_set_register(struct child_vp *cvp, uint32_t name,
                               const union hv_register_value *in)
{
    if (name == HV_X64_REGISTER_APIC_BASE)
        return vlapic_msr_write(&cvp->vlapic, VLAPIC_MSR_APIC_BASE, in->reg64, guest_tsc(cvp))
                   ? HV_STATUS_INVALID_PARAMETER
                   : HV_STATUS_SUCCESS;
    if (name == HV_REGISTER_PENDING_EXTINT) {
        if (in->reg64 & ~(uint64_t)(HV_PENDING_EXTINT_VALID | 0xFF))
            return HV_STATUS_INVALID_PARAMETER;
        cvp->extint_vector = in->reg64 & HV_PENDING_EXTINT_VALID ? (int)(in->reg64 & 0xFF) : -1;
        return HV_STATUS_SUCCESS;
    }
    return svm_child_set_reg(cvp, name, in);
}

void child_vp_dispatch(struct child_vp *cvp, uint64_t timer_armed, struct hv_message *msg)
{
    svm_child_dispatch(cvp, timer_armed, msg);
    /* The last touch of the VP: from here on it may be deleted. */
    __atomic_store_n(&cvp->dispatching, false, __ATOMIC_RELEASE);
}

/* ---- the parent's calls ----------------------------------------------------------------- */

/* A VP of a partition that exists, not running now; NULL with *st set. */
static struct child_vp *idle_vp(struct child_env *env, uint64_t partition_id, uint32_t index,
                                uint16_t *st)
{
    struct child_partition *p = child_find(env, partition_id);
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

uint16_t child_vp_call_create(struct child_env *env, const void *in, size_t in_room)
{
    const struct hv_input_create_vp *cv = in;
    struct child_partition *p;

    if (in_room < sizeof(*cv))
        return HV_STATUS_INVALID_ALIGNMENT;
    if (cv->padding || cv->flags)
        return HV_STATUS_INVALID_PARAMETER;
    if (!(p = child_find(env, cv->partition_id)))
        return HV_STATUS_INVALID_PARTITION_ID;
    return child_vp_create(env, p, cv->vp_index);
}

uint16_t child_vp_call_registers(struct child_env *env, const struct hypercall *hc, const void *in,
                                 size_t in_room, void *out_buf, size_t out_room,
                                 unsigned *reps_done)
{
    bool set = hc->code == HVCALL_SET_VP_REGISTERS;
    size_t head =
        set ? sizeof(struct hv_input_set_vp_registers) : sizeof(struct hv_input_get_vp_registers);
    size_t each = set ? sizeof(struct hv_register_assoc) : sizeof(uint32_t);
    const struct hv_input_get_vp_registers *g = in; /* same header for both */
    union hv_register_value *out = out_buf;
    struct child_vp *cvp;
    uint16_t st = HV_STATUS_SUCCESS;

    if (in_room < head + hc->rep_count * each)
        return HV_STATUS_INVALID_ALIGNMENT;
    if (!set && out_room < hc->rep_count * sizeof(*out))
        return HV_STATUS_INVALID_ALIGNMENT;
    if (g->input_vtl || g->padding[0] || g->padding[1] || g->padding[2])
        return HV_STATUS_INVALID_PARAMETER;
    if (!(cvp = idle_vp(env, g->partition_id, g->vp_index, &st)))
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

uint16_t child_vp_call_assert_interrupt(struct child_env *env, const void *in, size_t in_room,
                                        void *out_buf, size_t out_room)
{
    const struct hv_input_assert_virtual_interrupt *a = in;
    struct hv_output_assert_virtual_interrupt out = {0};
    struct child_partition *p;
    enum vlapic_dm mode;

    if (in_room < sizeof(*a) || out_room < sizeof(out))
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
    case HV_INTERRUPT_TYPE_LINT0:
        if (a->vector > 1 || !a->level_triggered)
            return HV_STATUS_INVALID_PARAMETER;
        mode = VLAPIC_DM_LINT0;
        break;
    default:
        return HV_STATUS_INVALID_PARAMETER;
    }
    if (!(p = child_find(env, a->partition_id)))
        return HV_STATUS_INVALID_PARTITION_ID;
    if (mode == VLAPIC_DM_LINT0) {
        /* One wire to every processor: each APIC decides whether it takes it. */
        for (unsigned i = 0; i < HV_MAX_CHILD_VPS; i++) {
            if (p->vps[i] && child_vp_post(p, i, mode, (uint8_t)a->vector))
                out.wake_vps |= 1ULL << i;
        }
        __builtin_memcpy(out_buf, &out, sizeof(out));
        return HV_STATUS_SUCCESS;
    }
    for (unsigned i = 0; i < HV_MAX_CHILD_VPS; i++) {
        struct vlapic_target t;

        if (!p->vps[i])
            continue;
        vlapic_target_info(&p->vps[i]->vlapic, &t);
        if (apic_matches(&t, a->dest_address, a->logical_dest) &&
            child_vp_post(p, i, mode, (uint8_t)a->vector))
            out.wake_vps |= 1ULL << i;
    }
    __builtin_memcpy(out_buf, &out, sizeof(out));
    return HV_STATUS_SUCCESS;
}

uint16_t child_vp_call_dispatch_check(const struct hypercall *hc, const void *in, size_t in_room,
                                      size_t out_room)
{
    const struct hv_input_dispatch_vp *d = in;
    uint16_t st = hypercall_check_form(hc);

    if (st != HV_STATUS_SUCCESS)
        return st;
    if (in_room < sizeof(*d) || d->nregs > HV_DISPATCH_VP_MAX_REGS ||
        in_room < sizeof(*d) + d->nregs * sizeof(struct hv_register_assoc) ||
        out_room < sizeof(struct hv_message))
        return HV_STATUS_INVALID_ALIGNMENT;
    if (d->flags)
        return HV_STATUS_INVALID_PARAMETER;
    return HV_STATUS_SUCCESS;
}

uint16_t child_vp_call_dispatch_claim(struct child_env *env, const void *in, int cpu,
                                      struct child_vp **out)
{
    const struct hv_input_dispatch_vp *d = in;
    struct child_vp *cvp;
    uint16_t st = HV_STATUS_SUCCESS;

    if (!(cvp = idle_vp(env, d->partition_id, d->vp_index, &st)))
        return st;
    for (unsigned i = 0; i < d->nregs && st == HV_STATUS_SUCCESS; i++)
        st = d->regs[i].reserved1 || d->regs[i].reserved2
                 ? HV_STATUS_INVALID_PARAMETER
                 : child_vp_set_register(cvp, d->regs[i].name, &d->regs[i].value);
    if (st != HV_STATUS_SUCCESS)
        return st;
    __atomic_store_n(&cvp->dispatching, true, __ATOMIC_SEQ_CST);
    __atomic_store_n(&cvp->run_state, cpu, __ATOMIC_SEQ_CST);
    *out = cvp;
    return HV_STATUS_SUCCESS;
}
