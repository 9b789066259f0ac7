/* Unit tests of the rate limits (token buckets with the clock passed in, so
 * no test sleeps), the bounded table under a flood of keys, the trusted
 * proxy list, the client address behind X-Forwarded-For, and entity tags. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>
#include <stdio.h>
#include <string.h>

#include "cg_test.h"
#include "etag.h"
#include "ratelimit.h"

#define NOW 5000000 /* any monotonic time */
#define HOUR_MS (3600 * 1000)

static const uint8_t seed[GW_RATE_SEED_LEN] = {1, 2, 3};

static gw_rate_limit *make(long rate, long period_ms, long burst, size_t slots)
{
    gw_rate_limit *l = NULL;
    cg_err err;
    cg_err_clear(&err);
    assert_int_equal(gw_rate_limit_create(&l, rate, period_ms, burst, slots, seed, &err), CG_OK);
    return l;
}

static bool take(gw_rate_limit *l, const char *key, int64_t now, long *retry)
{
    return gw_rate_limit_take(l, key, strlen(key), now, retry);
}

/* 5 a second: five pass at once, the sixth waits one second; 200 ms later
 * one token is back. */
static void test_bucket_per_second(void **state)
{
    (void)state;
    gw_rate_limit *l = make(5, 1000, 5, 64);
    long retry = 0;
    for (int i = 0; i < 5; i++)
        assert_true(take(l, "198.51.100.7", NOW, &retry));
    assert_false(take(l, "198.51.100.7", NOW, &retry));
    assert_int_equal(retry, 1);
    assert_false(take(l, "198.51.100.7", NOW + 150, NULL));
    assert_true(take(l, "198.51.100.7", NOW + 200, NULL));
    assert_false(take(l, "198.51.100.7", NOW + 200, NULL));
    /* Another key has its own bucket. */
    assert_true(take(l, "198.51.100.8", NOW, NULL));
    gw_rate_limit_destroy(l);
}

/* 10 reports an hour: the eleventh is refused for six minutes (one token
 * every 360 s), and refused requests do not push that further. */
static void test_bucket_per_hour(void **state)
{
    (void)state;
    gw_rate_limit *l = make(10, HOUR_MS, 10, 64);
    long retry = 0;
    for (int i = 0; i < 10; i++)
        assert_true(take(l, "203.0.113.9", NOW + i, NULL));
    assert_false(take(l, "203.0.113.9", NOW + 10, &retry));
    assert_int_equal(retry, 360);
    assert_false(take(l, "203.0.113.9", NOW + 60 * 1000, &retry));
    assert_int_equal(retry, 300);
    assert_true(take(l, "203.0.113.9", NOW + 360 * 1000, NULL));
    /* A whole idle day refills to the burst, not beyond. */
    int passed = 0;
    for (int i = 0; i < 20; i++)
        passed += take(l, "203.0.113.9", NOW + 24LL * HOUR_MS, NULL);
    assert_int_equal(passed, 10);
    gw_rate_limit_destroy(l);
}

/* A burst above the rate: 20 a second with room for 40. */
static void test_bucket_burst(void **state)
{
    (void)state;
    gw_rate_limit *l = make(20, 1000, 40, 64);
    int passed = 0;
    for (int i = 0; i < 100; i++)
        passed += take(l, "account-1", NOW, NULL);
    assert_int_equal(passed, 40);
    passed = 0;
    for (int i = 0; i < 100; i++)
        passed += take(l, "account-1", NOW + 1000, NULL);
    assert_int_equal(passed, 20);
    gw_rate_limit_destroy(l);
}

/* Rate 0 is off, and a NULL limit passes everything; bad settings are
 * refused. */
