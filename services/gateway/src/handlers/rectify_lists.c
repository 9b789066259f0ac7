/* POST /api/v1/rectify/batches/{id}/import: a batch's problem and task
 * lists from a CSV file, all or nothing (docs/rectification.md). The file
 * is read here (rectify_import.c), its unit codes resolved to org paths,
 * and its rows sent to cg.rpc.rectify.ImportBatchLists, which checks what
 * only the rectify service knows and writes them in one transaction. The
 * problems of both are answered together, each by its line and column. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cg/log.h"
#include "cg/nats.h"
#include "gateway.h"
#include "rectify_import.h"

/* Resolve every row's unit code; an unknown one is a problem of its cell.
 * A code left empty stays empty: the service says it is required. */
static cg_code resolve_units(gw_request *req, gw_rectify_import *imp, cg_err *err)
{
    for (size_t i = 0; i < imp->nrows; i++) {
        Cleangrid__V1__ImportRow *row = &imp->rows[i];
        char path[1024];
        cg_err unit;
        cg_err_clear(&unit);
        if (row->unit_code[0] == '\0')
            continue;
        cg_code rc = gw_resolve_unit(req->app, row->unit_code, path, sizeof(path), &unit);
        if (rc == CG_INVALID_ARGUMENT) {
            cg_csv_problem_add(&imp->problems, imp->csv, (size_t)row->line, "unit_code",
                               "%.64s is not a known org unit", row->unit_code);
        } else if (rc != CG_OK) {
            *err = unit;
            return rc;
        } else if (!gw_rectify_import_set_path(imp, i, path)) {
            return cg_err_set(err, CG_INTERNAL, "out of memory");
        }
    }
    return CG_OK;
}

/* How many violations a service's answer found: its message says so when
 * it names only the first of them (import.c of the rectify service). */
static size_t violations_found(const cg_err *err)
{
    size_t total = 0;
    if (sscanf(err->message, "the rows have %zu problems", &total) == 1 && total > err->nviolations)
        return total;
    return err->nviolations;
}

/* Send the rows to the service: to be written, or, when the file has
 * problems of its own already, only checked, so that the answer names the
 * service's problems too. The service's violations join imp->problems. */
static cg_code send_rows(gw_request *req, gw_rectify_import *imp,
                         Cleangrid__V1__ImportBatchListsReply **reply, cg_err *err)
{
    Cleangrid__V1__ImportBatchListsRequest rpc = CLEANGRID__V1__IMPORT_BATCH_LISTS_REQUEST__INIT;
    Cleangrid__V1__CallContext ctx = CLEANGRID__V1__CALL_CONTEXT__INIT;

    if (gw_call_context(&ctx, req, err) != CG_OK)
        return err->code;
    rpc.ctx = &ctx;
    rpc.batch_id = req->route_id;
    rpc.n_rows = imp->nrows;
    rpc.rows = imp->row_ptrs;
    rpc.check_only = cg_csv_problems_total(&imp->problems) > 0;
    /* A check writes nothing, so it must not take the key: the file sent
     * again once fixed is a new request under the same key. */
    if (rpc.check_only)
        ctx.idempotency_key = (char *)"";
    cg_code rc =
        cg_rpc_call_method(req->app->base.nats, "rectify", "ImportBatchLists", req->request_id,
                           &rpc.base, &cleangrid__v1__import_batch_lists_reply__descriptor,
                           req->app->rpc_timeout_ms, (ProtobufCMessage **)reply, err);
    if (rc == CG_INVALID_ARGUMENT && err->nviolations > 0) {
        gw_rectify_import_add_violations(imp, err, violations_found(err));
        cg_err_clear(err);
        rc = CG_OK;
    }
    return rc;
}

/* 400 with every problem of the file, by line and column. */
static void send_problems(gw_request *req, const gw_rectify_import *imp)
{
    char detail[128];
    size_t total = cg_csv_problems_total(&imp->problems);
    snprintf(detail, sizeof(detail), "the file has %zu problem%s; nothing was imported", total,
             total == 1 ? "" : "s");
    cJSON *extra = cJSON_CreateObject();
    cJSON *errors = cg_csv_problems_json(&imp->problems);
    if (extra == NULL || errors == NULL || !cJSON_AddItemToObject(extra, "errors", errors)) {
        cJSON_Delete(errors);
        cJSON_Delete(extra);
        gw_http_send_json(req, 500, NULL);
        return;
    }
    gw_http_send_problem(req, 400, "INVALID_ARGUMENT", detail, NULL, extra);
    cJSON_Delete(extra);
}

/* The 201 answer: the counts, and the columns of the file that were not
 * read. */
static cJSON *imported_json(const gw_rectify_import *imp,
                            const Cleangrid__V1__ImportBatchListsReply *reply)
{
    size_t nunknown = 0;
    const char *const *unknown = cg_csv_unknown_columns(imp->csv, &nunknown);
    cJSON *out = cJSON_CreateObject();
    cJSON *ignored = cJSON_AddArrayToObject(out, "ignored_columns");
    bool ok = ignored != NULL && cJSON_AddNumberToObject(out, "problems", reply->problems) &&
              cJSON_AddNumberToObject(out, "tasks", reply->tasks);
    for (size_t i = 0; ok && i < nunknown; i++)
        ok = cJSON_AddItemToArray(ignored, cJSON_CreateString(unknown[i]));
    if (!ok) {
        cJSON_Delete(out);
        return NULL;
    }
    return out;
}

void gw_route_import_rectify(gw_request *req)
{
    char *text = NULL;
    size_t len = 0;
    gw_rectify_import imp = {0};
    Cleangrid__V1__ImportBatchListsReply *reply = NULL;
    cJSON *out = NULL;
    cg_err err;
    cg_err_clear(&err);

    if (!gw_media_type_is_csv(gw_http_header(req, "Content-Type"))) {
        gw_http_send_problem(req, 415, "UNSUPPORTED_MEDIA_TYPE",
                             "an import is text/csv (Excel's \"CSV UTF-8\")", NULL, NULL);
        goto cleanup;
    }
    if (!cg_uuid_valid(req->route_id)) {
        cg_err_add_violation(&err, "id", "must be a UUID");
        gw_http_send_err(req, &err);
        goto cleanup;
    }
    if (gw_http_read_raw(req, &text, &len) != CG_OK)
        goto cleanup;
    cg_code rc = gw_rectify_import_read(text, len, &imp, &err);
    if (rc == CG_INVALID_ARGUMENT) {
        send_problems(req, &imp);
        goto cleanup;
    }
    if (rc != CG_OK || resolve_units(req, &imp, &err) != CG_OK ||
        (imp.nrows > 0 && send_rows(req, &imp, &reply, &err) != CG_OK)) {
        gw_http_send_err(req, &err);
        goto cleanup;
    }
    if (cg_csv_problems_total(&imp.problems) > 0) {
        send_problems(req, &imp);
        goto cleanup;
    }
    out = imported_json(&imp, reply);
    gw_http_send_json(req, 201, out);

cleanup:
    cJSON_Delete(out);
    if (reply != NULL)
        protobuf_c_message_free_unpacked(&reply->base, NULL);
    gw_rectify_import_free(&imp);
    free(text);
}
