/* Cadres imported from CSV as Excel saves it, one integrity file (廉政档案)
 * each (a byte order mark, Chinese headers in any order, dates as
 * YYYY/M/D, the key positions' Chinese names). A good file opens every
 * file at once; a file with any problem is refused whole, 400 naming each
 * problem by line and column (those the gateway finds in the file and
 * those the integrity service finds in the rows, together), and no file
 * is opened. */
#include "cgt.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define BOM "\xEF\xBB\xBF"
#define IMPORT_PATH "/api/v1/integrity/cadres/import"

/* The headers in an order of their own, Chinese as the office writes them,
 * and a column the import does not read. */
#define HEADER BOM "关键岗位起始日期,姓名,备注,单位,职级,工号,关键岗位,职务\r\n"

static char *lead;      /* lead.east: scope hq.east */
static char *inspector; /* inspector.east */

static int setup(void **state)
{
    (void)state;
    lead = CGT_LOGIN("lead.east");
    inspector = CGT_LOGIN("inspector.east");
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    cgt_logout(inspector);
    cgt_logout(lead);
    return 0;
}

static cgt_response *import(const char *token, const char *csv)
{
    return cgt_post_raw(IMPORT_PATH, token, "text/csv", csv, strlen(csv));
}

/* How many integrity files there are, in every scope. */
static long long cadre_count(void)
{
    long long n = cgt_psql_number("cg_integrity", "SELECT count(*) FROM cadres");
    CGT_CHECK(n >= 0, "the cadres could not be counted");
    return n;
}

/* The one cadre the list finds for person_id as token reads it (the
 * caller deletes it). */
static cJSON *find_cadre(const char *token, const char *person_id)
{
    char path[160];
    snprintf(path, sizeof path, "/api/v1/integrity/cadres?q=%s", person_id);
    cgt_response *r = cgt_get(path, token);
    CGT_CHECK_STATUS(r, 200);
    const cJSON *items = cJSON_GetObjectItemCaseSensitive(CGT_JSON_OBJECT(r), "items");
    CGT_CHECK_INT(1, cJSON_GetArraySize(items), "the cadres listed for one person id");
    cJSON *cadre = cJSON_Duplicate(cJSON_GetArrayItem(items, 0), true);
    cgt_response_free(r);
    return cadre;
}

/* Import csv as token, which must be refused with an error at line in
 * column whose description holds text, opening no file. The answer (the
 * caller frees it) for more checks. */
static cgt_response *check_refused(const char *token, const char *csv, int line, const char *column,
                                   const char *text)
{
    return CGT_IMPORT_REFUSED(IMPORT_PATH, token, csv, line, column, text, "cg_integrity",
                              "SELECT count(*) FROM cadres");
}

static void refused(const char *token, const char *csv, int line, const char *column,
                    const char *text)
{
    cgt_response_free(check_refused(token, csv, line, column, text));
}

