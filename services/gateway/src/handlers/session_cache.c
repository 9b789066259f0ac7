/* The session cache (see session_cache.h): one mutex over a fixed array of
 * slots, direct-mapped by the token hash. The hash is uniformly random and
 * the tokens are the server's own random numbers, so nobody can aim many
 * live sessions at one slot; a collision only costs a database lookup. */
#include "session_cache.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

typedef struct slot {
    bool used;
    uint8_t key[GW_SESSION_KEY_LEN];
    int64_t valid_until_ms;
    gw_principal who;
} slot;

struct gw_session_cache {
    pthread_mutex_t lock;
    int64_t ttl_ms; /* 0: disabled */
    size_t nslots;
    slot *slots;
    uint64_t epoch; /* evictions so far */
};

cg_code gw_session_cache_create(gw_session_cache **out, size_t nslots, int64_t ttl_ms, cg_err *err)
{
    cg_code rc = CG_INTERNAL;
    gw_session_cache *cache = NULL;

    *out = NULL;
    if (ttl_ms < 0 || ttl_ms > GW_SESSION_CACHE_MAX_TTL_MS || (ttl_ms > 0 && nslots == 0)) {
        rc = cg_err_set(err, CG_INVALID_ARGUMENT, "session cache: ttl %lld ms with %zu slots",
                        (long long)ttl_ms, nslots);
        goto cleanup;
    }
    cache = calloc(1, sizeof(*cache));
    if (cache == NULL) {
        cg_err_set(err, CG_INTERNAL, "out of memory");
        goto cleanup;
    }
    cache->ttl_ms = ttl_ms;
    if (ttl_ms > 0) {
        /* calloc: pages nobody has written yet take no resident memory. */
        cache->slots = calloc(nslots, sizeof(slot));
        if (cache->slots == NULL) {
            cg_err_set(err, CG_INTERNAL, "out of memory for %zu session cache slots", nslots);
            goto cleanup;
        }
        cache->nslots = nslots;
    }
    pthread_mutex_init(&cache->lock, NULL);
    *out = cache;
    cache = NULL;
    rc = CG_OK;

cleanup:
    free(cache);
    return rc;
}

void gw_session_cache_destroy(gw_session_cache *cache)
{
    if (cache == NULL)
        return;
    pthread_mutex_destroy(&cache->lock);
    free(cache->slots);
    free(cache);
}

/* The slot key maps to. Called with the lock held and nslots > 0. */
static slot *slot_for(const gw_session_cache *cache, const uint8_t key[GW_SESSION_KEY_LEN])
{
    uint64_t h;
    memcpy(&h, key, sizeof(h));
    return &cache->slots[h % cache->nslots];
}

bool gw_session_cache_get(gw_session_cache *cache, const uint8_t key[GW_SESSION_KEY_LEN],
                          int64_t now_ms, gw_principal *who, uint64_t *epoch)
{
    bool hit = false;

    if (cache->nslots == 0) {
        *epoch = 0;
        return false;
    }
    pthread_mutex_lock(&cache->lock);
    slot *s = slot_for(cache, key);
    if (s->used && memcmp(s->key, key, GW_SESSION_KEY_LEN) == 0) {
        if (now_ms < s->valid_until_ms) {
            *who = s->who;
            hit = true;
        } else {
            s->used = false;
        }
    }
    *epoch = cache->epoch;
    pthread_mutex_unlock(&cache->lock);
    return hit;
}

void gw_session_cache_put(gw_session_cache *cache, const uint8_t key[GW_SESSION_KEY_LEN],
                          const gw_principal *who, int64_t now_ms, int64_t session_left_ms,
                          uint64_t epoch)
{
    if (cache->nslots == 0 || session_left_ms <= 0)
        return;
    int64_t life = session_left_ms < cache->ttl_ms ? session_left_ms : cache->ttl_ms;
    pthread_mutex_lock(&cache->lock);
    if (epoch == cache->epoch) {
        slot *s = slot_for(cache, key);
        s->used = true;
        memcpy(s->key, key, GW_SESSION_KEY_LEN);
        s->valid_until_ms = now_ms + life;
        s->who = *who;
    }
    pthread_mutex_unlock(&cache->lock);
}

void gw_session_cache_evict(gw_session_cache *cache, const uint8_t key[GW_SESSION_KEY_LEN])
{
    if (cache->nslots == 0)
        return;
    pthread_mutex_lock(&cache->lock);
    slot *s = slot_for(cache, key);
    if (s->used && memcmp(s->key, key, GW_SESSION_KEY_LEN) == 0)
        memset(s, 0, sizeof(*s));
    cache->epoch++;
    pthread_mutex_unlock(&cache->lock);
}

void gw_session_cache_evict_account(gw_session_cache *cache, const char *account_id)
{
    if (cache->nslots == 0)
        return;
    pthread_mutex_lock(&cache->lock);
    for (size_t i = 0; i < cache->nslots; i++) {
        slot *s = &cache->slots[i];
        if (s->used && strcmp(s->who.id, account_id) == 0)
            memset(s, 0, sizeof(*s));
    }
    cache->epoch++;
    pthread_mutex_unlock(&cache->lock);
}

void gw_session_cache_evict_all(gw_session_cache *cache)
{
    if (cache->nslots == 0)
        return;
    pthread_mutex_lock(&cache->lock);
    memset(cache->slots, 0, cache->nslots * sizeof(*cache->slots));
    cache->epoch++;
    pthread_mutex_unlock(&cache->lock);
}
