/* The case service follows moves in the org tree: every clue under a moved
 * unit takes the unit's new path, so scope checks keep finding it. */
#include "case.h"

static const char *const moves[] = {
    "UPDATE clues SET org_path = " CG_ORG_PATH_MOVED_SQL("org_path") " WHERE org_path <@ $1::ltree",
};

const cg_org_moves case_org_moves = {moves, sizeof moves / sizeof moves[0]};
