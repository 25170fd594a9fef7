/* SPDX-License-Identifier: GPL-2.0-only */
/* The hypervisor's console: every line is prefixed "hv: " on the serial port. */
#ifndef HV_CONSOLE_H
#define HV_CONSOLE_H

#include <stdbool.h>

void console_init(bool enabled);
void printk(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
