/* Unit tests of the idempotency keys' pure part: row ids and answer keys
 * apart per scope and key, request digests that tell bodies apart, and
 * sealed answers that open only with their own key and unchanged. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include "cg_test.h"
#include "idempotency.h"

static void test_derive(void **state)
{
    (void)state;
    uint8_t id1[GW_IDEM_DIGEST_LEN], k1[GW_IDEM_DIGEST_LEN];
    uint8_t id2[GW_IDEM_DIGEST_LEN], k2[GW_IDEM_DIGEST_LEN];
    const char *key = "4f0c7d8e-2b1a-4c3d-9e8f-0a1b2c3d4e5f";

    gw_idem_derive("public", key, id1, k1);
    gw_idem_derive("public", key, id2, k2);
    assert_memory_equal(id1, id2, GW_IDEM_DIGEST_LEN);
    assert_memory_equal(k1, k2, GW_IDEM_DIGEST_LEN);
    /* The row id does not give the answer key away. */
    assert_memory_not_equal(id1, k1, GW_IDEM_DIGEST_LEN);
    /* Two accounts that pick the same key never share a row. */
    gw_idem_derive("account:a", key, id1, k1);
    gw_idem_derive("account:b", key, id2, k2);
    assert_memory_not_equal(id1, id2, GW_IDEM_DIGEST_LEN);
    assert_memory_not_equal(k1, k2, GW_IDEM_DIGEST_LEN);
    /* The separator keeps ("a", "bc") and ("ab", "c") apart. */
    gw_idem_derive("a", "bc", id1, k1);
    gw_idem_derive("ab", "c", id2, k2);
    assert_memory_not_equal(id1, id2, GW_IDEM_DIGEST_LEN);
}

static void test_request_hash(void **state)
{
    (void)state;
    uint8_t a[GW_IDEM_DIGEST_LEN], b[GW_IDEM_DIGEST_LEN];
    gw_idem_request_hash("POST", "/api/v1/public/reports", "{\"a\":1}", 7, a);
    gw_idem_request_hash("POST", "/api/v1/public/reports", "{\"a\":1}", 7, b);
    assert_memory_equal(a, b, GW_IDEM_DIGEST_LEN);
    /* One byte more (even whitespace) is another request. */
    gw_idem_request_hash("POST", "/api/v1/public/reports", "{\"a\":1} ", 8, b);
    assert_memory_not_equal(a, b, GW_IDEM_DIGEST_LEN);
    gw_idem_request_hash("POST", "/api/v1/public/reportz", "{\"a\":1}", 7, b);
    assert_memory_not_equal(a, b, GW_IDEM_DIGEST_LEN);
    gw_idem_request_hash("PUT", "/api/v1/public/reports", "{\"a\":1}", 7, b);
    assert_memory_not_equal(a, b, GW_IDEM_DIGEST_LEN);
    gw_idem_request_hash("POST", "/api/v1/public/reports", NULL, 0, b);
    assert_memory_not_equal(a, b, GW_IDEM_DIGEST_LEN);
}

static void test_seal_open(void **state)
{
    (void)state;
    uint8_t id[GW_IDEM_DIGEST_LEN], key[GW_IDEM_DIGEST_LEN], other[GW_IDEM_DIGEST_LEN];
    const char answer[] = "{\"report_id\":\"x\",\"receipt\":\"1234567890123456\"}";
    uint8_t *sealed = NULL, *sealed2 = NULL;
    size_t sealed_len = 0, sealed2_len = 0, plain_len = 0;
    char *plain = NULL;
    cg_err err;

    cg_err_clear(&err);
    gw_idem_derive("public", "key-one-0123456789abcdef0123456789", id, key);
    gw_idem_derive("public", "key-two-0123456789abcdef0123456789", id, other);
    assert_int_equal(gw_idem_seal(key, answer, strlen(answer), &sealed, &sealed_len, &err), CG_OK);
    /* The receipt is not in the sealed bytes. */
    assert_null(memmem(sealed, sealed_len, "1234567890123456", 16));
    /* A fresh nonce each time: the same answer never seals the same. */
    assert_int_equal(gw_idem_seal(key, answer, strlen(answer), &sealed2, &sealed2_len, &err),
                     CG_OK);
    assert_int_equal(sealed_len, sealed2_len);
    assert_memory_not_equal(sealed, sealed2, sealed_len);

    assert_int_equal(gw_idem_open(key, sealed, sealed_len, &plain, &plain_len, &err), CG_OK);
    assert_int_equal(plain_len, strlen(answer));
    assert_string_equal(plain, answer);
    free(plain);
    plain = NULL;

    assert_int_equal(gw_idem_open(other, sealed, sealed_len, &plain, &plain_len, &err),
                     CG_INTERNAL);
    assert_null(plain);
    sealed[sealed_len - 1] ^= 1;
    assert_int_equal(gw_idem_open(key, sealed, sealed_len, &plain, &plain_len, &err), CG_INTERNAL);
    assert_int_equal(gw_idem_open(key, sealed, 10, &plain, &plain_len, &err), CG_INTERNAL);

    /* An empty answer (a 204) seals and opens too. */
    free(sealed);
    assert_int_equal(gw_idem_seal(key, "", 0, &sealed, &sealed_len, &err), CG_OK);
    assert_int_equal(gw_idem_open(key, sealed, sealed_len, &plain, &plain_len, &err), CG_OK);
    assert_int_equal(plain_len, 0);
    free(plain);
    free(sealed);
    free(sealed2);
}

CG_TEST_MAIN(cmocka_unit_test(test_derive), cmocka_unit_test(test_request_hash),
             cmocka_unit_test(test_seal_open))
