/* The electronic file (电子档案) of each cadre in the shared modules: its
 * dossier in the tables of migrations 0002 and 0003 (common/templates/),
 * one chain per cadre whose id is the file's, and its documents (an audit
 * report, an appraisal's minutes) and exports in those of 0004. */
#include "integrity.h"

const cg_dossier_tables integrity_dossier = CG_DOSSIER_TABLES("dossier_entries", "dossier_heads");

long integrity_document_max_bytes = 20L * 1024 * 1024;

static const char *const KINDS[] = {"file", NULL};

/* A cadre inside the actor's scope; NOT_FOUND otherwise, whichever rule it
 * was. Every read of a file is recorded in it: no reader owns a file. */
static cg_code find_file(PGconn *conn, const cg_actor *actor, const char *file_id, char *owner,
                         size_t owner_size, cg_err *err)
{
    PGresult *res = NULL;
    if (owner_size > 0)
        owner[0] = '\0';
    /* No one reads their own file's dossier through the office's rights. */
    const char *params[] = {actor->scope, file_id, actor->person_id};
    cg_code rc = cg_db_exec(conn,
                            "SELECT 1 FROM cadres WHERE id = $2::uuid AND org_path <@ $1::ltree"
                            " AND person_id <> $3",
                            3, params, &res, err);
    if (rc == CG_OK && PQntuples(res) == 0)
        rc = cg_err_set(err, CG_NOT_FOUND, "file not found");
    PQclear(res);
    return rc;
}

static cg_code find_kind(PGconn *conn, const cg_actor *actor, const char *kind, const char *file_id,
                         cg_err *err)
{
    (void)kind;
    return find_file(conn, actor, file_id, NULL, 0, err);
}

const cg_documents integrity_documents = {
    .dossier = &integrity_dossier,
    .kinds = KINDS,
    .roles_read = INTEGRITY_ROLES_OFFICE,
    .roles_add = INTEGRITY_ROLES_OFFICE,
    .find = find_kind,
    .max_bytes = &integrity_document_max_bytes,
};

const cg_dossier_files integrity_files = {
    .tables = &integrity_dossier,
    .anchor_prefix = CG_ANCHOR_INTEGRITY_FILE,
    .roles_read = INTEGRITY_ROLES_OFFICE,
    .doing = "read integrity files",
    .find = find_file,
};
