/* The integration-test harness; see cgt.h for what each part is for. */
#include "cgt.h"

#include <ctype.h>
#include <curl/curl.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

/* The time a single HTTP exchange may take. Generous, because a slow answer
 * is reported by the test that cares about latency, and a hung gateway must
 * still end in a clear failure rather than a ctest timeout. */
#define CGT_HTTP_TIMEOUT_MS 15000L

/* How much of a body a failure message shows. */
#define CGT_BODY_PREVIEW 600

static const char *cgt_gateway;
static const char *cgt_nats;
static const char *cgt_stack_path;
static const char *cgt_password;

/* --- environment --------------------------------------------------------- */

static void cgt_skip(const char *suite, const char *why)
{
    fprintf(stderr,
            "%s: skipped: %s.\n"
            "  The integration tests need the running stack that scripts/test.sh starts\n"
            "  (it exports CG_GATEWAY_URL, CG_NATS_URL, CG_STACK and CG_DEMO_PASSWORD).\n"
            "  Run scripts/test.sh, or start the stack with scripts/stack.sh and export\n"
            "  those variables before running ctest by hand.\n",
            suite, why);
    exit(CGT_SKIP);
}

static const char *cgt_env(const char *name)
{
    const char *v = getenv(name);
    return (v && *v) ? v : NULL;
}

void cgt_init(const char *suite, int needs)
{
    /* Line-buffered stdout keeps cmocka's progress lines in order with the
     * failure messages, which go to stderr. */
    setvbuf(stdout, NULL, _IOLBF, 0);
    cgt_gateway = cgt_env("CG_GATEWAY_URL");
    cgt_nats = cgt_env("CG_NATS_URL");
    cgt_stack_path = cgt_env("CG_STACK");
    cgt_password = cgt_env("CG_DEMO_PASSWORD");
    if (!cgt_gateway)
        cgt_skip(suite, "CG_GATEWAY_URL is not set, so there is no gateway to test");
    if (!cgt_password)
        cgt_skip(suite, "CG_DEMO_PASSWORD is not set, so the demo accounts cannot log in");
    if ((needs & CGT_NEED_STACK) && !cgt_stack_path)
        cgt_skip(suite, "CG_STACK is not set, so this test cannot stop and start the stack");
    if ((needs & CGT_NEED_NATS) && !cgt_nats)
        cgt_skip(suite, "CG_NATS_URL is not set, so this test cannot publish events");
    if (curl_global_init(CURL_GLOBAL_ALL) != CURLE_OK) {
        fprintf(stderr, "%s: curl_global_init failed\n", suite);
        exit(1);
    }
    fprintf(stderr, "%s: gateway %s\n", suite, cgt_gateway);
}

void cgt_cleanup(void)
{
    curl_global_cleanup();
}

const char *cgt_gateway_url(void)
{
    return cgt_gateway;
}

const char *cgt_nats_url(void)
{
    return cgt_nats;
}

const char *cgt_demo_password(void)
{
    return cgt_password;
}

/* --- failing a test ------------------------------------------------------ */

void cgt_fail_at(const char *file, int line, const char *what, const char *fmt, ...)
{
    char msg[4096];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    print_error("%s:%d: %s: %s\n", file, line, what, msg);
    _fail(file, line);
    /* _fail() jumps back into cmocka; this is never reached. */
    abort();
}

void cgt_check_str(const char *file, int line, const char *expected, const char *got,
                   const char *what)
{
    if (expected && got && strcmp(expected, got) == 0)
        return;
    cgt_fail_at(file, line, what, "expected \"%s\", got \"%s\"", expected ? expected : "(null)",
                got ? got : "(null)");
}

void cgt_check_int(const char *file, int line, long long expected, long long got, const char *what)
{
    if (expected == got)
        return;
    cgt_fail_at(file, line, what, "expected %lld, got %lld", expected, got);
}

/* --- HTTP ---------------------------------------------------------------- */

typedef struct cgt_buf {
    char *data;
    size_t len, cap;
} cgt_buf;

static size_t cgt_on_body(char *ptr, size_t size, size_t nmemb, void *userdata)
{
    cgt_buf *b = userdata;
    size_t n = size * nmemb;
    if (b->len + n + 1 > b->cap) {
        size_t cap = b->cap ? b->cap : 4096;
        while (cap < b->len + n + 1)
            cap *= 2;
        char *p = realloc(b->data, cap);
        if (!p)
            return 0; /* curl reports a write error */
        b->data = p;
        b->cap = cap;
    }
    memcpy(b->data + b->len, ptr, n);
    b->len += n;
    b->data[b->len] = '\0';
    return n;
}

/* Copy the value of a "Name: value\r\n" header line into out when the name
 * matches, trimming the spaces and the line end. */
static void cgt_take_header(const char *line, size_t len, const char *name, char *out, size_t outsz)
{
    size_t nlen = strlen(name);
    if (len <= nlen || strncasecmp(line, name, nlen) != 0 || line[nlen] != ':')
        return;
    const char *v = line + nlen + 1;
    const char *end = line + len;
    while (v < end && (*v == ' ' || *v == '\t'))
        v++;
    while (end > v && (end[-1] == '\r' || end[-1] == '\n' || end[-1] == ' '))
        end--;
    size_t n = (size_t)(end - v);
    if (n >= outsz)
        n = outsz - 1;
    memcpy(out, v, n);
    out[n] = '\0';
}

static size_t cgt_on_header(char *ptr, size_t size, size_t nmemb, void *userdata)
{
    cgt_response *r = userdata;
    size_t n = size * nmemb;
    /* A status line starts a new header block (after a 100 Continue, say):
     * only the final response's headers count. */
    if (n >= 5 && strncmp(ptr, "HTTP/", 5) == 0) {
        r->content_type[0] = '\0';
        r->request_id[0] = '\0';
        r->headers[0] = '\0';
    }
    size_t used = strlen(r->headers);
    if (used + n < sizeof r->headers) {
        memcpy(r->headers + used, ptr, n);
        r->headers[used + n] = '\0';
    }
    cgt_take_header(ptr, n, "Content-Type", r->content_type, sizeof r->content_type);
    cgt_take_header(ptr, n, "X-Request-Id", r->request_id, sizeof r->request_id);
    return n;
}

const char *cgt_header(const cgt_response *r, const char *name, char *out, size_t outsz)
{
    out[0] = '\0';
    for (const char *line = r->headers; *line != '\0';) {
        const char *end = strchr(line, '\n');
        size_t len = end ? (size_t)(end - line + 1) : strlen(line);
        cgt_take_header(line, len, name, out, outsz);
        if (out[0] != '\0')
            break;
        line += len;
    }
    return out;
}

