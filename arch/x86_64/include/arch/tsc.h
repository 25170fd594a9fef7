/* SPDX-License-Identifier: GPL-2.0-only */
/* Time from the TSC, calibrated once against the PIT. */
#ifndef ARCH_TSC_H
#define ARCH_TSC_H

#include <stdint.h>

static inline uint64_t rdtsc(void)
{
    uint32_t lo, hi;

    __asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
    return ((uint64_t)hi << 32) | lo;
}

/* Measure the TSC against PIT channel 2; returns the frequency in kHz. */
uint64_t tsc_calibrate(void);
uint64_t tsc_khz(void);
void udelay(uint64_t us);

#endif