static void test_import_good_file(void **state)
{
    (void)state;
    char p1[40], p2[40], p3[40], lower[40], csv[1024];
    cgt_person_id("IMP", p1);
    cgt_person_id("IMP", p2);
    cgt_person_id("IMP", p3);
    /* A person id in lower case is kept in upper case, as one opened alone. */
    for (size_t i = 0; i <= strlen(p1); i++)
        lower[i] = (char)(p1[i] >= 'A' && p1[i] <= 'Z' ? p1[i] - 'A' + 'a' : p1[i]);
    snprintf(csv, sizeof csv,
             HEADER "2024/3/1,导入 张三,备注一,city_a,正科,%s,物资,\"物资部主任, 兼采购\"\r\n"
                    "2023-12-31,导入 李四,,east,,%s,finance,\r\n"
                    ",导入 王五,,city_b,,%s,,\r\n",
             lower, p2, p3);
    long long before = cadre_count();
    cgt_response *r = import(inspector, csv);
    CGT_CHECK_STATUS(r, 201);
    const cJSON *out = CGT_JSON_OBJECT(r);
    CGT_CHECK_INT(3, cJSON_GetNumberValue(cJSON_GetObjectItem(out, "created")), "created");
    CGT_CHECK_STR("备注", cgt_json_sole(out, "ignored_columns"), "the column not read");
    cgt_response_free(r);
    CGT_CHECK_INT(before + 3, cadre_count(), "integrity files after the import");

    cJSON *c = find_cadre(inspector, p1);
    CGT_CHECK_STR(p1, cgt_json_str(c, "person_id"), "the person id in upper case");
    CGT_CHECK_STR("导入 张三", cgt_json_str(c, "name"), "姓名");
    CGT_CHECK_STR("hq.east.city_a", cgt_json_str(c, "org_path"), "单位");
    CGT_CHECK_STR("物资部主任, 兼采购", cgt_json_str(c, "position"), "a quoted field");
    CGT_CHECK_STR("正科", cgt_json_str(c, "grade"), "职级");
    CGT_CHECK_STR("materials", cgt_json_str(c, "key_position"), "物资 is materials");
    CGT_CHECK_STR("2024-03-01", cgt_json_str(c, "key_since_on"), "a date as Excel writes it");
    cJSON_Delete(c);
    c = find_cadre(inspector, p2);
    CGT_CHECK_STR("hq.east", cgt_json_str(c, "org_path"), "the province itself");
    CGT_CHECK_STR("finance", cgt_json_str(c, "key_position"), "a key position in English");
    CGT_CHECK_STR("2023-12-31", cgt_json_str(c, "key_since_on"), "an ISO date");
    cJSON_Delete(c);
    c = find_cadre(lead, p3);
    CGT_CHECK_STR("hq.east.city_b", cgt_json_str(c, "org_path"), "the third file");
    CGT_CHECK(cJSON_IsNull(cJSON_GetObjectItem(c, "key_since_on")) ||
                  cgt_json_str(c, "key_since_on") == NULL,
              "no key position, no day: %s", cgt_json_print(c));

    /* Each file was opened as one opened alone: its dossier begins with
     * file.created, its chain whole. */
    char actions[256];
    cgt_dossier_actions(lead, "integrity/cadres", cgt_json_str(c, "id"), actions, sizeof actions);
    cJSON_Delete(c);
    /* (A round of city_b due soon may have reminded the cadre already.) */
    CGT_CHECK(strncmp(actions, "file.created", 12) == 0 &&
                  (actions[12] == '\0' || actions[12] == ','),
              "the new file's dossier begins with file.created: %s", actions);

    /* The same file again: every person has a file now, each named. */
    r = check_refused(inspector, csv, 2, "工号", "has a file already");
    CGT_CHECK(cgt_import_error_at(r, 3, "工号", "has a file already") != NULL, "line 3: %s",
              r->body);
    CGT_CHECK(cgt_import_error_at(r, 4, "工号", "has a file already") != NULL, "line 4: %s",
              r->body);
    cgt_response_free(r);
}

