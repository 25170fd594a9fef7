/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * A child VP's SynIC and synthetic timers (see synic.h).
 */
#include <string.h>

#include <hv/synic.h>

#define SINT_BITS          (HV_SINT_VECTOR_MASK | HV_SINT_MASKED | HV_SINT_AUTO_EOI | HV_SINT_POLLING)
#define FIRST_VALID_VECTOR 16
#define SLOT_SIZE          256 /* message slots and event-flag areas alike */

static void lock(struct synic *s)
{
    while (__atomic_exchange_n(&s->lock, 1, __ATOMIC_ACQUIRE))
        __asm__ volatile("pause");
}

static void unlock(struct synic *s)
{
    __atomic_store_n(&s->lock, 0, __ATOMIC_RELEASE);
}

void synic_reset(struct synic *s)
{
    memset(s, 0, sizeof(*s));
    for (int i = 0; i < HV_SYNIC_SINT_COUNT; i++)
        s->sint[i] = HV_SINT_RESET;
}

bool synic_msr_is_ours(uint32_t msr)
{
    return (msr >= HV_X64_MSR_SCONTROL && msr <= HV_X64_MSR_EOM) ||
           (msr >= HV_X64_MSR_SINT0 && msr <= HV_X64_MSR_SINT15) ||
           (msr >= HV_X64_MSR_STIMER0_CONFIG && msr <= HV_X64_MSR_STIMER3_COUNT);
}

int synic_msr_read(struct synic *s, uint32_t msr, uint64_t *val)
{
    switch (msr) {
    case HV_X64_MSR_SCONTROL:
        *val = s->scontrol;
        return 0;
    case HV_X64_MSR_SVERSION:
        *val = HV_SYNIC_VERSION;
        return 0;
    case HV_X64_MSR_SIEFP:
        *val = s->siefp;
        return 0;
    case HV_X64_MSR_SIMP:
        *val = s->simp;
        return 0;
    case HV_X64_MSR_EOM:
        *val = 0;
        return 0;
    default:
        break;
    }
    if (msr >= HV_X64_MSR_SINT0 && msr <= HV_X64_MSR_SINT15) {
        *val = s->sint[msr - HV_X64_MSR_SINT0];
        return 0;
    }
    if (msr >= HV_X64_MSR_STIMER0_CONFIG && msr <= HV_X64_MSR_STIMER3_COUNT) {
        const struct synic_timer *t = &s->timer[(msr - HV_X64_MSR_STIMER0_CONFIG) / 2];

        *val = (msr & 1) ? t->count : t->config;
        return 0;
    }
    return -1;
}

/* ---- timers ------------------------------------------------------------------------------- */

/* The period of a periodic timer, and a time that many units later: a
 * guest's count must not make the expiry wrap to the past, which would fire
 * the timer at every entry. */
static uint64_t timer_period(const struct synic_timer *t)
{
    return t->count < HV_STIMER_MIN_PERIOD ? HV_STIMER_MIN_PERIOD : t->count;
}

static uint64_t later(uint64_t t, uint64_t d)
{
    return t > UINT64_MAX - d ? UINT64_MAX : t + d;
}

static void timer_arm(struct synic_timer *t, uint64_t ref_now)
{
    if (!(t->config & HV_STIMER_ENABLE) || !t->count) {
        t->expiry = 0;
        return;
    }
    if (t->config & HV_STIMER_PERIODIC) {
        t->expiry = later(ref_now, timer_period(t));
    } else {
        /* One-shot: the count is the absolute time; a time already past
         * fires at once. */
        t->expiry = t->count ? t->count : 1;
    }
}

