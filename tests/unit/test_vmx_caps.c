/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Unit tests of the VT-x capability logic and exit decoding
 * (arch/x86_64/vmx_caps.c).
 *
 * The capability values are what real CPUs report, as recorded in
 * VirtualBox's CPU database (src/VBox/VMM/VMMR3/cpus/):
 *   - Intel Core i7-5600U (Broadwell): true controls, EPT, VPID, unrestricted
 *     guest.  Its IA32_VMX_BASIC (0xda040000000012) and pin-based controls
 *     (0x7f00000016, true and legacy) are the Haswell values.
 *   - Intel Xeon X5482 (Penryn): no true controls, secondary controls with
 *     only APIC-access virtualization and WBINVD exiting: no EPT, no VPID,
 *     so no IA32_VMX_EPT_VPID_CAP.
 * Other values are built from those by clearing bits, as the comments say.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include <arch/vmx_caps.h>
#include <arch/vmx_exit.h>
#include <hv/abi.h>
#include <hv/slat.h>

#define BIT(n) (1ULL << (n))

static const struct vmx_caps broadwell = {
    .basic = 0xda040000000012ULL,
    .pinbased = 0x7f00000016ULL,
    .procbased = 0xfff9fffe0401e172ULL,
    .exit = 0x7fffff00036dffULL,
    .entry = 0xffff000011ffULL,
    .true_pinbased = 0x7f00000016ULL,
    .true_procbased = 0xfff9fffe04006172ULL,
    .true_exit = 0x7fffff00036dfbULL,
    .true_entry = 0xffff000011fbULL,
    .procbased2 = 0x57cff00000000ULL,
    .misc = 0x300481e5ULL,
    .cr0_fixed0 = 0x80000021ULL,
    .cr0_fixed1 = 0xffffffffULL,
    .cr4_fixed0 = 0x2000ULL,
    .cr4_fixed1 = 0x3767ffULL,
    .ept_vpid_cap = 0xf0106334141ULL,
};

static const struct vmx_caps penryn = {
    .basic = 0x5a08000000000dULL,
    .pinbased = 0x3f00000016ULL,
    .procbased = 0xf7f9fffe0401e172ULL,
    .exit = 0x3ffff00036dffULL,
    .entry = 0x3fff000011ffULL,
    .procbased2 = 0x4100000000ULL,
    .misc = 0x403c0ULL,
    .cr0_fixed0 = 0x80000021ULL,
    .cr0_fixed1 = 0xffffffffULL,
    .cr4_fixed0 = 0x2000ULL,
    .cr4_fixed1 = 0x27ffULL,
};

/* A plausible set of what the VT-x backend asks for (a child VP's). */
static const struct vmx_controls_want child_want = {
    .pin = {.required = VMX_PIN_EXT_INT_EXITING | VMX_PIN_NMI_EXITING,
            .optional = VMX_PIN_VIRTUAL_NMIS},
    .proc = {.required = VMX_PROC_HLT | VMX_PROC_IO_BITMAPS | VMX_PROC_MSR_BITMAPS,
             .unwanted = VMX_PROC_CR3_LOAD | VMX_PROC_CR3_STORE},
    .proc2 = {.required = VMX_PROC2_EPT | VMX_PROC2_UNRESTRICTED,
              .optional = VMX_PROC2_VPID | VMX_PROC2_RDTSCP | VMX_PROC2_INVPCID | VMX_PROC2_XSAVES},
    .exit = {.required = VMX_EXIT_CTL_HOST_64 | VMX_EXIT_CTL_SAVE_EFER | VMX_EXIT_CTL_LOAD_EFER,
             .optional = VMX_EXIT_CTL_SAVE_PAT | VMX_EXIT_CTL_LOAD_PAT,
             .unwanted = VMX_EXIT_CTL_SAVE_DEBUG},
    .entry = {.required = VMX_ENTRY_CTL_LOAD_EFER,
              .optional = VMX_ENTRY_CTL_LOAD_PAT,
              .unwanted = VMX_ENTRY_CTL_LOAD_DEBUG},
};

static char err[256];

static int setup(void **state)
{
    (void)state;
    memset(err, 0, sizeof(err));
    return 0;
}

/* ---- one field ---------------------------------------------------------------------------- */

static void test_ctl_allowed0_allowed1(void **state)
{
    /* must be 1: bits 1, 2; may be 1: bits 0-5. */
    const uint64_t cap = 0x3fULL << 32 | 0x6;
    struct vmx_ctl_want w = {.required = BIT(0), .optional = BIT(4) | BIT(7)};
    uint32_t v, failed;

    (void)state;
    assert_int_equal(vmx_ctl_derive(cap, 0x6, &w, &v, &failed), 0);
    /* forced bits kept, required set, optional bit 4 taken, bit 7 dropped */
    assert_int_equal(v, 0x17);
    assert_int_equal(failed, 0);

    /* Nothing wanted: just the forced bits. */
    w = (struct vmx_ctl_want){0};
    assert_int_equal(vmx_ctl_derive(cap, 0x6, &w, &v, &failed), 0);
    assert_int_equal(v, 0x6);

    /* A bit the CPU cannot set, required: the bit is named. */
    w.required = BIT(0) | BIT(6) | BIT(9);
    assert_int_equal(vmx_ctl_derive(cap, 0x6, &w, &v, &failed), -1);
    assert_int_equal(failed, BIT(6) | BIT(9));
    assert_int_equal(v, 0);
}

static void test_ctl_default1_with_true_controls(void **state)
{
    /* The primary processor-based field of the Broadwell: CR3-load and
     * CR3-store exiting (bits 15, 16) are default1 that only the true MSR
     * lets us clear. */
    struct vmx_ctl_want w = {.unwanted = VMX_PROC_CR3_LOAD | VMX_PROC_CR3_STORE};
    uint32_t v, failed, default1 = (uint32_t)broadwell.procbased;

    (void)state;
    assert_int_equal(vmx_ctl_derive(broadwell.true_procbased, default1, &w, &v, &failed), 0);
    assert_int_equal(v, 0x04006172);
    /* Default1 bits not marked unwanted stay set, as SDM 31.5.1 asks. */
    w.unwanted = VMX_PROC_CR3_LOAD;
    assert_int_equal(vmx_ctl_derive(broadwell.true_procbased, default1, &w, &v, &failed), 0);
    assert_int_equal(v, 0x04006172 | VMX_PROC_CR3_STORE);
    /* From the legacy MSR the CPU insists: unwanted is only a wish. */
    w.unwanted = VMX_PROC_CR3_LOAD | VMX_PROC_CR3_STORE;
    assert_int_equal(vmx_ctl_derive(broadwell.procbased, default1, &w, &v, &failed), 0);
    assert_int_equal(v, 0x0401e172);
}

