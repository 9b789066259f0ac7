/* Unit tests of the import files: the reader every import shares
 * (csv_import.c) and the tables read with it, cadres for their integrity
 * files (cadre_import.c), reference records for verification, a table
 * built from the report form (reference_import.c), and a rectification
 * batch's lists (rectify_import.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>
#include <string.h>

#include "cadre_import.h"
#include "cg_test.h"
#include "cleangrid/v1/integrity.pb-c.h"
#include "cleangrid/v1/rectify_io.pb-c.h"
#include "rectify_import.h"
#include "reference_import.h"

#define BOM "\xEF\xBB\xBF"

/* 2024-03-01 at midnight UTC, in milliseconds. */
#define MARCH_1_2024 1709251200000LL

static cg_code parse(const char *text, const gw_csv_import_spec *spec, gw_csv_import *imp,
                     cg_err *err)
{
    cg_code rc = gw_csv_import_parse(text, strlen(text), spec, imp, err);
    return rc == CG_OK ? gw_csv_import_rows(imp, err) : rc;
}

/* The cadre of row i of a file of cadres. */
static const Cleangrid__V1__CreateCadreRequest *cadre(const gw_csv_import *imp, size_t i)
{
    const Cleangrid__V1__ImportCadreRow *row = (const void *)imp->messages[i];
    return row->cadre;
}

/* The problem at line in the column key ("" for the whole line), or NULL. */
static const cg_csv_problem *problem_at(const gw_csv_import *imp, size_t line, const char *key)
{
    for (size_t i = 0; i < imp->problems.count; i++)
        if (imp->problems.items[i].line == line && strcmp(imp->problems.items[i].key, key) == 0)
            return &imp->problems.items[i];
    return NULL;
}

static void test_day(void **state)
{
    (void)state;
    int64_t ms = 0;
    assert_true(gw_csv_day_ms("2024-03-01", &ms));
    assert_int_equal(MARCH_1_2024, ms);
    ms = 0;
    assert_true(gw_csv_day_ms("2024/3/1", &ms));
    assert_int_equal(MARCH_1_2024, ms);
    assert_true(gw_csv_day_ms("2024/03/01", &ms));
    assert_int_equal(MARCH_1_2024, ms);
    /* ISO dates keep both digits; a day the calendar lacks is none. */
    assert_false(gw_csv_day_ms("2024-3-1", &ms));
    assert_false(gw_csv_day_ms("2026-02-30", &ms));
    assert_false(gw_csv_day_ms("2026/13/1", &ms));
    assert_false(gw_csv_day_ms("2024-03-01x", &ms));
    assert_false(gw_csv_day_ms("", &ms));
    assert_false(gw_csv_day_ms("三月一日", &ms));
    assert_false(gw_csv_day_ms("-2024-03-01", &ms));
}

static void test_words(void **state)
{
    (void)state;
    assert_string_equal("procurement", gw_cadre_key_position("采购"));
    assert_string_equal("finance", gw_cadre_key_position("财务"));
    assert_string_equal("hr", gw_cadre_key_position("人事"));
    assert_string_equal("project_construction", gw_cadre_key_position("工程建设"));
    assert_string_equal("materials", gw_cadre_key_position("物资"));
    /* The API's names, and words that are none, go on as they are, for
     * the service to judge. */
    assert_string_equal("finance", gw_cadre_key_position("finance"));
    assert_string_equal("保卫", gw_cadre_key_position("保卫"));
    assert_string_equal("", gw_cadre_key_position(""));
    assert_string_equal("serious", gw_rectify_severity("较重"));
    assert_string_equal("major", gw_rectify_severity("major"));
}

/* A file as Excel saves it: a byte order mark, CRLF, the office's Chinese
 * headers in an order of their own, a column the import does not read, a
 * quoted field, both ways of writing a day, and a blank last line. */
