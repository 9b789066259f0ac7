#include "lifecycle.h"

#include <stdio.h>
#include <string.h>

#include "access.h"
#include "cg/util.h"
#include "cg/limits.h"
#include "cg/validate.h"

/* The most a recovered amount may be, in fen: 10^15 fen is 10 trillion
 * yuan, far above any case, and exact in a double, so a JSON number holds
 * it. */
#define AMOUNT_FEN_MAX 1000000000000000LL

/* The one table of allowed transitions (docs/case-lifecycle.md draws it).
 * A disposal is proposed by the handler from a stage where the clue is
 * still open, waits in disposal_proposed, and takes effect when a lead
 * approves it (the target depends on the way) or returns to where it was
 * when rejected. */
long case_disposal_days = 30;
long case_preliminary_days = 90;
long case_due_soon_days = 7;
long case_investigation_days = 90;
long case_review_days = 30;
long case_execution_days = 90;
long case_extension_max = 90;

#define DAY_MS (24LL * 3600 * 1000)

long case_stage_deadline_days(const char *stage)
{
    if (strcmp(stage, CASE_STAGE_PRELIMINARY) == 0) {
        return case_preliminary_days;
    }
    if (strcmp(stage, CASE_STAGE_REGISTERED) == 0) {
        return case_disposal_days;
    }
    return 0;
}

long case_case_deadline_days(const char *stage)
{
    if (strcmp(stage, CASE_CSTAGE_INVESTIGATION) == 0) {
        return case_investigation_days;
    }
    if (strcmp(stage, CASE_CSTAGE_REVIEW) == 0) {
        return case_review_days;
    }
    if (strcmp(stage, CASE_CSTAGE_DECIDED) == 0) {
        return case_execution_days;
    }
    return 0;
}

const char *case_deadline_state(long long deadline_ms, long long now_ms, long due_soon_days)
{
    if (deadline_ms == 0) {
        return "";
    }
    if (now_ms >= deadline_ms) {
        return "overdue";
    }
    return now_ms >= deadline_ms - due_soon_days * DAY_MS ? "due_soon" : "on_time";
}

