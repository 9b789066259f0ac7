/* Entity tags (see etag.h). */
#include "etag.h"

#include <sodium.h>
#include <string.h>

#define DIGEST_LEN 16

void gw_etag_compute(const void *body, size_t len, char out[GW_ETAG_LEN])
{
    unsigned char digest[DIGEST_LEN];
    crypto_generichash(digest, sizeof(digest), body, len, NULL, 0);
    out[0] = '"';
    sodium_bin2base64(out + 1, GW_ETAG_LEN - 2, digest, sizeof(digest),
                      sodium_base64_VARIANT_URLSAFE_NO_PADDING);
    out[GW_ETAG_LEN - 2] = '"';
    out[GW_ETAG_LEN - 1] = '\0';
}

static const char *skip_ows(const char *p)
{
    while (*p == ' ' || *p == '\t')
        p++;
    return p;
}

/* Compare each entity tag of the list in header with etag. weak: ignore W/
 * on both sides; strong: a W/ tag never matches. Returns true on a match;
 * a malformed list matches nothing from the point it breaks. *star is set
 * when the whole header is "*". */
static bool list_has(const char *header, const char *etag, bool weak, bool *star)
{
    const char *want = etag;
    size_t want_len;
    *star = false;
    if (strncmp(want, "W/", 2) == 0) {
        if (!weak)
            return false;
        want += 2;
    }
    want_len = strlen(want);
    const char *p = skip_ows(header);
    if (*p == '*' && *skip_ows(p + 1) == '\0') {
        *star = true;
        return false;
    }
    while (*p != '\0') {
        bool is_weak = false;
        if (strncmp(p, "W/", 2) == 0) {
            is_weak = true;
            p += 2;
        }
        if (*p != '"')
            return false;
        const char *close = strchr(p + 1, '"');
        if (close == NULL)
            return false;
        size_t n = (size_t)(close - p) + 1;
        if ((weak || !is_weak) && n == want_len && memcmp(p, want, n) == 0)
            return true;
        p = skip_ows(close + 1);
        if (*p == ',')
            p = skip_ows(p + 1);
        else if (*p != '\0')
            return false;
    }
    return false;
}

bool gw_etag_none_match_hit(const char *header, const char *etag)
{
    bool star;
    if (header == NULL)
        return false;
    return list_has(header, etag, true, &star) || star;
}

bool gw_etag_match_ok(const char *header, const char *etag, bool exists)
{
    bool star;
    if (header == NULL)
        return true;
    if (!exists)
        return false;
    return list_has(header, etag, false, &star) || star;
}
