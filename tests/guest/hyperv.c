// SPDX-License-Identifier: GPL-2.0-only
/*
 * The Hyper-V interface a child sees (TLFS): enabling the hypercall page
 * for the bench, and hvtest=hypercalls, which checks the CPUID leaves, the
 * synthetic MSRs and the hypercalls, most of all what they do with hostile
 * input.  The numbers here are the TLFS's, written out again rather than
 * taken from the hypervisor's headers, so that a wrong constant there is
 * caught here.
 */
#include "hvtest.h"

/* ---- the interface (TLFS) ------------------------------------------------------------ */

#define CPUID_HV_VENDOR    0x40000000
#define CPUID_HV_INTERFACE 0x40000001
#define CPUID_HV_FEATURES  0x40000003
#define HV_MAX_LEAF        0x40000005
#define HV_INTERFACE_HV1   0x31237648 /* "Hv#1" */
/* Partition privileges: AccessPartitionReferenceCounter, AccessSynicRegs,
 * AccessSyntheticTimerRegs, AccessHypercallMsrs, AccessVpIndex,
 * AccessPartitionReferenceTsc, AccessFrequencyMsrs (EAX); PostMessages,
 * SignalEvents (EBX); frequency MSRs and direct synthetic timers (EDX). */
#define HV_PRIVILEGES_EAX 0xA6E
#define HV_PRIVILEGES_EBX 0x30
#define HV_FEATURES_EDX   ((1u << 8) | (1u << 19))

#define HV_MSR_VP_INDEX       0x40000002
#define HV_MSR_TIME_REF_COUNT 0x40000020
#define HV_MSR_REFERENCE_TSC  0x40000021
#define HV_MSR_TSC_FREQUENCY  0x40000022
#define HV_MSR_APIC_FREQUENCY 0x40000023
#define HV_MSR_EOI            0x40000070 /* not offered: AccessApicMsrs is clear */
#define HV_MSR_VP_ASSIST_PAGE 0x40000073
#define HV_MSR_SVERSION       0x40000081
#define HV_MSR_SIMP           0x40000083
#define HV_MSR_SINT2          0x40000092
#define HV_MSR_STIMER0_CONFIG 0x400000B0
#define HV_MSR_UNKNOWN        0x400000FF /* in the synthetic range, not defined */
#define HV_MSR_ENABLE         1ULL

#define HV_SINT_MASKED        (1ULL << 16)
#define HV_STIMER_ENABLE      (1ULL << 0)
#define HV_STIMER_VECTOR(v)   ((uint64_t)(v) << 4)
#define HV_STIMER_DIRECT      (1ULL << 12)
#define HV_FIRST_VALID_VECTOR 16 /* 0-15 are exceptions */

/* Hyper-V's guest OS id for an open-source OS (bit 63) of type Linux (1,
 * bits 62:56), version 0: what matters is that it is not 0, without which
 * the hypercall page does not enable. */
#define HVTEST_GUEST_OS_ID 0x8100000000000000ULL

/* The hypercall control word (RCX). */
#define HC_FAST         (1ULL << 16)
#define HC_VARHEAD(n)   ((uint64_t)(n) << 17)
#define HC_REP_COUNT(n) ((uint64_t)(n) << 32)
#define HC_REP_START(n) ((uint64_t)(n) << 48)

#define HVCALL_CREATE_PARTITION 0x0040 /* the parent's; a child has no such call */
#define HVCALL_POST_MESSAGE     0x005C
#define HVCALL_SIGNAL_EVENT     0x005D

#define HV_STATUS_SUCCESS                 0x0000
#define HV_STATUS_INVALID_HYPERCALL_CODE  0x0002
#define HV_STATUS_INVALID_HYPERCALL_INPUT 0x0003
#define HV_STATUS_INVALID_ALIGNMENT       0x0004
#define HV_STATUS_INVALID_PARAMETER       0x0005
#define HV_STATUS_INVALID_CONNECTION_ID   0x0012

#define HV_MESSAGE_PAYLOAD_SIZE 240
#define HV_CONNECTION_ID_LIMIT  0x1000000 /* connection ids are 24 bits */
#define VMBUS_MESSAGE_TYPE      1
/* A connection the worker's VMBus server does not serve (it serves 1 and 4,
 * and 0x100 + the relid of an open channel). */
