/* Problem clues (问题线索): inspectors read them. The gateway checks the
 * role so a plain 403 comes back fast; the case service checks role and
 * scope again itself, so a bug here cannot widen anyone's view. */
#include <string.h>

#include "cg/nats.h"
#include "cg/util.h"
#include "gateway.h"

static const char *const clue_readers[] = {"inspector", "inspection_lead", "admin", NULL};

/* Authenticate and check the role. On CG_OK *who is the caller; otherwise
 * the request has been answered. */
static cg_code require_reader(gw_request *req, gw_principal *who)
{
    if (gw_auth_require(req, who) != CG_OK)
        return CG_UNAUTHENTICATED;
    if (!gw_auth_has_role(who, clue_readers)) {
        gw_http_send_problem(req, 403, "PERMISSION_DENIED", "this role may not read clues", NULL,
                             NULL);
        return CG_PERMISSION_DENIED;
    }
    return CG_OK;
}

void gw_route_list_clues(gw_request *req)
{
    gw_principal who;
    cJSON *out = NULL;
    Cleangrid__V1__ListCluesReply *reply = NULL;
    Cleangrid__V1__ListCluesRequest rpc = CLEANGRID__V1__LIST_CLUES_REQUEST__INIT;
    Cleangrid__V1__CallContext ctx = CLEANGRID__V1__CALL_CONTEXT__INIT;
    Cleangrid__V1__PageRequest page = CLEANGRID__V1__PAGE_REQUEST__INIT;
    char *role_slot = NULL;
    char cursor[512];
    cg_err err;

    cg_err_clear(&err);
    if (require_reader(req, &who) != CG_OK)
        goto cleanup;
    if (gw_map_page(req->query, &page, cursor, sizeof(cursor), &err) != CG_OK ||
        gw_call_context(&ctx, req, &who, &role_slot, &err) != CG_OK) {
        gw_http_send_err(req, &err);
        goto cleanup;
    }
    rpc.ctx = &ctx;
    rpc.page = &page;
    if (cg_rpc_call_method(req->app->base.nats, "case", "ListClues", req->request_id, &rpc.base,
                           &cleangrid__v1__list_clues_reply__descriptor, req->app->rpc_timeout_ms,
                           (ProtobufCMessage **)&reply, &err) != CG_OK) {
        gw_http_send_err(req, &err);
        goto cleanup;
    }
    out = gw_json_clue_list(reply);
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
}

void gw_route_get_clue(gw_request *req)
{
    gw_principal who;
    cJSON *out = NULL;
    Cleangrid__V1__GetClueReply *reply = NULL;
    Cleangrid__V1__GetClueRequest rpc = CLEANGRID__V1__GET_CLUE_REQUEST__INIT;
    Cleangrid__V1__CallContext ctx = CLEANGRID__V1__CALL_CONTEXT__INIT;
    char *role_slot = NULL;
    cg_err err;

    cg_err_clear(&err);
    if (require_reader(req, &who) != CG_OK)
        goto cleanup;
    if (!cg_uuid_valid(req->route_id)) {
        cg_err_add_violation(&err, "id", "must be a UUID");
        gw_http_send_err(req, &err);
        goto cleanup;
    }
    if (gw_call_context(&ctx, req, &who, &role_slot, &err) != CG_OK) {
        gw_http_send_err(req, &err);
        goto cleanup;
    }
    rpc.ctx = &ctx;
    rpc.id = (char *)req->route_id;
    if (cg_rpc_call_method(req->app->base.nats, "case", "GetClue", req->request_id, &rpc.base,
                           &cleangrid__v1__get_clue_reply__descriptor, req->app->rpc_timeout_ms,
                           (ProtobufCMessage **)&reply, &err) != CG_OK) {
        gw_http_send_err(req, &err);
        goto cleanup;
    }
    if (reply->clue == NULL) {
        /* An OK reply without a clue breaks the contract; say so plainly. */
        cg_err_set(&err, CG_INTERNAL, "case answered GetClue without a clue");
        gw_http_send_err(req, &err);
        goto cleanup;
    }
    out = gw_json_clue(reply->clue);
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
}
