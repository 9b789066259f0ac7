/* Idempotency-Key in the service (see cg/idempotency.h for what is stored
 * and why none of it is readable without the key). */
#include "cg/idempotency.h"

#include <sodium.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cg/db.h"
#include "cg/log.h"
#include "cg/util.h"

/* Expired rows are swept at most this often per process. */
#define SWEEP_EVERY_MS 60000

_Static_assert(CG_IDEM_DIGEST_LEN == crypto_secretbox_KEYBYTES, "the reply key is a secretbox key");
_Static_assert(CG_IDEM_DIGEST_LEN >= crypto_generichash_KEYBYTES_MIN &&
                   CG_IDEM_DIGEST_LEN <= crypto_generichash_KEYBYTES_MAX,
               "the secret keys BLAKE2b");

static _Atomic int64_t last_sweep_ms;

void cg_idem_secret(const uint8_t *secret, size_t len, uint8_t out[CG_IDEM_DIGEST_LEN])
{
    static const char label[] = "cleangrid service idempotency secret";
    size_t keylen = len < crypto_generichash_KEYBYTES_MAX ? len : crypto_generichash_KEYBYTES_MAX;
    crypto_generichash(out, CG_IDEM_DIGEST_LEN, (const unsigned char *)label, sizeof label - 1,
                       secret, keylen);
}

void cg_idem_scope(const Cleangrid__V1__CallContext *ctx, char *out, size_t n)
{
    const char *user = ctx != NULL ? ctx->actor_user_id : NULL;
    if (user != NULL && user[0] != '\0')
        snprintf(out, n, "account:%s", user);
    else
        snprintf(out, n, "public");
}

/* BLAKE2b keyed with secret over a label, the scope and the key, with NUL
 * separators so that ("a", "bc") and ("ab", "c") differ. */
static void digest3(const uint8_t secret[CG_IDEM_DIGEST_LEN], const char *label, const char *scope,
                    const char *key, uint8_t out[CG_IDEM_DIGEST_LEN])
{
    crypto_generichash_state st;
    crypto_generichash_init(&st, secret, CG_IDEM_DIGEST_LEN, CG_IDEM_DIGEST_LEN);
    crypto_generichash_update(&st, (const unsigned char *)label, strlen(label) + 1);
    crypto_generichash_update(&st, (const unsigned char *)scope, strlen(scope) + 1);
    crypto_generichash_update(&st, (const unsigned char *)key, strlen(key));
    crypto_generichash_final(&st, out, CG_IDEM_DIGEST_LEN);
    sodium_memzero(&st, sizeof st);
}

void cg_idem_derive(const uint8_t secret[CG_IDEM_DIGEST_LEN], const char *scope, const char *key,
                    uint8_t id[CG_IDEM_DIGEST_LEN], uint8_t seal_key[CG_IDEM_DIGEST_LEN])
{
    digest3(secret, "cleangrid service idempotency row", scope, key, id);
    digest3(secret, "cleangrid service idempotency reply key", scope, key, seal_key);
}

cg_code cg_idem_request_hash(const char *method, const ProtobufCMessage *request,
                             uint8_t out[CG_IDEM_DIGEST_LEN], cg_err *err)
{
    const ProtobufCFieldDescriptor *f =
        protobuf_c_message_descriptor_get_field_by_name(request->descriptor, "ctx");
    ProtobufCMessage **ctx = NULL;
    ProtobufCMessage *saved = NULL;
    uint8_t *buf = NULL;
    size_t len;
    crypto_generichash_state st;

    /* The request is the caller's; the context is put back before return. */
    if (f != NULL && f->type == PROTOBUF_C_TYPE_MESSAGE) {
        ctx = (ProtobufCMessage **)((char *)request + f->offset);
        saved = *ctx;
        *ctx = NULL;
    }
    len = protobuf_c_message_get_packed_size(request);
    buf = malloc(len > 0 ? len : 1);
    if (buf != NULL)
        protobuf_c_message_pack(request, buf);
    if (ctx != NULL)
        *ctx = saved;
    if (buf == NULL)
        return cg_err_set(err, CG_UNAVAILABLE, "out of memory");
    crypto_generichash_init(&st, NULL, 0, CG_IDEM_DIGEST_LEN);
    crypto_generichash_update(&st, (const unsigned char *)method, strlen(method) + 1);
    crypto_generichash_update(&st, buf, len);
    crypto_generichash_final(&st, out, CG_IDEM_DIGEST_LEN);
    /* A request may hold secrets (a reporter's name). */
    cg_free_wiped(buf, len);
    return CG_OK;
}

