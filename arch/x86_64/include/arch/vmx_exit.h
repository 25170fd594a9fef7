/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Intel VT-x exits decoded into a vendor-neutral form, over values the
 * backend already read from the VMCS: the basic exit reason as a kind a
 * dispatch loop switches on, the event an exit interrupted, and the I/O,
 * EPT-violation and control-register qualifications.  Facts from the Intel
 * SDM, volume 3: appendix C and section 28.2.
 */
#ifndef ARCH_VMX_EXIT_H
#define ARCH_VMX_EXIT_H

#include <stdbool.h>
#include <stdint.h>

/* ---- exits -------------------------------------------------------------------------------- */

/*
 * Why a guest stopped, without the vendor: what a dispatch loop needs to
 * choose its handler.  VM_EXIT_UNKNOWN (an exit the hypervisor never
 * enables, or a value no CPU reports) must stop the VP; it is 0, so a
 * zeroed record is unknown.
 */
enum vm_exit_kind {
    VM_EXIT_UNKNOWN = 0,
    VM_EXIT_ENTRY_FAILED,     /* the CPU refused the guest state (SVM: VMEXIT_INVALID) */
    VM_EXIT_HOST_INTERRUPT,   /* a physical interrupt: the host takes it */
    VM_EXIT_NMI,              /* a physical NMI */
    VM_EXIT_INIT,             /* a physical INIT: must not reset the CPU */
    VM_EXIT_TRIPLE_FAULT,     /* SVM: SHUTDOWN */
    VM_EXIT_INTERRUPT_WINDOW, /* the guest can take an interrupt (SVM: VINTR) */
    VM_EXIT_NMI_WINDOW,
    VM_EXIT_EXCEPTION,   /* an intercepted exception; vector from the event info */
    VM_EXIT_TASK_SWITCH, /* always intercepted by VT-x; not emulated */
    VM_EXIT_CPUID,
    VM_EXIT_HLT,
    VM_EXIT_INVD,      /* always intercepted by VT-x */
    VM_EXIT_HYPERCALL, /* VMCALL (SVM: VMMCALL) */
    VM_EXIT_CR_ACCESS,
    VM_EXIT_IO,
    VM_EXIT_MSR_READ,
    VM_EXIT_MSR_WRITE,
    VM_EXIT_SLAT_VIOLATION, /* EPT violation (SVM: NPF) */
    VM_EXIT_SLAT_MISCONFIG, /* EPT misconfiguration: a hypervisor bug */
    VM_EXIT_XSETBV,
    VM_EXIT_UD_INSN, /* virtualization instructions etc.: the guest gets #UD */
    VM_EXIT_KIND_COUNT
};

/* A name for logs; "unknown" for anything out of range. */
const char *vm_exit_kind_name(enum vm_exit_kind kind);

/* Exit reason field */
#define VMX_EXIT_REASON_BASIC_MASK 0xFFFFu
#define VMX_EXIT_REASON_ENTRY_FAIL (1u << 31)

/* Interruption information (VM-exit, IDT-vectoring and VM-entry fields) */
#define VMX_INTR_VECTOR_MASK  0xFFu
#define VMX_INTR_TYPE_SHIFT   8
#define VMX_INTR_TYPE_MASK    (7u << VMX_INTR_TYPE_SHIFT)
#define VMX_INTR_TYPE_EXTINT  (0u << VMX_INTR_TYPE_SHIFT)
#define VMX_INTR_TYPE_NMI     (2u << VMX_INTR_TYPE_SHIFT)
#define VMX_INTR_TYPE_HW_EXCP (3u << VMX_INTR_TYPE_SHIFT)
#define VMX_INTR_TYPE_SW_INT  (4u << VMX_INTR_TYPE_SHIFT)
#define VMX_INTR_TYPE_PRIV_SW (5u << VMX_INTR_TYPE_SHIFT)
#define VMX_INTR_TYPE_SW_EXCP (6u << VMX_INTR_TYPE_SHIFT)
#define VMX_INTR_TYPE_OTHER   (7u << VMX_INTR_TYPE_SHIFT)
#define VMX_INTR_ERROR_VALID  (1u << 11)
#define VMX_INTR_NMI_UNBLOCK  (1u << 12) /* exit info only: IRET had unblocked NMIs */
#define VMX_INTR_VALID        (1u << 31)

