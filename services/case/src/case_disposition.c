/* The actions on a case that leave its stage (docs/case-lifecycle.md): the
 * investigators (调查组) a lead names beside the clue's handler, the
 * disposition items (处分/处理) of the review and their executed marks, and
 * the one extension of the investigation deadline; and the event
 * cg.evt.case.case.disposed written with the decision. Each runs on the
 * case locked by case_stages.c, inside its transaction, and appends a
 * dossier entry. */
#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "case_disposition.h"

#include "case.h"
#include "case_repo.h"
#include "cg/db.h"
#include "cg/messaging.h"
#include "cg/util.h"
#include "cg/validate.h"
#include "cleangrid/v1/case_disposition.pb-c.h"
#include "clue_repo.h"
#include "note.h"

static const char SQL_ADD_INVESTIGATOR[] =
    "INSERT INTO case_investigators (case_id, user_id, person_id, added_by)"
    " VALUES ($1::uuid, $2, $3, $4) ON CONFLICT DO NOTHING RETURNING 1";
static const char SQL_REMOVE_INVESTIGATOR[] =
    "DELETE FROM case_investigators WHERE case_id = $1::uuid AND user_id = $2 RETURNING 1";
static const char SQL_ADD_ITEM[] =
    "INSERT INTO case_items (case_id, kind, measure, subject_name, subject_person_id, amount_fen,"
    " text, org_path, deadline, added_by) VALUES ($1::uuid, $2, $3, $4, $5, $6::bigint, $7,"
    " nullif($8, '')::ltree, CASE WHEN $9::bigint > 0"
    " THEN 'epoch'::date + ($9::bigint / 86400000)::integer END, $10) RETURNING id::text";
static const char SQL_REMOVE_ITEM[] =
    "DELETE FROM case_items WHERE id = $2::uuid AND case_id = $1::uuid RETURNING kind";
/* Days come as Unix ms at midnight UTC and are stored as that day, whatever
 * the session's time zone. One row: marked now, and whether the item exists
 * (an item already executed apart from none). */
static const char SQL_EXECUTE_ITEM[] =
    "WITH t AS (SELECT id, executed_on FROM case_items WHERE id = $2::uuid AND case_id = $1::uuid),"
    " u AS (UPDATE case_items SET executed_on = 'epoch'::date + ($3::bigint / 86400000)::integer,"
    " executed_note = $4, executed_by = $5 WHERE id = (SELECT id FROM t)"
    " AND executed_on IS NULL RETURNING 1)"
    " SELECT (SELECT count(*) FROM u)::integer, (SELECT count(*) FROM t)::integer";
static const char SQL_REQUEST_EXTENSION[] =
    "UPDATE cases SET ext_state = 'pending', ext_days = $2::integer, ext_reason = $3,"
    " ext_requested_by = $4 WHERE id = $1::uuid";
/* The approval moves the running deadline by the days asked. */
static const char SQL_DECIDE_EXTENSION[] =
    "UPDATE cases SET ext_state = $2, ext_decided_by = $3, ext_decision_reason = $4,"
    " deadline_at = CASE WHEN $2 = 'approved' THEN deadline_at + ext_days * interval '1 day'"
    " ELSE deadline_at END WHERE id = $1::uuid RETURNING ext_days";

static bool is(const Cleangrid__V1__CaseActionRequest *req, const char *action)
{
    return strcmp(req->action, action) == 0;
}

/* A note or reason: free text over several lines. */
static void check_text(const char *s, const char *field, bool required, cg_err *err)
{
    cg_check_text(err, field, s, 0, CG_TEXT_MAX,
                  CG_TEXT_MULTILINE | (required ? CG_TEXT_REQUIRED : 0));
}

