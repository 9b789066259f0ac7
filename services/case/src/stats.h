/* cg.rpc.case.ClueStatistics and CaseStatistics (stats.c): the check and
 * the handler of each row (cg/rpc.h). request and reply are the rows'
 * messages; the reply borrows from the call's state. */
#ifndef CASE_STATS_H
#define CASE_STATS_H

#include "cg/rpc.h"
#include "cleangrid/v1/case_stats.pb-c.h"

cg_code case_clue_statistics_check(cg_rpc_req *r, const void *request, cg_err *err);
cg_code case_clue_statistics(cg_rpc_req *r, const void *request, PGconn *conn, void *reply,
                             cg_err *err);
cg_code case_case_statistics_check(cg_rpc_req *r, const void *request, cg_err *err);
cg_code case_case_statistics(cg_rpc_req *r, const void *request, PGconn *conn, void *reply,
                             cg_err *err);

#endif
