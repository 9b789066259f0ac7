/* Accounts, passwords and sessions.
 *
 * Passwords are argon2id hashes (libsodium's interactive limits). A session
 * token is 32 random bytes sent to the client as unpadded base64url; the
 * database keeps only its BLAKE2b hash, so a copy of the sessions table
 * cannot be replayed. Nothing here logs a password, a token or a hash. */
#include <errno.h>
#include <semaphore.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cg/log.h"
#include "cg/util.h"
#include "accounts.h"
#include "gateway.h"
#include "login_guard.h"
#include "ratelimit.h"
#include "revocation.h"
#include "session_cache.h"
#include "web_session.h"

/* argon2id at the interactive limits takes 64 MiB for each hash in flight;
 * a burst of logins on every HTTP thread at once would take a gigabyte, so
 * only this many run at a time and the rest wait their turn. */
#define HASH_SLOTS 4
#define HASH_WAIT_S 10

/* Sessions the cache holds at most (about 2.2 KiB each, resident only once
 * used). Past that, sessions share slots and the later one wins; the other
 * is looked up in the database again. */
#define SESSION_CACHE_SLOTS 1024
/* Account and address pairs with wrong passwords remembered at once. */
#define LOGIN_GUARD_SLOTS 4096

struct gw_auth {
    gw_app *app;
    gw_session_cache *sessions;
    gw_login_guard *guard; /* wrong passwords per account and address */
    sem_t hash_slots;
    /* Verified against when the username is unknown, so a wrong username
     * takes as long as a wrong password and does not reveal which it was. */
    char dummy_hash[crypto_pwhash_STRBYTES];
};

/* The hex text PostgreSQL reads as bytea: "\x" and 64 hex digits. */
#define TOKEN_HASH_TEXT (2 + 2 * crypto_generichash_BYTES + 1)

_Static_assert(GW_SESSION_KEY_LEN == crypto_generichash_BYTES, "the cache key is the token hash");

/* The token's BLAKE2b hash: the sessions table's key and the cache's. */
static void token_hash(const char *token, size_t len, uint8_t out[GW_SESSION_KEY_LEN])
{
    crypto_generichash(out, GW_SESSION_KEY_LEN, (const unsigned char *)token, len, NULL, 0);
}

static void hash_text(const uint8_t hash[GW_SESSION_KEY_LEN], char out[TOKEN_HASH_TEXT])
{
    out[0] = '\\';
    out[1] = 'x';
    sodium_bin2hex(out + 2, TOKEN_HASH_TEXT - 2, hash, GW_SESSION_KEY_LEN);
}

/* Take a hashing slot; false when none freed up in time. */
static bool hash_slot_take(gw_auth *auth)
{
    struct timespec deadline;
    clock_gettime(CLOCK_REALTIME, &deadline);
    deadline.tv_sec += HASH_WAIT_S;
    while (sem_timedwait(&auth->hash_slots, &deadline) != 0) {
        if (errno != EINTR)
            return false;
    }
    return true;
}

cg_code gw_auth_hash_password(const char *password, char *out, size_t out_size, cg_err *err)
{
    if (out_size < crypto_pwhash_STRBYTES)
        return cg_err_set(err, CG_INTERNAL, "password hash buffer too small");
    if (crypto_pwhash_str(out, password, strlen(password), crypto_pwhash_OPSLIMIT_INTERACTIVE,
                          crypto_pwhash_MEMLIMIT_INTERACTIVE) != 0)
        return cg_err_set(err, CG_UNAVAILABLE, "out of memory while hashing a password");
    return CG_OK;
}

