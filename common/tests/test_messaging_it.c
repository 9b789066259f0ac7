/* Integration tests of common/ against a real nats-server and PostgreSQL:
 * RPC round trips, the outbox relay, the consumer's inbox (a duplicate
 * changes nothing), dead letters, retries, and a database restart.
 *
 * Needs CG_NATS_URL, CG_TEST_DB_URL and CG_STACK (scripts/test.sh sets
 * them); without them it exits 77, which ctest reports as skipped. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <sodium.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "cg/db.h"
#include "cg/log.h"
#include "cg/messaging.h"
#include "cg/nats.h"
#include "cg/util.h"
#include "cleangrid/v1/case.pb-c.h"

static cg_db *db;
static cg_nats *nats;
static char run_id[9];

/* How many times the handler ran and what it should answer next. */
static atomic_int handler_calls;
static atomic_int transient_failures_left;

/* The count sql returns, or -1 when the database cannot answer (it may be
 * coming back from a restart, and the pool finds out on first use). */
static long long count_rows(const char *sql, const char *param)
{
    cg_err err;
    PGresult *res = NULL;
    const char *params[] = {param};
    long long n = -1;
    PGconn *conn = cg_db_acquire(db, 5000, &err);
    if (conn == NULL)
        return -1;
    if (cg_db_exec(conn, sql, param ? 1 : 0, params, &res, &err) == CG_OK)
        n = cg_db_get_ll(res, 0, 0);
    PQclear(res);
    cg_db_release(db, conn);
    return n;
}

/* Poll until count_rows(sql) == want or 40 s pass; returns the last count. */
static long long eventually_rows(const char *sql, const char *param, long long want)
{
    long long n = -1;
    /* 40 s: generous, because on a loaded two-core machine a redelivery
     * after a database restart can take well over the usual second. */
    for (int i = 0; i < 800; i++) {
        if ((n = count_rows(sql, param)) == want)
            return n;
        usleep(50 * 1000);
    }
    return n;
}

/* The effect of an event: one row per event id, written in the inbox
 * transaction. A clue whose content is "poison" can never succeed. */
static cg_code record_effect(PGconn *conn, const char *subject, const char *event_id,
                             const uint8_t *data, size_t len, void *arg, cg_err *err)
{
    (void)subject;
    (void)arg;
    atomic_fetch_add(&handler_calls, 1);
    Cleangrid__V1__ClueCreated *ev = cleangrid__v1__clue_created__unpack(NULL, len, data);
    if (ev == NULL || ev->clue == NULL)
        return cg_err_set(err, CG_INVALID_ARGUMENT, "not a ClueCreated");
    cg_code rc = CG_OK;
    if (strcmp(ev->clue->content, "poison") == 0) {
        rc = cg_err_set(err, CG_INVALID_ARGUMENT, "poison content");
    } else if (strcmp(ev->clue->content, "poison after writing") == 0) {
        /* The work done before the failure must be undone with it. */
        const char *params[] = {event_id, ev->clue->content};
        rc = cg_db_exec(conn, "INSERT INTO it_effects (event_id, content) VALUES ($1, $2)", 2,
                        params, NULL, err);
        if (rc == CG_OK)
            rc = cg_err_set(err, CG_INVALID_ARGUMENT, "poison after writing");
    } else if (strcmp(ev->clue->content, "swallowed failure") == 0) {
        /* A handler's bug: a statement fails and the handler says yes. */
        cg_err ignored;
        (void)cg_db_exec(conn, "SELECT 1 / 0", 0, NULL, NULL, &ignored);
    } else if (atomic_load(&transient_failures_left) > 0) {
        atomic_fetch_sub(&transient_failures_left, 1);
        rc = cg_err_set(err, CG_UNAVAILABLE, "simulated outage");
    } else {
        const char *params[] = {event_id, ev->clue->content};
        rc = cg_db_exec(conn,
                        "INSERT INTO it_effects (event_id, content) VALUES ($1, $2)"
                        " ON CONFLICT (event_id) DO NOTHING",
                        2, params, NULL, err);
    }
    cleangrid__v1__clue_created__free_unpacked(ev, NULL);
    return rc;
}

static void subject_for(char *out, size_t size)
{
    snprintf(out, size, "cg.evt.ittest%s.clue.created", run_id);
}

/* A ClueCreated event and the parts it points at. */
typedef struct clue_event {
    Cleangrid__V1__ClueCreated ev;
    Cleangrid__V1__EventMeta meta;
    Cleangrid__V1__Clue clue;
} clue_event;

/* e as a new ClueCreated event on subject, its clue holding content; its
 * id goes into event_id. */
static void clue_event_init(clue_event *e, const char *subject, const char *content,
                            char event_id[CG_UUID_LEN])
{
    cleangrid__v1__clue_created__init(&e->ev);
    cleangrid__v1__clue__init(&e->clue);
    cg_event_meta_init(&e->meta, event_id, subject, "ittest", "rid");
    e->clue.content = (char *)content;
    e->ev.meta = &e->meta;
    e->ev.clue = &e->clue;
}

/* Write an event through the outbox in a transaction of our own. */
static void add_through_outbox(const char *content, char event_id[CG_UUID_LEN])
{
    char subject[96];
    cg_err err;
    subject_for(subject, sizeof(subject));
    clue_event e;
    clue_event_init(&e, subject, content, event_id);
    PGconn *conn = cg_db_acquire(db, 5000, &err);
    assert_non_null(conn);
    assert_int_equal(cg_db_begin(conn, &err), CG_OK);
    assert_int_equal(cg_outbox_add(conn, &e.ev.base, &err), CG_OK);
    assert_int_equal(cg_db_commit(conn, &err), CG_OK);
    cg_db_release(db, conn);
}

/* Write n events on subject, each its clue holding content, through the
 * outbox in one transaction of our own. */
static void add_many_through_outbox(const char *subject, const char *content, int n)
{
    cg_err err;
    PGconn *conn = cg_db_acquire(db, 5000, &err);
    assert_non_null(conn);
    assert_int_equal(cg_db_begin(conn, &err), CG_OK);
    for (int i = 0; i < n; i++) {
        char event_id[CG_UUID_LEN];
        clue_event e;
        clue_event_init(&e, subject, content, event_id);
        assert_int_equal(cg_outbox_add(conn, &e.ev.base, &err), CG_OK);
    }
    assert_int_equal(cg_db_commit(conn, &err), CG_OK);
    cg_db_release(db, conn);
}

/* Write an outbox row as no producer would: a payload of size bytes, all
 * zero, on any subject. Its id goes into event_id. */
