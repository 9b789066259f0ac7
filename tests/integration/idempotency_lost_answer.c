/* Idempotency-Key held by the service that creates, not only by the gateway.
 * The first attempt's answer is lost after the service committed, and the
 * retry with the same key must get the first result, never a second record:
 * - the gateway forgets its record of the key (as it does on any 5xx; here
 *   its row is deleted between two requests): a report comes back with the
 *   same id and the same receipt, and there is one report and one clue; a
 *   registered clue comes back with the same id, and there is one;
 * - the gateway's call times out while intake waits on a lock and commits
 *   later: the retry gets that report, and there is one;
 * - a document added again under the same key is the first answer (201,
 *   not "already linked");
 * - after the gateway forgot, the same key with another request is still
 *   422 IDEMPOTENCY_KEY_REUSED, now said by the service. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cgt.h"

/* The gateway's RPC timeout in the local stack (CG_RPC_TIMEOUT_MS's
 * default), and how long intake is held past it. */
#define GATEWAY_TIMEOUT_MS 5000
#define HOLD_PAST_TIMEOUT_MS 1500

static cgt_response *post_keyed(const char *path, const char *token, const char *key,
                                const char *content_type, const char *body, size_t len)
{
    char auth[200], line[200], type[100];
    const char *headers[4] = {NULL};
    int n = 0;
    snprintf(type, sizeof type, "Content-Type: %s", content_type);
    headers[n++] = type;
    snprintf(line, sizeof line, "Idempotency-Key: %s", key);
    headers[n++] = line;
    if (token != NULL) {
        snprintf(auth, sizeof auth, "Authorization: Bearer %s", token);
        headers[n++] = auth;
    }
    return cgt_request("POST", path, headers, body, len);
}

/* The gateway forgets every key it kept, as after a 5xx. */
static void gateway_forgets(void)
{
    CGT_CHECK_INT(0, cgt_psql("cg_gateway", "DELETE FROM idempotency_keys"),
                  "deleting the gateway's idempotency rows");
}

static long long count_reports(const char *content)
{
    char sql[1024];
    snprintf(sql, sizeof sql, "SELECT count(*) FROM reports WHERE content = '%s'", content);
    return cgt_psql_number("cg_intake", sql);
}

static long long count_clues(const char *content)
{
    char sql[1024];
    snprintf(sql, sizeof sql, "SELECT count(*) FROM clues WHERE content = '%s'", content);
    return cgt_psql_number("cg_case", sql);
}

/* One report and, in time, exactly one clue of it. */
static void expect_one_report_one_clue(const char *content, const char *report_id)
{
    CGT_CHECK_INT(1, count_reports(content), "reports with this content");
    char *token = CGT_LOGIN("inspector");
    cJSON *clue = CGT_AWAIT_CLUE(token, "source_ref", report_id);
    cJSON_Delete(clue);
    cgt_logout(token);
    /* A second report's clue would follow within the same moments. */
    cgt_sleep_ms(1000);
    CGT_CHECK_INT(1, count_clues(content), "clues with this content");
}

/* A public report sent under one key, as often as the test wants. */
typedef struct keyed_report {
    char key[37];
    cJSON *body;
    char *text;
    const char *content; /* borrowed from body */
} keyed_report;

static void keyed_report_new(keyed_report *k, const char *label)
{
    cgt_uuid(k->key);
    k->body = cgt_report_body(label, NULL);
    k->text = cJSON_PrintUnformatted(k->body);
    k->content = cgt_json_str(k->body, "content");
}

static cgt_response *keyed_report_send(const keyed_report *k)
{
    return post_keyed("/api/v1/public/reports", NULL, k->key, "application/json", k->text,
                      strlen(k->text));
}

/* After the gateway forgot the key, k again names before's report with
 * before's receipt. The answer is the caller's to free. */
static cgt_response *keyed_report_resend(const keyed_report *k, const cgt_response *before)
{
    gateway_forgets();
    cgt_response *r = keyed_report_send(k);
    CGT_CHECK_STATUS(r, 201);
    CGT_CHECK_STR(CGT_JSON_STR(before->json, "report_id"), CGT_JSON_STR(r->json, "report_id"),
                  "the retry names the first report");
    CGT_CHECK_STR(CGT_JSON_STR(before->json, "receipt"), CGT_JSON_STR(r->json, "receipt"),
                  "the retry gets the first receipt");
    return r;
}

static void keyed_report_free(keyed_report *k)
{
    free(k->text);
    cJSON_Delete(k->body);
}

