/* The actor of a call, and the call's state that holds it. */
#include "cg/rpc_actor.h"

#include "cg/util.h"

/* Any of these roles: a row that admits any authenticated caller still
 * needs a scope and a user id to read anything. */
static const char *const ANY_ROLE[] = {"admin",          "inspector", "inspection_lead",
                                       "intake_officer", "custodian", "unit_leader",
                                       "cadre",          "auditor",   NULL};

cg_code cg_rpc_actor(const cg_rpc_req *r, cg_actor *out, cg_err *err)
{
    return cg_actor_from_ctx(r->ctx, r->roles != NULL ? r->roles : ANY_ROLE,
                             r->doing != NULL ? r->doing : r->row->name, out, err);
}

cg_code cg_rpc_actor_one(const cg_rpc_req *r, const char *id, cg_actor *out, cg_err *err)
{
    if (cg_rpc_actor(r, out, err) == CG_OK && !cg_uuid_valid(id))
        cg_err_add_violation(err, "id", "is not a UUID");
    return err->code;
}

void *cg_rpc_actor_state(cg_rpc_req *r, size_t size, void (*cleanup)(void *state, void *request),
                         const char *id, cg_err *err)
{
    cg_actor *actor = cg_rpc_state(r, size, cleanup, err);
    if (actor == NULL)
        return NULL;
    cg_code rc = id != NULL ? cg_rpc_actor_one(r, id, actor, err) : cg_rpc_actor(r, actor, err);
    return rc == CG_OK ? actor : NULL;
}
