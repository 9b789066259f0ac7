/* Who may read clues, and which: the roles that read them and the actor's
 * data scope, checked by the service itself rather than trusted from the
 * gateway.
 *
 * Pure functions over the CallContext: no database, no NATS. */
#ifndef CASE_ACCESS_H
#define CASE_ACCESS_H

#include <stdbool.h>

#include "cg/status.h"
#include "cleangrid/v1/common.pb-c.h"

/* Check that ctx (may be NULL) may read clues: PERMISSION_DENIED unless it
 * carries the inspector, inspection_lead or admin role and a valid scope
 * path. On CG_OK, *scope points at the scope inside ctx. A caller without a
 * scope sees nothing rather than everything. */
cg_code case_access_clue_reader(const Cleangrid__V1__CallContext *ctx, const char **scope,
                                cg_err *err);

#endif
