/* cg.rpc.case.*: who may read clues, which clues they see, and pages. */
#include <stdlib.h>
#include <string.h>

#include "access.h"
#include "case.h"
#include "cg/log.h"
#include "documents.h"

static void list_clues(cg_rpc_call *call, void *arg)
{
    cg_service_base *base = arg;
    cg_actor actor;
    int size = 0, n = 0, nviews = 0;
    cg_cursor after;
    cg_sort sort = CG_SORT_DATE;
    case_list_filter filter;
    bool has_cursor = false;
    PGconn *conn = NULL;
    PGresult *res = NULL;
    /* A page of views is too big for the RPC thread's stack. */
    case_clue_view *views = NULL;
    Cleangrid__V1__Clue *clue_ptrs[CG_PAGE_SIZE_MAX];
    char next_cursor[CG_CURSOR_SIZE] = "";
    cg_err err;
    cg_err_clear(&err);

    Cleangrid__V1__ListCluesRequest *req = (Cleangrid__V1__ListCluesRequest *)cg_rpc_decode(
        call, &cleangrid__v1__list_clues_request__descriptor);
    if (req == NULL) {
        /* cg_rpc_decode has answered INVALID_ARGUMENT. */
        return;
    }
    if (cg_actor_from_ctx(req->ctx, CASE_ROLES_READ, "read clues", &actor, &err) != CG_OK) {
        goto cleanup;
    }
    /* The page and the filters are checked together, so a client hears of
     * every bad parameter at once. */
    cg_sort_parse(req->sort, "received", &sort, &err);
    cg_page_parse(req->page, sort, &size, &after, &has_cursor, &err);
    case_list_filter_check(req->status, req->source, req->category, req->handler_id, req->org_path,
                           actor.scope, req->received_from_ms, req->received_to_ms, req->query,
                           &filter, &err);
    if (err.code != CG_OK) {
        goto cleanup;
    }
    filter.overdue = req->overdue;
    conn = cg_db_acquire(base->db, CASE_DB_ACQUIRE_MS, &err);
    /* One row more than the page tells whether there is a next page. */
    if (conn == NULL || case_repo_list(conn, &actor, &filter, sort, has_cursor ? &after : NULL,
                                       size + 1, &res, &err) != CG_OK) {
        goto cleanup;
    }
    cg_db_release(base->db, conn);
    conn = NULL;

    int rows = PQntuples(res);
    bool more = rows > size;
    int want = more ? size : rows;
    views = calloc((size_t)(want > 0 ? want : 1), sizeof *views);
    if (views == NULL) {
        cg_err_set(&err, CG_UNAVAILABLE, "out of memory");
        goto cleanup;
    }
    nviews = want;
    for (; n < want; n++) {
        if (case_repo_clue_from_row(res, n, &views[n], NULL, &err) != CG_OK) {
            goto cleanup;
        }
        clue_ptrs[n] = &views[n].clue;
        if (more && n == want - 1) {
            cg_cursor last = {.sort = sort, .key_us = case_repo_sort_key_us(res, n, sort)};
            cg_strlcpy(last.id, views[n].clue.id, sizeof last.id);
            cg_cursor_encode(&last, next_cursor);
        }
    }

    /* A reply with no Status means OK (see cg_err_from_pb). */
    Cleangrid__V1__Page page = CLEANGRID__V1__PAGE__INIT;
    page.next_cursor = next_cursor;
    Cleangrid__V1__ListCluesReply reply = CLEANGRID__V1__LIST_CLUES_REPLY__INIT;
    reply.n_clues = (size_t)n;
    reply.clues = clue_ptrs;
    reply.page = &page;
    cg_rpc_reply(call, &reply.base);

cleanup:
    for (int i = 0; i < nviews; i++) {
        case_clue_view_free(&views[i]);
    }
    free(views);
    PQclear(res);
    case_rpc_finish(call, &err, base, conn);
    protobuf_c_message_free_unpacked(&req->base, NULL);
}

