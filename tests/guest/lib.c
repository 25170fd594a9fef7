// SPDX-License-Identifier: GPL-2.0-only
/*
 * hvtest's small library: COM1 output, byte loops and parsing the numbers
 * of the command line (formatting is the hypervisor's own, hv/lib/format.c).
 */
#include "hvtest.h"

/* ---- COM1 --------------------------------------------------------------------- */

void uart_init(void)
{
    /* No interrupts (we run with IF clear anyway), 8N1 with DLAB clear so
     * that offset 0 is THR.  The divisor is left alone: vmwp's UART sends
     * at once whatever the speed. */
    outb(COM1_PORT + UART_IER, 0);
    outb(COM1_PORT + UART_LCR, UART_LCR_8N1);
}

static void uart_putc(char c)
{
    while (!(inb(COM1_PORT + UART_LSR) & UART_LSR_THRE))
        ;
    outb(COM1_PORT + UART_THR, (uint8_t)c);
}

void uart_puts(const char *s)
{
    for (; *s; s++) {
        /* A serial terminal's line end, as Linux's console writes it. */
        if (*s == '\n')
            uart_putc('\r');
        uart_putc(*s);
    }
}

/* ---- bytes, strings and numbers --------------------------------------------------- */

void copy_bytes(void *dst, const void *src, size_t n)
{
    volatile uint8_t *d = dst;
    const uint8_t *s = src;

    for (size_t i = 0; i < n; i++)
        d[i] = s[i];
}

void fill_bytes(void *dst, uint8_t v, size_t n)
{
    volatile uint8_t *d = dst;

    for (size_t i = 0; i < n; i++)
        d[i] = v;
}

bool same_bytes(const void *a, const void *b, size_t n)
{
    const uint8_t *x = a, *y = b;

    for (size_t i = 0; i < n; i++)
        if (x[i] != y[i])
            return false;
    return true;
}

size_t str_len(const char *s)
{
    size_t n = 0;

    while (s[n])
        n++;
    return n;
}

bool str_is(const char *s, size_t n, const char *word)
{
    size_t i;

    for (i = 0; i < n; i++)
        if (word[i] != s[i]) /* also stops at the word's NUL */
            return false;
    return word[n] == '\0';
}

int parse_hex(const char *s, size_t n, uint64_t *out)
{
    uint64_t v = 0;

    if (n < 3 || n > 2 + 16 || s[0] != '0' || (s[1] != 'x' && s[1] != 'X'))
        return -1;
    for (size_t i = 2; i < n; i++) {
        char c = s[i];
        unsigned d;

        if (c >= '0' && c <= '9')
            d = (unsigned)(c - '0');
        else if (c >= 'a' && c <= 'f')
            d = (unsigned)(c - 'a' + 10);
        else if (c >= 'A' && c <= 'F')
            d = (unsigned)(c - 'A' + 10);
        else
            return -1;
        v = v << 4 | d; /* at most 16 digits: cannot overflow */
    }
    *out = v;
    return 0;
}

int parse_dec(const char *s, size_t n, uint64_t *out)
{
    uint64_t v = 0;

    if (!n)
        return -1;
    for (size_t i = 0; i < n; i++) {
        unsigned d = (unsigned)(s[i] - '0');

        if (s[i] < '0' || s[i] > '9' || v > (UINT64_MAX - d) / 10)
            return -1;
        v = v * 10 + d;
    }
    *out = v;
    return 0;
}
