/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Unit tests of the worker's control protocol as hvctl speaks it
 * (tools/hvctl/control.c): the parsing of every kind of reply, and requests
 * over a real Unix socket to a forked server that answers well, badly,
 * late or not at all.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>
#include <cmocka.h>

#include "../../tools/hvctl/control.h"

static char err[512];

static void test_parse_status(void **state)
{
    struct vm_status st;

    (void)state;
    assert_int_equal(control_parse_status("ok running uptime_s=35 cpus=2 memory=536870912", &st,
                                          err, sizeof(err)),
                     0);
    assert_int_equal(st.state, VM_STATE_RUNNING);
    assert_true(st.uptime_s == 35);
    assert_int_equal(st.cpus, 2);
    assert_true(st.memory == 512ULL << 20);

    assert_int_equal(control_parse_status("ok paused memory=68719476736 cpus=64 uptime_s=0", &st,
                                          err, sizeof(err)),
                     0);
    assert_int_equal(st.state, VM_STATE_PAUSED);
    assert_true(st.uptime_s == 0);
    assert_int_equal(st.cpus, 64);
    assert_true(st.memory == 64ULL << 30);

    /* Fields a newer worker adds are skipped; extra spaces do no harm. */
    assert_int_equal(control_parse_status("ok running  uptime_s=1 vmbus=up cpus=1 memory=67108864 ",
                                          &st, err, sizeof(err)),
                     0);
    assert_int_equal(st.cpus, 1);
}

static void expect_status_error(const char *reply, const char *what)
{
    struct vm_status st;

    memset(err, 'X', sizeof(err));
    if (control_parse_status(reply, &st, err, sizeof(err)) == 0)
        fail_msg("accepted '%s'", reply);
    assert_non_null(memchr(err, '\0', sizeof(err)));
    if (strstr(err, what) == NULL)
        fail_msg("message \"%s\" lacks \"%s\"", err, what);
}

static void test_parse_status_errors(void **state)
{
    (void)state;
    expect_status_error("error not ready yet", "not ready yet");
    expect_status_error("ok", "unexpected reply 'ok'");
    expect_status_error("", "unexpected reply ''");
    expect_status_error("OK running uptime_s=1 cpus=1 memory=67108864", "unexpected reply");
    expect_status_error("ok starting uptime_s=1 cpus=1 memory=67108864", "unknown state");
    expect_status_error("ok runningx uptime_s=1 cpus=1 memory=67108864", "unknown state");
    expect_status_error("ok running cpus=1 memory=67108864", "no uptime_s");
    expect_status_error("ok running uptime_s=1 memory=67108864", "no cpus");
    expect_status_error("ok running uptime_s=1 cpus=1", "no memory");
    expect_status_error("ok running uptime_s=-1 cpus=1 memory=67108864", "bad uptime_s");
    expect_status_error("ok running uptime_s=1 cpus= memory=67108864", "bad cpus");
    expect_status_error("ok running uptime_s=1 cpus=1 memory=64M", "bad memory");
    expect_status_error("ok running uptime_s=1 cpus=4294967296 memory=67108864", "cpus out of");
    expect_status_error("ok running uptime_s=1 cpus=1 memory=99999999999999999999", "bad memory");
    expect_status_error("ok running uptime_s=1 cpus=1 memory=67108864 junk", "malformed");
    /* A control character in the reply is not copied into the message. */
    expect_status_error("error bad\x1b[2Jthing", "bad?[2Jthing");
}

static void test_parse_ok(void **state)
{
    (void)state;
    assert_int_equal(control_parse_ok("ok", err, sizeof(err)), 0);
    assert_int_equal(control_parse_ok("error VM is not running", err, sizeof(err)), -1);
    assert_string_equal(err, "VM is not running");
    assert_int_equal(control_parse_ok("ok running", err, sizeof(err)), -1);
    assert_string_equal(err, "unexpected reply 'ok running'");
    assert_int_equal(control_parse_ok("okay", err, sizeof(err)), -1);
    assert_int_equal(control_parse_ok("error", err, sizeof(err)), -1);
    assert_string_equal(err, "unexpected reply 'error'");
}

