/* The one handler of every route that forwards to a service (forward.h):
 * the request message is built from the row (path, query, body, fixed
 * fields, enricher), the caller's CallContext added, the service called,
 * and its reply shown through the codec. Login and permission were checked
 * by the dispatcher from the same row; the service checks role and scope
 * again itself. */
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cg/log.h"
#include "cg/nats.h"
#include "cg/pbjson.h"
#include "cg/util.h"
#include "gateway.h"

/* Query values are short: filters, a cursor, a page size. */
#define QUERY_VALUE_MAX 1024

void gw_route_call(gw_request *req, const gw_route *r)
{
    req->route = r;
    if (r->rpc != NULL && r->rpc->export != NULL)
        gw_route_export(req);
    else if (r->rpc != NULL)
        gw_route_rpc(req);
    else
        r->handler(req);
}

/* Where the request message keeps its CallContext (field "ctx"), or NULL
 * when it has none. */
static ProtobufCMessage **ctx_slot(ProtobufCMessage *rpc)
{
    const ProtobufCFieldDescriptor *f =
        protobuf_c_message_descriptor_get_field_by_name(rpc->descriptor, "ctx");
    if (f == NULL || f->type != PROTOBUF_C_TYPE_MESSAGE || f->label == PROTOBUF_C_LABEL_REPEATED)
        return NULL;
    return (ProtobufCMessage **)((char *)rpc + f->offset);
}

/* The message the body and the query fill: rpc, or its message field
 * rr->into, created when unset. NULL when out of memory or the row names
 * no such field (a bug of the table, reported as INTERNAL). */
static ProtobufCMessage *fill_target(const gw_rpc_route *rr, ProtobufCMessage *rpc, cg_err *err)
{
    if (rr->into == NULL)
        return rpc;
    const ProtobufCFieldDescriptor *f =
        protobuf_c_message_descriptor_get_field_by_name(rpc->descriptor, rr->into);
    if (f == NULL || f->type != PROTOBUF_C_TYPE_MESSAGE || f->label == PROTOBUF_C_LABEL_REPEATED) {
        cg_err_set(err, CG_INTERNAL, "%s has no message field %s", rpc->descriptor->name, rr->into);
        return NULL;
    }
    ProtobufCMessage **slot = (ProtobufCMessage **)((char *)rpc + f->offset);
    if (*slot == NULL)
        *slot = cg_pbjson_message_new(f->descriptor);
    if (*slot == NULL)
        cg_err_set(err, CG_INTERNAL, "out of memory");
    return *slot;
}

/* The keys of the JSON object body[0..len) appended to field of rpc: what
 * an update was asked to change, a null included (it clears the field)
 * unless with_values. The body has been decoded, so it parses. */
static void note_body_keys(const cg_pbjson *codec, ProtobufCMessage *rpc, const char *field,
                           bool with_values, const char *body, size_t len, cg_err *err)
{
    cJSON *doc = cJSON_ParseWithLength(body, len);
    for (const cJSON *m = doc != NULL ? doc->child : NULL; m != NULL; m = m->next)
        if (!with_values || !cJSON_IsNull(m))
            cg_pbjson_set_text(codec, rpc, field, m->string, m->string, err);
    cJSON_Delete(doc);
}

/* Fill rpc from the path, the query, the body and the row's fixed fields.
 * Problems of the client's are violations in err; a body that is no JSON
 * object at all is an error without them. The body is read here unless the
 * idempotency layer read it first. False when the request was answered
 * already (415, 413). */
