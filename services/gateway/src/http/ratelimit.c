/* Token buckets in a fixed, set-associative table, and client addresses
 * (see ratelimit.h). */
#include "ratelimit.h"

#include <arpa/inet.h>
#include <pthread.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#include "cg/util.h"

/* A 128-bit digest: two keys colliding by chance is out of reach. */
#define DIGEST_LEN 16

typedef struct slot {
    bool used;
    uint8_t digest[DIGEST_LEN];
    double tokens;       /* tokens at last_ms */
    int64_t last_ms;     /* when tokens was computed */
    int64_t last_use_ms; /* when a request last touched it, for eviction */
} slot;

struct gw_rate_limit {
    pthread_mutex_t lock;
    double per_ms; /* tokens gained per millisecond; 0: no limit */
    double burst;
    size_t nsets;
    slot *slots; /* nsets * GW_RATE_WAYS */
    uint8_t seed[GW_RATE_SEED_LEN];
};

cg_code gw_rate_limit_create(gw_rate_limit **out, long rate_per, long period_ms, long burst,
                             size_t nslots, const uint8_t *seed, cg_err *err)
{
    cg_code rc = CG_INTERNAL;
    gw_rate_limit *limit = NULL;

    *out = NULL;
    if (rate_per < 0 || (rate_per > 0 && (burst < 1 || period_ms < 1 || nslots == 0))) {
        rc = cg_err_set(err, CG_INVALID_ARGUMENT,
                        "rate limit: %ld per %ld ms with burst %ld and %zu slots", rate_per,
                        period_ms, burst, nslots);
        goto cleanup;
    }
    limit = calloc(1, sizeof(*limit));
    if (limit == NULL) {
        cg_err_set(err, CG_INTERNAL, "out of memory");
        goto cleanup;
    }
    if (rate_per > 0) {
        limit->per_ms = (double)rate_per / (double)period_ms;
        limit->burst = (double)burst;
        limit->nsets = (nslots + GW_RATE_WAYS - 1) / GW_RATE_WAYS;
        limit->slots = calloc(limit->nsets * GW_RATE_WAYS, sizeof(slot));
        if (limit->slots == NULL) {
            cg_err_set(err, CG_INTERNAL, "out of memory for %zu rate limit slots", nslots);
            goto cleanup;
        }
    }
    if (seed != NULL)
        memcpy(limit->seed, seed, GW_RATE_SEED_LEN);
    else
        randombytes_buf(limit->seed, GW_RATE_SEED_LEN);
    pthread_mutex_init(&limit->lock, NULL);
    *out = limit;
    limit = NULL;
    rc = CG_OK;

cleanup:
    if (limit != NULL)
        free(limit->slots);
    free(limit);
    return rc;
}

void gw_rate_limit_destroy(gw_rate_limit *limit)
{
    if (limit == NULL)
        return;
    pthread_mutex_destroy(&limit->lock);
    sodium_memzero(limit->seed, sizeof(limit->seed));
    free(limit->slots);
    free(limit);
}

/* The bucket's tokens at now_ms, refilled since it was last computed. */
static double tokens_at(const gw_rate_limit *limit, const slot *s, int64_t now_ms)
{
    double elapsed = now_ms > s->last_ms ? (double)(now_ms - s->last_ms) : 0.0;
    double t = s->tokens + elapsed * limit->per_ms;
    return t > limit->burst ? limit->burst : t;
}

/* The slot for digest in its set: the one holding it, else a free one, else
 * one refilled to full (forgetting it loses nothing), else the least
 * recently used. Called with the lock held. */
static slot *slot_for(gw_rate_limit *limit, const uint8_t digest[DIGEST_LEN], int64_t now_ms)
{
    uint64_t h;
    memcpy(&h, digest, sizeof(h));
    slot *set = &limit->slots[(h % limit->nsets) * GW_RATE_WAYS];
    slot *victim = NULL;
    for (size_t i = 0; i < GW_RATE_WAYS; i++) {
        slot *s = &set[i];
        if (s->used && memcmp(s->digest, digest, DIGEST_LEN) == 0)
            return s;
    }
    for (size_t i = 0; i < GW_RATE_WAYS && victim == NULL; i++)
        if (!set[i].used || tokens_at(limit, &set[i], now_ms) >= limit->burst)
            victim = &set[i];
    if (victim == NULL) {
        victim = &set[0];
        for (size_t i = 1; i < GW_RATE_WAYS; i++)
            if (set[i].last_use_ms < victim->last_use_ms)
                victim = &set[i];
    }
    victim->used = true;
    memcpy(victim->digest, digest, DIGEST_LEN);
    victim->tokens = limit->burst;
    victim->last_ms = now_ms;
    return victim;
}

bool gw_rate_limit_take(gw_rate_limit *limit, const void *key, size_t len, int64_t now_ms,
                        long *retry_after_s)
{
    uint8_t digest[DIGEST_LEN];
    bool pass;

    if (limit == NULL || limit->slots == NULL)
        return true;
    crypto_generichash(digest, sizeof(digest), key, len, limit->seed, sizeof(limit->seed));
    pthread_mutex_lock(&limit->lock);
    slot *s = slot_for(limit, digest, now_ms);
    double t = tokens_at(limit, s, now_ms);
    pass = t >= 1.0;
    if (pass)
        t -= 1.0;
    else if (retry_after_s != NULL) {
        /* Whole seconds, rounded up: a client that waits this long finds a
         * token. */
        double wait_ms = (1.0 - t) / limit->per_ms;
        long secs = (long)((wait_ms + 999.0) / 1000.0);
        *retry_after_s = secs < 1 ? 1 : secs;
    }
    s->tokens = t;
    if (now_ms > s->last_ms)
        s->last_ms = now_ms;
    s->last_use_ms = now_ms;
    pthread_mutex_unlock(&limit->lock);
    return pass;
}

