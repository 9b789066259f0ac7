/* The password policy and the change-password body (see accounts.h). Pure:
 * no database, so the unit tests run it as it is. */
#include "accounts.h"
#include "cg/util.h"
#include "cg/validate.h"

#include <ctype.h>
#include <stddef.h> /* crack.h uses size_t without it */
#include <crack.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

/* The common passwords, lower case, sorted for bsearch; loaded once. */
static char **common;
static size_t ncommon;
/* cracklib keeps state between calls; one check at a time. */
static pthread_mutex_t crack_lock = PTHREAD_MUTEX_INITIALIZER;

static int compare(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static void lower(char *s)
{
    for (; *s != '\0'; s++)
        *s = (char)tolower((unsigned char)*s);
}

cg_code gw_password_policy_load(const char *path, cg_err *err)
{
    char line[256], dict[1024];
    char **list = NULL;
    size_t n = 0, cap = 0;
    FILE *f = fopen(path, "r");
    if (f == NULL)
        return cg_err_set(err, CG_INVALID_ARGUMENT,
                          "CG_PASSWORD_DENY_LIST: cannot read %s (Debian: apt install john-data)",
                          path);
    while (fgets(line, sizeof(line), f) != NULL) {
        line[strcspn(line, "\r\n")] = '\0';
        if (line[0] == '\0' || strncmp(line, "#!", 2) == 0)
            continue;
        if (n == cap) {
            cap = cap ? 2 * cap : 4096;
            char **bigger = realloc(list, cap * sizeof(*list));
            if (bigger == NULL)
                break;
            list = bigger;
        }
        lower(line);
        if ((list[n] = strdup(line)) == NULL)
            break;
        n++;
    }
    fclose(f);
    qsort(list, n, sizeof(*list), compare);
    common = list;
    ncommon = n;
    snprintf(dict, sizeof(dict), "%s.pwd", GetDefaultCracklibDict());
    if (access(dict, R_OK) != 0)
        return cg_err_set(err, CG_INVALID_ARGUMENT,
                          "cracklib's dictionary %s is missing (Debian: apt install "
                          "cracklib-runtime)",
                          dict);
    return CG_OK;
}

static bool is_common(const char *lowered)
{
    return ncommon > 0 && bsearch(&lowered, common, ncommon, sizeof(*common), compare) != NULL;
}

/* What cracklib says of pw (NULL: nothing), for username. */
static const char *crack_says(const char *pw, const char *username)
{
    pthread_mutex_lock(&crack_lock);
    const char *why = username != NULL
                          ? FascistCheckUser(pw, GetDefaultCracklibDict(), username, NULL)
                          : FascistCheck(pw, GetDefaultCracklibDict());
    pthread_mutex_unlock(&crack_lock);
    return why;
}

/* Whether pw, in lower case, is a common password or a dictionary word
 * once the digits and symbols around it are taken away: "Password1234",
 * "!!dragon!!". */
static bool common_at_heart(const char *pw)
{
    char core[GW_PASSWORD_MAX_BYTES + 1];
    const char *start = pw;
    while (*start != '\0' && !isalpha((unsigned char)*start))
        start++;
    size_t len = strlen(start);
    while (len > 0 && !isalpha((unsigned char)start[len - 1]))
        len--;
    if (len >= sizeof(core))
        return false;
    memcpy(core, start, len);
    core[len] = '\0';
    lower(core);
    if (is_common(core))
        return true;
    const char *why = len >= 4 ? crack_says(core, NULL) : NULL;
    return why != NULL && strstr(why, "dictionary word") != NULL;
}

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
    if (cg_text_has_control(new_password, false))
        cg_err_add_violation(err, field, "must not contain control characters");
    if (username != NULL && strcasecmp(username, new_password) == 0)
        cg_err_add_violation(err, field, "must not be the username");
    if (current != NULL && strcmp(current, new_password) == 0)
        cg_err_add_violation(err, field, "must differ from the current password");
    if (err->nviolations > 0)
        return err->code;
    char lowered[GW_PASSWORD_MAX_BYTES + 1];
    cg_strlcpy(lowered, new_password, sizeof(lowered));
    lower(lowered);
    const char *why = NULL;
    if (is_common(lowered))
        cg_err_add_violation(err, field, "is one of the most common passwords");
    else if (common_at_heart(new_password))
        cg_err_add_violation(err, field,
                             "is a common word or password with digits or symbols around it");
    else if ((why = crack_says(new_password, username)) != NULL)
        cg_err_add_violation(err, field, "is too easy to guess: %s", why);
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
