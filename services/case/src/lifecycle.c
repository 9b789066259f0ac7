#include "lifecycle.h"

#include <stdio.h>
#include <string.h>

/* The one table of allowed transitions (docs/case-lifecycle.md draws it).
 * A disposal is proposed by the handler from a stage where the clue is
 * still open, waits in disposal_proposed, and takes effect when a lead
 * approves it (the target depends on the way) or returns to where it was
 * when rejected. */
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

static bool in_list(const char *s, const char *const *list, size_t n)
{
    for (size_t i = 0; s != NULL && i < n; i++) {
        if (strcmp(s, list[i]) == 0) {
            return true;
        }
    }
    return false;
}

#define IN(s, list) in_list((s), (list), sizeof(list) / sizeof((list)[0]))

bool case_disposal_way_valid(const char *way)
{
    return IN(way, WAYS);
}

bool case_source_valid(const char *source)
{
    return IN(source, SOURCES);
}

bool case_category_valid(const char *category)
{
    return IN(category, CATEGORIES);
}

static bool given(const char *s)
{
    return s != NULL && s[0] != '\0';
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
