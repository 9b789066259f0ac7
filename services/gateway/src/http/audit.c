/* The audit trail: arming a request's record, writing it when the answer
 * goes out, and the two auditor routes (GET /api/v1/audit and
 * GET /api/v1/audit/verify, in audit_chain.c). audit.h says what is
 * recorded and why. */
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cg/chain.h"
#include "cg/db.h"
#include "cg/log.h"
#include "cg/util.h"
#include "audit.h"
#include "audit_spool.h"
#include "gateway.h"

/* Appends serialize on the chain's head row, and each commit waits for its
 * WAL flush, so one at a time they would cap the whole gateway at a few
 * hundred recorded requests a second. Instead one writer thread takes every
 * record waiting and appends them all in one transaction: one lock, one
 * flush, however many rows.
 *
 * A request that changed something (or tried to) waits until its row is
 * committed, or spooled, so that record is never only in memory when the
 * answer leaves. The spool (audit_spool.h): when the trail does not take
 * rows (its database down, the writer's role refused), the writer appends
 * the records to a file of the gateway's own and fsyncs it before their
 * requests answer, as they would have been answered; it replays the file
 * in order as soon as the trail takes rows again (and at start), and
 * empties it only after the replay committed. An answer whose change
 * already happened is never turned into an error for want of its record.
 * Only when a record can be neither written nor spooled (the spool's disk
 * full) does its request answer 503; from then on, until the trail or the
 * spool takes records again, state-changing requests are refused before
 * they run (gw_audit_can_record), not after.
 *
 * A read of a sensitive record (a clue, a dossier) does not wait while the
 * trail is healthy: its record is copied into the writer's queue and the
 * answer leaves at once. Waiting for the writer's round trip was the
 * largest cost of an audited read (docs/performance.md). What this gives
 * up: a crash of the gateway loses the read records still queued, at most
 * AUDIT_DETACHED_MAX and normally the last few milliseconds, the same order
 * as the window synchronous_commit off already opens for reads (see
 * reads_only_sql). Three rules keep reads from going unrecorded
 * otherwise:
 *   - when a batch fails, the trail counts as unhealthy and every read
 *     waits for its own row (or its spooled line) again, answering 503
 *     when it can be neither written nor spooled, until the trail takes
 *     rows and the spool is empty;
 *   - when AUDIT_DETACHED_MAX reads are queued, the next ones wait for
 *     room, which bounds what a crash can lose;
 *   - the auditor's routes and a stopping gateway first wait until every
 *     queued record is written (gw_audit_flush), so the trail an auditor
 *     reads holds every read this gateway answered before. */

/* Most rows one transaction appends; more wait for the next one. */
#define AUDIT_BATCH_MAX 256
/* Most read records queued without their requests waiting. */
#define AUDIT_DETACHED_MAX 512
/* The values of a row (GW_AUDIT_NVALUES, audit.h). */
#define AUDIT_NPARAMS GW_AUDIT_NVALUES
/* How long the writer waits before trying again rows that failed; while
 * the trail keeps refusing them, each wait doubles up to AUDIT_RETRY_MAX_MS,
 * so a long outage costs a few failed queries a minute, not four a second. */
#define AUDIT_RETRY_MS 250
#define AUDIT_RETRY_MAX_MS 4000
/* Room the spool must have before a full one counts as taking records
 * again: a few records' worth, so the next request does not find it full
 * at once. */
#define AUDIT_SPOOL_ROOM 16384
/* How long the auditor's routes wait for queued records to be written. */
#define AUDIT_FLUSH_MS 5000

/* One record waiting for the writer. A waited-for job lives on the
 * requesting thread's stack, which waits until done is set, and its params
 * borrow from that stack. A detached job is on the heap, owns the copies
 * its params point into (after the struct), and is freed by the writer. */
typedef struct audit_job {
    const char *params[AUDIT_NPARAMS];
    /* A read (GET, HEAD) changed nothing; see append_batch for what that
     * allows. */
    bool read_only;
    bool detached;
    cg_code rc;
    bool done;
    struct audit_job *next;
} audit_job;

struct gw_audit {
    /* One connection, used only by the writer thread. */
    cg_db *db;
    const cg_chain_key *key; /* borrowed from the app's audit chain */
    pthread_t thread;
    bool thread_started;
    pthread_mutex_t lock;
    pthread_cond_t work;     /* the writer waits here for jobs */
    pthread_cond_t finished; /* requesters wait here for theirs */
    audit_job *first, *last; /* queued, oldest first */
    bool stopping;
    /* False after a batch failed, true again after one succeeded: while
     * false, reads wait for their own rows. */
    bool healthy;
    int ndetached;       /* detached jobs queued or being written */
    uint64_t queued_seq; /* jobs ever queued */
    uint64_t done_seq;   /* jobs ever finished, in queue order */
    /* The spool (audit_spool.h) and what only the writer thread reads and
     * writes, without the lock: where the replay has committed up to, and
     * when it tries next (cg_now_ms()). */
    gw_audit_spool *spool;
    long long spool_offset;
    long long next_replay_ms;
    long long retry_ms; /* the wait after the next failed replay */
    /* One outage, logged once when it starts and once when it ends, with
     * the counts (writer thread only). */
    bool outage;
    uint64_t outage_spooled; /* records spooled since it began */
    uint64_t replayed;       /* records replayed since it began */
    uint64_t refused;        /* records neither written nor spooled */
    uint64_t set_aside;      /* spooled records the trail refused, in audit.rejected */
    /* The spool could not take the last records (disk full) and has not
     * had room since: with the trail unhealthy too, state-changing
     * requests are refused before they run (gw_audit_can_record). Written
     * by the writer under the lock. */
    bool spool_failed;
};

static const char lock_head_sql[] = "SELECT last_id, last_hash, at FROM audit_lock_head()";
static const char append_hashed_sql[] = "SELECT audit_append_hashed($1::timestamptz, $2::jsonb)";
/* A transaction of reads only commits without waiting for the WAL flush
 * (synchronous_commit off for this transaction alone): the rows are on
 * disk within about 0.6 s (three wal_writer_delay). A crash of PostgreSQL
 * itself in between loses the newest read records whole, never a link in
 * the middle of the chain. Records of anything that changed state always
 * wait for the flush. */
