/* The hostile-input corpus: hundreds of requests built from tables of
 * mutations, sent to every route of docs/access.md (so a route added to the
 * gateway's table is attacked here at once), through a raw socket so that
 * nothing (a client library's own checks) stands between the bytes and the
 * gateway.
 *
 * The mutations: broken and deeply nested JSON, huge strings and arrays
 * (within and over CG_HTTP_MAX_BODY), invalid UTF-8, NUL bytes in bodies,
 * headers and paths (raw and percent-encoded), wrong and missing content
 * types, path traversal (/../, %2e%2e, double-encoded, overlong UTF-8 dots),
 * SQL metacharacters in every string field of every body the gateway knows,
 * in ids and in cursors, header injection (bare CR, bare LF, encoded CRLF),
 * forged and malformed tokens, over-long URLs, query strings and headers,
 * methods the API does not serve, and broken framing (bad Content-Length,
 * bad chunks, a body cut short).
 *
 * Every answer must come (no dropped connection), must not be 5xx, and must
 * be 4xx unless the case is marked "may succeed": a case whose input may
 * happen to be valid, namely
 *   - a body, query or token sent to a route that ignores it (a GET route,
 *     a public route, a route that reads no query);
 *   - a well-formed JSON object ({}) sent to a route that may accept it;
 *   - a path that civetweb normalizes back to a route (/x/./, trailing /);
 *   - HEAD on a GET route, a token scheme in lower case, a request without
 *     Host, a header with a NUL or a bare CR/LF that civetweb reads as a
 *     separate header;
 *   - SQL metacharacters in a free-text field of a valid report, which is
 *     stored as text (201) and must then reach the clue list unchanged.
 * A 429 (rate limit) counts as a 4xx. Every JSON answer must be valid UTF-8
 * and parse, a problem's "status" must equal the HTTP status, no answer may
 * carry an injected header or a file's contents, and /readyz must answer 200
 * between batches and at the end. */
#include "cgt.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

/* Requests between two /readyz checks. */
#define BATCH 50
/* How long one exchange may take before it counts as dropped. */
#define EXCHANGE_TIMEOUT_S 15

/* --- a raw HTTP client ------------------------------------------------------ */

static struct sockaddr_in gateway_addr;

static void parse_gateway_url(void)
{
    const char *url = cgt_gateway_url();
    char host[64];
    int port = 0;
    CGT_CHECK(sscanf(url, "http://%63[^:]:%d", host, &port) == 2,
              "CG_GATEWAY_URL is http://host:port, got %s", url);
    memset(&gateway_addr, 0, sizeof gateway_addr);
    gateway_addr.sin_family = AF_INET;
    gateway_addr.sin_port = htons((uint16_t)port);
    CGT_CHECK(inet_pton(AF_INET, host, &gateway_addr.sin_addr) == 1,
              "CG_GATEWAY_URL names an IPv4 address, got %s", host);
}

/* What came back; status 0 when the connection gave no HTTP answer. */
typedef struct answer {
    long status;
    char *raw; /* everything read, NUL-terminated */
    size_t raw_len;
    const char *body; /* into raw */
    size_t body_len;
    char content_type[128];
    char why[128]; /* for status 0: what went wrong */
} answer;

static void answer_free(answer *a)
{
    free(a->raw);
    memset(a, 0, sizeof *a);
}

/* The value of header name in the head raw[0..head_len), into out. */
static void head_value(const char *raw, size_t head_len, const char *name, char *out, size_t size)
{
    size_t nlen = strlen(name);
    out[0] = '\0';
    for (const char *p = raw; p < raw + head_len;) {
        const char *eol = memchr(p, '\n', (size_t)(raw + head_len - p));
        if (eol == NULL)
            break;
        if ((size_t)(eol - p) > nlen && strncasecmp(p, name, nlen) == 0 && p[nlen] == ':') {
            const char *v = p + nlen + 1;
            while (*v == ' ')
                v++;
            size_t n = (size_t)(eol - v);
            if (n > 0 && v[n - 1] == '\r')
                n--;
            if (n >= size)
                n = size - 1;
            memcpy(out, v, n);
            out[n] = '\0';
            return;
        }
        p = eol + 1;
    }
}

/* Send req[0..len) on a new connection and read until the server closes it
 * (requests say Connection: close) or it has sent the whole answer.
 * half_close shuts our side for writing after the request, so a server
 * waiting for more body sees the end at once. */
static answer exchange(const char *req, size_t len, bool half_close)
{
    answer a = {.status = 0};
    size_t cap = 4096;
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    CGT_CHECK(fd >= 0, "socket: %s", strerror(errno));
    struct timeval tv = {.tv_sec = EXCHANGE_TIMEOUT_S};
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
    a.raw = malloc(cap + 1);
    CGT_CHECK(a.raw != NULL, "out of memory");
    if (connect(fd, (struct sockaddr *)&gateway_addr, sizeof gateway_addr) != 0) {
        snprintf(a.why, sizeof a.why, "connect: %s", strerror(errno));
        goto done;
    }
    /* The server may answer (413, 400) before it has read everything; a
     * failed send is then no fault, and the answer is still read below. */
    for (size_t sent = 0; sent < len;) {
        ssize_t n = send(fd, req + sent, len - sent, MSG_NOSIGNAL);
        if (n <= 0)
            break;
        sent += (size_t)n;
    }
    if (half_close)
        shutdown(fd, SHUT_WR);
    for (;;) {
        if (a.raw_len == cap) {
            cap *= 2;
            char *bigger = realloc(a.raw, cap + 1);
            CGT_CHECK(bigger != NULL, "out of memory");
            a.raw = bigger;
        }
        ssize_t n = recv(fd, a.raw + a.raw_len, cap - a.raw_len, 0);
        if (n < 0 && a.raw_len == 0)
            snprintf(a.why, sizeof a.why, "recv: %s", strerror(errno));
        if (n <= 0)
            break;
        a.raw_len += (size_t)n;
    }
done:
    close(fd);
    a.raw[a.raw_len] = '\0';
    if (a.raw_len == 0 && a.why[0] == '\0')
        snprintf(a.why, sizeof a.why, "the connection closed without an answer");
    const char *end = NULL;
    for (size_t i = 0; i + 3 < a.raw_len; i++)
        if (memcmp(a.raw + i, "\r\n\r\n", 4) == 0) {
            end = a.raw + i + 4;
            break;
        }
    if (end == NULL || sscanf(a.raw, "HTTP/1.%*1d %3ld", &a.status) != 1) {
        if (a.why[0] == '\0')
            snprintf(a.why, sizeof a.why, "not an HTTP answer: %.60s", a.raw);
        a.status = 0;
        return a;
    }
    a.body = end;
    a.body_len = a.raw_len - (size_t)(end - a.raw);
    head_value(a.raw, (size_t)(end - a.raw), "Content-Type", a.content_type, sizeof a.content_type);
    return a;
}

/* --- building requests ------------------------------------------------------ */

typedef struct reqbuf {
    char *data;
    size_t len, cap;
} reqbuf;

static void put(reqbuf *b, const char *s, size_t n)
{
    if (b->len + n + 1 > b->cap) {
        b->cap = (b->len + n + 1) * 2;
        b->data = realloc(b->data, b->cap);
        CGT_CHECK(b->data != NULL, "out of memory");
    }
    memcpy(b->data + b->len, s, n);
    b->len += n;
    b->data[b->len] = '\0';
}

