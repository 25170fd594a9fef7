/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Unit tests of the hv.cfg parser (boot/config.c).  Every input is copied into
 * a heap buffer of exactly its length, without a trailing NUL, so ASan reports
 * any read past the end of the text.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "config.h"

#define MiB (1ULL << 20)
#define GiB (1ULL << 30)

static struct hv_config cfg;
static char err[256];

/* Parses the first @len bytes of @text from an exact-size copy. */
static int parse_n(const char *text, size_t len)
{
    char *copy = malloc(len ? len : 1);
    int rc;

    assert_non_null(copy);
    memcpy(copy, text, len);
    memset(err, 'X', sizeof(err));
    rc = hv_config_parse(copy, len, &cfg, err, sizeof(err));
    free(copy);
    /* Whatever happened, the message is a NUL-terminated single line. */
    assert_non_null(memchr(err, '\0', sizeof(err)));
    assert_null(strchr(err, '\n'));
    return rc;
}

static int parse(const char *text)
{
    return parse_n(text, strlen(text));
}

static void expect_ok(const char *text)
{
    int rc = parse(text);

    if (rc != 0)
        fail_msg("unexpected error: %s", err);
}

/* Fails unless parsing is refused with a message containing @what. */
static void expect_error(const char *text, const char *what)
{
    assert_int_equal(parse(text), -1);
    if (strstr(err, what) == NULL)
        fail_msg("message \"%s\" lacks \"%s\"", err, what);
}

/* "hypervisor=hv.elf\nhv_memory=VALUE\n" parsed; returns the size or fails. */
static uint64_t size_of(const char *value)
{
    char text[128];

    snprintf(text, sizeof(text), "hypervisor=hv.elf\nhv_memory=%s\n", value);
    expect_ok(text);
    return cfg.hv_memory;
}

static void expect_bad_size(const char *value, const char *what)
{
    char text[128];

    snprintf(text, sizeof(text), "hypervisor=hv.elf\nhv_memory=%s\n", value);
    expect_error(text, what);
}

/* A line "KEY=" followed by @n copies of 'a'. */
static char *line_with_value(const char *key, size_t n)
{
    size_t klen = strlen(key);
    char *text = malloc(klen + 1 + n + 2);

    assert_non_null(text);
    memcpy(text, key, klen);
    text[klen] = '=';
    memset(text + klen + 1, 'a', n);
    memcpy(text + klen + 1 + n, "\n", 2);
    return text;
}

static void test_full_valid_file(void **state)
{
    (void)state;
    expect_ok("# hv.cfg\n"
              "hypervisor=\\EFI\\hv\\hv.elf\n"
              "hv_options=console=ttyS0 loglevel=debug\n"
              "hv_memory=128M\n"
              "kernel=/EFI/linux/bzImage\n"
              "kernel_options=root=/dev/nvme0n1p2 ro quiet\n"
              "initrd=EFI/linux/initrd.img\n");
    assert_string_equal(cfg.hypervisor, "\\EFI\\hv\\hv.elf");
    assert_string_equal(cfg.hv_options, "console=ttyS0 loglevel=debug");
    assert_int_equal(cfg.hv_memory, 128 * MiB);
    assert_string_equal(cfg.kernel, "/EFI/linux/bzImage");
    assert_string_equal(cfg.kernel_options, "root=/dev/nvme0n1p2 ro quiet");
    assert_string_equal(cfg.initrd, "EFI/linux/initrd.img");
}

static void test_defaults(void **state)
{
    (void)state;
    memset(&cfg, 0x55, sizeof(cfg));
    expect_ok("hypervisor=hv.elf\n");
    assert_string_equal(cfg.hypervisor, "hv.elf");
    assert_int_equal(cfg.hv_memory, HVCFG_DEFAULT_HV_MEMORY);
    assert_string_equal(cfg.hv_options, "");
    assert_string_equal(cfg.kernel, "");
    assert_string_equal(cfg.kernel_options, "");
    assert_string_equal(cfg.initrd, "");
}

