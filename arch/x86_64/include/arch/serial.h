/* SPDX-License-Identifier: GPL-2.0-only */
/* The 16550 UART at COM1, the hypervisor's console. */
#ifndef ARCH_SERIAL_H
#define ARCH_SERIAL_H

#include <stdbool.h>

/* Program 115200 8N1.  Returns false if no UART answers at the port. */
bool serial_init(void);
void serial_putc(char c);

#endif
