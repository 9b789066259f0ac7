/* The case service (问题线索 and, later, cases): what main() wires together.
 *
 * repo.c    the clues table;
 * rpc.c     cg.rpc.case.ListClues and GetClue;
 * events.c  the ReportSubmitted consumer that registers a clue for each
 *           public report and announces it with ClueCreated.
 *
 * The handlers' arg is the service's cg_service_base. */
#ifndef CASE_H
#define CASE_H

#include <stdint.h>

#include "cg/service.h"
#include "cleangrid/v1/case.pb-c.h"
#include "cleangrid/v1/intake.pb-c.h"
#include "page.h"

#define CASE_DURABLE_REPORT_SUBMITTED "case-report-submitted"
#define CASE_DURABLE_ORG_UNIT_MOVED "case-org-unit-moved"
#define CASE_SUBJECT_REPORT_SUBMITTED "cg.evt.intake.report.submitted"
#define CASE_SUBJECT_CLUE_CREATED "cg.evt.case.clue.created"
#define CASE_SOURCE_PUBLIC_REPORT "public_report"
/* The dossier's actor for what the service does on its own (a clue
 * registered from an event). */
#define CASE_ACTOR_SYSTEM "system:case"

/* How long a request waits for a free database connection. */
#define CASE_DB_ACQUIRE_MS 5000

/* --- repo.c -------------------------------------------------------------- */

/* Every query on clues returns the same columns, read by this. The strings of
 * *out are borrowed from res and live until PQclear(res). *created_us gets
 * created_at in Unix microseconds (for a cursor); it may be NULL. */
void case_repo_clue_from_row(const PGresult *res, int row, Cleangrid__V1__Clue *out,
                             int64_t *created_us);

/* Register the clue for a public report, inside the caller's transaction on
 * conn. *out (owned by the caller) holds the new clue's row, or no row when
 * a clue for this report already exists. */
cg_code case_repo_insert_from_report(PGconn *conn, const Cleangrid__V1__ReportSubmitted *ev,
                                     PGresult **out, cg_err *err);

/* Up to limit clues inside scope, newest first, strictly after `after` (NULL
 * for the first page). *out is owned by the caller. */
cg_code case_repo_list(PGconn *conn, const char *scope, const case_cursor *after, int limit,
                       PGresult **out, cg_err *err);

/* The clue id if it lies inside scope. NOT_FOUND, with one message, whether
 * it does not exist or lies outside: a caller must not learn which. *out is
 * owned by the caller. */
cg_code case_repo_get(PGconn *conn, const char *scope, const char *id, PGresult **out, cg_err *err);

/* --- rpc.c --------------------------------------------------------------- */

extern const cg_rpc_method case_rpc_methods[];
extern const size_t case_rpc_nmethods;

/* --- events.c ------------------------------------------------------------ */

/* cg_event_handler for cg.evt.intake.report.submitted; arg is the
 * cg_service_base. */
cg_code case_on_report_submitted(PGconn *conn, const char *subject, const char *event_id,
                                 const uint8_t *data, size_t len, void *arg, cg_err *err);

/* --- org_moves.c ---------------------------------------------------------- */

/* Consumer of cg.evt.gateway.org_unit.moved: every clue under the moved
 * unit takes its new path. */
cg_code case_on_org_unit_moved(PGconn *conn, const char *subject, const char *event_id,
                               const uint8_t *data, size_t len, void *arg, cg_err *err);

#endif
