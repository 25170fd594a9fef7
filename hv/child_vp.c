/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Child VPs: creation, register access, and interrupts posted from any CPU
 * (see hv/include/hv/child_vp.h).  The run loop is the CPU vendor's
 * (arch/x86_64/svm_child.c).
 */
#include <arch/lapic.h>
#include <arch/percpu.h>
#include <arch/svm_child.h>
#include <arch/tsc.h>
#include <hv/child.h>
#include <hv/child_vp.h>
#include <hv/heap.h>

/* The children's APIC timer input clock: 1 GHz, as KVM reports; Linux
 * children use the TSC-deadline mode and do not depend on it. */
#define CHILD_APIC_TIMER_HZ 1000000000ULL

#define CHILD_VP_PAGES ((sizeof(struct child_vp) + PAGE_SIZE - 1) / PAGE_SIZE)

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
        wake_pending[this_cpu()->cpu_index] |= 1ULL << index;
}

uint64_t child_vp_take_wakes(void)
{
    uint64_t *w = &wake_pending[this_cpu()->cpu_index];
    uint64_t v = *w;

    *w = 0;
    return v;
}

void child_vp_kick(const struct child_partition *p, int cpu)
{
    if (p->kick_vector && cpu != (int)this_cpu()->cpu_index && cpu >= 0 && cpu < MAX_CPUS &&
        cpus[cpu])
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
    return __atomic_load_n(&cvp->run_state, __ATOMIC_ACQUIRE) >= 0;
}

/* ---- registers -------------------------------------------------------------------------- */

uint16_t child_vp_get_register(struct child_vp *cvp, uint32_t name, union hv_register_value *out)
{
    out->reg128[0] = out->reg128[1] = 0;
    if (name == HV_X64_REGISTER_APIC_BASE)
        return vlapic_msr_read(&cvp->vlapic, VLAPIC_MSR_APIC_BASE, rdtsc(), &out->reg64)
                   ? HV_STATUS_INVALID_PARAMETER
                   : HV_STATUS_SUCCESS;
    if (name == HV_X64_REGISTER_XFEM) {
        out->reg64 = cvp->xcr0;
        return HV_STATUS_SUCCESS;
    }
    return svm_child_get_reg(cvp, name, out);
}

uint16_t child_vp_set_register(struct child_vp *cvp, uint32_t name,
                               const union hv_register_value *in)
{
    if (name == HV_X64_REGISTER_APIC_BASE)
        return vlapic_msr_write(&cvp->vlapic, VLAPIC_MSR_APIC_BASE, in->reg64, rdtsc())
                   ? HV_STATUS_INVALID_PARAMETER
                   : HV_STATUS_SUCCESS;
    return svm_child_set_reg(cvp, name, in);
}

void child_vp_dispatch(struct child_vp *cvp, uint64_t timer_armed, struct hv_message *msg)
{
    svm_child_dispatch(cvp, timer_armed, msg);
}
