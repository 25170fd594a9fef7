/* SPDX-License-Identifier: GPL-2.0-only */
/* Unit tests of hvctl's size parsing and formatting (tools/hvctl/size.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "../../tools/hvctl/size.h"

static char why[128];

static void expect_size(const char *text, uint64_t bytes)
{
    uint64_t got = 12345;

    if (size_parse(text, &got, why, sizeof(why)) != 0)
        fail_msg("'%s' refused: %s", text, why);
    if (got != bytes)
        fail_msg("'%s' gave %llu, not %llu", text, (unsigned long long)got,
                 (unsigned long long)bytes);
}

static void expect_refused(const char *text, const char *what)
{
    uint64_t got = 12345;

    if (size_parse(text, &got, why, sizeof(why)) == 0)
        fail_msg("'%s' accepted as %llu", text, (unsigned long long)got);
    assert_int_equal(got, 12345); /* untouched */
    if (strstr(why, what) == NULL)
        fail_msg("reason \"%s\" for '%s' lacks \"%s\"", why, text, what);
}

static void test_parse_suffixes(void **state)
{
    (void)state;
    expect_size("0", 0);
    expect_size("1", 1);
    expect_size("536870912", 512 * MiB);
    expect_size("1K", 1024);
    expect_size("1k", 1024);
    expect_size("512M", 512ULL << 20);
    expect_size("512m", 512ULL << 20);
    expect_size("2G", 2ULL << 30);
    expect_size("3g", 3ULL << 30);
    expect_size("1T", 1ULL << 40);
    expect_size("1t", 1ULL << 40);
    expect_size("0064M", 64ULL << 20);
}

static void test_parse_limits(void **state)
{
    (void)state;
    expect_size("18446744073709551615", UINT64_MAX);
    expect_refused("18446744073709551616", "too large");
    expect_refused("99999999999999999999999", "too large");
    expect_size("16777215T", 16777215ULL << 40);
    expect_refused("16777216T", "too large");
    expect_refused("17179869184G", "too large");
}

static void test_parse_refusals(void **state)
{
    (void)state;
    expect_refused("", "is not a size");
    expect_refused("M", "is not a size");
    expect_refused("-1", "is not a size");
    expect_refused("+1", "is not a size");
    expect_refused(" 1", "is not a size");
    expect_refused("1 ", "is not a size");
    expect_refused("1 G", "is not a size");
    expect_refused("1.5G", "is not a size");
    expect_refused("1GB", "is not a size");
    expect_refused("1MiB", "is not a size");
    expect_refused("0x10", "is not a size");
    expect_refused("1Q", "is not a size");
    expect_refused("1P", "is not a size");
}

static void expect_exact(uint64_t bytes, const char *text)
{
    char buf[SIZE_TEXT_MAX];
    uint64_t back;

    size_format_exact(bytes, buf, sizeof(buf));
    assert_string_equal(buf, text);
    /* What it prints reads back to the same number. */
    assert_int_equal(size_parse(buf, &back, why, sizeof(why)), 0);
    assert_true(back == bytes);
}

static void test_format_exact(void **state)
{
    (void)state;
    expect_exact(0, "0");
    expect_exact(1000, "1000");
    expect_exact(1024, "1K");
    expect_exact(1536, "1536");
    expect_exact(64 * MiB, "64M");
    expect_exact(512 * MiB, "512M");
    expect_exact(1536 * MiB, "1536M");
    expect_exact(2 * GiB, "2G");
    expect_exact(1 * TiB, "1T");
    expect_exact(3 * TiB + MiB, "3145729M");
    expect_exact(UINT64_MAX, "18446744073709551615");
}

static void expect_approx(uint64_t bytes, const char *text)
{
    char buf[SIZE_TEXT_MAX];

    size_format_approx(bytes, buf, sizeof(buf));
    assert_string_equal(buf, text);
}

static void test_format_approx(void **state)
{
    (void)state;
    expect_approx(0, "0B");
    expect_approx(1023, "1023B");
    expect_approx(1024, "1K");
    expect_approx(1536, "1.5K");
    expect_approx(2 * GiB, "2G");
    expect_approx(8234567890ULL, "7.7G");
    expect_approx(GiB - 1, "1024M");      /* rounds up to the next whole */
    expect_approx(GiB + GiB / 4, "1.3G"); /* 1.25: a half rounds up */
    expect_approx(GiB + GiB / 4 - 1, "1.2G");
    expect_approx(UINT64_MAX, "16777216T");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_parse_suffixes), cmocka_unit_test(test_parse_limits),
        cmocka_unit_test(test_parse_refusals), cmocka_unit_test(test_format_exact),
        cmocka_unit_test(test_format_approx),
    };
    return cmocka_run_group_tests_name("hvctl_size", tests, NULL, NULL);
}
