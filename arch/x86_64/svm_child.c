/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Child VPs on AMD-V: the VMCB a child runs with, its registers by TLFS
 * name, and the dispatch loop that runs it inside the parent's hypercall.
 *
 * A child intercepts every I/O port and every MSR except the ones the VMCB
 * switches, physical interrupts (they belong to the parent: the dispatch
 * returns so that the parent takes them), HLT, CPUID, XSETBV, the SVM
 * instructions, and #AC (so that an alignment-check loop cannot hold the
 * CPU inside event delivery).  Interrupts reach it through V_INTR_MASKING:
 * the guest's IF masks only its own virtual interrupts.
 *
 * FPU state: the parent's kernel calls dispatch inside kernel_fpu_begin(),
 * so the registers are ours to clobber; the child's state is restored on
 * entry to the dispatch and saved when it returns, with the child's XCR0
 * loaded in between and the parent's put back at the end.
 */
#include <string.h>

#include <arch/cpu.h>
#include <arch/guest_walk.h>
#include <arch/insn.h>
#include <arch/percpu.h>
#include <arch/svm.h>
#include <arch/svm_child.h>
#include <arch/svm_vp.h>
#include <arch/tsc.h>
#include <arch/vcpu.h>
#include <hv/child.h>
#include <hv/child_hypercall.h>
#include <hv/console.h>
#include <hv/cpuid_policy.h>
#include <hv/heap.h>

#define CHILD_ASID 2 /* the parent has 1; child VPs flush when they change places */

#define RFLAGS_IF      (1ULL << 9)
#define CR0_PE         (1ULL << 0)
#define CR4_OSXSAVE    (1ULL << 18)
#define EFER_LMA       (1ULL << 10)
#define EFER_GUEST     0xD01ULL /* SCE LME LMA NXE */
#define EFER_FFXSR     (1ULL << 14)
#define DEFAULT_PAT    0x0007040600070406ULL
#define MSR_EFER_NR    0xC0000080u
#define MSR_TSC        0x10u
#define MSR_PAT        0x277u
#define MSR_PATCHLEVEL 0x8Bu
/* AMD's interrupt pending message register: Linux reads it once at boot on
 * CPUs with erratum 400 (older families, which QEMU's default model is) to
 * see whether C1E is on.  The child's idle is HLT in a VP, so no C1E: 0. */
#define MSR_K8_INT_PENDING_MSG 0xC0010055u

#define INTERCEPT_VINTR   (1u << 4)
#define INTERCEPT_SMI     (1u << 2)
#define INTERCEPT_HLT     (1u << 24)
#define INTERCEPT_RDTSCP  (1u << 7) /* vector 4 */
#define INTERCEPT_MONITOR (1u << 10)
#define INTERCEPT_MWAIT   (1u << 11)
#define INTERCEPT_XSETBV  (1u << 13)

#define EXIT_SMI     0x062
#define EXIT_VINTR   0x064
#define EXIT_RDTSCP  0x087
#define EXIT_MONITOR 0x08A
#define EXIT_MWAIT   0x08B
#define EXIT_XSETBV  0x08D
#define EXIT_EXCP_AC (SVM_EXIT_EXCP_BASE + 17)

#define VINTR_V_IRQ          (1ULL << 8)
#define VINTR_PRIO_SHIFT     16
#define VINTR_IGN_TPR        (1ULL << 20)
#define VINTR_VECTOR_SHIFT   32 /* V_INTR_VECTOR, the byte at 0x64 */
#define VINTR_VECTOR_MASK    (0xFFULL << VINTR_VECTOR_SHIFT)
#define VINTR_MASKING        (1ULL << 24)
#define EVTINJ_TYPE_MASK     (7u << 8)
#define EVTINJ_TYPE_INTR     (0u << 8)
#define EXITINTINFO_VALID    (1ULL << 31)
#define TLB_CONTROL_FLUSH_ME 3 /* this guest's ASID only */
#define NPF_WRITE            (1ULL << 1)
#define NPF_FETCH            (1ULL << 4)

#define XCR0_X87 1ULL
#define XCR0_SSE 2ULL
#define XCR0_AVX 4ULL

const uint8_t svm_child_hypercall_insn[3] = {0x0F, 0x01, 0xD9};

static uint64_t child_iopm_pa, child_msrpm_pa;
static bool flush_by_asid, has_xsave;
static uint64_t xcr0_allowed = XCR0_X87 | XCR0_SSE;
static struct child_vp *last_child_on[MAX_CPUS]; /* whose TLB entries a CPU holds */

/* ---- FPU ---------------------------------------------------------------------------------- */

static inline uint64_t xgetbv0(void)
{
    uint32_t lo, hi;

    __asm__ volatile("xgetbv" : "=a"(lo), "=d"(hi) : "c"(0));
    return (uint64_t)hi << 32 | lo;
}

static inline void xsetbv0(uint64_t v)
{
    __asm__ volatile("xsetbv" : : "a"((uint32_t)v), "d"((uint32_t)(v >> 32)), "c"(0));
}

static bool xcr0_valid(uint64_t x);

/* The state is saved and restored with every component children may use
 * enabled, whatever the guest's XCR0: SSE registers work with XCR0 = 1
 * too, and XRSTOR refuses an image with components XCR0 lacks.  The
 * guest's XCR0 is live only while it runs. */
static void fpu_load(struct child_vp *cvp)
{
    if (has_xsave) {
        xsetbv0(xcr0_allowed);
        __asm__ volatile("xrstor64 (%0)" : : "r"(cvp->fpu_area), "a"(~0u), "d"(~0u) : "memory");
        xsetbv0(cvp->xcr0);
    } else {
        __asm__ volatile("fxrstor64 (%0)" : : "r"(cvp->fpu_area) : "memory");
    }
}

