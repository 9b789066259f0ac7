/* The HTTP server: civetweb setup, dispatch, responses, problem+json,
 * request ids, body reading and the access log.
 *
 * Every request goes through on_request(), which civetweb calls on one of
 * its worker threads. dispatch() finds the request's route in the route
 * table (routes.c) and checks the login and the permission the route
 * declares before it calls the handler. A handler answers exactly once
 * through the gw_http_send functions; each response is written with a single
 * mg_write, so a small answer leaves in one TCP segment. */
#include <civetweb.h>
#include <errno.h>
#include <limits.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include "cg/idempotency.h"
#include "cg/log.h"
#include "cg/nats.h"
#include "cg/util.h"
#include "conn_guard.h"
#include "etag.h"
#include "gateway.h"

/* Longest path written to the access log; a path is attacker-chosen. */
#define LOG_PATH_MAX 256

/* --- responses ------------------------------------------------------------ */

/* True if the request carries a body we have not read. Answering it on a
 * kept-alive connection would make civetweb parse the leftover body as the
 * next request, so such a connection is closed after the answer. */
static bool body_left_unread(const gw_request *req)
{
    if (req->body_consumed)
        return false;
    const struct mg_request_info *ri = mg_get_request_info(req->conn);
    if (ri->content_length > 0)
        return true;
    return gw_http_header(req, "Transfer-Encoding") != NULL;
}

/* Whether civetweb keeps this connection open after the answer; what we say
 * in the Connection header must agree with what it does. */
static bool keep_alive(const gw_request *req, int status)
{
    const struct mg_request_info *ri = mg_get_request_info(req->conn);
    const char *conn_header = gw_http_header(req, "Connection");
    /* civetweb closes after a 401 on its own. */
    if (req->must_close || status == 401 || body_left_unread(req))
        return false;
    if (conn_header != NULL)
        return strcasecmp(conn_header, "keep-alive") == 0;
    return ri->http_version != NULL && strcmp(ri->http_version, "1.1") == 0;
}

/* The answer when an answer could not be built (out of memory, or a
 * service's reply that breaks its contract). */
static const char oom_problem[] = "{\"type\":\"urn:cleangrid:problem:internal\",\"title\":"
                                  "\"Internal Server Error\",\"status\":500,\"detail\":"
                                  "\"internal error\",\"code\":\"INTERNAL\"}";

/* On every answer, errors included. The API serves JSON only, so its policy
 * allows nothing to load or run and no page to frame it; the web console
 * brings its own (static.c, req->web_headers), still without inline
 * script. */
#define SECURITY_HEADERS                                                                           \
    "Cache-Control: no-store\r\n"                                                                  \
    "X-Content-Type-Options: nosniff\r\n"                                                          \
    "Content-Security-Policy: default-src 'none'; frame-ancestors 'none'\r\n"                      \
    "X-Frame-Options: DENY\r\n"                                                                    \
    "Referrer-Policy: no-referrer\r\n"

/* Begin an answer of status: write (or spool) the request's audit record
 * with that status, decide keep-alive, and format the status line and
 * headers, for a body of body_len bytes, into head (GW_HEAD_MAX bytes).
 * Returns the head's length, or 0 when nothing is left to send: the record
 * could be kept nowhere (503 answered instead, audit.h) or the head did not
 * fit. *with_body says whether the body follows the head (not for HEAD,
 * 204 or 304). Records the status for the access log. */
#define GW_HEAD_MAX 1024
static size_t begin_answer(gw_request *req, int status, const char *content_type, size_t body_len,
                           const char *allow, char *head, bool *with_body)
{
    /* The request's audit record is written (or spooled) before its answer
     * leaves, with the status of that answer. A success whose record can be
     * neither is answered 503 instead (audit.h); the armed record is gone by
     * then, so the 503 does not come back here. */
    if (!gw_audit_before_answer(req, status)) {
        gw_http_send_problem(req, 503, "UNAVAILABLE",
                             "the audit trail cannot be written; try again later", NULL, NULL);
        return 0;
    }
    bool keep = keep_alive(req, status);
    /* 204 and 304 never have a body (RFC 9110). */
    bool no_body = status == 204 || status == 304;
    *with_body = !no_body && !(req->method != NULL && strcmp(req->method, "HEAD") == 0);
    int n = snprintf(head, GW_HEAD_MAX,
                     "HTTP/1.1 %d %s\r\n"
                     "X-Request-Id: %s\r\n%sConnection: %s\r\n"
                     "%s%s%s"
                     "%s%s",
                     status, gw_http_reason(status), req->request_id,
                     req->web_headers ? req->web_headers : SECURITY_HEADERS,
                     keep ? "keep-alive" : "close", allow ? "Allow: " : "", allow ? allow : "",
                     allow ? "\r\n" : "", status == 401 ? "WWW-Authenticate: Bearer\r\n" : "",
                     req->extra_headers);
    if (!no_body && n > 0 && (size_t)n < GW_HEAD_MAX)
        n += snprintf(head + n, GW_HEAD_MAX - (size_t)n,
                      "Content-Type: %s\r\nContent-Length: %zu\r\n",
                      content_type ? content_type : "application/json", body_len);
    if (n < 0 || (size_t)n + 2 >= GW_HEAD_MAX) {
        /* Cannot happen with the fixed header set above; fail safe anyway. */
        mg_disable_connection_keep_alive(req->conn);
        req->status = 500;
        return 0;
    }
    memcpy(head + n, "\r\n", 2);
    n += 2;
    if (!keep)
        mg_disable_connection_keep_alive(req->conn);
    req->status = status;
    return (size_t)n;
}

