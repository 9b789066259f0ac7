/* Verification (查核) of the personal matters reports: each year a
 * reproducible random share of a subtree's cadres and every key case are
 * drawn; the office enters what the registers show (reference records);
 * the comparison names each difference in the terms of the rules
 * (compare.c); the verifier confirms or overrides each finding with a
 * reason, and the conclusion goes into the cadre's file. Work in progress
 * stays out of the file, which the cadre reads. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cg/log.h"
#include "cg/util.h"
#include "cg/validate.h"
#include "compare.h"
#include "integrity.h"
#include "rules.h"

long integrity_verify_percent = 10;

/* The most findings one comparison makes. */
#define FINDINGS_MAX 200

static cg_code one_verification(cg_rpc_req *r, PGconn *conn, const char *id, bool lock,
                                Cleangrid__V1__Verification **out, cg_err *err)
{
    integrity_call *c = r->state;
    cg_db_json_list *list = NULL;
    /* No one verifies their own report. */
    const char *params[] = {c->actor.scope, id, c->actor.person_id};
    if (integrity_read(r, conn, &cleangrid__v1__verification__descriptor,
                       lock ? "SELECT verification_json(v, true) FROM verifications v"
                              " JOIN cadres c ON c.id = v.cadre_id WHERE v.id = $2::uuid"
                              " AND c.org_path <@ $1::ltree AND c.person_id <> $3 FOR UPDATE OF v"
                            : "SELECT verification_json(v, true) FROM verifications v"
                              " JOIN cadres c ON c.id = v.cadre_id WHERE v.id = $2::uuid"
                              " AND c.org_path <@ $1::ltree AND c.person_id <> $3",
                       3, params, &list, err) != CG_OK)
        return err->code;
    if (list->n == 0)
        return cg_err_set(err, CG_NOT_FOUND, "verification not found");
    *out = (Cleangrid__V1__Verification *)list->msgs[0];
    return CG_OK;
}

