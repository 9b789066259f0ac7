/* Unit tests of the session cache and the org-unit cache: hits, misses,
 * expiry (time is a parameter, so no test sleeps), eviction, replacement on
 * a shared slot, the logout race, and both caches switched off. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>
#include <stdio.h>
#include <string.h>

#include "cg_test.h"
#include "access.h"
#include "org_cache.h"
#include "session_cache.h"

#define TTL 2000
#define NOW 1000000 /* any monotonic time */
#define HOUR (3600 * 1000)

/* A key whose first eight bytes (what picks the slot) are slot_bits and
 * whose last byte is tag, so two keys can share a slot and still differ. */
static void make_key(uint8_t key[GW_SESSION_KEY_LEN], uint64_t slot_bits, uint8_t tag)
{
    memset(key, 0xab, GW_SESSION_KEY_LEN);
    memcpy(key, &slot_bits, sizeof(slot_bits));
    key[GW_SESSION_KEY_LEN - 1] = tag;
}

static void make_principal(gw_principal *who, const char *username)
{
    memset(who, 0, sizeof(*who));
    snprintf(who->id, sizeof(who->id), "1b4e28ba-2fa1-4d3b-a3f5-ef19b5a7633b");
    snprintf(who->username, sizeof(who->username), "%s", username);
    gw_principal_set_roles(who, "inspector");
    snprintf(who->org_path, sizeof(who->org_path), "hq.east");
}

/* What a session test starts from: an empty cache, and three keys: other
 * sits in another slot than key, rival in the same one. */
typedef struct fixture {
    gw_session_cache *cache;
    uint8_t key[GW_SESSION_KEY_LEN];
    uint8_t other[GW_SESSION_KEY_LEN];
    uint8_t rival[GW_SESSION_KEY_LEN];
    gw_principal who;
    gw_principal got;
    uint64_t epoch;
} fixture;

static int fixture_open(fixture *fx, int64_t ttl_ms)
{
    cg_err err;
    memset(fx, 0, sizeof(*fx));
    cg_err_clear(&err);
    if (gw_session_cache_create(&fx->cache, 8, ttl_ms, &err) != CG_OK)
        return -1;
    make_key(fx->key, 3, 1);
    make_key(fx->other, 4, 2);
    make_key(fx->rival, 11, 3); /* 11 % 8 == 3 */
    make_principal(&fx->who, "inspector");
    return 0;
}

static int setup(void **state)
{
    static fixture fx;
    *state = &fx;
    return fixture_open(&fx, TTL);
}

static int setup_disabled(void **state)
{
    static fixture fx;
    *state = &fx;
    return fixture_open(&fx, 0);
}

static int teardown(void **state)
{
    fixture *fx = *state;
    gw_session_cache_destroy(fx->cache);
    return 0;
}

/* Look key up at now_ms into fx->got, keeping the epoch a miss gives. */
static bool hit(fixture *fx, const uint8_t *key, int64_t now_ms)
{
    return gw_session_cache_get(fx->cache, key, now_ms, &fx->got, &fx->epoch);
}

/* Miss, then store who as authenticate() does once the database accepted
 * a session with left_ms to run. */
static void fill(fixture *fx, const uint8_t *key, const gw_principal *who, int64_t now_ms,
                 int64_t left_ms)
{
    assert_false(hit(fx, key, now_ms));
    gw_session_cache_put(fx->cache, key, who, now_ms, left_ms, fx->epoch);
}

static void test_session_miss_then_hit(void **state)
{
    fixture *fx = *state;
    fill(fx, fx->key, &fx->who, NOW, HOUR);
    assert_true(hit(fx, fx->key, NOW + 1));
    assert_memory_equal(&fx->got, &fx->who, sizeof(fx->who));
    /* A key never stored misses. */
    assert_false(hit(fx, fx->other, NOW + 1));
}

static void test_session_expires_after_ttl(void **state)
{
    fixture *fx = *state;
    fill(fx, fx->key, &fx->who, NOW, HOUR);
    assert_true(hit(fx, fx->key, NOW + TTL - 1));
    assert_false(hit(fx, fx->key, NOW + TTL));
    /* Once expired it stays gone until the database is asked again. */
    assert_false(hit(fx, fx->key, NOW + 1));
}

