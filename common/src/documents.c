/* Documents of a service's files and the dossier export (cg/documents.h).
 * Every statement is parameterized; bytes go to and from PostgreSQL as hex
 * text (decode/encode in SQL, PQunescapeBytea in C), since the shared
 * cg_db_exec passes text parameters only. */
#include "cg/documents.h"
#include "cg/idempotency.h"

#include <cjson/cJSON.h>
#include <inttypes.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cg/db.h"
#include "cg/dossier_archive.h"
#include "cg/log.h"
#include "cg/sniff.h"
#include "cg/util.h"
#include "cleangrid/v1/case_documents.pb-c.h"

#define SHA_HEX_SIZE (CG_SHA256_HEX_LEN + 1)
/* The longest document name, in bytes. */
#define NAME_MAX_BYTES 255

/* The columns every document query returns, in the order of enum doc_col. */
#define DOC_COLUMNS                                                                                \
    "encode(d.sha256, 'hex'), d.size, d.content_type, l.name, l.added_by,"                         \
    " floor(extract(epoch FROM l.added_at) * 1000)::bigint"

enum doc_col { COL_SHA, COL_SIZE, COL_TYPE, COL_NAME, COL_ADDED_BY, COL_ADDED_MS, COL_NEXT };

static const char SQL_SWEEP_UPLOADS[] =
    "DELETE FROM document_uploads WHERE touched_at < now() - interval '1 hour'";

static const char SQL_BEGIN[] =
    "INSERT INTO document_uploads (file_id, file_kind, name, uploader_id)"
    " VALUES ($1::uuid, $4, $2, $3) RETURNING id";

/* A chunk lands only at the offset the upload has reached and only while
 * the whole stays within the limit; the upload's row lock orders chunks of
 * one upload. */
static const char SQL_PUT[] =
    "WITH u AS (UPDATE document_uploads SET received = received + $4::bigint, touched_at = now()"
    " WHERE id = $1::uuid AND uploader_id = $2 AND received = $3::bigint"
    " AND received + $4::bigint <= $6::bigint RETURNING id, received)"
    " INSERT INTO document_upload_chunks (upload_id, off, data)"
    " SELECT id, $3::bigint, decode($5, 'hex') FROM u RETURNING (SELECT received FROM u)";

static const char SQL_UPLOAD_STATE[] =
    "SELECT received FROM document_uploads WHERE id = $1::uuid AND uploader_id = $2";

static const char SQL_COMMIT_READ[] =
    "SELECT u.file_id, u.name, u.received,"
    " (SELECT string_agg(c.data, ''::bytea ORDER BY c.off) FROM document_upload_chunks c"
    " WHERE c.upload_id = u.id), u.file_kind"
    " FROM document_uploads u WHERE u.id = $1::uuid AND u.uploader_id = $2 FOR UPDATE OF u";

/* The content goes from the staging chunks to documents inside the
 * database, not through this process a second time. */
static const char SQL_DOC_INSERT[] =
    "INSERT INTO documents (sha256, size, content_type, content)"
    " SELECT decode($1, 'hex'), $2::bigint, $3, string_agg(data, ''::bytea ORDER BY off)"
    " FROM document_upload_chunks WHERE upload_id = $4::uuid"
    " ON CONFLICT (sha256) DO NOTHING";

static const char SQL_LINK_INSERT[] =
    "INSERT INTO document_links (file_id, sha256, name, added_by)"
    " VALUES ($1::uuid, decode($2, 'hex'), $3, $4)"
    " ON CONFLICT ON CONSTRAINT document_links_unique DO NOTHING RETURNING id";

static const char SQL_LINK_GET[] =
    "SELECT " DOC_COLUMNS " FROM document_links l JOIN documents d USING (sha256)"
    " WHERE l.file_id = $1::uuid AND l.sha256 = decode($2, 'hex')"
    " AND l.name = $3";

static const char SQL_UPLOAD_DELETE[] =
    "DELETE FROM document_uploads WHERE id = $1::uuid AND uploader_id = $2";

static const char SQL_LIST[] =
    "SELECT " DOC_COLUMNS " FROM document_links l JOIN documents d USING (sha256)"
    " WHERE l.file_id = $1::uuid ORDER BY l.added_at, l.id";

/* substring() of an EXTERNAL value reads only the TOAST chunks it needs. */
static const char SQL_READ_CHUNK[] =
    "SELECT " DOC_COLUMNS ", substring(d.content FROM $3::integer + 1 FOR $4::integer)"
    " FROM document_links l JOIN documents d USING (sha256)"
    " WHERE l.file_id = $1::uuid AND l.sha256 = decode($2, 'hex')"
    " ORDER BY l.added_at, l.id LIMIT 1";

static const char SQL_DOC_CONTENT[] =
    "SELECT content FROM documents WHERE sha256 = decode($1, 'hex')";

static const char SQL_SWEEP_EXPORTS[] =
    "DELETE FROM dossier_exports WHERE created_at < now() - interval '15 minutes'";

static const char SQL_EXPORT_INSERT[] = "INSERT INTO dossier_exports (file_id, actor_id, content)"
                                        " VALUES ($1::uuid, $2, decode($3, 'hex')) RETURNING id";

static const char SQL_EXPORT_READ[] =
    "SELECT length(content), substring(content FROM $3::integer + 1 FOR $4::integer)"
    " FROM dossier_exports WHERE id = $1::uuid AND actor_id = $2";

static const char SQL_EXPORT_DELETE[] = "DELETE FROM dossier_exports WHERE id = $1::uuid";

