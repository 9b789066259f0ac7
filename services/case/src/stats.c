/* cg.rpc.case.ClueStatistics and CaseStatistics: the dashboard's figures
 * (统计) over the clues or cases the caller may see, in one statement each.
 * Scope, subjects and recusals are the lists' rules (clue_repo.c,
 * case_repo.c), so a figure never counts a record its reader could not
 * open. */
#include "stats.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "case_read.h"
#include "case_repo.h"
#include "clue_repo.h"
#include "deadlines.h"
#include "cg/rpc_actor.h"
#include "stats_range.h"

/* At most this many counts in a reply: the stages, sources and categories,
 * the units below the root, two series of at most CASE_STATS_MONTHS_MAX
 * months and the stage averages; more are left out. */
#define STATS_MAX 512

/* Append the time of parameter param (Unix ms; 0 for none: NULL). */
static void q_time_ms(cg_query *q, int param)
{
    char text[160];
    snprintf(text, sizeof text,
             "CASE WHEN $%d::bigint > 0 THEN 'epoch'::timestamptz + $%d::bigint"
             " * interval '1 millisecond' END",
             param, param);
    cg_query_text(q, text);
}

/* After base (id, stage, org_path, at: the date the months count by):
 * the CTE months, every month (UTC) from the range's first (or the
 * earliest item's) to its last (or this one), at most
 * CASE_STATS_MONTHS_MAX of them. */
static void q_months(cg_query *q, long long from_ms, long long to_ms)
{
    char back[80];
    int from = cg_query_number(q, from_ms), to = cg_query_number(q, to_ms);
    cg_query_text(q, ", span AS (SELECT date_trunc('month', coalesce(");
    q_time_ms(q, from);
    cg_query_text(q,
                  ", (SELECT min(at) FROM base), clock_timestamp()) AT TIME ZONE 'UTC') AS first,"
                  " date_trunc('month', coalesce(");
    q_time_ms(q, to);
    cg_query_text(q, " - interval '1 millisecond', clock_timestamp()) AT TIME ZONE 'UTC') AS last)"
                     ", months AS (SELECT m FROM span, generate_series(least(greatest(span.first,"
                     " span.last - interval '");
    snprintf(back, sizeof back, "%d months'", CASE_STATS_MONTHS_MAX - 1);
    cg_query_text(q, back);
    cg_query_text(q, "), span.last), span.last, interval '1 month') m)");
}

/* The figures clues and cases share, as rows (dimension, key, count,
 * average days) over base and months: by stage, by unit (the children of
 * $2, an item in $2 itself under $2), by month of `at`, closed per month
 * and the mean days of the finished stays in each stage, from the stage
 * history of the items in base. T is the history's item type. */
#define STATS_COMMON(T)                                                                            \
    " UNION ALL SELECT 'stage', stage, count(*), NULL FROM base GROUP BY stage"                    \
    " UNION ALL SELECT 'unit', u, count(*), NULL FROM (SELECT subpath(org_path, 0,"                \
    "   least(nlevel(org_path), nlevel($2::ltree) + 1))::text AS u FROM base) b GROUP BY u"        \
    " UNION ALL SELECT 'month', to_char(months.m, 'YYYY-MM'), coalesce(c.n, 0), NULL FROM months"  \
    "   LEFT JOIN (SELECT date_trunc('month', at AT TIME ZONE 'UTC') AS m, count(*) AS n"          \
    "   FROM base GROUP BY 1) c ON c.m = months.m"                                                 \
    " UNION ALL SELECT 'closed_month', to_char(months.m, 'YYYY-MM'), coalesce(c.n, 0), NULL"       \
    "   FROM months LEFT JOIN (SELECT date_trunc('month', h.entered_at AT TIME ZONE 'UTC') AS m,"  \
    "   count(*) AS n FROM stage_history h JOIN base ON base.id = h.item_id"                       \
    "   WHERE h.item_type = '" T "' AND h.stage = '" CASE_STAGE_CLOSED "' GROUP BY 1) c"           \
    "   ON c.m = months.m"                                                                         \
    " UNION ALL SELECT 'stage_days', h.stage, count(*),"                                           \
    "   avg(extract(epoch FROM h.left_at - h.entered_at) / 86400)::float8"                         \
    "   FROM stage_history h JOIN base ON base.id = h.item_id"                                     \
    "   WHERE h.item_type = '" T "' AND h.left_at IS NOT NULL GROUP BY h.stage"                    \
    " ORDER BY 1, 2"

