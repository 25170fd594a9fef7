// SPDX-License-Identifier: GPL-2.0-only
/*
 * disk attach, detach, list: a VM's disks.  Under the VM's lock: read
 * vm.conf, check, tell a running worker (disk-attach / disk-detach on its
 * control socket, control.h) and only when it said "ok" write vm.conf.  A
 * VM that is off only gets its vm.conf changed.  These are the disks of the
 * SCSI controller, which takes disks while it runs; a generation 1 VM's IDE
 * devices have no hot plug, and are hvctl ide's (ide_commands.c).
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <disk/disk.h>

#include "commands.h"
#include "control.h"
#include "disk_check.h"
#include "lock.h"
#include "msg.h"
#include "size.h"
#include "vm_disks.h"
#include "vm_ide.h"
#include "vm_lookup.h"
#include "worker.h"

/* vm.conf with 64 disk paths is too large for the stack: one configuration per command. */
static struct vm_config config;

/*
 * Whether VM @name runs (1) or is off (0): -1 after saying why neither
 * (its worker does not answer).
 */
static int running(const struct hvctl_paths *paths, const char *name, int lock_fd)
{
    struct vm_status st;
    char err[HVCTL_ERR_MAX];
    enum vm_state state = worker_state(paths, name, lock_fd, &st, err, sizeof(err));

    if (state == VM_STATE_UNKNOWN) {
        hvctl_error("%s has a worker, but it did not answer: %s", name, err);
        return -1;
    }
    return state == VM_STATE_RUNNING || state == VM_STATE_PAUSED;
}

/* Tells a running worker to detach @lun again; a warning if it does not. */
static void undo_attach(const struct hvctl_paths *paths, const char *name, unsigned lun)
{
    char request[64], err[HVCTL_ERR_MAX];

    control_disk_detach_request(lun, request, sizeof(request));
    if (worker_request(paths, name, request, err, sizeof(err)) != 0)
        hvctl_warning("%s keeps the disk at LUN %u until it stops: %s", name, lun, err);
}

/* Gives a running worker the disk @d back after a detach; a warning if it does not take it. */
static void undo_detach(const struct hvctl_paths *paths, const char *name, const struct vm_disk *d)
{
    char request[CONTROL_REQUEST_MAX], err[HVCTL_ERR_MAX];

    if (control_disk_attach_request(d->lun, d->read_only, d->path, request, sizeof(request), err,
                                    sizeof(err)) != 0 ||
        worker_request(paths, name, request, err, sizeof(err)) != 0)
        hvctl_warning("%s lost the disk %s (LUN %u) until it restarts: %s", name, d->path, d->lun,
                      err);
}

/* Writes @config as VM @name's vm.conf, atomically. */
static int save(const struct hvctl_paths *paths, const char *name, char *err, size_t err_size)
{
    char dir[VM_PATH_MAX];

    path_vm_dir(paths, name, dir);
    return vm_config_write(dir, &config, err, err_size);
}

static int attach_locked(const struct hvctl_paths *paths, const struct hvctl_args *args,
                         int lock_fd, int want_lun)
{
    const char *name = args->name;
    bool read_only = (args->given & OPT_READONLY) != 0;
    char err[HVCTL_ERR_MAX], path[VM_PATH_MAX], request[CONTROL_REQUEST_MAX];
    int lun, on;

    if (vm_read_config(paths, name, &config, err, sizeof(err)) != 0) {
        hvctl_error("%s", err);
        return HVCTL_EXIT_ERROR;
    }
    if (disk_resolve(args->operands[1], path, sizeof(path), err, sizeof(err)) != 0) {
        hvctl_error("%s", err);
        return HVCTL_EXIT_ERROR;
    }
    lun = vm_disk_add(&config, want_lun, read_only, path, err, sizeof(err));
    if (lun < 0) {
        hvctl_error("cannot attach %s: %s", path, err);
        return HVCTL_EXIT_ERROR;
    }
    if (vm_config_validate(&config, err, sizeof(err)) != 0) {
        hvctl_error("cannot attach %s: %s", path, err);
        return HVCTL_EXIT_ERROR;
    }
    if (disk_check_opens(path, read_only, err, sizeof(err)) != 0) {
        hvctl_error("cannot attach %s: %s", path, err);
        return HVCTL_EXIT_ERROR;
    }
    on = running(paths, name, lock_fd);
    if (on < 0)
        return HVCTL_EXIT_ERROR;
    if (on) {
        if (control_disk_attach_request((unsigned)lun, read_only, path, request, sizeof(request),
                                        err, sizeof(err)) != 0 ||
            worker_request(paths, name, request, err, sizeof(err)) != 0) {
            hvctl_error("cannot attach %s to %s: %s", path, name, err);
            return HVCTL_EXIT_ERROR;
        }
    }
    if (save(paths, name, err, sizeof(err)) != 0) {
        if (on)
            undo_attach(paths, name, (unsigned)lun);
        hvctl_error("cannot attach %s to %s: %s", path, name, err);
        return HVCTL_EXIT_ERROR;
    }
    printf("attached %s to %s at LUN %d%s\n", path, name, lun, read_only ? ", read-only" : "");
    return HVCTL_EXIT_OK;
}