static void test_import_bad_files(void **state)
{
    (void)state;
    char p1[40], p2[40], had[40], id[37], csv[2048];
    cgt_person_id("IMP", p1);
    cgt_person_id("IMP", p2);
    cgt_person_id("IMP", had);
    CGT_CREATE_CADRE(lead, had, "city_a", id);

    /* A required column missing, or misspelt, is refused before any row. */
    refused(lead, BOM "工号,姓名,职务\r\nIMP-1,张三,科员\r\n", 1, "单位", "is required");
    refused(lead, BOM "工号,姓名X,单位\r\nIMP-1,张三,city_a\r\n", 1, "姓名", "is required");

    /* A day that is none and a day after today. */
    snprintf(csv, sizeof csv, HEADER "2024/2/30,张三,,city_a,,%s,物资,\r\n", p1);
    refused(lead, csv, 2, "关键岗位起始日期", "must be a date");
    snprintf(csv, sizeof csv, HEADER "2999-01-01,张三,,city_a,,%s,物资,\r\n", p1);
    refused(lead, csv, 2, "关键岗位起始日期", "not after today");

    /* A key position that is none. */
    snprintf(csv, sizeof csv, HEADER ",张三,,city_a,,%s,保卫,\r\n", p1);
    refused(lead, csv, 2, "关键岗位", "must be one of");

    /* A unit unknown, and a unit of the west for a lead of the east. */
    snprintf(csv, sizeof csv, HEADER ",张三,,no_such_unit,,%s,,\r\n", p1);
    refused(lead, csv, 2, "单位", "is not a known org unit");
    snprintf(csv, sizeof csv, HEADER ",张三,,city_a,,%s,,\r\n,李四,,city_c,,%s,,\r\n", p1, p2);
    refused(lead, csv, 3, "单位", "outside your scope");

    /* One person twice, and a person whose file exists. */
    snprintf(csv, sizeof csv, HEADER ",张三,,city_a,,%s,,\r\n,张三,,city_b,,%s,,\r\n", p1, p1);
    refused(lead, csv, 3, "工号", "is on line 2 as well");
    snprintf(csv, sizeof csv, HEADER ",张三,,city_a,,%s,,\r\n,李四,,city_b,,%s,,\r\n", p1, had);
    refused(lead, csv, 3, "工号", "has a file already");

    /* The file's problems and the service's in one answer: a day that is
     * none, a person with a file, a unit outside the scope, a unit
     * unknown. */
    snprintf(csv, sizeof csv,
             HEADER "2024/13/1,张三,,city_a,,%s,物资,\r\n"
                    ",李四,,east,,%s,,\r\n"
                    ",王五,,city_c,,%s,,\r\n"
                    ",赵六,,nowhere,,IMP-NOWHERE,,\r\n",
             p1, had, p2);
    cgt_response *r = check_refused(lead, csv, 2, "关键岗位起始日期", "must be a date");
    CGT_CHECK(cgt_import_error_at(r, 3, "工号", "has a file already") != NULL, "line 3: %s",
              r->body);
    CGT_CHECK(cgt_import_error_at(r, 4, "单位", "outside your scope") != NULL, "line 4: %s",
              r->body);
    CGT_CHECK(cgt_import_error_at(r, 5, "单位", "is not a known org unit") != NULL, "line 5: %s",
              r->body);
    CGT_CHECK_INT(4, cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(r->json, "errors")),
                  "one error a problem");
    CGT_CHECK(strstr(cgt_json_str(r->json, "detail"), "4 problems") != NULL, "the detail: %s",
              r->body);
    cgt_response_free(r);

    /* The good rows of those files were not stored either. */
    CGT_CHECK_INT(0,
                  cgt_psql_number("cg_integrity", "SELECT count(*) FROM cadres"
                                                  " WHERE name IN ('张三', '李四', '王五', '赵六')"
                                                  " AND person_id LIKE 'IMP-%'"),
                  "files of refused imports");

    /* A file without a row, and a body that is not CSV. */
    refused(lead, BOM "工号,姓名,单位\r\n", 0, "", "holds no row");
    r = cgt_post_raw(IMPORT_PATH, lead, "application/json", "{}", 2);
    CGT_CHECK_PROBLEM(r, 415);
    cgt_response_free(r);
}

/* Only the office imports: a cadre may not, and the import is in the
 * audit trail. */
static void test_import_who(void **state)
{
    (void)state;
    char p[40], csv[256];
    cgt_person_id("IMP", p);
    snprintf(csv, sizeof csv, "person_id,name,unit_code\r\n%s,导入 周七,city_a\r\n", p);
    char *cadre = CGT_LOGIN("cadre.east");
    CGT_IMPORT_WHO(IMPORT_PATH, cadre, lead, csv, "integrity.cadres_imported", "cg_integrity",
                   "SELECT count(*) FROM cadres");
    cgt_logout(cadre);
}

int main(void)
{
    cgt_init("integrity_import", CGT_NEED_GATEWAY);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_import_good_file),
        cmocka_unit_test(test_import_bad_files),
        cmocka_unit_test(test_import_who),
    };
    int failed = cmocka_run_group_tests_name("integrity_import", tests, setup, teardown);
    cgt_cleanup();
    return failed ? 1 : 0;
}
