/* The rest of the administration API through HTTP, as the demo admin:
 * accounts with several roles and a person id, If-Match on updates (a stale
 * tag is 412 and changes nothing), org units imported from JSON and CSV (all
 * or nothing, problems located in the file), and a unit move that reaches
 * the other services' records and every cached session. */
#include "cgt.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static char *admin;

static cgt_response *send_with(const char *method, const char *path, const char *content_type,
                               const char *extra_header, const char *body)
{
    char auth[128], type[96];
    snprintf(auth, sizeof auth, "Authorization: Bearer %s", admin);
    snprintf(type, sizeof type, "Content-Type: %s", content_type);
    const char *headers[] = {auth, type, extra_header, NULL};
    return cgt_request(method, path, headers, body, body ? strlen(body) : 0);
}

static cgt_response *send_json(const char *method, const char *path, const char *json)
{
    return send_with(method, path, "application/json", NULL, json);
}

static void unique(const char *prefix, char *out, size_t size)
{
    char hex[11];
    cgt_token_hex(hex, 10);
    snprintf(out, size, "%s%s", prefix, hex);
}

/* True when the problem in r names field among its violations. */
static bool names_field(const cgt_response *r, const char *field)
{
    const cJSON *errors = cJSON_GetObjectItemCaseSensitive(r->json, "errors");
    const cJSON *e;
    cJSON_ArrayForEach(e, errors)
    {
        const char *f = cgt_json_str(e, "field");
        if (f != NULL && strcmp(f, field) == 0)
            return true;
    }
    return false;
}

/* Create an account in unit with roles (a JSON array text) and person
 * (NULL: none); returns the response. */
static cgt_response *create_account(const char *username, const char *roles, const char *unit,
                                    const char *person)
{
    char body[512], person_member[96] = "";
    if (person != NULL)
        snprintf(person_member, sizeof person_member, ",\"person_id\":\"%s\"", person);
    snprintf(body, sizeof body,
             "{\"username\":\"%s\",\"display_name\":\"Roles test\",\"roles\":%s,"
             "\"org_unit\":\"%s\",\"password\":\"roles-test-password\"%s}",
             username, roles, unit, person_member);
    return send_json("POST", "/api/v1/accounts", body);
}

static long get_status(const char *path, const char *token)
{
    cgt_response *r = cgt_get(path, token);
    long status = r->status;
    cgt_response_free(r);
    return status;
}

/* The audit row of the role change of account id names the roles and
 * unit before and after. */
static void check_role_change_audited(const char *id)
{
    char *auditor = CGT_LOGIN("auditor");
    cgt_response *r = cgt_get("/api/v1/audit?action=account.changed&limit=50", auditor);
    CGT_CHECK_STATUS(r, 200);
    const cJSON *row = NULL, *item;
    cJSON_ArrayForEach(item, cJSON_GetObjectItemCaseSensitive(r->json, "items"))
    {
        const char *target = cgt_json_str(cJSON_GetObjectItemCaseSensitive(item, "target"), "id");
        if (target != NULL && strcmp(target, id) == 0)
            row = item;
    }
    CGT_CHECK(row != NULL, "an account.changed row for %s: %.400s", id, r->body);
    char *text = cgt_json_print(row);
    const cJSON *detail = cJSON_GetObjectItemCaseSensitive(row, "detail");
    const cJSON *before = cJSON_GetObjectItemCaseSensitive(
        cJSON_GetObjectItemCaseSensitive(detail, "before"), "roles");
    const cJSON *after = cJSON_GetObjectItemCaseSensitive(
        cJSON_GetObjectItemCaseSensitive(detail, "after"), "roles");
    CGT_CHECK(cJSON_GetArraySize(before) == 2 && cJSON_GetArraySize(after) == 1 &&
                  strcmp(cJSON_GetArrayItem(after, 0)->valuestring, "auditor") == 0,
              "roles before (inspector, custodian) and after (auditor): %s", text);
    CGT_CHECK_STR(
        "east", cgt_json_str(cJSON_GetObjectItemCaseSensitive(detail, "after"), "org_unit"), text);
    free(text);
    cgt_response_free(r);
    cgt_logout(auditor);
}

