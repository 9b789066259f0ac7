/* Unit tests of the OpenAPI check: reading the operations of a document's
 * paths: section by its layout rule, and comparing them with a route table
 * (a route missing from the document, an operation no route serves, one
 * named twice). The gateway's real table and docs/api/openapi.yaml are
 * compared by gateway_unit_openapi_doc through `cg-gateway --openapi-check`. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>
#include <stdio.h>
#include <string.h>

#include "cg_test.h"
#include "openapi.h"

static void handler(struct gw_request *req)
{
    (void)req;
}

static const gw_route routes[] = {
    {.method = "GET", .pattern = "/healthz", .perm = GW_PERM_PUBLIC, .handler = handler},
    {.method = "POST", .pattern = "/api/v1/things", .perm = GW_PERM_PUBLIC, .handler = handler},
    {.method = "GET", .pattern = "/api/v1/things/{id}", .perm = GW_PERM_PUBLIC, .handler = handler},
};
#define NROUTES (sizeof(routes) / sizeof(routes[0]))

/* A document for routes[], with the keys that must not count as
 * operations: path-level parameters, a "get:" deeper down, a comment, and a
 * components section after paths. */
static const char good[] = "openapi: 3.1.0\n"
                           "info:\n"
                           "  title: t\n"
                           "  /not-a-path-outside-paths:\n"
                           "    get:\n"
                           "paths:\n"
                           "  /healthz:\n"
                           "    get:\n"
                           "      responses:\n"
                           "        \"200\":\n"
                           "          get: not an operation\n"
                           "\n"
                           "  # a comment\n"
                           "  /api/v1/things:\n"
                           "    summary: things\r\n"
                           "    post:   # create\n"
                           "      description: x\n"
                           "  \"/api/v1/things/{id}\":\n"
                           "    parameters:\n"
                           "      - name: id\n"
                           "    get:\n"
                           "components:\n"
                           "  /also-not-a-path:\n"
                           "    post:\n";

static cg_code check(const char *doc, cg_err *err)
{
    cg_err_clear(err);
    return gw_openapi_check(doc, strlen(doc), routes, NROUTES, err);
}

typedef struct collected {
    char ops[16][300];
    size_t n;
} collected;

static bool collect(const char *method, const char *path, void *arg)
{
    collected *c = arg;
    if (c->n < 16)
        snprintf(c->ops[c->n++], sizeof(c->ops[0]), "%s %s", method, path);
    return true;
}

static void test_reads_operations_by_layout(void **state)
{
    (void)state;
    collected c = {.n = 0};
    cg_err err;
    cg_err_clear(&err);
    /* A quoted key is not unquoted, so it would not match; the good
     * document's quoted path is checked through gw_openapi_check below. */
    static const char doc[] = "paths:\n  /a:\n    get:\n    post:\n    summary: s\n"
                              "  /b/{id}:\n    delete:\n    x-get:\n";
    assert_int_equal(gw_openapi_each_op(doc, sizeof(doc) - 1, collect, &c, &err), CG_OK);
    assert_int_equal(c.n, 3);
    assert_string_equal(c.ops[0], "GET /a");
    assert_string_equal(c.ops[1], "POST /a");
    assert_string_equal(c.ops[2], "DELETE /b/{id}");
}

static void test_matching_document_passes(void **state)
{
    (void)state;
    cg_err err;
    /* The quoted path key does not match "/api/v1/things/{id}"... */
    assert_int_equal(check(good, &err), CG_INVALID_ARGUMENT);
    assert_non_null(strstr(err.message, "\"/api/v1/things/{id}\""));
    /* ...so the layout rule says: plain keys. With it, the document passes. */
    char fixed[sizeof(good)];
    snprintf(fixed, sizeof(fixed), "%s", good);
    char *q = strstr(fixed, "  \"/api/v1/things/{id}\":");
    assert_non_null(q);
    memmove(q + 2, q + 3, strlen(q + 3) + 1); /* drop the opening quote */
    char *close = strstr(q, "}\":");
    memmove(close + 1, close + 2, strlen(close + 2) + 1); /* and the closing one */
    assert_int_equal(check(fixed, &err), CG_OK);
}

/* Documents the check refuses for routes[], and what its message says. */
static const struct {
    const char *doc, *says;
} refused[] = {
    /* A route missing from the document. */
    {"paths:\n  /healthz:\n    get:\n  /api/v1/things:\n    post:\n",
     "GET /api/v1/things/{id} is missing"},
    /* An operation no route serves: a method, then a path. */
    {"paths:\n  /healthz:\n    get:\n    post:\n  /api/v1/things:\n"
     "    post:\n  /api/v1/things/{id}:\n    get:\n",
     "POST /healthz, which is not a route"},
    {"paths:\n  /healthz:\n    get:\n  /api/v1/things:\n"
     "    post:\n  /api/v1/thing/{id}:\n    get:\n",
     "GET /api/v1/thing/{id}, which is not a route"},
    /* One named twice. */
    {"paths:\n  /healthz:\n    get:\n  /api/v1/things:\n    post:\n"
     "  /api/v1/things/{id}:\n    get:\n  /healthz:\n    get:\n",
     "GET /healthz twice"},
    /* Malformed documents. */
    {"openapi: 3.1.0\n", "no top-level paths"},
    {"paths:\n  healthz:\n    get:\n", "line 2"},
    {"paths:\n    get:\n", "before any path"},
};

static void test_refused_documents(void **state)
{
    (void)state;
    for (size_t i = 0; i < CG_NROWS(refused); i++) {
        cg_err err;
        if (check(refused[i].doc, &err) != CG_INVALID_ARGUMENT)
            fail_msg("taken:\n%s", refused[i].doc);
        if (strstr(err.message, refused[i].says) == NULL)
            fail_msg("\"%s\" does not say \"%s\", for:\n%s", err.message, refused[i].says,
                     refused[i].doc);
    }
}

static void test_long_key_and_empty_table(void **state)
{
    (void)state;
    cg_err err;
    char longkey[600] = "paths:\n  /";
    memset(longkey + strlen(longkey), 'a', 400);
    strcat(longkey, ":\n");
    assert_int_equal(check(longkey, &err), CG_INVALID_ARGUMENT);
    /* An empty route table and an empty paths: section agree. */
    cg_err_clear(&err);
    assert_int_equal(gw_openapi_check("paths:\n", 7, routes, 0, &err), CG_OK);
}

CG_TEST_MAIN(cmocka_unit_test(test_reads_operations_by_layout),
             cmocka_unit_test(test_matching_document_passes),
             cmocka_unit_test(test_refused_documents),
             cmocka_unit_test(test_long_key_and_empty_table))
