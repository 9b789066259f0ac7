/* Canonical person ids and name keys (cg/person.h). */
#include "cg/person.h"

#include <stdio.h>
#include <stdlib.h>
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

/* True when the code point separates one name from the next: lists and
 * the brackets around a title ("王五（处长）"). */
static bool separator(long cp)
{
    return cp == ',' || cp == ';' || cp == '/' || cp == '\n' || cp == '\r' || cp == '(' ||
           cp == ')' || cp == '[' || cp == ']' || cp == 0x3001 || cp == 0xFF0C || cp == 0xFF1B ||
           cp == 0xFF0F || cp == 0xFF08 || cp == 0xFF09 || cp == 0x3010 || cp == 0x3011;
}

/* True for a space between words (not the dots inside a name). */
static bool word_space(long cp)
{
    return cp != 0xB7 && cp != 0x2022 && cp != 0x30FB && cp != 0xFF65 && dropped(cp);
}

/* True for a letter or digit of ASCII, full-width ones included. */
static bool ascii_alnum(long cp)
{
    if (cp >= 0xFF01 && cp <= 0xFF5E) {
        cp -= 0xFEE0;
    }
    return (cp >= '0' && cp <= '9') || (cp >= 'A' && cp <= 'Z') || (cp >= 'a' && cp <= 'z');
}

/* Add the key of the n bytes at s to keys unless it is empty, there
 * already, or there is no room (*count < max is the caller's to check). */
static void add_key(const char *s, size_t n, char (*keys)[CG_NAME_KEY_SIZE], size_t *count)
{
    char *k = keys[*count];
    if (!key_n(s, n, k, CG_NAME_KEY_SIZE) || k[0] == '\0') {
        return;
    }
    for (size_t j = 0; j < *count; j++) {
        if (strcmp(keys[j], k) == 0) {
            return;
        }
    }
    (*count)++;
}

/* Add the keys of one name (n bytes at s): the whole of it and, when it is
 * several words, each word of two characters or more written without Latin
 * letters or digits ("华东纪检监察员 王五" is also "王五"). A Latin word
 * alone is a given name or a surname, which many people share, and a
 * single character is a name spaced out ("王 五"), so neither is a key. */
static void add_segment(const unsigned char *s, size_t n, char (*keys)[CG_NAME_KEY_SIZE],
                        size_t *count, size_t max)
{
    size_t words = 0, start = 0, chars = 0;
    bool latin = false, in_word = false;
    if (*count < max) {
        add_key((const char *)s, n, keys, count);
    }
    for (size_t pass = 0; pass < 2; pass++) {
        for (size_t i = 0, len; i <= n; i += len) {
            long cp = i < n ? decode(s + i, n - i, &len) : ' ';
            len = i < n ? len : 1;
            if (!word_space(cp)) {
                start = in_word ? start : i;
                chars = in_word ? chars + 1 : 1;
                latin = (in_word && latin) || ascii_alnum(cp);
                in_word = true;
                continue;
            }
            if (in_word && pass == 0) {
                words++;
            } else if (in_word && words > 1 && !latin && chars > 1 && *count < max) {
                add_key((const char *)s + start, i - start, keys, count);
            }
            in_word = false;
            latin = false;
        }
    }
}

size_t cg_name_keys_of(const char *text, char (*keys)[CG_NAME_KEY_SIZE], size_t max)
{
    const unsigned char *s = (const unsigned char *)(text != NULL ? text : "");
    size_t n = strlen((const char *)s), count = 0, start = 0;
    for (size_t i = 0, len; i <= n && count < max; i += len) {
        long cp = i < n ? decode(s + i, n - i, &len) : ',';
        len = i < n ? len : 1;
        if (separator(cp)) {
            add_segment(s + start, i - start, keys, &count, max);
            start = i + len;
        }
    }
    return count;
}

bool cg_name_keys_json(const char *name, char *out, size_t size)
{
    char(*keys)[CG_NAME_KEY_SIZE] = malloc(CG_NAME_KEYS_MAX * sizeof *keys);
    size_t o = 0;
    bool fits = keys != NULL && size > 2;
    size_t n = fits ? cg_name_keys_of(name, keys, CG_NAME_KEYS_MAX) : 0;

    /* A name with as many keys as there is room for may have more. */
    fits = fits && n < CG_NAME_KEYS_MAX;
    if (fits) {
        out[o++] = '[';
    }
    for (size_t i = 0; fits && i < n; i++) {
        fits = o + 2 < size;
        if (fits && i > 0) {
            out[o++] = ',';
        }
        if (fits) {
            out[o++] = '"';
        }
        for (const unsigned char *c = (const unsigned char *)keys[i]; fits && *c != '\0'; c++) {
            char esc[8];
            int w = *c == '"' || *c == '\\' ? snprintf(esc, sizeof esc, "\\%c", *c)
                    : *c < 0x20             ? snprintf(esc, sizeof esc, "\\u%04x", *c)
                                            : snprintf(esc, sizeof esc, "%c", *c);
            fits = o + (size_t)w + 2 < size;
            if (fits) {
                memcpy(out + o, esc, (size_t)w);
                o += (size_t)w;
            }
        }
        if (fits) {
            out[o++] = '"';
        }
    }
    if (fits) {
        out[o++] = ']';
        out[o] = '\0';
    } else if (size > 0) {
        out[0] = '\0';
    }
    free(keys);
    return fits;
}
