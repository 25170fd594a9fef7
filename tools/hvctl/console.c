// SPDX-License-Identifier: GPL-2.0-only
/*
 * "hvctl console NAME": the guest's serial port (COM1) on this terminal,
 * through the worker's $RUN/NAME/console.sock.
 *
 * On a terminal, stdin goes into raw mode (every key, Ctrl-C included, goes
 * to the guest) until Ctrl-] detaches; the terminal is restored on every
 * way out (detach, the VM going away, SIGTERM/SIGHUP, an error).  When
 * stdin is not a terminal (a script), bytes pass through untouched, Ctrl-]
 * included, and the end of stdin ends the session once the guest has had
 * its say (half a second of quiet, 5 s at most).
 *
 * "hvctl console NAME --log" prints $RUN/NAME/console.log, what the guest
 * wrote since the VM last started, running or not.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include "commands.h"
#include "control.h"
#include "fsutil.h"
#include "msg.h"
#include "vm_lookup.h"
#include "worker.h"

#define DETACH_KEY     0x1d /* Ctrl-], as telnet and virsh console */
#define DRAIN_QUIET_MS 500
#define DRAIN_MAX_MS   5000

enum relay_end {
    END_DETACHED,     /* Ctrl-] */
    END_GUEST_CLOSED, /* the worker closed the console: the VM is off */
    END_INPUT_DONE,   /* stdin ended (not a terminal) and the guest went quiet */
    END_SIGNAL,       /* SIGTERM, SIGHUP, SIGINT, SIGQUIT */
    END_ERROR,        /* reason in the error buffer */
};

static volatile sig_atomic_t caught_signal;

static void on_signal(int sig)
{
    caught_signal = sig;
}

static int64_t now_ms(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static int send_all(int fd, const char *buf, size_t len)
{
    while (len > 0) {
        ssize_t n = send(fd, buf, len, MSG_NOSIGNAL);

        if (n < 0) {
            if (errno == EINTR)
                continue;
            return -1;
        }
        buf += n;
        len -= (size_t)n;
    }
    return 0;
}

/* Guest -> stdout.  Returns -1 to go on, or how the session ends. */
static int relay_from_guest(int sock, char *err, size_t err_size)
{
    char buf[4096];
    ssize_t n = read(sock, buf, sizeof(buf));

    if (n < 0 && (errno == EINTR || errno == EAGAIN))
        return -1;
    if (n == 0 || (n < 0 && errno == ECONNRESET))
        return END_GUEST_CLOSED;
    if (n < 0) {
        snprintf(err, err_size, "reading the console: %s", strerror(errno));
        return END_ERROR;
    }
    if (write_all(STDOUT_FILENO, buf, (size_t)n) != 0) {
        snprintf(err, err_size, "writing to stdout: %s", strerror(errno));
        return END_ERROR;
    }
    return -1;
}

/* stdin -> guest.  Returns -1 to go on, -2 at the end of stdin, or how the session ends. */
static int relay_to_guest(int sock, bool terminal, char *err, size_t err_size)
{
    char buf[4096];
    ssize_t n = read(STDIN_FILENO, buf, sizeof(buf));
    size_t len;
    const char *detach;

    if (n < 0 && (errno == EINTR || errno == EAGAIN))
        return -1;
    if (n < 0) {
        snprintf(err, err_size, "reading stdin: %s", strerror(errno));
        return END_ERROR;
    }
    if (n == 0)
        return -2;
    len = (size_t)n;
    /* Only a person at a terminal detaches; a script's bytes all go through. */
    detach = terminal ? memchr(buf, DETACH_KEY, len) : NULL;
    if (detach != NULL)
        len = (size_t)(detach - buf);
    if (send_all(sock, buf, len) != 0) {
        if (errno == EPIPE || errno == ECONNRESET)
            return END_GUEST_CLOSED;
        snprintf(err, err_size, "writing to the console: %s", strerror(errno));
        return END_ERROR;
    }
    return detach != NULL ? END_DETACHED : -1;
}

static enum relay_end relay(int sock, bool terminal, char *err, size_t err_size)
{
    bool input_open = true;
    int64_t input_end = 0, last_output = 0;

    for (;;) {
        struct pollfd fds[2] = {
            {.fd = input_open ? STDIN_FILENO : -1, .events = POLLIN},
            {.fd = sock, .events = POLLIN},
        };
        int timeout = -1, rc;

        if (caught_signal)
            return END_SIGNAL;
        if (!input_open) {
            /* Draining: until the guest is quiet for a moment, or enough is enough. */
            int64_t now = now_ms();
            int64_t quiet_left = last_output + DRAIN_QUIET_MS - now;
            int64_t max_left = input_end + DRAIN_MAX_MS - now;
            int64_t left = quiet_left < max_left ? quiet_left : max_left;

            if (left <= 0)
                return END_INPUT_DONE;
            timeout = (int)left;
        }
        rc = poll(fds, 2, timeout);
        if (rc < 0) {
            if (errno == EINTR)
                continue;
            snprintf(err, err_size, "poll: %s", strerror(errno));
            return END_ERROR;
        }
        if (fds[1].revents) {
            rc = relay_from_guest(sock, err, err_size);
            if (rc >= 0)
                return (enum relay_end)rc;
            last_output = now_ms();
        }
        if (input_open && fds[0].revents) {
            rc = (fds[0].revents & POLLNVAL) ? -2 : relay_to_guest(sock, terminal, err, err_size);
            if (rc == -2) {
                /* Tell the worker we are done sending; keep listening a little. */
                shutdown(sock, SHUT_WR);
                input_open = false;
                input_end = last_output = now_ms();
            } else if (rc >= 0) {
                return (enum relay_end)rc;
            }
        }
    }
}

static int print_log(const struct hvctl_paths *paths, const char *name)
{
    char path[VM_PATH_MAX], buf[65536];
    int fd;
    ssize_t n;

    path_vm_run_file(paths, name, CONSOLE_LOG, path);
    fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        if (errno == ENOENT)
            hvctl_error("%s has no console log: %s is written while it runs", name, path);
        else
            hvctl_error("%s: %s", path, strerror(errno));
        return HVCTL_EXIT_ERROR;
    }
    while ((n = read(fd, buf, sizeof(buf))) != 0) {
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0 || write_all(STDOUT_FILENO, buf, (size_t)n) != 0) {
            hvctl_error("copying %s: %s", path, strerror(errno));
            close(fd);
            return HVCTL_EXIT_ERROR;
        }
    }
    close(fd);
    return HVCTL_EXIT_OK;
}

