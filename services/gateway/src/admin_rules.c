/* The administration API's pure rules (admin_rules.h). */
#include "admin_rules.h"

#include <stdlib.h>
#include <string.h>

#include "access.h"
#include "accounts.h"
#include "gw_pure.h"

bool gw_username_valid(const char *s)
{
    size_t n = s ? strlen(s) : 0;
    if (n == 0 || n > 64 || s[0] == '.' || s[0] == '-' || s[0] == '_')
        return false;
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-'))
            return false;
    }
    return true;
}

bool gw_unit_code_valid(const char *s)
{
    size_t n = s ? strlen(s) : 0;
    if (n == 0 || n > 64)
        return false;
    for (size_t i = 0; i < n; i++)
        if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= '0' && s[i] <= '9') || s[i] == '_'))
            return false;
    return true;
}

bool gw_role_known(const char *s)
{
    for (size_t i = 0; s != NULL && i < gw_nroles; i++)
        if (strcmp(gw_roles[i].name, s) == 0)
            return true;
    return false;
}

cg_code gw_body_fields(const cJSON *body, gw_body_field *fields, size_t n, cg_err *err)
{
    cg_err_clear(err);
    for (size_t i = 0; i < n; i++)
        fields[i].value = NULL;
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
        } else if (!cJSON_IsString(m)) {
            cg_err_add_violation(err, f->name, "must be a string");
        } else if (m->valuestring[0] == '\0') {
            cg_err_add_violation(err, f->name, "must not be empty");
        } else if (f->max_chars > 0 && gw_utf8_chars(m->valuestring) > f->max_chars) {
            cg_err_add_violation(err, f->name, "must be at most %zu characters", f->max_chars);
        } else {
            f->value = m->valuestring;
        }
    }
    for (size_t i = 0; i < n; i++)
        if (fields[i].required && fields[i].value == NULL &&
            cJSON_GetObjectItemCaseSensitive(body, fields[i].name) == NULL)
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
        if (end == NULL || *end != '\0' || v < 1 || v > GW_ADMIN_PAGE_MAX)
            cg_err_add_violation(err, "limit", "must be a whole number from 1 to %d",
                                 GW_ADMIN_PAGE_MAX);
        else
            *limit = (int)v;
    } else if (rc != CG_NOT_FOUND) {
        cg_err_add_violation(err, "limit", "must be a whole number from 1 to %d",
                             GW_ADMIN_PAGE_MAX);
    }
    rc = gw_query_get(query, "cursor", cursor, GW_ADMIN_CURSOR_MAX + 1);
    if (rc != CG_OK && rc != CG_NOT_FOUND) {
        cursor[0] = '\0';
        cg_err_add_violation(err, "cursor", "is not a cursor this list gave out");
    }
    return err->code;
}
