/* SPDX-License-Identifier: GPL-2.0-only */
/* Formatted console output (see hv/console.h). */
#include <stdarg.h>
#include <stdbool.h>

#include <arch/serial.h>
#include <hv/console.h>
#include <hv/format.h>

static bool enabled;
static bool at_line_start = true;

void console_init(bool want)
{
    enabled = want && serial_init();
}

static void put(char c)
{
    if (at_line_start) {
        for (const char *p = "hv: "; *p; p++)
            serial_putc(*p);
        at_line_start = false;
    }
    /* Serial terminals want CRLF. */
    if (c == '\n')
        serial_putc('\r');
    serial_putc(c);
    if (c == '\n')
        at_line_start = true;
}

void printk(const char *fmt, ...)
{
    char buf[256];
    va_list ap;
    int n;

    if (!enabled)
        return;
    va_start(ap, fmt);
    n = fmt_vsnprintf(buf, sizeof(buf), fmt, ap);
    va_end(ap);
    for (int i = 0; i < n && i < (int)sizeof(buf) - 1; i++)
        put(buf[i]);
    if (n >= (int)sizeof(buf))
        put('\n'); /* truncated: at least end the line */
}
