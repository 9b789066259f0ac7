/* The audit trail (审计) through the API: a failed login, a login, a named
 * public report, a refused call, a clue read and a logout each leave a row
 * with the right actor, action, target, outcome and request id, and no
 * secret (password, token, receipt, report text, reporter identity) appears
 * anywhere in the trail. Only the auditor reads it; filters and cursor
 * pages behave; verify says the chain is whole. The database refuses a plain
 * UPDATE, DELETE or TRUNCATE of the table, and a row changed behind the
 * trigger's back (as a superuser could) is reported by verify at that row.
 * The row is put back afterwards, so later tests see a whole chain. */
#include "cgt.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

/* The ids of this run's requests, sent as X-Request-Id, so the test finds
 * its own rows whatever else the stack is doing. */
static char run[24];

static void request_id(char *out, size_t size, const char *step)
{
    snprintf(out, size, "audit-%s-%s", run, step);
}

/* POST body with our own request id and an optional token. */
static cgt_response *post_with_id(const char *path, const char *token, const char *body,
                                  const char *rid)
{
    char auth[128], id[128];
    snprintf(auth, sizeof auth, "Authorization: Bearer %s", token ? token : "");
    snprintf(id, sizeof id, "X-Request-Id: %s", rid);
    const char *with_token[] = {"Content-Type: application/json", id, auth, NULL};
    const char *without[] = {"Content-Type: application/json", id, NULL};
    return cgt_request("POST", path, token ? with_token : without, body, body ? strlen(body) : 0);
}

static cgt_response *get_with_id(const char *path, const char *token, const char *rid)
{
    char auth[128], id[128];
    snprintf(auth, sizeof auth, "Authorization: Bearer %s", token);
    snprintf(id, sizeof id, "X-Request-Id: %s", rid);
    const char *headers[] = {id, auth, NULL};
    return cgt_request("GET", path, headers, NULL, 0);
}

/* Run SQL as the superuser on database db through psql; returns psql's
 * exit status (0 when every statement succeeded). */
static int psql_on(const char *db, const char *sql)
{
    return cgt_psql(db, sql);
}

/* The same on the gateway's database. */
static int psql(const char *sql)
{
    return psql_on("cg_gateway", sql);
}

/* The newest rows (up to 100) the auditor sees under the given filter
 * query; the caller deletes the array. */
static cJSON *audit_rows(const char *token, const char *filter)
{
    char path[512];
    snprintf(path, sizeof path, "/api/v1/audit?limit=100%s%s", filter[0] ? "&" : "", filter);
    cgt_response *r = cgt_get(path, token);
    CGT_CHECK_STATUS(r, 200);
    const cJSON *items = cJSON_GetObjectItemCaseSensitive(CGT_JSON_OBJECT(r), "items");
    CGT_CHECK(cJSON_IsArray(items), "GET %s has no items[]: %.200s", path, r->body);
    cJSON *copy = cJSON_Duplicate(items, 1);
    cgt_response_free(r);
    return copy;
}

/* The row with request id rid; fails the test when there is none. */
static const cJSON *row_of(const cJSON *rows, const char *rid)
{
    const cJSON *row = cgt_find_where(rows, "request_id", rid);
    CGT_CHECK(row != NULL, "no audit row with request id %s", rid);
    return row;
}

static void check_row(const cJSON *row, const char *action, const char *outcome, long status,
                      const char *username, const char *role)
{
    char *text = cgt_json_print(row);
    CGT_CHECK_STR(action, cgt_json_str(row, "action"), text);
    CGT_CHECK_STR(outcome, cgt_json_str(row, "outcome"), text);
    const cJSON *st = cJSON_GetObjectItemCaseSensitive(row, "status");
    CGT_CHECK(cJSON_IsNumber(st) && (long)st->valuedouble == status, "status %ld in %s", status,
              text);
    CGT_CHECK(cgt_is_rfc3339_ms(cgt_json_str(row, "at")), "at is RFC 3339 in %s", text);
    const cJSON *actor = cJSON_GetObjectItemCaseSensitive(row, "actor");
    CGT_CHECK(cJSON_IsObject(actor), "actor object in %s", text);
    if (username == NULL) {
        CGT_CHECK(cJSON_IsNull(cJSON_GetObjectItemCaseSensitive(actor, "username")) &&
                      cJSON_IsNull(cJSON_GetObjectItemCaseSensitive(actor, "id")),
                  "no actor in %s", text);
    } else {
        CGT_CHECK_STR(username, cgt_json_str(actor, "username"), text);
        CGT_CHECK_STR(role, cgt_json_sole(actor, "roles"), text);
        CGT_CHECK(cgt_is_uuid(cgt_json_str(actor, "id")), "actor id in %s", text);
        CGT_CHECK(cgt_json_str(actor, "org_path") != NULL, "actor org_path in %s", text);
    }
    const char *hash = cgt_json_str(row, "hash");
    CGT_CHECK(hash != NULL && strlen(hash) == 64, "hash in %s", text);
    free(text);
}

