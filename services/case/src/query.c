/* Statements built from the filters given (query.h). */
#include "query.h"

#include "cg/db.h"

#include <stdio.h>
#include <string.h>

void case_query_text(case_query *q, const char *text)
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
int case_query_param(case_query *q, const char *value)
{
    if (q->n == CASE_QUERY_PARAMS_MAX) {
        q->overflow = true;
        return 1;
    }
    q->params[q->n++] = value;
    return q->n;
}

int case_query_number(case_query *q, long long value)
{
    snprintf(q->numbers[q->n], sizeof q->numbers[0], "%lld", value);
    return case_query_param(q, q->numbers[q->n]);
}

/* Append before, then parameter number param as "$n", then after. */
void case_query_cond(case_query *q, const char *before, int param, const char *after)
{
    char num[16];
    snprintf(num, sizeof num, "$%d", param);
    case_query_text(q, before);
    case_query_text(q, num);
    case_query_text(q, after);
}

/* Run the statement built in q. */
cg_code case_query_exec(PGconn *conn, case_query *q, PGresult **out, cg_err *err)
{
    if (q->overflow) {
        return cg_err_set(err, CG_INTERNAL, "a list statement did not fit its buffer");
    }
    return cg_db_exec(conn, q->sql, q->n, q->params, out, err);
}

/* Start q with the visibility parameters: $1 the scope, $2 second (the
 * caller's), $3 the actor's person id, $4 its user id (CLUE_VISIBLE). */
void case_query_start(case_query *q, const case_actor *actor, const char *second, const char *head)
{
    q->len = 0;
    q->sql[0] = '\0';
    q->overflow = false;
    q->n = 0;
    case_query_param(q, actor->scope);
    case_query_param(q, second);
    case_query_param(q, actor->person_id);
    case_query_param(q, actor->user_id);
    case_query_text(q, head);
}
