/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The hypercall ABI the parent partition uses to manage child partitions,
 * shared by the hypervisor, the parent's kernel module (drivers/vid) and
 * user space.  It follows the Hyper-V TLFS: the same calling convention,
 * status codes and, where Hyper-V's root interface has a call with the
 * semantics we need, its call code.  Input layouts marked "ours" differ from
 * Hyper-V's; docs/abi.md is the reference.
 *
 * Calling convention (VMMCALL on AMD, VMCALL on Intel):
 *   RCX  control: call code (bits 0-15), fast (16), variable header size in
 *        8-byte units (17-26), rep count (32-43), rep start index (48-59);
 *        every other bit must be zero
 *   RDX  input page: guest-physical address, 8-byte aligned, and the input
 *        must not cross a page boundary
 *   R8   output page: the same rules
 *   RAX  result: status (bits 0-15), reps completed (32-43)
 */
#ifndef HV_ABI_H
#define HV_ABI_H

#ifdef __KERNEL__
#include <linux/types.h>
#else
#include <stdint.h>
#endif

/* Control word (RCX). */
#define HV_HYPERCALL_CODE_MASK       0xFFFFULL
#define HV_HYPERCALL_FAST            (1ULL << 16)
#define HV_HYPERCALL_VARHEAD_SHIFT   17
#define HV_HYPERCALL_VARHEAD_MASK    (0x3FFULL << HV_HYPERCALL_VARHEAD_SHIFT)
#define HV_HYPERCALL_REP_COUNT_SHIFT 32
#define HV_HYPERCALL_REP_START_SHIFT 48
#define HV_HYPERCALL_REP_MASK        0xFFFULL
#define HV_HYPERCALL_RESERVED_MASK                                                                 \
    (~(HV_HYPERCALL_CODE_MASK | HV_HYPERCALL_FAST | HV_HYPERCALL_VARHEAD_MASK |                    \
       (HV_HYPERCALL_REP_MASK << HV_HYPERCALL_REP_COUNT_SHIFT) |                                   \
       (HV_HYPERCALL_REP_MASK << HV_HYPERCALL_REP_START_SHIFT)))

/* Result (RAX). */
#define HV_HYPERCALL_RESULT(status, reps)                                                          \
    ((uint64_t)(uint16_t)(status) | ((uint64_t)((reps)&HV_HYPERCALL_REP_MASK) << 32))
#define HV_HYPERCALL_STATUS(result)    ((uint16_t)(result))
#define HV_HYPERCALL_REPS_DONE(result) ((uint32_t)(((result) >> 32) & HV_HYPERCALL_REP_MASK))

/* Status codes (TLFS values). */
#define HV_STATUS_SUCCESS                 0x0000
#define HV_STATUS_INVALID_HYPERCALL_CODE  0x0002
#define HV_STATUS_INVALID_HYPERCALL_INPUT 0x0003
#define HV_STATUS_INVALID_ALIGNMENT       0x0004
#define HV_STATUS_INVALID_PARAMETER       0x0005
#define HV_STATUS_ACCESS_DENIED           0x0006
#define HV_STATUS_INVALID_PARTITION_STATE 0x0007
#define HV_STATUS_OPERATION_DENIED        0x0008
#define HV_STATUS_INSUFFICIENT_MEMORY     0x000B
#define HV_STATUS_INVALID_PARTITION_ID    0x000D
#define HV_STATUS_INVALID_VP_INDEX        0x000E
#define HV_STATUS_INVALID_VP_STATE        0x0015
#define HV_STATUS_INVALID_CONNECTION_ID   0x0012
#define HV_STATUS_INSUFFICIENT_BUFFERS    0x0013
#define HV_STATUS_OBJECT_IN_USE           0x0019

