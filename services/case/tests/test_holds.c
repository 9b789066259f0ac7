/* Unit tests of the names a clue holds back: which of its subjects' names
 * wait for an officer, as keys an account's display name is matched
 * against. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "cg_test.h"
#include "holds.h"

static char (*keys)[CG_NAME_KEY_SIZE];

static int setup(void **state)
{
    (void)state;
    keys = malloc(CASE_HOLDS_MAX * sizeof *keys);
    return keys == NULL;
}

static int teardown(void **state)
{
    (void)state;
    free(keys);
    return 0;
}

/* A public report's accused person, named by name only, is held back. */
static void test_report_name(void **state)
{
    (void)state;
    assert_int_equal(case_hold_keys("[{\"name\":\"Sec Subj Two\",\"person_id\":\"\","
                                    "\"position\":\"\",\"org_unit\":\"\"}]",
                                    keys, CASE_HOLDS_MAX),
                     1);
    assert_string_equal(keys[0], "secsubjtwo");
}

/* A subject with a person id is the subject rule's (in any spelling of
 * the id); the others are held, each person once. */
static void test_subjects(void **state)
{
    (void)state;
    const char *subjects = "[{\"name\":\"王五\",\"person_id\":\"hr-1\"},"
                           "{\"name\":\"赵六、王 五\",\"person_id\":\"\"},"
                           "{\"name\":\"孙七\",\"person_id\":\"  \"},"
                           "{\"name\":\"周八\"}]";
    assert_int_equal(case_hold_keys(subjects, keys, CASE_HOLDS_MAX), 4);
    assert_string_equal(keys[0], "赵六");
    assert_string_equal(keys[1], "王五");
    assert_string_equal(keys[2], "孙七");
    assert_string_equal(keys[3], "周八");

    /* The same name in two subjects is one hold. */
    assert_int_equal(case_hold_keys("[{\"name\":\"Li Si\"},{\"name\":\"LI SI\"}]", keys, 8), 1);
    /* At most max. */
    assert_int_equal(case_hold_keys("[{\"name\":\"a,b,c\"},{\"name\":\"d\"}]", keys, 2), 2);
}

/* Nothing to hold: no subjects, or text that is not a subjects array. */
static void test_nothing(void **state)
{
    (void)state;
    assert_int_equal(case_hold_keys("[]", keys, CASE_HOLDS_MAX), 0);
    assert_int_equal(case_hold_keys("", keys, CASE_HOLDS_MAX), 0);
    assert_int_equal(case_hold_keys(NULL, keys, CASE_HOLDS_MAX), 0);
    assert_int_equal(case_hold_keys("{\"name\":\"x\"}", keys, CASE_HOLDS_MAX), 0);
    assert_int_equal(case_hold_keys("[{\"name\":\"  \"}]", keys, CASE_HOLDS_MAX), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_report_name),
        cmocka_unit_test(test_subjects),
        cmocka_unit_test(test_nothing),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