/* Write the whole response: status line, headers and body (may be NULL) in
 * one mg_write. */
static void send_raw(gw_request *req, int status, const char *content_type, const char *body,
                     size_t body_len, const char *allow)
{
    char head[GW_HEAD_MAX];
    char *out = NULL;
    bool with_body = false;
    size_t n = begin_answer(req, status, content_type, body_len, allow, head, &with_body);
    size_t total = n + (with_body ? body_len : 0);
    if (n == 0)
        return;
    if (req->capture != NULL)
        gw_capture_answer(req->capture, status, content_type, body, body_len);
    out = malloc(total);
    if (out == NULL) {
        /* Without memory, two writes still give a correct answer. */
        mg_write(req->conn, head, n);
        if (with_body && body_len > 0)
            mg_write(req->conn, body, body_len);
        goto cleanup;
    }
    memcpy(out, head, n);
    if (total > n)
        memcpy(out + n, body, body_len);
    if (mg_write(req->conn, out, total) < 0)
        cg_log_debug("the client went away before the answer was written");

cleanup:
    /* Answers carry tokens and receipts: no copy stays in freed memory. */
    if (out != NULL)
        sodium_memzero(out, total);
    free(out);
}

void gw_http_send_stream(gw_request *req, int status, const char *content_type, size_t len,
                         gw_body_reader read, void *arg)
{
    char head[GW_HEAD_MAX];
    bool with_body = false;
    size_t n = begin_answer(req, status, content_type, len, NULL, head, &with_body);
    char *buf = NULL;
    size_t sent = 0;
    cg_err err;
    cg_err_clear(&err);

    if (n == 0)
        goto cleanup;
    if (mg_write(req->conn, head, n) < 0 || !with_body)
        goto cleanup;
    buf = malloc(GW_STREAM_CHUNK);
    while (buf != NULL && sent < len) {
        size_t got = 0;
        if (read(arg, buf, GW_STREAM_CHUNK, &got, &err) != CG_OK || got == 0)
            break;
        if (mg_write(req->conn, buf, got) < 0) {
            cg_log_debug("the client went away before the download was written");
            goto cleanup;
        }
        sent += got;
    }
    if (sent < len) {
        /* The head promised len bytes: only a closed connection tells the
         * client that the rest will not come. */
        cg_log_fields(CG_LOG_WARN, "a download was cut short", "reason",
                      buf == NULL ? "out of memory" : err.message, NULL);
        mg_disable_connection_keep_alive(req->conn);
        req->must_close = true;
    }

cleanup:
    free(buf);
}

void gw_http_send_json(gw_request *req, int status, const cJSON *body)
{
    if (body != NULL && status < 400)
        gw_audit_list_answer(req, body);
    char *text = body ? cJSON_PrintUnformatted(body) : NULL;
    char etag[GW_ETAG_LEN];
    if (text != NULL && req->etag && status == 200) {
        /* The tag is over exactly the bytes sent, so equal answers have
         * equal tags and any change to the record changes it. */
        gw_etag_compute(text, strlen(text), etag);
        snprintf(req->extra_headers, sizeof(req->extra_headers), "ETag: %s\r\n", etag);
        if (gw_etag_none_match_hit(gw_http_header(req, "If-None-Match"), etag))
            status = 304;
    }
    if (text == NULL)
        send_raw(req, 500, "application/problem+json", oom_problem, sizeof(oom_problem) - 1, NULL);
    else
        send_raw(req, status, "application/json", text, strlen(text), NULL);
    if (text != NULL)
        sodium_memzero(text, strlen(text));
    cJSON_free(text);
}

