/* A case's stages after filing (立案后), through the API as the
 * demo users: a clue proposed for filing, approved and filed, then the
 * case's first move (start_investigation by its investigator) with its
 * dossier entry; investigation measures and the report; every move in
 * the wrong stage, and a move whose
 * prerequisite is missing, refused with 409 naming the stage or what is
 * missing; an unknown action 400; the west sees nothing (404). */
#include "cgt.h"

#include <nats/nats.h>
#include <stdio.h>
#include <string.h>

#include "cleangrid/v1/case_disposition.pb-c.h"

/* Tokens of the demo accounts this test acts as. */
static char *insp_east, *lead_east, *lead_hq, *insp_west, *auditor_east, *insp_hq;
static natsConnection *nc;
static natsSubscription *disposed_sub;

static int group_setup(void **state)
{
    (void)state;
    insp_east = CGT_LOGIN("inspector.east");
    lead_east = CGT_LOGIN("lead.east");
    lead_hq = CGT_LOGIN("lead");
    insp_west = CGT_LOGIN("inspector.west");
    auditor_east = CGT_LOGIN("auditor.east");
    insp_hq = CGT_LOGIN("inspector");
    natsStatus s = natsConnection_ConnectTo(&nc, cgt_nats_url());
    CGT_CHECK(s == NATS_OK, "connect to %s: %s", cgt_nats_url(), natsStatus_GetText(s));
    s = natsConnection_SubscribeSync(&disposed_sub, nc, "cg.evt.case.case.disposed");
    CGT_CHECK(s == NATS_OK, "subscribe: %s", natsStatus_GetText(s));
    return 0;
}

static int group_teardown(void **state)
{
    (void)state;
    natsSubscription_Destroy(disposed_sub);
    natsConnection_Destroy(nc);
    disposed_sub = NULL;
    nc = NULL;
    nats_Close();
    char **all[] = {&insp_east, &lead_east, &lead_hq, &insp_west, &auditor_east, &insp_hq};
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
    CGT_FILED_CASE(insp_east, lead_east, lead_hq, "city_b", case_id);
}

/* POST body to /api/v1/cases/<id><suffix> as token; fails unless the
 * answer is want. The caller frees the answer. */
