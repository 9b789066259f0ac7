/* Unit tests of keyed hash chains (cg/chain.h): the key id, the keyed and
 * unkeyed hash against values computed elsewhere (Python's hmac and
 * hashlib), the keyring, the anchor's encoding, and the walk that judges a
 * chain: contiguous ids once keyed, links, no downgrade, unknown keys, and
 * rows rewritten under an anchor. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <sodium.h>
#include <stdio.h>
#include <string.h>

#include "cg_test.h"
#include "cg/chain.h"

/* The bytes 0, 1, ..., 31 in hex, and their key id and hashes
 * (hashlib.sha256(key).hexdigest()[:16]; hmac.new(key, b"0" * 64 + b"\n" +
 * b"[1]", hashlib.sha256)). */
static const char key_hex[] = "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f";
static const char key_id[] = "630dcd2966c43366";
static const char zeros[] = "0000000000000000000000000000000000000000000000000000000000000000";
static const char hmac_of_1[] = "c3ff6b204adfbd669f2b175377ec4a8b74e1b8384666f045c5544f12d821116d";
static const char sha_of_1[] = "96bd1cc77d22e4c0692e973d2cd145d643cf7d9e6d9c3c17b28a7da8ed6af167";
static const char other_hex[] = "ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff";

static void keyed_and_unkeyed_hashes(void **state)
{
    (void)state;
    cg_chain_keyring ring;
    cg_err err;
    char out[CG_CHAIN_HASH_LEN];
    assert_int_equal(cg_chain_keyring_load(&ring, "CG_TEST_KEY", key_hex, NULL, &err), CG_OK);
    assert_string_equal(ring.keys[0].id, key_id);
    cg_chain_hash(&ring.keys[0], zeros, "[1]", out);
    assert_string_equal(out, hmac_of_1);
    cg_chain_hash(NULL, zeros, "[1]", out);
    assert_string_equal(out, sha_of_1);
    cg_chain_keyring_wipe(&ring);
}

static void keyrings(void **state)
{
    (void)state;
    cg_chain_keyring ring;
    cg_err err;
    char old[3 * 65];
    snprintf(old, sizeof(old), "%s,%s", other_hex, key_hex);
    assert_int_equal(cg_chain_keyring_load(&ring, "CG_TEST_KEY", other_hex, key_hex, &err), CG_OK);
    assert_int_equal(ring.nkeys, 2);
    assert_ptr_equal(cg_chain_keyring_find(&ring, key_id), &ring.keys[1]);
    assert_null(cg_chain_keyring_find(&ring, "0123456789abcdef"));
    assert_null(cg_chain_keyring_find(&ring, NULL));
    assert_int_equal(cg_chain_keyring_load(&ring, "CG_TEST_KEY", key_hex, old, &err), CG_OK);
    assert_int_equal(ring.nkeys, 3);

    static const char *const bad_current[] = {NULL, "", "abc", key_hex + 2,
                                              "zz0102030405060708090a0b0c0d0e0f101112131415161718"
                                              "191a1b1c1d1e1f"};
    for (size_t i = 0; i < CG_NROWS(bad_current); i++) {
        cg_err_clear(&err);
        assert_int_equal(cg_chain_keyring_load(&ring, "CG_TEST_KEY", bad_current[i], NULL, &err),
                         CG_INVALID_ARGUMENT);
        /* The message names the setting, never the value. */
        assert_non_null(strstr(err.message, "CG_TEST_KEY"));
    }
    static const char *const bad_old[] = {"abc", ",", "00", "000102030405060708090a0b0c0d0e0f"};
    for (size_t i = 0; i < CG_NROWS(bad_old); i++)
        assert_int_equal(cg_chain_keyring_load(&ring, "CG_TEST_KEY", key_hex, bad_old[i], &err),
                         CG_INVALID_ARGUMENT);
    char many[(CG_CHAIN_KEYS_MAX + 1) * 65 + 1] = "";
    for (int i = 0; i <= CG_CHAIN_KEYS_MAX; i++) {
        if (i > 0)
            strcat(many, ",");
        strcat(many, other_hex);
    }
    assert_int_equal(cg_chain_keyring_load(&ring, "CG_TEST_KEY", key_hex, many, &err),
                     CG_INVALID_ARGUMENT);
    cg_chain_keyring_wipe(&ring);
}

