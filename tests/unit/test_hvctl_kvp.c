/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Unit tests of "hvctl kvp" (tools/hvctl/kvp_format.c): the checks of
 * --set KEY=VALUE (UTF-8, Hyper-V's limits in characters and in bytes) and
 * the kvp-set request it becomes, and the printed lines, where nothing the
 * guest wrote can break a line or reach the terminal as a control code.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "../../tools/hvctl/kvp_format.h"

static char err[512], request[KVP_REQUEST_MAX];

static void test_utf16_units(void **state)
{
    (void)state;
    assert_int_equal(kvp_utf16_units("", 0), 0);
    assert_int_equal(kvp_utf16_units("abc", 3), 3);
    assert_int_equal(kvp_utf16_units("\xc3\xbc\xe2\x82\xac", 5), 2);
    assert_int_equal(kvp_utf16_units("\xf0\x9f\x98\x80", 4), 2); /* a surrogate pair */
    assert_int_equal(kvp_utf16_units("\xf4\x8f\xbf\xbf", 4), 2); /* U+10FFFF */
    assert_int_equal(kvp_utf16_units("a\0b", 3), -1);
    assert_int_equal(kvp_utf16_units("\x80", 1), -1);
    assert_int_equal(kvp_utf16_units("\xc3", 1), -1);
    assert_int_equal(kvp_utf16_units("\xc3x", 2), -1);
    assert_int_equal(kvp_utf16_units("\xc0\x80", 2), -1);         /* overlong NUL */
    assert_int_equal(kvp_utf16_units("\xe0\x80\x80", 3), -1);     /* overlong */
    assert_int_equal(kvp_utf16_units("\xf0\x80\x80\x80", 4), -1); /* overlong */
    assert_int_equal(kvp_utf16_units("\xed\xa0\x80", 3), -1);     /* a surrogate */
    assert_int_equal(kvp_utf16_units("\xf4\x90\x80\x80", 4), -1); /* past U+10FFFF */
    assert_int_equal(kvp_utf16_units("\xff", 1), -1);
}

static void expect_request(const char *arg, const char *want)
{
    memset(request, 'X', sizeof(request));
    if (kvp_set_request(arg, request, sizeof(request), err, sizeof(err)) != 0)
        fail_msg("refused '%.60s': %s", arg, err);
    assert_string_equal(request, want);
}

static void expect_refused(const char *arg, const char *what)
{
    memset(err, 'X', sizeof(err));
    if (kvp_set_request(arg, request, sizeof(request), err, sizeof(err)) == 0)
        fail_msg("accepted '%.60s'", arg);
    assert_non_null(memchr(err, '\0', sizeof(err)));
    if (strstr(err, what) == NULL)
        fail_msg("'%.60s': message \"%s\" lacks \"%s\"", arg, err, what);
}

/* @n copies of @unit between @head and @tail, in a new string. */
static char *repeat(const char *head, const char *unit, size_t n, const char *tail)
{
    char *s = malloc(strlen(head) + n * strlen(unit) + strlen(tail) + 1), *p;

    assert_non_null(s);
    p = s + sprintf(s, "%s", head);
    for (size_t i = 0; i < n; i++)
        p += sprintf(p, "%s", unit);
    strcpy(p, tail);
    return s;
}

static void test_set_request(void **state)
{
    char *arg, *want;

    (void)state;
    expect_request("HostName=web", "kvp-set HostName=web");
    expect_request("k=", "kvp-set k=");
    expect_request("a key=a=b c", "kvp-set a%20key=a%3Db%20c"); /* the first '=' ends KEY */
    expect_request("k:%=\t\n", "kvp-set k%3A%25=%09%0A");
    expect_request("\xc3\xbc=\xe2\x82\xac", "kvp-set %C3%BC=%E2%82%AC");

    /* The limits: 255 and 1023 characters, 511 and 2047 bytes. */
    arg = repeat("", "k", 255, "=v");
    want = repeat("kvp-set ", "k", 255, "=v");
    expect_request(arg, want);
    free(arg);
    free(want);
    arg = repeat("", "k", 256, "=v");
    expect_refused(arg, "--set: the key is longer than 255 characters");
    free(arg);
    arg = repeat("", "\xe2\x82\xac", 170, "=v"); /* 510 bytes */
    assert_int_equal(kvp_set_request(arg, request, sizeof(request), err, sizeof(err)), 0);
    free(arg);
    arg = repeat("", "\xe2\x82\xac", 171, "=v"); /* 513 bytes, 171 characters */
    expect_refused(arg, "--set: the key is longer than 511 bytes in UTF-8");
    free(arg);
    arg = repeat("k=", "v", 1023, "");
    assert_int_equal(kvp_set_request(arg, request, sizeof(request), err, sizeof(err)), 0);
    free(arg);
    arg = repeat("k=", "v", 1024, "");
    expect_refused(arg, "--set: the value is longer than 1023 characters");
    free(arg);
    arg = repeat("k=", "\xf0\x9f\x98\x80", 511, "x"); /* 1023 units, 2045 bytes */
    assert_int_equal(kvp_set_request(arg, request, sizeof(request), err, sizeof(err)), 0);
    free(arg);
    arg = repeat("k=", "\xf0\x9f\x98\x80", 512, ""); /* 1024 units */
    expect_refused(arg, "--set: the value is longer than 1023 characters");
    free(arg);
    arg = repeat("k=", "\xe2\x82\xac", 683, ""); /* 2049 bytes */
    expect_refused(arg, "--set: the value is longer than 2047 bytes in UTF-8");
    free(arg);
    /* A request near the longest there can be fits, every byte encoded: a
     * key of 510 bytes and a value of 2047. */
    arg = repeat("", "\xe2\x82\xac", 170, "=");
    want = repeat(arg, "\xe2\x82\xac", 681, "\xf0\x9f\x98\x80");
    assert_int_equal(kvp_set_request(want, request, sizeof(request), err, sizeof(err)), 0);
    assert_int_equal(strlen(request), 8 + 3 * 510 + 1 + 3 * 2047);
    free(want);
    free(arg);

    /* Every buffer too small for "kvp-set k%20=v" is refused without a write past it. */
    for (size_t size = 0; size <= 15; size++) {
        char *buf = malloc(size ? size : 1);

        assert_non_null(buf);
        assert_int_equal(kvp_set_request("k =v", buf, size, err, sizeof(err)), size < 15 ? -1 : 0);
        if (size < 15)
            assert_string_equal(err, "--set: the pair is too long for a request");
        else
            assert_string_equal(buf, "kvp-set k%20=v");
        free(buf);
    }

    expect_refused("nothing", "--set nothing: not KEY=VALUE");
    expect_refused("", "--set : not KEY=VALUE");
    expect_refused("=value", "--set: the key is empty");
    expect_refused("k\xff=v", "--set: the key is not valid UTF-8");
    expect_refused("k=\xc3", "--set: the value is not valid UTF-8");
    expect_refused("k=\xed\xa0\x80", "--set: the value is not valid UTF-8");
}

/* kvp_print_pairs() into a string; the caller frees it. */
static char *print(const struct kvp_pair *pairs, size_t n)
{
    char *text = NULL;
    size_t size = 0;
    FILE *f = open_memstream(&text, &size);

    assert_non_null(f);
    assert_int_equal(kvp_print_pairs(f, pairs, n), 0);
    assert_int_equal(fclose(f), 0);
    return text;
}

static void test_print(void **state)
{
    const struct kvp_pair pairs[] = {
        {"auto", "OSName", "Debian GNU/Linux 12 (bookworm)"},
        {"auto", "NetworkAddressIPv4", "10.0.0.2;10.0.0.3"},
        {"guest", "key with spaces", "tab\there\nnew line\r"},
        {"guest", "esc", "\x1b[2J\x07\x7f back\\slash"},
        {"guest", "\303\274ber", "\xe2\x82\xac 5 \xf0\x9f\x98\x80"},
        {"guest", "c1", "\302\23331m"},        /* U+009B, CSI to some terminals */
        {"guest", "bad", "\xff\xc3(\xe2\x82"}, /* not UTF-8 */
        {"", "", ""},
    };
    char *text = print(pairs, sizeof(pairs) / sizeof(pairs[0]));

    (void)state;
    assert_string_equal(text, "auto OSName Debian GNU/Linux 12 (bookworm)\n"
                              "auto NetworkAddressIPv4 10.0.0.2;10.0.0.3\n"
                              "guest key\\x20with\\x20spaces tab\\there\\nnew line\\r\n"
                              "guest esc \\x1b[2J\\x07\\x7f back\\\\slash\n"
                              "guest \303\274ber \xe2\x82\xac 5 \xf0\x9f\x98\x80\n"
                              "guest c1 \\xc2\\x9b31m\n"
                              "guest bad \\xff\\xc3(\\xe2\\x82\n"
                              "\"\" \"\" \n");
    free(text);
    text = print(NULL, 0);
    assert_string_equal(text, "");
    free(text);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_utf16_units),
        cmocka_unit_test(test_set_request),
        cmocka_unit_test(test_print),
    };

    return cmocka_run_group_tests_name("hvctl_kvp", tests, NULL, NULL);
}
