/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Unit tests of the Hyper-V interface children see: hv/synic.c (SynIC MSRs,
 * message slots with pending/EOM, event flags, direct-mode synthetic
 * timers), hv/enlighten.c (reference clock and TSC page, hypercall page,
 * read-only MSRs) and hv/child_hypercall.c (the child's hypercalls: form
 * checks, input in guest RAM, TLFS statuses), over a fake guest RAM of a
 * few pages.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <hv/child_hypercall.h>
#include <hv/enlighten.h>
#include <hv/muldiv.h>
#include <hv/synic.h>

#define RAM_PAGES 8
#define TSC_HZ    2500000000ULL /* 2.5 GHz: 250 ticks per 100 ns */

static uint8_t ram[RAM_PAGES][4096] __attribute__((aligned(4096)));

/* Guest RAM is [0, RAM_PAGES * 4096). */
static void *fake_page(void *ctx, uint64_t gpa)
{
    (void)ctx;
    if (gpa & 0xFFF || gpa >= RAM_PAGES * 4096ULL)
        return NULL;
    return ram[gpa / 4096];
}

static const struct guest_mem mem = {NULL, fake_page};

static struct synic s;

static int setup(void **state)
{
    (void)state;
    memset(ram, 0x77, sizeof(ram));
    synic_reset(&s);
    return 0;
}

static void wr(uint32_t msr, uint64_t v)
{
    bool eom = false;

    assert_int_equal(synic_msr_write(&s, msr, v, 0, &mem, &eom), 0);
}

static uint64_t rd(uint32_t msr)
{
    uint64_t v = 0xDEAD;

    assert_int_equal(synic_msr_read(&s, msr, &v), 0);
    return v;
}

/* The SynIC as Linux sets it up: SIMP page 1, SIEFP page 2, SINT2 0xF3. */
static void enable_like_linux(void)
{
    wr(HV_X64_MSR_SIMP, 1 * 4096 | 1);
    wr(HV_X64_MSR_SIEFP, 2 * 4096 | 1);
    wr(HV_X64_MSR_SINT0 + 2, 0xF3);
    wr(HV_X64_MSR_SCONTROL, 1);
}

static struct hv_message message(uint32_t type, uint8_t size, uint8_t fill)
{
    struct hv_message m;

    memset(&m, 0, sizeof(m));
    m.header.message_type = type;
    m.header.payload_size = size;
    memset(m.u.payload, fill, size);
    return m;
}

/* ---- SynIC MSRs --------------------------------------------------------------------------- */

static void test_reset_state(void **state)
{
    (void)state;
    assert_int_equal(rd(HV_X64_MSR_SCONTROL), 0);
    assert_int_equal(rd(HV_X64_MSR_SVERSION), 1);
    assert_int_equal(rd(HV_X64_MSR_SIMP), 0);
    assert_int_equal(rd(HV_X64_MSR_SIEFP), 0);
    for (int i = 0; i < 16; i++)
        assert_int_equal(rd(HV_X64_MSR_SINT0 + i), 0x10000); /* masked */
    assert_int_equal(rd(HV_X64_MSR_STIMER0_CONFIG), 0);
    assert_true(synic_msr_is_ours(HV_X64_MSR_EOM));
    assert_true(synic_msr_is_ours(HV_X64_MSR_STIMER3_COUNT));
    assert_false(synic_msr_is_ours(0x400000B8));
    assert_false(synic_msr_is_ours(0x40000085));
}

static void test_msr_refusals(void **state)
{
    bool eom = false;
    uint64_t v;

    (void)state;
    /* SVERSION is read-only; a SINT with a vector below 16 that is not
     * masked is refused; unknown MSRs are not the SynIC's. */
    assert_int_equal(synic_msr_write(&s, HV_X64_MSR_SVERSION, 2, 0, &mem, &eom), -1);
    assert_int_equal(synic_msr_write(&s, HV_X64_MSR_SINT0 + 2, 0x0F, 0, &mem, &eom), -1);
    assert_int_equal(rd(HV_X64_MSR_SINT0 + 2), 0x10000); /* unchanged */
    wr(HV_X64_MSR_SINT0 + 2, 0x1000F);                   /* masked: allowed */
    assert_int_equal(synic_msr_read(&s, 0x40000085, &v), -1);
    /* A message page outside RAM: #GP, nothing changes. */
    assert_int_equal(synic_msr_write(&s, HV_X64_MSR_SIMP, 0x100000 | 1, 0, &mem, &eom), -1);
    assert_int_equal(rd(HV_X64_MSR_SIMP), 0);
    /* Reserved bits are dropped; SINT keeps vector, masked, auto-EOI, polling. */
    wr(HV_X64_MSR_SINT0 + 3, 0xFFFFFFFFFFFF00F3ULL);
    assert_int_equal(rd(HV_X64_MSR_SINT0 + 3), 0x700F3);
}

