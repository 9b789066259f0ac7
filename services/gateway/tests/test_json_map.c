/* Unit tests of the JSON <-> protobuf mapping: public reports and their
 * errors, report status, login, pages, replies and problem documents. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cg_test.h"
#include "gw_pure.h"

static cJSON *parse(const char *text)
{
    cJSON *doc = NULL;
    cg_err err;
    assert_int_equal(gw_json_parse_body(text, strlen(text), &doc, &err), CG_OK);
    return doc;
}

/* A public report mapped from its JSON: the request, the unit code, the
 * error and the parsed body (the caller deletes doc). */
typedef struct {
    Cleangrid__V1__SubmitReportRequest r;
    const char *unit;
    cg_err err;
    cJSON *doc;
} mapped_report;

/* Map text as a public report into m; returns the code. */
static cg_code map_report(const char *text, mapped_report *m)
{
    m->doc = parse(text);
    m->unit = NULL;
    cleangrid__v1__submit_report_request__init(&m->r);
    return gw_map_submit_report(m->doc, &m->r, &m->unit, &m->err);
}

/* A string of n copies of the UTF-8 character c; the caller frees it. */
static char *repeat(const char *c, size_t n)
{
    size_t w = strlen(c);
    char *s = malloc(n * w + 1);
    for (size_t i = 0; i < n; i++)
        memcpy(s + i * w, c, w);
    s[n * w] = '\0';
    return s;
}

/* --- bodies --------------------------------------------------------------- */

static void test_parse_malformed(void **state)
{
    (void)state;
    cJSON *doc = NULL;
    cg_err err;
    const char *bad[] = {"", "   ", "{", "{\"a\":}", "nul", "{\"a\":1}}", "{} x", "[1,]"};
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        assert_int_equal(gw_json_parse_body(bad[i], strlen(bad[i]), &doc, &err),
                         CG_INVALID_ARGUMENT);
        assert_null(doc);
        assert_int_equal(err.nviolations, 0);
    }
    /* Not UTF-8, and a NUL in the middle. */
    assert_int_equal(gw_json_parse_body("{\"a\":\"\xff\"}", 8, &doc, &err), CG_INVALID_ARGUMENT);
    assert_non_null(strstr(err.message, "UTF-8"));
    assert_int_equal(gw_json_parse_body("{\"a\":\"\0\"}", 8, &doc, &err), CG_INVALID_ARGUMENT);
    /* Deep nesting is refused before the recursive parser sees it; brackets
     * inside strings do not count. */
    char deep[2 * 5000 + 1];
    memset(deep, '[', 5000);
    memset(deep + 5000, ']', 5000);
    assert_int_equal(gw_json_parse_body(deep, 10000, &doc, &err), CG_INVALID_ARGUMENT);
    assert_non_null(strstr(err.message, "nests"));
    const char *ok16 = "[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]";
    assert_int_equal(gw_json_parse_body(ok16, strlen(ok16), &doc, &err), CG_OK);
    cJSON_Delete(doc);
    const char *bad17 = "[[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]]";
    assert_int_equal(gw_json_parse_body(bad17, strlen(bad17), &doc, &err), CG_INVALID_ARGUMENT);
    const char *strings = "{\"a\":\"[[[[[[[[[[[[[[[[[[[[[[\\\"[[[[[[\"}";
    assert_int_equal(gw_json_parse_body(strings, strlen(strings), &doc, &err), CG_OK);
    cJSON_Delete(doc);
    /* Trailing whitespace is fine. */
    assert_int_equal(gw_json_parse_body("{}\r\n ", 5, &doc, &err), CG_OK);
    cJSON_Delete(doc);
}

/* --- public reports ------------------------------------------------------- */

static void test_report_anonymous_ok(void **state)
{
    (void)state;
    mapped_report m;
    assert_int_equal(
        map_report("{\"category\":\"procurement\",\"content\":\"招标中存在围标串标问题\","
                   "\"location\":\"Plant 3\",\"accused_person\":\"Li\","
                   "\"accused_unit\":\"Materials\",\"anonymous\":true}",
                   &m),
        CG_OK);
    assert_string_equal(m.r.category, "procurement");
    assert_string_equal(m.r.content, "招标中存在围标串标问题");
    assert_string_equal(m.r.location, "Plant 3");
    assert_string_equal(m.r.accused_person, "Li");
    assert_string_equal(m.r.accused_unit, "Materials");
    assert_true(m.r.anonymous);
    assert_string_equal(m.r.reporter_name, "");
    assert_string_equal(m.r.reporter_phone, "");
    assert_string_equal(m.unit, "hq");
    cJSON_Delete(m.doc);
}