/* Call codes (Hyper-V's root interface numbers). */
#define HVCALL_CREATE_PARTITION         0x0040
#define HVCALL_DELETE_PARTITION         0x0043
#define HVCALL_MAP_GPA_PAGES            0x004B /* rep */
#define HVCALL_UNMAP_GPA_PAGES          0x004C /* rep */
#define HVCALL_CREATE_VP                0x004E
#define HVCALL_GET_VP_REGISTERS         0x0050 /* rep */
#define HVCALL_SET_VP_REGISTERS         0x0051 /* rep */
#define HVCALL_ASSERT_VIRTUAL_INTERRUPT 0x0094
#define HVCALL_SIGNAL_EVENT_DIRECT      0x00C0
#define HVCALL_POST_MESSAGE_DIRECT      0x00C1
#define HVCALL_DISPATCH_VP              0x00C2 /* ours: Hyper-V's root scheduler call */

/* The calls a child partition may make (TLFS); every other code gets
 * HV_STATUS_INVALID_HYPERCALL_CODE. */
#define HVCALL_POST_MESSAGE 0x005C
#define HVCALL_SIGNAL_EVENT 0x005D

#define HV_PAGE_SIZE 4096
/* Largest guest-physical address a child may have: 1 TiB. */
#define HV_CHILD_GPA_LIMIT      (1ULL << 40)
#define HV_MAX_CHILD_PARTITIONS 64
#define HV_MAX_CHILD_VPS        64

/* HVCALL_CREATE_PARTITION (ours).  No flags are defined yet: must be 0. */
struct hv_input_create_partition {
    uint64_t flags;
    uint32_t max_vps;     /* 1 .. HV_MAX_CHILD_VPS */
    uint32_t kick_vector; /* 0, or 32..255: see "Kicks" below */
};
struct hv_output_create_partition {
    uint64_t partition_id;
    /* ours: the child's reference time (TIME_REF_COUNT, 100 ns units) is
     * (host TSC - reference_tsc_base) * 10^7 / tsc_frequency */
    uint64_t reference_tsc_base;
    uint64_t tsc_frequency;
};

/* HVCALL_DELETE_PARTITION (TLFS layout). */
struct hv_input_delete_partition {
    uint64_t partition_id;
};

/* HVCALL_MAP_GPA_PAGES (TLFS layout): rep i maps the child's page
 * target_gpa_page + i onto the parent's page source_pfn[i] (page numbers,
 * not addresses).  Each source page must be RAM the parent owns that no
 * child has yet; the target must be unmapped. */
#define HV_MAP_GPA_READABLE          0x1
#define HV_MAP_GPA_WRITABLE          0x2
#define HV_MAP_GPA_KERNEL_EXECUTABLE 0x4
#define HV_MAP_GPA_USER_EXECUTABLE   0x8
#define HV_MAP_GPA_PERMISSIONS_MASK  0xF
struct hv_input_map_gpa_pages {
    uint64_t partition_id;
    uint64_t target_gpa_page;
    uint32_t map_flags;
    uint32_t padding;
    uint64_t source_pfn[]; /* one per rep */
};
#define HV_MAP_GPA_MAX_REPS                                                                        \
    ((HV_PAGE_SIZE - sizeof(struct hv_input_map_gpa_pages)) / sizeof(uint64_t))

/* HVCALL_UNMAP_GPA_PAGES (TLFS layout): rep i unmaps target_gpa_page + i;
 * a page that is not mapped is skipped. */
struct hv_input_unmap_gpa_pages {
    uint64_t partition_id;
    uint64_t target_gpa_page;
    uint32_t unmap_flags; /* must be 0 */
    uint32_t padding;
};

/*
 * Kicks.  A child VP runs inside the parent's HVCALL_DISPATCH_VP on some CPU.
 * When another CPU gives it an interrupt (an IPI from a sibling VP, or
 * HVCALL_ASSERT_VIRTUAL_INTERRUPT), the hypervisor sends that CPU a physical
 * IPI with the partition's kick_vector, so the child exits at once.  The
 * interrupt then reaches the parent's kernel there, which must handle it as
 * a harmless no-op (Linux's reschedule vector is a good choice).  Without a
 * kick vector, a running VP sees new interrupts at its next exit.
 */

