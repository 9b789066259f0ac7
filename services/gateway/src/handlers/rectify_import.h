/* Reading a rectification batch's import file (POST
 * /api/v1/rectify/batches/{id}/import): one CSV table in which each row is a
 * task and the rows of one problem number form a problem (问题清单 and
 * 任务清单 together), each row read into a row of
 * cg.rpc.rectify.ImportBatchLists. Pure: the unit tests call it directly
 * through csv_import.h; the route (imports.c) resolves the unit codes,
 * sends the rows to the rectify service and answers.
 *
 * The gateway reads the file's shape here: the columns (English keys or
 * the office's Chinese names, in any order), numbers, dates as Excel writes
 * them, the severity's Chinese names. */
#ifndef GW_RECTIFY_IMPORT_H
#define GW_RECTIFY_IMPORT_H

#include "csv_import.h"

/* The file: its columns and limits, and each row read into a
 * Cleangrid__V1__ImportRow whose strings are borrowed from the import. */
extern const gw_csv_import_spec gw_rectify_import_file;

/* The severity's API name for the office's Chinese one (一般 general, 较重
 * serious, 严重 major); any other text as it is, for the service to judge.
 * Static or s itself. */
const char *gw_rectify_severity(const char *s);

#endif
