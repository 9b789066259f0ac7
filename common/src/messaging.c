/* The transactional outbox, its relay to JetStream, and durable pull
 * consumers with an idempotent inbox. See messaging.h for the guarantees.
 *
 * The relay claims a batch of rows and publishes them all with nats.c's
 * asynchronous JetStream publish before it waits, once, for the answers:
 * a round trip per batch rather than one per row. Its ack handler writes
 * each answer into the batch's row (found by Nats-Msg-Id, the event id);
 * only acknowledged rows are marked sent, in the claim's transaction.
 *
 * A consumer takes a fetched batch through one transaction: its inbox rows
 * in one statement, each new event's handler, one commit. Only when a
 * handler fails is the batch undone and taken again one event at a time,
 * each behind a savepoint, so that the failure stays that event's. */
#include "cg/messaging.h"

#include <cjson/cJSON.h>
#include <pthread.h>
#include <sodium.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cg/context.h"
#include "cg/log.h"
#include "cg/ticker.h"
#include "cg/util.h"

#define RELAY_BATCH 128
/* How soon the relay tries again after a batch that failed (NATS or the
 * database away), whatever its poll interval. */
#define RELAY_RETRY_MS 1000
/* How long the relay waits for JetStream to answer a published batch; a
 * row still unanswered then stays unsent, as if NATS were away. */
#define RELAY_ACK_WAIT_MS 5000
/* The header JetStream dedupes on; nats.c sets it from jsPubOptions.MsgId
 * but does not export its name. */
#define MSG_ID_HEADER "Nats-Msg-Id"
/* How long JetStream waits for a fetched message's ack before it hands the
 * message to another consumer: what a crashed consumer costs. Work that
 * takes longer keeps its messages with in-progress acks (consumer_main). */
#define CONSUMER_ACK_WAIT_MS 5000
/* A message whose handler keeps failing while the database is up is
 * dead-lettered after this many deliveries. JetStream itself redelivers
 * without limit: a database outage must never use up a message's tries,
 * or the message would be dropped with nowhere to record it. */
#define CONSUMER_MAX_ATTEMPTS 10
/* The fewest messages a consumer asks JetStream for at once, however few
 * it takes through one transaction (cg_consumer_batch). */
#define CONSUMER_FETCH_MIN 64
/* An outbox row NATS refuses this often is parked (docs/operations.md). */
#define OUTBOX_MAX_ATTEMPTS 10
/* Event ids are UUIDs from our producers; enterprise systems may send other
 * strings, but never longer than this. */
#define EVENT_ID_MAX 128
#define DB_WAIT_MS 5000

/* --- events ---------------------------------------------------------------- */

void cg_event_meta_init(Cleangrid__V1__EventMeta *meta, char *event_id, const char *type,
                        const char *producer, const char *correlation_id)
{
    cleangrid__v1__event_meta__init(meta);
    cg_uuid_v4(event_id);
    meta->event_id = event_id;
    meta->type = (char *)type;
    meta->occurred_at_ms = cg_now_ms();
    meta->producer = (char *)producer;
    meta->correlation_id = (char *)(correlation_id ? correlation_id : "");
}

/* The outbox rows this thread has written so far: a consumer kicks the
 * relay after a commit only when its handlers wrote some, or every event
 * taken one by one would cost the relay's claim a transaction of its own. */
static _Thread_local unsigned long outbox_rows_written;

cg_code cg_outbox_add(PGconn *conn, const ProtobufCMessage *event, cg_err *err)
{
    const Cleangrid__V1__EventMeta *meta = (const Cleangrid__V1__EventMeta *)cg_msg_field(
        event, "meta", &cleangrid__v1__event_meta__descriptor);
    if (meta == NULL || !cg_uuid_valid(meta->event_id) || meta->type == NULL ||
        meta->type[0] == '\0')
        return cg_err_set(err, CG_INTERNAL, "event %s has no valid meta", event->descriptor->name);

    size_t len = protobuf_c_message_get_packed_size(event);
    uint8_t *bin = malloc(len + 1);
    /* bytea travels as text in the \x hex form, so the query stays an
     * ordinary parameterized one. */
    char *hex = malloc(2 * len + 3);
    cg_code rc = CG_OK;
    if (bin == NULL || hex == NULL) {
        rc = cg_err_set(err, CG_INTERNAL, "out of memory");
        goto cleanup;
    }
    protobuf_c_message_pack(event, bin);
    hex[0] = '\\';
    hex[1] = 'x';
    sodium_bin2hex(hex + 2, 2 * len + 1, bin, len);
    const char *params[] = {meta->event_id, meta->type, hex};
    rc = cg_db_exec(conn, "INSERT INTO cg_outbox (event_id, subject, payload) VALUES ($1, $2, $3)",
                    3, params, NULL, err);
    if (rc == CG_OK)
        outbox_rows_written++;

cleanup:
    free(bin);
    free(hex);
    return rc;
}

/* --- outbox relay ----------------------------------------------------------- */

typedef enum publish_outcome {
    PUBLISHED,   /* JetStream acknowledged it: mark it sent */
    REFUSED,     /* NATS answered and said no: this row's own problem */
    UNREACHABLE, /* no answer: NATS or JetStream is away, back off */
} publish_outcome;

/* One claimed row on its way through a batch. */
typedef struct outbox_row {
    const char *id, *event_id, *subject; /* borrowed from the claim's result */
    /* UNREACHABLE until an answer says otherwise, so that a row never sent
     * or never answered stays unsent. The relay's thread writes it before
     * the row is sent or when sending it failed; the ack handler writes it
     * when JetStream answers. Never both: a message whose send failed is
     * the caller's again and gets no answer. */
    publish_outcome outcome;
    char why[160]; /* what went wrong, when not PUBLISHED */
} outbox_row;