static void anchors_encode_and_decode(void **state)
{
    (void)state;
    cg_anchor a = {.id = 123456789012LL, .at_ms = 1764982800123LL}, b;
    memcpy(a.hash, hmac_of_1, sizeof(a.hash));
    memcpy(a.key_id, key_id, sizeof(a.key_id));
    char *text = cg_anchor_encode(&a);
    assert_non_null(text);
    assert_true(cg_anchor_decode(text, strlen(text), &b));
    assert_int_equal(b.id, a.id);
    assert_int_equal(b.at_ms, a.at_ms);
    assert_string_equal(b.hash, a.hash);
    assert_string_equal(b.key_id, a.key_id);
    free(text);
    static const char *const not_anchors[] = {
        "",
        "{}",
        "[1]",
        "{\"id\":0,\"hash\":\"" /* no id 0 */,
        "{\"id\":1,\"hash\":\"abc\",\"key_id\":\"\",\"at_ms\":1}",
        "{\"id\":1,\"hash\":\"96bd1cc77d22e4c0692e973d2cd145d643cf7d9e6d9c3c17b28a7da8ed6af167\","
        "\"key_id\":\"XYZ\",\"at_ms\":1}",
        "{\"id\":\"1\",\"hash\":"
        "\"96bd1cc77d22e4c0692e973d2cd145d643cf7d9e6d9c3c17b28a7da8ed6af167\","
        "\"key_id\":\"\",\"at_ms\":1}"};
    for (size_t i = 0; i < CG_NROWS(not_anchors); i++)
        assert_false(cg_anchor_decode(not_anchors[i], strlen(not_anchors[i]), &b));
    /* An unkeyed head. */
    const char *unkeyed =
        "{\"id\":7,\"hash\":\"96bd1cc77d22e4c0692e973d2cd145d643cf7d9e6d9c3c17b28a7da8ed6af167\","
        "\"key_id\":\"\",\"at_ms\":1}";
    assert_true(cg_anchor_decode(unkeyed, strlen(unkeyed), &b));
    assert_string_equal(b.key_id, "");
}

/* A chain of up to 16 rows as a table holds it: rows from keyed_from on
 * are keyed; ids as given (0 ends the list), and row i's content is
 * "[content[i]]" (the id when content is NULL). */
#define ROWS_MAX 16
typedef struct test_row {
    long long id;
    char prev[CG_CHAIN_HASH_LEN];
    char hash[CG_CHAIN_HASH_LEN];
    const char *key_id;
    char canonical[32];
} test_row;

static int make_chain_of(const cg_chain_keyring *ring, const long long *ids,
                         const long long *content, long long keyed_from, test_row *rows)
{
    char prev[CG_CHAIN_HASH_LEN];
    memcpy(prev, zeros, sizeof(prev));
    int n = 0;
    for (; ids[n] != 0; n++) {
        const cg_chain_key *key = ids[n] >= keyed_from ? &ring->keys[0] : NULL;
        snprintf(rows[n].canonical, sizeof(rows[n].canonical), "[%lld]",
                 content != NULL ? content[n] : ids[n]);
        rows[n].id = ids[n];
        memcpy(rows[n].prev, prev, sizeof(prev));
        cg_chain_hash(key, prev, rows[n].canonical, rows[n].hash);
        rows[n].key_id = key != NULL ? key->id : NULL;
        memcpy(prev, rows[n].hash, sizeof(prev));
    }
    return n;
}

static int make_chain(const cg_chain_keyring *ring, const long long *ids, long long keyed_from,
                      test_row *rows)
{
    return make_chain_of(ring, ids, NULL, keyed_from, rows);
}

/* Walk rows as verify does, recomputing each hash from its content with the
 * key its key id names. */
static bool walk(const cg_chain_keyring *ring, const test_row *rows, int n,
                 const cg_anchor *anchors, size_t nanchors, long long head_id,
                 const char *head_hash, cg_chain_walk *w)
{
    cg_chain_walk_start(w, anchors, nanchors);
    for (int i = 0; i < n; i++) {
        char expected[CG_CHAIN_HASH_LEN];
        const cg_chain_key *key = cg_chain_keyring_find(ring, rows[i].key_id);
        cg_chain_hash(key, rows[i].prev, rows[i].canonical, expected);
        cg_chain_walk_row(w, rows[i].id, rows[i].prev, rows[i].hash, rows[i].key_id,
                          rows[i].key_id != NULL && key == NULL ? NULL : expected);
    }
    return cg_chain_walk_end(w, head_id, head_hash, -1);
}

