/* Unit tests of page sizes and the list cursor. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "cg_test.h"
#include "cg/page.h"

#define ID "0b6f1c2e-8f7a-4c3e-9d21-5a4b3c2d1e0f"

static void expect_bad(const char *s)
{
    cg_cursor c;
    cg_err err;
    cg_err_clear(&err);
    if (cg_cursor_decode(s, &c, &err) != CG_INVALID_ARGUMENT) {
        fail_msg("cursor \"%s\" was accepted", s);
    }
    assert_int_equal(err.code, CG_INVALID_ARGUMENT);
    assert_string_equal(err.message, "cursor is not valid");
    assert_int_equal(err.nviolations, 1);
    assert_string_equal(err.violations[0].field, "cursor");
}

static void test_round_trip(void **state)
{
    (void)state;
    static const int64_t values[] = {0, 1, 9, 10, 1764118923456789, INT64_MAX};
    for (size_t i = 0; i < sizeof values / sizeof values[0]; i++) {
        cg_cursor in = {.key_us = values[i], .id = ID}, out;
        char text[CG_CURSOR_SIZE];
        cg_err err;
        cg_err_clear(&err);
        cg_cursor_encode(&in, text);
        assert_int_equal(cg_cursor_decode(text, &out, &err), CG_OK);
        assert_true(out.key_us == in.key_us);
        assert_string_equal(out.id, ID);
    }
}

static void test_deadline_form(void **state)
{
    (void)state;
    cg_cursor in = {.sort = CG_SORT_DEADLINE, .key_us = 0, .id = ID}, out;
    char text[CG_CURSOR_SIZE];
    cg_err err;
    cg_err_clear(&err);
    cg_cursor_encode(&in, text);
    assert_string_equal(text, "d0." ID);
    in.key_us = INT64_MAX;
    cg_cursor_encode(&in, text);
    assert_int_equal(strlen(text) + 1, CG_CURSOR_SIZE);
    assert_int_equal(cg_cursor_decode(text, &out, &err), CG_OK);
    assert_true(out.sort == CG_SORT_DEADLINE && out.key_us == INT64_MAX);
    expect_bad("d");
    expect_bad("dd1." ID);
    expect_bad("D1." ID);
    expect_bad("r1." ID);
    expect_bad("d-1." ID);
}

static void test_sort_names(void **state)
{
    (void)state;
    cg_sort sort = CG_SORT_DEADLINE;
    cg_err err;
    cg_err_clear(&err);
    assert_int_equal(cg_sort_parse("", "received", &sort, &err), CG_OK);
    assert_true(sort == CG_SORT_DATE);
    assert_int_equal(cg_sort_parse("deadline", "received", &sort, &err), CG_OK);
    assert_true(sort == CG_SORT_DEADLINE);
    assert_int_equal(cg_sort_parse("received", "received", &sort, &err), CG_OK);
    assert_true(sort == CG_SORT_DATE);
    assert_int_equal(cg_sort_parse("created", "received", &sort, &err), CG_INVALID_ARGUMENT);
    assert_string_equal(err.violations[0].field, "sort");
    assert_string_equal(err.violations[0].description, "must be received or deadline");
}

static void test_encoded_form(void **state)
{
    (void)state;
    cg_cursor c = {.key_us = 1764118923456789, .id = ID};
    char text[CG_CURSOR_SIZE];
    cg_cursor_encode(&c, text);
    assert_string_equal(text, "1764118923456789." ID);

    /* The largest cursor fits the buffer, with room for the deadline
     * order's letter. */
    c.key_us = INT64_MAX;
    cg_cursor_encode(&c, text);
    assert_int_equal(strlen(text) + 2, CG_CURSOR_SIZE);
}

static void test_rejects(void **state)
{
    (void)state;
    expect_bad("");
    expect_bad(".");
    expect_bad("abc");
    expect_bad("." ID);
    expect_bad("123");
    expect_bad("123.");
    expect_bad("0123." ID); /* leading zero */
    expect_bad("00." ID);
    expect_bad("-1." ID);
    expect_bad("+1." ID);
    expect_bad(" 1." ID);
    expect_bad("1 ." ID);
    expect_bad("1.5." ID);
    expect_bad("9223372036854775808." ID); /* INT64_MAX + 1 */
    expect_bad("99999999999999999999." ID);
    expect_bad("123." ID "0");
    expect_bad("123." ID "\n");
    expect_bad("123." ID " ");
    expect_bad("123.0B6F1C2E-8F7A-4C3E-9D21-5A4B3C2D1E0F"); /* not the form written */
    expect_bad("123.0b6f1c2e8f7a4c3e9d215a4b3c2d1e0f");
    expect_bad("123.0b6f1c2e-8f7a-4c3e-9d21-5a4b3c2d1e0");
    expect_bad("123.zb6f1c2e-8f7a-4c3e-9d21-5a4b3c2d1e0f");
    expect_bad("123.'; drop table clues; --");
    expect_bad("MTIzNDU2." ID);
}

