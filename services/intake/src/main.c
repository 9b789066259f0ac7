/* cg-intake: public reports (码上监督) and their follow-up by receipt. */
#include "cg/log.h"
#include "cg/org.h"
#include "cg/service.h"
#include "intake.h"

int main(void)
{
    static cg_service_base base = {.name = "intake"};
    static intake_app app;
    static const cg_config_var vars[] = {
        CG_SERVICE_BASE_VARS(base),
        {.name = "CG_RECEIPT_KEY",
         .type = CG_CONFIG_STRING,
         .secret = true,
         .target = &app.receipt_key_hex,
         .help = "64 hex digits keying every receipt hash; losing it voids every receipt"},
        {.name = "CG_REPORTER_PUBLIC_KEY",
         .type = CG_CONFIG_STRING,
         .target = &app.identity_key_hex,
         .help = "64 hex digits: the identity custodian's X25519 public key, which named "
                 "reporters' names and phones are sealed to"},
        /* The key does the heavy lifting against a stolen table (see
         * receipt.h), so argon2id runs at a cost the report path can afford:
         * about 1 ms a report on the reference machine (docs/performance.md). */
        {.name = "CG_RECEIPT_OPSLIMIT",
         .type = CG_CONFIG_INT,
         .default_value = "1",
         .min = crypto_pwhash_argon2id_OPSLIMIT_MIN,
         .max = crypto_pwhash_argon2id_OPSLIMIT_MAX,
         .target = &app.receipt_opslimit,
         .help = "argon2id passes when hashing a receipt"},
        {.name = "CG_RECEIPT_MEMLIMIT_KIB",
         .type = CG_CONFIG_INT,
         .default_value = "1024",
         .min = crypto_pwhash_argon2id_MEMLIMIT_MIN / 1024,
         .max = crypto_pwhash_argon2id_MEMLIMIT_MAX / 1024,
         .target = &app.receipt_memlimit_kib,
         .help = "argon2id memory in KiB when hashing a receipt"},
    };
    cg_err err;
    cg_err_clear(&err);

    if (cg_service_base_configure(&base, vars, sizeof vars / sizeof vars[0]) != CG_OK) {
        return 1;
    }
    if (intake_app_init(&app, &base, &err) != CG_OK ||
        cg_service_base_start(&base, &err) != CG_OK ||
        intake_report_seal_clear_identities(&app, &err) != CG_OK ||
        cg_service_base_consume(&base, INTAKE_DURABLE_CLUE_CREATED, INTAKE_SUBJECT_CLUE_CREATED,
                                intake_on_clue_created, &app, &err) != CG_OK ||
        cg_service_base_consume(&base, INTAKE_DURABLE_ORG_UNIT_MOVED, CG_SUBJECT_ORG_UNIT_MOVED,
                                cg_org_on_unit_moved, (void *)&intake_org_moves, &err) != CG_OK ||
        cg_service_base_serve(&base, &intake_rpc_table, &app, &err) != CG_OK) {
        cg_log_error("intake could not start: %s", err.message);
        cg_service_base_stop(&base);
        return 1;
    }
    cg_log_info("intake ready");
    cg_service_wait();
    cg_service_base_stop(&base);
    return 0;
}
