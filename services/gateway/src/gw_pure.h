/* The gateway's pure logic: no server, no database, no NATS. Everything here
 * is a function of its arguments, so the unit tests exercise it directly.
 *
 * http_util.c: request ids, media types, query strings, bearer tokens,
 *              reason phrases, times.
 * json_map.c:  JSON request bodies -> protobuf requests (with validation
 *              that reports every bad field), protobuf replies -> JSON, and
 *              the problem+json document. */
#ifndef GW_PURE_H
#define GW_PURE_H

#include <cjson/cJSON.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "cg/status.h"
#include "cg/util.h"
#include "cleangrid/v1/case.pb-c.h"
#include "cleangrid/v1/common.pb-c.h"
#include "cleangrid/v1/intake.pb-c.h"

/* The account behind a valid bearer token (auth.c fills it, the session
 * cache keeps copies). Fixed-size so it lives on the handler's stack and is
 * copied with one assignment. */
/* Most roles an account holds (the database's accounts_roles_known says the
 * same). */
#define GW_MAX_ROLES 4
/* Longest role name, "inspection_lead", and a terminator, with room. */
#define GW_ROLE_NAME_MAX 24

typedef struct gw_principal {
    char id[CG_UUID_LEN];
    char username[65];
    char display_name[400];
    /* The account's roles; nroles is 1 to GW_MAX_ROLES. role_list holds the
     * same names joined with commas, as logs and the audit trail show them. */
    char roles[GW_MAX_ROLES][GW_ROLE_NAME_MAX];
    int nroles;
    char role_list[GW_MAX_ROLES * GW_ROLE_NAME_MAX];
    char person_id[65]; /* "" when the account is linked to no person */
    char org_code[65];
    char org_name[512];
    char org_name_zh[512];
    char org_path[512];
} gw_principal;

/* --- http_util.c --------------------------------------------------------- */

#define GW_REQUEST_ID_MAX 64
/* "2026-11-26T01:02:03.456Z" and a terminator, with room for odd years. */
#define GW_TIME_LEN 32
/* 32 random bytes as unpadded base64url. */
#define GW_TOKEN_LEN 43
#define GW_IDEMPOTENCY_KEY_MAX 128
/* Deepest nesting of arrays and objects a request body may have. */
#define GW_JSON_MAX_DEPTH 16

/* True if s is 1 to 64 characters of [A-Za-z0-9._-]. */
bool gw_request_id_valid(const char *s);

/* The request id to use: header (may be NULL) when it is valid, otherwise a
 * fresh UUID. out holds GW_REQUEST_ID_MAX + 1 bytes. */
void gw_request_id_pick(const char *header, char out[GW_REQUEST_ID_MAX + 1]);

/* True if an Idempotency-Key header value is 1 to 128 printable ASCII
 * characters without spaces. */
bool gw_idempotency_key_valid(const char *s);

/* True if content_type (may be NULL) is application/json, in any case, with
 * optional parameters; a charset parameter must name UTF-8, the only
 * encoding JSON has. */
bool gw_media_type_is_json(const char *content_type);

/* True if content_type (may be NULL) is text/csv, in any case, with any
 * parameters: what an import of a spreadsheet's table is sent as. */
bool gw_media_type_is_csv(const char *content_type);

/* Format Unix milliseconds as RFC 3339 UTC with milliseconds. Returns false
 * (and writes "") for a time gmtime cannot represent in four-digit years. */
bool gw_format_time_ms(int64_t ms, char out[GW_TIME_LEN]);

/* Whether the path of a request target as the client sent it (raw, up to
 * its query) holds a dot segment: "." or "..", written plainly or with
 * %2e. civetweb resolves them before the routes see the path, so
 * /api/v1/a/../b would reach the route /api/v1/b; no path of the API or of
 * the console has one, so such a request is refused instead. */
bool gw_path_has_dot_segment(const char *raw);

/* Decode the percent escapes of a request's path as the client sent it
 * (raw, without its query) into out (size bytes, NUL-terminated). False,
 * with out undefined, when the path cannot name a resource: an escape that
 * is not % and two hex digits, %00 (a C string would end there, and
 * /api/v1/risk/alerts/1%00x would reach alert 1), bytes that are not
 * UTF-8 once decoded, or no room. '+' stays '+': it is a space only in a
 * query. */
bool gw_path_decode(const char *raw, char *out, size_t size);

/* Whether a request's head frames it unambiguously (RFC 9112 sections 3.2,
 * 5.1, 6.1 and 6.3), given its header names and values (n of each,
 * borrowed) and its HTTP version ("1.1"): no header name holding white
 * space ("Transfer-Encoding :"), at most one Content-Length and that one
 * only digits (not "+2"), not both Content-Length and Transfer-Encoding,
 * and a Host on HTTP/1.1. False with the reason in detail (size bytes)
 * otherwise: the request is answered 400 and the connection closed, so no
 * byte after it is read as a request of its own. */
