/* Rectification (整改) through the API, as the demo users: a task of an
 * inspection tour's batch goes from assignment through the unit's plan,
 * evidence and closure request to acceptance by both parties and closing
 * off, each step in the task's hash-chained file and on the bus; every
 * step the table does not allow, and every need not met, answers 409 or
 * 400 saying what is wrong and changes nothing; a verifier of the unit's
 * own people, the requester, or one person for two parties is refused; a
 * rejection sends the task back and a new round needs every party again;
 * and the two provinces do not see each other's tasks. */
#include "cgt.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The demo accounts this test acts as, logged in once for the group. */
enum {
    LEAD,
    INSPECTOR,
    UNIT_EAST,
    UNIT_WEST,
    INSPECTOR_WEST,
    LEAD_WEST,
    AUDITOR,
    ADMIN_EAST,
    USERS
};
static const char *const usernames[USERS] = {"lead",          "inspector",      "unitlead.east",
                                             "unitlead.west", "inspector.west", "lead.west",
                                             "auditor",       "admin.east"};
static char *tokens[USERS];

static int group_setup(void **state)
{
    (void)state;
    for (int i = 0; i < USERS; i++)
        tokens[i] = CGT_LOGIN(usernames[i]);
    return 0;
}

static int group_teardown(void **state)
{
    (void)state;
    for (int i = 0; i < USERS; i++) {
        cgt_logout(tokens[i]);
        tokens[i] = NULL;
    }
    return 0;
}

/* The step answered want; for a 4xx a problem whose detail or violations
 * hold says. Frees r. */
static void step_answers(cgt_response *r, long want, const char *says)
{
    if (want >= 400)
        CGT_CHECK_PROBLEM(r, want);
    else
        CGT_CHECK_STATUS(r, want);
    if (says != NULL)
        CGT_CHECK(strstr(r->body, says) != NULL, "%s %s: the answer says \"%s\": %.400s", r->method,
                  r->path, says, r->body);
    cgt_response_free(r);
}

static const char *stage_of(const cJSON *task)
{
    return cgt_json_str(task, "stage");
}

/* The task's stage as token sees it, which must be want. */
static void stage_is(const char *id, const char *want)
{
    cJSON *task = CGT_GET_TASK(tokens[LEAD], id);
    CGT_CHECK_STR(want, stage_of(task), "the task's stage");
    cJSON_Delete(task);
}

/* Upload a small PDF of its own to the task as token: its sha256 into sha. */
static void upload(const char *token, const char *id, char sha[72])
{
    char pdf[160], path[192], mark[17];
    cgt_token_hex(mark, 16);
    int n = snprintf(pdf, sizeof pdf, "%%PDF-1.4\n%% %s\n1 0 obj<<>>endobj\n%%%%EOF\n", mark);
    snprintf(path, sizeof path, "/api/v1/rectify/tasks/%s/documents?name=proof.pdf", id);
    cgt_response *r = cgt_post_raw(path, token, "application/pdf", pdf, (size_t)n);
    CGT_CHECK_STATUS(r, 201);
    CGT_CHECK_STR("application/pdf", CGT_JSON_STR(CGT_JSON_OBJECT(r), "content_type"),
                  "the type read from the content");
    snprintf(sha, 72, "%s", CGT_JSON_STR(CGT_JSON_OBJECT(r), "sha256"));
    cgt_response_free(r);
}

static void evidence(const char *id, int measure, const char *sha, const char *day, long want,
                     const char *says)
{
    char body[256];
    snprintf(body, sizeof body,
             "{\"measure\":%d,\"sha256\":\"%s\",\"effective_on\":\"%s\",\"description\":\"台账\"}",
             measure, sha, day);
    step_answers(cgt_rectify_step(tokens[UNIT_EAST], id, "/evidence", body), want, says);
}

