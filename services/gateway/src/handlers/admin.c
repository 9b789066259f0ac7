/* What the two halves of the administration API share: queries on a pooled
 * connection, reading bodies, lists, single reads with an ETag, and the
 * If-Match check of updates. See admin.h. */
#include "admin.h"

#include <stdio.h>
#include <string.h>

#include "cg/log.h"
#include "gateway.h"
#include "etag.h"

/* --- shared ----------------------------------------------------------------- */

cg_code gw_admin_query(gw_request *req, const char *sql, int n, const char *const *params,
                       PGresult **res, cg_err *err)
{
    return cg_db_query(req->app->base.db, GW_DB_ACQUIRE_MS, sql, n, params, res, err);
}

bool gw_admin_add_account(cJSON *o, const PGresult *res, int row)
{
    return cJSON_AddStringToObject(o, "id", cg_db_get(res, row, 0)) &&
           cJSON_AddStringToObject(o, "username", cg_db_get(res, row, 1)) &&
           cJSON_AddStringToObject(o, "display_name", cg_db_get(res, row, 2)) &&
           gw_json_add_name_list(o, "roles", cg_db_get(res, row, 3));
}

bool gw_admin_read_one(gw_request *req, PGconn *conn, const char *sql, const char *id,
                       const char *what, PGresult **res)
{
    cg_err err;
    cg_err_clear(&err);
    const char *params[] = {id, req->who->org_path};
    if ((conn != NULL ? cg_db_exec(conn, sql, 2, params, res, &err)
                      : gw_admin_query(req, sql, 2, params, res, &err)) != CG_OK) {
        gw_http_send_err(req, &err);
        return false;
    }
    if (PQntuples(*res) != 1) {
        gw_admin_send_not_found(req, what);
        return false;
    }
    return true;
}

bool gw_admin_read_fields(gw_request *req, cJSON **body, gw_body_field *fields, size_t n)
{
    cg_err err;
    cg_err_clear(&err);
    if (gw_http_read_json(req, body) != CG_OK)
        return false;
    if (gw_body_fields(*body, fields, n, &err) != CG_OK) {
        gw_http_send_err(req, &err);
        return false;
    }
    return true;
}

void gw_admin_send_not_found(gw_request *req, const char *what)
{
    char detail[64];
    snprintf(detail, sizeof(detail), "no such %s", what);
    gw_http_send_problem(req, 404, "NOT_FOUND", detail, NULL, NULL);
}

/* A list page: items from rows 0..min(rows, limit), next_cursor the cursor
 * column of the last one when there were more rows than limit. */
static void send_page(gw_request *req, const PGresult *res, int limit, int cursor_col,
                      gw_admin_row_fn row_json)
{
    int rows = PQntuples(res);
    int shown = rows > limit ? limit : rows;
    cJSON *out = cJSON_CreateObject();
    cJSON *items = out ? cJSON_AddArrayToObject(out, "items") : NULL;
    bool ok = items != NULL;
    for (int i = 0; ok && i < shown; i++) {
        cJSON *item = row_json(res, i);
        ok = item != NULL && cJSON_AddItemToArray(items, item);
    }
    if (ok && rows > limit)
        ok = cJSON_AddStringToObject(out, "next_cursor", cg_db_get(res, shown - 1, cursor_col)) !=
             NULL;
    else if (ok)
        ok = cJSON_AddNullToObject(out, "next_cursor") != NULL;
    gw_http_send_json(req, 200, ok ? out : NULL);
    cJSON_Delete(out);
}

void gw_admin_send_list(gw_request *req, const char *sql, int cursor_col, gw_admin_row_fn row_json)
{
    gw_admin_send_list_with(req, sql, cursor_col, row_json, NULL, 0);
}

