/* Cases (案件), issue 4: the case list, and the steps that leave a case's
 * stage (investigators, disposition items and their executed marks, the
 * extension of the investigation deadline). Each step is a CaseAction of
 * the case service, which checks roles, scope, recusal and the stage
 * itself; the dispatcher has checked the route's permission. */
#include <string.h>

#include "cg/nats.h"
#include "cg/util.h"
#include "gateway.h"
#include "json_clues.h"

static cJSON *list_reply_json(ProtobufCMessage *msg)
{
    return gw_json_case_list((Cleangrid__V1__ListCasesReply *)msg);
}

void gw_route_list_cases(gw_request *req)
{
    Cleangrid__V1__ListCasesRequest rpc = CLEANGRID__V1__LIST_CASES_REQUEST__INIT;
    Cleangrid__V1__CallContext ctx = CLEANGRID__V1__CALL_CONTEXT__INIT;
    Cleangrid__V1__PageRequest page = CLEANGRID__V1__PAGE_REQUEST__INIT;
    gw_case_filter_buf filters;
    char cursor[512], org_path[512] = "";
    const char *unit_code = "";
    cg_err err;

    /* gw_map_page starts from a cleared error; the filters add to it, so
     * every bad parameter is named at once. */
    cg_err_clear(&err);
    gw_map_page(req->query, &page, cursor, sizeof(cursor), &err);
    gw_map_case_filters(req->query, &rpc, &filters, &unit_code, &err);
    if (err.code != CG_OK || gw_call_context(&ctx, req, &err) != CG_OK ||
        (unit_code[0] != '\0' &&
         gw_resolve_unit(req->app, unit_code, org_path, sizeof(org_path), &err) != CG_OK)) {
        gw_http_send_err(req, &err);
        return;
    }
    rpc.org_path = org_path;
    rpc.ctx = &ctx;
    rpc.page = &page;
    gw_http_forward(req, "case", "ListCases", &rpc.base,
                    &cleangrid__v1__list_cases_reply__descriptor, list_reply_json, 200);
}

void gw_route_case_step(gw_request *req)
{
    cJSON *body = NULL;
    Cleangrid__V1__CaseActionRequest rpc = CLEANGRID__V1__CASE_ACTION_REQUEST__INIT;
    Cleangrid__V1__CallContext ctx = CLEANGRID__V1__CALL_CONTEXT__INIT;
    char person[128] = "", scope[512] = "", unit_path[512] = "";
    const char *unit_code = "";
    cg_err err;

    cg_err_clear(&err);
    /* The route table sends only the step paths here. */
    const char *action = gw_case_step_of_path(req->path);
    if (action == NULL) {
        cg_err_set(&err, CG_INTERNAL, "no case step for %s", req->path);
        gw_http_send_err(req, &err);
        goto cleanup;
    }
    if (gw_http_read_json(req, &body) != CG_OK)
        goto cleanup;
    if (gw_map_case_step(body, action, &rpc, &unit_code, &err) == CG_OK &&
        !cg_uuid_valid(req->route_id))
        cg_err_add_violation(&err, "id", "must be a UUID");
    /* A named investigator is looked up as an assignee is: an active
     * inspector or lead, whose person id and unit the case service checks.
     * A removal needs only the id. */
    if (err.code == CG_OK && strcmp(action, "add_investigator") == 0 &&
        cg_uuid_valid(rpc.investigator_id))
        gw_lookup_assignee(req->app, "investigator_id", rpc.investigator_id, person, sizeof(person),
                           scope, sizeof(scope), &err);
    /* A rectification recommendation's unit, as a path the case service
     * compares with the case's unit. */
    if (err.code == CG_OK && unit_code[0] != '\0')
        gw_resolve_unit(req->app, unit_code, unit_path, sizeof(unit_path), &err);
    if (err.code != CG_OK || gw_call_context(&ctx, req, &err) != CG_OK) {
        gw_http_send_err(req, &err);
        goto cleanup;
    }
    rpc.ctx = &ctx;
    rpc.case_id = (char *)req->route_id;
    rpc.investigator_person_id = person;
    rpc.investigator_scope = scope;
    rpc.item_org_path = unit_path;
    gw_http_forward(req, "case", "CaseAction", &rpc.base,
                    &cleangrid__v1__get_case_reply__descriptor, gw_case_reply_json, 200);

cleanup:
    cJSON_Delete(body);
}

/* POST /api/v1/cases/{id}/recuse: a recusal (回避) on a case is one on its
 * clue, whose scope, subjects and recusals the case keeps. The case is
 * first found as the caller may see it (404 otherwise), then the recusal is
 * declared on its clue, which also ends the caller's part as a named
 * investigator. */
void gw_route_recuse_case(gw_request *req)
{
    cJSON *body = NULL;
    Cleangrid__V1__GetCaseRequest get = CLEANGRID__V1__GET_CASE_REQUEST__INIT;
    Cleangrid__V1__ClueActionRequest rpc = CLEANGRID__V1__CLUE_ACTION_REQUEST__INIT;
    Cleangrid__V1__CallContext ctx = CLEANGRID__V1__CALL_CONTEXT__INIT;
    ProtobufCMessage *found = NULL;
    cg_err err;

    cg_err_clear(&err);
    if (gw_http_read_json(req, &body) != CG_OK)
        goto cleanup;
    if (gw_map_clue_action(body, "recuse", &rpc, &err) == CG_OK && !cg_uuid_valid(req->route_id))
        cg_err_add_violation(&err, "id", "must be a UUID");
    if (err.code != CG_OK || gw_call_context(&ctx, req, &err) != CG_OK) {
        gw_http_send_err(req, &err);
        goto cleanup;
    }
    get.ctx = &ctx;
    get.id = (char *)req->route_id;
    if (cg_rpc_call_method(req->app->base.nats, "case", "GetCase", req->request_id, &get.base,
                           &cleangrid__v1__get_case_reply__descriptor, req->app->rpc_timeout_ms,
                           &found, &err) != CG_OK) {
        gw_http_send_err(req, &err);
        goto cleanup;
    }
    const Cleangrid__V1__GetCaseReply *reply = (const Cleangrid__V1__GetCaseReply *)found;
    if (reply->record == NULL || !cg_uuid_valid(reply->record->clue_id)) {
        cg_err_set(&err, CG_INTERNAL, "case answered GetCase without its clue");
        gw_http_send_err(req, &err);
        goto cleanup;
    }
    gw_forward_clue_action(req, &rpc, &ctx, reply->record->clue_id);

cleanup:
    if (found != NULL)
        protobuf_c_message_free_unpacked(found, NULL);
    cJSON_Delete(body);
}
