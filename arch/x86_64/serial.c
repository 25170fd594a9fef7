/* SPDX-License-Identifier: GPL-2.0-only */
/* COM1 (I/O port 0x3F8), polled.  The hypervisor never takes its interrupt. */
#include <arch/cpu.h>
#include <arch/serial.h>

#define COM1          0x3F8
#define REG_DATA      0
#define REG_IER       1
#define REG_FCR       2
#define REG_LCR       3
#define REG_MCR       4
#define REG_LSR       5
#define REG_SCRATCH   7
#define LSR_THR_EMPTY 0x20
#define SPIN_LIMIT    100000

static bool present;

bool serial_init(void)
{
    /* A UART keeps what is written to its scratch register; an empty port
     * reads back 0xFF whatever we write. */
    outb(COM1 + REG_SCRATCH, 0x5A);
    if (inb(COM1 + REG_SCRATCH) != 0x5A)
        return present = false;
    outb(COM1 + REG_IER, 0x00);
    outb(COM1 + REG_LCR, 0x80); /* divisor latch */
    outb(COM1 + REG_DATA, 1);   /* 115200 baud */
    outb(COM1 + REG_IER, 0);
    outb(COM1 + REG_LCR, 0x03); /* 8N1 */
    outb(COM1 + REG_FCR, 0xC7); /* FIFOs on, cleared */
    outb(COM1 + REG_MCR, 0x03); /* DTR, RTS */
    return present = true;
}

void serial_putc(char c)
{
    if (!present)
        return;
    /* Bounded: a wedged UART must not hang the hypervisor. */
    for (int i = 0; i < SPIN_LIMIT && !(inb(COM1 + REG_LSR) & LSR_THR_EMPTY); i++)
        __asm__ volatile("pause");
    outb(COM1 + REG_DATA, (uint8_t)c);
}
