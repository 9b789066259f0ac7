/* Unit tests of the API's presentation rules (present.c): a clue and a case
 * with every field set, and with every optional field empty, look through
 * the codec exactly as the API has always shown them (the texts the
 * hand-written mappers wrote before), and every rule is used by some
 * message the routes send. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>
#include <stdio.h>
#include <string.h>

#include "cg_test.h"
#include "cg/pbjson.h"
#include "cleangrid/v1/integrity.pb-c.h"
#include "cleangrid/v1/risk.pb-c.h"
#include "cleangrid/v1/rectify.pb-c.h"
#include "cleangrid/v1/rectify_duty.pb-c.h"
#include "cleangrid/v1/case.pb-c.h"
#include "cleangrid/v1/case_disposition.pb-c.h"
#include "cleangrid/v1/case_documents.pb-c.h"
#include "cleangrid/v1/case_list.pb-c.h"
#include "forward.h"

/* What the API has always shown for the fixtures below, as the hand-written
 * mappers wrote it before the codec replaced them. */
static const char CLUE_EMPTY[] =
    "{\"number\":\"\",\"id\":\"\",\"source\":\"\",\"source_ref\":\"\",\"category\":\"\","
    "\"content\":\"\",\"location\":\"\",\"accused_person\":\"\","
    "\"accused_unit\":\"\",\"anonymous\":false,\"org_path\":\"\",\"status\":\"\","
    "\"created_at\":null,\"subjects\":[],\"categories\":[],\"summary\":\"\","
    "\"received_date\":null,\"handler_id\":null,\"source_link\":null,"
    "\"merged_into\":null,\"linked_clue_ids\":[],\"disposal\":null,\"case_id\":null,"
    "\"deadline\":null,\"deadline_state\":null,\"held_names\":[]}";
static const char CLUE_FULL[] =
    "{\"number\":\"\",\"id\":\"9d3c7a52-94f2-4f4c-9d0c-0a4b8b1f0c11\",\"source\":\"public_report\","
    "\"source_ref\":\"r-1\",\"category\":\"procurement\",\"content\":\"标书提前泄露\","
    "\"location\":\"city A\",\"accused_person\":\"王五\",\"accused_unit\":\"物资部\","
    "\"anonymous\":true,\"org_path\":\"hq.east.city_a\",\"status\":\"registered\","
    "\"created_at\":\"2026-11-20T00:00:00.123Z\",\"subjects\":[{\"name\":\"王五\","
    "\"person_id\":\"HR-1001\",\"position\":\"处长\",\"org_unit\":\"物资部\"},"
    "{\"name\":\"赵六\",\"person_id\":null,\"position\":null,\"org_unit\":null}],"
    "\"categories\":[\"integrity\",\"work\"],\"summary\":\"审计发现违规报销\","
    "\"received_date\":\"2026-11-20\","
    "\"handler_id\":\"11111111-94f2-4f4c-9d0c-0a4b8b1f0c11\","
    "\"source_link\":\"https://example.invalid/a\","
    "\"merged_into\":\"22222222-94f2-4f4c-9d0c-0a4b8b1f0c11\","
    "\"linked_clue_ids\":[\"5b0e7a52-94f2-4f4c-9d0c-0a4b8b1f0c11\"],"
    "\"disposal\":{\"id\":\"33333333-94f2-4f4c-9d0c-0a4b8b1f0c11\","
    "\"way\":\"talk_inquiry\",\"reason\":\"why\",\"conclusion\":\"what\","
    "\"state\":\"approved\",\"proposed_by\":\"44444444-94f2-4f4c-9d0c-0a4b8b1f0c11\","
    "\"proposed_at\":\"2026-11-20T00:00:00.000Z\","
    "\"decided_by\":\"55555555-94f2-4f4c-9d0c-0a4b8b1f0c11\","
    "\"decided_at\":\"2026-11-21T00:00:00.000Z\",\"decision_reason\":\"fine\"},"
    "\"case_id\":\"66666666-94f2-4f4c-9d0c-0a4b8b1f0c11\","
    "\"deadline\":\"2026-12-21T00:00:00.000Z\",\"deadline_state\":\"due_soon\","
    "\"held_names\":[]}";