struct cg_outbox_relay {
    cg_db *db;
    cg_nats *nats;
    /* The relay's own JetStream context on the nats connection: the ack
     * handler and the limit of async publishes in flight are the
     * context's, given when it is made. */
    jsCtx *js;
    int poll_ms;
    /* Runs relay_tick() at once, on a kick and every RELAY_TICK_MS or
     * poll_ms, whichever is shorter. */
    cg_ticker *ticker;
    atomic_uint kicks;    /* cg_outbox_relay_kick() calls so far */
    atomic_bool stopping; /* ends the drain of a backlog at a stop */
    /* The tick's own (the ticker never runs two at once): the monotonic ms
     * before which it sends nothing unless kicked, poll_ms after a batch
     * and RELAY_RETRY_MS after one that failed, and the kicks it saw. */
    int64_t next_ms;
    unsigned seen_kicks;
    /* The rows of the batch being published, for the ack handler; NULL
     * between batches. Set before the batch's first send and cleared once
     * no answer can come any more; the context's lock, taken by every send
     * and every answer, orders these writes before the handler's reads. */
    outbox_row *rows;
    int nrows;
};

/* The answers of a server that refuses this very message: JetStream's own
 * errors (jerr), no stream taking the subject (no responder for a subject
 * none of our streams keeps), a subject, size or permission it will not
 * take. The row would fail the same way again, so
 * only these count toward parking it. Everything else (a timeout, an I/O
 * error, a connection closed or reconnecting, even on a connection that
 * still reads as connected) says nothing about the row: it waits for the
 * reconnect, however often that happens. */
static const natsStatus server_refusals[] = {
    NATS_NO_RESPONDERS, NATS_INVALID_SUBJECT, NATS_INVALID_ARG,
    NATS_MAX_PAYLOAD,   NATS_NOT_PERMITTED,
};

static bool refused_by_server(natsStatus s, jsErrCode jerr, const char *subject)
{
    /* No responder for a subject a stream of ours keeps: JetStream is away
     * (a server shutting down stops it before the connection closes). The
     * synchronous client reports it with JSNotEnabledErr, the asynchronous
     * one with no code, so this comes first. */
    if (s == NATS_NO_RESPONDERS && cg_nats_subject_streamed(subject))
        return false;
    if (jerr != 0)
        return true;
    for (size_t i = 0; i < sizeof(server_refusals) / sizeof(server_refusals[0]); i++)
        if (s == server_refusals[i])
            return true;
    return false;
}

/* Record that row failed with s and jerr (text: what NATS said). */
static void row_failed(outbox_row *row, natsStatus s, jsErrCode jerr, const char *text)
{
    snprintf(row->why, sizeof(row->why), "%s (%d)", text, (int)jerr);
    row->outcome = refused_by_server(s, jerr, row->subject) ? REFUSED : UNREACHABLE;
}

/* The ack handler of the relay's context, called on the context's reply
 * thread with JetStream's answer to one message of the batch: an ack (pa)
 * or an error (pae: a JetStream error, or no responders). The
 * message's Nats-Msg-Id, its row's event id, says which row it is. The
 * handler owns msg (nats.c hands it over) and destroys it; pa and pae are
 * the library's, valid for the call. */
static void on_publish_answer(jsCtx *js, natsMsg *msg, jsPubAck *pa, jsPubAckErr *pae,
                              void *closure)
{
    cg_outbox_relay *relay = closure;
    const char *event_id = NULL;
    (void)js;
    if (relay->rows != NULL && natsMsgHeader_Get(msg, MSG_ID_HEADER, &event_id) == NATS_OK) {
        for (int i = 0; i < relay->nrows; i++) {
            outbox_row *row = &relay->rows[i];
            if (strcmp(row->event_id, event_id) != 0)
                continue;
            if (pa != NULL)
                row->outcome = PUBLISHED;
            else if (pae != NULL)
                row_failed(row, pae->Err, pae->ErrCode,
                           pae->ErrText != NULL ? pae->ErrText : natsStatus_GetText(pae->Err));
            break;
        }
    }
    natsMsg_Destroy(msg);
}

/* Send one claimed row without waiting for its answer, which comes to
 * on_publish_answer(). On failure the row's outcome says why; the message
 * is this function's until nats.c takes it, and destroyed here otherwise. */
static natsStatus send_row(cg_outbox_relay *relay, outbox_row *row, const char *payload_text)
{
    size_t len = 0;
    unsigned char *payload = PQunescapeBytea((const unsigned char *)payload_text, &len);
    natsMsg *msg = NULL;
    jsPubOptions opts;
    natsStatus s = NATS_NO_MEMORY;

    jsPubOptions_Init(&opts);
    /* The event id as Nats-Msg-Id lets JetStream drop a second publish of
     * the same row (a crash between publish and marking it sent, or an
     * answer that came too late), and tells the ack handler the row. */
    opts.MsgId = row->event_id;
    if (payload != NULL)
        s = natsMsg_Create(&msg, row->subject, NULL, (const char *)payload, (int)len);
    /* On success nats.c owns msg and sets it to NULL. */
    if (s == NATS_OK)
        s = js_PublishMsgAsync(relay->js, &msg, &opts);
    if (s != NATS_OK)
        row_failed(row, s, 0, natsStatus_GetText(s));
    natsMsg_Destroy(msg);
    PQfreemem(payload);
    return s;
}

/* Wait until no answer to the batch can come any more: all answered, or
 * RELAY_ACK_WAIT_MS gone by, after which the messages still unanswered
 * are taken back from nats.c and destroyed (their rows stay UNREACHABLE,
 * and an answer that comes later is dropped). Taking them back does not
 * wait for an answer being handled at that moment, so wait again: such an
 * answer is already in the handler, which takes no lock, and the wait
 * ends as soon as it returns. */
static void await_answers(cg_outbox_relay *relay)
{
    jsPubOptions opts;
    jsPubOptions_Init(&opts);
    opts.MaxWait = RELAY_ACK_WAIT_MS;
    while (js_PublishAsyncComplete(relay->js, &opts) != NATS_OK) {
        natsMsgList unanswered = {0};
        if (js_PublishAsyncGetPendingList(&unanswered, relay->js) == NATS_OK)
            natsMsgList_Destroy(&unanswered);
    }
}

/* Send every row of the batch, then wait for the answers. On return each
 * row's outcome is final and the ack handler runs no more for this batch.
 * Once NATS is found away the rest of the batch is not sent: it would fail
 * the same way, and the relay backs off. */
