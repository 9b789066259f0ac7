/* Documents of problem clues (问题线索) and cases (案件), and the export of
 * a clue's or case's electronic dossier (电子档案). The same handlers serve
 * /api/v1/clues/{id}/... and /api/v1/cases/{id}/...; the path says which
 * kind of file {id} is.
 *
 * A document is up to CG_CASE_DOCUMENT_MAX_BYTES (20 MiB by default), far
 * more than one NATS message (1 MiB) or the JSON body limit
 * (CG_HTTP_MAX_BODY), so the upload route reads its raw body itself, with
 * the case service's own limit, and passes it on in chunks as it arrives:
 * BeginDocumentUpload, PutDocumentChunk for each piece, then
 * CommitDocumentUpload with the size and SHA-256 counted here. The case
 * service checks both, reads the type from the bytes and stores the
 * content once. Downloads and exports come back chunk by chunk the same
 * way. The dispatcher has checked the route's permission; the case service
 * checks role and scope itself. */
#include <civetweb.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cg/log.h"
#include "cg/util.h"
#include "cleangrid/v1/case_documents.pb-c.h"
#include "conn_guard.h"
#include "gateway.h"

/* The longest name accepted in ?name=, in bytes (the case service's
 * limit is 255; a longer one gets its answer from there). */
#define NAME_BUF 1024
/* The largest chunk sent in one RPC, whatever the service offers: a NATS
 * message carries at most 1 MiB. */
#define CHUNK_MAX (512 * 1024)
/* A download or export is assembled here before it is sent; refuse more. */
#define ASSEMBLE_MAX ((int64_t)1 << 30)

/* The two calls that handle a whole document or dossier at once
 * (CommitDocumentUpload reassembles, hashes and types up to 20 MiB;
 * ExportDossier builds the archive) wait this many times
 * CG_RPC_TIMEOUT_MS; every other call moves at most one chunk. */
#define SLOW_CALL_FACTOR 4

/* The files whose documents these routes move, by the path's prefix: the
 * service that keeps them, the kind of file the service calls it and the
 * audit record's target type (static strings). */
static const struct {
    const char *prefix;
    const char *service;
    const char *kind;
    const char *audit_target;
} files[] = {
    {"/api/v1/cases/", "case", "case", "case"},
    {"/api/v1/clues/", "case", "clue", "clue"},
    {"/api/v1/rectify/tasks/", "rectify", "task", "rectify_task"},
    {"/api/v1/rectify/duty-lists/", "rectify", "duty", "rectify_duty_list"},
    {"/api/v1/integrity/cadres/", "integrity", "file", "integrity_file"},
};

/* The row of files[] of the route's path; every route of this file has one. */
static size_t file_row(const gw_request *req)
{
    for (size_t i = 0; i < sizeof files / sizeof files[0]; i++)
        if (strncmp(req->path, files[i].prefix, strlen(files[i].prefix)) == 0)
            return i;
    return 1;
}

/* Call <service>.<method> with rpc (borrowed); *reply is owned by the caller. */
static cg_code call_case(gw_request *req, const char *method, const ProtobufCMessage *rpc,
                         const ProtobufCMessageDescriptor *desc, ProtobufCMessage **reply,
                         cg_err *err)
{
    bool slow = strcmp(method, "CommitDocumentUpload") == 0 || strcmp(method, "ExportDossier") == 0;
    return cg_rpc_call_method(req->app->base.nats, files[file_row(req)].service, method,
                              req->request_id, rpc, desc,
                              req->app->rpc_timeout_ms * (slow ? SLOW_CALL_FACTOR : 1), reply, err);
}

/* The kind of file a route is about, as its service names it. */
static const char *route_kind(const gw_request *req)
{
    return files[file_row(req)].kind;
}

/* The audit record's target type of a route's file. */
static const char *route_target(const gw_request *req)
{
    return files[file_row(req)].audit_target;
}

/* Start err and ctx for a call about the clue {id}: INVALID_ARGUMENT when
 * the id is not a UUID. */
