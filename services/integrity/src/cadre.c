/* Cadres and their files: registering a cadre (by the API and by import),
 * changing the file's header, reading a file as the office sees it and as
 * its cadre does, the people list and a file's history. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cg/log.h"
#include "cg/query.h"
#include "cg/util.h"
#include "cg/validate.h"
#include "integrity.h"
#include "rules.h"

/* The day of a date field (Unix ms at midnight UTC) as SQL reads it; 0 is
 * no day. */
#define SQL_DAY(n)                                                                                 \
    "CASE WHEN " n "::bigint = 0 THEN NULL ELSE (to_timestamp(" n                                  \
    "::bigint / 1000.0) AT TIME ZONE 'UTC')::date END"

/* The unit a cadre belongs to: given, a unit, inside the caller's scope. */
static bool check_unit(cg_err *err, const char *field, const cg_actor *actor, const char *org_path)
{
    if (org_path == NULL || org_path[0] == '\0') {
        cg_err_add_violation(err, field, "is required");
        return false;
    }
    if (!cg_ltree_path_valid(org_path)) {
        cg_err_add_violation(err, field, "is not a unit");
        return false;
    }
    if (!cg_path_within(org_path, actor->scope)) {
        cg_err_add_violation(err, field, "is outside your scope");
        return false;
    }
    return true;
}

/* Every check of a new cadre, prefixed for an import's row. */
static cg_code check_new_cadre(PGconn *conn, cg_err *err, const cg_actor *actor, const char *prefix,
                               const Cleangrid__V1__CreateCadreRequest *c, int64_t today_ms)
{
    char f[64];
    integrity_check_cadre(err, prefix, c, today_ms);
    check_unit(err, integrity_field(f, sizeof f, prefix, "unit_code"), actor, c->org_path);
    return integrity_check_word(conn, err, "key_positions",
                                integrity_field(f, sizeof f, prefix, "key_position"),
                                c->key_position, true);
}

/* Insert c (checked) and open its file's dossier; its id into id. */
static cg_code insert_cadre(cg_rpc_req *r, PGconn *conn, const Cleangrid__V1__CreateCadreRequest *c,
                            char id[CG_UUID_LEN], cg_err *err)
{
    const integrity_call *call = r->state;
    PGresult *res = NULL;
    char person[CG_PERSON_ID_SIZE], since[24];
    cg_person_id_canon(c->person_id, person, sizeof person);
    snprintf(since, sizeof since, "%lld", (long long)c->key_since_on_ms);
    const char *params[] = {person,   c->name,         c->org_path, c->position,
                            c->grade, c->key_position, since,       call->actor.user_id};
    cg_code rc = cg_db_exec(
        conn,
        "INSERT INTO cadres (person_id, name, org_path, position, grade, key_position,"
        " key_since_on, updated_by) VALUES ($1, $2, $3::ltree, $4, $5, nullif($6, ''), " SQL_DAY(
            "$7") ", $8)"
                  " RETURNING id::text, jsonb_build_object('person_id', person_id, 'name', name,"
                  " 'org_path', org_path::text, 'records', (SELECT count(*) FROM records x"
                  " WHERE x.person_id = cadres.person_id))::text",
        8, params, &res, err);
    if (rc == CG_ALREADY_EXISTS)
        rc = cg_err_set(err, CG_ALREADY_EXISTS, "the file of person %s exists already", person);
    if (rc == CG_OK) {
        cg_strlcpy(id, cg_db_get(res, 0, 0), CG_UUID_LEN);
        rc = integrity_record_step(r, conn, id, "file.created", "created", "", "",
                                   cg_db_get(res, 0, 1), err);
    }
    PQclear(res);
    return rc;
}

