/* Issue 4, a case's stages after filing (立案后), through the API as the
 * demo users: a clue proposed for filing, approved and filed, then the
 * case's first move (start_investigation by its investigator) with its
 * dossier entry; investigation measures and the report; every move in
 * the wrong stage, and a move whose
 * prerequisite is missing, refused with 409 naming the stage or what is
 * missing; an unknown action 400; the west sees nothing (404). */
#include "cgt.h"

#include <stdio.h>
#include <string.h>

/* Tokens of the demo accounts this test acts as. */
static char *insp_east, *lead_east, *lead_hq, *insp_west, *auditor_east;

static int group_setup(void **state)
{
    (void)state;
    insp_east = CGT_LOGIN("inspector.east");
    lead_east = CGT_LOGIN("lead.east");
    lead_hq = CGT_LOGIN("lead");
    insp_west = CGT_LOGIN("inspector.west");
    auditor_east = CGT_LOGIN("auditor.east");
    return 0;
}

static int group_teardown(void **state)
{
    (void)state;
    char **all[] = {&insp_east, &lead_east, &lead_hq, &insp_west, &auditor_east};
    for (size_t i = 0; i < sizeof all / sizeof all[0]; i++) {
        cgt_logout(*all[i]);
        *all[i] = NULL;
    }
    return 0;
}

/* A case filed (立案) from a clue of the east inspector: proposed by the
 * inspector (its handler), approved by the east lead, filed by the hq lead. */
static void filed_case(char case_id[37])
{
    char id[37];
    CGT_CREATE_CLUE(insp_east, "city_b", NULL, id);
    cgt_response *r = cgt_clue_act(insp_east, id, "/disposal",
                                   "{\"way\":\"propose_filing\",\"reason\":\"证据确凿\"}");
    CGT_CHECK_STATUS(r, 200);
    cgt_response_free(r);
    r = cgt_clue_act(lead_east, id, "/disposal/approve", NULL);
    CGT_CHECK_STATUS(r, 200);
    cgt_response_free(r);
    r = cgt_clue_act(lead_hq, id, "/file", NULL);
    CGT_CHECK_STATUS(r, 200);
    snprintf(case_id, 37, "%s", CGT_JSON_STR(r->json, "case_id"));
    CGT_CHECK(cgt_is_uuid(case_id), "filing names the case: %s", r->body);
    cgt_response_free(r);
}

/* POST body to /api/v1/cases/<id><suffix> as token; fails unless the
 * answer is want. The caller frees the answer. */
static cgt_response *case_post(const char *token, const char *case_id, const char *suffix,
                               const char *body, long want)
{
    char path[128];
    snprintf(path, sizeof path, "/api/v1/cases/%s%s", case_id, suffix);
    cgt_response *r = cgt_post_raw(path, token, "application/json", body, strlen(body));
    if (want >= 400)
        CGT_CHECK_PROBLEM(r, want);
    else
        CGT_CHECK_STATUS(r, want);
    return r;
}

/* POST {"action": action} to the case as token; fails unless the answer
 * is want. The caller frees the answer. */
static cgt_response *case_act(const char *token, const char *case_id, const char *action, long want)
{
    char body[96];
    snprintf(body, sizeof body, "{\"action\":\"%s\"}", action);
    return case_post(token, case_id, "/actions", body, want);
}

/* A 409 whose detail holds each of the texts given (NULL-terminated). */
static void case_conflict(const char *token, const char *case_id, const char *action,
                          const char *const *says)
{
    cgt_response *r = case_act(token, case_id, action, 409);
    const char *detail = CGT_JSON_STR(r->json, "detail");
    for (size_t i = 0; says[i] != NULL; i++)
        CGT_CHECK(strstr(detail, says[i]) != NULL, "%s refused saying \"%s\": %s", action, says[i],
                  detail);
    cgt_response_free(r);
}