static void test_enable_clears_pages(void **state)
{
    (void)state;
    enable_like_linux();
    for (int i = 0; i < 4096; i++) {
        assert_int_equal(ram[1][i], 0);
        assert_int_equal(ram[2][i], 0);
    }
    assert_int_equal(rd(HV_X64_MSR_SIMP), 4096 | 1);
    assert_int_equal(rd(HV_X64_MSR_SIEFP), 2 * 4096 | 1);
}

/* ---- messages ----------------------------------------------------------------------------- */

static void test_post_into_empty_slot(void **state)
{
    struct hv_message m = message(1, 240, 0xAB);
    const struct hv_message *slot = (const void *)(ram[1] + 2 * 256);
    int vec;

    (void)state;
    enable_like_linux();
    assert_int_equal(synic_post_message(&s, 2, &m, &mem, &vec), HV_STATUS_SUCCESS);
    assert_int_equal(vec, 0xF3);
    assert_int_equal(slot->header.message_type, 1);
    assert_int_equal(slot->header.payload_size, 240);
    assert_int_equal(slot->header.message_flags, 0);
    assert_memory_equal(slot->u.payload, m.u.payload, 240);
    /* Other slots untouched. */
    assert_int_equal(((const struct hv_message *)(ram[1] + 3 * 256))->header.message_type, 0);
}

static void test_full_slot_pending_and_eom(void **state)
{
    struct hv_message a = message(1, 8, 1), b = message(1, 8, 2);
    struct hv_message *slot = (void *)(ram[1] + 2 * 256);
    bool eom = false;
    int vec;

    (void)state;
    enable_like_linux();
    assert_int_equal(synic_post_message(&s, 2, &a, &mem, &vec), HV_STATUS_SUCCESS);
    /* The guest has not read it: the second is refused, the first flagged. */
    assert_int_equal(synic_post_message(&s, 2, &b, &mem, &vec), HV_STATUS_INSUFFICIENT_BUFFERS);
    assert_int_equal(vec, -1);
    assert_int_equal(slot->header.message_flags & HV_MESSAGE_FLAG_PENDING, 1);
    assert_int_equal(slot->u.payload[0] & 0xFF, 1); /* still the first */
    /* An EOM before the guest emptied nothing is no news: the pending SINT
     * is reported once, at the EOM. */
    assert_int_equal(synic_msr_write(&s, HV_X64_MSR_EOM, 0, 0, &mem, &eom), 0);
    assert_true(eom);
    assert_int_equal(synic_take_deliverable(&s), 1u << 2);
    assert_int_equal(synic_take_deliverable(&s), 0);
    /* The guest empties the slot as Linux does; the retry goes in. */
    slot->header.message_type = 0;
    assert_int_equal(synic_post_message(&s, 2, &b, &mem, &vec), HV_STATUS_SUCCESS);
    assert_int_equal(slot->u.payload[0] & 0xFF, 2);
    assert_int_equal(slot->header.message_flags, 0);
}

static void test_post_refusals(void **state)
{
    struct hv_message m = message(1, 8, 1);
    int vec;

    (void)state;
    /* SynIC off, or no message page: the VP cannot take messages. */
    assert_int_equal(synic_post_message(&s, 2, &m, &mem, &vec), HV_STATUS_INVALID_VP_STATE);
    wr(HV_X64_MSR_SCONTROL, 1);
    assert_int_equal(synic_post_message(&s, 2, &m, &mem, &vec), HV_STATUS_INVALID_VP_STATE);
    enable_like_linux();
    assert_int_equal(synic_post_message(&s, 16, &m, &mem, &vec), HV_STATUS_INVALID_PARAMETER);
    m.header.payload_size = 241;
    assert_int_equal(synic_post_message(&s, 2, &m, &mem, &vec), HV_STATUS_INVALID_PARAMETER);
    m = message(0, 8, 1); /* type 0 would look like an empty slot */
    assert_int_equal(synic_post_message(&s, 2, &m, &mem, &vec), HV_STATUS_INVALID_PARAMETER);
}

