/* Reading an import file: a CSV table as Excel saves it, each row read into
 * one message of a service's import request (a rectification batch's
 * lists, rectify_import.h; integrity files (廉政档案), cadre_import.h).
 * Pure: the unit tests call it directly; the routes (imports.c)
 * resolve the unit codes, send the rows and answer.
 *
 * An import describes its file as data (gw_csv_import_spec): the columns
 * with their English keys and Chinese headers (cg/csv.h), the limits, and
 * how one row becomes a message. Every problem is kept by its line and
 * column, those of the file, of its units and of the service's answer
 * together, so that one answer names all of them. */
#ifndef GW_CSV_IMPORT_H
#define GW_CSV_IMPORT_H

#include <protobuf-c/protobuf-c.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "cg/csv.h"
#include "cg/status.h"

typedef struct gw_csv_import gw_csv_import;

/* How one import reads its file. Static; borrowed for the import's life. */
typedef struct gw_csv_import_spec {
    const cg_csv_column *columns;
    size_t ncolumns;
    size_t max_bytes; /* the largest file accepted */
    size_t max_rows;  /* the most data rows accepted */
    /* What one row is, for the problem of a file without any: "a task". */
    const char *row_is;
    /* The column of the rows' unit codes, resolved to org paths before the
     * rows are read (gw_csv_import_set_path()); NULL: none. */
    const char *unit_key;
    /* The bytes of one row's messages (a struct of the import's own). */
    size_t row_size;
    /* Fill row (row_size bytes, zeroed) from the file's row i, adding what
     * is wrong with its cells to imp->problems, and return the message
     * that stands for it in the request's repeated field "rows". The row's
     * strings may be borrowed from imp->csv, and its org_path from
     * gw_csv_import_path(). */
    ProtobufCMessage *(*read_row)(gw_csv_import *imp, size_t i, void *row);
} gw_csv_import_spec;

/* A file being imported. Zero it before gw_csv_import_parse(); free it with
 * gw_csv_import_free() whatever happened. */
struct gw_csv_import {
    const gw_csv_import_spec *spec; /* borrowed */
    cg_csv *csv;                    /* owned; NULL when the file could not be read */
    cg_csv_problems problems;       /* every problem found so far */
    size_t nrows;
    char **org_paths; /* owned, one per row (NULL until resolved) */
    void *rows;       /* owned: nrows of spec->row_size bytes */
    /* Owned array; its messages live in rows. The request's repeated field
     * borrows it as it is: protobuf-c reads each element as a
     * ProtobufCMessage pointer. NULL until gw_csv_import_rows(). */
    ProtobufCMessage **messages;
};

/* Read len bytes of text (borrowed for the call) as spec's table into imp
 * (zeroed). CG_OK: the file's rows are there to be resolved and read, and
 * imp->problems holds what is wrong with them so far (a row of the wrong
 * shape, no row at all). INVALID_ARGUMENT: the file cannot be read as the
 * table (a required column missing, not UTF-8, too many rows ...);
 * imp->problems says why and there are no rows. INTERNAL: out of memory. */
cg_code gw_csv_import_parse(const char *text, size_t len, const gw_csv_import_spec *spec,
                            gw_csv_import *imp, cg_err *err);

/* The unit code of row as the file gives it ("" when the spec reads none).
 * Borrowed; valid while imp lives. */
const char *gw_csv_import_unit(const gw_csv_import *imp, size_t row);

/* Set row's org path to path (copied). False without memory. */
bool gw_csv_import_set_path(gw_csv_import *imp, size_t row, const char *path);

/* Row's org path, "" until set. Borrowed; valid while imp lives. */
const char *gw_csv_import_path(const gw_csv_import *imp, size_t row);

/* Read every row with the spec's read_row into imp->rows and
 * imp->messages. INTERNAL: out of memory. */
cg_code gw_csv_import_rows(gw_csv_import *imp, cg_err *err);

/* The day in row's cell under key ("" is no day: 0) as Unix milliseconds
 * at midnight UTC; a cell that is no day is a problem of the cell, and 0. */
int64_t gw_csv_import_day(gw_csv_import *imp, size_t row, const char *key);

/* Add the violations of a service's answer (fields "line N.<key>", "line
 * N" or "") to imp->problems, leaving out those on a cell that has a
 * problem already (a unit the gateway could not resolve is also "required"
 * to the service). When the answer's message says the rows have more
 * problems than it names ("the rows have 12 problems; ..."), the rest are
 * counted. */
void gw_csv_import_add_violations(gw_csv_import *imp, const cg_err *service);

/* Order imp->problems by line, keeping the order of those on one line. */
void gw_csv_import_sort_problems(gw_csv_import *imp);

void gw_csv_import_free(gw_csv_import *imp);

/* A day as a spreadsheet writes it, "2026-03-31" or "2026/3/31", as Unix
 * milliseconds at midnight UTC into *ms. False when s is no such day. */
bool gw_csv_day_ms(const char *s, int64_t *ms);

/* The API's name of a word the office writes in Chinese: words is a table
 * of {Chinese, name} pairs ending with {NULL, NULL}. Any other text (the
 * name itself, or a word that is none) is returned as it is, for the
 * service to judge. Static or s itself. */
const char *gw_csv_word(const char *const (*words)[2], const char *s);

#endif
