/* Unit tests of sealing a reporter's identity: only the custodian's secret
 * key opens it, every seal differs, and a bad key is refused. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <cjson/cJSON.h>
#include <stdlib.h>
#include <string.h>

#include "cg_test.h"
#include "identity.h"

/* A custodian's key pair, and intake's view of it (the public half). */
static unsigned char custodian_pk[crypto_box_PUBLICKEYBYTES];
static unsigned char custodian_sk[crypto_box_SECRETKEYBYTES];
static intake_identity_key key;

static int setup(void **state)
{
    (void)state;
    char hex[2 * crypto_box_PUBLICKEYBYTES + 1];
    cg_err err;
    if (sodium_init() < 0)
        return -1;
    crypto_box_keypair(custodian_pk, custodian_sk);
    sodium_bin2hex(hex, sizeof(hex), custodian_pk, sizeof(custodian_pk));
    return intake_identity_key_parse(hex, &key, &err) == CG_OK ? 0 : -1;
}

/* Open sealed with the custodian's secret key; NULL when it does not open. */
static cJSON *open_sealed(const unsigned char *sealed, size_t len, const unsigned char *sk)
{
    size_t clear_len = len - crypto_box_SEALBYTES;
    char *clear = calloc(1, clear_len + 1);
    assert_non_null(clear);
    cJSON *o = NULL;
    if (crypto_box_seal_open((unsigned char *)clear, sealed, len, custodian_pk, sk) == 0)
        o = cJSON_Parse(clear);
    free(clear);
    return o;
}

static void test_custodian_opens_it(void **state)
{
    (void)state;
    unsigned char *sealed = NULL;
    size_t len = 0;
    cg_err err;
    assert_int_equal(intake_identity_seal(&key, "张伟", "13800000000", &sealed, &len, &err), CG_OK);
    assert_null(memmem(sealed, len, "13800000000", 11));
    cJSON *o = open_sealed(sealed, len, custodian_sk);
    assert_non_null(o);
    assert_string_equal("张伟", cJSON_GetStringValue(cJSON_GetObjectItem(o, "name")));
    assert_string_equal("13800000000", cJSON_GetStringValue(cJSON_GetObjectItem(o, "phone")));
    cJSON_Delete(o);

    /* Any other secret key opens nothing. */
    unsigned char other_pk[crypto_box_PUBLICKEYBYTES], other_sk[crypto_box_SECRETKEYBYTES];
    crypto_box_keypair(other_pk, other_sk);
    assert_null(open_sealed(sealed, len, other_sk));
    free(sealed);
}

static void test_each_seal_differs(void **state)
{
    (void)state;
    unsigned char *a = NULL, *b = NULL;
    size_t alen = 0, blen = 0;
    cg_err err;
    assert_int_equal(intake_identity_seal(&key, "Li", NULL, &a, &alen, &err), CG_OK);
    assert_int_equal(intake_identity_seal(&key, "Li", NULL, &b, &blen, &err), CG_OK);
    assert_int_equal(alen, blen);
    assert_memory_not_equal(a, b, alen);
    cJSON *o = open_sealed(b, blen, custodian_sk);
    assert_string_equal("", cJSON_GetStringValue(cJSON_GetObjectItem(o, "phone")));
    cJSON_Delete(o);
    char *text = intake_identity_bytea(a, alen);
    assert_int_equal(strlen(text), 2 + 2 * alen);
    assert_memory_equal(text, "\\x", 2);
    free(text);
    free(a);
    free(b);
}

static void test_key_parse(void **state)
{
    (void)state;
    intake_identity_key k;
    cg_err err;
    static const char *const bad[] = {
        NULL, "", "00", "zz0102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f",
        "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f00"};
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
        assert_int_equal(intake_identity_key_parse(bad[i], &k, &err), CG_INVALID_ARGUMENT);
    assert_int_equal(
        intake_identity_key_parse(
            "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f", &k, &err),
        CG_OK);
    assert_int_equal(strlen(k.id), INTAKE_IDENTITY_KEY_ID_LEN);
    assert_string_not_equal(k.id, key.id);
}

CG_TEST_MAIN_SETUP(setup, cmocka_unit_test(test_custodian_opens_it),
                   cmocka_unit_test(test_each_seal_differs), cmocka_unit_test(test_key_parse))