cgt_response *cgt_request(const char *method, const char *path, const char *const *headers,
                          const char *body, size_t body_len)
{
    cgt_response *r = calloc(1, sizeof *r);
    if (!r) {
        fprintf(stderr, "out of memory\n");
        abort();
    }
    snprintf(r->method, sizeof r->method, "%s", method);
    snprintf(r->path, sizeof r->path, "%s", path);

    char url[1024];
    snprintf(url, sizeof url, "%s%s", cgt_gateway, path);
    cgt_buf buf = {0};
    char errbuf[CURL_ERROR_SIZE] = "";
    CURL *c = curl_easy_init();
    struct curl_slist *hl = NULL;
    /* curl would otherwise send "Expect: 100-continue" for larger bodies;
     * a plain client (a browser, a phone) does not, so neither do we. */
    hl = curl_slist_append(hl, "Expect:");
    for (size_t i = 0; headers && headers[i]; i++)
        hl = curl_slist_append(hl, headers[i]);

    curl_easy_setopt(c, CURLOPT_URL, url);
    curl_easy_setopt(c, CURLOPT_HTTPHEADER, hl);
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, cgt_on_body);
    curl_easy_setopt(c, CURLOPT_WRITEDATA, &buf);
    curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, cgt_on_header);
    curl_easy_setopt(c, CURLOPT_HEADERDATA, r);
    curl_easy_setopt(c, CURLOPT_ERRORBUFFER, errbuf);
    curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, CGT_HTTP_TIMEOUT_MS);
    curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS, 5000L);
    curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
    if (strcmp(method, "GET") == 0) {
        curl_easy_setopt(c, CURLOPT_HTTPGET, 1L);
    } else {
        if (strcmp(method, "POST") != 0)
            curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, method);
        if (body || strcmp(method, "POST") == 0) {
            curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)body_len);
            curl_easy_setopt(c, CURLOPT_POSTFIELDS, body ? body : "");
        }
    }

    int64_t t0 = cgt_now_ms();
    CURLcode rc = curl_easy_perform(c);
    r->seconds = (double)(cgt_now_ms() - t0) / 1000.0;
    if (rc == CURLE_OK) {
        curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &r->status);
        r->body = buf.data ? buf.data : strdup("");
        r->body_len = buf.len;
        r->json = cJSON_ParseWithLength(r->body, r->body_len);
    } else {
        free(buf.data);
        char msg[CURL_ERROR_SIZE + 128];
        snprintf(msg, sizeof msg, "(no HTTP answer: %s: %s)", curl_easy_strerror(rc), errbuf);
        r->status = 0;
        r->body = strdup(msg);
        r->body_len = strlen(r->body);
    }
    curl_slist_free_all(hl);
    curl_easy_cleanup(c);
    return r;
}

void cgt_response_free(cgt_response *r)
{
    if (!r)
        return;
    cJSON_Delete(r->json);
    free(r->body);
    free(r);
}

/* Up to two headers (content type and authorization) and the terminator. */
typedef struct cgt_headers {
    char ctype[160];
    char auth[512];
    const char *list[3];
} cgt_headers;

static const char *const *cgt_make_headers(cgt_headers *h, const char *content_type,
                                           bool send_ctype, const char *token)
{
    size_t n = 0;
    if (send_ctype) {
        /* An empty "Content-Type:" line makes curl send none at all. */
        snprintf(h->ctype, sizeof h->ctype, "Content-Type:%s%s", content_type ? " " : "",
                 content_type ? content_type : "");
        h->list[n++] = h->ctype;
    }
    if (token) {
        snprintf(h->auth, sizeof h->auth, "Authorization: Bearer %s", token);
        h->list[n++] = h->auth;
    }
    h->list[n] = NULL;
    return h->list;
}

cgt_response *cgt_get(const char *path, const char *token)
{
    cgt_headers h;
    return cgt_request("GET", path, cgt_make_headers(&h, NULL, false, token), NULL, 0);
}

cgt_response *cgt_post_raw(const char *path, const char *token, const char *content_type,
                           const char *body, size_t len)
{
    cgt_headers h;
    return cgt_request("POST", path, cgt_make_headers(&h, content_type, true, token), body, len);
}

cgt_response *cgt_send_json(const char *method, const char *path, const char *token,
                            const char *json)
{
    cgt_headers h;
    return cgt_request(method, path, cgt_make_headers(&h, "application/json", true, token), json,
                       strlen(json));
}

cgt_response *cgt_post_json(const char *path, const char *token, const cJSON *body)
{
    char *text = body ? cJSON_PrintUnformatted(body) : NULL;
    cgt_response *r =
        cgt_post_raw(path, token, "application/json", text ? text : "{}", text ? strlen(text) : 2);
    cJSON_free(text);
    return r;
}

void cgt_check_status(const char *file, int line, const cgt_response *r, long expected)
{
    if (r->status == expected)
        return;
    cgt_fail_at(file, line, "HTTP status", "%s %s: expected %ld, got %ld (%.2fs); body: %.*s",
                r->method, r->path, expected, r->status, r->seconds, CGT_BODY_PREVIEW,
                r->body ? r->body : "");
}

const cJSON *cgt_json_object(const char *file, int line, const cgt_response *r)
{
    if (!cJSON_IsObject(r->json))
        cgt_fail_at(file, line, "JSON body", "%s %s (%ld): expected a JSON object, got: %.*s",
                    r->method, r->path, r->status, CGT_BODY_PREVIEW, r->body);
    return r->json;
}

void cgt_check_problem(const char *file, int line, const cgt_response *r, long expected)
{
    cgt_check_status(file, line, r, expected);
    if (strncasecmp(r->content_type, "application/problem+json", 24) != 0)
        cgt_fail_at(file, line, "problem Content-Type",
                    "%s %s (%ld): expected application/problem+json, got \"%s\"", r->method,
                    r->path, r->status, r->content_type);
    const cJSON *o = cgt_json_object(file, line, r);
    const cJSON *st = cJSON_GetObjectItemCaseSensitive(o, "status");
    if (!cJSON_IsNumber(st) || (long)st->valuedouble != expected)
        cgt_fail_at(file, line, "problem status", "%s %s: expected \"status\": %ld in %.*s",
                    r->method, r->path, expected, CGT_BODY_PREVIEW, r->body);
    if (!cgt_json_str(o, "title") || !cgt_json_str(o, "detail"))
        cgt_fail_at(file, line, "problem fields",
                    "%s %s: expected string \"title\" and \"detail\" in %.*s", r->method, r->path,
                    CGT_BODY_PREVIEW, r->body);
}

cgt_response *cgt_post_req(const char *file, int line, const char *token, const char *path,
                           const char *body, long expected)
{
    cgt_response *r = cgt_post_raw(path, token, "application/json", body, strlen(body));
    if (expected >= 400)
        cgt_check_problem(file, line, r, expected);
    else
        cgt_check_status(file, line, r, expected);
    return r;
}

/* --- JSON ---------------------------------------------------------------- */

const char *cgt_json_str(const cJSON *obj, const char *key)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);
    return cJSON_IsString(v) ? v->valuestring : NULL;
}

const char *cgt_json_sole(const cJSON *obj, const char *key)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);
    if (!cJSON_IsArray(v) || cJSON_GetArraySize(v) != 1)
        return NULL;
    return cJSON_GetStringValue(cJSON_GetArrayItem(v, 0));
}

const char *cgt_json_str_req(const char *file, int line, const cJSON *obj, const char *key)
{
    const char *s = cgt_json_str(obj, key);
    if (!s) {
        char *text = cgt_json_print(obj);
        /* The message is built before the jump, so the text can be freed. */
        char msg[1024];
        snprintf(msg, sizeof msg, "%.*s", CGT_BODY_PREVIEW, text ? text : "(null)");
        free(text);
        cgt_fail_at(file, line, "JSON field", "expected a string \"%s\" in %s", key, msg);
    }
    return s;
}