static void report_after_the_gateway_forgot(void **state)
{
    (void)state;
    char value[16];
    keyed_report k;
    keyed_report_new(&k, "lost-answer");
    const char *key = k.key;

    cgt_response *first = keyed_report_send(&k);
    CGT_CHECK_STATUS(first, 201);
    cgt_response *again = keyed_report_resend(&k, first);
    /* The gateway had nothing to replay: the service answered. */
    CGT_CHECK_STR("", cgt_header(again, "Idempotent-Replayed", value, sizeof value),
                  "Idempotent-Replayed on an answer the service gave again");
    char *status = cgt_report_status(CGT_JSON_STR(again->json, "receipt"));
    CGT_CHECK(status != NULL, "the receipt given again works");
    free(status);
    expect_one_report_one_clue(k.content, CGT_JSON_STR(first->json, "report_id"));

    /* The service remembers the request as well as the key. */
    gateway_forgets();
    cJSON *other = cgt_report_body("lost-answer-other", NULL);
    char *other_text = cJSON_PrintUnformatted(other);
    cgt_response *r = post_keyed("/api/v1/public/reports", NULL, key, "application/json",
                                 other_text, strlen(other_text));
    CGT_CHECK_PROBLEM(r, 422);
    CGT_CHECK_STR("IDEMPOTENCY_KEY_REUSED", cgt_json_str(r->json, "code"), "422 code");
    CGT_CHECK_INT(0, count_reports(cgt_json_str(other, "content")), "reports of the refused one");

    /* Neither the receipt nor the key lies in intake's table in clear. */
    char sql[512];
    snprintf(sql, sizeof sql,
             "SELECT count(*) FROM cg_idempotency WHERE position(convert_to('%s', 'UTF8') IN"
             " reply) > 0 OR position(convert_to('%s', 'UTF8') IN key_hash) > 0",
             CGT_JSON_STR(first->json, "receipt"), key);
    CGT_CHECK_INT(0, cgt_psql_number("cg_intake", sql), "rows holding the receipt or key");

    cgt_response_free(r);
    free(other_text);
    cJSON_Delete(other);
    cgt_response_free(again);
    cgt_response_free(first);
    keyed_report_free(&k);
}

typedef struct hold_probe {
    const char *sql;
} hold_probe;

static bool lock_held(void *arg)
{
    const hold_probe *p = arg;
    return cgt_psql_number("cg_intake", p->sql) == 1;
}

static void report_after_a_timeout(void **state)
{
    (void)state;
    char hold[256];
    keyed_report k;
    keyed_report_new(&k, "timed-out");

    /* Intake's insert waits behind this lock past the gateway's timeout,
     * then commits when the lock goes. */
    snprintf(hold, sizeof hold,
             "BEGIN; LOCK TABLE reports IN SHARE ROW EXCLUSIVE MODE; SELECT pg_sleep(%.1f);"
             " COMMIT;",
             (GATEWAY_TIMEOUT_MS + HOLD_PAST_TIMEOUT_MS) / 1000.0);
    cgt_psql_background("cg_intake", hold);
    hold_probe probe = {
        "SELECT count(*) FROM pg_locks l JOIN pg_class c ON c.oid = l.relation"
        " WHERE c.relname = 'reports' AND l.mode = 'ShareRowExclusiveLock' AND l.granted"};
    CGT_CHECK(cgt_eventually(CGT_DEADLINE_MS, 50, lock_held, &probe), "the lock is taken");

    cgt_response *first = keyed_report_send(&k);
    CGT_CHECK_PROBLEM(first, 503);
    /* The retry comes while the first still waits: it waits on the first's
     * record of the key and then gets its answer. */
    cgt_response *again = keyed_report_send(&k);
    CGT_CHECK_STATUS(again, 201);
    CGT_CHECK(cgt_is_digits(CGT_JSON_STR(again->json, "receipt"), 16), "a receipt");
    expect_one_report_one_clue(k.content, CGT_JSON_STR(again->json, "report_id"));
    /* And once more, after the gateway forgot again. */
    cgt_response *third = keyed_report_resend(&k, again);
    CGT_CHECK_INT(1, count_reports(k.content), "reports with this content");

    cgt_response_free(third);
    cgt_response_free(again);
    cgt_response_free(first);
    keyed_report_free(&k);
}

