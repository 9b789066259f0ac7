/* Routes that forward to a service, declared as rows.
 *
 * A route whose work is "turn the request into an RPC, call the service,
 * turn the reply into JSON" is one row of the route table with a
 * gw_rpc_route beside it, and no handler of its own: gw_route_rpc() reads
 * the row. The row says which fields the path, the query, the body and the
 * route itself fill, so a client can never set a field the server fills
 * (an org path, an actor, a person id); the JSON codec (cg/pbjson.h) does
 * the mapping both ways with the presentation rules of present.c.
 *
 * Hand-written handlers remain only where a route is truly different
 * (login and cookies, documents streamed in and out, the dossier export),
 * and a row may name an enricher: a small named step that fills fields the
 * gateway knows and the client may not set (a unit code resolved to its
 * path, an assignee's person id and scope). */
#ifndef GW_FORWARD_H
#define GW_FORWARD_H

#include <protobuf-c/protobuf-c.h>
#include <stdbool.h>

#include <cjson/cJSON.h>

#include "cg/pbjson.h"
#include "cg/status.h"

struct gw_request;

/* A step between decoding and the call: fills fields of rpc (a message of
 * the row's request type, freed by the caller) from what the gateway knows,
 * adding violations to err for what the client got wrong. Fields are set
 * with cg_pbjson_set_text(), which copies. */
typedef cg_code (*gw_enrich_fn)(struct gw_request *req, ProtobufCMessage *rpc, cg_err *err);

/* A query parameter and the request field it fills (a dotted path). */
typedef struct gw_query_param {
    const char *name;  /* as the client writes it: "limit" */
    const char *field; /* "page.page_size" */
} gw_query_param;

/* A request field the route itself sets, e.g. the action of /assign. */
typedef struct gw_fixed_field {
    const char *field;
    const char *value;
} gw_fixed_field;

/* The body of a route that takes one but no member: "{}" or nothing. */
#define GW_BODY_EMPTY ((const char *const[]){NULL})
/* The keys a route's body may set: GW_KEYS("way", "reason"). */
#define GW_KEYS(...) ((const char *const[]){__VA_ARGS__, NULL})

/* What a forwarding route does. Strings and arrays are static. */
typedef struct gw_rpc_route {
    const char *service; /* "case": the subject cg.rpc.case.<method> */
    const char *method;  /* "GetClue" */
    const ProtobufCMessageDescriptor *request;
    const ProtobufCMessageDescriptor *reply;
    /* The request field the path's {id} fills, checked as a UUID; NULL
     * when the pattern has no {id}. */
    const char *id_field;
    /* The {id} is not a UUID but read by its field's type: a number (a
     * risk alert's id), a code (an indicator's), a person id or a credit
     * code (a risk entity's). */
    bool id_by_type;
    /* The JSON keys a body may set, NULL terminated; NULL: the route reads
     * no body (a GET), GW_BODY_EMPTY: a body with no members. */
    const char *const *body;
    /* The query parameters taken, ending with {NULL}; NULL: none. A
     * parameter not listed is ignored, as it always was. */
    const gw_query_param *query;
    /* A list: ?limit= and ?cursor= fill the request's PageRequest "page"
     * (gw_map_page: a whole number, whose range is the service's rule). */
    bool paged;
    /* Fields the route sets after the body, ending with {NULL}; NULL: none. */
    const gw_fixed_field *fixed;
    gw_enrich_fn enrich; /* NULL: none */
    /* The request's message field that the body and the query fill instead
     * of the request itself (a statistics request's "filter", an edit's
     * register fields); NULL: the request. */
    const char *into;
    /* A repeated string field of the request that gets the keys the body
     * gave, for an update that changes only those (PATCH); NULL: none. A
     * key given as null is among them (it clears the field) unless
     * body_keys_with_values, for an update given whole, where null would
     * otherwise pass for a setting given (and read as 0 or false). */
    const char *body_keys_field;
    bool body_keys_with_values;
    /* A hand-written presenter for the few answers the codec cannot show
     * (a dossier entry's summary both as an object and as the exact text
     * that was hashed; statistics as {key: count} objects); NULL: the codec
     * with the presentation rules. */
    cJSON *(*present)(const ProtobufCMessage *reply);
    /* The reply member that is the answer ("clue"); NULL: the whole reply
     * without its Status. An OK reply without it is the service's bug. */
    const char *reply_field;
    int status; /* on success; 0 means 200 */
    /* A read of sensitive content: its audit action and target type,
     * recorded for every attempt, found or not. NULL: not audited here. */
    const char *audit_action;
    const char *audit_target;
    /* The read is a list: its record names the filter given and the ids
     * of the items returned (gw_audit_expect_list). */
    bool audit_list;
    /* The answer's member listing what was read, when it is not "items"
     * ("cadres"), and the key its items are known by when it is not "id"
     * ("cadre_id"); NULL: the default. */
    const char *audit_items;
    const char *audit_item_key;
    bool etag; /* a read of one record: ETag and If-None-Match */
    /* A list downloaded whole as a spreadsheet (export.h): the route pages
     * through the method and streams its items into a file, as the table
     * describes them; NULL: a JSON answer. */
    const struct gw_export *export;
} gw_rpc_route;

