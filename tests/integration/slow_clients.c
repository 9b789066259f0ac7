/* Clients that connect and then send slowly, or not at all, must not stop
 * the gateway serving others (docs/operations.md, "Slow clients"):
 *   - a hundred such connections from one address, some stuck in their
 *     head and some in their body, and /healthz still answers within a
 *     second: the address gets its CG_HTTP_CONN_PER_ADDR connections and
 *     the rest are refused with 429 at once;
 *   - a head sent a byte at a time is answered 408 once the head deadline
 *     has passed, however steadily the bytes come;
 *   - so is a body, and an upload, at their deadlines.
 * The slow clients connect from 127.0.0.2 and 127.0.0.3 (the whole of
 * 127/8 is the loopback), so that the cap, which spares the trusted proxy
 * 127.0.0.1 the tests use elsewhere, applies to them. The deadlines are the
 * short ones scripts/test.sh gives the gateway, read from the same
 * environment. */
#include "cgt.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#define SLOW_CONNECTIONS 100

static struct sockaddr_in gateway_addr;
static long head_timeout_ms, body_timeout_ms, upload_timeout_ms, per_addr;

static long env_long(const char *name, long fallback)
{
    const char *v = getenv(name);
    return v != NULL && v[0] != '\0' ? strtol(v, NULL, 10) : fallback;
}

/* A connection to the gateway from source (a loopback address). */
static int connect_from(const char *source)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    CGT_CHECK(fd >= 0, "socket: %s", strerror(errno));
    struct sockaddr_in local = {.sin_family = AF_INET};
    CGT_CHECK(inet_pton(AF_INET, source, &local.sin_addr) == 1, "address %s", source);
    CGT_CHECK(bind(fd, (struct sockaddr *)&local, sizeof local) == 0, "bind %s: %s", source,
              strerror(errno));
    CGT_CHECK(connect(fd, (struct sockaddr *)&gateway_addr, sizeof gateway_addr) == 0,
              "connect from %s: %s", source, strerror(errno));
    return fd;
}

static void send_all(int fd, const char *s)
{
    size_t len = strlen(s);
    for (size_t sent = 0; sent < len;) {
        ssize_t n = send(fd, s + sent, len - sent, MSG_NOSIGNAL);
        if (n <= 0)
            return; /* the gateway may have answered and closed */
        sent += (size_t)n;
    }
}

/* The status of the answer waiting on fd within wait_ms, 0 when none came
 * (nothing yet, or the connection closed without an answer). */
static long answer_status(int fd, int wait_ms, char *head, size_t size)
{
    struct pollfd p = {.fd = fd, .events = POLLIN};
    head[0] = '\0';
    if (poll(&p, 1, wait_ms) <= 0)
        return 0;
    ssize_t n = recv(fd, head, size - 1, 0);
    if (n <= 0)
        return 0;
    head[n] = '\0';
    long status = 0;
    return sscanf(head, "HTTP/1.1 %3ld", &status) == 1 ? status : 0;
}

/* Send one byte of tail every interval_ms on fd until an answer comes or
 * limit_ms pass; the status (0: none) and how long it took. */
static long trickle(int fd, const char *tail, int interval_ms, long limit_ms, long *took_ms)
{
    char head[2048];
    int64_t start = cgt_now_ms();
    size_t i = 0;
    long status = 0;
    while (cgt_now_ms() - start < limit_ms) {
        if (tail[i] != '\0') {
            char one[2] = {tail[i++], '\0'};
            send_all(fd, one);
        }
        status = answer_status(fd, interval_ms, head, sizeof head);
        if (status != 0 || head[0] != '\0')
            break;
    }
    *took_ms = (long)(cgt_now_ms() - start);
    if (status == 408)
        CGT_CHECK(strstr(head, "application/problem+json") != NULL &&
                      strstr(head, "Connection: close") != NULL,
                  "a 408 is problem+json and closes the connection: %.300s", head);
    return status;
}

static void healthz_fast(const char *when)
{
    int64_t start = cgt_now_ms();
    cgt_response *r = cgt_get("/healthz", NULL);
    long took = (long)(cgt_now_ms() - start);
    CGT_CHECK(r->status == 200 && took < 1000, "/healthz %s: %ld in %ld ms, wanted 200 within 1 s",
              when, r->status, took);
    cgt_response_free(r);
}

static void hundred_slow_connections(void **state)
{
    (void)state;
    int fds[SLOW_CONNECTIONS];
    char head[2048];
    /* Half stop in their head, half declare a 64 KiB body and send "{". */
    for (int i = 0; i < SLOW_CONNECTIONS; i++) {
        fds[i] = connect_from("127.0.0.2");
        send_all(fds[i], i % 2 == 0 ? "GET /healthz HTTP/1.1\r\nHost: gw\r\n"
                                    : "POST /api/v1/public/reports HTTP/1.1\r\nHost: gw\r\n"
                                      "Content-Type: application/json\r\n"
                                      "Content-Length: 65536\r\n\r\n{");
    }
    healthz_fast("beside 100 slow connections");
    /* Those over the address's cap were refused at once, with 429. */
    int refused = 0, silent = 0;
    for (int i = 0; i < SLOW_CONNECTIONS; i++) {
        long status = answer_status(fds[i], 50, head, sizeof head);
        if (status == 429)
            refused++;
        else if (status == 0 && head[0] == '\0')
            silent++;
    }
    CGT_CHECK(refused >= SLOW_CONNECTIONS - per_addr && silent <= per_addr,
              "of %d slow connections from one address, %d refused with 429 and %d still held; "
              "the cap is %ld",
              SLOW_CONNECTIONS, refused, silent, per_addr);
    healthz_fast("while the slow connections wait out their deadline");
    for (int i = 0; i < SLOW_CONNECTIONS; i++)
        close(fds[i]);
}

