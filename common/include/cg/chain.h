/* Keyed hash chains and their anchors: what the audit trail (the gateway)
 * and the dossier (the case service) share to make a chain that a superuser
 * of the database cannot rewrite unseen.
 *
 * A row's hash is HMAC-SHA256 over prev_hash, a newline and the row's
 * canonical serialization, keyed by a secret that never enters the
 * database; rows written before a chain was keyed have plain SHA-256 over
 * the same bytes. Each keyed row names its key by a key id (16 hex digits
 * of SHA-256 over the key), so keys can be rotated and old rows still
 * checked with the old keys.
 *
 * The key alone does not stop a thief who has it, so the head of a chain
 * is also anchored outside the database, in a JetStream stream that denies
 * delete and purge (CG_STREAM_ANCHORS): verify checks that every anchored
 * (id, hash) is still what the table holds.
 *
 * The keyring, the hash, the walk that checks a chain row by row and the
 * anchor's encoding are pure (chain.c); publishing and reading anchors
 * needs NATS (anchor.c). docs/operations.md ("Audit trail") says what this
 * promises and how to rotate keys. */
#ifndef CG_CHAIN_H
#define CG_CHAIN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "cg/status.h"

struct cg_nats;

#define CG_CHAIN_KEY_BYTES 32
/* A key id: 16 lower-case hex digits, and the NUL. */
#define CG_CHAIN_KEY_ID_LEN 17
/* A hash: 64 lower-case hex digits, and the NUL. */
#define CG_CHAIN_HASH_LEN 65
/* The current key and at most this many old ones. */
#define CG_CHAIN_KEYS_MAX 8

typedef struct cg_chain_key {
    char id[CG_CHAIN_KEY_ID_LEN];
    unsigned char key[CG_CHAIN_KEY_BYTES];
} cg_chain_key;

/* keys[0] signs new rows; the others only check old ones. */
typedef struct cg_chain_keyring {
    cg_chain_key keys[CG_CHAIN_KEYS_MAX + 1];
    int nkeys;
} cg_chain_keyring;

/* Fill ring from current (64 hex digits) and old (64 hex digits each,
 * separated by commas; NULL or "" for none). var names the setting in the
 * messages (e.g. "CG_AUDIT_KEY"); no message holds a key. INVALID_ARGUMENT
 * for a malformed key or too many old ones. Wipe ring with
 * cg_chain_keyring_wipe() when done. */
cg_code cg_chain_keyring_load(cg_chain_keyring *ring, const char *var, const char *current,
                              const char *old, cg_err *err);
void cg_chain_keyring_wipe(cg_chain_keyring *ring);
/* The key with this id, or NULL: borrowed from ring. */
const cg_chain_key *cg_chain_keyring_find(const cg_chain_keyring *ring, const char *key_id);

/* The key id of key: SHA-256 over its bytes, the first 8 in hex. */
void cg_chain_key_id(const unsigned char key[CG_CHAIN_KEY_BYTES], char out[CG_CHAIN_KEY_ID_LEN]);

/* A row's hash over prev_hash, "\n" and canonical: HMAC-SHA256 keyed by key,
 * or plain SHA-256 when key is NULL (rows written before keying). Lower-case
 * hex into out. */
void cg_chain_hash(const cg_chain_key *key, const char *prev_hash, const char *canonical,
                   char out[CG_CHAIN_HASH_LEN]);

/* --- anchors -------------------------------------------------------------- */

#define CG_STREAM_ANCHORS "CG_ANCHORS"
/* The subjects of the chains anchored: one a chain. */
#define CG_ANCHOR_SUBJECTS "cg.anchor.>"
#define CG_ANCHOR_AUDIT "cg.anchor.gateway.audit"
#define CG_ANCHOR_DOSSIER "cg.anchor.case.dossier"
#define CG_ANCHOR_TASK_FILE "cg.anchor.rectify.task"
#define CG_ANCHOR_INTEGRITY_FILE "cg.anchor.integrity.file"