/* The whole way, step by step, with what each step leaves. */
static void task_to_verified_closure(void **state)
{
    (void)state;
    char id[37], sha[72], actions[1024];
    CGT_RECTIFY_TASK("city_a", CGT_TASK_ASSIGNED, id);

    cJSON *task = CGT_GET_TASK(tokens[UNIT_EAST], id);
    CGT_CHECK_STR("assigned", stage_of(task), "a new task");
    CGT_CHECK_STR("hq.east.city_a", cgt_json_str(task, "org_path"), "the responsible unit");
    /* Without a deadline of its own: the feedback day plus two months. */
    CGT_CHECK_STR("2027-01-02", cgt_json_str(task, "deadline_on"), "the default deadline");
    cJSON_Delete(task);

    step_answers(cgt_rectify_step(tokens[UNIT_EAST], id, "/plan",
                                  "{\"measures\":[{\"text\":\"梳理采购项目\",\"milestone_on\":"
                                  "\"2026-12-10\"},{\"text\":\"公开台账\",\"milestone_on\":"
                                  "\"2026-12-20\"}]}"),
                 200, "\"in_progress\"");
    upload(tokens[UNIT_EAST], id, sha);
    evidence(id, 1, sha, "2026-11-30", 200, NULL);
    /* Closure needs evidence for every measure. */
    step_answers(cgt_rectify_step(tokens[UNIT_EAST], id, "/closure-request", "{}"), 409,
                 "measure 2 has none");
    evidence(id, 2, sha, "2026-12-01", 200, NULL);
    step_answers(cgt_rectify_step(tokens[UNIT_EAST], id, "/closure-request", "{}"), 200,
                 "\"closure_requested\"");

    task = CGT_GET_TASK(tokens[LEAD], id);
    CGT_CHECK_INT(2, cJSON_GetArraySize(cJSON_GetObjectItem(task, "parties_pending")),
                  "an inspection tour's parties to accept");
    CGT_CHECK_INT(2, cJSON_GetArraySize(cJSON_GetObjectItem(task, "evidence")), "evidence");
    cJSON_Delete(task);

    step_answers(cgt_rectify_step(tokens[INSPECTOR], id, "/verify", "{\"party\":\"office\"}"), 200,
                 "\"closure_requested\"");
    /* A lead may not close off before every party accepted. */
    step_answers(cgt_rectify_step(tokens[LEAD], id, "/close", "{}"), 409,
                 "the task is closure_requested; close needs a task that is verified");
    step_answers(cgt_rectify_step(tokens[LEAD], id, "/verify", "{\"party\":\"inspection_group\"}"),
                 200, "\"verified\"");
    /* Closing off is a lead's: the gateway refuses an inspector. */
    step_answers(cgt_rectify_step(tokens[INSPECTOR], id, "/close", "{}"), 403, NULL);
    step_answers(cgt_rectify_step(tokens[LEAD], id, "/close", "{}"), 200, "\"closed\"");

    task = CGT_GET_TASK(tokens[AUDITOR], id);
    CGT_CHECK(cgt_is_rfc3339_ms(cgt_json_str(task, "closed_at")), "closed_at is a time: %s",
              cgt_json_str(task, "closed_at"));
    CGT_CHECK(cJSON_IsNull(cJSON_GetObjectItem(task, "deadline_state")),
              "a closed task has no deadline state");
    cJSON_Delete(task);

    cgt_dossier_actions(tokens[LEAD], "rectify/tasks", id, actions, sizeof actions);
    /* The lead's own reads of the file are steps of it too (全程留痕). */
    const char *want = "task.assigned,task.planned,document.added,task.evidence_added,"
                       "task.evidence_added,"
                       "task.closure_requested,task.accepted,task.accepted,task.closed";
    CGT_CHECK(strncmp(actions, want, strlen(want)) == 0, "the file's steps: %s", actions);

    /* Each step left an event, published from the outbox. */
    char sql[256];
    snprintf(sql, sizeof sql,
             "SELECT count(*) FROM cg_outbox WHERE sent_at IS NOT NULL AND subject IN"
             " ('cg.evt.rectify.task.assigned', 'cg.evt.rectify.task.verified',"
             " 'cg.evt.rectify.task.closed', 'cg.evt.rectify.task.accepted')"
             " AND created_at > now() - interval '10 minutes'");
    CGT_CHECK(cgt_psql_number("cg_rectify", sql) >= 4, "the steps' events were published");
}