/* Declare a forwarding route calling service's method with the request
 * message <req>Request and the reply <rep>Reply of cleangrid.v1, each named
 * in lower snake case as protoc-c names descriptors:
 * GW_RPC("case", "GetClue", get_clue, get_clue, .id_field = "id"). */
#define GW_RPC(svc, rpc_method, req, rep, ...)                                                     \
    (&(const gw_rpc_route){.service = (svc),                                                       \
                           .method = (rpc_method),                                                 \
                           .request = &cleangrid__v1__##req##_request__descriptor,                 \
                           .reply = &cleangrid__v1__##rep##_reply__descriptor,                     \
                           __VA_ARGS__})

/* The handler of every route with a gw_rpc_route. */
void gw_route_rpc(struct gw_request *req);

/* The parts of gw_route_rpc() that an export (export.c) shares, for req's
 * row:
 * - gw_route_request(): the request message from the path, the query, the
 *   body, the fixed fields and the enricher into *out (owned by the
 *   caller, protobuf_c_message_free_unpacked()); false, with the request
 *   answered and *out NULL, when something was wrong with it;
 * - gw_route_call_service(): call the row's method with rpc on behalf of
 *   req (its CallContext set for the call only); on CG_OK *reply is owned
 *   by the caller;
 * - gw_route_filter(): the row's query parameters the request gave, as a
 *   JSON object for a list's audit record (owned by the caller; NULL
 *   without memory). */
bool gw_route_request(struct gw_request *req, ProtobufCMessage **out);
cg_code gw_route_call_service(struct gw_request *req, ProtobufCMessage *rpc,
                              ProtobufCMessage **reply, cg_err *err);
cJSON *gw_route_filter(struct gw_request *req, const gw_rpc_route *rr);

/* Refuse a table in which a list read as sensitive (audit_list) would be
 * recorded without the ids it returned: its answer lists records (messages
 * with an "id" or a "..._id" field) but none under the key the audit reads
 * ("items", or the row's audit_items). A statistics answer, whose lists are
 * counts, records its filter alone. */
struct gw_route;
cg_code gw_route_audit_check(const struct gw_route *routes, size_t n, cg_err *err);

/* The handler of a route whose row has an export (export.c). */
void gw_route_export(struct gw_request *req);

/* Run route r (borrowed, from the table) for req: its handler, or
 * gw_route_rpc() for a forwarding route. */
struct gw_route;
void gw_route_call(struct gw_request *req, const struct gw_route *r);

/* The codec with the API's presentation rules (present.c), every request
 * and reply message of routes[0..n) prepared. *out is owned by the caller
 * (cg_pbjson_free). Fails when a rule does not fit its message. */
cg_code gw_codec_create(const struct gw_route *routes, size_t n, cg_pbjson **out, cg_err *err);

/* The presentation rules of the API, one row a field that is not shown as
 * the codec's default (present.c). */
extern const cg_pbjson_rule gw_present_rules[];
extern const size_t gw_npresent_rules;

#endif
