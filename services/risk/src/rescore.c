/* The ticker that lowers stored scores as hits leave their windows
 * (migrations/0006_rescore.sql) and keeps the hits that time alone brings
 * (0008_rotation.sql): each replica runs it, the rows are claimed with
 * SKIP LOCKED or kept once whoever finds them first. */
#include <stdlib.h>

#include "cg/db.h"
#include "cg/log.h"
#include "cg/ticker.h"
#include "risk.h"

/* Stored scores brought up to date per statement: a tick goes on while a
 * batch was full. */
#define RESCORE_BATCH "500"

long risk_rescore_tick_ms = 60000;

struct risk_rescorer {
    risk_app *app;
    cg_ticker *ticker;
};

static void rescore_tick(void *arg)
{
    risk_rescorer *m = arg;
    cg_err err;
    cg_err_clear(&err);
    PGconn *conn = cg_db_acquire(m->app->base.db, 1000, &err);
    if (conn == NULL)
        return;
    long changed = 0;
    for (;;) {
        PGresult *res = NULL;
        if (cg_db_exec(conn, "SELECT risk_rescore_stale(" RESCORE_BATCH ")", 0, NULL, &res, &err) !=
            CG_OK) {
            cg_log_warn("rescoring failed: %s", err.message);
            break;
        }
        long n = atol(PQgetvalue(res, 0, 0));
        PQclear(res);
        changed += n;
        if (n < atol(RESCORE_BATCH))
            break;
    }
    if (changed > 0)
        cg_log_info("%ld scores brought up to date (hits left their windows)", changed);
    /* Hits that time alone brings (a key post held past the rotation
     * limit), a batch per tick. */
    PGresult *res = NULL;
    if (cg_db_exec(conn, "SELECT risk_sweep_due(" RESCORE_BATCH ")", 0, NULL, &res, &err) !=
        CG_OK) {
        cg_log_warn("sweeping the rules of time failed: %s", err.message);
    } else {
        long found = atol(PQgetvalue(res, 0, 0));
        if (found > 0)
            cg_log_info("%ld hits found as time passed (key posts past the rotation limit)", found);
    }
    PQclear(res);
    cg_db_release(m->app->base.db, conn);
}

cg_code risk_rescorer_start(risk_app *app, risk_rescorer **out, cg_err *err)
{
    risk_rescorer *m = calloc(1, sizeof *m);
    if (m == NULL)
        return cg_err_set(err, CG_UNAVAILABLE, "out of memory");
    m->app = app;
    cg_code rc = cg_ticker_start(risk_rescore_tick_ms, rescore_tick, m, &m->ticker, err);
    if (rc == CG_OK) {
        *out = m;
        m = NULL;
    }
    free(m);
    return rc;
}

void risk_rescorer_stop(risk_rescorer *m)
{
    if (m == NULL)
        return;
    cg_ticker_stop(m->ticker);
    free(m);
}
