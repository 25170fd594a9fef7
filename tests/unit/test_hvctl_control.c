/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Unit tests of the worker's control protocol as hvctl speaks it
 * (tools/hvctl/control.c): the parsing of every kind of reply (status with
 * its heartbeat, kvp with its percent-encoded pairs), and requests over a
 * real Unix socket to a forked server that answers well, badly, late, at
 * length or not at all.
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

    /* Without heartbeat= (an older worker): unknown. */
    assert_int_equal(st.heartbeat, VM_HEARTBEAT_UNKNOWN);

    /* Fields a newer worker adds are skipped; extra spaces do no harm. */
    assert_int_equal(control_parse_status("ok running  uptime_s=1 vmbus=up cpus=1 memory=67108864 ",
                                          &st, err, sizeof(err)),
                     0);
    assert_int_equal(st.cpus, 1);

    assert_int_equal(
        control_parse_status("ok running uptime_s=1 cpus=1 memory=67108864 heartbeat=ok", &st, err,
                             sizeof(err)),
        0);
    assert_int_equal(st.heartbeat, VM_HEARTBEAT_OK);
    assert_int_equal(control_parse_status("ok paused heartbeat=lost uptime_s=1 cpus=1 memory=1",
                                          &st, err, sizeof(err)),
                     0);
    assert_int_equal(st.heartbeat, VM_HEARTBEAT_LOST);
    assert_int_equal(control_parse_status("ok running uptime_s=1 cpus=1 memory=1 heartbeat=none",
                                          &st, err, sizeof(err)),
                     0);
    assert_int_equal(st.heartbeat, VM_HEARTBEAT_NONE);
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
    expect_status_error("ok running uptime_s=1 cpus=1 memory=1 heartbeat=OK", "bad heartbeat");
    expect_status_error("ok running uptime_s=1 cpus=1 memory=1 heartbeat=", "bad heartbeat");
    expect_status_error("ok running uptime_s=1 cpus=1 memory=1 heartbeat=okay", "bad heartbeat");
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

/* --- disk-attach, disk-detach --- */

static void test_disk_requests(void **state)
{
    char out[CONTROL_REQUEST_MAX + 16], err[256];
    char *path = malloc(CONTROL_REQUEST_MAX);

    (void)state;
    assert_int_equal(control_disk_attach_request(2, false, "/vms/extra.vhdx", out, sizeof(out), err,
                                                 sizeof(err)),
                     0);
    assert_string_equal(out, "disk-attach 2 rw /vms/extra.vhdx");
    assert_int_equal(control_disk_attach_request(63, true, "/vms/a b,c=%.vhd", out, sizeof(out),
                                                 err, sizeof(err)),
                     0);
    assert_string_equal(out, "disk-attach 63 ro /vms/a%20b,c%3D%25.vhd");
    /* The line, its newline included, fits in CONTROL_REQUEST_MAX bytes, or is refused. */
    assert_non_null(path);
    memset(path, 'a', CONTROL_REQUEST_MAX - 1);
    path[0] = '/';
    path[CONTROL_REQUEST_MAX - 1 - 20] = '\0';
    assert_int_equal(
        control_disk_attach_request(1, false, path, out, sizeof(out), err, sizeof(err)), 0);
    assert_true(strlen(out) + 1 <= CONTROL_REQUEST_MAX);
    path[CONTROL_REQUEST_MAX - 1 - 20] = 'a';
    path[CONTROL_REQUEST_MAX - 1 - 10] = '\0';
    assert_int_equal(
        control_disk_attach_request(1, false, path, out, sizeof(out), err, sizeof(err)), -1);
    assert_non_null(strstr(err, "longer than its request line"));
    assert_int_equal(control_disk_attach_request(1, false, "/a", out, 10, err, sizeof(err)), -1);
    free(path);
    control_disk_detach_request(7, out, sizeof(out));
    assert_string_equal(out, "disk-detach 7");
}

/* --- kvp --- */

