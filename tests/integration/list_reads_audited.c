/* Reads of many records are audited as surely as a read of one: each call
 * of a list of sensitive content (clues, cases, a clue's documents,
 * statistics, the people lookup) leaves one audit row naming the filter
 * given and the id of every item returned, and the chain stays intact. The
 * row keeps the client's X-Request-Id and, beside it, the id the gateway
 * gave the request itself. */
#include "cgt.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static char run_id[16];

/* GET path as token with X-Request-Id rid; the answer. */
static cgt_response *get_with_id(const char *path, const char *token, const char *rid)
{
    char auth[256], id_header[128];
    snprintf(auth, sizeof auth, "Authorization: Bearer %s", token);
    snprintf(id_header, sizeof id_header, "X-Request-Id: %s", rid);
    const char *headers[] = {auth, id_header, NULL};
    return cgt_request("GET", path, headers, NULL, 0);
}

/* The audit row of the request the client called rid, as the auditor
 * reads it; the caller deletes it. */
static cJSON *row_of(const char *auditor, const char *action, const char *rid)
{
    char path[256];
    snprintf(path, sizeof path, "/api/v1/audit?limit=100&action=%s", action);
    cgt_response *r = cgt_get(path, auditor);
    CGT_CHECK_STATUS(r, 200);
    const cJSON *items = cJSON_GetObjectItemCaseSensitive(CGT_JSON_OBJECT(r), "items");
    const cJSON *row = cgt_find_where(items, "request_id", rid);
    CGT_CHECK(row != NULL, "no %s row with request id %s: %.300s", action, rid, r->body);
    cJSON *copy = cJSON_Duplicate(row, 1);
    cgt_response_free(r);
    return copy;
}

/* Check that row records filter key=value (value NULL: no filter at all)
 * and exactly the ids of the answer's items (by "id", or "sha256" for a
 * document), in order; and the gateway's own request id beside the
 * client's. */
static void check_list_row(const cJSON *row, const char *key, const char *value,
                           const cJSON *answer, const char *id_key)
{
    char *text = cgt_json_print(row);
    const char *own = cgt_json_str(row, "gateway_request_id");
    CGT_CHECK(own != NULL && cgt_is_uuid(own) && strcmp(own, cgt_json_str(row, "request_id")) != 0,
              "the gateway's own request id beside the client's: %s", text);
    const cJSON *detail = cJSON_GetObjectItemCaseSensitive(row, "detail");
    const cJSON *filter = cJSON_GetObjectItemCaseSensitive(detail, "filter");
    const cJSON *ids = cJSON_GetObjectItemCaseSensitive(detail, "ids");
    CGT_CHECK(cJSON_IsObject(filter) && cJSON_IsArray(ids), "detail {filter, ids}: %s", text);
    if (value != NULL)
        CGT_CHECK_STR(value, cgt_json_str(filter, key), text);
    else
        CGT_CHECK(cJSON_GetArraySize(filter) == 0, "no filter: %s", text);
    const cJSON *items = cJSON_GetObjectItemCaseSensitive(answer, "items");
    CGT_CHECK_INT(cJSON_GetArraySize(items), cJSON_GetArraySize(ids), text);
    for (int i = 0; i < cJSON_GetArraySize(items); i++)
        CGT_CHECK_STR(cgt_json_str(cJSON_GetArrayItem(items, i), id_key),
                      cJSON_GetStringValue(cJSON_GetArrayItem(ids, i)), text);
    free(text);
}

/* Call path as token and check its one audit row under action. */
static void list_is_audited(const char *token, const char *auditor, const char *path,
                            const char *action, const char *key, const char *value,
                            const char *id_key, int min_items)
{
    char rid[64];
    snprintf(rid, sizeof rid, "list-%s-%s", run_id, action);
    cgt_response *r = get_with_id(path, token, rid);
    CGT_CHECK_STATUS(r, 200);
    const cJSON *answer = CGT_JSON_OBJECT(r);
    const cJSON *items = cJSON_GetObjectItemCaseSensitive(answer, "items");
    CGT_CHECK(cJSON_GetArraySize(items) >= min_items, "GET %s returned %d items, wanted %d", path,
              cJSON_GetArraySize(items), min_items);
    cJSON *row = row_of(auditor, action, rid);
    check_list_row(row, key, value, answer, id_key);
    cJSON_Delete(row);
    cgt_response_free(r);
}

