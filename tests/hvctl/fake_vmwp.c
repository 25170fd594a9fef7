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
 *   control: the requests of tools/vmwp/control.h, read, parsed and answered
 *            with the worker's own code (tools/vmwp/control.c, built in);
 *   console: echoes every byte back and appends it to console.log.
 * On "stop" it exits, and on "shutdown" (or "reboot") it exits 300 ms later
 * as a guest that powers off would, in both cases leaving its pid file and
 * sockets behind for hvctl to clean up (as a crashed worker would).  On
 * stdout (vmwp.log) it reports what it can check of how it was started (its
 * session, its stdin, its arguments), every control request, and the pair
 * each kvp-set gave (decoded, control characters as \xHH).
 *
 * FAKE_VMWP_MODE changes its behaviour:
 *   fail             print one line on stderr and exit 1 (a worker that cannot start)
 *   fail-lines       print 14 lines and exit 3
 *   ignore-stop      reply "ok" to stop but keep running (hvctl must SIGKILL it)
 *   crash            write DIR/crashed ("guest triple fault (vp 0, rip 0x1234)") and
 *                    exit 3, as vmwp does when the guest crashes at once
 *   no-shutdown      answer shutdown "error no shutdown service in the guest"
 *   ignore-shutdown  reply "ok" to shutdown but keep running (a guest that does not
 *                    go down; stop still works)
 *   shutdown-crash   after shutdown, write DIR/crashed and exit 3
 * FAKE_VMWP_DELAY_MS delays the pid file (hvctl must wait for it).
 * FAKE_VMWP_HEARTBEAT is status's heartbeat= (ok, lost or none; default ok).
 * FAKE_VMWP_KVP chooses the guest's pairs: unset, a few awkward ones (spaces,
 * '=', '%', tab, newline, an escape sequence, UTF-8); "none", none; "many",
 * 200 pairs of 1000 bytes, more than one reply holds; "full", the few, and
 * kvp-set is refused as when the guest has all the pairs it can take.
 *
 * Disks: it takes the LUNs of the configuration's disk= lines as attached,
 * and answers "disk-attach LUN MODE PATH" (hot add: the LUN must be free,
 * MODE rw or ro, PATH percent-encoded and absolute) and "disk-detach LUN"
 * (the LUN must be attached), reporting each one it took on stdout as
 * "fake vmwp: disk-attach lun=N mode=M path=[PATH]" (decoded, escaped) or
 * "fake vmwp: disk-detach lun=N".  FAKE_VMWP_DISK=refuse answers both with
 * FAKE_DISK_REFUSED, as a worker whose guest does not take the change.
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

#include "../../tools/vmwp/control.h"
#include "percent.h"

#define SHUTDOWN_DELAY_MS 300
#define FAKE_DISK_LUNS    64
#define FAKE_DISK_REFUSED "error the guest's SCSI controller did not take the change"

static int disk_attached[FAKE_DISK_LUNS];

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

/* memory= and cpus= of the configuration, for the status reply, and the disks' LUNs. */
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
        else if (strncmp(line, "disk=", 5) == 0 && strtoul(line + 5, NULL, 10) < FAKE_DISK_LUNS)
            disk_attached[strtoul(line + 5, NULL, 10)] = 1;
    }
    fclose(f);
    printf("fake vmwp: disks at start:");
    for (int lun = 0; lun < FAKE_DISK_LUNS; lun++) {
        if (disk_attached[lun])
            printf(" %d", lun);
    }
    printf("\n");
    fflush(stdout);
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

static void write_crash_record(void)
{
    char path[4200];
    FILE *f;

    snprintf(path, sizeof(path), "%s/crashed", run_dir);
    f = fopen(path, "w");
    if (f == NULL)
        die("crashed");
    fputs("guest triple fault (vp 0, rip 0x1234)\n", f);
    fclose(f);
}

/* @s on stdout with control characters, DEL and non-ASCII as \xHH. */
static void print_escaped(const char *s)
{
    for (; *s != '\0'; s++) {
        unsigned char c = (unsigned char)*s;

        if (c < 0x20 || c >= 0x7f || c == '\\')
            printf("\\x%02x", c);
        else
            putchar(c);
    }
}

