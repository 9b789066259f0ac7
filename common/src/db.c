/* PostgreSQL: connection pool, parameterized queries, SQLSTATE mapping,
 * migrations. */
#include "cg/db.h"

#include <dirent.h>
#include <libpq-events.h>
#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cg/log.h"
#include "cg/util.h"

struct cg_db {
    char *conninfo;
    char *options; /* libpq "options": the pool's defaults and the caller's */
    pthread_mutex_t lock;
    pthread_cond_t freed;
    int size;
    int created; /* connections made so far (idle + in use) */
    int nidle;
    PGconn **idle;
};

/* The schema every service database shares: the transactional outbox, the
 * idempotent inbox and dead letters. Applied as migration "common/0001". */
static const char messaging_schema[] =
    "CREATE TABLE IF NOT EXISTS cg_outbox (\n"
    "  id bigserial PRIMARY KEY,\n"
    "  event_id uuid NOT NULL UNIQUE,\n"
    "  subject text NOT NULL,\n"
    "  payload bytea NOT NULL,\n"
    "  created_at timestamptz NOT NULL DEFAULT now(),\n"
    "  sent_at timestamptz\n"
    ");\n"
    "CREATE INDEX IF NOT EXISTS cg_outbox_unsent ON cg_outbox (id) WHERE sent_at IS NULL;\n"
    "CREATE TABLE IF NOT EXISTS cg_inbox (\n"
    "  event_id text PRIMARY KEY,\n"
    "  subject text NOT NULL,\n"
    "  processed_at timestamptz NOT NULL DEFAULT now()\n"
    ");\n"
    "CREATE TABLE IF NOT EXISTS cg_dead_letter (\n"
    "  id bigserial PRIMARY KEY,\n"
    "  consumer text NOT NULL,\n"
    "  subject text NOT NULL,\n"
    "  event_id text,\n"
    "  payload bytea NOT NULL,\n"
    "  reason text NOT NULL,\n"
    "  deliveries integer NOT NULL,\n"
    "  created_at timestamptz NOT NULL DEFAULT now()\n"
    ");\n";

/* Rows NATS keeps refusing are counted and, past a limit, parked instead of
 * holding up every later row; the inbox is keyed per consumer, so two
 * consumers of one service that take the same event both get it. */
static const char messaging_schema_2[] =
    "ALTER TABLE cg_outbox ADD COLUMN IF NOT EXISTS attempts integer NOT NULL DEFAULT 0;\n"
    "ALTER TABLE cg_outbox ADD COLUMN IF NOT EXISTS last_error text;\n"
    "ALTER TABLE cg_inbox ADD COLUMN IF NOT EXISTS consumer text NOT NULL DEFAULT '';\n"
    "ALTER TABLE cg_inbox DROP CONSTRAINT IF EXISTS cg_inbox_pkey;\n"
    "ALTER TABLE cg_inbox ADD PRIMARY KEY (consumer, event_id);\n";

/* Idempotency-Key in the service that creates (cg/idempotency.h): per
 * (caller, key), a keyed digest, the digest of the first request and its
 * reply sealed under a key only the client's Idempotency-Key gives, written
 * in the transaction of the record it answers. Neither the key nor the
 * reply is here in clear. */
static const char idempotency_schema[] =
    "CREATE TABLE IF NOT EXISTS cg_idempotency (\n"
    "  key_hash bytea PRIMARY KEY CHECK (octet_length(key_hash) = 32),\n"
    "  request_hash bytea NOT NULL CHECK (octet_length(request_hash) = 32),\n"
    "  reply bytea,\n"
    "  created_at timestamptz NOT NULL DEFAULT now(),\n"
    "  expires_at timestamptz NOT NULL\n"
    ");\n"
    "CREATE INDEX IF NOT EXISTS cg_idempotency_expires ON cg_idempotency (expires_at);\n";

/* A dead letter keeps the message's headers: a CloudEvent's attributes
 * (cg/enterprise.h) travel there, not in the payload. */