void cg_idem_parts_hash(const char *method, const char *const *parts, size_t n,
                        uint8_t out[CG_IDEM_DIGEST_LEN])
{
    crypto_generichash_state st;
    crypto_generichash_init(&st, NULL, 0, CG_IDEM_DIGEST_LEN);
    crypto_generichash_update(&st, (const unsigned char *)method, strlen(method) + 1);
    for (size_t i = 0; i < n; i++) {
        const char *p = parts[i] != NULL ? parts[i] : "";
        crypto_generichash_update(&st, (const unsigned char *)p, strlen(p) + 1);
    }
    crypto_generichash_final(&st, out, CG_IDEM_DIGEST_LEN);
}

cg_code cg_idem_seal(const uint8_t key[CG_IDEM_DIGEST_LEN], const void *plain, size_t len,
                     uint8_t **out, size_t *out_len, cg_err *err)
{
    size_t n = crypto_secretbox_NONCEBYTES + crypto_secretbox_MACBYTES + len;
    uint8_t *buf = malloc(n);
    *out = NULL;
    *out_len = 0;
    if (buf == NULL)
        return cg_err_set(err, CG_INTERNAL, "out of memory");
    randombytes_buf(buf, crypto_secretbox_NONCEBYTES);
    crypto_secretbox_easy(buf + crypto_secretbox_NONCEBYTES, plain, len, buf, key);
    *out = buf;
    *out_len = n;
    return CG_OK;
}

cg_code cg_idem_open(const uint8_t key[CG_IDEM_DIGEST_LEN], const uint8_t *sealed, size_t len,
                     char **out, size_t *out_len, cg_err *err)
{
    size_t overhead = crypto_secretbox_NONCEBYTES + crypto_secretbox_MACBYTES;
    char *buf = NULL;
    *out = NULL;
    *out_len = 0;
    if (len < overhead)
        return cg_err_set(err, CG_INTERNAL, "stored answer is too short");
    buf = malloc(len - overhead + 1);
    if (buf == NULL)
        return cg_err_set(err, CG_INTERNAL, "out of memory");
    if (crypto_secretbox_open_easy((unsigned char *)buf, sealed + crypto_secretbox_NONCEBYTES,
                                   len - crypto_secretbox_NONCEBYTES, sealed, key) != 0) {
        free(buf);
        return cg_err_set(err, CG_INTERNAL, "stored answer does not decrypt");
    }
    buf[len - overhead] = '\0';
    *out = buf;
    *out_len = len - overhead;
    return CG_OK;
}

/* bytes as PostgreSQL's bytea text ("\x" and hex digits); NULL when out of
 * memory. Owned by the caller, free(). */
static char *bytea_text(const uint8_t *b, size_t len)
{
    char *t = malloc(2 * len + 3);
    if (t == NULL)
        return NULL;
    t[0] = '\\';
    t[1] = 'x';
    sodium_bin2hex(t + 2, 2 * len + 1, b, len);
    return t;
}

/* The row is claimed by inserting it; a row of the same key that another
 * transaction inserted and has not committed makes this wait until that one
 * ends, so two attempts with one key never both run. An expired row is
 * taken over. */
static const char SQL_CLAIM[] =
    "INSERT INTO cg_idempotency AS k (key_hash, request_hash, expires_at)"
    " VALUES ($1::bytea, $2::bytea, now() + make_interval(secs => $3::int))"
    " ON CONFLICT (key_hash) DO UPDATE SET request_hash = EXCLUDED.request_hash, reply = NULL,"
    " created_at = now(), expires_at = EXCLUDED.expires_at"
    " WHERE k.expires_at <= now()"
    " RETURNING 1";

static const char SQL_FIND[] = "SELECT request_hash = $2::bytea, encode(reply, 'hex')"
                               " FROM cg_idempotency WHERE key_hash = $1::bytea";

static const char SQL_KEEP[] =
    "UPDATE cg_idempotency SET reply = $2::bytea WHERE key_hash = $1::bytea";

static const char SQL_SWEEP[] = "DELETE FROM cg_idempotency WHERE expires_at <= now()";

/* The first reply of a key claimed before: open it, or refuse another
 * request under the same key. */