cg_code integrity_create_cadre(cg_rpc_req *r, const void *request, PGconn *conn, void *reply,
                               cg_err *err)
{
    const Cleangrid__V1__CreateCadreRequest *req = request;
    integrity_call *c = r->state;
    char id[CG_UUID_LEN];
    int64_t today = 0;

    if (integrity_today_ms(conn, &today, err) != CG_OK ||
        check_new_cadre(conn, err, &c->actor, "", req, today) != CG_OK || err->code != CG_OK ||
        insert_cadre(r, conn, req, id, err) != CG_OK)
        return err->code;
    cg_log_fields(CG_LOG_INFO, "integrity file opened", "cadre_id", id, NULL);
    return integrity_file_reply(r, conn, id, reply, err);
}

/* The checks of row i of an import, each violation named "line N.<field>":
 * the cadre's fields, unit and key position, a person id given on an earlier
 * line as well, and a person who has a file already (looked up here, so
 * that every such row is named, and named by a check that writes nothing).
 * The violations are added to err and counted in *found; an error of the
 * database's is returned. */
static cg_code check_import_row(cg_rpc_req *r, PGconn *conn,
                                const Cleangrid__V1__ImportCadresRequest *req, size_t i,
                                int64_t today, size_t *found, cg_err *err)
{
    const integrity_call *c = r->state;
    const Cleangrid__V1__ImportCadreRow *row = req->rows[i];
    PGresult *res = NULL;
    char prefix[32], field[48], person[CG_PERSON_ID_SIZE];
    const char *params[] = {person};
    cg_code rc = CG_OK;
    /* The row's violations are gathered apart, so that they are counted
     * even past the few err keeps. */
    cg_err mine;
    cg_err_clear(&mine);

    snprintf(prefix, sizeof prefix, "line %d.", (int)row->line);
    integrity_field(field, sizeof field, prefix, "person_id");
    if (row->cadre == NULL) {
        cg_err_add_violation(&mine, prefix, "is empty");
        goto cleanup;
    }
    rc = check_new_cadre(conn, &mine, &c->actor, prefix, row->cadre, today);
    if (rc != CG_OK)
        goto cleanup;
    for (size_t j = 0; j < i; j++) {
        if (req->rows[j]->cadre != NULL &&
            strcasecmp(req->rows[j]->cadre->person_id, row->cadre->person_id) == 0) {
            cg_err_add_violation(&mine, field, "is on line %d as well", (int)req->rows[j]->line);
            break;
        }
    }
    if (cg_err_has_violation(&mine, field, NULL))
        goto cleanup;
    cg_person_id_canon(row->cadre->person_id, person, sizeof person);
    rc = cg_db_exec(conn, "SELECT 1 FROM cadres WHERE person_id = $1", 1, params, &res, &mine);
    if (rc == CG_OK && PQntuples(res) > 0)
        cg_err_add_violation(&mine, field, "has a file already");

cleanup:
    PQclear(res);
    if (rc != CG_OK) {
        *err = mine;
        return rc;
    }
    integrity_add_row_violations(err, &mine, found);
    return CG_OK;
}

cg_code integrity_import_cadres(cg_rpc_req *r, const void *request, PGconn *conn, void *reply,
                                cg_err *err)
{
    const Cleangrid__V1__ImportCadresRequest *req = request;
    Cleangrid__V1__ImportCadresReply *out = reply;
    char id[CG_UUID_LEN];
    int64_t today = 0;
    size_t found = 0;

    if (integrity_check_row_count(err, req->n_rows, "cadres") != CG_OK ||
        integrity_today_ms(conn, &today, err) != CG_OK)
        return err->code;
    /* Every row is checked before any is written: all or nothing, and
     * every problem named at once. */
    for (size_t i = 0; i < req->n_rows; i++)
        if (check_import_row(r, conn, req, i, today, &found, err) != CG_OK)
            return err->code;
    if (integrity_rows_checked(err, found) != CG_OK || req->check_only)
        return err->code;
    for (size_t i = 0; i < req->n_rows; i++) {
        if (insert_cadre(r, conn, req->rows[i]->cadre, id, err) != CG_OK) {
            /* A file opened since the check, by another call. */
            if (err->code == CG_ALREADY_EXISTS) {
                char field[48];
                snprintf(field, sizeof field, "line %d.person_id", (int)req->rows[i]->line);
                cg_err_clear(err);
                cg_err_add_violation(err, field, "has a file already");
            }
            return err->code;
        }
    }
    out->created = (int32_t)req->n_rows;
    cg_log_fields(CG_LOG_INFO, "cadres imported", NULL);
    return CG_OK;
}

