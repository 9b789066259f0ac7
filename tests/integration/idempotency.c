/* Idempotency-Key on POST /api/v1/public/reports: a repeat with the same key
 * and body gets the first answer byte for byte (receipt included) and makes
 * no second report; the same key with another body is 422; a short key on a
 * public route is 400; two requests with one key at the same moment never
 * both run; and the stored answer does not hold the receipt in clear. */
#include "cgt.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static cgt_response *post_with_key(const char *key, const char *body)
{
    char line[200];
    snprintf(line, sizeof line, "Idempotency-Key: %s", key);
    const char *headers[] = {"Content-Type: application/json", line, NULL};
    return cgt_request("POST", "/api/v1/public/reports", headers, body, strlen(body));
}

static char *report_text(const char *label)
{
    cJSON *body = cgt_report_body(label, NULL);
    char *text = cJSON_PrintUnformatted(body);
    cJSON_Delete(body);
    return text;
}

static void replay_and_conflict(void **state)
{
    (void)state;
    char key[37], value[64];
    cgt_uuid(key);
    char *text = report_text("idempotent");

    cgt_response *first = post_with_key(key, text);
    CGT_CHECK_STATUS(first, 201);
    CGT_CHECK_STR("", cgt_header(first, "Idempotent-Replayed", value, sizeof value),
                  "Idempotent-Replayed on the first answer");
    const char *receipt = CGT_JSON_STR(first->json, "receipt");
    CGT_CHECK(cgt_is_digits(receipt, 16), "a receipt in the first answer");

    for (int i = 0; i < 2; i++) {
        cgt_response *again = post_with_key(key, text);
        CGT_CHECK_STATUS(again, 201);
        CGT_CHECK(again->body_len == first->body_len &&
                      memcmp(again->body, first->body, first->body_len) == 0,
                  "the repeat gets the first answer exactly: %s vs %s", again->body, first->body);
        CGT_CHECK_STR("true", cgt_header(again, "Idempotent-Replayed", value, sizeof value),
                      "Idempotent-Replayed on a repeat");
        CGT_CHECK_STR(first->content_type, again->content_type, "Content-Type of a repeat");
        cgt_response_free(again);
    }

    /* The same key with another body. */
    char *other = report_text("idempotent-other");
    cgt_response *r = post_with_key(key, other);
    CGT_CHECK_PROBLEM(r, 422);
    CGT_CHECK_STR("IDEMPOTENCY_KEY_REUSED", cgt_json_str(r->json, "code"), "422 code");
    cgt_response_free(r);

    /* The same body under a fresh key is a new report. */
    char key2[37];
    cgt_uuid(key2);
    cgt_response *second = post_with_key(key2, text);
    CGT_CHECK_STATUS(second, 201);
    CGT_CHECK(strcmp(CGT_JSON_STR(second->json, "report_id"),
                     CGT_JSON_STR(first->json, "report_id")) != 0,
              "another key makes another report");

    /* Exactly one clue came of the first key, however often it was sent. */
    char *token = CGT_LOGIN("inspector");
    cJSON *clue = CGT_AWAIT_CLUE(token, "source_ref", CGT_JSON_STR(first->json, "report_id"));
    cJSON_Delete(clue);
    clue = CGT_AWAIT_CLUE(token, "source_ref", CGT_JSON_STR(second->json, "report_id"));
    cgt_response_free(second);
    cJSON *all = CGT_ALL_CLUES(token);
    const cJSON *body = cJSON_Parse(text);
    CGT_CHECK_INT(2, cgt_count_where(all, "content", cgt_json_str(body, "content")),
                  "clues with this report's content (one per key)");
    cJSON_Delete((cJSON *)body);
    cJSON_Delete(all);
    cJSON_Delete(clue);
    cgt_logout(token);

    /* The receipt is followed as usual. */
    char *status = cgt_report_status(receipt);
    CGT_CHECK(status != NULL, "the replayed receipt is a working receipt");
    free(status);

    /* Nothing in the gateway's database, nor in intake's record of the
     * key, holds the receipt or the key in clear. */
    if (getenv("CG_STATE") != NULL) {
        char sql[512];
        snprintf(sql, sizeof sql,
                 "SELECT count(*) FROM idempotency_keys WHERE position(convert_to('%s', 'UTF8')"
                 " IN answer) > 0 OR position(convert_to('%s', 'UTF8') IN key_hash) > 0",
                 receipt, key);
        CGT_CHECK_INT(0, cgt_psql_number("cg_gateway", sql),
                      "gateway rows holding the receipt or the key in clear");
        snprintf(sql, sizeof sql,
                 "SELECT count(*) FROM cg_idempotency WHERE position(convert_to('%s', 'UTF8')"
                 " IN reply) > 0 OR position(convert_to('%s', 'UTF8') IN key_hash) > 0",
                 receipt, key);
        CGT_CHECK_INT(0, cgt_psql_number("cg_intake", sql),
                      "intake rows holding the receipt or the key in clear");
    }

    free(other);
    free(text);
    cgt_response_free(first);
}

static void bad_keys(void **state)
{
    (void)state;
    char *text = report_text("idempotent-bad");
    cgt_response *r = post_with_key("short-key", text);
    CGT_CHECK_PROBLEM(r, 400);
    CGT_CHECK(strstr(r->body, "Idempotency-Key") != NULL, "the problem names the header");
    cgt_response_free(r);
    r = post_with_key("with space in it 0123456789abcdef0123456789", text);
    CGT_CHECK_PROBLEM(r, 400);
    cgt_response_free(r);
    free(text);
}

/* Two requests with one key at once. */
typedef struct racer {
    const char *key;
    const char *body;
    cgt_response *r;
} racer;

static void *race(void *arg)
{
    racer *x = arg;
    x->r = post_with_key(x->key, x->body);
    return NULL;
}

static void concurrent_duplicates(void **state)
{
    (void)state;
    for (int round = 0; round < 5; round++) {
        char key[37];
        cgt_uuid(key);
        char *text = report_text("idempotent-race");
        racer a = {key, text, NULL}, b = {key, text, NULL};
        pthread_t ta, tb;
        pthread_create(&ta, NULL, race, &a);
        pthread_create(&tb, NULL, race, &b);
        pthread_join(ta, NULL);
        pthread_join(tb, NULL);
        const char *id = NULL;
        cgt_response *rs[] = {a.r, b.r};
        for (int i = 0; i < 2; i++) {
            if (rs[i]->status == 409) {
                char value[16];
                CGT_CHECK_PROBLEM(rs[i], 409);
                CGT_CHECK_STR("1", cgt_header(rs[i], "Retry-After", value, sizeof value),
                              "Retry-After of a key in use");
                continue;
            }
            CGT_CHECK_STATUS(rs[i], 201);
            const char *got = CGT_JSON_STR(rs[i]->json, "report_id");
            CGT_CHECK(id == NULL || strcmp(id, got) == 0,
                      "two answers with one key name one report (%s, %s)", id ? id : "", got);
            id = got;
        }
        CGT_CHECK(id != NULL, "one of the two ran");
        cgt_response_free(a.r);
        cgt_response_free(b.r);
        free(text);
    }
}

int main(void)
{
    cgt_init("idempotency", CGT_NEED_GATEWAY);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(replay_and_conflict),
        cmocka_unit_test(bad_keys),
        cmocka_unit_test(concurrent_duplicates),
    };
    int failed = cmocka_run_group_tests_name("idempotency", tests, NULL, NULL);
    cgt_cleanup();
    return failed ? 1 : 0;
}
