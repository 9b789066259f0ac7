/* The records the office enters into a file's sections: appraisals,
 * audits, complaint conclusions, talks, reminders, gifts handed in, and
 * discipline decided elsewhere than in a case here. A record is never
 * changed; a correction is a record of its own. */
#include <stdio.h>
#include <string.h>

#include "cg/log.h"
#include "cg/util.h"
#include "cg/validate.h"
#include "integrity.h"
#include "rules.h"

cg_code integrity_add_record(cg_rpc_req *r, const void *request, PGconn *conn, void *reply,
                             cg_err *err)
{
    static const char *const kinds[] = {"party_discipline", "government_sanction",
                                        "organizational_handling", NULL};
    const Cleangrid__V1__AddRecordRequest *req = request;
    integrity_call *c = r->state;
    PGresult *res = NULL;
    char person[CG_PERSON_ID_SIZE], day[24], value[24];
    int64_t today = 0;
    bool discipline = req->section[0] != '\0' && strcmp(req->section, "discipline") == 0;

    cg_check_text(err, "title", req->title, 1, 200, CG_TEXT_REQUIRED);
    cg_check_text(err, "detail", req->detail, 0, CG_TEXT_MAX, CG_TEXT_MULTILINE);
    cg_check_int(err, "value_fen", req->value_fen, 0, INT64_C(100000000000));
    if (discipline) {
        cg_check_one_of(err, "kind", req->kind, kinds, false);
        cg_check_text(err, "measure", req->measure, 1, 40, CG_TEXT_REQUIRED);
    } else if (req->kind[0] != '\0' || req->measure[0] != '\0') {
        cg_err_add_violation(err, "kind", "is given only for a discipline record");
    }
    if (integrity_today_ms(conn, &today, err) != CG_OK ||
        integrity_check_word(conn, err, "sections", "section", req->section, false) != CG_OK)
        return err->code;
    integrity_check_past_day(err, "happened_on", req->happened_on_ms, today, true);
    if (err->code != CG_OK || integrity_lock_cadre(r, conn, req->cadre_id, person, err) != CG_OK)
        return err->code;
    snprintf(day, sizeof day, "%lld", (long long)req->happened_on_ms);
    snprintf(value, sizeof value, "%lld", (long long)req->value_fen);
    const char *params[] = {person,           req->section, req->title,
                            req->detail,      day,          req->kind,
                            req->measure,     value,        req->internal ? "t" : "f",
                            c->actor.user_id, req->cadre_id};
    cg_code rc = cg_db_exec(
        conn,
        "WITH d AS (SELECT (to_timestamp($5::bigint / 1000.0) AT TIME ZONE 'UTC')::date AS on_day)"
        " INSERT INTO records (person_id, section, title, detail, happened_on, kind, measure,"
        " influence_until_on, value_fen, internal, org_path, recorded_by)"
        " SELECT $1, $2, $3, $4, d.on_day, $6, $7, influence_until($6, $7, d.on_day), $8::bigint,"
        " $9::boolean, c.org_path, $10 FROM d, cadres c WHERE c.id = $11::uuid"
        " RETURNING id::text, jsonb_build_object('section', section, 'title', title,"
        " 'happened_on', json_day(happened_on), 'kind', kind, 'measure', measure,"
        " 'internal', internal)::text",
        11, params, &res, err);
    if (rc == CG_OK)
        rc = integrity_record_step(r, conn, req->cadre_id, "record.added", "record_added",
                                   req->section, cg_db_get(res, 0, 0), cg_db_get(res, 0, 1), err);
    PQclear(res);
    if (rc != CG_OK)
        return rc;
    return integrity_file_reply(r, conn, req->cadre_id, reply, err);
}
