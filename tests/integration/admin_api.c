/* The administration API through HTTP as the demo admin: org units (create,
 * rename, move with the subtree's paths rewritten, retire, no new accounts
 * in a retired unit), accounts (create, change role, lock, unlock, disable,
 * reset a password, each taking effect on the account's sessions), cursor
 * pages that walk a whole list once, and bad input answered 4xx. */
#include "cgt.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static char *admin;

static cgt_response *send_json(const char *method, const char *path, const char *json)
{
    char auth[128];
    snprintf(auth, sizeof auth, "Authorization: Bearer %s", admin);
    const char *headers[] = {"Content-Type: application/json", auth, NULL};
    return cgt_request(method, path, headers, json, json ? strlen(json) : 0);
}

/* send_json, failing unless the answer has status expected; the caller
 * frees the response. */
static cgt_response *expect(const char *method, const char *path, const char *json, long expected)
{
    cgt_response *r = send_json(method, path, json);
    CGT_CHECK_STATUS(r, expected);
    return r;
}

static void expect_free(const char *method, const char *path, const char *json, long expected)
{
    cgt_response_free(expect(method, path, json, expected));
}

static void unique(const char *prefix, char *out, size_t size)
{
    char hex[11];
    cgt_token_hex(hex, 10);
    snprintf(out, size, "%s%s", prefix, hex);
}

static void org_units(void **state)
{
    (void)state;
    char parent[32], child[32], body[512], path[128];
    unique("adm_p_", parent, sizeof parent);
    unique("adm_c_", child, sizeof child);

    snprintf(body, sizeof body,
             "{\"code\":\"%s\",\"name\":\"Parent\",\"name_zh\":\"上级\",\"parent\":\"east\"}",
             parent);
    cgt_response *r = expect("POST", "/api/v1/org-units", body, 201);
    char expected_path[128];
    snprintf(expected_path, sizeof expected_path, "hq.east.%s", parent);
    CGT_CHECK_STR(expected_path, CGT_JSON_STR(CGT_JSON_OBJECT(r), "path"), "new unit's path");
    CGT_CHECK_STR("east", CGT_JSON_STR(CGT_JSON_OBJECT(r), "parent"), "new unit's parent");
    cgt_response_free(r);
    expect_free("POST", "/api/v1/org-units", body, 409);

    /* The same create with an Idempotency-Key twice: one unit, the first
     * answer again (not a 409). */
    char again[32], key[40], auth[128], hdr[64];
    unique("adm_i_", again, sizeof again);
    unique("adm-key-", key, sizeof key);
    snprintf(body, sizeof body,
             "{\"code\":\"%s\",\"name\":\"Again\",\"name_zh\":\"再次\",\"parent\":\"east\"}",
             again);
    snprintf(auth, sizeof auth, "Authorization: Bearer %s", admin);
    char key_line[64];
    snprintf(key_line, sizeof key_line, "Idempotency-Key: %s", key);
    const char *headers[] = {"Content-Type: application/json", auth, key_line, NULL};
    for (int i = 0; i < 2; i++) {
        /* The first answer is kept just after it is sent: a repeat that
         * comes at once may hear "still running" (409) and tries again. */
        int64_t start = cgt_now_ms();
        for (;;) {
            r = cgt_request("POST", "/api/v1/org-units", headers, body, strlen(body));
            if (r->status != 409 || cgt_now_ms() - start > 2000)
                break;
            cgt_response_free(r);
            cgt_sleep_ms(50);
        }
        CGT_CHECK_STATUS(r, 201);
        CGT_CHECK_STR(i == 0 ? "" : "true", cgt_header(r, "Idempotent-Replayed", hdr, sizeof hdr),
                      "Idempotent-Replayed");
        cgt_response_free(r);
    }

    snprintf(body, sizeof body,
             "{\"code\":\"%s\",\"name\":\"Child\",\"name_zh\":\"下级\",\"parent\":\"%s\"}", child,
             parent);
    expect_free("POST", "/api/v1/org-units", body, 201);

    /* Rename. */
    snprintf(path, sizeof path, "/api/v1/org-units/%s", parent);
    r = expect("PATCH", path, "{\"name_zh\":\"改名\"}", 200);
    CGT_CHECK_STR("改名", CGT_JSON_STR(CGT_JSON_OBJECT(r), "name_zh"), "renamed");
    CGT_CHECK_STR("Parent", CGT_JSON_STR(CGT_JSON_OBJECT(r), "name"), "name kept");
    cgt_response_free(r);

    /* Move under west: the child's path follows. */
    snprintf(path, sizeof path, "/api/v1/org-units/%s/move", parent);
    expect_free("POST", path, "{\"parent\":\"west\"}", 200);
    snprintf(path, sizeof path, "/api/v1/org-units/%s", child);
    r = expect("PATCH", path, "{}", 200);
    snprintf(expected_path, sizeof expected_path, "hq.west.%s.%s", parent, child);
    CGT_CHECK_STR(expected_path, CGT_JSON_STR(CGT_JSON_OBJECT(r), "path"), "child after move");
    cgt_response_free(r);
    /* Not under itself, not the root, not under a unit that does not exist. */
    snprintf(path, sizeof path, "/api/v1/org-units/%s/move", parent);
    snprintf(body, sizeof body, "{\"parent\":\"%s\"}", child);
    expect_free("POST", path, body, 409);
    expect_free("POST", "/api/v1/org-units/hq/move", "{\"parent\":\"east\"}", 409);
    expect_free("POST", path, "{\"parent\":\"no_such_unit\"}", 400);

    /* Retire the child: it takes no new accounts. */
    snprintf(path, sizeof path, "/api/v1/org-units/%s/retire", child);
    r = expect("POST", path, NULL, 200);
    CGT_CHECK(cJSON_IsString(cJSON_GetObjectItem(r->json, "retired_at")), "retired_at set: %s",
              r->body);
    cgt_response_free(r);
    char username[40];
    unique("adm.", username, sizeof username);
    snprintf(
        body, sizeof body,
        "{\"username\":\"%s\",\"display_name\":\"X\",\"roles\":[\"cadre\"],\"org_unit\":\"%s\","
        "\"password\":\"a-good-long-password\"}",
        username, child);
    expect_free("POST", "/api/v1/accounts", body, 400);
    expect_free("POST", "/api/v1/org-units/hq/retire", NULL, 404);
    expect_free("PATCH", "/api/v1/org-units/no_such_unit", "{\"name\":\"x\"}", 404);
    expect_free("POST", "/api/v1/org-units",
                "{\"code\":\"Bad-Code\",\"name\":\"x\","
                "\"name_zh\":\"x\",\"parent\":\"east\"}",
                400);
}

