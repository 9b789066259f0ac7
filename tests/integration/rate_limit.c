/* Rate limits through HTTP, at the gateway's default limits.
 *
 * scripts/test.sh starts the gateway with CG_TRUSTED_PROXIES=127.0.0.1 and
 * CG_RATE_EXEMPT=127.0.0.1: the other tests call from the loopback address
 * without X-Forwarded-For and are not limited at all, so they cannot turn
 * flaky. This test plays a proxy on 127.0.0.1 that forwards clients with
 * addresses of their own (X-Forwarded-For, random ones from the benchmark
 * range 198.18.0.0/15, so a rerun against the same gateway starts fresh):
 * those are not exempt and meet the limits every real client meets.
 *
 * Then the gateway's log must hold none of those addresses: client addresses
 * are held in memory for the limits only, never logged. */
#include "cgt.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A fresh client address and its X-Forwarded-For header line. */
typedef struct client {
    char addr[32];
    char xff[64];
} client;

static client used[8];
static size_t nused;

static void new_client(client *c)
{
    char r[8];
    cgt_random_digits(r, 6);
    /* 198.18.x.y and 198.19.x.y, from the six random digits. */
    int a = (r[0] - '0') % 2, b = ((r[1] - '0') * 10 + (r[2] - '0')) % 250 + 1,
        d = ((r[3] - '0') * 100 + (r[4] - '0') * 10 + (r[5] - '0')) % 250 + 1;
    snprintf(c->addr, sizeof c->addr, "198.%d.%d.%d", 18 + a, b, d);
    /* A forged entry on the left, as a client could send it; the right-most
     * one is what the trusted proxy (this test) saw. */
    snprintf(c->xff, sizeof c->xff, "X-Forwarded-For: 10.9.8.7, %s", c->addr);
    if (nused < sizeof used / sizeof used[0])
        used[nused++] = *c;
}

static cgt_response *post_as(const client *c, const char *path, const char *token, const char *body)
{
    char auth[128];
    const char *headers[4] = {"Content-Type: application/json", c->xff, NULL, NULL};
    if (token != NULL) {
        snprintf(auth, sizeof auth, "Authorization: Bearer %s", token);
        headers[2] = auth;
    }
    return cgt_request("POST", path, headers, body, strlen(body));
}

static cgt_response *get_as(const client *c, const char *path, const char *token)
{
    char auth[128];
    const char *headers[3] = {c->xff, NULL, NULL};
    if (token != NULL) {
        snprintf(auth, sizeof auth, "Authorization: Bearer %s", token);
        headers[1] = auth;
    }
    return cgt_request("GET", path, headers, NULL, 0);
}

/* A 429 problem naming limit, with a Retry-After of 1..max seconds that
 * equals the problem's retry_after. */
static void check_429(const cgt_response *r, const char *limit, long max)
{
    char value[64];
    CGT_CHECK_PROBLEM(r, 429);
    CGT_CHECK_STR("RESOURCE_EXHAUSTED", cgt_json_str(r->json, "code"), "429 code");
    CGT_CHECK_STR(limit, cgt_json_str(r->json, "limit"), "429 limit");
    cgt_header(r, "Retry-After", value, sizeof value);
    long secs = strtol(value, NULL, 10);
    CGT_CHECK(secs >= 1 && secs <= max, "Retry-After is 1..%ld seconds, got \"%s\"", max, value);
    const cJSON *ra = cJSON_GetObjectItemCaseSensitive(r->json, "retry_after");
    CGT_CHECK(cJSON_IsNumber(ra) && (long)ra->valuedouble == secs,
              "retry_after in the body equals Retry-After %ld", secs);
}

/* 5 requests a second per address on the public routes: a quick run of
 * calls is refused within the first few dozen, never in the first five;
 * another address and the exempt loopback go on meanwhile. */
