/* Every answer of the gateway carries the security headers, whatever made
 * it: a success, a validation error, an unknown path, a missing token, an
 * oversize body, or civetweb's own answer to a request it cannot parse. */
#include "cgt.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const struct {
    const char *name;
    const char *value;
} expected[] = {
    {"Content-Security-Policy", "default-src 'none'; frame-ancestors 'none'"},
    {"X-Content-Type-Options", "nosniff"},
    {"X-Frame-Options", "DENY"},
    {"Referrer-Policy", "no-referrer"},
    {"Cache-Control", "no-store"},
};

static void check_headers(cgt_response *r, long status)
{
    char value[256], what[768];
    CGT_CHECK_STATUS(r, status);
    for (size_t i = 0; i < sizeof expected / sizeof expected[0]; i++) {
        snprintf(what, sizeof what, "%s on %s %s (%ld)", expected[i].name, r->method, r->path,
                 r->status);
        CGT_CHECK_STR(expected[i].value, cgt_header(r, expected[i].name, value, sizeof value),
                      what);
    }
    cgt_response_free(r);
}

static void every_kind_of_answer(void **state)
{
    (void)state;
    CGT_CHECK_READY();
    check_headers(cgt_get("/healthz", NULL), 200);
    check_headers(cgt_get("/api/v1/clues", NULL), 401);
    check_headers(cgt_get("/api/v1/no-such-thing", NULL), 404);
    check_headers(cgt_post_raw("/api/v1/public/reports", NULL, "application/json", "{", 1), 400);
    check_headers(cgt_post_raw("/api/v1/public/reports", NULL, "text/plain", "x", 1), 415);

    size_t big = 70000;
    char *body = malloc(big);
    memset(body, 'a', big);
    check_headers(cgt_post_raw("/api/v1/public/reports", NULL, "application/json", body, big), 413);
    free(body);

    /* A method civetweb does not know is answered by its error path. */
    check_headers(cgt_request("BREW", "/healthz", NULL, NULL, 0), 405);
}

int main(void)
{
    cgt_init("security_headers", CGT_NEED_STACK);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(every_kind_of_answer),
    };
    int failed = cmocka_run_group_tests_name("security_headers", tests, NULL, NULL);
    cgt_cleanup();
    return failed ? 1 : 0;
}