static void test_ctl_contradictory_cpu(void **state)
{
    /* A CPU (or emulator) that forces bit 3 but does not allow it. */
    const uint64_t cap = 0xf0ULL << 32 | 0x18;
    struct vmx_ctl_want w = {0};
    uint32_t v, failed;

    (void)state;
    assert_int_equal(vmx_ctl_derive(cap, 0x18, &w, &v, &failed), -1);
    assert_int_equal(failed, BIT(3));
}

/* ---- all fields --------------------------------------------------------------------------- */

static void test_derive_broadwell_true_controls(void **state)
{
    struct vmx_controls c;

    (void)state;
    assert_int_equal(vmx_controls_derive(&broadwell, &child_want, &c, err, sizeof(err)), 0);
    assert_true(c.true_ctls);
    assert_int_equal(c.pin, 0x3f); /* 0x16 forced | ext-int, NMI exiting | virtual NMIs */
    /* true must-be-1 0x04006172 | HLT, I/O and MSR bitmaps, secondary; no CR3 exiting */
    assert_int_equal(c.proc, 0x960061f2);
    assert_false(c.proc & (VMX_PROC_CR3_LOAD | VMX_PROC_CR3_STORE));
    /* EPT, unrestricted guest, VPID, RDTSCP, INVPCID; no XSAVES (bit 20
     * not allowed by 0x57cff) */
    assert_int_equal(c.proc2, 0x10aa);
    assert_false(c.proc2 & VMX_PROC2_XSAVES);
    /* 0x36dfb | host 64, PAT and EFER save/load; save-debug cleared */
    assert_int_equal(c.exit, 0x3f6ffb);
    assert_false(c.exit & VMX_EXIT_CTL_SAVE_DEBUG);
    assert_int_equal(c.entry, 0xd1fb);
    assert_false(c.entry & VMX_ENTRY_CTL_LOAD_DEBUG);
}

static void test_derive_broadwell_legacy_controls(void **state)
{
    /* The same CPU if IA32_VMX_BASIC did not announce the true MSRs: the
     * legacy ones must be used, and their default1 bits are forced. */
    struct vmx_caps caps = broadwell;
    struct vmx_controls c;

    (void)state;
    caps.basic &= ~VMX_BASIC_TRUE_CTLS;
    caps.true_procbased = caps.true_exit = caps.true_entry = caps.true_pinbased = 0;
    assert_int_equal(vmx_controls_derive(&caps, &child_want, &c, err, sizeof(err)), 0);
    assert_false(c.true_ctls);
    assert_int_equal(c.pin, 0x3f);
    assert_int_equal(c.proc, 0x9601e1f2);
    assert_true(c.proc & VMX_PROC_CR3_LOAD);
    assert_true(c.proc & VMX_PROC_CR3_STORE);
    assert_int_equal(c.proc2, 0x10aa);
    assert_int_equal(c.exit, 0x3f6fff);
    assert_int_equal(c.entry, 0xd1ff);
}

static void test_derive_true_msrs_used_only_when_announced(void **state)
{
    /* True MSRs that would allow clearing everything, but bit 55 clear:
     * they must be ignored. */
    struct vmx_caps caps = broadwell;
    struct vmx_controls c;

    (void)state;
    caps.basic &= ~VMX_BASIC_TRUE_CTLS;
    caps.true_procbased = 0xffffffffULL << 32;
    assert_int_equal(vmx_controls_derive(&caps, &child_want, &c, err, sizeof(err)), 0);
    assert_true(c.proc & VMX_PROC_CR3_LOAD);
}

static void test_derive_penryn_without_ept(void **state)
{
    struct vmx_controls_want w = child_want;
    struct vmx_controls c;

    (void)state;
    /* EPT and unrestricted guest required: the secondary field fails. */
    assert_int_equal(vmx_controls_derive(&penryn, &w, &c, err, sizeof(err)), -1);
    assert_non_null(strstr(err, "secondary processor-based"));
    assert_non_null(strstr(err, "0x82"));
    assert_non_null(strstr(err, "0x48b"));

    /* The same as options: no secondary controls at all, so the primary
     * field does not activate them. */
    w.proc2.optional |= w.proc2.required;
    w.proc2.required = 0;
    w.exit.required = VMX_EXIT_CTL_HOST_64;
    w.exit.optional |= VMX_EXIT_CTL_SAVE_EFER | VMX_EXIT_CTL_LOAD_EFER;
    w.entry.required = 0;
    w.entry.optional |= VMX_ENTRY_CTL_LOAD_EFER;
    assert_int_equal(vmx_controls_derive(&penryn, &w, &c, err, sizeof(err)), 0);
    assert_false(c.true_ctls);
    assert_int_equal(c.proc2, 0);
    assert_false(c.proc & VMX_PROC_SECONDARY);
    assert_int_equal(c.proc, 0x1601e1f2);
    /* Penryn cannot save or load PAT and EFER: the options are dropped. */
    assert_int_equal(c.exit, 0x36fff);
    assert_int_equal(c.entry, 0x11ff);
}

static void test_derive_required_bit_names_field(void **state)
{
    struct vmx_controls_want w = child_want;
    struct vmx_controls c;

    (void)state;
    w.proc2 = (struct vmx_ctl_want){0};

    /* Penryn has no VMX-preemption timer (pin-based allowed-1 is 0x3f). */
    w.pin.required |= VMX_PIN_PREEMPTION_TIMER;
    assert_int_equal(vmx_controls_derive(&penryn, &w, &c, err, sizeof(err)), -1);
    assert_non_null(strstr(err, "pin-based"));
    assert_non_null(strstr(err, "0x40"));
    assert_non_null(strstr(err, "0x481"));

    /* ... nor EFER loading on entry. */
    w.pin = child_want.pin;
    w.exit.required = VMX_EXIT_CTL_HOST_64;
    assert_int_equal(vmx_controls_derive(&penryn, &w, &c, err, sizeof(err)), -1);
    assert_non_null(strstr(err, "VM-entry"));
    assert_non_null(strstr(err, "0x8000"));

    /* On the Broadwell, the tertiary controls (bit 17) cannot be set, and
     * the message names the true MSR. */
    w = child_want;
    w.proc.required |= BIT(17);
    assert_int_equal(vmx_controls_derive(&broadwell, &w, &c, err, sizeof(err)), -1);
    assert_non_null(strstr(err, "primary processor-based"));
    assert_non_null(strstr(err, "0x20000"));
    assert_non_null(strstr(err, "0x48e"));

    /* No err buffer: still refused, nothing written. */
    assert_int_equal(vmx_controls_derive(&broadwell, &w, &c, NULL, 0), -1);
}

