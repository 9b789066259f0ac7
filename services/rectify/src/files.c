/* The electronic files (电子档案) of tasks and of responsibility lists in
 * the shared modules: their dossiers in the tables of migrations 0002 and
 * 0003 (common/templates/), their documents (the evidence of rectification
 * and of the work recorded against a list) in those of 0004, whose kinds
 * of file 0006 widened. A file's id is its task's or its list's. */
#include <string.h>

#include "lifecycle.h"
#include "rectify.h"

const cg_dossier_tables rectify_dossier = CG_DOSSIER_TABLES("dossier_entries", "dossier_heads");

long rectify_document_max_bytes = 20L * 1024 * 1024;

static const char *const KINDS[] = {"task", "duty", NULL};

/* The unit adds its evidence; the office adds what its checks found. */
static const char *const ROLES_ADD[] = {"unit_leader", "inspector", "inspection_lead", NULL};

/* A task inside the actor's scope; NOT_FOUND otherwise, whichever rule it
 * was. */
static cg_code find_task(PGconn *conn, const cg_actor *actor, const char *file_id, cg_err *err)
{
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

/* A responsibility list inside the actor's scope, the same way. */
static cg_code find_duty(PGconn *conn, const cg_actor *actor, const char *file_id, cg_err *err)
{
    PGresult *res = NULL;
    const char *params[] = {actor->scope, file_id};
    cg_code rc =
        cg_db_exec(conn, "SELECT 1 FROM duty_lists WHERE id = $2::uuid AND org_path <@ $1::ltree",
                   2, params, &res, err);
    if (rc == CG_OK && PQntuples(res) == 0)
        rc = cg_err_set(err, CG_NOT_FOUND, "responsibility list not found");
    PQclear(res);
    return rc;
}

/* Each kind of file and the find of its records, as data. */
static const struct {
    const char *kind;
    cg_code (*find)(PGconn *conn, const cg_actor *actor, const char *file_id, cg_err *err);
} FINDS[] = {
    {"task", find_task},
    {"duty", find_duty},
};

static cg_code find_kind(PGconn *conn, const cg_actor *actor, const char *kind, const char *file_id,
                         cg_err *err)
{
    for (size_t i = 0; i < sizeof FINDS / sizeof FINDS[0]; i++)
        if (strcmp(FINDS[i].kind, kind) == 0)
            return FINDS[i].find(conn, actor, file_id, err);
    return cg_err_set(err, CG_INTERNAL, "no find for files of kind %s", kind);
}

const cg_documents rectify_documents = {
    .dossier = &rectify_dossier,
    .kinds = KINDS,
    .roles_read = RECTIFY_ROLES_READ,
    .roles_add = ROLES_ADD,
    .find = find_kind,
    .max_bytes = &rectify_document_max_bytes,
};

/* Every read of a task's or a list's file is recorded in it: neither has
 * a handler whose own reads go unrecorded. The dossier's RPCs name no kind,
 * and a file id is a task's or a list's, never both. */
static cg_code find_file(PGconn *conn, const cg_actor *actor, const char *file_id, char *owner,
                         size_t owner_size, cg_err *err)
{
    if (owner_size > 0)
        owner[0] = '\0';
    cg_code rc = find_task(conn, actor, file_id, err);
    if (rc == CG_NOT_FOUND) {
        cg_err_clear(err);
        rc = find_duty(conn, actor, file_id, err);
        if (rc == CG_NOT_FOUND)
            rc = cg_err_set(err, CG_NOT_FOUND, "file not found");
    }
    return rc;
}

const cg_dossier_files rectify_files = {
    .tables = &rectify_dossier,
    .anchor_prefix = CG_ANCHOR_TASK_FILE,
    .roles_read = RECTIFY_ROLES_READ,
    .doing = "read rectification files",
    .find = find_file,
};