/* --- checks ------------------------------------------------------------------ */

/* A SHA-256 a request names: 64 lower-case hex digits, else a violation
 * on "sha256". */
static void check_sha(const char *s, cg_err *err)
{
    bool valid = s != NULL && strlen(s) == CG_SHA256_HEX_LEN;
    for (const char *p = s; valid && *p != '\0'; p++)
        valid = (*p >= '0' && *p <= '9') || (*p >= 'a' && *p <= 'f');
    if (!valid)
        cg_err_add_violation(err, "sha256", "must be 64 lower-case hex digits");
}

/* A name is shown to people and written into exports: UTF-8 text of 1 to
 * NAME_MAX_BYTES bytes with no control characters. */
static void check_name(const char *name, cg_err *err)
{
    size_t n = name != NULL ? strlen(name) : 0;
    if (n == 0 || n > NAME_MAX_BYTES || !cg_utf8_valid(name, n)) {
        cg_err_add_violation(err, "name", "must be 1 to %d bytes of UTF-8 text", NAME_MAX_BYTES);
        return;
    }
    for (const unsigned char *p = (const unsigned char *)name; *p != '\0'; p++)
        if (*p < 0x20 || *p == 0x7f) {
            cg_err_add_violation(err, "name", "must not hold control characters");
            return;
        }
}

/* The kind asked for among docs->kinds: "" means the first. NULL for one
 * the service does not have. */
static const char *file_kind(const cg_documents *docs, const char *kind)
{
    if (kind == NULL || kind[0] == '\0')
        return docs->kinds[0];
    for (const char *const *k = docs->kinds; *k != NULL; k++)
        if (strcmp(kind, *k) == 0)
            return *k;
    return NULL;
}

/* The violation of a kind of file the service does not have: "must be
 * clue or case" for the kinds clue and case. */
static void bad_kind(const cg_documents *docs, cg_err *err)
{
    char text[128] = "must be ";
    for (const char *const *k = docs->kinds; *k != NULL; k++) {
        const char *sep = k == docs->kinds ? "" : k[1] == NULL ? " or " : ", ";
        size_t used = strlen(text);
        snprintf(text + used, sizeof text - used, "%s%s", sep, *k);
    }
    cg_err_add_violation(err, "file_kind", "%s", text);
}

/* The caller may read (write false) or add to (write true) the file file_id
 * of kind (file_kind()'s value, or NULL for a bad one): it holds one of the
 * service's roles for that, and the service finds the file for it
 * (docs->find). PERMISSION_DENIED for a role that may not, NOT_FOUND, with
 * one message, for a file that does not exist or that the caller may not
 * see. */
static cg_code check_file(const cg_documents *docs, PGconn *conn,
                          const Cleangrid__V1__CallContext *ctx, const char *kind,
                          const char *file_id, bool write, cg_err *err)
{
    cg_actor actor;
    cg_code rc = cg_actor_from_ctx(ctx, write ? docs->roles_add : docs->roles_read,
                                   write ? "add documents" : "read documents", &actor, err);
    if (rc != CG_OK)
        return rc;
    if (kind == NULL)
        bad_kind(docs, err);
    if (!cg_uuid_valid(file_id))
        cg_err_add_violation(err, "file_id", "is not a UUID");
    if (err->code != CG_OK)
        return err->code;
    return docs->find(conn, &actor, kind, file_id, err);
}

/* The caller's own user id, which owns uploads and exports. */
static cg_code actor_of(const Cleangrid__V1__CallContext *ctx, const char **actor, cg_err *err)
{
    if (ctx == NULL || ctx->actor_user_id == NULL || ctx->actor_user_id[0] == '\0')
        return cg_err_set(err, CG_PERMISSION_DENIED, "the caller has no user id");
    *actor = ctx->actor_user_id;
    return CG_OK;
}

/* A call on an upload or export of the caller's own: its user id into
 * *actor, the id (named id_field) a UUID and the offset not negative. The
 * caller may add violations of its own after a CG_OK. */
static cg_code check_owned(const Cleangrid__V1__CallContext *ctx, const char *id_field,
                           const char *id, int64_t offset, const char **actor, cg_err *err)
{
    if (actor_of(ctx, actor, err) != CG_OK)
        return err->code;
    if (!cg_uuid_valid(id))
        cg_err_add_violation(err, id_field, "is not a UUID");
    if (offset < 0)
        cg_err_add_violation(err, "offset", "must not be negative");
    return err->code;
}

static void too_large(const cg_documents *docs, cg_err *err)
{
    /* The gateway answers a violation on "size" with 413. */
    cg_err_add_violation(err, "size", "a document is at most %ld bytes", *docs->max_bytes);
}

/* Fill out (strings borrowed from res) from row of a DOC_COLUMNS result. */
static void document_from_row(const PGresult *res, int row, Cleangrid__V1__Document *out)
{
    cleangrid__v1__document__init(out);
    out->sha256 = (char *)cg_db_get(res, row, COL_SHA);
    out->size = cg_db_get_ll(res, row, COL_SIZE);
    out->content_type = (char *)cg_db_get(res, row, COL_TYPE);
    out->name = (char *)cg_db_get(res, row, COL_NAME);
    out->added_by = (char *)cg_db_get(res, row, COL_ADDED_BY);
    out->added_at_ms = cg_db_get_ll(res, row, COL_ADDED_MS);
}

/* The bytea column col of row, decoded; *out (owned by the caller,
 * bytes_free()) holds *len bytes. */
