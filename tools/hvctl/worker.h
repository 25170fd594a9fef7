/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The worker process (vmwp) behind each running VM: finding its program,
 * starting it, recognizing it, asking it things and turning it off.
 *
 * A VM runs when $RUN/NAME/vmwp.pid names a live process that is its
 * worker: hvctl checks that the process's command line has
 * "--run-dir $RUN/NAME", so that a pid reused by another process after a
 * worker died is never taken for the worker (and never killed).  The files
 * a dead worker left (vmwp.pid, control.sock, console.sock) mean "off" and
 * are removed; its logs stay.
 */
#ifndef HVCTL_WORKER_H
#define HVCTL_WORKER_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "paths.h"
#include "vm_state.h"

#define WORKER_PROGRAM   "vmwp"
#define WORKER_ENV       "HVCORE_VMWP"
#define WORKER_START_MS  30000 /* time the worker has to write vmwp.pid */
#define WORKER_STOP_MS   10000 /* time it has to exit after "stop" */
#define WORKER_POLL_MS   50
#define WORKER_LOG_LINES 10 /* lines of vmwp.log shown when it did not start */

/*
 * The pid of VM @name's worker, or 0 if it has none.  When it has none but
 * a dead worker's files are there, removes them: under @lock_fd if the
 * caller holds the VM's lock (>= 0), else only if the lock is free now.
 */
pid_t worker_pid(const struct hvctl_paths *paths, const char *name, int lock_fd);

/*
 * The VM's state: without a worker VM_STATE_CRASHED if the last one left a
 * crash record (its line in @status->crash_reason), else VM_STATE_OFF;
 * with one, what its "status" says (in @status), or VM_STATE_UNKNOWN with
 * the reason in @err if it did not say.
 */
enum vm_state worker_state(const struct hvctl_paths *paths, const char *name, int lock_fd,
                           struct vm_status *status, char *err, size_t err_size);

/* Sends @request ("pause", "resume", "shutdown"...) that is answered "ok"; 0, or -1 with the
 * reason (the worker's message) in @err. */
int worker_request(const struct hvctl_paths *paths, const char *name, const char *request,
                   char *err, size_t err_size);

/* Sends @request and puts the reply line into @reply (@reply_size bytes, a longer reply is an
 * error); 0, or -1 with the reason in @err. */
int worker_ask(const struct hvctl_paths *paths, const char *name, const char *request, char *reply,
               size_t reply_size, char *err, size_t err_size);

/* Is @pid alive and VM @name's worker (see above)? */
bool worker_alive(const struct hvctl_paths *paths, const char *name, pid_t pid);

/* Whether VM @name's last worker left a crash record; its line into @reason. */
bool worker_crash_record(const struct hvctl_paths *paths, const char *name, char *reason,
                         size_t size);

/*
 * Starts VM @name's worker on @config_path and waits until it has written
 * its pid file.  The caller holds the VM's lock and knows it is off.
 * 0, or -1 after printing why (with the end of vmwp.log).
 */
int worker_start(const struct hvctl_paths *paths, const char *name, const char *config_path);

/*
 * Hard power-off of the worker @pid of VM @name: "stop" on the control
 * socket, SIGKILL if it has not exited 10 s later (or if it did not accept
 * "stop"), then removes its files.  0, or -1 after printing why.
 */
int worker_turn_off(const struct hvctl_paths *paths, const char *name, pid_t pid);

/* Removes VM @name's runtime directory and everything hvctl or the worker put there. */
void worker_remove_runtime(const struct hvctl_paths *paths, const char *name);

#endif
