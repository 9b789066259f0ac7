/* The org-unit cache: org unit code -> ltree path, so a public report, which
 * names its unit by code (from the QR code), needs no database query.
 *
 * The org tree is small and changes rarely (only the gateway's own
 * --seed-demo writes it today), so a code's path, once read from the
 * database, is kept for ttl. Only known codes are cached: an unknown code
 * goes to the database each time, so a unit added later is found at once,
 * and junk codes cannot fill the table. A unit moved or removed in the
 * database is seen here at most ttl later.
 *
 * A fixed number of slots, direct-mapped by a hash of the code; a new code
 * whose slot is taken replaces the old one. Times are milliseconds of a
 * monotonic clock passed in by the caller. Every function is thread-safe. */
#ifndef GW_ORG_CACHE_H
#define GW_ORG_CACHE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "cg/status.h"

/* Longest code (org_units.code is at most 64 characters) and path kept;
 * longer ones are never cached, only looked up. */
#define GW_ORG_CODE_MAX 64
#define GW_ORG_PATH_MAX 511
/* Upper bound of the ttl; CG_ORG_CACHE_MS has the same bound. */
#define GW_ORG_CACHE_MAX_TTL_MS 3600000

typedef struct gw_org_cache gw_org_cache;

/* Create a cache of nslots codes kept at most ttl_ms each; ttl_ms 0
 * disables it (every lookup misses). *out is owned by the caller and freed
 * with gw_org_cache_destroy(). */
cg_code gw_org_cache_create(gw_org_cache **out, size_t nslots, int64_t ttl_ms, cg_err *err);
/* NULL is fine. */
void gw_org_cache_destroy(gw_org_cache *cache);

/* On a live entry for code at now_ms, copy its path into path (path_size
 * bytes) and return true. A path that does not fit is a miss. */
bool gw_org_cache_get(gw_org_cache *cache, const char *code, int64_t now_ms, char *path,
                      size_t path_size);

/* Remember that code (borrowed) is at path (borrowed), as the database said
 * at now_ms. */
void gw_org_cache_put(gw_org_cache *cache, const char *code, const char *path, int64_t now_ms);

/* Forget every entry: a unit moved (revocation.h "units"). */
void gw_org_cache_clear(gw_org_cache *cache);

#endif
