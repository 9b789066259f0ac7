/* Unit tests of the dossier's rows (cg/dossier_rpc.h) without a server or a
 * database: the seq cursor, and the checks the rows make before a
 * connection is taken, run through the frame with a sink for answers. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include "cg_test.h"
#include "cg/dossier_rpc.h"
#include "cg/limits.h"

#define FILE_ID "0b6f1c2e-8f7a-4c3e-9d21-5a4b3c2d1e0f"
#define USER_ID "6f1c2d3e-0000-4000-8000-000000000001"

/* --- the cursor -------------------------------------------------------------- */

static void cursor_absent_is_the_first_page(void **state)
{
    (void)state;
    Cleangrid__V1__PageRequest page = CLEANGRID__V1__PAGE_REQUEST__INIT;
    int size = -1;
    int64_t after = -1;
    cg_err err;
    cg_err_clear(&err);
    assert_int_equal(cg_dossier_cursor(NULL, &size, &after, &err), CG_OK);
    assert_int_equal(size, CG_PAGE_SIZE_DEFAULT);
    assert_true(after == 0);
    page.cursor = (char *)"";
    assert_int_equal(cg_dossier_cursor(&page, &size, &after, &err), CG_OK);
    assert_int_equal(size, CG_PAGE_SIZE_DEFAULT);
    assert_true(after == 0);
}

static void cursor_is_a_seq(void **state)
{
    (void)state;
    static const struct {
        const char *text;
        int64_t seq;
    } good[] = {
        {"1", 1}, {"9", 9}, {"10", 10}, {"4711", 4711}, {"999999999999999999", 999999999999999999}};
    Cleangrid__V1__PageRequest page = CLEANGRID__V1__PAGE_REQUEST__INIT;
    page.page_size = 7;
    for (size_t i = 0; i < CG_NROWS(good); i++) {
        int size = 0;
        int64_t after = 0;
        cg_err err;
        cg_err_clear(&err);
        page.cursor = (char *)good[i].text;
        assert_int_equal(cg_dossier_cursor(&page, &size, &after, &err), CG_OK);
        assert_int_equal(size, 7);
        assert_true(after == good[i].seq);
    }
}

static void cursor_refuses_anything_else(void **state)
{
    (void)state;
    /* Only the form next_cursor is written in: no zero, sign, space or
     * leading zero, and never more digits than an int64 always holds. */
    static const char *const bad[] = {"0",
                                      "00",
                                      "01",
                                      "-1",
                                      "+1",
                                      " 1",
                                      "1 ",
                                      "1a",
                                      "0x10",
                                      "1.5",
                                      "1e3",
                                      "abc",
                                      "1234567890123456789"};
    Cleangrid__V1__PageRequest page = CLEANGRID__V1__PAGE_REQUEST__INIT;
    for (size_t i = 0; i < CG_NROWS(bad); i++) {
        int size = 0;
        int64_t after = -1;
        cg_err err;
        cg_err_clear(&err);
        page.cursor = (char *)bad[i];
        if (cg_dossier_cursor(&page, &size, &after, &err) != CG_INVALID_ARGUMENT)
            fail_msg("cursor \"%s\" was accepted", bad[i]);
        assert_int_equal(err.nviolations, 1);
        assert_string_equal(err.violations[0].field, "cursor");
        assert_true(after == 0);
    }
}

static void cursor_and_size_refused_together(void **state)
{
    (void)state;
    Cleangrid__V1__PageRequest page = CLEANGRID__V1__PAGE_REQUEST__INIT;
    int size = 0;
    int64_t after = 0;
    cg_err err;
    cg_err_clear(&err);
    page.page_size = CG_PAGE_SIZE_MAX + 1;
    page.cursor = (char *)"x";
    assert_int_equal(cg_dossier_cursor(&page, &size, &after, &err), CG_INVALID_ARGUMENT);
    assert_int_equal(err.nviolations, 2);
    assert_string_equal(err.violations[0].field, "limit");
    assert_string_equal(err.violations[1].field, "cursor");
}

/* --- the rows ---------------------------------------------------------------- */

static int find_calls;

/* The service's find: never reached in these tests, which have no
 * database. */
static cg_code find_file(PGconn *conn, const cg_actor *actor, const char *file_id, char *owner,
                         size_t owner_size, cg_err *err)
{
    (void)conn, (void)actor, (void)file_id, (void)owner, (void)owner_size;
    find_calls++;
    return cg_err_set(err, CG_NOT_FOUND, "file not found");
}

static const char *const READERS[] = {"inspector", "auditor", NULL};
static const cg_dossier_tables TABLES = CG_DOSSIER_TABLES("dossier_entries", "dossier_heads");
static const cg_dossier_files FILES = {
    .tables = &TABLES,
    .anchor_prefix = "cg.anchor.test.dossier",
    .roles_read = READERS,
    .doing = "read dossiers",
    .find = find_file,
};
static const cg_rpc_row ROWS[] = {CG_DOSSIER_RPC_ROWS(&FILES)};