void gw_admin_send_list_with(gw_request *req, const char *sql, int cursor_col,
                             gw_admin_row_fn row_json, const char *const *extra, int nextra)
{
    int limit;
    char cursor[GW_ADMIN_CURSOR_MAX + 1];
    char lim[16];
    const char *params[3 + GW_ADMIN_EXTRA_MAX];
    PGresult *res = NULL;
    cg_err err;
    cg_err_clear(&err);

    if (gw_admin_page(req->query, &limit, cursor, &err) != CG_OK) {
        gw_http_send_err(req, &err);
        return;
    }
    /* One row more than the page says whether there is a next one. */
    snprintf(lim, sizeof(lim), "%d", limit + 1);
    params[0] = req->who->org_path;
    params[1] = cursor;
    params[2] = lim;
    if (nextra > GW_ADMIN_EXTRA_MAX)
        nextra = GW_ADMIN_EXTRA_MAX;
    for (int i = 0; i < nextra; i++)
        params[3 + i] = extra[i];
    if (gw_admin_query(req, sql, 3 + nextra, params, &res, &err) != CG_OK) {
        gw_http_send_err(req, &err);
        return;
    }
    send_page(req, res, limit, cursor_col, row_json);
    PQclear(res);
}

void gw_admin_send_one(gw_request *req, const char *sql, const char *id, gw_admin_row_fn row_json,
                       int status, const char *what)
{
    PGresult *res = NULL;
    cJSON *o = NULL;
    if (!gw_admin_read_one(req, NULL, sql, id, what, &res))
        goto cleanup;
    o = row_json(res, 0);
    /* The tag a later If-Match must hold; 201 answers carry none. */
    req->etag = true;
    gw_http_send_json(req, status, o);

cleanup:
    cJSON_Delete(o);
    PQclear(res);
}

bool gw_admin_lock_current(gw_request *req, PGconn *conn, const char *lock_sql,
                           gw_admin_row_fn row_json, const char *what)
{
    PGresult *res = NULL;
    cJSON *current = NULL;
    bool go_on = false;
    cg_err err;
    cg_err_clear(&err);
    if (!gw_admin_read_one(req, conn, lock_sql, req->route_id, what, &res))
        goto cleanup;
    const char *if_match = gw_http_header(req, "If-Match");
    if (if_match != NULL) {
        current = row_json(res, 0);
        if (current == NULL) {
            cg_err_set(&err, CG_INTERNAL, "out of memory");
            gw_http_send_err(req, &err);
            goto cleanup;
        }
        if (!gw_http_json_matches(current, if_match)) {
            gw_http_send_problem(req, 412, "PRECONDITION_FAILED",
                                 "the record changed since you read it: read it again and "
                                 "repeat the change if it still applies",
                                 NULL, NULL);
            goto cleanup;
        }
    }
    go_on = true;

cleanup:
    cJSON_Delete(current);
    PQclear(res);
    return go_on;
}

PGconn *gw_admin_begin(gw_request *req)
{
    PGconn *conn = NULL;
    cg_err err;
    cg_err_clear(&err);
    if (cg_db_take(req->app->base.db, GW_DB_ACQUIRE_MS, true, &conn, &err) != CG_OK)
        gw_http_send_err(req, &err);
    return conn;
}

bool gw_admin_commit(gw_request *req, PGconn **conn)
{
    cg_err err;
    cg_err_clear(&err);
    if (cg_db_commit(*conn, &err) != CG_OK) {
        gw_http_send_err(req, &err);
        return false;
    }
    cg_db_release(req->app->base.db, *conn);
    *conn = NULL;
    return true;
}

PGconn *gw_admin_begin_update(gw_request *req, const char *lock_sql, gw_admin_row_fn row_json,
                              const char *what)
{
    PGconn *conn = gw_admin_begin(req);
    if (conn != NULL && !gw_admin_lock_current(req, conn, lock_sql, row_json, what)) {
        cg_db_release(req->app->base.db, conn);
        conn = NULL;
    }
    return conn;
}
