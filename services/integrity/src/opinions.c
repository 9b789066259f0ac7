/* The integrity opinion for a promotion (廉洁意见回复): HR, or the office
 * for it, asks about a list of candidates; the service assembles for each
 * what stands (sanctions in their influence period, clues and cases still
 * open, the latest verification, overdue reports) and proposes no
 * objection, an objection or "cannot conclude yet"; an inspection lead
 * edits and signs, and the signed opinion is fixed and kept in the file.
 * HR reads the signed opinions and nothing of what they were made from. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cg/context.h"
#include "cg/log.h"
#include "cg/util.h"
#include "cg/validate.h"
#include "integrity.h"
#include "rules.h"

/* The most candidates one request names. */
#define CANDIDATES_MAX 1000

/* Whether the caller reads as the office does (the proposal, its basis,
 * opinions not yet signed), or as HR (signed opinions only). */
static const char *full_view(const cg_rpc_req *r)
{
    return cg_ctx_has_any_role(r->ctx, INTEGRITY_ROLES_OFFICE) ? "t" : "f";
}

static cg_code read_request(cg_rpc_req *r, PGconn *conn, const char *id,
                            Cleangrid__V1__OpinionRequest **out, cg_err *err)
{
    integrity_call *c = r->state;
    cg_db_json_list *list = NULL;
    const char *full = full_view(r);
    /* HR reads the requests HR made in its scope; the office every one. */
    const char *params[] = {c->actor.scope, id, full, c->actor.person_id};
    if (integrity_read(
            r, conn, &cleangrid__v1__opinion_request__descriptor,
            "SELECT opinion_request_json(q, $3::boolean, true, $4) FROM opinion_requests q"
            " WHERE q.id = $2::uuid AND q.org_path <@ $1::ltree"
            " AND ($3::boolean OR q.by_hr)",
            4, params, &list, err) != CG_OK)
        return err->code;
    if (list->n == 0)
        return cg_err_set(err, CG_NOT_FOUND, "opinion request not found");
    *out = (Cleangrid__V1__OpinionRequest *)list->msgs[0];
    return CG_OK;
}

cg_code integrity_request_opinions(cg_rpc_req *r, const void *request, PGconn *conn, void *reply,
                                   cg_err *err)
{
    static const char *const purposes[] = {"promotion", "award", "other", NULL};
    const Cleangrid__V1__RequestOpinionsRequest *req = request;
    Cleangrid__V1__OpinionRequestReply *out = reply;
    integrity_call *c = r->state;
    PGresult *res = NULL;
    char field[48];

    cg_check_one_of(err, "purpose", req->purpose, purposes, false);
    cg_check_text(err, "note", req->note, 0, CG_TEXT_MAX, CG_TEXT_MULTILINE);
    if (req->n_person_ids == 0)
        cg_err_add_violation(err, "person_ids", "must name at least one candidate");
    if (req->n_person_ids > CANDIDATES_MAX)
        cg_err_add_violation(err, "person_ids", "names at most %d candidates", CANDIDATES_MAX);
    for (size_t i = 0; i < req->n_person_ids && i < CANDIDATES_MAX; i++) {
        snprintf(field, sizeof field, "person_ids[%zu]", i);
        integrity_check_person_id(err, field, req->person_ids[i], true);
    }
    if (err->code != CG_OK)
        return err->code;
    /* The candidates as a text array literal of canonical ids: checked
     * characters only, so no quoting is needed; each once. */
    char *ids = malloc(3 + req->n_person_ids * (CG_PERSON_ID_SIZE + 1));
    if (ids == NULL)
        return cg_err_set(err, CG_UNAVAILABLE, "out of memory");
    size_t n = (size_t)sprintf(ids, "{");
    for (size_t i = 0; i < req->n_person_ids; i++) {
        char canon[CG_PERSON_ID_SIZE];
        cg_person_id_canon(req->person_ids[i], canon, sizeof canon);
        n += (size_t)sprintf(ids + n, "%s%s", i > 0 ? "," : "", canon);
    }
    sprintf(ids + n, "}");
    const char *by_hr = cg_ctx_has_any_role(r->ctx, INTEGRITY_ROLES_OFFICE) ? "f" : "t";
    const char *name = r->ctx != NULL && r->ctx->actor_name != NULL ? r->ctx->actor_name : "";
    /* One statement for every candidate: the basis of each file in scope
     * (none for a candidate without one), the proposal and its words. */
    const char *params[] = {c->actor.scope, req->purpose, req->note, c->actor.user_id,
                            name,           by_hr,        ids,       c->actor.person_id};
    cg_code rc = cg_db_exec(
        conn,
        "WITH rq AS (INSERT INTO opinion_requests (org_path, purpose, note, requested_by,"
        " requested_by_name, by_hr) VALUES ($1::ltree, $2, $3, $4, $5, $6::boolean) RETURNING id),"
        " cand AS (SELECT DISTINCT ON (u.pid) u.pid, u.ord FROM unnest($7::text[])"
        " WITH ORDINALITY AS u(pid, ord) ORDER BY u.pid, u.ord),"
        " b AS (SELECT cand.pid, cand.ord, c.id AS cadre_id, CASE WHEN c.id IS NULL THEN"
        " jsonb_build_object('sanctions_in_effect', '[]'::jsonb, 'open_clue_ids', '[]'::jsonb,"
        " 'verification_result', '', 'verification_year', 0, 'verification_under_way', false,"
        " 'overdue_report_years', '[]'::jsonb, 'no_file', true) ELSE opinion_basis(c) END AS basis"
        " FROM cand LEFT JOIN cadres c ON c.person_id = cand.pid AND c.org_path <@ $1::ltree"
        " AND c.person_id <> $8)"
        " INSERT INTO opinions (request_id, seq, cadre_id, person_id, proposed, proposed_reason,"
        " basis, conclusion, text) SELECT rq.id, row_number() OVER (ORDER BY b.ord), b.cadre_id,"
        " b.pid, p.proposed, p.reason, b.basis, p.proposed,"
        " opinion_default_text(p.proposed, p.public_reason)"
        " FROM rq, b, LATERAL opinion_proposal(b.basis) p RETURNING request_id::text",
        8, params, &res, err);
    free(ids);
    char id[CG_UUID_LEN] = "";
    if (rc == CG_OK && PQntuples(res) > 0)
        cg_strlcpy(id, cg_db_get(res, 0, 0), sizeof id);
    PQclear(res);
    if (rc != CG_OK)
        return rc;
    if (id[0] == '\0')
        return cg_err_set(err, CG_INTERNAL, "the request made no opinion");
    cg_log_fields(CG_LOG_INFO, "opinions requested", "request_id", id, NULL);
    return read_request(r, conn, id, &out->request, err);
}

