/* The hand-written JSON <-> protobuf mappings that remain beside the codec:
 * the public routes (a report, its follow-up by receipt), which check a
 * body's shape before anything reaches intake and wipe the receipt from the
 * answer, the login body, and a list's page parameters. The routes that
 * forward to a service otherwise are rows (routes.c, forward.h).
 *
 * Validation reports every bad field at once (up to CG_ERR_MAX_VIOLATIONS),
 * so a client fixes a form in one round trip. Unknown fields are errors: a
 * misspelt optional field would otherwise drop the reporter's data without a
 * word. A JSON null counts as "not given", which is what most form libraries
 * send for an empty optional field. */
#include <ctype.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cg/limits.h"
#include "cg/util.h"
#include "gw_pure.h"

#define DEFAULT_UNIT_CODE "hq"

typedef enum field_kind {
    FIELD_STRING,
    FIELD_BOOL,
} field_kind;

/* One member a body may carry. */
typedef struct field_spec {
    const char *name;
    field_kind kind;
    bool required;
    bool nonblank;    /* strings: whitespace alone is not a value */
    size_t min_chars; /* strings: code points, 0 for no minimum */
    size_t max_chars; /* strings: code points; 0 when the service that stores
                         the value bounds it, not the gateway */
} field_spec;

#define MAX_FIELDS 16

/* What check_body() found, indexed like the spec table. */
typedef struct field_values {
    const cJSON *item[MAX_FIELDS]; /* NULL when absent or null */
    bool ok[MAX_FIELDS];           /* present and of the right type and size */
} field_values;

static bool is_blank(const char *s)
{
    for (; *s != '\0'; s++)
        if (!isspace((unsigned char)*s))
            return false;
    return true;
}

static void check_string(const field_spec *spec, const char *s, bool *ok, cg_err *err)
{
    size_t len = strlen(s);
    if (spec->max_chars == 0) {
        /* A value the gateway passes on: the body was UTF-8 as a whole
         * (gw_json_parse_body), and the rest is the service's rule. */
        *ok = true;
        return;
    }
    if (!cg_utf8_valid(s, len)) {
        cg_err_add_violation(err, spec->name, "must be valid UTF-8 text");
        return;
    }
    size_t chars = cg_utf8_length(s);
    if (spec->min_chars > 0 && (chars < spec->min_chars || chars > spec->max_chars)) {
        if (spec->min_chars == spec->max_chars)
            cg_err_add_violation(err, spec->name, "must be %zu characters", spec->min_chars);
        else
            cg_err_add_violation(err, spec->name, "must be %zu to %zu characters", spec->min_chars,
                                 spec->max_chars);
        return;
    }
    if (chars > spec->max_chars) {
        cg_err_add_violation(err, spec->name, "must be at most %zu characters", spec->max_chars);
        return;
    }
    if (spec->nonblank && is_blank(s)) {
        cg_err_add_violation(err, spec->name, "must not be blank");
        return;
    }
    *ok = true;
}

/* Check that body is an object whose members are all in specs, each once,
 * each of its kind and size, and that the required ones are there. Fills
 * values and adds a violation to err for each problem; returns err's code. */
static cg_code check_body(const cJSON *body, const field_spec *specs, size_t nspecs,
                          field_values *values, cg_err *err)
{
    bool seen[MAX_FIELDS] = {false};
    bool twice[MAX_FIELDS] = {false};
    memset(values, 0, sizeof(*values));
    if (!cJSON_IsObject(body))
        return cg_err_set(err, CG_INVALID_ARGUMENT, "the request body must be a JSON object");

    for (const cJSON *m = body->child; m != NULL; m = m->next) {
        size_t i = 0;
        while (i < nspecs && strcmp(specs[i].name, m->string) != 0)
            i++;
        if (i == nspecs) {
            cg_err_add_violation(err, m->string, "is not a known field");
            continue;
        }
        if (seen[i]) {
            /* cJSON keeps both copies; which one a reader takes is a guess,
             * so neither is used. */
            if (!twice[i])
                cg_err_add_violation(err, specs[i].name, "is given more than once");
            twice[i] = true;
            values->item[i] = NULL;
            continue;
        }
        seen[i] = true;
        if (!cJSON_IsNull(m))
            values->item[i] = m;
    }

    for (size_t i = 0; i < nspecs; i++) {
        const field_spec *spec = &specs[i];
        const cJSON *item = values->item[i];
        if (twice[i])
            continue;
        if (item == NULL) {
            if (spec->required)
                cg_err_add_violation(err, spec->name, "is required");
            continue;
        }
        if (spec->kind == FIELD_STRING) {
            if (!cJSON_IsString(item) || item->valuestring == NULL)
                cg_err_add_violation(err, spec->name, "must be a string");
            else
                check_string(spec, item->valuestring, &values->ok[i], err);
        } else {
            if (!cJSON_IsBool(item))
                cg_err_add_violation(err, spec->name, "must be true or false");
            else
                values->ok[i] = true;
        }
    }
    return err->code;
}

