/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * hvtest's first bytes: the bzImage setup header (in the file only) and the
 * 64-bit entry point; the exception stubs, our GDT and a way into ring 3.
 *
 * The loader (tools/vmwp via hv/linux_boot.c) checks the setup header in
 * the file, copies syssize * 16 bytes from file offset (setup_sects + 1) *
 * 512 to the kernel's load address, and enters at load address + 0x200 in
 * long mode with RSI = the zero page.  We are not relocatable: linked at
 * 1 MiB, which is pref_address, and vmwp's child always has RAM there.
 */
#define LOAD_ADDR 0x100000
#define CODE_SEL  0x08
#define DATA_SEL  0x10
/* Ring 3, for hyperv.c's VMMCALL from user mode (RPL 3 included). */
#define USER_DATA_SEL 0x1b
#define USER_CODE_SEL 0x23
#define RFLAGS_FIXED  0x2 /* bit 1 reads as one; IF and IOPL stay 0 */

/* Vectors for which the CPU pushes an error code. */
#define HAS_ERROR(v) ((v) == 8 || ((v) >= 10 && (v) <= 14) || (v) == 17 || (v) == 21 || \
                      (v) == 29 || (v) == 30)

/* ---- the setup sectors: file offset 0 to 0x3ff, never loaded -------------- */

    .section .setup, "a"
    /* The boot sector: no real-mode code runs (64-bit boot protocol only). */
    .org    0x1f1
    .byte   1                   /* setup_sects: one sector after the boot sector */
    .word   0                   /* root_flags */
    .long   hvtest_syssize      /* syssize: 16-byte units to load (hvtest.ld) */
    .word   0                   /* ram_size: obsolete */
    .word   0                   /* vid_mode */
    .word   0                   /* root_dev */
    .word   0xAA55              /* boot_flag */
    /* 0x200: a short jump over the header; its offset byte is how the
     * loader knows the header's length. */
    .byte   0xEB
    .byte   hdr_end - 1f
1:  .ascii  "HdrS"              /* 0x202 header */
    .word   0x020f              /* 0x206 version: 2.15 */
    .long   0                   /* 0x208 realmode_swtch */
    .word   0                   /* 0x20c start_sys_seg: obsolete */
    .word   0                   /* 0x20e kernel_version: no string */
    .byte   0                   /* 0x210 type_of_loader: the loader's */
    .byte   0x01                /* 0x211 loadflags: LOADED_HIGH */
    .word   0                   /* 0x212 setup_move_size */
    .long   LOAD_ADDR           /* 0x214 code32_start: a hlt loop, see _start */
    .long   0                   /* 0x218 ramdisk_image */
    .long   0                   /* 0x21c ramdisk_size */
    .long   0                   /* 0x220 bootsect_kludge */
    .word   0                   /* 0x224 heap_end_ptr */
    .byte   0                   /* 0x226 ext_loader_ver */
    .byte   0                   /* 0x227 ext_loader_type */
    .long   0                   /* 0x228 cmd_line_ptr: the loader's */
    .long   0x7fffffff          /* 0x22c initrd_addr_max: we take no initrd */
    .long   0x1000              /* 0x230 kernel_alignment (not relocatable anyway) */
    .byte   0                   /* 0x234 relocatable_kernel: no, linked at LOAD_ADDR */
    .byte   12                  /* 0x235 min_alignment: log2, 4 KiB */
    .word   0x0001              /* 0x236 xloadflags: XLF_KERNEL_64 */
    .long   4095                /* 0x238 cmdline_size: main.c's buffer, minus the NUL */
    .long   0                   /* 0x23c hardware_subarch: a PC */
    .quad   0                   /* 0x240 hardware_subarch_data */
    .long   0                   /* 0x248 payload_offset: no compressed payload */
    .long   0                   /* 0x24c payload_length */
    .quad   0                   /* 0x250 setup_data */
    .quad   LOAD_ADDR           /* 0x258 pref_address */
    .long   hvtest_init_size    /* 0x260 init_size: image + .bss (hvtest.ld) */
    .long   0                   /* 0x264 handover_offset: no EFI handover */
    .long   0                   /* 0x268 kernel_info_offset: none */
hdr_end:
    .org    0x400               /* the end of setup sector 1 */

/* ---- the loaded image: LOAD_ADDR on ---------------------------------------- */

    .section .head.text, "ax"
    .code64
    .globl  _start
_start:
    /* The 32-bit entry (code32_start): not supported.  These bytes mean
     * the same in 32- and 64-bit code. */
    cli
0:  hlt
    jmp     0b

    .org    0x200
    .globl  startup_64
startup_64:
    /* vmwp's state: long mode on its identity map of 0-4 GiB, its GDT,
     * RSI = the zero page, interrupts off; no stack. */
    cli
    cld
    mov     %rsi, %r12

    /* .bss first: the stack is in it.  vmwp hands over zeroed memory, but
     * a loader need not. */
    lea     __bss_start(%rip), %rdi
    lea     __bss_end(%rip), %rcx
    sub     %rdi, %rcx
    xor     %eax, %eax
    rep stosb
    lea     stack_top(%rip), %rsp
    xor     %ebp, %ebp

    /* Our own GDT: vmwp's sits in low RAM that our page tables need not
     * map, and exceptions reload CS from the GDT. */
    lgdt    gdt_desc(%rip)
    mov     $DATA_SEL, %eax
    mov     %eax, %ds
    mov     %eax, %es
    mov     %eax, %ss
    mov     %eax, %fs
    mov     %eax, %gs
    lea     1f(%rip), %rax
    pushq   $CODE_SEL
    push    %rax
    lretq
