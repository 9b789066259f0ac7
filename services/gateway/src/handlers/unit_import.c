/* Org-unit import files: CSV to JSON, row checks, and the order rows are
 * written in. See unit_import.h. */
#include "unit_import.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "accounts.h"
#include "admin_rules.h"
#include "cg/csv.h"
#include "gw_pure.h"

/* The columns of a CSV import: the JSON keys, or the office's Chinese
 * names. */
static const char *const code_aliases[] = {"单位代码", NULL};
static const char *const name_aliases[] = {"英文名称", NULL};
static const char *const name_zh_aliases[] = {"中文名称", "单位名称", NULL};
static const char *const parent_aliases[] = {"上级单位代码", NULL};
static const cg_csv_column unit_columns[] = {
    {.key = "code", .aliases = code_aliases, .required = true},
    {.key = "name", .aliases = name_aliases, .required = true},
    {.key = "name_zh", .aliases = name_zh_aliases, .required = true},
    {.key = "parent", .aliases = parent_aliases, .required = true},
};

cJSON *gw_csv_to_json(const char *text, size_t len, cg_err *err)
{
    /* One row more than a file may hold, so that the count check of
     * gw_unit_import_parse() words the limit as it does for JSON, while
     * the reader still stops a larger file early. */
    const cg_csv_spec spec = {.columns = unit_columns,
                              .ncolumns = sizeof(unit_columns) / sizeof(unit_columns[0]),
                              .max_rows = GW_IMPORT_MAX_UNITS + 1};
    cg_csv_problems problems;
    cg_csv *csv = NULL;
    cJSON *rows = NULL;

    cg_csv_problems_init(&problems);
    cg_err_clear(err);
    if (cg_csv_parse(text, len, &spec, &csv, &problems, err) != CG_OK ||
        cg_csv_problems_to_err(&problems, err) != CG_OK)
        goto cleanup;
    rows = cJSON_CreateArray();
    bool ok = rows != NULL;
    for (size_t i = 0; ok && i < cg_csv_nrows(csv); i++) {
        cJSON *row = cJSON_CreateObject();
        ok = row != NULL && cJSON_AddItemToArray(rows, row) &&
             cJSON_AddNumberToObject(row, "line", (double)cg_csv_line(csv, i)) != NULL;
        for (size_t c = 0; ok && c < spec.ncolumns; c++)
            ok = cJSON_AddStringToObject(row, unit_columns[c].key,
                                         cg_csv_get(csv, i, unit_columns[c].key)) != NULL;
    }
    if (!ok) {
        cJSON_Delete(rows);
        rows = NULL;
        cg_err_set(err, CG_INTERNAL, "out of memory");
    }

cleanup:
    cg_csv_free(csv);
    cg_csv_problems_free(&problems);
    return rows;
}

/* A string member of 1..max characters, or a violation. */
static const char *row_string(const cJSON *obj, const char *where, const char *name, size_t max,
                              cg_err *err)
{
    const char *s = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(obj, name));
    char field[64];
    snprintf(field, sizeof(field), "%s.%s", where, name);
    if (s == NULL || s[0] == '\0') {
        cg_err_add_violation(err, field, "is required");
        return NULL;
    }
    if (gw_utf8_chars(s) > max) {
        cg_err_add_violation(err, field, "must be at most %zu characters", max);
        return NULL;
    }
    return s;
}

/* The index of the row whose code is code, or -1. Linear: files are small
 * and this runs once per row. */
static long find_row(const gw_unit_row *rows, size_t n, const char *code)
{
    for (size_t i = 0; i < n; i++)
        if (rows[i].code != NULL && strcmp(rows[i].code, code) == 0)
            return (long)i;
    return -1;
}

/* Put rows in an order where parents inside the file come first: depth
 * first from each row to its topmost ancestor in the file. A parent chain
 * that returns to a row is a cycle. */
