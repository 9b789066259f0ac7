/* Unit tests of who may call what: the role table, path patterns, finding a
 * request's route (a literal segment beats {id}, Allow for 405), the
 * start-time check of a route table, and the generated docs/access.md. The
 * gateway's real table is checked by gateway_unit_access_doc, which runs the
 * same check through `cg-gateway --access-matrix`. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cg_test.h"
#include "access.h"
#include "forward.h"

static void handler(struct gw_request *req)
{
    (void)req;
}

/* --- roles and permissions ------------------------------------------------ */

static void test_roles_of_the_brief(void **state)
{
    (void)state;
    static const char *const brief[] = {"admin",          "inspector", "inspection_lead",
                                        "intake_officer", "custodian", "unit_leader",
                                        "cadre",          "auditor",   "hr"};
    assert_int_equal(gw_nroles, sizeof(brief) / sizeof(brief[0]));
    for (size_t i = 0; i < gw_nroles; i++) {
        assert_string_equal(gw_roles[i].name, brief[i]);
        assert_non_null(gw_roles[i].duties);
        /* A grant of PUBLIC, AUTHENTICATED or UNSET would mean nothing. */
        assert_int_equal(gw_roles[i].grants & (GW_GRANT(GW_PERM_UNSET) | GW_GRANT(GW_PERM_PUBLIC) |
                                               GW_GRANT(GW_PERM_AUTHENTICATED)),
                         0);
        assert_int_equal(gw_roles[i].grants >> GW_PERM_COUNT, 0);
    }
}

static void test_every_role_may_log_in_and_use_public_routes(void **state)
{
    (void)state;
    for (size_t i = 0; i < gw_nroles; i++) {
        assert_true(gw_role_allows(gw_roles[i].name, GW_PERM_PUBLIC));
        assert_true(gw_role_allows(gw_roles[i].name, GW_PERM_AUTHENTICATED));
        assert_false(gw_role_allows(gw_roles[i].name, GW_PERM_UNSET));
        assert_false(gw_role_allows(gw_roles[i].name, GW_PERM_COUNT));
    }
}

/* A role the table does not know gets nothing but the public routes. */
static void test_unknown_role_refused(void **state)
{
    (void)state;
    static const char *const unknown[] = {"", "Inspector", "inspector ", "root", "superuser"};
    for (size_t i = 0; i < sizeof(unknown) / sizeof(unknown[0]); i++) {
        assert_true(gw_role_allows(unknown[i], GW_PERM_PUBLIC));
        for (int p = GW_PERM_AUTHENTICATED; p < GW_PERM_COUNT; p++)
            assert_false(gw_role_allows(unknown[i], (gw_perm)p));
    }
    assert_false(gw_role_allows(NULL, GW_PERM_AUTHENTICATED));
    assert_false(gw_role_allows(NULL, GW_PERM_CLUE_READ));
}

/* The decisions of the brief, as properties of the table rather than of
 * today's permissions, so a new permission is held to them too. Permission
 * names are <thing>.<verb>. */
static void test_policy_of_the_brief(void **state)
{
    (void)state;
    for (int p = GW_PERM_AUTHENTICATED + 1; p < GW_PERM_COUNT; p++) {
        const char *name = gw_perm_name((gw_perm)p);
        size_t n = strlen(name);
        /* The auditor reads and changes nothing. */
        if (gw_role_allows("auditor", (gw_perm)p))
            assert_true(n > 5 && strcmp(name + n - 5, ".read") == 0);
        /* The admin sees no case content. */
        if (gw_role_allows("admin", (gw_perm)p))
            assert_true(strncmp(name, "clue.", 5) != 0 && strncmp(name, "case.", 5) != 0);
    }
    assert_true(gw_role_allows("inspector", GW_PERM_CLUE_READ));
    assert_true(gw_role_allows("inspection_lead", GW_PERM_CLUE_READ));
    assert_true(gw_role_allows("auditor", GW_PERM_CLUE_READ));
    static const char *const no_clues[] = {"admin", "intake_officer", "custodian", "unit_leader",
                                           "cadre"};
    for (size_t i = 0; i < sizeof(no_clues) / sizeof(no_clues[0]); i++)
        assert_false(gw_role_allows(no_clues[i], GW_PERM_CLUE_READ));
}

