/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * VT-x capabilities over values already read from the CPU (API in
 * arch/vmx_caps.h).  Pure: no MSR or VMCS access, no libc beyond snprintf,
 * so it builds into the hypervisor and for the host's unit tests alike.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <arch/vmx_caps.h>
#include <hv/slat.h>

#define ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))
#define PAGE_MASK    0xFFFULL
#define PA_LIMIT     (1ULL << 52) /* the architectural MAXPHYADDR limit */

static int fail(char *err, size_t errlen, const char *what)
{
    if (err && errlen)
        snprintf(err, errlen, "%s", what);
    return -1;
}

/* ---- reading the capabilities --------------------------------------------------------------- */

static int read_msr(vmx_msr_read_fn rd, void *ctx, uint32_t msr, uint64_t *value, char *err,
                    size_t errlen)
{
    if (rd(ctx, msr, value) == 0)
        return 0;
    if (err && errlen)
        snprintf(err, errlen, "VMX: reading capability MSR 0x%x failed", msr);
    return -1;
}

int vmx_caps_load(struct vmx_caps *c, vmx_msr_read_fn rd, void *ctx, char *err, size_t errlen)
{
    static const struct {
        uint32_t msr;
        size_t offset;
    } always[] = {
        {MSR_IA32_VMX_BASIC, offsetof(struct vmx_caps, basic)},
        {MSR_IA32_VMX_PINBASED_CTLS, offsetof(struct vmx_caps, pinbased)},
        {MSR_IA32_VMX_PROCBASED_CTLS, offsetof(struct vmx_caps, procbased)},
        {MSR_IA32_VMX_EXIT_CTLS, offsetof(struct vmx_caps, exit)},
        {MSR_IA32_VMX_ENTRY_CTLS, offsetof(struct vmx_caps, entry)},
        {MSR_IA32_VMX_MISC, offsetof(struct vmx_caps, misc)},
        {MSR_IA32_VMX_CR0_FIXED0, offsetof(struct vmx_caps, cr0_fixed0)},
        {MSR_IA32_VMX_CR0_FIXED1, offsetof(struct vmx_caps, cr0_fixed1)},
        {MSR_IA32_VMX_CR4_FIXED0, offsetof(struct vmx_caps, cr4_fixed0)},
        {MSR_IA32_VMX_CR4_FIXED1, offsetof(struct vmx_caps, cr4_fixed1)},
    };
    static const struct {
        uint32_t msr;
        size_t offset;
    } true_ctls[] = {
        {MSR_IA32_VMX_TRUE_PINBASED, offsetof(struct vmx_caps, true_pinbased)},
        {MSR_IA32_VMX_TRUE_PROCBASED, offsetof(struct vmx_caps, true_procbased)},
        {MSR_IA32_VMX_TRUE_EXIT, offsetof(struct vmx_caps, true_exit)},
        {MSR_IA32_VMX_TRUE_ENTRY, offsetof(struct vmx_caps, true_entry)},
    };

    *c = (struct vmx_caps){0};
    for (size_t i = 0; i < ARRAY_LEN(always); i++)
        if (read_msr(rd, ctx, always[i].msr, (uint64_t *)((char *)c + always[i].offset), err,
                     errlen))
            return -1;
    /* Each of the others exists only where an earlier one says so; reading
     * one that does not raises #GP. */
    if (c->basic & VMX_BASIC_TRUE_CTLS)
        for (size_t i = 0; i < ARRAY_LEN(true_ctls); i++)
            if (read_msr(rd, ctx, true_ctls[i].msr, (uint64_t *)((char *)c + true_ctls[i].offset),
                         err, errlen))
                return -1;
    if (((c->procbased >> 32) & VMX_PROC_SECONDARY) &&
        read_msr(rd, ctx, MSR_IA32_VMX_PROCBASED_CTLS2, &c->procbased2, err, errlen))
        return -1;
    if (((c->procbased2 >> 32) & (VMX_PROC2_EPT | VMX_PROC2_VPID)) &&
        read_msr(rd, ctx, MSR_IA32_VMX_EPT_VPID_CAP, &c->ept_vpid_cap, err, errlen))
        return -1;
    return 0;
}

