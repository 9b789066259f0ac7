/* cg-rectify: rectification (整改) from a finding to a verified closure. */
#include <stdio.h>

#include "cg/dossier_settings.h"
#include "cg/log.h"
#include "cg/org.h"
#include "cg/service.h"
#include "rectify.h"

int main(void)
{
    static rectify_app app = {.base = {.name = "rectify"}};
    static cg_dossier_settings files;
    static char db_options[128];
    static const cg_config_var vars[] = {
        CG_SERVICE_BASE_VARS(app.base),
        CG_DOSSIER_VARS(files),
        RECTIFY_LADDER_VARS,
        RECTIFY_RECHECK_VARS,
        {.name = "CG_RECTIFY_DOCUMENT_MAX_BYTES",
         .type = CG_CONFIG_INT,
         .default_value = "20971520",
         .min = 1,
         .max = 1073741824,
         .target = &rectify_document_max_bytes,
         .help = "the largest document of a task's evidence, in bytes (default 20 MiB)"},
        {.name = "CG_RECTIFY_TEST_CLOCK",
         .type = CG_CONFIG_BOOL,
         .default_value = "0",
         .target = &app.test_clock,
         .help = "tests only: add service_clock.offset_s to the service's clock"},
    };
    rectify_ladder *ladder = NULL;
    cg_err err;
    cg_err_clear(&err);

    if (cg_service_base_configure(&app.base, vars, sizeof vars / sizeof vars[0]) != CG_OK)
        return 1;
    if (cg_dossier_settings_load(&files, &app.base, &err) != CG_OK) {
        cg_log_error("configuration: %s", err.message);
        return 1;
    }
    /* The test clock is a session setting, so the SQL of every connection
     * reads the same time (rectify_now() in the migrations). Custom plans,
     * as the case service has them: a prepared ledger statement planned
     * once for any unit and filter walked a unit's whole subtree through
     * the org path index and sorted it, a cost that grows with the table;
     * planned for the values given, it walks an index in the list's order
     * and stops after a page (docs/performance.md). */
    snprintf(db_options, sizeof db_options,
             "-c statement_timeout=4500 -c plan_cache_mode=force_custom_plan -c cg.test_clock=%s",
             app.test_clock ? "on" : "off");
    app.base.db_options = db_options;
    if (rectify_codec_init(&app, &err) != CG_OK ||
        cg_service_base_start(&app.base, &err) != CG_OK ||
        cg_service_base_consume(&app.base, RECTIFY_DURABLE_CASE_DISPOSED,
                                RECTIFY_SUBJECT_CASE_DISPOSED, rectify_on_case_disposed, &app,
                                &err) != CG_OK ||
        cg_service_base_consume(&app.base, RECTIFY_DURABLE_ORG_UNIT_MOVED,
                                CG_SUBJECT_ORG_UNIT_MOVED, cg_org_on_unit_moved,
                                (void *)&rectify_org_moves, &err) != CG_OK ||
        cg_service_base_consume(&app.base, RECTIFY_DURABLE_CLUE_CREATED,
                                RECTIFY_SUBJECT_CLUE_CREATED, rectify_on_clue_created, &app,
                                &err) != CG_OK ||
        cg_service_base_serve(&app.base, &rectify_rpc_table, &app, &err) != CG_OK ||
        rectify_ladder_start(&app, &ladder, &err) != CG_OK ||
        cg_dossier_settings_start(&files, &app.base, &rectify_dossier, CG_ANCHOR_TASK_FILE, &err) !=
            CG_OK) {
        cg_log_error("rectify could not start: %s", err.message);
        rectify_ladder_stop(ladder);
        cg_dossier_settings_stop(&files, &app.base);
        cg_pbjson_free(app.codec);
        return 1;
    }
    cg_log_info("rectify ready");
    cg_service_wait();
    rectify_ladder_stop(ladder);
    cg_dossier_settings_stop(&files, &app.base);
    cg_pbjson_free(app.codec);
    return 0;
}
