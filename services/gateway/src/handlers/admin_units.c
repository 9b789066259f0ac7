/* Org units (units.admin): create, read, rename, move, retire and import.
 *
 * The tree lives here, in the gateway's database; other services keep copies
 * of org paths on their records, so a move is announced with the event
 * cg.evt.gateway.org_unit.moved (outbox, same transaction) and each service
 * rewrites the paths of its own records. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "admin.h"
#include "cg/log.h"
#include "cg/messaging.h"
#include "cleangrid/v1/org.pb-c.h"
#include "gateway.h"
#include "revocation.h"
#include "unit_import.h"

#define GW_EVT_ORG_UNIT_MOVED "cg.evt.gateway.org_unit.moved"
/* An ltree path of 64-character labels, deep enough for any real tree. */
#define UNIT_PATH_MAX 1024

#define UNIT_COLUMNS                                                                               \
    "u.code, u.name, u.name_zh, u.path::text,"                                                     \
    " coalesce(subpath(u.path, 0, nlevel(u.path) - 1)::text, ''),"                                 \
    " (extract(epoch FROM u.retired_at) * 1000)::bigint"

static cJSON *unit_json(const PGresult *res, int row)
{
    cJSON *o = cJSON_CreateObject();
    const char *parent_path = cg_db_get(res, row, 4);
    const char *dot = strrchr(parent_path, '.');
    const char *parent = parent_path[0] == '\0' ? NULL : dot ? dot + 1 : parent_path;
    bool ok = o != NULL && cJSON_AddStringToObject(o, "code", cg_db_get(res, row, 0)) &&
              cJSON_AddStringToObject(o, "name", cg_db_get(res, row, 1)) &&
              cJSON_AddStringToObject(o, "name_zh", cg_db_get(res, row, 2)) &&
              cJSON_AddStringToObject(o, "path", cg_db_get(res, row, 3)) &&
              (parent ? cJSON_AddStringToObject(o, "parent", parent) != NULL
                      : cJSON_AddNullToObject(o, "parent") != NULL) &&
              gw_json_add_time(o, "retired_at", cg_db_get_ll(res, row, 5));
    if (!ok) {
        cJSON_Delete(o);
        return NULL;
    }
    return o;
}

#define UNIT_IN_SCOPE " FROM org_units u WHERE u.code = $1 AND u.path <@ $2::ltree"
#define UNIT_LOCK_SQL "SELECT " UNIT_COLUMNS UNIT_IN_SCOPE " FOR UPDATE OF u"

/* Answer with the unit code (inside the caller's scope) as it is now. */
static void send_unit(gw_request *req, const char *code, int status)
{
    gw_admin_send_one(req, "SELECT " UNIT_COLUMNS UNIT_IN_SCOPE, code, unit_json, status,
                      "org unit");
}

void gw_route_get_unit(gw_request *req)
{
    send_unit(req, req->route_id, 200);
}

void gw_route_list_units(gw_request *req)
{
    gw_admin_send_list(req,
                       "SELECT " UNIT_COLUMNS " FROM org_units u WHERE u.path <@ $1::ltree"
                       " AND u.path::text > $2 ORDER BY u.path::text LIMIT $3::int",
                       3, unit_json);
}

void gw_route_create_unit(gw_request *req)
{
    cJSON *body = NULL;
    PGresult *res = NULL;
    cg_err err;
    cg_err_clear(&err);
    gw_body_field f[] = {{.name = "code", .required = true, .max_chars = 64},
                         {.name = "name", .required = true, .max_chars = 100},
                         {.name = "name_zh", .required = true, .max_chars = 100},
                         {.name = "parent", .required = true, .max_chars = 64}};

    if (!gw_admin_read_fields(req, &body, f, 4))
        goto cleanup;
    if (!gw_unit_code_valid(f[0].value)) {
        cg_err_clear(&err);
        cg_err_add_violation(&err, "code", "must be 1 to 64 of a-z, 0-9 and _");
        gw_http_send_err(req, &err);
        goto cleanup;
    }
    const char *params[] = {f[0].value, f[1].value, f[2].value, f[3].value, req->who->org_path};
    /* The parent must be an active unit inside the caller's scope; the new
     * path is the parent's and the code. */
    if (gw_admin_query(req,
                       "INSERT INTO org_units (code, name, name_zh, path)"
                       " SELECT $1, $2, $3, p.path || $1::text FROM org_units p"
                       " WHERE p.code = $4 AND p.retired_at IS NULL AND p.path <@ $5::ltree"
                       " RETURNING code",
                       5, params, &res, &err) != CG_OK) {
        if (err.code == CG_ALREADY_EXISTS)
            cg_err_set(&err, CG_ALREADY_EXISTS, "an org unit with this code exists");
        gw_http_send_err(req, &err);
        goto cleanup;
    }
    if (PQntuples(res) != 1) {
        cg_err_clear(&err);
        cg_err_add_violation(&err, "parent", "is not an active org unit inside your scope");
        gw_http_send_err(req, &err);
        goto cleanup;
    }
    cg_log_fields(CG_LOG_INFO, "org unit created", "code", f[0].value, NULL);
    send_unit(req, f[0].value, 201);

cleanup:
    PQclear(res);
    cJSON_Delete(body);
}