static void fpu_save(struct child_vp *cvp)
{
    if (has_xsave) {
        /* The guest's XCR0 as it is now: QEMU's TCG does not honour the
         * XSETBV intercept, so the guest may have set it directly (to a
         * value the CPU accepted; we keep what we allow). */
        uint64_t live = xgetbv0();

        if (xcr0_valid(live))
            cvp->xcr0 = live;
        xsetbv0(xcr0_allowed);
        __asm__ volatile("xsave64 (%0)" : : "r"(cvp->fpu_area), "a"(~0u), "d"(~0u) : "memory");
    } else {
        __asm__ volatile("fxsave64 (%0)" : : "r"(cvp->fpu_area) : "memory");
    }
}

/* ---- set-up ------------------------------------------------------------------------------- */

static void msrpm_pass(uint8_t *pm, uint32_t msr)
{
    uint32_t base = 0;

    if (msr >= 0xC0000000) {
        base = 0x800;
        msr -= 0xC0000000;
    }
    pm[base + msr * 2 / 8] &= (uint8_t) ~(3u << (msr * 2 % 8));
}

int svm_child_init(struct page_pool *pool)
{
    static const uint32_t switched[] = {
        0x174,      0x175,      0x176,      /* SYSENTER_CS/ESP/EIP */
        0xC0000081, 0xC0000082, 0xC0000083, /* STAR LSTAR CSTAR */
        0xC0000084, 0xC0000100, 0xC0000101, /* SFMASK FS_BASE GS_BASE */
        0xC0000102,                         /* KERNEL_GS_BASE */
    };
    uint32_t a, b, c, d;

    child_iopm_pa = heap_alloc_zeroed(pool, 3);
    child_msrpm_pa = heap_alloc_zeroed(pool, 2);
    if (!child_iopm_pa || !child_msrpm_pa)
        return -1;
    memset((void *)child_iopm_pa, 0xFF, 3 * 4096);
    memset((void *)child_msrpm_pa, 0xFF, 2 * 4096);
    for (size_t i = 0; i < sizeof(switched) / sizeof(switched[0]); i++)
        msrpm_pass((uint8_t *)child_msrpm_pa, switched[i]);
    cpuid(0x8000000A, 0, &a, &b, &c, &d);
    flush_by_asid = d & SVM_FEATURE_FLUSH_BY_ASID;
    cpuid(1, 0, &a, &b, &c, &d);
    has_xsave = c & (1u << 26);
    if (has_xsave) {
        cpuid(0xD, 0, &a, &b, &c, &d);
        xcr0_allowed = a & (XCR0_X87 | XCR0_SSE | XCR0_AVX);
    }
    return 0;
}

void svm_child_vp_startup(struct child_vp *cvp, uint8_t vector)
{
    struct vmcb *v = cvp->vp.vmcb;

    svm_vp_set_startup(&cvp->vp, vector); /* the same architectural state as the parent's APs */
    v->cr2 = 0;
    v->interrupt_shadow = 0;
    v->g_pat = DEFAULT_PAT;
    cvp->in_hlt = false;
    cvp->xcr0 = XCR0_X87;
    /* The FPU's power-up state: control word 0x37F, MXCSR 0x1F80, nothing
     * in use (XSTATE_BV 0). */
    memset(cvp->fpu_area, 0, 4096);
    *(uint16_t *)cvp->fpu_area = 0x37F;
    *(uint32_t *)((uint8_t *)cvp->fpu_area + 24) = 0x1F80;
}

int svm_child_vp_init(struct child_vp *cvp, struct page_pool *pool)
{
    struct vmcb *v = (struct vmcb *)heap_alloc_zeroed(pool, 1);

    if (!v)
        return -1;
    cvp->vp.vmcb = v;
    v->intercept_misc1 = SVM_INTERCEPT_INTR | SVM_INTERCEPT_NMI | INTERCEPT_SMI |
                         SVM_INTERCEPT_INIT | SVM_INTERCEPT_CPUID | INTERCEPT_HLT |
                         SVM_INTERCEPT_INVLPGA | SVM_INTERCEPT_IOIO | SVM_INTERCEPT_MSR |
                         SVM_INTERCEPT_SHUTDOWN;
    v->intercept_misc2 = SVM_INTERCEPT_VMRUN | SVM_INTERCEPT_VMMCALL | SVM_INTERCEPT_VMLOAD |
                         SVM_INTERCEPT_VMSAVE | SVM_INTERCEPT_STGI | SVM_INTERCEPT_CLGI |
                         SVM_INTERCEPT_SKINIT | INTERCEPT_RDTSCP | INTERCEPT_MONITOR |
                         INTERCEPT_MWAIT | INTERCEPT_XSETBV;
    v->intercept_exc = 1u << 17; /* #AC */
    v->iopm_base_pa = child_iopm_pa;
    v->msrpm_base_pa = child_msrpm_pa;
    v->asid = CHILD_ASID;
    v->tlb_control = TLB_CONTROL_FLUSH_ALL;
    v->np_enable = 1;
    v->n_cr3 = slat_hw_root(&cvp->child->slat);
    v->vintr = VINTR_MASKING;
    svm_child_vp_startup(cvp, 0);
    /* The reset vector, F000:FFF0 with CS base FFFF0000. */
    v->cs.selector = 0xF000;
    v->cs.base = 0xFFFF0000;
    v->rip = 0xFFF0;
    return 0;
}

/* ---- registers by name -------------------------------------------------------------------- */

/* A VMCB field by name: they are naturally aligned, the packing is only
 * there to pin the layout. */
#define FIELD(v, m) ((__typeof__((v)->m) *)((uint8_t *)(v) + __builtin_offsetof(struct vmcb, m)))

static struct vmcb_seg *segment(struct vmcb *v, uint32_t name)
{
    switch (name) {
    case HV_X64_REGISTER_ES:
        return FIELD(v, es);
    case HV_X64_REGISTER_CS:
        return FIELD(v, cs);
    case HV_X64_REGISTER_SS:
        return FIELD(v, ss);
    case HV_X64_REGISTER_DS:
        return FIELD(v, ds);
    case HV_X64_REGISTER_FS:
        return FIELD(v, fs);
    case HV_X64_REGISTER_GS:
        return FIELD(v, gs);
    case HV_X64_REGISTER_LDTR:
        return FIELD(v, ldtr);
    case HV_X64_REGISTER_TR:
        return FIELD(v, tr);
    case HV_X64_REGISTER_IDTR:
        return FIELD(v, idtr);
    case HV_X64_REGISTER_GDTR:
        return FIELD(v, gdtr);
    default:
        return NULL;
    }
}

