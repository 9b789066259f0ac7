/* Accounts in the database: the lockout after wrong passwords and each
 * user's own password change (see accounts.h). Nothing here logs a
 * password, a hash, a token or a username: a username box often holds a
 * password typed one field too early. */
#include "accounts.h"

#include <sodium.h>
#include <stdio.h>
#include <string.h>

#include "cg/log.h"
#include "gateway.h"
#include "revocation.h"
#include "session_cache.h"

cg_code gw_account_login_result(gw_app *app, const char *account_id, bool password_ok,
                                bool *allowed, cg_err *err)
{
    cg_code rc;
    PGresult *res = NULL;
    char max_failures[24];
    char lockout_s[24];

    *allowed = false;
    if (password_ok) {
        /* One statement both checks and resets, so a lock that landed after
         * the row was read is not undone by this login. */
        const char *params[] = {account_id};
        rc = cg_db_query(app->base.db, GW_DB_ACQUIRE_MS,
                         "UPDATE accounts a SET failed_logins = 0, status = 'active',"
                         " locked_until = NULL WHERE a.id = $1::uuid AND " GW_ACCOUNT_MAY_LOG_IN
                         " RETURNING 1",
                         1, params, &res, err);
        if (rc != CG_OK)
            goto cleanup;
        *allowed = PQntuples(res) == 1;
        goto cleanup;
    }
    snprintf(max_failures, sizeof(max_failures), "%ld", app->login_max_failures_account);
    snprintf(lockout_s, sizeof(lockout_s), "%ld", app->login_lockout_s);
    const char *params[] = {account_id, max_failures, lockout_s};
    /* The count and the lock change in one statement on one row, so wrong
     * passwords sent in parallel still lock at exactly the limit. The
     * count starts again from zero once the lock has run out. */
    rc = cg_db_query(app->base.db, GW_DB_ACQUIRE_MS,
                     "UPDATE accounts a SET"
                     " failed_logins = CASE WHEN a.failed_logins + 1 >= $2::int THEN 0"
                     "   ELSE a.failed_logins + 1 END,"
                     " status = CASE WHEN a.failed_logins + 1 >= $2::int THEN 'locked'"
                     "   ELSE 'active' END,"
                     " locked_until = CASE WHEN a.failed_logins + 1 >= $2::int"
                     "   THEN now() + make_interval(secs => $3::bigint) ELSE NULL END"
                     " WHERE a.id = $1::uuid AND " GW_ACCOUNT_MAY_LOG_IN " RETURNING a.status",
                     3, params, &res, err);
    if (rc != CG_OK)
        goto cleanup;
    if (PQntuples(res) == 1 && strcmp(cg_db_get(res, 0, 0), "locked") == 0)
        cg_log_fields(CG_LOG_WARN, "account locked after repeated wrong passwords", "user_id",
                      account_id, NULL);

cleanup:
    PQclear(res);
    return rc;
}

/* The caller's password hash into stored (crypto_pwhash_STRBYTES bytes);
 * UNAUTHENTICATED when the account may not log in any more (locked or
 * disabled since the session was checked). */
static cg_code load_password_hash(gw_request *req, char *stored, size_t size, cg_err *err)
{
    cg_code rc;
    PGresult *res = NULL;

    const char *params[] = {req->who->id};
    rc = cg_db_query(req->app->base.db, GW_DB_ACQUIRE_MS,
                     "SELECT a.password_hash FROM accounts a WHERE a.id = $1::uuid"
                     " AND " GW_ACCOUNT_MAY_LOG_IN,
                     1, params, &res, err);
    if (rc != CG_OK)
        goto cleanup;
    if (PQntuples(res) != 1 || !cg_strlcpy(stored, cg_db_get(res, 0, 0), size)) {
        rc = cg_err_set(err, CG_UNAUTHENTICATED, "the token is not valid");
        goto cleanup;
    }
    rc = CG_OK;

cleanup:
    PQclear(res);
    return rc;
}

/* Store new_hash as the caller's password and revoke every other session of
 * the account, in one transaction: a password change is what someone does
 * who fears another holds their password, so that other's sessions end
 * with it. keep is the hash of the session that asked, which stays. */
