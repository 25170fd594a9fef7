/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Unit tests of tools/vmwp/control.c, the control protocol: request
 * parsing (exact words, newline and CRLF, everything else unknown), kvp-set's
 * argument (percent-encoding, UTF-8, the Hyper-V sizes, every malformed
 * shape refused), the status reply's format, the kvp reply (its encoding,
 * and cut at a pair when it would pass CONTROL_REPLY_MAX), reading one
 * request from a socket (a line, data after it, a request ended by closing,
 * an over-long request) and sending a reply larger than the socket's
 * buffer, to a slow reader and to none.
 */
#include <poll.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "../../tools/vmwp/control.h"

static void test_parse(void **state)
{
    (void)state;
    assert_int_equal(control_parse("status\n", 7), CONTROL_STATUS);
    assert_int_equal(control_parse("status", 6), CONTROL_STATUS);
    assert_int_equal(control_parse("status\r\n", 8), CONTROL_STATUS);
    assert_int_equal(control_parse("pause\n", 6), CONTROL_PAUSE);
    assert_int_equal(control_parse("resume\n", 7), CONTROL_RESUME);
    assert_int_equal(control_parse("stop\n", 5), CONTROL_STOP);
    assert_int_equal(control_parse("stop now\n", 9), CONTROL_UNKNOWN);
    assert_int_equal(control_parse("STOP\n", 5), CONTROL_UNKNOWN);
    assert_int_equal(control_parse(" stop\n", 6), CONTROL_UNKNOWN);
    assert_int_equal(control_parse("sto\n", 4), CONTROL_UNKNOWN);
    assert_int_equal(control_parse("stopp\n", 6), CONTROL_UNKNOWN);
    assert_int_equal(control_parse("stop\n\n", 6), CONTROL_UNKNOWN);
    assert_int_equal(control_parse("\n", 1), CONTROL_UNKNOWN);
    assert_int_equal(control_parse("", 0), CONTROL_UNKNOWN);
    assert_int_equal(control_parse("stop\0x", 6), CONTROL_UNKNOWN);
    /* The integration services' requests. */
    assert_int_equal(control_parse("shutdown\n", 9), CONTROL_SHUTDOWN);
    assert_int_equal(control_parse("reboot\r\n", 8), CONTROL_REBOOT);
    assert_int_equal(control_parse("kvp\n", 4), CONTROL_KVP);
    assert_int_equal(control_parse("kvp-set\n", 8), CONTROL_KVP_SET);
    assert_int_equal(control_parse("kvp-set a=b\n", 12), CONTROL_KVP_SET);
    assert_int_equal(control_parse("kvp-set \n", 9), CONTROL_KVP_SET);
    assert_int_equal(control_parse("kvp-setx a=b\n", 13), CONTROL_UNKNOWN);
    assert_int_equal(control_parse("kvp x\n", 6), CONTROL_UNKNOWN);
    assert_int_equal(control_parse("shutdown now\n", 13), CONTROL_UNKNOWN);
    assert_int_equal(control_parse("Shutdown\n", 9), CONTROL_UNKNOWN);
    assert_int_equal(control_parse("reboot \n", 8), CONTROL_UNKNOWN);
    /* Hot add and remove of disks. */
    assert_int_equal(control_parse("disk-attach 1 rw /a\n", 20), CONTROL_DISK_ATTACH);
    assert_int_equal(control_parse("disk-attach\n", 12), CONTROL_DISK_ATTACH);
    assert_int_equal(control_parse("disk-detach 3\n", 14), CONTROL_DISK_DETACH);
    assert_int_equal(control_parse("disk-detachx 3\n", 15), CONTROL_UNKNOWN);
    assert_int_equal(control_parse("disk-attac 3\n", 13), CONTROL_UNKNOWN);
}

/* ---- disk-attach and disk-detach --------------------------------------------------- */

static struct control_disk dk;

