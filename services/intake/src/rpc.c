/* cg.rpc.intake.*: the method table, and what each method does between the
 * frame common/ runs (cg/rpc.h): check, record or find, fill the reply. */
#include <sodium.h>
#include <string.h>

#include "cg/log.h"
#include "cg/validate.h"
#include "intake.h"
#include "validate.h"

/* Everything a SubmitReport reply borrows; the dispatcher wipes it, receipt
 * and hash included, after the answer. */
typedef struct submit_state {
    intake_submitted sub;
} submit_state;

/* Validate, then draw the receipt and hash it before the connection is
 * taken: argon2id is the slow part, and a connection held meanwhile would
 * idle while other requests wait. */
static cg_code submit_check(cg_rpc_req *r, const void *request, cg_err *err)
{
    intake_app *app = r->arg;
    submit_state *s = cg_rpc_state(r, sizeof *s, NULL, err);
    if (s == NULL || intake_report_validate(request, err) != CG_OK) {
        return err->code;
    }
    return intake_report_draw(app, &s->sub, err);
}

static cg_code submit_report(cg_rpc_req *r, const void *request, PGconn *conn, void *reply,
                             cg_err *err)
{
    const Cleangrid__V1__SubmitReportRequest *req = request;
    Cleangrid__V1__SubmitReportReply *out = reply;
    submit_state *s = r->state;

    if (intake_report_record(r->arg, conn, req, r->request_id, &s->sub, err) != CG_OK) {
        return err->code;
    }
    /* A reply with no Status means OK (see cg_err_from_pb). */
    out->report_id = s->sub.report_id;
    out->receipt = s->sub.receipt;
    out->submitted_at_ms = s->sub.submitted_at_ms;
    cg_log_fields(CG_LOG_INFO, "report submitted", "report_id", s->sub.report_id, "org_path",
                  req->org_path, "anonymous", req->anonymous ? "true" : "false", NULL);
    return CG_OK;
}

/* The request held a receipt; do not leave it in freed memory. */
static void wipe_receipt(void *state, void *request)
{
    (void)state;
    Cleangrid__V1__GetReportStatusRequest *req = request;
    if (req->receipt != NULL) {
        sodium_memzero(req->receipt, strlen(req->receipt));
    }
}

static cg_code status_check(cg_rpc_req *r, const void *request, cg_err *err)
{
    const Cleangrid__V1__GetReportStatusRequest *req = request;
    if (cg_rpc_state(r, sizeof(intake_report_state), wipe_receipt, err) == NULL) {
        return err->code;
    }
    cg_check_digits(err, "receipt", req->receipt, CG_RECEIPT_DIGITS);
    return err->code;
}

/* No connection from the frame: intake_report_find() gives its own back
 * before the slow verification of the receipt. */
static cg_code get_report_status(cg_rpc_req *r, const void *request, PGconn *conn, void *reply,
                                 cg_err *err)
{
    (void)conn;
    const Cleangrid__V1__GetReportStatusRequest *req = request;
    Cleangrid__V1__GetReportStatusReply *out = reply;
    intake_report_state *state = r->state;

    if (intake_report_find(r->arg, req->receipt, state, err) != CG_OK) {
        return err->code;
    }
    out->report_status = state->status;
    out->submitted_at_ms = state->submitted_at_ms;
    out->updated_at_ms = state->updated_at_ms;
    return CG_OK;
}

/* Both are public: the reporter has no account, only the receipt. */
static const cg_rpc_row rows[] = {
    {.name = "SubmitReport",
     .request = &cleangrid__v1__submit_report_request__descriptor,
     .reply = &cleangrid__v1__submit_report_reply__descriptor,
     .anyone = true,
     .db = CG_RPC_DB_TX,
     .check = submit_check,
     .handler = submit_report,
     /* A retry with the same Idempotency-Key gets the same report and the
      * same receipt, whatever answer the first attempt lost on the way. */
     .idempotent = true},
    {.name = "GetReportStatus",
     .request = &cleangrid__v1__get_report_status_request__descriptor,
     .reply = &cleangrid__v1__get_report_status_reply__descriptor,
     .anyone = true,
     .db = CG_RPC_DB_NONE,
     .check = status_check,
     .handler = get_report_status},
};
const cg_rpc_table intake_rpc_table = {.rows = rows, .nrows = sizeof rows / sizeof rows[0]};
