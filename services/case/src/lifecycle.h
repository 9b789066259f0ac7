/* The life of a problem clue (问题线索): its stages, the actions that move it
 * between them, and the fields each disposal way (线索处置) needs. The
 * allowed transitions are the one table in lifecycle.c; docs/case-lifecycle.md
 * draws the same table, and a unit test keeps the two in step.
 *
 * Pure functions: no database, no NATS. */
#ifndef CASE_LIFECYCLE_H
#define CASE_LIFECYCLE_H

#include <stdbool.h>
#include <stddef.h>

#include "cg/limits.h"
#include "cg/status.h"
#include "number.h"

/* Stages of a clue (its status column). */
#define CASE_STAGE_REGISTERED "registered"
#define CASE_STAGE_DISPOSAL_PROPOSED "disposal_proposed"
#define CASE_STAGE_TALK_INQUIRY "talk_inquiry"
#define CASE_STAGE_PRELIMINARY "preliminary_verification"
#define CASE_STAGE_SHELVED "shelved"
#define CASE_STAGE_CLOSED "closed"
#define CASE_STAGE_FILING_PROPOSED "filing_proposed"
#define CASE_STAGE_MERGED "merged"
#define CASE_STAGE_FILED "filed"
/* Stages of a case (案件, the cases.stage column) after filing. A case
 * starts in "filed" (CASE_STAGE_FILED) and ends in "closed"; both names are
 * shared with a clue's stages, but the rows of a case are apart (of_case). */
#define CASE_CSTAGE_INVESTIGATION "investigation"
#define CASE_CSTAGE_REPORTED "investigation_reported"
#define CASE_CSTAGE_REVIEW "review"
#define CASE_CSTAGE_DECIDED "disposition_decided"

/* A transition's target meaning "the stage it had before the proposal". */
#define CASE_STAGE_BACK "(back)"
/* A transition's target meaning "stays where it is". */
#define CASE_STAGE_SAME "(same)"

/* Actions of ClueActionRequest.action. */
#define CASE_ACTION_PROPOSE "propose"
#define CASE_ACTION_APPROVE "approve"
#define CASE_ACTION_REJECT "reject"
#define CASE_ACTION_ASSIGN "assign"
#define CASE_ACTION_RECUSE "recuse"
#define CASE_ACTION_LINK "link"
#define CASE_ACTION_MERGE "merge"
#define CASE_ACTION_REOPEN "reopen"
#define CASE_ACTION_FILE "file"
/* Correct a clue's register (subjects, categories, summary, received date,
 * source link) while it is open and no proposal waits. */
#define CASE_ACTION_EDIT "edit"
/* Decide a name the clue holds back from the accounts it may name:
 * confirm it names an account's person (the subject takes its person id)
 * or clear it (it names nobody with an account in scope). */
#define CASE_ACTION_CONFIRM_SUBJECT "confirm_subject"
#define CASE_ACTION_CLEAR_SUBJECT "clear_subject"

/* Actions on a case (CaseActionRequest.action). */
#define CASE_ACTION_INVESTIGATE "start_investigation"
#define CASE_ACTION_REPORT "submit_report"
#define CASE_ACTION_REVIEW "start_review"
#define CASE_ACTION_DECIDE "decide_disposition"
#define CASE_ACTION_CLOSE "close"
/* Logs an investigation measure; the stage stays. */
#define CASE_ACTION_LOG_MEASURE "log_measure"
/* Issue 4: actions on a case that leave its stage (CASE_STAGE_SAME rows):
 * the investigators (调查组) a lead names beside the clue's handler, the
 * disposition items of the review and their executed marks, and the one
 * extension of the investigation deadline. */
#define CASE_ACTION_ADD_INVESTIGATOR "add_investigator"
#define CASE_ACTION_REMOVE_INVESTIGATOR "remove_investigator"
#define CASE_ACTION_ADD_ITEM "add_item"
#define CASE_ACTION_REMOVE_ITEM "remove_item"
#define CASE_ACTION_EXECUTE_ITEM "execute_item"
#define CASE_ACTION_REQUEST_EXTENSION "request_extension"
#define CASE_ACTION_APPROVE_EXTENSION "approve_extension"
#define CASE_ACTION_REJECT_EXTENSION "reject_extension"

/* The action names of a case, for a violation's message. */
#define CASE_ACTION_NAMES                                                                          \
    "start_investigation, submit_report, start_review, decide_disposition, close, log_measure, "   \
    "add_investigator, remove_investigator, add_item, remove_item, execute_item, "                 \
    "request_extension, approve_extension, reject_extension"

