/* cg.rpc.case.CaseAction: a case's stages after filing (立案后): the
 * investigation, its report, the review (审理), the disposition and the
 * closure, through the one transition table (lifecycle.c). Every move
 * appends an entry to the case's dossier in the same transaction. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "case_stages.h"

#include "case_disposition.h"
#include "case_read.h"
#include "case_repo.h"
#include "cg/context.h"
#include "cg/db.h"
#include "cg/messaging.h"
#include "cg/log.h"
#include "cg/limits.h"
#include "cg/util.h"
#include "cg/validate.h"
#include "clue_repo.h"
#include "note.h"
#include "relatives.h"
#include "cg/rpc_actor.h"
#include "cg/service.h"

/* $3 is the investigation report and $4 the reviewer when the move
 * carries one, "" otherwise; the new stage's deadline is $5 days from now,
 * none when 0 (case_case_deadline_days). */
static const char SQL_SET_STAGE[] =
    "UPDATE cases SET stage = $2, report = CASE WHEN $3 = '' THEN report ELSE $3 END,"
    " reviewer_id = CASE WHEN $4 = '' THEN reviewer_id ELSE $4 END,"
    " deadline_at = CASE WHEN $5::integer > 0"
    " THEN clock_timestamp() + $5::integer * interval '1 day' END WHERE id = $1::uuid";

static const char SQL_ADD_MEASURE[] =
    "INSERT INTO case_measures (case_id, kind, taken_on, taken_by, summary, logged_by)"
    " VALUES ($1::uuid, $2, to_timestamp($3::bigint / 1000.0)::date, $4, $5, $6)";

/* The investigators' actions (docs/case-lifecycle.md): an inspector takes
 * them only as an investigator of the case; a lead may always. */
static bool case_investigators_action(const char *action)
{
    static const char *const list[] = {CASE_ACTION_INVESTIGATE, CASE_ACTION_REPORT,
                                       CASE_ACTION_LOG_MEASURE, CASE_ACTION_REQUEST_EXTENSION,
                                       CASE_ACTION_EXECUTE_ITEM};
    for (size_t i = 0; i < sizeof list / sizeof list[0]; i++) {
        if (strcmp(action, list[i]) == 0) {
            return true;
        }
    }
    return false;
}

/* The roles each case action needs (docs/access.md): the investigators
 * start the investigation, write its report, ask for the extension and
 * mark items executed; a lead names investigators, opens the review,
 * decides the items and the disposition, decides the extension and closes
 * the case. */
cg_code case_case_action_roles(const void *request, const char *const **roles, const char **doing,
                               cg_err *err)
{
    const char *action = ((const Cleangrid__V1__CaseActionRequest *)request)->action;
    *doing = action;
    if (case_investigators_action(action)) {
        *roles = CASE_ROLES_DISPOSE;
        return CG_OK;
    }
    static const char *const lead[] = {CASE_ACTION_REVIEW,
                                       CASE_ACTION_DECIDE,
                                       CASE_ACTION_CLOSE,
                                       CASE_ACTION_ADD_INVESTIGATOR,
                                       CASE_ACTION_REMOVE_INVESTIGATOR,
                                       CASE_ACTION_ADD_ITEM,
                                       CASE_ACTION_REMOVE_ITEM,
                                       CASE_ACTION_APPROVE_EXTENSION,
                                       CASE_ACTION_REJECT_EXTENSION};
    for (size_t i = 0; i < sizeof lead / sizeof lead[0]; i++) {
        if (strcmp(action, lead[i]) == 0) {
            *roles = CASE_ROLES_APPROVE;
            return CG_OK;
        }
    }
    cg_err_add_violation(err, "action", "must be one of %s", CASE_ACTION_NAMES);
    return err->code;
}