bool gw_framing_ok(const char *const *names, const char *const *values, int n,
                   const char *http_version, char *detail, size_t size);

/* Look name up in a raw query string (may be NULL) and URL-decode its first
 * value into out. Returns CG_NOT_FOUND when absent, CG_INVALID_ARGUMENT when
 * the value does not fit out or decodes to a NUL, CG_OK otherwise. */
cg_code gw_query_get(const char *query, const char *name, char *out, size_t out_size);

/* How many times name is given in a raw query string (may be NULL). */
size_t gw_query_count(const char *query, const char *name);

/* Find the token in an Authorization header value (may be NULL): the scheme
 * "Bearer" in any case, one or more spaces, then exactly GW_TOKEN_LEN
 * base64url characters. On true *token points into header. */
bool gw_bearer_token(const char *header, const char **token);

/* The reason phrase of an HTTP status ("Bad Request"), or "Error". */
const char *gw_http_reason(int status);

/* --- json_map.c ---------------------------------------------------------- */

/* Parse a request body of len bytes (buf need not be terminated). On CG_OK
 * *out is the document, owned by the caller (cJSON_Delete). A body that is
 * not UTF-8, holds a NUL, nests deeper than GW_JSON_MAX_DEPTH, is not JSON or
 * has anything but whitespace after the document is INVALID_ARGUMENT with a
 * message saying which. */
cg_code gw_json_parse_body(const char *buf, size_t len, cJSON **out, cg_err *err);

/* Map a public report body (borrowed) onto out, which the caller initialised
 * with cleangrid__v1__submit_report_request__init(). Strings in out borrow
 * from body, so out is valid only while body lives and is never freed with
 * protobuf_c_message_free_unpacked(). *unit_code receives the requested org
 * unit code (borrowed from body, or the default "hq"); the caller resolves it
 * to out->org_path. Only the body's shape is checked (members, their JSON
 * types, the required ones); the values are intake's to check. Every bad
 * field is reported in err (INVALID_ARGUMENT). */
cg_code gw_map_submit_report(const cJSON *body, Cleangrid__V1__SubmitReportRequest *out,
                             const char **unit_code, cg_err *err);

/* Map {"receipt": "..."} onto out (initialised by the caller); out->receipt
 * borrows from body. Whether it has its 16 digits is intake's rule. */
cg_code gw_map_report_status(const cJSON *body, Cleangrid__V1__GetReportStatusRequest *out,
                             cg_err *err);

/* Map {"username": ..., "password": ...}; both results borrow from body. */
cg_code gw_map_login(const cJSON *body, const char **username, const char **password, cg_err *err);

/* Read ?limit= (a whole number, default CG_PAGE_SIZE_DEFAULT; the service
 * that holds the list checks its range) and ?cursor= from a raw query string into
 * page (initialised by the caller). page->cursor points into cursor_buf,
 * which the caller provides and keeps while page is used. */
cg_code gw_map_page(const char *query, Cleangrid__V1__PageRequest *page, char *cursor_buf,
                    size_t cursor_buf_size, cg_err *err);

/* Overwrite every string in doc (values and member names) with zeros, then
 * cJSON_Delete it. For trees that held a password, a token, a receipt or a
 * reporter's identity. NULL is fine. */
void gw_json_delete_wiped(cJSON *doc);

/* Add a string member, a NULL value as "". False when out of memory. */
bool gw_json_add_str(cJSON *obj, const char *key, const char *value);
/* obj when every member went in (ok), else NULL with obj freed: a builder
 * adds its members with &&, so one failed allocation fails the whole. */
cJSON *gw_json_finish(cJSON *obj, bool ok);

/* Add key as an RFC 3339 string, or null when ms is 0 (not given) or cannot
 * be formatted. Returns false when out of memory. */
bool gw_json_add_time(cJSON *obj, const char *key, int64_t ms);

/* Add key as an array of the names in a comma-separated list ("a,b" gives
 * ["a", "b"]; "" gives []). Returns false when out of memory. */
bool gw_json_add_name_list(cJSON *obj, const char *key, const char *list);

/* Replies as API JSON. Each returns a new tree owned by the caller
 * (cJSON_Delete), or NULL when out of memory. */
cJSON *gw_json_submit_reply(const Cleangrid__V1__SubmitReportReply *reply);
cJSON *gw_json_report_status(const Cleangrid__V1__GetReportStatusReply *reply);

/* The RFC 9457 problem document. type is derived from code_name
 * ("INVALID_ARGUMENT" -> "urn:cleangrid:problem:invalid-argument"); errors[]
 * comes from err's violations when err is not NULL and has any. Returns a new
 * tree owned by the caller, or NULL when out of memory. */
cJSON *gw_json_problem(int status, const char *code_name, const char *detail, const char *instance,
                       const char *request_id, const cg_err *err);

#endif
