/* Clues through the API, as the demo users: registered from other
 * sources, each of the five disposal ways proposed by the handler and
 * approved by another inspection lead, rejection and re-proposal, every
 * invalid transition refused with 409 and the stage, scope (the west sees
 * nothing of the east), recusal and subjects (404), link, merge and reopen,
 * and the electronic dossier: read by someone other than the handler it
 * records the read, and a row changed in the database behind the trigger's
 * back is named by verify. */
#include "cgt.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>

/* Tokens of the demo accounts this test acts as. */
static char *insp_east, *lead_east, *lead_hq, *insp_west, *lead_west, *intake_east, *auditor_east;

static int group_setup(void **state)
{
    (void)state;
    insp_east = CGT_LOGIN("inspector.east");
    lead_east = CGT_LOGIN("lead.east");
    lead_hq = CGT_LOGIN("lead");
    insp_west = CGT_LOGIN("inspector.west");
    lead_west = CGT_LOGIN("lead.west");
    intake_east = CGT_LOGIN("intake.east");
    auditor_east = CGT_LOGIN("auditor.east");
    return 0;
}

static int group_teardown(void **state)
{
    (void)state;
    char **all[] = {&insp_east, &lead_east,   &lead_hq,     &insp_west,
                    &lead_west, &intake_east, &auditor_east};
    for (size_t i = 0; i < sizeof all / sizeof all[0]; i++) {
        cgt_logout(*all[i]);
        *all[i] = NULL;
    }
    return 0;
}

/* Fail unless the step answers want; returns the answer (the caller frees). */
static cgt_response *act(const char *token, const char *id, const char *suffix, const char *json,
                         long want)
{
    cgt_response *r = cgt_clue_act(token, id, suffix, json);
    if (want >= 400)
        CGT_CHECK_PROBLEM(r, want);
    else
        CGT_CHECK_STATUS(r, want);
    return r;
}

static void act_ok(const char *token, const char *id, const char *suffix, const char *json)
{
    cgt_response_free(act(token, id, suffix, json, 200));
}

/* A 409 whose detail names the stage the clue is in. */
static void act_conflict(const char *token, const char *id, const char *suffix, const char *json,
                         const char *stage)
{
    cgt_response *r = act(token, id, suffix, json, 409);
    const char *detail = CGT_JSON_STR(r->json, "detail");
    char want[64];
    snprintf(want, sizeof want, "stage %s", stage);
    CGT_CHECK(strstr(detail, want) != NULL, "POST %s on a clue in %s says so: %s", suffix, stage,
              detail);
    cgt_response_free(r);
}

/* The clue as token sees it (200), copied; the caller deletes it. */
static cJSON *get_clue(const char *token, const char *id)
{
    return CGT_GET_CLUE(token, id);
}

static void expect_status(const char *token, const char *id, const char *status)
{
    cJSON *c = get_clue(token, id);
    CGT_CHECK_STR(status, cgt_json_str(c, "status"), id);
    cJSON_Delete(c);
}

static void expect_get(const char *token, const char *path, long want)
{
    cgt_response *r = cgt_get(path, token);
    if (want >= 400)
        CGT_CHECK_PROBLEM(r, want);
    else
        CGT_CHECK_STATUS(r, want);
    cgt_response_free(r);
}

static void propose_body(char *out, size_t size, const char *way, const char *reason,
                         const char *conclusion)
{
    if (conclusion != NULL)
        snprintf(out, size, "{\"way\":\"%s\",\"reason\":\"%s\",\"conclusion\":\"%s\"}", way, reason,
                 conclusion);
    else
        snprintf(out, size, "{\"way\":\"%s\",\"reason\":\"%s\"}", way, reason);
}

/* The dossier entries (first page of up to 100) as token reads them. */
static cJSON *dossier(const char *token, const char *id)
{
    char path[160];
    snprintf(path, sizeof path, "/api/v1/clues/%s/dossier?limit=100", id);
    cgt_response *r = cgt_get(path, token);
    CGT_CHECK_STATUS(r, 200);
    cJSON *items = cJSON_Duplicate(cJSON_GetObjectItem(CGT_JSON_OBJECT(r), "items"), 1);
    cgt_response_free(r);
    CGT_CHECK(cJSON_IsArray(items), "dossier of %s has items[]", id);
    return items;
}

/* GET .../dossier/verify: *first_bad gets first_bad_seq (0 when null). */
static bool verify(const char *token, const char *id, long *first_bad)
{
    long long bad = 0;
    bool whole = cgt_dossier_verify(token, "clues", id, &bad);
    *first_bad = (long)bad;
    return whole;
}

/* The user id of the account behind token. */
static void user_id(const char *token, char out[37])
{
    cgt_response *r = cgt_get("/api/v1/auth/me", token);
    CGT_CHECK_STATUS(r, 200);
    snprintf(out, 37, "%s", CGT_JSON_STR(CGT_JSON_OBJECT(r), "id"));
    cgt_response_free(r);
}

/* True once case's outbox holds a sent cg.evt.case.clue.disposed for the
 * clue: the event is written with the approval and the relay publishes it.
 * (Division by zero makes psql fail while there is none.) */
static bool disposed_event_sent(void *arg)
{
    char sql[512];
    snprintf(sql, sizeof sql,
             "SELECT 1 / count(*)::int FROM cg_outbox WHERE subject = 'cg.evt.case.clue.disposed'"
             " AND position(convert_to('%s', 'UTF8') in payload) > 0 AND sent_at IS NOT NULL",
             (const char *)arg);
    return cgt_psql("cg_case", sql) == 0;
}

