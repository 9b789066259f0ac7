/* The gateway serves the web console's build at / (services/gateway/src/
 * static.c): index.html revalidated on every load, hashed assets cached for
 * good, a Content-Security-Policy without inline script, the right
 * Content-Types, the history-mode fallback for a browser's navigation (never
 * for /api/), and no way out of the web root. */
#include "cgt.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

static const char *const accept_html[] = {
    "Accept: text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8", NULL};

/* The first "/assets/...<ext>" the index names, into out; fails the test
 * when there is none (the build is missing or broken). */
static void asset_named(const char *index, const char *ext, char *out, size_t size)
{
    for (const char *p = strstr(index, "\"/assets/"); p != NULL; p = strstr(p + 1, "\"/assets/")) {
        const char *end = strchr(p + 1, '"');
        if (end == NULL)
            break;
        size_t n = (size_t)(end - p - 1);
        size_t elen = strlen(ext);
        if (n < size && n > elen && strncmp(end - elen, ext, elen) == 0) {
            memcpy(out, p + 1, n);
            out[n] = '\0';
            return;
        }
    }
    CGT_FAIL("index.html names no /assets/*%s: %.300s", ext, index);
}

static void check_header(const cgt_response *r, const char *name, const char *expected)
{
    char value[512], what[700];
    snprintf(what, sizeof what, "%s on GET %s", name, r->path);
    CGT_CHECK_STR(expected, cgt_header(r, name, value, sizeof value), what);
}

/* The console's policy: its own scripts only, no inline ones, no framing. */
static void check_csp(const cgt_response *r)
{
    char csp[512];
    cgt_header(r, "Content-Security-Policy", csp, sizeof csp);
    CGT_CHECK(strstr(csp, "script-src 'self'") != NULL, "GET %s: CSP '%s'", r->path, csp);
    CGT_CHECK(strstr(csp, "unsafe-inline") == NULL && strstr(csp, "unsafe-eval") == NULL,
              "GET %s: CSP allows inline code: '%s'", r->path, csp);
    CGT_CHECK(strstr(csp, "frame-ancestors 'none'") != NULL, "GET %s: CSP '%s'", r->path, csp);
    check_header(r, "X-Content-Type-Options", "nosniff");
}

/* The status of a raw HTTP/1.0 request for target, sent as is (curl would
 * remove its dot segments); the whole answer goes into out (size bytes). */
static long raw_request(const char *method, const char *target, char *out, size_t size)
{
    char url[256];
    unsigned port = 0;
    CGT_CHECK(sscanf(cgt_gateway_url(), "http://127.0.0.1:%u", &port) == 1, "gateway URL %s",
              cgt_gateway_url());
    struct sockaddr_in addr = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    CGT_CHECK(fd >= 0, "socket: %s", strerror(errno));
    struct timeval tv = {.tv_sec = 10};
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    CGT_CHECK(connect(fd, (struct sockaddr *)&addr, sizeof addr) == 0, "connect: %s",
              strerror(errno));
    int n =
        snprintf(url, sizeof url, "%s %s HTTP/1.0\r\nAccept: text/html\r\n\r\n", method, target);
    CGT_CHECK(send(fd, url, (size_t)n, MSG_NOSIGNAL) == n, "send: %s", strerror(errno));
    size_t got = 0;
    ssize_t k;
    while (got + 1 < size && (k = recv(fd, out + got, size - 1 - got, 0)) > 0)
        got += (size_t)k;
    out[got] = '\0';
    close(fd);
    long status = 0;
    CGT_CHECK(sscanf(out, "HTTP/1.%*d %ld", &status) == 1, "no status line: %.200s", out);
    return status;
}

static void index_and_assets(void **state)
{
    (void)state;
    char asset[256];
    cgt_response *index = cgt_get("/", NULL);
    CGT_CHECK_STATUS(index, 200);
    check_header(index, "Content-Type", "text/html; charset=utf-8");
    check_header(index, "Cache-Control", "no-cache");
    check_csp(index);
    CGT_CHECK(strstr(index->body, "<div id=\"app\"") != NULL, "no app element: %.300s",
              index->body);
    CGT_CHECK(strstr(index->body, "<script>") == NULL, "an inline script: %.300s", index->body);

    asset_named(index->body, ".js", asset, sizeof asset);
    cgt_response *js = cgt_get(asset, NULL);
    CGT_CHECK_STATUS(js, 200);
    check_header(js, "Content-Type", "text/javascript; charset=utf-8");
    check_header(js, "Cache-Control", "public, max-age=31536000, immutable");
    check_csp(js);
    /* The build keeps a gzip twin of each text file; a client that takes
     * gzip gets it, and the same bytes once unpacked (curl does not unpack
     * here, so the sizes differ). */
    const char *const gz[] = {"Accept-Encoding: gzip", NULL};
    cgt_response *packed = cgt_request("GET", asset, gz, NULL, 0);
    CGT_CHECK_STATUS(packed, 200);
    check_header(packed, "Content-Encoding", "gzip");
    check_header(packed, "Vary", "Accept-Encoding");
    CGT_CHECK(packed->body_len > 0 && packed->body_len < js->body_len,
              "gzip answer of %zu bytes for a file of %zu", packed->body_len, js->body_len);

    asset_named(index->body, ".css", asset, sizeof asset);
    cgt_response *css = cgt_get(asset, NULL);
    CGT_CHECK_STATUS(css, 200);
    check_header(css, "Content-Type", "text/css; charset=utf-8");

    /* HEAD: the headers of GET, no body (sent raw: curl would wait for
     * the Content-Length it announces). */
    char raw[4096];
    CGT_CHECK_INT(200, raw_request("HEAD", "/", raw, sizeof raw), "HEAD / status");
    const char *end = strstr(raw, "\r\n\r\n");
    CGT_CHECK(end != NULL && end[4] == '\0', "HEAD / has a body: %.300s", raw);
    CGT_CHECK(strstr(raw, "Content-Type: text/html; charset=utf-8") != NULL, "HEAD /: %.300s", raw);

    cgt_response_free(css);
    cgt_response_free(packed);
    cgt_response_free(js);
    cgt_response_free(index);
}