cg_code integrity_draw_verifications(cg_rpc_req *r, const void *request, PGconn *conn, void *reply,
                                     cg_err *err)
{
    static const char *const key_reasons[] = {"promotion_candidate", "reserve_cadre",
                                              "named_in_clue", "other", NULL};
    const Cleangrid__V1__DrawVerificationsRequest *req = request;
    Cleangrid__V1__DrawVerificationsReply *out = reply;
    integrity_call *c = r->state;
    cg_db_json_list *draw = NULL;
    char year[16], share[16], seed[CG_UUID_LEN], field[48];
    char *keys = NULL, *reasons = NULL;

    cg_check_int(err, "year", req->year, 2000, 2100);
    cg_check_int(err, "share_percent", req->share_percent, 0, 100);
    cg_check_text(err, "seed", req->seed, 0, 64, 0);
    if (req->org_path[0] == '\0' || !cg_ltree_path_valid(req->org_path) ||
        !cg_path_within(req->org_path, c->actor.scope))
        cg_err_add_violation(err, "unit_code", "must be a unit of your scope");
    if (req->n_key_cadres > 1000)
        cg_err_add_violation(err, "key_cadres", "holds at most 1000 cadres");
    for (size_t i = 0; i < req->n_key_cadres && i < 1000; i++) {
        snprintf(field, sizeof field, "key_cadres[%zu].cadre_id", i);
        cg_check_uuid(err, field, req->key_cadres[i]->cadre_id);
        snprintf(field, sizeof field, "key_cadres[%zu].reason", i);
        cg_check_one_of(err, field, req->key_cadres[i]->reason, key_reasons, false);
    }
    if (err->code != CG_OK)
        return err->code;
    /* The key cases as two parallel text arrays of checked words. */
    keys = malloc(3 + req->n_key_cadres * (CG_UUID_LEN + 1));
    reasons = malloc(3 + req->n_key_cadres * 24);
    if (keys == NULL || reasons == NULL) {
        free(keys);
        free(reasons);
        return cg_err_set(err, CG_UNAVAILABLE, "out of memory");
    }
    size_t nk = 0, nr = 0;
    nk += (size_t)sprintf(keys + nk, "{");
    nr += (size_t)sprintf(reasons + nr, "{");
    for (size_t i = 0; i < req->n_key_cadres; i++) {
        nk += (size_t)sprintf(keys + nk, "%s%s", i ? "," : "", req->key_cadres[i]->cadre_id);
        nr += (size_t)sprintf(reasons + nr, "%s%s", i ? "," : "", req->key_cadres[i]->reason);
    }
    sprintf(keys + nk, "}");
    sprintf(reasons + nr, "}");
    snprintf(year, sizeof year, "%d", (int)req->year);
    snprintf(share, sizeof share, "%d",
             req->share_percent > 0 ? (int)req->share_percent : (int)integrity_verify_percent);
    if (req->seed[0] != '\0')
        cg_strlcpy(seed, req->seed, sizeof seed);
    else
        cg_uuid_v4(seed);
    /* The share of the subtree's cadres not yet verified this year, in the
     * seed's order, then every key case of the subtree; a cadre verified
     * this year already keeps that verification. */
    PGresult *res = NULL;
    const char *first[] = {year, req->org_path, share, seed, c->actor.user_id};
    cg_code rc = cg_db_exec(conn,
                            "INSERT INTO verification_draws (year, org_path, share_percent, seed,"
                            " population, by_share, by_key, drawn_by) SELECT $1::int, $2::ltree,"
                            " $3::int, $4, count(*), 0, 0, $5 FROM cadres"
                            " WHERE org_path <@ $2::ltree RETURNING id::text",
                            5, first, &res, err);
    char draw_id[CG_UUID_LEN] = "";
    if (rc == CG_OK)
        cg_strlcpy(draw_id, cg_db_get(res, 0, 0), sizeof draw_id);
    PQclear(res);
    const char *params[] = {year, req->org_path, share, seed, draw_id, keys, reasons};
    if (rc == CG_OK)
        rc = integrity_read(
            r, conn, &cleangrid__v1__verification_draw__descriptor,
            "WITH pop AS (SELECT c.id FROM cadres c WHERE c.org_path <@ $2::ltree),"
            " k AS (SELECT u.id::uuid AS id, u.reason FROM unnest($6::text[], $7::text[]) AS"
            " u(id, reason) JOIN cadres c ON c.id = u.id::uuid WHERE c.org_path <@ $2::ltree),"
            " s AS (SELECT p.id FROM pop p WHERE p.id NOT IN (SELECT id FROM k)"
            " AND NOT EXISTS (SELECT 1 FROM verifications v WHERE v.cadre_id = p.id"
            " AND v.year = $1::int)"
            " ORDER BY md5($4 || p.id::text) LIMIT ceil((SELECT count(*) FROM pop) * $3::int"
            " / 100.0)),"
            " ins AS (INSERT INTO verifications (draw_id, cadre_id, year, reason, key_reason)"
            " SELECT $5::uuid, s.id, $1::int, 'random', '' FROM s UNION ALL"
            " SELECT $5::uuid, k.id, $1::int, 'key', k.reason FROM k"
            " ON CONFLICT (cadre_id, year) DO NOTHING RETURNING reason),"
            " upd AS (UPDATE verification_draws SET by_share = (SELECT count(*) FROM ins"
            " WHERE reason = 'random'), by_key = (SELECT count(*) FROM ins WHERE reason = 'key')"
            " WHERE id = $5::uuid RETURNING *)"
            " SELECT draw_json(upd) || jsonb_build_object('cadre_ids', (SELECT"
            " coalesce(jsonb_agg(x ORDER BY x), '[]'::jsonb) FROM (SELECT id::text AS x FROM s"
            " UNION SELECT id::text FROM k) y)) FROM upd",
            7, params, &draw, err);
    free(keys);
    free(reasons);
    if (rc != CG_OK)
        return rc;
    if (draw->n != 1)
        return cg_err_set(err, CG_INTERNAL, "the draw was not recorded");
    out->draw = (Cleangrid__V1__VerificationDraw *)draw->msgs[0];
    cg_log_fields(CG_LOG_INFO, "verifications drawn", "draw_id", out->draw->id, NULL);
    return CG_OK;
}

/* The INSERT of a reference record ($1 cadre id, $2 item, $3 fields as a
 * JSON array, $4 note, $5 who entered it, $6 year, $7 source), returning
 * its row. */