/* Rows (dimension, key, count, average days or NULL) of the clues the
 * list with filters f would show: "total", "overdue", then by stage,
 * source, category, unit (children of the subtree filter or the scope),
 * month (received; every month of the range, UTC), closed_month (entered
 * the closed stage) and stage_days (the mean days of the finished stays
 * in each stage, from the stage history). *out is owned by the caller. */
static cg_code stats_clues(PGconn *conn, const cg_actor *actor, const case_list_filter *f,
                           PGresult **out, cg_err *err)
{
    cg_query *q = malloc(sizeof *q);
    if (q == NULL) {
        return cg_err_set(err, CG_UNAVAILABLE, "out of memory");
    }
    case_query_start(
        q, actor, f->org_path[0] != '\0' ? f->org_path : actor->scope,
        "WITH base AS MATERIALIZED (SELECT id, status AS stage, source, categories, org_path,"
        " received_at AS at, deadline_at FROM clues");
    case_clue_where(q, f);
    cg_query_text(q, ")");
    q_months(q, f->received_from_ms, f->received_to_ms);
    cg_query_text(q,
                  " SELECT 'total', '', count(*), NULL::float8 FROM base"
                  " UNION ALL SELECT 'overdue', '', count(*), NULL FROM base"
                  "   WHERE deadline_at < clock_timestamp()"
                  " UNION ALL SELECT 'source', source, count(*), NULL FROM base GROUP BY source"
                  " UNION ALL SELECT 'category', c, count(*), NULL FROM base, unnest(categories) c"
                  "   GROUP BY c" STATS_COMMON("clue"));
    cg_code rc = cg_query_exec(conn, q, out, err);
    free(q);
    return rc;
}

/* The same rows for the cases the actor may see that pass the case list's
 * filters f, months by filing; "overdue" by the service's clock. *out is
 * owned by the caller. */
static cg_code stats_cases(PGconn *conn, const cg_actor *actor, const case_case_filter *f,
                           PGresult **out, cg_err *err)
{
    char now_ms[24];
    cg_query *q = malloc(sizeof *q);
    if (q == NULL) {
        return cg_err_set(err, CG_UNAVAILABLE, "out of memory");
    }
    /* Overdue by the service's clock, as the case list's overdue filter. */
    snprintf(now_ms, sizeof now_ms, "%lld", (long long)case_deadline_now_ms());
    /* A case's scope, subjects and recusals are its clue's; the filters
     * are the case list's. */
    case_query_start(q, actor, f->org_path[0] != '\0' ? f->org_path : actor->scope,
                     "WITH base AS MATERIALIZED (SELECT k.id, k.stage, clues.org_path,"
                     " k.filed_at AS at");
    cg_query_cond(q, ", k.deadline_at < 'epoch'::timestamptz + ", cg_query_param(q, now_ms),
                  "::bigint * interval '1 millisecond' AS overdue");
    case_repo_case_where(q, f);
    cg_query_text(q, ")");
    q_months(q, f->filed_from_ms, f->filed_to_ms);
    cg_query_text(
        q, " SELECT 'total', '', count(*), NULL::float8 FROM base"
           " UNION ALL SELECT 'overdue', '', count(*), NULL FROM base WHERE overdue" STATS_COMMON(
               "case"));
    cg_code rc = cg_query_exec(conn, q, out, err);
    free(q);
    return rc;
}

/* A statistics call: the actor and the filters checked, then the rows and
 * the counts the reply points into. */
typedef struct stats_state {
    cg_actor actor;
    case_list_filter lf;
    case_case_filter cf;
    bool cases; /* the cases' figures (cf), else the clues' (lf) */
    PGresult *res;
    Cleangrid__V1__StatCount *items;
    Cleangrid__V1__StatCount **ptrs;
} stats_state;

static void stats_cleanup(void *state, void *request)
{
    (void)request;
    stats_state *s = state;
    free(s->items);
    free(s->ptrs);
    PQclear(s->res);
}

/* Read the rows (dimension, key, count, average days) of s->res into the
 * reply's total and counts (strings borrowed from s->res, the counts from
 * the state). */
