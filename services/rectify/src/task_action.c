/* cg.rpc.rectify.TaskAction: one step of a task's life, as the transition
 * table of lifecycle.c allows it, with what each step needs checked here:
 * a plan's measures, evidence that is the task's own document, evidence
 * for every measure before closure, and verifiers who are neither of the
 * responsible unit nor the one who asked. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "cg/log.h"
#include "cg/util.h"
#include "cg/validate.h"
#include "lifecycle.h"
#include "rectify.h"

/* The most measures one plan holds. */
#define PLAN_MEASURES_MAX 30

/* The task as a step needs it, read under its row lock. */
typedef struct task_row {
    char stage[32];
    char org_path[256];
    char requested_by[CG_UUID_LEN + 1];
    int round;
    int pending; /* parties still to accept this round */
    char deadline[16];
    char recheck_state[16];
} task_row;

cg_code rectify_task_action_roles(const void *request, const char *const **roles,
                                  const char **doing, cg_err *err)
{
    const Cleangrid__V1__TaskActionRequest *req = request;
    return rectify_action_roles(req->action, roles, doing, err);
}

static cg_code lock_task(PGconn *conn, const cg_actor *actor, const char *task_id, task_row *t,
                         cg_err *err)
{
    PGresult *res = NULL;
    const char *params[] = {actor->scope, task_id};
    cg_code rc =
        cg_db_exec(conn,
                   "SELECT stage, org_path::text, requested_by, round, json_day(deadline_on),"
                   " recheck_state FROM tasks WHERE id = $2::uuid AND org_path <@ $1::ltree"
                   " FOR UPDATE",
                   2, params, &res, err);
    if (rc == CG_OK && PQntuples(res) == 0)
        rc = cg_err_set(err, CG_NOT_FOUND, "task not found");
    if (rc == CG_OK) {
        cg_strlcpy(t->stage, cg_db_get(res, 0, 0), sizeof t->stage);
        cg_strlcpy(t->org_path, cg_db_get(res, 0, 1), sizeof t->org_path);
        cg_strlcpy(t->requested_by, cg_db_get(res, 0, 2), sizeof t->requested_by);
        t->round = (int)cg_db_get_ll(res, 0, 3);
        cg_strlcpy(t->deadline, cg_db_get(res, 0, 4), sizeof t->deadline);
        cg_strlcpy(t->recheck_state, cg_db_get(res, 0, 5), sizeof t->recheck_state);
    }
    PQclear(res);
    return rc;
}

/* The step's own work: checks, then its writes. Each adds what the
 * dossier entry says of it to summary. */
typedef cg_code (*step_fn)(PGconn *conn, const cg_actor *actor, const char *task_id,
                           const Cleangrid__V1__TaskActionRequest *req, task_row *t, cJSON *summary,
                           cg_err *err);

