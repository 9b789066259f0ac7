/* Enrichers of forwarding routes (forward.h): each fills request fields
 * that the gateway knows and a client may not set, from the gateway's own
 * database, before the call. */
#include <string.h>

#include "cg/db.h"
#include "cg/nats.h"
#include "cg/pbjson.h"
#include "cg/util.h"
#include "gateway.h"

/* The account a clue is to be assigned to: an active inspector or
 * inspection lead. Its person id and the path of its unit go into the RPC
 * (copied into person and scope), so the case service can keep a subject
 * of the clue, or someone whose unit does not cover it, from handling it.
 * An unknown account is INVALID_ARGUMENT on field. */
cg_code gw_lookup_assignee(gw_app *app, const char *field, const char *account_id, char *person,
                           size_t person_size, char *scope, size_t scope_size, cg_err *err)
{
    cg_code rc;
    PGresult *res = NULL;
    const char *params[] = {account_id};

    rc = cg_db_query(app->base.db, GW_DB_ACQUIRE_MS,
                     "SELECT coalesce(a.person_id, ''), u.path::text FROM accounts a"
                     " JOIN org_units u ON u.code = a.org_unit"
                     " WHERE a.id = $1::uuid AND a.status <> 'disabled'"
                     " AND a.roles && ARRAY['inspector', 'inspection_lead']::text[]",
                     1, params, &res, err);
    if (rc != CG_OK)
        goto cleanup;
    if (PQntuples(res) != 1) {
        cg_err_add_violation(err, field, "is not an active inspector or inspection lead account");
        rc = err->code;
        goto cleanup;
    }
    cg_strlcpy(person, cg_db_get(res, 0, 0), person_size);
    cg_strlcpy(scope, cg_db_get(res, 0, 1), scope_size);

cleanup:
    PQclear(res);
    return rc;
}

/* The string field at path (dotted: "filter.unit_code") of msg; "" when
 * msg has none there or a message on the way is unset. */
static const char *text_field(const ProtobufCMessage *msg, const char *path)
{
    char name[64];
    while (msg != NULL) {
        size_t n = strcspn(path, ".");
        if (n >= sizeof(name))
            return "";
        memcpy(name, path, n);
        name[n] = '\0';
        const ProtobufCFieldDescriptor *f =
            protobuf_c_message_descriptor_get_field_by_name(msg->descriptor, name);
        if (f == NULL || f->label == PROTOBUF_C_LABEL_REPEATED)
            return "";
        const void *at = (const char *)msg + f->offset;
        if (path[n] == '\0') {
            const char *value = f->type == PROTOBUF_C_TYPE_STRING ? *(const char *const *)at : NULL;
            return value != NULL ? value : "";
        }
        if (f->type != PROTOBUF_C_TYPE_MESSAGE)
            return "";
        msg = *(const ProtobufCMessage *const *)at;
        path += n + 1;
    }
    return "";
}

/* The account in id_field as an assignee: its person id and unit path into
 * person_field and scope_field. A malformed id is the case service's to
 * refuse, by its own rule. */
static cg_code assignee(gw_request *req, ProtobufCMessage *rpc, const char *id_field,
                        const char *person_field, const char *scope_field, cg_err *err)
{
    const char *id = text_field(rpc, id_field);
    char person[80] = "", scope[512] = "";

    if (!cg_uuid_valid(id))
        return CG_OK;
    if (gw_lookup_assignee(req->app, id_field, id, person, sizeof(person), scope, sizeof(scope),
                           err) != CG_OK)
        return err->code;
    cg_pbjson_set_text(req->app->codec, rpc, person_field, person, id_field, err);
    cg_pbjson_set_text(req->app->codec, rpc, scope_field, scope, id_field, err);
    return err->code;
}

/* The unit code in code_field resolved into path_field; none given, none
 * resolved. */
static cg_code unit(gw_request *req, ProtobufCMessage *rpc, const char *code_field,
                    const char *path_field, cg_err *err)
{
    const char *code = text_field(rpc, code_field);
    char path[512];

    if (code[0] == '\0')
        return CG_OK;
    if (gw_resolve_unit(req->app, code, path, sizeof(path), err) != CG_OK)
        return err->code;
    return cg_pbjson_set_text(req->app->codec, rpc, path_field, path, code_field, err);
}

