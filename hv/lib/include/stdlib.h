/* SPDX-License-Identifier: GPL-2.0-only */
/* Only what libfdt's headers expect to find. */
#ifndef HVLIB_STDLIB_H
#define HVLIB_STDLIB_H

#include <stddef.h>

unsigned long strtoul(const char *s, char **end, int base);

#endif
