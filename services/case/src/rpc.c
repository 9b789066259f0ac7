/* cg.rpc.case.*: the method table. Each row names the method's messages,
 * who may call it, what it needs of the database and the module that does
 * its work (cg/rpc.h); the frame around it is common/'s. */
#include "case.h"
#include "case_read.h"
#include "case_stages.h"
#include "cleangrid/v1/case_list.pb-c.h"
#include "cleangrid/v1/case_stats.pb-c.h"
#include "clue_read.h"
#include "clue_write.h"
#include "documents.h"
#include "stats.h"

static const cg_rpc_row rows[] = {
    /* A read of the dossier by anyone but the handler is written into it,
     * in the same transaction. */
    {.name = "ListDossier",
     .request = &cleangrid__v1__list_dossier_request__descriptor,
     .reply = &cleangrid__v1__list_dossier_reply__descriptor,
     .roles = CASE_ROLES_READ,
     .doing = "read dossiers",
     .db = CG_RPC_DB_TX,
     .check = case_list_dossier_check,
     .handler = case_list_dossier},
    {.name = "VerifyDossier",
     .request = &cleangrid__v1__verify_dossier_request__descriptor,
     .reply = &cleangrid__v1__verify_dossier_reply__descriptor,
     .roles = CASE_ROLES_READ,
     .doing = "verify dossiers",
     .db = CG_RPC_DB_CONN,
     .check = case_verify_dossier_check,
     .handler = case_verify_dossier},
    {.name = "ListClues",
     .request = &cleangrid__v1__list_clues_request__descriptor,
     .reply = &cleangrid__v1__list_clues_reply__descriptor,
     .roles = CASE_ROLES_READ,
     .doing = "read clues",
     .db = CG_RPC_DB_CONN,
     .check = case_list_clues_check,
     .handler = case_list_clues},
    {.name = "GetClue",
     .request = &cleangrid__v1__get_clue_request__descriptor,
     .reply = &cleangrid__v1__get_clue_reply__descriptor,
     .roles = CASE_ROLES_READ,
     .doing = "read clues",
     .db = CG_RPC_DB_CONN,
     .check = case_get_clue_check,
     .handler = case_get_clue},
    {.name = "CreateClue",
     .request = &cleangrid__v1__create_clue_request__descriptor,
     .reply = &cleangrid__v1__create_clue_reply__descriptor,
     .roles = CASE_ROLES_WRITE,
     .doing = "register clues",
     .db = CG_RPC_DB_TX,
     .check = case_create_clue_check,
     .handler = case_create_clue},
    /* Each clue action needs its own roles, named from the request. */
    {.name = "ClueAction",
     .request = &cleangrid__v1__clue_action_request__descriptor,
     .reply = &cleangrid__v1__clue_action_reply__descriptor,
     .roles_of = case_clue_action_roles,
     .db = CG_RPC_DB_TX,
     .check = case_clue_action_check,
     .handler = case_clue_action},
    {.name = "GetCase",
     .request = &cleangrid__v1__get_case_request__descriptor,
     .reply = &cleangrid__v1__get_case_reply__descriptor,
     .roles = CASE_ROLES_READ,
     .doing = "read cases",
     .db = CG_RPC_DB_CONN,
     .check = case_get_case_check,
     .handler = case_get_case},
    {.name = "ListCases",
     .request = &cleangrid__v1__list_cases_request__descriptor,
     .reply = &cleangrid__v1__list_cases_reply__descriptor,
     .roles = CASE_ROLES_READ,
     .doing = "read cases",
     .db = CG_RPC_DB_CONN,
     .check = case_list_cases_check,
     .handler = case_list_cases},
    {.name = "CaseAction",
     .request = &cleangrid__v1__case_action_request__descriptor,
     .reply = &cleangrid__v1__get_case_reply__descriptor,
     .roles_of = case_case_action_roles,
     .db = CG_RPC_DB_TX,
     .check = case_case_action_check,
     .handler = case_case_action},
    {.name = "ClueStatistics",
     .request = &cleangrid__v1__clue_statistics_request__descriptor,
     .reply = &cleangrid__v1__clue_statistics_reply__descriptor,
     .roles = CASE_ROLES_READ,
     .doing = "read clue statistics",
     .db = CG_RPC_DB_CONN,
     .check = case_clue_statistics_check,
     .handler = case_clue_statistics},
    {.name = "CaseStatistics",
     .request = &cleangrid__v1__case_statistics_request__descriptor,
     .reply = &cleangrid__v1__case_statistics_reply__descriptor,
     .roles = CASE_ROLES_READ,
     .doing = "read case statistics",
     .db = CG_RPC_DB_CONN,
     .check = case_case_statistics_check,
     .handler = case_case_statistics},
};

/* The methods that still write their own frame: the documents'
 * (common/src/documents.c). */
static const cg_rpc_method methods[] = {
    CASE_DOCUMENT_RPC_METHODS,
};

const cg_rpc_table case_rpc_table = {
    .rows = rows,
    .nrows = sizeof rows / sizeof rows[0],
    .methods = methods,
    .nmethods = sizeof methods / sizeof methods[0],
};
