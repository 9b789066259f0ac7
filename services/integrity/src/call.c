/* The reads into the state every call of the service holds
 * (cg/json_call.h), with the service's codec. */
#include "integrity.h"

cg_code integrity_read(cg_rpc_req *r, PGconn *conn, const ProtobufCMessageDescriptor *desc,
                       const char *sql, int nparams, const char *const *params,
                       cg_db_json_list **out, cg_err *err)
{
    const integrity_app *app = r->arg;
    return cg_json_call_read(r, conn, app->codec, desc, sql, nparams, params, out, err);
}
