/* What the case service's handlers share beyond the frame of common/
 * (cg/rpc.h): the actor a call acts as. */
#ifndef CASE_RPC_FRAME_H
#define CASE_RPC_FRAME_H

#include "access.h"
#include "cg/rpc.h"
#include "cg/service.h"

/* How long a hand-written frame waits for a free database connection: the
 * rows' wait. */
#define CASE_DB_ACQUIRE_MS CG_RPC_DB_ACQUIRE_MS

/* The actor of call r, whose roles the frame has checked: PERMISSION_DENIED
 * without a valid scope or user id (cg_actor_from_ctx()). *out borrows
 * from the request. */
cg_code case_rpc_actor(const cg_rpc_req *r, cg_actor *out, cg_err *err);

/* The actor of r as case_rpc_actor(), and id, the one record a read names,
 * checked as a UUID (INVALID_ARGUMENT on "id"). */
cg_code case_rpc_actor_one(const cg_rpc_req *r, const char *id, cg_actor *out, cg_err *err);

#endif
