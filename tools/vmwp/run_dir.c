// SPDX-License-Identifier: GPL-2.0-only
/*
 * The run directory's files (see run_dir.h).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "run_dir.h"

static int set_path(struct run_file *f, const char *dir, const char *name, size_t limit, char *err,
                    size_t errlen)
{
    int n = snprintf(f->path, sizeof(f->path), "%s/%s", dir, name);

    f->created = false;
    if (n < 0 || (size_t)n >= limit) {
        snprintf(err, errlen, "run dir %s: path of %s is too long (at most %zu bytes)", dir, name,
                 limit - 1);
        return -1;
    }
    return 0;
}

static int check_socket_free(const char *path, char *err, size_t errlen);

static void remember(struct run_file *f);

static bool pid_file_is_ours(const char *path)
{
    char text[32] = "";
    FILE *f = fopen(path, "re");
    bool ours;

    if (!f)
        return false;
    ours = fgets(text, sizeof(text), f) && strtol(text, NULL, 10) == (long)getpid();
    fclose(f);
    return ours;
}

int run_dir_init(struct run_dir *rd, const char *dir, char *err, size_t errlen)
{
    size_t sun_max = sizeof(((struct sockaddr_un *)0)->sun_path);
    struct stat st;

    memset(rd, 0, sizeof(*rd));
    if (stat(dir, &st) != 0) {
        snprintf(err, errlen, "run dir %s: %s", dir, strerror(errno));
        return -1;
    }
    if (!S_ISDIR(st.st_mode)) {
        snprintf(err, errlen, "run dir %s: not a directory", dir);
        return -1;
    }
    if (set_path(&rd->control_sock, dir, "control.sock", sun_max, err, errlen) ||
        set_path(&rd->console_sock, dir, "console.sock", sun_max, err, errlen) ||
        set_path(&rd->pid_file, dir, "vmwp.pid", RUN_DIR_PATH_MAX - 8, err, errlen) ||
        set_path(&rd->console_log, dir, "console.log", RUN_DIR_PATH_MAX, err, errlen))
        return -1;
    {
        struct run_file crash;

        if (set_path(&crash, dir, "crashed", RUN_DIR_PATH_MAX - 8, err, errlen))
            return -1;
        memcpy(rd->crash_record, crash.path, sizeof(rd->crash_record));
    }
    /* Before anything is set up: a directory a live vmwp serves is refused
     * at once. */
    if (check_socket_free(rd->control_sock.path, err, errlen) ||
        check_socket_free(rd->console_sock.path, err, errlen))
        return -1;
    /* A pid file with our own pid is the one this process kept across its
     * restart after a guest reset: ours to remove if this setup fails. */
    if (pid_file_is_ours(rd->pid_file.path))
        remember(&rd->pid_file);
    return 0;
}

static void remember(struct run_file *f)
{
    struct stat st;

    if (lstat(f->path, &st) == 0) {
        f->created = true;
        f->dev = st.st_dev;
        f->ino = st.st_ino;
    }
}

static bool still_ours(const struct run_file *f)
{
    struct stat st;

    return f->created && lstat(f->path, &st) == 0 && st.st_dev == f->dev && st.st_ino == f->ino;
}

/* run_dir_init() checked that the path fits, NUL included. */
static void set_sun_path(struct sockaddr_un *addr, const char *path)
{
    size_t len = strlen(path);

    if (len >= sizeof(addr->sun_path))
        len = sizeof(addr->sun_path) - 1;
    memcpy(addr->sun_path, path, len);
    addr->sun_path[len] = '\0';
}

/* Whether someone accepts connections on the socket at @path: a live vmwp.
 * Returns 0 if not (absent, or a stale socket), -1 with @err otherwise. */
static int check_socket_free(const char *path, char *err, size_t errlen)
{
    struct sockaddr_un addr = {.sun_family = AF_UNIX};
    struct stat st;
    int fd, rc;

    if (lstat(path, &st) != 0) {
        if (errno == ENOENT)
            return 0;
        snprintf(err, errlen, "%s: %s", path, strerror(errno));
        return -1;
    }
    if (!S_ISSOCK(st.st_mode)) {
        snprintf(err, errlen, "%s: exists and is not a socket", path);
        return -1;
    }
    set_sun_path(&addr, path);
    fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) {
        snprintf(err, errlen, "socket: %s", strerror(errno));
        return -1;
    }
    rc = connect(fd, (struct sockaddr *)&addr, sizeof(addr));
    close(fd);
    if (rc == 0) {
        snprintf(err, errlen, "%s: in use (is a vmwp already running in this directory?)", path);
        return -1;
    }
    return 0;
}

