/* Names beside ids (docs/api.md "Names beside ids"), through the real
 * gateway and case service:
 * - a clue, alone and in the list, carries handler_name equal to the
 *   handler's display name and its unit's two names beside org_path;
 * - a case carries investigator_names in the order of investigators and
 *   filed_by_name;
 * - every dossier entry of an account carries actor_name, the account's
 *   display name;
 * - the statistics name the units of by_unit;
 * - GET /api/v1/public/units/{code} answers a unit's code and names, and
 *   nothing else, without a login; an unknown code is 404, a malformed one
 *   400. */
#include "cgt.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static char *inspector, *lead;
static cJSON *inspector_me, *lead_me;

/* GET /api/v1/auth/me as token: the user object, copied. */
static cJSON *me(const char *token)
{
    cgt_response *r = cgt_get("/api/v1/auth/me", token);
    CGT_CHECK_STATUS(r, 200);
    cJSON *user = cJSON_Duplicate(CGT_JSON_OBJECT(r), true);
    cgt_response_free(r);
    return user;
}

static const char *unit_of(const cJSON *user, const char *key)
{
    return CGT_JSON_STR(cJSON_GetObjectItemCaseSensitive(user, "org_unit"), key);
}

/* GET path as token, which must answer 200 with an object; copied. */
static cJSON *get_object(const char *path, const char *token)
{
    cgt_response *r = cgt_get(path, token);
    CGT_CHECK_STATUS(r, 200);
    cJSON *o = cJSON_Duplicate(CGT_JSON_OBJECT(r), true);
    cgt_response_free(r);
    return o;
}

static int group_setup(void **state)
{
    (void)state;
    inspector = CGT_LOGIN("inspector.east");
    lead = CGT_LOGIN("lead.east");
    inspector_me = me(inspector);
    lead_me = me(lead);
    CGT_CHECK_STR("east", unit_of(inspector_me, "code"), "inspector.east's unit");
    return 0;
}

static int group_teardown(void **state)
{
    (void)state;
    cJSON_Delete(inspector_me);
    cJSON_Delete(lead_me);
    cgt_logout(inspector);
    cgt_logout(lead);
    return 0;
}

/* The names a clue carries: its handler's and its unit's. */
static void check_clue_names(const cJSON *clue)
{
    CGT_CHECK_STR(CGT_JSON_STR(inspector_me, "id"), CGT_JSON_STR(clue, "handler_id"), "handler");
    CGT_CHECK_STR(CGT_JSON_STR(inspector_me, "display_name"), CGT_JSON_STR(clue, "handler_name"),
                  "handler_name");
    CGT_CHECK_STR("hq.east", CGT_JSON_STR(clue, "org_path"), "org_path");
    CGT_CHECK_STR(unit_of(inspector_me, "name"), CGT_JSON_STR(clue, "unit_name"), "unit_name");
    CGT_CHECK_STR(unit_of(inspector_me, "name_zh"), CGT_JSON_STR(clue, "unit_name_zh"),
                  "unit_name_zh");
}

static void clue_names_its_handler(void **state)
{
    (void)state;
    char id[37];
    /* Who registers a clue handles it. */
    CGT_CREATE_CLUE(inspector, "east", NULL, id);

    cJSON *clue = CGT_GET_CLUE(lead, id);
    check_clue_names(clue);
    /* The list filtered by the subject's name, which ends in a token only
     * this clue has, so it is on the first page however many clues the
     * other tests registered. */
    const char *name =
        cgt_json_str(cJSON_GetArrayItem(cJSON_GetObjectItem(clue, "subjects"), 0), "name");
    char path[160];
    snprintf(path, sizeof path, "/api/v1/clues?limit=100&q=%s", strrchr(name, ' ') + 1);
    cJSON_Delete(clue);

    cJSON *page = get_object(path, lead);
    const cJSON *item = cgt_find_where(cJSON_GetObjectItemCaseSensitive(page, "items"), "id", id);
    CGT_CHECK(item != NULL, "the new clue is listed under its subject's name");
    check_clue_names(item);
    cJSON_Delete(page);
}

