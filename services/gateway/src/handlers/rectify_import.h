/* Reading a rectification batch's import file (POST
 * /api/v1/rectify/batches/{id}/import): one CSV table in which each row is a
 * task and the rows of one problem number form a problem (问题清单 and
 * 任务清单 together). Pure: the unit tests call it directly; the route
 * (rectify_lists.c) resolves the unit codes, sends the rows to the rectify
 * service and answers.
 *
 * The gateway reads the file's shape here: the columns (English keys or
 * the office's Chinese names, in any order), numbers, dates as Excel writes
 * them, the severity's Chinese names. Every problem is kept by its line and
 * column (cg/csv.h), beside those the service finds in the rows, so that
 * one answer names all of them. */
#ifndef GW_RECTIFY_IMPORT_H
#define GW_RECTIFY_IMPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "cg/csv.h"
#include "cg/status.h"
#include "cleangrid/v1/rectify_io.pb-c.h"

/* A file being imported. Zero it before gw_rectify_import_read(); free it
 * with gw_rectify_import_free() whatever happened. */
typedef struct gw_rectify_import {
    cg_csv *csv;                         /* owned; NULL when the file could not be read */
    cg_csv_problems problems;            /* every problem found so far */
    Cleangrid__V1__ImportRow *rows;      /* owned array; strings borrowed from csv */
    Cleangrid__V1__ImportRow **row_ptrs; /* owned; rows as the request's repeated field */
    char **org_paths; /* owned, one per row (NULL until resolved): the rows' org_path */
    size_t nrows;
} gw_rectify_import;

/* Read len bytes of text (borrowed for the call) into imp. CG_OK: imp->rows
 * hold every row the reader could read, and imp->problems whatever is wrong
 * with them so far (a number that is none, a date that is none, a row of
 * the wrong shape). INVALID_ARGUMENT: the file cannot be read as the table
 * (a required column missing, not UTF-8, too many rows ...); imp->problems
 * says why and there are no rows. INTERNAL: out of memory. */
cg_code gw_rectify_import_read(const char *text, size_t len, gw_rectify_import *imp, cg_err *err);

/* Set row's responsible unit to path (copied). False without memory. */
bool gw_rectify_import_set_path(gw_rectify_import *imp, size_t row, const char *path);

/* Add the violations of a service's answer (fields "line N.<key>", "line
 * N" or "") to imp->problems, leaving out those on a cell that has a
 * problem already (a unit the gateway could not resolve is also "required"
 * to the service). total is how many violations the service found, of
 * which err names the first CG_ERR_MAX_VIOLATIONS. */
void gw_rectify_import_add_violations(gw_rectify_import *imp, const cg_err *service, size_t total);

void gw_rectify_import_free(gw_rectify_import *imp);

/* A day as a spreadsheet writes it, "2026-03-31" or "2026/3/31", as Unix
 * milliseconds at midnight UTC into *ms. False when s is no such day. */
bool gw_rectify_day_ms(const char *s, int64_t *ms);

/* The severity's API name for the office's Chinese one (一般 general, 较重
 * serious, 严重 major); any other text as it is, for the service to judge.
 * Static or s itself. */
const char *gw_rectify_severity(const char *s);

#endif