static cg_code do_plan(PGconn *conn, const cg_actor *actor, const char *task_id,
                       const Cleangrid__V1__TaskActionRequest *req, task_row *t, cJSON *summary,
                       cg_err *err)
{
    (void)actor;
    PGresult *res = NULL;
    char seq[24], milestone[24], count[24], field[48];
    cg_code rc = CG_OK;

    if (req->n_measures == 0 || req->n_measures > PLAN_MEASURES_MAX)
        cg_err_add_violation(err, "measures", "must list 1 to %d measures, each with its milestone",
                             PLAN_MEASURES_MAX);
    for (size_t i = 0; i < req->n_measures && i < PLAN_MEASURES_MAX; i++) {
        const Cleangrid__V1__RectifyPlanMeasure *m = req->measures[i];
        snprintf(field, sizeof field, "measures[%zu].text", i);
        cg_check_text(err, field, m->text, 1, 1000, CG_TEXT_REQUIRED | CG_TEXT_MULTILINE);
        if (m->milestone_on_ms <= 0) {
            snprintf(field, sizeof field, "measures[%zu].milestone_on", i);
            cg_err_add_violation(err, field, "is required");
        }
    }
    if (err->code != CG_OK)
        return err->code;
    /* A revision may reword a measure that has evidence, never drop it:
     * the evidence would lose what it proves. */
    snprintf(count, sizeof count, "%zu", req->n_measures);
    const char *check[] = {task_id, count};
    rc = cg_db_exec(conn,
                    "SELECT min(measure_seq) FROM evidence WHERE task_id = $1::uuid"
                    " AND measure_seq > $2::integer",
                    2, check, &res, err);
    if (rc == CG_OK && !PQgetisnull(res, 0, 0))
        rc = cg_err_set(err, CG_FAILED_PRECONDITION,
                        "measure %s has evidence; a new plan keeps it (list at least %s measures)",
                        cg_db_get(res, 0, 0), cg_db_get(res, 0, 0));
    PQclear(res);
    res = NULL;
    if (rc == CG_OK)
        rc = cg_db_exec(conn, "DELETE FROM measures WHERE task_id = $1::uuid AND seq > $2::integer",
                        2, check, NULL, err);
    for (size_t i = 0; rc == CG_OK && i < req->n_measures; i++) {
        snprintf(seq, sizeof seq, "%zu", i + 1);
        snprintf(milestone, sizeof milestone, "%lld", (long long)req->measures[i]->milestone_on_ms);
        const char *params[] = {task_id, seq, req->measures[i]->text, milestone};
        rc = cg_db_exec(conn,
                        "INSERT INTO measures (task_id, seq, text, milestone_on) VALUES"
                        " ($1::uuid, $2::integer, $3, (to_timestamp($4::bigint / 1000.0)"
                        " AT TIME ZONE 'UTC')::date) ON CONFLICT (task_id, seq) DO UPDATE"
                        " SET text = excluded.text, milestone_on = excluded.milestone_on",
                        4, params, NULL, err);
    }
    if (rc == CG_OK &&
        cJSON_AddNumberToObject(summary, "measures", (double)req->n_measures) == NULL)
        rc = cg_err_set(err, CG_UNAVAILABLE, "out of memory");
    (void)t;
    return rc;
}

static cg_code do_add_evidence(PGconn *conn, const cg_actor *actor, const char *task_id,
                               const Cleangrid__V1__TaskActionRequest *req, task_row *t,
                               cJSON *summary, cg_err *err)
{
    (void)t;
    PGresult *res = NULL;
    char seq[12], effective[24];

    if (req->measure_seq <= 0)
        cg_err_add_violation(err, "measure", "is required: the number of the measure it proves");
    if (strlen(req->sha256) != 64 || strspn(req->sha256, "0123456789abcdef") != 64)
        cg_err_add_violation(err, "sha256",
                             "must be the 64 lower-case hex digits of a document of "
                             "the task (its sha256)");
    if (req->effective_on_ms <= 0)
        cg_err_add_violation(err, "effective_on", "is required: the day the fix took effect");
    cg_check_text(err, "description", req->description, 1, 1000,
                  CG_TEXT_REQUIRED | CG_TEXT_MULTILINE);
    if (err->code != CG_OK)
        return err->code;
    snprintf(seq, sizeof seq, "%d", req->measure_seq);
    snprintf(effective, sizeof effective, "%lld", (long long)req->effective_on_ms);
    const char *params[] = {task_id, seq, req->sha256, effective, req->description, actor->user_id};
    /* The document must be one added to this task's own file, and the day
     * it took effect not later than today. */
    cg_code rc = cg_db_exec(
        conn,
        "WITH m AS (SELECT seq FROM measures WHERE task_id = $1::uuid AND seq = $2::integer),"
        " d AS (SELECT 1 FROM document_links WHERE file_id = $1::uuid"
        " AND sha256 = decode($3, 'hex')),"
        " day AS (SELECT (to_timestamp($4::bigint / 1000.0) AT TIME ZONE 'UTC')::date AS v)"
        " SELECT (SELECT count(*) FROM m), (SELECT count(*) FROM d),"
        " (SELECT v > rectify_today() FROM day)",
        4, params, &res, err);
    if (rc != CG_OK)
        goto cleanup;
    if (cg_db_get_ll(res, 0, 0) == 0)
        cg_err_add_violation(err, "measure", "is not a measure of the task's plan");
    if (cg_db_get_ll(res, 0, 1) == 0)
        cg_err_add_violation(err, "sha256",
                             "is not a document of this task (upload it to the task first)");
    if (strcmp(cg_db_get(res, 0, 2), "t") == 0)
        cg_err_add_violation(err, "effective_on", "is in the future");
    if ((rc = err->code) != CG_OK)
        goto cleanup;
    PQclear(res);
    res = NULL;
    rc = cg_db_exec(conn,
                    "INSERT INTO evidence (task_id, measure_seq, sha256, effective_on,"
                    " description, added_by) VALUES ($1::uuid, $2::integer, decode($3, 'hex'),"
                    " (to_timestamp($4::bigint / 1000.0) AT TIME ZONE 'UTC')::date, $5, $6)",
                    6, params, NULL, err);
    if (rc == CG_ALREADY_EXISTS)
        rc = cg_err_set(err, CG_ALREADY_EXISTS, "that document proves measure %d already",
                        req->measure_seq);
    if (rc == CG_OK && (cJSON_AddNumberToObject(summary, "measure", req->measure_seq) == NULL ||
                        cJSON_AddStringToObject(summary, "sha256", req->sha256) == NULL))
        rc = cg_err_set(err, CG_UNAVAILABLE, "out of memory");

cleanup:
    PQclear(res);
    return rc;
}