static int parse_disk(const char *line)
{
    char err[256] = "";
    enum control_request req = control_parse(line, strlen(line));
    int rc;

    assert_true(req == CONTROL_DISK_ATTACH || req == CONTROL_DISK_DETACH);
    rc = control_parse_disk(req, line, strlen(line), &dk, err, sizeof(err));
    if (rc != 0)
        assert_true(err[0] != '\0'); /* a refusal always says why */
    return rc;
}

static void test_disk_requests(void **state)
{
    static char longline[CONTROL_LINE_MAX];
    (void)state;

    assert_int_equal(parse_disk("disk-attach 0 rw /vms/a.vhdx\n"), 0);
    assert_int_equal(dk.lun, 0);
    assert_false(dk.read_only);
    assert_string_equal(dk.path, "/vms/a.vhdx");
    assert_int_equal(parse_disk("disk-attach 63 ro /vms/with%20space,and%25.vhd\r\n"), 0);
    assert_int_equal(dk.lun, 63);
    assert_true(dk.read_only);
    assert_string_equal(dk.path, "/vms/with space,and%.vhd");
    assert_int_equal(parse_disk("disk-detach 7"), 0);
    assert_int_equal(dk.lun, 7);

    /* LUNs: decimal 0..63, no sign, no leading zero, no more than two digits. */
    assert_int_equal(parse_disk("disk-attach 64 rw /a"), -1);
    assert_int_equal(parse_disk("disk-attach -1 rw /a"), -1);
    assert_int_equal(parse_disk("disk-attach 07 rw /a"), -1);
    assert_int_equal(parse_disk("disk-attach 100 rw /a"), -1);
    assert_int_equal(parse_disk("disk-attach x rw /a"), -1);
    assert_int_equal(parse_disk("disk-detach 64"), -1);
    assert_int_equal(parse_disk("disk-detach"), -1);
    assert_int_equal(parse_disk("disk-detach 1 2"), -1);
    /* Modes and paths. */
    assert_int_equal(parse_disk("disk-attach 1 RW /a"), -1);
    assert_int_equal(parse_disk("disk-attach 1 rwx /a"), -1);
    assert_int_equal(parse_disk("disk-attach 1 rw"), -1);
    assert_int_equal(parse_disk("disk-attach 1 rw a.vhd"), -1);
    assert_int_equal(parse_disk("disk-attach 1 rw /a /b"), -1);
    assert_int_equal(parse_disk("disk-attach 1 rw /a%00b"), -1);
    assert_int_equal(parse_disk("disk-attach 1 rw /a%0Ab"), -1);
    assert_int_equal(parse_disk("disk-attach 1 rw /a%zz"), -1);
    assert_int_equal(parse_disk("disk-attach"), -1);
    /* A path longer than CONTROL_DISK_PATH_MAX - 1 bytes. */
    strcpy(longline, "disk-attach 1 rw /");
    memset(longline + strlen(longline), 'x', CONTROL_DISK_PATH_MAX);
    assert_int_equal(parse_disk(longline), -1);
}

/* ---- kvp-set ---------------------------------------------------------------------- */

static struct control_kvp_set kv;

static void expect_set(const char *line, const char *key, const char *value)
{
    char err[128] = "";

    memset(&kv, 'X', sizeof(kv));
    if (control_parse_kvp_set(line, strlen(line), &kv, err, sizeof(err)) != 0)
        fail_msg("refused '%.60s': %s", line, err);
    assert_string_equal(kv.key, key);
    assert_string_equal(kv.value, value);
}

static void expect_set_error(const char *line, const char *what)
{
    char err[128];

    memset(err, 'X', sizeof(err));
    if (control_parse_kvp_set(line, strlen(line), &kv, err, sizeof(err)) == 0)
        fail_msg("accepted '%.60s'", line);
    assert_non_null(memchr(err, '\0', sizeof(err)));
    if (!strstr(err, what))
        fail_msg("'%.60s': message \"%s\" lacks \"%s\"", line, err, what);
}

