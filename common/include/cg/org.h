/* Following the org-unit tree, which the gateway owns.
 *
 * Each service keeps the org path of its records (the scope that decides
 * who sees them). When a unit moves, the gateway publishes OrgUnitMoved on
 * CG_SUBJECT_ORG_UNIT_MOVED, and each service rewrites the paths of its own
 * records in its consumer of that event; this module is the part of that
 * consumer every service shares. */
#ifndef CG_ORG_H
#define CG_ORG_H

#include <libpq-fe.h>
#include <stddef.h>
#include <stdint.h>

#include "cg/status.h"

#define CG_SUBJECT_ORG_UNIT_MOVED "cg.evt.gateway.org_unit.moved"

/* The new value of the ltree column col of a record under $1 (old path) when
 * $1 moved to $2: $2 followed by what came after $1. (subpath() refuses an
 * offset equal to the path's length, hence the CASE for the unit itself.) */
#define CG_ORG_PATH_MOVED_SQL(col)                                                                 \
    "CASE WHEN " col " = $1::ltree THEN $2::ltree"                                                 \
    " ELSE $2::ltree || subpath(" col ", nlevel($1::ltree)) END"

/* The tables a service moves: statements[0..n), each run with $1 the old
 * path and $2 the new one, moving the records of one table, for example
 *
 *   UPDATE clues SET org_path = CG_ORG_PATH_MOVED_SQL("org_path")
 *    WHERE org_path <@ $1::ltree
 *
 * A service's static data; the strings are borrowed. */
typedef struct cg_org_moves {
    const char *const *statements;
    size_t n;
} cg_org_moves;

/* The consumer of CG_SUBJECT_ORG_UNIT_MOVED (a cg_event_handler of
 * cg/messaging.h), with arg the service's cg_org_moves (borrowed): decode
 * the OrgUnitMoved event of len bytes, check both paths, and run the
 * statements inside the transaction open on conn. An event that does not
 * decode or carries a bad path is INVALID_ARGUMENT (dead-lettered). */
cg_code cg_org_on_unit_moved(PGconn *conn, const char *subject, const char *event_id,
                             const uint8_t *data, size_t len, void *arg, cg_err *err);

#endif
