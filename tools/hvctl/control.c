// SPDX-License-Identifier: GPL-2.0-only
/* The worker's control socket protocol (see control.h). */
#include <errno.h>
#include <poll.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "control.h"
#include "percent.h"

static int64_t now_ms(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Waits until @fd is ready for @events or @deadline passes; 1 ready, 0 timeout, -1 error. */
static int wait_ready(int fd, short events, int64_t deadline)
{
    for (;;) {
        struct pollfd pfd = {.fd = fd, .events = events};
        int64_t left = deadline - now_ms();
        int rc;

        if (left <= 0)
            return 0;
        rc = poll(&pfd, 1, (int)left);
        if (rc < 0 && errno == EINTR)
            continue;
        return rc < 0 ? -1 : (rc > 0 ? 1 : 0);
    }
}

/* A copy of @text fit for a message: at most 80 characters, control ones as '?'. */
static void printable(const char *text, char *out, size_t out_size)
{
    size_t n = 0;

    for (size_t i = 0; text[i] != '\0' && i < 80 && n + 1 < out_size; i++) {
        unsigned char c = (unsigned char)text[i];

        out[n++] = (c < 0x20 || c == 0x7f) ? '?' : (char)c;
    }
    out[n] = '\0';
}

int unix_connect(const char *socket_path, int timeout_ms, char *err, size_t err_size)
{
    struct sockaddr_un addr = {.sun_family = AF_UNIX};
    struct timeval tv = {.tv_sec = timeout_ms / 1000, .tv_usec = (timeout_ms % 1000) * 1000};
    int fd;

    if (strlen(socket_path) >= sizeof(addr.sun_path)) {
        snprintf(err, err_size, "%s: path too long for a Unix socket (at most %zu bytes)",
                 socket_path, sizeof(addr.sun_path) - 1);
        return -1;
    }
    strcpy(addr.sun_path, socket_path);
    fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) {
        snprintf(err, err_size, "socket: %s", strerror(errno));
        return -1;
    }
    /* On Linux the send timeout also bounds connect() to a worker whose backlog is full. */
    setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
    if (connect(fd, (struct sockaddr *)&addr, sizeof(addr)) != 0) {
        if (errno == ENOENT)
            snprintf(err, err_size, "%s does not exist", socket_path);
        else if (errno == ECONNREFUSED)
            snprintf(err, err_size, "%s: nobody listens (connection refused)", socket_path);
        else
            snprintf(err, err_size, "%s: %s", socket_path, strerror(errno));
        close(fd);
        return -1;
    }
    return fd;
}

/* Sends @len bytes of @data before @deadline; 0, or -1 with errno set (ETIMEDOUT when late). */
static int send_all(int fd, const char *data, size_t len, int64_t deadline)
{
    for (size_t sent = 0; sent < len;) {
        int ready = wait_ready(fd, POLLOUT, deadline);
        ssize_t n;

        if (ready <= 0) {
            if (ready == 0)
                errno = ETIMEDOUT;
            return -1;
        }
        /* MSG_NOSIGNAL: a worker that went away must be an error, not SIGPIPE. */
        n = send(fd, data + sent, len - sent, MSG_NOSIGNAL | MSG_DONTWAIT);
        if (n < 0 && errno != EINTR && errno != EAGAIN)
            return -1;
        if (n > 0)
            sent += (size_t)n;
    }
    return 0;
}

int control_request(const char *socket_path, const char *request, char *reply, size_t reply_size,
                    int timeout_ms, char *err, size_t err_size)
{
    int64_t deadline = now_ms() + timeout_ms;
    char shown[96];
    size_t used = 0;
    bool line_end = false;
    int fd;

    /* Messages name the request, but a kvp-set's can be long: its start is enough. */
    printable(request, shown, sizeof(shown));
    if (reply_size < 2) {
        snprintf(err, err_size, "no room for a reply to '%s'", shown);
        return -1;
    }
    fd = unix_connect(socket_path, timeout_ms, err, err_size);
    if (fd < 0)
        return -1;
    if (send_all(fd, request, strlen(request), deadline) != 0 ||
        send_all(fd, "\n", 1, deadline) != 0) {
        if (errno == ETIMEDOUT)
            snprintf(err, err_size, "%s: cannot send '%s' within %d ms", socket_path, shown,
                     timeout_ms);
        else
            snprintf(err, err_size, "%s: sending '%s': %s", socket_path, shown, strerror(errno));
        close(fd);
        return -1;
    }
    /* One line back, straight into @reply; the worker may close the connection right after. */
    while (!line_end) {
        int ready = wait_ready(fd, POLLIN, deadline);
        ssize_t n;

        if (ready <= 0) {
            snprintf(err, err_size, "%s: no reply to '%s' within %d ms", socket_path, shown,
                     timeout_ms);
            close(fd);
            return -1;
        }
        if (used == reply_size - 1) {
            /* Full: only the newline (or the end) may follow, which is not kept. */
            char next;

            n = recv(fd, &next, 1, 0);
            if (n < 0 && errno == EINTR)
                continue;
            if (n > 0 && next != '\n') {
                snprintf(err, err_size, "%s: reply to '%s' too long (more than %zu bytes)",
                         socket_path, shown, reply_size - 1);
                close(fd);
                return -1;
            }
            if (n >= 0)
                break;
        } else {
            n = recv(fd, reply + used, reply_size - 1 - used, 0);
        }
        if (n < 0) {
            if (errno == EINTR)
                continue;
            snprintf(err, err_size, "%s: reading the reply to '%s': %s", socket_path, shown,
                     strerror(errno));
            close(fd);
            return -1;
        }
        if (n == 0)
            break;
        line_end = memchr(reply + used, '\n', (size_t)n) != NULL;
        used += (size_t)n;
    }
    close(fd);
    reply[used] = '\0';
    reply[strcspn(reply, "\n")] = '\0';
    if (reply[0] == '\0') {
        snprintf(err, err_size, "%s: the worker closed the connection without replying to '%s'",
                 socket_path, shown);
        return -1;
    }
    return 0;
}