static void puts_(reqbuf *b, const char *s)
{
    put(b, s, strlen(s));
}

/* A request: method and target as given (raw bytes), Host and Connection:
 * close, the extra header lines (each ending in \r\n, may be NULL), a
 * Content-Type when ctype is not NULL, and when body is not NULL the body
 * with its Content-Length. */
static reqbuf build(const char *method, const char *target, const char *token, const char *extra,
                    const char *ctype, const char *body, size_t body_len)
{
    reqbuf b = {0};
    puts_(&b, method);
    puts_(&b, " ");
    puts_(&b, target);
    puts_(&b, " HTTP/1.1\r\nHost: gateway\r\nConnection: close\r\n");
    if (token != NULL) {
        puts_(&b, "Authorization: Bearer ");
        puts_(&b, token);
        puts_(&b, "\r\n");
    }
    if (extra != NULL)
        puts_(&b, extra);
    if (ctype != NULL) {
        puts_(&b, "Content-Type: ");
        puts_(&b, ctype);
        puts_(&b, "\r\n");
    }
    if (body != NULL) {
        char cl[64];
        snprintf(cl, sizeof cl, "Content-Length: %zu\r\n", body_len);
        puts_(&b, cl);
    }
    puts_(&b, "\r\n");
    if (body != NULL)
        put(&b, body, body_len);
    return b;
}

/* A string of n copies of c; the caller frees it. */
static char *repeat(const char *unit, size_t n)
{
    size_t u = strlen(unit);
    char *s = malloc(u * n + 1);
    CGT_CHECK(s != NULL, "out of memory");
    for (size_t i = 0; i < n; i++)
        memcpy(s + i * u, unit, u);
    s[u * n] = '\0';
    return s;
}

/* snprintf for the labels of cases, which may be cut: they only name a case
 * in a failure message. */