/* --- tests ------------------------------------------------------------------ */

/* Each way, proposed by the handler (the east inspector who registered the
 * clue) and approved by the east lead, lands in its stage, and the dossier
 * holds the three steps in order, its chain whole. */
static void five_ways(void **state)
{
    (void)state;
    static const struct {
        const char *way, *conclusion, *stage;
    } ways[] = {
        {"talk_inquiry", "谈话后本人作出说明，问题不属实", "talk_inquiry"},
        {"preliminary_verification", NULL, "preliminary_verification"},
        {"shelve", NULL, "shelved"},
        {"close", "查无实据，予以了结", "closed"},
        {"propose_filing", NULL, "filing_proposed"},
    };
    for (size_t i = 0; i < sizeof ways / sizeof ways[0]; i++) {
        char id[37], body[512], me[37];
        CGT_CREATE_CLUE(insp_east, "city_a", NULL, id);
        cJSON *c = get_clue(insp_east, id);
        user_id(insp_east, me);
        CGT_CHECK_STR(me, cgt_json_str(c, "handler_id"), "the registering inspector handles it");
        CGT_CHECK_STR("registered", cgt_json_str(c, "status"), id);
        cJSON_Delete(c);

        propose_body(body, sizeof body, ways[i].way, "线索反映的问题需要处置", ways[i].conclusion);
        act_ok(insp_east, id, "/disposal", body);
        expect_status(insp_east, id, "disposal_proposed");
        act_ok(lead_east, id, "/disposal/approve", NULL);
        c = get_clue(insp_east, id);
        CGT_CHECK_STR(ways[i].stage, cgt_json_str(c, "status"), ways[i].way);
        const cJSON *d = cJSON_GetObjectItem(c, "disposal");
        CGT_CHECK_STR("approved", cgt_json_str(d, "state"), ways[i].way);
        CGT_CHECK(cgt_eventually(CGT_DEADLINE_MS, CGT_POLL_MS, disposed_event_sent, id),
                  "cg.evt.case.clue.disposed for %s is published", id);
        CGT_CHECK_STR(ways[i].way, cgt_json_str(d, "way"), ways[i].way);
        cJSON_Delete(c);

        cJSON *entries = dossier(insp_east, id);
        static const char *const actions[] = {"clue.created", "disposal.proposed",
                                              "disposal.approved"};
        CGT_CHECK_INT(3, cJSON_GetArraySize(entries), "entries after three steps");
        for (int e = 0; e < 3; e++)
            CGT_CHECK_STR(actions[e], cgt_json_str(cJSON_GetArrayItem(entries, e), "action"),
                          "dossier order");
        cJSON_Delete(entries);
        long bad = -1;
        CGT_CHECK(verify(insp_east, id, &bad), "the dossier of %s is whole", id);
    }
}

/* Filing (立案): a lead files the case from an approved propose_filing; the
 * case keeps the clue's scope and has a dossier of its own. */
static void filing(void **state)
{
    (void)state;
    char id[37], path[160];
    CGT_CREATE_CLUE(insp_east, "city_b", NULL, id);
    act_conflict(lead_east, id, "/file", NULL, "registered");
    act_ok(insp_east, id, "/disposal", "{\"way\":\"propose_filing\",\"reason\":\"证据确凿\"}");
    act_conflict(lead_east, id, "/file", NULL, "disposal_proposed");
    act_ok(lead_east, id, "/disposal/approve", NULL);
    cgt_response_free(act(insp_east, id, "/file", NULL, 403));
    cgt_response *r = act(lead_hq, id, "/file", NULL, 200);
    CGT_CHECK_STR("filed", CGT_JSON_STR(r->json, "status"), id);
    char case_id[37];
    snprintf(case_id, sizeof case_id, "%s", CGT_JSON_STR(r->json, "case_id"));
    CGT_CHECK(cgt_is_uuid(case_id), "case_id is a UUID: %s", r->body);
    cgt_response_free(r);
    act_conflict(lead_hq, id, "/file", NULL, "filed");

    snprintf(path, sizeof path, "/api/v1/cases/%s", case_id);
    r = cgt_get(path, insp_east);
    CGT_CHECK_STATUS(r, 200);
    const cJSON *k = CGT_JSON_OBJECT(r);
    CGT_CHECK_STR(id, cgt_json_str(k, "clue_id"), "the case names its clue");
    CGT_CHECK_STR("filed", cgt_json_str(k, "stage"), case_id);
    CGT_CHECK_STR("hq.east.city_b", cgt_json_str(k, "org_path"), "the clue's scope");
    CGT_CHECK(cJSON_GetArraySize(cJSON_GetObjectItem(k, "subjects")) == 1, "the clue's subjects");
    cgt_response_free(r);
    expect_get(insp_west, path, 404);
    /* The case's own dossier starts with its filing, and is whole. */
    snprintf(path, sizeof path, "/api/v1/cases/%s/dossier", case_id);
    r = cgt_get(path, insp_east);
    CGT_CHECK_STATUS(r, 200);
    const cJSON *first = cJSON_GetArrayItem(cJSON_GetObjectItem(CGT_JSON_OBJECT(r), "items"), 0);
    CGT_CHECK_STR("case.filed", cgt_json_str(first, "action"), "the case's first entry");
    CGT_CHECK_STR(id, cgt_json_str(cJSON_GetObjectItem(first, "summary"), "clue_id"),
                  "it names the clue");
    cgt_response_free(r);
    expect_get(insp_west, path, 404);
    snprintf(path, sizeof path, "/api/v1/cases/%s/dossier/verify", case_id);
    r = cgt_get(path, insp_east);
    CGT_CHECK_STATUS(r, 200);
    CGT_CHECK(cJSON_IsTrue(cJSON_GetObjectItem(r->json, "whole")), "whole: %s", r->body);
    cgt_response_free(r);

    cJSON *entries = dossier(insp_east, id);
    const cJSON *last = cJSON_GetArrayItem(entries, cJSON_GetArraySize(entries) - 1);
    CGT_CHECK_STR("case.filed", cgt_json_str(last, "action"), "the clue's dossier records it");
    CGT_CHECK_STR(case_id, cgt_json_str(cJSON_GetObjectItem(last, "summary"), "case_id"),
                  "and names the case");
    cJSON_Delete(entries);
}