/* "error MESSAGE" -> the message; anything else not "ok..." -> "unexpected reply". */
static void reply_error(const char *reply, char *err, size_t err_size)
{
    char shown[96];

    if (strncmp(reply, "error ", 6) == 0) {
        printable(reply + 6, shown, sizeof(shown));
        snprintf(err, err_size, "%s", shown);
    } else {
        printable(reply, shown, sizeof(shown));
        snprintf(err, err_size, "unexpected reply '%s'", shown);
    }
}

int control_parse_ok(const char *reply, char *err, size_t err_size)
{
    if (strcmp(reply, "ok") == 0)
        return 0;
    reply_error(reply, err, err_size);
    return -1;
}

/* A decimal number of at most 20 digits; -1 if @s is anything else. */
static int parse_u64(const char *s, size_t len, uint64_t *out)
{
    uint64_t v = 0;

    if (len == 0)
        return -1;
    for (size_t i = 0; i < len; i++) {
        if (s[i] < '0' || s[i] > '9' || v > (UINT64_MAX - (uint64_t)(s[i] - '0')) / 10)
            return -1;
        v = v * 10 + (uint64_t)(s[i] - '0');
    }
    *out = v;
    return 0;
}

/* heartbeat=: ok, lost or none. */
static int parse_heartbeat(const char *s, size_t len, enum vm_heartbeat *out)
{
    static const struct {
        const char *word;
        enum vm_heartbeat value;
    } words[] = {{"ok", VM_HEARTBEAT_OK}, {"lost", VM_HEARTBEAT_LOST}, {"none", VM_HEARTBEAT_NONE}};

    for (size_t i = 0; i < sizeof(words) / sizeof(words[0]); i++) {
        if (strlen(words[i].word) == len && memcmp(s, words[i].word, len) == 0) {
            *out = words[i].value;
            return 0;
        }
    }
    return -1;
}

int control_parse_status(const char *reply, struct vm_status *status, char *err, size_t err_size)
{
    static const char *const field_names[] = {"uptime_s", "cpus", "memory"};
    uint64_t values[3];
    bool seen[3] = {false, false, false};
    enum vm_heartbeat heartbeat = VM_HEARTBEAT_UNKNOWN;
    char shown[96];
    const char *p;

    if (strncmp(reply, "ok ", 3) != 0) {
        reply_error(reply, err, err_size);
        return -1;
    }
    p = reply + 3;
    if (strncmp(p, "running", 7) == 0 && (p[7] == ' ' || p[7] == '\0')) {
        status->state = VM_STATE_RUNNING;
        p += 7;
    } else if (strncmp(p, "paused", 6) == 0 && (p[6] == ' ' || p[6] == '\0')) {
        status->state = VM_STATE_PAUSED;
        p += 6;
    } else {
        printable(reply, shown, sizeof(shown));
        snprintf(err, err_size, "unknown state in the status reply '%s'", shown);
        return -1;
    }
    /* key=value fields in any order; keys we do not know are a newer worker's: skip them. */
    while (*p == ' ') {
        const char *field = ++p;
        size_t len = strcspn(field, " ");
        const char *eq = memchr(field, '=', len);

        p += len;
        if (len == 0)
            continue;
        if (eq == NULL) {
            printable(reply, shown, sizeof(shown));
            snprintf(err, err_size, "malformed status reply '%s'", shown);
            return -1;
        }
        if (eq - field == 9 && memcmp(field, "heartbeat", 9) == 0 &&
            parse_heartbeat(eq + 1, len - 10, &heartbeat) != 0) {
            printable(reply, shown, sizeof(shown));
            snprintf(err, err_size, "bad heartbeat in the status reply '%s'", shown);
            return -1;
        }
        for (size_t i = 0; i < 3; i++) {
            size_t key_len = (size_t)(eq - field);

            if (strlen(field_names[i]) != key_len || memcmp(field, field_names[i], key_len) != 0)
                continue;
            if (parse_u64(eq + 1, len - key_len - 1, &values[i]) != 0) {
                printable(reply, shown, sizeof(shown));
                snprintf(err, err_size, "bad %s in the status reply '%s'", field_names[i], shown);
                return -1;
            }
            seen[i] = true;
        }
    }
    if (*p != '\0') {
        printable(reply, shown, sizeof(shown));
        snprintf(err, err_size, "malformed status reply '%s'", shown);
        return -1;
    }
    for (size_t i = 0; i < 3; i++) {
        if (!seen[i]) {
            printable(reply, shown, sizeof(shown));
            snprintf(err, err_size, "no %s in the status reply '%s'", field_names[i], shown);
            return -1;
        }
    }
    if (values[1] > UINT32_MAX) {
        snprintf(err, err_size, "cpus out of range in the status reply");
        return -1;
    }
    status->uptime_s = values[0];
    status->cpus = (unsigned)values[1];
    status->memory = values[2];
    status->heartbeat = heartbeat;
    return 0;
}

