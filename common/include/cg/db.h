/* PostgreSQL: a connection pool, transactions, parameterized queries,
 * SQLSTATE mapped to cg_code, and migrations applied under an advisory lock.
 *
 * Every query goes through cg_db_exec() with parameters; no SQL is ever built
 * from values. A connection found broken (the server restarted) is reset when
 * it is next acquired. */
#ifndef CG_DB_H
#define CG_DB_H

#include <libpq-fe.h>
#include <stdbool.h>

#include "cg/status.h"

typedef struct cg_db cg_db;

/* Open a pool of up to size connections to conninfo. Connections are made
 * lazily, so the pool opens even while the server is still starting; the
 * first one is tried here and its error reported. *out is owned by the
 * caller and closed with cg_db_close(). */
cg_code cg_db_open(cg_db **out, const char *conninfo, int size, cg_err *err);
/* The same, with session settings for every connection of the pool, in
 * libpq's "options" form ("-c statement_timeout=4500 -c ..."; NULL for
 * none). They are added to the pool's own defaults; CG_DB_URL can still
 * override all of them with an options= of its own. */
cg_code cg_db_open_with_options(cg_db **out, const char *conninfo, int size,
                                const char *session_options, cg_err *err);
void cg_db_close(cg_db *db);

/* Take a connection, waiting up to timeout_ms for one to be free. Returns
 * NULL with err set (UNAVAILABLE) when none can be had or the server is
 * down. The caller gives it back with cg_db_release(). */
PGconn *cg_db_acquire(cg_db *db, int timeout_ms, cg_err *err);
/* cg_db_acquire() into *conn and, when begin, cg_db_begin() on it: the
 * start of most work on the database. On failure *conn is NULL and nothing
 * is left taken. */
cg_code cg_db_take(cg_db *db, int timeout_ms, bool begin, PGconn **conn, cg_err *err);
/* Run sql (one statement, as cg_db_exec()) on a connection taken from db
 * for it, waiting up to timeout_ms, and given back at once: the whole of
 * the work when it is a single read or write. *out as cg_db_exec()'s. */
cg_code cg_db_query(cg_db *db, int timeout_ms, const char *sql, int nparams,
                    const char *const *params, PGresult **out, cg_err *err);
/* Give a connection back. A connection left inside a transaction is rolled
 * back first, so an error path never leaks a half-done transaction. */
void cg_db_release(cg_db *db, PGconn *conn);

/* Run sql with nparams text parameters (a NULL entry is SQL NULL), prepared
 * on conn the first time its text is seen. sql may be built per call in a
 * reused buffer: the text is what counts, and it holds placeholders, never
 * values. On success and when out is not NULL, *out receives the result,
 * owned by the caller (PQclear). On failure *out is NULL, err is set from
 * the SQLSTATE, and the result is already freed. */
cg_code cg_db_exec(PGconn *conn, const char *sql, int nparams, const char *const *params,
                   PGresult **out, cg_err *err);

/* Start a transaction. On an idle connection the BEGIN is not sent at
 * once: it goes to the server together with the transaction's first
 * statement, in one round trip (libpq's pipeline mode), so an error it
 * could raise (a broken connection) is that statement's. Ask
 * cg_db_in_transaction(), not PQtransactionStatus(), whether a transaction
 * is open. */
cg_code cg_db_begin(PGconn *conn, cg_err *err);
/* Whether conn is inside a transaction (open or failed), counting one
 * begun whose BEGIN waits for its first statement. */
bool cg_db_in_transaction(PGconn *conn);
cg_code cg_db_commit(PGconn *conn, cg_err *err);
/* Never fails in a way the caller can act on; errors are logged. */
void cg_db_rollback(PGconn *conn);
/* Roll back only when conn is inside a transaction (open or failed). */
void cg_db_rollback_if_open(PGconn *conn);

/* 23505 -> ALREADY_EXISTS, 22xxx -> INVALID_ARGUMENT, 08xxx/57Pxx/40001/
 * 40P01/53xxx -> UNAVAILABLE, 23xxx -> FAILED_PRECONDITION, else INTERNAL. */
cg_code cg_db_code_from_sqlstate(const char *sqlstate);

/* Apply the shared messaging schema (outbox, inbox, dead letters) and then
 * every *.sql file in dir not yet applied, in file-name order, each in its own
 * transaction, all under a database-wide advisory lock so that replicas
 * starting together apply each file once. */
cg_code cg_db_migrate(cg_db *db, const char *dir, cg_err *err);

/* Field i of row r as a string ("" when NULL). */
const char *cg_db_get(const PGresult *res, int row, int col);
/* Field as int64 (0 when NULL or not a number). */
long long cg_db_get_ll(const PGresult *res, int row, int col);

#endif