/* HVCALL_CREATE_VP (TLFS layout; flags must be 0).  VP 0 is the boot
 * processor; the others wait for INIT and STARTUP IPIs from it, unless the
 * parent sets their registers and runs them directly. */
struct hv_input_create_vp {
    uint64_t partition_id;
    uint32_t vp_index; /* < the partition's max_vps */
    uint32_t padding;
    uint64_t flags;
};

/* Register names (TLFS HV_REGISTER_NAME, x64). */
#define HV_X64_REGISTER_RAX              0x00020000
#define HV_X64_REGISTER_RCX              0x00020001
#define HV_X64_REGISTER_RDX              0x00020002
#define HV_X64_REGISTER_RBX              0x00020003
#define HV_X64_REGISTER_RSP              0x00020004
#define HV_X64_REGISTER_RBP              0x00020005
#define HV_X64_REGISTER_RSI              0x00020006
#define HV_X64_REGISTER_RDI              0x00020007
#define HV_X64_REGISTER_R8               0x00020008 /* .. R15 0x0002000F */
#define HV_X64_REGISTER_R15              0x0002000F
#define HV_X64_REGISTER_RIP              0x00020010
#define HV_X64_REGISTER_RFLAGS           0x00020011
#define HV_X64_REGISTER_CR0              0x00040000
#define HV_X64_REGISTER_CR2              0x00040001
#define HV_X64_REGISTER_CR3              0x00040002
#define HV_X64_REGISTER_CR4              0x00040003
#define HV_X64_REGISTER_CR8              0x00040004
#define HV_X64_REGISTER_XFEM             0x00040005 /* XCR0 */
#define HV_X64_REGISTER_DR7              0x00050005
#define HV_X64_REGISTER_ES               0x00060000
#define HV_X64_REGISTER_CS               0x00060001
#define HV_X64_REGISTER_SS               0x00060002
#define HV_X64_REGISTER_DS               0x00060003
#define HV_X64_REGISTER_FS               0x00060004
#define HV_X64_REGISTER_GS               0x00060005
#define HV_X64_REGISTER_LDTR             0x00060006
#define HV_X64_REGISTER_TR               0x00060007
#define HV_X64_REGISTER_IDTR             0x00070000
#define HV_X64_REGISTER_GDTR             0x00070001
#define HV_X64_REGISTER_TSC              0x00080000
#define HV_X64_REGISTER_EFER             0x00080001
#define HV_X64_REGISTER_KERNEL_GS_BASE   0x00080002
#define HV_X64_REGISTER_APIC_BASE        0x00080003
#define HV_X64_REGISTER_PAT              0x00080004
#define HV_X64_REGISTER_SYSENTER_CS      0x00080005
#define HV_X64_REGISTER_SYSENTER_EIP     0x00080006
#define HV_X64_REGISTER_SYSENTER_ESP     0x00080007
#define HV_X64_REGISTER_STAR             0x00080008
#define HV_X64_REGISTER_LSTAR            0x00080009
#define HV_X64_REGISTER_CSTAR            0x0008000A
#define HV_X64_REGISTER_SFMASK           0x0008000B
#define HV_REGISTER_PENDING_INTERRUPTION 0x00010002 /* TLFS: an event to deliver on entry */
#define HV_REGISTER_INTERRUPT_STATE      0x00010003 /* bit 0: interrupt shadow */
/* Ours: an interrupt vector from the 8259s (the answer to an INTA cycle),
 * delivered as the CPU takes an external interrupt, outside the local
 * APIC's IRR and ISR.  HV_PENDING_EXTINT_VALID | vector, or 0 for none. */
#define HV_REGISTER_PENDING_EXTINT 0x0001F000
#define HV_PENDING_EXTINT_VALID    0x100u

