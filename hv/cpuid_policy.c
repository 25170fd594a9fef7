/* SPDX-License-Identifier: GPL-2.0-only */
/* CPUID as the parent partition sees it (see hv/cpuid_policy.h). */
#include <hv/cpuid_policy.h>
#include <hv/hv.h>

#define CPUID1_ECX_HYPERVISOR (1u << 31)
#define CPUID81_ECX_SVM       (1u << 2)
#define CPUID1_ECX_VMX        (1u << 5)

static uint32_t sig_word(int i)
{
    const char *s = HV_CPUID_SIGNATURE;

    return (uint32_t)(uint8_t)s[4 * i] | (uint32_t)(uint8_t)s[4 * i + 1] << 8 |
           (uint32_t)(uint8_t)s[4 * i + 2] << 16 | (uint32_t)(uint8_t)s[4 * i + 3] << 24;
}

/* Our leaves 0x40000000-0x4FFFFFFF, the same for every partition but the
 * role; everything else in the range is reserved and reads zero, whatever
 * the physical CPU (or an outer hypervisor) said. */
static void hypervisor_leaf(uint32_t leaf, uint32_t role, uint32_t r[4])
{
    if (leaf == 0x40000000) {
        r[0] = HV_CPUID_MAX_LEAF;
        r[1] = sig_word(0);
        r[2] = sig_word(1);
        r[3] = sig_word(2);
    } else if (leaf == 0x40000001) {
        r[0] = HV_VERSION_NUMBER;
        r[1] = role;
        r[2] = r[3] = 0;
    } else if (leaf >= 0x40000000 && leaf <= 0x4FFFFFFF) {
        r[0] = r[1] = r[2] = r[3] = 0;
    }
}

void cpuid_policy_parent(uint32_t leaf, uint32_t subleaf, uint32_t r[4])
{
    (void)subleaf;
    switch (leaf) {
    case 0x1:
        r[2] |= CPUID1_ECX_HYPERVISOR;
        r[2] &= ~CPUID1_ECX_VMX;
        break;
    case 0x80000001:
        r[2] &= ~CPUID81_ECX_SVM;
        break;
    case 0x8000000A: /* SVM features: nothing to see */
        r[0] = r[1] = r[2] = r[3] = 0;
        break;
    default:
        hypervisor_leaf(leaf, HV_CPUID_ROLE_PARENT, r);
        break;
    }
}

/* ---- children --------------------------------------------------------------------------- */

#define XSAVE_LEGACY_AND_HEADER 576 /* the FXSAVE image plus the XSAVE header */
#define XSAVE_AVX_SIZE          256
#define XCR0_AVX                (1ULL << 2)

static unsigned bits_for(unsigned n)
{
    unsigned b = 0;

    while ((1u << b) < n)
        b++;
    return b;
}

/* CPUID 0x40000003: what a child may use (TLFS partition privileges, EAX
 * and EBX; features, EDX).  Linux reads these to pick its clocksource,
 * clock event device and the SynIC; CpuManagement (EBX bit 12) stays
 * clear, or it would think it is the root partition. */
#define HV_PRIV_REF_COUNTER    (1u << 1)
#define HV_PRIV_SYNIC_MSRS     (1u << 2)
#define HV_PRIV_STIMER_MSRS    (1u << 3)
#define HV_PRIV_HYPERCALL_MSRS (1u << 5)
#define HV_PRIV_VP_INDEX       (1u << 6)
#define HV_PRIV_REFERENCE_TSC  (1u << 9)
#define HV_PRIV_FREQUENCY_MSRS (1u << 11)
#define HV_PRIV_POST_MESSAGES  (1u << 4)  /* EBX */
#define HV_PRIV_SIGNAL_EVENTS  (1u << 5)  /* EBX */
#define HV_FEAT_FREQUENCY_MSRS (1u << 8)  /* EDX */
#define HV_FEAT_DIRECT_STIMERS (1u << 19) /* EDX */
#define HV_HINT_RELAXED_TIMING (1u << 5)  /* 0x40000004 EAX: no watchdogs on timing */
#define HV_HINT_DEPRECATE_AEOI (1u << 9)  /* 0x40000004 EAX: the guest EOIs itself */