/* After preliminary verification and after a talk, a further disposal
 * follows; the same lead who proposed cannot approve. */
static void further_disposal_and_own_approval(void **state)
{
    (void)state;
    char id[37], body[256];
    CGT_CREATE_CLUE(lead_east, "city_b", NULL, id);
    propose_body(body, sizeof body, "preliminary_verification", "需要初核", NULL);
    act_ok(lead_east, id, "/disposal", body);
    /* The proposer cannot decide their own proposal, either way. */
    cgt_response_free(act(lead_east, id, "/disposal/approve", NULL, 403));
    cgt_response_free(act(lead_east, id, "/disposal/reject", "{\"reason\":\"mine\"}", 403));
    act_ok(lead_hq, id, "/disposal/approve", NULL);
    expect_status(lead_east, id, "preliminary_verification");

    propose_body(body, sizeof body, "close", "初核完毕", "问题不属实");
    act_ok(lead_east, id, "/disposal", body);
    act_ok(lead_hq, id, "/disposal/approve", NULL);
    expect_status(lead_east, id, "closed");
}

static void reject_then_repropose(void **state)
{
    (void)state;
    char id[37], body[256];
    CGT_CREATE_CLUE(insp_east, "city_a", NULL, id);
    propose_body(body, sizeof body, "close", "证据不足", "查无实据");
    act_ok(insp_east, id, "/disposal", body);
    /* A rejection needs its reason, and announces nothing. */
    cgt_response *r = act(lead_east, id, "/disposal/reject", NULL, 400);
    CGT_CHECK(strstr(r->body, "\"reason\"") != NULL, "the missing field is named: %s", r->body);
    cgt_response_free(r);
    act_ok(lead_east, id, "/disposal/reject", "{\"reason\":\"需补充谈话记录\"}");
    CGT_CHECK(!disposed_event_sent(id), "no disposed event for a rejection");
    cJSON *c = get_clue(insp_east, id);
    CGT_CHECK_STR("registered", cgt_json_str(c, "status"), "a rejection returns the clue");
    const cJSON *d = cJSON_GetObjectItem(c, "disposal");
    CGT_CHECK_STR("rejected", cgt_json_str(d, "state"), id);
    CGT_CHECK_STR("需补充谈话记录", cgt_json_str(d, "decision_reason"), id);
    cJSON_Delete(c);

    propose_body(body, sizeof body, "shelve", "补充材料后暂存", NULL);
    act_ok(insp_east, id, "/disposal", body);
    act_ok(lead_east, id, "/disposal/approve", NULL);
    expect_status(insp_east, id, "shelved");
}

static void invalid_transitions(void **state)
{
    (void)state;
    char id[37], body[256];
    CGT_CREATE_CLUE(insp_east, "city_a", NULL, id);
    act_conflict(lead_east, id, "/disposal/approve", NULL, "registered");
    act_conflict(lead_east, id, "/disposal/reject", "{\"reason\":\"x\"}", "registered");
    act_conflict(insp_east, id, "/reopen", "{\"reason\":\"x\"}", "registered");

    /* Missing fields are 400 with the field, before any state is looked at. */
    cgt_response *r = act(insp_east, id, "/disposal", "{\"way\":\"close\",\"reason\":\"r\"}", 400);
    CGT_CHECK(strstr(r->body, "\"conclusion\"") != NULL, "conclusion is named: %s", r->body);
    cgt_response_free(r);
    cgt_response_free(
        act(insp_east, id, "/disposal", "{\"way\":\"investigate\",\"reason\":\"r\"}", 400));
    /* Only the handler proposes. */
    propose_body(body, sizeof body, "close", "r", "c");
    cgt_response_free(act(lead_east, id, "/disposal", body, 403));

    act_ok(insp_east, id, "/disposal", body);
    act_conflict(insp_east, id, "/disposal", body, "disposal_proposed");
    {
        char me_body[96], me_id[37];
        user_id(insp_east, me_id);
        snprintf(me_body, sizeof me_body, "{\"handler_id\":\"%s\"}", me_id);
        act_conflict(lead_east, id, "/assign", me_body, "disposal_proposed");
    }
    act_ok(lead_east, id, "/disposal/approve", NULL);
    act_conflict(insp_east, id, "/disposal", body, "closed");
    act_conflict(insp_east, id, "/reopen", "{\"reason\":\"x\"}", "closed");

    /* A clue from the intake officer has no handler until a lead assigns. */
    char orphan[37], me[37], assign[96];
    CGT_CREATE_CLUE(intake_east, "city_a", NULL, orphan);
    r = act(insp_east, orphan, "/disposal", body, 409);
    CGT_CHECK(strstr(CGT_JSON_STR(r->json, "detail"), "no handler") != NULL,
              "the 409 says what is missing: %s", r->body);
    cgt_response_free(r);
    user_id(insp_east, me);
    snprintf(assign, sizeof assign, "{\"handler_id\":\"%s\"}", me);
    act_ok(lead_east, orphan, "/assign", assign);
    act_ok(insp_east, orphan, "/disposal", body);
}