const case_transition case_transitions[] = {
    {CASE_STAGE_REGISTERED, CASE_ACTION_PROPOSE, NULL, CASE_STAGE_DISPOSAL_PROPOSED, true, false},
    {CASE_STAGE_PRELIMINARY, CASE_ACTION_PROPOSE, NULL, CASE_STAGE_DISPOSAL_PROPOSED, true, false},
    {CASE_STAGE_TALK_INQUIRY, CASE_ACTION_PROPOSE, NULL, CASE_STAGE_DISPOSAL_PROPOSED, true, false},
    {CASE_STAGE_DISPOSAL_PROPOSED, CASE_ACTION_APPROVE, "talk_inquiry", CASE_STAGE_TALK_INQUIRY,
     false, false},
    {CASE_STAGE_DISPOSAL_PROPOSED, CASE_ACTION_APPROVE, "preliminary_verification",
     CASE_STAGE_PRELIMINARY, false, false},
    {CASE_STAGE_DISPOSAL_PROPOSED, CASE_ACTION_APPROVE, "shelve", CASE_STAGE_SHELVED, false, false},
    {CASE_STAGE_DISPOSAL_PROPOSED, CASE_ACTION_APPROVE, "close", CASE_STAGE_CLOSED, false, false},
    {CASE_STAGE_DISPOSAL_PROPOSED, CASE_ACTION_APPROVE, "propose_filing",
     CASE_STAGE_FILING_PROPOSED, false, false},
    {CASE_STAGE_DISPOSAL_PROPOSED, CASE_ACTION_REJECT, NULL, CASE_STAGE_BACK, false, false},
    {CASE_STAGE_SHELVED, CASE_ACTION_REOPEN, NULL, CASE_STAGE_REGISTERED, false, false},
    {CASE_STAGE_FILING_PROPOSED, CASE_ACTION_FILE, NULL, CASE_STAGE_FILED, false, false},
    {CASE_STAGE_REGISTERED, CASE_ACTION_MERGE, NULL, CASE_STAGE_MERGED, false, false},
    {CASE_STAGE_PRELIMINARY, CASE_ACTION_MERGE, NULL, CASE_STAGE_MERGED, false, false},
    {CASE_STAGE_TALK_INQUIRY, CASE_ACTION_MERGE, NULL, CASE_STAGE_MERGED, false, false},
    {CASE_STAGE_SHELVED, CASE_ACTION_MERGE, NULL, CASE_STAGE_MERGED, false, false},
    {CASE_STAGE_REGISTERED, CASE_ACTION_ASSIGN, NULL, CASE_STAGE_SAME, false, false},
    {CASE_STAGE_PRELIMINARY, CASE_ACTION_ASSIGN, NULL, CASE_STAGE_SAME, false, false},
    {CASE_STAGE_TALK_INQUIRY, CASE_ACTION_ASSIGN, NULL, CASE_STAGE_SAME, false, false},
    {CASE_STAGE_SHELVED, CASE_ACTION_ASSIGN, NULL, CASE_STAGE_SAME, false, false},
    {CASE_STAGE_REGISTERED, CASE_ACTION_EDIT, NULL, CASE_STAGE_SAME, false, false},
    {CASE_STAGE_PRELIMINARY, CASE_ACTION_EDIT, NULL, CASE_STAGE_SAME, false, false},
    {CASE_STAGE_TALK_INQUIRY, CASE_ACTION_EDIT, NULL, CASE_STAGE_SAME, false, false},
    {CASE_STAGE_SHELVED, CASE_ACTION_EDIT, NULL, CASE_STAGE_SAME, false, false},
    {"*", CASE_ACTION_RECUSE, NULL, CASE_STAGE_SAME, false, false},
    {"*", CASE_ACTION_LINK, NULL, CASE_STAGE_SAME, false, false},
    {"*", CASE_ACTION_CONFIRM_SUBJECT, NULL, CASE_STAGE_SAME, false, false},
    {"*", CASE_ACTION_CLEAR_SUBJECT, NULL, CASE_STAGE_SAME, false, false},
    /* A case after filing (立案): investigation (调查) with its measures,
     * the investigation report, review (审理) by someone who did not
     * investigate, the disposition decided, and closure once every
     * disposition item is executed. case_case_step() checks what each
     * move needs. */
    {CASE_STAGE_FILED, CASE_ACTION_INVESTIGATE, NULL, CASE_CSTAGE_INVESTIGATION, false, true},
    {CASE_CSTAGE_INVESTIGATION, CASE_ACTION_LOG_MEASURE, NULL, CASE_STAGE_SAME, false, true},
    {CASE_CSTAGE_INVESTIGATION, CASE_ACTION_REPORT, NULL, CASE_CSTAGE_REPORTED, false, true},
    {CASE_CSTAGE_REPORTED, CASE_ACTION_REVIEW, NULL, CASE_CSTAGE_REVIEW, false, true},
    {CASE_CSTAGE_REVIEW, CASE_ACTION_DECIDE, NULL, CASE_CSTAGE_DECIDED, false, true},
    {CASE_CSTAGE_DECIDED, CASE_ACTION_CLOSE, NULL, CASE_STAGE_CLOSED, false, true},
    /* Investigators are named until the report is in; items are added
     * and removed only in review and frozen by the decision, after which
     * each is marked executed; the investigation deadline is extended
     * once, while it runs. */
    {CASE_STAGE_FILED, CASE_ACTION_ADD_INVESTIGATOR, NULL, CASE_STAGE_SAME, false, true},
    {CASE_CSTAGE_INVESTIGATION, CASE_ACTION_ADD_INVESTIGATOR, NULL, CASE_STAGE_SAME, false, true},
    {CASE_STAGE_FILED, CASE_ACTION_REMOVE_INVESTIGATOR, NULL, CASE_STAGE_SAME, false, true},
    {CASE_CSTAGE_INVESTIGATION, CASE_ACTION_REMOVE_INVESTIGATOR, NULL, CASE_STAGE_SAME, false,
     true},
    {CASE_CSTAGE_REVIEW, CASE_ACTION_ADD_ITEM, NULL, CASE_STAGE_SAME, false, true},
    {CASE_CSTAGE_REVIEW, CASE_ACTION_REMOVE_ITEM, NULL, CASE_STAGE_SAME, false, true},
    {CASE_CSTAGE_DECIDED, CASE_ACTION_EXECUTE_ITEM, NULL, CASE_STAGE_SAME, false, true},
    {CASE_CSTAGE_INVESTIGATION, CASE_ACTION_REQUEST_EXTENSION, NULL, CASE_STAGE_SAME, false, true},
    {CASE_CSTAGE_INVESTIGATION, CASE_ACTION_APPROVE_EXTENSION, NULL, CASE_STAGE_SAME, false, true},
    {CASE_CSTAGE_INVESTIGATION, CASE_ACTION_REJECT_EXTENSION, NULL, CASE_STAGE_SAME, false, true},
};

