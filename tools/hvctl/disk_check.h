/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * A disk image as a VM's disk: where it is and whether it opens.  Used by
 * create --disk and disk attach before the configuration changes.
 */
#ifndef HVCTL_DISK_CHECK_H
#define HVCTL_DISK_CHECK_H

#include <stdbool.h>
#include <stddef.h>

/*
 * Makes @arg absolute and canonical (realpath: it must exist) into @path
 * (@path_size bytes).  0, or -1 with the reason in @err, naming @arg.
 */
int disk_resolve(const char *arg, char *path, size_t path_size, char *err, size_t err_size);

/*
 * Opens @path read-only as a disk (disk_open(), the disk library's lock
 * included: an image a running VM writes to is "in use") and closes it.
 * For a disk to be written (!@read_only) the image must not be open
 * anywhere else either, not even read-only (the library's shared lock):
 * the worker will lock it exclusively.  0, or the negative errno (-EBUSY:
 * in use) with the reason in @err.
 */
int disk_check_opens(const char *path, bool read_only, char *err, size_t err_size);

#endif