/*
 * Attach and detach alike: check the VM exists and --lun parses, then run
 * @locked (-1 for no --lun) under the VM's lock.
 */
static int under_vm_lock(const struct hvctl_paths *paths, const struct hvctl_args *args,
                         int (*locked)(const struct hvctl_paths *, const struct hvctl_args *, int,
                                       int))
{
    char err[HVCTL_ERR_MAX];
    unsigned lun = 0;
    int lock_fd, status;

    if (vm_check_exists(paths, args->name) != 0)
        return HVCTL_EXIT_ERROR;
    if ((args->given & OPT_LUN) && vm_disk_lun_parse(args->lun, &lun, err, sizeof(err)) != 0) {
        hvctl_error("%s", err);
        return HVCTL_EXIT_ERROR;
    }
    lock_fd = vm_lock_existing(paths, args->name);
    if (lock_fd < 0)
        return HVCTL_EXIT_ERROR;
    status = locked(paths, args, lock_fd, (args->given & OPT_LUN) ? (int)lun : -1);
    vm_unlock(lock_fd);
    return status;
}

int cmd_disk_attach(const struct hvctl_paths *paths, const struct hvctl_args *args)
{
    return under_vm_lock(paths, args, attach_locked);
}

/*
 * The index of the disk detach means: at --lun, or PATH (canonical if it
 * still exists, else as given, made absolute).  -1 after saying there is none.
 */
static int find_disk(const struct hvctl_args *args, unsigned lun)
{
    char path[VM_PATH_MAX], cwd[PATH_MAX];
    const char *arg = args->operands[1];
    int at;

    if (args->given & OPT_LUN) {
        at = vm_disk_find_lun(&config, lun);
        if (at < 0)
            hvctl_error("%s has no disk at LUN %u (hvctl disk list %s)", args->name, lun,
                        args->name);
        return at;
    }
    if (realpath(arg, path) == NULL || strlen(path) >= sizeof(path)) {
        if (arg[0] == '/' || getcwd(cwd, sizeof(cwd)) == NULL)
            snprintf(path, sizeof(path), "%s", arg);
        else if ((size_t)snprintf(path, sizeof(path), "%s/%s", cwd, arg) >= sizeof(path))
            snprintf(path, sizeof(path), "%s", arg);
    }
    at = vm_disk_find_path(&config, path);
    if (at < 0)
        at = vm_disk_find_path(&config, arg);
    if (at >= 0)
        return at;
    at = vm_ide_find_path(&config, path);
    if (at < 0)
        at = vm_ide_find_path(&config, arg);
    if (at >= 0) {
        /* An IDE controller has no hot plug: the guest would not be told. */
        const struct vm_ide *d = &config.ide[at];

        hvctl_error("%s is %s's IDE %u:%u, not a SCSI disk: IDE devices have no hot plug (hvctl "
                    "ide remove %s %u:%u, while it is off)",
                    d->path, args->name, d->channel, d->device, args->name, d->channel, d->device);
        return -1;
    }
    hvctl_error("%s has no disk %s (hvctl disk list %s)", args->name, path, args->name);
    return -1;
}

