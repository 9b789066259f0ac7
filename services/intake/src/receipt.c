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
    if (crypto_pwhash_str_alg(out, receipt, INTAKE_RECEIPT_DIGITS, params->opslimit,
                              params->memlimit_bytes, crypto_pwhash_ALG_ARGON2ID13) != 0) {
        /* The only documented failure is running out of memory. */
        return cg_err_set(err, CG_INTERNAL, "argon2id hashing failed (out of memory)");
    }
    return CG_OK;
}

bool intake_receipt_verify(const char *hash, const char *receipt)
{
    if (hash == NULL || !intake_receipt_format_valid(receipt)) {
        return false;
    }
    return crypto_pwhash_str_verify(hash, receipt, INTAKE_RECEIPT_DIGITS) == 0;
}
