/* The loops rectification closes with the case service, through the bus:
 *
 * - a case's rectification recommendation becomes a task exactly once,
 *   linked back to its case: decided while the rectification service is
 *   stopped, then delivered again as the very same message and once more
 *   under a new event id, and still one task;
 * - a task nobody acts on climbs the escalation ladder with the test clock
 *   (reminder, overdue warning with a final deadline, accountability
 *   proposal) with two replicas of the service running, each rung once,
 *   and the proposal becomes one clue in the case service (source
 *   rectification), whose id comes back to the task. */
#include "cgt.h"
#include "cgt_events.h"

#include <nats/nats.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static natsConnection *nc;
static jsCtx *js;
/* What a test changed of the stack, for the teardown to restore when a
 * check failed halfway. */
static bool rectify_down, replica_up;

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
    /* Whatever a failed check left stopped or moved comes back. */
    if (rectify_down && cgt_stack("svc-start rectify") == 0)
        rectify_down = false;
    if (replica_up && cgt_stack("replica-stop rectify 2") == 0)
        replica_up = false;
    cgt_psql("cg_rectify", "UPDATE service_clock SET offset_s = 0");
    jsCtx_Destroy(js);
    natsConnection_Destroy(nc);
    return 0;
}

/* POST body to /api/v1/cases/<id><suffix> as token; must answer 200. */
static void case_post(const char *token, const char *id, const char *suffix, const char *body)
{
    char path[160];
    snprintf(path, sizeof path, "/api/v1/cases/%s%s", id, suffix);
    cgt_response *r = cgt_post_raw(path, token, "application/json", body, strlen(body));
    CGT_CHECK_STATUS(r, 200);
    cgt_response_free(r);
}

/* The account id of token's account into out. */
static void me(const char *token, char out[37])
{
    cgt_response *r = cgt_get("/api/v1/auth/me", token);
    CGT_CHECK_STATUS(r, 200);
    snprintf(out, 37, "%s", CGT_JSON_STR(CGT_JSON_OBJECT(r), "id"));
    cgt_response_free(r);
}

/* A case of city_a taken through review to its disposition, with one
 * subject's warning and one rectification recommendation for city_a. */
static void decided_case(char case_id[37])
{
    char *insp = CGT_LOGIN("inspector.east");
    char *lead = CGT_LOGIN("lead.east");
    char reviewer[37], body[256], path[128];
    CGT_FILED_CASE(insp, lead, lead, "city_a", case_id);
    case_post(insp, case_id, "/actions", "{\"action\":\"start_investigation\"}");
    case_post(
        insp, case_id, "/measures",
        "{\"kind\":\"talk\",\"date\":\"2026-11-02\",\"who\":\"调查组\",\"summary\":\"谈话\"}");
    case_post(insp, case_id, "/actions", "{\"action\":\"submit_report\",\"report\":\"属实\"}");
    me(lead, reviewer);
    snprintf(body, sizeof body, "{\"action\":\"start_review\",\"reviewer_id\":\"%s\"}", reviewer);
    char *hq = CGT_LOGIN("lead");
    case_post(hq, case_id, "/actions", body);
    snprintf(path, sizeof path, "/api/v1/cases/%s", case_id);
    cgt_response *r = cgt_get(path, hq);
    CGT_CHECK_STATUS(r, 200);
    snprintf(body, sizeof body,
             "{\"kind\":\"party_discipline\",\"measure\":\"warning\",\"subject\":\"%s\"}",
             cgt_json_str(cJSON_GetArrayItem(cJSON_GetObjectItem(r->json, "subjects"), 0), "name"));
    cgt_response_free(r);
    case_post(hq, case_id, "/items", body);
    case_post(hq, case_id, "/items",
              "{\"kind\":\"rectification\",\"text\":\"完善物资采购监督制度\",\"unit_code\":"
              "\"city_a\",\"deadline\":\"2027-03-31\"}");
    case_post(hq, case_id, "/actions", "{\"action\":\"decide_disposition\"}");
    cgt_logout(insp);
    cgt_logout(lead);
    cgt_logout(hq);
}

typedef struct tasks_of_case {
    const char *token;
    const char *case_id;
    int n;
    char task_id[37];
} tasks_of_case;

