/* The ReportSubmitted consumer: every public report becomes a registered
 * clue (问题线索), announced with ClueCreated so intake can tell the
 * reporter it was forwarded. */
#include <stdlib.h>
#include <string.h>

#include "access.h"
#include "case.h"
#include "cg/log.h"
#include "cg/util.h"
#include "cg/messaging.h"
#include "files.h"
#include "cleangrid/v1/rectify.pb-c.h"
#include "cleangrid/v1/risk.pb-c.h"
#include "clue_repo.h"

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

/* A clue just inserted (row 0 of res, inside the consumer's transaction)
 * announced with ClueCreated, and its dossier's first entry, which says
 * where it came from and the number it was registered under, never what a
 * reporter wrote: the report text stays in the clue itself. */
static cg_code clue_registered(PGconn *conn, const char *producer, const PGresult *res,
                               const char *correlation_id, const char *source, cg_err *err)
{
    case_clue_view view;
    char *summary = NULL;
    cg_code rc = case_repo_clue_from_row(res, 0, &view, NULL, err);
    if (rc != CG_OK)
        goto cleanup;
    const Cleangrid__V1__Clue *clue = &view.clue;
    rc = case_event_clue_created(conn, producer, clue, correlation_id, err);
    if (rc != CG_OK)
        goto cleanup;
    summary = case_summary("source", source, "number", clue->number, NULL);
    rc = summary == NULL ? cg_err_set(err, CG_UNAVAILABLE, "out of memory")
                         : cg_dossier_append(conn, &case_dossier, clue->id, CASE_ACTOR_SYSTEM,
                                             "clue.created", summary, err);
    /* The consumer kicks the relay after it commits this transaction. */
    if (rc == CG_OK)
        cg_log_fields(CG_LOG_INFO, "clue registered", "clue_id", clue->id, "source", source,
                      "org_path", clue->org_path, NULL);

cleanup:
    case_clue_view_free(&view);
    free(summary);
    return rc;
}

/* The event's correlation id, else its own id. */
static const char *correlation_of(const Cleangrid__V1__EventMeta *meta, const char *event_id)
{
    return meta != NULL && meta->correlation_id[0] != '\0' ? meta->correlation_id : event_id;
}

cg_code case_on_report_submitted(PGconn *conn, const char *subject, const char *event_id,
                                 const uint8_t *data, size_t len, void *arg, cg_err *err)
{
    (void)subject;
    cg_service_base *base = arg;
    Cleangrid__V1__ReportSubmitted *ev = NULL;
    PGresult *res = NULL;
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
    rc = clue_registered(conn, base->name, res, correlation_of(ev->meta, event_id),
                         CASE_SOURCE_PUBLIC_REPORT, err);

cleanup:
    PQclear(res);
    if (ev != NULL) {
        cleangrid__v1__report_submitted__free_unpacked(ev, NULL);
    }
    return rc;
}

/* Register the clue c that another service's event asks for, once: the
 * same request under another event id finds its (source, source_ref)
 * taken and adds nothing. */
static cg_code register_clue(PGconn *conn, cg_service_base *base, const case_new_clue *c,
                             const char *correlation_id, cg_err *err)
{
    PGresult *res = NULL;
    cg_code rc = case_repo_insert(conn, c, &res, err);
    if (rc == CG_ALREADY_EXISTS) {
        cg_err_clear(err);
        rc = CG_OK;
        cg_log_fields(CG_LOG_INFO, "clue already registered", "source", c->source, "source_ref",
                      c->source_ref, NULL);
    } else if (rc == CG_OK) {
        rc = clue_registered(conn, base->name, res, correlation_id, c->source, err);
    }
    PQclear(res);
    return rc;
}

