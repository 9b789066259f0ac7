/* Enrichers of forwarding routes (forward.h): each fills request fields
 * that the gateway knows and a client may not set, from the gateway's own
 * database, before the call. */
#include <string.h>

#include "cg/db.h"
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
    PGconn *conn = NULL;
    PGresult *res = NULL;
    const char *params[] = {account_id};

    conn = cg_db_acquire(app->base.db, GW_DB_ACQUIRE_MS, err);
    if (conn == NULL) {
        rc = err->code;
        goto cleanup;
    }
    rc = cg_db_exec(conn,
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
    if (conn != NULL)
        cg_db_release(app->base.db, conn);
    return rc;
}

cg_code gw_enrich_clue_handler(gw_request *req, ProtobufCMessage *rpc, cg_err *err)
{
    const Cleangrid__V1__ClueActionRequest *action = (const Cleangrid__V1__ClueActionRequest *)rpc;
    char person[80] = "", scope[512] = "";

    /* A malformed id is the case service's to refuse, by its own rule. */
    if (!cg_uuid_valid(action->handler_id))
        return CG_OK;
    if (gw_lookup_assignee(req->app, "handler_id", action->handler_id, person, sizeof(person),
                           scope, sizeof(scope), err) != CG_OK)
        return err->code;
    cg_pbjson_set_text(req->app->codec, rpc, "handler_person_id", person, "handler_id", err);
    cg_pbjson_set_text(req->app->codec, rpc, "handler_scope", scope, "handler_id", err);
    return err->code;
}
