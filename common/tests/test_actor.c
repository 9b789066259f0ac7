/* Unit tests of the actor taken from the CallContext and the org scope
 * checks. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "cg_test.h"
#include "cg/actor.h"

/* A service's readers, as the case service's clue readers. */
static const char *const READERS[] = {"inspector", "inspection_lead", "auditor", NULL};
#define DENIED "reading needs the inspector, inspection_lead or auditor role"

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
        assert_int_equal(cg_actor_scope(&ctx, READERS, DENIED, &scope, &err), CG_OK);
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
        assert_int_equal(cg_actor_scope(&ctx, READERS, DENIED, &scope, &err), CG_PERMISSION_DENIED);
        assert_null(scope);
        assert_string_equal(err.message, DENIED);
    }
    Cleangrid__V1__CallContext none = context(NULL, 0, "hq");
    const char *scope = NULL;
    cg_err err;
    cg_err_clear(&err);
    assert_int_equal(cg_actor_scope(&none, READERS, DENIED, &scope, &err), CG_PERMISSION_DENIED);
    assert_int_equal(cg_actor_scope(NULL, READERS, DENIED, &scope, &err), CG_PERMISSION_DENIED);
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
        assert_int_equal(cg_actor_scope(&ctx, READERS, DENIED, &scope, &err), CG_PERMISSION_DENIED);
    }
    Cleangrid__V1__CallContext ctx = context(roles, 1, NULL);
    const char *scope = NULL;
    cg_err err;
    cg_err_clear(&err);
    assert_int_equal(cg_actor_scope(&ctx, READERS, DENIED, &scope, &err), CG_PERMISSION_DENIED);
}

/* The actor of a write needs a user id as well as a role and a scope. */
static void test_actor_from_ctx(void **state)
{
    (void)state;
    char *roles[] = {"inspector"};
    Cleangrid__V1__CallContext ctx = context(roles, 1, "hq.east");
    cg_actor actor;
    cg_err err;
    cg_err_clear(&err);
    assert_int_equal(cg_actor_from_ctx(&ctx, READERS, "read clues", &actor, &err),
                     CG_PERMISSION_DENIED);
    assert_string_equal(err.message, "the caller has no data scope or user id");

    ctx.actor_user_id = "3f1d9a5e-0000-4000-8000-000000000001";
    cg_err_clear(&err);
    assert_int_equal(cg_actor_from_ctx(&ctx, READERS, "read clues", &actor, &err), CG_OK);
    assert_string_equal(actor.scope, "hq.east");
    assert_string_equal(actor.user_id, ctx.actor_user_id);
    assert_string_equal(actor.person_id, "");

    ctx.actor_person_id = "P-0001";
    assert_int_equal(cg_actor_from_ctx(&ctx, READERS, "read clues", &actor, &err), CG_OK);
    assert_string_equal(actor.person_id, "P-0001");
    assert_string_equal(actor.name_keys, "[]");

    /* Whatever form the caller sends, the actor carries the canonical one. */
    ctx.actor_person_id = " sec-subj-1\t";
    ctx.actor_name = "Wang Wu";
    assert_int_equal(cg_actor_from_ctx(&ctx, READERS, "read clues", &actor, &err), CG_OK);
    assert_string_equal(actor.person_id, "SEC-SUBJ-1");
    assert_string_equal(actor.name_keys, "[\"wangwu\"]");

    /* An id too long to compare whole is refused, never compared in part. */
    char long_id[CG_PERSON_ID_SIZE + 1];
    memset(long_id, 'x', sizeof long_id - 1);
    long_id[sizeof long_id - 1] = '\0';
    ctx.actor_person_id = long_id;
    cg_err_clear(&err);
    assert_int_equal(cg_actor_from_ctx(&ctx, READERS, "read clues", &actor, &err),
                     CG_PERMISSION_DENIED);
    ctx.actor_person_id = "P-0001";

    char *other[] = {"cadre"};
    ctx.roles = other;
    cg_err_clear(&err);
    assert_int_equal(cg_actor_from_ctx(&ctx, READERS, "read clues", &actor, &err),
                     CG_PERMISSION_DENIED);
    assert_string_equal(err.message, "your role may not read clues");
}

/* A path lies within a scope when it is the scope or below it, never when
 * it only starts with the same letters. */
static void test_path_within(void **state)
{
    (void)state;
    assert_true(cg_path_within("hq", "hq"));
    assert_true(cg_path_within("hq.east", "hq"));
    assert_true(cg_path_within("hq.east.city_a", "hq.east"));
    assert_false(cg_path_within("hq.eastern", "hq.east"));
    assert_false(cg_path_within("hq", "hq.east"));
    assert_false(cg_path_within("hq2", "hq"));
}

CG_TEST_MAIN(cmocka_unit_test(test_readers_allowed), cmocka_unit_test(test_other_roles_denied),
             cmocka_unit_test(test_scope_required), cmocka_unit_test(test_actor_from_ctx),
             cmocka_unit_test(test_path_within))
