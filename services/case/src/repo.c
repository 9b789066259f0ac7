/* The clues table. Every statement is parameterized; values are cast in SQL. */
#include <stdio.h>
#include <string.h>

#include "case.h"
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
    " clue_deadline_basis(clues.id)"

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
    COL_DEADLINE_BASIS,
};

/* Who may see a clue besides its scope: not a subject of it (their person
 * id among its subjects) and not someone who declared a recusal on it. $3
 * is the actor's person id ('' for none), $4 the actor's user id. */
#define CLUE_VISIBLE                                                                               \
    " AND NOT ($3::text <> '' AND subjects @> jsonb_build_array(jsonb_build_object("               \
    "'person_id', $3::text)))"                                                                     \
    " AND NOT EXISTS (SELECT 1 FROM clue_recusals r WHERE r.clue_id = clues.id"                    \
    " AND r.user_id = $4::text)"

/* A public report's accused person becomes the clue's one subject; the
 * report text is both its content and its summary. */
static const char SQL_INSERT_FROM_REPORT[] =
    "INSERT INTO clues (source, source_ref, category, content, location, accused_person,"
    " accused_unit, anonymous, org_path, subjects, summary, received_at)"
    " VALUES ('" CASE_SOURCE_PUBLIC_REPORT "', $1, $2, $3::text, $4, $5::text, $6::text,"
    " $7::boolean, $8::ltree,"
    " CASE WHEN $5::text <> '' THEN jsonb_build_array(jsonb_build_object('name', $5::text,"
    " 'person_id', '', 'position', '', 'org_unit', $6::text)) ELSE '[]'::jsonb END,"
    " $3::text, CASE WHEN $9::bigint > 0"
    " THEN 'epoch'::timestamptz + $9::bigint * interval '1 millisecond'"
    " ELSE clock_timestamp() END)"
    " ON CONFLICT (source, source_ref) DO NOTHING"
    " RETURNING " CLUE_COLUMNS;

static const char SQL_INSERT[] =
    "INSERT INTO clues (source, source_ref, source_link, category, content, anonymous, org_path,"
    " subjects, categories, summary, received_at, handler_id, accused_person)"
    " VALUES ($1, $2, $3, $4, $5, false, $6::ltree, $7::jsonb,"
    " ARRAY(SELECT jsonb_array_elements_text($8::jsonb)), $5,"
    " 'epoch'::timestamptz + $9::bigint * interval '1 millisecond', $10,"
    " coalesce($7::jsonb -> 0 ->> 'name', ''))"
    " RETURNING " CLUE_COLUMNS;

static const char SQL_LIST_FIRST[] = "SELECT " CLUE_COLUMNS " FROM clues"
                                     " WHERE org_path <@ $1::ltree" CLUE_VISIBLE
                                     " ORDER BY created_at DESC, id DESC LIMIT $2::integer";

/* The row comparison walks the (created_at DESC, id DESC) index from the
 * cursor on. The cursor's microseconds become a timestamptz exactly: the
 * product stays far below 2^53, where double arithmetic is exact. */
static const char SQL_LIST_AFTER[] =
    "SELECT " CLUE_COLUMNS " FROM clues"
    " WHERE org_path <@ $1::ltree" CLUE_VISIBLE
    " AND (created_at, id) < ('epoch'::timestamptz + $5::bigint * interval '1 microsecond',"
    " $6::uuid)"
    " ORDER BY created_at DESC, id DESC LIMIT $2::integer";

static const char SQL_GET[] = "SELECT " CLUE_COLUMNS " FROM clues"
                              " WHERE id = $2::uuid AND org_path <@ $1::ltree" CLUE_VISIBLE;

/* The clue's row locked for a change, with its pending proposal if any. */
static const char SQL_LOCK[] =
    "SELECT clues.status, clues.handler_id, coalesce(d.id::text, ''), coalesce(d.way, ''),"
    " coalesce(d.from_status, ''), coalesce(d.proposed_by, ''),"
    " coalesce(d.proposed_by_person, ''), clues.org_path::text"
    " FROM clues LEFT JOIN clue_disposals d ON d.clue_id = clues.id AND d.state = 'pending'"
    " WHERE clues.id = $2::uuid AND clues.org_path <@ $1::ltree" CLUE_VISIBLE
    " FOR UPDATE OF clues";

/* A case with its clue's scope and subjects; the clue's visibility rules
 * ($1 scope, $3 person, $4 user) decide whether the actor sees it. */
