/* SPDX-License-Identifier: GPL-2.0-only */
/* The TLFS hypercall control word (see hv/include/hv/hypercall.h). */
#include <hv/abi.h>
#include <hv/hypercall.h>

uint16_t hypercall_decode(uint64_t control, struct hypercall *hc)
{
    hc->code = (uint16_t)(control & HV_HYPERCALL_CODE_MASK);
    hc->fast = (control & HV_HYPERCALL_FAST) != 0;
    hc->varhead_qwords =
        (uint16_t)((control & HV_HYPERCALL_VARHEAD_MASK) >> HV_HYPERCALL_VARHEAD_SHIFT);
    hc->rep_count = (uint16_t)((control >> HV_HYPERCALL_REP_COUNT_SHIFT) & HV_HYPERCALL_REP_MASK);
    hc->rep_start = (uint16_t)((control >> HV_HYPERCALL_REP_START_SHIFT) & HV_HYPERCALL_REP_MASK);
    /* Reserved bits must be zero: a caller setting them speaks another
     * version of the interface, and guessing what it meant is worse. */
    if (control & HV_HYPERCALL_RESERVED_MASK)
        return HV_STATUS_INVALID_HYPERCALL_INPUT;
    if (hc->rep_start > hc->rep_count)
        return HV_STATUS_INVALID_HYPERCALL_INPUT;
    return HV_STATUS_SUCCESS;
}
