/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * "hvctl kvp": the guest's key-value pairs (Hyper-V's data exchange
 * service), printed one per line as
 *   POOL KEY VALUE
 * where POOL ("auto", "guest") and KEY are one word each and VALUE is the
 * rest of the line.  What the guest wrote cannot break the lines or reach
 * the terminal as control codes: a backslash is "\\", tab, newline and
 * carriage return are "\t", "\n" and "\r", other control characters (C1
 * included), DEL and bytes that are not UTF-8 are "\xHH", and in POOL and
 * KEY a space is "\x20"; an empty POOL or KEY is "".  Other UTF-8 is printed
 * as it is.
 *
 * "hvctl kvp NAME --set KEY=VALUE": the pair's checks, and the kvp-set
 * request that carries it (control.h).
 */
#ifndef HVCTL_KVP_FORMAT_H
#define HVCTL_KVP_FORMAT_H

#include <stddef.h>
#include <stdio.h>

#include "control.h"

/* Hyper-V's limits: UTF-16 code units as on the VMBus wire (512 and 2048
 * bytes with the NUL), and UTF-8 bytes (the guest's daemon converts into
 * buffers of those sizes). */
#define KVP_KEY_MAX        255
#define KVP_VALUE_MAX      1023
#define KVP_KEY_UTF8_MAX   511
#define KVP_VALUE_UTF8_MAX 2047
/* "kvp-set " and the longest pair, every byte percent-encoded. */
#define KVP_REQUEST_MAX 8192

/* The UTF-16 code units of the UTF-8 text @s (@len bytes), or -1 if it is
 * not UTF-8 (overlong forms, surrogates, past U+10FFFF, NUL included). */
long kvp_utf16_units(const char *s, size_t len);

/*
 * Checks @arg, the KEY=VALUE of --set (the first '=' ends KEY), and writes
 * the kvp-set request for it into @request (KVP_REQUEST_MAX bytes).  0, or
 * -1 with the reason in @err: no '=', an empty key, text that is not
 * UTF-8, a key or value over Hyper-V's limits.
 */
int kvp_set_request(const char *arg, char *request, size_t request_size, char *err,
                    size_t err_size);

/* @s as one field of a line (see above); @word: spaces escaped too. */
void kvp_print_escaped(FILE *out, const char *s, int word);

/* The pairs, one line each; 0, or -1 if writing failed. */
int kvp_print_pairs(FILE *out, const struct kvp_pair *pairs, size_t n);

#endif