/* A segment register value (TLFS HV_X64_SEGMENT_REGISTER); attributes as in
 * a descriptor's bits 40-47 and 52-55 (the VMCB's packing). */
struct hv_x64_segment_register {
    uint64_t base;
    uint32_t limit;
    uint16_t selector;
    uint16_t attributes;
};
/* GDTR and IDTR (TLFS HV_X64_TABLE_REGISTER). */
struct hv_x64_table_register {
    uint16_t pad[3];
    uint16_t limit;
    uint64_t base;
};
union hv_register_value {
    uint64_t reg64;
    uint64_t reg128[2];
    struct hv_x64_segment_register segment;
    struct hv_x64_table_register table;
};

/* HVCALL_GET_VP_REGISTERS (TLFS layout): rep i reads names[i] into the
 * output page's values[i] (16 bytes each). */
struct hv_input_get_vp_registers {
    uint64_t partition_id;
    uint32_t vp_index;
    uint8_t input_vtl; /* 0 */
    uint8_t padding[3];
    uint32_t names[];
};
#define HV_GET_VP_REGISTERS_MAX_REPS                                                               \
    ((HV_PAGE_SIZE - sizeof(struct hv_input_get_vp_registers)) / sizeof(uint32_t))

/* HVCALL_SET_VP_REGISTERS (TLFS layout): rep i writes elements[i]. */
struct hv_register_assoc {
    uint32_t name;
    uint32_t reserved1;
    uint64_t reserved2;
    union hv_register_value value;
};
struct hv_input_set_vp_registers {
    uint64_t partition_id;
    uint32_t vp_index;
    uint8_t input_vtl; /* 0 */
    uint8_t padding[3];
    struct hv_register_assoc elements[];
};
#define HV_SET_VP_REGISTERS_MAX_REPS                                                               \
    ((HV_PAGE_SIZE - sizeof(struct hv_input_set_vp_registers)) / sizeof(struct hv_register_assoc))

/* HVCALL_ASSERT_VIRTUAL_INTERRUPT (TLFS layout): give the child's local
 * APIC(s) an interrupt, as an I/O APIC or MSI would.  Destination in
 * physical mode is an APIC id (0xFF: all); logical mode is xAPIC flat or
 * cluster as the guest set up its LDR/DFR. */
#define HV_INTERRUPT_TYPE_FIXED 0x0
#define HV_INTERRUPT_TYPE_NMI   0x4
#define HV_INTERRUPT_TYPE_INIT  0x5
#define HV_INTERRUPT_TYPE_SIPI  0x6
/* The LINT0 input of every VP's local APIC: the 8259 pair's INTR wire
 * (TLFS HvX64InterruptTypeLocalInt0).  A level, not a message: vector 1
 * raises the wire, 0 lowers it; level_triggered must be 1; the destination
 * is ignored, since on a PC the wire reaches every processor.  A VP whose
 * APIC takes ExtINT from LINT0 (hardware-disabled, or LVT0 ExtINT and not
 * masked) then leaves to the parent with HVMSG_X64_INTERRUPTION_DELIVERABLE
 * as soon as it can take an interrupt; the parent acknowledges its 8259s
 * and hands the vector over in HV_REGISTER_PENDING_EXTINT. */
#define HV_INTERRUPT_TYPE_LINT0 0x8
struct hv_input_assert_virtual_interrupt {
    uint64_t partition_id;
    uint32_t interrupt_type;  /* HV_INTERRUPT_TYPE_* */
    uint32_t level_triggered; /* bit 0; 0 for edge */
    uint32_t logical_dest;    /* bit 0: destination is logical */
    uint32_t reserved;        /* 0 */
    uint64_t dest_address;    /* APIC id, or logical destination */
    uint32_t vector;          /* 16..255 for fixed */
    uint8_t target_vtl;       /* 0 */
    uint8_t padding[3];
};
/* Output: which VPs were halted and now have an interrupt; the parent must
 * wake the threads that wait for them (bit n: VP n). */
