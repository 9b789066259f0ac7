/* Unit tests of the integrity service's rules of input: the credit code's
 * check character, person ids, days that may not lie ahead, and the
 * violations a cadre's and a relative's fields give, by field. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
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

/* A field of the form, for the entries' tests. */
static Cleangrid__V1__ReportFormField form_field(const char *name, const char *type, bool required)
{
    Cleangrid__V1__ReportFormField out = CLEANGRID__V1__REPORT_FORM_FIELD__INIT;
    out.name = (char *)name;
    out.type = (char *)type;
    out.required = required;
    return out;
}

static void test_entry_by_line(void **state)
{
    (void)state;
    static const char *const relations[] = {"spouse", "child", NULL};
    Cleangrid__V1__ReportFormField fields[] = {
        form_field("holder", "text", true), form_field("company", "text", true),
        form_field("credit_code", "credit_code", true), form_field("share_percent", "number", true),
        form_field("since_on", "day", false)};
    Cleangrid__V1__ReportFormField *fp[] = {&fields[0], &fields[1], &fields[2], &fields[3],
                                            &fields[4]};
    Cleangrid__V1__ReportFormItem stakes = CLEANGRID__V1__REPORT_FORM_ITEM__INIT;
    stakes.name = "company_stakes";
    stakes.label_zh = "配偶子女投资非上市公司、企业";
    stakes.n_fields = 5;
    stakes.fields = fp;
    Cleangrid__V1__ReportFormItem *items[] = {&stakes};
    Cleangrid__V1__ReportForm form = CLEANGRID__V1__REPORT_FORM__INIT;
    form.n_items = 1;
    form.items = items;
    assert_ptr_equal(&stakes, integrity_form_item(&form, "company_stakes"));
    assert_null(integrity_form_item(&form, "housing"));

    /* A bad code, a share that is no number, a day that is none, a field
     * the item has not, and the company left out. */
    Cleangrid__V1__ReportField v[] = {
        CLEANGRID__V1__REPORT_FIELD__INIT, CLEANGRID__V1__REPORT_FIELD__INIT,
        CLEANGRID__V1__REPORT_FIELD__INIT, CLEANGRID__V1__REPORT_FIELD__INIT,
        CLEANGRID__V1__REPORT_FIELD__INIT};
    const char *given[][2] = {{"holder", "配偶"},
                              {"credit_code", "91350100M000100Y44"},
                              {"share_percent", "三成"},
                              {"since_on", "2024/3/1"},
                              {"area_m2", "96.5"}};
    Cleangrid__V1__ReportField *vp[5];
    for (size_t i = 0; i < 5; i++) {
        v[i].name = (char *)given[i][0];
        v[i].value = (char *)given[i][1];
        vp[i] = &v[i];
    }
    Cleangrid__V1__ReportEntry entry = CLEANGRID__V1__REPORT_ENTRY__INIT;
    entry.n_fields = 5;
    entry.fields = vp;
    cg_err err;
    cg_err_clear(&err);
    assert_false(integrity_check_entry(&err, "line 4.", &stakes, &entry, relations, true));
    assert_true(cg_err_has_violation(&err, "line 4.credit_code", "credit code"));
    assert_true(cg_err_has_violation(&err, "line 4.share_percent", "number"));
    assert_true(cg_err_has_violation(&err, "line 4.since_on", "YYYY-MM-DD"));
    assert_true(cg_err_has_violation(&err, "line 4.area_m2", "no field of company_stakes"));
    assert_true(cg_err_has_violation(&err, "line 4.company", "required"));
    assert_false(cg_err_has_violation(&err, "line 4.holder", NULL));
    assert_int_equal(5, err.nviolations);

    /* A draft's entry need not be complete. */
    entry.n_fields = 1;
    cg_err_clear(&err);
    assert_true(
        integrity_check_entry(&err, "items[0].entries[0].", &stakes, &entry, relations, false));

    /* Complete: the required fields given, the optional day left out. */
    v[1].value = "91350100M000100Y43";
    v[2].value = "30";
    v[3].name = "company";
    v[3].value = "华东物资贸易有限公司";
    entry.n_fields = 4;
    cg_err_clear(&err);
    assert_true(integrity_check_entry(&err, "line 4.", &stakes, &entry, relations, true));
    assert_int_equal(CG_OK, err.code);
}

/* An import's rows: their number, and their violations counted past the
 * few an error keeps, the count in the words the gateway reads. */
static void test_import_rows(void **state)
{
    (void)state;
    cg_err err, row;
    cg_err_clear(&err);
    assert_int_equal(CG_INVALID_ARGUMENT, integrity_check_row_count(&err, 0, "cadres"));
    assert_non_null(strstr(err.message, "holds no cadres"));
    cg_err_clear(&err);
    assert_int_equal(CG_INVALID_ARGUMENT, integrity_check_row_count(&err, 5001, "cadres"));
    cg_err_clear(&err);
    assert_int_equal(CG_OK, integrity_check_row_count(&err, 5000, "cadres"));

    size_t found = 0;
    assert_int_equal(CG_OK, integrity_rows_checked(&err, found));
    for (int line = 2; line < 2 + CG_ERR_MAX_VIOLATIONS + 2; line++) {
        char field[32];
        cg_err_clear(&row);
        snprintf(field, sizeof field, "line %d.year", line);
        cg_err_add_violation(&row, field, "must be between 2000 and 2100");
        integrity_add_row_violations(&err, &row, &found);
    }
    assert_int_equal(CG_ERR_MAX_VIOLATIONS + 2, found);
    assert_int_equal(CG_INVALID_ARGUMENT, integrity_rows_checked(&err, found));
    assert_true(cg_err_has_violation(&err, "line 2.year", "between"));
    assert_non_null(strstr(err.message, "the rows have 10 problems"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_credit_codes),        cmocka_unit_test(test_person_ids),
        cmocka_unit_test(test_days_not_ahead),      cmocka_unit_test(test_cadre_fields_by_line),
        cmocka_unit_test(test_relative_businesses), cmocka_unit_test(test_entry_by_line),
        cmocka_unit_test(test_import_rows),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