/* The west inspector and lead see nothing of an east clue: read, steps and
 * dossier all answer 404, as for a clue that does not exist. */
static void west_sees_nothing(void **state)
{
    (void)state;
    char id[37], path[160];
    CGT_CREATE_CLUE(insp_east, "city_a", NULL, id);
    snprintf(path, sizeof path, "/api/v1/clues/%s", id);
    expect_get(insp_west, path, 404);
    snprintf(path, sizeof path, "/api/v1/clues/%s/dossier", id);
    expect_get(insp_west, path, 404);
    snprintf(path, sizeof path, "/api/v1/clues/%s/dossier/verify", id);
    expect_get(insp_west, path, 404);
    cgt_response_free(
        act(insp_west, id, "/disposal", "{\"way\":\"shelve\",\"reason\":\"r\"}", 404));
    act_ok(insp_east, id, "/disposal", "{\"way\":\"shelve\",\"reason\":\"r\"}");
    cgt_response_free(act(lead_west, id, "/disposal/approve", NULL, 404));
    /* Nor can a west clue be registered by the east. */
    cgt_response *r = cgt_post_clue(insp_east, "city_c", NULL);
    CGT_CHECK_PROBLEM(r, 400);
    CGT_CHECK(strstr(r->body, "unit_code") != NULL, "unit_code is named: %s", r->body);
    cgt_response_free(r);
}

static void link_merge_reopen(void **state)
{
    (void)state;
    char a[37], b[37], c[37], body[128];
    CGT_CREATE_CLUE(insp_east, "city_a", NULL, a);
    CGT_CREATE_CLUE(insp_east, "city_a", NULL, b);
    snprintf(body, sizeof body, "{\"clue_id\":\"%s\"}", b);
    act_ok(insp_east, a, "/link", body);
    cJSON *cb = get_clue(insp_east, b);
    CGT_CHECK(cJSON_GetArraySize(cJSON_GetObjectItem(cb, "linked_clue_ids")) == 1,
              "the link shows on both clues");
    CGT_CHECK_STR(a, cJSON_GetArrayItem(cJSON_GetObjectItem(cb, "linked_clue_ids"), 0)->valuestring,
                  "linked id");
    cJSON_Delete(cb);

    snprintf(body, sizeof body, "{\"into\":\"%s\"}", b);
    act_ok(insp_east, a, "/merge", body);
    cJSON *ca = get_clue(insp_east, a);
    CGT_CHECK_STR("merged", cgt_json_str(ca, "status"), a);
    CGT_CHECK_STR(b, cgt_json_str(ca, "merged_into"), "the merged clue points to the survivor");
    cJSON_Delete(ca);
    act_conflict(insp_east, a, "/merge", body, "merged");
    act_conflict(insp_east, a, "/disposal", "{\"way\":\"shelve\",\"reason\":\"r\"}", "merged");

    /* A shelved clue can be reopened, once. */
    CGT_CREATE_CLUE(insp_east, "city_a", NULL, c);
    act_ok(insp_east, c, "/disposal", "{\"way\":\"shelve\",\"reason\":\"暂存\"}");
    act_ok(lead_east, c, "/disposal/approve", NULL);
    /* Nothing merges into a clue that is no longer open. */
    char closed[37];
    CGT_CREATE_CLUE(insp_east, "city_a", NULL, closed);
    act_ok(insp_east, closed, "/disposal",
           "{\"way\":\"close\",\"reason\":\"r\",\"conclusion\":\"c\"}");
    act_ok(lead_east, closed, "/disposal/approve", NULL);
    snprintf(body, sizeof body, "{\"into\":\"%s\"}", closed);
    act_conflict(insp_east, c, "/merge", body, "closed");
    act_ok(insp_east, c, "/reopen", "{\"reason\":\"新的举报\"}");
    expect_status(insp_east, c, "registered");
    act_conflict(insp_east, c, "/reopen", "{\"reason\":\"again\"}", "registered");
    cJSON *entries = dossier(insp_east, c);
    const cJSON *last = cJSON_GetArrayItem(entries, cJSON_GetArraySize(entries) - 1);
    CGT_CHECK_STR("clue.reopened", cgt_json_str(last, "action"), "the reopen is in the dossier");
    cJSON_Delete(entries);
}

/* Only an active inspector or lead whose unit covers the clue, and who is
 * not one of its subjects, can be assigned to handle it. */