#define SQL_INSERT_REFERENCE                                                                       \
    "INSERT INTO reference_records (cadre_id, item, fields, note, entered_by, year, source)"       \
    " VALUES ($1::uuid, $2, $3::jsonb, $4, $5, $6::int, $7) RETURNING *"

/* Store entry (checked) as a reference record of cadre_id's, from source;
 * with record, the record as the API shows it is read into the call and
 * *record borrows it. */
static cg_code insert_reference(cg_rpc_req *r, PGconn *conn, const char *cadre_id, int32_t year,
                                const char *item, const Cleangrid__V1__ReportEntry *entry,
                                const char *note, const char *source, cg_db_json_list **record,
                                cg_err *err)
{
    const integrity_app *app = r->arg;
    const integrity_call *c = r->state;
    cJSON *tree = NULL;
    char *fields = NULL;
    char y[16];

    cg_code rc = cg_pbjson_encode(app->codec, &entry->base, &tree, err);
    if (rc != CG_OK)
        goto cleanup;
    /* The entry is checked: it has fields, so the list is there. */
    const cJSON *list = cJSON_GetObjectItem(tree, "fields");
    fields = list != NULL ? cJSON_PrintUnformatted(list) : NULL;
    if (fields == NULL) {
        rc = cg_err_set(err, CG_UNAVAILABLE, "out of memory");
        goto cleanup;
    }
    snprintf(y, sizeof y, "%d", (int)year);
    const char *params[] = {cadre_id, item, fields, note, c->actor.user_id, y, source};
    if (record != NULL)
        rc = integrity_read(r, conn, &cleangrid__v1__reference_record__descriptor,
                            "WITH x AS (" SQL_INSERT_REFERENCE
                            ") SELECT reference_json(x::reference_records) FROM x",
                            7, params, record, err);
    else
        rc = cg_db_exec(conn, SQL_INSERT_REFERENCE, 7, params, NULL, err);

cleanup:
    cJSON_Delete(tree);
    cJSON_free(fields);
    return rc;
}

/* The entry whose fields are fields (n of them, borrowed). */
static Cleangrid__V1__ReportEntry entry_of(Cleangrid__V1__ReportField **fields, size_t n)
{
    Cleangrid__V1__ReportEntry entry = CLEANGRID__V1__REPORT_ENTRY__INIT;
    entry.n_fields = n;
    entry.fields = fields;
    return entry;
}

cg_code integrity_add_reference_record(cg_rpc_req *r, const void *request, PGconn *conn,
                                       void *reply, cg_err *err)
{
    const Cleangrid__V1__AddReferenceRecordRequest *req = request;
    Cleangrid__V1__ReferenceRecordReply *out = reply;
    char person[CG_PERSON_ID_SIZE];
    cg_db_json_list *record = NULL;

    /* The record's fields under the rules of the item's entries, as the
     * report's would be, complete. */
    Cleangrid__V1__ReportEntry entry = entry_of(req->fields, req->n_fields);
    Cleangrid__V1__ReportEntry *entries[] = {&entry};
    Cleangrid__V1__ReportItemAnswer answer = CLEANGRID__V1__REPORT_ITEM_ANSWER__INIT;
    answer.item = req->item;
    answer.n_entries = 1;
    answer.entries = entries;
    Cleangrid__V1__ReportItemAnswer *answers[] = {&answer};
    cg_check_text(err, "note", req->note, 0, 500, 0);
    cg_check_int(err, "year", req->year, 2000, 2100);
    if (integrity_check_items(r, conn, answers, 1, false, err) != CG_OK)
        return err->code;
    if (req->n_fields == 0) {
        cg_err_add_violation(err, "fields", "must hold the entry's fields");
        return err->code;
    }
    if (integrity_lock_cadre(r, conn, req->cadre_id, person, err) != CG_OK ||
        insert_reference(r, conn, req->cadre_id, req->year, req->item, &entry, req->note, "office",
                         &record, err) != CG_OK)
        return err->code;
    out->record = (Cleangrid__V1__ReferenceRecord *)record->msgs[0];
    return CG_OK;
}

/* The checks of an imported row, each violation named "line N.<column>":
 * a person whose file the caller keeps (its id into cadre_id), a year, a
 * note, an item of the form and a complete entry of it. The violations
 * are added to err and counted in *found; an error of the database's is
 * returned. */
