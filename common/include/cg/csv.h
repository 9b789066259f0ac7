/* Reading an uploaded CSV table: one reader for every import (org units,
 * rectification (整改) items, integrity files (廉政档案)).
 *
 * The file is a whole buffer as uploaded: UTF-8, optionally starting with a
 * byte order mark (Excel's "CSV UTF-8" writes one), CRLF or LF line ends,
 * RFC 4180 quoting (quoted fields may hold commas, line breaks and doubled
 * quotes). Its first record is the header. The caller describes the columns
 * it understands as data (a key, the header spellings it accepts, whether
 * it is required); the file may order them as it likes and may hold others,
 * which are ignored and listed so the caller can warn about them.
 *
 * An import is all or nothing and tells every problem at once: the reader
 * puts what it finds into a problem list (cg_csv_problems), the caller adds
 * what its row checks find to the same list, and only an empty list lets
 * the rows be written. Lines are physical lines of the file, the header
 * being line 1, so a message can say "line 7, column 期限". Pure: no
 * database, no NATS. */
#ifndef CG_CSV_H
#define CG_CSV_H

#include <cjson/cJSON.h>
#include <stdbool.h>
#include <stddef.h>

#include "cg/status.h"

/* One column the caller understands. All pointers are borrowed and must
 * outlive the cg_csv read with them (static tables, as a rule). */
typedef struct cg_csv_column {
    /* The English key rows are read by ("deadline"); also accepted as a
     * header. */
    const char *key;
    /* Other header spellings accepted, NULL-terminated ("Deadline", "期限",
     * "整改期限"); the first one that is not ASCII names the column in
     * messages beside the key. May be NULL. */
    const char *const *aliases;
    /* A file without this column is refused. */
    bool required;
} cg_csv_column;

/* What a file must look like. Borrowed for the call and, for columns, for
 * the life of the cg_csv. */
typedef struct cg_csv_spec {
    const cg_csv_column *columns;
    size_t ncolumns;
    /* The largest file accepted, in bytes (0: no limit). */
    size_t max_bytes;
    /* The most data rows accepted, the header not counted (0: no limit). */
    size_t max_rows;
} cg_csv_spec;

/* The most problems a list keeps; past it only a count is kept. */
#define CG_CSV_MAX_PROBLEMS 100

/* One problem with a file. */
typedef struct cg_csv_problem {
    /* The physical line (the header is line 1), or 0 for the whole file. */
    size_t line;
    /* The column's key, or "" when the problem is the whole line or file. */
    char key[48];
    /* The column as the file's header spells it (or its name in messages
     * when the file lacks it), or "". */
    char column[96];
    char message[192];
} cg_csv_problem;

/* A list of problems, filled by cg_csv_parse() and by the caller's row
 * checks. Start it with cg_csv_problems_init() and release it with
 * cg_csv_problems_free(). */
typedef struct cg_csv_problems {
    cg_csv_problem *items; /* owned; up to CG_CSV_MAX_PROBLEMS */
    size_t count;          /* problems kept in items */
    size_t capacity;
    size_t dropped; /* problems past the cap (or not kept for want of memory) */
} cg_csv_problems;

/* A parsed file; opaque. */
typedef struct cg_csv cg_csv;

void cg_csv_problems_init(cg_csv_problems *problems);
void cg_csv_problems_free(cg_csv_problems *problems);

/* Every problem found, those kept and those dropped. */
size_t cg_csv_problems_total(const cg_csv_problems *problems);

/* Add a problem at line (0: the whole file) in the column whose key is key
 * (NULL: the whole line). csv (may be NULL) supplies the column's header as
 * the file spells it. The message is a printf format, worded to follow the
 * column's name: "must be a date (YYYY-MM-DD)". Never fails: past the cap
 * or without memory the problem is only counted. */
void cg_csv_problem_add(cg_csv_problems *problems, const cg_csv *csv, size_t line, const char *key,
                        const char *fmt, ...) __attribute__((format(printf, 5, 6)));

/* Read len bytes of text (borrowed for the call; the rows are copied) as
 * the table spec describes.
 *
 * CG_OK: *out holds the rows (free it with cg_csv_free()); problems may
 * still hold problems of single rows (a field with a control character, a
 * row with more or fewer fields than the header), and such rows are left
 * out of *out. Check the rows, add their problems, and write nothing unless
 * cg_csv_problems_total() is 0.
 * INVALID_ARGUMENT: the file cannot be read as the table (not UTF-8, a NUL
 * byte, a stray quote, a quoted field left open, over a limit, a required
 * column missing, a header named twice, no header); *out is NULL, problems
 * says why and err holds them as cg_csv_problems_to_err() puts them.
 * INTERNAL: out of memory. */
cg_code cg_csv_parse(const char *text, size_t len, const cg_csv_spec *spec, cg_csv **out,
                     cg_csv_problems *problems, cg_err *err);

void cg_csv_free(cg_csv *csv);

/* The number of data rows read. */
size_t cg_csv_nrows(const cg_csv *csv);

/* The physical line where row (0-based) starts. */
size_t cg_csv_line(const cg_csv *csv, size_t row);

/* The field of row under the column whose key is key, trimmed of spaces,
 * tabs and line breaks at both ends: "" when the file lacks the (optional)
 * column, NULL when key is no column of the spec. Borrowed; valid while csv
 * lives. */
const char *cg_csv_get(const cg_csv *csv, size_t row, const char *key);

/* The header the file gave the column whose key is key; when the file lacks
 * it, its first non-ASCII alias, else the key; NULL when key is no column of
 * the spec. Borrowed; valid while csv lives. */
const char *cg_csv_header(const cg_csv *csv, const char *key);

/* The headers of the file's columns that match no column of the spec (empty
 * headers left out), in file order: *count of them. Borrowed; valid while
 * csv lives. */
const char *const *cg_csv_unknown_columns(const cg_csv *csv, size_t *count);

/* When problems holds any: set err to INVALID_ARGUMENT, its message saying
 * how many there are, with the first CG_ERR_MAX_VIOLATIONS as violations
 * whose field is "line 7.deadline" (a column), "line 7" (a whole line) or ""
 * (the whole file); returns INVALID_ARGUMENT. Otherwise returns CG_OK and
 * leaves err alone. */
cg_code cg_csv_problems_to_err(const cg_csv_problems *problems, cg_err *err);

/* The problems as the "errors" member of a problem+json body: an array of
 * {"field", "description"} as the gateway writes violations, with "line"
 * (a number, 0 for the whole file) and "column" (the header as the file
 * spells it, or "") beside them. Problems past the cap are one last item
 * whose description says how many more there are. Owned by the caller
 * (cJSON_Delete()); NULL without memory. */
cJSON *cg_csv_problems_json(const cg_csv_problems *problems);

#endif