static void publish_batch(cg_outbox_relay *relay, PGresult *res, outbox_row *rows, int n)
{
    relay->rows = rows;
    relay->nrows = n;
    for (int i = 0; i < n; i++) {
        /* While the connection is away nats.c would take the sends into its
         * reconnect buffer (up to 8 MiB, a batch a second) and write them
         * all at the reconnect, long after their rows gave up waiting; a
         * connection cut again during that write can leave nats.c 3.4's
         * reconnect waiting for good. So a row is sent only while
         * connected. */
        if (!cg_nats_connected(relay->nats)) {
            cg_strlcpy(rows[i].why, "NATS is not connected", sizeof(rows[i].why));
            break;
        }
        if (send_row(relay, &rows[i], cg_db_get(res, i, 3)) != NATS_OK &&
            rows[i].outcome == UNREACHABLE)
            break;
    }
    await_answers(relay);
    relay->rows = NULL;
    relay->nrows = 0;
}

/* Count a refused row's attempt; at OUTBOX_MAX_ATTEMPTS it is parked: the
 * claim query passes it by, so one bad row never holds up the others. */
static cg_code refuse_row(PGconn *conn, const char *id, const char *subject, const char *why,
                          cg_err *err)
{
    PGresult *res = NULL;
    const char *params[] = {id, why};
    cg_code rc = cg_db_exec(conn,
                            "UPDATE cg_outbox SET attempts = attempts + 1, last_error = $2"
                            " WHERE id = $1::bigint RETURNING attempts",
                            2, params, &res, err);
    if (rc == CG_OK && PQntuples(res) == 1 && cg_db_get_ll(res, 0, 0) >= OUTBOX_MAX_ATTEMPTS)
        cg_log_fields(CG_LOG_ERROR, "outbox row parked after repeated refusals", "outbox_id", id,
                      "subject", subject, "error", why, NULL);
    else if (rc == CG_OK)
        cg_log_fields(CG_LOG_WARN, "outbox publish refused", "outbox_id", id, "subject", subject,
                      "error", why, NULL);
    PQclear(res);
    return rc;
}

/* Claim, publish and mark one batch. Returns the number of rows claimed, or
 * -1 when the database or NATS failed (the relay then backs off). */
static int relay_batch(cg_outbox_relay *relay)
{
    cg_err err;
    PGresult *res = NULL;
    int claimed = -1, published = 0, unreachable = 0;
    char *ids = NULL;
    outbox_row *rows = NULL;
    const outbox_row *first_unreachable = NULL;
    /* While NATS is away (the connection logs that itself) there is nothing
     * to claim rows for: they could not be sent (publish_batch). */
    if (!cg_nats_connected(relay->nats))
        return -1;
    PGconn *conn = cg_db_acquire(relay->db, DB_WAIT_MS, &err);
    if (conn == NULL)
        return -1;
    if (cg_db_begin(conn, &err) != CG_OK)
        goto cleanup;
    /* SKIP LOCKED lets replicas relay side by side, each its own rows. */
    char limit[16], max_attempts[16];
    snprintf(limit, sizeof(limit), "%d", RELAY_BATCH);
    snprintf(max_attempts, sizeof(max_attempts), "%d", OUTBOX_MAX_ATTEMPTS);
    const char *params[] = {limit, max_attempts};
    if (cg_db_exec(conn,
                   "SELECT id, event_id, subject, payload FROM cg_outbox"
                   " WHERE sent_at IS NULL AND attempts < $2::integer"
                   " ORDER BY id LIMIT $1 FOR UPDATE SKIP LOCKED",
                   2, params, &res, &err) != CG_OK)
        goto cleanup;
    int n = PQntuples(res);
    ids = malloc((size_t)n * 21 + 3);
    rows = calloc((size_t)n + 1, sizeof(*rows)); /* + 1: an empty claim is no failure */
    if (ids == NULL || rows == NULL)
        goto cleanup;
    for (int i = 0; i < n; i++) {
        rows[i].id = cg_db_get(res, i, 0);
        rows[i].event_id = cg_db_get(res, i, 1);
        rows[i].subject = cg_db_get(res, i, 2);
        rows[i].outcome = UNREACHABLE;
        cg_strlcpy(rows[i].why, "not acknowledged", sizeof(rows[i].why));
    }
    publish_batch(relay, res, rows, n);
    size_t used = 0;
    ids[used++] = '{';
    for (int i = 0; i < n; i++) {
        const outbox_row *row = &rows[i];
        if (row->outcome == PUBLISHED) {
            used += (size_t)sprintf(ids + used, "%s%s", published ? "," : "", row->id);
            published++;
        } else if (row->outcome == REFUSED) {
            if (refuse_row(conn, row->id, row->subject, row->why, &err) != CG_OK)
                goto cleanup;
        } else if (unreachable++ == 0) {
            first_unreachable = row;
        }
    }
    ids[used++] = '}';
    ids[used] = '\0';
    if (first_unreachable != NULL)
        cg_log_warn("outbox publish of %s failed: %s; %d row(s) of the batch wait for a retry",
                    first_unreachable->subject, first_unreachable->why, unreachable);
    const char *mark[] = {ids};
    if (published > 0 &&
        cg_db_exec(conn, "UPDATE cg_outbox SET sent_at = now() WHERE id = ANY($1::bigint[])", 1,
                   mark, NULL, &err) != CG_OK)
        goto cleanup;
    if (cg_db_commit(conn, &err) != CG_OK)
        goto cleanup;
    claimed = unreachable > 0 ? -1 : n;

cleanup:
    PQclear(res);
    free(ids);
    free(rows);
    cg_db_release(relay->db, conn); /* rolls back whatever is still open */
    return claimed;
}

static void relay_tick(void *arg)
{
    cg_outbox_relay *relay = arg;
    unsigned kicks = atomic_load(&relay->kicks);
    if (kicks == relay->seen_kicks && cg_mono_ms() < relay->next_ms)
        return;
    relay->seen_kicks = kicks;
    int n;
    /* Keep going while full batches come back, so a backlog drains at
     * full speed rather than one batch per poll. */
    while ((n = relay_batch(relay)) == RELAY_BATCH && !atomic_load(&relay->stopping))
        ;
    relay->next_ms = cg_mono_ms() + (n < 0 ? RELAY_RETRY_MS : relay->poll_ms);
}

