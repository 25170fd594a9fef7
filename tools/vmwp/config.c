// SPDX-License-Identifier: GPL-2.0-only
/*
 * The VM config file (see config.h).  hvctl writes it, but it is still input
 * from outside vmwp: every line is checked and the first problem is reported
 * with its line number, so that a bad file never starts a half-configured VM.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <nic_line.h>

#include "config.h"
#include "guest_memory.h"

enum config_key {
    KEY_NAME,
    KEY_MEMORY,
    KEY_CPUS,
    KEY_KERNEL,
    KEY_INITRD,
    KEY_CMDLINE,
    KEY_DISK,
    KEY_NIC,
    KEY_GENERATION,
    KEY_FIRMWARE,
    KEY_IDE,
    KEY_COUNT
};

static const char *const key_names[KEY_COUNT] = {
    [KEY_NAME] = "name",         [KEY_MEMORY] = "memory", [KEY_CPUS] = "cpus",
    [KEY_KERNEL] = "kernel",     [KEY_INITRD] = "initrd", [KEY_CMDLINE] = "cmdline",
    [KEY_DISK] = "disk",         [KEY_NIC] = "nic",       [KEY_GENERATION] = "generation",
    [KEY_FIRMWARE] = "firmware", [KEY_IDE] = "ide",
};
/* Whatever the generation; kernel= and firmware= depend on it (check_generation()). */
static const bool key_required[KEY_COUNT] = {
    [KEY_NAME] = true, [KEY_MEMORY] = true, [KEY_CPUS] = true};
/* Keys given once per item. */
static const bool key_repeats[KEY_COUNT] = {[KEY_DISK] = true, [KEY_NIC] = true, [KEY_IDE] = true};

/* Where the items of the repeated keys are, for the checks after the last line. */
struct item_lines {
    unsigned nic[VMWP_NICS_MAX];
};

static bool is_blank(char c)
{
    return c == ' ' || c == '\t';
}

