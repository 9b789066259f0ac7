/* The audit spool: while the gateway's audit records cannot be written (its
 * database role loses EXECUTE on audit_append_hashed(), the rest of the
 * stack works), public reports, logins and a clue read are answered as
 * always (201, 200), never 503 after the fact, and their records wait in
 * the spool, fsync'd. A restart of the gateway while they wait loses none.
 * Once the grant is back every spooled record reaches the trail exactly
 * once, with the time it was answered in its detail, the chain whole and
 * the spool empty. The spool put back as it was before its replay (a crash
 * between the replay's commit and the spool's truncation) writes nothing
 * twice. */
#include "cgt.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define REPORTS 3
#define LOGINS 2
/* Reports, logins, the clue read and the login after the restart. */
#define RECORDS (REPORTS + LOGINS + 2)

static const char revoke_sql[] =
    "REVOKE EXECUTE ON FUNCTION audit_append_hashed(timestamptz, jsonb) FROM cg_gateway";
static const char grant_sql[] =
    "GRANT EXECUTE ON FUNCTION audit_append_hashed(timestamptz, jsonb) TO cg_gateway";

/* What the teardown restores when a check failed in between. */
static bool revoked;
static bool gateway_stopped;

static int restore(void **state)
{
    (void)state;
    if (getenv("CG_AUDIT_SPOOL_MAX_MB") != NULL) {
        /* Back to the default bound. */
        unsetenv("CG_AUDIT_SPOOL_MAX_MB");
        if (!gateway_stopped && cgt_stack("svc-stop gateway") == 0)
            gateway_stopped = true;
    }
    if (revoked && cgt_psql("cg_gateway", grant_sql) == 0)
        revoked = false;
    if (gateway_stopped && cgt_stack("svc-start gateway") == 0)
        gateway_stopped = false;
    cgt_stack("wait-ready 30");
    return 0;
}

static char run[24];

static void stop_gateway(void)
{
    gateway_stopped = true;
    CGT_STACK("svc-stop gateway");
}

static void start_gateway(void)
{
    CGT_STACK("svc-start gateway");
    gateway_stopped = false;
    CGT_STACK("wait-ready 30");
}

static void rid_of(char out[64], const char *step, int i)
{
    snprintf(out, 64, "spool-%s-%s-%d", run, step, i);
}

static cgt_response *post_as(const char *path, const char *rid, const char *body)
{
    /* Request ids are rid_of()'s, well under 64 bytes. */
    char id[sizeof("X-Request-Id: ") + 64];
    snprintf(id, sizeof id, "X-Request-Id: %.63s", rid);
    const char *headers[] = {"Content-Type: application/json", id, NULL};
    return cgt_request("POST", path, headers, body, strlen(body));
}

static long login_as(const char *username, const char *rid)
{
    char body[256];
    snprintf(body, sizeof body, "{\"username\":\"%s\",\"password\":\"%s\"}", username,
             cgt_demo_password());
    cgt_response *r = post_as("/api/v1/auth/login", rid, body);
    long status = r->status;
    cgt_response_free(r);
    return status;
}

static cgt_response *report_post(const char *rid)
{
    cJSON *body = cgt_report_body("audit spool", "city_a");
    char *text = cJSON_PrintUnformatted(body);
    cgt_response *r = post_as("/api/v1/public/reports", rid, text);
    free(text);
    cJSON_Delete(body);
    return r;
}

static long report_as(const char *rid)
{
    cgt_response *r = report_post(rid);
    long status = r->status;
    cgt_response_free(r);
    return status;
}

static bool spool_empty(void *arg)
{
    (void)arg;
    return cgt_audit_spool_bytes() == 0;
}

/* The whole spool file, or NULL when it is empty (free()). */
static char *spool_text(void)
{
    char path[512];
    cgt_audit_spool_path(path, sizeof path);
    FILE *f = fopen(path, "r");
    CGT_CHECK(f != NULL, "cannot open %s", path);
    char *text = calloc(1, 1 << 20);
    size_t n = fread(text, 1, (1 << 20) - 1, f);
    fclose(f);
    if (n == 0) {
        free(text);
        return NULL;
    }
    return text;
}