/* The string at index i when it passed its checks, else NULL. */
static const char *value_str(const field_values *v, size_t i)
{
    return v->ok[i] ? v->item[i]->valuestring : NULL;
}

/* --- public reports ------------------------------------------------------- */

enum {
    R_CATEGORY,
    R_CONTENT,
    R_LOCATION,
    R_ACCUSED_PERSON,
    R_ACCUSED_UNIT,
    R_UNIT_CODE,
    R_ANONYMOUS,
    R_REPORTER_NAME,
    R_REPORTER_PHONE,
    R_CHANNEL,
    R_COUNT,
};

/* Only the shape: what may be there, of which JSON type, and what must be.
 * The lengths, the phone's characters, the channel's pattern and the rules
 * between anonymous and the reporter's identity are intake's
 * (services/intake/src/validate.c), which names the same fields. The unit
 * code is the gateway's own: it resolves it to the unit's org path. */
static const field_spec report_fields[R_COUNT] = {
    [R_CATEGORY] = {"category", FIELD_STRING, true, false, 0, 0},
    [R_CONTENT] = {"content", FIELD_STRING, true, false, 0, 0},
    [R_LOCATION] = {"location", FIELD_STRING, false, false, 0, 0},
    [R_ACCUSED_PERSON] = {"accused_person", FIELD_STRING, false, false, 0, 0},
    [R_ACCUSED_UNIT] = {"accused_unit", FIELD_STRING, false, false, 0, 0},
    [R_UNIT_CODE] = {"unit_code", FIELD_STRING, false, true, 1, 64},
    [R_ANONYMOUS] = {"anonymous", FIELD_BOOL, true, false, 0, 0},
    [R_REPORTER_NAME] = {"reporter_name", FIELD_STRING, false, false, 0, 0},
    [R_REPORTER_PHONE] = {"reporter_phone", FIELD_STRING, false, false, 0, 0},
    [R_CHANNEL] = {"channel", FIELD_STRING, false, false, 0, 0},
};

cg_code gw_map_submit_report(const cJSON *body, Cleangrid__V1__SubmitReportRequest *out,
                             const char **unit_code, cg_err *err)
{
    field_values v;
    cg_err_clear(err);
    *unit_code = DEFAULT_UNIT_CODE;
    if (check_body(body, report_fields, R_COUNT, &v, err) != CG_OK)
        return err->code;

    out->category = (char *)value_str(&v, R_CATEGORY);
    out->content = (char *)value_str(&v, R_CONTENT);
    if (v.ok[R_LOCATION])
        out->location = (char *)value_str(&v, R_LOCATION);
    if (v.ok[R_ACCUSED_PERSON])
        out->accused_person = (char *)value_str(&v, R_ACCUSED_PERSON);
    if (v.ok[R_ACCUSED_UNIT])
        out->accused_unit = (char *)value_str(&v, R_ACCUSED_UNIT);
    out->anonymous = cJSON_IsTrue(v.item[R_ANONYMOUS]);
    if (v.ok[R_REPORTER_NAME])
        out->reporter_name = (char *)value_str(&v, R_REPORTER_NAME);
    if (v.ok[R_REPORTER_PHONE])
        out->reporter_phone = (char *)value_str(&v, R_REPORTER_PHONE);
    if (v.ok[R_UNIT_CODE])
        *unit_code = value_str(&v, R_UNIT_CODE);
    if (v.ok[R_CHANNEL])
        out->channel = (char *)value_str(&v, R_CHANNEL);
    return CG_OK;
}