static uint64_t *msr_field(struct vmcb *v, uint32_t name)
{
    switch (name) {
    case HV_X64_REGISTER_RIP:
        return FIELD(v, rip);
    case HV_X64_REGISTER_RFLAGS:
        return FIELD(v, rflags);
    case HV_X64_REGISTER_CR0:
        return FIELD(v, cr0);
    case HV_X64_REGISTER_CR2:
        return FIELD(v, cr2);
    case HV_X64_REGISTER_CR3:
        return FIELD(v, cr3);
    case HV_X64_REGISTER_CR4:
        return FIELD(v, cr4);
    case HV_X64_REGISTER_DR7:
        return FIELD(v, dr7);
    case HV_X64_REGISTER_KERNEL_GS_BASE:
        return FIELD(v, kernel_gs_base);
    case HV_X64_REGISTER_PAT:
        return FIELD(v, g_pat);
    case HV_X64_REGISTER_SYSENTER_CS:
        return FIELD(v, sysenter_cs);
    case HV_X64_REGISTER_SYSENTER_EIP:
        return FIELD(v, sysenter_eip);
    case HV_X64_REGISTER_SYSENTER_ESP:
        return FIELD(v, sysenter_esp);
    case HV_X64_REGISTER_STAR:
        return FIELD(v, star);
    case HV_X64_REGISTER_LSTAR:
        return FIELD(v, lstar);
    case HV_X64_REGISTER_CSTAR:
        return FIELD(v, cstar);
    case HV_X64_REGISTER_SFMASK:
        return FIELD(v, sfmask);
    default:
        return NULL;
    }
}

uint16_t svm_child_get_reg(struct child_vp *cvp, uint32_t name, union hv_register_value *out)
{
    struct vmcb *v = cvp->vp.vmcb;
    struct vmcb_seg *s;
    uint64_t *f;

    if (name >= HV_X64_REGISTER_RAX && name <= HV_X64_REGISTER_R15) {
        out->reg64 = vcpu_gpr(&cvp->vp, name - HV_X64_REGISTER_RAX);
    } else if ((f = msr_field(v, name))) {
        out->reg64 = *f;
    } else if ((s = segment(v, name))) {
        if (name == HV_X64_REGISTER_IDTR || name == HV_X64_REGISTER_GDTR) {
            out->table.limit = (uint16_t)s->limit;
            out->table.base = s->base;
        } else {
            out->segment.base = s->base;
            out->segment.limit = s->limit;
            out->segment.selector = s->selector;
            out->segment.attributes = s->attrib;
        }
    } else if (name == HV_X64_REGISTER_EFER) {
        out->reg64 = v->efer & ~EFER_SVME;
    } else if (name == HV_X64_REGISTER_TSC) {
        out->reg64 = rdtsc() + v->tsc_offset;
    } else if (name == HV_X64_REGISTER_CR8) {
        out->reg64 = v->vintr & 0xF;
    } else if (name == HV_REGISTER_INTERRUPT_STATE) {
        out->reg64 = v->interrupt_shadow & 1;
    } else if (name == HV_REGISTER_PENDING_INTERRUPTION) {
        out->reg64 = v->eventinj;
    } else {
        return HV_STATUS_INVALID_PARAMETER;
    }
    return HV_STATUS_SUCCESS;
}

static bool pat_valid(uint64_t pat)
{
    for (int i = 0; i < 8; i++) {
        uint8_t t = (uint8_t)(pat >> (8 * i));

        if (t > 7 || t == 2 || t == 3)
            return false;
    }
    return true;
}

static bool xcr0_valid(uint64_t x)
{
    return (x & XCR0_X87) && !(x & ~xcr0_allowed) && (!(x & XCR0_AVX) || (x & XCR0_SSE));
}

uint16_t svm_child_set_reg(struct child_vp *cvp, uint32_t name, const union hv_register_value *in)
{
    struct vmcb *v = cvp->vp.vmcb;
    uint64_t val = in->reg64;
    struct vmcb_seg *s;

    /* Values VMRUN would refuse are caught when the VP is entered (the
     * parent gets an invalid-register-state message); the ones that would
     * let the child reach beyond itself are refused here. */
    if (name >= HV_X64_REGISTER_RAX && name <= HV_X64_REGISTER_R15) {
        vcpu_set_gpr(&cvp->vp, name - HV_X64_REGISTER_RAX, val);
    } else if ((s = segment(v, name))) {
        if (name == HV_X64_REGISTER_IDTR || name == HV_X64_REGISTER_GDTR) {
            s->limit = in->table.limit;
            s->base = in->table.base;
        } else {
            s->base = in->segment.base;
            s->limit = in->segment.limit;
            s->selector = in->segment.selector;
            s->attrib = in->segment.attributes & 0xFFF;
            if (name == HV_X64_REGISTER_SS)
                v->cpl = (s->attrib >> 5) & 3; /* the DPL of SS is the CPL */
        }
    } else if (name == HV_X64_REGISTER_EFER) {
        if (val & ~EFER_GUEST)
            return HV_STATUS_INVALID_PARAMETER;
        v->efer = val | EFER_SVME;
    } else if (name == HV_X64_REGISTER_PAT) {
        if (!pat_valid(val))
            return HV_STATUS_INVALID_PARAMETER;
        v->g_pat = val;
    } else if (name == HV_X64_REGISTER_XFEM) {
        if (!xcr0_valid(val))
            return HV_STATUS_INVALID_PARAMETER;
        cvp->xcr0 = val;
    } else if (name == HV_X64_REGISTER_TSC) {
        v->tsc_offset = val - rdtsc();
    } else if (name == HV_X64_REGISTER_CR8) {
        if (val > 15)
            return HV_STATUS_INVALID_PARAMETER;
        v->vintr = (v->vintr & ~0xFULL) | val;
    } else if (name == HV_X64_REGISTER_RFLAGS) {
        v->rflags = (val & 0x3F7FD7ULL) | 2; /* reserved bits as the CPU has them */
    } else if (name == HV_REGISTER_INTERRUPT_STATE) {
        v->interrupt_shadow = val & 1;
    } else if (name == HV_REGISTER_PENDING_INTERRUPTION) {
        if (val & EXITINTINFO_VALID && (val & EVTINJ_TYPE_MASK) == (1u << 8))
            return HV_STATUS_INVALID_PARAMETER; /* type 1 is reserved */
        v->eventinj = val;
    } else {
        uint64_t *f = msr_field(v, name);

        if (!f)
            return HV_STATUS_INVALID_PARAMETER;
        *f = val;
    }
    v->clean = 0;
    return HV_STATUS_SUCCESS;
}

