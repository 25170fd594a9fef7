/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The percent-encoding of the control protocol between hvctl and the worker
 * (tools/hvctl/control.c, tools/vmwp/control.c), in one place.  Pure
 * functions, no allocation.
 *
 * A byte from '!' to '~' other than '%', ':' and '=' stands for itself;
 * every other byte is "%XX" (uppercase hex when encoding; either case
 * accepted when decoding).  A decoder refuses a malformed escape, an encoded
 * NUL ("%00": the decoded text is a C string) and a byte that should have
 * come encoded (a space, a control byte, '%' alone, ':', '=', bytes from
 * 0x7f up), so the separators of the protocol are never ambiguous.
 */
#ifndef TOOLS_LIB_PERCENT_H
#define TOOLS_LIB_PERCENT_H

#include <stdbool.h>
#include <stddef.h>

/* Whether @c goes as it is (true) or as "%XX" (false). */
bool percent_plain_byte(unsigned char c);

/* Encodes @len bytes of @in (any bytes, NUL included) into @out,
 * NUL-terminated: the length written, or -1 (and @out unspecified) if it
 * does not fit in @out_size. */
long percent_encode(const char *in, size_t len, char *out, size_t out_size);

/* Decodes @len bytes of @in into @out, NUL-terminated: the length written;
 * -1 for a malformed escape, %00 or a byte that should have been encoded;
 * -2 if it does not fit in @out_size.  @out may be @in (decoding never
 * writes ahead of what it reads). */
long percent_decode(const char *in, size_t len, char *out, size_t out_size);

/* Decodes @text[0..@len) in place and writes a NUL after the result, maybe
 * at @text[@len] (which must be writable): the decoded length, or -1 as
 * percent_decode(). */
long percent_decode_in_place(char *text, size_t len);

#endif /* TOOLS_LIB_PERCENT_H */
