/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * One hvctl at a time changes a VM: commands that change a VM or its worker
 * (set, delete, start, stop, pause, resume, the cleaning of a dead worker's
 * files) hold an exclusive flock() on the VM's directory $STATE/vms/NAME.
 * Otherwise "start" and "delete" of the same VM, run together, could leave a
 * worker whose configuration is gone.  The lock goes with the process.
 */
#ifndef HVCTL_LOCK_H
#define HVCTL_LOCK_H

#include <stdbool.h>

#include "paths.h"

/*
 * Locks VM @name, waiting for another hvctl if @wait, and checks that the
 * VM still exists once the lock is held (it may have been deleted while we
 * waited).  Returns the descriptor that holds the lock, or -1 with errno:
 * ENOENT there is no such VM, EWOULDBLOCK it is locked (and not @wait).
 */
int vm_lock(const struct hvctl_paths *paths, const char *name, bool wait);

void vm_unlock(int lock_fd);

/*
 * The host's network lock: an exclusive flock() on the state directory
 * itself.  Whatever reads the switches or the VMs' MAC addresses and then
 * changes them holds it: switch create and delete, create with --nic, nic
 * add, and start while it makes sure its switches' bridges exist.  So two
 * hvctl never give out the same MAC, and no switch goes while a NIC is
 * being put on it.  A VM's lock comes first and then this one; create
 * takes them the other way round, which is safe because its VM has no
 * vm.conf yet, and whoever else holds that VM's lock gives up without it.
 * Returns the descriptor that holds the lock, or -1 with errno.
 */
int net_lock(const struct hvctl_paths *paths);

void net_unlock(int lock_fd);

#endif
