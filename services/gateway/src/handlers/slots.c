/* The slot table of the gateway's caches (see slots.h). */
#include "slots.h"

#include <stdlib.h>
#include <string.h>

void *gw_slots_new(size_t cache_size, const char *what, size_t nslots, size_t size, int64_t ttl_ms,
                   int64_t max_ttl_ms, cg_err *err)
{
    gw_slots *t = NULL;
    void *made = NULL;

    if (ttl_ms < 0 || ttl_ms > max_ttl_ms || (ttl_ms > 0 && nslots == 0)) {
        cg_err_set(err, CG_INVALID_ARGUMENT, "%s: ttl %lld ms with %zu slots", what,
                   (long long)ttl_ms, nslots);
        goto cleanup;
    }
    t = calloc(1, cache_size);
    if (t == NULL) {
        cg_err_set(err, CG_INTERNAL, "out of memory for the %s", what);
        goto cleanup;
    }
    pthread_mutex_init(&t->lock, NULL);
    t->ttl_ms = ttl_ms;
    t->size = size;
    if (ttl_ms > 0) {
        /* calloc: pages nobody has written yet take no resident memory. */
        t->slots = calloc(nslots, size);
        if (t->slots == NULL) {
            cg_err_set(err, CG_INTERNAL, "out of memory for %zu %s slots", nslots, what);
            goto cleanup;
        }
        t->nslots = nslots;
    }
    made = t;
    t = NULL;

cleanup:
    gw_slots_destroy(t);
    return made;
}

void gw_slots_destroy(void *cache)
{
    gw_slots *t = cache;
    if (t == NULL)
        return;
    pthread_mutex_destroy(&t->lock);
    free(t->slots);
    free(t);
}

void *gw_slots_at(const gw_slots *t, size_t i)
{
    return (char *)t->slots + i * t->size;
}

void gw_slots_clear(gw_slots *t)
{
    if (t->nslots == 0)
        return;
    pthread_mutex_lock(&t->lock);
    memset(t->slots, 0, t->nslots * t->size);
    pthread_mutex_unlock(&t->lock);
}