static cg_code clue_call(gw_request *req, Cleangrid__V1__CallContext *ctx, cg_err *err)
{
    cg_err_clear(err);
    if (!cg_uuid_valid(req->route_id)) {
        cg_err_add_violation(err, "id", "must be a UUID");
        return err->code;
    }
    return gw_call_context(ctx, req, err);
}

/* True if err is a refusal of one field: the case service names "size"
 * for a document over the limit and "content" for a refused type. */
static bool violation_on(const cg_err *err, const char *field)
{
    for (size_t i = 0; err->code == CG_INVALID_ARGUMENT && i < err->nviolations; i++)
        if (strcmp(err->violations[i].field, field) == 0)
            return true;
    return false;
}

/* Answer err, with 413 for a document over the limit and 415 for one whose
 * content is not an accepted type, as HTTP says. */
static void send_document_err(gw_request *req, const cg_err *err)
{
    if (violation_on(err, "size"))
        gw_http_send_problem(req, 413, "CONTENT_TOO_LARGE", err->violations[0].description, err,
                             NULL);
    else if (violation_on(err, "content"))
        gw_http_send_problem(req, 415, "UNSUPPORTED_MEDIA_TYPE",
                             "the document's content is not an accepted type", err, NULL);
    else
        gw_http_send_err(req, err);
}

static cJSON *document_json(const Cleangrid__V1__Document *d)
{
    cJSON *obj = cJSON_CreateObject();
    if (obj == NULL || d == NULL)
        goto fail;
    if (cJSON_AddStringToObject(obj, "sha256", d->sha256) == NULL ||
        cJSON_AddNumberToObject(obj, "size", (double)d->size) == NULL ||
        cJSON_AddStringToObject(obj, "content_type", d->content_type) == NULL ||
        cJSON_AddStringToObject(obj, "name", d->name) == NULL ||
        cJSON_AddStringToObject(obj, "added_by", d->added_by) == NULL ||
        !gw_json_add_time(obj, "added_at", d->added_at_ms))
        goto fail;
    return obj;
fail:
    cJSON_Delete(obj);
    return NULL;
}

/* --- upload ---------------------------------------------------------------- */

/* Fill buf (cap bytes) from the body: fewer only at its end. *n is what
 * was read; false when the body was cut short. */
static bool read_piece(gw_request *req, uint8_t *buf, size_t cap, size_t *n)
{
    *n = 0;
    while (*n < cap) {
        int got = mg_read(req->conn, buf + *n, cap - *n);
        if (got < 0)
            return false;
        if (got == 0)
            break;
        *n += (size_t)got;
    }
    return true;
}

/* Drop an upload that will not be committed; its staging rows would
 * otherwise wait an hour for the sweep. */
static void abort_upload(gw_request *req, Cleangrid__V1__CallContext *ctx, const char *upload_id)
{
    Cleangrid__V1__AbortDocumentUploadRequest rpc =
        CLEANGRID__V1__ABORT_DOCUMENT_UPLOAD_REQUEST__INIT;
    ProtobufCMessage *reply = NULL;
    cg_err err;
    cg_err_clear(&err);
    rpc.ctx = ctx;
    rpc.upload_id = (char *)upload_id;
    if (call_case(req, "AbortDocumentUpload", &rpc.base,
                  &cleangrid__v1__abort_document_upload_reply__descriptor, &reply, &err) != CG_OK)
        cg_log_warn("an abandoned upload was left for the sweep: %s", err.message);
    if (reply != NULL)
        protobuf_c_message_free_unpacked(reply, NULL);
}

/* Send the body in chunks to upload_id; *size and sha get what was sent.
 * On failure the request has been answered. */
