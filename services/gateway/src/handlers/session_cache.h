/* The session cache: the live sessions this process has looked up lately,
 * so a request whose token was seen a moment ago needs no database query.
 *
 * A fixed number of slots, each keyed by the BLAKE2b hash of a token (what
 * the sessions table keeps, never the token) and holding a copy of its
 * gw_principal until min(the session's expiry, the time it was cached +
 * ttl). A new entry whose slot is taken replaces the old one, so memory is
 * fixed at creation. Only sessions the database accepted are cached; a
 * refusal never is, so a token just issued is never refused from here.
 *
 * The trade-off: a session revoked in the database by another process (a
 * logout through another gateway replica, an account disabled) is still
 * accepted here until its entry runs out, at most ttl later. A logout
 * through this process evicts the entry before it answers, and a lookup
 * that raced with that eviction is not cached (see the epoch below), so
 * here a revoked token is refused at once.
 *
 * Times are milliseconds of a monotonic clock passed in by the caller, so a
 * wall-clock step changes nothing and the tests control time. Every
 * function is thread-safe. */
#ifndef GW_SESSION_CACHE_H
#define GW_SESSION_CACHE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "cg/status.h"
#include "gw_pure.h"

/* The key: the token's BLAKE2b-256 hash (crypto_generichash_BYTES). */
#define GW_SESSION_KEY_LEN 32
/* Upper bound of the ttl; CG_SESSION_CACHE_MS has the same bound. */
#define GW_SESSION_CACHE_MAX_TTL_MS 60000

typedef struct gw_session_cache gw_session_cache;

/* Create a cache of nslots entries kept at most ttl_ms each. ttl_ms 0
 * disables it: nothing is allocated for slots, every lookup misses and
 * nothing is stored. *out is owned by the caller and freed with
 * gw_session_cache_destroy(). INVALID_ARGUMENT for a ttl outside
 * 0..GW_SESSION_CACHE_MAX_TTL_MS or no slots; INTERNAL when out of memory. */
cg_code gw_session_cache_create(gw_session_cache **out, size_t nslots, int64_t ttl_ms, cg_err *err);
/* NULL is fine. */
void gw_session_cache_destroy(gw_session_cache *cache);

/* Look key up at now_ms. On a hit, copy the principal into *who and return
 * true. On a miss, *epoch receives the cache's eviction count, which the
 * caller hands to gw_session_cache_put() after asking the database: an
 * eviction in between means the answer may predate a logout, and it is
 * then not stored. */
bool gw_session_cache_get(gw_session_cache *cache, const uint8_t key[GW_SESSION_KEY_LEN],
                          int64_t now_ms, gw_principal *who, uint64_t *epoch);

/* Store a copy of who (borrowed) for key, looked up in the database after
 * the miss that gave epoch. now_ms is the time of that miss, not later, so
 * the entry never outlives what the database said; session_left_ms is what
 * was left of the session then, measured by the database's own clock. The
 * entry is valid until now_ms + min(ttl, session_left_ms); a session with
 * nothing left is not stored. */
void gw_session_cache_put(gw_session_cache *cache, const uint8_t key[GW_SESSION_KEY_LEN],
                          const gw_principal *who, int64_t now_ms, int64_t session_left_ms,
                          uint64_t epoch);

/* Forget key (a logout), and make every lookup in flight forget what it is
 * about to store. */
void gw_session_cache_evict(gw_session_cache *cache, const uint8_t key[GW_SESSION_KEY_LEN]);

/* Forget every session of the account whose id is account_id (its password
 * changed, it was locked or disabled), and make every lookup in flight
 * forget what it is about to store. Scans every slot: a rare act. */
void gw_session_cache_evict_account(gw_session_cache *cache, const char *account_id);
/* Evict every entry (the org tree changed, so any cached scope may be
 * stale). */
void gw_session_cache_evict_all(gw_session_cache *cache);

#endif
