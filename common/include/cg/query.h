/* Statements built from the filters given, for the lists and statistics of
 * every service (the case service's clues and cases today).
 *
 * A list's statement names only the filters that are set. One statement
 * with every filter written "($n = '' OR col = $n)" would serve every
 * combination, but after five runs PostgreSQL caches a generic plan for it
 * that cannot use an index for any of them, and at a million clues every
 * list then reads the whole scope (docs/performance.md). Values still
 * travel only as parameters; the text holds placeholders only. Each
 * connection prepares each distinct text once (cg_db_exec()'s statement
 * cache knows a statement by its text). */
#ifndef CG_QUERY_H
#define CG_QUERY_H

#include <libpq-fe.h>
#include <stdbool.h>
#include <stddef.h>

#include "cg/status.h"

#define CG_QUERY_PARAMS_MAX 16
#define CG_QUERY_SQL_MAX 8192

/* A statement being built: its text and parameters. Too big for a small
 * stack; callers allocate it. */
typedef struct cg_query {
    char sql[CG_QUERY_SQL_MAX];
    size_t len;
    bool overflow; /* the text or the parameters did not fit */
    const char *params[CG_QUERY_PARAMS_MAX];
    int n;
    /* The texts of numeric parameters, which params point at. */
    char numbers[CG_QUERY_PARAMS_MAX][24];
} cg_query;

/* Start q afresh with the n parameters of lead (borrowed; they must outlive
 * q), numbered $1 to $n, and then the text head. A service puts first the
 * parameters its visibility condition names by number, so every statement
 * it builds reads them at the same places. */
void cg_query_start(cg_query *q, const char *const *lead, int n, const char *head);
/* Append text, a compile-time constant (never a value). */
void cg_query_text(cg_query *q, const char *text);
/* Add value (borrowed) as the next parameter; its number ($n). */
int cg_query_param(cg_query *q, const char *value);
/* Add a number as the next parameter; its number ($n). */
int cg_query_number(cg_query *q, long long value);
/* Append before, then parameter number param as "$n", then after. */
void cg_query_cond(cg_query *q, const char *before, int param, const char *after);
/* Append " AND <col> >= <from>" and " AND <col> < <to>", each only when
 * given (above 0): times in Unix milliseconds, passed as parameters and
 * compared as timestamptz. col is a compile-time constant. */
void cg_query_time_range(cg_query *q, const char *col, long long from_ms, long long to_ms);
/* Run the statement built in q (prepared once per connection). */
cg_code cg_query_exec(PGconn *conn, cg_query *q, PGresult **out, cg_err *err);

#endif
