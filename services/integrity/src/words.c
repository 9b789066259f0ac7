/* The words the API accepts are rows of the database (key positions,
 * relations, sections), and the service's today is the database's: the
 * checks that ask it, before a write. */
#include <stdio.h>
#include <string.h>

#include "integrity.h"

cg_code integrity_today_ms(PGconn *conn, int64_t *out, cg_err *err)
{
    PGresult *res = NULL;
    cg_code rc = cg_db_exec(conn, "SELECT (extract(epoch FROM integrity_today()) * 1000)::bigint",
                            0, NULL, &res, err);
    if (rc == CG_OK)
        *out = cg_db_get_ll(res, 0, 0);
    PQclear(res);
    return rc;
}

cg_code integrity_check_word(PGconn *conn, cg_err *err, const char *table, const char *field,
                             const char *value, bool optional)
{
    PGresult *res = NULL;
    char sql[256];
    if (value == NULL || value[0] == '\0') {
        if (!optional)
            cg_err_add_violation(err, field, "is required");
        return CG_OK;
    }
    /* table is one of the service's constants; only value is input. */
    snprintf(sql, sizeof sql,
             "SELECT bool_or(name = $1), string_agg(name, ', ' ORDER BY name) FROM %s", table);
    cg_err probe;
    cg_err_clear(&probe);
    if (cg_db_exec(conn, sql, 1, &value, &res, &probe) != CG_OK) {
        PQclear(res);
        return cg_err_set(err, probe.code, "%s", probe.message);
    }
    if (strcmp(cg_db_get(res, 0, 0), "t") != 0)
        cg_err_add_violation(err, field, "must be one of %s", cg_db_get(res, 0, 1));
    PQclear(res);
    return CG_OK;
}
