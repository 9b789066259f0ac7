/* Unit tests of the SubmitReport request checks. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cg_test.h"
#include "validate.h"

/* A valid anonymous report to start each case from. */
static Cleangrid__V1__SubmitReportRequest anonymous_report(void)
{
    Cleangrid__V1__SubmitReportRequest r = CLEANGRID__V1__SUBMIT_REPORT_REQUEST__INIT;
    r.category = "procurement";
    r.content = "The tender was awarded to a relative's company.";
    r.anonymous = true;
    r.org_path = "hq.east";
    return r;
}

static Cleangrid__V1__SubmitReportRequest named_report(void)
{
    Cleangrid__V1__SubmitReportRequest r = anonymous_report();
    r.anonymous = false;
    r.reporter_name = "张三";
    r.reporter_phone = "+86 138-0000-0000";
    return r;
}

/* A string of n copies of unit (a UTF-8 sequence); the caller frees it. */
static char *repeat(const char *unit, size_t n)
{
    size_t u = strlen(unit);
    char *s = malloc(u * n + 1);
    assert_non_null(s);
    for (size_t i = 0; i < n; i++) {
        memcpy(s + i * u, unit, u);
    }
    s[u * n] = '\0';
    return s;
}

/* True if err holds a violation for field. */
static bool has_violation(const cg_err *err, const char *field)
{
    return cg_test_has_violation(err, field, "");
}

static void expect_ok(const Cleangrid__V1__SubmitReportRequest *r)
{
    cg_err err;
    if (intake_report_validate(r, &err) != CG_OK) {
        fail_msg("expected OK, got %zu violations (first: %s %s)", err.nviolations,
                 err.violations[0].field, err.violations[0].description);
    }
}

static void test_valid_reports(void **state)
{
    (void)state;
    Cleangrid__V1__SubmitReportRequest r = anonymous_report();
    expect_ok(&r);
    r = named_report();
    expect_ok(&r);
    r.reporter_phone = ""; /* the phone is optional */
    expect_ok(&r);
    r.location = "东区变电站";
    r.accused_person = "李四";
    r.accused_unit = "物资部";
    r.org_path = "hq";
    expect_ok(&r);
}

/* r passes (ok), or has exactly one violation, on field; a failure says
 * what was set, shown. */
static void check_report(const Cleangrid__V1__SubmitReportRequest *r, const char *field, bool ok,
                         const char *shown)
{
    cg_err err;
    cg_code code = intake_report_validate(r, &err);
    bool only_on_field = code == CG_INVALID_ARGUMENT && err.code == CG_INVALID_ARGUMENT &&
                         err.nviolations == 1 && has_violation(&err, field);
    if (ok ? code != CG_OK : !only_on_field)
        fail_msg("%s %s: code %d, %zu violations (first: %s), want %s", field, shown, code,
                 err.nviolations, err.nviolations > 0 ? err.violations[0].field : "-",
                 ok ? "OK" : "one on it");
}

/* r with its string field at offset set to each value in turn: each one
 * passes (ok), or each one is the only violation, on field. */
static void check_values(Cleangrid__V1__SubmitReportRequest r, size_t offset, const char *field,
                         const char *const *values, size_t n, bool ok)
{
    char **value = (char **)((char *)&r + offset);
    for (size_t i = 0; i < n; i++) {
        *value = (char *)values[i];
        check_report(&r, field, ok, values[i] != NULL ? values[i] : "NULL");
    }
}

/* Each of the values, set as the member field of report r, is the one
 * violation, on field. */
#define CHECK_BAD(r, field, values)                                                                \
    check_values(r, offsetof(Cleangrid__V1__SubmitReportRequest, field), #field, values,           \
                 CG_NROWS(values), false)

static void test_blank_category(void **state)
{
    (void)state;
    static const char *const blank[] = {"", "   ", NULL};
    CHECK_BAD(anonymous_report(), category, blank);
}

/* The member of the request named name, for the table below. */
#define FIELD(name) offsetof(Cleangrid__V1__SubmitReportRequest, name), #name

/* The bounds of the free texts. Limits count characters, not bytes: 64
 * Chinese characters are 192 bytes and still fit a category. */
static const struct {
    Cleangrid__V1__SubmitReportRequest (*report)(void);
    size_t offset;
    const char *field;
    const char *unit; /* the field is n copies of it */
    size_t n;
    bool ok;
} lengths[] = {
    {anonymous_report, FIELD(category), "采", 64, true},
    {anonymous_report, FIELD(category), "a", 65, false},
    {anonymous_report, FIELD(content), "x", 9, false},
    {anonymous_report, FIELD(content), "举", 10, true},
    {anonymous_report, FIELD(content), "举", 5000, true},
    {anonymous_report, FIELD(content), "x", 5001, false},
    {anonymous_report, FIELD(location), "地", 201, false},
    {anonymous_report, FIELD(accused_unit), "地", 201, false},
    {anonymous_report, FIELD(accused_person), "人", 101, false},
    {named_report, FIELD(reporter_name), "人", 100, true},
    {named_report, FIELD(reporter_name), "人", 101, false},
};