static const char dead_letter_headers_schema[] =
    "ALTER TABLE cg_dead_letter ADD COLUMN IF NOT EXISTS headers text;\n";

static const struct {
    const char *version;
    const char *sql;
} common_migrations[] = {
    {"common/0001_messaging", messaging_schema},
    {"common/0002_outbox_attempts_inbox_consumer", messaging_schema_2},
    {"common/0003_idempotency", idempotency_schema},
    {"common/0004_dead_letter_headers", dead_letter_headers_schema},
};

/* The advisory lock key all replicas of a service take while migrating. */
#define MIGRATION_LOCK_KEY "4242010001"

/* Each connection prepares the statements it runs, once: the server then
 * parses and plans a statement the first time instead of every time, which
 * on the report path was most of PostgreSQL's CPU. The cache lives in the
 * connection's libpq instance data, so it is emptied when the connection is
 * reset (the server forgot the statements) and freed with the connection.
 * Statements are keyed by their text (a hash, then the whole text, of a
 * copy the cache owns), so SQL built per request in a reused buffer gets
 * the statement of its own text, never one an earlier text left behind.
 * A full cache runs further statements unprepared. */
#define STMT_CACHE_SIZE 64

typedef struct stmt_cache {
    /* cg_db_begin() was called on an idle connection and its BEGIN waits
     * to go with the next statement. */
    bool begin_pending;
    int n;
    struct {
        uint64_t hash;
        char *sql; /* owned copy */
        char name[16];
    } entry[STMT_CACHE_SIZE];
} stmt_cache;

static void stmt_cache_clear(stmt_cache *cache)
{
    for (int i = 0; i < cache->n; i++)
        free(cache->entry[i].sql);
    cache->n = 0;
}

static int stmt_cache_event(PGEventId id, void *info, void *pass)
{
    (void)pass;
    switch (id) {
    case PGEVT_REGISTER: {
        PGconn *conn = ((PGEventRegister *)info)->conn;
        stmt_cache *cache = calloc(1, sizeof(*cache));
        /* Without a cache the connection still works, unprepared. */
        if (cache != NULL)
            PQsetInstanceData(conn, stmt_cache_event, cache);
        return 1;
    }
    case PGEVT_CONNRESET: {
        stmt_cache *cache = PQinstanceData(((PGEventConnReset *)info)->conn, stmt_cache_event);
        if (cache != NULL) {
            stmt_cache_clear(cache);
            cache->begin_pending = false;
        }
        return 1;
    }
    case PGEVT_CONNDESTROY: {
        stmt_cache *cache = PQinstanceData(((PGEventConnDestroy *)info)->conn, stmt_cache_event);
        if (cache != NULL)
            stmt_cache_clear(cache);
        free(cache);
        return 1;
    }
    default:
        return 1;
    }
}

/* FNV-1a: cheap, and only a first filter before the whole text is compared. */
static uint64_t text_hash(const char *s)
{
    uint64_t h = 14695981039346656037ULL;
    for (; *s != '\0'; s++)
        h = (h ^ (unsigned char)*s) * 1099511628211ULL;
    return h;
}

/* The name of sql prepared on conn, preparing it now if needed; NULL when it
 * cannot be prepared (a full cache, several statements in one string, an
 * error the plain execution will then report properly). */
static const char *prepared_name(PGconn *conn, const char *sql, int nparams)
{
    stmt_cache *cache = PQinstanceData(conn, stmt_cache_event);
    if (cache == NULL)
        return NULL;
    uint64_t hash = text_hash(sql);
    for (int i = 0; i < cache->n; i++)
        if (cache->entry[i].hash == hash && strcmp(cache->entry[i].sql, sql) == 0)
            return cache->entry[i].name;
    if (cache->n == STMT_CACHE_SIZE)
        return NULL;
    char *copy = strdup(sql);
    if (copy == NULL)
        return NULL;
    char *name = cache->entry[cache->n].name;
    snprintf(name, sizeof(cache->entry[0].name), "cg_%d", cache->n);
    PGresult *res = PQprepare(conn, name, sql, nparams, NULL);
    bool ok = PQresultStatus(res) == PGRES_COMMAND_OK;
    /* Preparing checks only the text, never the values, so a failure here
     * is a statement that cannot run at all; say why, since inside a
     * transaction the execution that follows reports only 25P02. */
    if (!ok) {
        char msg[200];
        cg_strlcpy(msg, PQresultErrorMessage(res), sizeof(msg));
        msg[strcspn(msg, "\n")] = '\0';
        cg_log_warn("statement not prepared: %s", msg);
    }
    PQclear(res);
    if (!ok) {
        free(copy);
        return NULL;
    }
    cache->entry[cache->n].hash = hash;
    cache->entry[cache->n++].sql = copy;
    return name;
}