/*
 * The kind of an exit from the VMCS's exit reason.  @intr_info is the
 * VM-exit interruption information, consulted only for basic reason 0
 * (exception or NMI), so the backend reads it only then.  Any value is
 * safe: reasons past the table are VM_EXIT_UNKNOWN.
 */
enum vm_exit_kind vmx_exit_kind(uint32_t exit_reason, uint32_t intr_info);

/*
 * The event an exit interrupted (IDT-vectoring information) as the VM-entry
 * interruption information that delivers it again, or 0 if there is none.
 * For software interrupts and exceptions (types 4-6) the backend also copies
 * the VM-exit instruction length into the VM-entry one.
 */
uint32_t vmx_event_to_reinject(uint32_t idt_vectoring_info);

/* An I/O instruction, in the terms the TLFS I/O intercept message uses. */
struct vm_exit_io {
    uint16_t port;
    uint8_t size; /* 1, 2 or 4 */
    bool in;      /* IN/INS: the guest reads (HV_INTERCEPT_ACCESS_READ) */
    bool string;  /* INS/OUTS */
    bool rep;
    /* INS/OUTS: HV_IO_STRING_ADDR16/32/64 | segment << HV_IO_STRING_SEG_SHIFT
     * as the CPU decoded them; 0 when it did not (then the instruction bytes
     * go to the parent instead, as the SVM path does without decode
     * assists). */
    uint32_t string_info;
};

/*
 * The I/O exit qualification, and for INS/OUTS the VM-exit instruction
 * information when @have_insn_info (VMX_BASIC_INSOUTS_INFO).  0, or -1 for
 * an access size no CPU reports.
 */
int vmx_io_decode(uint64_t qual, bool have_insn_info, uint32_t insn_info, struct vm_exit_io *out);

/* The TLFS access_info byte: size | HV_IO_ACCESS_STRING | HV_IO_ACCESS_REP. */
uint8_t vm_exit_io_access_info(const struct vm_exit_io *io);

/* A second-level translation fault, as the SVM path reports an NPF. */
struct vm_exit_slat {
    uint64_t gpa;
    bool read, write, fetch;
    uint8_t access_type; /* HV_INTERCEPT_ACCESS_*: fetch, else write, else read */
    bool mapped;         /* the GPA allows some access: a permission fault, not a hole */
    bool guest_walk;     /* the access was the guest's own page-table walk */
    /* The fault interrupted an IRET that had unblocked NMIs: blocking by
     * NMI must be set again before the next entry. */
    bool nmi_unblocked;
};

/* The EPT-violation exit qualification and the guest-physical address. */
void vmx_ept_violation_decode(uint64_t qual, uint64_t gpa, struct vm_exit_slat *out);

/* A control-register access. */
enum vm_exit_cr_op { VM_CR_WRITE, VM_CR_READ, VM_CR_CLTS, VM_CR_LMSW };
struct vm_exit_cr {
    uint8_t cr;         /* 0, 3, 4 or 8 */
    uint8_t op;         /* enum vm_exit_cr_op */
    uint8_t gpr;        /* MOV: 0 RAX ... 15 R15 */
    bool lmsw_memory;   /* LMSW with a memory operand */
    uint16_t lmsw_data; /* LMSW: its source operand */
};

/* The control-register exit qualification.  0, or -1 for a register no
 * exit names (only CR0, CR3, CR4 and CR8 exit). */
int vmx_cr_access_decode(uint64_t qual, struct vm_exit_cr *out);

#endif
