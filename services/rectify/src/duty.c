/* cg.rpc.rectify: the yearly responsibility lists for clean governance
 * (党风廉政建设主体责任清单) and their documentary assessment (纪实考核).
 * The office (inspectors and leads) sets a unit's list for a year; the
 * unit's leaders record their work against each item with a document of
 * the list's file (纪实); the office confirms or refuses each record and
 * at the year's end scores each item once. Each step is an entry of the
 * list's file and an event cg.evt.rectify.duty.<verb> (events.c). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "cg/log.h"
#include "cg/util.h"
#include "cg/validate.h"
#include "lifecycle.h"
#include "rectify.h"

/* The years a list may be for: a list names the year whose work it
 * assesses, and nothing this office keeps is older or that far ahead. */
#define DUTY_YEAR_MIN 2000
#define DUTY_YEAR_MAX 2100
/* The most items one list holds. */
#define DUTY_ITEMS_MAX 50
/* The most lists one assessment table compares; a province's units fit,
 * a larger scope narrows it with unit_code. */
#define DUTY_LISTS_MAX 500

/* The day of a date field (Unix ms at midnight UTC) as SQL reads it. */
#define SQL_DAY(n) "(to_timestamp(" n "::bigint / 1000.0) AT TIME ZONE 'UTC')::date"

static const char *const OUTCOMES[] = {"done", "partly", "not_done", NULL};
static const char *const VERDICTS[] = {"confirmed", "refused", NULL};

/* The list as a step needs it, read under its row lock. */
typedef struct duty_row {
    char org_path[256];
    int year;
} duty_row;

static void check_year(cg_err *err, int year)
{
    if (year == 0)
        cg_err_add_violation(err, "year", "is required");
    else
        cg_check_int(err, "year", year, DUTY_YEAR_MIN, DUTY_YEAR_MAX);
}

static bool check_sha256(cg_err *err, const char *sha256)
{
    if (strlen(sha256) == 64 && strspn(sha256, "0123456789abcdef") == 64)
        return true;
    cg_err_add_violation(err, "sha256",
                         "must be the 64 lower-case hex digits of a document of the list (its "
                         "sha256)");
    return false;
}

/* The list list_id inside the actor's scope, locked for the step: NOT_FOUND
 * outside it. */
static cg_code lock_list(PGconn *conn, const cg_actor *actor, const char *list_id, duty_row *l,
                         cg_err *err)
{
    PGresult *res = NULL;
    const char *params[] = {actor->scope, list_id};
    cg_code rc = cg_db_exec(conn,
                            "SELECT org_path::text, year FROM duty_lists WHERE id = $2::uuid"
                            " AND org_path <@ $1::ltree FOR UPDATE",
                            2, params, &res, err);
    if (rc == CG_OK && PQntuples(res) == 0)
        rc = cg_err_set(err, CG_NOT_FOUND, "responsibility list not found");
    if (rc == CG_OK) {
        cg_strlcpy(l->org_path, cg_db_get(res, 0, 0), sizeof l->org_path);
        l->year = (int)cg_db_get_ll(res, 0, 1);
    }
    PQclear(res);
    return rc;
}

/* The list as the caller sees it, whole, into reply's list. */
static cg_code duty_reply(cg_rpc_req *r, PGconn *conn, const char *list_id,
                          Cleangrid__V1__DutyListReply *reply, cg_err *err)
{
    rectify_call *c = r->state;
    cg_db_json_list *list = NULL;
    const char *params[] = {c->actor.scope, list_id};

    if (rectify_read(r, conn, &cleangrid__v1__duty_list__descriptor,
                     "SELECT duty_list_json(l, true, true) FROM duty_lists l"
                     " WHERE l.id = $2::uuid AND l.org_path <@ $1::ltree",
                     2, params, &list, err) != CG_OK)
        return err->code;
    if (list->n == 0)
        return cg_err_set(err, CG_NOT_FOUND, "responsibility list not found");
    reply->list = (Cleangrid__V1__DutyList *)list->msgs[0];
    return CG_OK;
}

/* The step's dossier summary as text (free()): extra (a JSON object,
 * owned by the caller; NULL for none) with the step's item, record, score
 * and reason added. NULL when out of memory. */
