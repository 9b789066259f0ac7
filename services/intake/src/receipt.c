#include "receipt.h"

#include <string.h>

#include "cg/util.h"

void intake_receipt_generate(char out[INTAKE_RECEIPT_DIGITS + 1])
{
    cg_random_digits(out, INTAKE_RECEIPT_DIGITS);
}

bool intake_receipt_format_valid(const char *s)
{
    if (s == NULL) {
        return false;
    }
    for (size_t i = 0; i < INTAKE_RECEIPT_DIGITS; i++) {
        /* Compare with '0'..'9' rather than isdigit(), which depends on the
         * locale; a NUL ends the loop here too, as it is not a digit. */
        if (s[i] < '0' || s[i] > '9') {
            return false;
        }
    }
    return s[INTAKE_RECEIPT_DIGITS] == '\0';
}

void intake_receipt_lookup_key(const char *receipt, char out[INTAKE_RECEIPT_LOOKUP_DIGITS + 1])
{
    memcpy(out, receipt, INTAKE_RECEIPT_LOOKUP_DIGITS);
    out[INTAKE_RECEIPT_LOOKUP_DIGITS] = '\0';
}

cg_code intake_receipt_key_parse(const char *hex, intake_receipt_params *params, cg_err *err)
{
    size_t bin_len = 0;
    const char *end = NULL;
    if (hex == NULL || strlen(hex) != 2 * INTAKE_RECEIPT_KEY_BYTES ||
        sodium_hex2bin(params->key, sizeof(params->key), hex, strlen(hex), NULL, &bin_len, &end) !=
            0 ||
        bin_len != INTAKE_RECEIPT_KEY_BYTES || *end != '\0') {
        sodium_memzero(params->key, sizeof(params->key));
        return cg_err_set(
            err, CG_INVALID_ARGUMENT,
            "CG_RECEIPT_KEY: must be %d hex digits (e.g. from `openssl rand -hex 32`)",
            2 * INTAKE_RECEIPT_KEY_BYTES);
    }
    return CG_OK;
}

/* The keyed digest of a receipt as hex: what argon2id actually hashes. */
static void keyed_receipt(const intake_receipt_params *params, const char *receipt,
                          char out[2 * crypto_generichash_BYTES + 1])
{
    unsigned char digest[crypto_generichash_BYTES];
    crypto_generichash(digest, sizeof(digest), (const unsigned char *)receipt,
                       INTAKE_RECEIPT_DIGITS, params->key, sizeof(params->key));
    sodium_bin2hex(out, 2 * crypto_generichash_BYTES + 1, digest, sizeof(digest));
    sodium_memzero(digest, sizeof(digest));
}

cg_code intake_receipt_hash(const char *receipt, const intake_receipt_params *params,
                            char out[INTAKE_RECEIPT_HASH_SIZE], cg_err *err)
{
    if (!intake_receipt_format_valid(receipt)) {
        return cg_err_set(err, CG_INVALID_ARGUMENT, "receipt is not 16 digits");
    }
    if (params->opslimit < crypto_pwhash_argon2id_opslimit_min() ||
        params->opslimit > crypto_pwhash_argon2id_opslimit_max() ||
        params->memlimit_bytes < crypto_pwhash_argon2id_memlimit_min() ||
        params->memlimit_bytes > crypto_pwhash_argon2id_memlimit_max()) {
        return cg_err_set(err, CG_INVALID_ARGUMENT,
                          "argon2id cost outside libsodium's bounds (opslimit %llu, memlimit %zu)",
                          params->opslimit, params->memlimit_bytes);
    }
    char keyed[2 * crypto_generichash_BYTES + 1];
    keyed_receipt(params, receipt, keyed);
    int failed = crypto_pwhash_str_alg(out, keyed, strlen(keyed), params->opslimit,
                                       params->memlimit_bytes, crypto_pwhash_ALG_ARGON2ID13);
    sodium_memzero(keyed, sizeof(keyed));
    /* The only documented failure is running out of memory. */
    if (failed != 0)
        return cg_err_set(err, CG_INTERNAL, "argon2id hashing failed (out of memory)");
    return CG_OK;
}

bool intake_receipt_verify(const intake_receipt_params *params, const char *hash,
                           const char *receipt)
{
    if (hash == NULL || !intake_receipt_format_valid(receipt)) {
        return false;
    }
    char keyed[2 * crypto_generichash_BYTES + 1];
    keyed_receipt(params, receipt, keyed);
    bool match = crypto_pwhash_str_verify(hash, keyed, strlen(keyed)) == 0;
    sodium_memzero(keyed, sizeof(keyed));
    return match;
}
