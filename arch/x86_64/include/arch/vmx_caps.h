/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Intel VT-x groundwork that needs no hardware: what the capability MSRs
 * allow (VM-execution, exit and entry controls, CR0/CR4 fixed bits, EPT and
 * VPID features) and the EPT pointer; arch/vmx_exit.h decodes the exits.  The backend reads the
 * MSRs and the VMCS; everything here works on the values it read, so the host's unit tests can feed
 * the values real CPUs report.  Facts from the Intel SDM, volume 3: appendix A (capability MSRs)
 * and section 31.5.1 (choosing control values).
 */
#ifndef ARCH_VMX_CAPS_H
#define ARCH_VMX_CAPS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* ---- capability MSRs ----------------------------------------------------------------------- */

#define MSR_IA32_FEATURE_CONTROL     0x03Au
#define MSR_IA32_VMX_BASIC           0x480u
#define MSR_IA32_VMX_PINBASED_CTLS   0x481u
#define MSR_IA32_VMX_PROCBASED_CTLS  0x482u
#define MSR_IA32_VMX_EXIT_CTLS       0x483u
#define MSR_IA32_VMX_ENTRY_CTLS      0x484u
#define MSR_IA32_VMX_MISC            0x485u
#define MSR_IA32_VMX_CR0_FIXED0      0x486u
#define MSR_IA32_VMX_CR0_FIXED1      0x487u
#define MSR_IA32_VMX_CR4_FIXED0      0x488u
#define MSR_IA32_VMX_CR4_FIXED1      0x489u
#define MSR_IA32_VMX_PROCBASED_CTLS2 0x48Bu
#define MSR_IA32_VMX_EPT_VPID_CAP    0x48Cu
#define MSR_IA32_VMX_TRUE_PINBASED   0x48Du
#define MSR_IA32_VMX_TRUE_PROCBASED  0x48Eu
#define MSR_IA32_VMX_TRUE_EXIT       0x48Fu
#define MSR_IA32_VMX_TRUE_ENTRY      0x490u

/* IA32_FEATURE_CONTROL */
#define FEATURE_CONTROL_LOCKED        (1ULL << 0)
#define FEATURE_CONTROL_VMXON_OUTSIDE (1ULL << 2) /* VMXON allowed outside SMX */

/* IA32_VMX_BASIC */
#define VMX_BASIC_REVISION_MASK 0x7FFFFFFFULL
#define VMX_BASIC_SIZE_SHIFT    32 /* bytes of the VMXON and VMCS regions, bits 44:32 */
#define VMX_BASIC_SIZE_MASK     0x1FFFULL
#define VMX_BASIC_ADDR32        (1ULL << 48) /* regions limited to 32-bit addresses */
#define VMX_BASIC_MEMTYPE_SHIFT 50           /* memory type for the regions, bits 53:50 */
#define VMX_BASIC_INSOUTS_INFO  (1ULL << 54) /* INS/OUTS exits give instruction information */
#define VMX_BASIC_TRUE_CTLS     (1ULL << 55) /* the TRUE_* control MSRs exist */
#define VMX_MEMTYPE_UC          0
#define VMX_MEMTYPE_WB          6

/* IA32_VMX_MISC */
#define VMX_MISC_EXIT_SAVES_LMA (1ULL << 5) /* exits store EFER.LMA in "IA-32e mode guest" */

/* ---- control bits (the ones the hypervisor names) ------------------------------------------ */

/* Pin-based VM-execution controls */
#define VMX_PIN_EXT_INT_EXITING  (1u << 0)
#define VMX_PIN_NMI_EXITING      (1u << 3)
#define VMX_PIN_VIRTUAL_NMIS     (1u << 5)
#define VMX_PIN_PREEMPTION_TIMER (1u << 6)

