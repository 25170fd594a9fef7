// SPDX-License-Identifier: GPL-2.0-only
/* create, set, show, delete: a VM's configuration (see commands.h). */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "commands.h"
#include "disk_check.h"
#include "fsutil.h"
#include "host.h"
#include "list_format.h"
#include "lock.h"
#include "msg.h"
#include "net_state.h"
#include "nic_assign.h"
#include "size.h"
#include "vm_disks.h"
#include "vm_ide.h"
#include "vm_lookup.h"
#include "vm_options.h"
#include "worker.h"

/* Allowed, but the guest's CPUs will share the parent's: say so. */
static void warn_cpus(const struct vm_config *c)
{
    unsigned cpus = host_cpus();

    if (cpus != 0 && c->cpus > cpus)
        hvctl_warning("%s has %u virtual CPUs, more than the parent's %u: they will share them",
                      c->name, c->cpus, cpus);
}

static int make_dir(const char *path)
{
    if (make_dirs(path, 0755) != 0) {
        hvctl_error("cannot create %s: %s", path, strerror(errno));
        return -1;
    }
    return 0;
}

/*
 * create's --disk options, in order, into @c at LUNs 0, 1, 2...: each path
 * made canonical, each image opened once to check it.  0, or -1 after
 * saying what was wrong.
 */
static int add_disks(const struct hvctl_args *args, struct vm_config *c)
{
    char err[HVCTL_ERR_MAX], arg[VM_PATH_MAX], path[VM_PATH_MAX];
    bool read_only;

    for (unsigned i = 0; i < args->disk_count; i++) {
        if (vm_disk_option_parse(args->disks[i], arg, sizeof(arg), &read_only, err, sizeof(err)) !=
            0) {
            hvctl_error("%s", err);
            return -1;
        }
        if (disk_resolve(arg, path, sizeof(path), err, sizeof(err)) != 0) {
            hvctl_error("--disk %s", err); /* "ARG: reason" */
            return -1;
        }
        if (vm_disk_add(c, -1, read_only, path, err, sizeof(err)) < 0 ||
            disk_check_opens(path, read_only, err, sizeof(err)) != 0) {
            hvctl_error("--disk %s: %s", args->disks[i], err);
            return -1;
        }
    }
    return 0;
}

/*
 * create's --ide options, in order, into @c at their slots: each path made
 * canonical, each image opened once to check it, as --disk does (a DVD's
 * ISO image read-only, which any file opens as: a raw image).  0, or -1
 * after saying what was wrong.
 */
static int add_ides(const struct hvctl_args *args, struct vm_config *c)
{
    char err[HVCTL_ERR_MAX], path[VM_PATH_MAX];
    struct ide_option opt;

    for (unsigned i = 0; i < args->ide_count; i++) {
        if (vm_ide_option_parse("--ide", args->ides[i], &opt, err, sizeof(err)) != 0) {
            hvctl_error("%s", err);
            return -1;
        }
        if (disk_resolve(opt.path, path, sizeof(path), err, sizeof(err)) != 0) {
            hvctl_error("--ide %s", err); /* "PATH: reason" */
            return -1;
        }
        if (vm_ide_set(c, opt.channel, opt.device, opt.media, path, false, err, sizeof(err)) != 0 ||
            disk_check_opens(path, opt.media != VM_IDE_RW, err, sizeof(err)) != 0) {
            hvctl_error("--ide %s: %s", args->ides[i], err);
            return -1;
        }
    }
    return 0;
}

/*
 * create's --nic options, in order, into @c at indexes 0, 1, 2...: each
 * switch must exist, each MAC be free on the host or come from its pool.
 * Under the network lock, which @st holds from here until vm.conf is
 * written.  0, or -1 after saying what was wrong (and nothing held).
 */
static int add_nics(const struct hvctl_paths *paths, const struct hvctl_args *args,
                    struct vm_config *c, struct net_state *st)
{
    char err[HVCTL_ERR_MAX];