/* The file the statement sql finds by $2 ($1 the caller's scope, $3 the
 * caller's person id), locked for the transaction: its id into id and its
 * person id into person_id; NOT_FOUND when there is none. */
static cg_code lock_file(cg_rpc_req *r, PGconn *conn, const char *sql, const char *key,
                         char id[CG_UUID_LEN], char person_id[CG_PERSON_ID_SIZE], cg_err *err)
{
    const integrity_call *c = r->state;
    PGresult *res = NULL;
    const char *params[] = {c->actor.scope, key, c->actor.person_id};
    cg_code rc = cg_db_exec(conn, sql, 3, params, &res, err);
    if (rc == CG_OK && PQntuples(res) == 0)
        rc = cg_err_set(err, CG_NOT_FOUND, "file not found");
    if (rc == CG_OK) {
        cg_strlcpy(id, cg_db_get(res, 0, 0), CG_UUID_LEN);
        cg_strlcpy(person_id, cg_db_get(res, 0, 1), CG_PERSON_ID_SIZE);
    }
    PQclear(res);
    return rc;
}

/* A file inside the caller's scope, found by the condition where on $2. No
 * one keeps their own file: the office member's own is not found. */
#define SQL_LOCK_FILE(where)                                                                       \
    "SELECT id::text, person_id FROM cadres WHERE " where " AND org_path <@ $1::ltree"             \
    " AND person_id <> $3 FOR UPDATE"

cg_code integrity_lock_cadre(cg_rpc_req *r, PGconn *conn, const char *cadre_id,
                             char person_id[CG_PERSON_ID_SIZE], cg_err *err)
{
    char id[CG_UUID_LEN];
    if (!cg_check_uuid(err, "cadre_id", cadre_id))
        return err->code;
    return lock_file(r, conn, SQL_LOCK_FILE("id = $2::uuid"), cadre_id, id, person_id, err);
}

cg_code integrity_lock_person(cg_rpc_req *r, PGconn *conn, const char *person_id,
                              char cadre_id[CG_UUID_LEN], cg_err *err)
{
    char person[CG_PERSON_ID_SIZE];
    return lock_file(r, conn, SQL_LOCK_FILE("person_id = $2"), person_id, cadre_id, person, err);
}