static const char CASE_EMPTY[] =
    "{\"number\":\"\",\"id\":\"\",\"clue_id\":\"\",\"org_path\":\"\",\"stage\":\"\",\"subjects\":[]"
    ","
    "\"summary\":\"\",\"filed_by\":\"\",\"filed_at\":null,"
    "\"filing_disposal_id\":\"\",\"report\":\"\",\"reviewer_id\":\"\",\"measures\":0,"
    "\"investigators\":[],\"deadline\":null,\"deadline_state\":null,\"items\":[],"
    "\"extension\":null}";
static const char CASE_FULL[] =
    "{\"number\":\"\",\"id\":\"9d3c7a52-94f2-4f4c-9d0c-0a4b8b1f0c11\","
    "\"clue_id\":\"5b0e7a52-94f2-4f4c-9d0c-0a4b8b1f0c11\","
    "\"org_path\":\"hq.east.city_a\",\"stage\":\"review\","
    "\"subjects\":[{\"name\":\"王五\",\"person_id\":null,\"position\":null,"
    "\"org_unit\":null}],\"summary\":\"s\","
    "\"filed_by\":\"44444444-94f2-4f4c-9d0c-0a4b8b1f0c11\","
    "\"filed_at\":\"2026-11-20T00:00:00.000Z\","
    "\"filing_disposal_id\":\"33333333-94f2-4f4c-9d0c-0a4b8b1f0c11\","
    "\"report\":\"the report\","
    "\"reviewer_id\":\"88888888-94f2-4f4c-9d0c-0a4b8b1f0c11\",\"measures\":3,"
    "\"investigators\":[\"11111111-94f2-4f4c-9d0c-0a4b8b1f0c11\","
    "\"77777777-94f2-4f4c-9d0c-0a4b8b1f0c11\"],"
    "\"deadline\":\"2026-12-21T00:00:00.000Z\",\"deadline_state\":\"on_time\","
    "\"items\":[{\"id\":\"aaaaaaaa-94f2-4f4c-9d0c-0a4b8b1f0c11\","
    "\"kind\":\"illicit_gains\",\"measure\":null,\"subject\":\"王五\","
    "\"subject_person_id\":\"HR-1001\",\"amount_fen\":1234567,\"text\":null,"
    "\"unit_path\":null,\"deadline\":null,"
    "\"added_by\":\"44444444-94f2-4f4c-9d0c-0a4b8b1f0c11\",\"executed\":true,"
    "\"executed_on\":\"2026-11-21\",\"executed_note\":\"paid back\","
    "\"executed_by\":\"44444444-94f2-4f4c-9d0c-0a4b8b1f0c11\"},"
    "{\"id\":\"bbbbbbbb-94f2-4f4c-9d0c-0a4b8b1f0c11\",\"kind\":\"rectification\","
    "\"measure\":null,\"subject\":null,\"subject_person_id\":null,"
    "\"amount_fen\":null,\"text\":\"fix the procurement rules\","
    "\"unit_path\":\"hq.east.city_a\",\"deadline\":\"2026-12-21\","
    "\"added_by\":\"44444444-94f2-4f4c-9d0c-0a4b8b1f0c11\",\"executed\":false,"
    "\"executed_on\":null,\"executed_note\":null,\"executed_by\":null}],"
    "\"extension\":{\"state\":\"approved\",\"days\":30,\"reason\":\"more witnesses\","
    "\"requested_by\":\"44444444-94f2-4f4c-9d0c-0a4b8b1f0c11\","
    "\"decided_by\":\"88888888-94f2-4f4c-9d0c-0a4b8b1f0c11\","
    "\"decision_reason\":\"ok\"}}";
