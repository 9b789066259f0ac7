/* The transition table of a rectification task, and the pure rules beside
 * it. */
#include "lifecycle.h"

#include "cg/actor.h"

#include <stdio.h>
#include <string.h>

const char *const RECTIFY_ROLES_UNIT[] = {"unit_leader", NULL};
const char *const RECTIFY_ROLES_OFFICE[] = {"inspector", "inspection_lead", NULL};
const char *const RECTIFY_ROLES_LEAD[] = {"inspection_lead", NULL};
/* The auditor reads everything in its scope; a unit leader its own unit's
 * tasks, which its scope makes so. */
const char *const RECTIFY_ROLES_READ[] = {"inspector", "inspection_lead", "auditor", "unit_leader",
                                          NULL};
/* The ledger and a task: a cadre too, but only the tasks naming it
 * responsible (rectify_check). */
const char *const RECTIFY_ROLES_TASKS_READ[] = {"inspector",   "inspection_lead", "auditor",
                                                "unit_leader", "cadre",           NULL};
const char *const RECTIFY_ROLES_MANAGE[] = {"inspector", "inspection_lead", NULL};

/* The unit plans, proves and asks; the office verifies or sends the task
 * back with reasons; a lead closes it off (销号) once every party accepted.
 * A plan may be revised while the work is in progress. */
const rectify_step rectify_steps[] = {
    {RECTIFY_ACTION_PLAN, RECTIFY_STAGE_ASSIGNED, RECTIFY_STAGE_IN_PROGRESS, RECTIFY_ROLES_UNIT,
     "plan rectification", "planned", "task.planned"},
    {RECTIFY_ACTION_PLAN, RECTIFY_STAGE_IN_PROGRESS, RECTIFY_STAGE_SAME, RECTIFY_ROLES_UNIT,
     "plan rectification", "planned", "task.replanned"},
    {RECTIFY_ACTION_ADD_EVIDENCE, RECTIFY_STAGE_IN_PROGRESS, RECTIFY_STAGE_SAME, RECTIFY_ROLES_UNIT,
     "add rectification evidence", "evidence_added", "task.evidence_added"},
    {RECTIFY_ACTION_REQUEST_CLOSURE, RECTIFY_STAGE_IN_PROGRESS, RECTIFY_STAGE_CLOSURE_REQUESTED,
     RECTIFY_ROLES_UNIT, "request a task's closure", "closure_requested", "task.closure_requested"},
    {RECTIFY_ACTION_VERIFY, RECTIFY_STAGE_CLOSURE_REQUESTED, RECTIFY_STAGE_ACCEPTED,
     RECTIFY_ROLES_OFFICE, "verify rectification", "verified", "task.accepted"},
    {RECTIFY_ACTION_REJECT, RECTIFY_STAGE_CLOSURE_REQUESTED, RECTIFY_STAGE_IN_PROGRESS,
     RECTIFY_ROLES_OFFICE, "verify rectification", "rejected", "task.rejected"},
    {RECTIFY_ACTION_CLOSE, RECTIFY_STAGE_VERIFIED, RECTIFY_STAGE_CLOSED, RECTIFY_ROLES_LEAD,
     "close tasks off", "closed", "task.closed"},
    /* After closure the office re-checks: the task stays closed when the
     * fix holds, and reopens, keeping its history, when the problem is
     * back. */
    {RECTIFY_ACTION_RECHECK, RECTIFY_STAGE_CLOSED, RECTIFY_STAGE_SAME, RECTIFY_ROLES_OFFICE,
     "re-check rectification", "rechecked", "task.rechecked"},
    {RECTIFY_ACTION_RELAPSE, RECTIFY_STAGE_CLOSED, RECTIFY_STAGE_IN_PROGRESS, RECTIFY_ROLES_OFFICE,
     "re-check rectification", "relapsed", "task.relapsed"},
};
const size_t rectify_nsteps = sizeof rectify_steps / sizeof rectify_steps[0];

static const char *const stages[] = {RECTIFY_STAGE_ASSIGNED, RECTIFY_STAGE_IN_PROGRESS,
                                     RECTIFY_STAGE_CLOSURE_REQUESTED, RECTIFY_STAGE_VERIFIED,
                                     RECTIFY_STAGE_CLOSED};

bool rectify_stage_valid(const char *stage)
{
    for (size_t i = 0; stage != NULL && i < sizeof stages / sizeof stages[0]; i++)
        if (strcmp(stages[i], stage) == 0)
            return true;
    return false;
}

cg_code rectify_step_find(const char *action, const char *stage, const rectify_step **out,
                          cg_err *err)
{
    char allowed[160] = "";
    size_t used = 0;
    bool known = false;

    *out = NULL;
    for (size_t i = 0; action != NULL && i < rectify_nsteps; i++) {
        const rectify_step *s = &rectify_steps[i];
        if (strcmp(s->action, action) != 0)
            continue;
        known = true;
        if (stage != NULL && strcmp(s->from, stage) == 0) {
            *out = s;
            return CG_OK;
        }
        int n = snprintf(allowed + used, sizeof allowed - used, "%s%s", used > 0 ? " or " : "",
                         s->from);
        if (n > 0 && (size_t)n < sizeof allowed - used)
            used += (size_t)n;
    }
    if (!known) {
        cg_err_add_violation(err, "action",
                             "must be one of plan, add_evidence, request_closure, verify, reject, "
                             "close, recheck, relapse");
        return err->code;
    }
    return cg_err_set(err, CG_FAILED_PRECONDITION, "the task is %s; %s needs a task that is %s",
                      stage != NULL ? stage : "unknown", action, allowed);
}

cg_code rectify_action_roles(const char *action, const char *const **roles, const char **doing,
                             cg_err *err)
{
    for (size_t i = 0; action != NULL && i < rectify_nsteps; i++) {
        if (strcmp(rectify_steps[i].action, action) == 0) {
            *roles = rectify_steps[i].roles;
            *doing = rectify_steps[i].doing;
            return CG_OK;
        }
    }
    cg_err_add_violation(err, "action",
                         "must be one of plan, add_evidence, request_closure, verify, reject, "
                         "close, recheck, relapse");
    return err->code;
}

const char *rectify_step_target(const rectify_step *step, const char *from, size_t parties_pending)
{
    if (strcmp(step->to, RECTIFY_STAGE_SAME) == 0)
        return from;
    if (strcmp(step->to, RECTIFY_STAGE_ACCEPTED) == 0)
        return parties_pending == 0 ? RECTIFY_STAGE_VERIFIED : from;
    return step->to;
}

cg_code rectify_check_outsider(const char *scope, const char *org_path, cg_err *err)
{
    if (cg_path_within(scope, org_path))
        return cg_err_set(err, CG_FAILED_PRECONDITION,
                          "a verifier may not be of the responsible unit (%s); ask the office",
                          org_path);
    return CG_OK;
}