int vmx_caps_check_basic(const struct vmx_caps *c, char *err, size_t errlen)
{
    uint64_t size = (c->basic >> VMX_BASIC_SIZE_SHIFT) & VMX_BASIC_SIZE_MASK;
    unsigned memtype = (unsigned)(c->basic >> VMX_BASIC_MEMTYPE_SHIFT) & 0xF;

    /* The regions are single pages from the page allocator. */
    if (size == 0 || size > 4096) {
        if (err && errlen)
            snprintf(err, errlen, "VMX: VMCS size %u does not fit a page", (unsigned)size);
        return -1;
    }
    /* The hypervisor maps all of its memory write-back. */
    if (memtype != VMX_MEMTYPE_WB) {
        if (err && errlen)
            snprintf(err, errlen, "VMX: VMCS memory type %u, only write-back (6) is supported",
                     memtype);
        return -1;
    }
    /* Only CPUs without Intel 64 set it; the hypervisor's pages may be
     * anywhere. */
    if (c->basic & VMX_BASIC_ADDR32)
        return fail(err, errlen, "VMX: VMXON and VMCS regions limited to 32-bit addresses");
    return 0;
}

uint32_t vmx_caps_revision(const struct vmx_caps *c)
{
    return (uint32_t)(c->basic & VMX_BASIC_REVISION_MASK);
}

int vmx_feature_control(uint64_t cur, uint64_t *write, char *err, size_t errlen)
{
    if (cur & FEATURE_CONTROL_LOCKED) {
        *write = cur;
        if (!(cur & FEATURE_CONTROL_VMXON_OUTSIDE))
            return fail(err, errlen,
                        "VMX: disabled by the firmware (IA32_FEATURE_CONTROL locked without "
                        "VMXON outside SMX)");
        return 0;
    }
    /* Unlocked: nothing has decided yet, and VMXON needs the lock set. */
    *write = cur | FEATURE_CONTROL_VMXON_OUTSIDE | FEATURE_CONTROL_LOCKED;
    return 0;
}

/* ---- control derivation --------------------------------------------------------------------- */

int vmx_ctl_derive(uint64_t cap, uint32_t default1, const struct vmx_ctl_want *want,
                   uint32_t *value, uint32_t *failed)
{
    uint32_t must1 = (uint32_t)cap, may1 = (uint32_t)(cap >> 32);
    uint32_t contradiction = must1 & ~may1, missing = want->required & ~may1;

    *value = 0;
    *failed = 0;
    if (contradiction) {
        *failed = contradiction;
        return -1;
    }
    if (missing) {
        *failed = missing;
        return -1;
    }
    /* SDM 31.5.1: a bit the hypervisor does not know keeps its default, so
     * that a future CPU that gives a default1 bit a meaning sees the old
     * behaviour.  Without true controls default1 is must1 anyway. */
    *value = must1 | want->required | (want->optional & may1) | (default1 & ~want->unwanted & may1);
    return 0;
}

struct field {
    const char *name;
    uint32_t msr;
    uint64_t cap;
    uint32_t default1;
};

static int derive_field(const struct field *f, const struct vmx_ctl_want *want, uint32_t *value,
                        char *err, size_t errlen)
{
    uint32_t failed;

    if (vmx_ctl_derive(f->cap, f->default1, want, value, &failed) == 0)
        return 0;
    if (err && errlen) {
        if ((uint32_t)f->cap & ~(uint32_t)(f->cap >> 32))
            snprintf(err, errlen, "VMX %s controls: MSR 0x%x forces bits 0x%x it does not allow",
                     f->name, f->msr, failed);
        else
            snprintf(err, errlen,
                     "VMX %s controls: the CPU cannot set required bits 0x%x (MSR 0x%x allows "
                     "0x%x)",
                     f->name, failed, f->msr, (uint32_t)(f->cap >> 32));
    }
    return -1;
}

