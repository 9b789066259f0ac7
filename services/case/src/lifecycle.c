#include "lifecycle.h"

#include <stdio.h>
#include <string.h>

#include "access.h"
#include "cg/util.h"

/* The one table of allowed transitions (docs/case-lifecycle.md draws it).
 * A disposal is proposed by the handler from a stage where the clue is
 * still open, waits in disposal_proposed, and takes effect when a lead
 * approves it (the target depends on the way) or returns to where it was
 * when rejected. */
long case_disposal_days = 30;
long case_preliminary_days = 90;
long case_due_soon_days = 7;

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
    {CASE_STAGE_REGISTERED, CASE_ACTION_PROPOSE, NULL, CASE_STAGE_DISPOSAL_PROPOSED, true},
    {CASE_STAGE_PRELIMINARY, CASE_ACTION_PROPOSE, NULL, CASE_STAGE_DISPOSAL_PROPOSED, true},
    {CASE_STAGE_TALK_INQUIRY, CASE_ACTION_PROPOSE, NULL, CASE_STAGE_DISPOSAL_PROPOSED, true},
    {CASE_STAGE_DISPOSAL_PROPOSED, CASE_ACTION_APPROVE, "talk_inquiry", CASE_STAGE_TALK_INQUIRY,
     false},
    {CASE_STAGE_DISPOSAL_PROPOSED, CASE_ACTION_APPROVE, "preliminary_verification",
     CASE_STAGE_PRELIMINARY, false},
    {CASE_STAGE_DISPOSAL_PROPOSED, CASE_ACTION_APPROVE, "shelve", CASE_STAGE_SHELVED, false},
    {CASE_STAGE_DISPOSAL_PROPOSED, CASE_ACTION_APPROVE, "close", CASE_STAGE_CLOSED, false},
    {CASE_STAGE_DISPOSAL_PROPOSED, CASE_ACTION_APPROVE, "propose_filing",
     CASE_STAGE_FILING_PROPOSED, false},
    {CASE_STAGE_DISPOSAL_PROPOSED, CASE_ACTION_REJECT, NULL, CASE_STAGE_BACK, false},
    {CASE_STAGE_SHELVED, CASE_ACTION_REOPEN, NULL, CASE_STAGE_REGISTERED, false},
    {CASE_STAGE_FILING_PROPOSED, CASE_ACTION_FILE, NULL, CASE_STAGE_FILED, false},
    {CASE_STAGE_REGISTERED, CASE_ACTION_MERGE, NULL, CASE_STAGE_MERGED, false},
    {CASE_STAGE_PRELIMINARY, CASE_ACTION_MERGE, NULL, CASE_STAGE_MERGED, false},
    {CASE_STAGE_TALK_INQUIRY, CASE_ACTION_MERGE, NULL, CASE_STAGE_MERGED, false},
    {CASE_STAGE_SHELVED, CASE_ACTION_MERGE, NULL, CASE_STAGE_MERGED, false},
    {CASE_STAGE_REGISTERED, CASE_ACTION_ASSIGN, NULL, CASE_STAGE_SAME, false},
    {CASE_STAGE_PRELIMINARY, CASE_ACTION_ASSIGN, NULL, CASE_STAGE_SAME, false},
    {CASE_STAGE_TALK_INQUIRY, CASE_ACTION_ASSIGN, NULL, CASE_STAGE_SAME, false},
    {CASE_STAGE_SHELVED, CASE_ACTION_ASSIGN, NULL, CASE_STAGE_SAME, false},
    {"*", CASE_ACTION_RECUSE, NULL, CASE_STAGE_SAME, false},
    {"*", CASE_ACTION_LINK, NULL, CASE_STAGE_SAME, false},
};

const size_t case_ntransitions = sizeof case_transitions / sizeof case_transitions[0];

static const char *const ACTIONS[] = {
    CASE_ACTION_PROPOSE, CASE_ACTION_APPROVE, CASE_ACTION_REJECT,
    CASE_ACTION_ASSIGN,  CASE_ACTION_RECUSE,  CASE_ACTION_LINK,
    CASE_ACTION_MERGE,   CASE_ACTION_REOPEN,  CASE_ACTION_FILE,
};

static const char *const WAYS[] = {"talk_inquiry", "preliminary_verification", "shelve", "close",
                                   "propose_filing"};

static const char *const SOURCES[] = {"public_report",  "letters_visits", "inspection_tour",
                                      "audit_transfer", "risk_alert",     "superior_referral",
                                      "own_work"};

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
    if (given(handler_id) && !cg_uuid_valid(handler_id)) {
        cg_err_add_violation(err, "handler_id", "must be a UUID");
    }
    if (given(org_path) && (!cg_ltree_path_valid(org_path) || !case_path_within(org_path, scope))) {
        cg_err_add_violation(err, "unit_code", "must name a unit inside your scope");
    }
    if (from_ms < 0 || to_ms < 0 || (from_ms > 0 && to_ms > 0 && to_ms <= from_ms)) {
        cg_err_add_violation(err, "received_to", "must be after received_from");
    }
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
        if (strcmp(t->action, action) != 0) {
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
