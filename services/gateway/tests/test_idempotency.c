/* Unit tests of the idempotency keys' pure part: row ids and answer keys
 * apart per scope and key, and request digests that tell bodies apart.
 * Sealing is common/'s (common/tests/test_idempotency.c). */
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
    gw_idem_request_hash("public", "key-1", "POST", "/api/v1/public/reports", "{\"a\":1}", 7, a);
    gw_idem_request_hash("public", "key-1", "POST", "/api/v1/public/reports", "{\"a\":1}", 7, b);
    assert_memory_equal(a, b, GW_IDEM_DIGEST_LEN);
    /* One byte more (even whitespace) is another request. */
    gw_idem_request_hash("public", "key-1", "POST", "/api/v1/public/reports", "{\"a\":1} ", 8, b);
    assert_memory_not_equal(a, b, GW_IDEM_DIGEST_LEN);
    gw_idem_request_hash("public", "key-1", "POST", "/api/v1/public/reportz", "{\"a\":1}", 7, b);
    assert_memory_not_equal(a, b, GW_IDEM_DIGEST_LEN);
    gw_idem_request_hash("public", "key-1", "PUT", "/api/v1/public/reports", "{\"a\":1}", 7, b);
    assert_memory_not_equal(a, b, GW_IDEM_DIGEST_LEN);
    gw_idem_request_hash("public", "key-1", "POST", "/api/v1/public/reports", NULL, 0, b);
    assert_memory_not_equal(a, b, GW_IDEM_DIGEST_LEN);
    /* Another client key, or another scope, keys another digest: the table
     * lets nobody test a guessed body without the client's key. */
    gw_idem_request_hash("public", "key-2", "POST", "/api/v1/public/reports", "{\"a\":1}", 7, b);
    assert_memory_not_equal(a, b, GW_IDEM_DIGEST_LEN);
    gw_idem_request_hash("account:x", "key-1", "POST", "/api/v1/public/reports", "{\"a\":1}", 7, b);
    assert_memory_not_equal(a, b, GW_IDEM_DIGEST_LEN);
}

CG_TEST_MAIN(cmocka_unit_test(test_derive), cmocka_unit_test(test_request_hash))
