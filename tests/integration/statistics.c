/* The dashboard's statistics through the API, as the demo east
 * inspector and leads. Clue figures under the list's filters, each with the
 * list filter that shows the same clues; the stage history's average days
 * per stage (a clue received ten days ago and closed now stayed about ten
 * days registered); received and closed per month over every month of the
 * range; a clue the reader recused from is not counted; a range over 120
 * months is refused. Case figures: a filing and a case's move counted, by
 * stage, month and the days of the finished stay, as many as the case list
 * shows under the figure's filter, none of it for the west. */
#include "cgt.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static char *insp_east, *lead_east, *lead_hq, *insp_west;

static int group_setup(void **state)
{
    (void)state;
    insp_east = CGT_LOGIN("inspector.east");
    lead_east = CGT_LOGIN("lead.east");
    lead_hq = CGT_LOGIN("lead");
    insp_west = CGT_LOGIN("inspector.west");
    return 0;
}

static int group_teardown(void **state)
{
    (void)state;
    char **all[] = {&insp_east, &lead_east, &lead_hq, &insp_west};
    for (size_t i = 0; i < sizeof all / sizeof all[0]; i++) {
        cgt_logout(*all[i]);
        *all[i] = NULL;
    }
    return 0;
}

/* A clue at city_a received days_ago days ago, its summary tagged. */
static void clue_tagged(const char *tag, int days_ago, char id[37])
{
    char summary[80];
    snprintf(summary, sizeof summary, "%s %s", "statistics", tag);
    CGT_CREATE_CLUE_RECEIVED(insp_east, "city_a", days_ago, summary, id);
}

static void act_ok(const char *token, const char *id, const char *suffix, const char *json)
{
    cgt_response *r = cgt_clue_act(token, id, suffix, json);
    CGT_CHECK_STATUS(r, 200);
    cgt_response_free(r);
}

/* GET path as token (200); the caller frees the answer. */
static cgt_response *get_ok(const char *path, const char *token)
{
    cgt_response *r = cgt_get(path, token);
    CGT_CHECK_STATUS(r, 200);
    CGT_JSON_OBJECT(r);
    return r;
}

/* The entry of figures for dimension and key, or NULL. */
static const cJSON *figure(const cJSON *j, const char *dimension, const char *key)
{
    const cJSON *it;
    cJSON_ArrayForEach(it, cJSON_GetObjectItem(j, "figures"))
    {
        if (strcmp(cgt_json_str(it, "dimension"), dimension) == 0 &&
            strcmp(cgt_json_str(it, "key"), key) == 0) {
            return it;
        }
    }
    return NULL;
}

/* The count of key in the object member (by_stage, ...), 0 when absent. */
static double number(const cJSON *j, const char *member, const char *key)
{
    const cJSON *n = cJSON_GetObjectItem(cJSON_GetObjectItem(j, member), key);
    return cJSON_IsNumber(n) ? n->valuedouble : 0;
}

/* A field of the stage_days entry of stage (0 when there is none). */
static double stage_days(const cJSON *j, const char *stage, const char *field)
{
    const cJSON *it;
    cJSON_ArrayForEach(it, cJSON_GetObjectItem(j, "stage_days"))
    {
        if (strcmp(cgt_json_str(it, "stage"), stage) == 0) {
            return cJSON_GetObjectItem(it, field)->valuedouble;
        }
    }
    return 0;
}

/* The clues listed as token with the query string filters. */
static int count_listed(const char *token, const char *filters)
{
    char path[600];
    snprintf(path, sizeof path, "/api/v1/clues?limit=100&%s", filters);
    cgt_response *r = get_ok(path, token);
    int n = cJSON_GetArraySize(cJSON_GetObjectItem(r->json, "items"));
    cgt_response_free(r);
    return n;
}

