/* Who is acting, and where: the actor taken from the CallContext of a call,
 * and the org-scope checks every service makes itself rather than trusting
 * the gateway's (docs/architecture.md, "Access").
 *
 * A scope is an ltree path of the org tree ("hq.east"); a record lies in a
 * scope when its org_path equals it or lies below it. A caller without a
 * valid scope sees nothing, never everything. Which roles may do what is
 * each service's own policy: it passes its role lists in.
 *
 * Pure functions over the CallContext: no database, no NATS. */
#ifndef CG_ACTOR_H
#define CG_ACTOR_H

#include <stdbool.h>

#include "cg/person.h"
#include "cg/status.h"
#include "cleangrid/v1/common.pb-c.h"

/* Who is acting, as the SQL of reads and writes needs it. scope and
 * user_id are borrowed from the CallContext; person_id is the actor's
 * person id in its canonical form (cg/person.h), "" when the account is
 * linked to no person, and name_keys the keys of its display name
 * (cg_name_keys_json()), "[]" for none. Both are copies, so every
 * comparison sees one form whatever the caller sent. */
typedef struct cg_actor {
    const char *scope;
    const char *user_id;
    char person_id[CG_PERSON_ID_SIZE];
    char name_keys[CG_NAME_KEYS_JSON_SIZE];
} cg_actor;

/* Check that ctx (borrowed, may be NULL) carries one of roles (a
 * NULL-terminated list), a valid scope path and a user id (a UUID), and
 * fill *out from it. PERMISSION_DENIED "your role may not <what>" for a
 * role not in the list, and a message of its own for a missing scope or
 * user id, or a person id or display name too long to compare (refused
 * rather than compared in part). */
cg_code cg_actor_from_ctx(const Cleangrid__V1__CallContext *ctx, const char *const *roles,
                          const char *what, cg_actor *out, cg_err *err);

/* Check that ctx (borrowed, may be NULL) carries one of roles and a valid
 * scope path, for a read that needs no user id. On CG_OK *scope points at
 * the scope inside ctx (borrowed). PERMISSION_DENIED with the message
 * denied (a sentence naming the roles that may) for a role not in the
 * list. */
cg_code cg_actor_scope(const Cleangrid__V1__CallContext *ctx, const char *const *roles,
                       const char *denied, const char **scope, cg_err *err);

/* True if the ltree path lies inside scope (equal to it or below it). Both
 * must be valid paths. */
bool cg_path_within(const char *path, const char *scope);

#endif