/* ---- reading the child's memory ------------------------------------------------------------ */

/* Through the partition's one accessor of its RAM (child_synthetic.c). */
static int read_child_phys(void *ctx, uint64_t gpa, void *buf, size_t len)
{
    const struct guest_mem *mem = &((struct child_vp *)ctx)->child->mem;
    uint8_t *out = buf;

    while (len) {
        size_t chunk = 4096 - (gpa & 0xFFF);
        const uint8_t *page = mem->page(mem->ctx, gpa & ~0xFFFULL);

        if (chunk > len)
            chunk = len;
        if (!page)
            return -1;
        memcpy(out, page + (gpa & 0xFFF), chunk);
        out += chunk;
        gpa += chunk;
        len -= chunk;
    }
    return 0;
}

/* Up to 15 bytes at CS:RIP; how many could be read. */
static unsigned fetch_bytes(struct child_vp *cvp, uint8_t bytes[INSN_MAX_LEN])
{
    return svm_fetch_at_rip(cvp->vp.vmcb, bytes, read_child_phys, cvp);
}

/* ---- messages ----------------------------------------------------------------------------- */

static void intercept_header(struct child_vp *cvp, struct hv_message *msg, uint32_t type,
                             unsigned payload, uint8_t access, unsigned insn_len)
{
    struct vmcb *v = cvp->vp.vmcb;
    struct hv_x64_intercept_message_header *h = &msg->u.intercept;
    uint16_t es = v->cpl & 3;

    msg->header.message_type = type;
    msg->header.payload_size = (uint8_t)payload;
    msg->header.sender = cvp->child->id;
    h->vp_index = cvp->vp.index;
    h->instruction_length = (uint8_t)((insn_len & 0xF) | (v->vintr & 0xF) << 4);
    h->intercept_access_type = access;
    if (v->cr0 & CR0_PE)
        es |= HV_X64_EXEC_CR0_PE;
    if (v->cr0 & (1ULL << 18))
        es |= HV_X64_EXEC_CR0_AM;
    if (v->efer & EFER_LMA)
        es |= HV_X64_EXEC_EFER_LMA;
    if (v->eventinj & EXITINTINFO_VALID)
        es |= HV_X64_EXEC_INTERRUPTION_PENDING;
    if (v->interrupt_shadow & 1)
        es |= HV_X64_EXEC_INTERRUPT_SHADOW;
    h->execution_state = es;
    h->cs.base = v->cs.base;
    h->cs.limit = v->cs.limit;
    h->cs.selector = v->cs.selector;
    h->cs.attributes = v->cs.attrib;
    h->rip = v->rip;
    h->rflags = v->rflags;
}

static void plain_message(struct child_vp *cvp, struct hv_message *msg, uint32_t type,
                          uint64_t deadline)
{
    msg->header.message_type = type;
    msg->header.payload_size = sizeof(struct hv_dispatch_return_message);
    msg->header.sender = cvp->child->id;
    msg->u.ret.timer_deadline = deadline;
}

static void io_message(struct child_vp *cvp, struct hv_message *msg)
{
    struct vmcb *v = cvp->vp.vmcb;
    struct hv_x64_io_port_intercept_message *io = &msg->u.io;
    uint64_t info = v->exitinfo1;
    unsigned size = info & (1u << 4) ? 1 : info & (1u << 5) ? 2 : 4;

    /* EXITINFO2 is the next RIP for I/O intercepts, NRIP or not. */
    intercept_header(cvp, msg, HVMSG_X64_IO_PORT_INTERCEPT, sizeof(*io),
                     info & 1 ? HV_INTERCEPT_ACCESS_READ : HV_INTERCEPT_ACCESS_WRITE,
                     (unsigned)(v->exitinfo2 - v->rip));
    io->port_number = (uint16_t)(info >> 16);
    io->access_info = (uint8_t)(size | (info & (1u << 2) ? HV_IO_ACCESS_STRING : 0) |
                                (info & (1u << 3) ? HV_IO_ACCESS_REP : 0));
    io->instruction_byte_count = 0;
    /* EXITINFO1 bits 7-9: A16, A32, A64; bits 10-12: the segment (APM 15.10.2). */
    io->string_info = (uint32_t)((info >> 7) & 7) | (uint32_t)((info >> 10) & 7)
                                                        << HV_IO_STRING_SEG_SHIFT;
    /* A CPU without decode assists (QEMU's) leaves them 0 for INS/OUTS:
     * hand over the instruction instead, whose prefixes say the same. */
    if ((info & (1u << 2)) && !(io->string_info & 7)) {
        uint8_t bytes[INSN_MAX_LEN];
        unsigned n = fetch_bytes(cvp, bytes);

        memcpy(io->instruction_bytes, bytes, n);
        io->instruction_byte_count = (uint8_t)n;
        io->string_info = 0;
    }
    io->ds =
        (struct hv_x64_segment_register){v->ds.base, v->ds.limit, v->ds.selector, v->ds.attrib};
    io->es =
        (struct hv_x64_segment_register){v->es.base, v->es.limit, v->es.selector, v->es.attrib};
    io->rax = v->rax;
    io->rcx = cvp->vp.regs.rcx;
    io->rsi = cvp->vp.regs.rsi;
    io->rdi = cvp->vp.regs.rdi;
}

