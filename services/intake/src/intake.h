/* The intake service (码上监督): what main() wires together.
 *
 * report.c  the reports table and the transaction that records a report and
 *           its ReportSubmitted event together;
 * rpc.c     the method table: cg.rpc.intake.SubmitReport and GetReportStatus
 *           as rows (cg/rpc.h), with what each does inside the frame;
 * events.c  the ClueCreated consumer that marks a report forwarded. */
#ifndef INTAKE_H
#define INTAKE_H

#include <stdbool.h>
#include <stdint.h>

#include "cg/org.h"
#include "cg/service.h"
#include "cg/util.h"
#include "cleangrid/v1/intake.pb-c.h"
#include "identity.h"
#include "receipt.h"

#define INTAKE_DURABLE_CLUE_CREATED "intake-clue-created"
#define INTAKE_DURABLE_ORG_UNIT_MOVED "intake-org-unit-moved"
#define INTAKE_SUBJECT_CLUE_CREATED "cg.evt.case.clue.created"
#define INTAKE_SUBJECT_REPORT_SUBMITTED "cg.evt.intake.report.submitted"

typedef struct intake_app {
    cg_service_base *base; /* borrowed; outlives the app */

    /* Filled by cg_config_load(). */
    char *receipt_key_hex;  /* secret: 64 hex digits */
    char *identity_key_hex; /* the custodian's public key: 64 hex digits */
    long receipt_opslimit;
    long receipt_memlimit_kib;

    /* Derived by intake_app_init(). */
    intake_receipt_params receipt;
    intake_identity_key identity_key;
    /* The hash of a receipt nobody holds, verified when no row matches a
     * lookup key, so that "no such key" and "wrong receipt" take the same
     * time and a caller cannot learn which lookup keys exist. */
    char decoy_hash[INTAKE_RECEIPT_HASH_SIZE];
} intake_app;

/* Derive the receipt cost from the configuration and hash the decoy. Needs
 * sodium_init() (done by cg_service_base_configure). */
cg_code intake_app_init(intake_app *app, cg_service_base *base, cg_err *err);

/* --- report.c ------------------------------------------------------------ */

/* A report being submitted: its receipt and hash (drawn before the
 * transaction), then its id and time (once recorded). The receipt exists
 * in the clear only for the reply; whoever holds this wipes it. */
typedef struct intake_submitted {
    char report_id[CG_UUID_LEN];
    char receipt[INTAKE_RECEIPT_DIGITS + 1]; /* secret */
    char hash[INTAKE_RECEIPT_HASH_SIZE];
    int64_t submitted_at_ms;
} intake_submitted;

/* Draw a fresh receipt into out and hash it (slow: argon2id); neither is
 * ever logged. Needs no database. */
cg_code intake_report_draw(const intake_app *app, intake_submitted *out, cg_err *err);

/* Record a validated report and its ReportSubmitted event (without the
 * reporter's identity) inside the caller's transaction on conn, under the
 * receipt drawn into out, drawing another while its lookup key is taken;
 * fills out's id and time. correlation_id is borrowed. The caller commits
 * and wakes the outbox relay. */
cg_code intake_report_record(intake_app *app, PGconn *conn,
                             const Cleangrid__V1__SubmitReportRequest *req,
                             const char *correlation_id, intake_submitted *out, cg_err *err);

/* Seal every reporter identity still stored in the clear (rows written
 * before identities were sealed), a page at a time; called once at start,
 * after the migrations. */
cg_code intake_report_seal_clear_identities(intake_app *app, cg_err *err);

typedef struct intake_report_state {
    char status[16]; /* received | forwarded */
    int64_t submitted_at_ms;
    int64_t updated_at_ms;
} intake_report_state;

/* Find the report a well-formed receipt belongs to. NOT_FOUND, with the same
 * message and about the same time, whether no report has the receipt's
 * lookup key or the receipt does not match its hash. */
cg_code intake_report_find(intake_app *app, const char *receipt, intake_report_state *out,
                           cg_err *err);

/* Mark report_id forwarded as clue_id, inside the caller's transaction on
 * conn. *found tells whether such a report exists. Both ids must be UUIDs. */
cg_code intake_report_mark_forwarded(PGconn *conn, const char *report_id, const char *clue_id,
                                     bool *found, cg_err *err);

/* --- rpc.c --------------------------------------------------------------- */

/* The rows; each handler's arg (r->arg) is the intake_app. */
extern const cg_rpc_table intake_rpc_table;

/* --- events.c ------------------------------------------------------------ */

/* cg_event_handler for cg.evt.case.clue.created; arg is the intake_app. */
cg_code intake_on_clue_created(PGconn *conn, const char *subject, const char *event_id,
                               const uint8_t *data, size_t len, void *arg, cg_err *err);

/* What the consumer of cg.evt.gateway.org_unit.moved (cg_org_on_unit_moved)
 * moves (org_moves.c): every report under the moved unit takes its new
 * path. */
extern const cg_org_moves intake_org_moves;

#endif
