/* cg-case: problem clues (问题线索), registered from public reports. */
#include "case.h"
#include "cg/log.h"
#include "cg/org.h"
#include "cg/service.h"
#include "deadlines.h"
#include "documents.h"

int main(void)
{
    static cg_service_base base = {.name = "case"};
    case_scheduler *scheduler = NULL;
    static const cg_config_var vars[] = {CG_SERVICE_BASE_VARS(base), CASE_DOCUMENT_VARS,
                                         CASE_DEADLINE_VARS, CASE_SCHEDULER_VARS,
                                         CASE_CASE_DEADLINE_VARS};
    cg_err err;
    cg_err_clear(&err);

    if (cg_service_base_configure(&base, vars, sizeof vars / sizeof vars[0]) != CG_OK) {
        return 1;
    }
    if (cg_service_base_start(&base, &err) != CG_OK ||
        cg_service_base_consume(&base, CASE_DURABLE_REPORT_SUBMITTED, CASE_SUBJECT_REPORT_SUBMITTED,
                                case_on_report_submitted, &base, &err) != CG_OK ||
        cg_service_base_consume(&base, CASE_DURABLE_ORG_UNIT_MOVED, CG_SUBJECT_ORG_UNIT_MOVED,
                                case_on_org_unit_moved, &base, &err) != CG_OK ||
        cg_service_base_serve(&base, case_rpc_methods, case_rpc_nmethods, &base, &err) != CG_OK ||
        case_scheduler_start(&scheduler, &base, &err) != CG_OK) {
        cg_log_error("case could not start: %s", err.message);
        case_scheduler_stop(scheduler);
        cg_service_base_stop(&base);
        return 1;
    }
    cg_log_info("case ready");
    cg_service_wait();
    case_scheduler_stop(scheduler);
    cg_service_base_stop(&base);
    return 0;
}
