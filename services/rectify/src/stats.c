/* The overview's figures (统计): tasks on time, overdue, closed and
 * relapsed, and the average days to close, over the ledger's filters, in
 * all, by unit (the units right below the scope), by source and by stage.
 * Each group's figures are the one expression below, built as the
 * RectifyCount message in JSON by the database. */
#include <stdlib.h>

#include "cg/query.h"
#include "cg/validate.h"
#include "rectify.h"

#define COUNTS                                                                                     \
    "jsonb_build_object('key', k, 'total', count(*),"                                              \
    " 'on_time', count(*) FILTER (WHERE stage NOT IN ('verified', 'closed')"                       \
    " AND deadline_on >= rectify_today()),"                                                        \
    " 'overdue', count(*) FILTER (WHERE stage NOT IN ('verified', 'closed')"                       \
    " AND deadline_on < rectify_today()),"                                                         \
    " 'closed', count(*) FILTER (WHERE stage = 'closed'),"                                         \
    " 'relapsed', count(*) FILTER (WHERE relapse_count > 0),"                                      \
    " 'average_days_to_close', coalesce(round((avg(extract(epoch FROM closed_at - created_at))"    \
    " FILTER (WHERE stage = 'closed') / 86400)::numeric, 1), 0))"

/* The groups: the key each task falls under, and whether a key is kept
 * (the all-tasks group has one, ''). The unit's key is the task's unit cut
 * right below the base ($2: the filter's unit or the caller's scope). */
static const char *const GROUP_KEYS[] = {
    "''",
    "subpath(t.org_path, 0, least(nlevel(t.org_path), nlevel($2::ltree) + 1))::text",
    "t.source",
    "t.stage",
};

cg_code rectify_statistics(cg_rpc_req *r, const void *request, PGconn *conn, void *reply,
                           cg_err *err)
{
    const Cleangrid__V1__RectifyStatisticsRequest *req = request;
    Cleangrid__V1__RectifyStatisticsReply *out = reply;
    rectify_call *c = r->state;
    Cleangrid__V1__ListTasksRequest none = CLEANGRID__V1__LIST_TASKS_REQUEST__INIT;
    const Cleangrid__V1__ListTasksRequest *f = req->filter != NULL ? req->filter : &none;
    cg_db_json_list *lists[4] = {0};
    cg_code rc = CG_OK;

    if (rectify_task_filters_check(f, err) != CG_OK)
        return err->code;
    cg_query *q = calloc(1, sizeof *q);
    if (q == NULL)
        return cg_err_set(err, CG_UNAVAILABLE, "out of memory");
    const char *lead[] = {c->actor.scope, f->org_path[0] != '\0' ? f->org_path : c->actor.scope};
    for (size_t g = 0; g < 4 && rc == CG_OK; g++) {
        cg_query_start(q, lead, 2, "SELECT " COUNTS " FROM (SELECT ");
        cg_query_text(q, GROUP_KEYS[g]);
        cg_query_text(q, " AS k, t.* FROM tasks t WHERE t.org_path <@ $1::ltree"
                         " AND t.org_path <@ $2::ltree");
        rectify_task_filters(q, f, c->person_only);
        cg_query_text(q, ") x GROUP BY k ORDER BY k");
        rc = q->overflow ? cg_err_set(err, CG_INTERNAL, "statistics statement too long")
                         : rectify_read(r, conn, &cleangrid__v1__rectify_count__descriptor, q->sql,
                                        q->n, q->params, &lists[g], err);
    }
    free(q);
    if (rc != CG_OK)
        return rc;
    out->all = lists[0]->n > 0 ? (Cleangrid__V1__RectifyCount *)lists[0]->msgs[0] : NULL;
    out->n_by_unit = lists[1]->n;
    out->by_unit = RECTIFY_ITEMS(Cleangrid__V1__RectifyCount, lists[1]);
    out->n_by_source = lists[2]->n;
    out->by_source = RECTIFY_ITEMS(Cleangrid__V1__RectifyCount, lists[2]);
    out->n_by_stage = lists[3]->n;
    out->by_stage = RECTIFY_ITEMS(Cleangrid__V1__RectifyCount, lists[3]);
    return CG_OK;
}
