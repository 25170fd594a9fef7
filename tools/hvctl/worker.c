// SPDX-License-Identifier: GPL-2.0-only
/* The worker process: find, start, recognize, ask, turn off (see worker.h). */
#define _GNU_SOURCE /* strsignal */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "control.h"
#include "fsutil.h"
#include "lock.h"
#include "msg.h"
#include "worker.h"

/* The files of a worker's run that mean "it runs"; the logs are not among them. */
static const char *const live_files[] = {WORKER_PID_FILE, CONTROL_SOCKET, CONSOLE_SOCKET};

#define N_LIVE_FILES (sizeof(live_files) / sizeof(live_files[0]))

static void sleep_ms(long ms)
{
    struct timespec ts = {.tv_sec = ms / 1000, .tv_nsec = (ms % 1000) * 1000000L};

    while (nanosleep(&ts, &ts) != 0 && errno == EINTR) {
    }
}

/* The pid in @path ("1234\n"), or 0 if the file is missing or holds anything else. */
static pid_t read_pid_file(const char *path)
{
    char text[32];
    size_t len;
    long long pid = 0;
    size_t i = 0;

    if (read_small_file(path, text, sizeof(text), &len) != 0)
        return 0;
    for (; i < len && text[i] >= '0' && text[i] <= '9'; i++) {
        pid = pid * 10 + (text[i] - '0');
        if (pid > INT_MAX)
            return 0;
    }
    if (i == 0)
        return 0;
    for (; i < len; i++) {
        if (text[i] != '\n' && text[i] != ' ')
            return 0;
    }
    return (pid_t)pid;
}

static bool have_proc(void)
{
    return access("/proc/self/stat", R_OK) == 0;
}

/* A process that has exited but is not yet reaped still answers kill(pid, 0). */
static bool is_zombie(pid_t pid)
{
    char path[64], text[1024];
    const char *close_paren;
    size_t len;

    snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
    if (read_small_file(path, text, sizeof(text), &len) != 0)
        return false;
    /* "PID (COMM) STATE ...": COMM may hold anything, so look after the last ')'. */
    close_paren = strrchr(text, ')');
    return close_paren != NULL && (close_paren[2] == 'Z' || close_paren[2] == 'X');
}

/* Does the command line of @pid hold "--run-dir @run_dir" (or "--run-dir=@run_dir")? */
static bool has_run_dir_arg(pid_t pid, const char *run_dir)
{
    static char args[32768];
    char path[64];
    size_t len;
    const char *prev = NULL;

    snprintf(path, sizeof(path), "/proc/%d/cmdline", (int)pid);
    if (read_small_file(path, args, sizeof(args), &len) != 0)
        return false;
    for (size_t pos = 0; pos < len;) {
        const char *arg = args + pos;

        if (prev != NULL && strcmp(prev, "--run-dir") == 0 && strcmp(arg, run_dir) == 0)
            return true;
        if (strncmp(arg, "--run-dir=", 10) == 0 && strcmp(arg + 10, run_dir) == 0)
            return true;
        prev = arg;
        pos += strlen(arg) + 1;
    }
    return false;
}

/* Is @pid alive, and VM @name's worker? */
static bool is_worker(const struct hvctl_paths *paths, const char *name, pid_t pid)
{
    char run_dir[VM_PATH_MAX];

    if (pid <= 0 || (kill(pid, 0) != 0 && errno != EPERM))
        return false;
    if (!have_proc())
        return true; /* without /proc, trust the pid file */
    if (is_zombie(pid))
        return false;
    path_vm_run_dir(paths, name, run_dir);
    return has_run_dir_arg(pid, run_dir);
}

static void remove_live_files(const struct hvctl_paths *paths, const char *name)
{
    char path[VM_PATH_MAX];

    for (size_t i = 0; i < N_LIVE_FILES; i++) {
        path_vm_run_file(paths, name, live_files[i], path);
        unlink(path);
    }
}

static bool any_live_file(const struct hvctl_paths *paths, const char *name)
{
    char path[VM_PATH_MAX];

    for (size_t i = 0; i < N_LIVE_FILES; i++) {
        path_vm_run_file(paths, name, live_files[i], path);
        if (access(path, F_OK) == 0)
            return true;
    }
    return false;
}