static void put_spool_back(const char *text)
{
    char path[512];
    cgt_audit_spool_path(path, sizeof path);
    FILE *f = fopen(path, "w");
    CGT_CHECK(f != NULL && fputs(text, f) >= 0 && fclose(f) == 0, "cannot write %s", path);
}

/* Every record expected (rids, statuses, actions) is in the trail exactly
 * once, answered as the client was told, with the answer's time in its
 * detail. */
static void check_trail(const char *auditor, char rids[][64], const long *statuses,
                        const char *const *actions, int n)
{
    cgt_response *r = cgt_get("/api/v1/audit?limit=100", auditor);
    CGT_CHECK_STATUS(r, 200);
    const cJSON *items = cJSON_GetObjectItemCaseSensitive(CGT_JSON_OBJECT(r), "items");
    for (int i = 0; i < n; i++) {
        CGT_CHECK_INT(1, cgt_count_where(items, "request_id", rids[i]), rids[i]);
        const cJSON *row = cgt_find_where(items, "request_id", rids[i]);
        CGT_CHECK_STR(actions[i], CGT_JSON_STR(row, "action"), rids[i]);
        CGT_CHECK_STR("ok", CGT_JSON_STR(row, "outcome"), rids[i]);
        const cJSON *status = cJSON_GetObjectItemCaseSensitive(row, "status");
        CGT_CHECK(cJSON_IsNumber(status) && (long)status->valuedouble == statuses[i],
                  "%s: status %ld expected", rids[i], statuses[i]);
        const cJSON *detail = cJSON_GetObjectItemCaseSensitive(row, "detail");
        const char *at =
            cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(detail, "answered_at"));
        CGT_CHECK(at != NULL && cgt_is_rfc3339_ms(at), "%s: no answered_at in the detail", rids[i]);
        /* Answered before it was written. */
        CGT_CHECK(strcmp(at, CGT_JSON_STR(row, "at")) <= 0, "%s answered at %s, written at %s",
                  rids[i], at, CGT_JSON_STR(row, "at"));
    }
    cgt_response_free(r);
}

static void check_chain(const char *auditor)
{
    cgt_response *r = cgt_get("/api/v1/audit/verify", auditor);
    CGT_CHECK_STATUS(r, 200);
    CGT_CHECK(cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(CGT_JSON_OBJECT(r), "intact")),
              "the chain is whole: %s", r->body);
    cgt_response_free(r);
}

