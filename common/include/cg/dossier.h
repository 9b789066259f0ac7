/* The electronic dossier (电子档案) of a service's files (the case service's
 * clues and cases; rectification's and integrity's files next): every
 * action on a file appends an entry, and the entries of one file are
 * hash-chained so that a changed, removed or reordered entry is found by
 * verify.
 *
 * The hash of an entry is SHA-256 (libsodium crypto_hash_sha256) over the
 * canonical encoding written by cg_dossier_encode(); docs/dossier.md gives
 * its exact byte layout, which the offline verifier of exported dossiers
 * (cg-dossier-verify) recomputes. The encoding and the hash are pure
 * functions; append, list and verify run on the service's own database, on
 * the tables the service names in a cg_dossier_tables (below) and creates
 * from the migration template common/templates/dossier.sql. */
#ifndef CG_DOSSIER_H
#define CG_DOSSIER_H

#include <libpq-fe.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "cg/chain.h"
#include "cg/db.h"
#include "cg/status.h"

#define CG_DOSSIER_HASH_SIZE 32
/* The first bytes of every encoding: names the layout, so a later layout
 * can never be mistaken for this one. */
#define CG_DOSSIER_MAGIC "cleangrid.dossier.v1"

/* The content of one entry, as hashed. Every pointer is borrowed. */
typedef struct cg_dossier_fields {
    const char *file_id;      /* canonical lower-case UUID text, 36 characters */
    int64_t seq;              /* 1 for the first entry of a file, then +1 */
    int64_t occurred_at_ms;   /* Unix milliseconds */
    const char *actor_id;     /* the actor's user id, or "system:<service>" */
    const char *action;       /* dotted verb, e.g. "clue.created" */
    const char *summary_json; /* the summary exactly as PostgreSQL prints the
                               * stored jsonb (summary::text) */
    const uint8_t *prev_hash; /* CG_DOSSIER_HASH_SIZE bytes; zeros for seq 1 */
} cg_dossier_fields;

/* Write the canonical encoding of f into out (cap bytes) and return its
 * length. When out is NULL or cap is too small nothing is written; the
 * return value is still the length needed. */
size_t cg_dossier_encode(const cg_dossier_fields *f, uint8_t *out, size_t cap);

/* SHA-256 over the canonical encoding of f into out: the hash of an entry
 * written before the dossier was keyed. Needs no allocation. */
void cg_dossier_hash(const cg_dossier_fields *f, uint8_t out[CG_DOSSIER_HASH_SIZE]);
/* HMAC-SHA256 keyed by key (borrowed) over the same encoding: the hash of a
 * keyed entry, whose key_id names key; cg_dossier_hash() when key is
 * NULL. */
void cg_dossier_hash_keyed(const cg_chain_key *key, const cg_dossier_fields *f,
                           uint8_t out[CG_DOSSIER_HASH_SIZE]);

/* A service's dossier tables and the statements on them. Build it with
 * CG_DOSSIER_TABLES(), never by hand: the macro pastes the two names, which
 * must be string literals, into the statements at compile time, so no SQL
 * text is ever built from a value at run time. Each service has one,
 * static and const, for the life of the process. */
typedef struct cg_dossier_tables {
    const char *entries; /* the entries table, e.g. "dossier_entries" */
    const char *heads;   /* the heads table, e.g. "dossier_heads" */
    /* The statements of dossier.c and of the export, on those tables. */
    const char *sql_lock_head;
    const char *sql_append;
    const char *sql_head;
    const char *sql_entries;
    const char *sql_export;
    const char *sql_changed;
    const char *sql_entry_hash;
} cg_dossier_tables;

