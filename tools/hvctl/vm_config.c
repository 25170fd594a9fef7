// SPDX-License-Identifier: GPL-2.0-only
/* vm.conf: parse, validate, format, read, write (see vm_config.h). */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <nic_line.h>

#include "fsutil.h"
#include "size.h"
#include "vm_config.h"

/* Room for the longest valid file: three paths (kernel, initrd, firmware: never all three, but
 * room is cheap), a command line, the IDE devices, the disks and the rest. */
#define VM_CONFIG_TEXT_MAX                                                                         \
    (3 * VM_PATH_MAX + VM_CMDLINE_MAX + 512 + (VM_IDE_MAX + VM_DISKS_MAX) * (VM_PATH_MAX + 16) +   \
     VM_NICS_MAX * 160)
_Static_assert(VM_NIC_INDEX_MAX == NIC_LINE_INDEX_MAX && VM_NAME_MAX == NIC_LINE_NAME_MAX &&
                   IFNAME_MAX == NIC_LINE_IFNAME_MAX && VM_NIC_VLAN_MAX == NIC_LINE_VLAN_MAX &&
                   MAC_LEN == NIC_LINE_MAC_LEN,
               "vm_config.h's NIC limits are nic_line.h's");

/* Room for one reason, before "line N: " or "PATH: " is put in front. */
#define WHY_MAX 512

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

/* The keys that may come more than once: one line per item. */
static const bool key_repeats[KEY_COUNT] = {
    [KEY_DISK] = true,
    [KEY_NIC] = true,
    [KEY_IDE] = true,
};

/* Whatever the generation: kernel= and firmware= depend on it (check_generation_lines()). */
static const bool key_required[KEY_COUNT] = {
    [KEY_NAME] = true,
    [KEY_MEMORY] = true,
    [KEY_CPUS] = true,
};

/* Where the items of the repeated keys were, for the messages about them. */
struct item_lines {
    unsigned disk[VM_DISKS_MAX];
    unsigned nic[VM_NICS_MAX];
    unsigned ide[VM_IDE_MAX];
};

const char *vm_ide_media_name(enum vm_ide_media media)
{
    switch (media) {
    case VM_IDE_RW:
        return "rw";
    case VM_IDE_RO:
        return "ro";
    case VM_IDE_DVD:
        return "dvd";
    }
    return "?";
}

static bool has_control_char(const char *s, size_t len)
{
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)s[i];

        if (c < 0x20 || c == 0x7f)
            return true;
    }
    return false;
}

/* A whole decimal number, digits only (no sign, no spaces); -1 if not or too large. */
static int parse_decimal(const char *s, size_t len, uint64_t *out)
{
    uint64_t v = 0;

    if (len == 0)
        return -1;
    for (size_t i = 0; i < len; i++) {
        unsigned digit;

        if (s[i] < '0' || s[i] > '9')
            return -1;
        digit = (unsigned)(s[i] - '0');
        if (v > (UINT64_MAX - digit) / 10)
            return -1;
        v = v * 10 + digit;
    }
    *out = v;
    return 0;
}

static int check_memory(uint64_t memory, char *err, size_t err_size)
{
    char approx[SIZE_TEXT_MAX];

    size_format_approx(memory, approx, sizeof(approx));
    if (memory % VM_MEMORY_ALIGN != 0) {
        snprintf(err, err_size, "memory %llu bytes (about %s) is not a multiple of 1M",
                 (unsigned long long)memory, approx);
        return -1;
    }
    if (memory < VM_MEMORY_MIN) {
        snprintf(err, err_size, "memory %s is less than the minimum, 64M", approx);
        return -1;
    }
    return 0;
}

static int check_cpus(uint64_t cpus, char *err, size_t err_size)
{
    if (cpus < VM_CPUS_MIN || cpus > VM_CPUS_MAX) {
        snprintf(err, err_size, "cpus %llu is out of range (%d to %d)", (unsigned long long)cpus,
                 VM_CPUS_MIN, VM_CPUS_MAX);
        return -1;
    }
    return 0;
}

/* kernel and initrd: absolute, printable, short enough. */
static int check_path(const char *key, const char *path, char *err, size_t err_size)
{
    size_t len = strnlen(path, VM_PATH_MAX);

    if (len == VM_PATH_MAX) {
        snprintf(err, err_size, "%s is longer than %d bytes", key, VM_PATH_MAX - 1);
        return -1;
    }
    if (len == 0) {
        snprintf(err, err_size, "%s is empty", key);
        return -1;
    }
    if (has_control_char(path, len)) {
        snprintf(err, err_size, "%s contains a control character (a newline?)", key);
        return -1;
    }
    if (path[0] != '/') {
        snprintf(err, err_size, "%s %s is not an absolute path", key, path);
        return -1;
    }
    /* The worker refuses it too: in a file of key=value lines it looks like a slip. */
    if (path[len - 1] == ' ' || path[len - 1] == '\t') {
        snprintf(err, err_size, "%s '%s' ends with a space", key, path);
        return -1;
    }
    return 0;
}