static const char LIST_MORE[] =
    "{\"items\":[{\"number\":\"\",\"id\":\"9d3c7a52-94f2-4f4c-9d0c-0a4b8b1f0c11\",\"source\":\"\","
    "\"source_ref\":\"\",\"category\":\"\",\"content\":\"\",\"location\":\"\","
    "\"accused_person\":\"\",\"accused_unit\":\"\",\"anonymous\":false,"
    "\"org_path\":\"\",\"status\":\"\",\"created_at\":null,\"subjects\":[],"
    "\"categories\":[],\"summary\":\"\",\"received_date\":null,\"handler_id\":null,"
    "\"source_link\":null,\"merged_into\":null,\"linked_clue_ids\":[],"
    "\"disposal\":null,\"case_id\":null,\"deadline\":null,\"deadline_state\":null,"
    "\"held_names\":[]}],"
    "\"next_cursor\":\"abc\"}";

/* The messages the forwarding routes and their tests name. */
static const ProtobufCMessageDescriptor *const messages[] = {
    &cleangrid__v1__get_clue_reply__descriptor,
    &cleangrid__v1__get_case_reply__descriptor,
    &cleangrid__v1__list_clues_reply__descriptor,
    &cleangrid__v1__list_cases_reply__descriptor,
    &cleangrid__v1__clue_action_reply__descriptor,
    &cleangrid__v1__list_clues_request__descriptor,
    &cleangrid__v1__list_cases_request__descriptor,
    &cleangrid__v1__case_action_request__descriptor,
    &cleangrid__v1__create_clue_request__descriptor,
    &cleangrid__v1__list_documents_reply__descriptor,
    &cleangrid__v1__list_batches_reply__descriptor,
    &cleangrid__v1__list_tasks_reply__descriptor,
    &cleangrid__v1__list_tasks_request__descriptor,
    &cleangrid__v1__batch_reply__descriptor,
    &cleangrid__v1__task_reply__descriptor,
    &cleangrid__v1__draw_rechecks_reply__descriptor,
    &cleangrid__v1__settings_reply__descriptor,
    &cleangrid__v1__rectify_statistics_reply__descriptor,
    &cleangrid__v1__duty_list_reply__descriptor,
    &cleangrid__v1__list_duty_lists_reply__descriptor,
    &cleangrid__v1__list_cadres_reply__descriptor,
    &cleangrid__v1__cadre_file_reply__descriptor,
    &cleangrid__v1__list_risk_indicators_reply__descriptor,
    &cleangrid__v1__update_risk_indicator_request__descriptor,
    &cleangrid__v1__list_risk_alerts_reply__descriptor,
    &cleangrid__v1__risk_alert_reply__descriptor,
    &cleangrid__v1__list_risk_scores_reply__descriptor,
};

static cg_pbjson *codec_new(void)
{
    cg_err err;
    cg_pbjson *codec = cg_pbjson_new(gw_present_rules, gw_npresent_rules);
    assert_non_null(codec);
    cg_err_clear(&err);
    for (size_t i = 0; i < sizeof(messages) / sizeof(messages[0]); i++) {
        if (cg_pbjson_prepare(codec, messages[i], &err) != CG_OK)
            fail_msg("prepare %s: %s", messages[i]->name, err.message);
    }
    return codec;
}

/* The two trees are equal, or the test fails showing both. */
static void assert_same_json(const cJSON *want, const cJSON *got)
{
    if (!cJSON_Compare(want, got, true)) {
        char *w = cJSON_Print(want), *g = cJSON_Print(got);
        fprintf(stderr, "want %s\n got %s\n", w, g);
        cJSON_free(w);
        cJSON_free(g);
        fail();
    }
}

static void test_every_rule_is_used(void **state)
{
    (void)state;
    cg_pbjson *codec = codec_new();
    const cg_pbjson_rule *unused = cg_pbjson_unused_rule(codec);
    if (unused != NULL)
        fail_msg("rule %s.%s names no field of a prepared message", unused->message, unused->field);
    cg_pbjson_free(codec);
}

/* Encode msg through the codec and compare with want (freed here), the
 * hand-written mapper's answer. A whole reply loses its Status, which the
 * gateway turns into the HTTP status, as gw_route_rpc() shows it. A record
 * keeps its own status (a clue's stage). */
