/* The clues table. Every statement is parameterized; values are cast in SQL. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "case.h"
#include "cg/util.h"
#include "deadlines.h"
#include "stats_range.h"

/* The columns every clue query returns, in the order of enum clue_col. The
 * repeated and nested parts come as JSON texts (clue_view.c parses them). */
#define CLUE_COLUMNS                                                                               \
    "id, source, source_ref, category, content, location, accused_person, accused_unit,"           \
    " org_path::text, status, anonymous,"                                                          \
    " floor(extract(epoch FROM created_at) * 1000)::bigint,"                                       \
    " (extract(epoch FROM created_at) * 1000000)::bigint,"                                         \
    " subjects::text, array_to_json(categories)::text, summary,"                                   \
    " floor(extract(epoch FROM received_at) * 1000)::bigint, handler_id, source_link,"             \
    " coalesce(merged_into::text, ''),"                                                            \
    " (SELECT coalesce(json_agg(l.other_id ORDER BY l.linked_at), '[]') FROM clue_links l"         \
    "   WHERE l.clue_id = clues.id)::text,"                                                        \
    " (SELECT row_to_json(d) FROM (SELECT id, way, reason, conclusion, state, proposed_by,"        \
    "   floor(extract(epoch FROM proposed_at) * 1000)::bigint AS proposed_at_ms, decided_by,"      \
    "   floor(extract(epoch FROM decided_at) * 1000)::bigint AS decided_at_ms, decision_reason"    \
    "   FROM clue_disposals WHERE clue_id = clues.id ORDER BY proposed_at DESC LIMIT 1) d)::text," \
    " coalesce((SELECT k.id::text FROM cases k WHERE k.clue_id = clues.id), ''),"                  \
    " floor(extract(epoch FROM deadline_at) * 1000)::bigint,"                                      \
    " (extract(epoch FROM received_at) * 1000000)::bigint,"                                        \
    " coalesce((extract(epoch FROM deadline_at) * 1000000)::bigint, 0), number"

enum clue_col {
    COL_ID,
    COL_SOURCE,
    COL_SOURCE_REF,
    COL_CATEGORY,
    COL_CONTENT,
    COL_LOCATION,
    COL_ACCUSED_PERSON,
    COL_ACCUSED_UNIT,
    COL_ORG_PATH,
    COL_STATUS,
    COL_ANONYMOUS,
    COL_CREATED_MS,
    COL_CREATED_US,
    COL_SUBJECTS,
    COL_CATEGORIES,
    COL_SUMMARY,
    COL_RECEIVED_MS,
    COL_HANDLER,
    COL_SOURCE_LINK,
    COL_MERGED_INTO,
    COL_LINKS,
    COL_DISPOSAL,
    COL_CASE_ID,
    COL_DEADLINE_MS,
    COL_RECEIVED_US,
    COL_DEADLINE_US,
    COL_NUMBER,
};

/* Who may see a clue besides its scope (case.h). */
#define CLUE_VISIBLE CASE_CLUE_VISIBLE

/* A public report's accused person becomes the clue's one subject; the
 * report text is both its content and its summary. */
static const char SQL_INSERT_FROM_REPORT[] =
    "INSERT INTO clues (source, source_ref, category, content, location, accused_person,"
    " accused_unit, anonymous, org_path, subjects, summary, received_at, deadline_at)"
    " VALUES ('" CASE_SOURCE_PUBLIC_REPORT "', $1, $2, $3::text, $4, $5::text, $6::text,"
    " $7::boolean, $8::ltree,"
    " CASE WHEN $5::text <> '' THEN jsonb_build_array(jsonb_build_object('name', $5::text,"
    " 'person_id', '', 'position', '', 'org_unit', $6::text)) ELSE '[]'::jsonb END,"
    " $3::text, CASE WHEN $9::bigint > 0"
    " THEN 'epoch'::timestamptz + $9::bigint * interval '1 millisecond'"
    " ELSE clock_timestamp() END,"
    " CASE WHEN $9::bigint > 0"
    " THEN 'epoch'::timestamptz + $9::bigint * interval '1 millisecond'"
    " ELSE clock_timestamp() END + $10::integer * interval '1 day')"
    " ON CONFLICT (source, source_ref) DO NOTHING"
    " RETURNING " CLUE_COLUMNS;

