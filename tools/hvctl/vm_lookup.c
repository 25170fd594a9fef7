// SPDX-License-Identifier: GPL-2.0-only
/* Name check, existence, lock (see vm_lookup.h). */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "lock.h"
#include "msg.h"
#include "names.h"
#include "vm_lookup.h"

int vm_check_name(const char *name)
{
    char why[128];

    if (vm_name_valid(name, why, sizeof(why)))
        return 0;
    hvctl_error("invalid VM name '%s': %s", name, why);
    return -1;
}

static void no_such_vm(const char *name)
{
    hvctl_error("no VM named '%s' (hvctl list shows them)", name);
}

int vm_check_exists(const struct hvctl_paths *paths, const char *name)
{
    char dir[VM_PATH_MAX];
    struct stat st;

    if (vm_check_name(name) != 0)
        return -1;
    path_vm_dir(paths, name, dir);
    if (stat(dir, &st) != 0) {
        if (errno == ENOENT || errno == ENOTDIR)
            no_such_vm(name);
        else
            hvctl_error("%s: %s", dir, strerror(errno));
        return -1;
    }
    if (!S_ISDIR(st.st_mode)) {
        hvctl_error("%s is not a directory", dir);
        return -1;
    }
    return 0;
}

int vm_lock_existing(const struct hvctl_paths *paths, const char *name)
{
    int fd;

    if (vm_check_exists(paths, name) != 0)
        return -1;
    fd = vm_lock(paths, name, true);
    if (fd < 0) {
        if (errno == ENOENT)
            no_such_vm(name); /* deleted while we waited for the lock */
        else
            hvctl_error("cannot lock VM %s: %s", name, strerror(errno));
    }
    return fd;
}

int vm_read_config(const struct hvctl_paths *paths, const char *name, struct vm_config *c,
                   char *err, size_t err_size)
{
    char config_path[VM_PATH_MAX];

    path_vm_config(paths, name, config_path);
    if (vm_config_read(config_path, c, err, err_size) != 0)
        return -1;
    if (strcmp(c->name, name) != 0) {
        snprintf(err, err_size, "%s: name=%s, but the VM's directory is %s", config_path, c->name,
                 name);
        return -1;
    }
    return 0;
}