static void test_percent_encode(void **state)
{
    char out[64];

    (void)state;
    assert_int_equal(control_percent_encode("a b%c:d=e\tf\xc3\xbc~!", 15, out, sizeof(out)), 29);
    assert_string_equal(out, "a%20b%25c%3Ad%3De%09f%C3%BC~!");
    assert_int_equal(control_percent_encode("ab ", 3, out, 6), 5);
    assert_int_equal(control_percent_encode("ab ", 3, out, 5), -1);
    assert_int_equal(control_percent_encode("", 0, out, 1), 0);
    assert_int_equal(control_percent_encode("", 0, out, 0), -1);
}

static void test_parse_kvp(void **state)
{
    char reply[] = "ok 4 auto:OSName=Debian%20GNU/Linux%2012 guest:k%3Dey%3a=v%25%0A%09x "
                   "p%20q:%C3%BC=%e2%82%ac auto:Empty=";
    struct kvp_pair *pairs;
    size_t count, total;

    (void)state;
    assert_int_equal(control_parse_kvp(reply, &pairs, &count, &total, err, sizeof(err)), 0);
    assert_int_equal(count, 4);
    assert_int_equal(total, 4);
    assert_string_equal(pairs[0].pool, "auto");
    assert_string_equal(pairs[0].key, "OSName");
    assert_string_equal(pairs[0].value, "Debian GNU/Linux 12");
    assert_string_equal(pairs[1].pool, "guest");
    assert_string_equal(pairs[1].key, "k=ey:");
    assert_string_equal(pairs[1].value, "v%\n\tx");
    assert_string_equal(pairs[2].pool, "p q");
    assert_string_equal(pairs[2].key, "\xc3\xbc");
    assert_string_equal(pairs[2].value, "\xe2\x82\xac");
    assert_string_equal(pairs[3].key, "Empty");
    assert_string_equal(pairs[3].value, "");
    free(pairs);
    {
        char none[] = "ok 0";

        assert_int_equal(control_parse_kvp(none, &pairs, &count, &total, err, sizeof(err)), 0);
        assert_int_equal(count, 0);
        assert_int_equal(total, 0);
        assert_null(pairs);
    }
    {
        /* Cut by the worker: fewer pairs than it has. */
        char cut[] = "ok 9 auto:a=b";

        assert_int_equal(control_parse_kvp(cut, &pairs, &count, &total, err, sizeof(err)), 0);
        assert_int_equal(count, 1);
        assert_int_equal(total, 9);
        free(pairs);
    }
}

static void expect_kvp_error(const char *reply, const char *what)
{
    char copy[256];
    struct kvp_pair *pairs = (struct kvp_pair *)&copy; /* must come back NULL */
    size_t count = 7, total = 7;

    snprintf(copy, sizeof(copy), "%s", reply);
    if (control_parse_kvp(copy, &pairs, &count, &total, err, sizeof(err)) == 0)
        fail_msg("accepted '%s'", reply);
    assert_null(pairs);
    assert_int_equal(count, 0);
    if (strstr(err, what) == NULL)
        fail_msg("'%s': message \"%s\" lacks \"%s\"", reply, err, what);
}

static void test_parse_kvp_errors(void **state)
{
    (void)state;
    expect_kvp_error("error no such thing", "no such thing");
    expect_kvp_error("ok", "unexpected reply 'ok'");
    expect_kvp_error("ok x", "bad pair count");
    expect_kvp_error("ok -1", "bad pair count");
    expect_kvp_error("ok 1x a:b=c", "bad pair count");
    expect_kvp_error("ok 99999999999999999999", "bad pair count");
    expect_kvp_error("ok 1 a:b=c d:e=f", "more pairs than announced");
    expect_kvp_error("ok 3 a:b=c  d:e=f", "malformed pair 2");
    expect_kvp_error("ok 1 ab=c", "malformed pair 1");
    expect_kvp_error("ok 1 a:bc", "malformed pair 1");
    expect_kvp_error("ok 1 a:b=c=d", "malformed pair 1");
    expect_kvp_error("ok 1 a:b:c=d", "malformed pair 1");
    expect_kvp_error("ok 1 a:b=%0", "malformed pair 1");
    expect_kvp_error("ok 1 a:b=%zz", "malformed pair 1");
    expect_kvp_error("ok 1 a:b=%00", "malformed pair 1");
    expect_kvp_error("ok 1 a:%00=c", "malformed pair 1");
    expect_kvp_error("ok 1 a:b=\x01", "malformed pair 1");
    expect_kvp_error("ok 1 a:b=\xc3\xbc", "malformed pair 1");
    expect_kvp_error("ok 1 ", "malformed pair 1");
    expect_kvp_error("ok 2 a:b=c ", "malformed pair 2");
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
    SERVE_SLOW_BIG,     /* a reply of CONTROL_KVP_REPLY_MAX - 1 bytes, in small pieces */
};