static void add_raw_row(const char *subject, long long size, char event_id[CG_UUID_LEN])
{
    cg_err err;
    char size_text[24];
    cg_uuid_v4(event_id);
    snprintf(size_text, sizeof size_text, "%lld", size);
    const char *params[] = {event_id, subject, size_text};
    PGconn *conn = cg_db_acquire(db, 5000, &err);
    assert_non_null(conn);
    assert_int_equal(cg_db_exec(conn,
                                "INSERT INTO cg_outbox (event_id, subject, payload)"
                                " VALUES ($1::uuid, $2, decode(repeat('00', $3::integer), 'hex'))",
                                3, params, NULL, &err),
                     CG_OK);
    cg_db_release(db, conn);
}

/* A new ClueCreated event on subject, its clue holding content, packed
 * into buf; its id goes into event_id. Returns the packed length. */
static size_t pack_clue_created(const char *subject, const char *content,
                                char event_id[CG_UUID_LEN], uint8_t buf[512])
{
    clue_event e;
    clue_event_init(&e, subject, content, event_id);
    assert_true(cleangrid__v1__clue_created__get_packed_size(&e.ev) <= 512);
    return cleangrid__v1__clue_created__pack(&e.ev, buf);
}

/* A subject of its own for one test, so that a new durable does not also
 * receive what earlier tests published. */
static void subject_named(char *out, size_t size, const char *kind)
{
    snprintf(out, size, "cg.evt.ittest%s.%s.created", run_id, kind);
}

/* Publish raw bytes straight to JetStream, bypassing the outbox. */
static void publish_raw_to(const char *subject, const void *data, int len, const char *msg_id)
{
    jsPubOptions opts;
    jsPubAck *ack = NULL;
    char id[96];
    /* The run's id in the Nats-Msg-Id: JetStream drops a second message
     * with the same id for two minutes, so a run right after another would
     * lose its own. */
    snprintf(id, sizeof id, "%s-%s", msg_id, run_id);
    jsPubOptions_Init(&opts);
    opts.MsgId = id;
    assert_int_equal(js_Publish(&ack, nats->js, subject, data, len, &opts, NULL), NATS_OK);
    jsPubAck_Destroy(ack);
}

static void publish_raw(const void *data, int len, const char *msg_id)
{
    char subject[96];
    subject_for(subject, sizeof(subject));
    publish_raw_to(subject, data, len, msg_id);
}

/* Publish n ClueCreated events on subject, the i-th holding contents[i],
 * their ids into ids, each under a Nats-Msg-Id of kind and its number. */
static void publish_clues(const char *subject, const char *kind, const char *const *contents, int n,
                          char ids[][CG_UUID_LEN])
{
    uint8_t buf[512];
    char msg_id[48];
    for (int i = 0; i < n; i++) {
        size_t len = pack_clue_created(subject, contents[i], ids[i], buf);
        snprintf(msg_id, sizeof msg_id, "%s-%d", kind, i);
        publish_raw_to(subject, buf, (int)len, msg_id);
    }
}

/* n events published before the consumer starts, so that its first fetch
 * takes them all, taken in transactions of up to batch: the one at poison
 * writes and then fails. It is undone and dead-lettered alone; every other
 * is kept once. */
static void one_fails_in_a_fetch(const char *kind, long batch, int n, int poison)
{
    cg_err err;
    cg_consumer *consumer = NULL;
    char subject[96], durable[64], ids[8][CG_UUID_LEN];
    const char *contents[8];
    assert_true(n <= 8);
    for (int i = 0; i < n; i++)
        contents[i] = i == poison ? "poison after writing" : "one of the fetch";
    subject_named(subject, sizeof subject, kind);
    snprintf(durable, sizeof durable, "ittest-%s-%s", kind, run_id);
    publish_clues(subject, kind, contents, n, ids);
    long before = cg_consumer_batch;
    cg_consumer_batch = batch;
    assert_int_equal(cg_consumer_start(&consumer, db, nats, NULL, CG_STREAM_EVENTS, durable,
                                       subject, record_effect, NULL, &err),
                     CG_OK);
    assert_int_equal(
        eventually_rows("SELECT count(*) FROM cg_dead_letter WHERE consumer = $1", durable, 1), 1);
    for (int i = 0; i < n; i++) {
        long long want = i == poison ? 0 : 1;
        assert_int_equal(
            eventually_rows("SELECT count(*) FROM it_effects WHERE event_id = $1", ids[i], want),
            want);
        assert_int_equal(count_rows("SELECT count(*) FROM cg_inbox WHERE event_id = $1", ids[i]),
                         want);
    }
    cg_consumer_stop(consumer);
    cg_consumer_batch = before;
}

static void a_failed_event_in_a_batch_is_undone_alone(void **state)
{
    (void)state;
    one_fails_in_a_fetch("batch", 64, 5, 2);
}

/* With a transaction per event (CG_CONSUMER_BATCH=1) the consumer still
 * fetches many at once, and takes them one by one. */
static void one_event_per_transaction_takes_every_fetched_event(void **state)
{
    (void)state;
    one_fails_in_a_fetch("single", 1, 7, 3);
}

/* A handler that says yes over a failed statement leaves its transaction
 * aborted; the other events of its batch are kept all the same, and it is
 * handed back to be tried again. */
static void a_handler_that_hides_a_failure_holds_up_no_other(void **state)
{
    (void)state;
    cg_err err;
    cg_consumer *consumer = NULL;
    char subject[96], durable[64], ids[3][CG_UUID_LEN];
    static const char *const contents[] = {"before the hidden failure", "swallowed failure",
                                           "after the hidden failure"};
    subject_named(subject, sizeof subject, "hidden");
    snprintf(durable, sizeof durable, "ittest-hidden-%s", run_id);
    publish_clues(subject, "hidden", contents, 3, ids);
    assert_int_equal(cg_consumer_start(&consumer, db, nats, NULL, CG_STREAM_EVENTS, durable,
                                       subject, record_effect, NULL, &err),
                     CG_OK);
    for (int i = 0; i < 3; i += 2)
        assert_int_equal(
            eventually_rows("SELECT count(*) FROM it_effects WHERE event_id = $1", ids[i], 1), 1);
    assert_int_equal(count_rows("SELECT count(*) FROM cg_inbox WHERE event_id = $1", ids[1]), 0);
    cg_consumer_stop(consumer);
}

/* A batch taken at once still counts each event once: the same event three
 * times in one fetch (JetStream kept them apart under other Nats-Msg-Ids),
 * beside an event the inbox already holds. */