1:
    mov     %r12, %rdi
    call    hvtest_main
2:  cli
    hlt
    jmp     2b

/* ---- exceptions: report and power off, or resume (main.c) ----------------- */

    .text
    .macro  stub vec
    .balign 16
stub_\vec:
    .if !HAS_ERROR(\vec)
    pushq   $0                  /* the same frame for every vector */
    .endif
    pushq   $\vec
    jmp     exception_common
    .endm

    .irp    v, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31
    stub    \v
    .endr

/* An expected exception (one at an instruction in .extable) returns here
 * from hvtest_exception, which has pointed the frame at the fixup: every
 * register is restored, so that code around the faulting instruction sees
 * what it had, as if the instruction had been skipped. */
exception_common:
    push    %rax
    push    %rcx
    push    %rdx
    push    %rbx
    push    %rbp
    push    %rsi
    push    %rdi
    push    %r8
    push    %r9
    push    %r10
    push    %r11
    push    %r12
    push    %r13
    push    %r14
    push    %r15
    lea     15*8(%rsp), %rdi    /* struct exception_frame: the vector up */
    mov     %rsp, %rbx          /* callee-saved: survives the call */
    and     $-16, %rsp          /* the ABI's alignment at a call */
    call    hvtest_exception
    mov     %rbx, %rsp
    pop     %r15
    pop     %r14
    pop     %r13
    pop     %r12
    pop     %r11
    pop     %r10
    pop     %r9
    pop     %r8
    pop     %rdi
    pop     %rsi
    pop     %rbp
    pop     %rbx
    pop     %rdx
    pop     %rcx
    pop     %rax
    add     $16, %rsp           /* the vector and the error code */
    iretq

/* ---- ring 3: one VMMCALL from user mode (hyperv.c) ------------------------ */

/*
 * void user_vmmcall(uint64_t control): IRET to ring 3 at user_vmmcall_insn
 * with RCX = @control and RDX = R8 = 0.  There is no way back to ring 0
 * but an exception: the #UD a hypervisor must raise, or the UD2 after
 * the VMMCALL if it did not.  Both are in .extable; hvtest_exception
 * records which one it was and resumes at user_return on our own stack
 * (user_return_rsp), with CS and SS of ring 0.  Needs the user segments
 * and the TSS loaded (its RSP0 is where the exception comes in) and pages
 * that ring 3 may use (paging_init(.., true)).
 */
    .globl  user_vmmcall
user_vmmcall:
    push    %rbx
    push    %rbp
    push    %r12
    push    %r13
    push    %r14
    push    %r15
    mov     %rsp, user_return_rsp(%rip)
    mov     %rdi, %rcx
    xor     %edx, %edx
    xor     %r8d, %r8d
    xor     %eax, %eax
    pushq   $USER_DATA_SEL
    lea     user_stack_top(%rip), %r9
    push    %r9
    pushq   $RFLAGS_FIXED
    pushq   $USER_CODE_SEL
    lea     user_vmmcall_insn(%rip), %r9
    push    %r9
    iretq

    .globl  user_vmmcall_insn, user_vmmcall_after
user_vmmcall_insn:
    vmmcall
user_vmmcall_after:
    ud2
    .pushsection .extable, "a"
    .balign 8
    .quad   user_vmmcall_insn, user_return
    .quad   user_vmmcall_after, user_return
    .popsection

user_return:
    /* IRET to ring 3 cleared the data segment registers (DPL 0); 64-bit
     * code does not use them, but leave them as they were. */
    mov     $DATA_SEL, %eax
    mov     %eax, %ds
    mov     %eax, %es
    mov     %eax, %fs
    mov     %eax, %gs
    pop     %r15
    pop     %r14
    pop     %r13
    pop     %r12
    pop     %rbp
    pop     %rbx
    ret

    .section .rodata
    .balign 8
    .globl  exception_stubs
exception_stubs:
    .irp    v, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31
    .quad   stub_\v
    .endr

/* ---- GDT and stack ----------------------------------------------------------- */

    .data
    .balign 16
    .globl  gdt
gdt:
    .quad   0
    .quad   0x00af9b000000ffff  /* CODE_SEL: 64-bit code, accessed */
    .quad   0x00cf93000000ffff  /* DATA_SEL: flat data, accessed */
    .quad   0x00cff3000000ffff  /* USER_DATA_SEL: the same at DPL 3 */
    .quad   0x00affb000000ffff  /* USER_CODE_SEL: the same at DPL 3 */
    .quad   0, 0                /* TSS_SEL: filled in by hyperv.c (its address) */
gdt_end:
gdt_desc:
    .word   gdt_end - gdt - 1
    .quad   gdt

    .section .bss
    .balign 16
    .skip   16384
stack_top:
    /* Ring 3's stack: nothing is pushed there, but RSP must be valid. */
    .skip   256
user_stack_top:
    .globl  user_return_rsp
user_return_rsp:               /* user_vmmcall's RSP, for hvtest_exception */
    .skip   8

    .section .note.GNU-stack, "", @progbits
