/* Register numbers (线索编号, 案件编号) through the API, as the demo users:
 * clues registered in two units get distinct numbers of the form
 * XS-<year>-<unit code>-<5 digits>, counted per unit; the clue list's q
 * finds a clue by its number, whatever the letters' case, and by the
 * start of one; a case filed from a clue gets an AJ number under the
 * clue's unit, which the case list's q finds, as it finds the case by its
 * clue's number. */
#include "cgt.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* The demo accounts this test acts as, logged in once for the group. */
enum { INSP_EAST, LEAD_EAST, LEAD_HQ, INSP_WEST, USERS };
static const char *const usernames[USERS] = {"inspector.east", "lead.east", "lead",
                                             "inspector.west"};
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

/* Check that number is <kind>-<year>-<unit>-<5 digits> and return its
 * sequence. */
static long check_number(const char *number, const char *kind, const char *year, const char *unit)
{
    char prefix[64];
    snprintf(prefix, sizeof prefix, "%s-%s-%s-", kind, year, unit);
    size_t n = strlen(prefix);
    CGT_CHECK(number != NULL && strncmp(number, prefix, n) == 0 && strlen(number) == n + 5 &&
                  cgt_is_digits(number + n, 5),
              "a number %s<5 digits>: %s", prefix, number != NULL ? number : "(none)");
    return strtol(number + n, NULL, 10);
}

/* A clue registered by the east inspector at unit_code (received today);
 * its id into id and its number (copied) into number. */
static void register_clue(const char *unit_code, char id[37], char number[64])
{
    CGT_CREATE_CLUE(tokens[INSP_EAST], unit_code, NULL, id);
    cJSON *clue = CGT_GET_CLUE(tokens[INSP_EAST], id);
    snprintf(number, 64, "%s", CGT_JSON_STR(clue, "number"));
    cJSON_Delete(clue);
}

/* GET path?q=<query> as token, every page of it (the whole suite leaves
 * more than a page of clues numbered in a unit this year): the ids of the
 * items, as one text. */
static char *list_ids(const char *token, const char *path, const char *query)
{
    char *ids = calloc(1, 1);
    size_t len = 0;
    char cursor[128] = "";
    CGT_CHECK(ids != NULL, "out of memory");
    do {
        char url[512];
        snprintf(url, sizeof url, "%s?limit=100&q=%s%s%s", path, query, cursor[0] ? "&cursor=" : "",
                 cursor);
        cgt_response *r = cgt_get(url, token);
        CGT_CHECK_STATUS(r, 200);
        const cJSON *page = CGT_JSON_OBJECT(r);
        const cJSON *items = cJSON_GetObjectItem(page, "items");
        len += 38 * (size_t)cJSON_GetArraySize(items);
        ids = realloc(ids, len + 1);
        CGT_CHECK(ids != NULL, "out of memory");
        const cJSON *item;
        cJSON_ArrayForEach(item, items)
        {
            strcat(ids, CGT_JSON_STR(item, "id"));
            strcat(ids, " ");
        }
        const cJSON *next = cJSON_GetObjectItem(page, "next_cursor");
        snprintf(cursor, sizeof cursor, "%s", cJSON_IsString(next) ? next->valuestring : "");
        cgt_response_free(r);
    } while (cursor[0] != '\0');
    return ids;
}

/* How many times id is among ids. */
static int count_id(const char *ids, const char *id)
{
    int n = 0;
    for (const char *p = strstr(ids, id); p != NULL; p = strstr(p + 1, id))
        n++;
    return n;
}

static void lower(char *s)
{
    for (; *s != '\0'; s++)
        *s = (char)tolower((unsigned char)*s);
}

static void clue_numbers(void **state)
{
    (void)state;
    char year[16];
    char a1[37], a2[37], b1[37];
    char na1[64], na2[64], nb1[64];
    cgt_date_ago(0, year);
    year[4] = '\0'; /* a date received today, midnight UTC: the same year in Beijing */

    /* A unit's count goes on past a clue registered in another unit. */
    register_clue("city_a", a1, na1);
    register_clue("city_b", b1, nb1);
    register_clue("city_a", a2, na2);
    long s1 = check_number(na1, "XS", year, "city_a");
    long s2 = check_number(na2, "XS", year, "city_a");
    check_number(nb1, "XS", year, "city_b");
    CGT_CHECK(s2 == s1 + 1, "city_a counts on: %s then %s", na1, na2);
    CGT_CHECK(strcmp(na1, na2) != 0 && strcmp(na1, nb1) != 0, "distinct numbers: %s %s %s", na1,
              na2, nb1);

    /* The list finds it by its number, in lower case too, and shows it. */
    char *ids = list_ids(tokens[INSP_EAST], "/api/v1/clues", na2);
    CGT_CHECK(count_id(ids, a2) == 1 && strlen(ids) == 37, "q=%s finds that clue alone: %s", na2,
              ids);
    free(ids);
    char low[64];
    snprintf(low, sizeof low, "%s", na1);
    lower(low);
    ids = list_ids(tokens[INSP_EAST], "/api/v1/clues", low);
    CGT_CHECK(count_id(ids, a1) == 1 && strlen(ids) == 37, "q=%s finds %s alone: %s", low, na1,
              ids);
    free(ids);

    /* The start of a number finds the unit's clues of the year, not the
     * other unit's. */
    char prefix[64];
    snprintf(prefix, sizeof prefix, "XS-%s-city_a", year);
    ids = list_ids(tokens[INSP_EAST], "/api/v1/clues", prefix);
    CGT_CHECK(count_id(ids, a1) == 1 && count_id(ids, a2) == 1 && count_id(ids, b1) == 0,
              "q=%s finds the city_a clues only: %s", prefix, ids);
    free(ids);

    /* Out of scope, a number finds nothing. */
    ids = list_ids(tokens[INSP_WEST], "/api/v1/clues", na2);
    CGT_CHECK_STR("", ids, "the west looks up an east clue's number");
    free(ids);
}

