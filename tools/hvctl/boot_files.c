// SPDX-License-Identifier: GPL-2.0-only
/* Kernel and initrd checks (see boot_files.h). */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "boot_files.h"

/* Checks @path; messages name the file as @shown, the way the user wrote it. */
static int check_file(const char *path, const char *shown, char *err, size_t err_size)
{
    struct stat st;
    int fd;

    /* Open it rather than ask access(): that is what the worker will do.  O_NONBLOCK so
     * that a FIFO does not hang us; it is refused below anyway. */
    fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
    if (fd < 0) {
        snprintf(err, err_size, "%s: %s", shown, strerror(errno));
        return -1;
    }
    if (fstat(fd, &st) != 0) {
        snprintf(err, err_size, "%s: %s", shown, strerror(errno));
        close(fd);
        return -1;
    }
    close(fd);
    if (S_ISDIR(st.st_mode)) {
        snprintf(err, err_size, "%s: is a directory, not a file", shown);
        return -1;
    }
    if (!S_ISREG(st.st_mode)) {
        snprintf(err, err_size, "%s: is not a regular file", shown);
        return -1;
    }
    return 0;
}

int boot_file_check(const char *path, char *err, size_t err_size)
{
    return check_file(path, path, err, err_size);
}

int boot_file_resolve(const char *given, char *resolved, size_t resolved_size, char *err,
                      size_t err_size)
{
    char absolute[PATH_MAX];

    if (given[0] == '\0') {
        snprintf(err, err_size, "the path is empty");
        return -1;
    }
    if (given[0] == '/') {
        if (strlen(given) >= sizeof(absolute) || strlen(given) >= resolved_size) {
            snprintf(err, err_size, "%s: path too long", given);
            return -1;
        }
        strcpy(absolute, given);
    } else if (realpath(given, absolute) == NULL) {
        snprintf(err, err_size, "%s: %s", given, strerror(errno));
        return -1;
    }
    if (check_file(absolute, given, err, err_size) != 0)
        return -1;
    if (strlen(absolute) >= resolved_size) {
        snprintf(err, err_size, "%s: path too long", absolute);
        return -1;
    }
    strcpy(resolved, absolute);
    return 0;
}
