/* cg-case: problem clues (问题线索), registered from public reports. */
#include <stdio.h>

#include "case.h"
#include "cg/chain.h"
#include "cg/dossier.h"
#include "cg/idempotency.h"
#include "cg/log.h"
#include "cg/org.h"
#include "cg/service.h"
#include "deadlines.h"
#include "documents.h"
#include "files.h"

/* How long one statement may run. Below the gateway's CG_RPC_TIMEOUT_MS
 * (5000 by default), so PostgreSQL stops work nobody waits for any more
 * instead of keeping a connection busy after the caller was answered 503. */
static long statement_timeout_ms;

/* The dossier's keys in hex and how often its heads are anchored
 * (docs/dossier.md, "Keys and anchors"). */
static char *dossier_key, *dossier_key_old;
static long dossier_anchor_s;

int main(void)
{
    static cg_service_base base = {.name = "case"};
    static char db_options[128];
    case_scheduler *scheduler = NULL;
    static const cg_config_var vars[] = {
        CG_SERVICE_BASE_VARS(base),
        CASE_DOCUMENT_VARS,
        CASE_DEADLINE_VARS,
        CASE_SCHEDULER_VARS,
        CASE_CASE_DEADLINE_VARS,
        {.name = "CG_CASE_STATEMENT_TIMEOUT_MS",
         .type = CG_CONFIG_INT,
         .default_value = "4500",
         .min = 100,
         .max = 600000,
         .target = &statement_timeout_ms,
         .help = "longest a database statement of the case service runs; keep it below the "
                 "gateway's CG_RPC_TIMEOUT_MS"},
        {.name = "CG_DOSSIER_KEY",
         .type = CG_CONFIG_STRING,
         .default_value = NULL,
         .secret = true,
         .target = &dossier_key,
         .help = "the dossier's HMAC-SHA256 key, 64 hex digits, never stored in the database "
                 "(e.g. `openssl rand -hex 32`)"},
        {.name = "CG_DOSSIER_KEY_OLD",
         .type = CG_CONFIG_STRING,
         .default_value = "",
         .secret = true,
         .target = &dossier_key_old,
         .help = "former dossier keys, comma-separated, that only check the entries written "
                 "with them (key rotation)"},
        {.name = "CG_DOSSIER_ANCHOR_S",
         .type = CG_CONFIG_INT,
         .default_value = "60",
         .min = 1,
         .max = 86400,
         .target = &dossier_anchor_s,
         .help = "how often the heads of the dossiers that moved are anchored on JetStream "
                 "(stream CG_ANCHORS)"},
    };
    static cg_chain_keyring keys;
    cg_dossier_anchorer *anchorer = NULL;
    cg_err err;
    cg_err_clear(&err);

    if (cg_service_base_configure(&base, vars, sizeof vars / sizeof vars[0]) != CG_OK) {
        return 1;
    }
    if (cg_chain_keyring_load(&keys, "CG_DOSSIER_KEY", dossier_key, dossier_key_old, &err) !=
        CG_OK) {
        cg_log_error("configuration: %s", err.message);
        return 1;
    }
    /* Before anything can append: every entry from now on is keyed. */
    cg_dossier_use_keys(&keys);
    /* The records of Idempotency-Keys (cg/idempotency.h) are keyed by a
     * secret derived from the current dossier key, which the database
     * never holds; a rotation forgets them, so a retry sent across it runs
     * again (docs/operations.md, "Idempotency keys"). */
    cg_idem_secret(keys.keys[0].key, sizeof keys.keys[0].key, base.idem_secret);
    base.has_idem_secret = true;
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
        cg_service_base_consume(&base, CASE_DURABLE_ORG_UNIT_MOVED, CG_SUBJECT_ORG_UNIT_MOVED,
                                cg_org_on_unit_moved, (void *)&case_org_moves, &err) != CG_OK ||
        cg_service_base_serve(&base, &case_rpc_table, &base, &err) != CG_OK ||
        case_scheduler_start(&scheduler, &base, &err) != CG_OK ||
        cg_dossier_anchorer_start(base.db, base.nats, &case_dossier, CG_ANCHOR_DOSSIER,
                                  dossier_anchor_s * 1000, &anchorer, &err) != CG_OK) {
        cg_log_error("case could not start: %s", err.message);
        case_scheduler_stop(scheduler);
        cg_service_base_stop(&base);
        cg_chain_keyring_wipe(&keys);
        return 1;
    }
    cg_log_info("case ready");
    cg_service_wait();
    cg_dossier_anchorer_stop(anchorer);
    case_scheduler_stop(scheduler);
    cg_service_base_stop(&base);
    cg_chain_keyring_wipe(&keys);
    return 0;
}