/* Create a cadre in east with password; returns its id (free()). */
static char *create_account(const char *username, const char *password)
{
    char body[512];
    snprintf(body, sizeof body,
             "{\"username\":\"%s\",\"display_name\":\"Admin test\",\"roles\":[\"cadre\"],"
             "\"org_unit\":\"east\",\"password\":\"%s\"}",
             username, password);
    cgt_response *r = expect("POST", "/api/v1/accounts", body, 201);
    CGT_CHECK_STR("active", CGT_JSON_STR(CGT_JSON_OBJECT(r), "status"), "new account status");
    char *id = strdup(CGT_JSON_STR(CGT_JSON_OBJECT(r), "id"));
    cgt_response_free(r);
    return id;
}

/* Poll GET /auth/me with token until it answers expected; fails after a
 * second. */
static void me_becomes(const char *token, long expected, const char *what)
{
    int64_t start = cgt_now_ms();
    long got = 0;
    while (cgt_now_ms() - start < 1000) {
        cgt_response *r = cgt_get("/api/v1/auth/me", token);
        got = r->status;
        cgt_response_free(r);
        if (got == expected)
            return;
        cgt_sleep_ms(20);
    }
    CGT_FAIL("%s: /auth/me answered %ld, not %ld, for a second", what, got, expected);
}

