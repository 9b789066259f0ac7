/* The client of the integrity service's directory of declared relatives
 * (cg/relatives_directory.h). */
#include "cg/relatives_directory.h"

cg_code cg_declared_relatives_fetch(cg_nats *nats, const char *after, int32_t limit,
                                    int64_t timeout_ms, Cleangrid__V1__DeclaredRelativesReply **out,
                                    cg_err *err)
{
    Cleangrid__V1__DeclaredRelativesRequest req = CLEANGRID__V1__DECLARED_RELATIVES_REQUEST__INIT;
    ProtobufCMessage *reply = NULL;
    req.after = (char *)after;
    req.limit = limit;
    cg_code rc = cg_rpc_call_subject(
        nats, CG_SUBJECT_DECLARED_RELATIVES, "the integrity service", NULL, &req.base,
        &cleangrid__v1__declared_relatives_reply__descriptor, timeout_ms, &reply, err);
    *out = (Cleangrid__V1__DeclaredRelativesReply *)reply;
    return rc;
}