static void several_roles_and_a_person(void **state)
{
    (void)state;
    char user[40], person[40], path[128];
    unique("roles.", user, sizeof user);
    unique("hr-t", person, sizeof person);
    /* Stored and shown in the canonical form: upper case ASCII. */
    char canon[40];
    for (size_t i = 0; i < sizeof canon; i++)
        canon[i] = (char)toupper((unsigned char)person[i]);

    cgt_response *r = create_account(user, "[\"inspector\",\"custodian\"]", "east", person);
    CGT_CHECK_STATUS(r, 201);
    const cJSON *acc = CGT_JSON_OBJECT(r);
    CGT_CHECK_INT(2, cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(acc, "roles")), "roles");
    CGT_CHECK_STR(canon, cgt_json_str(acc, "person_id"), "person_id");
    snprintf(path, sizeof path, "/api/v1/accounts/%s", CGT_JSON_STR(acc, "id"));
    cgt_response_free(r);

    /* The account holds the union of its roles' permissions. */
    char *token = NULL;
    CGT_CHECK_INT(200, cgt_try_login(user, "roles-test-password", &token), "login");
    r = cgt_get("/api/v1/auth/me", token);
    CGT_CHECK_STATUS(r, 200);
    CGT_CHECK_STR(canon, cgt_json_str(r->json, "person_id"), "person_id of /auth/me");
    CGT_CHECK_INT(2, cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(r->json, "roles")),
                  "roles of /auth/me");
    cgt_response_free(r);
    CGT_CHECK_INT(200, get_status("/api/v1/clues", token), "inspector reads clues");
    CGT_CHECK_INT(403, get_status("/api/v1/audit", token), "no role of it reads the audit trail");

    /* Changing the roles takes effect on the next request of the session. */
    r = send_json("PATCH", path, "{\"roles\":[\"auditor\"]}");
    CGT_CHECK_STATUS(r, 200);
    cgt_response_free(r);
    CGT_CHECK_INT(200, get_status("/api/v1/audit?limit=1", token), "now an auditor");
    cgt_logout(token);
    check_role_change_audited(path + strlen("/api/v1/accounts/"));

    /* Separation of duties, duplicates and unknown roles are refused. */
    char other[40];
    unique("roles.", other, sizeof other);
    const char *refused[] = {"[\"admin\",\"inspector\"]",
                             "[\"auditor\",\"cadre\"]",
                             "[\"inspector\",\"inspector\"]",
                             "[]",
                             "[\"emperor\"]",
                             "\"inspector\""};
    for (size_t i = 0; i < sizeof refused / sizeof refused[0]; i++) {
        r = create_account(other, refused[i], "east", NULL);
        CGT_CHECK_PROBLEM(r, 400);
        CGT_CHECK(names_field(r, "roles"), "the problem names roles for %s", refused[i]);
        cgt_response_free(r);
    }
    /* One person, one account; a malformed person id is refused. */
    r = create_account(other, "[\"cadre\"]", "east", person);
    CGT_CHECK_PROBLEM(r, 409);
    cgt_response_free(r);
    r = create_account(other, "[\"cadre\"]", "east", "has space");
    CGT_CHECK_PROBLEM(r, 400);
    CGT_CHECK(names_field(r, "person_id"), "the problem names person_id");
    cgt_response_free(r);
    /* No account changes its own roles: the admin giving itself an
     * inspector's role is refused and reads no clue after. */
    cgt_response *me = cgt_get("/api/v1/auth/me", admin);
    CGT_CHECK_STATUS(me, 200);
    char self[128];
    snprintf(self, sizeof self, "/api/v1/accounts/%s", CGT_JSON_STR(me->json, "id"));
    cgt_response_free(me);
    r = send_json("PATCH", self, "{\"roles\":[\"inspector\"]}");
    CGT_CHECK_PROBLEM(r, 403);
    CGT_CHECK(strstr(r->body, "own roles") != NULL, "says why: %s", r->body);
    cgt_response_free(r);
    me = cgt_get("/api/v1/auth/me", admin);
    const cJSON *own = cJSON_GetObjectItemCaseSensitive(me->json, "roles");
    CGT_CHECK(cJSON_GetArraySize(own) == 1 &&
                  strcmp(cJSON_GetArrayItem(own, 0)->valuestring, "admin") == 0,
              "the admin's roles are unchanged: %s", me->body);
    cgt_response_free(me);
    CGT_CHECK_INT(403, get_status("/api/v1/clues", admin), "and it reads no clue");
    /* null clears the link. */
    r = send_json("PATCH", path, "{\"person_id\":null}");
    CGT_CHECK_STATUS(r, 200);
    CGT_CHECK(cJSON_IsNull(cJSON_GetObjectItemCaseSensitive(r->json, "person_id")),
              "person_id cleared");
    cgt_response_free(r);
}