static void fmt_label(char *out, size_t size, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static void fmt_label(char *out, size_t size, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(out, size, fmt, ap);
    va_end(ap);
}

/* --- judging answers ---------------------------------------------------------- */

/* What a case accepts besides "not 5xx, not dropped". */
/* ANY: 2xx or 4xx ("may succeed"). Every case gets an answer: even the
 * request targets civetweb does not route are answered by the gateway. */
typedef enum expect { E4XX, ANY } expect;

static size_t sent_total;
static size_t by_class[6];
static char login_token[128];

/* Strict UTF-8 (no overlong forms, no surrogates, nothing past U+10FFFF),
 * no NUL. */
static bool utf8_ok(const unsigned char *s, size_t n)
{
    size_t i = 0;
    while (i < n) {
        unsigned c = s[i];
        size_t k;
        unsigned min;
        unsigned cp;
        if (c == 0)
            return false;
        if (c < 0x80) {
            i++;
            continue;
        }
        if (c >= 0xc2 && c <= 0xdf)
            k = 1, min = 0x80, cp = c & 0x1f;
        else if (c >= 0xe0 && c <= 0xef)
            k = 2, min = 0x800, cp = c & 0x0f;
        else if (c >= 0xf0 && c <= 0xf4)
            k = 3, min = 0x10000, cp = c & 0x07;
        else
            return false;
        if (n - i <= k)
            return false;
        for (size_t j = 1; j <= k; j++) {
            if ((s[i + j] & 0xc0) != 0x80)
                return false;
            cp = (cp << 6) | (s[i + j] & 0x3f);
        }
        if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
            return false;
        i += k + 1;
    }
    return true;
}

static void check_ready_between(const char *after);

/* Send one case and judge its answer; label says which case it was. */
static void run_case(const char *label, const reqbuf *req, expect want, bool half_close)
{
    answer a = exchange(req->data, req->len, half_close);
    sent_total++;
    if (a.status == 0)
        CGT_FAIL("%s: no HTTP answer (%s)", label, a.why);
    by_class[a.status / 100 < 6 ? a.status / 100 : 5]++;
    if (a.status >= 500)
        CGT_FAIL("%s: answered %ld: %.300s", label, a.status, a.body);
    bool ok4 = a.status >= 400 && a.status < 500;
    bool ok2 = a.status >= 200 && a.status < 300;
    if (!(ok4 || (want == ANY && ok2)))
        CGT_FAIL("%s: expected %s, got %ld: %.300s", label, want == ANY ? "2xx or 4xx" : "4xx",
                 a.status, a.body);
    size_t head_len = (size_t)(a.body - a.raw);
    /* Header injection: no header line the request smuggled in comes back,
     * and nothing of a file on the server's disk. */
    for (size_t i = 0; i + 9 < head_len; i++)
        if (strncasecmp(a.raw + i, "\nInjected", 9) == 0)
            CGT_FAIL("%s: an injected header came back: %.400s", label, a.raw);
    if (a.body_len > 0 && (memmem(a.body, a.body_len, "root:x:0:", 9) != NULL))
        CGT_FAIL("%s: the answer holds /etc/passwd", label);
    if (a.body_len > 0 && strstr(a.content_type, "json") != NULL) {
        if (!utf8_ok((const unsigned char *)a.body, a.body_len))
            CGT_FAIL("%s: the JSON answer is not valid UTF-8: %.300s", label, a.body);
        cJSON *doc = cJSON_ParseWithLength(a.body, a.body_len);
        if (doc == NULL)
            CGT_FAIL("%s: the answer is not JSON: %.300s", label, a.body);
        if (strstr(a.content_type, "problem+json") != NULL) {
            const cJSON *st = cJSON_GetObjectItemCaseSensitive(doc, "status");
            const cJSON *inst = cJSON_GetObjectItemCaseSensitive(doc, "instance");
            bool good = cJSON_IsNumber(st) && (long)st->valuedouble == a.status &&
                        (inst == NULL || cJSON_IsString(inst));
            cJSON_Delete(doc);
            if (!good)
                CGT_FAIL("%s: a problem whose status or instance is wrong: %.300s", label, a.body);
        } else {
            cJSON_Delete(doc);
        }
    } else if (a.status >= 400 && a.body_len > 0) {
        CGT_FAIL("%s: a %ld without problem+json (%s): %.200s", label, a.status, a.content_type,
                 a.body);
    }
    answer_free(&a);
    if (sent_total % BATCH == 0)
        check_ready_between(label);
}

/* One case from parts; frees nothing of the caller's. */
static void send_case(const char *label, const char *method, const char *target, const char *token,
                      const char *extra, const char *ctype, const char *body, size_t body_len,
                      expect want)
{
    reqbuf b = build(method, target, token, extra, ctype, body, body_len);
    run_case(label, &b, want, false);
    free(b.data);
}

/* A raw request exactly as written. */
static void send_raw_case(const char *label, const char *bytes, size_t len, expect want,
                          bool half_close)
{
    reqbuf b = {.data = (char *)bytes, .len = len};
    run_case(label, &b, want, half_close);
}

static void check_ready_between(const char *after)
{
    reqbuf b = build("GET", "/readyz", NULL, NULL, NULL, NULL, 0);
    answer a = exchange(b.data, b.len, false);
    free(b.data);
    if (a.status != 200)
        CGT_FAIL("/readyz answered %ld after \"%s\": %.300s", a.status, after,
                 a.status ? a.body : a.why);
    answer_free(&a);
    /* The token the cases use must outlive them: no hostile request may end
     * the session it was sent with. */
    b = build("GET", "/api/v1/auth/me", login_token, NULL, NULL, NULL, 0);
    a = exchange(b.data, b.len, false);
    free(b.data);
    /* 429: the account's rate limit, when the test's address is not exempt. */
    if (a.status != 200 && a.status != 429)
        CGT_FAIL("the test's session stopped working after \"%s\": %ld", after, a.status);
    answer_free(&a);
}

/* --- the routes, from docs/access.md ----------------------------------------- */

#define MAX_ROUTES 256

typedef struct route {
    char method[16];
    char pattern[160];
    bool is_public;
    bool revokes;      /* logout-like: never sent the test's own token */
    bool reads_limit;  /* answers 400 to ?limit=abc */
    bool reads_cursor; /* answers 400 to ?cursor=not-a-cursor */
    const char *user;  /* the demo account whose token the cases send */
} route;

/* The demo accounts (services/gateway/src/handlers/seed.c) by role, in the order a
 * route's caller is picked: the first role the matrix allows. Sending an
 * allowed account's token takes each case past the permission check into
 * the handler. Only ids that name no record are sent, so no case changes
 * an account or a unit that exists. */
static struct {
    const char *role;
    const char *user;
    char *token; /* logged in when first needed */
} callers[] = {
    {"inspector", "inspector", NULL},       {"admin", "admin", NULL},
    {"auditor", "auditor", NULL},           {"inspection_lead", "lead", NULL},
    {"intake_officer", "intake", NULL},     {"custodian", "custodian", NULL},
    {"unit_leader", "unitlead.east", NULL}, {"cadre", "cadre.east", NULL},
};
#define NCALLERS (sizeof callers / sizeof callers[0])

static route routes[MAX_ROUTES];
static size_t nroutes;

static void load_routes(void)
{
    static const char self[] = "tests/integration/hostile_corpus.c";
    char path[1024];
    char line[2048];
    snprintf(path, sizeof path, "%s", __FILE__);
    size_t n = strlen(path);
    CGT_CHECK(n >= sizeof self - 1 && strcmp(path + n - (sizeof self - 1), self) == 0,
              "cannot find the checkout from __FILE__ \"%s\"", __FILE__);
    snprintf(path + n - (sizeof self - 1), sizeof path - (n - (sizeof self - 1)), "docs/access.md");
    FILE *f = fopen(path, "r");
    CGT_CHECK(f != NULL, "cannot read %s", path);
    bool in_table = false;
    char roles[16][32];
    size_t nroles = 0;
    while (fgets(line, sizeof line, f) != NULL) {
        if (!in_table) {
            in_table = strncmp(line, "| method | path | permission |", 30) == 0;
            /* The role columns after the first three. */
            char *save = NULL;
            size_t col = 0;
            for (char *c = in_table ? strtok_r(line, "| \n", &save) : NULL; c != NULL;
                 c = strtok_r(NULL, "| \n", &save))
                if (col++ >= 3 && nroles < 16)
                    snprintf(roles[nroles++], sizeof roles[0], "%s", c);
            continue;
        }
        if (strncmp(line, "| --- ", 6) == 0)
            continue;
        if (line[0] != '|')
            break;
        CGT_CHECK(nroutes < MAX_ROUTES, "more than %d routes", MAX_ROUTES);
        route *r = &routes[nroutes];
        char perm[64];
        if (sscanf(line, "| %15s | `%159[^`]` | `%63[^`]` |", r->method, r->pattern, perm) != 3)
            CGT_FAIL("a route row of %s that does not parse: %s", path, line);
        r->is_public = strcmp(perm, "public") == 0;
        r->revokes = strstr(r->pattern, "logout") != NULL;
        /* yes/no per role column, after the three cells read above. */
        bool allowed[16] = {false};
        char *save = NULL;
        size_t col = 0;
        for (char *c = strtok_r(line, "|", &save); c != NULL; c = strtok_r(NULL, "|", &save)) {
            if (col >= 3 && col - 3 < nroles)
                allowed[col - 3] = strstr(c, "yes") != NULL;
            col++;
        }
        r->user = NULL;
        for (size_t k = 0; k < NCALLERS && r->user == NULL; k++)
            for (size_t c = 0; c < nroles; c++)
                if (allowed[c] && strcmp(roles[c], callers[k].role) == 0)
                    r->user = callers[k].user;
        nroutes++;
    }
    fclose(f);
    CGT_CHECK(nroutes > 0, "%s has no route matrix", path);
}

/* The pattern with {id} replaced by id (raw, as it goes on the wire). */
static void concrete(const route *r, const char *id, char *out, size_t size)
{
    const char *p = strstr(r->pattern, "{id}");
    if (p == NULL)
        snprintf(out, size, "%s", r->pattern);
    else
        snprintf(out, size, "%.*s%s%s", (int)(p - r->pattern), r->pattern, id, p + 4);
}

static bool has_body(const route *r)
{
    return strcmp(r->method, "GET") != 0 && strcmp(r->method, "HEAD") != 0;
}

/* The token a case sends on r when it is not about tokens: that of an
 * account the route allows (none on a route that would end the session). */
static const char *token_for(const route *r)
{
    if (r->revokes)
        return NULL;
    for (size_t k = 0; r->user != NULL && k < NCALLERS; k++) {
        if (strcmp(callers[k].user, r->user) != 0)
            continue;
        if (callers[k].token == NULL)
            callers[k].token = CGT_LOGIN(callers[k].user);
        return callers[k].token;
    }
    return login_token;
}

/* --- the mutations -------------------------------------------------------------- */

/* SQL (and ltree, LIKE, dollar-quote) metacharacters. */
static const char *const sql_payloads[] = {
    "' OR '1'='1",
    "'; DROP TABLE reports; --",
    "\" OR \"\"=\"",
    "1); SELECT pg_sleep(10); --",
    "%' AND 1=1 --",
    "$$; SELECT 1; $$",
    "hq.*{1,} | hq.west",
    "\\'; SELECT current_user; --",
    "') UNION SELECT NULL, NULL --",
};
#define NSQL (sizeof sql_payloads / sizeof sql_payloads[0])

typedef struct body_case {
    const char *label;
    const char *body; /* NULL: built by make_body */
    size_t len;       /* 0: strlen(body) */
    bool well_formed; /* a JSON object some route might accept */
} body_case;

#define B(label, s)                                                                                \
    {                                                                                              \
        label, s, sizeof(s) - 1, false                                                             \
    }

static const body_case fixed_bodies[] = {
    B("empty", ""),
    B("open brace", "{"),
    B("close brace", "}"),
    B("open bracket", "["),
    B("member without value", "{\"a\":"),
    B("missing colon", "{\"a\" 1}"),
    B("single quotes", "{'a':1}"),
    B("trailing comma", "{\"a\":1,}"),
    B("array trailing comma", "[1,2,]"),
    B("bare word", "nul"),
    B("array", "[]"),
    B("null", "null"),
    B("number", "1"),
    B("string", "\"s\""),
    B("two documents", "{\"a\":1}{\"b\":2}"),
    B("trailing garbage", "{} x"),
    B("comment", "/*c*/{}"),
    B("byte order mark", "\xef\xbb\xbf{}"),
    B("invalid UTF-8 in a string", "{\"a\":\"\xff\xfe\"}"),
    B("overlong UTF-8", "{\"a\":\"\xc0\xaf\"}"),
    B("UTF-8 surrogate", "{\"a\":\"\xed\xa0\x80\"}"),
    B("truncated UTF-8", "{\"a\":\"\xe4\xb8\"}"),
    B("invalid UTF-8 in a key", "{\"\xff\":1}"),
    B("NUL in a string", "{\"a\":\"x\0y\"}"),
    B("NUL after the document", "{}\0"),
    B("NUL before the document", "\0{}"),
    B("escaped lone surrogate", "{\"a\":\"\\ud800\"}"),
    B("escaped NUL", "{\"a\":\"\\u0000\"}"),
    B("huge exponent", "{\"a\":1e999}"),
    B("duplicate keys", "{\"a\":1,\"a\":2}"),
    B("control character", "{\"a\":\"\x01\x1f\"}"),
    B("unknown field", "{\"zzz\":true}"),
    B("wrong types", "{\"username\":1,\"password\":[],\"receipt\":{},\"anonymous\":\"yes\","
                     "\"content\":null}"),
};

/* Bodies built at run time: nesting and size. */
static char *make_body(size_t which, const char **label, bool *well_formed)
{
    *well_formed = false;
    switch (which) {
    case 0: {
        *label = "nested 17 arrays";
        char *s = repeat("[", 17), *t = repeat("]", 17), *u = malloc(35);
        snprintf(u, 35, "%s%s", s, t);
        free(s);
        free(t);
        return u;
    }
    case 1: {
        *label = "nested 1000 objects";
        char *s = repeat("{\"a\":", 1000), *t = repeat("}", 1000);
        char *u = malloc(strlen(s) + strlen(t) + 2);
        sprintf(u, "%s1%s", s, t);
        free(s);
        free(t);
        return u;
    }
    case 2:
        *label = "20000 unclosed brackets";
        return repeat("[", 20000);
    case 3: {
        *label = "60000-byte string (under the body limit)";
        char *s = repeat("A", 60000), *u = malloc(60000 + 16);
        sprintf(u, "{\"a\":\"%s\"}", s);
        free(s);
        return u;
    }
    case 4: {
        *label = "70000-byte string (over the body limit)";
        char *s = repeat("A", 70000), *u = malloc(70000 + 16);
        sprintf(u, "{\"a\":\"%s\"}", s);
        free(s);
        return u;
    }
    case 5: {
        *label = "array of 10000 numbers";
        char *s = repeat("0,", 10000), *u = malloc(20000 + 16);
        s[strlen(s) - 1] = '\0';
        sprintf(u, "{\"a\":[%s]}", s);
        free(s);
        return u;
    }
    case 6: {
        *label = "20000 escaped characters";
        char *s = repeat("\\u4e2d", 10000), *u = malloc(60000 + 16);
        sprintf(u, "{\"a\":\"%s\"}", s);
        free(s);
        return u;
    }
    case 7:
        *label = "empty object";
        *well_formed = true;
        return strdup("{}");
    default:
        return NULL;
    }
}

/* Every body against every route, with application/json. */
static void bodies_on_every_route(void **state)
{
    (void)state;
    char label[256], target[512];
    for (size_t i = 0; i < nroutes; i++) {
        const route *r = &routes[i];
        concrete(r, "00000000-0000-4000-8000-000000000000", target, sizeof target);
        /* A route that reads no body, or a public one, may succeed. */
        expect ignored = has_body(r) ? E4XX : ANY;
        for (size_t k = 0; k < sizeof fixed_bodies / sizeof fixed_bodies[0]; k++) {
            const body_case *c = &fixed_bodies[k];
            fmt_label(label, sizeof label, "%s %s with body: %s", r->method, r->pattern, c->label);
            send_case(label, r->method, target, token_for(r), NULL, "application/json", c->body,
                      c->len, ignored);
        }
        const char *what;
        bool well_formed;
        char *body;
        for (size_t k = 0; (body = make_body(k, &what, &well_formed)) != NULL; k++) {
            fmt_label(label, sizeof label, "%s %s with body: %s", r->method, r->pattern, what);
            send_case(label, r->method, target, token_for(r), NULL, "application/json", body,
                      strlen(body), well_formed ? ANY : ignored);
            free(body);
        }
    }
}

/* Wrong, missing and malformed content types on every route with a body. */
static void content_types(void **state)
{
    (void)state;
    char *long_type = repeat("application/json+", 120);
    const struct {
        const char *label;
        const char *ctype; /* NULL: none */
        expect want;
    } cases[] = {
        {"no Content-Type", NULL, E4XX},
        {"text/plain", "text/plain", E4XX},
        {"json in latin1", "application/json; charset=latin1", E4XX},
        {"xml", "application/xml", E4XX},
        {"multipart", "multipart/form-data; boundary=x", E4XX},
        {"jsonx", "application/jsonx", E4XX},
        {"form", "application/x-www-form-urlencoded", E4XX},
        {"two charsets", "application/json; charset=utf-8; charset=utf-16", E4XX},
        {"empty", "", E4XX},
        {"long", long_type, E4XX},
        {"parameter without value", "application/json; charset", E4XX},
        {"upper case", "APPLICATION/JSON", ANY},
    };
    char label[256], target[512];
    for (size_t i = 0; i < nroutes; i++) {
        const route *r = &routes[i];
        if (!has_body(r))
            continue;
        concrete(r, "00000000-0000-4000-8000-000000000000", target, sizeof target);
        for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++) {
            fmt_label(label, sizeof label, "%s %s with Content-Type: %s", r->method, r->pattern,
                      cases[k].label);
            /* {} is a body no route of today accepts, yet one may later. */
            send_case(label, r->method, target, token_for(r), NULL, cases[k].ctype, "{}", 2,
                      r->revokes ? cases[k].want : ANY);
        }
    }
    free(long_type);
}