static void head_byte_by_byte_gets_408(void **state)
{
    (void)state;
    int fd = connect_from("127.0.0.3");
    long took = 0;
    send_all(fd, "GET /healthz HTTP/1.1\r\n");
    long status =
        trickle(fd, "X-Slow: aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", 250,
                head_timeout_ms * 3, &took);
    close(fd);
    CGT_CHECK(status == 408 && took >= head_timeout_ms - 300 && took < head_timeout_ms * 2 + 1000,
              "a head sent a byte every 250 ms: %ld after %ld ms, wanted 408 after the %ld ms "
              "deadline",
              status, took, head_timeout_ms);
}

static void body_byte_by_byte_gets_408(void **state)
{
    (void)state;
    int fd = connect_from("127.0.0.3");
    long took = 0;
    send_all(fd, "POST /api/v1/public/reports HTTP/1.1\r\nHost: gw\r\n"
                 "Content-Type: application/json\r\nContent-Length: 200\r\n\r\n{");
    long status = trickle(fd, "\"content\": \"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
                          250, body_timeout_ms * 3, &took);
    close(fd);
    CGT_CHECK(status == 408 && took >= body_timeout_ms - 300 && took < body_timeout_ms + 1500,
              "a body sent a byte every 250 ms: %ld after %ld ms, wanted 408 at the %ld ms "
              "deadline",
              status, took, body_timeout_ms);
}

static void upload_byte_by_byte_gets_408(void **state)
{
    (void)state;
    char *token = CGT_LOGIN("inspector");
    cgt_report rep;
    CGT_SUBMIT_SIMPLE("slow upload", "city_a", &rep);
    cJSON *clue = CGT_AWAIT_CLUE(token, "source_ref", rep.report_id);
    char request[1024];
    snprintf(request, sizeof request,
             "POST /api/v1/clues/%s/documents?name=slow.png HTTP/1.1\r\nHost: gw\r\n"
             "Authorization: Bearer %s\r\nContent-Type: image/png\r\n"
             "Content-Length: 4096\r\n\r\n\x89PNG\r\n\x1a\n",
             CGT_JSON_STR(clue, "id"), token);
    int fd = connect_from("127.0.0.3");
    long took = 0;
    send_all(fd, request);
    long status =
        trickle(fd, "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", 250,
                upload_timeout_ms * 3, &took);
    close(fd);
    CGT_CHECK(status == 408 && took >= upload_timeout_ms - 300 && took < upload_timeout_ms + 1500,
              "an upload sent a byte every 250 ms: %ld after %ld ms, wanted 408 at the %ld ms "
              "deadline",
              status, took, upload_timeout_ms);
    /* Nothing of the cut-short upload was stored. */
    char path[256];
    snprintf(path, sizeof path, "/api/v1/clues/%s/documents", CGT_JSON_STR(clue, "id"));
    cgt_response *r = cgt_get(path, token);
    CGT_CHECK_STATUS(r, 200);
    CGT_CHECK(strstr(r->body, "slow.png") == NULL, "a late upload was kept: %s", r->body);
    cgt_response_free(r);
    cJSON_Delete(clue);
    cgt_logout(token);
}

int main(void)
{
    cgt_init("slow_clients", CGT_NEED_GATEWAY);
    const char *url = cgt_gateway_url();
    char host[64];
    int port = 0;
    CGT_CHECK(sscanf(url, "http://%63[^:]:%d", host, &port) == 2, "CG_GATEWAY_URL %s", url);
    gateway_addr.sin_family = AF_INET;
    gateway_addr.sin_port = htons((uint16_t)port);
    CGT_CHECK(inet_pton(AF_INET, host, &gateway_addr.sin_addr) == 1, "IPv4 gateway %s", host);
    head_timeout_ms = env_long("CG_HTTP_HEAD_TIMEOUT_MS", 10000);
    body_timeout_ms = env_long("CG_HTTP_BODY_TIMEOUT_MS", 30000);
    upload_timeout_ms = env_long("CG_HTTP_UPLOAD_TIMEOUT_MS", 300000);
    per_addr = env_long("CG_HTTP_CONN_PER_ADDR", 16);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(hundred_slow_connections),
        cmocka_unit_test(head_byte_by_byte_gets_408),
        cmocka_unit_test(body_byte_by_byte_gets_408),
        cmocka_unit_test(upload_byte_by_byte_gets_408),
    };
    int failed = cmocka_run_group_tests_name("slow_clients", tests, NULL, NULL);
    cgt_cleanup();
    return failed ? 1 : 0;
}
