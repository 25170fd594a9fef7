/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * What the vendor-neutral exit handlers (hv/) may do to a VP, implemented by
 * the SVM backend (and later VMX): registers, instruction fetch and skip,
 * exception injection.
 */
#ifndef ARCH_VCPU_H
#define ARCH_VCPU_H

#include <stdbool.h>
#include <stdint.h>

#include <arch/insn.h>

struct vp;

/* General registers by x86 encoding number: 0 RAX, 1 RCX, ... 15 R15. */
uint64_t vcpu_gpr(struct vp *vp, unsigned reg);
void vcpu_set_gpr(struct vp *vp, unsigned reg, uint64_t value);

/* Decode the instruction at the VP's RIP.  0, or -1 if it cannot be read or
 * decoded. */
int vcpu_fetch_insn(struct vp *vp, struct insn *insn);

/* Step over the instruction that exited, @len bytes long. */
void vcpu_skip(struct vp *vp, unsigned len);

/* Deliver #GP(0) / #UD on the next entry. */
void vcpu_inject_gp(struct vp *vp);
void vcpu_inject_ud(struct vp *vp);

#endif
