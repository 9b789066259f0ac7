#include "access.h"

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

void case_query_start(cg_query *q, const cg_actor *actor, const char *second, const char *head)
{
    const char *lead[] = {actor->scope, second, actor->person_id, actor->user_id, actor->name_keys};
    cg_query_start(q, lead, 5, head);
}
