/* A rectification batch's problem and task lists imported from CSV as
 * Excel saves it (a byte order mark, Chinese headers in any order, dates
 * as YYYY/M/D): one file, each row a task, the rows of one problem number
 * one problem. A good file makes its problems and tasks at once; a file
 * with any problem is refused whole, 400 naming each problem by line and
 * column (those the gateway finds in the file and those the rectify
 * service finds in the rows, together), and the batch's lists stay as
 * they were. */
#include "cgt.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define BOM "\xEF\xBB\xBF"

static char *inspector;

static int setup(void **state)
{
    (void)state;
    inspector = CGT_LOGIN("inspector");
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    cgt_logout(inspector);
    return 0;
}

/* The batch as the inspector reads it (the caller deletes it). */
static cJSON *get_batch(const char *id)
{
    char path[128];
    snprintf(path, sizeof path, "/api/v1/rectify/batches/%s", id);
    cgt_response *r = cgt_get(path, inspector);
    CGT_CHECK_STATUS(r, 200);
    cJSON *batch = cJSON_Duplicate(CGT_JSON_OBJECT(r), true);
    cgt_response_free(r);
    return batch;
}

/* How many problems and tasks the batch's lists hold. */
static void list_counts(const char *id, int *problems, int *tasks)
{
    cJSON *b = get_batch(id);
    *problems = cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(b, "problems"));
    *tasks = cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(b, "tasks"));
    cJSON_Delete(b);
}

/* The error of r at line in column (the header as the file spells it), or
 * NULL. */
static const cJSON *error_at(const cgt_response *r, int line, const char *column)
{
    const cJSON *e;
    cJSON_ArrayForEach(e, cJSON_GetObjectItemCaseSensitive(r->json, "errors"))
    {
        const cJSON *l = cJSON_GetObjectItemCaseSensitive(e, "line");
        const char *c = cgt_json_str(e, "column");
        if (cJSON_IsNumber(l) && (int)l->valuedouble == line && c != NULL && strcmp(c, column) == 0)
            return e;
    }
    return NULL;
}

/* Import csv into batch id, which must be refused with an error at line in
 * column whose description holds text, leaving the lists as they were. */
static void check_refused(const char *id, const char *csv, int line, const char *column,
                          const char *text)
{
    int problems, tasks, problems_after, tasks_after;
    list_counts(id, &problems, &tasks);
    cgt_response *r = cgt_import_batch(inspector, id, csv);
    CGT_CHECK_PROBLEM(r, 400);
    const cJSON *e = error_at(r, line, column);
    CGT_CHECK(e != NULL, "an error at line %d, column %s: %s", line, column, r->body);
    const char *description = cgt_json_str(e, "description");
    CGT_CHECK(description != NULL && strstr(description, text) != NULL,
              "the error at line %d, column %s says \"%s\": %s", line, column, text, r->body);
    cgt_response_free(r);
    list_counts(id, &problems_after, &tasks_after);
    CGT_CHECK_INT(problems, problems_after, "problems after a refused import");
    CGT_CHECK_INT(tasks, tasks_after, "tasks after a refused import");
}

/* The headers in an order of their own, Chinese as the office writes them,
 * and a column the import does not read. */
#define HEADER                                                                                     \
    BOM "责任单位代码,整改任务,问题序号,严重程度,问题描述,备注,责任领导,整改期限,第一责任人\r\n"

static void test_import_good_file(void **state)
{
    (void)state;
    char id[37];
    CGT_CREATE_BATCH(inspector, "east", "2026-01-10", id);
    const char *csv =
        HEADER "city_a,\"建立采购台账，逐笔核对\",1,较重,\"物资采购未执行\"\"三重一大\"\"\",,张三,"
               "2026/3/1,李四\r\n"
               "city_b,整改采购审批流程,1,较重,\"物资采购未执行\"\"三重一大\"\"\",说明,张三,,\r\n"
               "east,公车使用登记,2,一般,公车私用,,王五,2026-04-15,\r\n";
    cgt_response *r = cgt_import_batch(inspector, id, csv);
    CGT_CHECK_STATUS(r, 201);
    const cJSON *out = CGT_JSON_OBJECT(r);
    CGT_CHECK_INT(2, cJSON_GetNumberValue(cJSON_GetObjectItem(out, "problems")), "problems");
    CGT_CHECK_INT(3, cJSON_GetNumberValue(cJSON_GetObjectItem(out, "tasks")), "tasks");
    CGT_CHECK_STR("备注", cgt_json_sole(out, "ignored_columns"), "the column not read");
    cgt_response_free(r);

    cJSON *b = get_batch(id);
    const cJSON *problems = cJSON_GetObjectItemCaseSensitive(b, "problems");
    const cJSON *tasks = cJSON_GetObjectItemCaseSensitive(b, "tasks");
    CGT_CHECK_INT(2, cJSON_GetArraySize(problems), "problems of the batch");
    CGT_CHECK_INT(3, cJSON_GetArraySize(tasks), "tasks of the batch");
    const cJSON *first = cJSON_GetArrayItem(problems, 0);
    CGT_CHECK_INT(1, cJSON_GetNumberValue(cJSON_GetObjectItem(first, "seq")), "first problem");
    CGT_CHECK_STR("物资采购未执行\"三重一大\"", cgt_json_str(first, "description"), "quoted text");
    CGT_CHECK_STR("serious", cgt_json_str(first, "severity"), "较重 is serious");
    CGT_CHECK_STR("general", cgt_json_str(cJSON_GetArrayItem(problems, 1), "severity"), "一般");
    const cJSON *ta = cgt_find_where(tasks, "text", "建立采购台账，逐笔核对");
    const cJSON *tb = cgt_find_where(tasks, "text", "整改采购审批流程");
    const cJSON *tc = cgt_find_where(tasks, "text", "公车使用登记");
    CGT_CHECK(ta != NULL && tb != NULL && tc != NULL, "the three tasks: %s", cgt_json_print(tasks));
    CGT_CHECK_STR("hq.east.city_a", cgt_json_str(ta, "org_path"), "the first task's unit");
    CGT_CHECK_STR("2026-03-01", cgt_json_str(ta, "deadline_on"), "a date as Excel writes it");
    CGT_CHECK_STR("李四", cgt_json_str(ta, "first_responsible"), "第一责任人");
    CGT_CHECK_STR("2026-03-10", cgt_json_str(tb, "deadline_on"), "no deadline: the source's");
    CGT_CHECK_STR("2026-04-15", cgt_json_str(tc, "deadline_on"), "an ISO date");
    CGT_CHECK_STR(cgt_json_str(first, "id"), cgt_json_str(tb, "problem_id"), "one problem");

    /* Each task was assigned as one added alone is: its file opens with
     * the step. */
    char path[128];
    snprintf(path, sizeof path, "/api/v1/rectify/tasks/%s/dossier", cgt_json_str(ta, "id"));
    cJSON_Delete(b);
    r = cgt_get(path, inspector);
    CGT_CHECK_STATUS(r, 200);
    CGT_CHECK(strstr(r->body, "task.assigned") != NULL, "the dossier: %s", r->body);
    cgt_response_free(r);

    /* A second file continues the numbers: 3, not 1 again. */
    r = cgt_import_batch(inspector, id,
                         BOM
                         "问题序号,问题,整改措施,责任单位,责任领导\n3,食堂账目不清,清理账目,east,"
                         "赵六\n");
    CGT_CHECK_STATUS(r, 201);
    cgt_response_free(r);
    check_refused(id, BOM "问题序号,问题,整改措施,责任单位,责任领导\n1,又一个问题,整改,east,赵六\n",
                  2, "问题序号", "is a problem of the batch already");
}

