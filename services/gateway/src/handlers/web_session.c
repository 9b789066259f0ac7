/* The web console's session cookie and CSRF token (web_session.h). */
#include "web_session.h"

#include <sodium.h>
#include <stdio.h>
#include <string.h>

#include "gw_pure.h"

#define COOKIE_ATTRIBUTES "; Path=/; HttpOnly; SameSite=Strict; Secure"

static bool is_base64url(char c)
{
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
           c == '_';
}

bool gw_cookie_token(const char *header, const char **token)
{
    const size_t name_len = sizeof(GW_SESSION_COOKIE) - 1;
    const char *found = NULL;
    int pairs = 0;
    const char *p = header;
    while (p != NULL && *p != '\0') {
        while (*p == ' ' || *p == ';')
            p++;
        size_t pair = strcspn(p, ";");
        if (pair > name_len && memcmp(p, GW_SESSION_COOKIE, name_len) == 0 && p[name_len] == '=') {
            pairs++;
            const char *v = p + name_len + 1;
            bool ok = pair == name_len + 1 + GW_TOKEN_LEN;
            for (size_t i = 0; i < GW_TOKEN_LEN && ok; i++)
                ok = is_base64url(v[i]);
            if (ok)
                found = v;
        }
        p += pair;
    }
    if (pairs != 1 || found == NULL)
        return false;
    *token = found;
    return true;
}

void gw_csrf_token(const char *token, char out[GW_CSRF_LEN + 1])
{
    static const char context[] = "cleangrid csrf v1";
    unsigned char digest[32];
    crypto_generichash(digest, sizeof(digest), (const unsigned char *)context, sizeof(context) - 1,
                       (const unsigned char *)token, GW_TOKEN_LEN);
    sodium_bin2base64(out, GW_CSRF_LEN + 1, digest, sizeof(digest),
                      sodium_base64_VARIANT_URLSAFE_NO_PADDING);
    sodium_memzero(digest, sizeof(digest));
}

bool gw_csrf_valid(const char *token, const char *header)
{
    char expected[GW_CSRF_LEN + 1];
    if (header == NULL || strlen(header) != GW_CSRF_LEN)
        return false;
    gw_csrf_token(token, expected);
    bool same = sodium_memcmp(expected, header, GW_CSRF_LEN) == 0;
    sodium_memzero(expected, sizeof(expected));
    return same;
}

bool gw_method_changes_state(const char *method)
{
    return method == NULL || !(strcmp(method, "GET") == 0 || strcmp(method, "HEAD") == 0 ||
                               strcmp(method, "OPTIONS") == 0);
}

void gw_session_cookie_header(const char *token, char out[GW_COOKIE_HEADER_MAX])
{
    if (token == NULL)
        snprintf(out, GW_COOKIE_HEADER_MAX,
                 "Set-Cookie: " GW_SESSION_COOKIE "=" COOKIE_ATTRIBUTES "; Max-Age=0\r\n");
    else
        snprintf(out, GW_COOKIE_HEADER_MAX,
                 "Set-Cookie: " GW_SESSION_COOKIE "=%.*s" COOKIE_ATTRIBUTES "\r\n", GW_TOKEN_LEN,
                 token);
}
