/* The intake service follows moves in the org tree: every report under a
 * moved unit takes the unit's new path. */
#include "cg/org.h"
#include "intake.h"

static const char *const moves[] = {
    "UPDATE reports SET org_path = " CG_ORG_PATH_MOVED_SQL(
        "org_path") " WHERE org_path <@ $1::ltree",
};

cg_code intake_on_org_unit_moved(PGconn *conn, const char *subject, const char *event_id,
                                 const uint8_t *data, size_t len, void *arg, cg_err *err)
{
    (void)subject;
    (void)event_id;
    (void)arg;
    return cg_org_moved_apply(conn, data, len, moves, sizeof moves / sizeof moves[0], err);
}