static void duplicates_within_a_batch_count_once(void **state)
{
    (void)state;
    cg_err err;
    cg_consumer *consumer = NULL;
    char subject[96], durable[64], twice[CG_UUID_LEN], single[CG_UUID_LEN], msg_id[32];
    uint8_t buf[512], other[512];
    subject_named(subject, sizeof subject, "dups");
    snprintf(durable, sizeof durable, "ittest-dups-%s", run_id);
    size_t len = pack_clue_created(subject, "sent three times", twice, buf);
    size_t other_len = pack_clue_created(subject, "sent once", single, other);
    publish_raw_to(subject, other, (int)other_len, "dups-single");
    assert_int_equal(cg_consumer_start(&consumer, db, nats, NULL, CG_STREAM_EVENTS, durable,
                                       subject, record_effect, NULL, &err),
                     CG_OK);
    assert_int_equal(
        eventually_rows("SELECT count(*) FROM it_effects WHERE event_id = $1", single, 1), 1);
    cg_consumer_stop(consumer);
    /* Published while no consumer runs, so that the next fetch takes them
     * all: the event already taken, and the new one three times. */
    publish_raw_to(subject, other, (int)other_len, "dups-single-again");
    for (int i = 0; i < 3; i++) {
        snprintf(msg_id, sizeof msg_id, "dups-%d", i);
        publish_raw_to(subject, buf, (int)len, msg_id);
    }
    consumer = NULL;
    assert_int_equal(cg_consumer_start(&consumer, db, nats, NULL, CG_STREAM_EVENTS, durable,
                                       subject, record_effect, NULL, &err),
                     CG_OK);
    assert_int_equal(
        eventually_rows("SELECT count(*) FROM it_effects WHERE event_id = $1", twice, 1), 1);
    /* Give a second copy time to show, had it been taken. */
    usleep(500 * 1000);
    assert_int_equal(count_rows("SELECT count(*) FROM it_effects WHERE event_id = $1", twice), 1);
    assert_int_equal(count_rows("SELECT count(*) FROM it_effects WHERE event_id = $1", single), 1);
    assert_int_equal(count_rows("SELECT count(*) FROM cg_inbox WHERE event_id = $1", twice), 1);
    assert_int_equal(count_rows("SELECT count(*) FROM cg_dead_letter WHERE consumer = $1", durable),
                     0);
    cg_consumer_stop(consumer);
}

/* A handler that keeps its effect and writes a follow-up event through the
 * outbox (its id into the row of it_effects' content, for the test). */
static cg_code forward_effect(PGconn *conn, const char *subject, const char *event_id,
                              const uint8_t *data, size_t len, void *arg, cg_err *err)
{
    char follow_up[96], follow_up_id[CG_UUID_LEN];
    cg_code rc = record_effect(conn, subject, event_id, data, len, arg, err);
    if (rc != CG_OK)
        return rc;
    subject_named(follow_up, sizeof follow_up, "forwarded");
    clue_event e;
    clue_event_init(&e, follow_up, "forwarded", follow_up_id);
    rc = cg_outbox_add(conn, &e.ev.base, err);
    const char *params[] = {follow_up_id, event_id};
    if (rc == CG_OK)
        rc = cg_db_exec(conn, "INSERT INTO it_effects (event_id, content) VALUES ($1, $2)", 2,
                        params, NULL, err);
    return rc;
}

/* An event a handler writes leaves at once: the consumer wakes the relay
 * after the commit that wrote it, long before the relay's own poll. */
static void handler_events_leave_at_once(void **state)
{
    (void)state;
    cg_err err;
    cg_outbox_relay *relay = NULL;
    cg_consumer *consumer = NULL;
    char subject[96], durable[64], ids[1][CG_UUID_LEN], follow_up[CG_UUID_LEN];
    uint8_t buf[512];
    subject_named(subject, sizeof subject, "forwarding");
    snprintf(durable, sizeof durable, "ittest-forward-%s", run_id);
    /* A poll of a minute: only a kick sends the follow-up in time. */
    assert_int_equal(cg_outbox_relay_start(&relay, db, nats, 60000, &err), CG_OK);
    assert_int_equal(cg_consumer_start(&consumer, db, nats, relay, CG_STREAM_EVENTS, durable,
                                       subject, forward_effect, NULL, &err),
                     CG_OK);
    size_t len = pack_clue_created(subject, "to be forwarded", ids[0], buf);
    publish_raw_to(subject, buf, (int)len, "forward-0");
    assert_int_equal(
        eventually_rows("SELECT count(*) FROM it_effects WHERE content = $1", ids[0], 1), 1);
    PGconn *conn = cg_db_acquire(db, 5000, &err);
    assert_non_null(conn);
    PGresult *res = NULL;
    const char *params[] = {ids[0]};
    assert_int_equal(cg_db_exec(conn, "SELECT event_id FROM it_effects WHERE content = $1", 1,
                                params, &res, &err),
                     CG_OK);
    snprintf(follow_up, sizeof follow_up, "%s", PQgetvalue(res, 0, 0));
    PQclear(res);
    cg_db_release(db, conn);
    assert_int_equal(eventually_rows("SELECT count(*) FROM cg_outbox WHERE event_id = $1::uuid"
                                     " AND sent_at IS NOT NULL",
                                     follow_up, 1),
                     1);
    cg_consumer_stop(consumer);
    cg_outbox_relay_stop(relay);
}

