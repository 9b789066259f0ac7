/* Status codes, errors and their HTTP mapping. */
#include "cg/status.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "cg/util.h"

void cg_err_clear(cg_err *err)
{
    if (err == NULL)
        return;
    err->code = CG_OK;
    err->message[0] = '\0';
    err->nviolations = 0;
}

cg_code cg_err_set(cg_err *err, cg_code code, const char *fmt, ...)
{
    if (err == NULL)
        return code;
    va_list ap;
    va_start(ap, fmt);
    /* A new error replaces the old one whole: violations left from earlier
     * (or from an err nobody cleared) must not ride along with it. */
    err->code = code;
    err->nviolations = 0;
    vsnprintf(err->message, sizeof(err->message), fmt, ap);
    va_end(ap);
    return code;
}

void cg_err_add_violation(cg_err *err, const char *field, const char *fmt, ...)
{
    if (err == NULL)
        return;
    if (err->code != CG_INVALID_ARGUMENT || err->message[0] == '\0') {
        err->code = CG_INVALID_ARGUMENT;
        cg_strlcpy(err->message, "invalid request", sizeof(err->message));
    }
    if (err->nviolations >= CG_ERR_MAX_VIOLATIONS)
        return;
    cg_violation *v = &err->violations[err->nviolations++];
    cg_strlcpy(v->field, field, sizeof(v->field));
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(v->description, sizeof(v->description), fmt, ap);
    va_end(ap);
}

bool cg_err_has_violation(const cg_err *err, const char *field, const char *text)
{
    for (size_t i = 0; i < err->nviolations; i++)
        if (strcmp(err->violations[i].field, field) == 0 &&
            (text == NULL || strstr(err->violations[i].description, text) != NULL))
            return true;
    return false;
}

static const struct {
    const char *name;
    int http;
} code_table[] = {
    [CG_OK] = {"OK", 200},
    [CG_INVALID_ARGUMENT] = {"INVALID_ARGUMENT", 400},
    [CG_NOT_FOUND] = {"NOT_FOUND", 404},
    [CG_ALREADY_EXISTS] = {"ALREADY_EXISTS", 409},
    [CG_FAILED_PRECONDITION] = {"FAILED_PRECONDITION", 409},
    [CG_PERMISSION_DENIED] = {"PERMISSION_DENIED", 403},
    [CG_UNAUTHENTICATED] = {"UNAUTHENTICATED", 401},
    [CG_RESOURCE_EXHAUSTED] = {"RESOURCE_EXHAUSTED", 429},
    [CG_UNAVAILABLE] = {"UNAVAILABLE", 503},
    [CG_INTERNAL] = {"INTERNAL", 500},
};

static int code_known(cg_code code)
{
    return (int)code >= 0 && (size_t)code < sizeof(code_table) / sizeof(code_table[0]);
}

const char *cg_code_name(cg_code code)
{
    return code_known(code) ? code_table[code].name : "INTERNAL";
}

int cg_code_http_status(cg_code code)
{
    return code_known(code) ? code_table[code].http : 500;
}

void cg_status_pb_init(cg_status_pb *out, const cg_err *err)
{
    cleangrid__v1__status__init(&out->status);
    out->status.code = (Cleangrid__V1__Code)err->code;
    out->status.message = (char *)err->message;
    out->status.n_violations = err->nviolations;
    out->status.violations = out->violation_ptr;
    for (size_t i = 0; i < err->nviolations; i++) {
        cleangrid__v1__field_violation__init(&out->violation[i]);
        out->violation[i].field = (char *)err->violations[i].field;
        out->violation[i].description = (char *)err->violations[i].description;
        out->violation_ptr[i] = &out->violation[i];
    }
}

cg_code cg_err_from_pb(cg_err *err, const Cleangrid__V1__Status *status)
{
    cg_err_clear(err);
    if (status == NULL)
        return CG_OK;
    cg_code code = (cg_code)status->code;
    if (!code_known(code))
        code = CG_INTERNAL;
    if (err == NULL)
        return code;
    err->code = code;
    cg_strlcpy(err->message, status->message ? status->message : "", sizeof(err->message));
    for (size_t i = 0; i < status->n_violations && i < CG_ERR_MAX_VIOLATIONS; i++) {
        const Cleangrid__V1__FieldViolation *v = status->violations[i];
        cg_strlcpy(err->violations[i].field, v->field ? v->field : "",
                   sizeof(err->violations[i].field));
        cg_strlcpy(err->violations[i].description, v->description ? v->description : "",
                   sizeof(err->violations[i].description));
        err->nviolations = i + 1;
    }
    return code;
}
