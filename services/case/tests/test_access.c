/* Unit tests of who may read clues and the org path check. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "access.h"

static Cleangrid__V1__CallContext context(char **roles, size_t n, const char *scope)
{
    Cleangrid__V1__CallContext ctx = CLEANGRID__V1__CALL_CONTEXT__INIT;
    ctx.roles = roles;
    ctx.n_roles = n;
    ctx.org_scope_path = (char *)scope;
    return ctx;
}

static void test_readers_allowed(void **state)
{
    (void)state;
    static const char *const readers[] = {"inspector", "inspection_lead", "auditor"};
    for (size_t i = 0; i < sizeof readers / sizeof readers[0]; i++) {
        char *roles[] = {"cadre", (char *)readers[i]};
        Cleangrid__V1__CallContext ctx = context(roles, 2, "hq.east");
        const char *scope = NULL;
        cg_err err;
        cg_err_clear(&err);
        assert_int_equal(case_access_clue_reader(&ctx, &scope, &err), CG_OK);
        assert_string_equal(scope, "hq.east");
    }
}

static void test_other_roles_denied(void **state)
{
    (void)state;
    /* The admin sees no case content. */
    static const char *const others[] = {"admin", "intake_officer", "custodian", "unit_leader",
                                         "cadre", "Inspector",      "inspector "};
    for (size_t i = 0; i < sizeof others / sizeof others[0]; i++) {
        char *roles[] = {(char *)others[i]};
        Cleangrid__V1__CallContext ctx = context(roles, 1, "hq");
        const char *scope = NULL;
        cg_err err;
        cg_err_clear(&err);
        assert_int_equal(case_access_clue_reader(&ctx, &scope, &err), CG_PERMISSION_DENIED);
        assert_null(scope);
    }
    Cleangrid__V1__CallContext none = context(NULL, 0, "hq");
    const char *scope = NULL;
    cg_err err;
    cg_err_clear(&err);
    assert_int_equal(case_access_clue_reader(&none, &scope, &err), CG_PERMISSION_DENIED);
    assert_int_equal(case_access_clue_reader(NULL, &scope, &err), CG_PERMISSION_DENIED);
}

/* No scope, or one that is not a path, is no access, never "everything". */
static void test_scope_required(void **state)
{
    (void)state;
    static const char *const bad[] = {"", "hq..east", "*", "hq.*", "hq|east"};
    char *roles[] = {"auditor"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        Cleangrid__V1__CallContext ctx = context(roles, 1, bad[i]);
        const char *scope = NULL;
        cg_err err;
        cg_err_clear(&err);
        assert_int_equal(case_access_clue_reader(&ctx, &scope, &err), CG_PERMISSION_DENIED);
    }
    Cleangrid__V1__CallContext ctx = context(roles, 1, NULL);
    const char *scope = NULL;
    cg_err err;
    cg_err_clear(&err);
    assert_int_equal(case_access_clue_reader(&ctx, &scope, &err), CG_PERMISSION_DENIED);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_readers_allowed),
        cmocka_unit_test(test_other_roles_denied),
        cmocka_unit_test(test_scope_required),
    };
    return cmocka_run_group_tests_name("case_access", tests, NULL, NULL);
}
