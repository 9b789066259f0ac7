/* Writing a table for a spreadsheet (a ledger (台账) export): CSV or XLSX,
 * streamed row by row into a file, so memory does not grow with the rows.
 *
 * CSV is UTF-8 with a byte order mark (so Excel reads the Chinese text),
 * CRLF line ends and RFC 4180 quoting. XLSX is written by libxlsxwriter in
 * its constant-memory mode: a bold header row, frozen, column widths set
 * once. Either way the table goes into a file (a new temporary file under a
 * directory the caller gives, or a path it names), which the caller reads
 * back in chunks after cg_sheet_close() to send it.
 *
 * A text cell that a spreadsheet would take for a formula (it starts with
 * =, +, -, @, a tab or a carriage return) is written to CSV with a leading
 * apostrophe, so an uploaded name such as "=HYPERLINK(...)" stays text when
 * the export is opened. XLSX needs no such guard: a text cell is stored as
 * a string and never evaluated. Pure: no database, no NATS. */
#ifndef CG_SHEET_H
#define CG_SHEET_H

#include <stddef.h>
#include <stdint.h>

#include "cg/status.h"

/* The media type of a CSV export; XLSX is CG_MIME_XLSX of cg/sniff.h. */
#define CG_MIME_CSV "text/csv; charset=utf-8"

typedef enum cg_sheet_format {
    CG_SHEET_CSV,
    CG_SHEET_XLSX,
} cg_sheet_format;

/* A column of the table. title is borrowed for cg_sheet_open(). */
typedef struct cg_sheet_column {
    const char *title;
    /* The width in characters in XLSX (0: the spreadsheet's default);
     * ignored by CSV. */
    double width;
} cg_sheet_column;

/* Where and what to write; borrowed for cg_sheet_open(). */
typedef struct cg_sheet_spec {
    cg_sheet_format format;
    /* Write here (the file is replaced, and kept after cg_sheet_free()); or
     * NULL: a new temporary file under dir, removed by cg_sheet_free(). */
    const char *path;
    /* The directory of the temporary file, and of libxlsxwriter's own
     * temporary files: "/tmp" when NULL. */
    const char *dir;
    /* The XLSX worksheet's name (at most 31 characters, none of []:*?/\);
     * "Sheet1" when NULL; ignored by CSV. */
    const char *sheet_name;
    const cg_sheet_column *columns;
    size_t ncolumns;
} cg_sheet_spec;

typedef enum cg_cell_kind {
    CG_CELL_EMPTY, /* an empty cell */
    CG_CELL_TEXT,  /* text: a UTF-8 string */
    CG_CELL_INT,   /* a whole number: integer */
    /* A date as text "YYYY-MM-DD": a date cell in XLSX (shown as such and
     * sorted as a date), the text itself in CSV. Other text is written as
     * text. */
    CG_CELL_DATE,
} cg_cell_kind;

/* A cell; text is borrowed for cg_sheet_add_row(). */
typedef struct cg_cell {
    cg_cell_kind kind;
    const char *text; /* CG_CELL_TEXT and CG_CELL_DATE; NULL reads as "" */
    int64_t integer;  /* CG_CELL_INT */
} cg_cell;

#define CG_CELL_TEXT_OF(s) ((cg_cell){.kind = CG_CELL_TEXT, .text = (s)})
#define CG_CELL_INT_OF(n) ((cg_cell){.kind = CG_CELL_INT, .integer = (n)})
#define CG_CELL_DATE_OF(s) ((cg_cell){.kind = CG_CELL_DATE, .text = (s)})

/* A table being written; opaque. */
typedef struct cg_sheet cg_sheet;

/* Create the file and write the header row of the columns' titles. On CG_OK
 * *out is owned by the caller and freed with cg_sheet_free() (whether or
 * not it was closed). UNAVAILABLE when the file cannot be created,
 * INVALID_ARGUMENT for a bad sheet name or no columns. */
cg_code cg_sheet_open(const cg_sheet_spec *spec, cg_sheet **out, cg_err *err);

/* Write one row of ncells cells (at most the number of columns; missing
 * ones are empty). cells is borrowed for the call. RESOURCE_EXHAUSTED past
 * the most rows XLSX holds (1,048,575 below the header); UNAVAILABLE when
 * the file cannot be written. */
cg_code cg_sheet_add_row(cg_sheet *sheet, const cg_cell *cells, size_t ncells, cg_err *err);

/* Finish the file; then it may be read back. No row may follow. */
cg_code cg_sheet_close(cg_sheet *sheet, cg_err *err);

/* After cg_sheet_close(): the file's path (borrowed; valid while sheet
 * lives) and its size in bytes. */
const char *cg_sheet_path(const cg_sheet *sheet);
size_t cg_sheet_size(const cg_sheet *sheet);

/* After cg_sheet_close(): read the file's next bytes into buf (up to size);
 * *got is 0 at the end. */
cg_code cg_sheet_read(cg_sheet *sheet, void *buf, size_t size, size_t *got, cg_err *err);

/* The media type of a format (static), for the Content-Type of a download,
 * and its file extension ("csv" or "xlsx"). */
const char *cg_sheet_media_type(cg_sheet_format format);
const char *cg_sheet_extension(cg_sheet_format format);

/* Close what is open, remove a temporary file, free. NULL is allowed. */
void cg_sheet_free(cg_sheet *sheet);

#endif
