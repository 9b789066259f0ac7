/* What each route takes and answers, as JSON (route_doc.h). */
#include "route_doc.h"

#include <string.h>

#include "forward.h"
#include "names.h"

/* How many INLINE (or hidden) message fields a key is looked for through;
 * the codec allows fewer. */
#define KEY_DEPTH 4
/* The longest body key of an alias "key:field". */
#define BODY_KEY_MAX 128

static const char *field_kind(const ProtobufCFieldDescriptor *fd)
{
    if (fd->label == PROTOBUF_C_LABEL_REPEATED)
        return "array";
    return fd->type == PROTOBUF_C_TYPE_MESSAGE ? "object" : "scalar";
}

/* The field shown under key in an object of type desc: one of its own, or
 * one of a message field without a key of its own (INLINE, whose members
 * sit in the parent). A hidden field has no key either, but is never
 * written, so a key the encoder wrote is not found through it unless it
 * also exists in the INLINE member it was written from. NULL when none. */
static const ProtobufCFieldDescriptor *field_by_key(const cg_pbjson *codec,
                                                    const ProtobufCMessageDescriptor *desc,
                                                    const char *key, int depth)
{
    for (unsigned i = 0; i < desc->n_fields; i++) {
        const ProtobufCFieldDescriptor *fd = &desc->fields[i];
        const char *name = cg_pbjson_json_name(codec, desc, fd->id);
        if (name != NULL && strcmp(name, key) == 0)
            return fd;
        if (name == NULL && fd->type == PROTOBUF_C_TYPE_MESSAGE &&
            fd->label != PROTOBUF_C_LABEL_REPEATED && depth < KEY_DEPTH) {
            const ProtobufCFieldDescriptor *inner =
                field_by_key(codec, fd->descriptor, key, depth + 1);
            if (inner != NULL)
                return inner;
        }
    }
    return NULL;
}

static bool has_key(const cJSON *keys, const char *key)
{
    const cJSON *k;
    cJSON_ArrayForEach(k, keys)
    {
        const cJSON *name = cJSON_GetObjectItemCaseSensitive(k, "key");
        if (cJSON_IsString(name) && strcmp(name->valuestring, key) == 0)
            return true;
    }
    return false;
}

/* Append {"key", "kind"} (and "names": true when names) to keys. */
static bool key_add(cJSON *keys, const char *key, const char *kind, bool names)
{
    cJSON *k = cJSON_CreateObject();
    if (k == NULL || !cJSON_AddItemToArray(keys, k)) {
        cJSON_Delete(k);
        return false;
    }
    return cJSON_AddStringToObject(k, "key", key) != NULL &&
           cJSON_AddStringToObject(k, "kind", kind) != NULL &&
           (!names || cJSON_AddTrueToObject(k, "names") != NULL);
}

/* The name members gw_names_annotate() puts beside the members of keys that
 * hold ids; both are top-level members of the same answer. */
static bool name_keys_add(cJSON *keys)
{
    size_t n = (size_t)cJSON_GetArraySize(keys);
    for (size_t i = 0; i < n; i++) {
        const cJSON *key =
            cJSON_GetObjectItemCaseSensitive(cJSON_GetArrayItem(keys, (int)i), "key");
        for (size_t r = 0; r < gw_nname_keys; r++) {
            const gw_name_key *row = &gw_name_keys[r];
            if (strcmp(row->key, key->valuestring) != 0)
                continue;
            const char *kind = row->kind == GW_NAME_ACCOUNTS    ? "array"
                               : row->kind == GW_NAME_UNIT_KEYS ? "object"
                                                                : "scalar";
            if (!has_key(keys, row->name_key) && !key_add(keys, row->name_key, kind, true))
                return false;
            if (row->name_zh_key != NULL && !has_key(keys, row->name_zh_key) &&
                !key_add(keys, row->name_zh_key, kind, true))
                return false;
        }
    }
    return true;
}

/* The top-level keys of an answer that is a message of type desc, as the
 * codec writes it, without the member skip (NULL: none): those of an empty
 * message, which the codec writes whole (unset messages as null, INLINE
 * members flattened, hidden fields left out), and the members of oneofs,
 * which it writes only when set. */