static cg_code bytes_from_row(const PGresult *res, int row, int col, uint8_t **out, size_t *len,
                              cg_err *err)
{
    *out = PQunescapeBytea((const unsigned char *)cg_db_get(res, row, col), len);
    if (*out == NULL)
        return cg_err_set(err, CG_INTERNAL, "out of memory decoding a document");
    return CG_OK;
}

/* Wipe and free what bytes_from_row() decoded (out may be NULL):
 * documents are evidence, and no copy of one stays in freed memory. */
static void bytes_free(uint8_t *out, size_t len)
{
    if (out != NULL) {
        sodium_memzero(out, len);
        PQfreemem(out);
    }
}

/* Hex text of n bytes for a decode($n, 'hex') parameter; owned by the
 * caller, released with cg_free_wiped(). */
static char *hex_param(const uint8_t *data, size_t n, cg_err *err)
{
    char *hex = malloc(2 * n + 1);
    if (hex == NULL) {
        cg_err_set(err, CG_INTERNAL, "out of memory");
        return NULL;
    }
    sodium_bin2hex(hex, 2 * n + 1, data, n);
    return hex;
}

/* A chunk length asked for: 0 means the largest. */
static int64_t chunk_length(int64_t asked)
{
    return asked <= 0 || asked > CG_DOCUMENT_CHUNK_MAX ? CG_DOCUMENT_CHUNK_MAX : asked;
}

/* What a reply borrows until the frame has sent it: one shape for every
 * method, in the call's state (cg_rpc_state()), freed by state_free(). */
typedef struct doc_state {
    PGresult *res; /* the row the reply's strings point into */
    uint8_t *data; /* bytes_from_row(), len bytes */
    size_t len;
    char *hex; /* hex_param(), hex_size bytes */
    size_t hex_size;
    Cleangrid__V1__Document doc;
    Cleangrid__V1__Document *items;
    Cleangrid__V1__Document **ptrs;
    char sha[SHA_HEX_SIZE];
} doc_state;

static void state_free(void *state, void *request)
{
    doc_state *s = state;
    (void)request;
    free(s->ptrs);
    free(s->items);
    cg_free_wiped(s->hex, s->hex_size);
    bytes_free(s->data, s->len);
    PQclear(s->res);
}

static doc_state *state_of(cg_rpc_req *r, cg_err *err)
{
    return cg_rpc_state(r, sizeof(doc_state), state_free, err);
}

/* The service's documents, which its rows carry. */
static const cg_documents *docs_of(const cg_rpc_req *r)
{
    return r->row->data;
}

/* A read of a file's documents: the caller reads the file. */
static cg_code check_read_file(const cg_documents *docs, PGconn *conn,
                               const Cleangrid__V1__CallContext *ctx, const char *kind,
                               const char *file_id, cg_err *err)
{
    return check_file(docs, conn, ctx, file_kind(docs, kind), file_id, false, err);
}

/* An offset and a chunk length asked for, as text for SQL parameters. */
static void chunk_params(int64_t offset, int64_t length, char off_s[24], char len_s[24])
{
    snprintf(off_s, 24, "%" PRId64, offset);
    snprintf(len_s, 24, "%" PRId64, chunk_length(length));
}

/* --- upload ------------------------------------------------------------------ */

static cg_code check_begin(cg_rpc_req *r, const void *request, cg_err *err)
{
    const Cleangrid__V1__BeginDocumentUploadRequest *req = request;
    check_name(req->name, err);
    if (req->size < 0)
        cg_err_add_violation(err, "size", "must not be negative");
    else if (req->size > *docs_of(r)->max_bytes)
        too_large(docs_of(r), err);
    return err->code;
}

static cg_code begin_upload(const cg_documents *docs, cg_rpc_req *r, const void *request,
                            PGconn *conn, void *reply, cg_err *err)
{
    const Cleangrid__V1__BeginDocumentUploadRequest *req = request;
    Cleangrid__V1__BeginDocumentUploadReply *out = reply;
    const char *kind = file_kind(docs, req->file_kind);
    doc_state *s = state_of(r, err);
    if (s == NULL || check_file(docs, conn, req->ctx, kind, req->file_id, true, err) != CG_OK)
        return err->code;
    /* Uploads abandoned by a client that went away are cleaned here, by
     * whichever replica takes the next one. */
    const char *params[] = {req->file_id, req->name, req->ctx->actor_user_id, kind};
    if (cg_db_exec(conn, SQL_SWEEP_UPLOADS, 0, NULL, NULL, err) != CG_OK ||
        cg_db_exec(conn, SQL_BEGIN, 4, params, &s->res, err) != CG_OK)
        return err->code;
    out->upload_id = (char *)cg_db_get(s->res, 0, 0);
    out->max_bytes = *docs->max_bytes;
    out->chunk_max = CG_DOCUMENT_CHUNK_MAX;
    cg_log_fields(CG_LOG_INFO, "document upload begun", "upload_id", out->upload_id, "file_id",
                  req->file_id, NULL);
    return CG_OK;
}

/* Why a chunk did not land: no such upload of this caller, a chunk out of
 * order, or one that takes the document past the limit. */
static cg_code explain_put(const cg_documents *docs, PGconn *conn, const char *upload_id,
                           const char *actor, int64_t offset, cg_err *err)
{
    PGresult *res = NULL;
    const char *params[] = {upload_id, actor};
    if (cg_db_exec(conn, SQL_UPLOAD_STATE, 2, params, &res, err) != CG_OK)
        return err->code;
    if (PQntuples(res) == 0)
        cg_err_set(err, CG_NOT_FOUND, "upload not found");
    else if (cg_db_get_ll(res, 0, 0) != offset)
        cg_err_set(err, CG_FAILED_PRECONDITION, "the upload has %lld bytes; send the chunk at %lld",
                   cg_db_get_ll(res, 0, 0), cg_db_get_ll(res, 0, 0));
    else
        too_large(docs, err);
    PQclear(res);
    return err->code;
}

