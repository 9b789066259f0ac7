/* cg.rpc.case.CreateClue and ClueAction: registering clues from every
 * source, and every step of a clue's life after that. Each change and its
 * dossier entry commit in one transaction; the allowed steps come from the
 * one transition table (lifecycle.c). */
#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "clue_write.h"

#include "case.h"
#include "cg/context.h"
#include "cg/log.h"
#include "cg/messaging.h"
#include "cg/validate.h"
#include "clue_repo.h"
#include "lifecycle.h"
#include "note.h"
#include "relatives.h"
#include "cg/rpc_actor.h"

/* A required text of several lines: a summary, a reason. */
#define CASE_FREE_TEXT (CG_TEXT_REQUIRED | CG_TEXT_MULTILINE)
/* A subject's person id is an id of the people directory, not free text. */
#define CASE_PERSON_ID_MAX 64
/* A received date may be at most this far ahead (time zones, clock skew). */
#define RECEIVED_AHEAD_MS (24LL * 3600 * 1000)

/* The stage and its deadline: $3 days from now, none when 0. */
static const char SQL_SET_STATUS[] =
    "UPDATE clues SET status = $2, deadline_at = CASE WHEN $3::integer > 0"
    " THEN clock_timestamp() + $3::integer * interval '1 day' END WHERE id = $1::uuid";
/* The stage alone: a proposal and its rejection leave the deadline running. */
static const char SQL_SET_STAGE_ONLY[] = "UPDATE clues SET status = $2 WHERE id = $1::uuid";
static const char SQL_SET_HANDLER[] = "UPDATE clues SET handler_id = $2 WHERE id = $1::uuid";
static const char SQL_PROPOSE[] =
    "INSERT INTO clue_disposals (clue_id, way, reason, conclusion, from_status, proposed_by,"
    " proposed_by_person) VALUES ($1::uuid, $2, $3, $4, $5, $6, $7) RETURNING id::text";
static const char SQL_DECIDE[] =
    "UPDATE clue_disposals SET state = $2, decided_by = $3, decided_at = clock_timestamp(),"
    " decision_reason = $4 WHERE id = $1::uuid AND state = 'pending'";
static const char SQL_RECUSE[] =
    "INSERT INTO clue_recusals (clue_id, user_id, person_id, reason) VALUES ($1::uuid, $2, $3, $4)"
    " ON CONFLICT (clue_id, user_id) DO NOTHING";
static const char SQL_LINK[] =
    "INSERT INTO clue_links (clue_id, other_id) VALUES ($1::uuid, $2::uuid), ($2::uuid, $1::uuid)"
    " ON CONFLICT DO NOTHING";
/* Filing (立案) on the clue's approved propose_filing proposal. */
static const char SQL_FILE[] =
    "INSERT INTO cases (clue_id, filing_disposal_id, filed_by)"
    " SELECT $1::uuid, d.id, $2 FROM clue_disposals d"
    " WHERE d.clue_id = $1::uuid AND d.state = 'approved' AND d.way = 'propose_filing'"
    " ORDER BY d.decided_at DESC LIMIT 1"
    " RETURNING id::text, filing_disposal_id::text, number";
/* Correct the register: each of $2 subjects, $4 categories, $6 summary,
 * $8 received date and $11 source link says whether that field changes.
 * A clue still in registered has a deadline counted from its receipt
 * ($10 days), so a corrected received date moves it. A public report's
 * arrival time is not the office's to correct: no row then. The summary
 * of a clue the office registered is also its content; a report's
 * content stays the reporter's words. */
static const char SQL_EDIT[] =
    "UPDATE clues SET"
    " subjects = CASE WHEN $2::boolean THEN $3::jsonb ELSE subjects END,"
    " accused_person = CASE WHEN $2::boolean AND source <> '" CASE_SOURCE_PUBLIC_REPORT "'"
    "  THEN coalesce($3::jsonb -> 0 ->> 'name', '') ELSE accused_person END,"
    " categories = CASE WHEN $4::boolean THEN ARRAY(SELECT jsonb_array_elements_text($5::jsonb))"
    "  ELSE categories END,"
    " category = CASE WHEN $4::boolean THEN $5::jsonb ->> 0 ELSE category END,"
    " summary = CASE WHEN $6::boolean THEN $7::text ELSE summary END,"
    " content = CASE WHEN $6::boolean AND source <> '" CASE_SOURCE_PUBLIC_REPORT "'"
    "  THEN $7::text ELSE content END,"
    " received_at = CASE WHEN $8::boolean"
    "  THEN 'epoch'::timestamptz + $9::bigint * interval '1 millisecond' ELSE received_at END,"
    " deadline_at = CASE WHEN $8::boolean AND status = '" CASE_STAGE_REGISTERED "'"
    "  THEN 'epoch'::timestamptz + $9::bigint * interval '1 millisecond'"
    "  + $10::integer * interval '1 day' ELSE deadline_at END,"
    " source_link = CASE WHEN $11::boolean THEN $12::text ELSE source_link END"
    " WHERE id = $1::uuid AND NOT ($8::boolean AND source = '" CASE_SOURCE_PUBLIC_REPORT "')"
    " RETURNING 1";
static const char SQL_MERGE[] =
    "UPDATE clues SET status = '" CASE_STAGE_MERGED "', merged_into = $2::uuid, deadline_at = NULL"
    " WHERE id = $1::uuid";

static bool given(const char *s)
{
    return s != NULL && s[0] != '\0';
}

/* --- CreateClue ------------------------------------------------------------ */

/* The categories: 1 to CASE_CATEGORIES_MAX known names, each once, added
 * to the JSON array out. */
static void check_categories(char **categories, size_t n, cJSON *out, cg_err *err)
{
    if (n == 0 || n > CASE_CATEGORIES_MAX) {
        cg_err_add_violation(err, "categories", "must hold 1 to %d categories",
                             CASE_CATEGORIES_MAX);
    }
    for (size_t i = 0; i < n; i++) {
        bool twice = false;
        for (size_t j = 0; j < i; j++) {
            twice = twice || strcmp(categories[i], categories[j]) == 0;
        }
        if (!case_category_valid(categories[i]) || twice) {
            cg_err_add_violation(err, "categories",
                                 "each must be one of political, organizational, integrity, "
                                 "mass, work, life, duty_crime, once");
            return;
        }
        cJSON_AddItemToArray(out, cJSON_CreateString(categories[i]));
    }
}

