/* The shared part of every service's OrgUnitMoved consumer. See cg/org.h. */
#include "cg/org.h"

#include "cg/db.h"
#include "cg/util.h"
#include "cleangrid/v1/org.pb-c.h"

cg_code cg_org_on_unit_moved(PGconn *conn, const char *subject, const char *event_id,
                             const uint8_t *data, size_t len, void *arg, cg_err *err)
{
    const cg_org_moves *moves = arg;
    cg_code rc = CG_OK;
    (void)subject;
    (void)event_id;
    Cleangrid__V1__OrgUnitMoved *ev = cleangrid__v1__org_unit_moved__unpack(NULL, len, data);

    if (ev == NULL) {
        rc = cg_err_set(err, CG_INVALID_ARGUMENT, "not an OrgUnitMoved message");
        goto cleanup;
    }
    /* Paths go into SQL only as parameters, but a malformed one would make
     * the cast fail on every delivery: refuse it once, for good. */
    if (!cg_ltree_path_valid(ev->old_path) || !cg_ltree_path_valid(ev->new_path)) {
        rc = cg_err_set(err, CG_INVALID_ARGUMENT, "OrgUnitMoved carries a malformed path");
        goto cleanup;
    }
    const char *params[] = {ev->old_path, ev->new_path};
    for (size_t i = 0; i < moves->n && rc == CG_OK; i++)
        rc = cg_db_exec(conn, moves->statements[i], 2, params, NULL, err);

cleanup:
    if (ev != NULL)
        cleangrid__v1__org_unit_moved__free_unpacked(ev, NULL);
    return rc;
}
