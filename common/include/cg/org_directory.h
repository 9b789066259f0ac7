/* The gateway's org directory: the whole org-unit tree (code, path,
 * retired) asked for over core NATS.
 *
 * The gateway owns the tree (org_units in its database); a service that
 * takes records naming units only by code, as the enterprise's systems do,
 * asks it for the paths it needs to scope them (docs/architecture.md). Any
 * gateway replica answers (queue group CG_ORG_UNITS_QUEUE). */
#ifndef CG_ORG_DIRECTORY_H
#define CG_ORG_DIRECTORY_H

#include <stdint.h>

#include "cg/nats.h"
#include "cg/status.h"
#include "cleangrid/v1/org.pb-c.h"

/* OrgUnitsRequest in, OrgUnitsReply out. */
#define CG_SUBJECT_ORG_UNITS "cg.gw.org.units"
#define CG_ORG_UNITS_QUEUE "gateway"

/* Ask the gateway for the tree, waiting up to timeout_ms. On CG_OK *out is
 * the reply, owned by the caller and freed with
 * protobuf_c_message_free_unpacked(); otherwise *out is NULL and err says
 * why: UNAVAILABLE when no gateway answers (none running, NATS away, too
 * slow), which the caller retries later. */
cg_code cg_org_units_fetch(cg_nats *nats, int64_t timeout_ms, Cleangrid__V1__OrgUnitsReply **out,
                           cg_err *err);

#endif