static void test_comments_and_blank_lines(void **state)
{
    (void)state;
    expect_ok("# first comment\n"
              "\n"
              "   # indented comment with kernel=ignored\n"
              " \t \n"
              "\t#tab-indented comment\n"
              "hypervisor=hv.elf\n"
              "\n"
              "#kernel=bz\n");
    assert_string_equal(cfg.hypervisor, "hv.elf");
    assert_string_equal(cfg.kernel, "");
}

static void test_crlf_line_ends(void **state)
{
    (void)state;
    expect_ok("# comment\r\n\r\nhypervisor=hv.elf\r\nkernel_options=quiet \r\ninitrd=i.img\r\n");
    assert_string_equal(cfg.hypervisor, "hv.elf");
    assert_string_equal(cfg.kernel_options, "quiet");
    assert_string_equal(cfg.initrd, "i.img");
}

static void test_whitespace_trimmed(void **state)
{
    (void)state;
    expect_ok(" \t hypervisor \t = \t hv.elf \t \n"
              "hv_options=  a  b\t c  \n"
              "hv_memory =\t32M\t\n");
    assert_string_equal(cfg.hypervisor, "hv.elf");
    assert_string_equal(cfg.hv_options, "a  b\t c");
    assert_int_equal(cfg.hv_memory, 32 * MiB);
}

static void test_last_line_without_newline(void **state)
{
    (void)state;
    expect_ok("kernel=bz\nhypervisor=hv.elf");
    assert_string_equal(cfg.hypervisor, "hv.elf");
    expect_ok("hypervisor=hv.elf\r");
    assert_string_equal(cfg.hypervisor, "hv.elf");
}

static void test_value_may_contain_equals(void **state)
{
    (void)state;
    expect_ok("hypervisor=hv.elf\nkernel_options=console=ttyS0,115200 root=UUID=1234\n");
    assert_string_equal(cfg.kernel_options, "console=ttyS0,115200 root=UUID=1234");
}

static void test_empty_text_value_allowed(void **state)
{
    (void)state;
    expect_ok("hypervisor=hv.elf\nhv_options=\nkernel_options=  \n");
    assert_string_equal(cfg.hv_options, "");
    assert_string_equal(cfg.kernel_options, "");
}

static void test_paths_stored_as_given(void **state)
{
    (void)state;
    expect_ok("hypervisor=/EFI/hv/hv.elf\nkernel=\\EFI\\bz\ninitrd=a/.../b..c/.x/.\n");
    assert_string_equal(cfg.hypervisor, "/EFI/hv/hv.elf");
    assert_string_equal(cfg.kernel, "\\EFI\\bz");
    assert_string_equal(cfg.initrd, "a/.../b..c/.x/.");
}

static void test_utf8_bom_skipped(void **state)
{
    (void)state;
    expect_ok("\xEF\xBB\xBFhypervisor=hv.elf\n");
    assert_string_equal(cfg.hypervisor, "hv.elf");
}

static void test_unknown_key_names_line(void **state)
{
    (void)state;
    assert_int_equal(parse("hypervisor=hv.elf\n\n# comment\nkernal=bz\n"), -1);
    assert_string_equal(err, "hv.cfg line 4: unknown key 'kernal'");
    /* Keys are case-sensitive and must match whole. */
    expect_error("Hypervisor=hv.elf\n", "line 1: unknown key 'Hypervisor'");
    expect_error("hypervisor=hv.elf\nkernel_option=x\n", "line 2: unknown key 'kernel_option'");
}

static void test_unknown_key_unprintable_bytes(void **state)
{
    (void)state;
    expect_error("hyper\x01visor\rx=hv.elf\n", "unknown key 'hyper?visor?x'");
}

static void test_duplicate_key(void **state)
{
    (void)state;
    expect_error("hypervisor=a.elf\nkernel=bz\n\nhypervisor=b.elf\n",
                 "hv.cfg line 4: key 'hypervisor' repeated (first given on line 1)");
    expect_error("hypervisor=a\nhv_options=\nhv_options=\n", "line 3: key 'hv_options' repeated");
    expect_error("hypervisor=a\nhv_memory=32M\nhv_memory=32M\n", "line 3: key 'hv_memory'");
}