void gw_route_rename_unit(gw_request *req)
{
    cJSON *body = NULL;
    PGconn *conn = NULL;
    cg_err err;
    cg_err_clear(&err);
    gw_body_field f[] = {{.name = "name", .required = false, .max_chars = 100},
                         {.name = "name_zh", .required = false, .max_chars = 100}};

    if (!gw_admin_read_fields(req, &body, f, 2))
        goto cleanup;
    conn = gw_admin_begin_update(req, UNIT_LOCK_SQL, unit_json, "org unit");
    if (conn == NULL)
        goto cleanup;
    const char *params[] = {req->route_id, f[0].value, f[1].value};
    if (cg_db_exec(conn,
                   "UPDATE org_units u SET name = coalesce($2, u.name),"
                   " name_zh = coalesce($3, u.name_zh) WHERE u.code = $1",
                   3, params, NULL, &err) != CG_OK) {
        gw_http_send_err(req, &err);
        goto cleanup;
    }
    if (!gw_admin_commit(req, &conn))
        goto cleanup;
    send_unit(req, req->route_id, 200);

cleanup:
    if (conn != NULL)
        cg_db_release(req->app->base.db, conn);
    cJSON_Delete(body);
}

/* Add OrgUnitMoved to the outbox inside the mover's transaction. */
static cg_code add_moved_event(gw_request *req, PGconn *conn, const char *old_path,
                               const char *new_path, cg_err *err)
{
    Cleangrid__V1__OrgUnitMoved ev = CLEANGRID__V1__ORG_UNIT_MOVED__INIT;
    Cleangrid__V1__EventMeta meta = CLEANGRID__V1__EVENT_META__INIT;
    char event_id[CG_UUID_LEN];
    cg_event_meta_init(&meta, event_id, GW_EVT_ORG_UNIT_MOVED, "gateway", req->request_id);
    ev.meta = &meta;
    ev.code = req->route_id;
    ev.old_path = (char *)old_path;
    ev.new_path = (char *)new_path;
    return cg_outbox_add(conn, &ev.base, err);
}

