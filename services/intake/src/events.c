/* The ClueCreated consumer: when the case service turns a public report into
 * a clue, the reporter's follow-up shows "forwarded". */
#include <string.h>

#include "cg/log.h"
#include "cleangrid/v1/case.pb-c.h"
#include "intake.h"

/* The clue source the case service uses for reports from this service. */
#define SOURCE_PUBLIC_REPORT "public_report"

cg_code intake_on_clue_created(PGconn *conn, const char *subject, const char *event_id,
                               const uint8_t *data, size_t len, void *arg, cg_err *err)
{
    (void)subject;
    (void)arg;
    Cleangrid__V1__ClueCreated *ev = NULL;
    bool found = false;
    cg_code rc = CG_OK;

    ev = cleangrid__v1__clue_created__unpack(NULL, len, data);
    if (ev == NULL || ev->clue == NULL) {
        /* Retrying cannot make these bytes decode: dead-letter them. */
        rc = cg_err_set(err, CG_INVALID_ARGUMENT, "event %s is not a ClueCreated with a clue",
                        event_id);
        goto cleanup;
    }
    const Cleangrid__V1__Clue *clue = ev->clue;
    if (strcmp(clue->source, SOURCE_PUBLIC_REPORT) != 0) {
        /* Clues from other sources (inspection tours, audits) are none of
         * intake's business. */
        goto cleanup;
    }
    if (!cg_uuid_valid(clue->source_ref) || !cg_uuid_valid(clue->id)) {
        /* Not a report of ours; nothing to update, and nothing a retry would
         * change. The ids are logged, never report content. */
        cg_log_fields(CG_LOG_WARN, "clue from a public report has no valid report id; ignored",
                      "event_id", event_id, "clue_id", clue->id, "source_ref", clue->source_ref,
                      NULL);
        goto cleanup;
    }
    rc = intake_report_mark_forwarded(conn, clue->source_ref, clue->id, &found, err);
    if (rc != CG_OK) {
        goto cleanup;
    }
    if (found) {
        cg_log_fields(CG_LOG_INFO, "report forwarded", "report_id", clue->source_ref, "clue_id",
                      clue->id, NULL);
    } else {
        cg_log_fields(CG_LOG_WARN, "clue names an unknown report; ignored", "event_id", event_id,
                      "report_id", clue->source_ref, "clue_id", clue->id, NULL);
    }

cleanup:
    if (ev != NULL) {
        cleangrid__v1__clue_created__free_unpacked(ev, NULL);
    }
    return rc;
}
