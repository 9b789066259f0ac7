/* What each route of a route table takes and answers, as JSON, for the
 * check that keeps docs/api/openapi.yaml in step with the table
 * (tools/openapi-check/compare.mjs, through `cg-gateway --routes-json`).
 *
 * Pure: everything comes from the table, the codec that shows its messages
 * (cg/pbjson.h) and the table of names put beside ids (names.h). A route
 * is described as
 *
 *   {"method": "GET", "path": "/api/v1/clues/{id}", "permission": "clue.read",
 *    "public": false, "forwards": true, "status": 200,
 *    "body": null, "query": [],
 *    "reply": {"hand_written": false,
 *              "keys": [{"key": "id", "kind": "scalar"}, ...,
 *                       {"key": "handler_name", "kind": "scalar", "names": true}]}}
 *
 * A hand-written route (no rpc) has only the first five members and status
 * null: its handler decides what it takes and answers. For a forwarding
 * route, body is null when it reads no body, else the keys a client may
 * set (an alias "key:field" as its key); query the parameters it reads
 * (limit and cursor when paged); reply the keys at the top of its answer,
 * INLINE members flattened, with the name members gw_names_annotate() adds
 * beside ids marked "names" (never on a public route, whose answers carry
 * no names), or hand_written true and no keys when a presenter writes the
 * answer. kind is "array", "object" or "scalar", enough to compare with a
 * schema's property types loosely. */
#ifndef GW_ROUTE_DOC_H
#define GW_ROUTE_DOC_H

#include <stddef.h>

#include <cjson/cJSON.h>

#include "access.h"
#include "cg/pbjson.h"
#include "cg/status.h"

/* The descriptions of routes[0..n), in table order, as a JSON array into
 * *out, owned by the caller (cJSON_Delete). codec (borrowed) must have
 * prepared the request and reply of every forwarding route
 * (gw_codec_create). INVALID_ARGUMENT when a route's body key, reply field
 * or `into` names no field of its message (the table is wrong); INTERNAL
 * when out of memory. */
cg_code gw_route_doc_json(const gw_route *routes, size_t n, const cg_pbjson *codec, cJSON **out,
                          cg_err *err);

#endif
