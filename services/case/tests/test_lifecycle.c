/* Unit tests of the clue lifecycle: the transition table, the 409 reasons,
 * the fields each disposal way needs, and that docs/case-lifecycle.md draws
 * exactly the table. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cg_test.h"
#include "lifecycle.h"

static const case_transition *step_ok(const char *stage, const char *action, const char *way)
{
    const case_transition *t = NULL;
    cg_err err;
    cg_err_clear(&err);
    assert_int_equal(case_lifecycle_step(stage, action, way, true, &t, &err), CG_OK);
    assert_non_null(t);
    return t;
}

static void test_each_way_approved(void **state)
{
    (void)state;
    static const char *const pairs[][2] = {
        {"talk_inquiry", CASE_STAGE_TALK_INQUIRY},
        {"preliminary_verification", CASE_STAGE_PRELIMINARY},
        {"shelve", CASE_STAGE_SHELVED},
        {"close", CASE_STAGE_CLOSED},
        {"propose_filing", CASE_STAGE_FILING_PROPOSED},
    };
    for (size_t i = 0; i < sizeof pairs / sizeof pairs[0]; i++) {
        assert_string_equal(step_ok(CASE_STAGE_REGISTERED, "propose", pairs[i][0])->to,
                            CASE_STAGE_DISPOSAL_PROPOSED);
        assert_string_equal(step_ok(CASE_STAGE_DISPOSAL_PROPOSED, "approve", pairs[i][0])->to,
                            pairs[i][1]);
    }
    assert_string_equal(step_ok(CASE_STAGE_DISPOSAL_PROPOSED, "reject", "close")->to,
                        CASE_STAGE_BACK);
    assert_string_equal(step_ok(CASE_STAGE_SHELVED, "reopen", NULL)->to, CASE_STAGE_REGISTERED);
    assert_string_equal(step_ok(CASE_STAGE_FILING_PROPOSED, "file", NULL)->to, CASE_STAGE_FILED);
    assert_string_equal(step_ok(CASE_STAGE_SHELVED, "merge", NULL)->to, CASE_STAGE_MERGED);
    assert_string_equal(step_ok(CASE_STAGE_CLOSED, "recuse", NULL)->to, CASE_STAGE_SAME);
}

static void test_refused_with_stage(void **state)
{
    (void)state;
    static const char *const bad[][2] = {
        {CASE_STAGE_CLOSED, "propose"},
        {CASE_STAGE_REGISTERED, "approve"},
        {CASE_STAGE_REGISTERED, "reject"},
        {CASE_STAGE_REGISTERED, "reopen"},
        {CASE_STAGE_DISPOSAL_PROPOSED, "propose"},
        {CASE_STAGE_MERGED, "merge"},
        {CASE_STAGE_MERGED, "link"},
        {CASE_STAGE_DISPOSAL_PROPOSED, "assign"},
        {CASE_STAGE_FILING_PROPOSED, "merge"},
        {CASE_STAGE_REGISTERED, "file"},
        {CASE_STAGE_FILED, "file"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        const case_transition *t = NULL;
        cg_err err;
        cg_err_clear(&err);
        assert_int_equal(case_lifecycle_step(bad[i][0], bad[i][1], "close", true, &t, &err),
                         CG_FAILED_PRECONDITION);
        /* Which stage it is in, and what the action needs. */
        char want[96];
        snprintf(want, sizeof want, "in stage %s;", bad[i][0]);
        assert_non_null(strstr(err.message, want));
        assert_non_null(strstr(err.message, "allowed only in stage"));
    }
}

static void test_propose_needs_handler(void **state)
{
    (void)state;
    const case_transition *t = NULL;
    cg_err err;
    cg_err_clear(&err);
    assert_int_equal(
        case_lifecycle_step(CASE_STAGE_REGISTERED, "propose", "close", false, &t, &err),
        CG_FAILED_PRECONDITION);
    assert_non_null(strstr(err.message, "no handler"));
    cg_err_clear(&err);
    assert_int_equal(case_lifecycle_step(CASE_STAGE_REGISTERED, "fly", NULL, true, &t, &err),
                     CG_INVALID_ARGUMENT);
}