struct hv_output_assert_virtual_interrupt {
    uint64_t wake_vps;
};

/* Messages (TLFS HV_MESSAGE: 16-byte header, 240-byte payload). */
#define HV_MESSAGE_SIZE                    256
#define HV_MESSAGE_PAYLOAD_SIZE            240
#define HVMSG_NONE                         0x00000000 /* ours: back to the parent, nothing to do */
#define HVMSG_UNMAPPED_GPA                 0x80000000
#define HVMSG_GPA_INTERCEPT                0x80000001
#define HVMSG_UNRECOVERABLE_EXCEPTION      0x80000021 /* triple fault: the VP cannot go on */
#define HVMSG_INVALID_VP_REGISTER_VALUE    0x80000020 /* the VP's state cannot be entered */
#define HVMSG_HYPERCALL_INTERCEPT          0x80000050 /* a child's HvPostMessage/HvSignalEvent */
#define HVMSG_SYNIC_SINT_DELIVERABLE       0x80000062 /* a refused message can be posted again */
#define HVMSG_X64_IO_PORT_INTERCEPT        0x80010000
#define HVMSG_X64_INTERRUPTION_DELIVERABLE 0x80010004 /* LINT0 is up and the VP can take it */
#define HVMSG_X64_HALT                     0x80010007
#define HVMSG_VP_WAKE                      0x8001F000 /* ours: wake these halted VPs, then dispatch again */

struct hv_message_header {
    uint32_t message_type;
    uint8_t payload_size;
    uint8_t message_flags;
    uint16_t reserved;
    uint64_t sender; /* the partition id */
};

/* The start of every intercept message (TLFS HV_X64_INTERCEPT_MESSAGE_HEADER). */
#define HV_INTERCEPT_ACCESS_READ    0
#define HV_INTERCEPT_ACCESS_WRITE   1
#define HV_INTERCEPT_ACCESS_EXECUTE 2
/* execution_state bits */
#define HV_X64_EXEC_CPL_MASK             0x3
#define HV_X64_EXEC_CR0_PE               (1u << 2)
#define HV_X64_EXEC_CR0_AM               (1u << 3)
#define HV_X64_EXEC_EFER_LMA             (1u << 4)
#define HV_X64_EXEC_DEBUG_ACTIVE         (1u << 5)
#define HV_X64_EXEC_INTERRUPTION_PENDING (1u << 6)
#define HV_X64_EXEC_INTERRUPT_SHADOW     (1u << 8)
struct hv_x64_intercept_message_header {
    uint32_t vp_index;
    uint8_t instruction_length; /* bits 0-3; cr8 in bits 4-7 */
    uint8_t intercept_access_type;
    uint16_t execution_state;
    struct hv_x64_segment_register cs;
    uint64_t rip;
    uint64_t rflags;
};

/* HVMSG_X64_IO_PORT_INTERCEPT.  access_info: size in bytes in bits 0-2
 * (1, 2 or 4), string (INS/OUTS) bit 3, REP prefix bit 4. */
#define HV_IO_ACCESS_SIZE_MASK 0x7
#define HV_IO_ACCESS_STRING    0x8
#define HV_IO_ACCESS_REP       0x10
/* string_info (ours, in the TLFS message's reserved field): for INS and
 * OUTS, the address size and the segment OUTS reads through, as the CPU
 * decoded them, so that the parent need not fetch the instruction. */
#define HV_IO_STRING_ADDR16    0x1
#define HV_IO_STRING_ADDR32    0x2
#define HV_IO_STRING_ADDR64    0x4
#define HV_IO_STRING_SEG_SHIFT 4 /* 0 ES, 1 CS, 2 SS, 3 DS, 4 FS, 5 GS */
#define HV_IO_STRING_SEG_MASK  (7u << HV_IO_STRING_SEG_SHIFT)
struct hv_x64_io_port_intercept_message {
    struct hv_x64_intercept_message_header header;
    uint16_t port_number;
    uint8_t access_info;
    uint8_t instruction_byte_count;
    uint32_t string_info;
    uint8_t instruction_bytes[16];
    struct hv_x64_segment_register ds;
    struct hv_x64_segment_register es;
    uint64_t rax, rcx, rsi, rdi;
};

