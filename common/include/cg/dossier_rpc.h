/* The RPCs of a service's electronic dossier (电子档案): ListDossier and
 * VerifyDossier of dossier.proto, served the same way by every service
 * that keeps files (the case service's clues and cases, rectification's
 * files next), on its own subjects (cg.rpc.<service>.ListDossier).
 *
 * ListDossier reads a file's entries, oldest first, a page at a time; a
 * read by anyone but the file's owner (a clue's handler) is itself
 * appended to the file's dossier as "dossier.read", in the transaction of
 * the read (全程留痕). VerifyDossier reads the file's anchors from JetStream
 * first and then checks its chain against them (cg_dossier_verify()).
 *
 * What is the service's own is a cg_dossier_files: its dossier tables, the
 * subject prefix its anchorer publishes on, who may read, and whether a
 * given file exists for the caller. The rows are the service's (they carry
 * its cg_dossier_files as .data); the work is common's. */
#ifndef CG_DOSSIER_RPC_H
#define CG_DOSSIER_RPC_H

#include <libpq-fe.h>
#include <stddef.h>
#include <stdint.h>

#include "cg/actor.h"
#include "cg/dossier.h"
#include "cg/rpc.h"
#include "cg/status.h"
#include "cleangrid/v1/dossier.pb-c.h"

/* Whether the file file_id exists and actor (borrowed, its roles checked
 * already) may see it, on conn: CG_OK if so; NOT_FOUND, with one message,
 * for a file that does not exist and for one the actor may not see,
 * whichever rule it was. On CG_OK *owner (owner_size bytes, the caller's)
 * gets the user id whose reads of the file are not recorded in it (a
 * clue's handler), "" for none. */
typedef cg_code (*cg_dossier_find_fn)(PGconn *conn, const cg_actor *actor, const char *file_id,
                                      char *owner, size_t owner_size, cg_err *err);

/* A service's files, as the dossier rows need to know them. A static
 * object of the service's (the rows carry its address); every pointer is
 * borrowed and static. */
typedef struct cg_dossier_files {
    const cg_dossier_tables *tables;
    const char *anchor_prefix;     /* e.g. CG_ANCHOR_DOSSIER */
    const char *const *roles_read; /* NULL-terminated */
    const char *doing;             /* "read dossiers" */
    cg_dossier_find_fn find;
} cg_dossier_files;

/* The functions of the two rows: each check takes the caller (one of
 * roles_read, a scope and a user id, else PERMISSION_DENIED "your role may
 * not <doing>") and checks file_id as a UUID before a connection is taken;
 * each handler asks the service's find first. The rows carry their
 * cg_dossier_files as .data. */
cg_code cg_dossier_rpc_list_check(cg_rpc_req *r, const void *request, cg_err *err);
cg_code cg_dossier_rpc_list(cg_rpc_req *r, const void *request, PGconn *conn, void *reply,
                            cg_err *err);
cg_code cg_dossier_rpc_verify_check(cg_rpc_req *r, const void *request, cg_err *err);
/* Fetches the anchors through r->nats: UNAVAILABLE without it or when
 * JetStream cannot be asked, since a verify without the anchors would pass
 * a rewrite made with the key. */
cg_code cg_dossier_rpc_verify(cg_rpc_req *r, const void *request, PGconn *conn, void *reply,
                              cg_err *err);

/* A ListDossier page: the PageRequest page (borrowed, may be NULL: the
 * first page at the default size) into *size and *after, the seq the page
 * starts after (0 for the first page). The cursor is the decimal seq of the
 * previous page's last entry, exactly as the reply's next_cursor writes it
 * (no sign, no leading zero, at most 18 digits); anything else is a
 * violation on "cursor", a bad size one on "limit" (cg_check_page_size()).
 * Pure: the handler's parsing, unit-tested on its own. */
cg_code cg_dossier_cursor(const Cleangrid__V1__PageRequest *page, int *size, int64_t *after,
                          cg_err *err);

/* The rows of a service's cg_rpc_row table for ListDossier (in a
 * transaction, which the recorded read joins) and VerifyDossier, serving
 * the files of files (the address of a static cg_dossier_files). They
 * check their caller themselves, against files->roles_read, so the frame
 * admits anyone and those checks answer. */
// clang-format off
#define CG_DOSSIER_RPC_ROWS(files)                                                                 \
    {.name = "ListDossier", .request = &cleangrid__v1__list_dossier_request__descriptor,           \
     .reply = &cleangrid__v1__list_dossier_reply__descriptor, .anyone = true,                      \
     .db = CG_RPC_DB_TX, .check = cg_dossier_rpc_list_check, .handler = cg_dossier_rpc_list,       \
     .data = files},                                                                               \
    {.name = "VerifyDossier", .request = &cleangrid__v1__verify_dossier_request__descriptor,       \
     .reply = &cleangrid__v1__verify_dossier_reply__descriptor, .anyone = true,                    \
     .db = CG_RPC_DB_CONN, .check = cg_dossier_rpc_verify_check,                                   \
     .handler = cg_dossier_rpc_verify, .data = files}
// clang-format on

#endif
