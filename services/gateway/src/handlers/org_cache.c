/* The org-unit cache (see org_cache.h): one mutex over a fixed array of
 * slots, direct-mapped by FNV-1a of the code. Codes come from the public,
 * but only codes the database knows are stored, so a stranger cannot crowd
 * out the real units. */
#include "org_cache.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "cg/util.h"

typedef struct org_slot {
    bool used;
    int64_t valid_until_ms;
    char code[GW_ORG_CODE_MAX + 1];
    char path[GW_ORG_PATH_MAX + 1];
} org_slot;

struct gw_org_cache {
    pthread_mutex_t lock;
    int64_t ttl_ms; /* 0: disabled */
    size_t nslots;
    org_slot *slots;
};

cg_code gw_org_cache_create(gw_org_cache **out, size_t nslots, int64_t ttl_ms, cg_err *err)
{
    cg_code rc = CG_INTERNAL;
    gw_org_cache *cache = NULL;

    *out = NULL;
    if (ttl_ms < 0 || ttl_ms > GW_ORG_CACHE_MAX_TTL_MS || (ttl_ms > 0 && nslots == 0)) {
        rc = cg_err_set(err, CG_INVALID_ARGUMENT, "org cache: ttl %lld ms with %zu slots",
                        (long long)ttl_ms, nslots);
        goto cleanup;
    }
    cache = calloc(1, sizeof(*cache));
    if (cache == NULL ||
        (ttl_ms > 0 && (cache->slots = calloc(nslots, sizeof(org_slot))) == NULL)) {
        cg_err_set(err, CG_INTERNAL, "out of memory for the org cache");
        goto cleanup;
    }
    cache->ttl_ms = ttl_ms;
    cache->nslots = ttl_ms > 0 ? nslots : 0;
    pthread_mutex_init(&cache->lock, NULL);
    *out = cache;
    cache = NULL;
    rc = CG_OK;

cleanup:
    if (cache != NULL)
        free(cache->slots);
    free(cache);
    return rc;
}

void gw_org_cache_destroy(gw_org_cache *cache)
{
    if (cache == NULL)
        return;
    pthread_mutex_destroy(&cache->lock);
    free(cache->slots);
    free(cache);
}

/* The slot code maps to. Called with nslots > 0. */
static org_slot *slot_for(const gw_org_cache *cache, const char *code)
{
    uint64_t h = 14695981039346656037ULL;
    for (const unsigned char *p = (const unsigned char *)code; *p != '\0'; p++)
        h = (h ^ *p) * 1099511628211ULL;
    return &cache->slots[h % cache->nslots];
}

bool gw_org_cache_get(gw_org_cache *cache, const char *code, int64_t now_ms, char *path,
                      size_t path_size)
{
    bool hit = false;

    if (cache->nslots == 0 || strlen(code) > GW_ORG_CODE_MAX)
        return false;
    pthread_mutex_lock(&cache->lock);
    org_slot *s = slot_for(cache, code);
    if (s->used && strcmp(s->code, code) == 0) {
        if (now_ms < s->valid_until_ms)
            hit = cg_strlcpy(path, s->path, path_size);
        else
            s->used = false;
    }
    pthread_mutex_unlock(&cache->lock);
    return hit;
}

void gw_org_cache_put(gw_org_cache *cache, const char *code, const char *path, int64_t now_ms)
{
    if (cache->nslots == 0 || strlen(code) > GW_ORG_CODE_MAX || strlen(path) > GW_ORG_PATH_MAX)
        return;
    pthread_mutex_lock(&cache->lock);
    org_slot *s = slot_for(cache, code);
    s->used = true;
    s->valid_until_ms = now_ms + cache->ttl_ms;
    cg_strlcpy(s->code, code, sizeof(s->code));
    cg_strlcpy(s->path, path, sizeof(s->path));
    pthread_mutex_unlock(&cache->lock);
}

void gw_org_cache_clear(gw_org_cache *cache)
{
    if (cache == NULL || cache->nslots == 0)
        return;
    pthread_mutex_lock(&cache->lock);
    memset(cache->slots, 0, cache->nslots * sizeof(*cache->slots));
    pthread_mutex_unlock(&cache->lock);
}