/* Log an investigation measure on the locked case and note it. */
static cg_code case_log_measure(PGconn *conn, const cg_actor *actor,
                                const Cleangrid__V1__CaseActionRequest *req, cg_err *err)
{
    char on_s[24];
    snprintf(on_s, sizeof on_s, "%lld", (long long)req->measure_on_ms);
    const char *params[] = {req->case_id,    req->measure_kind,    on_s,
                            req->measure_by, req->measure_summary, actor->user_id};
    cg_code rc = cg_db_exec(conn, SQL_ADD_MEASURE, 6, params, NULL, err);
    if (rc != CG_OK) {
        return rc;
    }
    return case_note(conn, req->case_id, actor, "case.measure_logged",
                     case_summary("kind", req->measure_kind, "date_ms", on_s, "who",
                                  req->measure_by, "summary", req->measure_summary, NULL),
                     err);
}

/* The reviewer (审理人员) of a review: someone other than the
 * investigators, whose unit covers the case, who is not one of its
 * subjects, has not declared a recusal on its clue and is no declared
 * relative of a subject. FAILED_PRECONDITION saying which otherwise;
 * UNAVAILABLE while relatives cannot be checked. */
static cg_code case_reviewer_check(PGconn *conn, const case_locked_case *k,
                                   const Cleangrid__V1__CaseActionRequest *req, case_relatives *kin,
                                   cg_err *err)
{
    if (case_is_investigator(k, req->reviewer_id)) {
        return cg_err_set(err, CG_FAILED_PRECONDITION,
                          "the reviewer is an investigator of this case: the review (审理) is "
                          "done by someone other than the investigators");
    }
    if (req->reviewer_scope[0] != '\0' && !cg_path_within(k->org_path, req->reviewer_scope)) {
        return cg_err_set(err, CG_FAILED_PRECONDITION,
                          "the reviewer's unit does not cover the case's unit");
    }
    if (case_person_barred(conn, k->clue_id, req->reviewer_id, req->reviewer_person_id, err) !=
        CG_OK) {
        return err->code;
    }
    return case_relatives_check(kin, k->subjects_json, req->reviewer_person_id, CASE_AS_REVIEWER,
                                false, "case", err);
}

/* The actor, checked for relatives of the case's subjects when it acts
 * with a lead's authority: a step that needs the lead's role (the roles
 * the frame checked for the action, case_case_action_roles()) decides the
 * case's course, and a lead who takes an investigators' action without
 * being an investigator acts as one without having been named. */
static cg_code case_actor_check(const cg_rpc_req *r, const Cleangrid__V1__CaseActionRequest *req,
                                const case_locked_case *k, const cg_actor *actor,
                                case_relatives *kin, cg_err *err)
{
    if (r->roles == CASE_ROLES_APPROVE) {
        return case_relatives_check(kin, k->subjects_json, actor->person_id, CASE_AS_DECIDER, true,
                                    "case", err);
    }
    if (case_investigators_action(req->action) && !case_is_investigator(k, actor->user_id)) {
        return case_relatives_check(kin, k->subjects_json, actor->person_id, CASE_AS_INVESTIGATOR,
                                    true, "case", err);
    }
    return CG_OK;
}

/* Carry out t on the locked case: an action that leaves the stage (a
 * measure, investigators, items, the extension), or a move to t->to with
 * the report a submit_report carries and the new stage's deadline; either
 * way note it in the case's dossier. */
static cg_code case_apply(PGconn *conn, const cg_actor *actor,
                          const Cleangrid__V1__CaseActionRequest *req, const case_locked_case *k,
                          const case_transition *t, case_relatives *kin, cg_err *err)
{
    if (strcmp(t->to, CASE_STAGE_SAME) == 0) {
        return strcmp(t->action, CASE_ACTION_LOG_MEASURE) == 0
                   ? case_log_measure(conn, actor, req, err)
                   : case_disposition_apply(conn, actor, req, k, kin, err);
    }
    char days[16];
    snprintf(days, sizeof days, "%ld", case_case_deadline_days(t->to));
    const char *params[] = {req->case_id, t->to, req->report, req->reviewer_id, days};
    cg_code rc = cg_db_exec(conn, SQL_SET_STAGE, 5, params, NULL, err);
    if (rc != CG_OK) {
        return rc;
    }
    return case_note(conn, req->case_id, actor, "case.stage_changed",
                     case_summary("action", t->action, "from", k->stage, "to", t->to, "reviewer_id",
                                  req->reviewer_id[0] != '\0' ? req->reviewer_id : NULL, NULL),
                     err);
}

