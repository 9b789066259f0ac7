/* The transactional outbox, its relay to JetStream, and durable pull
 * consumers with an idempotent inbox. See messaging.h for the guarantees. */
#include "cg/messaging.h"

#include <pthread.h>
#include <sodium.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cg/log.h"
#include "cg/util.h"

#define RELAY_BATCH 128
#define CONSUMER_BATCH 16
/* A message whose handler keeps failing while the database is up is
 * dead-lettered after this many deliveries. JetStream itself redelivers
 * without limit: a database outage must never use up a message's tries,
 * or the message would be dropped with nowhere to record it. */
#define CONSUMER_MAX_ATTEMPTS 10
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

/* The EventMeta in field "meta" of any event message, or NULL. */
static const Cleangrid__V1__EventMeta *event_meta(const ProtobufCMessage *msg)
{
    const ProtobufCFieldDescriptor *f =
        protobuf_c_message_descriptor_get_field_by_name(msg->descriptor, "meta");
    if (f == NULL || f->type != PROTOBUF_C_TYPE_MESSAGE)
        return NULL;
    return *(const Cleangrid__V1__EventMeta *const *)((const char *)msg + f->offset);
}

cg_code cg_outbox_add(PGconn *conn, const ProtobufCMessage *event, cg_err *err)
{
    const Cleangrid__V1__EventMeta *meta = event_meta(event);
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

cleanup:
    free(bin);
    free(hex);
    return rc;
}

/* --- outbox relay ----------------------------------------------------------- */

struct cg_outbox_relay {
    cg_db *db;
    cg_nats *nats;
    int poll_ms;
    pthread_t thread;
    pthread_mutex_t lock;
    pthread_cond_t wake;
    bool kicked;
    bool stopping;
};

/* Publish one claimed row; true when JetStream stored it (or had it). */
static bool publish_row(cg_outbox_relay *relay, const char *event_id, const char *subject,
                        const char *payload_text)
{
    size_t len = 0;
    unsigned char *payload = PQunescapeBytea((const unsigned char *)payload_text, &len);
    natsMsg *msg = NULL;
    jsPubAck *ack = NULL;
    jsErrCode jerr = 0;
    jsPubOptions opts;
    bool ok = false;
    if (payload == NULL)
        return false;
    jsPubOptions_Init(&opts);
    opts.MaxWait = 5000;
    /* The event id as Nats-Msg-Id lets JetStream drop a second publish of
     * the same row (a crash between publish and marking it sent). */
    opts.MsgId = event_id;
    natsStatus s = natsMsg_Create(&msg, subject, NULL, (const char *)payload, (int)len);
    if (s == NATS_OK)
        s = js_PublishMsg(&ack, relay->nats->js, msg, &opts, &jerr);
    if (s == NATS_OK)
        ok = true;
    else
        cg_log_warn("outbox publish of %s failed: %s (%d)", subject, natsStatus_GetText(s),
                    (int)jerr);
    jsPubAck_Destroy(ack);
    natsMsg_Destroy(msg);
    PQfreemem(payload);
    return ok;
}

/* Claim, publish and mark one batch. Returns the number of rows published,
 * or -1 when the database or NATS failed. */
static int relay_batch(cg_outbox_relay *relay)
{
    cg_err err;
    PGresult *res = NULL;
    int published = 0;
    char *ids = NULL;
    PGconn *conn = cg_db_acquire(relay->db, DB_WAIT_MS, &err);
    if (conn == NULL)
        return -1;
    if (cg_db_begin(conn, &err) != CG_OK)
        goto cleanup;
    /* SKIP LOCKED lets replicas relay side by side, each its own rows. */
    char limit[16];
    snprintf(limit, sizeof(limit), "%d", RELAY_BATCH);
    const char *params[] = {limit};
    if (cg_db_exec(conn,
                   "SELECT id, event_id, subject, payload FROM cg_outbox WHERE sent_at IS NULL"
                   " ORDER BY id LIMIT $1 FOR UPDATE SKIP LOCKED",
                   1, params, &res, &err) != CG_OK)
        goto cleanup;
    int rows = PQntuples(res);
    if (rows == 0)
        goto cleanup;
    ids = malloc((size_t)rows * 21 + 3);
    if (ids == NULL)
        goto cleanup;
    size_t used = 0;
    ids[used++] = '{';
    for (int i = 0; i < rows; i++) {
        if (!publish_row(relay, cg_db_get(res, i, 1), cg_db_get(res, i, 2), cg_db_get(res, i, 3)))
            break;
        used += (size_t)sprintf(ids + used, "%s%s", published ? "," : "", cg_db_get(res, i, 0));
        published++;
    }
    ids[used++] = '}';
    ids[used] = '\0';
    if (published > 0) {
        const char *mark[] = {ids};
        if (cg_db_exec(conn, "UPDATE cg_outbox SET sent_at = now() WHERE id = ANY($1::bigint[])", 1,
                       mark, NULL, &err) != CG_OK ||
            cg_db_commit(conn, &err) != CG_OK)
            published = -1;
    }
    /* A publish failed part-way: report it so the relay backs off. */
    if (published >= 0 && published < rows)
        published = -1;

cleanup:
    PQclear(res);
    free(ids);
    cg_db_release(relay->db, conn); /* rolls back whatever is still open */
    return published;
}