void case_disposition_fields(const Cleangrid__V1__CaseActionRequest *req, cg_err *err)
{
    if (is(req, CASE_ACTION_ADD_INVESTIGATOR) || is(req, CASE_ACTION_REMOVE_INVESTIGATOR)) {
        if (!cg_uuid_valid(req->investigator_id)) {
            cg_err_add_violation(err, "investigator_id", "must be a UUID");
        }
    } else if (is(req, CASE_ACTION_ADD_ITEM)) {
        case_item_check(req->item_kind, req->item_measure, req->item_subject, req->item_amount_fen,
                        req->item_text, req->item_org_path, req->item_deadline_ms, err);
    } else if (is(req, CASE_ACTION_REMOVE_ITEM) || is(req, CASE_ACTION_EXECUTE_ITEM)) {
        if (!cg_uuid_valid(req->item_id)) {
            cg_err_add_violation(err, "item_id", "must be a UUID");
        }
        if (is(req, CASE_ACTION_EXECUTE_ITEM) && req->executed_on_ms <= 0) {
            cg_err_add_violation(err, "date", "must be a date YYYY-MM-DD");
        }
        check_text(req->note, "note", false, err);
    } else if (is(req, CASE_ACTION_REQUEST_EXTENSION)) {
        /* The configured maximum is the one rule for the days: the gateway
         * passes any whole number on. */
        cg_check_int(err, "days", req->extension_days, 1, case_extension_max);
        check_text(req->reason, "reason", true, err);
    } else if (is(req, CASE_ACTION_REJECT_EXTENSION)) {
        check_text(req->reason, "reason", true, err);
    }
}

/* Name an investigator: in scope, not a subject, not recused, no declared
 * relative of a subject, not yet one. */
static cg_code add_investigator(PGconn *conn, const cg_actor *actor,
                                const Cleangrid__V1__CaseActionRequest *req,
                                const case_locked_case *k, case_relatives *kin, cg_err *err)
{
    PGresult *res = NULL;
    if (case_is_investigator(k, req->investigator_id)) {
        return cg_err_set(err, CG_FAILED_PRECONDITION,
                          "the account is already an investigator of this case");
    }
    if (!cg_path_within(k->org_path, req->investigator_scope)) {
        return cg_err_set(err, CG_FAILED_PRECONDITION,
                          "the investigator's unit does not cover the case's unit");
    }
    cg_code rc = case_person_barred(conn, k->clue_id, req->investigator_id,
                                    req->investigator_person_id, err);
    if (rc == CG_OK) {
        rc = case_relatives_check(kin, k->subjects_json, req->investigator_person_id,
                                  CASE_AS_INVESTIGATOR, false, "case", err);
    }
    char person[CG_PERSON_ID_SIZE] = "";
    if (rc == CG_OK && !cg_person_id_canon(req->investigator_person_id, person, sizeof person)) {
        rc = cg_err_set(err, CG_INVALID_ARGUMENT, "the investigator's person id is too long");
    }
    const char *params[] = {req->case_id, req->investigator_id, person, actor->user_id};
    if (rc != CG_OK ||
        (rc = cg_db_exec(conn, SQL_ADD_INVESTIGATOR, 4, params, &res, err)) != CG_OK) {
        goto cleanup;
    }
    rc = case_note(conn, req->case_id, actor, "case.investigator_added",
                   case_summary("user_id", req->investigator_id, NULL), err);

cleanup:
    PQclear(res);
    return rc;
}

static cg_code remove_investigator(PGconn *conn, const cg_actor *actor,
                                   const Cleangrid__V1__CaseActionRequest *req,
                                   const case_locked_case *k, cg_err *err)
{
    PGresult *res = NULL;
    if (strcmp(req->investigator_id, k->handler_id) == 0) {
        return cg_err_set(err, CG_FAILED_PRECONDITION,
                          "the clue's handler is the case's first investigator and stays one; "
                          "a lead assigns the clue to someone else instead");
    }
    const char *params[] = {req->case_id, req->investigator_id};
    cg_code rc = cg_db_exec(conn, SQL_REMOVE_INVESTIGATOR, 2, params, &res, err);
    if (rc == CG_OK && PQntuples(res) == 0) {
        rc = cg_err_set(err, CG_FAILED_PRECONDITION,
                        "the account is not a named investigator of this case");
    }
    if (rc == CG_OK) {
        rc = case_note(conn, req->case_id, actor, "case.investigator_removed",
                       case_summary("user_id", req->investigator_id, NULL), err);
    }
    PQclear(res);
    return rc;
}

