/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The AP start-up trampoline.  Copied by the BSP to the page below 1 MiB the
 * loader set aside, whose page number is the STARTUP IPI vector.  An AP
 * arrives in real mode at CS = page >> 4, IP = 0, and goes 16 -> 32 -> 64-bit
 * with the BSP's CR0/CR4/EFER and the hypervisor's page tables (which the
 * loader placed below 4 GiB so a 32-bit MOV to CR3 can load them).  It then
 * points FS at its per-CPU block (stack canary), takes its stack and calls
 * ap_entry(percpu).  The BSP fills the fields at the end before each start;
 * APs start one at a time, so one set of fields suffices.
 *
 * Everything here is addressed relative to the page: the blob holds no
 * absolute addresses and needs no relocation.
 */
#define MSR_EFER    0xC0000080
#define MSR_FS_BASE 0xC0000100
#define OFF(sym)    ((sym) - ap_trampoline_start)

    .section .rodata, "a"
    .balign 16
    .globl ap_trampoline_start
ap_trampoline_start:
    .code16
    cli
    cld
    mov     %cs, %ax
    mov     %ax, %ds
    movzwl  %ax, %ebx
    shl     $4, %ebx                        /* ebx = the page's address */
    lgdtl   OFF(tramp_gdtr)
    mov     %cr0, %eax
    or      $1, %eax
    mov     %eax, %cr0
    ljmpl   *OFF(tramp_jmp32)

    .code32
    .globl tramp32
tramp32:
    mov     $0x10, %eax
    mov     %eax, %ds
    mov     %eax, %es
    mov     %eax, %ss
    mov     OFF(tramp_cr4)(%ebx), %eax
    mov     %eax, %cr4
    mov     OFF(tramp_cr3)(%ebx), %eax
    mov     %eax, %cr3
    mov     $MSR_EFER, %ecx
    mov     OFF(tramp_efer)(%ebx), %eax
    xor     %edx, %edx
    wrmsr
    mov     OFF(tramp_cr0)(%ebx), %eax
    mov     %eax, %cr0                      /* paging on: long mode active */
    ljmpl   *OFF(tramp_jmp64)(%ebx)

    .code64
    .globl tramp64
tramp64:
    mov     OFF(tramp_percpu)(%rbx), %rdi
    mov     %rdi, %rax
    mov     %rdi, %rdx
    shr     $32, %rdx
    mov     $MSR_FS_BASE, %ecx
    wrmsr
    mov     OFF(tramp_stack)(%rbx), %rsp
    xor     %ebp, %ebp
    mov     OFF(tramp_entry)(%rbx), %rax
    call    *%rax
1:  cli
    hlt
    jmp     1b

    .balign 16
    .globl tramp_gdt
tramp_gdt:
    .quad   0
    .quad   0x00CF9A000000FFFF              /* 0x08: 32-bit code */
    .quad   0x00CF92000000FFFF              /* 0x10: 32-bit data */
    .quad   0x00AF9A000000FFFF              /* 0x18: 64-bit code */
    .globl tramp_gdtr
tramp_gdtr:
    .word   4 * 8 - 1
    .long   0                               /* base: page + OFF(tramp_gdt) */
    .globl tramp_jmp32
tramp_jmp32:
    .long   0                               /* page + OFF(tramp32) */
    .word   0x08
    .globl tramp_jmp64
tramp_jmp64:
    .long   0                               /* page + OFF(tramp64) */
    .word   0x18
    .balign 8
    .globl tramp_cr0, tramp_cr3, tramp_cr4, tramp_efer
tramp_cr0:  .long 0
tramp_cr3:  .long 0
tramp_cr4:  .long 0
tramp_efer: .long 0
    .globl tramp_percpu, tramp_stack, tramp_entry
tramp_percpu: .quad 0
tramp_stack:  .quad 0
tramp_entry:  .quad 0
    .globl ap_trampoline_end
ap_trampoline_end:

    .section .note.GNU-stack, "", @progbits
