/* cg.rpc.rectify batches and their three lists (三张清单): the batch a
 * source's findings make, its problems, the tasks of each problem and the
 * responsibility list. The office (inspectors and leads) registers them;
 * everyone who reads sees them inside their scope. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cg/log.h"
#include "cg/query.h"
#include "cg/util.h"
#include "cg/validate.h"
#include "rectify.h"

/* The day of a date field (Unix ms at midnight UTC) as SQL reads it. */
#define SQL_DAY(n) "(to_timestamp(" n "::bigint / 1000.0) AT TIME ZONE 'UTC')::date"

static cg_code one_row(cg_db_json_list *list, const char *what, cg_err *err)
{
    if (list->n == 0)
        return cg_err_set(err, CG_NOT_FOUND, "%s not found", what);
    return CG_OK;
}

/* When a statement that inserts from a lookup made no row: which of the
 * things it looked up was not there, said as the client named it. */
static cg_code unknown_source(PGconn *conn, cg_err *err)
{
    PGresult *res = NULL;
    if (cg_db_exec(conn, "SELECT string_agg(name, ', ' ORDER BY name) FROM sources", 0, NULL, &res,
                   err) == CG_OK)
        cg_err_add_violation(err, "source", "must be one of %s", cg_db_get(res, 0, 0));
    PQclear(res);
    return err->code;
}

bool rectify_check_unit(cg_err *err, const cg_actor *actor, const char *org_path)
{
    if (org_path == NULL || org_path[0] == '\0') {
        cg_err_add_violation(err, "unit_code", "is required");
        return false;
    }
    if (!cg_ltree_path_valid(org_path)) {
        cg_err_add_violation(err, "unit_code", "is not a unit");
        return false;
    }
    if (!cg_path_within(org_path, actor->scope)) {
        cg_err_add_violation(err, "unit_code", "is outside your scope");
        return false;
    }
    return true;
}

cg_code rectify_create_batch(cg_rpc_req *r, const void *request, PGconn *conn, void *reply,
                             cg_err *err)
{
    const Cleangrid__V1__CreateBatchRequest *req = request;
    Cleangrid__V1__BatchReply *out = reply;
    rectify_call *c = r->state;
    cg_db_json_list *batch = NULL;
    char feedback[24];

    cg_check_text(err, "title", req->title, 1, 200, CG_TEXT_REQUIRED);
    cg_check_text(err, "source_ref", req->source_ref, 0, 100, 0);
    cg_check_text(err, "oversight", req->oversight, 0, 200, 0);
    cg_check_text(err, "source", req->source, 1, 40, CG_TEXT_REQUIRED);
    if (req->feedback_on_ms <= 0)
        cg_err_add_violation(err, "feedback_on", "is required: the day the findings were fed back");
    rectify_check_unit(err, &c->actor, req->org_path);
    if (err->code != CG_OK)
        return err->code;
    snprintf(feedback, sizeof feedback, "%lld", (long long)req->feedback_on_ms);
    const char *params[] = {req->source, req->source_ref, req->title,      req->org_path,
                            feedback,    req->oversight,  c->actor.user_id};
    if (rectify_read(
            r, conn, &cleangrid__v1__rectify_batch__descriptor,
            "WITH b AS (INSERT INTO batches (source, source_ref, title, org_path,"
            " feedback_on, oversight, created_by) SELECT s.name, $2, $3, $4::ltree, " SQL_DAY(
                "$5") ", $6, $7 FROM sources s WHERE s.name = $1 RETURNING *)"
                      " SELECT batch_json(b::batches) FROM b",
            7, params, &batch, err) != CG_OK)
        return err->code == CG_ALREADY_EXISTS
                   ? cg_err_set(err, CG_ALREADY_EXISTS,
                                "a batch of this source with source_ref %s exists already",
                                req->source_ref)
                   : err->code;
    if (batch->n == 0)
        return unknown_source(conn, err);
    out->batch = (Cleangrid__V1__RectifyBatch *)batch->msgs[0];
    cg_log_fields(CG_LOG_INFO, "batch created", "batch_id", out->batch->id, "source", req->source,
                  NULL);
    return CG_OK;
}

