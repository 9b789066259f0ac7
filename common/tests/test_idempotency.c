/* Unit tests of the services' idempotency keys, the pure part: row ids and
 * reply keys apart per secret, scope and key; request digests that ignore
 * the CallContext (and leave it in place) but tell requests apart; replies
 * sealed so they open only with their own key and unchanged. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#include "cg/idempotency.h"
#include "cg_test.h"
#include "cleangrid/v1/intake.pb-c.h"

static const char KEY[] = "4f1c0a6e-5b7d-4e2a-9c3b-0d8e7f6a5b4c";

static void derive_is_keyed_per_secret_scope_and_key(void **state)
{
    (void)state;
    uint8_t s1[CG_IDEM_DIGEST_LEN], s2[CG_IDEM_DIGEST_LEN];
    uint8_t id1[CG_IDEM_DIGEST_LEN], k1[CG_IDEM_DIGEST_LEN];
    uint8_t id2[CG_IDEM_DIGEST_LEN], k2[CG_IDEM_DIGEST_LEN];
    const uint8_t a[32] = {1}, b[32] = {2};

    cg_idem_secret(a, sizeof a, s1);
    cg_idem_secret(b, sizeof b, s2);
    assert_memory_not_equal(s1, s2, sizeof s1);
    /* The derived secret is not the one it comes from. */
    assert_memory_not_equal(s1, a, sizeof s1);

    cg_idem_derive(s1, "public", KEY, id1, k1);
    cg_idem_derive(s1, "public", KEY, id2, k2);
    assert_memory_equal(id1, id2, sizeof id1);
    assert_memory_equal(k1, k2, sizeof k1);
    /* The row id does not give the reply's key. */
    assert_memory_not_equal(id1, k1, sizeof id1);

    cg_idem_derive(s2, "public", KEY, id2, k2);
    assert_memory_not_equal(id1, id2, sizeof id1);
    assert_memory_not_equal(k1, k2, sizeof k1);
    cg_idem_derive(s1, "account:a", KEY, id2, k2);
    assert_memory_not_equal(id1, id2, sizeof id1);
    cg_idem_derive(s1, "public", "another-key-0123456789abcdef0123456789", id2, k2);
    assert_memory_not_equal(id1, id2, sizeof id1);
    /* Separated: ("a", "bc") is not ("ab", "c"). */
    cg_idem_derive(s1, "a", "bc", id1, k1);
    cg_idem_derive(s1, "ab", "c", id2, k2);
    assert_memory_not_equal(id1, id2, sizeof id1);
}

static void scope_is_the_account_or_public(void **state)
{
    (void)state;
    Cleangrid__V1__CallContext ctx = CLEANGRID__V1__CALL_CONTEXT__INIT;
    char scope[CG_IDEM_SCOPE_MAX];

    cg_idem_scope(NULL, scope, sizeof scope);
    assert_string_equal(scope, "public");
    cg_idem_scope(&ctx, scope, sizeof scope);
    assert_string_equal(scope, "public");
    ctx.actor_user_id = "u-1";
    cg_idem_scope(&ctx, scope, sizeof scope);
    assert_string_equal(scope, "account:u-1");
}

static void request_hash_leaves_out_the_context(void **state)
{
    (void)state;
    Cleangrid__V1__CallContext c1 = CLEANGRID__V1__CALL_CONTEXT__INIT;
    Cleangrid__V1__CallContext c2 = CLEANGRID__V1__CALL_CONTEXT__INIT;
    Cleangrid__V1__SubmitReportRequest req = CLEANGRID__V1__SUBMIT_REPORT_REQUEST__INIT;
    uint8_t h1[CG_IDEM_DIGEST_LEN], h2[CG_IDEM_DIGEST_LEN];
    cg_err err;

    cg_err_clear(&err);
    c1.request_id = "first-attempt";
    c2.request_id = "second-attempt";
    req.content = "the same report";
    req.org_path = "root.a";
    req.ctx = &c1;
    assert_int_equal(cg_idem_request_hash("SubmitReport", &req.base, h1, &err), CG_OK);
    /* The context is back where it was. */
    assert_ptr_equal(req.ctx, &c1);
    req.ctx = &c2;
    assert_int_equal(cg_idem_request_hash("SubmitReport", &req.base, h2, &err), CG_OK);
    assert_memory_equal(h1, h2, sizeof h1);

    req.content = "another report";
    assert_int_equal(cg_idem_request_hash("SubmitReport", &req.base, h2, &err), CG_OK);
    assert_memory_not_equal(h1, h2, sizeof h1);
    req.content = "the same report";
    /* The method counts: one key on two methods is two requests. */
    assert_int_equal(cg_idem_request_hash("OtherMethod", &req.base, h2, &err), CG_OK);
    assert_memory_not_equal(h1, h2, sizeof h1);
}