static cg_code check_reference_row(cg_rpc_req *r, PGconn *conn,
                                   const Cleangrid__V1__ReportForm *form,
                                   const char *const *relations,
                                   const Cleangrid__V1__ImportReferenceRow *row,
                                   char cadre_id[CG_UUID_LEN], size_t *found, cg_err *err)
{
    char prefix[32], f[64], person[CG_PERSON_ID_SIZE];
    cg_err mine, lookup;
    cg_err_clear(&mine);
    cg_err_clear(&lookup);

    snprintf(prefix, sizeof prefix, "line %d.", (int)row->line);
    cg_check_int(&mine, integrity_field(f, sizeof f, prefix, "year"), row->year, 2000, 2100);
    cg_check_text(&mine, integrity_field(f, sizeof f, prefix, "note"), row->note, 0, 500, 0);
    const Cleangrid__V1__ReportFormItem *item = integrity_form_item(form, row->item);
    if (item == NULL) {
        cg_err_add_violation(&mine, integrity_field(f, sizeof f, prefix, "item"),
                             row->item[0] != '\0' ? "is no item of the form" : "is required");
    } else {
        Cleangrid__V1__ReportEntry entry = entry_of(row->fields, row->n_fields);
        integrity_check_entry(&mine, prefix, item, &entry, relations, true);
    }
    if (integrity_check_person_id(&mine, integrity_field(f, sizeof f, prefix, "person_id"),
                                  row->person_id, true)) {
        cg_person_id_canon(row->person_id, person, sizeof person);
        cg_code rc = integrity_lock_person(r, conn, person, cadre_id, &lookup);
        if (rc == CG_NOT_FOUND) {
            cg_err_add_violation(&mine, f, "has no integrity file that you keep");
        } else if (rc != CG_OK) {
            *err = lookup;
            return rc;
        }
    }
    integrity_add_row_violations(err, &mine, found);
    return CG_OK;
}

cg_code integrity_import_reference_records(cg_rpc_req *r, const void *request, PGconn *conn,
                                           void *reply, cg_err *err)
{
    const Cleangrid__V1__ImportReferenceRecordsRequest *req = request;
    Cleangrid__V1__ImportReferenceRecordsReply *out = reply;
    Cleangrid__V1__ReportForm *form = NULL;
    PGresult *res = NULL;
    const char *relations[INTEGRITY_RELATIONS_MAX];
    char(*ids)[CG_UUID_LEN] = NULL;
    size_t found = 0;

    if (integrity_check_row_count(err, req->n_rows, "reference records") != CG_OK)
        return err->code;
    cg_code rc = integrity_read_entry_rules(r, conn, &form, &res, relations,
                                            sizeof relations / sizeof relations[0], err);
    if (rc != CG_OK)
        goto cleanup;
    ids = calloc(req->n_rows, sizeof *ids);
    if (ids == NULL) {
        rc = cg_err_set(err, CG_UNAVAILABLE, "out of memory");
        goto cleanup;
    }
    /* Every row is checked before any is stored: all or nothing, and every
     * problem named at once. */
    for (size_t i = 0; rc == CG_OK && i < req->n_rows; i++)
        rc = check_reference_row(r, conn, form, relations, req->rows[i], ids[i], &found, err);
    if (rc != CG_OK || integrity_rows_checked(err, found) != CG_OK || req->check_only) {
        rc = err->code;
        goto cleanup;
    }
    for (size_t i = 0; rc == CG_OK && i < req->n_rows; i++) {
        const Cleangrid__V1__ImportReferenceRow *row = req->rows[i];
        Cleangrid__V1__ReportEntry entry = entry_of(row->fields, row->n_fields);
        rc = insert_reference(r, conn, ids[i], row->year, row->item, &entry, row->note, "import",
                              NULL, err);
    }
    if (rc == CG_OK) {
        out->created = (int32_t)req->n_rows;
        cg_log_fields(CG_LOG_INFO, "reference records imported", NULL);
    }

cleanup:
    PQclear(res);
    free(ids);
    return rc;
}

