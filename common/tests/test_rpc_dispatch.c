/* Unit tests of the RPC frame (cg/rpc.h) without a server: the answers go
 * to a sink instead of NATS, and the rows need no database. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include "cg_test.h"
#include "cg/rpc.h"
#include "cleangrid/v1/case.pb-c.h"

/* What the sink saw: how many answers, and the last one packed. */
typedef struct answers {
    int n;
    uint8_t buf[1024];
    size_t len;
} answers;

static void sink(const ProtobufCMessage *answer, void *arg)
{
    answers *a = arg;
    a->n++;
    a->len = protobuf_c_message_get_packed_size(answer);
    assert_true(a->len <= sizeof a->buf);
    protobuf_c_message_pack(answer, a->buf);
}

/* The Status code of the last answer (any reply decodes as an ErrorReply). */
static int answered_code(const answers *a, char *message, size_t size)
{
    Cleangrid__V1__ErrorReply *e = cleangrid__v1__error_reply__unpack(NULL, a->len, a->buf);
    assert_non_null(e);
    int code = e->status != NULL ? (int)e->status->code : 0;
    if (message != NULL)
        snprintf(message, size, "%s", e->status != NULL ? e->status->message : "");
    cleangrid__v1__error_reply__free_unpacked(e, NULL);
    return code;
}

/* a holds one answer, of code, with message (NULL: not checked). */
static void expect_one_answer(const answers *a, int code, const char *message)
{
    char got[128];
    assert_int_equal(a->n, 1);
    assert_int_equal(answered_code(a, got, sizeof got), code);
    if (message != NULL)
        assert_string_equal(got, message);
}

static int handler_calls;
static int cleanup_calls;

typedef struct echo_state {
    char id[64];
} echo_state;

static void echo_cleanup(void *state, void *request)
{
    (void)state;
    assert_non_null(request);
    cleanup_calls++;
}

/* Copies the id into the state and answers a clue with it; "fail" fails. */
static cg_code echo(cg_rpc_req *r, const void *request, PGconn *conn, void *reply, cg_err *err)
{
    const Cleangrid__V1__GetClueRequest *req = request;
    Cleangrid__V1__GetClueReply *out = reply;
    static Cleangrid__V1__Clue clue;
    handler_calls++;
    assert_null(conn);
    echo_state *s = cg_rpc_state(r, sizeof *s, echo_cleanup, err);
    if (s == NULL)
        return err->code;
    if (strcmp(req->id, "fail") == 0)
        return cg_err_set(err, CG_FAILED_PRECONDITION, "not now");
    if (strcmp(req->id, "silent") == 0)
        return CG_NOT_FOUND;
    snprintf(s->id, sizeof s->id, "%s", req->id);
    cleangrid__v1__clue__init(&clue);
    clue.id = s->id;
    out->clue = &clue;
    return CG_OK;
}

static cg_code refuse_bad_id(cg_rpc_req *r, const void *request, cg_err *err)
{
    (void)r;
    const Cleangrid__V1__GetClueRequest *req = request;
    if (strcmp(req->id, "bad") == 0)
        cg_err_add_violation(err, "id", "is not a UUID");
    return err->code;
}

static const char *const READERS[] = {"inspector", "admin", NULL};
static const char *const LEADS[] = {"inspection_lead", NULL};

/* The roles by the request: "lead" asks for a lead, "" names no action. */
static cg_code roles_by_id(const void *request, const char *const **roles, const char **doing,
                           cg_err *err)
{
    const Cleangrid__V1__GetClueRequest *req = request;
    if (req->id[0] == '\0') {
        cg_err_add_violation(err, "action", "is not an action");
        return err->code;
    }
    *roles = strcmp(req->id, "lead") == 0 ? LEADS : READERS;
    *doing = req->id;
    return CG_OK;
}

/* A GetClue row answered by echo, with the members given. */
#define GET_CLUE_ROW(...)                                                                          \
    {                                                                                              \
        .name = "GetClue", .request = &cleangrid__v1__get_clue_request__descriptor,                \
        .reply = &cleangrid__v1__get_clue_reply__descriptor, .handler = echo, __VA_ARGS__          \
    }

static const cg_rpc_row ROW_READ =
    GET_CLUE_ROW(.roles = READERS, .doing = "read clues", .check = refuse_bad_id);