/* The person id of the case's subject named name into out (at most size
 * bytes); INVALID_ARGUMENT on subject when the case has no such subject. */
static cg_code subject_of(const case_locked_case *k, const char *name, char *out, size_t size,
                          cg_err *err)
{
    cJSON *subjects = cJSON_Parse(k->subjects_json);
    const cJSON *s = NULL;
    bool found = false;
    cJSON_ArrayForEach(s, subjects)
    {
        const cJSON *n = cJSON_GetObjectItemCaseSensitive(s, "name");
        if (cJSON_IsString(n) && strcmp(n->valuestring, name) == 0) {
            const cJSON *p = cJSON_GetObjectItemCaseSensitive(s, "person_id");
            cg_strlcpy(out, cJSON_IsString(p) ? p->valuestring : "", size);
            found = true;
            break;
        }
    }
    cJSON_Delete(subjects);
    if (!found) {
        cg_err_add_violation(err, "subject", "must be the name of one of the case's subjects");
    }
    return err->code;
}

static cg_code add_item(PGconn *conn, const cg_actor *actor,
                        const Cleangrid__V1__CaseActionRequest *req, const case_locked_case *k,
                        cg_err *err)
{
    PGresult *res = NULL;
    char person[128] = "", amount[24], deadline[24];
    bool rectification = strcmp(req->item_kind, "rectification") == 0;
    if (rectification && !cg_path_within(req->item_org_path, k->org_path)) {
        cg_err_add_violation(err, "unit_code", "must name a unit inside the case's unit (%s)",
                             k->org_path);
        return err->code;
    }
    if (!rectification && subject_of(k, req->item_subject, person, sizeof person, err) != CG_OK) {
        return err->code;
    }
    snprintf(amount, sizeof amount, "%lld", (long long)req->item_amount_fen);
    snprintf(deadline, sizeof deadline, "%lld", (long long)req->item_deadline_ms);
    const char *params[] = {req->case_id, req->item_kind, req->item_measure, req->item_subject,
                            person,       amount,         req->item_text,    req->item_org_path,
                            deadline,     actor->user_id};
    cg_code rc = cg_db_exec(conn, SQL_ADD_ITEM, 10, params, &res, err);
    if (rc == CG_OK) {
        rc = case_note(conn, req->case_id, actor, "case.item_added",
                       case_summary("item_id", cg_db_get(res, 0, 0), "kind", req->item_kind,
                                    "measure", req->item_measure, "subject", req->item_subject,
                                    "amount_fen", req->item_amount_fen > 0 ? amount : NULL,
                                    "org_path", req->item_org_path, "text", req->item_text, NULL),
                       err);
    }
    PQclear(res);
    return rc;
}

static cg_code remove_item(PGconn *conn, const cg_actor *actor,
                           const Cleangrid__V1__CaseActionRequest *req, cg_err *err)
{
    PGresult *res = NULL;
    const char *params[] = {req->case_id, req->item_id};
    cg_code rc = cg_db_exec(conn, SQL_REMOVE_ITEM, 2, params, &res, err);
    if (rc == CG_OK && PQntuples(res) == 0) {
        rc = cg_err_set(err, CG_NOT_FOUND, "disposition item not found");
    }
    if (rc == CG_OK) {
        rc = case_note(conn, req->case_id, actor, "case.item_removed",
                       case_summary("item_id", req->item_id, "kind", cg_db_get(res, 0, 0), NULL),
                       err);
    }
    PQclear(res);
    return rc;
}

