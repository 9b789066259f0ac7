#include "access.h"

#include <string.h>

#include "cg/context.h"
#include "cg/util.h"

/* Roles that read clues (docs/access.md): inspectors and their leads work
 * on them, and the auditor reads everything inside its scope. The admin
 * runs accounts and units and sees no case content. The gateway's role
 * table grants clue.read to the same roles; this is the service's own check
 * behind it. */
static const char *const CLUE_READERS[] = {"inspector", "inspection_lead", "auditor", NULL};

cg_code case_access_clue_reader(const Cleangrid__V1__CallContext *ctx, const char **scope,
                                cg_err *err)
{
    if (!cg_ctx_has_any_role(ctx, CLUE_READERS)) {
        return cg_err_set(err, CG_PERMISSION_DENIED,
                          "reading clues needs the inspector, inspection_lead or auditor role");
    }
    const char *s = cg_ctx_scope(ctx);
    if (s == NULL || !cg_ltree_path_valid(s)) {
        return cg_err_set(err, CG_PERMISSION_DENIED, "the caller has no data scope");
    }
    *scope = s;
    return CG_OK;
}
