/* The state every call of the service holds, and the reads into it. */
#include "cg/context.h"
#include "integrity.h"

static void call_cleanup(void *state, void *request)
{
    (void)request;
    integrity_call *c = state;
    for (size_t i = 0; i < c->nlists; i++)
        cg_db_json_list_free(&c->lists[i]);
}

cg_code integrity_check(cg_rpc_req *r, const void *request, cg_err *err)
{
    (void)request;
    integrity_call *c = cg_rpc_actor_state(r, sizeof(integrity_call), call_cleanup, NULL, err);
    return c == NULL ? err->code : CG_OK;
}

cg_code integrity_read(cg_rpc_req *r, PGconn *conn, const ProtobufCMessageDescriptor *desc,
                       const char *sql, int nparams, const char *const *params,
                       cg_db_json_list **out, cg_err *err)
{
    integrity_call *c = r->state;
    const integrity_app *app = r->arg;
    if (c->nlists == INTEGRITY_CALL_LISTS)
        return cg_err_set(err, CG_INTERNAL, "a call reads at most %d lists", INTEGRITY_CALL_LISTS);
    *out = &c->lists[c->nlists++];
    return cg_db_json_rows(conn, app->codec, desc, sql, nparams, params, *out, err);
}