static void test_derive_no_secondary_controls(void **state)
{
    /* Penryn with primary bit 31 not allowed (an older Core 2): the
     * secondary MSR does not exist. */
    struct vmx_caps caps = penryn;
    struct vmx_controls_want w = child_want;
    struct vmx_controls c;

    (void)state;
    caps.procbased &= ~((uint64_t)VMX_PROC_SECONDARY << 32);
    caps.procbased2 = 0;
    w.exit.required = VMX_EXIT_CTL_HOST_64;
    w.entry.required = 0;
    assert_int_equal(vmx_controls_derive(&caps, &w, &c, err, sizeof(err)), -1);
    assert_non_null(strstr(err, "secondary processor-based"));
    assert_non_null(strstr(err, "has none"));

    w.proc2.optional |= w.proc2.required;
    w.proc2.required = 0;
    assert_int_equal(vmx_controls_derive(&caps, &w, &c, err, sizeof(err)), 0);
    assert_int_equal(c.proc2, 0);
    assert_false(c.proc & VMX_PROC_SECONDARY);

    /* Asking for the activation bit itself changes nothing: it follows
     * proc2. */
    w.proc.optional |= VMX_PROC_SECONDARY;
    caps.procbased |= (uint64_t)VMX_PROC_SECONDARY << 32;
    assert_int_equal(vmx_controls_derive(&caps, &w, &c, err, sizeof(err)), 0);
    assert_false(c.proc & VMX_PROC_SECONDARY);
}

static void test_derive_unrestricted_needs_ept(void **state)
{
    /* An emulator that offers unrestricted guest without EPT. */
    struct vmx_caps caps = broadwell;
    struct vmx_controls_want w = child_want;
    struct vmx_controls c;

    (void)state;
    caps.procbased2 &= ~((uint64_t)VMX_PROC2_EPT << 32);
    w.proc2.required = VMX_PROC2_UNRESTRICTED;
    assert_int_equal(vmx_controls_derive(&caps, &w, &c, err, sizeof(err)), -1);
    assert_non_null(strstr(err, "need EPT"));

    w.proc2 = (struct vmx_ctl_want){.optional = VMX_PROC2_EPT | VMX_PROC2_UNRESTRICTED};
    assert_int_equal(vmx_controls_derive(&caps, &w, &c, err, sizeof(err)), 0);
    assert_false(c.proc2 & VMX_PROC2_UNRESTRICTED);
    assert_int_equal(c.proc2, 0);
    assert_false(c.proc & VMX_PROC_SECONDARY);
}

static void test_derive_contradiction_named(void **state)
{
    struct vmx_caps caps = broadwell;
    struct vmx_controls c;

    (void)state;
    caps.true_exit &= ~(1ULL << 32); /* bit 0 forced but not allowed */
    assert_int_equal(vmx_controls_derive(&caps, &child_want, &c, err, sizeof(err)), -1);
    assert_non_null(strstr(err, "VM-exit"));
    assert_non_null(strstr(err, "forces"));
}

/* ---- reading the MSRs --------------------------------------------------------------------- */

struct fake_cpu {
    const struct vmx_caps *caps;
    uint32_t read[32];
    unsigned nread;
    uint32_t refuse; /* an MSR that raises #GP although it should exist */
};

static int fake_rdmsr(void *ctx, uint32_t msr, uint64_t *value)
{
    struct fake_cpu *f = ctx;
    const struct vmx_caps *c = f->caps;
    bool tc = c->basic & VMX_BASIC_TRUE_CTLS;
    bool p2 = (c->procbased >> 32) & VMX_PROC_SECONDARY;
    bool ept = p2 && ((c->procbased2 >> 32) & (VMX_PROC2_EPT | VMX_PROC2_VPID));

    if (f->nread < 32)
        f->read[f->nread++] = msr;
    if (msr == f->refuse)
        return -1;
    switch (msr) {
    case MSR_IA32_VMX_BASIC:
        *value = c->basic;
        return 0;
    case MSR_IA32_VMX_PINBASED_CTLS:
        *value = c->pinbased;
        return 0;
    case MSR_IA32_VMX_PROCBASED_CTLS:
        *value = c->procbased;
        return 0;
    case MSR_IA32_VMX_EXIT_CTLS:
        *value = c->exit;
        return 0;
    case MSR_IA32_VMX_ENTRY_CTLS:
        *value = c->entry;
        return 0;
    case MSR_IA32_VMX_MISC:
        *value = c->misc;
        return 0;
    case MSR_IA32_VMX_CR0_FIXED0:
        *value = c->cr0_fixed0;
        return 0;
    case MSR_IA32_VMX_CR0_FIXED1:
        *value = c->cr0_fixed1;
        return 0;
    case MSR_IA32_VMX_CR4_FIXED0:
        *value = c->cr4_fixed0;
        return 0;
    case MSR_IA32_VMX_CR4_FIXED1:
        *value = c->cr4_fixed1;
        return 0;
    case MSR_IA32_VMX_PROCBASED_CTLS2:
        *value = c->procbased2;
        return p2 ? 0 : -1;
    case MSR_IA32_VMX_EPT_VPID_CAP:
        *value = c->ept_vpid_cap;
        return ept ? 0 : -1;
    case MSR_IA32_VMX_TRUE_PINBASED:
        *value = c->true_pinbased;
        return tc ? 0 : -1;
    case MSR_IA32_VMX_TRUE_PROCBASED:
        *value = c->true_procbased;
        return tc ? 0 : -1;
    case MSR_IA32_VMX_TRUE_EXIT:
        *value = c->true_exit;
        return tc ? 0 : -1;
    case MSR_IA32_VMX_TRUE_ENTRY:
        *value = c->true_entry;
        return tc ? 0 : -1;
    default:
        return -1;
    }
}

