/* cg.rpc.intake.*: decode, check, call report.c, answer. */
#include <sodium.h>
#include <string.h>

#include "cg/log.h"
#include "cg/validate.h"
#include "intake.h"
#include "validate.h"

/* The id that ties the event to the HTTP request that caused it: the
 * CallContext's, or the transport header's when the caller sent no context. */
static const char *request_id_of(const cg_rpc_call *call, const Cleangrid__V1__CallContext *ctx)
{
    if (ctx != NULL && ctx->request_id != NULL && ctx->request_id[0] != '\0') {
        return ctx->request_id;
    }
    return call->request_id;
}

static void submit_report(cg_rpc_call *call, void *arg)
{
    intake_app *app = arg;
    intake_submitted sub = {0};
    cg_err err;
    cg_err_clear(&err);

    Cleangrid__V1__SubmitReportRequest *req = (Cleangrid__V1__SubmitReportRequest *)cg_rpc_decode(
        call, &cleangrid__v1__submit_report_request__descriptor);
    if (req == NULL) {
        /* cg_rpc_decode has answered INVALID_ARGUMENT. */
        return;
    }
    if (intake_report_validate(req, &err) != CG_OK ||
        intake_report_submit(app, req, request_id_of(call, req->ctx), &sub, &err) != CG_OK) {
        cg_rpc_reply_error(call, &err);
        goto cleanup;
    }

    /* A reply with no Status means OK (see cg_err_from_pb). */
    Cleangrid__V1__SubmitReportReply reply = CLEANGRID__V1__SUBMIT_REPORT_REPLY__INIT;
    reply.report_id = sub.report_id;
    reply.receipt = sub.receipt;
    reply.submitted_at_ms = sub.submitted_at_ms;
    cg_rpc_reply(call, &reply.base);
    cg_log_fields(CG_LOG_INFO, "report submitted", "report_id", sub.report_id, "org_path",
                  req->org_path, "anonymous", req->anonymous ? "true" : "false", NULL);

cleanup:
    /* The receipt exists in the clear only for this reply. */
    sodium_memzero(sub.receipt, sizeof sub.receipt);
    protobuf_c_message_free_unpacked(&req->base, NULL);
}

static void get_report_status(cg_rpc_call *call, void *arg)
{
    intake_app *app = arg;
    intake_report_state state = {0};
    cg_err err;
    cg_err_clear(&err);

    Cleangrid__V1__GetReportStatusRequest *req =
        (Cleangrid__V1__GetReportStatusRequest *)cg_rpc_decode(
            call, &cleangrid__v1__get_report_status_request__descriptor);
    if (req == NULL) {
        return;
    }
    if (!cg_check_digits(&err, "receipt", req->receipt, CG_RECEIPT_DIGITS)) {
        cg_rpc_reply_error(call, &err);
        goto cleanup;
    }
    if (intake_report_find(app, req->receipt, &state, &err) != CG_OK) {
        cg_rpc_reply_error(call, &err);
        goto cleanup;
    }

    Cleangrid__V1__GetReportStatusReply reply = CLEANGRID__V1__GET_REPORT_STATUS_REPLY__INIT;
    reply.report_status = state.status;
    reply.submitted_at_ms = state.submitted_at_ms;
    reply.updated_at_ms = state.updated_at_ms;
    cg_rpc_reply(call, &reply.base);

cleanup:
    /* The request held a receipt; do not leave it in freed memory. */
    if (req->receipt != NULL) {
        sodium_memzero(req->receipt, strlen(req->receipt));
    }
    protobuf_c_message_free_unpacked(&req->base, NULL);
}

const cg_rpc_method intake_rpc_methods[] = {
    {"SubmitReport", submit_report},
    {"GetReportStatus", get_report_status},
};
const size_t intake_rpc_nmethods = sizeof intake_rpc_methods / sizeof intake_rpc_methods[0];