cg_code integrity_list_verifications(cg_rpc_req *r, const void *request, PGconn *conn, void *reply,
                                     cg_err *err)
{
    static const char *const states[] = {"drawn", "compared", "concluded", NULL};
    static const char *const results[] = {"consistent", "omission", "concealment", NULL};
    const Cleangrid__V1__ListVerificationsRequest *req = request;
    Cleangrid__V1__ListVerificationsReply *out = reply;
    integrity_call *c = r->state;
    cg_db_json_list *list = NULL;
    char year[16];
    cg_check_one_of(err, "state", req->state, states, true);
    cg_check_one_of(err, "result", req->result, results, true);
    if (req->org_path[0] != '\0' && !cg_ltree_path_valid(req->org_path))
        cg_err_add_violation(err, "unit_code", "is not a unit");
    if (err->code != CG_OK)
        return err->code;
    snprintf(year, sizeof year, "%d", (int)req->year);
    const char *params[] = {c->actor.scope, year,          req->state,
                            req->result,    req->org_path, c->actor.person_id};
    if (integrity_read(r, conn, &cleangrid__v1__verification__descriptor,
                       "SELECT verification_json(v, false) FROM verifications v"
                       " JOIN cadres c ON c.id = v.cadre_id WHERE c.org_path <@ $1::ltree"
                       " AND c.person_id <> $6"
                       " AND ($2::int = 0 OR v.year = $2::int) AND ($3 = '' OR v.state = $3)"
                       " AND ($4 = '' OR v.result = $4)"
                       " AND ($5 = '' OR c.org_path <@ nullif($5, '')::ltree)"
                       " ORDER BY v.year DESC, c.org_path, c.name, v.id LIMIT 2000",
                       6, params, &list, err) != CG_OK)
        return err->code;
    out->n_verifications = list->n;
    out->verifications = INTEGRITY_ITEMS(Cleangrid__V1__Verification, list);
    return CG_OK;
}

cg_code integrity_get_verification(cg_rpc_req *r, const void *request, PGconn *conn, void *reply,
                                   cg_err *err)
{
    const Cleangrid__V1__VerificationRequest *req = request;
    Cleangrid__V1__VerificationReply *out = reply;
    if (!cg_check_uuid(err, "id", req->id))
        return err->code;
    return one_verification(r, conn, req->id, false, &out->verification, err);
}

/* A finding's entry as the JSON array of its fields; NULL for none. Owned
 * by the caller (cJSON_free). */
static cg_code entry_json(const cg_pbjson *codec, const Cleangrid__V1__ReportEntry *e, char **out,
                          cg_err *err)
{
    cJSON *tree = NULL;
    *out = NULL;
    if (e == NULL)
        return CG_OK;
    cg_code rc = cg_pbjson_encode(codec, &e->base, &tree, err);
    if (rc == CG_OK) {
        const cJSON *fields = cJSON_GetObjectItem(tree, "fields");
        *out = cJSON_PrintUnformatted(fields != NULL ? fields : cJSON_CreateArray());
        if (*out == NULL)
            rc = cg_err_set(err, CG_UNAVAILABLE, "out of memory");
    }
    cJSON_Delete(tree);
    return rc;
}

