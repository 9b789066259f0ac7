/* A fixed table of cache slots under one mutex: what the session cache
 * (session_cache.h) and the org-unit cache (org_cache.h) share. Each cache
 * maps its keys to slots its own way and keeps its own kind of slot; the
 * table holds them, zeroed, and a table made with ttl 0 holds none, so
 * every lookup misses. */
#ifndef GW_SLOTS_H
#define GW_SLOTS_H

#include <pthread.h>
#include <stddef.h>
#include <stdint.h>

#include "cg/status.h"

typedef struct gw_slots {
    pthread_mutex_t lock; /* held around every use of the slots */
    int64_t ttl_ms;       /* 0: disabled */
    size_t nslots;        /* 0 when disabled */
    size_t size;          /* of one slot, in bytes */
    void *slots;          /* nslots * size bytes, owned */
} gw_slots;

/* A cache of cache_size bytes that begins with its gw_slots (its struct's
 * first member), zeroed, the table holding nslots slots of size bytes each
 * whose entries are kept at most ttl_ms (0 to max_ttl_ms). NULL with err
 * set: INVALID_ARGUMENT, naming the cache by what (static), for a ttl
 * outside the bounds or no slots for a ttl above 0. Owned by the caller
 * and freed with gw_slots_destroy(). */
void *gw_slots_new(size_t cache_size, const char *what, size_t nslots, size_t size, int64_t ttl_ms,
                   int64_t max_ttl_ms, cg_err *err);
/* Free a cache made by gw_slots_new() (NULL is fine). */
void gw_slots_destroy(void *cache);

/* Slot i (i < t->nslots), borrowed from t. */
void *gw_slots_at(const gw_slots *t, size_t i);

/* Empty every slot. Takes the lock. */
void gw_slots_clear(gw_slots *t);

#endif
