/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * AMD-V: enabling SVM on a CPU, the parent's VMCBs, and the exit path.
 *
 * Written for CPUs without NRIP save and decode assists (QEMU's TCG has
 * neither): instruction lengths come from our decoder, cross-checked against
 * the hardware's next RIP where it exists.  Flush-by-ASID is not assumed:
 * TLB_CONTROL=1 flushes everything when the nested tables change.
 */
#include <stdio.h>
#include <string.h>

#include <arch/cpu.h>
#include <arch/guest_walk.h>
#include <arch/insn.h>
#include <arch/svm.h>
#include <arch/svm_vp.h>
#include <arch/vcpu.h>
#include <hv/console.h>
#include <hv/cpuid_policy.h>
#include <hv/heap.h>
#include <hv/hv.h>
#include <hv/panic.h>
#include <hv/parent.h>

#define CR0_PE            (1ULL << 0)
#define CR4_OSFXSR        (1ULL << 9)
#define CR4_OSXMMEXCPT    (1ULL << 10)
#define CR4_OSXSAVE       (1ULL << 18)
#define EFER_LMA          (1ULL << 10)
#define EFER_GUEST_BITS   0xFD01ULL /* SCE LME LMA NXE SVME LMSLE FFXSR TCE */
#define DEFAULT_PAT       0x0007040600070406ULL
#define PARENT_ASID       1
#define MSR_EFER_NR       0xC0000080u
#define MSRPM_PAGES       2
#define IOPM_PAGES        3
#define EXITINTINFO_VALID (1ULL << 31)
#define NPF_WRITE         (1ULL << 1)
#define NPF_FETCH         (1ULL << 4)

static bool has_nrip;
static unsigned nrip_mismatches;

bool svm_has_nrip(void)
{
    return has_nrip;
}

int svm_cpu_init(struct percpu *cpu, struct page_pool *pool, char *err, size_t errlen)
{
    uint32_t a, b, c, d;

    cpuid(0x80000001, 0, &a, &b, &c, &d);
    if (!(c & (1u << 2))) {
        snprintf(err, errlen, "the CPU has no AMD-V (SVM)");
        return -1;
    }
    if (rdmsr(MSR_VM_CR) & VM_CR_SVMDIS) {
        snprintf(err, errlen, "AMD-V is disabled by the firmware (VM_CR.SVMDIS)");
        return -1;
    }
    cpuid(0x8000000A, 0, &a, &b, &c, &d);
    if (!(d & SVM_FEATURE_NPT)) {
        snprintf(err, errlen, "the CPU has no nested paging (NPT)");
        return -1;
    }
    has_nrip = (d & SVM_FEATURE_NRIP) != 0;
    cpu->hsave_pa = heap_alloc_zeroed(pool, 1);
    cpu->host_vmcb_pa = heap_alloc_zeroed(pool, 1);
    if (!cpu->hsave_pa || !cpu->host_vmcb_pa) {
        snprintf(err, errlen, "out of hypervisor memory");
        return -1;
    }
    /* FXSAVE and XSAVE for the children's FPU state (arch/x86_64/svm_child.c). */
    cpuid(1, 0, &a, &b, &c, &d);
    uint64_t cr4 = read_cr4() | CR4_OSFXSR | CR4_OSXMMEXCPT;
    if (c & (1u << 26))
        cr4 |= CR4_OSXSAVE;
    __asm__ volatile("mov %0, %%cr4" : : "r"(cr4) : "memory");
    wrmsr(MSR_EFER, rdmsr(MSR_EFER) | EFER_SVME);
    wrmsr(MSR_VM_HSAVE_PA, cpu->hsave_pa);
    /* Our FS base (the per-CPU block), TR and the rest, for svm_run. */
    __asm__ volatile("vmsave %0" : : "a"(cpu->host_vmcb_pa) : "memory");
    /* GIF holds every interrupt back while we run; IF set stays harmless
     * then, and lets physical interrupts end a child's run (its VMCB has
     * V_INTR_MASKING, under which the host's IF decides). */
    __asm__ volatile("clgi; sti");
    return 0;
}