static void test_masked_and_polled_sints(void **state)
{
    struct hv_message m = message(1, 8, 1);
    int vec;

    (void)state;
    enable_like_linux();
    /* SINT 4 is masked: the message goes in, no interrupt. */
    assert_int_equal(synic_post_message(&s, 4, &m, &mem, &vec), HV_STATUS_SUCCESS);
    assert_int_equal(vec, -1);
    wr(HV_X64_MSR_SINT0 + 5, HV_SINT_POLLING | 0x40);
    assert_int_equal(synic_post_message(&s, 5, &m, &mem, &vec), HV_STATUS_SUCCESS);
    assert_int_equal(vec, -1);
}

/* ---- events ------------------------------------------------------------------------------- */

static void test_event_flags(void **state)
{
    const uint64_t *flags = (const void *)(ram[2] + 2 * 256);
    bool newly;
    int vec;

    (void)state;
    enable_like_linux();
    assert_int_equal(synic_signal_event(&s, 2, 5, &mem, &newly, &vec), HV_STATUS_SUCCESS);
    assert_true(newly);
    assert_int_equal(vec, 0xF3);
    assert_int_equal(flags[0], 1ULL << 5);
    /* Already set: no second interrupt. */
    assert_int_equal(synic_signal_event(&s, 2, 5, &mem, &newly, &vec), HV_STATUS_SUCCESS);
    assert_false(newly);
    assert_int_equal(vec, -1);
    /* The last flag, and one past it. */
    assert_int_equal(synic_signal_event(&s, 2, 2047, &mem, &newly, &vec), HV_STATUS_SUCCESS);
    assert_int_equal(flags[31], 1ULL << 63);
    assert_int_equal(synic_signal_event(&s, 2, 2048, &mem, &newly, &vec),
                     HV_STATUS_INVALID_PARAMETER);
    assert_int_equal(synic_signal_event(&s, 16, 1, &mem, &newly, &vec),
                     HV_STATUS_INVALID_PARAMETER);
    /* Nothing outside SINT 2's 256 bytes changed. */
    assert_int_equal(((const uint64_t *)(ram[2] + 3 * 256))[0], 0);
    /* SIEFP disabled. */
    wr(HV_X64_MSR_SIEFP, 0);
    assert_int_equal(synic_signal_event(&s, 2, 1, &mem, &newly, &vec), HV_STATUS_INVALID_VP_STATE);
}

/* ---- timers ------------------------------------------------------------------------------- */

static uint64_t config(uint8_t vector, bool periodic)
{
    return HV_STIMER_ENABLE | HV_STIMER_AUTO_ENABLE | HV_STIMER_DIRECT |
           (uint64_t)vector << HV_STIMER_VECTOR_SHIFT | (periodic ? HV_STIMER_PERIODIC : 0);
}

static void test_stimer_one_shot_like_linux(void **state)
{
    uint8_t v[4];
    bool eom = false;

    (void)state;
    /* Linux: config with auto-enable, then an absolute count per event. */
    assert_int_equal(
        synic_msr_write(&s, HV_X64_MSR_STIMER0_CONFIG, config(0xED, false), 1000, &mem, &eom), 0);
    assert_int_equal(synic_timers_next(&s), UINT64_MAX); /* no count yet */
    assert_int_equal(synic_msr_write(&s, HV_X64_MSR_STIMER0_CONFIG + 1, 5000, 1000, &mem, &eom), 0);
    assert_int_equal(synic_timers_next(&s), 5000);
    assert_int_equal(synic_timers_fire(&s, 4999, v), 0);
    assert_int_equal(synic_timers_fire(&s, 5000, v), 1);
    assert_int_equal(v[0], 0xED);
    /* One-shot: disabled after it fired, until the next count. */
    assert_int_equal(synic_timers_next(&s), UINT64_MAX);
    assert_int_equal(rd(HV_X64_MSR_STIMER0_CONFIG) & HV_STIMER_ENABLE, 0);
    assert_int_equal(synic_msr_write(&s, HV_X64_MSR_STIMER0_CONFIG + 1, 800, 6000, &mem, &eom), 0);
    /* A time already past fires at once. */
    assert_int_equal(synic_timers_fire(&s, 6000, v), 1);
}

