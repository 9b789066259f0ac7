/* Unit tests of org-unit import files: CSV parsing, row checks, and the
 * order in which rows are written. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>
#include <string.h>

#include "cg_test.h"
#include "unit_import.h"

static cg_code parse(const char *text, bool csv, gw_unit_import *imp, cg_err *err)
{
    return gw_unit_import_parse(text, strlen(text), csv, imp, err);
}

/* The index in imp of the row with code, or -1. */
static int index_of(const gw_unit_import *imp, const char *code)
{
    for (size_t i = 0; i < imp->nrows; i++)
        if (strcmp(imp->rows[i].code, code) == 0)
            return (int)i;
    return -1;
}

static bool has_violation(const cg_err *err, const char *field)
{
    for (size_t i = 0; i < err->nviolations; i++)
        if (strcmp(err->violations[i].field, field) == 0)
            return true;
    return false;
}

static void test_csv_quotes_bom_crlf(void **state)
{
    (void)state;
    cg_err err;
    /* A BOM, CRLF line ends, a quoted comma, a doubled quote, a line break
     * inside quotes, columns in another order, and a blank last line. */
    const char *text = "\xEF\xBB\xBFparent,code,name,name_zh\r\n"
                       "hq,north,\"North, Co.\",北方公司\r\n"
                       "north,station_1,\"Station \"\"One\"\"\",\"一号\n变电站\"\r\n"
                       "\r\n";
    cJSON *rows = gw_csv_to_json(text, strlen(text), &err);
    assert_non_null(rows);
    assert_int_equal(2, cJSON_GetArraySize(rows));
    cJSON *second = cJSON_GetArrayItem(rows, 1);
    assert_string_equal("Station \"One\"",
                        cJSON_GetStringValue(cJSON_GetObjectItem(second, "name")));
    assert_string_equal("一号\n变电站",
                        cJSON_GetStringValue(cJSON_GetObjectItem(second, "name_zh")));
    assert_string_equal("North, Co.", cJSON_GetStringValue(cJSON_GetObjectItem(
                                          cJSON_GetArrayItem(rows, 0), "name")));
    assert_int_equal(3, (int)cJSON_GetNumberValue(cJSON_GetObjectItem(second, "line")));
    cJSON_Delete(rows);
}

static void test_csv_refused(void **state)
{
    (void)state;
    cg_err err;
    const char *stray = "code,name,name_zh,parent\nx,a\"b,c,hq\n";
    assert_null(gw_csv_to_json(stray, strlen(stray), &err));
    assert_true(has_violation(&err, "line 2"));
    const char *unterminated = "code,name,name_zh,parent\nx,\"open,c,hq\n";
    assert_null(gw_csv_to_json(unterminated, strlen(unterminated), &err));
    const char *short_row = "code,name,name_zh,parent\nx,a,b\n";
    assert_null(gw_csv_to_json(short_row, strlen(short_row), &err));
    assert_true(has_violation(&err, "line 2"));
    const char bad_utf8[] = "code,name,name_zh,parent\nx,\xff,b,hq\n";
    assert_null(gw_csv_to_json(bad_utf8, sizeof(bad_utf8) - 1, &err));
    assert_true(has_violation(&err, "line 2"));
    const char *no_parent = "code,name,name_zh\nx,a,b\n";
    assert_null(gw_csv_to_json(no_parent, strlen(no_parent), &err));
    assert_true(cg_err_has_violation(&err, "line 1.parent", "上级单位代码"));
}

static void test_csv_chinese_headers(void **state)
{
    (void)state;
    cg_err err;
    /* The office's column names, and a column of notes the import ignores. */
    const char *text = "上级单位代码,备注,单位代码,英文名称,中文名称\n"
                       "hq,new,north, North Co. ,北方公司\n";
    cJSON *rows = gw_csv_to_json(text, strlen(text), &err);
    assert_non_null(rows);
    cJSON *row = cJSON_GetArrayItem(rows, 0);
    assert_string_equal("north", cJSON_GetStringValue(cJSON_GetObjectItem(row, "code")));
    assert_string_equal("North Co.", cJSON_GetStringValue(cJSON_GetObjectItem(row, "name")));
    assert_string_equal("hq", cJSON_GetStringValue(cJSON_GetObjectItem(row, "parent")));
    assert_null(cJSON_GetObjectItem(row, "备注"));
    cJSON_Delete(rows);
}

static void test_parents_first(void **state)
{
    (void)state;
    gw_unit_import imp;
    cg_err err;
    /* Children listed before their parents come out after them. */
    const char *json =
        "{\"units\": ["
        "{\"code\": \"c\", \"name\": \"C\", \"name_zh\": \"丙\", \"parent\": \"b\"},"
        "{\"code\": \"b\", \"name\": \"B\", \"name_zh\": \"乙\", \"parent\": \"a\"},"
        "{\"code\": \"a\", \"name\": \"A\", \"name_zh\": \"甲\", \"parent\": \"hq\"},"
        "{\"code\": \"d\", \"name\": \"D\", \"name_zh\": \"丁\", \"parent\": \"a\"}]}";
    assert_int_equal(CG_OK, parse(json, false, &imp, &err));
    assert_int_equal(4, (int)imp.nrows);
    assert_true(index_of(&imp, "a") < index_of(&imp, "b"));
    assert_true(index_of(&imp, "b") < index_of(&imp, "c"));
    assert_true(index_of(&imp, "a") < index_of(&imp, "d"));
    /* Each row keeps where it was in the file, for its violations. */
    assert_string_equal("units[0]", imp.rows[index_of(&imp, "c")].where);
    gw_unit_import_free(&imp);
}

static void test_rows_refused(void **state)
{
    (void)state;
    gw_unit_import imp;
    cg_err err;
    const char *cycle = "code,name,name_zh,parent\n"
                        "x,X,X,y\n"
                        "y,Y,Y,x\n";
    assert_int_equal(CG_INVALID_ARGUMENT, parse(cycle, true, &imp, &err));
    assert_null(imp.rows);

    const char *bad = "code,name,name_zh,parent\n"
                      "Bad-Code,X,X,hq\n"
                      "ok,,X,hq\n"
                      "ok,Y,Y,hq\n";
    assert_int_equal(CG_INVALID_ARGUMENT, parse(bad, true, &imp, &err));
    assert_true(has_violation(&err, "line 2.code"));
    assert_true(has_violation(&err, "line 3.name"));
    assert_true(has_violation(&err, "line 4.code")); /* twice in the file */

    assert_int_equal(CG_INVALID_ARGUMENT, parse("{\"units\": []}", false, &imp, &err));
    assert_int_equal(CG_INVALID_ARGUMENT, parse("{\"units\": 3}", false, &imp, &err));
    assert_int_equal(CG_INVALID_ARGUMENT, parse("[1, 2]", false, &imp, &err));
    assert_int_equal(CG_INVALID_ARGUMENT,
                     parse("{\"units\": [{\"code\": \"a\", \"name\": 1, \"name_zh\": \"x\", "
                           "\"parent\": \"hq\"}]}",
                           false, &imp, &err));
    assert_true(has_violation(&err, "units[0].name"));
}

CG_TEST_MAIN(cmocka_unit_test(test_csv_quotes_bom_crlf), cmocka_unit_test(test_csv_refused),
             cmocka_unit_test(test_csv_chinese_headers), cmocka_unit_test(test_parents_first),
             cmocka_unit_test(test_rows_refused))