/* In the child: serve one connection as told, exit 0 if the request was @expect. */
static void serve(int listener, enum server_behaviour how, const char *expect, const char *reply)
{
    static char request[16384];
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
    case SERVE_SLOW_BIG: {
        static char big[CONTROL_KVP_REPLY_MAX];

        memset(big, 'y', sizeof(big));
        memcpy(big, "ok 0", 4);
        big[sizeof(big) - 1] = '\n';
        for (size_t off = 0; off < sizeof(big) && status == 0; off += 1000) {
            size_t n = sizeof(big) - off < 1000 ? sizeof(big) - off : 1000;

            if (write(conn, big + off, n) != (ssize_t)n)
                status = 12;
            usleep(200);
        }
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
    assert_non_null(strstr(err, "reply to 'status' too long (more than 1023 bytes)"));
}

/* The longest reply a worker sends arrives whole, however it is cut up. */
static void test_long_reply(void **state)
{
    char *reply = malloc(CONTROL_KVP_REPLY_MAX);

    (void)state;
    assert_non_null(reply);
    start_server(SERVE_SLOW_BIG, "kvp\n", NULL);
    assert_int_equal(
        control_request(socket_path, "kvp", reply, CONTROL_KVP_REPLY_MAX, 2000, err, sizeof(err)),
        0);
    assert_int_equal(strlen(reply), CONTROL_KVP_REPLY_MAX - 1);
    assert_int_equal(strncmp(reply, "ok 0yyy", 7), 0);
    assert_int_equal(server_status(), 0);
    /* One byte less room: refused. */
    unlink(socket_path);
    start_server(SERVE_SLOW_BIG, "kvp\n", NULL);
    assert_int_equal(control_request(socket_path, "kvp", reply, CONTROL_KVP_REPLY_MAX - 1, 2000,
                                     err, sizeof(err)),
                     -1);
    assert_non_null(strstr(err, "too long (more than 65534 bytes)"));
    assert_int_equal(server_status(), 0);
    free(reply);
}

/* A long request (a kvp-set of the largest pair) goes out whole. */
static void test_long_request(void **state)
{
    static char request[8000], expect[8002];
    char reply[CONTROL_REPLY_MAX];

    (void)state;
    memset(request, 'k', sizeof(request) - 1);
    memcpy(request, "kvp-set ", 8);
    request[sizeof(request) - 1] = '\0';
    snprintf(expect, sizeof(expect), "%s\n", request);
    start_server(SERVE_REPLY, expect, "ok");
    assert_int_equal(
        control_request(socket_path, request, reply, sizeof(reply), 2000, err, sizeof(err)), 0);
    assert_string_equal(reply, "ok");
    assert_int_equal(server_status(), 0);
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
        cmocka_unit_test(test_percent_encode),
        cmocka_unit_test(test_disk_requests),
        cmocka_unit_test(test_parse_kvp),
        cmocka_unit_test(test_parse_kvp_errors),
        cmocka_unit_test_setup_teardown(test_request_and_reply, make_dir, remove_dir),
        cmocka_unit_test_setup_teardown(test_reply_without_newline, make_dir, remove_dir),
        cmocka_unit_test_setup_teardown(test_no_reply, make_dir, remove_dir),
        cmocka_unit_test_setup_teardown(test_timeout, make_dir, remove_dir),
        cmocka_unit_test_setup_teardown(test_reply_too_long, make_dir, remove_dir),
        cmocka_unit_test_setup_teardown(test_small_reply_buffer, make_dir, remove_dir),
        cmocka_unit_test_setup_teardown(test_long_reply, make_dir, remove_dir),
        cmocka_unit_test_setup_teardown(test_long_request, make_dir, remove_dir),
        cmocka_unit_test_setup_teardown(test_no_socket, make_dir, remove_dir),
    };
    return cmocka_run_group_tests_name("hvctl_control", tests, NULL, NULL);
}
