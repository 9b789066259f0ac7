/* The yearly personal matters report (个人有关事项报告) through the HTTP
 * API: the cadre fills in and submits their own report, checked item by
 * item; a submitted report never changes, and a correction is a new
 * version beside it; next year's report starts from this year's answers;
 * a round's reminders go out once each, the overdue cadres are listed for
 * the office, and a report after the due day is late. */
#include "cgt.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static char *lead, *cadre;
/* Years of this run: the suite's stack is fresh, a developer's is not. */
static int year_a, year_b;

static int setup(void **state)
{
    (void)state;
    lead = CGT_LOGIN("lead.east");
    cadre = CGT_LOGIN("cadre.east");
    char digits[3];
    cgt_random_digits(digits, 2);
    year_a = 2040 + atoi(digits) % 50;
    year_b = year_a + 1;
    /* The demo cadre's file (the suite's stack has no demo files). */
    cgt_response_free(cgt_send_json("POST", "/api/v1/integrity/cadres", lead,
                                    "{\"person_id\":\"HR-CADRE.EAST\",\"name\":\"华东干部\","
                                    "\"unit_code\":\"city_a\"}"));
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    cgt_psql("cg_integrity", "UPDATE service_clock SET offset_s = 0");
    cgt_logout(lead);
    cgt_logout(cadre);
    return 0;
}

/* method path body as token; must answer status. The reply's report (the
 * caller deletes it) or NULL. */
static cJSON *own(const char *method, const char *path, const char *body, long status)
{
    cgt_response *r =
        body != NULL ? cgt_send_json(method, path, cadre, body) : cgt_get(path, cadre);
    if (status >= 400)
        CGT_CHECK_PROBLEM(r, status);
    else
        CGT_CHECK_STATUS(r, status);
    cJSON *out = status < 400 ? cJSON_Duplicate(cJSON_GetObjectItem(r->json, "report"), 1) : NULL;
    cgt_response_free(r);
    return out;
}

static const char *area_of(const cJSON *report)
{
    const cJSON *item;
    cJSON_ArrayForEach(item, cJSON_GetObjectItem(report, "items"))
    {
        if (strcmp(cgt_json_str(item, "item"), "housing") != 0)
            continue;
        const cJSON *f;
        cJSON_ArrayForEach(
            f, cJSON_GetObjectItem(cJSON_GetArrayItem(cJSON_GetObjectItem(item, "entries"), 0),
                                   "fields"))
        {
            if (strcmp(cgt_json_str(f, "name"), "area_m2") == 0)
                return cgt_json_str(f, "value");
        }
    }
    return "";
}