static void test_off_and_bad(void **state)
{
    (void)state;
    gw_rate_limit *l = make(0, 1000, 0, 0);
    for (int i = 0; i < 1000; i++)
        assert_true(take(l, "x", NOW, NULL));
    gw_rate_limit_destroy(l);
    assert_true(take(NULL, "x", NOW, NULL));
    cg_err err;
    cg_err_clear(&err);
    assert_int_equal(gw_rate_limit_create(&l, 5, 1000, 0, 64, seed, &err), CG_INVALID_ARGUMENT);
    assert_int_equal(gw_rate_limit_create(&l, -1, 1000, 1, 64, seed, &err), CG_INVALID_ARGUMENT);
    assert_int_equal(gw_rate_limit_create(&l, 5, 0, 5, 64, seed, &err), CG_INVALID_ARGUMENT);
    assert_null(l);
}

/* A flood of distinct addresses never grows the table, and does not evict
 * a key that is still being limited while its set has room: keys that are
 * full again go first. With a table of one set (8 slots), a limited key
 * survives 7 others; past that, the least recently used one goes, and it
 * comes back with a full bucket (more lenient, never stricter). */
static void test_flood_bounded(void **state)
{
    (void)state;
    gw_rate_limit *l = make(1, HOUR_MS, 1, GW_RATE_WAYS);
    char key[32];
    assert_true(take(l, "victim", NOW, NULL));
    assert_false(take(l, "victim", NOW, NULL));
    /* Each flooding key takes its one token and is then empty too. */
    for (int i = 0; i < GW_RATE_WAYS - 1; i++) {
        snprintf(key, sizeof key, "10.0.0.%d", i);
        assert_true(take(l, key, NOW + 1 + i, NULL));
    }
    assert_false(take(l, "victim", NOW + 100, NULL));
    /* Two more: the least recently used ones (10.0.0.0 and 10.0.0.1) go;
     * "victim" was touched last at NOW + 100 and stays limited. */
    assert_true(take(l, "10.0.1.0", NOW + 200, NULL));
    assert_true(take(l, "10.0.1.1", NOW + 201, NULL));
    assert_false(take(l, "victim", NOW + 300, NULL));
    assert_true(take(l, "10.0.0.0", NOW + 400, NULL));
    /* Now a flood of 100000 keys; the victim falls out and starts over. */
    for (int i = 0; i < 100000; i++) {
        snprintf(key, sizeof key, "flood-%d", i);
        take(l, key, NOW + 1000 + i, NULL);
    }
    assert_true(take(l, "victim", NOW + 200000, NULL));
    gw_rate_limit_destroy(l);
}

/* --- trusted proxies and X-Forwarded-For ----------------------------------- */

static void test_cidr_parse(void **state)
{
    (void)state;
    gw_cidr list[4];
    size_t n = 99;
    cg_err err;
    cg_err_clear(&err);
    assert_int_equal(gw_cidr_list_parse("", list, 4, &n, &err), CG_OK);
    assert_int_equal(n, 0);
    assert_int_equal(gw_cidr_list_parse(NULL, list, 4, &n, &err), CG_OK);
    assert_int_equal(n, 0);
    assert_int_equal(
        gw_cidr_list_parse(" 127.0.0.1 , 10.0.0.0/8,192.168.1.0/24", list, 4, &n, &err), CG_OK);
    assert_int_equal(n, 3);
    assert_int_equal(list[0].prefix, 32);
    assert_int_equal(list[1].prefix, 8);
    assert_int_equal(list[2].addr, 0xc0a80100u);
    assert_int_equal(gw_cidr_list_parse("0.0.0.0/0", list, 4, &n, &err), CG_OK);
    assert_true(gw_cidr_list_contains(list, n, "8.8.8.8"));

    static const char *const bad[] = {
        "localhost",
        "::1",
        "10.0.0.1/33",
        "10.0.0.1/8",
        "10.0.0",
        "10.0.0.1,",
        ",10.0.0.1",
        "10.0.0.1/",
        "10.0.0.1/x",
        "1.2.3.4 5.6.7.8",
        "1.2.3.4,5.6.7.8,9.9.9.9,1.1.1.1,2.2.2.2",
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        cg_err_clear(&err);
        if (gw_cidr_list_parse(bad[i], list, 4, &n, &err) != CG_INVALID_ARGUMENT)
            fail_msg("'%s' was accepted", bad[i]);
    }
}

