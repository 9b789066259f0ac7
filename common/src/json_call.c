/* The state of a call read from rows (cg/json_call.h). */
#include "cg/json_call.h"

#include "cg/rpc_actor.h"

static void call_cleanup(void *state, void *request)
{
    (void)request;
    cg_json_call *c = state;
    for (size_t i = 0; i < c->nlists; i++)
        cg_db_json_list_free(&c->lists[i]);
}

cg_code cg_json_call_check(cg_rpc_req *r, const void *request, cg_err *err)
{
    (void)request;
    cg_json_call *c = cg_rpc_actor_state(r, sizeof(cg_json_call), call_cleanup, NULL, err);
    return c == NULL ? err->code : CG_OK;
}

cg_code cg_json_call_read(cg_rpc_req *r, PGconn *conn, const cg_pbjson *codec,
                          const ProtobufCMessageDescriptor *desc, const char *sql, int nparams,
                          const char *const *params, cg_db_json_list **out, cg_err *err)
{
    cg_json_call *c = r->state;
    if (c->nlists == CG_JSON_CALL_LISTS)
        return cg_err_set(err, CG_INTERNAL, "a call reads at most %d lists", CG_JSON_CALL_LISTS);
    *out = &c->lists[c->nlists++];
    return cg_db_json_rows(conn, codec, desc, sql, nparams, params, *out, err);
}