static bool fill_request(gw_request *req, const gw_rpc_route *rr, ProtobufCMessage *rpc,
                         cg_err *err)
{
    const cg_pbjson *codec = req->app->codec;
    ProtobufCMessage *target = NULL;
    char *body = NULL;
    size_t len = 0;
    bool answered = false;

    if (rr->paged) {
        Cleangrid__V1__PageRequest page = CLEANGRID__V1__PAGE_REQUEST__INIT;
        char cursor[512], size[16];
        /* It starts from a cleared error, so it goes first. */
        if (gw_map_page(req->query, &page, cursor, sizeof(cursor), err) == CG_OK) {
            snprintf(size, sizeof(size), "%d", (int)page.page_size);
            cg_pbjson_set_text(codec, rpc, "page.page_size", size, "limit", err);
            cg_pbjson_set_text(codec, rpc, "page.cursor", cursor, "cursor", err);
        }
    }
    target = fill_target(rr, rpc, err);
    if (target == NULL)
        goto cleanup;
    if (rr->body != NULL) {
        if (req->body != NULL) {
            body = req->body;
            len = req->body_len;
        } else if (gw_http_read_body(req, &body, &len) != CG_OK) {
            answered = true;
            goto cleanup;
        }
        if (cg_pbjson_decode(codec, body, len, rr->body, target, err) != CG_OK &&
            err->nviolations == 0)
            goto cleanup; /* not a JSON object: nothing else is worth naming */
        if (rr->body_keys_field != NULL && err->code == CG_OK)
            note_body_keys(codec, rpc, rr->body_keys_field, rr->body_keys_with_values, body, len,
                           err);
    }
    if (rr->id_field != NULL) {
        if (!rr->id_by_type && !cg_uuid_valid(req->route_id))
            cg_err_add_violation(err, "id", "must be a UUID");
        else
            cg_pbjson_set_text(codec, rpc, rr->id_field, req->route_id, "id", err);
    }
    for (const gw_query_param *q = rr->query; q != NULL && q->name != NULL; q++) {
        char value[QUERY_VALUE_MAX];
        cg_code rc = gw_query_get(req->query, q->name, value, sizeof(value));
        /* Which of two values a filter takes would be a guess, as with a
         * body's member given twice. */
        if (rc == CG_OK && gw_query_count(req->query, q->name) > 1)
            cg_err_add_violation(err, q->name, "is given more than once");
        else if (rc == CG_OK && cg_utf8_valid(value, strlen(value)))
            cg_pbjson_set_text(codec, target, q->field, value, q->name, err);
        else if (rc != CG_NOT_FOUND)
            cg_err_add_violation(err, q->name, "is too long or not UTF-8 text");
    }
    for (const gw_fixed_field *f = rr->fixed; f != NULL && f->field != NULL; f++)
        cg_pbjson_set_text(codec, rpc, f->field, f->value, f->field, err);

cleanup:
    if (body != NULL && body != req->body) {
        sodium_memzero(body, len);
        free(body);
    }
    return !answered;
}

/* The part of reply that is the answer, as JSON into *out (owned by the
 * caller). */
static cg_code reply_json(const gw_request *req, const gw_rpc_route *rr,
                          const ProtobufCMessage *reply, cJSON **out, cg_err *err)
{
    const cg_pbjson *codec = req->app->codec;
    if (rr->present != NULL) {
        *out = rr->present(reply);
        return *out != NULL ? CG_OK : cg_err_set(err, CG_INTERNAL, "out of memory");
    }
    if (rr->reply_field == NULL) {
        /* The Status has become the HTTP status; the rest is the answer. */
        cg_code rc = cg_pbjson_encode(codec, reply, out, err);
        if (rc == CG_OK)
            cJSON_DeleteItemFromObjectCaseSensitive(*out, "status");
        return rc;
    }
    const ProtobufCFieldDescriptor *f =
        protobuf_c_message_descriptor_get_field_by_name(reply->descriptor, rr->reply_field);
    const ProtobufCMessage *part =
        f != NULL && f->type == PROTOBUF_C_TYPE_MESSAGE
            ? *(const ProtobufCMessage *const *)((const char *)reply + f->offset)
            : NULL;
    if (part == NULL)
        /* An OK reply without its record breaks the contract. */
        return cg_err_set(err, CG_INTERNAL, "%s.%s answered without %s", rr->service, rr->method,
                          rr->reply_field);
    return cg_pbjson_encode(codec, part, out, err);
}

cJSON *gw_route_filter(gw_request *req, const gw_rpc_route *rr)
{
    cJSON *filter = cJSON_CreateObject();
    for (const gw_query_param *q = rr->query; filter != NULL && q != NULL && q->name != NULL; q++) {
        char value[QUERY_VALUE_MAX];
        if (gw_query_get(req->query, q->name, value, sizeof(value)) == CG_OK &&
            cg_utf8_valid(value, strlen(value)))
            cJSON_AddStringToObject(filter, q->name, value);
    }
    return filter;
}

bool gw_route_request(gw_request *req, ProtobufCMessage **out)
{
    const gw_rpc_route *rr = req->route->rpc;
    ProtobufCMessage *rpc = cg_pbjson_message_new(rr->request);
    cg_err err;

    cg_err_clear(&err);
    *out = NULL;
    if (rpc == NULL) {
        cg_err_set(&err, CG_INTERNAL, "out of memory");
        gw_http_send_err(req, &err);
        return false;
    }
    if (!fill_request(req, rr, rpc, &err)) {
        protobuf_c_message_free_unpacked(rpc, NULL);
        return false;
    }
    if (err.code == CG_OK && rr->enrich != NULL)
        rr->enrich(req, rpc, &err);
    if (err.code != CG_OK) {
        gw_http_send_err(req, &err);
        protobuf_c_message_free_unpacked(rpc, NULL);
        return false;
    }
    *out = rpc;
    return true;
}

