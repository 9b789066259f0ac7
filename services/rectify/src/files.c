/* A task's electronic file (电子档案) in the shared modules: its dossier in
 * the tables of migrations 0002 and 0003 (common/templates/), its documents
 * (the evidence of rectification) in those of 0004. */
#include <string.h>

#include "lifecycle.h"
#include "rectify.h"

const cg_dossier_tables rectify_dossier = CG_DOSSIER_TABLES("dossier_entries", "dossier_heads");

long rectify_document_max_bytes = 20L * 1024 * 1024;

static const char *const KINDS[] = {"task", NULL};

/* The unit adds its evidence; the office adds what its checks found. */
static const char *const ROLES_ADD[] = {"unit_leader", "inspector", "inspection_lead", NULL};

/* A task inside the actor's scope; NOT_FOUND otherwise, whichever rule it
 * was. */
static cg_code find_task(PGconn *conn, const cg_actor *actor, const char *kind, const char *file_id,
                         cg_err *err)
{
    (void)kind;
    PGresult *res = NULL;
    const char *params[] = {actor->scope, file_id};
    cg_code rc =
        cg_db_exec(conn, "SELECT 1 FROM tasks WHERE id = $2::uuid AND org_path <@ $1::ltree", 2,
                   params, &res, err);
    if (rc == CG_OK && PQntuples(res) == 0)
        rc = cg_err_set(err, CG_NOT_FOUND, "task not found");
    PQclear(res);
    return rc;
}

const cg_documents rectify_documents = {
    .dossier = &rectify_dossier,
    .kinds = KINDS,
    .roles_read = RECTIFY_ROLES_READ,
    .roles_add = ROLES_ADD,
    .find = find_task,
    .max_bytes = &rectify_document_max_bytes,
};

/* Every read of a task's file is recorded in it: a task has no handler
 * whose own reads go unrecorded. */
static cg_code find_file(PGconn *conn, const cg_actor *actor, const char *file_id, char *owner,
                         size_t owner_size, cg_err *err)
{
    if (owner_size > 0)
        owner[0] = '\0';
    return find_task(conn, actor, "task", file_id, err);
}

const cg_dossier_files rectify_files = {
    .tables = &rectify_dossier,
    .anchor_prefix = CG_ANCHOR_TASK_FILE,
    .roles_read = RECTIFY_ROLES_READ,
    .doing = "read task files",
    .find = find_file,
};
