/* The password policy and the change-password body (see accounts.h). Pure:
 * no database, so the unit tests run it as it is. */
#include "accounts.h"

#include <string.h>
#include <strings.h>

/* Every byte that is not a continuation byte starts a code point. */
size_t gw_utf8_chars(const char *s)
{
    size_t n = 0;
    for (; *s != '\0'; s++)
        if (((unsigned char)*s & 0xc0) != 0x80)
            n++;
    return n;
}

cg_code gw_password_policy_check(const char *username, const char *current,
                                 const char *new_password, const char *field, cg_err *err)
{
    cg_err_clear(err);
    if (new_password == NULL) {
        cg_err_add_violation(err, field, "is required");
        return err->code;
    }
    if (strlen(new_password) > GW_PASSWORD_MAX_BYTES)
        cg_err_add_violation(err, field, "must be at most %d bytes", GW_PASSWORD_MAX_BYTES);
    else if (gw_utf8_chars(new_password) < GW_PASSWORD_MIN_CHARS)
        cg_err_add_violation(err, field, "must be at least %d characters", GW_PASSWORD_MIN_CHARS);
    if (username != NULL && strcasecmp(username, new_password) == 0)
        cg_err_add_violation(err, field, "must not be the username");
    if (current != NULL && strcmp(current, new_password) == 0)
        cg_err_add_violation(err, field, "must differ from the current password");
    return err->code;
}

cg_code gw_map_password_change(const cJSON *body, const char **current, const char **new_password,
                               cg_err *err)
{
    cg_err_clear(err);
    *current = NULL;
    *new_password = NULL;
    if (!cJSON_IsObject(body)) {
        cg_err_add_violation(err, "", "the body must be a JSON object");
        return err->code;
    }
    for (const cJSON *m = body->child; m != NULL; m = m->next) {
        if (strcmp(m->string, "current_password") == 0 && cJSON_IsString(m))
            *current = m->valuestring;
        else if (strcmp(m->string, "new_password") == 0 && cJSON_IsString(m))
            *new_password = m->valuestring;
        else if (strcmp(m->string, "current_password") == 0 ||
                 strcmp(m->string, "new_password") == 0)
            cg_err_add_violation(err, m->string, "must be a string");
        else
            cg_err_add_violation(err, m->string, "is not a member of this request");
    }
    if (*current == NULL && err->nviolations == 0)
        cg_err_add_violation(err, "current_password", "is required");
    if (*new_password == NULL && err->nviolations == 0)
        cg_err_add_violation(err, "new_password", "is required");
    return err->code;
}