cg_code integrity_list_opinion_requests(cg_rpc_req *r, const void *request, PGconn *conn,
                                        void *reply, cg_err *err)
{
    (void)request;
    Cleangrid__V1__ListOpinionRequestsReply *out = reply;
    integrity_call *c = r->state;
    cg_db_json_list *list = NULL;
    const char *params[] = {c->actor.scope, full_view(r)};
    if (integrity_read(
            r, conn, &cleangrid__v1__opinion_request__descriptor,
            "SELECT opinion_request_json(q, $2::boolean, false, '') FROM opinion_requests q"
            " WHERE q.org_path <@ $1::ltree AND ($2::boolean OR q.by_hr)"
            " ORDER BY q.created_at DESC, q.id DESC LIMIT 200",
            2, params, &list, err) != CG_OK)
        return err->code;
    out->n_requests = list->n;
    out->requests = INTEGRITY_ITEMS(Cleangrid__V1__OpinionRequest, list);
    return CG_OK;
}

cg_code integrity_get_opinion_request(cg_rpc_req *r, const void *request, PGconn *conn, void *reply,
                                      cg_err *err)
{
    const Cleangrid__V1__GetOpinionRequestRequest *req = request;
    Cleangrid__V1__OpinionRequestReply *out = reply;
    if (!cg_check_uuid(err, "id", req->id))
        return err->code;
    return read_request(r, conn, req->id, &out->request, err);
}

/* The opinion as the office reads it, in the caller's scope and never the
 * caller's own. */
static cg_code read_opinion(cg_rpc_req *r, PGconn *conn, const char *id,
                            Cleangrid__V1__Opinion **out, cg_err *err)
{
    integrity_call *c = r->state;
    cg_db_json_list *list = NULL;
    const char *params[] = {c->actor.scope, id, c->actor.person_id};
    if (integrity_read(r, conn, &cleangrid__v1__opinion__descriptor,
                       "SELECT opinion_json(o, true) FROM opinions o JOIN opinion_requests q"
                       " ON q.id = o.request_id WHERE o.id = $2::uuid AND q.org_path <@ $1::ltree"
                       " AND o.person_id <> $3",
                       3, params, &list, err) != CG_OK)
        return err->code;
    if (list->n == 0)
        return cg_err_set(err, CG_NOT_FOUND, "opinion not found");
    *out = (Cleangrid__V1__Opinion *)list->msgs[0];
    return CG_OK;
}

