/* cg.rpc.case.ListDossier and VerifyDossier: the electronic dossier (电子档案)
 * of a clue or of a case filed from one, for those who may see the clue. A
 * read by anyone but the clue's handler is itself written into the dossier. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "case.h"
#include "cg/log.h"
#include "cg/validate.h"
#include "files.h"

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

void case_rpc_list_dossier(cg_rpc_call *call, void *arg)
{
    cg_service_base *base = arg;
    cg_actor actor;
    char handler[CG_UUID_LEN] = "";
    int size = 0, n = 0;
    int64_t after = 0;
    PGconn *conn = NULL;
    PGresult *res = NULL;
    Cleangrid__V1__DossierEntry entries[CG_PAGE_SIZE_MAX];
    Cleangrid__V1__DossierEntry *entry_ptrs[CG_PAGE_SIZE_MAX];
    char next_cursor[SEQ_CURSOR_MAX + 2] = "", from_s[24];
    cg_err err;
    cg_err_clear(&err);

    Cleangrid__V1__ListDossierRequest *req = (Cleangrid__V1__ListDossierRequest *)cg_rpc_decode(
        call, &cleangrid__v1__list_dossier_request__descriptor);
    if (req == NULL) {
        return;
    }
    if (cg_actor_from_ctx(req->ctx, CASE_ROLES_READ, "read dossiers", &actor, &err) != CG_OK) {
        goto cleanup;
    }
    if (!cg_uuid_valid(req->file_id)) {
        cg_err_add_violation(&err, "id", "is not a UUID");
    }
    if (seq_cursor(req->page, &size, &after, &err) != CG_OK) {
        goto cleanup;
    }
    conn = cg_db_acquire(base->db, CASE_DB_ACQUIRE_MS, &err);
    if (conn == NULL || cg_db_begin(conn, &err) != CG_OK ||
        case_repo_file_handler(conn, &actor, req->file_id, handler, sizeof handler, &err) !=
            CG_OK ||
        cg_dossier_entries(conn, &case_dossier, req->file_id, after, size + 1, &res, &err) !=
            CG_OK) {
        goto cleanup;
    }
    /* 全程留痕: a read by someone other than the handler is itself a step
     * of the file, written in the same transaction as the read. */
    if (strcmp(handler, actor.user_id) != 0) {
        snprintf(from_s, sizeof from_s, "%" PRId64, after);
        char *summary = case_summary("after_seq", from_s, NULL);
        cg_code rc = summary == NULL
                         ? cg_err_set(&err, CG_UNAVAILABLE, "out of memory")
                         : cg_dossier_append(conn, &case_dossier, req->file_id, actor.user_id,
                                             "dossier.read", summary, &err);
        free(summary);
        if (rc != CG_OK) {
            goto cleanup;
        }
    }
    if (cg_db_commit(conn, &err) != CG_OK) {
        goto cleanup;
    }

    int rows = PQntuples(res);
    n = rows > size ? size : rows;
    for (int i = 0; i < n; i++) {
        Cleangrid__V1__DossierEntry *e = &entries[i];
        cleangrid__v1__dossier_entry__init(e);
        e->seq = cg_db_get_ll(res, i, CG_DOSSIER_COL_SEQ);
        e->occurred_at_ms = cg_db_get_ll(res, i, CG_DOSSIER_COL_AT_MS);
        e->actor_id = (char *)cg_db_get(res, i, CG_DOSSIER_COL_ACTOR);
        e->action = (char *)cg_db_get(res, i, CG_DOSSIER_COL_ACTION);
        e->summary_json = (char *)cg_db_get(res, i, CG_DOSSIER_COL_SUMMARY);
        e->prev_hash = (char *)cg_db_get(res, i, CG_DOSSIER_COL_PREV_HASH);
        e->hash = (char *)cg_db_get(res, i, CG_DOSSIER_COL_HASH);
        entry_ptrs[i] = e;
    }
    if (rows > size) {
        snprintf(next_cursor, sizeof next_cursor, "%" PRId64, entries[n - 1].seq);
    }
    Cleangrid__V1__Page page = CLEANGRID__V1__PAGE__INIT;
    page.next_cursor = next_cursor;
    Cleangrid__V1__ListDossierReply reply = CLEANGRID__V1__LIST_DOSSIER_REPLY__INIT;
    reply.n_entries = (size_t)n;
    reply.entries = entry_ptrs;
    reply.page = &page;
    cg_rpc_reply(call, &reply.base);

cleanup:
    PQclear(res);
    case_rpc_finish(call, &err, base, conn);
    protobuf_c_message_free_unpacked(&req->base, NULL);
}

void case_rpc_verify_dossier(cg_rpc_call *call, void *arg)
{
    cg_service_base *base = arg;
    cg_actor actor;
    PGconn *conn = NULL;
    char handler[CG_UUID_LEN];
    bool whole = false;
    int64_t first_bad = 0;
    cg_err err;
    cg_err_clear(&err);

    Cleangrid__V1__VerifyDossierRequest *req = (Cleangrid__V1__VerifyDossierRequest *)cg_rpc_decode(
        call, &cleangrid__v1__verify_dossier_request__descriptor);
    if (req == NULL) {
        return;
    }
    if (cg_actor_from_ctx(req->ctx, CASE_ROLES_READ, "verify dossiers", &actor, &err) != CG_OK) {
        goto cleanup;
    }
    if (!cg_uuid_valid(req->file_id)) {
        cg_err_add_violation(&err, "id", "is not a UUID");
        goto cleanup;
    }
    conn = cg_db_acquire(base->db, CASE_DB_ACQUIRE_MS, &err);
    if (conn == NULL ||
        case_repo_file_handler(conn, &actor, req->file_id, handler, sizeof handler, &err) !=
            CG_OK ||
        cg_dossier_verify(conn, &case_dossier, req->file_id, &whole, &first_bad, &err) != CG_OK) {
        goto cleanup;
    }
    if (!whole) {
        char seq_s[24];
        snprintf(seq_s, sizeof seq_s, "%" PRId64, first_bad);
        cg_log_fields(CG_LOG_WARN, "dossier chain broken", "file_id", req->file_id, "seq", seq_s,
                      NULL);
    }
    Cleangrid__V1__VerifyDossierReply reply = CLEANGRID__V1__VERIFY_DOSSIER_REPLY__INIT;
    reply.whole = whole;
    reply.first_bad_seq = first_bad;
    cg_rpc_reply(call, &reply.base);

cleanup:
    case_rpc_finish(call, &err, base, conn);
    protobuf_c_message_free_unpacked(&req->base, NULL);
}
