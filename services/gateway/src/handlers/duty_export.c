/* GET /api/v1/rectify/duty-lists/export: the assessment table of the
 * responsibility lists (纪实考核) for a year as XLSX (or CSV), one row an
 * item, each with its unit's totals, highest total first.
 *
 * The rectification service answers ListDutyLists with each list's items
 * (it refuses a table of more than its limit of lists), and this handler
 * writes the rows with cg/sheet.h into a temporary file and sends its
 * bytes: the table is bounded by the units of a scope, so it is read back
 * whole rather than streamed. The service checks role, scope and the year
 * itself; the dispatcher has checked the route's permission. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cg/log.h"
#include "cg/sheet.h"
#include "cg/util.h"
#include "cleangrid/v1/rectify_duty.pb-c.h"
#include "gateway.h"

/* The columns of the table, in order: Chinese title with the English. */
static const cg_sheet_column COLUMNS[] = {
    {"单位 Unit", 14},
    {"年度 Year", 8},
    {"序号 Item", 8},
    {"责任事项 Responsibility", 40},
    {"责任领导 Leader", 14},
    {"时段 Period", 12},
    {"完成标准 Standard", 40},
    {"纪实 Records", 10},
    {"已确认 Confirmed", 10},
    {"结果 Outcome", 12},
    {"得分 Score", 8},
    {"评分说明 Note", 30},
    {"单位总分 Unit total", 12},
    {"平均分 Average", 10},
    {"完成 Done", 8},
    {"部分完成 Partly", 10},
    {"未完成 Not done", 10},
};
#define NCOLUMNS (sizeof COLUMNS / sizeof COLUMNS[0])

/* The outcomes as the office writes them. */
static const char *const OUTCOME_LABELS[][2] = {
    {"done", "完成 done"},
    {"partly", "部分完成 partly"},
    {"not_done", "未完成 not done"},
};

static const char *outcome_label(const char *outcome)
{
    for (size_t i = 0; i < sizeof OUTCOME_LABELS / sizeof OUTCOME_LABELS[0]; i++)
        if (strcmp(outcome, OUTCOME_LABELS[i][0]) == 0)
            return OUTCOME_LABELS[i][1];
    return outcome;
}

/* The row of item it of list l into sheet. */
static cg_code item_row(cg_sheet *sheet, const Cleangrid__V1__DutyList *l,
                        const Cleangrid__V1__DutyItem *it, cg_err *err)
{
    char period[32], average[24];
    snprintf(period, sizeof period, "%d-%d月", it->from_month, it->to_month);
    snprintf(average, sizeof average, "%.2f", l->score_average);
    bool scored = it->outcome[0] != '\0';
    const cg_cell cells[NCOLUMNS] = {
        CG_CELL_TEXT_OF(l->unit_code[0] != '\0' ? l->unit_code : l->org_path),
        CG_CELL_INT_OF(l->year),
        CG_CELL_INT_OF(it->seq),
        CG_CELL_TEXT_OF(it->text),
        CG_CELL_TEXT_OF(it->leader),
        CG_CELL_TEXT_OF(period),
        CG_CELL_TEXT_OF(it->standard),
        CG_CELL_INT_OF(it->record_count),
        CG_CELL_INT_OF(it->confirmed_count),
        CG_CELL_TEXT_OF(scored ? outcome_label(it->outcome) : ""),
        scored ? CG_CELL_INT_OF(it->score) : (cg_cell){.kind = CG_CELL_EMPTY},
        CG_CELL_TEXT_OF(it->score_note),
        CG_CELL_INT_OF(l->score_total),
        CG_CELL_TEXT_OF(average),
        CG_CELL_INT_OF(l->done_count),
        CG_CELL_INT_OF(l->partly_count),
        CG_CELL_INT_OF(l->not_done_count),
    };
    return cg_sheet_add_row(sheet, cells, NCOLUMNS, err);
}

/* Write reply's lists into a new sheet of format and read it back: *body
 * (owned by the caller, free()) holds *len bytes. */
