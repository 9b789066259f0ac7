/* The dossier on a service's database (cg/dossier.h): append under the
 * file's head row lock, verify by recomputing every hash in C with the
 * keys (cg/chain.h) against the file's anchors, and the anchorer. The
 * statements come from the service's cg_dossier_tables, built at compile
 * time by CG_DOSSIER_TABLES(). */
#include <inttypes.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cg/db.h"
#include "cg/dossier.h"
#include "cg/log.h"
#include "cg/ticker.h"
#include "cg/util.h"

#define HASH_HEX_SIZE (2 * CG_DOSSIER_HASH_SIZE + 1)

/* The keys of this process's dossier (cg_dossier_use_keys()); NULL: none. */
static const cg_chain_keyring *keyring;
/* Entries read per query while verifying: bounds memory on long files. */
#define VERIFY_BATCH 500

static bool from_hex(const char *hex, uint8_t out[CG_DOSSIER_HASH_SIZE])
{
    size_t n = 0;
    return sodium_hex2bin(out, CG_DOSSIER_HASH_SIZE, hex, strlen(hex), NULL, &n, NULL) == 0 &&
           n == CG_DOSSIER_HASH_SIZE;
}

cg_code cg_dossier_append(PGconn *conn, const cg_dossier_tables *t, const char *file_id,
                          const char *actor_id, const char *action, const char *summary_json,
                          cg_err *err)
{
    cg_code rc = CG_OK;
    PGresult *res = NULL;
    uint8_t prev[CG_DOSSIER_HASH_SIZE], hash[CG_DOSSIER_HASH_SIZE];
    char prev_hex[HASH_HEX_SIZE], hash_hex[HASH_HEX_SIZE], seq_s[24], ms_s[24];

    if (!cg_uuid_valid(file_id) || actor_id == NULL || actor_id[0] == '\0' || action == NULL ||
        action[0] == '\0' || summary_json == NULL) {
        rc = cg_err_set(err, CG_INVALID_ARGUMENT,
                        "a dossier entry needs a file UUID, an actor, an action and a summary");
        goto cleanup;
    }
    const char *lock_params[] = {file_id, summary_json};
    rc = cg_db_exec(conn, t->sql_lock_head, 2, lock_params, &res, err);
    if (rc != CG_OK) {
        goto cleanup;
    }
    if (strcmp(cg_db_get(res, 0, 4), "object") != 0) {
        rc = cg_err_set(err, CG_INVALID_ARGUMENT, "a dossier summary must be a JSON object");
        goto cleanup;
    }
    if (!from_hex(cg_db_get(res, 0, 1), prev)) {
        rc = cg_err_set(err, CG_INTERNAL, "dossier head of %s holds a malformed hash", file_id);
        goto cleanup;
    }
    cg_dossier_fields f = {
        .file_id = file_id,
        .seq = cg_db_get_ll(res, 0, 0) + 1,
        .occurred_at_ms = cg_db_get_ll(res, 0, 2),
        .actor_id = actor_id,
        .action = action,
        .summary_json = cg_db_get(res, 0, 3),
        .prev_hash = prev,
    };
    const cg_chain_key *key = keyring != NULL ? &keyring->keys[0] : NULL;
    cg_dossier_hash_keyed(key, &f, hash);
    sodium_bin2hex(prev_hex, sizeof prev_hex, prev, sizeof prev);
    sodium_bin2hex(hash_hex, sizeof hash_hex, hash, sizeof hash);
    snprintf(seq_s, sizeof seq_s, "%" PRId64, f.seq);
    snprintf(ms_s, sizeof ms_s, "%" PRId64, f.occurred_at_ms);
    const char *params[] = {file_id,  seq_s,    ms_s,
                            actor_id, action,   f.summary_json,
                            prev_hex, hash_hex, key != NULL ? key->id : NULL};
    rc = cg_db_exec(conn, t->sql_append, 9, params, NULL, err);

cleanup:
    PQclear(res);
    return rc;
}

/* Feed w the entries of file_id after after_seq, in seq order, recomputing
 * each hash with the key its key id names. last_key_id gets the key id of
 * the last entry fed ("" for unkeyed); untouched when none is. */