/* The stage of the case as token sees it. */
static void check_stage(const char *token, const char *case_id, const char *want)
{
    char path[128];
    snprintf(path, sizeof path, "/api/v1/cases/%s", case_id);
    cgt_response *r = cgt_get(path, token);
    CGT_CHECK_STATUS(r, 200);
    CGT_CHECK_STR(want, CGT_JSON_STR(r->json, "stage"), case_id);
    cgt_response_free(r);
}

/* The last entry of the case's dossier has action want. */
static void check_last_entry(const char *case_id, const char *want, const char *to)
{
    char path[160];
    snprintf(path, sizeof path, "/api/v1/cases/%s/dossier?limit=100", case_id);
    cgt_response *r = cgt_get(path, lead_east);
    CGT_CHECK_STATUS(r, 200);
    const cJSON *items = cJSON_GetObjectItem(CGT_JSON_OBJECT(r), "items");
    const cJSON *last = cJSON_GetArrayItem(items, cJSON_GetArraySize(items) - 1);
    CGT_CHECK_STR(want, cgt_json_str(last, "action"), "the case's last dossier entry");
    CGT_CHECK_STR(to, cgt_json_str(cJSON_GetObjectItem(last, "summary"), "to"),
                  "the entry names the new stage");
    cgt_response_free(r);
    snprintf(path, sizeof path, "/api/v1/cases/%s/dossier/verify", case_id);
    r = cgt_get(path, lead_east);
    CGT_CHECK_STATUS(r, 200);
    CGT_CHECK(cJSON_IsTrue(cJSON_GetObjectItem(r->json, "whole")), "whole: %s", r->body);
    cgt_response_free(r);
}

/* The moves of a filed case: only start_investigation is allowed from
 * filed; the investigator starts it; the report cannot be submitted
 * before a measure is logged. */
static void investigation_starts(void **state)
{
    (void)state;
    char case_id[37];
    filed_case(case_id);
    check_stage(insp_east, case_id, "filed");

    /* Every later move from filed names the stage it needs. */
    static const char *const later[][2] = {
        {"submit_report", "investigation"},
        {"start_review", "investigation_reported"},
        {"decide_disposition", "review"},
        {"close", "disposition_decided"},
    };
    for (size_t i = 0; i < sizeof later / sizeof later[0]; i++) {
        const char *says[] = {"stage filed", later[i][1], NULL};
        case_conflict(lead_east, case_id, later[i][0], says);
    }
    check_stage(insp_east, case_id, "filed");

    /* The auditor changes nothing; the west does not see the case. */
    cgt_response_free(case_act(auditor_east, case_id, "start_investigation", 403));
    cgt_response_free(case_act(insp_west, case_id, "start_investigation", 404));

    cgt_response *r = case_act(insp_east, case_id, "start_investigation", 200);
    CGT_CHECK_STR("investigation", CGT_JSON_STR(r->json, "stage"), r->body);
    CGT_CHECK_STR(case_id, CGT_JSON_STR(r->json, "id"), "the reply is the case");
    cgt_response_free(r);
    check_stage(lead_east, case_id, "investigation");
    check_last_entry(case_id, "case.stage_changed", "investigation");

    /* Once started, it cannot start again; the report needs a measure. */
    const char *again[] = {"stage investigation", "allowed only in stage filed", NULL};
    case_conflict(insp_east, case_id, "start_investigation", again);
    const char *missing[] = {"stage investigation", "no investigation measure", NULL};
    case_conflict(insp_east, case_id, "submit_report", missing);
    check_stage(lead_east, case_id, "investigation");
}

/* The account id of token's user. */
static void account_id(const char *token, char out[37])
{
    cgt_response *r = cgt_get("/api/v1/auth/me", token);
    CGT_CHECK_STATUS(r, 200);
    snprintf(out, 37, "%s", CGT_JSON_STR(r->json, "id"));
    cgt_response_free(r);
}

