/* Correcting a clue's register through PATCH /api/v1/clues/{id}, as the demo
 * users: the handler and an inspection lead may, another inspector may not,
 * the west never sees the east's clue; each field is checked as at
 * registration and a refused change leaves the clue as it was; the change
 * is allowed only while the clue is open with no proposal waiting (409
 * naming the stage); a corrected received date moves the deadline of a
 * clue in registered; a public report's arrival time cannot change; and the
 * change is a clue.changed entry of the dossier, which still verifies. */
#include "cgt.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

static char *insp_east, *insp_hq, *lead_east, *insp_west;

static int group_setup(void **state)
{
    (void)state;
    insp_east = CGT_LOGIN("inspector.east");
    insp_hq = CGT_LOGIN("inspector");
    lead_east = CGT_LOGIN("lead.east");
    insp_west = CGT_LOGIN("inspector.west");
    return 0;
}

static int group_teardown(void **state)
{
    (void)state;
    cgt_logout(insp_east);
    cgt_logout(insp_hq);
    cgt_logout(lead_east);
    cgt_logout(insp_west);
    return 0;
}

/* PATCH json as token and fail unless it answers want; the answer is the
 * caller's. */
static cgt_response *patch(const char *token, const char *id, const char *json, long want)
{
    cgt_response *r = cgt_patch_clue(token, id, json);
    if (want >= 400)
        CGT_CHECK_PROBLEM(r, want);
    else
        CGT_CHECK_STATUS(r, want);
    return r;
}

/* A date days before today, YYYY-MM-DD (UTC). */
static void days_ago(int days, char out[11])
{
    time_t t = time(NULL) - (time_t)days * 86400;
    strftime(out, 11, "%Y-%m-%d", gmtime(&t));
}

static void handler_and_lead_correct_the_register(void **state)
{
    (void)state;
    char id[37], received[11], body[1024];
    CGT_CREATE_CLUE(insp_east, "east", NULL, id);
    days_ago(10, received);
    snprintf(body, sizeof body,
             "{\"summary\":\"采购评标记录显示围标 corrected\",\"categories\":[\"integrity\","
             "\"work\"],\"subjects\":[{\"name\":\"李某\",\"position\":\"物资部主任\"}],"
             "\"received_date\":\"%s\",\"source_link\":\"letters/2026/118\"}",
             received);
    cgt_response_free(patch(insp_east, id, body, 200));

    cJSON *clue = CGT_GET_CLUE(insp_east, id);
    CGT_CHECK(strcmp(CGT_JSON_STR(clue, "summary"), "采购评标记录显示围标 corrected") == 0,
              "summary not changed: %s", CGT_JSON_STR(clue, "summary"));
    CGT_CHECK(strcmp(CGT_JSON_STR(clue, "source_link"), "letters/2026/118") == 0,
              "source_link not changed");
    const cJSON *cats = cJSON_GetObjectItemCaseSensitive(clue, "categories");
    CGT_CHECK(cJSON_GetArraySize(cats) == 2, "two categories after the change");
    const cJSON *subjects = cJSON_GetObjectItemCaseSensitive(clue, "subjects");
    CGT_CHECK(cJSON_GetArraySize(subjects) == 1 &&
                  strcmp(cgt_json_str(cJSON_GetArrayItem(subjects, 0), "name"), "李某") == 0,
              "the subject is the new one");
    CGT_CHECK(strcmp(CGT_JSON_STR(clue, "received_date"), received) == 0,
              "received_date %s, want %s", CGT_JSON_STR(clue, "received_date"), received);
    /* In registered the deadline is 30 days from receipt: 20 days from now,
     * not 30 as it was. */
    const char *deadline = CGT_JSON_STR(clue, "deadline");
    char expect[11];
    days_ago(-20, expect);
    CGT_CHECK(strncmp(deadline, expect, 10) == 0, "deadline %s, want %s", deadline, expect);
    cJSON_Delete(clue);

    /* The search finds the clue by its new summary. */
    cgt_response *r = cgt_get("/api/v1/clues?q=corrected%20", insp_east);
    CGT_CHECK_STATUS(r, 200);
    CGT_CHECK(strstr(r->body, id) != NULL, "the search finds the corrected summary");
    cgt_response_free(r);

    /* A lead of the unit may correct it too; another inspector may not. */
    cgt_response_free(patch(lead_east, id, "{\"source_link\":null}", 200));
    cgt_response_free(patch(insp_hq, id, "{\"summary\":\"not mine\"}", 403));
    /* Outside the caller's scope the clue does not exist. */
    cgt_response_free(patch(insp_west, id, "{\"summary\":\"west\"}", 404));

    /* Both changes are in the dossier, with their fields, and it holds. */
    char path[128];
    snprintf(path, sizeof path, "/api/v1/clues/%s/dossier?limit=100", id);
    r = cgt_get(path, insp_east);
    CGT_CHECK_STATUS(r, 200);
    const char *first = strstr(r->body, "\"clue.changed\"");
    CGT_CHECK(first != NULL && strstr(first + 1, "\"clue.changed\"") != NULL,
              "two clue.changed entries: %s", r->body);
    CGT_CHECK(strstr(r->body, "subjects,categories,summary,received_date,source_link") != NULL,
              "the first entry names every field: %s", r->body);
    cgt_response_free(r);
    snprintf(path, sizeof path, "/api/v1/clues/%s/dossier/verify", id);
    r = cgt_get(path, insp_east);
    CGT_CHECK_STATUS(r, 200);
    CGT_CHECK(strstr(r->body, "\"whole\":true") != NULL, "the chain holds: %s", r->body);
    cgt_response_free(r);
}