const size_t case_ntransitions = sizeof case_transitions / sizeof case_transitions[0];

static const char *const ACTIONS[] = {
    CASE_ACTION_PROPOSE, CASE_ACTION_APPROVE,         CASE_ACTION_REJECT,
    CASE_ACTION_ASSIGN,  CASE_ACTION_RECUSE,          CASE_ACTION_LINK,
    CASE_ACTION_MERGE,   CASE_ACTION_REOPEN,          CASE_ACTION_FILE,
    CASE_ACTION_EDIT,    CASE_ACTION_CONFIRM_SUBJECT, CASE_ACTION_CLEAR_SUBJECT,
};

static const char *const CASE_ACTIONS[] = {
    CASE_ACTION_INVESTIGATE,
    CASE_ACTION_REPORT,
    CASE_ACTION_REVIEW,
    CASE_ACTION_DECIDE,
    CASE_ACTION_CLOSE,
    CASE_ACTION_LOG_MEASURE,
    CASE_ACTION_ADD_INVESTIGATOR,
    CASE_ACTION_REMOVE_INVESTIGATOR,
    CASE_ACTION_ADD_ITEM,
    CASE_ACTION_REMOVE_ITEM,
    CASE_ACTION_EXECUTE_ITEM,
    CASE_ACTION_REQUEST_EXTENSION,
    CASE_ACTION_APPROVE_EXTENSION,
    CASE_ACTION_REJECT_EXTENSION,
};

static const char *const MEASURE_KINDS[] = {"talk", "evidence", "other"};

static const char *const CASE_STAGES[] = {
    CASE_STAGE_FILED,   CASE_CSTAGE_INVESTIGATION, CASE_CSTAGE_REPORTED,
    CASE_CSTAGE_REVIEW, CASE_CSTAGE_DECIDED,       CASE_STAGE_CLOSED,
};

static const char *const WAYS[] = {"talk_inquiry", "preliminary_verification", "shelve", "close",
                                   "propose_filing"};

/* public_report and rectification come only from the events of intake and
 * of the rectification service, never from the API. */
static const char *const SOURCES[] = {"public_report",  "letters_visits", "inspection_tour",
                                      "audit_transfer", "risk_alert",     "superior_referral",
                                      "own_work",       "rectification"};

static const char *const CATEGORIES[] = {"political", "organizational", "integrity", "mass",
                                         "work",      "life",           "duty_crime"};

static const char *const STAGES[] = {
    CASE_STAGE_REGISTERED,      CASE_STAGE_DISPOSAL_PROPOSED,
    CASE_STAGE_TALK_INQUIRY,    CASE_STAGE_PRELIMINARY,
    CASE_STAGE_SHELVED,         CASE_STAGE_CLOSED,
    CASE_STAGE_FILING_PROPOSED, CASE_STAGE_MERGED,
    CASE_STAGE_FILED,
};

static bool in_list(const char *s, const char *const *list, size_t n)
{
    for (size_t i = 0; s != NULL && i < n; i++) {
        if (strcmp(s, list[i]) == 0) {
            return true;
        }
    }
    return false;
}

static bool given(const char *s)
{
    return s != NULL && s[0] != '\0';
}

#define IN(s, list) in_list((s), (list), sizeof(list) / sizeof((list)[0]))

bool case_disposal_way_valid(const char *way)
{
    return IN(way, WAYS);
}