static void test_lengths(void **state)
{
    (void)state;
    for (size_t i = 0; i < CG_NROWS(lengths); i++) {
        char *s = repeat(lengths[i].unit, lengths[i].n);
        Cleangrid__V1__SubmitReportRequest r = lengths[i].report();
        *(char **)((char *)&r + lengths[i].offset) = s;
        char shown[64];
        snprintf(shown, sizeof shown, "of %zu times %s", lengths[i].n, lengths[i].unit);
        check_report(&r, lengths[i].field, lengths[i].ok, shown);
        free(s);
    }
    /* All the optional texts at their longest at once. */
    Cleangrid__V1__SubmitReportRequest r = anonymous_report();
    char *s200 = repeat("地", 200), *s100 = repeat("人", 100);
    r.location = s200;
    r.accused_unit = s200;
    r.accused_person = s100;
    expect_ok(&r);
    free(s200);
    free(s100);
}

/* An anonymous report names no one; a named one has a name. */
static void test_identity(void **state)
{
    (void)state;
    static const char *const name[] = {"张三"}, *const phone[] = {"13800000000"};
    static const char *const blank[] = {"", " "};
    CHECK_BAD(anonymous_report(), reporter_name, name);
    CHECK_BAD(anonymous_report(), reporter_phone, phone);
    CHECK_BAD(named_report(), reporter_name, blank);
}

/* The fields with a pattern: the values that pass, and those refused, each
 * as the one violation (each list ends at its first NULL). */
static const struct {
    Cleangrid__V1__SubmitReportRequest (*report)(void);
    size_t offset;
    const char *field;
    const char *good[8], *bad[10];
} patterns[] = {
    {named_report,
     FIELD(reporter_phone),
     {"12345", "13800000000", "+86 138 0000 0000", "010-12345678", "12345678901234567890"},
     {"1234", "123456789012345678901", "138-0000-000x", "(010) 1234567", "１３８００００００００",
      "1234\t5678"}},
    {anonymous_report,
     FIELD(org_path),
     {"hq", "hq.east", "hq.east.city_1", "HQ.East2"},
     {"", ".hq", "hq.", "hq..east", "hq.east-1", "hq east", "hq.东", "hq;drop"}},
    /* The QR code's channel, a name of a short pattern or nothing. */
    {anonymous_report,
     FIELD(channel),
     {"", "qr-e2e", "poster_7", "0", "abcdefghijklmnopqrstuvwxyz012345"},
     {"-qr", "_qr", "QR", "qr code", "qr.1", "渠道", "qr;--", "abcdefghijklmnopqrstuvwxyz0123456"}},
};

/* The number of values of a list that ends at its first NULL. */
static size_t count(const char *const *values)
{
    size_t n = 0;
    while (values[n] != NULL)
        n++;
    return n;
}

static void test_patterns(void **state)
{
    (void)state;
    for (size_t i = 0; i < CG_NROWS(patterns); i++) {
        check_values(patterns[i].report(), patterns[i].offset, patterns[i].field, patterns[i].good,
                     count(patterns[i].good), true);
        check_values(patterns[i].report(), patterns[i].offset, patterns[i].field, patterns[i].bad,
                     count(patterns[i].bad), false);
    }
}

static void test_invalid_utf8(void **state)
{
    (void)state;
    static const char *const content[] = {"0123456789\xff\xfe"}, *const location[] = {"\xc3"};
    CHECK_BAD(anonymous_report(), content, content);
    CHECK_BAD(anonymous_report(), location, location);
}

/* Every problem is reported at once, not only the first. */
static void test_all_violations_reported(void **state)
{
    (void)state;
    Cleangrid__V1__SubmitReportRequest r = CLEANGRID__V1__SUBMIT_REPORT_REQUEST__INIT;
    r.anonymous = true;
    r.reporter_name = "张三";
    cg_err err;
    assert_int_equal(intake_report_validate(&r, &err), CG_INVALID_ARGUMENT);
    assert_true(has_violation(&err, "category"));
    assert_true(has_violation(&err, "content"));
    assert_true(has_violation(&err, "reporter_name"));
    assert_true(has_violation(&err, "org_path"));
    assert_int_equal(err.nviolations, 4);
}

CG_TEST_MAIN(cmocka_unit_test(test_valid_reports), cmocka_unit_test(test_blank_category),
             cmocka_unit_test(test_lengths), cmocka_unit_test(test_identity),
             cmocka_unit_test(test_patterns), cmocka_unit_test(test_invalid_utf8),
             cmocka_unit_test(test_all_violations_reported))