static void test_missing_equals(void **state)
{
    (void)state;
    expect_error("hypervisor=hv.elf\nkernel bz\n", "hv.cfg line 2: expected key=value");
    expect_error("hypervisor=hv.elf\nkernel", "line 2: expected key=value");
}

static void test_missing_key(void **state)
{
    (void)state;
    expect_error("hypervisor=hv.elf\n  = value\n", "line 2: missing key");
}

static void test_empty_path(void **state)
{
    (void)state;
    expect_error("hypervisor=\n", "hv.cfg line 1: empty path for 'hypervisor'");
    expect_error("hypervisor=a\nkernel= \t \n", "line 2: empty path for 'kernel'");
    expect_error("hypervisor=a\ninitrd=\r\n", "line 2: empty path for 'initrd'");
}

static void test_dotdot_path(void **state)
{
    static const char *const bad[] = {
        "hypervisor=../hv.elf\n",
        "hypervisor=a/../hv.elf\n",
        "hypervisor=a\\..\\hv.elf\n",
        "hypervisor=a/..\n",
        "hypervisor=..\n",
        "hypervisor=/..\\x\n",
        "hypervisor=a\nkernel=..\n",
        "hypervisor=a\ninitrd=x/../y\n",
    };

    (void)state;
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
        expect_error(bad[i], "contains a '..' component");
}

static void test_nul_byte(void **state)
{
    static const char in_value[] = "hypervisor=hv\0.elf\n";
    static const char in_comment[] = "hypervisor=hv.elf\n# a\0b\n";
    static const char at_end[] = "hypervisor=hv.elf\n\0";

    (void)state;
    assert_int_equal(parse_n(in_value, sizeof(in_value) - 1), -1);
    assert_string_equal(err, "hv.cfg line 1: NUL byte in the file");
    assert_int_equal(parse_n(in_comment, sizeof(in_comment) - 1), -1);
    assert_string_equal(err, "hv.cfg line 2: NUL byte in the file");
    assert_int_equal(parse_n(at_end, sizeof(at_end) - 1), -1);
    assert_string_equal(err, "hv.cfg line 2: NUL byte in the file");
}

static void test_path_at_limit(void **state)
{
    char *text = line_with_value("hypervisor", HVCFG_PATH_MAX - 1);

    (void)state;
    expect_ok(text);
    assert_int_equal(strlen(cfg.hypervisor), HVCFG_PATH_MAX - 1);
    free(text);
}

static void test_path_one_over_limit(void **state)
{
    char *text = line_with_value("hypervisor", HVCFG_PATH_MAX);

    (void)state;
    expect_error(text, "hv.cfg line 1: value of 'hypervisor' is too long (256 bytes, at most 255)");
    free(text);
    text = line_with_value("initrd", HVCFG_PATH_MAX);
    expect_error(text, "value of 'initrd' is too long");
    free(text);
}

static void test_text_at_limit(void **state)
{
    char *text = line_with_value("kernel_options", HVCFG_TEXT_MAX - 1);
    char *both = malloc(strlen(text) + 32);

    (void)state;
    assert_non_null(both);
    strcpy(both, "hypervisor=hv.elf\n");
    strcat(both, text);
    expect_ok(both);
    assert_int_equal(strlen(cfg.kernel_options), HVCFG_TEXT_MAX - 1);
    free(both);
    free(text);
}

static void test_text_one_over_limit(void **state)
{
    char *text = line_with_value("hv_options", HVCFG_TEXT_MAX);

    (void)state;
    expect_error(text, "value of 'hv_options' is too long (1024 bytes, at most 1023)");
    free(text);
}

static void test_missing_hypervisor(void **state)
{
    (void)state;
    assert_int_equal(parse("kernel=bz\nhv_memory=32M\n"), -1);
    assert_string_equal(err, "hv.cfg: no 'hypervisor=' line");
    expect_error("", "no 'hypervisor=' line");
    expect_error("# only a comment\n\n", "no 'hypervisor=' line");
}