char *cgt_json_print(const cJSON *item)
{
    if (!item)
        return NULL;
    char *p = cJSON_PrintUnformatted(item);
    /* cJSON allocates with malloc by default, so free() releases it. */
    return p;
}

/* --- shapes -------------------------------------------------------------- */

bool cgt_is_uuid(const char *s)
{
    if (!s || strlen(s) != 36)
        return false;
    for (int i = 0; i < 36; i++) {
        if (i == 8 || i == 13 || i == 18 || i == 23) {
            if (s[i] != '-')
                return false;
        } else if (!isxdigit((unsigned char)s[i])) {
            return false;
        }
    }
    return true;
}

bool cgt_is_digits(const char *s, size_t n)
{
    if (!s || strlen(s) != n)
        return false;
    for (size_t i = 0; i < n; i++)
        if (s[i] < '0' || s[i] > '9')
            return false;
    return true;
}

bool cgt_is_rfc3339_ms(const char *s)
{
    /* YYYY-MM-DDTHH:MM:SS.mmmZ */
    static const char pat[] = "dddd-dd-ddTdd:dd:dd.dddZ";
    if (!s || strlen(s) != sizeof pat - 1)
        return false;
    for (size_t i = 0; i < sizeof pat - 1; i++) {
        if (pat[i] == 'd' ? !isdigit((unsigned char)s[i]) : s[i] != pat[i])
            return false;
    }
    return true;
}

/* --- randomness ---------------------------------------------------------- */

static void cgt_random_bytes(unsigned char *out, size_t n)
{
    FILE *f = fopen("/dev/urandom", "rb");
    if (!f || fread(out, 1, n, f) != n) {
        fprintf(stderr, "cannot read /dev/urandom: %s\n", strerror(errno));
        abort();
    }
    fclose(f);
}

void cgt_uuid(char out[37])
{
    unsigned char b[16];
    cgt_random_bytes(b, sizeof b);
    b[6] = (unsigned char)((b[6] & 0x0f) | 0x40);
    b[8] = (unsigned char)((b[8] & 0x3f) | 0x80);
    snprintf(out, 37, "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x", b[0],
             b[1], b[2], b[3], b[4], b[5], b[6], b[7], b[8], b[9], b[10], b[11], b[12], b[13],
             b[14], b[15]);
}

void cgt_token_hex(char *out, size_t n)
{
    static const char hex[] = "0123456789abcdef";
    unsigned char b[256];
    if (n > sizeof b)
        n = sizeof b;
    cgt_random_bytes(b, n);
    for (size_t i = 0; i < n; i++)
        out[i] = hex[b[i] & 15];
    out[n] = '\0';
}

void cgt_random_digits(char *out, size_t n)
{
    unsigned char b[256];
    if (n > sizeof b)
        n = sizeof b;
    cgt_random_bytes(b, n);
    for (size_t i = 0; i < n; i++)
        out[i] = (char)('0' + b[i] % 10);
    out[n] = '\0';
}

/* --- waiting ------------------------------------------------------------- */

int64_t cgt_now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

void cgt_sleep_ms(int ms)
{
    struct timespec ts = {ms / 1000, (long)(ms % 1000) * 1000000L};
    while (nanosleep(&ts, &ts) != 0 && errno == EINTR) {
    }
}

bool cgt_eventually(int timeout_ms, int interval_ms, cgt_probe_fn probe, void *arg)
{
    int64_t deadline = cgt_now_ms() + timeout_ms;
    for (;;) {
        if (probe(arg))
            return true;
        if (cgt_now_ms() >= deadline)
            return false;
        cgt_sleep_ms(interval_ms);
    }
}

/* --- stack control ------------------------------------------------------- */

int cgt_stack(const char *args)
{
    char cmd[2048];
    /* The path comes from our own scripts; single quotes keep spaces safe. */
    snprintf(cmd, sizeof cmd, "'%s' %s", cgt_stack_path ? cgt_stack_path : "false", args);
    fprintf(stderr, "[stack] %s\n", cmd);
    int64_t t0 = cgt_now_ms();
    int st = system(cmd);
    int rc = (st == -1 || !WIFEXITED(st)) ? -1 : WEXITSTATUS(st);
    fprintf(stderr, "[stack] %s: exit %d after %.1fs\n", args, rc,
            (double)(cgt_now_ms() - t0) / 1000.0);
    return rc;
}

void cgt_stack_req(const char *file, int line, const char *args)
{
    int rc = cgt_stack(args);
    if (rc != 0)
        cgt_fail_at(file, line, "stack command", "\"$CG_STACK %s\" exited %d", args, rc);
}

void cgt_publisher_url(char *out, size_t size)
{
    char cmd[1024];
    snprintf(cmd, sizeof cmd, "'%s' nats-url publisher", getenv("CG_STACK"));
    FILE *p = popen(cmd, "r");
    CGT_CHECK(p != NULL && fgets(out, (int)size, p) != NULL, "no NATS URL for publisher");
    pclose(p);
    out[strcspn(out, "\n")] = '\0';
}

int cgt_publish_enterprise(const char *bin, const char *lines, const char *extra_args)
{
    char path[] = "/tmp/cgt-publish-XXXXXX", url[512], cmd[2048];
    int fd = mkstemp(path);
    CGT_CHECK(fd >= 0, "temporary file");
    CGT_CHECK(write(fd, lines, strlen(lines)) == (ssize_t)strlen(lines), "write events");
    close(fd);
    cgt_publisher_url(url, sizeof url);
    snprintf(cmd, sizeof cmd, "CG_NATS_URL='%s' '%s' %s '%s' 2>&1", url, bin,
             extra_args ? extra_args : "", path);
    fprintf(stderr, "[publish] %s\n", bin);
    int st = system(cmd);
    unlink(path);
    return st == -1 || !WIFEXITED(st) ? -1 : WEXITSTATUS(st);
}

void cgt_publish_self_approval(const char *bin, const char *claim, const char *code,
                               const char *person)
{
    char line[1024];
    snprintf(line, sizeof line,
             "{\"subject\":\"ent.finance.expense.claimed\",\"source\":\"fin.east\","
             "\"data\":{\"claim_id\":\"%s\",\"unit\":{\"unit_code\":\"%s\"},"
             "\"claimant\":{\"person_id\":\"%s\"},\"approver\":{\"person_id\":\"%s\"},"
             "\"amount_fen\":268000}}\n",
             claim, code, person, person);
    CGT_CHECK_INT(0, cgt_publish_enterprise(bin, line, NULL), "cg-publish exit status");
}

/* --- API helpers --------------------------------------------------------- */

long cgt_try_login(const char *username, const char *password, char **token_out)
{
    cJSON *b = cJSON_CreateObject();
    cJSON_AddStringToObject(b, "username", username);
    cJSON_AddStringToObject(b, "password", password);
    cgt_response *r = cgt_post_json("/api/v1/auth/login", NULL, b);
    cJSON_Delete(b);
    long status = r->status;
    if (token_out) {
        const char *t = status == 200 ? cgt_json_str(r->json, "token") : NULL;
        *token_out = t ? strdup(t) : NULL;
    }
    cgt_response_free(r);
    return status;
}

