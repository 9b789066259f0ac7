/* Lifecycle shared by every service.
 *
 * Signals set a flag; main() waits on it, then shuts down in order: stop
 * taking work (RPC subscriptions, consumers), finish in-flight work, drain
 * NATS, close the database, exit 0.
 *
 * cg_service_base holds what every service has (configuration, database,
 * NATS, outbox relay, RPC server) so that each main() is: configure, start,
 * wait, stop. */
#ifndef CG_SERVICE_H
#define CG_SERVICE_H

#include <stdbool.h>

#include "cg/config.h"
#include "cg/db.h"
#include "cg/messaging.h"
#include "cg/nats.h"
#include "cg/status.h"

/* Install SIGINT/SIGTERM handlers that request a stop; ignore SIGPIPE. */
void cg_service_install_signals(void);
/* True until a stop was requested. */
bool cg_service_running(void);
/* Request a stop (tests and fatal paths). */
void cg_service_request_stop(void);
/* Block until a stop is requested. */
void cg_service_wait(void);

#define CG_SERVICE_MAX_CONSUMERS 8

typedef struct cg_service_base {
    const char *name; /* "case", "intake", ... set before start */

    /* Filled by cg_config_load() through CG_SERVICE_BASE_VARS. */
    char *nats_url;
    char *db_url;
    char *migrations_dir;
    char *log_level;
    long db_pool_size;
    long rpc_workers;
    long outbox_poll_ms;

    /* Owned; created by cg_service_base_start, freed by cg_service_base_stop. */
    cg_db *db;
    cg_nats *nats;
    cg_outbox_relay *relay;
    cg_rpc_server *rpc;
    cg_consumer *consumers[CG_SERVICE_MAX_CONSUMERS];
    size_t nconsumers;
} cg_service_base;

/* The configuration every service reads, to splice into its own table:
 *   static cg_config_var vars[] = { CG_SERVICE_BASE_VARS(base), {...own...} }; */
#define CG_SERVICE_BASE_VARS(b)                                                                    \
    {"CG_NATS_URL",                                                                                \
     CG_CONFIG_STRING,                                                                             \
     "nats://127.0.0.1:4222",                                                                      \
     0,                                                                                            \
     0,                                                                                            \
     false,                                                                                        \
     &(b).nats_url,                                                                                \
     "NATS server URL(s), comma-separated"},                                                       \
        {"CG_DB_URL", CG_CONFIG_STRING,                                                            \
         NULL,        0,                                                                           \
         0,           true,                                                                        \
         &(b).db_url, "libpq connection string of this service's own database"},                   \
        {"CG_MIGRATIONS_DIR",                                                                      \
         CG_CONFIG_STRING,                                                                         \
         NULL,                                                                                     \
         0,                                                                                        \
         0,                                                                                        \
         false,                                                                                    \
         &(b).migrations_dir,                                                                      \
         "folder of this service's *.sql migrations"},                                             \
        {"CG_LOG_LEVEL",                                                                           \
         CG_CONFIG_STRING,                                                                         \
         "info",                                                                                   \
         0,                                                                                        \
         0,                                                                                        \
         false,                                                                                    \
         &(b).log_level,                                                                           \
         "debug, info, warn or error"},                                                            \
        {"CG_DB_POOL_SIZE",                                                                        \
         CG_CONFIG_INT,                                                                            \
         "8",                                                                                      \
         1,                                                                                        \
         100,                                                                                      \
         false,                                                                                    \
         &(b).db_pool_size,                                                                        \
         "database connections per process"},                                                      \
        {"CG_RPC_WORKERS",                                                                         \
         CG_CONFIG_INT,                                                                            \
         "4",                                                                                      \
         1,                                                                                        \
         64,                                                                                       \
         false,                                                                                    \
         &(b).rpc_workers,                                                                         \
         "RPC requests handled at once per process"},                                              \
    {                                                                                              \
        "CG_OUTBOX_POLL_MS", CG_CONFIG_INT, "500", 10, 60000, false, &(b).outbox_poll_ms,          \
            "how often the outbox relay looks for unsent events"                                   \
    }

/* Load vars (which include CG_SERVICE_BASE_VARS), init logging and libsodium,
 * install signal handlers. On a bad value prints one line per problem to
 * stderr and returns non-OK. */
cg_code cg_service_base_configure(cg_service_base *base, const cg_config_var *vars, size_t nvars);

/* Open the database (retrying until it answers or a stop is requested),
 * migrate, connect to NATS, ensure streams, start the outbox relay. */
cg_code cg_service_base_start(cg_service_base *base, cg_err *err);

/* Start a durable pull consumer on CG_EVENTS for subject; the base owns it,
 * stops it first on shutdown, and kicks its relay after each commit. */
cg_code cg_service_base_consume(cg_service_base *base, const char *durable, const char *subject,
                                cg_event_handler handler, void *arg, cg_err *err);

/* Start the RPC server on cg.rpc.<name>.* with base->rpc_workers workers. */
cg_code cg_service_base_serve(cg_service_base *base, const cg_rpc_method *methods, size_t nmethods,
                              void *arg, cg_err *err);

/* Stop the RPC server, the consumers and the relay, drain NATS, close the
 * database. Safe on a partly started base. */
void cg_service_base_stop(cg_service_base *base);

#endif