pid_t worker_pid(const struct hvctl_paths *paths, const char *name, int lock_fd)
{
    char pid_path[VM_PATH_MAX];
    pid_t pid;
    int own_lock = -1;

    path_vm_run_file(paths, name, WORKER_PID_FILE, pid_path);
    pid = read_pid_file(pid_path);
    if (is_worker(paths, name, pid))
        return pid;
    if (!any_live_file(paths, name))
        return 0;
    /* A dead worker's files.  Remove them only under the lock: without it, a "start"
     * running now could be writing its new worker's pid file. */
    if (lock_fd < 0) {
        own_lock = vm_lock(paths, name, false);
        if (own_lock < 0)
            return 0;
        pid = read_pid_file(pid_path);
        if (is_worker(paths, name, pid)) {
            vm_unlock(own_lock);
            return pid;
        }
    }
    remove_live_files(paths, name);
    vm_unlock(own_lock);
    return 0;
}

/* Whether VM @name has a crash record; its first line (without the newline) into @reason. */
static bool read_crash_record(const struct hvctl_paths *paths, const char *name, char *reason,
                              size_t size)
{
    char path[VM_PATH_MAX];
    FILE *f;

    path_vm_run_file(paths, name, CRASH_RECORD, path);
    f = fopen(path, "re");
    if (!f)
        return false;
    if (!fgets(reason, (int)size, f))
        reason[0] = '\0';
    reason[strcspn(reason, "\n")] = '\0';
    fclose(f);
    return true;
}

enum vm_state worker_state(const struct hvctl_paths *paths, const char *name, int lock_fd,
                           struct vm_status *status, char *err, size_t err_size)
{
    char socket_path[VM_PATH_MAX], reply[CONTROL_REPLY_MAX];

    memset(status, 0, sizeof(*status));
    if (worker_pid(paths, name, lock_fd) == 0) {
        status->state =
            read_crash_record(paths, name, status->crash_reason, sizeof(status->crash_reason))
                ? VM_STATE_CRASHED
                : VM_STATE_OFF;
        return status->state;
    }
    path_vm_run_file(paths, name, CONTROL_SOCKET, socket_path);
    /* A live worker with its pid file but no control socket is restarting
     * after the guest's reset (vmwp keeps the pid file across its exec and
     * opens the socket again during setup): the VM is running, rebooting,
     * as Hyper-V shows it. */
    if (access(socket_path, F_OK) != 0 && errno == ENOENT) {
        status->state = VM_STATE_RUNNING;
        return status->state;
    }
    if (control_request(socket_path, "status", reply, sizeof(reply), CONTROL_TIMEOUT_MS, err,
                        err_size) != 0 ||
        control_parse_status(reply, status, err, err_size) != 0) {
        status->state = VM_STATE_UNKNOWN;
    }
    return status->state;
}

int worker_ask(const struct hvctl_paths *paths, const char *name, const char *request, char *reply,
               size_t reply_size, char *err, size_t err_size)
{
    char socket_path[VM_PATH_MAX];

    path_vm_run_file(paths, name, CONTROL_SOCKET, socket_path);
    return control_request(socket_path, request, reply, reply_size, CONTROL_TIMEOUT_MS, err,
                           err_size);
}

int worker_request(const struct hvctl_paths *paths, const char *name, const char *request,
                   char *err, size_t err_size)
{
    char reply[CONTROL_REPLY_MAX];

    if (worker_ask(paths, name, request, reply, sizeof(reply), err, err_size) != 0)
        return -1;
    return control_parse_ok(reply, err, err_size);
}

bool worker_alive(const struct hvctl_paths *paths, const char *name, pid_t pid)
{
    return is_worker(paths, name, pid);
}

bool worker_crash_record(const struct hvctl_paths *paths, const char *name, char *reason,
                         size_t size)
{
    return read_crash_record(paths, name, reason, size);
}

static bool is_executable_file(const char *path)
{
    struct stat st;

    return stat(path, &st) == 0 && S_ISREG(st.st_mode) && access(path, X_OK) == 0;
}

/* $HVCORE_VMWP, else vmwp next to hvctl, else vmwp in $PATH. */
static int find_worker(char *program, size_t size)
{
    const char *env = getenv(WORKER_ENV);
    char self[VM_PATH_MAX];
    const char *path_var;
    ssize_t len;

    if (env != NULL && env[0] != '\0') {
        if (!is_executable_file(env)) {
            hvctl_error("%s=%s: %s", WORKER_ENV, env,
                        access(env, F_OK) != 0 ? strerror(errno) : "not an executable file");
            return -1;
        }
        snprintf(program, size, "%s", env);
        return 0;
    }
    len = readlink("/proc/self/exe", self, sizeof(self) - 1);
    if (len > 0) {
        char *slash;

        self[len] = '\0';
        slash = strrchr(self, '/');
        if (slash != NULL) {
            slash[1] = '\0';
            if ((size_t)snprintf(program, size, "%s" WORKER_PROGRAM, self) < size &&
                is_executable_file(program))
                return 0;
        }
    }
    path_var = getenv("PATH");
    for (const char *dir = path_var; dir != NULL && *dir != '\0';) {
        size_t dir_len = strcspn(dir, ":");

        /* An empty PATH entry means the current directory. */
        if ((size_t)snprintf(program, size, "%.*s/" WORKER_PROGRAM, dir_len ? (int)dir_len : 1,
                             dir_len ? dir : ".") < size &&
            is_executable_file(program))
            return 0;
        dir += dir_len;
        if (*dir == ':')
            dir++;
    }
    hvctl_error("cannot find the worker program " WORKER_PROGRAM
                ": it is neither next to hvctl nor in PATH (%s names another)",
                WORKER_ENV);
    return -1;
}

