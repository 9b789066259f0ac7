/* The audit chain's keys, its anchors and GET /api/v1/audit/verify.
 *
 * The key (CG_AUDIT_KEY) never enters the database, so neither can the
 * judge of a keyed row: verify reads the rows here, in id order and in
 * pages of one snapshot, recomputes each hash with the key its row names,
 * and walks the chain with cg_chain_walk (cg/chain.h): ids contiguous,
 * links, no unkeyed row after a keyed one, and every anchor.
 *
 * The anchorer: every CG_AUDIT_ANCHOR_S, when the head moved since the
 * newest anchor, it checks the rows written since (the anchored row still
 * holds the anchored hash, and every row after it walks) and only then
 * publishes the new head to CG_ANCHORS. So an anchor never vouches for a
 * chain that was already rewritten: a rewrite leaves the anchors as they
 * were, and verify reports it until the rows are as they were anchored.
 * Every replica anchors; they read the newest anchor from the stream, so
 * each head is anchored about once. */
#include <stdlib.h>
#include <string.h>

#include "cg/chain.h"
#include "cg/db.h"
#include "cg/log.h"
#include "cg/nats.h"
#include "cg/ticker.h"
#include "cg/util.h"
#include "audit.h"
#include "gateway.h"

/* Rows read at a time. */
#define CHAIN_PAGE "1000"
#define CHAIN_PAGE_ROWS 1000

struct gw_audit_chain {
    gw_app *app; /* borrowed */
    cg_chain_keyring keys;
    cg_ticker *anchorer;
};

/* One snapshot for the head and every page: rows appended meanwhile are
 * not part of this walk. */
static const char snapshot_sql[] = "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY";
static const char head_sql[] = "SELECT last_id, last_hash, nrows FROM audit_head";
/* The columns of gw_audit_canonical() after the id and the time (formatted
 * as audit_canonical() formats it), then the links and the key id. */
static const char page_sql[] =
    "SELECT id, to_char(at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.US\"Z\"'),"
    " actor_id::text, actor_username, actor_role, action, target_type, target_id, outcome,"
    " http_status::text, request_id, org_path::text, gateway_request_id, detail,"
    " prev_hash, hash, key_id"
    " FROM audit_log WHERE id > $1::bigint ORDER BY id LIMIT " CHAIN_PAGE;
static const char row_sql[] = "SELECT hash, key_id FROM audit_log WHERE id = $1::bigint";

/* The column of a page's value k (audit.h's order). */
#define PAGE_VALUE0 2
#define PAGE_PREV (PAGE_VALUE0 + GW_AUDIT_NVALUES)
#define PAGE_HASH (PAGE_PREV + 1)
#define PAGE_KEY (PAGE_PREV + 2)

static const char *nullable(const PGresult *res, int row, int col)
{
    return PQgetisnull(res, row, col) ? NULL : PQgetvalue(res, row, col);
}

/* Feed w every row after after_id in id order, recomputing each hash here.
 * last_key_id gets the key id of the last row fed ("" for unkeyed; left
 * as it was when no row was fed). Stops early once the walk is broken. */
static cg_code walk_rows(PGconn *conn, const cg_chain_keyring *keys, cg_chain_walk *w,
                         long long after_id, char last_key_id[CG_CHAIN_KEY_ID_LEN], cg_err *err)
{
    cg_code rc = CG_OK;
    PGresult *res = NULL;
    char after[24];
    for (int n = CHAIN_PAGE_ROWS; n == CHAIN_PAGE_ROWS && !w->broken;) {
        snprintf(after, sizeof(after), "%lld", after_id);
        const char *params[] = {after};
        PQclear(res);
        res = NULL;
        rc = cg_db_exec(conn, page_sql, 1, params, &res, err);
        if (rc != CG_OK)
            goto cleanup;
        n = PQntuples(res);
        for (int i = 0; i < n && !w->broken; i++) {
            const char *values[GW_AUDIT_NVALUES];
            char expected[CG_CHAIN_HASH_LEN];
            for (int k = 0; k < GW_AUDIT_NVALUES; k++)
                values[k] = nullable(res, i, PAGE_VALUE0 + k);
            long long id = cg_db_get_ll(res, i, 0);
            const char *key_id = nullable(res, i, PAGE_KEY);
            const cg_chain_key *key = cg_chain_keyring_find(keys, key_id);
            char *canonical = gw_audit_canonical(id, PQgetvalue(res, i, 1), values);
            if (canonical == NULL) {
                rc = cg_err_set(err, CG_INTERNAL, "out of memory");
                goto cleanup;
            }
            if (key_id == NULL || key != NULL)
                cg_chain_hash(key, PQgetvalue(res, i, PAGE_PREV), canonical, expected);
            free(canonical);
            cg_chain_walk_row(w, id, PQgetvalue(res, i, PAGE_PREV), PQgetvalue(res, i, PAGE_HASH),
                              key_id, key_id == NULL || key != NULL ? expected : NULL);
            cg_strlcpy(last_key_id, key_id != NULL ? key_id : "", CG_CHAIN_KEY_ID_LEN);
            after_id = id;
        }
    }

cleanup:
    PQclear(res);
    return rc;
}