/* @n copies of the percent-encoded @unit after "kvp-set " and @head. */
static char *repeat_line(const char *head, const char *unit, size_t n, const char *tail)
{
    size_t len = 8 + strlen(head) + n * strlen(unit) + strlen(tail) + 2;
    char *line = malloc(len), *p;

    assert_non_null(line);
    p = line + sprintf(line, "kvp-set %s", head);
    for (size_t i = 0; i < n; i++)
        p += sprintf(p, "%s", unit);
    sprintf(p, "%s\n", tail);
    assert_true(strlen(line) < CONTROL_LINE_MAX);
    return line;
}

static void test_kvp_set(void **state)
{
    char *line;

    (void)state;
    expect_set("kvp-set a=b", "a", "b");
    expect_set("kvp-set a=b\n", "a", "b");
    expect_set("kvp-set a=b\r\n", "a", "b");
    expect_set("kvp-set Key=", "Key", "");
    expect_set("kvp-set Key%20One=v%3Dx%25%0A%09%3a", "Key One", "v=x%\n\t:");
    expect_set("kvp-set %c3%bc=%E2%82%AC%F0%9F%98%80", "\xc3\xbc", "\xe2\x82\xac\xf0\x9f\x98\x80");
    /* The longest in characters: 255 and 1023, 2 bytes each in UTF-8. */
    line = repeat_line("", "%C3%A9", 255, "=");
    assert_int_equal(control_parse_kvp_set(line, strlen(line), &kv, NULL, 0), 0);
    assert_int_equal(strlen(kv.key), 510);
    free(line);
    line = repeat_line("k=", "%C3%A9", 1023, "");
    assert_int_equal(control_parse_kvp_set(line, strlen(line), &kv, NULL, 0), 0);
    assert_int_equal(strlen(kv.value), 2046);
    free(line);
    line = repeat_line("", "k", 256, "=v");
    expect_set_error(line, "the key is longer than 255 characters");
    free(line);
    line = repeat_line("k=", "v", 1024, "");
    expect_set_error(line, "the value is longer than 1023 characters");
    free(line);
    /* Characters beyond the BMP are two UTF-16 units, as on the wire. */
    line = repeat_line("k=", "%F0%9F%98%80", 511, "x");
    assert_int_equal(control_parse_kvp_set(line, strlen(line), &kv, NULL, 0), 0);
    free(line);
    line = repeat_line("k=", "%F0%9F%98%80", 511, "xy");
    expect_set_error(line, "the value is longer than 1023 characters");
    free(line);
    line = repeat_line("", "%F0%9F%98%80", 127, "ab=v");
    expect_set_error(line, "the key is longer than 255 characters");
    free(line);
    /* The longest in UTF-8 bytes: 511 and 2047 (3-byte characters reach it
     * before 255 and 1023 characters). */
    line = repeat_line("", "%E2%82%AC", 170, "=");
    assert_int_equal(control_parse_kvp_set(line, strlen(line), &kv, NULL, 0), 0);
    free(line);
    line = repeat_line("", "%E2%82%AC", 171, "=");
    expect_set_error(line, "the key is longer than 511 bytes of UTF-8");
    free(line);
    line = repeat_line("k=", "%E2%82%AC", 681, "%F0%9F%98%80");
    assert_int_equal(control_parse_kvp_set(line, strlen(line), &kv, NULL, 0), 0);
    assert_int_equal(strlen(kv.value), 2047);
    free(line);
    line = repeat_line("k=", "%E2%82%AC", 683, "");
    expect_set_error(line, "the value is longer than 2047 bytes of UTF-8");
    free(line);

    expect_set_error("kvp-set", "kvp-set needs KEY=VALUE");
    expect_set_error("kvp-set\n", "kvp-set needs KEY=VALUE");
    expect_set_error("kvp-set ", "kvp-set needs one KEY=VALUE");
    expect_set_error("kvp-set novalue", "kvp-set needs one KEY=VALUE");
    expect_set_error("kvp-set a=b c=d", "kvp-set needs one KEY=VALUE");
    expect_set_error("kvp-set  a=b", "kvp-set needs one KEY=VALUE");
    expect_set_error("kvp-set =v", "the key is empty");
    expect_set_error("kvp-set a=%2", "the value is not well percent-encoded");
    expect_set_error("kvp-set a=%", "the value is not well percent-encoded");
    expect_set_error("kvp-set a=%zz", "the value is not well percent-encoded");
    expect_set_error("kvp-set a=%00", "the value is not well percent-encoded or holds a NUL");
    expect_set_error("kvp-set %00=b", "the key is not well percent-encoded");
    expect_set_error("kvp-set a=b\tc", "the value is not well percent-encoded");
    expect_set_error("kvp-set a:b=c", "the key is not well percent-encoded");
    expect_set_error("kvp-set a=b=c", "the value is not well percent-encoded"); /* '=' is %3D */
    expect_set_error("kvp-set a=\xc3\xbc", "the value is not well percent-encoded");
    expect_set_error("kvp-set a=b\r\r\n", "the value is not well percent-encoded");
    /* Not UTF-8: a lone continuation byte, a truncated sequence, overlong
     * forms, a surrogate, past U+10FFFF, bytes that never occur. */
    expect_set_error("kvp-set a=%80", "the value is not UTF-8");
    expect_set_error("kvp-set a=%E2%82", "the value is not UTF-8");
    expect_set_error("kvp-set a=%E2%82x", "the value is not UTF-8");
    expect_set_error("kvp-set a=%C0%80", "the value is not UTF-8");
    expect_set_error("kvp-set a=%E0%80%80", "the value is not UTF-8");
    expect_set_error("kvp-set a=%F0%80%80%80", "the value is not UTF-8");
    expect_set_error("kvp-set a=%ED%A0%80", "the value is not UTF-8");
    expect_set_error("kvp-set a=%F4%90%80%80", "the value is not UTF-8");
    expect_set_error("kvp-set a=%FF", "the value is not UTF-8");
    expect_set_error("kvp-set %FE=v", "the key is not UTF-8");
    /* The request word itself is checked too. */
    expect_set_error("kvp a=b", "kvp-set needs KEY=VALUE");
}