static void test_principal_roles(void **state)
{
    (void)state;
    gw_principal who;
    memset(&who, 0, sizeof(who));
    assert_true(gw_principal_set_roles(&who, "inspector,custodian"));
    assert_int_equal(2, who.nroles);
    assert_string_equal("custodian", who.roles[1]);
    assert_string_equal("inspector,custodian", who.role_list);
    /* The union of the roles' permissions, nothing more. */
    assert_true(gw_principal_allows(&who, GW_PERM_CLUE_READ));
    assert_false(gw_principal_allows(&who, GW_PERM_AUDIT_READ));
    assert_false(gw_principal_allows(&who, GW_PERM_ACCOUNTS_ADMIN));
    assert_true(gw_principal_set_roles(&who, "auditor"));
    assert_true(gw_principal_allows(&who, GW_PERM_AUDIT_READ));
    assert_false(gw_principal_allows(&who, GW_PERM_CLUE_READ) &&
                 gw_principal_allows(&who, GW_PERM_ACCOUNTS_ADMIN));

    assert_false(gw_principal_set_roles(&who, ""));
    assert_false(gw_principal_set_roles(&who, "inspector,"));
    assert_false(gw_principal_set_roles(&who, "a,b,c,d,e"));
    assert_int_equal(0, who.nroles);
    assert_false(gw_principal_allows(&who, GW_PERM_AUTHENTICATED));
    assert_true(gw_principal_allows(&who, GW_PERM_PUBLIC));
}

static void test_perm_names(void **state)
{
    (void)state;
    for (int p = GW_PERM_PUBLIC; p < GW_PERM_COUNT; p++) {
        const char *name = gw_perm_name((gw_perm)p);
        assert_string_not_equal(name, "unknown");
        assert_string_not_equal(gw_perm_meaning((gw_perm)p), "unknown");
        for (int q = GW_PERM_PUBLIC; q < p; q++)
            assert_string_not_equal(name, gw_perm_name((gw_perm)q));
    }
    assert_string_equal(gw_perm_name(GW_PERM_CLUE_READ), "clue.read");
    assert_string_equal(gw_perm_name(GW_PERM_COUNT), "unknown");
    assert_string_equal(gw_perm_name((gw_perm)-1), "unknown");
}

/* --- patterns and finding the route ------------------------------------- */

static void test_match(void **state)
{
    (void)state;
    static const struct {
        const char *pattern;
        const char *path;
        const char *id; /* NULL: no match */
    } cases[] = {
        {"/healthz", "/healthz", ""},
        {"/healthz", "/healthz/", NULL},
        {"/healthz", "/healthzz", NULL},
        {"/api/v1/clues", "/api/v1", NULL},
        {"/api/v1/clues", "/api//v1/clues", NULL},
        {"/api/v1/clues/{id}", "/api/v1/clues/abc-1", "abc-1"},
        {"/api/v1/clues/{id}", "/api/v1/clues/", NULL},
        {"/api/v1/clues/{id}", "/api/v1/clues", NULL},
        {"/api/v1/clues/{id}", "/api/v1/clues/a/b", NULL},
        {"/cases/{id}/documents", "/cases/42/documents", "42"},
        {"/cases/{id}/documents", "/cases//documents", NULL},
        {"/cases/{id}/documents", "/cases/42/document", NULL},
    };
    char id[GW_ROUTE_ID_MAX + 1];
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        bool matched = gw_route_match(cases[i].pattern, cases[i].path, id, sizeof(id));
        assert_int_equal(matched, cases[i].id != NULL);
        if (matched)
            assert_string_equal(id, cases[i].id);
    }

    /* An id of the longest length matches; one byte more is no route. */
    char path[16 + GW_ROUTE_ID_MAX + 2];
    strcpy(path, "/clues/");
    memset(path + 7, 'x', GW_ROUTE_ID_MAX);
    path[7 + GW_ROUTE_ID_MAX] = '\0';
    assert_true(gw_route_match("/clues/{id}", path, id, sizeof(id)));
    assert_int_equal(strlen(id), GW_ROUTE_ID_MAX);
    path[7 + GW_ROUTE_ID_MAX] = 'x';
    path[8 + GW_ROUTE_ID_MAX] = '\0';
    assert_false(gw_route_match("/clues/{id}", path, id, sizeof(id)));
}