static void memory_message(struct child_vp *cvp, struct hv_message *msg, uint32_t type)
{
    struct vmcb *v = cvp->vp.vmcb;
    struct hv_x64_memory_intercept_message *m = &msg->u.memory;
    uint8_t access = v->exitinfo1 & NPF_FETCH   ? HV_INTERCEPT_ACCESS_EXECUTE
                     : v->exitinfo1 & NPF_WRITE ? HV_INTERCEPT_ACCESS_WRITE
                                                : HV_INTERCEPT_ACCESS_READ;
    uint8_t bytes[INSN_MAX_LEN];
    unsigned n = fetch_bytes(cvp, bytes);

    intercept_header(cvp, msg, type, sizeof(*m), access, 0);
    memcpy(m->instruction_bytes, bytes, n);
    m->instruction_byte_count = (uint8_t)n;
    m->guest_physical_address = v->exitinfo2;
    m->guest_virtual_address = 0;
    m->memory_access_info = 0;
    m->cache_type = 6; /* write-back */
}

/* ---- MSRs --------------------------------------------------------------------------------- */

static uint64_t guest_tsc(const struct vmcb *v)
{
    return rdtsc() + v->tsc_offset;
}

/* 0, or -1 for #GP. */
static int child_rdmsr(struct child_vp *cvp, uint32_t msr, uint64_t *val)
{
    struct vmcb *v = cvp->vp.vmcb;
    int rc = child_vp_synthetic_rdmsr(cvp, msr, rdtsc(), v->tsc_offset, val);

    if (rc <= 0)
        return rc;

    switch (msr) {
    case MSR_EFER_NR:
        *val = v->efer & ~EFER_SVME;
        return 0;
    case MSR_PAT:
        *val = v->g_pat;
        return 0;
    case MSR_TSC:
        *val = guest_tsc(v);
        return 0;
    case MSR_PATCHLEVEL:
    case MSR_K8_INT_PENDING_MSG:
        *val = 0;
        return 0;
    default:
        if (msr == VLAPIC_MSR_APIC_BASE || msr == VLAPIC_MSR_TSC_DEADLINE ||
            (msr >= VLAPIC_MSR_X2APIC_BASE && msr <= VLAPIC_MSR_X2APIC_BASE + 0xFF))
            return vlapic_msr_read(&cvp->vlapic, msr, guest_tsc(v), val) ? -1 : 0;
        return -1;
    }
}

/* 0, or -1 for #GP; *deliverable: SINTs whose EOM the parent must hear of. */
static int child_wrmsr(struct child_vp *cvp, uint32_t msr, uint64_t val, uint32_t *deliverable)
{
    struct vmcb *v = cvp->vp.vmcb;
    int rc = child_vp_synthetic_wrmsr(cvp, msr, val, rdtsc(), v->tsc_offset, deliverable);

    if (rc <= 0)
        return rc;

    switch (msr) {
    case MSR_EFER_NR:
        if (val & ~EFER_GUEST)
            return -1;
        v->efer = (val & ~EFER_LMA) | (v->efer & EFER_LMA) | EFER_SVME;
        return 0;
    case MSR_PAT:
        if (!pat_valid(val))
            return -1;
        v->g_pat = val;
        return 0;
    case MSR_TSC:
        v->tsc_offset = val - rdtsc();
        return 0;
    case MSR_PATCHLEVEL:
        return 0; /* microcode update trigger: nothing to update */
    default:
        if (msr == VLAPIC_MSR_APIC_BASE || msr == VLAPIC_MSR_TSC_DEADLINE ||
            (msr >= VLAPIC_MSR_X2APIC_BASE && msr <= VLAPIC_MSR_X2APIC_BASE + 0xFF))
            return vlapic_msr_write(&cvp->vlapic, msr, val, guest_tsc(v)) ? -1 : 0;
        return -1;
    }
}

/* ---- the run loop ------------------------------------------------------------------------- */

static void inject_exception(struct vmcb *v, uint8_t vector, bool has_err, uint32_t err)
{
    v->eventinj = SVM_EVTINJ_VALID | SVM_EVTINJ_TYPE_EXCP | vector |
                  (has_err ? SVM_EVTINJ_ERR_VALID | (uint64_t)err << 32 : 0);
}

static void skip(struct child_vp *cvp, unsigned len)
{
    vcpu_skip(&cvp->vp, len);
}

/* Posted interrupts and events into the VP's own state. */
static void take_posted(struct child_vp *cvp)
{
    /* Plain loads first: on most entries nothing is posted, and a locked
     * exchange per word would cost more than the check. */
    uint32_t ev = __atomic_load_n(&cvp->posted_events, __ATOMIC_ACQUIRE)
                      ? __atomic_exchange_n(&cvp->posted_events, 0, __ATOMIC_ACQUIRE)
                      : 0;

    for (int i = 0; i < 4; i++) {
        if (!__atomic_load_n(&cvp->posted_irr[i], __ATOMIC_ACQUIRE))
            continue;
        uint64_t bits = __atomic_exchange_n(&cvp->posted_irr[i], 0, __ATOMIC_ACQUIRE);

        while (bits) {
            int b = __builtin_ctzll(bits);

            bits &= bits - 1;
            vlapic_accept(&cvp->vlapic, (uint8_t)(i * 64 + b), false);
        }
    }
    if (ev & CHILD_EVENT_INIT) {
        vlapic_reset_init(&cvp->vlapic);
        cvp->vp.state = VP_WAIT_SIPI;
        cvp->nmi_pending = false;
        cvp->extint_vector = -1;
        cvp->in_hlt = false;
    }
    if ((ev & CHILD_EVENT_SIPI) && cvp->vp.state == VP_WAIT_SIPI) {
        svm_child_vp_startup(cvp, __atomic_load_n(&cvp->posted_sipi_vector, __ATOMIC_RELAXED));
        cvp->vp.state = VP_RUNNING;
        fpu_load(cvp); /* the reset FPU state: the dispatch saves the registers */
    }
    if (ev & CHILD_EVENT_NMI)
        cvp->nmi_pending = true;
}