/* The chunk is turned into hex for SQL here, before a connection is taken. */
static cg_code check_put(cg_rpc_req *r, const void *request, cg_err *err)
{
    const Cleangrid__V1__PutDocumentChunkRequest *req = request;
    const char *actor = NULL;
    if (check_owned(req->ctx, "upload_id", req->upload_id, req->offset, &actor, err) != CG_OK)
        return err->code;
    if (req->data.len == 0 || req->data.len > CG_DOCUMENT_CHUNK_MAX)
        cg_err_add_violation(err, "data", "must be 1 to %d bytes", CG_DOCUMENT_CHUNK_MAX);
    doc_state *s = err->code == CG_OK ? state_of(r, err) : NULL;
    if (s == NULL)
        return err->code;
    s->hex_size = 2 * req->data.len + 1;
    s->hex = hex_param(req->data.data, req->data.len, err);
    return s->hex != NULL ? CG_OK : err->code;
}

static cg_code put_chunk(const cg_documents *docs, cg_rpc_req *r, const void *request, PGconn *conn,
                         void *reply, cg_err *err)
{
    const Cleangrid__V1__PutDocumentChunkRequest *req = request;
    Cleangrid__V1__PutDocumentChunkReply *out = reply;
    const char *actor = req->ctx->actor_user_id; /* checked by check_put() */
    char off_s[24], len_s[24], max_s[24];
    doc_state *s = state_of(r, err);
    if (s == NULL)
        return err->code;
    snprintf(off_s, sizeof off_s, "%" PRId64, req->offset);
    snprintf(len_s, sizeof len_s, "%zu", req->data.len);
    snprintf(max_s, sizeof max_s, "%ld", *docs->max_bytes);
    const char *params[] = {req->upload_id, actor, off_s, len_s, s->hex, max_s};
    if (cg_db_exec(conn, SQL_PUT, 6, params, &s->res, err) != CG_OK)
        return err->code;
    if (PQntuples(s->res) == 0)
        return explain_put(docs, conn, req->upload_id, actor, req->offset, err);
    out->received = cg_db_get_ll(s->res, 0, 0);
    return CG_OK;
}

/* The dossier summary of an added document: a JSON object text owned by the
 * caller (cJSON_free), or NULL when out of memory. */
static char *added_summary(const char *sha, const char *name, int64_t size, const char *type)
{
    char *text = NULL;
    cJSON *o = cJSON_CreateObject();
    if (o != NULL && cJSON_AddStringToObject(o, "sha256", sha) != NULL &&
        cJSON_AddStringToObject(o, "name", name) != NULL &&
        cJSON_AddNumberToObject(o, "size", (double)size) != NULL &&
        cJSON_AddStringToObject(o, "content_type", type) != NULL)
        text = cJSON_PrintUnformatted(o);
    cJSON_Delete(o);
    return text;
}

/* Inside the commit's transaction: the content read from the staging
 * chunks checked against what the sender counted and typed from its bytes.
 * On success *mime is the type. A refused type drops the upload (there is
 * nothing to retry), committing the frame's transaction, and answers
 * INVALID_ARGUMENT on "content". */
static cg_code check_content(PGconn *conn, const Cleangrid__V1__CommitDocumentUploadRequest *req,
                             const PGresult *upload, const char *actor, const char **mime,
                             cg_err *err)
{
    cg_code rc;
    uint8_t *content = NULL;
    size_t len = 0;
    char hex[SHA_HEX_SIZE];

    rc = bytes_from_row(upload, 0, 3, &content, &len, err);
    if (rc != CG_OK)
        goto cleanup;
    if ((int64_t)len != req->size || cg_db_get_ll(upload, 0, 2) != req->size) {
        rc = cg_err_set(err, CG_FAILED_PRECONDITION,
                        "the upload holds %zu bytes, the sender counted %" PRId64, len, req->size);
        goto cleanup;
    }
    cg_sha256_hex(content, len, hex);
    if (strcmp(hex, req->sha256) != 0) {
        rc = cg_err_set(err, CG_FAILED_PRECONDITION,
                        "the upload's SHA-256 is not the one the sender computed");
        goto cleanup;
    }
    rc = cg_sniff_type(content, len, mime, err);
    /* The one commit inside a row's handler: the frame rolls back on the
     * error answered, and the drop must stay. */
    if (rc != CG_OK) {
        cg_err drop;
        cg_err_clear(&drop);
        const char *params[] = {req->upload_id, actor};
        if (cg_db_exec(conn, SQL_UPLOAD_DELETE, 2, params, NULL, &drop) != CG_OK ||
            cg_db_commit(conn, &drop) != CG_OK)
            cg_log_warn("a refused upload was not dropped: %s", drop.message);
    }

cleanup:
    bytes_free(content, len);
    return rc;
}

/* A call on an upload of the caller's own: PERMISSION_DENIED without a
 * user id; else CG_OK, with a violation in err when upload_id is not a
 * UUID, to which the caller adds its own. */
static cg_code check_upload(const Cleangrid__V1__CallContext *ctx, const char *upload_id,
                            cg_err *err)
{
    const char *actor = NULL;
    if (actor_of(ctx, &actor, err) != CG_OK)
        return err->code;
    if (!cg_uuid_valid(upload_id))
        cg_err_add_violation(err, "upload_id", "is not a UUID");
    return CG_OK;
}

