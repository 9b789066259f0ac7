/* Keyset pagination of clues: the page size rules, the two orders and the
 * opaque cursor.
 *
 * A list is ordered by received date, newest first (received_at DESC, id
 * DESC), or by deadline, nearest first and clues without one last
 * (coalesce(deadline_at, infinity), id). A cursor names the last clue of a
 * page by its key in that order, so the next page starts strictly after it
 * however many clues were registered in between, and clues with equal
 * dates are told apart by their id. Its text is
 * "<received_at as Unix microseconds>.<id>", e.g.
 * "1764118923456789.0b6f1c2e-8f7a-4c3e-9d21-5a4b3c2d1e0f", or for the
 * deadline order "d<deadline_at as Unix microseconds, 0 for none>.<id>".
 * Clients must treat it as opaque; the service accepts only the exact form
 * it writes, and only in the order it was written for.
 *
 * Pure functions: no database, no NATS. */
#ifndef CASE_PAGE_H
#define CASE_PAGE_H

#include <stdbool.h>
#include <stdint.h>

#include "cg/limits.h"
#include "cg/status.h"
#include "cg/util.h"
#include "cleangrid/v1/common.pb-c.h"

/* The API's list sizes (?limit=), shared with every list of the API. */
#define CASE_PAGE_SIZE_DEFAULT CG_PAGE_SIZE_DEFAULT
#define CASE_PAGE_SIZE_MAX CG_PAGE_SIZE_MAX

/* The order's letter, 19 digits of a positive int64, the dot, a UUID and
 * the terminator. */
#define CASE_CURSOR_SIZE (1 + 19 + 1 + CG_UUID_LEN)

/* The orders of a list: by its date, newest first (a clue's received
 * date, the default, sort "received"; a case's filing), or by deadline
 * (sort "deadline"). */
typedef enum case_sort { CASE_SORT_DATE, CASE_SORT_DEADLINE } case_sort;

typedef struct case_cursor {
    case_sort sort;
    /* The order's date in Unix microseconds, >= 0: received_at (a case:
     * filed_at), or the deadline (for a clue without one 0, for a case a
     * far date; see its list). */
    int64_t key_us;
    char id[CG_UUID_LEN];
} case_cursor;

/* Write c's text into out. c->id must be a canonical lower-case UUID. */
void case_cursor_encode(const case_cursor *c, char out[CASE_CURSOR_SIZE]);

/* Parse s (not NULL) into *out. Anything but the exact form
 * case_cursor_encode() writes (no sign, no leading zero, lower-case UUID,
 * nothing after it) is INVALID_ARGUMENT "cursor is not valid". */
cg_code case_cursor_decode(const char *s, case_cursor *out, cg_err *err);

/* The order named by sort (NULL or "" is received). INVALID_ARGUMENT on
 * field "sort" for any other name. */
cg_code case_sort_parse(const char *sort, case_sort *out, cg_err *err);

/* Read a PageRequest (may be NULL: the first page at the default size) of
 * a list in order sort. *size gets the page size (the default when the
 * request says 0); *has_cursor tells whether *cursor was filled.
 * INVALID_ARGUMENT for a size or cursor outside the rules, or a cursor
 * written for the other order. */
cg_code case_page_parse(const Cleangrid__V1__PageRequest *page, case_sort sort, int *size,
                        case_cursor *cursor, bool *has_cursor, cg_err *err);

#endif
