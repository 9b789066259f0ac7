/* cg.rpc.case.CreateClue and ClueAction (clue_write.c): the check and the
 * handler of each row (cg/rpc.h), and the roles each clue action needs.
 * request and reply are the rows' messages; the reply borrows from the
 * call's state. Both handlers run inside the row's transaction. */
#ifndef CASE_CLUE_WRITE_H
#define CASE_CLUE_WRITE_H

#include "cg/rpc.h"
#include "cleangrid/v1/case.pb-c.h"

cg_code case_create_clue_check(cg_rpc_req *r, const void *request, cg_err *err);
cg_code case_create_clue(cg_rpc_req *r, const void *request, PGconn *conn, void *reply,
                         cg_err *err);

/* The roles a clue action needs (docs/access.md): approving, rejecting,
 * assigning and filing are a lead's; the other steps an inspector's.
 * INVALID_ARGUMENT on "action" for an unknown action. */
cg_code case_clue_action_roles(const void *request, const char *const **roles, const char **doing,
                               cg_err *err);
cg_code case_clue_action_check(cg_rpc_req *r, const void *request, cg_err *err);
cg_code case_clue_action(cg_rpc_req *r, const void *request, PGconn *conn, void *reply,
                         cg_err *err);

#endif