static const char reads_only_sql[] = "SELECT set_config('synchronous_commit', 'off', true)";

/* The rows of n jobs as audit_append_hashed() reads them: the twelve
 * values, the hash and the key id of each, hashed with key, chained from
 * prev_hash (65 bytes, updated to the last row's hash) and numbered from
 * first_id. Owned by the caller (cJSON_free); NULL when out of memory. */
static char *hashed_rows_json(audit_job **jobs, int n, const cg_chain_key *key, long long first_id,
                              const char *at, char prev_hash[65])
{
    char *text = NULL;
    cJSON *rows = cJSON_CreateArray();
    bool ok = rows != NULL;
    for (int i = 0; ok && i < n; i++) {
        char *canonical = gw_audit_canonical(first_id + i, at, jobs[i]->params);
        char hash[65];
        cJSON *row = canonical != NULL ? cJSON_CreateArray() : NULL;
        ok = row != NULL && cJSON_AddItemToArray(rows, row);
        if (!ok) {
            cJSON_Delete(row);
            free(canonical);
            break;
        }
        cg_chain_hash(key, prev_hash, canonical, hash);
        free(canonical);
        memcpy(prev_hash, hash, sizeof(hash));
        for (int k = 0; ok && k <= AUDIT_NPARAMS + 1; k++) {
            const char *v = k < AUDIT_NPARAMS    ? jobs[i]->params[k]
                            : k == AUDIT_NPARAMS ? hash
                                                 : key->id;
            cJSON *item = v != NULL ? cJSON_CreateString(v) : cJSON_CreateNull();
            ok = item != NULL && cJSON_AddItemToArray(row, item);
            if (!ok)
                cJSON_Delete(item);
        }
    }
    if (ok)
        text = cJSON_PrintUnformatted(rows);
    cJSON_Delete(rows);
    return text;
}

/* Of n jobs, those whose gateway request id is already in the trail: a
 * replay after a crash that came between its commit and the spool's
 * truncation. kept (n entries) gets the others, *nkept how many. */
static cg_code skip_written(PGconn *conn, audit_job **jobs, int n, audit_job **kept, int *nkept,
                            cg_err *err)
{
    cg_code rc = CG_OK;
    PGresult *res = NULL;
    char *ids_text = NULL;
    cJSON *ids = cJSON_CreateArray();
    bool ok = ids != NULL;

    *nkept = 0;
    for (int i = 0; ok && i < n; i++) {
        const char *id = jobs[i]->params[10];
        cJSON *s = id != NULL ? cJSON_CreateString(id) : cJSON_CreateNull();
        ok = s != NULL && cJSON_AddItemToArray(ids, s);
        if (!ok)
            cJSON_Delete(s);
    }
    ids_text = ok ? cJSON_PrintUnformatted(ids) : NULL;
    if (ids_text == NULL) {
        rc = cg_err_set(err, CG_INTERNAL, "out of memory");
        goto cleanup;
    }
    const char *params[] = {ids_text};
    rc = cg_db_exec(conn,
                    "SELECT DISTINCT e FROM jsonb_array_elements_text($1::jsonb) AS e"
                    " WHERE EXISTS (SELECT 1 FROM audit_log WHERE gateway_request_id = e)",
                    1, params, &res, err);
    if (rc != CG_OK)
        goto cleanup;
    for (int i = 0; i < n; i++) {
        bool written = false;
        for (int r = 0; !written && jobs[i]->params[10] != NULL && r < PQntuples(res); r++)
            written = strcmp(cg_db_get(res, r, 0), jobs[i]->params[10]) == 0;
        if (!written)
            kept[(*nkept)++] = jobs[i];
    }

cleanup:
    if (res != NULL)
        PQclear(res);
    cJSON_free(ids_text);
    cJSON_Delete(ids);
    return rc;
}

/* Append n jobs in one transaction on conn: lock the head, hash the rows
 * here, insert them with one statement, commit. With replay, jobs whose
 * gateway request id the trail already holds are left out (skip_written),
 * under the head's lock, so a spooled record is written once. */
static cg_code append_hashed(PGconn *conn, const cg_chain_key *key, audit_job **jobs, int n,
                             bool all_reads, bool replay, cg_err *err)
{
    PGresult *head = NULL;
    char *json = NULL;
    char prev_hash[65], at[40];
    audit_job *kept[AUDIT_BATCH_MAX];
    cg_code rc = cg_db_begin(conn, err);
    if (rc == CG_OK && all_reads)
        rc = cg_db_exec(conn, reads_only_sql, 0, NULL, NULL, err);
    if (rc == CG_OK)
        rc = cg_db_exec(conn, lock_head_sql, 0, NULL, &head, err);
    if (rc != CG_OK)
        goto cleanup;
    if (PQntuples(head) != 1 || !cg_strlcpy(prev_hash, cg_db_get(head, 0, 1), sizeof(prev_hash)) ||
        !cg_strlcpy(at, cg_db_get(head, 0, 2), sizeof(at))) {
        rc = cg_err_set(err, CG_INTERNAL, "the audit head is not as expected");
        goto cleanup;
    }
    if (replay) {
        rc = skip_written(conn, jobs, n, kept, &n, err);
        if (rc != CG_OK)
            goto cleanup;
        jobs = kept;
    }
    if (n > 0) {
        json = hashed_rows_json(jobs, n, key, cg_db_get_ll(head, 0, 0) + 1, at, prev_hash);
        if (json == NULL) {
            rc = cg_err_set(err, CG_INTERNAL, "out of memory");
            goto cleanup;
        }
        const char *params[] = {at, json};
        rc = cg_db_exec(conn, append_hashed_sql, 2, params, NULL, err);
    }
    if (rc == CG_OK)
        rc = cg_db_commit(conn, err);

cleanup:
    if (rc != CG_OK)
        cg_db_rollback_if_open(conn);
    if (head != NULL)
        PQclear(head);
    cJSON_free(json);
    return rc;
}

