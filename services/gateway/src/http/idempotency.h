/* Idempotency-Key on POSTs that create: the pure part (no database).
 *
 * A repeat of a request with the same Idempotency-Key and the same body
 * within 24 hours gets the first answer again; the same key with another
 * body is 422. The gateway keeps, per key, a digest of the first request and
 * its answer (idempotency.c in the executable, migration 0004).
 *
 * Nothing stored can be read without the key itself:
 * - a row is found by a digest of (scope, key), where scope is the caller
 *   ("account:<id>", or "public" on routes without a login), so two accounts
 *   that pick the same key never meet, and the key is not stored;
 * - the answer is stored encrypted (XSalsa20-Poly1305) under another digest
 *   of (scope, key). The answer to a public report holds its receipt (查询码),
 *   which intake keeps only hashed; in clear in the gateway's database it
 *   would undo that. Encrypted under the reporter's own key, only the client
 *   that sent the key can have it replayed. Public routes therefore demand a
 *   key of at least GW_IDEM_PUBLIC_KEY_MIN characters (a random UUID), so
 *   the key cannot be guessed from a copy of the table. */
#ifndef GW_IDEMPOTENCY_H
#define GW_IDEMPOTENCY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "cg/status.h"

#define GW_IDEM_DIGEST_LEN 32
/* Shortest Idempotency-Key a public route accepts: a UUID is 36. */
#define GW_IDEM_PUBLIC_KEY_MIN 32
/* How long an answer is replayed. */
#define GW_IDEM_TTL_S (24 * 3600)

/* The row's id and the answer's encryption key for key (NUL-terminated)
 * sent by scope. Different scopes or keys give unrelated values, and
 * neither value reveals the other. */
void gw_idem_derive(const char *scope, const char *key, uint8_t id[GW_IDEM_DIGEST_LEN],
                    uint8_t enc_key[GW_IDEM_DIGEST_LEN]);

/* The digest of a request: method, path and the body's exact bytes, keyed
 * by a value derived from scope and the client's key. A body holds a named
 * reporter's name and phone, so the stored digest must not let anyone who
 * reads the table test guesses of it: without the client's key, which is
 * never stored, nobody can. */
void gw_idem_request_hash(const char *scope, const char *key, const char *method, const char *path,
                          const void *body, size_t len, uint8_t out[GW_IDEM_DIGEST_LEN]);

/* Answers are sealed and opened with cg_idem_seal() and cg_idem_open()
 * (cg/idempotency.h), as the services seal their replies. */

#endif
