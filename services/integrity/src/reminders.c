/* The reminders of the yearly report rounds: some days before a round's
 * due day every cadre of its subtree who has not submitted is reminded,
 * and once the day has passed reminded again as overdue (the office lists
 * them with ListRoundCadres). Each reminder is a record of the cadre's
 * file (section reminder) and an entry of its dossier, written in the
 * transaction that claims it, so each is sent once however many replicas
 * look. */
#include <stdlib.h>

#include "cg/log.h"
#include "cg/ticker.h"
#include "cg/util.h"
#include "integrity.h"

long integrity_reminder_tick_ms = 60000;

/* Claim up to a hundred reminders due: each cadre reports in the nearest
 * round above its unit; a cadre first seen after the due day gets the
 * overdue reminder only. The reminder's row is the claim (its key makes a
 * second one nothing), and the record follows from the rows claimed. */
static const char SQL_REMIND[] =
    "WITH due AS (SELECT rr.id AS round_id, c.id AS cadre_id, c.person_id, c.org_path, rr.year,"
    " rr.due_on, CASE WHEN integrity_today() > rr.due_on THEN 'overdue' ELSE 'due_soon' END"
    " AS kind FROM report_rounds rr JOIN cadres c ON c.org_path <@ rr.org_path"
    " WHERE integrity_today() >= rr.due_on - rr.remind_days AND in_round(c, rr)"
    " AND NOT EXISTS (SELECT 1 FROM report_rounds d WHERE d.year = rr.year"
    " AND c.org_path <@ d.org_path AND nlevel(d.org_path) > nlevel(rr.org_path))"
    " AND NOT EXISTS (SELECT 1 FROM reports r WHERE r.cadre_id = c.id AND r.year = rr.year"
    " AND r.state = 'submitted')"
    " AND NOT EXISTS (SELECT 1 FROM report_reminders m WHERE m.round_id = rr.id"
    " AND m.cadre_id = c.id AND m.kind = CASE WHEN integrity_today() > rr.due_on"
    " THEN 'overdue' ELSE 'due_soon' END) LIMIT 100),"
    " claimed AS (INSERT INTO report_reminders (round_id, cadre_id, kind)"
    " SELECT round_id, cadre_id, kind FROM due ON CONFLICT DO NOTHING"
    " RETURNING round_id, cadre_id, kind),"
    " x AS (INSERT INTO records (person_id, section, title, detail, happened_on, source,"
    " source_ref, org_path, recorded_by) SELECT d.person_id, 'reminder', CASE d.kind"
    " WHEN 'due_soon' THEN format('个人有关事项报告提醒：%s年度报告请于%s前提交', d.year,"
    " json_day(d.due_on)) ELSE format('个人有关事项报告逾期：%s年度报告已于%s截止', d.year,"
    " json_day(d.due_on)) END, CASE d.kind WHEN 'due_soon' THEN format('Your personal matters"
    " report of %s is due on %s.', d.year, json_day(d.due_on)) ELSE format('Your personal"
    " matters report of %s was due on %s and is overdue.', d.year, json_day(d.due_on)) END,"
    " integrity_today(), 'system', 'reminder:' || d.round_id || ':' || d.cadre_id || ':'"
    " || d.kind, d.org_path, '" INTEGRITY_ACTOR_SYSTEM "' FROM claimed JOIN due d"
    " USING (round_id, cadre_id, kind) RETURNING id, person_id, source_ref)"
    " SELECT c.id::text, x.id::text, jsonb_build_object('reminder', x.source_ref)::text"
    " FROM x JOIN cadres c ON c.person_id = x.person_id";

struct integrity_reminders {
    integrity_app *app;
    cg_ticker *ticker;
};

static cg_code remind(integrity_reminders *m, const char *tick_id, int *sent, cg_err *err)
{
    PGresult *res = NULL;
    PGconn *conn = NULL;
    cg_code rc = cg_db_take(m->app->base.db, 5000, true, &conn, err);
    if (rc != CG_OK || (rc = cg_db_exec(conn, SQL_REMIND, 0, NULL, &res, err)) != CG_OK)
        goto cleanup;
    for (int i = 0; i < PQntuples(res) && rc == CG_OK; i++)
        rc = integrity_record(conn, cg_db_get(res, i, 0), INTEGRITY_ACTOR_SYSTEM, tick_id,
                              "record.added", "record_added", "reminder", cg_db_get(res, i, 1),
                              cg_db_get(res, i, 2), err);
    if (rc == CG_OK)
        rc = cg_db_commit(conn, err);
    if (rc == CG_OK)
        *sent = PQntuples(res);

cleanup:
    PQclear(res);
    if (conn != NULL)
        cg_db_release(m->app->base.db, conn); /* rolls back whatever is still open */
    return rc;
}

static void reminders_tick(void *arg)
{
    integrity_reminders *m = arg;
    char tick_id[CG_UUID_LEN];
    cg_err err;
    cg_err_clear(&err);
    cg_uuid_v4(tick_id);
    /* A full claim may leave more due: look again until one finds fewer. */
    for (int sent = 100; sent == 100;) {
        sent = 0;
        if (remind(m, tick_id, &sent, &err) != CG_OK) {
            /* Nothing was committed; the next tick tries again. */
            cg_log_warn("report reminders: %s", err.message);
            return;
        }
        if (sent > 0) {
            cg_log_fields(CG_LOG_INFO, "report reminders sent", "tick", tick_id, NULL);
            cg_outbox_relay_kick(m->app->base.relay);
        }
    }
}

cg_code integrity_reminders_start(integrity_app *app, integrity_reminders **out, cg_err *err)
{
    integrity_reminders *m = calloc(1, sizeof *m);
    if (m == NULL)
        return cg_err_set(err, CG_UNAVAILABLE, "out of memory");
    m->app = app;
    cg_code rc = cg_ticker_start(integrity_reminder_tick_ms, reminders_tick, m, &m->ticker, err);
    if (rc == CG_OK) {
        *out = m;
        m = NULL;
    }
    free(m);
    return rc;
}

void integrity_reminders_stop(integrity_reminders *m)
{
    if (m == NULL)
        return;
    cg_ticker_stop(m->ticker);
    free(m);
}