/* The kvp reply for FAKE_VMWP_KVP, into @buf (CONTROL_REPLY_MAX bytes). */
static void kvp_reply(const char *which, char *buf)
{
    static const char *const few[][3] = {
        {"auto", "FullyQualifiedDomainName", "web.example.org"},
        {"auto", "OSName", "Debian GNU/Linux 12 (bookworm)"},
        {"auto", "NetworkAddressIPv4", "10.0.0.2;10.0.0.3"},
        {"guest", "key with spaces", "a=b 100% \tx\ny"},
        {"guest", "escape", "\x1b[2Jcleared?"},
        {"guest", "gr\xc3\xbc\xc3\x9f", "\xe2\x82\xac 5"},
    };
    struct control_kvp_reply r;

    if (strcmp(which, "none") == 0) {
        control_kvp_reply_start(&r, buf, CONTROL_REPLY_MAX, 0);
    } else if (strcmp(which, "many") == 0) {
        char key[32], value[1001];

        memset(value, 'v', 1000);
        value[1000] = '\0';
        control_kvp_reply_start(&r, buf, CONTROL_REPLY_MAX, 200);
        for (int i = 0; i < 200; i++) {
            snprintf(key, sizeof(key), "key%03d", i);
            control_kvp_reply_add(&r, "guest", key, value);
        }
    } else {
        control_kvp_reply_start(&r, buf, CONTROL_REPLY_MAX, sizeof(few) / sizeof(few[0]));
        for (size_t i = 0; i < sizeof(few) / sizeof(few[0]); i++)
            control_kvp_reply_add(&r, few[i][0], few[i][1], few[i][2]);
    }
}

/* A LUN of a disk request: 0 to 63, digits only; -1 if not. */
static int parse_lun(const char *s, char **end)
{
    long lun;

    if (*s < '0' || *s > '9')
        return -1;
    lun = strtol(s, end, 10);
    return lun < FAKE_DISK_LUNS ? (int)lun : -1;
}

/* "disk-attach LUN MODE PATH" (@request NUL-terminated): the reply into @reply. */
static void disk_attach(char *request, const char *mode_env, char *reply, size_t size)
{
    char *p = request + strlen("disk-attach "), *path;
    int lun = parse_lun(p, &p);
    long n;

    if (lun < 0 || *p != ' ' || (strncmp(p + 1, "rw ", 3) != 0 && strncmp(p + 1, "ro ", 3) != 0)) {
        snprintf(reply, size, "error malformed disk-attach (disk-attach LUN rw|ro PATH)");
        return;
    }
    path = p + 4;
    n = percent_decode_in_place(path, strcspn(path, "\r\n"));
    if (n < 0 || path[0] != '/') {
        snprintf(reply, size, "error disk-attach: the path is not percent-encoded and absolute");
        return;
    }
    if (strcmp(mode_env, "refuse") == 0) {
        snprintf(reply, size, FAKE_DISK_REFUSED);
        return;
    }
    if (disk_attached[lun]) {
        snprintf(reply, size, "error LUN %d is in use", lun);
        return;
    }
    disk_attached[lun] = 1;
    snprintf(reply, size, "ok");
    printf("fake vmwp: disk-attach lun=%d mode=%.2s path=[", lun, p + 1);
    print_escaped(path);
    printf("]\n");
}

/* "disk-detach LUN": the reply into @reply. */
static void disk_detach(char *request, const char *mode_env, char *reply, size_t size)
{
    char *p = request + strlen("disk-detach ");
    int lun = parse_lun(p, &p);

    if (lun < 0 || (*p != '\0' && *p != '\n' && *p != '\r')) {
        snprintf(reply, size, "error malformed disk-detach (disk-detach LUN)");
        return;
    }
    if (strcmp(mode_env, "refuse") == 0) {
        snprintf(reply, size, FAKE_DISK_REFUSED);
        return;
    }
    if (!disk_attached[lun]) {
        snprintf(reply, size, "error no disk at LUN %d", lun);
        return;
    }
    disk_attached[lun] = 0;
    snprintf(reply, size, "ok");
    printf("fake vmwp: disk-detach lun=%d\n", lun);
}