/* Investigation measures (talks, evidence, with the day and who) and the
 * report: the report needs a measure and its text; measures are logged in
 * investigation only; the review then needs a reviewer. */
static void measures_and_report(void **state)
{
    (void)state;
    char case_id[37];
    filed_case(case_id);
    static const char talk[] = "{\"kind\":\"talk\",\"date\":\"2026-03-02\","
                               "\"who\":\"王调查\",\"summary\":\"与被反映人谈话\"}";
    /* Not before the investigation starts. */
    cgt_response *r = case_post(insp_east, case_id, "/measures", talk, 409);
    CGT_CHECK(strstr(CGT_JSON_STR(r->json, "detail"), "stage filed") != NULL, "%s", r->body);
    cgt_response_free(r);
    cgt_response_free(case_act(insp_east, case_id, "start_investigation", 200));

    /* Bad measures name each field (the gateway the shape, the service
     * the kind); nothing is logged. */
    r = case_post(insp_east, case_id, "/measures",
                  "{\"kind\":\"talk\",\"date\":\"2026-13-40\",\"who\":\"\"}", 400);
    static const char *const fields[] = {"\"date\"", "\"who\"", "\"summary\""};
    for (size_t i = 0; i < 3; i++)
        CGT_CHECK(strstr(r->body, fields[i]) != NULL, "names %s: %s", fields[i], r->body);
    cgt_response_free(r);
    r = case_post(insp_east, case_id, "/measures",
                  "{\"kind\":\"visit\",\"date\":\"2026-03-02\",\"who\":\"王\","
                  "\"summary\":\"x\"}",
                  400);
    CGT_CHECK(strstr(r->body, "\"kind\"") != NULL, "names kind: %s", r->body);
    cgt_response_free(r);
    cgt_response_free(case_post(insp_west, case_id, "/measures", talk, 404));

    r = case_post(insp_east, case_id, "/measures", talk, 200);
    CGT_CHECK_INT(1, cJSON_GetObjectItem(r->json, "measures")->valueint, "one measure");
    cgt_response_free(r);
    r = case_post(lead_east, case_id, "/measures",
                  "{\"kind\":\"evidence\",\"date\":\"2026-03-03\",\"who\":\"李取证\","
                  "\"summary\":\"调取账目\"}",
                  200);
    CGT_CHECK_INT(2, cJSON_GetObjectItem(r->json, "measures")->valueint, "two measures");
    cgt_response_free(r);

    char path[160];
    snprintf(path, sizeof path, "/api/v1/cases/%s/dossier?limit=100", case_id);
    r = cgt_get(path, lead_east);
    CGT_CHECK_STATUS(r, 200);
    const cJSON *items = cJSON_GetObjectItem(CGT_JSON_OBJECT(r), "items");
    const cJSON *last = cJSON_GetArrayItem(items, cJSON_GetArraySize(items) - 1);
    CGT_CHECK_STR("case.measure_logged", cgt_json_str(last, "action"), "the measure's entry");
    CGT_CHECK_STR("李取证", cgt_json_str(cJSON_GetObjectItem(last, "summary"), "who"),
                  "it names who took it");
    cgt_response_free(r);

    /* The report needs its text. */
    const char *no_text[] = {"stage investigation", "report is not written", NULL};
    case_conflict(insp_east, case_id, "submit_report", no_text);
    r = case_post(insp_east, case_id, "/actions",
                  "{\"action\":\"submit_report\",\"report\":\"经查，问题属实。\"}", 200);
    CGT_CHECK_STR("investigation_reported", CGT_JSON_STR(r->json, "stage"), r->body);
    CGT_CHECK_STR("经查，问题属实。", CGT_JSON_STR(r->json, "report"), "the report is kept");
    cgt_response_free(r);
    check_last_entry(case_id, "case.stage_changed", "investigation_reported");

    /* No more measures; the review needs a reviewer, which is not built. */
    r = case_post(insp_east, case_id, "/measures", talk, 409);
    CGT_CHECK(strstr(CGT_JSON_STR(r->json, "detail"), "allowed only in stage investigation") !=
                  NULL,
              "%s", r->body);
    cgt_response_free(r);
    const char *no_reviewer[] = {"stage investigation_reported", "no reviewer", NULL};
    case_conflict(lead_east, case_id, "start_review", no_reviewer);
    cgt_response_free(case_act(insp_east, case_id, "start_review", 403));
    check_stage(lead_east, case_id, "investigation_reported");

    /* The review (审理) by someone other than the investigators: the east
     * inspector handled the clue and investigated, so it cannot review. */
    char investigator[37], reviewer[37], body[160];
    account_id(insp_east, investigator);
    account_id(lead_east, reviewer);
    snprintf(body, sizeof body, "{\"action\":\"start_review\",\"reviewer_id\":\"%s\"}",
             investigator);
    r = case_post(lead_hq, case_id, "/actions", body, 409);
    CGT_CHECK(strstr(CGT_JSON_STR(r->json, "detail"), "investigator") != NULL,
              "the reviewer = an investigator is refused: %s", r->body);
    cgt_response_free(r);
    r = case_post(lead_hq, case_id, "/actions",
                  "{\"action\":\"start_review\",\"reviewer_id\":"
                  "\"00000000-0000-4000-8000-000000000000\"}",
                  400);
    CGT_CHECK(strstr(r->body, "reviewer_id") != NULL, "names reviewer_id: %s", r->body);
    cgt_response_free(r);
    check_stage(lead_east, case_id, "investigation_reported");
    snprintf(body, sizeof body, "{\"action\":\"start_review\",\"reviewer_id\":\"%s\"}", reviewer);
    r = case_post(lead_hq, case_id, "/actions", body, 200);
    CGT_CHECK_STR("review", CGT_JSON_STR(r->json, "stage"), r->body);
    CGT_CHECK_STR(reviewer, CGT_JSON_STR(r->json, "reviewer_id"), "the reviewer is kept");
    cgt_response_free(r);
    check_last_entry(case_id, "case.stage_changed", "review");
    const char *no_items[] = {"stage review", "no disposition item", NULL};
    case_conflict(lead_hq, case_id, "decide_disposition", no_items);
}

