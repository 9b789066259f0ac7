/* The import routes: a CSV file as Excel saves it, all or nothing.
 *
 *   POST /api/v1/rectify/batches/{id}/import  a batch's problem and task
 *        lists (docs/rectification.md), cg.rpc.rectify.ImportBatchLists
 *   POST /api/v1/integrity/cadres/import      cadres, one integrity file
 *        (廉政档案) each (docs/integrity.md), cg.rpc.integrity.ImportCadres
 *   POST /api/v1/integrity/references/import  reference records for
 *        verification (查核), cg.rpc.integrity.ImportReferenceRecords
 *
 * Each is the same walk: the file is read as its table describes it
 * (csv_import.h: rectify_import.c, cadre_import.c, reference_import.c; the
 * last built from the report form the service holds), its unit codes resolved
 * to org paths, and its rows sent to the service, which checks what only it
 * knows and writes them in one transaction. The problems of both are
 * answered together, each by its line and column. */
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cadre_import.h"
#include "cg/nats.h"
#include "cg/util.h"
#include "cleangrid/v1/integrity.pb-c.h"
#include "cleangrid/v1/rectify_io.pb-c.h"
#include "gateway.h"
#include "rectify_import.h"
#include "reference_import.h"

/* An import route: its file, and the method its rows are sent to. The
 * request has the CallContext "ctx", the rows in the repeated message field
 * "rows" (of the message the file's rows are read into) and the bool
 * "check_only"; the reply is its Status and counts (int32 fields), which
 * are the answer. Static. */
typedef struct import_route {
    /* The file's table; NULL when open builds it for each import. */
    const gw_csv_import_spec *file;
    /* For a table that is the service's data (the report form's fields):
     * build it into *spec for req, keeping what it borrows in *state,
     * which close frees (also when open fails). */
    cg_code (*open)(gw_request *req, void **state, const gw_csv_import_spec **spec, cg_err *err);
    void (*close)(void *state);
    const char *service;
    const char *method;
    const ProtobufCMessageDescriptor *request;
    const ProtobufCMessageDescriptor *reply;
    /* The request's string field the path's {id} fills, checked as a UUID;
     * NULL when the pattern has no {id}. */
    const char *id_field;
} import_route;

static const import_route rectify_lists = {
    .file = &gw_rectify_import_file,
    .service = "rectify",
    .method = "ImportBatchLists",
    .request = &cleangrid__v1__import_batch_lists_request__descriptor,
    .reply = &cleangrid__v1__import_batch_lists_reply__descriptor,
    .id_field = "batch_id",
};

static const import_route integrity_cadres = {
    .file = &gw_cadre_import_file,
    .service = "integrity",
    .method = "ImportCadres",
    .request = &cleangrid__v1__import_cadres_request__descriptor,
    .reply = &cleangrid__v1__import_cadres_reply__descriptor,
};

/* What a file of reference records borrows: the form it was built from. */
typedef struct reference_state {
    Cleangrid__V1__ReportFormReply *reply; /* owned */
    gw_reference_file file;
} reference_state;

static void close_references(void *state)
{
    reference_state *s = state;
    if (s == NULL)
        return;
    gw_reference_file_free(&s->file);
    if (s->reply != NULL)
        protobuf_c_message_free_unpacked(&s->reply->base, NULL);
    free(s);
}

/* The table of reference records, from the form the integrity service
 * holds now, read as the caller. */
static cg_code open_references(gw_request *req, void **state, const gw_csv_import_spec **spec,
                               cg_err *err)
{
    Cleangrid__V1__CallContext ctx = CLEANGRID__V1__CALL_CONTEXT__INIT;
    Cleangrid__V1__GetReportFormRequest rpc = CLEANGRID__V1__GET_REPORT_FORM_REQUEST__INIT;
    ProtobufCMessage *reply = NULL;
    reference_state *s = calloc(1, sizeof(*s));
    *state = s;
    if (s == NULL)
        return cg_err_set(err, CG_INTERNAL, "out of memory");
    if (gw_call_context(&ctx, req, err) != CG_OK)
        return err->code;
    /* Reading the form is no step of the import the key stands for. */
    ctx.idempotency_key = (char *)"";
    rpc.ctx = &ctx;
    if (cg_rpc_call_method(req->app->base.nats, "integrity", "GetReportForm", req->request_id,
                           &rpc.base, &cleangrid__v1__report_form_reply__descriptor,
                           req->app->rpc_timeout_ms, &reply, err) != CG_OK)
        return err->code;
    s->reply = (Cleangrid__V1__ReportFormReply *)reply;
    if (s->reply->form == NULL)
        return cg_err_set(err, CG_INTERNAL, "the integrity service answered no report form");
    if (gw_reference_file_open(s->reply->form, &s->file, err) != CG_OK)
        return err->code;
    *spec = &s->file.spec;
    return CG_OK;
}

static const import_route integrity_references = {
    .open = open_references,
    .close = close_references,
    .service = "integrity",
    .method = "ImportReferenceRecords",
    .request = &cleangrid__v1__import_reference_records_request__descriptor,
    .reply = &cleangrid__v1__import_reference_records_reply__descriptor,
};