/* The Hyper-V interface ("Microsoft Hv", "Hv#1") that stock guests look
 * for: leaves 0x40000000-0x40000005, the rest of the range reads zero. */
static void hyperv_leaf(uint32_t leaf, const struct cpuid_child_ctx *ctx, uint32_t r[4])
{
    r[0] = r[1] = r[2] = r[3] = 0;
    switch (leaf) {
    case 0x40000000:
        r[0] = 0x40000005;
        r[1] = 0x7263694D; /* "Micr" */
        r[2] = 0x666F736F; /* "osof" */
        r[3] = 0x76482074; /* "t Hv" */
        break;
    case 0x40000001:
        r[0] = 0x31237648; /* "Hv#1" */
        break;
    case 0x40000002:
        /* Build number, then major.minor: ours, for the guest's log. */
        r[0] = 1;
        r[1] = HV_VERSION_NUMBER;
        break;
    case 0x40000003:
        r[0] = HV_PRIV_REF_COUNTER | HV_PRIV_SYNIC_MSRS | HV_PRIV_STIMER_MSRS |
               HV_PRIV_HYPERCALL_MSRS | HV_PRIV_VP_INDEX | HV_PRIV_REFERENCE_TSC |
               HV_PRIV_FREQUENCY_MSRS;
        r[1] = HV_PRIV_POST_MESSAGES | HV_PRIV_SIGNAL_EVENTS;
        r[3] = HV_FEAT_FREQUENCY_MSRS | HV_FEAT_DIRECT_STIMERS;
        break;
    case 0x40000004:
        r[0] = HV_HINT_RELAXED_TIMING | HV_HINT_DEPRECATE_AEOI;
        r[1] = 0xFFFFFFFF; /* spinlock retries before notifying: never notify */
        break;
    case 0x40000005:
        r[0] = ctx->nvps ? ctx->nvps : 1; /* VPs */
        r[1] = ctx->nvps ? ctx->nvps : 1; /* logical processors */
        break;
    default:
        break;
    }
}

/*
 * A child sees the CPU it runs on, minus what the hypervisor does not give
 * it: no virtualization extensions, no performance counters, no machine
 * check or MTRR MSRs, no MONITOR/MWAIT, no RDTSCP (TSC_AUX is the parent's),
 * no speculation-control MSRs; plus what the hypervisor emulates: an x2APIC
 * with a TSC-deadline timer, and a topology of nvps single-threaded cores.
 */
