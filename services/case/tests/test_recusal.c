/* Unit tests of recusal for relatives (recusal.h): which person ids the
 * integrity files can be asked about, which subjects a question carries,
 * and how a refusal reads. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "cg_test.h"
#include "recusal.h"

static bool accepted(const char *id)
{
    char canon[CG_PERSON_ID_SIZE];
    return case_recusal_person(id, canon);
}

/* A person id of the files' form, in any spelling, is asked about in its
 * canonical form; anything else (none, spaces inside, other letters, too
 * long) cannot be in a file and is not. */
static void test_person(void **state)
{
    (void)state;
    static const char *const ids[] = {"HR-INSPECTOR.EAST", "hr-inspector.east", "  hr_1001 ", "a"};
    static const char *const not_ids[] = {NULL,   "",         "   ",    "HR 1001",
                                          "张三", "HR-1001;", "HR/1001"};
    CG_CHECK_EACH(accepted, ids, true);
    CG_CHECK_EACH(accepted, not_ids, false);

    /* 64 characters are an id, 65 are not. */
    char id[CG_PERSON_ID_SIZE + 1];
    memset(id, 'X', CG_PERSON_ID_SIZE - 1);
    id[CG_PERSON_ID_SIZE - 1] = '\0';
    assert_true(accepted(id));
    id[CG_PERSON_ID_SIZE - 1] = 'X';
    id[CG_PERSON_ID_SIZE] = '\0';
    assert_false(accepted(id));

    char canon[CG_PERSON_ID_SIZE];
    assert_true(case_recusal_person(" hr-inspector.east\t", canon));
    assert_string_equal(canon, "HR-INSPECTOR.EAST");
    assert_false(case_recusal_person("HR 1", canon));
    assert_string_equal(canon, "");
}

/* The subjects a question carries: each person id once, canonical; the
 * subjects named without one (or with one no file can hold) left out. */
static void test_subject_ids(void **state)
{
    (void)state;
    char ids[4][CG_PERSON_ID_SIZE];
    const char *subjects = "[{\"name\":\"王五\",\"person_id\":\"hr-1\"},"
                           "{\"name\":\"赵六\",\"person_id\":\"\"},"
                           "{\"name\":\"孙七\"},"
                           "{\"name\":\"周八\",\"person_id\":\"HR 8\"},"
                           "{\"name\":\"王 五\",\"person_id\":\" HR-1 \"},"
                           "{\"name\":\"吴九\",\"person_id\":\"hr-9\"},"
                           "{\"name\":\"郑十\",\"person_id\":7}]";
    assert_int_equal(case_recusal_subject_ids(subjects, ids, 4), 2);
    assert_string_equal(ids[0], "HR-1");
    assert_string_equal(ids[1], "HR-9");

    /* More than fit: none is left out silently. */
    assert_int_equal(case_recusal_subject_ids(subjects, ids, 1), -1);
    /* Exactly as many as fit. */
    assert_int_equal(case_recusal_subject_ids(subjects, ids, 2), 2);

    /* Nothing to ask about. */
    assert_int_equal(case_recusal_subject_ids("[]", ids, 4), 0);
    assert_int_equal(case_recusal_subject_ids("", ids, 4), 0);
    assert_int_equal(case_recusal_subject_ids(NULL, ids, 4), 0);
    assert_int_equal(case_recusal_subject_ids("{\"person_id\":\"HR-1\"}", ids, 4), 0);
    assert_int_equal(case_recusal_subject_ids("[{\"name\":\"x\",\"person_id\":\"\"}]", ids, 4), 0);
}

/* One refusal as the API answers it. */
typedef struct refusal_row {
    const char *relation, *direction;
    case_recusal_as as;
    bool self;
    const char *record;
    const char *want;
} refusal_row;

/* The refusal names the relation both ways round, whose it is and what
 * the person would have done; never the file or the subject. A relation
 * the files add later is named by its code. */
static void test_refuse(void **state)
{
    (void)state;
    static const refusal_row rows[] = {
        {"spouse", "subject_declared", CASE_AS_HANDLER, false, "clue",
         "that person is the spouse (配偶) of a subject of this clue and cannot handle it (回避)"},
        {"child", "subject_declared", CASE_AS_INVESTIGATOR, false, "case",
         "that person is a child (子女) of a subject of this case and cannot investigate it "
         "(回避)"},
        {"child_spouse", "subject_declared", CASE_AS_REVIEWER, false, "case",
         "that person is a son- or daughter-in-law (子女配偶) of a subject of this case and "
         "cannot review it (回避)"},
        {"sibling", "subject_declared", CASE_AS_DECIDER, true, "clue",
         "you are a sibling (兄弟姐妹) of a subject of this clue and cannot decide on it (回避)"},
        {"parent", "person_declared", CASE_AS_HANDLER, false, "clue",
         "a subject of this clue is that person's parent (父母): that person cannot handle it "
         "(回避)"},
        {"spouse", "person_declared", CASE_AS_DECIDER, true, "case",
         "a subject of this case is your spouse (配偶): you cannot decide on it (回避)"},
        {"cousin", "subject_declared", CASE_AS_HANDLER, true, "clue",
         "you are a relative (cousin) of a subject of this clue and cannot handle it (回避)"},
    };
    for (size_t i = 0; i < CG_NROWS(rows); i++) {
        const refusal_row *row = &rows[i];
        cg_err err;
        cg_err_clear(&err);
        assert_int_equal(case_recusal_refuse(&err, row->relation, row->direction, row->as,
                                             row->self, row->record),
                         CG_FAILED_PRECONDITION);
        assert_int_equal(err.code, CG_FAILED_PRECONDITION);
        assert_string_equal(err.message, row->want);
    }
}

/* While the files do not answer, the step is refused as unavailable,
 * saying that nobody is named or decides unchecked. */
static void test_unavailable(void **state)
{
    (void)state;
    static const struct {
        case_recusal_as as;
        const char *record, *want;
    } rows[] = {
        {CASE_AS_HANDLER, "clue",
         "relatives cannot be checked now: the integrity files (廉政档案) do not answer, and "
         "nobody handles this clue unchecked (回避); try again shortly"},
        {CASE_AS_INVESTIGATOR, "case", "and nobody investigates this case unchecked (回避)"},
        {CASE_AS_REVIEWER, "case", "and nobody reviews this case unchecked (回避)"},
        {CASE_AS_DECIDER, "clue", "and nobody decides on this clue unchecked (回避)"},
    };
    for (size_t i = 0; i < CG_NROWS(rows); i++) {
        cg_err err;
        cg_err_clear(&err);
        assert_int_equal(case_recusal_unavailable(&err, rows[i].as, rows[i].record),
                         CG_UNAVAILABLE);
        assert_int_equal(err.code, CG_UNAVAILABLE);
        if (strstr(err.message, rows[i].want) == NULL)
            fail_msg("\"%s\" does not say \"%s\"", err.message, rows[i].want);
    }
}

CG_TEST_MAIN(cmocka_unit_test(test_person), cmocka_unit_test(test_subject_ids),
             cmocka_unit_test(test_refuse), cmocka_unit_test(test_unavailable))
