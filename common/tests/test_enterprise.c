/* Unit tests of the CloudEvents attributes' rules (cg/enterprise.h). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "cg/enterprise.h"
#include "cg_test.h"

static bool id_ok(const char *s)
{
    return cg_cloud_event_text_ok(s, CG_CE_ID_MAX);
}

static void test_text(void **state)
{
    (void)state;
    static const char *const good[] = {
        "erp-7f3a-000001",
        "urn:uuid:4f1c0d2e-aaaa-4bbb-8ccc-123456789abc",
        "https://erp.example/awards/42",
        /* 128 characters of three bytes each: characters are counted. */
        "采购中标采购中标采购中标采购中标采购中标采购中标采购中标采购中标采购中标采购中标"
        "采购中标采购中标采购中标采购中标采购中标采购中标采购中标采购中标采购中标采购中标"
        "采购中标采购中标采购中标采购中标采购中标采购中标采购中标采购中标采购中标采购中标"
        "采购中标采购中标",
    };
    static const char *const bad[] = {
        NULL,
        "",
        "tab\there",
        "\xff\xfe",
        /* An empty value read by nats.c as the line after it. */
        "Nats-Msg-Id: erp-1",
        "Nats-Msg-Id:",
        "x-case:\tE3",
        /* 129 characters. */
        "采购中标采购中标采购中标采购中标采购中标采购中标采购中标采购中标采购中标采购中标"
        "采购中标采购中标采购中标采购中标采购中标采购中标采购中标采购中标采购中标采购中标"
        "采购中标采购中标采购中标采购中标采购中标采购中标采购中标采购中标采购中标采购中标"
        "采购中标采购中标采",
    };
    CG_CHECK_EACH(id_ok, good, true);
    CG_CHECK_EACH(id_ok, bad, false);
}

static void test_time(void **state)
{
    (void)state;
    int64_t now = 1796601600000LL; /* 2026-12-07T00:00:00Z */
    assert_true(cg_cloud_event_time_ok(now, now));
    assert_true(cg_cloud_event_time_ok(CG_CE_TIME_EARLIEST_MS, now));
    assert_true(cg_cloud_event_time_ok(now + CG_CE_TIME_AHEAD_MS, now));
    assert_false(cg_cloud_event_time_ok(now + CG_CE_TIME_AHEAD_MS + 1, now));
    assert_false(cg_cloud_event_time_ok(CG_CE_TIME_EARLIEST_MS - 1, now));
    assert_false(cg_cloud_event_time_ok(0, now));
    assert_false(cg_cloud_event_time_ok(253370764800000LL, now)); /* 9999-01-01 */
}

CG_TEST_MAIN(cmocka_unit_test(test_text), cmocka_unit_test(test_time))
