/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Unit tests of the output of "hvctl list" (tools/hvctl/list_format.c): the
 * uptime format, sorting, the table and the JSON (with the heartbeat column),
 * compared byte for byte.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "../../tools/hvctl/list_format.h"

static void expect_uptime(bool has, uint64_t s, const char *text)
{
    char buf[UPTIME_TEXT_MAX];

    uptime_format(has, s, buf, sizeof(buf));
    assert_string_equal(buf, text);
}

static void test_uptime(void **state)
{
    (void)state;
    expect_uptime(false, 123, "-");
    expect_uptime(true, 0, "0s");
    expect_uptime(true, 35, "35s");
    expect_uptime(true, 59, "59s");
    expect_uptime(true, 60, "1m00s");
    expect_uptime(true, 245, "4m05s");
    expect_uptime(true, 3599, "59m59s");
    expect_uptime(true, 3600, "1h00m");
    expect_uptime(true, 3720, "1h02m");
    expect_uptime(true, 86399, "23h59m");
    expect_uptime(true, 86400, "1d00h");
    expect_uptime(true, 3 * 86400 + 4 * 3600 + 59, "3d04h");
    expect_uptime(true, UINT64_MAX, "213503982334601d07h");
}

/* Runs @print on the rows into a string; the caller frees it. */
static char *capture(int (*print)(FILE *, const struct vm_row *, size_t), const struct vm_row *rows,
                     size_t n)
{
    char *text = NULL;
    size_t size = 0;
    FILE *f = open_memstream(&text, &size);

    assert_non_null(f);
    assert_int_equal(print(f, rows, n), 0);
    assert_int_equal(fclose(f), 0);
    return text;
}

static const struct vm_row sample[] = {
    {"web", VM_STATE_RUNNING, 2, 2ULL << 30, true, 3720, VM_HEARTBEAT_OK},
    {"db", VM_STATE_OFF, 1, 512ULL << 20, false, 0, VM_HEARTBEAT_UNKNOWN},
    {"build-server-01", VM_STATE_PAUSED, 16, 1536ULL << 20, true, 35, VM_HEARTBEAT_LOST},
    {"Zed", VM_STATE_UNKNOWN, 4, 64ULL << 20, false, 0, VM_HEARTBEAT_UNKNOWN},
    {"new", VM_STATE_RUNNING, 1, 64ULL << 20, true, 4, VM_HEARTBEAT_NONE},
};

#define N_SAMPLE (sizeof(sample) / sizeof(sample[0]))

static void test_sort_by_name(void **state)
{
    struct vm_row rows[N_SAMPLE];

    (void)state;
    memcpy(rows, sample, sizeof(rows));
    list_sort(rows, N_SAMPLE);
    /* Byte order: upper case before lower case. */
    assert_string_equal(rows[0].name, "Zed");
    assert_string_equal(rows[1].name, "build-server-01");
    assert_string_equal(rows[2].name, "db");
    assert_string_equal(rows[3].name, "new");
    assert_string_equal(rows[4].name, "web");
    assert_int_equal(rows[4].cpus, 2); /* whole rows move */
    assert_int_equal(rows[4].heartbeat, VM_HEARTBEAT_OK);
    list_sort(rows, 0);
}

static void test_table(void **state)
{
    struct vm_row rows[N_SAMPLE];
    char *text;

    (void)state;
    memcpy(rows, sample, sizeof(rows));
    list_sort(rows, N_SAMPLE);
    text = capture(list_print_table, rows, N_SAMPLE);
    assert_string_equal(text, "NAME             STATE    CPUS  MEMORY  UPTIME  HEARTBEAT\n"
                              "Zed              unknown  4     64M     -       -\n"
                              "build-server-01  paused   16    1536M   35s     lost\n"
                              "db               off      1     512M    -       -\n"
                              "new              running  1     64M     4s      no contact\n"
                              "web              running  2     2G      1h02m   OK\n");
    free(text);
}

static void test_empty_table_is_the_header(void **state)
{
    char *text;

    (void)state;
    text = capture(list_print_table, NULL, 0);
    assert_string_equal(text, "NAME  STATE  CPUS  MEMORY  UPTIME  HEARTBEAT\n");
    free(text);
}

static void test_json(void **state)
{
    struct vm_row rows[N_SAMPLE];
    char *text;

    (void)state;
    memcpy(rows, sample, sizeof(rows));
    text = capture(list_print_json, rows, N_SAMPLE);
    assert_string_equal(
        text, "[\n"
              "  {\"name\": \"web\", \"state\": \"running\", \"cpus\": 2, "
              "\"memory_bytes\": 2147483648, \"uptime_s\": 3720, \"heartbeat\": \"ok\"},\n"
              "  {\"name\": \"db\", \"state\": \"off\", \"cpus\": 1, "
              "\"memory_bytes\": 536870912, \"uptime_s\": null, \"heartbeat\": null},\n"
              "  {\"name\": \"build-server-01\", \"state\": \"paused\", \"cpus\": 16, "
              "\"memory_bytes\": 1610612736, \"uptime_s\": 35, \"heartbeat\": \"lost\"},\n"
              "  {\"name\": \"Zed\", \"state\": \"unknown\", \"cpus\": 4, "
              "\"memory_bytes\": 67108864, \"uptime_s\": null, \"heartbeat\": null},\n"
              "  {\"name\": \"new\", \"state\": \"running\", \"cpus\": 1, "
              "\"memory_bytes\": 67108864, \"uptime_s\": 4, \"heartbeat\": \"none\"}\n"
              "]\n");
    free(text);
    text = capture(list_print_json, NULL, 0);
    assert_string_equal(text, "[]\n");
    free(text);
}

static void test_heartbeat_text(void **state)
{
    (void)state;
    assert_string_equal(heartbeat_text(VM_HEARTBEAT_OK), "OK");
    assert_string_equal(heartbeat_text(VM_HEARTBEAT_LOST), "lost");
    assert_string_equal(heartbeat_text(VM_HEARTBEAT_NONE), "no contact");
    assert_string_equal(heartbeat_text(VM_HEARTBEAT_UNKNOWN), "-");
}

static void test_json_string_escapes(void **state)
{
    char *text = NULL;
    size_t size = 0;
    FILE *f = open_memstream(&text, &size);

    (void)state;
    assert_non_null(f);
    json_print_string(f, "a\"b\\c\nd\x01/\xc3\xa9");
    assert_int_equal(fclose(f), 0);
    assert_string_equal(text, "\"a\\\"b\\\\c\\u000ad\\u0001/\xc3\xa9\"");
    free(text);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_uptime),         cmocka_unit_test(test_sort_by_name),
        cmocka_unit_test(test_table),          cmocka_unit_test(test_empty_table_is_the_header),
        cmocka_unit_test(test_json),           cmocka_unit_test(test_json_string_escapes),
        cmocka_unit_test(test_heartbeat_text),
    };
    return cmocka_run_group_tests_name("hvctl_list", tests, NULL, NULL);
}
