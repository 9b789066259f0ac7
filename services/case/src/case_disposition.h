/* The case actions that leave the stage (case_disposition.c): named
 * investigators, disposition items and their executed marks, the one
 * extension; and the event of a decided disposition. Each runs on a case
 * locked by case_stages.c, inside its transaction. */
#ifndef CASE_CASE_DISPOSITION_H
#define CASE_CASE_DISPOSITION_H

#include "access.h"
#include "case_repo.h"
#include "cg/db.h"
#include "cleangrid/v1/case.pb-c.h"
#include "relatives.h"

/* Check the fields of the actions of case_disposition_apply() in req
 * (each for its own action), adding one violation each to err. */
void case_disposition_fields(const Cleangrid__V1__CaseActionRequest *req, cg_err *err);

/* Carry out a case action that leaves the stage (a CASE_STAGE_SAME row
 * but log_measure) on the locked case k, inside the caller's transaction:
 * investigators, items, executed marks, the extension. kin asks about a
 * named investigator's relatives (relatives.h). */
cg_code case_disposition_apply(PGconn *conn, const cg_actor *actor,
                               const Cleangrid__V1__CaseActionRequest *req,
                               const case_locked_case *k, case_relatives *kin, cg_err *err);
/* Announce the decided disposition of case_id, locked by the caller
 * (cg.evt.case.case.disposed), in the caller's transaction. */
cg_code case_disposition_announce(PGconn *conn, const char *producer, const char *request_id,
                                  const cg_actor *actor, const char *case_id, cg_err *err);

#endif
