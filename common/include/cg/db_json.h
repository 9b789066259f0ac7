/* Records read as messages: a statement whose rows are one JSON object
 * each, built by the database in the shape of a protobuf message (the
 * rectification service's task_json(), for one), decoded by the JSON codec
 * (cg/pbjson.h) into messages of that type.
 *
 * The row-to-message mapping is then written once, in SQL beside the
 * tables, instead of a C function per message that copies column after
 * column; a field added to the message is a key added to the SQL. A row
 * the codec cannot read is the service's own bug: INTERNAL, naming it. */
#ifndef CG_DB_JSON_H
#define CG_DB_JSON_H

#include <libpq-fe.h>
#include <protobuf-c/protobuf-c.h>
#include <stddef.h>

#include "cg/pbjson.h"
#include "cg/status.h"

/* Messages read from rows: msgs[0..n), each owned by the list. */
typedef struct cg_db_json_list {
    ProtobufCMessage **msgs;
    size_t n;
} cg_db_json_list;

/* Run sql (one statement, as cg_db_exec()) on conn and decode column 0 of
 * each row into a new message of type desc with codec (borrowed, desc
 * prepared in it), appended to *list. A NULL column is skipped. The list
 * is the caller's, freed with cg_db_json_list_free() whatever the outcome. */
cg_code cg_db_json_rows(PGconn *conn, const cg_pbjson *codec,
                        const ProtobufCMessageDescriptor *desc, const char *sql, int nparams,
                        const char *const *params, cg_db_json_list *list, cg_err *err);

/* Free every message of list and its array; the list is then empty. */
void cg_db_json_list_free(cg_db_json_list *list);

#endif