/* PATCH path with If-Match: tag; returns the response. */
static cgt_response *patch_if(const char *path, const char *tag, const char *json)
{
    char line[128];
    snprintf(line, sizeof line, "If-Match: %s", tag);
    return send_with("PATCH", path, "application/json", line, json);
}

/* GET path as admin and copy its ETag into tag[64]. */
static void read_tag(const char *path, char tag[64])
{
    cgt_response *r = cgt_get(path, admin);
    CGT_CHECK_STATUS(r, 200);
    CGT_CHECK(cgt_header(r, "ETag", tag, 64) != NULL, "GET %s has an ETag", path);
    cgt_response_free(r);
}

/* The stale-copy rule on one record: a change made from the current tag
 * goes through, the same tag again is 412 and changes nothing. */
static void check_if_match(const char *path, const char *first, const char *second,
                           const char *member, const char *kept)
{
    char tag[64], weak[80];
    read_tag(path, tag);
    cgt_response *r = patch_if(path, tag, first);
    CGT_CHECK_STATUS(r, 200);
    cgt_response_free(r);
    r = patch_if(path, tag, second);
    CGT_CHECK_PROBLEM(r, 412);
    cgt_response_free(r);
    r = cgt_get(path, admin);
    CGT_CHECK_STR(kept, CGT_JSON_STR(CGT_JSON_OBJECT(r), member), "nothing changed after 412");
    cgt_response_free(r);
    /* A weak tag never matches an update; "*" matches any copy. */
    read_tag(path, tag);
    snprintf(weak, sizeof weak, "W/%s", tag);
    r = patch_if(path, weak, second);
    CGT_CHECK_PROBLEM(r, 412);
    cgt_response_free(r);
    r = patch_if(path, "*", first);
    CGT_CHECK_STATUS(r, 200);
    cgt_response_free(r);
}

static void stale_updates_refused(void **state)
{
    (void)state;
    char user[40], path[128], code[32], body[256];
    unique("etag.", user, sizeof user);
    cgt_response *r = create_account(user, "[\"cadre\"]", "east", NULL);
    CGT_CHECK_STATUS(r, 201);
    snprintf(path, sizeof path, "/api/v1/accounts/%s", CGT_JSON_STR(CGT_JSON_OBJECT(r), "id"));
    cgt_response_free(r);
    check_if_match(path, "{\"display_name\":\"First\"}", "{\"display_name\":\"Second\"}",
                   "display_name", "First");

    unique("etag_", code, sizeof code);
    snprintf(body, sizeof body,
             "{\"code\":\"%s\",\"name\":\"ETag unit\",\"name_zh\":\"标签\",\"parent\":\"east\"}",
             code);
    r = send_json("POST", "/api/v1/org-units", body);
    CGT_CHECK_STATUS(r, 201);
    cgt_response_free(r);
    snprintf(path, sizeof path, "/api/v1/org-units/%s", code);
    check_if_match(path, "{\"name\":\"First\"}", "{\"name\":\"Second\"}", "name", "First");

    /* A move made from a stale copy is refused too. */
    char tag[64], line[96], move[160];
    read_tag(path, tag);
    r = patch_if(path, tag, "{\"name\":\"Third\"}");
    CGT_CHECK_STATUS(r, 200);
    cgt_response_free(r);
    snprintf(line, sizeof line, "If-Match: %s", tag);
    snprintf(move, sizeof move, "%s/move", path);
    r = send_with("POST", move, "application/json", line, "{\"parent\":\"city_a\"}");
    CGT_CHECK_PROBLEM(r, 412);
    cgt_response_free(r);
}

static cgt_response *import(const char *content_type, const char *body)
{
    return send_with("POST", "/api/v1/org-units/import", content_type, NULL, body);
}