/* Append n jobs in one transaction, on the writer's connection. A
 * connection that a database restart broke fails its first query and is
 * reset when next taken: one more try then writes the rows. Returns the
 * connection when it still works (the caller releases it), NULL
 * otherwise; *rc gets the outcome. */
static PGconn *append_on_connection(gw_audit *audit, audit_job **jobs, int n, bool all_reads,
                                    bool replay, cg_code *rc, cg_err *err)
{
    PGconn *conn = NULL;
    *rc = CG_UNAVAILABLE;
    for (int attempt = 0; attempt < 2; attempt++) {
        cg_err_clear(err);
        conn = cg_db_acquire(audit->db, GW_DB_ACQUIRE_MS, err);
        if (conn == NULL) {
            *rc = err->code;
            break;
        }
        *rc = append_hashed(conn, audit->key, jobs, n, all_reads, replay, err);
        if (*rc == CG_OK || PQstatus(conn) == CONNECTION_OK)
            break;
        cg_db_release(audit->db, conn);
        conn = NULL;
    }
    if (conn != NULL && PQstatus(conn) != CONNECTION_OK) {
        cg_db_release(audit->db, conn);
        conn = NULL;
    }
    return conn;
}

/* True when a record that failed with code may be written on a later try
 * (the database was down, failing or refusing this role, not the row), so
 * it is spooled; a record the database refused as data would be refused
 * again. */
static bool spoolable(cg_code code)
{
    return code != CG_OK && code != CG_INVALID_ARGUMENT && code != CG_FAILED_PRECONDITION &&
           code != CG_ALREADY_EXISTS;
}

/* Append n jobs in one transaction (append_hashed): one lock of the head,
 * one statement, one flush. When the database refuses the batch as data on
 * a connection that still works, one of the rows was refused (the batch is
 * all or nothing): append each on its own then (a batch of one), so one
 * bad row fails only its own request. Any other failure (the role refused,
 * the database failing) is every row's, and they are spooled. Each job's rc says how it went; err
 * gets the reason of the last failure. */
static void append_batch(gw_audit *audit, audit_job **jobs, int n, cg_err *err)
{
    cg_code rc;
    bool all_reads = true;
    for (int i = 0; i < n; i++)
        all_reads &= jobs[i]->read_only;

    PGconn *conn = append_on_connection(audit, jobs, n, all_reads, false, &rc, err);
    if (rc == CG_OK) {
        for (int i = 0; i < n; i++)
            jobs[i]->rc = CG_OK;
    } else if (conn != NULL && !spoolable(rc)) {
        for (int i = 0; i < n; i++) {
            cg_err one;
            cg_err_clear(&one);
            jobs[i]->rc =
                append_hashed(conn, audit->key, &jobs[i], 1, jobs[i]->read_only, false, &one);
            if (jobs[i]->rc != CG_OK)
                *err = one;
        }
    } else {
        for (int i = 0; i < n; i++)
            jobs[i]->rc = rc;
    }
    if (conn != NULL)
        cg_db_release(audit->db, conn);
}

/* Set aside (gw_audit_spool_reject) the lines of recs that did not
 * parse. */
static cg_code set_aside(gw_audit *audit, const gw_audit_spooled *recs, int n, cg_err *err)
{
    cg_code rc = CG_OK;
    for (int i = 0; rc == CG_OK && i < n; i++) {
        if (!recs[i].bad)
            continue;
        rc = gw_audit_spool_reject(audit->spool, recs[i].line, err);
        audit->set_aside++;
        cg_log_fields(CG_LOG_ERROR, "audit spool line set aside: it does not parse", "file",
                      GW_AUDIT_SPOOL_REJECTED, NULL);
    }
    return rc;
}

/* A replayed batch the trail refused as data (a constraint): each record on
 * its own, in order, on conn, so only the one it refuses is set aside
 * (with the lines that did not parse) and the rest are written. Returns
 * CG_OK when every record is written or set aside. */
static cg_code replay_one_by_one(gw_audit *audit, PGconn *conn, const gw_audit_spooled *recs,
                                 audit_job *jobs, int n, cg_err *err)
{
    cg_code rc = CG_OK;
    for (int i = 0; rc == CG_OK && i < n; i++) {
        audit_job *one = &jobs[i];
        cg_err row_err;
        cg_err_clear(&row_err);
        if (!recs[i].bad)
            rc = append_hashed(conn, audit->key, &one, 1, false, true, &row_err);
        if (recs[i].bad || (rc != CG_OK && !spoolable(rc))) {
            rc = gw_audit_spool_reject(audit->spool, recs[i].line, err);
            audit->set_aside++;
            cg_log_fields(CG_LOG_ERROR, "audit spool record set aside: the trail refuses it",
                          "file", GW_AUDIT_SPOOL_REJECTED, "gateway_request_id", jobs[i].params[10],
                          "reason", recs[i].bad ? "the line does not parse" : row_err.message,
                          NULL);
        } else if (rc != CG_OK) {
            *err = row_err;
        }
    }
    return rc;
}

/* Write the spool's records to the trail, oldest first, AUDIT_BATCH_MAX to
 * a transaction, and empty it once all are committed. Only the writer
 * thread calls this (without the lock): it alone touches the spool. True
 * when the spool is empty afterwards; false with err when the trail still
 * refuses rows. */
