/* Unit tests of the audit trail's pure rules: outcomes, the action names of
 * routes (named and not), who may read the trail, and the query of
 * GET /api/v1/audit (filters, limit cap, cursor, RFC 3339 times). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cg_test.h"
#include "audit.h"

static void test_outcome(void **state)
{
    (void)state;
    assert_string_equal(gw_audit_outcome(200), "ok");
    assert_string_equal(gw_audit_outcome(201), "ok");
    assert_string_equal(gw_audit_outcome(204), "ok");
    assert_string_equal(gw_audit_outcome(401), "refused");
    assert_string_equal(gw_audit_outcome(403), "refused");
    assert_string_equal(gw_audit_outcome(400), "failed");
    assert_string_equal(gw_audit_outcome(404), "failed");
    assert_string_equal(gw_audit_outcome(503), "failed");
}

/* Outputs of the SQL functions audit_canonical() and audit_hash() on
 * PostgreSQL 15, taken with psql: the C versions must match byte for byte,
 * or verify would report every row the writer hashed as broken. */
static void test_canonical_matches_sql(void **state)
{
    (void)state;
    const char *row[GW_AUDIT_NVALUES] = {"AB6F2C47-1111-4222-8333-944445555666",
                                         "inspector.east",
                                         "inspector,custodian",
                                         "clue.read",
                                         "clue",
                                         "x\"y",
                                         "ok",
                                         "200",
                                         "req-1",
                                         "hq.east"};
    char *c = gw_audit_canonical(5, "2026-11-26T03:45:01.123456Z", row);
    assert_string_equal("[5, \"2026-11-26T03:45:01.123456Z\", "
                        "\"ab6f2c47-1111-4222-8333-944445555666\", \"inspector.east\", "
                        "\"inspector,custodian\", \"clue.read\", \"clue\", \"x\\\"y\", "
                        "\"ok\", 200, \"req-1\", \"hq.east\"]",
                        c);
    free(c);

    const char *anonymous[GW_AUDIT_NVALUES] = {
        NULL, NULL, NULL, "auth.login_failed", NULL, NULL, "refused", "401", "r", NULL};
    c = gw_audit_canonical(5, "2026-11-26T03:45:01.123456Z", anonymous);
    char hash[65];
    gw_audit_hash("0000000000000000000000000000000000000000000000000000000000000000", c, hash);
    assert_string_equal("6b94c2d54d0bd4e2cc64ada202fce8f70a83238a31bdc3dbba10418864476d3f", hash);
    free(c);

    /* PostgreSQL's escaping of control characters, quotes and backslashes;
     * other bytes (UTF-8 included) pass as they are. */
    const char *odd[GW_AUDIT_NVALUES] = {NULL, NULL,  NULL, "a.b", NULL, "a\"b\\c\001\né",
                                         "ok", "200", "r",  NULL};
    c = gw_audit_canonical(1, "t", odd);
    assert_string_equal("[1, \"t\", null, null, null, \"a.b\", null, "
                        "\"a\\\"b\\\\c\\u0001\\né\", \"ok\", 200, \"r\", null]",
                        c);
    free(c);
    /* A row with the gateway's own request id and a list's detail: all
     * twelve values, as audit_canonical() of migration 0009 prints them. */
    const char *listed[GW_AUDIT_NVALUES] = {
        "AB2E0C64-0000-4000-8000-000000000001",
        "li",
        "inspector",
        "clue.list",
        NULL,
        NULL,
        "ok",
        "200",
        "client-1",
        "hq.east",
        "5f0c6e0e-1b2c-4d3e-8f40-123456789abc",
        "{\"filter\":{\"q\":\"李 \\\"x\\\"\"},\"ids\":[\"a\"]}"};
    c = gw_audit_canonical(7, "2026-11-26T03:45:01.123456Z", listed);
    assert_string_equal(
        "[7, \"2026-11-26T03:45:01.123456Z\", \"ab2e0c64-0000-4000-8000-000000000001\", "
        "\"li\", \"inspector\", \"clue.list\", null, null, \"ok\", 200, \"client-1\", "
        "\"hq.east\", \"5f0c6e0e-1b2c-4d3e-8f40-123456789abc\", "
        "\"{\\\"filter\\\":{\\\"q\\\":\\\"李 \\\\\\\"x\\\\\\\"\\\"},\\\"ids\\\":[\\\"a\\\"]}\"]",
        c);
    free(c);
}

static void test_route_actions(void **state)
{
    (void)state;
    char buf[16];
    const char *fail = "x";
    const char *type = "x";
    assert_string_equal(
        gw_audit_route_action("POST", "/api/v1/auth/login", &fail, &type, buf, sizeof(buf)),
        "auth.login");
    assert_string_equal(fail, "auth.login_failed");
    assert_null(type);
    assert_string_equal(
        gw_audit_route_action("POST", "/api/v1/auth/logout", &fail, &type, buf, sizeof(buf)),
        "auth.logout");
    assert_null(fail);
    assert_string_equal(
        gw_audit_route_action("POST", "/api/v1/public/reports", &fail, &type, buf, sizeof(buf)),
        "report.submitted");
    /* A route nobody named is still recorded, with its pattern. */
    assert_string_equal(
        gw_audit_route_action("PATCH", "/api/v1/things/{id}", &fail, &type, buf, sizeof(buf)),
        "request.patch");
    assert_null(fail);
    assert_string_equal(type, "/api/v1/things/{id}");
    /* The method never overruns the buffer. */
    char small[12];
    const char *a = gw_audit_route_action("DELETEXYZ", "/p", &fail, &type, small, sizeof(small));
    assert_true(strlen(a) < sizeof(small));
    assert_int_equal(strncmp(a, "request.", 8), 0);
}

