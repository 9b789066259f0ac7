/* Keyed hash chains: the keyring, the row hash, the walk that checks a
 * chain and the anchor's encoding. Pure: no database, no NATS (chain.h). */
#include "cg/chain.h"

#include <cjson/cJSON.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#include "cg/util.h"

static const char zero_hash[] = "0000000000000000000000000000000000000000000000000000000000000000";

/* Parse len characters of hex at s into one key of ring. */
static bool add_key(cg_chain_keyring *ring, const char *s, size_t len)
{
    size_t bin_len = 0;
    const char *end = NULL;
    cg_chain_key *k = &ring->keys[ring->nkeys];
    if (len != 2 * CG_CHAIN_KEY_BYTES ||
        sodium_hex2bin(k->key, sizeof(k->key), s, len, NULL, &bin_len, &end) != 0 ||
        bin_len != CG_CHAIN_KEY_BYTES || end != s + len)
        return false;
    cg_chain_key_id(k->key, k->id);
    ring->nkeys++;
    return true;
}

cg_code cg_chain_keyring_load(cg_chain_keyring *ring, const char *var, const char *current,
                              const char *old, cg_err *err)
{
    memset(ring, 0, sizeof(*ring));
    if (current == NULL || !add_key(ring, current, strlen(current)))
        return cg_err_set(err, CG_INVALID_ARGUMENT,
                          "%s: must be %d hex digits (e.g. from `openssl rand -hex 32`)", var,
                          2 * CG_CHAIN_KEY_BYTES);
    for (const char *p = old != NULL ? old : ""; *p != '\0';) {
        size_t len = strcspn(p, ",");
        if (ring->nkeys > CG_CHAIN_KEYS_MAX || !add_key(ring, p, len)) {
            cg_chain_keyring_wipe(ring);
            return cg_err_set(err, CG_INVALID_ARGUMENT,
                              "%s, the old keys: at most %d keys of %d hex digits, separated by "
                              "commas",
                              var, CG_CHAIN_KEYS_MAX, 2 * CG_CHAIN_KEY_BYTES);
        }
        p += len + (p[len] == ',');
    }
    return CG_OK;
}

void cg_chain_keyring_wipe(cg_chain_keyring *ring)
{
    sodium_memzero(ring, sizeof(*ring));
}

const cg_chain_key *cg_chain_keyring_find(const cg_chain_keyring *ring, const char *key_id)
{
    for (int i = 0; key_id != NULL && i < ring->nkeys; i++)
        if (strcmp(ring->keys[i].id, key_id) == 0)
            return &ring->keys[i];
    return NULL;
}

void cg_chain_key_id(const unsigned char key[CG_CHAIN_KEY_BYTES], char out[CG_CHAIN_KEY_ID_LEN])
{
    unsigned char digest[crypto_hash_sha256_BYTES];
    crypto_hash_sha256(digest, key, CG_CHAIN_KEY_BYTES);
    sodium_bin2hex(out, CG_CHAIN_KEY_ID_LEN, digest, (CG_CHAIN_KEY_ID_LEN - 1) / 2);
}

void cg_chain_hash(const cg_chain_key *key, const char *prev_hash, const char *canonical,
                   char out[CG_CHAIN_HASH_LEN])
{
    unsigned char digest[crypto_auth_hmacsha256_BYTES];
    const unsigned char *parts[] = {(const unsigned char *)prev_hash, (const unsigned char *)"\n",
                                    (const unsigned char *)canonical};
    size_t lens[] = {strlen(prev_hash), 1, strlen(canonical)};
    _Static_assert(crypto_auth_hmacsha256_BYTES == crypto_hash_sha256_BYTES, "one digest size");
    if (key != NULL) {
        crypto_auth_hmacsha256_state st;
        crypto_auth_hmacsha256_init(&st, key->key, CG_CHAIN_KEY_BYTES);
        for (size_t i = 0; i < 3; i++)
            crypto_auth_hmacsha256_update(&st, parts[i], lens[i]);
        crypto_auth_hmacsha256_final(&st, digest);
        sodium_memzero(&st, sizeof(st));
    } else {
        crypto_hash_sha256_state st;
        crypto_hash_sha256_init(&st);
        for (size_t i = 0; i < 3; i++)
            crypto_hash_sha256_update(&st, parts[i], lens[i]);
        crypto_hash_sha256_final(&st, digest);
    }
    sodium_bin2hex(out, CG_CHAIN_HASH_LEN, digest, sizeof(digest));
}

/* --- anchors -------------------------------------------------------------- */

char *cg_anchor_encode(const cg_anchor *a)
{
    char *text = NULL;
    cJSON *o = cJSON_CreateObject();
    if (o != NULL && cJSON_AddNumberToObject(o, "id", (double)a->id) != NULL &&
        cJSON_AddStringToObject(o, "hash", a->hash) != NULL &&
        cJSON_AddStringToObject(o, "key_id", a->key_id) != NULL &&
        cJSON_AddNumberToObject(o, "at_ms", (double)a->at_ms) != NULL)
        text = cJSON_PrintUnformatted(o);
    cJSON_Delete(o);
    return text;
}

