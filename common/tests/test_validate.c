/* Unit tests of the shared input checks: each passes what it should, and a
 * value it refuses gets exactly one violation on the field, in its one
 * wording. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>
#include <string.h>

#include "cg_test.h"
#include "cg/validate.h"

/* n Chinese characters (three bytes each), n at most 300; the text lives
 * until the next call. */
static const char *chinese(size_t n)
{
    static char text[3 * 300 + 1];
    text[0] = '\0';
    for (size_t i = 0; i < n && i < 300; i++) {
        strcat(text, "张");
    }
    return text;
}

/* Expect err to hold one violation, on field, worded exactly text. */
static void expect_one(const cg_err *err, const char *field, const char *text)
{
    assert_int_equal(err->code, CG_INVALID_ARGUMENT);
    assert_int_equal(err->nviolations, 1);
    assert_string_equal(err->violations[0].field, field);
    assert_string_equal(err->violations[0].description, text);
}

/* One call of cg_check_text, and its one violation (NULL: it passes). */
typedef struct {
    const char *field, *value;
    size_t min, max;
    unsigned flags;
    const char *violation;
} text_case;

/* cg_check_text passes c with no violation, or refuses it with exactly
 * c's violation. */
static void check_text(const text_case *c)
{
    cg_err err;
    cg_err_clear(&err);
    bool ok = cg_check_text(&err, c->field, c->value, c->min, c->max, c->flags);
    if (ok != (c->violation == NULL))
        fail_msg("%s %s%s%s: %s", c->field, CG_TEST_SHOW(c->value), ok ? "passed" : "refused");
    if (c->violation == NULL)
        assert_int_equal(err.nviolations, 0);
    else
        expect_one(&err, c->field, c->violation);
}

static void test_text_lengths_count_characters(void **state)
{
    (void)state;
    /* 200 Chinese characters are 600 bytes but 200 characters. */
    check_text(&(text_case){"subjects[0].name", chinese(200), 0, 200, CG_TEXT_REQUIRED, NULL});
    check_text(&(text_case){"subjects[0].name", chinese(201), 0, 200, CG_TEXT_REQUIRED,
                            "must be at most 200 characters"});
}

static const text_case texts[] = {
    {"content", "too short", 10, 5000, CG_TEXT_REQUIRED, "must be at least 10 characters"},
    {"content", "廉洁廉洁廉洁廉洁廉洁", 10, 5000, CG_TEXT_REQUIRED, NULL},
    /* Required and blank. */
    {"summary", "", 0, 10, CG_TEXT_REQUIRED, "is required"},
    {"summary", NULL, 0, 10, CG_TEXT_REQUIRED, "is required"},
    {"summary", " \t\r\n", 0, 10, CG_TEXT_REQUIRED, "must not be blank"},
    /* An optional field that is empty passes whatever its minimum. */
    {"location", "", 5, 10, 0, NULL},
    {"location", NULL, 5, 10, 0, NULL},
    /* UTF-8 only, and control characters only as line breaks and tabs of
     * a multi-line text. */
    {"name", "bad \xff", 0, 10, 0, "must be UTF-8 text"},
    {"name", "a\nb", 0, 10, 0, "must not contain control characters"},
    {"summary", "a\x1b[31mb", 0, 10, CG_TEXT_MULTILINE, "must not contain control characters"},
    {"summary", "a\x7f", 0, 10, CG_TEXT_MULTILINE, "must not contain control characters"},
    {"summary", "line 1\r\n\tline 2", 0, 20, CG_TEXT_MULTILINE, NULL},
};

static void test_texts(void **state)
{
    (void)state;
    for (size_t i = 0; i < CG_NROWS(texts); i++)
        check_text(&texts[i]);
}

static void test_int_range(void **state)
{
    (void)state;
    cg_err err;
    const int64_t good[] = {1, 45, 90};
    for (size_t i = 0; i < sizeof good / sizeof good[0]; i++) {
        cg_err_clear(&err);
        assert_true(cg_check_int(&err, "days", good[i], 1, 90));
        assert_int_equal(err.nviolations, 0);
    }
    const int64_t bad[] = {0, -1, 91, 200, INT32_MAX, INT64_MIN};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        cg_err_clear(&err);
        assert_false(cg_check_int(&err, "days", bad[i], 1, 90));
        expect_one(&err, "days", "must be a whole number from 1 to 90");
    }
}