static void test_session_expires_with_session(void **state)
{
    fixture *fx = *state;
    /* 300 ms left of the session: the entry must not outlive it. */
    fill(fx, fx->key, &fx->who, NOW, 300);
    assert_true(hit(fx, fx->key, NOW + 299));
    assert_false(hit(fx, fx->key, NOW + 300));
    /* A session with nothing left is never stored. */
    fill(fx, fx->key, &fx->who, NOW, 0);
    assert_false(hit(fx, fx->key, NOW));
}

static void test_session_evict(void **state)
{
    fixture *fx = *state;
    fill(fx, fx->key, &fx->who, NOW, HOUR);
    fill(fx, fx->other, &fx->who, NOW, HOUR);
    gw_session_cache_evict(fx->cache, fx->key);
    assert_false(hit(fx, fx->key, NOW));
    /* Only that key goes. */
    assert_true(hit(fx, fx->other, NOW));
    /* Evicting what is not there is harmless. */
    gw_session_cache_evict(fx->cache, fx->key);
}

static void test_session_evict_account(void **state)
{
    fixture *fx = *state;
    gw_principal stranger = fx->who;
    snprintf(stranger.id, sizeof(stranger.id), "00000000-0000-4000-8000-000000000001");
    fill(fx, fx->key, &fx->who, NOW, HOUR);
    fill(fx, fx->other, &stranger, NOW, HOUR);
    gw_session_cache_evict_account(fx->cache, fx->who.id);
    assert_false(hit(fx, fx->key, NOW));
    /* Another account's session stays. */
    assert_true(hit(fx, fx->other, NOW));
    /* A lookup in flight for the account (its miss came before) stores
     * nothing: it may predate the revocation. */
    assert_false(hit(fx, fx->rival, NOW));
    uint64_t before = fx->epoch;
    gw_session_cache_evict_account(fx->cache, fx->who.id);
    gw_session_cache_put(fx->cache, fx->rival, &fx->who, NOW, HOUR, before);
    assert_false(hit(fx, fx->rival, NOW));
}

static void test_session_put_after_evict_dropped(void **state)
{
    fixture *fx = *state;
    /* A request misses and asks the database; meanwhile a logout of the
     * same token revokes it and evicts. What the request then stores
     * predates the logout and must not be kept. */
    assert_false(hit(fx, fx->key, NOW));
    gw_session_cache_evict(fx->cache, fx->key);
    gw_session_cache_put(fx->cache, fx->key, &fx->who, NOW, HOUR, fx->epoch);
    assert_false(hit(fx, fx->key, NOW));
    /* A lookup that starts after the eviction (that miss just now) may
     * store again: the database it asks has the revocation already. */
    gw_session_cache_put(fx->cache, fx->key, &fx->who, NOW, HOUR, fx->epoch);
    assert_true(hit(fx, fx->key, NOW));
}

static void test_session_collision_replaces(void **state)
{
    fixture *fx = *state;
    gw_principal second;
    make_principal(&second, "second");

    fill(fx, fx->key, &fx->who, NOW, HOUR);
    fill(fx, fx->rival, &second, NOW, HOUR);
    assert_true(hit(fx, fx->rival, NOW));
    assert_string_equal(fx->got.username, "second");
    /* The first is gone: a miss, never the other's principal. */
    memset(&fx->got, 0, sizeof(fx->got));
    assert_false(hit(fx, fx->key, NOW));
    assert_string_equal(fx->got.username, "");
    /* Evicting the first must not take the second with it. */
    gw_session_cache_evict(fx->cache, fx->key);
    assert_true(hit(fx, fx->rival, NOW));
}

static void test_session_disabled(void **state)
{
    fixture *fx = *state;
    fill(fx, fx->key, &fx->who, NOW, HOUR);
    assert_false(hit(fx, fx->key, NOW));
    gw_session_cache_evict(fx->cache, fx->key);
}

static void test_session_bad_arguments(void **state)
{
    (void)state;
    gw_session_cache *cache = NULL;
    cg_err err;
    cg_err_clear(&err);
    assert_int_equal(gw_session_cache_create(&cache, 64, -1, &err), CG_INVALID_ARGUMENT);
    assert_null(cache);
    assert_int_equal(gw_session_cache_create(&cache, 64, GW_SESSION_CACHE_MAX_TTL_MS + 1, &err),
                     CG_INVALID_ARGUMENT);
    assert_int_equal(gw_session_cache_create(&cache, 0, TTL, &err), CG_INVALID_ARGUMENT);
    assert_null(cache);
    gw_session_cache_destroy(NULL);
}

