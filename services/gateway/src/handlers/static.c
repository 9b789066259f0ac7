/* The web console's files: the production build of web/ in CG_WEB_ROOT,
 * served at / beside the API.
 *
 * The dispatcher (http.c) calls gw_static_serve() only for a GET or HEAD
 * that no API route matched. Paths under /api/ are never served from here,
 * so an unknown API path keeps its 404 problem+json. A path is served only
 * when every byte of it is one the build's file names use (letters, digits,
 * '-', '_', '.', '~' and '/'), no segment starts with a dot and no slash is
 * doubled: the checks run on the decoded path before it touches the file
 * system, so "..", "%2e%2e", backslashes and encoded slashes never reach
 * it. An unknown path without a file extension that a browser navigates to
 * (Accept names text/html) gets index.html, so the console's history-mode
 * routes (/clues/123, /report) survive a reload; an API client asking for
 * an unknown path still gets the 404 problem. */
#include <civetweb.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cg/log.h"
#include "gateway.h"
#include "web_files.h"

/* Largest file served; the biggest chunk of the build is far below it. */
#define STATIC_FILE_MAX (16L * 1024 * 1024)

/* The console's policy: scripts and styles from this origin only (the build
 * has no inline script), API calls to this origin only, no plugins, no
 * framing. Images may be data: URLs (Element Plus' icons). */
#define WEB_CSP                                                                                    \
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "              \
    "font-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'self'; "              \
    "form-action 'self'; frame-ancestors 'none'"

#define WEB_HEADERS(cache)                                                                         \
    "Cache-Control: " cache "\r\n"                                                                 \
    "X-Content-Type-Options: nosniff\r\n"                                                          \
    "Content-Security-Policy: " WEB_CSP "\r\n"                                                     \
    "X-Frame-Options: DENY\r\n"                                                                    \
    "Referrer-Policy: no-referrer\r\n"

/* Hashed assets never change under their name; everything else (index.html
 * above all, which names the current assets) is checked on every load. */
static const char headers_immutable[] = WEB_HEADERS("public, max-age=31536000, immutable");
static const char headers_revalidate[] = WEB_HEADERS("no-cache");

/* True if the request header name lists token (web_files.h). */
static bool header_lists(const gw_request *req, const char *name, const char *token)
{
    return gw_header_lists(gw_http_header(req, name), token);
}

/* Read the regular file at path into *out (owned by the caller: free()).
 * NOT_FOUND when there is no such regular file, INTERNAL when it cannot be
 * read. */
static cg_code read_file(const char *path, char **out, size_t *len)
{
    cg_code rc = CG_NOT_FOUND;
    struct stat st;
    char *buf = NULL;
    size_t got = 0;
    int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);

    *out = NULL;
    *len = 0;
    if (fd < 0)
        goto cleanup;
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode))
        goto cleanup;
    rc = CG_INTERNAL;
    if (st.st_size > STATIC_FILE_MAX) {
        cg_log_error("%s is larger than a web console file may be", path);
        goto cleanup;
    }
    buf = malloc((size_t)st.st_size + 1);
    if (buf == NULL)
        goto cleanup;
    while (got < (size_t)st.st_size) {
        ssize_t n = read(fd, buf + got, (size_t)st.st_size - got);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0) {
            cg_log_error("cannot read %s: %s", path, n < 0 ? strerror(errno) : "cut short");
            goto cleanup;
        }
        got += (size_t)n;
    }
    *out = buf;
    *len = got;
    buf = NULL;
    rc = CG_OK;

cleanup:
    free(buf);
    if (fd >= 0)
        close(fd);
    return rc;
}

/* Answer with the file rel (relative to the web root, plain): its gzip twin
 * when the client takes gzip and the build made one. NOT_FOUND, without an
 * answer, when there is no such file. */
static cg_code send_file(gw_request *req, const char *rel)
{
    cg_code rc = CG_NOT_FOUND;
    char full[PATH_MAX];
    char *body = NULL;
    size_t len = 0;
    bool compressible = false;
    const char *type = gw_web_media_type(rel, &compressible);

    if (type == NULL)
        goto cleanup;
    bool gzip = compressible && header_lists(req, "Accept-Encoding", "gzip");
    if (gzip) {
        if (snprintf(full, sizeof(full), "%s/%s.gz", req->app->web_root, rel) >= (int)sizeof(full))
            goto cleanup;
        rc = read_file(full, &body, &len);
        gzip = rc == CG_OK;
    }
    if (!gzip) {
        if (snprintf(full, sizeof(full), "%s/%s", req->app->web_root, rel) >= (int)sizeof(full))
            goto cleanup;
        rc = read_file(full, &body, &len);
    }
    if (rc == CG_INTERNAL) {
        gw_http_send_problem(req, 500, "INTERNAL", "internal error", NULL, NULL);
        rc = CG_OK;
        goto cleanup;
    }
    if (rc != CG_OK)
        goto cleanup;
    req->web_headers = strncmp(rel, "assets/", 7) == 0 ? headers_immutable : headers_revalidate;
    snprintf(req->extra_headers, sizeof(req->extra_headers), "%s%s",
             compressible ? "Vary: Accept-Encoding\r\n" : "",
             gzip ? "Content-Encoding: gzip\r\n" : "");
    gw_http_send_text(req, 200, type, body, len);

cleanup:
    free(body);
    return rc;
}

bool gw_static_serve(gw_request *req)
{
    const struct mg_request_info *ri = mg_get_request_info(req->conn);
    const char *raw = ri->local_uri_raw;

    if (req->app->web_root == NULL || req->app->web_root[0] == '\0' || raw == NULL)
        return false;
    if (strcmp(req->method, "GET") != 0 && strcmp(req->method, "HEAD") != 0)
        return false;
    if (strncmp(raw, "/api/", 5) == 0 || strcmp(raw, "/api") == 0)
        return false;
    /* civetweb's cleaned path differs from the raw one exactly when the raw
     * one had dot segments; gw_web_path_plain() refuses those anyway. */
    if (!gw_web_path_plain(raw) || strcmp(raw, req->path) != 0)
        return false;
    const char *rel = strcmp(raw, "/") == 0 ? "index.html" : raw + 1;
    if (send_file(req, rel) == CG_OK)
        return true;
    if (gw_web_names_file(raw) || !header_lists(req, "Accept", "text/html"))
        return false;
    return send_file(req, "index.html") == CG_OK;
}

void gw_static_log_root(const gw_app *app)
{
    char index[PATH_MAX];
    struct stat st;
    if (app->web_root == NULL || app->web_root[0] == '\0') {
        cg_log_info("CG_WEB_ROOT is empty: the web console is not served");
        return;
    }
    snprintf(index, sizeof(index), "%s/index.html", app->web_root);
    if (stat(index, &st) == 0 && S_ISREG(st.st_mode))
        cg_log_fields(CG_LOG_INFO, "web console served", "web_root", app->web_root, NULL);
    else
        cg_log_fields(CG_LOG_WARN, "no index.html in CG_WEB_ROOT: / answers 404 until it is built",
                      "web_root", app->web_root, NULL);
}
