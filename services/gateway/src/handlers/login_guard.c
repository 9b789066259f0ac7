/* Wrong passwords per account and client address (login_guard.h). */
#include "login_guard.h"

#include <sodium.h>
#include <string.h>

#include "slots.h"

#define DIGEST_LEN 16
/* Slots a pair may take, from the one its digest names on. */
#define PROBE 8

typedef struct pair {
    uint8_t digest[DIGEST_LEN]; /* all zero: a free slot */
    int failures;
    int64_t locked_until_ms;
    int64_t last_ms; /* when it was last used */
} pair;

struct gw_login_guard {
    gw_slots t; /* of pair; the first member (gw_slots_new()) */
    uint8_t key[crypto_generichash_KEYBYTES];
    long max_failures;
    int64_t lockout_ms;
};

static const uint8_t no_digest[DIGEST_LEN];

cg_code gw_login_guard_create(gw_login_guard **out, size_t nslots, long max_failures,
                              int64_t lockout_ms, cg_err *err)
{
    /* The slot table's ttl only switches it on; a pair lives until its slot
     * is taken. */
    *out = gw_slots_new(sizeof(gw_login_guard), "login guard", nslots, sizeof(pair), 1, 1, err);
    if (*out == NULL)
        return err->code;
    randombytes_buf((*out)->key, sizeof((*out)->key));
    (*out)->max_failures = max_failures;
    (*out)->lockout_ms = lockout_ms;
    return CG_OK;
}

void gw_login_guard_destroy(gw_login_guard *guard)
{
    gw_slots_destroy(guard);
}

static void digest_of(const gw_login_guard *g, const char *account_id, const char *client,
                      uint8_t out[DIGEST_LEN])
{
    crypto_generichash_state st;
    crypto_generichash_init(&st, g->key, sizeof(g->key), DIGEST_LEN);
    /* The NUL between them keeps ("ab", "c") and ("a", "bc") apart. */
    crypto_generichash_update(&st, (const uint8_t *)account_id, strlen(account_id) + 1);
    crypto_generichash_update(&st, (const uint8_t *)client, strlen(client));
    crypto_generichash_final(&st, out, DIGEST_LEN);
}

static bool is_free(const pair *p)
{
    return memcmp(p->digest, no_digest, DIGEST_LEN) == 0;
}

/* Under the lock: the pair's slot, or with make a slot for it (a free one
 * among its PROBE, else the one used longest ago); NULL when it has none. */
static pair *find(gw_login_guard *g, const uint8_t digest[DIGEST_LEN], bool make, int64_t now_ms)
{
    size_t start;
    memcpy(&start, digest, sizeof(start));
    pair *victim = NULL;
    for (size_t i = 0; i < PROBE; i++) {
        pair *p = gw_slots_at(&g->t, (start + i) % g->t.nslots);
        if (memcmp(p->digest, digest, DIGEST_LEN) == 0)
            return p;
        if (victim == NULL || (is_free(p) && !is_free(victim)) ||
            (!is_free(p) && !is_free(victim) && p->last_ms < victim->last_ms))
            victim = p;
    }
    if (!make)
        return NULL;
    memset(victim, 0, sizeof(*victim));
    memcpy(victim->digest, digest, DIGEST_LEN);
    victim->last_ms = now_ms;
    return victim;
}

bool gw_login_guard_locked(gw_login_guard *guard, const char *account_id, const char *client,
                           int64_t now_ms)
{
    uint8_t digest[DIGEST_LEN];
    digest_of(guard, account_id, client, digest);
    pthread_mutex_lock(&guard->t.lock);
    const pair *p = find(guard, digest, false, now_ms);
    bool locked = p != NULL && p->locked_until_ms > now_ms;
    pthread_mutex_unlock(&guard->t.lock);
    return locked;
}

bool gw_login_guard_failed(gw_login_guard *guard, const char *account_id, const char *client,
                           int64_t now_ms)
{
    uint8_t digest[DIGEST_LEN];
    bool locked = false;
    digest_of(guard, account_id, client, digest);
    pthread_mutex_lock(&guard->t.lock);
    pair *p = find(guard, digest, true, now_ms);
    p->last_ms = now_ms;
    /* The count starts again once a lock has run out. */
    if (p->locked_until_ms != 0 && p->locked_until_ms <= now_ms) {
        p->locked_until_ms = 0;
        p->failures = 0;
    }
    if (++p->failures >= guard->max_failures) {
        p->failures = 0;
        p->locked_until_ms = now_ms + guard->lockout_ms;
        locked = true;
    }
    pthread_mutex_unlock(&guard->t.lock);
    return locked;
}

void gw_login_guard_succeeded(gw_login_guard *guard, const char *account_id, const char *client)
{
    uint8_t digest[DIGEST_LEN];
    digest_of(guard, account_id, client, digest);
    pthread_mutex_lock(&guard->t.lock);
    pair *p = find(guard, digest, false, 0);
    if (p != NULL)
        memset(p, 0, sizeof(*p));
    pthread_mutex_unlock(&guard->t.lock);
}