static bool was_read(const struct fake_cpu *f, uint32_t msr)
{
    for (unsigned i = 0; i < f->nread; i++)
        if (f->read[i] == msr)
            return true;
    return false;
}

static void test_load_broadwell(void **state)
{
    struct fake_cpu f = {.caps = &broadwell};
    struct vmx_caps c;

    (void)state;
    assert_int_equal(vmx_caps_load(&c, fake_rdmsr, &f, err, sizeof(err)), 0);
    assert_memory_equal(&c, &broadwell, sizeof(c));
    assert_true(was_read(&f, MSR_IA32_VMX_TRUE_ENTRY));
    assert_true(was_read(&f, MSR_IA32_VMX_EPT_VPID_CAP));
}

static void test_load_penryn_reads_only_existing(void **state)
{
    struct fake_cpu f = {.caps = &penryn};
    struct vmx_caps c;

    (void)state;
    memset(&c, 0xa5, sizeof(c));
    assert_int_equal(vmx_caps_load(&c, fake_rdmsr, &f, err, sizeof(err)), 0);
    assert_memory_equal(&c, &penryn, sizeof(c)); /* absent ones are 0 */
    assert_true(was_read(&f, MSR_IA32_VMX_PROCBASED_CTLS2));
    assert_false(was_read(&f, MSR_IA32_VMX_TRUE_PINBASED));
    assert_false(was_read(&f, MSR_IA32_VMX_TRUE_PROCBASED));
    assert_false(was_read(&f, MSR_IA32_VMX_TRUE_EXIT));
    assert_false(was_read(&f, MSR_IA32_VMX_TRUE_ENTRY));
    assert_false(was_read(&f, MSR_IA32_VMX_EPT_VPID_CAP));
}

static void test_load_failure_names_msr(void **state)
{
    struct fake_cpu f = {.caps = &broadwell, .refuse = MSR_IA32_VMX_CR4_FIXED1};
    struct vmx_caps c;

    (void)state;
    assert_int_equal(vmx_caps_load(&c, fake_rdmsr, &f, err, sizeof(err)), -1);
    assert_non_null(strstr(err, "0x489"));
}

static void test_check_basic(void **state)
{
    struct vmx_caps c = broadwell;

    (void)state;
    assert_int_equal(vmx_caps_check_basic(&c, err, sizeof(err)), 0);
    assert_int_equal(vmx_caps_revision(&c), 0x12);
    assert_int_equal(vmx_caps_check_basic(&penryn, err, sizeof(err)), 0); /* 2048-byte VMCS */
    assert_int_equal(vmx_caps_revision(&penryn), 0xd);

    c.basic = (broadwell.basic & ~(0xFULL << VMX_BASIC_MEMTYPE_SHIFT)) |
              (uint64_t)VMX_MEMTYPE_UC << VMX_BASIC_MEMTYPE_SHIFT;
    assert_int_equal(vmx_caps_check_basic(&c, err, sizeof(err)), -1);
    assert_non_null(strstr(err, "memory type 0"));

    c.basic = broadwell.basic | VMX_BASIC_ADDR32;
    assert_int_equal(vmx_caps_check_basic(&c, err, sizeof(err)), -1);
    assert_non_null(strstr(err, "32-bit"));

    c.basic = (broadwell.basic & ~(VMX_BASIC_SIZE_MASK << VMX_BASIC_SIZE_SHIFT)) |
              (4097ULL << VMX_BASIC_SIZE_SHIFT);
    assert_int_equal(vmx_caps_check_basic(&c, err, sizeof(err)), -1);
    assert_non_null(strstr(err, "4097"));
}

static void test_feature_control(void **state)
{
    uint64_t w;

    (void)state;
    /* Unlocked: enable and lock. */
    assert_int_equal(vmx_feature_control(0, &w, err, sizeof(err)), 0);
    assert_int_equal(w, FEATURE_CONTROL_LOCKED | FEATURE_CONTROL_VMXON_OUTSIDE);
    /* Locked on by the firmware (with SMX too): leave it. */
    assert_int_equal(vmx_feature_control(0x7, &w, err, sizeof(err)), 0);
    assert_int_equal(w, 0x7);
    /* Locked off. */
    assert_int_equal(vmx_feature_control(0x1, &w, err, sizeof(err)), -1);
    assert_non_null(strstr(err, "firmware"));
}

/* ---- CR0 and CR4 -------------------------------------------------------------------------- */

static void test_cr0_fixed_bits(void **state)
{
    const struct vmx_caps *c = &broadwell; /* FIXED0 PE|NE|PG, FIXED1 low 32 bits */

    (void)state;
    /* A 64-bit kernel's CR0 (PG AM WP NE ET MP PE) passes. */
    assert_true(vmx_cr0_ok(c, 0x80050033, false));
    assert_int_equal(vmx_cr0_fix(c, 0x80050033, false), 0x80050033);
    /* NE clear: refused, and fixing sets it. */
    assert_false(vmx_cr0_ok(c, 0x80050013, false));
    assert_int_equal(vmx_cr0_fix(c, 0x80050013, false), 0x80050033);
    /* Bits above 31 are not allowed. */
    assert_false(vmx_cr0_ok(c, BIT(32) | 0x80050033, false));
    assert_int_equal(vmx_cr0_fix(c, BIT(32) | 0x80050033, false), 0x80050033);

    /* Real mode after INIT (CD NW ET, plus the forced NE): only with
     * unrestricted guest. */
    assert_false(vmx_cr0_ok(c, 0x60000030, false));
    assert_true(vmx_cr0_ok(c, 0x60000030, true));
    assert_int_equal(vmx_cr0_fix(c, 0x60000010, true), 0x60000030); /* NE still forced */
    assert_int_equal(vmx_cr0_fix(c, 0x60000010, false), 0xe0000031);
    /* Protected mode without paging. */
    assert_true(vmx_cr0_ok(c, 0x31, true));
    /* Paging without protection is never allowed. */
    assert_false(vmx_cr0_ok(c, 0x80000030, true));

    /* The bits the backend must own in the guest/host mask. */
    assert_int_equal(vmx_cr0_pinned(c, false), 0xffffffff00000000ULL | 0x80000021);
    assert_int_equal(vmx_cr0_pinned(c, true), 0xffffffff00000000ULL | 0x20);
}

