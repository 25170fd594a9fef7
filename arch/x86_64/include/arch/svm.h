/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * AMD-V (SVM): the VMCB layout and the constants the hypervisor uses, from
 * the AMD64 Architecture Programmer's Manual, volume 2, appendix B.
 */
#ifndef ARCH_SVM_H
#define ARCH_SVM_H

#include <stdint.h>

#define MSR_VM_CR       0xC0010114u
#define MSR_VM_HSAVE_PA 0xC0010117u
#define MSR_SVM_KEY     0xC0010118u
#define VM_CR_SVMDIS    (1ULL << 4)
#define EFER_SVME       (1ULL << 12)

/* CPUID 0x8000000A EDX */
#define SVM_FEATURE_NPT           (1u << 0)
#define SVM_FEATURE_NRIP          (1u << 3)
#define SVM_FEATURE_FLUSH_BY_ASID (1u << 6)

/* Intercept vector 3 (control offset 0x0C) */
#define SVM_INTERCEPT_INTR     (1u << 0)
#define SVM_INTERCEPT_NMI      (1u << 1)
#define SVM_INTERCEPT_INIT     (1u << 3)
#define SVM_INTERCEPT_CPUID    (1u << 18)
#define SVM_INTERCEPT_INVLPGA  (1u << 26)
#define SVM_INTERCEPT_IOIO     (1u << 27)
#define SVM_INTERCEPT_MSR      (1u << 28)
#define SVM_INTERCEPT_SHUTDOWN (1u << 31)
/* Intercept vector 4 (control offset 0x10) */
#define SVM_INTERCEPT_VMRUN   (1u << 0)
#define SVM_INTERCEPT_VMMCALL (1u << 1)
#define SVM_INTERCEPT_VMLOAD  (1u << 2)
#define SVM_INTERCEPT_VMSAVE  (1u << 3)
#define SVM_INTERCEPT_STGI    (1u << 4)
#define SVM_INTERCEPT_CLGI    (1u << 5)
#define SVM_INTERCEPT_SKINIT  (1u << 6)

/* Exit codes */
#define SVM_EXIT_EXCP_BASE 0x040
#define SVM_EXIT_INTR      0x060
#define SVM_EXIT_NMI       0x061
#define SVM_EXIT_INIT      0x063
#define SVM_EXIT_CPUID     0x072
#define SVM_EXIT_HLT       0x078
#define SVM_EXIT_INVLPGA   0x07A
#define SVM_EXIT_IOIO      0x07B
#define SVM_EXIT_MSR       0x07C
#define SVM_EXIT_SHUTDOWN  0x07F
#define SVM_EXIT_VMRUN     0x080
#define SVM_EXIT_VMMCALL   0x081
#define SVM_EXIT_VMLOAD    0x082
#define SVM_EXIT_VMSAVE    0x083
#define SVM_EXIT_STGI      0x084
#define SVM_EXIT_CLGI      0x085
#define SVM_EXIT_SKINIT    0x086
#define SVM_EXIT_NPF       0x400
/* QEMU 7.2 reports VMEXIT_INVALID as 0x00000000FFFFFFFF: compare 32 bits. */
#define SVM_EXIT_INVALID32 0xFFFFFFFFu

/* EVENTINJ */
#define SVM_EVTINJ_VALID     (1u << 31)
#define SVM_EVTINJ_ERR_VALID (1u << 11)
#define SVM_EVTINJ_TYPE_NMI  (2u << 8)
#define SVM_EVTINJ_TYPE_EXCP (3u << 8)

#define TLB_CONTROL_FLUSH_ALL 1

struct vmcb_seg {
    uint16_t selector;
    uint16_t attrib; /* access byte in bits 0-7, AVL L D/B G in bits 8-11 */
    uint32_t limit;
    uint64_t base;
} __attribute__((packed));