/* HVMSG_UNMAPPED_GPA / HVMSG_GPA_INTERCEPT: an access to guest-physical
 * memory no page is mapped at (MMIO) or that the mapping does not allow.
 * The instruction bytes are fetched by the hypervisor (instruction_byte_count
 * may be short if the instruction ends the last readable page). */
struct hv_x64_memory_intercept_message {
    struct hv_x64_intercept_message_header header;
    uint32_t cache_type;
    uint8_t instruction_byte_count;
    uint8_t memory_access_info; /* bit 0: gva valid */
    uint16_t reserved1;
    uint64_t guest_virtual_address;
    uint64_t guest_physical_address;
    uint8_t instruction_bytes[16];
};

/* HVMSG_X64_HALT: the VP executed HLT and has no interrupt to take.  The
 * parent waits until it gives the VP an interrupt or the host TSC (what
 * RDTSC reads in the parent) reaches timer_deadline (ours, after the
 * header; UINT64_MAX: no timer). */
struct hv_x64_halt_message {
    struct hv_x64_intercept_message_header header;
    uint64_t timer_deadline;
};

/* HVMSG_HYPERCALL_INTERCEPT (ours): a child's HvPostMessage or HvSignalEvent
 * for the parent to serve.  The hypervisor has checked the call's form and
 * advanced RIP past the hypercall instruction; the parent writes RAX with
 * the call's status (TLFS: HV_STATUS_SUCCESS, INVALID_CONNECTION_ID,
 * INSUFFICIENT_BUFFERS, ...) when it dispatches the VP again.  For
 * HvPostMessage the payload (payload_size bytes, at most 240) is in guest
 * RAM at payload_gpa, inside one page; the guest may change it meanwhile, so
 * the parent copies it once and checks its copy. */
struct hv_x64_hypercall_intercept_message {
    struct hv_x64_intercept_message_header header;
    uint16_t call_code;     /* HVCALL_POST_MESSAGE or HVCALL_SIGNAL_EVENT */
    uint16_t flag_number;   /* HvSignalEvent */
    uint32_t connection_id; /* < 2^24 */
    uint32_t message_type;  /* HvPostMessage: 1 .. 0x7FFFFFFF */
    uint32_t payload_size;  /* HvPostMessage */
    uint64_t payload_gpa;   /* HvPostMessage */
};

/* HVMSG_SYNIC_SINT_DELIVERABLE (TLFS layout): the VP emptied the message
 * slots of these SINTs after a HVCALL_POST_MESSAGE_DIRECT found them full. */
struct hv_synic_sint_deliverable_message {
    uint16_t deliverable_sints; /* bit n: SINT n */
    uint16_t reserved1;
    uint32_t reserved2;
};

/* HVMSG_X64_INTERRUPTION_DELIVERABLE (TLFS layout): the VP can take an
 * external interrupt now (RFLAGS.IF set, no interrupt shadow, no event
 * pending) and its LINT0 wire is up. */
#define HV_X64_DELIVERABLE_INTERRUPT 0 /* HV_X64_PENDING_INTERRUPTION_TYPE: an interrupt */
struct hv_x64_interruption_deliverable_message {
    struct hv_x64_intercept_message_header header;
    uint32_t deliverable_type; /* HV_X64_DELIVERABLE_INTERRUPT */
    uint32_t reserved;
};

/* HVMSG_NONE and HVMSG_VP_WAKE (ours). */
struct hv_dispatch_return_message {
    uint64_t timer_deadline; /* as in the halt message */
    uint64_t wake_vps;       /* HVMSG_VP_WAKE: bit n, VP n */
};