static cg_code do_request_closure(PGconn *conn, const cg_actor *actor, const char *task_id,
                                  const Cleangrid__V1__TaskActionRequest *req, task_row *t,
                                  cJSON *summary, cg_err *err)
{
    (void)req;
    PGresult *res = NULL;
    const char *params[] = {task_id, actor->user_id};
    /* 对账销号: every measure of the plan proven, or nothing to close. */
    cg_code rc = cg_db_exec(conn,
                            "SELECT (SELECT count(*) FROM measures WHERE task_id = $1::uuid),"
                            " (SELECT string_agg(m.seq::text, ', ' ORDER BY m.seq) FROM measures m"
                            " WHERE m.task_id = $1::uuid AND NOT EXISTS (SELECT 1 FROM evidence e"
                            " WHERE e.task_id = m.task_id AND e.measure_seq = m.seq))",
                            1, params, &res, err);
    if (rc != CG_OK)
        goto cleanup;
    if (cg_db_get_ll(res, 0, 0) == 0) {
        rc = cg_err_set(err, CG_FAILED_PRECONDITION,
                        "the task has no plan; plan its measures first");
        goto cleanup;
    }
    if (!PQgetisnull(res, 0, 1)) {
        rc = cg_err_set(err, CG_FAILED_PRECONDITION,
                        "closure needs evidence for every measure; measure %s has none",
                        cg_db_get(res, 0, 1));
        goto cleanup;
    }
    /* A new round of acceptance, by the parties the source names now. */
    rc = cg_db_exec(conn,
                    "UPDATE tasks t SET round = t.round + 1, requested_by = $2,"
                    " rejection_reason = '', parties = s.parties FROM sources s"
                    " WHERE t.id = $1::uuid AND s.name = t.source",
                    2, params, NULL, err);
    if (rc == CG_OK && cJSON_AddNumberToObject(summary, "round", t->round + 1) == NULL)
        rc = cg_err_set(err, CG_UNAVAILABLE, "out of memory");

cleanup:
    PQclear(res);
    return rc;
}

/* The independence of a verifier (验收): not of the responsible unit's own
 * people (its scope is not the unit or below it), not the one who asked
 * for closure, and one party per person a round. */