/* In the child, between fork() and exec() (hvctl has one thread, so stdio is safe here). */
static void exec_worker(const char *program, const char *config_path, const char *run_dir,
                        int log_fd, int null_fd)
{
    char *const argv[] = {(char *)WORKER_PROGRAM, "--config", (char *)config_path, "--run-dir",
                          (char *)run_dir,        NULL};
    sigset_t none;

    /* Its own session: the worker must outlive hvctl and ignore this terminal's signals. */
    setsid();
    dup2(null_fd, STDIN_FILENO);
    dup2(log_fd, STDOUT_FILENO);
    dup2(log_fd, STDERR_FILENO);
    for (int sig = 1; sig < NSIG; sig++)
        signal(sig, SIG_DFL);
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, NULL);
    execv(program, argv);
    dprintf(STDERR_FILENO, "hvctl: cannot run %s: %s\n", program, strerror(errno));
    _exit(127);
}

/* The last (up to) WORKER_LOG_LINES non-empty lines of @path, read into @buf: their count. */
static size_t log_tail(const char *path, char *buf, size_t size, const char *lines[])
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    off_t end, start;
    ssize_t n;
    size_t count = 0;
    char *p;

    if (fd < 0)
        return 0;
    end = lseek(fd, 0, SEEK_END);
    start = end > (off_t)(size - 1) ? end - (off_t)(size - 1) : 0;
    n = end > 0 ? pread(fd, buf, size - 1, start) : 0;
    close(fd);
    if (n <= 0)
        return 0;
    buf[n] = '\0';
    p = buf;
    /* A read from the middle of the file starts in the middle of a line: skip it. */
    if (start > 0 && (p = strchr(buf, '\n')) != NULL)
        p++;
    for (char *line = p; line != NULL && *line != '\0';) {
        char *nl = strchr(line, '\n');

        if (nl != NULL)
            *nl = '\0';
        if (line[0] != '\0') {
            if (count == WORKER_LOG_LINES) {
                memmove(lines, lines + 1, (WORKER_LOG_LINES - 1) * sizeof(*lines));
                count--;
            }
            lines[count++] = line;
        }
        line = nl ? nl + 1 : NULL;
    }
    return count;
}

static void report_start_failure(const char *name, const char *log_path, const char *how)
{
    static char text[8192];
    const char *lines[WORKER_LOG_LINES];
    size_t n = log_tail(log_path, text, sizeof(text), lines);

    if (n == 0) {
        hvctl_error("%s did not start: the worker %s and wrote nothing to %s", name, how, log_path);
    } else if (n == 1) {
        hvctl_error("%s did not start: %s", name, lines[0]);
    } else {
        hvctl_error("%s did not start: the worker %s; the end of %s:", name, how, log_path);
        for (size_t i = 0; i < n; i++)
            fprintf(stderr, "  %s\n", lines[i]);
    }
}

static void describe_exit(int status, char *buf, size_t size)
{
    if (WIFEXITED(status))
        snprintf(buf, size, "exited with status %d", WEXITSTATUS(status));
    else if (WIFSIGNALED(status))
        snprintf(buf, size, "was killed by signal %d (%s)", WTERMSIG(status),
                 strsignal(WTERMSIG(status)));
    else
        snprintf(buf, size, "ended (wait status 0x%x)", (unsigned)status);
}