/* The field of desc called name, when it has that type and is repeated
 * or not as repeated says; NULL otherwise. */
static const ProtobufCFieldDescriptor *field_of(const ProtobufCMessageDescriptor *desc,
                                                const char *name, ProtobufCType type, bool repeated)
{
    const ProtobufCFieldDescriptor *f = protobuf_c_message_descriptor_get_field_by_name(desc, name);
    if (f == NULL || f->type != type || (f->label == PROTOBUF_C_LABEL_REPEATED) != repeated)
        return NULL;
    return f;
}

/* The member of msg that field f holds. */
#define MEMBER(type, msg, f) ((type *)(void *)((char *)(msg) + (f)->offset))

/* Fill rpc (a request of route's, initialised) with the caller's ctx,
 * imp's rows, check_only and the path's id, all borrowed. INTERNAL when
 * the request lacks one of them: the route's row is wrong. */
static cg_code fill_request(gw_request *req, const import_route *route, const gw_csv_import *imp,
                            Cleangrid__V1__CallContext *ctx, bool check_only, ProtobufCMessage *rpc,
                            cg_err *err)
{
    const ProtobufCMessageDescriptor *d = route->request;
    const ProtobufCFieldDescriptor *fctx = field_of(d, "ctx", PROTOBUF_C_TYPE_MESSAGE, false);
    const ProtobufCFieldDescriptor *frows = field_of(d, "rows", PROTOBUF_C_TYPE_MESSAGE, true);
    const ProtobufCFieldDescriptor *fcheck = field_of(d, "check_only", PROTOBUF_C_TYPE_BOOL, false);
    const ProtobufCFieldDescriptor *fid =
        route->id_field != NULL ? field_of(d, route->id_field, PROTOBUF_C_TYPE_STRING, false)
                                : NULL;

    if (fctx == NULL || frows == NULL || fcheck == NULL ||
        (route->id_field != NULL && fid == NULL) ||
        (imp->nrows > 0 && imp->messages[0]->descriptor != frows->descriptor))
        return cg_err_set(err, CG_INTERNAL, "%s does not take the rows of its import", d->name);
    *MEMBER(ProtobufCMessage *, rpc, fctx) = &ctx->base;
    *(size_t *)(void *)((char *)rpc + frows->quantifier_offset) = imp->nrows;
    *MEMBER(ProtobufCMessage **, rpc, frows) = imp->messages;
    *MEMBER(protobuf_c_boolean, rpc, fcheck) = check_only;
    if (fid != NULL)
        *MEMBER(char *, rpc, fid) = req->route_id;
    return CG_OK;
}

/* The reply's counts, its int32 fields, into out. False without memory. */
static bool add_counts(cJSON *out, const ProtobufCMessage *reply)
{
    const ProtobufCMessageDescriptor *d = reply->descriptor;
    for (unsigned i = 0; i < d->n_fields; i++) {
        const ProtobufCFieldDescriptor *f = &d->fields[i];
        if (f->type == PROTOBUF_C_TYPE_INT32 && f->label != PROTOBUF_C_LABEL_REPEATED &&
            cJSON_AddNumberToObject(out, f->name, *MEMBER(const int32_t, reply, f)) == NULL)
            return false;
    }
    return true;
}

/* The columns of the file that were not read, into out. False without
 * memory. */
static bool add_ignored(cJSON *out, const gw_csv_import *imp)
{
    size_t nunknown = 0;
    const char *const *unknown = cg_csv_unknown_columns(imp->csv, &nunknown);
    cJSON *ignored = cJSON_AddArrayToObject(out, "ignored_columns");
    bool ok = ignored != NULL;
    for (size_t i = 0; ok && i < nunknown; i++)
        ok = cJSON_AddItemToArray(ignored, cJSON_CreateString(unknown[i]));
    return ok;
}

/* Resolve every row's unit code; an unknown one is a problem of its cell.
 * A code left empty stays empty: the service says it is required. */
static cg_code resolve_units(gw_request *req, gw_csv_import *imp, cg_err *err)
{
    for (size_t i = 0; i < imp->nrows; i++) {
        const char *code = gw_csv_import_unit(imp, i);
        char path[1024];
        cg_err unit;
        cg_err_clear(&unit);
        if (code[0] == '\0')
            continue;
        cg_code rc = gw_resolve_unit(req->app, code, path, sizeof(path), &unit);
        if (rc == CG_INVALID_ARGUMENT) {
            cg_csv_problem_add(&imp->problems, imp->csv, cg_csv_line(imp->csv, i),
                               imp->spec->unit_key, "%.64s is not a known org unit", code);
        } else if (rc != CG_OK) {
            *err = unit;
            return rc;
        } else if (!gw_csv_import_set_path(imp, i, path)) {
            return cg_err_set(err, CG_INTERNAL, "out of memory");
        }
    }
    return CG_OK;
}

/* Send imp's rows to route's method: to be written, or, when the file has
 * problems of its own already, only checked, so that the answer names the
 * service's problems too. The service's violations join imp->problems; the
 * counts of a reply that wrote the rows go into out. */
