#include "access.h"

#include <string.h>

#include "cg/context.h"

/* PostgreSQL 15's limit on one ltree label. */
#define LTREE_LABEL_MAX 255

/* Roles that read clues (docs/api.md). */
static const char *const CLUE_READERS[] = {"inspector", "inspection_lead", "admin", NULL};

bool case_org_path_valid(const char *s)
{
    size_t label = 0;
    if (s == NULL || s[0] == '\0') {
        return false;
    }
    for (; *s != '\0'; s++) {
        char c = *s;
        if (c == '.') {
            /* A leading, trailing or doubled dot leaves a label empty. */
            if (label == 0) {
                return false;
            }
            label = 0;
        } else if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                   c == '_') {
            if (++label > LTREE_LABEL_MAX) {
                return false;
            }
        } else {
            return false;
        }
    }
    return label > 0;
}

cg_code case_access_clue_reader(const Cleangrid__V1__CallContext *ctx, const char **scope,
                                cg_err *err)
{
    if (!cg_ctx_has_any_role(ctx, CLUE_READERS)) {
        return cg_err_set(err, CG_PERMISSION_DENIED,
                          "reading clues needs the inspector, inspection_lead or admin role");
    }
    const char *s = cg_ctx_scope(ctx);
    if (s == NULL || !case_org_path_valid(s)) {
        return cg_err_set(err, CG_PERMISSION_DENIED, "the caller has no data scope");
    }
    *scope = s;
    return CG_OK;
}