static void test_disposal_fields(void **state)
{
    (void)state;
    cg_err err;
    cg_err_clear(&err);
    assert_int_equal(case_disposal_check("shelve", "no evidence yet", NULL, &err), CG_OK);
    assert_int_equal(case_disposal_check("preliminary_verification", "r", "", &err), CG_OK);
    assert_int_equal(case_disposal_check("close", "r", "nothing found", &err), CG_OK);

    cg_err_clear(&err);
    assert_int_equal(case_disposal_check("close", "r", "", &err), CG_INVALID_ARGUMENT);
    assert_int_equal(err.nviolations, 1);
    assert_string_equal(err.violations[0].field, "conclusion");
    cg_err_clear(&err);
    assert_int_equal(case_disposal_check("talk_inquiry", "", NULL, &err), CG_INVALID_ARGUMENT);
    assert_int_equal(err.nviolations, 2);
    cg_err_clear(&err);
    assert_int_equal(case_disposal_check("investigate", "r", "c", &err), CG_INVALID_ARGUMENT);
    assert_string_equal(err.violations[0].field, "way");
}

static void test_vocabularies(void **state)
{
    (void)state;
    static const char *const sources[] = {"letters_visits", "own_work"};
    static const char *const not_sources[] = {"rumour"};
    CG_CHECK_EACH(case_source_valid, sources, true);
    CG_CHECK_EACH(case_source_valid, not_sources, false);
    static const char *const categories[] = {"duty_crime"}, *const not_categories[] = {"Integrity"};
    CG_CHECK_EACH(case_category_valid, categories, true);
    CG_CHECK_EACH(case_category_valid, not_categories, false);
    assert_false(case_disposal_way_valid(NULL));
}

static void test_list_filters(void **state)
{
    (void)state;
    case_list_filter f;
    cg_err err;
    cg_err_clear(&err);
    assert_int_equal(case_list_filter_check("shelved", NULL, "mass", "", "hq.east.city_a",
                                            "hq.east", 1000, 2000, "50%_a\\b", &f, &err),
                     CG_OK);
    assert_string_equal(f.status, "shelved");
    assert_string_equal(f.source, "");
    assert_string_equal(f.pattern, "%50\\%\\_a\\\\b%");
    cg_err_clear(&err);
    assert_int_equal(case_list_filter_check(NULL, NULL, NULL, NULL, NULL, "hq", 0, 0, "", &f, &err),
                     CG_OK);
    assert_string_equal(f.pattern, "");

    cg_err_clear(&err);
    assert_int_equal(case_list_filter_check("open", "rumour", "x", "me", "hq.west", "hq.east", 2000,
                                            1000, NULL, &f, &err),
                     CG_INVALID_ARGUMENT);
    assert_int_equal(err.nviolations, 6);
}

static void test_deadlines(void **state)
{
    (void)state;
    const long long day = 24LL * 3600 * 1000, deadline = 100 * day;
    assert_string_equal(case_deadline_state(0, deadline, 7), "");
    assert_string_equal(case_deadline_state(deadline, deadline - 8 * day, 7), "on_time");
    assert_string_equal(case_deadline_state(deadline, deadline - 7 * day, 7), "due_soon");
    assert_string_equal(case_deadline_state(deadline, deadline - 1, 7), "due_soon");
    assert_string_equal(case_deadline_state(deadline, deadline, 7), "overdue");
    assert_string_equal(case_deadline_state(deadline, deadline - 1, 0), "on_time");
    assert_int_equal(case_stage_deadline_days(CASE_STAGE_PRELIMINARY), case_preliminary_days);
    assert_int_equal(case_stage_deadline_days(CASE_STAGE_REGISTERED), case_disposal_days);
    assert_int_equal(case_stage_deadline_days(CASE_STAGE_SHELVED), 0);
    assert_int_equal(case_stage_deadline_days(CASE_STAGE_CLOSED), 0);
}

/* --- a case's stages ---------------------------------------------------- */