static void assignment_rules(void **state)
{
    (void)state;
    char id[37], who[37], body[96];
    CGT_CREATE_CLUE(lead_east, "city_a", "HR-inspector.east", id);
    user_id(insp_east, who);
    snprintf(body, sizeof body, "{\"handler_id\":\"%s\"}", who);
    cgt_response *r = act(lead_east, id, "/assign", body, 409);
    CGT_CHECK(strstr(r->body, "subject") != NULL, "a subject cannot handle it: %s", r->body);
    cgt_response_free(r);
    user_id(insp_west, who);
    snprintf(body, sizeof body, "{\"handler_id\":\"%s\"}", who);
    r = act(lead_east, id, "/assign", body, 409);
    CGT_CHECK(strstr(r->body, "does not cover") != NULL, "nor someone from the west: %s", r->body);
    /* Without telling an east lead which unit a west account belongs to. */
    CGT_CHECK(strstr(r->body, "hq.west") == NULL, "the west account's unit is not named: %s",
              r->body);
    cgt_response_free(r);
    user_id(auditor_east, who);
    snprintf(body, sizeof body, "{\"handler_id\":\"%s\"}", who);
    r = act(lead_east, id, "/assign", body, 400);
    CGT_CHECK(strstr(r->body, "handler_id") != NULL, "nor an auditor: %s", r->body);
    cgt_response_free(r);
    user_id(lead_hq, who);
    snprintf(body, sizeof body, "{\"handler_id\":\"%s\"}", who);
    act_ok(lead_east, id, "/assign", body);
    cJSON *c = get_clue(lead_hq, id);
    CGT_CHECK_STR(who, cgt_json_str(c, "handler_id"), "the lead of hq handles it now");
    cJSON_Delete(c);
}

/* Someone who declared a recusal no longer sees the clue and cannot be
 * assigned to it. */
static void recusal(void **state)
{
    (void)state;
    char id[37], lead_id[37], path[160], body[96];
    CGT_CREATE_CLUE(insp_east, "city_a", NULL, id);
    cgt_response *r = act(lead_east, id, "/recuse", "{\"reason\":\"与被反映人系亲属\"}", 200);
    CGT_CHECK(cJSON_IsTrue(cJSON_GetObjectItem(r->json, "recused")), "recused: %s", r->body);
    cgt_response_free(r);
    snprintf(path, sizeof path, "/api/v1/clues/%s", id);
    expect_get(lead_east, path, 404);
    snprintf(path, sizeof path, "/api/v1/clues/%s/dossier", id);
    expect_get(lead_east, path, 404);
    act_ok(insp_east, id, "/disposal", "{\"way\":\"shelve\",\"reason\":\"r\"}");
    cgt_response_free(act(lead_east, id, "/disposal/approve", NULL, 404));
    user_id(lead_east, lead_id);
    snprintf(body, sizeof body, "{\"handler_id\":\"%s\"}", lead_id);
    act_ok(lead_hq, id, "/disposal/approve", NULL);
    r = act(lead_hq, id, "/assign", body, 409);
    CGT_CHECK(strstr(r->body, "recusal") != NULL, "the 409 says why: %s", r->body);
    cgt_response_free(r);
    /* Others still see it, the recusal on its dossier. */
    cJSON *entries = dossier(lead_hq, id);
    bool found = false;
    for (int i = 0; i < cJSON_GetArraySize(entries); i++)
        found = found ||
                strcmp(cgt_json_str(cJSON_GetArrayItem(entries, i), "action"), "clue.recused") == 0;
    CGT_CHECK(found, "the recusal is in the dossier");
    cJSON_Delete(entries);
}

/* A subject of a clue never sees it, whatever their role: their person id
 * among the clue's subjects. Needs accounts linked to persons;
 * without one the check cannot be made and says so. */
static void subject_never_sees(void **state)
{
    (void)state;
    cgt_response *me = cgt_get("/api/v1/auth/me", lead_east);
    CGT_CHECK_STATUS(me, 200);
    const char *person = cgt_json_str(CGT_JSON_OBJECT(me), "person_id");
    if (person == NULL || person[0] == '\0') {
        printf("subject_never_sees: lead.east has no person_id yet; not checked\n");
        cgt_response_free(me);
        return;
    }
    char id[37], path[160];
    CGT_CREATE_CLUE(insp_east, "city_a", person, id);
    snprintf(path, sizeof path, "/api/v1/clues/%s", id);
    expect_get(lead_east, path, 404);
    expect_get(lead_hq, path, 200);
    act_ok(insp_east, id, "/disposal", "{\"way\":\"shelve\",\"reason\":\"r\"}");
    cgt_response_free(act(lead_east, id, "/disposal/approve", NULL, 404));
    /* Nobody registers a clue about themselves. */
    cgt_response *r = cgt_post_clue(lead_east, "city_a", person);
    CGT_CHECK_PROBLEM(r, 403);
    cgt_response_free(r);
    cgt_response_free(me);
}

static void bad_registrations(void **state)
{
    (void)state;
    static const char *const bad[][2] = {
        {"source", "\"public_report\""},
        {"categories", "[\"gossip\"]"},
        {"categories", "[]"},
        {"subjects", "[]"},
        {"subjects", "[{\"position\":\"x\"}]"},
        {"received_date", "\"2026-02-30\""},
        {"received_date", "\"yesterday\""},
        {"unit_code", "\"nowhere\""},
        {"colour", "\"red\""},
        {"summary", "\"  \""},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        cJSON *b = cgt_clue_body("city_a", NULL);
        cJSON_DeleteItemFromObject(b, bad[i][0]);
        cJSON_AddItemToObject(b, bad[i][0], cJSON_Parse(bad[i][1]));
        cgt_response *r = cgt_post_json("/api/v1/clues", insp_east, b);
        cJSON_Delete(b);
        CGT_CHECK_PROBLEM(r, 400);
        CGT_CHECK(strstr(r->body, bad[i][0]) != NULL, "%s=%s is named: %s", bad[i][0], bad[i][1],
                  r->body);
        cgt_response_free(r);
    }
}

