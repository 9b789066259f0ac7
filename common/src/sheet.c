/* Writing a table as CSV or XLSX into a file. See cg/sheet.h. */
#include "cg/sheet.h"

#include <errno.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <xlsxwriter.h>

#include "cg/sniff.h"

/* The largest integer a spreadsheet's numbers (doubles) hold exactly;
 * larger ones are written as text rather than rounded. */
#define EXACT_INT_MAX (INT64_C(1) << 53)

struct cg_sheet {
    cg_sheet_format format;
    char *path;
    bool temporary; /* path is ours: removed by cg_sheet_free() */
    size_t ncolumns;
    FILE *csv; /* CSV: the file being written */
    lxw_workbook *book;
    lxw_worksheet *worksheet;
    lxw_format *bold;
    lxw_format *date;
    uint32_t next_row;
    bool closed;
    size_t size;
    FILE *reader; /* after close: the file read back */
};

const char *cg_sheet_media_type(cg_sheet_format format)
{
    return format == CG_SHEET_XLSX ? CG_MIME_XLSX : CG_MIME_CSV;
}

const char *cg_sheet_extension(cg_sheet_format format)
{
    return format == CG_SHEET_XLSX ? "xlsx" : "csv";
}

static cg_code xlsx_error(lxw_error e, cg_err *err)
{
    if (e == LXW_ERROR_MAX_STRING_LENGTH_EXCEEDED)
        return cg_err_set(err, CG_INVALID_ARGUMENT, "a cell holds at most 32767 characters");
    if (e == LXW_ERROR_WORKSHEET_INDEX_OUT_OF_RANGE)
        return cg_err_set(err, CG_RESOURCE_EXHAUSTED, "a sheet holds at most %d rows", LXW_ROW_MAX);
    return cg_err_set(err, CG_UNAVAILABLE, "cannot write the spreadsheet: %s", lxw_strerror(e));
}

/* --- CSV ------------------------------------------------------------------ */

/* A text that a spreadsheet would evaluate as a formula. */
static bool looks_like_formula(const char *s)
{
    return s[0] != '\0' && strchr("=+-@\t\r", s[0]) != NULL;
}

/* One quoted field (RFC 4180: quotes doubled), with the apostrophe that
 * keeps a formula-like text text. */
static void csv_put_text(FILE *f, const char *s)
{
    fputc('"', f);
    if (looks_like_formula(s))
        fputc('\'', f);
    for (; *s != '\0'; s++) {
        if (*s == '"')
            fputc('"', f);
        fputc(*s, f);
    }
    fputc('"', f);
}

static cg_code csv_row(cg_sheet *sheet, const cg_cell *cells, size_t ncells, cg_err *err)
{
    for (size_t i = 0; i < sheet->ncolumns; i++) {
        const cg_cell *c = i < ncells ? &cells[i] : NULL;
        if (i > 0)
            fputc(',', sheet->csv);
        if (c == NULL || c->kind == CG_CELL_EMPTY)
            continue;
        if (c->kind == CG_CELL_INT)
            fprintf(sheet->csv, "%" PRId64, c->integer);
        else
            csv_put_text(sheet->csv, c->text != NULL ? c->text : "");
    }
    fputs("\r\n", sheet->csv);
    if (ferror(sheet->csv))
        return cg_err_set(err, CG_UNAVAILABLE, "cannot write %s: %s", sheet->path, strerror(errno));
    return CG_OK;
}

/* --- XLSX ----------------------------------------------------------------- */

