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
#include "cg_test.h"
#include "gw_pure.h"

static void test_dot_segments(void **state)
{
    (void)state;
    assert_true(gw_path_has_dot_segment("/api/v1/integrity/rounds/../cadres"));
    assert_true(gw_path_has_dot_segment("/api/v1/a/./b"));
    assert_true(gw_path_has_dot_segment("/api/v1/a/%2e%2E/b"));
    assert_true(gw_path_has_dot_segment("/api/v1/a/.."));
    assert_true(gw_path_has_dot_segment("/api/v1/a/..\\b"));
    assert_false(gw_path_has_dot_segment("/assets/index-3f2a.js"));
    assert_false(gw_path_has_dot_segment("/api/v1/a/...b"));
    assert_false(gw_path_has_dot_segment("/api/v1/clues?x=/../y"));
    assert_false(gw_path_has_dot_segment("/"));
    assert_false(gw_path_has_dot_segment(NULL));
}

static void test_path_decode(void **state)
{
    (void)state;
    char out[64];
    assert_true(gw_path_decode("/api/v1/risk/alerts/100", out, sizeof out));
    assert_string_equal("/api/v1/risk/alerts/100", out);
    assert_true(gw_path_decode("/api/v1/a%20b/%E4%B8%ad+c", out, sizeof out));
    assert_string_equal("/api/v1/a b/\xe4\xb8\xad+c", out);
    /* A NUL would cut the path short: refused, not decoded. */
    assert_false(gw_path_decode("/api/v1/risk/alerts/1%00zzz", out, sizeof out));
    assert_false(gw_path_decode("/healthz%00", out, sizeof out));
    /* Not UTF-8 once decoded, an escape cut short or not hex. */
    assert_false(gw_path_decode("/api/v1/%ff%fe", out, sizeof out));
    assert_false(gw_path_decode("/api/v1/%C0%AE", out, sizeof out));
    assert_false(gw_path_decode("/api/v1/%4", out, sizeof out));
    assert_false(gw_path_decode("/api/v1/%zz", out, sizeof out));
    /* No room. */
    assert_false(gw_path_decode("/api/v1/risk/alerts/100", out, 8));
    assert_false(gw_path_decode(NULL, out, sizeof out));
}

static void test_request_id(void **state)
{
    (void)state;
    static const char *const good_ids[] = {"a", "req-1.2_3",
                                           "4f1c0d2e-aaaa-4bbb-8ccc-123456789abc"};
    static const char *const bad_ids[] = {NULL,      "",       "has space",   "new\nline",
                                          "quote\"", "slash/", "\xe4\xb8\xad"};
    CG_CHECK_EACH(gw_request_id_valid, good_ids, true);
    CG_CHECK_EACH(gw_request_id_valid, bad_ids, false);

    char max[GW_REQUEST_ID_MAX + 2];
    memset(max, 'a', GW_REQUEST_ID_MAX + 1);
    max[GW_REQUEST_ID_MAX + 1] = '\0';
    assert_false(gw_request_id_valid(max));
    max[GW_REQUEST_ID_MAX] = '\0';
    assert_true(gw_request_id_valid(max));
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
    static const char *const json[] = {"application/json",
                                       "Application/JSON",
                                       "application/json; charset=utf-8",
                                       "application/json;charset=UTF-8",
                                       "application/json; charset=\"utf-8\"",
                                       "application/json ; foo=bar"};
    static const char *const not_json[] = {NULL,
                                           "",
                                           "text/plain",
                                           "application/jsonx",
                                           "application/json-patch+json",
                                           "application/x-www-form-urlencoded",
                                           "application/json; charset=latin1"};
    CG_CHECK_EACH(gw_media_type_is_json, json, true);
    CG_CHECK_EACH(gw_media_type_is_json, not_json, false);
}

