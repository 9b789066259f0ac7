/* Reference records for verification (查核) imported from CSV as Excel
 * saves it (a byte order mark, Chinese headers, items by their Chinese
 * labels, one entry a row): a good file stores every record at once, and
 * a comparison then finds what the file said. A file with any problem is
 * refused whole, 400 naming each problem by line and column (a column
 * missing, an item that is none, a field the item has not, a bad credit
 * code, a required field left out, a person without a file or outside
 * the caller's scope), and no record is stored. */
#include "cgt.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define BOM "\xEF\xBB\xBF"
#define IMPORT_PATH "/api/v1/integrity/references/import"
#define COMPANY_CODE "91350100M000100Y43"

/* Chinese headers as the office writes them: the housing's fields, then
 * a company stake's. */
#define HEADER                                                                                                                        \
    BOM "人员编号,年度,事项,来源,产权人,地址,建筑面积(平方米),出资人,企业名称,统一社会信用代码," \
        "出资比例(%%)\r\n"

static char *lead, *lead_west, *cadre;
static char cadre_id[37];
static int year;

/* The accounts the tests use, logged in for the whole suite. */
static const struct {
    const char *username;
    char **token;
} ACCOUNTS[] = {{"lead.east", &lead}, {"lead.west", &lead_west}, {"cadre.east", &cadre}};
#define NACCOUNTS (sizeof ACCOUNTS / sizeof ACCOUNTS[0])

static int setup(void **state)
{
    (void)state;
    for (size_t i = 0; i < NACCOUNTS; i++)
        *ACCOUNTS[i].token = CGT_LOGIN(ACCOUNTS[i].username);
    CGT_DEMO_CADRE_FILE(lead, cadre_id);
    year = cgt_unreported_year();
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    for (size_t i = 0; i < NACCOUNTS; i++)
        cgt_logout(*ACCOUNTS[i].token);
    return 0;
}

static cgt_response *import(const char *token, const char *csv)
{
    return cgt_post_raw(IMPORT_PATH, token, "text/csv", csv, strlen(csv));
}

/* How many reference records there are, in every scope. */
#define COUNT_SQL "SELECT count(*) FROM reference_records"

/* Import csv as token, which must be refused with an error at line in
 * column whose description holds text, storing no record: the answer (the
 * caller frees it) for more checks, or none. */
#define CHECK_REFUSED(token, csv, line, column, text)                                              \
    CGT_IMPORT_REFUSED(IMPORT_PATH, (token), (csv), (line), (column), (text), "cg_integrity",      \
                       COUNT_SQL)
#define REFUSED(token, csv, line, column, text)                                                    \
    cgt_response_free(CHECK_REFUSED(token, csv, line, column, text))

static const cJSON *finding_of(const cJSON *v, const char *item)
{
    return cgt_find_where(cJSON_GetObjectItem(v, "findings"), "item", item);
}

static void test_import_then_compare(void **state)
{
    (void)state;
    char csv[1024], path[160], body[512];

    /* The cadre reports one flat of 80 m², no company stakes. */
    CGT_SUBMIT_FULL_REPORT(cadre, year, "80");
    cgt_response *r;

    /* The registers, in one file: the flat at 96.5 m² (the item by its
     * Chinese label, the person id in lower case), the spouse's stake in
     * a company (the item by its name). */
    snprintf(csv, sizeof csv,
             HEADER "hr-cadre.east,%d,房产情况,不动产登记查询,本人,A市幸福路1号,96.5,,,,\r\n"
                    "HR-CADRE.EAST,%d,company_stakes,企业信用信息公示系统,,,,配偶,"
                    "华东物资贸易有限公司," COMPANY_CODE ",30\r\n",
             year, year);
    long long before = cgt_psql_number("cg_integrity", COUNT_SQL);
    r = import(lead, csv);
    CGT_CHECK_STATUS(r, 201);
    CGT_CHECK_INT(2, cJSON_GetNumberValue(cJSON_GetObjectItem(r->json, "created")), "created");
    CGT_CHECK_INT(0, cJSON_GetArraySize(cJSON_GetObjectItem(r->json, "ignored_columns")),
                  "every column read");
    cgt_response_free(r);
    CGT_CHECK_INT(before + 2, cgt_psql_number("cg_integrity", COUNT_SQL),
                  "reference records after the import");
    char sql[256];
    snprintf(sql, sizeof sql,
             "SELECT count(*) FROM reference_records WHERE cadre_id = '%s' AND year = %d"
             " AND source = 'import'",
             cadre_id, year);
    CGT_CHECK_INT(2, cgt_psql_number("cg_integrity", sql), "the records' source is import");

    /* Drawn as a key case, compared: the flat is an omission, the company
     * a concealment, as the file said. */
    snprintf(body, sizeof body,
             "{\"year\":%d,\"unit_code\":\"city_a\",\"seed\":\"refimport-%d\",\"key_cadres\":"
             "[{\"cadre_id\":\"%s\",\"reason\":\"other\"}]}",
             year, year, cadre_id);
    r = cgt_send_json("POST", "/api/v1/integrity/verification-draws", lead, body);
    CGT_CHECK_STATUS(r, 201);
    cgt_response_free(r);
    cJSON *mine = CGT_VERIFICATION_OF(lead, year, "city_a", cadre_id);
    snprintf(path, sizeof path, "/api/v1/integrity/verifications/%s/compare",
             cgt_json_str(mine, "id"));
    cJSON_Delete(mine);
    r = cgt_send_json("POST", path, lead, "{}");
    CGT_CHECK_STATUS(r, 200);
    CGT_CHECK_INT(2, cJSON_GetArraySize(cJSON_GetObjectItem(r->json, "findings")), "two findings");
    const cJSON *house = finding_of(r->json, "housing");
    CGT_CHECK_STR("omission", cgt_json_str(house, "kind"), "the larger flat of the file");
    CGT_CHECK(strstr(cgt_json_str(house, "explanation"), "96.5") != NULL, "the record's area: %s",
              cgt_json_str(house, "explanation"));
    CGT_CHECK_STR("concealment", cgt_json_str(finding_of(r->json, "company_stakes"), "kind"),
                  "the company of the file, not reported");
    CGT_CHECK_STR(COMPANY_CODE, cgt_json_str(finding_of(r->json, "company_stakes"), "key"),
                  "named by its code");
    cgt_response_free(r);
}

