/* cg.rpc.case.ListCases and GetCase (case_read.c): the check and the
 * handler of each row (cg/rpc.h), and a case as a reply shows it, for the
 * actions that answer with the case. */
#ifndef CASE_CASE_READ_H
#define CASE_CASE_READ_H

#include <stdbool.h>

#include "case_repo.h"
#include "cg/rpc.h"
#include "cleangrid/v1/case_list.pb-c.h"

/* The filters of a case list (or its statistics) in req, checked, into *f
 * (borrowing from req and lf): INVALID_ARGUMENT naming each bad one. */
cg_code case_case_filter_check(const Cleangrid__V1__ListCasesRequest *req, const cg_actor *actor,
                               case_list_filter *lf, case_case_filter *f, cg_err *err);

cg_code case_list_cases_check(cg_rpc_req *r, const void *request, cg_err *err);
cg_code case_list_cases(cg_rpc_req *r, const void *request, PGconn *conn, void *reply, cg_err *err);
cg_code case_get_case_check(cg_rpc_req *r, const void *request, cg_err *err);
cg_code case_get_case(cg_rpc_req *r, const void *request, PGconn *conn, void *reply, cg_err *err);

/* A case as a reply shows it: the row and the view that borrows from it.
 * Zeroed means empty; free with case_case_answer_free() whatever
 * happened. */
typedef struct case_case_answer {
    PGresult *res; /* owned */
    case_case_view view;
    bool read;
} case_case_answer;

/* Read case id as the actor sees it into *a, and point reply's record at
 * it (NOT_FOUND "case not found" as case_repo_get_case()). */
cg_code case_case_answer_read(PGconn *conn, const cg_actor *actor, const char *id,
                              case_case_answer *a, Cleangrid__V1__GetCaseReply *reply, cg_err *err);
void case_case_answer_free(case_case_answer *a);

#endif