static bool replay_spool(gw_audit *audit, cg_err *err)
{
    gw_audit_spooled recs[AUDIT_BATCH_MAX];
    audit_job jobs[AUDIT_BATCH_MAX];
    audit_job *ptrs[AUDIT_BATCH_MAX];

    while (gw_audit_spool_size(audit->spool) > 0) {
        int n = 0;
        long long next = 0;
        cg_code rc = gw_audit_spool_read(audit->spool, audit->spool_offset, recs, AUDIT_BATCH_MAX,
                                         &n, &next, err);
        if (rc == CG_OK && n == 0) {
            /* Everything up to here is committed. */
            rc = gw_audit_spool_clear(audit->spool, err);
            if (rc == CG_OK)
                audit->spool_offset = 0;
            return rc == CG_OK;
        }
        if (rc != CG_OK)
            return false;
        int njobs = 0;
        for (int i = 0; i < n; i++) {
            memset(&jobs[i], 0, sizeof(jobs[i]));
            for (int k = 0; k < AUDIT_NPARAMS; k++)
                jobs[i].params[k] = recs[i].values[k];
            if (!recs[i].bad)
                ptrs[njobs++] = &jobs[i];
        }
        PGconn *conn = append_on_connection(audit, ptrs, njobs, false, true, &rc, err);
        if (conn != NULL && rc == CG_OK)
            rc = set_aside(audit, recs, n, err);
        else if (conn != NULL && !spoolable(rc))
            rc = replay_one_by_one(audit, conn, recs, jobs, n, err);
        if (conn != NULL)
            cg_db_release(audit->db, conn);
        for (int i = 0; i < n; i++)
            gw_audit_spooled_clear(&recs[i]);
        if (rc != CG_OK)
            return false;
        /* A crash from here on replays this batch again, and
         * skip_written leaves it out then. */
        audit->spool_offset = next;
        audit->replayed += (uint64_t)n;
    }
    return true;
}

/* Spool the jobs that failed with a spoolable code, in order, with one
 * fsync; each spooled job's rc becomes CG_OK, since its record is kept.
 * Writer thread only, without the lock. When the spool cannot take them
 * (disk full) their rc stays and err says why. Returns how many were
 * spooled. */
static int spool_jobs(gw_audit *audit, audit_job **jobs, int n, cg_err *err)
{
    char *text = NULL;
    size_t len = 0, cap = 0;
    int count = 0;
    cg_code rc = CG_OK;
    long long now = (long long)cg_now_ms();

    for (int i = 0; i < n && rc == CG_OK; i++) {
        if (!spoolable(jobs[i]->rc))
            continue;
        char *line = gw_audit_spool_line(jobs[i]->params, now);
        size_t add = line != NULL ? strlen(line) : 0;
        if (line != NULL && len + add + 1 > cap) {
            size_t want = (len + add + 1) * 2;
            char *grown = realloc(text, want);
            if (grown != NULL) {
                text = grown;
                cap = want;
            }
        }
        if (line == NULL || len + add + 1 > cap) {
            rc = cg_err_set(err, CG_RESOURCE_EXHAUSTED, "out of memory");
        } else {
            memcpy(text + len, line, add);
            len += add;
            count++;
        }
        free(line);
    }
    if (rc == CG_OK && count > 0)
        rc = gw_audit_spool_append(audit->spool, text, len, err);
    free(text);
    if (rc != CG_OK || count == 0)
        return 0;
    for (int i = 0; i < n; i++)
        if (spoolable(jobs[i]->rc))
            jobs[i]->rc = CG_OK;
    return count;
}

/* v in decimal, in buf. */
static const char *count_text(uint64_t v, char buf[24])
{
    snprintf(buf, 24, "%llu", (unsigned long long)v);
    return buf;
}

/* Milliseconds the writer may sleep before it must try the spool again. */
static long long replay_wait_ms(const gw_audit *audit)
{
    if (gw_audit_spool_size(audit->spool) == 0 && !audit->spool_failed)
        return -1;
    long long left = audit->next_replay_ms - (long long)cg_now_ms();
    return left > 0 ? left : 0;
}

/* spool_failed is read by request threads (gw_audit_can_record), so it is
 * written under the lock. */
static void set_spool_failed(gw_audit *audit, bool failed)
{
    pthread_mutex_lock(&audit->lock);
    audit->spool_failed = failed;
    pthread_mutex_unlock(&audit->lock);
}

/* One round of the writer, without the lock: the spool first (its records
 * are older than the batch's), then the batch, spooling what the trail
 * did not take. Returns whether every record went to the trail and the
 * spool is empty (the trail is healthy); the outage's single log lines are
 * written here. */
static bool write_round(gw_audit *audit, audit_job **batch, int n)
{
    cg_err err;
    char num[3][24];
    bool trail_ok = true;
    bool was_down = audit->outage;

    cg_err_clear(&err);
    if (gw_audit_spool_size(audit->spool) > 0) {
        /* While the trail refuses rows, a new try at most every
         * AUDIT_RETRY_MS; in between records go straight to the spool,
         * behind the ones already there. */
        trail_ok = false;
        if ((long long)cg_now_ms() >= audit->next_replay_ms) {
            trail_ok = replay_spool(audit, &err);
            if (!trail_ok) {
                audit->next_replay_ms = (long long)cg_now_ms() + audit->retry_ms;
                audit->retry_ms = audit->retry_ms * 2 < AUDIT_RETRY_MAX_MS ? audit->retry_ms * 2
                                                                           : AUDIT_RETRY_MAX_MS;
            }
        }
    }
    for (int i = 0; i < n; i++)
        batch[i]->rc = CG_UNAVAILABLE;
    if (n > 0 && trail_ok)
        append_batch(audit, batch, n, &err);
    /* A row the database refuses as data fails its own request, as it
     * would again; only a trail that refuses rows starts an outage. */
    bool all_written = trail_ok;
    for (int i = 0; i < n; i++) {
        trail_ok &= !spoolable(batch[i]->rc);
        all_written &= batch[i]->rc == CG_OK;
    }
    if (!trail_ok && !audit->outage) {
        audit->outage = true;
        audit->replayed = 0;
        audit->set_aside = 0;
        audit->outage_spooled = 0;
        audit->next_replay_ms = (long long)cg_now_ms() + AUDIT_RETRY_MS;
        cg_log_fields(CG_LOG_WARN,
                      "audit trail not writable: records are spooled until it takes them again",
                      "reason", err.message[0] != '\0' ? err.message : "unknown", NULL);
    }
    cg_err spool_err;
    cg_err_clear(&spool_err);
    int spooled = n > 0 ? spool_jobs(audit, batch, n, &spool_err) : 0;
    audit->outage_spooled += (uint64_t)spooled;
    int lost = 0;
    for (int i = 0; i < n; i++)
        lost += spoolable(batch[i]->rc);
    if (lost > 0) {
        audit->refused += (uint64_t)lost;
        if (!audit->spool_failed)
            cg_log_fields(CG_LOG_ERROR,
                          "audit records can be neither written nor spooled: requests that need "
                          "one are refused until there is room",
                          "reason", spool_err.message[0] != '\0' ? spool_err.message : err.message,
                          NULL);
        set_spool_failed(audit, true);
    } else if (spooled > 0 ||
               (audit->spool_failed && gw_audit_spool_has_room(audit->spool, AUDIT_SPOOL_ROOM))) {
        if (audit->spool_failed)
            cg_log_fields(CG_LOG_INFO, "audit spool takes records again", "refused_records",
                          count_text(audit->refused, num[0]), NULL);
        set_spool_failed(audit, false);
        audit->refused = 0;
    }
    if (trail_ok)
        audit->retry_ms = AUDIT_RETRY_MS;
    if (trail_ok && was_down && gw_audit_spool_size(audit->spool) == 0) {
        cg_log_fields(CG_LOG_INFO, "audit trail writable again: the spool is written",
                      "spooled_records", count_text(audit->outage_spooled, num[0]),
                      "replayed_records", count_text(audit->replayed, num[1]), "set_aside_records",
                      count_text(audit->set_aside, num[2]), NULL);
        audit->outage = false;
    }
    /* Neither an empty spool nor a full one is tried again before
     * AUDIT_RETRY_MS. */
    long long now = (long long)cg_now_ms();
    if ((gw_audit_spool_size(audit->spool) > 0 || audit->spool_failed) &&
        audit->next_replay_ms <= now)
        audit->next_replay_ms = now + AUDIT_RETRY_MS;
    return all_written && gw_audit_spool_size(audit->spool) == 0;
}