static void test_stimer_periodic_and_limits(void **state)
{
    uint8_t v[4];
    bool eom = false;

    (void)state;
    wr(HV_X64_MSR_STIMER0_CONFIG + 3, 10000); /* timer 1's count */
    assert_int_equal(
        synic_msr_write(&s, HV_X64_MSR_STIMER0_CONFIG + 2, config(0x40, true), 100, &mem, &eom), 0);
    assert_int_equal(synic_timers_next(&s), 10100);
    assert_int_equal(synic_timers_fire(&s, 10100, v), 1);
    assert_int_equal(synic_timers_next(&s), 20100);
    /* Periods missed while the VP did not run are not a burst. */
    assert_int_equal(synic_timers_fire(&s, 95000, v), 1);
    assert_int_equal(synic_timers_next(&s), 105000);
    /* A tiny period is stretched to the minimum. */
    wr(HV_X64_MSR_STIMER0_CONFIG + 3, 1);
    assert_int_equal(synic_timers_next(&s), HV_STIMER_MIN_PERIOD);
    /* A period so long it would wrap stays in the future. */
    assert_int_equal(
        synic_msr_write(&s, HV_X64_MSR_STIMER0_CONFIG + 3, UINT64_MAX - 5, 1000, &mem, &eom), 0);
    assert_int_equal(synic_timers_next(&s), UINT64_MAX);
    assert_int_equal(synic_timers_fire(&s, 200000, v), 0);
    /* Count 0 disables it. */
    wr(HV_X64_MSR_STIMER0_CONFIG + 3, 0);
    assert_int_equal(synic_timers_next(&s), UINT64_MAX);
    /* Direct mode with a vector below 16: #GP. */
    assert_int_equal(
        synic_msr_write(&s, HV_X64_MSR_STIMER0_CONFIG, config(5, false), 0, &mem, &eom), -1);
    /* Message mode is not offered: the timer stays disabled. */
    wr(HV_X64_MSR_STIMER0_CONFIG + 1, 100);
    wr(HV_X64_MSR_STIMER0_CONFIG, HV_STIMER_ENABLE | 2ULL << HV_STIMER_SINT_SHIFT);
    assert_int_equal(rd(HV_X64_MSR_STIMER0_CONFIG) & HV_STIMER_ENABLE, 0);
    assert_int_equal(synic_timers_next(&s), UINT64_MAX);
}

/* ---- enlightenments ----------------------------------------------------------------------- */

static const uint8_t vmmcall[3] = {0x0F, 0x01, 0xD9};

static void test_ref_clock(void **state)
{
    struct ref_clock c;

    (void)state;
    ref_clock_init(&c, 1000, TSC_HZ);
    assert_int_equal(ref_clock_time(&c, 500), 0);
    assert_int_equal(ref_clock_time(&c, 1000 + TSC_HZ), 10000000);
    assert_int_equal(ref_clock_time(&c, 1000 + 250), 1);
    assert_int_equal(ref_clock_host_tsc(&c, 1), 1000 + 250);
    assert_int_equal(ref_clock_host_tsc(&c, 10000000), 1000 + TSC_HZ);
    /* A far future saturates instead of wrapping. */
    assert_int_equal(ref_clock_host_tsc(&c, UINT64_MAX), UINT64_MAX);
    /* scale = 2^64 * 10^7 / hz */
    assert_true(c.tsc_scale == (uint64_t)(((unsigned __int128)1 << 64) * 10000000 / TSC_HZ));
}