static void public_requests_per_address(void **state)
{
    (void)state;
    client a, b;
    new_client(&a);
    new_client(&b);
    int first_429 = -1;
    for (int i = 0; i < 60 && first_429 < 0; i++) {
        /* An empty body is a cheap 400; it counts like any other call. */
        cgt_response *r = post_as(&a, "/api/v1/public/reports/status", NULL, "{}");
        if (r->status == 429) {
            check_429(r, "public", 1);
            first_429 = i;
        } else {
            CGT_CHECK_STATUS(r, 400);
        }
        cgt_response_free(r);
    }
    CGT_CHECK(first_429 >= 5, "the first refusal came after at least 5 calls (got %d)", first_429);

    cgt_response *r = post_as(&b, "/api/v1/public/reports/status", NULL, "{}");
    CGT_CHECK_STATUS(r, 400);
    cgt_response_free(r);
    r = cgt_post_raw("/api/v1/public/reports/status", NULL, "application/json", "{}", 2);
    CGT_CHECK_STATUS(r, 400);
    cgt_response_free(r);

    /* A second later the address has tokens again. */
    cgt_sleep_ms(1100);
    r = post_as(&a, "/api/v1/public/reports/status", NULL, "{}");
    CGT_CHECK_STATUS(r, 400);
    cgt_response_free(r);
}

/* 10 reports an hour per address: ten are accepted, the eleventh is 429
 * with a Retry-After of minutes, and the address may still follow up its
 * reports (a different limit). Calls are spaced so the per-second limit
 * never decides. */
static void reports_per_hour(void **state)
{
    (void)state;
    client c;
    new_client(&c);
    for (int i = 0; i < 11; i++) {
        cJSON *body = cgt_report_body("rate-limit", NULL);
        char *text = cJSON_PrintUnformatted(body);
        cgt_response *r = post_as(&c, "/api/v1/public/reports", NULL, text);
        if (i < 10)
            CGT_CHECK_STATUS(r, 201);
        else
            check_429(r, "public_reports", 3600);
        cgt_response_free(r);
        free(text);
        cJSON_Delete(body);
        cgt_sleep_ms(250);
    }
    cgt_response *r = post_as(&c, "/api/v1/public/reports/status", NULL, "{}");
    CGT_CHECK_STATUS(r, 400);
    cgt_response_free(r);
}

/* 20 a second with a burst of 40 per account: a quick run of calls with one
 * account's token is refused after at least 40; from the exempt loopback
 * the same token still works. */
static void api_per_account(void **state)
{
    (void)state;
    client c;
    new_client(&c);
    char *token = CGT_LOGIN("lead");
    int first_429 = -1;
    for (int i = 0; i < 400 && first_429 < 0; i++) {
        cgt_response *r = get_as(&c, "/api/v1/auth/me", token);
        if (r->status == 429) {
            check_429(r, "account", 1);
            first_429 = i;
        } else {
            CGT_CHECK_STATUS(r, 200);
        }
        cgt_response_free(r);
    }
    CGT_CHECK(first_429 >= 40, "the first refusal came after at least 40 calls (got %d)",
              first_429);
    cgt_response *r = cgt_get("/api/v1/auth/me", token);
    CGT_CHECK_STATUS(r, 200);
    cgt_response_free(r);
    cgt_logout(token);
}

/* None of the client addresses this test used is in the gateway's log. */
static void addresses_never_logged(void **state)
{
    (void)state;
    const char *dir = getenv("CG_STATE");
    if (dir == NULL)
        skip();
    char path[1024];
    snprintf(path, sizeof path, "%s/log/gateway.log", dir);
    FILE *f = fopen(path, "r");
    CGT_CHECK(f != NULL, "cannot read %s", path);
    static char line[65536];
    size_t lines = 0;
    while (fgets(line, sizeof line, f) != NULL) {
        lines++;
        for (size_t i = 0; i < nused; i++)
            CGT_CHECK(strstr(line, used[i].addr) == NULL, "the gateway logged %s: %.300s",
                      used[i].addr, line);
        CGT_CHECK(strstr(line, "10.9.8.7") == NULL, "the gateway logged a forwarded address");
    }
    fclose(f);
    CGT_CHECK(lines > 0 && nused >= 3, "read %zu log lines for %zu addresses", lines, nused);
}

int main(void)
{
    cgt_init("rate_limit", CGT_NEED_GATEWAY);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(public_requests_per_address),
        cmocka_unit_test(reports_per_hour),
        cmocka_unit_test(api_per_account),
        cmocka_unit_test(addresses_never_logged),
    };
    int failed = cmocka_run_group_tests_name("rate_limit", tests, NULL, NULL);
    cgt_cleanup();
    return failed ? 1 : 0;
}
