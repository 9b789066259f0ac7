/* JSON-lines logging on stderr. Each line is built in a local buffer and
 * written with one fwrite under the stream lock, so lines from different
 * threads never interleave. */
#include "cg/log.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <sys/time.h>
#include <time.h>

#include "cg/util.h"

static char log_service[32] = "unknown";
static cg_log_level log_min = CG_LOG_INFO;
static _Thread_local char log_request_id[80];

static const char *const level_names[] = {"debug", "info", "warn", "error"};

void cg_log_init(const char *service, const char *level)
{
    cg_strlcpy(log_service, service, sizeof(log_service));
    for (int i = 0; i < 4; i++)
        if (level != NULL && strcasecmp(level, level_names[i]) == 0)
            log_min = (cg_log_level)i;
}

void cg_log_set_request_id(const char *request_id)
{
    cg_strlcpy(log_request_id, request_id ? request_id : "", sizeof(log_request_id));
}

const char *cg_log_request_id(void)
{
    return log_request_id;
}

typedef struct line_buf {
    char data[4096];
    size_t len;
} line_buf;

static void put_raw(line_buf *b, const char *s, size_t n)
{
    if (b->len + n >= sizeof(b->data) - 2)
        n = sizeof(b->data) - 2 - b->len;
    memcpy(b->data + b->len, s, n);
    b->len += n;
}

/* Copy s as a JSON string body. Bytes that are not valid UTF-8 (a raw path
 * from the network, say) become U+FFFD, so every line stays valid JSON. */
static void put_escaped(line_buf *b, const char *s)
{
    while (*s) {
        unsigned char c = (unsigned char)*s;
        char esc[8];
        if (c == '"' || c == '\\') {
            esc[0] = '\\';
            esc[1] = (char)c;
            put_raw(b, esc, 2);
            s++;
        } else if (c < 0x20) {
            snprintf(esc, sizeof(esc), "\\u%04x", c);
            put_raw(b, esc, 6);
            s++;
        } else if (c < 0x80) {
            put_raw(b, s, 1);
            s++;
        } else {
            size_t n = (c & 0xe0) == 0xc0 ? 2 : (c & 0xf0) == 0xe0 ? 3 : (c & 0xf8) == 0xf0 ? 4 : 1;
            if (n > 1 && strnlen(s, n) == n && cg_utf8_valid(s, n)) {
                put_raw(b, s, n);
                s += n;
            } else {
                put_raw(b, "\\ufffd", 6);
                s++;
            }
        }
    }
}

static void put_field(line_buf *b, const char *key, const char *value)
{
    put_raw(b, ",\"", 2);
    put_escaped(b, key);
    put_raw(b, "\":\"", 3);
    put_escaped(b, value);
    put_raw(b, "\"", 1);
}

static void begin_line(line_buf *b, cg_log_level level, const char *msg)
{
    struct timeval tv;
    struct tm tm;
    char ts[40];
    gettimeofday(&tv, NULL);
    gmtime_r(&tv.tv_sec, &tm);
    size_t n = strftime(ts, sizeof(ts), "%Y-%m-%dT%H:%M:%S", &tm);
    snprintf(ts + n, sizeof(ts) - n, ".%03dZ", (int)(tv.tv_usec / 1000));
    b->len = 0;
    put_raw(b, "{\"ts\":\"", 7);
    put_raw(b, ts, strlen(ts));
    put_raw(b, "\"", 1);
    put_field(b, "level", level_names[level]);
    put_field(b, "service", log_service);
    if (log_request_id[0] != '\0')
        put_field(b, "request_id", log_request_id);
    put_field(b, "msg", msg);
}

static void end_line(line_buf *b)
{
    b->data[b->len++] = '}';
    b->data[b->len++] = '\n';
    fwrite(b->data, 1, b->len, stderr);
}

void cg_log(cg_log_level level, const char *fmt, ...)
{
    if (level < log_min)
        return;
    char msg[2048];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    line_buf b;
    begin_line(&b, level, msg);
    end_line(&b);
}

void cg_log_fields(cg_log_level level, const char *msg, ...)
{
    if (level < log_min)
        return;
    line_buf b;
    begin_line(&b, level, msg);
    va_list ap;
    va_start(ap, msg);
    for (;;) {
        const char *key = va_arg(ap, const char *);
        if (key == NULL)
            break;
        const char *value = va_arg(ap, const char *);
        if (value != NULL)
            put_field(&b, key, value);
    }
    va_end(ap);
    end_line(&b);
}
