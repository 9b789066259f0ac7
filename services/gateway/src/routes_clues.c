/* Problem clues (问题线索). The dispatcher has checked the clue.read
 * permission, so a plain 403 comes back before any RPC; the case service
 * checks role and scope again itself, so a bug here cannot widen anyone's
 * view. */
#include <string.h>

#include "cg/log.h"
#include "cg/util.h"
#include "gateway.h"
#include "json_clues.h"

/* The list filters of the query string into rpc, with the caller's
 * context; the unit code is resolved into org_path (512 bytes, which rpc
 * then points at). False when the request has been answered. page (may be
 * NULL) gets the page parameters too. */
static bool list_filters(gw_request *req, Cleangrid__V1__ListCluesRequest *rpc,
                         Cleangrid__V1__CallContext *ctx, Cleangrid__V1__PageRequest *page,
                         char *cursor, size_t cursor_size, gw_clue_filter_buf *filters,
                         char org_path[512])
{
    const char *unit_code = "";
    cg_err err;

    /* gw_map_page starts from a cleared error; the filters add to it, so
     * every bad parameter is named at once. */
    cg_err_clear(&err);
    if (page != NULL)
        gw_map_page(req->query, page, cursor, cursor_size, &err);
    gw_map_clue_filters(req->query, rpc, filters, &unit_code, &err);
    org_path[0] = '\0';
    if (err.code != CG_OK || gw_call_context(ctx, req, &err) != CG_OK ||
        (unit_code[0] != '\0' &&
         gw_resolve_unit(req->app, unit_code, org_path, 512, &err) != CG_OK)) {
        gw_http_send_err(req, &err);
        return false;
    }
    rpc->org_path = org_path;
    return true;
}

static cJSON *stats_reply_json(ProtobufCMessage *msg)
{
    return gw_json_clue_statistics((Cleangrid__V1__ClueStatisticsReply *)msg);
}

void gw_route_clue_statistics(gw_request *req)
{
    Cleangrid__V1__ClueStatisticsRequest rpc = CLEANGRID__V1__CLUE_STATISTICS_REQUEST__INIT;
    Cleangrid__V1__ListCluesRequest filter = CLEANGRID__V1__LIST_CLUES_REQUEST__INIT;
    Cleangrid__V1__CallContext ctx = CLEANGRID__V1__CALL_CONTEXT__INIT;
    gw_clue_filter_buf filters;
    char org_path[512];

    if (!list_filters(req, &filter, &ctx, NULL, NULL, 0, &filters, org_path))
        return;
    rpc.ctx = &ctx;
    rpc.filter = &filter;
    gw_http_forward(req, "case", "ClueStatistics", &rpc.base,
                    &cleangrid__v1__clue_statistics_reply__descriptor, stats_reply_json, 200);
}

static cJSON *case_stats_reply_json(ProtobufCMessage *msg)
{
    return gw_json_case_statistics((Cleangrid__V1__CaseStatisticsReply *)msg);
}

void gw_route_case_statistics(gw_request *req)
{
    Cleangrid__V1__CaseStatisticsRequest rpc = CLEANGRID__V1__CASE_STATISTICS_REQUEST__INIT;
    Cleangrid__V1__ListCasesRequest filter = CLEANGRID__V1__LIST_CASES_REQUEST__INIT;
    Cleangrid__V1__CallContext ctx = CLEANGRID__V1__CALL_CONTEXT__INIT;
    gw_case_filter_buf filters;
    const char *unit_code = "";
    char org_path[512] = "";
    cg_err err;

    /* The case list's filters (routes_cases.c), so a figure and the list
     * it opens count the same cases. */
    cg_err_clear(&err);
    gw_map_case_filters(req->query, &filter, &filters, &unit_code, &err);
    if (err.code != CG_OK || gw_call_context(&ctx, req, &err) != CG_OK ||
        (unit_code[0] != '\0' &&
         gw_resolve_unit(req->app, unit_code, org_path, sizeof org_path, &err) != CG_OK)) {
        gw_http_send_err(req, &err);
        return;
    }
    filter.org_path = org_path;
    rpc.ctx = &ctx;
    rpc.filter = &filter;
    gw_http_forward(req, "case", "CaseStatistics", &rpc.base,
                    &cleangrid__v1__case_statistics_reply__descriptor, case_stats_reply_json, 200);
}

/* Start a read of clue req->route_id that is audited (a clue, its
 * dossier): every attempt is recorded under action, found or not, since
 * probing for ids is worth seeing too (the id is copied as given, at most
 * GW_ROUTE_ID_MAX bytes of the path). Checks the id and fills ctx; false
 * when the request has been answered. */
static bool sensitive_read(gw_request *req, const char *action, const char *target_type,
                           Cleangrid__V1__CallContext *ctx)
{
    cg_err err;
    gw_audit_expect(req, action, target_type, req->route_id);
    cg_err_clear(&err);
    if (!cg_uuid_valid(req->route_id))
        cg_err_add_violation(&err, "id", "must be a UUID");
    if (err.code != CG_OK || gw_call_context(ctx, req, &err) != CG_OK) {
        gw_http_send_err(req, &err);
        return false;
    }
    return true;
}

/* --- issue 4: the register, disposal steps and the dossier ------------------ */

