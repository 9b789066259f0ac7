/* Unit tests of the receipt: generation, format, lookup key, hash. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "cg_test.h"
#include "receipt.h"

#define DRAWS 20000

/* The cheapest cost libsodium allows, so the tests stay fast. */
static const intake_receipt_params cheap = {
    .key = "0123456789abcdef0123456789abcdef",
    .opslimit = crypto_pwhash_argon2id_OPSLIMIT_MIN,
    .memlimit_bytes = crypto_pwhash_argon2id_MEMLIMIT_MIN,
};

static int setup(void **state)
{
    (void)state;
    return sodium_init() < 0 ? -1 : 0;
}

static int cmp_receipt(const void *a, const void *b)
{
    return memcmp(a, b, INTAKE_RECEIPT_DIGITS + 1);
}

static void test_generate_format(void **state)
{
    (void)state;
    for (int i = 0; i < 1000; i++) {
        char r[INTAKE_RECEIPT_DIGITS + 1];
        memset(r, 'x', sizeof r);
        intake_receipt_generate(r);
        assert_int_equal(strlen(r), INTAKE_RECEIPT_DIGITS);
        assert_true(intake_receipt_format_valid(r));
    }
}

/* Over many draws no receipt repeats (a repeat among 20000 draws from 10^16
 * would happen about once in 5 * 10^7 runs), and every position takes every
 * digit, which a stuck or biased position would not. */
static void test_generate_unique_and_spread(void **state)
{
    (void)state;
    char(*r)[INTAKE_RECEIPT_DIGITS + 1] = calloc(DRAWS, sizeof *r);
    unsigned seen[INTAKE_RECEIPT_DIGITS][10] = {{0}};
    assert_non_null(r);
    for (int i = 0; i < DRAWS; i++) {
        intake_receipt_generate(r[i]);
        for (int p = 0; p < INTAKE_RECEIPT_DIGITS; p++) {
            seen[p][r[i][p] - '0']++;
        }
    }
    qsort(r, DRAWS, sizeof *r, cmp_receipt);
    for (int i = 1; i < DRAWS; i++) {
        assert_int_not_equal(cmp_receipt(r[i - 1], r[i]), 0);
    }
    /* Each count is about 2000; below 1500 or above 2500 is more than 11
     * standard deviations off. */
    for (int p = 0; p < INTAKE_RECEIPT_DIGITS; p++) {
        for (int d = 0; d < 10; d++) {
            assert_in_range(seen[p][d], DRAWS / 10 - 500, DRAWS / 10 + 500);
        }
    }
    free(r);
}

static void test_format_valid(void **state)
{
    (void)state;
    assert_true(intake_receipt_format_valid("0000000000000000"));
    assert_true(intake_receipt_format_valid("1234567890123456"));

    assert_false(intake_receipt_format_valid(NULL));
    assert_false(intake_receipt_format_valid(""));
    assert_false(intake_receipt_format_valid("123456789012345"));   /* 15 */
    assert_false(intake_receipt_format_valid("12345678901234567")); /* 17 */
    assert_false(intake_receipt_format_valid("123456789012345a"));
    assert_false(intake_receipt_format_valid(" 234567890123456"));
    assert_false(intake_receipt_format_valid("123456789012345 "));
    assert_false(intake_receipt_format_valid("+123456789012345"));
    assert_false(intake_receipt_format_valid("-123456789012345"));
    assert_false(intake_receipt_format_valid("1234-5678-9012-3456"));
    assert_false(intake_receipt_format_valid("123456789012345\n"));
    /* Full-width digits are digits to a person, not to the receipt. */
    assert_false(intake_receipt_format_valid("１２３４５６７８９０１２３４５６"));
}

static void test_lookup_key(void **state)
{
    (void)state;
    char key[INTAKE_RECEIPT_LOOKUP_DIGITS + 1];
    memset(key, 'x', sizeof key);
    intake_receipt_lookup_key("1234567890123456", key);
    assert_string_equal(key, "12345678");
    intake_receipt_lookup_key("0000000099999999", key);
    assert_string_equal(key, "00000000");
}