static const gw_route find_table[] = {
    {.method = "GET", .pattern = "/a/{id}", .perm = GW_PERM_CLUE_READ, .handler = handler},
    {.method = "GET", .pattern = "/a/b", .perm = GW_PERM_PUBLIC, .handler = handler},
    {.method = "DELETE", .pattern = "/a/{id}", .perm = GW_PERM_CLUE_READ, .handler = handler},
    {.method = "POST", .pattern = "/a", .perm = GW_PERM_PUBLIC, .handler = handler},
    {.method = "GET", .pattern = "/{id}/b", .perm = GW_PERM_PUBLIC, .handler = handler},
};
#define NFIND (sizeof(find_table) / sizeof(find_table[0]))

static void test_find(void **state)
{
    (void)state;
    static const struct {
        const char *method;
        const char *path;
        int route; /* index in find_table, or -1 for none */
        const char *id;
        const char *allow;
    } cases[] = {
        /* The literal route beats both {id} routes that match /a/b. */
        {"GET", "/a/b", 1, "", ""},
        {"GET", "/a/x", 0, "x", ""},
        /* Of two {id} routes, the one whose {id} stands later wins. */
        {"GET", "/z/b", 4, "z", ""},
        {"DELETE", "/a/b", 2, "b", ""},
        /* Known path, other method: Allow lists each method once. */
        {"PUT", "/a/b", -1, "", "GET, DELETE"},
        {"GET", "/a", -1, "", "POST"},
        /* Unknown paths. */
        {"GET", "/nope", -1, "", ""},
        {"GET", "/a/b/c", -1, "", ""},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        char id[GW_ROUTE_ID_MAX + 1];
        char allow[64];
        const gw_route *r = gw_route_find(find_table, NFIND, cases[i].method, cases[i].path, id,
                                          sizeof(id), allow, sizeof(allow));
        assert_ptr_equal(r, cases[i].route < 0 ? NULL : &find_table[cases[i].route]);
        assert_string_equal(id, cases[i].id);
        assert_string_equal(allow, cases[i].allow);
    }
}

/* --- the start-time check ------------------------------------------------- */

/* Check a table of one route and return the message ("" when it passed). */
static void check_one(const gw_route *r, cg_code want, const char *needle)
{
    cg_err err;
    cg_err_clear(&err);
    assert_int_equal(gw_route_table_check(r, 1, &err), want);
    if (needle != NULL && strstr(err.message, needle) == NULL)
        fail_msg("\"%s\" is not in \"%s\"", needle, err.message);
}

static void test_check_accepts_a_good_table(void **state)
{
    (void)state;
    cg_err err;
    cg_err_clear(&err);
    assert_int_equal(gw_route_table_check(find_table, NFIND, &err), CG_OK);
}

/* The reason for the check: an initializer that forgot .perm. */
static void test_check_refuses_a_route_without_permission(void **state)
{
    (void)state;
    static const gw_route forgot[] = {
        {.method = "GET", .pattern = "/api/v1/secret", .handler = handler},
    };
    check_one(forgot, CG_INVALID_ARGUMENT, "route 0 (GET /api/v1/secret): no permission");
    const gw_route unknown = {
        .method = "GET", .pattern = "/x", .perm = GW_PERM_COUNT, .handler = handler};
    check_one(&unknown, CG_INVALID_ARGUMENT, "unknown permission");
}

static void test_check_refuses_duplicates(void **state)
{
    (void)state;
    static const gw_route twice[] = {
        {.method = "GET", .pattern = "/a", .perm = GW_PERM_PUBLIC, .handler = handler},
        {.method = "POST", .pattern = "/a", .perm = GW_PERM_PUBLIC, .handler = handler},
        {.method = "GET", .pattern = "/a", .perm = GW_PERM_CLUE_READ, .handler = handler},
    };
    cg_err err;
    cg_err_clear(&err);
    assert_int_equal(gw_route_table_check(twice, 3, &err), CG_INVALID_ARGUMENT);
    assert_non_null(strstr(err.message, "route 2 (GET /a): declared twice (also route 0)"));
    cg_err_clear(&err);
    assert_int_equal(gw_route_table_check(twice, 2, &err), CG_OK);
    cg_err_clear(&err);
    assert_int_equal(gw_route_table_check(twice, 0, &err), CG_INVALID_ARGUMENT);
}

