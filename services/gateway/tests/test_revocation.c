/* Unit tests of the revocation message: both forms round-trip, capitals in
 * a UUID are lowered, and anything else (wrong length, prefix, digits, a
 * trailing byte) is refused. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>
#include <string.h>

#include "cg_test.h"
#include "revocation.h"

static bool parse(const char *text, gw_revocation *out)
{
    return gw_revocation_parse(text, strlen(text), out);
}

static bool parses(const char *text)
{
    gw_revocation rev;
    return parse(text, &rev);
}

static void test_token_round_trip(void **state)
{
    (void)state;
    gw_revocation rev = {.kind = GW_REVOKE_TOKEN};
    gw_revocation back;
    char text[GW_REVOCATION_MSG_MAX];
    for (size_t i = 0; i < GW_SESSION_KEY_LEN; i++)
        rev.key[i] = (uint8_t)(i * 37 + 1);
    size_t n = gw_revocation_format(&rev, text);
    assert_int_equal(n, 6 + 64);
    assert_memory_equal(text, "token 0126", 10);
    assert_true(gw_revocation_parse(text, n, &back));
    assert_int_equal(back.kind, GW_REVOKE_TOKEN);
    assert_memory_equal(back.key, rev.key, GW_SESSION_KEY_LEN);
}

static void test_account_round_trip(void **state)
{
    (void)state;
    gw_revocation rev = {.kind = GW_REVOKE_ACCOUNT};
    gw_revocation back;
    char text[GW_REVOCATION_MSG_MAX];
    strcpy(rev.account_id, "1b4e28ba-2fa1-4d3b-a3f5-ef19b5a7633b");
    size_t n = gw_revocation_format(&rev, text);
    assert_string_equal(text, "account 1b4e28ba-2fa1-4d3b-a3f5-ef19b5a7633b");
    assert_true(gw_revocation_parse(text, n, &back));
    assert_int_equal(back.kind, GW_REVOKE_ACCOUNT);
    assert_string_equal(back.account_id, rev.account_id);
    /* Capitals are lowered, as the database prints ids. */
    assert_true(parse("account 1B4E28BA-2FA1-4D3B-A3F5-EF19B5A7633B", &back));
    assert_string_equal(back.account_id, rev.account_id);
}

static void test_scopes_round_trip(void **state)
{
    (void)state;
    gw_revocation rev = {.kind = GW_REVOKE_SCOPES}, back;
    char text[GW_REVOCATION_MSG_MAX];
    size_t n = gw_revocation_format(&rev, text);
    assert_string_equal("scopes", text);
    assert_true(gw_revocation_parse(text, n, &back));
    assert_int_equal(GW_REVOKE_SCOPES, back.kind);
    assert_false(gw_revocation_parse("scopes!", 7, &back));
    assert_false(gw_revocation_parse("scope", 5, &back));
}

static void test_refused(void **state)
{
    (void)state;
    gw_revocation rev;
    char token[80];
    memset(token, 'a', sizeof(token));
    memcpy(token, "token ", 6);
    /* 63 and 65 digits. */
    assert_false(gw_revocation_parse(token, 6 + 63, &rev));
    assert_false(gw_revocation_parse(token, 6 + 65, &rev));
    assert_true(gw_revocation_parse(token, 6 + 64, &rev));
    token[20] = 'g';
    assert_false(gw_revocation_parse(token, 6 + 64, &rev));
    assert_false(gw_revocation_parse(NULL, 0, &rev));
    static const char *const refused[] = {
        "",
        "account ",
        "account 1b4e28ba-2fa1-4d3b-a3f5-ef19b5a7633",
        "account 1b4e28ba-2fa1-4d3b-a3f5-ef19b5a7633bb",
        "account 1b4e28ba_2fa1-4d3b-a3f5-ef19b5a7633b",
        "account 1b4e28ba-2fa1-4d3b-a3f5-ef19b5a7633z",
        "Account 1b4e28ba-2fa1-4d3b-a3f5-ef19b5a7633b",
    };
    CG_CHECK_EACH(parses, refused, false);
    /* An embedded NUL is not a shorter message. */
    assert_false(gw_revocation_parse("account 1b4e28ba-2fa1-4d3b-a3f5-ef19b5a7633b\0", 45, &rev));
    assert_int_equal(rev.kind, 0);
}

CG_TEST_MAIN(cmocka_unit_test(test_token_round_trip), cmocka_unit_test(test_account_round_trip),
             cmocka_unit_test(test_refused), cmocka_unit_test(test_scopes_round_trip))
