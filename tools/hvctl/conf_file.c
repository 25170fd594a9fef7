// SPDX-License-Identifier: GPL-2.0-only
/* key=value lines (see conf_file.h). */
#include <stdio.h>
#include <string.h>

#include "conf_file.h"

static bool is_blank_or_comment(const char *line, size_t len)
{
    size_t i = 0;

    while (i < len && (line[i] == ' ' || line[i] == '\t'))
        i++;
    return i == len || line[i] == '#';
}

int conf_next(const char *text, size_t len, size_t *pos, unsigned *line_no, struct conf_line *line,
              char *err, size_t err_size)
{
    while (*pos < len) {
        const char *start = text + *pos;
        const char *nl = memchr(start, '\n', len - *pos);
        size_t line_len = nl ? (size_t)(nl - start) : len - *pos;
        const char *eq;

        (*line_no)++;
        *pos += line_len + (nl ? 1 : 0);
        if (memchr(start, '\0', line_len) != NULL) {
            snprintf(err, err_size, "line %u: contains a NUL byte", *line_no);
            return -1;
        }
        if (is_blank_or_comment(start, line_len))
            continue;
        for (size_t i = 0; i < line_len; i++) {
            unsigned char c = (unsigned char)start[i];

            if (c < 0x20 || c == 0x7f) {
                snprintf(err, err_size, "line %u: contains a control character", *line_no);
                return -1;
            }
        }
        eq = memchr(start, '=', line_len);
        if (eq == NULL) {
            snprintf(err, err_size, "line %u: expected key=value", *line_no);
            return -1;
        }
        if (start[0] == ' ' || eq == start || eq[-1] == ' ' ||
            (eq + 1 < start + line_len && eq[1] == ' ')) {
            snprintf(err, err_size, "line %u: spaces around the key or '='", *line_no);
            return -1;
        }
        line->line_no = *line_no;
        line->key = start;
        line->key_len = (size_t)(eq - start);
        line->value = eq + 1;
        line->value_len = line_len - line->key_len - 1;
        return 1;
    }
    return 0;
}

bool conf_key_is(const struct conf_line *line, const char *key)
{
    return strlen(key) == line->key_len && memcmp(key, line->key, line->key_len) == 0;
}

int conf_value(const struct conf_line *line, char *buf, size_t buf_size)
{
    if (line->value_len >= buf_size)
        return -1;
    memcpy(buf, line->value, line->value_len);
    buf[line->value_len] = '\0';
    return 0;
}

int conf_parse_uint(const char *s, size_t len, unsigned max, unsigned *out)
{
    unsigned long v = 0;

    if (len == 0 || (len > 1 && s[0] == '0'))
        return -1;
    for (size_t i = 0; i < len; i++) {
        if (s[i] < '0' || s[i] > '9')
            return -1;
        v = v * 10 + (unsigned long)(s[i] - '0');
        if (v > max)
            return -1;
    }
    *out = (unsigned)v;
    return 0;
}
