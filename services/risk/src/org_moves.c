/* The risk service follows moves in the org tree: its copy of a moved
 * unit, and of every unit under it, takes the new path, so the facts that
 * name them by code are scoped where the units are now. refreshed_at is
 * stamped so that a directory answer asked for before the move does not
 * put the old path back (units.c). */
#include "cg/org.h"
#include "risk.h"

#define MOVE_UNITS                                                                                 \
    "UPDATE units SET refreshed_at = now(), path = " CG_ORG_PATH_MOVED_SQL(                        \
        "path") " WHERE path <@ $1::ltree"

static const char *const moves[] = {MOVE_UNITS};

const cg_org_moves risk_org_moves = {moves, sizeof moves / sizeof moves[0]};
