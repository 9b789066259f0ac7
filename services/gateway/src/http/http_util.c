/* Pure HTTP helpers: request ids, media types, query strings, bearer tokens,
 * reason phrases and RFC 3339 times. Nothing here touches a socket, so the
 * unit tests call it directly. */
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "cg/util.h"
#include "gw_pure.h"

static bool is_request_id_char(char c)
{
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' ||
           c == '_' || c == '-';
}

bool gw_request_id_valid(const char *s)
{
    if (s == NULL || s[0] == '\0')
        return false;
    size_t i = 0;
    for (; s[i] != '\0'; i++) {
        /* Stop at the limit so a huge header costs no more than 65 reads. */
        if (i >= GW_REQUEST_ID_MAX || !is_request_id_char(s[i]))
            return false;
    }
    return true;
}

void gw_request_id_pick(const char *header, char out[GW_REQUEST_ID_MAX + 1])
{
    if (gw_request_id_valid(header)) {
        cg_strlcpy(out, header, GW_REQUEST_ID_MAX + 1);
        return;
    }
    /* A client's id that could break a log line or a header is replaced, not
     * repaired, so what is echoed is always exactly what was logged. */
    char uuid[CG_UUID_LEN];
    cg_uuid_v4(uuid);
    cg_strlcpy(out, uuid, GW_REQUEST_ID_MAX + 1);
}

bool gw_idempotency_key_valid(const char *s)
{
    if (s == NULL || s[0] == '\0')
        return false;
    for (size_t i = 0; s[i] != '\0'; i++) {
        unsigned char c = (unsigned char)s[i];
        if (i >= GW_IDEMPOTENCY_KEY_MAX || c <= 0x20 || c >= 0x7f)
            return false;
    }
    return true;
}

static const char *skip_space(const char *p)
{
    while (*p == ' ' || *p == '\t')
        p++;
    return p;
}

/* True if the parameter value v (n bytes, maybe quoted) names UTF-8. */
static bool charset_is_utf8(const char *v, size_t n)
{
    while (n > 0 && (v[n - 1] == ' ' || v[n - 1] == '\t'))
        n--;
    if (n >= 2 && v[0] == '"' && v[n - 1] == '"') {
        v++;
        n -= 2;
    }
    return (n == 5 && strncasecmp(v, "utf-8", 5) == 0) ||
           (n == 4 && strncasecmp(v, "utf8", 4) == 0);
}

bool gw_media_type_is_csv(const char *content_type)
{
    static const char csv[] = "text/csv";
    const char *p = content_type != NULL ? skip_space(content_type) : NULL;
    if (p == NULL || strncasecmp(p, csv, sizeof(csv) - 1) != 0)
        return false;
    p = skip_space(p + sizeof(csv) - 1);
    return *p == '\0' || *p == ';';
}

bool gw_media_type_is_json(const char *content_type)
{
    static const char json[] = "application/json";
    if (content_type == NULL)
        return false;
    const char *p = skip_space(content_type);
    if (strncasecmp(p, json, sizeof(json) - 1) != 0)
        return false;
    p += sizeof(json) - 1;
    p = skip_space(p);
    /* "application/jsonx" or "application/json+foo" are other media types. */
    if (*p != '\0' && *p != ';')
        return false;
    while (*p == ';') {
        p = skip_space(p + 1);
        const char *end = strchr(p, ';');
        size_t n = end ? (size_t)(end - p) : strlen(p);
        const char *eq = memchr(p, '=', n);
        if (eq != NULL) {
            size_t name_len = (size_t)(eq - p);
            while (name_len > 0 && (p[name_len - 1] == ' ' || p[name_len - 1] == '\t'))
                name_len--;
            if (name_len == 7 && strncasecmp(p, "charset", 7) == 0) {
                const char *v = skip_space(eq + 1);
                if (!charset_is_utf8(v, n - (size_t)(v - p)))
                    return false;
            }
        }
        p += n;
    }
    return true;
}

