/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The kernel and initrd a VM boots: they must be readable regular files
 * when the VM is created or changed, and again when it starts.
 */
#ifndef HVCTL_BOOT_FILES_H
#define HVCTL_BOOT_FILES_H

#include <stddef.h>

/*
 * Checks that @given names a readable regular file and puts its absolute
 * path in @resolved (@resolved_size bytes): an absolute @given as it is, a
 * relative one through realpath().  0, or -1 with "GIVEN: reason" in @err.
 */
int boot_file_resolve(const char *given, char *resolved, size_t resolved_size, char *err,
                      size_t err_size);

/* Checks that the absolute @path is a readable regular file; as above. */
int boot_file_check(const char *path, char *err, size_t err_size);

#endif
