/* SPDX-License-Identifier: GPL-2.0-only */
/* Building one-line error messages for the caller (see msgbuf.h). */
#include "msgbuf.h"

void msg_init(struct msg *m, char *buf, size_t cap)
{
    m->buf = buf;
    m->cap = cap;
    m->len = 0;
    if (cap > 0)
        buf[0] = '\0';
}

void msg_char(struct msg *m, char c)
{
    if (m->len + 1 >= m->cap)
        return;
    m->buf[m->len++] = c;
    m->buf[m->len] = '\0';
}

void msg_str(struct msg *m, const char *s)
{
    while (*s)
        msg_char(m, *s++);
}

/* Bytes quoted from the file may be anything: keep the message printable and one line. */
void msg_quote(struct msg *m, const char *s, size_t n)
{
    msg_char(m, '\'');
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        msg_char(m, c >= 0x20 && c < 0x7f ? (char)c : '?');
    }
    msg_char(m, '\'');
}

void msg_dec(struct msg *m, uint64_t v)
{
    char digits[20];
    size_t n = 0;

    do {
        digits[n++] = (char)('0' + v % 10);
        v /= 10;
    } while (v != 0);
    while (n > 0)
        msg_char(m, digits[--n]);
}

void msg_hex(struct msg *m, uint64_t v)
{
    char digits[16];
    size_t n = 0;

    do {
        digits[n++] = "0123456789abcdef"[v & 0xf];
        v >>= 4;
    } while (v != 0);
    msg_str(m, "0x");
    while (n > 0)
        msg_char(m, digits[--n]);
}