static void *relay_main(void *arg)
{
    cg_outbox_relay *relay = arg;
    pthread_mutex_lock(&relay->lock);
    while (!relay->stopping) {
        relay->kicked = false;
        pthread_mutex_unlock(&relay->lock);
        int n;
        /* Keep going while full batches come back, so a backlog drains at
         * full speed rather than one batch per poll. */
        while ((n = relay_batch(relay)) == RELAY_BATCH)
            ;
        int wait_ms = n < 0 ? 1000 : relay->poll_ms;
        pthread_mutex_lock(&relay->lock);
        if (relay->kicked || relay->stopping)
            continue;
        struct timespec deadline = cg_deadline_after_ms(wait_ms);
        while (!relay->kicked && !relay->stopping)
            if (pthread_cond_timedwait(&relay->wake, &relay->lock, &deadline) != 0)
                break;
    }
    pthread_mutex_unlock(&relay->lock);
    return NULL;
}

cg_code cg_outbox_relay_start(cg_outbox_relay **out, cg_db *db, cg_nats *nats, int poll_ms,
                              cg_err *err)
{
    cg_outbox_relay *relay = calloc(1, sizeof(*relay));
    if (relay == NULL)
        return cg_err_set(err, CG_INTERNAL, "out of memory");
    relay->db = db;
    relay->nats = nats;
    relay->poll_ms = poll_ms;
    pthread_mutex_init(&relay->lock, NULL);
    pthread_cond_init(&relay->wake, NULL);
    if (pthread_create(&relay->thread, NULL, relay_main, relay) != 0) {
        pthread_mutex_destroy(&relay->lock);
        pthread_cond_destroy(&relay->wake);
        free(relay);
        return cg_err_set(err, CG_INTERNAL, "cannot start the outbox relay thread");
    }
    *out = relay;
    return CG_OK;
}

void cg_outbox_relay_kick(cg_outbox_relay *relay)
{
    if (relay == NULL)
        return;
    pthread_mutex_lock(&relay->lock);
    relay->kicked = true;
    pthread_cond_signal(&relay->wake);
    pthread_mutex_unlock(&relay->lock);
}

void cg_outbox_relay_stop(cg_outbox_relay *relay)
{
    if (relay == NULL)
        return;
    pthread_mutex_lock(&relay->lock);
    relay->stopping = true;
    pthread_cond_signal(&relay->wake);
    pthread_mutex_unlock(&relay->lock);
    pthread_join(relay->thread, NULL);
    pthread_mutex_destroy(&relay->lock);
    pthread_cond_destroy(&relay->wake);
    free(relay);
}

/* --- consumer ----------------------------------------------------------------- */

struct cg_consumer {
    cg_db *db;
    cg_nats *nats;
    cg_outbox_relay *relay; /* kicked after each commit; may be NULL */
    char stream[64];
    char durable[64];
    char filter[128];
    cg_event_handler handler;
    void *arg;
    natsSubscription *sub;
    pthread_t thread;
    atomic_bool stopping;
};