static int check_cmdline(const char *cmdline, char *err, size_t err_size)
{
    size_t len = strnlen(cmdline, VM_CMDLINE_MAX);

    if (len == VM_CMDLINE_MAX) {
        snprintf(err, err_size, "cmdline is longer than %d bytes (the Linux limit)",
                 VM_CMDLINE_MAX - 1);
        return -1;
    }
    if (has_control_char(cmdline, len)) {
        snprintf(err, err_size, "cmdline contains a control character (a newline?)");
        return -1;
    }
    return 0;
}

static int check_name(const char *name, char *err, size_t err_size)
{
    char why[128];

    if (strnlen(name, VM_NAME_MAX + 1) > VM_NAME_MAX) {
        snprintf(err, err_size, "name is longer than %d characters", VM_NAME_MAX);
        return -1;
    }
    if (!vm_name_valid(name, why, sizeof(why))) {
        snprintf(err, err_size, "name '%s' %s", name, why);
        return -1;
    }
    return 0;
}

static int check_disk(const struct vm_disk *d, char *err, size_t err_size)
{
    if (d->lun > VM_DISK_LUN_MAX) {
        snprintf(err, err_size, "disk LUN %u is out of range (0 to %d)", d->lun, VM_DISK_LUN_MAX);
        return -1;
    }
    return check_path("disk", d->path, err, err_size);
}

/* Disk @i against those before it: a LUN or a path twice. */
static int check_disk_unique(const struct vm_config *c, unsigned i, char *err, size_t err_size)
{
    for (unsigned j = 0; j < i; j++) {
        if (c->disks[j].lun == c->disks[i].lun) {
            snprintf(err, err_size, "disk LUN %u is given twice", c->disks[i].lun);
            return -1;
        }
        if (strcmp(c->disks[j].path, c->disks[i].path) == 0) {
            snprintf(err, err_size, "disk %s is given twice (LUNs %u and %u)", c->disks[i].path,
                     c->disks[j].lun, c->disks[i].lun);
            return -1;
        }
    }
    return 0;
}

static int check_disks(const struct vm_config *c, char *err, size_t err_size)
{
    if (c->disk_count > VM_DISKS_MAX) {
        snprintf(err, err_size, "%u disks, more than the %d a VM can have", c->disk_count,
                 VM_DISKS_MAX);
        return -1;
    }
    for (unsigned i = 0; i < c->disk_count; i++) {
        if (check_disk(&c->disks[i], err, err_size) != 0 ||
            check_disk_unique(c, i, err, err_size) != 0)
            return -1;
    }
    return 0;
}

static int check_nic(const struct vm_nic *n, char *err, size_t err_size)
{
    char why[128], bridge[IFNAME_MAX + 1];

    if (n->index > VM_NIC_INDEX_MAX) {
        snprintf(err, err_size, "nic index %u is out of range (0 to %d)", n->index,
                 VM_NIC_INDEX_MAX);
        return -1;
    }
    if (strnlen(n->switch_name, sizeof(n->switch_name)) == sizeof(n->switch_name) ||
        !vm_name_valid(n->switch_name, why, sizeof(why))) {
        snprintf(err, err_size, "nic %u: switch name '%.63s' is not valid", n->index,
                 n->switch_name);
        return -1;
    }
    switch_bridge_name(n->switch_name, bridge);
    if (strncmp(n->bridge, bridge, sizeof(n->bridge)) != 0) {
        snprintf(err, err_size, "nic %u: bridge '%.15s' is not switch %s's (%s)", n->index,
                 n->bridge, n->switch_name, bridge);
        return -1;
    }
    if (!mac_usable(n->mac, why, sizeof(why))) {
        char mac[MAC_TEXT_MAX];

        mac_format(n->mac, mac);
        snprintf(err, err_size, "nic %u: MAC %s %s", n->index, mac, why);
        return -1;
    }
    if (n->vlan > VM_NIC_VLAN_MAX) {
        snprintf(err, err_size, "nic %u: VLAN %u is out of range (1 to %d)", n->index, n->vlan,
                 VM_NIC_VLAN_MAX);
        return -1;
    }
    return 0;
}

/* NIC @i against those before it: an index or a MAC twice. */
static int check_nic_unique(const struct vm_config *c, unsigned i, char *err, size_t err_size)
{
    for (unsigned j = 0; j < i; j++) {
        if (c->nics[j].index == c->nics[i].index) {
            snprintf(err, err_size, "nic index %u is given twice", c->nics[i].index);
            return -1;
        }
        if (memcmp(c->nics[j].mac, c->nics[i].mac, MAC_LEN) == 0) {
            char mac[MAC_TEXT_MAX];

            mac_format(c->nics[i].mac, mac);
            snprintf(err, err_size, "MAC %s is given twice (nics %u and %u)", mac, c->nics[j].index,
                     c->nics[i].index);
            return -1;
        }
    }
    return 0;
}

static int check_nics(const struct vm_config *c, char *err, size_t err_size)
{
    if (c->nic_count > VM_NICS_MAX) {
        snprintf(err, err_size, "%u NICs, more than the %d a VM can have", c->nic_count,
                 VM_NICS_MAX);
        return -1;
    }
    for (unsigned i = 0; i < c->nic_count; i++) {
        if (check_nic(&c->nics[i], err, err_size) != 0 ||
            check_nic_unique(c, i, err, err_size) != 0)
            return -1;
    }
    return 0;
}

