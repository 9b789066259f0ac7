/* A file of reference records: CSV to the rows of
 * cg.rpc.integrity.ImportReferenceRecords. See reference_import.h. */
#include "reference_import.h"

#include <stdalign.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cg/limits.h"

/* The columns every file has, the form's fields after them. */
static const char *const person_id_aliases[] = {"人员编号", "工号", NULL};
static const char *const year_aliases[] = {"年度", NULL};
static const char *const item_aliases[] = {"事项", NULL};
static const char *const note_aliases[] = {"来源", "备注", NULL};
static const cg_csv_column fixed_columns[] = {
    {.key = "person_id", .aliases = person_id_aliases, .required = true},
    {.key = "year", .aliases = year_aliases, .required = true},
    {.key = "item", .aliases = item_aliases, .required = true},
    {.key = "note", .aliases = note_aliases},
};
#define NFIXED (sizeof(fixed_columns) / sizeof(fixed_columns[0]))

/* A file of the most rows, each a line of short fields. */
#define REFERENCE_MAX_BYTES (4u * 1024 * 1024)

/* One field of a row, with room for a day rewritten as YYYY-MM-DD. */
typedef struct ref_slot {
    Cleangrid__V1__ReportField field;
    char day[16];
} ref_slot;

/* One row's messages: the request's row and the pointers to its fields;
 * the row's slots (max_fields of them) follow the pointers, in the
 * spec's row_size. */
typedef struct ref_row {
    Cleangrid__V1__ImportReferenceRow row;
    Cleangrid__V1__ReportField *fields[];
} ref_row;

static ref_slot *row_slots(ref_row *r, size_t max_fields)
{
    return (ref_slot *)(void *)&r->fields[max_fields];
}

/* The item of form named s, or whose Chinese label is s; NULL when none
 * is. */
static const Cleangrid__V1__ReportFormItem *find_item(const Cleangrid__V1__ReportForm *form,
                                                      const char *s)
{
    for (size_t i = 0; i < form->n_items; i++)
        if (strcmp(form->items[i]->name, s) == 0 || strcmp(form->items[i]->label_zh, s) == 0)
            return form->items[i];
    return NULL;
}

static const Cleangrid__V1__ReportFormField *field_named(const Cleangrid__V1__ReportFormItem *item,
                                                         const char *name)
{
    for (size_t i = 0; i < item->n_fields; i++)
        if (strcmp(item->fields[i]->name, name) == 0)
            return item->fields[i];
    return NULL;
}

const char *gw_reference_item(const Cleangrid__V1__ReportForm *form, const char *s)
{
    const Cleangrid__V1__ReportFormItem *item = find_item(form, s);
    return item != NULL ? item->name : s;
}

/* Whether s heads one of the columns every file has. */
static bool fixed_header(const char *s)
{
    for (size_t i = 0; i < NFIXED; i++) {
        if (strcmp(fixed_columns[i].key, s) == 0)
            return true;
        for (const char *const *a = fixed_columns[i].aliases; *a != NULL; a++)
            if (strcmp(*a, s) == 0)
                return true;
    }
    return false;
}

/* Whether label names the field called name alone: every field of the form
 * so labelled is called name, and no column every file has is so headed
 * (来源 is the note's, not outside income's source). */
static bool label_names(const Cleangrid__V1__ReportForm *form, const char *label, const char *name)
{
    if (label[0] == '\0' || fixed_header(label))
        return false;
    for (size_t i = 0; i < form->n_items; i++)
        for (size_t j = 0; j < form->items[i]->n_fields; j++) {
            const Cleangrid__V1__ReportFormField *f = form->items[i]->fields[j];
            if (strcmp(f->label_zh, label) == 0 && strcmp(f->name, name) != 0)
                return false;
        }
    return true;
}

/* Whether the file's columns have one for key already, among n. */
static bool has_column(const cg_csv_column *columns, size_t n, const char *key)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(columns[i].key, key) == 0)
            return true;
    return false;
}

/* Add the labels of the fields called name that name it alone to aliases
 * at *used, once each, and the list's NULL. */
static void add_labels(const Cleangrid__V1__ReportForm *form, const char *name,
                       const char **aliases, size_t *used)
{
    size_t first = *used;
    for (size_t i = 0; i < form->n_items; i++)
        for (size_t j = 0; j < form->items[i]->n_fields; j++) {
            const Cleangrid__V1__ReportFormField *f = form->items[i]->fields[j];
            bool listed = false;
            for (size_t k = first; k < *used; k++)
                listed = listed || strcmp(aliases[k], f->label_zh) == 0;
            if (strcmp(f->name, name) == 0 && !listed && label_names(form, f->label_zh, name))
                aliases[(*used)++] = f->label_zh;
        }
    aliases[(*used)++] = NULL;
}

/* The row's year: a whole number, or 0 for the service to call required
 * or out of range; a cell that is no number is a problem of its own. */
static int32_t read_year(gw_csv_import *imp, size_t i)
{
    const char *s = cg_csv_get(imp->csv, i, "year");
    char *end = NULL;
    long year = s[0] != '\0' ? strtol(s, &end, 10) : 0;
    if (s[0] != '\0' && (*end != '\0' || s[0] < '0' || s[0] > '9' || year > 9999)) {
        cg_csv_problem_add(&imp->problems, imp->csv, cg_csv_line(imp->csv, i), "year",
                           "must be a year such as 2025, not \"%.40s\"", s);
        return 0;
    }
    return (int32_t)year;
}

