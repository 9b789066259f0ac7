/* Statements built from the filters given, for the case service's lists
 * and statistics (clues and cases alike).
 *
 * A list's statement names only the filters that are set. One statement
 * with every filter written "($n = '' OR col = $n)" would serve every
 * combination, but after five runs PostgreSQL caches a generic plan for it
 * that cannot use an index for any of them, and at a million clues every
 * list then reads the whole scope (docs/performance.md). Values still
 * travel only as parameters; the text holds placeholders only. Each
 * connection prepares each distinct text once (cg_db_exec()'s statement
 * cache knows a statement by its text). */
#ifndef CASE_QUERY_H
#define CASE_QUERY_H

#include <libpq-fe.h>
#include <stdbool.h>
#include <stddef.h>

#include "access.h"
#include "cg/status.h"

#define CASE_QUERY_PARAMS_MAX 16
#define CASE_QUERY_SQL_MAX 8192

/* A statement being built: its text and parameters. Too big for a small
 * stack; callers allocate it. */
typedef struct case_query {
    char sql[CASE_QUERY_SQL_MAX];
    size_t len;
    bool overflow; /* the text or the parameters did not fit */
    const char *params[CASE_QUERY_PARAMS_MAX];
    int n;
    /* The texts of numeric parameters, which params point at. */
    char numbers[CASE_QUERY_PARAMS_MAX][24];
} case_query;

/* Start q with the parameters every visibility check reads (CASE_CLUE_VISIBLE):
 * $1 the actor's scope, $2 second (the caller's: a limit, a root path), $3
 * the actor's person id, $4 its user id; then the text head. Strings are
 * borrowed and must outlive q. */
void case_query_start(case_query *q, const case_actor *actor, const char *second, const char *head);
/* Append text. */
void case_query_text(case_query *q, const char *text);
/* Add value (borrowed) as the next parameter; its number ($n). */
int case_query_param(case_query *q, const char *value);
/* Add a number as the next parameter; its number ($n). */
int case_query_number(case_query *q, long long value);
/* Append before, then parameter number param as "$n", then after. */
void case_query_cond(case_query *q, const char *before, int param, const char *after);
/* Run the statement built in q (prepared once per connection). */
cg_code case_query_exec(PGconn *conn, case_query *q, PGresult **out, cg_err *err);

#endif