static void get_clue(cg_rpc_call *call, void *arg)
{
    cg_service_base *base = arg;
    cg_actor actor;
    PGconn *conn = NULL;
    PGresult *res = NULL;
    case_clue_view view;
    bool have_view = false;
    cg_err err;
    cg_err_clear(&err);

    Cleangrid__V1__GetClueRequest *req = (Cleangrid__V1__GetClueRequest *)cg_rpc_decode(
        call, &cleangrid__v1__get_clue_request__descriptor);
    if (req == NULL) {
        return;
    }
    if (cg_actor_from_ctx(req->ctx, CASE_ROLES_READ, "read clues", &actor, &err) != CG_OK) {
        goto cleanup;
    }
    if (!cg_uuid_valid(req->id)) {
        cg_err_add_violation(&err, "id", "is not a UUID");
        goto cleanup;
    }
    conn = cg_db_acquire(base->db, CASE_DB_ACQUIRE_MS, &err);
    if (conn == NULL || case_repo_get(conn, &actor, req->id, &res, &err) != CG_OK) {
        goto cleanup;
    }
    have_view = true;
    if (case_repo_clue_from_row(res, 0, &view, NULL, &err) != CG_OK) {
        goto cleanup;
    }
    Cleangrid__V1__GetClueReply reply = CLEANGRID__V1__GET_CLUE_REPLY__INIT;
    reply.clue = &view.clue;
    cg_rpc_reply(call, &reply.base);

cleanup:
    if (have_view) {
        case_clue_view_free(&view);
    }
    PQclear(res);
    case_rpc_finish(call, &err, base, conn);
    protobuf_c_message_free_unpacked(&req->base, NULL);
}

void case_rpc_get_case(cg_rpc_call *call, void *arg)
{
    cg_service_base *base = arg;
    cg_actor actor;
    PGconn *conn = NULL;
    cg_err err;
    cg_err_clear(&err);

    Cleangrid__V1__GetCaseRequest *req = (Cleangrid__V1__GetCaseRequest *)cg_rpc_decode(
        call, &cleangrid__v1__get_case_request__descriptor);
    if (req == NULL) {
        return;
    }
    if (cg_actor_from_ctx(req->ctx, CASE_ROLES_READ, "read cases", &actor, &err) != CG_OK) {
        goto cleanup;
    }
    if (!cg_uuid_valid(req->id)) {
        cg_err_add_violation(&err, "id", "is not a UUID");
        goto cleanup;
    }
    conn = cg_db_acquire(base->db, CASE_DB_ACQUIRE_MS, &err);
    if (conn != NULL) {
        case_rpc_reply_case(call, conn, &actor, req->id, &err);
    }

cleanup:
    case_rpc_finish(call, &err, base, conn);
    protobuf_c_message_free_unpacked(&req->base, NULL);
}

cg_code case_rpc_reply_case(cg_rpc_call *call, PGconn *conn, const cg_actor *actor, const char *id,
                            cg_err *err)
{
    PGresult *res = NULL;
    case_case_view view;
    cg_code rc = case_repo_get_case(conn, actor, id, &view, &res, err);
    if (rc == CG_OK) {
        Cleangrid__V1__GetCaseReply reply = CLEANGRID__V1__GET_CASE_REPLY__INIT;
        reply.record = &view.record;
        cg_rpc_reply(call, &reply.base);
    }
    case_case_view_free(&view);
    PQclear(res);
    return rc;
}

void case_rpc_finish(cg_rpc_call *call, const cg_err *err, cg_service_base *base, PGconn *conn)
{
    if (err->code != CG_OK) {
        cg_rpc_reply_error(call, err);
    }
    if (conn != NULL) {
        cg_db_release(base->db, conn);
    }
}

const cg_rpc_method case_rpc_methods[] = {
    {"ListClues", list_clues},
    {"GetClue", get_clue},
    {"CreateClue", case_rpc_create_clue},
    {"ClueAction", case_rpc_clue_action},
    {"ListDossier", case_rpc_list_dossier},
    {"VerifyDossier", case_rpc_verify_dossier},
    {"GetCase", case_rpc_get_case},
    {"ClueStatistics", case_rpc_clue_statistics},
    {"CaseStatistics", case_rpc_case_statistics},
    {"CaseAction", case_rpc_case_action},
    {"ListCases", case_rpc_list_cases},
    /* Documents and the dossier export (documents.c). */
    CASE_DOCUMENT_RPC_METHODS,
};
const size_t case_rpc_nmethods = sizeof case_rpc_methods / sizeof case_rpc_methods[0];