static void dossier_reads_and_tampering(void **state)
{
    (void)state;
    char id[37], sql[512], auditor_id[37];
    long bad = 0;
    CGT_CREATE_CLUE(insp_east, "city_a", NULL, id);
    act_ok(insp_east, id, "/disposal", "{\"way\":\"shelve\",\"reason\":\"r\"}");
    act_ok(lead_east, id, "/disposal/reject", "{\"reason\":\"no\"}");

    /* The handler's reads leave no entry; the auditor's do. */
    cJSON *entries = dossier(insp_east, id);
    int n = cJSON_GetArraySize(entries);
    cJSON_Delete(entries);
    entries = dossier(insp_east, id);
    CGT_CHECK_INT(n, cJSON_GetArraySize(entries), "a handler's read is not an entry");
    cJSON_Delete(entries);
    cJSON_Delete(dossier(auditor_east, id));
    entries = dossier(insp_east, id);
    CGT_CHECK_INT(n + 1, cJSON_GetArraySize(entries), "the auditor's read is an entry");
    const cJSON *last = cJSON_GetArrayItem(entries, n);
    user_id(auditor_east, auditor_id);
    CGT_CHECK_STR("dossier.read", cgt_json_str(last, "action"), "last entry");
    CGT_CHECK_STR(auditor_id, cgt_json_str(last, "actor_id"), "the reader");
    cJSON_Delete(entries);
    CGT_CHECK(verify(insp_east, id, &bad), "whole before tampering");

    /* The gateway's audit trail holds the read too, and the steps. */
    char *auditor = CGT_LOGIN("auditor");
    static const char *const actions[] = {"dossier.read", "clue.disposal_proposed",
                                          "clue.disposal_rejected"};
    for (size_t i = 0; i < sizeof actions / sizeof actions[0]; i++) {
        char path[128];
        snprintf(path, sizeof path, "/api/v1/audit?limit=100&action=%s", actions[i]);
        cgt_response *r = cgt_get(path, auditor);
        CGT_CHECK_STATUS(r, 200);
        const cJSON *item;
        bool found = false;
        cJSON_ArrayForEach(item, cJSON_GetObjectItem(CGT_JSON_OBJECT(r), "items"))
        {
            const char *target = cgt_json_str(cJSON_GetObjectItem(item, "target"), "id");
            found = found || (target != NULL && strcmp(target, id) == 0);
        }
        CGT_CHECK(found, "an audit row %s for clue %s", actions[i], id);
        cgt_response_free(r);
    }
    cgt_logout(auditor);

    /* The database refuses a plain change... */
    snprintf(sql, sizeof sql,
             "UPDATE dossier_entries SET action = 'clue.forged' WHERE file_id = '%s' AND seq = 2",
             id);
    CGT_CHECK(cgt_psql("cg_case", sql) != 0, "a plain UPDATE of an entry is refused");
    snprintf(sql, sizeof sql, "DELETE FROM dossier_entries WHERE file_id = '%s'", id);
    CGT_CHECK(cgt_psql("cg_case", sql) != 0, "a DELETE of entries is refused");
    CGT_CHECK(verify(insp_east, id, &bad), "still whole");
    /* ...and verify finds one made behind the trigger's back. */
    snprintf(sql, sizeof sql,
             "BEGIN; ALTER TABLE dossier_entries DISABLE TRIGGER dossier_entries_append_only;"
             " UPDATE dossier_entries SET summary = jsonb_set(summary, '{reason}', '\\\"yes\\\"')"
             " WHERE file_id = '%s' AND seq = 3;"
             " ALTER TABLE dossier_entries ENABLE TRIGGER dossier_entries_append_only; COMMIT;",
             id);
    CGT_CHECK_INT(0, cgt_psql("cg_case", sql), "tampering as the superuser");
    CGT_CHECK(!verify(insp_east, id, &bad), "verify sees the change");
    CGT_CHECK_INT(3, bad, "verify names the changed entry");
}

/* Concurrent reads by someone other than the handler each append an entry
 * to the same file at once: the chain stays one line, seq 1, 2, 3, ...
 * without a gap or a fork, and verify finds it whole. No CGT_ check runs on
 * the threads: a failure must not jump across them. */
#define READERS 6
#define READS_EACH 4

typedef struct reader {
    const char *path;
    int ok;
} reader;

static void *read_dossier(void *arg)
{
    reader *rd = arg;
    for (int i = 0; i < READS_EACH; i++) {
        cgt_response *r = cgt_get(rd->path, auditor_east);
        rd->ok += r->status == 200;
        cgt_response_free(r);
    }
    return NULL;
}

