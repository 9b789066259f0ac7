/* The state every call of the service holds, and the reads into it. */
#include <stdlib.h>

#include "cg/context.h"
#include "cg/util.h"
#include "lifecycle.h"
#include "rectify.h"

static void call_cleanup(void *state, void *request)
{
    (void)request;
    rectify_call *c = state;
    for (size_t i = 0; i < c->nlists; i++)
        cg_db_json_list_free(&c->lists[i]);
    for (size_t i = 0; i < c->narrays; i++)
        free(c->arrays[i]);
    PQclear(c->kept);
}

cg_code rectify_check(cg_rpc_req *r, const void *request, cg_err *err)
{
    (void)request;
    rectify_call *c = cg_rpc_actor_state(r, sizeof(rectify_call), call_cleanup, NULL, err);
    if (c == NULL)
        return err->code;
    if (!cg_ctx_has_any_role(r->ctx, RECTIFY_ROLES_READ))
        cg_strlcpy(c->person_only, c->actor.person_id[0] != '\0' ? c->actor.person_id : "-",
                   sizeof c->person_only);
    return CG_OK;
}

cg_code rectify_read(cg_rpc_req *r, PGconn *conn, const ProtobufCMessageDescriptor *desc,
                     const char *sql, int nparams, const char *const *params, cg_db_json_list **out,
                     cg_err *err)
{
    rectify_call *c = r->state;
    const rectify_app *app = r->arg;
    if (c->nlists == RECTIFY_CALL_LISTS)
        return cg_err_set(err, CG_INTERNAL, "a call reads at most %d lists", RECTIFY_CALL_LISTS);
    *out = &c->lists[c->nlists++];
    return cg_db_json_rows(conn, app->codec, desc, sql, nparams, params, *out, err);
}
