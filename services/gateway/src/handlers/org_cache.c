/* The org-unit cache (see org_cache.h): one mutex over a fixed array of
 * slots, direct-mapped by FNV-1a of the code. Codes come from the public,
 * but only codes the database knows are stored, so a stranger cannot crowd
 * out the real units. */
#include "org_cache.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "cg/util.h"
#include "slots.h"

typedef struct org_slot {
    bool used;
    int64_t valid_until_ms;
    char code[GW_ORG_CODE_MAX + 1];
    char path[GW_ORG_PATH_MAX + 1];
} org_slot;

struct gw_org_cache {
    gw_slots t; /* of org_slot; the first member (gw_slots_new()) */
};

cg_code gw_org_cache_create(gw_org_cache **out, size_t nslots, int64_t ttl_ms, cg_err *err)
{
    *out = gw_slots_new(sizeof(gw_org_cache), "org cache", nslots, sizeof(org_slot), ttl_ms,
                        GW_ORG_CACHE_MAX_TTL_MS, err);
    return *out != NULL ? CG_OK : err->code;
}

void gw_org_cache_destroy(gw_org_cache *cache)
{
    gw_slots_destroy(cache);
}

/* The slot code maps to. Called with nslots > 0. */
static org_slot *slot_for(const gw_org_cache *cache, const char *code)
{
    uint64_t h = 14695981039346656037ULL;
    for (const unsigned char *p = (const unsigned char *)code; *p != '\0'; p++)
        h = (h ^ *p) * 1099511628211ULL;
    return gw_slots_at(&cache->t, h % cache->t.nslots);
}

bool gw_org_cache_get(gw_org_cache *cache, const char *code, int64_t now_ms, char *path,
                      size_t path_size)
{
    bool hit = false;

    if (cache->t.nslots == 0 || strlen(code) > GW_ORG_CODE_MAX)
        return false;
    pthread_mutex_lock(&cache->t.lock);
    org_slot *s = slot_for(cache, code);
    if (s->used && strcmp(s->code, code) == 0) {
        if (now_ms < s->valid_until_ms)
            hit = cg_strlcpy(path, s->path, path_size);
        else
            s->used = false;
    }
    pthread_mutex_unlock(&cache->t.lock);
    return hit;
}

void gw_org_cache_put(gw_org_cache *cache, const char *code, const char *path, int64_t now_ms)
{
    if (cache->t.nslots == 0 || strlen(code) > GW_ORG_CODE_MAX || strlen(path) > GW_ORG_PATH_MAX)
        return;
    pthread_mutex_lock(&cache->t.lock);
    org_slot *s = slot_for(cache, code);
    s->used = true;
    s->valid_until_ms = now_ms + cache->t.ttl_ms;
    cg_strlcpy(s->code, code, sizeof(s->code));
    cg_strlcpy(s->path, path, sizeof(s->path));
    pthread_mutex_unlock(&cache->t.lock);
}

void gw_org_cache_clear(gw_org_cache *cache)
{
    if (cache != NULL)
        gw_slots_clear(&cache->t);
}
