/* Sessions: the revocation broadcast between gateway replicas, the idle
 * timeout and the idle clock's refresh.
 *
 * The suite runs one gateway. The broadcast is tested from both ends:
 * - receiving: the test plays the other replica. It revokes a session in the
 *   database the way that replica would, checks this gateway still accepts
 *   it from its session cache, publishes the revocation on NATS, and needs a
 *   401 within one second and before the cache entry could have run out by
 *   itself (else the round proves nothing and is tried again);
 * - sending: a logout and a password change through this gateway must put
 *   the token's hash, or the account, on the subject.
 * Idle expiry is driven by moving a session's last_seen_at back in the
 * database (the gateway compares it with the database's clock); nothing in
 * the gateway is there for tests. */
#include "cgt.h"

#include <nats/nats.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

#define SUBJECT "cg.gw.session.revoked"
#define ACCOUNT "custodian"

static natsConnection *nc;

static long env_long(const char *name, long fallback)
{
    const char *v = getenv(name);
    return v != NULL && v[0] != '\0' ? strtol(v, NULL, 10) : fallback;
}

/* Run sql on the gateway's database as the superuser; the first line of
 * the output (at most size - 1 bytes) goes into out when out is not NULL.
 * Fails the test unless psql succeeded. */
static void psql(const char *sql, char *out, size_t size)
{
    const char *state = getenv("CG_STATE");
    CGT_CHECK(state != NULL, "CG_STATE is not set");
    char cmd[2048];
    snprintf(cmd, sizeof cmd,
             "psql -X -q -tA -v ON_ERROR_STOP=1 "
             "'host=%s/pg/sock user=postgres dbname=cg_gateway' -c \"%s\" 2>&1",
             state, sql);
    FILE *p = popen(cmd, "r");
    CGT_CHECK(p != NULL, "popen psql");
    char line[512] = "";
    if (fgets(line, sizeof line, p) == NULL)
        line[0] = '\0';
    int rc = pclose(p);
    line[strcspn(line, "\n")] = '\0';
    CGT_CHECK(rc != -1 && WEXITSTATUS(rc) == 0, "psql %s: %s", sql, line);
    if (out != NULL)
        snprintf(out, size, "%s", line);
}

/* The token's BLAKE2b-256 in hex, as the sessions table keys it. */
static void token_hash_hex(const char *token, char out[65])
{
    unsigned char h[32];
    crypto_generichash(h, sizeof h, (const unsigned char *)token, strlen(token), NULL, 0);
    sodium_bin2hex(out, 65, h, sizeof h);
}

static long me(const char *token)
{
    cgt_response *r = cgt_get("/api/v1/auth/me", token);
    long status = r->status;
    cgt_response_free(r);
    return status;
}

static char *account_id(const char *token)
{
    cgt_response *r = cgt_get("/api/v1/auth/me", token);
    CGT_CHECK_STATUS(r, 200);
    char *id = strdup(CGT_JSON_STR(CGT_JSON_OBJECT(r), "id"));
    cgt_response_free(r);
    return id;
}

static void publish(const char *text)
{
    natsStatus s = natsConnection_PublishString(nc, SUBJECT, text);
    if (s == NATS_OK)
        s = natsConnection_Flush(nc);
    CGT_CHECK(s == NATS_OK, "publish on %s: %s", SUBJECT, natsStatus_GetText(s));
}

/* Poll token until 401; the milliseconds it took after start_ms, or -1
 * when it was still accepted after one second. */
static int64_t refused_within_a_second(const char *token, int64_t start_ms)
{
    while (cgt_now_ms() - start_ms < 1000) {
        if (me(token) == 401)
            return cgt_now_ms() - start_ms;
        cgt_sleep_ms(10);
    }
    return -1;
}

/* One round of the receiving side. revoke_sql revokes token's session (and
 * maybe others) in the database; message is what the other replica
 * publishes. True if the round was conclusive and passed; false if it ran
 * too slowly to tell the broadcast from the cache running out. */
