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
    /* The dossiers of clues and cases (common/src/dossier_rpc.c): a read by
     * anyone but the clue's handler is written into the dossier, in the
     * same transaction. */
    CG_DOSSIER_RPC_ROWS(&case_dossier_files),
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
     .handler = case_create_clue,
     .idempotent = true},
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
    /* The documents of clues and cases (common/src/documents.c). */
    CASE_DOCUMENT_RPC_ROWS,
};

const cg_rpc_table case_rpc_table = {
    .rows = rows,
    .nrows = sizeof rows / sizeof rows[0],
};