static const cg_rpc_row ROW_PUBLIC = GET_CLUE_ROW(.anyone = true);
static const cg_rpc_row ROW_ANY_CALLER = GET_CLUE_ROW();
static const cg_rpc_row ROW_BY_ACTION = GET_CLUE_ROW(.roles_of = roles_by_id);
static const cg_rpc_row ROW_WITH_DB = GET_CLUE_ROW(.anyone = true, .db = CG_RPC_DB_TX);
/* Idempotent, but with neither a transaction nor a secret to keep a key. */
static const cg_rpc_row ROW_IDEM_BROKEN = GET_CLUE_ROW(.anyone = true, .idempotent = true);

/* The Idempotency-Key run() sends; NULL for none. */
static const char *run_key;

/* Dispatch a GetClueRequest for id from a caller with role (NULL: none,
 * and no user id) and return the answers. */
static answers run(const cg_rpc_row *row, const char *id, const char *role)
{
    static answers a;
    uint8_t buf[512];
    Cleangrid__V1__CallContext ctx = CLEANGRID__V1__CALL_CONTEXT__INIT;
    Cleangrid__V1__GetClueRequest req = CLEANGRID__V1__GET_CLUE_REQUEST__INIT;
    char *roles[] = {(char *)role};
    if (role != NULL) {
        ctx.actor_user_id = (char *)"6f1c2d3e-0000-4000-8000-000000000001";
        ctx.roles = roles;
        ctx.n_roles = 1;
    }
    ctx.request_id = (char *)"req-1";
    ctx.idempotency_key = (char *)(run_key != NULL ? run_key : "");
    req.ctx = &ctx;
    req.id = (char *)id;
    size_t len = cleangrid__v1__get_clue_request__pack(&req, buf);
    memset(&a, 0, sizeof a);
    cg_rpc_call call = {.method = row->name,
                        .data = buf,
                        .len = len,
                        .request_id = "hdr-1",
                        .sink = sink,
                        .sink_arg = &a};
    handler_calls = cleanup_calls = 0;
    cg_rpc_dispatch(row, &call, NULL, NULL);
    assert_true(call.replied);
    return a;
}

static void a_reader_gets_the_reply_once(void **state)
{
    (void)state;
    answers a = run(&ROW_READ, "abc", "inspector");
    assert_int_equal(a.n, 1);
    assert_int_equal(handler_calls, 1);
    assert_int_equal(cleanup_calls, 1);
    Cleangrid__V1__GetClueReply *reply = cleangrid__v1__get_clue_reply__unpack(NULL, a.len, a.buf);
    assert_non_null(reply);
    assert_null(reply->status);
    assert_string_equal(reply->clue->id, "abc");
    cleangrid__v1__get_clue_reply__free_unpacked(reply, NULL);
}

static void undecodable_bytes_are_invalid_argument(void **state)
{
    (void)state;
    answers a;
    memset(&a, 0, sizeof a);
    static const uint8_t junk[] = {0x0a, 0xff, 0xff, 0xff};
    cg_rpc_call call = {
        .method = "GetClue", .data = junk, .len = sizeof junk, .sink = sink, .sink_arg = &a};
    handler_calls = 0;
    cg_rpc_dispatch(&ROW_READ, &call, NULL, NULL);
    expect_one_answer(&a, CG_INVALID_ARGUMENT,
                      "request is not a valid cleangrid.v1.GetClueRequest");
    assert_int_equal(handler_calls, 0);
}

/* Calls answered once and never handed to the handler: the row, the
 * request's id, the caller's role (NULL: none), and the answer's code and
 * message (NULL: not checked). */
static const struct {
    const cg_rpc_row *row;
    const char *id, *role;
    int code;
    const char *message;
} refused_calls[] = {
    {&ROW_READ, "abc", "cadre", CG_PERMISSION_DENIED, "your role may not read clues"},
    {&ROW_READ, "abc", NULL, CG_PERMISSION_DENIED, NULL},
    /* Roles can come from the request. */
    {&ROW_BY_ACTION, "lead", "inspector", CG_PERMISSION_DENIED, "your role may not lead"},
    /* An unknown action is the caller's mistake, before any role. */
    {&ROW_BY_ACTION, "", "inspection_lead", CG_INVALID_ARGUMENT, NULL},
    /* A failed check never reaches the handler. */
    {&ROW_READ, "bad", "admin", CG_INVALID_ARGUMENT, NULL},
    /* A row that needs a database, without one. */
    {&ROW_WITH_DB, "abc", NULL, CG_UNAVAILABLE, NULL},
    /* A row for any caller, called by no one. */
    {&ROW_ANY_CALLER, "abc", NULL, CG_UNAUTHENTICATED, NULL},
};

