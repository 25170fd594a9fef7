/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Unit tests of the percent-encoding shared by hvctl and the worker
 * (tools/lib/percent.c): which bytes go as they are, the encoding and its
 * room, round trips of every byte, and every refusal of the decoders.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "percent.h"

static void test_plain_byte(void **state)
{
    (void)state;
    for (unsigned c = 0; c < 256; c++) {
        bool plain = c >= '!' && c <= '~' && c != '%' && c != ':' && c != '=';

        assert_int_equal(percent_plain_byte((unsigned char)c), plain);
    }
}

static void test_encode(void **state)
{
    char out[64];

    (void)state;
    assert_int_equal(percent_encode("plain-Text_1.2~!/", 17, out, sizeof(out)), 17);
    assert_string_equal(out, "plain-Text_1.2~!/");
    assert_int_equal(percent_encode("a b%c:d=e\tf\ng\x7f\xc3\xbc", 16, out, sizeof(out)), 34);
    assert_string_equal(out, "a%20b%25c%3Ad%3De%09f%0Ag%7F%C3%BC");
    assert_int_equal(percent_encode("a\0b\xff", 4, out, sizeof(out)), 8);
    assert_string_equal(out, "a%00b%FF");
    assert_int_equal(percent_encode("", 0, out, 1), 0);
    assert_string_equal(out, "");
}

static void test_encode_room(void **state)
{
    char out[16];

    (void)state;
    /* Exactly the text and its NUL, then one byte less. */
    assert_int_equal(percent_encode("ab ", 3, out, 6), 5);
    assert_string_equal(out, "ab%20");
    assert_int_equal(percent_encode("ab ", 3, out, 5), -1);
    assert_int_equal(percent_encode("ab ", 3, out, 4), -1);
    assert_int_equal(percent_encode("abc", 3, out, 4), 3);
    assert_int_equal(percent_encode("abc", 3, out, 3), -1);
    assert_int_equal(percent_encode("", 0, out, 0), -1);
    assert_int_equal(percent_encode("a", 1, out, 0), -1);
    assert_int_equal(percent_encode("%", 1, out, 0), -1);
}

static void test_decode(void **state)
{
    char out[64];

    (void)state;
    assert_int_equal(percent_decode("a%20b%25c%3Ad%3De%09f%0Ag%7F%C3%BC", 34, out, sizeof(out)),
                     16);
    assert_memory_equal(out, "a b%c:d=e\tf\ng\x7f\xc3\xbc", 17);
    /* Lowercase and mixed-case hex too. */
    assert_int_equal(percent_decode("%e2%82%aC%Ff", 12, out, sizeof(out)), 4);
    assert_string_equal(out, "\xe2\x82\xac\xff");
    assert_int_equal(percent_decode("", 0, out, 1), 0);
    assert_string_equal(out, "");
    /* Only @len bytes are read. */
    assert_int_equal(percent_decode("ab cd", 2, out, sizeof(out)), 2);
    assert_string_equal(out, "ab");
    assert_int_equal(percent_decode("x%41%", 4, out, sizeof(out)), 2);
    assert_string_equal(out, "xA");
    assert_int_equal(percent_decode("x%41%", 5, out, sizeof(out)), -1);
    assert_int_equal(percent_decode("x%4142", 3, out, sizeof(out)), -1);
}

static void expect_refused(const char *in)
{
    char out[64], copy[64];

    assert_int_equal(percent_decode(in, strlen(in), out, sizeof(out)), -1);
    snprintf(copy, sizeof(copy), "%s", in);
    assert_int_equal(percent_decode_in_place(copy, strlen(copy)), -1);
}

static void test_decode_refusals(void **state)
{
    char in[2] = {0, 0};

    (void)state;
    /* Malformed escapes. */
    expect_refused("%");
    expect_refused("a%");
    expect_refused("%4");
    expect_refused("a%4");
    expect_refused("%zz");
    expect_refused("%4g");
    expect_refused("%g4");
    expect_refused("%-1");
    expect_refused("% 1");
    expect_refused("%%41");
    /* An encoded NUL, whatever the case. */
    expect_refused("%00");
    expect_refused("ab%00cd");
    /* Every byte that should have come encoded. */
    for (unsigned c = 1; c < 256; c++) {
        if (percent_plain_byte((unsigned char)c) || c == '%')
            continue;
        in[0] = (char)c;
        expect_refused(in);
    }
    expect_refused("a b");
    expect_refused("k:v");
    expect_refused("k=v");
    /* A raw NUL within @len. */
    {
        char out[8];

        assert_int_equal(percent_decode("a\0b", 3, out, sizeof(out)), -1);
    }
}

