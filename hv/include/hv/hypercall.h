/* SPDX-License-Identifier: GPL-2.0-only */
/* Decoding the TLFS hypercall control word (see hv/include/hv/abi.h).  Pure. */
#ifndef HV_HYPERCALL_H
#define HV_HYPERCALL_H

#include <stdbool.h>
#include <stdint.h>

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

#endif
