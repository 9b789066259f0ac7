/* The documents of a service's files and the export of a file's electronic
 * dossier (电子档案): the RPCs of case_documents.proto (BeginDocumentUpload
 * to ReadExportChunk), served the same way by every service that keeps
 * files (the case service's clues and cases today).
 *
 * Bytes cross NATS in chunks of at most CG_DOCUMENT_CHUNK_MAX (a message
 * carries at most 1 MiB): an upload is begun, its chunks put in order and
 * committed; commit checks the size and SHA-256 the sender counted, reads
 * the type from the content (cg/sniff.h), stores the content once by its
 * SHA-256, links it to the file and appends "document.added" to the
 * file's dossier, all in one transaction. Downloads and exports are read
 * chunk by chunk; an export is a cg/dossier_archive.h archive.
 *
 * The tables (documents, document_links, document_uploads,
 * document_upload_chunks, dossier_exports) come from the migration template
 * common/templates/documents.sql, which the service copies with its kinds
 * of file filled in (docs/dossier.md). What is the service's own is a
 * cg_documents: which kinds of file it has, which roles may read or add to
 * them, and whether a given file exists for the caller. */
#ifndef CG_DOCUMENTS_H
#define CG_DOCUMENTS_H

#include <libpq-fe.h>
#include <stdbool.h>

#include "cg/actor.h"
#include "cg/dossier.h"
#include "cg/rpc.h"
#include "cg/status.h"
#include "cleangrid/v1/case_documents.pb-c.h"

/* The largest chunk a PutDocumentChunk, ReadDocumentChunk or
 * ReadExportChunk carries: half of NATS's 1 MiB message, leaving room for
 * the rest of the message. */
#define CG_DOCUMENT_CHUNK_MAX (512 * 1024)

/* Whether the file file_id of kind (one of the service's kinds) exists and
 * actor (borrowed, checked for the roles already) may see it, on conn.
 * CG_OK if so; NOT_FOUND, with one message, for a file that does not exist
 * and for one the actor may not see, whichever rule it was. */
typedef cg_code (*cg_documents_find_fn)(PGconn *conn, const cg_actor *actor, const char *kind,
                                        const char *file_id, cg_err *err);

/* A service's documents: what the rows' functions need to know of it. A
 * static object of the service's (the rows carry its address); every pointer
 * is borrowed and static. */
typedef struct cg_documents {
    const cg_dossier_tables *dossier; /* where document.added and exports go */
    const char *const *kinds;         /* NULL-terminated; "" asks for kinds[0] */
    const char *const *roles_read;    /* read, list, export (NULL-terminated) */
    const char *const *roles_add;     /* add documents (NULL-terminated) */
    cg_documents_find_fn find;        /* which files exist for the caller */
    const long *max_bytes;            /* the largest document, the service's setting */
} cg_documents;

/* The functions of every documents row: the rows are the service's (they
 * carry its cg_documents as .data), the work is common's, so each row names
 * these two and the request's type picks the method's own check and
 * handler in common/src/documents.c. A row whose request is no documents
 * method's fails INTERNAL. */
cg_code cg_documents_check(cg_rpc_req *r, const void *request, cg_err *err);
cg_code cg_documents_handle(cg_rpc_req *r, const void *request, PGconn *conn, void *reply,
                            cg_err *err);

/* One row of CG_DOCUMENTS_RPC_ROWS: the method, the prefix of its messages'
 * names, what it needs of the database (NONE, CONN, TX) and the service's
 * documents. Each method checks its caller itself, per file (the roles of
 * reading or of adding, and the service's find) or per upload and export
 * (its owner), so the frame admits anyone and those checks answer. */
#define CG_DOCUMENTS_ROW(method, type, need, docs)                                                 \
    {                                                                                              \
        .name = #method, .request = &cleangrid__v1__##type##_request__descriptor,                  \
        .reply = &cleangrid__v1__##type##_reply__descriptor, .anyone = true,                       \
        .db = CG_RPC_DB_##need, .check = cg_documents_check, .handler = cg_documents_handle,       \
        .data = docs                                                                               \
    }

/* The digest of what a CommitDocumentUpload asks (cg_rpc_row.idem_request):
 * the file, the name, the size and the SHA-256, read through its upload.
 * The upload id is left out: a retry uploads again under a new one. */
cg_code cg_documents_commit_request(cg_rpc_req *r, const void *request, PGconn *conn,
                                    uint8_t out[32], cg_err *err);

/* A documents row that adds a document: with an Idempotency-Key a retry
 * gets the first answer (cg/idempotency.h). */
#define CG_DOCUMENTS_ROW_ADDS(method, type, docs)                                                  \
    {                                                                                              \
        .name = #method, .request = &cleangrid__v1__##type##_request__descriptor,                  \
        .reply = &cleangrid__v1__##type##_reply__descriptor, .anyone = true, .db = CG_RPC_DB_TX,   \
        .check = cg_documents_check, .handler = cg_documents_handle, .idempotent = true,           \
        .idem_request = cg_documents_commit_request, .data = docs                                  \
    }

/* The rows of a service's cg_rpc_row table for the methods of
 * case_documents.proto, serving the files of docs (a static cg_documents). */
// clang-format off
#define CG_DOCUMENTS_RPC_ROWS(docs)                                                                \
    CG_DOCUMENTS_ROW(BeginDocumentUpload, begin_document_upload, CONN, docs),                      \
    CG_DOCUMENTS_ROW(PutDocumentChunk, put_document_chunk, CONN, docs),                            \
    CG_DOCUMENTS_ROW_ADDS(CommitDocumentUpload, commit_document_upload, docs),                     \
    CG_DOCUMENTS_ROW(AbortDocumentUpload, abort_document_upload, CONN, docs),                      \
    CG_DOCUMENTS_ROW(ListDocuments, list_documents, CONN, docs),                                   \
    CG_DOCUMENTS_ROW(ReadDocumentChunk, read_document_chunk, CONN, docs),                          \
    CG_DOCUMENTS_ROW(ExportDossier, export_dossier, TX, docs),                                     \
    CG_DOCUMENTS_ROW(ReadExportChunk, read_export_chunk, CONN, docs)
// clang-format on

#endif