static const char SQL_INSERT[] =
    "INSERT INTO clues (source, source_ref, source_link, category, content, anonymous, org_path,"
    " subjects, categories, summary, received_at, handler_id, accused_person, deadline_at)"
    " VALUES ($1, $2, $3, $4, $5, false, $6::ltree, $7::jsonb,"
    " ARRAY(SELECT jsonb_array_elements_text($8::jsonb)), $5,"
    " 'epoch'::timestamptz + $9::bigint * interval '1 millisecond', $10,"
    " coalesce($7::jsonb -> 0 ->> 'name', ''),"
    " 'epoch'::timestamptz + $9::bigint * interval '1 millisecond'"
    " + $11::integer * interval '1 day')"
    " RETURNING " CLUE_COLUMNS;

static const char SQL_GET[] = "SELECT " CLUE_COLUMNS " FROM clues"
                              " WHERE id = $2::uuid AND org_path <@ $1::ltree" CLUE_VISIBLE;

/* The clue's row locked for a change, with its pending proposal if any. */
static const char SQL_LOCK[] =
    "SELECT clues.status, clues.handler_id, coalesce(d.id::text, ''), coalesce(d.way, ''),"
    " coalesce(d.from_status, ''), coalesce(d.proposed_by, ''),"
    " coalesce(d.proposed_by_person, ''), clues.org_path::text, clues.subjects::text,"
    " coalesce(d.reason, ''), coalesce(d.conclusion, '')"
    " FROM clues LEFT JOIN clue_disposals d ON d.clue_id = clues.id AND d.state = 'pending'"
    " WHERE clues.id = $2::uuid AND clues.org_path <@ $1::ltree" CLUE_VISIBLE
    " FOR UPDATE OF clues";

/* The handler of a dossier's file: a clue's handler; for a case, the actor
 * ($4) when it is one of the case's investigators (the clue's handler or a
 * named one), else "". Either way under the clue's visibility. */
static const char SQL_FILE_HANDLER[] =
    "SELECT clues.handler_id FROM clues"
    " WHERE clues.id = $2::uuid AND clues.org_path <@ $1::ltree" CLUE_VISIBLE
    " UNION ALL SELECT CASE WHEN clues.handler_id = $4::text OR EXISTS (SELECT 1"
    " FROM case_investigators i WHERE i.case_id = k.id AND i.user_id = $4::text)"
    " THEN $4::text ELSE '' END FROM cases k JOIN clues ON clues.id = k.clue_id"
    " WHERE k.id = $2::uuid AND clues.org_path <@ $1::ltree" CLUE_VISIBLE;

cg_code case_repo_clue_from_row(const PGresult *res, int row, case_clue_view *out,
                                int64_t *created_us, cg_err *err)
{
    Cleangrid__V1__Clue *c = &out->clue;
    cleangrid__v1__clue__init(c);
    /* protobuf-c never writes through these pointers when packing. */
    c->id = (char *)cg_db_get(res, row, COL_ID);
    c->source = (char *)cg_db_get(res, row, COL_SOURCE);
    c->source_ref = (char *)cg_db_get(res, row, COL_SOURCE_REF);
    c->category = (char *)cg_db_get(res, row, COL_CATEGORY);
    c->content = (char *)cg_db_get(res, row, COL_CONTENT);
    c->location = (char *)cg_db_get(res, row, COL_LOCATION);
    c->accused_person = (char *)cg_db_get(res, row, COL_ACCUSED_PERSON);
    c->accused_unit = (char *)cg_db_get(res, row, COL_ACCUSED_UNIT);
    c->org_path = (char *)cg_db_get(res, row, COL_ORG_PATH);
    c->status = (char *)cg_db_get(res, row, COL_STATUS);
    c->anonymous = strcmp(cg_db_get(res, row, COL_ANONYMOUS), "t") == 0;
    c->created_at_ms = cg_db_get_ll(res, row, COL_CREATED_MS);
    c->summary = (char *)cg_db_get(res, row, COL_SUMMARY);
    c->received_at_ms = cg_db_get_ll(res, row, COL_RECEIVED_MS);
    c->handler_id = (char *)cg_db_get(res, row, COL_HANDLER);
    c->source_link = (char *)cg_db_get(res, row, COL_SOURCE_LINK);
    c->merged_into = (char *)cg_db_get(res, row, COL_MERGED_INTO);
    c->case_id = (char *)cg_db_get(res, row, COL_CASE_ID);
    c->number = (char *)cg_db_get(res, row, COL_NUMBER);
    c->deadline_at_ms = cg_db_get_ll(res, row, COL_DEADLINE_MS);
    c->deadline_state =
        (char *)case_deadline_state(c->deadline_at_ms, case_deadline_now_ms(), case_due_soon_days);
    if (created_us != NULL) {
        *created_us = cg_db_get_ll(res, row, COL_CREATED_US);
    }
    return case_clue_view_parse(out, cg_db_get(res, row, COL_SUBJECTS),
                                cg_db_get(res, row, COL_CATEGORIES), cg_db_get(res, row, COL_LINKS),
                                cg_db_get(res, row, COL_DISPOSAL), err);
}