cg_code gw_enrich_clue_handler(gw_request *req, ProtobufCMessage *rpc, cg_err *err)
{
    return assignee(req, rpc, "handler_id", "handler_person_id", "handler_scope", err);
}

/* The account a clue's held-back name is confirmed to name: its person
 * id, whatever its role or status, when the account lies inside the
 * caller's scope; the case service refuses a confirmation without one. */
/* The account in id_field (a UUID; nothing when none is given), whatever
 * its role or status, when it lies inside the caller's scope: its person id
 * into person_field. Violations name key, the body's name for the field. */
static cg_code account_person(gw_request *req, ProtobufCMessage *rpc, const char *id_field,
                              const char *person_field, const char *key, cg_err *err)
{
    cg_code rc;
    PGresult *res = NULL;
    const char *id = text_field(rpc, id_field);
    const char *params[] = {id, req->who->org_path};

    if (id[0] == '\0')
        return CG_OK;
    if (!cg_uuid_valid(id)) {
        cg_err_add_violation(err, key, "is not an account id");
        return err->code;
    }
    rc = cg_db_query(req->app->base.db, GW_DB_ACQUIRE_MS,
                     "SELECT coalesce(a.person_id, '') FROM accounts a"
                     " JOIN org_units u ON u.code = a.org_unit"
                     " WHERE a.id = $1::uuid AND u.path <@ $2::ltree",
                     2, params, &res, err);
    if (rc != CG_OK)
        goto cleanup;
    if (PQntuples(res) != 1) {
        cg_err_add_violation(err, key, "is not an account inside your scope");
        rc = err->code;
        goto cleanup;
    }
    rc = cg_pbjson_set_text(req->app->codec, rpc, person_field, cg_db_get(res, 0, 0), key, err);

cleanup:
    PQclear(res);
    return rc;
}

cg_code gw_enrich_clue_subject(gw_request *req, ProtobufCMessage *rpc, cg_err *err)
{
    /* Not a UUID: the case service names the missing account itself. */
    if (!cg_uuid_valid(text_field(rpc, "subject_account_id")))
        return CG_OK;
    return account_person(req, rpc, "subject_account_id", "subject_person_id", "account_id", err);
}

cg_code gw_enrich_case_investigator(gw_request *req, ProtobufCMessage *rpc, cg_err *err)
{
    return assignee(req, rpc, "investigator_id", "investigator_person_id", "investigator_scope",
                    err);
}

cg_code gw_enrich_case_item_unit(gw_request *req, ProtobufCMessage *rpc, cg_err *err)
{
    return unit(req, rpc, "item_unit_code", "item_org_path", err);
}

cg_code gw_enrich_unit(gw_request *req, ProtobufCMessage *rpc, cg_err *err)
{
    return unit(req, rpc, "unit_code", "org_path", err);
}

/* A list's "to" day counts whole: the service's range ends before the
 * next day's midnight. path is dotted, like text_field's. */
static void whole_last_day(ProtobufCMessage *rpc, const char *path)
{
    const char *dot = strchr(path, '.');
    const char *name = dot != NULL ? dot + 1 : path;
    ProtobufCMessage *msg = rpc;
    if (dot != NULL) {
        char parent[64];
        size_t n = (size_t)(dot - path);
        if (n >= sizeof(parent))
            return;
        memcpy(parent, path, n);
        parent[n] = '\0';
        const ProtobufCFieldDescriptor *pf =
            protobuf_c_message_descriptor_get_field_by_name(rpc->descriptor, parent);
        if (pf == NULL || pf->type != PROTOBUF_C_TYPE_MESSAGE)
            return;
        msg = *(ProtobufCMessage **)((char *)rpc + pf->offset);
        if (msg == NULL)
            return;
    }
    const ProtobufCFieldDescriptor *f =
        protobuf_c_message_descriptor_get_field_by_name(msg->descriptor, name);
    if (f == NULL || f->type != PROTOBUF_C_TYPE_INT64)
        return;
    int64_t *to = (int64_t *)((char *)msg + f->offset);
    if (*to > 0)
        *to += 24LL * 3600 * 1000;
}

cg_code gw_enrich_clue_list(gw_request *req, ProtobufCMessage *rpc, cg_err *err)
{
    whole_last_day(rpc, "received_to_ms");
    return gw_enrich_unit(req, rpc, err);
}

cg_code gw_enrich_case_list(gw_request *req, ProtobufCMessage *rpc, cg_err *err)
{
    whole_last_day(rpc, "filed_to_ms");
    return gw_enrich_unit(req, rpc, err);
}

