/* cg-case: problem clues (问题线索), registered from public reports. */
#include <stdio.h>

#include "case.h"
#include "cg/chain.h"
#include "cg/dossier_settings.h"
#include "cg/log.h"
#include "cg/org.h"
#include "cg/service.h"
#include "deadlines.h"
#include "documents.h"
#include "files.h"
#include "relatives.h"

/* How long one statement may run. Below the gateway's CG_RPC_TIMEOUT_MS
 * (5000 by default), so PostgreSQL stops work nobody waits for any more
 * instead of keeping a connection busy after the caller was answered 503. */
static long statement_timeout_ms;

int main(void)
{
    static cg_service_base base = {.name = "case"};
    /* The dossier's keys and anchorer (docs/dossier.md, "Keys and anchors"). */
    static cg_dossier_settings dossier;
    static char db_options[128];
    case_scheduler *scheduler = NULL;
    static const cg_config_var vars[] = {
        CG_SERVICE_BASE_VARS(base),
        CG_DOSSIER_VARS(dossier),
        CASE_DOCUMENT_VARS,
        CASE_DEADLINE_VARS,
        CASE_SCHEDULER_VARS,
        CASE_CASE_DEADLINE_VARS,
        CASE_RELATIVES_VARS,
        {.name = "CG_CASE_STATEMENT_TIMEOUT_MS",
         .type = CG_CONFIG_INT,
         .default_value = "4500",
         .min = 100,
         .max = 600000,
         .target = &statement_timeout_ms,
         .help = "longest a database statement of the case service runs; keep it below the "
                 "gateway's CG_RPC_TIMEOUT_MS"},
    };
    cg_err err;
    cg_err_clear(&err);

    if (cg_service_base_configure(&base, vars, sizeof vars / sizeof vars[0]) != CG_OK) {
        return 1;
    }
    /* The keys before anything can append; the idempotency secret is
     * derived from the current one. */
    if (cg_dossier_settings_load(&dossier, &base, &err) != CG_OK) {
        cg_log_error("configuration: %s", err.message);
        cg_dossier_settings_stop(&dossier, &base);
        return 1;
    }
    /* Custom plans too: a list's statement is prepared once per connection
     * and a generic plan guesses every filter's selectivity alike, where
     * the values tell whether an index walk in list order or an index of
     * the filter is cheaper (docs/performance.md). */
    snprintf(db_options, sizeof db_options,
             "-c statement_timeout=%ld -c plan_cache_mode=force_custom_plan", statement_timeout_ms);
    base.db_options = db_options;
    /* Clues registered before names were held are held before anything is
     * read or served. */
    if (cg_service_base_start(&base, &err) != CG_OK ||
        case_repo_hold_backfill(base.db, &err) != CG_OK ||
        cg_service_base_consume(&base, CASE_DURABLE_REPORT_SUBMITTED, CASE_SUBJECT_REPORT_SUBMITTED,
                                case_on_report_submitted, &base, &err) != CG_OK ||
        cg_service_base_consume(&base, CASE_DURABLE_ACCOUNTABILITY, CASE_SUBJECT_ACCOUNTABILITY,
                                case_on_accountability_proposed, &base, &err) != CG_OK ||
        cg_service_base_consume(&base, CASE_DURABLE_RISK_ALERT_ESCALATED,
                                CASE_SUBJECT_RISK_ALERT_ESCALATED, case_on_risk_alert_escalated,
                                &base, &err) != CG_OK ||
        cg_service_base_consume(&base, CASE_DURABLE_ORG_UNIT_MOVED, CG_SUBJECT_ORG_UNIT_MOVED,
                                cg_org_on_unit_moved, (void *)&case_org_moves, &err) != CG_OK ||
        cg_service_base_serve(&base, &case_rpc_table, &base, &err) != CG_OK ||
        case_scheduler_start(&scheduler, &base, &err) != CG_OK ||
        cg_dossier_settings_start(&dossier, &base, &case_dossier, CG_ANCHOR_DOSSIER, &err) !=
            CG_OK) {
        cg_log_error("case could not start: %s", err.message);
        case_scheduler_stop(scheduler);
        cg_dossier_settings_stop(&dossier, &base);
        return 1;
    }
    cg_log_info("case ready");
    cg_service_wait();
    case_scheduler_stop(scheduler);
    cg_dossier_settings_stop(&dossier, &base);
    return 0;
}