/* Ids with metacharacters, traversal and bad bytes; suffixes that try to
 * leave the API's tree. */
static void paths(void **state)
{
    (void)state;
    char *long_id = repeat("a", 200);
    char *long_path = repeat("/x", 7000); /* 14000 bytes: within max_request_size */
    const char *const ids[] = {
        "%27%20OR%20%271%27%3D%271",
        "1%3B%20DROP%20TABLE%20clues--",
        "%00",
        "..",
        "%2e%2e",
        "%252e%252e",
        long_id,
        "%ff%fe",
        "%E4%B8%AD",
        "x%0d%0aInjected:%201",
        "%2f..%2f..%2f",
        "-1",
        "999999999999999999999",
        "{id}",
        "%C0%AE%C0%AE",
        "00000000-0000-4000-8000-00000000000G",
    };
    const struct {
        const char *suffix;
        expect want;
    } suffixes[] = {
        {"/../../../etc/passwd", E4XX},
        {"/%2e%2e/%2e%2e/%2e%2e/etc/passwd", E4XX},
        {"%2f..%2f..%2f..%2fetc%2fpasswd", E4XX},
        {"/..%252f..%252f..%252fetc%252fpasswd", E4XX},
        {"/%C0%AE%C0%AE/%C0%AE%C0%AE/etc/passwd", E4XX},
        {"/..\\..\\..\\etc\\passwd", E4XX},
        /* civetweb ends the decoded path at a NUL, so the gateway refuses
         * %00 rather than serve the shorter path. */
        {"%00", E4XX},
        {"%00.json", E4XX},
        {"/%ff%fe", E4XX},
        {"/x/%00/%ff", E4XX},
        {";jsessionid=x", E4XX},
        {"/", ANY},
        {"/./", ANY},
        {"//", ANY},
        {long_path, E4XX},
    };
    char label[600];
    char *target = malloc(16000);
    for (size_t i = 0; i < nroutes; i++) {
        const route *r = &routes[i];
        if (strstr(r->pattern, "{id}") != NULL) {
            for (size_t k = 0; k < sizeof ids / sizeof ids[0]; k++) {
                concrete(r, ids[k], target, 16000);
                fmt_label(label, sizeof label, "%s %.300s", r->method, target);
                send_case(label, r->method, target, token_for(r), NULL,
                          has_body(r) ? "application/json" : NULL, has_body(r) ? "{}" : NULL, 2,
                          E4XX);
            }
        }
        for (size_t k = 0; k < sizeof suffixes / sizeof suffixes[0]; k++) {
            concrete(r, "00000000-0000-4000-8000-000000000000", target, 16000);
            strncat(target, suffixes[k].suffix, 16000 - strlen(target) - 1);
            fmt_label(label, sizeof label, "%s %.300s", r->method, target);
            send_case(label, r->method, target, token_for(r), NULL,
                      has_body(r) ? "application/json" : NULL, has_body(r) ? "{}" : NULL, 2,
                      suffixes[k].want);
        }
    }
    free(target);
    free(long_id);
    free(long_path);
}

