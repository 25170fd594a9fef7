/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The Hyper-V enlightenments of child VPs, tied to the partition and VP
 * structures: the MSR accesses, the synthetic timers' interrupts and
 * deadlines, and the parent's HVCALL_POST_MESSAGE_DIRECT and
 * HVCALL_SIGNAL_EVENT_DIRECT (see child_vp.h; the logic is in enlighten.c
 * and synic.c).
 */
#include <string.h>

#include <hv/child.h>
#include <hv/child_vp.h>
#include <hv/enlighten.h>
#include <hv/synic.h>

/* The children's APIC timer input clock (child_vp.c's CHILD_APIC_TIMER_HZ),
 * for APIC_FREQUENCY. */
#define CHILD_APIC_HZ 1000000000ULL

/* A page of the child's RAM.  The child cannot change its own SLAT; the
 * parent unmaps only with the hypercall lock held, which the callers that
 * run outside the VP's own dispatch (the direct calls) hold too. */
static void *guest_page(void *ctx, uint64_t gpa)
{
    struct child_partition *p = ctx;
    uint64_t hpa;

    if (gpa >= HV_CHILD_GPA_LIMIT || slat_lookup(&p->slat, gpa & ~0xFFFULL, &hpa, NULL, NULL))
        return NULL;
    return p->slat.mm.to_virt(p->slat.mm.ctx, hpa & ~0xFFFULL);
}

void child_vp_partition_init(struct child_partition *p, uint64_t now_tsc, uint64_t tsc_hz,
                             const uint8_t hypercall_insn[3],
                             struct hv_output_create_partition *out)
{
    enlight_init(&p->enlight, now_tsc, tsc_hz, hypercall_insn);
    p->mem.ctx = p;
    p->mem.page = guest_page;
    out->reference_tsc_base = p->enlight.clock.base_tsc;
    out->tsc_frequency = p->enlight.clock.tsc_hz;
}

static struct enlight_vp vp_view(struct child_vp *cvp, uint64_t host_tsc, uint64_t tsc_offset)
{
    return (struct enlight_vp){
        .vp_index = cvp->vp.index,
        .host_tsc = host_tsc,
        .tsc_offset = tsc_offset,
        .apic_hz = CHILD_APIC_HZ,
        .vp_assist = &cvp->vp_assist,
        .mem = &cvp->child->mem,
    };
}

int child_vp_synthetic_rdmsr(struct child_vp *cvp, uint32_t msr, uint64_t host_tsc,
                             uint64_t tsc_offset, uint64_t *val)
{
    struct enlight_vp v;

    if (enlight_msr_is_ours(msr)) {
        v = vp_view(cvp, host_tsc, tsc_offset);
        return enlight_msr_read(&cvp->child->enlight, &v, msr, val);
    }
    if (synic_msr_is_ours(msr))
        return synic_msr_read(&cvp->synic, msr, val);
    return 1;
}

int child_vp_synthetic_wrmsr(struct child_vp *cvp, uint32_t msr, uint64_t val, uint64_t host_tsc,
                             uint64_t tsc_offset, uint32_t *deliverable)
{
    struct enlight_vp v;
    bool eom = false;
    int rc;

    *deliverable = 0;
    if (enlight_msr_is_ours(msr)) {
        v = vp_view(cvp, host_tsc, tsc_offset);
        return enlight_msr_write(&cvp->child->enlight, &v, msr, val);
    }
    if (!synic_msr_is_ours(msr))
        return 1;
    rc =
        synic_msr_write(&cvp->synic, msr, val, ref_clock_time(&cvp->child->enlight.clock, host_tsc),
                        &cvp->child->mem, &eom);
    if (!rc && eom)
        *deliverable = synic_take_deliverable(&cvp->synic);
    return rc;
}