static cg_code send_body(gw_request *req, Cleangrid__V1__CallContext *ctx, const char *upload_id,
                         int64_t max, int64_t *size, crypto_hash_sha256_state *sha)
{
    cg_code rc = CG_INVALID_ARGUMENT;
    uint8_t *buf = malloc(CHUNK_MAX);
    ProtobufCMessage *reply = NULL;
    cg_err err;
    char detail[96];

    cg_err_clear(&err);
    *size = 0;
    if (buf == NULL) {
        gw_http_send_json(req, 500, NULL);
        goto cleanup;
    }
    /* An upload may take longer than a JSON body, but not for ever. */
    gw_conn_guard_body_begin(req, req->app->http_upload_timeout_ms);
    for (;;) {
        size_t n = 0;
        bool whole = read_piece(req, buf, CHUNK_MAX, &n);
        /* A late body's read side was shut: what came is not the whole
         * document, however it ends. */
        if (gw_conn_guard_body_late(req)) {
            gw_http_send_late_body(req, req->app->http_upload_timeout_ms);
            goto cleanup;
        }
        if (!whole) {
            gw_http_send_problem(req, 400, "INVALID_ARGUMENT", "the request body was cut short",
                                 NULL, NULL);
            goto cleanup;
        }
        if (n == 0)
            break;
        if (*size + (int64_t)n > max) {
            snprintf(detail, sizeof detail, "a document is at most %lld bytes", (long long)max);
            gw_http_send_problem(req, 413, "CONTENT_TOO_LARGE", detail, NULL, NULL);
            goto cleanup;
        }
        crypto_hash_sha256_update(sha, buf, n);
        Cleangrid__V1__PutDocumentChunkRequest rpc =
            CLEANGRID__V1__PUT_DOCUMENT_CHUNK_REQUEST__INIT;
        rpc.ctx = ctx;
        rpc.upload_id = (char *)upload_id;
        rpc.offset = *size;
        rpc.data.data = buf;
        rpc.data.len = n;
        if (call_case(req, "PutDocumentChunk", &rpc.base,
                      &cleangrid__v1__put_document_chunk_reply__descriptor, &reply,
                      &err) != CG_OK) {
            send_document_err(req, &err);
            goto cleanup;
        }
        protobuf_c_message_free_unpacked(reply, NULL);
        reply = NULL;
        *size += (int64_t)n;
    }
    req->body_consumed = true;
    gw_conn_guard_body_end(req);
    rc = CG_OK;

cleanup:
    /* Documents are evidence: no copy stays in freed memory. */
    cg_free_wiped(buf, CHUNK_MAX);
    return rc;
}