static void clue_figures(void **state)
{
    (void)state;
    char tag[17], old_a[37], old_b[37], fresh[37], path[300], month_now[8], month_old[8];
    cgt_token_hex(tag, 16);
    clue_tagged(tag, 10, old_a);
    clue_tagged(tag, 10, old_b);
    clue_tagged(tag, 0, fresh);
    /* old_a: registered for ten days (and some), then closed now. */
    act_ok(insp_east, old_a, "/disposal",
           "{\"way\":\"close\",\"reason\":\"r\",\"conclusion\":\"c\"}");
    act_ok(lead_east, old_a, "/disposal/approve", NULL);

    snprintf(path, sizeof path, "/api/v1/clues/statistics?q=%s&unit_code=east", tag);
    cgt_response *r = get_ok(path, insp_east);
    const cJSON *j = r->json;
    CGT_CHECK(cJSON_GetObjectItem(j, "total")->valuedouble == 3, "total 3: %s", r->body);
    CGT_CHECK(number(j, "by_stage", "registered") == 2, "two registered: %s", r->body);
    CGT_CHECK(number(j, "by_stage", "closed") == 1, "one closed: %s", r->body);
    CGT_CHECK(number(j, "by_unit", "hq.east.city_a") == 3, "by unit: %s", r->body);
    CGT_CHECK(number(j, "by_source", "letters_visits") == 3, "by source: %s", r->body);
    CGT_CHECK(number(j, "by_category", "integrity") == 3, "by category: %s", r->body);

    /* Every figure's filter lists the clues it counts. */
    const cJSON *it;
    int checked = 0;
    cJSON_ArrayForEach(it, cJSON_GetObjectItem(j, "figures"))
    {
        const char *filter = cgt_json_str(it, "filter");
        if (filter == NULL) {
            continue;
        }
        char f[300];
        snprintf(f, sizeof f, "q=%s&%s", tag, filter);
        CGT_CHECK_INT((int)cJSON_GetObjectItem(it, "count")->valuedouble,
                      count_listed(insp_east, f), f);
        checked++;
    }
    CGT_CHECK(checked >= 6, "figures with a filter: %d", checked);

    /* The stage history: old_a stayed from its receipt (midnight ten days
     * ago) to its proposal, then moments in disposal_proposed. */
    time_t now = time(NULL);
    time_t received = (now - 10 * 86400) / 86400 * 86400;
    double want = (double)(now - received) / 86400.0;
    double got = stage_days(j, "registered", "average_days");
    CGT_CHECK(stage_days(j, "registered", "stays") == 1, "one finished stay: %s", r->body);
    CGT_CHECK(got - want <= 0.11 && want - got <= 0.11, "registered about %.1f days, got %.1f: %s",
              want, got, r->body);
    CGT_CHECK(stage_days(j, "disposal_proposed", "stays") == 1 &&
                  stage_days(j, "disposal_proposed", "average_days") < 0.1,
              "moments in disposal_proposed: %s", r->body);

    /* Every month from the first receipt to this one, none skipped. */
    char d[16];
    cgt_date_ago(10, d);
    snprintf(month_old, sizeof month_old, "%.7s", d);
    cgt_date_ago(0, d);
    snprintf(month_now, sizeof month_now, "%.7s", d);
    const cJSON *months = cJSON_GetObjectItem(j, "by_month");
    int n = cJSON_GetArraySize(months);
    CGT_CHECK(n == (strcmp(month_old, month_now) == 0 ? 1 : 2), "the months spanned: %s", r->body);
    CGT_CHECK_STR(month_old, months->child->string, "first month");
    CGT_CHECK(number(j, "by_month", month_now) == (strcmp(month_old, month_now) == 0 ? 3 : 1),
              "received this month: %s", r->body);
    CGT_CHECK(number(j, "closed_by_month", month_now) == 1, "closed this month: %s", r->body);
    cgt_response_free(r);

    /* Recused: no longer counted for the inspector, still for the lead. */
    act_ok(insp_east, old_b, "/recuse", "{\"reason\":\"my relative\"}");
    r = get_ok(path, insp_east);
    CGT_CHECK(cJSON_GetObjectItem(r->json, "total")->valuedouble == 2, "recused not counted: %s",
              r->body);
    cgt_response_free(r);
    r = get_ok(path, lead_east);
    CGT_CHECK(cJSON_GetObjectItem(r->json, "total")->valuedouble == 3, "the lead counts 3: %s",
              r->body);
    cgt_response_free(r);
    snprintf(path, sizeof path, "/api/v1/clues/statistics?q=%s", tag);
    r = get_ok(path, insp_west);
    CGT_CHECK(cJSON_GetObjectItem(r->json, "total")->valuedouble == 0, "the west counts 0: %s",
              r->body);
    cgt_response_free(r);

    /* More than 120 months, and a bad date, are named. */
    r = cgt_get("/api/v1/clues/statistics?received_from=2010-01-01&received_to=2026-01-01",
                insp_east);
    CGT_CHECK_PROBLEM(r, 400);
    CGT_CHECK(strstr(r->body, "received_from") != NULL, "received_from named: %s", r->body);
    cgt_response_free(r);
    r = get_ok("/api/v1/clues/statistics?received_from=2016-01-01&received_to=2025-12-31",
               insp_east);
    CGT_CHECK_INT(120, cJSON_GetArraySize(cJSON_GetObjectItem(r->json, "by_month")),
                  "ten years, every month");
    cgt_response_free(r);
}