static int detach_locked(const struct hvctl_paths *paths, const struct hvctl_args *args,
                         int lock_fd, int want_lun)
{
    const char *name = args->name;
    char err[HVCTL_ERR_MAX], request[CONTROL_REQUEST_MAX];
    struct vm_disk gone;
    int at, on;

    if (vm_read_config(paths, name, &config, err, sizeof(err)) != 0) {
        hvctl_error("%s", err);
        return HVCTL_EXIT_ERROR;
    }
    at = find_disk(args, (unsigned)want_lun);
    if (at < 0)
        return HVCTL_EXIT_ERROR;
    gone = config.disks[at];
    on = running(paths, name, lock_fd);
    if (on < 0)
        return HVCTL_EXIT_ERROR;
    if (on) {
        control_disk_detach_request(gone.lun, request, sizeof(request));
        if (worker_request(paths, name, request, err, sizeof(err)) != 0) {
            hvctl_error("cannot detach %s from %s: %s", gone.path, name, err);
            return HVCTL_EXIT_ERROR;
        }
    }
    vm_disk_remove(&config, (unsigned)at);
    if (save(paths, name, err, sizeof(err)) != 0) {
        if (on)
            undo_detach(paths, name, &gone);
        hvctl_error("cannot detach %s from %s: %s", gone.path, name, err);
        return HVCTL_EXIT_ERROR;
    }
    printf("detached %s (LUN %u) from %s\n", gone.path, gone.lun, name);
    return HVCTL_EXIT_OK;
}

int cmd_disk_detach(const struct hvctl_paths *paths, const struct hvctl_args *args)
{
    return under_vm_lock(paths, args, detach_locked);
}

const char *disk_image_summary(const char *path, bool vm_on, char *size, size_t size_len)
{
    static struct disk_info info;
    char why[DISK_ERR_MAX] = "";
    struct disk *image;
    int rc = disk_open(path, DISK_OPEN_READ_ONLY, &image, why, sizeof(why));

    if (rc == 0) {
        disk_get_info(image, &info);
        disk_close(image);
        size_format_exact(info.virtual_size, size, size_len);
        return disk_format_name(info.format);
    }
    /* A running VM holds its writable disks: not a problem, only unknown here. */
    if (!(rc == -EBUSY && vm_on))
        hvctl_warning("%s", why[0] ? why : strerror(-rc));
    snprintf(size, size_len, "-");
    return "-";
}

int vm_read_for_list(const struct hvctl_paths *paths, const char *name, struct vm_config *c,
                     bool *on)
{
    char err[HVCTL_ERR_MAX];
    struct vm_status st;
    enum vm_state state;

    if (vm_check_exists(paths, name) != 0)
        return -1;
    if (vm_read_config(paths, name, c, err, sizeof(err)) != 0) {
        hvctl_error("%s", err);
        return -1;
    }
    state = worker_state(paths, name, -1, &st, err, sizeof(err));
    *on = state != VM_STATE_OFF && state != VM_STATE_CRASHED;
    return 0;
}

int cmd_disk_list(const struct hvctl_paths *paths, const struct hvctl_args *args)
{
    char size[SIZE_TEXT_MAX];
    const char *format;
    bool on;

    if (vm_read_for_list(paths, args->name, &config, &on) != 0)
        return HVCTL_EXIT_ERROR;
    printf("%-4s %-5s %-7s %-7s %s\n", "LUN", "MODE", "FORMAT", "SIZE", "PATH");
    for (unsigned i = 0; i < config.disk_count; i++) {
        const struct vm_disk *d = &config.disks[i];

        format = disk_image_summary(d->path, on, size, sizeof(size));
        printf("%-4u %-5s %-7s %-7s %s\n", d->lun, d->read_only ? "ro" : "rw", format, size,
               d->path);
    }
    if (fflush(stdout) != 0) {
        hvctl_error("writing the list: %s", strerror(errno));
        return HVCTL_EXIT_ERROR;
    }
    return HVCTL_EXIT_OK;
}
