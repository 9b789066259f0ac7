/* The org directory of the running gateway (see org_directory.h). */
#include "org_directory.h"

#include <stdlib.h>

#include "cg/db.h"
#include "cg/log.h"
#include "cg/nats.h"
#include "cg/org_directory.h"
#include "gateway.h"

/* One subscription per process, as for the revocation broadcast: set by
 * gw_org_directory_start() before any question can arrive, cleared by
 * gw_org_directory_stop() after the last one was answered. */
static natsSubscription *directory_sub;

/* Answer with every unit, retired ones too: a record a service keeps may
 * name a unit retired since, and still needs its path. */
static void on_question(natsConnection *nc, natsSubscription *sub, natsMsg *msg, void *closure)
{
    (void)nc;
    (void)sub;
    gw_app *app = closure;
    PGresult *res = NULL;
    Cleangrid__V1__OrgUnitEntry *entries = NULL;
    Cleangrid__V1__OrgUnitEntry **items = NULL;
    Cleangrid__V1__OrgUnitsReply reply = CLEANGRID__V1__ORG_UNITS_REPLY__INIT;
    cg_status_pb st;
    cg_rpc_call call = {.nats = app->base.nats, .msg = msg, .method = CG_SUBJECT_ORG_UNITS};
    cg_err err;
    cg_err_clear(&err);

    if (cg_db_query(app->base.db, GW_DB_ACQUIRE_MS,
                    "SELECT code, path::text, retired_at IS NOT NULL FROM org_units ORDER BY path",
                    0, NULL, &res, &err) != CG_OK)
        goto cleanup;
    int n = PQntuples(res);
    entries = calloc((size_t)n + 1, sizeof(*entries));
    items = calloc((size_t)n + 1, sizeof(*items));
    if (entries == NULL || items == NULL) {
        cg_err_set(&err, CG_INTERNAL, "out of memory");
        goto cleanup;
    }
    for (int i = 0; i < n; i++) {
        cleangrid__v1__org_unit_entry__init(&entries[i]);
        /* Borrowed from res, which outlives the answer. */
        entries[i].code = (char *)cg_db_get(res, i, 0);
        entries[i].path = (char *)cg_db_get(res, i, 1);
        entries[i].retired = cg_db_get(res, i, 2)[0] == 't';
        items[i] = &entries[i];
    }
    cg_status_pb_init(&st, &err);
    reply.status = &st.status;
    reply.n_units = (size_t)n;
    reply.units = items;
    cg_rpc_reply(&call, &reply.base);

cleanup:
    if (!call.replied)
        cg_rpc_reply_error(&call, &err);
    free(items);
    free(entries);
    PQclear(res);
    natsMsg_Destroy(msg);
}

cg_code gw_org_directory_start(gw_app *app, cg_err *err)
{
    return cg_nats_subscribe(app->base.nats, CG_SUBJECT_ORG_UNITS, CG_ORG_UNITS_QUEUE, on_question,
                             app, &directory_sub, err);
}

void gw_org_directory_stop(gw_app *app)
{
    (void)app;
    /* Drained: a question being answered finishes before the database it
     * reads closes. */
    cg_nats_unsubscribe(&directory_sub);
}
