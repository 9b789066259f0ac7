/* The administration API: org units and accounts (admin only; the route
 * table grants units.admin and accounts.admin to the admin role).
 *
 * Everything an administrator touches lies inside the administrator's own
 * scope (org path subtree): a unit or an account outside it answers 404, as
 * in every other part of the API. Lists are ordered by org path (units) and
 * username (accounts) and paged with ?limit=&cursor=, where the cursor is
 * the last path or username of the page before.
 *
 * Locking, disabling or resetting the password of an account revokes its
 * sessions in the database and broadcasts the revocation (revocation.h), so
 * it takes effect within a second on every gateway replica; a change of
 * role, unit or name evicts the account's cached sessions the same way, so
 * the next request sees the new role and scope. Never logged: passwords. */
#include "admin.h"

#include <sodium.h>
#include <stdio.h>
#include <string.h>

#include "accounts.h"
#include "admin_rules.h"
#include "cg/log.h"
#include "gateway.h"
#include "revocation.h"

/* --- shared ----------------------------------------------------------------- */

/* Run sql on a pooled connection; on CG_OK *res is the result (PQclear). */
static cg_code query(gw_request *req, const char *sql, int n, const char *const *params,
                     PGresult **res, cg_err *err)
{
    PGconn *conn = cg_db_acquire(req->app->base.db, GW_DB_ACQUIRE_MS, err);
    if (conn == NULL)
        return err->code;
    cg_code rc = cg_db_exec(conn, sql, n, params, res, err);
    cg_db_release(req->app->base.db, conn);
    return rc;
}

/* Read the body into *body and its string members into fields. On failure
 * the request is answered and *body is NULL or still to be deleted. */
static bool read_fields(gw_request *req, cJSON **body, gw_body_field *fields, size_t n)
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

static void send_not_found(gw_request *req, const char *what)
{
    char detail[64];
    snprintf(detail, sizeof(detail), "no such %s", what);
    gw_http_send_problem(req, 404, "NOT_FOUND", detail, NULL, NULL);
}

/* A list page: items from rows 0..min(rows, limit), next_cursor the cursor
 * column of the last one when there were more rows than limit. */
static void send_page(gw_request *req, const PGresult *res, int limit, int cursor_col,
                      cJSON *(*row_json)(const PGresult *, int))
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

/* Answer a list: sql takes $1 the caller's scope, $2 the cursor ("" for
 * the first page) and $3 the row limit, and returns rows in cursor order
 * with the cursor in column cursor_col. */
static void send_list(gw_request *req, const char *sql, int cursor_col,
                      cJSON *(*row_json)(const PGresult *, int))
{
    int limit;
    char cursor[GW_ADMIN_CURSOR_MAX + 1];
    char lim[16];
    PGresult *res = NULL;
    cg_err err;
    cg_err_clear(&err);

    if (gw_admin_page(req->query, &limit, cursor, &err) != CG_OK) {
        gw_http_send_err(req, &err);
        return;
    }
    /* One row more than the page says whether there is a next one. */
    snprintf(lim, sizeof(lim), "%d", limit + 1);
    const char *params[] = {req->who->org_path, cursor, lim};
    if (query(req, sql, 3, params, &res, &err) != CG_OK) {
        gw_http_send_err(req, &err);
        return;
    }
    send_page(req, res, limit, cursor_col, row_json);
    PQclear(res);
}

/* --- org units -------------------------------------------------------------- */

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

/* Answer with the unit code (inside the caller's scope) as it is now. */
static void send_unit(gw_request *req, const char *code, int status)
{
    PGresult *res = NULL;
    cg_err err;
    cg_err_clear(&err);
    const char *params[] = {code, req->who->org_path};
    if (query(req,
              "SELECT " UNIT_COLUMNS " FROM org_units u WHERE u.code = $1"
              " AND u.path <@ $2::ltree",
              2, params, &res, &err) != CG_OK) {
        gw_http_send_err(req, &err);
        return;
    }
    if (PQntuples(res) != 1) {
        send_not_found(req, "org unit");
    } else {
        cJSON *o = unit_json(res, 0);
        gw_http_send_json(req, status, o);
        cJSON_Delete(o);
    }
    PQclear(res);
}

