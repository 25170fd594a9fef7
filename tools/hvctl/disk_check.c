// SPDX-License-Identifier: GPL-2.0-only
/* A disk image as a VM's disk (see disk_check.h). */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <unistd.h>

#include <disk/disk.h>

#include "disk_check.h"

int disk_resolve(const char *arg, char *path, size_t path_size, char *err, size_t err_size)
{
    char resolved[PATH_MAX];

    if (realpath(arg, resolved) == NULL) {
        snprintf(err, err_size, "%s: %s", arg, strerror(errno));
        return -1;
    }
    if (strlen(resolved) >= path_size) {
        snprintf(err, err_size, "%s: the path is longer than %zu bytes", arg, path_size - 1);
        return -1;
    }
    strcpy(path, resolved);
    return 0;
}

int disk_check_opens(const char *path, bool read_only, char *err, size_t err_size)
{
    char why[DISK_ERR_MAX];
    struct disk *d;
    int rc, fd;

    why[0] = '\0';
    rc = disk_open(path, DISK_OPEN_READ_ONLY, &d, why, sizeof(why));
    if (rc != 0) {
        if (why[0] != '\0')
            snprintf(err, err_size, "%s", why);
        else
            snprintf(err, err_size, "%s: %s", path, strerror(rc < 0 ? -rc : EIO));
        return rc < 0 ? rc : -EIO;
    }
    disk_close(d);
    if (read_only)
        return 0;
    /* The library locks the image file itself, with flock(): a shared holder is a reader. */
    fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        rc = -errno;
        snprintf(err, err_size, "%s: %s", path, strerror(-rc));
        return rc;
    }
    rc = 0;
    while (flock(fd, LOCK_EX | LOCK_NB) != 0) {
        if (errno == EINTR)
            continue;
        if (errno == EWOULDBLOCK) {
            snprintf(err, err_size, "%s is in use (read-only, by a running VM?)", path);
            rc = -EBUSY;
        }
        break;
    }
    close(fd); /* drops the lock */
    return rc;
}
