/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * printf-style formatting into a buffer, for the freestanding builds.
 * Supports %% %c %s %d %i %u %x %X %p with the flags '-' '0', a width (number
 * or *), a precision for %s (number or *) and the length modifiers hh h l ll z.
 * Always NUL-terminates when size > 0; returns the length the full output
 * would have had (as C99 does), so truncation is detectable.
 * In the freestanding builds vsnprintf/snprintf are these functions.
 */
#ifndef HV_FORMAT_H
#define HV_FORMAT_H

#include <stdarg.h>
#include <stddef.h>

int fmt_vsnprintf(char *buf, size_t size, const char *fmt, va_list ap)
    __attribute__((format(printf, 3, 0)));
int fmt_snprintf(char *buf, size_t size, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

#endif
