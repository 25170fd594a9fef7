// SPDX-License-Identifier: GPL-2.0-only
/*
 * A stand-in for the worker (tools/vmwp) in tests/hvctl/cli-test.sh: it
 * keeps the worker's side of hvctl's contract without running a VM.
 *
 *   fake_vmwp --config PATH --run-dir DIR
 *
 * It reads memory= and cpus= from the configuration, creates
 * DIR/control.sock and DIR/console.sock, writes a banner to
 * DIR/console.log, then DIR/vmwp.pid, and serves:
 *   control: status, pause, resume, stop (replies as in the contract);
 *   console: echoes every byte back and appends it to console.log.
 * On "stop" it exits, leaving its pid file and sockets behind for hvctl to
 * clean up (as a crashed worker would).  On stdout (vmwp.log) it reports
 * what it can check of how it was started (its session, its stdin, its
 * arguments) and every control request.
 *
 * FAKE_VMWP_MODE changes its behaviour:
 *   fail         print one line on stderr and exit 1 (a worker that cannot start)
 *   fail-lines   print 14 lines and exit 3
 *   ignore-stop  reply "ok" to stop but keep running (hvctl must SIGKILL it)
 *   crash        write DIR/crashed ("guest triple fault (vp 0, rip 0x1234)") and
 *                exit 3, as vmwp does when the guest crashes at once
 * FAKE_VMWP_DELAY_MS delays the pid file (hvctl must wait for it).
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

static char run_dir[4096];

static void die(const char *what)
{
    fprintf(stderr, "fake vmwp: %s: %s\n", what, strerror(errno));
    exit(1);
}

static void run_path(char *buf, size_t size, const char *file)
{
    if ((size_t)snprintf(buf, size, "%s/%s", run_dir, file) >= size) {
        fprintf(stderr, "fake vmwp: path too long\n");
        exit(1);
    }
}

static int listen_on(const char *file)
{
    struct sockaddr_un addr = {.sun_family = AF_UNIX};
    int fd = socket(AF_UNIX, SOCK_STREAM, 0);

    run_path(addr.sun_path, sizeof(addr.sun_path), file);
    unlink(addr.sun_path);
    if (fd < 0 || bind(fd, (struct sockaddr *)&addr, sizeof(addr)) != 0 || listen(fd, 8) != 0)
        die(addr.sun_path);
    return fd;
}

static void append_log(const char *data, size_t len)
{
    char path[4200];
    int fd;

    run_path(path, sizeof(path), "console.log");
    fd = open(path, O_WRONLY | O_CREAT | O_APPEND, 0644);
    if (fd < 0 || write(fd, data, len) != (ssize_t)len)
        die(path);
    close(fd);
}

static void write_pid_file(void)
{
    char path[4200], tmp[4300], text[32];
    int fd, len = snprintf(text, sizeof(text), "%d\n", (int)getpid());

    run_path(path, sizeof(path), "vmwp.pid");
    snprintf(tmp, sizeof(tmp), "%s.tmp", path);
    fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (fd < 0 || write(fd, text, (size_t)len) != len || close(fd) != 0 || rename(tmp, path) != 0)
        die(path);
}

/* memory= and cpus= of the configuration, for the status reply. */
static void read_config(const char *path, unsigned long long *memory, unsigned *cpus)
{
    char line[8192];
    FILE *f = fopen(path, "r");

    if (f == NULL)
        die(path);
    while (fgets(line, sizeof(line), f) != NULL) {
        if (strncmp(line, "memory=", 7) == 0)
            *memory = strtoull(line + 7, NULL, 10);
        else if (strncmp(line, "cpus=", 5) == 0)
            *cpus = (unsigned)strtoul(line + 5, NULL, 10);
    }
    fclose(f);
}

/* How hvctl started us, for the test to check in vmwp.log. */
static void report_start(int argc, char **argv)
{
    struct stat in, null;

    printf("fake vmwp: pid %d, %s\n", (int)getpid(),
           getsid(0) == getpid() ? "session leader" : "NOT a session leader");
    printf("fake vmwp: stdin %s\n",
           fstat(0, &in) == 0 && stat("/dev/null", &null) == 0 && in.st_rdev == null.st_rdev
               ? "is /dev/null"
               : "is NOT /dev/null");
    printf("fake vmwp: %d arguments:", argc - 1);
    for (int i = 1; i < argc; i++)
        printf(" %s", argv[i]);
    printf("\n");
    fflush(stdout);
}

