/* The case service's files in the shared documents store and dossier RPCs
 * (documents.h). */
#include "documents.h"

#include <string.h>

#include "access.h"
#include "case.h"
#include "cg/chain.h"
#include "files.h"

long case_document_max_bytes = 20L * 1024 * 1024;

/* The kinds of file documents belong to (case_documents.proto); the first
 * is what a request that names none means. */
static const char *const KINDS[] = {"clue", "case", NULL};

/* A clue the actor may see, or a case whose clue it may see: inside its
 * scope, not about it, not one it recused from (case_repo_get,
 * case_repo_get_case); NOT_FOUND with one message otherwise. */
static cg_code find_file(PGconn *conn, const cg_actor *actor, const char *kind, const char *file_id,
                         cg_err *err)
{
    PGresult *res = NULL;
    cg_code rc;
    if (strcmp(kind, "case") == 0) {
        case_case_view view;
        rc = case_repo_get_case(conn, actor, file_id, &view, &res, err);
        case_clue_view_free(&view.subjects);
    } else {
        rc = case_repo_get(conn, actor, file_id, &res, err);
    }
    PQclear(res);
    return rc;
}

const cg_documents case_documents = {
    .dossier = &case_dossier,
    .kinds = KINDS,
    .roles_read = CASE_ROLES_READ,
    .roles_add = CASE_ROLES_DISPOSE,
    .find = find_file,
    .max_bytes = &case_document_max_bytes,
};

const cg_dossier_files case_dossier_files = {
    .tables = &case_dossier,
    .anchor_prefix = CG_ANCHOR_DOSSIER,
    .roles_read = CASE_ROLES_READ,
    .doing = "read dossiers",
    .find = case_repo_file_handler,
};