long control_percent_encode(const char *in, size_t len, char *out, size_t out_size)
{
    return percent_encode(in, len, out, out_size);
}

int control_disk_attach_request(unsigned lun, bool read_only, const char *path, char *out,
                                size_t out_size, char *err, size_t err_size)
{
    size_t limit = out_size < CONTROL_REQUEST_MAX ? out_size : CONTROL_REQUEST_MAX;
    int head = snprintf(out, out_size, "disk-attach %u %s ", lun, read_only ? "ro" : "rw");

    /* The newline takes the last byte of a line, the NUL here the last of @out. */
    if (head < 0 || (size_t)head >= limit - 1 ||
        control_percent_encode(path, strlen(path), out + head, limit - 1 - (size_t)head) < 0) {
        snprintf(err, err_size,
                 "the path, encoded for the worker, is longer than its request line (%d bytes)",
                 CONTROL_REQUEST_MAX);
        return -1;
    }
    return 0;
}

void control_disk_detach_request(unsigned lun, char *out, size_t out_size)
{
    snprintf(out, out_size, "disk-detach %u", lun);
}

int control_parse_kvp(char *reply, struct kvp_pair **pairs, size_t *count, size_t *total, char *err,
                      size_t err_size)
{
    char shown[96], *p, *end;
    size_t words = 0, n = 0;
    uint64_t announced;
    struct kvp_pair *list = NULL;

    *pairs = NULL;
    *count = *total = 0;
    if (strncmp(reply, "ok ", 3) != 0) {
        reply_error(reply, err, err_size);
        return -1;
    }
    printable(reply, shown, sizeof(shown));
    p = reply + 3;
    end = p + strcspn(p, " ");
    if (parse_u64(p, (size_t)(end - p), &announced) != 0 || announced > SIZE_MAX / 2) {
        snprintf(err, err_size, "bad pair count in the kvp reply '%s'", shown);
        return -1;
    }
    for (const char *q = end; *q != '\0'; q++)
        words += *q == ' ';
    if (words > announced) {
        snprintf(err, err_size, "more pairs than announced in the kvp reply '%s'", shown);
        return -1;
    }
    if (words > 0) {
        list = calloc(words, sizeof(*list));
        if (list == NULL) {
            snprintf(err, err_size, "out of memory");
            return -1;
        }
    }
    /* " POOL:KEY=VALUE" each: the separators are never encoded, the text never raw.
     * Decoding ends each part with a NUL, maybe on the separator after it: so
     * whether another pair follows is read first. */
    for (bool more = *end == ' '; more;) {
        char *word = end + 1, *colon, *eq;

        end = word + strcspn(word, " ");
        more = *end == ' ';
        colon = memchr(word, ':', (size_t)(end - word));
        eq = colon ? memchr(colon, '=', (size_t)(end - colon)) : NULL;
        if (eq == NULL || percent_decode_in_place(word, (size_t)(colon - word)) < 0 ||
            percent_decode_in_place(colon + 1, (size_t)(eq - colon - 1)) < 0 ||
            percent_decode_in_place(eq + 1, (size_t)(end - eq - 1)) < 0) {
            snprintf(err, err_size, "malformed pair %zu in the kvp reply '%s'", n + 1, shown);
            free(list);
            return -1;
        }
        list[n++] = (struct kvp_pair){word, colon + 1, eq + 1};
    }
    if (n != words) {
        snprintf(err, err_size, "malformed kvp reply '%s'", shown);
        free(list);
        return -1;
    }
    *pairs = list;
    *count = n;
    *total = (size_t)announced;
    return 0;
}