static void dead_letter(cg_consumer *c, PGconn *conn, natsMsg *msg, const char *event_id,
                        const char *reason, int deliveries)
{
    cg_err err;
    int len = natsMsg_GetDataLength(msg);
    char *hex = malloc((size_t)len * 2 + 3);
    char n[16];
    if (hex == NULL)
        return;
    hex[0] = '\\';
    hex[1] = 'x';
    sodium_bin2hex(hex + 2, (size_t)len * 2 + 1, (const unsigned char *)natsMsg_GetData(msg),
                   (size_t)len);
    snprintf(n, sizeof(n), "%d", deliveries);
    const char *params[] = {
        c->durable, natsMsg_GetSubject(msg), event_id[0] ? event_id : NULL, hex, reason, n};
    if (cg_db_exec(conn,
                   "INSERT INTO cg_dead_letter (consumer, subject, event_id, payload, reason,"
                   " deliveries) VALUES ($1, $2, $3, $4, $5, $6)",
                   6, params, NULL, &err) == CG_OK)
        cg_log_fields(CG_LOG_WARN, "event dead-lettered", "consumer", c->durable, "subject",
                      natsMsg_GetSubject(msg), "event_id", event_id, "reason", reason, NULL);
    free(hex);
}

/* Read the event id from the EventMeta every event carries in field 1. */
static bool read_event_id(natsMsg *msg, char out[CG_UUID_LEN + 64])
{
    Cleangrid__V1__EventEnvelope *env = cleangrid__v1__event_envelope__unpack(
        NULL, (size_t)natsMsg_GetDataLength(msg), (const uint8_t *)natsMsg_GetData(msg));
    bool ok = env != NULL && env->meta != NULL && env->meta->event_id != NULL &&
              env->meta->event_id[0] != '\0' && strlen(env->meta->event_id) < CG_UUID_LEN + 64;
    if (ok)
        strcpy(out, env->meta->event_id);
    else
        out[0] = '\0';
    if (env != NULL)
        cleangrid__v1__event_envelope__free_unpacked(env, NULL);
    return ok;
}

/* Handle one message. Returns false when the database could not be reached,
 * so the caller can hand the rest of the batch back at once instead of
 * waiting for a connection once per message. */
static bool handle_message(cg_consumer *c, natsMsg *msg)
{
    cg_err err;
    cg_err_clear(&err);
    char event_id[CG_UUID_LEN + 64];
    jsMsgMetaData *md = NULL;
    int deliveries = 1;
    PGresult *res = NULL;
    cg_code rc;
    if (natsMsg_GetMetaData(&md, msg) == NATS_OK) {
        deliveries = (int)md->NumDelivered;
        jsMsgMetaData_Destroy(md);
    }
    bool has_id = read_event_id(msg, event_id);

    PGconn *conn = cg_db_acquire(c->db, DB_WAIT_MS, &err);
    if (conn == NULL) {
        cg_log_warn("event on %s waits for the database: %s", natsMsg_GetSubject(msg), err.message);
        natsMsg_NakWithDelay(msg, 1000, NULL);
        return false;
    }
    if (!has_id) {
        dead_letter(c, conn, msg, "", "not an event: no EventMeta with an event id", deliveries);
        natsMsg_Term(msg, NULL);
        goto cleanup;
    }
    cg_log_set_request_id(event_id);
    if ((rc = cg_db_begin(conn, &err)) != CG_OK)
        goto transient;
    const char *params[] = {event_id, natsMsg_GetSubject(msg)};
    rc = cg_db_exec(conn,
                    "INSERT INTO cg_inbox (event_id, subject) VALUES ($1, $2)"
                    " ON CONFLICT (event_id) DO NOTHING",
                    2, params, &res, &err);
    if (rc != CG_OK)
        goto transient;
    if (strcmp(PQcmdTuples(res), "0") == 0) {
        /* Seen before: the effect is already committed. */
        cg_db_rollback(conn);
        cg_log_debug("duplicate event %s ignored", event_id);
        natsMsg_Ack(msg, NULL);
        goto cleanup;
    }
    rc = c->handler(conn, natsMsg_GetSubject(msg), event_id, (const uint8_t *)natsMsg_GetData(msg),
                    (size_t)natsMsg_GetDataLength(msg), c->arg, &err);
    if (rc == CG_OK)
        rc = cg_db_commit(conn, &err);
    if (rc == CG_OK) {
        /* Ack only after commit: a crash in between means a redelivery,
         * which the inbox turns into a no-op. */
        natsMsg_Ack(msg, NULL);
        cg_outbox_relay_kick(c->relay);
        goto cleanup;
    }
    if (rc == CG_INVALID_ARGUMENT || rc == CG_FAILED_PRECONDITION) {
        cg_db_rollback(conn);
        dead_letter(c, conn, msg, event_id, err.message, deliveries);
        natsMsg_Term(msg, NULL);
        goto cleanup;
    }

transient:
    cg_db_rollback(conn);
    /* UNAVAILABLE means the database (or something else we depend on) is
     * down, not that the message is bad: retry it for as long as it takes. */
    if (rc != CG_UNAVAILABLE && deliveries >= CONSUMER_MAX_ATTEMPTS) {
        dead_letter(c, conn, msg, event_id, err.message, deliveries);
        natsMsg_Term(msg, NULL);
    } else {
        /* Back off: 0.5 s, 1 s, 2 s, ... up to 30 s. */
        int64_t delay = 500LL << (deliveries - 1 < 6 ? deliveries - 1 : 6);
        if (delay > 30000)
            delay = 30000;
        cg_log_warn("event %s failed (%s); retrying in %lld ms", event_id, err.message,
                    (long long)delay);
        natsMsg_NakWithDelay(msg, delay, NULL);
    }

cleanup:
    PQclear(res);
    cg_db_release(c->db, conn);
    cg_log_set_request_id(NULL);
    return true;
}

