#include "validate.h"

#include <string.h>

#include "cg/util.h"
#include "cg/validate.h"

/* protobuf-c gives "" for an absent string, but a hand-built message may
 * carry NULL; both mean "not given". */
static const char *str_or_empty(const char *s)
{
    return s != NULL ? s : "";
}

static bool phone_valid(const char *s)
{
    size_t n = strlen(s);
    if (n < CG_REPORT_PHONE_MIN || n > CG_REPORT_PHONE_MAX) {
        return false;
    }
    for (size_t i = 0; i < n; i++) {
        if (!((s[i] >= '0' && s[i] <= '9') || s[i] == ' ' || s[i] == '+' || s[i] == '-')) {
            return false;
        }
    }
    return true;
}

/* A channel name: 1 to CG_REPORT_CHANNEL_MAX of [a-z0-9_-], starting with a
 * letter or digit. A name, not free text, so the office can count reports
 * by channel and nothing a reporter types lands in that column. */
static bool channel_valid(const char *s)
{
    size_t n = strlen(s);
    if (n == 0 || n > CG_REPORT_CHANNEL_MAX || s[0] == '_' || s[0] == '-') {
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
    /* The content is the reporter's account in their own words, over as
     * many lines as they like; every other field is one line. */
    cg_check_text(err, "category", req->category, 1, CG_REPORT_CATEGORY_MAX, CG_TEXT_REQUIRED);
    cg_check_text(err, "content", req->content, CG_REPORT_CONTENT_MIN, CG_REPORT_CONTENT_MAX,
                  CG_TEXT_REQUIRED | CG_TEXT_MULTILINE);
    cg_check_text(err, "location", req->location, 0, CG_REPORT_LOCATION_MAX, 0);
    cg_check_text(err, "accused_person", req->accused_person, 0, CG_REPORT_ACCUSED_PERSON_MAX, 0);
    cg_check_text(err, "accused_unit", req->accused_unit, 0, CG_REPORT_ACCUSED_UNIT_MAX, 0);

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
        cg_check_text(err, "reporter_name", name, 1, CG_REPORT_REPORTER_NAME_MAX, CG_TEXT_REQUIRED);
        if (phone[0] != '\0' && !phone_valid(phone)) {
            cg_err_add_violation(err, "reporter_phone",
                                 "must be %d to %d of the characters 0-9, space, + and -",
                                 CG_REPORT_PHONE_MIN, CG_REPORT_PHONE_MAX);
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
            CG_REPORT_CHANNEL_MAX);
    }
    return err->nviolations > 0 ? CG_INVALID_ARGUMENT : CG_OK;
}
