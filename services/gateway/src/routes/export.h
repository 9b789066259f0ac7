/* A list downloaded whole as a spreadsheet (a ledger's export, 台账导出),
 * declared as data: which list route it pages through (the gw_rpc_route
 * row it is attached to, with that list's filters, enricher and audit), the
 * columns of the table (their Chinese titles, the JSON key of the list's
 * item each shows, how it is shown) and the file's name.
 *
 * The handler (export.c) asks the service for the largest page it gives,
 * cursor after cursor, shows each page through the codec as the list route
 * would (names beside ids included), writes its items as rows with
 * cg/sheet.h (CSV, or XLSX in constant memory) into a temporary file, and
 * streams the file to the client. Only one page is held at a time, so the
 * memory an export takes does not grow with its rows. */
#ifndef GW_EXPORT_H
#define GW_EXPORT_H

#include <stddef.h>

/* How a column shows the item's member. */
typedef enum gw_export_show {
    GW_EXPORT_TEXT,  /* a string as it is, a number as a number; null or absent: empty */
    GW_EXPORT_DATE,  /* a day ("2026-03-01") or a time (its UTC day) as a date cell */
    GW_EXPORT_LABEL, /* a name shown by its label in labels (the name itself when not there) */
    GW_EXPORT_ROW,   /* the row's number in the file, from 1 (key unused) */
} gw_export_show;

/* A name and its label: {"in_progress", "整改中"}. */
typedef struct gw_export_label {
    const char *name;
    const char *label;
} gw_export_label;

/* A column of the table. Strings and tables are static. */
typedef struct gw_export_column {
    const char *title; /* the header, in the office's Chinese */
    const char *key;   /* the member of the list's item */
    gw_export_show show;
    const gw_export_label *labels; /* GW_EXPORT_LABEL: ends with {NULL, NULL} */
    double width;                  /* in characters, in XLSX; 0: the default */
} gw_export_column;

/* An export. Static, named by its list route's row (forward.h). */
typedef struct gw_export {
    /* The file's name before the day and extension: "rectify-tasks" makes
     * "rectify-tasks-2026-12-06.xlsx". */
    const char *file_name;
    const char *sheet_name; /* XLSX's worksheet; NULL: "Sheet1" */
    /* The member of the list's answer that holds the items ("items") and
     * the one that holds the next page's cursor ("next_cursor"). */
    const char *items;
    const char *next_cursor;
    const gw_export_column *columns;
    size_t ncolumns;
} gw_export;

#endif