cg_code integrity_compare_verification(cg_rpc_req *r, const void *request, PGconn *conn,
                                       void *reply, cg_err *err)
{
    const Cleangrid__V1__VerificationRequest *req = request;
    Cleangrid__V1__VerificationReply *out = reply;
    const integrity_app *app = r->arg;
    Cleangrid__V1__Verification *v = NULL;
    Cleangrid__V1__ReportForm *form = NULL;
    cg_db_json_list *report = NULL;
    integrity_finding *found = NULL;
    char year[16];

    if (!cg_check_uuid(err, "id", req->id) ||
        one_verification(r, conn, req->id, true, &v, err) != CG_OK)
        return err->code;
    if (strcmp(v->state, "concluded") == 0)
        return cg_err_set(err, CG_FAILED_PRECONDITION, "the verification is concluded");
    for (size_t i = 0; i < v->n_findings; i++)
        if (v->findings[i]->verdict[0] != '\0')
            return cg_err_set(err, CG_FAILED_PRECONDITION,
                              "a finding has its verdict already: the comparison stands");
    if (v->n_references == 0)
        return cg_err_set(err, CG_FAILED_PRECONDITION,
                          "no reference record of this cadre for %d to compare with: add one "
                          "first",
                          (int)v->year);
    snprintf(year, sizeof year, "%d", (int)v->year);
    const char *params[] = {v->cadre_id, year};
    if (integrity_read_form(r, conn, &form, err) != CG_OK ||
        integrity_read(r, conn, &cleangrid__v1__personal_report__descriptor,
                       "SELECT report_json(r) FROM reports r WHERE r.cadre_id = $1::uuid"
                       " AND r.year = $2::int AND r.state = 'submitted'"
                       " ORDER BY r.version DESC LIMIT 1",
                       2, params, &report, err) != CG_OK)
        return err->code;
    if (report->n == 0)
        return cg_err_set(err, CG_FAILED_PRECONDITION,
                          "the cadre has submitted no report of %d to compare", (int)v->year);
    const Cleangrid__V1__PersonalReport *rep = (Cleangrid__V1__PersonalReport *)report->msgs[0];
    found = calloc(FINDINGS_MAX, sizeof *found);
    if (found == NULL)
        return cg_err_set(err, CG_UNAVAILABLE, "out of memory");
    size_t n = integrity_compare(form, rep, v->references, v->n_references, found, FINDINGS_MAX);
    const char *del[] = {req->id, rep->id};
    cg_code rc = cg_db_exec(conn,
                            "WITH gone AS (DELETE FROM findings WHERE verification_id = $1::uuid)"
                            " UPDATE verifications SET state = 'compared', report_id = $2::uuid"
                            " WHERE id = $1::uuid",
                            2, del, NULL, err);
    for (size_t i = 0; rc == CG_OK && i < n; i++) {
        char *reported = NULL, *reference = NULL, seq[24];
        snprintf(seq, sizeof seq, "%zu", i + 1);
        rc = entry_json(app->codec, found[i].reported, &reported, err);
        if (rc == CG_OK)
            rc = entry_json(app->codec, &found[i].reference, &reference, err);
        if (rc == CG_OK) {
            const char *p[] = {req->id,      seq,           found[i].item,
                               found[i].key, found[i].kind, found[i].explanation,
                               reported,     reference};
            rc = cg_db_exec(conn,
                            "INSERT INTO findings (verification_id, seq, item, key, kind,"
                            " explanation, reported, reference) VALUES ($1::uuid, $2::int, $3,"
                            " $4, $5, $6, $7::jsonb, $8::jsonb)",
                            8, p, NULL, err);
        }
        cJSON_free(reported);
        cJSON_free(reference);
    }
    free(found);
    if (rc != CG_OK)
        return rc;
    return one_verification(r, conn, req->id, false, &out->verification, err);
}

cg_code integrity_decide_finding(cg_rpc_req *r, const void *request, PGconn *conn, void *reply,
                                 cg_err *err)
{
    static const char *const verdicts[] = {"confirmed", "overridden", NULL};
    static const char *const kinds[] = {"consistent", "omission", "concealment", NULL};
    const Cleangrid__V1__DecideFindingRequest *req = request;
    Cleangrid__V1__VerificationReply *out = reply;
    integrity_call *c = r->state;
    PGresult *res = NULL;
    bool override = strcmp(req->verdict, "overridden") == 0;

    cg_check_uuid(err, "finding_id", req->finding_id);
    cg_check_one_of(err, "verdict", req->verdict, verdicts, false);
    cg_check_text(err, "reason", req->reason, override ? 1 : 0, CG_TEXT_MAX,
                  override ? CG_TEXT_REQUIRED | CG_TEXT_MULTILINE : CG_TEXT_MULTILINE);
    if (override)
        cg_check_one_of(err, "kind", req->kind, kinds, false);
    else if (req->kind[0] != '\0')
        cg_err_add_violation(err, "kind", "is given only to override");
    if (err->code != CG_OK)
        return err->code;
    const char *params[] = {c->actor.scope, req->finding_id,  req->verdict,      req->kind,
                            req->reason,    c->actor.user_id, c->actor.person_id};
    cg_code rc = cg_db_exec(
        conn,
        "UPDATE findings f SET verdict = $3, final_kind = CASE WHEN $3 = 'overridden' THEN $4"
        " ELSE f.kind END, verdict_reason = $5, decided_by = $6, decided_at ="
        " date_trunc('milliseconds', clock_timestamp()) FROM verifications v JOIN cadres c"
        " ON c.id = v.cadre_id WHERE f.id = $2::uuid AND v.id = f.verification_id"
        " AND c.org_path <@ $1::ltree AND v.state = 'compared' AND c.person_id <> $7"
        " RETURNING v.id::text",
        7, params, &res, err);
    if (rc == CG_OK && PQntuples(res) == 0)
        rc = cg_err_set(err, CG_NOT_FOUND, "no finding of a verification under way by that id");
    char id[CG_UUID_LEN] = "";
    if (rc == CG_OK)
        cg_strlcpy(id, cg_db_get(res, 0, 0), sizeof id);
    PQclear(res);
    if (rc != CG_OK)
        return rc;
    return one_verification(r, conn, id, false, &out->verification, err);
}