#define UNSERVED_CONNECTION 0x7777

#define VEC_UD 6
#define VEC_GP 13

/* 1 ms in the reference clock's 100 ns units. */
#define REF_1MS 10000

/* Packed: the checks also place them at unaligned addresses. */
struct post_message_input {
    uint32_t connection_id;
    uint32_t reserved;
    uint32_t message_type;
    uint32_t payload_size;
    uint8_t payload[HV_MESSAGE_PAYLOAD_SIZE];
} __attribute__((packed));

struct signal_event_input {
    uint32_t connection_id;
    uint16_t flag_number;
    uint16_t reserved;
} __attribute__((packed));

struct ref_tsc_page {
    uint32_t sequence; /* 0: not valid, use TIME_REF_COUNT */
    uint32_t reserved;
    uint64_t scale;
    int64_t offset;
};

/* The 64-bit TSS: only RSP0 matters, the stack an exception from ring 3
 * comes in on. */
struct tss {
    uint32_t reserved0;
    uint64_t rsp[3];
    uint64_t reserved1;
    uint64_t ist[7];
    uint64_t reserved2;
    uint16_t reserved3;
    uint16_t iomap_base;
} __attribute__((packed));

_Static_assert(sizeof(struct tss) == 104, "the TSS is 104 bytes");

/* Pages the hypervisor is told about, in .bss: our RAM, identity-mapped. */
static uint8_t hypercall_page[4096] __attribute__((aligned(4096)));
static uint8_t tsc_page[4096] __attribute__((aligned(4096)));
/* Two: an input that crosses from the first into the second crosses into
 * RAM, so that crossing is all that is wrong with it. */
static uint8_t input_pages[2][4096] __attribute__((aligned(4096)));

static uint64_t gpa(const void *p)
{
    return (uint64_t)(uintptr_t)p;
}

/* ---- the bench's part ---------------------------------------------------------------- */

bool hyperv_present(void)
{
    uint32_t a, b, c, d;

    cpuid(CPUID_HV_VENDOR, &a, &b, &c, &d);
    /* "Microsoft Hv" in EBX, ECX, EDX. */
    return b == 0x7263694D && c == 0x666F736F && d == 0x76482074;
}

const void *hyperv_enable_hypercalls(void)
{
    wrmsr(HV_MSR_GUEST_OS_ID, HVTEST_GUEST_OS_ID);
    wrmsr(HV_MSR_HYPERCALL, gpa(hypercall_page) | HV_MSR_ENABLE);
    return (rdmsr(HV_MSR_HYPERCALL) & HV_MSR_ENABLE) ? hypercall_page : NULL;
}

/* ---- checks and their FAIL lines ------------------------------------------------------ */

static unsigned checks; /* the number of the check under way */

