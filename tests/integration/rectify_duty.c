/* The yearly responsibility lists (主体责任清单) and their documentary
 * assessment (纪实考核) through the API, as the demo users: the office sets
 * city_a's list for a year with two items; east's unit leader records its
 * work with a document of the list's file; an inspector of city_a itself
 * may not confirm it, hq's inspector does; the lead scores both items once
 * (a second score is refused); the assessment table for the year shows
 * city_a with its total, west's unit leader sees nothing of it; bad input
 * answers 400 naming the field and stores nothing; every step is in the
 * list's hash-chained file and on the bus; and the table exports as an
 * XLSX workbook with the rows. */
#include "cgt.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

enum { LEAD, INSPECTOR, UNIT_EAST, UNIT_WEST, AUDITOR, ADMIN_EAST, USERS };
static const char *const usernames[USERS] = {"lead",          "inspector", "unitlead.east",
                                             "unitlead.west", "auditor",   "admin.east"};
static char *tokens[USERS];

static int group_setup(void **state)
{
    (void)state;
    for (int i = 0; i < USERS; i++)
        tokens[i] = CGT_LOGIN(usernames[i]);
    return 0;
}

static int group_teardown(void **state)
{
    (void)state;
    for (int i = 0; i < USERS; i++) {
        cgt_logout(tokens[i]);
        tokens[i] = NULL;
    }
    return 0;
}

/* POST body (JSON text) to path as token, which must answer want; for a
 * 4xx a problem whose text holds says. The answer's object is parsed into
 * *out when out is not NULL (cJSON_Delete). */
static void post_answers(const char *token, const char *path, const char *body, long want,
                         const char *says, cJSON **out)
{
    cgt_response *r = cgt_post_raw(path, token, "application/json", body, strlen(body));
    if (want >= 400)
        CGT_CHECK_PROBLEM(r, want);
    else
        CGT_CHECK_STATUS(r, want);
    if (says != NULL)
        CGT_CHECK(strstr(r->body, says) != NULL, "POST %s: the answer says \"%s\": %.400s", path,
                  says, r->body);
    if (out != NULL)
        *out = cJSON_Duplicate(CGT_JSON_OBJECT(r), true);
    cgt_response_free(r);
}

/* POST body to /api/v1/rectify/duty-lists/<id><suffix>. */
static void step(const char *token, const char *id, const char *suffix, const char *body, long want,
                 const char *says)
{
    char path[160];
    snprintf(path, sizeof path, "/api/v1/rectify/duty-lists/%s%s", id, suffix);
    post_answers(token, path, body, want, says, NULL);
}

/* The list as token sees it: 200 and its object (cJSON_Delete), or NULL
 * after the status want (404). */
static cJSON *get_list(const char *token, const char *id, long want)
{
    char path[128];
    snprintf(path, sizeof path, "/api/v1/rectify/duty-lists/%s", id);
    cgt_response *r = cgt_get(path, token);
    cJSON *list = NULL;
    if (want == 200) {
        CGT_CHECK_STATUS(r, 200);
        list = cJSON_Duplicate(CGT_JSON_OBJECT(r), true);
    } else {
        CGT_CHECK_PROBLEM(r, want);
    }
    cgt_response_free(r);
    return list;
}

static const cJSON *item_of(const cJSON *list, int seq)
{
    const cJSON *it;
    cJSON_ArrayForEach(it, cJSON_GetObjectItem(list, "items"))
    {
        if ((int)cJSON_GetNumberValue(cJSON_GetObjectItem(it, "seq")) == seq)
            return it;
    }
    CGT_FAIL("the list has no item %d", seq);
    return NULL;
}

static long long num(const cJSON *obj, const char *key)
{
    return (long long)cJSON_GetNumberValue(cJSON_GetObjectItem(obj, key));
}

/* A year of the past no list of city_a has yet, so the test runs again on
 * the same stack; its work was done and its end has come, so it is scored. */