static void test_hypercall_page(void **state)
{
    struct enlight_partition e;
    uint64_t assist = 0;
    struct enlight_vp vp = {
        .vp_index = 3, .host_tsc = 5000, .apic_hz = 1000000000, .vp_assist = &assist, .mem = &mem};
    uint64_t v;

    (void)state;
    enlight_init(&e, 0, TSC_HZ, vmmcall);
    /* Without a guest OS id the enable bit does not stick. */
    assert_int_equal(enlight_msr_write(&e, &vp, HV_X64_MSR_HYPERCALL, 3 * 4096 | 1), 0);
    assert_int_equal(enlight_msr_read(&e, &vp, HV_X64_MSR_HYPERCALL, &v), 0);
    assert_int_equal(v, 3 * 4096);
    assert_false(enlight_hypercalls_enabled(&e));
    assert_int_equal(enlight_msr_write(&e, &vp, HV_X64_MSR_GUEST_OS_ID, 0x8100000000000000ULL), 0);
    assert_int_equal(enlight_msr_write(&e, &vp, HV_X64_MSR_HYPERCALL, 3 * 4096 | 1), 0);
    assert_true(enlight_hypercalls_enabled(&e));
    assert_memory_equal(ram[3], "\x0F\x01\xD9\xC3", 4);
    assert_int_equal(ram[3][4], 0xCC);
    assert_int_equal(ram[3][4095], 0xCC);
    /* Clearing the guest OS id disables it again. */
    assert_int_equal(enlight_msr_write(&e, &vp, HV_X64_MSR_GUEST_OS_ID, 0), 0);
    assert_false(enlight_hypercalls_enabled(&e));
    /* A page outside RAM: #GP, the MSR keeps its value. */
    assert_int_equal(enlight_msr_write(&e, &vp, HV_X64_MSR_GUEST_OS_ID, 1), 0);
    assert_int_equal(enlight_msr_write(&e, &vp, HV_X64_MSR_HYPERCALL, 0x7FFFF000 | 1), -1);
    assert_int_equal(enlight_msr_read(&e, &vp, HV_X64_MSR_HYPERCALL, &v), 0);
    assert_int_equal(v, 3 * 4096);
    /* Locked: later writes change nothing. */
    assert_int_equal(enlight_msr_write(&e, &vp, HV_X64_MSR_HYPERCALL, 3 * 4096 | 3), 0);
    assert_int_equal(enlight_msr_write(&e, &vp, HV_X64_MSR_HYPERCALL, 0), 0);
    assert_int_equal(enlight_msr_read(&e, &vp, HV_X64_MSR_HYPERCALL, &v), 0);
    assert_int_equal(v, 3 * 4096 | 3);
}

static void test_read_only_and_per_vp(void **state)
{
    struct enlight_partition e;
    uint64_t assist = 0;
    struct enlight_vp vp = {.vp_index = 3,
                            .host_tsc = 250 * 42,
                            .apic_hz = 1000000000,
                            .vp_assist = &assist,
                            .mem = &mem};
    uint64_t v;

    (void)state;
    enlight_init(&e, 0, TSC_HZ, vmmcall);
    assert_int_equal(enlight_msr_read(&e, &vp, HV_X64_MSR_VP_INDEX, &v), 0);
    assert_int_equal(v, 3);
    assert_int_equal(enlight_msr_read(&e, &vp, HV_X64_MSR_TIME_REF_COUNT, &v), 0);
    assert_int_equal(v, 42);
    assert_int_equal(enlight_msr_read(&e, &vp, HV_X64_MSR_TSC_FREQUENCY, &v), 0);
    assert_int_equal(v, TSC_HZ);
    assert_int_equal(enlight_msr_read(&e, &vp, HV_X64_MSR_APIC_FREQUENCY, &v), 0);
    assert_int_equal(v, 1000000000);
    assert_int_equal(enlight_msr_write(&e, &vp, HV_X64_MSR_VP_INDEX, 1), -1);
    assert_int_equal(enlight_msr_write(&e, &vp, HV_X64_MSR_TIME_REF_COUNT, 1), -1);
    assert_int_equal(enlight_msr_write(&e, &vp, HV_X64_MSR_TSC_FREQUENCY, 1), -1);
    assert_int_equal(enlight_msr_write(&e, &vp, HV_X64_MSR_VP_ASSIST_PAGE, 5 * 4096 | 1), 0);
    assert_int_equal(assist, 5 * 4096 | 1);
    assert_true(enlight_msr_is_ours(HV_X64_MSR_VP_ASSIST_PAGE));
    assert_false(enlight_msr_is_ours(0x40000003));
}

/* The TSC page gives what TIME_REF_COUNT gives, whatever the VP's TSC
 * offset, to within a unit. */