static void accounts(void **state)
{
    (void)state;
    const char *pw = "first-password-123";
    char username[40], path[160], body[256];
    unique("adm.", username, sizeof username);
    char *id = create_account(username, pw);
    snprintf(
        body, sizeof body,
        "{\"username\":\"%s\",\"display_name\":\"X\",\"roles\":[\"cadre\"],\"org_unit\":\"east\","
        "\"password\":\"%s\"}",
        username, pw);
    expect_free("POST", "/api/v1/accounts", body, 409);

    char *token = NULL;
    CGT_CHECK_INT(200, cgt_try_login(username, pw, &token), "login of the new account");
    me_becomes(token, 200, "new session");

    /* Role change: the next request sees the new role. */
    snprintf(path, sizeof path, "/api/v1/accounts/%s", id);
    expect_free("PATCH", path, "{\"roles\":[\"inspector\"]}", 200);
    cgt_response *r = cgt_get("/api/v1/clues?limit=1", token);
    CGT_CHECK_STATUS(r, 200);
    cgt_response_free(r);
    expect_free("PATCH", path, "{\"roles\":[\"emperor\"]}", 400);

    /* Lock: its session ends at once and it cannot log in; unlock. */
    snprintf(path, sizeof path, "/api/v1/accounts/%s/lock", id);
    r = expect("POST", path, NULL, 200);
    CGT_CHECK_STR("locked", CGT_JSON_STR(CGT_JSON_OBJECT(r), "status"), "after lock");
    cgt_response_free(r);
    me_becomes(token, 401, "session of a locked account");
    free(token);
    CGT_CHECK_INT(401, cgt_try_login(username, pw, NULL), "login while locked");
    snprintf(path, sizeof path, "/api/v1/accounts/%s/unlock", id);
    expect_free("POST", path, NULL, 200);
    token = NULL;
    CGT_CHECK_INT(200, cgt_try_login(username, pw, &token), "login after unlock");

    /* Reset: the old session ends, the new password works, the old not. */
    snprintf(path, sizeof path, "/api/v1/accounts/%s/password", id);
    expect_free("POST", path, "{\"new_password\":\"short\"}", 400);
    expect_free("POST", path, "{\"new_password\":\"second-password-456\"}", 200);
    me_becomes(token, 401, "session after a password reset");
    free(token);
    CGT_CHECK_INT(401, cgt_try_login(username, pw, NULL), "the old password");
    token = NULL;
    CGT_CHECK_INT(200, cgt_try_login(username, "second-password-456", &token), "the new one");

    /* Disable: for good. */
    snprintf(path, sizeof path, "/api/v1/accounts/%s/disable", id);
    expect_free("POST", path, NULL, 200);
    me_becomes(token, 401, "session of a disabled account");
    free(token);
    CGT_CHECK_INT(401, cgt_try_login(username, "second-password-456", NULL), "disabled login");
    snprintf(path, sizeof path, "/api/v1/accounts/%s/unlock", id);
    expect_free("POST", path, NULL, 404);

    /* Unknown or malformed ids, and an admin cannot lock itself. */
    expect_free("POST", "/api/v1/accounts/not-a-uuid/lock", NULL, 404);
    expect_free("POST", "/api/v1/accounts/00000000-0000-4000-8000-000000000000/lock", NULL, 404);
    r = cgt_get("/api/v1/auth/me", admin);
    snprintf(path, sizeof path, "/api/v1/accounts/%s/lock", CGT_JSON_STR(CGT_JSON_OBJECT(r), "id"));
    cgt_response_free(r);
    expect_free("POST", path, NULL, 409);
    expect_free("POST", "/api/v1/accounts", "{\"username\":\"x\"}", 400);
    expect_free("POST", "/api/v1/accounts", "not json", 400);
    free(id);
}

/* Walk a list with limit=2: every item once, in order, ending in null. */
static void walk(const char *list, const char *key)
{
    char path[1024], cursor[600] = "", last[600] = "";
    int pages = 0, items = 0;
    for (;;) {
        CGT_CHECK(pages++ < 1000, "the walk of %s does not end", list);
        snprintf(path, sizeof path, "%s?limit=2%s%s", list, cursor[0] ? "&cursor=" : "", cursor);
        cgt_response *r = cgt_get(path, admin);
        CGT_CHECK_STATUS(r, 200);
        const cJSON *arr = cJSON_GetObjectItem(r->json, "items");
        CGT_CHECK(cJSON_GetArraySize(arr) <= 2, "page size on %s", path);
        const cJSON *it;
        cJSON_ArrayForEach(it, arr)
        {
            const char *v = CGT_JSON_STR(it, key);
            CGT_CHECK(strcmp(v, last) > 0, "%s after %s on %s", v, last, list);
            snprintf(last, sizeof last, "%s", v);
            items++;
        }
        const cJSON *next = cJSON_GetObjectItem(r->json, "next_cursor");
        bool done = cJSON_IsNull(next);
        if (!done) {
            CGT_CHECK(cJSON_IsString(next), "next_cursor on %s", path);
            /* Paths and usernames need no escaping but '+' and '%'. */
            snprintf(cursor, sizeof cursor, "%s", next->valuestring);
        }
        cgt_response_free(r);
        if (done)
            break;
    }
    CGT_CHECK(items >= 3, "%s has more than one page: %d items", list, items);
}

static void pages(void **state)
{
    (void)state;
    walk("/api/v1/org-units", "path");
    walk("/api/v1/accounts", "username");
    cgt_response *r = cgt_get("/api/v1/accounts?limit=0", admin);
    CGT_CHECK_PROBLEM(r, 400);
    cgt_response_free(r);
}

static int setup(void **state)
{
    (void)state;
    admin = CGT_LOGIN("admin");
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    cgt_logout(admin);
    admin = NULL;
    return 0;
}

int main(void)
{
    cgt_init("admin_api", CGT_NEED_GATEWAY);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(org_units),
        cmocka_unit_test(accounts),
        cmocka_unit_test(pages),
    };
    int failed = cmocka_run_group_tests_name("admin_api", tests, setup, teardown);
    cgt_cleanup();
    return failed ? 1 : 0;
}
