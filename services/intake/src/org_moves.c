/* The intake service follows moves in the org tree: every report under a
 * moved unit takes the unit's new path. */
#include "intake.h"

static const char *const moves[] = {
    "UPDATE reports SET org_path = " CG_ORG_PATH_MOVED_SQL(
        "org_path") " WHERE org_path <@ $1::ltree",
};

const cg_org_moves intake_org_moves = {moves, sizeof moves / sizeof moves[0]};