int cmd_console(const struct hvctl_paths *paths, const struct hvctl_args *args)
{
    static const int ending_signals[] = {SIGTERM, SIGHUP, SIGINT, SIGQUIT};
    const char *name = args->name;
    char path[VM_PATH_MAX], err[HVCTL_ERR_MAX];
    struct sigaction sa;
    struct termios saved, raw;
    bool terminal;
    enum relay_end end;
    int sock;

    if (vm_check_exists(paths, name) != 0)
        return HVCTL_EXIT_ERROR;
    if (args->given & OPT_LOG)
        return print_log(paths, name);
    if (worker_pid(paths, name, -1) == 0) {
        hvctl_error("%s is not running (hvctl start %s; hvctl console %s --log shows its last "
                    "output)",
                    name, name, name);
        return HVCTL_EXIT_ERROR;
    }
    path_vm_run_file(paths, name, CONSOLE_SOCKET, path);
    sock = unix_connect(path, CONTROL_TIMEOUT_MS, err, sizeof(err));
    if (sock < 0) {
        hvctl_error("cannot attach to %s's console: %s", name, err);
        return HVCTL_EXIT_ERROR;
    }

    /* No SA_RESTART: poll() must return so that the loop sees the signal. */
    memset(&sa, 0, sizeof(sa));
    sa.sa_handler = on_signal;
    sigemptyset(&sa.sa_mask);
    for (size_t i = 0; i < sizeof(ending_signals) / sizeof(ending_signals[0]); i++)
        sigaction(ending_signals[i], &sa, NULL);
    signal(SIGPIPE, SIG_IGN);

    terminal = isatty(STDIN_FILENO) && tcgetattr(STDIN_FILENO, &saved) == 0;
    if (terminal) {
        fprintf(stderr, "Connected to %s's console. Detach with Ctrl-] (Ctrl and ']').\n", name);
        raw = saved;
        cfmakeraw(&raw);
        tcsetattr(STDIN_FILENO, TCSADRAIN, &raw);
    }
    end = relay(sock, terminal, err, sizeof(err));
    if (terminal)
        tcsetattr(STDIN_FILENO, TCSADRAIN, &saved);
    close(sock);

    switch (end) {
    case END_DETACHED:
        fprintf(stderr, "\nDetached from %s's console.\n", name);
        return HVCTL_EXIT_OK;
    case END_GUEST_CLOSED:
        if (terminal)
            fprintf(stderr, "\n%s's console closed: the VM is off.\n", name);
        return HVCTL_EXIT_OK;
    case END_INPUT_DONE:
        return HVCTL_EXIT_OK;
    case END_SIGNAL:
        /* The terminal is back to normal: now die of the signal, as we would have. */
        signal(caught_signal, SIG_DFL);
        raise(caught_signal);
        return HVCTL_EXIT_ERROR;
    case END_ERROR:
        break;
    }
    hvctl_error("console of %s: %s", name, err);
    return HVCTL_EXIT_ERROR;
}