bool case_stage_valid(const char *stage)
{
    return IN(stage, STAGES);
}

/* The disposition items' lists (glossary: 党纪处分, 政务处分, 组织处理). */
static const char *const PARTY_MEASURES[] = {"warning", "serious_warning", "removal_from_posts",
                                             "probation", "expulsion"};
static const char *const GOV_MEASURES[] = {"warning",  "demerit",   "major_demerit",
                                           "demotion", "dismissal", "expulsion"};
static const char *const ORG_MEASURES[] = {"criticism_education", "self_criticism", "admonishment",
                                           "job_adjustment"};

cg_code case_item_check(const char *kind, const char *measure, const char *subject,
                        long long amount_fen, const char *text, const char *org_path,
                        long long deadline_ms, cg_err *err)
{
    static const char *const measured[] = {"party_discipline", "government_sanction",
                                           "organizational_handling"};
    static const char *const plain[] = {"transfer_judicial", "illicit_gains", "rectification"};
    bool rectification = given(kind) && strcmp(kind, "rectification") == 0;
    if (!IN(kind, measured) && !IN(kind, plain)) {
        cg_err_add_violation(err, "kind",
                             "must be one of party_discipline, government_sanction, "
                             "organizational_handling, transfer_judicial, illicit_gains, "
                             "rectification");
    } else if (strcmp(kind, "party_discipline") == 0 && !IN(measure, PARTY_MEASURES)) {
        cg_err_add_violation(err, "measure",
                             "must be one of warning, serious_warning, removal_from_posts, "
                             "probation, expulsion");
    } else if (strcmp(kind, "government_sanction") == 0 && !IN(measure, GOV_MEASURES)) {
        cg_err_add_violation(err, "measure",
                             "must be one of warning, demerit, major_demerit, demotion, "
                             "dismissal, expulsion");
    } else if (strcmp(kind, "organizational_handling") == 0 && !IN(measure, ORG_MEASURES)) {
        cg_err_add_violation(err, "measure",
                             "must be one of criticism_education, self_criticism, admonishment, "
                             "job_adjustment");
    } else if (IN(kind, plain) && given(measure)) {
        cg_err_add_violation(err, "measure", "is only for the three lists of measures");
    }
    if (rectification ? given(subject) : !given(subject)) {
        cg_err_add_violation(err, "subject",
                             rectification ? "is not given for a rectification recommendation"
                                           : "is required: one of the case's subjects");
    }
    bool gains = given(kind) && strcmp(kind, "illicit_gains") == 0;
    if (gains && (amount_fen <= 0 || amount_fen > AMOUNT_FEN_MAX))
        cg_err_add_violation(err, "amount_fen", "must be an amount in fen from 1 to %lld",
                             AMOUNT_FEN_MAX);
    else if (!gains && amount_fen != 0)
        cg_err_add_violation(err, "amount_fen", "is only for illicit_gains");
    if (rectification)
        cg_check_text(err, "text", text, 1, CG_TEXT_MAX, CG_TEXT_REQUIRED | CG_TEXT_MULTILINE);
    if (rectification != given(org_path)) {
        cg_err_add_violation(err, "unit_code",
                             rectification ? "is required for a rectification recommendation"
                                           : "is only for a rectification recommendation");
    }
    if (rectification != (deadline_ms > 0)) {
        cg_err_add_violation(err, "deadline",
                             rectification ? "must be a date YYYY-MM-DD"
                                           : "is only for a rectification recommendation");
    }
    return err->code;
}

cg_code case_measure_check(const char *kind, long long on_ms, const char *by, const char *summary,
                           cg_err *err)
{
    if (!IN(kind, MEASURE_KINDS)) {
        cg_err_add_violation(err, "kind", "must be one of talk, evidence, other");
    }
    if (on_ms <= 0) {
        cg_err_add_violation(err, "date", "must be a date YYYY-MM-DD");
    }
    cg_check_text(err, "who", by, 1, CG_CLUE_FIELD_MAX, CG_TEXT_REQUIRED);
    cg_check_text(err, "summary", summary, 1, CG_TEXT_MAX, CG_TEXT_REQUIRED | CG_TEXT_MULTILINE);
    return err->code;
}

