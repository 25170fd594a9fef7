/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * One hex digit's value, for the parsers in tools/lib (MAC addresses,
 * percent-escapes).
 */
#ifndef TOOLS_LIB_HEX_DIGIT_H
#define TOOLS_LIB_HEX_DIGIT_H

/* 0..15, or -1 if @c is not a hex digit. */
static inline int hex_digit(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

#endif
