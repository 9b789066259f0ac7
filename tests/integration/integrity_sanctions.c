/* What closed cases and clues leave in integrity files, through the bus:
 *
 * - a case's sanctions become discipline records of their subject's file
 *   with their influence periods, exactly once: delivered again, while the
 *   integrity service is stopped, as the very same message and once more
 *   under a new event id, and still one record per sanction (the case is
 *   decided while it runs: a lead's decision on a subject who has a person
 *   id waits for the relatives check, docs/case-lifecycle.md);
 * - a sanction of a person without a file is kept, and shows in the file
 *   opened later;
 * - a clue closed after a talk leaves its conclusion in the subject's
 *   file. */
#include "cgt.h"
#include "cgt_events.h"

#include <nats/nats.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static natsConnection *nc;
static jsCtx *js;
static bool integrity_down;

static int group_setup(void **state)
{
    (void)state;
    natsStatus s = natsConnection_ConnectTo(&nc, cgt_nats_url());
    CGT_CHECK(s == NATS_OK, "connect to %s: %s", cgt_nats_url(), natsStatus_GetText(s));
    s = natsConnection_JetStream(&js, nc, NULL);
    CGT_CHECK(s == NATS_OK, "JetStream context: %s", natsStatus_GetText(s));
    return 0;
}

static int group_teardown(void **state)
{
    (void)state;
    if (integrity_down && cgt_stack("svc-start integrity") == 0)
        integrity_down = false;
    jsCtx_Destroy(js);
    natsConnection_Destroy(nc);
    return 0;
}

static void case_post(const char *token, const char *id, const char *suffix, const char *body)
{
    char path[160];
    snprintf(path, sizeof path, "/api/v1/cases/%s%s", id, suffix);
    cgt_response *r = cgt_post_raw(path, token, "application/json", body, strlen(body));
    CGT_CHECK_STATUS(r, 200);
    cgt_response_free(r);
}

static void me(const char *token, char out[37])
{
    cgt_response *r = cgt_get("/api/v1/auth/me", token);
    CGT_CHECK_STATUS(r, 200);
    snprintf(out, 37, "%s", CGT_JSON_STR(CGT_JSON_OBJECT(r), "id"));
    cgt_response_free(r);
}

/* A case of city_a about person, taken through review to its disposition
 * with a party warning and a government demerit for its subject. */
static void decided_case(const char *person, char case_id[37])
{
    char *insp = CGT_LOGIN("inspector.east");
    char *lead = CGT_LOGIN("lead.east");
    char *hq = CGT_LOGIN("lead");
    char clue_id[37], reviewer[37], body[320], path[128];
    CGT_CREATE_CLUE(insp, "city_a", person, clue_id);
    CGT_FILE_CASE(insp, lead, lead, clue_id, case_id);
    case_post(insp, case_id, "/actions", "{\"action\":\"start_investigation\"}");
    case_post(
        insp, case_id, "/measures",
        "{\"kind\":\"talk\",\"date\":\"2026-11-02\",\"who\":\"调查组\",\"summary\":\"谈话\"}");
    case_post(insp, case_id, "/actions", "{\"action\":\"submit_report\",\"report\":\"属实\"}");
    me(lead, reviewer);
    snprintf(body, sizeof body, "{\"action\":\"start_review\",\"reviewer_id\":\"%s\"}", reviewer);
    case_post(hq, case_id, "/actions", body);
    snprintf(path, sizeof path, "/api/v1/cases/%s", case_id);
    cgt_response *r = cgt_get(path, hq);
    CGT_CHECK_STATUS(r, 200);
    const char *subject =
        cgt_json_str(cJSON_GetArrayItem(cJSON_GetObjectItem(r->json, "subjects"), 0), "name");
    snprintf(body, sizeof body,
             "{\"kind\":\"party_discipline\",\"measure\":\"warning\",\"subject\":\"%s\"}", subject);
    case_post(hq, case_id, "/items", body);
    snprintf(body, sizeof body,
             "{\"kind\":\"government_sanction\",\"measure\":\"demerit\",\"subject\":\"%s\"}",
             subject);
    cgt_response_free(r);
    case_post(hq, case_id, "/items", body);
    case_post(hq, case_id, "/actions", "{\"action\":\"decide_disposition\"}");
    cgt_logout(insp);
    cgt_logout(lead);
    cgt_logout(hq);
}