static void msrpm_intercept(uint8_t *pm, uint32_t msr, bool read, bool write)
{
    uint32_t base, idx;

    if (msr <= 0x1FFF)
        base = 0;
    else if (msr >= 0xC0000000 && msr <= 0xC0001FFF)
        base = 0x800, msr -= 0xC0000000;
    else if (msr >= 0xC0010000 && msr <= 0xC0011FFF)
        base = 0x1000, msr -= 0xC0010000;
    else
        return; /* outside the map: always intercepted */
    idx = msr * 2;
    if (read)
        pm[base + idx / 8] |= (uint8_t)(1u << (idx % 8));
    if (write)
        pm[base + (idx + 1) / 8] |= (uint8_t)(1u << ((idx + 1) % 8));
}

int svm_partition_init(struct partition *part, struct page_pool *pool)
{
    uint8_t *pm;

    part->msrpm_pa = heap_alloc_zeroed(pool, MSRPM_PAGES);
    part->iopm_pa = heap_alloc_zeroed(pool, IOPM_PAGES); /* all zero: the parent owns the ports */
    if (!part->msrpm_pa || !part->iopm_pa)
        return -1;
    pm = (uint8_t *)part->msrpm_pa;
    msrpm_intercept(pm, MSR_EFER_NR, true, true);
    msrpm_intercept(pm, MSR_VM_CR, true, true);
    msrpm_intercept(pm, MSR_VM_HSAVE_PA, true, true);
    msrpm_intercept(pm, MSR_SVM_KEY, true, true);
    msrpm_intercept(pm, 0x79, false, true);  /* microcode update */
    msrpm_intercept(pm, 0x1B, false, true);  /* APIC base */
    msrpm_intercept(pm, 0x830, false, true); /* x2APIC ICR */
    return 0;
}

int svm_vp_init(struct vp *vp, struct page_pool *pool)
{
    struct vmcb *v = (struct vmcb *)heap_alloc_zeroed(pool, 1);

    if (!v)
        return -1;
    vp->vmcb = v;
    v->intercept_misc1 = SVM_INTERCEPT_CPUID | SVM_INTERCEPT_MSR | SVM_INTERCEPT_SHUTDOWN |
                         SVM_INTERCEPT_INVLPGA | SVM_INTERCEPT_INIT;
    v->intercept_misc2 = SVM_INTERCEPT_VMRUN | SVM_INTERCEPT_VMMCALL | SVM_INTERCEPT_VMLOAD |
                         SVM_INTERCEPT_VMSAVE | SVM_INTERCEPT_STGI | SVM_INTERCEPT_CLGI |
                         SVM_INTERCEPT_SKINIT;
    v->iopm_base_pa = vp->part->iopm_pa;
    v->msrpm_base_pa = vp->part->msrpm_pa;
    v->asid = PARENT_ASID;
    v->tlb_control = TLB_CONTROL_FLUSH_ALL;
    v->np_enable = 1;
    v->n_cr3 = slat_hw_root(&vp->part->slat);
    v->g_pat = DEFAULT_PAT;
    v->dr6 = 0xFFFF0FF0;
    v->dr7 = 0x400;
    return 0;
}

static void set_seg(struct vmcb_seg *s, uint16_t sel, uint16_t attrib, uint32_t limit,
                    uint64_t base)
{
    s->selector = sel;
    s->attrib = attrib;
    s->limit = limit;
    s->base = base;
}

void svm_vp_set_long_mode(struct vp *vp, const struct linux_entry_state *st)
{
    struct vmcb *v = vp->vmcb;

    set_seg(&v->cs, st->cs, 0xA9B, 0xFFFFFFFF, 0); /* 64-bit code, G, L */
    set_seg(&v->ds, st->ds, 0xC93, 0xFFFFFFFF, 0);
    set_seg(&v->es, st->es, 0xC93, 0xFFFFFFFF, 0);
    set_seg(&v->ss, st->ss, 0xC93, 0xFFFFFFFF, 0);
    set_seg(&v->fs, 0, 0, 0, 0);
    set_seg(&v->gs, 0, 0, 0, 0);
    set_seg(&v->tr, 0, 0x8B, 0x67, 0); /* busy 64-bit TSS: Linux loads its own */
    set_seg(&v->ldtr, 0, 0, 0, 0);
    set_seg(&v->gdtr, 0, 0, st->gdt_limit, st->gdt_base);
    set_seg(&v->idtr, 0, 0, 0, 0);
    v->cpl = 0;
    v->cr0 = st->cr0;
    v->cr3 = st->cr3;
    v->cr4 = st->cr4;
    v->efer = st->efer | EFER_SVME; /* VMRUN requires it; the parent never sees it */
    v->rflags = st->rflags;
    v->rip = st->rip;
    v->rsp = 0;
    v->rax = 0;
    memset(&vp->regs, 0, sizeof(vp->regs));
    vp->regs.rsi = st->rsi;
}

