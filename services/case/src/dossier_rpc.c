/* cg.rpc.case.ListDossier and VerifyDossier: the electronic dossier (电子档案)
 * of a clue or of a case filed from one, for those who may see the clue. A
 * read by anyone but the clue's handler is itself written into the dossier. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "case.h"
#include "cg/log.h"
#include "cg/service.h"
#include "cg/validate.h"
#include "files.h"
#include "rpc_frame.h"

/* The longest cursor: a seq, at most 18 digits. */
#define SEQ_CURSOR_MAX 18

/* A dossier cursor is the last seq of the previous page, in decimal. */
static cg_code seq_cursor(const Cleangrid__V1__PageRequest *page, int *size, int64_t *after,
                          cg_err *err)
{
    *size = CG_PAGE_SIZE_DEFAULT;
    *after = 0;
    if (page == NULL) {
        return CG_OK;
    }
    cg_check_page_size(err, page->page_size, size);
    const char *c = page->cursor != NULL ? page->cursor : "";
    size_t n = strlen(c);
    if (n > 0) {
        bool digits = n <= SEQ_CURSOR_MAX && c[0] != '0';
        for (size_t i = 0; digits && i < n; i++) {
            digits = c[i] >= '0' && c[i] <= '9';
        }
        if (!digits) {
            cg_err_add_violation(err, "cursor",
                                 "is not valid; use next_cursor from the previous page");
        } else {
            *after = strtoll(c, NULL, 10);
        }
    }
    return err->code;
}

/* What a ListDossier call holds until its answer is sent: the rows the
 * entries borrow from. */
typedef struct list_state {
    cg_actor actor;
    int size;
    int64_t after;
    PGresult *res;
    Cleangrid__V1__DossierEntry entries[CG_PAGE_SIZE_MAX];
    Cleangrid__V1__DossierEntry *entry_ptrs[CG_PAGE_SIZE_MAX];
    cg_page_out page; /* its next_cursor a seq (seq_cursor()) */
} list_state;

static void list_cleanup(void *state, void *request)
{
    (void)request;
    PQclear(((list_state *)state)->res);
}

cg_code case_list_dossier_check(cg_rpc_req *r, const void *request, cg_err *err)
{
    const Cleangrid__V1__ListDossierRequest *req = request;
    list_state *s = case_rpc_state(r, sizeof *s, list_cleanup, req->file_id, err);
    if (s == NULL)
        return err->code;
    return seq_cursor(req->page, &s->size, &s->after, err);
}

cg_code case_list_dossier(cg_rpc_req *r, const void *request, PGconn *conn, void *reply,
                          cg_err *err)
{
    const Cleangrid__V1__ListDossierRequest *req = request;
    Cleangrid__V1__ListDossierReply *out = reply;
    list_state *s = r->state;
    char handler[CG_UUID_LEN] = "", from_s[24];

    if (case_repo_file_handler(conn, &s->actor, req->file_id, handler, sizeof handler, err) !=
            CG_OK ||
        cg_dossier_entries(conn, &case_dossier, req->file_id, s->after, s->size + 1, &s->res,
                           err) != CG_OK)
        return err->code;
    /* 全程留痕: a read by someone other than the handler is itself a step
     * of the file, written in the same transaction as the read. */
    if (strcmp(handler, s->actor.user_id) != 0) {
        snprintf(from_s, sizeof from_s, "%" PRId64, s->after);
        char *summary = case_summary("after_seq", from_s, NULL);
        cg_code rc = summary == NULL
                         ? cg_err_set(err, CG_UNAVAILABLE, "out of memory")
                         : cg_dossier_append(conn, &case_dossier, req->file_id, s->actor.user_id,
                                             "dossier.read", summary, err);
        free(summary);
        if (rc != CG_OK)
            return rc;
    }
    cg_page_out_init(&s->page, PQntuples(s->res), s->size);
    int n = s->page.n;
    for (int i = 0; i < n; i++) {
        Cleangrid__V1__DossierEntry *e = &s->entries[i];
        cleangrid__v1__dossier_entry__init(e);
        e->seq = cg_db_get_ll(s->res, i, CG_DOSSIER_COL_SEQ);
        e->occurred_at_ms = cg_db_get_ll(s->res, i, CG_DOSSIER_COL_AT_MS);
        e->actor_id = (char *)cg_db_get(s->res, i, CG_DOSSIER_COL_ACTOR);
        e->action = (char *)cg_db_get(s->res, i, CG_DOSSIER_COL_ACTION);
        e->summary_json = (char *)cg_db_get(s->res, i, CG_DOSSIER_COL_SUMMARY);
        e->prev_hash = (char *)cg_db_get(s->res, i, CG_DOSSIER_COL_PREV_HASH);
        e->hash = (char *)cg_db_get(s->res, i, CG_DOSSIER_COL_HASH);
        s->entry_ptrs[i] = e;
    }
    if (s->page.more)
        snprintf(s->page.next_cursor, sizeof s->page.next_cursor, "%" PRId64,
                 s->entries[n - 1].seq);
    out->n_entries = (size_t)n;
    out->entries = s->entry_ptrs;
    out->page = &s->page.page;
    return CG_OK;
}

cg_code case_verify_dossier_check(cg_rpc_req *r, const void *request, cg_err *err)
{
    const Cleangrid__V1__VerifyDossierRequest *req = request;
    return case_rpc_state(r, sizeof(cg_actor), NULL, req->file_id, err) != NULL ? CG_OK : err->code;
}

cg_code case_verify_dossier(cg_rpc_req *r, const void *request, PGconn *conn, void *reply,
                            cg_err *err)
{
    const Cleangrid__V1__VerifyDossierRequest *req = request;
    Cleangrid__V1__VerifyDossierReply *out = reply;
    char handler[CG_UUID_LEN], subject[160];
    bool whole = false;
    int64_t first_bad = 0;
    const char *reason = NULL;
    cg_anchor *anchors = NULL;
    size_t nanchors = 0;
    cg_code rc = case_repo_file_handler(conn, r->state, req->file_id, handler, sizeof handler, err);
    /* The anchors first: each names an entry committed before it was
     * published, so the entries read afterwards hold it. Without them a
     * rewrite made with the key would pass: no answer rather than a weaker
     * one. */
    if (rc == CG_OK) {
        cg_dossier_anchor_subject(CG_ANCHOR_DOSSIER, req->file_id, subject, sizeof subject);
        const cg_service_base *base = r->arg;
        rc = cg_anchor_fetch_all(base->nats, subject, &anchors, &nanchors, err);
    }
    if (rc == CG_OK)
        rc = cg_dossier_verify(conn, &case_dossier, req->file_id, anchors, nanchors, &whole,
                               &first_bad, &reason, err);
    free(anchors);
    if (rc != CG_OK)
        return rc;
    if (!whole) {
        char seq_s[24];
        snprintf(seq_s, sizeof seq_s, "%" PRId64, first_bad);
        cg_log_fields(CG_LOG_WARN, "dossier chain broken", "file_id", req->file_id, "seq", seq_s,
                      "reason", reason, NULL);
    }
    out->whole = whole;
    out->first_bad_seq = first_bad;
    return CG_OK;
}
