// SPDX-License-Identifier: GPL-2.0-only
/* The lines of "hvctl kvp" and the checks of --set (see kvp_format.h). */
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "kvp_format.h"

/* The length of the UTF-8 sequence at @p (at most @left bytes) and its code
 * point, or 0 if no valid sequence starts there. */
static size_t utf8_sequence(const unsigned char *p, size_t left, uint32_t *cp)
{
    size_t n;
    uint32_t v;

    if (p[0] < 0x80) {
        *cp = p[0];
        return 1;
    }
    if (p[0] >= 0xc2 && p[0] <= 0xdf) {
        n = 2;
        v = p[0] & 0x1f;
    } else if (p[0] >= 0xe0 && p[0] <= 0xef) {
        n = 3;
        v = p[0] & 0x0f;
    } else if (p[0] >= 0xf0 && p[0] <= 0xf4) {
        n = 4;
        v = p[0] & 0x07;
    } else {
        return 0;
    }
    if (left < n)
        return 0;
    for (size_t k = 1; k < n; k++) {
        if ((p[k] & 0xc0) != 0x80)
            return 0;
        v = v << 6 | (p[k] & 0x3f);
    }
    if ((n == 3 && v < 0x800) || (n == 4 && v < 0x10000) || v > 0x10ffff ||
        (v >= 0xd800 && v <= 0xdfff))
        return 0;
    *cp = v;
    return n;
}

long kvp_utf16_units(const char *s, size_t len)
{
    const unsigned char *p = (const unsigned char *)s;
    long units = 0;

    for (size_t i = 0; i < len;) {
        uint32_t cp;
        size_t n = utf8_sequence(p + i, len - i, &cp);

        if (n == 0 || cp == 0)
            return -1;
        units += cp >= 0x10000 ? 2 : 1;
        i += n;
    }
    return units;
}

/* Is @text (@len bytes) within @units UTF-16 code units and @bytes bytes? */
static int check_text(const char *what, const char *text, size_t len, long units, size_t bytes,
                      char *err, size_t err_size)
{
    long n = kvp_utf16_units(text, len);

    if (n < 0) {
        snprintf(err, err_size, "--set: the %s is not valid UTF-8", what);
        return -1;
    }
    if (n > units) {
        snprintf(err, err_size, "--set: the %s is longer than %ld characters", what, units);
        return -1;
    }
    if (len > bytes) {
        snprintf(err, err_size, "--set: the %s is longer than %zu bytes in UTF-8", what, bytes);
        return -1;
    }
    return 0;
}

int kvp_set_request(const char *arg, char *request, size_t request_size, char *err, size_t err_size)
{
    const char *eq = strchr(arg, '='), *value;
    size_t key_len, value_len, used;
    long n;

    if (eq == NULL) {
        snprintf(err, err_size, "--set %.80s: not KEY=VALUE", arg);
        return -1;
    }
    key_len = (size_t)(eq - arg);
    value = eq + 1;
    value_len = strlen(value);
    if (key_len == 0) {
        snprintf(err, err_size, "--set: the key is empty (KEY=VALUE)");
        return -1;
    }
    if (check_text("key", arg, key_len, KVP_KEY_MAX, KVP_KEY_UTF8_MAX, err, err_size) != 0)
        return -1;
    if (check_text("value", value, value_len, KVP_VALUE_MAX, KVP_VALUE_UTF8_MAX, err, err_size))
        return -1;
    /* "kvp-set KEY=VALUE", both encoded; KVP_REQUEST_MAX holds the longest. */
    used = (size_t)snprintf(request, request_size, "kvp-set ");
    if (used >= request_size)
        goto too_long;
    n = control_percent_encode(arg, key_len, request + used, request_size - used);
    if (n < 0 || used + (size_t)n + 1 >= request_size)
        goto too_long;
    used += (size_t)n;
    request[used++] = '=';
    if (control_percent_encode(value, value_len, request + used, request_size - used) < 0)
        goto too_long;
    return 0;

too_long:
    snprintf(err, err_size, "--set: the pair is too long for a request");
    return -1;
}

void kvp_print_escaped(FILE *out, const char *s, int word)
{
    const unsigned char *p = (const unsigned char *)s;
    size_t len = strlen(s);

    if (len == 0 && word) {
        fputs("\"\"", out);
        return;
    }
    for (size_t i = 0; i < len;) {
        uint32_t cp;
        size_t n = utf8_sequence(p + i, len - i, &cp);

        if (n > 1 && cp >= 0xa0) {
            fwrite(p + i, 1, n, out);
            i += n;
            continue;
        }
        /* ASCII, a C1 control (U+0080-U+009F, which terminals may obey) or
         * not UTF-8: one byte at a time. */
        if (n > 1) {
            for (size_t k = 0; k < n; k++)
                fprintf(out, "\\x%02x", p[i + k]);
            i += n;
            continue;
        }
        if (p[i] == '\\')
            fputs("\\\\", out);
        else if (p[i] == '\t')
            fputs("\\t", out);
        else if (p[i] == '\n')
            fputs("\\n", out);
        else if (p[i] == '\r')
            fputs("\\r", out);
        else if (p[i] < 0x20 || p[i] >= 0x7f || (word && p[i] == ' '))
            fprintf(out, "\\x%02x", p[i]);
        else
            fputc(p[i], out);
        i++;
    }
}

int kvp_print_pairs(FILE *out, const struct kvp_pair *pairs, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        kvp_print_escaped(out, pairs[i].pool, 1);
        fputc(' ', out);
        kvp_print_escaped(out, pairs[i].key, 1);
        fputc(' ', out);
        kvp_print_escaped(out, pairs[i].value, 0);
        fputc('\n', out);
    }
    return ferror(out) ? -1 : 0;
}