void svm_vp_set_startup(struct vp *vp, uint8_t vector)
{
    struct vmcb *v = vp->vmcb;

    /* The architectural state after INIT, with CS:IP from the STARTUP IPI. */
    set_seg(&v->cs, (uint16_t)(vector << 8), 0x9B, 0xFFFF, (uint64_t)vector << 12);
    set_seg(&v->ds, 0, 0x93, 0xFFFF, 0);
    set_seg(&v->es, 0, 0x93, 0xFFFF, 0);
    set_seg(&v->ss, 0, 0x93, 0xFFFF, 0);
    set_seg(&v->fs, 0, 0x93, 0xFFFF, 0);
    set_seg(&v->gs, 0, 0x93, 0xFFFF, 0);
    set_seg(&v->tr, 0, 0x8B, 0xFFFF, 0);
    set_seg(&v->ldtr, 0, 0x82, 0xFFFF, 0);
    set_seg(&v->gdtr, 0, 0, 0xFFFF, 0);
    set_seg(&v->idtr, 0, 0, 0xFFFF, 0);
    v->cpl = 0;
    v->cr0 = 0x60000010; /* CD NW ET */
    v->cr3 = 0;
    v->cr4 = 0;
    v->efer = EFER_SVME;
    v->rflags = 2;
    v->rip = 0;
    v->rsp = 0;
    v->rax = 0;
    v->dr6 = 0xFFFF0FF0;
    v->dr7 = 0x400;
    v->eventinj = 0;
    v->tlb_control = TLB_CONTROL_FLUSH_ALL;
    memset(&vp->regs, 0, sizeof(vp->regs));
}

/* ---- what hv/ may do to a VP (arch/vcpu.h) ---------------------------------------------- */

uint64_t vcpu_gpr(struct vp *vp, unsigned reg)
{
    uint64_t *r = &vp->regs.rbx;

    switch (reg) {
    case 0:
        return vp->vmcb->rax;
    case 1:
        return vp->regs.rcx;
    case 2:
        return vp->regs.rdx;
    case 3:
        return vp->regs.rbx;
    case 4:
        return vp->vmcb->rsp;
    case 5:
        return vp->regs.rbp;
    case 6:
        return vp->regs.rsi;
    case 7:
        return vp->regs.rdi;
    default:
        return r[(reg & 15) - 2]; /* r8 is the 7th field */
    }
}

void vcpu_set_gpr(struct vp *vp, unsigned reg, uint64_t value)
{
    uint64_t *r = &vp->regs.rbx;

    switch (reg) {
    case 0:
        vp->vmcb->rax = value;
        break;
    case 1:
        vp->regs.rcx = value;
        break;
    case 2:
        vp->regs.rdx = value;
        break;
    case 3:
        vp->regs.rbx = value;
        break;
    case 4:
        vp->vmcb->rsp = value;
        break;
    case 5:
        vp->regs.rbp = value;
        break;
    case 6:
        vp->regs.rsi = value;
        break;
    case 7:
        vp->regs.rdi = value;
        break;
    default:
        r[(reg & 15) - 2] = value;
        break;
    }
}

_Static_assert(__builtin_offsetof(struct guest_regs, r8) == 6 * 8, "r8 follows rbp");

static int read_parent_phys(void *ctx, uint64_t pa, void *buf, size_t len)
{
    struct vp *vp = ctx;

    /* The parent's NPT is an identity map, except the holes. */
    if (parent_in_hole(vp->part, pa, len) || pa + len < pa)
        return -1;
    memcpy(buf, (const void *)pa, len);
    return 0;
}

