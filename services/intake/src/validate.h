/* Checks on a SubmitReportRequest. The intake service stores the report, so
 * its rules are checked here and only here: the gateway checks the body's
 * JSON shape and passes the values on. The limits are the shared ones of
 * cg/limits.h (CG_REPORT_*), which the web console's form reads too. */
#ifndef INTAKE_VALIDATE_H
#define INTAKE_VALIDATE_H

#include <stdbool.h>

#include "cg/limits.h"
#include "cg/status.h"
#include "cleangrid/v1/intake.pb-c.h"

/* ltree's own limits in PostgreSQL 15: a label is at most 255 characters of
 * [A-Za-z0-9_] and a path at most 65535 labels; a real org path is short, so
 * a much smaller bound on the whole path keeps nonsense out. */
#define INTAKE_ORG_PATH_MAX 1024

/* Check every field of req and add one violation per problem to err, so a
 * reporter sees all of them at once. Returns CG_OK, or CG_INVALID_ARGUMENT
 * with err holding the violations (field names as in docs/api.md). Pure. */
cg_code intake_report_validate(const Cleangrid__V1__SubmitReportRequest *req, cg_err *err);

#endif
