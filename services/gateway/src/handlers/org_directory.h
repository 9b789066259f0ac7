/* The org directory the gateway answers: the whole org-unit tree (code,
 * path, retired) on CG_SUBJECT_ORG_UNITS (cg/org_directory.h), for the
 * services that take records naming units only by code and must scope
 * them by path (the risk service). The tree lives only here; they keep a
 * copy and follow its moves through cg.evt.gateway.org_unit.moved.
 *
 * One subscriber per replica in queue group CG_ORG_UNITS_QUEUE, so one
 * replica answers each question. */
#ifndef GW_ORG_DIRECTORY_H
#define GW_ORG_DIRECTORY_H

#include "cg/status.h"

struct gw_app;

/* Subscribe; app is borrowed and must outlive gw_org_directory_stop(). */
cg_code gw_org_directory_start(struct gw_app *app, cg_err *err);
/* Unsubscribe and wait for a question being answered; safe when never
 * started. Call before the database closes. */
void gw_org_directory_stop(struct gw_app *app);

#endif