static cg_code check_commit(cg_rpc_req *r, const void *request, cg_err *err)
{
    const Cleangrid__V1__CommitDocumentUploadRequest *req = request;
    (void)r;
    if (check_upload(req->ctx, req->upload_id, err) != CG_OK)
        return err->code;
    check_sha(req->sha256, err);
    if (req->size <= 0)
        cg_err_add_violation(err, "size", "must be positive");
    return err->code;
}

static cg_code commit_upload(const cg_documents *docs, cg_rpc_req *r, const void *request,
                             PGconn *conn, void *reply, cg_err *err)
{
    const Cleangrid__V1__CommitDocumentUploadRequest *req = request;
    Cleangrid__V1__CommitDocumentUploadReply *out = reply;
    const char *actor = req->ctx->actor_user_id; /* checked by check_commit() */
    cg_code rc;
    PGresult *upload = NULL, *link = NULL;
    const char *mime = NULL;
    char *summary = NULL;
    char size_s[24];
    doc_state *s = state_of(r, err);

    if (s == NULL) {
        rc = err->code;
        goto cleanup;
    }
    const char *up_params[] = {req->upload_id, actor};
    rc = cg_db_exec(conn, SQL_COMMIT_READ, 2, up_params, &upload, err);
    if (rc != CG_OK)
        goto cleanup;
    if (PQntuples(upload) == 0) {
        rc = cg_err_set(err, CG_NOT_FOUND, "upload not found");
        goto cleanup;
    }
    const char *file_id = cg_db_get(upload, 0, 0);
    const char *name = cg_db_get(upload, 0, 1);
    /* Checked again: the file may have left the caller's scope meanwhile. */
    if ((rc = check_file(docs, conn, req->ctx, file_kind(docs, cg_db_get(upload, 0, 4)), file_id,
                         true, err)) != CG_OK ||
        (rc = check_content(conn, req, upload, actor, &mime, err)) != CG_OK)
        goto cleanup;
    snprintf(size_s, sizeof size_s, "%" PRId64, req->size);
    const char *doc_params[] = {req->sha256, size_s, mime, req->upload_id};
    const char *link_params[] = {file_id, req->sha256, name, actor};
    if ((rc = cg_db_exec(conn, SQL_DOC_INSERT, 4, doc_params, NULL, err)) != CG_OK ||
        (rc = cg_db_exec(conn, SQL_LINK_INSERT, 4, link_params, &link, err)) != CG_OK)
        goto cleanup;
    bool already = PQntuples(link) == 0;
    if (!already) {
        summary = added_summary(req->sha256, name, req->size, mime);
        if (summary == NULL) {
            rc = cg_err_set(err, CG_INTERNAL, "out of memory");
            goto cleanup;
        }
        rc = cg_dossier_append(conn, docs->dossier, file_id, actor, "document.added", summary, err);
        if (rc != CG_OK)
            goto cleanup;
    }
    if ((rc = cg_db_exec(conn, SQL_UPLOAD_DELETE, 2, up_params, NULL, err)) != CG_OK ||
        (rc = cg_db_exec(conn, SQL_LINK_GET, 3, link_params, &s->res, err)) != CG_OK)
        goto cleanup;
    document_from_row(s->res, 0, &s->doc);
    out->document = &s->doc;
    out->already_linked = already;
    cg_log_fields(CG_LOG_INFO, "document added", "file_id", file_id, "sha256", req->sha256,
                  "content_type", mime, NULL);

cleanup:
    cJSON_free(summary);
    PQclear(link);
    PQclear(upload);
    return rc;
}

static const char SQL_COMMIT_ASKS[] = "SELECT file_kind, file_id, name FROM document_uploads"
                                      " WHERE id = $1::uuid AND uploader_id = $2";

cg_code cg_documents_commit_request(cg_rpc_req *r, const void *request, PGconn *conn,
                                    uint8_t out[32], cg_err *err)
{
    const Cleangrid__V1__CommitDocumentUploadRequest *req = request;
    PGresult *res = NULL;
    char size_s[24];
    const char *params[] = {req->upload_id, req->ctx->actor_user_id}; /* check_commit() */
    cg_code rc = cg_db_exec(conn, SQL_COMMIT_ASKS, 2, params, &res, err);
    if (rc != CG_OK)
        goto cleanup;
    if (PQntuples(res) == 0) {
        rc = cg_err_set(err, CG_NOT_FOUND, "upload not found");
        goto cleanup;
    }
    snprintf(size_s, sizeof size_s, "%" PRId64, req->size);
    const char *parts[] = {cg_db_get(res, 0, 0), cg_db_get(res, 0, 1), cg_db_get(res, 0, 2), size_s,
                           req->sha256};
    cg_idem_parts_hash(r->row->name, parts, sizeof parts / sizeof parts[0], out);

cleanup:
    PQclear(res);
    return rc;
}

static cg_code check_abort(cg_rpc_req *r, const void *request, cg_err *err)
{
    const Cleangrid__V1__AbortDocumentUploadRequest *req = request;
    (void)r;
    check_upload(req->ctx, req->upload_id, err);
    return err->code;
}

static cg_code abort_upload(const cg_documents *docs, cg_rpc_req *r, const void *request,
                            PGconn *conn, void *reply, cg_err *err)
{
    const Cleangrid__V1__AbortDocumentUploadRequest *req = request;
    (void)docs;
    (void)r;
    (void)reply;
    const char *params[] = {req->upload_id, req->ctx->actor_user_id};
    return cg_db_exec(conn, SQL_UPLOAD_DELETE, 2, params, NULL, err);
}