static cg_code send_rows(gw_request *req, const import_route *route, gw_csv_import *imp, cJSON *out,
                         cg_err *err)
{
    cg_code rc;
    Cleangrid__V1__CallContext ctx = CLEANGRID__V1__CALL_CONTEXT__INIT;
    /* Borrows every field it is given, so it is freed with free(), never
     * with protobuf_c_message_free_unpacked(). */
    ProtobufCMessage *rpc = NULL;
    ProtobufCMessage *reply = NULL;
    bool check_only = cg_csv_problems_total(&imp->problems) > 0;

    rc = gw_call_context(&ctx, req, err);
    if (rc != CG_OK)
        goto cleanup;
    /* A check writes nothing, so it must not take the key: the file sent
     * again once fixed is a new request under the same key. */
    if (check_only)
        ctx.idempotency_key = (char *)"";
    rpc = calloc(1, route->request->sizeof_message);
    if (rpc == NULL) {
        rc = cg_err_set(err, CG_INTERNAL, "out of memory");
        goto cleanup;
    }
    protobuf_c_message_init(route->request, rpc);
    rc = fill_request(req, route, imp, &ctx, check_only, rpc, err);
    if (rc != CG_OK)
        goto cleanup;
    rc = cg_rpc_call_method(req->app->base.nats, route->service, route->method, req->request_id,
                            rpc, route->reply, req->app->rpc_timeout_ms, &reply, err);
    if (rc == CG_INVALID_ARGUMENT && err->nviolations > 0) {
        gw_csv_import_add_violations(imp, err);
        cg_err_clear(err);
        rc = CG_OK;
    } else if (rc == CG_OK && !check_only && !add_counts(out, reply)) {
        rc = cg_err_set(err, CG_INTERNAL, "out of memory");
    }

cleanup:
    if (reply != NULL)
        protobuf_c_message_free_unpacked(reply, NULL);
    free(rpc);
    return rc;
}

/* 400 with every problem of the file, by line and column. */
static void send_problems(gw_request *req, gw_csv_import *imp)
{
    char detail[128];
    size_t total = cg_csv_problems_total(&imp->problems);
    snprintf(detail, sizeof(detail), "the file has %zu problem%s; nothing was imported", total,
             total == 1 ? "" : "s");
    gw_csv_import_sort_problems(imp);
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

/* The walk of every import route: the file read, its units resolved, its
 * rows sent; 201 with the reply's counts and the columns not read, or 400
 * naming every problem. */
static void run_import(gw_request *req, const import_route *route)
{
    char *text = NULL;
    size_t len = 0;
    gw_csv_import imp = {0};
    const gw_csv_import_spec *file = route->file;
    void *state = NULL;
    cJSON *out = NULL;
    cg_err err;
    cg_err_clear(&err);

    if (!gw_media_type_is_csv(gw_http_header(req, "Content-Type"))) {
        gw_http_send_problem(req, 415, "UNSUPPORTED_MEDIA_TYPE",
                             "an import is text/csv (Excel's \"CSV UTF-8\")", NULL, NULL);
        goto cleanup;
    }
    if (route->id_field != NULL && !cg_uuid_valid(req->route_id)) {
        cg_err_add_violation(&err, "id", "must be a UUID");
        gw_http_send_err(req, &err);
        goto cleanup;
    }
    if (gw_http_read_raw(req, &text, &len) != CG_OK)
        goto cleanup;
    if (route->open != NULL && route->open(req, &state, &file, &err) != CG_OK) {
        gw_http_send_err(req, &err);
        goto cleanup;
    }
    cg_code rc = gw_csv_import_parse(text, len, file, &imp, &err);
    if (rc == CG_INVALID_ARGUMENT) {
        send_problems(req, &imp);
        goto cleanup;
    }
    out = cJSON_CreateObject();
    if (rc == CG_OK && out == NULL)
        rc = cg_err_set(&err, CG_INTERNAL, "out of memory");
    if (rc != CG_OK || resolve_units(req, &imp, &err) != CG_OK ||
        gw_csv_import_rows(&imp, &err) != CG_OK ||
        (imp.nrows > 0 && send_rows(req, route, &imp, out, &err) != CG_OK)) {
        gw_http_send_err(req, &err);
        goto cleanup;
    }
    if (cg_csv_problems_total(&imp.problems) > 0) {
        send_problems(req, &imp);
        goto cleanup;
    }
    gw_http_send_json(req, 201, add_ignored(out, &imp) ? out : NULL);

cleanup:
    cJSON_Delete(out);
    gw_csv_import_free(&imp);
    if (route->close != NULL)
        route->close(state);
    /* The file names people: wiped as every request body is. */
    if (text != NULL)
        sodium_memzero(text, len);
    free(text);
}

void gw_route_import_rectify(gw_request *req)
{
    run_import(req, &rectify_lists);
}

void gw_route_import_cadres(gw_request *req)
{
    run_import(req, &integrity_cadres);
}

void gw_route_import_references(gw_request *req)
{
    run_import(req, &integrity_references);
}