static void test_check_refuses_bad_routes(void **state)
{
    (void)state;
    static const char *const bad_patterns[] = {"",      "a",          "/",      "/a/",   "//a",
                                               "/a//b", "/{id}/{id}", "/a{id}", "/{ID}", "/{x}",
                                               "/a b",  "/a?b",       "/a%20"};
    for (size_t i = 0; i < sizeof(bad_patterns) / sizeof(bad_patterns[0]); i++) {
        const gw_route r = {.method = "GET",
                            .pattern = bad_patterns[i],
                            .perm = GW_PERM_PUBLIC,
                            .handler = handler};
        check_one(&r, CG_INVALID_ARGUMENT, "pattern");
    }
    const gw_route no_pattern = {.method = "GET", .perm = GW_PERM_PUBLIC, .handler = handler};
    check_one(&no_pattern, CG_INVALID_ARGUMENT, "(no pattern)");

    static const char *const bad_methods[] = {"", "get", "G3T", "VERYLONGMETHODNAME"};
    for (size_t i = 0; i < sizeof(bad_methods) / sizeof(bad_methods[0]); i++) {
        const gw_route r = {
            .method = bad_methods[i], .pattern = "/a", .perm = GW_PERM_PUBLIC, .handler = handler};
        check_one(&r, CG_INVALID_ARGUMENT, "method");
    }
    const gw_route no_method = {.pattern = "/a", .perm = GW_PERM_PUBLIC, .handler = handler};
    check_one(&no_method, CG_INVALID_ARGUMENT, "(no method)");

    const gw_route no_handler = {.method = "GET", .pattern = "/a", .perm = GW_PERM_PUBLIC};
    check_one(&no_handler, CG_INVALID_ARGUMENT, "no handler");
    static const gw_rpc_route rpc = {.service = "case", .method = "GetClue"};
    const gw_route both = {
        .method = "GET", .pattern = "/a", .perm = GW_PERM_PUBLIC, .handler = handler, .rpc = &rpc};
    check_one(&both, CG_INVALID_ARGUMENT, "both a handler and an rpc");

    const gw_route good = {.method = "PATCH",
                           .pattern = "/a-b/{id}/c_d.e~f",
                           .perm = GW_PERM_PUBLIC,
                           .handler = handler};
    check_one(&good, CG_OK, NULL);
}

/* --- docs/access.md ---------------------------------------------------------- */

static void test_doc(void **state)
{
    (void)state;
    char *text = NULL;
    size_t len = 0;
    FILE *out = open_memstream(&text, &len);
    assert_non_null(out);
    assert_true(gw_access_doc_write(out, find_table, 2));
    fclose(out);

    /* Columns in the role table's order, a row per route. */
    assert_non_null(strstr(text, "| method | path | permission | admin | inspector | "
                                 "inspection_lead | intake_officer | custodian | unit_leader | "
                                 "cadre | auditor | hr |\n"));
    assert_non_null(strstr(text, "| GET | `/a/{id}` | `clue.read` | no | yes | yes | no | no | "
                                 "no | no | yes | no |\n"));
    assert_non_null(strstr(text, "| GET | `/a/b` | `public` | yes | yes | yes | yes | yes | yes "
                                 "| yes | yes | yes |\n"));
    assert_non_null(strstr(text, "| `clue.read` | "));
    assert_non_null(strstr(text, "| `auditor` | "));
    assert_null(strstr(text, "DELETE"));
    free(text);
}

CG_TEST_MAIN(cmocka_unit_test(test_roles_of_the_brief),
             cmocka_unit_test(test_every_role_may_log_in_and_use_public_routes),
             cmocka_unit_test(test_unknown_role_refused),
             cmocka_unit_test(test_policy_of_the_brief), cmocka_unit_test(test_perm_names),
             cmocka_unit_test(test_principal_roles), cmocka_unit_test(test_match),
             cmocka_unit_test(test_find), cmocka_unit_test(test_check_accepts_a_good_table),
             cmocka_unit_test(test_check_refuses_a_route_without_permission),
             cmocka_unit_test(test_check_refuses_duplicates),
             cmocka_unit_test(test_check_refuses_bad_routes), cmocka_unit_test(test_doc))
