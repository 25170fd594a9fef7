/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The small key=value files of hvctl's own state (a switch's
 * switches/NAME.conf, host.conf), read the way vm.conf is: one "key=value"
 * a line, no spaces around '=', blank lines and lines whose first
 * non-blank character is '#' ignored; a NUL byte, a control character or a
 * line without '=' is an error.
 */
#ifndef HVCTL_CONF_FILE_H
#define HVCTL_CONF_FILE_H

#include <stdbool.h>
#include <stddef.h>

struct conf_line {
    unsigned line_no;
    const char *key, *value; /* into the text: not NUL-terminated */
    size_t key_len, value_len;
};

/*
 * The next key=value line of the @len bytes at @text from *@pos (start at
 * 0; *@line_no counts the lines, start at 0).  1 with it in @line, 0 at the
 * end, or -1 with "line N: reason" in @err.
 */
int conf_next(const char *text, size_t len, size_t *pos, unsigned *line_no, struct conf_line *line,
              char *err, size_t err_size);

bool conf_key_is(const struct conf_line *line, const char *key);

/* The value as a string into @buf; -1 if it does not fit. */
int conf_value(const struct conf_line *line, char *buf, size_t buf_size);

/* Digits only, no leading zero, at most @max, into *@out: 0, or -1 if not
 * such a number (nothing written). */
int conf_parse_uint(const char *s, size_t len, unsigned max, unsigned *out);

#endif