static bool is_alnum(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

static bool is_control(char c)
{
    return (unsigned char)c < 0x20 || c == 0x7f;
}

/* A decimal number of digits only (no sign, no unit); false on overflow. */
static bool parse_decimal(const char *s, size_t len, uint64_t *out)
{
    uint64_t v = 0;

    if (!len)
        return false;
    for (size_t i = 0; i < len; i++) {
        unsigned d;

        if (s[i] < '0' || s[i] > '9')
            return false;
        d = (unsigned)(s[i] - '0');
        if (v > (UINT64_MAX - d) / 10)
            return false;
        v = v * 10 + d;
    }
    *out = v;
    return true;
}

static int parse_name(const char *v, size_t len, struct vmwp_config *out, char *err, size_t errlen)
{
    if (!len || len > VMWP_NAME_MAX) {
        snprintf(err, errlen, "name: must be 1 to %d characters", VMWP_NAME_MAX);
        return -1;
    }
    if (!is_alnum(v[0])) {
        snprintf(err, errlen, "name: must start with a letter or digit");
        return -1;
    }
    for (size_t i = 0; i < len; i++) {
        if (!is_alnum(v[i]) && v[i] != '.' && v[i] != '_' && v[i] != '-') {
            snprintf(err, errlen, "name: character 0x%02x is not one of [A-Za-z0-9._-]",
                     (unsigned char)v[i]);
            return -1;
        }
    }
    memcpy(out->name, v, len);
    out->name[len] = '\0';
    return 0;
}

static int parse_memory(const char *v, size_t len, struct vmwp_config *out, char *err,
                        size_t errlen)
{
    uint64_t bytes;

    if (!parse_decimal(v, len, &bytes)) {
        snprintf(err, errlen, "memory: '%.*s' is not a number of bytes (decimal digits only)",
                 (int)(len > 40 ? 40 : len), v);
        return -1;
    }
    if (bytes % GUEST_MEMORY_UNIT) {
        snprintf(err, errlen, "memory: %llu is not a multiple of 1 MiB", (unsigned long long)bytes);
        return -1;
    }
    if (bytes < GUEST_MEMORY_MIN || bytes > GUEST_MEMORY_MAX) {
        snprintf(err, errlen, "memory: %llu MiB is outside %llu MiB .. %llu MiB",
                 (unsigned long long)(bytes >> 20), (unsigned long long)(GUEST_MEMORY_MIN >> 20),
                 (unsigned long long)(GUEST_MEMORY_MAX >> 20));
        return -1;
    }
    out->memory = bytes;
    return 0;
}

static int parse_cpus(const char *v, size_t len, struct vmwp_config *out, char *err, size_t errlen)
{
    uint64_t n;

    if (!parse_decimal(v, len, &n) || n < 1 || n > VMWP_CPUS_MAX) {
        snprintf(err, errlen, "cpus: '%.*s' is not a number from 1 to %d",
                 (int)(len > 40 ? 40 : len), v, VMWP_CPUS_MAX);
        return -1;
    }
    out->cpus = (uint32_t)n;
    return 0;
}

static int parse_path(const char *key, const char *v, size_t len, bool optional, char *dst,
                      char *err, size_t errlen)
{
    if (!len && optional) {
        dst[0] = '\0';
        return 0;
    }
    if (!len || v[0] != '/') {
        snprintf(err, errlen, "%s: '%.*s' is not an absolute path", key, (int)(len > 80 ? 80 : len),
                 v);
        return -1;
    }
    if (len >= VMWP_PATH_MAX) {
        snprintf(err, errlen, "%s: path longer than %d bytes", key, VMWP_PATH_MAX - 1);
        return -1;
    }
    if (is_blank(v[len - 1])) {
        snprintf(err, errlen, "%s: whitespace at the end of the path", key);
        return -1;
    }
    memcpy(dst, v, len);
    dst[len] = '\0';
    return 0;
}

static int parse_cmdline(const char *v, size_t len, struct vmwp_config *out, char *err,
                         size_t errlen)
{
    if (len > VMWP_CMDLINE_MAX) {
        snprintf(err, errlen, "cmdline: %zu bytes, at most %d", len, VMWP_CMDLINE_MAX);
        return -1;
    }
    memcpy(out->cmdline, v, len);
    out->cmdline[len] = '\0';
    return 0;
}

/* disk=LUN,MODE,PATH: the next of @out->disks. */
static int parse_disk(const char *v, size_t len, struct vmwp_config *out, char *err, size_t errlen)
{
    const char *c1 = memchr(v, ',', len);
    const char *c2 = c1 ? memchr(c1 + 1, ',', len - (size_t)(c1 + 1 - v)) : NULL;
    struct vmwp_disk *d;
    size_t lun_len, mode_len;
    uint64_t lun;

    if (out->disk_count == VMWP_DISKS_MAX) {
        snprintf(err, errlen, "disk: more than %d disks", VMWP_DISKS_MAX);
        return -1;
    }
    d = &out->disks[out->disk_count];
    if (!c2) {
        snprintf(err, errlen, "disk: '%.*s' is not LUN,MODE,PATH", (int)(len > 40 ? 40 : len), v);
        return -1;
    }
    lun_len = (size_t)(c1 - v);
    mode_len = (size_t)(c2 - c1 - 1);
    if (!parse_decimal(v, lun_len, &lun) || (lun_len > 1 && v[0] == '0') ||
        lun > VMWP_DISK_LUN_MAX) {
        snprintf(err, errlen, "disk: LUN '%.*s' is not a number from 0 to %d",
                 (int)(lun_len > 40 ? 40 : lun_len), v, VMWP_DISK_LUN_MAX);
        return -1;
    }
    if (mode_len != 2 || (memcmp(c1 + 1, "rw", 2) && memcmp(c1 + 1, "ro", 2))) {
        snprintf(err, errlen, "disk: mode '%.*s' is neither rw nor ro",
                 (int)(mode_len > 40 ? 40 : mode_len), c1 + 1);
        return -1;
    }
    if (parse_path("disk", c2 + 1, len - (size_t)(c2 + 1 - v), false, d->path, err, errlen))
        return -1;
    d->lun = (unsigned)lun;
    d->read_only = c1[2] == 'o';
    for (unsigned i = 0; i < out->disk_count; i++) {
        if (out->disks[i].lun == d->lun) {
            snprintf(err, errlen, "disk: LUN %u given twice", d->lun);
            return -1;
        }
        if (!strcmp(out->disks[i].path, d->path)) {
            snprintf(err, errlen, "disk: %.80s given twice (LUNs %u and %u)", d->path,
                     out->disks[i].lun, d->lun);
            return -1;
        }
    }
    /* The disks were all checked above, with a better message: only the IDE devices are left. */
    for (unsigned i = 0; i < out->ide_count; i++) {
        if (!strcmp(out->ide[i].path, d->path)) {
            snprintf(err, errlen, "disk: %.80s is IDE %u:%u's already", d->path,
                     out->ide[i].channel, out->ide[i].device);
            return -1;
        }
    }
    out->disk_count++;
    return 0;
}

/* generation=1 or 2, nothing else (no "02": the file is hvctl's, and it writes "1"). */
static int parse_generation(const char *v, size_t len, struct vmwp_config *out, char *err,
                            size_t errlen)
{
    if (len != 1 || (v[0] != '1' && v[0] != '2')) {
        snprintf(err, errlen, "generation: '%.*s' is neither 1 nor 2", (int)(len > 40 ? 40 : len),
                 v);
        return -1;
    }
    out->generation = (unsigned)(v[0] - '0');
    return 0;
}

/* Whether @path is a disk= or ide= path of @out already: a second user of one image
 * would corrupt it (and a read-only one needs only one device). */
static int check_path_unused(const char *key, const char *path, const struct vmwp_config *out,
                             char *err, size_t errlen)
{
    for (unsigned i = 0; i < out->disk_count; i++) {
        if (!strcmp(out->disks[i].path, path)) {
            snprintf(err, errlen, "%s: %.80s is disk LUN %u's already", key, path,
                     out->disks[i].lun);
            return -1;
        }
    }
    for (unsigned i = 0; i < out->ide_count; i++) {
        if (!strcmp(out->ide[i].path, path)) {
            snprintf(err, errlen, "%s: %.80s is IDE %u:%u's already", key, path,
                     out->ide[i].channel, out->ide[i].device);
            return -1;
        }
    }
    return 0;
}

/* ide=C:D,MEDIA,PATH: the next of @out->ide. */
static int parse_ide(const char *v, size_t len, struct vmwp_config *out, char *err, size_t errlen)
{
    const char *c1 = memchr(v, ',', len);
    const char *c2 = c1 ? memchr(c1 + 1, ',', len - (size_t)(c1 + 1 - v)) : NULL;
    struct vmwp_ide *d;
    size_t slot_len, media_len;
    const char *media;

    if (out->ide_count == VMWP_IDE_MAX) {
        snprintf(err, errlen, "ide: more than %d IDE devices (two channels of two)", VMWP_IDE_MAX);
        return -1;
    }
    d = &out->ide[out->ide_count];
    if (!c2) {
        snprintf(err, errlen, "ide: '%.*s' is not C:D,MEDIA,PATH", (int)(len > 40 ? 40 : len), v);
        return -1;
    }
    slot_len = (size_t)(c1 - v);
    media = c1 + 1;
    media_len = (size_t)(c2 - media);
    /* One digit each: "00:1" or "+0:1" are not what hvctl writes. */
    if (slot_len != 3 || v[1] != ':' || v[0] < '0' || v[0] >= '0' + VMWP_IDE_CHANNELS ||
        v[2] < '0' || v[2] >= '0' + VMWP_IDE_DEVICES) {
        snprintf(err, errlen, "ide: slot '%.*s' is not C:D (channel 0 or 1, device 0 or 1)",
                 (int)(slot_len > 40 ? 40 : slot_len), v);
        return -1;
    }
    d->channel = (unsigned)(v[0] - '0');
    d->device = (unsigned)(v[2] - '0');
    if (media_len == 2 && !memcmp(media, "rw", 2)) {
        d->media = VMWP_IDE_RW;
    } else if (media_len == 2 && !memcmp(media, "ro", 2)) {
        d->media = VMWP_IDE_RO;
    } else if (media_len == 3 && !memcmp(media, "dvd", 3)) {
        d->media = VMWP_IDE_DVD;
    } else {
        snprintf(err, errlen, "ide: media '%.*s' is not rw, ro or dvd",
                 (int)(media_len > 40 ? 40 : media_len), media);
        return -1;
    }
    if (parse_path("ide", c2 + 1, len - (size_t)(c2 + 1 - v), false, d->path, err, errlen))
        return -1;
    for (unsigned i = 0; i < out->ide_count; i++) {
        if (out->ide[i].channel == d->channel && out->ide[i].device == d->device) {
            snprintf(err, errlen, "ide: %u:%u given twice", d->channel, d->device);
            return -1;
        }
    }
    if (check_path_unused("ide", d->path, out, err, errlen))
        return -1;
    out->ide_count++;
    return 0;
}

_Static_assert(VMWP_NICS_MAX == NIC_LINE_INDEX_MAX + 1 &&
                   VMWP_NIC_INDEX_MAX == NIC_LINE_INDEX_MAX && VMWP_NAME_MAX == NIC_LINE_NAME_MAX &&
                   VMWP_IFNAME_MAX == NIC_LINE_IFNAME_MAX && VMWP_VLAN_MAX == NIC_LINE_VLAN_MAX,
               "config.h's NIC limits are nic_line.h's");

/* The field of @len bytes at @s, quoted for a message: at most @max bytes. */
#define FIELD(s, len, max) (int)((len) > (max) ? (max) : (len)), (s)

/* nic=INDEX,SWITCH,BRIDGE,MAC[,OPTION]... (tools/lib/nic_line.h): the next of @out->nics. */
static int parse_nic(const char *v, size_t len, struct vmwp_config *out, char *err, size_t errlen)
{
    struct vmwp_nic *n = &out->nics[out->nic_count];
    struct nic_line l;
    enum nic_line_error e;

    if (out->nic_count == VMWP_NICS_MAX) {
        snprintf(err, errlen, "nic: more than %d NICs", VMWP_NICS_MAX);
        return -1;
    }
    e = nic_line_parse(v, len, &l);
    switch (e) {
    case NIC_LINE_OK:
        break;
    case NIC_LINE_FIELDS:
        snprintf(err, errlen, "nic: '%.*s' is not INDEX,SWITCH,BRIDGE,MAC[,OPTION]...",
                 FIELD(v, len, 60));
        return -1;
    case NIC_LINE_INDEX:
        snprintf(err, errlen, "nic: index '%.*s' is not a number from 0 to %d",
                 FIELD(l.bad, l.bad_len, 40), VMWP_NIC_INDEX_MAX);
        return -1;
    case NIC_LINE_SWITCH:
        snprintf(err, errlen, "nic %u: switch '%.*s' is not a name of [A-Za-z0-9._-]", l.index,
                 FIELD(l.bad, l.bad_len, 70));
        return -1;
    case NIC_LINE_BRIDGE:
        snprintf(err, errlen, "nic %u: bridge '%.*s' is not an interface name", l.index,
                 FIELD(l.bad, l.bad_len, 40));
        return -1;
    case NIC_LINE_MAC:
    case NIC_LINE_MAC_UNUSABLE:
        snprintf(err, errlen, "nic %u: '%.*s' is not a unicast MAC address xx:xx:xx:xx:xx:xx",
                 l.index, FIELD(l.bad, l.bad_len, 40));
        return -1;
    case NIC_LINE_VLAN:
        snprintf(err, errlen, "nic %u: vlan '%.*s' is not a number from 1 to %d", l.index,
                 FIELD(l.bad, l.bad_len, 40), VMWP_VLAN_MAX);
        return -1;
    case NIC_LINE_VLAN_TWICE:
    case NIC_LINE_LEGACY_TWICE:
        snprintf(err, errlen, "nic %u: %s given twice", l.index,
                 e == NIC_LINE_VLAN_TWICE ? "vlan" : "legacy");
        return -1;
    case NIC_LINE_OPTION:
        snprintf(err, errlen, "nic %u: unknown option '%.*s' (vlan=N or legacy)", l.index,
                 FIELD(l.bad, l.bad_len, 40));
        return -1;
    }
    for (unsigned i = 0; i < out->nic_count; i++) {
        const uint8_t *m = l.mac;

        if (out->nics[i].index == l.index) {
            snprintf(err, errlen, "nic: index %u given twice", l.index);
            return -1;
        }
        if (!memcmp(out->nics[i].mac, l.mac, 6)) {
            snprintf(err, errlen,
                     "nic: MAC %02x:%02x:%02x:%02x:%02x:%02x given twice (NICs %u and %u)", m[0],
                     m[1], m[2], m[3], m[4], m[5], out->nics[i].index, l.index);
            return -1;
        }
    }
    memset(n, 0, sizeof(*n));
    n->index = l.index;
    memcpy(n->switch_name, l.switch_name, l.switch_len);
    memcpy(n->bridge, l.bridge, l.bridge_len);
    memcpy(n->mac, l.mac, sizeof(n->mac));
    n->vlan = l.vlan;
    n->legacy = l.legacy;
    out->nic_count++;
    return 0;
}

/* One `key=value` line (not blank, not a comment). */
static int parse_line(const char *line, size_t len, struct vmwp_config *out, unsigned *seen_line,
                      struct item_lines *items, unsigned lineno, char *err, size_t errlen)
{
    const char *eq = memchr(line, '=', len);
    const char *value;
    size_t klen, vlen;
    int key = -1;

    if (!eq) {
        snprintf(err, errlen, "no '=' (lines are key=value)");
        return -1;
    }
    klen = (size_t)(eq - line);
    value = eq + 1;
    vlen = len - klen - 1;
    if (!klen) {
        snprintf(err, errlen, "no key before '='");
        return -1;
    }
    if (is_blank(line[0]) || is_blank(line[klen - 1])) {
        snprintf(err, errlen, "whitespace around the key (write key=value)");
        return -1;
    }
    for (int i = 0; i < KEY_COUNT; i++) {
        if (strlen(key_names[i]) == klen && !memcmp(line, key_names[i], klen))
            key = i;
    }
    if (key < 0) {
        snprintf(err, errlen, "unknown key '%.*s'", (int)(klen > 40 ? 40 : klen), line);
        return -1;
    }
    if (seen_line[key] && !key_repeats[key]) {
        snprintf(err, errlen, "%s: repeated (first on line %u)", key_names[key], seen_line[key]);
        return -1;
    }
    /* The first line of a repeated key: the one a generation rule names. */
    if (!seen_line[key])
        seen_line[key] = lineno;
    for (size_t i = 0; i < vlen; i++) {
        if (is_control(value[i]) && value[i] != '\t') {
            snprintf(err, errlen, "%s: control character 0x%02x in the value", key_names[key],
                     (unsigned char)value[i]);
            return -1;
        }
    }
    /* The command line is the rest of the line verbatim; every other value
     * is a single word, where stray whitespace is a mistake. */
    if (key != KEY_CMDLINE && vlen && is_blank(value[0])) {
        snprintf(err, errlen, "%s: whitespace after '=' (write key=value)", key_names[key]);
        return -1;
    }

    switch (key) {
    case KEY_NAME:
        return parse_name(value, vlen, out, err, errlen);
    case KEY_MEMORY:
        return parse_memory(value, vlen, out, err, errlen);
    case KEY_CPUS:
        return parse_cpus(value, vlen, out, err, errlen);
    case KEY_KERNEL:
        return parse_path("kernel", value, vlen, false, out->kernel, err, errlen);
    case KEY_INITRD:
        return parse_path("initrd", value, vlen, true, out->initrd, err, errlen);
    case KEY_DISK:
        return parse_disk(value, vlen, out, err, errlen);
    case KEY_NIC:
        if (out->nic_count < VMWP_NICS_MAX)
            items->nic[out->nic_count] = lineno;
        return parse_nic(value, vlen, out, err, errlen);
    case KEY_GENERATION:
        return parse_generation(value, vlen, out, err, errlen);
    case KEY_FIRMWARE:
        return parse_path("firmware", value, vlen, false, out->firmware, err, errlen);
    case KEY_IDE:
        return parse_ide(value, vlen, out, err, errlen);
    default:
        return parse_cmdline(value, vlen, out, err, errlen);
    }
}

/*
 * The rules of the generation, once every line is read (the keys come in
 * any order).  A generation 1 VM is a PC whose firmware boots it: a kernel
 * to load would be ignored, so it is a mistake; a generation 2 VM has no
 * firmware, no IDE controller and no emulated NIC to give the guest.
 */
static int check_generation(const struct vmwp_config *out, const unsigned *seen_line,
                            const struct item_lines *items, char *err, size_t errlen)
{
    if (out->generation == 1) {
        static const enum config_key kernel_keys[] = {KEY_KERNEL, KEY_INITRD, KEY_CMDLINE};

        for (size_t i = 0; i < sizeof(kernel_keys) / sizeof(kernel_keys[0]); i++) {
            enum config_key k = kernel_keys[i];

            if (seen_line[k]) {
                snprintf(err, errlen,
                         "line %u: %s: only for generation 2 (generation 1 boots its firmware)",
                         seen_line[k], key_names[k]);
                return -1;
            }
        }
        if (!seen_line[KEY_FIRMWARE]) {
            snprintf(err, errlen, "missing 'firmware=' (generation 1 boots it)");
            return -1;
        }
        return 0;
    }
    if (!seen_line[KEY_KERNEL]) {
        snprintf(err, errlen, "missing 'kernel='");
        return -1;
    }
    if (seen_line[KEY_FIRMWARE] || seen_line[KEY_IDE]) {
        enum config_key k = seen_line[KEY_FIRMWARE] ? KEY_FIRMWARE : KEY_IDE;

        snprintf(err, errlen, "line %u: %s: only for generation 1 (there is no generation=1)",
                 seen_line[k], key_names[k]);
        return -1;
    }
    for (unsigned i = 0; i < out->nic_count; i++) {
        if (out->nics[i].legacy) {
            snprintf(err, errlen,
                     "line %u: nic %u: legacy (an emulated NIC) is only for generation 1 "
                     "(there is no generation=1)",
                     items->nic[i], out->nics[i].index);
            return -1;
        }
    }
    return 0;
}

int vmwp_config_parse(const char *text, size_t len, struct vmwp_config *out, char *err,
                      size_t errlen)
{
    unsigned seen_line[KEY_COUNT] = {0};
    struct item_lines items = {{0}};
    char msg[256];
    unsigned lineno = 0;
    size_t pos = 0;

    memset(out, 0, sizeof(*out));
    out->generation = 2;
    if (memchr(text, '\0', len)) {
        size_t at = (size_t)((const char *)memchr(text, '\0', len) - text);
        unsigned nl = 1;

        for (size_t i = 0; i < at; i++)
            nl += text[i] == '\n';
        snprintf(err, errlen, "line %u: NUL byte", nl);
        return -1;
    }
    while (pos < len) {
        const char *line = text + pos;
        const char *nl = memchr(line, '\n', len - pos);
        size_t llen = nl ? (size_t)(nl - line) : len - pos;
        size_t i = 0;

        lineno++;
        pos += llen + (nl ? 1 : 0);
        while (i < llen && is_blank(line[i]))
            i++;
        if (i == llen || line[i] == '#')
            continue;
        if (parse_line(line, llen, out, seen_line, &items, lineno, msg, sizeof(msg))) {
            snprintf(err, errlen, "line %u: %s", lineno, msg);
            return -1;
        }
    }
    for (int k = 0; k < KEY_COUNT; k++) {
        if (key_required[k] && !seen_line[k]) {
            snprintf(err, errlen, "missing '%s='", key_names[k]);
            return -1;
        }
    }
    return check_generation(out, seen_line, &items, err, errlen);
}

int vmwp_config_load(const char *path, struct vmwp_config *out, char *err, size_t errlen)
{
    char msg[512];
    char *text;
    size_t len = 0;
    int fd, rc;

    fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        snprintf(err, errlen, "config %s: %s", path, strerror(errno));
        return -1;
    }
    /* One byte more than allowed, to tell "exactly the limit" from "longer". */
    text = malloc(VMWP_CONFIG_FILE_MAX + 1);
    if (!text) {
        close(fd);
        snprintf(err, errlen, "config %s: out of memory", path);
        return -1;
    }
    for (;;) {
        ssize_t n = read(fd, text + len, VMWP_CONFIG_FILE_MAX + 1 - len);

        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0) {
            snprintf(err, errlen, "config %s: %s", path, strerror(errno));
            free(text);
            close(fd);
            return -1;
        }
        if (n == 0 || (len += (size_t)n) > VMWP_CONFIG_FILE_MAX)
            break;
    }
    close(fd);
    if (len > VMWP_CONFIG_FILE_MAX) {
        snprintf(err, errlen, "config %s: longer than %d bytes", path, VMWP_CONFIG_FILE_MAX);
        free(text);
        return -1;
    }
    rc = vmwp_config_parse(text, len, out, msg, sizeof(msg));
    if (rc)
        snprintf(err, errlen, "config %s: %s", path, msg);
    free(text);
    return rc;
}
