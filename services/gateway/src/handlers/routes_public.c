/* Public reports (码上监督): no login. The gateway checks the body, resolves
 * the org unit the QR code names, and hands the report to intake. The
 * reporter's identity passes through in the RPC and is never logged here;
 * the request body and the answer (which holds the receipt) are wiped once
 * used. */
#include <sodium.h>
#include <string.h>

#include "cg/log.h"
#include "cg/util.h"
#include "gateway.h"

/* Resolve an org unit code to its ltree path, from the org cache when it
 * knows the code. An unknown code is the client's mistake (INVALID_ARGUMENT
 * on unit_code), not a missing resource; it is asked of the database every
 * time and never cached, so a unit added later is found at once. */
cg_code gw_resolve_unit(gw_app *app, const char *code, char *path, size_t path_size, cg_err *err)
{
    cg_code rc = CG_INTERNAL;
    PGresult *res = NULL;
    int64_t asked_ms = cg_mono_ms();

    if (gw_org_cache_get(app->org_cache, code, asked_ms, path, path_size)) {
        rc = CG_OK;
        goto cleanup;
    }
    const char *params[] = {code};
    rc = cg_db_query(app->base.db, GW_DB_ACQUIRE_MS,
                     "SELECT path::text FROM org_units WHERE code = $1", 1, params, &res, err);
    if (rc != CG_OK)
        goto cleanup;
    if (PQntuples(res) != 1) {
        cg_err_add_violation(err, "unit_code", "is not a known org unit");
        rc = err->code;
        goto cleanup;
    }
    if (!cg_strlcpy(path, cg_db_get(res, 0, 0), path_size)) {
        rc = cg_err_set(err, CG_INTERNAL, "org path of %s is too long", code);
        goto cleanup;
    }
    gw_org_cache_put(app->org_cache, code, path, asked_ms);
    rc = CG_OK;

cleanup:
    PQclear(res);
    return rc;
}

/* The 201 answer. The receipt is shown once: its copy in the reply is wiped
 * as soon as the JSON holds it. */
static cJSON *submit_reply_json(ProtobufCMessage *msg)
{
    Cleangrid__V1__SubmitReportReply *reply = (Cleangrid__V1__SubmitReportReply *)msg;
    cJSON *out = gw_json_submit_reply(reply);
    if (out != NULL)
        cg_log_fields(CG_LOG_INFO, "report submitted", "report_id", reply->report_id, NULL);
    if (reply->receipt != NULL)
        sodium_memzero(reply->receipt, strlen(reply->receipt));
    return out;
}

static cJSON *status_reply_json(ProtobufCMessage *msg)
{
    return gw_json_report_status((Cleangrid__V1__GetReportStatusReply *)msg);
}

void gw_route_submit_report(gw_request *req)
{
    cJSON *body = NULL;
    Cleangrid__V1__SubmitReportRequest rpc = CLEANGRID__V1__SUBMIT_REPORT_REQUEST__INIT;
    Cleangrid__V1__CallContext ctx = CLEANGRID__V1__CALL_CONTEXT__INIT;
    const char *unit_code = NULL;
    char org_path[512];
    cg_err err;

    cg_err_clear(&err);
    if (gw_http_read_json(req, &body) != CG_OK)
        goto cleanup;
    if (gw_map_submit_report(body, &rpc, &unit_code, &err) != CG_OK ||
        gw_call_context(&ctx, req, &err) != CG_OK ||
        gw_resolve_unit(req->app, unit_code, org_path, sizeof(org_path), &err) != CG_OK) {
        gw_http_send_err(req, &err);
        goto cleanup;
    }
    rpc.ctx = &ctx;
    rpc.org_path = org_path;
    gw_http_forward(req, "intake", "SubmitReport", &rpc.base,
                    &cleangrid__v1__submit_report_reply__descriptor, submit_reply_json, 201);

cleanup:
    gw_json_delete_wiped(body);
}

void gw_route_report_status(gw_request *req)
{
    cJSON *body = NULL;
    Cleangrid__V1__GetReportStatusRequest rpc = CLEANGRID__V1__GET_REPORT_STATUS_REQUEST__INIT;
    Cleangrid__V1__CallContext ctx = CLEANGRID__V1__CALL_CONTEXT__INIT;
    cg_err err;

    cg_err_clear(&err);
    if (gw_http_read_json(req, &body) != CG_OK)
        goto cleanup;
    if (gw_map_report_status(body, &rpc, &err) != CG_OK ||
        gw_call_context(&ctx, req, &err) != CG_OK) {
        gw_http_send_err(req, &err);
        goto cleanup;
    }
    rpc.ctx = &ctx;
    gw_http_forward(req, "intake", "GetReportStatus", &rpc.base,
                    &cleangrid__v1__get_report_status_reply__descriptor, status_reply_json, 200);

cleanup:
    gw_json_delete_wiped(body);
}