static bool broadcast_round(const char *token, const char *revoke_sql, const char *message)
{
    long cache_ms = env_long("CG_SESSION_CACHE_MS", 2000);
    int64_t warmed = cgt_now_ms();
    CGT_CHECK_INT(200, me(token), "warming the session cache");
    psql(revoke_sql, NULL, 0);
    /* Still accepted: the cache holds it, as it would on any replica that
     * did not revoke it. */
    if (me(token) != 200 || cgt_now_ms() - warmed >= cache_ms / 2)
        return false;
    int64_t published = cgt_now_ms();
    publish(message);
    int64_t took = refused_within_a_second(token, published);
    CGT_CHECK(took >= 0, "the revoked session was still accepted 1 s after the broadcast");
    if (cgt_now_ms() - warmed >= cache_ms)
        return false;
    printf("refused %lld ms after the broadcast\n", (long long)took);
    return true;
}

static void receives_account_revocation(void **state)
{
    (void)state;
    for (int round = 0;; round++) {
        CGT_CHECK(round < 5, "five rounds too slow to tell the broadcast from the cache");
        char *token = CGT_LOGIN(ACCOUNT);
        char *id = account_id(token);
        char sql[256], msg[128];
        snprintf(sql, sizeof sql,
                 "UPDATE sessions SET revoked_at = now() WHERE account_id = '%s' "
                 "AND revoked_at IS NULL",
                 id);
        snprintf(msg, sizeof msg, "account %s", id);
        bool done = broadcast_round(token, sql, msg);
        free(id);
        free(token);
        if (done)
            break;
    }
}

static void receives_token_revocation(void **state)
{
    (void)state;
    for (int round = 0;; round++) {
        CGT_CHECK(round < 5, "five rounds too slow to tell the broadcast from the cache");
        char *token = CGT_LOGIN(ACCOUNT);
        char *other = CGT_LOGIN(ACCOUNT);
        char hex[65], sql[256], msg[128];
        token_hash_hex(token, hex);
        snprintf(sql, sizeof sql,
                 "UPDATE sessions SET revoked_at = now() WHERE token_hash = '\\\\x%s'", hex);
        snprintf(msg, sizeof msg, "token %s", hex);
        bool done = broadcast_round(token, sql, msg);
        /* Only that session ends. */
        if (done)
            CGT_CHECK_INT(200, me(other), "another session of the same account");
        free(token);
        cgt_logout(other);
        if (done)
            break;
    }
}

/* Wait for the next message on SUBJECT that equals expected; fails after
 * one second. */
static void expect_message(natsSubscription *sub, const char *expected)
{
    int64_t start = cgt_now_ms();
    while (cgt_now_ms() - start < 1000) {
        natsMsg *m = NULL;
        if (natsSubscription_NextMsg(&m, sub, 100) != NATS_OK)
            continue;
        bool match = (size_t)natsMsg_GetDataLength(m) == strlen(expected) &&
                     memcmp(natsMsg_GetData(m), expected, strlen(expected)) == 0;
        natsMsg_Destroy(m);
        if (match)
            return;
    }
    CGT_FAIL("no '%s' on %s within one second", expected, SUBJECT);
}

static void sends_revocations(void **state)
{
    (void)state;
    natsSubscription *sub = NULL;
    natsStatus s = natsConnection_SubscribeSync(&sub, nc, SUBJECT);
    CGT_CHECK(s == NATS_OK, "subscribe: %s", natsStatus_GetText(s));
    CGT_CHECK(natsConnection_Flush(nc) == NATS_OK, "flush the subscription");

    char *token = CGT_LOGIN(ACCOUNT);
    char hex[65], expected[128];
    token_hash_hex(token, hex);
    snprintf(expected, sizeof expected, "token %s", hex);
    cgt_logout(token);
    expect_message(sub, expected);

    /* A password change (and back) revokes the account's other sessions. */
    token = CGT_LOGIN(ACCOUNT);
    char *id = account_id(token);
    snprintf(expected, sizeof expected, "account %s", id);
    const char *tmp = "sessions-test-password";
    for (int i = 0; i < 2; i++) {
        cJSON *b = cJSON_CreateObject();
        cJSON_AddStringToObject(b, "current_password", i == 0 ? cgt_demo_password() : tmp);
        cJSON_AddStringToObject(b, "new_password", i == 0 ? tmp : cgt_demo_password());
        cgt_response *r = cgt_post_json("/api/v1/auth/password", token, b);
        cJSON_Delete(b);
        CGT_CHECK_STATUS(r, 204);
        cgt_response_free(r);
        expect_message(sub, expected);
    }
    free(id);
    cgt_logout(token);
    natsSubscription_Destroy(sub);
}

