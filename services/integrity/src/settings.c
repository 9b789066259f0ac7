/* The rules that are data: the influence period of each kind of sanction
 * (处分影响期), read by the office and changed by an inspection lead. A
 * change applies to sanctions recorded after it; a recorded sanction keeps
 * the period it was given. */
#include <stdio.h>

#include "cg/validate.h"
#include "integrity.h"

static cg_code settings_reply(cg_rpc_req *r, PGconn *conn,
                              Cleangrid__V1__IntegritySettingsReply *out, cg_err *err)
{
    cg_db_json_list *periods = NULL;
    if (integrity_read(r, conn, &cleangrid__v1__influence_period__descriptor,
                       "SELECT jsonb_build_object('kind', kind, 'measure', measure, 'months',"
                       " months) FROM influence_periods ORDER BY kind, measure",
                       0, NULL, &periods, err) != CG_OK)
        return err->code;
    out->n_influence_periods = periods->n;
    out->influence_periods = INTEGRITY_ITEMS(Cleangrid__V1__InfluencePeriod, periods);
    return CG_OK;
}

cg_code integrity_get_settings(cg_rpc_req *r, const void *request, PGconn *conn, void *reply,
                               cg_err *err)
{
    (void)request;
    return settings_reply(r, conn, reply, err);
}

cg_code integrity_set_influence_period(cg_rpc_req *r, const void *request, PGconn *conn,
                                       void *reply, cg_err *err)
{
    static const char *const kinds[] = {"party_discipline", "government_sanction",
                                        "organizational_handling", NULL};
    const Cleangrid__V1__SetInfluencePeriodRequest *req = request;
    char months[16];
    cg_check_one_of(err, "kind", req->kind, kinds, false);
    cg_check_text(err, "measure", req->measure, 1, 40, CG_TEXT_REQUIRED);
    cg_check_int(err, "months", req->months, 0, 120);
    if (err->code != CG_OK)
        return err->code;
    snprintf(months, sizeof months, "%d", (int)req->months);
    const char *params[] = {req->kind, req->measure, months};
    if (cg_db_exec(conn,
                   "INSERT INTO influence_periods (kind, measure, months) VALUES ($1, $2, $3::int)"
                   " ON CONFLICT (kind, measure) DO UPDATE SET months = EXCLUDED.months",
                   3, params, NULL, err) != CG_OK)
        return err->code;
    return settings_reply(r, conn, reply, err);
}
