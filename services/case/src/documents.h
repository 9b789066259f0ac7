/* Documents of a clue or case, and the export of its electronic dossier
 * (电子档案): the cg.rpc.case.* handlers of case_documents.proto.
 *
 * Bytes cross NATS in chunks of at most CASE_DOCUMENT_CHUNK_MAX (a message
 * carries at most 1 MiB): an upload is begun, its chunks put in order and
 * committed; commit checks the size and SHA-256 the sender counted, reads
 * the type from the content (sniff.h), stores the content once by its
 * SHA-256, links it to the file and appends "document.added" to the
 * dossier, all in one transaction. Downloads and exports are read chunk by
 * chunk. Who may do what: docs/dossier.md. The handlers' arg is the
 * service's cg_service_base. */
#ifndef CASE_DOCUMENTS_H
#define CASE_DOCUMENTS_H

#include "cg/nats.h"

/* The largest chunk a PutDocumentChunk, ReadDocumentChunk or
 * ReadExportChunk carries: half of NATS's 1 MiB message, leaving room for
 * the rest of the message. */
#define CASE_DOCUMENT_CHUNK_MAX (512 * 1024)

/* CG_CASE_DOCUMENT_MAX_BYTES, read once at start (main.c). */
extern long case_document_max_bytes;

/* The service's document settings, spliced into main()'s table. */
#define CASE_DOCUMENT_VARS                                                                         \
    {                                                                                              \
        .name = "CG_CASE_DOCUMENT_MAX_BYTES", .type = CG_CONFIG_INT, .default_value = "20971520",  \
        .min = 1, .max = 1073741824, .target = &case_document_max_bytes,                           \
        .help = "the largest document a clue or case takes, in bytes (default 20 MiB)"             \
    }

/* The handlers, for the service's cg_rpc_method table (rpc.c). */
void case_rpc_begin_document_upload(cg_rpc_call *call, void *arg);
void case_rpc_put_document_chunk(cg_rpc_call *call, void *arg);
void case_rpc_commit_document_upload(cg_rpc_call *call, void *arg);
void case_rpc_abort_document_upload(cg_rpc_call *call, void *arg);
void case_rpc_list_documents(cg_rpc_call *call, void *arg);
void case_rpc_read_document_chunk(cg_rpc_call *call, void *arg);
void case_rpc_export_dossier(cg_rpc_call *call, void *arg);
void case_rpc_read_export_chunk(cg_rpc_call *call, void *arg);

// clang-format off
#define CASE_DOCUMENT_RPC_METHODS                                                                  \
    {"BeginDocumentUpload", case_rpc_begin_document_upload},                                       \
    {"PutDocumentChunk", case_rpc_put_document_chunk},                                             \
    {"CommitDocumentUpload", case_rpc_commit_document_upload},                                     \
    {"AbortDocumentUpload", case_rpc_abort_document_upload},                                       \
    {"ListDocuments", case_rpc_list_documents},                                                    \
    {"ReadDocumentChunk", case_rpc_read_document_chunk},                                           \
    {"ExportDossier", case_rpc_export_dossier},                                                    \
    {"ReadExportChunk", case_rpc_read_export_chunk}
// clang-format on

#endif
