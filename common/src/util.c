/* Small helpers: time, UUIDs, random digits, strings. */
#include "cg/util.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

int64_t cg_now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int64_t cg_mono_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

struct timespec cg_deadline_after_ms(int64_t ms)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    ts.tv_sec += (time_t)(ms / 1000);
    ts.tv_nsec += (long)(ms % 1000) * 1000000L;
    if (ts.tv_nsec >= 1000000000L) {
        ts.tv_sec++;
        ts.tv_nsec -= 1000000000L;
    }
    return ts;
}

void cg_uuid_v4(char out[CG_UUID_LEN])
{
    unsigned char b[16];
    randombytes_buf(b, sizeof(b));
    b[6] = (unsigned char)((b[6] & 0x0f) | 0x40); /* version 4 */
    b[8] = (unsigned char)((b[8] & 0x3f) | 0x80); /* RFC 4122 variant */
    snprintf(out, CG_UUID_LEN,
             "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x", b[0], b[1],
             b[2], b[3], b[4], b[5], b[6], b[7], b[8], b[9], b[10], b[11], b[12], b[13], b[14],
             b[15]);
}

bool cg_uuid_valid(const char *s)
{
    if (s == NULL || strlen(s) != 36)
        return false;
    for (int i = 0; i < 36; i++) {
        char c = s[i];
        if (i == 8 || i == 13 || i == 18 || i == 23) {
            if (c != '-')
                return false;
        } else if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'))) {
            return false;
        }
    }
    return true;
}

void cg_random_digits(char *out, size_t n)
{
    /* randombytes_uniform avoids the modulo bias of rand() % 10. */
    for (size_t i = 0; i < n; i++)
        out[i] = (char)('0' + randombytes_uniform(10));
    out[n] = '\0';
}

bool cg_strlcpy(char *dst, const char *src, size_t size)
{
    if (size == 0)
        return false;
    size_t len = strlen(src);
    if (len >= size) {
        memcpy(dst, src, size - 1);
        dst[size - 1] = '\0';
        return false;
    }
    memcpy(dst, src, len + 1);
    return true;
}

const char *cg_utf8_or_escaped(const char *s, char *buf, size_t size)
{
    if (s == NULL)
        return "";
    if (cg_utf8_valid(s, strlen(s)))
        return s;
    size_t n = 0;
    for (const unsigned char *p = (const unsigned char *)s; *p != '\0' && n + 4 <= size; p++) {
        if (*p > 0x20 && *p < 0x7f && *p != '%')
            buf[n++] = (char)*p;
        else
            n += (size_t)snprintf(buf + n, size - n, "%%%02X", *p);
    }
    if (size > 0)
        buf[n] = '\0';
    return buf;
}

bool cg_utf8_valid(const char *s, size_t len)
{
    const unsigned char *p = (const unsigned char *)s;
    size_t i = 0;
    while (i < len) {
        unsigned char c = p[i];
        size_t extra;
        unsigned int cp;
        if (c == 0)
            return false;
        if (c < 0x80) {
            i++;
            continue;
        } else if ((c & 0xe0) == 0xc0) {
            extra = 1;
            cp = c & 0x1f;
        } else if ((c & 0xf0) == 0xe0) {
            extra = 2;
            cp = c & 0x0f;
        } else if ((c & 0xf8) == 0xf0) {
            extra = 3;
            cp = c & 0x07;
        } else {
            return false;
        }
        if (i + extra >= len)
            return false;
        for (size_t k = 1; k <= extra; k++) {
            if ((p[i + k] & 0xc0) != 0x80)
                return false;
            cp = (cp << 6) | (p[i + k] & 0x3f);
        }
        /* Reject overlong forms, surrogates and values past U+10FFFF. */
        if ((extra == 1 && cp < 0x80) || (extra == 2 && cp < 0x800) ||
            (extra == 3 && cp < 0x10000) || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
            return false;
        i += extra + 1;
    }
    return true;
}

bool cg_ltree_path_valid(const char *s)
{
    size_t label = 0;
    if (s == NULL || s[0] == '\0')
        return false;
    for (; *s != '\0'; s++) {
        char c = *s;
        if (c == '.') {
            /* A leading, trailing or doubled dot leaves a label empty. */
            if (label == 0)
                return false;
            label = 0;
        } else if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                   c == '_') {
            if (++label > 255)
                return false;
        } else {
            return false;
        }
    }
    return label > 0;
}

size_t cg_utf8_length(const char *s)
{
    size_t n = 0;
    for (const unsigned char *p = (const unsigned char *)s; *p; p++)
        if ((*p & 0xc0) != 0x80)
            n++;
    return n;
}

void cg_url_redact(const char *url, char *out, size_t size)
{
    size_t o = 0;
    while (*url != '\0' && o + 1 < size) {
        const char *scheme_end = strstr(url, "://");
        const char *item_end = strchr(url, ',');
        if (item_end == NULL)
            item_end = url + strlen(url);
        const char *at = memchr(url, '@', (size_t)(item_end - url));
        const char *copy_from = url;
        if (scheme_end != NULL && scheme_end < item_end && at != NULL) {
            size_t n = (size_t)(scheme_end + 3 - url);
            o += (size_t)snprintf(out + o, size - o, "%.*s***@", (int)n, url);
            copy_from = at + 1;
        }
        if (o + 1 >= size)
            break;
        o += (size_t)snprintf(out + o, size - o, "%.*s", (int)(item_end - copy_from), copy_from);
        url = *item_end == ',' ? item_end + 1 : item_end;
        if (*item_end == ',' && o + 1 < size)
            out[o++] = ',';
    }
    out[o < size ? o : size - 1] = '\0';
}

void cg_free_wiped(void *p, size_t n)
{
    if (p != NULL)
        sodium_memzero(p, n);
    free(p);
}
