/* The clues table. Every statement is parameterized; values are cast in SQL. */
#include <stdio.h>
#include <string.h>

#include "case.h"
#include "cg/util.h"
#include "deadlines.h"

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
    " floor(extract(epoch FROM deadline_at) * 1000)::bigint"

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

/* The list's filters, each off when its parameter is empty (or 0):
 * $5 status, $6 source, $7 category, $8 handler, $9 subtree, $10 and $11
 * the received range in Unix ms, $12 an ILIKE pattern on search_text (the
 * summary and the subjects' names, trigram-indexed). */
#define CLUE_FILTERS                                                                               \
    " AND ($5::text = '' OR status = $5::text)"                                                    \
    " AND ($6::text = '' OR source = $6::text)"                                                    \
    " AND ($7::text = '' OR categories @> ARRAY[$7::text])"                                        \
    " AND ($8::text = '' OR handler_id = $8::text)"                                                \
    " AND org_path <@ coalesce(nullif($9::text, '')::ltree, $1::ltree)"                            \
    " AND ($10::bigint = 0"                                                                        \
    "  OR received_at >= 'epoch'::timestamptz + $10::bigint * interval '1 millisecond')"           \
    " AND ($11::bigint = 0"                                                                        \
    "  OR received_at < 'epoch'::timestamptz + $11::bigint * interval '1 millisecond')"            \
    " AND ($12::text = '' OR search_text ILIKE $12::text)"                                         \
    " AND (NOT $13::boolean OR deadline_at < clock_timestamp())"

static const char SQL_LIST_FIRST[] = "SELECT " CLUE_COLUMNS " FROM clues"
                                     " WHERE org_path <@ $1::ltree" CLUE_VISIBLE CLUE_FILTERS
                                     " ORDER BY created_at DESC, id DESC LIMIT $2::integer";

/* The row comparison walks the (created_at DESC, id DESC) index from the
 * cursor on. The cursor's microseconds become a timestamptz exactly: the
 * product stays far below 2^53, where double arithmetic is exact. */
static const char SQL_LIST_AFTER[] =
    "SELECT " CLUE_COLUMNS " FROM clues"
    " WHERE org_path <@ $1::ltree" CLUE_VISIBLE CLUE_FILTERS
    " AND (created_at, id) < ('epoch'::timestamptz + $14::bigint * interval '1 microsecond',"
    " $15::uuid)"
    " ORDER BY created_at DESC, id DESC LIMIT $2::integer";

/* Counts along each dimension in one scan of the clues the list would
 * show. $2 is the root whose children the unit counts are by (the subtree
 * filter, else the scope); a clue in the root itself counts under it. */
static const char SQL_STATS[] =
    "WITH base AS MATERIALIZED (SELECT status, source, categories, org_path, received_at,"
    " deadline_at"
    " FROM clues WHERE org_path <@ $1::ltree" CLUE_VISIBLE CLUE_FILTERS ")"
    " SELECT 'total', '', count(*) FROM base"
    " UNION ALL SELECT 'overdue', '', count(*) FROM base WHERE deadline_at < clock_timestamp()"
    " UNION ALL SELECT 'stage', status, count(*) FROM base GROUP BY status"
    " UNION ALL SELECT 'source', source, count(*) FROM base GROUP BY source"
    " UNION ALL SELECT 'category', c, count(*) FROM base, unnest(categories) c GROUP BY c"
    " UNION ALL SELECT 'unit', u, count(*) FROM (SELECT subpath(org_path, 0,"
    "   least(nlevel(org_path), nlevel($2::ltree) + 1))::text AS u FROM base) b GROUP BY u"
    " UNION ALL SELECT 'month', m, count(*) FROM (SELECT to_char(received_at AT TIME ZONE 'UTC',"
    "   'YYYY-MM') AS m FROM base) b GROUP BY m"
    " ORDER BY 1, 2";

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

/* The parameters $1 and $3 to $13 that the visibility and filter
 * conditions read; $2 is the caller's (second). The time texts go into
 * from_s and to_s, which must outlive params. */
#define FILTER_PARAMS 13
static void filter_params(const case_actor *actor, const case_list_filter *f, const char *second,
                          char from_s[24], char to_s[24], const char *params[FILTER_PARAMS])
{
    snprintf(from_s, 24, "%lld", f->received_from_ms);
    snprintf(to_s, 24, "%lld", f->received_to_ms);
    const char *p[FILTER_PARAMS] = {actor->scope,
                                    second,
                                    actor->person_id,
                                    actor->user_id,
                                    f->status,
                                    f->source,
                                    f->category,
                                    f->handler_id,
                                    f->org_path,
                                    from_s,
                                    to_s,
                                    f->pattern,
                                    f->overdue ? "true" : "false"};
    memcpy(params, p, sizeof p);
}

cg_code case_repo_list(PGconn *conn, const case_actor *actor, const case_list_filter *f,
                       const case_cursor *after, int limit, PGresult **out, cg_err *err)
{
    char limit_s[16], from_s[24], to_s[24], us_s[24];
    /* The first page needs $1 to $13; later pages add the cursor. */
    const char *params[FILTER_PARAMS + 2];

    snprintf(limit_s, sizeof limit_s, "%d", limit);
    filter_params(actor, f, limit_s, from_s, to_s, params);
    if (after == NULL) {
        return cg_db_exec(conn, SQL_LIST_FIRST, FILTER_PARAMS, params, out, err);
    }
    snprintf(us_s, sizeof us_s, "%lld", (long long)after->created_us);
    params[FILTER_PARAMS] = us_s;
    params[FILTER_PARAMS + 1] = after->id;
    return cg_db_exec(conn, SQL_LIST_AFTER, FILTER_PARAMS + 2, params, out, err);
}

cg_code case_repo_stats(PGconn *conn, const case_actor *actor, const case_list_filter *f,
                        PGresult **out, cg_err *err)
{
    char from_s[24], to_s[24];
    const char *params[FILTER_PARAMS];
    filter_params(actor, f, f->org_path[0] != '\0' ? f->org_path : actor->scope, from_s, to_s,
                  params);
    return cg_db_exec(conn, SQL_STATS, FILTER_PARAMS, params, out, err);
}

cg_code case_repo_one_visible(PGconn *conn, const char *sql, const case_actor *actor,
                              const char *id, PGresult **out, cg_err *err)
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

cg_code case_repo_get(PGconn *conn, const case_actor *actor, const char *id, PGresult **out,
                      cg_err *err)
{
    return case_repo_one_visible(conn, SQL_GET, actor, id, out, err);
}

cg_code case_repo_file_handler(PGconn *conn, const case_actor *actor, const char *file_id,
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

cg_code case_repo_lock(PGconn *conn, const case_actor *actor, const char *id, case_locked *out,
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
