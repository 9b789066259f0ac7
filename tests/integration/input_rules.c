/* Each input rule has one home and one wording: the service that owns the
 * data checks it (cg/validate.h, with the limits of cg/limits.h) and names
 * the API's field, and the gateway passes the value on. So a subject's name
 * counts characters, not bytes; an extension's days are refused by the case
 * service's configured maximum whatever the number; a receipt that is not
 * 16 digits gets one sentence however it is wrong; and ?limit= past the
 * largest page is refused alike by the clue list and the case list, together
 * with every other bad parameter of the same request. */
#include "cgt.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static char *insp_east, *lead_east, *lead_hq;

static int group_setup(void **state)
{
    (void)state;
    insp_east = CGT_LOGIN("inspector.east");
    lead_east = CGT_LOGIN("lead.east");
    lead_hq = CGT_LOGIN("lead");
    return 0;
}

static int group_teardown(void **state)
{
    (void)state;
    char **all[] = {&insp_east, &lead_east, &lead_hq};
    for (size_t i = 0; i < sizeof all / sizeof all[0]; i++) {
        cgt_logout(*all[i]);
        *all[i] = NULL;
    }
    return 0;
}

/* The description of the problem r's violation on field, which must be
 * there; copied into out. */
static void violation_of(const cgt_response *r, const char *field, char *out, size_t size)
{
    const cJSON *errors = cJSON_GetObjectItemCaseSensitive(CGT_JSON_OBJECT(r), "errors");
    const cJSON *e;
    cJSON_ArrayForEach(e, errors)
    {
        const char *f = cgt_json_str(e, "field");
        if (f != NULL && strcmp(f, field) == 0) {
            snprintf(out, size, "%s", CGT_JSON_STR(e, "description"));
            return;
        }
    }
    CGT_FAIL("%s %s: no violation on \"%s\": %s", r->method, r->path, field, r->body);
}

/* n copies of 廉 (three bytes each); the caller frees it. */
static char *chinese(size_t n)
{
    char *s = malloc(3 * n + 1);
    CGT_CHECK(s != NULL, "%s", "memory");
    s[0] = '\0';
    for (size_t i = 0; i < n; i++)
        strcat(s, "廉");
    return s;
}

/* A clue body whose first subject is called name. */
static cJSON *clue_named(const char *name)
{
    cJSON *b = cgt_clue_body("city_b", NULL);
    cJSON *subject = cJSON_GetArrayItem(cJSON_GetObjectItem(b, "subjects"), 0);
    cJSON_ReplaceItemInObject(subject, "name", cJSON_CreateString(name));
    return b;
}

/* A subject's name is 1 to 200 characters, whatever their bytes: 150
 * Chinese characters (450 bytes) are accepted at registration and in an
 * edit, 201 are refused naming subjects[0].name, with the same words. */
static void subject_name_counts_characters(void **state)
{
    (void)state;
    char *ok = chinese(150), *over = chinese(201);
    char created[37], said[192], said_edit[192], patch[1024];

    cJSON *b = clue_named(ok);
    cgt_response *r = cgt_post_json("/api/v1/clues", insp_east, b);
    CGT_CHECK_STATUS(r, 201);
    snprintf(created, sizeof created, "%s", CGT_JSON_STR(r->json, "id"));
    cgt_response_free(r);
    cJSON_Delete(b);

    b = clue_named(over);
    r = cgt_post_json("/api/v1/clues", insp_east, b);
    CGT_CHECK_PROBLEM(r, 400);
    violation_of(r, "subjects[0].name", said, sizeof said);
    CGT_CHECK_STR("must be at most 200 characters", said, "the name's rule");
    cgt_response_free(r);
    cJSON_Delete(b);

    snprintf(patch, sizeof patch, "{\"subjects\":[{\"name\":\"%s\"}]}", ok);
    r = cgt_patch_clue(insp_east, created, patch);
    CGT_CHECK_STATUS(r, 200);
    cgt_response_free(r);
    snprintf(patch, sizeof patch, "{\"subjects\":[{\"name\":\"%s\"}]}", over);
    r = cgt_patch_clue(insp_east, created, patch);
    CGT_CHECK_PROBLEM(r, 400);
    violation_of(r, "subjects[0].name", said_edit, sizeof said_edit);
    CGT_CHECK_STR(said, said_edit, "the edit words the name's rule as registration does");
    cgt_response_free(r);
    free(ok);
    free(over);
}

/* A case in investigation, started by the east inspector (its handler and
 * so an investigator), who may ask for the extension. */
