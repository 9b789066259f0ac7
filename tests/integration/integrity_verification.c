/* Verification (查核) through the HTTP API: a cadre's submitted report
 * compared item by item with what the registers show, each difference
 * named in the terms of the rules (a smaller flat is an omission, 漏报; a
 * company not reported at all is a concealment, 瞒报); the verifier
 * confirms or overrides each finding with a reason; the conclusion goes
 * into the file, and work in progress stays out of the cadre's view. The
 * draw takes a reproducible share and every key case. */
#include "cgt.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define COMPANY_CODE "91350100M000100Y43"

static char *lead, *cadre;
static char cadre_id[37];
static int year;

static int setup(void **state)
{
    (void)state;
    lead = CGT_LOGIN("lead.east");
    cadre = CGT_LOGIN("cadre.east");
    CGT_DEMO_CADRE_FILE(lead, cadre_id);
    year = cgt_unreported_year();
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    cgt_logout(lead);
    cgt_logout(cadre);
    return 0;
}

static cJSON *post_ok(const char *path, const char *body, long status)
{
    cgt_response *r = cgt_send_json("POST", path, lead, body);
    CGT_CHECK_STATUS(r, status);
    cJSON *out = cJSON_Duplicate(r->json, 1);
    cgt_response_free(r);
    return out;
}

static void post_problem(const char *path, const char *body, long status, const char *mention)
{
    cgt_response *r = cgt_send_json("POST", path, lead, body);
    CGT_CHECK_PROBLEM(r, status);
    if (mention != NULL)
        CGT_CHECK(strstr(r->body, mention) != NULL, "%s names %s: %.300s", path, mention, r->body);
    cgt_response_free(r);
}

/* POST to path a body whose leading '{' gets the test's year first. */
static char *with_year(const char *body)
{
    size_t n = strlen(body) + 32;
    char *out = malloc(n);
    CGT_CHECK(out != NULL && body[0] == '{', "a JSON object");
    snprintf(out, n, "{\"year\":%d,%s", year, body + 1);
    return out;
}

static void add_reference(const char *path, const char *body, long status, const char *mention)
{
    char *b = with_year(body);
    if (status < 300)
        cJSON_Delete(post_ok(path, b, status));
    else
        post_problem(path, b, status, mention);
    free(b);
}

static const cJSON *finding_of(const cJSON *v, const char *item)
{
    return cgt_find_where(cJSON_GetObjectItem(v, "findings"), "item", item);
}

/* Whether the cadre's own file holds a verification record. */
static bool own_file_shows_verification(void)
{
    cgt_response *r = cgt_get("/api/v1/integrity/me", cadre);
    CGT_CHECK_STATUS(r, 200);
    bool found = cgt_find_where(cJSON_GetObjectItem(r->json, "records"), "section",
                                "verification") != NULL &&
                 strstr(r->body, "报告查核") != NULL;
    char mark[16];
    snprintf(mark, sizeof mark, "%d年度", year);
    found = found && strstr(r->body, mark) != NULL;
    cgt_response_free(r);
    return found;
}

