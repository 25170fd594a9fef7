/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * VT-x exit decoding (API in arch/vmx_exit.h).  Pure, like vmx_caps.c.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <arch/vmx_exit.h>
#include <hv/abi.h>

#define ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

/* ---- exits ---------------------------------------------------------------------------------- */

/* Basic exit reasons, SDM appendix C.  Reasons not listed are exits the
 * hypervisor never enables (INVLPG, RDTSC, MOV DR, PAUSE, preemption timer,
 * APIC virtualization...), SMIs and SIPIs that need dual-monitor SMM or the
 * wait-for-SIPI activity state it never uses, or numbers not assigned: all
 * VM_EXIT_UNKNOWN. */
static const uint8_t basic_reason_kind[] = {
    [1] = VM_EXIT_HOST_INTERRUPT,
    [2] = VM_EXIT_TRIPLE_FAULT,
    [3] = VM_EXIT_INIT,
    [7] = VM_EXIT_INTERRUPT_WINDOW,
    [8] = VM_EXIT_NMI_WINDOW,
    [9] = VM_EXIT_TASK_SWITCH,
    [10] = VM_EXIT_CPUID,
    [11] = VM_EXIT_UD_INSN, /* GETSEC */
    [12] = VM_EXIT_HLT,
    [13] = VM_EXIT_INVD,
    [18] = VM_EXIT_HYPERCALL,
    /* VMCLEAR, VMLAUNCH, VMPTRLD, VMPTRST, VMREAD, VMRESUME, VMWRITE,
     * VMXOFF, VMXON: guests see no VMX, as they see no SVM. */
    [19] = VM_EXIT_UD_INSN,
    [20] = VM_EXIT_UD_INSN,
    [21] = VM_EXIT_UD_INSN,
    [22] = VM_EXIT_UD_INSN,
    [23] = VM_EXIT_UD_INSN,
    [24] = VM_EXIT_UD_INSN,
    [25] = VM_EXIT_UD_INSN,
    [26] = VM_EXIT_UD_INSN,
    [27] = VM_EXIT_UD_INSN,
    [28] = VM_EXIT_CR_ACCESS,
    [30] = VM_EXIT_IO,
    [31] = VM_EXIT_MSR_READ,
    [32] = VM_EXIT_MSR_WRITE,
    [33] = VM_EXIT_ENTRY_FAILED, /* invalid guest state */
    [34] = VM_EXIT_ENTRY_FAILED, /* MSR loading */
    [36] = VM_EXIT_UD_INSN,      /* MWAIT: hidden from children, as on SVM */
    [39] = VM_EXIT_UD_INSN,      /* MONITOR */
    [41] = VM_EXIT_ENTRY_FAILED, /* machine check during entry */
    [48] = VM_EXIT_SLAT_VIOLATION,
    [49] = VM_EXIT_SLAT_MISCONFIG,
    [50] = VM_EXIT_UD_INSN, /* INVEPT */
    [51] = VM_EXIT_UD_INSN, /* RDTSCP */
    [53] = VM_EXIT_UD_INSN, /* INVVPID */
    [55] = VM_EXIT_XSETBV,
    [59] = VM_EXIT_UD_INSN, /* VMFUNC */
};

_Static_assert(VM_EXIT_KIND_COUNT <= 256, "vm_exit_kind fits the table's bytes");

enum vm_exit_kind vmx_exit_kind(uint32_t exit_reason, uint32_t intr_info)
{
    uint32_t basic = exit_reason & VMX_EXIT_REASON_BASIC_MASK;

    if (exit_reason & VMX_EXIT_REASON_ENTRY_FAIL)
        return VM_EXIT_ENTRY_FAILED;
    if (basic == 0) {
        /* Exception or NMI: the interruption information tells which. */
        if (!(intr_info & VMX_INTR_VALID))
            return VM_EXIT_UNKNOWN;
        switch (intr_info & VMX_INTR_TYPE_MASK) {
        case VMX_INTR_TYPE_NMI:
            return VM_EXIT_NMI;
        case VMX_INTR_TYPE_HW_EXCP:
        case VMX_INTR_TYPE_PRIV_SW:
        case VMX_INTR_TYPE_SW_EXCP:
            return VM_EXIT_EXCEPTION;
        default:
            return VM_EXIT_UNKNOWN; /* INT n and external interrupts never exit here */
        }
    }
    if (basic >= ARRAY_LEN(basic_reason_kind))
        return VM_EXIT_UNKNOWN;
    return (enum vm_exit_kind)basic_reason_kind[basic];
}

