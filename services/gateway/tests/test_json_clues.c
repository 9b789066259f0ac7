/* Unit tests of the clue register's JSON mapping: registration bodies and
 * their errors, the action of each route, action bodies, and the answers
 * (a recusal, a dossier page, a verify result). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>
#include <stdio.h>
#include <string.h>

#include "json_clues.h"

static bool has_violation(const cg_err *err, const char *field)
{
    for (size_t i = 0; i < err->nviolations; i++)
        if (strcmp(err->violations[i].field, field) == 0)
            return true;
    return false;
}

static const char VALID[] =
    "{\"source\":\"audit_transfer\",\"source_ref\":\"AUD-2026-17\","
    "\"subjects\":[{\"name\":\"王五\",\"person_id\":\"HR-1001\",\"position\":\"处长\"},"
    "{\"name\":\"赵六\"}],\"categories\":[\"integrity\",\"work\"],"
    "\"summary\":\"审计发现违规报销\",\"received_date\":\"2026-11-20\",\"unit_code\":\"city_a\"}";

static void test_create_maps_every_field(void **state)
{
    (void)state;
    cJSON *body = cJSON_Parse(VALID);
    Cleangrid__V1__CreateClueRequest out = CLEANGRID__V1__CREATE_CLUE_REQUEST__INIT;
    gw_clue_form form;
    const char *unit = NULL;
    cg_err err;
    assert_int_equal(gw_map_create_clue(body, &out, &form, &unit, &err), CG_OK);
    assert_string_equal(out.source, "audit_transfer");
    assert_string_equal(out.source_ref, "AUD-2026-17");
    assert_string_equal(out.source_link, "");
    assert_int_equal(out.n_subjects, 2);
    assert_string_equal(out.subjects[0]->person_id, "HR-1001");
    assert_string_equal(out.subjects[1]->name, "赵六");
    assert_string_equal(out.subjects[1]->person_id, "");
    assert_int_equal(out.n_categories, 2);
    assert_string_equal(out.categories[1], "work");
    assert_int_equal(out.received_at_ms, 1795132800000LL);
    assert_string_equal(unit, "city_a");
    cJSON_Delete(body);
}

static void test_create_errors_named(void **state)
{
    (void)state;
    static const struct {
        const char *key, *value, *field;
    } bad[] = {
        {"received_date", "\"2026-02-30\"", "received_date"},
        {"received_date", "\"20261120\"", "received_date"},
        {"subjects", "[]", "subjects"},
        {"subjects", "[{\"name\":\"x\",\"age\":3}]", "subjects[0].age"},
        {"subjects", "[{\"position\":\"x\"}]", "subjects[0].name"},
        {"subjects", "[\"x\"]", "subjects[0]"},
        {"categories", "\"integrity\"", "categories"},
        {"categories", "[1]", "categories"},
        {"unit_code", "null", "unit_code"},
        {"colour", "\"red\"", "colour"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        cJSON *body = cJSON_Parse(VALID);
        cJSON_DeleteItemFromObject(body, bad[i].key);
        cJSON_AddItemToObject(body, bad[i].key, cJSON_Parse(bad[i].value));
        Cleangrid__V1__CreateClueRequest out = CLEANGRID__V1__CREATE_CLUE_REQUEST__INIT;
        gw_clue_form form;
        const char *unit = NULL;
        cg_err err;
        assert_int_equal(gw_map_create_clue(body, &out, &form, &unit, &err), CG_INVALID_ARGUMENT);
        if (!has_violation(&err, bad[i].field))
            fail_msg("%s=%s: no violation on %s", bad[i].key, bad[i].value, bad[i].field);
        assert_null(unit);
        cJSON_Delete(body);
    }
}

static void test_answers(void **state)
{
    (void)state;
    cJSON *j = NULL;
    Cleangrid__V1__DossierEntry e = CLEANGRID__V1__DOSSIER_ENTRY__INIT;
    e.seq = 7;
    e.occurred_at_ms = 1764118923456;
    e.actor_id = "system:case";
    e.action = "clue.created";
    e.summary_json = "{\"source\": \"public_report\"}";
    e.prev_hash = "00";
    e.hash = "ab";
    Cleangrid__V1__DossierEntry *entries[] = {&e};
    Cleangrid__V1__Page page = CLEANGRID__V1__PAGE__INIT;
    page.next_cursor = "7";
    Cleangrid__V1__ListDossierReply list = CLEANGRID__V1__LIST_DOSSIER_REPLY__INIT;
    list.entries = entries;
    list.n_entries = 1;
    list.page = &page;
    j = gw_json_dossier(&list);
    assert_non_null(j);
    const cJSON *item = cJSON_GetArrayItem(cJSON_GetObjectItem(j, "items"), 0);
    assert_int_equal(cJSON_GetObjectItem(item, "seq")->valuedouble, 7);
    assert_string_equal(
        cJSON_GetObjectItem(cJSON_GetObjectItem(item, "summary"), "source")->valuestring,
        "public_report");
    assert_string_equal(cJSON_GetObjectItem(item, "summary_text")->valuestring, e.summary_json);
    assert_string_equal(cJSON_GetObjectItem(j, "next_cursor")->valuestring, "7");
    cJSON_Delete(j);

    Cleangrid__V1__VerifyDossierReply v = CLEANGRID__V1__VERIFY_DOSSIER_REPLY__INIT;
    v.whole = false;
    v.first_bad_seq = 3;
    j = gw_json_dossier_verify(&v);
    assert_false(cJSON_IsTrue(cJSON_GetObjectItem(j, "whole")));
    assert_int_equal(cJSON_GetObjectItem(j, "first_bad_seq")->valuedouble, 3);
    cJSON_Delete(j);
    v.whole = true;
    v.first_bad_seq = 0;
    j = gw_json_dossier_verify(&v);
    assert_true(cJSON_IsNull(cJSON_GetObjectItem(j, "first_bad_seq")));
    cJSON_Delete(j);
}

static void test_list_filters(void **state)
{
    (void)state;
    Cleangrid__V1__ListCluesRequest out = CLEANGRID__V1__LIST_CLUES_REQUEST__INIT;
    gw_clue_filter_buf buf;
    const char *unit = NULL;
    cg_err err;
    cg_err_clear(&err);
    assert_int_equal(gw_map_clue_filters("limit=5&status=shelved&q=%E6%9D%8E&unit_code=city_a"
                                         "&received_from=2026-11-20&received_to=2026-11-20",
                                         &out, &buf, &unit, &err),
                     CG_OK);
    assert_string_equal(out.status, "shelved");
    assert_string_equal(out.query, "李");
    assert_string_equal(out.source, "");
    assert_string_equal(unit, "city_a");
    /* The last day counts whole. */
    assert_int_equal(out.received_from_ms, 1795132800000LL);
    assert_int_equal(out.received_to_ms, 1795132800000LL + 24LL * 3600 * 1000);

    cg_err_clear(&err);
    assert_int_equal(
        gw_map_clue_filters("received_from=11/20&received_to=2026-02-30", &out, &buf, &unit, &err),
        CG_INVALID_ARGUMENT);
    assert_true(has_violation(&err, "received_from"));
    assert_true(has_violation(&err, "received_to"));

    cg_err_clear(&err);
    assert_int_equal(gw_map_clue_filters("overdue=true", &out, &buf, &unit, &err), CG_OK);
    assert_true(out.overdue);
    assert_int_equal(gw_map_clue_filters("overdue=maybe", &out, &buf, &unit, &err),
                     CG_INVALID_ARGUMENT);
    assert_true(has_violation(&err, "overdue"));
}

