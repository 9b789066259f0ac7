/* ListDossier and VerifyDossier for a service's files (cg/dossier_rpc.h). */
#include "cg/dossier_rpc.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cg/chain.h"
#include "cg/db.h"
#include "cg/log.h"
#include "cg/page.h"
#include "cg/util.h"
#include "cg/validate.h"

/* The longest cursor: a seq, at most 18 digits, so that it always fits an
 * int64. */
#define SEQ_CURSOR_MAX 18

/* The longest anchor subject: a prefix and a file id (cg/dossier.h). */
#define ANCHOR_SUBJECT_SIZE 160

cg_code cg_dossier_cursor(const Cleangrid__V1__PageRequest *page, int *size, int64_t *after,
                          cg_err *err)
{
    *size = CG_PAGE_SIZE_DEFAULT;
    *after = 0;
    if (page == NULL)
        return CG_OK;
    cg_check_page_size(err, page->page_size, size);
    const char *c = page->cursor != NULL ? page->cursor : "";
    size_t n = strlen(c);
    if (n > 0) {
        bool digits = n <= SEQ_CURSOR_MAX && c[0] != '0';
        for (size_t i = 0; digits && i < n; i++)
            digits = c[i] >= '0' && c[i] <= '9';
        if (!digits)
            cg_err_add_violation(err, "cursor",
                                 "is not valid; use next_cursor from the previous page");
        else
            *after = strtoll(c, NULL, 10);
    }
    return err->code;
}

/* The call's state of a struct whose first member is the caller (size
 * bytes, cleanup as cg_rpc_state()), that caller taken from the request
 * against the row's files: one of their reading roles, a scope and a user
 * id; file_id checked as a UUID. NULL with err set when any of it fails. */
static void *caller_state(cg_rpc_req *r, size_t size, void (*cleanup)(void *state, void *request),
                          const char *file_id, cg_err *err)
{
    const cg_dossier_files *files = r->row->data;
    if (files == NULL) {
        cg_err_set(err, CG_INTERNAL, "%s serves no files", r->row->name);
        return NULL;
    }
    cg_actor *actor = cg_rpc_state(r, size, cleanup, err);
    if (actor == NULL ||
        cg_actor_from_ctx(r->ctx, files->roles_read, files->doing, actor, err) != CG_OK)
        return NULL;
    if (!cg_uuid_valid(file_id)) {
        cg_err_add_violation(err, "file_id", "is not a UUID");
        return NULL;
    }
    return actor;
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
    cg_page_out page; /* its next_cursor a seq (cg_dossier_cursor()) */
} list_state;

static void list_cleanup(void *state, void *request)
{
    (void)request;
    PQclear(((list_state *)state)->res);
}

cg_code cg_dossier_rpc_list_check(cg_rpc_req *r, const void *request, cg_err *err)
{
    const Cleangrid__V1__ListDossierRequest *req = request;
    list_state *s = caller_state(r, sizeof *s, list_cleanup, req->file_id, err);
    if (s == NULL)
        return err->code;
    return cg_dossier_cursor(req->page, &s->size, &s->after, err);
}

/* 全程留痕: a read by someone other than the file's owner is itself a step
 * of the file, written in the same transaction as the read, with the seq
 * the reader started after. */
static cg_code record_read(PGconn *conn, const cg_dossier_files *files, const char *file_id,
                           const list_state *s, cg_err *err)
{
    char summary[64];
    snprintf(summary, sizeof summary, "{\"after_seq\": \"%" PRId64 "\"}", s->after);
    return cg_dossier_append(conn, files->tables, file_id, s->actor.user_id, "dossier.read",
                             summary, err);
}

cg_code cg_dossier_rpc_list(cg_rpc_req *r, const void *request, PGconn *conn, void *reply,
                            cg_err *err)
{
    const Cleangrid__V1__ListDossierRequest *req = request;
    Cleangrid__V1__ListDossierReply *out = reply;
    const cg_dossier_files *files = r->row->data;
    list_state *s = r->state;
    char owner[CG_UUID_LEN] = "";

    if (files->find(conn, &s->actor, req->file_id, owner, sizeof owner, err) != CG_OK ||
        cg_dossier_entries(conn, files->tables, req->file_id, s->after, s->size + 1, &s->res,
                           err) != CG_OK)
        return err->code;
    if (strcmp(owner, s->actor.user_id) != 0 &&
        record_read(conn, files, req->file_id, s, err) != CG_OK)
        return err->code;
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

cg_code cg_dossier_rpc_verify_check(cg_rpc_req *r, const void *request, cg_err *err)
{
    const Cleangrid__V1__VerifyDossierRequest *req = request;
    return caller_state(r, sizeof(cg_actor), NULL, req->file_id, err) != NULL ? CG_OK : err->code;
}

cg_code cg_dossier_rpc_verify(cg_rpc_req *r, const void *request, PGconn *conn, void *reply,
                              cg_err *err)
{
    const Cleangrid__V1__VerifyDossierRequest *req = request;
    Cleangrid__V1__VerifyDossierReply *out = reply;
    const cg_dossier_files *files = r->row->data;
    char owner[CG_UUID_LEN], subject[ANCHOR_SUBJECT_SIZE];
    bool whole = false;
    int64_t first_bad = 0;
    const char *reason = NULL;
    cg_anchor *anchors = NULL;
    size_t nanchors = 0;
    cg_code rc = files->find(conn, r->state, req->file_id, owner, sizeof owner, err);
    /* The anchors first: each names an entry committed before it was
     * published, so the entries read afterwards hold it. Without them a
     * rewrite made with the key would pass: no answer rather than a weaker
     * one. */
    if (rc == CG_OK && r->nats == NULL)
        rc = cg_err_set(err, CG_UNAVAILABLE, "the dossier's anchors cannot be read without NATS");
    if (rc == CG_OK) {
        cg_dossier_anchor_subject(files->anchor_prefix, req->file_id, subject, sizeof subject);
        rc = cg_anchor_fetch_all(r->nats, subject, &anchors, &nanchors, err);
    }
    if (rc == CG_OK)
        rc = cg_dossier_verify(conn, files->tables, req->file_id, anchors, nanchors, &whole,
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