typedef struct records_probe {
    const char *token;
    const char *cadre_id;
    const char *section;
    int n;
} records_probe;

static bool count_records(void *arg)
{
    records_probe *p = arg;
    char path[128];
    snprintf(path, sizeof path, "/api/v1/integrity/cadres/%s", p->cadre_id);
    cgt_response *r = cgt_get(path, p->token);
    /* The service just started again may not answer yet. */
    if (r->status == 503) {
        cgt_response_free(r);
        return false;
    }
    CGT_CHECK_STATUS(r, 200);
    p->n = 0;
    const cJSON *x;
    cJSON_ArrayForEach(x, cJSON_GetObjectItem(CGT_JSON_OBJECT(r), "records"))
    {
        if (strcmp(cgt_json_str(x, "section"), p->section) == 0)
            p->n++;
    }
    cgt_response_free(r);
    return p->n > 0;
}

static void sanctions_recorded_once(void **state)
{
    (void)state;
    char person[40], cadre_id[37], case_id[37], sql[320];
    char *lead = CGT_LOGIN("lead.east");
    cgt_person_id("SX", person);
    CGT_CREATE_CADRE(lead, person, "city_a", cadre_id);

    decided_case(person, case_id);
    records_probe p = {.token = lead, .cadre_id = cadre_id, .section = "discipline"};
    CGT_CHECK(cgt_eventually(CGT_DEADLINE_MS, CGT_POLL_MS, count_records, &p) && p.n == 2,
              "both sanctions became records (%d)", p.n);

    cJSON *file = CGT_GET_CADRE_FILE(lead, cadre_id);
    CGT_CHECK_INT(
        2, cJSON_GetObjectItem(cJSON_GetObjectItem(file, "cadre"), "sanctions_in_effect")->valueint,
        "both in their influence period");
    const cJSON *x;
    cJSON_ArrayForEach(x, cJSON_GetObjectItem(file, "records"))
    {
        if (strcmp(cgt_json_str(x, "section"), "discipline") != 0)
            continue; /* a round's reminder, say */
        CGT_CHECK_STR("case", cgt_json_str(x, "source"), "from the case service");
        CGT_CHECK(strstr(cgt_json_str(x, "source_ref"), case_id) != NULL, "names its case");
        CGT_CHECK(cJSON_IsTrue(cJSON_GetObjectItem(x, "in_effect")), "in effect");
    }
    cJSON_Delete(file);
    /* A party warning stands for 12 months, a demerit for 12, less a day. */
    snprintf(sql, sizeof sql,
             "SELECT count(*) FROM records WHERE person_id = '%s' AND influence_until_on ="
             " (happened_on + interval '12 months' - interval '1 day')::date",
             person);
    CGT_CHECK_INT(2, cgt_psql_number("cg_integrity", sql), "the influence periods");

    /* The same message again, and the same event under a new id, while the
     * integrity service is down: they wait on the stream for its durable
     * consumer. */
    CGT_STACK("svc-stop integrity");
    integrity_down = true;
    char new_id[37];
    cgt_replay_case_disposed(js, case_id, new_id);
    CGT_STACK("svc-start integrity");
    integrity_down = false;

    snprintf(sql, sizeof sql,
             "SELECT count(*) FROM cg_inbox WHERE consumer = 'integrity-case-disposed'"
             " AND event_id = '%s'",
             new_id);
    for (int i = 0; i < 100 && cgt_psql_number("cg_integrity", sql) != 1; i++)
        cgt_sleep_ms(100);
    CGT_CHECK_INT(1, cgt_psql_number("cg_integrity", sql), "the event under a new id was taken");
    snprintf(sql, sizeof sql,
             "SELECT count(*) FROM records WHERE person_id = '%s' AND section = 'discipline'",
             person);
    CGT_CHECK_INT(2, cgt_psql_number("cg_integrity", sql), "still one record per sanction");
    snprintf(sql, sizeof sql,
             "SELECT count(*) FROM dossier_entries WHERE file_id = '%s'"
             " AND action = 'record.added' AND summary->>'section' = 'discipline'",
             cadre_id);
    CGT_CHECK_INT(2, cgt_psql_number("cg_integrity", sql), "one dossier entry per sanction");
    cgt_logout(lead);
}