_Noreturn static void fail(const char *what, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

_Noreturn static void fail(const char *what, const char *fmt, ...)
{
    char detail[256];
    va_list ap;

    va_start(ap, fmt);
    fmt_vsnprintf(detail, sizeof(detail), fmt, ap);
    va_end(ap);
    finish("hypercalls FAIL: check %u (%s): %s", checks, what, detail);
}

static void check_eq(const char *what, uint64_t want, uint64_t got)
{
    checks++;
    if (got != want)
        fail(what, "expected 0x%lx got 0x%lx", want, got);
}

static void check_fault(const char *what, int want, int got)
{
    checks++;
    if (got != want)
        fail(what, "expected %s got %s", exception_name(want), exception_name(got));
}

static const char *status_name(uint64_t st)
{
    switch (st) {
    case HV_STATUS_SUCCESS:
        return "SUCCESS";
    case HV_STATUS_INVALID_HYPERCALL_CODE:
        return "INVALID_HYPERCALL_CODE";
    case HV_STATUS_INVALID_HYPERCALL_INPUT:
        return "INVALID_HYPERCALL_INPUT";
    case HV_STATUS_INVALID_ALIGNMENT:
        return "INVALID_ALIGNMENT";
    case HV_STATUS_INVALID_PARAMETER:
        return "INVALID_PARAMETER";
    case HV_STATUS_INVALID_CONNECTION_ID:
        return "INVALID_CONNECTION_ID";
    default:
        return "?";
    }
}

/* Reading @msr gives @want. */
static void msr_reads(const char *what, uint32_t msr, uint64_t want)
{
    uint64_t v;
    int vec = rdmsr_safe(msr, &v);

    checks++;
    if (vec != NO_FAULT)
        fail(what, "expected 0x%lx got %s", want, exception_name(vec));
    if (v != want)
        fail(what, "expected 0x%lx got 0x%lx", want, v);
}

/* Reading @msr does not fault: its value. */
static uint64_t msr_read(const char *what, uint32_t msr)
{
    uint64_t v;
    int vec = rdmsr_safe(msr, &v);

    checks++;
    if (vec != NO_FAULT)
        fail(what, "expected a value got %s", exception_name(vec));
    return v;
}

static void msr_write(const char *what, uint32_t msr, uint64_t val)
{
    check_fault(what, NO_FAULT, wrmsr_safe(msr, val));
}

static void msr_write_gp(const char *what, uint32_t msr, uint64_t val)
{
    check_fault(what, VEC_GP, wrmsr_safe(msr, val));
}

static void msr_read_gp(const char *what, uint32_t msr)
{
    uint64_t v;

    check_fault(what, VEC_GP, rdmsr_safe(msr, &v));
}

/* ---- hypercalls ----------------------------------------------------------------------- */

/* Through the hypercall page, as a guest makes them.  The page's code is
 * VMMCALL; RET: RAX is the status, the other registers are kept. */
static uint64_t hv_call(uint64_t control, uint64_t input)
{
    register uint64_t r8 __asm__("r8") = 0; /* output GPA: these calls have none */
    uint64_t status;

    __asm__ volatile("call *%[page]"
                     : "=a"(status), "+c"(control), "+d"(input), "+r"(r8)
                     : [page] "r"(hypercall_page)
                     : "cc", "memory");
    return status;
}

/* The full RAX, not only its status bits: a simple call completes no reps
 * and the rest of RAX must read 0. */
static void call_status(const char *what, uint64_t control, uint64_t input, uint64_t want)
{
    uint64_t got = hv_call(control, input);

    checks++;
    if (got != want)
        fail(what, "expected status 0x%lx (%s) got 0x%lx (%s)", want, status_name(want), got,
             status_name(got));
}

/* A well-formed HvPostMessage input at @p (a VMBus message with a payload
 * of 16 zero bytes, to a connection nobody serves): each check spoils one
 * thing in it, or in the control word, or in where it is. */
static struct post_message_input *post_input(void *p)
{
    struct post_message_input *in = p;

    for (size_t i = 0; i < sizeof(*in); i++)
        ((volatile uint8_t *)p)[i] = 0;
    in->connection_id = UNSERVED_CONNECTION;
    in->message_type = VMBUS_MESSAGE_TYPE;
    in->payload_size = 16;
    return in;
}

static void post_status(const char *what, uint64_t control, uint64_t addr, uint64_t want)
{
    call_status(what, HVCALL_POST_MESSAGE | control, addr, want);
}

static void check_post_message(uint64_t ram_top)
{
    uint8_t *page = input_pages[0];
    struct post_message_input *in = post_input(page);

    /* The control word: the call must be exactly what it says. */
    post_status("HvPostMessage, reserved control bit 31", 1ULL << 31, gpa(in),
                HV_STATUS_INVALID_HYPERCALL_INPUT);
    post_status("HvPostMessage, reserved control bit 27", 1ULL << 27, gpa(in),
                HV_STATUS_INVALID_HYPERCALL_INPUT);
    post_status("HvPostMessage, reserved control bit 63", 1ULL << 63, gpa(in),
                HV_STATUS_INVALID_HYPERCALL_INPUT);
    post_status("HvPostMessage, fast", HC_FAST, gpa(in), HV_STATUS_INVALID_HYPERCALL_INPUT);
    post_status("HvPostMessage, rep count 1", HC_REP_COUNT(1), gpa(in),
                HV_STATUS_INVALID_HYPERCALL_INPUT);
    post_status("HvPostMessage, rep start 1 without a count", HC_REP_START(1), gpa(in),
                HV_STATUS_INVALID_HYPERCALL_INPUT);
    post_status("HvPostMessage, variable header 1", HC_VARHEAD(1), gpa(in),
                HV_STATUS_INVALID_HYPERCALL_INPUT);

    /* Where the input is: 8-byte aligned, in one page, in our RAM.  The
     * ones that are ours hold a well-formed input. */
    in = post_input(page + 4);
    post_status("HvPostMessage, input at page + 4", 0, gpa(in), HV_STATUS_INVALID_ALIGNMENT);
    in = post_input(page + 4096 - 64);
    post_status("HvPostMessage, input crossing a page", 0, gpa(in), HV_STATUS_INVALID_ALIGNMENT);
    post_status("HvPostMessage, input at 0xFFFFF000 (MMIO hole)", 0, 0xFFFFF000ULL,
                HV_STATUS_INVALID_ALIGNMENT);
    post_status("HvPostMessage, input at 1 TiB - 4 KiB", 0, (1ULL << 40) - 4096,
                HV_STATUS_INVALID_ALIGNMENT);
    post_status("HvPostMessage, input at 1 TiB", 0, 1ULL << 40, HV_STATUS_INVALID_ALIGNMENT);
    post_status("HvPostMessage, input at 2^64 - 4 KiB", 0, 0xFFFFFFFFFFFFF000ULL,
                HV_STATUS_INVALID_ALIGNMENT);
    post_status("HvPostMessage, input in the page above RAM", 0,
                (ram_top + PAGE_SIZE - 1) & ~(PAGE_SIZE - 1), HV_STATUS_INVALID_ALIGNMENT);

    /* The input's fields. */
    in = post_input(page);
    in->payload_size = HV_MESSAGE_PAYLOAD_SIZE + 1;
    post_status("HvPostMessage, payload_size 241", 0, gpa(in), HV_STATUS_INVALID_PARAMETER);
    in = post_input(page);
    in->message_type = 0;
    post_status("HvPostMessage, message_type 0", 0, gpa(in), HV_STATUS_INVALID_PARAMETER);
    in = post_input(page);
    in->message_type = 0x80000001;
    post_status("HvPostMessage, message_type 0x80000001 (the hypervisor's)", 0, gpa(in),
                HV_STATUS_INVALID_PARAMETER);
    in = post_input(page);
    in->reserved = 1;
    post_status("HvPostMessage, reserved field 1", 0, gpa(in), HV_STATUS_INVALID_HYPERCALL_INPUT);
    in = post_input(page);
    in->connection_id = HV_CONNECTION_ID_LIMIT;
    post_status("HvPostMessage, connection id 0x1000000", 0, gpa(in),
                HV_STATUS_INVALID_CONNECTION_ID);

    /* Well-formed: the hypervisor passes it to the worker, which serves
     * no such connection. */
    in = post_input(page);
    post_status("HvPostMessage, type 1 to connection 0x7777 (worker)", 0, gpa(in),
                HV_STATUS_INVALID_CONNECTION_ID);
}

/* The fast form's input register: the structure, little-endian. */
static uint64_t signal_fast(uint32_t connection_id, uint16_t flag, uint16_t reserved)
{
    return connection_id | (uint64_t)flag << 32 | (uint64_t)reserved << 48;
}

static void check_signal_event(void)
{
    uint8_t *page = input_pages[0];
    struct signal_event_input *in = (struct signal_event_input *)(page + 4);

    call_status("HvSignalEvent fast, reserved bits 48-63", HVCALL_SIGNAL_EVENT | HC_FAST,
                signal_fast(UNSERVED_CONNECTION, 0, 0x8000), HV_STATUS_INVALID_HYPERCALL_INPUT);
    call_status("HvSignalEvent fast, rep count 1", HVCALL_SIGNAL_EVENT | HC_FAST | HC_REP_COUNT(1),
                signal_fast(UNSERVED_CONNECTION, 0, 0), HV_STATUS_INVALID_HYPERCALL_INPUT);
    call_status("HvSignalEvent fast, connection id 0x1000000", HVCALL_SIGNAL_EVENT | HC_FAST,
                signal_fast(HV_CONNECTION_ID_LIMIT, 0, 0), HV_STATUS_INVALID_CONNECTION_ID);
    call_status("HvSignalEvent fast to connection 0x7777 (worker)", HVCALL_SIGNAL_EVENT | HC_FAST,
                signal_fast(UNSERVED_CONNECTION, 0, 0), HV_STATUS_INVALID_CONNECTION_ID);

    in->connection_id = UNSERVED_CONNECTION;
    in->flag_number = 0;
    in->reserved = 0;
    call_status("HvSignalEvent slow, input at page + 4", HVCALL_SIGNAL_EVENT, gpa(in),
                HV_STATUS_INVALID_ALIGNMENT);
    call_status("HvSignalEvent slow, input at 0xFFFFF000 (MMIO hole)", HVCALL_SIGNAL_EVENT,
                0xFFFFF000ULL, HV_STATUS_INVALID_ALIGNMENT);
    in = (struct signal_event_input *)page;
    in->connection_id = UNSERVED_CONNECTION;
    in->flag_number = 0;
    in->reserved = 1;
    call_status("HvSignalEvent slow, reserved field 1", HVCALL_SIGNAL_EVENT, gpa(in),
                HV_STATUS_INVALID_HYPERCALL_INPUT);
    in->reserved = 0;
    call_status("HvSignalEvent slow to connection 0x7777 (worker)", HVCALL_SIGNAL_EVENT, gpa(in),
                HV_STATUS_INVALID_CONNECTION_ID);
}

/* ---- the pieces of the interface --------------------------------------------------------- */

static void check_cpuid(void)
{
    uint32_t a, b, c, d;
    char sig[13];

    cpuid(CPUID_HV_VENDOR, &a, &b, &c, &d);
    checks++;
    if (!hyperv_present()) {
        for (unsigned i = 0; i < 4; i++) {
            sig[i] = (char)(b >> (8 * i));
            sig[4 + i] = (char)(c >> (8 * i));
            sig[8 + i] = (char)(d >> (8 * i));
        }
        for (unsigned i = 0; i < 12; i++)
            if (sig[i] < 0x20 || sig[i] > 0x7E)
                sig[i] = '.';
        sig[12] = '\0';
        fail("CPUID 0x40000000 signature", "expected 'Microsoft Hv' got '%s'", sig);
    }
    check_eq("CPUID 0x40000000 EAX (highest leaf)", HV_MAX_LEAF, a);
    cpuid(CPUID_HV_INTERFACE, &a, &b, &c, &d);
    check_eq("CPUID 0x40000001 EAX (interface)", HV_INTERFACE_HV1, a);
    cpuid(CPUID_HV_FEATURES, &a, &b, &c, &d);
    /* Exactly these: a privilege more (CpuManagement, say) is the
     * parent's and must not reach a child unnoticed. */
    check_eq("CPUID 0x40000003 EAX (privileges)", HV_PRIVILEGES_EAX, a);
    check_eq("CPUID 0x40000003 EBX (privileges)", HV_PRIVILEGES_EBX, b);
    check_eq("CPUID 0x40000003 EDX (features)", HV_FEATURES_EDX, d);
}

static void check_vmmcall_ud(const char *what)
{
    uint64_t rax;

    /* A call that would be well-formed, so that only the #UD is wrong. */
    check_fault(what, VEC_UD,
                vmmcall_safe(HVCALL_SIGNAL_EVENT | HC_FAST, signal_fast(UNSERVED_CONNECTION, 0, 0),
                             0, &rax));
}

/* Enabling the hypercall page: only with a guest OS id, only on our RAM,
 * and then it holds VMMCALL; RET and INT3 after. */
static void check_hypercall_page(void)
{
    const uint64_t page = gpa(hypercall_page);
    const volatile uint8_t *code = hypercall_page;

    /* Not what the hypervisor writes, so that its writing (or not) shows. */
    for (unsigned i = 0; i < 4096; i++)
        ((volatile uint8_t *)hypercall_page)[i] = 0x5A;

    msr_reads("GUEST_OS_ID at start", HV_MSR_GUEST_OS_ID, 0);
    msr_reads("HYPERCALL at start", HV_MSR_HYPERCALL, 0);
    check_vmmcall_ud("VMMCALL before the hypercall page is enabled");

    msr_write("HYPERCALL enable while GUEST_OS_ID is 0", HV_MSR_HYPERCALL, page | HV_MSR_ENABLE);
    msr_reads("HYPERCALL after enabling while GUEST_OS_ID is 0", HV_MSR_HYPERCALL, page);
    check_vmmcall_ud("VMMCALL after enabling while GUEST_OS_ID is 0");

    msr_write("GUEST_OS_ID write", HV_MSR_GUEST_OS_ID, HVTEST_GUEST_OS_ID);
    msr_reads("GUEST_OS_ID read back", HV_MSR_GUEST_OS_ID, HVTEST_GUEST_OS_ID);
    msr_write_gp("HYPERCALL enable at 0xFFFFF000 (not RAM)", HV_MSR_HYPERCALL,
                 0xFFFFF000ULL | HV_MSR_ENABLE);
    msr_reads("HYPERCALL after the refused enable", HV_MSR_HYPERCALL, page);
    check_eq("hypercall page untouched by the refused enables", 0x5A, code[0]);

    msr_write("HYPERCALL enable", HV_MSR_HYPERCALL, page | HV_MSR_ENABLE);
    msr_reads("HYPERCALL read back", HV_MSR_HYPERCALL, page | HV_MSR_ENABLE);
    checks++;
    if (code[0] != 0x0F || code[1] != 0x01 || code[2] != 0xD9 || code[3] != 0xC3)
        fail("hypercall page code", "expected 0f 01 d9 c3 got %02x %02x %02x %02x", code[0],
             code[1], code[2], code[3]);
    checks++;
    for (unsigned i = 4; i < 4096; i++)
        if (code[i] != 0xCC)
            fail("hypercall page after the code", "expected 0xcc at offset 0x%x got 0x%x", i,
                 code[i]);
}

static void check_clock(void)
{
    volatile struct ref_tsc_page *pg = (volatile struct ref_tsc_page *)tsc_page;
    uint64_t t0, t1, scale, tsc, ref, now;
    uint32_t seq;
    int64_t offset, diff;

    /* Each read is an exit, which takes about as long as the clock's 100 ns
     * tick or longer: a thousand reads see it move. */
    t0 = msr_read("TIME_REF_COUNT read", HV_MSR_TIME_REF_COUNT);
    checks++;
    t1 = t0;
    for (unsigned i = 0; i < 1000 && t1 == t0; i++)
        rdmsr_safe(HV_MSR_TIME_REF_COUNT, &t1);
    if (t1 <= t0)
        fail("TIME_REF_COUNT advances", "expected more than 0x%lx got 0x%lx", t0, t1);
    msr_write_gp("TIME_REF_COUNT write", HV_MSR_TIME_REF_COUNT, t1);

    /* One check each: msr_read() counts it. */
    if (!msr_read("TSC_FREQUENCY read", HV_MSR_TSC_FREQUENCY))
        fail("TSC_FREQUENCY read", "expected non-zero got 0");
    msr_write_gp("TSC_FREQUENCY write", HV_MSR_TSC_FREQUENCY, 1000000000);
    if (!msr_read("APIC_FREQUENCY read", HV_MSR_APIC_FREQUENCY))
        fail("APIC_FREQUENCY read", "expected non-zero got 0");

    /* .bss starts zeroed: a sequence of 0 is "not valid", so a page the
     * hypervisor did not write fails. */
    msr_write("REFERENCE_TSC enable", HV_MSR_REFERENCE_TSC, gpa(tsc_page) | HV_MSR_ENABLE);
    msr_reads("REFERENCE_TSC read back", HV_MSR_REFERENCE_TSC, gpa(tsc_page) | HV_MSR_ENABLE);
    do {
        seq = pg->sequence;
        scale = pg->scale;
        offset = pg->offset;
        tsc = rdtsc_ordered();
    } while (seq && pg->sequence != seq);
    checks++;
    if (!seq)
        fail("reference TSC page sequence", "expected non-zero got 0");
    ref = (uint64_t)(((unsigned __int128)tsc * scale) >> 64) + (uint64_t)offset;
    now = msr_read("TIME_REF_COUNT after the reference TSC page", HV_MSR_TIME_REF_COUNT);
    diff = (int64_t)(now - ref);
    checks++;
    if (diff > REF_1MS || diff < -REF_1MS)
        fail("reference TSC page against TIME_REF_COUNT",
             "expected TIME_REF_COUNT 0x%lx +- 0x%x (1 ms) got 0x%lx (scale 0x%lx offset 0x%lx)",
             now, REF_1MS, ref, scale, (uint64_t)offset);
    msr_write_gp("REFERENCE_TSC enable at 0xFFFFF000 (not RAM)", HV_MSR_REFERENCE_TSC,
                 0xFFFFF000ULL | HV_MSR_ENABLE);
    msr_reads("REFERENCE_TSC after the refused enable", HV_MSR_REFERENCE_TSC,
              gpa(tsc_page) | HV_MSR_ENABLE);
}

static void check_msrs(void)
{
    msr_reads("VP_INDEX read", HV_MSR_VP_INDEX, 0);
    msr_write_gp("VP_INDEX write", HV_MSR_VP_INDEX, 1);
    msr_reads("VP_INDEX after the refused write", HV_MSR_VP_INDEX, 0);
    msr_reads("SVERSION read", HV_MSR_SVERSION, 1);
    msr_write_gp("SVERSION write", HV_MSR_SVERSION, 2);

    /* The VP assist page is accepted and kept, nothing more. */
    msr_write("VP_ASSIST_PAGE enable", HV_MSR_VP_ASSIST_PAGE, gpa(input_pages[1]) | HV_MSR_ENABLE);
    msr_reads("VP_ASSIST_PAGE read back", HV_MSR_VP_ASSIST_PAGE,
              gpa(input_pages[1]) | HV_MSR_ENABLE);
    msr_write("VP_ASSIST_PAGE disable", HV_MSR_VP_ASSIST_PAGE, 0);

    /* An unmasked SINT with an exception's vector would deliver one. */
    msr_write_gp("SINT2 unmasked, vector 15", HV_MSR_SINT2, HV_FIRST_VALID_VECTOR - 1);
    msr_reads("SINT2 after the refused write", HV_MSR_SINT2, HV_SINT_MASKED);
    msr_write("SINT2 masked, vector 15", HV_MSR_SINT2, HV_SINT_MASKED | 15);
    msr_reads("SINT2 masked read back", HV_MSR_SINT2, HV_SINT_MASKED | 15);
    msr_write("SINT2 unmasked, vector 0xF3", HV_MSR_SINT2, 0xF3);
    msr_reads("SINT2 unmasked read back", HV_MSR_SINT2, 0xF3);
    msr_write("SINT2 masked again", HV_MSR_SINT2, HV_SINT_MASKED);
    msr_write_gp("SIMP enable at 0xFFFFF000 (not RAM)", HV_MSR_SIMP, 0xFFFFF000ULL | HV_MSR_ENABLE);

    /* The same rule for a direct-mode timer, checked when it is enabled. */
    msr_write_gp("STIMER0_CONFIG enabled, direct, vector 5", HV_MSR_STIMER0_CONFIG,
                 HV_STIMER_ENABLE | HV_STIMER_DIRECT | HV_STIMER_VECTOR(5));
    msr_reads("STIMER0_CONFIG after the refused write", HV_MSR_STIMER0_CONFIG, 0);
    msr_write("STIMER0_CONFIG disabled, direct, vector 5", HV_MSR_STIMER0_CONFIG,
              HV_STIMER_DIRECT | HV_STIMER_VECTOR(5));
    msr_reads("STIMER0_CONFIG read back", HV_MSR_STIMER0_CONFIG,
              HV_STIMER_DIRECT | HV_STIMER_VECTOR(5));
    msr_write("STIMER0_CONFIG cleared", HV_MSR_STIMER0_CONFIG, 0);

    msr_read_gp("unknown synthetic MSR 0x400000FF read", HV_MSR_UNKNOWN);
    msr_write_gp("unknown synthetic MSR 0x400000FF write", HV_MSR_UNKNOWN, 0);
    msr_read_gp("EOI MSR 0x40000070 (not offered) read", HV_MSR_EOI);
}

static void check_call_codes(void)
{
    call_status("call code 0", 0, 0, HV_STATUS_INVALID_HYPERCALL_CODE);
    call_status("call code 0x40 (HvCreatePartition, the parent's)", HVCALL_CREATE_PARTITION, 0,
                HV_STATUS_INVALID_HYPERCALL_CODE);
    call_status("call code 0xFFFF", 0xFFFF, 0, HV_STATUS_INVALID_HYPERCALL_CODE);
}

/* ---- ring 3 ----------------------------------------------------------------------------- */

/* An exception from ring 3 comes in on this stack (TSS RSP0). */
static uint8_t ring0_stack[8192] __attribute__((aligned(16)));
static struct tss tss;

/* A user process in a guest must not reach the hypervisor: VMMCALL from
 * CPL 3 is #UD even with the hypercall page enabled. */
static void check_user_vmmcall(void)
{
    const uint64_t base = gpa(&tss), limit = sizeof(tss) - 1;
    const uint64_t cr4_smep_smap = (1ULL << 20) | (1ULL << 21);
    uint64_t cr4 = read_cr4();

    /* Ring 3 needs pages with the user bit; ring 0 then runs on them too,
     * which SMEP and SMAP would refuse. */
    if (paging_init(((uint64_t)(uintptr_t)_image_end + SZ_2M - 1) & ~(SZ_2M - 1), true))
        finish("hypercalls FAIL: page-table pool too small for the image");
    if (cr4 & cr4_smep_smap)
        write_cr4(cr4 & ~cr4_smep_smap);

    tss.rsp[0] = gpa(ring0_stack + sizeof(ring0_stack));
    tss.iomap_base = sizeof(tss); /* no I/O bitmap: no port for ring 3 */
    /* An available 64-bit TSS (type 9), present, DPL 0. */
    gdt[TSS_SEL / 8] = (limit & 0xFFFF) | (base & 0xFFFFFF) << 16 | 0x89ULL << 40 |
                       ((limit >> 16) & 0xF) << 48 | ((base >> 24) & 0xFF) << 56;
    gdt[TSS_SEL / 8 + 1] = base >> 32;
    __asm__ volatile("ltr %w0" : : "r"((uint16_t)TSS_SEL) : "memory");

    last_fault.vector = NO_FAULT;
    user_vmmcall(HVCALL_SIGNAL_EVENT | HC_FAST);
    checks++;
    if (last_fault.rip == (uint64_t)(uintptr_t)user_vmmcall_after)
        fail("VMMCALL from ring 3", "expected #UD got none (VMMCALL returned to ring 3)");
    if (last_fault.vector != VEC_UD || last_fault.rip != (uint64_t)(uintptr_t)user_vmmcall_insn ||
        (last_fault.cs & 3) != 3)
        fail("VMMCALL from ring 3",
             "expected #UD at rip 0x%lx in ring 3 got %s at rip 0x%lx cs 0x%lx",
             (uint64_t)(uintptr_t)user_vmmcall_insn, exception_name(last_fault.vector),
             last_fault.rip, last_fault.cs);
}

/* ---- the test ---------------------------------------------------------------------------- */

_Noreturn void test_hypercalls(uint64_t ram_top)
{
    /* The page above RAM is one of the inputs that are not ours. */
    if (!ram_top)
        finish("hypercalls FAIL: no RAM in the e820 table");
    check_cpuid();
    check_hypercall_page();
    check_call_codes();
    check_msrs();
    check_clock();
    check_post_message(ram_top);
    check_signal_event();
    check_user_vmmcall();

    /* Without a guest OS id the page does not stay enabled. */
    msr_write("GUEST_OS_ID set to 0", HV_MSR_GUEST_OS_ID, 0);
    msr_reads("HYPERCALL after GUEST_OS_ID 0", HV_MSR_HYPERCALL, gpa(hypercall_page));
    check_vmmcall_ud("VMMCALL after GUEST_OS_ID 0");
    finish("hypercalls PASS: %u checks", checks);
}
