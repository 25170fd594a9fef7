/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Unit tests of tools/vmwp/control.c, the control protocol: request
 * parsing (exact words, newline and CRLF, everything else unknown), the
 * status reply's format, and reading one request from a socket (a line,
 * data after it, a request ended by closing, an over-long request).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <sys/socket.h>
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
}

static void test_status_format(void **state)
{
    char buf[CONTROL_LINE_MAX];

    (void)state;
    control_format_status(buf, sizeof(buf), false, 12, 2, 1073741824);
    assert_string_equal(buf, "ok running uptime_s=12 cpus=2 memory=1073741824");
    control_format_status(buf, sizeof(buf), true, 0, 64, 1098437885952ull);
    assert_string_equal(buf, "ok paused uptime_s=0 cpus=64 memory=1098437885952");
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
    /* A client gone before the reply: no crash, no SIGPIPE. */
    assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
    close(sv[1]);
    control_send_reply(sv[0], "ok");
    close(sv[0]);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_parse),
        cmocka_unit_test(test_status_format),
        cmocka_unit_test(test_read_request),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