/* Whether the guest can take an external interrupt on this entry. */
static bool interruptible(const struct vmcb *v)
{
    return (v->rflags & RFLAGS_IF) && !(v->interrupt_shadow & 1) &&
           !(v->eventinj & SVM_EVTINJ_VALID);
}

/* LINT0 is up, the APIC passes it on as ExtINT, and the parent has not
 * handed over a vector yet: the parent must acknowledge its 8259s once the
 * guest can take the interrupt (HVMSG_X64_INTERRUPTION_DELIVERABLE). */
static bool extint_wanted(const struct child_vp *cvp)
{
    return cvp->extint_vector < 0 && __atomic_load_n(&cvp->lint0, __ATOMIC_ACQUIRE) &&
           vlapic_accepts_extint(&cvp->vlapic);
}

/*
 * What the VP takes next.  An interrupt the guest can take now goes in as a
 * virtual interrupt (V_IRQ with its vector), not through EVENTINJ: QEMU's
 * TCG delivers an EVENTINJ interrupt inside VMRUN and leaves the vector as
 * its pending exception, which it delivers a second time if the vCPU is
 * asked to leave its loop before the next exit (seen as a timer interrupt
 * taken again with IF clear, on the user's GS).  The V_IRQ path is the
 * CPU's own interrupt check.  An 8259 vector the parent acknowledged goes
 * first, as the PIC's INTR does ahead of the APIC's own interrupts in
 * virtual wire mode.  Returns the vector offered as V_IRQ (-1: none) and
 * whether it is that ExtINT vector; virq_done() settles it after the run.
 */
static int inject_interrupt(struct child_vp *cvp, bool *extint)
{
    struct vmcb *v = cvp->vp.vmcb;
    int vec;

    *extint = false;
    v->vintr &= ~(VINTR_V_IRQ | 0xFULL << VINTR_PRIO_SHIFT | VINTR_IGN_TPR | VINTR_VECTOR_MASK);
    v->intercept_misc1 &= ~INTERCEPT_VINTR;
    if (v->eventinj & SVM_EVTINJ_VALID)
        return -1; /* an event the last exit interrupted goes first */
    if (cvp->nmi_pending) {
        v->eventinj = SVM_EVTINJ_VALID | SVM_EVTINJ_TYPE_NMI | 2;
        cvp->nmi_pending = false;
        return -1;
    }
    if (cvp->extint_vector >= 0) {
        vec = cvp->extint_vector;
        *extint = true;
    } else if (extint_wanted(cvp)) {
        vec = -2; /* only the window: the parent supplies the vector */
    } else if ((vec = vlapic_pending(&cvp->vlapic)) < 0) {
        return -1;
    }
    v->vintr |= VINTR_V_IRQ | 0xFULL << VINTR_PRIO_SHIFT | VINTR_IGN_TPR;
    if (vec >= 0 && interruptible(v)) {
        v->vintr |= (uint64_t)vec << VINTR_VECTOR_SHIFT;
        return vec;
    }
    /* Not now: exit when the guest opens its interrupt window. */
    *extint = false;
    v->intercept_misc1 |= INTERCEPT_VINTR;
    return -1;
}

/* After a run with @vec offered as V_IRQ: the CPU took it if it cleared
 * V_IRQ, or if the exit interrupted its delivery (then it is re-injected:
 * it was taken all the same). */
static void virq_done(struct child_vp *cvp, int vec, bool extint)
{
    const struct vmcb *v = cvp->vp.vmcb;
    bool interrupted =
        (v->exitintinfo & EXITINTINFO_VALID) && (v->exitintinfo & 0xFF) == (uint64_t)vec;

    if (!(v->vintr & VINTR_V_IRQ) || interrupted) {
        if (extint)
            cvp->extint_vector = -1;
        else
            vlapic_ack_vector(&cvp->vlapic, (uint8_t)vec);
    }
}

/* The host TSC of the VP's next timer interrupt: its local APIC's or a
 * synthetic timer's. */
static uint64_t host_deadline(struct child_vp *cvp)
{
    uint64_t d = vlapic_next_deadline(&cvp->vlapic);
    uint64_t apic = d == VLAPIC_NO_DEADLINE ? UINT64_MAX : d - cvp->vp.vmcb->tsc_offset;
    uint64_t syn = child_vp_synthetic_deadline(cvp);

    return apic < syn ? apic : syn;
}

/* An access to the xAPIC page: emulated here, it is the hot path of
 * interrupt handling.  false if the instruction is not one we emulate. */
static bool xapic_access(struct child_vp *cvp, uint32_t offset)
{
    struct vmcb *v = cvp->vp.vmcb;
    uint8_t bytes[INSN_MAX_LEN];
    unsigned n = fetch_bytes(cvp, bytes);
    struct mmio_access a;
    struct insn insn;

    if (!n || insn_decode(&insn, bytes, n, svm_code_mode(v)) || insn_mmio_access(&insn, &a) ||
        a.size != 4 || a.xchg)
        return false;
    unsigned gpr = a.high_byte ? a.reg - 4u : a.reg;
    if (a.write) {
        uint32_t val =
            (uint32_t)(a.imm_src ? a.imm : mmio_store_value(&a, vcpu_gpr(&cvp->vp, gpr)));

        vlapic_mmio_write(&cvp->vlapic, offset, val, guest_tsc(v));
    } else {
        uint32_t val = vlapic_mmio_read(&cvp->vlapic, offset, guest_tsc(v));

        vcpu_set_gpr(&cvp->vp, gpr, mmio_load_result(&a, vcpu_gpr(&cvp->vp, gpr), val));
    }
    skip(cvp, insn.length);
    return true;
}

/*
 * The child's hypercall instruction (TLFS calling convention: in 64-bit
 * mode control RCX, input RDX, output R8; in 32-bit mode EDX:EAX, EBX:ECX
 * and EDI:ESI, the result in EDX:EAX).  #UD from user mode or before the
 * guest enabled its hypercall page, as on Hyper-V.  true: the call goes to
 * the parent (@msg), which writes its status into RAX.
 */