static void test_case_stages(void **state)
{
    (void)state;
    case_case_facts all = {.investigators = 2,
                           .measures = 1,
                           .has_report = true,
                           .has_reviewer = true,
                           .items = 2,
                           .unexecuted_item = NULL};
    static const char *const path[][3] = {
        {CASE_STAGE_FILED, CASE_ACTION_INVESTIGATE, CASE_CSTAGE_INVESTIGATION},
        {CASE_CSTAGE_INVESTIGATION, CASE_ACTION_REPORT, CASE_CSTAGE_REPORTED},
        {CASE_CSTAGE_REPORTED, CASE_ACTION_REVIEW, CASE_CSTAGE_REVIEW},
        {CASE_CSTAGE_REVIEW, CASE_ACTION_DECIDE, CASE_CSTAGE_DECIDED},
        {CASE_CSTAGE_DECIDED, CASE_ACTION_CLOSE, CASE_STAGE_CLOSED},
    };
    for (size_t i = 0; i < sizeof path / sizeof path[0]; i++) {
        const case_transition *t = NULL;
        cg_err err;
        cg_err_clear(&err);
        assert_int_equal(case_case_step(path[i][0], path[i][1], &all, &t, &err), CG_OK);
        assert_string_equal(t->to, path[i][2]);
        assert_true(case_case_stage_valid(path[i][2]));
        /* The same action from the wrong stage names both stages. */
        cg_err_clear(&err);
        assert_int_equal(case_case_step(path[(i + 1) % 5][0], path[i][1], &all, &t, &err),
                         CG_FAILED_PRECONDITION);
        assert_non_null(strstr(err.message, path[(i + 1) % 5][0]));
        assert_non_null(strstr(err.message, path[i][0]));
    }
    /* A clue action is not a case action, and a case action is not a clue's. */
    const case_transition *t = NULL;
    cg_err err;
    cg_err_clear(&err);
    assert_int_equal(case_case_step(CASE_STAGE_FILED, "approve", &all, &t, &err),
                     CG_INVALID_ARGUMENT);
    cg_err_clear(&err);
    assert_int_equal(
        case_lifecycle_step(CASE_STAGE_FILED, CASE_ACTION_INVESTIGATE, NULL, true, &t, &err),
        CG_INVALID_ARGUMENT);
    assert_false(case_case_stage_valid(CASE_STAGE_REGISTERED));
}

static void test_case_missing(void **state)
{
    (void)state;
    struct {
        const char *stage, *action, *says;
        case_case_facts f;
    } cases[] = {
        {CASE_STAGE_FILED, CASE_ACTION_INVESTIGATE, "no investigator", {.measures = 1}},
        {CASE_CSTAGE_INVESTIGATION,
         CASE_ACTION_REPORT,
         "no investigation measure",
         {.has_report = true}},
        {CASE_CSTAGE_INVESTIGATION, CASE_ACTION_REPORT, "report is not written", {.measures = 3}},
        {CASE_CSTAGE_REPORTED, CASE_ACTION_REVIEW, "no reviewer", {.items = 1}},
        {CASE_CSTAGE_REVIEW, CASE_ACTION_DECIDE, "no disposition item", {.has_reviewer = true}},
        {CASE_CSTAGE_DECIDED,
         CASE_ACTION_CLOSE,
         "item illicit_gains is not executed",
         {.items = 2, .unexecuted_item = "illicit_gains"}},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        const case_transition *t = NULL;
        cg_err err;
        cg_err_clear(&err);
        assert_int_equal(case_case_step(cases[i].stage, cases[i].action, &cases[i].f, &t, &err),
                         CG_FAILED_PRECONDITION);
        assert_non_null(strstr(err.message, cases[i].says));
        assert_non_null(strstr(err.message, cases[i].stage));
    }
}

static void test_case_measures(void **state)
{
    (void)state;
    case_case_facts none = {.investigators = 1};
    const case_transition *t = NULL;
    cg_err err;
    cg_err_clear(&err);
    /* Logged in investigation only, and the stage stays. */
    assert_int_equal(
        case_case_step(CASE_CSTAGE_INVESTIGATION, CASE_ACTION_LOG_MEASURE, &none, &t, &err), CG_OK);
    assert_string_equal(t->to, CASE_STAGE_SAME);
    cg_err_clear(&err);
    assert_int_equal(case_case_step(CASE_STAGE_FILED, CASE_ACTION_LOG_MEASURE, &none, &t, &err),
                     CG_FAILED_PRECONDITION);
    assert_non_null(strstr(err.message, "allowed only in stage investigation"));

    cg_err_clear(&err);
    assert_int_equal(case_measure_check("talk", 1, "张三", "谈话", &err), CG_OK);
    cg_err_clear(&err);
    assert_int_equal(case_measure_check("visit", 0, "", NULL, &err), CG_INVALID_ARGUMENT);
    assert_int_equal(err.nviolations, 4);
}