cg_code rectify_get_batch(cg_rpc_req *r, const void *request, PGconn *conn, void *reply,
                          cg_err *err)
{
    const Cleangrid__V1__GetBatchRequest *req = request;
    Cleangrid__V1__BatchReply *out = reply;
    rectify_call *c = r->state;
    cg_db_json_list *batch, *problems, *tasks, *duties;

    if (!cg_check_uuid(err, "id", req->id))
        return err->code;
    const char *params[] = {c->actor.scope, req->id};
    if (rectify_read(r, conn, &cleangrid__v1__rectify_batch__descriptor,
                     "SELECT batch_json(b) FROM batches b WHERE b.id = $2::uuid"
                     " AND b.org_path <@ $1::ltree",
                     2, params, &batch, err) != CG_OK ||
        one_row(batch, "batch", err) != CG_OK ||
        rectify_read(r, conn, &cleangrid__v1__rectify_problem__descriptor,
                     "SELECT problem_json(p) FROM problems p WHERE p.batch_id = $1::uuid"
                     " ORDER BY p.seq",
                     1, params + 1, &problems, err) != CG_OK ||
        rectify_read(r, conn, &cleangrid__v1__rectify_task__descriptor,
                     "SELECT task_json(t, false) FROM tasks t WHERE t.batch_id = $2::uuid"
                     " AND t.org_path <@ $1::ltree ORDER BY t.created_at, t.id",
                     2, params, &tasks, err) != CG_OK ||
        rectify_read(r, conn, &cleangrid__v1__rectify_responsibility__descriptor,
                     "SELECT responsibility_json(x) FROM responsibilities x"
                     " WHERE x.batch_id = $1::uuid ORDER BY x.created_at, x.id",
                     1, params + 1, &duties, err) != CG_OK)
        return err->code;
    out->batch = (Cleangrid__V1__RectifyBatch *)batch->msgs[0];
    out->n_problems = problems->n;
    out->problems = RECTIFY_ITEMS(Cleangrid__V1__RectifyProblem, problems);
    out->n_tasks = tasks->n;
    out->tasks = RECTIFY_ITEMS(Cleangrid__V1__RectifyTask, tasks);
    out->n_responsibilities = duties->n;
    out->responsibilities = RECTIFY_ITEMS(Cleangrid__V1__RectifyResponsibility, duties);
    return CG_OK;
}

cg_code rectify_list_batches(cg_rpc_req *r, const void *request, PGconn *conn, void *reply,
                             cg_err *err)
{
    const Cleangrid__V1__ListBatchesRequest *req = request;
    Cleangrid__V1__ListBatchesReply *out = reply;
    rectify_call *c = r->state;
    cg_db_json_list *batches = NULL;
    cg_query *q = NULL;
    cg_cursor cursor;
    bool has_cursor = false;
    int size = 0;

    if (cg_page_parse(req->page, CG_SORT_DATE, &size, &cursor, &has_cursor, err) != CG_OK)
        return err->code;
    if (req->org_path[0] != '\0' && !cg_ltree_path_valid(req->org_path))
        cg_err_add_violation(err, "unit_code", "is not a unit");
    cg_check_text(err, "source", req->source, 0, 40, 0);
    if (err->code != CG_OK)
        return err->code;
    q = calloc(1, sizeof *q);
    if (q == NULL)
        return cg_err_set(err, CG_UNAVAILABLE, "out of memory");
    const char *lead[] = {c->actor.scope};
    cg_query_start(q, lead, 1, "SELECT batch_json(b) FROM batches b WHERE b.org_path <@ $1::ltree");
    if (req->source[0] != '\0')
        cg_query_cond(q, " AND b.source = ", cg_query_param(q, req->source), "");
    if (req->org_path[0] != '\0')
        cg_query_cond(q, " AND b.org_path <@ ", cg_query_param(q, req->org_path), "::ltree");
    if (has_cursor) {
        int key = cg_query_number(q, cursor.key_us);
        cg_query_cond(q, " AND (b.created_at, b.id) < ('epoch'::timestamptz + ", key,
                      " * interval '1 microsecond', ");
        cg_query_cond(q, "", cg_query_param(q, cursor.id), "::uuid)");
    }
    cg_query_text(q, " ORDER BY b.created_at DESC, b.id DESC LIMIT ");
    cg_query_cond(q, "", cg_query_number(q, size + 1), "");
    cg_code rc = q->overflow ? cg_err_set(err, CG_INTERNAL, "list statement too long")
                             : rectify_read(r, conn, &cleangrid__v1__rectify_batch__descriptor,
                                            q->sql, q->n, q->params, &batches, err);
    free(q);
    if (rc != CG_OK)
        return rc;
    cg_page_out_init(&c->page, (int)batches->n, size);
    if (c->page.more) {
        const Cleangrid__V1__RectifyBatch *last =
            (const Cleangrid__V1__RectifyBatch *)batches->msgs[c->page.n - 1];
        cg_cursor next = {.sort = CG_SORT_DATE, .key_us = last->created_at_ms * 1000};
        cg_strlcpy(next.id, last->id, sizeof next.id);
        cg_page_out_after(&c->page, &next);
    }
    out->n_batches = (size_t)c->page.n;
    out->batches = RECTIFY_ITEMS(Cleangrid__V1__RectifyBatch, batches);
    out->page = &c->page.page;
    return CG_OK;
}