static void investigated_case(char case_id[37])
{
    char path[128];
    CGT_FILED_CASE(insp_east, lead_east, lead_hq, "city_b", case_id);
    snprintf(path, sizeof path, "/api/v1/cases/%s/actions", case_id);
    static const char start[] = "{\"action\":\"start_investigation\"}";
    cgt_response *r = cgt_post_raw(path, insp_east, "application/json", start, sizeof start - 1);
    CGT_CHECK_STATUS(r, 200);
    cgt_response_free(r);
}

/* Ask for an extension of days; must be refused naming days, whose
 * description goes into out. */
static void extension_refused(const char *case_id, const char *days, char *out, size_t size)
{
    char path[128], body[128];
    snprintf(path, sizeof path, "/api/v1/cases/%s/extension", case_id);
    snprintf(body, sizeof body, "{\"days\":%s,\"reason\":\"需调取外省证据\"}", days);
    cgt_response *r = cgt_post_raw(path, insp_east, "application/json", body, strlen(body));
    CGT_CHECK_PROBLEM(r, 400);
    violation_of(r, "days", out, size);
    cgt_response_free(r);
}

/* The days are 1 to CG_CASE_EXTENSION_MAX_DAYS (90 by default): 91 and 200
 * are refused by that one rule, in the same words, and 0 too. A number past
 * what the message's int32 holds is refused by the JSON codec before the
 * service sees it, naming days too. */
static void extension_days_one_rule(void **state)
{
    (void)state;
    char case_id[37], d91[192], d200[192], other[192];
    investigated_case(case_id);
    extension_refused(case_id, "91", d91, sizeof d91);
    CGT_CHECK_STR("must be a whole number from 1 to 90", d91, "the configured maximum");
    extension_refused(case_id, "200", d200, sizeof d200);
    CGT_CHECK_STR(d91, d200, "200 days are refused by the same rule as 91");
    extension_refused(case_id, "0", other, sizeof other);
    CGT_CHECK_STR(d91, other, "0 days");
    extension_refused(case_id, "99999999999", other, sizeof other);
    CGT_CHECK(strstr(other, "whole number") != NULL, "days past an int32: %s", other);
}

/* Look up a receipt; must be refused naming receipt, whose description
 * goes into out. */
static void receipt_refused(const char *receipt, char *out, size_t size)
{
    char body[128];
    snprintf(body, sizeof body, "{\"receipt\":\"%s\"}", receipt);
    cgt_response *r =
        cgt_post_raw("/api/v1/public/reports/status", NULL, "application/json", body, strlen(body));
    CGT_CHECK_PROBLEM(r, 400);
    violation_of(r, "receipt", out, size);
    cgt_response_free(r);
}

static void receipt_one_wording(void **state)
{
    (void)state;
    static const char *const bad[] = {"123456789012345", "12345678901234567", "12345678abcdefgh",
                                      ""};
    char said[192];
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        receipt_refused(bad[i], said, sizeof said);
        CGT_CHECK_STR("must be exactly 16 digits", said, bad[i]);
    }
}

/* GET path as the east lead; must be refused naming limit (whose
 * description goes into out) and also also_field, the other bad parameter
 * of the same request. */
static void list_refused(const char *path, const char *also_field, char *out, size_t size)
{
    char also[192];
    cgt_response *r = cgt_get(path, lead_east);
    CGT_CHECK_PROBLEM(r, 400);
    violation_of(r, "limit", out, size);
    violation_of(r, also_field, also, sizeof also);
    cgt_response_free(r);
}

/* limit 101 is refused by the service that holds the list, in the same
 * words on the clue list and the case list, and together with the other
 * bad parameters of the request (all at once, not the first alone). */
static void page_size_one_wording(void **state)
{
    (void)state;
    char clues[192], cases[192];
    list_refused("/api/v1/clues?limit=101&handler_id=nobody", "handler_id", clues, sizeof clues);
    CGT_CHECK_STR("must be a whole number from 1 to 100", clues, "the clue list's page size");
    list_refused("/api/v1/cases?limit=101&investigator_id=nobody", "investigator_id", cases,
                 sizeof cases);
    CGT_CHECK_STR(clues, cases, "the case list words the page size as the clue list does");
    list_refused("/api/v1/cases?limit=0&investigator_id=nobody", "investigator_id", cases,
                 sizeof cases);
    CGT_CHECK_STR(clues, cases, "limit 0");
}

int main(void)
{
    cgt_init("input_rules", CGT_NEED_STACK);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(subject_name_counts_characters),
        cmocka_unit_test(extension_days_one_rule),
        cmocka_unit_test(receipt_one_wording),
        cmocka_unit_test(page_size_one_wording),
    };
    int failed = cmocka_run_group_tests_name("input_rules", tests, group_setup, group_teardown);
    cgt_cleanup();
    return failed ? 1 : 0;
}