/* One allowed transition. Strings are static. */
typedef struct case_transition {
    const char *from;   /* a stage, or "*" for every stage but merged */
    const char *action; /* CASE_ACTION_... */
    const char *way;    /* for approve: the approved way; NULL: any */
    const char *to;     /* a stage, CASE_STAGE_BACK or CASE_STAGE_SAME */
    bool needs_handler; /* refused while the clue has no handler */
    bool of_case;       /* a row of a case's stages (立案后), not a clue's */
} case_transition;

extern const case_transition case_transitions[];
extern const size_t case_ntransitions;

/* The transition for action (and, for approve, the pending way) from stage.
 * On CG_OK *out is the row. FAILED_PRECONDITION, saying which stage the
 * clue is in and in which stages the action is allowed, when the table has
 * no such row; INVALID_ARGUMENT for an unknown action. has_handler tells
 * whether the clue has a handler; a row that needs one is refused without
 * it, saying so. */
cg_code case_lifecycle_step(const char *stage, const char *action, const char *way,
                            bool has_handler, const case_transition **out, cg_err *err);

/* What a case holds that a move of its stage may need; the service reads
 * it from the database under the case's row lock. Strings are borrowed. */
typedef struct case_case_facts {
    int investigators;           /* assigned investigators (调查人员) */
    int measures;                /* investigation measures logged */
    bool has_report;             /* the investigation report is written */
    bool has_reviewer;           /* a reviewer (审理人员) is named */
    int items;                   /* disposition items decided */
    const char *unexecuted_item; /* kind of the first item not executed, or NULL */
} case_case_facts;

/* The case transition for action from stage, checked against what the case
 * holds. On CG_OK *out is the row. FAILED_PRECONDITION saying which stage
 * the case is in and in which stages the action is allowed, or what is missing
 * (investigators, a measure, the report, a reviewer, an item, an item not
 * executed, named); INVALID_ARGUMENT for an unknown action. */
cg_code case_case_step(const char *stage, const char *action, const case_case_facts *facts,
                       const case_transition **out, cg_err *err);

/* Check an investigation measure's fields (NULL or "" is "not given"): a
 * kind talk, evidence or other; a day (on_ms > 0); who took it; a summary
 * of at most 4000 bytes. INVALID_ARGUMENT with one violation each, named
 * as the API names them (kind, date, who, summary). */
cg_code case_measure_check(const char *kind, long long on_ms, const char *by, const char *summary,
                           cg_err *err);

/* Check a disposition item's fields (NULL or "" is "not given"): kind one
 * of party_discipline, government_sanction, organizational_handling,
 * transfer_judicial, illicit_gains, rectification; for the first three a
 * measure of that kind's list (none otherwise); a subject for every kind
 * but rectification, which has none; illicit_gains an amount in fen > 0;
 * rectification a text of at most 4000 bytes, a unit (org_path) and a
 * deadline (deadline_ms > 0). INVALID_ARGUMENT with one violation each,
 * named as the API names them (kind, measure, subject, amount_fen, text,
 * unit_code, deadline). */
cg_code case_item_check(const char *kind, const char *measure, const char *subject,
                        long long amount_fen, const char *text, const char *org_path,
                        long long deadline_ms, cg_err *err);

/* True for a stage a case can be in. */
bool case_case_stage_valid(const char *stage);

/* True for the five disposal ways: talk_inquiry 谈话函询,
 * preliminary_verification 初步核实, shelve 暂存待查, close 予以了结,
 * propose_filing 拟立案. */
bool case_disposal_way_valid(const char *way);

/* Check a proposal's fields (NULL or "" is "not given"): a known way and a
 * reason always; a conclusion for close and talk_inquiry. INVALID_ARGUMENT
 * with one violation per problem. */
cg_code case_disposal_check(const char *way, const char *reason, const char *conclusion,
                            cg_err *err);

/* True for a stage a clue can be in. */
bool case_stage_valid(const char *stage);

/* The filters of a clue list, checked. Strings are borrowed ("" for not
 * given); pattern is the query as an ILIKE pattern ("%...%" with %, _ and
 * \ escaped), "" when there is no query or when the query is a register
 * number: then number_kind says whose and number is the LIKE pattern of the
 * numbers it starts (number.h). */