cg_code gw_auth_create(gw_auth **out, gw_app *app, cg_err *err)
{
    cg_code rc = CG_INTERNAL;
    gw_auth *auth = NULL;
    bool sem_ready = false;
    char random_password[33];

    *out = NULL;
    auth = calloc(1, sizeof(*auth));
    if (auth == NULL) {
        cg_err_set(err, CG_INTERNAL, "out of memory");
        goto cleanup;
    }
    auth->app = app;
    if (sem_init(&auth->hash_slots, 0, HASH_SLOTS) != 0) {
        cg_err_set(err, CG_INTERNAL, "sem_init: %s", strerror(errno));
        goto cleanup;
    }
    sem_ready = true;
    rc = gw_session_cache_create(&auth->sessions, SESSION_CACHE_SLOTS, app->session_cache_ms, err);
    if (rc == CG_OK)
        rc = gw_login_guard_create(&auth->guard, LOGIN_GUARD_SLOTS, app->login_max_failures,
                                   (int64_t)app->login_lockout_s * 1000, err);
    if (rc != CG_OK)
        goto cleanup;
    /* A password nobody knows: the dummy hash must never verify. */
    cg_random_digits(random_password, sizeof(random_password) - 1);
    rc = gw_auth_hash_password(random_password, auth->dummy_hash, sizeof(auth->dummy_hash), err);
    sodium_memzero(random_password, sizeof(random_password));
    if (rc != CG_OK)
        goto cleanup;
    *out = auth;
    auth = NULL;

cleanup:
    if (auth != NULL && sem_ready)
        sem_destroy(&auth->hash_slots);
    if (auth != NULL)
        gw_session_cache_destroy(auth->sessions);
    free(auth);
    return rc;
}

void gw_auth_destroy(gw_auth *auth)
{
    if (auth == NULL)
        return;
    sem_destroy(&auth->hash_slots);
    gw_session_cache_destroy(auth->sessions);
    gw_login_guard_destroy(auth->guard);
    free(auth);
}

/* The account columns every query below selects first, in this order. */
#define ACCOUNT_COLUMNS                                                                            \
    "a.id::text, a.username, a.display_name, array_to_string(a.roles, ','), o.code, o.name,"       \
    " o.name_zh, o.path::text, coalesce(a.person_id, '')"
#define ACCOUNT_NCOLS 9

/* Fill who from an account row. False when a field does not fit: a cut
 * org path would be another, wider scope (cut before a dot it is the
 * parent's), so such an account must not be used at all. */
static bool principal_from_row(const PGresult *res, int row, gw_principal *who)
{
    bool whole = true;
    whole &= cg_strlcpy(who->id, cg_db_get(res, row, 0), sizeof(who->id));
    whole &= cg_strlcpy(who->username, cg_db_get(res, row, 1), sizeof(who->username));
    cg_strlcpy(who->display_name, cg_db_get(res, row, 2), sizeof(who->display_name));
    whole &= gw_principal_set_roles(who, cg_db_get(res, row, 3));
    whole &= cg_strlcpy(who->org_code, cg_db_get(res, row, 4), sizeof(who->org_code));
    cg_strlcpy(who->org_name, cg_db_get(res, row, 5), sizeof(who->org_name));
    cg_strlcpy(who->org_name_zh, cg_db_get(res, row, 6), sizeof(who->org_name_zh));
    whole &= cg_strlcpy(who->org_path, cg_db_get(res, row, 7), sizeof(who->org_path));
    whole &= cg_strlcpy(who->person_id, cg_db_get(res, row, 8), sizeof(who->person_id));
    if (!whole)
        cg_log_fields(CG_LOG_ERROR, "account refused: a field is too long to hold", "account_id",
                      who->id, NULL);
    return whole;
}

cJSON *gw_auth_user_json(const gw_principal *who)
{
    cJSON *user = cJSON_CreateObject();
    bool ok = user != NULL && cJSON_AddStringToObject(user, "id", who->id) != NULL &&
              cJSON_AddStringToObject(user, "username", who->username) != NULL &&
              cJSON_AddStringToObject(user, "display_name", who->display_name) != NULL &&
              gw_json_add_name_list(user, "roles", who->role_list) &&
              (who->person_id[0] != '\0'
                   ? cJSON_AddStringToObject(user, "person_id", who->person_id) != NULL
                   : cJSON_AddNullToObject(user, "person_id") != NULL);
    cJSON *org = ok ? cJSON_AddObjectToObject(user, "org_unit") : NULL;
    ok = ok && org != NULL && cJSON_AddStringToObject(org, "code", who->org_code) != NULL &&
         cJSON_AddStringToObject(org, "name", who->org_name) != NULL &&
         cJSON_AddStringToObject(org, "name_zh", who->org_name_zh) != NULL &&
         cJSON_AddStringToObject(org, "path", who->org_path) != NULL;
    if (!ok) {
        cJSON_Delete(user);
        return NULL;
    }
    return user;
}

