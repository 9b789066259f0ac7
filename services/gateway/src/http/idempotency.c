/* Idempotency-Key on routes that create (see idempotency.h for what is
 * stored and why none of it is readable without the key).
 *
 * The first request with a key claims a row in state 'pending' with one
 * INSERT on the primary key, so of two requests with one key at the same
 * moment exactly one runs; the other finds the row pending and is answered
 * 409. The handler then runs without a database connection held; its answer
 * is sealed into the row, which becomes 'done', before the answer leaves,
 * so a repeat sent the moment the client has it already finds it. A server
 * error (5xx) is not kept: the row is removed, so a retry reaches the
 * service again with the same key, and the service's own record of it
 * (cg/idempotency.h) answers the first result when the first attempt
 * committed after all (a timeout, an audit row that could not be written).
 * This table is the fast path; the service's decides. A row
 * left pending by a process that died, or by a 5xx whose clean-up the
 * database refused, is taken over once it is older than the RPC timeout
 * plus a margin. */

/* The margin over the RPC timeout after which a pending claim is stale:
 * time for a handler's own database work and its audit record. */
#define STALE_MARGIN_S 5
#include <sodium.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cg/idempotency.h"
#include "cg/log.h"
#include "cg/util.h"
#include "gateway.h"
#include "idempotency.h"

/* "\x" and 64 hex digits: a digest as PostgreSQL's bytea text. */
#define DIGEST_TEXT (2 + 2 * GW_IDEM_DIGEST_LEN + 1)
/* Expired rows are swept at most this often per process. */
#define PRUNE_EVERY_MS 60000

static _Atomic int64_t last_prune_ms;

/* A claimed key: the request, its row and the key its answer is sealed
 * under. */
struct gw_capture {
    gw_request *req;
    char id_text[DIGEST_TEXT];
    uint8_t enc_key[GW_IDEM_DIGEST_LEN];
    bool answered; /* an answer was seen (and kept, or the claim dropped) */
};

static void finish(gw_capture *cap, int status, const char *content_type, const char *body,
                   size_t len);

void gw_capture_answer(gw_capture *cap, int status, const char *content_type, const char *body,
                       size_t len)
{
    if (cap->answered)
        return;
    cap->answered = true;
    finish(cap, status, content_type, body, len);
}

static void digest_text(const uint8_t d[GW_IDEM_DIGEST_LEN], char out[DIGEST_TEXT])
{
    out[0] = '\\';
    out[1] = 'x';
    sodium_bin2hex(out + 2, DIGEST_TEXT - 2, d, GW_IDEM_DIGEST_LEN);
}

/* 400 for a key the route cannot use. */
static bool key_usable(gw_request *req, const char *key)
{
    cg_err err;
    cg_err_clear(&err);
    if (!gw_idempotency_key_valid(key))
        cg_err_add_violation(&err, "Idempotency-Key",
                             "must be 1 to %d printable characters without spaces",
                             GW_IDEMPOTENCY_KEY_MAX);
    else if (req->who == NULL && strlen(key) < GW_IDEM_PUBLIC_KEY_MIN)
        cg_err_add_violation(&err, "Idempotency-Key",
                             "must be at least %d characters on a route without a login "
                             "(send a random UUID)",
                             GW_IDEM_PUBLIC_KEY_MIN);
    if (err.code == CG_OK)
        return true;
    gw_http_send_err(req, &err);
    return false;
}