static void test_status_format(void **state)
{
    char buf[CONTROL_LINE_MAX];

    (void)state;
    control_format_status(buf, sizeof(buf), false, 12, 2, 1073741824, CONTROL_HEARTBEAT_OK);
    assert_string_equal(buf, "ok running uptime_s=12 cpus=2 memory=1073741824 heartbeat=ok");
    control_format_status(buf, sizeof(buf), true, 0, 64, 1098437885952ull, CONTROL_HEARTBEAT_LOST);
    assert_string_equal(buf, "ok paused uptime_s=0 cpus=64 memory=1098437885952 heartbeat=lost");
    control_format_status(buf, sizeof(buf), false, 1, 1, 67108864, CONTROL_HEARTBEAT_NONE);
    assert_string_equal(buf, "ok running uptime_s=1 cpus=1 memory=67108864 heartbeat=none");
}

/* ---- the kvp reply ---------------------------------------------------------------- */

static void test_percent_encode(void **state)
{
    char out[64];

    (void)state;
    assert_int_equal(control_percent_encode("plain-Text_1.2~!", 16, out, sizeof(out)), 16);
    assert_string_equal(out, "plain-Text_1.2~!");
    assert_int_equal(control_percent_encode("a b%c:d=e\tf\ng\x7f\xc3\xbc", 16, out, sizeof(out)),
                     34);
    assert_string_equal(out, "a%20b%25c%3Ad%3De%09f%0Ag%7F%C3%BC");
    assert_int_equal(control_percent_encode("a\0b", 3, out, sizeof(out)), 5);
    assert_string_equal(out, "a%00b"); /* the guest's bytes, whatever they are */
    assert_int_equal(control_percent_encode("", 0, out, 1), 0);
    assert_string_equal(out, "");
    /* Room for exactly the text and its NUL, and one byte less. */
    assert_int_equal(control_percent_encode("ab ", 3, out, 6), 5);
    assert_int_equal(control_percent_encode("ab ", 3, out, 5), -1);
    assert_int_equal(control_percent_encode("abc", 3, out, 3), -1);
    assert_int_equal(control_percent_encode("", 0, out, 0), -1);
}

