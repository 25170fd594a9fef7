/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * a * b / c with a 128-bit intermediate, for clock conversions (TSC cycles,
 * APIC timer cycles, 100 ns reference time).  Written out as shifts and
 * 64-bit divisions because the freestanding hypervisor has no 128-bit
 * division helper (libgcc's __udivti3).  Pure.
 */
#ifndef HV_MULDIV_H
#define HV_MULDIV_H

#include <stdbool.h>
#include <stdint.h>

/* UINT64_MAX when the quotient does not fit in 64 bits. */
static inline uint64_t muldiv64(uint64_t a, uint64_t b, uint64_t c, bool round_up)
{
    unsigned __int128 p = (unsigned __int128)a * b;
    uint64_t hi = (uint64_t)(p >> 64), lo = (uint64_t)p, q, r;

    if (hi >= c)
        return UINT64_MAX;
    if (!hi) {
        q = lo / c;
        r = lo % c;
    } else {
        for (int i = 0; i < 64; i++) {
            uint64_t top = hi >> 63;

            hi = hi << 1 | lo >> 63;
            lo <<= 1;
            if (top || hi >= c) {
                hi -= c;
                lo |= 1;
            }
        }
        q = lo;
        r = hi;
    }
    if (round_up && r && q != UINT64_MAX)
        q++;
    return q;
}

/* (a * b) >> 64: a fixed-point multiply by a 0.64 fraction. */
static inline uint64_t mulhi64(uint64_t a, uint64_t b)
{
    return (uint64_t)(((unsigned __int128)a * b) >> 64);
}

#endif