/* Claim the key: true when this request owns the row and runs. */
static cg_code claim(gw_request *req, PGconn *conn, const char *id, const char *rh, bool *owned,
                     cg_err *err)
{
    PGresult *res = NULL;
    char stale_s[24];
    /* A pending row older than any request can run belonged to a process
     * that died: take it over. */
    /* Short: a claim a failed request could not remove (the database was
     * down when it answered 5xx) would otherwise answer "still running" to
     * every retry for long after nothing runs. Taking over a claim whose
     * request does still run is safe: the service's own record of the key
     * lets only one of them create the record. */
    snprintf(stale_s, sizeof(stale_s), "%ld", req->app->rpc_timeout_ms / 1000 + STALE_MARGIN_S);
    const char *params[] = {id, rh, stale_s};
    cg_code rc = cg_db_exec(
        conn,
        "INSERT INTO idempotency_keys AS k (key_hash, request_hash, state, expires_at)"
        " VALUES ($1::bytea, $2::bytea, 'pending', now() + interval '24 hours')"
        " ON CONFLICT (key_hash) DO UPDATE SET request_hash = EXCLUDED.request_hash,"
        " state = 'pending', status = NULL, content_type = NULL, answer = NULL,"
        " created_at = now(), expires_at = EXCLUDED.expires_at"
        " WHERE k.expires_at <= now()"
        " OR (k.state = 'pending' AND k.created_at < now() - make_interval(secs => $3::int))"
        " RETURNING 1",
        3, params, &res, err);
    if (rc == CG_OK)
        *owned = PQntuples(res) == 1;
    PQclear(res);
    return rc;
}

/* Answer a request whose key was claimed before: replay, 422 or 409. */
static void answer_repeat(gw_request *req, PGconn *conn, const char *id, const char *rh,
                          const uint8_t enc_key[GW_IDEM_DIGEST_LEN])
{
    PGresult *res = NULL;
    uint8_t *sealed = NULL;
    char *plain = NULL;
    size_t sealed_len = 0, plain_len = 0;
    cg_err err;

    cg_err_clear(&err);
    const char *params[] = {id, rh};
    if (cg_db_exec(conn,
                   "SELECT request_hash = $2::bytea, state, status, content_type,"
                   " encode(answer, 'hex') FROM idempotency_keys"
                   " WHERE key_hash = $1::bytea AND expires_at > now()",
                   2, params, &res, &err) != CG_OK) {
        gw_http_send_err(req, &err);
        goto cleanup;
    }
    if (PQntuples(res) == 1 && strcmp(cg_db_get(res, 0, 0), "t") != 0) {
        gw_http_send_problem(req, 422, "IDEMPOTENCY_KEY_REUSED", CG_IDEM_REUSED, NULL, NULL);
        goto cleanup;
    }
    if (PQntuples(res) != 1 || strcmp(cg_db_get(res, 0, 1), "done") != 0) {
        /* Still running (or gone this very moment): the client retries. */
        cg_strlcpy(req->extra_headers, "Retry-After: 1\r\n", sizeof(req->extra_headers));
        gw_http_send_problem(req, 409, "IDEMPOTENCY_KEY_IN_USE",
                             "a request with this Idempotency-Key is still running; try again",
                             NULL, NULL);
        goto cleanup;
    }
    const char *hex = cg_db_get(res, 0, 4);
    size_t hex_len = strlen(hex);
    sealed = malloc(hex_len / 2 + 1);
    if (sealed == NULL ||
        sodium_hex2bin(sealed, hex_len / 2 + 1, hex, hex_len, NULL, &sealed_len, NULL) != 0 ||
        cg_idem_open(enc_key, sealed, sealed_len, &plain, &plain_len, &err) != CG_OK) {
        if (err.code == CG_OK)
            cg_err_set(&err, CG_INTERNAL, "stored answer cannot be read");
        gw_http_send_err(req, &err);
        goto cleanup;
    }
    gw_http_send_replay(req, (int)cg_db_get_ll(res, 0, 2), cg_db_get(res, 0, 3), plain, plain_len);

cleanup:
    /* The answer may hold a receipt. */
    if (plain != NULL)
        sodium_memzero(plain, plain_len);
    free(plain);
    free(sealed);
    PQclear(res);
}

/* Keep the answer about to be sent (or drop the claim on a server error),
 * and now and then sweep expired rows. Failures are logged: the client gets
 * its answer all the same, and a row left pending is taken over later. */