static void test_cr4_fixed_bits(void **state)
{
    const struct vmx_caps *c = &broadwell; /* FIXED0 VMXE, FIXED1 0x3767ff */

    (void)state;
    /* PAE PGE OSFXSR OSXMMEXCPT PCIDE OSXSAVE SMEP: VMXE is missing. */
    assert_false(vmx_cr4_ok(c, 0x1606a0));
    assert_int_equal(vmx_cr4_fix(c, 0x1606a0), 0x1626a0);
    assert_true(vmx_cr4_ok(c, 0x1626a0));
    /* PKE (bit 22) is not in this CPU's FIXED1. */
    assert_false(vmx_cr4_ok(c, 0x1626a0 | BIT(22)));
    assert_int_equal(vmx_cr4_fix(c, 0x1626a0 | BIT(22)), 0x1626a0);
    /* Penryn has no SMEP, PCIDE or OSXSAVE. */
    assert_false(vmx_cr4_ok(&penryn, 0x1626a0));
    assert_true(vmx_cr4_ok(&penryn, 0x26a0));
    assert_int_equal(vmx_cr4_pinned(c), 0x2000 | ~0x3767ffULL);

    /* The generic pair. */
    assert_true(vmx_cr_fixed_ok(0x5, 0x1, 0xf));
    assert_false(vmx_cr_fixed_ok(0x4, 0x1, 0xf));
    assert_false(vmx_cr_fixed_ok(0x11, 0x1, 0xf));
    assert_int_equal(vmx_cr_apply_fixed(0x14, 0x1, 0xf), 0x5);
}

/* ---- EPT ---------------------------------------------------------------------------------- */

/* What Bochs' init_ept_vpid_capabilities() starts from (exec-only, 4-level,
 * UC, WB, 2 MiB, INVEPT single/all), before 1 GiB pages and A/D are added
 * for models that have them, with its VPID bits. */
#define BOCHS_EPT_BASE (0x06114141ULL | 0xf01ULL << 32)

static void test_ept_check(void **state)
{
    (void)state;
    assert_int_equal(vmx_ept_check(broadwell.ept_vpid_cap, err, sizeof(err)), 0);
    assert_int_equal(vmx_ept_check(BOCHS_EPT_BASE, err, sizeof(err)), 0);

    assert_int_equal(vmx_ept_check(broadwell.ept_vpid_cap & ~VMX_EPT_CAP_WB, err, sizeof(err)), -1);
    assert_non_null(strstr(err, "write-back"));
    assert_null(strstr(err, "4-level"));

    assert_int_equal(vmx_ept_check(0, err, sizeof(err)), -1);
    assert_non_null(strstr(err, "4-level"));
    assert_non_null(strstr(err, "write-back"));
    assert_non_null(strstr(err, "INVEPT"));

    /* INVEPT without a usable type is no INVEPT. */
    assert_int_equal(vmx_ept_check(broadwell.ept_vpid_cap &
                                       ~(VMX_EPT_CAP_INVEPT_SINGLE | VMX_EPT_CAP_INVEPT_ALL),
                                   err, sizeof(err)),
                     -1);
    assert_non_null(strstr(err, "INVEPT"));
}

static void test_ept_features(void **state)
{
    const uint64_t bw = broadwell.ept_vpid_cap;

    (void)state;
    assert_int_equal(vmx_ept_leaf_flags(bw), 0);
    assert_int_equal(vmx_ept_leaf_flags(BOCHS_EPT_BASE), SLAT_NO_1G);
    assert_int_equal(vmx_ept_leaf_flags(BOCHS_EPT_BASE | VMX_EPT_CAP_1G), 0);
    assert_int_equal(vmx_ept_leaf_flags(bw & ~VMX_EPT_CAP_2M), SLAT_NO_LARGE);
    /* 1 GiB without 2 MiB: no large pages at all. */
    assert_int_equal(vmx_ept_leaf_flags(VMX_EPT_CAP_1G), SLAT_NO_LARGE);

    assert_int_equal(vmx_invept_type(bw), VMX_INVEPT_SINGLE);
    assert_int_equal(vmx_invept_type(bw & ~VMX_EPT_CAP_INVEPT_SINGLE), VMX_INVEPT_ALL);
    assert_int_equal(vmx_invept_type(bw & ~VMX_EPT_CAP_INVEPT), -1);
    assert_int_equal(vmx_invept_type(VMX_EPT_CAP_INVEPT), -1);

    assert_int_equal(vmx_invvpid_type(bw), VMX_INVVPID_SINGLE);
    assert_int_equal(vmx_invvpid_type(bw & ~VMX_VPID_CAP_INVVPID_SINGLE), VMX_INVVPID_ALL);
    assert_int_equal(vmx_invvpid_type(VMX_VPID_CAP_INVVPID | VMX_VPID_CAP_INVVPID_ADDR), -1);
    assert_int_equal(vmx_invvpid_type(bw & ~VMX_VPID_CAP_INVVPID), -1);
    assert_int_equal(vmx_invvpid_type(penryn.ept_vpid_cap), -1);
}

static void test_ept_pointer(void **state)
{
    const uint64_t bw = broadwell.ept_vpid_cap;
    uint64_t eptp = 1;

    (void)state;
    assert_int_equal(vmx_ept_pointer(bw, 0x12345000, false, &eptp, err, sizeof(err)), 0);
    assert_int_equal(eptp, 0x12345000 | 6 | 3 << 3);
    assert_int_equal(vmx_ept_pointer(bw, 0x12345000, true, &eptp, err, sizeof(err)), 0);
    assert_int_equal(eptp, 0x12345000 | 6 | 3 << 3 | 1 << 6);
    /* The highest page address the format holds. */
    assert_int_equal(vmx_ept_pointer(bw, 0xffffffffff000ULL, false, &eptp, err, sizeof(err)), 0);
    assert_int_equal(eptp, 0xffffffffff01eULL);

    /* slat.c builds the same pointer for its EPT root. */
    struct slat s = {.fmt = SLAT_EPT, .root = 0x12345000};
    assert_int_equal(vmx_ept_pointer(bw, s.root, false, &eptp, err, sizeof(err)), 0);
    assert_int_equal(eptp, slat_hw_root(&s));

    /* Refusals leave 0. */
    assert_int_equal(vmx_ept_pointer(bw, 0x12345800, false, &eptp, err, sizeof(err)), -1);
    assert_int_equal(eptp, 0);
    assert_non_null(strstr(err, "aligned"));
    assert_int_equal(vmx_ept_pointer(bw, 1ULL << 52, false, &eptp, err, sizeof(err)), -1);
    assert_non_null(strstr(err, "52"));
    assert_int_equal(vmx_ept_pointer(bw & ~VMX_EPT_CAP_WB, 0x1000, false, &eptp, err, sizeof(err)),
                     -1);
    assert_non_null(strstr(err, "write-back"));
    assert_int_equal(
        vmx_ept_pointer(bw & ~VMX_EPT_CAP_WALK4, 0x1000, false, &eptp, err, sizeof(err)), -1);
    assert_non_null(strstr(err, "4-level"));
    /* A/D asked of a CPU without them (Bochs' base set). */
    assert_int_equal(vmx_ept_pointer(BOCHS_EPT_BASE, 0x1000, true, &eptp, err, sizeof(err)), -1);
    assert_non_null(strstr(err, "dirty"));
    assert_int_equal(vmx_ept_pointer(BOCHS_EPT_BASE, 0x1000, false, &eptp, NULL, 0), 0);
}

