/* cg.rpc.case.ClueStatistics and CaseStatistics: the dashboard's figures
 * (统计) over the clues or cases the caller may see, in one query each
 * (repo.c). Scope, subjects and recusals are the list's rules, so a figure
 * never counts a record its reader could not open. */
#include <stdlib.h>
#include <string.h>

#include "case.h"
#include "cleangrid/v1/case_stats.pb-c.h"
#include "stats_range.h"

/* At most this many counts in a reply: the stages, sources and categories,
 * the units below the root, two series of at most CASE_STATS_MONTHS_MAX
 * months and the stage averages; more are left out. */
#define STATS_MAX 512

/* The counts of a reply, pointing into the query's result. */
typedef struct stats_counts {
    Cleangrid__V1__StatCount *items;
    Cleangrid__V1__StatCount **ptrs;
    size_t n;
    int64_t total;
} stats_counts;

/* Read the rows (dimension, key, count, average days) of res into *out
 * (strings borrowed from res; free out->items and out->ptrs). */
static cg_code read_counts(const PGresult *res, stats_counts *out, cg_err *err)
{
    int rows = PQntuples(res);
    int n = rows > STATS_MAX ? STATS_MAX : rows;
    memset(out, 0, sizeof *out);
    out->items = calloc((size_t)(n > 0 ? n : 1), sizeof *out->items);
    out->ptrs = calloc((size_t)(n > 0 ? n : 1), sizeof *out->ptrs);
    if (out->items == NULL || out->ptrs == NULL) {
        return cg_err_set(err, CG_UNAVAILABLE, "out of memory");
    }
    for (int i = 0; i < n; i++) {
        const char *dimension = cg_db_get(res, i, 0);
        if (strcmp(dimension, "total") == 0) {
            out->total = cg_db_get_ll(res, i, 2);
            continue;
        }
        Cleangrid__V1__StatCount *c = &out->items[out->n];
        cleangrid__v1__stat_count__init(c);
        /* protobuf-c never writes through these pointers when packing. */
        c->dimension = (char *)dimension;
        c->key = (char *)cg_db_get(res, i, 1);
        c->count = cg_db_get_ll(res, i, 2);
        c->average_days = PQgetisnull(res, i, 3) ? 0 : strtod(cg_db_get(res, i, 3), NULL);
        out->ptrs[out->n++] = c;
    }
    return CG_OK;
}

void case_rpc_clue_statistics(cg_rpc_call *call, void *arg)
{
    cg_service_base *base = arg;
    cg_actor actor;
    case_list_filter filter;
    PGconn *conn = NULL;
    PGresult *res = NULL;
    stats_counts counts = {0};
    cg_err err;
    cg_err_clear(&err);

    Cleangrid__V1__ClueStatisticsRequest *req =
        (Cleangrid__V1__ClueStatisticsRequest *)cg_rpc_decode(
            call, &cleangrid__v1__clue_statistics_request__descriptor);
    if (req == NULL) {
        return;
    }
    Cleangrid__V1__ListCluesRequest none = CLEANGRID__V1__LIST_CLUES_REQUEST__INIT;
    const Cleangrid__V1__ListCluesRequest *f = req->filter != NULL ? req->filter : &none;
    if (cg_actor_from_ctx(req->ctx, CASE_ROLES_READ, "read clue statistics", &actor, &err) !=
            CG_OK ||
        case_list_filter_check(f->status, f->source, f->category, f->handler_id, f->org_path,
                               actor.scope, f->received_from_ms, f->received_to_ms, f->query,
                               &filter, &err) != CG_OK ||
        case_stats_range_check(f->received_from_ms, f->received_to_ms, "received_from", &err) !=
            CG_OK) {
        goto cleanup;
    }
    filter.overdue = f->overdue;
    conn = cg_db_acquire(base->db, CASE_DB_ACQUIRE_MS, &err);
    if (conn == NULL || case_repo_stats(conn, &actor, &filter, &res, &err) != CG_OK ||
        read_counts(res, &counts, &err) != CG_OK) {
        goto cleanup;
    }
    Cleangrid__V1__ClueStatisticsReply reply = CLEANGRID__V1__CLUE_STATISTICS_REPLY__INIT;
    reply.total = counts.total;
    reply.counts = counts.ptrs;
    reply.n_counts = counts.n;
    cg_rpc_reply(call, &reply.base);

cleanup:
    free(counts.items);
    free(counts.ptrs);
    PQclear(res);
    case_rpc_finish(call, &err, base, conn);
    protobuf_c_message_free_unpacked(&req->base, NULL);
}

void case_rpc_case_statistics(cg_rpc_call *call, void *arg)
{
    cg_service_base *base = arg;
    cg_actor actor;
    case_list_filter lf;
    case_case_filter filter;
    PGconn *conn = NULL;
    PGresult *res = NULL;
    stats_counts counts = {0};
    cg_err err;
    cg_err_clear(&err);

    Cleangrid__V1__CaseStatisticsRequest *req =
        (Cleangrid__V1__CaseStatisticsRequest *)cg_rpc_decode(
            call, &cleangrid__v1__case_statistics_request__descriptor);
    if (req == NULL) {
        return;
    }
    Cleangrid__V1__ListCasesRequest none = CLEANGRID__V1__LIST_CASES_REQUEST__INIT;
    const Cleangrid__V1__ListCasesRequest *f = req->filter != NULL ? req->filter : &none;
    if (cg_actor_from_ctx(req->ctx, CASE_ROLES_READ, "read case statistics", &actor, &err) !=
            CG_OK ||
        case_case_filter_check(f, &actor, &lf, &filter, &err) != CG_OK ||
        case_stats_range_check(f->filed_from_ms, f->filed_to_ms, "filed_from", &err) != CG_OK) {
        goto cleanup;
    }
    conn = cg_db_acquire(base->db, CASE_DB_ACQUIRE_MS, &err);
    if (conn == NULL || case_repo_case_stats(conn, &actor, &filter, &res, &err) != CG_OK ||
        read_counts(res, &counts, &err) != CG_OK) {
        goto cleanup;
    }
    Cleangrid__V1__CaseStatisticsReply reply = CLEANGRID__V1__CASE_STATISTICS_REPLY__INIT;
    reply.total = counts.total;
    reply.counts = counts.ptrs;
    reply.n_counts = counts.n;
    cg_rpc_reply(call, &reply.base);

cleanup:
    free(counts.items);
    free(counts.ptrs);
    PQclear(res);
    case_rpc_finish(call, &err, base, conn);
    protobuf_c_message_free_unpacked(&req->base, NULL);
}