cg_code cg_outbox_relay_start(cg_outbox_relay **out, cg_db *db, cg_nats *nats, int poll_ms,
                              cg_err *err)
{
    cg_code rc = CG_OK;
    jsOptions jo;
    cg_outbox_relay *relay = calloc(1, sizeof(*relay));
    if (relay == NULL)
        return cg_err_set(err, CG_INTERNAL, "out of memory");
    relay->db = db;
    relay->nats = nats;
    relay->poll_ms = poll_ms;
    atomic_init(&relay->kicks, 0);
    atomic_init(&relay->stopping, false);
    /* Made before the ticker, whose first tick runs at once. A batch is at
     * most RELAY_BATCH messages and all are answered or taken back before
     * the next, so the limit never stalls a send; it bounds what nats.c
     * holds should that ever change. */
    jsOptions_Init(&jo);
    jo.PublishAsync.MaxPending = RELAY_BATCH;
    jo.PublishAsync.AckHandler = on_publish_answer;
    jo.PublishAsync.AckHandlerClosure = relay;
    natsStatus s = natsConnection_JetStream(&relay->js, nats->conn, &jo);
    if (s != NATS_OK) {
        rc = cg_err_set(err, CG_INTERNAL, "relay's JetStream context: %s", natsStatus_GetText(s));
        goto cleanup;
    }
    rc = cg_ticker_start(poll_ms < RELAY_RETRY_MS ? poll_ms : RELAY_RETRY_MS, relay_tick, relay,
                         &relay->ticker, err);
    if (rc == CG_OK) {
        *out = relay;
        relay = NULL;
    }

cleanup:
    if (relay != NULL)
        jsCtx_Destroy(relay->js);
    free(relay);
    return rc;
}

void cg_outbox_relay_kick(cg_outbox_relay *relay)
{
    if (relay == NULL)
        return;
    atomic_fetch_add(&relay->kicks, 1);
    cg_ticker_wake(relay->ticker);
}

void cg_outbox_relay_stop(cg_outbox_relay *relay)
{
    if (relay == NULL)
        return;
    atomic_store(&relay->stopping, true);
    cg_ticker_stop(relay->ticker);
    /* After the last batch: nothing of the relay's is in flight. */
    jsCtx_Destroy(relay->js);
    free(relay);
}

/* --- consumer ----------------------------------------------------------------- */

long cg_consumer_batch = 64;

struct cg_consumer {
    cg_db *db;
    cg_nats *nats;
    cg_outbox_relay *relay; /* kicked after a commit that wrote to the outbox; may be NULL */
    char stream[64];
    char durable[64];
    char filter[128];
    cg_event_handler handler;             /* events with an EventMeta, or */
    cg_cloud_event_handler cloud_handler; /* CloudEvents: one of the two */
    void *arg;
    natsSubscription *sub;
    pthread_t thread;
    atomic_bool stopping;
};

/* What becomes of a message once it has been handled. */
typedef enum disposition {
    ACK,   /* done (or a duplicate): never again */
    RETRY, /* transient: again after a delay */
    DEAD,  /* can never succeed: record it, then term */
} disposition;

/* The message's headers as "name: value" lines (NULL when it has none or
 * memory is short), kept with a dead letter: a CloudEvent's attributes
 * are there, not in the payload. Values that are not valid UTF-8 are left
 * out, since the column is text. */
static char *header_text(natsMsg *msg)
{
    const char **keys = NULL;
    int count = 0;
    char *out = NULL;
    size_t len = 0, cap = 0;
    if (natsMsgHeader_Keys(msg, &keys, &count) != NATS_OK)
        return NULL;
    for (int i = 0; i < count; i++) {
        const char *value = NULL;
        if (natsMsgHeader_Get(msg, keys[i], &value) != NATS_OK || value == NULL ||
            !cg_utf8_valid(keys[i], strlen(keys[i])) || !cg_utf8_valid(value, strlen(value)))
            continue;
        size_t need = strlen(keys[i]) + strlen(value) + 4;
        if (len + need > cap) {
            size_t ncap = (len + need) * 2;
            char *grown = realloc(out, ncap);
            if (grown == NULL)
                break;
            out = grown;
            cap = ncap;
        }
        len += (size_t)snprintf(out + len, cap - len, "%s: %s\n", keys[i], value);
    }
    free((void *)keys);
    return out;
}

/* Record a message that can never succeed. False when the record could not
 * be written: the caller must then retry the message rather than term it,
 * or it would vanish without a trace. event_id may be NULL. */
static bool dead_letter(cg_consumer *c, PGconn *conn, natsMsg *msg, const char *event_id,
                        const char *reason, int deliveries)
{
    cg_err err;
    int len = natsMsg_GetDataLength(msg);
    char *hex = malloc((size_t)len * 2 + 3);
    char *headers = header_text(msg);
    char n[16], subject_buf[1024];
    /* A publisher may send any bytes; a dead letter whose subject the
     * database refused would leave the message to be retried forever. */
    const char *subject =
        cg_utf8_or_escaped(natsMsg_GetSubject(msg), subject_buf, sizeof subject_buf);
    bool ok = false;
    if (hex == NULL)
        goto cleanup;
    hex[0] = '\\';
    hex[1] = 'x';
    sodium_bin2hex(hex + 2, (size_t)len * 2 + 1, (const unsigned char *)natsMsg_GetData(msg),
                   (size_t)len);
    snprintf(n, sizeof(n), "%d", deliveries);
    const char *params[] = {c->durable, subject, event_id, hex, reason, n, headers};
    if (cg_db_exec(conn,
                   "INSERT INTO cg_dead_letter (consumer, subject, event_id, payload, reason,"
                   " deliveries, headers) VALUES ($1, $2, $3, $4, $5, $6, $7)",
                   7, params, NULL, &err) == CG_OK) {
        cg_log_fields(CG_LOG_WARN, "event dead-lettered", "consumer", c->durable, "subject",
                      subject, "event_id", event_id, "reason", reason, NULL);
        ok = true;
    }

cleanup:
    free(headers);
    free(hex);
    return ok;
}