static cJSON *create_reply_json(ProtobufCMessage *msg)
{
    const Cleangrid__V1__CreateClueReply *reply = (Cleangrid__V1__CreateClueReply *)msg;
    if (reply->clue == NULL) {
        cg_log_error("case answered CreateClue without a clue");
        return NULL;
    }
    return gw_json_clue(reply->clue);
}

static cJSON *edit_reply_json(ProtobufCMessage *msg)
{
    const Cleangrid__V1__ClueActionReply *reply = (Cleangrid__V1__ClueActionReply *)msg;
    if (reply->clue == NULL) {
        cg_log_error("case answered an edit without the clue");
        return NULL;
    }
    return gw_json_clue(reply->clue);
}

static cJSON *dossier_reply_json(ProtobufCMessage *msg)
{
    return gw_json_dossier((Cleangrid__V1__ListDossierReply *)msg);
}

static cJSON *verify_reply_json(ProtobufCMessage *msg)
{
    return gw_json_dossier_verify((Cleangrid__V1__VerifyDossierReply *)msg);
}

void gw_route_create_clue(gw_request *req)
{
    cJSON *body = NULL;
    Cleangrid__V1__CreateClueRequest rpc = CLEANGRID__V1__CREATE_CLUE_REQUEST__INIT;
    Cleangrid__V1__CallContext ctx = CLEANGRID__V1__CALL_CONTEXT__INIT;
    gw_clue_form form;
    const char *unit_code = NULL;
    char org_path[512];
    cg_err err;

    cg_err_clear(&err);
    if (gw_http_read_json(req, &body) != CG_OK)
        goto cleanup;
    if (gw_map_create_clue(body, &rpc, &form, &unit_code, &err) != CG_OK ||
        gw_call_context(&ctx, req, &err) != CG_OK ||
        gw_resolve_unit(req->app, unit_code, org_path, sizeof(org_path), &err) != CG_OK) {
        gw_http_send_err(req, &err);
        goto cleanup;
    }
    rpc.ctx = &ctx;
    rpc.org_path = org_path;
    gw_http_forward(req, "case", "CreateClue", &rpc.base,
                    &cleangrid__v1__create_clue_reply__descriptor, create_reply_json, 201);

cleanup:
    cJSON_Delete(body);
}

void gw_route_edit_clue(gw_request *req)
{
    cJSON *body = NULL;
    Cleangrid__V1__ClueActionRequest rpc = CLEANGRID__V1__CLUE_ACTION_REQUEST__INIT;
    Cleangrid__V1__CallContext ctx = CLEANGRID__V1__CALL_CONTEXT__INIT;
    gw_clue_edit edit;
    cg_err err;

    cg_err_clear(&err);
    if (gw_http_read_json(req, &body) != CG_OK)
        goto cleanup;
    if (gw_map_clue_edit(body, &rpc, &edit, &err) == CG_OK && !cg_uuid_valid(req->route_id))
        cg_err_add_violation(&err, "id", "must be a UUID");
    if (err.code != CG_OK || gw_call_context(&ctx, req, &err) != CG_OK) {
        gw_http_send_err(req, &err);
        goto cleanup;
    }
    rpc.ctx = &ctx;
    rpc.clue_id = req->route_id;
    gw_http_forward(req, "case", "ClueAction", &rpc.base,
                    &cleangrid__v1__clue_action_reply__descriptor, edit_reply_json, 200);

cleanup:
    cJSON_Delete(body);
}

/* The kind of file a dossier route names, for its audit record: the same
 * handlers serve /api/v1/clues/{id}/dossier and /api/v1/cases/{id}/dossier. */
static const char *dossier_file_type(const gw_request *req)
{
    return strncmp(req->path, "/api/v1/cases/", 14) == 0 ? "case" : "clue";
}

void gw_route_clue_dossier(gw_request *req)
{
    Cleangrid__V1__ListDossierRequest rpc = CLEANGRID__V1__LIST_DOSSIER_REQUEST__INIT;
    Cleangrid__V1__CallContext ctx = CLEANGRID__V1__CALL_CONTEXT__INIT;
    Cleangrid__V1__PageRequest page = CLEANGRID__V1__PAGE_REQUEST__INIT;
    char cursor[64];
    cg_err err;

    if (!sensitive_read(req, "dossier.read", dossier_file_type(req), &ctx))
        return;
    if (gw_map_page(req->query, &page, cursor, sizeof(cursor), &err) != CG_OK) {
        gw_http_send_err(req, &err);
        return;
    }
    rpc.ctx = &ctx;
    rpc.file_id = req->route_id;
    rpc.page = &page;
    gw_http_forward(req, "case", "ListDossier", &rpc.base,
                    &cleangrid__v1__list_dossier_reply__descriptor, dossier_reply_json, 200);
}

void gw_route_clue_dossier_verify(gw_request *req)
{
    Cleangrid__V1__VerifyDossierRequest rpc = CLEANGRID__V1__VERIFY_DOSSIER_REQUEST__INIT;
    Cleangrid__V1__CallContext ctx = CLEANGRID__V1__CALL_CONTEXT__INIT;

    if (!sensitive_read(req, "dossier.verify", dossier_file_type(req), &ctx))
        return;
    rpc.ctx = &ctx;
    rpc.file_id = req->route_id;
    gw_http_forward(req, "case", "VerifyDossier", &rpc.base,
                    &cleangrid__v1__verify_dossier_reply__descriptor, verify_reply_json, 200);
}
