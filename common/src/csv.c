/* Reading an uploaded CSV table on libcsv. See cg/csv.h. */
#include "cg/csv.h"

#include <csv.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "cg/util.h"
#include "cg/validate.h"

/* A file column that is no column of the spec. */
#define NO_COLUMN SIZE_MAX

struct cg_csv {
    const cg_csv_column *columns; /* borrowed from the spec */
    size_t ncolumns;
    char **headers; /* the file's header, trimmed copies; nheaders of them */
    size_t nheaders;
    size_t *column_of;    /* per file column: its index in columns, or NO_COLUMN */
    size_t *file_column;  /* per column of the spec: its file column, or NO_COLUMN */
    const char **unknown; /* borrowed from headers */
    size_t nunknown;
    /* Every kept field, NUL-terminated; offset 0 is the empty string that
     * stands for a column the file lacks. */
    char *text;
    size_t text_len, text_cap;
    size_t *lines;  /* per row */
    size_t *fields; /* per row, ncolumns offsets into text */
    size_t nrows, rows_cap;
};

/* The state of one cg_csv_parse() between libcsv's callbacks. */
typedef struct reader {
    cg_csv *csv;
    const cg_csv_spec *spec;
    cg_csv_problems *problems;
    size_t line;     /* the physical line being fed to libcsv */
    size_t row_line; /* where the record being read began */
    bool in_record;
    bool header_done;
    size_t nfields;  /* fields of the current record so far */
    size_t *current; /* offsets of its kept fields, ncolumns of them */
    size_t rows_seen;
    bool row_refused; /* the current record has a problem: it is left out */
    bool stop;        /* the file cannot be read further */
    bool out_of_memory;
} reader;

void cg_csv_problems_init(cg_csv_problems *problems)
{
    memset(problems, 0, sizeof(*problems));
}

void cg_csv_problems_free(cg_csv_problems *problems)
{
    free(problems->items);
    memset(problems, 0, sizeof(*problems));
}

size_t cg_csv_problems_total(const cg_csv_problems *problems)
{
    return problems->count + problems->dropped;
}

/* The index of the spec column whose key is key, or NO_COLUMN. */
static size_t column_index(const cg_csv_column *columns, size_t ncolumns, const char *key)
{
    for (size_t i = 0; key != NULL && i < ncolumns; i++)
        if (strcmp(columns[i].key, key) == 0)
            return i;
    return NO_COLUMN;
}

/* The name a column goes by in messages when the file does not spell it:
 * its first alias that is not ASCII (the office's Chinese name), else its
 * key. */
static const char *column_display_name(const cg_csv_column *column)
{
    for (const char *const *a = column->aliases; a != NULL && *a != NULL; a++)
        for (const unsigned char *c = (const unsigned char *)*a; *c != '\0'; c++)
            if (*c >= 0x80)
                return *a;
    return column->key;
}

void cg_csv_problem_add(cg_csv_problems *problems, const cg_csv *csv, size_t line, const char *key,
                        const char *fmt, ...)
{
    if (problems->count == CG_CSV_MAX_PROBLEMS) {
        problems->dropped++;
        return;
    }
    if (problems->count == problems->capacity) {
        size_t cap = problems->capacity == 0 ? 8 : problems->capacity * 2;
        if (cap > CG_CSV_MAX_PROBLEMS)
            cap = CG_CSV_MAX_PROBLEMS;
        cg_csv_problem *items = realloc(problems->items, cap * sizeof(*items));
        if (items == NULL) {
            problems->dropped++;
            return;
        }
        problems->items = items;
        problems->capacity = cap;
    }
    cg_csv_problem *p = &problems->items[problems->count++];
    memset(p, 0, sizeof(*p));
    p->line = line;
    if (key != NULL) {
        const char *header = csv != NULL ? cg_csv_header(csv, key) : NULL;
        cg_strlcpy(p->key, key, sizeof(p->key));
        cg_strlcpy(p->column, header != NULL ? header : key, sizeof(p->column));
    }
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(p->message, sizeof(p->message), fmt, ap);
    va_end(ap);
}

