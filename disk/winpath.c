// SPDX-License-Identifier: GPL-2.0-only
/*
 * Windows-style relative parent paths and strict UTF-8 <-> UTF-16
 * conversion for the VHD and VHDX drivers (see winpath.h).
 */
#define _GNU_SOURCE
#include "winpath.h"

#include <errno.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int winpath_relative(const char *from_dir, const char *to, char *out, size_t cap)
{
    size_t i = 0, common = 0, n = 0;

    while (from_dir[i] && from_dir[i] == to[i]) {
        if (from_dir[i] == '/')
            common = i;
        i++;
    }
    if (from_dir[i] == '\0' && to[i] == '/')
        common = i;
    if (strcmp(from_dir, "/") == 0)
        common = 0;
    if (cap == 0)
        return -ENAMETOOLONG;
    out[0] = '\0';
    /* One ".." for each component of @from_dir below the common directory. */
    for (const char *p = from_dir + common; *p; p++) {
        if (*p == '/' && p[1] && p[1] != '/')
            n += (size_t)snprintf(out + n, n < cap ? cap - n : 0, "..\\");
    }
    if (n == 0)
        n += (size_t)snprintf(out, cap, ".\\");
    for (const char *p = to + common + 1; *p && n < cap; p++)
        out[n++] = *p == '/' ? '\\' : *p;
    if (n >= cap)
        return -ENAMETOOLONG;
    out[n] = '\0';
    return 0;
}

int winpath_parent_relative(const char *child, const char *parent, char *out, size_t cap)
{
    char *child_abs = realpath(child, NULL), *parent_abs = realpath(parent, NULL);
    int r;

    if (!child_abs || !parent_abs)
        r = errno ? -errno : -ENOENT;
    else
        r = winpath_relative(dirname(child_abs), parent_abs, out, cap);
    free(child_abs);
    free(parent_abs);
    return r;
}

static void put_unit(uint8_t *p, uint16_t u, bool big_endian)
{
    p[big_endian ? 0 : 1] = (uint8_t)(u >> 8);
    p[big_endian ? 1 : 0] = (uint8_t)u;
}

static uint16_t get_unit(const uint8_t *p, bool big_endian)
{
    return big_endian ? (uint16_t)(p[0] << 8 | p[1]) : (uint16_t)(p[1] << 8 | p[0]);
}

int winpath_utf8_to_utf16(const char *in, uint8_t *out, size_t cap, bool big_endian)
{
    static const uint32_t min_cp[4] = {0, 0x80, 0x800, 0x10000};
    const uint8_t *s = (const uint8_t *)in;
    size_t n = 0;

    while (*s) {
        uint32_t cp;
        int extra;

        if (s[0] < 0x80) {
            cp = s[0];
            extra = 0;
        } else if ((s[0] & 0xe0) == 0xc0) {
            cp = s[0] & 0x1f;
            extra = 1;
        } else if ((s[0] & 0xf0) == 0xe0) {
            cp = s[0] & 0x0f;
            extra = 2;
        } else if ((s[0] & 0xf8) == 0xf0) {
            cp = s[0] & 0x07;
            extra = 3;
        } else {
            return -EILSEQ;
        }
        /* A NUL ends the string, and it is not a continuation byte. */
        for (int i = 1; i <= extra; i++) {
            if ((s[i] & 0xc0) != 0x80)
                return -EILSEQ;
            cp = cp << 6 | (s[i] & 0x3f);
        }
        if (cp < min_cp[extra] || cp > 0x10ffff || (cp >= 0xd800 && cp < 0xe000))
            return -EILSEQ; /* overlong, out of range or a surrogate */
        s += 1 + extra;
        if (cp >= 0x10000) {
            if (n + 4 > cap)
                return -ENAMETOOLONG;
            cp -= 0x10000;
            put_unit(out + n, (uint16_t)(0xd800 | cp >> 10), big_endian);
            put_unit(out + n + 2, (uint16_t)(0xdc00 | (cp & 0x3ff)), big_endian);
            n += 4;
        } else {
            if (n + 2 > cap)
                return -ENAMETOOLONG;
            put_unit(out + n, (uint16_t)cp, big_endian);
            n += 2;
        }
    }
    return (int)n;
}

/*
 * The conversion behind both decoders: NUL units end the string when
 * @nul_ends, else they are malformed.  The UTF-8 length, or -errno.
 */
static int utf16_decode(const uint8_t *in, size_t len, bool big_endian, bool nul_ends, char *out,
                        size_t cap)
{
    size_t n = 0;

    if (cap == 0)
        return -ENAMETOOLONG;
    for (size_t i = 0; i + 1 < len; i += 2) {
        uint32_t cp = get_unit(in + i, big_endian);
        uint8_t enc[4];
        size_t k;

        if (cp == 0) {
            if (nul_ends)
                break;
            return -EILSEQ;
        }
        if (cp >= 0xd800 && cp < 0xdc00) {
            uint32_t lo;

            if (i + 3 >= len)
                return -EILSEQ;
            lo = get_unit(in + i + 2, big_endian);
            if (lo < 0xdc00 || lo >= 0xe000)
                return -EILSEQ;
            cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
            i += 2;
        } else if (cp >= 0xdc00 && cp < 0xe000) {
            return -EILSEQ;
        }
        if (cp < 0x80) {
            enc[0] = (uint8_t)cp;
            k = 1;
        } else if (cp < 0x800) {
            enc[0] = (uint8_t)(0xc0 | cp >> 6);
            enc[1] = (uint8_t)(0x80 | (cp & 0x3f));
            k = 2;
        } else if (cp < 0x10000) {
            enc[0] = (uint8_t)(0xe0 | cp >> 12);
            enc[1] = (uint8_t)(0x80 | ((cp >> 6) & 0x3f));
            enc[2] = (uint8_t)(0x80 | (cp & 0x3f));
            k = 3;
        } else {
            enc[0] = (uint8_t)(0xf0 | cp >> 18);
            enc[1] = (uint8_t)(0x80 | ((cp >> 12) & 0x3f));
            enc[2] = (uint8_t)(0x80 | ((cp >> 6) & 0x3f));
            enc[3] = (uint8_t)(0x80 | (cp & 0x3f));
            k = 4;
        }
        if (n + k + 1 > cap)
            return -ENAMETOOLONG;
        memcpy(out + n, enc, k);
        n += k;
    }
    out[n] = '\0';
    return (int)n;
}

int winpath_utf16_to_utf8(const uint8_t *in, size_t len, bool big_endian, char *out, size_t cap)
{
    return utf16_decode(in, len, big_endian, true, out, cap);
}

char *winpath_utf16_to_utf8_dup(const uint8_t *in, size_t len, bool big_endian)
{
    /* At most 3 UTF-8 bytes per unit (a surrogate pair: 4 for 2 units). */
    size_t cap = len / 2 * 3 + 1;
    char *s;
    int r;

    if (len % 2) {
        errno = EILSEQ;
        return NULL;
    }
    s = malloc(cap);
    if (!s) {
        errno = ENOMEM;
        return NULL;
    }
    r = utf16_decode(in, len, big_endian, false, s, cap);
    if (r < 0) {
        free(s);
        errno = -r;
        return NULL;
    }
    return s;
}
