/* The scoring stage (migrations/0014_scoring_stage.sql): a thread that
 * runs the indicators of the facts the consumer kept, oldest first, and
 * updates scores and alerts, in transactions of its own.
 *
 * The consumer's transaction keeps an event and queues its fact; the
 * notification risk_keep_events() sends reaches this thread when that
 * transaction commits, so a score follows its event within milliseconds,
 * on a PostgreSQL backend of its own. Without a notification (facts queued
 * by another replica that stopped, or before this thread listened) the
 * queue is still read every IDLE_POLL_MS. Replicas share the queue: each
 * takes the rows no other holds.
 *
 * One thread listens. When it finds a backlog (a batch came back full) it
 * wakes the others of its replica (CG_RISK_SCORERS in all), which take
 * batches beside it until the queue runs short, each on a connection of
 * its own, and then wait to be woken again. A stream of single events,
 * which never builds a backlog, costs one scorer's round trips, not one
 * per thread. */
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cg/db.h"
#include "cg/log.h"
#include "cg/util.h"
#include "cleangrid/v1/risk.pb-c.h"
#include "risk.h"

/* How often the queue is read when no notification came, how often the
 * thread looks whether it should stop, and how long it waits after a
 * failure before it tries again. */
#define IDLE_POLL_MS 1000
#define STOP_CHECK_MS 200
#define RETRY_MS 1000
/* After a notification, the scorer waits this long for more facts before
 * it starts: a consumer committing each event on its own notifies about
 * every millisecond, and a scoring transaction per fact would double the
 * commits (and their flushes) the stream costs. It adds as much to the
 * lag from an event to its score. */
#define GATHER_MS 5

long risk_scorer_batch = 16;
long risk_scorers = 2;

struct risk_scorer {
    risk_app *app;
    pthread_t threads[RISK_SCORERS_MAX];
    int wanted;   /* threads to run, set before the first starts */
    int nthreads; /* threads started, to join */
    atomic_bool stopping;
    /* Raised by the listener when it finds a backlog, for the helpers. */
    pthread_mutex_t lock;
    pthread_cond_t woken;
    unsigned long backlogs; /* how many times it was raised, under lock */
};

/* The concealment findings among the new hits hit_ids (a SQL array's
 * text), each through the outbox in the scoring transaction: the
 * integrity service keeps them in the cadres' files. *added is set when a
 * row was added. */
static cg_code send_concealments(const risk_app *app, PGconn *conn, const char *hit_ids,
                                 const char *correlation_id, bool *added, cg_err *err)
{
    PGresult *res = NULL;
    cg_code rc = cg_db_exec(conn, "SELECT risk_concealments_json($1::bigint[])::text", 1, &hit_ids,
                            &res, err);
    for (int i = 0; rc == CG_OK && i < PQntuples(res); i++) {
        char event_id[CG_UUID_LEN];
        Cleangrid__V1__EventMeta meta = CLEANGRID__V1__EVENT_META__INIT;
        ProtobufCMessage *msg =
            cg_pbjson_message_new(&cleangrid__v1__risk_concealment_found__descriptor);
        if (msg == NULL) {
            rc = cg_err_set(err, CG_UNAVAILABLE, "out of memory");
            break;
        }
        const char *json = PQgetvalue(res, i, 0);
        rc = cg_pbjson_decode(app->codec, json, strlen(json), CG_PBJSON_ALL_KEYS, msg, err);
        if (rc == CG_OK) {
            cg_event_meta_init(&meta, event_id, RISK_SUBJECT_CONCEALMENT_FOUND, "risk",
                               correlation_id);
            ((Cleangrid__V1__RiskConcealmentFound *)msg)->meta = &meta;
            rc = cg_outbox_add(conn, msg, err);
            /* The meta is this frame's, not the message's to free. */
            ((Cleangrid__V1__RiskConcealmentFound *)msg)->meta = NULL;
            *added = *added || rc == CG_OK;
        }
        protobuf_c_message_free_unpacked(msg, NULL);
    }
    PQclear(res);
    return rc;
}

/* One transaction: the indicators of up to risk_scorer_batch waiting
 * facts, and the concealment findings their hits raised, each correlated
 * with the event of its fact. *scored gets how many facts were
 * evaluated. */