/* True if GET base?query answers 400; target is scratch space. */
static bool probe_400(const route *r, const char *base, const char *query, char *target)
{
    snprintf(target, 30000, "%s?%s", base, query);
    reqbuf b = build("GET", target, token_for(r), NULL, NULL, NULL, 0);
    answer a = exchange(b.data, b.len, false);
    bool refused = a.status == 400;
    free(b.data);
    answer_free(&a);
    return refused;
}

/* Limits and cursors with metacharacters, bad numbers and bad bytes. A
 * route that reads no query may succeed; one that refuses a plainly bad
 * limit (or cursor) must refuse every bad one too. */
static void queries(void **state)
{
    (void)state;
    char *long_cursor = repeat("A", 4000);
    char *long_query = repeat("a=b&", 5000); /* 20000 bytes: over max_request_size */
    char cursor_q[4100], long_q[20010];
    snprintf(cursor_q, sizeof cursor_q, "cursor=%s", long_cursor);
    snprintf(long_q, sizeof long_q, "%s", long_query);
    const struct {
        const char *query;
        char param; /* 'l': a bad limit, 'c': a bad cursor, 0: may be valid */
    } cases[] = {
        {"limit=-1", 'l'},
        {"limit=0", 'l'},
        {"limit=1000000000000000000000000", 'l'},
        {"limit=abc", 'l'},
        {"limit=1%00", 'l'},
        {"limit=%ff", 'l'},
        {"limit=1%3BDROP%20TABLE%20clues", 'l'},
        {"cursor=%27%20OR%201%3D1--", 'c'},
        {"cursor=%00", 'c'},
        {"cursor=%ff%fe", 'c'},
        {"cursor=..%2f..%2fetc%2fpasswd", 'c'},
        {"cursor=%22%3B%20SELECT%20pg_sleep(10)%3B--", 'c'},
        {cursor_q, 'c'},
        {"limit=1&limit=2", 0},
        {"&&&==&", 0},
        {"cursor=", 0},
    };
    char label[400];
    char *target = malloc(30000);
    for (size_t i = 0; i < nroutes; i++) {
        route *r = &routes[i];
        char base[512];
        concrete(r, "00000000-0000-4000-8000-000000000000", base, sizeof base);
        /* Probe: does this route read ?limit= and ?cursor= at all? */
        if (strcmp(r->method, "GET") == 0 && !r->revokes) {
            r->reads_limit = probe_400(r, base, "limit=abc", target);
            r->reads_cursor = probe_400(r, base, "cursor=not-a-cursor", target);
        }
        for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++) {
            snprintf(target, 30000, "%s?%s", base, cases[k].query);
            fmt_label(label, sizeof label, "%s %.300s", r->method, target);
            send_case(label, r->method, target, token_for(r), NULL,
                      has_body(r) ? "application/json" : NULL, has_body(r) ? "{}" : NULL, 2,
                      (cases[k].param == 'l' && r->reads_limit) ||
                              (cases[k].param == 'c' && r->reads_cursor)
                          ? E4XX
                          : ANY);
        }
        snprintf(target, 30000, "%s?%s", base, long_q);
        fmt_label(label, sizeof label, "%s %s with a 20000-byte query", r->method, r->pattern);
        send_case(label, r->method, target, token_for(r), NULL, NULL, NULL, 0, E4XX);
    }
    free(target);
    free(long_cursor);
    free(long_query);
}

/* Forged and malformed tokens on every route that needs a login. */
static void tokens(void **state)
{
    (void)state;
    char *very_long = repeat("A", 10000);
    char random43[44];
    cgt_token_hex(random43, 43);
    char header[10200];
    char valid_x[160], valid_twice[300], valid_nul[160];
    snprintf(valid_x, sizeof valid_x, "%sx", login_token);
    snprintf(valid_twice, sizeof valid_twice, "%s %s", login_token, login_token);
    snprintf(valid_nul, sizeof valid_nul, "%s%%00", login_token);
    const struct {
        const char *label;
        const char *prefix; /* the header line up to the value */
        const char *value;
        bool lenient; /* a valid token in another spelling: may succeed */
    } cases[] = {
        {"Bearer alone", "Authorization: Bearer", "", false},
        {"Bearer and a space", "Authorization: Bearer ", "", false},
        {"garbage", "Authorization: Bearer ", "garbage", false},
        {"unknown well-formed", "Authorization: Bearer ", random43, false},
        {"10000 characters", "Authorization: Bearer ", very_long, false},
        {"not base64", "Authorization: Bearer ", "!!!@@@###$$$%%%^^^&&&***((()))___+++", false},
        {"Basic", "Authorization: Basic ", "dXNlcjpwYXNz", false},
        {"valid plus a byte", "Authorization: Bearer ", valid_x, false},
        {"valid twice", "Authorization: Bearer ", valid_twice, false},
        {"valid and %00", "Authorization: Bearer ", valid_nul, false},
        {"invalid UTF-8", "Authorization: Bearer ", "\xff\xfe\xfd", false},
        {"control bytes", "Authorization: Bearer ", "\x01\x02\x7f", false},
        {"SQL", "Authorization: Bearer ", "' OR '1'='1", false},
        {"Token scheme", "Authorization: Token ", login_token, false},
        {"cookie instead", "Cookie: token=", login_token, false},
        {"lower-case scheme", "Authorization: bearer ", login_token, true},
        {"forged then valid", "Authorization: Bearer forged\r\nAuthorization: Bearer ", login_token,
         true},
    };
    char label[300], target[512];
    for (size_t i = 0; i < nroutes; i++) {
        const route *r = &routes[i];
        concrete(r, "00000000-0000-4000-8000-000000000000", target, sizeof target);
        for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++) {
            /* A valid token in another spelling would end the session on
             * a route that revokes it. */
            if (r->revokes && (cases[k].lenient || strstr(cases[k].value, login_token) != NULL))
                continue;
            snprintf(header, sizeof header, "%s%s\r\n", cases[k].prefix, cases[k].value);
            fmt_label(label, sizeof label, "%s %s with token: %s", r->method, r->pattern,
                      cases[k].label);
            send_case(label, r->method, target, NULL, header,
                      has_body(r) ? "application/json" : NULL, has_body(r) ? "{}" : NULL, 2,
                      r->is_public || cases[k].lenient ? ANY : E4XX);
        }
    }
    free(very_long);
}

