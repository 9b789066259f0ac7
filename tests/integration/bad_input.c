/* Bad input gets a precise 4xx problem+json answer and never a 5xx, leaves
 * the platform ready and its data readable; request ids are kept or made;
 * login, tokens, roles and logout behave as docs/api.md says; and the
 * small fixed endpoints (health, unknown paths, wrong methods) answer as
 * documented. */
#include "cgt.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define REPORTS "/api/v1/public/reports"
#define STATUS "/api/v1/public/reports/status"

/* A report submitted before any bad input, read again after all of it. */
static cgt_report earlier;

static int group_setup(void **state)
{
    (void)state;
    CGT_SUBMIT_SIMPLE("bad-input-earlier", NULL, &earlier);
    return 0;
}

/* If the problem lists field violations, one of them must name field: a
 * client shows it next to the right input. The list itself is optional. */
static void check_violation_names(const cgt_response *r, const char *field)
{
    const cJSON *errors = cJSON_GetObjectItemCaseSensitive(r->json, "errors");
    if (!errors)
        return;
    CGT_CHECK(cJSON_IsArray(errors), "\"errors\" is an array in %s", r->body);
    const cJSON *e;
    cJSON_ArrayForEach(e, errors)
    {
        const char *f = cgt_json_str(e, "field");
        if (f && strstr(f, field))
            return;
    }
    CGT_FAIL("%s %s: \"errors\" does not name the field \"%s\": %s", r->method, r->path, field,
             r->body);
}

/* POST raw bytes as a report and expect a problem with this status. */
static void expect_raw(const char *ctype, const char *body, size_t len, long status,
                       const char *field)
{
    cgt_response *r = cgt_post_raw(REPORTS, NULL, ctype, body, len);
    CGT_CHECK_PROBLEM(r, status);
    if (field)
        check_violation_names(r, field);
    cgt_response_free(r);
}

/* POST a JSON report and expect a problem with this status. */
static void expect_json(const cJSON *body, long status, const char *field)
{
    char *text = cJSON_PrintUnformatted(body);
    expect_raw("application/json", text, strlen(text), status, field);
    cJSON_free(text);
}

static void malformed_reports_get_400(void **state)
{
    (void)state;
    static const char broken[] = "{\"category\": \"procurement\", \"content\": ";
    expect_raw("application/json", broken, sizeof broken - 1, 400, NULL);
    static const char *const not_objects[] = {"[]", "null", "\"report\"", "42", ""};
    for (size_t i = 0; i < sizeof not_objects / sizeof not_objects[0]; i++)
        expect_raw("application/json", not_objects[i], strlen(not_objects[i]), 400, NULL);

    /* Bytes that are not UTF-8 inside a string. */
    static const char bad_utf8[] = "{\"category\":\"procurement\",\"content\":\"bad bytes \xff\xfe "
                                   "in the content of this report\",\"anonymous\":true}";
    expect_raw("application/json", bad_utf8, sizeof bad_utf8 - 1, 400, NULL);
}