static void test_time_format(void **state)
{
    (void)state;
    static const struct {
        int64_t ms;
        bool ok;
        const char *out; /* NULL: not checked */
    } times[] = {
        {1795654923456LL, true, "2026-11-26T01:02:03.456Z"},
        {0, true, "1970-01-01T00:00:00.000Z"},
        {1, true, "1970-01-01T00:00:00.001Z"},
        {-1, true, "1969-12-31T23:59:59.999Z"},
        {253402300799999LL, true, "9999-12-31T23:59:59.999Z"},
        {253402300800000LL, false, ""},
        {INT64_MAX, false, NULL},
        {INT64_MIN, false, NULL},
    };
    for (size_t i = 0; i < CG_NROWS(times); i++) {
        char out[GW_TIME_LEN];
        if (gw_format_time_ms(times[i].ms, out) != times[i].ok)
            fail_msg("gw_format_time_ms(%lld) is not %d", (long long)times[i].ms, times[i].ok);
        if (times[i].out != NULL && strcmp(out, times[i].out) != 0)
            fail_msg("gw_format_time_ms(%lld) wrote \"%s\", want \"%s\"", (long long)times[i].ms,
                     out, times[i].out);
    }
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
    static const struct {
        const char *query, *name;
        cg_code code;
        const char *out; /* NULL: not checked */
    } queries[] = {
        {"limit=5&cursor=abc", "limit", CG_OK, "5"},
        {"limit=5&cursor=a%2Bb+c", "cursor", CG_OK, "a+b c"},
        {"xlimit=5", "limit", CG_NOT_FOUND, NULL},
        {NULL, "limit", CG_NOT_FOUND, NULL},
        {"", "limit", CG_NOT_FOUND, NULL},
        {"limit", "limit", CG_OK, ""},
        {"limit=1&limit=2", "limit", CG_OK, "1"},
        {"a=%00", "a", CG_INVALID_ARGUMENT, NULL},
        {"a=%zz%4", "a", CG_OK, "%zz%4"},
        /* Longer than the buffer of 16 bytes. */
        {"a=0123456789abcdef", "a", CG_INVALID_ARGUMENT, NULL},
    };
    for (size_t i = 0; i < CG_NROWS(queries); i++) {
        char out[16];
        cg_code code = gw_query_get(queries[i].query, queries[i].name, out, sizeof(out));
        if (code != queries[i].code)
            fail_msg("query %s%s%s, %s: code %d, want %d", CG_TEST_SHOW(queries[i].query),
                     queries[i].name, code, queries[i].code);
        if (queries[i].out != NULL && strcmp(out, queries[i].out) != 0)
            fail_msg("query %s%s%s, %s: \"%s\", want \"%s\"", CG_TEST_SHOW(queries[i].query),
                     queries[i].name, out, queries[i].out);
    }
}

/* Whether gw_bearer_token finds a token in the header. */
static bool has_token(const char *header)
{
    const char *token = NULL;
    return gw_bearer_token(header, &token);
}

static void test_query_count(void **state)
{
    (void)state;
    assert_int_equal(2, gw_query_count("status=dismissed&status=new", "status"));
    assert_int_equal(1, gw_query_count("band=low&xstatus=new&status", "status"));
    assert_int_equal(0, gw_query_count("statuses=new", "status"));
    assert_int_equal(0, gw_query_count(NULL, "status"));
}

static void test_bearer_token(void **state)
{
    (void)state;
    const char *token = NULL;
    assert_true(gw_bearer_token("Bearer AAAAAAAAAABBBBBBBBBBCCCCCCCCCCDDDDDDDDDD-_0", &token));
    assert_int_equal(strlen(token), GW_TOKEN_LEN);
    assert_true(has_token("bearer  AAAAAAAAAABBBBBBBBBBCCCCCCCCCCDDDDDDDDDD-_0 "));
    static const char *const refused[] = {
        NULL,
        "",
        "Bearer",
        "Basic AAAAAAAAAABBBBBBBBBBCCCCCCCCCCDDDDDDDDDD-_0",
        "Bearer AAAAAAAAAABBBBBBBBBBCCCCCCCCCCDDDDDDDDDD-_",
        "Bearer AAAAAAAAAABBBBBBBBBBCCCCCCCCCCDDDDDDDDDD-_01",
        "Bearer AAAAAAAAAABBBBBBBBBBCCCCCCCCCCDDDDDDDDDD+/0",
        "BearerAAAAAAAAAABBBBBBBBBBCCCCCCCCCCDDDDDDDDDD-_0",
    };
    CG_CHECK_EACH(has_token, refused, false);
}

static void test_idempotency_key(void **state)
{
    (void)state;
    static const char *const good_keys[] = {"retry-7f3a:1"};
    static const char *const bad_keys[] = {NULL, "", "has space"};
    CG_CHECK_EACH(gw_idempotency_key_valid, good_keys, true);
    CG_CHECK_EACH(gw_idempotency_key_valid, bad_keys, false);
    char over[GW_IDEMPOTENCY_KEY_MAX + 2];
    memset(over, 'k', sizeof(over) - 1);
    over[sizeof(over) - 1] = '\0';
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

CG_TEST_MAIN_SODIUM(cmocka_unit_test(test_request_id), cmocka_unit_test(test_request_id_pick),
                    cmocka_unit_test(test_media_type), cmocka_unit_test(test_time_format),
                    cmocka_unit_test(test_json_add_time), cmocka_unit_test(test_query_get),
                    cmocka_unit_test(test_query_count), cmocka_unit_test(test_bearer_token),
                    cmocka_unit_test(test_idempotency_key), cmocka_unit_test(test_reason),
                    cmocka_unit_test(test_framing), cmocka_unit_test(test_path_decode),
                    cmocka_unit_test(test_dot_segments))
