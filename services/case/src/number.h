/* Register numbers (线索编号, 案件编号) in a list's query: a clue's
 * XS-<year>-<unit code>-<sequence>, a case's AJ-<year>-<unit code>-<sequence>.
 * The database gives the numbers (0016_record_numbers.sql); this only tells
 * a query that is one, or the start of one, from free text. */
#ifndef CASE_NUMBER_H
#define CASE_NUMBER_H

#include <stddef.h>

/* What a query names: no number, a clue's (XS) or a case's (AJ). */
typedef enum case_number_kind {
    CASE_NUMBER_NONE = 0,
    CASE_NUMBER_CLUE,
    CASE_NUMBER_CASE,
} case_number_kind;

/* The kind of number query has the shape of (its letters in either case:
 * "XS-" or "AJ-" then only letters, digits, _ and -), and, for a number,
 * the LIKE pattern that finds every number it starts (lower case, _
 * escaped, % appended) in out (size bytes, owned by the caller; "" when
 * none or when it does not fit). query is borrowed. */
case_number_kind case_number_pattern(const char *query, char *out, size_t size);

#endif
