/* Canonical person ids and name keys (cg/person.h). */
#include "cg/person.h"

#include <string.h>

static bool ascii_space(unsigned char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

bool cg_person_id_canon(const char *in, char *out, size_t size)
{
    const char *s = in != NULL ? in : "";
    size_t n = strlen(s);
    while (n > 0 && ascii_space((unsigned char)*s)) {
        s++;
        n--;
    }
    while (n > 0 && ascii_space((unsigned char)s[n - 1])) {
        n--;
    }
    if (size == 0) {
        return false;
    }
    if (n >= size) {
        out[0] = '\0';
        return false;
    }
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        out[i] = c >= 'a' && c <= 'z' ? (char)(c - 'a' + 'A') : c;
    }
    out[n] = '\0';
    return true;
}

/* The code point of the UTF-8 sequence at s (n bytes left), its length in
 * *len; a byte that starts no valid sequence reads as itself (-1). */
static long decode(const unsigned char *s, size_t n, size_t *len)
{
    *len = 1;
    if (s[0] < 0x80) {
        return s[0];
    }
    size_t need = s[0] >= 0xF0 && s[0] < 0xF8 ? 4 : s[0] >= 0xE0 ? 3 : s[0] >= 0xC0 ? 2 : 0;
    if (need == 0 || need > n) {
        return -1;
    }
    long cp = s[0] & (0x7F >> need);
    for (size_t i = 1; i < need; i++) {
        if ((s[i] & 0xC0) != 0x80) {
            return -1;
        }
        cp = (cp << 6) | (s[i] & 0x3F);
    }
    *len = need;
    return cp;
}

/* Characters a name's key leaves out: spaces of every width and the dots
 * between the parts of a transliterated name. */
static bool dropped(long cp)
{
    return (cp >= 0 && cp < 0x80 && ascii_space((unsigned char)cp)) || cp == 0xA0 || cp == 0x3000 ||
           (cp >= 0x2000 && cp <= 0x200B) || cp == 0x202F || cp == 0xFEFF || cp == 0xB7 ||
           cp == 0x2022 || cp == 0x30FB || cp == 0xFF65;
}

/* The key of the n bytes at in, as cg_name_key(). */
static bool key_n(const char *in, size_t n, char *out, size_t size)
{
    const unsigned char *s = (const unsigned char *)in;
    size_t o = 0;
    if (size == 0) {
        return false;
    }
    for (size_t i = 0, len; i < n; i += len) {
        long cp = decode(s + i, n - i, &len);
        if (dropped(cp)) {
            continue;
        }
        if (cp >= 0xFF01 && cp <= 0xFF5E) {
            cp -= 0xFEE0; /* full-width ASCII */
        }
        size_t width = cp >= 0 && cp < 0x80 ? 1 : len;
        if (o + width >= size) {
            out[0] = '\0';
            return false;
        }
        if (width == 1 && cp >= 0) {
            out[o++] = (char)(cp >= 'A' && cp <= 'Z' ? cp - 'A' + 'a' : cp);
        } else {
            memcpy(out + o, s + i, len);
            o += len;
        }
    }
    out[o] = '\0';
    return true;
}

bool cg_name_key(const char *in, char *out, size_t size)
{
    const char *s = in != NULL ? in : "";
    return key_n(s, strlen(s), out, size);
}

/* True when the code point separates one name from the next. */
static bool separator(long cp)
{
    return cp == ',' || cp == ';' || cp == '/' || cp == '\n' || cp == '\r' || cp == 0x3001 ||
           cp == 0xFF0C || cp == 0xFF1B || cp == 0xFF0F;
}

size_t cg_name_keys_of(const char *text, char (*keys)[CG_NAME_KEY_SIZE], size_t max)
{
    const unsigned char *s = (const unsigned char *)(text != NULL ? text : "");
    size_t n = strlen((const char *)s), count = 0, start = 0;
    for (size_t i = 0; i <= n && count < max;) {
        size_t len = 1;
        long cp = i < n ? decode(s + i, n - i, &len) : ',';
        if (separator(cp)) {
            char *k = keys[count];
            bool seen = false;
            if (key_n((const char *)s + start, i - start, k, CG_NAME_KEY_SIZE) && k[0] != '\0') {
                for (size_t j = 0; j < count; j++) {
                    seen = seen || strcmp(keys[j], k) == 0;
                }
                count += seen ? 0 : 1;
            }
            start = i + len;
        }
        i += len;
    }
    return count;
}