/* "YYYY-MM-DD" as a date a spreadsheet can hold, or false. */
static bool parse_date(const char *s, lxw_datetime *out)
{
    static const int days[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (s == NULL || strlen(s) != 10 || s[4] != '-' || s[7] != '-')
        return false;
    for (int i = 0; i < 10; i++)
        if (i != 4 && i != 7 && (s[i] < '0' || s[i] > '9'))
            return false;
    memset(out, 0, sizeof(*out));
    out->year = atoi(s);
    out->month = atoi(s + 5);
    out->day = atoi(s + 8);
    bool leap = out->year % 4 == 0 && (out->year % 100 != 0 || out->year % 400 == 0);
    return out->year >= 1900 && out->month >= 1 && out->month <= 12 && out->day >= 1 &&
           out->day <= days[out->month - 1] && (out->month != 2 || out->day <= 28 || leap);
}

static lxw_error xlsx_cell(cg_sheet *sheet, uint32_t row, uint16_t col, const cg_cell *c,
                           lxw_format *format)
{
    const char *text = c->text != NULL ? c->text : "";
    lxw_datetime date;
    char number[24];
    switch (c->kind) {
    case CG_CELL_EMPTY:
        return LXW_NO_ERROR;
    case CG_CELL_INT:
        if (c->integer <= EXACT_INT_MAX && c->integer >= -EXACT_INT_MAX)
            return worksheet_write_number(sheet->worksheet, row, col, (double)c->integer, format);
        snprintf(number, sizeof(number), "%" PRId64, c->integer);
        return worksheet_write_string(sheet->worksheet, row, col, number, format);
    case CG_CELL_DATE:
        if (parse_date(text, &date))
            return worksheet_write_datetime(sheet->worksheet, row, col, &date, sheet->date);
        break;
    case CG_CELL_TEXT:
        break;
    }
    return worksheet_write_string(sheet->worksheet, row, col, text, format);
}

static cg_code xlsx_row(cg_sheet *sheet, const cg_cell *cells, size_t ncells, lxw_format *format,
                        cg_err *err)
{
    if (sheet->next_row >= LXW_ROW_MAX)
        return xlsx_error(LXW_ERROR_WORKSHEET_INDEX_OUT_OF_RANGE, err);
    for (size_t i = 0; i < ncells; i++) {
        lxw_error e = xlsx_cell(sheet, sheet->next_row, (uint16_t)i, &cells[i], format);
        if (e != LXW_NO_ERROR)
            return xlsx_error(e, err);
    }
    return CG_OK;
}

/* The workbook, its formats, the sheet with its widths and frozen header. */
static cg_code xlsx_open(cg_sheet *sheet, const cg_sheet_spec *spec, const char *dir, cg_err *err)
{
    const char *name = spec->sheet_name != NULL ? spec->sheet_name : "Sheet1";
    lxw_workbook_options options = {.constant_memory = LXW_TRUE, .tmpdir = (char *)dir};

    sheet->book = workbook_new_opt(sheet->path, &options);
    if (sheet->book == NULL)
        return cg_err_set(err, CG_INTERNAL, "out of memory opening a spreadsheet");
    lxw_error e = workbook_validate_sheet_name(sheet->book, name);
    if (e != LXW_NO_ERROR)
        return cg_err_set(err, CG_INVALID_ARGUMENT, "bad sheet name \"%s\": %s", name,
                          lxw_strerror(e));
    sheet->worksheet = workbook_add_worksheet(sheet->book, name);
    sheet->bold = workbook_add_format(sheet->book);
    sheet->date = workbook_add_format(sheet->book);
    if (sheet->worksheet == NULL || sheet->bold == NULL || sheet->date == NULL)
        return cg_err_set(err, CG_UNAVAILABLE, "cannot start a worksheet under %s", dir);
    format_set_bold(sheet->bold);
    format_set_num_format(sheet->date, "yyyy-mm-dd");
    for (size_t i = 0; i < spec->ncolumns; i++) {
        if (spec->columns[i].width <= 0)
            continue;
        e = worksheet_set_column(sheet->worksheet, (lxw_col_t)i, (lxw_col_t)i,
                                 spec->columns[i].width, NULL);
        if (e != LXW_NO_ERROR)
            return xlsx_error(e, err);
    }
    worksheet_freeze_panes(sheet->worksheet, 1, 0);
    return CG_OK;
}

/* --- the table ------------------------------------------------------------ */

cg_code cg_sheet_open(const cg_sheet_spec *spec, cg_sheet **out, cg_err *err)
{
    cg_code rc = CG_OK;
    cg_sheet *sheet = NULL;
    cg_cell *titles = NULL;
    const char *dir = spec->dir != NULL ? spec->dir : "/tmp";
    int fd = -1;

    *out = NULL;
    if (spec->ncolumns == 0 || spec->ncolumns > LXW_COL_MAX) {
        rc = cg_err_set(err, CG_INVALID_ARGUMENT, "a sheet has 1 to %d columns", LXW_COL_MAX);
        goto cleanup;
    }
    sheet = calloc(1, sizeof(*sheet));
    titles = calloc(spec->ncolumns, sizeof(*titles));
    if (sheet != NULL && spec->path != NULL)
        sheet->path = strdup(spec->path);
    else if (sheet != NULL && asprintf(&sheet->path, "%s/cg-sheet-XXXXXX.%s", dir,
                                       cg_sheet_extension(spec->format)) < 0)
        sheet->path = NULL; /* asprintf leaves it undefined on failure */
    if (sheet == NULL || titles == NULL || sheet->path == NULL) {
        rc = cg_err_set(err, CG_INTERNAL, "out of memory opening a sheet");
        goto cleanup;
    }
    sheet->format = spec->format;
    sheet->ncolumns = spec->ncolumns;
    if (spec->path == NULL) {
        fd = mkstemps(sheet->path, (int)strlen(cg_sheet_extension(spec->format)) + 1);
        if (fd < 0) {
            rc = cg_err_set(err, CG_UNAVAILABLE, "cannot create a file under %s: %s", dir,
                            strerror(errno));
            goto cleanup;
        }
        sheet->temporary = true;
    }
    if (spec->format == CG_SHEET_CSV) {
        sheet->csv = fd >= 0 ? fdopen(fd, "wb") : fopen(sheet->path, "wb");
        if (sheet->csv == NULL) {
            rc = cg_err_set(err, CG_UNAVAILABLE, "cannot write %s: %s", sheet->path,
                            strerror(errno));
            goto cleanup;
        }
        fd = -1; /* the stream owns it now */
        /* Without the byte order mark Excel takes the text for the
         * system's code page and garbles the Chinese. */
        fputs("\xEF\xBB\xBF", sheet->csv);
    } else {
        rc = xlsx_open(sheet, spec, dir, err);
        if (rc != CG_OK)
            goto cleanup;
    }
    for (size_t i = 0; i < spec->ncolumns; i++)
        titles[i] = CG_CELL_TEXT_OF(spec->columns[i].title);
    rc = spec->format == CG_SHEET_CSV ? csv_row(sheet, titles, spec->ncolumns, err)
                                      : xlsx_row(sheet, titles, spec->ncolumns, sheet->bold, err);
    if (rc != CG_OK)
        goto cleanup;
    sheet->next_row = 1;
    *out = sheet;
    sheet = NULL;

cleanup:
    if (fd >= 0)
        close(fd);
    free(titles);
    cg_sheet_free(sheet);
    return rc;
}

cg_code cg_sheet_add_row(cg_sheet *sheet, const cg_cell *cells, size_t ncells, cg_err *err)
{
    if (sheet->closed)
        return cg_err_set(err, CG_INTERNAL, "a row after the sheet was closed");
    if (ncells > sheet->ncolumns)
        return cg_err_set(err, CG_INTERNAL, "a row of %zu cells in a sheet of %zu columns", ncells,
                          sheet->ncolumns);
    cg_code rc = sheet->format == CG_SHEET_CSV ? csv_row(sheet, cells, ncells, err)
                                               : xlsx_row(sheet, cells, ncells, NULL, err);
    if (rc == CG_OK)
        sheet->next_row++;
    return rc;
}

/* The stack workbook_close() runs on. Its zip packager (minizip's
 * zipOpen3) keeps a structure of more than 64 KB on the stack and copies
 * it, which overruns the small stacks of server threads (civetweb's
 * workers crash on it), so the book is closed on a thread of its own. */
#define CLOSE_STACK_BYTES (1024 * 1024)

typedef struct book_close {
    lxw_workbook *book;
    lxw_error result;
} book_close;

static void *close_book(void *arg)
{
    book_close *c = arg;
    c->result = workbook_close(c->book); /* frees it, even on failure */
    return NULL;
}

/* workbook_close() of book on a thread with CLOSE_STACK_BYTES of stack. */
static lxw_error close_book_on_thread(lxw_workbook *book)
{
    book_close c = {.book = book, .result = LXW_ERROR_CREATING_TMPFILE};
    pthread_attr_t attr;
    pthread_t thread;
    bool started = pthread_attr_init(&attr) == 0 &&
                   pthread_attr_setstacksize(&attr, CLOSE_STACK_BYTES) == 0 &&
                   pthread_create(&thread, &attr, close_book, &c) == 0;
    pthread_attr_destroy(&attr);
    if (started)
        pthread_join(thread, NULL);
    else
        close_book(&c); /* no thread to be had: the caller's stack may do */
    return c.result;
}

cg_code cg_sheet_close(cg_sheet *sheet, cg_err *err)
{
    struct stat st;
    if (sheet->closed)
        return CG_OK;
    sheet->closed = true;
    if (sheet->csv != NULL) {
        bool failed = ferror(sheet->csv) != 0;
        failed = fclose(sheet->csv) != 0 || failed;
        sheet->csv = NULL;
        if (failed)
            return cg_err_set(err, CG_UNAVAILABLE, "cannot write %s: %s", sheet->path,
                              strerror(errno));
    } else {
        lxw_error e = close_book_on_thread(sheet->book);
        sheet->book = NULL;
        if (e != LXW_NO_ERROR)
            return xlsx_error(e, err);
    }
    if (stat(sheet->path, &st) != 0)
        return cg_err_set(err, CG_UNAVAILABLE, "cannot read %s: %s", sheet->path, strerror(errno));
    sheet->size = (size_t)st.st_size;
    return CG_OK;
}

const char *cg_sheet_path(const cg_sheet *sheet)
{
    return sheet->path;
}

size_t cg_sheet_size(const cg_sheet *sheet)
{
    return sheet->size;
}

cg_code cg_sheet_read(cg_sheet *sheet, void *buf, size_t size, size_t *got, cg_err *err)
{
    *got = 0;
    if (!sheet->closed)
        return cg_err_set(err, CG_INTERNAL, "a sheet read before it was closed");
    if (sheet->reader == NULL)
        sheet->reader = fopen(sheet->path, "rb");
    if (sheet->reader == NULL)
        return cg_err_set(err, CG_UNAVAILABLE, "cannot read %s: %s", sheet->path, strerror(errno));
    *got = fread(buf, 1, size, sheet->reader);
    if (*got == 0 && ferror(sheet->reader))
        return cg_err_set(err, CG_UNAVAILABLE, "cannot read %s: %s", sheet->path, strerror(errno));
    return CG_OK;
}

void cg_sheet_free(cg_sheet *sheet)
{
    if (sheet == NULL)
        return;
    if (sheet->csv != NULL)
        fclose(sheet->csv);
    if (sheet->book != NULL)
        lxw_workbook_free(sheet->book);
    if (sheet->reader != NULL)
        fclose(sheet->reader);
    if (sheet->temporary)
        unlink(sheet->path);
    free(sheet->path);
    free(sheet);
}