cg_code case_repo_insert_from_report(PGconn *conn, const Cleangrid__V1__ReportSubmitted *ev,
                                     PGresult **out, cg_err *err)
{
    char received_s[24], days_s[16];
    snprintf(days_s, sizeof days_s, "%ld", case_disposal_days);
    snprintf(received_s, sizeof received_s, "%lld",
             (long long)(ev->meta != NULL ? ev->meta->occurred_at_ms : 0));
    const char *params[] = {
        ev->report_id,
        ev->category,
        ev->content,
        ev->location,
        ev->accused_person,
        ev->accused_unit,
        ev->anonymous ? "true" : "false",
        ev->org_path,
        received_s,
        days_s,
    };
    return cg_db_exec(conn, SQL_INSERT_FROM_REPORT, (int)(sizeof params / sizeof params[0]), params,
                      out, err);
}

cg_code case_repo_insert(PGconn *conn, const case_new_clue *c, PGresult **out, cg_err *err)
{
    char received_s[24], days_s[16];
    snprintf(days_s, sizeof days_s, "%ld", case_disposal_days);
    snprintf(received_s, sizeof received_s, "%lld", (long long)c->received_at_ms);
    const char *params[] = {
        c->source,  c->source_ref, c->source_link,   c->category,
        c->summary, c->org_path,   c->subjects_json, c->categories_json,
        received_s, c->handler_id, days_s,
    };
    return cg_db_exec(conn, SQL_INSERT, (int)(sizeof params / sizeof params[0]), params, out, err);
}

/* The WHERE of the clues the actor sees that pass f: only the filters
 * that are set. */
static void q_where(cg_query *q, const case_list_filter *f)
{
    cg_query_text(q, " WHERE org_path <@ $1::ltree" CLUE_VISIBLE);
    if (f->org_path[0] != '\0') {
        cg_query_cond(q, " AND org_path <@ ", cg_query_param(q, f->org_path), "::ltree");
    }
    if (f->status[0] != '\0') {
        cg_query_cond(q, " AND status = ", cg_query_param(q, f->status), "::text");
    }
    if (f->source[0] != '\0') {
        cg_query_cond(q, " AND source = ", cg_query_param(q, f->source), "::text");
    }
    if (f->category[0] != '\0') {
        cg_query_cond(q, " AND categories @> ARRAY[", cg_query_param(q, f->category), "::text]");
    }
    if (f->handler_id[0] != '\0') {
        cg_query_cond(q, " AND handler_id = ", cg_query_param(q, f->handler_id), "::text");
    }
    if (f->received_from_ms > 0) {
        cg_query_cond(q, " AND received_at >= 'epoch'::timestamptz + ",
                      cg_query_number(q, f->received_from_ms),
                      "::bigint * interval '1 millisecond'");
    }
    if (f->received_to_ms > 0) {
        cg_query_cond(q, " AND received_at < 'epoch'::timestamptz + ",
                      cg_query_number(q, f->received_to_ms), "::bigint * interval '1 millisecond'");
    }
    if (f->pattern[0] != '\0') {
        cg_query_cond(q, " AND search_text ILIKE ", cg_query_param(q, f->pattern), "::text");
    }
    /* A clue's number finds the clue, a case's number the clue it was
     * filed from. */
    if (f->number_kind == CASE_NUMBER_CLUE) {
        cg_query_cond(q, " AND lower(number) LIKE ", cg_query_param(q, f->number), "::text");
    } else if (f->number_kind == CASE_NUMBER_CASE) {
        cg_query_cond(q, " AND id IN (SELECT k.clue_id FROM cases k WHERE lower(k.number) LIKE ",
                      cg_query_param(q, f->number), "::text)");
    }
    if (f->overdue) {
        cg_query_text(q, " AND deadline_at < clock_timestamp()");
    }
}

/* The date the order walks: received_at, or the deadline with none last. */
#define ORDER_DEADLINE_KEY "coalesce(deadline_at, 'infinity'::timestamptz)"