/* The cg_dossier_tables of the entries table ENTRIES_ and the heads table
 * HEADS_ (string literals), as an initializer:
 *   static const cg_dossier_tables x = CG_DOSSIER_TABLES("dossier_entries",
 *                                                        "dossier_heads");
 *
 * sql_lock_head locks the file's head (creating it at the first append) and
 * reads, in the same round trip, what the new entry needs: the previous seq
 * and hash, the time in whole milliseconds, and the summary as PostgreSQL
 * will print the stored jsonb, which is the text the hash covers. The no-op
 * update takes the row lock that serializes appends to the file until the
 * caller's transaction ends.
 *
 * sql_head takes the head FOR SHARE: an append in progress is waited for,
 * and no later append of this file commits while verify reads it, so the
 * entries read afterwards (each query under its own READ COMMITTED
 * snapshot) agree with the head.
 *
 * sql_export reads every entry of a file with the time also as RFC 3339
 * text, by the same expression as sql_entries, so the milliseconds
 * exported are the ones hashed.
 *
 * sql_changed reads the heads that moved after a mark (each append takes a
 * new one from the heads' sequence), for the anchorer; sql_entry_hash one
 * entry's hash and key id, to check that an anchored entry is still as
 * anchored. */
#define CG_DOSSIER_TABLES(ENTRIES_, HEADS_)                                                        \
    {                                                                                              \
        .entries = ENTRIES_, .heads = HEADS_,                                                      \
        .sql_lock_head = "INSERT INTO " HEADS_ " AS h (file_id) VALUES ($1::uuid)"                 \
                         " ON CONFLICT (file_id) DO UPDATE SET last_seq = h.last_seq"              \
                         " RETURNING h.last_seq, encode(h.last_hash, 'hex'),"                      \
                         " (extract(epoch FROM clock_timestamp()) * 1000)::bigint,"                \
                         " $2::jsonb::text, jsonb_typeof($2::jsonb)",                              \
        .sql_append =                                                                              \
            "WITH e AS (INSERT INTO " ENTRIES_                                                     \
            " (file_id, seq, occurred_at, actor_id, action, summary, prev_hash, hash"              \
            " , key_id) VALUES ($1::uuid, $2::bigint,"                                             \
            " 'epoch'::timestamptz + $3::bigint * interval '1 millisecond',"                       \
            " $4, $5, $6::jsonb, decode($7, 'hex'), decode($8, 'hex'), $9))"                       \
            " UPDATE " HEADS_ " SET last_seq = $2::bigint, last_hash = decode($8, 'hex'),"         \
            " changed = nextval('" HEADS_ "_changed_seq') WHERE file_id = $1::uuid",               \
        .sql_head = "SELECT last_seq, encode(last_hash, 'hex') FROM " HEADS_                       \
                    " WHERE file_id = $1::uuid FOR SHARE",                                         \
        .sql_entries = "SELECT seq, (extract(epoch FROM occurred_at) * 1000)::bigint, actor_id,"   \
                       " action, summary::text, encode(prev_hash, 'hex'), encode(hash, 'hex'),"    \
                       " key_id FROM " ENTRIES_ " WHERE file_id = $1::uuid AND seq > $2::bigint"   \
                       " ORDER BY seq LIMIT $3::integer",                                          \
        .sql_export = "SELECT seq, (extract(epoch FROM occurred_at) * 1000)::bigint,"              \
                      " to_char(occurred_at AT TIME ZONE 'UTC',"                                   \
                      " 'YYYY-MM-DD\"T\"HH24:MI:SS.MS\"Z\"'),"                                     \
                      " actor_id, action, summary::text, encode(prev_hash, 'hex'),"                \
                      " encode(hash, 'hex'), key_id FROM " ENTRIES_ " WHERE file_id = $1::uuid"    \
                      " ORDER BY seq",                                                             \
        .sql_changed = "SELECT file_id::text, changed FROM " HEADS_                                \
                       " WHERE changed > $1::bigint ORDER BY changed LIMIT $2::integer",           \
        .sql_entry_hash = "SELECT encode(hash, 'hex'), key_id FROM " ENTRIES_                      \
                          " WHERE file_id = $1::uuid AND seq = $2::bigint",                        \
    }

