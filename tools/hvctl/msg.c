// SPDX-License-Identifier: GPL-2.0-only
/* Error and warning lines on stderr (see msg.h). */
#include <stdarg.h>
#include <stdio.h>

#include "msg.h"

static void print_line(const char *kind, const char *fmt, va_list ap)
{
    /* Flush what the command already printed so that the two streams stay in order. */
    fflush(stdout);
    fputs("hvctl: ", stderr);
    fputs(kind, stderr);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
}

void hvctl_error(const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    print_line("", fmt, ap);
    va_end(ap);
}

void hvctl_warning(const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    print_line("warning: ", fmt, ap);
    va_end(ap);
}