/* --- the diagram ---------------------------------------------------------- */

/* The arrows the table means. */
static size_t table_arrows(char arrows[CG_TEST_ARROWS_MAX][CG_TEST_ARROW_LEN])
{
    size_t n = 0;
    for (size_t i = 0; i < case_ntransitions; i++) {
        const case_transition *t = &case_transitions[i];
        if (strcmp(t->to, CASE_STAGE_SAME) == 0) {
            continue;
        }
        if (strcmp(t->to, CASE_STAGE_BACK) == 0) {
            /* Back to every stage a proposal starts from. */
            for (size_t j = 0; j < case_ntransitions; j++) {
                if (strcmp(case_transitions[j].action, CASE_ACTION_PROPOSE) == 0) {
                    assert_true(n < CG_TEST_ARROWS_MAX);
                    snprintf(arrows[n++], CG_TEST_ARROW_LEN, "%s --> %s : %s", t->from,
                             case_transitions[j].from, t->action);
                }
            }
            continue;
        }
        assert_true(n < CG_TEST_ARROWS_MAX);
        snprintf(arrows[n++], CG_TEST_ARROW_LEN, "%s --> %s : %s%s%s", t->from, t->to, t->action,
                 t->way ? " " : "", t->way ? t->way : "");
    }
    return n;
}

static void test_doc_draws_the_table(void **state)
{
    (void)state;
    static char doc[CG_TEST_ARROWS_MAX][CG_TEST_ARROW_LEN],
        table[CG_TEST_ARROWS_MAX][CG_TEST_ARROW_LEN];
    size_t nd = cg_test_doc_arrows(CASE_LIFECYCLE_DOC, doc), nt = table_arrows(table);
    cg_test_same_arrows("docs/case-lifecycle.md", doc, nd, table, nt);
}

/* The actions that leave a case's stage: allowed only in their stages,
 * and refused elsewhere naming every stage they are allowed in. */
static void test_case_same_stage_actions(void **state)
{
    (void)state;
    case_case_facts none = {0};
    static const char *const ok[][2] = {
        {CASE_STAGE_FILED, CASE_ACTION_ADD_INVESTIGATOR},
        {CASE_CSTAGE_INVESTIGATION, CASE_ACTION_REMOVE_INVESTIGATOR},
        {CASE_CSTAGE_REVIEW, CASE_ACTION_ADD_ITEM},
        {CASE_CSTAGE_REVIEW, CASE_ACTION_REMOVE_ITEM},
        {CASE_CSTAGE_DECIDED, CASE_ACTION_EXECUTE_ITEM},
        {CASE_CSTAGE_INVESTIGATION, CASE_ACTION_REQUEST_EXTENSION},
        {CASE_CSTAGE_INVESTIGATION, CASE_ACTION_APPROVE_EXTENSION},
        {CASE_CSTAGE_INVESTIGATION, CASE_ACTION_REJECT_EXTENSION},
    };
    for (size_t i = 0; i < sizeof ok / sizeof ok[0]; i++) {
        const case_transition *t = NULL;
        cg_err err;
        cg_err_clear(&err);
        assert_int_equal(case_case_step(ok[i][0], ok[i][1], &none, &t, &err), CG_OK);
        assert_string_equal(t->to, CASE_STAGE_SAME);
        cg_err_clear(&err);
        assert_int_equal(case_case_step(CASE_STAGE_CLOSED, ok[i][1], &none, &t, &err),
                         CG_FAILED_PRECONDITION);
        assert_non_null(strstr(err.message, "stage closed"));
    }
    const case_transition *t = NULL;
    cg_err err;
    cg_err_clear(&err);
    /* Items are frozen by the decision; investigators end with the report. */
    assert_int_equal(case_case_step(CASE_CSTAGE_DECIDED, CASE_ACTION_ADD_ITEM, &none, &t, &err),
                     CG_FAILED_PRECONDITION);
    assert_non_null(strstr(err.message, "allowed only in stage review"));
    cg_err_clear(&err);
    assert_int_equal(
        case_case_step(CASE_CSTAGE_REPORTED, CASE_ACTION_ADD_INVESTIGATOR, &none, &t, &err),
        CG_FAILED_PRECONDITION);
    assert_non_null(strstr(err.message, "filed, investigation"));
}