char *cgt_login_req(const char *file, int line, const char *username)
{
    cJSON *b = cJSON_CreateObject();
    cJSON_AddStringToObject(b, "username", username);
    cJSON_AddStringToObject(b, "password", cgt_password);
    cgt_response *r = cgt_post_json("/api/v1/auth/login", NULL, b);
    cJSON_Delete(b);
    cgt_check_status(file, line, r, 200);
    const char *t = cgt_json_str(r->json, "token");
    if (!t || !*t)
        cgt_fail_at(file, line, "login", "no token for %s in %.*s", username, CGT_BODY_PREVIEW,
                    r->body);
    char *token = strdup(t);
    cgt_response_free(r);
    return token;
}

void cgt_logout(char *token)
{
    if (!token)
        return;
    cgt_response *r = cgt_post_raw("/api/v1/auth/logout", token, NULL, NULL, 0);
    cgt_response_free(r);
    free(token);
}

cJSON *cgt_report_body(const char *label, const char *unit_code)
{
    char tok[33];
    cgt_token_hex(tok, 32);
    char content[512];
    snprintf(content, sizeof content,
             "cgt %s %s: the purchasing manager took a payment from a supplier before the "
             "transformer tender was decided.",
             label, tok);
    cJSON *b = cJSON_CreateObject();
    cJSON_AddStringToObject(b, "category", "procurement");
    cJSON_AddStringToObject(b, "content", content);
    cJSON_AddStringToObject(b, "location", "Substation 7, north yard");
    cJSON_AddStringToObject(b, "accused_person", "Li Ming");
    cJSON_AddStringToObject(b, "accused_unit", "Procurement Department");
    cJSON_AddBoolToObject(b, "anonymous", 1);
    if (unit_code)
        cJSON_AddStringToObject(b, "unit_code", unit_code);
    return b;
}

void cgt_submit_req(const char *file, int line, const cJSON *body, cgt_report *out)
{
    cgt_response *r = cgt_post_json("/api/v1/public/reports", NULL, body);
    cgt_check_status(file, line, r, 201);
    const cJSON *o = cgt_json_object(file, line, r);
    const char *id = cgt_json_str_req(file, line, o, "report_id");
    const char *receipt = cgt_json_str_req(file, line, o, "receipt");
    const char *status = cgt_json_str_req(file, line, o, "status");
    const char *at = cgt_json_str_req(file, line, o, "submitted_at");
    if (!cgt_is_uuid(id))
        cgt_fail_at(file, line, "report_id", "expected a UUID, got \"%s\"", id);
    if (!cgt_is_digits(receipt, 16))
        cgt_fail_at(file, line, "receipt", "expected 16 digits, got \"%s\"", receipt);
    cgt_check_str(file, line, "received", status, "status of a new report");
    if (!cgt_is_rfc3339_ms(at))
        cgt_fail_at(file, line, "submitted_at", "expected RFC 3339 UTC with ms, got \"%s\"", at);
    memset(out, 0, sizeof *out);
    snprintf(out->report_id, sizeof out->report_id, "%s", id);
    snprintf(out->receipt, sizeof out->receipt, "%s", receipt);
    snprintf(out->submitted_at, sizeof out->submitted_at, "%s", at);
    const char *content = cgt_json_str(body, "content");
    snprintf(out->content, sizeof out->content, "%s", content ? content : "");
    cgt_response_free(r);
}

void cgt_submit_simple(const char *file, int line, const char *label, const char *unit_code,
                       cgt_report *out)
{
    cJSON *b = cgt_report_body(label, unit_code);
    /* Copy what the submit needs so the body can be freed before a failure
     * jumps away; a leak on a failing path would not matter, but this way
     * the passing path is clean under LeakSanitizer too. */
    cgt_submit_req(file, line, b, out);
    cJSON_Delete(b);
}

char *cgt_report_status(const char *receipt)
{
    cJSON *b = cJSON_CreateObject();
    cJSON_AddStringToObject(b, "receipt", receipt);
    cgt_response *r = cgt_post_json("/api/v1/public/reports/status", NULL, b);
    cJSON_Delete(b);
    const char *s = r->status == 200 ? cgt_json_str(r->json, "status") : NULL;
    char *copy = s ? strdup(s) : NULL;
    cgt_response_free(r);
    return copy;
}

cJSON *cgt_all_clues(const char *file, int line, const char *token)
{
    cJSON *all = cJSON_CreateArray();
    char *cursor = NULL;
    for (int page = 0;; page++) {
        /* A real walk ends long before this; a cursor that never reaches
         * null is a bug the test must report, not loop on. */
        if (page >= 1000)
            cgt_fail_at(file, line, "pagination",
                        "more than 1000 pages of clues; the cursor "
                        "walk does not end");
        char path[1024];
        if (cursor) {
            char *esc = curl_easy_escape(NULL, cursor, 0);
            snprintf(path, sizeof path, "/api/v1/clues?limit=100&cursor=%s", esc);
            curl_free(esc);
        } else {
            snprintf(path, sizeof path, "/api/v1/clues?limit=100");
        }
        cgt_response *r = cgt_get(path, token);
        cgt_check_status(file, line, r, 200);
        const cJSON *o = cgt_json_object(file, line, r);
        const cJSON *items = cJSON_GetObjectItemCaseSensitive(o, "items");
        const cJSON *next = cJSON_GetObjectItemCaseSensitive(o, "next_cursor");
        if (!cJSON_IsArray(items) || !(cJSON_IsNull(next) || cJSON_IsString(next)))
            cgt_fail_at(file, line, "clue page",
                        "expected {\"items\": [...], \"next_cursor\": string|null}, got %.*s",
                        CGT_BODY_PREVIEW, r->body);
        if (cJSON_GetArraySize(items) > 100)
            cgt_fail_at(file, line, "clue page", "limit=100 returned %d items",
                        cJSON_GetArraySize(items));
        const cJSON *it;
        cJSON_ArrayForEach(it, items)
        {
            cJSON_AddItemToArray(all, cJSON_Duplicate(it, 1));
        }
        char *prev = cursor;
        cursor = cJSON_IsString(next) ? strdup(next->valuestring) : NULL;
        bool same = prev && cursor && strcmp(prev, cursor) == 0;
        free(prev);
        cgt_response_free(r);
        if (same)
            cgt_fail_at(file, line, "pagination", "next_cursor repeated itself");
        if (!cursor)
            break;
    }
    return all;
}

int cgt_count_where(const cJSON *items, const char *key, const char *value)
{
    int n = 0;
    const cJSON *it;
    cJSON_ArrayForEach(it, items)
    {
        const char *v = cgt_json_str(it, key);
        if (v && strcmp(v, value) == 0)
            n++;
    }
    return n;
}

const cJSON *cgt_find_where(const cJSON *items, const char *key, const char *value)
{
    const cJSON *it;
    cJSON_ArrayForEach(it, items)
    {
        const char *v = cgt_json_str(it, key);
        if (v && strcmp(v, value) == 0)
            return it;
    }
    return NULL;
}

typedef struct cgt_await_arg {
    const char *file;
    int line;
    const char *token;
    const char *key;
    const char *value;
    cJSON *found;
} cgt_await_arg;

static bool cgt_await_probe(void *p)
{
    cgt_await_arg *a = p;
    cJSON *all = cgt_all_clues(a->file, a->line, a->token);
    const cJSON *c = cgt_find_where(all, a->key, a->value);
    if (c)
        a->found = cJSON_Duplicate(c, 1);
    cJSON_Delete(all);
    return a->found != NULL;
}

