/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Parser for hv.cfg, the loader's key=value configuration file (format in
 * config.h).  Built into the UEFI loader, where there is no libc, and into the
 * host unit tests; so only compiler builtins are used for memory and strings.
 * The input comes from a file the user edits by hand: every byte is checked,
 * nothing is ever truncated silently, and the text need not end with a NUL.
 */
#include <stdbool.h>

#include "config.h"
#include "msgbuf.h"

#define SIZE_ALIGN (2ULL << 20)

/* Starts every per-line message: "hv.cfg line N: ". */
static void msg_line(struct msg *m, size_t line)
{
    msg_str(m, "hv.cfg line ");
    msg_dec(m, line);
    msg_str(m, ": ");
}

enum value_kind {
    VALUE_PATH, /* a file on the ESP: non-empty, no ".." */
    VALUE_TEXT, /* a command line: anything, may be empty */
    VALUE_SIZE, /* hv_memory */
};

struct key_slot {
    const char *name;
    enum value_kind kind;
    char *dest;        /* NULL for VALUE_SIZE */
    size_t cap;        /* bytes of dest, including the NUL */
    size_t first_line; /* 0 until the key is seen */
};

static bool is_blank(char c)
{
    return c == ' ' || c == '\t';
}

static size_t str_len(const char *s)
{
    size_t n = 0;

    while (s[n] != '\0')
        n++;
    return n;
}

/* A loop rather than memcmp: the loader links libefi, which has no memcmp. */
static bool bytes_equal_str(const char *s, size_t n, const char *z)
{
    if (str_len(z) != n)
        return false;
    for (size_t i = 0; i < n; i++) {
        if (s[i] != z[i])
            return false;
    }
    return true;
}

/* Paths name files on the ESP; ".." could only be a mistake or an escape. */
static bool has_dotdot_component(const char *s, size_t n)
{
    size_t start = 0;

    for (size_t i = 0; i <= n; i++) {
        if (i == n || s[i] == '/' || s[i] == '\\') {
            if (i - start == 2 && s[start] == '.' && s[start + 1] == '.')
                return true;
            start = i + 1;
        }
    }
    return false;
}

/*
 * A decimal number with an optional K/M/G suffix.  Returns 0 and the size in
 * bytes, -1 if the text is not a size at all, -2 if it is outside the allowed
 * range.  Digits beyond the maximum saturate, so no input can overflow.
 */
static int parse_size(const char *s, size_t n, uint64_t *bytes)
{
    uint64_t value = 0;
    bool too_big = false;
    unsigned shift = 0;
    size_t i = 0;

    if (n == 0 || s[0] < '0' || s[0] > '9')
        return -1;
    for (; i < n && s[i] >= '0' && s[i] <= '9'; i++) {
        /* Bounded by the maximum first, so value * 10 + 9 always fits. */
        if (value > HVCFG_MAX_HV_MEMORY)
            too_big = true;
        else
            value = value * 10 + (uint64_t)(s[i] - '0');
    }
    if (i < n) {
        switch (s[i]) {
        case 'k':
        case 'K':
            shift = 10;
            break;
        case 'm':
        case 'M':
            shift = 20;
            break;
        case 'g':
        case 'G':
            shift = 30;
            break;
        default:
            return -1;
        }
        i++;
    }
    if (i != n)
        return -1;
    if (too_big || value > (HVCFG_MAX_HV_MEMORY >> shift))
        return -2;
    value <<= shift;
    if (value < HVCFG_MIN_HV_MEMORY)
        return -2;
    *bytes = value;
    return 0;
}

static int store_value(struct key_slot *key, const char *val, size_t n, size_t line,
                       struct hv_config *cfg, struct msg *m)
{
    if (key->kind == VALUE_SIZE) {
        uint64_t bytes;
        int rc = parse_size(val, n, &bytes);

        if (rc == 0) {
            cfg->hv_memory = (bytes + SIZE_ALIGN - 1) & ~(SIZE_ALIGN - 1);
            return 0;
        }
        msg_line(m, line);
        msg_str(m, key->name);
        msg_char(m, ' ');
        msg_quote(m, val, n);
        if (rc == -1)
            msg_str(m, " is not a size (digits with an optional K, M or G suffix)");
        else
            msg_str(m, " is outside the allowed range 16M..4G");
        return -1;
    }
    if (key->kind == VALUE_PATH && n == 0) {
        msg_line(m, line);
        msg_str(m, "empty path for '");
        msg_str(m, key->name);
        msg_str(m, "'");
        return -1;
    }
    if (n >= key->cap) {
        msg_line(m, line);
        msg_str(m, "value of '");
        msg_str(m, key->name);
        msg_str(m, "' is too long (");
        msg_dec(m, n);
        msg_str(m, " bytes, at most ");
        msg_dec(m, key->cap - 1);
        msg_str(m, ")");
        return -1;
    }
    if (key->kind == VALUE_PATH && has_dotdot_component(val, n)) {
        msg_line(m, line);
        msg_str(m, "path for '");
        msg_str(m, key->name);
        msg_str(m, "' contains a '..' component");
        return -1;
    }
    __builtin_memcpy(key->dest, val, n);
    key->dest[n] = '\0';
    return 0;
}