static void encode_both_ways(const cg_pbjson *codec, const ProtobufCMessage *msg, bool reply,
                             const char *want_text)
{
    cJSON *want = cJSON_Parse(want_text);
    assert_non_null(want);
    cJSON *got = NULL;
    cg_err err;
    cg_err_clear(&err);
    assert_int_equal(cg_pbjson_encode(codec, msg, &got, &err), CG_OK);
    if (reply)
        cJSON_DeleteItemFromObjectCaseSensitive(got, "status");
    assert_same_json(want, got);
    cJSON_Delete(got);
    cJSON_Delete(want);
}

static void test_clue_as_it_was(void **state)
{
    (void)state;
    cg_pbjson *codec = codec_new();
    Cleangrid__V1__Clue clue = CLEANGRID__V1__CLUE__INIT;
    Cleangrid__V1__ClueSubject s1 = CLEANGRID__V1__CLUE_SUBJECT__INIT;
    Cleangrid__V1__ClueSubject s2 = CLEANGRID__V1__CLUE_SUBJECT__INIT;
    Cleangrid__V1__ClueSubject *subjects[] = {&s1, &s2};
    Cleangrid__V1__ClueDisposal d = CLEANGRID__V1__CLUE_DISPOSAL__INIT;
    char *cats[] = {"integrity", "work"};
    char *links[] = {"5b0e7a52-94f2-4f4c-9d0c-0a4b8b1f0c11"};

    /* Empty: every optional field as null, every list as []. */
    encode_both_ways(codec, &clue.base, false, CLUE_EMPTY);

    clue.id = "9d3c7a52-94f2-4f4c-9d0c-0a4b8b1f0c11";
    clue.source = "public_report";
    clue.source_ref = "r-1";
    clue.category = "procurement";
    clue.content = "标书提前泄露";
    clue.location = "city A";
    clue.accused_person = "王五";
    clue.accused_unit = "物资部";
    clue.org_path = "hq.east.city_a";
    clue.status = "registered";
    clue.created_at_ms = 1795132800123LL;
    clue.anonymous = true;
    s1.name = "王五";
    s1.person_id = "HR-1001";
    s1.position = "处长";
    s1.org_unit = "物资部";
    s2.name = "赵六";
    clue.subjects = subjects;
    clue.n_subjects = 2;
    clue.categories = cats;
    clue.n_categories = 2;
    clue.summary = "审计发现违规报销";
    clue.received_at_ms = 1795132800000LL;
    clue.handler_id = "11111111-94f2-4f4c-9d0c-0a4b8b1f0c11";
    clue.source_link = "https://example.invalid/a";
    clue.merged_into = "22222222-94f2-4f4c-9d0c-0a4b8b1f0c11";
    clue.linked_clue_ids = links;
    clue.n_linked_clue_ids = 1;
    d.id = "33333333-94f2-4f4c-9d0c-0a4b8b1f0c11";
    d.way = "talk_inquiry";
    d.reason = "why";
    d.conclusion = "what";
    d.state = "approved";
    d.proposed_by = "44444444-94f2-4f4c-9d0c-0a4b8b1f0c11";
    d.proposed_at_ms = 1795132800000LL;
    d.decided_by = "55555555-94f2-4f4c-9d0c-0a4b8b1f0c11";
    d.decided_at_ms = 1795219200000LL;
    d.decision_reason = "fine";
    clue.disposal = &d;
    clue.case_id = "66666666-94f2-4f4c-9d0c-0a4b8b1f0c11";
    clue.deadline_at_ms = 1797811200000LL;
    clue.deadline_state = "due_soon";
    encode_both_ways(codec, &clue.base, false, CLUE_FULL);
    cg_pbjson_free(codec);
}