cJSON *cgt_await_clue(const char *file, int line, const char *token, const char *key,
                      const char *value)
{
    cgt_await_arg a = {file, line, token, key, value, NULL};
    if (!cgt_eventually(CGT_DEADLINE_MS, CGT_POLL_MS, cgt_await_probe, &a))
        cgt_fail_at(file, line, "clue", "no clue with %s = \"%s\" appeared within %d ms", key,
                    value, CGT_DEADLINE_MS);
    return a.found;
}

cgt_response *cgt_readyz(void)
{
    return cgt_get("/readyz", NULL);
}

void cgt_check_ready(const char *file, int line)
{
    cgt_response *r = cgt_readyz();
    cgt_check_status(file, line, r, 200);
    const cJSON *o = cgt_json_object(file, line, r);
    cgt_check_str(file, line, "ready", cgt_json_str(o, "status"), "/readyz status");
    cgt_response_free(r);
}

/* --- clues ------------------------------------------------------- */

cJSON *cgt_clue_body(const char *unit_code, const char *person_id)
{
    char name[48], tok[17], date[16];
    cgt_token_hex(tok, 16);
    snprintf(name, sizeof name, "cgt subject %s", tok);
    time_t now = time(NULL);
    struct tm tm;
    gmtime_r(&now, &tm);
    strftime(date, sizeof date, "%Y-%m-%d", &tm);
    cJSON *b = cJSON_CreateObject();
    cJSON_AddStringToObject(b, "source", "letters_visits");
    cJSON *subjects = cJSON_AddArrayToObject(b, "subjects");
    cJSON *s = cJSON_CreateObject();
    cJSON_AddStringToObject(s, "name", name);
    if (person_id != NULL)
        cJSON_AddStringToObject(s, "person_id", person_id);
    cJSON_AddStringToObject(s, "position", "procurement manager");
    cJSON_AddItemToArray(subjects, s);
    cJSON *categories = cJSON_AddArrayToObject(b, "categories");
    cJSON_AddItemToArray(categories, cJSON_CreateString("integrity"));
    cJSON_AddStringToObject(b, "summary", "took gifts from a supplier before the tender");
    cJSON_AddStringToObject(b, "received_date", date);
    cJSON_AddStringToObject(b, "unit_code", unit_code);
    return b;
}

cgt_response *cgt_post_clue(const char *token, const char *unit_code, const char *person_id)
{
    cJSON *b = cgt_clue_body(unit_code, person_id);
    cgt_response *r = cgt_post_json("/api/v1/clues", token, b);
    cJSON_Delete(b);
    return r;
}

void cgt_create_clue_req(const char *file, int line, const char *token, const char *unit_code,
                         const char *person_id, char id[37])
{
    cgt_response *r = cgt_post_clue(token, unit_code, person_id);
    cgt_check_status(file, line, r, 201);
    const char *made = cgt_json_str_req(file, line, cgt_json_object(file, line, r), "id");
    snprintf(id, 37, "%s", made);
    cgt_response_free(r);
}

void cgt_date_ago(int days_ago, char out[16])
{
    time_t t = time(NULL) - (time_t)days_ago * 24 * 3600;
    struct tm tm;
    gmtime_r(&t, &tm);
    strftime(out, 16, "%Y-%m-%d", &tm);
}

void cgt_create_clue_received_req(const char *file, int line, const char *token,
                                  const char *unit_code, int days_ago, const char *summary,
                                  char id[37])
{
    char date[16];
    cgt_date_ago(days_ago, date);
    cJSON *b = cgt_clue_body(unit_code, NULL);
    cJSON_ReplaceItemInObject(b, "received_date", cJSON_CreateString(date));
    if (summary != NULL)
        cJSON_ReplaceItemInObject(b, "summary", cJSON_CreateString(summary));
    cgt_response *r = cgt_post_json("/api/v1/clues", token, b);
    cJSON_Delete(b);
    cgt_check_status(file, line, r, 201);
    snprintf(id, 37, "%s", cgt_json_str_req(file, line, cgt_json_object(file, line, r), "id"));
    cgt_response_free(r);
}

cJSON *cgt_get_clue_req(const char *file, int line, const char *token, const char *id)
{
    char path[128];
    snprintf(path, sizeof path, "/api/v1/clues/%s", id);
    cgt_response *r = cgt_get(path, token);
    cgt_check_status(file, line, r, 200);
    cJSON *copy = cJSON_Duplicate(cgt_json_object(file, line, r), 1);
    cgt_response_free(r);
    return copy;
}

cgt_response *cgt_clue_act(const char *token, const char *id, const char *suffix, const char *json)
{
    char path[256];
    snprintf(path, sizeof path, "/api/v1/clues/%s%s", id, suffix);
    const char *body = json ? json : "{}";
    return cgt_post_raw(path, token, "application/json", body, strlen(body));
}

void cgt_file_case_req(const char *file, int line, const char *proposer, const char *approver,
                       const char *filer, const char *id, char case_id[37])
{
    const char *steps[][3] = {
        {proposer, "/disposal", "{\"way\":\"propose_filing\",\"reason\":\"证据确凿\"}"},
        {approver, "/disposal/approve", NULL},
        {filer, "/file", NULL},
    };
    for (size_t i = 0; i < sizeof steps / sizeof steps[0]; i++) {
        cgt_response *r = cgt_clue_act(steps[i][0], id, steps[i][1], steps[i][2]);
        cgt_check_status(file, line, r, 200);
        if (i + 1 == sizeof steps / sizeof steps[0])
            snprintf(case_id, 37, "%s",
                     cgt_json_str_req(file, line, cgt_json_object(file, line, r), "case_id"));
        cgt_response_free(r);
    }
}

cgt_response *cgt_patch_clue(const char *token, const char *id, const char *json)
{
    char path[256];
    cgt_headers h;
    snprintf(path, sizeof path, "/api/v1/clues/%s", id);
    return cgt_request("PATCH", path, cgt_make_headers(&h, "application/json", true, token), json,
                       strlen(json));
}

long long cgt_dossier_last_seq(const char *token, const char *kind, const char *id)
{
    char path[160];
    snprintf(path, sizeof path, "/api/v1/%s/%s/dossier?limit=100", kind, id);
    cgt_response *r = cgt_get(path, token);
    CGT_CHECK_STATUS(r, 200);
    const cJSON *items = cJSON_GetObjectItem(CGT_JSON_OBJECT(r), "items");
    const cJSON *last = cJSON_GetArrayItem(items, cJSON_GetArraySize(items) - 1);
    long long seq = (long long)cJSON_GetNumberValue(cJSON_GetObjectItem(last, "seq"));
    cgt_response_free(r);
    return seq;
}

bool cgt_dossier_verify(const char *token, const char *kind, const char *id, long long *first_bad)
{
    char path[160];
    snprintf(path, sizeof path, "/api/v1/%s/%s/dossier/verify", kind, id);
    cgt_response *r = cgt_get(path, token);
    CGT_CHECK_STATUS(r, 200);
    const cJSON *o = CGT_JSON_OBJECT(r);
    const cJSON *whole = cJSON_GetObjectItem(o, "whole");
    const cJSON *bad = cJSON_GetObjectItem(o, "first_bad_seq");
    CGT_CHECK(cJSON_IsBool(whole), "verify says whole: %s", r->body);
    bool w = cJSON_IsTrue(whole);
    *first_bad = cJSON_IsNumber(bad) ? (long long)bad->valuedouble : 0;
    CGT_CHECK(w == cJSON_IsNull(bad), "first_bad_seq is null exactly when whole: %s", r->body);
    cgt_response_free(r);
    return w;
}