static void test_import_bad_files(void **state)
{
    (void)state;
    char id[37];
    CGT_CREATE_BATCH(inspector, "east", "2026-01-10", id);
    const char *good_row = "city_a,整改,1,一般,问题,,张三,2026/3/1,\r\n";

    /* A column misspelt is a column missing. */
    check_refused(id,
                  BOM "责任单位代码,整改任务X,问题序号,严重程度,问题描述,责任领导\r\n"
                      "city_a,整改,1,一般,问题,张三\r\n",
                  1, "整改任务", "is required");
    check_refused(id, BOM "责任单位代码,整改任务,问题序号,问题描述\r\ncity_a,整改,1,问题\r\n", 1,
                  "责任领导", "is required");

    /* A day that is none, an unknown unit, a unit outside the batch's
     * inspected unit (a service's rule), each at its own line. */
    char csv[2048];
    snprintf(csv, sizeof csv, "%s%s%s", HEADER, good_row,
             "city_a,整改,1,一般,问题,,张三,2026-02-30,\r\n");
    check_refused(id, csv, 3, "整改期限", "must be a date");
    snprintf(csv, sizeof csv, "%s%s%s", HEADER, "no_such_unit,整改,1,一般,问题,,张三,,\r\n",
             good_row);
    check_refused(id, csv, 2, "责任单位代码", "is not a known org unit");
    snprintf(csv, sizeof csv, "%s%s%s", HEADER, good_row, "city_c,整改,1,一般,问题,,张三,,\r\n");
    check_refused(id, csv, 3, "责任单位代码", "is not the inspected unit of the batch");

    /* The file's problems and the service's in one answer. */
    snprintf(csv, sizeof csv, "%s%s%s%s", HEADER, "city_a,整改,1,一般,问题,,张三,2026/13/1,\r\n",
             "west,整改,1,一般,问题,,张三,,\r\n", "city_b,整改,3,一般,问题三,,张三,,\r\n");
    check_refused(id, csv, 2, "整改期限", "must be a date");
    check_refused(id, csv, 3, "责任单位代码", "is not the inspected unit of the batch");
    check_refused(id, csv, 4, "问题序号", "leaves a gap");

    /* One problem number given two ways. */
    snprintf(csv, sizeof csv, "%s%s%s", HEADER, good_row, "city_b,整改,1,严重,问题,,张三,,\r\n");
    check_refused(id, csv, 3, "问题描述", "differs from problem 1");

    /* Another batch's unit outside the caller's scope: inspector.east
     * cannot even find a batch of hq.west. */
    char west[37];
    CGT_CREATE_BATCH(inspector, "west", "2026-01-10", west);
    char *east = CGT_LOGIN("inspector.east");
    cgt_response *r = cgt_import_batch(east, west, csv);
    CGT_CHECK_PROBLEM(r, 404);
    cgt_response_free(r);
    cgt_logout(east);

    /* Not CSV. */
    char path[128];
    snprintf(path, sizeof path, "/api/v1/rectify/batches/%s/import", id);
    r = cgt_post_raw(path, inspector, "application/json", "{}", 2);
    CGT_CHECK_PROBLEM(r, 415);
    cgt_response_free(r);
}

int main(void)
{
    cgt_init("rectify_import", CGT_NEED_GATEWAY);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_import_good_file),
        cmocka_unit_test(test_import_bad_files),
    };
    int failed = cmocka_run_group_tests_name("rectify_import", tests, setup, teardown);
    cgt_cleanup();
    return failed ? 1 : 0;
}