/* Methods the route does not serve, and methods nobody serves. */
static void methods(void **state)
{
    (void)state;
    char *long_method = repeat("M", 100);
    const char *const others[] = {"GET",     "POST",  "PUT",     "DELETE",    "PATCH",
                                  "OPTIONS", "TRACE", "CONNECT", "PROPFIND",  "FOO",
                                  "BREW",    "get",   "G@T",     long_method, "HEAD"};
    char label[400], target[512];
    for (size_t i = 0; i < nroutes; i++) {
        const route *r = &routes[i];
        concrete(r, "00000000-0000-4000-8000-000000000000", target, sizeof target);
        for (size_t k = 0; k < sizeof others / sizeof others[0]; k++) {
            const char *m = others[k];
            bool served = false;
            for (size_t j = 0; j < nroutes; j++)
                if (strcmp(routes[j].method, m) == 0 && strcmp(routes[j].pattern, r->pattern) == 0)
                    served = true;
            if (served)
                continue;
            bool head_of_get = strcmp(m, "HEAD") == 0 && strcmp(r->method, "GET") == 0;
            fmt_label(label, sizeof label, "%.120s %s", m, r->pattern);
            send_case(label, m, target, token_for(r), NULL, NULL, NULL, 0,
                      head_of_get ? ANY : E4XX);
        }
    }
    free(long_method);
}

/* Hostile values of the headers the gateway reads: X-Forwarded-For (read
 * from trusted proxies for the rate limits), X-Request-Id (echoed),
 * Idempotency-Key (checked and passed on), If-None-Match. Any route may
 * succeed: each header is optional. */
static void hostile_headers(void **state)
{
    (void)state;
    char *long_xff = repeat("10.0.0.1, ", 800);
    char *long_key = repeat("k", 129);
    char *long_rid = repeat("r", 65);
    char xff[8200], key[200], rid[100];
    snprintf(xff, sizeof xff, "X-Forwarded-For: %s\r\n", long_xff);
    snprintf(key, sizeof key, "Idempotency-Key: %s\r\n", long_key);
    snprintf(rid, sizeof rid, "X-Request-Id: %s\r\n", long_rid);
    const char *const headers[] = {
        "X-Forwarded-For: garbage\r\n",
        "X-Forwarded-For: 999.999.999.999\r\n",
        "X-Forwarded-For: ::1, fe80::1%eth0\r\n",
        "X-Forwarded-For: ' OR '1'='1\r\n",
        "X-Forwarded-For: ,,,,,\r\n",
        "X-Forwarded-For: 127.0.0.1\r\nX-Forwarded-For: 10.9.8.7\r\n",
        "X-Forwarded-For: \xff\xfe\r\n",
        xff,
        "X-Request-Id: ../../etc/passwd\r\n",
        "X-Request-Id: <script>alert(1)</script>\r\n",
        rid,
        "Idempotency-Key: has spaces in it\r\n",
        "Idempotency-Key: \xe4\xb8\xad\r\n",
        "Idempotency-Key: '; DROP TABLE idempotency; --\r\n",
        key,
        "If-None-Match: \"\xff\", W/\"x\", *, ,,\r\n",
        "If-Match: garbage\r\n",
        "Content-Encoding: gzip\r\n",
    };
    char label[300], target[512];
    for (size_t i = 0; i < nroutes; i++) {
        const route *r = &routes[i];
        concrete(r, "00000000-0000-4000-8000-000000000000", target, sizeof target);
        for (size_t k = 0; k < sizeof headers / sizeof headers[0]; k++) {
            fmt_label(label, sizeof label, "%s %s with %.60s", r->method, r->pattern, headers[k]);
            send_case(label, r->method, target, token_for(r), headers[k],
                      has_body(r) ? "application/json" : NULL, has_body(r) ? "{}" : NULL, 2, ANY);
        }
    }
    free(long_xff);
    free(long_key);
    free(long_rid);
}

/* SQL metacharacters in every string field of every body the gateway knows.
 * Login uses an account that does not exist, so no real account is locked
 * out by the wrong passwords. */
static char submitted[64][64];
static size_t nsubmitted;

static void sql_in_fields(void **state)
{
    (void)state;
    static const char *const report_fields[] = {"category",       "content",       "location",
                                                "accused_person", "accused_unit",  "unit_code",
                                                "reporter_name",  "reporter_phone"};
    char label[300];
    for (size_t p = 0; p < NSQL; p++) {
        const char *payload = sql_payloads[p];

        for (int field = 0; field < 2; field++) {
            cJSON *b = cJSON_CreateObject();
            cJSON_AddStringToObject(b, "username", field == 0 ? payload : "hostile.nobody");
            cJSON_AddStringToObject(b, "password", field == 1 ? payload : "not-the-password-1");
            char *text = cJSON_PrintUnformatted(b);
            fmt_label(label, sizeof label, "login with SQL in %s: %s",
                      field == 0 ? "username" : "password", payload);
            send_case(label, "POST", "/api/v1/auth/login", NULL, NULL, "application/json", text,
                      strlen(text), E4XX);
            free(text);
            cJSON_Delete(b);
        }

        cJSON *st = cJSON_CreateObject();
        cJSON_AddStringToObject(st, "receipt", payload);
        char *text = cJSON_PrintUnformatted(st);
        fmt_label(label, sizeof label, "report status with SQL receipt: %s", payload);
        send_case(label, "POST", "/api/v1/public/reports/status", NULL, NULL, "application/json",
                  text, strlen(text), E4XX);
        free(text);
        cJSON_Delete(st);

        for (size_t f = 0; f < sizeof report_fields / sizeof report_fields[0]; f++) {
            const char *name = report_fields[f];
            cJSON *b = cgt_report_body("hostile", NULL);
            char value[256];
            /* content needs at least 10 characters. */
            snprintf(value, sizeof value, "%s%s", payload,
                     strcmp(name, "content") == 0 ? " padding to ten" : "");
            bool named = strcmp(name, "reporter_name") == 0 || strcmp(name, "reporter_phone") == 0;
            if (named) {
                cJSON_ReplaceItemInObject(b, "anonymous", cJSON_CreateFalse());
                cJSON_AddStringToObject(b, "reporter_name", "Hostile Tester");
            }
            cJSON_DeleteItemFromObject(b, name);
            cJSON_AddStringToObject(b, name, value);
            text = cJSON_PrintUnformatted(b);
            cJSON_Delete(b);
            /* unit_code and reporter_phone have fixed shapes: always 400.
             * A free-text field takes the characters as text (201), or 400
             * when the payload is over its length. */
            bool shaped = strcmp(name, "unit_code") == 0 || strcmp(name, "reporter_phone") == 0;
            fmt_label(label, sizeof label, "report with SQL in %s: %s", name, payload);
            reqbuf rq = build("POST", "/api/v1/public/reports", NULL, NULL, "application/json",
                              text, strlen(text));
            free(text);
            answer a = exchange(rq.data, rq.len, false);
            sent_total++;
            if (a.status == 0 || a.status >= 500 || (shaped && a.status != 400 && a.status != 429))
                CGT_FAIL("%s: got %ld: %.300s", label, a.status, a.status ? a.body : a.why);
            by_class[a.status / 100]++;
            if (a.status == 201) {
                cJSON *doc = cJSON_ParseWithLength(a.body, a.body_len);
                const char *id = cgt_json_str(doc, "report_id");
                CGT_CHECK(id != NULL, "%s: 201 without report_id", label);
                if (nsubmitted < sizeof submitted / sizeof submitted[0])
                    snprintf(submitted[nsubmitted++], sizeof submitted[0], "%s", id);
                cJSON_Delete(doc);
            } else if (a.status != 400 && a.status != 429) {
                CGT_FAIL("%s: expected 201, 400 or 429, got %ld: %.300s", label, a.status, a.body);
            }
            answer_free(&a);
            free(rq.data);
            if (sent_total % BATCH == 0)
                check_ready_between(label);
        }
    }
}