/* Primary processor-based VM-execution controls */
#define VMX_PROC_INTR_WINDOW (1u << 2)
#define VMX_PROC_TSC_OFFSET  (1u << 3)
#define VMX_PROC_HLT         (1u << 7)
#define VMX_PROC_INVLPG      (1u << 9)
#define VMX_PROC_MWAIT       (1u << 10)
#define VMX_PROC_RDPMC       (1u << 11)
#define VMX_PROC_RDTSC       (1u << 12)
#define VMX_PROC_CR3_LOAD    (1u << 15)
#define VMX_PROC_CR3_STORE   (1u << 16)
#define VMX_PROC_CR8_LOAD    (1u << 19)
#define VMX_PROC_CR8_STORE   (1u << 20)
#define VMX_PROC_TPR_SHADOW  (1u << 21)
#define VMX_PROC_NMI_WINDOW  (1u << 22)
#define VMX_PROC_MOV_DR      (1u << 23)
#define VMX_PROC_UNCOND_IO   (1u << 24)
#define VMX_PROC_IO_BITMAPS  (1u << 25)
#define VMX_PROC_MTF         (1u << 27)
#define VMX_PROC_MSR_BITMAPS (1u << 28)
#define VMX_PROC_MONITOR     (1u << 29)
#define VMX_PROC_PAUSE       (1u << 30)
#define VMX_PROC_SECONDARY   (1u << 31)

/* Secondary processor-based VM-execution controls (no default1 bits) */
#define VMX_PROC2_VIRT_APIC_ACCESS (1u << 0)
#define VMX_PROC2_EPT              (1u << 1)
#define VMX_PROC2_DESC_TABLE       (1u << 2)
#define VMX_PROC2_RDTSCP           (1u << 3) /* without it RDTSCP raises #UD */
#define VMX_PROC2_VIRT_X2APIC      (1u << 4)
#define VMX_PROC2_VPID             (1u << 5)
#define VMX_PROC2_WBINVD           (1u << 6)
#define VMX_PROC2_UNRESTRICTED     (1u << 7)  /* needs VMX_PROC2_EPT */
#define VMX_PROC2_INVPCID          (1u << 12) /* without it INVPCID raises #UD */
#define VMX_PROC2_XSAVES           (1u << 20) /* without it XSAVES/XRSTORS raise #UD */

/* VM-exit controls */
#define VMX_EXIT_CTL_SAVE_DEBUG   (1u << 2)
#define VMX_EXIT_CTL_HOST_64      (1u << 9)
#define VMX_EXIT_CTL_ACK_INTR     (1u << 15)
#define VMX_EXIT_CTL_SAVE_PAT     (1u << 18)
#define VMX_EXIT_CTL_LOAD_PAT     (1u << 19)
#define VMX_EXIT_CTL_SAVE_EFER    (1u << 20)
#define VMX_EXIT_CTL_LOAD_EFER    (1u << 21)
#define VMX_EXIT_CTL_SAVE_PREEMPT (1u << 22)

/* VM-entry controls */
#define VMX_ENTRY_CTL_LOAD_DEBUG (1u << 2)
#define VMX_ENTRY_CTL_IA32E      (1u << 9)
#define VMX_ENTRY_CTL_LOAD_PAT   (1u << 14)
#define VMX_ENTRY_CTL_LOAD_EFER  (1u << 15)

/* ---- reading the capabilities --------------------------------------------------------------- */

/*
 * The capability MSRs as read on one CPU.  A field whose MSR does not exist
 * on that CPU is 0: the TRUE_* ones without VMX_BASIC_TRUE_CTLS, procbased2
 * unless the primary controls allow VMX_PROC_SECONDARY, ept_vpid_cap unless
 * the secondary controls allow EPT or VPID.
 */
struct vmx_caps {
    uint64_t basic;
    uint64_t pinbased, procbased, exit, entry;                     /* 0x481-0x484 */
    uint64_t true_pinbased, true_procbased, true_exit, true_entry; /* 0x48D-0x490 */
    uint64_t procbased2;                                           /* 0x48B */
    uint64_t misc;
    uint64_t cr0_fixed0, cr0_fixed1, cr4_fixed0, cr4_fixed1;
    uint64_t ept_vpid_cap;
};

/* Reads one MSR: 0, or non-zero if the CPU refused (#GP). */
typedef int (*vmx_msr_read_fn)(void *ctx, uint32_t msr, uint64_t *value);

/* Fill @c through @rd, asking only for MSRs the CPU says it has (reading
 * any other raises #GP).  0, or -1 with the MSR that failed in @err. */