void gw_route_move_unit(gw_request *req)
{
    cJSON *body = NULL;
    PGresult *res = NULL;
    PGconn *conn = NULL;
    char old_path[UNIT_PATH_MAX];
    cg_err err;
    cg_err_clear(&err);
    gw_body_field f[] = {{.name = "parent", .required = true, .max_chars = 64}};

    cg_err_clear(&err);
    if (!gw_admin_read_fields(req, &body, f, 1))
        goto cleanup;
    conn = gw_admin_begin_update(req, UNIT_LOCK_SQL, unit_json, "org unit");
    if (conn == NULL)
        goto cleanup;
    /* Both rows locked, so two moves at once cannot make a cycle. */
    const char *params[] = {req->route_id, f[0].value, req->who->org_path};
    if (cg_db_exec(conn,
                   "SELECT s.path::text, nlevel(s.path) = 1, d.path IS NULL,"
                   " coalesce(d.path <@ s.path, false)"
                   " FROM org_units s LEFT JOIN org_units d ON d.code = $2"
                   " AND d.retired_at IS NULL AND d.path <@ $3::ltree"
                   " WHERE s.code = $1 AND s.path <@ $3::ltree FOR UPDATE OF s",
                   3, params, &res, &err) != CG_OK) {
        gw_http_send_err(req, &err);
        goto cleanup;
    }
    if (PQntuples(res) != 1) {
        gw_admin_send_not_found(req, "org unit");
        goto cleanup;
    }
    cg_err_clear(&err);
    if (strcmp(cg_db_get(res, 0, 1), "t") == 0)
        cg_err_set(&err, CG_FAILED_PRECONDITION, "the root unit cannot move");
    else if (strcmp(cg_db_get(res, 0, 2), "t") == 0)
        cg_err_add_violation(&err, "parent", "is not an active org unit inside your scope");
    else if (strcmp(cg_db_get(res, 0, 3), "t") == 0)
        cg_err_set(&err, CG_FAILED_PRECONDITION, "a unit cannot move under itself");
    if (err.code != CG_OK) {
        gw_http_send_err(req, &err);
        goto cleanup;
    }
    cg_strlcpy(old_path, cg_db_get(res, 0, 0), sizeof(old_path));
    PQclear(res);
    res = NULL;
    /* The whole subtree takes the new prefix in one statement, and the
     * event that tells the other services commits with it. */
    if (cg_db_exec(conn,
                   "UPDATE org_units u SET path = d.path || subpath(u.path, nlevel(s.path) - 1)"
                   " FROM org_units s, org_units d WHERE s.code = $1 AND d.code = $2"
                   " AND u.path <@ s.path",
                   2, params, NULL, &err) != CG_OK ||
        cg_db_exec(conn, "SELECT path::text FROM org_units WHERE code = $1", 1, params, &res,
                   &err) != CG_OK ||
        add_moved_event(req, conn, old_path, cg_db_get(res, 0, 0), &err) != CG_OK) {
        gw_http_send_err(req, &err);
        goto cleanup;
    }
    if (!gw_admin_commit(req, &conn))
        goto cleanup;
    cg_outbox_relay_kick(req->app->base.relay);
    /* Every cached session in the subtree holds the old scope. */
    gw_revoke_scopes(req->app);
    cg_log_fields(CG_LOG_INFO, "org unit moved", "code", req->route_id, "parent", f[0].value, NULL);
    send_unit(req, req->route_id, 200);

cleanup:
    PQclear(res);
    if (conn != NULL)
        cg_db_release(req->app->base.db, conn);
    cJSON_Delete(body);
}

void gw_route_retire_unit(gw_request *req)
{
    PGresult *res = NULL;
    cg_err err;
    cg_err_clear(&err);
    const char *params[] = {req->route_id, req->who->org_path};
    if (gw_admin_query(req,
                       "UPDATE org_units u SET retired_at = coalesce(u.retired_at, now())"
                       " WHERE u.code = $1 AND u.path <@ $2::ltree AND nlevel(u.path) > 1"
                       " RETURNING u.code",
                       2, params, &res, &err) != CG_OK) {
        gw_http_send_err(req, &err);
        return;
    }
    bool done = PQntuples(res) == 1;
    PQclear(res);
    if (!done) {
        gw_admin_send_not_found(req, "org unit other than the root");
        return;
    }
    cg_log_fields(CG_LOG_INFO, "org unit retired", "code", req->route_id, NULL);
    send_unit(req, req->route_id, 200);
}

/* Write one row of an import inside conn's transaction: create the unit
 * under its parent, rename it when it exists there under other names, or
 * leave it. Problems with the row are violations in err; *outcome is
 * 0 created, 1 updated, 2 unchanged. */