static cg_code check_verifier(PGconn *conn, const cg_actor *actor, const char *task_id,
                              const Cleangrid__V1__TaskActionRequest *req, task_row *t, cg_err *err)
{
    PGresult *res = NULL;
    char round[12];
    cg_code rc;

    if (!cg_check_text(err, "party", req->party, 1, 40, CG_TEXT_REQUIRED))
        return err->code;
    if (rectify_check_outsider(actor->scope, t->org_path, err) != CG_OK)
        return err->code;
    if (strcmp(actor->user_id, t->requested_by) == 0)
        return cg_err_set(err, CG_FAILED_PRECONDITION,
                          "the one who requested closure may not verify it");
    snprintf(round, sizeof round, "%d", t->round);
    const char *params[] = {task_id, round, req->party, actor->user_id};
    rc = cg_db_exec(conn,
                    "SELECT $3 = ANY (t.parties), array_to_string(t.parties, ', '),"
                    " EXISTS (SELECT 1 FROM verifications v WHERE v.task_id = t.id"
                    " AND v.round = $2::integer AND v.party = $3 AND v.verdict = 'accepted'),"
                    " (SELECT party FROM verifications v WHERE v.task_id = t.id"
                    " AND v.round = $2::integer AND v.verifier_id = $4 AND v.verdict = 'accepted')"
                    " FROM tasks t WHERE t.id = $1::uuid",
                    4, params, &res, err);
    if (rc != CG_OK)
        goto cleanup;
    if (strcmp(cg_db_get(res, 0, 0), "t") != 0) {
        cg_err_add_violation(err, "party", "must be one of the parties of this acceptance: %s",
                             cg_db_get(res, 0, 1));
        rc = err->code;
    } else if (strcmp(cg_db_get(res, 0, 2), "t") == 0) {
        rc = cg_err_set(err, CG_FAILED_PRECONDITION, "%s has accepted this round already",
                        req->party);
    } else if (!PQgetisnull(res, 0, 3)) {
        rc = cg_err_set(err, CG_FAILED_PRECONDITION,
                        "you accepted for %s this round; another person accepts for %s",
                        cg_db_get(res, 0, 3), req->party);
    }

cleanup:
    PQclear(res);
    return rc;
}

static cg_code verdict(PGconn *conn, const cg_actor *actor, const char *task_id,
                       const Cleangrid__V1__TaskActionRequest *req, task_row *t, bool accepted,
                       cJSON *summary, cg_err *err)
{
    PGresult *res = NULL;
    char round[12];

    if (!accepted)
        cg_check_text(err, "reason", req->reason, 1, 2000, CG_TEXT_REQUIRED | CG_TEXT_MULTILINE);
    if (err->code != CG_OK || check_verifier(conn, actor, task_id, req, t, err) != CG_OK)
        return err->code;
    snprintf(round, sizeof round, "%d", t->round);
    const char *params[] = {
        task_id,    round, req->party, actor->user_id, accepted ? "accepted" : "rejected",
        req->reason};
    cg_code rc =
        cg_db_exec(conn,
                   "INSERT INTO verifications (task_id, round, party, verifier_id, verdict,"
                   " reason) VALUES ($1::uuid, $2::integer, $3, $4, $5, $6)",
                   6, params, NULL, err);
    if (rc == CG_OK && accepted)
        rc = cg_db_exec(
            conn,
            "SELECT count(*) FROM unnest((SELECT parties FROM tasks WHERE id = $1::uuid))"
            " AS u(party) WHERE NOT EXISTS (SELECT 1 FROM verifications v"
            " WHERE v.task_id = $1::uuid AND v.round = $2::integer"
            " AND v.party = u.party AND v.verdict = 'accepted')",
            2, params, &res, err);
    if (rc == CG_OK && accepted)
        t->pending = (int)cg_db_get_ll(res, 0, 0);
    if (rc == CG_OK && !accepted)
        rc = cg_db_exec(conn, "UPDATE tasks SET rejection_reason = $2 WHERE id = $1::uuid", 2,
                        (const char *[]){task_id, req->reason}, NULL, err);
    if (rc == CG_OK &&
        (cJSON_AddStringToObject(summary, "party", req->party) == NULL ||
         cJSON_AddNumberToObject(summary, "round", t->round) == NULL ||
         (!accepted && cJSON_AddStringToObject(summary, "reason", req->reason) == NULL)))
        rc = cg_err_set(err, CG_UNAVAILABLE, "out of memory");
    PQclear(res);
    return rc;
}