static void history_fallback(void **state)
{
    (void)state;
    cgt_response *index = cgt_get("/", NULL);
    CGT_CHECK_STATUS(index, 200);

    /* A browser reloading one of the console's pages gets the console. */
    static const char *const pages[] = {"/login", "/clues/0b6b2a8e-1b1c-4c1e-9d7f-2a3b4c5d6e7f",
                                        "/report", "/report/follow-up",
                                        /* A dot in an id is no file name. */
                                        "/risk/entities/person/HR-CADRE.EAST"};
    for (size_t i = 0; i < sizeof pages / sizeof pages[0]; i++) {
        cgt_response *r = cgt_request("GET", pages[i], accept_html, NULL, 0);
        CGT_CHECK_STATUS(r, 200);
        check_header(r, "Cache-Control", "no-cache");
        CGT_CHECK_STR(index->body, r->body, pages[i]);
        cgt_response_free(r);
    }

    /* The API's unknown paths stay problems, whatever the client accepts;
     * so do an API client's unknown paths and missing files. */
    static const char *const problems[] = {"/api/v1/nope", "/api/v1/clues/x/y", "/api",
                                           "/assets/missing-0000.js", "/favicon-none.png"};
    for (size_t i = 0; i < sizeof problems / sizeof problems[0]; i++) {
        cgt_response *r = cgt_request("GET", problems[i], accept_html, NULL, 0);
        CGT_CHECK_PROBLEM(r, 404);
        check_header(r, "Cache-Control", "no-store");
        cgt_response_free(r);
    }
    cgt_response *r = cgt_get("/login", NULL);
    CGT_CHECK_PROBLEM(r, 404);
    cgt_response_free(r);
    /* Only GET and HEAD read files. */
    r = cgt_request("POST", "/login", accept_html, "{}", 2);
    CGT_CHECK_PROBLEM(r, 404);
    cgt_response_free(r);
    cgt_response_free(index);
}

/* Every way out of the web root; the build folder that holds it also holds
 * CMakeCache.txt, one level up, which must never be served. */
static void no_way_out(void **state)
{
    (void)state;
    static const char *const targets[] = {
        "/../CMakeCache.txt",
        "/%2e%2e/CMakeCache.txt",
        "/assets/../../CMakeCache.txt",
        "/assets/%2e%2e/%2e%2e/CMakeCache.txt",
        "/assets/..%2f..%2fCMakeCache.txt",
        "/assets/%2e%2e%2f%2e%2e%2fCMakeCache.txt",
        "/..%5c..%5cCMakeCache.txt",
        "/assets\\..\\..\\CMakeCache.txt",
        "/.%2e/CMakeCache.txt",
        "/%252e%252e/CMakeCache.txt",
        "/../../../../../../etc/passwd",
        "/%2e%2e/%2e%2e/%2e%2e/%2e%2e/etc/passwd",
        "/index.html%00.png",
        "/.hidden",
    };
    char *body = malloc(1 << 20);
    CGT_CHECK(body != NULL, "out of memory");
    for (size_t i = 0; i < sizeof targets / sizeof targets[0]; i++) {
        long status = raw_request("GET", targets[i], body, 1 << 20);
        CGT_CHECK(strstr(body, "CMAKE_") == NULL && strstr(body, "root:") == NULL,
                  "GET %s served a file outside the web root: %.200s", targets[i], body);
        /* A refusal, or the console's own page (a NUL cuts the path). */
        CGT_CHECK(status == 404 || status == 400 ||
                      (status == 200 && strstr(body, "<div id=\"app\"") != NULL),
                  "GET %s: %ld %.200s", targets[i], status, body);
    }
    free(body);
}

int main(void)
{
    cgt_init("web_static", CGT_NEED_GATEWAY);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(index_and_assets),
        cmocka_unit_test(history_fallback),
        cmocka_unit_test(no_way_out),
    };
    int failed = cmocka_run_group_tests_name("web_static", tests, NULL, NULL);
    cgt_cleanup();
    return failed ? 1 : 0;
}