static const char SQL_GET_CASE[] =
    "SELECT k.id, k.clue_id, clues.org_path::text, k.stage, clues.subjects::text, clues.summary,"
    " k.filed_by, floor(extract(epoch FROM k.filed_at) * 1000)::bigint,"
    " k.filing_disposal_id::text"
    " FROM cases k JOIN clues ON clues.id = k.clue_id"
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
    if (created_us != NULL) {
        *created_us = cg_db_get_ll(res, row, COL_CREATED_US);
    }
    case_deadline_attach(out, cg_db_get(res, row, COL_DEADLINE_BASIS));
    return case_clue_view_parse(out, cg_db_get(res, row, COL_SUBJECTS),
                                cg_db_get(res, row, COL_CATEGORIES), cg_db_get(res, row, COL_LINKS),
                                cg_db_get(res, row, COL_DISPOSAL), err);
}

cg_code case_repo_insert_from_report(PGconn *conn, const Cleangrid__V1__ReportSubmitted *ev,
                                     PGresult **out, cg_err *err)
{
    char received_s[24];
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
    };
    return cg_db_exec(conn, SQL_INSERT_FROM_REPORT, (int)(sizeof params / sizeof params[0]), params,
                      out, err);
}

cg_code case_repo_insert(PGconn *conn, const case_new_clue *c, PGresult **out, cg_err *err)
{
    char received_s[24];
    snprintf(received_s, sizeof received_s, "%lld", (long long)c->received_at_ms);
    const char *params[] = {
        c->source,   c->source_ref,    c->source_link,     c->category, c->summary,
        c->org_path, c->subjects_json, c->categories_json, received_s,  c->handler_id,
    };
    return cg_db_exec(conn, SQL_INSERT, (int)(sizeof params / sizeof params[0]), params, out, err);
}

cg_code case_repo_list(PGconn *conn, const case_actor *actor, const case_cursor *after, int limit,
                       PGresult **out, cg_err *err)
{
    char limit_s[16], us_s[24];
    /* The first page needs only $1 to $4; later pages add the cursor. */
    const char *params[] = {actor->scope,   limit_s, actor->person_id,
                            actor->user_id, us_s,    after != NULL ? after->id : NULL};

    snprintf(limit_s, sizeof limit_s, "%d", limit);
    if (after == NULL) {
        return cg_db_exec(conn, SQL_LIST_FIRST, 4, params, out, err);
    }
    snprintf(us_s, sizeof us_s, "%lld", (long long)after->created_us);
    return cg_db_exec(conn, SQL_LIST_AFTER, 6, params, out, err);
}

/* Run a query with $1 scope, $2 id, $3 person, $4 user; NOT_FOUND for no row. */
static cg_code one_visible(PGconn *conn, const char *sql, const case_actor *actor, const char *id,
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

cg_code case_repo_get(PGconn *conn, const case_actor *actor, const char *id, PGresult **out,
                      cg_err *err)
{
    return one_visible(conn, SQL_GET, actor, id, out, err);
}

cg_code case_repo_get_case(PGconn *conn, const case_actor *actor, const char *id,
                           case_case_view *out, PGresult **res, cg_err *err)
{
    memset(out->subjects.json, 0, sizeof out->subjects.json);
    cg_code rc = one_visible(conn, SQL_GET_CASE, actor, id, res, err);
    if (rc != CG_OK) {
        if (rc == CG_NOT_FOUND) {
            cg_err_set(err, CG_NOT_FOUND, "case not found");
        }
        return rc;
    }
    Cleangrid__V1__Case *k = &out->record;
    cleangrid__v1__case__init(k);
    k->id = (char *)cg_db_get(*res, 0, 0);
    k->clue_id = (char *)cg_db_get(*res, 0, 1);
    k->org_path = (char *)cg_db_get(*res, 0, 2);
    k->stage = (char *)cg_db_get(*res, 0, 3);
    k->summary = (char *)cg_db_get(*res, 0, 5);
    k->filed_by = (char *)cg_db_get(*res, 0, 6);
    k->filed_at_ms = cg_db_get_ll(*res, 0, 7);
    k->filing_disposal_id = (char *)cg_db_get(*res, 0, 8);
    /* The subjects are parsed as a clue's are, and lent to the case. */
    cleangrid__v1__clue__init(&out->subjects.clue);
    rc = case_clue_view_parse(&out->subjects, cg_db_get(*res, 0, 4), "[]", "[]", "", err);
    k->subjects = out->subjects.clue.subjects;
    k->n_subjects = out->subjects.clue.n_subjects;
    return rc;
}

cg_code case_repo_lock(PGconn *conn, const case_actor *actor, const char *id, case_locked *out,
                       PGresult **res, cg_err *err)
{
    cg_code rc = one_visible(conn, SQL_LOCK, actor, id, res, err);
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
    return CG_OK;
}
