// SPDX-License-Identifier: GPL-2.0-only
/* Size parsing and formatting (see size.h). */
#include <stdio.h>

#include "size.h"

struct size_unit {
    char suffix;
    uint64_t bytes;
};

/* Largest first: the formatters take the first unit that fits. */
static const struct size_unit units[] = {
    {'T', TiB},
    {'G', GiB},
    {'M', MiB},
    {'K', KiB},
};

#define N_UNITS (sizeof(units) / sizeof(units[0]))

int size_parse(const char *text, uint64_t *bytes, char *why, size_t why_size)
{
    const char *p = text;
    uint64_t number = 0, multiplier = 1;

    if (*p < '0' || *p > '9') {
        snprintf(why, why_size,
                 "is not a size (a whole number with an optional K, M, G or T suffix)");
        return -1;
    }
    for (; *p >= '0' && *p <= '9'; p++) {
        unsigned digit = (unsigned)(*p - '0');

        if (number > (UINT64_MAX - digit) / 10) {
            snprintf(why, why_size, "is too large");
            return -1;
        }
        number = number * 10 + digit;
    }
    if (*p != '\0') {
        char upper = (*p >= 'a' && *p <= 'z') ? (char)(*p - 'a' + 'A') : *p;

        multiplier = 0;
        for (size_t i = 0; i < N_UNITS; i++) {
            if (units[i].suffix == upper)
                multiplier = units[i].bytes;
        }
        if (multiplier == 0 || p[1] != '\0') {
            snprintf(why, why_size,
                     "is not a size (a whole number with an optional K, M, G or T suffix)");
            return -1;
        }
    }
    if (number > UINT64_MAX / multiplier) {
        snprintf(why, why_size, "is too large");
        return -1;
    }
    *bytes = number * multiplier;
    return 0;
}

void size_format_exact(uint64_t bytes, char *buf, size_t buf_size)
{
    for (size_t i = 0; i < N_UNITS; i++) {
        if (bytes != 0 && bytes % units[i].bytes == 0) {
            snprintf(buf, buf_size, "%llu%c", (unsigned long long)(bytes / units[i].bytes),
                     units[i].suffix);
            return;
        }
    }
    snprintf(buf, buf_size, "%llu", (unsigned long long)bytes);
}

void size_format_approx(uint64_t bytes, char *buf, size_t buf_size)
{
    for (size_t i = 0; i < N_UNITS; i++) {
        if (bytes >= units[i].bytes) {
            /* Tenths of the unit, rounded to nearest, without overflowing. */
            uint64_t whole = bytes / units[i].bytes;
            uint64_t rest = bytes % units[i].bytes;
            uint64_t tenths = (rest * 10 + units[i].bytes / 2) / units[i].bytes;

            if (tenths == 10) {
                whole++;
                tenths = 0;
            }
            if (tenths == 0)
                snprintf(buf, buf_size, "%llu%c", (unsigned long long)whole, units[i].suffix);
            else
                snprintf(buf, buf_size, "%llu.%llu%c", (unsigned long long)whole,
                         (unsigned long long)tenths, units[i].suffix);
            return;
        }
    }
    snprintf(buf, buf_size, "%lluB", (unsigned long long)bytes);
}
