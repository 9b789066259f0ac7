/* Accounts (accounts.admin): create, read, change (roles, name, unit,
 * person id), lock, unlock, disable and reset the password.
 *
 * Locking, disabling or resetting the password of an account revokes its
 * sessions in the database and broadcasts the revocation (revocation.h), so
 * it takes effect within a second on every gateway replica; a change of
 * roles, unit or name evicts the account's cached sessions the same way, so
 * the next request sees the new roles and scope. Never logged: passwords. */
#include <sodium.h>
#include <stdio.h>
#include <string.h>

#include "accounts.h"
#include "admin.h"
#include "audit.h"
#include "cg/log.h"
#include "cg/person.h"
#include "gateway.h"
#include "revocation.h"

#define ACCOUNT_COLUMNS                                                                            \
    "a.id::text, a.username, a.display_name, array_to_string(a.roles, ','), a.org_unit,"           \
    " a.status, (extract(epoch FROM a.locked_until) * 1000)::bigint, a.person_id"
/* The account's row joined to its unit, inside scope $SCOPE. */
#define ACCOUNT_IN_SCOPE(scope)                                                                    \
    " FROM accounts a JOIN org_units o ON o.code = a.org_unit WHERE o.path <@ " scope "::ltree"

static cJSON *account_json(const PGresult *res, int row)
{
    cJSON *o = cJSON_CreateObject();
    bool ok = o != NULL && gw_admin_add_account(o, res, row) &&
              cJSON_AddStringToObject(o, "org_unit", cg_db_get(res, row, 4)) &&
              cJSON_AddStringToObject(o, "status", cg_db_get(res, row, 5)) &&
              gw_json_add_time(o, "locked_until", cg_db_get_ll(res, row, 6)) &&
              (PQgetisnull(res, row, 7)
                   ? cJSON_AddNullToObject(o, "person_id") != NULL
                   : cJSON_AddStringToObject(o, "person_id", cg_db_get(res, row, 7)) != NULL);
    if (!ok) {
        cJSON_Delete(o);
        return NULL;
    }
    return o;
}

#define ACCOUNT_ONE_SQL "SELECT " ACCOUNT_COLUMNS ACCOUNT_IN_SCOPE("$2") " AND a.id = $1::uuid"

static void send_account(gw_request *req, const char *id, int status)
{
    gw_admin_send_one(req, ACCOUNT_ONE_SQL, id, account_json, status, "account");
}

void gw_route_list_accounts(gw_request *req)
{
    gw_admin_send_list(
        req,
        "SELECT " ACCOUNT_COLUMNS ACCOUNT_IN_SCOPE("$1") " AND a.username > $2"
                                                         " ORDER BY a.username LIMIT $3::int",
        1, account_json);
}

/* Read the person_id member (may be absent or null) into *person_id, in
 * its canonical form (cg/person.h) written into canon, so that no two
 * accounts hold one person under two spellings and the services compare
 * it as stored; a malformed one is a violation. */
static void read_person_id(const gw_body_field *f, char canon[CG_PERSON_ID_SIZE],
                           const char **person_id, cg_err *err)
{
    *person_id = NULL;
    if (f->value == NULL)
        return;
    if (!cg_person_id_canon(f->value, canon, CG_PERSON_ID_SIZE) || !gw_person_id_valid(canon)) {
        cg_err_add_violation(err, "person_id",
                             "must be 1 to 64 of A-Z, a-z, 0-9, '.', '_' and '-'");
        return;
    }
    *person_id = canon;
}

/* Answer a failed write of an account: a unique violation says what must
 * be unique, anything else as it is. */
static void send_write_error(gw_request *req, cg_err *err)
{
    if (err->code == CG_ALREADY_EXISTS)
        cg_err_set(err, CG_ALREADY_EXISTS,
                   "an account with this username exists, or another account is linked to this "
                   "person");
    gw_http_send_err(req, err);
}

/* Whether a write of an account (rc, returning its row in res) wrote it;
 * if not it answers: a failure as send_write_error() does, no row as a
 * unit the caller may not use. */
static bool account_written(gw_request *req, cg_code rc, const PGresult *res, cg_err *err)
{
    if (rc != CG_OK) {
        send_write_error(req, err);
        return false;
    }
    if (PQntuples(res) != 1) {
        cg_err_clear(err);
        cg_err_add_violation(err, "org_unit", "is not an active org unit inside your scope");
        gw_http_send_err(req, err);
        return false;
    }
    return true;
}

/* Add {"roles": [...], "org_unit": ...} from columns col (roles, comma
 * separated) and col + 1 of row 0 to detail under key. */