void cgt_dossier_actions(const char *token, const char *kind, const char *id, char *out,
                         size_t size)
{
    char path[160];
    long long first_bad = 0;
    snprintf(path, sizeof path, "/api/v1/%s/%s/dossier?limit=100", kind, id);
    cgt_response *r = cgt_get(path, token);
    CGT_CHECK_STATUS(r, 200);
    out[0] = '\0';
    const cJSON *e;
    cJSON_ArrayForEach(e, cJSON_GetObjectItem(CGT_JSON_OBJECT(r), "items"))
    {
        size_t used = strlen(out);
        snprintf(out + used, size - used, "%s%s", used ? "," : "", cgt_json_str(e, "action"));
    }
    cgt_response_free(r);
    CGT_CHECK(cgt_dossier_verify(token, kind, id, &first_bad),
              "the file verifies whole; first bad entry %lld", first_bad);
}

/* psql as the superuser on dbname with how (e.g. "-c") and arg, the
 * latter in double quotes for the shell. */
/* psql's command line for dbname on the stack's socket, into cmd. */
static void psql_command(char *cmd, size_t n, const char *dbname, const char *how, const char *arg,
                         const char *tail)
{
    const char *state = getenv("CG_STATE");
    CGT_CHECK(state != NULL, "CG_STATE is not set");
    snprintf(cmd, n,
             "psql -X -q -At -v ON_ERROR_STOP=1 'host=%s/pg/sock user=postgres dbname=%s' "
             "%s \"%s\"%s",
             state, dbname, how, arg, tail);
}

static int run_psql(const char *dbname, const char *how, const char *arg)
{
    char cmd[4096];
    psql_command(cmd, sizeof cmd, dbname, how, arg, " >/dev/null 2>&1");
    int rc = system(cmd);
    return rc == -1 ? -1 : WEXITSTATUS(rc);
}

void cgt_audit_spool_path(char *out, size_t size)
{
    const char *state = getenv("CG_STATE");
    CGT_CHECK(state != NULL, "CG_STATE is not set");
    snprintf(out, size, "%s/spool/gateway/audit.spool", state);
}

long long cgt_audit_spool_bytes(void)
{
    char path[512];
    struct stat st;
    cgt_audit_spool_path(path, sizeof path);
    return stat(path, &st) == 0 ? (long long)st.st_size : 0;
}

int cgt_psql(const char *dbname, const char *sql)
{
    return run_psql(dbname, "-c", sql);
}

int cgt_psql_text(const char *dbname, const char *sql, char *out, size_t size)
{
    char cmd[4096];
    psql_command(cmd, sizeof cmd, dbname, "-c", sql, " 2>/dev/null");
    FILE *p = popen(cmd, "r");
    CGT_CHECK(p != NULL, "cannot run psql");
    if (fgets(out, (int)size, p) == NULL)
        out[0] = '\0';
    out[strcspn(out, "\n")] = '\0';
    return pclose(p);
}

long long cgt_psql_number(const char *dbname, const char *sql)
{
    char out[64];
    if (cgt_psql_text(dbname, sql, out, sizeof out) != 0 || out[0] < '0' || out[0] > '9')
        return -1;
    return strtoll(out, NULL, 10);
}

void cgt_psql_background(const char *dbname, const char *sql)
{
    char cmd[4096];
    psql_command(cmd, sizeof cmd, dbname, "-c", sql, " >/dev/null 2>&1 &");
    CGT_CHECK(system(cmd) == 0, "cannot start psql");
}

int cgt_psql_script(const char *dbname, const char *sql)
{
    char path[] = "/tmp/cgt-psql-XXXXXX";
    int fd = mkstemp(path);
    CGT_CHECK(fd >= 0, "mkstemp: %s", strerror(errno));
    FILE *f = fdopen(fd, "w");
    CGT_CHECK(f != NULL && fputs(sql, f) >= 0 && fclose(f) == 0, "writing %s", path);
    int rc = run_psql(dbname, "-1 -f", path);
    unlink(path);
    return rc;
}

typedef struct audit_probe {
    const char *action;
    const char *target_id;
    int want; /* ids in the row */
    char ids[4096];
} audit_probe;

/* The newest row of the probe's action has as many ids as wanted: the
 * spool may write it an instant after the answer. */
static bool list_row_written(void *arg)
{
    audit_probe *p = arg;
    char sql[512];
    snprintf(sql, sizeof sql,
             "SELECT coalesce((SELECT (detail::jsonb -> 'ids')::text FROM audit_log"
             " WHERE action = '%s' AND ('%s' = '' OR target_id = '%s')"
             " ORDER BY id DESC LIMIT 1), '')",
             p->action, p->target_id ? p->target_id : "", p->target_id ? p->target_id : "");
    if (cgt_psql_text("cg_gateway", sql, p->ids, sizeof p->ids) != 0 || p->ids[0] != '[')
        return false;
    cJSON *ids = cJSON_Parse(p->ids);
    bool written = cJSON_GetArraySize(ids) == p->want;
    cJSON_Delete(ids);
    return written;
}

void cgt_check_list_audited(const char *action, const char *target_id, const cJSON *items,
                            const char *key)
{
    audit_probe p = {.action = action, .target_id = target_id, .want = cJSON_GetArraySize(items)};
    CGT_CHECK(cgt_eventually(CGT_DEADLINE_MS, CGT_POLL_MS, list_row_written, &p),
              "%s: no audit row naming %d ids (last seen: %s)", action, p.want, p.ids);
    cJSON *ids = cJSON_Parse(p.ids);
    for (int i = 0; i < p.want; i++)
        CGT_CHECK_STR(cgt_json_str(cJSON_GetArrayItem(items, i), key),
                      cJSON_GetStringValue(cJSON_GetArrayItem(ids, i)), p.ids);
    cJSON_Delete(ids);
}

void cgt_check_list_read(const char *token, const char *path, const char *member, const char *key,
                         const char *id, const char *action, const char *target_id)
{
    cgt_response *r = cgt_get(path, token);
    CGT_CHECK_STATUS(r, 200);
    const cJSON *items = cJSON_GetObjectItemCaseSensitive(CGT_JSON_OBJECT(r), member);
    CGT_CHECK(id != NULL ? cgt_find_where(items, key, id) != NULL : cJSON_GetArraySize(items) > 0,
              "GET %s lists %s: %.300s", path, id != NULL ? id : "something", r->body);
    cgt_check_list_audited(action, target_id, items, key);
    cgt_response_free(r);
}

void cgt_filed_case_req(const char *file, int line, const char *handler, const char *approver,
                        const char *filer, const char *unit_code, char case_id[37])
{
    char id[37];
    cgt_create_clue_req(file, line, handler, unit_code, NULL, id);
    cgt_file_case_req(file, line, handler, approver, filer, id, case_id);
    if (!cgt_is_uuid(case_id))
        cgt_fail_at(file, line, "failure", "filing names the case: %s", case_id);
}

/* --- rectification (整改) ------------------------------------------------ */

cgt_response *cgt_rectify_step(const char *token, const char *id, const char *suffix,
                               const char *body)
{
    char path[192];
    snprintf(path, sizeof path, "/api/v1/rectify/tasks/%s%s", id, suffix);
    return cgt_post_raw(path, token, "application/json", body, strlen(body));
}