static void case_names_investigators_and_dossier_actors(void **state)
{
    (void)state;
    char case_id[37];
    char path[160];
    CGT_FILED_CASE(inspector, lead, lead, "east", case_id);

    snprintf(path, sizeof path, "/api/v1/cases/%s", case_id);
    cJSON *kase = get_object(path, lead);
    const cJSON *ids = cJSON_GetObjectItemCaseSensitive(kase, "investigators");
    const cJSON *names = cJSON_GetObjectItemCaseSensitive(kase, "investigator_names");
    CGT_CHECK(cJSON_IsArray(names) && cJSON_GetArraySize(names) == cJSON_GetArraySize(ids) &&
                  cJSON_GetArraySize(ids) >= 1,
              "a name for each investigator");
    /* The clue's handler first, in both. */
    CGT_CHECK_STR(CGT_JSON_STR(inspector_me, "id"), cJSON_GetArrayItem(ids, 0)->valuestring,
                  "first investigator");
    CGT_CHECK(cJSON_IsString(cJSON_GetArrayItem(names, 0)), "the first name is a string");
    CGT_CHECK_STR(CGT_JSON_STR(inspector_me, "display_name"),
                  cJSON_GetArrayItem(names, 0)->valuestring, "first investigator's name");
    CGT_CHECK_STR(CGT_JSON_STR(lead_me, "display_name"), CGT_JSON_STR(kase, "filed_by_name"),
                  "filed_by_name");
    char clue_id[37];
    snprintf(clue_id, sizeof clue_id, "%s", CGT_JSON_STR(kase, "clue_id"));
    cJSON_Delete(kase);

    /* The clue's dossier: created and proposed by the inspector, approved
     * and filed by the lead; every account actor is named. */
    snprintf(path, sizeof path, "/api/v1/clues/%s/dossier?limit=100", clue_id);
    cJSON *dossier = get_object(path, lead);
    const cJSON *entry;
    int by_inspector = 0, by_lead = 0;
    cJSON_ArrayForEach(entry, cJSON_GetObjectItemCaseSensitive(dossier, "items"))
    {
        const char *actor = CGT_JSON_STR(entry, "actor_id");
        const cJSON *name = cJSON_GetObjectItemCaseSensitive(entry, "actor_name");
        CGT_CHECK(name != NULL, "entry %d has actor_name",
                  cJSON_GetObjectItemCaseSensitive(entry, "seq")->valueint);
        if (strcmp(actor, CGT_JSON_STR(inspector_me, "id")) == 0) {
            CGT_CHECK_STR(CGT_JSON_STR(inspector_me, "display_name"), name->valuestring,
                          "the inspector's entry");
            by_inspector++;
        } else if (strcmp(actor, CGT_JSON_STR(lead_me, "id")) == 0) {
            CGT_CHECK_STR(CGT_JSON_STR(lead_me, "display_name"), name->valuestring,
                          "the lead's entry");
            by_lead++;
        } else if (!cgt_is_uuid(actor)) {
            CGT_CHECK(cJSON_IsNull(name), "a non-account actor is named null");
        }
    }
    CGT_CHECK(by_inspector >= 2 && by_lead >= 2, "entries by both: %d, %d", by_inspector, by_lead);
    cJSON_Delete(dossier);
}

static void statistics_name_their_units(void **state)
{
    (void)state;
    char id[37];
    CGT_CREATE_CLUE(inspector, "east", NULL, id);
    cJSON *stats = get_object("/api/v1/clues/statistics", lead);
    const cJSON *by_unit = cJSON_GetObjectItemCaseSensitive(stats, "by_unit");
    const cJSON *names = cJSON_GetObjectItemCaseSensitive(stats, "unit_names");
    CGT_CHECK(cJSON_IsObject(names), "unit_names beside by_unit");
    const cJSON *count;
    cJSON_ArrayForEach(count, by_unit)
    {
        const cJSON *unit = cJSON_GetObjectItemCaseSensitive(names, count->string);
        CGT_CHECK(cJSON_IsObject(unit), "%s is named", count->string);
        CGT_JSON_STR(unit, "name");
        CGT_JSON_STR(unit, "name_zh");
    }
    const cJSON *east = cJSON_GetObjectItemCaseSensitive(names, "hq.east");
    CGT_CHECK(east != NULL, "the east unit counts the new clue");
    CGT_CHECK_STR(unit_of(inspector_me, "name"), CGT_JSON_STR(east, "name"), "east's name");
    cJSON_Delete(stats);
}

static void public_unit_lookup(void **state)
{
    (void)state;
    cgt_response *r = cgt_get("/api/v1/public/units/east", NULL);
    CGT_CHECK_STATUS(r, 200);
    const cJSON *unit = CGT_JSON_OBJECT(r);
    CGT_CHECK_STR("east", CGT_JSON_STR(unit, "code"), "code");
    CGT_CHECK_STR(unit_of(inspector_me, "name"), CGT_JSON_STR(unit, "name"), "name");
    CGT_CHECK_STR(unit_of(inspector_me, "name_zh"), CGT_JSON_STR(unit, "name_zh"), "name_zh");
    CGT_CHECK_INT(3, cJSON_GetArraySize(unit), "only the code and the names (no path)");
    cgt_response_free(r);

    r = cgt_get("/api/v1/public/units/no_such_unit_anywhere", NULL);
    CGT_CHECK_PROBLEM(r, 404);
    cgt_response_free(r);
    r = cgt_get("/api/v1/public/units/East-Branch", NULL);
    CGT_CHECK_PROBLEM(r, 400);
    CGT_CHECK(strstr(r->body, "\"code\"") != NULL, "the violation names code: %s", r->body);
    cgt_response_free(r);
}

int main(void)
{
    cgt_init("names_beside_ids", CGT_NEED_GATEWAY);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(clue_names_its_handler),
        cmocka_unit_test(case_names_investigators_and_dossier_actors),
        cmocka_unit_test(statistics_name_their_units),
        cmocka_unit_test(public_unit_lookup),
    };
    int failed =
        cmocka_run_group_tests_name("names_beside_ids", tests, group_setup, group_teardown);
    cgt_cleanup();
    return failed ? 1 : 0;
}
