/* SPDX-License-Identifier: GPL-2.0-only */
/* Unit tests of hvctl's VM name validation (tools/hvctl/names.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "../../tools/hvctl/names.h"

static char why[128];

static void expect_valid(const char *name)
{
    if (!vm_name_valid(name, why, sizeof(why)))
        fail_msg("'%s' refused: %s", name, why);
}

/* Fails unless @name is refused with a reason containing @what. */
static void expect_invalid(const char *name, const char *what)
{
    memset(why, 'X', sizeof(why));
    if (vm_name_valid(name, why, sizeof(why)))
        fail_msg("'%s' accepted", name);
    assert_non_null(memchr(why, '\0', sizeof(why)));
    if (strstr(why, what) == NULL)
        fail_msg("reason \"%s\" for '%s' lacks \"%s\"", why, name, what);
}

static void test_valid_names(void **state)
{
    (void)state;
    expect_valid("web");
    expect_valid("a");
    expect_valid("7");
    expect_valid("Web-01.example_2");
    expect_valid("db.");
    expect_valid("x--");
}

static void test_length_limits(void **state)
{
    char name[VM_NAME_MAX + 2];

    (void)state;
    memset(name, 'a', VM_NAME_MAX);
    name[VM_NAME_MAX] = '\0';
    expect_valid(name);
    name[VM_NAME_MAX] = 'a';
    name[VM_NAME_MAX + 1] = '\0';
    expect_invalid(name, "64 characters long (at most 63)");
    expect_invalid("", "is empty");
}

static void test_first_character(void **state)
{
    (void)state;
    expect_invalid("-web", "must start with a letter or a digit");
    expect_invalid(".web", "must start with a letter or a digit");
    expect_invalid("_web", "must start with a letter or a digit");
    expect_invalid(".", "must start with a letter or a digit");
    expect_invalid("..", "must start with a letter or a digit");
}

static void test_bad_characters_are_named(void **state)
{
    (void)state;
    expect_invalid("web/x", "contains '/'");
    expect_invalid("../etc", "contains '/'");
    expect_invalid("we b", "contains the byte 0x20");
    expect_invalid("a\tb", "contains the byte 0x09");
    expect_invalid("a\nb", "contains the byte 0x0a");
    expect_invalid("caf\xc3\xa9", "contains the byte 0xc3");
    expect_invalid("a:b", "contains ':'");
    expect_invalid("a=b", "contains '='");
    /* The character rule is reported before the first-character rule. */
    expect_invalid("-a/b", "contains '/'");
}

static void test_small_buffer_is_respected(void **state)
{
    char tiny[8];

    (void)state;
    memset(tiny, 'X', sizeof(tiny));
    assert_false(vm_name_valid("", tiny, sizeof(tiny)));
    assert_non_null(memchr(tiny, '\0', sizeof(tiny)));
    assert_string_equal(tiny, "is empt");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_valid_names),
        cmocka_unit_test(test_length_limits),
        cmocka_unit_test(test_first_character),
        cmocka_unit_test(test_bad_characters_are_named),
        cmocka_unit_test(test_small_buffer_is_respected),
    };
    return cmocka_run_group_tests_name("hvctl_names", tests, NULL, NULL);
}