static int fresh_year(void)
{
    long long now = cgt_psql_number("cg_rectify", "SELECT extract(year FROM rectify_today())");
    CGT_CHECK(now > 2001, "the service's year: %lld", now);
    for (int tries = 0; tries < 200; tries++) {
        char mark[5], sql[256];
        cgt_random_digits(mark, 4);
        int year = 2001 + atoi(mark) % (int)(now - 2001);
        snprintf(sql, sizeof sql,
                 "SELECT count(*) FROM duty_lists WHERE org_path = 'hq.east.city_a'"
                 " AND year = %d",
                 year);
        if (cgt_psql_number("cg_rectify", sql) == 0)
            return year;
    }
    CGT_FAIL("no year left without a list for city_a");
    return 0;
}

/* An inspector of the unit itself, made by the east admin; its token. */
static char *inspector_of(const char *unit)
{
    char username[48], mark[9], body[256];
    cgt_token_hex(mark, 8);
    snprintf(username, sizeof username, "duty.%s", mark);
    snprintf(body, sizeof body,
             "{\"username\":\"%s\",\"display_name\":\"纪实测试 Duty test\","
             "\"roles\":[\"inspector\"],\"org_unit\":\"%s\",\"password\":\"duty-test-password-9\"}",
             username, unit);
    post_answers(tokens[ADMIN_EAST], "/api/v1/accounts", body, 201, NULL, NULL);
    char *token = NULL;
    CGT_CHECK_INT(200, cgt_try_login(username, "duty-test-password-9", &token),
                  "the new account logs in");
    return token;
}

/* Upload a small PDF of its own to the list as token: its sha256 into sha. */
static void upload(const char *token, const char *id, char sha[72])
{
    char pdf[160], path[192], mark[17];
    cgt_token_hex(mark, 16);
    int n = snprintf(pdf, sizeof pdf, "%%PDF-1.4\n%% %s\n1 0 obj<<>>endobj\n%%%%EOF\n", mark);
    snprintf(path, sizeof path, "/api/v1/rectify/duty-lists/%s/documents?name=work.pdf", id);
    cgt_response *r = cgt_post_raw(path, token, "application/pdf", pdf, (size_t)n);
    CGT_CHECK_STATUS(r, 201);
    snprintf(sha, 72, "%s", CGT_JSON_STR(CGT_JSON_OBJECT(r), "sha256"));
    cgt_response_free(r);
}

static long long lists_of_city_a(void)
{
    return cgt_psql_number("cg_rectify",
                           "SELECT count(*) FROM duty_lists WHERE org_path = 'hq.east.city_a'");
}

/* The table of year as token sees it: the entry of city_a (NULL when it is
 * not there) into *entry, the whole answer returned (cJSON_Delete). */
static cJSON *table(const char *token, int year, const cJSON **entry)
{
    char path[96];
    snprintf(path, sizeof path, "/api/v1/rectify/duty-lists?year=%d", year);
    cgt_response *r = cgt_get(path, token);
    CGT_CHECK_STATUS(r, 200);
    cJSON *all = cJSON_Duplicate(CGT_JSON_OBJECT(r), true);
    cgt_response_free(r);
    *entry = NULL;
    const cJSON *e;
    cJSON_ArrayForEach(e, cJSON_GetObjectItem(all, "items"))
    {
        if (strcmp(cgt_json_str(e, "unit_code"), "city_a") == 0)
            *entry = e;
    }
    return all;
}

/* The export of year as the lead, unzipped: the worksheet's XML into a
 * new string (free()). */
static char *exported_sheet(int year)
{
    char path[128], file[] = "/tmp/cg-duty-export-XXXXXX", cmd[160];
    snprintf(path, sizeof path, "/api/v1/rectify/duty-lists/export?year=%d", year);
    cgt_response *r = cgt_get(path, tokens[LEAD]);
    CGT_CHECK_STATUS(r, 200);
    CGT_CHECK(strstr(r->content_type, "spreadsheetml") != NULL, "an XLSX workbook: %s",
              r->content_type);
    int fd = mkstemp(file);
    CGT_CHECK(fd >= 0 && write(fd, r->body, r->body_len) == (ssize_t)r->body_len,
              "the workbook written to %s", file);
    close(fd);
    cgt_response_free(r);
    snprintf(cmd, sizeof cmd, "unzip -p %s xl/worksheets/sheet1.xml", file);
    FILE *p = popen(cmd, "r");
    CGT_CHECK(p != NULL, "unzip runs");
    size_t cap = 1 << 20, len = 0, got;
    char *xml = malloc(cap + 1);
    while (xml != NULL && (got = fread(xml + len, 1, cap - len, p)) > 0)
        len += got;
    CGT_CHECK_INT(0, pclose(p), "unzip's exit");
    unlink(file);
    xml[len] = '\0';
    return xml;
}

