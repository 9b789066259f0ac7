/* The deadline scheduler and the service's clock (docs/deadlines.md).
 *
 * Every CG_CASE_DEADLINE_TICK_MS the scheduler reads the clues and cases whose stored
 * deadline is at most CG_CASE_DUE_SOON_DAYS away, and for each one inserts
 * a row into deadline_notices ON CONFLICT DO NOTHING together with the
 * event in the outbox, in one transaction. The unique key (item, level, due
 * time) is what makes each notice fire once: a later tick, or a replica
 * ticking at the same moment, inserts nothing and so adds no event. */
#include "deadlines.h"

#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cg/log.h"
#include "cg/messaging.h"
#include "cg/ticker.h"
#include "cg/util.h"
#include "cleangrid/v1/case_deadlines.pb-c.h"
#include "lifecycle.h"

long case_deadline_tick_ms;
bool case_deadline_test_clock;

/* The test clock's offset in milliseconds, read by the scheduler thread and
 * by every RPC worker. */
static _Atomic int64_t clock_offset_ms;

/* Clues and cases whose deadline is at most $1 (Unix ms: now plus the
 * due-soon days) with the notices already given for them (",level
 * due_at_ms," entries), so a tick skips those without a write. A case
 * carries its clue's org path and handler. */
static const char SQL_DUE[] =
    "SELECT 'clue', id::text, status, floor(extract(epoch FROM deadline_at) * 1000)::bigint,"
    " org_path::text, handler_id,"
    " coalesce((SELECT ',' || string_agg(n.level || ' ' || n.due_at_ms, ',') || ','"
    "   FROM deadline_notices n WHERE n.item_type = 'clue' AND n.item_id = clues.id), '')"
    " FROM clues"
    " WHERE deadline_at <= 'epoch'::timestamptz + $1::bigint * interval '1 millisecond'"
    " UNION ALL"
    " SELECT 'case', k.id::text, k.stage, floor(extract(epoch FROM k.deadline_at) * 1000)::bigint,"
    " clues.org_path::text, clues.handler_id,"
    " coalesce((SELECT ',' || string_agg(n.level || ' ' || n.due_at_ms, ',') || ','"
    "   FROM deadline_notices n WHERE n.item_type = 'case' AND n.item_id = k.id), '')"
    " FROM cases k JOIN clues ON clues.id = k.clue_id"
    " WHERE k.deadline_at <= 'epoch'::timestamptz + $1::bigint * interval '1 millisecond'"
    /* One order for every replica, so two ticks inserting the same notices
     * wait for each other instead of deadlocking. */
    " ORDER BY 1, 2";

/* The key (item type, item, level, due time) tells a clue's notice from a
 * case's. */
static const char SQL_NOTICE[] =
    "INSERT INTO deadline_notices (item_type, item_id, stage, level, due_at_ms)"
    " VALUES ($5, $1::uuid, $2, $3, $4::bigint) ON CONFLICT DO NOTHING RETURNING 1";

/* How long a tick waits for a free database connection. */
#define CASE_DEADLINE_ACQUIRE_MS 5000

struct case_scheduler {
    cg_service_base *base;
    cg_ticker *ticker; /* runs scheduler_tick() every case_deadline_tick_ms */
};

int64_t case_deadline_now_ms(void)
{
    return cg_now_ms() + atomic_load(&clock_offset_ms);
}

/* Take the test clock's offset from service_clock. */
static cg_code read_clock(PGconn *conn, cg_err *err)
{
    PGresult *res = NULL;
    cg_code rc = cg_db_exec(conn, "SELECT offset_s FROM service_clock", 0, NULL, &res, err);
    if (rc == CG_OK && PQntuples(res) == 1) {
        atomic_store(&clock_offset_ms, (int64_t)cg_db_get_ll(res, 0, 0) * 1000);
    }
    PQclear(res);
    return rc;
}

/* Record and announce the notice of level for the clue in row r of SQL_DUE
 * unless it was given before. *added tells whether it was new. Inside the
 * caller's transaction. */
