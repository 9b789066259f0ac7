/* The yearly personal matters report (个人有关事项报告): the form (rows of
 * the database), the yearly rounds the office opens with their due days,
 * the cadre's own report (a draft started from last year's answers, then
 * submitted, and never changed after: a correction is a new version beside
 * it) and the office's reading of the rounds and of a cadre's reports. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cg/log.h"
#include "cg/util.h"
#include "cg/validate.h"
#include "integrity.h"
#include "rules.h"

/* The day of a date field (Unix ms at midnight UTC) as SQL reads it. */
#define SQL_DAY(n) "(to_timestamp(" n "::bigint / 1000.0) AT TIME ZONE 'UTC')::date"

/* The round a cadre ($1, a cadres row's id) reports in for a year ($2):
 * the nearest round above its unit. */
#define SQL_ROUND_OF                                                                               \
    "SELECT rr.* FROM report_rounds rr JOIN cadres c ON c.org_path <@ rr.org_path"                 \
    " WHERE c.id = $1::uuid AND rr.year = $2::int ORDER BY nlevel(rr.org_path) DESC LIMIT 1"

cg_code integrity_read_form(cg_rpc_req *r, PGconn *conn, Cleangrid__V1__ReportForm **out,
                            cg_err *err)
{
    cg_db_json_list *form = NULL;
    if (integrity_read(r, conn, &cleangrid__v1__report_form__descriptor,
                       "SELECT report_form_json()", 0, NULL, &form, err) != CG_OK)
        return err->code;
    if (form->n != 1)
        return cg_err_set(err, CG_INTERNAL, "the report form is missing");
    *out = (Cleangrid__V1__ReportForm *)form->msgs[0];
    return CG_OK;
}

cg_code integrity_get_report_form(cg_rpc_req *r, const void *request, PGconn *conn, void *reply,
                                  cg_err *err)
{
    (void)request;
    Cleangrid__V1__ReportFormReply *out = reply;
    return integrity_read_form(r, conn, &out->form, err);
}

/* A round of the caller's scope as the message, by the statement's
 * parameters. */
static cg_code read_round(cg_rpc_req *r, PGconn *conn, const char *sql, int nparams,
                          const char *const *params, Cleangrid__V1__ReportRound **out, cg_err *err)
{
    cg_db_json_list *rounds = NULL;
    if (integrity_read(r, conn, &cleangrid__v1__report_round__descriptor, sql, nparams, params,
                       &rounds, err) != CG_OK)
        return err->code;
    *out = rounds->n > 0 ? (Cleangrid__V1__ReportRound *)rounds->msgs[0] : NULL;
    return CG_OK;
}

cg_code integrity_open_report_round(cg_rpc_req *r, const void *request, PGconn *conn, void *reply,
                                    cg_err *err)
{
    const Cleangrid__V1__OpenReportRoundRequest *req = request;
    Cleangrid__V1__ReportRoundReply *out = reply;
    integrity_call *c = r->state;
    char year[16], due[24], remind[16];

    cg_check_int(err, "year", req->year, 2000, 2100);
    cg_check_int(err, "remind_days", req->remind_days, 0, 90);
    if (req->due_on_ms <= 0)
        cg_err_add_violation(err, "due_on", "is required");
    if (req->org_path[0] == '\0')
        cg_err_add_violation(err, "unit_code", "is required");
    else if (!cg_ltree_path_valid(req->org_path) || !cg_path_within(req->org_path, c->actor.scope))
        cg_err_add_violation(err, "unit_code", "is not a unit of your scope");
    if (err->code != CG_OK)
        return err->code;
    snprintf(year, sizeof year, "%d", (int)req->year);
    snprintf(due, sizeof due, "%lld", (long long)req->due_on_ms);
    snprintf(remind, sizeof remind, "%d", req->remind_days > 0 ? (int)req->remind_days : 14);
    const char *params[] = {year, req->org_path, due, remind, c->actor.user_id};
    cg_code rc = read_round(r, conn,
                            "WITH rr AS (INSERT INTO report_rounds (year, org_path, due_on,"
                            " remind_days, opened_by) VALUES ($1::int, $2::ltree, " SQL_DAY(
                                "$3") ", $4::int, $5) RETURNING *) SELECT round_json(rr) FROM rr",
                            5, params, &out->round, err);
    if (rc == CG_ALREADY_EXISTS)
        return cg_err_set(err, CG_ALREADY_EXISTS, "the round of %d for this unit is open already",
                          (int)req->year);
    if (rc == CG_OK)
        cg_log_fields(CG_LOG_INFO, "report round opened", "round_id", out->round->id, NULL);
    return rc;
}

