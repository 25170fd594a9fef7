/* SPDX-License-Identifier: GPL-2.0-only */
/* Unit tests of the freestanding printf (hv/lib/format.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include <hv/format.h>

static char buf[128];

#define CHECK(expect, ...)                                                                         \
    do {                                                                                           \
        int n_ = fmt_snprintf(buf, sizeof(buf), __VA_ARGS__);                                      \
        assert_string_equal(buf, expect);                                                          \
        assert_int_equal(n_, (int)strlen(expect));                                                 \
    } while (0)

static void test_plain_and_percent(void **state)
{
    (void)state;
    CHECK("hello", "hello");
    CHECK("100%", "100%%");
    CHECK("", "%s", "");
}

static void test_signed(void **state)
{
    (void)state;
    CHECK("0", "%d", 0);
    CHECK("-42", "%d", -42);
    CHECK("2147483647 -2147483648", "%d %d", INT32_MAX, INT32_MIN);
    CHECK("-9223372036854775808", "%lld", (long long)INT64_MIN);
    CHECK("-1", "%ld", -1L);
    CHECK("-1", "%hhd", 255);
    CHECK("-1", "%hd", 65535);
}

static void test_unsigned_and_hex(void **state)
{
    (void)state;
    CHECK("4294967295", "%u", UINT32_MAX);
    CHECK("18446744073709551615", "%llu", (unsigned long long)UINT64_MAX);
    CHECK("deadbeef DEADBEEF", "%x %X", 0xdeadbeefu, 0xdeadbeefu);
    CHECK("ffffffffffffffff", "%lx", (unsigned long)UINT64_MAX);
    CHECK("123", "%zu", (size_t)123);
    CHECK("ff", "%hhx", 0x1ff);
}

static void test_width_and_flags(void **state)
{
    (void)state;
    CHECK("   42", "%5d", 42);
    CHECK("42   |", "%-5d|", 42);
    CHECK("00042", "%05d", 42);
    CHECK("-0042", "%05d", -42);
    CHECK("0000000000001000", "%016llx", 0x1000ULL);
    CHECK("  ab", "%*s", 4, "ab");
    CHECK("ab  |", "%*s|", -4, "ab");
    CHECK("abc", "%2s", "abc");
}

/* The next two tests feed deliberately odd formats: silence gcc's checker. */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat"
#pragma GCC diagnostic ignored "-Wformat-overflow"
static void test_string_precision_and_null(void **state)
{
    (void)state;
    CHECK("hel", "%.3s", "hello");
    CHECK("he", "%.*s", 2, "hello");
    CHECK("(null)", "%s", (char *)NULL);
    CHECK("x", "%c", 'x');
}

#pragma GCC diagnostic pop

static void test_pointer(void **state)
{
    (void)state;
    CHECK("0x1234", "%p", (void *)0x1234);
}

static void test_truncation_reports_full_length(void **state)
{
    char small[6];

    (void)state;
    assert_int_equal(fmt_snprintf(small, sizeof(small), "%s", "abcdefgh"), 8);
    assert_string_equal(small, "abcde");
    assert_int_equal(fmt_snprintf(small, sizeof(small), "%d", -123456), 7);
    assert_string_equal(small, "-1234");
}

static void test_size_zero_writes_nothing(void **state)
{
    char guard = 'G';

    (void)state;
    assert_int_equal(fmt_snprintf(&guard, 0, "%s", "abc"), 3);
    assert_int_equal(guard, 'G');
}

#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat"
static void test_unknown_conversion_is_shown(void **state)
{
    (void)state;
    CHECK("%q", "%q");
    CHECK("%", "%");
}
#pragma GCC diagnostic pop

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_plain_and_percent),
        cmocka_unit_test(test_signed),
        cmocka_unit_test(test_unsigned_and_hex),
        cmocka_unit_test(test_width_and_flags),
        cmocka_unit_test(test_string_precision_and_null),
        cmocka_unit_test(test_pointer),
        cmocka_unit_test(test_truncation_reports_full_length),
        cmocka_unit_test(test_size_zero_writes_nothing),
        cmocka_unit_test(test_unknown_conversion_is_shown),
    };
    return cmocka_run_group_tests_name("format", tests, NULL, NULL);
}