cg_code case_on_accountability_proposed(PGconn *conn, const char *subject, const char *event_id,
                                        const uint8_t *data, size_t len, void *arg, cg_err *err)
{
    (void)subject;
    cg_service_base *base = arg;
    char summary[CG_TEXT_MAX];
    char *subjects = NULL;
    cg_code rc = CG_OK;
    Cleangrid__V1__RectifyTaskEvent *ev =
        cleangrid__v1__rectify_task_event__unpack(NULL, len, data);

    if (ev == NULL || !cg_uuid_valid(ev->task_id) || !cg_ltree_path_valid(ev->org_path)) {
        rc = cg_err_set(err, CG_INVALID_ARGUMENT,
                        "event %s is not a rectification task's event with a task and a unit",
                        event_id);
        goto cleanup;
    }
    /* What the office reads on the clue: the task, its problem and the
     * deadlines that passed; the responsible leader as its subject. */
    snprintf(summary, sizeof summary,
             "整改任务逾期未完成，督办最终期限已过 (a rectification task passed its final "
             "deadline). 问题 Problem: %.600s 整改任务 Task: %.600s",
             ev->problem, ev->text);
    cJSON *list = cJSON_CreateArray();
    if (list != NULL && ev->leader[0] != '\0') {
        cJSON *one = cJSON_CreateObject();
        if (one == NULL || !cJSON_AddItemToArray(list, one) ||
            cJSON_AddStringToObject(one, "name", ev->leader) == NULL ||
            cJSON_AddStringToObject(one, "person_id", "") == NULL ||
            cJSON_AddStringToObject(one, "position", "") == NULL ||
            cJSON_AddStringToObject(one, "org_unit", "") == NULL) {
            cJSON_Delete(list);
            list = NULL;
        }
    }
    subjects = list != NULL ? cJSON_PrintUnformatted(list) : NULL;
    cJSON_Delete(list);
    if (subjects == NULL) {
        rc = cg_err_set(err, CG_UNAVAILABLE, "out of memory");
        goto cleanup;
    }
    case_new_clue c = {
        .source = CASE_SOURCE_RECTIFICATION,
        .source_ref = ev->task_id,
        .source_link = "",
        .category = "work",
        .summary = summary,
        .org_path = ev->org_path,
        .subjects_json = subjects,
        .categories_json = "[\"work\"]",
        .received_at_ms = ev->meta != NULL ? ev->meta->occurred_at_ms : 0,
        .handler_id = "",
    };
    rc = register_clue(conn, base, &c, correlation_of(ev->meta, event_id), err);

cleanup:
    free(subjects);
    if (ev != NULL)
        cleangrid__v1__rectify_task_event__free_unpacked(ev, NULL);
    return rc;
}

/* The subjects of a risk alert's clue: the person it is about, when it is
 * about a person; none for a unit or a supplier (the summary names them). A
 * JSON array owned by the caller (free), NULL when memory is short. */
static char *alert_subjects(const Cleangrid__V1__RiskAlertEvent *ev)
{
    cJSON *list = cJSON_CreateArray();
    char *text = NULL;
    if (list != NULL && strcmp(ev->entity_kind, "person") == 0) {
        cJSON *one = cJSON_CreateObject();
        if (one == NULL || !cJSON_AddItemToArray(list, one) ||
            cJSON_AddStringToObject(one, "name",
                                    ev->entity_name[0] ? ev->entity_name : ev->entity_id) == NULL ||
            cJSON_AddStringToObject(one, "person_id", ev->entity_id) == NULL ||
            cJSON_AddStringToObject(one, "position", "") == NULL ||
            cJSON_AddStringToObject(one, "org_unit", "") == NULL)
            goto cleanup;
    }
    text = list != NULL ? cJSON_PrintUnformatted(list) : NULL;

cleanup:
    cJSON_Delete(list);
    return text;
}

cg_code case_on_risk_alert_escalated(PGconn *conn, const char *subject, const char *event_id,
                                     const uint8_t *data, size_t len, void *arg, cg_err *err)
{
    (void)subject;
    cg_service_base *base = arg;
    char source_ref[32], *subjects = NULL;
    cg_code rc = CG_OK;
    Cleangrid__V1__RiskAlertEvent *ev = cleangrid__v1__risk_alert_event__unpack(NULL, len, data);

    if (ev == NULL || ev->alert_id <= 0 || !cg_ltree_path_valid(ev->org_path) ||
        ev->summary[0] == '\0') {
        rc = cg_err_set(err, CG_INVALID_ARGUMENT,
                        "event %s is not a risk alert with an id, a unit and a summary", event_id);
        goto cleanup;
    }
    if ((subjects = alert_subjects(ev)) == NULL) {
        rc = cg_err_set(err, CG_UNAVAILABLE, "out of memory");
        goto cleanup;
    }
    snprintf(source_ref, sizeof source_ref, "%lld", (long long)ev->alert_id);
    case_new_clue c = {
        .source = CASE_SOURCE_RISK_ALERT,
        .source_ref = source_ref,
        .source_link = "",
        .category = "integrity",
        .summary = ev->summary,
        .org_path = ev->org_path,
        .subjects_json = subjects,
        .categories_json = "[\"integrity\"]",
        .received_at_ms = ev->meta != NULL ? ev->meta->occurred_at_ms : 0,
        .handler_id = "",
    };
    rc = register_clue(conn, base, &c, correlation_of(ev->meta, event_id), err);

cleanup:
    free(subjects);
    if (ev != NULL)
        cleangrid__v1__risk_alert_event__free_unpacked(ev, NULL);
    return rc;
}