static void test_cadres_good_file(void **state)
{
    (void)state;
    gw_csv_import imp;
    cg_err err;
    const char *text = BOM "关键岗位起始日期,姓名,备注,单位,职级,工号,关键岗位,职务\r\n"
                           "2024/3/1,张三,x,city_a,正科,hr-1001,物资,\"物资部主任, 兼采购\"\r\n"
                           "2024-03-01,李四,,east,,HR-1002,finance,\r\n"
                           ",王五,,city_b,,HR-1003,,\r\n"
                           "\r\n";
    assert_int_equal(CG_OK,
                     gw_csv_import_parse(text, strlen(text), &gw_cadre_import_file, &imp, &err));
    assert_int_equal(3, imp.nrows);
    assert_string_equal("city_a", gw_csv_import_unit(&imp, 0));
    assert_string_equal("east", gw_csv_import_unit(&imp, 1));
    /* The units are resolved before the rows are read. */
    assert_string_equal("", gw_csv_import_path(&imp, 0));
    assert_true(gw_csv_import_set_path(&imp, 0, "hq.east.city_a"));
    assert_true(gw_csv_import_set_path(&imp, 1, "hq.east"));
    assert_int_equal(CG_OK, gw_csv_import_rows(&imp, &err));
    assert_int_equal(0, cg_csv_problems_total(&imp.problems));

    const Cleangrid__V1__ImportCadreRow *row = (const void *)imp.messages[0];
    assert_ptr_equal(&cleangrid__v1__import_cadre_row__descriptor, row->base.descriptor);
    assert_int_equal(2, row->line);
    const Cleangrid__V1__CreateCadreRequest *c = cadre(&imp, 0);
    assert_string_equal("hr-1001", c->person_id);
    assert_string_equal("张三", c->name);
    assert_string_equal("city_a", c->unit_code);
    assert_string_equal("hq.east.city_a", c->org_path);
    assert_string_equal("物资部主任, 兼采购", c->position);
    assert_string_equal("正科", c->grade);
    assert_string_equal("materials", c->key_position);
    assert_int_equal(MARCH_1_2024, c->key_since_on_ms);

    c = cadre(&imp, 1);
    assert_string_equal("hq.east", c->org_path);
    assert_string_equal("finance", c->key_position);
    assert_int_equal(MARCH_1_2024, c->key_since_on_ms);

    c = cadre(&imp, 2);
    assert_int_equal(4,
                     ((const Cleangrid__V1__ImportCadreRow *)(const void *)imp.messages[2])->line);
    assert_string_equal("", c->org_path); /* not resolved: the service says so */
    assert_string_equal("", c->key_position);
    assert_int_equal(0, c->key_since_on_ms);

    size_t nunknown = 0;
    const char *const *unknown = cg_csv_unknown_columns(imp.csv, &nunknown);
    assert_int_equal(1, nunknown);
    assert_string_equal("备注", unknown[0]);
    gw_csv_import_free(&imp);
}

/* English keys work as headers too, and the other Chinese spellings. */
static void test_cadres_english_headers(void **state)
{
    (void)state;
    gw_csv_import imp;
    cg_err err;
    assert_int_equal(CG_OK, parse("unit_code,person_id,name,key_position,key_since_on\n"
                                  "west,HR-2001,Wang,procurement,2024-03-01\n",
                                  &gw_cadre_import_file, &imp, &err));
    assert_int_equal(1, imp.nrows);
    assert_string_equal("procurement", cadre(&imp, 0)->key_position);
    gw_csv_import_free(&imp);

    assert_int_equal(CG_OK, parse("人员编号,姓名,单位编码\nHR-2002,赵六,west\n",
                                  &gw_cadre_import_file, &imp, &err));
    assert_string_equal("HR-2002", cadre(&imp, 0)->person_id);
    assert_string_equal("west", gw_csv_import_unit(&imp, 0));
    gw_csv_import_free(&imp);
}

/* A required column missing refuses the file, naming the column as the
 * office calls it; nothing is read. */
static void test_cadres_missing_column(void **state)
{
    (void)state;
    gw_csv_import imp;
    cg_err err;
    assert_int_equal(CG_INVALID_ARGUMENT, parse(BOM "工号,姓名,职务\r\nHR-1,张三,科员\r\n",
                                                &gw_cadre_import_file, &imp, &err));
    assert_int_equal(0, imp.nrows);
    assert_null(imp.messages);
    const cg_csv_problem *p = problem_at(&imp, 1, "unit_code");
    assert_non_null(p);
    assert_string_equal("单位", p->column);
    assert_non_null(strstr(p->message, "is required"));
    gw_csv_import_free(&imp);
}