enum cpu_mode svm_code_mode(const struct vmcb *v)
{
    if ((v->efer & EFER_LMA) && (v->cs.attrib & (1u << 9)))
        return CPU_MODE_64;
    if ((v->cr0 & CR0_PE) && (v->cs.attrib & (1u << 10)))
        return CPU_MODE_32;
    return CPU_MODE_16;
}

unsigned svm_fetch_at_rip(const struct vmcb *v, uint8_t bytes[INSN_MAX_LEN], guest_read_phys_fn rd,
                          void *ctx)
{
    struct guest_paging pg = {v->cr0, v->cr3, v->cr4, v->efer};
    uint64_t la = v->cs.base + v->rip;
    size_t avail = INSN_MAX_LEN;

    if (v->insn_len) {
        memcpy(bytes, v->insn_bytes, v->insn_len); /* decode assist */
        return v->insn_len;
    }
    if (svm_code_mode(v) != CPU_MODE_64)
        la = (uint32_t)la;
    if (!guest_read_linear(&pg, la, bytes, avail, rd, ctx))
        return INSN_MAX_LEN;
    /* The instruction may end just before a page that cannot be read. */
    avail = 4096 - (la & 0xFFF);
    if (avail < INSN_MAX_LEN && !guest_read_linear(&pg, la, bytes, avail, rd, ctx))
        return (unsigned)avail;
    return 0;
}

uint64_t svm_event_to_reinject(const struct vmcb *v)
{
    uint64_t e = v->exitintinfo;

    if (!(e & EXITINTINFO_VALID))
        return 0;
    /* QEMU's TCG reports an external interrupt as an exception; VMRUN
     * refuses exceptions with vectors >= 32, so give it its real type. */
    if ((e & (7u << 8)) == SVM_EVTINJ_TYPE_EXCP && (e & 0xFF) >= 32)
        e &= ~(uint64_t)(7u << 8);
    return e;
}

int vcpu_fetch_insn(struct vp *vp, struct insn *insn)
{
    struct vmcb *v = vp->vmcb;
    uint8_t bytes[INSN_MAX_LEN];
    unsigned avail = svm_fetch_at_rip(v, bytes, read_parent_phys, vp);

    if (!avail || insn_decode(insn, bytes, avail, svm_code_mode(v)))
        return -1;
    if (has_nrip && v->next_rip && v->next_rip - v->rip != insn->length && nrip_mismatches++ < 4)
        printk("decoder: length %u at 0x%llx, the CPU says %llu\n", insn->length,
               (unsigned long long)v->rip, (unsigned long long)(v->next_rip - v->rip));
    return 0;
}

void vcpu_skip(struct vp *vp, unsigned len)
{
    struct vmcb *v = vp->vmcb;

    /* Trust the CPU's next RIP where it gives one. */
    if (has_nrip && v->next_rip)
        v->rip = v->next_rip;
    else
        v->rip += len;
    if (svm_code_mode(v) != CPU_MODE_64)
        v->rip = (uint32_t)v->rip;
    v->interrupt_shadow = 0;
}

static void inject(struct vp *vp, uint8_t vector, bool err)
{
    vp->vmcb->eventinj =
        SVM_EVTINJ_VALID | SVM_EVTINJ_TYPE_EXCP | vector | (err ? SVM_EVTINJ_ERR_VALID : 0);
}

void vcpu_inject_gp(struct vp *vp)
{
    inject(vp, 13, true);
}

void vcpu_inject_ud(struct vp *vp)
{
    inject(vp, 6, false);
}

/* ---- exits ----------------------------------------------------------------------------- */

static void skip_current(struct vp *vp, unsigned fallback_len)
{
    struct insn insn;

    vcpu_skip(vp, vcpu_fetch_insn(vp, &insn) ? fallback_len : insn.length);
}

static void exit_cpuid(struct vp *vp)
{
    uint32_t r[4];
    uint32_t leaf = (uint32_t)vp->vmcb->rax, sub = (uint32_t)vp->regs.rcx;

    cpuid(leaf, sub, &r[0], &r[1], &r[2], &r[3]);
    cpuid_policy_parent(leaf, sub, r);
    vp->vmcb->rax = r[0];
    vp->regs.rbx = r[1];
    vp->regs.rcx = r[2];
    vp->regs.rdx = r[3];
    skip_current(vp, 2);
}

