/* The clues' repository: the clues table. Every statement is
 * parameterized; values are cast in SQL. */
#include "clue_repo.h"

#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "case.h"
#include "cg/log.h"
#include "cg/util.h"
#include "deadlines.h"
#include "holds.h"

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
    " coalesce((extract(epoch FROM deadline_at) * 1000000)::bigint, 0), number,"                   \
    " (SELECT coalesce(json_agg(h.name_key ORDER BY h.held_at, h.name_key), '[]')"                 \
    "   FROM clue_name_holds h WHERE h.clue_id = clues.id AND h.state = 'pending')::text"

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
    COL_HELD,
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
/* Why the person ($2 user id, $3 person id) cannot handle the clue: a
 * recusal, or being one of its subjects. */
static const char SQL_ASSIGN_BARS[] =
    "SELECT EXISTS (SELECT 1 FROM clue_recusals WHERE clue_id = $1::uuid AND (user_id = $2"
    " OR ($3::text <> '' AND person_id = $3::text))),"
    " EXISTS (SELECT 1 FROM clues WHERE id = $1::uuid AND $3::text <> ''"
    " AND subjects @> jsonb_build_array(jsonb_build_object('person_id', $3::text)))";
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
    if (case_clue_view_parse(out, cg_db_get(res, row, COL_SUBJECTS),
                             cg_db_get(res, row, COL_CATEGORIES), cg_db_get(res, row, COL_LINKS),
                             cg_db_get(res, row, COL_DISPOSAL), err) != CG_OK) {
        return err->code;
    }
    return case_clue_view_held(out, cg_db_get(res, row, COL_HELD), err);
}

/* Hold back each name of $2 (a JSON array of keys) on clue $1. A name
 * cleared before stays cleared; one confirmed before waits for a lead
 * again once no subject carries the person id it was confirmed as (an
 * edit took it away), since nothing else would keep the clue from that
 * person now. */
static const char SQL_HOLD[] =
    "INSERT INTO clue_name_holds (clue_id, name_key)"
    " SELECT $1::uuid, k FROM jsonb_array_elements_text($2::jsonb) k"
    " ON CONFLICT (clue_id, name_key) DO UPDATE SET state = 'pending', person_id = '',"
    " decided_by = '', decided_at = NULL, held_at = clock_timestamp()"
    " WHERE clue_name_holds.state = 'confirmed' AND NOT EXISTS (SELECT 1 FROM clues"
    " WHERE clues.id = $1::uuid AND clues.subjects @> jsonb_build_array(jsonb_build_object("
    " 'person_id', clue_name_holds.person_id)))";

cg_code case_repo_hold_names(PGconn *conn, const char *clue_id, const char *subjects_json,
                             cg_err *err)
{
    cg_code rc = CG_OK;
    char(*keys)[CG_NAME_KEY_SIZE] = malloc(CASE_HOLDS_MAX * sizeof *keys);
    cJSON *array = cJSON_CreateArray();
    char *text = NULL;

    if (keys == NULL || array == NULL) {
        rc = cg_err_set(err, CG_UNAVAILABLE, "out of memory");
        goto cleanup;
    }
    size_t n = case_hold_keys(subjects_json, keys, CASE_HOLDS_MAX);
    for (size_t i = 0; i < n; i++) {
        cJSON_AddItemToArray(array, cJSON_CreateString(keys[i]));
    }
    if (n == 0) {
        goto cleanup;
    }
    text = cJSON_PrintUnformatted(array);
    if (text == NULL || cJSON_GetArraySize(array) != (int)n) {
        rc = cg_err_set(err, CG_UNAVAILABLE, "out of memory");
        goto cleanup;
    }
    const char *params[] = {clue_id, text};
    rc = cg_db_exec(conn, SQL_HOLD, 2, params, NULL, err);

cleanup:
    free(text);
    cJSON_Delete(array);
    free(keys);
    return rc;
}

static const char SQL_DECIDE_NAME[] =
    "UPDATE clue_name_holds SET state = $3, person_id = $4, decided_by = $5,"
    " decided_at = clock_timestamp()"
    " WHERE clue_id = $1::uuid AND name_key = $2 AND state = 'pending'";

cg_code case_repo_decide_name(PGconn *conn, const char *clue_id, const char *key, const char *state,
                              const char *person_id, const char *decided_by, cg_err *err)
{
    PGresult *res = NULL;
    const char *params[] = {clue_id, key, state, person_id, decided_by};
    cg_code rc = cg_db_exec(conn, SQL_DECIDE_NAME, 5, params, &res, err);
    if (rc == CG_OK && strcmp(PQcmdTuples(res), "1") != 0) {
        rc = cg_err_set(err, CG_FAILED_PRECONDITION,
                        "this clue holds back no such name (see held_names)");
    }
    PQclear(res);
    return rc;
}

/* Clues registered before names were held: any with a subject named
 * without a person id and no hold row yet. */
