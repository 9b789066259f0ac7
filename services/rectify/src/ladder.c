/* The escalation ladder (督办): every open task climbs it once, one rung at
 * a time, as its deadline nears and passes. A reminder some days before the
 * deadline; once it has passed, an overdue warning that sets a final
 * deadline; once that has passed too, an accountability proposal, which
 * the case service registers as a clue. Each rung is an entry of the
 * task's file and an event, written in the transaction that claims the
 * task, so each fires once however many replicas run the scheduler.
 *
 * The ladder watches the unit's own stages (assigned, in progress): a task
 * whose closure was requested waits on the office, not on the unit. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cg/log.h"
#include "cg/ticker.h"
#include "cg/util.h"
#include "rectify.h"

long rectify_ladder_tick_ms = 60000;
long rectify_remind_days = 7;
long rectify_final_days = 15;

/* The rungs, in order: the ladder_step a rung leaves, the event's verb and
 * the file's action. */
static const struct {
    int step;
    const char *verb;
    const char *action;
} rungs[] = {
    {1, "reminded", "ladder.reminded"},
    {2, "overdue_warned", "ladder.overdue_warned"},
    {3, "accountability_proposed", "ladder.accountability_proposed"},
};

/* Claim up to a hundred tasks due a rung and move each up to it: the
 * proposal once the final deadline passed, else the warning once the
 * deadline passed (a task first seen overdue skips the reminder), else
 * the reminder within $1 days of the deadline. SKIP LOCKED leaves a task
 * another replica holds to that replica. */
static const char SQL_CLIMB[] =
    "WITH due AS (SELECT id, CASE"
    " WHEN ladder_step = 2 AND rectify_today() > final_deadline_on THEN 3"
    " WHEN ladder_step < 2 AND rectify_today() > deadline_on THEN 2"
    " WHEN ladder_step < 1 AND deadline_on - rectify_today() <= $1::integer THEN 1 END AS rung"
    " FROM tasks WHERE ladder_step < 3 AND stage IN ('assigned', 'in_progress')"
    " AND deadline_on <= rectify_today() + $1::integer ORDER BY deadline_on, id LIMIT 100"
    " FOR UPDATE SKIP LOCKED)"
    " UPDATE tasks t SET ladder_step = due.rung, final_deadline_on = CASE WHEN due.rung = 2"
    " THEN rectify_today() + $2::integer ELSE t.final_deadline_on END"
    " FROM due WHERE t.id = due.id AND due.rung IS NOT NULL"
    " RETURNING t.id::text, due.rung, json_day(t.deadline_on),"
    " coalesce(json_day(t.final_deadline_on), '')";

struct rectify_ladder {
    rectify_app *app;
    cg_ticker *ticker;
};

static cg_code climb(rectify_ladder *l, const char *tick_id, int *climbed, cg_err *err)
{
    PGresult *res = NULL;
    PGconn *conn = NULL;
    char remind[24], final[24], summary[160];
    snprintf(remind, sizeof remind, "%ld", rectify_remind_days);
    snprintf(final, sizeof final, "%ld", rectify_final_days);
    const char *params[] = {remind, final};

    cg_code rc = cg_db_take(l->app->base.db, 5000, true, &conn, err);
    if (rc != CG_OK || (rc = cg_db_exec(conn, SQL_CLIMB, 2, params, &res, err)) != CG_OK)
        goto cleanup;
    for (int i = 0; i < PQntuples(res) && rc == CG_OK; i++) {
        int step = (int)cg_db_get_ll(res, i, 1);
        if (step < 1 || step > 3)
            continue;
        snprintf(summary, sizeof summary,
                 "{\"deadline_on\": \"%s\", \"final_deadline_on\": \"%s\"}", cg_db_get(res, i, 2),
                 cg_db_get(res, i, 3));
        rc = rectify_record(conn, cg_db_get(res, i, 0), RECTIFY_ACTOR_SYSTEM, tick_id,
                            rungs[step - 1].action, rungs[step - 1].verb, summary, err);
    }
    if (rc == CG_OK)
        rc = cg_db_commit(conn, err);
    if (rc == CG_OK)
        *climbed = PQntuples(res);

cleanup:
    PQclear(res);
    if (conn != NULL)
        cg_db_release(l->app->base.db, conn); /* rolls back whatever is still open */
    return rc;
}

static void ladder_tick(void *arg)
{
    rectify_ladder *l = arg;
    char tick_id[CG_UUID_LEN];
    cg_err err;
    cg_err_clear(&err);
    cg_uuid_v4(tick_id);
    /* A full claim may leave more due: climb until a look finds fewer. */
    for (int climbed = 100; climbed == 100;) {
        climbed = 0;
        if (climb(l, tick_id, &climbed, &err) != CG_OK) {
            /* Nothing was committed; the next tick tries again. */
            cg_log_warn("escalation ladder: %s", err.message);
            return;
        }
        if (climbed > 0) {
            cg_log_fields(CG_LOG_INFO, "escalation ladder climbed", "tick", tick_id, NULL);
            cg_outbox_relay_kick(l->app->base.relay);
        }
    }
}

cg_code rectify_ladder_start(rectify_app *app, rectify_ladder **out, cg_err *err)
{
    rectify_ladder *l = calloc(1, sizeof *l);
    if (l == NULL)
        return cg_err_set(err, CG_UNAVAILABLE, "out of memory");
    l->app = app;
    cg_log_info("escalation ladder: a look every %ld ms, reminders %ld days ahead, final deadlines "
                "%ld days after the warning",
                rectify_ladder_tick_ms, rectify_remind_days, rectify_final_days);
    cg_code rc = cg_ticker_start(rectify_ladder_tick_ms, ladder_tick, l, &l->ticker, err);
    if (rc == CG_OK) {
        *out = l;
        l = NULL;
    }
    free(l);
    return rc;
}

void rectify_ladder_stop(rectify_ladder *l)
{
    if (l == NULL)
        return;
    cg_ticker_stop(l->ticker);
    free(l);
}