/* --- client addresses ------------------------------------------------------- */

/* Parse one entry "a.b.c.d" or "a.b.c.d/p" of n bytes. */
static bool cidr_parse_one(const char *s, size_t n, gw_cidr *out)
{
    char buf[32];
    struct in_addr in;
    int prefix = 32;

    if (n == 0 || n >= sizeof(buf))
        return false;
    memcpy(buf, s, n);
    buf[n] = '\0';
    char *slash = strchr(buf, '/');
    if (slash != NULL) {
        *slash = '\0';
        const char *p = slash + 1;
        if (*p == '\0' || strlen(p) > 2)
            return false;
        prefix = 0;
        for (; *p != '\0'; p++) {
            if (*p < '0' || *p > '9')
                return false;
            prefix = prefix * 10 + (*p - '0');
        }
        if (prefix > 32)
            return false;
    }
    /* inet_pton takes exactly four decimal parts, no shorthand. */
    if (inet_pton(AF_INET, buf, &in) != 1)
        return false;
    uint32_t addr = ntohl(in.s_addr);
    uint32_t mask = prefix == 0 ? 0 : 0xffffffffu << (32 - prefix);
    if ((addr & ~mask) != 0)
        return false;
    out->addr = addr;
    out->prefix = prefix;
    return true;
}

static bool is_space(char c)
{
    return c == ' ' || c == '\t';
}

cg_code gw_cidr_list_parse(const char *text, gw_cidr *out, size_t max, size_t *n, cg_err *err)
{
    const char *p = text != NULL ? text : "";
    *n = 0;
    while (is_space(*p))
        p++;
    if (*p == '\0')
        return CG_OK;
    for (;;) {
        const char *end = strchr(p, ',');
        size_t len = end != NULL ? (size_t)(end - p) : strlen(p);
        const char *start = p;
        while (len > 0 && is_space(*start)) {
            start++;
            len--;
        }
        while (len > 0 && is_space(start[len - 1]))
            len--;
        if (*n >= max)
            return cg_err_set(err, CG_INVALID_ARGUMENT, "more than %zu entries", max);
        if (!cidr_parse_one(start, len, &out[*n]))
            return cg_err_set(err, CG_INVALID_ARGUMENT,
                              "'%.*s' is not an IPv4 address or network (a.b.c.d or a.b.c.d/n)",
                              (int)(len > 40 ? 40 : len), start);
        (*n)++;
        if (end == NULL)
            return CG_OK;
        p = end + 1;
    }
}

bool gw_cidr_list_contains(const gw_cidr *list, size_t n, const char *addr)
{
    struct in_addr in;
    if (n == 0 || addr == NULL || inet_pton(AF_INET, addr, &in) != 1)
        return false;
    uint32_t a = ntohl(in.s_addr);
    for (size_t i = 0; i < n; i++) {
        uint32_t mask = list[i].prefix == 0 ? 0 : 0xffffffffu << (32 - list[i].prefix);
        if ((a & mask) == list[i].addr)
            return true;
    }
    return false;
}

/* The key of the address text s[0..n) into out: IPv4 as it is written,
 * IPv6 as its /64 network; false when it is neither. */
static bool addr_key(const char *s, size_t n, char out[GW_ADDR_MAX])
{
    char text[INET6_ADDRSTRLEN];
    struct in_addr v4;
    struct in6_addr v6;
    if (n == 0 || n >= sizeof(text))
        return false;
    memcpy(text, s, n);
    text[n] = '\0';
    if (inet_pton(AF_INET, text, &v4) == 1)
        return inet_ntop(AF_INET, &v4, out, GW_ADDR_MAX) != NULL;
    if (inet_pton(AF_INET6, text, &v6) != 1)
        return false;
    memset(v6.s6_addr + 8, 0, 8);
    if (inet_ntop(AF_INET6, &v6, out, GW_ADDR_MAX - 4) == NULL)
        return false;
    strcat(out, "/64");
    return true;
}

/* Walk the entries of line from the right into out: true to go on to the
 * line before (every entry was a trusted proxy), false when out is the
 * answer. */
static bool walk_line(const char *line, const gw_cidr *trusted, size_t n, char out[GW_ADDR_MAX])
{
    /* Each entry was added by the hop to its right, which is trusted as
     * long as we keep walking. */
    size_t end = strlen(line);
    for (;;) {
        size_t start = end;
        while (start > 0 && line[start - 1] != ',')
            start--;
        size_t a = start, b = end;
        while (a < b && is_space(line[a]))
            a++;
        while (b > a && is_space(line[b - 1]))
            b--;
        if (!addr_key(line + a, b - a, out)) {
            cg_strlcpy(out, GW_ADDR_UNPARSABLE, GW_ADDR_MAX);
            return false;
        }
        if (!gw_cidr_list_contains(trusted, n, out))
            return false;
        if (start == 0)
            return true;
        end = start - 1;
    }
}

void gw_client_addr(const char *peer, const char *const *xff, size_t nxff, const gw_cidr *trusted,
                    size_t n, char out[GW_ADDR_MAX])
{
    cg_strlcpy(out, peer != NULL ? peer : "", GW_ADDR_MAX);
    if (!gw_cidr_list_contains(trusted, n, out))
        return;
    /* The last line holds the right end of the list. When every entry is a
     * trusted proxy, the left-most one stays in out. */
    for (size_t i = nxff; i > 0; i--)
        if (!walk_line(xff[i - 1], trusted, n, out))
            return;
}
