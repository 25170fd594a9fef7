/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * VM names.  A name is also a directory name under the state and runtime
 * directories and part of a Unix socket path, hence the narrow alphabet:
 * 1 to 63 characters of [A-Za-z0-9._-], the first a letter or a digit (so
 * that no name is ".", "..", a hidden file or looks like an option).
 */
#ifndef HVCTL_NAMES_H
#define HVCTL_NAMES_H

#include <stdbool.h>
#include <stddef.h>

#define VM_NAME_MAX 63 /* characters, without the NUL */

/*
 * True if @name is a valid VM name.  Otherwise false, with the reason in
 * @why ("is empty", "must start with a letter or a digit", ...), to be
 * printed after the name.
 */
bool vm_name_valid(const char *name, char *why, size_t why_size);

#endif