static void finish(gw_capture *cap, int status, const char *content_type, const char *body,
                   size_t len)
{
    gw_request *req = cap->req;
    PGconn *conn = NULL;
    uint8_t *sealed = NULL;
    char *hex = NULL;
    size_t sealed_len = 0;
    char status_text[16];
    cg_err err;

    cg_err_clear(&err);
    conn = cg_db_acquire(req->app->base.db, GW_DB_ACQUIRE_MS, &err);
    if (conn == NULL)
        goto cleanup;
    if (status >= 500) {
        const char *params[] = {cap->id_text};
        cg_db_exec(conn, "DELETE FROM idempotency_keys WHERE key_hash = $1::bytea", 1, params, NULL,
                   &err);
        goto cleanup;
    }
    if (cg_idem_seal(cap->enc_key, body, len, &sealed, &sealed_len, &err) != CG_OK)
        goto cleanup;
    hex = malloc(2 * sealed_len + 3);
    if (hex == NULL) {
        cg_err_set(&err, CG_INTERNAL, "out of memory");
        goto cleanup;
    }
    hex[0] = '\\';
    hex[1] = 'x';
    sodium_bin2hex(hex + 2, 2 * sealed_len + 1, sealed, sealed_len);
    snprintf(status_text, sizeof(status_text), "%d", status);
    const char *params[] = {cap->id_text, status_text, content_type ? content_type : "", hex};
    cg_db_exec(conn,
               "UPDATE idempotency_keys SET state = 'done', status = $2::int,"
               " content_type = $3, answer = $4::bytea WHERE key_hash = $1::bytea",
               4, params, NULL, &err);

    int64_t now = cg_mono_ms();
    int64_t last = atomic_load(&last_prune_ms);
    if (err.code == CG_OK && now - last >= PRUNE_EVERY_MS &&
        atomic_compare_exchange_strong(&last_prune_ms, &last, now))
        cg_db_exec(conn, "DELETE FROM idempotency_keys WHERE expires_at <= now()", 0, NULL, NULL,
                   &err);

cleanup:
    if (err.code != CG_OK)
        cg_log_warn("idempotency key not kept: %s", err.message);
    free(hex);
    free(sealed);
    if (conn != NULL)
        cg_db_release(req->app->base.db, conn);
}

void gw_idempotency_run(gw_request *req, const gw_route *route)
{
    const char *key = gw_http_header(req, "Idempotency-Key");
    char scope[64];
    uint8_t id[GW_IDEM_DIGEST_LEN], rh[GW_IDEM_DIGEST_LEN];
    char rh_text[DIGEST_TEXT];
    char *body = NULL;
    size_t len = 0;
    PGconn *conn = NULL;
    gw_capture cap = {.req = req};
    bool owned = false;
    cg_err err;

    if (!route->idempotent || key == NULL) {
        gw_route_call(req, route);
        return;
    }
    cg_err_clear(&err);
    if (!key_usable(req, key) || gw_http_read_body(req, &body, &len) != CG_OK)
        goto cleanup;
    snprintf(scope, sizeof(scope), "%s%s", req->who ? "account:" : "public",
             req->who ? req->who->id : "");
    gw_idem_derive(scope, key, id, cap.enc_key);
    gw_idem_request_hash(scope, key, req->method, req->path, body, len, rh);
    digest_text(id, cap.id_text);
    digest_text(rh, rh_text);

    conn = cg_db_acquire(req->app->base.db, GW_DB_ACQUIRE_MS, &err);
    if (conn == NULL || claim(req, conn, cap.id_text, rh_text, &owned, &err) != CG_OK) {
        gw_http_send_err(req, &err);
        goto cleanup;
    }
    if (!owned) {
        answer_repeat(req, conn, cap.id_text, rh_text, cap.enc_key);
        goto cleanup;
    }
    /* The handler takes connections of its own; do not hold one meanwhile. */
    cg_db_release(req->app->base.db, conn);
    conn = NULL;
    req->body = body;
    req->body_len = len;
    req->capture = &cap;
    gw_route_call(req, route);
    req->capture = NULL;
    req->body = NULL;
    /* Every path answers; should none have, the claim must not stay. */
    if (!cap.answered)
        finish(&cap, 500, NULL, NULL, 0);

cleanup:
    if (conn != NULL)
        cg_db_release(req->app->base.db, conn);
    sodium_memzero(cap.enc_key, sizeof(cap.enc_key));
    if (body != NULL)
        sodium_memzero(body, len);
    free(body);
}
