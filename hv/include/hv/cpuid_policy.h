/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * What CPUID tells the parent partition: the physical CPU's answer, with our
 * hypervisor signature at 0x40000000 and virtualization hidden (the parent
 * must not try to run its own hypervisor on our CPUs).  Pure logic.
 */
#ifndef HV_CPUID_POLICY_H
#define HV_CPUID_POLICY_H

#include <stdbool.h>
#include <stdint.h>

#define HV_CPUID_SIGNATURE   "hvcorehvcore" /* 12 bytes: EBX, ECX, EDX */
#define HV_CPUID_MAX_LEAF    0x40000001u
#define HV_CPUID_ROLE_PARENT 1u

/* @r = {eax, ebx, ecx, edx} as the physical CPU returned them for
 * (@leaf, @subleaf); rewrite them for the parent. */
void cpuid_policy_parent(uint32_t leaf, uint32_t subleaf, uint32_t r[4]);

/* What a child partition's VP sees: the Hyper-V interface at 0x40000000
 * (TLFS: "Microsoft Hv", "Hv#1", the enlightenments in enlighten.h and
 * synic.h), not ours: stock guests find their drivers through it.  @xcr0_allowed: the XSAVE
 * components children may enable (x87, SSE, AVX at most); @osxsave: the VP's CR4.OSXSAVE. */
struct cpuid_child_ctx {
    unsigned vp_index, nvps;
    uint64_t xcr0_allowed;
    bool osxsave;
};
void cpuid_policy_child(uint32_t leaf, uint32_t subleaf, const struct cpuid_child_ctx *ctx,
                        uint32_t r[4]);

#endif