/* Row i of the file as a row of the request. */
static ProtobufCMessage *read_row(gw_csv_import *imp, size_t i, void *mem)
{
    /* The spec is the file's first member. */
    const gw_reference_file *file = (const gw_reference_file *)(const void *)imp->spec;
    const cg_csv *csv = imp->csv;
    ref_row *r = mem;
    ref_slot *slots = row_slots(r, file->max_fields);
    Cleangrid__V1__ImportReferenceRow *row = &r->row;

    cleangrid__v1__import_reference_row__init(row);
    row->line = (int32_t)cg_csv_line(csv, i);
    /* The strings are borrowed from the csv and the form; protobuf-c never
     * writes through them. */
    row->person_id = (char *)cg_csv_get(csv, i, "person_id");
    row->year = read_year(imp, i);
    const Cleangrid__V1__ReportFormItem *item = find_item(file->form, cg_csv_get(csv, i, "item"));
    row->item = item != NULL ? item->name : (char *)cg_csv_get(csv, i, "item");
    row->note = (char *)cg_csv_get(csv, i, "note");
    row->fields = r->fields;
    /* An item that is none has no fields to read: the service names it. */
    for (size_t c = NFIXED; item != NULL && c < file->spec.ncolumns; c++) {
        const char *key = file->columns[c].key;
        const char *value = cg_csv_get(csv, i, key);
        const Cleangrid__V1__ReportFormField *f = field_named(item, key);
        int64_t ms = 0;
        /* A cell left empty is no field of the entry. */
        if (value[0] == '\0')
            continue;
        if (f == NULL || row->n_fields >= file->max_fields) {
            cg_csv_problem_add(&imp->problems, csv, (size_t)row->line, key,
                               "is no field of %s (%s): leave it empty on this line", item->name,
                               item->label_zh);
            continue;
        }
        ref_slot *slot = &slots[row->n_fields];
        cleangrid__v1__report_field__init(&slot->field);
        slot->field.name = (char *)key;
        slot->field.value = (char *)value;
        /* Excel writes a day as 2025/3/1; the form's days are 2025-03-01,
         * and a verification matches trips by them. */
        if (strcmp(f->type, "day") == 0 && gw_csv_day_ms(value, &ms)) {
            time_t t = (time_t)(ms / 1000);
            struct tm tm;
            gmtime_r(&t, &tm);
            strftime(slot->day, sizeof(slot->day), "%Y-%m-%d", &tm);
            slot->field.value = slot->day;
        }
        r->fields[row->n_fields++] = &slot->field;
    }
    return &row->base;
}

cg_code gw_reference_file_open(const Cleangrid__V1__ReportForm *form, gw_reference_file *file,
                               cg_err *err)
{
    size_t nfields = 0, ncolumns = NFIXED, used = 0;
    memset(file, 0, sizeof(*file));
    file->form = form;
    for (size_t i = 0; i < form->n_items; i++) {
        nfields += form->items[i]->n_fields;
        if (form->items[i]->n_fields > file->max_fields)
            file->max_fields = form->items[i]->n_fields;
    }
    file->columns = calloc(NFIXED + nfields, sizeof(*file->columns));
    /* At most one label a field, and one NULL a column. */
    file->aliases = calloc(2 * nfields + 1, sizeof(*file->aliases));
    if (file->columns == NULL || file->aliases == NULL) {
        gw_reference_file_free(file);
        return cg_err_set(err, CG_INTERNAL, "out of memory");
    }
    memcpy(file->columns, fixed_columns, sizeof(fixed_columns));
    /* One column a field name, in the form's order; a field named as a
     * column every file has could not be told from it, and is left out. */
    for (size_t i = 0; i < form->n_items; i++)
        for (size_t j = 0; j < form->items[i]->n_fields; j++) {
            const char *name = form->items[i]->fields[j]->name;
            if (has_column(file->columns, ncolumns, name) || fixed_header(name))
                continue;
            file->columns[ncolumns].key = name;
            file->columns[ncolumns].aliases = &file->aliases[used];
            add_labels(form, name, file->aliases, &used);
            ncolumns++;
        }
    /* Each row holds its fields' pointers and slots after it, aligned for
     * the next row. */
    size_t size = sizeof(ref_row) + file->max_fields * (sizeof(void *) + sizeof(ref_slot));
    size_t align = alignof(max_align_t);
    file->spec = (gw_csv_import_spec){
        .columns = file->columns,
        .ncolumns = ncolumns,
        .max_bytes = REFERENCE_MAX_BYTES,
        .max_rows = CG_INTEGRITY_IMPORT_ROWS_MAX,
        .row_is = "a reference record",
        .row_size = (size + align - 1) / align * align,
        .read_row = read_row,
    };
    return CG_OK;
}

void gw_reference_file_free(gw_reference_file *file)
{
    free(file->columns);
    free(file->aliases);
    memset(file, 0, sizeof(*file));
}