/* Whether the receipt has its 16 digits is intake's rule. */
static const field_spec status_fields[] = {
    {"receipt", FIELD_STRING, true, false, 0, 0},
};

cg_code gw_map_report_status(const cJSON *body, Cleangrid__V1__GetReportStatusRequest *out,
                             cg_err *err)
{
    field_values v;
    cg_err_clear(err);
    if (check_body(body, status_fields, 1, &v, err) != CG_OK)
        return err->code;
    out->receipt = (char *)value_str(&v, 0);
    return CG_OK;
}

/* --- login ---------------------------------------------------------------- */

static const field_spec login_fields[] = {
    {"username", FIELD_STRING, true, true, 1, 64},
    /* A bound keeps an attacker from making argon2 hash megabytes. */
    {"password", FIELD_STRING, true, false, 1, 1024},
};

cg_code gw_map_login(const cJSON *body, const char **username, const char **password, cg_err *err)
{
    field_values v;
    cg_err_clear(err);
    if (check_body(body, login_fields, 2, &v, err) != CG_OK)
        return err->code;
    *username = value_str(&v, 0);
    *password = value_str(&v, 1);
    return CG_OK;
}

/* --- pages ---------------------------------------------------------------- */

cg_code gw_map_page(const char *query, Cleangrid__V1__PageRequest *page, char *cursor_buf,
                    size_t cursor_buf_size, cg_err *err)
{
    char limit[16];
    cg_err_clear(err);
    page->page_size = CG_PAGE_SIZE_DEFAULT;
    page->cursor = cursor_buf;
    cursor_buf[0] = '\0';

    /* Only a whole number is checked here; whether it is 1 to
     * CG_PAGE_SIZE_MAX is the rule of the service that holds the list
     * (cg_check_page_size). 0 would mean "the default" to it, and a number
     * past what an int32 holds cannot reach it: both are sent as -1 and
     * 2147483647, which it refuses with the same words as 101. */
    cg_code rc = gw_query_get(query, "limit", limit, sizeof(limit));
    if (rc == CG_OK) {
        char *end = NULL;
        const char *digits = limit[0] == '-' ? limit + 1 : limit;
        long long n = digits[0] >= '0' && digits[0] <= '9' ? strtoll(limit, &end, 10) : 0;
        if (end == NULL || *end != '\0')
            cg_err_add_violation(err, "limit", "must be a whole number");
        else
            page->page_size = n < 1 ? -1 : n > INT32_MAX ? INT32_MAX : (int32_t)n;
    } else if (rc != CG_NOT_FOUND) {
        cg_err_add_violation(err, "limit", "must be a whole number");
    }

    rc = gw_query_get(query, "cursor", cursor_buf, cursor_buf_size);
    if (rc == CG_INVALID_ARGUMENT ||
        (rc == CG_OK && !cg_utf8_valid(cursor_buf, strlen(cursor_buf))))
        cg_err_add_violation(err, "cursor", "is not a cursor this API gave out");
    if (err->code != CG_OK)
        cursor_buf[0] = '\0';
    return err->code;
}

/* --- replies -------------------------------------------------------------- */

cJSON *gw_json_submit_reply(const Cleangrid__V1__SubmitReportReply *reply)
{
    cJSON *obj = cJSON_CreateObject();
    bool ok = obj != NULL && gw_json_add_str(obj, "report_id", reply->report_id) &&
              gw_json_add_str(obj, "receipt", reply->receipt) &&
              gw_json_add_str(obj, "status", "received") &&
              gw_json_add_time(obj, "submitted_at", reply->submitted_at_ms);
    return gw_json_finish(obj, ok);
}

cJSON *gw_json_report_status(const Cleangrid__V1__GetReportStatusReply *reply)
{
    cJSON *obj = cJSON_CreateObject();
    bool ok = obj != NULL && gw_json_add_str(obj, "status", reply->report_status) &&
              gw_json_add_time(obj, "submitted_at", reply->submitted_at_ms) &&
              gw_json_add_time(obj, "updated_at", reply->updated_at_ms);
    return gw_json_finish(obj, ok);
}