cg_code gw_route_call_service(gw_request *req, ProtobufCMessage *rpc, ProtobufCMessage **reply,
                              cg_err *err)
{
    const gw_rpc_route *rr = req->route->rpc;
    Cleangrid__V1__CallContext ctx = CLEANGRID__V1__CALL_CONTEXT__INIT;
    ProtobufCMessage **slot = ctx_slot(rpc);

    *reply = NULL;
    if (gw_call_context(&ctx, req, err) != CG_OK)
        return err->code;
    /* The context borrows the session's strings; it is taken out again
     * before the message is freed. */
    if (slot != NULL)
        *slot = &ctx.base;
    cg_code rc = cg_rpc_call_method(req->app->base.nats, rr->service, rr->method, req->request_id,
                                    rpc, rr->reply, req->app->rpc_timeout_ms, reply, err);
    if (slot != NULL)
        *slot = NULL;
    return rc;
}

/* The JSON key of reply's field f, as the presentation rules name it. */
static const char *json_key(const ProtobufCMessageDescriptor *reply,
                            const ProtobufCFieldDescriptor *f)
{
    for (size_t i = 0; i < gw_npresent_rules; i++) {
        const cg_pbjson_rule *rule = &gw_present_rules[i];
        if (rule->json_name != NULL && strcmp(rule->message, reply->name) == 0 &&
            strcmp(rule->field, f->name) == 0)
            return rule->json_name;
    }
    return f->name;
}

/* A message is a record, not a count, when it carries an id: "id" or a
 * field named "..._id". */
static bool is_record(const ProtobufCMessageDescriptor *m)
{
    for (unsigned k = 0; k < m->n_fields; k++) {
        size_t len = strlen(m->fields[k].name);
        if (strcmp(m->fields[k].name, "id") == 0 ||
            (len > 3 && strcmp(m->fields[k].name + len - 3, "_id") == 0))
            return true;
    }
    return false;
}

cg_code gw_route_audit_check(const gw_route *routes, size_t n, cg_err *err)
{
    for (size_t i = 0; i < n; i++) {
        const gw_rpc_route *rr = routes[i].rpc;
        if (rr == NULL || !rr->audit_list || rr->present != NULL || rr->reply_field != NULL)
            continue;
        const char *member = rr->audit_items != NULL ? rr->audit_items : "items";
        bool lists_records = false, named = false;
        for (unsigned k = 0; k < rr->reply->n_fields; k++) {
            const ProtobufCFieldDescriptor *f = &rr->reply->fields[k];
            if (f->label != PROTOBUF_C_LABEL_REPEATED || f->type != PROTOBUF_C_TYPE_MESSAGE ||
                !is_record(f->descriptor))
                continue;
            lists_records = true;
            named = named || strcmp(json_key(rr->reply, f), member) == 0;
        }
        if (lists_records && !named)
            return cg_err_set(err, CG_INVALID_ARGUMENT,
                              "route %zu (%s %s): its audit would name no ids: the answer has no "
                              "list of records \"%s\" (set audit_items)",
                              i, routes[i].method, routes[i].pattern, member);
    }
    return CG_OK;
}

void gw_route_rpc(gw_request *req)
{
    const gw_rpc_route *rr = req->route->rpc;
    ProtobufCMessage *rpc = NULL;
    ProtobufCMessage *reply = NULL;
    cJSON *out = NULL;
    cg_err err;

    cg_err_clear(&err);
    /* Every attempt at a sensitive read is recorded, found or not: probing
     * for ids is worth seeing too. A list's record names the filter given
     * (a bad value is recorded as such; the call then fails and is
     * recorded as failed). */
    if (rr->audit_action != NULL && rr->audit_list) {
        cJSON *filter = gw_route_filter(req, rr);
        gw_audit_expect_list(req, rr->audit_action, rr->audit_target, req->route_id, filter);
        gw_audit_list_items(req, rr->audit_items, rr->audit_item_key);
        cJSON_Delete(filter);
    } else if (rr->audit_action != NULL) {
        gw_audit_expect(req, rr->audit_action, rr->audit_target, req->route_id);
    }
    if (!gw_route_request(req, &rpc))
        goto cleanup;
    req->etag = rr->etag;
    if (gw_route_call_service(req, rpc, &reply, &err) != CG_OK ||
        reply_json(req, rr, reply, &out, &err) != CG_OK) {
        gw_http_send_err(req, &err);
        goto cleanup;
    }
    if (req->who != NULL)
        gw_names_annotate(req->app, out);
    gw_http_send_json(req, rr->status != 0 ? rr->status : 200, out);

cleanup:
    gw_json_delete_wiped(out);
    if (reply != NULL)
        protobuf_c_message_free_unpacked(reply, NULL);
    if (rpc != NULL)
        protobuf_c_message_free_unpacked(rpc, NULL);
}
