/* Small helpers: time, UUIDs, random digits, strings. */
#ifndef CG_UTIL_H
#define CG_UTIL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#define CG_UUID_LEN 37 /* 36 characters and the terminator */

/* Unix time in milliseconds. */
int64_t cg_now_ms(void);
/* Monotonic time in milliseconds, for deadlines. */
int64_t cg_mono_ms(void);

/* A random (version 4) UUID in canonical form. Needs sodium_init(). */
void cg_uuid_v4(char out[CG_UUID_LEN]);
bool cg_uuid_valid(const char *s);

/* The CLOCK_REALTIME time ms milliseconds from now, as
 * pthread_cond_timedwait wants it. */
struct timespec cg_deadline_after_ms(int64_t ms);

/* n random decimal digits and a terminator into out (size n + 1). */
void cg_random_digits(char *out, size_t n);

/* Copy at most size-1 bytes and terminate; returns false if truncated. */
bool cg_strlcpy(char *dst, const char *src, size_t size);

/* Wipe the n bytes at p (malloc'd, may be NULL) and free them: for memory
 * that held a secret or evidence (a password, a document), so no copy is
 * left in freed memory. */
void cg_free_wiped(void *p, size_t n);

/* True if s is valid UTF-8 with no NUL; len bytes. */
bool cg_utf8_valid(const char *s, size_t len);

/* True if s is a non-empty ltree path that PostgreSQL 15 accepts: labels of
 * 1..255 characters of [A-Za-z0-9_] joined by single dots. Check before a
 * query: the server reports a bad ltree as a syntax error (42601), which
 * would otherwise look like a fault of ours rather than bad input. */
bool cg_ltree_path_valid(const char *s);

/* Copy a comma-separated URL list into out with each user:password@ part
 * replaced by ***@, for messages: secrets are never logged. */
void cg_url_redact(const char *url, char *out, size_t size);

/* Number of Unicode code points in a valid UTF-8 string. */
size_t cg_utf8_length(const char *s);

/* s (NULL reads as "") as text: s itself when it is valid UTF-8, else a
 * copy in buf (size bytes, cut at a whole escape) with every byte other
 * than '!' to '~' (so space too), and '%', written %XX. For bytes from outside (a path, a
 * subject) that must go where only UTF-8 text may: JSON, a text column. */
const char *cg_utf8_or_escaped(const char *s, char *buf, size_t size);

#endif