static int check_ide(const struct vm_ide *d, char *err, size_t err_size)
{
    if (d->channel >= VM_IDE_CHANNELS || d->device >= VM_IDE_DEVICES) {
        snprintf(err, err_size, "ide %u:%u is not an IDE slot (channel 0 or 1, device 0 or 1)",
                 d->channel, d->device);
        return -1;
    }
    if (d->media != VM_IDE_RW && d->media != VM_IDE_RO && d->media != VM_IDE_DVD) {
        snprintf(err, err_size, "ide %u:%u: media %d is not rw, ro or dvd", d->channel, d->device,
                 (int)d->media);
        return -1;
    }
    return check_path("ide", d->path, err, err_size);
}

/*
 * IDE device @i against those before it (a slot or a path twice) and
 * against the SCSI disks: one image is one device, or two devices would
 * write it behind each other's back.
 */
static int check_ide_unique(const struct vm_config *c, unsigned i, char *err, size_t err_size)
{
    const struct vm_ide *d = &c->ide[i];

    for (unsigned j = 0; j < i; j++) {
        if (c->ide[j].channel == d->channel && c->ide[j].device == d->device) {
            snprintf(err, err_size, "ide %u:%u is given twice", d->channel, d->device);
            return -1;
        }
        if (strcmp(c->ide[j].path, d->path) == 0) {
            snprintf(err, err_size, "ide %s is given twice (%u:%u and %u:%u)", d->path,
                     c->ide[j].channel, c->ide[j].device, d->channel, d->device);
            return -1;
        }
    }
    for (unsigned j = 0; j < c->disk_count; j++) {
        if (strcmp(c->disks[j].path, d->path) == 0) {
            snprintf(err, err_size, "ide %u:%u: %s is the disk at LUN %u too", d->channel,
                     d->device, d->path, c->disks[j].lun);
            return -1;
        }
    }
    return 0;
}

static int check_ides(const struct vm_config *c, char *err, size_t err_size)
{
    if (c->ide_count > VM_IDE_MAX) {
        snprintf(err, err_size, "%u IDE devices, more than the %d a VM can have", c->ide_count,
                 VM_IDE_MAX);
        return -1;
    }
    for (unsigned i = 0; i < c->ide_count; i++) {
        if (check_ide(&c->ide[i], err, err_size) != 0 || check_ide_unique(c, i, err, err_size) != 0)
            return -1;
    }
    return 0;
}

/*
 * What the generation allows.  Generation 2 boots its kernel directly, and
 * has no firmware, no IDE and no emulated NIC; generation 1 is a PC whose
 * firmware boots from its disks, so a kernel to load would be ignored: it
 * is refused rather than kept as a surprise.  Each message starts with the
 * key, so that vm_options_apply() can make "--KEY ..." of it.
 */
unsigned vm_config_legacy_nics(const struct vm_config *c)
{
    unsigned n = 0;

    for (unsigned i = 0; i < c->nic_count; i++)
        n += c->nics[i].legacy;
    return n;
}

static int check_generation(const struct vm_config *c, char *err, size_t err_size)
{
    if (c->generation == 1) {
        const char *kernel_key = c->kernel[0]    ? "kernel"
                                 : c->initrd[0]  ? "initrd"
                                 : c->cmdline[0] ? "cmdline"
                                                 : NULL;

        if (kernel_key != NULL) {
            snprintf(err, err_size,
                     "%s is for generation 2 VMs (a generation 1 VM boots its firmware from its "
                     "disks)",
                     kernel_key);
            return -1;
        }
        if (vm_config_legacy_nics(c) > VM_LEGACY_NICS_MAX) {
            snprintf(err, err_size, "nic: %u legacy NICs; a generation 1 VM has at most %u",
                     vm_config_legacy_nics(c), VM_LEGACY_NICS_MAX);
            return -1;
        }
        return check_path("firmware", c->firmware, err, err_size);
    }
    if (c->generation != 2) {
        snprintf(err, err_size, "generation %u is neither 1 nor 2", c->generation);
        return -1;
    }
    if (check_path("kernel", c->kernel, err, err_size) != 0 ||
        (c->initrd[0] != '\0' && check_path("initrd", c->initrd, err, err_size) != 0))
        return -1;
    if (c->firmware[0] != '\0') {
        snprintf(err, err_size,
                 "firmware is for generation 1 VMs (a generation 2 VM boots its kernel directly)");
        return -1;
    }
    if (c->ide_count > 0) {
        snprintf(err, err_size,
                 "ide is for generation 1 VMs (a generation 2 VM has no IDE "
                 "controller: give it SCSI disks)");
        return -1;
    }
    for (unsigned i = 0; i < c->nic_count; i++) {
        if (c->nics[i].legacy) {
            snprintf(err, err_size,
                     "nic %u: legacy (an emulated NIC) is for generation 1 VMs (a generation 2 "
                     "VM's NICs are synthetic)",
                     c->nics[i].index);
            return -1;
        }
    }
    return 0;
}

