/* SPDX-License-Identifier: GPL-2.0-only */
/* Decoding the TLFS hypercall control word (see hv/include/hv/abi.h).  Pure. */
#ifndef HV_HYPERCALL_H
#define HV_HYPERCALL_H

#include <stdbool.h>
#include <stdint.h>

#include <hv/abi.h>

struct hypercall {
    uint16_t code;
    bool fast;
    uint16_t varhead_qwords;
    uint16_t rep_count;
    uint16_t rep_start;
};

/* Split @control into @hc.  HV_STATUS_SUCCESS, or HV_STATUS_INVALID_HYPERCALL_INPUT
 * when a reserved bit is set or the rep start is beyond the rep count. */
uint16_t hypercall_decode(uint64_t control, struct hypercall *hc);

/* Whether @code is a rep call: as many elements follow its header as the
 * rep count says. */
static inline bool hypercall_is_rep(uint16_t code)
{
    return code == HVCALL_MAP_GPA_PAGES || code == HVCALL_UNMAP_GPA_PAGES ||
           code == HVCALL_GET_VP_REGISTERS || code == HVCALL_SET_VP_REGISTERS;
}

/* The forms no call has (yet): fast, a variable header, or a rep count on a
 * simple call, which is a malformed call.  HV_STATUS_SUCCESS, or
 * HV_STATUS_INVALID_HYPERCALL_INPUT. */
static inline uint16_t hypercall_check_form(const struct hypercall *hc)
{
    if (hc->fast || hc->varhead_qwords ||
        (!hypercall_is_rep(hc->code) && (hc->rep_count || hc->rep_start)))
        return HV_STATUS_INVALID_HYPERCALL_INPUT;
    return HV_STATUS_SUCCESS;
}

#endif