static bool count_tasks(void *arg)
{
    tasks_of_case *t = arg;
    char path[160];
    snprintf(path, sizeof path, "/api/v1/rectify/tasks?case_id=%s&limit=100", t->case_id);
    cgt_response *r = cgt_get(path, t->token);
    /* The service just started again may not answer yet. */
    if (r->status == 503) {
        cgt_response_free(r);
        return false;
    }
    CGT_CHECK_STATUS(r, 200);
    const cJSON *items = cJSON_GetObjectItem(CGT_JSON_OBJECT(r), "items");
    t->n = cJSON_GetArraySize(items);
    if (t->n > 0)
        snprintf(t->task_id, 37, "%s", cgt_json_str(cJSON_GetArrayItem(items, 0), "id"));
    cgt_response_free(r);
    return t->n > 0;
}

/* Publish data on the disposed subject with a Nats-Msg-Id of its own, as
 * a relay that crashed before marking its row sent would. */
static void recommendation_becomes_one_task(void **state)
{
    (void)state;
    char case_id[37];
    char *lead = CGT_LOGIN("lead");

    /* Decided while the rectification service is down: the event waits on
     * the stream for its durable consumer. */
    CGT_STACK("svc-stop rectify");
    rectify_down = true;
    decided_case(case_id);
    CGT_STACK("svc-start rectify");
    rectify_down = false;
    tasks_of_case t = {.token = lead, .case_id = case_id};
    CGT_CHECK(cgt_eventually(CGT_DEADLINE_MS, CGT_POLL_MS, count_tasks, &t),
              "the case's recommendation became a task");

    cJSON *task = CGT_GET_TASK(lead, t.task_id);
    CGT_CHECK_STR("case_recommendation", cgt_json_str(task, "source"), "the task's source");
    CGT_CHECK_STR(case_id, cgt_json_str(task, "case_id"), "linked back to its case");
    CGT_CHECK_STR("完善物资采购监督制度", cgt_json_str(task, "text"), "the recommendation");
    CGT_CHECK_STR("hq.east.city_a", cgt_json_str(task, "org_path"), "its unit");
    CGT_CHECK_STR("2027-03-31", cgt_json_str(task, "deadline_on"), "its deadline");
    CGT_CHECK_STR("assigned", cgt_json_str(task, "stage"), "a new task");
    cJSON_Delete(task);

    /* The same message again, and the same event under a new id. */
    char new_id[37];
    cgt_replay_case_disposed(js, case_id, new_id);

    /* Both taken (the consumer's inbox holds the new id), and still one
     * task, one problem, one batch. */
    char sql[256];
    snprintf(sql, sizeof sql,
             "SELECT count(*) FROM cg_inbox WHERE consumer = 'rectify-case-disposed'"
             " AND event_id = '%s'",
             new_id);
    for (int i = 0; i < 100 && cgt_psql_number("cg_rectify", sql) != 1; i++)
        cgt_sleep_ms(100);
    CGT_CHECK_INT(1, cgt_psql_number("cg_rectify", sql), "the event under a new id was taken");
    snprintf(sql, sizeof sql, "SELECT count(*) FROM tasks WHERE case_id = '%s'", case_id);
    CGT_CHECK_INT(1, cgt_psql_number("cg_rectify", sql), "tasks of the case");
    snprintf(sql, sizeof sql,
             "SELECT count(*) FROM problems p JOIN batches b ON b.id = p.batch_id"
             " WHERE b.source_ref = '%s'",
             case_id);
    CGT_CHECK_INT(1, cgt_psql_number("cg_rectify", sql), "problems of the case's batch");
    cgt_logout(lead);
}

typedef struct ladder_probe {
    const char *token;
    const char *id;
    int rungs;
    char clue_id[40];
} ladder_probe;

static bool ladder_at(void *arg)
{
    ladder_probe *p = arg;
    cJSON *task = CGT_GET_TASK(p->token, p->id);
    int n = cJSON_GetArraySize(cJSON_GetObjectItem(task, "ladder"));
    const char *clue = cgt_json_str(task, "accountability_clue_id");
    snprintf(p->clue_id, sizeof p->clue_id, "%s", clue != NULL ? clue : "");
    cJSON_Delete(task);
    return n >= p->rungs;
}

/* Move the rectification service's clock to days from now. */
static void clock_days(int days)
{
    char sql[96];
    snprintf(sql, sizeof sql, "UPDATE service_clock SET offset_s = %d * 86400", days);
    CGT_CHECK(cgt_psql("cg_rectify", sql) == 0, "move the clock");
}