static void bad_input_changes_nothing(void **state)
{
    (void)state;
    char id[37];
    CGT_CREATE_CLUE(insp_east, "east", NULL, id);
    cJSON *before = CGT_GET_CLUE(insp_east, id);
    static const struct {
        const char *body;
        const char *field;
    } bad[] = {
        {"{}", "\"body\""},
        {"{\"status\":\"closed\"}", "\"status\""},
        {"{\"summary\":\"\"}", "\"summary\""},
        {"{\"summary\":42}", "\"summary\""},
        {"{\"categories\":[\"nope\"]}", "\"categories\""},
        {"{\"categories\":[]}", "\"categories\""},
        {"{\"subjects\":[]}", "\"subjects\""},
        {"{\"subjects\":[{\"position\":\"no name\"}]}", "\"subjects[0].name\""},
        {"{\"received_date\":\"2026-02-30\"}", "\"received_date\""},
        {"{\"received_date\":\"2999-01-01\"}", "\"received_date\""},
        {"[1,2]", NULL},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        cgt_response *r = patch(insp_east, id, bad[i].body, 400);
        CGT_CHECK(bad[i].field == NULL || strstr(r->body, bad[i].field) != NULL,
                  "%s: the problem names %s: %s", bad[i].body, bad[i].field, r->body);
        cgt_response_free(r);
    }
    cJSON *after = CGT_GET_CLUE(insp_east, id);
    char *a = cJSON_PrintUnformatted(before), *b = cJSON_PrintUnformatted(after);
    CGT_CHECK(strcmp(a, b) == 0, "a refused change changed the clue:\n%s\n%s", a, b);
    cJSON_free(a);
    cJSON_free(b);
    cJSON_Delete(before);
    cJSON_Delete(after);
}

static void only_while_open(void **state)
{
    (void)state;
    char id[37];
    CGT_CREATE_CLUE(insp_east, "east", NULL, id);
    cgt_response *r = cgt_clue_act(insp_east, id, "/disposal",
                                   "{\"way\":\"shelve\",\"reason\":\"no lead to follow\"}");
    CGT_CHECK_STATUS(r, 200);
    cgt_response_free(r);
    r = patch(insp_east, id, "{\"summary\":\"while proposed\"}", 409);
    CGT_CHECK(strstr(r->body, "disposal_proposed") != NULL, "409 names the stage: %s", r->body);
    cgt_response_free(r);
    /* Shelved, it can be corrected again. */
    r = cgt_clue_act(lead_east, id, "/disposal/approve", NULL);
    CGT_CHECK_STATUS(r, 200);
    cgt_response_free(r);
    cgt_response_free(patch(insp_east, id, "{\"summary\":\"shelved, corrected\"}", 200));
}

static void a_reports_arrival_stays(void **state)
{
    (void)state;
    cgt_report rep;
    CGT_SUBMIT_SIMPLE("edit", "city_a", &rep);
    cJSON *clue = CGT_AWAIT_CLUE(insp_hq, "source_ref", rep.report_id);
    char id[37], received[11], body[128];
    snprintf(id, sizeof id, "%s", CGT_JSON_STR(clue, "id"));
    cJSON_Delete(clue);
    /* A lead of hq may edit a clue with no handler. */
    char *lead_hq = CGT_LOGIN("lead");
    days_ago(3, received);
    snprintf(body, sizeof body, "{\"received_date\":\"%s\"}", received);
    cgt_response *r = patch(lead_hq, id, body, 409);
    CGT_CHECK(strstr(r->body, "public report") != NULL, "409 says why: %s", r->body);
    cgt_response_free(r);
    /* Its summary, the office's own words, can change; the report's content
     * stays the reporter's. */
    r = patch(lead_hq, id, "{\"summary\":\"举报反映的问题摘要\"}", 200);
    const cJSON *obj = CGT_JSON_OBJECT(r);
    CGT_CHECK(strcmp(CGT_JSON_STR(obj, "summary"), "举报反映的问题摘要") == 0, "summary changed");
    CGT_CHECK(strstr(CGT_JSON_STR(obj, "content"), rep.content) != NULL ||
                  strcmp(CGT_JSON_STR(obj, "content"), rep.content) == 0,
              "the report's content is kept: %s", CGT_JSON_STR(obj, "content"));
    cgt_response_free(r);
    cgt_logout(lead_hq);
}

int main(void)
{
    cgt_init("clue_edit", CGT_NEED_GATEWAY);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(handler_and_lead_correct_the_register),
        cmocka_unit_test(bad_input_changes_nothing),
        cmocka_unit_test(only_while_open),
        cmocka_unit_test(a_reports_arrival_stays),
    };
    int failed = cmocka_run_group_tests(tests, group_setup, group_teardown);
    cgt_cleanup();
    return failed;
}