struct hv_message {
    struct hv_message_header header;
    union {
        uint64_t payload[HV_MESSAGE_PAYLOAD_SIZE / 8];
        struct hv_x64_intercept_message_header intercept;
        struct hv_x64_io_port_intercept_message io;
        struct hv_x64_memory_intercept_message memory;
        struct hv_x64_halt_message halt;
        struct hv_dispatch_return_message ret;
        struct hv_x64_hypercall_intercept_message hypercall;
        struct hv_synic_sint_deliverable_message deliverable;
        struct hv_x64_interruption_deliverable_message interruption;
    } u;
};

/* A child's HvPostMessage input (TLFS layout). */
struct hv_input_post_message {
    uint32_t connection_id;
    uint32_t reserved; /* 0 */
    uint32_t message_type;
    uint32_t payload_size;
    uint8_t payload[HV_MESSAGE_PAYLOAD_SIZE];
};
/* A child's HvSignalEvent input (TLFS layout; the fast form packs it in
 * one register). */
struct hv_input_signal_event {
    uint32_t connection_id;
    uint16_t flag_number;
    uint16_t reserved; /* 0 */
};

/*
 * HVCALL_POST_MESSAGE_DIRECT (Hyper-V's layout): put a message into SINT
 * sint_index's slot of the child VP's SynIC message page and interrupt the
 * VP (unless the SINT is masked or polled).  HV_STATUS_INSUFFICIENT_BUFFERS
 * if the slot is still full: the VP's next EOM is then reported to the
 * parent (HVMSG_SYNIC_SINT_DELIVERABLE) to post again.
 * HV_STATUS_INVALID_VP_STATE if the VP's SynIC or message page is not
 * enabled.  The output (ours) says which halted VPs to wake.
 */
struct hv_input_post_message_direct {
    uint64_t partition_id;
    uint32_t vp_index;
    uint8_t vtl; /* 0 */
    uint8_t padding[3];
    uint32_t sint_index;
    uint8_t message[HV_MESSAGE_SIZE]; /* a struct hv_message */
    uint32_t padding2;
};
struct hv_output_post_message_direct {
    uint64_t wake_vps;
};

/* HVCALL_SIGNAL_EVENT_DIRECT (Hyper-V's layout): set event flag flag_number
 * of SINT target_sint in the VP's event-flag page; a flag that goes from 0
 * to 1 interrupts the VP.  Output: Hyper-V's, plus wake_vps (ours). */
struct hv_input_signal_event_direct {
    uint64_t target_partition;
    uint32_t target_vp;
    uint8_t target_vtl; /* 0 */
    uint8_t target_sint;
    uint16_t flag_number;
};
struct hv_output_signal_event_direct {
    uint8_t newly_signaled;
    uint8_t reserved[7];
    uint64_t wake_vps;
};

/*
 * HVCALL_DISPATCH_VP (ours, after Hyper-V's root scheduler): run the VP on
 * the calling CPU until the parent has to act, and write why into the output
 * page as an hv_message.  Before entering, the hypervisor applies the
 * register writes that follow the header (nregs of them: how the parent
 * completes an intercept, for instance RAX and RIP after an I/O read).  The
 * call returns with HVMSG_NONE when the parent's CPU has an interrupt for the
 * parent, or when the child's timer moved before timer_armed (the deadline
 * the parent's own timer is set for: it re-arms and dispatches again).
 */
struct hv_input_dispatch_vp {
    uint64_t partition_id;
    uint32_t vp_index;
    uint32_t nregs;       /* register writes that follow */
    uint64_t timer_armed; /* host TSC; UINT64_MAX if none */
    uint64_t flags;       /* 0 */
    struct hv_register_assoc regs[];
};
#define HV_DISPATCH_VP_MAX_REGS                                                                    \
    ((HV_PAGE_SIZE - sizeof(struct hv_input_dispatch_vp)) / sizeof(struct hv_register_assoc))

#endif
