/* Idempotency-Key inside the service that creates the record.
 *
 * The gateway passes a client's Idempotency-Key on in
 * CallContext.idempotency_key. A method whose row says .idempotent
 * (cg/rpc.h) does its work once per (caller, key): the frame
 * (common/src/rpc_dispatch.c), inside the method's own transaction, claims
 * the key in the table cg_idempotency of the service's database before the
 * handler runs and keeps the handler's reply there before the commit, so
 * the record and the proof that the key made it commit together or not at
 * all. A repeat of the same request finds the first reply and gets it again,
 * whatever the gateway saw or forgot (a timeout, a 503 after the commit);
 * the same key with another request is FAILED_PRECONDITION. A repeat that
 * arrives while the first still runs waits on the first's uncommitted row
 * (the primary key) and then finds its reply, or claims the key when the
 * first rolled back. Rows live CG_IDEM_TTL_S, then a sweep removes them.
 *
 * Nothing in the table can be read without the key itself. Every digest is
 * BLAKE2b keyed with the service's idempotency secret (derived from one of
 * its own secrets, which the database never holds):
 * - a row is found by a digest of (caller scope, key), so the key is not
 *   stored and two accounts that pick the same key never meet;
 * - the request's digest is keyed as well, so a request's content (a
 *   reporter's name) cannot be confirmed by guessing from a copy;
 * - the reply is sealed (XSalsa20-Poly1305) under another digest of
 *   (caller scope, key). Intake's reply holds the receipt (查询码), which its
 *   reports table keeps only hashed: sealed under a key that needs both the
 *   service's secret and the client's Idempotency-Key, a stolen database
 *   alone does not give it back, nor does the secret alone (an operator
 *   holding CG_RECEIPT_KEY); only the client that sent the key can have
 *   it replayed. Public callers therefore send keys of at least 32
 *   characters (the gateway insists), which cannot be guessed. */
#ifndef CG_IDEMPOTENCY_H
#define CG_IDEMPOTENCY_H

#include <libpq-fe.h>
#include <protobuf-c/protobuf-c.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "cg/status.h"
#include "cleangrid/v1/common.pb-c.h"

#define CG_IDEM_DIGEST_LEN 32
/* How long a service replays a reply: the gateway's 24 hours. */
#define CG_IDEM_TTL_S (24 * 3600)
/* The refusal of a key sent before with another request: FAILED_PRECONDITION
 * with this message and a violation on CG_IDEM_FIELD, which the gateway
 * answers 422 IDEMPOTENCY_KEY_REUSED as it answers its own. */
#define CG_IDEM_FIELD "Idempotency-Key"
#define CG_IDEM_REUSED "this Idempotency-Key was used with another request"
/* "account:" and a user id, or "public". */
#define CG_IDEM_SCOPE_MAX 200

/* The service's idempotency secret from one of its own secrets (len
 * bytes, borrowed): a keyed BLAKE2b under a label of its own, so the stored
 * digests say nothing about the secret they come from. */
void cg_idem_secret(const uint8_t *secret, size_t len, uint8_t out[CG_IDEM_DIGEST_LEN]);

/* Whose keys ctx's key is among: "account:<actor user id>", or "public"
 * for a call without a user. Cut to fit out (n bytes). */
void cg_idem_scope(const Cleangrid__V1__CallContext *ctx, char *out, size_t n);

/* The row's id and the reply's sealing key for key (NUL-terminated) sent
 * by scope, under the service's secret. Different secrets, scopes or keys
 * give unrelated values, and neither value reveals the other. */
void cg_idem_derive(const uint8_t secret[CG_IDEM_DIGEST_LEN], const char *scope, const char *key,
                    uint8_t id[CG_IDEM_DIGEST_LEN], uint8_t seal_key[CG_IDEM_DIGEST_LEN]);

/* The digest of a request to method: its packed bytes with the CallContext
 * left out (its request id differs on every attempt; who sends it is in
 * the scope already). request is borrowed and unchanged when this returns.
 * UNAVAILABLE when out of memory. */
cg_code cg_idem_request_hash(const char *method, const ProtobufCMessage *request,
                             uint8_t out[CG_IDEM_DIGEST_LEN], cg_err *err);

/* The digest of parts (n strings, NUL-separated) for method: for a row
 * whose request names an attempt rather than what is asked (an upload id),
 * so it states what is asked itself (cg_rpc_row.idem_request). */
void cg_idem_parts_hash(const char *method, const char *const *parts, size_t n,
                        uint8_t out[CG_IDEM_DIGEST_LEN]);

/* Seal len bytes of plain under key. On CG_OK *out (owned by the caller,
 * free()) holds the nonce and the ciphertext, *out_len bytes. */
cg_code cg_idem_seal(const uint8_t key[CG_IDEM_DIGEST_LEN], const void *plain, size_t len,
                     uint8_t **out, size_t *out_len, cg_err *err);

/* Open what cg_idem_seal() made. On CG_OK *out (owned by the caller; wipe
 * and free(); NUL-terminated for convenience) holds *out_len bytes.
 * INTERNAL when it does not open (another key, or changed bytes). */
cg_code cg_idem_open(const uint8_t key[CG_IDEM_DIGEST_LEN], const uint8_t *sealed, size_t len,
                     char **out, size_t *out_len, cg_err *err);

/* One call's key, between cg_idem_begin() and the commit. */
typedef struct cg_idem {
    bool claimed; /* this call owns the key: keep its reply */
    char id_text[2 + 2 * CG_IDEM_DIGEST_LEN + 1];
    uint8_t seal_key[CG_IDEM_DIGEST_LEN]; /* secret: cg_idem_end() wipes it */
} cg_idem;

/* Claim ctx's key (non-empty) for a request with digest request_hash on
 * conn, inside the caller's transaction. On CG_OK either idem->claimed
 * (run the handler, then cg_idem_keep()) or *replay holds the first reply
 * opened, *replay_len bytes (owned by the caller: wipe and free()). The
 * same key with another request is FAILED_PRECONDITION. */
cg_code cg_idem_begin(cg_idem *idem, PGconn *conn, const uint8_t secret[CG_IDEM_DIGEST_LEN],
                      const Cleangrid__V1__CallContext *ctx,
                      const uint8_t request_hash[CG_IDEM_DIGEST_LEN], char **replay,
                      size_t *replay_len, cg_err *err);

/* Keep reply (borrowed) sealed in the claimed row, in the same transaction
 * as the work it answers, and now and then sweep expired rows. */
cg_code cg_idem_keep(cg_idem *idem, PGconn *conn, const ProtobufCMessage *reply, cg_err *err);

/* Wipe idem's secrets. */
void cg_idem_end(cg_idem *idem);

#endif