static void invalid_fields_get_400(void **state)
{
    (void)state;
    cJSON *b;

    b = cgt_report_body("bad-type", NULL);
    cJSON_ReplaceItemInObjectCaseSensitive(b, "content", cJSON_CreateNumber(5));
    expect_json(b, 400, "content");
    cJSON_Delete(b);

    b = cgt_report_body("bad-type-anonymous", NULL);
    cJSON_ReplaceItemInObjectCaseSensitive(b, "anonymous", cJSON_CreateString("yes"));
    expect_json(b, 400, "anonymous");
    cJSON_Delete(b);

    b = cJSON_CreateObject();
    cJSON_AddStringToObject(b, "category", "procurement");
    expect_json(b, 400, "content");
    cJSON_Delete(b);

    b = cgt_report_body("missing-anonymous", NULL);
    cJSON_DeleteItemFromObjectCaseSensitive(b, "anonymous");
    expect_json(b, 400, "anonymous");
    cJSON_Delete(b);

    b = cgt_report_body("unknown-field", NULL);
    cJSON_AddStringToObject(b, "colour", "red");
    expect_json(b, 400, "colour");
    cJSON_Delete(b);

    b = cgt_report_body("short", NULL);
    cJSON_ReplaceItemInObjectCaseSensitive(b, "content", cJSON_CreateString("too short"));
    expect_json(b, 400, "content");
    cJSON_Delete(b);

    b = cgt_report_body("unknown-unit", "no_such_unit");
    expect_json(b, 400, "unit_code");
    cJSON_Delete(b);

    /* Identity rules: a name is required when named, forbidden when
     * anonymous, and a phone must look like one. */
    b = cgt_report_body("named-without-name", NULL);
    cJSON_ReplaceItemInObjectCaseSensitive(b, "anonymous", cJSON_CreateFalse());
    expect_json(b, 400, "reporter_name");
    cJSON_Delete(b);

    b = cgt_report_body("anonymous-with-name", NULL);
    cJSON_AddStringToObject(b, "reporter_name", "Chen Jie");
    expect_json(b, 400, "reporter_name");
    cJSON_Delete(b);

    b = cgt_report_body("bad-phone", NULL);
    cJSON_ReplaceItemInObjectCaseSensitive(b, "anonymous", cJSON_CreateFalse());
    cJSON_AddStringToObject(b, "reporter_name", "Chen Jie");
    cJSON_AddStringToObject(b, "reporter_phone", "call me maybe");
    expect_json(b, 400, "reporter_phone");
    cJSON_Delete(b);
}

static void size_and_content_type(void **state)
{
    (void)state;
    /* A valid report except that it is larger than the 65536-byte limit. */
    cJSON *b = cgt_report_body("oversize", NULL);
    size_t big = 70000;
    char *filler = malloc(big + 1);
    CGT_CHECK(filler != NULL, "%s", "memory");
    memset(filler, 'x', big);
    filler[big] = '\0';
    cJSON_ReplaceItemInObjectCaseSensitive(b, "content", cJSON_CreateString(filler));
    free(filler);
    expect_json(b, 413, NULL);
    /* The same body sent chunked has no Content-Length to reject it by: the
     * gateway must count what it reads. */
    char *big_text = cJSON_PrintUnformatted(b);
    const char *chunked[] = {"Content-Type: application/json", "Transfer-Encoding: chunked", NULL};
    cgt_response *r = cgt_request("POST", REPORTS, chunked, big_text, strlen(big_text));
    CGT_CHECK_PROBLEM(r, 413);
    cgt_response_free(r);
    cJSON_free(big_text);
    cJSON_Delete(b);

    /* A small body sent chunked is an ordinary request. */
    b = cgt_report_body("chunked", NULL);
    char *small = cJSON_PrintUnformatted(b);
    r = cgt_request("POST", REPORTS, chunked, small, strlen(small));
    CGT_CHECK_STATUS(r, 201);
    cgt_response_free(r);
    cJSON_free(small);
    cJSON_Delete(b);

    b = cgt_report_body("text-plain", NULL);
    char *text = cJSON_PrintUnformatted(b);
    expect_raw("text/plain", text, strlen(text), 415, NULL);
    expect_raw(NULL, text, strlen(text), 415, NULL);
    expect_raw("application/x-www-form-urlencoded", text, strlen(text), 415, NULL);
    cJSON_free(text);
    cJSON_Delete(b);

    /* The charset parameter is allowed. */
    b = cgt_report_body("charset", NULL);
    text = cJSON_PrintUnformatted(b);
    r = cgt_post_raw(REPORTS, NULL, "application/json; charset=utf-8", text, strlen(text));
    CGT_CHECK_STATUS(r, 201);
    cgt_response_free(r);
    cJSON_free(text);
    cJSON_Delete(b);
}

/* Look a receipt up (receipt_json is the JSON value to send) and expect a
 * problem with this status. */
