/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * void svm_run(uint64_t vmcb_pa, struct guest_regs *regs, uint64_t host_vmcb_pa)
 *
 * The world switch.  On #VMEXIT the CPU restores only RAX, RSP, RIP and the
 * control/segment state from the host save area; every other general register
 * still holds the guest's value, so they are saved and our callee-saved ones
 * restored here.  VMLOAD/VMSAVE move the state VMRUN does not: FS/GS (FS
 * base is our per-CPU pointer), TR, LDTR, KernelGSBase and the SYSCALL and
 * SYSENTER MSRs.  GIF stays clear in the hypervisor, so interrupts and NMIs
 * wait for the guest, which takes them directly.
 */
#define R_RBX 0x00
#define R_RCX 0x08
#define R_RDX 0x10
#define R_RSI 0x18
#define R_RDI 0x20
#define R_RBP 0x28
#define R_R8  0x30
#define R_R9  0x38
#define R_R10 0x40
#define R_R11 0x48
#define R_R12 0x50
#define R_R13 0x58
#define R_R14 0x60
#define R_R15 0x68

    .text
    .globl svm_run
svm_run:
    push    %rbp
    mov     %rsp, %rbp
    push    %rbx
    push    %r12
    push    %r13
    push    %r14
    push    %r15
    push    %rdx                    /* host VMCB */
    push    %rsi                    /* regs */

    mov     %rdi, %rax
    mov     R_RBX(%rsi), %rbx
    mov     R_RCX(%rsi), %rcx
    mov     R_RDX(%rsi), %rdx
    mov     R_RDI(%rsi), %rdi
    mov     R_RBP(%rsi), %rbp
    mov     R_R8(%rsi), %r8
    mov     R_R9(%rsi), %r9
    mov     R_R10(%rsi), %r10
    mov     R_R11(%rsi), %r11
    mov     R_R12(%rsi), %r12
    mov     R_R13(%rsi), %r13
    mov     R_R14(%rsi), %r14
    mov     R_R15(%rsi), %r15
    mov     R_RSI(%rsi), %rsi

    vmload  %rax
    vmrun   %rax
    vmsave  %rax

    /* Host RSP is back; free one register to reach regs. */
    push    %rsi
    mov     8(%rsp), %rsi           /* regs */
    mov     %rbx, R_RBX(%rsi)
    mov     %rcx, R_RCX(%rsi)
    mov     %rdx, R_RDX(%rsi)
    mov     %rdi, R_RDI(%rsi)
    mov     %rbp, R_RBP(%rsi)
    mov     %r8, R_R8(%rsi)
    mov     %r9, R_R9(%rsi)
    mov     %r10, R_R10(%rsi)
    mov     %r11, R_R11(%rsi)
    mov     %r12, R_R12(%rsi)
    mov     %r13, R_R13(%rsi)
    mov     %r14, R_R14(%rsi)
    mov     %r15, R_R15(%rsi)
    pop     %rax
    mov     %rax, R_RSI(%rsi)

    add     $8, %rsp                /* regs */
    pop     %rax                    /* host VMCB */
    vmload  %rax                    /* our FS base, TR, ... back */

    pop     %r15
    pop     %r14
    pop     %r13
    pop     %r12
    pop     %rbx
    pop     %rbp
    ret

    .section .note.GNU-stack, "", @progbits