static cg_code do_verify(PGconn *conn, const cg_actor *actor, const char *task_id,
                         const Cleangrid__V1__TaskActionRequest *req, task_row *t, cJSON *summary,
                         cg_err *err)
{
    return verdict(conn, actor, task_id, req, t, true, summary, err);
}

static cg_code do_reject(PGconn *conn, const cg_actor *actor, const char *task_id,
                         const Cleangrid__V1__TaskActionRequest *req, task_row *t, cJSON *summary,
                         cg_err *err)
{
    return verdict(conn, actor, task_id, req, t, false, summary, err);
}

static cg_code do_close(PGconn *conn, const cg_actor *actor, const char *task_id,
                        const Cleangrid__V1__TaskActionRequest *req, task_row *t, cJSON *summary,
                        cg_err *err)
{
    (void)actor, (void)req, (void)t, (void)summary;
    return cg_db_exec(conn, "UPDATE tasks SET closed_at = clock_timestamp() WHERE id = $1::uuid", 1,
                      &task_id, NULL, err);
}

/* A re-check is the office's and never the unit's own people's, as an
 * acceptance is; its finding is required. */
static cg_code check_rechecker(const cg_actor *actor, const Cleangrid__V1__TaskActionRequest *req,
                               const task_row *t, cg_err *err)
{
    /* The API calls the finding "finding" (the request's reason). */
    if (!cg_check_text(err, "finding", req->reason, 1, 2000, CG_TEXT_REQUIRED | CG_TEXT_MULTILINE))
        return err->code;
    if (cg_path_within(actor->scope, t->org_path))
        return cg_err_set(err, CG_FAILED_PRECONDITION,
                          "a re-check may not be by the responsible unit (%s); ask the office",
                          t->org_path);
    return CG_OK;
}

static cg_code do_recheck(PGconn *conn, const cg_actor *actor, const char *task_id,
                          const Cleangrid__V1__TaskActionRequest *req, task_row *t, cJSON *summary,
                          cg_err *err)
{
    if (check_rechecker(actor, req, t, err) != CG_OK)
        return err->code;
    if (strcmp(t->recheck_state, "pending") != 0)
        return cg_err_set(err, CG_FAILED_PRECONDITION,
                          "the task is not drawn for a re-check; draw it first (or report a "
                          "relapse)");
    if (cJSON_AddStringToObject(summary, "finding", req->reason) == NULL)
        return cg_err_set(err, CG_UNAVAILABLE, "out of memory");
    return cg_db_exec(conn, "UPDATE tasks SET recheck_state = 'held' WHERE id = $1::uuid", 1,
                      &task_id, NULL, err);
}

/* The problem is back: the task reopens with its history, a new deadline
 * (a month on unless given) and the ladder from its first rung. */
static cg_code do_relapse(PGconn *conn, const cg_actor *actor, const char *task_id,
                          const Cleangrid__V1__TaskActionRequest *req, task_row *t, cJSON *summary,
                          cg_err *err)
{
    PGresult *res = NULL;
    char deadline[24];
    if (check_rechecker(actor, req, t, err) != CG_OK)
        return err->code;
    snprintf(deadline, sizeof deadline, "%lld", (long long)req->deadline_on_ms);
    const char *params[] = {task_id, req->reason, deadline};
    cg_code rc = cg_db_exec(
        conn,
        "UPDATE tasks SET relapse_count = relapse_count + 1, recheck_state = 'relapsed',"
        " rejection_reason = $2, closed_at = NULL, ladder_step = 0, final_deadline_on = NULL,"
        " deadline_on = CASE WHEN $3::bigint > 0 THEN (to_timestamp($3::bigint / 1000.0)"
        " AT TIME ZONE 'UTC')::date ELSE rectify_today() + 30 END"
        " WHERE id = $1::uuid AND ($3::bigint = 0 OR (to_timestamp($3::bigint / 1000.0)"
        " AT TIME ZONE 'UTC')::date > rectify_today())"
        " RETURNING json_day(deadline_on), relapse_count",
        3, params, &res, err);
    if (rc == CG_OK && PQntuples(res) == 0) {
        cg_err_add_violation(err, "deadline_on", "must be a day after today");
        rc = err->code;
    }
    if (rc == CG_OK &&
        (cJSON_AddStringToObject(summary, "finding", req->reason) == NULL ||
         cJSON_AddStringToObject(summary, "deadline_on", cg_db_get(res, 0, 0)) == NULL ||
         cJSON_AddNumberToObject(summary, "relapse_count", (double)cg_db_get_ll(res, 0, 1)) ==
             NULL))
        rc = cg_err_set(err, CG_UNAVAILABLE, "out of memory");
    PQclear(res);
    return rc;
}

