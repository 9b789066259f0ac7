/* The actor of a call, and the end of the frame the handlers not yet
 * declared as rows still write. */
#include "rpc_frame.h"

#include "cg/util.h"

/* Any of these roles: a row that admits any authenticated caller still
 * needs a scope and a user id to read anything. */
static const char *const ANY_ROLE[] = {"admin",          "inspector", "inspection_lead",
                                       "intake_officer", "custodian", "unit_leader",
                                       "cadre",          "auditor",   NULL};

cg_code case_rpc_actor(const cg_rpc_req *r, cg_actor *out, cg_err *err)
{
    return cg_actor_from_ctx(r->ctx, r->roles != NULL ? r->roles : ANY_ROLE,
                             r->doing != NULL ? r->doing : r->row->name, out, err);
}

cg_code case_rpc_actor_one(const cg_rpc_req *r, const char *id, cg_actor *out, cg_err *err)
{
    if (case_rpc_actor(r, out, err) == CG_OK && !cg_uuid_valid(id)) {
        cg_err_add_violation(err, "id", "is not a UUID");
    }
    return err->code;
}
