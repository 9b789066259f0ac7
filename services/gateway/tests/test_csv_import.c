/* Unit tests of the import files: the reader every import shares
 * (csv_import.c) and the two tables read with it, cadres for their
 * integrity files (cadre_import.c) and a rectification batch's lists
 * (rectify_import.c). */
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

CG_TEST_MAIN(cmocka_unit_test(test_day), cmocka_unit_test(test_words),
             cmocka_unit_test(test_cadres_good_file), cmocka_unit_test(test_cadres_english_headers),
             cmocka_unit_test(test_cadres_missing_column), cmocka_unit_test(test_cadres_bad_cells),
             cmocka_unit_test(test_no_rows), cmocka_unit_test(test_service_violations),
             cmocka_unit_test(test_rectify_file))
