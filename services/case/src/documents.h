/* Documents of clues and cases, and the export of their electronic dossier
 * (电子档案): the shared cg/documents.h, wired to the case service's files.
 * A file is a clue or a case; who may read or add to one is who may read
 * the clue (case_repo_get) or the case (case_repo_get_case). */
#ifndef CASE_DOCUMENTS_H
#define CASE_DOCUMENTS_H

#include "cg/config.h"
#include "cg/documents.h"

/* CG_CASE_DOCUMENT_MAX_BYTES, read once at start (main.c). */
extern long case_document_max_bytes;

/* The service's document settings, spliced into main()'s table. */
#define CASE_DOCUMENT_VARS                                                                         \
    {                                                                                              \
        .name = "CG_CASE_DOCUMENT_MAX_BYTES", .type = CG_CONFIG_INT, .default_value = "20971520",  \
        .min = 1, .max = 1073741824, .target = &case_document_max_bytes,                           \
        .help = "the largest document a clue or case takes, in bytes (default 20 MiB)"             \
    }

/* Every documents method, for the service's cg_rpc_method table (rpc.c);
 * arg is the service's cg_service_base. */
void case_rpc_documents(cg_rpc_call *call, void *arg);

#define CASE_DOCUMENT_RPC_METHODS CG_DOCUMENTS_RPC_METHODS(case_rpc_documents)

#endif
