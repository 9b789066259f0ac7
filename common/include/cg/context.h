/* Reading the CallContext that every RPC request carries. */
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

#endif
