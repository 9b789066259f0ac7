/* Sealing a named reporter's identity (identity.h). */
#include "identity.h"

#include <cjson/cJSON.h>
#include <stdlib.h>
#include <string.h>

cg_code intake_identity_key_parse(const char *hex, intake_identity_key *key, cg_err *err)
{
    size_t bin_len = 0;
    const char *end = NULL;
    unsigned char digest[8];

    if (hex == NULL || strlen(hex) != 2 * INTAKE_IDENTITY_KEY_BYTES ||
        sodium_hex2bin(key->public_key, sizeof(key->public_key), hex, strlen(hex), NULL, &bin_len,
                       &end) != 0 ||
        bin_len != INTAKE_IDENTITY_KEY_BYTES || *end != '\0')
        return cg_err_set(err, CG_INVALID_ARGUMENT,
                          "CG_REPORTER_PUBLIC_KEY: must be %d hex digits, the identity "
                          "custodian's X25519 public key (docs/operations.md)",
                          2 * INTAKE_IDENTITY_KEY_BYTES);
    crypto_generichash(digest, sizeof(digest), key->public_key, sizeof(key->public_key), NULL, 0);
    sodium_bin2hex(key->id, sizeof(key->id), digest, sizeof(digest));
    return CG_OK;
}

cg_code intake_identity_seal(const intake_identity_key *key, const char *name, const char *phone,
                             unsigned char **out, size_t *len, cg_err *err)
{
    cg_code rc = CG_INTERNAL;
    cJSON *identity = cJSON_CreateObject();
    char *clear = NULL;
    unsigned char *sealed = NULL;

    *out = NULL;
    *len = 0;
    if (identity == NULL || cJSON_AddStringToObject(identity, "name", name) == NULL ||
        cJSON_AddStringToObject(identity, "phone", phone != NULL ? phone : "") == NULL ||
        (clear = cJSON_PrintUnformatted(identity)) == NULL) {
        cg_err_set(err, CG_INTERNAL, "out of memory");
        goto cleanup;
    }
    size_t clear_len = strlen(clear);
    sealed = malloc(clear_len + crypto_box_SEALBYTES);
    if (sealed == NULL) {
        cg_err_set(err, CG_INTERNAL, "out of memory");
        goto cleanup;
    }
    if (crypto_box_seal(sealed, (const unsigned char *)clear, clear_len, key->public_key) != 0) {
        cg_err_set(err, CG_INTERNAL, "cannot seal the reporter's identity");
        goto cleanup;
    }
    *out = sealed;
    *len = clear_len + crypto_box_SEALBYTES;
    sealed = NULL;
    rc = CG_OK;

cleanup:
    if (clear != NULL) {
        sodium_memzero(clear, strlen(clear));
        cJSON_free(clear);
    }
    /* The tree holds the name and phone too: wipe its strings. */
    cJSON *item;
    cJSON_ArrayForEach(item, identity)
    {
        if (cJSON_IsString(item) && item->valuestring != NULL)
            sodium_memzero(item->valuestring, strlen(item->valuestring));
    }
    cJSON_Delete(identity);
    free(sealed);
    return rc;
}

char *intake_identity_bytea(const unsigned char *sealed, size_t len)
{
    char *text = malloc(2 + 2 * len + 1);
    if (text == NULL)
        return NULL;
    memcpy(text, "\\x", 2);
    sodium_bin2hex(text + 2, 2 * len + 1, sealed, len);
    return text;
}
