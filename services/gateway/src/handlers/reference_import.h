/* Reading a file of reference records for verification (查核, POST
 * /api/v1/integrity/references/import): one CSV table, one entry of an
 * item of the report form a row, each row read into a row of
 * cg.rpc.integrity.ImportReferenceRecords. Pure: the unit tests call it
 * directly through csv_import.h; the route (imports.c) reads the form from
 * the integrity service, sends the rows to it and answers.
 *
 * The file's columns are the form's: beside person_id, year, item and
 * note, one optional column per field name of the form, headed by the name
 * or by a Chinese label that names that field alone (统一社会信用代码 is
 * credit_code wherever it appears; 名称, a security's name and a business's
 * company, is no column). So the table is built for each import from the
 * form as the service holds it, never from a copy of its own. The gateway
 * reads the file's shape here: the item's Chinese label, the row's empty
 * cells left out, a field the row's item has not, days as Excel writes
 * them. The entry's rules (its required fields, the values' types, whose
 * file it is) are the service's. */
#ifndef GW_REFERENCE_IMPORT_H
#define GW_REFERENCE_IMPORT_H

#include "cleangrid/v1/integrity.pb-c.h"
#include "csv_import.h"

/* A file of reference records as a form describes it. Open it with
 * gw_reference_file_open() and free it with gw_reference_file_free(). */
typedef struct gw_reference_file {
    /* First: the import reads its rows through it, and read_row finds the
     * file from it. Borrows the columns below. */
    gw_csv_import_spec spec;
    const Cleangrid__V1__ReportForm *form; /* borrowed for the file's life */
    cg_csv_column *columns;                /* owned */
    const char **aliases;                  /* owned; the strings are the form's */
    size_t max_fields;                     /* the most fields an item has */
} gw_reference_file;

/* Build file (zeroed or not) for form, which it borrows until freed: each
 * row read into a Cleangrid__V1__ImportReferenceRow whose strings are
 * borrowed from the import. INTERNAL: out of memory. */
cg_code gw_reference_file_open(const Cleangrid__V1__ReportForm *form, gw_reference_file *file,
                               cg_err *err);

void gw_reference_file_free(gw_reference_file *file);

/* The name of the item of form named s, or whose Chinese label is s (房产情况
 * housing); any other text as it is, for the service to judge. Borrowed
 * from form, or s itself. */
const char *gw_reference_item(const Cleangrid__V1__ReportForm *form, const char *s);

#endif