static void test_cidr_contains(void **state)
{
    (void)state;
    gw_cidr list[4];
    size_t n;
    cg_err err;
    cg_err_clear(&err);
    assert_int_equal(gw_cidr_list_parse("127.0.0.1,10.1.0.0/16", list, 4, &n, &err), CG_OK);
    assert_true(gw_cidr_list_contains(list, n, "127.0.0.1"));
    assert_false(gw_cidr_list_contains(list, n, "127.0.0.2"));
    assert_true(gw_cidr_list_contains(list, n, "10.1.255.3"));
    assert_false(gw_cidr_list_contains(list, n, "10.2.0.1"));
    assert_false(gw_cidr_list_contains(list, n, "::1"));
    assert_false(gw_cidr_list_contains(list, n, "garbage"));
    assert_false(gw_cidr_list_contains(list, 0, "127.0.0.1"));
}

static void check_client(const char *peer, const char *xff, const char *trusted,
                         const char *expected)
{
    gw_cidr list[8];
    size_t n;
    char out[GW_ADDR_MAX];
    cg_err err;
    cg_err_clear(&err);
    assert_int_equal(gw_cidr_list_parse(trusted, list, 8, &n, &err), CG_OK);
    /* "a | b" stands for two X-Forwarded-For lines. */
    const char *lines[4];
    size_t nlines = 0;
    char copy[512];
    if (xff != NULL) {
        snprintf(copy, sizeof copy, "%s", xff);
        for (char *save = NULL, *line = strtok_r(copy, "|", &save); line != NULL && nlines < 4;
             line = strtok_r(NULL, "|", &save))
            lines[nlines++] = line;
        if (nlines == 0)
            lines[nlines++] = ""; /* one empty line */
    }
    gw_client_addr(peer, lines, nlines, list, n, out);
    if (strcmp(out, expected) != 0)
        fail_msg("peer %s, X-Forwarded-For '%s', trusted '%s': expected %s, got %s", peer,
                 xff ? xff : "(none)", trusted, expected, out);
}

static void test_client_addr(void **state)
{
    (void)state;
    /* No trusted proxies: the header is ignored, whatever it says. */
    check_client("198.51.100.1", "203.0.113.5", "", "198.51.100.1");
    /* A peer that is not trusted cannot speak for anyone else. */
    check_client("198.51.100.1", "203.0.113.5", "127.0.0.1", "198.51.100.1");
    /* A trusted peer without the header is the client itself. */
    check_client("127.0.0.1", NULL, "127.0.0.1", "127.0.0.1");
    /* One proxy: its entry is the client. */
    check_client("127.0.0.1", "203.0.113.5", "127.0.0.1", "203.0.113.5");
    /* The client forged entries to the left; the right-most untrusted wins. */
    check_client("127.0.0.1", "1.1.1.1, 6.6.6.6,203.0.113.5", "127.0.0.1", "203.0.113.5");
    /* Two proxy layers, both trusted. */
    check_client("10.0.0.2", "198.51.100.77, 10.0.0.9", "10.0.0.0/8", "198.51.100.77");
    /* Every entry trusted: the left-most is the nearest thing to a client. */
    check_client("10.0.0.2", "10.0.0.5, 10.0.0.9", "10.0.0.0/8", "10.0.0.5");
    /* IPv6 clients (a proxy that speaks IPv6 outside) count by their /64:
     * one subscriber holds a whole /64. */
    check_client("127.0.0.1", "2001:db8::1", "127.0.0.1", "2001:db8::/64");
    check_client("127.0.0.1", "2001:db8:1:2:aaaa:bbbb:cccc:dddd", "127.0.0.1", "2001:db8:1:2::/64");
    check_client("127.0.0.1", "2001:DB8:1:2::ffff", "127.0.0.1", "2001:db8:1:2::/64");
    /* Garbage, empty or over-long entries are one client of their own, never
     * the proxy (often exempt from limits) and never a key per request. */
    check_client("127.0.0.1", "<script>", "127.0.0.1", GW_ADDR_UNPARSABLE);
    check_client("127.0.0.1", "", "127.0.0.1", GW_ADDR_UNPARSABLE);
    check_client("127.0.0.1", "203.0.113.5,", "127.0.0.1", GW_ADDR_UNPARSABLE);
    check_client("127.0.0.1", "1.2.3.4.5", "127.0.0.1", GW_ADDR_UNPARSABLE);
    check_client("127.0.0.1", "203.0.113.5, , 10.0.0.3", "127.0.0.1,10.0.0.0/8",
                 GW_ADDR_UNPARSABLE);
    check_client("127.0.0.1", "203.0.113.5, junk, 10.0.0.3", "127.0.0.1,10.0.0.0/8",
                 GW_ADDR_UNPARSABLE);
    char longer[200];
    memset(longer, '1', sizeof longer - 1);
    longer[sizeof longer - 1] = '\0';
    check_client("127.0.0.1", longer, "127.0.0.1", GW_ADDR_UNPARSABLE);
    /* Several lines are one list: the last line holds its right end. */
    check_client("127.0.0.1", "203.0.113.5 | 198.51.100.7", "127.0.0.1", "198.51.100.7");
    check_client("10.0.0.2", "198.51.100.77 | 10.0.0.9", "10.0.0.0/8", "198.51.100.77");
    check_client("10.0.0.2", "10.0.0.5 | 10.0.0.9", "10.0.0.0/8", "10.0.0.5");
}