/* Server notices ("relation already exists, skipping") would reach stderr
 * as bare text and break the one-JSON-object-per-line log. */
static void log_notice(void *arg, const char *message)
{
    (void)arg;
    char line[300];
    cg_strlcpy(line, message, sizeof(line));
    line[strcspn(line, "\n")] = '\0';
    cg_log_debug("database notice: %s", line);
}

/* The session settings every connection gets unless CG_DB_URL says
 * otherwise: no transaction left idle forever. */
#define DB_DEFAULT_OPTIONS "-c idle_in_transaction_session_timeout=60000"

static PGconn *connect_new(const char *conninfo, const char *options, cg_err *err)
{
    /* Defaults that keep a network partition from blocking a thread for
     * minutes: a bounded connect, TCP keepalives and a user timeout, and no
     * transaction left idle forever. They come before the configured string
     * (expanded from "dbname"), so CG_DB_URL can still override each. */
    static const char *const keys[] = {"connect_timeout",
                                       "keepalives",
                                       "keepalives_idle",
                                       "keepalives_interval",
                                       "keepalives_count",
                                       "tcp_user_timeout",
                                       "options",
                                       "dbname",
                                       NULL};
    const char *values[] = {"5", "1", "30", "10", "3", "30000", options, conninfo, NULL};
    PGconn *conn = PQconnectdbParams(keys, values, 1);
    if (PQstatus(conn) != CONNECTION_OK) {
        /* The details (host, address, socket path) go to the log only: the
         * error may travel to an anonymous client as a 503's detail. libpq
         * never echoes a password. */
        char msg[200];
        cg_strlcpy(msg, PQerrorMessage(conn), sizeof(msg));
        msg[strcspn(msg, "\n")] = '\0';
        cg_log_warn("database connection failed: %s", msg);
        cg_err_set(err, CG_UNAVAILABLE, "database unavailable");
        PQfinish(conn);
        return NULL;
    }
    PQsetNoticeProcessor(conn, log_notice, NULL);
    PQregisterEventProc(conn, stmt_cache_event, "cg_db statements", NULL);
    return conn;
}

cg_code cg_db_open(cg_db **out, const char *conninfo, int size, cg_err *err)
{
    return cg_db_open_with_options(out, conninfo, size, NULL, err);
}

cg_code cg_db_open_with_options(cg_db **out, const char *conninfo, int size,
                                const char *session_options, cg_err *err)
{
    cg_code rc = CG_OK;
    cg_db *db = calloc(1, sizeof(*db));
    if (db == NULL)
        return cg_err_set(err, CG_INTERNAL, "out of memory");
    db->conninfo = strdup(conninfo);
    size_t olen = strlen(DB_DEFAULT_OPTIONS) + 2 + (session_options ? strlen(session_options) : 0);
    db->options = malloc(olen);
    if (db->options != NULL)
        snprintf(db->options, olen, "%s %s", DB_DEFAULT_OPTIONS,
                 session_options ? session_options : "");
    db->idle = calloc((size_t)size, sizeof(PGconn *));
    db->size = size;
    pthread_mutex_init(&db->lock, NULL);
    pthread_cond_init(&db->freed, NULL);
    if (db->conninfo == NULL || db->options == NULL || db->idle == NULL) {
        rc = cg_err_set(err, CG_INTERNAL, "out of memory");
        goto cleanup;
    }
    PGconn *first = connect_new(conninfo, db->options, err);
    if (first == NULL) {
        rc = err->code;
        goto cleanup;
    }
    db->idle[db->nidle++] = first;
    db->created = 1;
    *out = db;
    db = NULL;

cleanup:
    cg_db_close(db);
    return rc;
}