static cg_code import_row(gw_request *req, PGconn *conn, const gw_unit_row *r, int *outcome,
                          cg_err *err)
{
    PGresult *res = NULL;
    char field[64];
    cg_code rc = CG_OK;
    const char *params[] = {r->code, r->name, r->name_zh, r->parent, req->who->org_path};

    /* What exists under this code: inside the caller's scope, where, and
     * whether its names differ. */
    const char *lookup[] = {r->code, r->name, r->name_zh, req->who->org_path};
    rc = cg_db_exec(
        conn,
        "SELECT u.path <@ $4::ltree,"
        " CASE WHEN nlevel(u.path) > 1 THEN subpath(u.path, nlevel(u.path) - 2, 1)::text END,"
        " u.name IS DISTINCT FROM $2 OR u.name_zh IS DISTINCT FROM $3"
        " FROM org_units u WHERE u.code = $1 FOR UPDATE",
        4, lookup, &res, err);
    if (rc != CG_OK)
        goto cleanup;
    if (PQntuples(res) == 1) {
        snprintf(field, sizeof(field), "%s.code", r->where);
        if (strcmp(cg_db_get(res, 0, 0), "t") != 0) {
            /* Codes are unique across the tree; say no more about it. */
            cg_err_add_violation(err, field, "is already in use");
        } else if (strcmp(cg_db_get(res, 0, 1), r->parent) != 0) {
            snprintf(field, sizeof(field), "%s.parent", r->where);
            cg_err_add_violation(err, field,
                                 "differs from the unit's parent %s; an import never moves a "
                                 "unit: use POST /api/v1/org-units/%s/move",
                                 cg_db_get(res, 0, 1), r->code);
        } else if (strcmp(cg_db_get(res, 0, 2), "t") == 0) {
            *outcome = 1;
            rc = cg_db_exec(conn, "UPDATE org_units SET name = $2, name_zh = $3 WHERE code = $1", 3,
                            params, NULL, err);
        } else {
            *outcome = 2;
        }
        goto cleanup;
    }
    PQclear(res);
    res = NULL;
    rc = cg_db_exec(conn,
                    "INSERT INTO org_units (code, name, name_zh, path)"
                    " SELECT $1, $2, $3, p.path || $1::text FROM org_units p"
                    " WHERE p.code = $4 AND p.retired_at IS NULL AND p.path <@ $5::ltree"
                    " RETURNING code",
                    5, params, &res, err);
    if (rc == CG_OK && PQntuples(res) != 1) {
        snprintf(field, sizeof(field), "%s.parent", r->where);
        cg_err_add_violation(err, field,
                             "is not an active org unit inside your scope, nor a unit earlier "
                             "in the file");
    }
    *outcome = 0;

cleanup:
    PQclear(res);
    return rc;
}

void gw_route_import_units(gw_request *req)
{
    char *text = NULL;
    size_t len = 0;
    gw_unit_import imp = {0};
    PGconn *conn = NULL;
    int counts[3] = {0, 0, 0};
    cJSON *out = NULL;
    cg_err err;
    cg_err_clear(&err);

    bool csv = gw_media_type_is_csv(gw_http_header(req, "Content-Type"));
    if (!csv && !gw_media_type_is_json(gw_http_header(req, "Content-Type"))) {
        gw_http_send_problem(req, 415, "UNSUPPORTED_MEDIA_TYPE",
                             "an import is application/json or text/csv", NULL, NULL);
        goto cleanup;
    }
    if (gw_http_read_raw(req, &text, &len) != CG_OK)
        goto cleanup;
    if (gw_unit_import_parse(text, len, csv, &imp, &err) != CG_OK) {
        gw_http_send_err(req, &err);
        goto cleanup;
    }
    conn = gw_admin_begin(req);
    if (conn == NULL)
        goto cleanup;
    /* All or nothing: one transaction, and any problem rolls it all back,
     * so a file is fixed and sent again rather than half applied. */
    for (size_t i = 0; i < imp.nrows; i++) {
        int outcome = 2;
        if (import_row(req, conn, &imp.rows[i], &outcome, &err) != CG_OK)
            break;
        counts[outcome]++;
    }
    if (err.code != CG_OK) {
        gw_http_send_err(req, &err);
        goto cleanup;
    }
    if (!gw_admin_commit(req, &conn))
        goto cleanup;
    cg_log_fields(CG_LOG_INFO, "org units imported", "format", csv ? "csv" : "json", NULL);
    out = cJSON_CreateObject();
    if (out != NULL && (cJSON_AddNumberToObject(out, "created", counts[0]) == NULL ||
                        cJSON_AddNumberToObject(out, "updated", counts[1]) == NULL ||
                        cJSON_AddNumberToObject(out, "unchanged", counts[2]) == NULL)) {
        cJSON_Delete(out);
        out = NULL;
    }
    gw_http_send_json(req, 200, out);

cleanup:
    cJSON_Delete(out);
    if (conn != NULL)
        cg_db_release(req->app->base.db, conn);
    gw_unit_import_free(&imp);
    free(text);
}