/* The field of a violation: "line 7.deadline", "line 7" or "". */
static void problem_field(const cg_csv_problem *p, char *out, size_t size)
{
    if (p->line == 0)
        snprintf(out, size, "%s", p->key);
    else if (p->key[0] != '\0')
        snprintf(out, size, "line %zu.%s", p->line, p->key);
    else
        snprintf(out, size, "line %zu", p->line);
}

cg_code cg_csv_problems_to_err(const cg_csv_problems *problems, cg_err *err)
{
    size_t total = cg_csv_problems_total(problems);
    if (total == 0)
        return CG_OK;
    cg_err_set(err, CG_INVALID_ARGUMENT, "the file has %zu problem%s", total,
               total == 1 ? "" : "s");
    for (size_t i = 0; i < problems->count && i < CG_ERR_MAX_VIOLATIONS; i++) {
        char field[sizeof(err->violations[0].field)];
        problem_field(&problems->items[i], field, sizeof(field));
        cg_err_add_violation(err, field, "%s", problems->items[i].message);
    }
    return CG_INVALID_ARGUMENT;
}

cJSON *cg_csv_problems_json(const cg_csv_problems *problems)
{
    cJSON *arr = cJSON_CreateArray();
    bool ok = arr != NULL;
    for (size_t i = 0; ok && i < problems->count; i++) {
        const cg_csv_problem *p = &problems->items[i];
        char field[160];
        problem_field(p, field, sizeof(field));
        cJSON *e = cJSON_CreateObject();
        ok = e != NULL && cJSON_AddItemToArray(arr, e) &&
             cJSON_AddStringToObject(e, "field", field) != NULL &&
             cJSON_AddStringToObject(e, "description", p->message) != NULL &&
             cJSON_AddNumberToObject(e, "line", (double)p->line) != NULL &&
             cJSON_AddStringToObject(e, "column", p->column) != NULL;
    }
    if (ok && problems->dropped > 0) {
        char more[96];
        snprintf(more, sizeof(more), "and %zu more problem%s not shown", problems->dropped,
                 problems->dropped == 1 ? "" : "s");
        cJSON *e = cJSON_CreateObject();
        ok = e != NULL && cJSON_AddItemToArray(arr, e) &&
             cJSON_AddStringToObject(e, "field", "") != NULL &&
             cJSON_AddStringToObject(e, "description", more) != NULL &&
             cJSON_AddNumberToObject(e, "line", 0) != NULL &&
             cJSON_AddStringToObject(e, "column", "") != NULL;
    }
    if (!ok) {
        cJSON_Delete(arr);
        return NULL;
    }
    return arr;
}

/* --- reading ---------------------------------------------------------- */

