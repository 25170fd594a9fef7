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
    case 0x40000000:
        r[0] = HV_CPUID_MAX_LEAF;
        r[1] = sig_word(0);
        r[2] = sig_word(1);
        r[3] = sig_word(2);
        break;
    case 0x40000001:
        r[0] = HV_VERSION_NUMBER;
        r[1] = HV_CPUID_ROLE_PARENT;
        r[2] = r[3] = 0;
        break;
    default:
        /* Everything else in our range is reserved: answer zero, whatever
         * the physical CPU (or an outer hypervisor) said. */
        if (leaf >= 0x40000000 && leaf <= 0x4FFFFFFF)
            r[0] = r[1] = r[2] = r[3] = 0;
        break;
    }
}
