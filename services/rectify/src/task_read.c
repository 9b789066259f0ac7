/* Reads of rectification tasks: one task with its plan, evidence and
 * verdicts, and the ledger (整改台账) with its filters. */
#include <stdlib.h>
#include <string.h>

#include "cg/query.h"
#include "cg/util.h"
#include "cg/validate.h"
#include "rectify.h"

cg_code rectify_task_reply(cg_rpc_req *r, PGconn *conn, const char *task_id,
                           Cleangrid__V1__TaskReply *reply, cg_err *err)
{
    rectify_call *c = r->state;
    cg_db_json_list *task = NULL;
    const char *params[] = {c->actor.scope, task_id, c->person_only};

    if (rectify_read(r, conn, &cleangrid__v1__rectify_task__descriptor,
                     "SELECT task_json(t, true) FROM tasks t WHERE t.id = $2::uuid"
                     " AND t.org_path <@ $1::ltree AND ($3 = '' OR t.leader_person_id = $3)",
                     3, params, &task, err) != CG_OK)
        return err->code;
    if (task->n == 0)
        return cg_err_set(err, CG_NOT_FOUND, "task not found");
    reply->task = (Cleangrid__V1__RectifyTask *)task->msgs[0];
    return CG_OK;
}

cg_code rectify_get_task(cg_rpc_req *r, const void *request, PGconn *conn, void *reply, cg_err *err)
{
    const Cleangrid__V1__GetTaskRequest *req = request;
    if (!cg_check_uuid(err, "id", req->id))
        return err->code;
    return rectify_task_reply(r, conn, req->id, reply, err);
}

void rectify_task_filters(cg_query *q, const Cleangrid__V1__ListTasksRequest *req,
                          const char *person_only)
{
    if (person_only[0] != '\0')
        cg_query_cond(q, " AND t.leader_person_id = ", cg_query_param(q, person_only), "");
    if (req->stage[0] != '\0')
        cg_query_cond(q, " AND t.stage = ", cg_query_param(q, req->stage), "");
    if (req->source[0] != '\0')
        cg_query_cond(q, " AND t.source = ", cg_query_param(q, req->source), "");
    if (req->org_path[0] != '\0')
        cg_query_cond(q, " AND t.org_path <@ ", cg_query_param(q, req->org_path), "::ltree");
    if (req->batch_id[0] != '\0')
        cg_query_cond(q, " AND t.batch_id = ", cg_query_param(q, req->batch_id), "::uuid");
    if (req->case_id[0] != '\0')
        cg_query_cond(q, " AND t.case_id = ", cg_query_param(q, req->case_id), "");
    /* Today once per statement (an InitPlan), not once per row walked:
     * rectify_today() reads the test clock's setting each time it runs. */
    if (req->overdue)
        cg_query_text(q, " AND t.stage <> 'closed' AND t.deadline_on < (SELECT rectify_today())");
    if (req->relapsed)
        cg_query_text(q, " AND t.relapse_count > 0");
    if (req->recheck[0] != '\0')
        cg_query_cond(q, " AND t.recheck_state = ", cg_query_param(q, req->recheck), "");
    if (req->query[0] != '\0') {
        int n = cg_query_param(q, req->query);
        cg_query_cond(q, " AND (strpos(lower(t.text), lower(", n, ")) > 0");
        cg_query_cond(q,
                      " OR EXISTS (SELECT 1 FROM problems p WHERE p.id = t.problem_id"
                      " AND strpos(lower(p.description), lower(",
                      n, ")) > 0))");
    }
    if (req->deadline_from_ms > 0)
        cg_query_cond(q, " AND t.deadline_on >= (to_timestamp(",
                      cg_query_number(q, req->deadline_from_ms),
                      "::bigint / 1000.0) AT TIME ZONE 'UTC')::date");
    if (req->deadline_to_ms > 0)
        cg_query_cond(q, " AND t.deadline_on < (to_timestamp(",
                      cg_query_number(q, req->deadline_to_ms),
                      "::bigint / 1000.0) AT TIME ZONE 'UTC')::date");
}

cg_code rectify_task_filters_check(const Cleangrid__V1__ListTasksRequest *req, cg_err *err)
{
    static const char *const stages[] = {"assigned", "in_progress", "closure_requested",
                                         "verified", "closed",      NULL};
    static const char *const rechecks[] = {"pending", "held", "relapsed", NULL};
    cg_check_one_of(err, "recheck", req->recheck, rechecks, true);
    cg_check_one_of(err, "stage", req->stage, stages, true);
    cg_check_text(err, "source", req->source, 0, 40, 0);
    cg_check_text(err, "q", req->query, 0, 100, 0);
    if (req->org_path[0] != '\0' && !cg_ltree_path_valid(req->org_path))
        cg_err_add_violation(err, "unit_code", "is not a unit");
    if (req->batch_id[0] != '\0')
        cg_check_uuid(err, "batch_id", req->batch_id);
    if (req->case_id[0] != '\0')
        cg_check_uuid(err, "case_id", req->case_id);
    cg_check_date_range(err, "deadline_from", req->deadline_from_ms, "deadline_to",
                        req->deadline_to_ms);
    return err->code;
}