/* s, or "" for a field a row leaves out. */
static const char *or_empty(const char *s)
{
    return s != NULL ? s : "";
}

/* A disposition item's fields, each kind with what it needs. */
static void test_item_check(void **state)
{
    (void)state;
    struct {
        const char *kind, *measure, *subject;
        long long amount;
        const char *text, *path;
        long long deadline;
        const char *bad; /* the field named, NULL for a good item */
    } items[] = {
        /* a field left out is "" or 0 */
        {.kind = "party_discipline", .measure = "serious_warning", .subject = "张三"},
        {.kind = "government_sanction", .measure = "major_demerit", .subject = "张三"},
        {.kind = "organizational_handling", .measure = "admonishment", .subject = "张三"},
        {.kind = "transfer_judicial", .subject = "张三"},
        {.kind = "illicit_gains", .subject = "张三", .amount = 150000},
        {.kind = "rectification",
         .text = "完善制度",
         .path = "hq.east",
         .deadline = 1767139200000LL},
        {.kind = "party_discipline", .measure = "demerit", .subject = "张三", .bad = "measure"},
        {.kind = "government_sanction",
         .measure = "probation",
         .subject = "张三",
         .bad = "measure"},
        {.kind = "organizational_handling", .subject = "张三", .bad = "measure"},
        {.kind = "transfer_judicial", .measure = "warning", .subject = "张三", .bad = "measure"},
        {.kind = "party_discipline", .measure = "warning", .bad = "subject"},
        {.kind = "illicit_gains", .subject = "张三", .bad = "amount_fen"},
        {.kind = "transfer_judicial", .subject = "张三", .amount = 5, .bad = "amount_fen"},
        {.kind = "rectification",
         .subject = "张三",
         .text = "x",
         .path = "hq",
         .deadline = 1,
         .bad = "subject"},
        {.kind = "rectification", .path = "hq", .deadline = 1, .bad = "text"},
        {.kind = "rectification", .text = "x", .deadline = 1, .bad = "unit_code"},
        {.kind = "rectification", .text = "x", .path = "hq", .bad = "deadline"},
        {.kind = "warning", .subject = "张三", .bad = "kind"},
    };
    for (size_t i = 0; i < sizeof items / sizeof items[0]; i++) {
        cg_err err;
        cg_err_clear(&err);
        cg_code rc =
            case_item_check(or_empty(items[i].kind), or_empty(items[i].measure),
                            or_empty(items[i].subject), items[i].amount, or_empty(items[i].text),
                            or_empty(items[i].path), items[i].deadline, &err);
        if (items[i].bad == NULL) {
            assert_int_equal(rc, CG_OK);
            continue;
        }
        assert_int_equal(rc, CG_INVALID_ARGUMENT);
        bool named = false;
        for (size_t v = 0; v < err.nviolations; v++) {
            named = named || strcmp(err.violations[v].field, items[i].bad) == 0;
        }
        if (!named) {
            fail_msg("item %zu: no violation on %s", i, items[i].bad);
        }
    }
    /* Case deadlines per stage. */
    assert_int_equal(case_case_deadline_days(CASE_CSTAGE_INVESTIGATION), case_investigation_days);
    assert_int_equal(case_case_deadline_days(CASE_CSTAGE_REVIEW), case_review_days);
    assert_int_equal(case_case_deadline_days(CASE_CSTAGE_DECIDED), case_execution_days);
    assert_int_equal(case_case_deadline_days(CASE_CSTAGE_REPORTED), 0);
    assert_int_equal(case_case_deadline_days(CASE_STAGE_CLOSED), 0);
}

CG_TEST_MAIN(cmocka_unit_test(test_each_way_approved), cmocka_unit_test(test_refused_with_stage),
             cmocka_unit_test(test_propose_needs_handler), cmocka_unit_test(test_disposal_fields),
             cmocka_unit_test(test_vocabularies), cmocka_unit_test(test_list_filters),
             cmocka_unit_test(test_deadlines), cmocka_unit_test(test_doc_draws_the_table),
             cmocka_unit_test(test_case_stages), cmocka_unit_test(test_case_missing),
             cmocka_unit_test(test_case_measures), cmocka_unit_test(test_case_same_stage_actions),
             cmocka_unit_test(test_item_check))