static bool child_vmmcall(struct child_vp *cvp, struct hv_message *msg)
{
    struct vmcb *v = cvp->vp.vmcb;
    struct guest_regs *r = &cvp->vp.regs;
    bool long_mode = v->efer & EFER_LMA;
    uint64_t control, input;
    uint16_t status;
    bool forward;

    if (v->cpl != 0 || !enlight_hypercalls_enabled(&cvp->child->enlight)) {
        inject_exception(v, 6, false, 0);
        return false;
    }
    if (long_mode) {
        control = r->rcx;
        input = r->rdx;
    } else {
        control = (r->rdx & 0xFFFFFFFFULL) << 32 | (uint32_t)v->rax;
        input = (r->rbx & 0xFFFFFFFFULL) << 32 | (uint32_t)r->rcx;
    }
    memset(msg, 0, sizeof(*msg));
    forward = child_hypercall(control, input, &cvp->child->mem, &status, &msg->u.hypercall);
    skip(cvp, 3);
    /* A forwarded call reads HV_STATUS_SUCCESS until the parent says
     * otherwise; the count of reps completed is always 0. */
    v->rax = forward ? HV_STATUS_SUCCESS : status;
    if (!long_mode)
        r->rdx = 0;
    if (!forward)
        return false;
    /* The header after the skip: the parent sees where the VP resumes. */
    intercept_header(cvp, msg, HVMSG_HYPERCALL_INTERCEPT, sizeof(msg->u.hypercall),
                     HV_INTERCEPT_ACCESS_EXECUTE, 3);
    return true;
}

/* Handle one exit.  true: the parent must act, @msg says why. */
static bool handle_exit(struct child_vp *cvp, struct hv_message *msg)
{
    struct vmcb *v = cvp->vp.vmcb;
    struct guest_regs *r = &cvp->vp.regs;
    uint64_t code = v->exitcode;

    /* An event the exit interrupted is delivered again. */
    v->eventinj = svm_event_to_reinject(v);

    if ((uint32_t)code == SVM_EXIT_INVALID32) {
        plain_message(cvp, msg, HVMSG_INVALID_VP_REGISTER_VALUE, UINT64_MAX);
        return true;
    }
    switch (code) {
    case SVM_EXIT_INTR:
    case SVM_EXIT_NMI:
    case EXIT_SMI:
    case SVM_EXIT_INIT:
        /* The parent's interrupt: it takes it when we return. */
        plain_message(cvp, msg, HVMSG_NONE, host_deadline(cvp));
        return true;
    case EXIT_VINTR:
        return false; /* the window is open: inject_interrupt() does the rest */
    case SVM_EXIT_CPUID: {
        uint32_t o[4];
        const struct cpuid_child_ctx ctx = {cvp->vp.index, cvp->child->max_vps, xcr0_allowed,
                                            (v->cr4 & CR4_OSXSAVE) != 0};

        cpuid((uint32_t)v->rax, (uint32_t)r->rcx, &o[0], &o[1], &o[2], &o[3]);
        cpuid_policy_child((uint32_t)v->rax, (uint32_t)r->rcx, &ctx, o);
        v->rax = o[0];
        r->rbx = o[1];
        r->rcx = o[2];
        r->rdx = o[3];
        skip(cvp, 2);
        return false;
    }
    case SVM_EXIT_MSR: {
        uint32_t msr = (uint32_t)r->rcx;

        if (v->exitinfo1 == 1) {
            uint32_t deliverable = 0;

            if (child_wrmsr(cvp, msr, r->rdx << 32 | (uint32_t)v->rax, &deliverable)) {
                inject_exception(v, 13, true, 0);
                return false;
            }
            if (deliverable) {
                /* An EOM after a refused post: the parent posts again. */
                skip(cvp, 2);
                intercept_header(cvp, msg, HVMSG_SYNIC_SINT_DELIVERABLE, sizeof(msg->u.deliverable),
                                 HV_INTERCEPT_ACCESS_WRITE, 0);
                msg->u.deliverable.deliverable_sints = (uint16_t)deliverable;
                msg->u.deliverable.reserved1 = 0;
                msg->u.deliverable.reserved2 = 0;
                return true;
            }
        } else {
            uint64_t val;

            if (child_rdmsr(cvp, msr, &val)) {
                inject_exception(v, 13, true, 0);
                return false;
            }
            v->rax = (uint32_t)val;
            r->rdx = val >> 32;
        }
        skip(cvp, 2);
        return false;
    }
    case SVM_EXIT_HLT:
        skip(cvp, 1);
        cvp->in_hlt = true;
        return false;
    case EXIT_XSETBV: {
        uint64_t x = r->rdx << 32 | (uint32_t)v->rax;

        if ((uint32_t)r->rcx != 0 || !has_xsave || !(v->cr4 & CR4_OSXSAVE) || v->cpl ||
            !xcr0_valid(x)) {
            inject_exception(v, 13, true, 0);
            return false;
        }
        cvp->xcr0 = x;
        xsetbv0(x);
        skip(cvp, 3);
        return false;
    }
    case SVM_EXIT_IOIO:
        io_message(cvp, msg);
        return true;
    case SVM_EXIT_NPF: {
        uint64_t gpa = v->exitinfo2;
        uint64_t apic = vlapic_mode(&cvp->vlapic) == VLAPIC_XAPIC
                            ? (cvp->vlapic.apic_base & ~0xFFFULL)
                            : UINT64_MAX;

        if ((gpa & ~0xFFFULL) == apic && !(v->exitinfo1 & NPF_FETCH) &&
            xapic_access(cvp, (uint32_t)(gpa & 0xFFF)))
            return false;
        memory_message(cvp, msg,
                       slat_lookup(&cvp->child->slat, gpa & ~0xFFFULL, NULL, NULL, NULL)
                           ? HVMSG_UNMAPPED_GPA
                           : HVMSG_GPA_INTERCEPT);
        return true;
    }
    case EXIT_EXCP_AC:
        inject_exception(v, 17, true, 0);
        return false;
    case SVM_EXIT_SHUTDOWN:
        cvp->dead = true;
        plain_message(cvp, msg, HVMSG_UNRECOVERABLE_EXCEPTION, UINT64_MAX);
        return true;
    case SVM_EXIT_VMMCALL:
        return child_vmmcall(cvp, msg);
    case SVM_EXIT_VMRUN:
    case SVM_EXIT_VMLOAD:
    case SVM_EXIT_VMSAVE:
    case SVM_EXIT_STGI:
    case SVM_EXIT_CLGI:
    case SVM_EXIT_SKINIT:
    case SVM_EXIT_INVLPGA:
    case EXIT_RDTSCP:
    case EXIT_MONITOR:
    case EXIT_MWAIT:
        inject_exception(v, 6, false, 0); /* hidden in CPUID: #UD, as without them */
        return false;
    default:
        printk("child %llu VP%u: unexpected exit 0x%llx info 0x%llx 0x%llx at 0x%llx\n",
               (unsigned long long)cvp->child->id, cvp->vp.index, (unsigned long long)code,
               (unsigned long long)v->exitinfo1, (unsigned long long)v->exitinfo2,
               (unsigned long long)v->rip);
        cvp->dead = true;
        plain_message(cvp, msg, HVMSG_UNRECOVERABLE_EXCEPTION, UINT64_MAX);
        return true;
    }
}

