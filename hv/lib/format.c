/* SPDX-License-Identifier: GPL-2.0-only */
/* printf-style formatting (see hv/include/hv/format.h for what it accepts). */
#include <stdint.h>

#include <hv/format.h>

struct out {
    char *buf;
    size_t size;
    size_t len; /* characters produced so far, stored or not */
};

static void put(struct out *o, char c)
{
    if (o->len + 1 < o->size)
        o->buf[o->len] = c;
    o->len++;
}

static void pad(struct out *o, char c, int n)
{
    while (n-- > 0)
        put(o, c);
}

static void put_str(struct out *o, const char *s, int width, int prec, int left)
{
    int n = 0;

    if (!s)
        s = "(null)";
    while ((prec < 0 || n < prec) && s[n])
        n++;
    if (!left)
        pad(o, ' ', width - n);
    for (int i = 0; i < n; i++)
        put(o, s[i]);
    if (left)
        pad(o, ' ', width - n);
}

static void put_num(struct out *o, uint64_t v, int negative, unsigned base, int upper, int width,
                    int left, int zero, const char *prefix)
{
    const char *digits = upper ? "0123456789ABCDEF" : "0123456789abcdef";
    char tmp[24];
    int n = 0, plen = 0, sign = negative ? 1 : 0;

    do {
        tmp[n++] = digits[v % base];
        v /= base;
    } while (v);
    while (prefix && prefix[plen])
        plen++;

    int body = n + plen + sign;
    if (!left && !zero)
        pad(o, ' ', width - body);
    if (sign)
        put(o, '-');
    for (int i = 0; i < plen; i++)
        put(o, prefix[i]);
    if (!left && zero)
        pad(o, '0', width - body);
    while (n)
        put(o, tmp[--n]);
    if (left)
        pad(o, ' ', width - body);
}

static int read_number(const char **p)
{
    int v = 0;

    while (**p >= '0' && **p <= '9') {
        if (v < 100000)
            v = v * 10 + (**p - '0');
        (*p)++;
    }
    return v;
}

int fmt_vsnprintf(char *buf, size_t size, const char *fmt, va_list ap)
{
    struct out o = {buf, size, 0};
    const char *p = fmt;

    while (*p) {
        int left = 0, zero = 0, width = 0, prec = -1, lng = 0;

        if (*p != '%') {
            put(&o, *p++);
            continue;
        }
        p++;
        for (;; p++) {
            if (*p == '-')
                left = 1;
            else if (*p == '0')
                zero = 1;
            else
                break;
        }
        if (*p == '*') {
            width = va_arg(ap, int);
            if (width < 0) {
                left = 1;
                width = -width;
            }
            p++;
        } else {
            width = read_number(&p);
        }
        if (*p == '.') {
            p++;
            if (*p == '*') {
                prec = va_arg(ap, int);
                p++;
            } else {
                prec = read_number(&p);
            }
        }
        /* lng: -2 hh, -1 h, 0 int, 1 long, 2 long long / size_t */
        for (;; p++) {
            if (*p == 'l')
                lng++;
            else if (*p == 'h')
                lng--;
            else if (*p == 'z')
                lng = 2;
            else
                break;
        }

        char conv = *p ? *p++ : '\0';
        switch (conv) {
        case 'c':
            put(&o, (char)va_arg(ap, int));
            break;
        case 's':
            put_str(&o, va_arg(ap, const char *), width, prec, left);
            break;
        case 'd':
        case 'i': {
            int64_t v = lng >= 2   ? va_arg(ap, long long)
                        : lng == 1 ? va_arg(ap, long)
                                   : va_arg(ap, int);
            if (lng == -1)
                v = (short)v;
            else if (lng <= -2)
                v = (signed char)v;
            uint64_t mag = v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;
            put_num(&o, mag, v < 0, 10, 0, width, left, zero, NULL);
            break;
        }
        case 'u':
        case 'x':
        case 'X': {
            uint64_t v = lng >= 2   ? va_arg(ap, unsigned long long)
                         : lng == 1 ? va_arg(ap, unsigned long)
                                    : va_arg(ap, unsigned int);
            if (lng == -1)
                v = (unsigned short)v;
            else if (lng <= -2)
                v = (unsigned char)v;
            put_num(&o, v, 0, conv == 'u' ? 10 : 16, conv == 'X', width, left, zero, NULL);
            break;
        }
        case 'p':
            put_num(&o, (uintptr_t)va_arg(ap, void *), 0, 16, 0, width, left, zero, "0x");
            break;
        case '%':
            put(&o, '%');
            break;
        default:
            /* Unknown conversion: show it rather than guess at arguments. */
            put(&o, '%');
            if (conv)
                put(&o, conv);
            break;
        }
    }
    if (size)
        buf[o.len < size ? o.len : size - 1] = '\0';
    return o.len > INT32_MAX ? INT32_MAX : (int)o.len;
}

int fmt_snprintf(char *buf, size_t size, const char *fmt, ...)
{
    va_list ap;
    int n;

    va_start(ap, fmt);
    n = fmt_vsnprintf(buf, size, fmt, ap);
    va_end(ap);
    return n;
}

#ifndef HOST_TEST
#include <stdio.h>

/* The freestanding builds have no libc: these are their snprintf family. */
int vsnprintf(char *buf, size_t size, const char *fmt, va_list ap)
{
    return fmt_vsnprintf(buf, size, fmt, ap);
}

int snprintf(char *buf, size_t size, const char *fmt, ...)
{
    va_list ap;
    int n;

    va_start(ap, fmt);
    n = fmt_vsnprintf(buf, size, fmt, ap);
    va_end(ap);
    return n;
}
#endif