static void check_counts(cgt_response *r, int created, int updated, int unchanged)
{
    CGT_CHECK_STATUS(r, 200);
    const cJSON *o = CGT_JSON_OBJECT(r);
    CGT_CHECK_INT(created, (long long)cJSON_GetNumberValue(cJSON_GetObjectItem(o, "created")),
                  "created");
    CGT_CHECK_INT(updated, (long long)cJSON_GetNumberValue(cJSON_GetObjectItem(o, "updated")),
                  "updated");
    CGT_CHECK_INT(unchanged, (long long)cJSON_GetNumberValue(cJSON_GetObjectItem(o, "unchanged")),
                  "unchanged");
    cgt_response_free(r);
}

static void units_imported(void **state)
{
    (void)state;
    char a[32], b[32], body[1024], path[128];
    unique("imp_a_", a, sizeof a);
    unique("imp_b_", b, sizeof b);

    /* JSON, the child before its parent. */
    snprintf(body, sizeof body,
             "{\"units\":[{\"code\":\"%s\",\"name\":\"Station B\",\"name_zh\":\"乙站\","
             "\"parent\":\"%s\"},{\"code\":\"%s\",\"name\":\"County A\",\"name_zh\":\"甲县\","
             "\"parent\":\"city_a\"}]}",
             b, a, a);
    check_counts(import("application/json", body), 2, 0, 0);
    check_counts(import("application/json", body), 0, 0, 2);
    snprintf(path, sizeof path, "/api/v1/org-units/%s", b);
    cgt_response *r = cgt_get(path, admin);
    CGT_CHECK_STATUS(r, 200);
    char want[128];
    snprintf(want, sizeof want, "hq.east.city_a.%s.%s", a, b);
    CGT_CHECK_STR(want, CGT_JSON_STR(CGT_JSON_OBJECT(r), "path"), "imported path");
    cgt_response_free(r);

    /* CSV with a byte order mark, CRLF and a quoted comma: renames a. */
    char c[32];
    unique("imp_c_", c, sizeof c);
    snprintf(body, sizeof body,
             "\xEF\xBB\xBF"
             "code,parent,name,name_zh\r\n%s,city_a,\"County A, renamed\",甲县\r\n"
             "%s,%s,Station C,丙站\r\n",
             a, c, a);
    check_counts(import("text/csv; charset=utf-8", body), 1, 1, 0);

    /* A bad row rolls back the whole file and is named by its line. */
    char d[32];
    unique("imp_d_", d, sizeof d);
    snprintf(body, sizeof body,
             "code,name,name_zh,parent\n%s,Station D,丁站,%s\nimp_e_x,Station E,戊站,no_such_unit\n"
             "%s,Moved,移,east\n",
             d, a, a);
    r = import("text/csv", body);
    CGT_CHECK_PROBLEM(r, 400);
    CGT_CHECK(names_field(r, "line 3.parent"), "the problem names line 3.parent");
    CGT_CHECK(names_field(r, "line 4.parent"), "an import never moves a unit (line 4)");
    cgt_response_free(r);
    snprintf(path, sizeof path, "/api/v1/org-units/%s", d);
    CGT_CHECK_INT(404, get_status(path, admin), "nothing of the refused file was stored");

    r = import("text/plain", "code\n");
    CGT_CHECK_PROBLEM(r, 415);
    cgt_response_free(r);
    r = import("application/json", "{\"units\":[{\"code\":\"BAD\"}]}");
    CGT_CHECK_PROBLEM(r, 400);
    CGT_CHECK(names_field(r, "units[0].code"), "the problem names units[0].code");
    cgt_response_free(r);
    /* A unit outside the caller's scope is no parent: east's admin cannot
     * import under west. */
    char *east_admin = CGT_LOGIN("admin.east");
    char auth[128];
    snprintf(auth, sizeof auth, "Authorization: Bearer %s", east_admin);
    const char *headers[] = {auth, "Content-Type: text/csv", NULL};
    const char *west = "code,name,name_zh,parent\nimp_w_x,W,西,west\n";
    r = cgt_request("POST", "/api/v1/org-units/import", headers, west, strlen(west));
    CGT_CHECK_PROBLEM(r, 400);
    CGT_CHECK(names_field(r, "line 2.parent"), "west is outside east's scope");
    cgt_response_free(r);
    cgt_logout(east_admin);
}

typedef struct clue_probe {
    const char *token;
    const char *path;
    long want;
} clue_probe;

static bool clue_answers(void *arg)
{
    clue_probe *p = arg;
    return get_status(p->path, p->token) == p->want;
}