static cg_code execute_item(PGconn *conn, const cg_actor *actor,
                            const Cleangrid__V1__CaseActionRequest *req, cg_err *err)
{
    PGresult *res = NULL;
    char on[24];
    snprintf(on, sizeof on, "%lld", (long long)req->executed_on_ms);
    const char *params[] = {req->case_id, req->item_id, on, req->note, actor->user_id};
    cg_code rc = cg_db_exec(conn, SQL_EXECUTE_ITEM, 5, params, &res, err);
    if (rc == CG_OK && cg_db_get_ll(res, 0, 1) == 0) {
        rc = cg_err_set(err, CG_NOT_FOUND, "disposition item not found");
    } else if (rc == CG_OK && cg_db_get_ll(res, 0, 0) == 0) {
        rc = cg_err_set(err, CG_FAILED_PRECONDITION,
                        "the disposition item %s is already marked executed", req->item_id);
    }
    if (rc == CG_OK) {
        rc = case_note(
            conn, req->case_id, actor, "case.item_executed",
            case_summary("item_id", req->item_id, "date_ms", on, "note", req->note, NULL), err);
    }
    PQclear(res);
    return rc;
}

/* The one extension: requested by an investigator, once. */
static cg_code request_extension(PGconn *conn, const cg_actor *actor,
                                 const Cleangrid__V1__CaseActionRequest *req,
                                 const case_locked_case *k, cg_err *err)
{
    if (!case_is_investigator(k, actor->user_id)) {
        return cg_err_set(err, CG_PERMISSION_DENIED,
                          "only an investigator of this case may request the extension");
    }
    if (k->ext_state[0] != '\0') {
        return cg_err_set(err, CG_FAILED_PRECONDITION,
                          "the investigation deadline has had its one extension request "
                          "(it is %s): a case gets one",
                          k->ext_state);
    }
    char days[16];
    snprintf(days, sizeof days, "%d", req->extension_days);
    const char *params[] = {req->case_id, days, req->reason, actor->user_id};
    cg_code rc = cg_db_exec(conn, SQL_REQUEST_EXTENSION, 4, params, NULL, err);
    if (rc != CG_OK) {
        return rc;
    }
    return case_note(conn, req->case_id, actor, "case.extension_requested",
                     case_summary("days", days, "reason", req->reason, NULL), err);
}

/* Approve or reject the pending request: a lead other than the requester. */
static cg_code decide_extension(PGconn *conn, const cg_actor *actor,
                                const Cleangrid__V1__CaseActionRequest *req,
                                const case_locked_case *k, cg_err *err)
{
    bool approve = is(req, CASE_ACTION_APPROVE_EXTENSION);
    if (strcmp(k->ext_state, "pending") != 0) {
        return cg_err_set(err, CG_FAILED_PRECONDITION,
                          "no extension request is pending on this case (%s)",
                          k->ext_state[0] != '\0' ? k->ext_state : "none was asked");
    }
    if (strcmp(k->ext_requested_by, actor->user_id) == 0) {
        return cg_err_set(err, CG_PERMISSION_DENIED,
                          "the requester of an extension cannot decide it: another "
                          "inspection lead does");
    }
    const char *params[] = {req->case_id, approve ? "approved" : "rejected", actor->user_id,
                            req->reason};
    cg_code rc = cg_db_exec(conn, SQL_DECIDE_EXTENSION, 4, params, NULL, err);
    if (rc != CG_OK) {
        return rc;
    }
    return case_note(
        conn, req->case_id, actor, approve ? "case.extension_approved" : "case.extension_rejected",
        case_summary("reason", req->reason[0] != '\0' ? req->reason : NULL, NULL), err);
}

