/* Unit tests of the small helpers: UUIDs, random digits, UTF-8 checks. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <sodium.h>
#include <string.h>

#include "cg_test.h"
#include "cg/util.h"

static void uuids_are_valid_and_distinct(void **state)
{
    (void)state;
    char a[CG_UUID_LEN], b[CG_UUID_LEN];
    cg_uuid_v4(a);
    cg_uuid_v4(b);
    assert_true(cg_uuid_valid(a));
    assert_string_not_equal(a, b);
    assert_int_equal(a[14], '4');
    assert_false(cg_uuid_valid("not-a-uuid"));
    assert_false(cg_uuid_valid("0123456789abcdef0123456789abcdef0123"));
    assert_false(cg_uuid_valid(NULL));
}

static void digits_are_digits(void **state)
{
    (void)state;
    char d[17];
    cg_random_digits(d, 16);
    assert_int_equal(strlen(d), 16);
    assert_int_equal(strspn(d, "0123456789"), 16);
}

static void utf8_checks(void **state)
{
    (void)state;
    const char *zh = "纪检监察";
    assert_true(cg_utf8_valid(zh, strlen(zh)));
    assert_int_equal(cg_utf8_length(zh), 4);
    assert_false(cg_utf8_valid("\xc3", 1));         /* truncated */
    assert_false(cg_utf8_valid("\xc0\xaf", 2));     /* overlong */
    assert_false(cg_utf8_valid("\xed\xa0\x80", 3)); /* surrogate */
    assert_false(cg_utf8_valid("a\0b", 3));
}

static void strlcpy_truncates(void **state)
{
    (void)state;
    char buf[4];
    assert_false(cg_strlcpy(buf, "abcdef", sizeof(buf)));
    assert_string_equal(buf, "abc");
    assert_true(cg_strlcpy(buf, "ab", sizeof(buf)));
}

static void ltree_paths(void **state)
{
    (void)state;
    assert_true(cg_ltree_path_valid("hq"));
    assert_true(cg_ltree_path_valid("hq.east.city_1"));
    assert_true(cg_ltree_path_valid("HQ.East2"));

    assert_false(cg_ltree_path_valid(NULL));
    assert_false(cg_ltree_path_valid(""));
    assert_false(cg_ltree_path_valid("."));
    assert_false(cg_ltree_path_valid(".hq"));
    assert_false(cg_ltree_path_valid("hq."));
    assert_false(cg_ltree_path_valid("hq..east"));
    assert_false(cg_ltree_path_valid("hq.east-1"));
    assert_false(cg_ltree_path_valid("hq east"));
    assert_false(cg_ltree_path_valid("hq.东"));

    char label[300];
    memset(label, 'a', sizeof label);
    label[255] = '\0';
    assert_true(cg_ltree_path_valid(label));
    label[255] = 'a';
    label[256] = '\0';
    assert_false(cg_ltree_path_valid(label));
}

static void urls_lose_their_credentials(void **state)
{
    (void)state;
    char out[128];
    cg_url_redact("nats://127.0.0.1:4222", out, sizeof(out));
    assert_string_equal(out, "nats://127.0.0.1:4222");
    cg_url_redact("nats://user:secret@h1:1,nats://h2:2", out, sizeof(out));
    assert_string_equal(out, "nats://***@h1:1,nats://h2:2");
    cg_url_redact("tls://token@x:1,nats://a:b@y:2", out, sizeof(out));
    assert_string_equal(out, "tls://***@x:1,nats://***@y:2");
    assert_null(strstr(out, "secret"));
    cg_url_redact("nats://user:secret@a-very-long-host-name:4222", out, 12);
    assert_int_equal(strlen(out), 11);
    assert_null(strstr(out, "secret"));
}

static void test_utf8_or_escaped(void **state)
{
    (void)state;
    char buf[32];
    assert_string_equal("ent.finance.claimed", cg_utf8_or_escaped("ent.finance.claimed", buf, 32));
    assert_string_equal("中文", cg_utf8_or_escaped("中文", buf, sizeof buf));
    assert_string_equal("ent.fin%FFance%20100%25", cg_utf8_or_escaped("ent.fin\xff"
                                                                      "ance 100%",
                                                                      buf, sizeof buf));
    assert_string_equal("", cg_utf8_or_escaped(NULL, buf, sizeof buf));
    /* Cut at a whole escape. */
    assert_string_equal("ab%FF", cg_utf8_or_escaped("ab\xff\xfe", buf, 8));
}

CG_TEST_MAIN_SODIUM(cmocka_unit_test(test_utf8_or_escaped),
                    cmocka_unit_test(uuids_are_valid_and_distinct),
                    cmocka_unit_test(digits_are_digits), cmocka_unit_test(utf8_checks),
                    cmocka_unit_test(strlcpy_truncates), cmocka_unit_test(ltree_paths),
                    cmocka_unit_test(urls_lose_their_credentials))
