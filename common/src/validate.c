/* Checks of input fields with one wording each (cg/validate.h). */
#include "cg/validate.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "cg/util.h"

static const char *or_empty(const char *s)
{
    return s != NULL ? s : "";
}

/* White space alone is not a value: a form field of spaces was not filled
 * in. */
static bool blank(const char *s)
{
    return s[strspn(s, " \t\r\n")] == '\0';
}

bool cg_text_has_control(const char *s, bool multiline)
{
    for (const unsigned char *c = (const unsigned char *)s; *c != '\0'; c++) {
        bool control = *c < 0x20 || *c == 0x7f;
        if (control && !(multiline && (*c == '\n' || *c == '\r' || *c == '\t'))) {
            return true;
        }
    }
    return false;
}

bool cg_check_text(cg_err *err, const char *field, const char *value, size_t min, size_t max,
                   unsigned flags)
{
    value = or_empty(value);
    if (!cg_utf8_valid(value, strlen(value))) {
        cg_err_add_violation(err, field, "must be UTF-8 text");
        return false;
    }
    if (value[0] == '\0') {
        if (flags & CG_TEXT_REQUIRED) {
            cg_err_add_violation(err, field, "is required");
            return false;
        }
        return true;
    }
    if ((flags & CG_TEXT_REQUIRED) && blank(value)) {
        cg_err_add_violation(err, field, "must not be blank");
        return false;
    }
    if (cg_text_has_control(value, (flags & CG_TEXT_MULTILINE) != 0)) {
        cg_err_add_violation(err, field, "must not contain control characters");
        return false;
    }
    size_t n = cg_utf8_length(value);
    if (n < min) {
        cg_err_add_violation(err, field, "must be at least %zu characters", min);
        return false;
    }
    if (n > max) {
        cg_err_add_violation(err, field, "must be at most %zu characters", max);
        return false;
    }
    return true;
}

bool cg_check_int(cg_err *err, const char *field, int64_t value, int64_t min, int64_t max)
{
    if (value < min || value > max) {
        cg_err_add_violation(err, field, "must be a whole number from %" PRId64 " to %" PRId64, min,
                             max);
        return false;
    }
    return true;
}

bool cg_check_digits(cg_err *err, const char *field, const char *value, size_t n)
{
    value = or_empty(value);
    size_t i = 0;
    /* '0'..'9' rather than isdigit(), which depends on the locale. */
    while (value[i] >= '0' && value[i] <= '9') {
        i++;
    }
    if (i != n || value[i] != '\0') {
        cg_err_add_violation(err, field, "must be exactly %zu digits", n);
        return false;
    }
    return true;
}

bool cg_check_one_of(cg_err *err, const char *field, const char *value, const char *const *names,
                     bool optional)
{
    value = or_empty(value);
    if (optional && value[0] == '\0') {
        return true;
    }
    for (size_t i = 0; names[i] != NULL; i++) {
        if (strcmp(value, names[i]) == 0) {
            return true;
        }
    }
    /* The names, as many as fit a violation's description. */
    char list[sizeof(((cg_violation *)0)->description)];
    size_t used = 0;
    list[0] = '\0';
    for (size_t i = 0; names[i] != NULL && used < sizeof list; i++) {
        int w = snprintf(list + used, sizeof list - used, "%s%s", i > 0 ? ", " : "", names[i]);
        used += w > 0 ? (size_t)w : 0;
    }
    cg_err_add_violation(err, field, "must be one of %s", list);
    return false;
}

bool cg_check_uuid(cg_err *err, const char *field, const char *value)
{
    if (!cg_uuid_valid(or_empty(value))) {
        cg_err_add_violation(err, field, "must be a UUID");
        return false;
    }
    return true;
}

bool cg_check_date_range(cg_err *err, const char *from_field, int64_t from_ms, const char *to_field,
                         int64_t to_ms)
{
    if (from_ms < 0 || to_ms < 0 || (from_ms > 0 && to_ms > 0 && to_ms <= from_ms)) {
        cg_err_add_violation(err, to_field, "must be after %s", from_field);
        return false;
    }
    return true;
}

bool cg_check_page_size(cg_err *err, int64_t page_size, int *size)
{
    *size = CG_PAGE_SIZE_DEFAULT;
    if (page_size == 0) {
        return true;
    }
    if (!cg_check_int(err, "limit", page_size, 1, CG_PAGE_SIZE_MAX)) {
        return false;
    }
    *size = (int)page_size;
    return true;
}