/* ---- exits -------------------------------------------------------------------------------- */

static void test_exit_kinds(void **state)
{
    static const struct {
        uint32_t reason;
        enum vm_exit_kind kind;
    } cases[] = {
        {1, VM_EXIT_HOST_INTERRUPT},
        {2, VM_EXIT_TRIPLE_FAULT},
        {3, VM_EXIT_INIT},
        {7, VM_EXIT_INTERRUPT_WINDOW},
        {8, VM_EXIT_NMI_WINDOW},
        {9, VM_EXIT_TASK_SWITCH},
        {10, VM_EXIT_CPUID},
        {11, VM_EXIT_UD_INSN},
        {12, VM_EXIT_HLT},
        {13, VM_EXIT_INVD},
        {18, VM_EXIT_HYPERCALL},
        {19, VM_EXIT_UD_INSN},
        {24, VM_EXIT_UD_INSN},
        {27, VM_EXIT_UD_INSN},
        {28, VM_EXIT_CR_ACCESS},
        {30, VM_EXIT_IO},
        {31, VM_EXIT_MSR_READ},
        {32, VM_EXIT_MSR_WRITE},
        {36, VM_EXIT_UD_INSN},
        {39, VM_EXIT_UD_INSN},
        {48, VM_EXIT_SLAT_VIOLATION},
        {49, VM_EXIT_SLAT_MISCONFIG},
        {50, VM_EXIT_UD_INSN},
        {51, VM_EXIT_UD_INSN},
        {53, VM_EXIT_UD_INSN},
        {55, VM_EXIT_XSETBV},
        {59, VM_EXIT_UD_INSN},
        /* entry failures come with bit 31 */
        {33 | VMX_EXIT_REASON_ENTRY_FAIL, VM_EXIT_ENTRY_FAILED},
        {34 | VMX_EXIT_REASON_ENTRY_FAIL, VM_EXIT_ENTRY_FAILED},
        {41 | VMX_EXIT_REASON_ENTRY_FAIL, VM_EXIT_ENTRY_FAILED},
        {33, VM_EXIT_ENTRY_FAILED},
        /* exits never enabled, SMIs, SIPIs, unassigned numbers */
        {4, VM_EXIT_UNKNOWN},
        {5, VM_EXIT_UNKNOWN},
        {6, VM_EXIT_UNKNOWN},
        {14, VM_EXIT_UNKNOWN},
        {16, VM_EXIT_UNKNOWN},
        {29, VM_EXIT_UNKNOWN},
        {35, VM_EXIT_UNKNOWN},
        {37, VM_EXIT_UNKNOWN},
        {52, VM_EXIT_UNKNOWN},
        {54, VM_EXIT_UNKNOWN},
        {56, VM_EXIT_UNKNOWN},
        {60, VM_EXIT_UNKNOWN},
        {77, VM_EXIT_UNKNOWN},
        {78, VM_EXIT_UNKNOWN},
        {255, VM_EXIT_UNKNOWN},
        {256, VM_EXIT_UNKNOWN},
        {0xffff, VM_EXIT_UNKNOWN},
        /* bits outside the basic reason (pending MTF, enclave) do not change it */
        {10 | BIT(27) | BIT(28), VM_EXIT_CPUID},
        {0x7fff0000, VM_EXIT_UNKNOWN},
        {0xffffffff, VM_EXIT_ENTRY_FAILED},
    };

    (void)state;
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        enum vm_exit_kind k = vmx_exit_kind(cases[i].reason, 0);

        if (k != cases[i].kind)
            fail_msg("reason 0x%x: kind %d (%s), expected %d", cases[i].reason, k,
                     vm_exit_kind_name(k), cases[i].kind);
    }
}

static void test_exit_kinds_total(void **state)
{
    (void)state;
    /* Every 16-bit reason and a spread of high bits: never out of range. */
    for (uint32_t r = 0; r <= 0xffff; r++) {
        enum vm_exit_kind k = vmx_exit_kind(r, (uint32_t)r * 0x9e3779b9u);

        assert_true((unsigned)k < VM_EXIT_KIND_COUNT);
        assert_non_null(vm_exit_kind_name(k));
        k = vmx_exit_kind(r | (r << 16), 0);
        assert_true((unsigned)k < VM_EXIT_KIND_COUNT);
    }
    assert_string_equal(vm_exit_kind_name(VM_EXIT_UNKNOWN), "unknown");
    assert_string_equal(vm_exit_kind_name(VM_EXIT_SLAT_VIOLATION), "SLAT violation");
    assert_string_equal(vm_exit_kind_name(VM_EXIT_KIND_COUNT), "unknown");
    for (int k = 0; k < VM_EXIT_KIND_COUNT; k++)
        assert_true(k == VM_EXIT_UNKNOWN || strcmp(vm_exit_kind_name(k), "unknown") != 0);
}