cJSON *cgt_get_task_req(const char *file, int line, const char *token, const char *id)
{
    char path[128];
    snprintf(path, sizeof path, "/api/v1/rectify/tasks/%s", id);
    cgt_response *r = cgt_get(path, token);
    cgt_check_status(file, line, r, 200);
    cJSON *task = cJSON_Duplicate(cgt_json_object(file, line, r), 1);
    cgt_response_free(r);
    return task;
}

/* POST body to path as token, which must answer want; the answer's "id"
 * into id (when not NULL). */
static void rectify_post(const char *file, int line, const char *token, const char *path,
                         const char *body, long want, char id[37])
{
    cgt_response *r = cgt_post_raw(path, token, "application/json", body, strlen(body));
    cgt_check_status(file, line, r, want);
    if (id != NULL)
        snprintf(id, 37, "%s", cgt_json_str_req(file, line, cgt_json_object(file, line, r), "id"));
    cgt_response_free(r);
}

void cgt_rectify_task_req(const char *file, int line, const char *unit_code, cgt_task_stage stage,
                          char id[37])
{
    const char *leader = strcmp(unit_code, "city_c") == 0 ? "unitlead.west" : "unitlead.east";
    char *lead = cgt_login_req(file, line, "lead");
    char *unit = cgt_login_req(file, line, leader);
    char *inspector = cgt_login_req(file, line, "inspector");
    char batch[37], problem[37], ref[40], body[512], path[192];

    cgt_token_hex(ref, 16);
    snprintf(body, sizeof body,
             "{\"source\":\"inspection_tour\",\"source_ref\":\"cgt-%s\",\"title\":\"cgt fixture\","
             "\"unit_code\":\"%s\",\"feedback_on\":\"2026-11-02\"}",
             ref, unit_code);
    rectify_post(file, line, lead, "/api/v1/rectify/batches", body, 201, batch);
    snprintf(path, sizeof path, "/api/v1/rectify/batches/%s/problems", batch);
    rectify_post(file, line, lead, path, "{\"description\":\"cgt fixture problem\"}", 201, problem);
    snprintf(path, sizeof path, "/api/v1/rectify/problems/%s/tasks", problem);
    snprintf(body, sizeof body,
             "{\"text\":\"cgt fixture task\",\"unit_code\":\"%s\",\"leader\":\"cgt leader\"}",
             unit_code);
    rectify_post(file, line, lead, path, body, 201, id);
    if (stage >= CGT_TASK_IN_PROGRESS) {
        snprintf(path, sizeof path, "/api/v1/rectify/tasks/%s/plan", id);
        rectify_post(file, line, unit, path,
                     "{\"measures\":[{\"text\":\"cgt measure\",\"milestone_on\":\"2026-12-01\"}]}",
                     200, NULL);
        /* A PDF of its own, so the fixture's content is new each time. */
        char pdf[160], sha[72];
        int n =
            snprintf(pdf, sizeof pdf, "%%PDF-1.4\n%% cgt %s\n1 0 obj<<>>endobj\n%%%%EOF\n", ref);
        snprintf(path, sizeof path, "/api/v1/rectify/tasks/%s/documents?name=evidence.pdf", id);
        cgt_response *r = cgt_post_raw(path, unit, "application/pdf", pdf, (size_t)n);
        cgt_check_status(file, line, r, 201);
        snprintf(sha, sizeof sha, "%s",
                 cgt_json_str_req(file, line, cgt_json_object(file, line, r), "sha256"));
        cgt_response_free(r);
        snprintf(path, sizeof path, "/api/v1/rectify/tasks/%s/evidence", id);
        snprintf(body, sizeof body,
                 "{\"measure\":1,\"sha256\":\"%s\",\"effective_on\":\"2026-11-20\","
                 "\"description\":\"cgt evidence\"}",
                 sha);
        rectify_post(file, line, unit, path, body, 200, NULL);
    }
    if (stage >= CGT_TASK_CLOSURE_REQUESTED) {
        snprintf(path, sizeof path, "/api/v1/rectify/tasks/%s/closure-request", id);
        rectify_post(file, line, unit, path, "{}", 200, NULL);
    }
    if (stage >= CGT_TASK_VERIFIED) {
        snprintf(path, sizeof path, "/api/v1/rectify/tasks/%s/verify", id);
        rectify_post(file, line, inspector, path, "{\"party\":\"office\"}", 200, NULL);
        rectify_post(file, line, lead, path, "{\"party\":\"inspection_group\"}", 200, NULL);
    }
    if (stage >= CGT_TASK_CLOSED) {
        snprintf(path, sizeof path, "/api/v1/rectify/tasks/%s/close", id);
        rectify_post(file, line, lead, path, "{}", 200, NULL);
    }
    cgt_logout(lead);
    cgt_logout(unit);
    cgt_logout(inspector);
}

void cgt_create_batch_req(const char *file, int line, const char *token, const char *unit_code,
                          const char *feedback_on, char id[37])
{
    char ref[24], body[512];
    cgt_token_hex(ref, 16);
    snprintf(body, sizeof body,
             "{\"source\":\"inspection\",\"source_ref\":\"T-%s\",\"title\":\"巡察反馈 %s\","
             "\"unit_code\":\"%s\",\"feedback_on\":\"%s\"}",
             ref, ref, unit_code, feedback_on);
    cgt_response *r =
        cgt_post_raw("/api/v1/rectify/batches", token, "application/json", body, strlen(body));
    cgt_check_status(file, line, r, 201);
    snprintf(id, 37, "%s", cgt_json_str_req(file, line, cgt_json_object(file, line, r), "id"));
    cgt_response_free(r);
}

cgt_response *cgt_import_batch(const char *token, const char *id, const char *csv)
{
    char path[128];
    snprintf(path, sizeof path, "/api/v1/rectify/batches/%s/import", id);
    return cgt_post_raw(path, token, "text/csv", csv, strlen(csv));
}

/* --- integrity files (廉政档案) ------------------------------------------- */

void cgt_create_cadre_req(const char *file, int line, const char *token, const char *person_id,
                          const char *unit_code, char id[37])
{
    char body[512];
    snprintf(body, sizeof body,
             "{\"person_id\":\"%s\",\"name\":\"cgt 干部 %s\",\"unit_code\":\"%s\","
             "\"position\":\"物资部主任\",\"grade\":\"正科\",\"key_position\":\"materials\","
             "\"key_since_on\":\"2024-03-01\"}",
             person_id, person_id, unit_code);
    cgt_response *r = cgt_send_json("POST", "/api/v1/integrity/cadres", token, body);
    cgt_check_status(file, line, r, 201);
    const cJSON *cadre = cJSON_GetObjectItem(cgt_json_object(file, line, r), "cadre");
    snprintf(id, 37, "%s", cgt_json_str_req(file, line, cadre, "id"));
    cgt_response_free(r);
}

cJSON *cgt_get_cadre_file_req(const char *file, int line, const char *token, const char *id)
{
    char path[128];
    snprintf(path, sizeof path, "/api/v1/integrity/cadres/%s", id);
    cgt_response *r = cgt_get(path, token);
    cgt_check_status(file, line, r, 200);
    cJSON *out = cJSON_Duplicate(cgt_json_object(file, line, r), 1);
    cgt_response_free(r);
    return out;
}

