/* The handler of every route whose row has an export (export.h): the list
 * paged through its service and written as XLSX or CSV, then streamed. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cg/limits.h"
#include "cg/log.h"
#include "cg/pbjson.h"
#include "cg/sheet.h"
#include "gateway.h"

/* The most columns an export has. */
#define EXPORT_MAX_COLUMNS 32

/* The format asked for with ?format= (xlsx when not given). */
static cg_code export_format(gw_request *req, cg_sheet_format *format, cg_err *err)
{
    char value[16];
    cg_code rc = gw_query_get(req->query, "format", value, sizeof(value));
    *format = CG_SHEET_XLSX;
    if (rc == CG_NOT_FOUND || (rc == CG_OK && strcmp(value, "xlsx") == 0))
        return CG_OK;
    if (rc == CG_OK && strcmp(value, "csv") == 0) {
        *format = CG_SHEET_CSV;
        return CG_OK;
    }
    cg_err_add_violation(err, "format", "must be xlsx or csv");
    return err->code;
}

/* The label of name in labels, or name. */
static const char *label_of(const gw_export_label *labels, const char *name)
{
    for (const gw_export_label *l = labels; l != NULL && l->name != NULL; l++)
        if (strcmp(l->name, name) == 0)
            return l->label;
    return name;
}

/* The cell column c shows of item, the number-th row. day holds a date's
 * text while the cell is written. */
static cg_cell cell_of(const gw_export_column *c, const cJSON *item, int64_t number, char day[11])
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(item, c->key);
    const char *s = cJSON_GetStringValue(v);
    switch (c->show) {
    case GW_EXPORT_ROW:
        return CG_CELL_INT_OF(number);
    case GW_EXPORT_DATE:
        /* A time's day is its first ten characters: the API's times are
         * UTC. */
        if (s == NULL || strlen(s) < 10)
            break;
        memcpy(day, s, 10);
        day[10] = '\0';
        return CG_CELL_DATE_OF(day);
    case GW_EXPORT_LABEL:
        if (s != NULL)
            return CG_CELL_TEXT_OF(label_of(c->labels, s));
        break;
    case GW_EXPORT_TEXT:
        if (s != NULL)
            return CG_CELL_TEXT_OF(s);
        if (cJSON_IsNumber(v))
            return CG_CELL_INT_OF((int64_t)v->valuedouble);
        break;
    }
    return (cg_cell){.kind = CG_CELL_EMPTY};
}

/* Write the items of one page's answer; *rows counts the rows so far. */
static cg_code write_items(const gw_export *ex, cg_sheet *sheet, const cJSON *answer, int64_t *rows,
                           cg_err *err)
{
    cg_cell cells[EXPORT_MAX_COLUMNS];
    char days[EXPORT_MAX_COLUMNS][11];
    const cJSON *item;
    cJSON_ArrayForEach(item, cJSON_GetObjectItemCaseSensitive(answer, ex->items))
    {
        (*rows)++;
        for (size_t i = 0; i < ex->ncolumns; i++)
            cells[i] = cell_of(&ex->columns[i], item, *rows, days[i]);
        if (cg_sheet_add_row(sheet, cells, ex->ncolumns, err) != CG_OK)
            return err->code;
    }
    return CG_OK;
}

/* Page through the list into sheet: the largest page the service gives,
 * one at a time, each shown as the list route shows it. */
static cg_code write_pages(gw_request *req, const gw_export *ex, ProtobufCMessage *rpc,
                           cg_sheet *sheet, int64_t *rows, cg_err *err)
{
    const cg_pbjson *codec = req->app->codec;
    ProtobufCMessage *reply = NULL;
    cJSON *answer = NULL;
    char size[16], cursor[512] = "";
    cg_code rc;

    snprintf(size, sizeof(size), "%d", CG_PAGE_SIZE_MAX);
    rc = cg_pbjson_set_text(codec, rpc, "page.page_size", size, "limit", err);
    do {
        if (rc == CG_OK)
            rc = cg_pbjson_set_text(codec, rpc, "page.cursor", cursor, "cursor", err);
        if (rc == CG_OK)
            rc = gw_route_call_service(req, rpc, &reply, err);
        if (rc == CG_OK)
            rc = cg_pbjson_encode(codec, reply, &answer, err);
        if (rc != CG_OK)
            break;
        gw_names_annotate(req->app, answer);
        rc = write_items(ex, sheet, answer, rows, err);
        const char *next =
            cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(answer, ex->next_cursor));
        if (next == NULL || next[0] == '\0')
            cursor[0] = '\0';
        else if (!cg_strlcpy(cursor, next, sizeof(cursor)))
            rc = cg_err_set(err, CG_INTERNAL, "a cursor longer than %zu bytes", sizeof(cursor));
        cJSON_Delete(answer);
        answer = NULL;
        protobuf_c_message_free_unpacked(reply, NULL);
        reply = NULL;
    } while (rc == CG_OK && cursor[0] != '\0');
    return rc;
}