/* One field of the subject at index i, named as the API names it
 * ("subjects[0].name"), so the client shows it beside the right input. */
static void subject_field(cg_err *err, size_t i, const char *key, const char *value, size_t max,
                          unsigned flags)
{
    char field[48];
    snprintf(field, sizeof field, "subjects[%zu].%s", i, key);
    cg_check_text(err, field, value, 0, max, flags);
}

/* The subjects: 1 to CASE_SUBJECTS_MAX, each with a name, added to the
 * JSON array out. *about_self is set when one of them is the actor. */
static void check_subjects(Cleangrid__V1__ClueSubject **subjects, size_t n, const cg_actor *actor,
                           cJSON *out, bool *about_self, cg_err *err)
{
    if (n == 0 || n > CASE_SUBJECTS_MAX) {
        cg_err_add_violation(err, "subjects", "must hold 1 to %d subjects", CASE_SUBJECTS_MAX);
    }
    for (size_t i = 0; i < n && i < CASE_SUBJECTS_MAX; i++) {
        const Cleangrid__V1__ClueSubject *s = subjects[i];
        subject_field(err, i, "name", s->name, CG_CLUE_SUBJECT_NAME_MAX, CG_TEXT_REQUIRED);
        subject_field(err, i, "person_id", s->person_id, CASE_PERSON_ID_MAX, 0);
        subject_field(err, i, "position", s->position, CG_CLUE_FIELD_MAX, 0);
        subject_field(err, i, "org_unit", s->org_unit, CG_CLUE_FIELD_MAX, 0);
        /* Stored and compared in the one canonical form (cg/person.h). */
        char person[CG_PERSON_ID_SIZE] = "";
        cg_person_id_canon(s->person_id, person, sizeof person);
        *about_self = *about_self || (given(actor->person_id) && given(person) &&
                                      strcmp(actor->person_id, person) == 0);
        cJSON *o = cJSON_CreateObject();
        cJSON_AddStringToObject(o, "name", s->name);
        cJSON_AddStringToObject(o, "person_id", person);
        cJSON_AddStringToObject(o, "position", s->position);
        cJSON_AddStringToObject(o, "org_unit", s->org_unit);
        cJSON_AddItemToArray(out, o);
    }
}

static void check_received(int64_t received_at_ms, cg_err *err)
{
    if (received_at_ms <= 0 || received_at_ms > cg_now_ms() + RECEIVED_AHEAD_MS) {
        cg_err_add_violation(err, "received_date", "must be a date, not in the future");
    }
}

/* Print the checked arrays into *subjects_json and *categories_json
 * (owned by the caller, free()) once nothing is wrong. */
static cg_code print_arrays(const cJSON *subjects, const cJSON *categories, char **subjects_json,
                            char **categories_json, cg_err *err)
{
    if (err->code == CG_OK) {
        *subjects_json = cJSON_PrintUnformatted(subjects);
        *categories_json = cJSON_PrintUnformatted(categories);
        if (*subjects_json == NULL || *categories_json == NULL) {
            cg_err_set(err, CG_UNAVAILABLE, "out of memory");
        }
    }
    return err->code;
}

/* Check the request and build the subjects and categories as JSON texts
 * (owned by the caller, free()). All violations at once. */
static cg_code check_new_clue(const Cleangrid__V1__CreateClueRequest *req, const cg_actor *actor,
                              char **subjects_json, char **categories_json, cg_err *err)
{
    cJSON *subjects = cJSON_CreateArray(), *categories = cJSON_CreateArray();
    bool about_self = false;

    /* Three sources are the services' own: a public report, a
     * rectification task past its last deadline and an escalated risk
     * alert each become a clue through their event, exactly once. A clue
     * registered by hand under one of them would take that place: the
     * event's clue would then find its reference taken, and the alert or
     * task would point at a clue its own unit may not even see. */
    if (!case_source_valid(req->source) || strcmp(req->source, CASE_SOURCE_PUBLIC_REPORT) == 0 ||
        strcmp(req->source, CASE_SOURCE_RECTIFICATION) == 0 ||
        strcmp(req->source, CASE_SOURCE_RISK_ALERT) == 0) {
        cg_err_add_violation(err, "source",
                             "must be one of letters_visits, inspection_tour, audit_transfer, "
                             "superior_referral, own_work (a risk alert becomes a clue when "
                             "escalated on its page)");
    }
    cg_check_text(err, "source_ref", req->source_ref, 0, CG_CLUE_FIELD_MAX, 0);
    cg_check_text(err, "source_link", req->source_link, 0, CG_CLUE_SOURCE_LINK_MAX, 0);
    cg_check_text(err, "summary", req->summary, 0, CG_TEXT_MAX, CASE_FREE_TEXT);
    check_categories(req->categories, req->n_categories, categories, err);
    check_subjects(req->subjects, req->n_subjects, actor, subjects, &about_self, err);
    check_received(req->received_at_ms, err);
    if (!cg_ltree_path_valid(req->org_path) || !cg_path_within(req->org_path, actor->scope)) {
        cg_err_add_violation(err, "unit_code", "must name a unit inside your scope");
    }
    if (err->code == CG_OK && about_self) {
        cg_err_set(err, CG_PERMISSION_DENIED,
                   "you are a subject of this clue and cannot register it (回避)");
    }
    print_arrays(subjects, categories, subjects_json, categories_json, err);
    cJSON_Delete(subjects);
    cJSON_Delete(categories);
    return err->code;
}

/* A CreateClue call: the actor and the checked request, then the clue the
 * reply points into. */
typedef struct create_state {
    cg_actor actor;
    char *subjects_json, *categories_json; /* owned */
    case_clue_row clue;
} create_state;

static void create_cleanup(void *state, void *request)
{
    (void)request;
    create_state *s = state;
    free(s->subjects_json);
    free(s->categories_json);
    case_clue_row_free(&s->clue);
}

