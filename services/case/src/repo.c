/* The clues table. Every statement is parameterized; values are cast in SQL. */
#include <stdio.h>
#include <string.h>

#include "case.h"

/* The columns every clue query returns, in the order of enum clue_col. */
#define CLUE_COLUMNS                                                                               \
    "id, source, source_ref, category, content, location, accused_person, accused_unit,"           \
    " org_path::text, status, anonymous,"                                                          \
    " floor(extract(epoch FROM created_at) * 1000)::bigint,"                                       \
    " (extract(epoch FROM created_at) * 1000000)::bigint"

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
};

static const char SQL_INSERT_FROM_REPORT[] =
    "INSERT INTO clues (source, source_ref, category, content, location, accused_person,"
    " accused_unit, anonymous, org_path)"
    " VALUES ('" CASE_SOURCE_PUBLIC_REPORT "', $1, $2, $3, $4, $5, $6, $7::boolean, $8::ltree)"
    " ON CONFLICT (source, source_ref) DO NOTHING"
    " RETURNING " CLUE_COLUMNS;

static const char SQL_LIST_FIRST[] = "SELECT " CLUE_COLUMNS " FROM clues"
                                     " WHERE org_path <@ $1::ltree"
                                     " ORDER BY created_at DESC, id DESC LIMIT $2::integer";

/* The row comparison walks the (created_at DESC, id DESC) index from the
 * cursor on. The cursor's microseconds become a timestamptz exactly: the
 * product stays far below 2^53, where double arithmetic is exact. */
static const char SQL_LIST_AFTER[] =
    "SELECT " CLUE_COLUMNS " FROM clues"
    " WHERE org_path <@ $1::ltree"
    " AND (created_at, id) < ('epoch'::timestamptz + $3::bigint * interval '1 microsecond',"
    " $4::uuid)"
    " ORDER BY created_at DESC, id DESC LIMIT $2::integer";

static const char SQL_GET[] = "SELECT " CLUE_COLUMNS " FROM clues"
                              " WHERE id = $1::uuid AND org_path <@ $2::ltree";

void case_repo_clue_from_row(const PGresult *res, int row, Cleangrid__V1__Clue *out,
                             int64_t *created_us)
{
    cleangrid__v1__clue__init(out);
    /* protobuf-c never writes through these pointers when packing. */
    out->id = (char *)cg_db_get(res, row, COL_ID);
    out->source = (char *)cg_db_get(res, row, COL_SOURCE);
    out->source_ref = (char *)cg_db_get(res, row, COL_SOURCE_REF);
    out->category = (char *)cg_db_get(res, row, COL_CATEGORY);
    out->content = (char *)cg_db_get(res, row, COL_CONTENT);
    out->location = (char *)cg_db_get(res, row, COL_LOCATION);
    out->accused_person = (char *)cg_db_get(res, row, COL_ACCUSED_PERSON);
    out->accused_unit = (char *)cg_db_get(res, row, COL_ACCUSED_UNIT);
    out->org_path = (char *)cg_db_get(res, row, COL_ORG_PATH);
    out->status = (char *)cg_db_get(res, row, COL_STATUS);
    out->anonymous = strcmp(cg_db_get(res, row, COL_ANONYMOUS), "t") == 0;
    out->created_at_ms = cg_db_get_ll(res, row, COL_CREATED_MS);
    if (created_us != NULL) {
        *created_us = cg_db_get_ll(res, row, COL_CREATED_US);
    }
}

cg_code case_repo_insert_from_report(PGconn *conn, const Cleangrid__V1__ReportSubmitted *ev,
                                     PGresult **out, cg_err *err)
{
    const char *params[] = {
        ev->report_id,
        ev->category,
        ev->content,
        ev->location,
        ev->accused_person,
        ev->accused_unit,
        ev->anonymous ? "true" : "false",
        ev->org_path,
    };
    return cg_db_exec(conn, SQL_INSERT_FROM_REPORT, (int)(sizeof params / sizeof params[0]), params,
                      out, err);
}

cg_code case_repo_list(PGconn *conn, const char *scope, const case_cursor *after, int limit,
                       PGresult **out, cg_err *err)
{
    char limit_s[16], us_s[24];
    /* The first page needs only $1 and $2; later pages add the cursor. */
    const char *params[] = {scope, limit_s, us_s, after != NULL ? after->id : NULL};

    snprintf(limit_s, sizeof limit_s, "%d", limit);
    if (after == NULL) {
        return cg_db_exec(conn, SQL_LIST_FIRST, 2, params, out, err);
    }
    snprintf(us_s, sizeof us_s, "%lld", (long long)after->created_us);
    return cg_db_exec(conn, SQL_LIST_AFTER, 4, params, out, err);
}

cg_code case_repo_get(PGconn *conn, const char *scope, const char *id, PGresult **out, cg_err *err)
{
    const char *params[] = {id, scope};
    cg_code rc = cg_db_exec(conn, SQL_GET, 2, params, out, err);
    if (rc == CG_OK && PQntuples(*out) == 0) {
        PQclear(*out);
        *out = NULL;
        rc = cg_err_set(err, CG_NOT_FOUND, "clue not found");
    }
    return rc;
}