/* Appends one entry to the dossier (tables t, borrowed) of the file
 * file_id, inside the caller's open transaction on conn (the caller
 * commits). action is a
 * dotted verb ("clue.created", "disposal.proposed", "document.added", ...);
 * summary is a short JSON object text describing what changed (never
 * report text of a protected reporter). Serializes appends per file
 * (row lock / advisory lock) so the chain stays linear with several
 * replicas.
 *
 * The lock is the row of file_id in dossier_heads, taken until the
 * caller's transaction ends. INVALID_ARGUMENT for a file_id that is not a
 * UUID, an empty actor or action, or a summary that is not a JSON object. */
cg_code cg_dossier_append(PGconn *conn, const cg_dossier_tables *t, const char *file_id,
                          const char *actor_id, const char *action, const char *summary_json,
                          cg_err *err);

/* Columns of cg_dossier_entries() rows. */
enum cg_dossier_col {
    CG_DOSSIER_COL_SEQ,
    CG_DOSSIER_COL_AT_MS,
    CG_DOSSIER_COL_ACTOR,
    CG_DOSSIER_COL_ACTION,
    CG_DOSSIER_COL_SUMMARY,   /* summary::text, the text the hash covers */
    CG_DOSSIER_COL_PREV_HASH, /* hex */
    CG_DOSSIER_COL_HASH,      /* hex */
    CG_DOSSIER_COL_KEY_ID,    /* NULL for an entry written before keying */
};

/* Up to limit entries of file_id with seq > after_seq, in seq order, from
 * the tables t (borrowed). *out is owned by the caller (PQclear()). */
cg_code cg_dossier_entries(PGconn *conn, const cg_dossier_tables *t, const char *file_id,
                           int64_t after_seq, int limit, PGresult **out, cg_err *err);

/* The keys entries are hashed with from now on (keys->keys[0]) and checked
 * with (any of them), for this process: borrowed, and must outlive every
 * append and verify. Set once at start, before serving; without it entries
 * are appended unkeyed, which verify refuses after keyed ones. */
void cg_dossier_use_keys(const cg_chain_keyring *keys);

/* The subject file_id's anchors are published on: prefix (e.g.
 * CG_ANCHOR_DOSSIER), a dot, the file id. out holds at least 128 bytes. */
void cg_dossier_anchor_subject(const char *prefix, const char *file_id, char *out, size_t size);

/* Checks the chain of file_id in the tables t (borrowed): *whole true if
 * every entry holds; otherwise *first_bad_seq is the first broken entry and
 * *reason (static text) says why.
 *
 * An entry is broken when its hash does not match its content (recomputed
 * with the key its key_id names, among cg_dossier_use_keys()'s), its
 * prev_hash is not the previous entry's hash, it is missing (a gap: the
 * missing seq is named), it is unkeyed after a keyed one, its key is not
 * configured, or it differs from one of the n anchors (sorted by seq, as
 * cg_anchor_fetch_all() gives them; borrowed; an anchor past the last entry
 * is a break at its seq). The last entry must also match the head row kept
 * by append, so entries removed from or added at the end are found. A file
 * with no entries is whole. Verify holds the head row FOR SHARE until the
 * transaction ends (its own one when conn is not in a transaction), so
 * concurrent appends do not make the head and the entries disagree. */
cg_code cg_dossier_verify(PGconn *conn, const cg_dossier_tables *t, const char *file_id,
                          const cg_anchor *anchors, size_t n, bool *whole, int64_t *first_bad_seq,
                          const char **reason, cg_err *err);

/* The anchorer of a service's dossier: every interval_ms it finds the
 * files whose heads moved (sql_changed), checks each one's entries since
 * its newest anchor, and anchors its head on prefix.<file id> (stream
 * CG_ANCHORS); a file that no longer extends its anchor is logged as an
 * error and never anchored over. db, nats and t are borrowed and must
 * outlive it; *out is owned by the caller and stopped with
 * cg_dossier_anchorer_stop(). */
typedef struct cg_dossier_anchorer cg_dossier_anchorer;
cg_code cg_dossier_anchorer_start(cg_db *db, struct cg_nats *nats, const cg_dossier_tables *t,
                                  const char *prefix, long interval_ms, cg_dossier_anchorer **out,
                                  cg_err *err);
void cg_dossier_anchorer_stop(cg_dossier_anchorer *a);

#endif
