/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Where things are.  Persistent state (survives reboots: the parent mounts
 * its ext4 data partition there):
 *   $HVCORE_STATE_DIR, default /var/lib/hvcore
 *     vms/NAME/vm.conf        a VM's configuration (vm_config.h)
 *     switches/NAME.conf      a virtual switch's configuration (switch_config.h)
 *     host.conf               the host's settings: its MAC pool (host_config.h)
 * Runtime state (a tmpfs, empty after boot), written mostly by the worker:
 *   $HVCORE_RUN_DIR, default /run/hvcore
 *     NAME/vmwp.pid           the running worker's pid
 *     NAME/control.sock       its control socket (control.h)
 *     NAME/console.sock       the guest's COM1
 *     NAME/console.log        everything the guest wrote to COM1
 *     NAME/vmwp.log           the worker's stdout and stderr
 */
#ifndef HVCTL_PATHS_H
#define HVCTL_PATHS_H

#include <stddef.h>

#include "vm_config.h"

#define STATE_DIR_ENV     "HVCORE_STATE_DIR"
#define STATE_DIR_DEFAULT "/var/lib/hvcore"
#define RUN_DIR_ENV       "HVCORE_RUN_DIR"
#define RUN_DIR_DEFAULT   "/run/hvcore"

#define VMS_SUBDIR      "vms"
#define SWITCHES_SUBDIR "switches"
#define WORKER_PID_FILE "vmwp.pid"
#define WORKER_LOG_FILE "vmwp.log"
#define CONTROL_SOCKET  "control.sock"
#define CONSOLE_SOCKET  "console.sock"
#define CONSOLE_LOG     "console.log"
#define CRASH_RECORD    "crashed" /* vmwp writes it when a guest fault stopped the VM */

/*
 * Room under a base directory for "/vms/NAME/.vm.conf.XXXXXX" and the like,
 * so that no path built from one is ever truncated.
 */
#define PATHS_DIR_MAX (VM_PATH_MAX - 128)

struct hvctl_paths {
    char state_dir[PATHS_DIR_MAX]; /* absolute, no trailing '/' (unless it is "/") */
    char run_dir[PATHS_DIR_MAX];
};

/*
 * Takes both directories from the environment (an empty variable counts as
 * unset) or the defaults.  0, or -1 with the reason in @err (not absolute,
 * too long).
 */
int paths_from_env(struct hvctl_paths *p, char *err, size_t err_size);

/* The paths built from them; @buf has VM_PATH_MAX bytes. */
void path_vms_dir(const struct hvctl_paths *p, char *buf);
void path_vm_dir(const struct hvctl_paths *p, const char *name, char *buf);
void path_vm_config(const struct hvctl_paths *p, const char *name, char *buf);
void path_vm_run_dir(const struct hvctl_paths *p, const char *name, char *buf);
void path_vm_run_file(const struct hvctl_paths *p, const char *name, const char *file, char *buf);
void path_switches_dir(const struct hvctl_paths *p, char *buf);
void path_switch_config(const struct hvctl_paths *p, const char *name, char *buf);
void path_host_config(const struct hvctl_paths *p, char *buf);

#endif
