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

/* How many calls of /api/v1/public/reports/status, each with the
 * X-Forwarded-For lines of xff_for(i) (NULL-terminated), pass before the
 * first 429; -1 when none came in 30. */
typedef void (*xff_fn)(int i, const char *lines[3]);

static int calls_until_refused(xff_fn xff_for)
{
    for (int i = 0; i < 30; i++) {
        const char *lines[3] = {NULL, NULL, NULL};
        xff_for(i, lines);
        const char *headers[5] = {"Content-Type: application/json", lines[0], lines[1], NULL, NULL};
        cgt_response *r = cgt_request("POST", "/api/v1/public/reports/status", headers, "{}", 2);
        long status = r->status;
        cgt_response_free(r);
        if (status == 429)
            return i;
        CGT_CHECK_INT(400, status, "a call before the limit");
    }
    return -1;
}

static char garbage_line[64], v6_line[96], v6_net[8], two_lines[2][64];

/* A different piece of garbage each time: one client all the same. */
static void garbage(int i, const char *lines[3])
{
    snprintf(garbage_line, sizeof garbage_line, "X-Forwarded-For: not-an-address-%d", i);
    lines[0] = garbage_line;
}

/* A different address each time, all in one /64. */
static void same_64(int i, const char *lines[3])
{
    snprintf(v6_line, sizeof v6_line, "X-Forwarded-For: 2001:db8:%s::%x", v6_net, i + 1);
    lines[0] = v6_line;
}

/* The client's address in a second X-Forwarded-For line, after a forged
 * first one that changes each time. */
static void second_line(int i, const char *lines[3])
{
    snprintf(two_lines[1], sizeof two_lines[1], "X-Forwarded-For: 10.%d.0.1", i);
    lines[0] = two_lines[1];
    lines[1] = two_lines[0];
}

/* Every X-Forwarded-For line counts, as one list: the address the trusted
 * proxy saw is the right-most entry of the last line. An entry that is no
 * address is one client of its own (not the proxy, which the suite exempts
 * from limits, nor a bucket per request), and an IPv6 client counts by its
 * /64. Each of these is refused after the limit of one address. */
static void forwarded_for_forms(void **state)
{
    (void)state;
    client c;
    new_client(&c);
    snprintf(two_lines[0], sizeof two_lines[0], "X-Forwarded-For: %s", c.addr);
    int n = calls_until_refused(garbage);
    CGT_CHECK(n >= 5 && n <= 10, "garbage entries: refused after %d calls", n);
    n = calls_until_refused(second_line);
    CGT_CHECK(n >= 5 && n <= 10, "two lines: refused after %d calls", n);
    /* A /64 of this run's own. */
    cgt_random_digits(v6_net, 4);
    n = calls_until_refused(same_64);
    CGT_CHECK(n >= 5 && n <= 10, "one /64: refused after %d calls", n);
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
        cmocka_unit_test(forwarded_for_forms),
        cmocka_unit_test(reports_per_hour),
        cmocka_unit_test(api_per_account),
        cmocka_unit_test(addresses_never_logged),
    };
    int failed = cmocka_run_group_tests_name("rate_limit", tests, NULL, NULL);
    cgt_cleanup();
    return failed ? 1 : 0;
}