/* --- reading ------------------------------------------------------------------- */

static cg_code list_documents(const cg_documents *docs, cg_rpc_req *r, const void *request,
                              PGconn *conn, void *reply, cg_err *err)
{
    const Cleangrid__V1__ListDocumentsRequest *req = request;
    Cleangrid__V1__ListDocumentsReply *out = reply;
    doc_state *s = state_of(r, err);
    if (s == NULL ||
        check_read_file(docs, conn, req->ctx, req->file_kind, req->file_id, err) != CG_OK)
        return err->code;
    const char *params[] = {req->file_id};
    if (cg_db_exec(conn, SQL_LIST, 1, params, &s->res, err) != CG_OK)
        return err->code;
    size_t n = (size_t)PQntuples(s->res);
    s->items = calloc(n + 1, sizeof *s->items);
    s->ptrs = calloc(n + 1, sizeof *s->ptrs);
    if (s->items == NULL || s->ptrs == NULL)
        return cg_err_set(err, CG_INTERNAL, "out of memory");
    for (size_t i = 0; i < n; i++) {
        document_from_row(s->res, (int)i, &s->items[i]);
        s->ptrs[i] = &s->items[i];
    }
    out->n_documents = n;
    out->documents = s->ptrs;
    return CG_OK;
}

static cg_code check_read(cg_rpc_req *r, const void *request, cg_err *err)
{
    const Cleangrid__V1__ReadDocumentChunkRequest *req = request;
    (void)r;
    check_sha(req->sha256, err);
    if (req->offset < 0)
        cg_err_add_violation(err, "offset", "must not be negative");
    return err->code;
}

static cg_code read_chunk(const cg_documents *docs, cg_rpc_req *r, const void *request,
                          PGconn *conn, void *reply, cg_err *err)
{
    const Cleangrid__V1__ReadDocumentChunkRequest *req = request;
    Cleangrid__V1__ReadDocumentChunkReply *out = reply;
    char off_s[24], len_s[24];
    doc_state *s = state_of(r, err);
    if (s == NULL ||
        check_read_file(docs, conn, req->ctx, req->file_kind, req->file_id, err) != CG_OK)
        return err->code;
    chunk_params(req->offset, req->length, off_s, len_s);
    const char *params[] = {req->file_id, req->sha256, off_s, len_s};
    if (cg_db_exec(conn, SQL_READ_CHUNK, 4, params, &s->res, err) != CG_OK)
        return err->code;
    if (PQntuples(s->res) == 0)
        return cg_err_set(err, CG_NOT_FOUND, "document not found");
    if (bytes_from_row(s->res, 0, COL_NEXT, &s->data, &s->len, err) != CG_OK)
        return err->code;
    document_from_row(s->res, 0, &s->doc);
    out->document = &s->doc;
    out->data.data = s->data;
    out->data.len = s->len;
    return CG_OK;
}

/* --- export -------------------------------------------------------------------- */

/* What an export holds while it is built; released by export_free(). */
typedef struct export_build {
    cJSON *manifest;
    char *manifest_text;
    cg_archive_file *files; /* [0] the manifest, then one per content */
    size_t nfiles;
    char (*paths)[sizeof CG_DOSSIER_DOCUMENTS_DIR + CG_SHA256_HEX_LEN];
} export_build;

static void export_free(export_build *b)
{
    /* files[0] borrows manifest_text; the others own PQunescapeBytea memory. */
    for (size_t i = 1; i < b->nfiles; i++)
        bytes_free(b->files[i].data, b->files[i].len);
    free(b->files);
    free(b->paths);
    cJSON_free(b->manifest_text);
    cJSON_Delete(b->manifest);
}

/* The manifest's entries, from the dossier rows of res. */
static cg_code add_entries(cJSON *manifest, const PGresult *res, cg_err *err)
{
    cJSON *entries = cJSON_AddArrayToObject(manifest, "entries");
    for (int i = 0; entries != NULL && i < PQntuples(res); i++) {
        cJSON *e = cJSON_CreateObject();
        if (e == NULL || !cJSON_AddItemToArray(entries, e) ||
            cJSON_AddNumberToObject(e, "seq", (double)cg_db_get_ll(res, i, 0)) == NULL ||
            cJSON_AddNumberToObject(e, "occurred_at_ms", (double)cg_db_get_ll(res, i, 1)) == NULL ||
            cJSON_AddStringToObject(e, "occurred_at", cg_db_get(res, i, 2)) == NULL ||
            cJSON_AddStringToObject(e, "actor_id", cg_db_get(res, i, 3)) == NULL ||
            cJSON_AddStringToObject(e, "action", cg_db_get(res, i, 4)) == NULL ||
            cJSON_AddStringToObject(e, "summary", cg_db_get(res, i, 5)) == NULL ||
            cJSON_AddStringToObject(e, "prev_hash", cg_db_get(res, i, 6)) == NULL ||
            cJSON_AddStringToObject(e, "hash", cg_db_get(res, i, 7)) == NULL ||
            /* The key an entry was hashed with: an offline check given
             * that key recomputes its HMAC (docs/dossier.md). */
            (!PQgetisnull(res, i, 8) &&
             cJSON_AddStringToObject(e, "key_id", cg_db_get(res, i, 8)) == NULL)) {
            cJSON_Delete(e);
            return cg_err_set(err, CG_INTERNAL, "out of memory");
        }
    }
    return entries != NULL ? CG_OK : cg_err_set(err, CG_INTERNAL, "out of memory");
}