static void lists_leave_one_row_each(void **state)
{
    (void)state;
    char *inspector = CGT_LOGIN("inspector");
    char *lead = CGT_LOGIN("lead");
    char *auditor = CGT_LOGIN("auditor");
    char label[64], path[256];
    cgt_report rep;

    /* Two clues whose summary carries this run's label, one with a
     * document. */
    snprintf(label, sizeof label, "listaudit%s", run_id);
    CGT_SUBMIT_SIMPLE(label, "city_a", &rep);
    cJSON *clue = CGT_AWAIT_CLUE(inspector, "source_ref", rep.report_id);
    CGT_SUBMIT_SIMPLE(label, "city_a", &rep);
    cJSON_Delete(CGT_AWAIT_CLUE(inspector, "source_ref", rep.report_id));
    snprintf(path, sizeof path, "/api/v1/clues/%s/documents?name=a.png", CGT_JSON_STR(clue, "id"));
    char png[64] = "\x89PNG\r\n\x1a\n";
    memcpy(png + 8, run_id, 8);
    cgt_response *up = cgt_post_raw(path, inspector, "image/png", png, sizeof png);
    CGT_CHECK_STATUS(up, 201);
    cgt_response_free(up);

    snprintf(path, sizeof path, "/api/v1/clues?limit=10&q=%s", label);
    list_is_audited(inspector, auditor, path, "clue.list", "q", label, "id", 2);
    list_is_audited(inspector, auditor, "/api/v1/cases?limit=5", "case.list", "q", NULL, "id", 0);
    snprintf(path, sizeof path, "/api/v1/clues/%s/documents", CGT_JSON_STR(clue, "id"));
    list_is_audited(inspector, auditor, path, "document.list", "q", NULL, "sha256", 1);
    list_is_audited(lead, auditor, "/api/v1/people?role=inspector", "people.lookup", "role",
                    "inspector", "id", 1);

    /* Statistics return counts, not records: the row names the filter. */
    char rid[64];
    snprintf(rid, sizeof rid, "stats-%s", run_id);
    cgt_response *r = get_with_id("/api/v1/clues/statistics?unit_code=city_a", inspector, rid);
    CGT_CHECK_STATUS(r, 200);
    cgt_response_free(r);
    cJSON *row = row_of(auditor, "clue.statistics", rid);
    const cJSON *filter =
        cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(row, "detail"), "filter");
    CGT_CHECK_STR("city_a", cgt_json_str(filter, "unit_code"), "the statistics' filter");
    cJSON_Delete(row);

    /* A refused list is recorded too, with its filter. */
    snprintf(rid, sizeof rid, "refused-%s", run_id);
    r = get_with_id("/api/v1/clues?status=nonsense", inspector, rid);
    CGT_CHECK_STATUS(r, 400);
    cgt_response_free(r);
    row = row_of(auditor, "clue.list", rid);
    CGT_CHECK_STR("failed", cgt_json_str(row, "outcome"), "a refused list's outcome");
    cJSON_Delete(row);

    /* The rows are in the chain, and it holds. */
    r = cgt_get("/api/v1/audit/verify", auditor);
    CGT_CHECK_STATUS(r, 200);
    CGT_CHECK(cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(CGT_JSON_OBJECT(r), "intact")),
              "the audit chain is intact: %s", r->body);
    cgt_response_free(r);

    cJSON_Delete(clue);
    cgt_logout(inspector);
    cgt_logout(lead);
    cgt_logout(auditor);
}

int main(void)
{
    cgt_init("list_reads_audited", CGT_NEED_GATEWAY);
    cgt_random_digits(run_id, 8);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(lists_leave_one_row_each),
    };
    int failed = cmocka_run_group_tests_name("list_reads_audited", tests, NULL, NULL);
    cgt_cleanup();
    return failed ? 1 : 0;
}