int vm_config_validate(const struct vm_config *c, char *err, size_t err_size)
{
    if (check_name(c->name, err, err_size) != 0 || check_memory(c->memory, err, err_size) != 0 ||
        check_cpus(c->cpus, err, err_size) != 0 || check_cmdline(c->cmdline, err, err_size) != 0 ||
        check_ides(c, err, err_size) != 0 || check_disks(c, err, err_size) != 0 ||
        check_nics(c, err, err_size) != 0 || check_generation(c, err, err_size) != 0)
        return -1;
    return 0;
}

/* Copies a value of @len bytes into a field of @size bytes; -1 if it does not fit. */
static int copy_value(char *field, size_t size, const char *value, size_t len)
{
    if (len >= size)
        return -1;
    memcpy(field, value, len);
    field[len] = '\0';
    return 0;
}

/* The value of a disk= line, "LUN,MODE,PATH", into the next of @c->disks. */
static void parse_disk(const char *value, size_t len, struct vm_config *c, char *why,
                       size_t why_size)
{
    const char *comma1 = memchr(value, ',', len), *comma2, *mode, *path;
    size_t mode_len, path_len;
    struct vm_disk *d;
    uint64_t lun;

    if (c->disk_count == VM_DISKS_MAX) {
        snprintf(why, why_size, "more than %d disk= lines (a VM has at most %d disks)",
                 VM_DISKS_MAX, VM_DISKS_MAX);
        return;
    }
    comma2 = comma1 ? memchr(comma1 + 1, ',', len - (size_t)(comma1 + 1 - value)) : NULL;
    if (comma2 == NULL) {
        snprintf(why, why_size, "disk '%.*s' is not LUN,MODE,PATH", (int)(len > 40 ? 40 : len),
                 value);
        return;
    }
    d = &c->disks[c->disk_count];
    mode = comma1 + 1;
    mode_len = (size_t)(comma2 - mode);
    path = comma2 + 1;
    path_len = len - (size_t)(path - value);
    if (parse_decimal(value, (size_t)(comma1 - value), &lun) != 0 ||
        (comma1 - value > 1 && value[0] == '0')) {
        snprintf(why, why_size, "disk LUN '%.*s' is not a number",
                 (int)(comma1 - value > 40 ? 40 : comma1 - value), value);
        return;
    }
    if (lun > VM_DISK_LUN_MAX) {
        snprintf(why, why_size, "disk LUN %llu is out of range (0 to %d)", (unsigned long long)lun,
                 VM_DISK_LUN_MAX);
        return;
    }
    d->lun = (unsigned)lun;
    if (mode_len == 2 && memcmp(mode, "rw", 2) == 0) {
        d->read_only = false;
    } else if (mode_len == 2 && memcmp(mode, "ro", 2) == 0) {
        d->read_only = true;
    } else {
        snprintf(why, why_size, "disk mode '%.*s' is neither rw nor ro",
                 (int)(mode_len > 40 ? 40 : mode_len), mode);
        return;
    }
    if (copy_value(d->path, sizeof(d->path), path, path_len) != 0) {
        snprintf(why, why_size, "disk path is longer than %d bytes", VM_PATH_MAX - 1);
        return;
    }
    if (check_path("disk", d->path, why, why_size) != 0)
        return;
    c->disk_count++;
}

/* The value of an ide= line, C:D,MEDIA,PATH, into the next of @c->ide. */
static void parse_ide(const char *value, size_t len, struct vm_config *c, char *why,
                      size_t why_size)
{
    const char *comma1 = memchr(value, ',', len), *comma2, *media, *path;
    size_t slot_len, media_len;
    struct vm_ide *d;

    if (c->ide_count == VM_IDE_MAX) {
        snprintf(why, why_size, "more than %d ide= lines (a VM has at most %d IDE devices)",
                 VM_IDE_MAX, VM_IDE_MAX);
        return;
    }
    comma2 = comma1 ? memchr(comma1 + 1, ',', len - (size_t)(comma1 + 1 - value)) : NULL;
    if (comma2 == NULL) {
        snprintf(why, why_size, "ide '%.*s' is not C:D,MEDIA,PATH", (int)(len > 40 ? 40 : len),
                 value);
        return;
    }
    d = &c->ide[c->ide_count];
    slot_len = (size_t)(comma1 - value);
    media = comma1 + 1;
    media_len = (size_t)(comma2 - media);
    path = comma2 + 1;
    if (slot_len != 3 || value[1] != ':' || value[0] < '0' || value[0] >= '0' + VM_IDE_CHANNELS ||
        value[2] < '0' || value[2] >= '0' + VM_IDE_DEVICES) {
        snprintf(why, why_size, "ide slot '%.*s' is not C:D (channel 0 or 1, device 0 or 1)",
                 (int)(slot_len > 40 ? 40 : slot_len), value);
        return;
    }
    d->channel = (unsigned)(value[0] - '0');
    d->device = (unsigned)(value[2] - '0');
    if (media_len == 2 && memcmp(media, "rw", 2) == 0) {
        d->media = VM_IDE_RW;
    } else if (media_len == 2 && memcmp(media, "ro", 2) == 0) {
        d->media = VM_IDE_RO;
    } else if (media_len == 3 && memcmp(media, "dvd", 3) == 0) {
        d->media = VM_IDE_DVD;
    } else {
        snprintf(why, why_size, "ide media '%.*s' is not rw, ro or dvd",
                 (int)(media_len > 40 ? 40 : media_len), media);
        return;
    }
    if (copy_value(d->path, sizeof(d->path), path, len - (size_t)(path - value)) != 0) {
        snprintf(why, why_size, "ide path is longer than %d bytes", VM_PATH_MAX - 1);
        return;
    }
    if (check_path("ide", d->path, why, why_size) != 0)
        return;
    c->ide_count++;
}

