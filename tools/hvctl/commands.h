/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * hvctl's commands.  Each returns the exit status (msg.h) after printing
 * any error itself, and changes nothing when it fails.
 */
#ifndef HVCTL_COMMANDS_H
#define HVCTL_COMMANDS_H

#include "args.h"
#include "paths.h"

/* vm_commands.c: the configuration */
int cmd_create(const struct hvctl_paths *paths, const struct hvctl_args *args);
int cmd_set(const struct hvctl_paths *paths, const struct hvctl_args *args);
int cmd_show(const struct hvctl_paths *paths, const struct hvctl_args *args);
int cmd_delete(const struct hvctl_paths *paths, const struct hvctl_args *args);

/* power_commands.c: the worker */
int cmd_start(const struct hvctl_paths *paths, const struct hvctl_args *args);
int cmd_stop(const struct hvctl_paths *paths, const struct hvctl_args *args);
int cmd_pause(const struct hvctl_paths *paths, const struct hvctl_args *args);
int cmd_resume(const struct hvctl_paths *paths, const struct hvctl_args *args);
int cmd_status(const struct hvctl_paths *paths, const struct hvctl_args *args);

/* list.c */
int cmd_list(const struct hvctl_paths *paths, const struct hvctl_args *args);

/* console.c */
int cmd_console(const struct hvctl_paths *paths, const struct hvctl_args *args);

/* kvp.c */
int cmd_kvp(const struct hvctl_paths *paths, const struct hvctl_args *args);

/* disk_commands.c: disk images */
int cmd_disk_create(const struct hvctl_paths *paths, const struct hvctl_args *args);
int cmd_disk_info(const struct hvctl_paths *paths, const struct hvctl_args *args);
int cmd_disk_convert(const struct hvctl_paths *paths, const struct hvctl_args *args);
int cmd_disk_compact(const struct hvctl_paths *paths, const struct hvctl_args *args);
int cmd_disk_expand(const struct hvctl_paths *paths, const struct hvctl_args *args);

/* disk_vm_commands.c: a VM's disks */
int cmd_disk_attach(const struct hvctl_paths *paths, const struct hvctl_args *args);
int cmd_disk_detach(const struct hvctl_paths *paths, const struct hvctl_args *args);
int cmd_disk_list(const struct hvctl_paths *paths, const struct hvctl_args *args);
/* For the list commands: an image's format name ("-" if it does not open;
 * warned about unless @vm_on and the running VM holds it) and its virtual
 * size in @size. */
const char *disk_image_summary(const char *path, bool vm_on, char *size, size_t size_len);

/* For the list commands: VM @name's configuration into @c, and whether it
 * runs (its images may be locked then).  0, or -1 with the error printed. */
int vm_read_for_list(const struct hvctl_paths *paths, const char *name, struct vm_config *c,
                     bool *on);

/* switch_commands.c: the virtual switches */
int cmd_switch_create(const struct hvctl_paths *paths, const struct hvctl_args *args);
int cmd_switch_list(const struct hvctl_paths *paths, const struct hvctl_args *args);
int cmd_switch_delete(const struct hvctl_paths *paths, const struct hvctl_args *args);

/* nic_commands.c: a VM's network adapters */
int cmd_nic_add(const struct hvctl_paths *paths, const struct hvctl_args *args);
int cmd_nic_remove(const struct hvctl_paths *paths, const struct hvctl_args *args);
int cmd_nic_list(const struct hvctl_paths *paths, const struct hvctl_args *args);

/* ide_commands.c: a generation 1 VM's IDE devices */
int cmd_ide_set(const struct hvctl_paths *paths, const struct hvctl_args *args);
int cmd_ide_remove(const struct hvctl_paths *paths, const struct hvctl_args *args);
int cmd_ide_list(const struct hvctl_paths *paths, const struct hvctl_args *args);

#endif