static char *summary_of(const rectify_duty_step *step, cJSON *extra)
{
    cJSON *summary = extra != NULL ? extra : cJSON_CreateObject();
    bool ok = summary != NULL;
    if (ok && step->item_seq > 0)
        ok = cJSON_AddNumberToObject(summary, "item", step->item_seq) != NULL;
    if (ok && step->record_id != NULL)
        ok = cJSON_AddStringToObject(summary, "record_id", step->record_id) != NULL;
    if (ok && step->outcome != NULL)
        ok = cJSON_AddStringToObject(summary, "outcome", step->outcome) != NULL &&
             cJSON_AddNumberToObject(summary, "score", step->score) != NULL;
    if (ok && step->reason != NULL)
        ok = cJSON_AddStringToObject(summary, "reason", step->reason) != NULL;
    char *text = ok ? cJSON_PrintUnformatted(summary) : NULL;
    if (extra == NULL)
        cJSON_Delete(summary);
    return text;
}

/* The end of every step: recorded in the list's file and on the bus with
 * its summary (extra as summary_of() takes it), then the list as it is now
 * into reply. */
static cg_code finish(cg_rpc_req *r, PGconn *conn, const rectify_duty_step *step, cJSON *extra,
                      Cleangrid__V1__DutyListReply *reply, cg_err *err)
{
    char *text = summary_of(step, extra);
    cg_code rc = text == NULL ? cg_err_set(err, CG_UNAVAILABLE, "out of memory")
                              : rectify_duty_record(r, conn, step, text, err);
    free(text);
    return rc == CG_OK ? duty_reply(r, conn, step->list_id, reply, err) : rc;
}

static void check_items(cg_err *err, const Cleangrid__V1__SetDutyListRequest *req)
{
    char field[48];
    if (req->n_items == 0 || req->n_items > DUTY_ITEMS_MAX)
        cg_err_add_violation(err, "items", "must list 1 to %d items", DUTY_ITEMS_MAX);
    for (size_t i = 0; i < req->n_items && i < DUTY_ITEMS_MAX; i++) {
        const Cleangrid__V1__DutyItemSpec *it = req->items[i];
        snprintf(field, sizeof field, "items[%zu].text", i);
        cg_check_text(err, field, it->text, 1, 1000, CG_TEXT_REQUIRED | CG_TEXT_MULTILINE);
        snprintf(field, sizeof field, "items[%zu].leader", i);
        cg_check_text(err, field, it->leader, 1, 100, CG_TEXT_REQUIRED);
        snprintf(field, sizeof field, "items[%zu].standard", i);
        cg_check_text(err, field, it->standard, 1, 1000, CG_TEXT_REQUIRED | CG_TEXT_MULTILINE);
        /* No months given: the whole year. */
        if (it->from_month == 0 && it->to_month == 0)
            continue;
        snprintf(field, sizeof field, "items[%zu].from_month", i);
        cg_check_int(err, field, it->from_month, 1, 12);
        snprintf(field, sizeof field, "items[%zu].to_month", i);
        if (it->to_month < it->from_month || it->to_month > 12)
            cg_err_add_violation(err, field, "must be a month from from_month to 12");
    }
}

/* A revision keeps what the assessment stands on: no item is dropped that
 * has records of work, and once an item is scored the list is fixed. */
static cg_code check_revision(PGconn *conn, const char *list_id, size_t nitems, cg_err *err)
{
    PGresult *res = NULL;
    char count[24];
    snprintf(count, sizeof count, "%zu", nitems);
    const char *params[] = {list_id, count};
    cg_code rc = cg_db_exec(conn,
                            "SELECT (SELECT min(seq) FROM duty_items WHERE list_id = $1::uuid"
                            " AND outcome IS NOT NULL), (SELECT min(item_seq) FROM duty_records"
                            " WHERE list_id = $1::uuid AND item_seq > $2::integer)",
                            2, params, &res, err);
    if (rc != CG_OK)
        goto cleanup;
    if (!PQgetisnull(res, 0, 0))
        rc = cg_err_set(err, CG_FAILED_PRECONDITION,
                        "item %s of the list is scored; a list with scores is fixed",
                        cg_db_get(res, 0, 0));
    else if (!PQgetisnull(res, 0, 1))
        rc = cg_err_set(err, CG_FAILED_PRECONDITION,
                        "item %s has records of work; the list keeps it (list at least %s items)",
                        cg_db_get(res, 0, 1), cg_db_get(res, 0, 1));

cleanup:
    PQclear(res);
    return rc;
}

