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

void gw_idem_request_hash(const char *scope, const char *key, const char *method, const char *path,
                          const void *body, size_t len, uint8_t out[GW_IDEM_DIGEST_LEN])
{
    uint8_t request_key[GW_IDEM_DIGEST_LEN];
    crypto_generichash_state st;
    digest3("cleangrid idempotency request key", scope, key, request_key);
    crypto_generichash_init(&st, request_key, sizeof(request_key), GW_IDEM_DIGEST_LEN);
    crypto_generichash_update(&st, (const unsigned char *)method, strlen(method) + 1);
    crypto_generichash_update(&st, (const unsigned char *)path, strlen(path) + 1);
    if (len > 0)
        crypto_generichash_update(&st, body, len);
    crypto_generichash_final(&st, out, GW_IDEM_DIGEST_LEN);
    sodium_memzero(request_key, sizeof(request_key));
    sodium_memzero(&st, sizeof(st));
}