    if (net_state_open(paths, true, st) != 0)
        return -1;
    for (unsigned i = 0; i < args->nic_count; i++) {
        bool from_pool = false;

        if (nic_assign(c, args->nics[i], &st->inv, &st->host.mac_pool, &from_pool, err,
                       sizeof(err)) < 0) {
            hvctl_error("%s", err);
            net_state_close(st);
            return -1;
        }
        st->host_used |= from_pool;
    }
    return 0;
}

/* Claims the name with mkdir and writes vm.conf (and a new host.conf the NICs used). */
static int write_new_vm(const struct hvctl_paths *paths, const struct vm_config *c,
                        struct net_state *st)
{
    char err[HVCTL_ERR_MAX], vms_dir[VM_PATH_MAX], dir[VM_PATH_MAX], config_path[VM_PATH_MAX];
    int lock_fd;

    path_vm_dir(paths, c->name, dir);
    path_vms_dir(paths, vms_dir);
    if (make_dir(paths->state_dir) != 0 || make_dir(vms_dir) != 0)
        return -1;
    /* mkdir is the atomic claim on the name: of two creates, one gets EEXIST. */
    if (mkdir(dir, 0755) != 0) {
        if (errno == EEXIST)
            hvctl_error("a VM named '%s' already exists", c->name);
        else
            hvctl_error("cannot create %s: %s", dir, strerror(errno));
        return -1;
    }
    /* Hold the lock until vm.conf is there: a "delete" or "start" of the new name waits. */
    lock_fd = vm_lock(paths, c->name, true);
    if (net_state_save_host(paths, st) != 0) {
        rmdir(dir);
        vm_unlock(lock_fd);
        return -1;
    }
    err[0] = '\0';
    if (vm_config_write(dir, c, err, sizeof(err)) != 0 || fsync_dir(vms_dir) != 0) {
        hvctl_error("cannot create VM %s: %s", c->name, err[0] ? err : strerror(errno));
        net_state_forget_host(paths, st);
        path_vm_config(paths, c->name, config_path);
        unlink(config_path);
        rmdir(dir);
        vm_unlock(lock_fd);
        return -1;
    }
    vm_unlock(lock_fd);
    return 0;
}

int cmd_create(const struct hvctl_paths *paths, const struct hvctl_args *args)
{
    static struct vm_config c; /* 64 disk paths: too large for the stack */
    struct net_state st = {.lock_fd = -1};
    char err[HVCTL_ERR_MAX], dir[VM_PATH_MAX];
    struct stat sb;
    int status = HVCTL_EXIT_ERROR;

    if (vm_check_name(args->name) != 0)
        return HVCTL_EXIT_ERROR;
    /* A taken name first: whatever the options, this create cannot happen. */
    path_vm_dir(paths, args->name, dir);
    if (stat(dir, &sb) == 0) {
        hvctl_error("a VM named '%s' already exists", args->name);
        return HVCTL_EXIT_ERROR;
    }
    memset(&c, 0, sizeof(c));
    strcpy(c.name, args->name);
    c.memory = 512 * MiB;
    c.cpus = 1;
    c.generation = VM_GENERATION_DEFAULT;
    if ((args->given & OPT_GENERATION) &&
        vm_option_generation(args->generation, &c.generation, err, sizeof(err)) != 0) {
        hvctl_error("%s", err);
        return HVCTL_EXIT_ERROR;
    }
    /* A generation 1 VM has no kernel to give a command line; its firmware is chosen below. */
    if (c.generation == 2)
        strcpy(c.cmdline, VM_CMDLINE_DEFAULT);
    if (vm_options_apply(args, host_total_ram(), &c, err, sizeof(err)) != 0) {
        hvctl_error("%s", err);
        return HVCTL_EXIT_ERROR;
    }
    /* The IDE devices first: they are what a generation 1 VM boots from. */
    if (add_ides(args, &c) != 0 || add_disks(args, &c) != 0)
        return HVCTL_EXIT_ERROR;
    if (args->nic_count > 0 && add_nics(paths, args, &c, &st) != 0)
        return HVCTL_EXIT_ERROR;
    if (write_new_vm(paths, &c, &st) == 0) {
        warn_cpus(&c);
        status = HVCTL_EXIT_OK;
    }
    if (args->nic_count > 0)
        net_state_close(&st);
    return status;
}