/* Steps out of turn, and needs not met: a clear 4xx, nothing stored. */
static void wrong_steps_change_nothing(void **state)
{
    (void)state;
    char id[37], other[37], sha[72], foreign[72];
    CGT_RECTIFY_TASK("city_a", CGT_TASK_ASSIGNED, id);

    step_answers(cgt_rectify_step(tokens[UNIT_EAST], id, "/closure-request", "{}"), 409,
                 "the task is assigned; request_closure needs a task that is in_progress");
    step_answers(cgt_rectify_step(tokens[UNIT_EAST], id, "/plan", "{\"measures\":[]}"), 400,
                 "measures");
    step_answers(
        cgt_rectify_step(tokens[UNIT_EAST], id, "/plan",
                         "{\"measures\":[{\"text\":\"x\",\"milestone_on\":\"2026-02-30\"}]}"),
        400, "milestone_on");
    step_answers(cgt_rectify_step(tokens[UNIT_EAST], id, "/plan", "{\"owner\":\"me\"}"), 400,
                 "owner");
    stage_is(id, "assigned");

    step_answers(cgt_rectify_step(tokens[UNIT_EAST], id, "/plan",
                                  "{\"measures\":[{\"text\":\"one\",\"milestone_on\":"
                                  "\"2026-12-10\"}]}"),
                 200, NULL);
    /* Evidence is a document of this task's own file, for a measure of
     * its plan, that took effect by today. */
    CGT_RECTIFY_TASK("city_a", CGT_TASK_ASSIGNED, other);
    upload(tokens[UNIT_EAST], other, foreign);
    upload(tokens[UNIT_EAST], id, sha);
    evidence(id, 1, foreign, "2026-11-30", 400, "is not a document of this task");
    evidence(id, 3, sha, "2026-11-30", 400, "is not a measure of the task's plan");
    evidence(id, 1, sha, "2099-01-01", 400, "is in the future");
    evidence(id, 1, "not-a-digest", "2026-11-30", 400, "sha256");
    cJSON *task = CGT_GET_TASK(tokens[LEAD], id);
    CGT_CHECK_INT(0, cJSON_GetArraySize(cJSON_GetObjectItem(task, "evidence")),
                  "evidence after refused ones");
    cJSON_Delete(task);

    /* A revision may not drop a measure that has evidence. */
    evidence(id, 1, sha, "2026-11-30", 200, NULL);
    step_answers(cgt_rectify_step(tokens[UNIT_EAST], id, "/plan",
                                  "{\"measures\":[{\"text\":\"one\",\"milestone_on\":"
                                  "\"2026-12-10\"},{\"text\":\"two\",\"milestone_on\":"
                                  "\"2026-12-11\"}]}"),
                 200, NULL);
    task = CGT_GET_TASK(tokens[LEAD], id);
    CGT_CHECK_INT(2, cJSON_GetArraySize(cJSON_GetObjectItem(task, "measures")), "a revised plan");
    cJSON_Delete(task);
    /* Unknown actions and bodies on the steps are refused as such. */
    step_answers(cgt_rectify_step(tokens[UNIT_EAST], id, "/closure-request", "{\"x\":1}"), 400,
                 NULL);
    stage_is(id, "in_progress");
}

/* An account of the responsible unit's own people, made by the east
 * admin; logged in, its token. */
static char *unit_inspector(const char *unit, const char *role2)
{
    char username[48], mark[9];
    cgt_token_hex(mark, 8);
    snprintf(username, sizeof username, "rect.%s", mark);
    cJSON *b = cJSON_CreateObject();
    cJSON_AddStringToObject(b, "username", username);
    cJSON_AddStringToObject(b, "display_name", "整改测试 Rectify test");
    cJSON *roles = cJSON_AddArrayToObject(b, "roles");
    cJSON_AddItemToArray(roles, cJSON_CreateString("inspector"));
    if (role2 != NULL)
        cJSON_AddItemToArray(roles, cJSON_CreateString(role2));
    cJSON_AddStringToObject(b, "org_unit", unit);
    cJSON_AddStringToObject(b, "password", "rectify-test-password-9");
    cgt_response *r = cgt_post_json("/api/v1/accounts", tokens[ADMIN_EAST], b);
    cJSON_Delete(b);
    CGT_CHECK_STATUS(r, 201);
    cgt_response_free(r);
    char *token = NULL;
    CGT_CHECK_INT(200, cgt_try_login(username, "rectify-test-password-9", &token),
                  "the new account logs in");
    return token;
}

/* Who may verify: not the unit's own people, not the one who asked, one
 * party a person; a rejection sends the task back for a new round. */