static void test_exit_exception_or_nmi(void **state)
{
    (void)state;
    /* NMI: vector 2, type 2 */
    assert_int_equal(vmx_exit_kind(0, VMX_INTR_VALID | VMX_INTR_TYPE_NMI | 2), VM_EXIT_NMI);
    /* #AC with an error code */
    assert_int_equal(
        vmx_exit_kind(0, VMX_INTR_VALID | VMX_INTR_TYPE_HW_EXCP | VMX_INTR_ERROR_VALID | 17),
        VM_EXIT_EXCEPTION);
    /* INT3 (software exception), INT1 (privileged software exception) */
    assert_int_equal(vmx_exit_kind(0, VMX_INTR_VALID | VMX_INTR_TYPE_SW_EXCP | 3),
                     VM_EXIT_EXCEPTION);
    assert_int_equal(vmx_exit_kind(0, VMX_INTR_VALID | VMX_INTR_TYPE_PRIV_SW | 1),
                     VM_EXIT_EXCEPTION);
    /* Invalid info, or types that never come with reason 0. */
    assert_int_equal(vmx_exit_kind(0, VMX_INTR_TYPE_HW_EXCP | 14), VM_EXIT_UNKNOWN);
    assert_int_equal(vmx_exit_kind(0, VMX_INTR_VALID | VMX_INTR_TYPE_EXTINT | 0x30),
                     VM_EXIT_UNKNOWN);
    assert_int_equal(vmx_exit_kind(0, VMX_INTR_VALID | VMX_INTR_TYPE_SW_INT | 0x80),
                     VM_EXIT_UNKNOWN);
    assert_int_equal(vmx_exit_kind(0, VMX_INTR_VALID | VMX_INTR_TYPE_OTHER), VM_EXIT_UNKNOWN);
    /* The info is ignored for other reasons. */
    assert_int_equal(vmx_exit_kind(10, VMX_INTR_VALID | VMX_INTR_TYPE_NMI | 2), VM_EXIT_CPUID);
}

static void test_event_reinjection(void **state)
{
    (void)state;
    assert_int_equal(vmx_event_to_reinject(0), 0);
    assert_int_equal(vmx_event_to_reinject(VMX_INTR_TYPE_HW_EXCP | 14), 0); /* not valid */
    /* A #PF being delivered, with its error code. */
    assert_int_equal(
        vmx_event_to_reinject(VMX_INTR_VALID | VMX_INTR_TYPE_HW_EXCP | VMX_INTR_ERROR_VALID | 14),
        VMX_INTR_VALID | VMX_INTR_TYPE_HW_EXCP | VMX_INTR_ERROR_VALID | 14);
    /* An external interrupt; undefined bit 12 and reserved bits dropped. */
    assert_int_equal(vmx_event_to_reinject(VMX_INTR_VALID | BIT(12) | BIT(20) | 0x31),
                     VMX_INTR_VALID | 0x31);
    assert_int_equal(vmx_event_to_reinject(VMX_INTR_VALID | VMX_INTR_TYPE_NMI | 2),
                     VMX_INTR_VALID | VMX_INTR_TYPE_NMI | 2);
    assert_int_equal(vmx_event_to_reinject(VMX_INTR_VALID | VMX_INTR_TYPE_OTHER), 0);
}

static void test_io_qualification(void **state)
{
    struct vm_exit_io io;

    (void)state;
    /* OUT DX, AL to 0x3f8 */
    assert_int_equal(vmx_io_decode(0x3f80000ULL, true, 0, &io), 0);
    assert_int_equal(io.port, 0x3f8);
    assert_int_equal(io.size, 1);
    assert_false(io.in);
    assert_false(io.string);
    assert_false(io.rep);
    assert_int_equal(io.string_info, 0);
    assert_int_equal(vm_exit_io_access_info(&io), 1);

    /* IN EAX, 0x71 (immediate operand) */
    assert_int_equal(vmx_io_decode(0x710000ULL | BIT(6) | BIT(3) | 3, true, 0, &io), 0);
    assert_int_equal(io.port, 0x71);
    assert_int_equal(io.size, 4);
    assert_true(io.in);
    assert_int_equal(vm_exit_io_access_info(&io), 4);

    /* IN AX, DX at port 0xffff */
    assert_int_equal(vmx_io_decode(0xffff0000ULL | BIT(3) | 1, false, 0, &io), 0);
    assert_int_equal(io.port, 0xffff);
    assert_int_equal(io.size, 2);

    /* REP OUTSW with a 32-bit address and an FS override: instruction
     * information bits 9:7 = 1 (32-bit), 17:15 = 4 (FS). */
    assert_int_equal(
        vmx_io_decode(0x1f00000ULL | BIT(5) | BIT(4) | 1, true, 1u << 7 | 4u << 15, &io), 0);
    assert_int_equal(io.port, 0x1f0);
    assert_true(io.string);
    assert_true(io.rep);
    assert_int_equal(io.string_info, HV_IO_STRING_ADDR32 | 4u << HV_IO_STRING_SEG_SHIFT);
    assert_int_equal(vm_exit_io_access_info(&io), 2 | HV_IO_ACCESS_STRING | HV_IO_ACCESS_REP);

    /* REP INSB, 64-bit addresses: always ES, whatever the segment field holds. */
    assert_int_equal(
        vmx_io_decode(0x600000ULL | BIT(5) | BIT(4) | BIT(3), true, 2u << 7 | 3u << 15, &io), 0);
    assert_int_equal(io.string_info, HV_IO_STRING_ADDR64 | 0u << HV_IO_STRING_SEG_SHIFT);

    /* 16-bit OUTSB through DS */
    assert_int_equal(vmx_io_decode(0x800000ULL | BIT(4), true, 0u << 7 | 3u << 15, &io), 0);
    assert_int_equal(io.string_info, HV_IO_STRING_ADDR16 | 3u << HV_IO_STRING_SEG_SHIFT);

    /* Without instruction information (IA32_VMX_BASIC bit 54 clear), or
     * with encodings no CPU uses, the string is left undecoded. */
    assert_int_equal(vmx_io_decode(0x800000ULL | BIT(4), false, 1u << 7 | 3u << 15, &io), 0);
    assert_int_equal(io.string_info, 0);
    assert_int_equal(vmx_io_decode(0x800000ULL | BIT(4), true, 3u << 7 | 3u << 15, &io), 0);
    assert_int_equal(io.string_info, 0);
    assert_int_equal(vmx_io_decode(0x800000ULL | BIT(4), true, 1u << 7 | 6u << 15, &io), 0);
    assert_int_equal(io.string_info, 0);

    /* Size encodings 2 and 4-7 are not used. */
    for (unsigned s = 0; s < 8; s++)
        assert_int_equal(vmx_io_decode(0x3f80000ULL | s, true, 0, &io),
                         s == 0 || s == 1 || s == 3 ? 0 : -1);
}