/* Requests whose framing itself is hostile: only a raw socket sends them.
 * The requests are literals, some with NUL bytes, so each carries its
 * length. */
#define RAW(label, literal, want, half_close)                                                      \
    {                                                                                              \
        label, literal, sizeof(literal) - 1, want, half_close                                      \
    }
#define POST_HEAD                                                                                  \
    "POST /api/v1/public/reports HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"        \
    "Connection: close\r\n"

static const struct raw_case {
    const char *label;
    const char *bytes;
    size_t len;
    expect want;
    bool half_close;
} raw_cases[] = {
    RAW("bare CR in a header value",
        "GET /healthz HTTP/1.1\r\nHost: x\r\nX-Request-Id: a\rInjected: 1\r\nConnection: "
        "close\r\n\r\n",
        ANY, false),
    RAW("bare LF in a header value",
        "GET /healthz HTTP/1.1\r\nHost: x\r\nX-Request-Id: a\nInjected: 1\r\nConnection: "
        "close\r\n\r\n",
        ANY, false),
    RAW("encoded CRLF in X-Request-Id",
        "GET /healthz HTTP/1.1\r\nHost: x\r\nX-Request-Id: a%0d%0aInjected:%201\r\n"
        "Connection: close\r\n\r\n",
        ANY, false),
    RAW("folded Idempotency-Key",
        "POST /api/v1/public/reports/status HTTP/1.1\r\nHost: x\r\nIdempotency-Key: k\r\n "
        "Injected: 1\r\nContent-Type: application/json\r\nContent-Length: 2\r\nConnection: "
        "close\r\n\r\n{}",
        E4XX, false),
    RAW("NUL in a header value",
        "GET /healthz HTTP/1.1\r\nHost: x\r\nX-Request-Id: a\0b\r\nConnection: close\r\n\r\n", ANY,
        false),
    RAW("NUL in the path", "GET /api/v1/clues\0/x HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
        E4XX, false),
    RAW("space in the path",
        "GET /api/v1/clues /x HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n", E4XX, false),
    RAW("raw invalid UTF-8 in the path",
        "GET /api/v1/\xff\xfe HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n", E4XX, false),
    RAW("percent-encoded invalid UTF-8 in the path",
        "GET /api/v1/%ff%fe HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n", E4XX, false),
    RAW("control bytes in the path",
        "GET /api/v1/\x01\x1b[31m HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n", E4XX, false),
    RAW("HTTP/1.0 without Host", "GET /healthz HTTP/1.0\r\n\r\n", ANY, false),
    RAW("HTTP/2.0 on HTTP/1", "GET /healthz HTTP/2.0\r\nHost: x\r\n\r\n", E4XX, false),
    RAW("HTTP/9.9", "GET /healthz HTTP/9.9\r\nHost: x\r\n\r\n", E4XX, false),
    RAW("bad version", "GET /healthz HTTP/1.1x\r\nHost: x\r\n\r\n", E4XX, false),
    RAW("folded header",
        "GET /healthz HTTP/1.1\r\nHost: x\r\nX-Request-Id: a\r\n b\r\nConnection: close\r\n\r\n",
        ANY, false),
    RAW("header without a colon",
        "GET /healthz HTTP/1.1\r\nHost: x\r\nGarbage\r\nConnection: close\r\n\r\n", ANY, false),
    RAW("negative Content-Length", POST_HEAD "Content-Length: -1\r\n\r\n{}", E4XX, true),
    RAW("Content-Length not a number", POST_HEAD "Content-Length: abc\r\n\r\n{}", E4XX, true),
    RAW("huge Content-Length", POST_HEAD "Content-Length: 99999999999999999999\r\n\r\n{}", E4XX,
        true),
    RAW("two Content-Lengths", POST_HEAD "Content-Length: 2\r\nContent-Length: 5\r\n\r\n{}", E4XX,
        true),
    RAW("Content-Length and chunked",
        POST_HEAD "Content-Length: 2\r\nTransfer-Encoding: chunked\r\n\r\n2\r\n{}\r\n0\r\n\r\n",
        E4XX, true),
    RAW("bad chunk size", POST_HEAD "Transfer-Encoding: chunked\r\n\r\nzz\r\n{}\r\n0\r\n\r\n", E4XX,
        true),
    RAW("huge chunk size",
        POST_HEAD "Transfer-Encoding: chunked\r\n\r\nfffffffffffffff\r\n{}\r\n0\r\n\r\n", E4XX,
        true),
    RAW("chunked {}", POST_HEAD "Transfer-Encoding: chunked\r\n\r\n2\r\n{}\r\n0\r\n\r\n", E4XX,
        true),
    RAW("unknown Transfer-Encoding",
        POST_HEAD "Transfer-Encoding: gzip, chunked, identity\r\n\r\n2\r\n{}\r\n0\r\n\r\n", E4XX,
        true),
    RAW("body cut short", POST_HEAD "Content-Length: 100\r\n\r\n{\"category\":", E4XX, true),
    RAW("lower-case method", "get /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n", E4XX,
        false),
    RAW("method with a space", "G ET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
        E4XX, false),
    RAW("absolute URI to elsewhere",
        "GET http://example.com/healthz HTTP/1.1\r\nHost: example.com\r\nConnection: close\r\n\r\n",
        E4XX, false),
    RAW("asterisk target", "OPTIONS * HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n", ANY,
        false),
    RAW("empty target", "GET  HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n", E4XX, false),
    RAW("request line only", "GET /healthz HTTP/1.1\r\n\r\n", ANY, false),
    RAW("TLS hello on plain HTTP", "\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03 not TLS\r\n\r\n",
        E4XX, false),
    RAW("pipelined garbage after a request",
        "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\nGARBAGE\r\n\r\n", ANY, true),
};

static void raw_framing(void **state)
{
    (void)state;
    for (size_t k = 0; k < sizeof raw_cases / sizeof raw_cases[0]; k++)
        send_raw_case(raw_cases[k].label, raw_cases[k].bytes, raw_cases[k].len, raw_cases[k].want,
                      raw_cases[k].half_close);

    /* Sizes past civetweb's max_request_size (16384 bytes of head). */
    char *long_url = repeat("a", 20000);
    char *big_header = repeat("b", 20000);
    char *many_headers = repeat("X-Filler: 1\r\n", 300);
    const struct {
        const char *label;
        const char *before, *arg, *after;
        expect want;
    } sized[] = {
        {"a 20000-byte URL", "GET /api/v1/", long_url,
         " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n", E4XX},
        {"a 20000-byte header", "GET /healthz HTTP/1.1\r\nHost: x\r\nX-Big: ", big_header,
         "\r\nConnection: close\r\n\r\n", E4XX},
        {"300 headers", "GET /healthz HTTP/1.1\r\nHost: x\r\n", many_headers,
         "Connection: close\r\n\r\n",
         /* civetweb keeps the first 64 header lines and drops the rest: a
          * login header past them is simply absent (401), never misread. */
         ANY},
    };
    char *buf = malloc(64000);
    for (size_t k = 0; k < sizeof sized / sizeof sized[0]; k++) {
        int n = snprintf(buf, 64000, "%s%s%s", sized[k].before, sized[k].arg, sized[k].after);
        CGT_CHECK(n > 0 && n < 64000, "%s: request too long", sized[k].label);
        send_raw_case(sized[k].label, buf, (size_t)n, sized[k].want, false);
    }
    free(buf);
    free(long_url);
    free(big_header);
    free(many_headers);
}