/* Issue 4: the case steps' paths, bodies and filters, and a case's JSON. */
/* The case list's filters and a case's JSON (investigators, an item with
 * its day, the extension). */
static void test_case_list_and_case(void **state)
{
    (void)state;
    cg_err err;
    const char *unit = NULL;
    Cleangrid__V1__ListCasesRequest list = CLEANGRID__V1__LIST_CASES_REQUEST__INIT;
    gw_case_filter_buf buf;
    cg_err_clear(&err);
    assert_int_equal(gw_map_case_filters("stage=review&sort=deadline&q=%E6%9D%8E&filed_from="
                                         "2026-11-20&filed_to=2026-11-20&overdue=true",
                                         &list, &buf, &unit, &err),
                     CG_OK);
    assert_string_equal(list.stage, "review");
    assert_string_equal(list.sort, "deadline");
    assert_string_equal(list.query, "李");
    assert_true(list.overdue);
    assert_int_equal(list.filed_to_ms - list.filed_from_ms, 24LL * 3600 * 1000);
    cg_err_clear(&err);
    assert_int_equal(gw_map_case_filters("filed_to=x&overdue=1", &list, &buf, &unit, &err),
                     CG_INVALID_ARGUMENT);
    assert_true(has_violation(&err, "filed_to"));
    assert_true(has_violation(&err, "overdue"));

    /* A case's JSON: investigators, an item with its day, the extension. */
    char *ids[] = {"u1", "u2"};
    Cleangrid__V1__DispositionItem item = CLEANGRID__V1__DISPOSITION_ITEM__INIT;
    item.kind = "illicit_gains";
    item.amount_fen = 1234500;
    item.executed = true;
    item.executed_on_ms = 1795132800000LL;
    Cleangrid__V1__DispositionItem *items[] = {&item};
    Cleangrid__V1__CaseExtension x = CLEANGRID__V1__CASE_EXTENSION__INIT;
    x.state = "pending";
    x.days = 30;
    Cleangrid__V1__Case k = CLEANGRID__V1__CASE__INIT;
    k.investigator_ids = ids;
    k.n_investigator_ids = 2;
    k.items = items;
    k.n_items = 1;
    k.extension = &x;
    cJSON *obj = gw_json_case(&k);
    assert_non_null(obj);
    assert_int_equal(cJSON_GetArraySize(cJSON_GetObjectItem(obj, "investigators")), 2);
    const cJSON *j = cJSON_GetArrayItem(cJSON_GetObjectItem(obj, "items"), 0);
    assert_int_equal((long long)cJSON_GetNumberValue(cJSON_GetObjectItem(j, "amount_fen")),
                     1234500);
    assert_string_equal(cJSON_GetStringValue(cJSON_GetObjectItem(j, "executed_on")), "2026-11-20");
    assert_true(cJSON_IsNull(cJSON_GetObjectItem(j, "deadline")));
    assert_int_equal((int)cJSON_GetNumberValue(
                         cJSON_GetObjectItem(cJSON_GetObjectItem(obj, "extension"), "days")),
                     30);
    assert_true(cJSON_IsNull(cJSON_GetObjectItem(obj, "deadline")));
    cJSON_Delete(obj);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_create_maps_every_field),
        cmocka_unit_test(test_create_errors_named),
        cmocka_unit_test(test_answers),
        cmocka_unit_test(test_list_filters),
        cmocka_unit_test(test_case_list_and_case),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
