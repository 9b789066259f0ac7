/* Problem clues (问题线索). The dispatcher has checked the clue.read
 * permission, so a plain 403 comes back before any RPC; the case service
 * checks role and scope again itself, so a bug here cannot widen anyone's
 * view. */
#include "cg/log.h"
#include "cg/util.h"
#include "gateway.h"

static cJSON *list_reply_json(ProtobufCMessage *msg)
{
    return gw_json_clue_list((Cleangrid__V1__ListCluesReply *)msg);
}

static cJSON *get_reply_json(ProtobufCMessage *msg)
{
    const Cleangrid__V1__GetClueReply *reply = (Cleangrid__V1__GetClueReply *)msg;
    if (reply->clue == NULL) {
        /* An OK reply without a clue breaks the contract: answer 500. */
        cg_log_error("case answered GetClue without a clue");
        return NULL;
    }
    return gw_json_clue(reply->clue);
}

void gw_route_list_clues(gw_request *req)
{
    Cleangrid__V1__ListCluesRequest rpc = CLEANGRID__V1__LIST_CLUES_REQUEST__INIT;
    Cleangrid__V1__CallContext ctx = CLEANGRID__V1__CALL_CONTEXT__INIT;
    Cleangrid__V1__PageRequest page = CLEANGRID__V1__PAGE_REQUEST__INIT;
    char cursor[512];
    cg_err err;

    cg_err_clear(&err);
    if (gw_map_page(req->query, &page, cursor, sizeof(cursor), &err) != CG_OK ||
        gw_call_context(&ctx, req, &err) != CG_OK) {
        gw_http_send_err(req, &err);
        return;
    }
    rpc.ctx = &ctx;
    rpc.page = &page;
    gw_http_forward(req, "case", "ListClues", &rpc.base,
                    &cleangrid__v1__list_clues_reply__descriptor, list_reply_json, 200);
}

void gw_route_get_clue(gw_request *req)
{
    Cleangrid__V1__GetClueRequest rpc = CLEANGRID__V1__GET_CLUE_REQUEST__INIT;
    Cleangrid__V1__CallContext ctx = CLEANGRID__V1__CALL_CONTEXT__INIT;
    cg_err err;

    /* A clue is read like a dossier: every attempt is recorded, found or
     * not, since probing for ids is worth seeing too. The id is copied as
     * given (at most GW_ROUTE_ID_MAX bytes of the path). */
    gw_audit_expect(req, "clue.read", "clue", req->route_id);
    cg_err_clear(&err);
    if (!cg_uuid_valid(req->route_id))
        cg_err_add_violation(&err, "id", "must be a UUID");
    if (err.code != CG_OK || gw_call_context(&ctx, req, &err) != CG_OK) {
        gw_http_send_err(req, &err);
        return;
    }
    rpc.ctx = &ctx;
    rpc.id = (char *)req->route_id;
    req->etag = true;
    gw_http_forward(req, "case", "GetClue", &rpc.base, &cleangrid__v1__get_clue_reply__descriptor,
                    get_reply_json, 200);
}