static void check_target(const cJSON *row, const char *type, const char *id)
{
    char *text = cgt_json_print(row);
    const cJSON *target = cJSON_GetObjectItemCaseSensitive(row, "target");
    CGT_CHECK(cJSON_IsObject(target), "a target in %s", text);
    CGT_CHECK_STR(type, cgt_json_str(target, "type"), text);
    CGT_CHECK_STR(id, cgt_json_str(target, "id"), text);
    free(text);
}

/* The number of items of an audit page that must answer 200. */
static int page_size(const char *path, const char *token)
{
    cgt_response *r = cgt_get(path, token);
    CGT_CHECK_STATUS(r, 200);
    int n = cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(CGT_JSON_OBJECT(r), "items"));
    cgt_response_free(r);
    return n;
}

/* Concurrent clue reads: each thread reads the same clue a few times with
 * its own account's token and counts the answers that were recorded (all
 * but a 429, which the rate limit answers before any record is armed). No
 * CGT_ check runs on these threads: a failure must not jump across them. */
#define READERS 4
#define READS_EACH 5
typedef struct reader {
    const char *token;
    const char *path;
    int recorded;
    int bad;
} reader;

static void *read_clue(void *arg)
{
    reader *rd = arg;
    for (int i = 0; i < READS_EACH; i++) {
        cgt_response *r = cgt_get(rd->path, rd->token);
        if (r->status == 200)
            rd->recorded++;
        else if (r->status != 429)
            rd->bad++;
        cgt_response_free(r);
    }
    return NULL;
}

/* GET /api/v1/audit/verify as token: intact, and *first_bad when not. */
static bool verify(const char *token, long long *rows, long long *first_bad)
{
    cgt_response *r = cgt_get("/api/v1/audit/verify", token);
    CGT_CHECK_STATUS(r, 200);
    const cJSON *o = CGT_JSON_OBJECT(r);
    const cJSON *intact = cJSON_GetObjectItemCaseSensitive(o, "intact");
    const cJSON *n = cJSON_GetObjectItemCaseSensitive(o, "rows");
    const cJSON *bad = cJSON_GetObjectItemCaseSensitive(o, "first_bad_id");
    CGT_CHECK(cJSON_IsBool(intact) && cJSON_IsNumber(n), "verify answer: %s", r->body);
    bool whole = cJSON_IsTrue(intact);
    CGT_CHECK(whole == !cJSON_IsNumber(bad), "first_bad_id only when broken: %s", r->body);
    *rows = (long long)n->valuedouble;
    *first_bad = cJSON_IsNumber(bad) ? (long long)bad->valuedouble : 0;
    cgt_response_free(r);
    return whole;
}