cg_code integrity_update_cadre(cg_rpc_req *r, const void *request, PGconn *conn, void *reply,
                               cg_err *err)
{
    const Cleangrid__V1__UpdateCadreRequest *req = request;
    integrity_call *c = r->state;
    PGresult *res = NULL;
    char person[CG_PERSON_ID_SIZE], since[24];
    int64_t today = 0;
    bool clear_key = strcmp(req->key_position, "none") == 0;

    if (integrity_lock_cadre(r, conn, req->id, person, err) != CG_OK ||
        integrity_today_ms(conn, &today, err) != CG_OK)
        return err->code;
    /* A change names only what changes: the fields given, each under the
     * rules of a new cadre's; key_position "none" ends the key position. */
    if (req->name[0] != '\0')
        cg_check_text(err, "name", req->name, 1, 100, CG_TEXT_REQUIRED);
    cg_check_text(err, "position", req->position, 0, 200, 0);
    cg_check_text(err, "grade", req->grade, 0, 40, 0);
    integrity_check_past_day(err, "key_since_on", req->key_since_on_ms, today, false);
    if (req->org_path[0] != '\0')
        check_unit(err, "unit_code", &c->actor, req->org_path);
    if (!clear_key && integrity_check_word(conn, err, "key_positions", "key_position",
                                           req->key_position, true) != CG_OK)
        return err->code;
    /* The day a key position began is the position's: given with it. */
    if ((clear_key || req->key_position[0] == '\0') && req->key_since_on_ms != 0)
        cg_err_add_violation(err, "key_since_on", "is given only with a key_position");
    if (err->code != CG_OK)
        return err->code;
    snprintf(since, sizeof since, "%lld", (long long)req->key_since_on_ms);
    const char *params[] = {req->id,    req->name,         req->org_path, req->position,
                            req->grade, req->key_position, since,         c->actor.user_id};
    cg_code rc = cg_db_exec(
        conn,
        "WITH new AS (SELECT id, coalesce(nullif($2, ''), name) AS name,"
        " coalesce(nullif($3, '')::ltree, org_path) AS org_path,"
        " coalesce(nullif($4, ''), position) AS position, coalesce(nullif($5, ''), grade) AS grade,"
        " CASE $6 WHEN '' THEN key_position WHEN 'none' THEN NULL ELSE $6 END AS key_position,"
        " CASE WHEN $6 = 'none' THEN NULL ELSE coalesce(" SQL_DAY(
            "$7") ", key_since_on) END"
                  " AS key_since_on FROM cadres WHERE id = $1::uuid)"
                  " UPDATE cadres c SET name = new.name, org_path = new.org_path, position = "
                  "new.position,"
                  " grade = new.grade, key_position = new.key_position, key_since_on = "
                  "new.key_since_on,"
                  " version = c.version + 1, updated_by = $8, updated_at = clock_timestamp() FROM "
                  "new"
                  " WHERE c.id = new.id AND (c.name, c.org_path, c.position, c.grade, "
                  "c.key_position,"
                  " c.key_since_on) IS DISTINCT FROM (new.name, new.org_path, new.position, "
                  "new.grade,"
                  " new.key_position, new.key_since_on)"
                  " RETURNING jsonb_build_object('version', c.version, 'name', c.name, 'org_path',"
                  " c.org_path::text, 'position', c.position, 'grade', c.grade, 'key_position',"
                  " c.key_position, 'key_since_on', json_day(c.key_since_on))::text",
        8, params, &res, err);
    /* A change that changes nothing makes no version. */
    if (rc == CG_OK && PQntuples(res) == 1)
        rc = integrity_record_step(r, conn, req->id, "file.updated", "updated", "", "",
                                   cg_db_get(res, 0, 0), err);
    PQclear(res);
    if (rc != CG_OK)
        return rc;
    return integrity_file_reply(r, conn, req->id, reply, err);
}

/* The parts of a file: the cadre (where), its relatives and its records
 * (with_internal: the office's internal notes too). */