static void verifiers_are_outsiders(void **state)
{
    (void)state;
    char id[37];
    CGT_RECTIFY_TASK("city_a", CGT_TASK_CLOSURE_REQUESTED, id);

    char *own = unit_inspector("city_a", NULL);
    step_answers(cgt_rectify_step(own, id, "/verify", "{\"party\":\"office\"}"), 409,
                 "may not be of the responsible unit");
    step_answers(cgt_rectify_step(own, id, "/reject", "{\"party\":\"office\",\"reason\":\"x\"}"),
                 409, "may not be of the responsible unit");
    cgt_logout(own);
    /* One who both leads a unit and inspects, asking and then verifying. */
    char *both = unit_inspector("east", "unit_leader");
    char other[37];
    CGT_RECTIFY_TASK("city_a", CGT_TASK_IN_PROGRESS, other);
    step_answers(cgt_rectify_step(both, other, "/closure-request", "{}"), 200, NULL);
    step_answers(cgt_rectify_step(both, other, "/verify", "{\"party\":\"office\"}"), 409,
                 "the one who requested closure may not verify it");
    cgt_logout(both);

    step_answers(cgt_rectify_step(tokens[UNIT_EAST], id, "/verify", "{\"party\":\"office\"}"), 403,
                 NULL);
    step_answers(cgt_rectify_step(tokens[INSPECTOR], id, "/verify", "{\"party\":\"board\"}"), 400,
                 "office, inspection_group");
    step_answers(cgt_rectify_step(tokens[INSPECTOR], id, "/verify", "{\"party\":\"office\"}"), 200,
                 NULL);
    step_answers(
        cgt_rectify_step(tokens[INSPECTOR], id, "/verify", "{\"party\":\"inspection_group\"}"), 409,
        "another person accepts for inspection_group");
    step_answers(cgt_rectify_step(tokens[LEAD], id, "/verify", "{\"party\":\"office\"}"), 409,
                 "office has accepted this round already");
    step_answers(cgt_rectify_step(tokens[LEAD], id, "/reject", "{\"party\":\"inspection_group\"}"),
                 400, "reason");
    step_answers(cgt_rectify_step(tokens[LEAD], id, "/reject",
                                  "{\"party\":\"inspection_group\",\"reason\":\"台账未公开\"}"),
                 200, "\"in_progress\"");
    cJSON *task = CGT_GET_TASK(tokens[UNIT_EAST], id);
    CGT_CHECK_STR("台账未公开", cgt_json_str(task, "rejection_reason"), "the reasons kept");
    cJSON_Delete(task);

    /* The next round: every party accepts again. */
    step_answers(cgt_rectify_step(tokens[UNIT_EAST], id, "/closure-request", "{}"), 200, NULL);
    task = CGT_GET_TASK(tokens[LEAD], id);
    CGT_CHECK_INT(2, cJSON_GetArraySize(cJSON_GetObjectItem(task, "parties_pending")),
                  "parties to accept in round 2");
    CGT_CHECK_INT(2, (long long)cJSON_GetNumberValue(cJSON_GetObjectItem(task, "round")),
                  "the round");
    cJSON_Delete(task);
}

/* True if the ledger as token lists id. */
static bool ledger_lists(const char *token, const char *id)
{
    cgt_response *r = cgt_get("/api/v1/rectify/tasks?limit=100", token);
    CGT_CHECK_STATUS(r, 200);
    bool found = strstr(r->body, id) != NULL;
    cgt_response_free(r);
    return found;
}

/* The two provinces: nothing of the other's, listed, read or acted on. */
static void provinces_apart(void **state)
{
    (void)state;
    char east[37], west[37], path[128];
    CGT_RECTIFY_TASK("city_a", CGT_TASK_CLOSURE_REQUESTED, east);
    CGT_RECTIFY_TASK("city_c", CGT_TASK_ASSIGNED, west);

    snprintf(path, sizeof path, "/api/v1/rectify/tasks/%s", east);
    cgt_response *r = cgt_get(path, tokens[UNIT_WEST]);
    step_answers(r, 404, NULL);
    step_answers(cgt_rectify_step(tokens[LEAD_WEST], east, "/verify", "{\"party\":\"office\"}"),
                 404, NULL);
    step_answers(cgt_rectify_step(tokens[UNIT_EAST], west, "/plan",
                                  "{\"measures\":[{\"text\":\"x\",\"milestone_on\":"
                                  "\"2026-12-10\"}]}"),
                 404, NULL);
    CGT_CHECK(!ledger_lists(tokens[INSPECTOR_WEST], east), "the west sees no east task");
    CGT_CHECK(ledger_lists(tokens[UNIT_WEST], west), "the west's unit leader sees its own");
    CGT_CHECK(ledger_lists(tokens[LEAD], east) && ledger_lists(tokens[LEAD], west), "hq sees both");
    /* A batch for the other province cannot be registered either. */
    step_answers(cgt_post_raw("/api/v1/rectify/batches", tokens[INSPECTOR_WEST], "application/json",
                              "{\"source\":\"audit\",\"title\":\"x\",\"unit_code\":\"city_a\","
                              "\"feedback_on\":\"2026-11-01\"}",
                              strlen("{\"source\":\"audit\",\"title\":\"x\",\"unit_code\":"
                                     "\"city_a\",\"feedback_on\":\"2026-11-01\"}")),
                 400, "outside your scope");
}

