/* Re-checks (回头看): which closed tasks are looked at again, drawn so that
 * anyone can check the choice. Every task of a problem category marked for
 * re-checks is drawn; of the others, the share asked for, taken in the
 * order of md5(seed || task id), so the same seed over the same tasks draws
 * the same ones. The draw, its seed and what it drew are recorded, and each
 * drawn task's file says so. What a re-check finds is a step of the task
 * (TaskAction recheck or relapse, task_action.c). */
#include <stdio.h>
#include <string.h>

#include "cg/log.h"
#include "cg/util.h"
#include "cg/validate.h"
#include "rectify.h"

long rectify_recheck_percent = 10;
long rectify_recheck_days = 90;

/* Draw in one statement: the population locked, the marked ones and the
 * share of the rest chosen, the draw recorded, the chosen tasks marked
 * pending. $1 unit, $2 batch or '', $3 share, $4 seed, $5 due day in Unix
 * ms or 0, $6 the days when 0, $7 who. */
static const char SQL_DRAW[] =
    "WITH pop AS (SELECT t.id, EXISTS (SELECT 1 FROM recheck_categories c"
    " WHERE c.category = p.category) AS marked, md5($4 || t.id::text) AS lot"
    " FROM tasks t JOIN problems p ON p.id = t.problem_id WHERE t.stage = 'closed'"
    " AND t.recheck_state = '' AND t.org_path <@ $1::ltree"
    " AND ($2 = '' OR t.batch_id = nullif($2, '')::uuid) FOR UPDATE OF t),"
    " counts AS (SELECT count(*) AS n, count(*) FILTER (WHERE marked) AS m FROM pop),"
    " chosen AS (SELECT id, true AS marked FROM pop WHERE marked UNION ALL"
    " SELECT id, false FROM (SELECT id FROM pop WHERE NOT marked ORDER BY lot, id"
    " LIMIT (SELECT ceil((n - m) * $3::integer / 100.0)::integer FROM counts)) s),"
    " d AS (INSERT INTO recheck_draws (org_path, batch_id, share_percent, seed, due_on,"
    " population, by_category, by_share, drawn_by) SELECT $1::ltree, nullif($2, '')::uuid,"
    " $3::integer, $4, CASE WHEN $5::bigint > 0 THEN (to_timestamp($5::bigint / 1000.0)"
    " AT TIME ZONE 'UTC')::date ELSE rectify_today() + $6::integer END, n, m,"
    " (SELECT count(*) FROM chosen WHERE NOT marked), $7 FROM counts RETURNING *),"
    " u AS (UPDATE tasks t SET recheck_state = 'pending', recheck_due_on = d.due_on,"
    " recheck_draw_id = d.id FROM d, chosen c WHERE t.id = c.id RETURNING t.id, c.marked)"
    " SELECT d.id::text, json_day(d.due_on), u.id::text, u.marked FROM d LEFT JOIN u ON true";

cg_code rectify_draw_rechecks(cg_rpc_req *r, const void *request, PGconn *conn, void *reply,
                              cg_err *err)
{
    const Cleangrid__V1__DrawRechecksRequest *req = request;
    Cleangrid__V1__DrawRechecksReply *out = reply;
    rectify_call *c = r->state;
    PGresult *res = NULL;
    cg_db_json_list *draw = NULL;
    char share[16], due[24], days[16], seed[CG_UUID_LEN], summary[256];
    const char *path = req->org_path[0] != '\0' ? req->org_path : c->actor.scope;

    /* A draw says what it draws from: a unit's subtree or a batch, never
     * everything by default. */
    if (req->org_path[0] == '\0' && req->batch_id[0] == '\0')
        cg_err_add_violation(err, "unit_code",
                             "is required: the unit whose closed tasks are "
                             "drawn (or give batch_id)");
    else if (!cg_ltree_path_valid(path) || !cg_path_within(path, c->actor.scope))
        cg_err_add_violation(err, "unit_code", "must name a unit inside your scope");
    if (req->batch_id[0] != '\0')
        cg_check_uuid(err, "batch_id", req->batch_id);
    cg_check_int(err, "share_percent", req->share_percent, 0, 100);
    cg_check_text(err, "seed", req->seed, 0, 100, 0);
    if (req->due_on_ms < 0)
        cg_err_add_violation(err, "due_on", "is not a day");
    if (err->code != CG_OK)
        return err->code;
    cg_uuid_v4(seed);
    snprintf(share, sizeof share, "%ld",
             req->share_percent > 0 ? (long)req->share_percent : rectify_recheck_percent);
    snprintf(due, sizeof due, "%lld", (long long)req->due_on_ms);
    snprintf(days, sizeof days, "%ld", rectify_recheck_days);
    const char *params[] = {
        path, req->batch_id, share,           req->seed[0] != '\0' ? req->seed : seed,
        due,  days,          c->actor.user_id};
    cg_code rc = cg_db_exec(conn, SQL_DRAW, 7, params, &res, err);
    if (rc != CG_OK)
        goto cleanup;
    /* Each drawn task's file says it was drawn, and for which reason. */
    for (int i = 0; i < PQntuples(res) && rc == CG_OK; i++) {
        if (PQgetisnull(res, i, 2))
            continue;
        snprintf(summary, sizeof summary,
                 "{\"draw_id\": \"%s\", \"due_on\": \"%s\", \"for\": \"%s\"}", cg_db_get(res, i, 0),
                 cg_db_get(res, i, 1),
                 strcmp(cg_db_get(res, i, 3), "t") == 0 ? "category" : "share");
        rc = rectify_record(conn, cg_db_get(res, i, 2), c->actor.user_id, r->request_id,
                            "task.recheck_drawn", "recheck_drawn", summary, err);
    }
    const char *id = cg_db_get(res, 0, 0);
    if (rc == CG_OK)
        rc = rectify_read(r, conn, &cleangrid__v1__recheck_draw__descriptor,
                          "SELECT recheck_draw_json(d) FROM recheck_draws d WHERE d.id = $1::uuid",
                          1, &id, &draw, err);
    if (rc == CG_OK && draw->n == 1) {
        out->draw = (Cleangrid__V1__RecheckDraw *)draw->msgs[0];
        cg_log_fields(CG_LOG_INFO, "re-checks drawn", "draw_id", out->draw->id, "org_path", path,
                      NULL);
    } else if (rc == CG_OK) {
        rc = cg_err_set(err, CG_INTERNAL, "the draw was not recorded");
    }

cleanup:
    PQclear(res);
    return rc;
}