bool gw_format_time_ms(int64_t ms, char out[GW_TIME_LEN])
{
    out[0] = '\0';
    /* Floor division, so times before 1970 still get a 0..999 fraction. */
    int64_t sec = ms / 1000;
    int64_t frac = ms % 1000;
    if (frac < 0) {
        frac += 1000;
        sec -= 1;
    }
    time_t t = (time_t)sec;
    struct tm tm;
    if (gmtime_r(&t, &tm) == NULL)
        return false;
    long year = (long)tm.tm_year + 1900;
    if (year < 0 || year > 9999)
        return false;
    /* A roomy buffer: the compiler cannot see that struct tm's fields are
     * small, and would warn that the text might not fit. */
    char text[96];
    snprintf(text, sizeof(text), "%04ld-%02d-%02dT%02d:%02d:%02d.%03dZ", year, tm.tm_mon + 1,
             tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, (int)frac);
    return cg_strlcpy(out, text, GW_TIME_LEN);
}

static int hex_value(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

/* URL-decode n bytes of s into out (out_size bytes with the terminator).
 * A malformed escape is kept literally, as browsers do; a decoded NUL or an
 * overflow is an error. */
static cg_code url_decode(const char *s, size_t n, char *out, size_t out_size)
{
    size_t o = 0;
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        if (c == '+') {
            c = ' ';
        } else if (c == '%' && i + 2 < n && hex_value(s[i + 1]) >= 0 && hex_value(s[i + 2]) >= 0) {
            c = (char)(hex_value(s[i + 1]) * 16 + hex_value(s[i + 2]));
            i += 2;
        }
        if (c == '\0' || o + 1 >= out_size)
            return CG_INVALID_ARGUMENT;
        out[o++] = c;
    }
    out[o] = '\0';
    return CG_OK;
}

cg_code gw_query_get(const char *query, const char *name, char *out, size_t out_size)
{
    if (out_size > 0)
        out[0] = '\0';
    if (query == NULL || out_size == 0)
        return CG_NOT_FOUND;
    size_t name_len = strlen(name);
    const char *p = query;
    while (*p != '\0') {
        const char *end = strchr(p, '&');
        size_t n = end ? (size_t)(end - p) : strlen(p);
        const char *eq = memchr(p, '=', n);
        size_t key_len = eq ? (size_t)(eq - p) : n;
        if (key_len == name_len && memcmp(p, name, name_len) == 0) {
            if (eq == NULL)
                return CG_OK; /* "?cursor" alone: present and empty */
            return url_decode(eq + 1, n - key_len - 1, out, out_size);
        }
        p += n;
        if (*p == '&')
            p++;
    }
    return CG_NOT_FOUND;
}

size_t gw_query_count(const char *query, const char *name)
{
    size_t count = 0, name_len = strlen(name);
    for (const char *p = query != NULL ? query : ""; *p != '\0';) {
        size_t n = strcspn(p, "&");
        const char *eq = memchr(p, '=', n);
        size_t key_len = eq ? (size_t)(eq - p) : n;
        count += key_len == name_len && memcmp(p, name, name_len) == 0;
        p += n;
        if (*p == '&')
            p++;
    }
    return count;
}

static bool is_base64url_char(char c)
{
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
           c == '_';
}

bool gw_bearer_token(const char *header, const char **token)
{
    if (header == NULL)
        return false;
    const char *p = skip_space(header);
    if (strncasecmp(p, "bearer", 6) != 0 || (p[6] != ' ' && p[6] != '\t'))
        return false;
    p = skip_space(p + 6);
    size_t n = 0;
    while (n <= GW_TOKEN_LEN && is_base64url_char(p[n]))
        n++;
    if (n != GW_TOKEN_LEN)
        return false;
    if (*skip_space(p + n) != '\0')
        return false;
    *token = p;
    return true;
}