/* Read the event id from the EventMeta every event carries in field 1. It
 * must be 1..EVENT_ID_MAX printable UTF-8 characters: it is stored as text,
 * and an id the database refuses would otherwise fail forever. */
static bool read_event_id(natsMsg *msg, char out[EVENT_ID_MAX + 1])
{
    Cleangrid__V1__EventEnvelope *env = cleangrid__v1__event_envelope__unpack(
        NULL, (size_t)natsMsg_GetDataLength(msg), (const uint8_t *)natsMsg_GetData(msg));
    const char *id = env && env->meta && env->meta->event_id ? env->meta->event_id : "";
    size_t len = strlen(id);
    bool ok = len > 0 && len <= EVENT_ID_MAX && cg_utf8_valid(id, len);
    for (size_t i = 0; ok && i < len; i++)
        ok = (unsigned char)id[i] >= 0x20 && id[i] != 0x7f;
    cg_strlcpy(out, ok ? id : "", EVENT_ID_MAX + 1);
    if (env != NULL)
        cleangrid__v1__event_envelope__free_unpacked(env, NULL);
    return ok;
}

/* One fetched message on its way through a batch. */
typedef struct pending {
    natsMsg *msg;
    char event_id[EVENT_ID_MAX + 1];
    bool has_id;
    cg_cloud_event ev; /* a CloudEvent's attributes, borrowed from msg */
    int deliveries;
    disposition d;
    bool committed; /* its effects wait for the batch's commit */
    cg_err err;     /* why, when not ACK */
} pending;

/* Read what the batch needs of msg before any transaction: its event id
 * (from the CloudEvent headers or the EventMeta) and its deliveries. A
 * message without a usable id can never succeed. */
static void read_pending(cg_consumer *c, natsMsg *msg, pending *p)
{
    jsMsgMetaData *md = NULL;
    memset(p, 0, sizeof *p);
    p->msg = msg;
    p->deliveries = 1;
    p->d = RETRY;
    cg_err_clear(&p->err);
    if (natsMsg_GetMetaData(&md, msg) == NATS_OK) {
        p->deliveries = (int)md->NumDelivered;
        jsMsgMetaData_Destroy(md);
    }
    const char *subject = natsMsg_GetSubject(msg);
    if (subject == NULL || !cg_utf8_valid(subject, strlen(subject))) {
        /* Every table keeps the subject as text: no statement could take
         * this message, so it is dead-lettered at once. */
        cg_err_set(&p->err, CG_INVALID_ARGUMENT, "the subject is not UTF-8");
        p->d = DEAD;
        return;
    }
    if (c->cloud_handler != NULL) {
        p->has_id = cg_cloud_event_read(msg, &p->ev, &p->err) == CG_OK;
        cg_strlcpy(p->event_id, p->has_id ? p->ev.id : "", sizeof(p->event_id));
    } else {
        p->has_id = read_event_id(msg, p->event_id);
        if (!p->has_id)
            cg_err_set(&p->err, CG_INVALID_ARGUMENT, "not an event: no EventMeta with a usable id");
    }
    if (!p->has_id)
        p->d = DEAD;
}

/* Run the service's handler for one message in the open transaction. */
static cg_code run_handler(cg_consumer *c, PGconn *conn, pending *p)
{
    if (c->cloud_handler != NULL)
        return c->cloud_handler(conn, &p->ev, 1, c->arg, &p->err);
    return c->handler(conn, natsMsg_GetSubject(p->msg), p->event_id,
                      (const uint8_t *)natsMsg_GetData(p->msg),
                      (size_t)natsMsg_GetDataLength(p->msg), c->arg, &p->err);
}

/* The rest of the batch waits its turn: past half the ack wait, tell
 * JetStream the messages from i on are being worked on, or a slow batch
 * would have them handed to another consumer meanwhile. */
static void mark_in_progress(pending *batch, int i, int n, int64_t *marked_ms)
{
    if (cg_mono_ms() - *marked_ms <= CONSUMER_ACK_WAIT_MS / 2)
        return;
    for (int j = i; j < n; j++)
        natsMsg_InProgress(batch[j].msg, NULL);
    *marked_ms = cg_mono_ms();
}

/* Run the handler for one message of the open batch transaction, behind a
 * savepoint, so that a message that fails leaves the others' work in
 * place. False when the transaction itself is lost (the connection broke):
 * the batch is then over, and nothing in it is acknowledged. */
static bool process(cg_consumer *c, PGconn *conn, pending *p)
{
    PGresult *res = NULL;
    cg_err *err = &p->err;
    const char *params[] = {c->durable, p->event_id, natsMsg_GetSubject(p->msg)};
    cg_log_set_request_id(p->event_id);
    cg_code rc = cg_db_exec(conn, "SAVEPOINT cg_event", 0, NULL, NULL, err);
    if (rc != CG_OK)
        goto cleanup;
    rc = cg_db_exec(conn,
                    "INSERT INTO cg_inbox (consumer, event_id, subject) VALUES ($1, $2, $3)"
                    " ON CONFLICT (consumer, event_id) DO NOTHING",
                    3, params, &res, err);
    if (rc == CG_OK && strcmp(PQcmdTuples(res), "0") == 0) {
        /* Seen before: the effect is already committed. */
        cg_log_debug("duplicate event %s ignored", p->event_id);
        p->d = ACK;
    } else if (rc == CG_OK) {
        rc = run_handler(c, conn, p);
    }
    /* A handler that said yes over a failed statement would otherwise
     * take the whole batch down with it, at every delivery. */
    if (rc == CG_OK && PQtransactionStatus(conn) != PQTRANS_INTRANS)
        rc = cg_err_set(err, CG_INTERNAL, "the handler left its transaction aborted");
    if (rc == CG_OK) {
        p->committed = p->d != ACK;
        p->d = ACK;
        rc = cg_db_exec(conn, "RELEASE SAVEPOINT cg_event", 0, NULL, NULL, err);
        goto cleanup;
    }
    if (rc == CG_INVALID_ARGUMENT || rc == CG_FAILED_PRECONDITION)
        p->d = DEAD;
    else if (rc == CG_UNAVAILABLE)
        err->code = CG_UNAVAILABLE; /* never counts towards dead-lettering */
    cg_err undo;
    cg_err_clear(&undo);
    rc = cg_db_exec(conn, "ROLLBACK TO SAVEPOINT cg_event", 0, NULL, NULL, &undo);

cleanup:
    PQclear(res);
    cg_log_set_request_id(NULL);
    /* Whatever this message did, the batch goes on while its transaction
     * does: a failed rollback to the savepoint leaves it aborted. */
    return PQtransactionStatus(conn) == PQTRANS_INTRANS;
}