static cg_code notice(PGconn *conn, const char *producer, const PGresult *row, int r,
                      const char *level, bool *added, cg_err *err)
{
    PGresult *res = NULL;
    const char *params[] = {cg_db_get(row, r, 1), cg_db_get(row, r, 2), level, cg_db_get(row, r, 3),
                            cg_db_get(row, r, 0)};
    cg_code rc = cg_db_exec(conn, SQL_NOTICE, 5, params, &res, err);
    *added = rc == CG_OK && PQntuples(res) == 1;
    if (!*added) {
        goto cleanup;
    }
    bool overdue = strcmp(level, "overdue") == 0;
    char event_id[CG_UUID_LEN];
    Cleangrid__V1__EventMeta meta = CLEANGRID__V1__EVENT_META__INIT;
    Cleangrid__V1__DeadlineReached ev = CLEANGRID__V1__DEADLINE_REACHED__INIT;
    cg_event_meta_init(&meta, event_id,
                       overdue ? CASE_SUBJECT_DEADLINE_OVERDUE : CASE_SUBJECT_DEADLINE_DUE_SOON,
                       producer, event_id);
    ev.meta = &meta;
    /* protobuf-c never writes through these pointers when packing. */
    ev.item_type = (char *)cg_db_get(row, r, 0);
    ev.item_id = (char *)cg_db_get(row, r, 1);
    ev.stage = (char *)cg_db_get(row, r, 2);
    ev.level = (char *)level;
    ev.due_at_ms = cg_db_get_ll(row, r, 3);
    ev.org_path = (char *)cg_db_get(row, r, 4);
    ev.handler_id = (char *)cg_db_get(row, r, 5);
    rc = cg_outbox_add(conn, &ev.base, err);

cleanup:
    PQclear(res);
    return rc;
}

/* One look at the clues due soon or overdue, in one transaction;
 * *added_out gets how many notices were new. */
static cg_code tick(case_scheduler *s, int *added_out, cg_err *err)
{
    PGresult *res = NULL;
    int added = 0;
    PGconn *conn = cg_db_acquire(s->base->db, CASE_DEADLINE_ACQUIRE_MS, err);
    cg_code rc = conn == NULL ? err->code : CG_OK;
    if (rc == CG_OK && case_deadline_test_clock) {
        rc = read_clock(conn, err);
    }
    int64_t now = case_deadline_now_ms();
    char bound_s[24];
    snprintf(bound_s, sizeof bound_s, "%lld",
             (long long)(now + (int64_t)case_due_soon_days * 24 * 60 * 60 * 1000));
    const char *params[] = {bound_s};
    if (rc != CG_OK || (rc = cg_db_begin(conn, err)) != CG_OK ||
        (rc = cg_db_exec(conn, SQL_DUE, 1, params, &res, err)) != CG_OK) {
        goto cleanup;
    }
    for (int r = 0; r < PQntuples(res); r++) {
        const char *level = case_deadline_state(cg_db_get_ll(res, r, 3), now, case_due_soon_days);
        char key[64];
        snprintf(key, sizeof key, ",%s %s,", level, cg_db_get(res, r, 3));
        if (strcmp(level, "on_time") == 0 || strstr(cg_db_get(res, r, 6), key) != NULL) {
            continue;
        }
        bool one = false;
        if ((rc = notice(conn, s->base->name, res, r, level, &one, err)) != CG_OK) {
            goto cleanup;
        }
        added += one ? 1 : 0;
    }
    rc = cg_db_commit(conn, err);

cleanup:
    PQclear(res);
    if (conn != NULL) {
        cg_db_release(s->base->db, conn); /* rolls back whatever is still open */
    }
    *added_out = rc == CG_OK ? added : 0;
    return rc;
}

/* One run of the scheduler's ticker. */
static void scheduler_tick(void *arg)
{
    case_scheduler *s = arg;
    cg_err err;
    cg_err_clear(&err);
    int added = 0;
    if (tick(s, &added, &err) != CG_OK) {
        /* Nothing was committed; the next tick tries again. */
        cg_log_warn("deadline scheduler: %s", err.message);
    } else if (added > 0) {
        cg_log_info("deadline scheduler: %d notice(s) announced", added);
        cg_outbox_relay_kick(s->base->relay);
    }
}

cg_code case_scheduler_start(case_scheduler **out, cg_service_base *base, cg_err *err)
{
    if (case_deadline_test_clock) {
        cg_log_warn("CG_CASE_TEST_CLOCK=1: deadlines follow service_clock.offset_s (tests only)");
    } else {
        cg_log_info("deadlines use the real clock; the service_clock table is ignored");
    }
    case_scheduler *s = calloc(1, sizeof *s);
    if (s == NULL) {
        return cg_err_set(err, CG_INTERNAL, "out of memory");
    }
    s->base = base;
    cg_code rc = cg_ticker_start(case_deadline_tick_ms, scheduler_tick, s, &s->ticker, err);
    if (rc == CG_OK) {
        *out = s;
        s = NULL;
    }
    free(s);
    return rc;
}

void case_scheduler_stop(case_scheduler *s)
{
    if (s == NULL) {
        return;
    }
    cg_ticker_stop(s->ticker);
    free(s);
}
