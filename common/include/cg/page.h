/* Keyset pagination of a service's lists: the page size rules, the two
 * orders and the opaque cursor, shared by every service that pages records
 * (clues and cases today; rectification tasks and integrity files next).
 *
 * A list is ordered by its record's date, newest first (for a clue
 * received_at DESC, id DESC), or by deadline, nearest first and records
 * without one last (coalesce(deadline_at, infinity), id). A cursor names the
 * last record of a page by its key in that order, so the next page starts
 * strictly after it however many records were added in between, and
 * records with equal dates are told apart by their id. Its text is
 * "<date as Unix microseconds>.<id>", e.g.
 * "1764118923456789.0b6f1c2e-8f7a-4c3e-9d21-5a4b3c2d1e0f", or for the
 * deadline order "d<deadline as Unix microseconds, 0 for none>.<id>".
 * Clients must treat it as opaque; a service accepts only the exact form
 * it writes, and only in the order it was written for.
 *
 * Pure functions: no database, no NATS. */
#ifndef CG_PAGE_H
#define CG_PAGE_H

#include <stdbool.h>
#include <stdint.h>

#include "cg/limits.h"
#include "cg/status.h"
#include "cg/util.h"
#include "cleangrid/v1/common.pb-c.h"

/* The order's letter, 19 digits of a positive int64, the dot, a UUID and
 * the terminator. */
#define CG_CURSOR_SIZE (1 + 19 + 1 + CG_UUID_LEN)

/* The orders of a list: by its date, newest first (the default; a clue's
 * received date, a case's filing), or by deadline (sort "deadline"). The
 * page size rules are CG_PAGE_SIZE_DEFAULT and CG_PAGE_SIZE_MAX of
 * cg/limits.h. */
typedef enum cg_sort { CG_SORT_DATE, CG_SORT_DEADLINE } cg_sort;

typedef struct cg_cursor {
    cg_sort sort;
    /* The order's date in Unix microseconds, >= 0: the record's date (a
     * clue's received_at, a case's filed_at), or the deadline (0 or a far
     * date for a record without one, as its list says). */
    int64_t key_us;
    char id[CG_UUID_LEN];
} cg_cursor;

/* Write c's text into out. c->id must be a canonical lower-case UUID. */
void cg_cursor_encode(const cg_cursor *c, char out[CG_CURSOR_SIZE]);

/* Parse s (not NULL) into *out. Anything but the exact form
 * cg_cursor_encode() writes (no sign, no leading zero, lower-case UUID,
 * nothing after it) is INVALID_ARGUMENT "cursor is not valid". */
cg_code cg_cursor_decode(const char *s, cg_cursor *out, cg_err *err);

/* The order named by sort (borrowed): date_name (a list's own word for its
 * date order, e.g. "received"), NULL or "" is the date order, "deadline"
 * the deadline order. INVALID_ARGUMENT on field "sort" for any other name. */
cg_code cg_sort_parse(const char *sort, const char *date_name, cg_sort *out, cg_err *err);

/* Read a PageRequest (may be NULL: the first page at the default size) of
 * a list in order sort. *size gets the page size (the default when the
 * request says 0); *has_cursor tells whether *cursor was filled.
 * INVALID_ARGUMENT for a size or cursor outside the rules, or a cursor
 * written for the other order. */
cg_code cg_page_parse(const Cleangrid__V1__PageRequest *page, cg_sort sort, int *size,
                      cg_cursor *cursor, bool *has_cursor, cg_err *err);

/* The page a list answers. Its query asks for one row more than the page
 * holds, and that row, when it comes, tells there is a next page. page
 * goes into the reply: it borrows next_cursor, "" on the last page. */
typedef struct cg_page_out {
    int n;     /* how many of the rows read the page shows */
    bool more; /* whether a next page follows */
    char next_cursor[CG_CURSOR_SIZE];
    Cleangrid__V1__Page page;
} cg_page_out;

/* Start p for rows read by a query that asked for size + 1. */
void cg_page_out_init(cg_page_out *p, int rows, int size);
/* Name last, the page's last record, as where the next page starts, if
 * one follows. */
void cg_page_out_after(cg_page_out *p, const cg_cursor *last);

#endif