static void *writer_main(void *arg)
{
    gw_audit *audit = arg;
    audit_job *batch[AUDIT_BATCH_MAX];

    pthread_mutex_lock(&audit->lock);
    for (;;) {
        long long wait_ms = replay_wait_ms(audit);
        if (audit->first == NULL && !audit->stopping && wait_ms != 0) {
            if (wait_ms < 0) {
                pthread_cond_wait(&audit->work, &audit->lock);
            } else {
                struct timespec until = cg_deadline_after_ms((int)wait_ms);
                pthread_cond_timedwait(&audit->work, &audit->lock, &until);
            }
            continue;
        }
        /* Stopping, but jobs queued before the stop are still written (or
         * spooled); the spool's own records wait for the next start. */
        if (audit->first == NULL && audit->stopping)
            break;
        int n = 0;
        while (audit->first != NULL && n < AUDIT_BATCH_MAX) {
            batch[n++] = audit->first;
            audit->first = audit->first->next;
        }
        if (audit->first == NULL)
            audit->last = NULL;
        pthread_mutex_unlock(&audit->lock);

        bool ok = write_round(audit, batch, n);

        pthread_mutex_lock(&audit->lock);
        audit_job *retry_first = NULL, *retry_last = NULL;
        for (int i = 0; i < n; i++) {
            audit_job *job = batch[i];
            if (!job->detached) {
                job->done = true;
                audit->done_seq++;
            } else if (job->rc == CG_OK || audit->stopping || !spoolable(job->rc)) {
                /* Written or spooled; or refused by the database, or
                 * neither written nor spooled while the gateway stops. */
                if (job->rc != CG_OK)
                    cg_log_fields(CG_LOG_ERROR, "read record not written", "action", job->params[3],
                                  "request_id", job->params[8], "code", cg_code_name(job->rc),
                                  NULL);
                audit->ndetached--;
                audit->done_seq++;
                free(job);
            } else {
                /* Neither written nor spooled, and nobody waits for it:
                 * back to the head of the queue, in order, for the next
                 * try. */
                job->next = NULL;
                if (retry_last != NULL)
                    retry_last->next = job;
                else
                    retry_first = job;
                retry_last = job;
            }
        }
        if (retry_first != NULL) {
            retry_last->next = audit->first;
            if (audit->first == NULL)
                audit->last = retry_last;
            audit->first = retry_first;
        }
        audit->healthy = ok;
        pthread_cond_broadcast(&audit->finished);
        if (retry_first != NULL) {
            /* Neither the trail nor the spool takes records: give them a
             * moment, unless stopping. */
            struct timespec until = cg_deadline_after_ms(AUDIT_RETRY_MS);
            if (!audit->stopping)
                pthread_cond_timedwait(&audit->work, &audit->lock, &until);
        }
    }
    pthread_mutex_unlock(&audit->lock);
    return NULL;
}

/* Put job at the end of the queue; the caller holds the lock. */
static void enqueue(gw_audit *audit, audit_job *job)
{
    job->next = NULL;
    if (audit->last != NULL)
        audit->last->next = job;
    else
        audit->first = job;
    audit->last = job;
    audit->queued_seq++;
    pthread_cond_signal(&audit->work);
}

/* A heap copy of job with its strings, marked detached, or NULL when out of
 * memory. */
static audit_job *detached_copy(const audit_job *job)
{
    size_t size = sizeof(*job);
    for (int k = 0; k < AUDIT_NPARAMS; k++)
        size += job->params[k] != NULL ? strlen(job->params[k]) + 1 : 0;
    audit_job *copy = malloc(size);
    if (copy == NULL)
        return NULL;
    *copy = *job;
    copy->detached = true;
    char *store = (char *)(copy + 1);
    for (int k = 0; k < AUDIT_NPARAMS; k++) {
        if (job->params[k] == NULL)
            continue;
        size_t len = strlen(job->params[k]) + 1;
        memcpy(store, job->params[k], len);
        copy->params[k] = store;
        store += len;
    }
    return copy;
}

/* Queue a read's record without waiting for it to be written, when the
 * trail is healthy; false means the caller must wait for it instead. */