static void test_decode_room(void **state)
{
    char out[8];

    (void)state;
    assert_int_equal(percent_decode("abc", 3, out, 4), 3);
    assert_string_equal(out, "abc");
    assert_int_equal(percent_decode("abc", 3, out, 3), -2);
    assert_int_equal(percent_decode("%41%42", 6, out, 3), 2);
    assert_string_equal(out, "AB");
    assert_int_equal(percent_decode("%41%42", 6, out, 2), -2);
    assert_int_equal(percent_decode("", 0, out, 0), -2);
    /* A refusal before the buffer runs out is a refusal... */
    assert_int_equal(percent_decode("a%00bcdef", 9, out, 3), -1);
    /* ...and running out before a refusal is running out. */
    assert_int_equal(percent_decode("abcd%00", 7, out, 3), -2);
}

static void test_decode_in_place(void **state)
{
    char text[] = "auto:OS%20Name=Debian%2fLinux%3D12 next";
    char *colon, *eq, *end;

    (void)state;
    colon = strchr(text, ':');
    eq = strchr(text, '=');
    end = strchr(text, ' ');
    assert_int_equal(percent_decode_in_place(eq + 1, (size_t)(end - eq - 1)), 15);
    assert_int_equal(percent_decode_in_place(colon + 1, (size_t)(eq - colon - 1)), 7);
    assert_int_equal(percent_decode_in_place(text, (size_t)(colon - text)), 4);
    assert_string_equal(text, "auto");
    assert_string_equal(colon + 1, "OS Name");
    assert_string_equal(eq + 1, "Debian/Linux=12");
    /* Nothing past the NUL written after the result. */
    assert_string_equal(end + 1, "next");

    char plain[] = "abc!";

    assert_int_equal(percent_decode_in_place(plain, 3), 3);
    assert_string_equal(plain, "abc");
    char empty[] = "";

    assert_int_equal(percent_decode_in_place(empty, 0), 0);
    assert_string_equal(empty, "");
}

/* Every byte, alone and all 256 in a row, out and back again. */
static void test_round_trip(void **state)
{
    char raw[256], enc[3 * 256 + 1], dec[257], in_place[3 * 256 + 1];
    long n;

    (void)state;
    for (unsigned c = 0; c < 256; c++) {
        char one = (char)c;

        n = percent_encode(&one, 1, enc, sizeof(enc));
        assert_int_equal(n, percent_plain_byte((unsigned char)c) ? 1 : 3);
        if (c == 0) {
            /* The encoder takes any byte; the decoders refuse the NUL back. */
            assert_string_equal(enc, "%00");
            assert_int_equal(percent_decode(enc, (size_t)n, dec, sizeof(dec)), -1);
            continue;
        }
        assert_int_equal(percent_decode(enc, (size_t)n, dec, sizeof(dec)), 1);
        assert_int_equal((unsigned char)dec[0], c);
        assert_int_equal(dec[1], '\0');
    }
    for (unsigned c = 1; c < 256; c++)
        raw[c - 1] = (char)c;
    n = percent_encode(raw, 255, enc, sizeof(enc));
    assert_true(n > 255);
    assert_int_equal((size_t)n, strlen(enc));
    assert_int_equal(percent_decode(enc, (size_t)n, dec, sizeof(dec)), 255);
    assert_memory_equal(dec, raw, 255);
    /* The room for exactly the result and its NUL is enough. */
    assert_int_equal(percent_decode(enc, (size_t)n, dec, 256), 255);
    assert_int_equal(percent_decode(enc, (size_t)n, dec, 255), -2);
    memcpy(in_place, enc, (size_t)n + 1);
    assert_int_equal(percent_decode_in_place(in_place, (size_t)n), 255);
    assert_memory_equal(in_place, raw, 255);
    assert_int_equal(in_place[255], '\0');
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_plain_byte),      cmocka_unit_test(test_encode),
        cmocka_unit_test(test_encode_room),     cmocka_unit_test(test_decode),
        cmocka_unit_test(test_decode_refusals), cmocka_unit_test(test_decode_room),
        cmocka_unit_test(test_decode_in_place), cmocka_unit_test(test_round_trip),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
