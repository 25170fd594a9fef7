/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The hypervisor's first instructions.  The loader calls
 *     _start(void *handoff, uint64_t load_base)
 * (System V ABI, interrupts off, boot services gone, still on the firmware's
 * identity page tables and stack).  Take our own stack, give FS the per-CPU
 * block whose offset 0x28 holds the stack canary (our code and libfdt.a are
 * built with the stack protector), then enter C.
 */
#define MSR_FS_BASE 0xC0000100

    .section .text.entry, "ax"
    .globl _start
_start:
    cli
    cld
    lea     boot_stack_top(%rip), %rsp
    xor     %ebp, %ebp              /* terminates backtraces */
    mov     %rdi, %r12
    mov     %rsi, %r13

    /* Canary: a TSC-derived value with a zero low byte (stops string copies). */
    rdtsc
    shl     $32, %rdx
    or      %rdx, %rax
    movabs  $0x9E3779B97F4A7C15, %rcx
    imul    %rcx, %rax
    xor     %al, %al
    lea     bsp_percpu(%rip), %rdi
    mov     %rax, 0x28(%rdi)

    mov     %rdi, %rax
    mov     %rax, %rdx
    shr     $32, %rdx
    mov     $MSR_FS_BASE, %ecx
    wrmsr

    mov     %r12, %rdi
    mov     %r13, %rsi
    call    hv_main
1:  cli
    hlt
    jmp     1b

    .section .bss
    .balign 4096
boot_stack:
    .skip   16384
    .globl boot_stack_top
boot_stack_top:

    .section .note.GNU-stack, "", @progbits
