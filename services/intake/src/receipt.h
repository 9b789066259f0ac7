/* The receipt (查询码) a reporter gets once and later uses to follow up.
 *
 * A receipt is 16 random decimal digits. Only two things derived from it are
 * stored: its first 8 digits (the lookup key, to find the row without a scan)
 * and an argon2id hash of all 16 digits (to prove the caller holds it). The
 * other 8 digits, about 26.6 bits, are never stored in the clear.
 *
 * 26.6 bits are few: at any argon2id cost a service can afford per report, a
 * stolen table could be searched for them. So the receipt is first keyed with
 * a secret the database never holds (CG_RECEIPT_KEY, BLAKE2b-256), and
 * argon2id hashes that. A copy of the database alone then reveals nothing,
 * and argon2id remains the line of defence if the key leaks as well.
 *
 * Pure functions over libsodium: no database, no NATS, no logging. */
#ifndef INTAKE_RECEIPT_H
#define INTAKE_RECEIPT_H

#include <sodium.h>
#include <stdbool.h>
#include <stddef.h>

#include "cg/limits.h"
#include "cg/status.h"

#define INTAKE_RECEIPT_DIGITS CG_RECEIPT_DIGITS
#define INTAKE_RECEIPT_LOOKUP_DIGITS 8
/* Size of a buffer that holds a receipt hash string and its terminator. */
#define INTAKE_RECEIPT_HASH_SIZE crypto_pwhash_argon2id_STRBYTES

#define INTAKE_RECEIPT_KEY_BYTES 32

/* The key and the argon2id cost. The cost is checked against libsodium's
 * bounds when used. */
typedef struct intake_receipt_params {
    unsigned char key[INTAKE_RECEIPT_KEY_BYTES];
    unsigned long long opslimit;
    size_t memlimit_bytes;
} intake_receipt_params;

/* Parse a key given as 64 hex digits into params->key. INVALID_ARGUMENT (the
 * message never repeats the value) when it is anything else. */
cg_code intake_receipt_key_parse(const char *hex, intake_receipt_params *params, cg_err *err);

/* Write a fresh random receipt (16 digits and a terminator) into out.
 * Needs sodium_init(). */
void intake_receipt_generate(char out[INTAKE_RECEIPT_DIGITS + 1]);

/* True if s (may be NULL) is exactly 16 ASCII digits. */
bool intake_receipt_format_valid(const char *s);

/* Write the lookup key (the first 8 digits and a terminator) of a receipt
 * whose format is valid into out. */
void intake_receipt_lookup_key(const char *receipt, char out[INTAKE_RECEIPT_LOOKUP_DIGITS + 1]);

/* Hash a receipt with argon2id at the cost in params into out (a
 * self-describing string that carries its own salt and cost). Fails with
 * INVALID_ARGUMENT when params are outside libsodium's bounds or the receipt's
 * format is not valid, and INTERNAL when libsodium cannot allocate the
 * memory. */
cg_code intake_receipt_hash(const char *receipt, const intake_receipt_params *params,
                            char out[INTAKE_RECEIPT_HASH_SIZE], cg_err *err);

/* True if receipt matches hash (as written by intake_receipt_hash with the
 * same key). For a well-formed receipt this costs one argon2id computation at
 * the hash's own cost, match or not. */
bool intake_receipt_verify(const intake_receipt_params *params, const char *hash,
                           const char *receipt);

#endif