static void rows_are_list_and_verify(void **state)
{
    (void)state;
    assert_int_equal(CG_NROWS(ROWS), 2);
    assert_string_equal(ROWS[0].name, "ListDossier");
    assert_ptr_equal(ROWS[0].request, &cleangrid__v1__list_dossier_request__descriptor);
    assert_int_equal(ROWS[0].db, CG_RPC_DB_TX);
    assert_string_equal(ROWS[1].name, "VerifyDossier");
    assert_ptr_equal(ROWS[1].reply, &cleangrid__v1__verify_dossier_reply__descriptor);
    assert_int_equal(ROWS[1].db, CG_RPC_DB_CONN);
    for (size_t i = 0; i < CG_NROWS(ROWS); i++) {
        assert_true(ROWS[i].anyone);
        assert_ptr_equal(ROWS[i].data, &FILES);
    }
}

/* What the sink saw: how many answers, and the last one's code and
 * message. */
typedef struct answers {
    int n;
    int code;
    char message[128];
} answers;

static void sink(const ProtobufCMessage *answer, void *arg)
{
    answers *a = arg;
    uint8_t buf[1024];
    size_t len = protobuf_c_message_get_packed_size(answer);
    assert_true(len <= sizeof buf);
    protobuf_c_message_pack(answer, buf);
    Cleangrid__V1__ErrorReply *e = cleangrid__v1__error_reply__unpack(NULL, len, buf);
    assert_non_null(e);
    a->n++;
    a->code = e->status != NULL ? (int)e->status->code : 0;
    snprintf(a->message, sizeof a->message, "%s", e->status != NULL ? e->status->message : "");
    cleangrid__v1__error_reply__free_unpacked(e, NULL);
}

/* Call row (0 ListDossier, 1 VerifyDossier) as role (NULL: no caller) on
 * file_id, with cursor (ListDossier only), without a database. */
static answers call(size_t row, const char *role, const char *file_id, const char *cursor)
{
    uint8_t buf[512];
    size_t len;
    answers a = {0};
    char *roles[] = {(char *)role};
    Cleangrid__V1__CallContext ctx = CLEANGRID__V1__CALL_CONTEXT__INIT;
    if (role != NULL) {
        ctx.actor_user_id = (char *)USER_ID;
        ctx.org_scope_path = (char *)"hq";
        ctx.roles = roles;
        ctx.n_roles = 1;
    }
    if (row == 0) {
        Cleangrid__V1__ListDossierRequest req = CLEANGRID__V1__LIST_DOSSIER_REQUEST__INIT;
        Cleangrid__V1__PageRequest page = CLEANGRID__V1__PAGE_REQUEST__INIT;
        page.cursor = (char *)cursor;
        req.ctx = &ctx;
        req.file_id = (char *)file_id;
        req.page = &page;
        assert_true(cleangrid__v1__list_dossier_request__get_packed_size(&req) <= sizeof buf);
        len = cleangrid__v1__list_dossier_request__pack(&req, buf);
    } else {
        Cleangrid__V1__VerifyDossierRequest req = CLEANGRID__V1__VERIFY_DOSSIER_REQUEST__INIT;
        req.ctx = &ctx;
        req.file_id = (char *)file_id;
        assert_true(cleangrid__v1__verify_dossier_request__get_packed_size(&req) <= sizeof buf);
        len = cleangrid__v1__verify_dossier_request__pack(&req, buf);
    }
    cg_rpc_call c = {
        .method = ROWS[row].name, .data = buf, .len = len, .sink = sink, .sink_arg = &a};
    cg_rpc_dispatch(&ROWS[row], &c, NULL, NULL);
    return a;
}

/* Each row's check answers before a connection is taken; a request that
 * passes them meets the missing database, and the find is never asked. */
static void checks_before_the_connection(void **state)
{
    (void)state;
    static const struct {
        size_t row;
        const char *role, *file_id, *cursor;
        int code;
        const char *message;
    } calls[] = {
        {0, "cadre", FILE_ID, "", CG_PERMISSION_DENIED, "your role may not read dossiers"},
        {1, "cadre", FILE_ID, "", CG_PERMISSION_DENIED, "your role may not read dossiers"},
        {0, NULL, FILE_ID, "", CG_PERMISSION_DENIED, NULL},
        {1, NULL, FILE_ID, "", CG_PERMISSION_DENIED, NULL},
        {0, "inspector", "not-a-uuid", "", CG_INVALID_ARGUMENT, NULL},
        {1, "auditor", FILE_ID "0", "", CG_INVALID_ARGUMENT, NULL},
        {0, "auditor", FILE_ID, "007", CG_INVALID_ARGUMENT, NULL},
        {0, "inspector", FILE_ID, "12", CG_UNAVAILABLE, NULL},
        {1, "inspector", FILE_ID, "", CG_UNAVAILABLE, NULL},
    };
    for (size_t i = 0; i < CG_NROWS(calls); i++) {
        find_calls = 0;
        answers a = call(calls[i].row, calls[i].role, calls[i].file_id, calls[i].cursor);
        if (a.n != 1 || a.code != calls[i].code ||
            (calls[i].message != NULL && strcmp(a.message, calls[i].message) != 0) ||
            find_calls != 0)
            fail_msg("call %zu: %d answers, code %d \"%s\", find called %d times", i, a.n, a.code,
                     a.message, find_calls);
    }
}

CG_TEST_MAIN(cmocka_unit_test(cursor_absent_is_the_first_page), cmocka_unit_test(cursor_is_a_seq),
             cmocka_unit_test(cursor_refuses_anything_else),
             cmocka_unit_test(cursor_and_size_refused_together),
             cmocka_unit_test(rows_are_list_and_verify),
             cmocka_unit_test(checks_before_the_connection))
