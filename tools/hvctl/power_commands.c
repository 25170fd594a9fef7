// SPDX-License-Identifier: GPL-2.0-only
/* start, stop, pause, resume, status: a VM's worker (see commands.h). */
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "boot_files.h"
#include "commands.h"
#include "control.h"
#include "lock.h"
#include "msg.h"
#include "switch_net.h"
#include "vm_lookup.h"
#include "worker.h"

#define STOP_TIMEOUT_DEFAULT_S 60    /* stop: how long the guest has to shut down */
#define STOP_TIMEOUT_MAX_S     86400 /* --timeout's largest: a day */
#define STOP_POLL_MS           50

/*
 * The bridges of the switches @c's NICs are on, each once: after the
 * parent booted there are none yet, and the worker plugs its TAP devices
 * into them.  0, or -1 with the reason in @err.
 */
static int ensure_switches(const struct hvctl_paths *paths, const struct vm_config *c, char *err,
                           size_t err_size)
{
    for (unsigned i = 0; i < c->nic_count; i++) {
        bool done = false;

        for (unsigned j = 0; j < i; j++)
            done |= strcmp(c->nics[j].switch_name, c->nics[i].switch_name) == 0;
        if (!done && switch_ensure(paths, c->nics[i].switch_name, err, err_size) != 0)
            return -1;
    }
    return 0;
}

int cmd_start(const struct hvctl_paths *paths, const struct hvctl_args *args)
{
    static struct vm_config c; /* 64 disk paths: too large for the stack */
    struct vm_status st;
    char err[HVCTL_ERR_MAX], config_path[VM_PATH_MAX];
    int lock_fd = vm_lock_existing(paths, args->name);
    int status = HVCTL_EXIT_ERROR;
    enum vm_state state;

    if (lock_fd < 0)
        return HVCTL_EXIT_ERROR;
    path_vm_config(paths, args->name, config_path);
    state = worker_state(paths, args->name, lock_fd, &st, err, sizeof(err));
    if (state != VM_STATE_OFF && state != VM_STATE_CRASHED) {
        hvctl_error("%s is already running%s", args->name,
                    state == VM_STATE_PAUSED ? " (paused: hvctl resume continues it)" : "");
    } else if (vm_read_config(paths, args->name, &c, err, sizeof(err)) != 0) {
        hvctl_error("cannot start %s: %s", args->name, err);
    } else if (c.generation == 1 && boot_file_check(c.firmware, err, sizeof(err)) != 0) {
        /* As the kernel below: the worker would say so too, but later and less plainly. */
        hvctl_error("cannot start %s: firmware %s", args->name, err);
    } else if (c.generation != 1 && boot_file_check(c.kernel, err, sizeof(err)) != 0) {
        /* The worker would say so too, but later and less plainly. */
        hvctl_error("cannot start %s: kernel %s", args->name, err);
    } else if (c.initrd[0] != '\0' && boot_file_check(c.initrd, err, sizeof(err)) != 0) {
        hvctl_error("cannot start %s: initrd %s", args->name, err);
    } else if (ensure_switches(paths, &c, err, sizeof(err)) != 0) {
        hvctl_error("cannot start %s: %s", args->name, err);
    } else if (worker_start(paths, args->name, config_path) == 0) {
        status = HVCTL_EXIT_OK;
    }
    vm_unlock(lock_fd);
    return status;
}

/* stop --turn-off: the hard power-off, at once. */
static int stop_turn_off(const struct hvctl_paths *paths, const char *name)
{
    int lock_fd = vm_lock_existing(paths, name), status = HVCTL_EXIT_ERROR;
    pid_t pid;

    if (lock_fd < 0)
        return HVCTL_EXIT_ERROR;
    pid = worker_pid(paths, name, lock_fd);
    if (pid == 0)
        hvctl_error("%s is not running", name);
    else if (worker_turn_off(paths, name, pid) == 0)
        status = HVCTL_EXIT_OK;
    vm_unlock(lock_fd);
    return status;
}

/* --timeout SECONDS: a whole number from 1 to STOP_TIMEOUT_MAX_S. */
static int parse_timeout(const char *text, long *seconds)
{
    long v = 0;

    if (text[0] == '\0')
        return -1;
    for (const char *p = text; *p != '\0'; p++) {
        if (*p < '0' || *p > '9' || v > STOP_TIMEOUT_MAX_S)
            return -1;
        v = v * 10 + (*p - '0');
    }
    if (v < 1 || v > STOP_TIMEOUT_MAX_S)
        return -1;
    *seconds = v;
    return 0;
}

