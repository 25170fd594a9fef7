// SPDX-License-Identifier: GPL-2.0-only
/* start, stop, pause, resume, status: a VM's worker (see commands.h). */
#include <stdio.h>
#include <string.h>

#include "boot_files.h"
#include "commands.h"
#include "lock.h"
#include "msg.h"
#include "vm_lookup.h"
#include "worker.h"

int cmd_start(const struct hvctl_paths *paths, const struct hvctl_args *args)
{
    struct vm_config c;
    struct vm_status st;
    char err[HVCTL_ERR_MAX], config_path[VM_PATH_MAX];
    int lock_fd = vm_lock_existing(paths, args->name);
    int status = HVCTL_EXIT_ERROR;
    enum vm_state state;

    if (lock_fd < 0)
        return HVCTL_EXIT_ERROR;
    path_vm_config(paths, args->name, config_path);
    state = worker_state(paths, args->name, lock_fd, &st, err, sizeof(err));
    if (state != VM_STATE_OFF && state != VM_STATE_CRASHED) {
        hvctl_error("%s is already running%s", args->name,
                    state == VM_STATE_PAUSED ? " (paused: hvctl resume continues it)" : "");
    } else if (vm_read_config(paths, args->name, &c, err, sizeof(err)) != 0) {
        hvctl_error("cannot start %s: %s", args->name, err);
    } else if (boot_file_check(c.kernel, err, sizeof(err)) != 0) {
        /* The worker would say so too, but later and less plainly. */
        hvctl_error("cannot start %s: kernel %s", args->name, err);
    } else if (c.initrd[0] != '\0' && boot_file_check(c.initrd, err, sizeof(err)) != 0) {
        hvctl_error("cannot start %s: initrd %s", args->name, err);
    } else if (worker_start(paths, args->name, config_path) == 0) {
        status = HVCTL_EXIT_OK;
    }
    vm_unlock(lock_fd);
    return status;
}

int cmd_stop(const struct hvctl_paths *paths, const struct hvctl_args *args)
{
    int lock_fd, status = HVCTL_EXIT_ERROR;
    pid_t pid;

    if (!(args->given & OPT_TURN_OFF)) {
        if (vm_check_exists(paths, args->name) != 0)
            return HVCTL_EXIT_ERROR;
        /* A graceful stop needs the guest's cooperation (ACPI power button, or the VMBus
         * shutdown service): not there yet.  Doing nothing is the honest answer. */
        hvctl_error("a graceful stop is not implemented yet, nothing done: "
                    "hvctl stop --turn-off %s powers it off at once",
                    args->name);
        return HVCTL_EXIT_ERROR;
    }
    lock_fd = vm_lock_existing(paths, args->name);
    if (lock_fd < 0)
        return HVCTL_EXIT_ERROR;
    pid = worker_pid(paths, args->name, lock_fd);
    if (pid == 0)
        hvctl_error("%s is not running", args->name);
    else if (worker_turn_off(paths, args->name, pid) == 0)
        status = HVCTL_EXIT_OK;
    vm_unlock(lock_fd);
    return status;
}

/* pause and resume: @request is sent only if the VM is in @from_state. */
static int pause_or_resume(const struct hvctl_paths *paths, const char *name, const char *request,
                           enum vm_state from_state)
{
    struct vm_status st;
    char err[HVCTL_ERR_MAX];
    int lock_fd = vm_lock_existing(paths, name);
    int status = HVCTL_EXIT_ERROR;
    enum vm_state state;

    if (lock_fd < 0)
        return HVCTL_EXIT_ERROR;
    state = worker_state(paths, name, lock_fd, &st, err, sizeof(err));
    if (state == VM_STATE_OFF || state == VM_STATE_CRASHED)
        hvctl_error("%s is not running%s", name, state == VM_STATE_CRASHED ? " (it crashed)" : "");
    else if (state == VM_STATE_UNKNOWN)
        hvctl_error("cannot %s %s: %s", request, name, err);
    else if (state != from_state && state == VM_STATE_PAUSED)
        hvctl_error("%s is paused already", name);
    else if (state != from_state)
        hvctl_error("%s is not paused (it is running)", name);
    else if (worker_request(paths, name, request, err, sizeof(err)) != 0)
        hvctl_error("cannot %s %s: %s", request, name, err);
    else
        status = HVCTL_EXIT_OK;
    vm_unlock(lock_fd);
    return status;
}

int cmd_pause(const struct hvctl_paths *paths, const struct hvctl_args *args)
{
    return pause_or_resume(paths, args->name, "pause", VM_STATE_RUNNING);
}

int cmd_resume(const struct hvctl_paths *paths, const struct hvctl_args *args)
{
    return pause_or_resume(paths, args->name, "resume", VM_STATE_PAUSED);
}

int cmd_status(const struct hvctl_paths *paths, const struct hvctl_args *args)
{
    struct vm_status st;
    char err[HVCTL_ERR_MAX];

    if (vm_check_exists(paths, args->name) != 0)
        return HVCTL_EXIT_ERROR;
    if (worker_state(paths, args->name, -1, &st, err, sizeof(err)) == VM_STATE_UNKNOWN) {
        hvctl_error("%s has a worker, but it did not answer: %s", args->name, err);
        return HVCTL_EXIT_ERROR;
    }
    printf("%s\n", vm_state_name(st.state));
    return HVCTL_EXIT_OK;
}