bool gw_http_json_matches(const cJSON *current, const char *if_match)
{
    char *text = cJSON_PrintUnformatted(current);
    char etag[GW_ETAG_LEN];
    if (text == NULL)
        return false;
    /* The same bytes gw_http_send_json() would send, so the same tag. */
    gw_etag_compute(text, strlen(text), etag);
    cJSON_free(text);
    return gw_etag_match_ok(if_match, etag, true);
}

void gw_http_send_empty(gw_request *req, int status)
{
    send_raw(req, status, NULL, NULL, 0, NULL);
}

void gw_http_send_replay(gw_request *req, int status, const char *content_type, const char *body,
                         size_t len)
{
    cg_strlcpy(req->extra_headers, "Idempotent-Replayed: true\r\n", sizeof(req->extra_headers));
    send_raw(req, status, content_type && content_type[0] ? content_type : NULL, body, len, NULL);
}

void gw_http_send_text(gw_request *req, int status, const char *content_type, const char *body,
                       size_t len)
{
    send_raw(req, status, content_type, body, len, NULL);
}

/* A problem with an Allow header (405) or without (allow NULL). */
static void send_problem_allow(gw_request *req, int status, const char *code_name,
                               const char *detail, const cg_err *err, const cJSON *extra,
                               const char *allow)
{
    char *text = NULL;
    char instance[1024];
    cJSON *doc = gw_json_problem(status, code_name, detail,
                                 cg_utf8_or_escaped(req->path, instance, sizeof(instance)),
                                 req->request_id, err);
    if (doc == NULL)
        goto cleanup;
    for (const cJSON *m = extra ? extra->child : NULL; m != NULL; m = m->next) {
        cJSON *copy = cJSON_Duplicate(m, true);
        if (copy == NULL)
            goto cleanup;
        cJSON_AddItemToObject(doc, m->string, copy);
    }
    text = cJSON_PrintUnformatted(doc);

cleanup:
    if (text == NULL)
        send_raw(req, 500, "application/problem+json", oom_problem, sizeof(oom_problem) - 1, NULL);
    else
        send_raw(req, status, "application/problem+json", text, strlen(text), allow);
    cJSON_free(text);
    cJSON_Delete(doc);
}

void gw_http_send_problem(gw_request *req, int status, const char *code_name, const char *detail,
                          const cg_err *err, const cJSON *extra)
{
    send_problem_allow(req, status, code_name, detail, err, extra, NULL);
}

void gw_http_send_err(gw_request *req, const cg_err *err)
{
    int status = cg_code_http_status(err->code);
    const char *detail = err->message[0] != '\0' ? err->message : gw_http_reason(status);
    if (err->code == CG_INTERNAL) {
        /* The message may name tables, queries or hosts: log it, answer
         * without it. */
        cg_log_error("internal error: %s", err->message);
        detail = "internal error";
    } else if (err->code == CG_UNAVAILABLE) {
        cg_log_warn("unavailable: %s", err->message);
    } else if (err->code == CG_FAILED_PRECONDITION &&
               cg_err_has_violation(err, CG_IDEM_FIELD, NULL)) {
        /* The service's record of the key, which decides once the
         * gateway's own is gone: the same answer as the gateway's. */
        gw_http_send_problem(req, 422, "IDEMPOTENCY_KEY_REUSED", CG_IDEM_REUSED, NULL, NULL);
        return;
    }
    gw_http_send_problem(req, status, cg_code_name(err->code), detail, err, NULL);
}

void gw_http_forward(gw_request *req, const char *service, const char *method,
                     const ProtobufCMessage *rpc, const ProtobufCMessageDescriptor *reply_desc,
                     gw_reply_json_fn to_json, int status)
{
    ProtobufCMessage *reply = NULL;
    cJSON *out = NULL;
    cg_err err;

    cg_err_clear(&err);
    if (cg_rpc_call_method(req->app->base.nats, service, method, req->request_id, rpc, reply_desc,
                           req->app->rpc_timeout_ms, &reply, &err) != CG_OK) {
        gw_http_send_err(req, &err);
        goto cleanup;
    }
    out = to_json(reply);
    if (req->who != NULL)
        gw_names_annotate(req->app, out);
    gw_http_send_json(req, status, out);

cleanup:
    gw_json_delete_wiped(out);
    if (reply != NULL)
        protobuf_c_message_free_unpacked(reply, NULL);
}

const char *gw_http_header(const gw_request *req, const char *name)
{
    return mg_get_header(req->conn, name);
}

/* --- bodies ---------------------------------------------------------------- */

void gw_http_send_late_body(gw_request *req, long timeout_ms)
{
    char detail[96];
    snprintf(detail, sizeof(detail), "the request body did not arrive within %ld ms", timeout_ms);
    req->must_close = true;
    gw_http_send_problem(req, 408, "DEADLINE_EXCEEDED", detail, NULL, NULL);
}