static void expect_lookup(const char *receipt_json, long expected)
{
    char body[128];
    snprintf(body, sizeof body, "{\"receipt\": %s}", receipt_json);
    cgt_response *r = cgt_post_raw(STATUS, NULL, "application/json", body, strlen(body));
    CGT_CHECK_PROBLEM(r, expected);
    cgt_response_free(r);
}

static void receipt_lookups(void **state)
{
    (void)state;
    expect_lookup("\"12345678abcdefgh\"", 400);
    expect_lookup("\"123456789012345\"", 400);
    expect_lookup("\"12345678901234567\"", 400);
    expect_lookup("\"\"", 400);
    expect_lookup("1234567890123456", 400);
    expect_lookup("null", 400);
    /* A random receipt matching a real one is a one in 10^16 chance. */
    char digits[17], quoted[24];
    cgt_random_digits(digits, 16);
    snprintf(quoted, sizeof quoted, "\"%s\"", digits);
    expect_lookup(quoted, 404);
}

/* Send a request with the given X-Request-Id header line (NULL for none)
 * and return what came back in X-Request-Id. */
static void request_id_of(const char *header, char *out, size_t size, long *status)
{
    const char *headers[] = {header, NULL};
    cgt_response *r = cgt_request("GET", "/api/v1/no/such/thing", header ? headers : NULL, NULL, 0);
    snprintf(out, size, "%s", r->request_id);
    *status = r->status;
    /* A problem body that carries a request id must carry the same one. */
    const char *in_body = cgt_json_str(r->json, "request_id");
    if (in_body)
        CGT_CHECK_STR(r->request_id, in_body, "request_id in the problem body vs the header");
    cgt_response_free(r);
}

static void request_ids(void **state)
{
    (void)state;
    char got[128];
    long status;

    request_id_of("X-Request-Id: cgt-req.42_Ok", got, sizeof got, &status);
    CGT_CHECK_STR("cgt-req.42_Ok", got, "X-Request-Id echoed when valid");
    CGT_CHECK_INT(404, status, "status of an unknown path");

    request_id_of(NULL, got, sizeof got, &status);
    CGT_CHECK(cgt_is_uuid(got), "a new UUID X-Request-Id when none was sent, got \"%s\"", got);
    char first[128];
    snprintf(first, sizeof first, "%s", got);
    request_id_of(NULL, got, sizeof got, &status);
    CGT_CHECK(strcmp(first, got) != 0, "each generated X-Request-Id is new, got %s twice", got);

    /* Not of the allowed form: replaced, never echoed into logs as is. */
    request_id_of("X-Request-Id: has spaces; and=stuff", got, sizeof got, &status);
    CGT_CHECK(cgt_is_uuid(got), "an invalid X-Request-Id is replaced by a UUID, got \"%s\"", got);
    char longid[80], hdr[120];
    memset(longid, 'a', 65);
    longid[65] = '\0';
    snprintf(hdr, sizeof hdr, "X-Request-Id: %s", longid);
    request_id_of(hdr, got, sizeof got, &status);
    CGT_CHECK(cgt_is_uuid(got), "a 65-character X-Request-Id is replaced by a UUID, got \"%s\"",
              got);
    memset(longid, 'b', 64);
    longid[64] = '\0';
    snprintf(hdr, sizeof hdr, "X-Request-Id: %s", longid);
    request_id_of(hdr, got, sizeof got, &status);
    CGT_CHECK_STR(longid, got, "a 64-character X-Request-Id is kept");

    /* Successful answers carry it too, not only errors. */
    const char *headers[] = {"X-Request-Id: cgt-health-1", NULL};
    cgt_response *r = cgt_request("GET", "/healthz", headers, NULL, 0);
    CGT_CHECK_STATUS(r, 200);
    CGT_CHECK_STR("cgt-health-1", r->request_id, "X-Request-Id on a 200");
    cgt_response_free(r);
}

