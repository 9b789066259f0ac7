/* Reading an org-unit import file (POST /api/v1/org-units/import): JSON
 * ({"units": [{"code", "name", "name_zh", "parent"}, ...]}) or CSV with a
 * header line naming the same four columns in any order. Pure: the unit
 * tests call it directly; admin_units.c writes the result.
 *
 * Every problem found is reported with where it is ("units[3].parent" for
 * JSON, "line 4.parent" for CSV, counting the header as line 1), so an
 * administrator can fix the file. */
#ifndef GW_UNIT_IMPORT_H
#define GW_UNIT_IMPORT_H

#include <cjson/cJSON.h>
#include <stdbool.h>
#include <stddef.h>

#include "cg/status.h"

/* The most units one file may hold. */
#define GW_IMPORT_MAX_UNITS 5000

/* One unit of the file. Strings are borrowed from the gw_unit_import that
 * holds it. */
typedef struct gw_unit_row {
    const char *code;
    const char *name;
    const char *name_zh;
    const char *parent;
    char where[24]; /* "units[12]" or "line 13": the prefix of its violations */
} gw_unit_row;

/* A parsed file: rows in an order where a unit whose parent is also in the
 * file comes after that parent, so one pass can create them. */
typedef struct gw_unit_import {
    gw_unit_row *rows;
    size_t nrows;
    cJSON *doc; /* owns the strings */
} gw_unit_import;

/* Parse len bytes of text as CSV (csv true) or JSON into *out. On CG_OK
 * free *out with gw_unit_import_free(); on failure err holds every problem
 * (INVALID_ARGUMENT) and *out holds nothing to free. Checks each row's
 * fields (codes are ltree labels, names 1 to 100 characters), that no code
 * appears twice, and that the parents named inside the file form no
 * cycle. */
cg_code gw_unit_import_parse(const char *text, size_t len, bool csv, gw_unit_import *out,
                             cg_err *err);
void gw_unit_import_free(gw_unit_import *imp);

/* Read CSV with cg/csv.h (RFC 4180; CRLF or LF; an optional UTF-8 byte
 * order mark, as spreadsheets write; a header naming the columns code,
 * name, name_zh and parent, or 单位代码, 英文名称, 中文名称 and 上级单位代码,
 * in any order; other columns ignored) into a JSON array of objects with
 * those four keys and the row's "line". Returns NULL and sets err, every
 * problem a violation ("line 3", "line 1.parent"), when the text is not
 * such CSV. Owned by the caller. */
cJSON *gw_csv_to_json(const char *text, size_t len, cg_err *err);

#endif