cg_code gw_http_read_body(gw_request *req, char **out, size_t *out_len)
{
    *out = NULL;
    *out_len = 0;
    if (!gw_media_type_is_json(gw_http_header(req, "Content-Type"))) {
        gw_http_send_problem(req, 415, "UNSUPPORTED_MEDIA_TYPE",
                             "the request body must be application/json", NULL, NULL);
        return CG_INVALID_ARGUMENT;
    }
    return gw_http_read_raw(req, out, out_len);
}

cg_code gw_http_read_raw(gw_request *req, char **out, size_t *out_len)
{
    cg_code rc = CG_INVALID_ARGUMENT;
    const struct mg_request_info *ri = mg_get_request_info(req->conn);
    size_t max = (size_t)req->app->http_max_body;
    size_t len = 0;
    char *buf = NULL;
    char detail[96];

    *out = NULL;
    *out_len = 0;
    snprintf(detail, sizeof(detail), "the request body must be at most %zu bytes", max);
    /* Refuse a declared oversize body before reading a byte of it. */
    if (ri->content_length > 0 && (unsigned long long)ri->content_length > max) {
        gw_http_send_problem(req, 413, "CONTENT_TOO_LARGE", detail, NULL, NULL);
        goto cleanup;
    }
    buf = malloc(max + 1);
    if (buf == NULL) {
        gw_http_send_json(req, 500, NULL);
        goto cleanup;
    }
    /* A chunked body has no declared length: read one byte past the limit
     * to learn whether it is over. */
    for (;;) {
        int n = mg_read(req->conn, buf + len, max + 1 - len);
        if (gw_conn_guard_body_late(req)) {
            gw_http_send_late_body(req, req->app->http_body_timeout_ms);
            goto cleanup;
        }
        if (n < 0) {
            gw_http_send_problem(req, 400, "INVALID_ARGUMENT", "the request body was cut short",
                                 NULL, NULL);
            goto cleanup;
        }
        if (n == 0)
            break;
        len += (size_t)n;
        if (len > max) {
            gw_http_send_problem(req, 413, "CONTENT_TOO_LARGE", detail, NULL, NULL);
            goto cleanup;
        }
    }
    req->body_consumed = true;
    gw_conn_guard_body_end(req);
    buf[len] = '\0';
    *out = buf;
    *out_len = len;
    buf = NULL;
    rc = CG_OK;

cleanup:
    /* Bodies carry passwords and reporters' names: leave no copy in freed
     * memory. */
    if (buf != NULL)
        sodium_memzero(buf, len);
    free(buf);
    return rc;
}

cg_code gw_http_read_json(gw_request *req, cJSON **out)
{
    cg_code rc = CG_INVALID_ARGUMENT;
    char *buf = NULL;
    size_t len = 0;
    cg_err err;

    *out = NULL;
    /* A body read before the handler ran (Idempotency-Key) is parsed from
     * that copy; it stays the reader's to free. */
    if (req->body != NULL) {
        buf = req->body;
        len = req->body_len;
    } else if (gw_http_read_body(req, &buf, &len) != CG_OK) {
        goto cleanup;
    }
    rc = gw_json_parse_body(buf, len, out, &err);
    if (rc != CG_OK)
        gw_http_send_err(req, &err);

cleanup:
    if (buf != NULL && buf != req->body) {
        sodium_memzero(buf, len);
        free(buf);
    }
    return rc;
}

/* --- dispatch ---------------------------------------------------------------- */

/* Arm the audit record of a refused call to route r: who (may be NULL for
 * a missing or invalid token) as the actor, the route as the target. */
static void audit_refusal(gw_request *req, const gw_route *r, const gw_principal *who)
{
    char route[GW_ROUTE_ID_MAX + 1];
    snprintf(route, sizeof(route), "%s %s", r->method, r->pattern);
    if (who != NULL)
        gw_audit_set_actor(req, who);
    gw_audit_expect(req, "access.refused", "route", route);
}

/* Find the route, then check what it declares before its handler runs: no
 * login on a public route, a live session on any other (401), and the
 * route's permission for the session's role (403). Handlers check neither
 * again. */
