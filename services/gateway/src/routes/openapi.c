/* The OpenAPI document against the route table (openapi.h). */
#include "openapi.h"

#include <ctype.h>
#include <stdbool.h>
#include <string.h>

#include "cg/util.h"

/* The operation keys of an OpenAPI path item; any other four-space key
 * (summary, parameters, servers, ...) is not an operation. */
static const char *const op_keys[] = {"get",  "put",     "post",  "delete",
                                      "head", "options", "patch", "trace"};
#define NOP_KEYS (sizeof(op_keys) / sizeof(op_keys[0]))

/* Number of leading spaces of the line [p, end). */
static size_t indent_of(const char *p, const char *end)
{
    size_t n = 0;
    while (p + n < end && p[n] == ' ')
        n++;
    return n;
}

/* The key of a "key:" line (after the indent) into out: the text before the
 * first ':' followed by a space, a '#' or the end of the line, with trailing
 * spaces dropped. False when there is no such colon or it does not fit. */
static bool key_of(const char *p, const char *end, char *out, size_t size)
{
    const char *colon = NULL;
    for (const char *c = p; c < end; c++) {
        if (*c == ':' && (c + 1 == end || c[1] == ' ' || c[1] == '#')) {
            colon = c;
            break;
        }
    }
    if (colon == NULL)
        return false;
    size_t n = (size_t)(colon - p);
    while (n > 0 && p[n - 1] == ' ')
        n--;
    if (n == 0 || n >= size)
        return false;
    memcpy(out, p, n);
    out[n] = '\0';
    return true;
}

cg_code gw_openapi_each_op(const char *doc, size_t len, gw_openapi_op_fn fn, void *arg, cg_err *err)
{
    const char *end = doc + len;
    char path[GW_OPENAPI_PATH_MAX + 1] = "";
    char key[GW_OPENAPI_PATH_MAX + 1];
    bool in_paths = false;
    bool seen_paths = false;
    unsigned line_no = 0;

    for (const char *p = doc; p < end;) {
        const char *eol = memchr(p, '\n', (size_t)(end - p));
        const char *next = eol ? eol + 1 : end;
        const char *stop = eol ? eol : end;
        if (stop > p && stop[-1] == '\r')
            stop--;
        line_no++;
        size_t ind = indent_of(p, stop);
        const char *text = p + ind;
        p = next;
        /* Blank lines and comments carry no keys. */
        if (text == stop || *text == '#')
            continue;
        if (ind == 0) {
            in_paths = stop - text >= 6 && memcmp(text, "paths:", 6) == 0 &&
                       indent_of(text + 6, stop) == (size_t)(stop - text - 6);
            seen_paths = seen_paths || in_paths;
            continue;
        }
        if (!in_paths || (ind != 2 && ind != 4))
            continue;
        if (!key_of(text, stop, key, sizeof(key)))
            return cg_err_set(err, CG_INVALID_ARGUMENT,
                              "openapi line %u: no key, or a key over %d bytes, at indent %zu",
                              line_no, GW_OPENAPI_PATH_MAX, ind);
        if (ind == 2) {
            if (key[0] != '/')
                return cg_err_set(err, CG_INVALID_ARGUMENT,
                                  "openapi line %u: \"%s\" under paths: is not a path", line_no,
                                  key);
            cg_strlcpy(path, key, sizeof(path));
            continue;
        }
        for (size_t i = 0; i < NOP_KEYS; i++) {
            if (strcmp(key, op_keys[i]) != 0)
                continue;
            if (path[0] == '\0')
                return cg_err_set(err, CG_INVALID_ARGUMENT,
                                  "openapi line %u: an operation before any path", line_no);
            char method[GW_OPENAPI_METHOD_MAX + 1];
            size_t k = 0;
            for (; key[k] != '\0' && k < GW_OPENAPI_METHOD_MAX; k++)
                method[k] = (char)toupper((unsigned char)key[k]);
            method[k] = '\0';
            if (!fn(method, path, arg))
                return CG_OK;
            break;
        }
    }
    if (!seen_paths)
        return cg_err_set(err, CG_INVALID_ARGUMENT, "openapi: no top-level paths: key");
    return CG_OK;
}

/* State of gw_openapi_check() while it walks the document's operations. */
typedef struct check_walk {
    const gw_route *routes;
    size_t n;
    bool *documented; /* one per route */
    cg_err *err;
    bool failed;
} check_walk;

static bool check_op(const char *method, const char *path, void *arg)
{
    check_walk *w = arg;
    for (size_t i = 0; i < w->n; i++) {
        if (strcmp(w->routes[i].method, method) != 0 || strcmp(w->routes[i].pattern, path) != 0)
            continue;
        if (w->documented[i]) {
            cg_err_set(w->err, CG_INVALID_ARGUMENT, "openapi names %s %s twice", method, path);
            w->failed = true;
            return false;
        }
        w->documented[i] = true;
        return true;
    }
    cg_err_set(w->err, CG_INVALID_ARGUMENT,
               "openapi names %s %s, which is not a route of the gateway", method, path);
    w->failed = true;
    return false;
}

cg_code gw_openapi_check(const char *doc, size_t len, const gw_route *routes, size_t n, cg_err *err)
{
    /* A route table is small (tens of routes); a fixed bound keeps this free
     * of allocation. */
    bool documented[512] = {false};
    if (n > sizeof(documented) / sizeof(documented[0]))
        return cg_err_set(err, CG_INVALID_ARGUMENT, "openapi check: over %zu routes",
                          sizeof(documented) / sizeof(documented[0]));
    check_walk w = {.routes = routes, .n = n, .documented = documented, .err = err};
    cg_code rc = gw_openapi_each_op(doc, len, check_op, &w, err);
    if (rc != CG_OK)
        return rc;
    if (w.failed)
        return CG_INVALID_ARGUMENT;
    for (size_t i = 0; i < n; i++)
        if (!documented[i])
            return cg_err_set(err, CG_INVALID_ARGUMENT,
                              "the route %s %s is missing from the openapi document",
                              routes[i].method, routes[i].pattern);
    return CG_OK;
}
