/* The case service (问题线索 and 案件): what main() wires together, and
 * what its modules share. Each module has a header of its own:
 *
 * rpc.c            the method table: every cg.rpc.case.* method as a row
 *                  (cg/rpc.h) naming its roles, database need and handler;
 * clue_read.c      ListClues and GetClue;
 * clue_write.c     CreateClue and ClueAction (disposal with approval,
 *                  assign, recuse, edit, link, merge, reopen, file);
 * clue_repo.c      the clues' repository (the clues table);
 * case_read.c      ListCases and GetCase;
 * case_stages.c    CaseAction: a case's stages after filing;
 * case_disposition.c  the case actions that leave the stage;
 * case_repo.c      the cases' repository (the cases table);
 * stats.c          ClueStatistics and CaseStatistics, with their statements;
 * note.c           the dossier entry every action appends;
 * recusal.c        recusal for relatives: the ids asked about, the refusals;
 * relatives.c      the question to the integrity service on relatives;
 * events.c         the ReportSubmitted consumer that registers a clue for
 *                  each public report and announces it with ClueCreated.
 *
 * Every handler's arg is the service's cg_service_base. */
#ifndef CASE_H
#define CASE_H

#include <stdint.h>

#include "cg/org.h"
#include "cg/rpc.h"
#include "cg/service.h"
#include "cleangrid/v1/case.pb-c.h"
#include "cleangrid/v1/intake.pb-c.h"
/* The modules' headers, for the files that take them all from here. */
#include "access.h"
#include "case_repo.h"
#include "clue_repo.h"
#include "clue_view.h"
#include "lifecycle.h"
#include "cg/page.h"
#include "cg/query.h"
#include "access.h"
#include "cg/rpc_actor.h"

#define CASE_DURABLE_REPORT_SUBMITTED "case-report-submitted"
#define CASE_DURABLE_ORG_UNIT_MOVED "case-org-unit-moved"
#define CASE_SUBJECT_REPORT_SUBMITTED "cg.evt.intake.report.submitted"
#define CASE_SUBJECT_CLUE_CREATED "cg.evt.case.clue.created"
#define CASE_SUBJECT_CLUE_DISPOSED "cg.evt.case.clue.disposed"
#define CASE_SUBJECT_CLUE_CHANGED "cg.evt.case.clue.changed"
#define CASE_SOURCE_PUBLIC_REPORT "public_report"
/* A clue the rectification service proposed: a task whose final deadline
 * passed (its escalation ladder's last rung). */
#define CASE_SOURCE_RECTIFICATION "rectification"
/* A risk alert the office escalated (cg.evt.risk.alert.escalated). */
#define CASE_SOURCE_RISK_ALERT "risk_alert"
#define CASE_DURABLE_RISK_ALERT_ESCALATED "case-risk-alert-escalated"
#define CASE_SUBJECT_RISK_ALERT_ESCALATED "cg.evt.risk.alert.escalated"
#define CASE_DURABLE_ACCOUNTABILITY "case-rectify-accountability"
#define CASE_SUBJECT_ACCOUNTABILITY "cg.evt.rectify.task.accountability_proposed"
/* The dossier's actor for what the service does on its own (a clue
 * registered from an event). */
#define CASE_ACTOR_SYSTEM "system:case"

/* Who may see a clue (and so its case) besides its scope: not a subject of
 * it (their person id among its subjects), not someone who declared a
 * recusal on it, and not someone the clue may name by name only while an
 * officer has not decided whether it does (a pending row of
 * clue_name_holds with the key of their display name). $3 is the actor's
 * canonical person id ('' for none), $4 the actor's user id, $5 the keys
 * of the actor's display name (a JSON array of strings, cg_name_keys_json());
 * `clues` is the clue's row. Every statement that uses it takes its parameters from
 * case_query_start() or case_repo_one_visible(). */
#define CASE_CLUE_VISIBLE                                                                          \
    " AND NOT ($3::text <> '' AND clues.subjects @> jsonb_build_array(jsonb_build_object("         \
    "'person_id', $3::text)))"                                                                     \
    " AND NOT EXISTS (SELECT 1 FROM clue_recusals r WHERE r.clue_id = clues.id"                    \
    " AND r.user_id = $4::text)"                                                                   \
    " AND NOT EXISTS (SELECT 1 FROM clue_name_holds h WHERE h.clue_id = clues.id"                  \
    " AND h.state = 'pending'"                                                                     \
    " AND h.name_key = ANY (ARRAY(SELECT jsonb_array_elements_text($5::jsonb))))"

#define CASE_SUBJECT_CASE_DISPOSED "cg.evt.case.case.disposed"

/* --- rpc.c --------------------------------------------------------------- */

/* Every method of cg.rpc.case.*, for cg_service_base_serve(). */
extern const cg_rpc_table case_rpc_table;

/* --- events.c ------------------------------------------------------------ */

/* Announce a just-registered clue (ClueCreated, borrowed), inside the
 * caller's transaction on conn. */
cg_code case_event_clue_created(PGconn *conn, const char *producer, const Cleangrid__V1__Clue *clue,
                                const char *correlation_id, cg_err *err);

/* cg_event_handler for cg.evt.intake.report.submitted; arg is the
 * cg_service_base. */
/* The accountability proposal of a rectification task becomes a clue
 * (source rectification, its source_ref the task), exactly once
 * (rectify_events.c). arg is the service's base. */
cg_code case_on_accountability_proposed(PGconn *conn, const char *subject, const char *event_id,
                                        const uint8_t *data, size_t len, void *arg, cg_err *err);
/* cg_event_handler for cg.evt.risk.alert.escalated; arg is the
 * cg_service_base: registers the alert as a clue (source risk_alert, its id
 * the source_ref), once. */
cg_code case_on_risk_alert_escalated(PGconn *conn, const char *subject, const char *event_id,
                                     const uint8_t *data, size_t len, void *arg, cg_err *err);

cg_code case_on_report_submitted(PGconn *conn, const char *subject, const char *event_id,
                                 const uint8_t *data, size_t len, void *arg, cg_err *err);

/* --- org_moves.c ---------------------------------------------------------- */

/* What the consumer of cg.evt.gateway.org_unit.moved (cg_org_on_unit_moved)
 * moves: every clue under the moved unit takes its new path. */
extern const cg_org_moves case_org_moves;

#endif