static const char SQL_UNHELD[] =
    "SELECT c.id::text, c.subjects::text FROM clues c"
    " WHERE NOT EXISTS (SELECT 1 FROM clue_name_holds h WHERE h.clue_id = c.id)"
    " AND EXISTS (SELECT 1 FROM jsonb_array_elements(c.subjects) s"
    "   WHERE coalesce(s ->> 'name', '') <> '' AND coalesce(s ->> 'person_id', '') = '')";

cg_code case_repo_hold_backfill(cg_db *db, cg_err *err)
{
    cg_code rc;
    PGconn *conn = NULL;
    PGresult *res = NULL;

    conn = cg_db_acquire(db, 5000, err);
    if (conn == NULL) {
        rc = err->code;
        goto cleanup;
    }
    rc = cg_db_exec(conn, SQL_UNHELD, 0, NULL, &res, err);
    for (int i = 0; rc == CG_OK && i < PQntuples(res); i++) {
        rc = case_repo_hold_names(conn, cg_db_get(res, i, 0), cg_db_get(res, i, 1), err);
    }
    if (rc == CG_OK && PQntuples(res) > 0) {
        char n[16];
        snprintf(n, sizeof n, "%d", PQntuples(res));
        cg_log_fields(CG_LOG_INFO, "names held back on clues registered before", "clues", n, NULL);
    }

cleanup:
    PQclear(res);
    if (conn != NULL) {
        cg_db_release(db, conn);
    }
    return rc;
}

static const char SQL_REREAD[] = "SELECT " CLUE_COLUMNS " FROM clues WHERE id = $1::uuid";

/* The names the clue just inserted (*res, a clue row or none) gives
 * without a person id, held back before anyone can read it; then *res is
 * the row read again, so the answer shows them held (the insert's own
 * RETURNING saw no holds yet). */
static cg_code hold_inserted(PGconn *conn, PGresult **res, cg_err *err)
{
    PGresult *again = NULL;
    if (PQntuples(*res) == 0) {
        return CG_OK;
    }
    const char *params[] = {cg_db_get(*res, 0, COL_ID)};
    if (case_repo_hold_names(conn, params[0], cg_db_get(*res, 0, COL_SUBJECTS), err) != CG_OK ||
        cg_db_exec(conn, SQL_REREAD, 1, params, &again, err) != CG_OK) {
        return err->code;
    }
    PQclear(*res);
    *res = again;
    return CG_OK;
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
    if (cg_db_exec(conn, SQL_INSERT_FROM_REPORT, (int)(sizeof params / sizeof params[0]), params,
                   out, err) != CG_OK) {
        return err->code;
    }
    return hold_inserted(conn, out, err);
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
    if (cg_db_exec(conn, SQL_INSERT, (int)(sizeof params / sizeof params[0]), params, out, err) !=
        CG_OK) {
        return err->code;
    }
    return hold_inserted(conn, out, err);
}

void case_clue_where(cg_query *q, const case_list_filter *f)
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
    cg_query_time_range(q, "received_at", f->received_from_ms, f->received_to_ms);
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
    case_clue_where(q, f);
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

cg_code case_repo_one_visible(PGconn *conn, const char *sql, const cg_actor *actor, const char *id,
                              PGresult **out, cg_err *err)
{
    const char *params[] = {actor->scope, id, actor->person_id, actor->user_id, actor->name_keys};
    cg_code rc = cg_db_exec(conn, sql, 5, params, out, err);
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

cg_code case_person_barred(PGconn *conn, const char *clue_id, const char *user_id,
                           const char *person_id, cg_err *err)
{
    PGresult *res = NULL;
    char canon[CG_PERSON_ID_SIZE];
    if (!cg_person_id_canon(person_id, canon, sizeof canon)) {
        return cg_err_set(err, CG_INVALID_ARGUMENT, "the person id is too long");
    }
    const char *params[] = {clue_id, user_id, canon};
    cg_code rc = cg_db_exec(conn, SQL_ASSIGN_BARS, 3, params, &res, err);
    if (rc == CG_OK &&
        (strcmp(cg_db_get(res, 0, 0), "t") == 0 || strcmp(cg_db_get(res, 0, 1), "t") == 0)) {
        rc = cg_err_set(err, CG_FAILED_PRECONDITION,
                        "that person %s and cannot be assigned to it (回避)",
                        strcmp(cg_db_get(res, 0, 0), "t") == 0 ? "declared a recusal on this clue"
                                                               : "is a subject of this clue");
    }
    PQclear(res);
    return rc;
}

cg_code case_clue_row_read(case_clue_row *out, PGresult *res, cg_err *err)
{
    out->res = res;
    out->have_view = true;
    return case_repo_clue_from_row(res, 0, &out->view, NULL, err);
}

cg_code case_clue_row_get(PGconn *conn, const cg_actor *actor, const char *id, case_clue_row *out,
                          cg_err *err)
{
    PGresult *res = NULL;
    cg_code rc = case_repo_get(conn, actor, id, &res, err);
    return rc == CG_OK ? case_clue_row_read(out, res, err) : rc;
}

void case_clue_row_free(case_clue_row *r)
{
    if (r->have_view) {
        case_clue_view_free(&r->view);
    }
    PQclear(r->res);
    r->res = NULL;
    r->have_view = false;
}
