/* Public reports (码上监督): no login. The gateway checks the body, resolves
 * the org unit the QR code names, and hands the report to intake. The
 * reporter's identity passes through in the RPC and is never logged here. */
#include <sodium.h>
#include <string.h>

#include "cg/log.h"
#include "cg/nats.h"
#include "gateway.h"

#define DB_ACQUIRE_MS 2000

/* Resolve an org unit code to its ltree path. An unknown code is the
 * client's mistake (INVALID_ARGUMENT on unit_code), not a missing resource. */
static cg_code resolve_unit(gw_app *app, const char *code, char *path, size_t path_size,
                            cg_err *err)
{
    cg_code rc = CG_INTERNAL;
    PGconn *conn = NULL;
    PGresult *res = NULL;

    conn = cg_db_acquire(app->base.db, DB_ACQUIRE_MS, err);
    if (conn == NULL) {
        rc = err->code;
        goto cleanup;
    }
    const char *params[] = {code};
    rc = cg_db_exec(conn, "SELECT path::text FROM org_units WHERE code = $1", 1, params, &res, err);
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
    rc = CG_OK;

cleanup:
    if (res != NULL)
        PQclear(res);
    if (conn != NULL)
        cg_db_release(app->base.db, conn);
    return rc;
}

void gw_route_submit_report(gw_request *req)
{
    cJSON *body = NULL;
    cJSON *out = NULL;
    Cleangrid__V1__SubmitReportReply *reply = NULL;
    Cleangrid__V1__SubmitReportRequest rpc = CLEANGRID__V1__SUBMIT_REPORT_REQUEST__INIT;
    Cleangrid__V1__CallContext ctx = CLEANGRID__V1__CALL_CONTEXT__INIT;
    const char *unit_code = NULL;
    char org_path[512];
    cg_err err;

    cg_err_clear(&err);
    if (gw_http_read_json(req, &body) != CG_OK)
        goto cleanup;
    if (gw_map_submit_report(body, &rpc, &unit_code, &err) != CG_OK ||
        gw_call_context(&ctx, req, NULL, NULL, &err) != CG_OK ||
        resolve_unit(req->app, unit_code, org_path, sizeof(org_path), &err) != CG_OK) {
        gw_http_send_err(req, &err);
        goto cleanup;
    }
    rpc.ctx = &ctx;
    rpc.org_path = org_path;
    if (cg_rpc_call_method(req->app->base.nats, "intake", "SubmitReport", req->request_id,
                           &rpc.base, &cleangrid__v1__submit_report_reply__descriptor,
                           req->app->rpc_timeout_ms, (ProtobufCMessage **)&reply, &err) != CG_OK) {
        gw_http_send_err(req, &err);
        goto cleanup;
    }
    out = gw_json_submit_reply(reply);
    if (out == NULL) {
        cg_err_set(&err, CG_INTERNAL, "out of memory");
        gw_http_send_err(req, &err);
        goto cleanup;
    }
    cg_log_fields(CG_LOG_INFO, "report submitted", "report_id", reply->report_id, "org_path",
                  org_path, NULL);
    gw_http_send_json(req, 201, out);

cleanup:
    if (reply != NULL)
        protobuf_c_message_free_unpacked(&reply->base, NULL);
    cJSON_Delete(out);
    cJSON_Delete(body);
}

void gw_route_report_status(gw_request *req)
{
    cJSON *body = NULL;
    cJSON *out = NULL;
    Cleangrid__V1__GetReportStatusReply *reply = NULL;
    Cleangrid__V1__GetReportStatusRequest rpc = CLEANGRID__V1__GET_REPORT_STATUS_REQUEST__INIT;
    Cleangrid__V1__CallContext ctx = CLEANGRID__V1__CALL_CONTEXT__INIT;
    cg_err err;

    cg_err_clear(&err);
    if (gw_http_read_json(req, &body) != CG_OK)
        goto cleanup;
    if (gw_map_report_status(body, &rpc, &err) != CG_OK ||
        gw_call_context(&ctx, req, NULL, NULL, &err) != CG_OK) {
        gw_http_send_err(req, &err);
        goto cleanup;
    }
    rpc.ctx = &ctx;
    if (cg_rpc_call_method(req->app->base.nats, "intake", "GetReportStatus", req->request_id,
                           &rpc.base, &cleangrid__v1__get_report_status_reply__descriptor,
                           req->app->rpc_timeout_ms, (ProtobufCMessage **)&reply, &err) != CG_OK) {
        gw_http_send_err(req, &err);
        goto cleanup;
    }
    out = gw_json_report_status(reply);
    if (out == NULL) {
        cg_err_set(&err, CG_INTERNAL, "out of memory");
        gw_http_send_err(req, &err);
        goto cleanup;
    }
    gw_http_send_json(req, 200, out);

cleanup:
    if (reply != NULL)
        protobuf_c_message_free_unpacked(&reply->base, NULL);
    cJSON_Delete(out);
    if (body != NULL && rpc.receipt != NULL)
        sodium_memzero(rpc.receipt, strlen(rpc.receipt));
    cJSON_Delete(body);
}