cg_code gw_auth_request_key(gw_request *req, uint8_t key[GW_SESSION_KEY_LEN], cg_err *err)
{
    const char *token = NULL;
    /* The bearer header first; the web console's cookie otherwise
     * (web_session.h). */
    if (!gw_bearer_token(gw_http_header(req, "Authorization"), &token) &&
        !gw_cookie_token(gw_http_header(req, "Cookie"), &token))
        return cg_err_set(err, CG_UNAUTHENTICATED, "a bearer token is required");
    token_hash(token, GW_TOKEN_LEN, key);
    return CG_OK;
}

/* Look the bearer token of req up, in the session cache first, then in the
 * database. On CG_OK *who is the live session's account; CG_UNAUTHENTICATED
 * when the token is missing, malformed, unknown, expired, revoked or its
 * account disabled (as the database said at most CG_SESSION_CACHE_MS ago). */
static cg_code lookup_session(gw_request *req, gw_principal *who, cg_err *err)
{
    cg_code rc;
    gw_session_cache *sessions = req->app->auth->sessions;
    uint8_t key[GW_SESSION_KEY_LEN];
    char text[TOKEN_HASH_TEXT];
    uint64_t epoch = 0;
    PGresult *res = NULL;

    rc = gw_auth_request_key(req, key, err);
    if (rc != CG_OK)
        goto cleanup;
    int64_t asked_ms = cg_mono_ms();
    if (gw_session_cache_get(sessions, key, asked_ms, who, &epoch)) {
        rc = CG_OK;
        goto cleanup;
    }
    hash_text(key, text);
    /* What is left of the session comes from the database's clock, the one
     * that decides expiry, so a gateway clock that is off changes nothing. */
    char idle[24];
    snprintf(idle, sizeof(idle), "%ld", req->app->session_idle_s);
    const char *params[] = {text, idle};
    /* A session ends at expires_at (absolute) or CG_SESSION_IDLE_S after
     * last_seen_at, whichever comes first. The idle clock moves forward in
     * the same statement, but only when it is more than a minute behind:
     * a busy session costs one write a minute, not one per request. */
    rc = cg_db_query(req->app->base.db, GW_DB_ACQUIRE_MS,
                     "WITH live AS (SELECT " ACCOUNT_COLUMNS ","
                     " (extract(epoch FROM least(s.expires_at, s.last_seen_at"
                     "   + make_interval(secs => $2::bigint)) - now()) * 1000)::bigint"
                     " FROM sessions s"
                     " JOIN accounts a ON a.id = s.account_id"
                     " JOIN org_units o ON o.code = a.org_unit"
                     " WHERE s.token_hash = $1::bytea AND s.revoked_at IS NULL"
                     " AND s.expires_at > now()"
                     " AND s.last_seen_at > now() - make_interval(secs => $2::bigint)"
                     " AND " GW_ACCOUNT_SESSIONS_LIVE "),"
                     " touched AS (UPDATE sessions SET last_seen_at = now()"
                     " WHERE token_hash = $1::bytea AND last_seen_at < now() - interval '1 minute'"
                     " AND EXISTS (SELECT 1 FROM live))"
                     " SELECT * FROM live",
                     2, params, &res, err);
    if (rc != CG_OK)
        goto cleanup;
    if (PQntuples(res) != 1) {
        rc = cg_err_set(err, CG_UNAUTHENTICATED, "the token is not valid");
        goto cleanup;
    }
    if (!principal_from_row(res, 0, who)) {
        rc = cg_err_set(err, CG_UNAUTHENTICATED, "the token is not valid");
        goto cleanup;
    }
    gw_session_cache_put(sessions, key, who, asked_ms, cg_db_get_ll(res, 0, ACCOUNT_NCOLS), epoch);
    rc = CG_OK;

cleanup:
    PQclear(res);
    return rc;
}

cg_code gw_auth_authenticate(gw_request *req, gw_principal *who, cg_err *err)
{
    const char *token = NULL;
    cg_code rc = lookup_session(req, who, err);
    if (rc != CG_OK)
        return rc;
    /* Checked once the session is known to exist, so a forged cookie is a
     * 401 like a forged bearer token. */
    if (!gw_bearer_token(gw_http_header(req, "Authorization"), &token) &&
        gw_cookie_token(gw_http_header(req, "Cookie"), &token) &&
        gw_method_changes_state(req->method) &&
        !gw_csrf_valid(token, gw_http_header(req, GW_CSRF_HEADER)))
        return cg_err_set(err, CG_PERMISSION_DENIED,
                          "a state-changing request with the session cookie needs the "
                          "X-CSRF-Token header that login answered");
    return CG_OK;
}