/* How a batch fared when taken at once. */
typedef enum batch_outcome {
    BATCH_DONE,       /* every event handled, and committed */
    BATCH_ONE_BY_ONE, /* an event failed: all undone, to be taken one by one */
    BATCH_LOST,       /* the transaction or its commit was lost */
} batch_outcome;

/* The batch's inbox rows in one statement: each message's (event id,
 * subject) as a JSON array, so that no id needs quoting by hand. Answers
 * the ids new to the inbox in res (the caller's to clear). */
static cg_code claim_inbox_rows(cg_consumer *c, PGconn *conn, const pending *batch, int n,
                                PGresult **res, cg_err *err)
{
    cJSON *rows = cJSON_CreateArray();
    char *text = NULL;
    bool built = rows != NULL;
    for (int i = 0; built && i < n; i++) {
        if (!batch[i].has_id)
            continue;
        cJSON *row = cJSON_CreateArray();
        built = row != NULL && cJSON_AddItemToArray(rows, row) &&
                cJSON_AddItemToArray(row, cJSON_CreateString(batch[i].event_id)) &&
                cJSON_AddItemToArray(row, cJSON_CreateString(natsMsg_GetSubject(batch[i].msg)));
    }
    cg_code rc;
    if (!built || (text = cJSON_PrintUnformatted(rows)) == NULL) {
        rc = cg_err_set(err, CG_UNAVAILABLE, "out of memory");
        goto cleanup;
    }
    const char *params[] = {c->durable, text};
    rc = cg_db_exec(conn,
                    "INSERT INTO cg_inbox (consumer, event_id, subject)"
                    " SELECT $1, r->>0, r->>1 FROM jsonb_array_elements($2::jsonb) r"
                    " ON CONFLICT (consumer, event_id) DO NOTHING RETURNING event_id",
                    2, params, res, err);

cleanup:
    free(text);
    cJSON_Delete(rows);
    return rc;
}

/* Whether id is among the new inbox rows in res, taking it: a second
 * message of the batch with the same id is then a duplicate. */
static bool take_new_id(PGresult *res, bool *taken, const char *id)
{
    for (int i = 0; i < PQntuples(res); i++)
        if (!taken[i] && strcmp(PQgetvalue(res, i, 0), id) == 0) {
            taken[i] = true;
            return true;
        }
    return false;
}

/* Take the whole batch in the open transaction without a savepoint per
 * event: its inbox rows in one statement, then each new event's handler
 * (or, for CloudEvents, the handler once with all of them), then the
 * commit. A savepoint and its release cost two round trips an event and a
 * subtransaction; events that fail are rare, and when one does the batch
 * is undone and taken again one by one (process()), where each failure
 * stays its own. */
static batch_outcome take_at_once(cg_consumer *c, PGconn *conn, pending *batch, int n, cg_err *err)
{
    PGresult *res = NULL;
    bool *taken = NULL;
    cg_cloud_event *events = NULL; /* the new CloudEvents, for one call */
    size_t nevents = 0;
    batch_outcome outcome = BATCH_ONE_BY_ONE;
    if (claim_inbox_rows(c, conn, batch, n, &res, err) != CG_OK ||
        (taken = calloc((size_t)PQntuples(res) + 1, sizeof *taken)) == NULL ||
        (c->cloud_handler != NULL && (events = malloc((size_t)n * sizeof *events)) == NULL))
        goto cleanup;
    int64_t marked_ms = cg_mono_ms();
    for (int i = 0; i < n; i++) {
        pending *p = &batch[i];
        if (!p->has_id)
            continue;
        mark_in_progress(batch, i, n, &marked_ms);
        if (!take_new_id(res, taken, p->event_id)) {
            cg_log_debug("duplicate event %s ignored", p->event_id);
            p->d = ACK;
            continue;
        }
        p->committed = true;
        if (events != NULL) {
            events[nevents++] = p->ev;
            continue;
        }
        cg_log_set_request_id(p->event_id);
        cg_code rc = run_handler(c, conn, p);
        cg_log_set_request_id(NULL);
        /* A handler that said yes over a failed statement leaves the
         * transaction aborted: one by one, its savepoint keeps that its
         * own. */
        if (rc != CG_OK || PQtransactionStatus(conn) != PQTRANS_INTRANS)
            goto cleanup;
    }
    if (nevents > 0 && (c->cloud_handler(conn, events, nevents, c->arg, err) != CG_OK ||
                        PQtransactionStatus(conn) != PQTRANS_INTRANS))
        goto cleanup;
    for (int i = 0; i < n; i++)
        if (batch[i].committed)
            batch[i].d = ACK;
    outcome = cg_db_commit(conn, err) == CG_OK ? BATCH_DONE : BATCH_LOST;

cleanup:
    free(events);
    free(taken);
    PQclear(res);
    return outcome;
}

/* Settle one message once its batch is over: ack what is done, record and
 * term what can never succeed, hand back the rest with a growing delay. */
