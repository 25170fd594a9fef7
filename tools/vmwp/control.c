// SPDX-License-Identifier: GPL-2.0-only
/*
 * The control protocol (see control.h).  The main thread serves one
 * connection at a time: requests are rare and quick, and hvctl is the only
 * client.
 */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "control.h"

enum control_request control_parse(const char *line, size_t len)
{
    static const struct {
        const char *word;
        enum control_request req;
    } requests[] = {
        {"status", CONTROL_STATUS},
        {"pause", CONTROL_PAUSE},
        {"resume", CONTROL_RESUME},
        {"stop", CONTROL_STOP},
    };

    if (len && line[len - 1] == '\n')
        len--;
    if (len && line[len - 1] == '\r')
        len--;
    for (size_t i = 0; i < sizeof(requests) / sizeof(requests[0]); i++) {
        if (strlen(requests[i].word) == len && !memcmp(line, requests[i].word, len))
            return requests[i].req;
    }
    return CONTROL_UNKNOWN;
}

void control_format_status(char *out, size_t outlen, bool paused, uint64_t uptime_s, uint32_t cpus,
                           uint64_t memory)
{
    snprintf(out, outlen, "ok %s uptime_s=%llu cpus=%u memory=%llu", paused ? "paused" : "running",
             (unsigned long long)uptime_s, cpus, (unsigned long long)memory);
}

static long elapsed_ms(const struct timespec *since)
{
    struct timespec now;

    clock_gettime(CLOCK_MONOTONIC, &now);
    return (now.tv_sec - since->tv_sec) * 1000 + (now.tv_nsec - since->tv_nsec) / 1000000;
}

long control_read_request(int fd, char *buf, size_t size)
{
    struct timespec start;
    size_t len = 0;

    clock_gettime(CLOCK_MONOTONIC, &start);
    while (len < size) {
        struct pollfd pfd = {.fd = fd, .events = POLLIN};
        long left = CONTROL_TIMEOUT_MS - elapsed_ms(&start);
        ssize_t n;

        if (left <= 0)
            return -1;
        if (poll(&pfd, 1, (int)left) <= 0) {
            if (errno == EINTR)
                continue;
            return -1;
        }
        n = recv(fd, buf + len, size - len, MSG_DONTWAIT);
        if (n < 0 && (errno == EAGAIN || errno == EINTR))
            continue;
        if (n < 0)
            return -1;
        if (n == 0)
            return (long)len; /* the client ended its request by closing */
        /* Only the first line counts; anything after it is ignored. */
        for (size_t i = len; i < len + (size_t)n; i++) {
            if (buf[i] == '\n')
                return (long)(i + 1);
        }
        len += (size_t)n;
    }
    return -1;
}

void control_send_reply(int fd, const char *reply)
{
    char line[CONTROL_LINE_MAX + 2];
    int len = snprintf(line, sizeof(line), "%s\n", reply);

    if (len < 0)
        return;
    if ((size_t)len >= sizeof(line))
        len = (int)sizeof(line) - 1;
    if (send(fd, line, (size_t)len, MSG_NOSIGNAL) < 0)
        return; /* the client went away: nothing to tell it */
}