static void test_import_bad_files(void **state)
{
    (void)state;
    char csv[2048], nofile[40], west[40], id[37];
    cgt_person_id("REF", nofile);
    cgt_person_id("REF", west);
    CGT_CREATE_CADRE(lead_west, west, "city_c", id);

    /* A required column missing refuses the file before any row. */
    REFUSED(lead, BOM "人员编号,年度,地址\r\nHR-CADRE.EAST,2025,A市幸福路1号\r\n", 1, "事项",
            "is required");

    /* An item that is none. */
    snprintf(csv, sizeof csv,
             HEADER "HR-CADRE.EAST,%d,股权,,,,,配偶,某公司," COMPANY_CODE ",30\r\n", year);
    REFUSED(lead, csv, 2, "事项", "is no item");

    /* A field the row's item has not, given a value. */
    snprintf(csv, sizeof csv,
             HEADER "HR-CADRE.EAST,%d,房产情况,,本人,A市幸福路2号,80,,," COMPANY_CODE ",\r\n",
             year);
    REFUSED(lead, csv, 2, "统一社会信用代码", "is no field of housing");

    /* A bad credit code, and a required field left out. */
    snprintf(csv, sizeof csv,
             HEADER "HR-CADRE.EAST,%d,company_stakes,,,,,配偶,某公司,91350100M000100Y44,30\r\n"
                    "HR-CADRE.EAST,%d,房产情况,,本人,A市幸福路2号,,,,,\r\n",
             year, year);
    cgt_response *r = CHECK_REFUSED(lead, csv, 2, "统一社会信用代码", "credit code");
    CGT_CHECK(cgt_import_error_at(r, 3, "建筑面积(平方米)", "is required") != NULL, "line 3: %s",
              r->body);
    cgt_response_free(r);

    /* A person without a file, and one whose file is the west's. */
    snprintf(csv, sizeof csv, HEADER "%s,%d,房产情况,,本人,A市幸福路2号,80,,,,\r\n", nofile, year);
    REFUSED(lead, csv, 2, "人员编号", "has no integrity file");
    snprintf(csv, sizeof csv, HEADER "%s,%d,房产情况,,本人,A市幸福路2号,80,,,,\r\n", west, year);
    REFUSED(lead, csv, 2, "人员编号", "has no integrity file");

    /* The file's problems and the service's in one answer: a good row, a
     * year that is no number, a field the item has not, a person outside
     * the scope; nothing of it is stored. */
    snprintf(csv, sizeof csv,
             HEADER "HR-CADRE.EAST,%d,房产情况,,本人,A市幸福路3号,70,,,,\r\n"
                    "HR-CADRE.EAST,二〇二五,房产情况,,本人,A市幸福路3号,70,,,,\r\n"
                    "HR-CADRE.EAST,%d,房产情况,,本人,A市幸福路3号,70,配偶,,,\r\n"
                    "%s,%d,房产情况,,本人,A市幸福路3号,70,,,,\r\n",
             year, year, west, year);
    r = CHECK_REFUSED(lead, csv, 3, "年度", "must be a year");
    CGT_CHECK(cgt_import_error_at(r, 4, "出资人", "is no field of housing") != NULL, "line 4: %s",
              r->body);
    CGT_CHECK(cgt_import_error_at(r, 5, "人员编号", "has no integrity file") != NULL, "line 5: %s",
              r->body);
    CGT_CHECK_INT(3, cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(r->json, "errors")),
                  "one error a problem");
    cgt_response_free(r);

    /* A body that is not CSV. */
    r = cgt_post_raw(IMPORT_PATH, lead, "application/json", "{}", 2);
    CGT_CHECK_PROBLEM(r, 415);
    cgt_response_free(r);
}

/* Only the office imports: a cadre may not, and the import is in the
 * audit trail. */
static void test_import_who(void **state)
{
    (void)state;
    char csv[512];
    snprintf(csv, sizeof csv,
             "person_id,year,item,annual_yuan\r\nHR-CADRE.EAST,%d,salary,260000\r\n", year);
    CGT_IMPORT_WHO(IMPORT_PATH, cadre, lead, csv, "integrity.references_imported", "cg_integrity",
                   COUNT_SQL);
}

int main(void)
{
    cgt_init("integrity_reference_import", CGT_NEED_GATEWAY);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_import_then_compare),
        cmocka_unit_test(test_import_bad_files),
        cmocka_unit_test(test_import_who),
    };
    int failed = cmocka_run_group_tests_name("integrity_reference_import", tests, setup, teardown);
    cgt_cleanup();
    return failed ? 1 : 0;
}