static void exit_msr(struct vp *vp)
{
    struct vmcb *v = vp->vmcb;
    uint32_t msr = (uint32_t)vp->regs.rcx;
    bool write = v->exitinfo1 == 1;
    uint64_t value = (vp->regs.rdx << 32) | (uint32_t)v->rax;
    enum msr_verdict verdict;

    if (msr == MSR_EFER_NR) {
        /* The parent's EFER without SVME, which VMRUN needs set. */
        if (!write) {
            value = v->efer & ~EFER_SVME;
            verdict = MSR_DONE;
        } else if (value & ~EFER_GUEST_BITS || value & EFER_SVME) {
            verdict = MSR_REFUSE;
        } else {
            v->efer = (value & ~EFER_LMA) | (v->efer & EFER_LMA) | EFER_SVME;
            verdict = MSR_DONE;
        }
    } else if (write) {
        verdict = parent_msr_write(vp, msr, value);
        if (verdict == MSR_PASS)
            verdict = wrmsr_safe(msr, value) ? MSR_REFUSE : MSR_DONE;
    } else {
        verdict = parent_msr_read(vp, msr, &value);
        if (verdict == MSR_PASS)
            verdict = rdmsr_safe(msr, &value) ? MSR_REFUSE : MSR_DONE;
    }
    if (verdict == MSR_REFUSE) {
        vcpu_inject_gp(vp);
        return;
    }
    if (!write) {
        v->rax = (uint32_t)value;
        vp->regs.rdx = value >> 32;
    }
    skip_current(vp, 2);
}

static __attribute__((noreturn)) void partition_stop(struct vp *vp, const char *why)
{
    struct vmcb *v = vp->vmcb;

    printk("parent VP%u stopped: %s (exit 0x%llx, info 0x%llx 0x%llx, RIP 0x%llx, CR0 0x%llx "
           "EFER 0x%llx)\n",
           vp->index, why, (unsigned long long)v->exitcode, (unsigned long long)v->exitinfo1,
           (unsigned long long)v->exitinfo2, (unsigned long long)v->rip, (unsigned long long)v->cr0,
           (unsigned long long)v->efer);
    hv_exit(1);
}

static void handle_exit(struct vp *vp)
{
    struct vmcb *v = vp->vmcb;
    uint64_t code = v->exitcode;

    /* An event the exit interrupted (say, an interrupt being delivered when
     * the NPT faulted) must be delivered again. */
    v->eventinj = svm_event_to_reinject(v);
    if (hv_self.trace_exits) {
        hv_self.trace_exits--;
        printk("VP%u exit 0x%llx info 0x%llx 0x%llx rip 0x%llx rax 0x%llx rcx 0x%llx\n", vp->index,
               (unsigned long long)code, (unsigned long long)v->exitinfo1,
               (unsigned long long)v->exitinfo2, (unsigned long long)v->rip,
               (unsigned long long)v->rax, (unsigned long long)vp->regs.rcx);
    }

    if ((uint32_t)code == SVM_EXIT_INVALID32)
        partition_stop(vp, "VMRUN refused the VMCB state");
    switch (code) {
    case SVM_EXIT_CPUID:
        exit_cpuid(vp);
        break;
    case SVM_EXIT_MSR:
        exit_msr(vp);
        break;
    case SVM_EXIT_NPF:
        /* Diagnostics for the open bug of issue 3 (docs/testing.md): how the
         * parent stood when it touched a hole, for the first few times. */
        if (parent_in_hole(vp->part, v->exitinfo2, 1) && vp->part->hole_writes < 8)
            printk("parent VP%u: hole access: info 0x%llx rip 0x%llx cpl %u cr3 0x%llx host cr3 "
                   "0x%llx exitintinfo 0x%llx\n",
                   vp->index, (unsigned long long)v->exitinfo1, (unsigned long long)v->rip, v->cpl,
                   (unsigned long long)v->cr3, (unsigned long long)read_cr3(),
                   (unsigned long long)v->exitintinfo);
        if (parent_npf(vp, v->exitinfo2, v->exitinfo1 & NPF_WRITE, v->exitinfo1 & NPF_FETCH))
            partition_stop(vp, "nested page fault");
        break;
    case SVM_EXIT_VMMCALL:
        /* Hypercalls are for the parent's kernel only. */
        if (v->cpl != 0) {
            vcpu_inject_ud(vp);
            break;
        }
        v->rax = parent_hypercall(vp, vp->regs.rcx, vp->regs.rdx, vp->regs.r8);
        skip_current(vp, 3);
        break;
    case SVM_EXIT_VMRUN:
    case SVM_EXIT_VMLOAD:
    case SVM_EXIT_VMSAVE:
    case SVM_EXIT_STGI:
    case SVM_EXIT_CLGI:
    case SVM_EXIT_SKINIT:
    case SVM_EXIT_INVLPGA:
        vcpu_inject_ud(vp); /* the parent sees no SVM */
        break;
    case SVM_EXIT_INIT:
        break; /* a physical INIT must not reset a CPU the hypervisor runs on */
    case SVM_EXIT_SHUTDOWN:
        partition_stop(vp, "triple fault");
    default:
        partition_stop(vp, "unexpected exit");
    }
}