void cpuid_policy_child(uint32_t leaf, uint32_t subleaf, const struct cpuid_child_ctx *ctx,
                        uint32_t r[4])
{
    unsigned n = ctx->nvps ? ctx->nvps : 1;

    switch (leaf) {
    case 0x1:
        r[1] = (r[1] & 0xFFFFu) | (ctx->vp_index & 0xFFu) << 24 | (n > 255 ? 255 : n) << 16;
        /* keep: SSE3 PCLMUL SSSE3 FMA CX16 SSE4.1/4.2 MOVBE POPCNT AES XSAVE AVX F16C RDRAND */
        r[2] &= (1u << 0) | (1u << 1) | (1u << 9) | (1u << 12) | (1u << 13) | (1u << 19) |
                (1u << 20) | (1u << 22) | (1u << 23) | (1u << 25) | (1u << 26) | (1u << 28) |
                (1u << 29) | (1u << 30);
        if (!(ctx->xcr0_allowed & XCR0_AVX))
            r[2] &= ~((1u << 28) | (1u << 12) | (1u << 29));     /* AVX, FMA, F16C */
        r[2] |= (1u << 21) | (1u << 24) | CPUID1_ECX_HYPERVISOR; /* x2APIC, TSC deadline */
        if (ctx->osxsave && (r[2] & (1u << 26)))
            r[2] |= 1u << 27;
        /* drop: MCE, MTRR, MCA, DS, ACPI thermal, TM, PBE */
        r[3] &= ~((1u << 7) | (1u << 12) | (1u << 14) | (1u << 21) | (1u << 22) | (1u << 29) |
                  (1u << 31));
        r[3] |= 1u << 9; /* APIC */
        if (n > 1)
            r[3] |= 1u << 28; /* HTT: more than one logical processor */
        break;
    case 0x5: /* MONITOR/MWAIT */
    case 0x6: /* thermal and power management */
    case 0xA: /* performance monitoring */
        r[0] = r[1] = r[2] = r[3] = 0;
        break;
    case 0x7:
        if (subleaf == 0) {
            r[0] = 0;
            r[2] &= ~((1u << 3) | (1u << 4) | (1u << 5)); /* PKU OSPKE WAITPKG */
            r[3] = 0;                                     /* speculation control and the like */
            if (!(ctx->xcr0_allowed & XCR0_AVX))
                r[1] &= ~((1u << 5) | 0xFFFF0000u); /* AVX2, AVX-512 */
            r[1] &= ~0xFFFF0000u | (1u << 18) | (1u << 19) | (1u << 23) | (1u << 29);
        } else {
            r[0] = r[1] = r[2] = r[3] = 0;
        }
        break;
    case 0xB:
    case 0x1F:
        /* Level 0: one thread per core; level 1: nvps cores in the package. */
        r[3] = ctx->vp_index;
        if (subleaf == 0) {
            r[0] = 0;
            r[1] = 1;
            r[2] = 1u << 8;
        } else if (subleaf == 1) {
            r[0] = bits_for(n);
            r[1] = n;
            r[2] = 1u | 2u << 8;
        } else {
            r[0] = r[1] = 0;
            r[2] = subleaf & 0xFF;
        }
        break;
    case 0xD:
        if (subleaf == 0) {
            r[0] = (uint32_t)ctx->xcr0_allowed;
            r[3] = 0;
            r[2] = XSAVE_LEGACY_AND_HEADER + (ctx->xcr0_allowed & XCR0_AVX ? XSAVE_AVX_SIZE : 0);
            r[1] = r[2]; /* what the enabled components need, at most this */
        } else if (subleaf == 1) {
            r[0] &= 1u; /* XSAVEOPT; no XSAVEC/XSAVES (no IA32_XSS) */
            r[1] = r[2] = r[3] = 0;
        } else if (subleaf == 2 && (ctx->xcr0_allowed & XCR0_AVX)) {
            r[0] = XSAVE_AVX_SIZE;
            r[1] = XSAVE_LEGACY_AND_HEADER;
            r[2] = r[3] = 0;
        } else {
            r[0] = r[1] = r[2] = r[3] = 0;
        }
        break;
    case 0x80000001:
        /* keep: LAHF, ABM, SSE4A, MISALIGNSSE, 3DNOWPREFETCH */
        r[2] &= (1u << 0) | (1u << 5) | (1u << 6) | (1u << 7) | (1u << 8);
        r[3] &= ~(1u << 27); /* RDTSCP */
        break;
    case 0x80000007:
        r[0] = r[1] = r[2] = 0;
        r[3] &= 1u << 8; /* invariant TSC */
        break;
    case 0x80000008:
        r[1] = 0; /* IBPB, SSBD and friends */
        r[2] = (n - 1) & 0xFF;
        r[3] = 0;
        break;
    case 0x8000000A: /* SVM */
    case 0x8000001D: /* cache topology (TOPOEXT is hidden) */
    case 0x8000001E:
    case 0x8000001F: /* memory encryption */
        r[0] = r[1] = r[2] = r[3] = 0;
        break;
    default:
        if (leaf >= 0x40000000 && leaf <= 0x4FFFFFFF)
            hyperv_leaf(leaf, ctx, r);
        break;
    }
}