static cg_code message_keys(const cg_pbjson *codec, const ProtobufCMessageDescriptor *desc,
                            const char *skip, bool names, cJSON *keys, cg_err *err)
{
    cg_code rc;
    ProtobufCMessage *msg = NULL;
    cJSON *json = NULL;
    const cJSON *member;

    msg = cg_pbjson_message_new(desc);
    if (msg == NULL) {
        rc = cg_err_set(err, CG_INTERNAL, "out of memory");
        goto cleanup;
    }
    rc = cg_pbjson_encode(codec, msg, &json, err);
    if (rc != CG_OK)
        goto cleanup;
    cJSON_ArrayForEach(member, json)
    {
        if (skip != NULL && strcmp(member->string, skip) == 0)
            continue;
        const ProtobufCFieldDescriptor *fd = field_by_key(codec, desc, member->string, 0);
        if (!key_add(keys, member->string, fd != NULL ? field_kind(fd) : "scalar", false)) {
            rc = cg_err_set(err, CG_INTERNAL, "out of memory");
            goto cleanup;
        }
    }
    for (unsigned i = 0; i < desc->n_fields; i++) {
        const ProtobufCFieldDescriptor *fd = &desc->fields[i];
        const char *name = cg_pbjson_json_name(codec, desc, fd->id);
        if ((fd->flags & PROTOBUF_C_FIELD_FLAG_ONEOF) == 0 || name == NULL || has_key(keys, name))
            continue;
        if (!key_add(keys, name, field_kind(fd), false)) {
            rc = cg_err_set(err, CG_INTERNAL, "out of memory");
            goto cleanup;
        }
    }
    if (names && !name_keys_add(keys))
        rc = cg_err_set(err, CG_INTERNAL, "out of memory");

cleanup:
    cJSON_Delete(json);
    if (msg != NULL)
        protobuf_c_message_free_unpacked(msg, NULL);
    return rc;
}

/* The message field `name` of desc, or NULL when it has none. */
static const ProtobufCFieldDescriptor *message_field(const ProtobufCMessageDescriptor *desc,
                                                     const char *name)
{
    const ProtobufCFieldDescriptor *fd =
        protobuf_c_message_descriptor_get_field_by_name(desc, name);
    return fd != NULL && fd->type == PROTOBUF_C_TYPE_MESSAGE ? fd : NULL;
}

/* "body": null, or the keys a client may set with their kinds. */
static cg_code body_json(const gw_route *r, const cg_pbjson *codec, cJSON *route, cg_err *err)
{
    const gw_rpc_route *rr = r->rpc;
    const ProtobufCMessageDescriptor *target = rr->request;
    cJSON *keys;

    if (rr->body == NULL)
        return cJSON_AddNullToObject(route, "body") != NULL
                   ? CG_OK
                   : cg_err_set(err, CG_INTERNAL, "out of memory");
    if (rr->into != NULL) {
        const ProtobufCFieldDescriptor *into = message_field(rr->request, rr->into);
        if (into == NULL)
            return cg_err_set(err, CG_INVALID_ARGUMENT, "%s %s: into \"%s\" is no message field",
                              r->method, r->pattern, rr->into);
        target = into->descriptor;
    }
    keys = cJSON_AddArrayToObject(route, "body");
    if (keys == NULL)
        return cg_err_set(err, CG_INTERNAL, "out of memory");
    for (const char *const *b = rr->body; *b != NULL; b++) {
        char key[BODY_KEY_MAX + 1];
        const char *colon = strchr(*b, ':');
        size_t len = colon != NULL ? (size_t)(colon - *b) : strlen(*b);
        if (len > BODY_KEY_MAX)
            return cg_err_set(err, CG_INVALID_ARGUMENT, "%s %s: body key \"%s\" is too long",
                              r->method, r->pattern, *b);
        memcpy(key, *b, len);
        key[len] = '\0';
        const ProtobufCFieldDescriptor *fd =
            colon != NULL ? protobuf_c_message_descriptor_get_field_by_name(target, colon + 1)
                          : field_by_key(codec, target, key, 0);
        if (fd == NULL)
            return cg_err_set(err, CG_INVALID_ARGUMENT, "%s %s: body key \"%s\" is no field of %s",
                              r->method, r->pattern, *b, target->name);
        if (!key_add(keys, key, field_kind(fd), false))
            return cg_err_set(err, CG_INTERNAL, "out of memory");
    }
    return CG_OK;
}

