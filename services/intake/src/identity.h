/* A named reporter's identity at rest: sealed, never in the clear.
 *
 * A named report's name and phone are sealed (libsodium's sealed box:
 * X25519 and XSalsa20-Poly1305 under a one-time key) to the public key of
 * the identity custodian (保管人), CG_REPORTER_PUBLIC_KEY. Intake holds the
 * public key only: it can seal and never open, so neither the database, nor
 * a backup of it, nor intake's own configuration reveals a reporter. The
 * secret key stays with the custodian, outside the platform; no route of
 * the API opens an identity (docs/operations.md, "Reporter identities"). */
#ifndef INTAKE_IDENTITY_H
#define INTAKE_IDENTITY_H

#include <sodium.h>
#include <stddef.h>

#include "cg/status.h"

#define INTAKE_IDENTITY_KEY_BYTES crypto_box_PUBLICKEYBYTES
/* The key id stored beside each sealed identity: which custodian key opens
 * it, so keys can be rotated (16 hex digits of the key's BLAKE2b hash). */
#define INTAKE_IDENTITY_KEY_ID_LEN 16

typedef struct intake_identity_key {
    unsigned char public_key[INTAKE_IDENTITY_KEY_BYTES];
    char id[INTAKE_IDENTITY_KEY_ID_LEN + 1];
} intake_identity_key;

/* Parse CG_REPORTER_PUBLIC_KEY (64 hex digits) into key. INVALID_ARGUMENT,
 * naming the variable, otherwise. */
cg_code intake_identity_key_parse(const char *hex, intake_identity_key *key, cg_err *err);

/* Seal {"name": name, "phone": phone} (phone may be NULL or "") to key.
 * *out is owned by the caller (free()), *len its length. INTERNAL when out
 * of memory. The clear text is wiped before it is freed. */
cg_code intake_identity_seal(const intake_identity_key *key, const char *name, const char *phone,
                             unsigned char **out, size_t *len, cg_err *err);

/* The sealed bytes as PostgreSQL's bytea text ("\x" and hex digits), for a
 * query parameter. Owned by the caller (free()); NULL when out of memory. */
char *intake_identity_bytea(const unsigned char *sealed, size_t len);

#endif