cg_code case_repo_list(PGconn *conn, const cg_actor *actor, const case_list_filter *f, cg_sort sort,
                       const cg_cursor *after, int limit, PGresult **out, cg_err *err)
{
    char limit_s[16];
    cg_query *q = malloc(sizeof *q);
    if (q == NULL) {
        return cg_err_set(err, CG_UNAVAILABLE, "out of memory");
    }
    snprintf(limit_s, sizeof limit_s, "%d", limit);
    case_query_start(q, actor, limit_s, "SELECT " CLUE_COLUMNS " FROM clues");
    q_where(q, f);
    /* The row comparison walks the order's index from the cursor on; the
     * cursor's microseconds become a timestamptz exactly (the product
     * stays far below 2^53, where double arithmetic is exact). */
    if (after != NULL && sort == CG_SORT_DEADLINE) {
        char cond[400];
        int key = cg_query_number(q, after->key_us), id = cg_query_param(q, after->id);
        snprintf(cond, sizeof cond,
                 " AND (" ORDER_DEADLINE_KEY ", id) > (CASE WHEN $%d::bigint = 0"
                 " THEN 'infinity'::timestamptz"
                 " ELSE 'epoch'::timestamptz + $%d::bigint * interval '1 microsecond' END,"
                 " $%d::uuid)",
                 key, key, id);
        cg_query_text(q, cond);
    } else if (after != NULL) {
        char cond[300];
        int key = cg_query_number(q, after->key_us), id = cg_query_param(q, after->id);
        snprintf(cond, sizeof cond,
                 " AND (received_at, id) < ('epoch'::timestamptz + $%d::bigint"
                 " * interval '1 microsecond', $%d::uuid)",
                 key, id);
        cg_query_text(q, cond);
    }
    cg_query_text(q, sort == CG_SORT_DEADLINE ? " ORDER BY " ORDER_DEADLINE_KEY ", id"
                                              : " ORDER BY received_at DESC, id DESC");
    cg_query_text(q, " LIMIT $2::integer");
    cg_code rc = cg_query_exec(conn, q, out, err);
    free(q);
    return rc;
}

int64_t case_repo_sort_key_us(const PGresult *res, int row, cg_sort sort)
{
    return cg_db_get_ll(res, row, sort == CG_SORT_DEADLINE ? COL_DEADLINE_US : COL_RECEIVED_US);
}

/* --- Statistics --------------------------------------------------------- */

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

cg_code case_repo_stats(PGconn *conn, const cg_actor *actor, const case_list_filter *f,
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
    q_where(q, f);
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

cg_code case_repo_case_stats(PGconn *conn, const cg_actor *actor, const case_case_filter *f,
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

cg_code case_repo_one_visible(PGconn *conn, const char *sql, const cg_actor *actor, const char *id,
                              PGresult **out, cg_err *err)
{
    const char *params[] = {actor->scope, id, actor->person_id, actor->user_id};
    cg_code rc = cg_db_exec(conn, sql, 4, params, out, err);
    if (rc == CG_OK && PQntuples(*out) == 0) {
        PQclear(*out);
        *out = NULL;
        rc = cg_err_set(err, CG_NOT_FOUND, "clue not found");
    }
    return rc;
}

cg_code case_repo_get(PGconn *conn, const cg_actor *actor, const char *id, PGresult **out,
                      cg_err *err)
{
    return case_repo_one_visible(conn, SQL_GET, actor, id, out, err);
}

cg_code case_repo_file_handler(PGconn *conn, const cg_actor *actor, const char *file_id,
                               char *handler, size_t handler_size, cg_err *err)
{
    PGresult *res = NULL;
    cg_code rc = case_repo_one_visible(conn, SQL_FILE_HANDLER, actor, file_id, &res, err);
    if (rc == CG_OK) {
        cg_strlcpy(handler, cg_db_get(res, 0, 0), handler_size);
    } else if (rc == CG_NOT_FOUND) {
        cg_err_set(err, CG_NOT_FOUND, "clue or case not found");
    }
    PQclear(res);
    return rc;
}

cg_code case_repo_lock(PGconn *conn, const cg_actor *actor, const char *id, case_locked *out,
                       PGresult **res, cg_err *err)
{
    cg_code rc = case_repo_one_visible(conn, SQL_LOCK, actor, id, res, err);
    if (rc != CG_OK) {
        return rc;
    }
    out->status = cg_db_get(*res, 0, 0);
    out->handler_id = cg_db_get(*res, 0, 1);
    out->pending_id = cg_db_get(*res, 0, 2);
    out->pending_way = cg_db_get(*res, 0, 3);
    out->pending_from = cg_db_get(*res, 0, 4);
    out->proposed_by = cg_db_get(*res, 0, 5);
    out->proposed_by_person = cg_db_get(*res, 0, 6);
    out->org_path = cg_db_get(*res, 0, 7);
    out->subjects_json = cg_db_get(*res, 0, 8);
    out->reason = cg_db_get(*res, 0, 9);
    out->conclusion = cg_db_get(*res, 0, 10);
    return CG_OK;
}