static cg_code store_password(gw_request *req, const char *new_hash,
                              const uint8_t keep[GW_SESSION_KEY_LEN], cg_err *err)
{
    cg_code rc;
    PGconn *conn = NULL;
    PGresult *res = NULL;
    char keep_text[2 + 2 * GW_SESSION_KEY_LEN + 1] = "\\x";

    sodium_bin2hex(keep_text + 2, sizeof(keep_text) - 2, keep, GW_SESSION_KEY_LEN);
    rc = cg_db_take(req->app->base.db, GW_DB_ACQUIRE_MS, true, &conn, err);
    if (rc != CG_OK)
        goto cleanup;
    const char *params[] = {req->who->id, new_hash};
    rc = cg_db_exec(conn,
                    "UPDATE accounts a SET password_hash = $2, password_changed_at = now(),"
                    " failed_logins = 0 WHERE a.id = $1::uuid AND " GW_ACCOUNT_MAY_LOG_IN
                    " RETURNING 1",
                    2, params, &res, err);
    if (rc != CG_OK)
        goto cleanup;
    if (PQntuples(res) != 1) {
        rc = cg_err_set(err, CG_UNAUTHENTICATED, "the token is not valid");
        goto cleanup;
    }
    PQclear(res);
    res = NULL;
    const char *revoke_params[] = {req->who->id, keep_text};
    rc = cg_db_exec(conn,
                    "UPDATE sessions SET revoked_at = now() WHERE account_id = $1::uuid"
                    " AND token_hash <> $2::bytea AND revoked_at IS NULL",
                    2, revoke_params, NULL, err);
    if (rc != CG_OK)
        goto cleanup;
    rc = cg_db_commit(conn, err);

cleanup:
    PQclear(res);
    if (conn != NULL)
        cg_db_release(req->app->base.db, conn);
    return rc;
}

void gw_route_change_password(gw_request *req)
{
    cJSON *body = NULL;
    const char *current = NULL;
    const char *new_password = NULL;
    char stored[crypto_pwhash_STRBYTES] = "";
    char new_hash[crypto_pwhash_STRBYTES] = "";
    uint8_t key[GW_SESSION_KEY_LEN];
    bool match = false;
    bool allowed = false;
    cg_err err;

    cg_err_clear(&err);
    if (gw_http_read_json(req, &body) != CG_OK)
        goto cleanup;
    if (gw_map_password_change(body, &current, &new_password, &err) != CG_OK ||
        gw_password_policy_check(req->who->username, current, new_password, "new_password", &err) !=
            CG_OK ||
        gw_auth_request_key(req, key, &err) != CG_OK ||
        load_password_hash(req, stored, sizeof(stored), &err) != CG_OK ||
        gw_auth_verify_password(req->app->auth, stored, current, &match, &err) != CG_OK) {
        gw_http_send_err(req, &err);
        goto cleanup;
    }
    if (!match) {
        /* A stolen session must not become a way to guess the password at
         * leisure: a wrong current password counts toward the lockout like
         * a wrong one at login. */
        if (gw_account_login_result(req->app, req->who->id, false, &allowed, &err) != CG_OK) {
            gw_http_send_err(req, &err);
            goto cleanup;
        }
        cg_log_fields(CG_LOG_INFO, "password change refused: wrong current password", "user_id",
                      req->who->id, NULL);
        cg_err_clear(&err);
        cg_err_add_violation(&err, "current_password", "is not the current password");
        gw_http_send_err(req, &err);
        goto cleanup;
    }
    if (gw_auth_hash_password(new_password, new_hash, sizeof(new_hash), &err) != CG_OK ||
        store_password(req, new_hash, key, &err) != CG_OK) {
        gw_http_send_err(req, &err);
        goto cleanup;
    }
    /* The other sessions are revoked in the database; forget the cached
     * copies here and on every other replica. */
    gw_revoke_account(req->app, req->who->id);
    cg_log_fields(CG_LOG_INFO, "password changed", "user_id", req->who->id, NULL);
    gw_http_send_empty(req, 204);

cleanup:
    sodium_memzero(stored, sizeof(stored));
    sodium_memzero(new_hash, sizeof(new_hash));
    /* The body holds both passwords in clear. */
    gw_json_delete_wiped(body);
}