cg_code integrity_list_report_rounds(cg_rpc_req *r, const void *request, PGconn *conn, void *reply,
                                     cg_err *err)
{
    const Cleangrid__V1__ListReportRoundsRequest *req = request;
    Cleangrid__V1__ListReportRoundsReply *out = reply;
    integrity_call *c = r->state;
    cg_db_json_list *rounds = NULL;
    char year[16];
    snprintf(year, sizeof year, "%d", (int)req->year);
    const char *params[] = {c->actor.scope, year};
    if (integrity_read(r, conn, &cleangrid__v1__report_round__descriptor,
                       "SELECT round_json(rr) FROM report_rounds rr WHERE rr.org_path <@ $1::ltree"
                       " AND ($2::int = 0 OR rr.year = $2::int)"
                       " ORDER BY rr.year DESC, rr.org_path",
                       2, params, &rounds, err) != CG_OK)
        return err->code;
    out->n_rounds = rounds->n;
    out->rounds = INTEGRITY_ITEMS(Cleangrid__V1__ReportRound, rounds);
    return CG_OK;
}

cg_code integrity_list_round_cadres(cg_rpc_req *r, const void *request, PGconn *conn, void *reply,
                                    cg_err *err)
{
    static const char *const states[] = {"submitted", "late",        "overdue",
                                         "draft",     "not_started", NULL};
    const Cleangrid__V1__ListRoundCadresRequest *req = request;
    Cleangrid__V1__ListRoundCadresReply *out = reply;
    integrity_call *c = r->state;
    cg_db_json_list *cadres = NULL;
    Cleangrid__V1__ReportRound *round = NULL;

    cg_check_uuid(err, "round_id", req->round_id);
    cg_check_one_of(err, "state", req->state, states, true);
    if (err->code != CG_OK)
        return err->code;
    const char *params[] = {c->actor.scope, req->round_id, req->state};
    if (read_round(r, conn,
                   "SELECT round_json(rr) FROM report_rounds rr WHERE rr.id = $2::uuid"
                   " AND rr.org_path <@ $1::ltree",
                   2, params, &round, err) != CG_OK)
        return err->code;
    if (round == NULL)
        return cg_err_set(err, CG_NOT_FOUND, "round not found");
    if (integrity_read(
            r, conn, &cleangrid__v1__round_cadre__descriptor,
            "SELECT jsonb_build_object('cadre_id', c.id, 'person_id', c.person_id,"
            " 'name', c.name, 'org_path', c.org_path::text, 'state', s.state)"
            " FROM report_rounds rr, round_states(rr) s JOIN cadres c ON c.id = s.cadre_id"
            " WHERE rr.id = $2::uuid AND c.org_path <@ $1::ltree"
            " AND ($3 = '' OR s.state = $3)"
            " ORDER BY c.org_path, c.name, c.id LIMIT 5000",
            3, params, &cadres, err) != CG_OK)
        return err->code;
    out->n_cadres = cadres->n;
    out->cadres = INTEGRITY_ITEMS(Cleangrid__V1__RoundCadre, cadres);
    return CG_OK;
}

/* The caller's own file: its id into cadre_id; NOT_FOUND when the account
 * has none. */
static cg_code own_cadre(cg_rpc_req *r, PGconn *conn, bool lock, char cadre_id[CG_UUID_LEN],
                         cg_err *err)
{
    const integrity_call *c = r->state;
    PGresult *res = NULL;
    const char *person = c->actor.person_id;
    if (person[0] == '\0')
        return cg_err_set(err, CG_NOT_FOUND,
                          "your account is linked to no person, so it has no integrity file");
    cg_code rc = cg_db_exec(conn,
                            lock ? "SELECT id::text FROM cadres WHERE person_id = $1 FOR UPDATE"
                                 : "SELECT id::text FROM cadres WHERE person_id = $1",
                            1, &person, &res, err);
    if (rc == CG_OK && PQntuples(res) == 0)
        rc = cg_err_set(err, CG_NOT_FOUND, "you have no integrity file yet: the office opens it");
    if (rc == CG_OK)
        cg_strlcpy(cadre_id, cg_db_get(res, 0, 0), CG_UUID_LEN);
    PQclear(res);
    return rc;
}