static void test_size_suffixes(void **state)
{
    (void)state;
    assert_int_equal(size_of("64M"), 64 * MiB);
    assert_int_equal(size_of("64m"), 64 * MiB);
    assert_int_equal(size_of("1g"), GiB);
    assert_int_equal(size_of("1G"), GiB);
    assert_int_equal(size_of("65536K"), 64 * MiB);
    assert_int_equal(size_of("32768k"), 32 * MiB);
    assert_int_equal(size_of("0032M"), 32 * MiB);
}

static void test_size_plain_bytes(void **state)
{
    (void)state;
    assert_int_equal(size_of("33554432"), 32 * MiB);
}

static void test_size_minimum(void **state)
{
    (void)state;
    assert_int_equal(size_of("16M"), 16 * MiB);
    assert_int_equal(size_of("16777216"), 16 * MiB);
}

static void test_size_below_minimum(void **state)
{
    (void)state;
    expect_bad_size("15M", "hv.cfg line 2: hv_memory '15M' is outside the allowed range");
    expect_bad_size("16777215", "outside the allowed range");
    expect_bad_size("0", "outside the allowed range");
    expect_bad_size("0G", "outside the allowed range");
}

static void test_size_maximum(void **state)
{
    (void)state;
    assert_int_equal(size_of("4G"), 4 * GiB);
    assert_int_equal(size_of("4096M"), 4 * GiB);
    assert_int_equal(size_of("4294967296"), 4 * GiB);
}

static void test_size_above_maximum(void **state)
{
    (void)state;
    expect_bad_size("5G", "outside the allowed range");
    expect_bad_size("4097M", "outside the allowed range");
    expect_bad_size("4294967297", "outside the allowed range");
    expect_bad_size("4194305K", "outside the allowed range");
}

static void test_size_overflow(void **state)
{
    (void)state;
    expect_bad_size("99999999999999999999G", "outside the allowed range");
    expect_bad_size("18446744073709551616", "outside the allowed range");
    expect_bad_size("17179869184G", "outside the allowed range"); /* 2^34 G = 2^64 bytes */
    expect_bad_size("999999999999999999999999999999999999999999", "outside the allowed range");
    /* 2^64 + 64M and (2^64 + 16384)K: they wrap to valid sizes if the digits overflow. */
    expect_bad_size("18446744073776660480", "outside the allowed range");
    expect_bad_size("18446744073709568000K", "outside the allowed range");
}

static void test_size_garbage(void **state)
{
    static const char *const bad[] = {
        "64MB", "64X", "M", "", "-16M", "+16M", "0x1000000", "64 M", "1.5G", "64MM", "G64", "6 4M",
    };

    (void)state;
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
        expect_bad_size(bad[i], "is not a size");
    expect_bad_size("99999999999999999999Q", "is not a size");
}

static void test_size_rounded_up_to_2mib(void **state)
{
    (void)state;
    assert_int_equal(size_of("17M"), 18 * MiB);
    assert_int_equal(size_of("16777217"), 18 * MiB);
    assert_int_equal(size_of("20481K"), 22 * MiB);
    assert_int_equal(size_of("18M"), 18 * MiB);
    assert_int_equal(size_of("4095M"), 4 * GiB);
}

static void test_unterminated_input(void **state)
{
    static const char text[] = "hypervisor=hv.elf\nkernel=bzImage";
    char *exact = malloc(sizeof(text) - 1);

    (void)state;
    assert_non_null(exact);
    memcpy(exact, text, sizeof(text) - 1);
    assert_int_equal(hv_config_parse(exact, sizeof(text) - 1, &cfg, err, sizeof(err)), 0);
    assert_string_equal(cfg.kernel, "bzImage");
    /* A prefix: the parser must stop at len, not at the (missing) NUL. */
    assert_int_equal(hv_config_parse(exact, 20, &cfg, err, sizeof(err)), -1);
    assert_string_equal(err, "hv.cfg line 2: expected key=value, found no '='");
    assert_int_equal(hv_config_parse(exact, 17, &cfg, err, sizeof(err)), 0);
    assert_string_equal(cfg.hypervisor, "hv.elf");
    free(exact);
}

