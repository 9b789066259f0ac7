/* The OpenAPI document (docs/api/openapi.yaml) against the route table.
 *
 * Pure: it reads the document's `paths:` section line by line, without a
 * YAML library, which works because the document keeps a regular layout
 * (its header comment states the rule): each path is a key indented by two
 * spaces and each operation a lowercase method key indented by four. */
#ifndef GW_OPENAPI_H
#define GW_OPENAPI_H

#include <stddef.h>

#include "access.h"
#include "cg/status.h"

/* Longest path key and method the check reads; a longer one is an error. */
#define GW_OPENAPI_PATH_MAX 256
#define GW_OPENAPI_METHOD_MAX 8

/* Call fn for every operation (method in upper case, path as written) under
 * the document's top-level `paths:` key, in document order; stop early when
 * fn returns false. Fails (INVALID_ARGUMENT, naming the line) when the
 * document has no `paths:` key, when a two-space key under it is not a path
 * ("/..."), or when a key is too long. doc need not be NUL-terminated. */
typedef bool (*gw_openapi_op_fn)(const char *method, const char *path, void *arg);
cg_code gw_openapi_each_op(const char *doc, size_t len, gw_openapi_op_fn fn, void *arg,
                           cg_err *err);

/* Fail (INVALID_ARGUMENT) unless the document's operations and the routes are
 * the same set of (method, path) pairs: the message names the first route
 * missing from the document, or the first operation of the document that no
 * route serves, or an operation the document names twice. */
cg_code gw_openapi_check(const char *doc, size_t len, const gw_route *routes, size_t n,
                         cg_err *err);

#endif