static int timer_write(struct synic_timer *t, bool count_reg, uint64_t val, uint64_t ref_now)
{
    if (count_reg) {
        t->count = val;
        if (!val)
            t->config &= ~HV_STIMER_ENABLE;
        else if (t->config & HV_STIMER_AUTO_ENABLE)
            t->config |= HV_STIMER_ENABLE;
    } else {
        uint64_t vec = (val >> HV_STIMER_VECTOR_SHIFT) & 0xFF;

        if ((val & HV_STIMER_ENABLE) && (val & HV_STIMER_DIRECT) && vec < FIRST_VALID_VECTOR)
            return -1;
        t->config = val & (HV_STIMER_ENABLE | HV_STIMER_PERIODIC | HV_STIMER_LAZY |
                           HV_STIMER_AUTO_ENABLE | 0xFFULL << HV_STIMER_VECTOR_SHIFT |
                           HV_STIMER_DIRECT | 0xFULL << HV_STIMER_SINT_SHIFT);
        /* Only direct mode is offered (CPUID 0x40000003 EDX bit 19):
         * a timer that would send messages stays disabled. */
        if (!(t->config & HV_STIMER_DIRECT))
            t->config &= ~HV_STIMER_ENABLE;
        if (!t->count)
            t->config &= ~HV_STIMER_ENABLE;
    }
    timer_arm(t, ref_now);
    return 0;
}

unsigned synic_timers_fire(struct synic *s, uint64_t ref_now, uint8_t *vectors)
{
    unsigned n = 0;

    for (int i = 0; i < HV_SYNIC_STIMER_COUNT; i++) {
        struct synic_timer *t = &s->timer[i];

        if (!t->expiry || t->expiry > ref_now)
            continue;
        vectors[n++] = (uint8_t)(t->config >> HV_STIMER_VECTOR_SHIFT);
        if (t->config & HV_STIMER_PERIODIC) {
            /* Periods missed while the VP did not run are dropped, not
             * delivered in a burst. */
            t->expiry = later(t->expiry, timer_period(t));
            if (t->expiry <= ref_now)
                t->expiry = later(ref_now, timer_period(t));
        } else {
            t->config &= ~HV_STIMER_ENABLE;
            t->expiry = 0;
        }
    }
    return n;
}

uint64_t synic_timers_next(const struct synic *s)
{
    uint64_t next = UINT64_MAX;

    for (int i = 0; i < HV_SYNIC_STIMER_COUNT; i++) {
        if (s->timer[i].expiry && s->timer[i].expiry < next)
            next = s->timer[i].expiry;
    }
    return next;
}

/* ---- MSR writes --------------------------------------------------------------------------- */

/* SIMP and SIEFP: the page starts empty when enabled, so no stale message
 * or flag from an earlier use of that RAM is taken for a new one. */
static int page_msr_write(struct synic *s, uint64_t *reg, uint64_t val, const struct guest_mem *mem)
{
    int rc = 0;

    val &= HV_MSR_PAGE_MASK | HV_MSR_ENABLE;
    lock(s);
    if (val & HV_MSR_ENABLE) {
        void *page = mem->page(mem->ctx, val & HV_MSR_PAGE_MASK);

        if (!page)
            rc = -1;
        else
            memset(page, 0, 4096);
    }
    if (!rc)
        *reg = val;
    unlock(s);
    return rc;
}

int synic_msr_write(struct synic *s, uint32_t msr, uint64_t val, uint64_t ref_now,
                    const struct guest_mem *mem, bool *eom)
{
    switch (msr) {
    case HV_X64_MSR_SCONTROL:
        lock(s);
        s->scontrol = val & 1;
        unlock(s);
        return 0;
    case HV_X64_MSR_SVERSION:
        return -1; /* read-only */
    case HV_X64_MSR_SIEFP:
        return page_msr_write(s, &s->siefp, val, mem);
    case HV_X64_MSR_SIMP:
        return page_msr_write(s, &s->simp, val, mem);
    case HV_X64_MSR_EOM:
        *eom = true;
        return 0;
    default:
        break;
    }
    if (msr >= HV_X64_MSR_SINT0 && msr <= HV_X64_MSR_SINT15) {
        if (!(val & HV_SINT_MASKED) && (val & HV_SINT_VECTOR_MASK) < FIRST_VALID_VECTOR)
            return -1;
        lock(s);
        s->sint[msr - HV_X64_MSR_SINT0] = val & SINT_BITS;
        unlock(s);
        return 0;
    }
    if (msr >= HV_X64_MSR_STIMER0_CONFIG && msr <= HV_X64_MSR_STIMER3_COUNT)
        return timer_write(&s->timer[(msr - HV_X64_MSR_STIMER0_CONFIG) / 2], msr & 1, val, ref_now);
    return -1;
}