static void list_assessed_across_units(void **state)
{
    (void)state;
    char body[1024], id[37], sha[72], actions[2048], path[160];
    int year = fresh_year();
    cJSON *list = NULL;

    snprintf(body, sizeof body,
             "{\"unit_code\":\"city_a\",\"year\":%d,\"items\":["
             "{\"text\":\"落实党风廉政建设主体责任\",\"leader\":\"张三\","
             "\"standard\":\"每季度专题研究一次\"},"
             "{\"text\":\"开展廉政谈话\",\"leader\":\"李四\",\"from_month\":4,\"to_month\":6,"
             "\"standard\":\"谈话全覆盖\"}]}",
             year);
    post_answers(tokens[LEAD], "/api/v1/rectify/duty-lists", body, 200, NULL, &list);
    snprintf(id, sizeof id, "%s", cgt_json_str(list, "id"));
    CGT_CHECK(cgt_is_uuid(id), "the list's id: %s", id);
    CGT_CHECK_INT(2, cJSON_GetArraySize(cJSON_GetObjectItem(list, "items")), "the list's items");
    CGT_CHECK_INT(4, num(item_of(list, 2), "from_month"), "item 2's period starts in April");
    CGT_CHECK_INT(12, num(item_of(list, 1), "to_month"), "item 1 runs the whole year");
    cJSON_Delete(list);

    /* The unit records its work with a document of the list's file. */
    upload(tokens[UNIT_EAST], id, sha);
    snprintf(body, sizeof body,
             "{\"item\":1,\"note\":\"召开专题会议\",\"done_on\":\"%d-03-15\",\"sha256\":\"%s\"}",
             year, sha);
    step(tokens[UNIT_EAST], id, "/records", body, 201, NULL);
    /* Another year's day, and a document of no list: named, nothing stored. */
    snprintf(body, sizeof body,
             "{\"item\":1,\"note\":\"x\",\"done_on\":\"%d-03-15\",\"sha256\":\"%064d\"}", year + 1,
             0);
    step(tokens[UNIT_EAST], id, "/records", body, 400, "done_on");
    step(tokens[UNIT_EAST], id, "/records", body, 400, "sha256");
    /* The office does not record the unit's work. */
    step(tokens[INSPECTOR], id, "/records", body, 403, NULL);
    list = get_list(tokens[LEAD], id, 200);
    const cJSON *records = cJSON_GetObjectItem(item_of(list, 1), "records");
    CGT_CHECK_INT(1, cJSON_GetArraySize(records), "records after refused ones");
    char record_id[37];
    snprintf(record_id, sizeof record_id, "%s", cgt_json_str(cJSON_GetArrayItem(records, 0), "id"));
    CGT_CHECK_STR("recorded", cgt_json_str(cJSON_GetArrayItem(records, 0), "state"),
                  "a new record");
    cJSON_Delete(list);

    /* Not by the unit's own people: an inspector of city_a. */
    char *own = inspector_of("city_a");
    snprintf(body, sizeof body, "{\"record_id\":\"%s\"}", record_id);
    step(own, id, "/confirm", body, 409, "may not be of the responsible unit");
    cgt_logout(own);
    step(tokens[UNIT_EAST], id, "/confirm", body, 403, NULL);
    step(tokens[INSPECTOR], id, "/confirm", body, 200, "\"confirmed\"");
    step(tokens[INSPECTOR], id, "/confirm", body, 409, "the record is confirmed already");

    /* Bad scores: named, nothing stored. */
    step(tokens[LEAD], id, "/scores", "{\"item\":2,\"outcome\":\"partly\",\"score\":101}", 400,
         "score");
    step(tokens[LEAD], id, "/scores", "{\"item\":2,\"outcome\":\"unknown\",\"score\":60}", 400,
         "outcome");
    step(tokens[LEAD], id, "/scores", "{\"item\":2,\"outcome\":\"partly\"}", 400, "score");
    step(tokens[LEAD], id, "/scores", "{\"item\":3,\"outcome\":\"partly\",\"score\":60}", 400,
         "item");
    step(tokens[UNIT_EAST], id, "/scores", "{\"item\":2,\"outcome\":\"done\",\"score\":100}", 403,
         NULL);
    list = get_list(tokens[LEAD], id, 200);
    CGT_CHECK_INT(0, num(list, "scored_count"), "scored items after refused scores");
    cJSON_Delete(list);

    step(tokens[LEAD], id, "/scores",
         "{\"item\":1,\"outcome\":\"done\",\"score\":95,\"note\":\"纪实完整\"}", 200, NULL);
    step(tokens[LEAD], id, "/scores", "{\"item\":2,\"outcome\":\"partly\",\"score\":60}", 200,
         NULL);
    step(tokens[LEAD], id, "/scores", "{\"item\":2,\"outcome\":\"done\",\"score\":90}", 409,
         "item 2 is scored already");
    /* A scored list is fixed, and so is the record of a scored item. */
    snprintf(body, sizeof body,
             "{\"item\":2,\"note\":\"补记\",\"done_on\":\"%d-05-01\",\"sha256\":\"%s\"}", year,
             sha);
    step(tokens[UNIT_EAST], id, "/records", body, 409, "item 2 is scored");

    /* The assessment table: city_a with its total, for the office and the
     * auditor; nothing of it for the west. */
    const cJSON *entry = NULL;
    cJSON *all = table(tokens[LEAD], year, &entry);
    CGT_CHECK(entry != NULL, "the table lists city_a");
    CGT_CHECK_INT(155, num(entry, "score_total"), "city_a's total");
    CGT_CHECK_INT(1, num(entry, "done_count"), "items done");
    CGT_CHECK_INT(1, num(entry, "partly_count"), "items partly done");
    CGT_CHECK_INT(0, num(entry, "not_done_count"), "items not done");
    CGT_CHECK(cJSON_GetNumberValue(cJSON_GetObjectItem(entry, "score_average")) == 77.5,
              "city_a's average: %s", cJSON_PrintUnformatted(entry));
    long long previous = 1000;
    cJSON_ArrayForEach(entry, cJSON_GetObjectItem(all, "items"))
    {
        CGT_CHECK(num(entry, "score_total") <= previous, "highest total first");
        previous = num(entry, "score_total");
    }
    cJSON_Delete(all);
    all = table(tokens[AUDITOR], year, &entry);
    CGT_CHECK(entry != NULL, "the auditor reads the table");
    cJSON_Delete(all);
    all = table(tokens[UNIT_WEST], year, &entry);
    CGT_CHECK(entry == NULL, "west's unit leader sees no city_a");
    cJSON_Delete(all);
    cJSON_Delete(get_list(tokens[UNIT_WEST], id, 404));
    snprintf(path, sizeof path, "/api/v1/rectify/duty-lists/%s/dossier", id);
    cgt_response *r = cgt_get(path, tokens[UNIT_WEST]);
    CGT_CHECK_PROBLEM(r, 404);
    cgt_response_free(r);
    snprintf(body, sizeof body,
             "{\"item\":1,\"note\":\"x\",\"done_on\":\"%d-05-01\",\"sha256\":\"%s\"}", year, sha);
    step(tokens[UNIT_WEST], id, "/records", body, 404, NULL);

    /* Every step in the list's file, and on the bus. */
    cgt_dossier_actions(tokens[LEAD], "rectify/duty-lists", id, actions, sizeof actions);
    const char *want = "duty.list_set,document.added,duty.work_recorded,duty.work_confirmed,"
                       "duty.scored,duty.scored";
    CGT_CHECK(strncmp(actions, want, strlen(want)) == 0, "the file's steps: %s", actions);
    CGT_CHECK(cgt_psql_number("cg_rectify", "SELECT count(*) FROM cg_outbox WHERE subject IN"
                                            " ('cg.evt.rectify.duty.list_set',"
                                            " 'cg.evt.rectify.duty.work_recorded',"
                                            " 'cg.evt.rectify.duty.work_confirmed',"
                                            " 'cg.evt.rectify.duty.scored')"
                                            " AND created_at > now() - interval '10 minutes'") >= 5,
              "the steps' events");

    /* The table as a workbook, with the rows. */
    char *xml = exported_sheet(year);
    CGT_CHECK(strstr(xml, "city_a") != NULL && strstr(xml, "开展廉政谈话") != NULL &&
                  strstr(xml, "部分完成") != NULL,
              "the workbook's rows: %.600s", xml);
    free(xml);
    snprintf(path, sizeof path, "/api/v1/rectify/duty-lists/export?year=%d&format=csv", year);
    r = cgt_get(path, tokens[LEAD]);
    CGT_CHECK_STATUS(r, 200);
    CGT_CHECK(strstr(r->body, "落实党风廉政建设主体责任") != NULL, "the CSV's rows: %.300s",
              r->body);
    cgt_response_free(r);
    r = cgt_get("/api/v1/rectify/duty-lists/export?year=1999", tokens[LEAD]);
    CGT_CHECK_PROBLEM(r, 400);
    CGT_CHECK(strstr(r->body, "year") != NULL, "the export names year: %s", r->body);
    cgt_response_free(r);
}