static cg_code walk_entries(PGconn *conn, const cg_dossier_tables *t, const char *file_id,
                            int64_t after_seq, cg_chain_walk *w,
                            char last_key_id[CG_CHAIN_KEY_ID_LEN], cg_err *err)
{
    cg_code rc = CG_OK;
    PGresult *res = NULL;
    for (int n = VERIFY_BATCH; n == VERIFY_BATCH && !w->broken;) {
        PQclear(res);
        res = NULL;
        rc = cg_dossier_entries(conn, t, file_id, after_seq, VERIFY_BATCH, &res, err);
        if (rc != CG_OK)
            goto cleanup;
        n = PQntuples(res);
        for (int i = 0; i < n && !w->broken; i++) {
            uint8_t prev[CG_DOSSIER_HASH_SIZE], computed[CG_DOSSIER_HASH_SIZE];
            char expected[HASH_HEX_SIZE];
            const char *prev_hex = cg_db_get(res, i, CG_DOSSIER_COL_PREV_HASH);
            const char *key_id = PQgetisnull(res, i, CG_DOSSIER_COL_KEY_ID)
                                     ? NULL
                                     : cg_db_get(res, i, CG_DOSSIER_COL_KEY_ID);
            const cg_chain_key *key =
                keyring != NULL ? cg_chain_keyring_find(keyring, key_id) : NULL;
            cg_dossier_fields f = {
                .file_id = file_id,
                .seq = cg_db_get_ll(res, i, CG_DOSSIER_COL_SEQ),
                .occurred_at_ms = cg_db_get_ll(res, i, CG_DOSSIER_COL_AT_MS),
                .actor_id = cg_db_get(res, i, CG_DOSSIER_COL_ACTOR),
                .action = cg_db_get(res, i, CG_DOSSIER_COL_ACTION),
                .summary_json = cg_db_get(res, i, CG_DOSSIER_COL_SUMMARY),
                .prev_hash = prev,
            };
            bool known = key_id == NULL || key != NULL;
            if (!from_hex(prev_hex, prev))
                memset(prev, 0, sizeof(prev)); /* the link check names it */
            cg_dossier_hash_keyed(key, &f, computed);
            sodium_bin2hex(expected, sizeof(expected), computed, sizeof(computed));
            cg_chain_walk_row(w, f.seq, prev_hex, cg_db_get(res, i, CG_DOSSIER_COL_HASH), key_id,
                              known ? expected : NULL);
            cg_strlcpy(last_key_id, key_id != NULL ? key_id : "", CG_CHAIN_KEY_ID_LEN);
            after_seq = f.seq;
        }
    }

cleanup:
    PQclear(res);
    return rc;
}

cg_code cg_dossier_entries(PGconn *conn, const cg_dossier_tables *t, const char *file_id,
                           int64_t after_seq, int limit, PGresult **out, cg_err *err)
{
    char after_s[24], limit_s[16];
    snprintf(after_s, sizeof after_s, "%" PRId64, after_seq);
    snprintf(limit_s, sizeof limit_s, "%d", limit);
    const char *params[] = {file_id, after_s, limit_s};
    return cg_db_exec(conn, t->sql_entries, 3, params, out, err);
}

void cg_dossier_use_keys(const cg_chain_keyring *keys)
{
    keyring = keys;
}

void cg_dossier_anchor_subject(const char *prefix, const char *file_id, char *out, size_t size)
{
    snprintf(out, size, "%s.%s", prefix, file_id);
}

/* Take the head of file_id FOR SHARE into *seq and hash (zeros and 0 when
 * the file has no entry). */
static cg_code read_head(PGconn *conn, const cg_dossier_tables *t, const char *file_id,
                         int64_t *seq, char hash[HASH_HEX_SIZE], cg_err *err)
{
    PGresult *res = NULL;
    const char *params[] = {file_id};
    *seq = 0;
    memset(hash, '0', HASH_HEX_SIZE - 1);
    hash[HASH_HEX_SIZE - 1] = '\0';
    cg_code rc = cg_db_exec(conn, t->sql_head, 1, params, &res, err);
    if (rc == CG_OK && PQntuples(res) == 1) {
        *seq = cg_db_get_ll(res, 0, 0);
        if (!cg_strlcpy(hash, cg_db_get(res, 0, 1), HASH_HEX_SIZE))
            rc = cg_err_set(err, CG_INTERNAL, "dossier head of %s holds a malformed hash", file_id);
    }
    PQclear(res);
    return rc;
}