static void test_report_named_ok(void **state)
{
    (void)state;
    mapped_report m;
    assert_int_equal(map_report("{\"category\":\"finance\",\"content\":\"0123456789\","
                                "\"anonymous\":false,\"reporter_name\":\"张三\","
                                "\"reporter_phone\":\"+86 138-0000\",\"unit_code\":\"city_a\","
                                "\"location\":null}",
                                &m),
                     CG_OK);
    assert_false(m.r.anonymous);
    assert_string_equal(m.r.reporter_name, "张三");
    assert_string_equal(m.r.reporter_phone, "+86 138-0000");
    assert_string_equal(m.unit, "city_a");
    assert_string_equal(m.r.location, "");
    cJSON_Delete(m.doc);
}

static void test_report_not_object(void **state)
{
    (void)state;
    const char *bodies[] = {"[]", "\"text\"", "42", "null", "true"};
    for (size_t i = 0; i < sizeof(bodies) / sizeof(bodies[0]); i++) {
        mapped_report m;
        assert_int_equal(map_report(bodies[i], &m), CG_INVALID_ARGUMENT);
        assert_non_null(strstr(m.err.message, "object"));
        cJSON_Delete(m.doc);
    }
}

/* Map json as a public report and expect INVALID_ARGUMENT with a violation
 * on field whose description contains text. Returns how many violations
 * there were. */
static size_t expect_invalid(const char *json, const char *field, const char *text)
{
    mapped_report m;
    assert_int_equal(map_report(json, &m), CG_INVALID_ARGUMENT);
    assert_string_equal(m.err.message, "invalid request");
    if (!cg_test_has_violation(&m.err, field, text))
        fail_msg("%s: no violation on %s saying \"%s\"", json, field, text);
    cJSON_Delete(m.doc);
    return m.err.nviolations;
}

#define VALID_HEAD "{\"category\":\"c\",\"content\":\"0123456789\","

static void test_report_missing_fields(void **state)
{
    (void)state;
    assert_int_equal(expect_invalid("{}", "category", "is required"), 3);
    expect_invalid("{}", "content", "is required");
    expect_invalid("{}", "anonymous", "is required");
    /* null for a required field is the same as leaving it out. */
    assert_int_equal(expect_invalid("{\"category\":null,\"content\":\"0123456789\","
                                    "\"anonymous\":true}",
                                    "category", "is required"),
                     1);
}

static void test_report_wrong_types(void **state)
{
    (void)state;
    const char *json = "{\"category\":7,\"content\":[\"0123456789\"],\"anonymous\":\"yes\","
                       "\"location\":{},\"unit_code\":false}";
    assert_int_equal(expect_invalid(json, "category", "must be a string"), 5);
    expect_invalid(json, "content", "must be a string");
    expect_invalid(json, "anonymous", "true or false");
    expect_invalid(json, "location", "must be a string");
    expect_invalid(json, "unit_code", "must be a string");
    /* 1 is not a boolean. */
    expect_invalid(VALID_HEAD "\"anonymous\":1}", "anonymous", "true or false");
}

static void test_report_unknown_and_duplicate(void **state)
{
    (void)state;
    assert_int_equal(expect_invalid(VALID_HEAD "\"anonymous\":true,\"locaton\":\"typo\"}",
                                    "locaton", "not a known field"),
                     1);
    assert_int_equal(expect_invalid(VALID_HEAD "\"anonymous\":true,\"category\":\"d\"}", "category",
                                    "more than once"),
                     1);
}

/* The rules between anonymous and the reporter's identity, and the phone's
 * characters, are intake's (services/intake/tests/test_validate.c): the
 * gateway passes the values on as they came. */
static void test_report_reporter_values_pass(void **state)
{
    (void)state;
    static const char *const bodies[] = {
        VALID_HEAD "\"anonymous\":true,\"reporter_name\":\"Wang\",\"reporter_phone\":\"12345\"}",
        VALID_HEAD "\"anonymous\":false,\"reporter_phone\":\"12345\"}",
        VALID_HEAD "\"anonymous\":false,\"reporter_name\":\"   \"}",
        VALID_HEAD "\"anonymous\":false,\"reporter_name\":\"W\",\"reporter_phone\":\"call 1\"}",
    };
    for (size_t i = 0; i < sizeof bodies / sizeof bodies[0]; i++) {
        mapped_report m;
        assert_int_equal(map_report(bodies[i], &m), CG_OK);
        cJSON_Delete(m.doc);
    }
}