static void dispatch(gw_request *req)
{
    char allow[64];
    gw_principal who;
    cg_err err;

    const gw_route *r = gw_route_find(gw_routes, gw_nroutes, req->method, req->path, req->route_id,
                                      sizeof(req->route_id), allow, sizeof(allow));
    if (r == NULL && allow[0] != '\0') {
        char detail[128];
        snprintf(detail, sizeof(detail), "%s is not allowed here; use %s", req->method, allow);
        send_problem_allow(req, 405, "METHOD_NOT_ALLOWED", detail, NULL, NULL, allow);
        return;
    }
    /* A path no route has may be a file of the web console (static.c). */
    if (r == NULL && gw_static_serve(req))
        return;
    if (r == NULL) {
        gw_http_send_problem(req, 404, "NOT_FOUND", "no such resource", NULL, NULL);
        return;
    }
    if (r->perm != GW_PERM_PUBLIC) {
        cg_err_clear(&err);
        if (gw_auth_authenticate(req, &who, &err) != CG_OK) {
            /* A refusal is recorded; a database outage is not one. */
            if (err.code == CG_UNAUTHENTICATED)
                audit_refusal(req, r, NULL);
            gw_http_send_err(req, &err);
            return;
        }
        if (!gw_principal_allows(&who, r->perm)) {
            char detail[256];
            cg_log_fields(CG_LOG_INFO, "access refused", "user_id", who.id, "roles", who.role_list,
                          "permission", gw_perm_name(r->perm), NULL);
            snprintf(detail, sizeof(detail), "the role %s does not have the permission %s",
                     who.role_list, gw_perm_name(r->perm));
            audit_refusal(req, r, &who);
            gw_http_send_problem(req, 403, "PERMISSION_DENIED", detail, NULL, NULL);
            return;
        }
        req->who = &who;
    }
    /* Armed only once admitted: a flood held off by the rate limit does not
     * turn into audit rows. */
    req->route = r;
    if (gw_limits_admit(req, r)) {
        gw_audit_expect_route(req, r);
        /* A change whose record could be neither written nor spooled would
         * be refused after it took effect: refuse it before, while that is
         * still possible. Reads are refused when answered (audit.h). */
        if (req->audit.armed && !gw_audit_can_record(req->app->audit))
            gw_http_send_problem(req, 503, "UNAVAILABLE",
                                 "the audit trail cannot be written; nothing was done; try again "
                                 "later",
                                 NULL, NULL);
        else
            gw_idempotency_run(req, r);
    }
    req->who = NULL; /* who lives on this stack frame */
}

static void access_log(const gw_request *req, struct timespec *start)
{
    struct timespec now;
    char status[8];
    char duration[24];
    char path[LOG_PATH_MAX + 1];
    clock_gettime(CLOCK_MONOTONIC, &now);
    double ms =
        (double)(now.tv_sec - start->tv_sec) * 1e3 + (double)(now.tv_nsec - start->tv_nsec) / 1e6;
    snprintf(status, sizeof(status), "%d", req->status);
    snprintf(duration, sizeof(duration), "%.3f", ms);
    /* The path only: query strings may carry cursors, and bodies (receipts,
     * reporters, passwords) are never logged. */
    cg_strlcpy(path, req->path ? req->path : "", sizeof(path));
    cg_log_fields(CG_LOG_INFO, "http request", "method", req->method, "path", path, "status",
                  status, "duration_ms", duration, NULL);
}

/* Refuse a request whose head could be read two ways (gw_framing_ok): a
 * proxy in front might read it one way and civetweb the other, and the
 * bytes one of them takes for a body the other would run as a request of
 * its own. False when the request has been answered (400, and closed). */
static bool framed(gw_request *req, const struct mg_request_info *ri)
{
    const char *names[64], *values[64];
    char detail[128];
    int n = ri->num_headers < 64 ? ri->num_headers : 64;
    for (int i = 0; i < n; i++) {
        names[i] = ri->http_headers[i].name;
        values[i] = ri->http_headers[i].value;
    }
    if (gw_path_has_dot_segment(ri->request_uri)) {
        gw_http_send_problem(req, 400, "INVALID_ARGUMENT",
                             "the path holds a dot segment (. or ..), which no resource has", NULL,
                             NULL);
        return false;
    }
    if (gw_framing_ok(names, values, n, ri->http_version, detail, sizeof(detail)))
        return true;
    req->must_close = true;
    gw_http_send_problem(req, 400, "INVALID_ARGUMENT", detail, NULL, NULL);
    return false;
}

