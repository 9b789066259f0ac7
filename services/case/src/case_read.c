/* cg.rpc.case.ListCases and GetCase: the cases (案件) the caller may see,
 * filtered, newest filed first or soonest deadline first, with a stable
 * cursor, and one case with its items. The scope, subject and recusal
 * rules are a single case's (its clue's). */
#include "case_read.h"

#include <stdlib.h>
#include <string.h>

#include "cg/util.h"
#include "cg/validate.h"
#include "cg/rpc_actor.h"

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

/* A ListCases call: the actor, filters and page checked, then the rows and
 * the views the reply points into. */
typedef struct list_state {
    cg_actor actor;
    case_list_filter lf;
    case_case_filter f;
    int size;
    cg_cursor after;
    bool has_cursor;
    PGresult *res;
    case_case_view *views;
    int nviews;
    Cleangrid__V1__Case **ptrs;
    cg_page_out page;
} list_state;

static void list_cleanup(void *state, void *request)
{
    (void)request;
    list_state *s = state;
    for (int i = 0; i < s->nviews; i++) {
        case_case_view_free(&s->views[i]);
    }
    free(s->views);
    free(s->ptrs);
    PQclear(s->res);
}

cg_code case_list_cases_check(cg_rpc_req *r, const void *request, cg_err *err)
{
    const Cleangrid__V1__ListCasesRequest *req = request;
    list_state *s = cg_rpc_actor_state(r, sizeof *s, list_cleanup, NULL, err);
    if (s == NULL) {
        return err->code;
    }
    /* The filters and the page are checked together, so a client hears of
     * every bad parameter at once. */
    case_case_filter_check(req, &s->actor, &s->lf, &s->f, err);
    cg_page_parse(req->page, strcmp(req->sort, "deadline") == 0 ? CG_SORT_DEADLINE : CG_SORT_DATE,
                  &s->size, &s->after, &s->has_cursor, err);
    return err->code;
}

cg_code case_list_cases(cg_rpc_req *r, const void *request, PGconn *conn, void *reply, cg_err *err)
{
    (void)request;
    list_state *s = r->state;
    Cleangrid__V1__ListCasesReply *out = reply;

    /* One row more than the page tells whether there is a next page. */
    if (case_repo_list_cases(conn, &s->actor, &s->f, s->has_cursor ? &s->after : NULL, s->size + 1,
                             &s->res, err) != CG_OK) {
        return err->code;
    }
    cg_page_out_init(&s->page, PQntuples(s->res), s->size);
    int want = s->page.n;
    s->views = calloc((size_t)(want > 0 ? want : 1), sizeof *s->views);
    s->ptrs = calloc((size_t)(want > 0 ? want : 1), sizeof *s->ptrs);
    if (s->views == NULL || s->ptrs == NULL) {
        return cg_err_set(err, CG_UNAVAILABLE, "out of memory");
    }
    for (int n = 0; n < want; n++) {
        cg_cursor last = {.sort = s->f.by_deadline ? CG_SORT_DEADLINE : CG_SORT_DATE};
        s->nviews = n + 1; /* its parts are freed after the answer, even on failure */
        if (case_repo_case_from_row(s->res, n, &s->views[n], s->f.by_deadline, &last.key_us, err) !=
            CG_OK) {
            return err->code;
        }
        s->ptrs[n] = &s->views[n].record;
        if (n == want - 1) {
            cg_strlcpy(last.id, s->views[n].record.id, sizeof last.id);
            cg_page_out_after(&s->page, &last);
        }
    }
    out->n_cases = (size_t)want;
    out->cases = s->ptrs;
    out->page = &s->page.page;
    return CG_OK;
}

cg_code case_case_answer_read(PGconn *conn, const cg_actor *actor, const char *id,
                              case_case_answer *a, Cleangrid__V1__GetCaseReply *reply, cg_err *err)
{
    a->read = true;
    cg_code rc = case_repo_get_case(conn, actor, id, &a->view, &a->res, err);
    if (rc == CG_OK) {
        reply->record = &a->view.record;
    }
    return rc;
}

void case_case_answer_free(case_case_answer *a)
{
    if (a->read) {
        case_case_view_free(&a->view);
    }
    PQclear(a->res);
    a->res = NULL;
    a->read = false;
}

/* A GetCase call: the actor, then the case the reply points into. */
typedef struct get_state {
    cg_actor actor;
    case_case_answer answer;
} get_state;

static void get_cleanup(void *state, void *request)
{
    (void)request;
    case_case_answer_free(&((get_state *)state)->answer);
}

cg_code case_get_case_check(cg_rpc_req *r, const void *request, cg_err *err)
{
    const Cleangrid__V1__GetCaseRequest *req = request;
    return cg_rpc_actor_state(r, sizeof(get_state), get_cleanup, req->id, err) != NULL ? CG_OK
                                                                                       : err->code;
}

cg_code case_get_case(cg_rpc_req *r, const void *request, PGconn *conn, void *reply, cg_err *err)
{
    const Cleangrid__V1__GetCaseRequest *req = request;
    get_state *s = r->state;
    return case_case_answer_read(conn, &s->actor, req->id, &s->answer, reply, err);
}