/* ---- delivery ----------------------------------------------------------------------------- */

static int sint_vector(const struct synic *s, uint32_t sint)
{
    uint64_t v = s->sint[sint];

    if (v & (HV_SINT_MASKED | HV_SINT_POLLING))
        return -1;
    return (int)(v & HV_SINT_VECTOR_MASK);
}

uint16_t synic_post_message(struct synic *s, uint32_t sint, const struct hv_message *msg,
                            const struct guest_mem *mem, int *vector)
{
    uint8_t *page;
    uint64_t *head, old;

    *vector = -1;
    if (sint >= HV_SYNIC_SINT_COUNT || !msg->header.message_type ||
        msg->header.payload_size > HV_MESSAGE_PAYLOAD_SIZE)
        return HV_STATUS_INVALID_PARAMETER;
    lock(s);
    if (!(s->scontrol & 1) || !(s->simp & HV_MSR_ENABLE) ||
        !(page = mem->page(mem->ctx, s->simp & HV_MSR_PAGE_MASK))) {
        unlock(s);
        return HV_STATUS_INVALID_VP_STATE;
    }
    head = (uint64_t *)(page + sint * SLOT_SIZE);
    for (;;) {
        old = __atomic_load_n(head, __ATOMIC_ACQUIRE);
        if (!(uint32_t)old)
            break; /* empty: ours until we publish the type */
        /* Full: ask for an EOM.  If the guest empties the slot meanwhile
         * the swap fails and the slot is seen empty. */
        if (__atomic_compare_exchange_n(head, &old, old | (uint64_t)HV_MESSAGE_FLAG_PENDING << 40,
                                        false, __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE)) {
            __atomic_fetch_or(&s->notify_sints, 1u << sint, __ATOMIC_RELEASE);
            unlock(s);
            return HV_STATUS_INSUFFICIENT_BUFFERS;
        }
    }
    memcpy((uint8_t *)head + 8, (const uint8_t *)msg + 8, HV_MESSAGE_SIZE - 8);
    /* The type last: it is what tells the guest the slot holds a message. */
    __atomic_store_n(head,
                     (uint64_t)msg->header.message_type | (uint64_t)msg->header.payload_size << 32,
                     __ATOMIC_RELEASE);
    *vector = sint_vector(s, sint);
    unlock(s);
    return HV_STATUS_SUCCESS;
}

uint16_t synic_signal_event(struct synic *s, uint32_t sint, uint32_t flag,
                            const struct guest_mem *mem, bool *newly_signaled, int *vector)
{
    uint8_t *page;
    uint64_t bit, old;

    *vector = -1;
    *newly_signaled = false;
    if (sint >= HV_SYNIC_SINT_COUNT || flag >= HV_SYNIC_FLAG_COUNT)
        return HV_STATUS_INVALID_PARAMETER;
    lock(s);
    if (!(s->scontrol & 1) || !(s->siefp & HV_MSR_ENABLE) ||
        !(page = mem->page(mem->ctx, s->siefp & HV_MSR_PAGE_MASK))) {
        unlock(s);
        return HV_STATUS_INVALID_VP_STATE;
    }
    bit = 1ULL << (flag % 64);
    old =
        __atomic_fetch_or((uint64_t *)(page + sint * SLOT_SIZE) + flag / 64, bit, __ATOMIC_ACQ_REL);
    /* Only a flag that goes from 0 to 1 interrupts: a set one has not
     * been seen by the guest yet, and will be. */
    if (!(old & bit)) {
        *newly_signaled = true;
        *vector = sint_vector(s, sint);
    }
    unlock(s);
    return HV_STATUS_SUCCESS;
}

uint32_t synic_take_deliverable(struct synic *s)
{
    if (!__atomic_load_n(&s->notify_sints, __ATOMIC_ACQUIRE))
        return 0;
    return __atomic_exchange_n(&s->notify_sints, 0, __ATOMIC_ACQ_REL);
}