cg_code case_create_clue_check(cg_rpc_req *r, const void *request, cg_err *err)
{
    create_state *s = cg_rpc_actor_state(r, sizeof *s, create_cleanup, NULL, err);
    if (s == NULL) {
        return err->code;
    }
    return check_new_clue(request, &s->actor, &s->subjects_json, &s->categories_json, err);
}

cg_code case_create_clue(cg_rpc_req *r, const void *request, PGconn *conn, void *reply, cg_err *err)
{
    const Cleangrid__V1__CreateClueRequest *req = request;
    Cleangrid__V1__CreateClueReply *out = reply;
    const cg_service_base *base = r->arg;
    create_state *s = r->state;
    PGresult *res = NULL;
    char ref[CG_UUID_LEN];

    /* An inspector or lead who registers a clue handles it until a lead
     * assigns someone else; an intake officer's clue waits for a handler.
     * The registrant is named its handler only when no relation to a
     * subject is declared; checked here rather than before the
     * transaction, so a retry with the same Idempotency-Key still gets the
     * first answer. */
    bool handles = cg_ctx_has_any_role(req->ctx, CASE_ROLES_DISPOSE);
    case_relatives kin = {.r = r};
    if (handles && case_relatives_check(&kin, s->subjects_json, s->actor.person_id, CASE_AS_HANDLER,
                                        true, "clue", err) != CG_OK) {
        return err->code;
    }
    case_new_clue c = {
        .source = req->source,
        .source_ref = req->source_ref,
        .source_link = req->source_link,
        .category = req->categories[0],
        .summary = req->summary,
        .org_path = req->org_path,
        .subjects_json = s->subjects_json,
        .categories_json = s->categories_json,
        .received_at_ms = req->received_at_ms,
        .handler_id = handles ? s->actor.user_id : "",
    };
    if (!given(c.source_ref)) {
        cg_uuid_v4(ref);
        c.source_ref = ref;
    }
    if (case_repo_insert(conn, &c, &res, err) != CG_OK) {
        if (err->code == CG_ALREADY_EXISTS) {
            cg_err_set(err, CG_ALREADY_EXISTS, "a clue from this source_ref is registered");
        }
        return err->code;
    }
    const Cleangrid__V1__Clue *clue = &s->clue.view.clue;
    if (case_clue_row_read(&s->clue, res, err) != CG_OK ||
        case_event_clue_created(conn, base->name, clue, r->request_id, err) != CG_OK ||
        case_note(conn, clue->id, &s->actor, "clue.created",
                  case_summary("source", c.source, "source_ref", c.source_ref, "org_path",
                               c.org_path, "handler_id", c.handler_id, "number", clue->number,
                               NULL),
                  err) != CG_OK) {
        return err->code;
    }
    cg_log_fields(CG_LOG_INFO, "clue registered", "clue_id", clue->id, "source", c.source, NULL);
    out->clue = &s->clue.view.clue;
    return CG_OK;
}

/* --- ClueAction ------------------------------------------------------------ */

/* Everything an action's step needs. Strings are borrowed. */
typedef struct action_ctx {
    PGconn *conn;
    const char *producer; /* the service's name, for events */
    const cg_actor *actor;
    const Cleangrid__V1__ClueActionRequest *req;
    const case_locked *clue;
    const case_transition *t;
    case_relatives *kin; /* the step's questions on relatives */
} action_ctx;

cg_code case_clue_action_roles(const void *request, const char *const **roles, const char **doing,
                               cg_err *err)
{
    const char *action = ((const Cleangrid__V1__ClueActionRequest *)request)->action;
    *doing = action;
    if (strcmp(action, CASE_ACTION_APPROVE) == 0 || strcmp(action, CASE_ACTION_REJECT) == 0 ||
        strcmp(action, CASE_ACTION_ASSIGN) == 0 || strcmp(action, CASE_ACTION_FILE) == 0 ||
        strcmp(action, CASE_ACTION_CONFIRM_SUBJECT) == 0 ||
        strcmp(action, CASE_ACTION_CLEAR_SUBJECT) == 0) {
        *roles = CASE_ROLES_APPROVE;
        return CG_OK;
    }
    if (strcmp(action, CASE_ACTION_PROPOSE) == 0 || strcmp(action, CASE_ACTION_RECUSE) == 0 ||
        strcmp(action, CASE_ACTION_EDIT) == 0 || strcmp(action, CASE_ACTION_LINK) == 0 ||
        strcmp(action, CASE_ACTION_MERGE) == 0 || strcmp(action, CASE_ACTION_REOPEN) == 0) {
        *roles = CASE_ROLES_DISPOSE;
        return CG_OK;
    }
    cg_err_add_violation(err, "action", "is not a clue action");
    return err->code;
}

/* Announce that the locked clue, or who it is about, changed without a
 * disposal: change "corrected" with its subjects now (subjects_json),
 * "merged" into other_id, or "filed" as the case other_id. In the
 * transaction that makes it so. */
static cg_code add_clue_changed(const action_ctx *a, const char *change, const char *stage,
                                const char *subjects_json, const char *other_id, cg_err *err)
{
    char event_id[CG_UUID_LEN];
    case_clue_view subjects;
    Cleangrid__V1__EventMeta meta = CLEANGRID__V1__EVENT_META__INIT;
    Cleangrid__V1__ClueChanged ev = CLEANGRID__V1__CLUE_CHANGED__INIT;

    cleangrid__v1__clue__init(&subjects.clue);
    cg_code rc = case_clue_view_parse(&subjects, subjects_json, "[]", "[]", "", err);
    if (rc == CG_OK) {
        cg_event_meta_init(&meta, event_id, CASE_SUBJECT_CLUE_CHANGED, a->producer,
                           a->req->ctx->request_id);
        ev.meta = &meta;
        /* Borrowed strings: packed into the outbox row, never freed here. */
        ev.clue_id = a->req->clue_id;
        ev.change = (char *)change;
        ev.stage = (char *)stage;
        ev.org_path = (char *)a->clue->org_path;
        ev.subjects = subjects.clue.subjects;
        ev.n_subjects = subjects.clue.n_subjects;
        bool filed = strcmp(change, "filed") == 0;
        ev.merged_into = other_id != NULL && !filed ? (char *)other_id : "";
        ev.case_id = other_id != NULL && filed ? (char *)other_id : "";
        rc = cg_outbox_add(a->conn, &ev.base, err);
    }
    case_clue_view_free(&subjects);
    return rc;
}