cg_code rectify_set_duty_list(cg_rpc_req *r, const void *request, PGconn *conn, void *reply,
                              cg_err *err)
{
    const Cleangrid__V1__SetDutyListRequest *req = request;
    rectify_call *c = r->state;
    PGresult *res = NULL;
    cJSON *summary = NULL;
    char year[12], count[24], list_id[CG_UUID_LEN], seq[24], from[12], to[12];
    cg_code rc;

    check_year(err, req->year);
    check_items(err, req);
    rectify_check_unit(err, &c->actor, req->org_path);
    if (err->code != CG_OK)
        return err->code;
    snprintf(year, sizeof year, "%d", req->year);
    const char *params[] = {req->org_path, req->unit_code, year, c->actor.user_id};
    /* One list per unit and year: setting it again revises the one there
     * is, under its row lock. */
    rc = cg_db_exec(conn,
                    "INSERT INTO duty_lists (org_path, unit_code, year, created_by)"
                    " VALUES ($1::ltree, $2, $3::integer, $4) ON CONFLICT (org_path, year)"
                    " DO UPDATE SET updated_at = clock_timestamp()"
                    " RETURNING id::text, xmax <> 0",
                    4, params, &res, err);
    if (rc != CG_OK)
        goto cleanup;
    cg_strlcpy(list_id, cg_db_get(res, 0, 0), sizeof list_id);
    bool revised = strcmp(cg_db_get(res, 0, 1), "t") == 0;
    if (revised && (rc = check_revision(conn, list_id, req->n_items, err)) != CG_OK)
        goto cleanup;
    snprintf(count, sizeof count, "%zu", req->n_items);
    const char *drop[] = {list_id, count};
    rc = cg_db_exec(conn, "DELETE FROM duty_items WHERE list_id = $1::uuid AND seq > $2::integer",
                    2, drop, NULL, err);
    for (size_t i = 0; rc == CG_OK && i < req->n_items; i++) {
        const Cleangrid__V1__DutyItemSpec *it = req->items[i];
        bool whole_year = it->from_month == 0 && it->to_month == 0;
        snprintf(seq, sizeof seq, "%zu", i + 1);
        snprintf(from, sizeof from, "%d", whole_year ? 1 : it->from_month);
        snprintf(to, sizeof to, "%d", whole_year ? 12 : it->to_month);
        const char *item[] = {list_id, seq, it->text, it->leader, from, to, it->standard};
        rc = cg_db_exec(conn,
                        "INSERT INTO duty_items (list_id, seq, text, leader, from_month, to_month,"
                        " standard) VALUES ($1::uuid, $2::integer, $3, $4, $5::integer,"
                        " $6::integer, $7) ON CONFLICT (list_id, seq) DO UPDATE SET"
                        " text = excluded.text, leader = excluded.leader,"
                        " from_month = excluded.from_month, to_month = excluded.to_month,"
                        " standard = excluded.standard",
                        7, item, NULL, err);
    }
    if (rc != CG_OK)
        goto cleanup;
    summary = cJSON_CreateObject();
    if (summary == NULL || cJSON_AddNumberToObject(summary, "year", req->year) == NULL ||
        cJSON_AddNumberToObject(summary, "items", (double)req->n_items) == NULL ||
        cJSON_AddBoolToObject(summary, "revised", revised) == NULL) {
        rc = cg_err_set(err, CG_UNAVAILABLE, "out of memory");
        goto cleanup;
    }
    rectify_duty_step step = {.list_id = list_id,
                              .dossier_action = revised ? "duty.list_revised" : "duty.list_set",
                              .event_verb = "list_set"};
    rc = finish(r, conn, &step, summary, reply, err);
    if (rc == CG_OK)
        cg_log_fields(CG_LOG_INFO, "duty list set", "list_id", list_id, NULL);

cleanup:
    cJSON_Delete(summary);
    PQclear(res);
    return rc;
}

cg_code rectify_get_duty_list(cg_rpc_req *r, const void *request, PGconn *conn, void *reply,
                              cg_err *err)
{
    const Cleangrid__V1__GetDutyListRequest *req = request;
    if (!cg_check_uuid(err, "id", req->id))
        return err->code;
    return duty_reply(r, conn, req->id, reply, err);
}