const char *gw_http_reason(int status)
{
    switch (status) {
    case 200:
        return "OK";
    case 201:
        return "Created";
    case 204:
        return "No Content";
    case 304:
        return "Not Modified";
    case 400:
        return "Bad Request";
    case 401:
        return "Unauthorized";
    case 403:
        return "Forbidden";
    case 404:
        return "Not Found";
    case 405:
        return "Method Not Allowed";
    case 408:
        return "Request Timeout";
    case 409:
        return "Conflict";
    case 411:
        return "Length Required";
    case 412:
        return "Precondition Failed";
    case 413:
        return "Content Too Large";
    case 414:
        return "URI Too Long";
    case 415:
        return "Unsupported Media Type";
    case 422:
        return "Unprocessable Content";
    case 429:
        return "Too Many Requests";
    case 431:
        return "Request Header Fields Too Large";
    case 500:
        return "Internal Server Error";
    case 501:
        return "Not Implemented";
    case 503:
        return "Service Unavailable";
    case 505:
        return "HTTP Version Not Supported";
    default:
        return "Error";
    }
}

bool gw_path_has_dot_segment(const char *raw)
{
    const char *p = raw != NULL ? raw : "";
    while (*p != '\0' && *p != '?' && *p != '#') {
        if (*p == '/' || *p == '\\') {
            p++;
            continue;
        }
        /* One segment: count its characters and its dots, %2e as a dot. */
        size_t chars = 0, dots = 0;
        while (*p != '\0' && *p != '?' && *p != '#' && *p != '/' && *p != '\\') {
            if (p[0] == '%' && p[1] == '2' && (p[2] == 'e' || p[2] == 'E')) {
                dots++;
                p += 3;
            } else {
                dots += *p == '.';
                p++;
            }
            chars++;
        }
        if (chars > 0 && chars <= 2 && dots == chars)
            return true;
    }
    return false;
}

bool gw_path_decode(const char *raw, char *out, size_t size)
{
    size_t n = 0;
    if (raw == NULL || size == 0)
        return false;
    for (const char *p = raw; *p != '\0'; p++) {
        int byte = (unsigned char)*p;
        if (*p == '%') {
            int hi = hex_value(p[1]), lo = hi < 0 ? -1 : hex_value(p[2]);
            if (lo < 0)
                return false;
            byte = hi * 16 + lo;
            p += 2;
        }
        if (byte == 0 || n + 1 >= size)
            return false;
        out[n++] = (char)byte;
    }
    out[n] = '\0';
    return cg_utf8_valid(out, n);
}

bool gw_framing_ok(const char *const *names, const char *const *values, int n,
                   const char *http_version, char *detail, size_t size)
{
    int lengths = 0, encodings = 0;
    bool host = false;
    for (int i = 0; i < n; i++) {
        const char *name = names[i] != NULL ? names[i] : "";
        const char *value = values[i] != NULL ? values[i] : "";
        if (name[strcspn(name, " \t")] != '\0') {
            snprintf(detail, size, "a header name holds white space");
            return false;
        }
        if (strcasecmp(name, "Content-Length") == 0) {
            lengths++;
            if (value[0] == '\0' || value[strspn(value, "0123456789")] != '\0') {
                snprintf(detail, size, "Content-Length must be digits only");
                return false;
            }
        } else if (strcasecmp(name, "Transfer-Encoding") == 0) {
            encodings++;
        } else if (strcasecmp(name, "Host") == 0) {
            host = true;
        }
    }
    if (lengths > 1) {
        snprintf(detail, size, "Content-Length is given more than once");
        return false;
    }
    if (lengths > 0 && encodings > 0) {
        snprintf(detail, size, "Content-Length and Transfer-Encoding are given together");
        return false;
    }
    if (!host && http_version != NULL && strcmp(http_version, "1.1") == 0) {
        snprintf(detail, size, "an HTTP/1.1 request must name its Host");
        return false;
    }
    return true;
}
