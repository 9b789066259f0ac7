/* Reading the CallContext that every RPC request carries, and the other
 * fields common.proto puts into every message of a kind. */
#ifndef CG_CONTEXT_H
#define CG_CONTEXT_H

#include <stdbool.h>

#include "cleangrid/v1/common.pb-c.h"

/* True if ctx (may be NULL) carries role. */
bool cg_ctx_has_role(const Cleangrid__V1__CallContext *ctx, const char *role);

/* True if ctx carries any of the roles in the NULL-terminated list. */
bool cg_ctx_has_any_role(const Cleangrid__V1__CallContext *ctx, const char *const *roles);

/* The actor's scope path, or NULL when ctx has none (no scope means no
 * access to scoped records, never "everything"). */
const char *cg_ctx_scope(const Cleangrid__V1__CallContext *ctx);

/* The message in field name of msg when that field holds messages of type
 * desc, as every request's "ctx", every reply's "status" and every event's
 * "meta" do: borrowed from msg; NULL when msg has no such field or leaves
 * it unset. */
const ProtobufCMessage *cg_msg_field(const ProtobufCMessage *msg, const char *name,
                                     const ProtobufCMessageDescriptor *desc);

#endif
