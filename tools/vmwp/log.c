// SPDX-License-Identifier: GPL-2.0-only
/*
 * vmwp's log lines (see log.h).  Each line is formatted first and written
 * with a single write(2), so lines from concurrent VP threads never mix.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "log.h"

#define LOG_LINE_MAX 512

static void log_line(const char *fmt, va_list ap)
{
    char line[LOG_LINE_MAX];
    size_t len;
    int n;

    memcpy(line, "vmwp: ", 6);
    n = vsnprintf(line + 6, sizeof(line) - 7, fmt, ap);
    if (n < 0)
        return;
    len = 6 + ((size_t)n < sizeof(line) - 7 ? (size_t)n : sizeof(line) - 8);
    line[len++] = '\n';
    /* Nothing useful can be done when the log itself cannot be written. */
    if (write(STDERR_FILENO, line, len) < 0)
        return;
}

void vmwp_log(const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    log_line(fmt, ap);
    va_end(ap);
}

void vmwp_log_once(bool *once, const char *fmt, ...)
{
    va_list ap;

    if (__atomic_exchange_n(once, true, __ATOMIC_RELAXED))
        return;
    va_start(ap, fmt);
    log_line(fmt, ap);
    va_end(ap);
}
