/* SPDX-License-Identifier: GPL-2.0-only */
/* Child partitions' VPs with AMD-V: their VMCBs, registers and run loop. */
#ifndef ARCH_SVM_CHILD_H
#define ARCH_SVM_CHILD_H

#include <stdint.h>

#include <hv/abi.h>
#include <hv/child_vp.h>
#include <hv/page_alloc.h>

/* The intercept maps every child shares (all I/O ports, all MSRs but the
 * ones the VMCB switches).  Once, at boot; 0 or -1. */
int svm_child_init(struct page_pool *pool);

/* A VMCB for a child VP with the child intercepts; 0 or -1. */
int svm_child_vp_init(struct child_vp *cvp, struct page_pool *pool);

/* The architectural state after INIT, at the STARTUP vector. */
void svm_child_vp_startup(struct child_vp *cvp, uint8_t vector);

/* Register access by TLFS name (HV_STATUS_INVALID_PARAMETER for a name we
 * do not know or a value the CPU would refuse). */
uint16_t svm_child_get_reg(struct child_vp *cvp, uint32_t name, union hv_register_value *out);
uint16_t svm_child_set_reg(struct child_vp *cvp, uint32_t name, const union hv_register_value *in);

/* What a child's hypercall page holds before its RET: VMMCALL. */
extern const uint8_t svm_child_hypercall_insn[3];

/* The dispatch loop (see child_vp_dispatch). */
void svm_child_dispatch(struct child_vp *cvp, uint64_t timer_armed, struct hv_message *msg);

#endif
