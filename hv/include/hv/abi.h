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
#define HV_STATUS_OBJECT_IN_USE           0x0019

/* Call codes (Hyper-V's root interface numbers). */
#define HVCALL_CREATE_PARTITION 0x0040
#define HVCALL_DELETE_PARTITION 0x0043
#define HVCALL_MAP_GPA_PAGES    0x004B /* rep */
#define HVCALL_UNMAP_GPA_PAGES  0x004C /* rep */

#define HV_PAGE_SIZE 4096
/* Largest guest-physical address a child may have: 1 TiB. */
#define HV_CHILD_GPA_LIMIT      (1ULL << 40)
#define HV_MAX_CHILD_PARTITIONS 64
#define HV_MAX_CHILD_VPS        64

/* HVCALL_CREATE_PARTITION (ours).  No flags are defined yet: must be 0. */
struct hv_input_create_partition {
    uint64_t flags;
    uint32_t max_vps;  /* 1 .. HV_MAX_CHILD_VPS */
    uint32_t reserved; /* must be 0 */
};
struct hv_output_create_partition {
    uint64_t partition_id;
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

#endif