/* A chain's head as it was anchored: its last id and that row's hash, the
 * key id it was written with ("" for an unkeyed row), and when. */
typedef struct cg_anchor {
    long long id;
    char hash[CG_CHAIN_HASH_LEN];
    char key_id[CG_CHAIN_KEY_ID_LEN];
    int64_t at_ms;
} cg_anchor;

/* The message an anchor is published as: JSON, {"id":..,"hash":..,
 * "key_id":..,"at_ms":..}, readable with any NATS tool. Owned by the
 * caller (free()); NULL when out of memory. */
char *cg_anchor_encode(const cg_anchor *a);
/* Parse a message of cg_anchor_encode(); false when it is not one. */
bool cg_anchor_decode(const char *data, size_t len, cg_anchor *out);

/* Publish a to subject and wait for JetStream's acknowledgement. */
cg_code cg_anchor_publish(struct cg_nats *nats, const char *subject, const cg_anchor *a,
                          cg_err *err);
/* The newest anchor of subject into *out; *found false when there is none
 * (out untouched). UNAVAILABLE when JetStream cannot be asked. */
cg_code cg_anchor_last(struct cg_nats *nats, const char *subject, cg_anchor *out, bool *found,
                       cg_err *err);
/* Every anchor of subject, sorted by id: *out (owned by the caller, free())
 * holds *n of them (NULL and 0 for none). A message that is not an anchor
 * is INTERNAL: something else published on the chain's subject. */
cg_code cg_anchor_fetch_all(struct cg_nats *nats, const char *subject, cg_anchor **out, size_t *n,
                            cg_err *err);

/* --- checking a chain ------------------------------------------------------ */

/* The walk along a chain in id order: feed it every row with
 * cg_chain_walk_row(), then cg_chain_walk_end() with the head. The first
 * break stops it; first_bad and reason (static text) say where and why. */
typedef struct cg_chain_walk {
    long long last_id; /* the id of the last row fed, 0 before the first */
    char prev_hash[CG_CHAIN_HASH_LEN];
    bool keyed; /* a keyed row was fed: no unkeyed row may follow */
    /* Set after start by a chain whose ids never skip, keyed or not (the
     * dossier's seqs). */
    bool contiguous;
    long long rows;
    const cg_anchor *anchors; /* borrowed, sorted by id */
    size_t nanchors, next_anchor;
    bool broken;
    long long first_bad;
    const char *reason;
} cg_chain_walk;

/* Start a walk of a whole chain (its first prev_hash is 64 zeros), checking
 * the n anchors (sorted by id; borrowed until the walk ends). */
void cg_chain_walk_start(cg_chain_walk *w, const cg_anchor *anchors, size_t n);
/* Start a walk after a row already trusted: the next row must be
 * after_id + 1 and link to after_hash; keyed says whether that row was. */
void cg_chain_walk_resume(cg_chain_walk *w, long long after_id, const char *after_hash, bool keyed);
/* One row: its id, prev_hash and hash as stored, its key id (NULL for an
 * unkeyed row) and expected, the hash recomputed from its content with the
 * key that key id names (NULL when no key of the ring has that id). Checks,
 * in this order: ids contiguous once the chain is keyed (before that,
 * rising: a sequence skipped ids of rolled-back appends), the link to the
 * row before, no unkeyed row after a keyed one, the key known, the hash,
 * and the anchors of this id (contiguous: ids may never skip). Returns
 * false once the walk is broken. */
bool cg_chain_walk_row(cg_chain_walk *w, long long id, const char *prev_hash, const char *hash,
                       const char *key_id, const char *expected);
/* The end of the chain: the head row's last id, hash and row count (a
 * count < 0 is not checked) must be the last row's, and no anchor may name
 * a row past it. Returns whether the whole chain held. */
bool cg_chain_walk_end(cg_chain_walk *w, long long head_id, const char *head_hash,
                       long long head_rows);

#endif