/* The field of @len bytes at @s, quoted for a message: at most 40 bytes. */
#define FIELD(s, len) (int)((len) > 40 ? 40 : (len)), (s)

/* Why tools/lib/nic_line.c refused @l (@e), into @why. */
static void nic_line_why(enum nic_line_error e, const struct nic_line *l, const char *value,
                         size_t len, char *why, size_t why_size)
{
    char mac[MAC_TEXT_MAX], reason[128], bridge[IFNAME_MAX + 1], name[VM_NAME_MAX + 1];

    switch (e) {
    case NIC_LINE_OK:
        break;
    case NIC_LINE_FIELDS:
        snprintf(why, why_size, "nic '%.*s' is not INDEX,SWITCH,BRIDGE,MAC[,OPTION]...",
                 FIELD(value, len));
        break;
    case NIC_LINE_INDEX:
        snprintf(why, why_size, "nic index '%.*s' is not a number from 0 to %d",
                 FIELD(l->bad, l->bad_len), VM_NIC_INDEX_MAX);
        break;
    case NIC_LINE_SWITCH:
        snprintf(why, why_size, "nic %u: switch name '%.*s' is not valid", l->index,
                 (int)(l->bad_len > VM_NAME_MAX ? VM_NAME_MAX : l->bad_len), l->bad);
        break;
    case NIC_LINE_BRIDGE:
        /* The switch name is valid by now: say which bridge it has. */
        memcpy(name, l->switch_name, l->switch_len);
        name[l->switch_len] = '\0';
        switch_bridge_name(name, bridge);
        snprintf(why, why_size, "nic %u: bridge '%.*s' is not switch %s's (%s)", l->index,
                 FIELD(l->bad, l->bad_len), name, bridge);
        break;
    case NIC_LINE_MAC:
        snprintf(why, why_size, "nic %u: '%.*s' is not a MAC address (xx:xx:xx:xx:xx:xx)", l->index,
                 FIELD(l->bad, l->bad_len));
        break;
    case NIC_LINE_MAC_UNUSABLE:
        mac_format(l->mac, mac);
        mac_usable(l->mac, reason, sizeof(reason));
        snprintf(why, why_size, "nic %u: MAC %s %s", l->index, mac, reason);
        break;
    case NIC_LINE_VLAN:
        snprintf(why, why_size, "nic %u: VLAN '%.*s' is not a number from 1 to %d", l->index,
                 FIELD(l->bad, l->bad_len), VM_NIC_VLAN_MAX);
        break;
    case NIC_LINE_VLAN_TWICE:
    case NIC_LINE_LEGACY_TWICE:
        snprintf(why, why_size, "nic %u: %s given twice", l->index,
                 e == NIC_LINE_VLAN_TWICE ? "vlan" : "legacy");
        break;
    case NIC_LINE_OPTION:
        snprintf(why, why_size, "nic %u: unknown option '%.*s' (vlan=N or legacy)", l->index,
                 FIELD(l->bad, l->bad_len));
        break;
    }
}

/* The value of a nic= line (tools/lib/nic_line.h) into the next of @c->nics. */
static void parse_nic(const char *value, size_t len, struct vm_config *c, char *why,
                      size_t why_size)
{
    struct vm_nic *n = &c->nics[c->nic_count];
    enum nic_line_error e;
    struct nic_line l;

    if (c->nic_count == VM_NICS_MAX) {
        snprintf(why, why_size, "more than %d nic= lines (a VM has at most %d NICs)", VM_NICS_MAX,
                 VM_NICS_MAX);
        return;
    }
    e = nic_line_parse(value, len, &l);
    if (e != NIC_LINE_OK) {
        nic_line_why(e, &l, value, len, why, why_size);
        return;
    }
    memset(n, 0, sizeof(*n));
    n->index = l.index;
    memcpy(n->switch_name, l.switch_name, l.switch_len);
    memcpy(n->bridge, l.bridge, l.bridge_len);
    memcpy(n->mac, l.mac, MAC_LEN);
    n->vlan = l.vlan;
    n->legacy = l.legacy;
    /* What the worker cannot know: whether the bridge is the switch's. */
    if (check_nic(n, why, why_size) != 0)
        return;
    c->nic_count++;
}

/* @key of @len bytes, quoted for a message: at most 40 characters, control ones as '?'. */
static void quote_key(const char *key, size_t len, char *out, size_t out_size)
{
    size_t n = 0;

    for (size_t i = 0; i < len && i < 40 && n + 1 < out_size; i++) {
        unsigned char ch = (unsigned char)key[i];

        out[n++] = (ch < 0x20 || ch == 0x7f) ? '?' : (char)ch;
    }
    out[n] = '\0';
}