/* A cell that is no day, or a row of the wrong shape, is a problem of its
 * line; the other rows are still read, so the service can check them. */
static void test_cadres_bad_cells(void **state)
{
    (void)state;
    gw_csv_import imp;
    cg_err err;
    assert_int_equal(CG_OK, parse("工号,姓名,单位,关键岗位,关键岗位起始日期\n"
                                  "HR-1,张三,city_a,物资,2024/2/30\n"
                                  "HR-2,李四,city_a\n"
                                  "HR-3,王五,city_a,财务,2024-3-1\n",
                                  &gw_cadre_import_file, &imp, &err));
    const cg_csv_problem *p = problem_at(&imp, 2, "key_since_on");
    assert_non_null(p);
    assert_string_equal("关键岗位起始日期", p->column);
    assert_non_null(strstr(p->message, "must be a date"));
    assert_non_null(problem_at(&imp, 4, "key_since_on"));
    assert_non_null(problem_at(&imp, 3, ""));
    assert_int_equal(3, cg_csv_problems_total(&imp.problems));
    /* The row of the wrong shape is left out; the others are there. */
    assert_int_equal(2, imp.nrows);
    assert_int_equal(0, cadre(&imp, 0)->key_since_on_ms);
    assert_string_equal("HR-3", cadre(&imp, 1)->person_id);
    gw_csv_import_free(&imp);
}

static void test_no_rows(void **state)
{
    (void)state;
    gw_csv_import imp;
    cg_err err;
    assert_int_equal(CG_OK, parse(BOM "工号,姓名,单位\r\n", &gw_cadre_import_file, &imp, &err));
    assert_int_equal(0, imp.nrows);
    const cg_csv_problem *p = problem_at(&imp, 0, "");
    assert_non_null(p);
    assert_non_null(strstr(p->message, "one row a cadre"));
    gw_csv_import_free(&imp);
}

/* The service's violations join the file's, by line and column, leaving out
 * a second word on a cell the gateway has named already; those it only
 * counts are counted. */
static void test_service_violations(void **state)
{
    (void)state;
    gw_csv_import imp;
    cg_err err, service;
    assert_int_equal(CG_OK, parse("工号,姓名,单位,关键岗位起始日期\n"
                                  "HR-1,张三,nowhere,\n"
                                  "HR-1,李四,west,2024/2/30\n",
                                  &gw_cadre_import_file, &imp, &err));
    /* What the route adds for a unit it does not know. */
    cg_csv_problem_add(&imp.problems, imp.csv, 2, "unit_code", "nowhere is not a known org unit");

    cg_err_clear(&service);
    cg_err_add_violation(&service, "line 2.unit_code", "is required");
    cg_err_add_violation(&service, "line 3.person_id", "is on line 2 as well");
    cg_err_add_violation(&service, "line 3.unit_code", "is outside your scope");
    cg_err_add_violation(&service, "line 3.", "is empty");
    cg_err_add_violation(&service, "", "must hold 1 to 5000 rows");
    snprintf(service.message, sizeof service.message,
             "the rows have 9 problems; the first 5 are named");
    gw_csv_import_add_violations(&imp, &service);

    const cg_csv_problem *unit = problem_at(&imp, 2, "unit_code");
    assert_non_null(unit);
    assert_non_null(strstr(unit->message, "not a known org unit"));
    const cg_csv_problem *person = problem_at(&imp, 3, "person_id");
    assert_non_null(person);
    assert_string_equal("工号", person->column);
    assert_string_equal("is on line 2 as well", person->message);
    assert_non_null(problem_at(&imp, 3, "unit_code"));
    assert_non_null(problem_at(&imp, 3, ""));
    assert_non_null(problem_at(&imp, 0, ""));
    /* The date, the unit, four of the service's five and the four it only
     * counted. */
    assert_int_equal(6, imp.problems.count);
    assert_int_equal(10, cg_csv_problems_total(&imp.problems));

    /* In line order, those of one line in the order found. */
    gw_csv_import_sort_problems(&imp);
    assert_int_equal(0, imp.problems.items[0].line);
    assert_int_equal(2, imp.problems.items[1].line);
    assert_int_equal(3, imp.problems.items[2].line);
    assert_string_equal("key_since_on", imp.problems.items[2].key);
    assert_string_equal("person_id", imp.problems.items[3].key);
    assert_string_equal("unit_code", imp.problems.items[4].key);
    assert_string_equal("", imp.problems.items[5].key);
    gw_csv_import_free(&imp);
}

