/* Unit tests of the password policy and the change-password body: length in
 * characters (not bytes), the username in any case, the current password,
 * the upper bound, and the body's shape. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>
#include <string.h>

#include "accounts.h"

/* True if err has a violation of field whose description contains text. */
static bool has_violation(const cg_err *err, const char *field, const char *text)
{
    for (size_t i = 0; i < err->nviolations; i++)
        if (strcmp(err->violations[i].field, field) == 0 &&
            strstr(err->violations[i].description, text) != NULL)
            return true;
    return false;
}

static void test_good_password(void **state)
{
    (void)state;
    cg_err err;
    assert_int_equal(gw_password_policy_check("inspector", "old-password-1", "a-much-better-one",
                                              "new_password", &err),
                     CG_OK);
    assert_int_equal(err.nviolations, 0);
}

static void test_too_short(void **state)
{
    (void)state;
    cg_err err;
    assert_int_equal(
        gw_password_policy_check("inspector", NULL, "elevenchars", "new_password", &err),
        CG_INVALID_ARGUMENT);
    assert_true(has_violation(&err, "new_password", "at least 12 characters"));
    /* Exactly twelve is enough. */
    assert_int_equal(
        gw_password_policy_check("inspector", NULL, "twelve-chars", "new_password", &err), CG_OK);
}

static void test_length_counts_characters(void **state)
{
    (void)state;
    cg_err err;
    /* Six Chinese characters are eighteen bytes but six characters. */
    assert_int_equal(
        gw_password_policy_check("inspector", NULL, "纪检监察数字", "new_password", &err),
        CG_INVALID_ARGUMENT);
    assert_true(has_violation(&err, "new_password", "at least 12 characters"));
    /* Twelve of them pass. */
    assert_int_equal(gw_password_policy_check("inspector", NULL, "纪检监察数字化监督平台好",
                                              "new_password", &err),
                     CG_OK);
}

static void test_not_the_username(void **state)
{
    (void)state;
    cg_err err;
    assert_int_equal(
        gw_password_policy_check("inspector.east", NULL, "Inspector.East", "new_password", &err),
        CG_INVALID_ARGUMENT);
    assert_true(has_violation(&err, "new_password", "must not be the username"));
}

static void test_not_the_current(void **state)
{
    (void)state;
    cg_err err;
    assert_int_equal(gw_password_policy_check("inspector", "same-password-1", "same-password-1",
                                              "new_password", &err),
                     CG_INVALID_ARGUMENT);
    assert_true(has_violation(&err, "new_password", "must differ from the current password"));
    /* The message never repeats the password. */
    assert_null(strstr(err.message, "same-password-1"));
    assert_null(strstr(err.violations[0].description, "same-password-1"));
}

static void test_too_long(void **state)
{
    (void)state;
    cg_err err;
    char big[GW_PASSWORD_MAX_BYTES + 2];
    memset(big, 'x', sizeof(big) - 1);
    big[sizeof(big) - 1] = '\0';
    assert_int_equal(gw_password_policy_check("inspector", NULL, big, "password", &err),
                     CG_INVALID_ARGUMENT);
    assert_true(has_violation(&err, "password", "at most"));
    big[GW_PASSWORD_MAX_BYTES] = '\0';
    assert_int_equal(gw_password_policy_check("inspector", NULL, big, "password", &err), CG_OK);
}

static void map(const char *json, cg_code expected, const char *field, const char *text)
{
    cg_err err;
    const char *current = NULL;
    const char *new_password = NULL;
    cJSON *body = cJSON_Parse(json);
    assert_non_null(body);
    assert_int_equal(gw_map_password_change(body, &current, &new_password, &err), expected);
    if (expected == CG_OK) {
        assert_string_equal(current, "old-password-1");
        assert_string_equal(new_password, "new-password-12");
    } else {
        assert_true(has_violation(&err, field, text));
    }
    cJSON_Delete(body);
}

static void test_map_body(void **state)
{
    (void)state;
    map("{\"current_password\":\"old-password-1\",\"new_password\":\"new-password-12\"}", CG_OK,
        NULL, NULL);
    map("{\"new_password\":\"new-password-12\"}", CG_INVALID_ARGUMENT, "current_password",
        "is required");
    map("{\"current_password\":\"old-password-1\"}", CG_INVALID_ARGUMENT, "new_password",
        "is required");
    map("{\"current_password\":1,\"new_password\":\"new-password-12\"}", CG_INVALID_ARGUMENT,
        "current_password", "must be a string");
    map("{\"current_password\":\"old-password-1\",\"new_password\":\"new-password-12\",\"x\":1}",
        CG_INVALID_ARGUMENT, "x", "is not a member");
    map("[]", CG_INVALID_ARGUMENT, "", "JSON object");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_good_password),
        cmocka_unit_test(test_too_short),
        cmocka_unit_test(test_length_counts_characters),
        cmocka_unit_test(test_not_the_username),
        cmocka_unit_test(test_not_the_current),
        cmocka_unit_test(test_too_long),
        cmocka_unit_test(test_map_body),
    };
    return cmocka_run_group_tests_name("password_policy", tests, NULL, NULL);
}
