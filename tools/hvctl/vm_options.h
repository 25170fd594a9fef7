/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The options that make a configuration, --memory, --cpus, --kernel,
 * --initrd, --no-initrd, --cmdline and --firmware, as "create" and "set"
 * take them, and create's --generation.
 */
#ifndef HVCTL_VM_OPTIONS_H
#define HVCTL_VM_OPTIONS_H

#include <stddef.h>
#include <stdint.h>

#include "args.h"
#include "vm_config.h"

/*
 * --memory: a size (size.h), a multiple of 1 MiB, at least 64 MiB and at
 * most @host_ram (0: unknown, not checked).  0, or -1 with the reason in @err.
 */
int vm_option_memory(const char *text, uint64_t host_ram, uint64_t *bytes, char *err,
                     size_t err_size);

/* --cpus: a whole number from 1 to 64.  0, or -1 with the reason in @err. */
int vm_option_cpus(const char *text, unsigned *cpus, char *err, size_t err_size);

/* --generation: 1 or 2.  0, or -1 with the reason in @err. */
int vm_option_generation(const char *text, unsigned *generation, char *err, size_t err_size);

/*
 * Puts the options given in @args into @c, checking each (the kernel,
 * initrd and firmware must be readable regular files; relative paths
 * become absolute).  @c->generation must be set already (create sets it
 * from --generation first; set keeps the VM's: a generation never
 * changes); an option the generation does not take is refused.  A
 * generation 1 @c without a firmware gets VM_FIRMWARE_DEFAULT, which must
 * be there too.  @c is changed only if all are right.  0, or -1 with the
 * reason in @err.
 */
int vm_options_apply(const struct hvctl_args *args, uint64_t host_ram, struct vm_config *c,
                     char *err, size_t err_size);

#endif
