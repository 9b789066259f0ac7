/* cg.rpc.case.ListClues and GetClue (clue_read.c): the check and the
 * handler of each row (cg/rpc.h). request and reply are the rows'
 * messages; the reply borrows from the call's state. */
#ifndef CASE_CLUE_READ_H
#define CASE_CLUE_READ_H

#include "cg/rpc.h"
#include "cleangrid/v1/case.pb-c.h"

cg_code case_list_clues_check(cg_rpc_req *r, const void *request, cg_err *err);
cg_code case_list_clues(cg_rpc_req *r, const void *request, PGconn *conn, void *reply, cg_err *err);
cg_code case_get_clue_check(cg_rpc_req *r, const void *request, cg_err *err);
cg_code case_get_clue(cg_rpc_req *r, const void *request, PGconn *conn, void *reply, cg_err *err);

#endif
