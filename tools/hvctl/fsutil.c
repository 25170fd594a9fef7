// SPDX-License-Identifier: GPL-2.0-only
/* File helpers (see fsutil.h). */
#define _GNU_SOURCE /* mkostemp */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fsutil.h"

int write_all(int fd, const void *buf, size_t len)
{
    const char *p = buf;

    while (len > 0) {
        ssize_t n = write(fd, p, len);

        if (n < 0) {
            if (errno == EINTR)
                continue;
            return -1;
        }
        p += n;
        len -= (size_t)n;
    }
    return 0;
}

int fsync_dir(const char *dir)
{
    int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    int rc, saved;

    if (fd < 0)
        return -1;
    rc = fsync(fd);
    saved = errno;
    close(fd);
    errno = saved;
    return rc;
}

int write_file_atomic(const char *dir, const char *name, const char *data, size_t len, mode_t mode,
                      char *err, size_t err_size)
{
    char tmp[4096], final[4096];
    int fd;

    /* The temporary name starts with a dot: nobody takes it for the real file. */
    if ((size_t)snprintf(tmp, sizeof(tmp), "%s/" ATOMIC_TMP_PREFIX "%s.XXXXXX", dir, name) >=
            sizeof(tmp) ||
        (size_t)snprintf(final, sizeof(final), "%s/%s", dir, name) >= sizeof(final)) {
        snprintf(err, err_size, "%s/%s: path too long", dir, name);
        return -1;
    }
    fd = mkostemp(tmp, O_CLOEXEC);
    if (fd < 0) {
        snprintf(err, err_size, "cannot create a temporary file in %s: %s", dir, strerror(errno));
        return -1;
    }
    if (fchmod(fd, mode) != 0 || write_all(fd, data, len) != 0 || fsync(fd) != 0) {
        snprintf(err, err_size, "cannot write %s: %s", tmp, strerror(errno));
        close(fd);
        unlink(tmp);
        return -1;
    }
    if (close(fd) != 0) {
        snprintf(err, err_size, "cannot write %s: %s", tmp, strerror(errno));
        unlink(tmp);
        return -1;
    }
    if (rename(tmp, final) != 0) {
        snprintf(err, err_size, "cannot rename %s to %s: %s", tmp, final, strerror(errno));
        unlink(tmp);
        return -1;
    }
    /* The new file is in place; make the rename survive a power cut. */
    if (fsync_dir(dir) != 0) {
        snprintf(err, err_size, "cannot sync the directory %s: %s", dir, strerror(errno));
        return -1;
    }
    return 0;
}

int read_small_file(const char *path, char *buf, size_t buf_size, size_t *len)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    size_t used = 0;
    int saved;

    if (fd < 0)
        return -1;
    for (;;) {
        ssize_t n;

        if (used == buf_size - 1) {
            /* Full: one more byte means the file does not fit. */
            char extra;

            n = read(fd, &extra, 1);
            if (n > 0) {
                close(fd);
                errno = EFBIG;
                return -1;
            }
        } else {
            n = read(fd, buf + used, buf_size - 1 - used);
        }
        if (n < 0) {
            if (errno == EINTR)
                continue;
            saved = errno;
            close(fd);
            errno = saved;
            return -1;
        }
        if (n == 0)
            break;
        used += (size_t)n;
    }
    close(fd);
    buf[used] = '\0';
    *len = used;
    return 0;
}

int make_dirs(const char *path, mode_t mode)
{
    char partial[PATH_MAX];
    size_t len = strlen(path);

    if (len >= sizeof(partial)) {
        errno = ENAMETOOLONG;
        return -1;
    }
    for (size_t i = 1; i <= len; i++) {
        if (path[i] != '/' && path[i] != '\0')
            continue;
        memcpy(partial, path, i);
        partial[i] = '\0';
        if (mkdir(partial, mode) != 0 && errno != EEXIST)
            return -1;
    }
    return 0;
}