/* A case filed from a new clue of city_a; its id into case_id. */
static void filed_case(char case_id[37])
{
    char id[37];
    CGT_CREATE_CLUE(insp_east, "city_a", NULL, id);
    act_ok(insp_east, id, "/disposal", "{\"way\":\"propose_filing\",\"reason\":\"r\"}");
    act_ok(lead_east, id, "/disposal/approve", NULL);
    cgt_response *r = cgt_clue_act(lead_hq, id, "/file", NULL);
    CGT_CHECK_STATUS(r, 200);
    snprintf(case_id, 37, "%s", CGT_JSON_STR(r->json, "case_id"));
    cgt_response_free(r);
}

static void case_figures(void **state)
{
    (void)state;
    char case_id[37], path[160], month_now[8], d[16];
    cgt_date_ago(0, d);
    snprintf(month_now, sizeof month_now, "%.7s", d);
    const char *mine = "/api/v1/cases/statistics?unit_code=city_a";
    cgt_response *before = get_ok(mine, lead_east);
    cgt_response *west_before = get_ok("/api/v1/cases/statistics", insp_west);

    filed_case(case_id);
    snprintf(path, sizeof path, "/api/v1/cases/%s/actions", case_id);
    const char *body = "{\"action\":\"start_investigation\"}";
    cgt_response *moved = cgt_post_raw(path, insp_east, "application/json", body, strlen(body));
    CGT_CHECK_STATUS(moved, 200);
    cgt_response_free(moved);

    cgt_response *after = get_ok(mine, lead_east);
    const cJSON *a = after->json, *b = before->json;
    CGT_CHECK(cJSON_GetObjectItem(a, "total")->valuedouble ==
                  cJSON_GetObjectItem(b, "total")->valuedouble + 1,
              "one more case: %s", after->body);
    CGT_CHECK(number(a, "by_stage", "investigation") == number(b, "by_stage", "investigation") + 1,
              "under investigation: %s", after->body);
    CGT_CHECK(number(a, "by_month", month_now) == number(b, "by_month", month_now) + 1,
              "filed this month: %s", after->body);
    CGT_CHECK(stage_days(a, "filed", "stays") == stage_days(b, "filed", "stays") + 1,
              "its stay in filed finished: %s", after->body);
    CGT_CHECK_STR("stage=investigation",
                  cgt_json_str(figure(a, "stage", "investigation"), "filter"),
                  "the figure names the case list's filter");
    CGT_CHECK(cJSON_IsNumber(cJSON_GetObjectItem(a, "overdue")), "overdue counted: %s",
              after->body);
    /* The figure's filter on the case list shows as many cases. */
    char list[300];
    snprintf(list, sizeof list, "/api/v1/cases?limit=100&unit_code=city_a&%s",
             cgt_json_str(figure(a, "stage", "investigation"), "filter"));
    cgt_response *listed = get_ok(list, lead_east);
    CGT_CHECK_INT((int)number(a, "by_stage", "investigation"),
                  cJSON_GetArraySize(cJSON_GetObjectItem(listed->json, "items")), list);
    cgt_response_free(listed);

    cgt_response *west_after = get_ok("/api/v1/cases/statistics", insp_west);
    CGT_CHECK(cJSON_GetObjectItem(west_after->json, "total")->valuedouble ==
                  cJSON_GetObjectItem(west_before->json, "total")->valuedouble,
              "the west counts none of it: %s", west_after->body);
    cgt_response_free(before);
    cgt_response_free(after);
    cgt_response_free(west_before);
    cgt_response_free(west_after);

    static const char *const bad[][2] = {
        {"stage=bogus", "stage"},
        {"filed_from=2026-13-01", "filed_from"},
        {"filed_from=2026-02-01&filed_to=2026-01-01", "filed_to"},
        {"unit_code=nowhere", "unit_code"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        char p[200];
        snprintf(p, sizeof p, "/api/v1/cases/statistics?%s", bad[i][0]);
        cgt_response *r = cgt_get(p, lead_east);
        CGT_CHECK_PROBLEM(r, 400);
        CGT_CHECK(strstr(r->body, bad[i][1]) != NULL, "%s is named: %s", bad[i][0], r->body);
        cgt_response_free(r);
    }
}

int main(void)
{
    cgt_init("statistics", CGT_NEED_STACK);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(clue_figures),
        cmocka_unit_test(case_figures),
    };
    int failed = cmocka_run_group_tests_name("statistics", tests, group_setup, group_teardown);
    cgt_cleanup();
    return failed ? 1 : 0;
}
