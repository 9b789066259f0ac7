/* Statements built from the filters given (cg/query.h). */
#include "cg/query.h"

#include "cg/db.h"

#include <stdio.h>
#include <string.h>

void cg_query_text(cg_query *q, const char *text)
{
    size_t n = strlen(text);
    if (q->overflow || q->len + n >= sizeof q->sql) {
        q->overflow = true;
        return;
    }
    memcpy(q->sql + q->len, text, n + 1);
    q->len += n;
}

/* Add value as the next parameter and return its number ($n). */
int cg_query_param(cg_query *q, const char *value)
{
    if (q->n == CG_QUERY_PARAMS_MAX) {
        q->overflow = true;
        return 1;
    }
    q->params[q->n++] = value;
    return q->n;
}

int cg_query_number(cg_query *q, long long value)
{
    snprintf(q->numbers[q->n], sizeof q->numbers[0], "%lld", value);
    return cg_query_param(q, q->numbers[q->n]);
}

/* Append before, then parameter number param as "$n", then after. */
void cg_query_cond(cg_query *q, const char *before, int param, const char *after)
{
    char num[16];
    snprintf(num, sizeof num, "$%d", param);
    cg_query_text(q, before);
    cg_query_text(q, num);
    cg_query_text(q, after);
}

/* One bound of cg_query_time_range(): " AND <col><op> <ms as timestamptz>". */
static void time_bound(cg_query *q, const char *col, const char *op, long long ms)
{
    cg_query_text(q, " AND ");
    cg_query_text(q, col);
    cg_query_cond(q, op, cg_query_number(q, ms), "::bigint * interval '1 millisecond'");
}

void cg_query_time_range(cg_query *q, const char *col, long long from_ms, long long to_ms)
{
    if (from_ms > 0)
        time_bound(q, col, " >= 'epoch'::timestamptz + ", from_ms);
    if (to_ms > 0)
        time_bound(q, col, " < 'epoch'::timestamptz + ", to_ms);
}

/* Run the statement built in q. */
cg_code cg_query_exec(PGconn *conn, cg_query *q, PGresult **out, cg_err *err)
{
    if (q->overflow) {
        return cg_err_set(err, CG_INTERNAL, "a list statement did not fit its buffer");
    }
    return cg_db_exec(conn, q->sql, q->n, q->params, out, err);
}

void cg_query_start(cg_query *q, const char *const *lead, int n, const char *head)
{
    q->len = 0;
    q->sql[0] = '\0';
    q->overflow = false;
    q->n = 0;
    for (int i = 0; i < n; i++) {
        cg_query_param(q, lead[i]);
    }
    cg_query_text(q, head);
}
