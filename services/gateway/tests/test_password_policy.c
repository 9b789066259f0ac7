/* Unit tests of the password policy and the change-password body: length in
 * characters (not bytes), the username in any case, the current password,
 * the upper bound, and the body's shape. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>
#include <stdio.h>
#include <string.h>

#include "accounts.h"
#include "cg_test.h"

/* What the policy says of a new password: OK, or INVALID_ARGUMENT with a
 * violation of field new_password whose description contains violation. */
static const struct {
    const char *username, *current, *password;
    const char *violation; /* NULL: the password passes */
} policy[] = {
    {"inspector", "old-password-1", "a-much-better-one", NULL},
    {"inspector", NULL, "elevenchars", "at least 12 characters"},
    /* Exactly twelve is enough. */
    {"inspector", NULL, "twelve-chars", NULL},
    /* Six Chinese characters are eighteen bytes but six characters; twelve
     * of them pass. */
    {"inspector", NULL, "纪检监察数字", "at least 12 characters"},
    {"inspector", NULL, "纪检监察数字化监督平台好", NULL},
    {"inspector.east", NULL, "Inspector.East", "must not be the username"},
    {"inspector", "same-password-1", "same-password-1", "must differ from the current password"},
    /* Guessable: a dictionary word or a common password with digits and
     * symbols around it, too few different characters, a control
     * character. */
    {"inspector", NULL, "WinnieThePooh", "one of the most common passwords"},
    {"inspector", NULL, "password1234", "digits or symbols around it"},
    {"inspector", NULL, "Inspector2024!", "digits or symbols around it"},
    {"inspector", NULL, "qwertyuiop12", "digits or symbols around it"},
    {"inspector", NULL, "aaaaaaaaaaaa", "too easy to guess"},
    {"inspector", NULL, "tab\tin-the-password", "control characters"},
    {"inspector", NULL, "correct horse battery staple", NULL},
};

static void test_policy(void **state)
{
    (void)state;
    for (size_t i = 0; i < CG_NROWS(policy); i++) {
        cg_err err;
        cg_code want = policy[i].violation == NULL ? CG_OK : CG_INVALID_ARGUMENT;
        cg_code got = gw_password_policy_check(policy[i].username, policy[i].current,
                                               policy[i].password, "new_password", &err);
        if (got != want)
            fail_msg("password \"%s\" of %s: code %d, want %d", policy[i].password,
                     policy[i].username, got, want);
        if (want == CG_OK && err.nviolations != 0)
            fail_msg("password \"%s\": %zu violations", policy[i].password, err.nviolations);
        if (want != CG_OK && !cg_test_has_violation(&err, "new_password", policy[i].violation))
            fail_msg("password \"%s\": no violation saying \"%s\"", policy[i].password,
                     policy[i].violation);
    }
}

static void test_not_the_current(void **state)
{
    (void)state;
    cg_err err;
    assert_int_equal(gw_password_policy_check("inspector", "same-password-1", "same-password-1",
                                              "new_password", &err),
                     CG_INVALID_ARGUMENT);
    /* The message never repeats the password. */
    assert_null(strstr(err.message, "same-password-1"));
    assert_null(strstr(err.violations[0].description, "same-password-1"));
}

static void test_too_long(void **state)
{
    (void)state;
    cg_err err;
    char big[GW_PASSWORD_MAX_BYTES + 2];
    /* Varied, so that only its length can be wrong with it. */
    for (size_t i = 0; i < sizeof(big) - 1; i++)
        big[i] = (char)('!' + (i * 7) % 90);
    big[sizeof(big) - 1] = '\0';
    assert_int_equal(gw_password_policy_check("inspector", NULL, big, "password", &err),
                     CG_INVALID_ARGUMENT);
    assert_true(cg_test_has_violation(&err, "password", "at most"));
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
        assert_true(cg_test_has_violation(&err, field, text));
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

/* The policy as the gateway runs it: the list of common passwords of
 * Debian's john-data and cracklib's dictionary. */
static int load_policy(void **state)
{
    (void)state;
    cg_err err;
    if (gw_password_policy_load(GW_PASSWORD_DENY_LIST_DEFAULT, &err) != CG_OK) {
        fprintf(stderr, "%s\n", err.message);
        return -1;
    }
    return 0;
}

CG_TEST_MAIN_SETUP(load_policy, cmocka_unit_test(test_policy),
                   cmocka_unit_test(test_not_the_current), cmocka_unit_test(test_too_long),
                   cmocka_unit_test(test_map_body))