static cg_code read_file(cg_rpc_req *r, PGconn *conn, const char *where, const char *key,
                         bool with_internal, Cleangrid__V1__CadreFileReply *out, cg_err *err)
{
    integrity_call *c = r->state;
    cg_db_json_list *cadre, *relatives, *records;
    char sql[320];
    snprintf(sql, sizeof sql, "SELECT cadre_json(c, true) FROM cadres c WHERE %s", where);
    /* $3: the office reads no file of its own member's. */
    const char *params[] = {c->actor.scope, key, with_internal ? c->actor.person_id : ""};
    if (integrity_read(r, conn, &cleangrid__v1__cadre__descriptor, sql, 3, params, &cadre, err) !=
        CG_OK)
        return err->code;
    if (cadre->n == 0)
        return cg_err_set(err, CG_NOT_FOUND, "file not found");
    out->cadre = (Cleangrid__V1__Cadre *)cadre->msgs[0];
    const char *id[] = {out->cadre->id, with_internal ? "t" : "f"};
    if (integrity_read(r, conn, &cleangrid__v1__relative__descriptor,
                       "SELECT relative_json(r) FROM relatives r WHERE r.cadre_id = $1::uuid"
                       " AND NOT r.removed ORDER BY r.created_at, r.id",
                       1, id, &relatives, err) != CG_OK ||
        integrity_read(r, conn, &cleangrid__v1__file_record__descriptor,
                       "SELECT record_json(x, c.id) FROM cadres c JOIN records x"
                       " ON x.person_id = c.person_id WHERE c.id = $1::uuid"
                       " AND (NOT x.internal OR $2::boolean)"
                       " ORDER BY x.happened_on DESC, x.recorded_at DESC, x.id",
                       2, id, &records, err) != CG_OK)
        return err->code;
    out->n_relatives = relatives->n;
    out->relatives = INTEGRITY_ITEMS(Cleangrid__V1__Relative, relatives);
    out->n_records = records->n;
    out->records = INTEGRITY_ITEMS(Cleangrid__V1__FileRecord, records);
    return CG_OK;
}

cg_code integrity_file_reply(cg_rpc_req *r, PGconn *conn, const char *cadre_id,
                             Cleangrid__V1__CadreFileReply *reply, cg_err *err)
{
    return read_file(r, conn, "c.id = $2::uuid AND c.org_path <@ $1::ltree AND c.person_id <> $3",
                     cadre_id, true, reply, err);
}

cg_code integrity_get_cadre_file(cg_rpc_req *r, const void *request, PGconn *conn, void *reply,
                                 cg_err *err)
{
    const Cleangrid__V1__GetCadreFileRequest *req = request;
    if (!cg_check_uuid(err, "id", req->id))
        return err->code;
    return integrity_file_reply(r, conn, req->id, reply, err);
}

cg_code integrity_get_own_file(cg_rpc_req *r, const void *request, PGconn *conn, void *reply,
                               cg_err *err)
{
    (void)request;
    integrity_call *c = r->state;
    /* The cadre's own file wherever it is kept: scope is the office's rule,
     * a person's own file is theirs. $1 is unused but keeps the reads'
     * parameters one list. */
    if (c->actor.person_id[0] == '\0')
        return cg_err_set(err, CG_NOT_FOUND,
                          "your account is linked to no person, so it has no integrity file");
    return read_file(r, conn, "$1::text IS NOT NULL AND c.person_id = $2 AND $3 = ''",
                     c->actor.person_id, false, reply, err);
}

cg_code integrity_get_file_history(cg_rpc_req *r, const void *request, PGconn *conn, void *reply,
                                   cg_err *err)
{
    const Cleangrid__V1__GetFileHistoryRequest *req = request;
    Cleangrid__V1__FileHistoryReply *out = reply;
    integrity_call *c = r->state;
    cg_db_json_list *versions = NULL;
    if (!cg_check_uuid(err, "id", req->id))
        return err->code;
    const char *params[] = {c->actor.scope, req->id, c->actor.person_id};
    if (integrity_read(r, conn, &cleangrid__v1__file_version__descriptor,
                       "SELECT version_json(v) FROM cadres c JOIN versions v"
                       " ON v.person_id = c.person_id WHERE c.id = $2::uuid"
                       " AND c.org_path <@ $1::ltree AND c.person_id <> $3"
                       " ORDER BY v.changed_at, v.entity, v.version",
                       3, params, &versions, err) != CG_OK)
        return err->code;
    if (versions->n == 0)
        return cg_err_set(err, CG_NOT_FOUND, "file not found");
    out->n_versions = versions->n;
    out->versions = INTEGRITY_ITEMS(Cleangrid__V1__FileVersion, versions);
    return CG_OK;
}