static void test_hash_verify(void **state)
{
    (void)state;
    char h1[INTAKE_RECEIPT_HASH_SIZE], h2[INTAKE_RECEIPT_HASH_SIZE];
    cg_err err;
    cg_err_clear(&err);

    assert_int_equal(intake_receipt_hash("1234567890123456", &cheap, h1, &err), CG_OK);
    assert_int_equal(strncmp(h1, "$argon2id$", 10), 0);
    /* The hash never contains the receipt. */
    assert_null(strstr(h1, "1234567890123456"));
    assert_true(intake_receipt_verify(&cheap, h1, "1234567890123456"));

    /* Same lookup key, different tail: the case the hash exists for. */
    assert_false(intake_receipt_verify(&cheap, h1, "1234567890123457"));
    assert_false(intake_receipt_verify(&cheap, h1, "1234567800000000"));
    assert_false(intake_receipt_verify(&cheap, h1, "123456789012345"));
    assert_false(intake_receipt_verify(&cheap, h1, NULL));
    assert_false(intake_receipt_verify(&cheap, NULL, "1234567890123456"));
    assert_false(intake_receipt_verify(&cheap, "", "1234567890123456"));
    assert_false(intake_receipt_verify(&cheap, "$argon2id$garbage", "1234567890123456"));

    /* A fresh salt each time: equal receipts give different hashes. */
    assert_int_equal(intake_receipt_hash("1234567890123456", &cheap, h2, &err), CG_OK);
    assert_string_not_equal(h1, h2);
    assert_true(intake_receipt_verify(&cheap, h2, "1234567890123456"));
}

static void test_hash_default_cost(void **state)
{
    (void)state;
    const intake_receipt_params def = {.opslimit = 1, .memlimit_bytes = 1024u * 1024u};
    char h[INTAKE_RECEIPT_HASH_SIZE];
    cg_err err;
    cg_err_clear(&err);
    assert_int_equal(intake_receipt_hash("9999999999999999", &def, h, &err), CG_OK);
    assert_non_null(strstr(h, "m=1024,t=1"));
    assert_true(intake_receipt_verify(&def, h, "9999999999999999"));
}

static void test_hash_rejects(void **state)
{
    (void)state;
    char h[INTAKE_RECEIPT_HASH_SIZE];
    cg_err err;

    cg_err_clear(&err);
    assert_int_equal(intake_receipt_hash("12345", &cheap, h, &err), CG_INVALID_ARGUMENT);

    const intake_receipt_params too_little_memory = {.opslimit = 2, .memlimit_bytes = 1024};
    cg_err_clear(&err);
    assert_int_equal(intake_receipt_hash("1234567890123456", &too_little_memory, h, &err),
                     CG_INVALID_ARGUMENT);

    const intake_receipt_params no_passes = {.opslimit = 0, .memlimit_bytes = 8192};
    cg_err_clear(&err);
    assert_int_equal(intake_receipt_hash("1234567890123456", &no_passes, h, &err),
                     CG_INVALID_ARGUMENT);
}

/* The hash depends on the key: with another key the right receipt fails,
 * which is what makes a copied table useless without the key. */
static void test_key_matters(void **state)
{
    (void)state;
    char h[INTAKE_RECEIPT_HASH_SIZE];
    cg_err err;
    cg_err_clear(&err);
    intake_receipt_params other = cheap;
    other.key[0] ^= 1;
    assert_int_equal(intake_receipt_hash("1234567890123456", &cheap, h, &err), CG_OK);
    assert_true(intake_receipt_verify(&cheap, h, "1234567890123456"));
    assert_false(intake_receipt_verify(&other, h, "1234567890123456"));
}

static void test_key_parse(void **state)
{
    (void)state;
    intake_receipt_params p;
    cg_err err;
    cg_err_clear(&err);
    assert_int_equal(
        intake_receipt_key_parse("000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f",
                                 &p, &err),
        CG_OK);
    assert_int_equal(p.key[0], 0);
    assert_int_equal(p.key[31], 0x1f);
    assert_int_equal(intake_receipt_key_parse("abcd", &p, &err), CG_INVALID_ARGUMENT);
    assert_null(strstr(err.message, "abcd"));
    assert_int_equal(
        intake_receipt_key_parse("zz0102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f",
                                 &p, &err),
        CG_INVALID_ARGUMENT);
    assert_int_equal(intake_receipt_key_parse(NULL, &p, &err), CG_INVALID_ARGUMENT);
}

CG_TEST_MAIN_SETUP(setup, cmocka_unit_test(test_generate_format),
                   cmocka_unit_test(test_generate_unique_and_spread),
                   cmocka_unit_test(test_format_valid), cmocka_unit_test(test_lookup_key),
                   cmocka_unit_test(test_key_matters), cmocka_unit_test(test_key_parse),
                   cmocka_unit_test(test_hash_verify), cmocka_unit_test(test_hash_default_cost),
                   cmocka_unit_test(test_hash_rejects))