bool case_case_stage_valid(const char *stage)
{
    return IN(stage, CASE_STAGES);
}

#define QUERY_MAX_CHARS 100

cg_code case_list_filter_check(const char *status, const char *source, const char *category,
                               const char *handler_id, const char *org_path, const char *scope,
                               long long from_ms, long long to_ms, const char *query,
                               case_list_filter *out, cg_err *err)
{
    if (given(status) && !case_stage_valid(status)) {
        cg_err_add_violation(err, "status", "is not a stage of a clue");
    }
    if (given(source) && !case_source_valid(source)) {
        cg_err_add_violation(err, "source", "is not a source of clues");
    }
    if (given(category) && !case_category_valid(category)) {
        cg_err_add_violation(err, "category", "is not an accusation category");
    }
    if (given(handler_id)) {
        cg_check_uuid(err, "handler_id", handler_id);
    }
    if (given(org_path) && (!cg_ltree_path_valid(org_path) || !cg_path_within(org_path, scope))) {
        cg_err_add_violation(err, "unit_code", "must name a unit inside your scope");
    }
    cg_check_date_range(err, "received_from", from_ms, "received_to", to_ms);
    size_t qlen = query != NULL ? strlen(query) : 0;
    if (qlen > 0 && (!cg_utf8_valid(query, qlen) || cg_utf8_length(query) > QUERY_MAX_CHARS)) {
        cg_err_add_violation(err, "q", "must be 1 to %d characters", QUERY_MAX_CHARS);
    }
    if (err->code != CG_OK) {
        return err->code;
    }
    out->status = given(status) ? status : "";
    out->source = given(source) ? source : "";
    out->category = given(category) ? category : "";
    out->handler_id = given(handler_id) ? handler_id : "";
    out->org_path = given(org_path) ? org_path : "";
    out->received_from_ms = from_ms;
    out->received_to_ms = to_ms;
    out->overdue = false;
    /* A substring, whatever it holds: ILIKE's own characters are escaped.
     * 100 characters of at most 4 bytes, each escaped at most once, fit. */
    size_t n = 0;
    out->pattern[0] = '\0';
    if (qlen > 0) {
        out->pattern[n++] = '%';
        for (const char *c = query; *c != '\0' && n + 3 < sizeof out->pattern; c++) {
            if (*c == '%' || *c == '_' || *c == '\\') {
                out->pattern[n++] = '\\';
            }
            out->pattern[n++] = *c;
        }
        out->pattern[n++] = '%';
        out->pattern[n] = '\0';
    }
    /* A register number read out on the phone is looked up as a number,
     * through its own index, not as a substring of the text. */
    out->number_kind = case_number_pattern(query, out->number, sizeof out->number);
    if (out->number_kind != CASE_NUMBER_NONE) {
        out->pattern[0] = '\0';
    }
    return CG_OK;
}

bool case_source_valid(const char *source)
{
    return IN(source, SOURCES);
}

bool case_category_valid(const char *category)
{
    return IN(category, CATEGORIES);
}

cg_code case_disposal_check(const char *way, const char *reason, const char *conclusion,
                            cg_err *err)
{
    if (!case_disposal_way_valid(way)) {
        cg_err_add_violation(err, "way",
                             "must be one of talk_inquiry, preliminary_verification, shelve, "
                             "close, propose_filing");
    }
    if (!given(reason)) {
        cg_err_add_violation(err, "reason", "is required");
    }
    if (way != NULL && (strcmp(way, "close") == 0 || strcmp(way, "talk_inquiry") == 0) &&
        !given(conclusion)) {
        cg_err_add_violation(err, "conclusion", "is required for %s", way);
    }
    return err->code;
}

static bool row_matches_stage(const case_transition *t, const char *stage)
{
    return strcmp(t->from, stage) == 0 ||
           (strcmp(t->from, "*") == 0 && strcmp(stage, CASE_STAGE_MERGED) != 0);
}

