/* A cadre's family and social relations (家庭成员及主要社会关系) and the
 * businesses they own or run, each change a new version; and recusal's
 * question, whether a person is a declared relative of a clue's subject. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cg/log.h"
#include "cg/util.h"
#include "cg/validate.h"
#include "integrity.h"
#include "rules.h"

/* The businesses as the JSON array the relatives table keeps. Owned by the
 * caller (free()); NULL without memory. */
static char *businesses_json(const Cleangrid__V1__SetRelativeRequest *req)
{
    size_t size = 3 + req->n_businesses * 8;
    for (size_t i = 0; i < req->n_businesses; i++)
        size += 2 * strlen(req->businesses[i]->company) + strlen(req->businesses[i]->credit_code) +
                strlen(req->businesses[i]->role) + 128;
    char *out = malloc(size), *at = out;
    if (out == NULL)
        return NULL;
    at += sprintf(at, "[");
    for (size_t i = 0; i < req->n_businesses; i++) {
        const Cleangrid__V1__RelativeBusiness *b = req->businesses[i];
        at += sprintf(at, "%s{\"company\": \"", i > 0 ? ", " : "");
        /* Checked text: no control characters, so quotes and backslashes
         * are all there is to escape. */
        for (const char *s = b->company; *s != '\0'; s++) {
            if (*s == '"' || *s == '\\')
                *at++ = '\\';
            *at++ = *s;
        }
        at += sprintf(at, "\", \"credit_code\": \"%s\", \"role\": \"%s\", \"share_percent\": %.4g}",
                      b->credit_code, b->role, b->share_percent);
    }
    sprintf(at, "]");
    return out;
}

/* The file a relative is of, when the request names only the relative,
 * into cadre_id (the request's own when it names one). */
static cg_code relative_file(PGconn *conn, const char *given, const char *relative_id,
                             char cadre_id[CG_UUID_LEN], cg_err *err)
{
    PGresult *res = NULL;
    if (given[0] != '\0' || !cg_uuid_valid(relative_id)) {
        cg_strlcpy(cadre_id, given, CG_UUID_LEN);
        return CG_OK;
    }
    cg_code rc = cg_db_exec(conn, "SELECT cadre_id::text FROM relatives WHERE id = $1::uuid", 1,
                            &relative_id, &res, err);
    if (rc == CG_OK && PQntuples(res) == 0)
        rc = cg_err_set(err, CG_NOT_FOUND, "relative not found");
    if (rc == CG_OK)
        cg_strlcpy(cadre_id, cg_db_get(res, 0, 0), CG_UUID_LEN);
    PQclear(res);
    return rc;
}

cg_code integrity_set_relative(cg_rpc_req *r, const void *request, PGconn *conn, void *reply,
                               cg_err *err)
{
    const Cleangrid__V1__SetRelativeRequest *req = request;
    integrity_call *c = r->state;
    PGresult *res = NULL;
    char person[CG_PERSON_ID_SIZE], relative_person[CG_PERSON_ID_SIZE];
    char *businesses = NULL, cadre_id[CG_UUID_LEN];
    bool is_new = req->relative_id[0] == '\0';

    if (!is_new)
        cg_check_uuid(err, "relative_id", req->relative_id);
    integrity_check_relative(err, req);
    if (integrity_check_word(conn, err, "relations", "relation", req->relation, false) != CG_OK ||
        err->code != CG_OK ||
        relative_file(conn, req->cadre_id, req->relative_id, cadre_id, err) != CG_OK ||
        integrity_lock_cadre(r, conn, cadre_id, person, err) != CG_OK)
        return err->code;
    cg_person_id_canon(req->person_id, relative_person, sizeof relative_person);
    if (strcmp(relative_person, person) == 0) {
        cg_err_add_violation(err, "person_id", "is the cadre's own: no one is their own relative");
        return err->code;
    }
    businesses = businesses_json(req);
    if (businesses == NULL)
        return cg_err_set(err, CG_UNAVAILABLE, "out of memory");
    const char *params[] = {cadre_id,        req->relative_id, req->name,
                            req->relation,   req->employer,    req->position,
                            relative_person, businesses,       c->actor.user_id};
    cg_code rc = cg_db_exec(
        conn,
        is_new
            ? "INSERT INTO relatives (cadre_id, name, relation, employer, position, person_id,"
              " businesses, updated_by) SELECT $1::uuid, $3, $4, $5, $6, $7, $8::jsonb, $9"
              " WHERE $2 = '' RETURNING id::text, jsonb_build_object('name', name, 'relation',"
              " relation, 'businesses', jsonb_array_length(businesses), 'version', version)::text"
            : "UPDATE relatives SET name = $3, relation = $4, employer = $5, position = $6,"
              " person_id = $7, businesses = $8::jsonb, updated_by = $9,"
              " version = version + 1, updated_at = clock_timestamp()"
              " WHERE id = $2::uuid AND cadre_id = $1::uuid AND NOT removed"
              " RETURNING id::text, jsonb_build_object('name', name, 'relation', relation,"
              " 'businesses', jsonb_array_length(businesses), 'version', version)::text",
        9, params, &res, err);
    free(businesses);
    if (rc == CG_OK && PQntuples(res) == 0)
        rc = cg_err_set(err, CG_NOT_FOUND, "relative not found");
    if (rc == CG_OK)
        rc = integrity_record_step(r, conn, cadre_id,
                                   is_new ? "relative.added" : "relative.updated", "relative_set",
                                   "", cg_db_get(res, 0, 0), cg_db_get(res, 0, 1), err);
    PQclear(res);
    if (rc != CG_OK)
        return rc;
    return integrity_file_reply(r, conn, cadre_id, reply, err);
}