void gw_route_upload_document(gw_request *req)
{
    Cleangrid__V1__CallContext ctx = CLEANGRID__V1__CALL_CONTEXT__INIT;
    Cleangrid__V1__BeginDocumentUploadReply *begun = NULL;
    Cleangrid__V1__CommitDocumentUploadReply *done = NULL;
    char name[NAME_BUF];
    char upload_id[CG_UUID_LEN] = "";
    char sha_hex[crypto_hash_sha256_BYTES * 2 + 1];
    uint8_t digest[crypto_hash_sha256_BYTES];
    crypto_hash_sha256_state sha;
    int64_t size = 0;
    cJSON *out = NULL;
    cg_err err;

    gw_audit_expect(req, "document.add", route_target(req), req->route_id);
    cg_err_clear(&err);
    if (!cg_uuid_valid(req->route_id))
        cg_err_add_violation(&err, "id", "must be a UUID");
    if (gw_query_get(req->query, "name", name, sizeof name) != CG_OK)
        cg_err_add_violation(&err, "name",
                             "the query parameter name (the document's name) is "
                             "required, at most 255 bytes");
    if (err.code != CG_OK || gw_call_context(&ctx, req, &err) != CG_OK) {
        gw_http_send_err(req, &err);
        goto cleanup;
    }
    const struct mg_request_info *ri = mg_get_request_info(req->conn);
    Cleangrid__V1__BeginDocumentUploadRequest begin =
        CLEANGRID__V1__BEGIN_DOCUMENT_UPLOAD_REQUEST__INIT;
    begin.ctx = &ctx;
    begin.file_id = req->route_id;
    begin.file_kind = (char *)route_kind(req);
    begin.name = name;
    begin.size = ri->content_length > 0 ? ri->content_length : 0;
    /* A declared oversize body is refused by the service's limit before a
     * byte of it is read. */
    if (call_case(req, "BeginDocumentUpload", &begin.base,
                  &cleangrid__v1__begin_document_upload_reply__descriptor,
                  (ProtobufCMessage **)&begun, &err) != CG_OK) {
        send_document_err(req, &err);
        goto cleanup;
    }
    cg_strlcpy(upload_id, begun->upload_id, sizeof upload_id);
    crypto_hash_sha256_init(&sha);
    if (send_body(req, &ctx, upload_id, begun->max_bytes, &size, &sha) != CG_OK)
        goto cleanup;
    if (size == 0) {
        /* Bad input, not a refused type: 400. */
        cg_err_add_violation(&err, "body", "the request body (the document) is empty");
        gw_http_send_err(req, &err);
        goto cleanup;
    }
    crypto_hash_sha256_final(&sha, digest);
    sodium_bin2hex(sha_hex, sizeof sha_hex, digest, sizeof digest);
    Cleangrid__V1__CommitDocumentUploadRequest commit =
        CLEANGRID__V1__COMMIT_DOCUMENT_UPLOAD_REQUEST__INIT;
    commit.ctx = &ctx;
    commit.upload_id = upload_id;
    commit.size = size;
    commit.sha256 = sha_hex;
    if (call_case(req, "CommitDocumentUpload", &commit.base,
                  &cleangrid__v1__commit_document_upload_reply__descriptor,
                  (ProtobufCMessage **)&done, &err) != CG_OK) {
        send_document_err(req, &err);
        goto cleanup;
    }
    upload_id[0] = '\0';
    out = document_json(done->document);
    if (out != NULL && cJSON_AddBoolToObject(out, "already_linked", done->already_linked) == NULL) {
        cJSON_Delete(out);
        out = NULL;
    }
    gw_names_annotate(req->app, out);
    /* 200 for content that was already there under that name: nothing new. */
    gw_http_send_json(req, done->already_linked ? 200 : 201, out);

cleanup:
    if (upload_id[0] != '\0')
        abort_upload(req, &ctx, upload_id);
    cJSON_Delete(out);
    if (done != NULL)
        protobuf_c_message_free_unpacked(&done->base, NULL);
    if (begun != NULL)
        protobuf_c_message_free_unpacked(&begun->base, NULL);
}

/* --- reading ---------------------------------------------------------------- */

/* One chunk of a download as its RPC reply gives it; every pointer is
 * borrowed from the reply. */
typedef struct chunk {
    ProtobufCBinaryData data;
    int64_t total;    /* the whole download's size */
    const char *type; /* its media type */
    const char *name; /* the file name to offer, or NULL for none */
} chunk;

/* A download read chunk by chunk: the method, its request, the type of
 * its reply and what a reply says. All borrowed. */
typedef struct download {
    const char *method;
    /* Every field set but "offset" and "length", which each call sets. */
    ProtobufCMessage *request;
    const ProtobufCMessageDescriptor *reply;
    /* Fill *c from reply (borrowing from it), or fail INTERNAL on a reply
     * that breaks the contract. */
    cg_code (*read)(const ProtobufCMessage *reply, chunk *c, cg_err *err);
    const char *name; /* the file name to offer; NULL: the one read gives */
} download;

/* The request's int64 field (one every chunk request has). */
static void set_int64(ProtobufCMessage *msg, const char *field, int64_t value)
{
    const ProtobufCFieldDescriptor *f =
        protobuf_c_message_descriptor_get_field_by_name(msg->descriptor, field);
    *(int64_t *)((char *)msg + f->offset) = value;
}

/* The chunk of d at offset into *reply (owned by the caller) and *c. */
static cg_code read_chunk(gw_request *req, const download *d, int64_t offset,
                          ProtobufCMessage **reply, chunk *c, cg_err *err)
{
    set_int64(d->request, "offset", offset);
    set_int64(d->request, "length", CHUNK_MAX);
    cg_code rc = call_case(req, d->method, d->request, d->reply, reply, err);
    if (rc == CG_OK)
        rc = d->read(*reply, c, err);
    if (rc == CG_OK && d->name != NULL)
        c->name = d->name;
    return rc;
}

