#include "stats_range.h"

#include <time.h>

/* The month of a Unix millisecond time, counted from year 0 (UTC). */
static long month_index(long long ms)
{
    time_t s = (time_t)(ms / 1000);
    struct tm tm;
    gmtime_r(&s, &tm);
    return (long)(tm.tm_year + 1900) * 12 + tm.tm_mon;
}

int case_stats_months(long long from_ms, long long to_ms)
{
    if (from_ms <= 0 || to_ms <= 0 || to_ms <= from_ms) {
        return 0;
    }
    return (int)(month_index(to_ms - 1) - month_index(from_ms) + 1);
}

cg_code case_stats_range_check(long long from_ms, long long to_ms, const char *field, cg_err *err)
{
    if (case_stats_months(from_ms, to_ms) > CASE_STATS_MONTHS_MAX) {
        cg_err_add_violation(err, field,
                             "the statistics' months may span at most %d months; narrow the range",
                             CASE_STATS_MONTHS_MAX);
        return err->code;
    }
    return CG_OK;
}