cg_code rectify_add_problem(cg_rpc_req *r, const void *request, PGconn *conn, void *reply,
                            cg_err *err)
{
    static const char *const severities[] = {"general", "serious", "major", NULL};
    const Cleangrid__V1__AddProblemRequest *req = request;
    Cleangrid__V1__ProblemReply *out = reply;
    rectify_call *c = r->state;
    cg_db_json_list *problem = NULL;

    cg_check_uuid(err, "batch_id", req->batch_id);
    cg_check_text(err, "description", req->description, 1, 4000,
                  CG_TEXT_REQUIRED | CG_TEXT_MULTILINE);
    cg_check_text(err, "category", req->category, 0, 100, 0);
    cg_check_one_of(err, "severity", req->severity, severities, true);
    cg_check_text(err, "basis", req->basis, 0, 1000, CG_TEXT_MULTILINE);
    if (err->code != CG_OK)
        return err->code;
    const char *params[] = {c->actor.scope,
                            req->batch_id,
                            req->description,
                            req->category,
                            req->severity[0] != '\0' ? req->severity : "general",
                            req->basis};
    /* The batch's row is locked so two problems added at once take two
     * numbers. */
    if (rectify_read(r, conn, &cleangrid__v1__rectify_problem__descriptor,
                     "WITH b AS (SELECT id, org_path FROM batches WHERE id = $2::uuid"
                     " AND org_path <@ $1::ltree FOR UPDATE),"
                     " p AS (INSERT INTO problems (batch_id, seq, description, category, severity,"
                     " basis, org_path) SELECT b.id, coalesce((SELECT max(seq) FROM problems"
                     " WHERE batch_id = b.id), 0) + 1, $3, $4, $5, $6, b.org_path FROM b"
                     " RETURNING *) SELECT problem_json(p::problems) FROM p",
                     6, params, &problem, err) != CG_OK ||
        one_row(problem, "batch", err) != CG_OK)
        return err->code;
    out->problem = (Cleangrid__V1__RectifyProblem *)problem->msgs[0];
    return CG_OK;
}

cg_code rectify_add_responsibility(cg_rpc_req *r, const void *request, PGconn *conn, void *reply,
                                   cg_err *err)
{
    const Cleangrid__V1__AddResponsibilityRequest *req = request;
    Cleangrid__V1__ResponsibilityReply *out = reply;
    rectify_call *c = r->state;
    cg_db_json_list *row = NULL;

    cg_check_uuid(err, "batch_id", req->batch_id);
    if (req->problem_id[0] != '\0')
        cg_check_uuid(err, "problem_id", req->problem_id);
    cg_check_text(err, "person", req->person, 1, 100, CG_TEXT_REQUIRED);
    cg_check_text(err, "position", req->position, 0, 100, 0);
    cg_check_text(err, "duty", req->duty, 1, 500, CG_TEXT_REQUIRED);
    if (err->code != CG_OK)
        return err->code;
    const char *params[] = {c->actor.scope, req->batch_id, req->problem_id,
                            req->person,    req->position, req->duty};
    if (rectify_read(r, conn, &cleangrid__v1__rectify_responsibility__descriptor,
                     "WITH b AS (SELECT id, org_path FROM batches WHERE id = $2::uuid"
                     " AND org_path <@ $1::ltree),"
                     " x AS (INSERT INTO responsibilities (batch_id, problem_id, person, position,"
                     " duty, org_path) SELECT b.id, nullif($3, '')::uuid, $4, $5, $6, b.org_path"
                     " FROM b WHERE $3 = '' OR EXISTS (SELECT 1 FROM problems p"
                     " WHERE p.id = nullif($3, '')::uuid AND p.batch_id = b.id)"
                     " RETURNING *) SELECT responsibility_json(x::responsibilities) FROM x",
                     6, params, &row, err) != CG_OK ||
        one_row(row, req->problem_id[0] != '\0' ? "batch or its problem" : "batch", err) != CG_OK)
        return err->code;
    out->responsibility = (Cleangrid__V1__RectifyResponsibility *)row->msgs[0];
    return CG_OK;
}

