/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The hypercall instruction.  The hypervisor answers it from the parent's
 * kernel (CPL 0) only; docs/abi.md.
 *
 * The register ABI is the Hyper-V TLFS's, so that the hypervisor can later
 * serve Hyper-V's own hypercall codes with the same dispatcher:
 *   RCX = hypercall input value (call code in bits 0-15, fast flag bit 16,
 *         rep count bits 32-43, rep start index bits 48-59)
 *   RDX = guest-physical address of the input page (or input, fast calls)
 *   R8  = guest-physical address of the output page (or input, fast calls)
 *   RAX = result value on return: status in bits 0-15, reps done 32-43.
 */
#ifndef VID_HYPERCALL_H
#define VID_HYPERCALL_H

#include <linux/types.h>
#include <asm/processor.h>

static inline u64 hv_hypercall(u64 control, u64 in_gpa, u64 out_gpa)
{
    register u64 r8 asm("r8") = out_gpa;
    u64 result;

    /*
     * VMMCALL is AMD's (SVM) instruction, VMCALL Intel's (VMX): each is
     * #UD on the other vendor's CPUs unless the hypervisor emulates it, so
     * pick the one the CPU we run on implements.  Hygon is AMD's design.
     */
    if (boot_cpu_data.x86_vendor == X86_VENDOR_AMD || boot_cpu_data.x86_vendor == X86_VENDOR_HYGON)
        asm volatile("vmmcall"
                     : "=a"(result), "+c"(control), "+d"(in_gpa), "+r"(r8)
                     :
                     : "memory", "cc");
    else
        asm volatile("vmcall"
                     : "=a"(result), "+c"(control), "+d"(in_gpa), "+r"(r8)
                     :
                     : "memory", "cc");
    return result;
}

#endif