static void outbox_relays_once_and_duplicates_change_nothing(void **state)
{
    (void)state;
    cg_err err;
    cg_outbox_relay *relay = NULL;
    cg_consumer *consumer = NULL;
    char subject[96], durable[64], event_id[CG_UUID_LEN];
    subject_for(subject, sizeof(subject));
    snprintf(durable, sizeof(durable), "ittest-%s", run_id);

    assert_int_equal(cg_outbox_relay_start(&relay, db, nats, 100, &err), CG_OK);
    assert_int_equal(cg_consumer_start(&consumer, db, nats, relay, CG_STREAM_EVENTS, durable,
                                       subject, record_effect, NULL, &err),
                     CG_OK);

    add_through_outbox("first", event_id);
    cg_outbox_relay_kick(relay);
    assert_int_equal(
        eventually_rows("SELECT count(*) FROM it_effects WHERE event_id = $1", event_id, 1), 1);
    assert_int_equal(eventually_rows("SELECT count(*) FROM cg_outbox WHERE event_id = $1::uuid"
                                     " AND sent_at IS NOT NULL",
                                     event_id, 1),
                     1);

    /* The same event again under other Nats-Msg-Ids, so JetStream's own
     * dedupe does not hide it: the inbox must. */
    Cleangrid__V1__ClueCreated ev = CLEANGRID__V1__CLUE_CREATED__INIT;
    Cleangrid__V1__EventMeta meta = CLEANGRID__V1__EVENT_META__INIT;
    Cleangrid__V1__Clue clue = CLEANGRID__V1__CLUE__INIT;
    meta.event_id = event_id;
    meta.type = subject;
    clue.content = (char *)"first";
    ev.meta = &meta;
    ev.clue = &clue;
    uint8_t buf[512];
    size_t len = cleangrid__v1__clue_created__pack(&ev, buf);
    int calls_before = atomic_load(&handler_calls);
    publish_raw(buf, (int)len, "dup-1");
    publish_raw(buf, (int)len, "dup-2");
    /* A later, different event proves the duplicates were consumed. */
    char marker_id[CG_UUID_LEN];
    add_through_outbox("after-duplicates", marker_id);
    cg_outbox_relay_kick(relay);
    assert_int_equal(
        eventually_rows("SELECT count(*) FROM it_effects WHERE event_id = $1", marker_id, 1), 1);
    assert_int_equal(count_rows("SELECT count(*) FROM it_effects WHERE event_id = $1", event_id),
                     1);
    assert_int_equal(atomic_load(&handler_calls), calls_before + 1);

    /* Garbage and a poison event both end as dead letters; the consumer
     * goes on. */
    publish_raw("\xff\xfe garbage", 10, "garbage-1");
    char poison_id[CG_UUID_LEN];
    add_through_outbox("poison", poison_id);
    cg_outbox_relay_kick(relay);
    assert_int_equal(
        eventually_rows("SELECT count(*) FROM cg_dead_letter WHERE consumer = $1", durable, 2), 2);
    assert_int_equal(count_rows("SELECT count(*) FROM cg_inbox WHERE event_id = $1", poison_id), 0);

    /* A transient failure is retried with a delay and then succeeds. */
    atomic_store(&transient_failures_left, 1);
    char retry_id[CG_UUID_LEN];
    add_through_outbox("retried", retry_id);
    cg_outbox_relay_kick(relay);
    assert_int_equal(
        eventually_rows("SELECT count(*) FROM it_effects WHERE event_id = $1", retry_id, 1), 1);
    assert_int_equal(atomic_load(&transient_failures_left), 0);

    cg_consumer_stop(consumer);
    cg_outbox_relay_stop(relay);
}

static void echo_handler(cg_rpc_call *call, void *arg)
{
    (void)arg;
    Cleangrid__V1__GetClueRequest *req = (Cleangrid__V1__GetClueRequest *)cg_rpc_decode(
        call, &cleangrid__v1__get_clue_request__descriptor);
    if (req == NULL)
        return;
    cg_err err;
    cg_err_clear(&err);
    if (req->id[0] == '\0') {
        cg_err_add_violation(&err, "id", "is required");
        cg_rpc_reply_error(call, &err);
    } else {
        Cleangrid__V1__GetClueReply reply = CLEANGRID__V1__GET_CLUE_REPLY__INIT;
        Cleangrid__V1__Clue clue = CLEANGRID__V1__CLUE__INIT;
        cg_status_pb st;
        cg_status_pb_init(&st, &err);
        clue.id = req->id;
        clue.source = (char *)call->request_id;
        reply.status = &st.status;
        reply.clue = &clue;
        cg_rpc_reply(call, &reply.base);
    }
    protobuf_c_message_free_unpacked(&req->base, NULL);
}

static void rpc_round_trips(void **state)
{
    (void)state;
    cg_err err;
    cg_rpc_server *server = NULL;
    char service[32];
    snprintf(service, sizeof(service), "ittest%s", run_id);
    static const cg_rpc_method methods[] = {{"GetClue", echo_handler}};
    assert_int_equal(cg_rpc_server_start(&server, nats, service, methods, 1, 2, NULL, &err), CG_OK);

    Cleangrid__V1__GetClueRequest req = CLEANGRID__V1__GET_CLUE_REQUEST__INIT;
    ProtobufCMessage *reply = NULL;
    req.id = (char *)"abc";
    assert_int_equal(cg_rpc_call_method(nats, service, "GetClue", "req-42", &req.base,
                                        &cleangrid__v1__get_clue_reply__descriptor, 2000, &reply,
                                        &err),
                     CG_OK);
    Cleangrid__V1__GetClueReply *r = (Cleangrid__V1__GetClueReply *)reply;
    assert_string_equal(r->clue->id, "abc");
    assert_string_equal(r->clue->source, "req-42"); /* the request id travelled */
    protobuf_c_message_free_unpacked(reply, NULL);

    /* A remote error arrives with its violations and no reply message. */
    req.id = (char *)"";
    assert_int_equal(cg_rpc_call_method(nats, service, "GetClue", NULL, &req.base,
                                        &cleangrid__v1__get_clue_reply__descriptor, 2000, &reply,
                                        &err),
                     CG_INVALID_ARGUMENT);
    assert_null(reply);
    assert_int_equal(err.nviolations, 1);
    assert_string_equal(err.violations[0].field, "id");

    assert_int_equal(cg_rpc_call_method(nats, service, "NoSuchMethod", NULL, &req.base,
                                        &cleangrid__v1__get_clue_reply__descriptor, 2000, &reply,
                                        &err),
                     CG_NOT_FOUND);
    assert_int_equal(cg_rpc_ping(nats, service, 2000, &err), CG_OK);
    cg_rpc_server_stop(server);
    assert_int_equal(cg_rpc_ping(nats, service, 500, &err), CG_UNAVAILABLE);
}

static void database_restart_is_survived(void **state)
{
    (void)state;
    cg_err err;
    char cmd[4096];
    snprintf(cmd, sizeof(cmd), "\"%s\" pg-stop && \"%s\" pg-start", getenv("CG_STACK"),
             getenv("CG_STACK"));
    assert_int_equal(count_rows("SELECT 1", NULL), 1);
    assert_int_equal(system(cmd), 0);
    /* The first use of a pooled connection may find it broken; within a few
     * tries the pool must hand out a working one again. */
    bool ok = false;
    for (int i = 0; i < 20 && !ok; i++) {
        PGconn *conn = cg_db_acquire(db, 2000, &err);
        if (conn != NULL) {
            ok = cg_db_exec(conn, "SELECT 1", 0, NULL, NULL, &err) == CG_OK;
            cg_db_release(db, conn);
        }
        if (!ok)
            usleep(100 * 1000);
    }
    assert_true(ok);
}