cg_code case_disposition_apply(PGconn *conn, const cg_actor *actor,
                               const Cleangrid__V1__CaseActionRequest *req,
                               const case_locked_case *k, case_relatives *kin, cg_err *err)
{
    if (is(req, CASE_ACTION_ADD_INVESTIGATOR)) {
        return add_investigator(conn, actor, req, k, kin, err);
    }
    if (is(req, CASE_ACTION_REMOVE_INVESTIGATOR)) {
        return remove_investigator(conn, actor, req, k, err);
    }
    if (is(req, CASE_ACTION_ADD_ITEM)) {
        return add_item(conn, actor, req, k, err);
    }
    if (is(req, CASE_ACTION_REMOVE_ITEM)) {
        return remove_item(conn, actor, req, err);
    }
    if (is(req, CASE_ACTION_EXECUTE_ITEM)) {
        return execute_item(conn, actor, req, err);
    }
    if (is(req, CASE_ACTION_REQUEST_EXTENSION)) {
        return request_extension(conn, actor, req, k, err);
    }
    if (is(req, CASE_ACTION_APPROVE_EXTENSION) || is(req, CASE_ACTION_REJECT_EXTENSION)) {
        return decide_extension(conn, actor, req, k, err);
    }
    return cg_err_set(err, CG_INTERNAL, "no handler for case action %s", req->action);
}

cg_code case_disposition_announce(PGconn *conn, const char *producer, const char *request_id,
                                  const cg_actor *actor, const char *case_id, cg_err *err)
{
    PGresult *res = NULL;
    case_case_view v;
    Cleangrid__V1__DisposedSubject *subjects = NULL, **subject_ptrs = NULL;
    Cleangrid__V1__DispositionItem **items = NULL, **recs = NULL;
    /* The case as the actor sees it now, with its items; the actor is the
     * lead who just locked it, so it is visible. */
    cg_code rc = case_repo_get_case(conn, actor, case_id, &v, &res, err);
    if (rc != CG_OK) {
        goto cleanup;
    }
    size_t ns = v.record.n_subjects, ni = v.record.n_items;
    subjects = calloc(ns + 1, sizeof *subjects);
    subject_ptrs = calloc(ns + 1, sizeof *subject_ptrs);
    items = calloc(ni + 1, sizeof *items);
    recs = calloc(ni + 1, sizeof *recs);
    if (subjects == NULL || subject_ptrs == NULL || items == NULL || recs == NULL) {
        rc = cg_err_set(err, CG_UNAVAILABLE, "out of memory");
        goto cleanup;
    }
    for (size_t i = 0; i < ns; i++) {
        const Cleangrid__V1__ClueSubject *s = v.record.subjects[i];
        cleangrid__v1__disposed_subject__init(&subjects[i]);
        subjects[i].name = s->name;
        subjects[i].person_id = s->person_id;
        subjects[i].position = s->position;
        subjects[i].org_unit = s->org_unit;
        subject_ptrs[i] = &subjects[i];
    }
    char event_id[CG_UUID_LEN];
    Cleangrid__V1__EventMeta meta = CLEANGRID__V1__EVENT_META__INIT;
    Cleangrid__V1__CaseDisposed ev = CLEANGRID__V1__CASE_DISPOSED__INIT;
    cg_event_meta_init(&meta, event_id, CASE_SUBJECT_CASE_DISPOSED, producer, request_id);
    for (size_t i = 0; i < ni; i++) {
        Cleangrid__V1__DispositionItem *t = v.record.items[i];
        if (strcmp(t->kind, "rectification") == 0) {
            recs[ev.n_recommendations++] = t;
        } else {
            items[ev.n_items++] = t;
        }
    }
    /* Borrowed strings: packed into the outbox row, never freed here. */
    ev.meta = &meta;
    ev.case_id = v.record.id;
    ev.clue_id = v.record.clue_id;
    ev.org_path = v.record.org_path;
    ev.subjects = subject_ptrs;
    ev.n_subjects = ns;
    ev.items = items;
    ev.recommendations = recs;
    ev.decided_by = (char *)actor->user_id;
    rc = cg_outbox_add(conn, &ev.base, err);

cleanup:
    free(subjects);
    free(subject_ptrs);
    free(items);
    free(recs);
    case_case_view_free(&v);
    PQclear(res);
    return rc;
}