/* The fields an action carries, checked: INVALID_ARGUMENT with each field
 * named. */
static cg_code case_action_fields(const Cleangrid__V1__CaseActionRequest *req, cg_err *err)
{
    if (!cg_uuid_valid(req->case_id)) {
        cg_err_add_violation(err, "id", "is not a UUID");
    }
    if (strcmp(req->action, CASE_ACTION_LOG_MEASURE) == 0) {
        case_measure_check(req->measure_kind, req->measure_on_ms, req->measure_by,
                           req->measure_summary, err);
    }
    if (req->reviewer_id[0] != '\0' && !cg_uuid_valid(req->reviewer_id)) {
        cg_err_add_violation(err, "reviewer_id", "must be a UUID");
    }
    case_disposition_fields(req, err);
    cg_check_text(err, "report", req->report, 0, CG_CASE_REPORT_MAX, CG_TEXT_MULTILINE);
    return err->code;
}

/* A CaseAction call: the actor, then the locked case and the case as it
 * is after the action, which the reply points into. */
typedef struct action_state {
    cg_actor actor;
    PGresult *lock_res;
    case_case_answer answer;
} action_state;

static void action_cleanup(void *state, void *request)
{
    (void)request;
    action_state *s = state;
    PQclear(s->lock_res);
    case_case_answer_free(&s->answer);
}

cg_code case_case_action_check(cg_rpc_req *r, const void *request, cg_err *err)
{
    action_state *s = cg_rpc_actor_state(r, sizeof *s, action_cleanup, NULL, err);
    if (s == NULL) {
        return err->code;
    }
    return case_action_fields(request, err);
}

cg_code case_case_action(cg_rpc_req *r, const void *request, PGconn *conn, void *reply, cg_err *err)
{
    const Cleangrid__V1__CaseActionRequest *req = request;
    const cg_service_base *base = r->arg;
    action_state *s = r->state;
    case_locked_case k;

    if (case_repo_lock_case(conn, &s->actor, req->case_id, &k, &s->lock_res, err) != CG_OK) {
        return err->code;
    }
    /* An inspector takes the investigators' actions only as one of them. */
    if (case_investigators_action(req->action) &&
        !cg_ctx_has_any_role(req->ctx, CASE_ROLES_APPROVE) &&
        !case_is_investigator(&k, s->actor.user_id)) {
        return cg_err_set(err, CG_PERMISSION_DENIED,
                          "only an investigator of this case (or an inspection lead) may %s",
                          req->action);
    }
    /* The clue's handler is the case's first investigator, the named ones
     * follow; the report comes with submit_report and the reviewer with
     * start_review. */
    case_case_facts facts = {.investigators = (k.handler_id[0] != '\0' ? 1 : 0) +
                                              (k.investigators[1] != '\0' ? 1 : 0),
                             .measures = k.measures,
                             .has_report = req->report[0] != '\0',
                             .has_reviewer = req->reviewer_id[0] != '\0',
                             .items = k.items,
                             .unexecuted_item = k.unexecuted[0] != '\0' ? k.unexecuted : NULL};
    const case_transition *t = NULL;
    case_relatives kin = {.r = r};
    bool review = strcmp(req->action, CASE_ACTION_REVIEW) == 0;
    bool decide = strcmp(req->action, CASE_ACTION_DECIDE) == 0;
    if (case_case_step(k.stage, req->action, &facts, &t, err) != CG_OK ||
        case_actor_check(r, req, &k, &s->actor, &kin, err) != CG_OK ||
        (review && case_reviewer_check(conn, &k, req, &kin, err) != CG_OK) ||
        case_apply(conn, &s->actor, req, &k, t, &kin, err) != CG_OK ||
        (decide && case_disposition_announce(conn, base->name, r->request_id, &s->actor,
                                             req->case_id, err) != CG_OK)) {
        return err->code;
    }
    cg_log_fields(CG_LOG_INFO, "case action", "case_id", req->case_id, "action", req->action, NULL);
    /* The case as it is now. */
    return case_case_answer_read(conn, &s->actor, req->case_id, &s->answer, reply, err);
}