static void test_ept_violation_qualification(void **state)
{
    struct vm_exit_slat f;

    (void)state;
    /* A read of an unmapped GPA (MMIO) through a linear address. */
    vmx_ept_violation_decode(BIT(0) | BIT(7) | BIT(8), 0xfebf0004, &f);
    assert_int_equal(f.gpa, 0xfebf0004);
    assert_true(f.read);
    assert_false(f.write);
    assert_false(f.fetch);
    assert_int_equal(f.access_type, HV_INTERCEPT_ACCESS_READ);
    assert_false(f.mapped);
    assert_false(f.guest_walk);
    assert_false(f.nmi_unblocked);

    /* A write to a read-only page (the xAPIC page): mapped readable. */
    vmx_ept_violation_decode(BIT(1) | BIT(3) | BIT(7) | BIT(8), 0xfee00300, &f);
    assert_true(f.write);
    assert_true(f.mapped);
    assert_int_equal(f.access_type, HV_INTERCEPT_ACCESS_WRITE);

    /* Read-modify-write counts as a write, as on the SVM path. */
    vmx_ept_violation_decode(BIT(0) | BIT(1), 0x1000, &f);
    assert_int_equal(f.access_type, HV_INTERCEPT_ACCESS_WRITE);

    /* A fetch from a non-executable page, after an IRET that unblocked NMIs. */
    vmx_ept_violation_decode(BIT(2) | BIT(3) | BIT(4) | BIT(7) | BIT(8) | BIT(12), 0x2000, &f);
    assert_true(f.fetch);
    assert_int_equal(f.access_type, HV_INTERCEPT_ACCESS_EXECUTE);
    assert_true(f.nmi_unblocked);

    /* The guest's own page walk hit a hole: bit 7 without bit 8. */
    vmx_ept_violation_decode(BIT(0) | BIT(7), 0x3000, &f);
    assert_true(f.guest_walk);

    /* No access bit at all (never seen): reported as a read, like the SVM path. */
    vmx_ept_violation_decode(0, 0x4000, &f);
    assert_int_equal(f.access_type, HV_INTERCEPT_ACCESS_READ);
}

static void test_cr_access_qualification(void **state)
{
    struct vm_exit_cr cr;

    (void)state;
    /* MOV CR0, RBX (reg 3) */
    assert_int_equal(vmx_cr_access_decode(0x300, &cr), 0);
    assert_int_equal(cr.cr, 0);
    assert_int_equal(cr.op, VM_CR_WRITE);
    assert_int_equal(cr.gpr, 3);
    /* MOV R12, CR3 */
    assert_int_equal(vmx_cr_access_decode(0xc13, &cr), 0);
    assert_int_equal(cr.cr, 3);
    assert_int_equal(cr.op, VM_CR_READ);
    assert_int_equal(cr.gpr, 12);
    /* MOV CR4, RAX and MOV CR8, R15 */
    assert_int_equal(vmx_cr_access_decode(0x004, &cr), 0);
    assert_int_equal(cr.cr, 4);
    assert_int_equal(vmx_cr_access_decode(0xf08, &cr), 0);
    assert_int_equal(cr.cr, 8);
    assert_int_equal(cr.gpr, 15);
    /* CLTS */
    assert_int_equal(vmx_cr_access_decode(0x20, &cr), 0);
    assert_int_equal(cr.op, VM_CR_CLTS);
    assert_int_equal(cr.lmsw_data, 0);
    /* LMSW with a memory operand, source 0x0011 */
    assert_int_equal(vmx_cr_access_decode(0x110070, &cr), 0);
    assert_int_equal(cr.op, VM_CR_LMSW);
    assert_true(cr.lmsw_memory);
    assert_int_equal(cr.lmsw_data, 0x11);
    /* Registers no exit names, and CLTS/LMSW on anything but CR0 */
    assert_int_equal(vmx_cr_access_decode(0x002, &cr), -1);
    assert_int_equal(vmx_cr_access_decode(0x00f, &cr), -1);
    assert_int_equal(vmx_cr_access_decode(0x024, &cr), -1);
    assert_int_equal(vmx_cr_access_decode(0x033, &cr), -1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(test_ctl_allowed0_allowed1, setup),
        cmocka_unit_test_setup(test_ctl_default1_with_true_controls, setup),
        cmocka_unit_test_setup(test_ctl_contradictory_cpu, setup),
        cmocka_unit_test_setup(test_derive_broadwell_true_controls, setup),
        cmocka_unit_test_setup(test_derive_broadwell_legacy_controls, setup),
        cmocka_unit_test_setup(test_derive_true_msrs_used_only_when_announced, setup),
        cmocka_unit_test_setup(test_derive_penryn_without_ept, setup),
        cmocka_unit_test_setup(test_derive_required_bit_names_field, setup),
        cmocka_unit_test_setup(test_derive_no_secondary_controls, setup),
        cmocka_unit_test_setup(test_derive_unrestricted_needs_ept, setup),
        cmocka_unit_test_setup(test_derive_contradiction_named, setup),
        cmocka_unit_test_setup(test_load_broadwell, setup),
        cmocka_unit_test_setup(test_load_penryn_reads_only_existing, setup),
        cmocka_unit_test_setup(test_load_failure_names_msr, setup),
        cmocka_unit_test_setup(test_check_basic, setup),
        cmocka_unit_test_setup(test_feature_control, setup),
        cmocka_unit_test_setup(test_cr0_fixed_bits, setup),
        cmocka_unit_test_setup(test_cr4_fixed_bits, setup),
        cmocka_unit_test_setup(test_ept_check, setup),
        cmocka_unit_test_setup(test_ept_features, setup),
        cmocka_unit_test_setup(test_ept_pointer, setup),
        cmocka_unit_test_setup(test_exit_kinds, setup),
        cmocka_unit_test_setup(test_exit_kinds_total, setup),
        cmocka_unit_test_setup(test_exit_exception_or_nmi, setup),
        cmocka_unit_test_setup(test_event_reinjection, setup),
        cmocka_unit_test_setup(test_io_qualification, setup),
        cmocka_unit_test_setup(test_ept_violation_qualification, setup),
        cmocka_unit_test_setup(test_cr_access_qualification, setup),
    };
    return cmocka_run_group_tests_name("vmx_caps", tests, NULL, NULL);
}