static void *consumer_main(void *arg)
{
    cg_consumer *c = arg;
    while (!atomic_load(&c->stopping)) {
        natsMsgList list = {0};
        natsStatus s = natsSubscription_Fetch(&list, c->sub, CONSUMER_BATCH, 1000, NULL);
        if (s != NATS_OK && s != NATS_TIMEOUT) {
            /* Disconnected, most likely: nats.c reconnects on its own. */
            nats_Sleep(250);
        }
        bool database_up = true;
        for (int i = 0; i < list.Count; i++) {
            if (database_up)
                database_up = handle_message(c, list.Msgs[i]);
            else
                natsMsg_NakWithDelay(list.Msgs[i], 1000, NULL);
            natsMsg_Destroy(list.Msgs[i]);
            list.Msgs[i] = NULL;
        }
        natsMsgList_Destroy(&list);
        if (!database_up)
            nats_Sleep(1000);
    }
    return NULL;
}

cg_code cg_consumer_start(cg_consumer **out, cg_db *db, cg_nats *nats, cg_outbox_relay *relay,
                          const char *stream, const char *durable, const char *filter_subject,
                          cg_event_handler handler, void *arg, cg_err *err)
{
    jsErrCode jerr = 0;
    jsSubOptions so;
    cg_consumer *c = calloc(1, sizeof(*c));
    if (c == NULL)
        return cg_err_set(err, CG_INTERNAL, "out of memory");
    c->db = db;
    c->nats = nats;
    c->relay = relay;
    cg_strlcpy(c->stream, stream, sizeof(c->stream));
    cg_strlcpy(c->durable, durable, sizeof(c->durable));
    cg_strlcpy(c->filter, filter_subject, sizeof(c->filter));
    c->handler = handler;
    c->arg = arg;

    jsSubOptions_Init(&so);
    so.Stream = c->stream;
    so.Config.Durable = c->durable;
    so.Config.AckPolicy = js_AckExplicit;
    so.Config.AckWait = 30LL * 1000 * 1000 * 1000;
    so.Config.MaxDeliver = -1;
    natsStatus s = js_PullSubscribe(&c->sub, nats->js, c->filter, c->durable, NULL, &so, &jerr);
    if (s != NATS_OK) {
        free(c);
        return cg_err_set(err, CG_UNAVAILABLE, "cannot bind consumer %s on %s: %s (%d)", durable,
                          filter_subject, natsStatus_GetText(s), (int)jerr);
    }
    if (pthread_create(&c->thread, NULL, consumer_main, c) != 0) {
        natsSubscription_Destroy(c->sub);
        free(c);
        return cg_err_set(err, CG_INTERNAL, "cannot start consumer thread");
    }
    cg_log_info("consuming %s as %s", filter_subject, durable);
    *out = c;
    return CG_OK;
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