cg_code rectify_insert_task(cg_rpc_req *r, PGconn *conn, const rectify_new_task *t,
                            char task_id[CG_UUID_LEN], cg_err *err)
{
    rectify_call *c = r->state;
    PGresult *res = NULL;
    char deadline[24], summary[256];

    snprintf(deadline, sizeof deadline, "%lld", (long long)t->deadline_on_ms);
    const char *params[] = {
        c->actor.scope, t->problem_id,    t->text,
        t->org_path,    t->leader,        t->first_responsible,
        deadline,       c->actor.user_id, t->leader_person_id != NULL ? t->leader_person_id : ""};
    /* Without a deadline of its own the task is due when the batch's
     * source says the unit reports: two months after the feedback unless
     * the source's row says otherwise. The responsible unit is the
     * inspected unit or one below it. */
    cg_code rc = cg_db_exec(
        conn,
        "WITH p AS (SELECT p.id, p.batch_id, b.source, b.org_path AS batch_path,"
        " b.feedback_on + make_interval(months => s.report_months) AS default_deadline"
        " FROM problems p JOIN batches b ON b.id = p.batch_id JOIN sources s ON s.name = b.source"
        " WHERE p.id = $2::uuid AND b.org_path <@ $1::ltree)"
        " INSERT INTO tasks (batch_id, problem_id, source, text, org_path, leader,"
        " first_responsible, deadline_on, created_by, leader_person_id)"
        " SELECT p.batch_id, p.id, p.source, $3,"
        " $4::ltree, $5, $6, CASE WHEN $7::bigint > 0 THEN " SQL_DAY(
            "$7") " ELSE"
                  " p.default_deadline::date END, $8, $9 FROM p WHERE $4::ltree <@ p.batch_path"
                  " RETURNING id::text, json_day(deadline_on)",
        9, params, &res, err);
    if (rc != CG_OK)
        goto cleanup;
    if (PQntuples(res) == 0) {
        PQclear(res);
        res = NULL;
        /* Which of the two it was: no such problem for the caller, or a
         * unit outside the inspected one. */
        const char *p2[] = {c->actor.scope, t->problem_id};
        rc = cg_db_exec(conn,
                        "SELECT 1 FROM problems p JOIN batches b ON b.id = p.batch_id"
                        " WHERE p.id = $2::uuid AND b.org_path <@ $1::ltree",
                        2, p2, &res, err);
        if (rc == CG_OK && PQntuples(res) == 0)
            rc = cg_err_set(err, CG_NOT_FOUND, "problem not found");
        else if (rc == CG_OK) {
            cg_err_add_violation(err, t->unit_field,
                                 "is not the inspected unit of the batch or a unit below it");
            rc = err->code;
        }
        goto cleanup;
    }
    cg_strlcpy(task_id, cg_db_get(res, 0, 0), CG_UUID_LEN);
    snprintf(summary, sizeof summary, "{\"deadline_on\": \"%s\"}", cg_db_get(res, 0, 1));
    rc = rectify_record_step(r, conn, task_id, "task.assigned", "assigned", summary, err);

cleanup:
    PQclear(res);
    return rc;
}

cg_code rectify_add_task(cg_rpc_req *r, const void *request, PGconn *conn, void *reply, cg_err *err)
{
    const Cleangrid__V1__AddTaskRequest *req = request;
    rectify_call *c = r->state;
    char task_id[CG_UUID_LEN];

    cg_check_uuid(err, "problem_id", req->problem_id);
    cg_check_text(err, "text", req->text, 1, 4000, CG_TEXT_REQUIRED | CG_TEXT_MULTILINE);
    cg_check_text(err, "leader", req->leader, 1, 100, CG_TEXT_REQUIRED);
    cg_check_text(err, "first_responsible", req->first_responsible, 0, 100, 0);
    if (req->deadline_on_ms < 0)
        cg_err_add_violation(err, "deadline_on", "is not a day");
    if (req->leader_account_id[0] != '\0' && req->leader_person_id[0] == '\0')
        cg_err_add_violation(err, "leader_account_id",
                             "names an account linked to no person; a cadre's account has one");
    rectify_check_unit(err, &c->actor, req->org_path);
    if (err->code != CG_OK)
        return err->code;
    const rectify_new_task t = {.problem_id = req->problem_id,
                                .text = req->text,
                                .org_path = req->org_path,
                                .leader = req->leader,
                                .first_responsible = req->first_responsible,
                                .deadline_on_ms = req->deadline_on_ms,
                                .leader_person_id = req->leader_person_id,
                                .unit_field = "unit_code"};
    if (rectify_insert_task(r, conn, &t, task_id, err) != CG_OK)
        return err->code;
    return rectify_task_reply(r, conn, task_id, reply, err);
}