static void login_and_tokens(void **state)
{
    (void)state;
    cJSON *b = cJSON_CreateObject();
    cJSON_AddStringToObject(b, "username", "inspector");
    cJSON_AddStringToObject(b, "password", "not-the-password");
    cgt_response *r = cgt_post_json("/api/v1/auth/login", NULL, b);
    cJSON_Delete(b);
    CGT_CHECK_PROBLEM(r, 401);
    cgt_response_free(r);

    b = cJSON_CreateObject();
    cJSON_AddStringToObject(b, "username", "nobody.at.all");
    cJSON_AddStringToObject(b, "password", cgt_demo_password());
    r = cgt_post_json("/api/v1/auth/login", NULL, b);
    cJSON_Delete(b);
    CGT_CHECK_PROBLEM(r, 401);
    cgt_response_free(r);

    r = cgt_get("/api/v1/clues", NULL);
    CGT_CHECK_PROBLEM(r, 401);
    cgt_response_free(r);
    r = cgt_get("/api/v1/clues", "bm90LWEtcmVhbC10b2tlbi1hdC1hbGwtbm90LWF0LWFsbC0x");
    CGT_CHECK_PROBLEM(r, 401);
    cgt_response_free(r);
    const char *basic[] = {"Authorization: Basic aW5zcGVjdG9yOng=", NULL};
    r = cgt_request("GET", "/api/v1/clues", basic, NULL, 0);
    CGT_CHECK_PROBLEM(r, 401);
    cgt_response_free(r);

    /* A login answers with the token and the user it belongs to. */
    char *tok = CGT_LOGIN("inspector");
    CGT_CHECK(strlen(tok) == 43, "the token is 43 characters of base64url, got %zu", strlen(tok));
    r = cgt_get("/api/v1/auth/me", tok);
    CGT_CHECK_STATUS(r, 200);
    const cJSON *me = CGT_JSON_OBJECT(r);
    CGT_CHECK_STR("inspector", cgt_json_str(me, "username"), "username of /auth/me");
    CGT_CHECK_STR("inspector", cgt_json_sole(me, "roles"), "roles of /auth/me");
    CGT_CHECK_STR("hq", cgt_json_str(cJSON_GetObjectItemCaseSensitive(me, "org_unit"), "path"),
                  "org_unit.path of /auth/me");
    cgt_response_free(r);

    /* Logout revokes exactly that token. */
    char *other = CGT_LOGIN("inspector");
    r = cgt_post_raw("/api/v1/auth/logout", tok, NULL, NULL, 0);
    CGT_CHECK_STATUS(r, 204);
    cgt_response_free(r);
    r = cgt_get("/api/v1/auth/me", tok);
    CGT_CHECK_PROBLEM(r, 401);
    cgt_response_free(r);
    r = cgt_get("/api/v1/clues", tok);
    CGT_CHECK_PROBLEM(r, 401);
    cgt_response_free(r);
    r = cgt_post_raw("/api/v1/auth/logout", tok, NULL, NULL, 0);
    CGT_CHECK_PROBLEM(r, 401);
    cgt_response_free(r);
    free(tok);
    r = cgt_get("/api/v1/clues", other);
    CGT_CHECK_STATUS(r, 200);
    cgt_response_free(r);
    cgt_logout(other);
}

static void roles_that_read_clues(void **state)
{
    (void)state;
    static const struct {
        const char *user;
        long status;
    } cases[] = {
        {"admin", 403},          {"inspector", 200},  {"lead", 200},
        {"inspector.east", 200}, {"intake", 403},     {"custodian", 403},
        {"unitlead.east", 403},  {"cadre.east", 403}, {"auditor", 200},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char *tok = CGT_LOGIN(cases[i].user);
        cgt_response *r = cgt_get("/api/v1/clues", tok);
        if (r->status != cases[i].status)
            CGT_FAIL("GET /api/v1/clues as %s: expected %ld, got %ld: %.300s", cases[i].user,
                     cases[i].status, r->status, r->body);
        if (cases[i].status != 200)
            CGT_CHECK_PROBLEM(r, cases[i].status);
        cgt_response_free(r);
        cgt_logout(tok);
    }

    char *tok = CGT_LOGIN("inspector");
    cgt_response *r = cgt_get("/api/v1/clues/not-a-uuid", tok);
    CGT_CHECK_PROBLEM(r, 400);
    cgt_response_free(r);
    char id[37];
    cgt_uuid(id);
    char path[128];
    snprintf(path, sizeof path, "/api/v1/clues/%s", id);
    r = cgt_get(path, tok);
    CGT_CHECK_PROBLEM(r, 404);
    cgt_response_free(r);
    cgt_logout(tok);
}

