/* Nothing lost, nothing twice: the transactional outbox, its relay to
 * JetStream, and durable pull consumers with an idempotent inbox.
 *
 * The tables (cg_outbox, cg_inbox, cg_dead_letter) are created by
 * cg_db_migrate() in every service database. */
#ifndef CG_MESSAGING_H
#define CG_MESSAGING_H

#include <protobuf-c/protobuf-c.h>

#include "cg/db.h"
#include "cg/enterprise.h"
#include "cg/nats.h"
#include "cg/status.h"

/* Fill an EventMeta (borrowing type, producer and correlation_id; copying
 * nothing). event_id must point to a CG_UUID_LEN buffer owned by the caller;
 * a fresh UUID is written into it. */
void cg_event_meta_init(Cleangrid__V1__EventMeta *meta, char *event_id, const char *type,
                        const char *producer, const char *correlation_id);

/* Write an event row into the outbox, inside the caller's open transaction
 * on conn, so it commits or rolls back with the change it describes. The
 * event's field 1 must be an EventMeta whose type is the subject. */
cg_code cg_outbox_add(PGconn *conn, const ProtobufCMessage *event, cg_err *err);

typedef struct cg_outbox_relay cg_outbox_relay;

/* Start a thread that publishes unsent outbox rows to JetStream with
 * Nats-Msg-Id = event id, then marks them sent. Rows are claimed with
 * FOR UPDATE SKIP LOCKED, so replicas share the work without sending a row
 * twice, and JetStream's dedupe window covers a crash between publish and
 * mark. A claimed batch is published asynchronously, all rows before one
 * wait for the acknowledgements, on a JetStream context of the relay's own
 * on nats's connection; only acknowledged rows are marked sent. It polls
 * every poll_ms and at once after cg_outbox_relay_kick(). nats must
 * outlive the relay. */
cg_code cg_outbox_relay_start(cg_outbox_relay **out, cg_db *db, cg_nats *nats, int poll_ms,
                              cg_err *err);
/* Wake the relay now (after a commit that added outbox rows). */
void cg_outbox_relay_kick(cg_outbox_relay *relay);
/* Stop after the current batch (its acknowledgements waited for, up to
 * 5 s); frees the relay and its JetStream context. */
void cg_outbox_relay_stop(cg_outbox_relay *relay);

/* An event handler runs inside a transaction on conn that also records the
 * event id in the inbox. Return:
 *   CG_OK: commit, then ack;
 *   CG_INVALID_ARGUMENT or CG_FAILED_PRECONDITION: the message can never
 *     succeed: roll back, write a dead-letter record, term;
 *   CG_UNAVAILABLE: a dependency is down: roll back, nak with a delay, for
 *     as long as it takes;
 *   anything else: transient: roll back, nak with a delay (dead-lettered
 *     after 10 deliveries).
 * event_id is the EventMeta id already read from data. */
typedef cg_code (*cg_event_handler)(PGconn *conn, const char *subject, const char *event_id,
                                    const uint8_t *data, size_t len, void *arg, cg_err *err);

/* One row of a consumer's table of subjects: the handler of one subject,
 * for a consumer whose filter takes several (cg.evt.case.clue.>) so that
 * it takes them in the order they were written. */
typedef struct cg_event_route {
    const char *subject;
    cg_event_handler handler;
} cg_event_route;

/* Call the handler of subject's row of routes[0..n) with the rest of the
 * arguments; an event of no row is one the consumer has no use for:
 * CG_OK, acknowledged and ignored. */
cg_code cg_event_dispatch(const cg_event_route *routes, size_t n, PGconn *conn, const char *subject,
                          const char *event_id, const uint8_t *data, size_t len, void *arg,
                          cg_err *err);

typedef struct cg_consumer cg_consumer;

/* The most messages a consumer fetches and takes through one transaction
 * (CG_CONSUMER_BATCH, 64 by default; 1 is a transaction per event). Set
 * before the first consumer starts. */
extern long cg_consumer_batch;

/* Start a thread fetching from a durable pull consumer `durable` on stream
 * for filter_subject, calling handler for each message. A fetched batch
 * (up to cg_consumer_batch messages) goes through one transaction: each message behind a
 * savepoint with its inbox row, so one that fails is undone alone and
 * retried or dead-lettered by its code, and one commit keeps the others;
 * nothing is acknowledged before that commit. A handler therefore sees
 * the uncommitted work of the messages before it in the batch. When relay
 * is not NULL it is kicked after a commit in which the handlers wrote to
 * the outbox (cg_outbox_add() on the consumer's thread), so those events
 * leave at once rather than at the relay's next poll. */
cg_code cg_consumer_start(cg_consumer **out, cg_db *db, cg_nats *nats, cg_outbox_relay *relay,
                          const char *stream, const char *durable, const char *filter_subject,
                          cg_event_handler handler, void *arg, cg_err *err);
/* A handler of CloudEvents (the stream CG_ENTERPRISE, cg/enterprise.h),
 * each event's attributes read from its headers: its id (ce-id) is what
 * the inbox records, its data is the payload, borrowed for the call. It
 * takes events[0..n) in the open transaction, all at once, so that a store
 * of facts can keep a fetched batch in one statement. The events are the
 * batch's new ones (duplicates are left out), in the order fetched.
 *
 * Return codes are those of cg_event_handler. When a call with n > 1
 * fails, whatever the reason, the consumer undoes the batch and calls the
 * handler again with each event alone, behind its savepoint: the code of
 * that call decides the event's fate, so a handler need not say which
 * event of a batch failed. */
typedef cg_code (*cg_cloud_event_handler)(PGconn *conn, const cg_cloud_event *events, size_t n,
                                          void *arg, cg_err *err);

/* cg_consumer_start() for CloudEvents. A message whose headers are not a
 * CloudEvent (no ce-id, a ce-type other than its subject, ...) is
 * dead-lettered at once with the reason, its headers kept beside its
 * payload. */
cg_code cg_consumer_start_cloud(cg_consumer **out, cg_db *db, cg_nats *nats, cg_outbox_relay *relay,
                                const char *stream, const char *durable, const char *filter_subject,
                                cg_cloud_event_handler handler, void *arg, cg_err *err);

/* Stop after the message in hand is finished; frees the consumer. */
void cg_consumer_stop(cg_consumer *consumer);

#endif
