// SPDX-License-Identifier: GPL-2.0-only
/* A switch's configuration: its parts, parse, format, read, write (see switch_config.h). */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "conf_file.h"
#include "fsutil.h"
#include "switch_config.h"

#define WHY_MAX 256

static const char *const type_names[] = {
    [SWITCH_INTERNAL] = "internal",
    [SWITCH_PRIVATE] = "private",
    [SWITCH_EXTERNAL] = "external",
};

const char *switch_type_name(enum switch_type type)
{
    return type <= SWITCH_EXTERNAL ? type_names[type] : "?";
}

int switch_type_parse(const char *text, enum switch_type *type, char *err, size_t err_size)
{
    for (unsigned t = SWITCH_INTERNAL; t <= SWITCH_EXTERNAL; t++) {
        if (strcmp(text, type_names[t]) == 0) {
            *type = (enum switch_type)t;
            return 0;
        }
    }
    snprintf(err, err_size,
             "--type %.40s is not a switch type: internal (the VMs and the parent), private (the "
             "VMs only) or external (bridged to a physical NIC)",
             text);
    return -1;
}

int switch_mtu_parse(const char *text, unsigned *mtu, char *err, size_t err_size)
{
    unsigned v;

    if (conf_parse_uint(text, strlen(text), 1000000, &v) != 0 || v < SWITCH_MTU_MIN ||
        v > SWITCH_MTU_MAX) {
        snprintf(err, err_size,
                 "--mtu %.40s is not a whole number from %d to %d (the bytes of a frame's "
                 "payload; 1500 is Ethernet's, 9000 jumbo frames)",
                 text, SWITCH_MTU_MIN, SWITCH_MTU_MAX);
        return -1;
    }
    *mtu = v;
    return 0;
}

/* Why the host address @a (host byte order) / @prefix cannot be an interface's, or NULL. */
static const char *address_problem(uint32_t a, unsigned prefix)
{
    uint32_t host_mask = prefix >= 32 ? 0 : 0xffffffffu >> prefix;

    if ((a >> 24) == 0)
        return "is in 0.0.0.0/8, which means \"this network\"";
    if ((a >> 24) == 127)
        return "is a loopback address";
    if ((a >> 28) == 0xe)
        return "is a multicast address";
    if ((a >> 28) == 0xf)
        return "is in the reserved 240.0.0.0/4";
    if (prefix <= 30 && (a & host_mask) == 0)
        return "is the subnet's own address, which no host may have";
    if (prefix <= 30 && (a & host_mask) == host_mask)
        return "is the subnet's broadcast address";
    return NULL;
}

int switch_address_parse(const char *label, const char *text, uint32_t *addr, unsigned *prefix,
                         char *err, size_t err_size)
{
    const char *slash = strchr(text, '/'), *p = text;
    uint32_t a = 0;
    const char *problem;
    unsigned n;

    if (slash == NULL) {
        snprintf(err, err_size,
                 "%s %.40s has no prefix length: write it as A.B.C.D/N, e.g. 10.0.0.1/24", label,
                 text);
        return -1;
    }
    for (int i = 0; i < 4; i++) {
        const char *end = i < 3 ? memchr(p, '.', (size_t)(slash - p)) : slash;
        unsigned octet;

        if (end == NULL || conf_parse_uint(p, (size_t)(end - p), 255, &octet) != 0) {
            snprintf(err, err_size,
                     "%s %.40s is not an IPv4 address and prefix length like 10.0.0.1/24", label,
                     text);
            return -1;
        }
        a = a << 8 | octet;
        p = end + 1;
    }
    if (conf_parse_uint(slash + 1, strlen(slash + 1), 32, &n) != 0 || n == 0) {
        snprintf(err, err_size, "%s %.40s: the prefix length is not a number from 1 to 32", label,
                 text);
        return -1;
    }
    problem = address_problem(a, n);
    if (problem != NULL) {
        snprintf(err, err_size, "%s %.40s %s", label, text, problem);
        return -1;
    }
    *addr = htonl(a);
    *prefix = n;
    return 0;
}

void switch_address_format(uint32_t addr, unsigned prefix, char *buf, size_t buf_size)
{
    const uint8_t *b = (const uint8_t *)&addr;

    snprintf(buf, buf_size, "%u.%u.%u.%u/%u", b[0], b[1], b[2], b[3], prefix);
}

bool ifname_valid(const char *name, char *why, size_t why_size)
{
    size_t len = strlen(name);

    if (len == 0) {
        snprintf(why, why_size, "is empty");
        return false;
    }
    if (len > IFNAME_MAX) {
        snprintf(why, why_size, "is longer than %d characters, which no interface name is",
                 IFNAME_MAX);
        return false;
    }
    if (strcmp(name, ".") == 0 || strcmp(name, "..") == 0) {
        snprintf(why, why_size, "cannot be an interface name");
        return false;
    }
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)name[i];

        if (c <= 0x20 || c == 0x7f || c == '/' || c == ':') {
            snprintf(why, why_size, "contains a character no interface name has");
            return false;
        }
    }
    return true;
}

