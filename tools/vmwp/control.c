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
#include "percent.h"

enum control_request control_parse(const char *line, size_t len)
{
    static const struct {
        const char *word;
        enum control_request req;
    } requests[] = {
        {"status", CONTROL_STATUS}, {"pause", CONTROL_PAUSE},       {"resume", CONTROL_RESUME},
        {"stop", CONTROL_STOP},     {"shutdown", CONTROL_SHUTDOWN}, {"reboot", CONTROL_REBOOT},
        {"kvp", CONTROL_KVP},       {"kvp-set", CONTROL_KVP_SET},
    };

    if (len && line[len - 1] == '\n')
        len--;
    if (len && line[len - 1] == '\r')
        len--;
    /* kvp-set takes an argument: its shape is control_parse_kvp_set()'s to
     * judge, with a better message than "unknown request". */
    if (len > 7 && !memcmp(line, "kvp-set ", 8))
        return CONTROL_KVP_SET;
    if (len >= 11 && !memcmp(line, "disk-attach", 11) && (len == 11 || line[11] == ' '))
        return CONTROL_DISK_ATTACH;
    if (len >= 11 && !memcmp(line, "disk-detach", 11) && (len == 11 || line[11] == ' '))
        return CONTROL_DISK_DETACH;
    for (size_t i = 0; i < sizeof(requests) / sizeof(requests[0]); i++) {
        if (strlen(requests[i].word) == len && !memcmp(line, requests[i].word, len))
            return requests[i].req;
    }
    return CONTROL_UNKNOWN;
}

/* ---- percent-encoding and UTF-8 --------------------------------------------------- */

long control_percent_encode(const char *in, size_t len, char *out, size_t outlen)
{
    return percent_encode(in, len, out, outlen);
}

/* The UTF-16 code units of the UTF-8 text @s (@len bytes), or -1 if it is
 * not UTF-8 (overlong forms, surrogates and code points past U+10FFFF
 * included).  NUL bytes were refused before. */
static long utf16_units(const char *s, size_t len)
{
    const unsigned char *p = (const unsigned char *)s;
    long units = 0;

    for (size_t i = 0; i < len;) {
        unsigned char c = p[i];
        uint32_t cp;
        size_t n;

        if (c < 0x80) {
            i++;
            units++;
            continue;
        }
        if (c >= 0xc2 && c <= 0xdf) {
            n = 2;
            cp = c & 0x1f;
        } else if (c >= 0xe0 && c <= 0xef) {
            n = 3;
            cp = c & 0x0f;
        } else if (c >= 0xf0 && c <= 0xf4) {
            n = 4;
            cp = c & 0x07;
        } else {
            return -1;
        }
        if (len - i < n)
            return -1;
        for (size_t k = 1; k < n; k++) {
            if ((p[i + k] & 0xc0) != 0x80)
                return -1;
            cp = cp << 6 | (p[i + k] & 0x3f);
        }
        if ((n == 3 && cp < 0x800) || (n == 4 && cp < 0x10000) || cp > 0x10ffff ||
            (cp >= 0xd800 && cp <= 0xdfff))
            return -1;
        units += cp >= 0x10000 ? 2 : 1;
        i += n;
    }
    return units;
}

static int fail(char *err, size_t errlen, const char *msg)
{
    snprintf(err, errlen, "%s", msg);
    return -1;
}