/* --- edit: correcting the register ------------------------------------------ */

static const char *const EDIT_FIELDS[] = {"subjects", "categories", "summary", "received_date",
                                          "source_link"};
enum {
    EDIT_SUBJECTS,
    EDIT_CATEGORIES,
    EDIT_SUMMARY,
    EDIT_RECEIVED,
    EDIT_SOURCE_LINK,
    EDIT_NFIELDS
};

/* Which register fields an edit names (changes[i] for EDIT_FIELDS[i]):
 * at least one, each known. */
static void edit_fields(const Cleangrid__V1__ClueActionRequest *req, bool changes[EDIT_NFIELDS],
                        cg_err *err)
{
    memset(changes, 0, EDIT_NFIELDS * sizeof changes[0]);
    if (req->edit == NULL || req->n_edit_fields == 0) {
        cg_err_add_violation(err, "body",
                             "must change at least one of subjects, categories, summary, "
                             "received_date, source_link");
        return;
    }
    for (size_t i = 0; i < req->n_edit_fields; i++) {
        bool known = false;
        for (int f = 0; f < EDIT_NFIELDS; f++) {
            if (strcmp(req->edit_fields[i], EDIT_FIELDS[f]) == 0) {
                changes[f] = known = true;
            }
        }
        if (!known) {
            cg_err_add_violation(err, "body", "%s is not a field a clue's register can change",
                                 req->edit_fields[i]);
        }
    }
}

/* Correct the register of the locked clue: its handler or an inspection
 * lead, with the fields checked as at registration. The dossier entry
 * names the fields and holds their new values; the entries before it
 * hold the old ones. */
static cg_code do_edit(const action_ctx *a, cg_err *err)
{
    const Cleangrid__V1__ClueActionRequest *req = a->req;
    const Cleangrid__V1__CreateClueRequest *e = req->edit;
    cJSON *subjects = cJSON_CreateArray(), *categories = cJSON_CreateArray();
    char *subjects_json = NULL, *categories_json = NULL, names[96] = "";
    bool changes[EDIT_NFIELDS], about_self = false;
    PGresult *res = NULL;
    cg_code rc;

    if (strcmp(a->clue->handler_id, a->actor->user_id) != 0 &&
        !cg_ctx_has_any_role(req->ctx, CASE_ROLES_APPROVE)) {
        rc = cg_err_set(err, CG_PERMISSION_DENIED,
                        "only the clue's handler or an inspection lead may correct its register");
        goto cleanup;
    }
    edit_fields(req, changes, err);
    if (changes[EDIT_SUBJECTS]) {
        check_subjects(e->subjects, e->n_subjects, a->actor, subjects, &about_self, err);
    }
    if (changes[EDIT_CATEGORIES]) {
        check_categories(e->categories, e->n_categories, categories, err);
    }
    if (changes[EDIT_SUMMARY]) {
        cg_check_text(err, "summary", e->summary, 0, CG_TEXT_MAX, CASE_FREE_TEXT);
    }
    if (changes[EDIT_RECEIVED]) {
        check_received(e->received_at_ms, err);
    }
    if (changes[EDIT_SOURCE_LINK]) {
        cg_check_text(err, "source_link", e->source_link, 0, CG_CLUE_SOURCE_LINK_MAX, 0);
    }
    if (err->code == CG_OK && about_self) {
        cg_err_set(err, CG_PERMISSION_DENIED,
                   "you would be a subject of this clue: a subject cannot handle it (回避)");
    }
    rc = print_arrays(subjects, categories, &subjects_json, &categories_json, err);
    if (rc != CG_OK) {
        goto cleanup;
    }
    char received[24], days[16];
    snprintf(received, sizeof received, "%lld", (long long)e->received_at_ms);
    snprintf(days, sizeof days, "%ld", case_stage_deadline_days(CASE_STAGE_REGISTERED));
    const char *params[] = {req->clue_id,
                            changes[EDIT_SUBJECTS] ? "true" : "false",
                            subjects_json,
                            changes[EDIT_CATEGORIES] ? "true" : "false",
                            categories_json,
                            changes[EDIT_SUMMARY] ? "true" : "false",
                            e->summary,
                            changes[EDIT_RECEIVED] ? "true" : "false",
                            received,
                            days,
                            changes[EDIT_SOURCE_LINK] ? "true" : "false",
                            e->source_link};
    rc = cg_db_exec(a->conn, SQL_EDIT, 12, params, &res, err);
    if (rc != CG_OK) {
        goto cleanup;
    }
    if (PQntuples(res) == 0) {
        rc = cg_err_set(err, CG_FAILED_PRECONDITION,
                        "the received date of a public report is when it arrived and cannot be "
                        "changed");
        goto cleanup;
    }
    /* A subject now named without a person id is held back like one
     * registered so. */
    if (changes[EDIT_SUBJECTS] &&
        ((rc = case_repo_hold_names(a->conn, req->clue_id, subjects_json, err)) != CG_OK ||
         (rc = add_clue_changed(a, "corrected", a->clue->status, subjects_json, NULL, err)) !=
             CG_OK)) {
        goto cleanup;
    }
    for (int f = 0; f < EDIT_NFIELDS; f++) {
        if (changes[f]) {
            size_t used = strlen(names);
            snprintf(names + used, sizeof names - used, "%s%s", used ? "," : "", EDIT_FIELDS[f]);
        }
    }
    rc = case_note(a->conn, req->clue_id, a->actor, "clue.changed",
                   case_summary("fields", names, "subjects",
                                changes[EDIT_SUBJECTS] ? subjects_json : NULL, "categories",
                                changes[EDIT_CATEGORIES] ? categories_json : NULL, "summary",
                                changes[EDIT_SUMMARY] ? e->summary : NULL, "received_at_ms",
                                changes[EDIT_RECEIVED] ? received : NULL, "source_link",
                                changes[EDIT_SOURCE_LINK] ? e->source_link : NULL, NULL),
                   err);

cleanup:
    PQclear(res);
    cJSON_Delete(subjects);
    cJSON_Delete(categories);
    free(subjects_json);
    free(categories_json);
    return rc;
}