/* Open the snapshot on conn and read the head row into *head (owned by the
 * caller, PQclear(); NULL on failure). */
static cg_code snapshot_head(PGconn *conn, PGresult **head, cg_err *err)
{
    cg_code rc = cg_db_exec(conn, snapshot_sql, 0, NULL, NULL, err);
    if (rc == CG_OK)
        rc = cg_db_exec(conn, head_sql, 0, NULL, head, err);
    if (rc == CG_OK && PQntuples(*head) != 1)
        rc = cg_err_set(err, CG_INTERNAL, "the audit head row is missing");
    if (rc != CG_OK && *head != NULL) {
        PQclear(*head);
        *head = NULL;
    }
    return rc;
}

/* --- the anchorer ----------------------------------------------------------- */

/* Check the rows since the newest anchor and anchor the head, on conn. */
static cg_code anchor_once(gw_audit_chain *chain, PGconn *conn, cg_err *err)
{
    cg_code rc;
    PGresult *head = NULL, *row = NULL;
    cg_anchor last, next = {0};
    bool anchored = false;
    cg_chain_walk w;

    rc = cg_anchor_last(chain->app->base.nats, CG_ANCHOR_AUDIT, &last, &anchored, err);
    if (rc == CG_OK)
        rc = snapshot_head(conn, &head, err);
    if (rc != CG_OK)
        goto cleanup;
    next.id = cg_db_get_ll(head, 0, 0);
    cg_strlcpy(next.hash, cg_db_get(head, 0, 1), sizeof(next.hash));
    if (next.id == 0 || (anchored && last.id == next.id && strcmp(last.hash, next.hash) == 0))
        goto cleanup; /* nothing written, or nothing since the last anchor */
    if (anchored) {
        char id[24];
        snprintf(id, sizeof(id), "%lld", last.id);
        const char *params[] = {id};
        rc = cg_db_exec(conn, row_sql, 1, params, &row, err);
        if (rc != CG_OK)
            goto cleanup;
        if (PQntuples(row) != 1 || strcmp(cg_db_get(row, 0, 0), last.hash) != 0) {
            rc = cg_err_set(err, CG_FAILED_PRECONDITION,
                            "the row anchored last (id %lld) is no longer as anchored", last.id);
            goto cleanup;
        }
        cg_chain_walk_resume(&w, last.id, last.hash, !PQgetisnull(row, 0, 1));
        cg_strlcpy(next.key_id, last.key_id, sizeof(next.key_id));
    } else {
        cg_chain_walk_start(&w, NULL, 0);
    }
    rc = walk_rows(conn, &chain->keys, &w, anchored ? last.id : 0, next.key_id, err);
    if (rc != CG_OK)
        goto cleanup;
    if (!cg_chain_walk_end(&w, next.id, next.hash, -1)) {
        rc = cg_err_set(err, CG_FAILED_PRECONDITION, "row %lld: %s", w.first_bad, w.reason);
        goto cleanup;
    }
    rc = cg_db_commit(conn, err);
    if (rc != CG_OK)
        goto cleanup;
    next.at_ms = cg_now_ms();
    rc = cg_anchor_publish(chain->app->base.nats, CG_ANCHOR_AUDIT, &next, err);

cleanup:
    cg_db_rollback_if_open(conn);
    PQclear(row);
    PQclear(head);
    return rc;
}

static void anchor_tick(void *arg)
{
    gw_audit_chain *chain = arg;
    PGconn *conn = NULL;
    cg_err err;
    cg_err_clear(&err);
    conn = cg_db_acquire(chain->app->base.db, GW_DB_ACQUIRE_MS, &err);
    if (conn != NULL && anchor_once(chain, conn, &err) == CG_OK) {
        cg_db_release(chain->app->base.db, conn);
        return;
    }
    if (conn != NULL)
        cg_db_release(chain->app->base.db, conn);
    /* A chain that no longer extends its anchor is evidence: said loudly,
     * and never anchored over. */
    cg_log_fields(err.code == CG_FAILED_PRECONDITION ? CG_LOG_ERROR : CG_LOG_WARN,
                  err.code == CG_FAILED_PRECONDITION
                      ? "audit chain not anchored: it no longer extends its last anchor"
                      : "audit chain not anchored",
                  "reason", err.message, NULL);
}

