/* The people lookup of the web console's forms (GET /api/v1/people,
 * docs/api.md "People"): a lead of hq.east finds the active people of
 * hq.east and nothing of hq.west or of hq above it; a role and a name
 * narrow the list; an account an administrator disabled drops out; an
 * item never carries password or lock details; a bad role or an empty or
 * overlong q is 400 naming the parameter; roles without people.read get
 * 403. */
#include "cgt.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* GET /api/v1/people?<query> as token; the answer's items (owned by r). */
static const cJSON *people(const char *token, const char *query, cgt_response **r)
{
    char path[512];
    snprintf(path, sizeof path, "/api/v1/people?%s", query);
    *r = cgt_get(path, token);
    CGT_CHECK_STATUS(*r, 200);
    const cJSON *items = cJSON_GetObjectItemCaseSensitive(CGT_JSON_OBJECT(*r), "items");
    CGT_CHECK(cJSON_IsArray(items), "items is an array: %s", (*r)->body);
    return items;
}

/* Every item lies in scope, holds role (when not NULL) and shows only the
 * lookup's members. */
static void check_items(const cJSON *items, const char *scope, const char *role)
{
    const cJSON *it;
    size_t scope_len = strlen(scope);
    cJSON_ArrayForEach(it, items)
    {
        CGT_CHECK(cgt_is_uuid(CGT_JSON_STR(it, "id")), "an id");
        CGT_JSON_STR(it, "display_name");
        const cJSON *unit = cJSON_GetObjectItemCaseSensitive(it, "unit");
        const char *path = CGT_JSON_STR(unit, "path");
        CGT_CHECK(strncmp(path, scope, scope_len) == 0 &&
                      (path[scope_len] == '\0' || path[scope_len] == '.'),
                  "%s lies inside %s", path, scope);
        CGT_JSON_STR(unit, "name");
        CGT_JSON_STR(unit, "name_zh");
        static const char *const never[] = {"password_hash", "password",  "locked_until",
                                            "status",        "person_id", "failed_logins"};
        for (size_t i = 0; i < sizeof never / sizeof never[0]; i++)
            CGT_CHECK(cJSON_GetObjectItemCaseSensitive(it, never[i]) == NULL, "an item shows no %s",
                      never[i]);
        if (role == NULL)
            continue;
        bool holds = false;
        const cJSON *r;
        cJSON_ArrayForEach(r, cJSON_GetObjectItemCaseSensitive(it, "roles"))
        {
            holds = holds || (cJSON_IsString(r) && strcmp(r->valuestring, role) == 0);
        }
        CGT_CHECK(holds, "%s holds %s", CGT_JSON_STR(it, "username"), role);
    }
}

static void scope_and_role(void **state)
{
    (void)state;
    char *east = CGT_LOGIN("lead.east");
    char *west = CGT_LOGIN("lead.west");
    char *hq = CGT_LOGIN("inspector");
    cgt_response *r = NULL;

    const cJSON *items = people(east, "role=inspector&limit=100", &r);
    check_items(items, "hq.east", "inspector");
    CGT_CHECK(cgt_count_where(items, "username", "inspector.east") == 1, "east finds its own");
    CGT_CHECK(cgt_count_where(items, "username", "inspector.west") == 0, "east never sees west");
    CGT_CHECK(cgt_count_where(items, "username", "inspector") == 0, "nor hq above it");
    cgt_response_free(r);

    /* Without a role: the lead itself and the other roles of the unit. */
    items = people(east, "limit=100", &r);
    check_items(items, "hq.east", NULL);
    CGT_CHECK(cgt_count_where(items, "username", "lead.east") == 1, "the caller itself");
    CGT_CHECK(cgt_count_where(items, "username", "cadre.east") == 1, "every role");
    cgt_response_free(r);

    items = people(west, "role=inspector&limit=100", &r);
    check_items(items, "hq.west", "inspector");
    CGT_CHECK(cgt_count_where(items, "username", "inspector.west") == 1, "west finds its own");
    CGT_CHECK(cgt_count_where(items, "username", "inspector.east") == 0, "west never sees east");
    cgt_response_free(r);

    items = people(hq, "role=inspector&limit=100", &r);
    check_items(items, "hq", "inspector");
    CGT_CHECK(cgt_count_where(items, "username", "inspector.east") == 1 &&
                  cgt_count_where(items, "username", "inspector.west") == 1,
              "hq sees both provinces");
    cgt_response_free(r);

    /* A name, in Chinese or in any letter case; nothing from outside. */
    items = people(east, "q=%E7%BA%AA%E6%A3%80%E7%BB%84%E9%95%BF", &r); /* 纪检组长 */
    CGT_CHECK(cJSON_GetArraySize(items) == 1 &&
                  cgt_count_where(items, "username", "lead.east") == 1,
              "q=纪检组长 finds the east lead only: %s", r->body);
    cgt_response_free(r);
    items = people(east, "q=EAST%20INSPECTOR", &r);
    CGT_CHECK(cgt_count_where(items, "username", "inspector.east") == 1, "any letter case");
    cgt_response_free(r);
    items = people(east, "q=west", &r);
    CGT_CHECK(cJSON_GetArraySize(items) == 0, "q=west finds nothing from east: %s", r->body);
    cgt_response_free(r);
    items = people(east, "q=%25", &r); /* a % is a character, not a wildcard */
    CGT_CHECK(cJSON_GetArraySize(items) == 0, "q=%% matches no name: %s", r->body);
    cgt_response_free(r);

    /* Pages by username. */
    items = people(east, "limit=1", &r);
    CGT_CHECK(cJSON_GetArraySize(items) == 1, "one item");
    const cJSON *next = cJSON_GetObjectItemCaseSensitive(r->json, "next_cursor");
    CGT_CHECK(cJSON_IsString(next), "a next cursor after a full page: %s", r->body);
    cgt_response_free(r);

    cgt_logout(east);
    cgt_logout(west);
    cgt_logout(hq);
}