static void test_kvp_reply(void **state)
{
    char buf[256];
    struct control_kvp_reply r;

    (void)state;
    control_kvp_reply_start(&r, buf, sizeof(buf), 0);
    assert_string_equal(buf, "ok 0");
    control_kvp_reply_start(&r, buf, sizeof(buf), 3);
    assert_int_equal(control_kvp_reply_add(&r, "auto", "OSName", "Debian GNU/Linux"), 0);
    assert_int_equal(control_kvp_reply_add(&r, "guest", "a=b:c%", "x\ty\nz="), 0);
    assert_int_equal(control_kvp_reply_add(&r, "", "", ""), 0);
    assert_string_equal(buf,
                        "ok 3 auto:OSName=Debian%20GNU/Linux guest:a%3Db%3Ac%25=x%09y%0Az%3D :=");
    assert_int_equal(r.len, strlen(buf));
}

/* Every buffer size from nothing up: the text always fits with its NUL, it is
 * a prefix of the full reply cut after a whole pair, and once a pair is left
 * out so is every later one. */
static void test_kvp_reply_cut(void **state)
{
    char full[128], *buf;
    struct control_kvp_reply r;
    static const char *const pairs[][2] = {{"k1", "v 1"}, {"key2", ""}, {"k3", "%%%"}};

    (void)state;
    control_kvp_reply_start(&r, full, sizeof(full), 3);
    for (int i = 0; i < 3; i++)
        assert_int_equal(control_kvp_reply_add(&r, "p q", pairs[i][0], pairs[i][1]), 0);
    assert_string_equal(full, "ok 3 p%20q:k1=v%201 p%20q:key2= p%20q:k3=%25%25%25");
    for (size_t size = 1; size <= strlen(full) + 1; size++) {
        size_t added = 0, len;

        buf = malloc(size); /* exact: ASan sees any write past it */
        assert_non_null(buf);
        control_kvp_reply_start(&r, buf, size, 3);
        for (int i = 0; i < 3; i++) {
            if (control_kvp_reply_add(&r, "p q", pairs[i][0], pairs[i][1]) == 0) {
                assert_int_equal(added, i);
                added++;
            }
        }
        if (size <= 4) { /* not even "ok 3" */
            assert_true(r.full);
            free(buf);
            continue;
        }
        len = strlen(buf);
        assert_true(len < size);
        assert_int_equal(r.len, len);
        assert_memory_equal(buf, full, len);
        assert_true(full[len] == ' ' || full[len] == '\0');
        if (size == strlen(full) + 1)
            assert_int_equal(added, 3);
        free(buf);
    }
    /* A later pair that would fit is not added after one that did not. */
    buf = malloc(16);
    assert_non_null(buf);
    control_kvp_reply_start(&r, buf, 16, 2);
    assert_int_equal(control_kvp_reply_add(&r, "guest", "long-key", "long-value"), -1);
    assert_int_equal(control_kvp_reply_add(&r, "guest", "k", "v"), -1);
    assert_string_equal(buf, "ok 2");
    free(buf);
    /* No buffer at all. */
    control_kvp_reply_start(&r, NULL, 0, 1);
    assert_true(r.full);
    assert_int_equal(control_kvp_reply_add(&r, "guest", "k", "v"), -1);
}

/* The largest pairs the guest can publish, every byte encoded: eight fit
 * in a full-size reply, the ninth does not, and the reply with its newline
 * is at most CONTROL_REPLY_MAX. */
