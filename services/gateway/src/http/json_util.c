/* The JSON of the HTTP layer, whatever the route: request bodies parsed
 * with their nesting bounded, RFC 9457 problems, times as RFC 3339, and
 * trees wiped before they are freed. Pure: no I/O. */
#include <ctype.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cg/util.h"
#include "gw_pure.h"

bool gw_json_add_str(cJSON *obj, const char *key, const char *value)
{
    return cJSON_AddStringToObject(obj, key, value ? value : "") != NULL;
}

cJSON *gw_json_finish(cJSON *obj, bool ok)
{
    if (!ok) {
        cJSON_Delete(obj);
        obj = NULL;
    }
    return obj;
}

/* --- bodies --------------------------------------------------------------- */

/* True if the arrays and objects in buf nest no deeper than max. cJSON
 * parses (and frees) recursively, and civetweb's worker threads have 100 KiB
 * stacks: a body of a few thousand '[' would overflow one long before
 * cJSON's own limit of 1000 levels. No request of this API nests past two,
 * so a cheap scan refuses the rest before cJSON sees them. */
static bool nesting_within(const char *buf, size_t len, int max)
{
    int depth = 0;
    bool in_string = false;
    for (size_t i = 0; i < len; i++) {
        char c = buf[i];
        if (in_string) {
            if (c == '\\')
                i++; /* the escaped character cannot end the string */
            else if (c == '"')
                in_string = false;
        } else if (c == '"') {
            in_string = true;
        } else if (c == '[' || c == '{') {
            if (++depth > max)
                return false;
        } else if (c == ']' || c == '}') {
            depth--;
        }
    }
    return true;
}

/* True if a string of the JSON text json[0..len) holds the escape \u0000,
 * which cJSON turns into a NUL byte that cuts the C string short without a
 * word: a password "secret\u0000anything" would be taken as "secret". (The
 * codec of the forwarding routes finds it on its own, per field.) */
static bool escapes_nul(const char *json, size_t len)
{
    bool in_string = false;
    for (size_t i = 0; i < len; i++) {
        if (!in_string) {
            in_string = json[i] == '"';
        } else if (json[i] == '"') {
            in_string = false;
        } else if (json[i] == '\\' && i + 1 < len) {
            /* A backslash escapes the next character only: "\\u0000" is a
             * backslash and the text u0000. */
            if (json[i + 1] == 'u' && i + 5 < len && strncmp(json + i + 2, "0000", 4) == 0)
                return true;
            i++;
        }
    }
    return false;
}

cg_code gw_json_parse_body(const char *buf, size_t len, cJSON **out, cg_err *err)
{
    const char *end = NULL;
    *out = NULL;
    cg_err_clear(err);
    /* JSON is UTF-8; this also refuses NUL bytes, which would cut strings
     * short without a word. */
    if (!cg_utf8_valid(buf, len))
        return cg_err_set(err, CG_INVALID_ARGUMENT, "the request body is not UTF-8 text");
    if (escapes_nul(buf, len))
        return cg_err_set(err, CG_INVALID_ARGUMENT,
                          "the request body holds \\u0000 (NUL), which no text may contain");
    if (!nesting_within(buf, len, GW_JSON_MAX_DEPTH))
        return cg_err_set(err, CG_INVALID_ARGUMENT, "the request body nests deeper than %d levels",
                          GW_JSON_MAX_DEPTH);
    cJSON *doc = cJSON_ParseWithLengthOpts(buf, len, &end, false);
    if (doc == NULL)
        return cg_err_set(err, CG_INVALID_ARGUMENT, "the request body is not valid JSON");
    for (; end != NULL && end < buf + len; end++) {
        if (*end != ' ' && *end != '\t' && *end != '\r' && *end != '\n') {
            cJSON_Delete(doc);
            return cg_err_set(err, CG_INVALID_ARGUMENT,
                              "the request body has data after the JSON document");
        }
    }
    *out = doc;
    return CG_OK;
}

/* --- replies -------------------------------------------------------------- */

static void wipe_strings(cJSON *item)
{
    /* Recursion is bounded: trees come from bodies checked against
     * GW_JSON_MAX_DEPTH or from the gateway's own shallow answers. */
    for (; item != NULL; item = item->next) {
        if (item->string != NULL)
            sodium_memzero(item->string, strlen(item->string));
        if (item->valuestring != NULL)
            sodium_memzero(item->valuestring, strlen(item->valuestring));
        wipe_strings(item->child);
    }
}

void gw_json_delete_wiped(cJSON *doc)
{
    if (doc == NULL)
        return;
    wipe_strings(doc);
    cJSON_Delete(doc);
}

bool gw_json_add_time(cJSON *obj, const char *key, int64_t ms)
{
    char text[GW_TIME_LEN];
    if (ms == 0 || !gw_format_time_ms(ms, text))
        return cJSON_AddNullToObject(obj, key) != NULL;
    return cJSON_AddStringToObject(obj, key, text) != NULL;
}

bool gw_json_add_name_list(cJSON *obj, const char *key, const char *list)
{
    cJSON *arr = cJSON_AddArrayToObject(obj, key);
    char name[128];
    for (const char *p = list; arr != NULL && p != NULL && *p != '\0';) {
        size_t len = strcspn(p, ",");
        /* Names are role names and the like: a longer one is cut, never
         * read past. */
        size_t kept = len < sizeof(name) - 1 ? len : sizeof(name) - 1;
        memcpy(name, p, kept);
        name[kept] = '\0';
        if (!cJSON_AddItemToArray(arr, cJSON_CreateString(name)))
            return false;
        p += len + (p[len] == ',');
    }
    return arr != NULL;
}

/* Add a string member; a protobuf string is never NULL once unpacked, but a
 * message built by hand may leave one NULL, which reads as "". */
/* --- problems ------------------------------------------------------------- */

cJSON *gw_json_problem(int status, const char *code_name, const char *detail, const char *instance,
                       const char *request_id, const cg_err *err)
{
    char type[96] = "urn:cleangrid:problem:";
    size_t n = strlen(type);
    for (const char *c = code_name; *c != '\0' && n + 1 < sizeof(type); c++)
        type[n++] = *c == '_' ? '-' : (char)tolower((unsigned char)*c);
    type[n] = '\0';

    cJSON *obj = cJSON_CreateObject();
    bool ok =
        obj != NULL && gw_json_add_str(obj, "type", type) &&
        gw_json_add_str(obj, "title", gw_http_reason(status)) &&
        cJSON_AddNumberToObject(obj, "status", status) != NULL &&
        gw_json_add_str(obj, "detail", detail) && gw_json_add_str(obj, "instance", instance) &&
        gw_json_add_str(obj, "code", code_name) && gw_json_add_str(obj, "request_id", request_id);
    if (ok && err != NULL && err->nviolations > 0) {
        cJSON *errors = cJSON_AddArrayToObject(obj, "errors");
        ok = errors != NULL;
        for (size_t i = 0; ok && i < err->nviolations && i < CG_ERR_MAX_VIOLATIONS; i++) {
            cJSON *e = cJSON_CreateObject();
            ok = e != NULL && cJSON_AddItemToArray(errors, e) &&
                 gw_json_add_str(e, "field", err->violations[i].field) &&
                 gw_json_add_str(e, "description", err->violations[i].description);
        }
    }
    return gw_json_finish(obj, ok);
}
