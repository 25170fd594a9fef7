/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Hypercalls made by a child partition (TLFS calling convention, the
 * registers already taken from the VP: control, input and output).  A
 * child may post messages and signal events to connections its worker
 * serves; both go to the parent, the form and the input's place in guest RAM
 * checked here.  Every other call code is HV_STATUS_INVALID_HYPERCALL_CODE.
 * Pure logic over struct guest_mem.
 */
#ifndef HV_CHILD_HYPERCALL_H
#define HV_CHILD_HYPERCALL_H

#include <stdbool.h>
#include <stdint.h>

#include <hv/abi.h>
#include <hv/enlighten.h>

/* Connection ids are 24 bits (TLFS HV_CONNECTION_ID). */
#define HV_CONNECTION_ID_MASK 0xFFFFFFu

/*
 * Decode and check one call.  Returns true if the parent must serve it:
 * @fwd's call fields (call_code .. payload_gpa) are filled, the header is
 * the caller's to fill.  Returns false with *status the call's result when
 * it is refused here.
 */
bool child_hypercall(uint64_t control, uint64_t input, const struct guest_mem *mem,
                     uint16_t *status, struct hv_x64_hypercall_intercept_message *fwd);

#endif
