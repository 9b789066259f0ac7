/* A rectification batch's import file: CSV to the rows of
 * cg.rpc.rectify.ImportBatchLists. See rectify_import.h. */
#include "rectify_import.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cg/limits.h"

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
#define NCOLUMNS (sizeof(import_columns) / sizeof(import_columns[0]))

/* A file of the most rows, each a few hundred characters of text. */
#define IMPORT_MAX_BYTES (4u * 1024 * 1024)

bool gw_rectify_day_ms(const char *s, int64_t *ms)
{
    int y, m, d, used = 0;
    char sep = strchr(s, '/') != NULL ? '/' : '-';
    int got = sep == '/' ? sscanf(s, "%4d/%2d/%2d%n", &y, &m, &d, &used)
                         : sscanf(s, "%4d-%2d-%2d%n", &y, &m, &d, &used);
    if (got != 3 || s[used] != '\0' || y < 1900 || y > 9999 || s[0] < '0' || s[0] > '9')
        return false;
    /* YYYY-MM-DD has both digits of month and day; Excel's YYYY/M/D may
     * drop a leading zero. */
    if (sep == '-' && used != 10)
        return false;
    struct tm tm = {.tm_year = y - 1900, .tm_mon = m - 1, .tm_mday = d};
    time_t t = timegm(&tm);
    /* timegm() carries 2026-02-30 over into March: a day that is none. */
    if (t == (time_t)-1 || tm.tm_year != y - 1900 || tm.tm_mon != m - 1 || tm.tm_mday != d)
        return false;
    *ms = (int64_t)t * 1000;
    return true;
}

const char *gw_rectify_severity(const char *s)
{
    static const char *const names[][2] = {
        {"一般", "general"}, {"较重", "serious"}, {"严重", "major"}};
    for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
        if (strcmp(s, names[i][0]) == 0)
            return names[i][1];
    return s;
}

/* The problem number of a field: a whole number from 1 (Excel writes
 * "3"), or a problem. */
static int problem_no(gw_rectify_import *imp, size_t line, const char *s)
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
static void read_row(gw_rectify_import *imp, size_t i)
{
    const cg_csv *csv = imp->csv;
    Cleangrid__V1__ImportRow *row = &imp->rows[i];
    size_t line = cg_csv_line(csv, i);
    const char *deadline = cg_csv_get(csv, i, "deadline");

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
    row->leader = (char *)cg_csv_get(csv, i, "leader");
    row->first_responsible = (char *)cg_csv_get(csv, i, "first_responsible");
    if (deadline[0] != '\0' && !gw_rectify_day_ms(deadline, &row->deadline_on_ms))
        cg_csv_problem_add(&imp->problems, csv, line, "deadline",
                           "must be a date (YYYY-MM-DD, or YYYY/M/D as Excel writes it), not "
                           "\"%.40s\"",
                           deadline);
    imp->row_ptrs[i] = row;
}

cg_code gw_rectify_import_read(const char *text, size_t len, gw_rectify_import *imp, cg_err *err)
{
    const cg_csv_spec spec = {.columns = import_columns,
                              .ncolumns = NCOLUMNS,
                              .max_bytes = IMPORT_MAX_BYTES,
                              .max_rows = CG_RECTIFY_IMPORT_ROWS_MAX};
    memset(imp, 0, sizeof(*imp));
    cg_csv_problems_init(&imp->problems);
    cg_err_clear(err);
    if (cg_csv_parse(text, len, &spec, &imp->csv, &imp->problems, err) != CG_OK)
        return err->code;
    size_t n = cg_csv_nrows(imp->csv);
    imp->rows = calloc(n ? n : 1, sizeof(*imp->rows));
    imp->row_ptrs = calloc(n ? n : 1, sizeof(*imp->row_ptrs));
    imp->org_paths = calloc(n ? n : 1, sizeof(*imp->org_paths));
    if (imp->rows == NULL || imp->row_ptrs == NULL || imp->org_paths == NULL)
        return cg_err_set(err, CG_INTERNAL, "out of memory");
    if (n == 0 && cg_csv_problems_total(&imp->problems) == 0)
        cg_csv_problem_add(&imp->problems, imp->csv, 0, NULL,
                           "holds no row below its header: one row a task");
    for (size_t i = 0; i < n; i++)
        read_row(imp, i);
    imp->nrows = n;
    return CG_OK;
}

bool gw_rectify_import_set_path(gw_rectify_import *imp, size_t row, const char *path)
{
    char *copy = strdup(path);
    if (copy == NULL)
        return false;
    free(imp->org_paths[row]);
    imp->org_paths[row] = copy;
    imp->rows[row].org_path = copy;
    return true;
}

/* True when the problems hold one at line in the column key. */
static bool has_problem(const cg_csv_problems *problems, size_t line, const char *key)
{
    for (size_t i = 0; i < problems->count; i++)
        if (problems->items[i].line == line && strcmp(problems->items[i].key, key) == 0)
            return true;
    return false;
}

void gw_rectify_import_add_violations(gw_rectify_import *imp, const cg_err *service, size_t total)
{
    for (size_t i = 0; i < service->nviolations; i++) {
        const cg_violation *v = &service->violations[i];
        unsigned long line = 0;
        int used = 0;
        char key[48] = "";
        if (sscanf(v->field, "line %lu%n", &line, &used) == 1 && v->field[used] == '.')
            snprintf(key, sizeof(key), "%s", v->field + used + 1);
        else if (line == 0 && v->field[0] != '\0')
            snprintf(key, sizeof(key), "%s", v->field);
        if (key[0] != '\0' && has_problem(&imp->problems, line, key))
            continue;
        cg_csv_problem_add(&imp->problems, imp->csv, line, key[0] != '\0' ? key : NULL, "%s",
                           v->description);
    }
    /* The service names only the first of many: the rest are counted. */
    if (total > service->nviolations)
        imp->problems.dropped += total - service->nviolations;
}

void gw_rectify_import_free(gw_rectify_import *imp)
{
    for (size_t i = 0; imp->org_paths != NULL && i < imp->nrows; i++)
        free(imp->org_paths[i]);
    free(imp->org_paths);
    free(imp->row_ptrs);
    free(imp->rows);
    cg_csv_free(imp->csv);
    cg_csv_problems_free(&imp->problems);
    memset(imp, 0, sizeof(*imp));
}