static cg_code order_rows(gw_unit_row *rows, size_t n, cg_err *err)
{
    gw_unit_row *ordered = calloc(n ? n : 1, sizeof(*ordered));
    unsigned char *state = calloc(n ? n : 1, 1); /* 0 new, 1 on the chain, 2 placed */
    long *chain = calloc(n ? n : 1, sizeof(*chain));
    size_t placed = 0;
    cg_code rc = CG_OK;

    if (ordered == NULL || state == NULL || chain == NULL) {
        rc = cg_err_set(err, CG_INTERNAL, "out of memory");
        goto cleanup;
    }
    for (size_t start = 0; start < n; start++) {
        size_t depth = 0;
        long i = (long)start;
        /* Walk up while the parent is an unplaced row of the file. */
        while (i >= 0 && state[i] == 0) {
            state[i] = 1;
            chain[depth++] = i;
            i = find_row(rows, n, rows[i].parent);
        }
        if (i >= 0 && state[i] == 1) {
            char field[64];
            snprintf(field, sizeof(field), "%s.parent", rows[i].where);
            cg_err_add_violation(err, field, "makes a cycle of parents inside the file");
            rc = err->code;
            goto cleanup;
        }
        while (depth > 0) {
            long j = chain[--depth];
            state[j] = 2;
            ordered[placed++] = rows[j];
        }
    }
    memcpy(rows, ordered, n * sizeof(*rows));

cleanup:
    free(ordered);
    free(state);
    free(chain);
    return rc;
}

cg_code gw_unit_import_parse(const char *text, size_t len, bool csv, gw_unit_import *out,
                             cg_err *err)
{
    const cJSON *units = NULL;
    memset(out, 0, sizeof(*out));
    cg_err_clear(err);

    if (csv) {
        out->doc = gw_csv_to_json(text, len, err);
        units = out->doc;
    } else if (gw_json_parse_body(text, len, &out->doc, err) == CG_OK) {
        units = cJSON_GetObjectItemCaseSensitive(out->doc, "units");
        if (!cJSON_IsArray(units))
            cg_err_add_violation(err, "units", "must be an array of units");
    }
    if (err->code != CG_OK)
        goto fail;
    int count = cJSON_GetArraySize(units);
    if (count < 1 || count > GW_IMPORT_MAX_UNITS) {
        cg_err_add_violation(err, csv ? "" : "units", "must hold 1 to %d units",
                             GW_IMPORT_MAX_UNITS);
        goto fail;
    }
    out->rows = calloc((size_t)count, sizeof(*out->rows));
    if (out->rows == NULL) {
        cg_err_set(err, CG_INTERNAL, "out of memory");
        goto fail;
    }
    for (const cJSON *u = units->child; u != NULL; u = u->next) {
        gw_unit_row *r = &out->rows[out->nrows];
        if (csv)
            snprintf(r->where, sizeof(r->where), "line %d",
                     (int)cJSON_GetNumberValue(cJSON_GetObjectItem(u, "line")));
        else
            snprintf(r->where, sizeof(r->where), "units[%zu]", out->nrows);
        out->nrows++;
        if (!cJSON_IsObject(u)) {
            cg_err_add_violation(err, r->where, "must be an object");
            continue;
        }
        r->code = row_string(u, r->where, "code", 64, err);
        r->name = row_string(u, r->where, "name", 100, err);
        r->name_zh = row_string(u, r->where, "name_zh", 100, err);
        r->parent = row_string(u, r->where, "parent", 64, err);
        char field[64];
        snprintf(field, sizeof(field), "%s.code", r->where);
        if (r->code != NULL && !gw_unit_code_valid(r->code)) {
            cg_err_add_violation(err, field, "must be 1 to 64 of a-z, 0-9 and _");
            r->code = NULL;
        } else if (r->code != NULL && find_row(out->rows, out->nrows - 1, r->code) >= 0) {
            cg_err_add_violation(err, field, "appears twice in the file");
        }
        snprintf(field, sizeof(field), "%s.parent", r->where);
        if (r->parent != NULL && !gw_unit_code_valid(r->parent))
            cg_err_add_violation(err, field, "must be 1 to 64 of a-z, 0-9 and _");
    }
    if (err->code != CG_OK || order_rows(out->rows, out->nrows, err) != CG_OK)
        goto fail;
    return CG_OK;

fail:
    gw_unit_import_free(out);
    return err->code != CG_OK ? err->code : CG_INVALID_ARGUMENT;
}

void gw_unit_import_free(gw_unit_import *imp)
{
    free(imp->rows);
    cJSON_Delete(imp->doc);
    memset(imp, 0, sizeof(*imp));
}
