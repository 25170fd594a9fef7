/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * A child's Hyper-V enlightenment MSRs (see enlighten.h).
 */
#include <string.h>

#include <hv/enlighten.h>
#include <hv/muldiv.h>

void ref_clock_init(struct ref_clock *c, uint64_t base_tsc, uint64_t tsc_hz)
{
    c->base_tsc = base_tsc;
    c->tsc_hz = tsc_hz ? tsc_hz : 1;
    /* 2^64 * 10^7 / hz: fits for any TSC faster than 10 MHz. */
    c->tsc_scale = muldiv64(1ULL << 63, HV_REF_TIME_HZ * 2, c->tsc_hz, false);
}

uint64_t ref_clock_time(const struct ref_clock *c, uint64_t host_tsc)
{
    if (host_tsc <= c->base_tsc)
        return 0;
    return muldiv64(host_tsc - c->base_tsc, HV_REF_TIME_HZ, c->tsc_hz, false);
}

uint64_t ref_clock_host_tsc(const struct ref_clock *c, uint64_t ref)
{
    uint64_t d = muldiv64(ref, c->tsc_hz, HV_REF_TIME_HZ, true);

    return d > UINT64_MAX - c->base_tsc ? UINT64_MAX : c->base_tsc + d;
}

void enlight_init(struct enlight_partition *e, uint64_t base_tsc, uint64_t tsc_hz,
                  const uint8_t hypercall_insn[3])
{
    memset(e, 0, sizeof(*e));
    ref_clock_init(&e->clock, base_tsc, tsc_hz);
    memcpy(e->hypercall_insn, hypercall_insn, 3);
}

static void lock(struct enlight_partition *e)
{
    while (__atomic_exchange_n(&e->lock, 1, __ATOMIC_ACQUIRE))
        __asm__ volatile("pause");
}

static void unlock(struct enlight_partition *e)
{
    __atomic_store_n(&e->lock, 0, __ATOMIC_RELEASE);
}

bool enlight_msr_is_ours(uint32_t msr)
{
    switch (msr) {
    case HV_X64_MSR_GUEST_OS_ID:
    case HV_X64_MSR_HYPERCALL:
    case HV_X64_MSR_VP_INDEX:
    case HV_X64_MSR_TIME_REF_COUNT:
    case HV_X64_MSR_REFERENCE_TSC:
    case HV_X64_MSR_TSC_FREQUENCY:
    case HV_X64_MSR_APIC_FREQUENCY:
    case HV_X64_MSR_VP_ASSIST_PAGE:
        return true;
    default:
        return false;
    }
}

bool enlight_hypercalls_enabled(const struct enlight_partition *e)
{
    return __atomic_load_n(&e->hypercall, __ATOMIC_ACQUIRE) & HV_MSR_ENABLE;
}

int enlight_msr_read(struct enlight_partition *e, const struct enlight_vp *vp, uint32_t msr,
                     uint64_t *val)
{
    switch (msr) {
    case HV_X64_MSR_GUEST_OS_ID:
        *val = e->guest_os_id;
        return 0;
    case HV_X64_MSR_HYPERCALL:
        *val = e->hypercall;
        return 0;
    case HV_X64_MSR_VP_INDEX:
        *val = vp->vp_index;
        return 0;
    case HV_X64_MSR_TIME_REF_COUNT:
        *val = ref_clock_time(&e->clock, vp->host_tsc);
        return 0;
    case HV_X64_MSR_REFERENCE_TSC:
        *val = e->reference_tsc;
        return 0;
    case HV_X64_MSR_TSC_FREQUENCY:
        *val = e->clock.tsc_hz;
        return 0;
    case HV_X64_MSR_APIC_FREQUENCY:
        *val = vp->apic_hz;
        return 0;
    case HV_X64_MSR_VP_ASSIST_PAGE:
        *val = *vp->vp_assist;
        return 0;
    default:
        return -1;
    }
}

/* The hypercall page: the hypercall instruction and RET, then INT3 to the
 * end of the page, so a jump anywhere else in it traps. */
static int fill_hypercall_page(struct enlight_partition *e, const struct enlight_vp *vp,
                               uint64_t gpa)
{
    uint8_t *page = vp->mem->page(vp->mem->ctx, gpa);

    if (!page)
        return -1;
    memset(page, 0xCC, 4096);
    memcpy(page, e->hypercall_insn, 3);
    page[3] = 0xC3;
    return 0;
}

/* The reference TSC page: the guest computes
 *     ref = ((guest_tsc * scale) >> 64) + offset,
 * which must agree with TIME_REF_COUNT: offset is their difference now, as
 * this VP's TSC reads it. */
static int fill_tsc_page(struct enlight_partition *e, const struct enlight_vp *vp, uint64_t gpa)
{
    struct hv_ref_tsc_page *pg = vp->mem->page(vp->mem->ctx, gpa);
    uint64_t guest_tsc = vp->host_tsc + vp->tsc_offset;
    uint64_t ref = ref_clock_time(&e->clock, vp->host_tsc);

    if (!pg)
        return -1;
    /* A reader that sees the sequence change retries; 0 while we write. */
    pg->sequence = 0;
    __atomic_thread_fence(__ATOMIC_SEQ_CST);
    pg->scale = e->clock.tsc_scale;
    pg->offset = (int64_t)(ref - mulhi64(guest_tsc, e->clock.tsc_scale));
    pg->reserved1 = 0;
    __atomic_thread_fence(__ATOMIC_SEQ_CST);
    pg->sequence = 1;
    return 0;
}

int enlight_msr_write(struct enlight_partition *e, const struct enlight_vp *vp, uint32_t msr,
                      uint64_t val)
{
    int rc = 0;

    switch (msr) {
    case HV_X64_MSR_GUEST_OS_ID:
        lock(e);
        e->guest_os_id = val;
        /* Without a guest OS id the hypercall page does not stay enabled. */
        if (!val)
            e->hypercall &= ~HV_MSR_ENABLE;
        unlock(e);
        return 0;
    case HV_X64_MSR_HYPERCALL:
        lock(e);
        if (e->hypercall & HV_HYPERCALL_LOCKED) {
            unlock(e);
            return 0; /* immutable until reset */
        }
        val &= HV_MSR_PAGE_MASK | HV_MSR_ENABLE | HV_HYPERCALL_LOCKED;
        if (!e->guest_os_id)
            val &= ~HV_MSR_ENABLE;
        if ((val & HV_MSR_ENABLE) && fill_hypercall_page(e, vp, val & HV_MSR_PAGE_MASK))
            rc = -1; /* not the guest's RAM */
        else
            __atomic_store_n(&e->hypercall, val, __ATOMIC_RELEASE);
        unlock(e);
        return rc;
    case HV_X64_MSR_REFERENCE_TSC:
        lock(e);
        val &= HV_MSR_PAGE_MASK | HV_MSR_ENABLE;
        if ((val & HV_MSR_ENABLE) && fill_tsc_page(e, vp, val & HV_MSR_PAGE_MASK))
            rc = -1;
        else
            e->reference_tsc = val;
        unlock(e);
        return rc;
    case HV_X64_MSR_VP_ASSIST_PAGE:
        /* Accepted and remembered: nothing the guest may put there is
         * used (no enlightened VMCS, no lazy EOI offered). */
        *vp->vp_assist = val & (HV_MSR_PAGE_MASK | HV_MSR_ENABLE);
        return 0;
    default:
        return -1; /* read-only: VP_INDEX, TIME_REF_COUNT, the frequencies */
    }
}