void cgt_person_id(const char *prefix, char out[40])
{
    char tok[13];
    cgt_token_hex(tok, 12);
    snprintf(out, 40, "%s-%s", prefix, tok);
    for (char *p = out; *p != '\0'; p++)
        if (*p >= 'a' && *p <= 'z')
            *p = (char)(*p - 'a' + 'A');
}

void cgt_submit_full_report_req(const char *file, int line, const char *token, int year,
                                const char *area)
{
    char body[64];
    char *full = cgt_full_report(year, area);
    cgt_response *r = cgt_send_json("PUT", "/api/v1/integrity/me/report", token, full);
    cgt_check_status(file, line, r, 200);
    cgt_response_free(r);
    free(full);
    snprintf(body, sizeof body, "{\"year\":%d}", year);
    r = cgt_send_json("POST", "/api/v1/integrity/me/report/submit", token, body);
    cgt_check_status(file, line, r, 200);
    cgt_response_free(r);
}

cJSON *cgt_verification_of_req(const char *file, int line, const char *token, int year,
                               const char *unit_code, const char *cadre_id)
{
    char path[160];
    snprintf(path, sizeof path, "/api/v1/integrity/verifications?year=%d&unit_code=%s", year,
             unit_code);
    cgt_response *r = cgt_get(path, token);
    cgt_check_status(file, line, r, 200);
    const cJSON *found = cgt_find_where(
        cJSON_GetObjectItem(cgt_json_object(file, line, r), "verifications"), "cadre_id", cadre_id);
    if (found == NULL)
        cgt_fail_at(file, line, "a verification", "none of %s in %d: %s", cadre_id, year, r->body);
    cJSON *out = cJSON_Duplicate(found, 1);
    cgt_response_free(r);
    return out;
}

void cgt_demo_cadre_file_req(const char *file, int line, const char *token, char id[37])
{
    /* Opened by an earlier test, or here: a second opening answers 409. */
    cgt_response_free(cgt_send_json("POST", "/api/v1/integrity/cadres", token,
                                    "{\"person_id\":\"HR-CADRE.EAST\",\"name\":\"华东干部\","
                                    "\"unit_code\":\"city_a\"}"));
    cgt_response *r = cgt_get("/api/v1/integrity/cadres?q=HR-CADRE.EAST", token);
    cgt_check_status(file, line, r, 200);
    const cJSON *items = cJSON_GetObjectItem(cgt_json_object(file, line, r), "items");
    snprintf(id, 37, "%s", cgt_json_str_req(file, line, cJSON_GetArrayItem(items, 0), "id"));
    cgt_response_free(r);
}

int cgt_unreported_year(void)
{
    int year = (int)cgt_psql_number(
        "cg_integrity", "SELECT coalesce(max(r.year), 2000) + 1 FROM reports r JOIN cadres c"
                        " ON c.id = r.cadre_id WHERE c.person_id = 'HR-CADRE.EAST'"
                        " AND r.year < 2040");
    CGT_CHECK(year > 2000 && year < 2040, "a year the demo cadre has not reported (%d)", year);
    return year;
}

const cJSON *cgt_import_error_at(const cgt_response *r, int line, const char *column,
                                 const char *text)
{
    const cJSON *e;
    cJSON_ArrayForEach(e, cJSON_GetObjectItemCaseSensitive(r->json, "errors"))
    {
        const cJSON *l = cJSON_GetObjectItemCaseSensitive(e, "line");
        const char *c = cgt_json_str(e, "column");
        const char *d = cgt_json_str(e, "description");
        if (cJSON_IsNumber(l) && (int)l->valuedouble == line && c != NULL &&
            strcmp(c, column) == 0 && d != NULL && strstr(d, text) != NULL)
            return e;
    }
    return NULL;
}

cgt_response *cgt_import_refused_req(const char *file, int line, const char *path,
                                     const char *token, const char *csv, int eline,
                                     const char *column, const char *text, const char *dbname,
                                     const char *count_sql)
{
    long long before = cgt_psql_number(dbname, count_sql);
    cgt_response *r = cgt_post_raw(path, token, "text/csv", csv, strlen(csv));
    cgt_check_problem(file, line, r, 400);
    if (cgt_import_error_at(r, eline, column, text) == NULL)
        cgt_fail_at(file, line, "an import's error",
                    "an error at line %d, column %s, saying \"%s\": %s", eline, column, text,
                    r->body);
    cgt_check_int(file, line, before, cgt_psql_number(dbname, count_sql),
                  "rows after a refused import");
    return r;
}

void cgt_import_who_req(const char *file, int line, const char *path, const char *denied,
                        const char *allowed, const char *csv, const char *action,
                        const char *dbname, const char *count_sql)
{
    char audited[256];
    long long before = cgt_psql_number(dbname, count_sql);
    cgt_response *r = cgt_post_raw(path, denied, "text/csv", csv, strlen(csv));
    cgt_check_problem(file, line, r, 403);
    cgt_response_free(r);
    cgt_check_int(file, line, before, cgt_psql_number(dbname, count_sql),
                  "rows after a refused import");

    snprintf(audited, sizeof audited, "SELECT count(*) FROM audit_log WHERE action = '%s'", action);
    long long records = cgt_psql_number("cg_gateway", audited);
    r = cgt_post_raw(path, allowed, "text/csv", csv, strlen(csv));
    cgt_check_status(file, line, r, 201);
    cgt_response_free(r);
    cgt_check_int(file, line, records + 1, cgt_psql_number("cg_gateway", audited),
                  "the import's audit record");
}

/* The form's items, each answered none but the housing (a flat of area)
 * and the salary, for year. Owned by the caller. */
char *cgt_full_report(int year, const char *area)
{
    static const char *const items[] = {
        "marriage",        "passports",      "trips_abroad",       "hmt_permits",
        "hmt_trips",       "emigration",     "children_marriages", "family_employment",
        "family_criminal", "salary",         "outside_income",     "housing",
        "securities",      "company_stakes", "businesses"};
    size_t size = 4096, n = 0;
    char *out = malloc(size);
    CGT_CHECK(out != NULL, "out of memory");
    n += (size_t)snprintf(out + n, size - n, "{\"year\":%d,\"items\":[", year);
    for (size_t i = 0; i < sizeof items / sizeof items[0]; i++) {
        const char *sep = i > 0 ? "," : "";
        if (strcmp(items[i], "housing") == 0)
            n += (size_t)snprintf(out + n, size - n,
                                  "%s{\"item\":\"housing\",\"entries\":[{\"fields\":["
                                  "{\"name\":\"owner\",\"value\":\"本人\"},{\"name\":\"address\","
                                  "\"value\":\"A市幸福路1号\"},{\"name\":\"area_m2\",\"value\":"
                                  "\"%s\"}]}]}",
                                  sep, area);
        else if (strcmp(items[i], "salary") == 0)
            n += (size_t)snprintf(out + n, size - n,
                                  "%s{\"item\":\"salary\",\"entries\":[{\"fields\":[{\"name\":"
                                  "\"annual_yuan\",\"value\":\"260000\"}]}]}",
                                  sep);
        else
            n += (size_t)snprintf(out + n, size - n, "%s{\"item\":\"%s\",\"none\":true}", sep,
                                  items[i]);
    }
    snprintf(out + n, size - n, "]}");
    return out;
}