/* --- entity tags ------------------------------------------------------------ */

static void test_etag(void **state)
{
    (void)state;
    char a[GW_ETAG_LEN], b[GW_ETAG_LEN], c[GW_ETAG_LEN];
    gw_etag_compute("{\"id\":1}", 8, a);
    gw_etag_compute("{\"id\":1}", 8, b);
    gw_etag_compute("{\"id\":2}", 8, c);
    assert_int_equal(strlen(a), GW_ETAG_LEN - 1);
    assert_true(a[0] == '"' && a[GW_ETAG_LEN - 2] == '"');
    assert_string_equal(a, b);
    assert_string_not_equal(a, c);

    char list[128], weak[40];
    snprintf(weak, sizeof weak, "W/%s", a);
    snprintf(list, sizeof list, "%s , %s", c, a);

    /* If-None-Match: weak comparison, lists, star. */
    assert_false(gw_etag_none_match_hit(NULL, a));
    assert_true(gw_etag_none_match_hit(a, a));
    assert_true(gw_etag_none_match_hit(weak, a));
    assert_true(gw_etag_none_match_hit(list, a));
    assert_true(gw_etag_none_match_hit(" * ", a));
    assert_false(gw_etag_none_match_hit(c, a));
    assert_false(gw_etag_none_match_hit("garbage", a));
    assert_false(gw_etag_none_match_hit("\"unterminated", a));
    assert_false(gw_etag_none_match_hit("", a));

    /* If-Match: strong comparison; absent passes; a stale tag fails. */
    assert_true(gw_etag_match_ok(NULL, a, true));
    assert_true(gw_etag_match_ok(a, a, true));
    assert_true(gw_etag_match_ok(list, a, true));
    assert_true(gw_etag_match_ok("*", a, true));
    assert_false(gw_etag_match_ok("*", a, false));
    assert_false(gw_etag_match_ok(a, a, false));
    assert_false(gw_etag_match_ok(weak, a, true));
    assert_false(gw_etag_match_ok(c, a, true));
    assert_false(gw_etag_match_ok("garbage", a, true));
}

CG_TEST_MAIN(cmocka_unit_test(test_bucket_per_second), cmocka_unit_test(test_bucket_per_hour),
             cmocka_unit_test(test_bucket_burst), cmocka_unit_test(test_off_and_bad),
             cmocka_unit_test(test_flood_bounded), cmocka_unit_test(test_cidr_parse),
             cmocka_unit_test(test_cidr_contains), cmocka_unit_test(test_client_addr),
             cmocka_unit_test(test_etag))
