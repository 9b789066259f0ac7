/* The dossier entry (卷宗) every action on a clue or a case appends, with
 * its summary. */
#ifndef CASE_NOTE_H
#define CASE_NOTE_H

#include "access.h"
#include "cg/db.h"

/* Append a dossier entry to file_id (a clue or a case) by the actor, inside
 * the caller's transaction. summary (from case_summary()) is owned and
 * freed here; NULL means it could not be built: UNAVAILABLE. */
cg_code case_note(PGconn *conn, const char *file_id, const cg_actor *actor, const char *action,
                  char *summary, cg_err *err);

#endif