static void test_tsc_page_agrees_with_msr(void **state)
{
    static const uint64_t offsets[] = {0, 123456789, (uint64_t)-1000000};
    struct enlight_partition e;
    const struct hv_ref_tsc_page *pg = (const void *)ram[4];
    uint64_t assist = 0, v;

    (void)state;
    for (size_t i = 0; i < sizeof(offsets) / sizeof(offsets[0]); i++) {
        struct enlight_vp vp = {
            .host_tsc = 7000000000ULL, .tsc_offset = offsets[i], .vp_assist = &assist, .mem = &mem};

        enlight_init(&e, 1000000, TSC_HZ, vmmcall);
        assert_int_equal(enlight_msr_write(&e, &vp, HV_X64_MSR_REFERENCE_TSC, 4 * 4096 | 1), 0);
        assert_int_not_equal(pg->sequence, 0);
        for (uint64_t t = 7000000000ULL; t < 7000000000ULL + 5 * TSC_HZ; t += TSC_HZ / 3) {
            uint64_t guest = t + offsets[i];
            int64_t page = (int64_t)(mulhi64(guest, pg->scale) + (uint64_t)pg->offset);

            vp.host_tsc = t;
            assert_int_equal(enlight_msr_read(&e, &vp, HV_X64_MSR_TIME_REF_COUNT, &v), 0);
            assert_true(page - (int64_t)v <= 1 && (int64_t)v - page <= 1);
        }
    }
    /* Outside RAM: #GP. */
    struct enlight_vp vp = {.vp_assist = &assist, .mem = &mem};
    assert_int_equal(enlight_msr_write(&e, &vp, HV_X64_MSR_REFERENCE_TSC, 0x7FFFF000 | 1), -1);
}

/* ---- the child's hypercalls --------------------------------------------------------------- */

#define POST   HVCALL_POST_MESSAGE
#define SIGNAL HVCALL_SIGNAL_EVENT
#define FAST   HV_HYPERCALL_FAST

static struct hv_input_post_message *post_input(uint64_t gpa)
{
    struct hv_input_post_message *in = (void *)((uint8_t *)ram + gpa);

    memset(in, 0, sizeof(*in));
    in->connection_id = 4;
    in->message_type = 1;
    in->payload_size = 24;
    return in;
}

static uint16_t call(uint64_t control, uint64_t input, struct hv_x64_hypercall_intercept_message *f)
{
    uint16_t st = 0xFFFF;

    memset(f, 0, sizeof(*f));
    if (child_hypercall(control, input, &mem, &st, f))
        return 0xF0F0; /* forwarded */
    return st;
}

static void test_hypercall_forwarding(void **state)
{
    struct hv_x64_hypercall_intercept_message f;
    struct hv_input_signal_event se = {.connection_id = 0x101, .flag_number = 7};
    uint64_t fast;

    (void)state;
    post_input(4096 + 512);
    assert_int_equal(call(POST, 4096 + 512, &f), 0xF0F0);
    assert_int_equal(f.call_code, POST);
    assert_int_equal(f.connection_id, 4);
    assert_int_equal(f.message_type, 1);
    assert_int_equal(f.payload_size, 24);
    assert_int_equal(f.payload_gpa, 4096 + 512 + 16);
    memcpy(&fast, &se, 8);
    assert_int_equal(call(SIGNAL | FAST, fast, &f), 0xF0F0);
    assert_int_equal(f.call_code, SIGNAL);
    assert_int_equal(f.connection_id, 0x101);
    assert_int_equal(f.flag_number, 7);
    memcpy(ram[5], &se, 8);
    assert_int_equal(call(SIGNAL, 5 * 4096, &f), 0xF0F0);
    assert_int_equal(f.connection_id, 0x101);
}

