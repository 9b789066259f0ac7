/* The dossier entry every action appends. */
#include "note.h"

#include <stdlib.h>

#include "files.h"

cg_code case_note(PGconn *conn, const char *file_id, const cg_actor *actor, const char *action,
                  char *summary, cg_err *err)
{
    cg_code rc = summary == NULL ? cg_err_set(err, CG_UNAVAILABLE, "out of memory")
                                 : cg_dossier_append(conn, &case_dossier, file_id, actor->user_id,
                                                     action, summary, err);
    free(summary);
    return rc;
}