/* Assemble a whole download chunk by chunk; *out (owned by the caller,
 * free()) holds *len bytes. *first (owned by the caller) is the first
 * reply, and *head what it says besides the bytes (borrowed from it). */
static cg_code assemble(gw_request *req, const download *d, ProtobufCMessage **first, chunk *head,
                        uint8_t **out, size_t *len, cg_err *err)
{
    cg_code rc;
    uint8_t *buf = NULL;
    int64_t total = 0, have = 0;
    ProtobufCMessage *reply = NULL;
    chunk c = {{0, NULL}, 0, NULL, NULL};

    *first = NULL;
    *out = NULL;
    do {
        rc = read_chunk(req, d, have, &reply, &c, err);
        if (rc != CG_OK)
            goto cleanup;
        ProtobufCBinaryData data = c.data;
        if (buf == NULL) {
            total = c.total;
            if (total < 0 || total > ASSEMBLE_MAX) {
                rc = cg_err_set(err, CG_INTERNAL, "a download of %lld bytes is too large to send",
                                (long long)total);
                goto cleanup;
            }
            buf = malloc((size_t)total + 1);
            if (buf == NULL) {
                rc = cg_err_set(err, CG_INTERNAL, "out of memory");
                goto cleanup;
            }
        }
        /* A chunk that is empty or overruns the size breaks the contract;
         * stopping here also ends the loop on a service that misbehaves. */
        if (data.len == 0 || have + (int64_t)data.len > total) {
            rc = cg_err_set(err, CG_INTERNAL, "case sent a chunk outside the document");
            goto cleanup;
        }
        memcpy(buf + have, data.data, data.len);
        have += (int64_t)data.len;
        if (*first == NULL) {
            *first = reply;
            *head = c;
        } else
            protobuf_c_message_free_unpacked(reply, NULL);
        reply = NULL;
    } while (have < total);
    *out = buf;
    *len = (size_t)total;
    buf = NULL;

cleanup:
    if (reply != NULL)
        protobuf_c_message_free_unpacked(reply, NULL);
    if (rc != CG_OK && *first != NULL) {
        protobuf_c_message_free_unpacked(*first, NULL);
        *first = NULL;
    }
    cg_free_wiped(buf, (size_t)have);
    return rc;
}

/* A Content-Disposition naming the file when its name is short and plain
 * ASCII (no quoting to get wrong); otherwise without a name. */