/* One line without its line end; blank and comment lines are accepted here too. */
static int parse_line(const char *s, size_t n, size_t line, struct key_slot *keys, size_t nkeys,
                      struct hv_config *cfg, struct msg *m)
{
    size_t start = 0, end = n, eq;

    while (start < end && is_blank(s[start]))
        start++;
    while (end > start && is_blank(s[end - 1]))
        end--;
    if (start == end || s[start] == '#')
        return 0;

    for (eq = start; eq < end && s[eq] != '='; eq++)
        ;
    if (eq == end) {
        msg_line(m, line);
        msg_str(m, "expected key=value, found no '='");
        return -1;
    }

    size_t key_end = eq, val_start = eq + 1;

    while (key_end > start && is_blank(s[key_end - 1]))
        key_end--;
    while (val_start < end && is_blank(s[val_start]))
        val_start++;
    if (key_end == start) {
        msg_line(m, line);
        msg_str(m, "missing key before '='");
        return -1;
    }

    for (size_t k = 0; k < nkeys; k++) {
        if (!bytes_equal_str(s + start, key_end - start, keys[k].name))
            continue;
        if (keys[k].first_line != 0) {
            msg_line(m, line);
            msg_str(m, "key '");
            msg_str(m, keys[k].name);
            msg_str(m, "' repeated (first given on line ");
            msg_dec(m, keys[k].first_line);
            msg_str(m, ")");
            return -1;
        }
        keys[k].first_line = line;
        return store_value(&keys[k], s + val_start, end - val_start, line, cfg, m);
    }
    msg_line(m, line);
    msg_str(m, "unknown key ");
    msg_quote(m, s + start, key_end - start);
    return -1;
}

int hv_config_parse(const char *text, size_t len, struct hv_config *cfg, char *err, size_t errlen)
{
    struct msg m;
    struct key_slot keys[] = {
        {"hypervisor", VALUE_PATH, cfg->hypervisor, sizeof(cfg->hypervisor), 0},
        {"hv_options", VALUE_TEXT, cfg->hv_options, sizeof(cfg->hv_options), 0},
        {"hv_memory", VALUE_SIZE, NULL, 0, 0},
        {"kernel", VALUE_PATH, cfg->kernel, sizeof(cfg->kernel), 0},
        {"kernel_options", VALUE_TEXT, cfg->kernel_options, sizeof(cfg->kernel_options), 0},
        {"initrd", VALUE_PATH, cfg->initrd, sizeof(cfg->initrd), 0},
    };
    const size_t nkeys = sizeof(keys) / sizeof(keys[0]);
    size_t pos = 0, line = 0;

    msg_init(&m, err, errlen);
    __builtin_memset(cfg, 0, sizeof(*cfg));
    cfg->hv_memory = HVCFG_DEFAULT_HV_MEMORY;

    /* Windows editors may save the file with a UTF-8 byte order mark. */
    if (len >= 3 && bytes_equal_str(text, 3, "\xEF\xBB\xBF"))
        pos = 3;

    while (pos < len) {
        size_t start = pos, end = pos;

        line++;
        for (; end < len && text[end] != '\n'; end++) {
            if (text[end] == '\0') {
                msg_line(&m, line);
                msg_str(&m, "NUL byte in the file");
                return -1;
            }
        }
        pos = end < len ? end + 1 : end;
        if (end > start && text[end - 1] == '\r')
            end--;
        if (parse_line(text + start, end - start, line, keys, nkeys, cfg, &m) != 0)
            return -1;
    }

    if (keys[0].first_line == 0) { /* keys[0] is "hypervisor" */
        msg_str(&m, "hv.cfg: no 'hypervisor=' line");
        return -1;
    }
    return 0;
}
