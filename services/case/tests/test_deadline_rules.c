/* Unit tests of the deadline (期限) rules: which stage has which deadline,
 * counted from which moment, and the level at a given time. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "deadline_rules.h"

static const case_deadline_rules RULES = {
    .disposal_days = 30, .preliminary_days = 90, .talk_inquiry_days = 20, .soon_days = 7};

/* A fixed receipt time: 2026-01-01T00:00:00Z. */
#define T0 1767225600000LL

static void test_levels(void **state)
{
    (void)state;
    int64_t due = T0 + 30 * CASE_DAY_MS;
    assert_string_equal(case_deadline_level(&RULES, due, T0), CASE_LEVEL_ON_TIME);
    assert_string_equal(case_deadline_level(&RULES, due, due - 7 * CASE_DAY_MS - 1),
                        CASE_LEVEL_ON_TIME);
    assert_string_equal(case_deadline_level(&RULES, due, due - 7 * CASE_DAY_MS),
                        CASE_LEVEL_DUE_SOON);
    assert_string_equal(case_deadline_level(&RULES, due, due - 1), CASE_LEVEL_DUE_SOON);
    assert_string_equal(case_deadline_level(&RULES, due, due), CASE_LEVEL_OVERDUE);
    assert_string_equal(case_deadline_level(&RULES, due, due + 365 * CASE_DAY_MS),
                        CASE_LEVEL_OVERDUE);
}

static void test_registered_counts_from_receipt(void **state)
{
    (void)state;
    case_deadline d;
    case_deadline_basis b = {.status = "registered", .received_at_ms = T0};
    assert_true(case_deadline_of_clue(&RULES, &b, T0 + 24 * CASE_DAY_MS, &d));
    assert_string_equal(d.stage, CASE_DEADLINE_DISPOSAL);
    assert_int_equal(d.due_at_ms, T0 + 30 * CASE_DAY_MS);
    assert_string_equal(d.level, CASE_LEVEL_DUE_SOON);
    assert_true(case_deadline_of_clue(&RULES, &b, T0 + 31 * CASE_DAY_MS, &d));
    assert_string_equal(d.level, CASE_LEVEL_OVERDUE);
}

static void test_approved_ways_count_from_approval(void **state)
{
    (void)state;
    case_deadline d;
    int64_t approved = T0 + 10 * CASE_DAY_MS;
    case_deadline_basis b = {.status = "preliminary_verification",
                             .received_at_ms = T0,
                             .approved_way = "preliminary_verification",
                             .approved_at_ms = approved};
    assert_true(case_deadline_of_clue(&RULES, &b, approved, &d));
    assert_string_equal(d.stage, CASE_DEADLINE_PRELIMINARY);
    assert_int_equal(d.due_at_ms, approved + 90 * CASE_DAY_MS);
    assert_string_equal(d.level, CASE_LEVEL_ON_TIME);

    b.status = "talk_inquiry";
    b.approved_way = "talk_inquiry";
    assert_true(case_deadline_of_clue(&RULES, &b, approved, &d));
    assert_string_equal(d.stage, CASE_DEADLINE_TALK_INQUIRY);
    assert_int_equal(d.due_at_ms, approved + 20 * CASE_DAY_MS);

    /* The stage without the approval that put it there has no start. */
    b.approved_way = "";
    assert_false(case_deadline_of_clue(&RULES, &b, approved, &d));
}

static void test_pending_proposal_keeps_its_stage(void **state)
{
    (void)state;
    case_deadline d;
    int64_t approved = T0 + 10 * CASE_DAY_MS;
    case_deadline_basis b = {.status = "disposal_proposed",
                             .received_at_ms = T0,
                             .pending_from = "registered",
                             .approved_way = "",
                             .approved_at_ms = 0};
    assert_true(case_deadline_of_clue(&RULES, &b, T0, &d));
    assert_string_equal(d.stage, CASE_DEADLINE_DISPOSAL);

    b.pending_from = "preliminary_verification";
    b.approved_way = "preliminary_verification";
    b.approved_at_ms = approved;
    assert_true(case_deadline_of_clue(&RULES, &b, T0, &d));
    assert_string_equal(d.stage, CASE_DEADLINE_PRELIMINARY);
    assert_int_equal(d.due_at_ms, approved + 90 * CASE_DAY_MS);
}

static void test_closed_stages_have_none(void **state)
{
    (void)state;
    static const char *const stages[] = {"shelved", "closed", "filing_proposed", "filed", "merged"};
    case_deadline d;
    for (size_t i = 0; i < sizeof stages / sizeof stages[0]; i++) {
        case_deadline_basis b = {.status = stages[i],
                                 .received_at_ms = T0,
                                 .approved_way = "close",
                                 .approved_at_ms = T0};
        assert_false(case_deadline_of_clue(&RULES, &b, T0, &d));
    }
}

/* A clue received just after the bound is on time in every stage, even
 * one approved the moment it arrived; one received at the bound can be due
 * soon. */
static void test_receipt_bound(void **state)
{
    (void)state;
    int64_t now = T0 + 100 * CASE_DAY_MS;
    int64_t bound = case_deadline_receipt_bound(&RULES, now);
    assert_int_equal(bound, now - (20 - 7) * CASE_DAY_MS);
    static const char *const ways[] = {"talk_inquiry", "preliminary_verification"};
    case_deadline d;
    for (size_t i = 0; i < sizeof ways / sizeof ways[0]; i++) {
        case_deadline_basis b = {.status = ways[i],
                                 .received_at_ms = bound + 1,
                                 .approved_way = ways[i],
                                 .approved_at_ms = bound + 1};
        assert_true(case_deadline_of_clue(&RULES, &b, now, &d));
        assert_string_equal(d.level, CASE_LEVEL_ON_TIME);
    }
    case_deadline_basis b = {.status = "talk_inquiry",
                             .received_at_ms = bound,
                             .approved_way = "talk_inquiry",
                             .approved_at_ms = bound};
    assert_true(case_deadline_of_clue(&RULES, &b, now, &d));
    assert_string_equal(d.level, CASE_LEVEL_DUE_SOON);
}

static void test_basis_from_json(void **state)
{
    (void)state;
    case_deadline d;
    int64_t approved = T0 + CASE_DAY_MS;
    char json[160];
    snprintf(json, sizeof json,
             "{\"pending_from\": \"\", \"approved_way\": \"talk_inquiry\","
             " \"approved_at_ms\": %lld}",
             (long long)approved);
    assert_true(case_deadline_of_clue_json(&RULES, "talk_inquiry", T0, json, T0, &d));
    assert_int_equal(d.due_at_ms, approved + 20 * CASE_DAY_MS);
    assert_true(case_deadline_of_clue_json(&RULES, "registered", T0, "", T0, &d));
    assert_int_equal(d.due_at_ms, T0 + 30 * CASE_DAY_MS);
    assert_false(case_deadline_of_clue_json(&RULES, "registered", T0, "{not json", T0, &d));
    assert_false(case_deadline_of_clue_json(&RULES, "registered", 0, NULL, T0, &d));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_levels),
        cmocka_unit_test(test_registered_counts_from_receipt),
        cmocka_unit_test(test_approved_ways_count_from_approval),
        cmocka_unit_test(test_pending_proposal_keeps_its_stage),
        cmocka_unit_test(test_closed_stages_have_none),
        cmocka_unit_test(test_receipt_bound),
        cmocka_unit_test(test_basis_from_json),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
