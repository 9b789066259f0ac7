/* cg.rpc.case.CaseAction (case_stages.c): a case's stages after filing,
 * and the roles each action needs; the check and the handler of its row
 * (cg/rpc.h). The handler runs inside the row's transaction; the reply (a
 * GetCaseReply) borrows from the call's state. */
#ifndef CASE_CASE_STAGES_H
#define CASE_CASE_STAGES_H

#include "cg/rpc.h"
#include "cleangrid/v1/case.pb-c.h"

/* The roles a case action needs (docs/access.md); INVALID_ARGUMENT on
 * "action" for an unknown action. */
cg_code case_case_action_roles(const void *request, const char *const **roles, const char **doing,
                               cg_err *err);
cg_code case_case_action_check(cg_rpc_req *r, const void *request, cg_err *err);
cg_code case_case_action(cg_rpc_req *r, const void *request, PGconn *conn, void *reply,
                         cg_err *err);

#endif
