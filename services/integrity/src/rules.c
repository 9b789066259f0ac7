/* The integrity service's rules of input (rules.h). */
#include "rules.h"

#include <stdio.h>
#include <string.h>

#include "cg/validate.h"

/* The 31 characters of a credit code, in the order of their values. */
static const char CODE_CHARS[] = "0123456789ABCDEFGHJKLMNPQRTUWXY";
/* The weight of each of the first 17 positions: 3^i mod 31. */
static const int CODE_WEIGHTS[17] = {1,  3,  9,  27, 19, 26, 16, 17, 20,
                                     29, 25, 13, 8,  24, 10, 30, 28};

static int code_value(char ch)
{
    const char *at = ch != '\0' ? strchr(CODE_CHARS, ch) : NULL;
    return at != NULL ? (int)(at - CODE_CHARS) : -1;
}

bool integrity_credit_code_valid(const char *code)
{
    if (code == NULL || strlen(code) != 18)
        return false;
    int sum = 0;
    for (int i = 0; i < 17; i++) {
        int v = code_value(code[i]);
        if (v < 0)
            return false;
        sum += v * CODE_WEIGHTS[i];
    }
    int check = (31 - sum % 31) % 31;
    return code_value(code[17]) == check;
}

const char *integrity_field(char *buf, size_t size, const char *prefix, const char *name)
{
    snprintf(buf, size, "%s%s", prefix != NULL ? prefix : "", name);
    return buf;
}

bool integrity_check_person_id(cg_err *err, const char *field, const char *value, bool required)
{
    size_t n = value != NULL ? strlen(value) : 0;
    if (n == 0) {
        if (required)
            cg_err_add_violation(err, field, "is required");
        return !required;
    }
    bool ok = n <= 64;
    for (size_t i = 0; ok && i < n; i++) {
        char ch = value[i];
        ok = (ch >= 'A' && ch <= 'Z') || (ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') ||
             ch == '.' || ch == '_' || ch == '-';
    }
    if (!ok)
        cg_err_add_violation(err, field, "must be 1 to 64 letters, digits, '.', '_' or '-'");
    return ok;
}

bool integrity_check_past_day(cg_err *err, const char *field, int64_t day_ms, int64_t today_ms,
                              bool required)
{
    if (day_ms == 0) {
        if (required)
            cg_err_add_violation(err, field, "is required");
        return !required;
    }
    if (day_ms < 0 || day_ms > today_ms) {
        cg_err_add_violation(err, field, "must be a day not after today");
        return false;
    }
    return true;
}

bool integrity_check_cadre(cg_err *err, const char *prefix,
                           const Cleangrid__V1__CreateCadreRequest *c, int64_t today_ms)
{
    char f[64];
    size_t before = err->nviolations;
    integrity_check_person_id(err, integrity_field(f, sizeof f, prefix, "person_id"), c->person_id,
                              true);
    cg_check_text(err, integrity_field(f, sizeof f, prefix, "name"), c->name, 1, 100,
                  CG_TEXT_REQUIRED);
    cg_check_text(err, integrity_field(f, sizeof f, prefix, "position"), c->position, 0, 200, 0);
    cg_check_text(err, integrity_field(f, sizeof f, prefix, "grade"), c->grade, 0, 40, 0);
    cg_check_text(err, integrity_field(f, sizeof f, prefix, "key_position"), c->key_position, 0, 40,
                  0);
    integrity_check_past_day(err, integrity_field(f, sizeof f, prefix, "key_since_on"),
                             c->key_since_on_ms, today_ms, false);
    if (c->key_since_on_ms != 0 && (c->key_position == NULL || c->key_position[0] == '\0'))
        cg_err_add_violation(err, integrity_field(f, sizeof f, prefix, "key_since_on"),
                             "is given only with a key_position");
    return err->nviolations == before;
}

bool integrity_check_relative(cg_err *err, const Cleangrid__V1__SetRelativeRequest *r)
{
    static const char *const roles[] = {
        "shareholder", "legal_representative", "manager", "sole_proprietor", "partner", NULL};
    char f[64];
    size_t before = err->nviolations;
    cg_check_text(err, "name", r->name, 1, 100, CG_TEXT_REQUIRED);
    cg_check_text(err, "relation", r->relation, 1, 40, CG_TEXT_REQUIRED);
    cg_check_text(err, "employer", r->employer, 0, 200, 0);
    cg_check_text(err, "position", r->position, 0, 200, 0);
    integrity_check_person_id(err, "person_id", r->person_id, false);
    if (r->n_businesses > 20)
        cg_err_add_violation(err, "businesses", "holds at most 20 companies");
    for (size_t i = 0; i < r->n_businesses && i < 20; i++) {
        const Cleangrid__V1__RelativeBusiness *b = r->businesses[i];
        snprintf(f, sizeof f, "businesses[%zu].company", i);
        cg_check_text(err, f, b->company, 1, 200, CG_TEXT_REQUIRED);
        snprintf(f, sizeof f, "businesses[%zu].credit_code", i);
        if (!integrity_credit_code_valid(b->credit_code))
            cg_err_add_violation(err, f,
                                 "is not a unified social credit code (18 characters whose last "
                                 "is the check character of the others)");
        snprintf(f, sizeof f, "businesses[%zu].role", i);
        cg_check_one_of(err, f, b->role, roles, false);
        snprintf(f, sizeof f, "businesses[%zu].share_percent", i);
        if (!(b->share_percent >= 0 && b->share_percent <= 100))
            cg_err_add_violation(err, f, "must be from 0 to 100");
    }
    return err->nviolations == before;
}