/* --- org cache ------------------------------------------------------------ */

static gw_org_cache *new_org_cache(size_t nslots, int64_t ttl_ms)
{
    gw_org_cache *cache = NULL;
    cg_err err;
    cg_err_clear(&err);
    assert_int_equal(gw_org_cache_create(&cache, nslots, ttl_ms, &err), CG_OK);
    assert_non_null(cache);
    return cache;
}

static void test_org_hit_miss_expiry(void **state)
{
    (void)state;
    gw_org_cache *cache = new_org_cache(16, 30000);
    char path[64];

    assert_false(gw_org_cache_get(cache, "east", NOW, path, sizeof(path)));
    gw_org_cache_put(cache, "east", "hq.east", NOW);
    assert_true(gw_org_cache_get(cache, "east", NOW + 29999, path, sizeof(path)));
    assert_string_equal(path, "hq.east");
    assert_false(gw_org_cache_get(cache, "west", NOW, path, sizeof(path)));
    assert_false(gw_org_cache_get(cache, "east", NOW + 30000, path, sizeof(path)));
    /* A path that does not fit the caller's buffer is a miss. */
    gw_org_cache_put(cache, "east", "hq.east", NOW);
    assert_false(gw_org_cache_get(cache, "east", NOW, path, 4));
    gw_org_cache_destroy(cache);
}

static void test_org_collision_replaces(void **state)
{
    (void)state;
    /* One slot: every code shares it. */
    gw_org_cache *cache = new_org_cache(1, 30000);
    char path[64];

    gw_org_cache_put(cache, "east", "hq.east", NOW);
    gw_org_cache_put(cache, "west", "hq.west", NOW);
    assert_true(gw_org_cache_get(cache, "west", NOW, path, sizeof(path)));
    assert_string_equal(path, "hq.west");
    assert_false(gw_org_cache_get(cache, "east", NOW, path, sizeof(path)));
    gw_org_cache_destroy(cache);
}

static void test_org_disabled_and_oversize(void **state)
{
    (void)state;
    gw_org_cache *cache = new_org_cache(16, 0);
    char path[GW_ORG_PATH_MAX + 2];
    char code[GW_ORG_CODE_MAX + 2];

    gw_org_cache_put(cache, "east", "hq.east", NOW);
    assert_false(gw_org_cache_get(cache, "east", NOW, path, sizeof(path)));
    gw_org_cache_destroy(cache);

    /* What could not be kept whole is not kept at all. */
    cache = new_org_cache(16, 30000);
    memset(code, 'a', sizeof(code) - 1);
    code[sizeof(code) - 1] = '\0';
    gw_org_cache_put(cache, code, "hq", NOW);
    assert_false(gw_org_cache_get(cache, code, NOW, path, sizeof(path)));
    memset(path, 'p', sizeof(path) - 1);
    path[sizeof(path) - 1] = '\0';
    gw_org_cache_put(cache, "east", path, NOW);
    assert_false(gw_org_cache_get(cache, "east", NOW, path, sizeof(path)));
    gw_org_cache_destroy(cache);
}

CG_TEST_MAIN(cmocka_unit_test_setup_teardown(test_session_miss_then_hit, setup, teardown),
             cmocka_unit_test_setup_teardown(test_session_expires_after_ttl, setup, teardown),
             cmocka_unit_test_setup_teardown(test_session_expires_with_session, setup, teardown),
             cmocka_unit_test_setup_teardown(test_session_evict, setup, teardown),
             cmocka_unit_test_setup_teardown(test_session_put_after_evict_dropped, setup, teardown),
             cmocka_unit_test_setup_teardown(test_session_evict_account, setup, teardown),
             cmocka_unit_test_setup_teardown(test_session_collision_replaces, setup, teardown),
             cmocka_unit_test_setup_teardown(test_session_disabled, setup_disabled, teardown),
             cmocka_unit_test(test_session_bad_arguments),
             cmocka_unit_test(test_org_hit_miss_expiry),
             cmocka_unit_test(test_org_collision_replaces),
             cmocka_unit_test(test_org_disabled_and_oversize))