static void records_wait_in_the_spool(void **state)
{
    (void)state;
    char rids[RECORDS][64];
    long statuses[RECORDS];
    const char *actions[RECORDS];
    char path[128];
    int n = 0;

    CGT_CHECK_READY();
    cgt_token_hex(run, 16);
    CGT_CHECK(cgt_eventually(CGT_DEADLINE_MS, CGT_POLL_MS, spool_empty, NULL),
              "the spool is empty to begin with");
    char *auditor = CGT_LOGIN("auditor");
    char *inspector = CGT_LOGIN("inspector.east");
    cgt_report rep;
    CGT_SUBMIT_SIMPLE("audit spool read", "city_a", &rep);
    cJSON *clue = CGT_AWAIT_CLUE(inspector, "content", rep.content);
    snprintf(path, sizeof path, "/api/v1/clues/%s", CGT_JSON_STR(clue, "id"));
    cJSON_Delete(clue);

    CGT_CHECK_INT(0, cgt_psql("cg_gateway", revoke_sql), "revoking the writer's function");
    revoked = true;
    for (int i = 0; i < REPORTS; i++, n++) {
        rid_of(rids[n], "report", i);
        statuses[n] = 201;
        actions[n] = "report.submitted";
        CGT_CHECK_INT(201, report_as(rids[n]), "a report while the trail refuses rows");
    }
    for (int i = 0; i < LOGINS; i++, n++) {
        rid_of(rids[n], "login", i);
        statuses[n] = 200;
        actions[n] = "auth.login";
        CGT_CHECK_INT(200, login_as("auditor", rids[n]), "a login while the trail refuses rows");
    }
    {
        char id[128], auth[128];
        rid_of(rids[n], "read", 0);
        statuses[n] = 200;
        actions[n] = "clue.read";
        snprintf(id, sizeof id, "X-Request-Id: %s", rids[n]);
        snprintf(auth, sizeof auth, "Authorization: Bearer %s", inspector);
        const char *headers[] = {id, auth, NULL};
        cgt_response *r = cgt_request("GET", path, headers, NULL, 0);
        CGT_CHECK_STATUS(r, 200);
        cgt_response_free(r);
        n++;
    }
    CGT_CHECK(cgt_audit_spool_bytes() > 0, "the records wait in the spool");

    /* A restart while they wait: the spool outlives the process, and the
     * gateway starts (its replay fails while the grant is away). */
    stop_gateway();
    char *before = spool_text();
    CGT_CHECK(before != NULL, "the spool holds the records after the gateway stopped");
    for (int i = 0; i < n; i++)
        CGT_CHECK(strstr(before, rids[i]) != NULL, "%s is in the spool", rids[i]);
    free(before);
    start_gateway();
    rid_of(rids[n], "login-after-restart", 0);
    statuses[n] = 200;
    actions[n] = "auth.login";
    CGT_CHECK_INT(200, login_as("auditor", rids[n]), "a login after the restart");
    n++;

    /* Saved before the replay, to be put back below. */
    stop_gateway();
    char *saved = spool_text();
    CGT_CHECK(saved != NULL, "the spool holds the records");
    CGT_CHECK(strstr(saved, rids[n - 1]) != NULL, "the login after the restart is spooled");
    CGT_CHECK_INT(0, cgt_psql("cg_gateway", grant_sql), "giving the function back");
    revoked = false;
    start_gateway();
    CGT_CHECK(cgt_eventually(CGT_DEADLINE_MS, CGT_POLL_MS, spool_empty, NULL),
              "the spool is emptied once the trail takes rows");
    check_trail(auditor, rids, statuses, actions, n);
    check_chain(auditor);

    /* A crash between the replay's commit and the spool's truncation
     * leaves the spool as it was: its replay must write nothing twice. */
    stop_gateway();
    put_spool_back(saved);
    free(saved);
    start_gateway();
    CGT_CHECK(cgt_eventually(CGT_DEADLINE_MS, CGT_POLL_MS, spool_empty, NULL),
              "the spool put back is emptied");
    check_trail(auditor, rids, statuses, actions, n);
    check_chain(auditor);

    cgt_logout(inspector);
    cgt_logout(auditor);
}

/* While the trail takes rows again after a short refusal, records go
 * straight to it: nothing stays spooled. */
static void the_trail_takes_rows_again(void **state)
{
    (void)state;
    char rid[64];
    CGT_CHECK_INT(0, cgt_psql("cg_gateway", revoke_sql), "revoking the writer's function");
    revoked = true;
    rid_of(rid, "short", 0);
    CGT_CHECK_INT(201, report_as(rid), "a report while the trail refuses rows");
    CGT_CHECK(cgt_audit_spool_bytes() > 0, "its record waits in the spool");
    CGT_CHECK_INT(0, cgt_psql("cg_gateway", grant_sql), "giving the function back");
    revoked = false;
    CGT_CHECK(cgt_eventually(CGT_DEADLINE_MS, CGT_POLL_MS, spool_empty, NULL),
              "the spool is emptied without a restart");
    char *auditor = CGT_LOGIN("auditor");
    long status = 201;
    const char *action = "report.submitted";
    char rids[1][64];
    memcpy(rids[0], rid, sizeof rid);
    check_trail(auditor, rids, &status, &action, 1);
    check_chain(auditor);
    cgt_logout(auditor);
}

/* A line of about 1 MiB (its detail padded) with gateway request id rid:
 * enough to fill a spool bounded by CG_AUDIT_SPOOL_MAX_MB=1. */
static char *fill_line(const char *rid)
{
    size_t pad = 1024 * 1024 + 1;
    char *line = malloc(pad + 512);
    CGT_CHECK(line != NULL, "out of memory");
    int n = snprintf(line, 512,
                     "{\"v\":1,\"values\":[null,null,null,\"test.spool_fill\",null,null,\"ok\","
                     "\"200\",\"%s\",null,\"%s\",\"{\\\"pad\\\":\\\"",
                     rid, rid);
    memset(line + n, 'x', pad);
    strcpy(line + n + pad, "\\\"}\"]}\n");
    return line;
}