static bool is_blank(char c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

/* Copy len bytes to the end of the file's text, NUL-terminated; their
 * offset in *offset. False without memory. */
static bool text_append(cg_csv *csv, const char *s, size_t len, size_t *offset)
{
    if (csv->text_cap - csv->text_len < len + 1) {
        size_t cap = csv->text_cap == 0 ? 4096 : csv->text_cap;
        while (cap - csv->text_len < len + 1)
            cap *= 2;
        char *text = realloc(csv->text, cap);
        if (text == NULL)
            return false;
        csv->text = text;
        csv->text_cap = cap;
    }
    memcpy(csv->text + csv->text_len, s, len);
    csv->text[csv->text_len + len] = '\0';
    *offset = csv->text_len;
    csv->text_len += len + 1;
    return true;
}

/* A problem that ends the reading: the file cannot be read as the table. */
static void refuse_file(reader *r, size_t line, const char *key, const char *message)
{
    cg_csv_problem_add(r->problems, r->csv, line, key, "%s", message);
    r->stop = true;
}

/* libcsv's field callback: one field of the current record. */
static void on_field(void *data, size_t len, void *arg)
{
    reader *r = arg;
    cg_csv *csv = r->csv;
    const char *s = data;
    size_t index = r->nfields++;

    if (r->stop || r->out_of_memory)
        return;
    while (len > 0 && is_blank(s[0])) {
        s++;
        len--;
    }
    while (len > 0 && is_blank(s[len - 1]))
        len--;
    if (!r->header_done) {
        if (csv->nheaders % 16 == 0) {
            char **headers = realloc(csv->headers, (csv->nheaders + 16) * sizeof(*headers));
            if (headers == NULL) {
                r->out_of_memory = true;
                return;
            }
            csv->headers = headers;
        }
        csv->headers[csv->nheaders] = strndup(s, len);
        if (csv->headers[csv->nheaders] == NULL) {
            r->out_of_memory = true;
            return;
        }
        csv->nheaders++;
        return;
    }
    if (index >= csv->nheaders || csv->column_of[index] == NO_COLUMN || r->row_refused)
        return;
    size_t col = csv->column_of[index];
    size_t offset;
    if (!text_append(csv, s, len, &offset)) {
        r->out_of_memory = true;
        return;
    }
    /* Line breaks and tabs may sit inside a quoted field; any other
     * control character would be invisible wherever the text is shown. */
    if (cg_text_has_control(csv->text + offset, true)) {
        cg_csv_problem_add(r->problems, csv, r->row_line, csv->columns[col].key,
                           "holds a control character");
        r->row_refused = true;
        return;
    }
    r->current[col] = offset;
}

/* Match the header to the spec's columns; false (with the problems) when
 * the file cannot be read as the table. */
static bool read_header(reader *r)
{
    cg_csv *csv = r->csv;
    bool ok = true;

    csv->column_of = malloc((csv->nheaders ? csv->nheaders : 1) * sizeof(*csv->column_of));
    csv->unknown = malloc((csv->nheaders ? csv->nheaders : 1) * sizeof(*csv->unknown));
    if (csv->column_of == NULL || csv->unknown == NULL) {
        r->out_of_memory = true;
        return false;
    }
    for (size_t i = 0; i < csv->nheaders; i++) {
        const char *h = csv->headers[i];
        csv->column_of[i] = NO_COLUMN;
        bool repeated = false;
        if (h[0] == '\0')
            continue; /* spreadsheets leave empty columns at the right */
        for (size_t j = 0; j < i && !repeated; j++)
            repeated = strcasecmp(csv->headers[j], h) == 0;
        if (repeated) {
            cg_csv_problem_add(r->problems, csv, r->row_line, NULL, "names the column \"%s\" twice",
                               h);
            ok = false;
        }
        for (size_t k = 0; k < csv->ncolumns && csv->column_of[i] == NO_COLUMN; k++) {
            const cg_csv_column *c = &csv->columns[k];
            bool match = strcasecmp(c->key, h) == 0;
            for (const char *const *a = c->aliases; !match && a != NULL && *a != NULL; a++)
                match = strcasecmp(*a, h) == 0;
            if (!match)
                continue;
            csv->column_of[i] = k;
            if (csv->file_column[k] != NO_COLUMN && !repeated) {
                cg_csv_problem_add(r->problems, NULL, r->row_line, NULL,
                                   "names the column %s (%s) twice: \"%s\" and \"%s\"", c->key,
                                   column_display_name(c), csv->headers[csv->file_column[k]], h);
                ok = false;
            } else if (csv->file_column[k] == NO_COLUMN) {
                csv->file_column[k] = i;
            }
        }
        if (csv->column_of[i] == NO_COLUMN)
            csv->unknown[csv->nunknown++] = h;
    }
    for (size_t k = 0; k < csv->ncolumns; k++) {
        const cg_csv_column *c = &csv->columns[k];
        if (c->required && csv->file_column[k] == NO_COLUMN) {
            cg_csv_problem_add(r->problems, csv, r->row_line, c->key,
                               "is required: the header names no column %s (%s)", c->key,
                               column_display_name(c));
            ok = false;
        }
    }
    return ok;
}

/* Keep the record just read as a row. */
static void keep_row(reader *r)
{
    cg_csv *csv = r->csv;
    if (csv->nrows == csv->rows_cap) {
        size_t cap = csv->rows_cap == 0 ? 64 : csv->rows_cap * 2;
        size_t *lines = realloc(csv->lines, cap * sizeof(*lines));
        if (lines != NULL)
            csv->lines = lines;
        size_t width = csv->ncolumns > 0 ? csv->ncolumns : 1;
        size_t *fields = lines != NULL ? realloc(csv->fields, cap * width * sizeof(*fields)) : NULL;
        if (fields == NULL) {
            r->out_of_memory = true;
            return;
        }
        csv->fields = fields;
        csv->rows_cap = cap;
    }
    csv->lines[csv->nrows] = r->row_line;
    memcpy(csv->fields + csv->nrows * csv->ncolumns, r->current,
           csv->ncolumns * sizeof(*r->current));
    csv->nrows++;
}

/* libcsv's row callback: the current record ended. */
static void on_row(int c, void *arg)
{
    reader *r = arg;
    cg_csv *csv = r->csv;
    (void)c;

    if (!r->stop && !r->out_of_memory) {
        if (!r->header_done) {
            r->header_done = true;
            if (!read_header(r))
                r->stop = true;
        } else if (r->spec->max_rows > 0 && ++r->rows_seen > r->spec->max_rows) {
            char message[96];
            snprintf(message, sizeof(message), "the file holds more than %zu rows",
                     r->spec->max_rows);
            refuse_file(r, 0, NULL, message);
        } else if (r->nfields != csv->nheaders) {
            cg_csv_problem_add(r->problems, csv, r->row_line, NULL,
                               "has %zu fields; the header has %zu", r->nfields, csv->nheaders);
        } else if (!r->row_refused) {
            keep_row(r);
        }
    }
    r->in_record = false;
    r->nfields = 0;
    r->row_refused = false;
    memset(r->current, 0, csv->ncolumns * sizeof(*r->current));
}

/* The end of the physical line that starts at pos: past its line break (or
 * the end of the text). Splitting the text there cuts no UTF-8 sequence. */
static size_t line_end(const char *text, size_t len, size_t pos)
{
    while (pos < len && text[pos] != '\n' && text[pos] != '\r')
        pos++;
    return pos < len ? pos + 1 : pos;
}

/* Feed the text to libcsv one physical line at a time, so that the line
 * each record starts on is known and a problem can name it. */
static void feed(reader *r, struct csv_parser *parser, const char *text, size_t len)
{
    for (size_t pos = 0; pos < len && !r->stop && !r->out_of_memory;) {
        size_t end = line_end(text, len, pos);
        const char *s = text + pos;
        size_t n = end - pos;
        if (memchr(s, '\0', n) != NULL) {
            refuse_file(r, r->line, NULL, "holds a NUL byte");
            break;
        }
        if (!cg_utf8_valid(s, n)) {
            refuse_file(r, r->line, NULL, "is not UTF-8 text (save the file as CSV UTF-8)");
            break;
        }
        if (!r->in_record) {
            for (size_t i = 0; i < n && !r->in_record; i++)
                r->in_record = !is_blank(s[i]);
            r->row_line = r->line;
        }
        if (csv_parse(parser, s, n, on_field, on_row, r) != n) {
            if (csv_error(parser) == CSV_EPARSE)
                refuse_file(r, r->line, NULL, "has a stray quote");
            else
                r->out_of_memory = true;
            break;
        }
        /* CRLF is one line break; so is a lone CR. */
        if (text[end - 1] == '\n' || (text[end - 1] == '\r' && (end == len || text[end] != '\n')))
            r->line++;
        pos = end;
    }
}

cg_code cg_csv_parse(const char *text, size_t len, const cg_csv_spec *spec, cg_csv **out,
                     cg_csv_problems *problems, cg_err *err)
{
    cg_code rc = CG_OK;
    struct csv_parser parser;
    bool parser_taken = false;
    reader r = {.spec = spec, .problems = problems, .line = 1};

    *out = NULL;
    r.csv = calloc(1, sizeof(*r.csv));
    if (r.csv == NULL)
        goto out_of_memory;
    r.csv->columns = spec->columns;
    r.csv->ncolumns = spec->ncolumns;
    r.csv->file_column = malloc((spec->ncolumns ? spec->ncolumns : 1) * sizeof(size_t));
    r.current = calloc(spec->ncolumns ? spec->ncolumns : 1, sizeof(*r.current));
    if (r.csv->file_column == NULL || r.current == NULL)
        goto out_of_memory;
    for (size_t k = 0; k < spec->ncolumns; k++)
        r.csv->file_column[k] = NO_COLUMN;
    /* Offset 0: the empty string of a column the file lacks. */
    size_t empty;
    if (!text_append(r.csv, "", 0, &empty))
        goto out_of_memory;

    if (spec->max_bytes > 0 && len > spec->max_bytes) {
        char message[96];
        snprintf(message, sizeof(message), "the file is larger than %zu bytes", spec->max_bytes);
        refuse_file(&r, 0, NULL, message);
    } else {
        if (len >= 3 && memcmp(text, "\xEF\xBB\xBF", 3) == 0) {
            text += 3;
            len -= 3;
        }
        if (csv_init(&parser, CSV_STRICT | CSV_STRICT_FINI) != 0)
            goto out_of_memory;
        parser_taken = true;
        feed(&r, &parser, text, len);
        if (!r.stop && !r.out_of_memory && csv_fini(&parser, on_field, on_row, &r) != 0) {
            if (csv_error(&parser) == CSV_EPARSE)
                refuse_file(&r, r.row_line, NULL, "has a quoted field that is never closed");
            else
                r.out_of_memory = true;
        }
    }
    if (r.out_of_memory)
        goto out_of_memory;
    if (!r.stop && !r.header_done)
        refuse_file(&r, 0, NULL, "the file has no header line");
    if (r.stop) {
        rc = CG_INVALID_ARGUMENT;
        cg_csv_problems_to_err(problems, err);
        goto cleanup;
    }
    *out = r.csv;
    r.csv = NULL;
    goto cleanup;

out_of_memory:
    rc = cg_err_set(err, CG_INTERNAL, "out of memory reading a CSV file");
cleanup:
    if (parser_taken)
        csv_free(&parser);
    free(r.current);
    cg_csv_free(r.csv);
    return rc;
}

void cg_csv_free(cg_csv *csv)
{
    if (csv == NULL)
        return;
    for (size_t i = 0; i < csv->nheaders; i++)
        free(csv->headers[i]);
    free(csv->headers);
    free(csv->column_of);
    free(csv->file_column);
    free(csv->unknown);
    free(csv->text);
    free(csv->lines);
    free(csv->fields);
    free(csv);
}

size_t cg_csv_nrows(const cg_csv *csv)
{
    return csv->nrows;
}

size_t cg_csv_line(const cg_csv *csv, size_t row)
{
    return row < csv->nrows ? csv->lines[row] : 0;
}

const char *cg_csv_get(const cg_csv *csv, size_t row, const char *key)
{
    size_t col = column_index(csv->columns, csv->ncolumns, key);
    if (col == NO_COLUMN || row >= csv->nrows)
        return NULL;
    return csv->text + csv->fields[row * csv->ncolumns + col];
}

const char *cg_csv_header(const cg_csv *csv, const char *key)
{
    size_t col = column_index(csv->columns, csv->ncolumns, key);
    if (col == NO_COLUMN)
        return NULL;
    if (csv->file_column[col] != NO_COLUMN)
        return csv->headers[csv->file_column[col]];
    return column_display_name(&csv->columns[col]);
}

const char *const *cg_csv_unknown_columns(const cg_csv *csv, size_t *count)
{
    *count = csv->nunknown;
    return csv->unknown;
}
