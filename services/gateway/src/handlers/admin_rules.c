/* The administration API's pure rules (admin_rules.h). */
#include "admin_rules.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "access.h"
#include "accounts.h"
#include "cg/util.h"
#include "cg/validate.h"
#include "gw_pure.h"

/* Whether s is 1 to 64 characters, each a lower-case ASCII letter, a digit
 * or one of extra, or, with upper, an upper-case one: the alphabets of the
 * API's names. */
static bool name_valid(const char *s, bool upper, const char *extra)
{
    size_t n = s ? strlen(s) : 0;
    if (n == 0 || n > 64)
        return false;
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || (upper && c >= 'A' && c <= 'Z') ||
              strchr(extra, c) != NULL))
            return false;
    }
    return true;
}

bool gw_username_valid(const char *s)
{
    return name_valid(s, false, "._-") && s[0] != '.' && s[0] != '-' && s[0] != '_';
}

bool gw_unit_code_valid(const char *s)
{
    return name_valid(s, false, "_");
}

bool gw_role_known(const char *s)
{
    for (size_t i = 0; s != NULL && i < gw_nroles; i++)
        if (strcmp(gw_roles[i].name, s) == 0)
            return true;
    return false;
}

bool gw_person_id_valid(const char *s)
{
    return name_valid(s, true, "._-");
}

cg_code gw_roles_parse(const cJSON *roles, const char *field, char out[GW_ROLES_LITERAL_MAX],
                       cg_err *err)
{
    const char *names[GW_MAX_ROLES];
    int n = 0;
    bool solitary = false;

    out[0] = '\0';
    if (!cJSON_IsArray(roles) || cJSON_GetArraySize(roles) < 1 ||
        cJSON_GetArraySize(roles) > GW_MAX_ROLES) {
        cg_err_add_violation(err, field, "must be an array of 1 to %d role names", GW_MAX_ROLES);
        return err->code;
    }
    for (const cJSON *r = roles->child; r != NULL; r = r->next) {
        const char *name = cJSON_GetStringValue(r);
        if (!gw_role_known(name)) {
            cg_err_add_violation(err, field, "holds something that is not a role");
            return err->code;
        }
        for (int i = 0; i < n; i++)
            if (strcmp(names[i], name) == 0) {
                cg_err_add_violation(err, field, "names the role %s twice", name);
                return err->code;
            }
        solitary |= strcmp(name, "admin") == 0 || strcmp(name, "auditor") == 0;
        names[n++] = name;
    }
    if (solitary && n > 1) {
        cg_err_add_violation(err, field,
                             "may hold admin or auditor only as the sole role: an "
                             "administrator reads no case content and an auditor "
                             "changes nothing");
        return err->code;
    }
    size_t len = 0;
    out[len++] = '{';
    for (int i = 0; i < n; i++)
        len +=
            (size_t)snprintf(out + len, GW_ROLES_LITERAL_MAX - len, "%s%s", i ? "," : "", names[i]);
    snprintf(out + len, GW_ROLES_LITERAL_MAX - len, "}");
    return CG_OK;
}

cg_code gw_body_fields(const cJSON *body, gw_body_field *fields, size_t n, cg_err *err)
{
    cg_err_clear(err);
    for (size_t i = 0; i < n; i++) {
        fields[i].value = NULL;
        fields[i].item = NULL;
    }
    if (!cJSON_IsObject(body)) {
        cg_err_add_violation(err, "", "the body must be a JSON object");
        return err->code;
    }
    for (const cJSON *m = body->child; m != NULL; m = m->next) {
        gw_body_field *f = NULL;
        for (size_t i = 0; i < n && f == NULL; i++)
            if (strcmp(fields[i].name, m->string) == 0)
                f = &fields[i];
        if (f == NULL) {
            cg_err_add_violation(err, m->string, "is not a member of this request");
            continue;
        }
        f->item = m;
        if (f->kind == GW_FIELD_ARRAY) {
            if (!cJSON_IsArray(m))
                cg_err_add_violation(err, f->name, "must be an array");
        } else if (f->kind == GW_FIELD_NULLABLE && cJSON_IsNull(m)) {
            /* null clears the field: value stays NULL, item says it was sent. */
        } else if (!cJSON_IsString(m)) {
            cg_err_add_violation(err, f->name, "must be a string");
        } else if (m->valuestring[0] == '\0') {
            cg_err_add_violation(err, f->name, "must not be empty");
        } else if (f->max_chars > 0 && gw_utf8_chars(m->valuestring) > f->max_chars) {
            cg_err_add_violation(err, f->name, "must be at most %zu characters", f->max_chars);
        } else if (cg_text_has_control(m->valuestring, false)) {
            cg_err_add_violation(err, f->name, "must not contain control characters");
        } else {
            f->value = m->valuestring;
        }
    }
    for (size_t i = 0; i < n; i++)
        if (fields[i].required && fields[i].item == NULL)
            cg_err_add_violation(err, fields[i].name, "is required");
    return err->code;
}

cg_code gw_admin_page(const char *query, int *limit, char cursor[GW_ADMIN_CURSOR_MAX + 1],
                      cg_err *err)
{
    char text[16];
    cg_err_clear(err);
    *limit = GW_ADMIN_PAGE_DEFAULT;
    cursor[0] = '\0';
    cg_code rc = gw_query_get(query, "limit", text, sizeof(text));
    if (rc == CG_OK) {
        char *end = NULL;
        long v = text[0] >= '0' && text[0] <= '9' ? strtol(text, &end, 10) : 0;
        if (end == NULL || *end != '\0')
            cg_err_add_violation(err, "limit", "must be a whole number");
        else if (cg_check_int(err, "limit", v, 1, GW_ADMIN_PAGE_MAX))
            *limit = (int)v;
    } else if (rc != CG_NOT_FOUND) {
        cg_err_add_violation(err, "limit", "must be a whole number");
    }
    rc = gw_query_get(query, "cursor", cursor, GW_ADMIN_CURSOR_MAX + 1);
    if (rc != CG_OK && rc != CG_NOT_FOUND) {
        cursor[0] = '\0';
        cg_err_add_violation(err, "cursor", "is not a cursor this list gave out");
    }
    return err->code;
}

cg_code gw_people_filters(const char *query, char role[GW_ROLE_NAME_MAX],
                          char q[GW_PEOPLE_Q_MAX_BYTES + 1], cg_err *err)
{
    cg_err_clear(err);
    role[0] = q[0] = '\0';
    cg_code rc = gw_query_get(query, "role", role, GW_ROLE_NAME_MAX);
    if ((rc != CG_OK && rc != CG_NOT_FOUND) || (rc == CG_OK && !gw_role_known(role))) {
        role[0] = '\0';
        cg_err_add_violation(err, "role", "must be one of the roles of docs/access.md");
    }
    rc = gw_query_get(query, "q", q, GW_PEOPLE_Q_MAX_BYTES + 1);
    if ((rc != CG_OK && rc != CG_NOT_FOUND) ||
        (rc == CG_OK && (q[0] == '\0' || !cg_utf8_valid(q, strlen(q)) ||
                         cg_utf8_length(q) > GW_PEOPLE_Q_MAX_CHARS))) {
        q[0] = '\0';
        cg_err_add_violation(err, "q", "must be 1 to %d characters of UTF-8",
                             GW_PEOPLE_Q_MAX_CHARS);
    }
    return err->code;
}