static void test_kvp_reply_full_size(void **state)
{
    char *buf = malloc(CONTROL_REPLY_MAX), key[CONTROL_KVP_KEY_UTF8_MAX + 1],
         value[CONTROL_KVP_VALUE_UTF8_MAX + 1];
    struct control_kvp_reply r;
    int added = 0;

    (void)state;
    assert_non_null(buf);
    for (int i = 0; i < CONTROL_KVP_KEY_MAX; i++)
        memcpy(key + 2 * i, "\xc3\xa9", 2);
    key[2 * CONTROL_KVP_KEY_MAX] = '\0';
    for (int i = 0; i < CONTROL_KVP_VALUE_MAX; i++)
        memcpy(value + 2 * i, "\xc3\xa9", 2);
    value[2 * CONTROL_KVP_VALUE_MAX] = '\0';
    control_kvp_reply_start(&r, buf, CONTROL_REPLY_MAX, 100);
    while (control_kvp_reply_add(&r, "guest", key, value) == 0)
        added++;
    assert_int_equal(added, 8);
    assert_true(strlen(buf) + 1 <= CONTROL_REPLY_MAX);
    assert_int_equal(strncmp(buf, "ok 100 guest:%C3%A9", 19), 0);
    free(buf);
}

static void test_read_request(void **state)
{
    char buf[CONTROL_LINE_MAX];
    char reply[64];
    int sv[2];

    (void)state;
    /* A line, with more after it: only the first line is the request. */
    assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
    assert_int_equal(write(sv[1], "status\nstop\n", 12), 12);
    assert_int_equal(control_read_request(sv[0], buf, sizeof(buf)), 7);
    assert_int_equal(control_parse(buf, 7), CONTROL_STATUS);
    control_send_reply(sv[0], "ok");
    assert_int_equal(read(sv[1], reply, sizeof(reply)), 3);
    assert_memory_equal(reply, "ok\n", 3);
    close(sv[0]);
    close(sv[1]);
    /* No newline, ended by closing the write side. */
    assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
    assert_int_equal(write(sv[1], "pause", 5), 5);
    shutdown(sv[1], SHUT_WR);
    assert_int_equal(control_read_request(sv[0], buf, sizeof(buf)), 5);
    assert_int_equal(control_parse(buf, 5), CONTROL_PAUSE);
    close(sv[0]);
    close(sv[1]);
    /* Longer than the buffer without a newline: refused. */
    assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
    memset(buf, 'x', sizeof(buf));
    assert_int_equal(write(sv[1], buf, sizeof(buf)), (ssize_t)sizeof(buf));
    assert_int_equal(control_read_request(sv[0], buf, 16), -1);
    close(sv[0]);
    close(sv[1]);
    /* A kvp-set with the longest key and value, every byte encoded, is one
     * request. */
    {
        char *line = repeat_line("", "%C3%A9", CONTROL_KVP_KEY_MAX, "="), *full;
        char *big = malloc(CONTROL_LINE_MAX);
        size_t len;

        assert_non_null(big);
        full = malloc(strlen(line) + 6 * CONTROL_KVP_VALUE_MAX + 1);
        assert_non_null(full);
        strcpy(full, line);
        full[strlen(full) - 1] = '\0'; /* the newline */
        for (int i = 0; i < CONTROL_KVP_VALUE_MAX; i++)
            strcat(full, "%C3%A9");
        strcat(full, "\n");
        len = strlen(full);
        assert_true(len <= CONTROL_LINE_MAX);
        /* The bound in control.h: every byte of the longest UTF-8 encoded. */
        assert_true(8 + 3 * (CONTROL_KVP_KEY_UTF8_MAX + CONTROL_KVP_VALUE_UTF8_MAX) + 1 + 2 <=
                    CONTROL_LINE_MAX);
        assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
        assert_int_equal(write(sv[1], full, len), (ssize_t)len);
        assert_int_equal(control_read_request(sv[0], big, CONTROL_LINE_MAX), (long)len);
        assert_int_equal(control_parse(big, len), CONTROL_KVP_SET);
        assert_int_equal(control_parse_kvp_set(big, len, &kv, NULL, 0), 0);
        assert_int_equal(strlen(kv.value), 2 * CONTROL_KVP_VALUE_MAX);
        close(sv[0]);
        close(sv[1]);
        free(full);
        free(big);
        free(line);
    }
    /* A client gone before the reply: no crash, no SIGPIPE. */
    assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
    close(sv[1]);
    control_send_reply(sv[0], "ok");
    close(sv[0]);
}