static cg_code write_table(const Cleangrid__V1__ListDutyListsReply *reply, cg_sheet_format format,
                           char **body, size_t *len, cg_err *err)
{
    cg_sheet *sheet = NULL;
    char *buf = NULL;
    size_t got = 0, used = 0;
    cg_code rc;

    const cg_sheet_spec spec = {
        .format = format, .sheet_name = "纪实考核", .columns = COLUMNS, .ncolumns = NCOLUMNS};
    if ((rc = cg_sheet_open(&spec, &sheet, err)) != CG_OK)
        goto cleanup;
    for (size_t i = 0; rc == CG_OK && i < reply->n_lists; i++)
        for (size_t j = 0; rc == CG_OK && j < reply->lists[i]->n_items; j++)
            rc = item_row(sheet, reply->lists[i], reply->lists[i]->items[j], err);
    if (rc != CG_OK || (rc = cg_sheet_close(sheet, err)) != CG_OK)
        goto cleanup;
    size_t size = cg_sheet_size(sheet);
    buf = malloc(size + 1);
    if (buf == NULL) {
        rc = cg_err_set(err, CG_UNAVAILABLE, "out of memory");
        goto cleanup;
    }
    do {
        rc = cg_sheet_read(sheet, buf + used, size - used, &got, err);
        used += got;
    } while (rc == CG_OK && got > 0 && used < size);
    if (rc != CG_OK)
        goto cleanup;
    *body = buf;
    *len = used;
    buf = NULL;

cleanup:
    free(buf);
    cg_sheet_free(sheet);
    return rc;
}

void gw_route_duty_export(gw_request *req)
{
    Cleangrid__V1__CallContext ctx = CLEANGRID__V1__CALL_CONTEXT__INIT;
    Cleangrid__V1__ListDutyListsRequest rpc = CLEANGRID__V1__LIST_DUTY_LISTS_REQUEST__INIT;
    Cleangrid__V1__ListDutyListsReply *reply = NULL;
    char year[16] = "", code[128] = "", path[512] = "", format_name[16] = "";
    char *body = NULL;
    size_t len = 0;
    cg_sheet_format format = CG_SHEET_XLSX;
    cg_code rc;
    cg_err err;

    /* Every export is recorded, whatever it held. */
    gw_audit_expect(req, "rectify.duty_export", "rectify_duty_list", NULL);
    cg_err_clear(&err);
    gw_query_get(req->query, "year", year, sizeof year);
    gw_query_get(req->query, "unit_code", code, sizeof code);
    gw_query_get(req->query, "format", format_name, sizeof format_name);
    char *end = NULL;
    long y = strtol(year, &end, 10);
    if (year[0] == '\0' || end == NULL || *end != '\0' || y <= 0 || y > 9999)
        cg_err_add_violation(&err, "year", "the query parameter year (such as 2026) is required");
    /* XLSX unless CSV is asked for. */
    if (strcmp(format_name, "csv") == 0)
        format = CG_SHEET_CSV;
    else if (format_name[0] != '\0' && strcmp(format_name, "xlsx") != 0)
        cg_err_add_violation(&err, "format", "must be xlsx or csv");
    if (err.code == CG_OK && code[0] != '\0')
        gw_resolve_unit(req->app, code, path, sizeof path, &err);
    if ((rc = err.code) != CG_OK || (rc = gw_call_context(&ctx, req, &err)) != CG_OK)
        goto cleanup;
    rpc.ctx = &ctx;
    rpc.year = (int32_t)y;
    rpc.org_path = path;
    rpc.unit_code = code;
    rpc.with_items = true;
    if ((rc = cg_rpc_call_method(req->app->base.nats, "rectify", "ListDutyLists", req->request_id,
                                 &rpc.base, &cleangrid__v1__list_duty_lists_reply__descriptor,
                                 req->app->rpc_timeout_ms, (ProtobufCMessage **)&reply, &err)) !=
            CG_OK ||
        (rc = write_table(reply, format, &body, &len, &err)) != CG_OK)
        goto cleanup;
    snprintf(req->extra_headers, sizeof req->extra_headers,
             "Content-Disposition: attachment; filename=\"duty-assessment-%ld.%s\"\r\n", y,
             cg_sheet_extension(format));
    gw_http_send_text(req, 200, cg_sheet_media_type(format), body, len);

cleanup:
    if (rc != CG_OK)
        gw_http_send_err(req, &err);
    free(body);
    if (reply != NULL)
        protobuf_c_message_free_unpacked(&reply->base, NULL);
}
