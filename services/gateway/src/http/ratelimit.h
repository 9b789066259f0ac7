/* Rate limits: token buckets in a fixed table, and the client address they
 * are kept per.
 *
 * A limit (gw_rate_limit) holds one bucket per key (a client address, an
 * account id). A bucket holds up to burst tokens and gains rate_per tokens
 * every period_ms; each request takes one, and a request that finds less
 * than one token is refused with the time until the next one.
 *
 * Memory is fixed when the limit is created: a set-associative table of
 * slots, GW_RATE_WAYS per set. Keys are stored only as a keyed BLAKE2b
 * digest (the key is random per process and never stored), so the table
 * holds no client address in clear. A new key takes, in its set, a free slot,
 * else one whose bucket has refilled completely (which is the same as having
 * none), else the one least recently used. A flood of more distinct keys
 * than the table holds can therefore hand some of them a fresh, full bucket:
 * the limits get more lenient under such a flood, never stricter, and
 * memory never grows.
 *
 * Times are milliseconds of a monotonic clock passed in by the caller, so
 * the tests control time. Every function on a limit is thread-safe. */
#ifndef GW_RATELIMIT_H
#define GW_RATELIMIT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "cg/status.h"

/* Slots per set: a key competes for eviction only with these. */
#define GW_RATE_WAYS 8

typedef struct gw_rate_limit gw_rate_limit;

/* Create a limit of rate_per tokens per period_ms, holding at most burst,
 * with room for about nslots keys (rounded up to whole sets). rate_per 0
 * means no limit: nothing is allocated and every request passes. seed
 * (GW_RATE_SEED_LEN bytes) keys the digest of the keys; NULL draws a random
 * one. *out is owned by the caller and freed with gw_rate_limit_destroy().
 * INVALID_ARGUMENT for a negative rate, a burst below 1 or a period below 1
 * ms with a rate; INTERNAL when out of memory. */
#define GW_RATE_SEED_LEN 32
cg_code gw_rate_limit_create(gw_rate_limit **out, long rate_per, long period_ms, long burst,
                             size_t nslots, const uint8_t *seed, cg_err *err);
/* NULL is fine. */
void gw_rate_limit_destroy(gw_rate_limit *limit);

/* Take one token for key (len bytes, borrowed) at now_ms. True when the
 * request may go on. False when it must be refused; then *retry_after_s (when
 * not NULL) is the whole number of seconds, at least 1, until a token is
 * there again. A NULL limit, or one created with rate 0, always passes. */
bool gw_rate_limit_take(gw_rate_limit *limit, const void *key, size_t len, int64_t now_ms,
                        long *retry_after_s);

/* --- client addresses ------------------------------------------------------- */

/* An IPv4 network: an address and a prefix length (32 for one address). */
typedef struct gw_cidr {
    uint32_t addr; /* host byte order, bits past the prefix zeroed */
    int prefix;
} gw_cidr;

/* The longest client address text kept: an IPv6 network and its "/64". */
#define GW_ADDR_MAX 64
/* The one client key of every X-Forwarded-For entry that is not an
 * address: such clients share a single rate-limit bucket, so garbage in the
 * header can neither pose as the proxy (often exempt) nor make a fresh
 * bucket per request. */
#define GW_ADDR_UNPARSABLE "unparsable"

/* Parse a comma-separated list of IPv4 addresses and CIDR networks
 * ("10.0.0.1, 192.168.0.0/16"; spaces around entries allowed, an empty
 * string is an empty list) into out (max entries). INVALID_ARGUMENT, naming
 * the bad entry, on anything else: a name, an IPv6 address (the gateway
 * serves IPv4 only), a prefix over 32, bits set past the prefix, or more than
 * max entries. */
cg_code gw_cidr_list_parse(const char *text, gw_cidr *out, size_t max, size_t *n, cg_err *err);

/* True if addr (dotted IPv4 text) lies in one of the n networks. Anything
 * that is not dotted IPv4 text lies in none. */
bool gw_cidr_list_contains(const gw_cidr *list, size_t n, const char *addr);

/* The client's address, as the key its rate limits are counted under:
 * peer (the TCP peer's address) when it is not one of the n trusted
 * proxies or there is no X-Forwarded-For line (xff, nxff: the values of
 * every line, in order, which together are one list); otherwise the
 * right-most entry of that list that is not a trusted proxy, or the
 * left-most entry when all are. An entry that is not an IPv4
 * or IPv6 address (empty, garbage, too long) is GW_ADDR_UNPARSABLE, a client
 * of its own. An IPv6 client is keyed by its /64 network ("2001:db8:1:2::/64"),
 * since one subscriber holds a whole /64 and could otherwise take a fresh
 * address, and bucket, per request. Writes out (GW_ADDR_MAX bytes). */
void gw_client_addr(const char *peer, const char *const *xff, size_t nxff, const gw_cidr *trusted,
                    size_t n, char out[GW_ADDR_MAX]);

#endif
