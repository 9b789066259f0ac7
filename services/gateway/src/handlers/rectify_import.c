/* A rectification batch's import file: CSV to the rows of
 * cg.rpc.rectify.ImportBatchLists. See rectify_import.h. */
#include "rectify_import.h"

#include <stdlib.h>

#include "cg/limits.h"
#include "cleangrid/v1/rectify_io.pb-c.h"

/* The columns: the API's keys, or the office's Chinese names (the first
 * names the column in messages when the file lacks it). */
static const char *const problem_no_aliases[] = {"问题序号", NULL};
static const char *const problem_aliases[] = {"问题描述", "问题", NULL};
static const char *const category_aliases[] = {"问题类别", NULL};
static const char *const severity_aliases[] = {"严重程度", NULL};
static const char *const basis_aliases[] = {"依据", NULL};
static const char *const task_aliases[] = {"整改任务", "整改措施", NULL};
static const char *const unit_aliases[] = {"责任单位代码", "责任单位", NULL};
static const char *const leader_aliases[] = {"责任领导", NULL};
static const char *const first_aliases[] = {"第一责任人", NULL};
static const char *const deadline_aliases[] = {"整改期限", "期限", NULL};
static const cg_csv_column import_columns[] = {
    {.key = "problem_no", .aliases = problem_no_aliases, .required = true},
    {.key = "problem", .aliases = problem_aliases, .required = true},
    {.key = "category", .aliases = category_aliases},
    {.key = "severity", .aliases = severity_aliases},
    {.key = "basis", .aliases = basis_aliases},
    {.key = "task", .aliases = task_aliases, .required = true},
    {.key = "unit_code", .aliases = unit_aliases, .required = true},
    {.key = "leader", .aliases = leader_aliases, .required = true},
    {.key = "first_responsible", .aliases = first_aliases},
    {.key = "deadline", .aliases = deadline_aliases},
};

/* A file of the most rows, each a few hundred characters of text. */
#define IMPORT_MAX_BYTES (4u * 1024 * 1024)

const char *gw_rectify_severity(const char *s)
{
    static const char *const names[][2] = {
        {"一般", "general"}, {"较重", "serious"}, {"严重", "major"}, {NULL, NULL}};
    return gw_csv_word(names, s);
}

/* The problem number of a field: a whole number from 1 (Excel writes
 * "3"), or a problem. */
static int problem_no(gw_csv_import *imp, size_t line, const char *s)
{
    char *end = NULL;
    long n = strtol(s, &end, 10);
    if (s[0] == '\0') {
        cg_csv_problem_add(&imp->problems, imp->csv, line, "problem_no", "is required");
        return 0;
    }
    if (s[0] < '0' || s[0] > '9' || *end != '\0' || n < 1 || n > 100000) {
        cg_csv_problem_add(&imp->problems, imp->csv, line, "problem_no",
                           "must be a whole number from 1, not \"%.40s\"", s);
        return 0;
    }
    return (int)n;
}

/* Row i of the file as a row of the request. */
static ProtobufCMessage *read_row(gw_csv_import *imp, size_t i, void *mem)
{
    const cg_csv *csv = imp->csv;
    Cleangrid__V1__ImportRow *row = mem;
    size_t line = cg_csv_line(csv, i);

    cleangrid__v1__import_row__init(row);
    row->line = (int32_t)line;
    row->problem_no = problem_no(imp, line, cg_csv_get(csv, i, "problem_no"));
    /* The fields are borrowed from the csv; protobuf-c never writes
     * through them. */
    row->problem = (char *)cg_csv_get(csv, i, "problem");
    row->category = (char *)cg_csv_get(csv, i, "category");
    row->severity = (char *)gw_rectify_severity(cg_csv_get(csv, i, "severity"));
    row->basis = (char *)cg_csv_get(csv, i, "basis");
    row->task = (char *)cg_csv_get(csv, i, "task");
    row->unit_code = (char *)cg_csv_get(csv, i, "unit_code");
    row->org_path = (char *)gw_csv_import_path(imp, i);
    row->leader = (char *)cg_csv_get(csv, i, "leader");
    row->first_responsible = (char *)cg_csv_get(csv, i, "first_responsible");
    row->deadline_on_ms = gw_csv_import_day(imp, i, "deadline");
    return &row->base;
}

const gw_csv_import_spec gw_rectify_import_file = {
    .columns = import_columns,
    .ncolumns = sizeof(import_columns) / sizeof(import_columns[0]),
    .max_bytes = IMPORT_MAX_BYTES,
    .max_rows = CG_RECTIFY_IMPORT_ROWS_MAX,
    .row_is = "a task",
    .unit_key = "unit_code",
    .row_size = sizeof(Cleangrid__V1__ImportRow),
    .read_row = read_row,
};