static void move_reaches_records_and_sessions(void **state)
{
    (void)state;
    char unit[32], body[512], user[40];
    unique("mv_", unit, sizeof unit);
    snprintf(body, sizeof body,
             "{\"code\":\"%s\",\"name\":\"Moving unit\",\"name_zh\":\"迁移单位\","
             "\"parent\":\"east\"}",
             unit);
    cgt_response *r = send_json("POST", "/api/v1/org-units", body);
    CGT_CHECK_STATUS(r, 201);
    cgt_response_free(r);

    /* A clue in the unit, seen by east's inspector and not by west's. */
    cgt_report rep;
    CGT_SUBMIT_SIMPLE("org move", unit, &rep);
    char *east = CGT_LOGIN("inspector.east");
    char *west = CGT_LOGIN("inspector.west");
    cJSON *clue = CGT_AWAIT_CLUE(east, "content", rep.content);
    char path[128];
    snprintf(path, sizeof path, "/api/v1/clues/%s", cgt_json_str(clue, "id"));
    cJSON_Delete(clue);
    CGT_CHECK_INT(404, get_status(path, west), "west does not see east's clue");
    /* And a rectification task of the unit. */
    char task_id[37], task[128];
    CGT_RECTIFY_TASK(unit, CGT_TASK_ASSIGNED, task_id);
    snprintf(task, sizeof task, "/api/v1/rectify/tasks/%s", task_id);
    CGT_CHECK_INT(404, get_status(task, west), "west does not see east's task");

    /* A person working in the unit, logged in before the move. */
    unique("mv.", user, sizeof user);
    r = create_account(user, "[\"inspector\"]", unit, NULL);
    CGT_CHECK_STATUS(r, 201);
    cgt_response_free(r);
    char *mover = NULL;
    CGT_CHECK_INT(200, cgt_try_login(user, "roles-test-password", &mover), "login");
    CGT_CHECK_INT(200, get_status(path, mover), "the unit's own inspector sees its clue");

    char move[128];
    snprintf(move, sizeof move, "/api/v1/org-units/%s/move", unit);
    r = send_json("POST", move, "{\"parent\":\"west\"}");
    CGT_CHECK_STATUS(r, 200);
    cgt_response_free(r);

    /* The session sees its new scope at once. */
    r = cgt_get("/api/v1/auth/me", mover);
    char want[96];
    snprintf(want, sizeof want, "hq.west.%s", unit);
    CGT_CHECK_STR(want, CGT_JSON_STR(cJSON_GetObjectItem(CGT_JSON_OBJECT(r), "org_unit"), "path"),
                  "the session's scope after the move");
    cgt_response_free(r);
    /* The case service follows the event: the clue is west's now. */
    clue_probe to_west = {west, path, 200}, from_east = {east, path, 404};
    CGT_CHECK(cgt_eventually(CGT_DEADLINE_MS, CGT_POLL_MS, clue_answers, &to_west),
              "west's inspector sees the moved clue");
    CGT_CHECK(cgt_eventually(CGT_DEADLINE_MS, CGT_POLL_MS, clue_answers, &from_east),
              "east's inspector no longer sees it");
    CGT_CHECK_INT(200, get_status(path, mover), "the unit's inspector still sees it");
    /* So does the rectification service: the task is west's now. */
    clue_probe task_west = {west, task, 200}, task_east = {east, task, 404};
    CGT_CHECK(cgt_eventually(CGT_DEADLINE_MS, CGT_POLL_MS, clue_answers, &task_west),
              "west's inspector sees the moved task");
    CGT_CHECK(cgt_eventually(CGT_DEADLINE_MS, CGT_POLL_MS, clue_answers, &task_east),
              "east's inspector no longer sees it");
    cgt_logout(mover);
    cgt_logout(east);
    cgt_logout(west);
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
    return 0;
}

int main(void)
{
    cgt_init("admin_roles_import", CGT_NEED_GATEWAY);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(several_roles_and_a_person),
        cmocka_unit_test(stale_updates_refused),
        cmocka_unit_test(units_imported),
        cmocka_unit_test(move_reaches_records_and_sessions),
    };
    int failed = cmocka_run_group_tests_name("admin_roles_import", tests, setup, teardown);
    cgt_cleanup();
    return failed;
}