cg_code gw_call_context(Cleangrid__V1__CallContext *ctx, gw_request *req, cg_err *err)
{
    const gw_principal *who = req->who;
    ctx->request_id = req->request_id;
    if (who != NULL) {
        ctx->actor_user_id = (char *)who->id;
        for (int i = 0; i < who->nroles; i++)
            req->ctx_roles[i] = (char *)who->roles[i];
        ctx->roles = req->ctx_roles;
        ctx->n_roles = (size_t)who->nroles;
        ctx->org_scope_path = (char *)who->org_path;
        ctx->actor_person_id = (char *)who->person_id;
        ctx->actor_name = (char *)who->display_name;
    }
    const char *key = gw_http_header(req, "Idempotency-Key");
    if (key != NULL) {
        if (!gw_idempotency_key_valid(key)) {
            cg_err_add_violation(err, "Idempotency-Key",
                                 "must be 1 to %d printable characters without spaces",
                                 GW_IDEMPOTENCY_KEY_MAX);
            return err->code;
        }
        ctx->idempotency_key = (char *)key;
    }
    return CG_OK;
}

/* --- login ------------------------------------------------------------------ */

/* Check username and password. On CG_OK *who is the account. A wrong
 * username, a wrong password, a locked and a disabled account are all the
 * same UNAUTHENTICATED after the same amount of hashing work: the answer
 * tells nobody whether the account exists or is locked. A wrong password
 * for an account that may log in counts toward the lockout (accounts.c). */
static cg_code check_password(gw_request *req, const char *username, const char *password,
                              gw_principal *who, cg_err *err)
{
    cg_code rc = CG_UNAUTHENTICATED;
    gw_auth *auth = req->app->auth;
    PGresult *res = NULL;
    char stored[crypto_pwhash_STRBYTES] = "";
    bool found = false;
    bool may_log_in = false;
    bool allowed = false;
    char client[GW_ADDR_MAX];

    const char *params[] = {username};
    /* Hashing takes tens of milliseconds: the connection is given back
     * before it. */
    rc = cg_db_query(req->app->base.db, GW_DB_ACQUIRE_MS,
                     "SELECT " ACCOUNT_COLUMNS ", a.password_hash, " GW_ACCOUNT_MAY_LOG_IN
                     " FROM accounts a"
                     " JOIN org_units o ON o.code = a.org_unit WHERE a.username = $1",
                     1, params, &res, err);
    if (rc != CG_OK)
        goto cleanup;
    if (PQntuples(res) == 1) {
        /* An account that cannot be held whole is treated as unknown. */
        found = principal_from_row(res, 0, who) &&
                cg_strlcpy(stored, cg_db_get(res, 0, ACCOUNT_NCOLS), sizeof(stored));
        may_log_in = strcmp(cg_db_get(res, 0, ACCOUNT_NCOLS + 1), "t") == 0;
    }
    PQclear(res);
    res = NULL;

    /* An address locked out of this account is refused like a wrong
     * password, after the same hashing. */
    gw_limits_client(req, client);
    bool shut_out = found && gw_login_guard_locked(auth->guard, who->id, client, cg_mono_ms());
    if (!hash_slot_take(auth)) {
        rc = cg_err_set(err, CG_UNAVAILABLE, "too many logins at once; try again");
        goto cleanup;
    }
    const char *hash = found ? stored : auth->dummy_hash;
    bool match = crypto_pwhash_str_verify(hash, password, strlen(password)) == 0;
    sem_post(&auth->hash_slots);

    if (found && may_log_in && !shut_out) {
        rc = gw_account_login_result(req->app, who->id, match, &allowed, err);
        if (rc != CG_OK)
            goto cleanup;
        if (!match && gw_login_guard_failed(auth->guard, who->id, client, cg_mono_ms()))
            /* The account id only: the address is never logged. */
            cg_log_fields(CG_LOG_WARN,
                          "one address locked out of an account after repeated wrong "
                          "passwords",
                          "user_id", who->id, NULL);
        else if (allowed)
            gw_login_guard_succeeded(auth->guard, who->id, client);
    }
    if (!allowed) {
        rc = cg_err_set(err, CG_UNAUTHENTICATED, "wrong username or password");
        goto cleanup;
    }
    rc = CG_OK;

cleanup:
    sodium_memzero(stored, sizeof(stored));
    sodium_memzero(client, sizeof(client));
    PQclear(res);
    return rc;
}