static void calls_refused_before_the_handler(void **state)
{
    (void)state;
    for (size_t i = 0; i < CG_NROWS(refused_calls); i++) {
        answers a = run(refused_calls[i].row, refused_calls[i].id, refused_calls[i].role);
        char got[128] = "";
        int code = a.n > 0 ? answered_code(&a, got, sizeof got) : 0;
        if (a.n != 1 || code != refused_calls[i].code ||
            (refused_calls[i].message != NULL && strcmp(got, refused_calls[i].message) != 0) ||
            handler_calls != 0)
            fail_msg("id \"%s\", role %s: %d answers, code %d \"%s\", handler called %d times",
                     refused_calls[i].id,
                     refused_calls[i].role != NULL ? refused_calls[i].role : "none", a.n, code, got,
                     handler_calls);
    }
}

static void calls_that_pass(void **state)
{
    (void)state;
    answers a = run(&ROW_BY_ACTION, "lead", "inspection_lead");
    assert_int_equal(answered_code(&a, NULL, 0), CG_OK);
    assert_int_equal(handler_calls, 1);
    a = run(&ROW_PUBLIC, "abc", NULL);
    assert_int_equal(answered_code(&a, NULL, 0), CG_OK);
    a = run(&ROW_ANY_CALLER, "abc", "cadre");
    assert_int_equal(answered_code(&a, NULL, 0), CG_OK);
}

static void a_handler_error_is_answered_once_and_cleaned_up(void **state)
{
    (void)state;
    answers a = run(&ROW_READ, "fail", "admin");
    expect_one_answer(&a, CG_FAILED_PRECONDITION, "not now");
    assert_int_equal(cleanup_calls, 1);
    /* A code without a reason still gets one answer. */
    a = run(&ROW_READ, "silent", "admin");
    expect_one_answer(&a, CG_INTERNAL, NULL);
}

/* A key reaches an idempotent row's handler only through a transaction
 * that keeps it: refused rather than run twice. Without a key the row
 * runs as any other. */
static void a_key_never_runs_unkept(void **state)
{
    (void)state;
    run_key = "4f1c0a6e-5b7d-4e2a-9c3b-0d8e7f6a5b4c";
    answers a = run(&ROW_IDEM_BROKEN, "abc", NULL);
    run_key = NULL;
    expect_one_answer(&a, CG_INTERNAL, NULL);
    assert_int_equal(handler_calls, 0);
    a = run(&ROW_IDEM_BROKEN, "abc", NULL);
    assert_int_equal(answered_code(&a, NULL, 0), CG_OK);
    assert_int_equal(handler_calls, 1);
}

static void a_second_answer_is_dropped(void **state)
{
    (void)state;
    answers a;
    memset(&a, 0, sizeof a);
    cg_rpc_call call = {.method = "GetClue", .sink = sink, .sink_arg = &a};
    cg_err err;
    cg_err_clear(&err);
    Cleangrid__V1__GetClueReply reply = CLEANGRID__V1__GET_CLUE_REPLY__INIT;
    cg_rpc_reply(&call, &reply.base);
    cg_err_set(&err, CG_NOT_FOUND, "late");
    cg_rpc_reply_error(&call, &err);
    expect_one_answer(&a, CG_OK, NULL);
}

CG_TEST_MAIN(cmocka_unit_test(a_reader_gets_the_reply_once),
             cmocka_unit_test(undecodable_bytes_are_invalid_argument),
             cmocka_unit_test(calls_refused_before_the_handler), cmocka_unit_test(calls_that_pass),
             cmocka_unit_test(a_handler_error_is_answered_once_and_cleaned_up),
             cmocka_unit_test(a_key_never_runs_unkept),
             cmocka_unit_test(a_second_answer_is_dropped))