cg_code rectify_list_duty_lists(cg_rpc_req *r, const void *request, PGconn *conn, void *reply,
                                cg_err *err)
{
    const Cleangrid__V1__ListDutyListsRequest *req = request;
    Cleangrid__V1__ListDutyListsReply *out = reply;
    rectify_call *c = r->state;
    cg_db_json_list *lists = NULL;
    char year[12], limit[12];

    check_year(err, req->year);
    if (req->org_path[0] != '\0' && !cg_ltree_path_valid(req->org_path))
        cg_err_add_violation(err, "unit_code", "is not a unit");
    if (err->code != CG_OK)
        return err->code;
    snprintf(year, sizeof year, "%d", req->year);
    snprintf(limit, sizeof limit, "%d", DUTY_LISTS_MAX + 1);
    const char *params[] = {c->actor.scope, year, req->with_items ? "t" : "f", req->org_path,
                            limit};
    /* Highest total first, so the table compares the units; units with the
     * same total by their place in the tree. */
    if (rectify_read(r, conn, &cleangrid__v1__duty_list__descriptor,
                     "SELECT duty_list_json(l, $3::boolean, false) FROM duty_lists l"
                     " WHERE l.org_path <@ $1::ltree AND l.year = $2::integer"
                     " AND ($4 = '' OR l.org_path <@ nullif($4, '')::ltree)"
                     " ORDER BY (SELECT coalesce(sum(i.score), 0) FROM duty_items i"
                     " WHERE i.list_id = l.id) DESC, l.org_path, l.id LIMIT $5::integer",
                     5, params, &lists, err) != CG_OK)
        return err->code;
    if (lists->n > DUTY_LISTS_MAX)
        return cg_err_set(err, CG_RESOURCE_EXHAUSTED,
                          "more than %d lists for %d; narrow the table with unit_code",
                          DUTY_LISTS_MAX, req->year);
    out->n_lists = lists->n;
    out->lists = RECTIFY_ITEMS(Cleangrid__V1__DutyList, lists);
    return CG_OK;
}

cg_code rectify_record_duty_work(cg_rpc_req *r, const void *request, PGconn *conn, void *reply,
                                 cg_err *err)
{
    const Cleangrid__V1__RecordDutyWorkRequest *req = request;
    rectify_call *c = r->state;
    PGresult *res = NULL;
    cJSON *summary = NULL;
    duty_row l = {0};
    char seq[12], done[24], year[12];
    cg_code rc;

    cg_check_uuid(err, "id", req->list_id);
    if (req->item_seq <= 0)
        cg_err_add_violation(err, "item", "is required: the number of the item the work is for");
    cg_check_text(err, "note", req->note, 1, 2000, CG_TEXT_REQUIRED | CG_TEXT_MULTILINE);
    if (req->done_on_ms <= 0)
        cg_err_add_violation(err, "done_on", "is required: the day the work was done");
    check_sha256(err, req->sha256);
    if (err->code != CG_OK)
        return err->code;
    if ((rc = lock_list(conn, &c->actor, req->list_id, &l, err)) != CG_OK)
        return rc;
    snprintf(seq, sizeof seq, "%d", req->item_seq);
    snprintf(done, sizeof done, "%lld", (long long)req->done_on_ms);
    snprintf(year, sizeof year, "%d", l.year);
    const char *params[] = {req->list_id, seq, req->sha256, done, year};
    /* The item of this list, the document of this list's own file, and the
     * day within the list's year and not later than today. */
    rc = cg_db_exec(conn,
                    "WITH day AS (SELECT " SQL_DAY(
                        "$4") " AS v)"
                              " SELECT (SELECT count(*) FROM duty_items WHERE list_id = $1::uuid"
                              " AND seq = $2::integer), (SELECT outcome FROM duty_items"
                              " WHERE list_id = $1::uuid AND seq = $2::integer),"
                              " (SELECT count(*) FROM document_links WHERE file_id = $1::uuid"
                              " AND sha256 = decode($3, 'hex')),"
                              " (SELECT extract(year FROM v) = $5::integer FROM day),"
                              " (SELECT v > rectify_today() FROM day)",
                    5, params, &res, err);
    if (rc != CG_OK)
        goto cleanup;
    if (cg_db_get_ll(res, 0, 0) == 0)
        cg_err_add_violation(err, "item", "is not an item of the list");
    if (cg_db_get_ll(res, 0, 2) == 0)
        cg_err_add_violation(err, "sha256",
                             "is not a document of this list (upload it to the list first)");
    if (strcmp(cg_db_get(res, 0, 3), "t") != 0)
        cg_err_add_violation(err, "done_on", "is not in the list's year %d", l.year);
    else if (strcmp(cg_db_get(res, 0, 4), "t") == 0)
        cg_err_add_violation(err, "done_on", "is in the future");
    if ((rc = err->code) != CG_OK)
        goto cleanup;
    if (!PQgetisnull(res, 0, 1)) {
        rc = cg_err_set(err, CG_FAILED_PRECONDITION,
                        "item %d is scored (%s); its record of work is closed", req->item_seq,
                        cg_db_get(res, 0, 1));
        goto cleanup;
    }
    PQclear(res);
    res = NULL;
    const char *insert[] = {req->list_id, seq, req->note, done, req->sha256, c->actor.user_id};
    rc = cg_db_exec(conn,
                    "INSERT INTO duty_records (list_id, item_seq, note, done_on, sha256,"
                    " recorded_by) VALUES ($1::uuid, $2::integer, $3, " SQL_DAY(
                        "$4") ", decode($5, 'hex'), $6) RETURNING id::text",
                    6, insert, &res, err);
    if (rc != CG_OK)
        goto cleanup;
    summary = cJSON_CreateObject();
    if (summary == NULL || cJSON_AddStringToObject(summary, "sha256", req->sha256) == NULL) {
        rc = cg_err_set(err, CG_UNAVAILABLE, "out of memory");
        goto cleanup;
    }
    rectify_duty_step step = {.list_id = req->list_id,
                              .dossier_action = "duty.work_recorded",
                              .event_verb = "work_recorded",
                              .item_seq = req->item_seq,
                              .record_id = cg_db_get(res, 0, 0)};
    rc = finish(r, conn, &step, summary, reply, err);

cleanup:
    cJSON_Delete(summary);
    PQclear(res);
    return rc;
}