int control_parse_kvp_set(const char *line, size_t len, struct control_kvp_set *out, char *err,
                          size_t errlen)
{
    const char *arg, *eq;
    long klen, vlen, units;

    if (len && line[len - 1] == '\n')
        len--;
    if (len && line[len - 1] == '\r')
        len--;
    if (len < 8 || memcmp(line, "kvp-set ", 8) != 0)
        return fail(err, errlen, "kvp-set needs KEY=VALUE (percent-encoded)");
    arg = line + 8;
    len -= 8;
    eq = memchr(arg, '=', len);
    if (!eq || memchr(arg, ' ', len))
        return fail(err, errlen, "kvp-set needs one KEY=VALUE (percent-encoded)");
    /* A decoded text that does not fit its buffer is too long in UTF-8. */
    klen = percent_decode(arg, (size_t)(eq - arg), out->key, sizeof(out->key));
    if (klen == -2)
        return fail(err, errlen, "kvp-set: the key is longer than 511 bytes of UTF-8");
    if (klen < 0)
        return fail(err, errlen, "kvp-set: the key is not well percent-encoded or holds a NUL");
    vlen = percent_decode(eq + 1, len - (size_t)(eq + 1 - arg), out->value, sizeof(out->value));
    if (vlen == -2)
        return fail(err, errlen, "kvp-set: the value is longer than 2047 bytes of UTF-8");
    if (vlen < 0)
        return fail(err, errlen, "kvp-set: the value is not well percent-encoded or holds a NUL");
    if (klen == 0)
        return fail(err, errlen, "kvp-set: the key is empty");
    units = utf16_units(out->key, (size_t)klen);
    if (units < 0)
        return fail(err, errlen, "kvp-set: the key is not UTF-8");
    if (units > CONTROL_KVP_KEY_MAX)
        return fail(err, errlen, "kvp-set: the key is longer than 255 characters");
    units = utf16_units(out->value, (size_t)vlen);
    if (units < 0)
        return fail(err, errlen, "kvp-set: the value is not UTF-8");
    if (units > CONTROL_KVP_VALUE_MAX)
        return fail(err, errlen, "kvp-set: the value is longer than 1023 characters");
    return 0;
}

/* ---- replies ---------------------------------------------------------------------- */

void control_format_status(char *out, size_t outlen, bool paused, uint64_t uptime_s, uint32_t cpus,
                           uint64_t memory, enum control_heartbeat heartbeat)
{
    static const char *const hb[] = {
        [CONTROL_HEARTBEAT_NONE] = "none",
        [CONTROL_HEARTBEAT_OK] = "ok",
        [CONTROL_HEARTBEAT_LOST] = "lost",
    };

    snprintf(out, outlen, "ok %s uptime_s=%llu cpus=%u memory=%llu heartbeat=%s",
             paused ? "paused" : "running", (unsigned long long)uptime_s, cpus,
             (unsigned long long)memory,
             (unsigned)heartbeat < sizeof(hb) / sizeof(hb[0]) ? hb[heartbeat] : "none");
}

void control_kvp_reply_start(struct control_kvp_reply *r, char *buf, size_t size, size_t total)
{
    int n = snprintf(buf, size, "ok %zu", total);

    r->buf = buf;
    r->size = size;
    /* Not even "ok N" fits: no pair will.  The caller's buffer is too small
     * for a reply, which the unit tests rule out for CONTROL_REPLY_MAX. */
    r->full = n < 0 || (size_t)n >= size;
    r->len = r->full ? (size ? strlen(buf) : 0) : (size_t)n;
}

int control_kvp_reply_add(struct control_kvp_reply *r, const char *pool, const char *key,
                          const char *value)
{
    /* The text stays within size - 1 bytes: with its NUL it fills the
     * buffer at most, and with the sender's newline CONTROL_REPLY_MAX. */
    size_t start = r->len;
    long n;

    if (r->full)
        return -1;
    if (r->size - r->len < 2)
        goto full;
    r->buf[r->len++] = ' ';
    n = control_percent_encode(pool, strlen(pool), r->buf + r->len, r->size - r->len);
    if (n < 0 || r->size - r->len - (size_t)n < 2) /* ':' and the NUL */
        goto full;
    r->len += (size_t)n;
    r->buf[r->len++] = ':';
    n = control_percent_encode(key, strlen(key), r->buf + r->len, r->size - r->len);
    if (n < 0 || r->size - r->len - (size_t)n < 2) /* '=' and the NUL */
        goto full;
    r->len += (size_t)n;
    r->buf[r->len++] = '=';
    n = control_percent_encode(value, strlen(value), r->buf + r->len, r->size - r->len);
    if (n < 0)
        goto full;
    r->len += (size_t)n;
    return 0;
full:
    /* Nothing of the pair stays. */
    r->len = start;
    r->buf[start] = '\0';
    r->full = true;
    return -1;
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
    struct timespec start;
    size_t len = strlen(reply);
    size_t sent = 0;

    /* The reply and its newline, in as many sends as the socket wants: a kvp
     * reply can be larger than the socket's buffer.  A client that does not
     * read within the timeout is left behind rather than stalling vmwp. */
    clock_gettime(CLOCK_MONOTONIC, &start);
    while (sent < len + 1) {
        struct pollfd pfd = {.fd = fd, .events = POLLOUT};
        long left = CONTROL_TIMEOUT_MS - elapsed_ms(&start);
        const char *from = sent < len ? reply + sent : "\n";
        size_t n = sent < len ? len - sent : 1;
        ssize_t done;

        if (left <= 0)
            return;
        done = send(fd, from, n, MSG_NOSIGNAL | MSG_DONTWAIT | (sent < len ? MSG_MORE : 0));
        if (done > 0) {
            sent += (size_t)done;
            continue;
        }
        if (done < 0 && errno != EAGAIN && errno != EINTR)
            return; /* the client went away: nothing to tell it */
        if (poll(&pfd, 1, (int)left) < 0 && errno != EINTR)
            return;
    }
}