static bool submit_detached(gw_audit *audit, const audit_job *job)
{
    audit_job *copy = detached_copy(job);
    bool queued = false;
    if (copy == NULL)
        return false;
    pthread_mutex_lock(&audit->lock);
    /* A full queue makes the read wait for room, one batch at most, not
     * for its own row at the end of the queue. */
    while (audit->healthy && !audit->stopping && audit->ndetached >= AUDIT_DETACHED_MAX)
        pthread_cond_wait(&audit->finished, &audit->lock);
    if (audit->healthy && !audit->stopping) {
        audit->ndetached++;
        enqueue(audit, copy);
        queued = true;
    }
    pthread_mutex_unlock(&audit->lock);
    if (!queued)
        free(copy);
    return queued;
}

void gw_audit_flush(gw_audit *audit)
{
    if (audit == NULL)
        return;
    struct timespec deadline = cg_deadline_after_ms(AUDIT_FLUSH_MS);
    pthread_mutex_lock(&audit->lock);
    /* The queue is written in order (a failed read's record goes back to
     * its head), so everything queued before now is written once done_seq
     * reaches queued_seq as it is now. While the database fails this can
     * take forever: past the deadline the route goes on, and its own query
     * will most likely fail the same way. */
    uint64_t until = audit->queued_seq;
    while (audit->done_seq < until)
        if (pthread_cond_timedwait(&audit->finished, &audit->lock, &deadline) != 0)
            break;
    pthread_mutex_unlock(&audit->lock);
}

/* Queue job and wait until the writer has committed it or given up. */
static cg_code submit(gw_audit *audit, audit_job *job)
{
    job->done = false;
    job->detached = false;
    pthread_mutex_lock(&audit->lock);
    enqueue(audit, job);
    while (!job->done)
        pthread_cond_wait(&audit->finished, &audit->lock);
    pthread_mutex_unlock(&audit->lock);
    return job->rc;
}

cg_code gw_audit_create(gw_audit **out, gw_app *app, cg_err *err)
{
    cg_code rc = CG_INTERNAL;
    gw_audit *audit = calloc(1, sizeof(*audit));

    *out = NULL;
    if (audit == NULL) {
        rc = cg_err_set(err, CG_INTERNAL, "out of memory");
        goto cleanup;
    }
    audit->healthy = true;
    audit->retry_ms = AUDIT_RETRY_MS;
    audit->key = gw_audit_chain_key(app->audit_chain);
    pthread_mutex_init(&audit->lock, NULL);
    pthread_cond_init(&audit->work, NULL);
    pthread_cond_init(&audit->finished, NULL);
    rc = cg_db_open(&audit->db, app->base.db_url, 1, err);
    if (rc != CG_OK)
        goto cleanup;
    /* Without its spool the gateway does not start: an outage of the trail
     * would otherwise fail requests that already took effect. */
    rc = gw_audit_spool_open(&audit->spool, app->audit_spool_dir,
                             app->audit_spool_max_mb * 1024LL * 1024LL, err);
    if (rc != CG_OK)
        goto cleanup;
    if (gw_audit_spool_size(audit->spool) > 0) {
        char bytes[24];
        snprintf(bytes, sizeof(bytes), "%lld", gw_audit_spool_size(audit->spool));
        cg_log_fields(CG_LOG_WARN, "audit spool holds records from before: writing them first",
                      "bytes", bytes, NULL);
        audit->healthy = false;
        /* Its end is logged like an outage's. */
        audit->outage = true;
    }
    if (pthread_create(&audit->thread, NULL, writer_main, audit) != 0) {
        rc = cg_err_set(err, CG_INTERNAL, "cannot start the audit writer thread");
        goto cleanup;
    }
    audit->thread_started = true;
    *out = audit;
    audit = NULL;

cleanup:
    gw_audit_destroy(audit);
    return rc;
}

void gw_audit_destroy(gw_audit *audit)
{
    if (audit == NULL)
        return;
    if (audit->thread_started) {
        pthread_mutex_lock(&audit->lock);
        audit->stopping = true;
        pthread_cond_signal(&audit->work);
        pthread_mutex_unlock(&audit->lock);
        pthread_join(audit->thread, NULL);
    }
    if (audit->db != NULL)
        cg_db_close(audit->db);
    gw_audit_spool_close(audit->spool);
    pthread_cond_destroy(&audit->finished);
    pthread_cond_destroy(&audit->work);
    pthread_mutex_destroy(&audit->lock);
    free(audit);
}

void gw_audit_expect(gw_request *req, const char *action, const char *target_type,
                     const char *target_id)
{
    gw_audit_pending *p = &req->audit;
    gw_audit_release(req);
    p->armed = true;
    p->action = action;
    p->fail_action = NULL;
    p->target_type = target_type;
    cg_strlcpy(p->target_id, target_id ? target_id : "", sizeof(p->target_id));
}

void gw_audit_expect_list(gw_request *req, const char *action, const char *target_type,
                          const char *target_id, const cJSON *filter)
{
    gw_audit_expect(req, action, target_type, target_id);
    cJSON_Delete(req->audit.list_filter);
    req->audit.list_filter = filter != NULL ? cJSON_Duplicate(filter, true) : cJSON_CreateObject();
    /* Until the answer names its items, a refusal or failure records the
     * filter alone. */
    free(req->audit.detail);
    req->audit.detail = NULL;
    cJSON *detail = cJSON_CreateObject();
    if (detail != NULL && req->audit.list_filter != NULL &&
        cJSON_AddItemReferenceToObject(detail, "filter", req->audit.list_filter))
        req->audit.detail = cJSON_PrintUnformatted(detail);
    cJSON_Delete(detail);
}

void gw_audit_note(gw_request *req, const cJSON *detail)
{
    free(req->audit.detail);
    req->audit.detail = cJSON_PrintUnformatted(detail);
}

/* The id an answer's item is known by, into out: its "id" (text, or a
 * whole number such as a risk alert's), its "sha256", or for an item about
 * an entity (a risk score) "<kind>:<id>" of its "entity". NULL when it has
 * none. */