/* Build a report body whose field has n copies of c; the caller frees it. */
static char *report_with(const char *field, const char *c, size_t n)
{
    char *value = repeat(c, n);
    cJSON *obj = cJSON_CreateObject();
    cJSON_AddStringToObject(obj, "category", "c");
    cJSON_AddStringToObject(obj, "content", "0123456789");
    cJSON_AddBoolToObject(obj, "anonymous", true);
    cJSON_DeleteItemFromObject(obj, field);
    cJSON_AddStringToObject(obj, field, value);
    char *text = cJSON_PrintUnformatted(obj);
    cJSON_Delete(obj);
    free(value);
    return text;
}

/* Expect field with n copies of c to be accepted (ok) or refused. */
static void check_length(const char *field, const char *c, size_t n, bool ok)
{
    char *text = report_with(field, c, n);
    if (ok) {
        mapped_report m;
        assert_int_equal(map_report(text, &m), CG_OK);
        cJSON_Delete(m.doc);
    } else {
        expect_invalid(text, field, "characters");
    }
    free(text);
}

/* The lengths are intake's rule (services/intake/tests/test_validate.c):
 * the gateway passes any string on, however short, long or blank. Only the
 * unit code, which the gateway resolves itself, is bounded here. */
static void test_report_lengths(void **state)
{
    (void)state;
    check_length("category", "x", 65, true);
    check_length("category", "x", 0, true);
    check_length("content", "x", 9, true);
    check_length("content", "廉", 5001, true);
    check_length("content", " ", 12, true);
    check_length("location", "x", 201, true);
    check_length("accused_person", "x", 101, true);
    check_length("accused_unit", "x", 201, true);
    check_length("unit_code", "x", 65, false);
}

static void test_report_many_errors_capped(void **state)
{
    (void)state;
    assert_int_equal(expect_invalid("{\"a\":1,\"b\":1,\"c\":1,\"d\":1,\"e\":1,\"f\":1,\"g\":1,"
                                    "\"h\":1,\"i\":1,\"j\":1}",
                                    "a", "not a known field"),
                     CG_ERR_MAX_VIOLATIONS);
}

static void test_delete_wiped(void **state)
{
    (void)state;
    /* Only that it frees without fault (ASan builds check the rest). */
    cJSON *doc = parse("{\"password\":\"secret\",\"nested\":{\"receipt\":\"1234\"},\"n\":1}");
    gw_json_delete_wiped(doc);
    gw_json_delete_wiped(NULL);
}

/* --- status, login, pages ------------------------------------------------- */

static void test_report_status(void **state)
{
    (void)state;
    Cleangrid__V1__GetReportStatusRequest r;
    cg_err err;
    /* Whether a receipt has its 16 digits is intake's rule: any string is
     * passed on. */
    const char *good[] = {"1234567890123456", "123456789012345", "12345678901234567",
                          "12345678901234a6"};
    for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
        char text[64];
        snprintf(text, sizeof text, "{\"receipt\":\"%s\"}", good[i]);
        cJSON *doc = parse(text);
        cleangrid__v1__get_report_status_request__init(&r);
        assert_int_equal(gw_map_report_status(doc, &r, &err), CG_OK);
        assert_string_equal(r.receipt, good[i]);
        cJSON_Delete(doc);
    }

    cJSON *doc;
    const char *bad[] = {"{\"receipt\":1234567890123456}", "{}"};
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        doc = parse(bad[i]);
        cleangrid__v1__get_report_status_request__init(&r);
        assert_int_equal(gw_map_report_status(doc, &r, &err), CG_INVALID_ARGUMENT);
        assert_int_equal(err.nviolations, 1);
        assert_string_equal(err.violations[0].field, "receipt");
        cJSON_Delete(doc);
    }
}

static void test_login(void **state)
{
    (void)state;
    const char *user = NULL;
    const char *pass = NULL;
    cg_err err;
    cJSON *doc = parse("{\"username\":\"inspector\",\"password\":\"secret\"}");
    assert_int_equal(gw_map_login(doc, &user, &pass, &err), CG_OK);
    assert_string_equal(user, "inspector");
    assert_string_equal(pass, "secret");
    cJSON_Delete(doc);

    doc = parse("{\"username\":\"inspector\",\"pass\":\"secret\"}");
    assert_int_equal(gw_map_login(doc, &user, &pass, &err), CG_INVALID_ARGUMENT);
    assert_true(cg_test_has_violation(&err, "pass", "not a known field"));
    assert_true(cg_test_has_violation(&err, "password", "is required"));
    cJSON_Delete(doc);
}