static void concurrent_appends_stay_linear(void **state)
{
    (void)state;
    char id[37], path[160];
    long bad = 0;
    CGT_CREATE_CLUE(insp_east, "city_a", NULL, id);
    snprintf(path, sizeof path, "/api/v1/clues/%s/dossier?limit=1", id);
    pthread_t threads[READERS];
    reader readers[READERS];
    for (int i = 0; i < READERS; i++) {
        readers[i] = (reader){path, 0};
        CGT_CHECK(pthread_create(&threads[i], NULL, read_dossier, &readers[i]) == 0,
                  "pthread_create");
    }
    int ok = 0;
    for (int i = 0; i < READERS; i++) {
        pthread_join(threads[i], NULL);
        ok += readers[i].ok;
    }
    CGT_CHECK_INT(READERS * READS_EACH, ok, "every concurrent read answered 200");
    cJSON *entries = dossier(insp_east, id);
    CGT_CHECK_INT(1 + READERS * READS_EACH, cJSON_GetArraySize(entries),
                  "one entry per read, after clue.created");
    for (int i = 0; i < cJSON_GetArraySize(entries); i++) {
        const cJSON *seq = cJSON_GetObjectItem(cJSON_GetArrayItem(entries, i), "seq");
        CGT_CHECK(cJSON_IsNumber(seq) && (int)seq->valuedouble == i + 1, "seq %d in order", i + 1);
    }
    cJSON_Delete(entries);
    CGT_CHECK(verify(insp_east, id, &bad), "the chain is whole after concurrent appends");
}

/* The number of clues token lists with the query string filters (200). */
static int count_listed(const char *token, const char *filters)
{
    char path[512];
    snprintf(path, sizeof path, "/api/v1/clues?limit=100&%s", filters);
    cgt_response *r = cgt_get(path, token);
    CGT_CHECK_STATUS(r, 200);
    int n = cJSON_GetArraySize(cJSON_GetObjectItem(CGT_JSON_OBJECT(r), "items"));
    cgt_response_free(r);
    return n;
}

/* Lists filtered by stage, source, category, unit subtree, received date
 * and a substring of a subject's name, combined. */
