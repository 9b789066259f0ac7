/* The integrity service follows moves in the org tree: every file, report
 * round, verification draw, opinion request and open clue under a moved
 * unit takes the unit's new path, so scope (and a round's cover) keeps
 * finding it. A record keeps the unit it was recorded in: records are
 * never changed, and a file's scope is its cadre's unit, not its
 * records'. */
#include "cg/org.h"
#include "integrity.h"

#define MOVE(table)                                                                                \
    "UPDATE " table                                                                                \
    " SET org_path = " CG_ORG_PATH_MOVED_SQL("org_path") " WHERE org_path <@ $1::ltree"

static const char *const moves[] = {
    MOVE("cadres"),           MOVE("report_rounds"), MOVE("verification_draws"),
    MOVE("opinion_requests"), MOVE("open_matters"),
};

const cg_org_moves integrity_org_moves = {moves, sizeof moves / sizeof moves[0]};
