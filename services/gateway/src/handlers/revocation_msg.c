/* The revocation message (revocation.h): parse and format. Pure. */
#include "revocation.h"

#include <stdio.h>
#include <string.h>

#define TOKEN_PREFIX "token "
#define ACCOUNT_PREFIX "account "
#define SCOPES_MSG "scopes"
#define UUID_TEXT_LEN (CG_UUID_LEN - 1)

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

/* True if s (UUID_TEXT_LEN bytes) is 8-4-4-4-12 hex digits; out receives
 * it in lowercase with a terminator. */
static bool uuid_text(const char *s, char out[CG_UUID_LEN])
{
    for (size_t i = 0; i < UUID_TEXT_LEN; i++) {
        bool dash = i == 8 || i == 13 || i == 18 || i == 23;
        if (dash ? s[i] != '-' : hex_value(s[i]) < 0)
            return false;
        out[i] = (char)(s[i] >= 'A' && s[i] <= 'F' ? s[i] - 'A' + 'a' : s[i]);
    }
    out[UUID_TEXT_LEN] = '\0';
    return true;
}

bool gw_revocation_parse(const char *data, size_t len, gw_revocation *out)
{
    const size_t tp = sizeof(TOKEN_PREFIX) - 1;
    const size_t ap = sizeof(ACCOUNT_PREFIX) - 1;

    memset(out, 0, sizeof(*out));
    if (data == NULL)
        return false;
    if (len == tp + 2 * GW_SESSION_KEY_LEN && memcmp(data, TOKEN_PREFIX, tp) == 0) {
        for (size_t i = 0; i < GW_SESSION_KEY_LEN; i++) {
            int hi = hex_value(data[tp + 2 * i]);
            int lo = hex_value(data[tp + 2 * i + 1]);
            if (hi < 0 || lo < 0)
                return false;
            out->key[i] = (uint8_t)(hi << 4 | lo);
        }
        out->kind = GW_REVOKE_TOKEN;
        return true;
    }
    if (len == ap + UUID_TEXT_LEN && memcmp(data, ACCOUNT_PREFIX, ap) == 0 &&
        uuid_text(data + ap, out->account_id)) {
        out->kind = GW_REVOKE_ACCOUNT;
        return true;
    }
    if (len == sizeof(SCOPES_MSG) - 1 && memcmp(data, SCOPES_MSG, len) == 0) {
        out->kind = GW_REVOKE_SCOPES;
        return true;
    }
    memset(out, 0, sizeof(*out));
    return false;
}

size_t gw_revocation_format(const gw_revocation *rev, char out[GW_REVOCATION_MSG_MAX])
{
    static const char digits[] = "0123456789abcdef";
    size_t n = 0;
    if (rev->kind == GW_REVOKE_TOKEN) {
        memcpy(out, TOKEN_PREFIX, sizeof(TOKEN_PREFIX) - 1);
        n = sizeof(TOKEN_PREFIX) - 1;
        for (size_t i = 0; i < GW_SESSION_KEY_LEN; i++) {
            out[n++] = digits[rev->key[i] >> 4];
            out[n++] = digits[rev->key[i] & 0x0f];
        }
        out[n] = '\0';
        return n;
    }
    if (rev->kind == GW_REVOKE_SCOPES)
        return (size_t)snprintf(out, GW_REVOCATION_MSG_MAX, SCOPES_MSG);
    int w = snprintf(out, GW_REVOCATION_MSG_MAX, ACCOUNT_PREFIX "%s", rev->account_id);
    return w > 0 && w < GW_REVOCATION_MSG_MAX ? (size_t)w : 0;
}
