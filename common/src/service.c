/* Lifecycle shared by every service. */
#include "cg/service.h"

#include <pthread.h>
#include <signal.h>
#include <sodium.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cg/log.h"

static atomic_bool stop_requested;
static pthread_mutex_t stop_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t stop_cond = PTHREAD_COND_INITIALIZER;

/* Only async-signal-safe work here: set the flag. cg_service_wait() polls
 * it, because signalling a condition variable from a handler is not safe. */
static void on_signal(int sig)
{
    (void)sig;
    atomic_store(&stop_requested, true);
}

void cg_service_install_signals(void)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof(sa));
    sa.sa_handler = on_signal;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    signal(SIGPIPE, SIG_IGN);
}

bool cg_service_running(void)
{
    return !atomic_load(&stop_requested);
}

void cg_service_request_stop(void)
{
    pthread_mutex_lock(&stop_lock);
    atomic_store(&stop_requested, true);
    pthread_cond_broadcast(&stop_cond);
    pthread_mutex_unlock(&stop_lock);
}

void cg_service_wait(void)
{
    while (cg_service_running())
        usleep(50 * 1000);
}

cg_code cg_service_base_configure(cg_service_base *base, const cg_config_var *vars, size_t nvars)
{
    cg_err err;
    cg_code rc = cg_config_load(vars, nvars, &err);
    cg_log_init(base->name, rc == CG_OK ? base->log_level : "info");
    if (rc != CG_OK) {
        /* One line per bad or missing variable. */
        char *save = NULL;
        for (char *line = strtok_r(err.message, "\n", &save); line != NULL;
             line = strtok_r(NULL, "\n", &save))
            cg_log_error("configuration: %s", line);
        return rc;
    }
    /* Before the first connection, or it has no effect. Every thread of a
     * process shares one NATS connection and its mutex; by default nats.c
     * spins on a contended mutex before it sleeps, which on a machine with
     * fewer cores than threads burns the time the holder needs to let go.
     * Not spinning cut the gateway's CPU per proxied request by 10-15% on
     * two cores with 16 clients. */
    nats_Open(0);
    if (sodium_init() < 0) {
        cg_log_error("libsodium failed to initialise");
        return CG_INTERNAL;
    }
    cg_service_install_signals();
    return CG_OK;
}

/* Retry fn until it succeeds or a stop is requested, logging the first
 * failure and then every tenth, so a service started before its database
 * or NATS waits for them instead of exiting. */
#define RETRY_UNTIL_UP(what, call)                                                                 \
    do {                                                                                           \
        int attempt_ = 0;                                                                          \
        while ((rc = (call)) == CG_UNAVAILABLE && cg_service_running()) {                          \
            if (attempt_++ % 10 == 0)                                                              \
                cg_log_warn("%s: %s; retrying", what, err->message);                               \
            usleep(500 * 1000);                                                                    \
        }                                                                                          \
    } while (0)

cg_code cg_service_base_migrate(cg_service_base *base, cg_err *err)
{
    cg_code rc;
    cg_db *owner = NULL;
    const char *url = base->db_migrate_url != NULL && base->db_migrate_url[0] != '\0'
                          ? base->db_migrate_url
                          : base->db_url;
    RETRY_UNTIL_UP("database (migrations)", cg_db_open(&owner, url, 1, err));
    if (rc == CG_OK)
        rc = cg_db_migrate(owner, base->migrations_dir, err);
    cg_db_close(owner);
    return rc;
}

cg_code cg_service_base_start(cg_service_base *base, cg_err *err)
{
    cg_code rc;
    RETRY_UNTIL_UP("database",
                   cg_db_open_with_options(&base->db, base->db_url, (int)base->db_pool_size,
                                           base->db_options, err));
    if (rc != CG_OK)
        return rc;
    if ((rc = cg_service_base_migrate(base, err)) != CG_OK)
        return rc;
    RETRY_UNTIL_UP("NATS", cg_nats_connect(&base->nats, base->nats_url, base->name, err));
    if (rc != CG_OK)
        return rc;
    RETRY_UNTIL_UP("JetStream", cg_nats_ensure_streams(base->nats, err));
    if (rc != CG_OK)
        return rc;
    rc = cg_outbox_relay_start(&base->relay, base->db, base->nats, (int)base->outbox_poll_ms, err);
    if (rc == CG_OK)
        cg_log_info("%s started", base->name);
    return rc;
}

cg_code cg_service_base_consume(cg_service_base *base, const char *durable, const char *subject,
                                cg_event_handler handler, void *arg, cg_err *err)
{
    if (base->nconsumers == CG_SERVICE_MAX_CONSUMERS)
        return cg_err_set(err, CG_INTERNAL, "too many consumers");
    cg_code rc =
        cg_consumer_start(&base->consumers[base->nconsumers], base->db, base->nats, base->relay,
                          CG_STREAM_EVENTS, durable, subject, handler, arg, err);
    if (rc == CG_OK)
        base->nconsumers++;
    return rc;
}

cg_code cg_service_base_consume_cloud(cg_service_base *base, const char *durable,
                                      const char *subject, cg_cloud_event_handler handler,
                                      void *arg, cg_err *err)
{
    if (base->nconsumers == CG_SERVICE_MAX_CONSUMERS)
        return cg_err_set(err, CG_INTERNAL, "too many consumers");
    cg_code rc = cg_consumer_start_cloud(&base->consumers[base->nconsumers], base->db, base->nats,
                                         base->relay, CG_STREAM_ENTERPRISE, durable, subject,
                                         handler, arg, err);
    if (rc == CG_OK)
        base->nconsumers++;
    return rc;
}

cg_code cg_service_base_serve(cg_service_base *base, const cg_rpc_table *table, void *arg,
                              cg_err *err)
{
    cg_rpc_env env = {.db = base->db,
                      .relay = base->relay,
                      .acquire_ms = CG_RPC_DB_ACQUIRE_MS,
                      .idem_secret = base->has_idem_secret ? base->idem_secret : NULL};
    return cg_rpc_server_serve(&base->rpc, base->nats, base->name, table, (int)base->rpc_workers,
                               &env, arg, err);
}

void cg_service_base_stop(cg_service_base *base)
{
    cg_log_info("%s stopping", base->name);
    /* Stop taking work first: new requests, then new events. */
    cg_rpc_server_stop(base->rpc);
    base->rpc = NULL;
    for (size_t i = 0; i < base->nconsumers; i++)
        cg_consumer_stop(base->consumers[i]);
    base->nconsumers = 0;
    cg_outbox_relay_stop(base->relay);
    base->relay = NULL;
    cg_nats_close(base->nats);
    base->nats = NULL;
    cg_db_close(base->db);
    base->db = NULL;
    sodium_memzero(base->idem_secret, sizeof base->idem_secret);
    base->has_idem_secret = false;
    cg_log_info("%s stopped", base->name);
}