static void test_submit_and_correct(void **state)
{
    (void)state;
    char path[96], body[512];
    snprintf(path, sizeof path, "/api/v1/integrity/me/report?year=%d", year_a);

    /* A draft of one item: saved, but not submitted. */
    snprintf(body, sizeof body,
             "{\"year\":%d,\"items\":[{\"item\":\"housing\",\"entries\":[{\"fields\":[{\"name\":"
             "\"owner\",\"value\":\"本人\"}]}]}]}",
             year_a);
    cJSON *report = own("PUT", "/api/v1/integrity/me/report", body, 200);
    CGT_CHECK_STR("draft", cgt_json_str(report, "state"), "a draft");
    cJSON_Delete(report);
    snprintf(body, sizeof body, "{\"year\":%d}", year_a);
    cgt_response *r = cgt_send_json("POST", "/api/v1/integrity/me/report/submit", cadre, body);
    CGT_CHECK_PROBLEM(r, 400);
    CGT_CHECK(strstr(r->body, "items[0].entries[0].address") != NULL &&
                  strstr(r->body, "must answer marriage") != NULL,
              "the missing field and items are named: %.400s", r->body);
    cgt_response_free(r);

    /* Bad values: a day that is none, a negative area, an unknown item. */
    snprintf(
        body, sizeof body,
        "{\"year\":%d,\"items\":[{\"item\":\"housing\",\"entries\":[{\"fields\":[{\"name\":"
        "\"acquired_on\",\"value\":\"2025-02-30\"},{\"name\":\"area_m2\",\"value\":\"-3\"}]}]},"
        "{\"item\":\"yachts\",\"none\":true}]}",
        year_a);
    r = cgt_send_json("PUT", "/api/v1/integrity/me/report", cadre, body);
    CGT_CHECK_PROBLEM(r, 400);
    CGT_CHECK(strstr(r->body, "items[0].entries[0].acquired_on") &&
                  strstr(r->body, "items[0].entries[0].area_m2") &&
                  strstr(r->body, "items[1].item"),
              "each bad value named: %.400s", r->body);
    cgt_response_free(r);

    /* The whole report, submitted. */
    char *full = cgt_full_report(year_a, "96.5");
    cJSON_Delete(own("PUT", "/api/v1/integrity/me/report", full, 200));
    free(full);
    snprintf(body, sizeof body, "{\"year\":%d}", year_a);
    report = own("POST", "/api/v1/integrity/me/report/submit", body, 200);
    CGT_CHECK_STR("submitted", cgt_json_str(report, "state"), "submitted");
    CGT_CHECK_INT(1, cJSON_GetObjectItem(report, "version")->valueint, "the first version");
    char first_id[37];
    snprintf(first_id, sizeof first_id, "%s", cgt_json_str(report, "id"));
    cJSON_Delete(report);
    snprintf(body, sizeof body, "{\"year\":%d}", year_a);
    r = cgt_send_json("POST", "/api/v1/integrity/me/report/submit", cadre, body);
    CGT_CHECK_PROBLEM(r, 409);
    cgt_response_free(r);

    /* A save after the submission is a correction beside it, never a
     * change of it. */
    full = cgt_full_report(year_a, "120");
    report = own("PUT", "/api/v1/integrity/me/report", full, 200);
    free(full);
    CGT_CHECK_INT(2, cJSON_GetObjectItem(report, "version")->valueint, "a second version");
    CGT_CHECK_STR(first_id, cgt_json_str(report, "corrects_id"), "it corrects the first");
    cJSON_Delete(report);
    snprintf(body, sizeof body, "{\"year\":%d}", year_a);
    r = cgt_send_json("POST", "/api/v1/integrity/me/report/submit", cadre, body);
    CGT_CHECK_PROBLEM(r, 400);
    CGT_CHECK(strstr(r->body, "correction_reason") != NULL, "a correction needs its reason");
    cgt_response_free(r);
    snprintf(body, sizeof body, "{\"year\":%d,\"correction_reason\":\"面积填写有误\"}", year_a);
    cJSON_Delete(own("POST", "/api/v1/integrity/me/report/submit", body, 200));

    /* The office reads both versions, the first as it was submitted. */
    cgt_response *list = cgt_get("/api/v1/integrity/cadres?q=HR-CADRE.EAST", lead);
    CGT_CHECK_STATUS(list, 200);
    char cadre_id[37];
    snprintf(cadre_id, sizeof cadre_id, "%s",
             cgt_json_str(cJSON_GetArrayItem(cJSON_GetObjectItem(list->json, "items"), 0), "id"));
    cgt_response_free(list);
    char reports_path[128];
    snprintf(reports_path, sizeof reports_path, "/api/v1/integrity/cadres/%s/reports", cadre_id);
    r = cgt_get(reports_path, lead);
    CGT_CHECK_STATUS(r, 200);
    int versions = 0;
    const cJSON *rep;
    cJSON_ArrayForEach(rep, cJSON_GetObjectItem(r->json, "reports"))
    {
        if (cJSON_GetObjectItem(rep, "year")->valueint != year_a)
            continue;
        versions++;
        int v = cJSON_GetObjectItem(rep, "version")->valueint;
        CGT_CHECK_STR(v == 1 ? "96.5" : "120", area_of(rep), "each version's own answers");
    }
    CGT_CHECK_INT(2, versions, "both versions kept");
    cgt_response_free(r);
    /* Nor does the database let anyone change a submitted version. */
    char sql[200];
    snprintf(sql, sizeof sql, "UPDATE reports SET answers = '[]' WHERE id = '%s'", first_id);
    CGT_CHECK(cgt_psql("cg_integrity", sql) != 0, "a submitted report is fixed");
    /* The cadre reads no one's reports through the office's routes. */
    r = cgt_get(reports_path, cadre);
    CGT_CHECK_PROBLEM(r, 403);
    cgt_response_free(r);
    char *hr = CGT_LOGIN("hr.east");
    r = cgt_get(reports_path, hr);
    CGT_CHECK_PROBLEM(r, 403);
    cgt_response_free(r);
    r = cgt_get("/api/v1/integrity/me/report", hr);
    CGT_CHECK_PROBLEM(r, 403);
    cgt_response_free(r);
    cgt_logout(hr);

    /* Next year's report starts from the latest answers. */
    snprintf(path, sizeof path, "/api/v1/integrity/me/report?year=%d", year_b);
    report = own("GET", path, NULL, 200);
    CGT_CHECK_STR("new", cgt_json_str(report, "state"), "nothing saved yet");
    CGT_CHECK_INT(year_a, cJSON_GetObjectItem(report, "prefilled_from_year")->valueint,
                  "started from the last year's report");
    CGT_CHECK_STR("120", area_of(report), "with its corrected answers");
    cJSON_Delete(report);
}