/* --- requests over a real socket --- */

static char dir[64], socket_path[128];
static pid_t server;

enum server_behaviour {
    SERVE_REPLY,        /* checks the request, sends the reply line, closes */
    SERVE_NO_NEWLINE,   /* sends the reply without '\n', closes */
    SERVE_SILENT_CLOSE, /* reads the request, closes without a word */
    SERVE_HANG,         /* reads the request, never answers */
    SERVE_FLOOD,        /* a reply longer than CONTROL_REPLY_MAX */
};

/* In the child: serve one connection as told, exit 0 if the request was @expect. */
static void serve(int listener, enum server_behaviour how, const char *expect, const char *reply)
{
    char request[256] = "";
    int conn = accept(listener, NULL, NULL);
    ssize_t n, got = 0;
    int status = 0;

    if (conn < 0)
        _exit(10);
    /* The request is one line: read until its newline. */
    while (got < (ssize_t)sizeof(request) - 1 && memchr(request, '\n', (size_t)got) == NULL &&
           (n = read(conn, request + got, sizeof(request) - 1 - (size_t)got)) > 0)
        got += n;
    request[got] = '\0';
    if (strcmp(request, expect) != 0)
        status = 11;
    switch (how) {
    case SERVE_REPLY:
        if (write(conn, reply, strlen(reply)) < 0 || write(conn, "\n", 1) < 0)
            status = 12;
        break;
    case SERVE_NO_NEWLINE:
        if (write(conn, reply, strlen(reply)) < 0)
            status = 12;
        break;
    case SERVE_SILENT_CLOSE:
        break;
    case SERVE_HANG:
        sleep(5);
        break;
    case SERVE_FLOOD: {
        char big[CONTROL_REPLY_MAX * 2];

        memset(big, 'x', sizeof(big));
        if (write(conn, big, sizeof(big)) < 0)
            status = 12;
        break;
    }
    }
    close(conn);
    _exit(status);
}

static void start_server(enum server_behaviour how, const char *expect, const char *reply)
{
    struct sockaddr_un addr = {.sun_family = AF_UNIX};
    int listener = socket(AF_UNIX, SOCK_STREAM, 0);

    assert_true(listener >= 0);
    strcpy(addr.sun_path, socket_path);
    assert_int_equal(bind(listener, (struct sockaddr *)&addr, sizeof(addr)), 0);
    assert_int_equal(listen(listener, 1), 0);
    server = fork();
    assert_true(server >= 0);
    if (server == 0)
        serve(listener, how, expect, reply);
    close(listener);
}