static void test_digits(void **state)
{
    (void)state;
    cg_err err;
    cg_err_clear(&err);
    assert_true(cg_check_digits(&err, "receipt", "1234567890123456", 16));
    assert_int_equal(err.nviolations, 0);
    /* Too few, too many, letters, a sign, spaces, nothing: one wording. */
    const char *bad[] = {"123456789012345",
                         "12345678901234567",
                         "12345678abcdefgh",
                         "+234567890123456",
                         "1234 5678 9012 3456",
                         "",
                         NULL};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        cg_err_clear(&err);
        assert_false(cg_check_digits(&err, "receipt", bad[i], 16));
        expect_one(&err, "receipt", "must be exactly 16 digits");
    }
}

static void test_one_of(void **state)
{
    (void)state;
    static const char *const ways[] = {"shelve", "close", NULL};
    cg_err err;
    cg_err_clear(&err);
    assert_true(cg_check_one_of(&err, "way", "close", ways, false));
    assert_true(cg_check_one_of(&err, "way", "", ways, true));
    assert_int_equal(err.nviolations, 0);
    assert_false(cg_check_one_of(&err, "way", "Close", ways, false));
    expect_one(&err, "way", "must be one of shelve, close");
    cg_err_clear(&err);
    assert_false(cg_check_one_of(&err, "way", "", ways, false));
    expect_one(&err, "way", "must be one of shelve, close");
}

static void test_uuid_and_dates(void **state)
{
    (void)state;
    cg_err err;
    cg_err_clear(&err);
    assert_true(cg_check_uuid(&err, "id", "0b6f1c2e-8f7a-4c3e-9d21-5a4b3c2d1e0f"));
    assert_false(cg_check_uuid(&err, "id", "0b6f1c2e"));
    expect_one(&err, "id", "must be a UUID");

    cg_err_clear(&err);
    assert_true(cg_check_date_range(&err, "filed_from", 0, "filed_to", 0));
    assert_true(cg_check_date_range(&err, "filed_from", 1000, "filed_to", 0));
    assert_true(cg_check_date_range(&err, "filed_from", 1000, "filed_to", 2000));
    assert_int_equal(err.nviolations, 0);
    assert_false(cg_check_date_range(&err, "filed_from", 2000, "filed_to", 2000));
    expect_one(&err, "filed_to", "must be after filed_from");
    cg_err_clear(&err);
    assert_false(cg_check_date_range(&err, "filed_from", -1, "filed_to", 0));
    expect_one(&err, "filed_to", "must be after filed_from");
}

static void test_page_size(void **state)
{
    (void)state;
    cg_err err;
    int size = 0;
    cg_err_clear(&err);
    assert_true(cg_check_page_size(&err, 0, &size));
    assert_int_equal(size, CG_PAGE_SIZE_DEFAULT);
    assert_true(cg_check_page_size(&err, CG_PAGE_SIZE_MAX, &size));
    assert_int_equal(size, CG_PAGE_SIZE_MAX);
    assert_true(cg_check_page_size(&err, 1, &size));
    assert_int_equal(size, 1);
    assert_int_equal(err.nviolations, 0);
    const int64_t bad[] = {-1, CG_PAGE_SIZE_MAX + 1, INT32_MAX};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        cg_err_clear(&err);
        assert_false(cg_check_page_size(&err, bad[i], &size));
        assert_int_equal(size, CG_PAGE_SIZE_DEFAULT);
        expect_one(&err, "limit", "must be a whole number from 1 to 100");
    }
}

CG_TEST_MAIN(cmocka_unit_test(test_text_lengths_count_characters), cmocka_unit_test(test_texts),
             cmocka_unit_test(test_int_range), cmocka_unit_test(test_digits),
             cmocka_unit_test(test_one_of), cmocka_unit_test(test_uuid_and_dates),
             cmocka_unit_test(test_page_size))