void switch_bridge_name(const char *name, char *out)
{
    size_t prefix_len = strlen(SWITCH_BRIDGE_PREFIX), len = strlen(name);
    uint32_t hash = 2166136261u; /* FNV-1a: small, and spreads names that differ at the end */

    if (prefix_len + len <= IFNAME_MAX) {
        snprintf(out, IFNAME_MAX + 1, SWITCH_BRIDGE_PREFIX "%s", name);
        return;
    }
    for (size_t i = 0; i < len; i++) {
        hash ^= (unsigned char)name[i];
        hash *= 16777619u;
    }
    snprintf(out, IFNAME_MAX + 1, SWITCH_BRIDGE_PREFIX "%.6s%04x", name,
             (unsigned)((hash ^ (hash >> 16)) & 0xffff));
}

int switch_config_validate(const struct switch_config *c, char *err, size_t err_size)
{
    char why[WHY_MAX];

    if (strnlen(c->name, sizeof(c->name)) == sizeof(c->name) ||
        !vm_name_valid(c->name, why, sizeof(why))) {
        snprintf(err, err_size, "name '%.63s' %s", c->name,
                 strnlen(c->name, sizeof(c->name)) == sizeof(c->name) ? "is too long" : why);
        return -1;
    }
    if (c->type > SWITCH_EXTERNAL) {
        snprintf(err, err_size, "type %u is not a switch type", (unsigned)c->type);
        return -1;
    }
    if (c->mtu < SWITCH_MTU_MIN || c->mtu > SWITCH_MTU_MAX) {
        snprintf(err, err_size, "mtu %u is out of range (%d to %d)", c->mtu, SWITCH_MTU_MIN,
                 SWITCH_MTU_MAX);
        return -1;
    }
    if (c->type == SWITCH_EXTERNAL) {
        if (c->has_mac) {
            /* The bridge takes its uplink's address, as Hyper-V's external switch does. */
            snprintf(err, err_size, "an external switch has no mac (its bridge takes its NIC's)");
            return -1;
        }
        if (c->nic[0] == '\0') {
            snprintf(err, err_size, "an external switch needs its nic");
            return -1;
        }
        if (!ifname_valid(c->nic, why, sizeof(why))) {
            snprintf(err, err_size, "nic '%s' %s", c->nic, why);
            return -1;
        }
    } else {
        if (!c->has_mac) {
            snprintf(err, err_size, "an %s switch needs the mac of its bridge",
                     switch_type_name(c->type));
            return -1;
        }
        if (c->nic[0] != '\0') {
            snprintf(err, err_size, "only an external switch has a nic");
            return -1;
        }
    }
    if (c->has_mac && !mac_usable(c->mac, why, sizeof(why))) {
        snprintf(err, err_size, "mac %s", why);
        return -1;
    }
    if (c->has_address) {
        char text[24];
        const char *problem = address_problem(ntohl(c->address), c->prefix);

        switch_address_format(c->address, c->prefix, text, sizeof(text));
        if (c->type != SWITCH_INTERNAL) {
            snprintf(err, err_size, "only an internal switch has an address");
            return -1;
        }
        if (c->prefix < 1 || c->prefix > 32 || problem != NULL) {
            snprintf(err, err_size, "address %s %s", text,
                     problem ? problem : "has a prefix length out of range (1 to 32)");
            return -1;
        }
    }
    return 0;
}

enum key { KEY_NAME, KEY_TYPE, KEY_MTU, KEY_MAC, KEY_ADDRESS, KEY_NIC, KEY_COUNT };

static const char *const keys[KEY_COUNT] = {"name", "type", "mtu", "mac", "address", "nic"};

/* One line's value into @c; the reason into @why. */
static void parse_value(enum key key, const struct conf_line *l, struct switch_config *c, char *why,
                        size_t why_size)
{
    char value[64], sub[WHY_MAX];

    if (conf_value(l, value, sizeof(value)) != 0) {
        snprintf(why, why_size, "%s is too long", keys[key]);
        return;
    }
    switch (key) {
    case KEY_NAME:
        if (strlen(value) > VM_NAME_MAX || !vm_name_valid(value, sub, sizeof(sub)))
            snprintf(why, why_size, "name '%s' is not a valid switch name", value);
        else
            strcpy(c->name, value);
        break;
    case KEY_TYPE:
        if (switch_type_parse(value, &c->type, sub, sizeof(sub)) != 0)
            snprintf(why, why_size, "type '%s' is not internal, private or external", value);
        break;
    case KEY_MTU:
        if (switch_mtu_parse(value, &c->mtu, sub, sizeof(sub)) != 0)
            snprintf(why, why_size, "mtu '%s' is not a number from %d to %d", value, SWITCH_MTU_MIN,
                     SWITCH_MTU_MAX);
        break;
    case KEY_MAC:
        if (mac_parse(value, c->mac) != 0)
            snprintf(why, why_size, "mac '%s' is not a MAC address", value);
        else
            c->has_mac = true;
        break;
    case KEY_ADDRESS:
        if (switch_address_parse("address", value, &c->address, &c->prefix, why, why_size) != 0)
            break;
        else
            c->has_address = true;
        break;
    case KEY_NIC:
        if (strlen(value) > IFNAME_MAX)
            snprintf(why, why_size, "nic '%s' is longer than %d characters", value, IFNAME_MAX);
        else
            strcpy(c->nic, value);
        break;
    case KEY_COUNT:
        break;
    }
}

