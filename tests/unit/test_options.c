/* SPDX-License-Identifier: GPL-2.0-only */
/* Unit tests of the hypervisor command line parser (hv/options.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <hv/options.h>

static void test_defaults(void **state)
{
    struct hv_options o;

    (void)state;
    assert_int_equal(hv_options_parse("", &o), 0);
    assert_true(o.console);
    assert_int_equal(o.debug_exit_port, 0);
    assert_int_equal(o.selftest, SELFTEST_NONE);
    assert_int_equal(hv_options_parse(NULL, &o), 0);
    assert_string_equal(o.ignored, "");
}

static void test_all_options(void **state)
{
    struct hv_options o;

    (void)state;
    assert_int_equal(hv_options_parse("  console=none\tdebug-exit=0xf4 selftest=ud ", &o), 0);
    assert_false(o.console);
    assert_int_equal(o.debug_exit_port, 0xf4);
    assert_int_equal(o.selftest, SELFTEST_UD);
    assert_false(o.stop_before_parent);
    assert_int_equal(hv_options_parse("debug-exit=501 selftest=panic console=com1 stop=boot", &o),
                     0);
    assert_true(o.stop_before_parent);
    assert_true(o.console);
    assert_int_equal(o.debug_exit_port, 501);
    assert_int_equal(o.selftest, SELFTEST_PANIC);
}

static void test_unknown_words_are_ignored_and_reported(void **state)
{
    struct hv_options o;

    (void)state;
    assert_int_equal(hv_options_parse("consle=none debug-exit=0xf4 frobnicate", &o), 2);
    assert_true(o.console);
    assert_int_equal(o.debug_exit_port, 0xf4);
    assert_string_equal(o.ignored, "consle=none frobnicate");
}

static void test_bad_values_are_ignored(void **state)
{
    struct hv_options o;

    (void)state;
    assert_int_equal(hv_options_parse("debug-exit=0x10000 debug-exit=0 debug-exit=12z "
                                      "debug-exit= debug-exit=0x console=vga selftest=boom "
                                      "console stop=never",
                                      &o),
                     9);
    assert_false(o.stop_before_parent);
    assert_int_equal(o.debug_exit_port, 0);
    assert_true(o.console);
    assert_int_equal(o.selftest, SELFTEST_NONE);
}

static void test_number_limits(void **state)
{
    struct hv_options o;

    (void)state;
    assert_int_equal(hv_options_parse("debug-exit=0xFFFF", &o), 0);
    assert_int_equal(o.debug_exit_port, 0xFFFF);
    assert_int_equal(hv_options_parse("debug-exit=65535", &o), 0);
    assert_int_equal(hv_options_parse("debug-exit=65536", &o), 1);
    assert_int_equal(hv_options_parse("debug-exit=99999999999999999999999", &o), 1);
}

static void test_ignored_list_is_bounded(void **state)
{
    char line[1024];
    struct hv_options o;
    size_t n = 0;

    (void)state;
    for (int i = 0; i < 100; i++) {
        const char *w = "garbage ";
        for (const char *p = w; *p; p++)
            line[n++] = *p;
    }
    line[n] = '\0';
    assert_int_equal(hv_options_parse(line, &o), 100);
    assert_true(o.ignored[sizeof(o.ignored) - 1] == '\0');
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_defaults),
        cmocka_unit_test(test_all_options),
        cmocka_unit_test(test_unknown_words_are_ignored_and_reported),
        cmocka_unit_test(test_bad_values_are_ignored),
        cmocka_unit_test(test_number_limits),
        cmocka_unit_test(test_ignored_list_is_bounded),
    };
    return cmocka_run_group_tests_name("options", tests, NULL, NULL);
}