int main(int argc, char **argv)
{
    const char *mode = getenv("FAKE_VMWP_MODE");
    const char *delay = getenv("FAKE_VMWP_DELAY_MS");
    unsigned long long memory = 0;
    unsigned cpus = 0;
    int control, console, client = -1, paused = 0;
    time_t started = time(NULL);
    char banner[256];

    if (mode == NULL)
        mode = "";
    if (argc != 5 || strcmp(argv[1], "--config") != 0 || strcmp(argv[3], "--run-dir") != 0) {
        fprintf(stderr, "fake vmwp: usage: fake_vmwp --config PATH --run-dir DIR\n");
        return 2;
    }
    if (strcmp(mode, "fail") == 0) {
        fprintf(stderr, "fake vmwp: /dev/vid: No such file or directory\n");
        return 1;
    }
    if (strcmp(mode, "fail-lines") == 0) {
        for (int i = 1; i <= 14; i++)
            fprintf(stderr, "fake vmwp: failure line %d\n", i);
        return 3;
    }
    report_start(argc, argv);
    snprintf(run_dir, sizeof(run_dir), "%s", argv[4]);
    if (strcmp(mode, "crash") == 0) {
        char path[4200];
        FILE *f;

        snprintf(path, sizeof(path), "%s/crashed", run_dir);
        f = fopen(path, "w");
        if (f == NULL)
            die("crashed");
        fputs("guest triple fault (vp 0, rip 0x1234)\n", f);
        fclose(f);
        return 3;
    }
    read_config(argv[2], &memory, &cpus);
    signal(SIGPIPE, SIG_IGN);
    control = listen_on("control.sock");
    console = listen_on("console.sock");
    snprintf(banner, sizeof(banner), "fake guest: booting with %u CPUs and %llu bytes\n", cpus,
             memory);
    append_log(banner, strlen(banner));
    if (delay != NULL)
        usleep((useconds_t)atoi(delay) * 1000);
    write_pid_file();

    for (;;) {
        struct pollfd fds[3] = {
            {.fd = control, .events = POLLIN},
            {.fd = console, .events = POLLIN},
            {.fd = client, .events = POLLIN},
        };

        if (poll(fds, 3, -1) < 0 && errno != EINTR)
            die("poll");
        if (fds[0].revents & POLLIN) {
            char request[256] = "", reply[512];
            int conn = accept(control, NULL, NULL);
            ssize_t n = conn >= 0 ? read(conn, request, sizeof(request) - 1) : -1;
            int stop = 0;

            if (n > 0)
                request[n] = '\0';
            request[strcspn(request, "\n")] = '\0';
            if (strcmp(request, "status") == 0) {
                snprintf(reply, sizeof(reply), "ok %s uptime_s=%lld cpus=%u memory=%llu\n",
                         paused ? "paused" : "running", (long long)(time(NULL) - started), cpus,
                         memory);
            } else if (strcmp(request, "pause") == 0 || strcmp(request, "resume") == 0) {
                int want = request[0] == 'p';

                snprintf(reply, sizeof(reply), paused == want ? "error already %s\n" : "ok\n",
                         want ? "paused" : "running");
                paused = want;
            } else if (strcmp(request, "stop") == 0) {
                snprintf(reply, sizeof(reply), "ok\n");
                stop = strcmp(mode, "ignore-stop") != 0;
            } else {
                snprintf(reply, sizeof(reply), "error unknown request '%s'\n", request);
            }
            if (conn >= 0) {
                if (write(conn, reply, strlen(reply)) < 0)
                    perror("fake vmwp: reply");
                close(conn);
            }
            printf("fake vmwp: control: %s\n", request);
            fflush(stdout);
            if (stop)
                return 0;
        }
        if (fds[1].revents & POLLIN) {
            int conn = accept(console, NULL, NULL);

            /* One console client at a time, as a serial port has one end. */
            if (client >= 0)
                close(client);
            client = conn;
        }
        if (client >= 0 && fds[2].revents) {
            char buf[4096];
            ssize_t n = read(client, buf, sizeof(buf));

            if (n <= 0) {
                close(client);
                client = -1;
            } else {
                append_log(buf, (size_t)n);
                if (write(client, buf, (size_t)n) < 0)
                    perror("fake vmwp: echo");
            }
        }
    }
}