static void the_trail(void **state)
{
    (void)state;
    char rid_fail[64], rid_unknown[64], rid_login[64], rid_report[64], rid_refused[64],
        rid_clue[64], rid_logout[64], rid_nobody[64];
    char body[1024], wrong_password[40], unknown_user[40], path[256], sql[512];
    const char *password = cgt_demo_password();

    CGT_CHECK_READY();
    cgt_token_hex(run, 16);
    request_id(rid_fail, sizeof rid_fail, "fail");
    request_id(rid_unknown, sizeof rid_unknown, "unknown");
    request_id(rid_login, sizeof rid_login, "login");
    request_id(rid_report, sizeof rid_report, "report");
    request_id(rid_refused, sizeof rid_refused, "refused");
    request_id(rid_clue, sizeof rid_clue, "clue");
    request_id(rid_logout, sizeof rid_logout, "logout");
    request_id(rid_nobody, sizeof rid_nobody, "nobody");

    /* A wrong password for a real account, and a name that is no account
     * (people type passwords into the username box: it must not be kept). */
    snprintf(wrong_password, sizeof wrong_password, "wrong-%s", run);
    snprintf(unknown_user, sizeof unknown_user, "pw-%s", run);
    snprintf(body, sizeof body, "{\"username\":\"inspector.east\",\"password\":\"%s\"}",
             wrong_password);
    cgt_response *r = post_with_id("/api/v1/auth/login", NULL, body, rid_fail);
    CGT_CHECK_STATUS(r, 401);
    cgt_response_free(r);
    snprintf(body, sizeof body, "{\"username\":\"%s\",\"password\":\"%s\"}", unknown_user,
             wrong_password);
    r = post_with_id("/api/v1/auth/login", NULL, body, rid_unknown);
    CGT_CHECK_STATUS(r, 401);
    cgt_response_free(r);

    /* The login. */
    snprintf(body, sizeof body, "{\"username\":\"inspector.east\",\"password\":\"%s\"}", password);
    r = post_with_id("/api/v1/auth/login", NULL, body, rid_login);
    CGT_CHECK_STATUS(r, 200);
    char *token = strdup(CGT_JSON_STR(CGT_JSON_OBJECT(r), "token"));
    cgt_response_free(r);

    /* A named report: its text, the reporter's name and phone, and the
     * receipt must stay out of the trail. */
    cJSON *rb = cgt_report_body("audit", "east");
    char reporter[48], content[512];
    snprintf(reporter, sizeof reporter, "Reporter %s", run);
    cJSON_ReplaceItemInObject(rb, "anonymous", cJSON_CreateBool(0));
    cJSON_AddStringToObject(rb, "reporter_name", reporter);
    cJSON_AddStringToObject(rb, "reporter_phone", "+86 138 0013 8000");
    snprintf(content, sizeof content, "%s", cgt_json_str(rb, "content"));
    char *rb_text = cJSON_PrintUnformatted(rb);
    cJSON_Delete(rb);
    r = post_with_id("/api/v1/public/reports", NULL, rb_text, rid_report);
    free(rb_text);
    CGT_CHECK_STATUS(r, 201);
    char receipt[32];
    snprintf(receipt, sizeof receipt, "%s", CGT_JSON_STR(CGT_JSON_OBJECT(r), "receipt"));
    cgt_response_free(r);

    /* A refused call: the inspector may not read the audit trail. */
    r = get_with_id("/api/v1/audit", token, rid_refused);
    CGT_CHECK_PROBLEM(r, 403);
    cgt_response_free(r);
    /* Nor may anyone without a login. */
    {
        char id[128];
        snprintf(id, sizeof id, "X-Request-Id: %s", rid_nobody);
        const char *headers[] = {id, NULL};
        r = cgt_request("GET", "/api/v1/audit/verify", headers, NULL, 0);
        CGT_CHECK_PROBLEM(r, 401);
        cgt_response_free(r);
    }

    /* A clue read: the report's clue, once the case service has it. */
    cJSON *clue = CGT_AWAIT_CLUE(token, "content", content);
    char clue_id[64];
    snprintf(clue_id, sizeof clue_id, "%s", CGT_JSON_STR(clue, "id"));
    cJSON_Delete(clue);
    snprintf(path, sizeof path, "/api/v1/clues/%s", clue_id);
    r = get_with_id(path, token, rid_clue);
    CGT_CHECK_STATUS(r, 200);
    cgt_response_free(r);

    r = post_with_id("/api/v1/auth/logout", token, NULL, rid_logout);
    CGT_CHECK_STATUS(r, 204);
    cgt_response_free(r);

    /* The auditor reads the trail. */
    char *auditor = CGT_LOGIN("auditor");
    cJSON *mine = audit_rows(auditor, "actor=inspector.east");
    check_row(row_of(mine, rid_fail), "auth.login_failed", "refused", 401, "inspector.east",
              "inspector");
    check_row(row_of(mine, rid_login), "auth.login", "ok", 200, "inspector.east", "inspector");
    const cJSON *refused = row_of(mine, rid_refused);
    check_row(refused, "access.refused", "refused", 403, "inspector.east", "inspector");
    check_target(refused, "route", "GET /api/v1/audit");
    const cJSON *read = row_of(mine, rid_clue);
    check_row(read, "clue.read", "ok", 200, "inspector.east", "inspector");
    check_target(read, "clue", clue_id);
    check_row(row_of(mine, rid_logout), "auth.logout", "ok", 204, "inspector.east", "inspector");
    CGT_CHECK_STR("hq.east",
                  cgt_json_str(cJSON_GetObjectItemCaseSensitive(read, "actor"), "org_path"),
                  "the actor's org path");
    long long clue_row = (long long)cJSON_GetObjectItemCaseSensitive(read, "id")->valuedouble;

    cJSON *anon = audit_rows(auditor, "action=auth.login_failed");
    check_row(row_of(anon, rid_unknown), "auth.login_failed", "refused", 401, NULL, NULL);
    cJSON *reports = audit_rows(auditor, "action=report.submitted");
    check_row(row_of(reports, rid_report), "report.submitted", "ok", 201, NULL, NULL);
    cJSON *refusals = audit_rows(auditor, "action=access.refused");
    check_row(row_of(refusals, rid_nobody), "access.refused", "refused", 401, NULL, NULL);

    /* No secret anywhere in what the auditor can read. */
    cJSON *all = audit_rows(auditor, "");
    char *text = cgt_json_print(all);
    const char *secrets[] = {password, wrong_password, unknown_user, token,
                             receipt,  content,        reporter,     "0013 8000"};
    for (size_t i = 0; i < sizeof secrets / sizeof secrets[0]; i++)
        CGT_CHECK(strstr(text, secrets[i]) == NULL, "the audit trail holds a secret (#%zu)", i);
    free(text);

    /* Filters and pages: newest first, a cursor that continues without
     * overlap, the limit capped, bad values 400. */
    r = cgt_get("/api/v1/audit?limit=2", auditor);
    CGT_CHECK_STATUS(r, 200);
    const cJSON *items = cJSON_GetObjectItemCaseSensitive(CGT_JSON_OBJECT(r), "items");
    CGT_CHECK_INT(2, cJSON_GetArraySize(items), "a page of 2");
    double first =
        cJSON_GetObjectItemCaseSensitive(cJSON_GetArrayItem(items, 0), "id")->valuedouble;
    double second =
        cJSON_GetObjectItemCaseSensitive(cJSON_GetArrayItem(items, 1), "id")->valuedouble;
    CGT_CHECK(first > second, "newest first: %.0f then %.0f", first, second);
    const char *cursor = CGT_JSON_STR(CGT_JSON_OBJECT(r), "next_cursor");
    snprintf(path, sizeof path, "/api/v1/audit?limit=2&cursor=%s", cursor);
    cgt_response_free(r);
    r = cgt_get(path, auditor);
    CGT_CHECK_STATUS(r, 200);
    items = cJSON_GetObjectItemCaseSensitive(CGT_JSON_OBJECT(r), "items");
    double third =
        cJSON_GetObjectItemCaseSensitive(cJSON_GetArrayItem(items, 0), "id")->valuedouble;
    CGT_CHECK(third < second, "the next page goes on below %.0f: %.0f", second, third);
    cgt_response_free(r);
    CGT_CHECK_INT(0, page_size("/api/v1/audit?from=2999-01-01T00:00:00Z", auditor),
                  "nothing after 2999");
    CGT_CHECK_INT(0, page_size("/api/v1/audit?to=2000-01-01T00:00:00%2B08:00", auditor),
                  "nothing before 2000");
    const char *bad[] = {"/api/v1/audit?limit=101", "/api/v1/audit?from=yesterday",
                         "/api/v1/audit?cursor=x'--", "/api/v1/audit?to=2026-02-31T00:00:00Z"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        r = cgt_get(bad[i], auditor);
        CGT_CHECK_PROBLEM(r, 400);
        cgt_response_free(r);
    }

    /* The chain is whole. */
    long long rows = 0, first_bad = 0;
    CGT_CHECK(verify(auditor, &rows, &first_bad), "the chain is whole (first bad %lld)", first_bad);
    CGT_CHECK(rows >= 8, "verify counted %lld rows", rows);

    /* Many threads at once: the rows still form one chain, and every
     * recorded read is in it exactly once. */
    {
        const char *users[READERS] = {"inspector", "lead", "auditor", "inspector.east"};
        char *tokens[READERS];
        reader readers[READERS];
        pthread_t threads[READERS];
        long long before = rows;
        snprintf(path, sizeof path, "/api/v1/clues/%s", clue_id);
        for (int i = 0; i < READERS; i++) {
            tokens[i] = CGT_LOGIN(users[i]);
            readers[i] = (reader){.token = tokens[i], .path = path};
        }
        CGT_CHECK(verify(auditor, &before, &first_bad), "whole before the burst");
        for (int i = 0; i < READERS; i++)
            CGT_CHECK(pthread_create(&threads[i], NULL, read_clue, &readers[i]) == 0,
                      "pthread_create");
        int recorded = 0;
        for (int i = 0; i < READERS; i++) {
            pthread_join(threads[i], NULL);
            CGT_CHECK_INT(0, readers[i].bad, "reads answered neither 200 nor 429");
            recorded += readers[i].recorded;
        }
        CGT_CHECK(verify(auditor, &rows, &first_bad),
                  "the chain is whole after concurrent appends (first bad %lld)", first_bad);
        CGT_CHECK_INT(before + recorded, rows, "one row for each recorded read");
        for (int i = 0; i < READERS; i++)
            cgt_logout(tokens[i]);
        /* The logouts are recorded too; the chain stays whole. */
        CGT_CHECK(verify(auditor, &rows, &first_bad), "whole after the logouts");
    }

    /* The database refuses changes, even from the superuser, while the
     * trigger stands. */
    snprintf(sql, sizeof sql, "UPDATE audit_log SET actor_role = 'admin' WHERE id = %lld",
             clue_row);
    CGT_CHECK(psql(sql) != 0, "a plain UPDATE of audit_log went through");
    snprintf(sql, sizeof sql, "DELETE FROM audit_log WHERE id = %lld", clue_row);
    CGT_CHECK(psql(sql) != 0, "a plain DELETE from audit_log went through");
    CGT_CHECK(psql("TRUNCATE audit_log") != 0, "TRUNCATE audit_log went through");
    CGT_CHECK(verify(auditor, &rows, &first_bad), "refused changes leave the chain whole");

    /* An attacker with superuser rights turns the trigger off for a moment
     * and rewrites a row: verify names that row. */
    snprintf(sql, sizeof sql,
             "BEGIN; ALTER TABLE audit_log DISABLE TRIGGER audit_log_append_only;"
             " UPDATE audit_log SET actor_role = 'admin' WHERE id = %lld;"
             " ALTER TABLE audit_log ENABLE TRIGGER audit_log_append_only; COMMIT;",
             clue_row);
    CGT_CHECK_INT(0, psql(sql), "the superuser's tampering");
    CGT_CHECK(!verify(auditor, &rows, &first_bad), "verify sees the changed row");
    CGT_CHECK_INT(clue_row, first_bad, "the first broken row is the one changed");

    /* Put it back: the chain is whole again. */
    snprintf(sql, sizeof sql,
             "BEGIN; ALTER TABLE audit_log DISABLE TRIGGER audit_log_append_only;"
             " UPDATE audit_log SET actor_role = 'inspector' WHERE id = %lld;"
             " ALTER TABLE audit_log ENABLE TRIGGER audit_log_append_only; COMMIT;",
             clue_row);
    CGT_CHECK_INT(0, psql(sql), "restoring the row");
    CGT_CHECK(verify(auditor, &rows, &first_bad), "the restored chain is whole (first bad %lld)",
              first_bad);

    cJSON_Delete(all);
    cJSON_Delete(refusals);
    cJSON_Delete(reports);
    cJSON_Delete(anon);
    cJSON_Delete(mine);
    cgt_logout(auditor);
    free(token);
}

