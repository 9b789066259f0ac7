/* The dossier on a service's database (cg/dossier.h): append under the
 * file's head row lock, verify by recomputing every hash in C. The
 * statements come from the service's cg_dossier_tables, built at compile
 * time by CG_DOSSIER_TABLES(). */
#include <inttypes.h>
#include <sodium.h>
#include <stdio.h>
#include <string.h>

#include "cg/db.h"
#include "cg/util.h"
#include "cg/dossier.h"

#define HASH_HEX_SIZE (2 * CG_DOSSIER_HASH_SIZE + 1)
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
    cg_dossier_hash(&f, hash);
    sodium_bin2hex(prev_hex, sizeof prev_hex, prev, sizeof prev);
    sodium_bin2hex(hash_hex, sizeof hash_hex, hash, sizeof hash);
    snprintf(seq_s, sizeof seq_s, "%" PRId64, f.seq);
    snprintf(ms_s, sizeof ms_s, "%" PRId64, f.occurred_at_ms);
    const char *params[] = {file_id, seq_s,          ms_s,     actor_id,
                            action,  f.summary_json, prev_hex, hash_hex};
    rc = cg_db_exec(conn, t->sql_append, 8, params, NULL, err);

cleanup:
    PQclear(res);
    return rc;
}

/* Check one batch of entries against the chain so far. Returns false at the
 * first broken entry, with *bad set; *expect_seq and prev advance past every
 * entry that holds. */
static bool check_batch(const PGresult *res, const char *file_id, int64_t *expect_seq,
                        uint8_t prev[CG_DOSSIER_HASH_SIZE], int64_t *bad)
{
    for (int i = 0; i < PQntuples(res); i++) {
        int64_t seq = cg_db_get_ll(res, i, CG_DOSSIER_COL_SEQ);
        uint8_t stored_prev[CG_DOSSIER_HASH_SIZE], stored[CG_DOSSIER_HASH_SIZE];
        uint8_t computed[CG_DOSSIER_HASH_SIZE];
        if (seq != *expect_seq) {
            /* A gap: the entry that should be here is missing. */
            *bad = *expect_seq;
            return false;
        }
        *bad = seq;
        if (!from_hex(cg_db_get(res, i, CG_DOSSIER_COL_PREV_HASH), stored_prev) ||
            !from_hex(cg_db_get(res, i, CG_DOSSIER_COL_HASH), stored) ||
            sodium_memcmp(stored_prev, prev, CG_DOSSIER_HASH_SIZE) != 0) {
            return false;
        }
        cg_dossier_fields f = {
            .file_id = file_id,
            .seq = seq,
            .occurred_at_ms = cg_db_get_ll(res, i, CG_DOSSIER_COL_AT_MS),
            .actor_id = cg_db_get(res, i, CG_DOSSIER_COL_ACTOR),
            .action = cg_db_get(res, i, CG_DOSSIER_COL_ACTION),
            .summary_json = cg_db_get(res, i, CG_DOSSIER_COL_SUMMARY),
            .prev_hash = prev,
        };
        cg_dossier_hash(&f, computed);
        if (sodium_memcmp(computed, stored, CG_DOSSIER_HASH_SIZE) != 0) {
            return false;
        }
        memcpy(prev, stored, CG_DOSSIER_HASH_SIZE);
        (*expect_seq)++;
    }
    return true;
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

cg_code cg_dossier_verify(PGconn *conn, const cg_dossier_tables *t, const char *file_id,
                          bool *whole, int64_t *first_bad_seq, cg_err *err)
{
    cg_code rc = CG_OK;
    PGresult *res = NULL;
    bool own_tx = false;
    int64_t expect_seq = 1, bad = 0, head_seq = 0;
    uint8_t prev[CG_DOSSIER_HASH_SIZE] = {0}, head_hash[CG_DOSSIER_HASH_SIZE] = {0};
    *whole = true;
    *first_bad_seq = 0;
    if (!cg_uuid_valid(file_id)) {
        rc = cg_err_set(err, CG_INVALID_ARGUMENT, "a dossier file id must be a UUID");
        goto cleanup;
    }
    if (PQtransactionStatus(conn) == PQTRANS_IDLE) {
        rc = cg_db_begin(conn, err);
        if (rc != CG_OK) {
            goto cleanup;
        }
        own_tx = true;
    }
    const char *head_params[] = {file_id};
    rc = cg_db_exec(conn, t->sql_head, 1, head_params, &res, err);
    if (rc != CG_OK) {
        goto cleanup;
    }
    if (PQntuples(res) == 1) {
        head_seq = cg_db_get_ll(res, 0, 0);
        if (!from_hex(cg_db_get(res, 0, 1), head_hash)) {
            rc = cg_err_set(err, CG_INTERNAL, "dossier head of %s holds a malformed hash", file_id);
            goto cleanup;
        }
    }
    for (;;) {
        PQclear(res);
        res = NULL;
        rc = cg_dossier_entries(conn, t, file_id, expect_seq - 1, VERIFY_BATCH, &res, err);
        if (rc != CG_OK) {
            goto cleanup;
        }
        if (!check_batch(res, file_id, &expect_seq, prev, &bad)) {
            *whole = false;
            *first_bad_seq = bad;
            goto cleanup;
        }
        if (PQntuples(res) == 0) {
            break;
        }
    }
    /* Every entry holds; the chain must also end where the head says. */
    int64_t last_seq = expect_seq - 1;
    if (last_seq != head_seq) {
        *whole = false;
        *first_bad_seq = (last_seq < head_seq ? last_seq : head_seq) + 1;
    } else if (sodium_memcmp(prev, head_hash, CG_DOSSIER_HASH_SIZE) != 0) {
        *whole = false;
        *first_bad_seq = last_seq;
    }

cleanup:
    PQclear(res);
    if (own_tx) {
        cg_db_rollback_if_open(conn);
    }
    return rc;
}