static void test_hostile_hypercalls(void **state)
{
    struct hv_x64_hypercall_intercept_message f;
    struct hv_input_post_message *in;

    (void)state;
    /* Codes children do not have, parent calls included. */
    assert_int_equal(call(0, 0, &f), HV_STATUS_INVALID_HYPERCALL_CODE);
    assert_int_equal(call(HVCALL_CREATE_PARTITION, 0, &f), HV_STATUS_INVALID_HYPERCALL_CODE);
    assert_int_equal(call(HVCALL_DISPATCH_VP, 0, &f), HV_STATUS_INVALID_HYPERCALL_CODE);
    assert_int_equal(call(0xFFFF, 0, &f), HV_STATUS_INVALID_HYPERCALL_CODE);
    /* Malformed control words. */
    post_input(0);
    assert_int_equal(call(POST | 1ULL << 31, 0, &f), HV_STATUS_INVALID_HYPERCALL_INPUT);
    assert_int_equal(call(POST | FAST, 0, &f), HV_STATUS_INVALID_HYPERCALL_INPUT);
    assert_int_equal(call(POST | 1ULL << 32, 0, &f), HV_STATUS_INVALID_HYPERCALL_INPUT);
    assert_int_equal(call(POST | 1ULL << 17, 0, &f), HV_STATUS_INVALID_HYPERCALL_INPUT);
    assert_int_equal(call(SIGNAL | FAST | 0xFFFULL << 32, 0, &f),
                     HV_STATUS_INVALID_HYPERCALL_INPUT);
    assert_int_equal(call(POST | 5ULL << 48, 0, &f), HV_STATUS_INVALID_HYPERCALL_INPUT);
    /* Where the input is: unaligned, across a page, outside RAM, wrapping. */
    assert_int_equal(call(POST, 4, &f), HV_STATUS_INVALID_ALIGNMENT);
    assert_int_equal(call(POST, 4096 - 64, &f), HV_STATUS_INVALID_ALIGNMENT);
    assert_int_equal(call(POST, RAM_PAGES * 4096ULL, &f), HV_STATUS_INVALID_ALIGNMENT);
    assert_int_equal(call(POST, (1ULL << 40) - 4096, &f), HV_STATUS_INVALID_ALIGNMENT);
    assert_int_equal(call(POST, UINT64_MAX & ~7ULL, &f), HV_STATUS_INVALID_ALIGNMENT);
    assert_int_equal(call(SIGNAL, 6 * 4096 + 4, &f), HV_STATUS_INVALID_ALIGNMENT);
    assert_int_equal(call(SIGNAL, 1ULL << 40, &f), HV_STATUS_INVALID_ALIGNMENT);
    /* Bad input values. */
    in = post_input(0);
    in->payload_size = 241;
    assert_int_equal(call(POST, 0, &f), HV_STATUS_INVALID_PARAMETER);
    in = post_input(0);
    in->message_type = 0;
    assert_int_equal(call(POST, 0, &f), HV_STATUS_INVALID_PARAMETER);
    in->message_type = 0x80000001;
    assert_int_equal(call(POST, 0, &f), HV_STATUS_INVALID_PARAMETER);
    in = post_input(0);
    in->reserved = 1;
    assert_int_equal(call(POST, 0, &f), HV_STATUS_INVALID_HYPERCALL_INPUT);
    in = post_input(0);
    in->connection_id = 1u << 24;
    assert_int_equal(call(POST, 0, &f), HV_STATUS_INVALID_CONNECTION_ID);
    assert_int_equal(call(SIGNAL | FAST, 1ULL << 48 | 1, &f), HV_STATUS_INVALID_HYPERCALL_INPUT);
    assert_int_equal(call(SIGNAL | FAST, 0xFF000001ULL, &f), HV_STATUS_INVALID_CONNECTION_ID);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(test_reset_state, setup),
        cmocka_unit_test_setup(test_msr_refusals, setup),
        cmocka_unit_test_setup(test_enable_clears_pages, setup),
        cmocka_unit_test_setup(test_post_into_empty_slot, setup),
        cmocka_unit_test_setup(test_full_slot_pending_and_eom, setup),
        cmocka_unit_test_setup(test_post_refusals, setup),
        cmocka_unit_test_setup(test_masked_and_polled_sints, setup),
        cmocka_unit_test_setup(test_event_flags, setup),
        cmocka_unit_test_setup(test_stimer_one_shot_like_linux, setup),
        cmocka_unit_test_setup(test_stimer_periodic_and_limits, setup),
        cmocka_unit_test_setup(test_ref_clock, setup),
        cmocka_unit_test_setup(test_hypercall_page, setup),
        cmocka_unit_test_setup(test_read_only_and_per_vp, setup),
        cmocka_unit_test_setup(test_tsc_page_agrees_with_msr, setup),
        cmocka_unit_test_setup(test_hypercall_forwarding, setup),
        cmocka_unit_test_setup(test_hostile_hypercalls, setup),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