static void parts_hash_separates_parts(void **state)
{
    (void)state;
    uint8_t h1[CG_IDEM_DIGEST_LEN], h2[CG_IDEM_DIGEST_LEN];
    const char *a[] = {"a", "bc"};
    const char *b[] = {"ab", "c"};
    const char *c[] = {"a", NULL};
    const char *d[] = {"a", ""};

    cg_idem_parts_hash("M", a, 2, h1);
    cg_idem_parts_hash("M", b, 2, h2);
    assert_memory_not_equal(h1, h2, sizeof h1);
    cg_idem_parts_hash("N", a, 2, h2);
    assert_memory_not_equal(h1, h2, sizeof h1);
    /* NULL reads as empty. */
    cg_idem_parts_hash("M", c, 2, h1);
    cg_idem_parts_hash("M", d, 2, h2);
    assert_memory_equal(h1, h2, sizeof h1);
}

static void sealed_replies_open_only_with_their_key(void **state)
{
    (void)state;
    uint8_t secret[CG_IDEM_DIGEST_LEN] = {7};
    uint8_t id[CG_IDEM_DIGEST_LEN], key[CG_IDEM_DIGEST_LEN], other[CG_IDEM_DIGEST_LEN];
    const char answer[] = "report 1234567890123456";
    uint8_t *sealed = NULL, *sealed2 = NULL;
    size_t sealed_len = 0, sealed2_len = 0, plain_len = 0;
    char *plain = NULL;
    cg_err err;

    cg_err_clear(&err);
    cg_idem_derive(secret, "public", "key-one-0123456789abcdef0123456789", id, key);
    cg_idem_derive(secret, "public", "key-two-0123456789abcdef0123456789", id, other);
    assert_int_equal(cg_idem_seal(key, answer, strlen(answer), &sealed, &sealed_len, &err), CG_OK);
    /* The receipt is not in the sealed bytes. */
    assert_null(memmem(sealed, sealed_len, "1234567890123456", 16));
    /* A fresh nonce each time: the same answer never seals the same. */
    assert_int_equal(cg_idem_seal(key, answer, strlen(answer), &sealed2, &sealed2_len, &err),
                     CG_OK);
    assert_int_equal(sealed_len, sealed2_len);
    assert_memory_not_equal(sealed, sealed2, sealed_len);

    assert_int_equal(cg_idem_open(key, sealed, sealed_len, &plain, &plain_len, &err), CG_OK);
    assert_int_equal(plain_len, strlen(answer));
    assert_string_equal(plain, answer);
    free(plain);
    plain = NULL;

    assert_int_equal(cg_idem_open(other, sealed, sealed_len, &plain, &plain_len, &err),
                     CG_INTERNAL);
    assert_null(plain);
    sealed[sealed_len - 1] ^= 1;
    assert_int_equal(cg_idem_open(key, sealed, sealed_len, &plain, &plain_len, &err), CG_INTERNAL);
    assert_int_equal(cg_idem_open(key, sealed, 10, &plain, &plain_len, &err), CG_INTERNAL);

    /* An empty reply (every field at its default) seals and opens too. */
    free(sealed);
    assert_int_equal(cg_idem_seal(key, "", 0, &sealed, &sealed_len, &err), CG_OK);
    assert_int_equal(cg_idem_open(key, sealed, sealed_len, &plain, &plain_len, &err), CG_OK);
    assert_int_equal(plain_len, 0);
    free(plain);
    free(sealed);
    free(sealed2);
}

CG_TEST_MAIN_SODIUM(cmocka_unit_test(derive_is_keyed_per_secret_scope_and_key),
                    cmocka_unit_test(scope_is_the_account_or_public),
                    cmocka_unit_test(request_hash_leaves_out_the_context),
                    cmocka_unit_test(parts_hash_separates_parts),
                    cmocka_unit_test(sealed_replies_open_only_with_their_key))