static void case_number(void **state)
{
    (void)state;
    char clue_id[37], clue_no[64], case_id[37];
    register_clue("city_b", clue_id, clue_no);

    /* Filed as case_lifecycle.c files one: proposed by the handler,
     * approved by the east lead, filed by the hq lead. */
    CGT_FILE_CASE(tokens[INSP_EAST], tokens[LEAD_EAST], tokens[LEAD_HQ], clue_id, case_id);

    /* Filed now: the year is Beijing's today. */
    time_t beijing = time(NULL) + 8 * 3600;
    struct tm tm;
    gmtime_r(&beijing, &tm);
    char year[16];
    snprintf(year, sizeof year, "%d", tm.tm_year + 1900);
    char path[128];
    snprintf(path, sizeof path, "/api/v1/cases/%s", case_id);
    cgt_response *r = cgt_get(path, tokens[LEAD_EAST]);
    CGT_CHECK_STATUS(r, 200);
    char case_no[64];
    snprintf(case_no, sizeof case_no, "%s", CGT_JSON_STR(r->json, "number"));
    cgt_response_free(r);
    check_number(case_no, "AJ", year, "city_b");

    /* The case list finds it by its own number and by its clue's. */
    char *ids = list_ids(tokens[LEAD_EAST], "/api/v1/cases", case_no);
    CGT_CHECK(count_id(ids, case_id) == 1 && strlen(ids) == 37, "q=%s finds the case: %s", case_no,
              ids);
    free(ids);
    ids = list_ids(tokens[LEAD_EAST], "/api/v1/cases", clue_no);
    CGT_CHECK(count_id(ids, case_id) == 1 && strlen(ids) == 37,
              "q=%s (its clue's) finds the case: %s", clue_no, ids);
    free(ids);
    /* The clue list finds the clue by its case's number. */
    ids = list_ids(tokens[LEAD_EAST], "/api/v1/clues", case_no);
    CGT_CHECK(count_id(ids, clue_id) == 1 && strlen(ids) == 37, "q=%s finds its clue: %s", case_no,
              ids);
    free(ids);
}

/* A register that another connection opened must not stand in the way of
 * the next registration elsewhere. A clue received last year opens last
 * year's register of city_b on one of the case service's pooled
 * connections; once number_counters has statistics (autovacuum analyzes
 * it during a long run; done here at once), the planner scans the whole
 * counter table when a statement writes its counters back, and a filter
 * that reads the transaction's running sequence of every counter row asks
 * for settings no other transaction has. Each registration and filing
 * after it must still succeed and count on. */
static void numbers_after_another_register(void **state)
{
    (void)state;
    char id[37], case_id[37];
    CGT_CREATE_CLUE_RECEIVED(tokens[INSP_EAST], "city_b", 400, NULL, id);
    cJSON *clue = CGT_GET_CLUE(tokens[INSP_EAST], id);
    const char *old = CGT_JSON_STR(clue, "number");
    CGT_CHECK(strncmp(old, "XS-", 3) == 0 && strstr(old, "-city_b-") != NULL,
              "last year's clue is numbered in city_b: %s", old);
    cJSON_Delete(clue);
    CGT_CHECK_INT(0, cgt_psql("cg_case", "ANALYZE number_counters"), "analyzing the counters");

    char year[16];
    cgt_date_ago(0, year);
    year[4] = '\0';
    long last = 0;
    /* More registrations than the pool has connections, so every
     * connection writes a counter back at least once. */
    for (int i = 0; i < 12; i++) {
        char number[64];
        register_clue("city_a", id, number);
        long seq = check_number(number, "XS", year, "city_a");
        CGT_CHECK(last == 0 || seq == last + 1, "city_a counts on: %ld then %s", last, number);
        last = seq;
    }
    CGT_FILE_CASE(tokens[INSP_EAST], tokens[LEAD_EAST], tokens[LEAD_HQ], id, case_id);
    CGT_CHECK(cgt_is_uuid(case_id), "filing names the case: %s", case_id);
}

int main(void)
{
    cgt_init("record_numbers", CGT_NEED_STACK);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(clue_numbers),
        cmocka_unit_test(case_number),
        cmocka_unit_test(numbers_after_another_register),
    };
    int failed = cmocka_run_group_tests_name("record_numbers", tests, group_setup, group_teardown);
    cgt_cleanup();
    return failed ? 1 : 0;
}
