/* The month-by-month series of the dashboard's statistics (统计): which
 * months a date range spans, and the check that keeps a reply small. The
 * range is the list's own (received_from/received_to for clues,
 * filed_from/filed_to for cases), in Unix milliseconds with the end
 * excluded; the series holds every month of it, empty ones as 0.
 *
 * Pure functions: no database, no NATS, no clock. */
#ifndef CASE_STATS_RANGE_H
#define CASE_STATS_RANGE_H

#include "cg/status.h"

/* The most months a series may hold. A range over more is refused; with an
 * end open, the series stops this many months before its last one. */
#define CASE_STATS_MONTHS_MAX 120

/* The months from the one holding from_ms to the one holding the last
 * millisecond before to_ms (UTC), both counted; 0 when either end is open
 * (0) or to_ms is not after from_ms. */
int case_stats_months(long long from_ms, long long to_ms);

/* INVALID_ARGUMENT with a violation on field (the range's start, e.g.
 * "received_from") when the range spans more than CASE_STATS_MONTHS_MAX
 * months; CG_OK otherwise, open ends included. */
cg_code case_stats_range_check(long long from_ms, long long to_ms, const char *field, cg_err *err);

#endif