static void test_only_auditor_reads_the_trail(void **state)
{
    (void)state;
    for (size_t i = 0; i < gw_nroles; i++)
        assert_int_equal(gw_role_allows(gw_roles[i].name, GW_PERM_AUDIT_READ),
                         strcmp(gw_roles[i].name, "auditor") == 0);
    assert_false(gw_role_allows(NULL, GW_PERM_AUDIT_READ));
    assert_string_equal(gw_perm_name(GW_PERM_AUDIT_READ), "audit.read");
}

static void test_rfc3339(void **state)
{
    (void)state;
    static const char *const times[] = {"2026-11-26T01:02:03Z", "2026-11-26T01:02:03.123Z",
                                        "2026-11-26t01:02:03.123456789+08:00",
                                        "2026-11-26T01:02:03-05:30"};
    CG_CHECK_EACH(gw_rfc3339_valid, times, true);
    static const char *const not_times[] = {
        "2026-11-26T01:02:03",       /* no zone */
        "2026-11-26 01:02:03Z",      /* no T */
        "2026-13-26T01:02:03Z",      /* month */
        "2026-11-26T24:02:03Z",      /* hour */
        "2026-11-26T01:02:03.Z",     /* empty fraction */
        "2026-11-26T01:02:03Z'; --", /* trailing text */
        "2026-11-26T01:02:03+0800",  /* zone without colon */
        "",
    };
    CG_CHECK_EACH(gw_rfc3339_valid, not_times, false);
}

static void test_query_defaults(void **state)
{
    (void)state;
    gw_audit_query q;
    cg_err err;
    cg_err_clear(&err);
    assert_int_equal(gw_audit_query_parse(NULL, &q, &err), CG_OK);
    assert_int_equal(q.limit, GW_AUDIT_LIMIT_DEFAULT);
    assert_int_equal(q.before_id, 0);
    assert_string_equal(q.actor, "");
    assert_string_equal(q.action, "");
}

static void test_query_filters(void **state)
{
    (void)state;
    gw_audit_query q;
    cg_err err;
    cg_err_clear(&err);
    assert_int_equal(
        gw_audit_query_parse("actor=auditor.hq&action=auth.login&limit=100&cursor=42"
                             "&from=2026-11-26T00:00:00Z&to=2026-11-27T00:00:00%2B08:00",
                             &q, &err),
        CG_OK);
    assert_string_equal(q.actor, "auditor.hq");
    assert_string_equal(q.action, "auth.login");
    assert_int_equal(q.limit, 100);
    assert_int_equal(q.before_id, 42);
    assert_string_equal(q.from, "2026-11-26T00:00:00Z");
    assert_string_equal(q.to, "2026-11-27T00:00:00+08:00");
}

/* Whether gw_audit_query_parse takes the query string. */
static bool query_parses(const char *query)
{
    gw_audit_query q;
    cg_err err;
    cg_err_clear(&err);
    cg_code code = gw_audit_query_parse(query, &q, &err);
    if (code != CG_OK && code != CG_INVALID_ARGUMENT)
        fail_msg("%s: code %d", query, code);
    return code == CG_OK;
}

/* Each bad parameter is its own violation, all reported at once. */
static void test_query_refusals(void **state)
{
    (void)state;
    static const char *const bad_limits[] = {"limit=0", "limit=101", "limit=-1", "limit=abc",
                                             "limit=1000000"};
    static const char *const bad_cursors[] = {"cursor=0", "cursor=abc", "cursor=-5",
                                              "cursor=99999999999999999999"};
    static const char *const bad_dates[] = {"from=yesterday", "to=2026-11-26"};
    CG_CHECK_EACH(query_parses, bad_limits, false);
    CG_CHECK_EACH(query_parses, bad_cursors, false);
    CG_CHECK_EACH(query_parses, bad_dates, false);
    gw_audit_query q;
    cg_err err;
    cg_err_clear(&err);
    char long_actor[200] = "actor=";
    memset(long_actor + 6, 'a', 150);
    assert_int_equal(gw_audit_query_parse(long_actor, &q, &err), CG_INVALID_ARGUMENT);
    cg_err_clear(&err);
    assert_int_equal(gw_audit_query_parse("limit=0&from=x&cursor=y", &q, &err),
                     CG_INVALID_ARGUMENT);
    assert_int_equal(err.nviolations, 3);
}

CG_TEST_MAIN(cmocka_unit_test(test_outcome), cmocka_unit_test(test_canonical_matches_sql),
             cmocka_unit_test(test_route_actions),
             cmocka_unit_test(test_only_auditor_reads_the_trail), cmocka_unit_test(test_rfc3339),
             cmocka_unit_test(test_query_defaults), cmocka_unit_test(test_query_filters),
             cmocka_unit_test(test_query_refusals))
