/* Who may do what with clues and cases: the case service's own role sets,
 * checked by the service itself rather than trusted from the gateway, and
 * the parameters its visibility condition reads. The actor and its scope
 * are the shared cg/actor.h.
 *
 * Pure: no database, no NATS. */
#ifndef CASE_ACCESS_H
#define CASE_ACCESS_H

#include "cg/actor.h"
#include "cg/query.h"

/* Role lists for cg_actor_from_ctx(), NULL-terminated (docs/access.md). */
extern const char *const CASE_ROLES_READ[];    /* clue.read, dossier.read */
extern const char *const CASE_ROLES_WRITE[];   /* clue.write: register clues */
extern const char *const CASE_ROLES_DISPOSE[]; /* clue.dispose: propose, link, merge, ... */
extern const char *const CASE_ROLES_APPROVE[]; /* clue.approve: approve, reject, assign */

/* Start q with the parameters the case's visibility condition reads
 * (CASE_CLUE_VISIBLE in case.h): $1 the actor's scope, $2 second (the
 * caller's: a limit, a root path), $3 the actor's person id, $4 its user id,
 * $5 the keys of its display name (a JSON array);
 * then the text head. Strings are borrowed and must outlive q. */
void case_query_start(cg_query *q, const cg_actor *actor, const char *second, const char *head);

#endif
