/* Unit tests of the statistics' month series: months spanned and the
 * limit. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "cg_test.h"
#include "stats_range.h"

/* Midnight UTC of a date, in Unix ms (days from the civil calendar). */
static long long day_ms(int y, int m, int d)
{
    /* Howard Hinnant's days_from_civil. */
    y -= m <= 2;
    long long era = (y >= 0 ? y : y - 399) / 400;
    long long yoe = y - era * 400;
    long long doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    long long doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return (era * 146097 + doe - 719468) * 86400000LL;
}

static void test_months(void **state)
{
    (void)state;
    /* A whole year: received_to 2026-12-31 arrives as the next midnight. */
    assert_int_equal(case_stats_months(day_ms(2026, 1, 1), day_ms(2027, 1, 1)), 12);
    /* One day, at the month's end, and across a year's end. */
    assert_int_equal(case_stats_months(day_ms(2026, 1, 31), day_ms(2026, 2, 1)), 1);
    assert_int_equal(case_stats_months(day_ms(2025, 12, 15), day_ms(2026, 1, 16)), 2);
    /* February of a leap year ends on the 29th. */
    assert_int_equal(case_stats_months(day_ms(2024, 2, 29), day_ms(2024, 3, 1)), 1);
    /* Open ends and an empty range span nothing to check. */
    assert_int_equal(case_stats_months(0, day_ms(2026, 1, 1)), 0);
    assert_int_equal(case_stats_months(day_ms(2026, 1, 1), 0), 0);
    assert_int_equal(case_stats_months(day_ms(2026, 1, 2), day_ms(2026, 1, 1)), 0);
}

static void test_limit(void **state)
{
    (void)state;
    cg_err err;
    cg_err_clear(&err);
    /* Ten whole years is the most. */
    assert_int_equal(
        case_stats_range_check(day_ms(2016, 1, 1), day_ms(2026, 1, 1), "received_from", &err),
        CG_OK);
    assert_int_equal(case_stats_range_check(0, day_ms(2026, 1, 1), "received_from", &err), CG_OK);
    assert_int_equal(
        case_stats_range_check(day_ms(2015, 12, 31), day_ms(2026, 1, 1), "filed_from", &err),
        CG_INVALID_ARGUMENT);
    assert_int_equal(err.nviolations, 1);
    assert_string_equal(err.violations[0].field, "filed_from");
}

CG_TEST_MAIN(cmocka_unit_test(test_months), cmocka_unit_test(test_limit))