/* One "key=value" line (not blank, not a comment). */
static int parse_line(const char *line, size_t len, unsigned line_no, struct vm_config *c,
                      unsigned seen_on[KEY_COUNT], struct item_lines *items, char *err,
                      size_t err_size)
{
    const char *eq = memchr(line, '=', len);
    const char *value;
    size_t key_len, value_len;
    enum config_key key;
    char why[WHY_MAX];
    uint64_t number;

    if (line[0] == ' ' || line[0] == '\t') {
        snprintf(err, err_size, "line %u: space before the key", line_no);
        return -1;
    }
    if (eq == NULL) {
        snprintf(err, err_size, "line %u: expected key=value", line_no);
        return -1;
    }
    key_len = (size_t)(eq - line);
    value = eq + 1;
    value_len = len - key_len - 1;
    if (key_len > 0 && (line[key_len - 1] == ' ' || line[key_len - 1] == '\t')) {
        snprintf(err, err_size, "line %u: space before '='", line_no);
        return -1;
    }
    for (key = 0; key < KEY_COUNT; key++) {
        if (strlen(key_names[key]) == key_len && memcmp(key_names[key], line, key_len) == 0)
            break;
    }
    if (key == KEY_COUNT) {
        char quoted[64];

        quote_key(line, key_len, quoted, sizeof(quoted));
        snprintf(err, err_size, "line %u: unknown key '%s'", line_no, quoted);
        return -1;
    }
    if (seen_on[key] != 0 && !key_repeats[key]) {
        snprintf(err, err_size, "line %u: %s given a second time (first on line %u)", line_no,
                 key_names[key], seen_on[key]);
        return -1;
    }
    /* A repeated key's first line: the one a generation rule names. */
    if (seen_on[key] == 0)
        seen_on[key] = line_no;
    /* cmdline is the rest of the line as it is; anywhere else a space is a mistake. */
    if (key != KEY_CMDLINE && value_len > 0 && (value[0] == ' ' || value[0] == '\t')) {
        snprintf(err, err_size, "line %u: space after '='", line_no);
        return -1;
    }
    if (has_control_char(value, value_len)) {
        snprintf(err, err_size, "line %u: %s contains a control character", line_no,
                 key_names[key]);
        return -1;
    }

    why[0] = '\0';
    switch (key) {
    case KEY_NAME:
        if (copy_value(c->name, sizeof(c->name), value, value_len) != 0)
            snprintf(why, sizeof(why), "name is longer than %d characters", VM_NAME_MAX);
        else
            check_name(c->name, why, sizeof(why));
        break;
    case KEY_MEMORY:
        if (parse_decimal(value, value_len, &number) != 0)
            snprintf(why, sizeof(why), "memory '%.*s' is not a number of bytes",
                     (int)(value_len > 40 ? 40 : value_len), value);
        else if (check_memory(number, why, sizeof(why)) == 0)
            c->memory = number;
        break;
    case KEY_CPUS:
        if (parse_decimal(value, value_len, &number) != 0)
            snprintf(why, sizeof(why), "cpus '%.*s' is not a number",
                     (int)(value_len > 40 ? 40 : value_len), value);
        else if (check_cpus(number, why, sizeof(why)) == 0)
            c->cpus = (unsigned)number;
        break;
    case KEY_KERNEL:
    case KEY_INITRD: {
        char *field = key == KEY_KERNEL ? c->kernel : c->initrd;

        if (copy_value(field, VM_PATH_MAX, value, value_len) != 0)
            snprintf(why, sizeof(why), "%s is longer than %d bytes", key_names[key],
                     VM_PATH_MAX - 1);
        else
            check_path(key_names[key], field, why, sizeof(why));
        break;
    }
    case KEY_CMDLINE:
        if (copy_value(c->cmdline, sizeof(c->cmdline), value, value_len) != 0)
            snprintf(why, sizeof(why), "cmdline is longer than %d bytes (the Linux limit)",
                     VM_CMDLINE_MAX - 1);
        break;
    case KEY_DISK: {
        unsigned before = c->disk_count;

        parse_disk(value, value_len, c, why, sizeof(why));
        if (why[0] == '\0' && c->disk_count > before) {
            /* Twice the same LUN or path: say which line had it first. */
            const struct vm_disk *d = &c->disks[before];

            for (unsigned j = 0; j < before; j++) {
                if (c->disks[j].lun == d->lun)
                    snprintf(why, sizeof(why), "disk LUN %u given a second time (first on line %u)",
                             d->lun, items->disk[j]);
                else if (strcmp(c->disks[j].path, d->path) == 0)
                    snprintf(why, sizeof(why), "disk %s given a second time (first on line %u)",
                             d->path, items->disk[j]);
                if (why[0] != '\0')
                    break;
            }
            items->disk[before] = line_no;
        }
        break;
    }
    case KEY_NIC: {
        unsigned before = c->nic_count;

        parse_nic(value, value_len, c, why, sizeof(why));
        if (why[0] == '\0' && c->nic_count > before) {
            /* Twice the same index or MAC: say which line had it first. */
            const struct vm_nic *n = &c->nics[before];

            for (unsigned j = 0; j < before && why[0] == '\0'; j++) {
                if (c->nics[j].index == n->index) {
                    snprintf(why, sizeof(why),
                             "nic index %u given a second time (first on line %u)", n->index,
                             items->nic[j]);
                } else if (memcmp(c->nics[j].mac, n->mac, MAC_LEN) == 0) {
                    char mac[MAC_TEXT_MAX];

                    mac_format(n->mac, mac);
                    snprintf(why, sizeof(why), "MAC %s given a second time (first on line %u)", mac,
                             items->nic[j]);
                }
            }
            items->nic[before] = line_no;
        }
        break;
    }
    case KEY_IDE: {
        unsigned before = c->ide_count;

        parse_ide(value, value_len, c, why, sizeof(why));
        if (why[0] == '\0' && c->ide_count > before) {
            /* Twice the same slot or path: say which line had it first. */
            const struct vm_ide *d = &c->ide[before];

            for (unsigned j = 0; j < before && why[0] == '\0'; j++) {
                if (c->ide[j].channel == d->channel && c->ide[j].device == d->device)
                    snprintf(why, sizeof(why), "ide %u:%u given a second time (first on line %u)",
                             d->channel, d->device, items->ide[j]);
                else if (strcmp(c->ide[j].path, d->path) == 0)
                    snprintf(why, sizeof(why), "ide %s given a second time (first on line %u)",
                             d->path, items->ide[j]);
            }
            items->ide[before] = line_no;
        }
        break;
    }
    case KEY_GENERATION:
        /* "1" or "2", nothing else: hvctl writes "1", and "01" in a file is someone's slip. */
        if (value_len == 1 && (value[0] == '1' || value[0] == '2'))
            c->generation = (unsigned)(value[0] - '0');
        else
            snprintf(why, sizeof(why), "generation '%.*s' is neither 1 nor 2",
                     (int)(value_len > 40 ? 40 : value_len), value);
        break;
    case KEY_FIRMWARE:
        if (copy_value(c->firmware, sizeof(c->firmware), value, value_len) != 0)
            snprintf(why, sizeof(why), "firmware is longer than %d bytes", VM_PATH_MAX - 1);
        else
            check_path("firmware", c->firmware, why, sizeof(why));
        break;
    case KEY_COUNT:
        break;
    }
    if (why[0] != '\0') {
        snprintf(err, err_size, "line %u: %s", line_no, why);
        return -1;
    }
    return 0;
}

