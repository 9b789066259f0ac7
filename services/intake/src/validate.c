#include "validate.h"

#include <string.h>

#include "cg/util.h"

/* protobuf-c gives "" for an absent string, but a hand-built message may
 * carry NULL; both mean "not given". */
static const char *str_or_empty(const char *s)
{
    return s != NULL ? s : "";
}

/* A field of nothing but ASCII white space was not really filled in. */
static bool is_blank(const char *s)
{
    for (; *s != '\0'; s++) {
        if (*s != ' ' && *s != '\t' && *s != '\r' && *s != '\n') {
            return false;
        }
    }
    return true;
}

/* Check one text field: valid UTF-8, then present if required, then its
 * length in code points within [min, max]. An optional empty field passes. */
static void check_text(cg_err *err, const char *field, const char *value, bool required, size_t min,
                       size_t max)
{
    value = str_or_empty(value);
    if (!cg_utf8_valid(value, strlen(value))) {
        cg_err_add_violation(err, field, "is not valid UTF-8");
        return;
    }
    if (is_blank(value)) {
        if (required) {
            cg_err_add_violation(err, field, "is required");
        }
        return;
    }
    size_t n = cg_utf8_length(value);
    if (n < min) {
        cg_err_add_violation(err, field, "must be at least %zu characters", min);
    } else if (n > max) {
        cg_err_add_violation(err, field, "must be at most %zu characters", max);
    }
}

static bool phone_valid(const char *s)
{
    size_t n = strlen(s);
    if (n < INTAKE_PHONE_MIN || n > INTAKE_PHONE_MAX) {
        return false;
    }
    for (size_t i = 0; i < n; i++) {
        if (!((s[i] >= '0' && s[i] <= '9') || s[i] == ' ' || s[i] == '+' || s[i] == '-')) {
            return false;
        }
    }
    return true;
}

/* A channel name: 1 to INTAKE_CHANNEL_MAX of [a-z0-9_-], starting with a
 * letter or digit. A name, not free text, so the office can count reports
 * by channel and nothing a reporter types lands in that column. */
static bool channel_valid(const char *s)
{
    size_t n = strlen(s);
    if (n == 0 || n > INTAKE_CHANNEL_MAX || s[0] == '_' || s[0] == '-') {
        return false;
    }
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-')) {
            return false;
        }
    }
    return true;
}

cg_code intake_report_validate(const Cleangrid__V1__SubmitReportRequest *req, cg_err *err)
{
    cg_err_clear(err);
    check_text(err, "category", req->category, true, 1, INTAKE_CATEGORY_MAX);
    check_text(err, "content", req->content, true, INTAKE_CONTENT_MIN, INTAKE_CONTENT_MAX);
    check_text(err, "location", req->location, false, 0, INTAKE_LOCATION_MAX);
    check_text(err, "accused_person", req->accused_person, false, 0, INTAKE_ACCUSED_PERSON_MAX);
    check_text(err, "accused_unit", req->accused_unit, false, 0, INTAKE_ACCUSED_UNIT_MAX);

    const char *name = str_or_empty(req->reporter_name);
    const char *phone = str_or_empty(req->reporter_phone);
    if (req->anonymous) {
        /* An anonymous report that carries an identity is refused rather than
         * silently stripped: the reporter should know what was sent. */
        if (name[0] != '\0') {
            cg_err_add_violation(err, "reporter_name", "must not be given when anonymous");
        }
        if (phone[0] != '\0') {
            cg_err_add_violation(err, "reporter_phone", "must not be given when anonymous");
        }
    } else {
        check_text(err, "reporter_name", name, true, 1, INTAKE_REPORTER_NAME_MAX);
        if (phone[0] != '\0' && !phone_valid(phone)) {
            cg_err_add_violation(err, "reporter_phone",
                                 "must be %d to %d of the characters 0-9, space, + and -",
                                 INTAKE_PHONE_MIN, INTAKE_PHONE_MAX);
        }
    }

    const char *org_path = str_or_empty(req->org_path);
    if (org_path[0] == '\0') {
        cg_err_add_violation(err, "org_path", "is required");
    } else if (strlen(org_path) > INTAKE_ORG_PATH_MAX || !cg_ltree_path_valid(org_path)) {
        cg_err_add_violation(err, "org_path", "is not a valid org path");
    }
    const char *channel = str_or_empty(req->channel);
    if (channel[0] != '\0' && !channel_valid(channel)) {
        cg_err_add_violation(
            err, "channel", "must be 1 to %d of a-z, 0-9, _ and -, starting with a letter or digit",
            INTAKE_CHANNEL_MAX);
    }
    return err->nviolations > 0 ? CG_INVALID_ARGUMENT : CG_OK;
}
