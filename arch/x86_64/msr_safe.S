/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * int rdmsr_safe(uint32_t msr, uint64_t *value)
 * int wrmsr_safe(uint32_t msr, uint64_t value)
 *
 * MSR accesses done on a guest's behalf: an MSR the CPU does not have raises
 * #GP, which must become a #GP for the guest, not a hypervisor panic.  Each
 * faulting instruction is listed in the fixup table (address, where to
 * continue); trap_dispatch resumes there with EAX = -1.
 */
    .text
    .globl rdmsr_safe
rdmsr_safe:
    mov     %edi, %ecx
1:  rdmsr
    shl     $32, %rdx
    or      %rdx, %rax
    mov     %rax, (%rsi)
    xor     %eax, %eax
    ret
2:  mov     $-1, %eax
    ret

    .globl wrmsr_safe
wrmsr_safe:
    mov     %edi, %ecx
    mov     %rsi, %rax
    mov     %rsi, %rdx
    shr     $32, %rdx
3:  wrmsr
    xor     %eax, %eax
    ret
4:  mov     $-1, %eax
    ret

    /* Absolute addresses, relocated at load time. */
    .section .data.rel.ro, "aw"
    .balign 8
    .globl fixup_table, fixup_table_end
fixup_table:
    .quad   1b, 2b
    .quad   3b, 4b
fixup_table_end:

    .section .note.GNU-stack, "", @progbits