/* An event that arrives while the consumer's database is down must wait
 * for it, however long: redeliveries during the outage must not use up the
 * message's tries (10 of them, one a second, would otherwise drop it). */
static void database_outage_loses_no_event(void **state)
{
    (void)state;
    cg_err err;
    cg_consumer *consumer = NULL;
    char subject[96], durable[64], event_id[CG_UUID_LEN], cmd[4096];
    subject_for(subject, sizeof(subject));
    snprintf(durable, sizeof(durable), "ittest-outage-%s", run_id);
    assert_int_equal(cg_consumer_start(&consumer, db, nats, NULL, CG_STREAM_EVENTS, durable,
                                       subject, record_effect, NULL, &err),
                     CG_OK);

    uint8_t buf[512];
    size_t len = pack_clue_created(subject, "during-outage", event_id, buf);

    snprintf(cmd, sizeof(cmd), "\"%s\" pg-stop", getenv("CG_STACK"));
    assert_int_equal(system(cmd), 0);
    publish_raw(buf, (int)len, event_id);
    sleep(13);
    snprintf(cmd, sizeof(cmd), "\"%s\" pg-start", getenv("CG_STACK"));
    assert_int_equal(system(cmd), 0);

    assert_int_equal(
        eventually_rows("SELECT count(*) FROM it_effects WHERE event_id = $1", event_id, 1), 1);
    cg_consumer_stop(consumer);
}

/* MaxDeliver of the durable named, or 0 when it cannot be read. */
static int64_t max_deliver(const char *durable)
{
    jsConsumerInfo *ci = NULL;
    int64_t n = 0;
    if (js_GetConsumerInfo(&ci, nats->js, CG_STREAM_EVENTS, durable, NULL, NULL) == NATS_OK)
        n = ci->Config->MaxDeliver;
    jsConsumerInfo_Destroy(ci);
    return n;
}

/* A durable left by an older version (MaxDeliver 10) is brought to the
 * current config at start; binding alone would keep the old limit. A
 * durable deleted while the service runs is put back. */
static void old_and_deleted_durables_are_repaired(void **state)
{
    (void)state;
    cg_err err;
    cg_consumer *consumer = NULL;
    char subject[96], durable[64], event_id[CG_UUID_LEN];
    subject_named(subject, sizeof(subject), "old");
    snprintf(durable, sizeof(durable), "ittest-old-%s", run_id);

    jsConsumerConfig cfg;
    jsConsumerInfo *ci = NULL;
    jsConsumerConfig_Init(&cfg);
    cfg.Durable = durable;
    cfg.FilterSubject = subject;
    cfg.AckPolicy = js_AckExplicit;
    cfg.MaxDeliver = 10;
    assert_int_equal(js_AddConsumer(&ci, nats->js, CG_STREAM_EVENTS, &cfg, NULL, NULL), NATS_OK);
    jsConsumerInfo_Destroy(ci);
    assert_int_equal(max_deliver(durable), 10);

    assert_int_equal(cg_consumer_start(&consumer, db, nats, NULL, CG_STREAM_EVENTS, durable,
                                       subject, record_effect, NULL, &err),
                     CG_OK);
    assert_int_equal(max_deliver(durable), -1);

    assert_int_equal(js_DeleteConsumer(nats->js, CG_STREAM_EVENTS, durable, NULL, NULL), NATS_OK);
    uint8_t buf[512];
    size_t len = pack_clue_created(subject, "after-delete", event_id, buf);
    publish_raw_to(subject, buf, (int)len, event_id);
    assert_int_equal(
        eventually_rows("SELECT count(*) FROM it_effects WHERE event_id = $1", event_id, 1), 1);
    cg_consumer_stop(consumer);
}

/* An event id the database cannot store (not UTF-8) is dead-lettered at
 * once, with no id, instead of failing ten times and then vanishing. */
static void unusable_event_id_is_dead_lettered(void **state)
{
    (void)state;
    cg_err err;
    cg_consumer *consumer = NULL;
    char subject[96], durable[64];
    subject_named(subject, sizeof(subject), "badid");
    snprintf(durable, sizeof(durable), "ittest-badid-%s", run_id);
    assert_int_equal(cg_consumer_start(&consumer, db, nats, NULL, CG_STREAM_EVENTS, durable,
                                       subject, record_effect, NULL, &err),
                     CG_OK);
    /* EventEnvelope{meta{event_id: "\xff\xfe" "abc"}} */
    publish_raw_to(subject,
                   "\x0a\x07\x0a\x05\xff\xfe"
                   "abc",
                   9, "bad-id-1");
    assert_int_equal(eventually_rows("SELECT count(*) FROM cg_dead_letter WHERE consumer = $1"
                                     " AND event_id IS NULL AND deliveries < 10",
                                     durable, 1),
                     1);
    cg_consumer_stop(consumer);
}

/* A row NATS refuses (no stream takes its subject) is counted and parked,
 * and rows behind it still go out. */
static void refused_outbox_row_does_not_block(void **state)
{
    (void)state;
    cg_err err;
    cg_outbox_relay *relay = NULL;
    char bad_id[CG_UUID_LEN], good_id[CG_UUID_LEN];
    add_raw_row("nostream.ittest", 1, bad_id);

    assert_int_equal(cg_outbox_relay_start(&relay, db, nats, 50, &err), CG_OK);
    add_through_outbox("behind-a-bad-row", good_id);
    cg_outbox_relay_kick(relay);
    assert_int_equal(eventually_rows("SELECT count(*) FROM cg_outbox WHERE event_id = $1::uuid"
                                     " AND sent_at IS NOT NULL",
                                     good_id, 1),
                     1);
    assert_int_equal(eventually_rows("SELECT count(*) FROM cg_outbox WHERE event_id = $1::uuid"
                                     " AND sent_at IS NULL AND attempts >= 10"
                                     " AND last_error <> ''",
                                     bad_id, 1),
                     1);
    cg_outbox_relay_stop(relay);
}

/* The Nats-Msg-Id of every message CG_EVENTS keeps on subject, read
 * through a consumer of its own, as an SQL array literal ("{id,id}",
 * owned by the caller); *count gets how many messages there were, so a
 * message stored twice counts twice. */