/* The manifest's documents, from the links of res, and each content once
 * into b->files. */
static cg_code add_documents(PGconn *conn, export_build *b, const PGresult *res, cg_err *err)
{
    cJSON *docs = cJSON_AddArrayToObject(b->manifest, "documents");
    int n = PQntuples(res);
    b->files = calloc((size_t)n + 1, sizeof *b->files);
    b->paths = calloc((size_t)n + 1, sizeof *b->paths);
    if (docs == NULL || b->files == NULL || b->paths == NULL)
        return cg_err_set(err, CG_INTERNAL, "out of memory");
    b->nfiles = 1;
    for (int i = 0; i < n; i++) {
        const char *sha = cg_db_get(res, i, COL_SHA);
        cJSON *d = cJSON_CreateObject();
        if (d == NULL || !cJSON_AddItemToArray(docs, d) ||
            cJSON_AddStringToObject(d, "sha256", sha) == NULL ||
            cJSON_AddNumberToObject(d, "size", (double)cg_db_get_ll(res, i, COL_SIZE)) == NULL ||
            cJSON_AddStringToObject(d, "type", cg_db_get(res, i, COL_TYPE)) == NULL ||
            cJSON_AddStringToObject(d, "name", cg_db_get(res, i, COL_NAME)) == NULL ||
            cJSON_AddStringToObject(d, "added_by", cg_db_get(res, i, COL_ADDED_BY)) == NULL ||
            cJSON_AddNumberToObject(d, "added_at_ms", (double)cg_db_get_ll(res, i, COL_ADDED_MS)) ==
                NULL) {
            cJSON_Delete(d);
            return cg_err_set(err, CG_INTERNAL, "out of memory");
        }
        bool seen = false;
        for (size_t k = 1; k < b->nfiles; k++)
            seen |= strcmp(b->paths[k] + strlen(CG_DOSSIER_DOCUMENTS_DIR), sha) == 0;
        if (seen)
            continue;
        PGresult *content = NULL;
        const char *params[] = {sha};
        cg_code rc = cg_db_exec(conn, SQL_DOC_CONTENT, 1, params, &content, err);
        if (rc == CG_OK && PQntuples(content) == 1) {
            cg_archive_file *f = &b->files[b->nfiles];
            snprintf(b->paths[b->nfiles], sizeof b->paths[b->nfiles], "%s%s",
                     CG_DOSSIER_DOCUMENTS_DIR, sha);
            f->path = b->paths[b->nfiles];
            rc = bytes_from_row(content, 0, 0, &f->data, &f->len, err);
            b->nfiles++;
        } else if (rc == CG_OK) {
            rc = cg_err_set(err, CG_INTERNAL, "document %s has a link but no content", sha);
        }
        PQclear(content);
        if (rc != CG_OK)
            return rc;
    }
    return CG_OK;
}

/* Build the archive of file_id's dossier (tables t) into *out (owned by
 * the caller, free()), inside the caller's transaction on conn. */
static cg_code build_export(PGconn *conn, const cg_dossier_tables *t, const char *file_id,
                            const char *actor, uint8_t **out, size_t *out_len, cg_err *err)
{
    cg_code rc;
    PGresult *entries = NULL, *links = NULL;
    export_build b = {0};
    const char *params[] = {file_id};

    rc = cg_db_exec(conn, t->sql_export, 1, params, &entries, err);
    if (rc != CG_OK)
        goto cleanup;
    rc = cg_db_exec(conn, SQL_LIST, 1, params, &links, err);
    if (rc != CG_OK)
        goto cleanup;
    b.manifest = cJSON_CreateObject();
    if (b.manifest == NULL ||
        cJSON_AddStringToObject(b.manifest, "format", CG_DOSSIER_MANIFEST_FORMAT) == NULL ||
        cJSON_AddStringToObject(b.manifest, "file_id", file_id) == NULL ||
        cJSON_AddNumberToObject(b.manifest, "exported_at_ms", (double)cg_now_ms()) == NULL ||
        cJSON_AddStringToObject(b.manifest, "exported_by", actor) == NULL) {
        rc = cg_err_set(err, CG_INTERNAL, "out of memory");
        goto cleanup;
    }
    rc = add_entries(b.manifest, entries, err);
    if (rc != CG_OK)
        goto cleanup;
    rc = add_documents(conn, &b, links, err);
    if (rc != CG_OK)
        goto cleanup;
    /* Formatted: a person opening the archive reads the manifest first. */
    b.manifest_text = cJSON_Print(b.manifest);
    if (b.manifest_text == NULL) {
        rc = cg_err_set(err, CG_INTERNAL, "out of memory");
        goto cleanup;
    }
    b.files[0].path = CG_DOSSIER_MANIFEST_PATH;
    b.files[0].data = (uint8_t *)b.manifest_text;
    b.files[0].len = strlen(b.manifest_text);
    rc = cg_archive_write(b.files, b.nfiles, cg_now_ms() / 1000, out, out_len, err);

cleanup:
    export_free(&b);
    PQclear(links);
    PQclear(entries);
    return rc;
}

/* The export is itself a read of the dossier and is recorded in it, inside
 * the frame's transaction, so the archive holds its own entry. */