int vmx_caps_load(struct vmx_caps *c, vmx_msr_read_fn rd, void *ctx, char *err, size_t errlen);

/* What the VMXON and VMCS regions need: a size that fits one page, write-back
 * memory (the hypervisor maps its pages WB), 64-bit addresses.  0, or -1
 * with the reason. */
int vmx_caps_check_basic(const struct vmx_caps *c, char *err, size_t errlen);

/* The VMCS revision identifier VMXON and VMPTRLD expect at a region's start. */
uint32_t vmx_caps_revision(const struct vmx_caps *c);

/*
 * IA32_FEATURE_CONTROL: VMXON needs the lock bit and "VMXON outside SMX".
 * If the firmware left the MSR unlocked, *@write is the value that enables
 * and locks it (the caller writes it); if it is locked with VMX on, *@write
 * is @cur and nothing needs writing.  -1 with a reason if the firmware
 * locked VMX off.
 */
int vmx_feature_control(uint64_t cur, uint64_t *write, char *err, size_t errlen);

/* ---- control derivation (SDM 31.5.1) -------------------------------------------------------- */

/*
 * What the hypervisor wants of one control field:
 *   required  bits it cannot run without: missing ones are an error;
 *   optional  bits it uses where the CPU allows them, else leaves 0;
 *   unwanted  default1 bits it knows and would rather have 0 (CR3-load
 *             exiting, say): cleared where the true controls let it, left
 *             set where the CPU insists.
 * Every other bit gets its default: default1 bits (the ones the legacy
 * capability MSR reports as must-be-1) are 1, the rest 0.
 */
struct vmx_ctl_want {
    uint32_t required, optional, unwanted;
};

struct vmx_controls_want {
    struct vmx_ctl_want pin, proc, proc2, exit, entry;
};

/* The values for the VMCS's control fields.  VMX_PROC_SECONDARY is the
 * derivation's to set (the caller's want of it is ignored): it is set
 * whenever proc2 is non-zero. */
struct vmx_controls {
    uint32_t pin, proc, proc2, exit, entry;
    bool true_ctls; /* derived from the TRUE_* MSRs */
};

/*
 * One field from its capability MSR @cap (low half: bits that must be 1;
 * high half: bits that may be 1) and @default1, the bits whose default is 1
 * (the legacy MSR's low half; equal to @cap's when there are no true
 * controls).  0 with *@value, or -1 with the required bits the CPU cannot
 * set in *@failed (or, for a CPU that reports bits both forced to 1 and not
 * allowed to be 1, those bits).
 */
int vmx_ctl_derive(uint64_t cap, uint32_t default1, const struct vmx_ctl_want *want,
                   uint32_t *value, uint32_t *failed);

/*
 * All five fields: the TRUE_* MSRs when VMX_BASIC_TRUE_CTLS is set, the
 * legacy ones otherwise; the secondary controls only when the primary ones
 * may activate them.  A secondary required bit then makes VMX_PROC_SECONDARY
 * required; unrestricted guest without EPT is dropped (optional) or refused
 * (required), since VM entry would fail.  0, or -1 with the field, the bits
 * that failed and the MSR they came from in @err.
 */
int vmx_controls_derive(const struct vmx_caps *c, const struct vmx_controls_want *want,
                        struct vmx_controls *out, char *err, size_t errlen);

/* ---- CR0 and CR4 in VMX operation ----------------------------------------------------------- */

#define VMX_CR0_PE (1ULL << 0)
#define VMX_CR0_NE (1ULL << 5)
#define VMX_CR0_PG (1ULL << 31)

/*
 * FIXED0 bits must be 1, bits clear in FIXED1 must be 0: for the host before
 * VMXON and for every guest.  With unrestricted guest a guest's CR0 may have
 * PE and PG clear (real mode, the parent's APs after SIPI); it still may not
 * have PG without PE.
 */
uint64_t vmx_cr_apply_fixed(uint64_t value, uint64_t fixed0, uint64_t fixed1);
bool vmx_cr_fixed_ok(uint64_t value, uint64_t fixed0, uint64_t fixed1);

