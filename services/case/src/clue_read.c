/* cg.rpc.case.ListClues and GetClue: the clues a reader may see, a page at
 * a time, and one clue. Which clues they see is the repository's rule
 * (clue_repo.c). */
#include "clue_read.h"

#include <stdlib.h>
#include <string.h>

#include "cg/util.h"
#include "clue_repo.h"
#include "cg/rpc_actor.h"

/* A ListClues call: the actor, filters and page checked, then the rows and
 * the views the reply points into. */
typedef struct list_state {
    cg_actor actor;
    cg_sort sort;
    int size;
    cg_cursor after;
    bool has_cursor;
    case_list_filter filter;
    PGresult *res;
    /* A page of views is too big for the RPC thread's stack. */
    case_clue_view *views;
    int nviews;
    Cleangrid__V1__Clue *ptrs[CG_PAGE_SIZE_MAX];
    cg_page_out page;
} list_state;

static void list_cleanup(void *state, void *request)
{
    (void)request;
    list_state *s = state;
    for (int i = 0; i < s->nviews; i++) {
        case_clue_view_free(&s->views[i]);
    }
    free(s->views);
    PQclear(s->res);
}

cg_code case_list_clues_check(cg_rpc_req *r, const void *request, cg_err *err)
{
    const Cleangrid__V1__ListCluesRequest *req = request;
    list_state *s = cg_rpc_actor_state(r, sizeof *s, list_cleanup, NULL, err);
    if (s == NULL) {
        return err->code;
    }
    /* The page and the filters are checked together, so a client hears of
     * every bad parameter at once. */
    s->sort = CG_SORT_DATE;
    cg_sort_parse(req->sort, "received", &s->sort, err);
    cg_page_parse(req->page, s->sort, &s->size, &s->after, &s->has_cursor, err);
    case_list_filter_check(req->status, req->source, req->category, req->handler_id, req->org_path,
                           s->actor.scope, req->received_from_ms, req->received_to_ms, req->query,
                           &s->filter, err);
    s->filter.overdue = req->overdue;
    return err->code;
}

cg_code case_list_clues(cg_rpc_req *r, const void *request, PGconn *conn, void *reply, cg_err *err)
{
    (void)request;
    list_state *s = r->state;
    Cleangrid__V1__ListCluesReply *out = reply;

    /* One row more than the page tells whether there is a next page. */
    if (case_repo_list(conn, &s->actor, &s->filter, s->sort, s->has_cursor ? &s->after : NULL,
                       s->size + 1, &s->res, err) != CG_OK) {
        return err->code;
    }
    cg_page_out_init(&s->page, PQntuples(s->res), s->size);
    int want = s->page.n;
    s->views = calloc((size_t)(want > 0 ? want : 1), sizeof *s->views);
    if (s->views == NULL) {
        return cg_err_set(err, CG_UNAVAILABLE, "out of memory");
    }
    s->nviews = want;
    for (int n = 0; n < want; n++) {
        if (case_repo_clue_from_row(s->res, n, &s->views[n], NULL, err) != CG_OK) {
            return err->code;
        }
        s->ptrs[n] = &s->views[n].clue;
        if (n == want - 1) {
            cg_cursor last = {.sort = s->sort, .key_us = case_repo_sort_key_us(s->res, n, s->sort)};
            cg_strlcpy(last.id, s->views[n].clue.id, sizeof last.id);
            cg_page_out_after(&s->page, &last);
        }
    }
    /* A reply with no Status means OK (see cg_err_from_pb). */
    out->n_clues = (size_t)want;
    out->clues = s->ptrs;
    out->page = &s->page.page;
    return CG_OK;
}

/* A GetClue call: the actor, then the clue the reply points into. */
typedef struct get_state {
    cg_actor actor;
    case_clue_row clue;
} get_state;

static void get_cleanup(void *state, void *request)
{
    (void)request;
    case_clue_row_free(&((get_state *)state)->clue);
}

cg_code case_get_clue_check(cg_rpc_req *r, const void *request, cg_err *err)
{
    const Cleangrid__V1__GetClueRequest *req = request;
    return cg_rpc_actor_state(r, sizeof(get_state), get_cleanup, req->id, err) != NULL ? CG_OK
                                                                                       : err->code;
}

cg_code case_get_clue(cg_rpc_req *r, const void *request, PGconn *conn, void *reply, cg_err *err)
{
    const Cleangrid__V1__GetClueRequest *req = request;
    Cleangrid__V1__GetClueReply *out = reply;
    get_state *s = r->state;
    if (case_clue_row_get(conn, &s->actor, req->id, &s->clue, err) != CG_OK) {
        return err->code;
    }
    out->clue = &s->clue.view.clue;
    return CG_OK;
}