static cg_code score_batch(risk_scorer *s, PGconn *conn, long *scored, cg_err *err)
{
    PGresult *res = NULL;
    bool added = false;
    char limit[24];
    snprintf(limit, sizeof limit, "%ld", risk_scorer_batch);
    const char *params[] = {limit};
    cg_code rc = cg_db_begin(conn, err);
    if (rc == CG_OK)
        rc = cg_db_exec(conn,
                        "SELECT event_id, coalesce(hit_ids, '{}')::text"
                        " FROM risk_score_waiting($1::integer)",
                        1, params, &res, err);
    for (int i = 0; rc == CG_OK && i < PQntuples(res); i++)
        if (strcmp(PQgetvalue(res, i, 1), "{}") != 0)
            rc = send_concealments(s->app, conn, PQgetvalue(res, i, 1), PQgetvalue(res, i, 0),
                                   &added, err);
    if (rc == CG_OK)
        rc = cg_db_commit(conn, err);
    if (rc == CG_OK) {
        *scored = PQntuples(res);
        if (added)
            cg_outbox_relay_kick(s->app->base.relay);
    } else {
        cg_db_rollback_if_open(conn);
    }
    PQclear(res);
    return rc;
}

static void sleep_ms(long ms)
{
    struct timespec ts = {.tv_sec = ms / 1000, .tv_nsec = (ms % 1000) * 1000000L};
    nanosleep(&ts, NULL);
}

/* Free the notifications libpq has read; whether there were any. */
static bool drain_notifications(PGconn *conn)
{
    bool any = false;
    PGnotify *n;
    while ((n = PQnotifies(conn)) != NULL) {
        any = true;
        PQfreemem(n);
    }
    return any;
}

/* Wait on conn's socket until a notification arrives, IDLE_POLL_MS pass
 * or a stop is asked for. False when the connection failed. */
static bool await_notification(risk_scorer *s, PGconn *conn)
{
    /* Notifications libpq read while the last batch ran are no longer on
     * the socket: without this, the facts they announce would wait for
     * the idle poll. */
    if (drain_notifications(conn)) {
        sleep_ms(GATHER_MS);
        return true;
    }
    for (long waited = 0; waited < IDLE_POLL_MS && !atomic_load(&s->stopping);
         waited += STOP_CHECK_MS) {
        struct pollfd pfd = {.fd = PQsocket(conn), .events = POLLIN};
        if (pfd.fd < 0)
            return false;
        int ready = poll(&pfd, 1, STOP_CHECK_MS);
        if (ready < 0)
            continue; /* a signal: look again */
        if (ready == 0)
            continue;
        if (PQconsumeInput(conn) == 0)
            return false;
        if (drain_notifications(conn)) {
            sleep_ms(GATHER_MS);
            /* What the commits made meanwhile announced, this round takes
             * too. */
            if (PQconsumeInput(conn) == 0)
                return false;
            drain_notifications(conn);
            return true;
        }
    }
    return true;
}

/* Tell the helpers a backlog is waiting. */
static void wake_helpers(risk_scorer *s)
{
    if (s->wanted < 2)
        return;
    pthread_mutex_lock(&s->lock);
    s->backlogs++;
    pthread_cond_broadcast(&s->woken);
    pthread_mutex_unlock(&s->lock);
}

/* Wait until the listener finds a backlog or a stop is asked for; whether
 * there is work. seen is the backlog count last acted on. */
static bool await_backlog(risk_scorer *s, unsigned long *seen)
{
    bool work = false;
    pthread_mutex_lock(&s->lock);
    while (!work && !atomic_load(&s->stopping)) {
        if (s->backlogs != *seen) {
            *seen = s->backlogs;
            work = true;
            break;
        }
        struct timespec until;
        clock_gettime(CLOCK_REALTIME, &until);
        until.tv_nsec += STOP_CHECK_MS * 1000000L;
        if (until.tv_nsec >= 1000000000L) {
            until.tv_sec++;
            until.tv_nsec -= 1000000000L;
        }
        pthread_cond_timedwait(&s->woken, &s->lock, &until);
    }
    pthread_mutex_unlock(&s->lock);
    return work;
}

