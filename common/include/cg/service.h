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
#include <stdint.h>

#include "cg/config.h"
#include "cg/db.h"
#include "cg/messaging.h"
#include "cg/nats.h"
#include "cg/rpc.h"
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
    /* Session settings for the service's database connections (libpq
     * "options", e.g. "-c statement_timeout=4500"); NULL for none. Set
     * before start; borrowed. */
    const char *db_options;

    /* Filled by cg_config_load() through CG_SERVICE_BASE_VARS. */
    char *nats_url;
    char *db_url;
    char *db_migrate_url; /* "" when migrations run as db_url's role */
    char *migrations_dir;
    char *log_level;
    long db_pool_size;
    long rpc_workers;
    long outbox_poll_ms;

    /* The idempotency secret of the service's idempotent rows
     * (cg_idem_secret() of one of its own secrets), set before serve. */
    uint8_t idem_secret[32];
    bool has_idem_secret;

    /* Owned; created by cg_service_base_start, freed by cg_service_base_stop. */
    cg_db *db;
    cg_nats *nats;
    cg_outbox_relay *relay;
    cg_rpc_server *rpc;
    cg_consumer *consumers[CG_SERVICE_MAX_CONSUMERS];
    size_t nconsumers;
} cg_service_base;

/* Apply base's migrations as the role of CG_DB_MIGRATE_URL (or CG_DB_URL
 * when that is empty), on a connection of their own that is closed
 * afterwards: the service then runs as a role that owns nothing. Retries
 * while the database is not up. */
cg_code cg_service_base_migrate(cg_service_base *base, cg_err *err);

/* The configuration every service reads, to splice into its own table:
 *   static cg_config_var vars[] = { CG_SERVICE_BASE_VARS(base), {...own...} }; */
// clang-format off
#define CG_SERVICE_BASE_VARS(b)                                                        \
    {.name = "CG_NATS_URL", .type = CG_CONFIG_STRING, .secret = true,                  \
     .default_value = "nats://127.0.0.1:4222", .target = &(b).nats_url,                \
     .help = "NATS server URL(s), comma-separated"},                                   \
    {.name = "CG_DB_URL", .type = CG_CONFIG_STRING, .secret = true,                    \
     .target = &(b).db_url,                                                            \
     .help = "libpq connection string of this service's own database"},                \
    {.name = "CG_DB_MIGRATE_URL", .type = CG_CONFIG_STRING, .secret = true,            \
     .default_value = "", .target = &(b).db_migrate_url,                                \
     .help = "the same as the role that owns the database's objects, for migrations "   \
             "(empty: CG_DB_URL)"},                                                     \
    {.name = "CG_MIGRATIONS_DIR", .type = CG_CONFIG_STRING, .target = &(b).migrations_dir, \
     .help = "folder of this service's *.sql migrations"},                             \
    {.name = "CG_LOG_LEVEL", .type = CG_CONFIG_STRING, .default_value = "info",        \
     .choices = "debug|info|warn|error", .target = &(b).log_level,                     \
     .help = "debug, info, warn or error"},                                            \
    {.name = "CG_DB_POOL_SIZE", .type = CG_CONFIG_INT, .default_value = "8",           \
     .min = 1, .max = 100, .target = &(b).db_pool_size,                                \
     .help = "database connections per process"},                                      \
    {.name = "CG_RPC_WORKERS", .type = CG_CONFIG_INT, .default_value = "4",            \
     .min = 1, .max = 64, .target = &(b).rpc_workers,                                  \
     .help = "RPC requests handled at once per process"},                              \
    {.name = "CG_OUTBOX_POLL_MS", .type = CG_CONFIG_INT, .default_value = "500",       \
     .min = 10, .max = 60000, .target = &(b).outbox_poll_ms,                           \
     .help = "how often the outbox relay looks for unsent events"},                    \
    {.name = "CG_CONSUMER_BATCH", .type = CG_CONFIG_INT, .default_value = "64",        \
     .min = 1, .max = 256, .target = &cg_consumer_batch,                               \
     .help = "events a consumer takes through one transaction at most"}
// clang-format on

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

/* The same on CG_ENTERPRISE, for CloudEvents (cg_consumer_start_cloud). */
cg_code cg_service_base_consume_cloud(cg_service_base *base, const char *durable,
                                      const char *subject, cg_cloud_event_handler handler,
                                      void *arg, cg_err *err);

/* Start the RPC server on cg.rpc.<name>.* with base->rpc_workers workers,
 * serving table (borrowed; outlives the server). Rows that need a
 * connection take it from base->db (waiting up to CG_RPC_DB_ACQUIRE_MS) and
 * wake base->relay after each commit (cg/rpc.h); arg reaches every row as
 * r->arg and every method as its arg. */
cg_code cg_service_base_serve(cg_service_base *base, const cg_rpc_table *table, void *arg,
                              cg_err *err);

/* Stop the RPC server, the consumers and the relay, drain NATS, close the
 * database. Safe on a partly started base. */
void cg_service_base_stop(cg_service_base *base);

#endif