/* Create a session for who. On CG_OK token holds the new token (the only
 * copy there will ever be) and *expires_ms its expiry. */
static cg_code create_session(gw_request *req, const gw_principal *who,
                              char token[GW_TOKEN_LEN + 1], int64_t *expires_ms, cg_err *err)
{
    cg_code rc = CG_INTERNAL;
    unsigned char raw[32];
    uint8_t key[GW_SESSION_KEY_LEN];
    char text[TOKEN_HASH_TEXT];
    char ttl[24];
    PGconn *conn = NULL;
    PGresult *res = NULL;

    randombytes_buf(raw, sizeof(raw));
    sodium_bin2base64(token, GW_TOKEN_LEN + 1, raw, sizeof(raw),
                      sodium_base64_VARIANT_URLSAFE_NO_PADDING);
    sodium_memzero(raw, sizeof(raw));
    token_hash(token, GW_TOKEN_LEN, key);
    hash_text(key, text);
    snprintf(ttl, sizeof(ttl), "%ld", req->app->session_max_s);

    rc = cg_db_take(req->app->base.db, GW_DB_ACQUIRE_MS, false, &conn, err);
    if (rc != CG_OK)
        goto cleanup;
    const char *params[] = {text, who->id, ttl};
    rc = cg_db_exec(conn,
                    "INSERT INTO sessions (token_hash, account_id, expires_at)"
                    " VALUES ($1::bytea, $2::uuid, now() + make_interval(secs => $3::bigint))"
                    " RETURNING (extract(epoch FROM expires_at) * 1000)::bigint",
                    3, params, &res, err);
    if (rc != CG_OK)
        goto cleanup;
    *expires_ms = cg_db_get_ll(res, 0, 0);
    PQclear(res);
    res = NULL;

    /* Sessions long past their expiry are of no use to anyone; logins are
     * rare enough that sweeping here costs nothing noticeable. A failure
     * only leaves the rows for the next login. */
    cg_err sweep_err;
    cg_err_clear(&sweep_err);
    if (cg_db_exec(conn, "DELETE FROM sessions WHERE expires_at < now() - interval '1 day'", 0,
                   NULL, NULL, &sweep_err) != CG_OK)
        cg_log_warn("could not remove expired sessions: %s", sweep_err.message);

cleanup:
    sodium_memzero(key, sizeof(key));
    sodium_memzero(text, sizeof(text));
    PQclear(res);
    if (conn != NULL)
        cg_db_release(req->app->base.db, conn);
    return rc;
}