const char *vm_exit_kind_name(enum vm_exit_kind kind)
{
    static const char *const names[VM_EXIT_KIND_COUNT] = {
        [VM_EXIT_UNKNOWN] = "unknown",
        [VM_EXIT_ENTRY_FAILED] = "entry failed",
        [VM_EXIT_HOST_INTERRUPT] = "host interrupt",
        [VM_EXIT_NMI] = "NMI",
        [VM_EXIT_INIT] = "INIT",
        [VM_EXIT_TRIPLE_FAULT] = "triple fault",
        [VM_EXIT_INTERRUPT_WINDOW] = "interrupt window",
        [VM_EXIT_NMI_WINDOW] = "NMI window",
        [VM_EXIT_EXCEPTION] = "exception",
        [VM_EXIT_TASK_SWITCH] = "task switch",
        [VM_EXIT_CPUID] = "CPUID",
        [VM_EXIT_HLT] = "HLT",
        [VM_EXIT_INVD] = "INVD",
        [VM_EXIT_HYPERCALL] = "hypercall",
        [VM_EXIT_CR_ACCESS] = "CR access",
        [VM_EXIT_IO] = "I/O",
        [VM_EXIT_MSR_READ] = "MSR read",
        [VM_EXIT_MSR_WRITE] = "MSR write",
        [VM_EXIT_SLAT_VIOLATION] = "SLAT violation",
        [VM_EXIT_SLAT_MISCONFIG] = "SLAT misconfiguration",
        [VM_EXIT_XSETBV] = "XSETBV",
        [VM_EXIT_UD_INSN] = "#UD instruction",
    };

    if ((unsigned)kind >= ARRAY_LEN(names) || !names[kind])
        return "unknown";
    return names[kind];
}

uint32_t vmx_event_to_reinject(uint32_t idt)
{
    if (!(idt & VMX_INTR_VALID) || (idt & VMX_INTR_TYPE_MASK) == VMX_INTR_TYPE_OTHER)
        return 0;
    /* Bit 12 is undefined in IDT-vectoring information and bits 30:12 are
     * reserved in the VM-entry field: keep only what entry takes. */
    return idt &
           (VMX_INTR_VALID | VMX_INTR_ERROR_VALID | VMX_INTR_TYPE_MASK | VMX_INTR_VECTOR_MASK);
}

/* I/O exit qualification (SDM table 28-5) */
#define IO_QUAL_SIZE_MASK  0x7u
#define IO_QUAL_IN         (1u << 3)
#define IO_QUAL_STRING     (1u << 4)
#define IO_QUAL_REP        (1u << 5)
#define IO_QUAL_PORT_SHIFT 16
/* Instruction information for INS/OUTS (SDM table 28-8) */
#define IO_INFO_ADDR_SHIFT 7
#define IO_INFO_SEG_SHIFT  15
#define SEG_ES             0
#define SEG_GS             5