typedef struct case_list_filter {
    const char *status, *source, *category, *handler_id, *org_path;
    long long received_from_ms, received_to_ms;
    bool overdue; /* only clues past their deadline */
    char pattern[2 * 400 + 3];
    case_number_kind number_kind;
    char number[2 * 400 + 3];
} case_list_filter;

/* Check the list filters (NULL or "" means not given): known stage,
 * source and category; a handler UUID; an org path inside scope; a date
 * range whose end is after its start; a query of 1 to 100 characters.
 * INVALID_ARGUMENT with one violation each; fills *out on CG_OK. */
cg_code case_list_filter_check(const char *status, const char *source, const char *category,
                               const char *handler_id, const char *org_path, const char *scope,
                               long long from_ms, long long to_ms, const char *query,
                               case_list_filter *out, cg_err *err);

/* Deadlines (期限), from configuration at start: days from receipt to
 * dispose of a clue, days from approval to finish a preliminary
 * verification, and how many days before a deadline an item is due soon. */
extern long case_disposal_days, case_preliminary_days, case_due_soon_days;

#define CASE_DEADLINE_VARS                                                                         \
    {.name = "CG_CASE_DISPOSAL_DAYS",                                                              \
     .type = CG_CONFIG_INT,                                                                        \
     .default_value = "30",                                                                        \
     .min = 1,                                                                                     \
     .max = 365,                                                                                   \
     .target = &case_disposal_days,                                                                \
     .help = "days from receipt within which a clue is disposed of"},                              \
        {.name = "CG_CASE_PRELIMINARY_DAYS",                                                       \
         .type = CG_CONFIG_INT,                                                                    \
         .default_value = "90",                                                                    \
         .min = 1,                                                                                 \
         .max = 365,                                                                               \
         .target = &case_preliminary_days,                                                         \
         .help = "days from approval within which a preliminary verification ends"},               \
    {                                                                                              \
        .name = "CG_CASE_DUE_SOON_DAYS", .type = CG_CONFIG_INT, .default_value = "7", .min = 0,    \
        .max = 60, .target = &case_due_soon_days,                                                  \
        .help = "days before a deadline from which an item shows as due soon"                      \
    }

/* Deadlines of a case's stages (案件期限), from configuration at start:
 * days from start_investigation to end the investigation, from
 * start_review to decide the disposition, and from the decision to execute
 * every item; and the most days the one extension may add. */
extern long case_investigation_days, case_review_days, case_execution_days, case_extension_max;

// clang-format off
#define CASE_CASE_DEADLINE_VARS                                                          \
    {.name = "CG_CASE_INVESTIGATION_DAYS", .type = CG_CONFIG_INT, .default_value = "90", \
     .min = 1, .max = 730, .target = &case_investigation_days,                           \
     .help = "days from start_investigation within which the investigation ends"},       \
    {.name = "CG_CASE_REVIEW_DAYS", .type = CG_CONFIG_INT, .default_value = "30",        \
     .min = 1, .max = 365, .target = &case_review_days,                                  \
     .help = "days from start_review within which the disposition is decided"},          \
    {.name = "CG_CASE_EXECUTION_DAYS", .type = CG_CONFIG_INT, .default_value = "90",     \
     .min = 1, .max = 730, .target = &case_execution_days,                               \
     .help = "days from the decision within which every disposition item is executed"},  \
    {.name = "CG_CASE_EXTENSION_MAX_DAYS", .type = CG_CONFIG_INT, .default_value = "90", \
     .min = 1, .max = CG_EXTENSION_DAYS_CEILING, .target = &case_extension_max,          \
     .help = "the most days the one extension of an investigation may add"}
// clang-format on

/* Days a case gets for its deadline when it enters stage: the
 * investigation, review and execution days for investigation, review and
 * disposition_decided; 0 (none) for every other stage. */
long case_case_deadline_days(const char *stage);

/* Days the stage a clue enters gets for its deadline, from now: the
 * preliminary verification days for preliminary_verification, the
 * disposal days for registered (a reopened clue), 0 (no deadline) for
 * every other stage. The first deadline, from receipt, is set on insert. */
long case_stage_deadline_days(const char *stage);

/* "overdue" from the deadline on, "due_soon" from due_soon_days before it,
 * "on_time" before that, "" when deadline_ms is 0 (none). Static strings. */
const char *case_deadline_state(long long deadline_ms, long long now_ms, long due_soon_days);

/* Sources of a clue, and accusation categories. */
bool case_source_valid(const char *source);
bool case_category_valid(const char *category);

#endif
