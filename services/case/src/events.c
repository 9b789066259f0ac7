/* The ReportSubmitted consumer: every public report becomes a registered
 * clue (问题线索), announced with ClueCreated so intake can tell the
 * reporter it was forwarded. */
#include <stdlib.h>

#include "access.h"
#include "case.h"
#include "cg/log.h"
#include "cg/util.h"
#include "cg/messaging.h"
#include "files.h"

cg_code case_event_clue_created(PGconn *conn, const char *producer, const Cleangrid__V1__Clue *clue,
                                const char *correlation_id, cg_err *err)
{
    char event_id[CG_UUID_LEN];
    Cleangrid__V1__EventMeta meta = CLEANGRID__V1__EVENT_META__INIT;
    Cleangrid__V1__ClueCreated ev = CLEANGRID__V1__CLUE_CREATED__INIT;

    cg_event_meta_init(&meta, event_id, CASE_SUBJECT_CLUE_CREATED, producer, correlation_id);
    ev.meta = &meta;
    ev.clue = (Cleangrid__V1__Clue *)clue;
    return cg_outbox_add(conn, &ev.base, err);
}

cg_code case_on_report_submitted(PGconn *conn, const char *subject, const char *event_id,
                                 const uint8_t *data, size_t len, void *arg, cg_err *err)
{
    (void)subject;
    cg_service_base *base = arg;
    Cleangrid__V1__ReportSubmitted *ev = NULL;
    PGresult *res = NULL;
    case_clue_view view;
    bool have_view = false;
    char *summary = NULL;
    cg_code rc;

    ev = cleangrid__v1__report_submitted__unpack(NULL, len, data);
    if (ev == NULL) {
        /* Retrying cannot make these bytes decode: dead-letter them. */
        rc = cg_err_set(err, CG_INVALID_ARGUMENT, "event %s is not a ReportSubmitted", event_id);
        goto cleanup;
    }
    /* Checked here, not left to the database: PostgreSQL reports a bad ltree
     * as a syntax error, which would pass for a transient fault and be
     * retried to no end instead of dead-lettered. */
    if (!cg_uuid_valid(ev->report_id) || !cg_ltree_path_valid(ev->org_path)) {
        rc = cg_err_set(err, CG_INVALID_ARGUMENT,
                        "ReportSubmitted %s lacks a report_id UUID or a valid org_path", event_id);
        goto cleanup;
    }
    rc = case_repo_insert_from_report(conn, ev, &res, err);
    if (rc != CG_OK) {
        goto cleanup;
    }
    if (PQntuples(res) == 0) {
        /* The inbox stops a redelivered event; this catches the same report
         * arriving under another event id (a replay or a republished
         * outbox row). */
        cg_log_fields(CG_LOG_INFO, "report already registered as a clue", "event_id", event_id,
                      "report_id", ev->report_id, NULL);
        goto cleanup;
    }
    have_view = true;
    rc = case_repo_clue_from_row(res, 0, &view, NULL, err);
    if (rc != CG_OK) {
        goto cleanup;
    }
    const Cleangrid__V1__Clue *clue = &view.clue;
    const char *correlation_id = ev->meta != NULL && ev->meta->correlation_id[0] != '\0'
                                     ? ev->meta->correlation_id
                                     : event_id;
    rc = case_event_clue_created(conn, base->name, clue, correlation_id, err);
    if (rc != CG_OK) {
        goto cleanup;
    }
    /* The dossier's first entry says where the clue came from and the
     * number it was registered under, never what the reporter wrote: the
     * report text stays in the clue itself. */
    summary = case_summary("source", CASE_SOURCE_PUBLIC_REPORT, "number", clue->number, NULL);
    rc = summary == NULL ? cg_err_set(err, CG_UNAVAILABLE, "out of memory")
                         : cg_dossier_append(conn, &case_dossier, clue->id, CASE_ACTOR_SYSTEM,
                                             "clue.created", summary, err);
    if (rc != CG_OK) {
        goto cleanup;
    }
    /* The consumer kicks the relay after it commits this transaction. */
    cg_log_fields(CG_LOG_INFO, "clue registered", "clue_id", clue->id, "report_id", ev->report_id,
                  "org_path", clue->org_path, NULL);

cleanup:
    if (have_view) {
        case_clue_view_free(&view);
    }
    free(summary);
    if (res != NULL) {
        PQclear(res);
    }
    if (ev != NULL) {
        cleangrid__v1__report_submitted__free_unpacked(ev, NULL);
    }
    return rc;
}
