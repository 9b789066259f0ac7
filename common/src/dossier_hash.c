/* The canonical encoding of a dossier entry and its hash. Pure: the offline
 * verifier of exported dossiers must compute exactly the same bytes, so the
 * layout here and in docs/dossier.md change only together, and only with a
 * new magic. */
#include <sodium.h>
#include <string.h>

#include "cg/dossier.h"

/* Where encoded bytes go: into a buffer (as far as it reaches) or into a
 * running SHA-256, so encode and hash cannot disagree on the layout. */
typedef struct sink {
    uint8_t *buf;
    size_t cap;
    size_t len;
    crypto_hash_sha256_state *sha;
    crypto_auth_hmacsha256_state *mac;
} sink;

static void put(sink *s, const void *p, size_t n)
{
    if (s->sha != NULL) {
        crypto_hash_sha256_update(s->sha, p, n);
    } else if (s->mac != NULL) {
        crypto_auth_hmacsha256_update(s->mac, p, n);
    } else if (s->buf != NULL && s->len + n <= s->cap) {
        memcpy(s->buf + s->len, p, n);
    }
    s->len += n;
}

static void put_be(sink *s, uint64_t v, size_t width)
{
    uint8_t b[8];
    for (size_t i = 0; i < width; i++) {
        b[i] = (uint8_t)(v >> (8 * (width - 1 - i)));
    }
    put(s, b, width);
}

/* A string as a 4-byte big-endian length and its bytes: no two different
 * field sequences encode alike, whatever bytes the strings hold. */
static void put_str(sink *s, const char *str)
{
    size_t n = str != NULL ? strlen(str) : 0;
    put_be(s, (uint64_t)n, 4);
    put(s, str, n);
}

static void emit(sink *s, const cg_dossier_fields *f)
{
    static const uint8_t zeros[CG_DOSSIER_HASH_SIZE];
    put(s, CG_DOSSIER_MAGIC, sizeof CG_DOSSIER_MAGIC - 1);
    put_str(s, f->file_id);
    put_be(s, (uint64_t)f->seq, 8);
    put_be(s, (uint64_t)f->occurred_at_ms, 8);
    put_str(s, f->actor_id);
    put_str(s, f->action);
    put_str(s, f->summary_json);
    put(s, f->prev_hash != NULL ? f->prev_hash : zeros, CG_DOSSIER_HASH_SIZE);
}

size_t cg_dossier_encode(const cg_dossier_fields *f, uint8_t *out, size_t cap)
{
    sink measure = {0};
    emit(&measure, f);
    if (out != NULL && measure.len <= cap) {
        sink s = {.buf = out, .cap = cap};
        emit(&s, f);
    }
    return measure.len;
}

void cg_dossier_hash(const cg_dossier_fields *f, uint8_t out[CG_DOSSIER_HASH_SIZE])
{
    cg_dossier_hash_keyed(NULL, f, out);
}

void cg_dossier_hash_keyed(const cg_chain_key *key, const cg_dossier_fields *f,
                           uint8_t out[CG_DOSSIER_HASH_SIZE])
{
    if (key == NULL) {
        crypto_hash_sha256_state sha;
        sink s = {.sha = &sha};
        crypto_hash_sha256_init(&sha);
        emit(&s, f);
        crypto_hash_sha256_final(&sha, out);
        return;
    }
    crypto_auth_hmacsha256_state mac;
    sink s = {.mac = &mac};
    crypto_auth_hmacsha256_init(&mac, key->key, CG_CHAIN_KEY_BYTES);
    emit(&s, f);
    crypto_auth_hmacsha256_final(&mac, out);
    sodium_memzero(&mac, sizeof(mac));
}