static const char *item_id(const cJSON *item, const char *key, char *out, size_t size)
{
    const cJSON *id = cJSON_GetObjectItemCaseSensitive(item, key != NULL ? key : "id");
    const cJSON *entity = cJSON_GetObjectItemCaseSensitive(item, "entity");
    if (cJSON_IsString(id))
        return id->valuestring;
    if (cJSON_IsNumber(id)) {
        snprintf(out, size, "%.0f", id->valuedouble);
        return out;
    }
    if (cJSON_IsObject(entity)) {
        const char *kind = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(entity, "kind"));
        const char *eid = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(entity, "id"));
        if (kind != NULL && eid != NULL) {
            snprintf(out, size, "%s:%s", kind, eid);
            return out;
        }
    }
    return cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(item, "sha256"));
}

void gw_audit_list_answer(gw_request *req, const cJSON *answer)
{
    gw_audit_pending *p = &req->audit;
    if (!p->armed || p->list_filter == NULL)
        return;
    const cJSON *items =
        cJSON_GetObjectItemCaseSensitive(answer, p->list_member != NULL ? p->list_member : "items");
    cJSON *detail = cJSON_CreateObject();
    cJSON *ids = cJSON_CreateArray();
    bool ok = detail != NULL && ids != NULL &&
              cJSON_AddItemReferenceToObject(detail, "filter", p->list_filter);
    const cJSON *item;
    cJSON_ArrayForEach(item, items)
    {
        char buf[256];
        const char *id = item_id(item, p->list_key, buf, sizeof buf);
        cJSON *s = id != NULL ? cJSON_CreateString(id) : NULL;
        ok = ok && s != NULL && cJSON_AddItemToArray(ids, s);
        if (!ok)
            cJSON_Delete(s);
    }
    if (ok && cJSON_AddItemToObject(detail, "ids", ids)) {
        ids = NULL;
        char *text = cJSON_PrintUnformatted(detail);
        if (text != NULL) {
            free(p->detail);
            p->detail = text;
        }
    }
    cJSON_Delete(ids);
    cJSON_Delete(detail);
}

void gw_audit_list_items(gw_request *req, const char *member, const char *key)
{
    req->audit.list_member = member;
    req->audit.list_key = key;
}

void gw_audit_release(gw_request *req)
{
    free(req->audit.detail);
    req->audit.detail = NULL;
    cJSON_Delete(req->audit.list_filter);
    req->audit.list_filter = NULL;
}

void gw_audit_set_actor(gw_request *req, const gw_principal *who)
{
    req->audit.actor = *who;
    req->audit.has_actor = true;
}

void gw_audit_expect_route(gw_request *req, const gw_route *r)
{
    const char *fail_action = NULL;
    const char *target_type = NULL;
    if (strcmp(r->method, "GET") == 0 || strcmp(r->method, "HEAD") == 0)
        return;
    const char *action =
        gw_audit_route_action(r->method, r->pattern, &fail_action, &target_type,
                              req->audit_method_buf, sizeof(req->audit_method_buf));
    gw_audit_expect(req, action, target_type, req->route_id);
    req->audit.fail_action = fail_action;
}

/* Append the armed record with status, waiting until it is committed. */
static cg_code append(gw_request *req, int status, cg_err *err)
{
    gw_audit *audit = req->app->audit;
    const gw_audit_pending *p = &req->audit;
    const gw_principal *who = p->has_actor ? &p->actor : req->who;
    char status_text[16];
    audit_job job;

    if (audit == NULL)
        return cg_err_set(err, CG_UNAVAILABLE, "the audit trail is not open");
    snprintf(status_text, sizeof(status_text), "%d", status);
    /* Only account fields, the route and the outcome: no body, no header,
     * no client address ever reaches this row. */
    const char *params[] = {
        who != NULL ? who->id : NULL,
        who != NULL ? who->username : NULL,
        who != NULL ? who->role_list : NULL,
        status >= 400 && p->fail_action != NULL ? p->fail_action : p->action,
        p->target_type,
        p->target_id[0] != '\0' ? p->target_id : NULL,
        gw_audit_outcome(status),
        status_text,
        req->request_id,
        who != NULL && who->org_path[0] != '\0' ? who->org_path : NULL,
        req->own_request_id,
        p->detail,
    };
    _Static_assert(sizeof(params) == sizeof(job.params), "one parameter per column");
    memcpy(job.params, params, sizeof(params));
    job.read_only = strcmp(req->method, "GET") == 0 || strcmp(req->method, "HEAD") == 0;
    job.detached = false;
    if (job.read_only && submit_detached(audit, &job))
        return CG_OK;
    if (submit(audit, &job) != CG_OK)
        return cg_err_set(err, job.rc, "the audit record could not be written");
    return CG_OK;
}

bool gw_audit_before_answer(gw_request *req, int status)
{
    cg_err err;
    if (!req->audit.armed)
        return true;
    /* Disarmed first: the 503 that may follow must not record again. */
    req->audit.armed = false;
    cg_err_clear(&err);
    if (append(req, status, &err) == CG_OK)
        return true;
    /* The writer logs the outage once, with its counts; one line a request
     * would bury it. */
    cg_log_fields(CG_LOG_DEBUG, "audit record neither written nor spooled", "action",
                  req->audit.action, "reason", err.message, NULL);
    return status >= 400;
}

bool gw_audit_can_record(gw_audit *audit)
{
    if (audit == NULL)
        return false;
    pthread_mutex_lock(&audit->lock);
    bool can = audit->healthy || !audit->spool_failed;
    pthread_mutex_unlock(&audit->lock);
    return can;
}

/* --- GET /api/v1/audit ------------------------------------------------------ */

/* Columns of a listed row, in the order row_json reads them. */
#define LIST_COLUMNS                                                                               \
    "id, (extract(epoch FROM at) * 1000)::bigint, actor_id::text, actor_username, actor_role,"     \
    " action, target_type, target_id, outcome, http_status, request_id, org_path::text,"           \
    " prev_hash, hash, gateway_request_id, detail"