static bool check_year(cg_err *err, int32_t year)
{
    return cg_check_int(err, "year", year, 2000, 2100);
}

/* The reply of the caller's own report of year: the draft, else the latest
 * submitted version, else a new one holding the last submitted answers of
 * an earlier year; the round and the reminders it sent. */
static cg_code own_report_reply(cg_rpc_req *r, PGconn *conn, const char *cadre_id, int32_t year,
                                Cleangrid__V1__OwnReportReply *out, cg_err *err)
{
    cg_db_json_list *report = NULL, *reminders = NULL;
    char y[16];
    snprintf(y, sizeof y, "%d", (int)year);
    const char *params[] = {cadre_id, y};
    if (integrity_read(
            r, conn, &cleangrid__v1__personal_report__descriptor,
            "SELECT * FROM (SELECT report_json(r) FROM reports r WHERE r.cadre_id = $1::uuid"
            " AND r.year = $2::int ORDER BY (r.state = 'draft') DESC, r.version DESC LIMIT 1) mine"
            " UNION ALL SELECT * FROM (SELECT jsonb_build_object('cadre_id', $1::text, 'year',"
            " $2::int, 'version', 1, 'state', 'new', 'items', r.answers, 'prefilled_from_year',"
            " r.year) FROM reports r WHERE r.cadre_id = $1::uuid AND r.year < $2::int"
            " AND r.state = 'submitted' AND NOT EXISTS (SELECT 1 FROM reports x"
            " WHERE x.cadre_id = $1::uuid AND x.year = $2::int)"
            " ORDER BY r.year DESC, r.version DESC LIMIT 1) earlier"
            " UNION ALL SELECT jsonb_build_object('cadre_id', $1::text, 'year', $2::int,"
            " 'version', 1, 'state', 'new') WHERE NOT EXISTS (SELECT 1 FROM reports x"
            " WHERE x.cadre_id = $1::uuid AND x.year <= $2::int AND (x.year = $2::int"
            " OR x.state = 'submitted'))",
            2, params, &report, err) != CG_OK ||
        read_round(r, conn, "SELECT round_json(rr) FROM (" SQL_ROUND_OF ") rr", 2, params,
                   &out->round, err) != CG_OK ||
        integrity_read(r, conn, &cleangrid__v1__file_record__descriptor,
                       "SELECT record_json(x, c.id) FROM cadres c JOIN records x"
                       " ON x.person_id = c.person_id WHERE c.id = $1::uuid"
                       " AND x.section = 'reminder' AND NOT x.internal"
                       " ORDER BY x.recorded_at DESC, x.id LIMIT 20",
                       1, params, &reminders, err) != CG_OK)
        return err->code;
    if (report->n == 0)
        return cg_err_set(err, CG_INTERNAL, "no report of %d was made up", (int)year);
    out->report = (Cleangrid__V1__PersonalReport *)report->msgs[0];
    out->n_reminders = reminders->n;
    out->reminders = INTEGRITY_ITEMS(Cleangrid__V1__FileRecord, reminders);
    return CG_OK;
}

cg_code integrity_get_own_report(cg_rpc_req *r, const void *request, PGconn *conn, void *reply,
                                 cg_err *err)
{
    const Cleangrid__V1__GetOwnReportRequest *req = request;
    char cadre_id[CG_UUID_LEN];
    if (!check_year(err, req->year) || own_cadre(r, conn, false, cadre_id, err) != CG_OK)
        return err->code;
    return own_report_reply(r, conn, cadre_id, req->year, reply, err);
}

/* The relation names, for the form's relation fields: a NULL-terminated
 * array into names (room for size), borrowing from *res (the caller
 * clears it). */
static cg_code relation_names(PGconn *conn, PGresult **res, const char **names, size_t size,
                              cg_err *err)
{
    if (cg_db_exec(conn, "SELECT name FROM relations ORDER BY name", 0, NULL, res, err) != CG_OK)
        return err->code;
    size_t n = 0;
    for (int i = 0; i < PQntuples(*res) && n + 1 < size; i++)
        names[n++] = cg_db_get(*res, i, 0);
    names[n] = NULL;
    return CG_OK;
}