cg_code integrity_remove_relative(cg_rpc_req *r, const void *request, PGconn *conn, void *reply,
                                  cg_err *err)
{
    const Cleangrid__V1__RemoveRelativeRequest *req = request;
    integrity_call *c = r->state;
    PGresult *res = NULL;
    char person[CG_PERSON_ID_SIZE], cadre_id[CG_UUID_LEN];

    cg_check_uuid(err, "relative_id", req->relative_id);
    cg_check_text(err, "reason", req->reason, 1, CG_TEXT_MAX, CG_TEXT_REQUIRED);
    if (err->code != CG_OK ||
        relative_file(conn, req->cadre_id, req->relative_id, cadre_id, err) != CG_OK ||
        integrity_lock_cadre(r, conn, cadre_id, person, err) != CG_OK)
        return err->code;
    const char *params[] = {cadre_id, req->relative_id, c->actor.user_id, req->reason};
    cg_code rc =
        cg_db_exec(conn,
                   "UPDATE relatives SET removed = true, version = version + 1, updated_by = $3,"
                   " updated_at = clock_timestamp() WHERE id = $2::uuid AND cadre_id = $1::uuid"
                   " AND NOT removed RETURNING jsonb_build_object('name', name, 'relation',"
                   " relation, 'reason', $4::text)::text",
                   4, params, &res, err);
    if (rc == CG_OK && PQntuples(res) == 0)
        rc = cg_err_set(err, CG_NOT_FOUND, "relative not found");
    if (rc == CG_OK)
        rc = integrity_record_step(r, conn, cadre_id, "relative.removed", "relative_removed", "",
                                   req->relative_id, cg_db_get(res, 0, 0), err);
    PQclear(res);
    if (rc != CG_OK)
        return rc;
    return integrity_file_reply(r, conn, cadre_id, reply, err);
}

cg_code integrity_relative_conflicts(cg_rpc_req *r, const void *request, PGconn *conn, void *reply,
                                     cg_err *err)
{
    const Cleangrid__V1__RelativeConflictsRequest *req = request;
    Cleangrid__V1__RelativeConflictsReply *out = reply;
    cg_db_json_list *conflicts = NULL;
    char person[CG_PERSON_ID_SIZE], field[48];

    integrity_check_person_id(err, "person_id", req->person_id, true);
    if (req->n_subject_person_ids > 100)
        cg_err_add_violation(err, "subject_person_ids", "holds at most 100 people");
    for (size_t i = 0; i < req->n_subject_person_ids && i < 100; i++) {
        snprintf(field, sizeof field, "subject_person_ids[%zu]", i);
        integrity_check_person_id(err, field, req->subject_person_ids[i], true);
    }
    if (err->code != CG_OK)
        return err->code;
    /* The subjects as one text array literal of canonical ids: checked
     * characters only, so no quoting is needed. */
    size_t size = 3 + req->n_subject_person_ids * (CG_PERSON_ID_SIZE + 1);
    char *subjects = malloc(size), *at = subjects;
    if (subjects == NULL)
        return cg_err_set(err, CG_UNAVAILABLE, "out of memory");
    *at++ = '{';
    for (size_t i = 0; i < req->n_subject_person_ids; i++) {
        char canon[CG_PERSON_ID_SIZE];
        cg_person_id_canon(req->subject_person_ids[i], canon, sizeof canon);
        at += sprintf(at, "%s%s", i > 0 ? "," : "", canon);
    }
    *at++ = '}';
    *at = '\0';
    cg_person_id_canon(req->person_id, person, sizeof person);
    /* Both ways: a subject's file names the person as a relative, or the
     * person's own file names a subject. Across every scope: a relation is
     * one whichever unit keeps the file, and the answer names no file. */
    const char *params[] = {person, subjects};
    cg_code rc = integrity_read(
        r, conn, &cleangrid__v1__relative_conflict__descriptor,
        "SELECT jsonb_build_object('subject_person_id', c.person_id, 'relation', r.relation,"
        " 'direction', 'subject_declared') FROM relatives r JOIN cadres c ON c.id = r.cadre_id"
        " WHERE r.person_id = $1 AND NOT r.removed AND c.person_id = ANY ($2::text[])"
        " UNION ALL SELECT jsonb_build_object('subject_person_id', r.person_id, 'relation',"
        " r.relation, 'direction', 'person_declared') FROM relatives r JOIN cadres c"
        " ON c.id = r.cadre_id WHERE c.person_id = $1 AND NOT r.removed"
        " AND r.person_id = ANY ($2::text[])",
        2, params, &conflicts, err);
    free(subjects);
    if (rc != CG_OK)
        return rc;
    out->n_conflicts = conflicts->n;
    out->conflicts = INTEGRITY_ITEMS(Cleangrid__V1__RelativeConflict, conflicts);
    return CG_OK;
}
