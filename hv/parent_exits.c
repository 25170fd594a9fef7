/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * What the parent partition may and may not do: its MSR accesses, its
 * writes to the local APIC (INIT and STARTUP IPIs become VP state changes
 * instead of resetting a CPU the hypervisor runs on), and its accesses to
 * the holes where the hypervisor's memory is (reads see all ones from a
 * dummy page; writes are dropped and counted).
 */
#include <arch/cpu.h>
#include <arch/lapic.h>
#include <arch/vcpu.h>
#include <hv/apic_icr.h>
#include <hv/console.h>
#include <hv/parent.h>

#define MSR_MICROCODE_UPDATE    0x79u
#define MSR_X2APIC_ICR          0x830u
#define MSR_VM_CR               0xC0010114u
#define MSR_VM_HSAVE_PA         0xC0010117u
#define MSR_SVM_KEY             0xC0010118u
#define VM_CR_LOCK_AND_DISABLED 0x18u /* "SVM disabled by the firmware" */
#define APIC_BASE_ADDR_MASK     0x000FFFFFFFFFF000ULL
#define REPORT_LIMIT            8

bool parent_in_hole(const struct partition *p, uint64_t gpa, uint64_t len)
{
    for (unsigned i = 0; i < p->nholes; i++)
        if (gpa < p->holes[i].end && gpa + len > p->holes[i].base)
            return true;
    return false;
}

enum msr_verdict parent_msr_read(struct vp *vp, uint32_t msr, uint64_t *value)
{
    (void)vp;
    switch (msr) {
    case MSR_VM_CR:
        *value = VM_CR_LOCK_AND_DISABLED;
        return MSR_DONE;
    case MSR_VM_HSAVE_PA:
    case MSR_SVM_KEY:
        *value = 0;
        return MSR_DONE;
    default:
        return MSR_PASS;
    }
}

static void start_vp(struct vp *t, const struct icr_decoded *d)
{
    int state = __atomic_load_n(&t->state, __ATOMIC_ACQUIRE);

    if (d->action == ICR_INIT) {
        /* Linux sends STARTUP right after INIT with no delay: the state
         * change is immediate, so a STARTUP is never lost. */
        if (state == VP_OFF || state == VP_WAIT_SIPI)
            __atomic_store_n(&t->state, VP_WAIT_SIPI, __ATOMIC_RELEASE);
        else
            printk("parent VP%u: INIT while running ignored\n", t->index);
        return;
    }
    if (state == VP_WAIT_SIPI) {
        t->sipi_vector = d->vector;
        __atomic_store_n(&t->state, VP_STARTING, __ATOMIC_RELEASE);
    }
    /* A second STARTUP (the MP protocol sends two) finds it started. */
}

static void icr_write(struct vp *vp, uint32_t low, uint32_t dest, bool x2apic)
{
    struct icr_decoded d = icr_decode(low, dest);
    static unsigned dropped;

    switch (d.action) {
    case ICR_FORWARD:
        if (x2apic)
            wrmsr(MSR_X2APIC_ICR, ((uint64_t)dest << 32) | low);
        else
            *(volatile uint32_t *)(vp->part->lapic_gpa + APIC_ICR_LOW) = low;
        return;
    case ICR_IGNORE:
        return;
    case ICR_DROP:
        if (dropped++ < REPORT_LIMIT)
            printk("parent VP%u: refused IPI (ICR 0x%x)\n", vp->index, low);
        return;
    case ICR_INIT:
    case ICR_STARTUP:
        break;
    }
    for (unsigned i = 0; i < vp->part->nvps; i++) {
        struct vp *t = vp->part->vps[i];
        bool hit = d.dest == ICR_DEST_ALL || (d.dest == ICR_DEST_ONE && t->apic_id == d.dest_id) ||
                   (d.dest == ICR_DEST_ALL_BUT_SELF && t != vp) ||
                   (d.dest == ICR_DEST_SELF && t == vp);

        if (hit && t != vp)
            start_vp(t, &d);
    }
}

