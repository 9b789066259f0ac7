/* The actor and its org scope (cg/actor.h). */
#include "cg/actor.h"

#include <string.h>

#include "cg/context.h"
#include "cg/util.h"

cg_code cg_actor_scope(const Cleangrid__V1__CallContext *ctx, const char *const *roles,
                       const char *denied, const char **scope, cg_err *err)
{
    if (!cg_ctx_has_any_role(ctx, roles)) {
        return cg_err_set(err, CG_PERMISSION_DENIED, "%s", denied);
    }
    const char *s = cg_ctx_scope(ctx);
    if (s == NULL || !cg_ltree_path_valid(s)) {
        return cg_err_set(err, CG_PERMISSION_DENIED, "the caller has no data scope");
    }
    *scope = s;
    return CG_OK;
}

cg_code cg_actor_from_ctx(const Cleangrid__V1__CallContext *ctx, const char *const *roles,
                          const char *what, cg_actor *out, cg_err *err)
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
    if (!cg_person_id_canon(ctx->actor_person_id, out->person_id, sizeof out->person_id) ||
        !cg_name_keys_json(ctx->actor_name, out->name_keys, sizeof out->name_keys)) {
        return cg_err_set(err, CG_PERMISSION_DENIED,
                          "the caller's person id or name is too long to compare");
    }
    return CG_OK;
}

bool cg_path_within(const char *path, const char *scope)
{
    size_t n = strlen(scope);
    return strncmp(path, scope, n) == 0 && (path[n] == '\0' || path[n] == '.');
}