/* A VP's saved state that looks like the hypervisor's own (its code, its
 * page tables) means host state was written into the VMCB: stop with what
 * tells how (issue 3's open bug).  On every exit, so only two compares;
 * the MSR is read for the report alone. */
static void check_not_host_state(struct percpu *cpu, struct vp *vp)
{
    const struct vmcb *v = vp->vmcb;

    if (__builtin_expect(v->cr3 != hv_self.cr3 && (v->rip - hv_self.base) >= hv_self.image_size, 1))
        return;
    uint64_t hsave = rdmsr(MSR_VM_HSAVE_PA);
    for (unsigned i = 1; i <= VP_EXIT_HISTORY && i <= vp->exits; i++) {
        const struct vp_exit_record *r = &vp->history[(vp->exits - i) % VP_EXIT_HISTORY];

        printk("  exit -%u: code 0x%llx info 0x%llx 0x%llx rip 0x%llx exitintinfo 0x%llx, "
               "injected 0x%llx\n",
               i, (unsigned long long)r->code, (unsigned long long)r->info1,
               (unsigned long long)r->info2, (unsigned long long)r->rip,
               (unsigned long long)r->exitintinfo, (unsigned long long)r->eventinj);
    }
    printk("  this exit: info 0x%llx 0x%llx exitintinfo 0x%llx eventinj 0x%llx rsp 0x%llx "
           "rflags 0x%llx cr0 0x%llx cr4 0x%llx efer 0x%llx\n",
           (unsigned long long)v->exitinfo1, (unsigned long long)v->exitinfo2,
           (unsigned long long)v->exitintinfo, (unsigned long long)v->eventinj,
           (unsigned long long)v->rsp, (unsigned long long)v->rflags, (unsigned long long)v->cr0,
           (unsigned long long)v->cr4, (unsigned long long)v->efer);
    panic("VP%u on CPU %u holds host state: exit 0x%llx rip 0x%llx cr3 0x%llx cpl %u; "
          "VMCB 0x%llx, VM_HSAVE_PA 0x%llx (set 0x%llx), host state 0x%llx",
          vp->index, cpu->cpu_index, (unsigned long long)v->exitcode, (unsigned long long)v->rip,
          (unsigned long long)v->cr3, v->cpl, (unsigned long long)(uint64_t)v,
          (unsigned long long)hsave, (unsigned long long)cpu->hsave_pa,
          (unsigned long long)cpu->host_vmcb_pa);
}

void svm_vp_loop(struct percpu *cpu, struct vp *vp)
{
    for (;;) {
        svm_run((uint64_t)vp->vmcb, &vp->regs, cpu->host_vmcb_pa);
        check_not_host_state(cpu, vp);
        vp->vmcb->tlb_control = 0;
        struct vp_exit_record *r = &vp->history[vp->exits % VP_EXIT_HISTORY];
        *r = (struct vp_exit_record){vp->vmcb->exitcode, vp->vmcb->exitinfo1,   vp->vmcb->exitinfo2,
                                     vp->vmcb->rip,      vp->vmcb->exitintinfo, 0};
        vp->exits++;
        handle_exit(vp);
        r->eventinj = vp->vmcb->eventinj;
    }
}