int cmd_set(const struct hvctl_paths *paths, const struct hvctl_args *args)
{
    static struct vm_config c;
    char err[HVCTL_ERR_MAX], dir[VM_PATH_MAX];
    int lock_fd = vm_lock_existing(paths, args->name);
    int status = HVCTL_EXIT_ERROR;

    if (lock_fd < 0)
        return HVCTL_EXIT_ERROR;
    path_vm_dir(paths, args->name, dir);
    if (vm_read_config(paths, args->name, &c, err, sizeof(err)) != 0) {
        hvctl_error("%s", err);
    } else if (worker_pid(paths, args->name, lock_fd) != 0) {
        /* A running worker has read its configuration already: a change would be a lie. */
        hvctl_error("%s is running: turn it off first (hvctl stop --turn-off %s)", args->name,
                    args->name);
    } else if (vm_options_apply(args, (args->given & OPT_MEMORY) ? host_total_ram() : 0, &c, err,
                                sizeof(err)) != 0) {
        hvctl_error("%s", err);
    } else if (vm_config_write(dir, &c, err, sizeof(err)) != 0) {
        hvctl_error("cannot change %s: %s", args->name, err);
    } else {
        if (args->given & OPT_CPUS)
            warn_cpus(&c);
        status = HVCTL_EXIT_OK;
    }
    vm_unlock(lock_fd);
    return status;
}

int cmd_show(const struct hvctl_paths *paths, const struct hvctl_args *args)
{
    static struct vm_config c;
    struct vm_status st;
    char err[HVCTL_ERR_MAX], config_path[VM_PATH_MAX], memory[SIZE_TEXT_MAX],
        uptime[UPTIME_TEXT_MAX];

    if (vm_check_exists(paths, args->name) != 0)
        return HVCTL_EXIT_ERROR;
    path_vm_config(paths, args->name, config_path);
    if (vm_read_config(paths, args->name, &c, err, sizeof(err)) != 0) {
        hvctl_error("%s", err);
        return HVCTL_EXIT_ERROR;
    }
    worker_state(paths, args->name, -1, &st, err, sizeof(err));
    size_format_exact(c.memory, memory, sizeof(memory));
    uptime_format(true, st.uptime_s, uptime, sizeof(uptime));
    /* The labels are as wide as the longest, "generation:". */
    printf("name:       %s\n", c.name);
    if (st.state == VM_STATE_RUNNING || st.state == VM_STATE_PAUSED)
        printf("state:      %s (up %s)\n", vm_state_name(st.state), uptime);
    else if (st.state == VM_STATE_UNKNOWN)
        printf("state:      unknown (a worker runs but did not answer: %s)\n", err);
    else if (st.state == VM_STATE_CRASHED)
        printf("state:      crashed (%s)\n",
               st.crash_reason[0] ? st.crash_reason : "no reason recorded");
    else
        printf("state:      off\n");
    printf("generation: %u\n", c.generation);
    printf("memory:     %s (%llu bytes)\n", memory, (unsigned long long)c.memory);
    printf("cpus:       %u\n", c.cpus);
    if (c.generation == 1) {
        printf("firmware:   %s\n", c.firmware);
        for (unsigned i = 0; i < c.ide_count; i++)
            printf("ide:        %u:%u, %s, %s\n", c.ide[i].channel, c.ide[i].device,
                   vm_ide_media_name(c.ide[i].media), c.ide[i].path);
    } else {
        printf("kernel:     %s\n", c.kernel);
        printf("initrd:     %s\n", c.initrd[0] ? c.initrd : "(none)");
        printf("cmdline:    %s\n", c.cmdline[0] ? c.cmdline : "(empty)");
    }
    for (unsigned i = 0; i < c.disk_count; i++)
        printf("disk:       LUN %u, %s, %s\n", c.disks[i].lun, c.disks[i].read_only ? "ro" : "rw",
               c.disks[i].path);
    for (unsigned i = 0; i < c.nic_count; i++) {
        const struct vm_nic *n = &c.nics[i];
        char mac[MAC_TEXT_MAX];

        mac_format(n->mac, mac);
        printf("nic:        %u, switch %s (bridge %s), MAC %s", n->index, n->switch_name, n->bridge,
               mac);
        if (n->vlan != 0)
            printf(", VLAN %u", n->vlan);
        printf("%s\n", n->legacy ? ", legacy" : "");
    }
    printf("config:     %s\n", config_path);
    return HVCTL_EXIT_OK;
}

