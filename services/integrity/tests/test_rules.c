/* Unit tests of the integrity service's rules of input: the credit code's
 * check character, person ids, days that may not lie ahead, and the
 * violations a cadre's and a relative's fields give, by field. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "cg_test.h"
#include "rules.h"

static void test_credit_codes(void **state)
{
    (void)state;
    /* Codes of registered companies, whose check characters are the
     * register's. */
    assert_true(integrity_credit_code_valid("91350100M000100Y43"));
    assert_true(integrity_credit_code_valid("91110000600037341L"));
    assert_true(integrity_credit_code_valid("91440300708461136T"));
    /* One character changed, the check character wrong, a letter the code
     * never uses (I, O, S, V, Z), lower case, a wrong length. */
    assert_false(integrity_credit_code_valid("91350100M000100Y44"));
    assert_false(integrity_credit_code_valid("91350100M000200Y43"));
    assert_false(integrity_credit_code_valid("91350100M0001O0Y43"));
    assert_false(integrity_credit_code_valid("91350100m000100y43"));
    assert_false(integrity_credit_code_valid("91350100M000100Y4"));
    assert_false(integrity_credit_code_valid("91350100M000100Y433"));
    assert_false(integrity_credit_code_valid(""));
    assert_false(integrity_credit_code_valid(NULL));
}

static void test_person_ids(void **state)
{
    (void)state;
    cg_err err;
    cg_err_clear(&err);
    assert_true(integrity_check_person_id(&err, "person_id", "HR-1001_a.b", true));
    assert_true(integrity_check_person_id(&err, "person_id", "", false));
    assert_int_equal(err.code, CG_OK);
    assert_false(integrity_check_person_id(&err, "person_id", "", true));
    assert_false(integrity_check_person_id(&err, "other", "HR 1001", true));
    assert_true(cg_err_has_violation(&err, "person_id", "required"));
    assert_true(cg_err_has_violation(&err, "other", "letters"));
}

static void test_days_not_ahead(void **state)
{
    (void)state;
    const int64_t today = INT64_C(1767225600000); /* 2026-01-01 */
    cg_err err;
    cg_err_clear(&err);
    assert_true(integrity_check_past_day(&err, "happened_on", today, today, true));
    assert_true(integrity_check_past_day(&err, "happened_on", today - 86400000, today, true));
    assert_true(integrity_check_past_day(&err, "key_since_on", 0, today, false));
    assert_int_equal(err.code, CG_OK);
    assert_false(integrity_check_past_day(&err, "happened_on", today + 86400000, today, true));
    assert_true(cg_err_has_violation(&err, "happened_on", "not after today"));
}

static void test_cadre_fields_by_line(void **state)
{
    (void)state;
    const int64_t today = INT64_C(1767225600000);
    Cleangrid__V1__CreateCadreRequest c = CLEANGRID__V1__CREATE_CADRE_REQUEST__INIT;
    c.person_id = "HR 1";
    c.name = "";
    c.key_since_on_ms = today + 86400000;
    cg_err err;
    cg_err_clear(&err);
    assert_false(integrity_check_cadre(&err, "line 3.", &c, today));
    assert_true(cg_err_has_violation(&err, "line 3.person_id", NULL));
    assert_true(cg_err_has_violation(&err, "line 3.name", "required"));
    assert_true(cg_err_has_violation(&err, "line 3.key_since_on", "not after today"));

    c.person_id = "HR1";
    c.name = "张三";
    c.key_position = "finance";
    c.key_since_on_ms = today;
    cg_err_clear(&err);
    assert_true(integrity_check_cadre(&err, "", &c, today));
    assert_int_equal(err.code, CG_OK);
}

static void test_relative_businesses(void **state)
{
    (void)state;
    Cleangrid__V1__RelativeBusiness good = CLEANGRID__V1__RELATIVE_BUSINESS__INIT;
    good.company = "华东物资贸易有限公司";
    good.credit_code = "91350100M000100Y43";
    good.role = "shareholder";
    good.share_percent = 40;
    Cleangrid__V1__RelativeBusiness bad = CLEANGRID__V1__RELATIVE_BUSINESS__INIT;
    bad.company = "";
    bad.credit_code = "91350100M000100Y44";
    bad.role = "owner";
    bad.share_percent = 140;
    Cleangrid__V1__RelativeBusiness *list[] = {&good, &bad};
    Cleangrid__V1__SetRelativeRequest r = CLEANGRID__V1__SET_RELATIVE_REQUEST__INIT;
    r.name = "李四";
    r.relation = "spouse";
    r.n_businesses = 2;
    r.businesses = list;
    cg_err err;
    cg_err_clear(&err);
    assert_false(integrity_check_relative(&err, &r));
    assert_false(cg_err_has_violation(&err, "businesses[0].credit_code", NULL));
    assert_true(cg_err_has_violation(&err, "businesses[1].company", NULL));
    assert_true(cg_err_has_violation(&err, "businesses[1].credit_code", "credit code"));
    assert_true(cg_err_has_violation(&err, "businesses[1].role", NULL));
    assert_true(cg_err_has_violation(&err, "businesses[1].share_percent", NULL));

    r.n_businesses = 1;
    cg_err_clear(&err);
    assert_true(integrity_check_relative(&err, &r));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_credit_codes),        cmocka_unit_test(test_person_ids),
        cmocka_unit_test(test_days_not_ahead),      cmocka_unit_test(test_cadre_fields_by_line),
        cmocka_unit_test(test_relative_businesses),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