/* ---- disk-attach and disk-detach ------------------------------------------------------ */

/* The next space-separated word of [*p, end): its start and length; *p moves past it. */
static size_t next_word(const char **p, const char *end, const char **word)
{
    const char *s = *p;

    while (s < end && *s == ' ')
        s++;
    *word = s;
    while (s < end && *s != ' ')
        s++;
    *p = s;
    return (size_t)(s - *word);
}

static int parse_lun(const char *w, size_t n, unsigned *lun)
{
    unsigned v = 0;

    if (n == 0 || n > 2 || (n == 2 && w[0] == '0'))
        return -1;
    for (size_t i = 0; i < n; i++) {
        if (w[i] < '0' || w[i] > '9')
            return -1;
        v = v * 10 + (unsigned)(w[i] - '0');
    }
    if (v >= CONTROL_DISK_LUNS)
        return -1;
    *lun = v;
    return 0;
}

int control_parse_disk(enum control_request req, const char *line, size_t len,
                       struct control_disk *out, char *err, size_t errlen)
{
    const char *p = line, *end, *w, *extra;
    size_t n;
    long plen;

    if (len && line[len - 1] == '\n')
        len--;
    if (len && line[len - 1] == '\r')
        len--;
    end = line + len;
    memset(out, 0, sizeof(*out));
    next_word(&p, end, &w); /* the request's own word */
    n = next_word(&p, end, &w);
    if (parse_lun(w, n, &out->lun) != 0)
        return fail(err, errlen,
                    req == CONTROL_DISK_ATTACH ? "disk-attach needs LUN (0..63) MODE (rw|ro) PATH"
                                               : "disk-detach needs one LUN (0..63)");
    if (req == CONTROL_DISK_DETACH) {
        if (next_word(&p, end, &w) != 0)
            return fail(err, errlen, "disk-detach needs one LUN (0..63)");
        return 0;
    }
    n = next_word(&p, end, &w);
    if (n == 2 && !memcmp(w, "rw", 2))
        out->read_only = false;
    else if (n == 2 && !memcmp(w, "ro", 2))
        out->read_only = true;
    else
        return fail(err, errlen, "disk-attach: MODE is rw or ro");
    n = next_word(&p, end, &w);
    if (n == 0 || next_word(&p, end, &extra) != 0)
        return fail(err, errlen, "disk-attach needs LUN (0..63) MODE (rw|ro) PATH");
    plen = percent_decode(w, n, out->path, sizeof(out->path));
    if (plen < 0 || strlen(out->path) != (size_t)plen)
        return fail(err, errlen,
                    "disk-attach: the path is too long, not well percent-encoded "
                    "or holds a NUL");
    if (out->path[0] != '/')
        return fail(err, errlen, "disk-attach: the path is not absolute");
    for (long i = 0; i < plen; i++) {
        if ((unsigned char)out->path[i] < 0x20 || out->path[i] == 0x7f)
            return fail(err, errlen, "disk-attach: the path holds a control character");
    }
    return 0;
}