static void walks(void **state)
{
    (void)state;
    cg_chain_keyring ring, other;
    cg_err err;
    test_row rows[ROWS_MAX];
    cg_chain_walk w;
    assert_int_equal(cg_chain_keyring_load(&ring, "K", key_hex, NULL, &err), CG_OK);
    assert_int_equal(cg_chain_keyring_load(&other, "K", other_hex, NULL, &err), CG_OK);

    /* Unkeyed rows (with a gap a sequence left) and keyed ones after them. */
    static const long long ids[] = {1, 2, 4, 5, 6, 7, 8, 0};
    int n = make_chain(&ring, ids, 5, rows);
    assert_true(walk(&ring, rows, n, NULL, 0, 8, rows[n - 1].hash, &w));
    assert_int_equal(w.rows, n);

    /* The head must be the last row. */
    assert_false(walk(&ring, rows, n - 1, NULL, 0, 8, rows[n - 1].hash, &w));
    assert_int_equal(w.first_bad, 8);

    /* A keyed row missing in the middle, the rest relinked with the key:
     * the gap alone shows it. */
    static const long long gap_ids[] = {1, 2, 4, 5, 7, 8, 0};
    n = make_chain(&ring, gap_ids, 5, rows);
    assert_false(walk(&ring, rows, n, NULL, 0, 8, rows[n - 1].hash, &w));
    assert_int_equal(w.first_bad, 6);
    assert_non_null(strstr(w.reason, "missing"));

    /* Recomputed without the key after keyed rows: a downgrade. */
    n = make_chain(&ring, ids, 5, rows);
    rows[5].key_id = NULL;
    cg_chain_hash(NULL, rows[5].prev, rows[5].canonical, rows[5].hash);
    memcpy(rows[6].prev, rows[5].hash, sizeof(rows[6].prev));
    cg_chain_hash(&ring.keys[0], rows[6].prev, rows[6].canonical, rows[6].hash);
    assert_false(walk(&ring, rows, n, NULL, 0, 8, rows[n - 1].hash, &w));
    assert_int_equal(w.first_bad, 7);
    assert_non_null(strstr(w.reason, "unkeyed"));

    /* A broken link, a wrong hash, a key not configured. */
    n = make_chain(&ring, ids, 5, rows);
    rows[3].prev[0] = rows[3].prev[0] == 'a' ? 'b' : 'a';
    assert_false(walk(&ring, rows, n, NULL, 0, 8, rows[n - 1].hash, &w));
    assert_int_equal(w.first_bad, 5);
    assert_non_null(strstr(w.reason, "link"));
    n = make_chain(&ring, ids, 5, rows);
    rows[4].hash[0] = rows[4].hash[0] == 'a' ? 'b' : 'a';
    memcpy(rows[5].prev, rows[4].hash, sizeof(rows[5].prev));
    assert_false(walk(&ring, rows, n, NULL, 0, 8, rows[n - 1].hash, &w));
    assert_int_equal(w.first_bad, 6);
    assert_non_null(strstr(w.reason, "content"));
    n = make_chain(&ring, ids, 5, rows);
    assert_false(walk(&other, rows, n, NULL, 0, 8, rows[n - 1].hash, &w));
    assert_int_equal(w.first_bad, 5);
    assert_non_null(strstr(w.reason, "not configured"));

    /* Anchors: the chain as anchored passes; a chain rewritten whole with
     * the key (row 6 dropped, the rest renumbered) fails at the anchor. */
    n = make_chain(&ring, ids, 5, rows);
    cg_anchor anchors[2] = {{.id = 5}, {.id = 7}};
    memcpy(anchors[0].hash, rows[3].hash, sizeof(anchors[0].hash));
    memcpy(anchors[1].hash, rows[5].hash, sizeof(anchors[1].hash));
    assert_true(walk(&ring, rows, n, anchors, 2, 8, rows[n - 1].hash, &w));
    static const long long rewritten[] = {1, 2, 4, 5, 6, 7, 0};
    static const long long moved[] = {1, 2, 4, 5, 7, 8};
    n = make_chain_of(&ring, rewritten, moved, 5, rows);
    assert_false(walk(&ring, rows, n, anchors, 2, 7, rows[n - 1].hash, &w));
    assert_int_equal(w.first_bad, 7);
    assert_non_null(strstr(w.reason, "anchored"));
    /* Rows cut from the end, the head moved back: the anchor past the
     * end shows it. */
    static const long long cut[] = {1, 2, 4, 5, 6, 0};
    n = make_chain(&ring, cut, 5, rows);
    assert_true(walk(&ring, rows, n, anchors, 1, 6, rows[n - 1].hash, &w));
    assert_false(walk(&ring, rows, n, anchors, 2, 6, rows[n - 1].hash, &w));
    assert_int_equal(w.first_bad, 7);
    assert_non_null(strstr(w.reason, "end"));

    /* Resumed after a trusted row: only what follows is walked. */
    n = make_chain(&ring, ids, 5, rows);
    cg_chain_walk_resume(&w, 6, rows[4].hash, true);
    for (int i = 5; i < n; i++) {
        char expected[CG_CHAIN_HASH_LEN];
        cg_chain_hash(&ring.keys[0], rows[i].prev, rows[i].canonical, expected);
        assert_true(cg_chain_walk_row(&w, rows[i].id, rows[i].prev, rows[i].hash, rows[i].key_id,
                                      expected));
    }
    assert_true(cg_chain_walk_end(&w, 8, rows[n - 1].hash, -1));
    cg_chain_keyring_wipe(&ring);
    cg_chain_keyring_wipe(&other);
}

CG_TEST_MAIN_SODIUM(cmocka_unit_test(keyed_and_unkeyed_hashes), cmocka_unit_test(keyrings),
                    cmocka_unit_test(anchors_encode_and_decode), cmocka_unit_test(walks))