static cg_code export_dossier(const cg_documents *docs, cg_rpc_req *r, const void *request,
                              PGconn *conn, void *reply, cg_err *err)
{
    const Cleangrid__V1__ExportDossierRequest *req = request;
    Cleangrid__V1__ExportDossierReply *out = reply;
    cg_code rc;
    uint8_t *archive = NULL;
    size_t len = 0;
    char *hex = NULL;
    doc_state *s = state_of(r, err);

    if (s == NULL) {
        rc = err->code;
        goto cleanup;
    }
    rc = check_read_file(docs, conn, req->ctx, req->file_kind, req->file_id, err);
    if (rc != CG_OK)
        goto cleanup;
    const char *actor = req->ctx->actor_user_id;
    if ((rc = cg_dossier_append(conn, docs->dossier, req->file_id, actor, "dossier.exported", "{}",
                                err)) != CG_OK ||
        (rc = build_export(conn, docs->dossier, req->file_id, actor, &archive, &len, err)) != CG_OK)
        goto cleanup;
    hex = hex_param(archive, len, err);
    if (hex == NULL) {
        rc = err->code;
        goto cleanup;
    }
    const char *params[] = {req->file_id, actor, hex};
    if ((rc = cg_db_exec(conn, SQL_SWEEP_EXPORTS, 0, NULL, NULL, err)) != CG_OK ||
        (rc = cg_db_exec(conn, SQL_EXPORT_INSERT, 3, params, &s->res, err)) != CG_OK)
        goto cleanup;
    cg_sha256_hex(archive, len, s->sha);
    out->export_id = (char *)cg_db_get(s->res, 0, 0);
    out->size = (int64_t)len;
    out->sha256 = s->sha;

cleanup:
    cg_free_wiped(hex, 2 * len + 1);
    cg_free_wiped(archive, len);
    return rc;
}

static cg_code check_read_export(cg_rpc_req *r, const void *request, cg_err *err)
{
    const Cleangrid__V1__ReadExportChunkRequest *req = request;
    const char *actor = NULL;
    (void)r;
    return check_owned(req->ctx, "export_id", req->export_id, req->offset, &actor, err);
}

static cg_code read_export(const cg_documents *docs, cg_rpc_req *r, const void *request,
                           PGconn *conn, void *reply, cg_err *err)
{
    const Cleangrid__V1__ReadExportChunkRequest *req = request;
    Cleangrid__V1__ReadExportChunkReply *out = reply;
    char off_s[24], len_s[24];
    (void)docs;
    doc_state *s = state_of(r, err);
    if (s == NULL)
        return err->code;
    chunk_params(req->offset, req->length, off_s, len_s);
    const char *params[] = {req->export_id, req->ctx->actor_user_id, off_s, len_s};
    if (cg_db_exec(conn, SQL_EXPORT_READ, 4, params, &s->res, err) != CG_OK)
        return err->code;
    if (PQntuples(s->res) == 0)
        return cg_err_set(err, CG_NOT_FOUND, "export not found; an export is kept for 15 minutes");
    if (bytes_from_row(s->res, 0, 1, &s->data, &s->len, err) != CG_OK)
        return err->code;
    int64_t size = cg_db_get_ll(s->res, 0, 0);
    /* Read to its end, the export has served its purpose. */
    if (req->offset + (int64_t)s->len >= size &&
        cg_db_exec(conn, SQL_EXPORT_DELETE, 1, params, NULL, err) != CG_OK)
        return err->code;
    out->data.data = s->data;
    out->data.len = s->len;
    out->size = size;
    return CG_OK;
}

/* --- the rows' functions ------------------------------------------------------- */

/* Each method's check (NULL for none) and handler, by its request's type;
 * a handler is a row's with the service's documents given. */
typedef struct documents_method {
    const ProtobufCMessageDescriptor *request;
    cg_rpc_check_fn check;
    cg_code (*handler)(const cg_documents *docs, cg_rpc_req *r, const void *request, PGconn *conn,
                       void *reply, cg_err *err);
} documents_method;

static const documents_method METHODS[] = {
    {&cleangrid__v1__begin_document_upload_request__descriptor, check_begin, begin_upload},
    {&cleangrid__v1__put_document_chunk_request__descriptor, check_put, put_chunk},
    {&cleangrid__v1__commit_document_upload_request__descriptor, check_commit, commit_upload},
    {&cleangrid__v1__abort_document_upload_request__descriptor, check_abort, abort_upload},
    {&cleangrid__v1__list_documents_request__descriptor, NULL, list_documents},
    {&cleangrid__v1__read_document_chunk_request__descriptor, check_read, read_chunk},
    {&cleangrid__v1__export_dossier_request__descriptor, NULL, export_dossier},
    {&cleangrid__v1__read_export_chunk_request__descriptor, check_read_export, read_export},
};

static const documents_method *method_of(const cg_rpc_req *r, cg_err *err)
{
    for (size_t i = 0; i < sizeof METHODS / sizeof METHODS[0]; i++)
        if (METHODS[i].request == r->row->request)
            return &METHODS[i];
    /* Only a row that names another request here gets this. */
    cg_err_set(err, CG_INTERNAL, "%s is not a documents method", r->row->name);
    return NULL;
}

cg_code cg_documents_check(cg_rpc_req *r, const void *request, cg_err *err)
{
    const documents_method *m = method_of(r, err);
    if (m == NULL)
        return err->code;
    return m->check != NULL ? m->check(r, request, err) : CG_OK;
}

cg_code cg_documents_handle(cg_rpc_req *r, const void *request, PGconn *conn, void *reply,
                            cg_err *err)
{
    const documents_method *m = method_of(r, err);
    return m != NULL ? m->handler(docs_of(r), r, request, conn, reply, err) : err->code;
}