cg_code rectify_verify_duty_work(cg_rpc_req *r, const void *request, PGconn *conn, void *reply,
                                 cg_err *err)
{
    const Cleangrid__V1__VerifyDutyWorkRequest *req = request;
    rectify_call *c = r->state;
    PGresult *res = NULL;
    duty_row l = {0};
    cg_code rc;

    cg_check_uuid(err, "id", req->list_id);
    cg_check_uuid(err, "record_id", req->record_id);
    cg_check_one_of(err, "verdict", req->verdict, VERDICTS, false);
    bool confirmed = strcmp(req->verdict, "confirmed") == 0;
    if (!confirmed)
        cg_check_text(err, "reason", req->reason, 1, 2000, CG_TEXT_REQUIRED | CG_TEXT_MULTILINE);
    if (err->code != CG_OK)
        return err->code;
    if ((rc = lock_list(conn, &c->actor, req->list_id, &l, err)) != CG_OK ||
        (rc = rectify_check_outsider(c->actor.scope, l.org_path, err)) != CG_OK)
        return rc;
    const char *params[] = {req->list_id, req->record_id};
    rc = cg_db_exec(conn,
                    "SELECT r.state, r.recorded_by, r.item_seq, i.outcome FROM duty_records r"
                    " JOIN duty_items i ON i.list_id = r.list_id AND i.seq = r.item_seq"
                    " WHERE r.id = $2::uuid AND r.list_id = $1::uuid FOR UPDATE OF r",
                    2, params, &res, err);
    if (rc != CG_OK)
        goto cleanup;
    if (PQntuples(res) == 0) {
        rc = cg_err_set(err, CG_NOT_FOUND, "record of work not found");
        goto cleanup;
    }
    int item = (int)cg_db_get_ll(res, 0, 2);
    if (strcmp(cg_db_get(res, 0, 0), "recorded") != 0)
        rc = cg_err_set(err, CG_FAILED_PRECONDITION,
                        "the record is %s already; the unit records its work anew",
                        cg_db_get(res, 0, 0));
    else if (strcmp(cg_db_get(res, 0, 1), c->actor.user_id) == 0)
        rc = cg_err_set(err, CG_FAILED_PRECONDITION,
                        "the one who recorded the work may not verify it");
    else if (!PQgetisnull(res, 0, 3))
        rc = cg_err_set(err, CG_FAILED_PRECONDITION, "item %d is scored; its records are fixed",
                        item);
    if (rc != CG_OK)
        goto cleanup;
    const char *update[] = {req->record_id, req->verdict, c->actor.user_id,
                            confirmed ? "" : req->reason};
    rc = cg_db_exec(conn,
                    "UPDATE duty_records SET state = $2, verifier_id = $3, reason = $4,"
                    " verified_at = clock_timestamp() WHERE id = $1::uuid",
                    4, update, NULL, err);
    if (rc != CG_OK)
        goto cleanup;
    rectify_duty_step step = {.list_id = req->list_id,
                              .dossier_action =
                                  confirmed ? "duty.work_confirmed" : "duty.work_refused",
                              .event_verb = confirmed ? "work_confirmed" : "work_refused",
                              .item_seq = item,
                              .record_id = req->record_id,
                              .reason = confirmed ? NULL : req->reason};
    rc = finish(r, conn, &step, NULL, reply, err);

cleanup:
    PQclear(res);
    return rc;
}