/* What the gateway sends for req[0..len) on a new connection, read until it
 * closes the connection or says nothing more for wait_s seconds; *closed
 * tells which. Owned by the caller (free). */
static char *read_all(const char *req, size_t len, int wait_s, bool *closed)
{
    size_t cap = 8192, got = 0;
    char *out = calloc(1, cap + 1);
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    CGT_CHECK(out != NULL && fd >= 0, "socket: %s", strerror(errno));
    struct timeval tv = {.tv_sec = wait_s};
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    CGT_CHECK(connect(fd, (struct sockaddr *)&gateway_addr, sizeof gateway_addr) == 0,
              "connect: %s", strerror(errno));
    CGT_CHECK(send(fd, req, len, MSG_NOSIGNAL) == (ssize_t)len, "send: %s", strerror(errno));
    *closed = false;
    while (got < cap) {
        ssize_t n = recv(fd, out + got, cap - got, 0);
        if (n == 0)
            *closed = true;
        if (n <= 0)
            break;
        got += (size_t)n;
    }
    close(fd);
    out[got] = '\0';
    return out;
}

/* How many answers text holds: status lines at the start of a line. */
static int answers_in(const char *text)
{
    int n = 0;
    for (const char *p = text; (p = strstr(p, "HTTP/1.1 ")) != NULL; p++)
        n += p == text || p[-1] == '\n';
    return n;
}

/* A head that could be read two ways (RFC 9112 6.1, 6.3) is answered 400
 * and the connection closed, so the request hidden behind it is never run:
 * each case carries a second request, GET /healthz, after its body, and
 * must get one answer, a 400, and then the end of the connection. */
static void ambiguous_framing(void **state)
{
    (void)state;
#define SMUGGLED "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n"
#define REPORT_HEAD                                                                                \
    "POST /api/v1/public/reports/status HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
    static const struct {
        const char *label, *bytes;
    } cases[] = {
        {"Content-Length and Transfer-Encoding",
         REPORT_HEAD "Content-Length: 40\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n" SMUGGLED},
        {"two different Content-Lengths",
         REPORT_HEAD "Content-Length: 2\r\nContent-Length: 40\r\n\r\n{}" SMUGGLED},
        {"Transfer-Encoding with a space before the colon",
         REPORT_HEAD "Transfer-Encoding : chunked\r\nContent-Length: 2\r\n\r\n{}" SMUGGLED},
        {"Content-Length with a sign", REPORT_HEAD "Content-Length: +2\r\n\r\n{}" SMUGGLED},
        {"HTTP/1.1 without Host", "GET /healthz HTTP/1.1\r\n\r\n" SMUGGLED},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        bool closed = false;
        char *got = read_all(cases[i].bytes, strlen(cases[i].bytes), 5, &closed);
        CGT_CHECK(strncmp(got, "HTTP/1.1 400", 12) == 0, "%s: answered %.60s", cases[i].label, got);
        CGT_CHECK(answers_in(got) == 1, "%s: %d answers, the hidden request ran: %.300s",
                  cases[i].label, answers_in(got), got);
        CGT_CHECK(closed, "%s: the connection stayed open", cases[i].label);
        free(got);
    }
#undef SMUGGLED
#undef REPORT_HEAD
}

/* Every form of request target RFC 9112 3.2 allows gets an answer: the
 * absolute form for this server is served like its path, for another host
 * or port it is refused, OPTIONS * names the methods, any other method
 * with * is refused. */
static void request_target_forms(void **state)
{
    (void)state;
    char own[256];
    snprintf(own, sizeof own,
             "GET http://127.0.0.1:%d/healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n"
             "Connection: close\r\n\r\n",
             ntohs(gateway_addr.sin_port));
    static const char other[] = "GET http://other.example:81/healthz HTTP/1.1\r\n"
                                "Host: 127.0.0.1\r\nConnection: close\r\n\r\n";
    static const char options[] = "OPTIONS * HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n";
    static const char get_star[] = "GET * HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n";
    const struct {
        const char *label, *bytes, *status, *must_hold;
    } cases[] = {
        {"absolute form, this server", own, "HTTP/1.1 200", "\"ok\""},
        {"absolute form, another server", other, "HTTP/1.1 400", "no proxy"},
        {"OPTIONS *", options, "HTTP/1.1 204", "Allow: GET, HEAD, POST, PATCH"},
        {"GET *", get_star, "HTTP/1.1 400", "only OPTIONS"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        bool closed = false;
        char *got = read_all(cases[i].bytes, strlen(cases[i].bytes), 5, &closed);
        CGT_CHECK(strncmp(got, cases[i].status, strlen(cases[i].status)) == 0 &&
                      strstr(got, cases[i].must_hold) != NULL,
                  "%s: answered %.300s", cases[i].label, got);
        free(got);
    }
}

/* The end: the gateway still answers, every service is ready, and each
 * report that carried SQL metacharacters as text arrived as a clue. */
static void still_ready(void **state)
{
    (void)state;
    CGT_CHECK_READY();
    /* auditor (hq) sees every clue too, and has a rate-limit bucket of its
     * own, untouched by the cases above. */
    char *auditor = CGT_LOGIN("auditor");
    for (size_t i = 0; i < nsubmitted; i++)
        cJSON_Delete(CGT_AWAIT_CLUE(auditor, "source_ref", submitted[i]));
    cgt_logout(auditor);
    printf("hostile corpus: %zu requests: %zu 2xx, %zu 3xx, %zu 4xx, %zu 5xx; %zu reports with "
           "SQL metacharacters stored as text\n",
           sent_total, by_class[2], by_class[3], by_class[4], by_class[5], nsubmitted);
    CGT_CHECK(sent_total >= 500, "only %zu requests were sent", sent_total);
}

static int group_setup(void **state)
{
    (void)state;
    parse_gateway_url();
    load_routes();
    /* inspector: hq, reads clues everywhere, so list routes are reached past
     * the permission check and the end can find every report's clue. */
    char *t = CGT_LOGIN("inspector");
    snprintf(login_token, sizeof login_token, "%s", t);
    free(t);
    return 0;
}

static int group_teardown(void **state)
{
    (void)state;
    cgt_logout(strdup(login_token));
    for (size_t k = 0; k < NCALLERS; k++) {
        cgt_logout(callers[k].token);
        callers[k].token = NULL;
    }
    return 0;
}

int main(void)
{
    cgt_init("hostile_corpus", CGT_NEED_GATEWAY);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(bodies_on_every_route),
        cmocka_unit_test(content_types),
        cmocka_unit_test(paths),
        cmocka_unit_test(queries),
        cmocka_unit_test(tokens),
        cmocka_unit_test(methods),
        cmocka_unit_test(hostile_headers),
        cmocka_unit_test(sql_in_fields),
        cmocka_unit_test(raw_framing),
        cmocka_unit_test(ambiguous_framing),
        cmocka_unit_test(request_target_forms),
        cmocka_unit_test(still_ready),
    };
    int rc = cmocka_run_group_tests(tests, group_setup, group_teardown);
    cgt_cleanup();
    return rc;
}