static long long now_ms(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int main(int argc, char **argv)
{
    const char *mode = getenv("FAKE_VMWP_MODE");
    const char *delay = getenv("FAKE_VMWP_DELAY_MS");
    const char *heartbeat = getenv("FAKE_VMWP_HEARTBEAT");
    const char *kvp = getenv("FAKE_VMWP_KVP");
    const char *disk_mode = getenv("FAKE_VMWP_DISK");
    unsigned long long memory = 0;
    unsigned cpus = 0;
    int control, console, client = -1, paused = 0;
    time_t started = time(NULL);
    long long power_off_at = -1; /* when a shutdown the guest took is done */
    enum control_heartbeat hb = CONTROL_HEARTBEAT_OK;
    static char request[CONTROL_LINE_MAX], reply[CONTROL_REPLY_MAX];
    char banner[256];

    if (mode == NULL)
        mode = "";
    if (kvp == NULL)
        kvp = "";
    if (disk_mode == NULL)
        disk_mode = "";
    if (heartbeat != NULL && strcmp(heartbeat, "lost") == 0)
        hb = CONTROL_HEARTBEAT_LOST;
    else if (heartbeat != NULL && strcmp(heartbeat, "none") == 0)
        hb = CONTROL_HEARTBEAT_NONE;
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
        write_crash_record();
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
        int wait_ms = -1;

        if (power_off_at >= 0) {
            long long left = power_off_at - now_ms();

            if (left <= 0) {
                printf("fake vmwp: guest powered off\n");
                fflush(stdout);
                if (strcmp(mode, "shutdown-crash") == 0) {
                    write_crash_record();
                    return 3;
                }
                return 0;
            }
            wait_ms = (int)left;
        }
        if (poll(fds, 3, wait_ms) < 0 && errno != EINTR)
            die("poll");
        if (fds[0].revents & POLLIN) {
            int conn = accept(control, NULL, NULL);
            long n = conn >= 0 ? control_read_request(conn, request, sizeof(request) - 1) : -1;
            struct control_kvp_set pair;
            char msg[200];
            int stop = 0;

            request[n > 0 ? n : 0] = '\0';
            switch (n < 0 ? CONTROL_UNKNOWN : control_parse(request, (size_t)n)) {
            case CONTROL_STATUS:
                control_format_status(reply, sizeof(reply), paused,
                                      (uint64_t)(time(NULL) - started), cpus, memory, hb);
                break;
            case CONTROL_PAUSE:
            case CONTROL_RESUME: {
                int want = request[0] == 'p';

                snprintf(reply, sizeof(reply), paused == want ? "error already %s" : "ok",
                         want ? "paused" : "running");
                paused = want;
                break;
            }
            case CONTROL_STOP:
                snprintf(reply, sizeof(reply), "ok");
                stop = strcmp(mode, "ignore-stop") != 0;
                break;
            case CONTROL_SHUTDOWN:
            case CONTROL_REBOOT:
                if (strcmp(mode, "no-shutdown") == 0) {
                    snprintf(reply, sizeof(reply), CONTROL_REPLY_NO_SHUTDOWN);
                    break;
                }
                snprintf(reply, sizeof(reply), "ok");
                if (strcmp(mode, "ignore-shutdown") != 0 && power_off_at < 0)
                    power_off_at = now_ms() + SHUTDOWN_DELAY_MS;
                break;
            case CONTROL_KVP:
                kvp_reply(kvp, reply);
                break;
            case CONTROL_KVP_SET:
                if (control_parse_kvp_set(request, (size_t)n, &pair, msg, sizeof(msg)) != 0) {
                    snprintf(reply, sizeof(reply), "error %s", msg);
                } else if (strcmp(kvp, "full") == 0) {
                    snprintf(reply, sizeof(reply), CONTROL_REPLY_KVP_SET_REFUSED);
                } else {
                    snprintf(reply, sizeof(reply), "ok");
                    printf("fake vmwp: kvp-set key=[");
                    print_escaped(pair.key);
                    printf("] value=[");
                    print_escaped(pair.value);
                    printf("]\n");
                }
                break;
            default:
                /* The disk requests are the fake's own: the worker's parser may not know them. */
                if (n > 0 && strncmp(request, "disk-attach ", 12) == 0)
                    disk_attach(request, disk_mode, reply, sizeof(reply));
                else if (n > 0 && strncmp(request, "disk-detach ", 12) == 0)
                    disk_detach(request, disk_mode, reply, sizeof(reply));
                else
                    snprintf(reply, sizeof(reply),
                             n < 0 ? "error no request line" : CONTROL_REPLY_UNKNOWN);
                break;
            }
            if (conn >= 0) {
                control_send_reply(conn, reply);
                close(conn);
            }
            /* The request as it came, up to 80 bytes, on one line. */
            request[strcspn(request, "\n") < 80 ? strcspn(request, "\n") : 80] = '\0';
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