static void test_concealed_company_found(void **state)
{
    (void)state;
    char path[160], body[640];

    /* The cadre reports one flat of 80 m², no company stakes. */
    CGT_SUBMIT_FULL_REPORT(cadre, year, "80");

    /* The registers: the flat at 96.5 m², the spouse's stake in a company,
     * the salary as reported. A bad code is refused. */
    snprintf(path, sizeof path, "/api/v1/integrity/cadres/%s/references", cadre_id);
    add_reference(path,
                  "{\"item\":\"housing\",\"note\":\"不动产登记查询\",\"fields\":["
                  "{\"name\":\"owner\",\"value\":\"本人\"},{\"name\":\"address\",\"value\":"
                  "\"A市幸福路1号\"},{\"name\":\"area_m2\",\"value\":\"96.5\"}]}",
                  201, NULL);
    add_reference(path,
                  "{\"item\":\"company_stakes\",\"fields\":[{\"name\":\"holder\",\"value\":\"配偶"
                  "\"},{\"name\":\"company\",\"value\":\"华东物资贸易有限公司\"},{\"name\":"
                  "\"credit_code\",\"value\":\"91350100M000100Y44\"},{\"name\":\"share_percent\","
                  "\"value\":\"30\"}]}",
                  400, "credit_code");
    add_reference(path,
                  "{\"item\":\"company_stakes\",\"note\":\"企业信用信息公示系统\",\"fields\":"
                  "[{\"name\":\"holder\",\"value\":\"配偶\"},{\"name\":\"company\",\"value\":"
                  "\"华东物资贸易有限公司\"},{\"name\":\"credit_code\",\"value\":\"" COMPANY_CODE
                  "\"},{\"name\":\"share_percent\",\"value\":\"30\"}]}",
                  201, NULL);
    add_reference(path,
                  "{\"item\":\"salary\",\"fields\":[{\"name\":\"annual_yuan\",\"value\":"
                  "\"260000\"}]}",
                  201, NULL);

    /* Drawn as a key case (a promotion candidate) with a share of 10%. */
    snprintf(
        body, sizeof body,
        "{\"year\":%d,\"unit_code\":\"city_a\",\"seed\":\"it-%d\",\"key_cadres\":[{\"cadre_id\":"
        "\"%s\",\"reason\":\"promotion_candidate\"}]}",
        year, year, cadre_id);
    cJSON *draw = post_ok("/api/v1/integrity/verification-draws", body, 201);
    CGT_CHECK(cJSON_GetObjectItem(draw, "by_key")->valueint == 1, "one key case");
    CGT_CHECK_INT(10, cJSON_GetObjectItem(draw, "share_percent")->valueint, "the default share");
    cJSON_Delete(draw);
    cJSON *mine = CGT_VERIFICATION_OF(lead, year, "city_a", cadre_id);
    CGT_CHECK_STR("key", cgt_json_str(mine, "reason"), "as a key case");
    char vid[37];
    snprintf(vid, sizeof vid, "%s", cgt_json_str(mine, "id"));
    cJSON_Delete(mine);
    /* The list's read is audited with every verification it named. */
    snprintf(path, sizeof path, "/api/v1/integrity/verifications?year=%d&unit_code=city_a", year);
    cgt_check_list_read(lead, path, "verifications", "id", vid, "integrity.verification_list",
                        NULL);

    /* Nothing to conclude before the comparison; then three findings. */
    snprintf(path, sizeof path, "/api/v1/integrity/verifications/%s/conclude", vid);
    post_problem(path, "{}", 409, "compare");
    snprintf(path, sizeof path, "/api/v1/integrity/verifications/%s/compare", vid);
    cJSON *v = post_ok(path, "{}", 200);
    CGT_CHECK_INT(3, cJSON_GetArraySize(cJSON_GetObjectItem(v, "findings")), "three findings");
    CGT_CHECK_STR("omission", cgt_json_str(finding_of(v, "housing"), "kind"),
                  "the smaller flat is an omission");
    CGT_CHECK_STR("concealment", cgt_json_str(finding_of(v, "company_stakes"), "kind"),
                  "the unreported company is a concealment");
    CGT_CHECK_STR(COMPANY_CODE, cgt_json_str(finding_of(v, "company_stakes"), "key"),
                  "named by its code");
    CGT_CHECK_STR("consistent", cgt_json_str(finding_of(v, "salary"), "kind"),
                  "the salary as reported");
    char f_house[37], f_company[37], f_salary[37];
    snprintf(f_house, sizeof f_house, "%s", cgt_json_str(finding_of(v, "housing"), "id"));
    snprintf(f_company, sizeof f_company, "%s",
             cgt_json_str(finding_of(v, "company_stakes"), "id"));
    snprintf(f_salary, sizeof f_salary, "%s", cgt_json_str(finding_of(v, "salary"), "id"));
    cJSON_Delete(v);
    /* Work in progress is the office's. */
    CGT_CHECK(!own_file_shows_verification(), "the cadre sees no verification under way");
    snprintf(path, sizeof path, "/api/v1/integrity/verifications/%s/conclude", vid);
    post_problem(path, "{}", 409, "verdict");

    /* The verifier overrides the flat (the register counts a shared
     * storeroom) with a reason, and confirms the others. */
    snprintf(path, sizeof path, "/api/v1/integrity/findings/%s/decide", f_house);
    post_problem(path, "{\"verdict\":\"overridden\",\"kind\":\"consistent\"}", 400, "reason");
    post_problem(path, "{\"verdict\":\"maybe\"}", 400, "verdict");
    cJSON_Delete(post_ok(path,
                         "{\"verdict\":\"overridden\",\"kind\":\"consistent\",\"reason\":"
                         "\"登记面积含公摊储藏室，本人报告无误\"}",
                         200));
    snprintf(path, sizeof path, "/api/v1/integrity/findings/%s/decide", f_company);
    cJSON_Delete(post_ok(path, "{\"verdict\":\"confirmed\"}", 200));
    /* A verdict given, the comparison stands. */
    snprintf(path, sizeof path, "/api/v1/integrity/verifications/%s/compare", vid);
    post_problem(path, "{}", 409, NULL);
    snprintf(path, sizeof path, "/api/v1/integrity/findings/%s/decide", f_salary);
    cJSON_Delete(post_ok(path, "{\"verdict\":\"confirmed\"}", 200));

    snprintf(path, sizeof path, "/api/v1/integrity/verifications/%s/conclude", vid);
    v = post_ok(path, "{}", 200);
    CGT_CHECK_STR("concluded", cgt_json_str(v, "state"), "concluded");
    CGT_CHECK_STR("concealment", cgt_json_str(v, "result"), "the worst confirmed finding");
    CGT_CHECK_STR("consistent", cgt_json_str(finding_of(v, "housing"), "final_kind"),
                  "the override stands");
    cJSON_Delete(v);
    post_problem(path, "{}", 409, NULL);
    CGT_CHECK(own_file_shows_verification(), "the conclusion is in the cadre's file");
    cJSON *file = CGT_GET_CADRE_FILE(lead, cadre_id);
    CGT_CHECK(strstr(cgt_json_print(file), "瞒报") != NULL, "the file names the concealment");
    cJSON_Delete(file);
}