int vmx_controls_derive(const struct vmx_caps *c, const struct vmx_controls_want *want,
                        struct vmx_controls *out, char *err, size_t errlen)
{
    bool tc = (c->basic & VMX_BASIC_TRUE_CTLS) != 0;
    const struct field pin = {"pin-based",
                              tc ? MSR_IA32_VMX_TRUE_PINBASED : MSR_IA32_VMX_PINBASED_CTLS,
                              tc ? c->true_pinbased : c->pinbased, (uint32_t)c->pinbased};
    const struct field proc = {"primary processor-based",
                               tc ? MSR_IA32_VMX_TRUE_PROCBASED : MSR_IA32_VMX_PROCBASED_CTLS,
                               tc ? c->true_procbased : c->procbased, (uint32_t)c->procbased};
    const struct field proc2 = {"secondary processor-based", MSR_IA32_VMX_PROCBASED_CTLS2,
                                c->procbased2, 0};
    const struct field exit = {"VM-exit", tc ? MSR_IA32_VMX_TRUE_EXIT : MSR_IA32_VMX_EXIT_CTLS,
                               tc ? c->true_exit : c->exit, (uint32_t)c->exit};
    const struct field entry = {"VM-entry", tc ? MSR_IA32_VMX_TRUE_ENTRY : MSR_IA32_VMX_ENTRY_CTLS,
                                tc ? c->true_entry : c->entry, (uint32_t)c->entry};
    struct vmx_ctl_want proc_want = want->proc;

    *out = (struct vmx_controls){.true_ctls = tc};

    /* The secondary field first: whether it is used decides bit 31 of the
     * primary one. */
    if ((proc.cap >> 32) & VMX_PROC_SECONDARY) {
        if (derive_field(&proc2, &want->proc2, &out->proc2, err, errlen))
            return -1;
    } else if (want->proc2.required) {
        if (err && errlen)
            snprintf(err, errlen,
                     "VMX secondary processor-based controls: the CPU has none (primary bit 31 "
                     "cannot be set), required bits 0x%x",
                     want->proc2.required);
        return -1;
    }
    /* VM entry fails on unrestricted guest without EPT (SDM 27.2.1.1). */
    if ((out->proc2 & VMX_PROC2_UNRESTRICTED) && !(out->proc2 & VMX_PROC2_EPT)) {
        if (want->proc2.required & VMX_PROC2_UNRESTRICTED) {
            if (err && errlen)
                snprintf(err, errlen,
                         "VMX secondary processor-based controls: required bits 0x%x need EPT "
                         "(0x%x), which is not enabled",
                         VMX_PROC2_UNRESTRICTED, VMX_PROC2_EPT);
            return -1;
        }
        out->proc2 &= ~VMX_PROC2_UNRESTRICTED;
    }
    proc_want.required &= ~VMX_PROC_SECONDARY;
    proc_want.optional &= ~VMX_PROC_SECONDARY;
    if (out->proc2)
        proc_want.required |= VMX_PROC_SECONDARY;

    if (derive_field(&pin, &want->pin, &out->pin, err, errlen) ||
        derive_field(&proc, &proc_want, &out->proc, err, errlen) ||
        derive_field(&exit, &want->exit, &out->exit, err, errlen) ||
        derive_field(&entry, &want->entry, &out->entry, err, errlen))
        return -1;
    return 0;
}

/* ---- CR0 and CR4 ---------------------------------------------------------------------------- */

uint64_t vmx_cr_apply_fixed(uint64_t value, uint64_t fixed0, uint64_t fixed1)
{
    return (value | fixed0) & fixed1;
}

bool vmx_cr_fixed_ok(uint64_t value, uint64_t fixed0, uint64_t fixed1)
{
    return (value & fixed0) == fixed0 && (value & ~fixed1) == 0;
}

/* Unrestricted guest exempts PE and PG from FIXED0 (SDM 27.3.1.1). */
static uint64_t cr0_fixed0(const struct vmx_caps *c, bool unrestricted)
{
    return unrestricted ? c->cr0_fixed0 & ~(VMX_CR0_PE | VMX_CR0_PG) : c->cr0_fixed0;
}

uint64_t vmx_cr0_fix(const struct vmx_caps *c, uint64_t cr0, bool unrestricted)
{
    return vmx_cr_apply_fixed(cr0, cr0_fixed0(c, unrestricted), c->cr0_fixed1);
}

