/* cg.rpc.case.*: who may read clues, which clues they see, and pages. */
#include "access.h"
#include "case.h"
#include "cg/log.h"

static void list_clues(cg_rpc_call *call, void *arg)
{
    cg_service_base *base = arg;
    const char *scope = NULL;
    int size = 0;
    case_cursor after;
    bool has_cursor = false;
    PGconn *conn = NULL;
    PGresult *res = NULL;
    /* At most a page of clues, on the stack: no allocation to fail. */
    Cleangrid__V1__Clue clues[CASE_PAGE_SIZE_MAX];
    Cleangrid__V1__Clue *clue_ptrs[CASE_PAGE_SIZE_MAX];
    char next_cursor[CASE_CURSOR_SIZE] = "";
    cg_err err;
    cg_err_clear(&err);

    Cleangrid__V1__ListCluesRequest *req = (Cleangrid__V1__ListCluesRequest *)cg_rpc_decode(
        call, &cleangrid__v1__list_clues_request__descriptor);
    if (req == NULL) {
        /* cg_rpc_decode has answered INVALID_ARGUMENT. */
        return;
    }
    if (case_access_clue_reader(req->ctx, &scope, &err) != CG_OK ||
        case_page_parse(req->page, &size, &after, &has_cursor, &err) != CG_OK) {
        cg_rpc_reply_error(call, &err);
        goto cleanup;
    }
    conn = cg_db_acquire(base->db, CASE_DB_ACQUIRE_MS, &err);
    if (conn == NULL) {
        cg_rpc_reply_error(call, &err);
        goto cleanup;
    }
    /* One row more than the page tells whether there is a next page. */
    if (case_repo_list(conn, scope, has_cursor ? &after : NULL, size + 1, &res, &err) != CG_OK) {
        cg_rpc_reply_error(call, &err);
        goto cleanup;
    }
    cg_db_release(base->db, conn);
    conn = NULL;

    int n = PQntuples(res);
    bool more = n > size;
    if (more) {
        n = size;
    }
    for (int i = 0; i < n; i++) {
        case_cursor last;
        case_repo_clue_from_row(res, i, &clues[i], &last.created_us);
        clue_ptrs[i] = &clues[i];
        if (more && i == n - 1) {
            cg_strlcpy(last.id, clues[i].id, sizeof last.id);
            case_cursor_encode(&last, next_cursor);
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
    if (res != NULL) {
        PQclear(res);
    }
    if (conn != NULL) {
        cg_db_release(base->db, conn);
    }
    protobuf_c_message_free_unpacked(&req->base, NULL);
}

static void get_clue(cg_rpc_call *call, void *arg)
{
    cg_service_base *base = arg;
    const char *scope = NULL;
    PGconn *conn = NULL;
    PGresult *res = NULL;
    cg_err err;
    cg_err_clear(&err);

    Cleangrid__V1__GetClueRequest *req = (Cleangrid__V1__GetClueRequest *)cg_rpc_decode(
        call, &cleangrid__v1__get_clue_request__descriptor);
    if (req == NULL) {
        return;
    }
    if (case_access_clue_reader(req->ctx, &scope, &err) != CG_OK) {
        cg_rpc_reply_error(call, &err);
        goto cleanup;
    }
    if (!cg_uuid_valid(req->id)) {
        cg_err_add_violation(&err, "id", "is not a UUID");
        cg_rpc_reply_error(call, &err);
        goto cleanup;
    }
    conn = cg_db_acquire(base->db, CASE_DB_ACQUIRE_MS, &err);
    if (conn == NULL || case_repo_get(conn, scope, req->id, &res, &err) != CG_OK) {
        cg_rpc_reply_error(call, &err);
        goto cleanup;
    }

    Cleangrid__V1__Clue clue;
    case_repo_clue_from_row(res, 0, &clue, NULL);
    Cleangrid__V1__GetClueReply reply = CLEANGRID__V1__GET_CLUE_REPLY__INIT;
    reply.clue = &clue;
    cg_rpc_reply(call, &reply.base);

cleanup:
    if (res != NULL) {
        PQclear(res);
    }
    if (conn != NULL) {
        cg_db_release(base->db, conn);
    }
    protobuf_c_message_free_unpacked(&req->base, NULL);
}

const cg_rpc_method case_rpc_methods[] = {
    {"ListClues", list_clues},
    {"GetClue", get_clue},
};
const size_t case_rpc_nmethods = sizeof case_rpc_methods / sizeof case_rpc_methods[0];