struct vmcb {
    /* Control area */
    uint32_t intercept_cr;    /* 0x000: reads 0-15, writes 16-31 */
    uint32_t intercept_dr;    /* 0x004 */
    uint32_t intercept_exc;   /* 0x008 */
    uint32_t intercept_misc1; /* 0x00C */
    uint32_t intercept_misc2; /* 0x010 */
    uint32_t intercept_misc3; /* 0x014 */
    uint8_t reserved1[0x3C - 0x18];
    uint16_t pause_filter_threshold; /* 0x03C */
    uint16_t pause_filter_count;     /* 0x03E */
    uint64_t iopm_base_pa;           /* 0x040 */
    uint64_t msrpm_base_pa;          /* 0x048 */
    uint64_t tsc_offset;             /* 0x050 */
    uint32_t asid;                   /* 0x058 */
    uint8_t tlb_control;             /* 0x05C */
    uint8_t reserved2[3];
    uint64_t vintr;            /* 0x060 */
    uint64_t interrupt_shadow; /* 0x068 */
    uint64_t exitcode;         /* 0x070 */
    uint64_t exitinfo1;        /* 0x078 */
    uint64_t exitinfo2;        /* 0x080 */
    uint64_t exitintinfo;      /* 0x088 */
    uint64_t np_enable;        /* 0x090 */
    uint8_t reserved3[0xA8 - 0x98];
    uint64_t eventinj; /* 0x0A8 */
    uint64_t n_cr3;    /* 0x0B0 */
    uint64_t lbr_virt; /* 0x0B8 */
    uint32_t clean;    /* 0x0C0 */
    uint32_t reserved4;
    uint64_t next_rip;      /* 0x0C8 */
    uint8_t insn_len;       /* 0x0D0 */
    uint8_t insn_bytes[15]; /* 0x0D1 */
    uint8_t reserved5[0x400 - 0xE0];

    /* State save area */
    struct vmcb_seg es, cs, ss, ds, fs, gs, gdtr, ldtr, idtr, tr; /* 0x400 */
    uint8_t reserved6[0x4CB - 0x4A0];
    uint8_t cpl; /* 0x4CB */
    uint32_t reserved7;
    uint64_t efer; /* 0x4D0 */
    uint8_t reserved8[0x548 - 0x4D8];
    uint64_t cr4;    /* 0x548 */
    uint64_t cr3;    /* 0x550 */
    uint64_t cr0;    /* 0x558 */
    uint64_t dr7;    /* 0x560 */
    uint64_t dr6;    /* 0x568 */
    uint64_t rflags; /* 0x570 */
    uint64_t rip;    /* 0x578 */
    uint8_t reserved9[0x5D8 - 0x580];
    uint64_t rsp; /* 0x5D8 */
    uint8_t reserved10[0x5F8 - 0x5E0];
    uint64_t rax;            /* 0x5F8 */
    uint64_t star;           /* 0x600 */
    uint64_t lstar;          /* 0x608 */
    uint64_t cstar;          /* 0x610 */
    uint64_t sfmask;         /* 0x618 */
    uint64_t kernel_gs_base; /* 0x620 */
    uint64_t sysenter_cs;    /* 0x628 */
    uint64_t sysenter_esp;   /* 0x630 */
    uint64_t sysenter_eip;   /* 0x638 */
    uint64_t cr2;            /* 0x640 */
    uint8_t reserved11[0x668 - 0x648];
    uint64_t g_pat; /* 0x668 */
    uint8_t reserved12[0x1000 - 0x670];
} __attribute__((packed));

_Static_assert(__builtin_offsetof(struct vmcb, exitcode) == 0x70, "vmcb exitcode");
_Static_assert(__builtin_offsetof(struct vmcb, n_cr3) == 0xB0, "vmcb n_cr3");
_Static_assert(__builtin_offsetof(struct vmcb, insn_bytes) == 0xD1, "vmcb insn bytes");
_Static_assert(__builtin_offsetof(struct vmcb, tr) == 0x490, "vmcb tr");
_Static_assert(__builtin_offsetof(struct vmcb, efer) == 0x4D0, "vmcb efer");
_Static_assert(__builtin_offsetof(struct vmcb, rip) == 0x578, "vmcb rip");
_Static_assert(__builtin_offsetof(struct vmcb, rax) == 0x5F8, "vmcb rax");
_Static_assert(__builtin_offsetof(struct vmcb, g_pat) == 0x668, "vmcb g_pat");
_Static_assert(sizeof(struct vmcb) == 0x1000, "vmcb size");

/* The guest registers the VMCB does not hold (RAX and RSP are in it). */
struct guest_regs {
    uint64_t rbx, rcx, rdx, rsi, rdi, rbp, r8, r9, r10, r11, r12, r13, r14, r15;
};

/* World switch (svm_entry.S): VMLOAD guest, VMRUN, VMSAVE guest, VMLOAD
 * host.  Returns on #VMEXIT with the guest's registers in @regs. */
void svm_run(uint64_t vmcb_pa, struct guest_regs *regs, uint64_t host_vmcb_pa);

#endif
