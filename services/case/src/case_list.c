/* cg.rpc.case.ListCases: the cases (案件) the caller may see, filtered,
 * newest filed first or soonest deadline first, with a stable cursor. The
 * scope, subject and recusal rules are a single case's (its clue's). */
#include <stdlib.h>
#include <string.h>

#include "case.h"
#include "cg/util.h"
#include "cg/validate.h"

cg_code case_case_filter_check(const Cleangrid__V1__ListCasesRequest *req, const cg_actor *actor,
                               case_list_filter *lf, case_case_filter *f, cg_err *err)
{
    if (req->stage[0] != '\0' && !case_case_stage_valid(req->stage)) {
        cg_err_add_violation(err, "stage", "is not a stage of a case");
    }
    if (req->investigator_id[0] != '\0') {
        cg_check_uuid(err, "investigator_id", req->investigator_id);
    }
    cg_check_date_range(err, "filed_from", req->filed_from_ms, "filed_to", req->filed_to_ms);
    bool by_deadline = strcmp(req->sort, "deadline") == 0;
    if (!by_deadline && req->sort[0] != '\0' && strcmp(req->sort, "filed") != 0) {
        cg_err_add_violation(err, "sort", "must be filed or deadline");
    }
    /* The clue list's check reads the subtree and turns the query into
     * its ILIKE pattern; the case list has none of its other filters. */
    if (case_list_filter_check("", "", "", "", req->org_path, actor->scope, 0, 0, req->query, lf,
                               err) != CG_OK) {
        return err->code;
    }
    *f = (case_case_filter){.stage = req->stage,
                            .org_path = lf->org_path,
                            .investigator_id = req->investigator_id,
                            .overdue = req->overdue,
                            .by_deadline = by_deadline,
                            .filed_from_ms = req->filed_from_ms,
                            .filed_to_ms = req->filed_to_ms,
                            .pattern = lf->pattern,
                            .number_kind = lf->number_kind,
                            .number = lf->number};
    return CG_OK;
}

void case_rpc_list_cases(cg_rpc_call *call, void *arg)
{
    cg_service_base *base = arg;
    cg_actor actor;
    int size = 0, nviews = 0;
    cg_cursor after;
    case_list_filter lf;
    case_case_filter f;
    bool has_cursor = false;
    PGconn *conn = NULL;
    PGresult *res = NULL;
    case_case_view *views = NULL;
    Cleangrid__V1__Case **ptrs = NULL;
    char next_cursor[CG_CURSOR_SIZE] = "";
    cg_err err;
    cg_err_clear(&err);

    Cleangrid__V1__ListCasesRequest *req = (Cleangrid__V1__ListCasesRequest *)cg_rpc_decode(
        call, &cleangrid__v1__list_cases_request__descriptor);
    if (req == NULL) {
        return;
    }
    if (cg_actor_from_ctx(req->ctx, CASE_ROLES_READ, "read cases", &actor, &err) != CG_OK) {
        goto cleanup;
    }
    /* The filters and the page are checked together, so a client hears of
     * every bad parameter at once. */
    case_case_filter_check(req, &actor, &lf, &f, &err);
    cg_page_parse(req->page, strcmp(req->sort, "deadline") == 0 ? CG_SORT_DEADLINE : CG_SORT_DATE,
                  &size, &after, &has_cursor, &err);
    if (err.code != CG_OK) {
        goto cleanup;
    }
    conn = cg_db_acquire(base->db, CASE_DB_ACQUIRE_MS, &err);
    /* One row more than the page tells whether there is a next page. */
    if (conn == NULL || case_repo_list_cases(conn, &actor, &f, has_cursor ? &after : NULL, size + 1,
                                             &res, &err) != CG_OK) {
        goto cleanup;
    }
    cg_db_release(base->db, conn);
    conn = NULL;

    int rows = PQntuples(res);
    bool more = rows > size;
    int want = more ? size : rows;
    views = calloc((size_t)(want > 0 ? want : 1), sizeof *views);
    ptrs = calloc((size_t)(want > 0 ? want : 1), sizeof *ptrs);
    if (views == NULL || ptrs == NULL) {
        cg_err_set(&err, CG_UNAVAILABLE, "out of memory");
        goto cleanup;
    }
    for (; nviews < want; nviews++) {
        cg_cursor last = {.sort = f.by_deadline ? CG_SORT_DEADLINE : CG_SORT_DATE};
        int n = nviews;
        if (case_repo_case_from_row(res, n, &views[n], f.by_deadline, &last.key_us, &err) !=
            CG_OK) {
            nviews++; /* its parts are freed below too */
            goto cleanup;
        }
        ptrs[n] = &views[n].record;
        if (more && n == want - 1) {
            cg_strlcpy(last.id, views[n].record.id, sizeof last.id);
            cg_cursor_encode(&last, next_cursor);
        }
    }
    Cleangrid__V1__Page page = CLEANGRID__V1__PAGE__INIT;
    page.next_cursor = next_cursor;
    Cleangrid__V1__ListCasesReply reply = CLEANGRID__V1__LIST_CASES_REPLY__INIT;
    reply.n_cases = (size_t)want;
    reply.cases = ptrs;
    reply.page = &page;
    cg_rpc_reply(call, &reply.base);

cleanup:
    for (int i = 0; i < nviews; i++) {
        case_case_view_free(&views[i]);
    }
    free(views);
    free(ptrs);
    PQclear(res);
    case_rpc_finish(call, &err, base, conn);
    protobuf_c_message_free_unpacked(&req->base, NULL);
}
