/* Newest-first keyset pagination of clues: the page size rules and the
 * opaque cursor.
 *
 * A cursor names the last clue of a page by its (created_at, id), the key
 * the list is ordered by, so the next page starts strictly after it however
 * many clues were registered in between. Its text is
 * "<created_at as Unix microseconds>.<id>", e.g.
 * "1764118923456789.0b6f1c2e-8f7a-4c3e-9d21-5a4b3c2d1e0f". Clients must treat
 * it as opaque; the service accepts only the exact form it writes.
 *
 * Pure functions: no database, no NATS. */
#ifndef CASE_PAGE_H
#define CASE_PAGE_H

#include <stdbool.h>
#include <stdint.h>

#include "cg/status.h"
#include "cg/util.h"
#include "cleangrid/v1/common.pb-c.h"

#define CASE_PAGE_SIZE_DEFAULT 20
#define CASE_PAGE_SIZE_MAX 100

/* 19 digits of a positive int64, the dot, a UUID and the terminator. */
#define CASE_CURSOR_SIZE (19 + 1 + CG_UUID_LEN)

typedef struct case_cursor {
    int64_t created_us; /* created_at in Unix microseconds, >= 0 */
    char id[CG_UUID_LEN];
} case_cursor;

/* Write c's text into out. c->id must be a canonical lower-case UUID. */
void case_cursor_encode(const case_cursor *c, char out[CASE_CURSOR_SIZE]);

/* Parse s (not NULL) into *out. Anything but the exact form
 * case_cursor_encode() writes (no sign, no leading zero, lower-case UUID,
 * nothing after it) is INVALID_ARGUMENT "cursor is not valid". */
cg_code case_cursor_decode(const char *s, case_cursor *out, cg_err *err);

/* Read a PageRequest (may be NULL: the first page at the default size).
 * *size gets the page size (the default when the request says 0);
 * *has_cursor tells whether *cursor was filled. INVALID_ARGUMENT for a size
 * or cursor outside the rules. */
cg_code case_page_parse(const Cleangrid__V1__PageRequest *page, int *size, case_cursor *cursor,
                        bool *has_cursor, cg_err *err);

#endif