/* The rectification batch's file, read through the same reader. */
static void test_rectify_file(void **state)
{
    (void)state;
    gw_csv_import imp;
    cg_err err;
    const char *text = BOM "责任单位代码,整改任务,问题序号,严重程度,问题描述,责任领导,整改期限\r\n"
                           "city_a,建立台账,1,较重,采购未执行,张三,2024/3/1\r\n"
                           "city_b,整改流程,x,一般,采购未执行,张三,\r\n";
    assert_int_equal(CG_OK,
                     gw_csv_import_parse(text, strlen(text), &gw_rectify_import_file, &imp, &err));
    assert_string_equal("city_b", gw_csv_import_unit(&imp, 1));
    assert_true(gw_csv_import_set_path(&imp, 0, "hq.east.city_a"));
    assert_int_equal(CG_OK, gw_csv_import_rows(&imp, &err));
    const Cleangrid__V1__ImportRow *row = (const void *)imp.messages[0];
    assert_ptr_equal(&cleangrid__v1__import_row__descriptor, row->base.descriptor);
    assert_int_equal(1, row->problem_no);
    assert_string_equal("serious", row->severity);
    assert_string_equal("hq.east.city_a", row->org_path);
    assert_int_equal(MARCH_1_2024, row->deadline_on_ms);
    const cg_csv_problem *p = problem_at(&imp, 3, "problem_no");
    assert_non_null(p);
    assert_string_equal("问题序号", p->column);
    assert_int_equal(1, cg_csv_problems_total(&imp.problems));
    gw_csv_import_free(&imp);
}

/* A part of the report form: housing, company stakes and businesses (both
 * with a credit code labelled 统一社会信用代码, and a holder labelled
 * differently), securities (whose name is labelled 名称, as a business's
 * company is) and outside income (whose source is labelled 来源, the
 * note's header). */
#define FORM_FIELD(n, t, r, l)                                                                     \
    {                                                                                              \
        .base = PROTOBUF_C_MESSAGE_INIT(&cleangrid__v1__report_form_field__descriptor),            \
        .name = (n), .type = (t), .required = (r), .label_zh = (l), .label_en = ""                 \
    }
static Cleangrid__V1__ReportFormField housing_fields[] = {
    FORM_FIELD("owner", "text", true, "产权人"), FORM_FIELD("address", "text", true, "地址"),
    FORM_FIELD("area_m2", "number", true, "建筑面积(平方米)"),
    FORM_FIELD("acquired_on", "day", false, "取得日期")};
static Cleangrid__V1__ReportFormField stake_fields[] = {
    FORM_FIELD("holder", "text", true, "出资人"), FORM_FIELD("company", "text", true, "企业名称"),
    FORM_FIELD("credit_code", "credit_code", true, "统一社会信用代码"),
    FORM_FIELD("share_percent", "number", true, "出资比例(%)")};
static Cleangrid__V1__ReportFormField business_fields[] = {
    FORM_FIELD("holder", "text", true, "经营人"), FORM_FIELD("company", "text", true, "名称"),
    FORM_FIELD("credit_code", "credit_code", true, "统一社会信用代码")};
static Cleangrid__V1__ReportFormField security_fields[] = {
    FORM_FIELD("name", "text", true, "名称")};
static Cleangrid__V1__ReportFormField income_fields[] = {
    FORM_FIELD("source", "text", true, "来源")};

