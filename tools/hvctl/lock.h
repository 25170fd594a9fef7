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

#endif