cg_code integrity_list_cadres(cg_rpc_req *r, const void *request, PGconn *conn, void *reply,
                              cg_err *err)
{
    const Cleangrid__V1__ListCadresRequest *req = request;
    Cleangrid__V1__ListCadresReply *out = reply;
    integrity_call *c = r->state;
    cg_db_json_list *cadres = NULL;
    cg_cursor cursor;
    bool has_cursor = false;
    int size = 0;
    static const char *const sanctions[] = {"in_effect", NULL};

    if (cg_page_parse(req->page, CG_SORT_DATE, &size, &cursor, &has_cursor, err) != CG_OK)
        return err->code;
    if (req->org_path[0] != '\0' && !cg_ltree_path_valid(req->org_path))
        cg_err_add_violation(err, "unit_code", "is not a unit");
    cg_check_text(err, "q", req->q, 0, 100, 0);
    cg_check_one_of(err, "sanction", req->sanction, sanctions, true);
    if (strcmp(req->key_position, "any") != 0 &&
        integrity_check_word(conn, err, "key_positions", "key_position", req->key_position, true) !=
            CG_OK)
        return err->code;
    if (err->code != CG_OK)
        return err->code;
    cg_query *q = calloc(1, sizeof *q);
    if (q == NULL)
        return cg_err_set(err, CG_UNAVAILABLE, "out of memory");
    const char *lead[] = {c->actor.scope, c->actor.person_id};
    cg_query_start(q, lead, 2,
                   "SELECT cadre_json(c, false) FROM cadres c WHERE c.org_path <@ $1::ltree"
                   " AND c.person_id <> $2");
    if (req->org_path[0] != '\0')
        cg_query_cond(q, " AND c.org_path <@ ", cg_query_param(q, req->org_path), "::ltree");
    if (strcmp(req->key_position, "any") == 0)
        cg_query_text(q, " AND c.key_position IS NOT NULL");
    else if (req->key_position[0] != '\0')
        cg_query_cond(q, " AND c.key_position = ", cg_query_param(q, req->key_position), "");
    if (req->q[0] != '\0') {
        int p = cg_query_param(q, req->q);
        cg_query_cond(q, " AND (strpos(c.name, ", p, ") > 0");
        cg_query_cond(q, " OR c.person_id = upper(", p, "))");
    }
    if (req->sanction[0] != '\0')
        cg_query_text(q, " AND EXISTS (SELECT 1 FROM records x WHERE x.person_id = c.person_id"
                         " AND x.influence_until_on >= integrity_today())");
    if (has_cursor) {
        int key = cg_query_number(q, cursor.key_us);
        cg_query_cond(q, " AND (c.created_at, c.id) < ('epoch'::timestamptz + ", key,
                      " * interval '1 microsecond', ");
        cg_query_cond(q, "", cg_query_param(q, cursor.id), "::uuid)");
    }
    cg_query_text(q, " ORDER BY c.created_at DESC, c.id DESC LIMIT ");
    cg_query_cond(q, "", cg_query_number(q, size + 1), "");
    cg_code rc = q->overflow ? cg_err_set(err, CG_INTERNAL, "list statement too long")
                             : integrity_read(r, conn, &cleangrid__v1__cadre__descriptor, q->sql,
                                              q->n, q->params, &cadres, err);
    free(q);
    if (rc != CG_OK)
        return rc;
    cg_page_out_init(&c->page, (int)cadres->n, size);
    if (c->page.more) {
        const Cleangrid__V1__Cadre *last =
            (const Cleangrid__V1__Cadre *)cadres->msgs[c->page.n - 1];
        cg_cursor next = {.sort = CG_SORT_DATE, .key_us = last->created_at_ms * 1000};
        cg_strlcpy(next.id, last->id, sizeof next.id);
        cg_page_out_after(&c->page, &next);
    }
    out->n_cadres = (size_t)c->page.n;
    out->cadres = INTEGRITY_ITEMS(Cleangrid__V1__Cadre, cadres);
    out->page = &c->page.page;
    return CG_OK;
}