static void settle(cg_consumer *c, PGconn *conn, pending *p, bool database_up)
{
    disposition d = p->d;
    /* UNAVAILABLE means the database (or something else we depend on) is
     * down, not that the message is bad: retry it for as long as it takes. */
    if (d == RETRY && p->err.code != CG_UNAVAILABLE && p->deliveries >= CONSUMER_MAX_ATTEMPTS)
        d = DEAD;
    if (d == DEAD && (conn == NULL || !dead_letter(c, conn, p->msg, p->has_id ? p->event_id : NULL,
                                                   p->err.message, p->deliveries)))
        d = RETRY;
    if (d == ACK) {
        /* Ack only after commit: a crash in between means a redelivery,
         * which the inbox turns into a no-op. */
        natsMsg_Ack(p->msg, NULL);
    } else if (d == DEAD) {
        natsMsg_Term(p->msg, NULL);
    } else {
        /* Back off: 0.5 s, 1 s, 2 s, ... up to 30 s; 1 s while the database
         * is away. */
        int64_t delay = 500LL << (p->deliveries - 1 < 6 ? p->deliveries - 1 : 6);
        if (delay > 30000)
            delay = 30000;
        if (!database_up)
            delay = 1000;
        else
            cg_log_warn("event %s failed (%s); retrying in %lld ms", p->event_id, p->err.message,
                        (long long)delay);
        natsMsg_NakWithDelay(p->msg, delay, NULL);
    }
}

/* Handle a fetched batch in one transaction: each message behind its own
 * savepoint with its inbox row, one commit for all of them (a commit's
 * flush is most of what one small event costs), then each acknowledged,
 * dead-lettered or handed back. Returns false when the database could not
 * be reached. */
static bool handle_batch(cg_consumer *c, natsMsg **msgs, int n)
{
    pending *batch = calloc((size_t)n, sizeof *batch);
    unsigned long outbox_rows_before = outbox_rows_written;
    cg_err err;
    cg_err_clear(&err);
    if (batch == NULL) {
        for (int i = 0; i < n; i++)
            natsMsg_NakWithDelay(msgs[i], 1000, NULL);
        return true;
    }
    for (int i = 0; i < n; i++)
        read_pending(c, msgs[i], &batch[i]);
    PGconn *conn = cg_db_acquire(c->db, DB_WAIT_MS, &err);
    bool database_up = conn != NULL;
    if (!database_up) {
        cg_log_warn("%d event(s) on %s wait for the database: %s", n, c->filter, err.message);
        for (int i = 0; i < n; i++)
            batch[i].d = batch[i].has_id ? RETRY : DEAD;
    } else if (cg_db_begin(conn, &err) != CG_OK) {
        for (int i = 0; i < n; i++)
            if (batch[i].has_id)
                batch[i].err = err;
    } else {
        batch_outcome outcome = take_at_once(c, conn, batch, n, &err);
        bool intact = outcome == BATCH_DONE;
        if (outcome == BATCH_ONE_BY_ONE) {
            /* Undo it all and start again, each event behind its savepoint;
             * what the failed attempt set on the messages is forgotten. */
            cg_db_rollback_if_open(conn);
            for (int i = 0; i < n; i++)
                read_pending(c, msgs[i], &batch[i]);
            intact = cg_db_begin(conn, &err) == CG_OK;
            int64_t marked_ms = cg_mono_ms();
            for (int i = 0; i < n && intact; i++) {
                mark_in_progress(batch, i, n, &marked_ms);
                if (batch[i].has_id)
                    intact = process(c, conn, &batch[i]);
            }
            if (intact)
                intact = cg_db_commit(conn, &err) == CG_OK;
        }
        if (!intact) {
            /* Nothing of the batch is kept: whatever waited for the commit
             * goes back, to be done again. */
            for (int i = 0; i < n; i++)
                if (batch[i].committed || (batch[i].has_id && batch[i].d == ACK)) {
                    batch[i].d = RETRY;
                    batch[i].err = err;
                }
        }
        cg_db_rollback_if_open(conn);
    }
    bool committed = false;
    for (int i = 0; i < n; i++) {
        settle(c, conn, &batch[i], database_up);
        committed |= batch[i].d == ACK && batch[i].committed;
    }
    if (committed && outbox_rows_written != outbox_rows_before)
        cg_outbox_relay_kick(c->relay);
    cg_db_release(c->db, conn);
    free(batch);
    return database_up;
}

/* Create the durable consumer, or bring an existing one to this config.
 * Binding alone would keep whatever an older version created (MaxDeliver
 * 10 once), and with it the risk of dropping events during an outage. */
static cg_code ensure_consumer(cg_consumer *c, cg_err *err)
{
    jsConsumerConfig cfg;
    jsConsumerInfo *ci = NULL;
    jsErrCode jerr = 0;
    jsConsumerConfig_Init(&cfg);
    cfg.Durable = c->durable;
    cfg.FilterSubject = c->filter;
    cfg.AckPolicy = js_AckExplicit;
    cfg.AckWait = (int64_t)CONSUMER_ACK_WAIT_MS * 1000 * 1000;
    cfg.MaxDeliver = -1;
    natsStatus s = js_UpdateConsumer(&ci, c->nats->js, c->stream, &cfg, NULL, &jerr);
    if (s != NATS_OK) {
        jerr = 0;
        s = js_AddConsumer(&ci, c->nats->js, c->stream, &cfg, NULL, &jerr);
    }
    jsConsumerInfo_Destroy(ci);
    if (s != NATS_OK)
        return cg_err_set(err, CG_UNAVAILABLE, "cannot create or update consumer %s on %s: %s (%d)",
                          c->durable, c->filter, natsStatus_GetText(s), (int)jerr);
    return CG_OK;
}

/* Put the durable back if it is gone (deleted by hand, a lost JetStream
 * store). A pull from a missing durable fails once and then only times
 * out, so without this check the consumer would wait forever in silence. */
static void check_durable(cg_consumer *c)
{
    jsConsumerInfo *ci = NULL;
    jsErrCode jerr = 0;
    cg_err err;
    if (!cg_nats_connected(c->nats))
        return;
    natsStatus s = js_GetConsumerInfo(&ci, c->nats->js, c->stream, c->durable, NULL, &jerr);
    jsConsumerInfo_Destroy(ci);
    if (s != NATS_NOT_FOUND && jerr != 10014)
        return;
    if (ensure_consumer(c, &err) == CG_OK)
        cg_log_warn("durable %s was missing and has been created again", c->durable);
    else
        cg_log_warn("%s", err.message);
}

/* Take the fetched messages in transactions of up to cg_consumer_batch.
 * Those waiting for a later transaction are marked in progress past half
 * the ack wait, as within one; once the database is found away, the rest
 * go back at once. Returns false when the database could not be reached. */
