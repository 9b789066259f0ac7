/* The client of the gateway's org directory (cg/org_directory.h). */
#include "cg/org_directory.h"

cg_code cg_org_units_fetch(cg_nats *nats, int64_t timeout_ms, Cleangrid__V1__OrgUnitsReply **out,
                           cg_err *err)
{
    Cleangrid__V1__OrgUnitsRequest req = CLEANGRID__V1__ORG_UNITS_REQUEST__INIT;
    ProtobufCMessage *reply = NULL;
    cg_code rc =
        cg_rpc_call_subject(nats, CG_SUBJECT_ORG_UNITS, "the gateway", NULL, &req.base,
                            &cleangrid__v1__org_units_reply__descriptor, timeout_ms, &reply, err);
    *out = (Cleangrid__V1__OrgUnitsReply *)reply;
    return rc;
}