static void idle_expiry(void **state)
{
    (void)state;
    long idle_s = env_long("CG_SESSION_IDLE_S", 1800);
    long cache_ms = env_long("CG_SESSION_CACHE_MS", 2000);
    char *token = CGT_LOGIN(ACCOUNT);
    char *fresh = CGT_LOGIN(ACCOUNT);
    char hex[65], fresh_hex[65], sql[512], before[128], after[128];
    token_hash_hex(token, hex);
    token_hash_hex(fresh, fresh_hex);
    CGT_CHECK_INT(200, me(token), "a new session");

    /* Unused a minute longer than the idle timeout: refused, once this
     * gateway asks the database again. The other session is untouched. */
    snprintf(sql, sizeof sql,
             "UPDATE sessions SET last_seen_at = now() - make_interval(secs => %ld) "
             "WHERE token_hash = '\\\\x%s'",
             idle_s + 60, hex);
    psql(sql, NULL, 0);
    cgt_sleep_ms((int)cache_ms + 200);
    CGT_CHECK_INT(401, me(token), "a session idle past CG_SESSION_IDLE_S");
    CGT_CHECK_INT(200, me(fresh), "a session in use");

    /* Unused for most of the timeout: still accepted, and the use moves
     * the idle clock to now. */
    snprintf(sql, sizeof sql,
             "UPDATE sessions SET last_seen_at = now() - make_interval(secs => %ld) "
             "WHERE token_hash = '\\\\x%s'",
             idle_s - 90, fresh_hex);
    psql(sql, NULL, 0);
    cgt_sleep_ms((int)cache_ms + 200);
    CGT_CHECK_INT(200, me(fresh), "a session used within CG_SESSION_IDLE_S");
    snprintf(sql, sizeof sql,
             "SELECT extract(epoch FROM now() - last_seen_at)::int || ' ' || last_seen_at "
             "FROM sessions WHERE token_hash = '\\\\x%s'",
             fresh_hex);
    psql(sql, before, sizeof before);
    CGT_CHECK(atol(before) < 30, "last_seen_at moved to now on use: %s seconds ago", before);

    /* Used again, once the cache has let go: no second write within the
     * minute. */
    snprintf(sql, sizeof sql, "SELECT last_seen_at FROM sessions WHERE token_hash = '\\\\x%s'",
             fresh_hex);
    psql(sql, before, sizeof before);
    cgt_sleep_ms((int)cache_ms + 200);
    CGT_CHECK_INT(200, me(fresh), "the session again");
    psql(sql, after, sizeof after);
    CGT_CHECK_STR(before, after, "last_seen_at written at most once a minute");

    free(token);
    cgt_logout(fresh);
}

static int setup(void **state)
{
    (void)state;
    if (sodium_init() < 0)
        return -1;
    return natsConnection_ConnectTo(&nc, cgt_nats_url()) == NATS_OK ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    natsConnection_Destroy(nc);
    nc = NULL;
    return 0;
}

int main(void)
{
    cgt_init("sessions", CGT_NEED_NATS);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(receives_account_revocation),
        cmocka_unit_test(receives_token_revocation),
        cmocka_unit_test(sends_revocations),
        cmocka_unit_test(idle_expiry),
    };
    int failed = cmocka_run_group_tests_name("sessions", tests, setup, teardown);
    cgt_cleanup();
    nats_Close();
    return failed ? 1 : 0;
}
