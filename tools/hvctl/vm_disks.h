/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * A VM's disks in its configuration (vm_config.h's disk= lines): the
 * --disk option of create, the choice of LUNs, adding and removing.  Pure:
 * nothing here touches a file (disk_check.h opens the images).
 */
#ifndef HVCTL_VM_DISKS_H
#define HVCTL_VM_DISKS_H

#include <stdbool.h>
#include <stddef.h>

#include "vm_config.h"

/*
 * create's --disk PATH[,readonly]: the path (not yet resolved) into @path
 * (@path_size bytes) and the mode into *@read_only.  The option is what
 * follows the last comma when it is a word of letters and '-' only
 * ("readonly"; an unknown one is an error), so a path may hold commas; a
 * path whose last comma is followed by such a word ends with one more
 * comma ("/vms/a,b," is the path "/vms/a,b").  0, or -1 with the reason in
 * @err.
 */
int vm_disk_option_parse(const char *text, char *path, size_t path_size, bool *read_only, char *err,
                         size_t err_size);

/* --lun N: a whole number from 0 to 63.  0, or -1 with the reason in @err (for an IDE
 * slot, C:D, that IDE devices are not attached or detached). */
int vm_disk_lun_parse(const char *text, unsigned *lun, char *err, size_t err_size);

/* The lowest LUN no disk of @c has, or -1 if all 64 are taken. */
int vm_disk_free_lun(const struct vm_config *c);

/* The index in @c->disks of the disk at @lun, or of the disk @path; -1 if none. */
int vm_disk_find_lun(const struct vm_config *c, unsigned lun);
int vm_disk_find_path(const struct vm_config *c, const char *path);

/*
 * Adds the disk @path (absolute) to @c at @lun, or at the lowest free LUN
 * if @lun is negative, keeping the disks sorted by LUN.  Refused: a 65th
 * disk, a LUN out of range or taken, a path @c has already (as a disk or
 * an IDE device).  The LUN, or -1 with the reason in @err (@c unchanged).
 */
int vm_disk_add(struct vm_config *c, int lun, bool read_only, const char *path, char *err,
                size_t err_size);

/* Removes the disk at @index of @c->disks. */
void vm_disk_remove(struct vm_config *c, unsigned index);

#endif
