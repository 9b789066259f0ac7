/* Rows of JSON decoded into messages (cg/db_json.h). */
#include "cg/db_json.h"

#include <stdlib.h>
#include <string.h>

#include "cg/db.h"

cg_code cg_db_json_rows(PGconn *conn, const cg_pbjson *codec,
                        const ProtobufCMessageDescriptor *desc, const char *sql, int nparams,
                        const char *const *params, cg_db_json_list *list, cg_err *err)
{
    PGresult *res = NULL;
    cg_code rc = cg_db_exec(conn, sql, nparams, params, &res, err);
    if (rc != CG_OK)
        goto cleanup;
    int rows = PQntuples(res);
    if (rows > 0) {
        ProtobufCMessage **grown = realloc(list->msgs, (list->n + (size_t)rows) * sizeof *grown);
        if (grown == NULL) {
            rc = cg_err_set(err, CG_UNAVAILABLE, "out of memory");
            goto cleanup;
        }
        list->msgs = grown;
    }
    for (int i = 0; i < rows; i++) {
        if (PQgetisnull(res, i, 0))
            continue;
        ProtobufCMessage *msg = cg_pbjson_message_new(desc);
        if (msg == NULL) {
            rc = cg_err_set(err, CG_UNAVAILABLE, "out of memory");
            goto cleanup;
        }
        list->msgs[list->n++] = msg;
        const char *json = PQgetvalue(res, i, 0);
        cg_err bad;
        cg_err_clear(&bad);
        if (cg_pbjson_decode(codec, json, strlen(json), CG_PBJSON_ALL_KEYS, msg, &bad) != CG_OK) {
            /* The statement and the message disagree: say where, for the
             * log, and nothing of the row's content. */
            const char *field = bad.nviolations > 0 ? bad.violations[0].field : bad.message;
            rc = cg_err_set(err, CG_INTERNAL, "a row of %s does not read as %s: %s", desc->name,
                            desc->name, field);
            goto cleanup;
        }
    }

cleanup:
    PQclear(res);
    return rc;
}

void cg_db_json_list_free(cg_db_json_list *list)
{
    for (size_t i = 0; i < list->n; i++)
        protobuf_c_message_free_unpacked(list->msgs[i], NULL);
    free(list->msgs);
    list->msgs = NULL;
    list->n = 0;
}