/* A helper: woken on a backlog, it takes batches on a connection of the
 * pool until one comes back short, then gives the connection back. */
static void *run_helper(void *arg)
{
    risk_scorer *s = arg;
    unsigned long seen = 0;
    while (await_backlog(s, &seen)) {
        cg_err err;
        cg_err_clear(&err);
        PGconn *conn = cg_db_acquire(s->app->base.db, 1000, &err);
        if (conn == NULL)
            continue; /* the listener drains the queue meanwhile */
        long scored = risk_scorer_batch, batches = 0;
        while (scored == risk_scorer_batch && !atomic_load(&s->stopping)) {
            batches++;
            scored = 0;
            if (score_batch(s, conn, &scored, &err) != CG_OK) {
                /* The listener tries again; a helper waits for the next
                 * backlog. */
                cg_log_warn("a scorer's batch failed: %s", err.message);
                break;
            }
        }
        cg_log_debug("a scorer helped with a backlog: %ld batch(es)", batches);
        cg_db_release(s->app->base.db, conn);
    }
    return NULL;
}

/* The listener: a connection of the pool held while it listens, the queue
 * drained whenever a notification or the idle poll says so. */
static void *run(void *arg)
{
    risk_scorer *s = arg;
    while (!atomic_load(&s->stopping)) {
        cg_err err;
        cg_err_clear(&err);
        PGconn *conn = cg_db_acquire(s->app->base.db, 1000, &err);
        if (conn == NULL) {
            sleep_ms(RETRY_MS);
            continue;
        }
        bool healthy = cg_db_exec(conn, "LISTEN risk_facts_kept", 0, NULL, NULL, &err) == CG_OK;
        while (healthy && !atomic_load(&s->stopping)) {
            long scored = 0;
            if (score_batch(s, conn, &scored, &err) != CG_OK) {
                cg_log_warn("scoring the kept facts failed, tried again in %d ms: %s", RETRY_MS,
                            err.message);
                cg_err_clear(&err);
                sleep_ms(RETRY_MS);
                healthy = PQstatus(conn) == CONNECTION_OK;
                continue;
            }
            /* A full batch may have left more behind it. */
            if (scored < risk_scorer_batch)
                healthy = await_notification(s, conn);
            else
                wake_helpers(s);
        }
        if (!healthy)
            cg_log_warn("the scorer's connection failed: %s", PQerrorMessage(conn));
        if (PQstatus(conn) == CONNECTION_OK)
            (void)cg_db_exec(conn, "UNLISTEN risk_facts_kept", 0, NULL, NULL, &err);
        cg_db_release(s->app->base.db, conn);
    }
    return NULL;
}

cg_code risk_scorer_start(risk_app *app, risk_scorer **out, cg_err *err)
{
    risk_scorer *s = calloc(1, sizeof *s);
    if (s == NULL)
        return cg_err_set(err, CG_UNAVAILABLE, "out of memory");
    s->app = app;
    atomic_init(&s->stopping, false);
    pthread_mutex_init(&s->lock, NULL);
    pthread_cond_init(&s->woken, NULL);
    s->wanted = (int)(risk_scorers < 1                  ? 1
                      : risk_scorers > RISK_SCORERS_MAX ? RISK_SCORERS_MAX
                                                        : risk_scorers);
    for (int i = 0; i < s->wanted; i++) {
        if (pthread_create(&s->threads[i], NULL, i == 0 ? run : run_helper, s) != 0) {
            risk_scorer_stop(s);
            return cg_err_set(err, CG_INTERNAL, "cannot start the scorer's threads");
        }
        s->nthreads++;
    }
    *out = s;
    return CG_OK;
}

void risk_scorer_stop(risk_scorer *s)
{
    if (s == NULL)
        return;
    atomic_store(&s->stopping, true);
    pthread_mutex_lock(&s->lock);
    pthread_cond_broadcast(&s->woken);
    pthread_mutex_unlock(&s->lock);
    for (int i = 0; i < s->nthreads; i++)
        pthread_join(s->threads[i], NULL);
    pthread_cond_destroy(&s->woken);
    pthread_mutex_destroy(&s->lock);
    free(s);
}