/* The form of those items (the messages point into the arrays above). */
static Cleangrid__V1__ReportForm *test_form(void)
{
    static Cleangrid__V1__ReportFormField *hf[4], *sf[4], *bf[3], *qf[1], *of[1];
    static Cleangrid__V1__ReportFormItem items[5];
    static Cleangrid__V1__ReportFormItem *ip[5];
    static Cleangrid__V1__ReportForm form = CLEANGRID__V1__REPORT_FORM__INIT;
    struct {
        const char *name, *label;
        Cleangrid__V1__ReportFormField *fields, **ptrs;
        size_t n;
    } spec[] = {
        {"housing", "房产情况", housing_fields, hf, 4},
        {"company_stakes", "配偶子女投资非上市公司、企业", stake_fields, sf, 4},
        {"businesses", "配偶子女注册个体工商户、个人独资企业或合伙企业", business_fields, bf, 3},
        {"securities", "股票、基金、投资型保险", security_fields, qf, 1},
        {"outside_income", "劳务所得", income_fields, of, 1}};
    for (size_t i = 0; i < 5; i++) {
        cleangrid__v1__report_form_item__init(&items[i]);
        items[i].name = (char *)spec[i].name;
        items[i].label_zh = (char *)spec[i].label;
        items[i].n_fields = spec[i].n;
        items[i].fields = spec[i].ptrs;
        for (size_t j = 0; j < spec[i].n; j++)
            spec[i].ptrs[j] = &spec[i].fields[j];
        ip[i] = &items[i];
    }
    form.n_items = 5;
    form.items = ip;
    return &form;
}

/* The file of reference records test_form() makes. */
static void open_test_file(gw_reference_file *file)
{
    cg_err err;
    cg_err_clear(&err);
    assert_int_equal(CG_OK, gw_reference_file_open(test_form(), file, &err));
}

/* Row i of a file of reference records. */
static const Cleangrid__V1__ImportReferenceRow *reference(const gw_csv_import *imp, size_t i)
{
    return (const void *)imp->messages[i];
}

/* The value of the field name of row, or NULL when the row has none. */
static const char *field_value(const Cleangrid__V1__ImportReferenceRow *row, const char *name)
{
    for (size_t i = 0; i < row->n_fields; i++)
        if (strcmp(row->fields[i]->name, name) == 0)
            return row->fields[i]->value;
    return NULL;
}

/* The columns a form makes: one a field name, headed by the name or a
 * label that names that field alone. */
static void test_references_columns(void **state)
{
    (void)state;
    gw_reference_file file;
    open_test_file(&file);
    /* person_id, year, item, note, then owner, address, area_m2,
     * acquired_on, holder, company, credit_code, share_percent, name,
     * source. */
    assert_int_equal(14, file.spec.ncolumns);
    assert_int_equal(4, file.max_fields);
    const cg_csv_column *c = &file.columns[4 + 6];
    assert_string_equal("credit_code", c->key);
    assert_string_equal("统一社会信用代码", c->aliases[0]);
    assert_null(c->aliases[1]);
    c = &file.columns[4 + 4];
    assert_string_equal("holder", c->key);
    assert_string_equal("出资人", c->aliases[0]);
    assert_string_equal("经营人", c->aliases[1]);
    assert_null(c->aliases[2]);
    /* 名称 names two fields; 来源 heads the note. */
    c = &file.columns[4 + 5];
    assert_string_equal("company", c->key);
    assert_string_equal("企业名称", c->aliases[0]);
    assert_null(c->aliases[1]);
    assert_string_equal("name", file.columns[12].key);
    assert_null(file.columns[12].aliases[0]);
    assert_string_equal("source", file.columns[13].key);
    assert_null(file.columns[13].aliases[0]);
    assert_string_equal("housing", gw_reference_item(test_form(), "房产情况"));
    assert_string_equal("housing", gw_reference_item(test_form(), "housing"));
    assert_string_equal("股权", gw_reference_item(test_form(), "股权"));
    gw_reference_file_free(&file);
}

/* A file as Excel saves it: Chinese headers, two items, the item by its
 * label or its name, a day as Excel writes it, empty cells left out. */