static cg_code read_sheet(void *arg, void *buf, size_t size, size_t *got, cg_err *err)
{
    return cg_sheet_read(arg, buf, size, got, err);
}

void gw_route_export(gw_request *req)
{
    const gw_rpc_route *rr = req->route->rpc;
    const gw_export *ex = rr->export;
    ProtobufCMessage *rpc = NULL;
    cg_sheet *sheet = NULL;
    cJSON *filter = NULL, *detail = NULL;
    cg_sheet_format format = CG_SHEET_XLSX;
    cg_sheet_column titles[EXPORT_MAX_COLUMNS];
    int64_t rows = 0;
    cg_err err;

    cg_err_clear(&err);
    /* Recorded as the list it exports is, with the format, whether it
     * succeeds or not; its record counts the rows rather than naming
     * every id, which could be hundreds of thousands. */
    filter = gw_route_filter(req, rr);
    export_format(req, &format, &err);
    if (filter != NULL)
        cJSON_AddStringToObject(filter, "format", cg_sheet_extension(format));
    gw_audit_expect_list(req, rr->audit_action, rr->audit_target, req->route_id, filter);
    if (err.code != CG_OK) {
        gw_http_send_err(req, &err);
        goto cleanup;
    }
    if (ex->ncolumns > EXPORT_MAX_COLUMNS) {
        cg_err_set(&err, CG_INTERNAL, "an export has at most %d columns", EXPORT_MAX_COLUMNS);
        gw_http_send_err(req, &err);
        goto cleanup;
    }
    if (!gw_route_request(req, &rpc))
        goto cleanup;
    for (size_t i = 0; i < ex->ncolumns; i++)
        titles[i] = (cg_sheet_column){.title = ex->columns[i].title, .width = ex->columns[i].width};
    const cg_sheet_spec spec = {.format = format,
                                .dir = req->app->export_dir,
                                .sheet_name = ex->sheet_name,
                                .columns = titles,
                                .ncolumns = ex->ncolumns};
    if (cg_sheet_open(&spec, &sheet, &err) != CG_OK ||
        write_pages(req, ex, rpc, sheet, &rows, &err) != CG_OK ||
        cg_sheet_close(sheet, &err) != CG_OK) {
        gw_http_send_err(req, &err);
        goto cleanup;
    }
    detail = cJSON_CreateObject();
    if (detail != NULL && filter != NULL &&
        cJSON_AddItemReferenceToObject(detail, "filter", filter) &&
        cJSON_AddNumberToObject(detail, "rows", (double)rows) != NULL)
        gw_audit_note(req, detail);
    char day[16];
    time_t now = time(NULL);
    struct tm tm;
    strftime(day, sizeof(day), "%Y-%m-%d", gmtime_r(&now, &tm));
    snprintf(req->extra_headers, sizeof(req->extra_headers),
             "Content-Disposition: attachment; filename=\"%s-%s.%s\"\r\n", ex->file_name, day,
             cg_sheet_extension(format));
    gw_http_send_stream(req, 200, cg_sheet_media_type(format), cg_sheet_size(sheet), read_sheet,
                        sheet);
    char count[24];
    snprintf(count, sizeof(count), "%lld", (long long)rows);
    cg_log_fields(CG_LOG_INFO, "list exported", "export", ex->file_name, "format",
                  cg_sheet_extension(format), "rows", count, NULL);

cleanup:
    cg_sheet_free(sheet);
    cJSON_Delete(detail);
    cJSON_Delete(filter);
    if (rpc != NULL)
        protobuf_c_message_free_unpacked(rpc, NULL);
}
