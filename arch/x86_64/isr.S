/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Entry stubs for the 32 CPU exceptions.  Each pushes a zero where the CPU
 * pushes no error code, then its vector, so every frame has one shape
 * (struct trap_frame), and jumps to the common path that saves the general
 * registers and calls trap_dispatch(frame).
 */
    .text

.macro EXC vec, has_error
    .globl exc_stub_\vec
exc_stub_\vec:
    .if \has_error == 0
    push    $0
    .endif
    push    $\vec
    jmp     trap_common
.endm

EXC 0,0;  EXC 1,0;  EXC 2,0;  EXC 3,0;  EXC 4,0;  EXC 5,0;  EXC 6,0;  EXC 7,0
EXC 8,1;  EXC 9,0;  EXC 10,1; EXC 11,1; EXC 12,1; EXC 13,1; EXC 14,1; EXC 15,0
EXC 16,0; EXC 17,1; EXC 18,0; EXC 19,0; EXC 20,0; EXC 21,1; EXC 22,0; EXC 23,0
EXC 24,0; EXC 25,0; EXC 26,0; EXC 27,0; EXC 28,0; EXC 29,1; EXC 30,1; EXC 31,0

trap_common:
    push    %rax
    push    %rbx
    push    %rcx
    push    %rdx
    push    %rsi
    push    %rdi
    push    %rbp
    push    %r8
    push    %r9
    push    %r10
    push    %r11
    push    %r12
    push    %r13
    push    %r14
    push    %r15
    cld
    mov     %rsp, %rdi
    call    trap_dispatch
    pop     %r15
    pop     %r14
    pop     %r13
    pop     %r12
    pop     %r11
    pop     %r10
    pop     %r9
    pop     %r8
    pop     %rbp
    pop     %rdi
    pop     %rsi
    pop     %rdx
    pop     %rcx
    pop     %rbx
    pop     %rax
    add     $16, %rsp
    iretq

    /* Holds absolute addresses, relocated at load: not in read-only .rodata. */
    .section .data.rel.ro, "aw"
    .balign 8
    .globl exc_stub_table
exc_stub_table:
    .irp v, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31
    .quad exc_stub_\v
    .endr

    .section .note.GNU-stack, "", @progbits