static void test_references_good_file(void **state)
{
    (void)state;
    gw_reference_file file;
    gw_csv_import imp;
    cg_err err;
    open_test_file(&file);
    const char *text =
        BOM "工号,年度,事项,来源,产权人,地址,建筑面积(平方米),取得日期,企业名称,统一社会信用代码,"
            "出资比例(%),出资人,名称,其他\r\n"
            "hr-1,2025,房产情况,不动产登记查询,本人,A市幸福路1号,96.5,2024/3/1,,,,,,x\r\n"
            "HR-1,2025,company_stakes,,,,,,华东物资贸易有限公司,91350100M000100Y43,30,配偶,,\r\n";
    assert_int_equal(CG_OK, parse(text, &file.spec, &imp, &err));
    assert_int_equal(0, cg_csv_problems_total(&imp.problems));
    assert_int_equal(2, imp.nrows);
    const Cleangrid__V1__ImportReferenceRow *row = reference(&imp, 0);
    assert_ptr_equal(&cleangrid__v1__import_reference_row__descriptor, row->base.descriptor);
    assert_int_equal(2, row->line);
    assert_string_equal("hr-1", row->person_id);
    assert_int_equal(2025, row->year);
    assert_string_equal("housing", row->item);
    assert_string_equal("不动产登记查询", row->note);
    assert_int_equal(4, row->n_fields);
    assert_string_equal("本人", field_value(row, "owner"));
    assert_string_equal("96.5", field_value(row, "area_m2"));
    assert_string_equal("2024-03-01", field_value(row, "acquired_on"));
    row = reference(&imp, 1);
    assert_string_equal("company_stakes", row->item);
    assert_string_equal("", row->note);
    assert_int_equal(4, row->n_fields);
    assert_string_equal("91350100M000100Y43", field_value(row, "credit_code"));
    assert_string_equal("配偶", field_value(row, "holder"));
    assert_null(field_value(row, "address"));
    /* 名称 names no one column, 其他 none at all. */
    size_t nunknown = 0;
    const char *const *unknown = cg_csv_unknown_columns(imp.csv, &nunknown);
    assert_int_equal(2, nunknown);
    assert_string_equal("名称", unknown[0]);
    assert_string_equal("其他", unknown[1]);
    gw_csv_import_free(&imp);
    gw_reference_file_free(&file);
}

/* A field the row's item has not, given a value, is a problem of its cell;
 * a year that is no number too; an item that is none goes to the service
 * as it is, without fields; a required column missing refuses the file. */
static void test_references_bad_cells(void **state)
{
    (void)state;
    gw_reference_file file;
    gw_csv_import imp;
    cg_err err;
    open_test_file(&file);
    assert_int_equal(CG_OK, parse("person_id,year,item,address,统一社会信用代码,出资人\n"
                                  "HR-1,2025,housing,A市幸福路1号,91350100M000100Y43,\n"
                                  "HR-1,二〇二五,股权,,91350100M000100Y43,配偶\n",
                                  &file.spec, &imp, &err));
    const cg_csv_problem *p = problem_at(&imp, 2, "credit_code");
    assert_non_null(p);
    assert_string_equal("统一社会信用代码", p->column);
    assert_non_null(strstr(p->message, "is no field of housing"));
    assert_non_null(problem_at(&imp, 3, "year"));
    assert_int_equal(2, cg_csv_problems_total(&imp.problems));
    assert_int_equal(1, reference(&imp, 0)->n_fields);
    assert_string_equal("股权", reference(&imp, 1)->item);
    assert_int_equal(0, reference(&imp, 1)->n_fields);
    gw_csv_import_free(&imp);

    assert_int_equal(CG_INVALID_ARGUMENT,
                     parse(BOM "工号,年度,地址\r\nHR-1,2025,A市\r\n", &file.spec, &imp, &err));
    p = problem_at(&imp, 1, "item");
    assert_non_null(p);
    assert_string_equal("事项", p->column);
    gw_csv_import_free(&imp);
    gw_reference_file_free(&file);
}

CG_TEST_MAIN(cmocka_unit_test(test_day), cmocka_unit_test(test_words),
             cmocka_unit_test(test_cadres_good_file), cmocka_unit_test(test_cadres_english_headers),
             cmocka_unit_test(test_cadres_missing_column), cmocka_unit_test(test_cadres_bad_cells),
             cmocka_unit_test(test_no_rows), cmocka_unit_test(test_service_violations),
             cmocka_unit_test(test_rectify_file), cmocka_unit_test(test_references_columns),
             cmocka_unit_test(test_references_good_file),
             cmocka_unit_test(test_references_bad_cells))