static bool add_grant(cJSON *detail, const char *key, const PGresult *res, int col)
{
    cJSON *grant = cJSON_AddObjectToObject(detail, key);
    return grant != NULL && gw_json_add_name_list(grant, "roles", cg_db_get(res, 0, col)) &&
           cJSON_AddStringToObject(grant, "org_unit", cg_db_get(res, 0, col + 1)) != NULL;
}

/* Record in the request's audit row the roles and unit an account had
 * (columns before, -1 for a new account) and has now (columns after):
 * who was given what, and by whom, stays in the trail. */
static void note_roles(gw_request *req, const PGresult *res, int before, int after)
{
    cJSON *detail = cJSON_CreateObject();
    if (detail != NULL && (before < 0 || add_grant(detail, "before", res, before)) &&
        add_grant(detail, "after", res, after))
        gw_audit_note(req, detail);
    cJSON_Delete(detail);
}

void gw_route_create_account(gw_request *req)
{
    cJSON *body = NULL;
    PGresult *res = NULL;
    char hash[crypto_pwhash_STRBYTES] = "";
    char roles[GW_ROLES_LITERAL_MAX];
    const char *person_id = NULL;
    char person_canon[CG_PERSON_ID_SIZE];
    cg_err err;
    cg_err_clear(&err);
    gw_body_field f[] = {
        {.name = "username", .required = true, .max_chars = 64},
        {.name = "display_name", .required = true, .max_chars = 80},
        {.name = "roles", .required = true, .max_chars = 0, .kind = GW_FIELD_ARRAY},
        {.name = "org_unit", .required = true, .max_chars = 64},
        {.name = "password", .required = true, .max_chars = 0},
        {.name = "person_id", .required = false, .max_chars = 64, .kind = GW_FIELD_NULLABLE}};

    if (!gw_admin_read_fields(req, &body, f, 6))
        goto cleanup;
    cg_err_clear(&err);
    if (!gw_username_valid(f[0].value))
        cg_err_add_violation(&err, "username",
                             "must be 1 to 64 of a-z, 0-9, '.', '_' and '-', starting with a "
                             "letter or digit");
    gw_roles_parse(f[2].item, "roles", roles, &err);
    read_person_id(&f[5], person_canon, &person_id, &err);
    if (err.code == CG_OK)
        gw_password_policy_check(f[0].value, NULL, f[4].value, "password", &err);
    if (err.code != CG_OK || gw_auth_hash_password(f[4].value, hash, sizeof(hash), &err) != CG_OK) {
        gw_http_send_err(req, &err);
        goto cleanup;
    }
    const char *params[] = {f[0].value, f[1].value,         hash,     roles,
                            f[3].value, req->who->org_path, person_id};
    /* A retired unit, or one outside the caller's scope, takes no new
     * accounts. */
    cg_code rc = gw_admin_query(
        req,
        "INSERT INTO accounts (username, display_name, password_hash, roles,"
        " org_unit, person_id)"
        " SELECT $1, $2, $3, $4::text[], o.code, $7 FROM org_units o WHERE o.code = $5"
        " AND o.retired_at IS NULL AND o.path <@ $6::ltree"
        " RETURNING id::text, array_to_string(roles, ','), org_unit",
        7, params, &res, &err);
    if (!account_written(req, rc, res, &err))
        goto cleanup;
    note_roles(req, res, -1, 1);
    cg_log_fields(CG_LOG_INFO, "account created", "user_id", cg_db_get(res, 0, 0), "roles", roles,
                  NULL);
    send_account(req, cg_db_get(res, 0, 0), 201);

cleanup:
    sodium_memzero(hash, sizeof(hash));
    PQclear(res);
    gw_json_delete_wiped(body);
}

/* The {id} of an account route, when it can be one; else answers 404. */
static bool account_id_ok(gw_request *req)
{
    if (cg_uuid_valid(req->route_id))
        return true;
    gw_admin_send_not_found(req, "account");
    return false;
}