/* True once the gateway's audit spool holds something. */
static bool spooled(void *arg)
{
    (void)arg;
    return cgt_audit_spool_bytes() > 0;
}

#define OUTAGE_READS 3

/* Reads do not wait for their records while the trail is healthy, so the
 * record of a read answered just before the gateway's database went away
 * must still reach the trail once it is back; and while the records cannot
 * be written, reads are still answered (200), their records spooled, never
 * refused after the fact (audit_spool.c has the spool's own test). */
static void reads_survive_an_audit_outage(void **state)
{
    (void)state;
    char path[128], rid_read[64], rid_during[OUTAGE_READS][64];
    cgt_report rep;
    char *token = CGT_LOGIN("inspector.east");
    CGT_SUBMIT_SIMPLE("audit outage", "city_a", &rep);
    cJSON *clue = CGT_AWAIT_CLUE(token, "content", rep.content);
    snprintf(path, sizeof path, "/api/v1/clues/%s", CGT_JSON_STR(clue, "id"));
    cJSON_Delete(clue);
    request_id(rid_read, sizeof rid_read, "outage-read");

    /* A read first, so the session is in the gateway's cache and the read
     * below needs the gateway's database for nothing but its record. */
    cgt_response *r = cgt_get(path, token);
    CGT_CHECK_STATUS(r, 200);
    cgt_response_free(r);
    CGT_CHECK_INT(0,
                  psql_on("postgres",
                          "ALTER DATABASE cg_gateway ALLOW_CONNECTIONS false; SELECT "
                          "pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = "
                          "'cg_gateway' AND pid <> pg_backend_pid()"),
                  "cutting the gateway off its database");
    r = get_with_id(path, token, rid_read);
    long first = r->status;
    cgt_response_free(r);
    long during[OUTAGE_READS];
    for (int i = 0; i < OUTAGE_READS; i++) {
        char step[32];
        snprintf(step, sizeof step, "outage-during-%d", i);
        request_id(rid_during[i], sizeof rid_during[i], step);
        r = get_with_id(path, token, rid_during[i]);
        during[i] = r->status;
        cgt_response_free(r);
    }
    bool kept = cgt_eventually(CGT_DEADLINE_MS, 50, spooled, NULL);
    CGT_CHECK_INT(0, psql_on("postgres", "ALTER DATABASE cg_gateway ALLOW_CONNECTIONS true"),
                  "giving the database back");
    /* Answered from the cached session, without waiting for its record. */
    CGT_CHECK_INT(200, first, "the read just after the cut");
    for (int i = 0; i < OUTAGE_READS; i++)
        CGT_CHECK_INT(200, during[i], "a read while the records cannot be written");
    CGT_CHECK(kept, "the records wait in the spool while the database is away");

    char *auditor = NULL;
    int64_t start = cgt_now_ms();
    while (cgt_try_login("auditor", cgt_demo_password(), &auditor) != 200) {
        CGT_CHECK(cgt_now_ms() - start < CGT_DEADLINE_MS, "the auditor can log in again");
        cgt_sleep_ms(CGT_POLL_MS);
    }
    /* The spool is written in its own time once the trail is back. */
    start = cgt_now_ms();
    while (cgt_audit_spool_bytes() > 0) {
        CGT_CHECK(cgt_now_ms() - start < CGT_DEADLINE_MS, "the spool is written");
        cgt_sleep_ms(CGT_POLL_MS);
    }
    cJSON *mine = audit_rows(auditor, "actor=inspector.east");
    check_row(row_of(mine, rid_read), "clue.read", "ok", 200, "inspector.east", "inspector");
    for (int i = 0; i < OUTAGE_READS; i++)
        check_row(row_of(mine, rid_during[i]), "clue.read", "ok", 200, "inspector.east",
                  "inspector");
    long long rows = 0, first_bad = 0;
    CGT_CHECK(verify(auditor, &rows, &first_bad), "the chain is whole after the outage");
    cJSON_Delete(mine);
    cgt_logout(auditor);
    cgt_logout(token);
}

int main(void)
{
    cgt_init("audit_trail", CGT_NEED_STACK);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(the_trail),
        cmocka_unit_test(reads_survive_an_audit_outage),
    };
    int failed = cmocka_run_group_tests_name("audit_trail", tests, NULL, NULL);
    cgt_cleanup();
    return failed ? 1 : 0;
}
