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
    for (size_t i = 0; i < err->nviolations && i < CG_ERR_MAX_VIOLATIONS; i++) {
        if (strcmp(err->violations[i].field, field) == 0) {
            return true;
        }
    }
    return false;
}

/* Validate r and expect exactly one violation, on field. */
static void expect_only(const Cleangrid__V1__SubmitReportRequest *r, const char *field)
{
    cg_err err;
    assert_int_equal(intake_report_validate(r, &err), CG_INVALID_ARGUMENT);
    assert_int_equal(err.code, CG_INVALID_ARGUMENT);
    if (err.nviolations != 1 || !has_violation(&err, field)) {
        fail_msg("expected one violation on %s, got %zu (first: %s)", field, err.nviolations,
                 err.nviolations > 0 ? err.violations[0].field : "-");
    }
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

static void test_category(void **state)
{
    (void)state;
    Cleangrid__V1__SubmitReportRequest r = anonymous_report();
    r.category = "";
    expect_only(&r, "category");
    r.category = "   ";
    expect_only(&r, "category");
    r.category = NULL;
    expect_only(&r, "category");

    /* Limits count characters, not bytes: 64 Chinese characters are 192
     * bytes and still fit. */
    char *s = repeat("采", 64);
    r.category = s;
    expect_ok(&r);
    free(s);
    s = repeat("a", 65);
    r.category = s;
    expect_only(&r, "category");
    free(s);
}

static void test_content_bounds(void **state)
{
    (void)state;
    Cleangrid__V1__SubmitReportRequest r = anonymous_report();
    char *s = repeat("x", 9);
    r.content = s;
    expect_only(&r, "content");
    free(s);

    s = repeat("举", 10);
    r.content = s;
    expect_ok(&r);
    free(s);

    s = repeat("举", 5000);
    r.content = s;
    expect_ok(&r);
    free(s);

    s = repeat("x", 5001);
    r.content = s;
    expect_only(&r, "content");
    free(s);
}

static void test_optional_lengths(void **state)
{
    (void)state;
    Cleangrid__V1__SubmitReportRequest r = anonymous_report();
    char *s200 = repeat("地", 200), *s201 = repeat("地", 201);
    char *s100 = repeat("人", 100), *s101 = repeat("人", 101);

    r.location = s200;
    r.accused_unit = s200;
    r.accused_person = s100;
    expect_ok(&r);

    r = anonymous_report();
    r.location = s201;
    expect_only(&r, "location");
    r = anonymous_report();
    r.accused_unit = s201;
    expect_only(&r, "accused_unit");
    r = anonymous_report();
    r.accused_person = s101;
    expect_only(&r, "accused_person");

    r = named_report();
    r.reporter_name = s100;
    expect_ok(&r);
    r.reporter_name = s101;
    expect_only(&r, "reporter_name");

    free(s200);
    free(s201);
    free(s100);
    free(s101);
}

static void test_anonymous_forbids_identity(void **state)
{
    (void)state;
    Cleangrid__V1__SubmitReportRequest r = anonymous_report();
    r.reporter_name = "张三";
    expect_only(&r, "reporter_name");
    r = anonymous_report();
    r.reporter_phone = "13800000000";
    expect_only(&r, "reporter_phone");
}

static void test_named_requires_name(void **state)
{
    (void)state;
    Cleangrid__V1__SubmitReportRequest r = named_report();
    r.reporter_name = "";
    expect_only(&r, "reporter_name");
    r.reporter_name = " ";
    expect_only(&r, "reporter_name");
}

static void test_phone(void **state)
{
    (void)state;
    static const char *const good[] = {"12345", "13800000000", "+86 138 0000 0000", "010-12345678",
                                       "12345678901234567890"};
    static const char *const bad[] = {"1234",          "123456789012345678901",  "138-0000-000x",
                                      "(010) 1234567", "１３８００００００００", "1234\t5678"};
    Cleangrid__V1__SubmitReportRequest r = named_report();
    for (size_t i = 0; i < sizeof good / sizeof good[0]; i++) {
        r.reporter_phone = (char *)good[i];
        expect_ok(&r);
    }
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        r.reporter_phone = (char *)bad[i];
        expect_only(&r, "reporter_phone");
    }
}

static void test_org_path(void **state)
{
    (void)state;
    static const char *const good[] = {"hq", "hq.east", "hq.east.city_1", "HQ.East2"};
    static const char *const bad[] = {"",          ".hq",     "hq.",   "hq..east",
                                      "hq.east-1", "hq east", "hq.东", "hq;drop"};
    Cleangrid__V1__SubmitReportRequest r = anonymous_report();
    for (size_t i = 0; i < sizeof good / sizeof good[0]; i++) {
        r.org_path = (char *)good[i];
        expect_ok(&r);
    }
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        r.org_path = (char *)bad[i];
        expect_only(&r, "org_path");
    }
}

/* The QR code's channel, a name of a short pattern or nothing. */
static void test_channel(void **state)
{
    (void)state;
    static const char *const good[] = {"", "qr-e2e", "poster_7", "0",
                                       "abcdefghijklmnopqrstuvwxyz012345"};
    static const char *const bad[] = {"-qr",  "_qr",  "QR",    "qr code",
                                      "qr.1", "渠道", "qr;--", "abcdefghijklmnopqrstuvwxyz0123456"};
    Cleangrid__V1__SubmitReportRequest r = anonymous_report();
    for (size_t i = 0; i < sizeof good / sizeof good[0]; i++) {
        r.channel = (char *)good[i];
        expect_ok(&r);
    }
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        r.channel = (char *)bad[i];
        expect_only(&r, "channel");
    }
}

static void test_invalid_utf8(void **state)
{
    (void)state;
    Cleangrid__V1__SubmitReportRequest r = anonymous_report();
    r.content = "0123456789\xff\xfe";
    expect_only(&r, "content");
    r = anonymous_report();
    r.location = "\xc3";
    expect_only(&r, "location");
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

CG_TEST_MAIN(cmocka_unit_test(test_valid_reports), cmocka_unit_test(test_category),
             cmocka_unit_test(test_content_bounds), cmocka_unit_test(test_optional_lengths),
             cmocka_unit_test(test_anonymous_forbids_identity),
             cmocka_unit_test(test_named_requires_name), cmocka_unit_test(test_phone),
             cmocka_unit_test(test_org_path), cmocka_unit_test(test_channel),
             cmocka_unit_test(test_invalid_utf8), cmocka_unit_test(test_all_violations_reported))