cg_code rectify_list_tasks(cg_rpc_req *r, const void *request, PGconn *conn, void *reply,
                           cg_err *err)
{
    const Cleangrid__V1__ListTasksRequest *req = request;
    Cleangrid__V1__ListTasksReply *out = reply;
    rectify_call *c = r->state;
    cg_db_json_list *tasks = NULL;
    cg_query *q = NULL;
    cg_cursor cursor;
    cg_sort sort = CG_SORT_DATE;
    bool has_cursor = false;
    int size = 0;
    cg_code rc;

    if (cg_sort_parse(req->sort, "created", &sort, err) != CG_OK ||
        cg_page_parse(req->page, sort, &size, &cursor, &has_cursor, err) != CG_OK ||
        rectify_task_filters_check(req, err) != CG_OK)
        return err->code;
    q = calloc(1, sizeof *q);
    if (q == NULL)
        return cg_err_set(err, CG_UNAVAILABLE, "out of memory");
    /* The overdue tasks newest first (a unit's overdue list) are found
     * through tasks_open_knn_idx (0007_ledger_overdue.sql) in the list's
     * order, so a page costs the same however many tasks are open and not
     * yet due: a walk of tasks_created_idx steps over every one of those
     * created after the page, and there are more of them the more tasks
     * come in (docs/performance.md). The index gives creation order
     * without the id that breaks ties, so the statement takes the first
     * page of that order (k), then the tasks of the filter created in the
     * same millisecond as its last, and orders the two by (created_at,
     * id): the same rows in the same order as the plain statement. */
    bool knn = req->overdue && sort == CG_SORT_DATE;
    const char *lead[] = {c->actor.scope};
    cg_query_start(q, lead, 1,
                   knn ? "WITH k AS MATERIALIZED (SELECT t.id, t.created_at FROM tasks t WHERE "
                       : "SELECT task_json(t, false) FROM tasks t WHERE ");
    size_t where_from = q->len;
    cg_query_text(q, "t.org_path <@ $1::ltree");
    rectify_task_filters(q, req, c->person_only);
    if (has_cursor && sort == CG_SORT_DATE) {
        int key = cg_query_number(q, cursor.key_us);
        cg_query_cond(q, " AND (t.created_at, t.id) < ('epoch'::timestamptz + ", key,
                      " * interval '1 microsecond', ");
        cg_query_cond(q, "", cg_query_param(q, cursor.id), "::uuid)");
        /* The same bound on its own, which the GiST index can take. */
        if (knn)
            cg_query_cond(q, " AND t.created_at <= 'epoch'::timestamptz + ", key,
                          " * interval '1 microsecond'");
    } else if (has_cursor) {
        /* A row of the day and the id (the day's expression in its own
         * parentheses: without them every page after the first of a list
         * by deadline was a syntax error). */
        cg_query_cond(q, " AND (t.deadline_on, t.id) > (((('epoch'::timestamptz + ",
                      cg_query_number(q, cursor.key_us),
                      " * interval '1 microsecond') AT TIME ZONE 'UTC')::date), ");
        cg_query_cond(q, "", cg_query_param(q, cursor.id), "::uuid)");
    }
    int limit = cg_query_number(q, size + 1);
    if (knn && !q->overflow) {
        /* The filter's text once more, with the same parameters. */
        char where[CG_QUERY_SQL_MAX];
        size_t n = q->len - where_from;
        memcpy(where, q->sql + where_from, n);
        where[n] = '\0';
        cg_query_cond(q, " ORDER BY t.created_at <-> '9999-12-31'::timestamptz LIMIT ", limit,
                      ") SELECT task_json(t, false) FROM tasks t WHERE t.id IN (SELECT k.id FROM k"
                      " UNION ALL SELECT t.id FROM tasks t WHERE ");
        cg_query_text(q, where);
        cg_query_text(q, " AND t.created_at = (SELECT min(k.created_at) FROM k))");
    }
    cg_query_text(q, sort == CG_SORT_DATE ? " ORDER BY t.created_at DESC, t.id DESC LIMIT "
                                          : " ORDER BY t.deadline_on, t.id LIMIT ");
    cg_query_cond(q, "", limit, "");
    rc = q->overflow ? cg_err_set(err, CG_INTERNAL, "list statement too long")
                     : rectify_read(r, conn, &cleangrid__v1__rectify_task__descriptor, q->sql, q->n,
                                    q->params, &tasks, err);
    free(q);
    if (rc != CG_OK)
        return rc;
    cg_page_out_init(&c->page, (int)tasks->n, size);
    if (c->page.more) {
        const Cleangrid__V1__RectifyTask *last =
            (const Cleangrid__V1__RectifyTask *)tasks->msgs[c->page.n - 1];
        cg_cursor next = {
            .sort = sort,
            .key_us = (sort == CG_SORT_DATE ? last->created_at_ms : last->deadline_on_ms) * 1000};
        cg_strlcpy(next.id, last->id, sizeof next.id);
        cg_page_out_after(&c->page, &next);
    }
    out->n_tasks = (size_t)c->page.n;
    out->tasks = RECTIFY_ITEMS(Cleangrid__V1__RectifyTask, tasks);
    out->page = &c->page.page;
    return CG_OK;
}