/* Bad batches and tasks: named fields, nothing stored. */
static void bad_registrations(void **state)
{
    (void)state;
    const char *bad[][2] = {
        {"{\"source\":\"gossip\",\"title\":\"x\",\"unit_code\":\"city_a\",\"feedback_on\":"
         "\"2026-11-01\"}",
         "source"},
        {"{\"source\":\"audit\",\"title\":\"\",\"unit_code\":\"city_a\",\"feedback_on\":"
         "\"2026-11-01\"}",
         "title"},
        {"{\"source\":\"audit\",\"title\":\"x\",\"unit_code\":\"nowhere\",\"feedback_on\":"
         "\"2026-11-01\"}",
         "unit_code"},
        {"{\"source\":\"audit\",\"title\":\"x\",\"unit_code\":\"city_a\",\"feedback_on\":"
         "\"2026-13-01\"}",
         "feedback_on"},
        {"{\"source\":\"audit\",\"title\":\"x\",\"unit_code\":\"city_a\"}", "feedback_on"},
    };
    long long before = cgt_psql_number("cg_rectify", "SELECT count(*) FROM batches");
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        step_answers(cgt_post_raw("/api/v1/rectify/batches", tokens[LEAD], "application/json",
                                  bad[i][0], strlen(bad[i][0])),
                     400, bad[i][1]);
    CGT_CHECK_INT(before, cgt_psql_number("cg_rectify", "SELECT count(*) FROM batches"),
                  "batches after refused ones");

    /* A task's unit must be the inspected unit or one below it. */
    char id[37];
    CGT_RECTIFY_TASK("city_a", CGT_TASK_ASSIGNED, id);
    cJSON *task = CGT_GET_TASK(tokens[LEAD], id);
    char path[128], body[160];
    snprintf(path, sizeof path, "/api/v1/rectify/problems/%s/tasks",
             cgt_json_str(task, "problem_id"));
    cJSON_Delete(task);
    snprintf(body, sizeof body, "{\"text\":\"x\",\"unit_code\":\"city_b\",\"leader\":\"y\"}");
    step_answers(cgt_post_raw(path, tokens[LEAD], "application/json", body, strlen(body)), 400,
                 "is not the inspected unit of the batch or a unit below it");
    step_answers(cgt_post_raw("/api/v1/rectify/problems/00000000-0000-4000-8000-000000000000/tasks",
                              tokens[LEAD], "application/json",
                              "{\"text\":\"x\",\"unit_code\":\"city_a\",\"leader\":\"y\"}",
                              strlen("{\"text\":\"x\",\"unit_code\":\"city_a\",\"leader\":\"y\"}")),
                 404, NULL);
}

/* The ids of a JSON array of strings, sorted, as one comma-separated text. */
static void sorted_ids(const cJSON *array, char *out, size_t size)
{
    char ids[16][37];
    int n = 0;
    const cJSON *e;
    cJSON_ArrayForEach(e, array)
    {
        if (n < 16)
            snprintf(ids[n++], 37, "%s", cJSON_GetStringValue(e));
    }
    qsort(ids, (size_t)n, 37, (int (*)(const void *, const void *))strcmp);
    out[0] = '\0';
    for (int i = 0; i < n; i++) {
        size_t used = strlen(out);
        snprintf(out + used, size - used, "%s%s", i ? "," : "", ids[i]);
    }
}

/* Re-checks (回头看): a draw chooses by its seed, reproducibly; what a
 * re-check finds is recorded by the office, never the unit; a relapse
 * reopens the task and counts in the figures. */