/* The fields each action needs, before anything is read. */
static cg_code check_action_fields(const Cleangrid__V1__ClueActionRequest *req, cg_err *err)
{
    const char *a = req->action;
    if (!cg_uuid_valid(req->clue_id)) {
        cg_err_add_violation(err, "id", "is not a UUID");
    }
    if (strcmp(a, CASE_ACTION_PROPOSE) == 0) {
        case_disposal_check(req->way, req->reason, req->conclusion, err);
        cg_check_text(err, "reason", req->reason, 0, CG_TEXT_MAX, CG_TEXT_MULTILINE);
        cg_check_text(err, "conclusion", req->conclusion, 0, CG_TEXT_MAX, CG_TEXT_MULTILINE);
    } else if (strcmp(a, CASE_ACTION_REJECT) == 0 || strcmp(a, CASE_ACTION_RECUSE) == 0 ||
               strcmp(a, CASE_ACTION_REOPEN) == 0) {
        cg_check_text(err, "reason", req->reason, 0, CG_TEXT_MAX, CASE_FREE_TEXT);
    } else if (strcmp(a, CASE_ACTION_ASSIGN) == 0) {
        if (!cg_uuid_valid(req->handler_id)) {
            cg_err_add_violation(err, "handler_id", "must be the user id (UUID) of the handler");
        }
        if (given(req->handler_scope) && !cg_ltree_path_valid(req->handler_scope)) {
            cg_err_add_violation(err, "handler_scope", "must be an org path");
        }
    } else if (strcmp(a, CASE_ACTION_CONFIRM_SUBJECT) == 0 ||
               strcmp(a, CASE_ACTION_CLEAR_SUBJECT) == 0) {
        cg_check_text(err, "name", req->subject_name, 0, CG_CLUE_SUBJECT_NAME_MAX,
                      CG_TEXT_REQUIRED);
        if (strcmp(a, CASE_ACTION_CONFIRM_SUBJECT) == 0 &&
            !cg_uuid_valid(req->subject_account_id)) {
            cg_err_add_violation(err, "account_id",
                                 "must be the user id (UUID) of the account the name names");
        }
    } else if (strcmp(a, CASE_ACTION_EDIT) == 0) {
        bool changes[EDIT_NFIELDS];
        edit_fields(req, changes, err);
    } else if ((strcmp(a, CASE_ACTION_LINK) == 0 || strcmp(a, CASE_ACTION_MERGE) == 0) &&
               (!cg_uuid_valid(req->other_clue_id) ||
                strcmp(req->other_clue_id, req->clue_id) == 0)) {
        cg_err_add_violation(err, strcmp(a, CASE_ACTION_LINK) == 0 ? "clue_id" : "into",
                             "must be the id (UUID) of another clue");
    }
    return err->code;
}

/* Move the clue to status. A step that ends a stage (an approval, a
 * reopen, a merge, a filing) starts the new stage's deadline
 * (case_stage_deadline_days); a proposal and its rejection do not: the
 * deadline of the stage the clue is in keeps running. */
static cg_code set_status(const action_ctx *a, const char *status, bool new_deadline, cg_err *err)
{
    char days[16];
    snprintf(days, sizeof days, "%ld", case_stage_deadline_days(status));
    const char *params[] = {a->req->clue_id, status, days};
    return cg_db_exec(a->conn, new_deadline ? SQL_SET_STATUS : SQL_SET_STAGE_ONLY,
                      new_deadline ? 3 : 2, params, NULL, err);
}

static cg_code do_propose(const action_ctx *a, cg_err *err)
{
    cg_code rc;
    PGresult *res = NULL;
    const Cleangrid__V1__ClueActionRequest *req = a->req;

    if (strcmp(a->clue->handler_id, a->actor->user_id) != 0) {
        rc = cg_err_set(err, CG_PERMISSION_DENIED, "only the clue's handler proposes its disposal");
        goto cleanup;
    }
    const char *params[] = {req->clue_id,    req->way,          req->reason,        req->conclusion,
                            a->clue->status, a->actor->user_id, a->actor->person_id};
    rc = cg_db_exec(a->conn, SQL_PROPOSE, 7, params, &res, err);
    if (rc != CG_OK || (rc = set_status(a, a->t->to, false, err)) != CG_OK) {
        goto cleanup;
    }
    rc = case_note(a->conn, req->clue_id, a->actor, "disposal.proposed",
                   case_summary("disposal_id", cg_db_get(res, 0, 0), "way", req->way, "reason",
                                req->reason, "conclusion",
                                given(req->conclusion) ? req->conclusion : NULL, NULL),
                   err);

cleanup:
    PQclear(res);
    return rc;
}

/* Announce an approved disposal, in the transaction that makes it take
 * effect. */
static cg_code add_clue_disposed(const action_ctx *a, const char *stage, cg_err *err)
{
    const case_locked *c = a->clue;
    char event_id[CG_UUID_LEN];
    case_clue_view subjects;
    Cleangrid__V1__EventMeta meta = CLEANGRID__V1__EVENT_META__INIT;
    Cleangrid__V1__ClueDisposed ev = CLEANGRID__V1__CLUE_DISPOSED__INIT;

    cleangrid__v1__clue__init(&subjects.clue);
    cg_code rc = case_clue_view_parse(&subjects, c->subjects_json, "[]", "[]", "", err);
    if (rc == CG_OK) {
        cg_event_meta_init(&meta, event_id, CASE_SUBJECT_CLUE_DISPOSED, a->producer,
                           a->req->ctx->request_id);
        ev.meta = &meta;
        /* Borrowed strings: packed into the outbox row, never freed here. */
        ev.clue_id = a->req->clue_id;
        ev.disposal_id = (char *)c->pending_id;
        ev.way = (char *)c->pending_way;
        ev.stage = (char *)stage;
        ev.reason = (char *)c->reason;
        ev.conclusion = (char *)c->conclusion;
        ev.org_path = (char *)c->org_path;
        ev.subjects = subjects.clue.subjects;
        ev.n_subjects = subjects.clue.n_subjects;
        ev.proposed_by = (char *)c->proposed_by;
        ev.approved_by = (char *)a->actor->user_id;
        rc = cg_outbox_add(a->conn, &ev.base, err);
    }
    case_clue_view_free(&subjects);
    return rc;
}