cg_code integrity_conclude_verification(cg_rpc_req *r, const void *request, PGconn *conn,
                                        void *reply, cg_err *err)
{
    const Cleangrid__V1__VerificationRequest *req = request;
    Cleangrid__V1__VerificationReply *out = reply;
    integrity_call *c = r->state;
    Cleangrid__V1__Verification *v = NULL;
    PGresult *res = NULL;
    char summary[256], detail[600];

    if (!cg_check_uuid(err, "id", req->id) ||
        one_verification(r, conn, req->id, true, &v, err) != CG_OK)
        return err->code;
    if (strcmp(v->state, "compared") != 0)
        return cg_err_set(err, CG_FAILED_PRECONDITION,
                          strcmp(v->state, "concluded") == 0
                              ? "the verification is concluded already"
                              : "the verification has no comparison yet: compare it first");
    const char *result = "consistent";
    int counts[3] = {0, 0, 0};
    for (size_t i = 0; i < v->n_findings; i++) {
        const Cleangrid__V1__VerificationFinding *f = v->findings[i];
        if (f->verdict[0] == '\0')
            return cg_err_set(err, CG_FAILED_PRECONDITION, "finding %zu (%s %s) has no verdict yet",
                              i + 1, f->item, f->key);
        result = integrity_worse_kind(result, f->final_kind);
        counts[strcmp(f->final_kind, "concealment") == 0 ? 2
               : strcmp(f->final_kind, "omission") == 0  ? 1
                                                         : 0]++;
    }
    snprintf(detail, sizeof detail,
             "%d findings: %d consistent, %d omitted (漏报), %d concealed (瞒报)",
             (int)v->n_findings, counts[0], counts[1], counts[2]);
    const char *params[] = {req->id, result, c->actor.user_id, detail};
    cg_code rc = cg_db_exec(
        conn,
        "WITH v AS (UPDATE verifications SET state = 'concluded', result = $2, concluded_by = $3,"
        " concluded_at = date_trunc('milliseconds', clock_timestamp()) WHERE id = $1::uuid"
        " RETURNING *)"
        " INSERT INTO records (person_id, section, title, detail, happened_on, source, source_ref,"
        " org_path, recorded_by) SELECT c.person_id, 'verification', format('%s年度个人有关事项"
        "报告查核：%s', v.year, CASE $2 WHEN 'consistent' THEN '如实报告'"
        " WHEN 'omission' THEN '漏报' ELSE '瞒报' END), $4, integrity_today(), 'office',"
        " 'verification:' || v.id, c.org_path, $3 FROM v JOIN cadres c ON c.id = v.cadre_id"
        " RETURNING id::text",
        4, params, &res, err);
    if (rc == CG_OK) {
        snprintf(summary, sizeof summary,
                 "{\"verification_id\": \"%s\", \"year\": %d, \"result\": \"%s\"}", req->id,
                 (int)v->year, result);
        rc = integrity_record_step(r, conn, v->cadre_id, "verification.concluded",
                                   "verification_concluded", "verification", cg_db_get(res, 0, 0),
                                   summary, err);
    }
    PQclear(res);
    if (rc != CG_OK)
        return rc;
    cg_log_fields(CG_LOG_INFO, "verification concluded", "verification_id", req->id, "result",
                  result, NULL);
    return one_verification(r, conn, req->id, false, &out->verification, err);
}
