// SPDX-License-Identifier: GPL-2.0-only
/* A VM's IDE devices in its configuration (see vm_ide.h). */
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "vm_ide.h"

/* An option word after the last comma: letters and '-', at least one (as --disk's). */
static bool is_option_word(const char *s)
{
    if (*s == '\0')
        return false;
    for (; *s != '\0'; s++) {
        if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') || *s == '-'))
            return false;
    }
    return true;
}

int vm_ide_slot_parse(const char *text, size_t len, unsigned *channel, unsigned *device, char *err,
                      size_t err_size)
{
    /* One digit each, as Hyper-V writes them: "00:1" would be a slip, not a slot. */
    if (len != 3 || text[1] != ':' || text[0] < '0' || text[0] >= '0' + VM_IDE_CHANNELS ||
        text[2] < '0' || text[2] >= '0' + VM_IDE_DEVICES) {
        snprintf(err, err_size,
                 "IDE slot '%.*s' is not C:D (channel C 0 or 1, device D 0 or 1: 0:0, 0:1, 1:0 "
                 "or 1:1)",
                 (int)(len > 40 ? 40 : len), text);
        return -1;
    }
    *channel = (unsigned)(text[0] - '0');
    *device = (unsigned)(text[2] - '0');
    return 0;
}

/* Whether @path ends in ".iso", in any case: what an ISO image is called. */
static bool is_iso_name(const char *path, size_t len)
{
    return len >= 4 && strncasecmp(path + len - 4, ".iso", 4) == 0;
}

int vm_ide_option_parse(const char *label, const char *text, struct ide_option *opt, char *err,
                        size_t err_size)
{
    const char *eq = strchr(text, '='), *path, *comma;
    char why[160];
    size_t len;
    bool has_option = false;

    if (eq == NULL) {
        snprintf(err, err_size,
                 "%s %s: not C:D=PATH (the slot, then the image: 0:0=/vms/disk.img, "
                 "1:0=/isos/install.iso)",
                 label, text);
        return -1;
    }
    if (vm_ide_slot_parse(text, (size_t)(eq - text), &opt->channel, &opt->device, why,
                          sizeof(why)) != 0) {
        snprintf(err, err_size, "%s %s: %s", label, text, why);
        return -1;
    }
    path = eq + 1;
    len = strlen(path);
    comma = strrchr(path, ',');
    opt->media = VM_IDE_RW;
    if (comma != NULL && comma[1] == '\0') {
        /* "PATH,": no option; the comma only ends the path. */
        len = (size_t)(comma - path);
    } else if (comma != NULL && is_option_word(comma + 1)) {
        if (strcmp(comma + 1, "readonly") == 0) {
            opt->media = VM_IDE_RO;
        } else if (strcmp(comma + 1, "dvd") == 0) {
            opt->media = VM_IDE_DVD;
        } else {
            snprintf(err, err_size,
                     "%s %s: unknown IDE option '%s' (C:D=PATH, C:D=PATH,readonly or "
                     "C:D=PATH,dvd; a path whose last comma is followed by a word ends with one "
                     "more comma)",
                     label, text, comma + 1);
            return -1;
        }
        has_option = true;
        len = (size_t)(comma - path);
    }
    if (len == 0) {
        snprintf(err, err_size, "%s %s: no path", label, text);
        return -1;
    }
    if (len >= sizeof(opt->path)) {
        snprintf(err, err_size, "%s: the path is longer than %zu bytes", label,
                 sizeof(opt->path) - 1);
        return -1;
    }
    memcpy(opt->path, path, len);
    opt->path[len] = '\0';
    /* An ISO image is a disc, not a hard disk: say ,readonly to have one as a disk anyway. */
    if (!has_option && is_iso_name(opt->path, len))
        opt->media = VM_IDE_DVD;
    return 0;
}

int vm_ide_find_slot(const struct vm_config *c, unsigned channel, unsigned device)
{
    for (unsigned i = 0; i < c->ide_count; i++) {
        if (c->ide[i].channel == channel && c->ide[i].device == device)
            return (int)i;
    }
    return -1;
}

int vm_ide_find_path(const struct vm_config *c, const char *path)
{
    for (unsigned i = 0; i < c->ide_count; i++) {
        if (strcmp(c->ide[i].path, path) == 0)
            return (int)i;
    }
    return -1;
}

const char *vm_ide_media_text(enum vm_ide_media media)
{
    switch (media) {
    case VM_IDE_RW:
        return "hard disk";
    case VM_IDE_RO:
        return "read-only hard disk";
    case VM_IDE_DVD:
        return "DVD drive";
    }
    return "?";
}

int vm_ide_set(struct vm_config *c, unsigned channel, unsigned device, enum vm_ide_media media,
               const char *path, bool replace, char *err, size_t err_size)
{
    int at = vm_ide_find_slot(c, channel, device), other = vm_ide_find_path(c, path);
    unsigned i;

    if (c->generation != 1) {
        snprintf(err, err_size,
                 "%s is a generation %u VM: IDE devices are for generation 1 VMs (give it SCSI "
                 "disks)",
                 c->name, c->generation);
        return -1;
    }
    if (channel >= VM_IDE_CHANNELS || device >= VM_IDE_DEVICES) {
        snprintf(err, err_size, "IDE slot %u:%u is out of range (0:0 to 1:1)", channel, device);
        return -1;
    }
    if (at >= 0 && !replace) {
        snprintf(err, err_size, "%s's IDE %u:%u is taken by %s", c->name, channel, device,
                 c->ide[at].path);
        return -1;
    }
    /* The same image at the same slot again (ide set with another mode) is a change, not a copy. */
    if (other >= 0 && other != at) {
        snprintf(err, err_size, "%s has %s already (IDE %u:%u)", c->name, path,
                 c->ide[other].channel, c->ide[other].device);
        return -1;
    }
    for (i = 0; i < c->disk_count; i++) {
        if (strcmp(c->disks[i].path, path) == 0) {
            snprintf(err, err_size, "%s has %s already (SCSI disk, LUN %u)", c->name, path,
                     c->disks[i].lun);
            return -1;
        }
    }
    if (strlen(path) >= VM_PATH_MAX) {
        snprintf(err, err_size, "the IDE device's path is longer than %d bytes", VM_PATH_MAX - 1);
        return -1;
    }
    if (at < 0) {
        for (i = 0; i < c->ide_count && c->ide[i].channel * VM_IDE_DEVICES + c->ide[i].device <
                                            channel * VM_IDE_DEVICES + device;
             i++) {
        }
        memmove(&c->ide[i + 1], &c->ide[i], (c->ide_count - i) * sizeof(c->ide[0]));
        c->ide_count++;
        at = (int)i;
    }
    c->ide[at].channel = channel;
    c->ide[at].device = device;
    c->ide[at].media = media;
    strcpy(c->ide[at].path, path);
    return 0;
}

void vm_ide_remove(struct vm_config *c, unsigned at)
{
    if (at >= c->ide_count)
        return;
    memmove(&c->ide[at], &c->ide[at + 1], (c->ide_count - at - 1) * sizeof(c->ide[0]));
    c->ide_count--;
}
