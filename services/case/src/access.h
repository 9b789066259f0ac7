/* Who may read clues, and which: the roles that read them and the actor's
 * data scope, checked by the service itself rather than trusted from the
 * gateway.
 *
 * Pure functions over the CallContext: no database, no NATS. */
#ifndef CASE_ACCESS_H
#define CASE_ACCESS_H

#include <stdbool.h>

#include "cg/query.h"
#include "cg/status.h"
#include "cleangrid/v1/common.pb-c.h"

/* Check that ctx (may be NULL) may read clues: PERMISSION_DENIED unless it
 * carries the inspector, inspection_lead or admin role and a valid scope
 * path. On CG_OK, *scope points at the scope inside ctx. A caller without a
 * scope sees nothing rather than everything. */
cg_code case_access_clue_reader(const Cleangrid__V1__CallContext *ctx, const char **scope,
                                cg_err *err);

/* Who is acting, as the SQL of clue reads and writes needs it. Every
 * string is borrowed from the CallContext; person_id is "" when the
 * account is linked to no person. */
typedef struct case_actor {
    const char *scope;
    const char *user_id;
    const char *person_id;
} case_actor;

/* Role lists for case_access_actor(), NULL-terminated (docs/access.md). */
extern const char *const CASE_ROLES_READ[];    /* clue.read, dossier.read */
extern const char *const CASE_ROLES_WRITE[];   /* clue.write: register clues */
extern const char *const CASE_ROLES_DISPOSE[]; /* clue.dispose: propose, link, merge, ... */
extern const char *const CASE_ROLES_APPROVE[]; /* clue.approve: approve, reject, assign */

/* Check that ctx carries one of roles (doing `what`, for the message), a
 * valid scope and a user id, and fill *out from it. PERMISSION_DENIED
 * otherwise. */
cg_code case_access_actor(const Cleangrid__V1__CallContext *ctx, const char *const *roles,
                          const char *what, case_actor *out, cg_err *err);

/* Start q with the parameters the case's visibility condition reads
 * (CASE_CLUE_VISIBLE in case.h): $1 the actor's scope, $2 second (the
 * caller's: a limit, a root path), $3 the actor's person id, $4 its user id;
 * then the text head. Strings are borrowed and must outlive q. */
void case_query_start(cg_query *q, const case_actor *actor, const char *second, const char *head);

/* True if the ltree path lies inside scope (equal to it or below it). Both
 * must be valid paths. */
bool case_path_within(const char *path, const char *scope);

#endif
