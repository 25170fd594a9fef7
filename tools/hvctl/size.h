/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Sizes as people write them: a whole number of bytes with an optional
 * binary suffix K, M, G or T (upper or lower case: 1K = 1024 bytes).
 */
#ifndef HVCTL_SIZE_H
#define HVCTL_SIZE_H

#include <stddef.h>
#include <stdint.h>

#define KiB (1ULL << 10)
#define MiB (1ULL << 20)
#define GiB (1ULL << 30)
#define TiB (1ULL << 40)

#define SIZE_TEXT_MAX 32 /* enough for any formatted size */

/*
 * Parses @text ("512M", "2g", "1073741824").  Returns 0 and the size in
 * @bytes, or -1 with the reason in @why ("is not a whole number...").
 */
int size_parse(const char *text, uint64_t *bytes, char *why, size_t why_size);

/*
 * The exact size with the largest suffix that divides it: 536870912 ->
 * "512M", 1610612736 -> "1536M", 1000 -> "1000".  size_parse() reads it
 * back to the same number.
 */
void size_format_exact(uint64_t bytes, char *buf, size_t buf_size);

/* An approximation for messages: 8234567890 -> "7.7G", 2147483648 -> "2G". */
void size_format_approx(uint64_t bytes, char *buf, size_t buf_size);

#endif