static void sanction_before_the_file(void **state)
{
    (void)state;
    char person[40], cadre_id[37], case_id[37], sql[200];
    char *lead = CGT_LOGIN("lead.east");
    cgt_person_id("SY", person);
    decided_case(person, case_id);
    snprintf(sql, sizeof sql, "SELECT count(*) FROM records WHERE person_id = '%s'", person);
    for (int i = 0; i < 200 && cgt_psql_number("cg_integrity", sql) != 2; i++)
        cgt_sleep_ms(100);
    CGT_CHECK_INT(2, cgt_psql_number("cg_integrity", sql), "kept without a file");
    CGT_CREATE_CADRE(lead, person, "city_a", cadre_id);
    cJSON *file = CGT_GET_CADRE_FILE(lead, cadre_id);
    CGT_CHECK_INT(2, cJSON_GetArraySize(cJSON_GetObjectItem(file, "records")),
                  "the file opened later shows them");
    cJSON_Delete(file);
    cgt_logout(lead);
}

static void clue_conclusion_recorded(void **state)
{
    (void)state;
    char person[40], cadre_id[37], clue_id[37];
    char *insp = CGT_LOGIN("inspector.east");
    char *lead = CGT_LOGIN("lead.east");
    cgt_person_id("SZ", person);
    CGT_CREATE_CADRE(lead, person, "city_a", cadre_id);
    CGT_CREATE_CLUE(insp, "city_a", person, clue_id);
    cgt_response *r = cgt_clue_act(insp, clue_id, "/disposal",
                                   "{\"way\":\"talk_inquiry\",\"reason\":\"情节轻微\","
                                   "\"conclusion\":\"谈话提醒，本人已说明情况\"}");
    CGT_CHECK_STATUS(r, 200);
    cgt_response_free(r);
    r = cgt_clue_act(lead, clue_id, "/disposal/approve", NULL);
    CGT_CHECK_STATUS(r, 200);
    cgt_response_free(r);
    records_probe p = {.token = lead, .cadre_id = cadre_id, .section = "clue_conclusion"};
    CGT_CHECK(cgt_eventually(CGT_DEADLINE_MS, CGT_POLL_MS, count_records, &p) && p.n == 1,
              "the talk's conclusion is in the file (%d)", p.n);
    cJSON *file = CGT_GET_CADRE_FILE(lead, cadre_id);
    CGT_CHECK(strstr(cgt_json_print(file), "谈话提醒，本人已说明情况") != NULL,
              "the conclusion's text");
    cJSON_Delete(file);
    cgt_logout(insp);
    cgt_logout(lead);
}

int main(void)
{
    cgt_init("integrity_sanctions", CGT_NEED_STACK | CGT_NEED_NATS);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(sanctions_recorded_once),
        cmocka_unit_test(sanction_before_the_file),
        cmocka_unit_test(clue_conclusion_recorded),
    };
    int failed =
        cmocka_run_group_tests_name("integrity_sanctions", tests, group_setup, group_teardown);
    cgt_cleanup();
    return failed ? 1 : 0;
}