void cg_db_close(cg_db *db)
{
    if (db == NULL)
        return;
    for (int i = 0; i < db->nidle; i++)
        PQfinish(db->idle[i]);
    pthread_mutex_destroy(&db->lock);
    pthread_cond_destroy(&db->freed);
    free(db->idle);
    free(db->conninfo);
    free(db->options);
    free(db);
}

/* True when the server has sent something to an idle connection (or
 * closed it): nothing is owed to a connection between queries. */
static bool idle_socket_readable(const PGconn *conn)
{
    struct pollfd p = {.fd = PQsocket(conn), .events = POLLIN};
    return p.fd >= 0 && poll(&p, 1, 0) > 0;
}

PGconn *cg_db_acquire(cg_db *db, int timeout_ms, cg_err *err)
{
    struct timespec deadline = cg_deadline_after_ms(timeout_ms);

    PGconn *conn = NULL;
    bool make_new = false;
    pthread_mutex_lock(&db->lock);
    while (db->nidle == 0 && db->created >= db->size) {
        if (pthread_cond_timedwait(&db->freed, &db->lock, &deadline) == ETIMEDOUT)
            break;
    }
    if (db->nidle > 0) {
        conn = db->idle[--db->nidle];
    } else if (db->created < db->size) {
        db->created++;
        make_new = true;
    }
    pthread_mutex_unlock(&db->lock);

    if (make_new) {
        conn = connect_new(db->conninfo, db->options, err);
        if (conn == NULL) {
            pthread_mutex_lock(&db->lock);
            db->created--;
            pthread_cond_signal(&db->freed);
            pthread_mutex_unlock(&db->lock);
        }
        return conn;
    }
    if (conn == NULL) {
        cg_err_set(err, CG_UNAVAILABLE, "no database connection free within %d ms", timeout_ms);
        return NULL;
    }
    /* A connection broken by a server restart or a terminated backend is
     * reset here rather than fail the caller's next query. The server says
     * so (a FATAL message, then it closes the socket), so an idle
     * connection with anything to read is one the server gave up on; the
     * rare harmless message (a parameter change) only costs a reconnect. A
     * break that left no word (a network cut) still costs that one failed
     * query. */
    if (PQstatus(conn) != CONNECTION_OK || idle_socket_readable(conn)) {
        PQreset(conn);
        if (PQstatus(conn) != CONNECTION_OK) {
            cg_err_set(err, CG_UNAVAILABLE, "database unavailable");
            cg_db_release(db, conn);
            return NULL;
        }
        cg_log_info("database connection re-established");
    }
    return conn;
}

cg_code cg_db_take(cg_db *db, int timeout_ms, bool begin, PGconn **conn, cg_err *err)
{
    *conn = cg_db_acquire(db, timeout_ms, err);
    if (*conn == NULL)
        return err->code;
    if (begin && cg_db_begin(*conn, err) != CG_OK) {
        cg_db_release(db, *conn);
        *conn = NULL;
        return err->code;
    }
    return CG_OK;
}

cg_code cg_db_query(cg_db *db, int timeout_ms, const char *sql, int nparams,
                    const char *const *params, PGresult **out, cg_err *err)
{
    PGconn *conn = NULL;
    cg_code rc = cg_db_take(db, timeout_ms, false, &conn, err);
    if (rc == CG_OK)
        rc = cg_db_exec(conn, sql, nparams, params, out, err);
    cg_db_release(db, conn);
    return rc;
}

void cg_db_release(cg_db *db, PGconn *conn)
{
    if (conn == NULL)
        return;
    cg_db_rollback_if_open(conn);
    pthread_mutex_lock(&db->lock);
    db->idle[db->nidle++] = conn;
    pthread_cond_signal(&db->freed);
    pthread_mutex_unlock(&db->lock);
}