static void test_draw_is_reproducible(void **state)
{
    (void)state;
    char body[256], sql[512];
    /* Ten cadres of their own unit, drawn twice with one seed for two
     * years: the same three (30%) both times, in md5(seed || id) order. */
    for (int i = 0; i < 10; i++) {
        char person[40], id[37];
        cgt_person_id("VD", person);
        CGT_CREATE_CADRE(lead, person, "city_b", id);
    }
    long long population = cgt_psql_number(
        "cg_integrity", "SELECT count(*) FROM cadres WHERE org_path <@ 'hq.east.city_b'");
    char ids[2][4096];
    for (int d = 0; d < 2; d++) {
        snprintf(body, sizeof body,
                 "{\"year\":%d,\"unit_code\":\"city_b\",\"share_percent\":30,\"seed\":"
                 "\"repro-%d\"}",
                 year + 100 - 40 + d, year);
        cJSON *draw = post_ok("/api/v1/integrity/verification-draws", body, 201);
        CGT_CHECK_INT(population, cJSON_GetObjectItem(draw, "population")->valueint,
                      "the population is the subtree's");
        char *printed = cgt_json_print(cJSON_GetObjectItem(draw, "cadre_ids"));
        snprintf(ids[d], sizeof ids[d], "%s", printed);
        free(printed);
        cJSON_Delete(draw);
    }
    CGT_CHECK_STR(ids[0], ids[1], "the same seed draws the same cadres");
    /* And they are the first of the seed's order, as anyone can check. */
    char expected[4096];
    snprintf(sql, sizeof sql,
             "SELECT string_agg(id::text, ',' ORDER BY id::text) FROM (SELECT id FROM cadres"
             " WHERE org_path <@ 'hq.east.city_b' ORDER BY md5('repro-%d' || id::text)"
             " LIMIT ceil(%lld * 30 / 100.0)) s",
             year, population);
    CGT_CHECK(cgt_psql_text("cg_integrity", sql, expected, sizeof expected) == 0, "psql");
    char got[4096] = "";
    const char *p = ids[0];
    size_t n = 0;
    for (; *p != '\0'; p++)
        if (*p != '[' && *p != ']' && *p != '"' && *p != ' ' && *p != '\n' && n + 1 < sizeof got)
            got[n++] = *p;
    got[n] = '\0';
    CGT_CHECK_STR(expected, got, "the draw is the seed's first 30%");
}

int main(void)
{
    cgt_init("integrity_verification", CGT_NEED_GATEWAY);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_concealed_company_found),
        cmocka_unit_test(test_draw_is_reproducible),
    };
    int failed = cmocka_run_group_tests_name("integrity_verification", tests, setup, teardown);
    cgt_cleanup();
    return failed ? 1 : 0;
}