static int on_request(struct mg_connection *conn)
{
    const struct mg_request_info *ri = mg_get_request_info(conn);
    struct timespec start;
    clock_gettime(CLOCK_MONOTONIC, &start);

    /* civetweb leaves the path as sent (decode_url off): decoded here, so
     * that a path that cannot name a resource is refused before any route
     * reads an id from it or the audit trail keeps it as text. */
    const char *raw = ri->local_uri ? ri->local_uri : "";
    size_t size = strlen(raw) + 1;
    char *path = malloc(size);
    bool decoded = path != NULL && gw_path_decode(raw, path, size);
    gw_request req = {
        .conn = conn,
        .app = ri->user_data,
        .method = ri->request_method ? ri->request_method : "",
        .path = decoded ? path : "",
        .query = ri->query_string,
    };
    gw_request_id_pick(gw_http_header(&req, "X-Request-Id"), req.request_id);
    gw_request_id_pick(NULL, req.own_request_id);
    cg_log_set_request_id(req.request_id);

    if (path == NULL)
        gw_http_send_problem(&req, 503, "UNAVAILABLE", "out of memory", NULL, NULL);
    else if (!decoded)
        gw_http_send_problem(&req, 400, "INVALID_ARGUMENT",
                             "the path holds a malformed escape, %00 or bytes that are not UTF-8, "
                             "which no resource has",
                             NULL, NULL);
    else if (framed(&req, ri)) {
        if (ri->content_length > 0 || gw_http_header(&req, "Transfer-Encoding") != NULL)
            gw_conn_guard_body_begin(&req, req.app->http_body_timeout_ms);
        dispatch(&req);
    }
    if (req.status == 0) {
        /* A handler returned without answering: a bug, but the client still
         * gets an answer and the connection stays usable. */
        cg_log_error("no answer was sent for %s %s", req.method, req.path);
        gw_http_send_problem(&req, 500, "INTERNAL", "internal error", NULL, NULL);
    }
    access_log(&req, &start);
    gw_audit_release(&req);
    gw_conn_guard_request_done(conn);
    cg_log_set_request_id(NULL);
    free(path);
    return req.status;
}

/* The methods civetweb parses itself; any other refuses the request before
 * a handler sees it. */
static const char *const civetweb_methods[] = {
    "GET",   "POST",  "PUT",      "DELETE",     "CONNECT",  "HEAD",   "OPTIONS",
    "TRACE", "PATCH", "PROPFIND", "MKCOL",      "LOCK",     "UNLOCK", "PROPPATCH",
    "MOVE",  "COPY",  "REPORT",   "MKACTIVITY", "CHECKOUT", NULL,
};

/* True if m is an HTTP method token (RFC 9110 tchar) civetweb does not know:
 * a well-formed request with a method this API has no use for, which the
 * contract answers 405 rather than 400. */
