/* Unit tests of the administration API's pure rules: usernames, unit codes,
 * roles, body members and page requests. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>
#include <string.h>

#include "admin_rules.h"

static void test_names(void **state)
{
    (void)state;
    assert_true(gw_username_valid("inspector.east"));
    assert_true(gw_username_valid("a-b_c9"));
    assert_false(gw_username_valid(""));
    assert_false(gw_username_valid(".hidden"));
    assert_false(gw_username_valid("Inspector"));
    assert_false(gw_username_valid("has space"));
    assert_false(gw_username_valid("x'; drop table accounts; --"));
    char long_name[66];
    memset(long_name, 'a', 65);
    long_name[65] = '\0';
    assert_false(gw_username_valid(long_name));
    long_name[64] = '\0';
    assert_true(gw_username_valid(long_name));

    assert_true(gw_unit_code_valid("city_a"));
    assert_false(gw_unit_code_valid("city-a"));
    assert_false(gw_unit_code_valid("hq.east"));
    assert_false(gw_unit_code_valid(""));

    assert_true(gw_role_known("inspection_lead"));
    assert_true(gw_role_known("admin"));
    assert_false(gw_role_known("root"));
    assert_false(gw_role_known(NULL));
}

static bool has_violation(const cg_err *err, const char *field, const char *text)
{
    for (size_t i = 0; i < err->nviolations; i++)
        if (strcmp(err->violations[i].field, field) == 0 &&
            strstr(err->violations[i].description, text) != NULL)
            return true;
    return false;
}

static void test_body_fields(void **state)
{
    (void)state;
    cg_err err;
    gw_body_field f[] = {{"code", true, 4, NULL}, {"name", false, 0, NULL}};
    cJSON *b = cJSON_Parse("{\"code\":\"abcd\",\"name\":\"东部\"}");
    assert_int_equal(gw_body_fields(b, f, 2, &err), CG_OK);
    assert_string_equal(f[0].value, "abcd");
    assert_string_equal(f[1].value, "东部");
    cJSON_Delete(b);

    b = cJSON_Parse("{\"name\":1,\"extra\":\"x\"}");
    assert_int_equal(gw_body_fields(b, f, 2, &err), CG_INVALID_ARGUMENT);
    assert_true(has_violation(&err, "code", "is required"));
    assert_true(has_violation(&err, "name", "must be a string"));
    assert_true(has_violation(&err, "extra", "is not a member"));
    assert_null(f[1].value);
    cJSON_Delete(b);

    /* Length in characters: four Chinese characters fit four. */
    b = cJSON_Parse("{\"code\":\"纪检监察\"}");
    assert_int_equal(gw_body_fields(b, f, 2, &err), CG_OK);
    cJSON_Delete(b);
    b = cJSON_Parse("{\"code\":\"abcde\"}");
    assert_int_equal(gw_body_fields(b, f, 2, &err), CG_INVALID_ARGUMENT);
    assert_true(has_violation(&err, "code", "at most 4"));
    cJSON_Delete(b);
    b = cJSON_Parse("{\"code\":\"\"}");
    assert_int_equal(gw_body_fields(b, f, 2, &err), CG_INVALID_ARGUMENT);
    assert_true(has_violation(&err, "code", "must not be empty"));
    cJSON_Delete(b);
    b = cJSON_Parse("[1]");
    assert_int_equal(gw_body_fields(b, f, 2, &err), CG_INVALID_ARGUMENT);
    cJSON_Delete(b);
}

static void test_page(void **state)
{
    (void)state;
    cg_err err;
    int limit;
    char cursor[GW_ADMIN_CURSOR_MAX + 1];
    assert_int_equal(gw_admin_page(NULL, &limit, cursor, &err), CG_OK);
    assert_int_equal(limit, GW_ADMIN_PAGE_DEFAULT);
    assert_string_equal(cursor, "");
    assert_int_equal(gw_admin_page("limit=5&cursor=hq.east", &limit, cursor, &err), CG_OK);
    assert_int_equal(limit, 5);
    assert_string_equal(cursor, "hq.east");
    assert_int_equal(gw_admin_page("limit=0", &limit, cursor, &err), CG_INVALID_ARGUMENT);
    assert_int_equal(gw_admin_page("limit=101", &limit, cursor, &err), CG_INVALID_ARGUMENT);
    assert_int_equal(gw_admin_page("limit=5x", &limit, cursor, &err), CG_INVALID_ARGUMENT);
    assert_int_equal(gw_admin_page("cursor=a%00b", &limit, cursor, &err), CG_INVALID_ARGUMENT);
    assert_true(has_violation(&err, "cursor", "not a cursor"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_names),
        cmocka_unit_test(test_body_fields),
        cmocka_unit_test(test_page),
    };
    return cmocka_run_group_tests_name("admin_rules", tests, NULL, NULL);
}