int worker_start(const struct hvctl_paths *paths, const char *name, const char *config_path)
{
    char program[VM_PATH_MAX], run_dir[VM_PATH_MAX], log_path[VM_PATH_MAX], pid_path[VM_PATH_MAX],
        crash_path[VM_PATH_MAX], how[128];
    int log_fd, null_fd, status;
    pid_t child;

    if (find_worker(program, sizeof(program)) != 0)
        return -1;
    path_vm_run_dir(paths, name, run_dir);
    path_vm_run_file(paths, name, WORKER_LOG_FILE, log_path);
    path_vm_run_file(paths, name, WORKER_PID_FILE, pid_path);
    /* $RUN is for everyone to look at; a VM's directory holds its console: root's only. */
    if (make_dirs(paths->run_dir, 0755) != 0 || (mkdir(run_dir, 0700) != 0 && errno != EEXIST)) {
        hvctl_error("cannot create %s: %s", run_dir, strerror(errno));
        return -1;
    }
    remove_live_files(paths, name);
    /* Before the new worker runs: a crash record from now on is its own. */
    path_vm_run_file(paths, name, CRASH_RECORD, crash_path);
    unlink(crash_path);
    log_fd = open(log_path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (log_fd < 0) {
        hvctl_error("cannot create %s: %s", log_path, strerror(errno));
        return -1;
    }
    null_fd = open("/dev/null", O_RDWR | O_CLOEXEC);
    if (null_fd < 0) {
        hvctl_error("/dev/null: %s", strerror(errno));
        close(log_fd);
        return -1;
    }
    fflush(NULL);
    child = fork();
    if (child < 0) {
        hvctl_error("cannot start %s's worker: fork: %s", name, strerror(errno));
        close(log_fd);
        close(null_fd);
        return -1;
    }
    if (child == 0)
        exec_worker(program, config_path, run_dir, log_fd, null_fd);
    close(log_fd);
    close(null_fd);

    for (long waited = 0; waited < WORKER_START_MS; waited += WORKER_POLL_MS) {
        if (read_pid_file(pid_path) > 0)
            return 0;
        if (waitpid(child, &status, WNOHANG) == child) {
            char reason[256];

            /* It may have written its pid file just before dying: those files are stale. */
            remove_live_files(paths, name);
            /* A worker that ran the guest and is done already: the guest crashed at once
             * (its crash record says why), or powered off (vmwp exits 0 only after a run). */
            if (read_crash_record(paths, name, reason, sizeof(reason))) {
                hvctl_warning("%s crashed right after it started: %s", name, reason);
                return 0;
            }
            if (WIFEXITED(status) && WEXITSTATUS(status) == 0) {
                hvctl_warning("%s stopped right after it started (see %s)", name, log_path);
                return 0;
            }
            describe_exit(status, how, sizeof(how));
            report_start_failure(name, log_path, how);
            return -1;
        }
        sleep_ms(WORKER_POLL_MS);
    }
    kill(child, SIGKILL);
    waitpid(child, &status, 0);
    remove_live_files(paths, name);
    snprintf(how, sizeof(how), "wrote no %s within %d s (killed it)", WORKER_PID_FILE,
             WORKER_START_MS / 1000);
    report_start_failure(name, log_path, how);
    return -1;
}

/* Waits up to @ms for @pid to be gone; true if it is. */
static bool wait_gone(const struct hvctl_paths *paths, const char *name, pid_t pid, long ms)
{
    for (long waited = 0;; waited += WORKER_POLL_MS) {
        if (!is_worker(paths, name, pid))
            return true;
        if (waited >= ms)
            return false;
        sleep_ms(WORKER_POLL_MS);
    }
}

int worker_turn_off(const struct hvctl_paths *paths, const char *name, pid_t pid)
{
    char err[HVCTL_ERR_MAX];
    bool gone = false;

    if (worker_request(paths, name, "stop", err, sizeof(err)) == 0) {
        gone = wait_gone(paths, name, pid, WORKER_STOP_MS);
        if (!gone)
            hvctl_warning("%s's worker (pid %d) did not exit within %d s of stop: killing it", name,
                          (int)pid, WORKER_STOP_MS / 1000);
    } else {
        hvctl_warning("%s's worker (pid %d) did not take stop (%s): killing it", name, (int)pid,
                      err);
    }
    if (!gone) {
        if (kill(pid, SIGKILL) != 0 && errno != ESRCH) {
            hvctl_error("cannot kill %s's worker (pid %d): %s", name, (int)pid, strerror(errno));
            return -1;
        }
        if (!wait_gone(paths, name, pid, WORKER_STOP_MS)) {
            hvctl_error("%s's worker (pid %d) is still there 10 s after SIGKILL", name, (int)pid);
            return -1;
        }
    }
    remove_live_files(paths, name);
    return 0;
}

void worker_remove_runtime(const struct hvctl_paths *paths, const char *name)
{
    static const char *const logs[] = {WORKER_LOG_FILE, CONSOLE_LOG, CRASH_RECORD};
    char path[VM_PATH_MAX];

    remove_live_files(paths, name);
    for (size_t i = 0; i < sizeof(logs) / sizeof(logs[0]); i++) {
        path_vm_run_file(paths, name, logs[i], path);
        unlink(path);
    }
    path_vm_run_dir(paths, name, path);
    rmdir(path); /* fails, harmlessly, if someone put other files there */
}
