/* Checks on a SubmitReportRequest, repeated here although the gateway checks
 * the same rules: the intake service is the one that stores the report, so it
 * does not trust that every caller went through the gateway. */
#ifndef INTAKE_VALIDATE_H
#define INTAKE_VALIDATE_H

#include <stdbool.h>

#include "cg/status.h"
#include "cleangrid/v1/intake.pb-c.h"

/* Limits from docs/api.md, in Unicode code points. */
#define INTAKE_CATEGORY_MAX 64
#define INTAKE_CONTENT_MIN 10
#define INTAKE_CONTENT_MAX 5000
#define INTAKE_LOCATION_MAX 200
#define INTAKE_ACCUSED_PERSON_MAX 100
#define INTAKE_ACCUSED_UNIT_MAX 200
#define INTAKE_REPORTER_NAME_MAX 100
#define INTAKE_PHONE_MIN 5
#define INTAKE_PHONE_MAX 20
/* The longest channel name of a QR code (issue 5). */
#define INTAKE_CHANNEL_MAX 32
/* ltree's own limits in PostgreSQL 15: a label is at most 255 characters of
 * [A-Za-z0-9_] and a path at most 65535 labels; a real org path is short, so
 * a much smaller bound on the whole path keeps nonsense out. */
#define INTAKE_ORG_PATH_MAX 1024

/* Check every field of req and add one violation per problem to err, so a
 * reporter sees all of them at once. Returns CG_OK, or CG_INVALID_ARGUMENT
 * with err holding the violations (field names as in docs/api.md). Pure. */
cg_code intake_report_validate(const Cleangrid__V1__SubmitReportRequest *req, cg_err *err);

#endif