static void clue_after_the_gateway_forgot(void **state)
{
    (void)state;
    char key[65], summary[96], sql[256];
    cgt_token_hex(key, 64);
    char *token = CGT_LOGIN("inspector");
    cJSON *b = cgt_clue_body("city_a", NULL);
    cgt_token_hex(summary, 32);
    cJSON_ReplaceItemInObject(b, "summary", cJSON_CreateString(summary));
    char *text = cJSON_PrintUnformatted(b);

    cgt_response *first =
        post_keyed("/api/v1/clues", token, key, "application/json", text, strlen(text));
    CGT_CHECK_STATUS(first, 201);
    gateway_forgets();
    cgt_response *again =
        post_keyed("/api/v1/clues", token, key, "application/json", text, strlen(text));
    CGT_CHECK_STATUS(again, 201);
    CGT_CHECK_STR(CGT_JSON_STR(first->json, "id"), CGT_JSON_STR(again->json, "id"),
                  "the retry names the first clue");
    snprintf(sql, sizeof sql, "SELECT count(*) FROM clues WHERE content = '%s'", summary);
    CGT_CHECK_INT(1, cgt_psql_number("cg_case", sql), "clues with this summary");

    /* Another account's same key is its own. */
    char *other = CGT_LOGIN("inspector.east");
    cgt_response *theirs =
        post_keyed("/api/v1/clues", other, key, "application/json", text, strlen(text));
    CGT_CHECK_STATUS(theirs, 201);
    CGT_CHECK(strcmp(CGT_JSON_STR(first->json, "id"), CGT_JSON_STR(theirs->json, "id")) != 0,
              "another account's key makes its own clue");
    cgt_response_free(theirs);
    cgt_logout(other);

    gateway_forgets();
    cJSON_ReplaceItemInObject(b, "summary", cJSON_CreateString("another summary"));
    char *changed = cJSON_PrintUnformatted(b);
    cgt_response *r =
        post_keyed("/api/v1/clues", token, key, "application/json", changed, strlen(changed));
    CGT_CHECK_PROBLEM(r, 422);
    CGT_CHECK_STR("IDEMPOTENCY_KEY_REUSED", cgt_json_str(r->json, "code"), "422 code");

    cgt_response *responses[] = {r, again, first};
    for (size_t i = 0; i < sizeof responses / sizeof responses[0]; i++)
        cgt_response_free(responses[i]);
    free(changed);
    free(text);
    cJSON_Delete(b);
    cgt_logout(token);
    /* Whatever was retried or refused: one clue per account that sent it. */
    CGT_CHECK_INT(2, cgt_psql_number("cg_case", sql), "clues with this summary in the end");
}

static void document_added_again(void **state)
{
    (void)state;
    char *token = CGT_LOGIN("inspector");
    /* Two PNG-signed bodies, random after the signature. */
    char body[64] = "\x89PNG\r\n\x1a\n";
    char other[64] = "\x89PNG\r\n\x1a\n";
    cgt_token_hex(body + 8, 48);
    cgt_token_hex(other + 8, 48);
    char key[65], clue_id[37], path[256];
    cgt_token_hex(key, 64);
    CGT_CREATE_CLUE(token, "city_a", NULL, clue_id);
    snprintf(path, sizeof path, "/api/v1/clues/%s/documents?name=scan.png", clue_id);

    cgt_response *first = post_keyed(path, token, key, "image/png", body, 56);
    CGT_CHECK_STATUS(first, 201);
    cgt_response *again = post_keyed(path, token, key, "image/png", body, 56);
    CGT_CHECK_STATUS(again, 201);
    CGT_CHECK(again->body_len == first->body_len &&
                  memcmp(again->body, first->body, first->body_len) == 0,
              "the retry gets the first answer: %s vs %s", again->body, first->body);
    cgt_response *r = post_keyed(path, token, key, "image/png", other, 56);
    CGT_CHECK_PROBLEM(r, 422);
    CGT_CHECK_STR("IDEMPOTENCY_KEY_REUSED", cgt_json_str(r->json, "code"), "422 code");
    /* Without a key the same content is the "already there" answer. */
    cgt_response *plain = cgt_post_raw(path, token, "image/png", body, 56);
    CGT_CHECK_STATUS(plain, 200);

    cgt_response_free(plain);
    cgt_response_free(r);
    cgt_response_free(again);
    cgt_response_free(first);
    cgt_logout(token);
}

CGT_MAIN("idempotency_lost_answer", CGT_NEED_STACK,
         cmocka_unit_test(report_after_the_gateway_forgot),
         cmocka_unit_test(report_after_a_timeout), cmocka_unit_test(clue_after_the_gateway_forgot),
         cmocka_unit_test(document_added_again))