typedef struct reminder_probe {
    const char *cadre_id;
    const char *round_id;
    const char *kind;
} reminder_probe;

static bool reminded(void *arg)
{
    reminder_probe *p = arg;
    char sql[256];
    snprintf(sql, sizeof sql,
             "SELECT count(*) FROM report_reminders WHERE round_id = '%s' AND cadre_id = '%s'"
             " AND kind = '%s'",
             p->round_id, p->cadre_id, p->kind);
    return cgt_psql_number("cg_integrity", sql) == 1;
}

/* The state of cadre_id in the round, as the office lists it. */
static void round_state(const char *round_id, const char *cadre_id, char *out, size_t size)
{
    char path[128];
    snprintf(path, sizeof path, "/api/v1/integrity/rounds/%s/cadres", round_id);
    cgt_response *r = cgt_get(path, lead);
    CGT_CHECK_STATUS(r, 200);
    const cJSON *row = cgt_find_where(cJSON_GetObjectItem(r->json, "cadres"), "cadre_id", cadre_id);
    snprintf(out, size, "%s", row != NULL ? cgt_json_str(row, "state") : "absent");
    cgt_response_free(r);
}

static void test_round_reminders_overdue(void **state)
{
    (void)state;
    char person[40], slacker[37], body[256], round_id[37], today[16], sql[320];
    /* A unit of its own for the round: city_b, with one cadre in it who
     * never reports. */
    cgt_person_id("RP", person);
    CGT_CREATE_CADRE(lead, person, "city_b", slacker);
    cgt_date_ago(-10, today);
    snprintf(body, sizeof body,
             "{\"year\":%d,\"unit_code\":\"city_b\",\"due_on\":\"%s\",\"remind_days\":14}", year_b,
             today);
    cgt_response *r = cgt_send_json("POST", "/api/v1/integrity/rounds", lead, body);
    CGT_CHECK_STATUS(r, 201);
    snprintf(round_id, sizeof round_id, "%s", CGT_JSON_STR(r->json, "id"));
    cgt_response_free(r);
    r = cgt_send_json("POST", "/api/v1/integrity/rounds", lead, body);
    CGT_CHECK_PROBLEM(r, 409);
    cgt_response_free(r);
    char *west = CGT_LOGIN("lead.west");
    r = cgt_send_json("POST", "/api/v1/integrity/rounds", west, body);
    CGT_CHECK_PROBLEM(r, 400);
    cgt_response_free(r);
    cgt_logout(west);

    /* Due in ten days, reminders fourteen ahead: reminded now, once. */
    reminder_probe p = {.cadre_id = slacker, .round_id = round_id, .kind = "due_soon"};
    CGT_CHECK(cgt_eventually(CGT_DEADLINE_MS, CGT_POLL_MS, reminded, &p), "reminded before");
    char state_now[32];
    round_state(round_id, slacker, state_now, sizeof state_now);
    CGT_CHECK_STR("not_started", state_now, "nothing reported yet");

    /* Past the due day: overdue, reminded again, listed for the office. */
    CGT_CHECK(cgt_psql("cg_integrity", "UPDATE service_clock SET offset_s = 11 * 86400") == 0,
              "move the clock");
    p.kind = "overdue";
    CGT_CHECK(cgt_eventually(CGT_DEADLINE_MS, CGT_POLL_MS, reminded, &p), "reminded as overdue");
    round_state(round_id, slacker, state_now, sizeof state_now);
    CGT_CHECK_STR("overdue", state_now, "listed as overdue");
    char path[160];
    snprintf(path, sizeof path, "/api/v1/integrity/rounds/%s/cadres?state=overdue", round_id);
    /* The overdue list names the cadre, and reading it is audited, each
     * cadre named; so is the list of rounds. */
    cgt_check_list_read(lead, path, "cadres", "cadre_id", slacker, "integrity.round_read",
                        round_id);
    snprintf(path, sizeof path, "/api/v1/integrity/rounds?year=%d", year_b);
    cgt_check_list_read(lead, path, "rounds", "id", round_id, "integrity.round_list", NULL);
    /* More ticks pass: still one reminder of each kind, each a record of
     * the file. */
    cgt_sleep_ms(1000);
    snprintf(sql, sizeof sql,
             "SELECT count(*) FROM records WHERE person_id = '%s' AND section = 'reminder'"
             " AND source_ref LIKE 'reminder:%s:%%'",
             person, round_id);
    CGT_CHECK_INT(2, cgt_psql_number("cg_integrity", sql), "two reminders of the round");
    cJSON *file = CGT_GET_CADRE_FILE(lead, slacker);
    int in_file = 0;
    const cJSON *x;
    cJSON_ArrayForEach(x, cJSON_GetObjectItem(file, "records"))
    {
        in_file += strcmp(cgt_json_str(x, "section"), "reminder") == 0 &&
                   strstr(cgt_json_str(x, "source_ref"), round_id) != NULL;
    }
    CGT_CHECK_INT(2, in_file, "the reminders are in the file");
    cJSON_Delete(file);
    cgt_psql("cg_integrity", "UPDATE service_clock SET offset_s = 0");
}