static bool unknown_method(const char *m)
{
    if (m == NULL || m[0] == '\0' || strlen(m) > 32)
        return false;
    for (const char *p = m; *p != '\0'; p++)
        if (!((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') ||
              strchr("!#$%&'*+-.^_`|~", *p) != NULL))
            return false;
    for (const char *const *k = civetweb_methods; *k != NULL; k++)
        if (strcmp(m, *k) == 0)
            return false;
    return true;
}

/* civetweb answers requests it cannot parse (a bad request line, headers
 * over max_request_size) itself; this makes those answers problem+json with
 * a request id too, and always closes the connection, whose state is
 * unknown. */
/* A request no route will see (civetweb refused it, or has no way to hand
 * it on): answered here, and the connection closed, whose state is
 * unknown. */
static gw_request unrouted(struct mg_connection *conn, const struct mg_request_info *ri)
{
    gw_request req = {
        .conn = conn,
        .app = mg_get_user_data(mg_get_context(conn)),
        .method = ri ? ri->request_method : NULL,
        .path = ri && ri->local_uri ? ri->local_uri : "",
        .must_close = true,
    };
    gw_request_id_pick(NULL, req.request_id);
    cg_strlcpy(req.own_request_id, req.request_id, sizeof(req.own_request_id));
    cg_log_set_request_id(req.request_id);
    return req;
}

static int on_http_error(struct mg_connection *conn, int status, const char *msg)
{
    const struct mg_request_info *ri = mg_get_request_info(conn);
    struct timespec start;
    clock_gettime(CLOCK_MONOTONIC, &start);
    gw_request req = unrouted(conn, ri);
    /* civetweb reports a head that missed request_timeout_ms as a
     * malformed message. */
    if (status == 400 && gw_conn_guard_head_late(conn)) {
        status = 408;
        msg = "the request head did not arrive in time";
    }
    if (status == 400 && unknown_method(req.method)) {
        status = 405;
        msg = "this method is not served here";
    }
    /* civetweb answers 505 to a request line naming another HTTP version
     * ("HTTP/2.0" sent as text): a client's fault, and a 5xx would page
     * whoever watches the server's errors, so it is a 400. */
    if (status == 505) {
        status = 400;
        msg = "only HTTP/1.0 and HTTP/1.1 are served";
    }
    const char *code_name = status == 404   ? "NOT_FOUND"
                            : status == 405 ? "METHOD_NOT_ALLOWED"
                            : status == 408 ? "DEADLINE_EXCEEDED"
                            : status == 411 ? "LENGTH_REQUIRED"
                            : status == 413 ? "CONTENT_TOO_LARGE"
                            : status == 503 ? "UNAVAILABLE"
                            : status >= 500 ? "INTERNAL"
                                            : "INVALID_ARGUMENT";
    /* civetweb's text names the fault ("Invalid request method"); keep its
     * first line, short, as the detail. */
    char detail[128];
    cg_strlcpy(detail, msg && msg[0] ? msg : gw_http_reason(status), sizeof(detail));
    detail[strcspn(detail, "\r\n")] = '\0';
    gw_http_send_problem(&req, status, code_name, detail, NULL, NULL);
    access_log(&req, &start);
    cg_log_set_request_id(NULL);
    return 0;
}

/* The methods some route serves, for OPTIONS *. */
#define SERVED_METHODS "GET, HEAD, POST, PATCH, DELETE, OPTIONS"

/* civetweb reads a request line in asterisk form ("OPTIONS *") or in
 * absolute form for another host or port, then neither answers nor calls
 * a handler: it closes the connection (RFC 9112 3.2 says a server answers
 * both). What it left unanswered is answered here, as the connection
 * closes: OPTIONS * with the methods served, anything else 400. */
static void answer_unrouted(struct mg_connection *conn)
{
    const struct mg_request_info *ri = mg_get_request_info(conn);
    if (ri == NULL || ri->request_uri == NULL || ri->local_uri != NULL ||
        ri->request_method == NULL)
        return;
    bool asterisk = strcmp(ri->request_uri, "*") == 0;
    bool absolute = strncasecmp(ri->request_uri, "http://", 7) == 0 ||
                    strncasecmp(ri->request_uri, "https://", 8) == 0;
    if (!asterisk && !absolute)
        return; /* civetweb answered it (an invalid target is its 400) */
    struct timespec start;
    clock_gettime(CLOCK_MONOTONIC, &start);
    gw_request req = unrouted(conn, ri);
    req.path = ri->request_uri;
    if (asterisk && strcmp(ri->request_method, "OPTIONS") == 0) {
        cg_strlcpy(req.extra_headers, "Allow: " SERVED_METHODS "\r\n", sizeof(req.extra_headers));
        gw_http_send_empty(&req, 204);
    } else if (asterisk) {
        gw_http_send_problem(&req, 400, "INVALID_ARGUMENT", "only OPTIONS takes the target *", NULL,
                             NULL);
    } else {
        gw_http_send_problem(&req, 400, "INVALID_ARGUMENT",
                             "the target names another host or port; this gateway is no proxy",
                             NULL, NULL);
    }
    access_log(&req, &start);
    cg_log_set_request_id(NULL);
}

static void on_connection_close(const struct mg_connection *conn)
{
    /* civetweb passes the connection it is closing as const; its write
     * side is still open, and writing the answer is what it failed to do. */
    answer_unrouted((struct mg_connection *)conn);
    gw_conn_guard_closed(conn);
}

/* civetweb's own diagnostics go into our log instead of its stderr lines. */
static int on_log_message(const struct mg_connection *conn, const char *message)
{
    (void)conn;
    cg_log_warn("civetweb: %s", message);
    return 1;
}

/* --- lifecycle -------------------------------------------------------------- */

/* Write the port to path through a temporary file and a rename, so a reader
 * polling for the file never sees it half written. */
static cg_code write_port_file(const char *path, int port, cg_err *err)
{
    cg_code rc = CG_INTERNAL;
    char tmp[PATH_MAX];
    FILE *f = NULL;

    if (snprintf(tmp, sizeof(tmp), "%s.tmp.%ld", path, (long)getpid()) >= (int)sizeof(tmp)) {
        cg_err_set(err, CG_INVALID_ARGUMENT, "CG_HTTP_PORT_FILE is too long");
        goto cleanup;
    }
    f = fopen(tmp, "w");
    if (f == NULL) {
        cg_err_set(err, CG_INTERNAL, "cannot write %s: %s", tmp, strerror(errno));
        goto cleanup;
    }
    int w = fprintf(f, "%d", port);
    int c = fclose(f);
    f = NULL;
    if (w < 0 || c != 0) {
        cg_err_set(err, CG_INTERNAL, "cannot write %s: %s", tmp, strerror(errno));
        unlink(tmp);
        goto cleanup;
    }
    if (rename(tmp, path) != 0) {
        cg_err_set(err, CG_INTERNAL, "cannot rename %s to %s: %s", tmp, path, strerror(errno));
        unlink(tmp);
        goto cleanup;
    }
    rc = CG_OK;

cleanup:
    return rc;
}

/* The host part of the first listening_ports entry ("127.0.0.1:0" ->
 * "127.0.0.1"; a bare port listens on every address). */
static void listen_host(const char *listen, char *out, size_t size)
{
    size_t n = strcspn(listen, ",");
    const char *colon = NULL;
    for (const char *p = listen; p < listen + n; p++)
        if (*p == ':')
            colon = p;
    if (colon == NULL) {
        cg_strlcpy(out, "0.0.0.0", size);
        return;
    }
    size_t host_len = (size_t)(colon - listen);
    if (host_len >= size)
        host_len = size - 1;
    memcpy(out, listen, host_len);
    out[host_len] = '\0';
}

cg_code gw_http_start(gw_app *app, cg_err *err)
{
    cg_code rc = CG_UNAVAILABLE;
    char threads[16];
    char error_text[256] = "";
    unsigned error_code = 0;
    struct mg_server_port ports[8];
    char host[128];
    char address[160];

    char head_timeout[16];
    char keep_alive_ms[16];
    snprintf(threads, sizeof(threads), "%ld", app->http_threads);
    snprintf(head_timeout, sizeof(head_timeout), "%ld", app->http_head_timeout_ms);
    snprintf(keep_alive_ms, sizeof(keep_alive_ms), "%d", GW_KEEP_ALIVE_MS);
    const char *options[] = {
        "listening_ports",
        app->http_listen,
        "num_threads",
        threads,
        "enable_keep_alive",
        "yes",
        /* Without it a response written in two parts waits on delayed ACK. */
        "tcp_nodelay",
        "1",
        /* civetweb counts it from the request's first byte, so it bounds
         * the whole head; bodies have their own deadline (conn_guard.h). */
        "request_timeout_ms",
        head_timeout,
        "keep_alive_timeout_ms",
        keep_alive_ms,
        /* An absolute-form target for this server's own port is served
         * like its path (RFC 9112 3.2.2), whatever host it names: the
         * gateway serves one site. */
        "enable_auth_domain_check",
        "no",
        /* The gateway decodes the path itself (gw_path_decode): civetweb's
         * decoding ends the path at a %00 and lets any byte through. */
        "decode_url",
        "no",
        NULL,
    };
    struct mg_callbacks callbacks;
    memset(&callbacks, 0, sizeof(callbacks));
    callbacks.begin_request = on_request;
    callbacks.http_error = on_http_error;
    callbacks.log_message = on_log_message;
    /* Not connection_closed: civetweb forgets the connection's data before
     * calling that one, and closes the socket the guard watches. */
    callbacks.connection_close = on_connection_close;
    struct mg_init_data init = {
        .callbacks = &callbacks,
        .user_data = app,
        .configuration_options = options,
    };
    struct mg_error_data error = {
        .code = &error_code,
        .text = error_text,
        .text_buffer_size = sizeof(error_text),
    };

    mg_init_library(0);
    rc = gw_conn_guard_create(app, &app->conn_guard, err);
    if (rc != CG_OK)
        goto cleanup;
    rc = CG_UNAVAILABLE;
    app->mg = mg_start2(&init, &error);
    if (app->mg == NULL) {
        cg_err_set(err, CG_UNAVAILABLE, "cannot serve HTTP on %s: %s", app->http_listen,
                   error_text[0] ? error_text : "unknown error");
        goto cleanup;
    }
    int nports = mg_get_server_ports(app->mg, (int)(sizeof(ports) / sizeof(ports[0])), ports);
    if (nports < 1) {
        cg_err_set(err, CG_INTERNAL, "civetweb reports no listening port");
        goto cleanup;
    }
    app->http_port = ports[0].port;
    if (app->http_port_file != NULL && app->http_port_file[0] != '\0') {
        rc = write_port_file(app->http_port_file, app->http_port, err);
        if (rc != CG_OK)
            goto cleanup;
    }
    listen_host(app->http_listen, host, sizeof(host));
    snprintf(address, sizeof(address), "%s:%d", host, app->http_port);
    cg_log_fields(CG_LOG_INFO, "http listening", "address", address, "threads", threads, NULL);
    rc = CG_OK;

cleanup:
    if (rc != CG_OK && app->mg != NULL) {
        gw_http_stop(app);
    } else if (rc != CG_OK) {
        gw_conn_guard_destroy(app->conn_guard);
        app->conn_guard = NULL;
        mg_exit_library();
    }
    return rc;
}

void gw_http_stop(gw_app *app)
{
    if (app->mg == NULL)
        return;
    mg_stop(app->mg);
    app->mg = NULL;
    gw_conn_guard_destroy(app->conn_guard);
    app->conn_guard = NULL;
    mg_exit_library();
    cg_log_info("http stopped");
}