cg_code integrity_read_entry_rules(cg_rpc_req *r, PGconn *conn, Cleangrid__V1__ReportForm **form,
                                   PGresult **res, const char **relations, size_t size, cg_err *err)
{
    if (integrity_read_form(r, conn, form, err) != CG_OK)
        return err->code;
    return relation_names(conn, res, relations, size, err);
}

cg_code integrity_check_items(cg_rpc_req *r, PGconn *conn,
                              Cleangrid__V1__ReportItemAnswer *const *items, size_t n,
                              bool complete, cg_err *err)
{
    Cleangrid__V1__ReportForm *form = NULL;
    PGresult *res = NULL;
    const char *relations[INTEGRITY_RELATIONS_MAX];
    cg_code rc = integrity_read_entry_rules(r, conn, &form, &res, relations,
                                            sizeof relations / sizeof relations[0], err);
    if (rc == CG_OK && !integrity_check_answers(err, form, relations, items, n, complete))
        rc = err->code;
    PQclear(res);
    return rc;
}

cg_code integrity_save_own_report(cg_rpc_req *r, const void *request, PGconn *conn, void *reply,
                                  cg_err *err)
{
    const Cleangrid__V1__SaveOwnReportRequest *req = request;
    const integrity_app *app = r->arg;
    char cadre_id[CG_UUID_LEN], year[16];
    cJSON *tree = NULL;
    char *answers = NULL;
    cg_code rc;

    if (!check_year(err, req->year) ||
        integrity_check_items(r, conn, req->items, req->n_items, false, err) != CG_OK ||
        own_cadre(r, conn, true, cadre_id, err) != CG_OK)
        return err->code;
    Cleangrid__V1__ReportAnswers wrap = CLEANGRID__V1__REPORT_ANSWERS__INIT;
    wrap.n_items = req->n_items;
    wrap.items = req->items;
    rc = cg_pbjson_encode(app->codec, &wrap.base, &tree, err);
    if (rc != CG_OK)
        goto cleanup;
    const cJSON *items = cJSON_GetObjectItem(tree, "items");
    answers = items != NULL ? cJSON_PrintUnformatted(items) : strdup("[]");
    if (answers == NULL) {
        rc = cg_err_set(err, CG_UNAVAILABLE, "out of memory");
        goto cleanup;
    }
    snprintf(year, sizeof year, "%d", (int)req->year);
    /* The draft changes in place; a new one follows the latest submitted
     * version as its correction, or starts the year at version 1. */
    const char *params[] = {cadre_id, year, answers};
    rc = cg_db_exec(
        conn,
        "WITH d AS (UPDATE reports SET answers = $3::jsonb, updated_at = clock_timestamp()"
        " WHERE cadre_id = $1::uuid AND year = $2::int AND state = 'draft' RETURNING id),"
        " s AS (SELECT id, version FROM reports WHERE cadre_id = $1::uuid AND year = $2::int"
        " AND state = 'submitted' ORDER BY version DESC LIMIT 1)"
        " INSERT INTO reports (cadre_id, year, version, answers, corrects, prefilled_from)"
        " SELECT $1::uuid, $2::int, coalesce((SELECT version FROM s), 0) + 1, $3::jsonb,"
        " (SELECT id FROM s), (SELECT max(year) FROM reports WHERE cadre_id = $1::uuid"
        " AND year < $2::int AND state = 'submitted') WHERE NOT EXISTS (SELECT 1 FROM d)",
        3, params, NULL, err);
    if (rc == CG_OK)
        rc = own_report_reply(r, conn, cadre_id, req->year, reply, err);

cleanup:
    cJSON_Delete(tree);
    free(answers);
    return rc;
}