static bool is_blank_or_comment(const char *line, size_t len)
{
    size_t i = 0;

    while (i < len && (line[i] == ' ' || line[i] == '\t'))
        i++;
    return i == len || line[i] == '#';
}

/*
 * The generation's rules that name a line (the file's keys come in any
 * order, so only once all are read): a key the generation does not take,
 * even with an empty value, or one it needs that is missing.  What is left
 * (values) is vm_config_validate()'s.
 */
static int check_generation_lines(const struct vm_config *c, const unsigned seen_on[KEY_COUNT],
                                  const struct item_lines *items, char *err, size_t err_size)
{
    static const enum config_key kernel_keys[] = {KEY_KERNEL, KEY_INITRD, KEY_CMDLINE};

    if (c->generation == 1) {
        for (size_t i = 0; i < sizeof(kernel_keys) / sizeof(kernel_keys[0]); i++) {
            if (seen_on[kernel_keys[i]] != 0) {
                snprintf(err, err_size,
                         "line %u: %s= is for generation 2 VMs (this one is generation 1: its "
                         "firmware boots it)",
                         seen_on[kernel_keys[i]], key_names[kernel_keys[i]]);
                return -1;
            }
        }
        if (seen_on[KEY_FIRMWARE] == 0) {
            snprintf(err, err_size, "no firmware= line (a generation 1 VM needs one)");
            return -1;
        }
        return 0;
    }
    if (seen_on[KEY_KERNEL] == 0) {
        snprintf(err, err_size, "no kernel= line (name, memory, cpus and kernel are required)");
        return -1;
    }
    if (seen_on[KEY_FIRMWARE] != 0 || seen_on[KEY_IDE] != 0) {
        enum config_key key = seen_on[KEY_FIRMWARE] != 0 ? KEY_FIRMWARE : KEY_IDE;

        snprintf(err, err_size,
                 "line %u: %s= is for generation 1 VMs (there is no generation=1 line)",
                 seen_on[key], key_names[key]);
        return -1;
    }
    /* hvctl stored legacy for any VM before generation 1 existed: say how to mend such a file. */
    for (unsigned i = 0; i < c->nic_count; i++) {
        if (c->nics[i].legacy) {
            snprintf(err, err_size,
                     "line %u: nic %u: legacy (an emulated NIC) is for generation 1 VMs (there "
                     "is no generation=1 line): take ',legacy' off the line, a generation 2 VM's "
                     "NICs are synthetic",
                     items->nic[i], c->nics[i].index);
            return -1;
        }
    }
    return 0;
}