static void rechecks_and_relapse(void **state)
{
    (void)state;
    char ids[4][37], seed[17], sql[768], want[1024], got[1024], body[256];
    for (int i = 0; i < 4; i++)
        CGT_RECTIFY_TASK("city_b", CGT_TASK_CLOSED, ids[i]);
    cgt_token_hex(seed, 16);
    /* What the draw must choose: half of city_b's closed tasks not drawn
     * before, in the order of md5(seed || id). */
    snprintf(sql, sizeof sql,
             "SELECT string_agg(id::text, ',' ORDER BY id::text) FROM (SELECT id FROM tasks"
             " WHERE stage = 'closed' AND recheck_state = '' AND org_path <@ 'hq.east.city_b'"
             " ORDER BY md5('%s' || id::text), id LIMIT (SELECT ceil(count(*) * 50 / 100.0)"
             " FROM tasks WHERE stage = 'closed' AND recheck_state = ''"
             " AND org_path <@ 'hq.east.city_b')) s",
             seed);
    CGT_CHECK(cgt_psql_text("cg_rectify", sql, want, sizeof want) == 0, "the expected draw");

    snprintf(body, sizeof body, "{\"unit_code\":\"city_b\",\"share_percent\":50,\"seed\":\"%s\"}",
             seed);
    step_answers(cgt_post_raw("/api/v1/rectify/rechecks", tokens[UNIT_EAST], "application/json",
                              body, strlen(body)),
                 403, NULL);
    step_answers(cgt_post_raw("/api/v1/rectify/rechecks", tokens[LEAD], "application/json",
                              "{\"unit_code\":\"city_b\",\"share_percent\":101}",
                              strlen("{\"unit_code\":\"city_b\",\"share_percent\":101}")),
                 400, "share_percent");
    cgt_response *r = cgt_post_raw("/api/v1/rectify/rechecks", tokens[LEAD], "application/json",
                                   body, strlen(body));
    CGT_CHECK_STATUS(r, 201);
    const cJSON *draw = CGT_JSON_OBJECT(r);
    CGT_CHECK_STR(seed, cgt_json_str(draw, "seed"), "the seed recorded");
    sorted_ids(cJSON_GetObjectItem(draw, "task_ids"), got, sizeof got);
    CGT_CHECK_STR(want, got, "the tasks the seed chooses");
    CGT_CHECK(cJSON_GetNumberValue(cJSON_GetObjectItem(draw, "population")) >= 4,
              "the population counted: %s", r->body);
    cgt_response_free(r);

    /* One drawn task and one not. */
    char drawn[40] = "", undrawn[40] = "";
    for (int i = 0; i < 4; i++) {
        if (strstr(got, ids[i]) != NULL && drawn[0] == '\0')
            memcpy(drawn, ids[i], 37);
        else if (strstr(got, ids[i]) == NULL && undrawn[0] == '\0')
            memcpy(undrawn, ids[i], 37);
    }
    CGT_CHECK(drawn[0] != '\0', "one of the four was drawn: %s", got);
    cJSON *task = CGT_GET_TASK(tokens[LEAD], drawn);
    CGT_CHECK_STR("pending", cgt_json_str(task, "recheck_state"), "a drawn task waits");
    cJSON_Delete(task);
    if (undrawn[0] != '\0')
        step_answers(
            cgt_rectify_step(tokens[INSPECTOR], undrawn, "/recheck", "{\"finding\":\"仍有效\"}"),
            409, "not drawn for a re-check");

    char *own = unit_inspector("city_b", NULL);
    step_answers(cgt_rectify_step(own, drawn, "/recheck", "{\"finding\":\"ok\"}"), 409,
                 "may not be by the responsible unit");
    cgt_logout(own);
    step_answers(cgt_rectify_step(tokens[INSPECTOR], drawn, "/recheck", "{}"), 400, "finding");
    step_answers(cgt_rectify_step(tokens[INSPECTOR], drawn, "/recheck",
                                  "{\"finding\":\"台账持续公开，整改有效\"}"),
                 200, "\"held\"");
    stage_is(drawn, "closed");

    /* The problem is back: the task reopens, keeping its history. */
    step_answers(cgt_rectify_step(tokens[LEAD], drawn, "/relapse",
                                  "{\"finding\":\"x\",\"deadline_on\":\"2001-01-01\"}"),
                 400, "deadline_on");
    step_answers(
        cgt_rectify_step(tokens[LEAD], drawn, "/relapse", "{\"finding\":\"采购又未公开招标\"}"),
        200, "\"in_progress\"");
    task = CGT_GET_TASK(tokens[UNIT_EAST], drawn);
    CGT_CHECK(cJSON_IsTrue(cJSON_GetObjectItem(task, "relapsed")), "the task is relapsed");
    CGT_CHECK_STR("relapsed", cgt_json_str(task, "recheck_state"), "its re-check");
    CGT_CHECK(cJSON_IsNull(cJSON_GetObjectItem(task, "closed_at")), "no longer closed");
    CGT_CHECK_INT(1, cJSON_GetArraySize(cJSON_GetObjectItem(task, "evidence")),
                  "the evidence kept");
    cJSON_Delete(task);
    CGT_CHECK(ledger_lists(tokens[LEAD], drawn), "the ledger lists it");
    r = cgt_get("/api/v1/rectify/tasks?relapsed=true&unit_code=city_b&limit=100", tokens[LEAD]);
    CGT_CHECK_STATUS(r, 200);
    CGT_CHECK(strstr(r->body, drawn) != NULL, "the relapsed filter finds it");
    cgt_response_free(r);

    /* The figures: city_b's counts match the tasks, by stage too. */
    r = cgt_get("/api/v1/rectify/statistics?unit_code=city_b", tokens[AUDITOR]);
    CGT_CHECK_STATUS(r, 200);
    const cJSON *all = cJSON_GetObjectItem(CGT_JSON_OBJECT(r), "all");
    long long closed =
        cgt_psql_number("cg_rectify", "SELECT count(*) FROM tasks WHERE stage = 'closed'"
                                      " AND org_path <@ 'hq.east.city_b'");
    long long relapsed =
        cgt_psql_number("cg_rectify", "SELECT count(*) FROM tasks WHERE relapse_count > 0"
                                      " AND org_path <@ 'hq.east.city_b'");
    CGT_CHECK_INT(closed, (long long)cJSON_GetNumberValue(cJSON_GetObjectItem(all, "closed")),
                  "closed tasks of city_b");
    CGT_CHECK_INT(relapsed, (long long)cJSON_GetNumberValue(cJSON_GetObjectItem(all, "relapsed")),
                  "relapsed tasks of city_b");
    CGT_CHECK(cJSON_GetNumberValue(cJSON_GetObjectItem(all, "average_days_to_close")) >= 0,
              "an average");
    CGT_CHECK(strstr(r->body, "\"key\":\"in_progress\"") != NULL, "by stage: %s", r->body);
    CGT_CHECK(strstr(r->body, "\"key\":\"hq.east.city_b\"") != NULL, "by unit: %s", r->body);
    cgt_response_free(r);
    r = cgt_get("/api/v1/rectify/statistics?unit_code=city_b", tokens[UNIT_WEST]);
    CGT_CHECK_STATUS(r, 200);
    CGT_CHECK(strstr(r->body, "\"total\":0") != NULL || strstr(r->body, "\"all\":null") != NULL,
              "the west sees none of city_b's: %s", r->body);
    cgt_response_free(r);
}

