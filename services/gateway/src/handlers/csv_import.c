/* An import file read into the rows of a service's request. See
 * csv_import.h. */
#include "csv_import.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

cg_code gw_csv_import_parse(const char *text, size_t len, const gw_csv_import_spec *spec,
                            gw_csv_import *imp, cg_err *err)
{
    const cg_csv_spec table = {.columns = spec->columns,
                               .ncolumns = spec->ncolumns,
                               .max_bytes = spec->max_bytes,
                               .max_rows = spec->max_rows};
    memset(imp, 0, sizeof(*imp));
    imp->spec = spec;
    cg_csv_problems_init(&imp->problems);
    cg_err_clear(err);
    if (cg_csv_parse(text, len, &table, &imp->csv, &imp->problems, err) != CG_OK)
        return err->code;
    size_t n = cg_csv_nrows(imp->csv);
    imp->org_paths = calloc(n ? n : 1, sizeof(*imp->org_paths));
    if (imp->org_paths == NULL)
        return cg_err_set(err, CG_INTERNAL, "out of memory");
    imp->nrows = n;
    if (n == 0 && cg_csv_problems_total(&imp->problems) == 0)
        cg_csv_problem_add(&imp->problems, imp->csv, 0, NULL,
                           "holds no row below its header: one row %s", spec->row_is);
    return CG_OK;
}

const char *gw_csv_import_unit(const gw_csv_import *imp, size_t row)
{
    const char *code =
        imp->spec->unit_key != NULL ? cg_csv_get(imp->csv, row, imp->spec->unit_key) : NULL;
    return code != NULL ? code : "";
}

bool gw_csv_import_set_path(gw_csv_import *imp, size_t row, const char *path)
{
    char *copy = strdup(path);
    if (copy == NULL)
        return false;
    free(imp->org_paths[row]);
    imp->org_paths[row] = copy;
    return true;
}

const char *gw_csv_import_path(const gw_csv_import *imp, size_t row)
{
    return imp->org_paths[row] != NULL ? imp->org_paths[row] : "";
}

cg_code gw_csv_import_rows(gw_csv_import *imp, cg_err *err)
{
    size_t n = imp->nrows;
    imp->rows = calloc(n ? n : 1, imp->spec->row_size);
    imp->messages = calloc(n ? n : 1, sizeof(*imp->messages));
    if (imp->rows == NULL || imp->messages == NULL)
        return cg_err_set(err, CG_INTERNAL, "out of memory");
    for (size_t i = 0; i < n; i++)
        imp->messages[i] =
            imp->spec->read_row(imp, i, (unsigned char *)imp->rows + i * imp->spec->row_size);
    return CG_OK;
}

bool gw_csv_day_ms(const char *s, int64_t *ms)
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

int64_t gw_csv_import_day(gw_csv_import *imp, size_t row, const char *key)
{
    const char *s = cg_csv_get(imp->csv, row, key);
    int64_t ms = 0;
    if (s == NULL || s[0] == '\0')
        return 0;
    if (!gw_csv_day_ms(s, &ms)) {
        cg_csv_problem_add(&imp->problems, imp->csv, cg_csv_line(imp->csv, row), key,
                           "must be a date (YYYY-MM-DD, or YYYY/M/D as Excel writes it), not "
                           "\"%.40s\"",
                           s);
        return 0;
    }
    return ms;
}

const char *gw_csv_word(const char *const (*words)[2], const char *s)
{
    for (size_t i = 0; words[i][0] != NULL; i++)
        if (strcmp(s, words[i][0]) == 0)
            return words[i][1];
    return s;
}

/* True when the problems hold one at line in the column key. */
static bool has_problem(const cg_csv_problems *problems, size_t line, const char *key)
{
    for (size_t i = 0; i < problems->count; i++)
        if (problems->items[i].line == line && strcmp(problems->items[i].key, key) == 0)
            return true;
    return false;
}

void gw_csv_import_add_violations(gw_csv_import *imp, const cg_err *service)
{
    size_t total = 0;
    /* The services' imports word their count so when they name only the
     * first of their problems (CG_ERR_MAX_VIOLATIONS). */
    if (sscanf(service->message, "the rows have %zu problems", &total) != 1 ||
        total < service->nviolations)
        total = service->nviolations;
    for (size_t i = 0; i < service->nviolations; i++) {
        const cg_violation *v = &service->violations[i];
        unsigned long line = 0;
        int used = 0;
        char key[sizeof v->field] = "";
        if (sscanf(v->field, "line %lu%n", &line, &used) == 1 && v->field[used] == '.')
            snprintf(key, sizeof(key), "%s", v->field + used + 1);
        else if (line == 0 && v->field[0] != '\0')
            snprintf(key, sizeof(key), "%s", v->field);
        if (key[0] != '\0' && has_problem(&imp->problems, line, key))
            continue;
        cg_csv_problem_add(&imp->problems, imp->csv, line, key[0] != '\0' ? key : NULL, "%s",
                           v->description);
    }
    imp->problems.dropped += total - service->nviolations;
}

void gw_csv_import_sort_problems(gw_csv_import *imp)
{
    cg_csv_problem *items = imp->problems.items;
    /* Insertion sort: stable, and a list holds at most CG_CSV_MAX_PROBLEMS. */
    for (size_t i = 1; i < imp->problems.count; i++) {
        cg_csv_problem p = items[i];
        size_t j = i;
        for (; j > 0 && items[j - 1].line > p.line; j--)
            items[j] = items[j - 1];
        items[j] = p;
    }
}

void gw_csv_import_free(gw_csv_import *imp)
{
    for (size_t i = 0; imp->org_paths != NULL && i < imp->nrows; i++)
        free(imp->org_paths[i]);
    free(imp->org_paths);
    free(imp->messages);
    free(imp->rows);
    cg_csv_free(imp->csv);
    cg_csv_problems_free(&imp->problems);
    memset(imp, 0, sizeof(*imp));
}