cg_code cg_db_code_from_sqlstate(const char *s)
{
    if (s == NULL || strlen(s) != 5)
        return CG_UNAVAILABLE; /* no SQLSTATE: the connection itself failed */
    if (strcmp(s, "23505") == 0)
        return CG_ALREADY_EXISTS;
    if (strncmp(s, "22", 2) == 0)
        return CG_INVALID_ARGUMENT;
    if (strncmp(s, "23", 2) == 0)
        return CG_FAILED_PRECONDITION;
    if (strncmp(s, "08", 2) == 0 || strncmp(s, "57P", 3) == 0 || strncmp(s, "53", 2) == 0 ||
        strcmp(s, "40001") == 0 || strcmp(s, "40P01") == 0)
        return CG_UNAVAILABLE;
    return CG_INTERNAL;
}

/* Hand res (the answer of a statement on conn) to *out, or turn it into
 * err; res is freed either way unless handed over. */
static cg_code exec_result(PGconn *conn, PGresult *res, PGresult **out, cg_err *err)
{
    ExecStatusType st = PQresultStatus(res);
    if (st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK) {
        if (out != NULL)
            *out = res;
        else
            PQclear(res);
        return CG_OK;
    }
    const char *sqlstate = res ? PQresultErrorField(res, PG_DIAG_SQLSTATE) : NULL;
    cg_code code = cg_db_code_from_sqlstate(sqlstate);
    char msg[200];
    cg_strlcpy(msg, res ? PQresultErrorMessage(res) : PQerrorMessage(conn), sizeof(msg));
    msg[strcspn(msg, "\n")] = '\0';
    /* Log the statement's SQLSTATE and text but never its parameters: they
     * may hold a reporter's identity. */
    cg_log_fields(code == CG_INTERNAL ? CG_LOG_ERROR : CG_LOG_WARN, "query failed", "sqlstate",
                  sqlstate ? sqlstate : "none", "error", msg, NULL);
    cg_err_set(err, code, "%s",
               code == CG_UNAVAILABLE ? "database unavailable" : "database rejected the request");
    PQclear(res);
    return code;
}

/* Take whatever the server answers to the query whose results come next:
 * its first result (the caller's, NULL when none came), the rest
 * cleared. */
static PGresult *take_query_result(PGconn *conn)
{
    PGresult *first = PQgetResult(conn), *more;
    while (first != NULL && (more = PQgetResult(conn)) != NULL)
        PQclear(more);
    return first;
}

/* Send the pending BEGIN and the statement in one pipeline and answer the
 * statement's result, or BEGIN's when BEGIN failed (the statement was then
 * never run). Without pipeline mode (a connection in a state that refuses
 * it) they go one after the other, as before. */
static PGresult *exec_with_begin(PGconn *conn, const char *name, const char *sql, int nparams,
                                 const char *const *params)
{
    if (PQenterPipelineMode(conn) != 1) {
        PGresult *begun = PQexec(conn, "BEGIN");
        if (PQresultStatus(begun) != PGRES_COMMAND_OK)
            return begun;
        PQclear(begun);
        return name != NULL ? PQexecPrepared(conn, name, nparams, params, NULL, NULL, 0)
                            : PQexecParams(conn, sql, nparams, NULL, params, NULL, NULL, 0);
    }
    PGresult *begun = NULL, *res = NULL;
    bool sent =
        PQsendQueryParams(conn, "BEGIN", 0, NULL, NULL, NULL, NULL, 0) == 1 &&
        (name != NULL ? PQsendQueryPrepared(conn, name, nparams, params, NULL, NULL, 0)
                      : PQsendQueryParams(conn, sql, nparams, NULL, params, NULL, NULL, 0)) == 1 &&
        PQpipelineSync(conn) == 1;
    if (sent) {
        begun = take_query_result(conn);
        res = take_query_result(conn);
        /* The sync's own result ends the pipeline. */
        PGresult *sync = PQgetResult(conn);
        PQclear(sync);
    }
    /* Refused only while results are owed, which a broken connection
     * leaves behind: the pool resets such a connection when it is next
     * taken. */
    PQexitPipelineMode(conn);
    if (PQresultStatus(begun) != PGRES_COMMAND_OK) {
        PQclear(res);
        return begun;
    }
    PQclear(begun);
    return res;
}