static void test_accepts_limits(void **state)
{
    (void)state;
    cg_cursor c;
    cg_err err;
    cg_err_clear(&err);
    assert_int_equal(cg_cursor_decode("0." ID, &c, &err), CG_OK);
    assert_true(c.key_us == 0);
    assert_int_equal(cg_cursor_decode("9223372036854775807." ID, &c, &err), CG_OK);
    assert_true(c.key_us == INT64_MAX);
}

static void test_page_defaults(void **state)
{
    (void)state;
    int size = -1;
    bool has_cursor = true;
    cg_cursor c;
    cg_err err;
    cg_err_clear(&err);

    assert_int_equal(cg_page_parse(NULL, CG_SORT_DATE, &size, &c, &has_cursor, &err), CG_OK);
    assert_int_equal(size, CG_PAGE_SIZE_DEFAULT);
    assert_false(has_cursor);

    Cleangrid__V1__PageRequest page = CLEANGRID__V1__PAGE_REQUEST__INIT;
    has_cursor = true;
    assert_int_equal(cg_page_parse(&page, CG_SORT_DATE, &size, &c, &has_cursor, &err), CG_OK);
    assert_int_equal(size, 20);
    assert_false(has_cursor);
}

static void test_page_sizes(void **state)
{
    (void)state;
    Cleangrid__V1__PageRequest page = CLEANGRID__V1__PAGE_REQUEST__INIT;
    int size;
    bool has_cursor;
    cg_cursor c;
    cg_err err;

    static const int32_t good[] = {1, 2, 50, 100};
    for (size_t i = 0; i < sizeof good / sizeof good[0]; i++) {
        cg_err_clear(&err);
        page.page_size = good[i];
        assert_int_equal(cg_page_parse(&page, CG_SORT_DATE, &size, &c, &has_cursor, &err), CG_OK);
        assert_int_equal(size, good[i]);
    }
    static const int32_t bad[] = {-1, 101, 1000, INT32_MIN, INT32_MAX};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        cg_err_clear(&err);
        page.page_size = bad[i];
        assert_int_equal(cg_page_parse(&page, CG_SORT_DATE, &size, &c, &has_cursor, &err),
                         CG_INVALID_ARGUMENT);
        assert_int_equal(err.nviolations, 1);
        assert_string_equal(err.violations[0].field, "limit");
    }
}

static void test_page_cursor(void **state)
{
    (void)state;
    Cleangrid__V1__PageRequest page = CLEANGRID__V1__PAGE_REQUEST__INIT;
    int size;
    bool has_cursor = false;
    cg_cursor c;
    cg_err err;
    cg_err_clear(&err);

    page.page_size = 5;
    page.cursor = "42." ID;
    assert_int_equal(cg_page_parse(&page, CG_SORT_DATE, &size, &c, &has_cursor, &err), CG_OK);
    assert_true(has_cursor);
    assert_int_equal(size, 5);
    assert_true(c.key_us == 42);
    assert_string_equal(c.id, ID);

    /* A cursor of the other order does not continue this one. */
    page.cursor = "d42." ID;
    cg_err_clear(&err);
    assert_int_equal(cg_page_parse(&page, CG_SORT_DATE, &size, &c, &has_cursor, &err),
                     CG_INVALID_ARGUMENT);
    cg_err_clear(&err);
    assert_int_equal(cg_page_parse(&page, CG_SORT_DEADLINE, &size, &c, &has_cursor, &err), CG_OK);
    assert_true(c.sort == CG_SORT_DEADLINE && c.key_us == 42);
    page.cursor = "42." ID;
    cg_err_clear(&err);
    assert_int_equal(cg_page_parse(&page, CG_SORT_DEADLINE, &size, &c, &has_cursor, &err),
                     CG_INVALID_ARGUMENT);

    page.cursor = "not-a-cursor";
    cg_err_clear(&err);
    assert_int_equal(cg_page_parse(&page, CG_SORT_DATE, &size, &c, &has_cursor, &err),
                     CG_INVALID_ARGUMENT);
    assert_string_equal(err.message, "cursor is not valid");
}

CG_TEST_MAIN(cmocka_unit_test(test_round_trip), cmocka_unit_test(test_encoded_form),
             cmocka_unit_test(test_rejects), cmocka_unit_test(test_accepts_limits),
             cmocka_unit_test(test_page_defaults), cmocka_unit_test(test_page_sizes),
             cmocka_unit_test(test_page_cursor), cmocka_unit_test(test_deadline_form),
             cmocka_unit_test(test_sort_names))