cg_code integrity_edit_opinion(cg_rpc_req *r, const void *request, PGconn *conn, void *reply,
                               cg_err *err)
{
    static const char *const conclusions[] = {"no_objection", "objection", "cannot_conclude", NULL};
    const Cleangrid__V1__EditOpinionRequest *req = request;
    Cleangrid__V1__OpinionReply *out = reply;
    integrity_call *c = r->state;
    Cleangrid__V1__Opinion *o = NULL;

    cg_check_uuid(err, "opinion_id", req->opinion_id);
    cg_check_one_of(err, "conclusion", req->conclusion, conclusions, false);
    cg_check_text(err, "text", req->text, 1, CG_TEXT_MAX, CG_TEXT_REQUIRED | CG_TEXT_MULTILINE);
    if (err->code != CG_OK || read_opinion(r, conn, req->opinion_id, &o, err) != CG_OK)
        return err->code;
    if (strcmp(o->state, "signed") == 0)
        return cg_err_set(err, CG_FAILED_PRECONDITION, "the opinion is signed and never changes");
    PGresult *res = NULL;
    const char *params[] = {req->opinion_id, req->conclusion, req->text, c->actor.user_id};
    cg_code rc = cg_db_exec(conn,
                            "UPDATE opinions SET conclusion = $2, text = $3, edited_by = $4"
                            " WHERE id = $1::uuid AND state = 'proposed' RETURNING id",
                            4, params, &res, err);
    /* Signed meanwhile: the edit changed nothing, and says so. */
    if (rc == CG_OK && PQntuples(res) == 0)
        rc = cg_err_set(err, CG_FAILED_PRECONDITION, "the opinion is signed and never changes");
    PQclear(res);
    if (rc != CG_OK)
        return rc;
    return read_opinion(r, conn, req->opinion_id, &out->opinion, err);
}

cg_code integrity_sign_opinion(cg_rpc_req *r, const void *request, PGconn *conn, void *reply,
                               cg_err *err)
{
    const Cleangrid__V1__SignOpinionRequest *req = request;
    Cleangrid__V1__OpinionReply *out = reply;
    integrity_call *c = r->state;
    Cleangrid__V1__Opinion *o = NULL;
    PGresult *res = NULL;
    char summary[256];

    if (!cg_check_uuid(err, "opinion_id", req->opinion_id) ||
        read_opinion(r, conn, req->opinion_id, &o, err) != CG_OK)
        return err->code;
    if (strcmp(o->state, "signed") == 0)
        return cg_err_set(err, CG_FAILED_PRECONDITION, "the opinion is signed already");
    const char *name = r->ctx != NULL && r->ctx->actor_name != NULL ? r->ctx->actor_name : "";
    const char *params[] = {req->opinion_id, c->actor.user_id, name};
    /* Signed once: of two signers at the same moment, the second finds it
     * signed. */
    cg_code rc = cg_db_exec(conn,
                            "UPDATE opinions SET state = 'signed', signed_by = $2,"
                            " signed_by_name = $3, signed_at = date_trunc('milliseconds',"
                            " clock_timestamp()) WHERE id = $1::uuid AND state = 'proposed'"
                            " RETURNING id",
                            3, params, &res, err);
    if (rc == CG_OK && PQntuples(res) == 0)
        rc = cg_err_set(err, CG_FAILED_PRECONDITION, "the opinion is signed already");
    PQclear(res);
    res = NULL;
    /* Fixed, and kept in the candidate's file as the office's. */
    if (rc == CG_OK)
        rc = cg_db_exec(
            conn,
            "INSERT INTO records (person_id, section, title, detail, happened_on, source,"
            " source_ref, internal, org_path, recorded_by) SELECT c.person_id, 'opinion', CASE"
            " o.conclusion WHEN 'no_objection' THEN '廉洁意见回复：无不同意见' WHEN 'objection'"
            " THEN '廉洁意见回复：有不同意见' ELSE '廉洁意见回复：暂不能出具意见' END, o.text,"
            " integrity_today(), 'office', 'opinion:' || o.id, true, c.org_path, $2"
            " FROM opinions o JOIN cadres c ON c.id = o.cadre_id WHERE o.id = $1::uuid"
            " RETURNING id::text",
            2, params, &res, err);
    if (rc == CG_OK && o->cadre_id[0] != '\0' && PQntuples(res) == 1) {
        snprintf(summary, sizeof summary,
                 "{\"opinion_id\": \"%s\", \"request_id\": \"%s\", \"conclusion\": \"%s\"}", o->id,
                 o->request_id, o->conclusion);
        rc = integrity_record_step(r, conn, o->cadre_id, "opinion.signed", "opinion_signed",
                                   "opinion", cg_db_get(res, 0, 0), summary, err);
    }
    PQclear(res);
    if (rc != CG_OK)
        return rc;
    cg_log_fields(CG_LOG_INFO, "opinion signed", "opinion_id", req->opinion_id, NULL);
    return read_opinion(r, conn, req->opinion_id, &out->opinion, err);
}