static void test_errlen_zero(void **state)
{
    char guard = 'G';

    (void)state;
    assert_int_equal(hv_config_parse("kernal=x\n", 9, &cfg, NULL, 0), -1);
    assert_int_equal(hv_config_parse("kernal=x\n", 9, &cfg, &guard, 0), -1);
    assert_int_equal(guard, 'G');
}

static void test_tiny_errlen(void **state)
{
    char small[16];

    (void)state;
    memset(small, 'X', sizeof(small));
    assert_int_equal(hv_config_parse("kernal=x\n", 9, &cfg, small, 1), -1);
    assert_int_equal(small[0], '\0');
    assert_int_equal(small[1], 'X');

    memset(small, 'X', sizeof(small));
    assert_int_equal(hv_config_parse("kernal=x\n", 9, &cfg, small, 8), -1);
    assert_string_equal(small, "hv.cfg ");
    assert_int_equal(small[8], 'X');
}

static void test_long_message_truncated(void **state)
{
    char *text = malloc(4002);
    char small[64];

    (void)state;
    assert_non_null(text);
    memset(text, 'k', 4000);
    memcpy(text + 4000, "=", 2);
    memset(small, 'X', sizeof(small));
    assert_int_equal(hv_config_parse(text, 4001, &cfg, small, sizeof(small)), -1);
    assert_int_equal(strlen(small), sizeof(small) - 1);
    assert_memory_equal(small, "hv.cfg line 1: unknown key 'kkkk", 32);
    assert_int_equal(parse(text), -1);
    assert_int_equal(strlen(err), sizeof(err) - 1);
    free(text);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_full_valid_file),
        cmocka_unit_test(test_defaults),
        cmocka_unit_test(test_comments_and_blank_lines),
        cmocka_unit_test(test_crlf_line_ends),
        cmocka_unit_test(test_whitespace_trimmed),
        cmocka_unit_test(test_last_line_without_newline),
        cmocka_unit_test(test_value_may_contain_equals),
        cmocka_unit_test(test_empty_text_value_allowed),
        cmocka_unit_test(test_paths_stored_as_given),
        cmocka_unit_test(test_utf8_bom_skipped),
        cmocka_unit_test(test_unknown_key_names_line),
        cmocka_unit_test(test_unknown_key_unprintable_bytes),
        cmocka_unit_test(test_duplicate_key),
        cmocka_unit_test(test_missing_equals),
        cmocka_unit_test(test_missing_key),
        cmocka_unit_test(test_empty_path),
        cmocka_unit_test(test_dotdot_path),
        cmocka_unit_test(test_nul_byte),
        cmocka_unit_test(test_path_at_limit),
        cmocka_unit_test(test_path_one_over_limit),
        cmocka_unit_test(test_text_at_limit),
        cmocka_unit_test(test_text_one_over_limit),
        cmocka_unit_test(test_missing_hypervisor),
        cmocka_unit_test(test_size_suffixes),
        cmocka_unit_test(test_size_plain_bytes),
        cmocka_unit_test(test_size_minimum),
        cmocka_unit_test(test_size_below_minimum),
        cmocka_unit_test(test_size_maximum),
        cmocka_unit_test(test_size_above_maximum),
        cmocka_unit_test(test_size_overflow),
        cmocka_unit_test(test_size_garbage),
        cmocka_unit_test(test_size_rounded_up_to_2mib),
        cmocka_unit_test(test_unterminated_input),
        cmocka_unit_test(test_errlen_zero),
        cmocka_unit_test(test_tiny_errlen),
        cmocka_unit_test(test_long_message_truncated),
    };
    return cmocka_run_group_tests_name("config", tests, NULL, NULL);
}
