/* cg-integrity: integrity files (廉政档案). */
#include <stdio.h>

#include "cg/dossier_settings.h"
#include "cg/log.h"
#include "cg/org.h"
#include "cg/service.h"
#include "integrity.h"

int main(void)
{
    static integrity_app app = {.base = {.name = "integrity"}};
    static cg_dossier_settings files;
    static char db_options[128];
    static const cg_config_var vars[] = {
        CG_SERVICE_BASE_VARS(app.base),
        CG_DOSSIER_VARS(files),
        {.name = "CG_INTEGRITY_DOCUMENT_MAX_BYTES",
         .type = CG_CONFIG_INT,
         .default_value = "20971520",
         .min = 1,
         .max = 1073741824,
         .target = &integrity_document_max_bytes,
         .help = "the largest document of an integrity file, in bytes (default 20 MiB)"},
        {.name = "CG_INTEGRITY_REMINDER_TICK_MS",
         .type = CG_CONFIG_INT,
         .default_value = "60000",
         .min = 50,
         .max = 86400000,
         .target = &integrity_reminder_tick_ms,
         .help = "how often each replica looks for report reminders due, in ms"},
        {.name = "CG_INTEGRITY_VERIFY_PERCENT",
         .type = CG_CONFIG_INT,
         .default_value = "10",
         .min = 1,
         .max = 100,
         .target = &integrity_verify_percent,
         .help = "the share of cadres a verification draw takes when it names none"},
        {.name = "CG_INTEGRITY_TEST_CLOCK",
         .type = CG_CONFIG_BOOL,
         .default_value = "0",
         .target = &app.test_clock,
         .help = "tests only: add service_clock.offset_s to the service's clock"},
    };
    integrity_reminders *reminders = NULL;
    cg_err err;
    cg_err_clear(&err);

    if (cg_service_base_configure(&app.base, vars, sizeof vars / sizeof vars[0]) != CG_OK)
        return 1;
    if (cg_dossier_settings_load(&files, &app.base, &err) != CG_OK) {
        cg_log_error("configuration: %s", err.message);
        return 1;
    }
    /* The test clock is a session setting, so the SQL of every connection
     * reads the same time (integrity_now() in the migrations); custom plans
     * for the lists, as the other services have them. */
    snprintf(db_options, sizeof db_options,
             "-c statement_timeout=4500 -c plan_cache_mode=force_custom_plan -c cg.test_clock=%s",
             app.test_clock ? "on" : "off");
    app.base.db_options = db_options;
    if (integrity_codec_init(&app, &err) != CG_OK ||
        cg_service_base_start(&app.base, &err) != CG_OK ||
        cg_service_base_consume(&app.base, INTEGRITY_DURABLE_CASE_DISPOSED,
                                INTEGRITY_SUBJECT_CASE_DISPOSED, integrity_on_case_disposed, &app,
                                &err) != CG_OK ||
        cg_service_base_consume(&app.base, INTEGRITY_DURABLE_CLUE_EVENTS,
                                INTEGRITY_SUBJECT_CLUE_EVENTS, integrity_on_clue_event, &app,
                                &err) != CG_OK ||
        cg_service_base_consume(&app.base, INTEGRITY_DURABLE_RISK_REMINDED,
                                INTEGRITY_SUBJECT_RISK_REMINDED, integrity_on_risk_reminder, &app,
                                &err) != CG_OK ||
        cg_service_base_consume(&app.base, INTEGRITY_DURABLE_RISK_CONCEALMENT,
                                INTEGRITY_SUBJECT_RISK_CONCEALMENT, integrity_on_risk_concealment,
                                &app, &err) != CG_OK ||
        cg_service_base_consume(&app.base, INTEGRITY_DURABLE_ORG_UNIT_MOVED,
                                CG_SUBJECT_ORG_UNIT_MOVED, cg_org_on_unit_moved,
                                (void *)&integrity_org_moves, &err) != CG_OK ||
        cg_service_base_serve(&app.base, &integrity_rpc_table, &app, &err) != CG_OK ||
        integrity_directory_start(&app, &err) != CG_OK ||
        integrity_reminders_start(&app, &reminders, &err) != CG_OK ||
        cg_dossier_settings_start(&files, &app.base, &integrity_dossier, CG_ANCHOR_INTEGRITY_FILE,
                                  &err) != CG_OK) {
        cg_log_error("integrity could not start: %s", err.message);
        integrity_directory_stop();
        integrity_reminders_stop(reminders);
        cg_dossier_settings_stop(&files, &app.base);
        cg_pbjson_free(app.codec);
        return 1;
    }
    cg_log_info("integrity ready");
    cg_service_wait();
    integrity_directory_stop();
    integrity_reminders_stop(reminders);
    cg_dossier_settings_stop(&files, &app.base);
    cg_pbjson_free(app.codec);
    return 0;
}