/* Create an account in east as admin.east; returns its id (free it). */
static char *create_east_inspector(const char *admin, const char *username,
                                   const char *display_name)
{
    cJSON *b = cJSON_CreateObject();
    cJSON_AddStringToObject(b, "username", username);
    cJSON_AddStringToObject(b, "display_name", display_name);
    cJSON *roles = cJSON_AddArrayToObject(b, "roles");
    cJSON_AddItemToArray(roles, cJSON_CreateString("inspector"));
    cJSON_AddStringToObject(b, "org_unit", "east");
    cJSON_AddStringToObject(b, "password", "people-lookup-password-1");
    cgt_response *r = cgt_post_json("/api/v1/accounts", admin, b);
    cJSON_Delete(b);
    CGT_CHECK_STATUS(r, 201);
    char *id = strdup(CGT_JSON_STR(CGT_JSON_OBJECT(r), "id"));
    cgt_response_free(r);
    return id;
}

static void disabled_drop_out(void **state)
{
    (void)state;
    char *admin = CGT_LOGIN("admin.east");
    char *lead = CGT_LOGIN("lead.east");
    char token[13], username[40], display[64], query[96], path[128];
    cgt_token_hex(token, 12);
    snprintf(username, sizeof username, "people.%s", token);
    snprintf(display, sizeof display, "查找测试 Lookup %s", token);
    char *id = create_east_inspector(admin, username, display);

    snprintf(query, sizeof query, "role=inspector&q=%s", token);
    cgt_response *r = NULL;
    const cJSON *items = people(lead, query, &r);
    CGT_CHECK(cJSON_GetArraySize(items) == 1, "the new inspector found: %s", r->body);
    CGT_CHECK_STR(id, CGT_JSON_STR(cJSON_GetArrayItem(items, 0), "id"), "its id");
    CGT_CHECK_STR(display, CGT_JSON_STR(cJSON_GetArrayItem(items, 0), "display_name"), "name");
    cgt_response_free(r);

    snprintf(path, sizeof path, "/api/v1/accounts/%s/disable", id);
    r = cgt_post_json(path, admin, NULL);
    CGT_CHECK_STATUS(r, 200);
    cgt_response_free(r);
    items = people(lead, query, &r);
    CGT_CHECK(cJSON_GetArraySize(items) == 0, "a disabled account drops out: %s", r->body);
    cgt_response_free(r);

    free(id);
    cgt_logout(admin);
    cgt_logout(lead);
}

static void bad_input_and_roles(void **state)
{
    (void)state;
    char *lead = CGT_LOGIN("lead.east");
    static const struct {
        const char *query;
        const char *field;
    } bad[] = {
        {"role=emperor", "role"}, {"role=", "role"},    {"q=", "q"},
        {"q=%FF%FE", "q"},        {"limit=0", "limit"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        char path[128];
        snprintf(path, sizeof path, "/api/v1/people?%s", bad[i].query);
        cgt_response *r = cgt_get(path, lead);
        CGT_CHECK_PROBLEM(r, 400);
        CGT_CHECK(strstr(r->body, bad[i].field) != NULL, "%s: the problem names %s: %s",
                  bad[i].query, bad[i].field, r->body);
        cgt_response_free(r);
    }
    /* 101 characters. */
    char path[256] = "/api/v1/people?q=";
    size_t n = strlen(path);
    memset(path + n, 'a', 101);
    path[n + 101] = '\0';
    cgt_response *r = cgt_get(path, lead);
    CGT_CHECK_PROBLEM(r, 400);
    cgt_response_free(r);
    cgt_logout(lead);

    char *cadre = CGT_LOGIN("cadre.east");
    r = cgt_get("/api/v1/people", cadre);
    CGT_CHECK_PROBLEM(r, 403);
    cgt_response_free(r);
    cgt_logout(cadre);
    r = cgt_get("/api/v1/people", NULL);
    CGT_CHECK_PROBLEM(r, 401);
    cgt_response_free(r);
}

int main(void)
{
    cgt_init("people_lookup", CGT_NEED_GATEWAY);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(scope_and_role),
        cmocka_unit_test(disabled_drop_out),
        cmocka_unit_test(bad_input_and_roles),
    };
    int failed = cmocka_run_group_tests_name("people_lookup", tests, NULL, NULL);
    cgt_cleanup();
    return failed ? 1 : 0;
}