void child_vp_synthetic_tick(struct child_vp *cvp, uint64_t host_tsc)
{
    uint8_t vectors[HV_SYNIC_STIMER_COUNT];
    unsigned n;

    if (synic_timers_next(&cvp->synic) == UINT64_MAX)
        return;
    n = synic_timers_fire(&cvp->synic, ref_clock_time(&cvp->child->enlight.clock, host_tsc),
                          vectors);
    for (unsigned i = 0; i < n; i++)
        vlapic_accept(&cvp->vlapic, vectors[i], false);
}

uint64_t child_vp_synthetic_deadline(const struct child_vp *cvp)
{
    uint64_t next = synic_timers_next(&cvp->synic);

    return next == UINT64_MAX ? UINT64_MAX : ref_clock_host_tsc(&cvp->child->enlight.clock, next);
}

/* ---- the parent's calls ------------------------------------------------------------------ */

static struct child_vp *find_vp(struct child_env *env, uint64_t partition_id, uint32_t vp_index,
                                uint16_t *status)
{
    struct child_partition *p = child_find(env, partition_id);
    struct child_vp *cvp;

    if (!p) {
        *status = HV_STATUS_INVALID_PARTITION_ID;
        return NULL;
    }
    if (vp_index >= HV_MAX_CHILD_VPS ||
        !(cvp = __atomic_load_n(&p->vps[vp_index], __ATOMIC_ACQUIRE))) {
        *status = HV_STATUS_INVALID_VP_INDEX;
        return NULL;
    }
    return cvp;
}

uint16_t child_vp_call_post_message(struct child_env *env, const void *in, size_t in_room,
                                    void *out_buf, size_t out_room)
{
    const struct hv_input_post_message_direct *d = in;
    struct hv_output_post_message_direct out = {0};
    struct hv_message msg;
    struct child_vp *cvp;
    uint16_t st;
    int vector;

    if (in_room < sizeof(*d) || out_room < sizeof(out))
        return HV_STATUS_INVALID_ALIGNMENT;
    if (d->vtl || d->padding[0] || d->padding[1] || d->padding[2] || d->padding2 ||
        d->sint_index >= HV_SYNIC_SINT_COUNT)
        return HV_STATUS_INVALID_PARAMETER;
    if (!(cvp = find_vp(env, d->partition_id, d->vp_index, &st)))
        return st;
    memcpy(&msg, d->message, sizeof(msg));
    st = synic_post_message(&cvp->synic, d->sint_index, &msg, &cvp->child->mem, &vector);
    if (st == HV_STATUS_SUCCESS && vector >= 0 &&
        child_vp_post(cvp->child, cvp->vp.index, VLAPIC_DM_FIXED, (uint8_t)vector))
        out.wake_vps = 1ULL << cvp->vp.index;
    memcpy(out_buf, &out, sizeof(out));
    return st;
}

uint16_t child_vp_call_signal_event(struct child_env *env, const void *in, size_t in_room,
                                    void *out_buf, size_t out_room)
{
    const struct hv_input_signal_event_direct *d = in;
    struct hv_output_signal_event_direct out = {0};
    struct child_vp *cvp;
    bool newly;
    uint16_t st;
    int vector;

    if (in_room < sizeof(*d) || out_room < sizeof(out))
        return HV_STATUS_INVALID_ALIGNMENT;
    if (d->target_vtl || d->target_sint >= HV_SYNIC_SINT_COUNT)
        return HV_STATUS_INVALID_PARAMETER;
    if (!(cvp = find_vp(env, d->target_partition, d->target_vp, &st)))
        return st;
    st = synic_signal_event(&cvp->synic, d->target_sint, d->flag_number, &cvp->child->mem, &newly,
                            &vector);
    out.newly_signaled = newly;
    if (st == HV_STATUS_SUCCESS && vector >= 0 &&
        child_vp_post(cvp->child, cvp->vp.index, VLAPIC_DM_FIXED, (uint8_t)vector))
        out.wake_vps = 1ULL << cvp->vp.index;
    memcpy(out_buf, &out, sizeof(out));
    return st;
}