/* Bad lists: 400 naming the field, nothing stored. */
static void bad_lists_change_nothing(void **state)
{
    (void)state;
    static const char item[] = "{\"text\":\"x\",\"leader\":\"y\",\"standard\":\"z\"}";
    char body[512];
    const struct {
        const char *unit;
        int year;
        const char *items;
        const char *field;
    } bad[] = {
        {"nowhere", 2020, item, "unit_code"},
        {"city_a", 1999, item, "year"},
        {"city_a", 3000, item, "year"},
        {"city_a", 2020, "", "items"},
        {"city_a", 2020,
         "{\"text\":\"x\",\"leader\":\"y\",\"standard\":\"z\",\"from_month\":7,"
         "\"to_month\":3}",
         "items[0].to_month"},
        {"city_a", 2020, "{\"text\":\"\",\"leader\":\"y\",\"standard\":\"z\"}", "items[0].text"},
    };
    long long before = lists_of_city_a();
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        snprintf(body, sizeof body, "{\"unit_code\":\"%s\",\"year\":%d,\"items\":[%s]}",
                 bad[i].unit, bad[i].year, bad[i].items);
        post_answers(tokens[LEAD], "/api/v1/rectify/duty-lists", body, 400, bad[i].field, NULL);
    }
    CGT_CHECK_INT(before, lists_of_city_a(), "city_a's lists after refused ones");
    /* The unit does not set its own list; the west's office not the east's. */
    snprintf(body, sizeof body, "{\"unit_code\":\"city_a\",\"year\":2020,\"items\":[%s]}", item);
    post_answers(tokens[UNIT_EAST], "/api/v1/rectify/duty-lists", body, 403, NULL, NULL);
    char *west = CGT_LOGIN("inspector.west");
    post_answers(west, "/api/v1/rectify/duty-lists", body, 400, "outside your scope", NULL);
    cgt_logout(west);
    CGT_CHECK_INT(before, lists_of_city_a(), "city_a's lists after refused ones");
    cgt_response *r = cgt_get("/api/v1/rectify/duty-lists?year=3000", tokens[LEAD]);
    CGT_CHECK_PROBLEM(r, 400);
    CGT_CHECK(strstr(r->body, "year") != NULL, "the table names year: %s", r->body);
    cgt_response_free(r);
}

CGT_MAIN("rectify_duty", 0,
         cmocka_unit_test_setup_teardown(list_assessed_across_units, group_setup, group_teardown),
         cmocka_unit_test_setup_teardown(bad_lists_change_nothing, group_setup, group_teardown))