/* A cadre sees in the ledger only the tasks naming it responsible, and
 * nothing else of rectification. */
static void cadre_sees_its_own_tasks(void **state)
{
    (void)state;
    char other[37], problem[37], me[37], mine[37], path[160], body[256];
    char *cadre = CGT_LOGIN("cadre.east");
    CGT_RECTIFY_TASK("city_a", CGT_TASK_ASSIGNED, other);
    cJSON *task = CGT_GET_TASK(tokens[LEAD], other);
    snprintf(problem, sizeof problem, "%s", cgt_json_str(task, "problem_id"));
    cJSON_Delete(task);
    cgt_response *r = cgt_get("/api/v1/auth/me", cadre);
    CGT_CHECK_STATUS(r, 200);
    snprintf(me, sizeof me, "%s", CGT_JSON_STR(CGT_JSON_OBJECT(r), "id"));
    cgt_response_free(r);

    snprintf(path, sizeof path, "/api/v1/rectify/problems/%s/tasks", problem);
    step_answers(cgt_post_raw(path, tokens[LEAD], "application/json",
                              "{\"text\":\"x\",\"unit_code\":\"city_a\",\"leader\":\"x\","
                              "\"leader_account_id\":\"not-an-id\"}",
                              strlen("{\"text\":\"x\",\"unit_code\":\"city_a\",\"leader\":\"x\","
                                     "\"leader_account_id\":\"not-an-id\"}")),
                 400, "leader_account_id");
    snprintf(body, sizeof body,
             "{\"text\":\"整改采购台账\",\"unit_code\":\"city_a\",\"leader\":\"华东干部\","
             "\"leader_account_id\":\"%s\"}",
             me);
    r = cgt_post_raw(path, tokens[LEAD], "application/json", body, strlen(body));
    CGT_CHECK_STATUS(r, 201);
    snprintf(mine, sizeof mine, "%s", CGT_JSON_STR(CGT_JSON_OBJECT(r), "id"));
    cgt_response_free(r);

    CGT_CHECK(ledger_lists(cadre, mine), "the cadre's ledger lists its task");
    CGT_CHECK(!ledger_lists(cadre, other), "and not another's");
    cJSON_Delete(CGT_GET_TASK(cadre, mine));
    snprintf(path, sizeof path, "/api/v1/rectify/tasks/%s", other);
    step_answers(cgt_get(path, cadre), 404, NULL);
    step_answers(cgt_get("/api/v1/rectify/batches", cadre), 403, NULL);
    step_answers(cgt_get("/api/v1/rectify/statistics", cadre), 403, NULL);
    snprintf(path, sizeof path, "/api/v1/rectify/tasks/%s/dossier", mine);
    step_answers(cgt_get(path, cadre), 403, NULL);
    step_answers(cgt_rectify_step(cadre, mine, "/plan",
                                  "{\"measures\":[{\"text\":\"x\",\"milestone_on\":"
                                  "\"2026-12-10\"}]}"),
                 403, NULL);
    cgt_logout(cadre);
}

/* The rules that are data: a source's report period and parties changed by
 * a lead apply to what comes next; bad rules are refused, nothing kept. */