static void ladder_to_accountability_clue(void **state)
{
    (void)state;
    char id[37], sql[256];
    char *lead = CGT_LOGIN("lead");
    /* A second replica: each rung must still fire once. */
    CGT_STACK("replica-start rectify 2");
    replica_up = true;
    CGT_RECTIFY_TASK("city_a", CGT_TASK_IN_PROGRESS, id);
    cJSON *task = CGT_GET_TASK(lead, id);
    CGT_CHECK_STR("2027-01-02", cgt_json_str(task, "deadline_on"), "the fixture's deadline");
    CGT_CHECK_INT(0, cJSON_GetArraySize(cJSON_GetObjectItem(task, "ladder")), "no rung yet");
    cJSON_Delete(task);

    /* The fixture's deadline is 2027-01-02; its days from now (the
     * database's day). */
    long long left = cgt_psql_number(
        "cg_rectify", "SELECT '2027-01-02'::date - (now() AT TIME ZONE 'UTC')::date");
    CGT_CHECK(left > 8, "the deadline lies ahead: %lld days", left);

    ladder_probe p = {.token = lead, .id = id, .rungs = 1};
    clock_days((int)left - 3);
    CGT_CHECK(cgt_eventually(CGT_DEADLINE_MS, CGT_POLL_MS, ladder_at, &p), "reminded");
    p.rungs = 2;
    clock_days((int)left + 1);
    CGT_CHECK(cgt_eventually(CGT_DEADLINE_MS, CGT_POLL_MS, ladder_at, &p), "warned as overdue");
    task = CGT_GET_TASK(lead, id);
    const char *final = cgt_json_str(task, "final_deadline_on");
    CGT_CHECK(final != NULL && strcmp(final, "2027-01-02") > 0, "a final deadline after it: %s",
              final != NULL ? final : "(none)");
    CGT_CHECK_STR("overdue", cgt_json_str(task, "deadline_state"), "overdue");
    cJSON_Delete(task);
    p.rungs = 3;
    clock_days((int)left + 1 + 16);
    CGT_CHECK(cgt_eventually(CGT_DEADLINE_MS, CGT_POLL_MS, ladder_at, &p),
              "proposed for accountability");
    p.rungs = 3;
    for (int i = 0; i < 100 && p.clue_id[0] == '\0'; i++) {
        cgt_sleep_ms(100);
        ladder_at(&p);
    }
    CGT_CHECK(cgt_is_uuid(p.clue_id), "the clue's id came back to the task: %s", p.clue_id);
    clock_days(0);
    CGT_STACK("replica-stop rectify 2");
    replica_up = false;

    /* The clue in the case service, once, about the task. */
    cJSON *clue = CGT_GET_CLUE(lead, p.clue_id);
    CGT_CHECK_STR("rectification", cgt_json_str(clue, "source"), "the clue's source");
    CGT_CHECK_STR(id, cgt_json_str(clue, "source_ref"), "the clue names its task");
    CGT_CHECK_STR("hq.east.city_a", cgt_json_str(clue, "org_path"), "the task's unit");
    cJSON_Delete(clue);
    snprintf(sql, sizeof sql,
             "SELECT count(*) FROM clues WHERE source = 'rectification' AND source_ref = '%s'", id);
    CGT_CHECK_INT(1, cgt_psql_number("cg_case", sql), "one clue for the task");
    /* Each rung once in the task's file, and in the outbox. */
    snprintf(
        sql, sizeof sql,
        "SELECT count(*) FROM dossier_entries WHERE file_id = '%s' AND action LIKE 'ladder.%%'",
        id);
    CGT_CHECK_INT(4, cgt_psql_number("cg_rectify", sql),
                  "reminded, warned, proposed and the clue linked, each once");
    /* A clue source of the service's own, refused through the API. */
    cgt_response *r = cgt_post_raw(
        "/api/v1/clues", lead, "application/json",
        "{\"source\":\"rectification\",\"summary\":\"x\",\"unit_code\":\"city_a\","
        "\"categories\":[\"work\"],\"received_date\":\"2026-11-01\"}",
        strlen("{\"source\":\"rectification\",\"summary\":\"x\",\"unit_code\":\"city_a\","
               "\"categories\":[\"work\"],\"received_date\":\"2026-11-01\"}"));
    CGT_CHECK_PROBLEM(r, 400);
    cgt_response_free(r);
    cgt_logout(lead);
}

CGT_MAIN("rectify_loops", CGT_NEED_STACK | CGT_NEED_NATS,
         cmocka_unit_test_setup_teardown(recommendation_becomes_one_task, group_setup,
                                         group_teardown),
         cmocka_unit_test_setup_teardown(ladder_to_accountability_clue, group_setup,
                                         group_teardown))
