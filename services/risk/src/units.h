/* The risk service's copy of the org-unit tree (migrations/0002_units.sql).
 *
 * Enterprise events name units by code; the service scopes what it shows
 * by the units' org paths, which only the gateway knows. It copies the
 * gateway's directory (cg/org_directory.h) at start, retrying in the
 * background while the gateway is not up (the service starts without it),
 * asks again when an event names a code it does not have, and follows
 * moves through cg.evt.gateway.org_unit.moved (org_moves.c). */
#ifndef RISK_UNITS_H
#define RISK_UNITS_H

#include <libpq-fe.h>

#include "cg/status.h"

/* The longest one question to the gateway may take: the consumer that asks
 * waits this long at most. */
#define RISK_UNITS_FETCH_MS 1000
/* How often the start's copy is tried again until it succeeds once. */
#define RISK_UNITS_RETRY_MS 3000
/* At most one question per this long from the consumer, so a stream of
 * events naming a code the gateway does not know either costs one
 * question, not one per event. */
#define RISK_UNITS_ASK_GAP_MS 10000

struct risk_app;

/* Fetch the whole directory and upsert it into units in one transaction.
 * UNAVAILABLE when no gateway answers. */
cg_code risk_units_refresh(struct risk_app *app, cg_err *err);

/* After cg_service_base_start(): copy the directory now, or, when that
 * fails or finds no unit yet, every RISK_UNITS_RETRY_MS in the background
 * until it copies one; after that the same background thread asks the
 * questions risk_units_ask() had to put off. Fails only when the
 * background thread cannot start. */
cg_code risk_units_start(struct risk_app *app, cg_err *err);
/* Stop the background copy; safe when never started. Call before
 * cg_service_base_stop(), whose database and NATS it uses. */
void risk_units_stop(struct risk_app *app);

/* In the enterprise consumer, when an event named a unit code the copy
 * does not hold (risk_take_event() says so): copy the directory again, at
 * most once per RISK_UNITS_ASK_GAP_MS and waiting RISK_UNITS_FETCH_MS at
 * most. A question within the gap is put off, not dropped: the background
 * thread asks it once the gap has passed. Never fails: the fact is kept
 * all the same, and its unit's path is known once a later copy holds the
 * code (risk_unit_path()). */
void risk_units_ask(struct risk_app *app);

#endif
