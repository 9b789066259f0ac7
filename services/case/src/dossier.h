/* The electronic dossier (电子档案): every action on a clue or case appends
 * an entry, and the entries of one file are hash-chained so that a changed,
 * removed or reordered entry is found by verify.
 *
 * The hash of an entry is SHA-256 (libsodium crypto_hash_sha256) over the
 * canonical encoding written by case_dossier_encode(); docs/dossier.md gives
 * its exact byte layout, which the offline verifier of exported dossiers
 * recomputes. The encoding and the hash are pure functions (case_core); the
 * append and verify functions run on the case database (cg-case). */
#ifndef CASE_DOSSIER_H
#define CASE_DOSSIER_H

#include <libpq-fe.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "cg/status.h"

#define CASE_DOSSIER_HASH_SIZE 32
/* The first bytes of every encoding: names the layout, so a later layout
 * can never be mistaken for this one. */
#define CASE_DOSSIER_MAGIC "cleangrid.dossier.v1"

/* The content of one entry, as hashed. Every pointer is borrowed. */
typedef struct case_dossier_fields {
    const char *file_id;      /* canonical lower-case UUID text, 36 characters */
    int64_t seq;              /* 1 for the first entry of a file, then +1 */
    int64_t occurred_at_ms;   /* Unix milliseconds */
    const char *actor_id;     /* the actor's user id, or "system:<service>" */
    const char *action;       /* dotted verb, e.g. "clue.created" */
    const char *summary_json; /* the summary exactly as PostgreSQL prints the
                               * stored jsonb (summary::text) */
    const uint8_t *prev_hash; /* CASE_DOSSIER_HASH_SIZE bytes; zeros for seq 1 */
} case_dossier_fields;

/* Write the canonical encoding of f into out (cap bytes) and return its
 * length. When out is NULL or cap is too small nothing is written; the
 * return value is still the length needed. */
size_t case_dossier_encode(const case_dossier_fields *f, uint8_t *out, size_t cap);

/* SHA-256 over the canonical encoding of f into out. Needs no allocation. */
void case_dossier_hash(const case_dossier_fields *f, uint8_t out[CASE_DOSSIER_HASH_SIZE]);

/* Appends one entry to the dossier of the clue or case file_id, inside the
 * caller's open transaction on conn (the caller commits). action is a
 * dotted verb ("clue.created", "disposal.proposed", "document.added", ...);
 * summary is a short JSON object text describing what changed (never
 * report text of a protected reporter). Serializes appends per file
 * (row lock / advisory lock) so the chain stays linear with several
 * replicas.
 *
 * The lock is the row of file_id in dossier_heads, taken until the
 * caller's transaction ends. INVALID_ARGUMENT for a file_id that is not a
 * UUID, an empty actor or action, or a summary that is not a JSON object. */
cg_code case_dossier_append(PGconn *conn, const char *file_id, const char *actor_id,
                            const char *action, const char *summary_json, cg_err *err);

/* Columns of case_dossier_entries() rows. */
enum case_dossier_col {
    CASE_DOSSIER_COL_SEQ,
    CASE_DOSSIER_COL_AT_MS,
    CASE_DOSSIER_COL_ACTOR,
    CASE_DOSSIER_COL_ACTION,
    CASE_DOSSIER_COL_SUMMARY,   /* summary::text, the text the hash covers */
    CASE_DOSSIER_COL_PREV_HASH, /* hex */
    CASE_DOSSIER_COL_HASH,      /* hex */
};

/* Up to limit entries of file_id with seq > after_seq, in seq order. *out
 * is owned by the caller. */
cg_code case_dossier_entries(PGconn *conn, const char *file_id, int64_t after_seq, int limit,
                             PGresult **out, cg_err *err);

/* Checks the chain of file_id: *whole true if every entry's hash matches;
 * otherwise *first_bad_seq is the first broken entry.
 *
 * An entry is broken when its hash does not match its content, its
 * prev_hash is not the previous entry's hash, or it is missing (a gap: the
 * missing seq is named). The last entry must also match the head row kept
 * by append, so entries removed from or added at the end are found. A file
 * with no entries is whole. Verify holds the head row FOR SHARE until the
 * transaction ends (its own one when conn is not in a transaction), so
 * concurrent appends do not make the head and the entries disagree. */
cg_code case_dossier_verify(PGconn *conn, const char *file_id, bool *whole, int64_t *first_bad_seq,
                            cg_err *err);

#endif