void gw_route_update_account(gw_request *req)
{
    cJSON *body = NULL;
    PGresult *res = NULL;
    PGconn *conn = NULL;
    char roles[GW_ROLES_LITERAL_MAX] = "";
    const char *person_id = NULL;
    char person_canon[CG_PERSON_ID_SIZE];
    cg_err err;
    cg_err_clear(&err);
    gw_body_field f[] = {
        {.name = "roles", .required = false, .max_chars = 0, .kind = GW_FIELD_ARRAY},
        {.name = "display_name", .required = false, .max_chars = 80},
        {.name = "org_unit", .required = false, .max_chars = 64},
        {.name = "person_id", .required = false, .max_chars = 64, .kind = GW_FIELD_NULLABLE}};

    if (!account_id_ok(req) || !gw_admin_read_fields(req, &body, f, 4))
        goto cleanup;
    cg_err_clear(&err);
    if (f[0].item != NULL)
        gw_roles_parse(f[0].item, "roles", roles, &err);
    read_person_id(&f[3], person_canon, &person_id, &err);
    /* Roles are granted by someone else: an administrator who could give
     * itself an inspector's role could read clues at once, with nobody's
     * say. */
    if (err.code == CG_OK && f[0].item != NULL && strcmp(req->route_id, req->who->id) == 0)
        cg_err_set(&err, CG_PERMISSION_DENIED, "no account changes its own roles");
    if (err.code != CG_OK) {
        gw_http_send_err(req, &err);
        goto cleanup;
    }
    conn = gw_admin_begin_update(req, ACCOUNT_ONE_SQL " FOR UPDATE OF a", account_json, "account");
    if (conn == NULL)
        goto cleanup;
    const char *params[] = {
        req->route_id, roles[0] ? roles : NULL,      f[1].value, f[2].value, req->who->org_path,
        person_id,     f[3].item != NULL ? "t" : "f"};
    /* A new unit must be active and inside the caller's scope; when none
     * is given the account's own (n) stands in for it. person_id changes
     * only when the member was sent ($7), so null clears it. */
    /* The row as it was (the statement's snapshot, taken before the
     * update) goes into the audit record beside the row as it is now. */
    cg_code rc = cg_db_exec(conn,
                            "WITH was AS (SELECT roles, org_unit FROM accounts WHERE id = $1::uuid)"
                            " UPDATE accounts a SET roles = coalesce($2::text[], a.roles),"
                            " display_name = coalesce($3, a.display_name), org_unit = n.code,"
                            " person_id = CASE WHEN $7::bool THEN $6 ELSE a.person_id END"
                            " FROM org_units n, was WHERE a.id = $1::uuid"
                            " AND n.code = coalesce($4, a.org_unit)"
                            " AND n.path <@ $5::ltree AND ($4 IS NULL OR n.retired_at IS NULL)"
                            " RETURNING a.id, array_to_string(was.roles, ','), was.org_unit,"
                            " array_to_string(a.roles, ','), a.org_unit",
                            7, params, &res, &err);
    /* No row: the account exists (it was locked above), the unit is wrong. */
    if (!account_written(req, rc, res, &err) || !gw_admin_commit(req, &conn))
        goto cleanup;
    note_roles(req, res, 1, 3);
    /* Cached sessions hold the old roles and scope. */
    gw_revoke_account(req->app, req->route_id);
    send_account(req, req->route_id, 200);

cleanup:
    PQclear(res);
    if (conn != NULL)
        cg_db_release(req->app->base.db, conn);
    cJSON_Delete(body);
}

void gw_route_get_account(gw_request *req)
{
    if (account_id_ok(req))
        send_account(req, req->route_id, 200);
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
    conn = gw_admin_begin(req);
    if (conn == NULL)
        goto cleanup;
    const char *params[] = {req->route_id, req->who->org_path, extra};
    if (cg_db_exec(conn, sql, extra ? 3 : 2, params, &res, &err) != CG_OK) {
        gw_http_send_err(req, &err);
        goto cleanup;
    }
    if (PQntuples(res) != 1) {
        gw_admin_send_not_found(req, "account");
        goto cleanup;
    }
    if (revoke && cg_db_exec(conn,
                             "UPDATE sessions SET revoked_at = now() WHERE account_id = $1::uuid"
                             " AND revoked_at IS NULL",
                             1, params, NULL, &err) != CG_OK) {
        gw_http_send_err(req, &err);
        goto cleanup;
    }
    if (!gw_admin_commit(req, &conn))
        goto cleanup;
    gw_revoke_account(req->app, req->route_id);
    cg_log_fields(CG_LOG_INFO, what, "user_id", req->route_id, NULL);
    send_account(req, req->route_id, 200);

cleanup:
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
    gw_body_field f[] = {{.name = "new_password", .required = true, .max_chars = 0}};

    if (!account_id_ok(req) || !gw_admin_read_fields(req, &body, f, 1))
        goto cleanup;
    if (!gw_admin_read_one(req, NULL,
                           "SELECT a.username" ACCOUNT_IN_SCOPE("$2") " AND a.id = $1::uuid",
                           req->route_id, "account", &res))
        goto cleanup;
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
    PQclear(res);
    gw_json_delete_wiped(body);
}