/* Files of ours in a VM's directory: vm.conf and the temporary files of its atomic writes. */
static int is_ours(const char *file)
{
    return strcmp(file, VM_CONFIG_FILE) == 0 ||
           strncmp(file, ATOMIC_TMP_PREFIX VM_CONFIG_FILE ".",
                   strlen(ATOMIC_TMP_PREFIX VM_CONFIG_FILE ".")) == 0;
}

/* Fails if @dir holds anything hvctl did not put there: delete must not lose it. */
static int check_only_ours(const char *name, const char *dir)
{
    DIR *d = opendir(dir);
    struct dirent *e;
    int rc = 0;

    if (d == NULL) {
        hvctl_error("%s: %s", dir, strerror(errno));
        return -1;
    }
    while (rc == 0 && (e = readdir(d)) != NULL) {
        if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0 || is_ours(e->d_name))
            continue;
        hvctl_error("cannot delete %s: %s/%s is not hvctl's: move it away first", name, dir,
                    e->d_name);
        rc = -1;
    }
    closedir(d);
    return rc;
}

/* Removes the files check_only_ours() allowed, then the directory. */
static int remove_vm_dir(const char *dir)
{
    DIR *d = opendir(dir);
    struct dirent *e;

    if (d == NULL)
        return -1;
    while ((e = readdir(d)) != NULL) {
        if (!is_ours(e->d_name))
            continue;
        if (unlinkat(dirfd(d), e->d_name, 0) != 0) {
            closedir(d);
            return -1;
        }
    }
    closedir(d);
    return rmdir(dir);
}

int cmd_delete(const struct hvctl_paths *paths, const struct hvctl_args *args)
{
    char dir[VM_PATH_MAX], vms_dir[VM_PATH_MAX], doomed[VM_PATH_MAX + 96];
    int lock_fd = vm_lock_existing(paths, args->name);
    int status = HVCTL_EXIT_ERROR;

    if (lock_fd < 0)
        return HVCTL_EXIT_ERROR;
    path_vm_dir(paths, args->name, dir);
    path_vms_dir(paths, vms_dir);
    /* Names start with a letter or digit: a dot name cannot be a VM's, and the pid keeps
     * it apart from what an earlier, interrupted delete may have left. */
    snprintf(doomed, sizeof(doomed), "%s/.deleting-%s.%d", vms_dir, args->name, (int)getpid());
    if (worker_pid(paths, args->name, lock_fd) != 0) {
        hvctl_error("%s is running: turn it off first (hvctl stop --turn-off %s)", args->name,
                    args->name);
    } else if (check_only_ours(args->name, dir) != 0) {
        /* said why */
    } else if (rename(dir, doomed) != 0) {
        /* One rename makes the VM disappear at once, even if we die half-way below. */
        hvctl_error("cannot delete %s: renaming %s: %s", args->name, dir, strerror(errno));
    } else {
        if (remove_vm_dir(doomed) != 0)
            hvctl_warning("%s is deleted, but %s is left over: %s", args->name, doomed,
                          strerror(errno));
        fsync_dir(vms_dir);
        worker_remove_runtime(paths, args->name);
        status = HVCTL_EXIT_OK;
    }
    vm_unlock(lock_fd);
    return status;
}
