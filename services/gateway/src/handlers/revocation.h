/* Session revocation across gateway replicas.
 *
 * Each replica caches sessions for up to CG_SESSION_CACHE_MS (session_cache.h),
 * so a session revoked in the database through one replica (a logout, a
 * password change, an account locked or disabled by an administrator) would
 * still be accepted by the others until their copies run out. To make a
 * revocation take effect everywhere at once, the replica that revokes
 * publishes it on the core NATS subject GW_REVOCATION_SUBJECT after the
 * database commit, and every replica (itself included) evicts the matching
 * cache entries on receipt. Core NATS, not JetStream: a replica that misses
 * a message (NATS down, a replica starting) holds the session at most
 * CG_SESSION_CACHE_MS longer, the bound that held without the broadcast.
 *
 * The message is one line of text, not protobuf: only gateway replicas
 * speak it, and it carries no secret (a token's hash cannot be used to log
 * in, and the database keeps the same hash):
 *   "token <64 lowercase hex digits>"  one session, by its token's BLAKE2b hash
 *   "account <uuid>"                   every session of one account
 *   "scopes"                           the org tree changed (a unit moved):
 *                                      every cached session and org path
 *
 * The parser and formatter are pure (gw_core); gw_revocation_start/stop and
 * gw_revoke_* need the running gateway. */
#ifndef GW_REVOCATION_H
#define GW_REVOCATION_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "cg/util.h"
#include "session_cache.h"

#define GW_REVOCATION_SUBJECT "cg.gw.session.revoked"
/* "account " and a UUID, or "token " and 64 hex digits, and a terminator. */
#define GW_REVOCATION_MSG_MAX 72

typedef enum gw_revocation_kind {
    GW_REVOKE_TOKEN = 1,
    GW_REVOKE_ACCOUNT,
    GW_REVOKE_SCOPES,
} gw_revocation_kind;

typedef struct gw_revocation {
    gw_revocation_kind kind;
    uint8_t key[GW_SESSION_KEY_LEN]; /* GW_REVOKE_TOKEN */
    char account_id[CG_UUID_LEN];    /* GW_REVOKE_ACCOUNT: canonical lowercase */
} gw_revocation;

/* Parse a message of len bytes (not terminated). False for anything but
 * exactly one of the two forms above; a UUID in capitals is accepted and
 * lowered, as PostgreSQL prints lowercase. */
bool gw_revocation_parse(const char *data, size_t len, gw_revocation *out);

/* Format rev into out (GW_REVOCATION_MSG_MAX bytes); returns the length. */
size_t gw_revocation_format(const gw_revocation *rev, char out[GW_REVOCATION_MSG_MAX]);

/* --- revocation.c: the running gateway ----------------------------------- */

struct gw_app;

/* Subscribe to GW_REVOCATION_SUBJECT (every replica, no queue group). */
cg_code gw_revocation_start(struct gw_app *app, cg_err *err);
/* Unsubscribe and wait for a message being handled; safe when never
 * started. Call before the session cache is destroyed. */
void gw_revocation_stop(struct gw_app *app);

/* The session with token hash key, or every session of account_id, was
 * revoked in the database (committed): evict it here and tell every other
 * replica. A failed publish is logged; the other replicas then drop their
 * copies within CG_SESSION_CACHE_MS. */
void gw_revoke_token(struct gw_app *app, const uint8_t key[GW_SESSION_KEY_LEN]);
void gw_revoke_account(struct gw_app *app, const char *account_id);
/* A unit moved (committed): every replica forgets its cached sessions and
 * org paths, whose scopes may now be stale. */
void gw_revoke_scopes(struct gw_app *app);

#endif