static long ms_since(const struct timespec *t0)
{
    struct timespec now;

    clock_gettime(CLOCK_MONOTONIC, &now);
    return (now.tv_sec - t0->tv_sec) * 1000 + (now.tv_nsec - t0->tv_nsec) / 1000000;
}

/* A reply of nearly CONTROL_REPLY_MAX through a small socket buffer, to a
 * reader that takes its time: all of it arrives, newline last. */
static void test_send_long_reply(void **state)
{
    char *reply = malloc(CONTROL_REPLY_MAX), *got = malloc(CONTROL_REPLY_MAX + 1);
    int sv[2], small = 4096, status;
    size_t len = CONTROL_REPLY_MAX - 1, used = 0;
    pid_t reader;

    (void)state;
    assert_non_null(reply);
    assert_non_null(got);
    for (size_t i = 0; i < len; i++)
        reply[i] = (char)('a' + i % 26);
    reply[len] = '\0';
    assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
    setsockopt(sv[0], SOL_SOCKET, SO_SNDBUF, &small, sizeof(small));
    reader = fork();
    assert_true(reader >= 0);
    if (reader == 0) {
        close(sv[0]);
        for (;;) {
            ssize_t n;

            usleep(1000);
            n = read(sv[1], got + used, CONTROL_REPLY_MAX + 1 - used);
            if (n <= 0)
                break;
            used += (size_t)n;
        }
        _exit(used == len + 1 && got[len] == '\n' && !memcmp(got, reply, len) ? 0 : 1);
    }
    close(sv[1]);
    control_send_reply(sv[0], reply);
    close(sv[0]);
    assert_int_equal(waitpid(reader, &status, 0), reader);
    assert_true(WIFEXITED(status));
    assert_int_equal(WEXITSTATUS(status), 0);
    free(reply);
    free(got);
}

/* A client that never reads: vmwp gives up after CONTROL_TIMEOUT_MS. */
static void test_send_to_no_reader(void **state)
{
    char *reply = malloc(CONTROL_REPLY_MAX);
    int sv[2], small = 4096;
    struct timespec t0;
    long ms;

    (void)state;
    assert_non_null(reply);
    memset(reply, 'x', CONTROL_REPLY_MAX - 1);
    reply[CONTROL_REPLY_MAX - 1] = '\0';
    assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
    setsockopt(sv[0], SOL_SOCKET, SO_SNDBUF, &small, sizeof(small));
    setsockopt(sv[1], SOL_SOCKET, SO_RCVBUF, &small, sizeof(small));
    clock_gettime(CLOCK_MONOTONIC, &t0);
    control_send_reply(sv[0], reply);
    ms = ms_since(&t0);
    assert_true(ms >= CONTROL_TIMEOUT_MS - 50);
    assert_true(ms < CONTROL_TIMEOUT_MS + 1000);
    close(sv[0]);
    close(sv[1]);
    free(reply);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_parse),
        cmocka_unit_test(test_kvp_set),
        cmocka_unit_test(test_disk_requests),
        cmocka_unit_test(test_status_format),
        cmocka_unit_test(test_percent_encode),
        cmocka_unit_test(test_kvp_reply),
        cmocka_unit_test(test_kvp_reply_cut),
        cmocka_unit_test(test_kvp_reply_full_size),
        cmocka_unit_test(test_read_request),
        cmocka_unit_test(test_send_long_reply),
        cmocka_unit_test(test_send_to_no_reader),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