static char *stream_msg_ids(const char *subject, int *count)
{
    static int readers;
    char durable[64];
    natsSubscription *sub = NULL;
    jsSubOptions so;
    jsErrCode jerr = 0;
    size_t used = 0, cap = 64;
    char *ids = malloc(cap);
    assert_non_null(ids);
    ids[used++] = '{';
    *count = 0;
    snprintf(durable, sizeof durable, "ittest-reader-%s-%d", run_id, ++readers);
    jsSubOptions_Init(&so);
    so.Stream = CG_STREAM_EVENTS;
    assert_int_equal(js_PullSubscribe(&sub, nats->js, subject, durable, NULL, &so, &jerr), NATS_OK);
    for (;;) {
        natsMsgList list = {0};
        /* Until a fetch finds nothing more within its second. */
        if (natsSubscription_Fetch(&list, sub, 256, 1000, NULL) != NATS_OK || list.Count == 0) {
            natsMsgList_Destroy(&list);
            break;
        }
        for (int i = 0; i < list.Count; i++) {
            const char *id = "";
            natsMsgHeader_Get(list.Msgs[i], "Nats-Msg-Id", &id);
            if (used + strlen(id) + 3 > cap) {
                cap = (used + strlen(id) + 3) * 2;
                ids = realloc(ids, cap);
                assert_non_null(ids);
            }
            used += (size_t)sprintf(ids + used, "%s%s", *count > 0 ? "," : "", id);
            (*count)++;
            natsMsg_Ack(list.Msgs[i], NULL);
        }
        natsMsgList_Destroy(&list);
    }
    ids[used++] = '}';
    ids[used] = '\0';
    natsSubscription_Destroy(sub);
    js_DeleteConsumer(nats->js, CG_STREAM_EVENTS, durable, NULL, NULL);
    return ids;
}

/* Run a relay polling every poll_ms until want rows on subject are sent or
 * 40 s pass; returns how many were. */
static long long relay_until_sent(const char *subject, long long want, int poll_ms)
{
    cg_err err;
    cg_outbox_relay *relay = NULL;
    assert_int_equal(cg_outbox_relay_start(&relay, db, nats, poll_ms, &err), CG_OK);
    long long sent = eventually_rows(
        "SELECT count(*) FROM cg_outbox WHERE subject = $1 AND sent_at IS NOT NULL", subject, want);
    cg_outbox_relay_stop(relay);
    return sent;
}

/* CG_EVENTS must hold want messages on subject, each the only copy of a
 * sent outbox row. */
static void assert_stored_once(const char *subject, int want)
{
    int stored = 0;
    char *ids = stream_msg_ids(subject, &stored);
    assert_int_equal(stored, want);
    /* As many distinct sent rows as messages: none was stored twice. */
    assert_int_equal(count_rows("SELECT count(*) FROM cg_outbox WHERE event_id = ANY($1::uuid[])"
                                " AND sent_at IS NOT NULL",
                                ids),
                     want);
    free(ids);
}

/* More rows than one claim takes (128) leave in several asynchronous
 * batches: every row is marked sent with no attempt counted, and the
 * stream holds each of them exactly once and nothing else. */
static void async_batches_publish_every_row_once(void **state)
{
    (void)state;
    enum { ROWS = 300 };
    char subject[96];
    subject_named(subject, sizeof subject, "many");
    add_many_through_outbox(subject, "one of many", ROWS);
    int64_t start_ms = cg_mono_ms();
    assert_int_equal(relay_until_sent(subject, ROWS, 50), ROWS);
    fprintf(stderr, "%d rows relayed in %lld ms\n", ROWS, (long long)(cg_mono_ms() - start_ms));
    assert_int_equal(
        count_rows("SELECT count(*) FROM cg_outbox WHERE subject = $1 AND attempts > 0", subject),
        0);
    assert_stored_once(subject, ROWS);
}

/* A batch in which the server refuses two rows, one answered with no
 * responders (no stream takes its subject) and one refused as it is sent
 * (larger than NATS takes): those two count an attempt and stay unsent,
 * and every other row of the same batch is marked sent in the same
 * transaction (one sent_at) and stored once. */
static void refused_rows_leave_their_batch_sent(void **state)
{
    (void)state;
    enum { GOOD = 20 };
    char subject[96], nostream[96], unstreamed_id[CG_UUID_LEN], too_big_id[CG_UUID_LEN];
    char refused[2 * CG_UUID_LEN + 4];
    subject_named(subject, sizeof subject, "mixed");
    snprintf(nostream, sizeof nostream, "nostream.ittest%s.mixed", run_id);
    add_many_through_outbox(subject, "before the refused rows", GOOD / 2);
    add_raw_row(nostream, 1, unstreamed_id);
    add_raw_row(subject, natsConnection_GetMaxPayload(nats->conn) + 1, too_big_id);
    add_many_through_outbox(subject, "after the refused rows", GOOD / 2);
    snprintf(refused, sizeof refused, "{%s,%s}", unstreamed_id, too_big_id);

    /* A poll far longer than the test and no kick: the first tick's batch
     * is the only one. */
    assert_int_equal(relay_until_sent(subject, GOOD, 600000), GOOD);
    assert_int_equal(count_rows("SELECT count(DISTINCT sent_at) FROM cg_outbox WHERE subject = $1"
                                " AND sent_at IS NOT NULL",
                                subject),
                     1);
    assert_int_equal(count_rows("SELECT count(*) FROM cg_outbox WHERE event_id = ANY($1::uuid[])"
                                " AND sent_at IS NULL AND attempts = 1 AND last_error <> ''",
                                refused),
                     2);
    assert_stored_once(subject, GOOD);
    /* Parked now, so that the relays of the tests after this one pass
     * them by. */
    assert_int_equal(count_rows("WITH parked AS (UPDATE cg_outbox SET attempts = 10"
                                " WHERE event_id = ANY($1::uuid[]) RETURNING 1)"
                                " SELECT count(*) FROM parked",
                                refused),
                     2);
}

/* --- a NATS connection that keeps breaking ---------------------------------- */

/* A TCP proxy in front of the stack's nats-server that cuts every
 * connection through it whenever the test says so, mid-message or not: a
 * relay publishing through it meets I/O errors on a connection that may
 * still read as connected, then reconnects. */
typedef struct flaky_proxy {
    int listen_fd;
    int port;
    struct sockaddr_in upstream;
    atomic_int generation; /* bumped to cut every connection */
    atomic_bool stopping;
    atomic_int open; /* connections being pumped */
    pthread_t acceptor;
} flaky_proxy;

typedef struct pumped {
    flaky_proxy *proxy;
    int client, server;
} pumped;

