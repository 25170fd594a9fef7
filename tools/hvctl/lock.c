// SPDX-License-Identifier: GPL-2.0-only
/* Per-VM locks (see lock.h). */
#include <errno.h>
#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lock.h"

int vm_lock(const struct hvctl_paths *paths, const char *name, bool wait)
{
    char dir[VM_PATH_MAX];
    struct stat held, now;
    int fd;

    path_vm_dir(paths, name, dir);
    fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0)
        return -1;
    while (flock(fd, LOCK_EX | (wait ? 0 : LOCK_NB)) != 0) {
        if (errno != EINTR) {
            int saved = errno;

            close(fd);
            errno = saved;
            return -1;
        }
    }
    /* "delete" renames the directory away before emptying it: if the name no longer leads
     * to the directory we locked, the VM is gone. */
    if (fstat(fd, &held) != 0 || stat(dir, &now) != 0 || held.st_dev != now.st_dev ||
        held.st_ino != now.st_ino) {
        close(fd);
        errno = ENOENT;
        return -1;
    }
    return fd;
}

void vm_unlock(int lock_fd)
{
    if (lock_fd >= 0)
        close(lock_fd);
}

int net_lock(const struct hvctl_paths *paths)
{
    int fd = open(paths->state_dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);

    if (fd < 0)
        return -1;
    while (flock(fd, LOCK_EX) != 0) {
        if (errno != EINTR) {
            int saved = errno;

            close(fd);
            errno = saved;
            return -1;
        }
    }
    return fd;
}

void net_unlock(int lock_fd)
{
    if (lock_fd >= 0)
        close(lock_fd);
}