static void test_late_report(void **state)
{
    (void)state;
    char body[256], yesterday[16];
    int year = year_b + 1;
    /* cadre.east's file is in city_a: a round of city_a due yesterday. */
    cgt_date_ago(1, yesterday);
    snprintf(body, sizeof body, "{\"year\":%d,\"unit_code\":\"city_a\",\"due_on\":\"%s\"}", year,
             yesterday);
    cgt_response *r = cgt_send_json("POST", "/api/v1/integrity/rounds", lead, body);
    CGT_CHECK_STATUS(r, 201);
    char round_id[37];
    snprintf(round_id, sizeof round_id, "%s", CGT_JSON_STR(r->json, "id"));
    cgt_response_free(r);
    char *full = cgt_full_report(year, "80");
    cJSON_Delete(own("PUT", "/api/v1/integrity/me/report", full, 200));
    free(full);
    snprintf(body, sizeof body, "{\"year\":%d}", year);
    cJSON *report = own("POST", "/api/v1/integrity/me/report/submit", body, 200);
    CGT_CHECK(cJSON_IsTrue(cJSON_GetObjectItem(report, "late")), "submitted after its due day");
    /* The file was opened after the due day (today), yet the cadre
     * reported for the round's year: one of the round, counted late. */
    char state_now[32];
    round_state(round_id, cgt_json_str(report, "cadre_id"), state_now, sizeof state_now);
    CGT_CHECK_STR("late", state_now, "the late report is the round's");
    cJSON_Delete(report);
}

int main(void)
{
    cgt_init("integrity_reports", CGT_NEED_GATEWAY);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_submit_and_correct),
        cmocka_unit_test(test_round_reminders_overdue),
        cmocka_unit_test(test_late_report),
    };
    int failed = cmocka_run_group_tests_name("integrity_reports", tests, setup, teardown);
    cgt_cleanup();
    return failed ? 1 : 0;
}
