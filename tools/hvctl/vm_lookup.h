/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The first steps of every command on one VM: is NAME a valid name, does
 * the VM exist, take its lock.  Each prints the error itself.
 */
#ifndef HVCTL_VM_LOOKUP_H
#define HVCTL_VM_LOOKUP_H

#include <stddef.h>

#include "paths.h"
#include "vm_config.h"

/* 0 if @name is a valid VM name, else -1 after "invalid VM name ...". */
int vm_check_name(const char *name);

/* 0 if @name is valid and the VM exists, else -1 after saying which is not so. */
int vm_check_exists(const struct hvctl_paths *paths, const char *name);

/* vm_check_exists(), then the VM's lock (lock.h, waiting): its descriptor, or -1. */
int vm_lock_existing(const struct hvctl_paths *paths, const char *name);

/*
 * Reads VM @name's vm.conf into @c.  0, or -1 with "PATH: reason" in @err,
 * also when its name= is not @name (a directory copied by hand): its worker
 * would run under the wrong name.
 */
int vm_read_config(const struct hvctl_paths *paths, const char *name, struct vm_config *c,
                   char *err, size_t err_size);

#endif
