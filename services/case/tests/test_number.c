/* Unit tests of register numbers in a list's query: what counts as a
 * number and the LIKE pattern it becomes. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "cg_test.h"
#include "lifecycle.h"
#include "number.h"

static void test_numbers(void **state)
{
    (void)state;
    char out[64];
    /* A whole number, in either case, and its unit code's _ escaped. */
    assert_int_equal(case_number_pattern("XS-2026-city_a-00017", out, sizeof out),
                     CASE_NUMBER_CLUE);
    assert_string_equal(out, "xs-2026-city\\_a-00017%");
    assert_int_equal(case_number_pattern("aj-2026-City_A-00001", out, sizeof out),
                     CASE_NUMBER_CASE);
    assert_string_equal(out, "aj-2026-city\\_a-00001%");
    /* A prefix is a number's start. */
    assert_int_equal(case_number_pattern("XS-2026", out, sizeof out), CASE_NUMBER_CLUE);
    assert_string_equal(out, "xs-2026%");
    assert_int_equal(case_number_pattern("Xs-", out, sizeof out), CASE_NUMBER_CLUE);
    assert_string_equal(out, "xs-%");
}

static void test_not_numbers(void **state)
{
    (void)state;
    char out[64];
    const char *texts[] = {
        "",          "XS",         "XS2026",   "XJ-2026", "王建国", "XS-2026 city_a",
        "XS-2026-%", "AJ-2026-市", "xs-20'26", NULL};
    for (size_t i = 0; texts[i] != NULL; i++) {
        strcpy(out, "untouched");
        assert_int_equal(case_number_pattern(texts[i], out, sizeof out), CASE_NUMBER_NONE);
        assert_string_equal(out, "");
    }
    assert_int_equal(case_number_pattern(NULL, out, sizeof out), CASE_NUMBER_NONE);
    /* A number that does not fit is none rather than cut short. */
    char small[8];
    assert_int_equal(case_number_pattern("XS-2026-city_a", small, sizeof small), CASE_NUMBER_NONE);
    assert_string_equal(small, "");
}

/* The list's check looks a number up as one and searches no text for it;
 * other queries keep their substring pattern. */
static void test_list_filter(void **state)
{
    (void)state;
    case_list_filter f;
    cg_err err;
    cg_err_clear(&err);
    assert_int_equal(
        case_list_filter_check("", "", "", "", "", "hq", 0, 0, "XS-2026-city_a", &f, &err), CG_OK);
    assert_int_equal(f.number_kind, CASE_NUMBER_CLUE);
    assert_string_equal(f.number, "xs-2026-city\\_a%");
    assert_string_equal(f.pattern, "");
    assert_int_equal(case_list_filter_check("", "", "", "", "", "hq", 0, 0, "王建国", &f, &err),
                     CG_OK);
    assert_int_equal(f.number_kind, CASE_NUMBER_NONE);
    assert_string_equal(f.pattern, "%王建国%");
}

CG_TEST_MAIN(cmocka_unit_test(test_numbers), cmocka_unit_test(test_not_numbers),
             cmocka_unit_test(test_list_filter))