static bool handle_fetched(cg_consumer *c, natsMsg **msgs, int count)
{
    int64_t marked_ms = cg_mono_ms();
    int per = (int)cg_consumer_batch;
    for (int at = 0; at < count; at += per) {
        int n = count - at < per ? count - at : per;
        if (at > 0 && cg_mono_ms() - marked_ms > CONSUMER_ACK_WAIT_MS / 2) {
            for (int j = at; j < count; j++)
                natsMsg_InProgress(msgs[j], NULL);
            marked_ms = cg_mono_ms();
        }
        if (!handle_batch(c, msgs + at, n)) {
            for (int j = at + n; j < count; j++)
                natsMsg_NakWithDelay(msgs[j], 1000, NULL);
            return false;
        }
    }
    return true;
}

static void *consumer_main(void *arg)
{
    cg_consumer *c = arg;
    int failures = 0, idle = 0;
    /* A transaction per event still fetches ahead: a fetch is a round trip
     * to JetStream of its own. */
    int fetch =
        cg_consumer_batch < CONSUMER_FETCH_MIN ? CONSUMER_FETCH_MIN : (int)cg_consumer_batch;
    while (!atomic_load(&c->stopping)) {
        natsMsgList list = {0};
        natsStatus s = natsSubscription_Fetch(&list, c->sub, fetch, 1000, NULL);
        if (s != NATS_OK && s != NATS_TIMEOUT) {
            /* Disconnected, most likely, and nats.c reconnects on its own. */
            if (failures++ % 20 == 0)
                cg_log_warn("fetch for %s failed: %s", c->durable, natsStatus_GetText(s));
            check_durable(c);
            nats_Sleep(250);
        } else {
            failures = 0;
            /* Every 5 s of quiet: one small JetStream request. */
            if (s == NATS_TIMEOUT && ++idle % 5 == 0)
                check_durable(c);
        }
        bool database_up = list.Count == 0 || handle_fetched(c, list.Msgs, list.Count);
        for (int i = 0; i < list.Count; i++) {
            natsMsg_Destroy(list.Msgs[i]);
            list.Msgs[i] = NULL;
        }
        natsMsgList_Destroy(&list);
        if (!database_up)
            nats_Sleep(1000);
    }
    return NULL;
}

/* The body of both starts: exactly one of handler and cloud_handler. */
static cg_code consumer_start(cg_consumer **out, cg_db *db, cg_nats *nats, cg_outbox_relay *relay,
                              const char *stream, const char *durable, const char *filter_subject,
                              cg_event_handler handler, cg_cloud_event_handler cloud_handler,
                              void *arg, cg_err *err)
{
    jsErrCode jerr = 0;
    jsSubOptions so;
    cg_code rc = CG_OK;
    cg_consumer *c = calloc(1, sizeof(*c));
    if (c == NULL)
        return cg_err_set(err, CG_INTERNAL, "out of memory");
    c->db = db;
    c->nats = nats;
    c->relay = relay;
    c->handler = handler;
    c->cloud_handler = cloud_handler;
    c->arg = arg;
    /* Cut names could make two consumers share one durable. */
    if (!cg_strlcpy(c->stream, stream, sizeof(c->stream)) ||
        !cg_strlcpy(c->durable, durable, sizeof(c->durable)) ||
        !cg_strlcpy(c->filter, filter_subject, sizeof(c->filter))) {
        rc = cg_err_set(err, CG_INVALID_ARGUMENT, "consumer name or subject too long: %s on %s",
                        durable, filter_subject);
        goto cleanup;
    }
    if ((rc = ensure_consumer(c, err)) != CG_OK)
        goto cleanup;
    jsSubOptions_Init(&so);
    so.Stream = c->stream;
    so.Consumer = c->durable;
    natsStatus s = js_PullSubscribe(&c->sub, nats->js, c->filter, c->durable, NULL, &so, &jerr);
    if (s != NATS_OK) {
        rc = cg_err_set(err, CG_UNAVAILABLE, "cannot bind consumer %s on %s: %s (%d)", durable,
                        filter_subject, natsStatus_GetText(s), (int)jerr);
        goto cleanup;
    }
    if (pthread_create(&c->thread, NULL, consumer_main, c) != 0) {
        rc = cg_err_set(err, CG_INTERNAL, "cannot start consumer thread");
        goto cleanup;
    }
    cg_log_info("consuming %s as %s", filter_subject, durable);
    *out = c;
    c = NULL;

cleanup:
    /* A consumer that did not start has no thread to stop. */
    if (c != NULL)
        natsSubscription_Destroy(c->sub);
    free(c);
    return rc;
}

cg_code cg_event_dispatch(const cg_event_route *routes, size_t n, PGconn *conn, const char *subject,
                          const char *event_id, const uint8_t *data, size_t len, void *arg,
                          cg_err *err)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(subject, routes[i].subject) == 0)
            return routes[i].handler(conn, subject, event_id, data, len, arg, err);
    return CG_OK;
}

cg_code cg_consumer_start(cg_consumer **out, cg_db *db, cg_nats *nats, cg_outbox_relay *relay,
                          const char *stream, const char *durable, const char *filter_subject,
                          cg_event_handler handler, void *arg, cg_err *err)
{
    return consumer_start(out, db, nats, relay, stream, durable, filter_subject, handler, NULL, arg,
                          err);
}

cg_code cg_consumer_start_cloud(cg_consumer **out, cg_db *db, cg_nats *nats, cg_outbox_relay *relay,
                                const char *stream, const char *durable, const char *filter_subject,
                                cg_cloud_event_handler handler, void *arg, cg_err *err)
{
    return consumer_start(out, db, nats, relay, stream, durable, filter_subject, NULL, handler, arg,
                          err);
}

void cg_consumer_stop(cg_consumer *c)
{
    if (c == NULL)
        return;
    atomic_store(&c->stopping, true);
    pthread_join(c->thread, NULL);
    /* Destroy, not Unsubscribe: unsubscribing would delete the durable
     * consumer and with it the position of everything not yet processed. */
    natsSubscription_Destroy(c->sub);
    free(c);
}
