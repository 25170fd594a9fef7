/* SPDX-License-Identifier: GPL-2.0-only */
/* Parsing the hypervisor's command line (see hv/options.h). */
#include <stddef.h>

#include <hv/options.h>

static bool word_is(const char *w, size_t len, const char *s)
{
    size_t i = 0;

    for (; i < len && s[i]; i++)
        if (w[i] != s[i])
            return false;
    return i == len && !s[i];
}

/* Decimal or 0x-prefixed hex; false on anything else or on overflow. */
static bool parse_number(const char *s, size_t len, uint64_t max, uint64_t *out)
{
    unsigned base = 10;
    uint64_t v = 0;

    if (len > 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
        base = 16;
        s += 2;
        len -= 2;
    }
    if (!len)
        return false;
    for (size_t i = 0; i < len; i++) {
        unsigned d;

        if (s[i] >= '0' && s[i] <= '9')
            d = (unsigned)(s[i] - '0');
        else if (base == 16 && s[i] >= 'a' && s[i] <= 'f')
            d = (unsigned)(s[i] - 'a' + 10);
        else if (base == 16 && s[i] >= 'A' && s[i] <= 'F')
            d = (unsigned)(s[i] - 'A' + 10);
        else
            return false;
        if (d >= base || v > (max - d) / base)
            return false;
        v = v * base + d;
    }
    *out = v;
    return true;
}

static void note_ignored(struct hv_options *o, const char *w, size_t len)
{
    size_t n = 0;

    while (o->ignored[n])
        n++;
    if (n && n + 1 < sizeof(o->ignored))
        o->ignored[n++] = ' ';
    for (size_t i = 0; i < len && n + 1 < sizeof(o->ignored); i++)
        o->ignored[n++] = w[i];
    o->ignored[n] = '\0';
}

/* Returns false if the word is not understood. */
static bool apply(struct hv_options *o, const char *name, size_t nlen, const char *val, size_t vlen,
                  bool has_val)
{
    uint64_t num;

    if (word_is(name, nlen, "console") && has_val) {
        if (word_is(val, vlen, "com1"))
            o->console = true;
        else if (word_is(val, vlen, "none"))
            o->console = false;
        else
            return false;
        return true;
    }
    if (word_is(name, nlen, "debug-exit") && has_val) {
        if (!parse_number(val, vlen, 0xFFFF, &num) || num == 0)
            return false;
        o->debug_exit_port = (uint16_t)num;
        return true;
    }
    if (word_is(name, nlen, "trace-exits") && has_val) {
        if (!parse_number(val, vlen, 0xFFFFFFFF, &num))
            return false;
        o->trace_exits = (uint32_t)num;
        return true;
    }
    if (word_is(name, nlen, "stop") && has_val) {
        if (!word_is(val, vlen, "boot"))
            return false;
        o->stop_before_parent = true;
        return true;
    }
    if (word_is(name, nlen, "selftest") && has_val) {
        if (word_is(val, vlen, "panic"))
            o->selftest = SELFTEST_PANIC;
        else if (word_is(val, vlen, "ud"))
            o->selftest = SELFTEST_UD;
        else
            return false;
        return true;
    }
    return false;
}

int hv_options_parse(const char *cmdline, struct hv_options *out)
{
    const char *p = cmdline ? cmdline : "";
    int ignored = 0;

    *out = (struct hv_options){.console = true};
    while (*p) {
        const char *w, *eq = NULL;
        size_t len;

        while (*p == ' ' || *p == '\t')
            p++;
        if (!*p)
            break;
        w = p;
        while (*p && *p != ' ' && *p != '\t') {
            if (*p == '=' && !eq)
                eq = p;
            p++;
        }
        len = (size_t)(p - w);
        bool ok = eq ? apply(out, w, (size_t)(eq - w), eq + 1, (size_t)(p - eq - 1), true)
                     : apply(out, w, len, "", 0, false);
        if (!ok) {
            note_ignored(out, w, len);
            ignored++;
        }
    }
    return ignored;
}