/* True when s is n lower-case hex digits. */
static bool is_hex(const char *s, size_t n)
{
    return s != NULL && strlen(s) == n && strspn(s, "0123456789abcdef") == n;
}

bool cg_anchor_decode(const char *data, size_t len, cg_anchor *out)
{
    cJSON *o = cJSON_ParseWithLength(data, len);
    const cJSON *id = cJSON_GetObjectItemCaseSensitive(o, "id");
    const char *hash = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(o, "hash"));
    const char *key_id = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(o, "key_id"));
    const cJSON *at = cJSON_GetObjectItemCaseSensitive(o, "at_ms");
    bool ok = cJSON_IsNumber(id) && id->valuedouble >= 1 && cJSON_IsNumber(at) &&
              is_hex(hash, CG_CHAIN_HASH_LEN - 1) &&
              (is_hex(key_id, CG_CHAIN_KEY_ID_LEN - 1) || (key_id != NULL && key_id[0] == '\0'));
    if (ok) {
        out->id = (long long)id->valuedouble;
        out->at_ms = (int64_t)at->valuedouble;
        cg_strlcpy(out->hash, hash, sizeof(out->hash));
        cg_strlcpy(out->key_id, key_id, sizeof(out->key_id));
    }
    cJSON_Delete(o);
    return ok;
}

/* --- the walk ------------------------------------------------------------- */

static bool walk_break(cg_chain_walk *w, long long id, const char *reason)
{
    w->broken = true;
    w->first_bad = id;
    w->reason = reason;
    return false;
}

void cg_chain_walk_start(cg_chain_walk *w, const cg_anchor *anchors, size_t n)
{
    memset(w, 0, sizeof(*w));
    memcpy(w->prev_hash, zero_hash, sizeof(w->prev_hash));
    w->anchors = anchors;
    w->nanchors = n;
}

void cg_chain_walk_resume(cg_chain_walk *w, long long after_id, const char *after_hash, bool keyed)
{
    cg_chain_walk_start(w, NULL, 0);
    w->last_id = after_id;
    cg_strlcpy(w->prev_hash, after_hash, sizeof(w->prev_hash));
    w->keyed = keyed;
}

bool cg_chain_walk_row(cg_chain_walk *w, long long id, const char *prev_hash, const char *hash,
                       const char *key_id, const char *expected)
{
    if (w->broken)
        return false;
    /* Rows appended through a sequence (before the writer numbered them
     * from the head) may skip ids; keyed rows never do. */
    if ((w->contiguous || w->keyed || key_id != NULL) && id != w->last_id + 1)
        return walk_break(w, w->last_id + 1,
                          id > w->last_id + 1
                              ? "rows are missing: the ids of the chain are not contiguous here"
                              : "the ids of the chain are out of order here");
    if (id <= w->last_id)
        return walk_break(w, id, "the ids of the chain are out of order here");
    if (strcmp(prev_hash, w->prev_hash) != 0)
        return walk_break(w, id, "this row's link to the row before it no longer matches");
    if (key_id == NULL && w->keyed)
        return walk_break(w, id, "an unkeyed row follows a keyed one: the chain was rewritten");
    if (expected == NULL)
        return walk_break(w, id, "this row was written with a key that is not configured");
    if (strcmp(hash, expected) != 0)
        return walk_break(w, id, "this row's content no longer matches its hash");
    /* An anchor for an id the walk passed without meeting names a row that
     * is gone. */
    for (; w->next_anchor < w->nanchors && w->anchors[w->next_anchor].id <= id; w->next_anchor++) {
        const cg_anchor *a = &w->anchors[w->next_anchor];
        if (a->id < id)
            return walk_break(w, a->id, "a row anchored outside the database is missing");
        if (strcmp(a->hash, hash) != 0)
            return walk_break(w, id,
                              "this row differs from the hash anchored outside the "
                              "database: the chain was rewritten");
    }
    w->last_id = id;
    w->keyed = key_id != NULL;
    cg_strlcpy(w->prev_hash, hash, sizeof(w->prev_hash));
    w->rows++;
    return true;
}

bool cg_chain_walk_end(cg_chain_walk *w, long long head_id, const char *head_hash,
                       long long head_rows)
{
    if (w->broken)
        return false;
    if (w->next_anchor < w->nanchors)
        return walk_break(w, w->anchors[w->next_anchor].id,
                          "rows anchored outside the database are missing from the end of the "
                          "chain");
    if (head_id != w->last_id || strcmp(head_hash, w->prev_hash) != 0 ||
        (head_rows >= 0 && head_rows != w->rows))
        return walk_break(w, head_id,
                          "rows are missing from the end of the chain; the newest row written "
                          "was this one");
    return true;
}