void gw_route_login(gw_request *req)
{
    cJSON *body = NULL;
    cJSON *reply = NULL;
    cJSON *user = NULL;
    const char *username = NULL;
    const char *password = NULL;
    /* Zeroed: an empty id after a refusal means no account had the name. */
    gw_principal who = {0};
    char token[GW_TOKEN_LEN + 1] = "";
    char csrf[GW_CSRF_LEN + 1] = "";
    char cookie[GW_COOKIE_HEADER_MAX] = "";
    int64_t expires_ms = 0;
    cg_err err;

    cg_err_clear(&err);
    if (gw_http_read_json(req, &body) != CG_OK)
        goto cleanup;
    if (gw_map_login(body, &username, &password, &err) != CG_OK) {
        gw_http_send_err(req, &err);
        goto cleanup;
    }
    if (check_password(req, username, password, &who, &err) != CG_OK) {
        /* No username here: people type passwords into the username box. */
        if (err.code == CG_UNAUTHENTICATED)
            cg_log_info("login refused");
        /* The audit row names the account only when the name is one: a
         * name that matches no account may be a password typed into the
         * wrong box, so it is not recorded. */
        if (who.id[0] != '\0')
            gw_audit_set_actor(req, &who);
        gw_http_send_err(req, &err);
        goto cleanup;
    }
    gw_audit_set_actor(req, &who);
    if (create_session(req, &who, token, &expires_ms, &err) != CG_OK) {
        gw_http_send_err(req, &err);
        goto cleanup;
    }
    cg_log_fields(CG_LOG_INFO, "login", "user_id", who.id, "roles", who.role_list, NULL);
    /* The web console keeps the token in an HttpOnly cookie; API clients
     * use the token of the body and ignore both. */
    gw_csrf_token(token, csrf);
    gw_session_cookie_header(token, cookie);
    cg_strlcpy(req->extra_headers, cookie, sizeof(req->extra_headers));
    reply = cJSON_CreateObject();
    user = gw_auth_user_json(&who);
    bool built = reply != NULL && user != NULL &&
                 cJSON_AddStringToObject(reply, "token", token) != NULL &&
                 cJSON_AddStringToObject(reply, "csrf_token", csrf) != NULL &&
                 gw_json_add_time(reply, "expires_at", expires_ms) &&
                 cJSON_AddItemToObject(reply, "user", user);
    if (built)
        user = NULL; /* owned by reply now */
    gw_http_send_json(req, 200, built ? reply : NULL);

cleanup:
    sodium_memzero(token, sizeof(token));
    sodium_memzero(csrf, sizeof(csrf));
    sodium_memzero(cookie, sizeof(cookie));
    cJSON_Delete(user);
    /* The reply holds the token and the body the password, in clear. */
    gw_json_delete_wiped(reply);
    gw_json_delete_wiped(body);
}

void gw_route_logout(gw_request *req)
{
    uint8_t key[GW_SESSION_KEY_LEN];
    char text[TOKEN_HASH_TEXT];
    PGconn *conn = NULL;
    cg_code rc;
    cg_err err;

    cg_err_clear(&err);
    /* The dispatcher has checked the token; this only needs its hash. */
    if (gw_auth_request_key(req, key, &err) != CG_OK) {
        gw_http_send_err(req, &err);
        goto cleanup;
    }
    conn = cg_db_acquire(req->app->base.db, GW_DB_ACQUIRE_MS, &err);
    if (conn == NULL) {
        gw_http_send_err(req, &err);
        goto cleanup;
    }
    hash_text(key, text);
    const char *params[] = {text};
    rc = cg_db_exec(conn,
                    "UPDATE sessions SET revoked_at = now()"
                    " WHERE token_hash = $1::bytea AND revoked_at IS NULL",
                    1, params, NULL, &err);
    /* After the revocation is committed and before the client hears of it:
     * a lookup that read the session before the UPDATE cannot cache it any
     * more, and one that starts now finds it revoked. The other replicas
     * hear of it over NATS (revocation.h). */
    gw_revoke_token(req->app, key);
    if (rc != CG_OK) {
        gw_http_send_err(req, &err);
        goto cleanup;
    }
    cg_log_fields(CG_LOG_INFO, "logout", "user_id", req->who->id, NULL);
    /* A browser drops its cookie; for an API client the line is inert. */
    gw_session_cookie_header(NULL, req->extra_headers);
    gw_http_send_empty(req, 204);

cleanup:
    if (conn != NULL)
        cg_db_release(req->app->base.db, conn);
}

cg_code gw_auth_verify_password(gw_auth *auth, const char *stored, const char *password,
                                bool *match, cg_err *err)
{
    *match = false;
    if (!hash_slot_take(auth))
        return cg_err_set(err, CG_UNAVAILABLE, "too many logins at once; try again");
    *match = crypto_pwhash_str_verify(stored, password, strlen(password)) == 0;
    sem_post(&auth->hash_slots);
    return CG_OK;
}

void gw_auth_forget_account(gw_app *app, const char *account_id)
{
    gw_session_cache_evict_account(app->auth->sessions, account_id);
}

void gw_auth_forget_scopes(gw_app *app)
{
    gw_session_cache_evict_all(app->auth->sessions);
    gw_org_cache_clear(app->org_cache);
}

void gw_auth_forget_token(gw_app *app, const uint8_t key[GW_SESSION_KEY_LEN])
{
    gw_session_cache_evict(app->auth->sessions, key);
}

void gw_route_me(gw_request *req)
{
    cJSON *user = gw_auth_user_json(req->who);
    gw_http_send_json(req, 200, user);
    cJSON_Delete(user);
}