cg_code integrity_submit_own_report(cg_rpc_req *r, const void *request, PGconn *conn, void *reply,
                                    cg_err *err)
{
    const Cleangrid__V1__SubmitOwnReportRequest *req = request;
    Cleangrid__V1__OwnReportReply *out = reply;
    const integrity_call *c = r->state;
    PGresult *res = NULL;
    char cadre_id[CG_UUID_LEN], year[16], summary[160];

    if (!check_year(err, req->year) ||
        !cg_check_text(err, "correction_reason", req->correction_reason, 0, CG_TEXT_MAX,
                       CG_TEXT_MULTILINE) ||
        own_cadre(r, conn, true, cadre_id, err) != CG_OK ||
        own_report_reply(r, conn, cadre_id, req->year, out, err) != CG_OK)
        return err->code;
    const Cleangrid__V1__PersonalReport *draft = out->report;
    if (strcmp(draft->state, "submitted") == 0)
        return cg_err_set(err, CG_FAILED_PRECONDITION,
                          "the report of %d is submitted and never changes: save a correction "
                          "first, then submit it with its reason",
                          (int)req->year);
    if (strcmp(draft->state, "draft") != 0)
        return cg_err_set(err, CG_FAILED_PRECONDITION,
                          "there is no saved report of %d to submit: save it first",
                          (int)req->year);
    if (draft->version > 1 && req->correction_reason[0] == '\0') {
        cg_err_add_violation(err, "correction_reason", "is required for a correction");
        return err->code;
    }
    if (integrity_check_items(r, conn, draft->items, draft->n_items, true, err) != CG_OK)
        return err->code;
    snprintf(year, sizeof year, "%d", (int)req->year);
    /* Late: the first version submitted after its round's due day. */
    const char *params[] = {cadre_id, year, draft->id, c->actor.user_id, req->correction_reason};
    cg_code rc = cg_db_exec(
        conn,
        "UPDATE reports r SET state = 'submitted', submitted_at = date_trunc('milliseconds',"
        " clock_timestamp()), submitted_by = $4, correction_reason = $5, updated_at ="
        " clock_timestamp(), late = r.version = 1 AND coalesce((SELECT integrity_today() >"
        " rr.due_on FROM (" SQL_ROUND_OF ") rr), false)"
        " WHERE r.id = $3::uuid AND r.state = 'draft' RETURNING r.version, r.late",
        5, params, &res, err);
    if (rc == CG_OK && PQntuples(res) == 0)
        rc = cg_err_set(err, CG_FAILED_PRECONDITION, "the draft changed while it was submitted");
    if (rc == CG_OK) {
        long long version = cg_db_get_ll(res, 0, 0);
        snprintf(summary, sizeof summary,
                 "{\"year\": %d, \"version\": %lld, \"late\": %s, \"report_id\": \"%s\"}",
                 (int)req->year, version, strcmp(cg_db_get(res, 0, 1), "t") == 0 ? "true" : "false",
                 draft->id);
        rc = integrity_record_step(r, conn, cadre_id,
                                   version > 1 ? "report.corrected" : "report.submitted",
                                   "report_submitted", "", draft->id, summary, err);
    }
    PQclear(res);
    if (rc != CG_OK)
        return rc;
    /* The reply's messages are the call's; read the report as it is now. */
    Cleangrid__V1__OwnReportReply fresh = CLEANGRID__V1__OWN_REPORT_REPLY__INIT;
    rc = own_report_reply(r, conn, cadre_id, req->year, &fresh, err);
    out->report = fresh.report;
    out->round = fresh.round;
    out->n_reminders = fresh.n_reminders;
    out->reminders = fresh.reminders;
    return rc;
}

cg_code integrity_list_cadre_reports(cg_rpc_req *r, const void *request, PGconn *conn, void *reply,
                                     cg_err *err)
{
    const Cleangrid__V1__ListCadreReportsRequest *req = request;
    Cleangrid__V1__ListCadreReportsReply *out = reply;
    integrity_call *c = r->state;
    cg_db_json_list *reports = NULL, *cadre = NULL;
    if (!cg_check_uuid(err, "cadre_id", req->cadre_id))
        return err->code;
    const char *params[] = {c->actor.scope, req->cadre_id, c->actor.person_id};
    if (integrity_read(r, conn, &cleangrid__v1__cadre__descriptor,
                       "SELECT cadre_json(c, false) FROM cadres c WHERE c.id = $2::uuid"
                       " AND c.org_path <@ $1::ltree AND c.person_id <> $3",
                       3, params, &cadre, err) != CG_OK)
        return err->code;
    if (cadre->n == 0)
        return cg_err_set(err, CG_NOT_FOUND, "file not found");
    /* Drafts are the cadre's own until submitted. */
    if (integrity_read(r, conn, &cleangrid__v1__personal_report__descriptor,
                       "SELECT report_json(r) FROM reports r WHERE r.cadre_id = $1::uuid"
                       " AND r.state = 'submitted' ORDER BY r.year DESC, r.version DESC",
                       1, params + 1, &reports, err) != CG_OK)
        return err->code;
    out->n_reports = reports->n;
    out->reports = INTEGRITY_ITEMS(Cleangrid__V1__PersonalReport, reports);
    return CG_OK;
}