int vmx_io_decode(uint64_t qual, bool have_insn_info, uint32_t insn_info, struct vm_exit_io *out)
{
    static const uint8_t sizes[8] = {1, 2, 0, 4, 0, 0, 0, 0}; /* 0: an encoding not used */
    static const uint8_t addr_sizes[8] = {HV_IO_STRING_ADDR16, HV_IO_STRING_ADDR32,
                                          HV_IO_STRING_ADDR64};

    *out = (struct vm_exit_io){0};
    if (!sizes[qual & IO_QUAL_SIZE_MASK])
        return -1;
    out->size = sizes[qual & IO_QUAL_SIZE_MASK];
    out->port = (uint16_t)(qual >> IO_QUAL_PORT_SHIFT);
    out->in = (qual & IO_QUAL_IN) != 0;
    out->string = (qual & IO_QUAL_STRING) != 0;
    out->rep = (qual & IO_QUAL_REP) != 0;
    if (out->string && have_insn_info) {
        uint32_t addr = addr_sizes[(insn_info >> IO_INFO_ADDR_SHIFT) & 7];
        /* INS always writes through ES; the field is undefined for it. */
        uint32_t seg = out->in ? SEG_ES : (insn_info >> IO_INFO_SEG_SHIFT) & 7;

        /* Encodings no CPU uses leave it undecoded: the parent then gets
         * the instruction bytes. */
        if (addr && seg <= SEG_GS)
            out->string_info = addr | seg << HV_IO_STRING_SEG_SHIFT;
    }
    return 0;
}

uint8_t vm_exit_io_access_info(const struct vm_exit_io *io)
{
    return (uint8_t)((io->size & HV_IO_ACCESS_SIZE_MASK) | (io->string ? HV_IO_ACCESS_STRING : 0) |
                     (io->rep ? HV_IO_ACCESS_REP : 0));
}

/* EPT-violation exit qualification (SDM table 28-7) */
#define EPTV_READ          (1ULL << 0)
#define EPTV_WRITE         (1ULL << 1)
#define EPTV_FETCH         (1ULL << 2)
#define EPTV_ALLOWED_MASK  (7ULL << 3) /* the GPA's readable, writable, executable */
#define EPTV_LINEAR_VALID  (1ULL << 7)
#define EPTV_LINEAR_FINAL  (1ULL << 8) /* with bit 7: not a guest paging-structure access */
#define EPTV_NMI_UNBLOCKED (1ULL << 12)

void vmx_ept_violation_decode(uint64_t qual, uint64_t gpa, struct vm_exit_slat *out)
{
    *out = (struct vm_exit_slat){0};
    out->gpa = gpa;
    out->read = (qual & EPTV_READ) != 0;
    out->write = (qual & EPTV_WRITE) != 0;
    out->fetch = (qual & EPTV_FETCH) != 0;
    /* The SVM path's order: an RMW access counts as a write. */
    out->access_type = out->fetch   ? HV_INTERCEPT_ACCESS_EXECUTE
                       : out->write ? HV_INTERCEPT_ACCESS_WRITE
                                    : HV_INTERCEPT_ACCESS_READ;
    out->mapped = (qual & EPTV_ALLOWED_MASK) != 0;
    out->guest_walk = (qual & EPTV_LINEAR_VALID) && !(qual & EPTV_LINEAR_FINAL);
    out->nmi_unblocked = (qual & EPTV_NMI_UNBLOCKED) != 0;
}

/* Control-register access exit qualification (SDM table 28-3) */
#define CRQ_CR_MASK     0xFu
#define CRQ_OP_SHIFT    4
#define CRQ_LMSW_MEMORY (1u << 6)
#define CRQ_GPR_SHIFT   8
#define CRQ_LMSW_SHIFT  16

int vmx_cr_access_decode(uint64_t qual, struct vm_exit_cr *out)
{
    unsigned cr = qual & CRQ_CR_MASK, op = (qual >> CRQ_OP_SHIFT) & 3;

    *out = (struct vm_exit_cr){0};
    if (op == VM_CR_CLTS || op == VM_CR_LMSW) {
        if (cr != 0)
            return -1;
    } else if (cr != 0 && cr != 3 && cr != 4 && cr != 8) {
        return -1;
    }
    out->cr = (uint8_t)cr;
    out->op = (uint8_t)op;
    out->gpr = (uint8_t)((qual >> CRQ_GPR_SHIFT) & 0xF);
    out->lmsw_memory = op == VM_CR_LMSW && (qual & CRQ_LMSW_MEMORY);
    if (op == VM_CR_LMSW)
        out->lmsw_data = (uint16_t)(qual >> CRQ_LMSW_SHIFT);
    return 0;
}