static cgt_response *case_post(const char *token, const char *case_id, const char *suffix,
                               const char *body, long want)
{
    char path[128];
    snprintf(path, sizeof path, "/api/v1/cases/%s%s", case_id, suffix);
    return CGT_POST(token, path, body, want);
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

/* The last entry of the case's dossier has action want and, unless to is
 * NULL, names the stage to; the chain is whole. */
static void check_last_entry(const char *case_id, const char *want, const char *to)
{
    char path[160];
    snprintf(path, sizeof path, "/api/v1/cases/%s/dossier?limit=100", case_id);
    cgt_response *r = cgt_get(path, lead_east);
    CGT_CHECK_STATUS(r, 200);
    const cJSON *items = cJSON_GetObjectItem(CGT_JSON_OBJECT(r), "items");
    const cJSON *last = cJSON_GetArrayItem(items, cJSON_GetArraySize(items) - 1);
    CGT_CHECK_STR(want, cgt_json_str(last, "action"), "the case's last dossier entry");
    if (to != NULL)
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

    /* Bad measures name each field: the gateway the shape (a date that is
     * no date), then the service what the measure lacks, all of them at
     * once; nothing is logged. */
    r = case_post(insp_east, case_id, "/measures",
                  "{\"kind\":\"talk\",\"date\":\"2026-13-40\",\"who\":\"\"}", 400);
    CGT_CHECK(strstr(r->body, "\"date\"") != NULL, "names date: %s", r->body);
    cgt_response_free(r);
    r = case_post(insp_east, case_id, "/measures",
                  "{\"kind\":\"talk\",\"date\":\"2026-03-02\",\"who\":\"\"}", 400);
    static const char *const fields[] = {"\"who\"", "\"summary\""};
    for (size_t i = 0; i < 2; i++)
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
    r = case_act(lead_east, case_id, "approve_extension", 400);
    CGT_CHECK(strstr(r->body, "route of its own") != NULL, "names its route: %s", r->body);
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

/* --- investigators, disposition items, closure, extension, list --- */

/* POST body to /api/v1/cases/<id><suffix> as token, want the status and,
 * for a 4xx, a detail or body holding says. */
static void case_refused(const char *token, const char *case_id, const char *suffix,
                         const char *body, long want, const char *says)
{
    cgt_response *r = case_post(token, case_id, suffix, body, want);
    CGT_CHECK(says[0] == '\0' || strstr(r->body, says) != NULL,
              "%s refused (%ld) saying \"%s\": %s", suffix, want, says, r->body);
    cgt_response_free(r);
}

/* True if the case answer r names id among its investigators. */
static bool has_investigator(const cJSON *k, const char *id)
{
    const cJSON *ids = cJSON_GetObjectItem(k, "investigators");
    const cJSON *one;
    cJSON_ArrayForEach(one, ids)
    {
        if (cJSON_IsString(one) && strcmp(one->valuestring, id) == 0)
            return true;
    }
    return false;
}

/* {"investigator_id": id} into body (96 bytes). */
static void investigator_body(const char *id, char body[96])
{
    snprintf(body, 96, "{\"investigator_id\":\"%s\"}", id);
}

/* Investigators (调查组): the clue's handler first, others named by a lead,
 * each checked like the handler (scope, recusal); named ones take the
 * investigators' actions; the handler stays. */
static void investigators_named(void **state)
{
    (void)state;
    char case_id[37], handler[37], hq[37], west[37], body[96];
    filed_case(case_id);
    account_id(insp_east, handler);
    account_id(insp_hq, hq);
    account_id(insp_west, west);

    /* Before it is named, the hq inspector (who sees the case) may not
     * start the investigation. */
    cgt_response_free(case_act(insp_hq, case_id, "start_investigation", 403));
    investigator_body(hq, body);
    cgt_response_free(case_post(insp_east, case_id, "/investigators", body, 403));
    cgt_response *r = case_post(lead_east, case_id, "/investigators", body, 200);
    CGT_CHECK(has_investigator(r->json, handler) && has_investigator(r->json, hq),
              "the handler and the named one: %s", r->body);
    cgt_response_free(r);
    check_last_entry(case_id, "case.investigator_added", NULL);
    case_refused(lead_east, case_id, "/investigators", body, 409, "already an investigator");

    /* The west inspector's unit does not cover the case; unknown ids 400. */
    investigator_body(west, body);
    case_refused(lead_east, case_id, "/investigators", body, 409, "does not cover");
    case_refused(lead_east, case_id, "/investigators",
                 "{\"investigator_id\":\"00000000-0000-4000-8000-000000000000\"}", 400,
                 "investigator_id");
    case_refused(lead_east, case_id, "/investigators", "{\"who\":1}", 400, "who");

    /* The handler stays; the named one takes the investigators' actions. */
    investigator_body(handler, body);
    case_refused(lead_east, case_id, "/investigators/remove", body, 409, "handler");
    r = case_act(insp_hq, case_id, "start_investigation", 200);
    CGT_CHECK_STR("investigation", CGT_JSON_STR(r->json, "stage"), r->body);
    cgt_response_free(r);
    investigator_body(hq, body);
    r = case_post(lead_east, case_id, "/investigators/remove", body, 200);
    CGT_CHECK(!has_investigator(r->json, hq), "removed: %s", r->body);
    cgt_response_free(r);
    case_refused(lead_east, case_id, "/investigators/remove", body, 409, "not a named");

    /* Someone who declared a recusal on the clue cannot be named. */
    char clue_id[37];
    char path[128];
    snprintf(path, sizeof path, "/api/v1/cases/%s", case_id);
    r = cgt_get(path, lead_east);
    CGT_CHECK_STATUS(r, 200);
    snprintf(clue_id, sizeof clue_id, "%s", CGT_JSON_STR(r->json, "clue_id"));
    cgt_response_free(r);
    r = cgt_clue_act(insp_hq, clue_id, "/recuse", "{\"reason\":\"与被反映人系同学\"}");
    CGT_CHECK_STATUS(r, 200);
    cgt_response_free(r);
    case_refused(lead_east, case_id, "/investigators", body, 409, "recus");
    /* Only until the report is in. */
    check_stage(lead_east, case_id, "investigation");
}

/* The disposed event about case_id, within 10 s; NULL (after a failed
 * check) if none came. The caller frees it. */
static Cleangrid__V1__CaseDisposed *await_disposed(const char *case_id)
{
    int64_t until = cgt_now_ms() + 10000;
    for (int64_t left = 10000; left > 0; left = until - cgt_now_ms()) {
        natsMsg *m = NULL;
        if (natsSubscription_NextMsg(&m, disposed_sub, left) != NATS_OK)
            break;
        Cleangrid__V1__CaseDisposed *ev = cleangrid__v1__case_disposed__unpack(
            NULL, (size_t)natsMsg_GetDataLength(m), (const uint8_t *)natsMsg_GetData(m));
        natsMsg_Destroy(m);
        CGT_CHECK(ev != NULL && ev->meta != NULL, "a CaseDisposed");
        if (strcmp(ev->case_id, case_id) == 0)
            return ev;
        cleangrid__v1__case_disposed__free_unpacked(ev, NULL);
    }
    CGT_FAIL("no cg.evt.case.case.disposed about case %s", case_id);
    return NULL;
}

/* The id of the item of kind in the case answer k into out. */
static void item_of(const cJSON *k, const char *kind, char out[37])
{
    const cJSON *t;
    out[0] = '\0';
    cJSON_ArrayForEach(t, cJSON_GetObjectItem(k, "items"))
    {
        if (strcmp(cgt_json_str(t, "kind"), kind) == 0)
            snprintf(out, 37, "%s", cgt_json_str(t, "id"));
    }
    CGT_CHECK(out[0] != '\0', "an item of kind %s", kind);
}

/* The seq of the last entry of the case's dossier as token reads it. */
static long long last_seq(const char *token, const char *case_id)
{
    return cgt_dossier_last_seq(token, "cases", case_id);
}

/* A case from filing to closure: investigators, measure, report, review by
 * someone who did not investigate, disposition items (added and removed
 * only in review, frozen by the decision, each marked executed), the
 * disposed event, closure only when every item is executed. */
static void walk_to_closure(void **state)
{
    (void)state;
    char case_id[37], hq[37], reviewer[37], body[512], subject[64];
    filed_case(case_id);
    account_id(insp_hq, hq);
    account_id(lead_east, reviewer);
    investigator_body(hq, body);
    cgt_response_free(case_post(lead_east, case_id, "/investigators", body, 200));
    cgt_response_free(case_act(insp_east, case_id, "start_investigation", 200));
    cgt_response_free(case_post(insp_hq, case_id, "/measures",
                                "{\"kind\":\"talk\",\"date\":\"2026-03-02\",\"who\":\"王调查\","
                                "\"summary\":\"谈话\"}",
                                200));
    cgt_response_free(case_post(insp_hq, case_id, "/actions",
                                "{\"action\":\"submit_report\",\"report\":\"问题属实\"}", 200));
    /* The named investigator cannot review. */
    snprintf(body, sizeof body, "{\"action\":\"start_review\",\"reviewer_id\":\"%s\"}", hq);
    case_refused(lead_hq, case_id, "/actions", body, 409, "investigator");
    /* Items only in review. */
    case_refused(lead_hq, case_id, "/items", "{\"kind\":\"transfer_judicial\",\"subject\":\"x\"}",
                 409, "allowed only in stage review");
    snprintf(body, sizeof body, "{\"action\":\"start_review\",\"reviewer_id\":\"%s\"}", reviewer);
    cgt_response *r = case_post(lead_hq, case_id, "/actions", body, 200);
    snprintf(subject, sizeof subject, "%s",
             cgt_json_str(cJSON_GetArrayItem(cJSON_GetObjectItem(r->json, "subjects"), 0), "name"));
    CGT_CHECK_STR("on_time", CGT_JSON_STR(r->json, "deadline_state"), "review has a deadline");
    cgt_response_free(r);

    /* Bad items: each field named; nothing stored. */
    snprintf(body, sizeof body,
             "{\"kind\":\"party_discipline\",\"measure\":\"demerit\",\"subject\":\"%s\"}", subject);
    case_refused(lead_hq, case_id, "/items", body, 400, "measure");
    case_refused(lead_hq, case_id, "/items",
                 "{\"kind\":\"government_sanction\",\"measure\":\"demerit\",\"subject\":\"某人\"}",
                 400, "subject");
    snprintf(body, sizeof body, "{\"kind\":\"illicit_gains\",\"subject\":\"%s\",\"amount_fen\":0}",
             subject);
    case_refused(lead_hq, case_id, "/items", body, 400, "amount_fen");
    case_refused(lead_hq, case_id, "/items",
                 "{\"kind\":\"rectification\",\"text\":\"整改\",\"unit_code\":\"city_c\","
                 "\"deadline\":\"2026-12-31\"}",
                 400, "unit_code");
    case_refused(lead_hq, case_id, "/items", "{\"kind\":\"rectification\",\"text\":\"整改\"}", 400,
                 "deadline");
    snprintf(body, sizeof body,
             "{\"kind\":\"party_discipline\",\"measure\":\"warning\",\"subject\":\"%s\"}", subject);
    cgt_response_free(case_post(insp_east, case_id, "/items", body, 403));

    /* Nothing decided without an item. */
    const char *no_items[] = {"stage review", "no disposition item", NULL};
    case_conflict(lead_hq, case_id, "decide_disposition", no_items);

    snprintf(body, sizeof body,
             "{\"kind\":\"party_discipline\",\"measure\":\"warning\",\"subject\":\"%s\"}", subject);
    cgt_response_free(case_post(lead_hq, case_id, "/items", body, 200));
    check_last_entry(case_id, "case.item_added", NULL);
    snprintf(body, sizeof body,
             "{\"kind\":\"illicit_gains\",\"subject\":\"%s\",\"amount_fen\":1234500}", subject);
    cgt_response_free(case_post(lead_hq, case_id, "/items", body, 200));
    snprintf(body, sizeof body, "{\"kind\":\"transfer_judicial\",\"subject\":\"%s\"}", subject);
    cgt_response_free(case_post(lead_hq, case_id, "/items", body, 200));
    r = case_post(lead_hq, case_id, "/items",
                  "{\"kind\":\"rectification\",\"text\":\"完善招标监督制度\",\"unit_code\":"
                  "\"city_b\",\"deadline\":\"2026-12-31\"}",
                  200);
    CGT_CHECK_INT(4, cJSON_GetArraySize(cJSON_GetObjectItem(r->json, "items")), "four items");
    char judicial[37], party[37];
    item_of(r->json, "transfer_judicial", judicial);
    item_of(r->json, "party_discipline", party);
    cgt_response_free(r);
    snprintf(body, sizeof body, "{\"item_id\":\"%s\"}", judicial);
    r = case_post(lead_hq, case_id, "/items/remove", body, 200);
    CGT_CHECK_INT(3, cJSON_GetArraySize(cJSON_GetObjectItem(r->json, "items")), "three items");
    cgt_response_free(r);
    check_last_entry(case_id, "case.item_removed", NULL);
    case_refused(lead_hq, case_id, "/items/remove", body, 404, "not found");
    snprintf(body, sizeof body, "{\"item_id\":\"%s\",\"date\":\"2026-04-01\"}", party);
    case_refused(insp_east, case_id, "/items/execute", body, 409,
                 "allowed only in stage disposition_decided");

    /* The decision freezes the items and announces them. */
    r = case_act(lead_hq, case_id, "decide_disposition", 200);
    CGT_CHECK_STR("disposition_decided", CGT_JSON_STR(r->json, "stage"), r->body);
    cgt_response_free(r);
    Cleangrid__V1__CaseDisposed *ev = await_disposed(case_id);
    CGT_CHECK_INT(2, (long long)ev->n_items, "two items in the event");
    CGT_CHECK_INT(1, (long long)ev->n_recommendations, "one recommendation");
    CGT_CHECK_INT(1, (long long)ev->n_subjects, "the subject");
    CGT_CHECK_STR(subject, ev->subjects[0]->name, "the subject's name");
    CGT_CHECK_STR("hq.east.city_b", ev->recommendations[0]->org_path, "the unit");
    CGT_CHECK(ev->meta->event_id[0] != '\0', "an event id");
    for (size_t i = 0; i < ev->n_items; i++) {
        if (strcmp(ev->items[i]->kind, "illicit_gains") == 0)
            CGT_CHECK_INT(1234500, ev->items[i]->amount_fen, "the amount in fen");
    }
    cleangrid__v1__case_disposed__free_unpacked(ev, NULL);
    snprintf(body, sizeof body, "{\"kind\":\"transfer_judicial\",\"subject\":\"%s\"}", subject);
    case_refused(lead_hq, case_id, "/items", body, 409, "allowed only in stage review");

    /* Closure waits for every item, naming the first not executed. */
    const char *first[] = {"stage disposition_decided", "party_discipline warning", NULL};
    case_conflict(lead_hq, case_id, "close", first);
    char path[128];
    snprintf(path, sizeof path, "/api/v1/cases/%s", case_id);
    r = cgt_get(path, lead_hq);
    CGT_CHECK_STATUS(r, 200);
    const cJSON *t;
    char ids[3][37];
    int n = 0;
    cJSON_ArrayForEach(t, cJSON_GetObjectItem(r->json, "items"))
    {
        if (n < 3)
            snprintf(ids[n++], 37, "%s", cgt_json_str(t, "id"));
    }
    cgt_response_free(r);
    CGT_CHECK_INT(3, n, "three items to execute");
    for (int i = 0; i < n; i++) {
        snprintf(body, sizeof body,
                 "{\"item_id\":\"%s\",\"date\":\"2026-04-0%d\",\"note\":\"已执行\"}", ids[i],
                 i + 1);
        cgt_response_free(case_post(insp_east, case_id, "/items/execute", body, 200));
        if (i == 0) {
            case_refused(insp_east, case_id, "/items/execute", body, 409, "already");
            check_last_entry(case_id, "case.item_executed", NULL);
        }
    }
    r = case_act(lead_hq, case_id, "close", 200);
    CGT_CHECK_STR("closed", CGT_JSON_STR(r->json, "stage"), r->body);
    CGT_CHECK(cJSON_IsNull(cJSON_GetObjectItem(r->json, "deadline")), "closed: no deadline");
    const cJSON *done = cJSON_GetArrayItem(cJSON_GetObjectItem(r->json, "items"), 0);
    CGT_CHECK(cJSON_IsTrue(cJSON_GetObjectItem(done, "executed")), "executed: %s", r->body);
    CGT_CHECK_STR("2026-04-01", cgt_json_str(done, "executed_on"), "the day");
    cgt_response_free(r);
    check_last_entry(case_id, "case.stage_changed", "closed");

    /* An investigator's dossier reads are not entries; anyone else's are. */
    long long seq = last_seq(insp_hq, case_id);
    CGT_CHECK_INT(seq, last_seq(insp_hq, case_id), "an investigator's read adds nothing");
    (void)last_seq(auditor_east, case_id);
    CGT_CHECK_INT(seq + 1, last_seq(insp_hq, case_id), "the auditor's read is an entry");
}

/* The investigation deadline (90 days by default) and its one extension:
 * requested by an investigator, decided by a lead other than the
 * requester; a second request is 409. */
static void extension_once(void **state)
{
    (void)state;
    char case_id[37], lead[37], body[96];
    filed_case(case_id);
    account_id(lead_east, lead);
    investigator_body(lead, body);
    cgt_response_free(case_post(lead_hq, case_id, "/investigators", body, 200));
    static const char ask[] = "{\"days\":30,\"reason\":\"需调取外省证据\"}";
    case_refused(insp_east, case_id, "/extension", ask, 409, "allowed only in stage investigation");
    cgt_response *r = case_act(insp_east, case_id, "start_investigation", 200);
    CGT_CHECK_STR("on_time", CGT_JSON_STR(r->json, "deadline_state"), r->body);
    char before[40];
    snprintf(before, sizeof before, "%s", CGT_JSON_STR(r->json, "deadline"));
    cgt_response_free(r);

    /* Not an investigator; bad days. */
    cgt_response_free(case_post(lead_hq, case_id, "/extension", ask, 403));
    case_refused(lead_east, case_id, "/extension", "{\"days\":0,\"reason\":\"x\"}", 400, "days");
    case_refused(lead_east, case_id, "/extension/approve", "{}", 409, "no extension request");

    r = case_post(lead_east, case_id, "/extension", ask, 200);
    const cJSON *x = cJSON_GetObjectItem(r->json, "extension");
    CGT_CHECK_STR("pending", cgt_json_str(x, "state"), r->body);
    cgt_response_free(r);
    check_last_entry(case_id, "case.extension_requested", NULL);
    case_refused(insp_east, case_id, "/extension", ask, 409, "one extension");
    /* The requester does not decide it; an inspector may not. */
    case_refused(lead_east, case_id, "/extension/approve", "{}", 403, "requester");
    cgt_response_free(case_post(insp_east, case_id, "/extension/approve", "{}", 403));
    case_refused(lead_hq, case_id, "/extension/reject", "{}", 400, "reason");

    r = case_post(lead_hq, case_id, "/extension/approve", "{}", 200);
    x = cJSON_GetObjectItem(r->json, "extension");
    CGT_CHECK_STR("approved", cgt_json_str(x, "state"), r->body);
    const char *after = CGT_JSON_STR(r->json, "deadline");
    CGT_CHECK(strcmp(after, before) > 0, "the deadline moved from %s to %s", before, after);
    cgt_response_free(r);
    check_last_entry(case_id, "case.extension_approved", NULL);
    case_refused(insp_east, case_id, "/extension", ask, 409, "one extension");
}

/* GET /api/v1/cases/?... as token: the answer, 200 checked. */
static cgt_response *list(const char *token, const char *query)
{
    char path[512];
    snprintf(path, sizeof path, "/api/v1/cases?%s", query);
    cgt_response *r = cgt_get(path, token);
    CGT_CHECK_STATUS(r, 200);
    return r;
}

/* True if the list answer r holds the case id. */
static bool lists(const cgt_response *r, const char *id)
{
    const cJSON *k;
    cJSON_ArrayForEach(k, cJSON_GetObjectItem(r->json, "items"))
    {
        if (strcmp(cgt_json_str(k, "id"), id) == 0)
            return true;
    }
    return false;
}

/* The case list: filters (stage, unit, investigator, q, filed dates,
 * overdue), both sorts with a stable cursor, scope and bad input. */
static void case_list(void **state)
{
    (void)state;
    char a[37], b[37], hq[37], q[256], subject[64];
    filed_case(a);
    filed_case(b);
    account_id(insp_hq, hq);
    char body[96];
    investigator_body(hq, body);
    cgt_response_free(case_post(lead_east, b, "/investigators", body, 200));
    cgt_response *r = case_act(insp_east, b, "start_investigation", 200);
    snprintf(subject, sizeof subject, "%s",
             cgt_json_str(cJSON_GetArrayItem(cJSON_GetObjectItem(r->json, "subjects"), 0), "name"));
    cgt_response_free(r);

    r = list(lead_east, "stage=investigation&unit_code=city_b");
    CGT_CHECK(lists(r, b) && !lists(r, a), "stage filter: %s", r->body);
    cgt_response_free(r);
    snprintf(q, sizeof q, "investigator_id=%s", hq);
    r = list(lead_east, q);
    CGT_CHECK(lists(r, b) && !lists(r, a), "investigator filter: %s", r->body);
    cgt_response_free(r);
    /* The subject's name ends in its random part: a substring of it. */
    snprintf(q, sizeof q, "q=%s", subject + strlen(subject) - 8);
    r = list(lead_east, q);
    CGT_CHECK(lists(r, b) && !lists(r, a), "q filter: %s", r->body);
    cgt_response_free(r);
    r = list(lead_east, "overdue=true&unit_code=city_b");
    CGT_CHECK(!lists(r, a) && !lists(r, b), "nothing overdue: %s", r->body);
    cgt_response_free(r);
    r = list(lead_east, "filed_to=2000-01-01");
    CGT_CHECK(!lists(r, a) && !lists(r, b), "filed long ago: none");
    cgt_response_free(r);
    /* The west sees neither; the subject rule is the case's. */
    r = list(insp_west, "");
    CGT_CHECK(!lists(r, a) && !lists(r, b), "the west sees none of them");
    cgt_response_free(r);

    /* Pages of one, in both orders: every case once, in order. */
    static const char *const sorts[] = {"filed", "deadline"};
    for (size_t s = 0; s < 2; s++) {
        char cursor[128] = "";
        int seen_a = 0, seen_b = 0, pages = 0;
        for (;;) {
            snprintf(q, sizeof q, "limit=1&unit_code=city_b&sort=%s%s%s", sorts[s],
                     cursor[0] ? "&cursor=" : "", cursor);
            r = list(lead_east, q);
            CGT_CHECK(cJSON_GetArraySize(cJSON_GetObjectItem(r->json, "items")) <= 1, "a page");
            seen_a += lists(r, a);
            seen_b += lists(r, b);
            const cJSON *next = cJSON_GetObjectItem(r->json, "next_cursor");
            bool more = cJSON_IsString(next);
            if (more)
                snprintf(cursor, sizeof cursor, "%s", next->valuestring);
            cgt_response_free(r);
            pages++;
            if (!more || pages > 500)
                break;
        }
        CGT_CHECK(seen_a == 1 && seen_b == 1, "sort %s: each once (%d, %d)", sorts[s], seen_a,
                  seen_b);
    }
    /* By deadline, the case with one comes before the one without. */
    r = list(lead_east, "sort=deadline&unit_code=city_b&limit=100");
    int pos_a = -1, pos_b = -1, i = 0;
    const cJSON *k;
    cJSON_ArrayForEach(k, cJSON_GetObjectItem(r->json, "items"))
    {
        pos_a = strcmp(cgt_json_str(k, "id"), a) == 0 ? i : pos_a;
        pos_b = strcmp(cgt_json_str(k, "id"), b) == 0 ? i : pos_b;
        i++;
    }
    cgt_response_free(r);
    CGT_CHECK(pos_b >= 0 && (pos_a < 0 || pos_b < pos_a), "deadline order: b %d before a %d", pos_b,
              pos_a);

    /* Bad filters: 400 naming each (the gateway the dates, the service
     * the rest). */
    r = cgt_get("/api/v1/cases?filed_from=2026-13-01&overdue=maybe", lead_east);
    CGT_CHECK_PROBLEM(r, 400);
    CGT_CHECK(strstr(r->body, "filed_from") != NULL && strstr(r->body, "overdue") != NULL,
              "names filed_from and overdue: %s", r->body);
    cgt_response_free(r);
    r = cgt_get("/api/v1/cases?stage=nope&sort=x&investigator_id=1", lead_east);
    CGT_CHECK_PROBLEM(r, 400);
    static const char *const fields[] = {"stage", "sort", "investigator_id"};
    for (size_t f = 0; f < 3; f++)
        CGT_CHECK(strstr(r->body, fields[f]) != NULL, "names %s: %s", fields[f], r->body);
    cgt_response_free(r);
    r = cgt_get("/api/v1/cases", NULL);
    CGT_CHECK_PROBLEM(r, 401);
    cgt_response_free(r);
    r = cgt_get("/api/v1/cases", auditor_east);
    CGT_CHECK_STATUS(r, 200);
    cgt_response_free(r);
}

/* A case about the east lead (its person id among the subjects): the east
 * lead never sees it, in the list or alone, and cannot be named its
 * investigator; someone who recused from its clue sees it no more either.
 * A rejected extension leaves the deadline and still counts as the one. */
static void case_hidden_and_extension_rejected(void **state)
{
    (void)state;
    cgt_response *me = cgt_get("/api/v1/auth/me", lead_east);
    CGT_CHECK_STATUS(me, 200);
    char person[80], lead[37], clue[37], case_id[37], path[128], body[96];
    snprintf(person, sizeof person, "%s", cgt_json_str(CGT_JSON_OBJECT(me), "person_id"));
    snprintf(lead, sizeof lead, "%s", CGT_JSON_STR(me->json, "id"));
    cgt_response_free(me);
    CGT_CHECK(person[0] != '\0', "the demo lead.east has a person id");
    CGT_CREATE_CLUE(insp_east, "city_b", person, clue);
    cgt_response *r = cgt_clue_act(insp_east, clue, "/disposal",
                                   "{\"way\":\"propose_filing\",\"reason\":\"证据确凿\"}");
    CGT_CHECK_STATUS(r, 200);
    cgt_response_free(r);
    r = cgt_clue_act(lead_hq, clue, "/disposal/approve", NULL);
    CGT_CHECK_STATUS(r, 200);
    cgt_response_free(r);
    r = cgt_clue_act(lead_hq, clue, "/file", NULL);
    CGT_CHECK_STATUS(r, 200);
    snprintf(case_id, sizeof case_id, "%s", CGT_JSON_STR(r->json, "case_id"));
    cgt_response_free(r);

    snprintf(path, sizeof path, "/api/v1/cases/%s", case_id);
    r = cgt_get(path, lead_east);
    CGT_CHECK_PROBLEM(r, 404);
    cgt_response_free(r);
    r = list(lead_east, "unit_code=city_b&limit=100");
    CGT_CHECK(!lists(r, case_id), "its subject does not list it");
    cgt_response_free(r);
    r = list(lead_hq, "unit_code=city_b&limit=100");
    CGT_CHECK(lists(r, case_id), "the hq lead lists it");
    cgt_response_free(r);
    investigator_body(lead, body);
    case_refused(lead_hq, case_id, "/investigators", body, 409, "subject");
    cgt_response_free(case_act(lead_east, case_id, "start_investigation", 404));

    /* A named investigator who recuses stops being one. */
    char hq[37];
    account_id(insp_hq, hq);
    investigator_body(hq, body);
    r = case_post(lead_hq, case_id, "/investigators", body, 200);
    CGT_CHECK(has_investigator(r->json, hq), "named: %s", r->body);
    cgt_response_free(r);
    /* The recusal is declared on the case (it is its clue's): a reason is
     * needed, and outside the caller's scope the case does not exist. */
    case_refused(insp_hq, case_id, "/recuse", "{}", 400, "reason");
    case_refused(insp_west, case_id, "/recuse", "{\"reason\":\"曾共事\"}", 404, "");
    r = case_post(insp_hq, case_id, "/recuse", "{\"reason\":\"曾共事\"}", 200);
    CGT_CHECK(cJSON_IsTrue(cJSON_GetObjectItem(r->json, "recused")), "recused: %s", r->body);
    cgt_response_free(r);
    r = cgt_get(path, lead_hq);
    CGT_CHECK_STATUS(r, 200);
    CGT_CHECK(!has_investigator(r->json, hq), "no longer an investigator: %s", r->body);
    cgt_response_free(r);
    r = list(insp_hq, "unit_code=city_b&limit=100");
    CGT_CHECK(!lists(r, case_id), "the recused do not list it");
    cgt_response_free(r);
    r = cgt_get(path, insp_hq);
    CGT_CHECK_PROBLEM(r, 404);
    cgt_response_free(r);

    /* The one extension, rejected: the deadline stays, no second request. */
    r = case_act(insp_east, case_id, "start_investigation", 200);
    char before[40];
    snprintf(before, sizeof before, "%s", CGT_JSON_STR(r->json, "deadline"));
    cgt_response_free(r);
    static const char ask[] = "{\"days\":20,\"reason\":\"证人出差\"}";
    cgt_response_free(case_post(insp_east, case_id, "/extension", ask, 200));
    r = case_post(lead_hq, case_id, "/extension/reject", "{\"reason\":\"理由不足\"}", 200);
    const cJSON *x = cJSON_GetObjectItem(r->json, "extension");
    CGT_CHECK_STR("rejected", cgt_json_str(x, "state"), r->body);
    CGT_CHECK_STR("理由不足", cgt_json_str(x, "decision_reason"), r->body);
    CGT_CHECK_STR(before, CGT_JSON_STR(r->json, "deadline"), "the deadline stays");
    cgt_response_free(r);
    case_refused(insp_east, case_id, "/extension", ask, 409, "one extension");
    case_refused(lead_hq, case_id, "/extension/approve", "{}", 409, "no extension request");
}

int main(void)
{
    cgt_init("case_lifecycle", CGT_NEED_STACK | CGT_NEED_NATS);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(investigation_starts),
        cmocka_unit_test(measures_and_report),
        cmocka_unit_test(bad_actions),
        cmocka_unit_test(investigators_named),
        cmocka_unit_test(walk_to_closure),
        cmocka_unit_test(extension_once),
        cmocka_unit_test(case_list),
        cmocka_unit_test(case_hidden_and_extension_rejected),
    };
    int failed = cmocka_run_group_tests_name("case_lifecycle", tests, group_setup, group_teardown);
    cgt_cleanup();
    return failed ? 1 : 0;
}
