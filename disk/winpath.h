/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Windows-style parent paths and the UTF-16 they are stored in, shared by
 * the VHD and VHDX drivers: a differencing image names its parent by an
 * absolute path and by a path relative to the child's directory, both as
 * Windows writes them (backslashes, ".\\" or "..\\" in front of relative
 * ones), in UTF-16 (little-endian in the VHD locators and VHDX metadata,
 * big-endian in the VHD header's parent name).
 *
 * The converters are strict: they refuse malformed UTF-8 (bad or missing
 * continuation bytes, overlong forms, surrogate code points, values past
 * U+10FFFF) and UTF-16 with unpaired surrogates, so what an image holds is
 * either converted exactly or refused, never silently altered.
 */
#ifndef DISK_WINPATH_H
#define DISK_WINPATH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/*
 * The path of @to relative to the directory @from_dir, Windows style:
 * ".\\name", ".\\dir\\name" or "..\\..\\dir\\name".  Both must be absolute
 * and canonical (as realpath() gives them; no "." or ".." components).
 * Writes a NUL-terminated string to @out of @cap bytes.  0, or
 * -ENAMETOOLONG if it does not fit.
 */
int winpath_relative(const char *from_dir, const char *to, char *out, size_t cap);

/*
 * The same for a differencing image: the path of @parent relative to the
 * directory holding @child, both resolved with realpath() first (so both
 * files must exist).  0, -errno of realpath() or -ENAMETOOLONG.
 */
int winpath_parent_relative(const char *child, const char *parent, char *out, size_t cap);

/*
 * NUL-terminated UTF-8 @in to UTF-16 (@big_endian, else little-endian) in
 * @out of @cap bytes, without a terminating NUL unit.  The bytes written
 * (even, >= 0), -EILSEQ if @in is not valid UTF-8, -ENAMETOOLONG if the
 * result does not fit in @cap.
 */
int winpath_utf8_to_utf16(const char *in, uint8_t *out, size_t cap, bool big_endian);

/*
 * UTF-16 (@big_endian, else little-endian) of @len bytes to NUL-terminated
 * UTF-8 in @out of @cap bytes.  Stops at the first NUL unit (fixed-size
 * fields are NUL-padded); an odd last byte is ignored.  The length of the
 * string written, -EILSEQ on an unpaired surrogate, -ENAMETOOLONG if it
 * does not fit in @cap (terminator included).
 */
int winpath_utf16_to_utf8(const uint8_t *in, size_t len, bool big_endian, char *out, size_t cap);

/*
 * The whole of UTF-16 @in of @len bytes as a new NUL-terminated UTF-8
 * string (free() it), for counted strings such as VHDX locator entries:
 * an odd @len, a NUL unit or an unpaired surrogate is malformed.  NULL if
 * malformed (errno EILSEQ) or out of memory (errno ENOMEM).
 */
char *winpath_utf16_to_utf8_dup(const uint8_t *in, size_t len, bool big_endian);

#endif /* DISK_WINPATH_H */