static void list_filters(void **state)
{
    (void)state;
    char id[37], f[400], today[16], tomorrow[16];
    CGT_CREATE_CLUE(insp_east, "city_b", NULL, id);
    cJSON *c = get_clue(insp_east, id);
    const char *name =
        cgt_json_str(cJSON_GetArrayItem(cJSON_GetObjectItem(c, "subjects"), 0), "name");
    char token[40];
    /* "cgt subject <hex>": the hex is this clue's alone. */
    snprintf(token, sizeof token, "%s", strrchr(name, ' ') + 1);
    snprintf(today, sizeof today, "%s", cgt_json_str(c, "received_date"));
    cJSON_Delete(c);
    time_t t = time(NULL) + 24 * 3600;
    struct tm tm;
    gmtime_r(&t, &tm);
    strftime(tomorrow, sizeof tomorrow, "%Y-%m-%d", &tm);

    snprintf(f, sizeof f, "q=%s", token);
    CGT_CHECK_INT(1, count_listed(insp_east, f), "found by a subject's name");
    CGT_CHECK_INT(0, count_listed(insp_west, f), "not by the west");
    snprintf(f, sizeof f,
             "q=%s&status=registered&source=letters_visits&category=integrity"
             "&unit_code=city_b&received_from=%s&received_to=%s",
             token, today, today);
    CGT_CHECK_INT(1, count_listed(insp_east, f), "every filter at once");
    static const char *const none[] = {"status=shelved", "source=own_work", "category=mass",
                                       "unit_code=city_a"};
    for (size_t i = 0; i < sizeof none / sizeof none[0]; i++) {
        snprintf(f, sizeof f, "q=%s&%s", token, none[i]);
        CGT_CHECK_INT(0, count_listed(insp_east, f), none[i]);
    }
    snprintf(f, sizeof f, "q=%s&received_from=%s", token, tomorrow);
    CGT_CHECK_INT(0, count_listed(insp_east, f), "received before tomorrow");

    /* The dashboard counts the same clues. */
    snprintf(f, sizeof f, "/api/v1/clues/statistics?q=%s&unit_code=east", token);
    cgt_response *st = cgt_get(f, insp_east);
    CGT_CHECK_STATUS(st, 200);
    const cJSON *so = CGT_JSON_OBJECT(st);
    char month[8];
    snprintf(month, sizeof month, "%.7s", today);
    static const char *const one[][2] = {{"by_stage", "registered"},
                                         {"by_source", "letters_visits"},
                                         {"by_category", "integrity"},
                                         {"by_unit", "hq.east.city_b"},
                                         {"by_month", NULL}};
    CGT_CHECK(cJSON_GetObjectItem(so, "total")->valuedouble == 1, "total 1: %s", st->body);
    for (size_t i = 0; i < sizeof one / sizeof one[0]; i++) {
        const cJSON *n =
            cJSON_GetObjectItem(cJSON_GetObjectItem(so, one[i][0]), one[i][1] ? one[i][1] : month);
        CGT_CHECK(cJSON_IsNumber(n) && n->valuedouble == 1, "%s counts it once: %s", one[i][0],
                  st->body);
    }
    cgt_response_free(st);

    act_ok(insp_east, id, "/disposal", "{\"way\":\"shelve\",\"reason\":\"r\"}");
    act_ok(lead_east, id, "/disposal/approve", NULL);
    snprintf(f, sizeof f, "q=%s&status=shelved", token);
    CGT_CHECK_INT(1, count_listed(insp_east, f), "listed under its new stage");

    static const char *const bad[][2] = {
        {"status=bogus", "status"},
        {"category=gossip", "category"},
        {"received_from=2026-13-01", "received_from"},
        {"unit_code=city_c", "unit_code"},
        {"handler_id=me", "handler_id"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        snprintf(f, sizeof f, "/api/v1/clues?%s", bad[i][0]);
        cgt_response *r = cgt_get(f, insp_east);
        CGT_CHECK_PROBLEM(r, 400);
        CGT_CHECK(strstr(r->body, bad[i][1]) != NULL, "%s is named: %s", bad[i][0], r->body);
        cgt_response_free(r);
    }
}

/* A clue registered as received days_ago days ago; its id into id. */
static void clue_received(const char *token, int days_ago, char id[37])
{
    CGT_CREATE_CLUE_RECEIVED(token, "city_a", days_ago, NULL, id);
}

static void expect_deadline(const char *id, const char *state)
{
    cJSON *c = get_clue(insp_east, id);
    const cJSON *d = cJSON_GetObjectItem(c, "deadline_state");
    if (state == NULL)
        CGT_CHECK(cJSON_IsNull(d) && cJSON_IsNull(cJSON_GetObjectItem(c, "deadline")),
                  "no deadline for %s", id);
    else
        CGT_CHECK_STR(state, cgt_json_str(c, "deadline_state"), id);
    cJSON_Delete(c);
}

/* A clue is disposed of within CG_CASE_DISPOSAL_DAYS (30) of its receipt:
 * on time, due soon in the last CG_CASE_DUE_SOON_DAYS (7), overdue after;
 * an approved preliminary verification starts its own 90 days; a closed
 * clue has none. Lists filter the overdue ones. */
static void deadlines(void **state)
{
    (void)state;
    char fresh[37], soon[37], late[37], f[160];
    clue_received(insp_east, 0, fresh);
    clue_received(insp_east, 25, soon);
    clue_received(insp_east, 40, late);
    expect_deadline(fresh, "on_time");
    expect_deadline(soon, "due_soon");
    expect_deadline(late, "overdue");
    cJSON *c = get_clue(insp_east, late);
    char q[40];
    snprintf(
        q, sizeof q, "%s",
        strrchr(cgt_json_str(cJSON_GetArrayItem(cJSON_GetObjectItem(c, "subjects"), 0), "name"),
                ' ') +
            1);
    cJSON_Delete(c);
    snprintf(f, sizeof f, "q=%s&overdue=true", q);
    CGT_CHECK_INT(1, count_listed(insp_east, f), "the overdue clue is listed as overdue");

    /* A proposal leaves the deadline running; the approval starts the next. */
    act_ok(insp_east, late, "/disposal", "{\"way\":\"preliminary_verification\",\"reason\":\"r\"}");
    expect_deadline(late, "overdue");
    act_ok(lead_east, late, "/disposal/approve", NULL);
    expect_deadline(late, "on_time");
    CGT_CHECK_INT(0, count_listed(insp_east, f), "no longer overdue");
    act_ok(insp_east, soon, "/disposal",
           "{\"way\":\"close\",\"reason\":\"r\",\"conclusion\":\"c\"}");
    act_ok(lead_east, soon, "/disposal/approve", NULL);
    expect_deadline(soon, NULL);
}

/* A repeated registration with the same Idempotency-Key is the first one. */
static void registration_is_idempotent(void **state)
{
    (void)state;
    char key[40], auth[160], line[80];
    cgt_token_hex(key, 32);
    snprintf(line, sizeof line, "Idempotency-Key: %s", key);
    snprintf(auth, sizeof auth, "Authorization: Bearer %s", insp_east);
    const char *headers[] = {"Content-Type: application/json", auth, line, NULL};
    cJSON *b = cgt_clue_body("city_a", NULL);
    char *text = cJSON_PrintUnformatted(b);
    cJSON_Delete(b);
    cgt_response *first = cgt_request("POST", "/api/v1/clues", headers, text, strlen(text));
    cgt_response *again = cgt_request("POST", "/api/v1/clues", headers, text, strlen(text));
    free(text);
    CGT_CHECK_STATUS(first, 201);
    CGT_CHECK_STATUS(again, 201);
    CGT_CHECK_STR(CGT_JSON_STR(first->json, "id"), CGT_JSON_STR(again->json, "id"),
                  "the repeat answers the first clue");
    cgt_response_free(first);
    cgt_response_free(again);
}

int main(void)
{
    cgt_init("clue_lifecycle", CGT_NEED_STACK);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(five_ways),
        cmocka_unit_test(further_disposal_and_own_approval),
        cmocka_unit_test(filing),
        cmocka_unit_test(reject_then_repropose),
        cmocka_unit_test(invalid_transitions),
        cmocka_unit_test(west_sees_nothing),
        cmocka_unit_test(link_merge_reopen),
        cmocka_unit_test(assignment_rules),
        cmocka_unit_test(recusal),
        cmocka_unit_test(subject_never_sees),
        cmocka_unit_test(bad_registrations),
        cmocka_unit_test(dossier_reads_and_tampering),
        cmocka_unit_test(concurrent_appends_stay_linear),
        cmocka_unit_test(registration_is_idempotent),
        cmocka_unit_test(list_filters),
        cmocka_unit_test(deadlines),
    };
    int failed = cmocka_run_group_tests_name("clue_lifecycle", tests, group_setup, group_teardown);
    cgt_cleanup();
    return failed ? 1 : 0;
}
