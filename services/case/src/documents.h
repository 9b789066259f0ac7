/* Documents of clues and cases, the export of their electronic dossier
 * (电子档案) and the reading and checking of that dossier: the shared
 * cg/documents.h and cg/dossier_rpc.h, wired to the case service's files.
 * A file is a clue or a case; who may read or add to one is who may read
 * the clue (case_repo_get) or the case (case_repo_get_case). */
#ifndef CASE_DOCUMENTS_H
#define CASE_DOCUMENTS_H

#include "cg/config.h"
#include "cg/documents.h"
#include "cg/dossier_rpc.h"

/* CG_CASE_DOCUMENT_MAX_BYTES, read once at start (main.c). */
extern long case_document_max_bytes;

/* The service's document settings, spliced into main()'s table. */
#define CASE_DOCUMENT_VARS                                                                         \
    {                                                                                              \
        .name = "CG_CASE_DOCUMENT_MAX_BYTES", .type = CG_CONFIG_INT, .default_value = "20971520",  \
        .min = 1, .max = 1073741824, .target = &case_document_max_bytes,                           \
        .help = "the largest document a clue or case takes, in bytes (default 20 MiB)"             \
    }

/* The clues' and cases' documents, which the documents rows of the
 * service's table serve (rpc.c). Static. */
extern const cg_documents case_documents;

#define CASE_DOCUMENT_RPC_ROWS CG_DOCUMENTS_RPC_ROWS(&case_documents)

/* The clues' and cases' dossiers, which the rows CG_DOSSIER_RPC_ROWS of the
 * service's table serve (rpc.c): the file's owner, whose reads are not
 * recorded, is the clue's handler (case_repo_file_handler()). Static. */
extern const cg_dossier_files case_dossier_files;

#endif
