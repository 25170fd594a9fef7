/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The run directory hvctl gives vmwp (--run-dir DIR):
 *
 *   control.sock  the control protocol (control.h)       created, removed on exit
 *   console.sock  the serial console (console.h)         created, removed on exit
 *   console.log   the guest's serial output, appended    kept
 *   vmwp.pid      vmwp's pid and a newline, written last  removed on exit
 *                 (atomically, by rename), once the VM is set up and the
 *                 sockets listen: hvctl waits for it
 *   vmwp.log      vmwp's stdout and stderr: hvctl's      kept
 *   crashed       why the guest crashed, one line,       kept (hvctl
 *                 written (by rename) before vmwp.pid     removes it when it
 *                 goes when a guest fault stopped the VM  starts the VM)
 *
 * A directory whose control.sock still answers belongs to a running vmwp:
 * setup fails.  Stale sockets (no listener) are replaced.  On exit, a file
 * is removed only if it is still the one this vmwp created, so that a
 * vmwp that already took the directory over keeps its own.
 */
#ifndef VMWP_RUN_DIR_H
#define VMWP_RUN_DIR_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>
#include <sys/un.h>

#define RUN_DIR_PATH_MAX 4096

/* A file this vmwp made, to be removed on exit if it is still that file. */
struct run_file {
    char path[RUN_DIR_PATH_MAX];
    bool created;
    dev_t dev;
    ino_t ino;
};

struct run_dir {
    struct run_file control_sock, console_sock, pid_file, console_log;
    char crash_record[RUN_DIR_PATH_MAX];
};

/* Check @dir (an existing directory; socket paths must fit a sockaddr_un)
 * and work out the paths.  Returns 0, or -1 with a message in @err. */
int run_dir_init(struct run_dir *rd, const char *dir, char *err, size_t errlen);

/* Listen on @f's path (a stream socket, mode 0600, close-on-exec).
 * Returns the fd, or -1 with a message in @err. */
int run_dir_listen(struct run_file *f, char *err, size_t errlen);

/* Open console.log for appending (created 0640 if missing; only a log this
 * vmwp created counts as its own).  Returns the fd, or -1 with @err. */
int run_dir_open_log(struct run_file *f, char *err, size_t errlen);

/* Write vmwp.pid.  Returns 0, or -1 with a message in @err. */
int run_dir_write_pid(struct run_dir *rd, char *err, size_t errlen);

/* Write the crash record: @reason and a newline.  Returns 0, or -1 with a
 * message in @err. */
int run_dir_record_crash(struct run_dir *rd, const char *reason, char *err, size_t errlen);

/* Remove the sockets and then the pid file, if still ours; the log too
 * when @remove_log and it was created by this vmwp (a failed setup leaves
 * nothing behind).  With @keep_pid the pid file stays: the process is about
 * to execute itself again after a guest reset, under the same pid, and
 * hvctl must see the VM running, not stale sockets of a dead worker, while
 * it does. */
void run_dir_cleanup(struct run_dir *rd, bool remove_log, bool keep_pid);

#endif
