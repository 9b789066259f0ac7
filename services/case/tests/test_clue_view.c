/* Unit tests of the clue view (the JSON parts of a clue row), dossier
 * summaries, and the scope path rule. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "cg_test.h"
#include "access.h"
#include "clue_view.h"

/* Parse the JSON parts of a clue row into a fresh v; returns the code. */
static cg_code parse(case_clue_view *v, const char *subjects, const char *categories,
                     const char *linked_clue_ids, const char *disposal)
{
    cg_err err;
    cg_err_clear(&err);
    cleangrid__v1__clue__init(&v->clue);
    return case_clue_view_parse(v, subjects, categories, linked_clue_ids, disposal, &err);
}

static void test_parse_all_parts(void **state)
{
    (void)state;
    case_clue_view v;
    assert_int_equal(
        parse(
            &v,
            "[{\"name\": \"王五\", \"person_id\": \"HR-1\", \"position\": \"处长\", \"org_unit\": "
            "\"\"}, {\"name\": \"赵六\"}]",
            "[\"integrity\", \"work\"]", "[\"0b6f1c2e-8f7a-4c3e-9d21-5a4b3c2d1e0f\"]",
            "{\"id\": \"d\", \"way\": \"close\", \"reason\": \"r\", \"state\": \"pending\", "
            "\"proposed_at_ms\": 1764118923456, \"decided_at_ms\": null}"),
        CG_OK);
    assert_int_equal(v.clue.n_subjects, 2);
    assert_string_equal(v.clue.subjects[0]->person_id, "HR-1");
    /* Members a subject lacks read as "", never NULL. */
    assert_string_equal(v.clue.subjects[1]->position, "");
    assert_int_equal(v.clue.n_categories, 2);
    assert_string_equal(v.clue.categories[1], "work");
    assert_int_equal(v.clue.n_linked_clue_ids, 1);
    assert_non_null(v.clue.disposal);
    assert_string_equal(v.clue.disposal->way, "close");
    assert_string_equal(v.clue.disposal->conclusion, "");
    assert_int_equal(v.clue.disposal->proposed_at_ms, 1764118923456LL);
    assert_int_equal(v.clue.disposal->decided_at_ms, 0);
    case_clue_view_free(&v);
}

static void test_no_disposal_and_bad_json(void **state)
{
    (void)state;
    case_clue_view v;
    assert_int_equal(parse(&v, "[]", "[]", "[]", ""), CG_OK);
    assert_null(v.clue.disposal);
    assert_int_equal(v.clue.n_subjects, 0);
    case_clue_view_free(&v);

    assert_int_equal(parse(&v, "[{", "[]", "[]", ""), CG_INTERNAL);
    case_clue_view_free(&v);
}

static void test_summary(void **state)
{
    (void)state;
    char *s = case_summary("reason", "say \"no\"", "skipped", NULL, "way", "close", NULL);
    assert_non_null(s);
    assert_string_equal(s, "{\"reason\":\"say \\\"no\\\"\",\"way\":\"close\"}");
    free(s);
}

static void test_path_within(void **state)
{
    (void)state;
    assert_true(cg_path_within("hq.east.city_a", "hq.east"));
    assert_true(cg_path_within("hq.east", "hq.east"));
    assert_true(cg_path_within("hq.west", "hq"));
    assert_false(cg_path_within("hq.eastern", "hq.east"));
    assert_false(cg_path_within("hq", "hq.east"));
}

CG_TEST_MAIN(cmocka_unit_test(test_parse_all_parts),
             cmocka_unit_test(test_no_disposal_and_bad_json), cmocka_unit_test(test_summary),
             cmocka_unit_test(test_path_within))