static void rules_are_data(void **state)
{
    (void)state;
    static const char *const bad[][2] = {
        {"{\"name\":\"supervision\",\"report_months\":2,\"parties\":[]}", "parties"},
        {"{\"name\":\"supervision\",\"report_months\":2,\"parties\":[\"Office\"]}", "parties"},
        {"{\"name\":\"supervision\",\"report_months\":0,\"parties\":[\"office\"]}",
         "report_months"},
        {"{\"name\":\"supervision\",\"report_months\":2,\"parties\":[\"office\",\"office\"]}",
         "twice"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        step_answers(cgt_post_raw("/api/v1/rectify/settings/sources", tokens[LEAD],
                                  "application/json", bad[i][0], strlen(bad[i][0])),
                     400, bad[i][1]);
    const char *gossip = "{\"name\":\"gossip\",\"report_months\":2,\"parties\":[\"office\"]}";
    step_answers(cgt_post_raw("/api/v1/rectify/settings/sources", tokens[LEAD], "application/json",
                              gossip, strlen(gossip)),
                 404, NULL);
    const char *three = "{\"name\":\"audit\",\"report_months\":3,"
                        "\"parties\":[\"office\",\"oversight_department\"]}";
    step_answers(cgt_post_raw("/api/v1/rectify/settings/sources", tokens[INSPECTOR],
                              "application/json", three, strlen(three)),
                 403, NULL);

    /* A task of an audit's batch added after the change takes the new
     * period. */
    char after[37], body[256], batch[37], problem[37], path[160];
    cgt_response *r = cgt_post_raw("/api/v1/rectify/settings/sources", tokens[LEAD],
                                   "application/json", three, strlen(three));
    CGT_CHECK_STATUS(r, 200);
    CGT_CHECK(strstr(r->body, "oversight_department") != NULL, "the new rule: %s", r->body);
    cgt_response_free(r);
    snprintf(body, sizeof body,
             "{\"source\":\"audit\",\"title\":\"审计整改\",\"unit_code\":\"city_a\","
             "\"feedback_on\":\"2026-11-01\"}");
    r = cgt_post_raw("/api/v1/rectify/batches", tokens[LEAD], "application/json", body,
                     strlen(body));
    CGT_CHECK_STATUS(r, 201);
    snprintf(batch, sizeof batch, "%s", CGT_JSON_STR(CGT_JSON_OBJECT(r), "id"));
    cgt_response_free(r);
    snprintf(path, sizeof path, "/api/v1/rectify/batches/%s/problems", batch);
    r = cgt_post_raw(path, tokens[LEAD], "application/json", "{\"description\":\"账实不符\"}",
                     strlen("{\"description\":\"账实不符\"}"));
    CGT_CHECK_STATUS(r, 201);
    snprintf(problem, sizeof problem, "%s", CGT_JSON_STR(CGT_JSON_OBJECT(r), "id"));
    cgt_response_free(r);
    snprintf(path, sizeof path, "/api/v1/rectify/problems/%s/tasks", problem);
    r = cgt_post_raw(path, tokens[LEAD], "application/json",
                     "{\"text\":\"盘点\",\"unit_code\":\"city_a\",\"leader\":\"x\"}",
                     strlen("{\"text\":\"盘点\",\"unit_code\":\"city_a\",\"leader\":\"x\"}"));
    CGT_CHECK_STATUS(r, 201);
    snprintf(after, sizeof after, "%s", CGT_JSON_STR(CGT_JSON_OBJECT(r), "id"));
    /* Three months from the feedback, the new report period. */
    CGT_CHECK_STR("2027-02-01", CGT_JSON_STR(CGT_JSON_OBJECT(r), "deadline_on"),
                  "the deadline from the new period");
    cgt_response_free(r);
    cJSON *task = CGT_GET_TASK(tokens[LEAD], after);
    CGT_CHECK_STR("audit", cgt_json_str(task, "source"), "an audit's task");
    cJSON_Delete(task);

    /* Back as they were, for the other tests. */
    const char *back = "{\"name\":\"audit\",\"report_months\":2,\"parties\":[\"office\"]}";
    step_answers(cgt_post_raw("/api/v1/rectify/settings/sources", tokens[LEAD], "application/json",
                              back, strlen(back)),
                 200, NULL);
    r = cgt_get("/api/v1/rectify/settings", tokens[AUDITOR]);
    CGT_CHECK_STATUS(r, 200);
    CGT_CHECK(strstr(r->body, "oversight_department") == NULL, "restored: %s", r->body);
    cgt_response_free(r);
}

CGT_MAIN("rectify_lifecycle", 0,
         cmocka_unit_test_setup_teardown(task_to_verified_closure, group_setup, group_teardown),
         cmocka_unit_test_setup_teardown(wrong_steps_change_nothing, group_setup, group_teardown),
         cmocka_unit_test_setup_teardown(verifiers_are_outsiders, group_setup, group_teardown),
         cmocka_unit_test_setup_teardown(provinces_apart, group_setup, group_teardown),
         cmocka_unit_test_setup_teardown(bad_registrations, group_setup, group_teardown),
         cmocka_unit_test_setup_teardown(rechecks_and_relapse, group_setup, group_teardown),
         cmocka_unit_test_setup_teardown(cadre_sees_its_own_tasks, group_setup, group_teardown),
         cmocka_unit_test_setup_teardown(rules_are_data, group_setup, group_teardown))
