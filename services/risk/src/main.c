/* cg-risk: risk scoring and early warning (廉洁风险预警). */
#include "cg/log.h"
#include "cg/service.h"
#include "risk.h"

int main(void)
{
    static risk_app app = {.base = {.name = "risk"}};
    static const cg_config_var vars[] = {
        CG_SERVICE_BASE_VARS(app.base),
        {.name = "CG_RISK_PERSON_KEY",
         .type = CG_CONFIG_STRING,
         .secret = true,
         .target = &app.person_key_hex,
         .help = "64 hex digits keying the hash kept in place of every identity number"},
        {.name = "CG_RISK_RESCORE_TICK_MS",
         .type = CG_CONFIG_INT,
         .default_value = "60000",
         .min = 50,
         .max = 86400000,
         .target = &risk_rescore_tick_ms,
         .help = "how often each replica lowers the scores whose hits left their windows, in ms"},
        {.name = "CG_RISK_SCORER_BATCH",
         .type = CG_CONFIG_INT,
         .default_value = "16",
         .min = 1,
         .max = 256,
         .target = &risk_scorer_batch,
         .help = "facts the scorer evaluates per transaction at most (1: a transaction per fact)"},
        {.name = "CG_RISK_SCORERS",
         .type = CG_CONFIG_INT,
         .default_value = "2",
         .min = 1,
         .max = RISK_SCORERS_MAX,
         .target = &risk_scorers,
         .help = "scoring threads of the replica: one listens, the others help with a backlog"},
        {.name = "CG_RISK_RELATIVES_TICK_MS",
         .type = CG_CONFIG_INT,
         .default_value = "300000",
         .min = 50,
         .max = 86400000,
         .target = &risk_relatives_tick_ms,
         .help = "how often each replica copies the relatives the integrity files declare, in ms"},
    };
    risk_rescorer *rescorer = NULL;
    risk_scorer *scorer = NULL;
    risk_relatives *relatives = NULL;
    cg_err err;
    cg_err_clear(&err);

    if (cg_service_base_configure(&app.base, vars, sizeof vars / sizeof vars[0]) != CG_OK)
        return 1;
    /* The directory is copied before the consumers start, so the first
     * events find the units the gateway knows. */
    if (risk_app_init(&app, &err) != CG_OK || cg_service_base_start(&app.base, &err) != CG_OK ||
        risk_units_start(&app, &err) != CG_OK ||
        risk_relatives_start(&app, &relatives, &err) != CG_OK ||
        risk_scorer_start(&app, &scorer, &err) != CG_OK ||
        cg_service_base_consume(&app.base, RISK_DURABLE_ORG_UNIT_MOVED, CG_SUBJECT_ORG_UNIT_MOVED,
                                cg_org_on_unit_moved, (void *)&risk_org_moves, &err) != CG_OK ||
        cg_service_base_consume_cloud(&app.base, RISK_DURABLE_ENTERPRISE, RISK_SUBJECT_ENTERPRISE,
                                      risk_on_enterprise_events, &app, &err) != CG_OK ||
        cg_service_base_consume(&app.base, RISK_DURABLE_CLUE_EVENTS, RISK_SUBJECT_CLUE_EVENTS,
                                risk_on_clue_event, &app, &err) != CG_OK ||
        cg_service_base_consume(&app.base, RISK_DURABLE_CASE_DISPOSED, RISK_SUBJECT_CASE_DISPOSED,
                                risk_on_case_disposed, &app, &err) != CG_OK ||
        cg_service_base_serve(&app.base, &risk_rpc_table, &app, &err) != CG_OK ||
        risk_rescorer_start(&app, &rescorer, &err) != CG_OK) {
        cg_log_error("risk could not start: %s", err.message);
        risk_rescorer_stop(rescorer);
        risk_scorer_stop(scorer);
        risk_relatives_stop(relatives);
        risk_units_stop(&app);
        cg_service_base_stop(&app.base);
        risk_app_free(&app);
        return 1;
    }
    cg_log_info("risk ready");
    cg_service_wait();
    risk_rescorer_stop(rescorer);
    risk_scorer_stop(scorer);
    risk_relatives_stop(relatives);
    risk_units_stop(&app);
    cg_service_base_stop(&app.base);
    risk_app_free(&app);
    return 0;
}