/* Bad input: an unknown action and a bad id are 400 with the field named;
 * an unknown case 404. */
static void bad_actions(void **state)
{
    (void)state;
    char case_id[37];
    filed_case(case_id);
    cgt_response *r = case_act(lead_east, case_id, "approve", 400);
    CGT_CHECK(strstr(r->body, "action") != NULL, "names the field: %s", r->body);
    cgt_response_free(r);
    r = case_act(lead_east, "not-a-uuid", "close", 400);
    CGT_CHECK(strstr(r->body, "id") != NULL, "names the field: %s", r->body);
    cgt_response_free(r);
    cgt_response_free(
        case_act(lead_east, "00000000-0000-4000-8000-000000000000", "start_investigation", 404));
    char path[128];
    snprintf(path, sizeof path, "/api/v1/cases/%s/actions", case_id);
    static const char bad[] = "{\"action\":1,\"x\":2}";
    r = cgt_post_raw(path, lead_east, "application/json", bad, sizeof bad - 1);
    CGT_CHECK_PROBLEM(r, 400);
    cgt_response_free(r);
    check_stage(lead_east, case_id, "filed");
}

int main(void)
{
    cgt_init("case_lifecycle", CGT_NEED_STACK);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(investigation_starts),
        cmocka_unit_test(measures_and_report),
        cmocka_unit_test(bad_actions),
    };
    int failed = cmocka_run_group_tests_name("case_lifecycle", tests, group_setup, group_teardown);
    cgt_cleanup();
    return failed ? 1 : 0;
}
