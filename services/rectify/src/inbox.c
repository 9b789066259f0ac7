/* What the rectification service takes from the case service's events: the
 * rectification recommendations of a disposed case become tasks, exactly
 * once; the clue an accountability proposal became is linked back to its
 * task. Each handler runs in the transaction that also records the event
 * in the inbox (cg/messaging.h), and is idempotent by a natural key as
 * well, so a replay under a new event id changes nothing. */
#include <stdio.h>
#include <string.h>

#include "cg/log.h"
#include "cg/util.h"
#include "cleangrid/v1/case.pb-c.h"
#include "cleangrid/v1/case_disposition.pb-c.h"
#include "rectify.h"

/* The clue source an accountability proposal is registered under. */
#define CLUE_SOURCE_RECTIFICATION "rectification"

/* The longest common ancestor-or-self of a and b (ltree paths) into out
 * (a copy of a cut at the last label both share; "" when none). */
static void common_path(const char *a, const char *b, char *out, size_t size)
{
    size_t n = 0, last = 0;
    while (a[n] != '\0' && a[n] == b[n]) {
        n++;
        if ((a[n] == '.' || a[n] == '\0') && (b[n] == '.' || b[n] == '\0'))
            last = n;
    }
    if (last >= size)
        last = 0;
    memcpy(out, a, last);
    out[last] = '\0';
}

/* The batch of the case's recommendations (one per case), made at the
 * first delivery; its id into batch_id. */
static cg_code case_batch(PGconn *conn, const Cleangrid__V1__CaseDisposed *ev, const char *path,
                          int64_t day_ms, char batch_id[CG_UUID_LEN], cg_err *err)
{
    PGresult *res = NULL;
    char day[24], title[96];
    snprintf(day, sizeof day, "%lld", (long long)day_ms);
    snprintf(title, sizeof title, "案件整改建议 %.8s", ev->case_id);
    const char *params[] = {ev->case_id, title, path, day};
    cg_code rc = cg_db_exec(
        conn,
        "WITH b AS (INSERT INTO batches (source, source_ref, title, org_path, feedback_on,"
        " oversight, created_by) VALUES ('case_recommendation', $1, $2, $3::ltree,"
        " (to_timestamp($4::bigint / 1000.0) AT TIME ZONE 'UTC')::date, '', '" RECTIFY_ACTOR_SYSTEM
        "') ON CONFLICT (source, source_ref) WHERE source_ref <> '' DO NOTHING RETURNING id)"
        " SELECT id::text FROM b UNION ALL SELECT id::text FROM batches"
        " WHERE source = 'case_recommendation' AND source_ref = $1",
        4, params, &res, err);
    if (rc == CG_OK && PQntuples(res) == 0)
        rc = cg_err_set(err, CG_UNAVAILABLE, "the case's batch is not there yet");
    if (rc == CG_OK)
        cg_strlcpy(batch_id, cg_db_get(res, 0, 0), CG_UUID_LEN);
    PQclear(res);
    return rc;
}

/* One recommendation as a problem of the batch and its task, unless a task
 * of it exists already. */
static cg_code recommendation_task(PGconn *conn, const char *batch_id, const char *case_id,
                                   const Cleangrid__V1__DispositionItem *rec, const char *event_id,
                                   cg_err *err)
{
    PGresult *res = NULL;
    char ref[128], deadline[24], summary[160];
    snprintf(ref, sizeof ref, "case:%s:%s", case_id, rec->id);
    snprintf(deadline, sizeof deadline, "%lld", (long long)rec->deadline_ms);
    const char *params[] = {batch_id, rec->text, rec->org_path, ref, deadline, case_id};
    cg_code rc = cg_db_exec(
        conn,
        "WITH b AS (SELECT b.id, b.feedback_on + make_interval(months => s.report_months) AS dl"
        " FROM batches b JOIN sources s ON s.name = b.source WHERE b.id = $1::uuid"
        " AND NOT EXISTS (SELECT 1 FROM tasks WHERE source_ref = $4) FOR UPDATE OF b),"
        " p AS (INSERT INTO problems (batch_id, seq, description, category, org_path)"
        " SELECT b.id, coalesce((SELECT max(seq) FROM problems WHERE batch_id = b.id), 0) + 1,"
        " $2, 'case_recommendation', $3::ltree FROM b RETURNING id, batch_id)"
        " INSERT INTO tasks (batch_id, problem_id, source, text, org_path, deadline_on, case_id,"
        " source_ref, created_by) SELECT p.batch_id, p.id, 'case_recommendation', $2, $3::ltree,"
        " CASE WHEN $5::bigint > 0 THEN (to_timestamp($5::bigint / 1000.0) AT TIME ZONE "
        "'UTC')::date"
        " ELSE (SELECT dl FROM b)::date END, $6, $4, '" RECTIFY_ACTOR_SYSTEM "' FROM p"
        " RETURNING id::text, json_day(deadline_on)",
        6, params, &res, err);
    if (rc == CG_OK && PQntuples(res) == 1) {
        snprintf(summary, sizeof summary, "{\"case_id\": \"%s\", \"deadline_on\": \"%s\"}", case_id,
                 cg_db_get(res, 0, 1));
        rc = rectify_record(conn, cg_db_get(res, 0, 0), RECTIFY_ACTOR_SYSTEM, event_id,
                            "task.assigned", "assigned", summary, err);
    }
    PQclear(res);
    return rc;
}

