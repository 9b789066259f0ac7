/* The state of a call whose reply is read from rows as messages
 * (cg/db_json.h): the actor, the lists read, a list's page. A service's
 * rows name cg_json_call_check as their check, and its handlers read with
 * cg_json_call_read(); everything read is freed after the answer is sent. */
#ifndef CG_JSON_CALL_H
#define CG_JSON_CALL_H

#include "cg/actor.h"
#include "cg/db_json.h"
#include "cg/page.h"
#include "cg/rpc.h"

#define CG_JSON_CALL_LISTS 12

typedef struct cg_json_call {
    cg_actor actor; /* first: cg_rpc_actor_state() fills it */
    cg_db_json_list lists[CG_JSON_CALL_LISTS];
    size_t nlists;
    cg_page_out page;
} cg_json_call;

/* A row's check (cg_rpc_check_fn): give the call a cg_json_call holding
 * its actor (PERMISSION_DENIED or UNAUTHENTICATED without a usable one). */
cg_code cg_json_call_check(cg_rpc_req *r, const void *request, cg_err *err);

/* Read the rows of sql (one JSON object each) with codec (borrowed, desc
 * prepared in it) as messages of desc into a list the call keeps; *out
 * borrows it until the answer is sent. */
cg_code cg_json_call_read(cg_rpc_req *r, PGconn *conn, const cg_pbjson *codec,
                          const ProtobufCMessageDescriptor *desc, const char *sql, int nparams,
                          const char *const *params, cg_db_json_list **out, cg_err *err);

/* The messages of a list as an array of type. */
#define CG_JSON_ITEMS(type, list) ((type **)(void *)(list)->msgs)

#endif