/* Copy bytes both ways until either side closes or a cut is asked for. */
static void *pump(void *arg)
{
    pumped *p = arg;
    int gen = atomic_load(&p->proxy->generation);
    char buf[16384];
    while (!atomic_load(&p->proxy->stopping) && atomic_load(&p->proxy->generation) == gen) {
        struct pollfd fds[2] = {{.fd = p->client, .events = POLLIN},
                                {.fd = p->server, .events = POLLIN}};
        if (poll(fds, 2, 10) < 0)
            break;
        bool done = false;
        for (int i = 0; i < 2 && !done; i++) {
            if ((fds[i].revents & (POLLIN | POLLHUP | POLLERR)) == 0)
                continue;
            ssize_t n = recv(fds[i].fd, buf, sizeof buf, 0);
            done = n <= 0 || send(fds[1 - i].fd, buf, (size_t)n, MSG_NOSIGNAL) != n;
        }
        if (done)
            break;
    }
    /* A reset, not a goodbye: what a broken network looks like. */
    struct linger hard = {.l_onoff = 1, .l_linger = 0};
    setsockopt(p->client, SOL_SOCKET, SO_LINGER, &hard, sizeof hard);
    close(p->client);
    close(p->server);
    atomic_fetch_sub(&p->proxy->open, 1);
    free(p);
    return NULL;
}

static void *accept_loop(void *arg)
{
    flaky_proxy *proxy = arg;
    while (!atomic_load(&proxy->stopping)) {
        struct pollfd pfd = {.fd = proxy->listen_fd, .events = POLLIN};
        if (poll(&pfd, 1, 50) <= 0)
            continue;
        int client = accept(proxy->listen_fd, NULL, NULL);
        if (client < 0)
            continue;
        int server = socket(AF_INET, SOCK_STREAM, 0);
        pumped *p = malloc(sizeof *p);
        if (p == NULL || server < 0 ||
            connect(server, (struct sockaddr *)&proxy->upstream, sizeof proxy->upstream) != 0) {
            close(client);
            if (server >= 0)
                close(server);
            free(p);
            continue;
        }
        *p = (pumped){.proxy = proxy, .client = client, .server = server};
        atomic_fetch_add(&proxy->open, 1);
        pthread_t t;
        if (pthread_create(&t, NULL, pump, p) == 0)
            pthread_detach(t);
    }
    return NULL;
}

/* Start the proxy in front of the nats-server of url; *proxied_url gets
 * url with the proxy's address in place of the server's. */
static void flaky_proxy_start(flaky_proxy *proxy, const char *url, char *proxied_url, size_t size)
{
    const char *at = strrchr(url, '@');
    const char *host = at != NULL ? at + 1 : url + strlen("nats://");
    char host_text[64];
    int port = 0;
    assert_int_equal(sscanf(host, "%63[^:]:%d", host_text, &port), 2);
    memset(proxy, 0, sizeof *proxy);
    proxy->upstream.sin_family = AF_INET;
    proxy->upstream.sin_port = htons((uint16_t)port);
    assert_int_equal(inet_pton(AF_INET, host_text, &proxy->upstream.sin_addr), 1);
    proxy->listen_fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in me = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    socklen_t len = sizeof me;
    assert_int_equal(bind(proxy->listen_fd, (struct sockaddr *)&me, sizeof me), 0);
    assert_int_equal(listen(proxy->listen_fd, 16), 0);
    assert_int_equal(getsockname(proxy->listen_fd, (struct sockaddr *)&me, &len), 0);
    proxy->port = ntohs(me.sin_port);
    snprintf(proxied_url, size, "%.*s127.0.0.1:%d", (int)(host - url), url, proxy->port);
    assert_int_equal(pthread_create(&proxy->acceptor, NULL, accept_loop, proxy), 0);
}

static void flaky_proxy_stop(flaky_proxy *proxy)
{
    atomic_store(&proxy->stopping, true);
    pthread_join(proxy->acceptor, NULL);
    close(proxy->listen_fd);
    while (atomic_load(&proxy->open) > 0)
        usleep(10 * 1000);
}

/* Rows published while their connection breaks again and again are all
 * published in the end, and none counts an attempt: a broken connection
 * is no refusal of the row, whatever the connection's state read at the
 * moment (so no row is ever parked for it). */
static void cut_connections_park_nothing(void **state)
{
    (void)state;
    enum { ROWS = 400 };
    cg_err err;
    flaky_proxy proxy;
    char url[512], subject[96];
    cg_nats *through = NULL;
    cg_outbox_relay *relay = NULL;

    flaky_proxy_start(&proxy, getenv("CG_NATS_URL"), url, sizeof url);
    assert_int_equal(cg_nats_connect(&through, url, "ittest-flaky", &err), CG_OK);
    snprintf(subject, sizeof subject, "cg.evt.ittestcut%s.clue.created", run_id);
    /* Large messages: a cut then often lands in the middle of a write. */
    static char content[16 * 1024];
    memset(content, 'x', sizeof content - 1);
    add_many_through_outbox(subject, content, ROWS);

    assert_int_equal(cg_outbox_relay_start(&relay, db, through, 10, &err), CG_OK);
    /* Cut every 5 ms for four seconds, while the relay works through the
     * rows. */
    int cuts = 0;
    for (int64_t until = cg_mono_ms() + 4000; cg_mono_ms() < until; cuts++) {
        cg_outbox_relay_kick(relay);
        usleep(5 * 1000);
        atomic_fetch_add(&proxy.generation, 1);
    }
    long long sent = eventually_rows(
        "SELECT count(*) FROM cg_outbox WHERE subject = $1 AND sent_at IS NOT NULL", subject, ROWS);
    long long counted =
        count_rows("SELECT count(*) FROM cg_outbox WHERE subject = $1 AND attempts > 0", subject);
    fprintf(stderr, "%d cuts: %lld of %d rows published, %lld counted an attempt\n", cuts, sent,
            ROWS, counted);
    assert_int_equal(sent, ROWS);
    assert_int_equal(counted, 0);
    cg_outbox_relay_stop(relay);
    cg_nats_close(through);
    flaky_proxy_stop(&proxy);
}

/* A publish that finds no responder while the connection is up, for a
 * subject one of our streams keeps, means JetStream is away (a server that
 * shuts down stops JetStream before it closes the connections): the rows
 * wait for it and count no attempt. Shown with CG_ENTERPRISE, which no
 * service uses yet, deleted and made again. */