cg_code rectify_on_case_disposed(PGconn *conn, const char *subject, const char *event_id,
                                 const uint8_t *data, size_t len, void *arg, cg_err *err)
{
    (void)subject, (void)arg;
    char path[256], batch_id[CG_UUID_LEN];
    cg_code rc = CG_OK;
    Cleangrid__V1__CaseDisposed *ev = cleangrid__v1__case_disposed__unpack(NULL, len, data);

    /* Checked here, not left to the database, so a bad event is dead-
     * lettered rather than retried. */
    if (ev == NULL || !cg_uuid_valid(ev->case_id) || !cg_ltree_path_valid(ev->org_path)) {
        rc = cg_err_set(err, CG_INVALID_ARGUMENT,
                        "event %s is not a CaseDisposed with a case id and a unit", event_id);
        goto cleanup;
    }
    if (ev->n_recommendations == 0)
        goto cleanup;
    /* The batch's unit holds every recommendation's: the case's unit or
     * the nearest unit above it that does. */
    cg_strlcpy(path, ev->org_path, sizeof path);
    for (size_t i = 0; i < ev->n_recommendations; i++) {
        const Cleangrid__V1__DispositionItem *rec = ev->recommendations[i];
        if (!cg_uuid_valid(rec->id) || !cg_ltree_path_valid(rec->org_path) ||
            rec->text[0] == '\0') {
            rc = cg_err_set(err, CG_INVALID_ARGUMENT,
                            "CaseDisposed %s: a recommendation lacks an id, a unit or its text",
                            event_id);
            goto cleanup;
        }
        char joined[256];
        common_path(path, rec->org_path, joined, sizeof joined);
        cg_strlcpy(path, joined[0] != '\0' ? joined : path, sizeof path);
    }
    int64_t day_ms =
        ev->meta != NULL && ev->meta->occurred_at_ms > 0 ? ev->meta->occurred_at_ms : cg_now_ms();
    rc = case_batch(conn, ev, path, day_ms, batch_id, err);
    for (size_t i = 0; rc == CG_OK && i < ev->n_recommendations; i++)
        rc =
            recommendation_task(conn, batch_id, ev->case_id, ev->recommendations[i], event_id, err);
    if (rc == CG_OK)
        cg_log_fields(CG_LOG_INFO, "case recommendations taken", "case_id", ev->case_id, "batch_id",
                      batch_id, NULL);

cleanup:
    if (ev != NULL)
        cleangrid__v1__case_disposed__free_unpacked(ev, NULL);
    return rc;
}

cg_code rectify_on_clue_created(PGconn *conn, const char *subject, const char *event_id,
                                const uint8_t *data, size_t len, void *arg, cg_err *err)
{
    (void)subject, (void)arg;
    PGresult *res = NULL;
    cg_code rc = CG_OK;
    Cleangrid__V1__ClueCreated *ev = cleangrid__v1__clue_created__unpack(NULL, len, data);

    if (ev == NULL || ev->clue == NULL) {
        rc = cg_err_set(err, CG_INVALID_ARGUMENT, "event %s is not a ClueCreated", event_id);
        goto cleanup;
    }
    /* Only the clues this service proposed concern it. */
    if (strcmp(ev->clue->source, CLUE_SOURCE_RECTIFICATION) != 0 ||
        !cg_uuid_valid(ev->clue->source_ref) || !cg_uuid_valid(ev->clue->id))
        goto cleanup;
    const char *params[] = {ev->clue->source_ref, ev->clue->id};
    rc = cg_db_exec(conn,
                    "UPDATE tasks SET accountability_clue_id = $2 WHERE id = $1::uuid"
                    " AND accountability_clue_id = '' RETURNING id::text",
                    2, params, &res, err);
    if (rc == CG_OK && PQntuples(res) == 1) {
        char summary[96];
        snprintf(summary, sizeof summary, "{\"clue_id\": \"%s\"}", ev->clue->id);
        rc = rectify_record(conn, ev->clue->source_ref, RECTIFY_ACTOR_SYSTEM, event_id,
                            "ladder.clue_registered", "clue_linked", summary, err);
    }

cleanup:
    PQclear(res);
    if (ev != NULL)
        cleangrid__v1__clue_created__free_unpacked(ev, NULL);
    return rc;
}
