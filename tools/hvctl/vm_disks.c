// SPDX-License-Identifier: GPL-2.0-only
/* A VM's disks in its configuration (see vm_disks.h). */
#include <stdio.h>
#include <string.h>

#include "vm_disks.h"

/* A disk option word: letters and '-', at least one. */
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

int vm_disk_option_parse(const char *text, char *path, size_t path_size, bool *read_only, char *err,
                         size_t err_size)
{
    const char *comma = strrchr(text, ',');
    size_t len = strlen(text);
    bool ro = false;

    if (comma != NULL && comma[1] == '\0') {
        /* "PATH,": no option; the comma only ends the path. */
        len = (size_t)(comma - text);
    } else if (comma != NULL && is_option_word(comma + 1)) {
        if (strcmp(comma + 1, "readonly") != 0) {
            snprintf(err, err_size,
                     "--disk %s: unknown disk option '%s' (PATH or PATH,readonly; a path whose "
                     "last comma is followed by a word ends with one more comma)",
                     text, comma + 1);
            return -1;
        }
        ro = true;
        len = (size_t)(comma - text);
    }
    if (len == 0) {
        snprintf(err, err_size, "--disk %s: no path", text);
        return -1;
    }
    if (len >= path_size) {
        snprintf(err, err_size, "--disk: the path is longer than %zu bytes", path_size - 1);
        return -1;
    }
    memcpy(path, text, len);
    path[len] = '\0';
    *read_only = ro;
    return 0;
}

int vm_disk_lun_parse(const char *text, unsigned *lun, char *err, size_t err_size)
{
    unsigned long value = 0;
    size_t i;

    for (i = 0; text[i] >= '0' && text[i] <= '9'; i++) {
        if (value <= VM_DISK_LUN_MAX)
            value = value * 10 + (unsigned long)(text[i] - '0');
    }
    /* "0:1" is an IDE slot: IDE devices have no LUN, and no hot plug either. */
    if (i == 1 && text[1] == ':') {
        snprintf(err, err_size,
                 "--lun %s is an IDE slot, not a LUN: IDE devices change only while the VM is off, "
                 "with hvctl ide set and hvctl ide remove",
                 text);
        return -1;
    }
    if (i == 0 || text[i] != '\0') {
        snprintf(err, err_size, "--lun %s is not a whole number", text);
        return -1;
    }
    if (value > VM_DISK_LUN_MAX) {
        snprintf(err, err_size, "--lun %s is out of range (0 to %d)", text, VM_DISK_LUN_MAX);
        return -1;
    }
    *lun = (unsigned)value;
    return 0;
}

int vm_disk_find_lun(const struct vm_config *c, unsigned lun)
{
    for (unsigned i = 0; i < c->disk_count; i++) {
        if (c->disks[i].lun == lun)
            return (int)i;
    }
    return -1;
}

int vm_disk_find_path(const struct vm_config *c, const char *path)
{
    for (unsigned i = 0; i < c->disk_count; i++) {
        if (strcmp(c->disks[i].path, path) == 0)
            return (int)i;
    }
    return -1;
}

int vm_disk_free_lun(const struct vm_config *c)
{
    for (unsigned lun = 0; lun <= VM_DISK_LUN_MAX; lun++) {
        if (vm_disk_find_lun(c, lun) < 0)
            return (int)lun;
    }
    return -1;
}

int vm_disk_add(struct vm_config *c, int lun, bool read_only, const char *path, char *err,
                size_t err_size)
{
    int taken = vm_disk_find_path(c, path);
    unsigned at;

    if (taken >= 0) {
        snprintf(err, err_size, "%s has %s already (LUN %u)", c->name, path, c->disks[taken].lun);
        return -1;
    }
    /* One image, one device: as an IDE disk and a SCSI disk it would be written twice over. */
    for (unsigned i = 0; i < c->ide_count; i++) {
        if (strcmp(c->ide[i].path, path) == 0) {
            snprintf(err, err_size, "%s has %s already (IDE %u:%u)", c->name, path,
                     c->ide[i].channel, c->ide[i].device);
            return -1;
        }
    }
    if (c->disk_count >= VM_DISKS_MAX) {
        snprintf(err, err_size, "%s has %d disks already, the most a VM can have", c->name,
                 VM_DISKS_MAX);
        return -1;
    }
    if (lun < 0) {
        lun = vm_disk_free_lun(c);
    } else if (lun > VM_DISK_LUN_MAX) {
        snprintf(err, err_size, "LUN %d is out of range (0 to %d)", lun, VM_DISK_LUN_MAX);
        return -1;
    } else if ((taken = vm_disk_find_lun(c, (unsigned)lun)) >= 0) {
        snprintf(err, err_size, "%s's LUN %d is taken by %s", c->name, lun, c->disks[taken].path);
        return -1;
    }
    if (strlen(path) >= VM_PATH_MAX) {
        snprintf(err, err_size, "the disk's path is longer than %d bytes", VM_PATH_MAX - 1);
        return -1;
    }
    for (at = 0; at < c->disk_count && c->disks[at].lun < (unsigned)lun; at++) {
    }
    memmove(&c->disks[at + 1], &c->disks[at], (c->disk_count - at) * sizeof(c->disks[0]));
    c->disks[at].lun = (unsigned)lun;
    c->disks[at].read_only = read_only;
    strcpy(c->disks[at].path, path);
    c->disk_count++;
    return lun;
}

void vm_disk_remove(struct vm_config *c, unsigned index)
{
    if (index >= c->disk_count)
        return;
    memmove(&c->disks[index], &c->disks[index + 1],
            (c->disk_count - index - 1) * sizeof(c->disks[0]));
    c->disk_count--;
}