/* Approve or reject the pending proposal: never by its proposer. */
static cg_code do_decide(const action_ctx *a, bool approve, cg_err *err)
{
    const case_locked *c = a->clue;
    const cg_actor *actor = a->actor;
    if (strcmp(c->proposed_by, actor->user_id) == 0 ||
        (given(actor->person_id) && strcmp(c->proposed_by_person, actor->person_id) == 0)) {
        return cg_err_set(err, CG_PERMISSION_DENIED,
                          "the proposer cannot %s their own proposal: another inspection lead "
                          "decides",
                          approve ? "approve" : "reject");
    }
    const char *to = approve ? a->t->to : c->pending_from;
    const char *params[] = {c->pending_id, approve ? "approved" : "rejected", actor->user_id,
                            approve ? "" : a->req->reason};
    cg_code rc = cg_db_exec(a->conn, SQL_DECIDE, 4, params, NULL, err);
    if (rc == CG_OK) {
        rc = set_status(a, to, approve, err);
    }
    if (rc == CG_OK && approve) {
        rc = add_clue_disposed(a, to, err);
    }
    if (rc == CG_OK) {
        rc = case_note(a->conn, a->req->clue_id, actor,
                       approve ? "disposal.approved" : "disposal.rejected",
                       case_summary("disposal_id", c->pending_id, "way", c->pending_way, "stage",
                                    to, "reason", approve ? NULL : a->req->reason, NULL),
                       err);
    }
    return rc;
}

static cg_code do_assign(const action_ctx *a, cg_err *err)
{
    cg_code rc;
    PGresult *res = NULL;
    const Cleangrid__V1__ClueActionRequest *req = a->req;
    const char *params[] = {req->clue_id, req->handler_id, req->handler_person_id};

    /* The gateway names the handler's unit; one that does not cover the
     * clue's would leave a handler who cannot see what they handle. */
    if (given(req->handler_scope) && !cg_path_within(a->clue->org_path, req->handler_scope)) {
        /* The account's unit is not named: the caller may be a lead of
         * another province, who has no business learning it. */
        rc = cg_err_set(err, CG_FAILED_PRECONDITION,
                        "the handler's unit does not cover the clue's unit");
        goto cleanup;
    }
    rc = case_person_barred(a->conn, req->clue_id, req->handler_id, req->handler_person_id, err);
    if (rc == CG_OK) {
        rc = case_relatives_check(a->kin, a->clue->subjects_json, req->handler_person_id,
                                  CASE_AS_HANDLER, false, "clue", err);
    }
    if (rc != CG_OK) {
        goto cleanup;
    }
    rc = cg_db_exec(a->conn, SQL_SET_HANDLER, 2, params, NULL, err);
    if (rc == CG_OK) {
        rc = case_note(a->conn, req->clue_id, a->actor, "clue.assigned",
                       case_summary("handler_id", req->handler_id, "previous_handler_id",
                                    a->clue->handler_id, NULL),
                       err);
    }

cleanup:
    PQclear(res);
    return rc;
}

/* A named investigator of the clue's case ($1 the clue, $2 the account)
 * who recuses stops investigating it. */
static const char SQL_RECUSE_INVESTIGATOR[] =
    "DELETE FROM case_investigators i USING cases k"
    " WHERE k.id = i.case_id AND k.clue_id = $1::uuid AND i.user_id = $2";

static cg_code do_recuse(const action_ctx *a, cg_err *err)
{
    const char *params[] = {a->req->clue_id, a->actor->user_id, a->actor->person_id,
                            a->req->reason};
    cg_code rc = cg_db_exec(a->conn, SQL_RECUSE, 4, params, NULL, err);
    /* A handler who recuses stops handling it. */
    if (rc == CG_OK && strcmp(a->clue->handler_id, a->actor->user_id) == 0) {
        const char *clear[] = {a->req->clue_id, ""};
        rc = cg_db_exec(a->conn, SQL_SET_HANDLER, 2, clear, NULL, err);
    }
    if (rc == CG_OK) {
        rc = cg_db_exec(a->conn, SQL_RECUSE_INVESTIGATOR, 2, params, NULL, err);
    }
    if (rc == CG_OK) {
        rc = case_note(a->conn, a->req->clue_id, a->actor, "clue.recused",
                       case_summary("user_id", a->actor->user_id, "reason", a->req->reason, NULL),
                       err);
    }
    return rc;
}

static cg_code do_reopen(const action_ctx *a, cg_err *err)
{
    cg_code rc = set_status(a, a->t->to, true, err);
    if (rc == CG_OK) {
        rc = case_note(a->conn, a->req->clue_id, a->actor, "clue.reopened",
                       case_summary("reason", a->req->reason, NULL), err);
    }
    return rc;
}

/* Link or merge with the other clue, which the actor must see too. The two
 * dossier entries are appended in id order, so two such steps on the same
 * pair in opposite directions never wait for each other's head rows in a
 * cycle. */
