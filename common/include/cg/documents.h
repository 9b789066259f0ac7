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
#include "cg/service.h"
#include "cg/status.h"

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

/* A service's documents: what the handlers need to know of it. Every
 * pointer is borrowed and must outlive the call it is passed to; the
 * strings, lists and tables are the service's static ones. */
typedef struct cg_documents {
    cg_service_base *base;            /* its database pool */
    const cg_dossier_tables *dossier; /* where document.added and exports go */
    const char *const *kinds;         /* NULL-terminated; "" asks for kinds[0] */
    const char *const *roles_read;    /* read, list, export (NULL-terminated) */
    const char *const *roles_add;     /* add documents (NULL-terminated) */
    cg_documents_find_fn find;        /* which files exist for the caller */
    const long *max_bytes;            /* the largest document, the service's setting */
    int acquire_ms;                   /* how long a call waits for a connection */
} cg_documents;

/* Serve call, one of the methods of CG_DOCUMENTS_RPC_METHODS (chosen by
 * call->method), for the files of docs (borrowed). Answers exactly once. */
void cg_documents_rpc(cg_rpc_call *call, const cg_documents *docs);

/* The rows of a service's cg_rpc_method table, each served by handler, a
 * cg_rpc_handler of the service's that calls cg_documents_rpc() with its
 * cg_documents. */
// clang-format off
#define CG_DOCUMENTS_RPC_METHODS(handler)                                                          \
    {"BeginDocumentUpload", handler},                                                              \
    {"PutDocumentChunk", handler},                                                                 \
    {"CommitDocumentUpload", handler},                                                             \
    {"AbortDocumentUpload", handler},                                                              \
    {"ListDocuments", handler},                                                                    \
    {"ReadDocumentChunk", handler},                                                                \
    {"ExportDossier", handler},                                                                    \
    {"ReadExportChunk", handler}
// clang-format on

#endif