cg_code cg_dossier_verify(PGconn *conn, const cg_dossier_tables *t, const char *file_id,
                          const cg_anchor *anchors, size_t n, bool *whole, int64_t *first_bad_seq,
                          const char **reason, cg_err *err)
{
    cg_code rc = CG_OK;
    bool own_tx = false;
    int64_t head_seq = 0;
    char head_hash[HASH_HEX_SIZE], key_id[CG_CHAIN_KEY_ID_LEN] = "";
    cg_chain_walk w;
    *whole = true;
    *first_bad_seq = 0;
    *reason = NULL;
    if (!cg_uuid_valid(file_id)) {
        rc = cg_err_set(err, CG_INVALID_ARGUMENT, "a dossier file id must be a UUID");
        goto cleanup;
    }
    if (!cg_db_in_transaction(conn)) {
        rc = cg_db_begin(conn, err);
        if (rc != CG_OK)
            goto cleanup;
        own_tx = true;
    }
    rc = read_head(conn, t, file_id, &head_seq, head_hash, err);
    if (rc != CG_OK)
        goto cleanup;
    /* Seqs run 1, 2, 3, ... whether keyed or not. */
    cg_chain_walk_start(&w, anchors, n);
    w.contiguous = true;
    rc = walk_entries(conn, t, file_id, 0, &w, key_id, err);
    if (rc != CG_OK)
        goto cleanup;
    /* Anchors past the last entry; then the chain must end where the head
     * says: entries removed from the end, or added behind the head's back,
     * break at the first seq past the shorter of the two. */
    if (cg_chain_walk_end(&w, w.last_id, w.prev_hash, -1)) {
        if (w.last_id != head_seq) {
            w.broken = true;
            w.first_bad = (w.last_id < head_seq ? w.last_id : head_seq) + 1;
            w.reason = "entries are missing from the end, or were added behind the head";
        } else if (strcmp(w.prev_hash, head_hash) != 0) {
            w.broken = true;
            w.first_bad = w.last_id;
            w.reason = "the last entry is not the head's";
        }
    }
    *whole = !w.broken;
    *first_bad_seq = w.broken ? w.first_bad : 0;
    *reason = w.reason;

cleanup:
    if (own_tx)
        cg_db_rollback_if_open(conn);
    return rc;
}

/* --- the anchorer ------------------------------------------------------------ */

/* Files read from sql_changed at a time. */
#define ANCHOR_FILES_BATCH "500"
#define ANCHOR_FILES_BATCH_N 500

struct cg_dossier_anchorer {
    cg_db *db;                  /* borrowed */
    struct cg_nats *nats;       /* borrowed */
    const cg_dossier_tables *t; /* borrowed */
    char prefix[96];
    /* Heads that moved after lag_mark are looked at; the marks seen in the
     * last tick become lag_mark one tick later, so a file whose append took
     * a mark and committed late is still seen. */
    long long lag_mark, last_mark;
    cg_ticker *ticker;
};

/* Check file_id's entries since its newest anchor and anchor its head, in
 * one transaction on conn. */
static cg_code anchor_file(cg_dossier_anchorer *a, PGconn *conn, const char *file_id, cg_err *err)
{
    cg_code rc;
    PGresult *row = NULL;
    char subject[160], key_id[CG_CHAIN_KEY_ID_LEN] = "";
    cg_anchor last, next = {0};
    bool anchored = false;
    int64_t head_seq = 0;
    cg_chain_walk w;

    cg_dossier_anchor_subject(a->prefix, file_id, subject, sizeof(subject));
    rc = cg_anchor_last(a->nats, subject, &last, &anchored, err);
    /* The head FOR SHARE, as verify takes it: no append of this file
     * commits until the entries are read. */
    if (rc == CG_OK)
        rc = cg_db_begin(conn, err);
    if (rc == CG_OK)
        rc = read_head(conn, a->t, file_id, &head_seq, next.hash, err);
    if (rc != CG_OK)
        goto cleanup;
    next.id = head_seq;
    if (head_seq == 0 || (anchored && last.id == head_seq && strcmp(last.hash, next.hash) == 0))
        goto cleanup;
    if (anchored) {
        char seq_s[24];
        snprintf(seq_s, sizeof(seq_s), "%lld", last.id);
        const char *params[] = {file_id, seq_s};
        rc = cg_db_exec(conn, a->t->sql_entry_hash, 2, params, &row, err);
        if (rc != CG_OK)
            goto cleanup;
        if (PQntuples(row) != 1 || strcmp(cg_db_get(row, 0, 0), last.hash) != 0) {
            rc = cg_err_set(err, CG_FAILED_PRECONDITION, "entry %lld is no longer as anchored",
                            last.id);
            goto cleanup;
        }
        cg_chain_walk_resume(&w, last.id, last.hash, !PQgetisnull(row, 0, 1));
        cg_strlcpy(key_id, last.key_id, sizeof(key_id));
    } else {
        cg_chain_walk_start(&w, NULL, 0);
    }
    w.contiguous = true;
    rc = walk_entries(conn, a->t, file_id, anchored ? last.id : 0, &w, key_id, err);
    if (rc != CG_OK)
        goto cleanup;
    if (!cg_chain_walk_end(&w, next.id, next.hash, -1)) {
        rc = cg_err_set(err, CG_FAILED_PRECONDITION, "entry %lld: %s", w.first_bad, w.reason);
        goto cleanup;
    }
    rc = cg_db_commit(conn, err);
    if (rc != CG_OK)
        goto cleanup;
    cg_strlcpy(next.key_id, key_id, sizeof(next.key_id));
    next.at_ms = cg_now_ms();
    rc = cg_anchor_publish(a->nats, subject, &next, err);

cleanup:
    cg_db_rollback_if_open(conn);
    PQclear(row);
    return rc;
}