/* Take the pending BEGIN off conn: true when there was one. */
static bool take_pending_begin(PGconn *conn)
{
    stmt_cache *cache = PQinstanceData(conn, stmt_cache_event);
    if (cache == NULL || !cache->begin_pending)
        return false;
    cache->begin_pending = false;
    return true;
}

cg_code cg_db_exec(PGconn *conn, const char *sql, int nparams, const char *const *params,
                   PGresult **out, cg_err *err)
{
    if (out != NULL)
        *out = NULL;
    /* Taken before preparing: a statement prepared on first use is
     * prepared outside the transaction, which is harmless. */
    bool begin = take_pending_begin(conn);
    const char *name = prepared_name(conn, sql, nparams);
    PGresult *res;
    if (begin)
        res = exec_with_begin(conn, name, sql, nparams, params);
    else if (name != NULL)
        res = PQexecPrepared(conn, name, nparams, params, NULL, NULL, 0);
    else
        res = PQexecParams(conn, sql, nparams, NULL, params, NULL, NULL, 0);
    return exec_result(conn, res, out, err);
}

cg_code cg_db_begin(PGconn *conn, cg_err *err)
{
    stmt_cache *cache = PQinstanceData(conn, stmt_cache_event);
    /* A transaction costs a round trip less when its BEGIN travels with
     * its first statement; on the consumer's path of one event per
     * transaction that was one round trip in four. */
    if (cache != NULL && PQstatus(conn) == CONNECTION_OK &&
        PQtransactionStatus(conn) == PQTRANS_IDLE) {
        cache->begin_pending = true;
        return CG_OK;
    }
    return cg_db_exec(conn, "BEGIN", 0, NULL, NULL, err);
}

bool cg_db_in_transaction(PGconn *conn)
{
    stmt_cache *cache = PQinstanceData(conn, stmt_cache_event);
    return PQtransactionStatus(conn) != PQTRANS_IDLE || (cache != NULL && cache->begin_pending);
}

cg_code cg_db_commit(PGconn *conn, cg_err *err)
{
    /* Nothing was sent: there is nothing to commit. */
    if (take_pending_begin(conn))
        return CG_OK;
    return cg_db_exec(conn, "COMMIT", 0, NULL, NULL, err);
}

void cg_db_rollback_if_open(PGconn *conn)
{
    if (conn == NULL)
        return;
    if (take_pending_begin(conn))
        return;
    if (PQstatus(conn) == CONNECTION_OK && PQtransactionStatus(conn) != PQTRANS_IDLE)
        cg_db_rollback(conn);
}

void cg_db_rollback(PGconn *conn)
{
    if (take_pending_begin(conn))
        return;
    PGresult *res = PQexec(conn, "ROLLBACK");
    if (PQresultStatus(res) != PGRES_COMMAND_OK)
        cg_log_warn("rollback failed: %s", PQerrorMessage(conn));
    PQclear(res);
}

const char *cg_db_get(const PGresult *res, int row, int col)
{
    return PQgetisnull(res, row, col) ? "" : PQgetvalue(res, row, col);
}

long long cg_db_get_ll(const PGresult *res, int row, int col)
{
    return PQgetisnull(res, row, col) ? 0 : strtoll(PQgetvalue(res, row, col), NULL, 10);
}

