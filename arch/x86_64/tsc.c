/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * TSC calibration against PIT channel 2 (the speaker timer, gated through
 * port 0x61): the one reference every PC and every emulator has, and that
 * needs no interrupts.
 */
#include <arch/cpu.h>
#include <arch/tsc.h>

#define PIT_HZ  1193182u
#define PIT_CH2 0x42
#define PIT_CMD 0x43
#define PORT_B  0x61
#define CAL_MS  10u

static uint64_t khz;

uint64_t tsc_calibrate(void)
{
    const uint16_t count = (uint16_t)(PIT_HZ * CAL_MS / 1000);
    uint8_t b = inb(PORT_B);
    uint64_t start, end;

    outb(PORT_B, (uint8_t)((b & ~0x02) | 0x01)); /* gate on, speaker off */
    outb(PIT_CMD, 0xB0);                         /* ch2, lo/hi, mode 0 */
    outb(PIT_CH2, (uint8_t)count);
    outb(PIT_CH2, (uint8_t)(count >> 8));
    start = rdtsc();
    /* OUT2 (bit 5 of port B) goes high when the count reaches zero. */
    for (uint64_t spins = 0; !(inb(PORT_B) & 0x20) && spins < 100000000; spins++)
        ;
    end = rdtsc();
    outb(PORT_B, b);
    khz = (end - start) / CAL_MS;
    if (!khz)
        khz = 1000000; /* no PIT: assume 1 GHz rather than divide by zero */
    return khz;
}

uint64_t tsc_khz(void)
{
    return khz;
}

void udelay(uint64_t us)
{
    uint64_t end = rdtsc() + us * khz / 1000;

    while (rdtsc() < end)
        __asm__ volatile("pause");
}