cg_code gw_enrich_task_list(gw_request *req, ProtobufCMessage *rpc, cg_err *err)
{
    whole_last_day(rpc, "deadline_to_ms");
    return gw_enrich_unit(req, rpc, err);
}

cg_code gw_enrich_new_task(gw_request *req, ProtobufCMessage *rpc, cg_err *err)
{
    if (account_person(req, rpc, "leader_account_id", "leader_person_id", "leader_account_id",
                       err) != CG_OK)
        return err->code;
    return gw_enrich_unit(req, rpc, err);
}

cg_code gw_enrich_task_stats(gw_request *req, ProtobufCMessage *rpc, cg_err *err)
{
    whole_last_day(rpc, "filter.deadline_to_ms");
    return unit(req, rpc, "filter.unit_code", "filter.org_path", err);
}

cg_code gw_enrich_clue_stats(gw_request *req, ProtobufCMessage *rpc, cg_err *err)
{
    whole_last_day(rpc, "filter.received_to_ms");
    return unit(req, rpc, "filter.unit_code", "filter.org_path", err);
}

cg_code gw_enrich_case_stats(gw_request *req, ProtobufCMessage *rpc, cg_err *err)
{
    whole_last_day(rpc, "filter.filed_to_ms");
    return unit(req, rpc, "filter.unit_code", "filter.org_path", err);
}

cg_code gw_enrich_new_clue(gw_request *req, ProtobufCMessage *rpc, cg_err *err)
{
    /* A clue concerns a unit; which one the client must say. */
    if (text_field(rpc, "unit_code")[0] == '\0')
        cg_err_add_violation(err, "unit_code", "is required");
    return err->code != CG_OK ? err->code : gw_enrich_unit(req, rpc, err);
}

cg_code gw_enrich_case_action(gw_request *req, ProtobufCMessage *rpc, cg_err *err)
{
    const char *action = text_field(rpc, "action");

    /* A step with a route of its own is taken there, under that route's
     * permission, never through the general action route. */
    for (size_t i = 0; i < gw_nroutes; i++) {
        const gw_rpc_route *other = gw_routes[i].rpc;
        if (other == NULL || other == req->route->rpc || strcmp(other->method, "CaseAction") != 0)
            continue;
        for (const gw_fixed_field *f = other->fixed; f != NULL && f->field != NULL; f++)
            if (strcmp(f->field, "action") == 0 && strcmp(f->value, action) == 0)
                cg_err_add_violation(err, "action", "has a route of its own: POST %s",
                                     gw_routes[i].pattern);
    }
    if (err->code != CG_OK)
        return err->code;
    return assignee(req, rpc, "reviewer_id", "reviewer_person_id", "reviewer_scope", err);
}

cg_code gw_enrich_case_recusal(gw_request *req, ProtobufCMessage *rpc, cg_err *err)
{
    Cleangrid__V1__GetCaseRequest get = CLEANGRID__V1__GET_CASE_REQUEST__INIT;
    Cleangrid__V1__CallContext ctx = CLEANGRID__V1__CALL_CONTEXT__INIT;
    ProtobufCMessage *found = NULL;
    cg_code rc;

    /* The path's id is the case's; the case is found as the caller may see
     * it (404 otherwise), and the recusal is declared on its clue. */
    rc = gw_call_context(&ctx, req, err);
    if (rc != CG_OK)
        goto cleanup;
    get.ctx = &ctx;
    get.id = req->route_id;
    rc = cg_rpc_call_method(req->app->base.nats, "case", "GetCase", req->request_id, &get.base,
                            &cleangrid__v1__get_case_reply__descriptor, req->app->rpc_timeout_ms,
                            &found, err);
    if (rc != CG_OK)
        goto cleanup;
    const Cleangrid__V1__GetCaseReply *reply = (const Cleangrid__V1__GetCaseReply *)found;
    if (reply->record == NULL || !cg_uuid_valid(reply->record->clue_id)) {
        rc = cg_err_set(err, CG_INTERNAL, "case answered GetCase without its clue");
        goto cleanup;
    }
    rc = cg_pbjson_set_text(req->app->codec, rpc, "clue_id", reply->record->clue_id, "id", err);

cleanup:
    if (found != NULL)
        protobuf_c_message_free_unpacked(found, NULL);
    return rc;
}
