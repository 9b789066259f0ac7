/* Unit tests of a rectification task's transition table: the steps it
 * allows, the 409 that names the stage, the roles of each action, the
 * acceptance by every party, and that docs/rectification.md draws exactly
 * the table. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "cg_test.h"
#include "lifecycle.h"

static const char *target(const char *action, const char *stage, size_t pending)
{
    const rectify_step *s = NULL;
    cg_err err;
    cg_err_clear(&err);
    if (rectify_step_find(action, stage, &s, &err) != CG_OK)
        fail_msg("%s from %s: %s", action, stage, err.message);
    return rectify_step_target(s, stage, pending);
}

static void test_the_way_to_closure(void **state)
{
    (void)state;
    static const struct {
        const char *action, *from, *to;
        size_t pending;
    } rows[] = {
        {"plan", "assigned", "in_progress", 0},
        {"plan", "in_progress", "in_progress", 0},
        {"add_evidence", "in_progress", "in_progress", 0},
        {"request_closure", "in_progress", "closure_requested", 0},
        {"verify", "closure_requested", "closure_requested", 1},
        {"verify", "closure_requested", "verified", 0},
        {"reject", "closure_requested", "in_progress", 0},
        {"close", "verified", "closed", 0},
    };
    for (size_t i = 0; i < CG_NROWS(rows); i++) {
        const char *got = target(rows[i].action, rows[i].from, rows[i].pending);
        if (strcmp(got, rows[i].to) != 0)
            fail_msg("%s from %s leads to %s, want %s", rows[i].action, rows[i].from, got,
                     rows[i].to);
    }
}

static void test_a_wrong_step_names_the_stage(void **state)
{
    (void)state;
    static const struct {
        const char *action, *stage, *says;
    } rows[] = {
        {"request_closure", "assigned",
         "the task is assigned; request_closure needs a task that "
         "is in_progress"},
        {"close", "closure_requested", "needs a task that is verified"},
        {"plan", "closed", "plan needs a task that is assigned or in_progress"},
        {"verify", "in_progress", "verify needs a task that is closure_requested"},
    };
    for (size_t i = 0; i < CG_NROWS(rows); i++) {
        const rectify_step *s = NULL;
        cg_err err;
        cg_err_clear(&err);
        assert_int_equal(rectify_step_find(rows[i].action, rows[i].stage, &s, &err),
                         CG_FAILED_PRECONDITION);
        assert_null(s);
        if (strstr(err.message, rows[i].says) == NULL)
            fail_msg("%s from %s says \"%s\", want \"%s\"", rows[i].action, rows[i].stage,
                     err.message, rows[i].says);
    }
    cg_err err;
    cg_err_clear(&err);
    const rectify_step *s = NULL;
    assert_int_equal(rectify_step_find("approve", "assigned", &s, &err), CG_INVALID_ARGUMENT);
    assert_true(cg_test_has_violation(&err, "action", "must be one of"));
}

static void test_who_takes_each_step(void **state)
{
    (void)state;
    static const struct {
        const char *action, *role;
        bool may;
    } rows[] = {
        {"plan", "unit_leader", true},
        {"plan", "inspector", false},
        {"request_closure", "unit_leader", true},
        {"verify", "unit_leader", false},
        {"verify", "inspector", true},
        {"reject", "inspection_lead", true},
        {"close", "inspector", false},
        {"close", "inspection_lead", true},
    };
    for (size_t i = 0; i < CG_NROWS(rows); i++) {
        const char *const *roles = NULL;
        const char *doing = NULL;
        cg_err err;
        cg_err_clear(&err);
        assert_int_equal(rectify_action_roles(rows[i].action, &roles, &doing, &err), CG_OK);
        bool found = false;
        for (const char *const *r = roles; *r != NULL; r++)
            found = found || strcmp(*r, rows[i].role) == 0;
        if (found != rows[i].may)
            fail_msg("%s may%s %s", rows[i].role, found ? "" : " not", rows[i].action);
    }
}

/* The arrows the table means; an acceptance draws both of its ends. */
static size_t table_arrows(char arrows[CG_TEST_ARROWS_MAX][CG_TEST_ARROW_LEN])
{
    size_t n = 0;
    for (size_t i = 0; i < rectify_nsteps; i++) {
        const rectify_step *s = &rectify_steps[i];
        const char *to = strcmp(s->to, RECTIFY_STAGE_SAME) == 0       ? s->from
                         : strcmp(s->to, RECTIFY_STAGE_ACCEPTED) == 0 ? RECTIFY_STAGE_VERIFIED
                                                                      : s->to;
        assert_true(n + 2 <= CG_TEST_ARROWS_MAX);
        snprintf(arrows[n++], CG_TEST_ARROW_LEN, "%s --> %s : %s", s->from, to, s->action);
        if (strcmp(s->to, RECTIFY_STAGE_ACCEPTED) == 0)
            snprintf(arrows[n++], CG_TEST_ARROW_LEN, "%s --> %s : %s", s->from, s->from, s->action);
    }
    return n;
}

static void test_doc_draws_the_table(void **state)
{
    (void)state;
    static char doc[CG_TEST_ARROWS_MAX][CG_TEST_ARROW_LEN],
        table[CG_TEST_ARROWS_MAX][CG_TEST_ARROW_LEN];
    size_t nd = cg_test_doc_arrows(RECTIFY_DOC, doc), nt = table_arrows(table);
    cg_test_same_arrows("docs/rectification.md", doc, nd, table, nt);
}

CG_TEST_MAIN(cmocka_unit_test(test_the_way_to_closure),
             cmocka_unit_test(test_a_wrong_step_names_the_stage),
             cmocka_unit_test(test_who_takes_each_step), cmocka_unit_test(test_doc_draws_the_table))
