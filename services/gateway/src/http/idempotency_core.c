/* Idempotency keys: digests and sealing (see idempotency.h). */
#include "idempotency.h"

#include <sodium.h>
#include <stdlib.h>
#include <string.h>

/* BLAKE2b over a label, the scope and the key, with NUL separators so that
 * ("a", "bc") and ("ab", "c") differ. */
static void digest3(const char *label, const char *scope, const char *key,
                    uint8_t out[GW_IDEM_DIGEST_LEN])
{
    crypto_generichash_state st;
    crypto_generichash_init(&st, NULL, 0, GW_IDEM_DIGEST_LEN);
    crypto_generichash_update(&st, (const unsigned char *)label, strlen(label) + 1);
    crypto_generichash_update(&st, (const unsigned char *)scope, strlen(scope) + 1);
    crypto_generichash_update(&st, (const unsigned char *)key, strlen(key));
    crypto_generichash_final(&st, out, GW_IDEM_DIGEST_LEN);
    sodium_memzero(&st, sizeof(st));
}

void gw_idem_derive(const char *scope, const char *key, uint8_t id[GW_IDEM_DIGEST_LEN],
                    uint8_t enc_key[GW_IDEM_DIGEST_LEN])
{
    digest3("cleangrid idempotency row", scope, key, id);
    digest3("cleangrid idempotency answer key", scope, key, enc_key);
}

void gw_idem_request_hash(const char *method, const char *path, const void *body, size_t len,
                          uint8_t out[GW_IDEM_DIGEST_LEN])
{
    crypto_generichash_state st;
    crypto_generichash_init(&st, NULL, 0, GW_IDEM_DIGEST_LEN);
    crypto_generichash_update(&st, (const unsigned char *)method, strlen(method) + 1);
    crypto_generichash_update(&st, (const unsigned char *)path, strlen(path) + 1);
    if (len > 0)
        crypto_generichash_update(&st, body, len);
    crypto_generichash_final(&st, out, GW_IDEM_DIGEST_LEN);
}

_Static_assert(GW_IDEM_DIGEST_LEN == crypto_secretbox_KEYBYTES,
               "the answer key is a secretbox key");

cg_code gw_idem_seal(const uint8_t enc_key[GW_IDEM_DIGEST_LEN], const void *plain, size_t len,
                     uint8_t **out, size_t *out_len, cg_err *err)
{
    size_t n = crypto_secretbox_NONCEBYTES + crypto_secretbox_MACBYTES + len;
    uint8_t *buf = malloc(n);
    *out = NULL;
    *out_len = 0;
    if (buf == NULL)
        return cg_err_set(err, CG_INTERNAL, "out of memory");
    randombytes_buf(buf, crypto_secretbox_NONCEBYTES);
    crypto_secretbox_easy(buf + crypto_secretbox_NONCEBYTES, plain, len, buf, enc_key);
    *out = buf;
    *out_len = n;
    return CG_OK;
}

cg_code gw_idem_open(const uint8_t enc_key[GW_IDEM_DIGEST_LEN], const uint8_t *sealed, size_t len,
                     char **out, size_t *out_len, cg_err *err)
{
    size_t overhead = crypto_secretbox_NONCEBYTES + crypto_secretbox_MACBYTES;
    char *buf = NULL;
    *out = NULL;
    *out_len = 0;
    if (len < overhead)
        return cg_err_set(err, CG_INTERNAL, "stored answer is too short");
    buf = malloc(len - overhead + 1);
    if (buf == NULL)
        return cg_err_set(err, CG_INTERNAL, "out of memory");
    if (crypto_secretbox_open_easy((unsigned char *)buf, sealed + crypto_secretbox_NONCEBYTES,
                                   len - crypto_secretbox_NONCEBYTES, sealed, enc_key) != 0) {
        free(buf);
        return cg_err_set(err, CG_INTERNAL, "stored answer does not decrypt");
    }
    buf[len - overhead] = '\0';
    *out = buf;
    *out_len = len - overhead;
    return CG_OK;
}
