/* The life of a rectification task (整改任务): its stages, the actions
 * that move it and who may take each. The allowed steps are the one table
 * in lifecycle.c; docs/rectification.md draws the same table, and a unit
 * test keeps the two in step.
 *
 * Pure functions: no database, no NATS. */
#ifndef RECTIFY_LIFECYCLE_H
#define RECTIFY_LIFECYCLE_H

#include <stdbool.h>
#include <stddef.h>

#include "cg/status.h"

/* Stages (tasks.stage). */
#define RECTIFY_STAGE_ASSIGNED "assigned"                   /* 待认领 */
#define RECTIFY_STAGE_IN_PROGRESS "in_progress"             /* 整改中 */
#define RECTIFY_STAGE_CLOSURE_REQUESTED "closure_requested" /* 申请销号 */
#define RECTIFY_STAGE_VERIFIED "verified"                   /* 验收 */
#define RECTIFY_STAGE_CLOSED "closed"                       /* 已销号 */

/* A step's target meaning "stays where it is". */
#define RECTIFY_STAGE_SAME "(same)"
/* A step's target meaning "verified once every party has accepted, else
 * where it is". */
#define RECTIFY_STAGE_ACCEPTED "(all parties)"

/* Actions of TaskActionRequest.action. */
#define RECTIFY_ACTION_PLAN "plan"
#define RECTIFY_ACTION_ADD_EVIDENCE "add_evidence"
#define RECTIFY_ACTION_REQUEST_CLOSURE "request_closure"
#define RECTIFY_ACTION_VERIFY "verify"
#define RECTIFY_ACTION_REJECT "reject"
#define RECTIFY_ACTION_CLOSE "close"
/* Re-check (回头看) of a closed task: the fix holds, or the problem is
 * back and the task reopens (整改反弹). */
#define RECTIFY_ACTION_RECHECK "recheck"
#define RECTIFY_ACTION_RELAPSE "relapse"

/* Who takes a step: the responsible unit's leaders, or the office
 * (inspectors and leads), or its leads only. */
extern const char *const RECTIFY_ROLES_UNIT[];
extern const char *const RECTIFY_ROLES_OFFICE[];
extern const char *const RECTIFY_ROLES_LEAD[];
/* Who reads tasks and batches, and who registers them. */
extern const char *const RECTIFY_ROLES_READ[];
extern const char *const RECTIFY_ROLES_MANAGE[];
extern const char *const RECTIFY_ROLES_TASKS_READ[];

/* One allowed step: action in stage from leads to stage to. */
typedef struct rectify_step {
    const char *action;
    const char *from;
    const char *to; /* a stage, RECTIFY_STAGE_SAME or RECTIFY_STAGE_ACCEPTED */
    const char *const *roles;
    const char *doing; /* for "your role may not <doing>" */
    const char *event; /* the verb of cg.evt.rectify.task.<verb> */
    const char *dossier_action;
} rectify_step;

extern const rectify_step rectify_steps[];
extern const size_t rectify_nsteps;

/* The step action takes from stage. INVALID_ARGUMENT on "action" for an
 * action no row names; FAILED_PRECONDITION naming the task's stage and the
 * stages where the action is allowed when none starts from stage. *out
 * points into rectify_steps. */
cg_code rectify_step_find(const char *action, const char *stage, const rectify_step **out,
                          cg_err *err);

/* The roles any step of action needs, for the RPC frame (the first row's:
 * every row of one action names the same roles). INVALID_ARGUMENT for an
 * unknown action. */
cg_code rectify_action_roles(const char *action, const char *const **roles, const char **doing,
                             cg_err *err);

/* The stage a step leaves the task in: step->to, from when it stays, and
 * for an acceptance RECTIFY_STAGE_VERIFIED when no party is left pending. */
const char *rectify_step_target(const rectify_step *step, const char *from, size_t parties_pending);

/* The independence of a verifier (验收), of a task's closure or of a
 * responsibility list's work: the actor's scope (borrowed) must not be the
 * unit at org_path or lie below it. FAILED_PRECONDITION naming the unit
 * otherwise. */
cg_code rectify_check_outsider(const char *scope, const char *org_path, cg_err *err);

/* True if stage names one of the five stages. */
bool rectify_stage_valid(const char *stage);

#endif
