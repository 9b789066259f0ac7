/* Unit tests of a verification's comparison: each reference record against
 * the report, consistent, omission (reported, but less) or concealment (an
 * entry or a whole item not reported), matched by the item's key field. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "cg_test.h"
#include "compare.h"

/* A small form: housing (key address, amount area_m2), company stakes (key
 * credit_code, amount share_percent) and salary (one entry, amount). */
static Cleangrid__V1__ReportFormItem housing = {
    .base = PROTOBUF_C_MESSAGE_INIT(&cleangrid__v1__report_form_item__descriptor),
    .name = "housing",
    .part = "property",
    .label_zh = "房产情况",
    .label_en = "Housing",
    .key_field = "address",
    .amount_field = "area_m2"};
static Cleangrid__V1__ReportFormItem stakes = {
    .base = PROTOBUF_C_MESSAGE_INIT(&cleangrid__v1__report_form_item__descriptor),
    .name = "company_stakes",
    .part = "property",
    .label_zh = "投资",
    .label_en = "Stakes",
    .key_field = "credit_code",
    .amount_field = "share_percent"};
static Cleangrid__V1__ReportFormItem salary = {
    .base = PROTOBUF_C_MESSAGE_INIT(&cleangrid__v1__report_form_item__descriptor),
    .name = "salary",
    .part = "property",
    .label_zh = "工资",
    .label_en = "Salary",
    .key_field = "",
    .amount_field = "annual_yuan"};

static Cleangrid__V1__ReportField f(const char *name, const char *value)
{
    Cleangrid__V1__ReportField out = CLEANGRID__V1__REPORT_FIELD__INIT;
    out.name = (char *)name;
    out.value = (char *)value;
    return out;
}

static void test_compare_by_kind(void **state)
{
    (void)state;
    Cleangrid__V1__ReportFormItem *items[] = {&housing, &stakes, &salary};
    Cleangrid__V1__ReportForm form = CLEANGRID__V1__REPORT_FORM__INIT;
    form.n_items = 3;
    form.items = items;

    /* Reported: one flat of 80 m² at "幸福路 1 号", no stakes (none), a
     * salary of 260000. */
    Cleangrid__V1__ReportField h1[] = {f("address", "幸福路 1 号"), f("area_m2", "80")};
    Cleangrid__V1__ReportField *h1p[] = {&h1[0], &h1[1]};
    Cleangrid__V1__ReportEntry flat = CLEANGRID__V1__REPORT_ENTRY__INIT;
    flat.n_fields = 2;
    flat.fields = h1p;
    Cleangrid__V1__ReportEntry *flats[] = {&flat};
    Cleangrid__V1__ReportItemAnswer a_housing = CLEANGRID__V1__REPORT_ITEM_ANSWER__INIT;
    a_housing.item = "housing";
    a_housing.n_entries = 1;
    a_housing.entries = flats;
    Cleangrid__V1__ReportItemAnswer a_stakes = CLEANGRID__V1__REPORT_ITEM_ANSWER__INIT;
    a_stakes.item = "company_stakes";
    a_stakes.none = true;
    Cleangrid__V1__ReportField s1[] = {f("annual_yuan", "260000")};
    Cleangrid__V1__ReportField *s1p[] = {&s1[0]};
    Cleangrid__V1__ReportEntry pay = CLEANGRID__V1__REPORT_ENTRY__INIT;
    pay.n_fields = 1;
    pay.fields = s1p;
    Cleangrid__V1__ReportEntry *pays[] = {&pay};
    Cleangrid__V1__ReportItemAnswer a_salary = CLEANGRID__V1__REPORT_ITEM_ANSWER__INIT;
    a_salary.item = "salary";
    a_salary.n_entries = 1;
    a_salary.entries = pays;
    Cleangrid__V1__ReportItemAnswer *answers[] = {&a_housing, &a_stakes, &a_salary};
    Cleangrid__V1__PersonalReport report = CLEANGRID__V1__PERSONAL_REPORT__INIT;
    report.n_items = 3;
    report.items = answers;

    /* The records: the same flat at 96.5 m² (spelled with other spaces),
     * a second flat, a company stake, the salary as reported, and an item
     * the form has not. */
    Cleangrid__V1__ReportField r1[] = {f("address", "幸福路1号"), f("area_m2", "96.5")};
    Cleangrid__V1__ReportField r2[] = {f("address", "滨江路 8 号"), f("area_m2", "120")};
    Cleangrid__V1__ReportField r3[] = {f("company", "华东物资贸易有限公司"),
                                       f("credit_code", "91350100M000100Y43"),
                                       f("share_percent", "30")};
    Cleangrid__V1__ReportField r4[] = {f("annual_yuan", "260000")};
    Cleangrid__V1__ReportField *r1p[] = {&r1[0], &r1[1]}, *r2p[] = {&r2[0], &r2[1]},
                               *r3p[] = {&r3[0], &r3[1], &r3[2]}, *r4p[] = {&r4[0]};
    Cleangrid__V1__ReferenceRecord refs[5];
    const char *ref_items[] = {"housing", "housing", "company_stakes", "salary", "yachts"};
    Cleangrid__V1__ReportField **ref_fields[] = {r1p, r2p, r3p, r4p, r4p};
    size_t ref_n[] = {2, 2, 3, 1, 1};
    Cleangrid__V1__ReferenceRecord *refp[5];
    for (int i = 0; i < 5; i++) {
        cleangrid__v1__reference_record__init(&refs[i]);
        refs[i].item = (char *)ref_items[i];
        refs[i].n_fields = ref_n[i];
        refs[i].fields = ref_fields[i];
        refp[i] = &refs[i];
    }

    integrity_finding out[8];
    size_t n = integrity_compare(&form, &report, refp, 5, out, 8);
    assert_int_equal(n, 4);
    assert_string_equal(out[0].kind, "omission");
    assert_ptr_equal(out[0].reported, &flat);
    assert_non_null(strstr(out[0].explanation, "96.5"));
    assert_string_equal(out[1].kind, "concealment");
    assert_null(out[1].reported);
    assert_string_equal(out[1].key, "滨江路 8 号");
    assert_string_equal(out[2].kind, "concealment");
    assert_string_equal(out[2].key, "91350100M000100Y43");
    assert_non_null(strstr(out[2].explanation, "nothing reported"));
    assert_string_equal(out[3].kind, "consistent");
    assert_ptr_equal(out[3].reported, &pay);

    /* Room for fewer: as many as fit. */
    assert_int_equal(integrity_compare(&form, &report, refp, 5, out, 2), 2);
    /* No report at all: everything is concealed. */
    n = integrity_compare(&form, NULL, refp, 4, out, 8);
    for (size_t i = 0; i < n; i++)
        assert_string_equal(out[i].kind, "concealment");
}

static void test_worse_kind(void **state)
{
    (void)state;
    assert_string_equal(integrity_worse_kind("consistent", "omission"), "omission");
    assert_string_equal(integrity_worse_kind("concealment", "omission"), "concealment");
    assert_string_equal(integrity_worse_kind("consistent", "consistent"), "consistent");
    assert_string_equal(integrity_worse_kind(NULL, "concealment"), "concealment");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_compare_by_kind),
        cmocka_unit_test(test_worse_kind),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