static void fixed_endpoints(void **state)
{
    (void)state;
    cgt_response *r = cgt_get("/healthz", NULL);
    CGT_CHECK_STATUS(r, 200);
    CGT_CHECK_STR("ok", cgt_json_str(CGT_JSON_OBJECT(r), "status"), "/healthz status");
    cgt_response_free(r);

    static const char *const unknown[] = {"/api/v1/nope", "/nope", "/api/v2/clues",
                                          "/api/v1/public/reports/status/extra"};
    for (size_t i = 0; i < sizeof unknown / sizeof unknown[0]; i++) {
        r = cgt_get(unknown[i], NULL);
        CGT_CHECK_PROBLEM(r, 404);
        cgt_response_free(r);
    }

    r = cgt_request("DELETE", REPORTS, NULL, NULL, 0);
    CGT_CHECK_PROBLEM(r, 405);
    cgt_response_free(r);
    r = cgt_get(REPORTS, NULL);
    CGT_CHECK_PROBLEM(r, 405);
    cgt_response_free(r);
}

/* Deeply nested arrays are small (two bytes a level) but a recursive parser
 * on a small thread stack can overflow on them, which takes the whole
 * gateway down. Each depth must be a 400. This runs late in the file, so a
 * crash here does not hide what the other checks found. */
static void deeply_nested_json_gets_400(void **state)
{
    (void)state;
    static const size_t depths[] = {64, 256, 1000, 5000, 30000};
    for (size_t i = 0; i < sizeof depths / sizeof depths[0]; i++) {
        size_t depth = depths[i];
        char *deep = malloc(2 * depth + 1);
        CGT_CHECK(deep != NULL, "%s", "memory");
        memset(deep, '[', depth);
        memset(deep + depth, ']', depth);
        deep[2 * depth] = '\0';
        cgt_response *r = cgt_post_raw(REPORTS, NULL, "application/json", deep, 2 * depth);
        free(deep);
        if (r->status != 400)
            CGT_FAIL("a JSON body of %zu nested arrays (%zu bytes): expected 400, got %ld: %.300s",
                     depth, 2 * depth, r->status, r->body);
        CGT_CHECK_PROBLEM(r, 400);
        cgt_response_free(r);
    }
}

/* Runs last: after all of the above the platform is still ready and the
 * report from before is still there. */
static void still_ready_and_readable(void **state)
{
    (void)state;
    CGT_CHECK_READY();
    char *st = cgt_report_status(earlier.receipt);
    CGT_CHECK(st && (strcmp(st, "received") == 0 || strcmp(st, "forwarded") == 0),
              "the report from before the bad input is still readable, got \"%s\"",
              st ? st : "(no answer)");
    free(st);
    char *tok = CGT_LOGIN("inspector");
    cJSON_Delete(CGT_AWAIT_CLUE(tok, "source_ref", earlier.report_id));
    cgt_logout(tok);
}

int main(void)
{
    cgt_init("bad_input", CGT_NEED_GATEWAY);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(malformed_reports_get_400),
        cmocka_unit_test(invalid_fields_get_400),
        cmocka_unit_test(size_and_content_type),
        cmocka_unit_test(receipt_lookups),
        cmocka_unit_test(request_ids),
        cmocka_unit_test(login_and_tokens),
        cmocka_unit_test(roles_that_read_clues),
        cmocka_unit_test(fixed_endpoints),
        cmocka_unit_test(deeply_nested_json_gets_400),
        cmocka_unit_test(still_ready_and_readable),
    };
    int failed = cmocka_run_group_tests_name("bad_input", tests, group_setup, NULL);
    cgt_cleanup();
    return failed ? 1 : 0;
}
