/* The session cache (see session_cache.h): one mutex over a fixed array of
 * slots, direct-mapped by the token hash. The hash is uniformly random and
 * the tokens are the server's own random numbers, so nobody can aim many
 * live sessions at one slot; a collision only costs a database lookup. */
#include "session_cache.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "slots.h"

typedef struct slot {
    bool used;
    uint8_t key[GW_SESSION_KEY_LEN];
    int64_t valid_until_ms;
    gw_principal who;
} slot;

struct gw_session_cache {
    gw_slots t;     /* of slot; the first member (gw_slots_new()) */
    uint64_t epoch; /* evictions so far */
};

cg_code gw_session_cache_create(gw_session_cache **out, size_t nslots, int64_t ttl_ms, cg_err *err)
{
    *out = gw_slots_new(sizeof(gw_session_cache), "session cache", nslots, sizeof(slot), ttl_ms,
                        GW_SESSION_CACHE_MAX_TTL_MS, err);
    return *out != NULL ? CG_OK : err->code;
}

void gw_session_cache_destroy(gw_session_cache *cache)
{
    gw_slots_destroy(cache);
}

/* The slot key maps to. Called with the lock held and nslots > 0. */
static slot *slot_for(const gw_session_cache *cache, const uint8_t key[GW_SESSION_KEY_LEN])
{
    uint64_t h;
    memcpy(&h, key, sizeof(h));
    return gw_slots_at(&cache->t, h % cache->t.nslots);
}

bool gw_session_cache_get(gw_session_cache *cache, const uint8_t key[GW_SESSION_KEY_LEN],
                          int64_t now_ms, gw_principal *who, uint64_t *epoch)
{
    bool hit = false;

    if (cache->t.nslots == 0) {
        *epoch = 0;
        return false;
    }
    pthread_mutex_lock(&cache->t.lock);
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
    pthread_mutex_unlock(&cache->t.lock);
    return hit;
}

void gw_session_cache_put(gw_session_cache *cache, const uint8_t key[GW_SESSION_KEY_LEN],
                          const gw_principal *who, int64_t now_ms, int64_t session_left_ms,
                          uint64_t epoch)
{
    if (cache->t.nslots == 0 || session_left_ms <= 0)
        return;
    int64_t life = session_left_ms < cache->t.ttl_ms ? session_left_ms : cache->t.ttl_ms;
    pthread_mutex_lock(&cache->t.lock);
    if (epoch == cache->epoch) {
        slot *s = slot_for(cache, key);
        s->used = true;
        memcpy(s->key, key, GW_SESSION_KEY_LEN);
        s->valid_until_ms = now_ms + life;
        s->who = *who;
    }
    pthread_mutex_unlock(&cache->t.lock);
}

void gw_session_cache_evict(gw_session_cache *cache, const uint8_t key[GW_SESSION_KEY_LEN])
{
    if (cache->t.nslots == 0)
        return;
    pthread_mutex_lock(&cache->t.lock);
    slot *s = slot_for(cache, key);
    if (s->used && memcmp(s->key, key, GW_SESSION_KEY_LEN) == 0)
        memset(s, 0, sizeof(*s));
    cache->epoch++;
    pthread_mutex_unlock(&cache->t.lock);
}

void gw_session_cache_evict_account(gw_session_cache *cache, const char *account_id)
{
    if (cache->t.nslots == 0)
        return;
    pthread_mutex_lock(&cache->t.lock);
    for (size_t i = 0; i < cache->t.nslots; i++) {
        slot *s = gw_slots_at(&cache->t, i);
        if (s->used && strcmp(s->who.id, account_id) == 0)
            memset(s, 0, sizeof(*s));
    }
    cache->epoch++;
    pthread_mutex_unlock(&cache->t.lock);
}

void gw_session_cache_evict_all(gw_session_cache *cache)
{
    if (cache->t.nslots == 0)
        return;
    pthread_mutex_lock(&cache->t.lock);
    memset(cache->t.slots, 0, cache->t.nslots * cache->t.size);
    cache->epoch++;
    pthread_mutex_unlock(&cache->t.lock);
}