enum msr_verdict parent_msr_write(struct vp *vp, uint32_t msr, uint64_t value)
{
    switch (msr) {
    case MSR_MICROCODE_UPDATE:
        return MSR_DONE; /* the hypervisor owns microcode; silently ignored */
    case MSR_VM_CR:
    case MSR_VM_HSAVE_PA:
    case MSR_SVM_KEY:
        return MSR_REFUSE;
    case MSR_APIC_BASE: {
        /* Moving the APIC would take it out from under the write-protected
         * page that mediates INIT and STARTUP. */
        uint64_t cur = rdmsr(MSR_APIC_BASE);

        if ((value & APIC_BASE_ADDR_MASK) != (cur & APIC_BASE_ADDR_MASK))
            return MSR_REFUSE;
        return MSR_PASS;
    }
    case MSR_X2APIC_ICR:
        icr_write(vp, (uint32_t)value, (uint32_t)(value >> 32), true);
        return MSR_DONE;
    default:
        return MSR_PASS;
    }
}

/* A write to the xAPIC page: emulate it on the physical APIC. */
static int apic_write(struct vp *vp, uint64_t gpa)
{
    struct insn insn;
    struct mmio_access a;
    uint32_t offset = (uint32_t)(gpa & 0xFFF);
    uint64_t value;
    volatile uint8_t *reg = (volatile uint8_t *)(vp->part->lapic_gpa + offset);

    if (vcpu_fetch_insn(vp, &insn) || insn_mmio_access(&insn, &a) || !a.write) {
        vcpu_inject_gp(vp);
        return 0;
    }
    /* AH..BH (reg 4-7 without REX) live in bits 15:8 of RAX..RBX. */
    unsigned gpr = a.high_byte ? a.reg - 4u : a.reg;

    value = mmio_store_value(&a, vcpu_gpr(vp, gpr));
    if (a.xchg) {
        /* XCHG also loads the old contents, at the same offset and size. */
        uint64_t old = a.size == 1   ? *reg
                       : a.size == 2 ? *(volatile uint16_t *)reg
                       : a.size == 8 ? *(volatile uint64_t *)reg
                                     : *(volatile uint32_t *)reg;
        vcpu_set_gpr(vp, gpr, mmio_load_result(&a, vcpu_gpr(vp, gpr), old));
    }
    vcpu_skip(vp, insn.length);
    if (offset == APIC_ICR_LOW && a.size == 4) {
        uint32_t dest = *(volatile uint32_t *)(vp->part->lapic_gpa + APIC_ICR_HIGH) >> 24;

        icr_write(vp, (uint32_t)value, dest, false);
        return 0;
    }
    switch (a.size) {
    case 1:
        *reg = (uint8_t)value;
        break;
    case 2:
        *(volatile uint16_t *)reg = (uint16_t)value;
        break;
    case 8:
        *(volatile uint64_t *)reg = value;
        break;
    default:
        *(volatile uint32_t *)reg = (uint32_t)value;
        break;
    }
    return 0;
}

int parent_npf(struct vp *vp, uint64_t gpa, bool write, bool fetch)
{
    struct partition *p = vp->part;

    if ((gpa & ~0xFFFULL) == p->lapic_gpa && write)
        return apic_write(vp, gpa);
    if (parent_in_hole(p, gpa, 1) && write) {
        struct insn insn;

        if (p->hole_writes++ < REPORT_LIMIT)
            printk("parent VP%u: write to hypervisor memory at 0x%llx dropped\n", vp->index,
                   (unsigned long long)gpa);
        if (vcpu_fetch_insn(vp, &insn)) {
            vcpu_inject_gp(vp);
            return 0;
        }
        vcpu_skip(vp, insn.length);
        return 0;
    }
    printk("parent VP%u: unexpected nested page fault at 0x%llx (%s)\n", vp->index,
           (unsigned long long)gpa,
           fetch   ? "fetch"
           : write ? "write"
                   : "read");
    return -1;
}
