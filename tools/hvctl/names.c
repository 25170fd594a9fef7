// SPDX-License-Identifier: GPL-2.0-only
/* VM name validation (see names.h). */
#include <stdio.h>
#include <string.h>

#include "names.h"

static bool is_alnum(char c)
{
    /* Not isalnum(): the locale must not widen the alphabet. */
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

static bool is_name_char(char c)
{
    return is_alnum(c) || c == '.' || c == '_' || c == '-';
}

bool vm_name_valid(const char *name, char *why, size_t why_size)
{
    size_t len = strlen(name);

    if (len == 0) {
        snprintf(why, why_size, "is empty");
        return false;
    }
    if (len > VM_NAME_MAX) {
        snprintf(why, why_size, "is %zu characters long (at most %d)", len, VM_NAME_MAX);
        return false;
    }
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)name[i];

        if (is_name_char(name[i]))
            continue;
        /* Show the offending character so that the user can find it. */
        if (c > 0x20 && c < 0x7f)
            snprintf(why, why_size, "contains '%c' (allowed: letters, digits, '.', '_' and '-')",
                     c);
        else
            snprintf(why, why_size,
                     "contains the byte 0x%02x (allowed: letters, digits, '.', '_' and '-')", c);
        return false;
    }
    if (!is_alnum(name[0])) {
        snprintf(why, why_size, "must start with a letter or a digit");
        return false;
    }
    return true;
}