/* "query": the parameters read, limit and cursor last when paged. */
static bool query_json(const gw_rpc_route *rr, cJSON *route)
{
    cJSON *names = cJSON_AddArrayToObject(route, "query");
    if (names == NULL)
        return false;
    for (const gw_query_param *q = rr->query; q != NULL && q->name != NULL; q++)
        if (!cJSON_AddItemToArray(names, cJSON_CreateString(q->name)))
            return false;
    if (rr->paged && (!cJSON_AddItemToArray(names, cJSON_CreateString("limit")) ||
                      !cJSON_AddItemToArray(names, cJSON_CreateString("cursor"))))
        return false;
    /* An export pages the list itself and answers a file in the format. */
    if (rr->export != NULL && !cJSON_AddItemToArray(names, cJSON_CreateString("format")))
        return false;
    return true;
}

/* "reply": the answer's top-level keys, or hand_written (a presenter's
 * JSON, or an export's file). */
static cg_code reply_json(const gw_route *r, const cg_pbjson *codec, cJSON *route, cg_err *err)
{
    const gw_rpc_route *rr = r->rpc;
    cJSON *reply = cJSON_AddObjectToObject(route, "reply");
    cJSON *keys = reply != NULL ? cJSON_AddArrayToObject(reply, "keys") : NULL;
    bool names = r->perm != GW_PERM_PUBLIC;

    bool hand_written = rr->present != NULL || rr->export != NULL;
    if (keys == NULL || cJSON_AddBoolToObject(reply, "hand_written", hand_written) == NULL)
        return cg_err_set(err, CG_INTERNAL, "out of memory");
    if (hand_written)
        return CG_OK;
    if (rr->reply_field == NULL)
        /* The Status has become the HTTP status; the rest is the answer. */
        return message_keys(codec, rr->reply, "status", names, keys, err);
    const ProtobufCFieldDescriptor *part = message_field(rr->reply, rr->reply_field);
    if (part == NULL)
        return cg_err_set(err, CG_INVALID_ARGUMENT, "%s %s: reply_field \"%s\" is no message field",
                          r->method, r->pattern, rr->reply_field);
    return message_keys(codec, part->descriptor, NULL, names, keys, err);
}

static cg_code route_json(const gw_route *r, const cg_pbjson *codec, cJSON *route, cg_err *err)
{
    const gw_rpc_route *rr = r->rpc;
    if (cJSON_AddStringToObject(route, "method", r->method) == NULL ||
        cJSON_AddStringToObject(route, "path", r->pattern) == NULL ||
        cJSON_AddStringToObject(route, "permission", gw_perm_name(r->perm)) == NULL ||
        cJSON_AddBoolToObject(route, "public", r->perm == GW_PERM_PUBLIC) == NULL ||
        cJSON_AddBoolToObject(route, "forwards", rr != NULL) == NULL)
        return cg_err_set(err, CG_INTERNAL, "out of memory");
    if (rr == NULL)
        return cJSON_AddNullToObject(route, "status") != NULL
                   ? CG_OK
                   : cg_err_set(err, CG_INTERNAL, "out of memory");
    if (cJSON_AddNumberToObject(route, "status", rr->status != 0 ? rr->status : 200) == NULL ||
        !query_json(rr, route))
        return cg_err_set(err, CG_INTERNAL, "out of memory");
    cg_code rc = body_json(r, codec, route, err);
    return rc == CG_OK ? reply_json(r, codec, route, err) : rc;
}

cg_code gw_route_doc_json(const gw_route *routes, size_t n, const cg_pbjson *codec, cJSON **out,
                          cg_err *err)
{
    cg_code rc = CG_OK;
    cJSON *all = cJSON_CreateArray();

    *out = NULL;
    if (all == NULL) {
        rc = cg_err_set(err, CG_INTERNAL, "out of memory");
        goto cleanup;
    }
    for (size_t i = 0; i < n; i++) {
        cJSON *route = cJSON_CreateObject();
        if (route == NULL || !cJSON_AddItemToArray(all, route)) {
            cJSON_Delete(route);
            rc = cg_err_set(err, CG_INTERNAL, "out of memory");
            goto cleanup;
        }
        rc = route_json(&routes[i], codec, route, err);
        if (rc != CG_OK)
            goto cleanup;
    }
    *out = all;
    all = NULL;

cleanup:
    cJSON_Delete(all);
    return rc;
}