static cg_code do_pair(const action_ctx *a, bool merge, cg_err *err)
{
    cg_code rc;
    PGresult *res = NULL;
    case_locked other;
    const char *id = a->req->clue_id, *other_id = a->req->other_clue_id;
    const char *params[] = {id, other_id};

    rc = case_repo_lock(a->conn, a->actor, other_id, &other, &res, err);
    if (rc != CG_OK) {
        if (rc == CG_NOT_FOUND) {
            cg_err_set(err, CG_NOT_FOUND, "the other clue was not found");
        }
        goto cleanup;
    }
    if (merge && (strcmp(other.status, CASE_STAGE_CLOSED) == 0 ||
                  strcmp(other.status, CASE_STAGE_FILING_PROPOSED) == 0 ||
                  strcmp(other.status, CASE_STAGE_FILED) == 0 ||
                  strcmp(other.status, CASE_STAGE_MERGED) == 0)) {
        rc = cg_err_set(err, CG_FAILED_PRECONDITION,
                        "the surviving clue is in stage %s; only an open clue takes a merge",
                        other.status);
        goto cleanup;
    }
    rc = cg_db_exec(a->conn, SQL_LINK, 2, params, NULL, err);
    if (rc == CG_OK && merge) {
        rc = cg_db_exec(a->conn, SQL_MERGE, 2, params, NULL, err);
    }
    /* The survivor carries the merged clue's matter: whoever the merged one
     * was about stays under an open clue until the survivor closes. */
    if (rc == CG_OK && merge) {
        rc =
            add_clue_changed(a, "merged", CASE_STAGE_MERGED, a->clue->subjects_json, other_id, err);
    }
    bool first = strcmp(id, other_id) < 0;
    for (int i = 0; rc == CG_OK && i < 2; i++) {
        bool self = (i == 0) == first;
        const char *file = self ? id : other_id;
        const char *action = !merge ? "clue.linked" : self ? "clue.merged" : "clue.merge_received";
        const char *key = !merge ? "other_clue_id" : self ? "merged_into" : "merged_from";
        rc = case_note(a->conn, file, a->actor, action,
                       case_summary(key, self ? other_id : id, NULL), err);
    }

cleanup:
    PQclear(res);
    return rc;
}

/* File a case from the clue: the case's own dossier starts, and the
 * clue's records the filing, in the same transaction. */
static cg_code do_file(const action_ctx *a, cg_err *err)
{
    cg_code rc;
    PGresult *res = NULL;
    const char *params[] = {a->req->clue_id, a->actor->user_id};

    rc = cg_db_exec(a->conn, SQL_FILE, 2, params, &res, err);
    if (rc != CG_OK) {
        goto cleanup;
    }
    if (PQntuples(res) != 1) {
        /* The stage says approved; the proposal row must be there. */
        rc = cg_err_set(err, CG_INTERNAL, "clue %s has no approved propose_filing proposal",
                        a->req->clue_id);
        goto cleanup;
    }
    const char *case_id = cg_db_get(res, 0, 0);
    rc = set_status(a, a->t->to, true, err);
    if (rc == CG_OK) {
        rc = add_clue_changed(a, "filed", a->t->to, a->clue->subjects_json, case_id, err);
    }
    if (rc == CG_OK) {
        rc = case_note(a->conn, case_id, a->actor, "case.filed",
                       case_summary("clue_id", a->req->clue_id, "filing_disposal_id",
                                    cg_db_get(res, 0, 1), "number", cg_db_get(res, 0, 2), NULL),
                       err);
    }
    if (rc == CG_OK) {
        rc = case_note(a->conn, a->req->clue_id, a->actor, "case.filed",
                       case_summary("case_id", case_id, "case_number", cg_db_get(res, 0, 2), NULL),
                       err);
    }

cleanup:
    PQclear(res);
    return rc;
}

/* --- confirm_subject, clear_subject: a name held back ----------------------- */

static const char SQL_SET_SUBJECTS[] = "UPDATE clues SET subjects = $2::jsonb WHERE id = $1::uuid";

/* The clue's subjects (subjects_json) with the person id given to the
 * subject whose whole name has key; when the name is one of several in a
 * subject ("王五、赵六"), a subject of its own with that name. Owned by
 * the caller (free()); NULL when out of memory. */
static char *subjects_confirmed(const char *subjects_json, const char *key, const char *name,
                                const char *person_id)
{
    cJSON *subjects = cJSON_Parse(subjects_json);
    cJSON *s = NULL;
    char *text = NULL;
    bool named = false;
    char *k = malloc(CG_NAME_KEY_SIZE);

    if (!cJSON_IsArray(subjects) || k == NULL) {
        goto cleanup;
    }
    cJSON_ArrayForEach(s, subjects)
    {
        const char *n = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(s, "name"));
        const char *p = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(s, "person_id"));
        if (n != NULL && (p == NULL || p[0] == '\0') && cg_name_key(n, k, CG_NAME_KEY_SIZE) &&
            strcmp(k, key) == 0) {
            cJSON_DeleteItemFromObjectCaseSensitive(s, "person_id");
            cJSON_AddStringToObject(s, "person_id", person_id);
            named = true;
        }
    }
    if (!named) {
        cJSON *o = cJSON_CreateObject();
        cJSON_AddStringToObject(o, "name", name);
        cJSON_AddStringToObject(o, "person_id", person_id);
        cJSON_AddStringToObject(o, "position", "");
        cJSON_AddStringToObject(o, "org_unit", "");
        cJSON_AddItemToArray(subjects, o);
    }
    text = cJSON_PrintUnformatted(subjects);

cleanup:
    free(k);
    cJSON_Delete(subjects);
    return text;
}

/* An officer decides a name the clue holds back: confirm gives the
 * subject the person id of the account it names, so the subject rule
 * keeps the clue from that person from now on; clear says it names nobody
 * with an account here, and the clue is shown again. */