int vm_config_parse(const char *text, size_t len, struct vm_config *c, char *err, size_t err_size)
{
    unsigned seen_on[KEY_COUNT] = {0};
    struct item_lines items;
    unsigned line_no = 0;
    size_t pos = 0;

    memset(c, 0, sizeof(*c));
    memset(&items, 0, sizeof(items));
    c->generation = VM_GENERATION_DEFAULT;
    while (pos < len) {
        const char *line = text + pos;
        const char *nl = memchr(line, '\n', len - pos);
        size_t line_len = nl ? (size_t)(nl - line) : len - pos;

        line_no++;
        pos += line_len + (nl ? 1 : 0);
        if (memchr(line, '\0', line_len) != NULL) {
            snprintf(err, err_size, "line %u: contains a NUL byte", line_no);
            return -1;
        }
        if (is_blank_or_comment(line, line_len))
            continue;
        if (parse_line(line, line_len, line_no, c, seen_on, &items, err, err_size) != 0)
            return -1;
    }
    for (enum config_key key = 0; key < KEY_COUNT; key++) {
        if (key_required[key] && seen_on[key] == 0) {
            snprintf(err, err_size, "no %s= line (name, memory, cpus and kernel are required)",
                     key_names[key]);
            return -1;
        }
    }
    if (check_generation_lines(c, seen_on, &items, err, err_size) != 0)
        return -1;
    return vm_config_validate(c, err, err_size);
}

long vm_config_format(const struct vm_config *c, char *buf, size_t buf_size, char *err,
                      size_t err_size)
{
    size_t used;
    int n;

    if (vm_config_validate(c, err, err_size) != 0)
        return -1;
    /* A comment for whoever opens the file: it is ours, and how to change it. */
    if (c->generation == 1)
        n = snprintf(buf, buf_size,
                     "# hvcore VM configuration, written by hvctl: change it with \"hvctl set "
                     "%s\".\nname=%s\ngeneration=1\nmemory=%llu\ncpus=%u\nfirmware=%s\n",
                     c->name, c->name, (unsigned long long)c->memory, c->cpus, c->firmware);
    else /* no generation= line: the file of a generation 2 VM is what it always was */
        n = snprintf(buf, buf_size,
                     "# hvcore VM configuration, written by hvctl: change it with \"hvctl set "
                     "%s\".\nname=%s\nmemory=%llu\ncpus=%u\nkernel=%s\n%s%s%s%s%s%s",
                     c->name, c->name, (unsigned long long)c->memory, c->cpus, c->kernel,
                     c->initrd[0] ? "initrd=" : "", c->initrd, c->initrd[0] ? "\n" : "",
                     c->cmdline[0] ? "cmdline=" : "", c->cmdline, c->cmdline[0] ? "\n" : "");
    for (unsigned i = 0; n >= 0 && (size_t)n < buf_size && i < c->ide_count; i++) {
        const struct vm_ide *d = &c->ide[i];
        int more;

        used = (size_t)n;
        more = snprintf(buf + used, buf_size - used, "ide=%u:%u,%s,%s\n", d->channel, d->device,
                        vm_ide_media_name(d->media), d->path);
        n = more < 0 ? more : n + more;
    }
    for (unsigned i = 0; n >= 0 && (size_t)n < buf_size && i < c->disk_count; i++) {
        const struct vm_disk *d = &c->disks[i];
        int more;

        used = (size_t)n;
        more = snprintf(buf + used, buf_size - used, "disk=%u,%s,%s\n", d->lun,
                        d->read_only ? "ro" : "rw", d->path);
        n = more < 0 ? more : n + more;
    }
    for (unsigned i = 0; n >= 0 && (size_t)n < buf_size && i < c->nic_count; i++) {
        const struct vm_nic *nic = &c->nics[i];
        char mac[MAC_TEXT_MAX], vlan[24] = "";
        int more;

        mac_format(nic->mac, mac);
        if (nic->vlan != 0)
            snprintf(vlan, sizeof(vlan), ",vlan=%u", nic->vlan);
        used = (size_t)n;
        more = snprintf(buf + used, buf_size - used, "nic=%u,%s,%s,%s%s%s\n", nic->index,
                        nic->switch_name, nic->bridge, mac, vlan, nic->legacy ? ",legacy" : "");
        n = more < 0 ? more : n + more;
    }
    if (n < 0 || (size_t)n >= buf_size) {
        snprintf(err, err_size, "configuration too long for the buffer");
        return -1;
    }
    return n;
}

int vm_config_read(const char *path, struct vm_config *c, char *err, size_t err_size)
{
    char *text = malloc(VM_CONFIG_FILE_MAX);
    char why[WHY_MAX];
    size_t len;
    int rc = -1;

    if (text == NULL) {
        snprintf(err, err_size, "%s: out of memory", path);
        return -1;
    }
    if (read_small_file(path, text, VM_CONFIG_FILE_MAX, &len) != 0)
        snprintf(err, err_size, "%s: %s", path,
                 errno == EFBIG ? "too large to be a VM configuration" : strerror(errno));
    else if (vm_config_parse(text, len, c, why, sizeof(why)) != 0)
        snprintf(err, err_size, "%s: %s", path, why);
    else
        rc = 0;
    free(text);
    return rc;
}

int vm_config_write(const char *dir, const struct vm_config *c, char *err, size_t err_size)
{
    char *text = malloc(VM_CONFIG_TEXT_MAX);
    long len;
    int rc = -1;

    if (text == NULL) {
        snprintf(err, err_size, "out of memory");
        return -1;
    }
    len = vm_config_format(c, text, VM_CONFIG_TEXT_MAX, err, err_size);
    if (len >= 0)
        rc = write_file_atomic(dir, VM_CONFIG_FILE, text, (size_t)len, 0644, err, err_size);
    free(text);
    return rc;
}