/* Each action's own work, beside the transition table's row for it. */
static const struct {
    const char *action;
    step_fn fn;
} step_fns[] = {
    {RECTIFY_ACTION_PLAN, do_plan},
    {RECTIFY_ACTION_ADD_EVIDENCE, do_add_evidence},
    {RECTIFY_ACTION_REQUEST_CLOSURE, do_request_closure},
    {RECTIFY_ACTION_VERIFY, do_verify},
    {RECTIFY_ACTION_REJECT, do_reject},
    {RECTIFY_ACTION_CLOSE, do_close},
    {RECTIFY_ACTION_RECHECK, do_recheck},
    {RECTIFY_ACTION_RELAPSE, do_relapse},
};

static step_fn find_fn(const char *action)
{
    for (size_t i = 0; i < sizeof step_fns / sizeof step_fns[0]; i++)
        if (strcmp(step_fns[i].action, action) == 0)
            return step_fns[i].fn;
    return NULL;
}

cg_code rectify_task_action(cg_rpc_req *r, const void *request, PGconn *conn, void *reply,
                            cg_err *err)
{
    const Cleangrid__V1__TaskActionRequest *req = request;
    rectify_call *c = r->state;
    const rectify_step *step = NULL;
    task_row t = {0};
    cJSON *summary = NULL;
    char *summary_text = NULL;
    cg_code rc;

    if (!cg_check_uuid(err, "id", req->task_id))
        return err->code;
    if ((rc = lock_task(conn, &c->actor, req->task_id, &t, err)) != CG_OK ||
        (rc = rectify_step_find(req->action, t.stage, &step, err)) != CG_OK)
        goto cleanup;
    step_fn fn = find_fn(step->action);
    summary = cJSON_CreateObject();
    if (fn == NULL || summary == NULL) {
        rc = cg_err_set(err, fn == NULL ? CG_INTERNAL : CG_UNAVAILABLE,
                        fn == NULL ? "no work for the step" : "out of memory");
        goto cleanup;
    }
    if ((rc = fn(conn, &c->actor, req->task_id, req, &t, summary, err)) != CG_OK)
        goto cleanup;
    const char *to = rectify_step_target(step, t.stage, (size_t)t.pending);
    const char *params[] = {req->task_id, to};
    rc = cg_db_exec(conn,
                    "UPDATE tasks SET stage = $2, updated_at = clock_timestamp()"
                    " WHERE id = $1::uuid",
                    2, params, NULL, err);
    if (rc == CG_OK && (cJSON_AddStringToObject(summary, "from", t.stage) == NULL ||
                        cJSON_AddStringToObject(summary, "to", to) == NULL ||
                        (summary_text = cJSON_PrintUnformatted(summary)) == NULL))
        rc = cg_err_set(err, CG_UNAVAILABLE, "out of memory");
    /* An acceptance that leaves parties pending is recorded, but the task
     * is verified, and says so, only with the last one. */
    if (rc == CG_OK)
        rc = rectify_record_step(r, conn, req->task_id, step->dossier_action,
                                 strcmp(step->action, RECTIFY_ACTION_VERIFY) == 0 &&
                                         strcmp(to, RECTIFY_STAGE_VERIFIED) != 0
                                     ? "accepted"
                                     : step->event,
                                 summary_text, err);
    if (rc == CG_OK)
        rc = rectify_task_reply(r, conn, req->task_id, reply, err);

cleanup:
    cJSON_Delete(summary);
    free(summary_text);
    return rc;
}