/* True if the request's body gave key (the gateway lists the keys). */
static bool body_gave(const Cleangrid__V1__ScoreDutyItemRequest *req, const char *key)
{
    for (size_t i = 0; i < req->n_body_keys; i++)
        if (strcmp(req->body_keys[i], key) == 0)
            return true;
    return false;
}

cg_code rectify_score_duty_item(cg_rpc_req *r, const void *request, PGconn *conn, void *reply,
                                cg_err *err)
{
    const Cleangrid__V1__ScoreDutyItemRequest *req = request;
    rectify_call *c = r->state;
    PGresult *res = NULL;
    duty_row l = {0};
    char seq[12], score[12], year[12];
    cg_code rc;

    cg_check_uuid(err, "id", req->list_id);
    if (req->item_seq <= 0)
        cg_err_add_violation(err, "item", "is required: the number of the item scored");
    cg_check_one_of(err, "outcome", req->outcome, OUTCOMES, false);
    if (!body_gave(req, "score"))
        cg_err_add_violation(err, "score", "is required: 0 to 100");
    else
        cg_check_int(err, "score", req->score, 0, 100);
    cg_check_text(err, "note", req->note, 0, 2000, CG_TEXT_MULTILINE);
    if (err->code != CG_OK)
        return err->code;
    if ((rc = lock_list(conn, &c->actor, req->list_id, &l, err)) != CG_OK ||
        (rc = rectify_check_outsider(c->actor.scope, l.org_path, err)) != CG_OK)
        return rc;
    snprintf(seq, sizeof seq, "%d", req->item_seq);
    snprintf(year, sizeof year, "%d", l.year);
    const char *params[] = {req->list_id, seq, year};
    /* The year's work is scored at its end: from its last month on. */
    rc = cg_db_exec(conn,
                    "SELECT i.outcome, i.score, rectify_today() >= make_date($3::integer, 12, 1)"
                    " FROM duty_items i WHERE i.list_id = $1::uuid AND i.seq = $2::integer",
                    3, params, &res, err);
    if (rc != CG_OK)
        goto cleanup;
    if (PQntuples(res) == 0) {
        cg_err_add_violation(err, "item", "is not an item of the list");
        rc = err->code;
    } else if (!PQgetisnull(res, 0, 0)) {
        rc = cg_err_set(err, CG_FAILED_PRECONDITION,
                        "item %d is scored already (%s, %s); a score is fixed", req->item_seq,
                        cg_db_get(res, 0, 0), cg_db_get(res, 0, 1));
    } else if (strcmp(cg_db_get(res, 0, 2), "t") != 0) {
        rc =
            cg_err_set(err, CG_FAILED_PRECONDITION,
                       "the list of %d is scored at the year's end, from %d-12-01", l.year, l.year);
    }
    if (rc != CG_OK)
        goto cleanup;
    snprintf(score, sizeof score, "%d", req->score);
    const char *update[] = {req->list_id, seq, req->outcome, score, req->note, c->actor.user_id};
    rc = cg_db_exec(conn,
                    "UPDATE duty_items SET outcome = $3, score = $4::integer, score_note = $5,"
                    " scored_by = $6, scored_at = clock_timestamp()"
                    " WHERE list_id = $1::uuid AND seq = $2::integer",
                    6, update, NULL, err);
    if (rc != CG_OK)
        goto cleanup;
    rectify_duty_step step = {.list_id = req->list_id,
                              .dossier_action = "duty.scored",
                              .event_verb = "scored",
                              .item_seq = req->item_seq,
                              .outcome = req->outcome,
                              .score = req->score};
    rc = finish(r, conn, &step, NULL, reply, err);

cleanup:
    PQclear(res);
    return rc;
}