static void anchor_tick(void *arg)
{
    cg_dossier_anchorer *a = arg;
    PGconn *conn = NULL;
    PGresult *files = NULL;
    cg_err err;
    char mark[24];
    long long from = a->lag_mark, seen = a->last_mark;

    cg_err_clear(&err);
    conn = cg_db_acquire(a->db, 5000, &err);
    for (int n = ANCHOR_FILES_BATCH_N; conn != NULL && n == ANCHOR_FILES_BATCH_N;) {
        snprintf(mark, sizeof(mark), "%lld", from);
        const char *params[] = {mark, ANCHOR_FILES_BATCH};
        PQclear(files);
        files = NULL;
        if (cg_db_exec(conn, a->t->sql_changed, 2, params, &files, &err) != CG_OK)
            break;
        n = PQntuples(files);
        for (int i = 0; i < n; i++) {
            const char *file_id = cg_db_get(files, i, 0);
            cg_err ferr;
            cg_err_clear(&ferr);
            if (anchor_file(a, conn, file_id, &ferr) != CG_OK)
                /* A file that no longer extends its anchor is evidence:
                 * said loudly, and never anchored over. */
                cg_log_fields(ferr.code == CG_FAILED_PRECONDITION ? CG_LOG_ERROR : CG_LOG_WARN,
                              ferr.code == CG_FAILED_PRECONDITION
                                  ? "dossier not anchored: it no longer extends its last anchor"
                                  : "dossier not anchored",
                              "file_id", file_id, "reason", ferr.message, NULL);
            from = cg_db_get_ll(files, i, 1);
            if (from > seen)
                seen = from;
        }
    }
    if (conn == NULL || err.code != CG_OK)
        cg_log_fields(CG_LOG_WARN, "dossier anchoring", "reason", err.message, NULL);
    else {
        a->lag_mark = a->last_mark;
        a->last_mark = seen;
    }
    PQclear(files);
    if (conn != NULL)
        cg_db_release(a->db, conn);
}

cg_code cg_dossier_anchorer_start(cg_db *db, struct cg_nats *nats, const cg_dossier_tables *t,
                                  const char *prefix, long interval_ms, cg_dossier_anchorer **out,
                                  cg_err *err)
{
    cg_dossier_anchorer *a = calloc(1, sizeof(*a));
    *out = NULL;
    if (a == NULL)
        return cg_err_set(err, CG_INTERNAL, "out of memory");
    a->db = db;
    a->nats = nats;
    a->t = t;
    cg_strlcpy(a->prefix, prefix, sizeof(a->prefix));
    /* Heads that never moved since keying hold 0: the first ticks look at
     * every file once. */
    a->lag_mark = a->last_mark = -1;
    cg_code rc = cg_ticker_start(interval_ms, anchor_tick, a, &a->ticker, err);
    if (rc != CG_OK) {
        free(a);
        return rc;
    }
    *out = a;
    return CG_OK;
}

void cg_dossier_anchorer_stop(cg_dossier_anchorer *a)
{
    if (a == NULL)
        return;
    cg_ticker_stop(a->ticker);
    free(a);
}
