#include "access.h"

#include <string.h>

#include "cg/context.h"
#include "cg/util.h"

/* Roles that read clues (docs/access.md): inspectors and their leads work
 * on them, and the auditor reads everything inside its scope. The admin
 * runs accounts and units and sees no case content. The gateway's role
 * table grants clue.read to the same roles; this is the service's own check
 * behind it. */
const char *const CASE_ROLES_READ[] = {"inspector", "inspection_lead", "auditor", NULL};
/* The intake officer registers clues from letters and visits but does not
 * handle them; the auditor changes nothing. */
const char *const CASE_ROLES_WRITE[] = {"inspector", "inspection_lead", "intake_officer", NULL};
const char *const CASE_ROLES_DISPOSE[] = {"inspector", "inspection_lead", NULL};
const char *const CASE_ROLES_APPROVE[] = {"inspection_lead", NULL};

cg_code case_access_clue_reader(const Cleangrid__V1__CallContext *ctx, const char **scope,
                                cg_err *err)
{
    if (!cg_ctx_has_any_role(ctx, CASE_ROLES_READ)) {
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

cg_code case_access_actor(const Cleangrid__V1__CallContext *ctx, const char *const *roles,
                          const char *what, case_actor *out, cg_err *err)
{
    if (!cg_ctx_has_any_role(ctx, roles)) {
        return cg_err_set(err, CG_PERMISSION_DENIED, "your role may not %s", what);
    }
    const char *s = cg_ctx_scope(ctx);
    if (s == NULL || !cg_ltree_path_valid(s) || !cg_uuid_valid(ctx->actor_user_id)) {
        return cg_err_set(err, CG_PERMISSION_DENIED, "the caller has no data scope or user id");
    }
    out->scope = s;
    out->user_id = ctx->actor_user_id;
    out->person_id = ctx->actor_person_id != NULL ? ctx->actor_person_id : "";
    return CG_OK;
}

bool case_path_within(const char *path, const char *scope)
{
    size_t n = strlen(scope);
    return strncmp(path, scope, n) == 0 && (path[n] == '\0' || path[n] == '.');
}

void case_query_start(cg_query *q, const case_actor *actor, const char *second, const char *head)
{
    const char *lead[] = {actor->scope, second, actor->person_id, actor->user_id};
    cg_query_start(q, lead, 4, head);
}