void svm_child_dispatch(struct child_vp *cvp, uint64_t timer_armed, struct hv_message *msg)
{
    struct percpu *cpu = this_cpu();
    struct vmcb *v = cvp->vp.vmcb;
    struct child_partition *p = cvp->child;
    uint64_t parent_xcr0 = has_xsave ? xgetbv0() : 0;
    uint64_t wakes, deadline;
    bool virq_extint;
    int virq;

    memset(msg, 0, sizeof(*msg));
    if (cvp->dead) {
        plain_message(cvp, msg, HVMSG_UNRECOVERABLE_EXCEPTION, UINT64_MAX);
        __atomic_store_n(&cvp->run_state, CHILD_VP_IDLE, __ATOMIC_SEQ_CST);
        return;
    }
    fpu_load(cvp);
    for (;;) {
        take_posted(cvp);
        vlapic_tick(&cvp->vlapic, guest_tsc(v));
        child_vp_synthetic_tick(cvp, rdtsc());
        if (cvp->in_hlt) {
            int vec = vlapic_pending(&cvp->vlapic);
            bool ext = cvp->extint_vector >= 0 || extint_wanted(cvp);

            if (cvp->nmi_pending || ((vec >= 0 || ext) && (v->rflags & RFLAGS_IF)))
                cvp->in_hlt = false;
        }
        deadline = host_deadline(cvp);
        if ((wakes = child_vp_take_wakes())) {
            plain_message(cvp, msg, HVMSG_VP_WAKE, deadline);
            msg->u.ret.wake_vps = wakes;
            break;
        }
        if (cvp->in_hlt || cvp->vp.state == VP_WAIT_SIPI) {
            /* The message and the FPU state first: once run_state says
             * halted, a poster may hand the VP to another dispatch. */
            int me = (int)cpu->cpu_index, halted = CHILD_VP_HALTED;

            intercept_header(cvp, msg, HVMSG_X64_HALT, sizeof(msg->u.halt),
                             HV_INTERCEPT_ACCESS_EXECUTE, 0);
            msg->u.halt.timer_deadline = cvp->vp.state == VP_WAIT_SIPI ? UINT64_MAX : deadline;
            fpu_save(cvp);
            /* Halted from now on, unless something was posted meanwhile:
             * then either we take it back, or its poster wakes the
             * parent's thread (child_vp_post).  The dispatching flag keeps
             * the VP alive for this last look. */
            __atomic_store_n(&cvp->run_state, CHILD_VP_HALTED, __ATOMIC_SEQ_CST);
            if (child_vp_has_posted(cvp) &&
                __atomic_compare_exchange_n(&cvp->run_state, &halted, me, false, __ATOMIC_SEQ_CST,
                                            __ATOMIC_SEQ_CST)) {
                memset(msg, 0, sizeof(*msg));
                fpu_load(cvp);
                continue;
            }
            if (has_xsave)
                xsetbv0(parent_xcr0);
            return; /* run_state stays HALTED (or IDLE if a poster woke it) */
        }
        if (deadline < timer_armed) {
            /* The guest moved its timer before the parent's: re-arm. */
            plain_message(cvp, msg, HVMSG_NONE, deadline);
            break;
        }
        if (extint_wanted(cvp) && !cvp->nmi_pending && interruptible(v)) {
            intercept_header(cvp, msg, HVMSG_X64_INTERRUPTION_DELIVERABLE,
                             sizeof(msg->u.interruption), HV_INTERCEPT_ACCESS_EXECUTE, 0);
            msg->u.interruption.deliverable_type = HV_X64_DELIVERABLE_INTERRUPT;
            break;
        }
        virq = inject_interrupt(cvp, &virq_extint);
        /* TLB entries of this ASID may be another VP's, or from before a
         * mapping was removed. */
        if (last_child_on[cpu->cpu_index] != cvp || cvp->last_cpu != (int)cpu->cpu_index ||
            cvp->tlb_gen != __atomic_load_n(&p->tlb_generation, __ATOMIC_ACQUIRE)) {
            v->tlb_control = flush_by_asid ? TLB_CONTROL_FLUSH_ME : TLB_CONTROL_FLUSH_ALL;
            last_child_on[cpu->cpu_index] = cvp;
            cvp->last_cpu = (int)cpu->cpu_index;
            cvp->tlb_gen = __atomic_load_n(&p->tlb_generation, __ATOMIC_ACQUIRE);
        }
        svm_run((uint64_t)v, &cvp->vp.regs, cpu->host_vmcb_pa);
        if (virq >= 0)
            virq_done(cvp, virq, virq_extint);
        v->tlb_control = 0;
        v->clean = 0;
        cvp->vp.exits++;
        if (handle_exit(cvp, msg))
            break;
    }
    fpu_save(cvp);
    if (has_xsave)
        xsetbv0(parent_xcr0);
    __atomic_store_n(&cvp->run_state, CHILD_VP_IDLE, __ATOMIC_SEQ_CST);
}
