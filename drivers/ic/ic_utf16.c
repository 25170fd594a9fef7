// SPDX-License-Identifier: GPL-2.0-only
/*
 * UTF-8 <-> UTF-16LE for KVP keys and values.  Written out rather than taken
 * from iconv so that the rules are ours and strict: no overlong forms, no
 * encoded surrogates, nothing above U+10FFFF, no unpaired surrogates in
 * UTF-16, and an odd UTF-16 byte count is an error (a guest could otherwise
 * smuggle half a unit).
 */
#include <string.h>

#include "ic_internal.h"

/* Decode one code point at @s; the number of bytes, or -1. */
static int utf8_next(const unsigned char *s, uint32_t *cp)
{
    unsigned char c = s[0];
    uint32_t v, min;
    int n;

    if (c < 0x80) {
        *cp = c;
        return 1;
    }
    if (c >= 0xc2 && c <= 0xdf) {
        n = 2;
        v = c & 0x1f;
        min = 0x80;
    } else if (c >= 0xe0 && c <= 0xef) {
        n = 3;
        v = c & 0x0f;
        min = 0x800;
    } else if (c >= 0xf0 && c <= 0xf4) {
        n = 4;
        v = c & 0x07;
        min = 0x10000;
    } else {
        return -1; /* continuation byte, C0/C1 (always overlong), F5..FF */
    }
    for (int i = 1; i < n; i++) {
        /* A NUL here fails the test, so the read never passes the end. */
        if ((s[i] & 0xc0) != 0x80)
            return -1;
        v = (v << 6) | (s[i] & 0x3f);
    }
    if (v < min || v > 0x10ffff || (v >= 0xd800 && v <= 0xdfff))
        return -1;
    *cp = v;
    return n;
}

long ic_utf8_check(const char *s)
{
    const unsigned char *p = (const unsigned char *)s;
    long len = 0;

    while (p[len]) {
        uint32_t cp;
        int n = utf8_next(p + len, &cp);

        if (n < 0)
            return -1;
        len += n;
    }
    return len;
}

static bool put16(uint8_t *out, size_t cap, size_t *at, uint32_t unit)
{
    if (cap - *at < 2)
        return false;
    out[(*at)++] = (uint8_t)unit;
    out[(*at)++] = (uint8_t)(unit >> 8);
    return true;
}

int ic_utf8_to_utf16le(const char *s, uint8_t *out, size_t cap)
{
    const unsigned char *p = (const unsigned char *)s;
    size_t at = 0;

    while (*p) {
        uint32_t cp;
        int n = utf8_next(p, &cp);

        if (n < 0)
            return -1;
        p += n;
        if (cp >= 0x10000) {
            cp -= 0x10000;
            if (!put16(out, cap, &at, 0xd800 | (cp >> 10)) ||
                !put16(out, cap, &at, 0xdc00 | (cp & 0x3ff)))
                return -1;
        } else if (!put16(out, cap, &at, cp)) {
            return -1;
        }
    }
    if (!put16(out, cap, &at, 0))
        return -1;
    return (int)at;
}

static bool put8(char *out, size_t cap, size_t *at, const uint8_t *b, size_t n)
{
    if (cap - *at < n + 1) /* keep room for the NUL */
        return false;
    memcpy(out + *at, b, n);
    *at += n;
    return true;
}

int ic_utf16le_to_utf8(const uint8_t *in, size_t in_bytes, char *out, size_t cap)
{
    size_t units = in_bytes / 2, at = 0;

    if ((in_bytes & 1) || cap == 0)
        return -1;
    for (size_t i = 0; i < units; i++) {
        uint32_t cp = in[2 * i] | (uint32_t)in[2 * i + 1] << 8;
        uint8_t b[4];
        size_t n;

        if (cp == 0)
            break;
        if (cp >= 0xdc00 && cp <= 0xdfff)
            return -1; /* low surrogate first */
        if (cp >= 0xd800 && cp <= 0xdbff) {
            uint32_t lo;

            if (i + 1 >= units)
                return -1;
            lo = in[2 * i + 2] | (uint32_t)in[2 * i + 3] << 8;
            if (lo < 0xdc00 || lo > 0xdfff)
                return -1;
            cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
            i++;
        }
        if (cp < 0x80) {
            b[0] = (uint8_t)cp;
            n = 1;
        } else if (cp < 0x800) {
            b[0] = (uint8_t)(0xc0 | cp >> 6);
            b[1] = (uint8_t)(0x80 | (cp & 0x3f));
            n = 2;
        } else if (cp < 0x10000) {
            b[0] = (uint8_t)(0xe0 | cp >> 12);
            b[1] = (uint8_t)(0x80 | ((cp >> 6) & 0x3f));
            b[2] = (uint8_t)(0x80 | (cp & 0x3f));
            n = 3;
        } else {
            b[0] = (uint8_t)(0xf0 | cp >> 18);
            b[1] = (uint8_t)(0x80 | ((cp >> 12) & 0x3f));
            b[2] = (uint8_t)(0x80 | ((cp >> 6) & 0x3f));
            b[3] = (uint8_t)(0x80 | (cp & 0x3f));
            n = 4;
        }
        if (!put8(out, cap, &at, b, n))
            return -1;
    }
    out[at] = '\0';
    return (int)at;
}