void gw_route_list_units(gw_request *req)
{
    send_list(req,
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
    gw_body_field f[] = {{"code", true, 64, NULL},
                         {"name", true, 100, NULL},
                         {"name_zh", true, 100, NULL},
                         {"parent", true, 64, NULL}};

    if (!read_fields(req, &body, f, 4))
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
    if (query(req,
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
    if (res != NULL)
        PQclear(res);
    cJSON_Delete(body);
}

void gw_route_rename_unit(gw_request *req)
{
    cJSON *body = NULL;
    PGresult *res = NULL;
    cg_err err;
    cg_err_clear(&err);
    gw_body_field f[] = {{"name", false, 100, NULL}, {"name_zh", false, 100, NULL}};

    if (!read_fields(req, &body, f, 2))
        goto cleanup;
    const char *params[] = {req->route_id, f[0].value, f[1].value, req->who->org_path};
    if (query(req,
              "UPDATE org_units u SET name = coalesce($2, u.name),"
              " name_zh = coalesce($3, u.name_zh) WHERE u.code = $1 AND u.path <@ $4::ltree"
              " RETURNING u.code",
              4, params, &res, &err) != CG_OK) {
        gw_http_send_err(req, &err);
        goto cleanup;
    }
    if (PQntuples(res) != 1) {
        send_not_found(req, "org unit");
        goto cleanup;
    }
    send_unit(req, req->route_id, 200);

cleanup:
    if (res != NULL)
        PQclear(res);
    cJSON_Delete(body);
}

void gw_route_move_unit(gw_request *req)
{
    cJSON *body = NULL;
    PGresult *res = NULL;
    PGconn *conn = NULL;
    cg_err err;
    cg_err_clear(&err);
    gw_body_field f[] = {{"parent", true, 64, NULL}};

    cg_err_clear(&err);
    if (!read_fields(req, &body, f, 1))
        goto cleanup;
    conn = cg_db_acquire(req->app->base.db, GW_DB_ACQUIRE_MS, &err);
    if (conn == NULL || cg_db_begin(conn, &err) != CG_OK) {
        gw_http_send_err(req, &err);
        goto cleanup;
    }
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
        send_not_found(req, "org unit");
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
    PQclear(res);
    res = NULL;
    /* The whole subtree takes the new prefix in one statement. */
    if (cg_db_exec(conn,
                   "UPDATE org_units u SET path = d.path || subpath(u.path, nlevel(s.path) - 1)"
                   " FROM org_units s, org_units d WHERE s.code = $1 AND d.code = $2"
                   " AND u.path <@ s.path",
                   2, params, NULL, &err) != CG_OK ||
        cg_db_commit(conn, &err) != CG_OK) {
        gw_http_send_err(req, &err);
        goto cleanup;
    }
    cg_db_release(req->app->base.db, conn);
    conn = NULL;
    cg_log_fields(CG_LOG_INFO, "org unit moved", "code", req->route_id, "parent", f[0].value, NULL);
    send_unit(req, req->route_id, 200);

cleanup:
    if (res != NULL)
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
    if (query(req,
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
        send_not_found(req, "org unit other than the root");
        return;
    }
    cg_log_fields(CG_LOG_INFO, "org unit retired", "code", req->route_id, NULL);
    send_unit(req, req->route_id, 200);
}

/* --- accounts ---------------------------------------------------------------- */

#define ACCOUNT_COLUMNS                                                                            \
    "a.id::text, a.username, a.display_name, a.role, a.org_unit, a.status,"                        \
    " (extract(epoch FROM a.locked_until) * 1000)::bigint"
/* The account's row joined to its unit, inside scope $SCOPE. */
#define ACCOUNT_IN_SCOPE(scope)                                                                    \
    " FROM accounts a JOIN org_units o ON o.code = a.org_unit WHERE o.path <@ " scope "::ltree"

static cJSON *account_json(const PGresult *res, int row)
{
    cJSON *o = cJSON_CreateObject();
    bool ok = o != NULL && cJSON_AddStringToObject(o, "id", cg_db_get(res, row, 0)) &&
              cJSON_AddStringToObject(o, "username", cg_db_get(res, row, 1)) &&
              cJSON_AddStringToObject(o, "display_name", cg_db_get(res, row, 2)) &&
              cJSON_AddStringToObject(o, "role", cg_db_get(res, row, 3)) &&
              cJSON_AddStringToObject(o, "org_unit", cg_db_get(res, row, 4)) &&
              cJSON_AddStringToObject(o, "status", cg_db_get(res, row, 5)) &&
              gw_json_add_time(o, "locked_until", cg_db_get_ll(res, row, 6));
    if (!ok) {
        cJSON_Delete(o);
        return NULL;
    }
    return o;
}

static void send_account(gw_request *req, const char *id, int status)
{
    PGresult *res = NULL;
    cg_err err;
    cg_err_clear(&err);
    const char *params[] = {id, req->who->org_path};
    if (query(req, "SELECT " ACCOUNT_COLUMNS ACCOUNT_IN_SCOPE("$2") " AND a.id = $1::uuid", 2,
              params, &res, &err) != CG_OK) {
        gw_http_send_err(req, &err);
        return;
    }
    if (PQntuples(res) != 1) {
        send_not_found(req, "account");
    } else {
        cJSON *o = account_json(res, 0);
        gw_http_send_json(req, status, o);
        cJSON_Delete(o);
    }
    PQclear(res);
}

void gw_route_list_accounts(gw_request *req)
{
    send_list(req,
              "SELECT " ACCOUNT_COLUMNS ACCOUNT_IN_SCOPE("$1") " AND a.username > $2"
                                                               " ORDER BY a.username LIMIT $3::int",
              1, account_json);
}

void gw_route_create_account(gw_request *req)
{
    cJSON *body = NULL;
    PGresult *res = NULL;
    char hash[crypto_pwhash_STRBYTES] = "";
    cg_err err;
    cg_err_clear(&err);
    gw_body_field f[] = {{"username", true, 64, NULL},
                         {"display_name", true, 80, NULL},
                         {"role", true, 32, NULL},
                         {"org_unit", true, 64, NULL},
                         {"password", true, 0, NULL}};

    if (!read_fields(req, &body, f, 5))
        goto cleanup;
    cg_err_clear(&err);
    if (!gw_username_valid(f[0].value))
        cg_err_add_violation(&err, "username",
                             "must be 1 to 64 of a-z, 0-9, '.', '_' and '-', starting with a "
                             "letter or digit");
    if (!gw_role_known(f[2].value))
        cg_err_add_violation(&err, "role", "is not a role");
    if (err.code == CG_OK)
        gw_password_policy_check(f[0].value, NULL, f[4].value, "password", &err);
    if (err.code != CG_OK || gw_auth_hash_password(f[4].value, hash, sizeof(hash), &err) != CG_OK) {
        gw_http_send_err(req, &err);
        goto cleanup;
    }
    const char *params[] = {f[0].value, f[1].value, hash,
                            f[2].value, f[3].value, req->who->org_path};
    /* A retired unit, or one outside the caller's scope, takes no new
     * accounts. */
    if (query(req,
              "INSERT INTO accounts (username, display_name, password_hash, role, org_unit)"
              " SELECT $1, $2, $3, $4, o.code FROM org_units o WHERE o.code = $5"
              " AND o.retired_at IS NULL AND o.path <@ $6::ltree RETURNING id::text",
              6, params, &res, &err) != CG_OK) {
        if (err.code == CG_ALREADY_EXISTS)
            cg_err_set(&err, CG_ALREADY_EXISTS, "an account with this username exists");
        gw_http_send_err(req, &err);
        goto cleanup;
    }
    if (PQntuples(res) != 1) {
        cg_err_clear(&err);
        cg_err_add_violation(&err, "org_unit", "is not an active org unit inside your scope");
        gw_http_send_err(req, &err);
        goto cleanup;
    }
    cg_log_fields(CG_LOG_INFO, "account created", "user_id", cg_db_get(res, 0, 0), "role",
                  f[2].value, NULL);
    send_account(req, cg_db_get(res, 0, 0), 201);

cleanup:
    sodium_memzero(hash, sizeof(hash));
    if (res != NULL)
        PQclear(res);
    gw_json_delete_wiped(body);
}

/* The {id} of an account route, when it can be one; else answers 404. */
static bool account_id_ok(gw_request *req)
{
    if (cg_uuid_valid(req->route_id))
        return true;
    send_not_found(req, "account");
    return false;
}

void gw_route_update_account(gw_request *req)
{
    cJSON *body = NULL;
    PGresult *res = NULL;
    cg_err err;
    cg_err_clear(&err);
    gw_body_field f[] = {{"role", false, 32, NULL},
                         {"display_name", false, 80, NULL},
                         {"org_unit", false, 64, NULL}};

    if (!account_id_ok(req) || !read_fields(req, &body, f, 3))
        goto cleanup;
    cg_err_clear(&err);
    if (f[0].value != NULL && !gw_role_known(f[0].value)) {
        cg_err_add_violation(&err, "role", "is not a role");
        gw_http_send_err(req, &err);
        goto cleanup;
    }
    const char *params[] = {req->route_id, f[0].value, f[1].value, f[2].value, req->who->org_path};
    /* A new unit must be active and inside the caller's scope; when none
     * is given the account's own (n) stands in for it. */
    if (query(req,
              "UPDATE accounts a SET role = coalesce($2, a.role),"
              " display_name = coalesce($3, a.display_name), org_unit = n.code"
              " FROM org_units o, org_units n WHERE a.id = $1::uuid AND o.code = a.org_unit"
              " AND o.path <@ $5::ltree AND n.code = coalesce($4, a.org_unit)"
              " AND n.path <@ $5::ltree AND ($4 IS NULL OR n.retired_at IS NULL)"
              " RETURNING a.id",
              5, params, &res, &err) != CG_OK) {
        gw_http_send_err(req, &err);
        goto cleanup;
    }
    if (PQntuples(res) != 1) {
        /* Tell an unknown account from a bad unit. */
        PQclear(res);
        res = NULL;
        const char *p2[] = {req->route_id, req->who->org_path};
        if (query(req, "SELECT 1" ACCOUNT_IN_SCOPE("$2") " AND a.id = $1::uuid", 2, p2, &res,
                  &err) != CG_OK) {
            gw_http_send_err(req, &err);
        } else if (PQntuples(res) == 0) {
            send_not_found(req, "account");
        } else {
            cg_err_clear(&err);
            cg_err_add_violation(&err, "org_unit", "is not an active org unit inside your scope");
            gw_http_send_err(req, &err);
        }
        goto cleanup;
    }
    /* Cached sessions hold the old role and scope. */
    gw_revoke_account(req->app, req->route_id);
    send_account(req, req->route_id, 200);

cleanup:
    if (res != NULL)
        PQclear(res);
    cJSON_Delete(body);
}

/* Run sql (params $1 account id, $2 caller's scope, and extra as $3) on
 * the account inside the caller's scope and, when revoke, end all its
 * sessions in the same transaction; then evict its cached sessions on
 * every replica. not_self refuses the act on the caller's own account (an
 * administrator locking itself out). Answers the request: the account
 * (200), 404, or the error. */
static void account_act(gw_request *req, const char *sql, const char *extra, bool revoke,
                        bool not_self, const char *what)
{
    PGconn *conn = NULL;
    PGresult *res = NULL;
    cg_err err;
    cg_err_clear(&err);

    cg_err_clear(&err);
    if (!account_id_ok(req))
        goto cleanup;
    if (not_self && strcmp(req->route_id, req->who->id) == 0) {
        cg_err_set(&err, CG_FAILED_PRECONDITION, "an administrator cannot do this to itself");
        gw_http_send_err(req, &err);
        goto cleanup;
    }
    conn = cg_db_acquire(req->app->base.db, GW_DB_ACQUIRE_MS, &err);
    if (conn == NULL || cg_db_begin(conn, &err) != CG_OK) {
        gw_http_send_err(req, &err);
        goto cleanup;
    }
    const char *params[] = {req->route_id, req->who->org_path, extra};
    if (cg_db_exec(conn, sql, extra ? 3 : 2, params, &res, &err) != CG_OK) {
        gw_http_send_err(req, &err);
        goto cleanup;
    }
    if (PQntuples(res) != 1) {
        send_not_found(req, "account");
        goto cleanup;
    }
    if (revoke && cg_db_exec(conn,
                             "UPDATE sessions SET revoked_at = now() WHERE account_id = $1::uuid"
                             " AND revoked_at IS NULL",
                             1, params, NULL, &err) != CG_OK) {
        gw_http_send_err(req, &err);
        goto cleanup;
    }
    if (cg_db_commit(conn, &err) != CG_OK) {
        gw_http_send_err(req, &err);
        goto cleanup;
    }
    cg_db_release(req->app->base.db, conn);
    conn = NULL;
    gw_revoke_account(req->app, req->route_id);
    cg_log_fields(CG_LOG_INFO, what, "user_id", req->route_id, NULL);
    send_account(req, req->route_id, 200);

cleanup:
    if (res != NULL)
        PQclear(res);
    if (conn != NULL)
        cg_db_release(req->app->base.db, conn);
}

#define ACCOUNT_ROW_IN_SCOPE                                                                       \
    " WHERE a.id = $1::uuid AND a.org_unit IN (SELECT code FROM org_units WHERE path <@ "          \
    "$2::ltree)"

void gw_route_lock_account(gw_request *req)
{
    /* No end time: the lock of an administrator, lifted only by unlock. */
    account_act(req,
                "UPDATE accounts a SET status = 'locked', locked_until = NULL, failed_logins = "
                "0" ACCOUNT_ROW_IN_SCOPE " AND a.status <> 'disabled' RETURNING 1",
                NULL, true, true, "account locked");
}

void gw_route_unlock_account(gw_request *req)
{
    account_act(req,
                "UPDATE accounts a SET status = 'active', locked_until = NULL, failed_logins = "
                "0" ACCOUNT_ROW_IN_SCOPE " AND a.status <> 'disabled' RETURNING 1",
                NULL, false, false, "account unlocked");
}

void gw_route_disable_account(gw_request *req)
{
    account_act(
        req,
        "UPDATE accounts a SET status = 'disabled', locked_until = NULL" ACCOUNT_ROW_IN_SCOPE
        " RETURNING 1",
        NULL, true, true, "account disabled");
}

void gw_route_reset_password(gw_request *req)
{
    cJSON *body = NULL;
    PGresult *res = NULL;
    char hash[crypto_pwhash_STRBYTES] = "";
    cg_err err;
    cg_err_clear(&err);
    gw_body_field f[] = {{"new_password", true, 0, NULL}};

    if (!account_id_ok(req) || !read_fields(req, &body, f, 1))
        goto cleanup;
    const char *params[] = {req->route_id, req->who->org_path};
    if (query(req, "SELECT a.username" ACCOUNT_IN_SCOPE("$2") " AND a.id = $1::uuid", 2, params,
              &res, &err) != CG_OK) {
        gw_http_send_err(req, &err);
        goto cleanup;
    }
    if (PQntuples(res) != 1) {
        send_not_found(req, "account");
        goto cleanup;
    }
    if (gw_password_policy_check(cg_db_get(res, 0, 0), NULL, f[0].value, "new_password", &err) !=
            CG_OK ||
        gw_auth_hash_password(f[0].value, hash, sizeof(hash), &err) != CG_OK) {
        gw_http_send_err(req, &err);
        goto cleanup;
    }
    /* Every session ends: whoever knew the old password is out. */
    account_act(req,
                "UPDATE accounts a SET password_hash = $3, password_changed_at = now(),"
                " failed_logins = 0" ACCOUNT_ROW_IN_SCOPE " RETURNING 1",
                hash, true, false, "password reset");

cleanup:
    sodium_memzero(hash, sizeof(hash));
    if (res != NULL)
        PQclear(res);
    gw_json_delete_wiped(body);
}
