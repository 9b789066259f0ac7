/* Unit tests of the pure HTTP helpers: request ids, media types, times,
 * query strings, bearer tokens and idempotency keys. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>
#include <sodium.h>
#include <string.h>

#include "cg/util.h"
#include "gw_pure.h"

static void test_request_id_accepted(void **state)
{
    (void)state;
    char max[GW_REQUEST_ID_MAX + 1];
    memset(max, 'a', GW_REQUEST_ID_MAX);
    max[GW_REQUEST_ID_MAX] = '\0';
    assert_true(gw_request_id_valid("a"));
    assert_true(gw_request_id_valid("req-1.2_3"));
    assert_true(gw_request_id_valid("4f1c0d2e-aaaa-4bbb-8ccc-123456789abc"));
    assert_true(gw_request_id_valid(max));
}

static void test_request_id_refused(void **state)
{
    (void)state;
    char over[GW_REQUEST_ID_MAX + 2];
    memset(over, 'a', GW_REQUEST_ID_MAX + 1);
    over[GW_REQUEST_ID_MAX + 1] = '\0';
    assert_false(gw_request_id_valid(NULL));
    assert_false(gw_request_id_valid(""));
    assert_false(gw_request_id_valid(over));
    assert_false(gw_request_id_valid("has space"));
    assert_false(gw_request_id_valid("new\nline"));
    assert_false(gw_request_id_valid("quote\""));
    assert_false(gw_request_id_valid("slash/"));
    assert_false(gw_request_id_valid("\xe4\xb8\xad"));
}

static void test_request_id_pick(void **state)
{
    (void)state;
    char out[GW_REQUEST_ID_MAX + 1];
    gw_request_id_pick("client-id-7", out);
    assert_string_equal(out, "client-id-7");
    gw_request_id_pick("bad id", out);
    assert_true(cg_uuid_valid(out));
    gw_request_id_pick(NULL, out);
    assert_true(cg_uuid_valid(out));
}

static void test_media_type(void **state)
{
    (void)state;
    assert_true(gw_media_type_is_json("application/json"));
    assert_true(gw_media_type_is_json("Application/JSON"));
    assert_true(gw_media_type_is_json("application/json; charset=utf-8"));
    assert_true(gw_media_type_is_json("application/json;charset=UTF-8"));
    assert_true(gw_media_type_is_json("application/json; charset=\"utf-8\""));
    assert_true(gw_media_type_is_json("application/json ; foo=bar"));
    assert_false(gw_media_type_is_json(NULL));
    assert_false(gw_media_type_is_json(""));
    assert_false(gw_media_type_is_json("text/plain"));
    assert_false(gw_media_type_is_json("application/jsonx"));
    assert_false(gw_media_type_is_json("application/json-patch+json"));
    assert_false(gw_media_type_is_json("application/x-www-form-urlencoded"));
    assert_false(gw_media_type_is_json("application/json; charset=latin1"));
}

static void test_time_format(void **state)
{
    (void)state;
    char out[GW_TIME_LEN];
    assert_true(gw_format_time_ms(1795654923456LL, out));
    assert_string_equal(out, "2026-11-26T01:02:03.456Z");
    assert_true(gw_format_time_ms(0, out));
    assert_string_equal(out, "1970-01-01T00:00:00.000Z");
    assert_true(gw_format_time_ms(1, out));
    assert_string_equal(out, "1970-01-01T00:00:00.001Z");
    assert_true(gw_format_time_ms(-1, out));
    assert_string_equal(out, "1969-12-31T23:59:59.999Z");
    assert_true(gw_format_time_ms(253402300799999LL, out));
    assert_string_equal(out, "9999-12-31T23:59:59.999Z");
    assert_false(gw_format_time_ms(253402300800000LL, out));
    assert_string_equal(out, "");
    assert_false(gw_format_time_ms(INT64_MAX, out));
    assert_false(gw_format_time_ms(INT64_MIN, out));
}

static void test_json_add_time(void **state)
{
    (void)state;
    cJSON *obj = cJSON_CreateObject();
    assert_true(gw_json_add_time(obj, "a", 1795654923456LL));
    assert_true(gw_json_add_time(obj, "b", 0));
    assert_string_equal(cJSON_GetObjectItem(obj, "a")->valuestring, "2026-11-26T01:02:03.456Z");
    assert_true(cJSON_IsNull(cJSON_GetObjectItem(obj, "b")));
    cJSON_Delete(obj);
}

static void test_query_get(void **state)
{
    (void)state;
    char out[16];
    assert_int_equal(gw_query_get("limit=5&cursor=abc", "limit", out, sizeof(out)), CG_OK);
    assert_string_equal(out, "5");
    assert_int_equal(gw_query_get("limit=5&cursor=a%2Bb+c", "cursor", out, sizeof(out)), CG_OK);
    assert_string_equal(out, "a+b c");
    assert_int_equal(gw_query_get("xlimit=5", "limit", out, sizeof(out)), CG_NOT_FOUND);
    assert_int_equal(gw_query_get(NULL, "limit", out, sizeof(out)), CG_NOT_FOUND);
    assert_int_equal(gw_query_get("", "limit", out, sizeof(out)), CG_NOT_FOUND);
    assert_int_equal(gw_query_get("limit", "limit", out, sizeof(out)), CG_OK);
    assert_string_equal(out, "");
    assert_int_equal(gw_query_get("limit=1&limit=2", "limit", out, sizeof(out)), CG_OK);
    assert_string_equal(out, "1");
    assert_int_equal(gw_query_get("a=%00", "a", out, sizeof(out)), CG_INVALID_ARGUMENT);
    assert_int_equal(gw_query_get("a=%zz%4", "a", out, sizeof(out)), CG_OK);
    assert_string_equal(out, "%zz%4");
    assert_int_equal(gw_query_get("a=0123456789abcdef", "a", out, sizeof(out)),
                     CG_INVALID_ARGUMENT);
}

static void test_bearer_token(void **state)
{
    (void)state;
    const char *token = NULL;
    const char *good = "Bearer AAAAAAAAAABBBBBBBBBBCCCCCCCCCCDDDDDDDDDD-_0";
    assert_true(gw_bearer_token(good, &token));
    assert_int_equal(strlen(token), GW_TOKEN_LEN);
    assert_true(gw_bearer_token("bearer  AAAAAAAAAABBBBBBBBBBCCCCCCCCCCDDDDDDDDDD-_0 ", &token));
    assert_false(gw_bearer_token(NULL, &token));
    assert_false(gw_bearer_token("", &token));
    assert_false(gw_bearer_token("Bearer", &token));
    assert_false(gw_bearer_token("Basic AAAAAAAAAABBBBBBBBBBCCCCCCCCCCDDDDDDDDDD-_0", &token));
    assert_false(gw_bearer_token("Bearer AAAAAAAAAABBBBBBBBBBCCCCCCCCCCDDDDDDDDDD-_", &token));
    assert_false(gw_bearer_token("Bearer AAAAAAAAAABBBBBBBBBBCCCCCCCCCCDDDDDDDDDD-_01", &token));
    assert_false(gw_bearer_token("Bearer AAAAAAAAAABBBBBBBBBBCCCCCCCCCCDDDDDDDDDD+/0", &token));
    assert_false(gw_bearer_token("BearerAAAAAAAAAABBBBBBBBBBCCCCCCCCCCDDDDDDDDDD-_0", &token));
}

static void test_idempotency_key(void **state)
{
    (void)state;
    char over[GW_IDEMPOTENCY_KEY_MAX + 2];
    memset(over, 'k', sizeof(over) - 1);
    over[sizeof(over) - 1] = '\0';
    assert_true(gw_idempotency_key_valid("retry-7f3a:1"));
    assert_false(gw_idempotency_key_valid(NULL));
    assert_false(gw_idempotency_key_valid(""));
    assert_false(gw_idempotency_key_valid("has space"));
    assert_false(gw_idempotency_key_valid(over));
}

static void test_reason(void **state)
{
    (void)state;
    assert_string_equal(gw_http_reason(413), "Content Too Large");
    assert_string_equal(gw_http_reason(415), "Unsupported Media Type");
    assert_string_equal(gw_http_reason(299), "Error");
}

/* Heads that frame a request one way only pass; each ambiguity is named. */
static void test_framing(void **state)
{
    (void)state;
    char why[128];
    const char *ok_names[] = {"Host", "Content-Length"}, *ok_values[] = {"x", "2"};
    assert_true(gw_framing_ok(ok_names, ok_values, 2, "1.1", why, sizeof why));
    const char *chunked[] = {"Host", "Transfer-Encoding"}, *chunked_v[] = {"x", "chunked"};
    assert_true(gw_framing_ok(chunked, chunked_v, 2, "1.1", why, sizeof why));
    /* HTTP/1.0 may leave Host out. */
    assert_true(gw_framing_ok(NULL, NULL, 0, "1.0", why, sizeof why));
    static const struct {
        const char *names[3], *values[3];
        int n;
        const char *version, *why;
    } bad[] = {
        {{"Host"}, {""}, 0, "1.1", "Host"},
        {{"Host", "Content-Length", "content-length"}, {"x", "2", "2"}, 3, "1.1", "more than once"},
        {{"Host", "Content-Length"}, {"x", "+2"}, 2, "1.1", "digits only"},
        {{"Host", "Content-Length"}, {"x", ""}, 2, "1.1", "digits only"},
        {{"Host", "Content-Length", "Transfer-Encoding"},
         {"x", "2", "chunked"},
         3,
         "1.1",
         "together"},
        {{"Host", "Transfer-Encoding "}, {"x", "chunked"}, 2, "1.1", "white space"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        why[0] = '\0';
        assert_false(
            gw_framing_ok(bad[i].names, bad[i].values, bad[i].n, bad[i].version, why, sizeof why));
        assert_non_null(strstr(why, bad[i].why));
    }
}

int main(void)
{
    if (sodium_init() < 0)
        return 1;
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_request_id_accepted),
        cmocka_unit_test(test_request_id_refused),
        cmocka_unit_test(test_request_id_pick),
        cmocka_unit_test(test_media_type),
        cmocka_unit_test(test_time_format),
        cmocka_unit_test(test_json_add_time),
        cmocka_unit_test(test_query_get),
        cmocka_unit_test(test_bearer_token),
        cmocka_unit_test(test_idempotency_key),
        cmocka_unit_test(test_reason),
        cmocka_unit_test(test_framing),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