static cg_code do_subject(const action_ctx *a, bool confirm, cg_err *err)
{
    cg_code rc;
    const Cleangrid__V1__ClueActionRequest *req = a->req;
    char *key = malloc(CG_NAME_KEY_SIZE), *subjects = NULL;
    char person[CG_PERSON_ID_SIZE] = "";

    if (key == NULL) {
        rc = cg_err_set(err, CG_UNAVAILABLE, "out of memory");
        goto cleanup;
    }
    if (!cg_name_key(req->subject_name, key, CG_NAME_KEY_SIZE) || key[0] == '\0') {
        cg_err_add_violation(err, "name", "must be a name the clue holds back (held_names)");
        rc = err->code;
        goto cleanup;
    }
    /* Without a person id the subject rule could not keep the clue from
     * that person: the account must be linked first. */
    if (confirm &&
        (!cg_person_id_canon(req->subject_person_id, person, sizeof person) || person[0] == '\0')) {
        rc = cg_err_set(err, CG_FAILED_PRECONDITION,
                        "the account is linked to no person id; link it (PATCH "
                        "/api/v1/accounts/{id}) before confirming");
        goto cleanup;
    }
    rc = case_repo_decide_name(a->conn, req->clue_id, key, confirm ? "confirmed" : "cleared",
                               person, a->actor->user_id, err);
    if (rc != CG_OK) {
        goto cleanup;
    }
    if (confirm) {
        subjects = subjects_confirmed(a->clue->subjects_json, key, req->subject_name, person);
        if (subjects == NULL) {
            rc = cg_err_set(err, CG_UNAVAILABLE, "out of memory");
            goto cleanup;
        }
        const char *params[] = {req->clue_id, subjects};
        rc = cg_db_exec(a->conn, SQL_SET_SUBJECTS, 2, params, NULL, err);
        if (rc == CG_OK) {
            rc = add_clue_changed(a, "corrected", a->clue->status, subjects, NULL, err);
        }
        if (rc != CG_OK) {
            goto cleanup;
        }
    }
    rc = case_note(a->conn, req->clue_id, a->actor,
                   confirm ? "subject.confirmed" : "subject.cleared",
                   case_summary("name", key, "account_id", confirm ? req->subject_account_id : NULL,
                                "person_id", confirm ? person : NULL, NULL),
                   err);

cleanup:
    free(subjects);
    free(key);
    return rc;
}

/* A step that needs the lead's role (the roles the frame checked for the
 * action, case_clue_action_roles()) decides something about the clue:
 * whether a disposal takes effect, who handles it, its filing, a name held
 * back; so does a lead's correction of a clue it does not handle (its
 * subjects among others), which only a lead may make. The lead is checked
 * for relatives of the clue's subjects before it does. */
static cg_code check_decider(const action_ctx *a, const cg_rpc_req *r, cg_err *err)
{
    bool lead_edit = strcmp(a->req->action, CASE_ACTION_EDIT) == 0 &&
                     strcmp(a->clue->handler_id, a->actor->user_id) != 0 &&
                     cg_ctx_has_any_role(a->req->ctx, CASE_ROLES_APPROVE);
    if (r->roles != CASE_ROLES_APPROVE && !lead_edit) {
        return CG_OK;
    }
    return case_relatives_check(a->kin, a->clue->subjects_json, a->actor->person_id,
                                CASE_AS_DECIDER, true, "clue", err);
}

static cg_code do_action(const action_ctx *a, cg_err *err)
{
    const char *action = a->req->action;
    if (strcmp(action, CASE_ACTION_PROPOSE) == 0) {
        return do_propose(a, err);
    }
    if (strcmp(action, CASE_ACTION_APPROVE) == 0 || strcmp(action, CASE_ACTION_REJECT) == 0) {
        return do_decide(a, strcmp(action, CASE_ACTION_APPROVE) == 0, err);
    }
    if (strcmp(action, CASE_ACTION_ASSIGN) == 0) {
        return do_assign(a, err);
    }
    if (strcmp(action, CASE_ACTION_RECUSE) == 0) {
        return do_recuse(a, err);
    }
    if (strcmp(action, CASE_ACTION_REOPEN) == 0) {
        return do_reopen(a, err);
    }
    if (strcmp(action, CASE_ACTION_FILE) == 0) {
        return do_file(a, err);
    }
    if (strcmp(action, CASE_ACTION_CONFIRM_SUBJECT) == 0 ||
        strcmp(action, CASE_ACTION_CLEAR_SUBJECT) == 0) {
        return do_subject(a, strcmp(action, CASE_ACTION_CONFIRM_SUBJECT) == 0, err);
    }
    if (strcmp(action, CASE_ACTION_EDIT) == 0) {
        return do_edit(a, err);
    }
    return do_pair(a, strcmp(action, CASE_ACTION_MERGE) == 0, err);
}

/* A ClueAction call: the actor, then the locked clue and the clue as it
 * is after the action, which the reply points into. */
typedef struct action_state {
    cg_actor actor;
    PGresult *lock_res;
    case_clue_row clue;
} action_state;

static void action_cleanup(void *state, void *request)
{
    (void)request;
    action_state *s = state;
    PQclear(s->lock_res);
    case_clue_row_free(&s->clue);
}

cg_code case_clue_action_check(cg_rpc_req *r, const void *request, cg_err *err)
{
    action_state *s = cg_rpc_actor_state(r, sizeof *s, action_cleanup, NULL, err);
    if (s == NULL) {
        return err->code;
    }
    return check_action_fields(request, err);
}

cg_code case_clue_action(cg_rpc_req *r, const void *request, PGconn *conn, void *reply, cg_err *err)
{
    const Cleangrid__V1__ClueActionRequest *req = request;
    Cleangrid__V1__ClueActionReply *out = reply;
    const cg_service_base *base = r->arg;
    action_state *s = r->state;
    case_locked locked;

    if (case_repo_lock(conn, &s->actor, req->clue_id, &locked, &s->lock_res, err) != CG_OK) {
        return err->code;
    }
    case_relatives kin = {.r = r};
    action_ctx a = {.conn = conn,
                    .producer = base->name,
                    .actor = &s->actor,
                    .req = req,
                    .clue = &locked,
                    .kin = &kin};
    const char *way = strcmp(req->action, CASE_ACTION_PROPOSE) == 0 ? req->way : locked.pending_way;
    if (case_lifecycle_step(locked.status, req->action, way, given(locked.handler_id), &a.t, err) !=
            CG_OK ||
        check_decider(&a, r, err) != CG_OK || do_action(&a, err) != CG_OK) {
        return err->code;
    }
    cg_log_fields(CG_LOG_INFO, "clue action", "clue_id", req->clue_id, "action", req->action, NULL);

    /* The clue as it is now. After a recusal the actor no longer sees it,
     * and the reply carries none. */
    out->recused = strcmp(req->action, CASE_ACTION_RECUSE) == 0;
    if (case_clue_row_get(conn, &s->actor, req->clue_id, &s->clue, err) == CG_OK) {
        out->clue = &s->clue.view.clue;
    } else if (err->code == CG_NOT_FOUND) {
        cg_err_clear(err);
    } else {
        return err->code;
    }
    return CG_OK;
}