static cg_code read_counts(stats_state *s, int64_t *total, Cleangrid__V1__StatCount ***counts,
                           size_t *ncounts, cg_err *err)
{
    int rows = PQntuples(s->res);
    int n = rows > STATS_MAX ? STATS_MAX : rows;
    s->items = calloc((size_t)(n > 0 ? n : 1), sizeof *s->items);
    s->ptrs = calloc((size_t)(n > 0 ? n : 1), sizeof *s->ptrs);
    if (s->items == NULL || s->ptrs == NULL) {
        return cg_err_set(err, CG_UNAVAILABLE, "out of memory");
    }
    *ncounts = 0;
    for (int i = 0; i < n; i++) {
        const char *dimension = cg_db_get(s->res, i, 0);
        if (strcmp(dimension, "total") == 0) {
            *total = cg_db_get_ll(s->res, i, 2);
            continue;
        }
        Cleangrid__V1__StatCount *c = &s->items[*ncounts];
        cleangrid__v1__stat_count__init(c);
        /* protobuf-c never writes through these pointers when packing. */
        c->dimension = (char *)dimension;
        c->key = (char *)cg_db_get(s->res, i, 1);
        c->count = cg_db_get_ll(s->res, i, 2);
        c->average_days = PQgetisnull(s->res, i, 3) ? 0 : strtod(cg_db_get(s->res, i, 3), NULL);
        s->ptrs[(*ncounts)++] = c;
    }
    *counts = s->ptrs;
    return CG_OK;
}

/* The caller's state with its actor. */
static stats_state *stats_begin(cg_rpc_req *r, cg_err *err)
{
    return cg_rpc_actor_state(r, sizeof(stats_state), stats_cleanup, NULL, err);
}

cg_code case_clue_statistics_check(cg_rpc_req *r, const void *request, cg_err *err)
{
    const Cleangrid__V1__ClueStatisticsRequest *req = request;
    Cleangrid__V1__ListCluesRequest none = CLEANGRID__V1__LIST_CLUES_REQUEST__INIT;
    const Cleangrid__V1__ListCluesRequest *f = req->filter != NULL ? req->filter : &none;
    stats_state *s = stats_begin(r, err);
    if (s == NULL ||
        case_list_filter_check(f->status, f->source, f->category, f->handler_id, f->org_path,
                               s->actor.scope, f->received_from_ms, f->received_to_ms, f->query,
                               &s->lf, err) != CG_OK ||
        case_stats_range_check(f->received_from_ms, f->received_to_ms, "received_from", err) !=
            CG_OK) {
        return err->code;
    }
    s->lf.overdue = f->overdue;
    return CG_OK;
}

/* The figures the call's check asked for, into the reply's total and
 * counts. */
static cg_code stats_answer(cg_rpc_req *r, PGconn *conn, int64_t *total,
                            Cleangrid__V1__StatCount ***counts, size_t *ncounts, cg_err *err)
{
    stats_state *s = r->state;
    cg_code rc = s->cases ? stats_cases(conn, &s->actor, &s->cf, &s->res, err)
                          : stats_clues(conn, &s->actor, &s->lf, &s->res, err);
    return rc == CG_OK ? read_counts(s, total, counts, ncounts, err) : rc;
}

cg_code case_clue_statistics(cg_rpc_req *r, const void *request, PGconn *conn, void *reply,
                             cg_err *err)
{
    Cleangrid__V1__ClueStatisticsReply *out = reply;
    (void)request;
    return stats_answer(r, conn, &out->total, &out->counts, &out->n_counts, err);
}

cg_code case_case_statistics_check(cg_rpc_req *r, const void *request, cg_err *err)
{
    const Cleangrid__V1__CaseStatisticsRequest *req = request;
    Cleangrid__V1__ListCasesRequest none = CLEANGRID__V1__LIST_CASES_REQUEST__INIT;
    const Cleangrid__V1__ListCasesRequest *f = req->filter != NULL ? req->filter : &none;
    stats_state *s = stats_begin(r, err);
    if (s == NULL || case_case_filter_check(f, &s->actor, &s->lf, &s->cf, err) != CG_OK) {
        return err->code;
    }
    s->cases = true;
    return case_stats_range_check(f->filed_from_ms, f->filed_to_ms, "filed_from", err);
}

cg_code case_case_statistics(cg_rpc_req *r, const void *request, PGconn *conn, void *reply,
                             cg_err *err)
{
    Cleangrid__V1__CaseStatisticsReply *out = reply;
    (void)request;
    return stats_answer(r, conn, &out->total, &out->counts, &out->n_counts, err);
}
