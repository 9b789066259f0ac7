/* The copy of the gateway's org directory (see units.h). */
#include "units.h"

#include <stdatomic.h>
#include <stdio.h>
#include <string.h>

#include "cg/db.h"
#include "cg/log.h"
#include "cg/org_directory.h"
#include "cg/ticker.h"
#include "cg/util.h"
#include "risk.h"

/* A row of the directory, unless the unit's path was written since the
 * question was asked ($4, Unix ms): a move consumed in between
 * (org_moves.c stamps refreshed_at) is newer than the answer. */
#define UPSERT_SQL                                                                                 \
    "INSERT INTO units (code, path, retired, refreshed_at)"                                        \
    " VALUES ($1, $2::ltree, $3::bool, now())"                                                     \
    " ON CONFLICT (code) DO UPDATE"                                                                \
    " SET path = excluded.path, retired = excluded.retired, refreshed_at = now()"                  \
    " WHERE units.refreshed_at < to_timestamp($4::bigint / 1000.0)"

/* A unit code is one label of an ltree path. */
static bool code_valid(const char *code)
{
    return cg_ltree_path_valid(code) && strchr(code, '.') == NULL;
}

cg_code risk_units_refresh(risk_app *app, cg_err *err)
{
    cg_code rc;
    Cleangrid__V1__OrgUnitsReply *dir = NULL;
    PGconn *conn = NULL;
    char asked[24];
    size_t skipped = 0;

    snprintf(asked, sizeof(asked), "%lld", (long long)cg_now_ms());
    rc = cg_org_units_fetch(app->base.nats, RISK_UNITS_FETCH_MS, &dir, err);
    if (rc != CG_OK)
        goto cleanup;
    rc = cg_db_take(app->base.db, RISK_UNITS_FETCH_MS, true, &conn, err);
    if (rc != CG_OK)
        goto cleanup;
    for (size_t i = 0; i < dir->n_units; i++) {
        const Cleangrid__V1__OrgUnitEntry *u = dir->units[i];
        /* The gateway's own checks make this impossible; a bad row is
         * left out rather than allowed to stop every other unit. */
        if (!code_valid(u->code) || !cg_ltree_path_valid(u->path)) {
            skipped++;
            continue;
        }
        const char *params[] = {u->code, u->path, u->retired ? "true" : "false", asked};
        rc = cg_db_exec(conn, UPSERT_SQL, 4, params, NULL, err);
        if (rc != CG_OK)
            goto cleanup;
    }
    rc = cg_db_commit(conn, err);
    if (rc != CG_OK)
        goto cleanup;
    /* An empty tree is a gateway whose demo data or first units are still
     * to come: the start's copy goes on trying until it holds them. */
    if (dir->n_units > 0)
        atomic_store(&app->units_copied, true);
    char n[24], bad[24];
    snprintf(n, sizeof(n), "%zu", dir->n_units - skipped);
    snprintf(bad, sizeof(bad), "%zu", skipped);
    cg_log_fields(skipped == 0 ? CG_LOG_INFO : CG_LOG_WARN, "org units copied from the gateway",
                  "units", n, "invalid", bad, NULL);

cleanup:
    if (conn != NULL)
        cg_db_release(app->base.db, conn);
    if (dir != NULL)
        protobuf_c_message_free_unpacked(&dir->base, NULL);
    return rc;
}

static void retry_tick(void *arg)
{
    risk_app *app = arg;
    cg_err err;
    cg_err_clear(&err);
    if (atomic_load(&app->units_copied)) {
        /* A question that came within the gap of the one before waited for
         * the gap to pass: its unit would otherwise stay unknown until
         * another event named an unknown code. */
        if (atomic_load(&app->units_wanted))
            risk_units_ask(app);
        return;
    }
    if (risk_units_refresh(app, &err) != CG_OK)
        cg_log_warn("org units not copied yet (%s); trying again every %d ms", err.message,
                    RISK_UNITS_RETRY_MS);
}

cg_code risk_units_start(risk_app *app, cg_err *err)
{
    retry_tick(app);
    return cg_ticker_start(RISK_UNITS_RETRY_MS, retry_tick, app, &app->units_retry, err);
}

void risk_units_stop(risk_app *app)
{
    cg_ticker_stop(app->units_retry);
    app->units_retry = NULL;
}

void risk_units_ask(risk_app *app)
{
    /* One asker per gap: whoever swaps the time in asks, the others go on
     * without waiting. */
    int64_t now = cg_now_ms();
    int64_t last = atomic_load(&app->units_asked_ms);
    if (now - last < RISK_UNITS_ASK_GAP_MS ||
        !atomic_compare_exchange_strong(&app->units_asked_ms, &last, now)) {
        atomic_store(&app->units_wanted, true);
        return;
    }
    atomic_store(&app->units_wanted, false);
    cg_err err;
    cg_err_clear(&err);
    if (risk_units_refresh(app, &err) != CG_OK)
        cg_log_warn("an event names a unit this service does not know, and the gateway's "
                    "directory could not be copied (%s); the fact is kept all the same",
                    err.message);
}