/* Apply one migration unless already recorded; runs in its own transaction. */
static cg_code apply_migration(PGconn *conn, const char *version, const char *sql, cg_err *err)
{
    cg_code rc;
    PGresult *res = NULL;
    const char *params[] = {version};
    if ((rc = cg_db_begin(conn, err)) != CG_OK)
        return rc;
    rc = cg_db_exec(conn, "SELECT 1 FROM cg_schema_migrations WHERE version = $1", 1, params, &res,
                    err);
    if (rc != CG_OK)
        goto cleanup;
    if (PQntuples(res) > 0) {
        rc = cg_db_commit(conn, err);
        goto cleanup;
    }
    /* Migration files are trusted code from the repository, not input:
     * they are the one place a whole script runs without parameters. */
    PGresult *script = PQexec(conn, sql);
    if (PQresultStatus(script) != PGRES_COMMAND_OK && PQresultStatus(script) != PGRES_TUPLES_OK) {
        rc = cg_err_set(err, CG_INTERNAL, "migration %s failed: %s", version,
                        PQresultErrorMessage(script));
        PQclear(script);
        goto cleanup;
    }
    PQclear(script);
    rc = cg_db_exec(conn, "INSERT INTO cg_schema_migrations (version) VALUES ($1)", 1, params, NULL,
                    err);
    if (rc == CG_OK)
        rc = cg_db_commit(conn, err);
    if (rc == CG_OK)
        cg_log_info("applied migration %s", version);

cleanup:
    PQclear(res);
    if (rc != CG_OK)
        cg_db_rollback(conn);
    return rc;
}

static char *read_file(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (f == NULL)
        return NULL;
    char *buf = NULL;
    if (fseek(f, 0, SEEK_END) == 0) {
        long n = ftell(f);
        if (n >= 0 && fseek(f, 0, SEEK_SET) == 0 && (buf = malloc((size_t)n + 1)) != NULL) {
            if (fread(buf, 1, (size_t)n, f) != (size_t)n) {
                free(buf);
                buf = NULL;
            } else {
                buf[n] = '\0';
            }
        }
    }
    fclose(f);
    return buf;
}

static int is_sql_file(const struct dirent *e)
{
    size_t n = strlen(e->d_name);
    return n > 4 && strcmp(e->d_name + n - 4, ".sql") == 0;
}

cg_code cg_db_migrate(cg_db *db, const char *dir, cg_err *err)
{
    cg_code rc;
    struct dirent **files = NULL;
    int nfiles = 0;
    bool locked = false;
    PGconn *conn = cg_db_acquire(db, 10000, err);
    if (conn == NULL)
        return err->code;

    rc = cg_db_exec(conn, "SELECT pg_advisory_lock(" MIGRATION_LOCK_KEY ")", 0, NULL, NULL, err);
    if (rc != CG_OK)
        goto cleanup;
    locked = true;
    rc = cg_db_exec(conn,
                    "CREATE TABLE IF NOT EXISTS cg_schema_migrations ("
                    " version text PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())",
                    0, NULL, NULL, err);
    if (rc != CG_OK)
        goto cleanup;
    for (size_t i = 0; i < sizeof(common_migrations) / sizeof(common_migrations[0]); i++)
        if ((rc = apply_migration(conn, common_migrations[i].version, common_migrations[i].sql,
                                  err)) != CG_OK)
            goto cleanup;
    if (dir == NULL || dir[0] == '\0')
        goto cleanup;

    nfiles = scandir(dir, &files, is_sql_file, alphasort);
    if (nfiles < 0) {
        nfiles = 0;
        rc = cg_err_set(err, CG_INTERNAL, "cannot read migrations folder %s: %s", dir,
                        strerror(errno));
        goto cleanup;
    }
    for (int i = 0; i < nfiles && rc == CG_OK; i++) {
        char path[4096];
        snprintf(path, sizeof(path), "%s/%s", dir, files[i]->d_name);
        char *sql = read_file(path);
        if (sql == NULL) {
            rc = cg_err_set(err, CG_INTERNAL, "cannot read %s", path);
            break;
        }
        rc = apply_migration(conn, files[i]->d_name, sql, err);
        free(sql);
    }

cleanup:
    for (int i = 0; i < nfiles; i++)
        free(files[i]);
    free(files);
    if (locked) {
        cg_err unlock_err;
        cg_db_exec(conn, "SELECT pg_advisory_unlock(" MIGRATION_LOCK_KEY ")", 0, NULL, NULL,
                   &unlock_err);
    }
    cg_db_release(db, conn);
    return rc;
}