cg_code case_lifecycle_step(const char *stage, const char *action, const char *way,
                            bool has_handler, const case_transition **out, cg_err *err)
{
    char allowed[256] = "";
    size_t used = 0;

    if (!IN(action, ACTIONS)) {
        cg_err_add_violation(err, "action", "is not a clue action");
        return err->code;
    }
    for (size_t i = 0; i < case_ntransitions; i++) {
        const case_transition *t = &case_transitions[i];
        if (t->of_case || strcmp(t->action, action) != 0) {
            continue;
        }
        if (row_matches_stage(t, stage) &&
            (t->way == NULL || (way != NULL && strcmp(t->way, way) == 0))) {
            if (t->needs_handler && !has_handler) {
                return cg_err_set(err, CG_FAILED_PRECONDITION,
                                  "the clue is in stage %s and has no handler: %s needs one; an "
                                  "inspection lead assigns a handler first",
                                  stage, action);
            }
            *out = t;
            return CG_OK;
        }
        /* Each stage once in the list, even when several ways start there. */
        if (strstr(allowed, t->from) == NULL && used < sizeof allowed) {
            int n = snprintf(allowed + used, sizeof allowed - used, "%s%s", used ? ", " : "",
                             strcmp(t->from, "*") == 0 ? "any stage but merged" : t->from);
            used += n > 0 ? (size_t)n : 0;
        }
    }
    return cg_err_set(err, CG_FAILED_PRECONDITION,
                      "the clue is in stage %s; %s is allowed only in stage %s", stage, action,
                      allowed);
}

/* What the move of a case needs beyond its stage: CG_OK, or
 * FAILED_PRECONDITION naming what is missing. */
static cg_code case_move_ready(const char *stage, const char *action, const case_case_facts *f,
                               cg_err *err)
{
    const char *missing = NULL;
    if (strcmp(action, CASE_ACTION_INVESTIGATE) == 0 && f->investigators == 0) {
        missing = "no investigator is assigned";
    } else if (strcmp(action, CASE_ACTION_REPORT) == 0 && f->measures == 0) {
        missing = "no investigation measure is logged";
    } else if (strcmp(action, CASE_ACTION_REPORT) == 0 && !f->has_report) {
        missing = "the investigation report is not written";
    } else if (strcmp(action, CASE_ACTION_REVIEW) == 0 && !f->has_reviewer) {
        missing = "no reviewer is named";
    } else if (strcmp(action, CASE_ACTION_DECIDE) == 0 && f->items == 0) {
        missing = "no disposition item is decided";
    } else if (strcmp(action, CASE_ACTION_CLOSE) == 0 && f->unexecuted_item != NULL) {
        return cg_err_set(err, CG_FAILED_PRECONDITION,
                          "the case is in stage %s and its disposition item %s is not executed: "
                          "a case closes only when every item is executed",
                          stage, f->unexecuted_item);
    }
    if (missing != NULL) {
        return cg_err_set(err, CG_FAILED_PRECONDITION,
                          "the case is in stage %s and %s: %s needs it", stage, missing, action);
    }
    return CG_OK;
}

cg_code case_case_step(const char *stage, const char *action, const case_case_facts *facts,
                       const case_transition **out, cg_err *err)
{
    if (!IN(action, CASE_ACTIONS)) {
        cg_err_add_violation(err, "action", "must be one of %s", CASE_ACTION_NAMES);
        return err->code;
    }
    char allowed[256] = "";
    size_t used = 0;
    for (size_t i = 0; i < case_ntransitions; i++) {
        const case_transition *t = &case_transitions[i];
        if (!t->of_case || strcmp(t->action, action) != 0) {
            continue;
        }
        if (strcmp(t->from, stage) == 0) {
            cg_code rc = case_move_ready(stage, action, facts, err);
            if (rc == CG_OK) {
                *out = t;
            }
            return rc;
        }
        if (used < sizeof allowed) {
            int n =
                snprintf(allowed + used, sizeof allowed - used, "%s%s", used ? ", " : "", t->from);
            used += n > 0 ? (size_t)n : 0;
        }
    }
    if (used == 0) {
        return cg_err_set(err, CG_INTERNAL, "no row for case action %s", action);
    }
    return cg_err_set(err, CG_FAILED_PRECONDITION,
                      "the case is in stage %s; %s is allowed only in stage %s", stage, action,
                      allowed);
}