static long problem_of(cgt_response *r, const char *expected_detail)
{
    long status = r->status;
    if (expected_detail != NULL)
        CGT_CHECK(strstr(r->body, expected_detail) != NULL, "%ld: %.300s", status, r->body);
    cgt_response_free(r);
    return status;
}

/* Submit a report: true when it is accepted (201); a refusal must say
 * that nothing was done. */
static bool report_accepted(void *arg)
{
    int *tries = arg;
    char rid[64];
    rid_of(rid, "after-full", (*tries)++);
    cgt_response *r = report_post(rid);
    bool accepted = r->status == 201;
    if (!accepted)
        problem_of(r, "nothing was done");
    else
        cgt_response_free(r);
    return accepted;
}

/* A spool that is full (past CG_AUDIT_SPOOL_MAX_MB) while the trail refuses
 * rows drops nothing: the request whose record found it full is answered
 * 503, later changes are refused before they run ("nothing was done"),
 * reads when answered; once the trail takes rows again, the spool is
 * written and requests are answered as usual. */
static void a_full_spool_refuses_rather_than_drops(void **state)
{
    (void)state;
    char rid[64], fill_rid[64], body[256];
    char *inspector = CGT_LOGIN("inspector.east");
    stop_gateway();
    CGT_CHECK_INT(0, (int)cgt_audit_spool_bytes(), "the spool is empty before it is filled");
    CGT_CHECK_INT(0, cgt_psql("cg_gateway", revoke_sql), "revoking the writer's function");
    revoked = true;
    rid_of(fill_rid, "fill", 0);
    char *line = fill_line(fill_rid);
    put_spool_back(line);
    free(line);
    setenv("CG_AUDIT_SPOOL_MAX_MB", "1", 1);
    start_gateway();

    rid_of(rid, "full", 0);
    CGT_CHECK_INT(503, report_as(rid), "the report whose record finds the spool full");
    /* From now on before they run. */
    rid_of(rid, "full", 1);
    snprintf(body, sizeof body, "{\"username\":\"auditor\",\"password\":\"%s\"}",
             cgt_demo_password());
    CGT_CHECK_INT(503, problem_of(post_as("/api/v1/auth/login", rid, body), "nothing was done"),
                  "a login while the spool is full");
    cgt_response *r = cgt_get("/api/v1/clues?limit=1", inspector);
    CGT_CHECK_INT(503, problem_of(r, "audit trail"), "a read while the spool is full");

    CGT_CHECK_INT(0, cgt_psql("cg_gateway", grant_sql), "giving the function back");
    revoked = false;
    CGT_CHECK(cgt_eventually(CGT_DEADLINE_MS, CGT_POLL_MS, spool_empty, NULL),
              "the full spool is written once the trail takes rows");
    /* The writer takes in that the spool has room just after it empties
     * it: until then a change is still refused before it runs. */
    int tries = 0;
    CGT_CHECK(cgt_eventually(CGT_DEADLINE_MS, CGT_POLL_MS, report_accepted, &tries),
              "a report once the trail takes rows again");
    char *auditor = CGT_LOGIN("auditor");
    r = cgt_get("/api/v1/audit?action=test.spool_fill&limit=5", auditor);
    CGT_CHECK_STATUS(r, 200);
    const cJSON *items = cJSON_GetObjectItemCaseSensitive(CGT_JSON_OBJECT(r), "items");
    CGT_CHECK_INT(1, cgt_count_where(items, "gateway_request_id", fill_rid),
                  "the record that filled the spool is in the trail once");
    cgt_response_free(r);
    check_chain(auditor);
    cgt_logout(auditor);
    cgt_logout(inspector);
}

int main(void)
{
    cgt_init("audit_spool", CGT_NEED_STACK);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_teardown(records_wait_in_the_spool, restore),
        cmocka_unit_test_teardown(the_trail_takes_rows_again, restore),
        cmocka_unit_test_teardown(a_full_spool_refuses_rather_than_drops, restore),
    };
    int failed = cmocka_run_group_tests_name("audit_spool", tests, NULL, NULL);
    cgt_cleanup();
    return failed ? 1 : 0;
}
