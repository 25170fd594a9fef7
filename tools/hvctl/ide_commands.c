// SPDX-License-Identifier: GPL-2.0-only
/*
 * ide set, remove, list: a generation 1 VM's IDE devices (vm_config.h's
 * ide= lines).  An IDE controller has no hot plug (neither has Hyper-V's),
 * so set and remove want the VM off and change only vm.conf, under the
 * VM's lock: the worker attaches the devices at start.  disk attach and
 * detach are for the SCSI disks, which do change while a VM runs.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <disk/disk.h>

#include "commands.h"
#include "disk_check.h"
#include "lock.h"
#include "msg.h"
#include "size.h"
#include "vm_ide.h"
#include "vm_lookup.h"
#include "worker.h"

/* vm.conf with 64 disk paths is too large for the stack: one configuration per command. */
static struct vm_config config;

/* Under the VM's lock: 0 if @config is a generation 1 VM that is off, else -1 after saying why. */
static int check_settable(const struct hvctl_paths *paths, const char *name, int lock_fd,
                          const char *what)
{
    if (config.generation != 1) {
        hvctl_error("%s is a generation %u VM: IDE devices are for generation 1 VMs (hvctl disk "
                    "attach gives it SCSI disks)",
                    name, config.generation);
        return -1;
    }
    if (worker_pid(paths, name, lock_fd) != 0) {
        hvctl_error("%s is running: IDE devices can be %s only while it is off, as IDE has no hot "
                    "plug (hvctl stop %s)",
                    name, what, name);
        return -1;
    }
    return 0;
}

static int save(const struct hvctl_paths *paths, const char *name, const char *what)
{
    char dir[VM_PATH_MAX], err[HVCTL_ERR_MAX];

    path_vm_dir(paths, name, dir);
    if (vm_config_write(dir, &config, err, sizeof(err)) != 0) {
        hvctl_error("cannot %s: %s", what, err);
        return -1;
    }
    return 0;
}

int cmd_ide_set(const struct hvctl_paths *paths, const struct hvctl_args *args)
{
    const char *name = args->name;
    char err[HVCTL_ERR_MAX], path[VM_PATH_MAX], what[96], before[VM_PATH_MAX + 64] = "";
    struct ide_option opt;
    int lock_fd, at, status = HVCTL_EXIT_ERROR;

    if (vm_check_exists(paths, name) != 0)
        return HVCTL_EXIT_ERROR;
    if (vm_ide_option_parse("ide set", args->operands[1], &opt, err, sizeof(err)) != 0) {
        hvctl_error("%s", err);
        return HVCTL_EXIT_ERROR;
    }
    if (disk_resolve(opt.path, path, sizeof(path), err, sizeof(err)) != 0) {
        hvctl_error("%s", err);
        return HVCTL_EXIT_ERROR;
    }
    lock_fd = vm_lock_existing(paths, name);
    if (lock_fd < 0)
        return HVCTL_EXIT_ERROR;
    snprintf(what, sizeof(what), "set IDE %u:%u of %s", opt.channel, opt.device, name);
    if (vm_read_config(paths, name, &config, err, sizeof(err)) != 0) {
        hvctl_error("%s", err);
    } else if (check_settable(paths, name, lock_fd, "changed") != 0) {
        /* said why */
    } else {
        at = vm_ide_find_slot(&config, opt.channel, opt.device);
        if (at >= 0)
            snprintf(before, sizeof(before), " (was: %s %s)",
                     vm_ide_media_text(config.ide[at].media), config.ide[at].path);
        /* The image is opened as the worker will: a DVD's and a read-only disk's for reading. */
        if (vm_ide_set(&config, opt.channel, opt.device, opt.media, path, true, err, sizeof(err)) !=
                0 ||
            vm_config_validate(&config, err, sizeof(err)) != 0 ||
            disk_check_opens(path, opt.media != VM_IDE_RW, err, sizeof(err)) != 0) {
            hvctl_error("cannot %s: %s", what, err);
        } else if (save(paths, name, what) == 0) {
            printf("%s IDE %u:%u: %s %s%s\n", name, opt.channel, opt.device,
                   vm_ide_media_text(opt.media), path, before);
            status = HVCTL_EXIT_OK;
        }
    }
    vm_unlock(lock_fd);
    return status;
}

int cmd_ide_remove(const struct hvctl_paths *paths, const struct hvctl_args *args)
{
    const char *name = args->name, *slot = args->operands[1];
    char err[HVCTL_ERR_MAX], what[96];
    unsigned channel, device;
    int lock_fd, at, status = HVCTL_EXIT_ERROR;

    if (vm_check_exists(paths, name) != 0)
        return HVCTL_EXIT_ERROR;
    if (vm_ide_slot_parse(slot, strlen(slot), &channel, &device, err, sizeof(err)) != 0) {
        hvctl_error("%s", err);
        return HVCTL_EXIT_ERROR;
    }
    lock_fd = vm_lock_existing(paths, name);
    if (lock_fd < 0)
        return HVCTL_EXIT_ERROR;
    snprintf(what, sizeof(what), "remove IDE %u:%u from %s", channel, device, name);
    if (vm_read_config(paths, name, &config, err, sizeof(err)) != 0) {
        hvctl_error("%s", err);
    } else if ((at = vm_ide_find_slot(&config, channel, device)) < 0) {
        hvctl_error("%s has no IDE device at %u:%u (hvctl ide list %s)", name, channel, device,
                    name);
    } else if (check_settable(paths, name, lock_fd, "removed") == 0) {
        struct vm_ide gone = config.ide[at];

        vm_ide_remove(&config, (unsigned)at);
        if (save(paths, name, what) == 0) {
            printf("removed IDE %u:%u (%s %s) from %s\n", gone.channel, gone.device,
                   vm_ide_media_text(gone.media), gone.path, name);
            status = HVCTL_EXIT_OK;
        }
    }
    vm_unlock(lock_fd);
    return status;
}

int cmd_ide_list(const struct hvctl_paths *paths, const struct hvctl_args *args)
{
    char size[SIZE_TEXT_MAX];
    const char *format;
    bool on;

    if (vm_read_for_list(paths, args->name, &config, &on) != 0)
        return HVCTL_EXIT_ERROR;
    printf("%-5s %-6s %-7s %-7s %s\n", "SLOT", "MEDIA", "FORMAT", "SIZE", "PATH");
    for (unsigned i = 0; i < config.ide_count; i++) {
        const struct vm_ide *d = &config.ide[i];

        /* As disk list: what the image says, "-" when it does not open. */
        format = disk_image_summary(d->path, on, size, sizeof(size));
        printf("%u:%u   %-6s %-7s %-7s %s\n", d->channel, d->device, vm_ide_media_name(d->media),
               format, size, d->path);
    }
    if (fflush(stdout) != 0) {
        hvctl_error("writing the list: %s", strerror(errno));
        return HVCTL_EXIT_ERROR;
    }
    return HVCTL_EXIT_OK;
}