/* A socket path left behind by a vmwp that is gone: removed. */
static int clear_stale_socket(const char *path, char *err, size_t errlen)
{
    if (check_socket_free(path, err, errlen))
        return -1;
    if (unlink(path) != 0 && errno != ENOENT) {
        snprintf(err, errlen, "%s: cannot remove the stale socket: %s", path, strerror(errno));
        return -1;
    }
    return 0;
}

int run_dir_listen(struct run_file *f, char *err, size_t errlen)
{
    struct sockaddr_un addr = {.sun_family = AF_UNIX};
    mode_t old_umask;
    int fd, rc;

    if (clear_stale_socket(f->path, err, errlen))
        return -1;
    set_sun_path(&addr, f->path);
    fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) {
        snprintf(err, errlen, "socket: %s", strerror(errno));
        return -1;
    }
    /* The socket file's mode comes from the umask: owner only. */
    old_umask = umask(077);
    rc = bind(fd, (struct sockaddr *)&addr, sizeof(addr));
    umask(old_umask);
    if (rc != 0) {
        snprintf(err, errlen, "%s: bind: %s", f->path, strerror(errno));
        close(fd);
        return -1;
    }
    remember(f);
    if (listen(fd, 8) != 0) {
        snprintf(err, errlen, "%s: listen: %s", f->path, strerror(errno));
        close(fd);
        return -1;
    }
    return fd;
}

int run_dir_open_log(struct run_file *f, char *err, size_t errlen)
{
    int fd = open(f->path, O_WRONLY | O_APPEND | O_CREAT | O_EXCL | O_CLOEXEC, 0640);

    if (fd >= 0) {
        remember(f);
        return fd;
    }
    if (errno == EEXIST)
        fd = open(f->path, O_WRONLY | O_APPEND | O_CLOEXEC | O_NOFOLLOW);
    if (fd < 0)
        snprintf(err, errlen, "%s: %s", f->path, strerror(errno));
    return fd;
}

/* Write @text to @path aside and rename it into place: whoever sees the
 * file sees all of it. */
static int write_whole_file(const char *path, const char *text, char *err, size_t errlen)
{
    char tmp[RUN_DIR_PATH_MAX + 8];
    size_t len = strlen(text);
    int fd;

    snprintf(tmp, sizeof(tmp), "%s.tmp", path);
    unlink(tmp);
    fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
    if (fd < 0) {
        snprintf(err, errlen, "%s: %s", tmp, strerror(errno));
        return -1;
    }
    if (write(fd, text, len) != (ssize_t)len) {
        snprintf(err, errlen, "%s: write: %s", tmp, strerror(errno));
        close(fd);
        unlink(tmp);
        return -1;
    }
    if (close(fd) != 0) {
        snprintf(err, errlen, "%s: close: %s", tmp, strerror(errno));
        unlink(tmp);
        return -1;
    }
    if (rename(tmp, path) != 0) {
        snprintf(err, errlen, "%s: rename: %s", path, strerror(errno));
        unlink(tmp);
        return -1;
    }
    return 0;
}

int run_dir_write_pid(struct run_dir *rd, char *err, size_t errlen)
{
    char line[32];

    snprintf(line, sizeof(line), "%ld\n", (long)getpid());
    if (write_whole_file(rd->pid_file.path, line, err, errlen))
        return -1;
    remember(&rd->pid_file);
    return 0;
}

int run_dir_record_crash(struct run_dir *rd, const char *reason, char *err, size_t errlen)
{
    char line[512];

    snprintf(line, sizeof(line), "%s\n", reason);
    return write_whole_file(rd->crash_record, line, err, errlen);
}

static void remove_if_ours(struct run_file *f)
{
    if (still_ours(f))
        unlink(f->path);
    f->created = false;
}

void run_dir_cleanup(struct run_dir *rd, bool remove_log, bool keep_pid)
{
    remove_if_ours(&rd->control_sock);
    remove_if_ours(&rd->console_sock);
    /* Last: when vmwp.pid is gone, this vmwp no longer touches the directory. */
    if (!keep_pid)
        remove_if_ours(&rd->pid_file);
    if (remove_log)
        remove_if_ours(&rd->console_log);
}