bool vmx_cr0_ok(const struct vmx_caps *c, uint64_t cr0, bool unrestricted)
{
    /* Paging without protection is checked whatever FIXED0 says. */
    if ((cr0 & VMX_CR0_PG) && !(cr0 & VMX_CR0_PE))
        return false;
    return vmx_cr_fixed_ok(cr0, cr0_fixed0(c, unrestricted), c->cr0_fixed1);
}

uint64_t vmx_cr4_fix(const struct vmx_caps *c, uint64_t cr4)
{
    return vmx_cr_apply_fixed(cr4, c->cr4_fixed0, c->cr4_fixed1);
}

bool vmx_cr4_ok(const struct vmx_caps *c, uint64_t cr4)
{
    return vmx_cr_fixed_ok(cr4, c->cr4_fixed0, c->cr4_fixed1);
}

uint64_t vmx_cr0_pinned(const struct vmx_caps *c, bool unrestricted)
{
    return cr0_fixed0(c, unrestricted) | ~c->cr0_fixed1;
}

uint64_t vmx_cr4_pinned(const struct vmx_caps *c)
{
    return c->cr4_fixed0 | ~c->cr4_fixed1;
}

/* ---- EPT and VPID --------------------------------------------------------------------------- */

int vmx_ept_check(uint64_t cap, char *err, size_t errlen)
{
    const char *lacks[3];
    unsigned n = 0;

    if (!(cap & VMX_EPT_CAP_WALK4))
        lacks[n++] = "4-level walks";
    if (!(cap & VMX_EPT_CAP_WB))
        lacks[n++] = "write-back paging structures";
    if (vmx_invept_type(cap) < 0)
        lacks[n++] = "INVEPT (single- or all-context)";
    if (n == 0)
        return 0;
    if (err && errlen)
        snprintf(err, errlen, "VMX: EPT lacks %s%s%s%s%s", lacks[0], n > 1 ? ", " : "",
                 n > 1 ? lacks[1] : "", n > 2 ? ", " : "", n > 2 ? lacks[2] : "");
    return -1;
}

unsigned vmx_ept_leaf_flags(uint64_t cap)
{
    if (!(cap & VMX_EPT_CAP_2M))
        return SLAT_NO_LARGE;
    if (!(cap & VMX_EPT_CAP_1G))
        return SLAT_NO_1G;
    return 0;
}

int vmx_invept_type(uint64_t cap)
{
    if (!(cap & VMX_EPT_CAP_INVEPT))
        return -1;
    if (cap & VMX_EPT_CAP_INVEPT_SINGLE)
        return VMX_INVEPT_SINGLE;
    if (cap & VMX_EPT_CAP_INVEPT_ALL)
        return VMX_INVEPT_ALL;
    return -1;
}

int vmx_invvpid_type(uint64_t cap)
{
    if (!(cap & VMX_VPID_CAP_INVVPID))
        return -1;
    if (cap & VMX_VPID_CAP_INVVPID_SINGLE)
        return VMX_INVVPID_SINGLE;
    /* Individual-address alone cannot flush a VP's whole context. */
    if (cap & VMX_VPID_CAP_INVVPID_ALL)
        return VMX_INVVPID_ALL;
    return -1;
}

int vmx_ept_pointer(uint64_t cap, uint64_t pml4_pa, bool ad, uint64_t *eptp, char *err,
                    size_t errlen)
{
    *eptp = 0;
    if (pml4_pa & PAGE_MASK)
        return fail(err, errlen, "VMX: EPT PML4 address is not page-aligned");
    if (pml4_pa >= PA_LIMIT)
        return fail(err, errlen, "VMX: EPT PML4 address beyond 52 bits");
    if (!(cap & VMX_EPT_CAP_WALK4))
        return fail(err, errlen, "VMX: EPT without 4-level walks");
    if (!(cap & VMX_EPT_CAP_WB))
        return fail(err, errlen, "VMX: EPT without write-back paging structures");
    if (ad && !(cap & VMX_EPT_CAP_AD))
        return fail(err, errlen, "VMX: EPT accessed and dirty flags not supported");
    *eptp = pml4_pa | VMX_EPTP_MEMTYPE_WB | VMX_EPTP_WALK4 | (ad ? VMX_EPTP_AD : 0);
    return 0;
}