/* The server's verdict on what it received (0: the request was right). */
static int server_status(void)
{
    int status;

    if (server <= 0)
        return -1;
    /* Two seconds to finish, then it is a hanging one. */
    for (int i = 0; i < 200 && waitpid(server, &status, WNOHANG) == 0; i++)
        usleep(10000);
    if (kill(server, SIGKILL) == 0)
        assert_int_equal(waitpid(server, &status, 0), server);
    server = 0;
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

static int make_dir(void **state)
{
    (void)state;
    strcpy(dir, "/tmp/hvctl-control-test.XXXXXX");
    if (mkdtemp(dir) == NULL)
        return -1;
    snprintf(socket_path, sizeof(socket_path), "%s/control.sock", dir);
    return 0;
}

static int remove_dir(void **state)
{
    (void)state;
    if (server > 0)
        server_status();
    unlink(socket_path);
    return rmdir(dir);
}

static void test_request_and_reply(void **state)
{
    char reply[CONTROL_REPLY_MAX];

    (void)state;
    start_server(SERVE_REPLY, "status\n", "ok running uptime_s=9 cpus=2 memory=67108864");
    assert_int_equal(
        control_request(socket_path, "status", reply, sizeof(reply), 2000, err, sizeof(err)), 0);
    assert_string_equal(reply, "ok running uptime_s=9 cpus=2 memory=67108864");
    assert_int_equal(server_status(), 0);
}

static void test_reply_without_newline(void **state)
{
    char reply[CONTROL_REPLY_MAX];

    (void)state;
    start_server(SERVE_NO_NEWLINE, "pause\n", "ok");
    assert_int_equal(
        control_request(socket_path, "pause", reply, sizeof(reply), 2000, err, sizeof(err)), 0);
    assert_string_equal(reply, "ok");
    assert_int_equal(server_status(), 0);
}

static void test_no_reply(void **state)
{
    char reply[CONTROL_REPLY_MAX];

    (void)state;
    start_server(SERVE_SILENT_CLOSE, "stop\n", NULL);
    assert_int_equal(
        control_request(socket_path, "stop", reply, sizeof(reply), 2000, err, sizeof(err)), -1);
    assert_non_null(strstr(err, "closed the connection without replying to 'stop'"));
    assert_int_equal(server_status(), 0);
}

static void test_timeout(void **state)
{
    char reply[CONTROL_REPLY_MAX];

    (void)state;
    start_server(SERVE_HANG, "status\n", NULL);
    assert_int_equal(
        control_request(socket_path, "status", reply, sizeof(reply), 200, err, sizeof(err)), -1);
    assert_non_null(strstr(err, "no reply to 'status' within 200 ms"));
    kill(server, SIGKILL); /* no need to wait for it to give up */
}

static void test_reply_too_long(void **state)
{
    char reply[CONTROL_REPLY_MAX];

    (void)state;
    start_server(SERVE_FLOOD, "status\n", NULL);
    assert_int_equal(
        control_request(socket_path, "status", reply, sizeof(reply), 2000, err, sizeof(err)), -1);
    assert_non_null(strstr(err, "longer than 1024 bytes"));
}

static void test_small_reply_buffer(void **state)
{
    char reply[8];

    (void)state;
    start_server(SERVE_REPLY, "status\n", "ok running uptime_s=9 cpus=2 memory=67108864");
    assert_int_equal(
        control_request(socket_path, "status", reply, sizeof(reply), 2000, err, sizeof(err)), -1);
    assert_non_null(strstr(err, "too long"));
}

static void test_no_socket(void **state)
{
    char reply[CONTROL_REPLY_MAX], long_path[200];

    (void)state;
    assert_int_equal(
        control_request(socket_path, "status", reply, sizeof(reply), 200, err, sizeof(err)), -1);
    assert_non_null(strstr(err, "control.sock does not exist"));

    /* A socket file nobody listens on any more. */
    start_server(SERVE_HANG, "x\n", NULL);
    assert_int_equal(kill(server, SIGKILL), 0);
    server_status();
    assert_int_equal(
        control_request(socket_path, "status", reply, sizeof(reply), 200, err, sizeof(err)), -1);
    assert_non_null(strstr(err, "nobody listens (connection refused)"));

    memset(long_path, 'a', sizeof(long_path) - 1);
    long_path[0] = '/';
    long_path[sizeof(long_path) - 1] = '\0';
    assert_int_equal(
        control_request(long_path, "status", reply, sizeof(reply), 200, err, sizeof(err)), -1);
    assert_non_null(strstr(err, "path too long for a Unix socket (at most 107 bytes)"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_parse_status),
        cmocka_unit_test(test_parse_status_errors),
        cmocka_unit_test(test_parse_ok),
        cmocka_unit_test_setup_teardown(test_request_and_reply, make_dir, remove_dir),
        cmocka_unit_test_setup_teardown(test_reply_without_newline, make_dir, remove_dir),
        cmocka_unit_test_setup_teardown(test_no_reply, make_dir, remove_dir),
        cmocka_unit_test_setup_teardown(test_timeout, make_dir, remove_dir),
        cmocka_unit_test_setup_teardown(test_reply_too_long, make_dir, remove_dir),
        cmocka_unit_test_setup_teardown(test_small_reply_buffer, make_dir, remove_dir),
        cmocka_unit_test_setup_teardown(test_no_socket, make_dir, remove_dir),
    };
    return cmocka_run_group_tests_name("hvctl_control", tests, NULL, NULL);
}