cg_code gw_audit_chain_create(gw_audit_chain **out, gw_app *app, cg_err *err)
{
    cg_code rc;
    gw_audit_chain *chain = calloc(1, sizeof(*chain));
    *out = NULL;
    if (chain == NULL)
        return cg_err_set(err, CG_INTERNAL, "out of memory");
    chain->app = app;
    rc = cg_chain_keyring_load(&chain->keys, "CG_AUDIT_KEY", app->audit_key, app->audit_key_old,
                               err);
    if (rc == CG_OK && app->base.nats != NULL)
        rc = cg_ticker_start(app->audit_anchor_s * 1000, anchor_tick, chain, &chain->anchorer, err);
    if (rc != CG_OK) {
        gw_audit_chain_destroy(chain);
        return rc;
    }
    *out = chain;
    return CG_OK;
}

void gw_audit_chain_destroy(gw_audit_chain *chain)
{
    if (chain == NULL)
        return;
    cg_ticker_stop(chain->anchorer);
    cg_chain_keyring_wipe(&chain->keys);
    free(chain);
}

const cg_chain_key *gw_audit_chain_key(const gw_audit_chain *chain)
{
    return &chain->keys.keys[0];
}

/* --- GET /api/v1/audit/verify ----------------------------------------------- */

/* Walk the whole chain against anchors, in one snapshot taken after the
 * anchors were read (so every anchor names a row the snapshot holds). */
static cg_code verify_chain(gw_audit_chain *chain, PGconn *conn, const cg_anchor *anchors,
                            size_t nanchors, cg_chain_walk *w, cg_err *err)
{
    PGresult *head = NULL;
    char key_id[CG_CHAIN_KEY_ID_LEN] = "";
    cg_code rc = snapshot_head(conn, &head, err);
    if (rc != CG_OK)
        goto cleanup;
    cg_chain_walk_start(w, anchors, nanchors);
    rc = walk_rows(conn, &chain->keys, w, 0, key_id, err);
    if (rc == CG_OK)
        cg_chain_walk_end(w, cg_db_get_ll(head, 0, 0), cg_db_get(head, 0, 1),
                          cg_db_get_ll(head, 0, 2));

cleanup:
    cg_db_rollback_if_open(conn);
    PQclear(head);
    return rc;
}

void gw_route_verify_audit(gw_request *req)
{
    gw_audit_chain *chain = req->app->audit_chain;
    PGconn *conn = NULL;
    cg_anchor *anchors = NULL;
    size_t nanchors = 0;
    cJSON *out = NULL;
    cg_chain_walk w;
    cg_err err;

    /* Reads answered before this request are in the trail it reads. */
    gw_audit_flush(req->app->audit);

    cg_err_clear(&err);
    /* Without the anchors a rewrite with the key would pass: no answer
     * rather than a weaker one. */
    if (cg_anchor_fetch_all(req->app->base.nats, CG_ANCHOR_AUDIT, &anchors, &nanchors, &err) !=
        CG_OK) {
        gw_http_send_err(req, &err);
        goto cleanup;
    }
    conn = cg_db_acquire(req->app->base.db, GW_DB_ACQUIRE_MS, &err);
    if (conn == NULL || verify_chain(chain, conn, anchors, nanchors, &w, &err) != CG_OK) {
        gw_http_send_err(req, &err);
        goto cleanup;
    }

    out = cJSON_CreateObject();
    bool ok = out != NULL && cJSON_AddBoolToObject(out, "intact", !w.broken) != NULL &&
              cJSON_AddNumberToObject(out, "rows", (double)w.rows) != NULL &&
              cJSON_AddNumberToObject(out, "anchors", (double)nanchors) != NULL;
    if (ok && nanchors > 0)
        ok = cJSON_AddNumberToObject(out, "anchored_id", (double)anchors[nanchors - 1].id) != NULL;
    else if (ok)
        ok = cJSON_AddNullToObject(out, "anchored_id") != NULL;
    if (ok && w.broken) {
        char first_bad[24];
        snprintf(first_bad, sizeof(first_bad), "%lld", w.first_bad);
        ok = cJSON_AddNumberToObject(out, "first_bad_id", (double)w.first_bad) != NULL &&
             cJSON_AddStringToObject(out, "reason", w.reason) != NULL;
        cg_log_fields(CG_LOG_WARN, "audit chain verify: broken", "first_bad_id", first_bad,
                      "reason", w.reason, NULL);
    }
    gw_http_send_json(req, 200, ok ? out : NULL);

cleanup:
    cJSON_Delete(out);
    free(anchors);
    if (conn != NULL)
        cg_db_release(req->app->base.db, conn);
}