static void test_case_as_it_was(void **state)
{
    (void)state;
    cg_pbjson *codec = codec_new();
    Cleangrid__V1__Case k = CLEANGRID__V1__CASE__INIT;
    Cleangrid__V1__ClueSubject s1 = CLEANGRID__V1__CLUE_SUBJECT__INIT;
    Cleangrid__V1__ClueSubject *subjects[] = {&s1};
    Cleangrid__V1__DispositionItem gains = CLEANGRID__V1__DISPOSITION_ITEM__INIT;
    Cleangrid__V1__DispositionItem fix = CLEANGRID__V1__DISPOSITION_ITEM__INIT;
    Cleangrid__V1__DispositionItem *items[] = {&gains, &fix};
    Cleangrid__V1__CaseExtension x = CLEANGRID__V1__CASE_EXTENSION__INIT;
    char *investigators[] = {"11111111-94f2-4f4c-9d0c-0a4b8b1f0c11",
                             "77777777-94f2-4f4c-9d0c-0a4b8b1f0c11"};

    encode_both_ways(codec, &k.base, false, CASE_EMPTY);

    k.id = "9d3c7a52-94f2-4f4c-9d0c-0a4b8b1f0c11";
    k.clue_id = "5b0e7a52-94f2-4f4c-9d0c-0a4b8b1f0c11";
    k.org_path = "hq.east.city_a";
    k.stage = "review";
    s1.name = "王五";
    k.subjects = subjects;
    k.n_subjects = 1;
    k.summary = "s";
    k.filed_by = "44444444-94f2-4f4c-9d0c-0a4b8b1f0c11";
    k.filed_at_ms = 1795132800000LL;
    k.filing_disposal_id = "33333333-94f2-4f4c-9d0c-0a4b8b1f0c11";
    k.report = "the report";
    k.measures = 3;
    k.reviewer_id = "88888888-94f2-4f4c-9d0c-0a4b8b1f0c11";
    k.investigator_ids = investigators;
    k.n_investigator_ids = 2;
    gains.id = "aaaaaaaa-94f2-4f4c-9d0c-0a4b8b1f0c11";
    gains.kind = "illicit_gains";
    gains.subject_name = "王五";
    gains.subject_person_id = "HR-1001";
    gains.amount_fen = 1234567;
    gains.added_by = k.filed_by;
    gains.executed = true;
    gains.executed_on_ms = 1795219200000LL;
    gains.executed_note = "paid back";
    gains.executed_by = k.filed_by;
    fix.id = "bbbbbbbb-94f2-4f4c-9d0c-0a4b8b1f0c11";
    fix.kind = "rectification";
    fix.text = "fix the procurement rules";
    fix.org_path = "hq.east.city_a";
    fix.deadline_ms = 1797811200000LL;
    fix.added_by = k.filed_by;
    k.items = items;
    k.n_items = 2;
    k.deadline_at_ms = 1797811200000LL;
    k.deadline_state = "on_time";
    x.state = "approved";
    x.days = 30;
    x.reason = "more witnesses";
    x.requested_by = k.filed_by;
    x.decided_by = k.reviewer_id;
    x.decision_reason = "ok";
    k.extension = &x;
    encode_both_ways(codec, &k.base, false, CASE_FULL);
    cg_pbjson_free(codec);
}

static void test_lists_as_they_were(void **state)
{
    (void)state;
    cg_pbjson *codec = codec_new();
    Cleangrid__V1__ListCluesReply list = CLEANGRID__V1__LIST_CLUES_REPLY__INIT;
    Cleangrid__V1__Page page = CLEANGRID__V1__PAGE__INIT;
    Cleangrid__V1__Clue clue = CLEANGRID__V1__CLUE__INIT;
    Cleangrid__V1__Clue *clues[] = {&clue};

    clue.id = "9d3c7a52-94f2-4f4c-9d0c-0a4b8b1f0c11";
    list.clues = clues;
    list.n_clues = 1;
    list.page = &page;
    page.next_cursor = "abc";
    encode_both_ways(codec, &list.base, true, LIST_MORE);
    /* The last page says so with null. */
    page.next_cursor = "";
    cJSON *last = NULL;
    cg_err err;
    cg_err_clear(&err);
    assert_int_equal(cg_pbjson_encode(codec, &list.base, &last, &err), CG_OK);
    assert_true(cJSON_IsNull(cJSON_GetObjectItemCaseSensitive(last, "next_cursor")));
    cJSON_Delete(last);
    cg_pbjson_free(codec);
}

CG_TEST_MAIN(cmocka_unit_test(test_every_rule_is_used), cmocka_unit_test(test_clue_as_it_was),
             cmocka_unit_test(test_case_as_it_was), cmocka_unit_test(test_lists_as_they_were))
