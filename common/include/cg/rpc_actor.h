/* The actor of an RPC row's call (cg/rpc.h, cg/actor.h), and the call's
 * state that holds it: what the handlers of every service that acts for a
 * user need before anything else. */
#ifndef CG_RPC_ACTOR_H
#define CG_RPC_ACTOR_H

#include <stddef.h>

#include "cg/actor.h"
#include "cg/rpc.h"

/* The actor of call r, whose roles the frame has checked: PERMISSION_DENIED
 * without a valid scope or user id (cg_actor_from_ctx()). *out borrows
 * from the request. */
cg_code cg_rpc_actor(const cg_rpc_req *r, cg_actor *out, cg_err *err);

/* The actor of r as cg_rpc_actor(), and id, the one record a call names,
 * checked as a UUID (INVALID_ARGUMENT on "id"). */
cg_code cg_rpc_actor_one(const cg_rpc_req *r, const char *id, cg_actor *out, cg_err *err);

/* The call's state (cg_rpc_state(): size bytes, zeroed, cleanup run after
 * the answer) of a struct whose first member is the cg_actor, that actor
 * filled as cg_rpc_actor() does and, when id is not NULL, id checked as
 * cg_rpc_actor_one() does. NULL with err set when any of it fails. */
void *cg_rpc_actor_state(cg_rpc_req *r, size_t size, void (*cleanup)(void *state, void *request),
                         const char *id, cg_err *err);

#endif