static int64_t monotonic_ms(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/*
 * Waits up to @seconds for VM @name's worker @pid to exit.  On a terminal a
 * line on stderr counts the seconds (and is erased at the end); otherwise
 * nothing is printed, so that scripts see only errors.
 */
static bool wait_for_exit(const struct hvctl_paths *paths, const char *name, pid_t pid,
                          long seconds)
{
    bool tty = isatty(STDERR_FILENO);
    int64_t start = monotonic_ms(), shown = -1;

    for (;;) {
        int64_t waited = monotonic_ms() - start;
        struct timespec nap = {.tv_sec = 0, .tv_nsec = STOP_POLL_MS * 1000000L};

        if (!worker_alive(paths, name, pid))
            break;
        if (waited >= seconds * 1000)
            break;
        if (tty && waited / 1000 != shown) {
            shown = waited / 1000;
            fprintf(stderr, "\rWaiting for %s to shut down: %llds of %lds (Ctrl-C stops waiting)",
                    name, (long long)shown, seconds);
            fflush(stderr);
        }
        while (nanosleep(&nap, &nap) != 0 && errno == EINTR) {
        }
    }
    if (tty && shown >= 0)
        fputs("\r\033[K", stderr);
    return !worker_alive(paths, name, pid);
}

/* --force after the graceful way failed: the hard power-off, if the worker is still there. */
static int fall_back_to_turn_off(const struct hvctl_paths *paths, const char *name, pid_t pid)
{
    int lock_fd = vm_lock_existing(paths, name), status = HVCTL_EXIT_ERROR;

    if (lock_fd < 0)
        return HVCTL_EXIT_ERROR;
    /* It may have gone, or been replaced by a new start, in the meantime. */
    if (!worker_alive(paths, name, pid) || worker_turn_off(paths, name, pid) == 0)
        status = HVCTL_EXIT_OK;
    worker_pid(paths, name, lock_fd); /* removes what a gone worker left */
    vm_unlock(lock_fd);
    return status;
}

/*
 * stop: ask the guest's shutdown service to power off, then wait (without
 * the VM's lock, so that "stop --turn-off" from elsewhere is not held up)
 * until the worker exits.  When the guest cannot be asked, or does not get
 * there in time, say what to do; with --force, turn it off instead.
 */
static int stop_graceful(const struct hvctl_paths *paths, const struct hvctl_args *args)
{
    const char *name = args->name;
    bool force = (args->given & OPT_FORCE) != 0;
    char err[HVCTL_ERR_MAX], why[HVCTL_ERR_MAX + 64], reason[256];
    struct vm_status st;
    long timeout_s = STOP_TIMEOUT_DEFAULT_S;
    enum vm_state state;
    int lock_fd, lock2;
    pid_t pid = 0;

    if (vm_check_exists(paths, name) != 0)
        return HVCTL_EXIT_ERROR;
    if (args->timeout != NULL && parse_timeout(args->timeout, &timeout_s) != 0) {
        hvctl_error("--timeout %s is not a number of seconds from 1 to %d", args->timeout,
                    STOP_TIMEOUT_MAX_S);
        return HVCTL_EXIT_ERROR;
    }
    lock_fd = vm_lock_existing(paths, name);
    if (lock_fd < 0)
        return HVCTL_EXIT_ERROR;
    state = worker_state(paths, name, lock_fd, &st, err, sizeof(err));
    if (state != VM_STATE_OFF && state != VM_STATE_CRASHED)
        pid = worker_pid(paths, name, lock_fd);
    why[0] = '\0';
    if (state == VM_STATE_OFF || state == VM_STATE_CRASHED || pid == 0) {
        hvctl_error("%s is not running%s", name, state == VM_STATE_CRASHED ? " (it crashed)" : "");
        vm_unlock(lock_fd);
        return HVCTL_EXIT_ERROR;
    } else if (state == VM_STATE_UNKNOWN) {
        snprintf(why, sizeof(why), "its worker did not answer (%s)", err);
    } else if (state == VM_STATE_PAUSED) {
        snprintf(why, sizeof(why), "it is paused, so its guest cannot shut down%s",
                 force ? "" : " (hvctl resume continues it)");
    } else if (worker_request(paths, name, "shutdown", err, sizeof(err)) != 0) {
        if (strcmp(err, CONTROL_NO_SHUTDOWN_SERVICE) == 0)
            snprintf(why, sizeof(why), "its guest has no shutdown service (is hv_utils loaded?)");
        else
            snprintf(why, sizeof(why), "it did not take the shutdown request (%s)", err);
    }
    vm_unlock(lock_fd);
    if (why[0] != '\0') {
        if (!force) {
            hvctl_error("cannot shut %s down: %s; nothing done: hvctl stop --turn-off %s "
                        "powers it off at once",
                        name, why, name);
            return HVCTL_EXIT_ERROR;
        }
        hvctl_warning("cannot shut %s down: %s: turning it off (--force)", name, why);
        return fall_back_to_turn_off(paths, name, pid);
    }

    if (!wait_for_exit(paths, name, pid, timeout_s)) {
        if (!force) {
            hvctl_error("%s did not shut down within %ld s (its guest may still be shutting "
                        "down): hvctl stop --turn-off %s powers it off at once",
                        name, timeout_s, name);
            return HVCTL_EXIT_ERROR;
        }
        hvctl_warning("%s did not shut down within %ld s: turning it off (--force)", name,
                      timeout_s);
        return fall_back_to_turn_off(paths, name, pid);
    }
    /* Off: what the worker left goes, under the lock as always. */
    lock2 = vm_lock(paths, name, true);
    if (lock2 >= 0) {
        worker_pid(paths, name, lock2);
        vm_unlock(lock2);
    }
    if (worker_crash_record(paths, name, reason, sizeof(reason)))
        hvctl_warning("%s crashed while shutting down: %s", name, reason);
    return HVCTL_EXIT_OK;
}

int cmd_stop(const struct hvctl_paths *paths, const struct hvctl_args *args)
{
    if (args->given & OPT_TURN_OFF)
        return stop_turn_off(paths, args->name);
    return stop_graceful(paths, args);
}

/* pause and resume: @request is sent only if the VM is in @from_state. */
static int pause_or_resume(const struct hvctl_paths *paths, const char *name, const char *request,
                           enum vm_state from_state)
{
    struct vm_status st;
    char err[HVCTL_ERR_MAX];
    int lock_fd = vm_lock_existing(paths, name);
    int status = HVCTL_EXIT_ERROR;
    enum vm_state state;

    if (lock_fd < 0)
        return HVCTL_EXIT_ERROR;
    state = worker_state(paths, name, lock_fd, &st, err, sizeof(err));
    if (state == VM_STATE_OFF || state == VM_STATE_CRASHED)
        hvctl_error("%s is not running%s", name, state == VM_STATE_CRASHED ? " (it crashed)" : "");
    else if (state == VM_STATE_UNKNOWN)
        hvctl_error("cannot %s %s: %s", request, name, err);
    else if (state != from_state && state == VM_STATE_PAUSED)
        hvctl_error("%s is paused already", name);
    else if (state != from_state)
        hvctl_error("%s is not paused (it is running)", name);
    else if (worker_request(paths, name, request, err, sizeof(err)) != 0)
        hvctl_error("cannot %s %s: %s", request, name, err);
    else
        status = HVCTL_EXIT_OK;
    vm_unlock(lock_fd);
    return status;
}

int cmd_pause(const struct hvctl_paths *paths, const struct hvctl_args *args)
{
    return pause_or_resume(paths, args->name, "pause", VM_STATE_RUNNING);
}

int cmd_resume(const struct hvctl_paths *paths, const struct hvctl_args *args)
{
    return pause_or_resume(paths, args->name, "resume", VM_STATE_PAUSED);
}

int cmd_status(const struct hvctl_paths *paths, const struct hvctl_args *args)
{
    struct vm_status st;
    char err[HVCTL_ERR_MAX];

    if (vm_check_exists(paths, args->name) != 0)
        return HVCTL_EXIT_ERROR;
    if (worker_state(paths, args->name, -1, &st, err, sizeof(err)) == VM_STATE_UNKNOWN) {
        hvctl_error("%s has a worker, but it did not answer: %s", args->name, err);
        return HVCTL_EXIT_ERROR;
    }
    printf("%s\n", vm_state_name(st.state));
    return HVCTL_EXIT_OK;
}