/* Add key as the string in column col, or null when the field is NULL. */
static bool add_nullable(cJSON *obj, const char *key, const PGresult *res, int row, int col)
{
    if (PQgetisnull(res, row, col))
        return cJSON_AddNullToObject(obj, key) != NULL;
    return cJSON_AddStringToObject(obj, key, cg_db_get(res, row, col)) != NULL;
}

/* The detail column as the JSON it holds, or null. */
static bool add_detail(cJSON *obj, const PGresult *res, int row, int col)
{
    cJSON *detail =
        PQgetisnull(res, row, col) ? cJSON_CreateNull() : cJSON_Parse(cg_db_get(res, row, col));
    if (detail == NULL)
        detail = cJSON_CreateNull();
    return detail != NULL && cJSON_AddItemToObject(obj, "detail", detail);
}

static cJSON *row_json(const PGresult *res, int row)
{
    cJSON *o = cJSON_CreateObject();
    cJSON *actor = cJSON_CreateObject();
    cJSON *target = NULL;
    bool ok = o != NULL && actor != NULL;

    ok = ok && cJSON_AddNumberToObject(o, "id", (double)cg_db_get_ll(res, row, 0)) != NULL &&
         gw_json_add_time(o, "at", cg_db_get_ll(res, row, 1)) &&
         add_nullable(actor, "id", res, row, 2) && add_nullable(actor, "username", res, row, 3) &&
         gw_json_add_name_list(actor, "roles", cg_db_get(res, row, 4)) &&
         add_nullable(actor, "org_path", res, row, 11);
    if (ok) {
        ok = cJSON_AddItemToObject(o, "actor", actor);
        actor = NULL;
    }
    ok = ok && cJSON_AddStringToObject(o, "action", cg_db_get(res, row, 5)) != NULL;
    if (ok && PQgetisnull(res, row, 6)) {
        ok = cJSON_AddNullToObject(o, "target") != NULL;
    } else if (ok) {
        target = cJSON_CreateObject();
        ok = target != NULL && add_nullable(target, "type", res, row, 6) &&
             add_nullable(target, "id", res, row, 7) && cJSON_AddItemToObject(o, "target", target);
        if (ok)
            target = NULL;
    }
    ok = ok && cJSON_AddStringToObject(o, "outcome", cg_db_get(res, row, 8)) != NULL &&
         cJSON_AddNumberToObject(o, "status", (double)cg_db_get_ll(res, row, 9)) != NULL &&
         cJSON_AddStringToObject(o, "request_id", cg_db_get(res, row, 10)) != NULL &&
         cJSON_AddStringToObject(o, "prev_hash", cg_db_get(res, row, 12)) != NULL &&
         cJSON_AddStringToObject(o, "hash", cg_db_get(res, row, 13)) != NULL &&
         add_nullable(o, "gateway_request_id", res, row, 14) && add_detail(o, res, row, 15);
    cJSON_Delete(actor);
    cJSON_Delete(target);
    if (!ok) {
        cJSON_Delete(o);
        return NULL;
    }
    return o;
}

void gw_route_list_audit(gw_request *req)
{
    gw_audit_query q;
    PGconn *conn = NULL;
    PGresult *res = NULL;
    cJSON *out = NULL;
    char before[24];
    char limit[16];
    cg_err err;

    /* Reads answered before this request are in the trail it reads. */
    gw_audit_flush(req->app->audit);

    cg_err_clear(&err);
    if (gw_audit_query_parse(req->query, &q, &err) != CG_OK) {
        gw_http_send_err(req, &err);
        goto cleanup;
    }
    snprintf(before, sizeof(before), "%lld", q.before_id);
    /* One row more than asked for tells whether another page follows. */
    snprintf(limit, sizeof(limit), "%d", q.limit + 1);
    /* Scope: an auditor sees the rows of actors inside its subtree. Rows
     * without an actor's unit (anonymous reports, failed logins of unknown
     * usernames) belong to no subtree; only an auditor of the root sees
     * them. */
    const char *params[] = {
        req->who->org_path,
        q.actor[0] ? q.actor : NULL,
        q.action[0] ? q.action : NULL,
        q.from[0] ? q.from : NULL,
        q.to[0] ? q.to : NULL,
        before,
        limit,
    };
    conn = cg_db_acquire(req->app->base.db, GW_DB_ACQUIRE_MS, &err);
    if (conn == NULL) {
        gw_http_send_err(req, &err);
        goto cleanup;
    }
    if (cg_db_exec(conn,
                   "SELECT " LIST_COLUMNS " FROM audit_log"
                   " WHERE (org_path <@ $1::ltree OR (org_path IS NULL AND nlevel($1::ltree) = 1))"
                   " AND ($2::text IS NULL OR actor_username = $2)"
                   " AND ($3::text IS NULL OR action = $3)"
                   " AND ($4::timestamptz IS NULL OR at >= $4::timestamptz)"
                   " AND ($5::timestamptz IS NULL OR at < $5::timestamptz)"
                   " AND ($6::bigint = 0 OR id < $6::bigint)"
                   " ORDER BY id DESC LIMIT $7::integer",
                   7, params, &res, &err) != CG_OK) {
        gw_http_send_err(req, &err);
        goto cleanup;
    }
    int n = PQntuples(res);
    bool more = n > q.limit;
    if (more)
        n = q.limit;
    out = cJSON_CreateObject();
    cJSON *items = out ? cJSON_AddArrayToObject(out, "items") : NULL;
    bool ok = items != NULL;
    for (int i = 0; ok && i < n; i++) {
        cJSON *item = row_json(res, i);
        ok = item != NULL && cJSON_AddItemToArray(items, item);
        if (!ok)
            cJSON_Delete(item);
    }
    if (ok && more)
        ok = cJSON_AddStringToObject(out, "next_cursor", cg_db_get(res, n - 1, 0)) != NULL;
    else if (ok)
        ok = cJSON_AddNullToObject(out, "next_cursor") != NULL;
    gw_http_send_json(req, 200, ok ? out : NULL);

cleanup:
    cJSON_Delete(out);
    if (res != NULL)
        PQclear(res);
    if (conn != NULL)
        cg_db_release(req->app->base.db, conn);
}
