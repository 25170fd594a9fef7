// SPDX-License-Identifier: GPL-2.0-only
/* The percent-encoding of the control protocol (see percent.h). */
#include "hex_digit.h"
#include "percent.h"

bool percent_plain_byte(unsigned char c)
{
    return c > ' ' && c < 0x7f && c != '%' && c != ':' && c != '=';
}

long percent_encode(const char *in, size_t len, char *out, size_t out_size)
{
    static const char hex[] = "0123456789ABCDEF";
    size_t n = 0;

    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)in[i];

        /* Room for this byte's text and, always, the NUL. */
        if (percent_plain_byte(c)) {
            if (out_size - n < 2)
                return -1;
            out[n++] = (char)c;
        } else {
            if (out_size - n < 4)
                return -1;
            out[n++] = '%';
            out[n++] = hex[c >> 4];
            out[n++] = hex[c & 0xf];
        }
    }
    if (out_size - n < 1)
        return -1;
    out[n] = '\0';
    return (long)n;
}

long percent_decode(const char *in, size_t len, char *out, size_t out_size)
{
    size_t n = 0;

    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)in[i];

        if (c == '%') {
            int hi, lo;

            if (len - i < 3)
                return -1;
            hi = hex_digit(in[i + 1]);
            lo = hex_digit(in[i + 2]);
            if (hi < 0 || lo < 0 || (hi == 0 && lo == 0))
                return -1;
            c = (unsigned char)(hi << 4 | lo);
            i += 2;
        } else if (!percent_plain_byte(c)) {
            return -1;
        }
        /* In place, n <= i: the bytes still to read are never overwritten. */
        if (out_size - n < 2)
            return -2;
        out[n++] = (char)c;
    }
    if (out_size - n < 1)
        return -2;
    out[n] = '\0';
    return (long)n;
}

long percent_decode_in_place(char *text, size_t len)
{
    /* The result is never longer than @len, so @len + 1 bytes always do:
     * -2 cannot come back. */
    return percent_decode(text, len, text, len + 1);
}
