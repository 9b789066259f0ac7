/* A file of cadres: CSV to the rows of cg.rpc.integrity.ImportCadres. See
 * cadre_import.h. */
#include "cadre_import.h"

#include "cg/limits.h"
#include "cleangrid/v1/integrity.pb-c.h"

/* The columns: the API's keys, or the office's Chinese names (the first
 * names the column in messages when the file lacks it). */
static const char *const person_id_aliases[] = {"人员编号", "工号", NULL};
static const char *const name_aliases[] = {"姓名", NULL};
static const char *const unit_aliases[] = {"单位", "单位编码", NULL};
static const char *const position_aliases[] = {"职务", NULL};
static const char *const grade_aliases[] = {"职级", NULL};
static const char *const key_position_aliases[] = {"关键岗位", NULL};
static const char *const key_since_aliases[] = {"关键岗位起始日期", NULL};
static const cg_csv_column cadre_columns[] = {
    {.key = "person_id", .aliases = person_id_aliases, .required = true},
    {.key = "name", .aliases = name_aliases, .required = true},
    {.key = "unit_code", .aliases = unit_aliases, .required = true},
    {.key = "position", .aliases = position_aliases},
    {.key = "grade", .aliases = grade_aliases},
    {.key = "key_position", .aliases = key_position_aliases},
    {.key = "key_since_on", .aliases = key_since_aliases},
};

/* A file of the most rows, each a line of short fields. */
#define CADRE_MAX_BYTES (4u * 1024 * 1024)

/* One row's messages: the request's row and the cadre it holds. */
typedef struct cadre_row {
    Cleangrid__V1__ImportCadreRow row;
    Cleangrid__V1__CreateCadreRequest cadre;
} cadre_row;

const char *gw_cadre_key_position(const char *s)
{
    static const char *const names[][2] = {
        {"采购", "procurement"}, {"财务", "finance"},
        {"人事", "hr"},          {"工程建设", "project_construction"},
        {"物资", "materials"},   {NULL, NULL}};
    return gw_csv_word(names, s);
}

/* Row i of the file as a row of the request. */
static ProtobufCMessage *read_row(gw_csv_import *imp, size_t i, void *mem)
{
    const cg_csv *csv = imp->csv;
    cadre_row *r = mem;
    Cleangrid__V1__CreateCadreRequest *c = &r->cadre;

    cleangrid__v1__import_cadre_row__init(&r->row);
    cleangrid__v1__create_cadre_request__init(c);
    r->row.line = (int32_t)cg_csv_line(csv, i);
    r->row.cadre = c;
    /* The fields are borrowed from the csv; protobuf-c never writes
     * through them. The cadre's ctx stays unset: the request's names the
     * caller. */
    c->person_id = (char *)cg_csv_get(csv, i, "person_id");
    c->name = (char *)cg_csv_get(csv, i, "name");
    c->unit_code = (char *)cg_csv_get(csv, i, "unit_code");
    c->org_path = (char *)gw_csv_import_path(imp, i);
    c->position = (char *)cg_csv_get(csv, i, "position");
    c->grade = (char *)cg_csv_get(csv, i, "grade");
    c->key_position = (char *)gw_cadre_key_position(cg_csv_get(csv, i, "key_position"));
    c->key_since_on_ms = gw_csv_import_day(imp, i, "key_since_on");
    return &r->row.base;
}

const gw_csv_import_spec gw_cadre_import_file = {
    .columns = cadre_columns,
    .ncolumns = sizeof(cadre_columns) / sizeof(cadre_columns[0]),
    .max_bytes = CADRE_MAX_BYTES,
    .max_rows = CG_INTEGRITY_IMPORT_ROWS_MAX,
    .row_is = "a cadre",
    .unit_key = "unit_code",
    .row_size = sizeof(cadre_row),
    .read_row = read_row,
};