/* The host's CR0/CR4 (@unrestricted false) or a guest's, fixed. */
uint64_t vmx_cr0_fix(const struct vmx_caps *c, uint64_t cr0, bool unrestricted);
bool vmx_cr0_ok(const struct vmx_caps *c, uint64_t cr0, bool unrestricted);
uint64_t vmx_cr4_fix(const struct vmx_caps *c, uint64_t cr4);
bool vmx_cr4_ok(const struct vmx_caps *c, uint64_t cr4);

/* The bits a guest cannot choose freely (forced to 1 or to 0): the backend
 * owns them in the CR0/CR4 guest/host mask and shows the guest the value it
 * wrote through the read shadow (CR0.NE for a real-mode guest, CR4.VMXE). */
uint64_t vmx_cr0_pinned(const struct vmx_caps *c, bool unrestricted);
uint64_t vmx_cr4_pinned(const struct vmx_caps *c);

/* ---- EPT and VPID --------------------------------------------------------------------------- */

/* IA32_VMX_EPT_VPID_CAP */
#define VMX_EPT_CAP_EXEC_ONLY         (1ULL << 0)
#define VMX_EPT_CAP_WALK4             (1ULL << 6)
#define VMX_EPT_CAP_UC                (1ULL << 8)
#define VMX_EPT_CAP_WB                (1ULL << 14)
#define VMX_EPT_CAP_2M                (1ULL << 16)
#define VMX_EPT_CAP_1G                (1ULL << 17)
#define VMX_EPT_CAP_INVEPT            (1ULL << 20)
#define VMX_EPT_CAP_AD                (1ULL << 21)
#define VMX_EPT_CAP_INVEPT_SINGLE     (1ULL << 25)
#define VMX_EPT_CAP_INVEPT_ALL        (1ULL << 26)
#define VMX_VPID_CAP_INVVPID          (1ULL << 32)
#define VMX_VPID_CAP_INVVPID_ADDR     (1ULL << 40)
#define VMX_VPID_CAP_INVVPID_SINGLE   (1ULL << 41)
#define VMX_VPID_CAP_INVVPID_ALL      (1ULL << 42)
#define VMX_VPID_CAP_INVVPID_NOGLOBAL (1ULL << 43)

/* INVEPT and INVVPID types */
#define VMX_INVEPT_SINGLE  1
#define VMX_INVEPT_ALL     2
#define VMX_INVVPID_ADDR   0
#define VMX_INVVPID_SINGLE 1
#define VMX_INVVPID_ALL    2

/* EPT pointer */
#define VMX_EPTP_MEMTYPE_WB 6ULL
#define VMX_EPTP_WALK4      (3ULL << 3) /* page-walk length - 1 */
#define VMX_EPTP_AD         (1ULL << 6)

/* What the hypervisor's EPT needs: 4-level walks, write-back paging
 * structures, and INVEPT of some type to flush after changes.  0, or -1
 * naming what is missing. */
int vmx_ept_check(uint64_t ept_vpid_cap, char *err, size_t errlen);

/* The slat_map() leaf-size flag for this CPU: 0 (1 GiB and 2 MiB leaves),
 * SLAT_NO_1G or SLAT_NO_LARGE.  Execute-only leaves are an EPT
 * misconfiguration without VMX_EPT_CAP_EXEC_ONLY. */
unsigned vmx_ept_leaf_flags(uint64_t ept_vpid_cap);

/* The INVEPT / INVVPID type to flush one context (single-context if the
 * CPU has it, else all-context), or -1 if neither: then EPT cannot be
 * flushed, and VPIDs must not be used. */
int vmx_invept_type(uint64_t ept_vpid_cap);
int vmx_invvpid_type(uint64_t ept_vpid_cap);

/* The EPT pointer for the PML4 at @pml4_pa: write-back, 4-level walk,
 * accessed/dirty flags only if @ad.  0, or -1 with the reason if the address
 * is not a page address below 2^52 or the CPU cannot walk such tables. */
int vmx_ept_pointer(uint64_t ept_vpid_cap, uint64_t pml4_pa, bool ad, uint64_t *eptp, char *err,
                    size_t errlen);

#endif
