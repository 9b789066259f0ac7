/* The revocation message (revocation.h): parse and format. Pure. */
#include "revocation.h"

#include <ctype.h>
#include <sodium.h>
#include <stdio.h>
#include <string.h>

#include "cg/util.h"

#define TOKEN_PREFIX "token "
#define ACCOUNT_PREFIX "account "
#define SCOPES_MSG "scopes"
#define UUID_TEXT_LEN (CG_UUID_LEN - 1)

/* True if s (UUID_TEXT_LEN bytes) is a UUID (cg_uuid_valid()); out
 * receives it in lowercase with a terminator. */
static bool uuid_text(const char *s, char out[CG_UUID_LEN])
{
    memcpy(out, s, UUID_TEXT_LEN);
    out[UUID_TEXT_LEN] = '\0';
    if (!cg_uuid_valid(out))
        return false;
    for (size_t i = 0; i < UUID_TEXT_LEN; i++)
        out[i] = (char)tolower((unsigned char)out[i]);
    return true;
}

bool gw_revocation_parse(const char *data, size_t len, gw_revocation *out)
{
    const size_t tp = sizeof(TOKEN_PREFIX) - 1;
    const size_t ap = sizeof(ACCOUNT_PREFIX) - 1;

    memset(out, 0, sizeof(*out));
    if (data == NULL)
        return false;
    size_t n = 0;
    if (len == tp + 2 * GW_SESSION_KEY_LEN && memcmp(data, TOKEN_PREFIX, tp) == 0) {
        /* Every byte of the text must be a hex digit (no hex_end given). */
        if (sodium_hex2bin(out->key, GW_SESSION_KEY_LEN, data + tp, 2 * GW_SESSION_KEY_LEN, NULL,
                           &n, NULL) != 0 ||
            n != GW_SESSION_KEY_LEN) {
            memset(out, 0, sizeof(*out));
            return false;
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