static void disposition(gw_request *req, const char *name)
{
    bool plain = strlen(name) <= 80;
    for (const char *p = name; plain && *p != '\0'; p++)
        plain = (*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
                strchr("._-", *p) != NULL;
    if (plain)
        snprintf(req->extra_headers, sizeof req->extra_headers,
                 "Content-Disposition: attachment; filename=\"%s\"\r\n", name);
    else
        cg_strlcpy(req->extra_headers, "Content-Disposition: attachment\r\n",
                   sizeof req->extra_headers);
}

/* Answer the download d (borrowed): its bytes as the type it says,
 * offered under the name it gives, if any; or the error. Downloads are
 * evidence: no copy stays in freed memory. */
static void send_download(gw_request *req, const download *d)
{
    ProtobufCMessage *first = NULL;
    chunk head = {{0, NULL}, 0, NULL, NULL};
    uint8_t *body = NULL;
    size_t len = 0;
    cg_err err;

    cg_err_clear(&err);
    if (assemble(req, d, &first, &head, &body, &len, &err) != CG_OK) {
        gw_http_send_err(req, &err);
        goto cleanup;
    }
    if (head.name != NULL)
        disposition(req, head.name);
    gw_http_send_text(req, 200, head.type, (const char *)body, len);

cleanup:
    cg_free_wiped(body, len);
    if (first != NULL)
        protobuf_c_message_free_unpacked(first, NULL);
}

static cg_code document_read(const ProtobufCMessage *reply, chunk *c, cg_err *err)
{
    const Cleangrid__V1__ReadDocumentChunkReply *r =
        (const Cleangrid__V1__ReadDocumentChunkReply *)reply;
    if (r->document == NULL)
        return cg_err_set(err, CG_INTERNAL, "case answered ReadDocumentChunk without a document");
    *c = (chunk){r->data, r->document->size, r->document->content_type, r->document->name};
    return CG_OK;
}

void gw_route_download_document(gw_request *req)
{
    Cleangrid__V1__CallContext ctx = CLEANGRID__V1__CALL_CONTEXT__INIT;
    char sha[crypto_hash_sha256_BYTES * 2 + 2];
    cg_err err;

    /* Every download is recorded, found or not (download is
     * audited). */
    gw_audit_expect(req, "document.read", route_target(req), req->route_id);
    cg_err_clear(&err);
    if (!cg_uuid_valid(req->route_id))
        cg_err_add_violation(&err, "id", "must be a UUID");
    if (gw_query_get(req->query, "sha256", sha, sizeof sha) != CG_OK ||
        strlen(sha) != crypto_hash_sha256_BYTES * 2)
        cg_err_add_violation(&err, "sha256",
                             "the query parameter sha256 (64 hex digits) is "
                             "required");
    if (err.code != CG_OK || gw_call_context(&ctx, req, &err) != CG_OK) {
        gw_http_send_err(req, &err);
        return;
    }
    Cleangrid__V1__ReadDocumentChunkRequest rpc = CLEANGRID__V1__READ_DOCUMENT_CHUNK_REQUEST__INIT;
    rpc.ctx = &ctx;
    rpc.file_id = req->route_id;
    rpc.file_kind = (char *)route_kind(req);
    rpc.sha256 = sha;
    const download d = {"ReadDocumentChunk", &rpc.base,
                        &cleangrid__v1__read_document_chunk_reply__descriptor, document_read, NULL};
    send_download(req, &d);
}

static cg_code export_read(const ProtobufCMessage *reply, chunk *c, cg_err *err)
{
    const Cleangrid__V1__ReadExportChunkReply *r =
        (const Cleangrid__V1__ReadExportChunkReply *)reply;
    (void)err;
    *c = (chunk){r->data, r->size, "application/x-tar", NULL};
    return CG_OK;
}

void gw_route_export_dossier(gw_request *req)
{
    Cleangrid__V1__CallContext ctx = CLEANGRID__V1__CALL_CONTEXT__INIT;
    Cleangrid__V1__ExportDossierReply *exported = NULL;
    cg_err err;

    gw_audit_expect(req, "dossier.export", route_target(req), req->route_id);
    if (clue_call(req, &ctx, &err) != CG_OK) {
        gw_http_send_err(req, &err);
        goto cleanup;
    }
    Cleangrid__V1__ExportDossierRequest rpc = CLEANGRID__V1__EXPORT_DOSSIER_REQUEST__INIT;
    rpc.ctx = &ctx;
    rpc.file_id = req->route_id;
    rpc.file_kind = (char *)route_kind(req);
    if (call_case(req, "ExportDossier", &rpc.base, &cleangrid__v1__export_dossier_reply__descriptor,
                  (ProtobufCMessage **)&exported, &err) != CG_OK) {
        gw_http_send_err(req, &err);
        goto cleanup;
    }
    char name[64];
    snprintf(name, sizeof name, "dossier-%.36s.tar", req->route_id);
    Cleangrid__V1__ReadExportChunkRequest read = CLEANGRID__V1__READ_EXPORT_CHUNK_REQUEST__INIT;
    read.ctx = &ctx;
    read.export_id = exported->export_id;
    const download d = {"ReadExportChunk", &read.base,
                        &cleangrid__v1__read_export_chunk_reply__descriptor, export_read, name};
    send_download(req, &d);

cleanup:
    if (exported != NULL)
        protobuf_c_message_free_unpacked(&exported->base, NULL);
}