int switch_config_parse(const char *text, size_t len, struct switch_config *c, char *err,
                        size_t err_size)
{
    unsigned seen[KEY_COUNT] = {0}, line_no = 0;
    struct conf_line l;
    size_t pos = 0;
    char why[WHY_MAX];
    int rc;

    memset(c, 0, sizeof(*c));
    while ((rc = conf_next(text, len, &pos, &line_no, &l, err, err_size)) == 1) {
        enum key key;

        for (key = 0; key < KEY_COUNT && !conf_key_is(&l, keys[key]); key++) {
        }
        if (key == KEY_COUNT) {
            snprintf(err, err_size, "line %u: unknown key '%.*s'", l.line_no,
                     (int)(l.key_len > 40 ? 40 : l.key_len), l.key);
            return -1;
        }
        if (seen[key] != 0) {
            snprintf(err, err_size, "line %u: %s given a second time (first on line %u)", l.line_no,
                     keys[key], seen[key]);
            return -1;
        }
        seen[key] = l.line_no;
        why[0] = '\0';
        parse_value(key, &l, c, why, sizeof(why));
        if (why[0] != '\0') {
            snprintf(err, err_size, "line %u: %s", l.line_no, why);
            return -1;
        }
    }
    if (rc < 0)
        return -1;
    for (enum key key = KEY_NAME; key <= KEY_MTU; key++) {
        if (seen[key] == 0) {
            snprintf(err, err_size, "no %s= line (name, type and mtu are required)", keys[key]);
            return -1;
        }
    }
    return switch_config_validate(c, err, err_size);
}

long switch_config_format(const struct switch_config *c, char *buf, size_t buf_size, char *err,
                          size_t err_size)
{
    char mac[MAC_TEXT_MAX], address[24];
    int n;

    if (switch_config_validate(c, err, err_size) != 0)
        return -1;
    mac_format(c->mac, mac);
    switch_address_format(c->address, c->prefix, address, sizeof(address));
    n = snprintf(buf, buf_size,
                 "# hvcore virtual switch, written by hvctl (hvctl switch list shows it).\n"
                 "name=%s\ntype=%s\nmtu=%u\n%s%s%s%s%s%s%s%s%s",
                 c->name, switch_type_name(c->type), c->mtu, c->has_mac ? "mac=" : "",
                 c->has_mac ? mac : "", c->has_mac ? "\n" : "", c->has_address ? "address=" : "",
                 c->has_address ? address : "", c->has_address ? "\n" : "", c->nic[0] ? "nic=" : "",
                 c->nic, c->nic[0] ? "\n" : "");
    if (n < 0 || (size_t)n >= buf_size) {
        snprintf(err, err_size, "switch configuration too long for the buffer");
        return -1;
    }
    return n;
}

int switch_config_read(const char *path, struct switch_config *c, char *err, size_t err_size)
{
    char text[SWITCH_CONFIG_MAX], why[WHY_MAX];
    size_t len;

    if (read_small_file(path, text, sizeof(text), &len) != 0) {
        int saved = errno;

        snprintf(err, err_size, "%s: %s", path,
                 errno == EFBIG ? "too large to be a switch configuration" : strerror(errno));
        errno = saved;
        return -1;
    }
    if (switch_config_parse(text, len, c, why, sizeof(why)) != 0) {
        snprintf(err, err_size, "%s: %s", path, why);
        errno = EINVAL;
        return -1;
    }
    return 0;
}

int switch_config_write(const char *dir, const struct switch_config *c, char *err, size_t err_size)
{
    char text[SWITCH_CONFIG_MAX], file[VM_NAME_MAX + sizeof(SWITCH_CONFIG_SUFFIX)];
    long len = switch_config_format(c, text, sizeof(text), err, err_size);

    if (len < 0)
        return -1;
    snprintf(file, sizeof(file), "%s" SWITCH_CONFIG_SUFFIX, c->name);
    return write_file_atomic(dir, file, text, (size_t)len, 0644, err, err_size);
}