static cg_code find_reply(cg_idem *idem, PGconn *conn, const char *rh_text, char **replay,
                          size_t *replay_len, cg_err *err)
{
    PGresult *res = NULL;
    uint8_t *sealed = NULL;
    size_t sealed_len = 0;
    const char *params[] = {idem->id_text, rh_text};
    cg_code rc = cg_db_exec(conn, SQL_FIND, 2, params, &res, err);
    if (rc != CG_OK)
        goto cleanup;
    /* Gone between the claim and this read: only a sweep of an expired row
     * does that, so the client's retry claims it. */
    if (PQntuples(res) != 1 || PQgetisnull(res, 0, 1)) {
        rc = cg_err_set(err, CG_UNAVAILABLE, "the first request with this key is not finished");
        goto cleanup;
    }
    if (strcmp(cg_db_get(res, 0, 0), "t") != 0) {
        cg_err_add_violation(err, CG_IDEM_FIELD, "was sent before with another request");
        err->code = rc = CG_FAILED_PRECONDITION;
        cg_strlcpy(err->message, CG_IDEM_REUSED, sizeof err->message);
        goto cleanup;
    }
    const char *hex = cg_db_get(res, 0, 1);
    size_t hex_len = strlen(hex);
    sealed = malloc(hex_len / 2 + 1);
    if (sealed == NULL) {
        rc = cg_err_set(err, CG_UNAVAILABLE, "out of memory");
        goto cleanup;
    }
    if (sodium_hex2bin(sealed, hex_len / 2 + 1, hex, hex_len, NULL, &sealed_len, NULL) != 0) {
        rc = cg_err_set(err, CG_INTERNAL, "stored reply is not hex");
        goto cleanup;
    }
    rc = cg_idem_open(idem->seal_key, sealed, sealed_len, replay, replay_len, err);

cleanup:
    free(sealed);
    PQclear(res);
    return rc;
}

cg_code cg_idem_begin(cg_idem *idem, PGconn *conn, const uint8_t secret[CG_IDEM_DIGEST_LEN],
                      const Cleangrid__V1__CallContext *ctx,
                      const uint8_t request_hash[CG_IDEM_DIGEST_LEN], char **replay,
                      size_t *replay_len, cg_err *err)
{
    char scope[CG_IDEM_SCOPE_MAX];
    uint8_t id[CG_IDEM_DIGEST_LEN], rh[CG_IDEM_DIGEST_LEN];
    char *rh_text = NULL;
    char *id_text = NULL;
    char ttl[16];
    PGresult *res = NULL;
    cg_code rc;

    memset(idem, 0, sizeof *idem);
    *replay = NULL;
    *replay_len = 0;
    cg_idem_scope(ctx, scope, sizeof scope);
    cg_idem_derive(secret, scope, ctx->idempotency_key, id, idem->seal_key);
    /* The request's digest is stored keyed too: a request may hold a
     * reporter's name and phone, which a copy of the table must not let
     * anyone confirm by guessing. */
    crypto_generichash(rh, sizeof rh, request_hash, CG_IDEM_DIGEST_LEN, secret, CG_IDEM_DIGEST_LEN);
    id_text = bytea_text(id, sizeof id);
    rh_text = bytea_text(rh, sizeof rh);
    if (id_text == NULL || rh_text == NULL) {
        rc = cg_err_set(err, CG_UNAVAILABLE, "out of memory");
        goto cleanup;
    }
    cg_strlcpy(idem->id_text, id_text, sizeof idem->id_text);
    snprintf(ttl, sizeof ttl, "%d", CG_IDEM_TTL_S);
    const char *params[] = {idem->id_text, rh_text, ttl};
    rc = cg_db_exec(conn, SQL_CLAIM, 3, params, &res, err);
    if (rc != CG_OK)
        goto cleanup;
    idem->claimed = PQntuples(res) == 1;
    if (!idem->claimed)
        rc = find_reply(idem, conn, rh_text, replay, replay_len, err);

cleanup:
    PQclear(res);
    free(id_text);
    free(rh_text);
    return rc;
}

cg_code cg_idem_keep(cg_idem *idem, PGconn *conn, const ProtobufCMessage *reply, cg_err *err)
{
    uint8_t *plain = NULL, *sealed = NULL;
    char *text = NULL;
    size_t len = protobuf_c_message_get_packed_size(reply), sealed_len = 0;
    cg_code rc;

    plain = malloc(len > 0 ? len : 1);
    if (plain == NULL) {
        rc = cg_err_set(err, CG_UNAVAILABLE, "out of memory");
        goto cleanup;
    }
    protobuf_c_message_pack(reply, plain);
    if ((rc = cg_idem_seal(idem->seal_key, plain, len, &sealed, &sealed_len, err)) != CG_OK)
        goto cleanup;
    if ((text = bytea_text(sealed, sealed_len)) == NULL) {
        rc = cg_err_set(err, CG_UNAVAILABLE, "out of memory");
        goto cleanup;
    }
    const char *params[] = {idem->id_text, text};
    if ((rc = cg_db_exec(conn, SQL_KEEP, 2, params, NULL, err)) != CG_OK)
        goto cleanup;

    int64_t now = cg_mono_ms();
    int64_t last = atomic_load(&last_sweep_ms);
    if (now - last >= SWEEP_EVERY_MS && atomic_compare_exchange_strong(&last_sweep_ms, &last, now))
        rc = cg_db_exec(conn, SQL_SWEEP, 0, NULL, NULL, err);

cleanup:
    free(text);
    free(sealed);
    /* The reply may hold a receipt. */
    if (plain != NULL)
        cg_free_wiped(plain, len);
    return rc;
}

void cg_idem_end(cg_idem *idem)
{
    sodium_memzero(idem, sizeof *idem);
}