static void test_page(void **state)
{
    (void)state;
    Cleangrid__V1__PageRequest page;
    char cursor[64];
    cg_err err;

    cleangrid__v1__page_request__init(&page);
    assert_int_equal(gw_map_page(NULL, &page, cursor, sizeof(cursor), &err), CG_OK);
    assert_int_equal(page.page_size, 20);
    assert_string_equal(page.cursor, "");

    assert_int_equal(gw_map_page("limit=100&cursor=abc%3D", &page, cursor, sizeof(cursor), &err),
                     CG_OK);
    assert_int_equal(page.page_size, 100);
    assert_string_equal(page.cursor, "abc=");

    /* The range is the service's rule (cg_check_page_size): a whole number
     * is passed on, one below 1 as -1 (0 would mean the default) and one
     * past an int32 as its largest. */
    static const struct {
        const char *query;
        int32_t size;
    } passed[] = {{"limit=101", 101},
                  {"limit=0", -1},
                  {"limit=-1", -1},
                  {"limit=-99999999999", -1},
                  {"limit=99999999999", INT32_MAX}};
    for (size_t i = 0; i < sizeof(passed) / sizeof(passed[0]); i++) {
        assert_int_equal(gw_map_page(passed[i].query, &page, cursor, sizeof(cursor), &err), CG_OK);
        assert_int_equal(page.page_size, passed[i].size);
    }
    const char *bad[] = {"limit=abc", "limit=", "limit=5x", "limit=+5", "limit=-"};
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        assert_int_equal(gw_map_page(bad[i], &page, cursor, sizeof(cursor), &err),
                         CG_INVALID_ARGUMENT);
        assert_true(cg_test_has_violation(&err, "limit", "must be a whole number"));
    }
    char long_cursor[128] = "cursor=";
    memset(long_cursor + 7, 'c', 100);
    long_cursor[107] = '\0';
    assert_int_equal(gw_map_page(long_cursor, &page, cursor, sizeof(cursor), &err),
                     CG_INVALID_ARGUMENT);
    assert_true(cg_test_has_violation(&err, "cursor", "cursor"));
}

/* --- replies and problems ------------------------------------------------- */

static void test_submit_reply_json(void **state)
{
    (void)state;
    Cleangrid__V1__SubmitReportReply reply = CLEANGRID__V1__SUBMIT_REPORT_REPLY__INIT;
    reply.report_id = "7b0c6a53-0000-4000-8000-000000000001";
    reply.receipt = "1234567890123456";
    reply.submitted_at_ms = 1795654923456LL;
    cJSON *out = gw_json_submit_reply(&reply);
    char *text = cJSON_PrintUnformatted(out);
    assert_string_equal(text, "{\"report_id\":\"7b0c6a53-0000-4000-8000-000000000001\","
                              "\"receipt\":\"1234567890123456\",\"status\":\"received\","
                              "\"submitted_at\":\"2026-11-26T01:02:03.456Z\"}");
    cJSON_free(text);
    cJSON_Delete(out);
}

static void test_problem_json(void **state)
{
    (void)state;
    cg_err err;
    cg_err_clear(&err);
    cg_err_add_violation(&err, "content", "is required");
    cJSON *p = gw_json_problem(400, "INVALID_ARGUMENT", err.message, "/api/v1/public/reports",
                               "rid-1", &err);
    char *text = cJSON_PrintUnformatted(p);
    assert_string_equal(text,
                        "{\"type\":\"urn:cleangrid:problem:invalid-argument\","
                        "\"title\":\"Bad Request\",\"status\":400,"
                        "\"detail\":\"invalid request\","
                        "\"instance\":\"/api/v1/public/reports\","
                        "\"code\":\"INVALID_ARGUMENT\",\"request_id\":\"rid-1\","
                        "\"errors\":[{\"field\":\"content\",\"description\":\"is required\"}]}");
    cJSON_free(text);
    cJSON_Delete(p);

    p = gw_json_problem(415, "UNSUPPORTED_MEDIA_TYPE", "d", "/x", "r", NULL);
    assert_string_equal(cJSON_GetObjectItem(p, "type")->valuestring,
                        "urn:cleangrid:problem:unsupported-media-type");
    assert_null(cJSON_GetObjectItem(p, "errors"));
    cJSON_Delete(p);
}

CG_TEST_MAIN(cmocka_unit_test(test_parse_malformed), cmocka_unit_test(test_report_anonymous_ok),
             cmocka_unit_test(test_report_named_ok), cmocka_unit_test(test_report_not_object),
             cmocka_unit_test(test_report_missing_fields),
             cmocka_unit_test(test_report_wrong_types),
             cmocka_unit_test(test_report_unknown_and_duplicate),
             cmocka_unit_test(test_report_reporter_values_pass),
             cmocka_unit_test(test_report_lengths),
             cmocka_unit_test(test_report_many_errors_capped), cmocka_unit_test(test_delete_wiped),
             cmocka_unit_test(test_report_status), cmocka_unit_test(test_login),
             cmocka_unit_test(test_page), cmocka_unit_test(test_submit_reply_json),
             cmocka_unit_test(test_problem_json))
