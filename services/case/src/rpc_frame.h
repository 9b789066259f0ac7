/* What the case service's handlers share beyond the frame of common/
 * (cg/rpc.h): the actor a call acts as, and the call's state that holds
 * it. */
#ifndef CASE_RPC_FRAME_H
#define CASE_RPC_FRAME_H

#include "access.h"
#include "cg/rpc.h"
#include "cg/service.h"

/* The actor of call r, whose roles the frame has checked: PERMISSION_DENIED
 * without a valid scope or user id (cg_actor_from_ctx()). *out borrows
 * from the request. */
cg_code case_rpc_actor(const cg_rpc_req *r, cg_actor *out, cg_err *err);

/* The actor of r as case_rpc_actor(), and id, the one record a read names,
 * checked as a UUID (INVALID_ARGUMENT on "id"). */
cg_code case_rpc_actor_one(const cg_rpc_req *r, const char *id, cg_actor *out, cg_err *err);

/* The call's state (cg_rpc_state(): size bytes, zeroed, cleanup run after
 * the answer) of a struct whose first member is the cg_actor, that actor
 * filled as case_rpc_actor() does and, when id is not NULL, id checked as
 * case_rpc_actor_one() does. NULL with err set when any of it fails. */
void *case_rpc_state(cg_rpc_req *r, size_t size, void (*cleanup)(void *state, void *request),
                     const char *id, cg_err *err);

#endif