static void jetstream_away_parks_nothing(void **state)
{
    (void)state;
    enum { ROWS = 20 };
    cg_err err;
    char subject[96];
    cg_outbox_relay *relay = NULL;
    jsErrCode jerr = 0;

    snprintf(subject, sizeof subject, "ent.ittest%s.row.added", run_id);
    assert_int_equal(js_DeleteStream(nats->js, CG_STREAM_ENTERPRISE, NULL, &jerr), NATS_OK);
    add_many_through_outbox(subject, "while JetStream is away", ROWS);

    assert_int_equal(cg_outbox_relay_start(&relay, db, nats, 10, &err), CG_OK);
    /* Long enough for the old rule to have parked them: ten refusals. */
    for (int i = 0; i < 30; i++) {
        cg_outbox_relay_kick(relay);
        usleep(50 * 1000);
    }
    long long counted =
        count_rows("SELECT count(*) FROM cg_outbox WHERE subject = $1 AND attempts > 0", subject);
    assert_int_equal(cg_nats_ensure_streams(nats, &err), CG_OK);
    cg_outbox_relay_kick(relay);
    long long sent = eventually_rows(
        "SELECT count(*) FROM cg_outbox WHERE subject = $1 AND sent_at IS NOT NULL", subject, ROWS);
    cg_outbox_relay_stop(relay);
    assert_int_equal(counted, 0);
    assert_int_equal(sent, ROWS);
}

/* A consumer that dies holding fetched messages costs seconds, not the
 * old 30: JetStream hands them to the next consumer of the durable once
 * the ack wait (5 s) has run out. */
static void crashed_consumer_redelivers_quickly(void **state)
{
    (void)state;
    cg_err err;
    char subject[96], durable[64], event_id[CG_UUID_LEN];
    cg_consumer *consumer = NULL;
    cg_outbox_relay *relay = NULL;
    natsSubscription *sub = NULL;
    natsMsgList list = {0};
    jsErrCode jerr = 0;
    jsSubOptions so;

    subject_named(subject, sizeof subject, "crash");
    snprintf(durable, sizeof durable, "ittest-crash-%s", run_id);
    assert_int_equal(cg_outbox_relay_start(&relay, db, nats, 20, &err), CG_OK);
    /* The durable as the services make it. */
    assert_int_equal(cg_consumer_start(&consumer, db, nats, relay, CG_STREAM_EVENTS, durable,
                                       subject, record_effect, NULL, &err),
                     CG_OK);
    cg_consumer_stop(consumer);
    consumer = NULL;

    /* A consumer fetches the event and dies without a word. */
    clue_event e;
    clue_event_init(&e, subject, "fetched by one that died", event_id);
    uint8_t buf[512];
    size_t len = cleangrid__v1__clue_created__pack(&e.ev, buf);
    publish_raw_to(subject, buf, (int)len, event_id);
    jsSubOptions_Init(&so);
    so.Stream = CG_STREAM_EVENTS;
    so.Consumer = durable;
    assert_int_equal(js_PullSubscribe(&sub, nats->js, subject, durable, NULL, &so, &jerr), NATS_OK);
    assert_int_equal(natsSubscription_Fetch(&list, sub, 1, 5000, NULL), NATS_OK);
    assert_int_equal(list.Count, 1);
    natsMsgList_Destroy(&list);
    int64_t died_ms = cg_mono_ms();
    natsSubscription_Destroy(sub);

    /* The next one gets it within the ack wait and a little. */
    assert_int_equal(cg_consumer_start(&consumer, db, nats, relay, CG_STREAM_EVENTS, durable,
                                       subject, record_effect, NULL, &err),
                     CG_OK);
    assert_int_equal(
        eventually_rows("SELECT count(*) FROM it_effects WHERE event_id = $1", event_id, 1), 1);
    int64_t took_ms = cg_mono_ms() - died_ms;
    fprintf(stderr, "redelivered %lld ms after the consumer died\n", (long long)took_ms);
    assert_true(took_ms < 8000);
    cg_consumer_stop(consumer);
    cg_outbox_relay_stop(relay);
}

static int setup(void **state)
{
    (void)state;
    cg_err err;
    assert_int_equal(cg_db_open(&db, getenv("CG_TEST_DB_URL"), 4, &err), CG_OK);
    assert_int_equal(cg_db_migrate(db, NULL, &err), CG_OK);
    PGconn *conn = cg_db_acquire(db, 5000, &err);
    assert_int_equal(cg_db_exec(conn,
                                "CREATE TABLE IF NOT EXISTS it_effects (event_id text PRIMARY KEY,"
                                " content text)",
                                0, NULL, NULL, &err),
                     CG_OK);
    cg_db_release(db, conn);
    assert_int_equal(cg_nats_connect(&nats, getenv("CG_NATS_URL"), "ittest", &err), CG_OK);
    assert_int_equal(cg_nats_ensure_streams(nats, &err), CG_OK);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    cg_nats_close(nats);
    cg_db_close(db);
    return 0;
}

int main(void)
{
    if (!getenv("CG_NATS_URL") || !getenv("CG_TEST_DB_URL") || !getenv("CG_STACK")) {
        fprintf(stderr, "skipped: CG_NATS_URL, CG_TEST_DB_URL and CG_STACK are set by "
                        "scripts/test.sh\n");
        return 77;
    }
    if (sodium_init() < 0)
        return 1;
    cg_log_init("ittest", "warn");
    cg_random_digits(run_id, 8);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(rpc_round_trips),
        cmocka_unit_test(outbox_relays_once_and_duplicates_change_nothing),
        cmocka_unit_test(a_failed_event_in_a_batch_is_undone_alone),
        cmocka_unit_test(a_handler_that_hides_a_failure_holds_up_no_other),
        cmocka_unit_test(one_event_per_transaction_takes_every_fetched_event),
        cmocka_unit_test(duplicates_within_a_batch_count_once),
        cmocka_unit_test(handler_events_leave_at_once),
        cmocka_unit_test(database_restart_is_survived),
        cmocka_unit_test(database_outage_loses_no_event),
        cmocka_unit_test(old_and_deleted_durables_are_repaired),
        cmocka_unit_test(unusable_event_id_is_dead_lettered),
        cmocka_unit_test(refused_outbox_row_does_not_block),
        cmocka_unit_test(async_batches_publish_every_row_once),
        cmocka_unit_test(refused_rows_leave_their_batch_sent),
        cmocka_unit_test(cut_connections_park_nothing),
        cmocka_unit_test(jetstream_away_parks_nothing),
        cmocka_unit_test(crashed_consumer_redelivers_quickly),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
