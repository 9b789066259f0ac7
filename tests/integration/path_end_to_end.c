/* The main path through the platform: a public report submitted without a
 * login becomes a clue that inspection staff can read, the reporter can
 * follow it with the receipt, the reporter's identity never reaches the
 * clue, data scope hides clues outside an inspector's unit, and clue lists
 * page newest first without duplicates. */
#include "cgt.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static char *inspector;      /* token of "inspector" (hq) */
static char *inspector_east; /* token of "inspector.east" (hq.east) */

static int group_setup(void **state)
{
    (void)state;
    inspector = CGT_LOGIN("inspector");
    inspector_east = CGT_LOGIN("inspector.east");
    return 0;
}

static int group_teardown(void **state)
{
    (void)state;
    cgt_logout(inspector);
    cgt_logout(inspector_east);
    inspector = inspector_east = NULL;
    return 0;
}

/* Every field the report carried must arrive in the clue unchanged, and the
 * clue must be the one made from this report. */
static void check_clue_from_report(const cJSON *clue, const cJSON *body, const cgt_report *rep,
                                   const char *org_path, bool anonymous)
{
    CGT_CHECK(cgt_is_uuid(cgt_json_str(clue, "id")), "clue id is a UUID, got \"%s\"",
              cgt_json_str(clue, "id") ? cgt_json_str(clue, "id") : "(null)");
    CGT_CHECK_STR("public_report", cgt_json_str(clue, "source"), "clue source");
    CGT_CHECK_STR(rep->report_id, cgt_json_str(clue, "source_ref"), "clue source_ref");
    static const char *const copied[] = {"category", "content", "location", "accused_person",
                                         "accused_unit"};
    for (size_t i = 0; i < sizeof copied / sizeof copied[0]; i++)
        CGT_CHECK_STR(cgt_json_str(body, copied[i]), cgt_json_str(clue, copied[i]), copied[i]);
    const cJSON *anon = cJSON_GetObjectItemCaseSensitive(clue, "anonymous");
    CGT_CHECK(cJSON_IsBool(anon) && cJSON_IsTrue(anon) == anonymous,
              "clue \"anonymous\" is the boolean %s", anonymous ? "true" : "false");
    CGT_CHECK_STR(org_path, cgt_json_str(clue, "org_path"), "clue org_path");
    CGT_CHECK_STR("registered", cgt_json_str(clue, "status"), "clue status");
    const char *created = cgt_json_str(clue, "created_at");
    CGT_CHECK(cgt_is_rfc3339_ms(created), "created_at is RFC 3339 with ms, got \"%s\"",
              created ? created : "(null)");
    /* Both times come from the platform's clocks on one machine, so a clue
     * made before its report was submitted means a wrong timestamp. */
    CGT_CHECK(strcmp(created, rep->submitted_at) >= 0,
              "clue created_at %s is not before the report's submitted_at %s", created,
              rep->submitted_at);
}

/* GET /api/v1/clues/{id} as token must answer exactly the object the list
 * showed. */
static void check_get_matches(const char *token, const cJSON *listed)
{
    char path[256];
    snprintf(path, sizeof path, "/api/v1/clues/%s", CGT_JSON_STR(listed, "id"));
    cgt_response *r = cgt_get(path, token);
    CGT_CHECK_STATUS(r, 200);
    const cJSON *got = CGT_JSON_OBJECT(r);
    if (!cJSON_Compare(listed, got, 1)) {
        char *a = cgt_json_print(listed);
        CGT_FAIL("GET %s differs from the list item:\n  list: %s\n  get:  %s", path, a, r->body);
    }
    cgt_response_free(r);
}

/* The reporter's status view through the receipt. */
static void check_status_view(const cgt_report *rep)
{
    cJSON *b = cJSON_CreateObject();
    cJSON_AddStringToObject(b, "receipt", rep->receipt);
    cgt_response *r = cgt_post_json("/api/v1/public/reports/status", NULL, b);
    cJSON_Delete(b);
    CGT_CHECK_STATUS(r, 200);
    const cJSON *o = CGT_JSON_OBJECT(r);
    const char *st = CGT_JSON_STR(o, "status");
    CGT_CHECK(strcmp(st, "received") == 0 || strcmp(st, "forwarded") == 0,
              "report status is received or forwarded, got \"%s\"", st);
    CGT_CHECK_STR(rep->submitted_at, cgt_json_str(o, "submitted_at"),
                  "submitted_at of the status view");
    CGT_CHECK(cgt_is_rfc3339_ms(cgt_json_str(o, "updated_at")),
              "updated_at is RFC 3339 with ms in %s", r->body);
    cgt_response_free(r);
}

typedef struct status_wait {
    const char *receipt;
    const char *want;
    char last[64];
} status_wait;

static bool status_is(void *p)
{
    status_wait *w = p;
    char *s = cgt_report_status(w->receipt);
    snprintf(w->last, sizeof w->last, "%s", s ? s : "(no answer)");
    bool ok = s && strcmp(s, w->want) == 0;
    free(s);
    return ok;
}

static void await_report_status(const cgt_report *rep, const char *want)
{
    status_wait w = {rep->receipt, want, ""};
    if (!cgt_eventually(CGT_DEADLINE_MS, CGT_POLL_MS, status_is, &w))
        CGT_FAIL("report %s did not reach status \"%s\" in %d ms; last seen \"%s\"", rep->report_id,
                 want, CGT_DEADLINE_MS, w.last);
}

static void anonymous_report_becomes_clue(void **state)
{
    (void)state;
    cJSON *body = cgt_report_body("e2e-anonymous", NULL);
    cgt_report rep;
    CGT_SUBMIT(body, &rep);
    check_status_view(&rep);

    cJSON *clue = CGT_AWAIT_CLUE(inspector, "content", rep.content);
    check_clue_from_report(clue, body, &rep, "hq", true);
    check_get_matches(inspector, clue);
    /* Once case has the clue, intake learns of it and tells the reporter. */
    await_report_status(&rep, "forwarded");
    check_status_view(&rep);
    cJSON_Delete(clue);
    cJSON_Delete(body);
}

/* A JSON text must not contain needle anywhere: not as a value, not inside
 * another field. */
static void check_absent(const char *what, const char *text, const char *needle)
{
    CGT_CHECK(strstr(text, needle) == NULL, "%s never contains \"%s\", but it does: %s", what,
              needle, text);
}

static void named_report_hides_identity(void **state)
{
    (void)state;
    char tok[13], digits[9], name[64], phone[32];
    cgt_token_hex(tok, 12);
    cgt_random_digits(digits, 8);
    snprintf(name, sizeof name, "Wang Fang %s", tok);
    snprintf(phone, sizeof phone, "+86 139 %s", digits);

    cJSON *body = cgt_report_body("e2e-named", NULL);
    cJSON_ReplaceItemInObjectCaseSensitive(body, "anonymous", cJSON_CreateFalse());
    cJSON_AddStringToObject(body, "reporter_name", name);
    cJSON_AddStringToObject(body, "reporter_phone", phone);
    cgt_report rep;
    CGT_SUBMIT(body, &rep);

    cJSON *clue = CGT_AWAIT_CLUE(inspector, "content", rep.content);
    /* The clue is checked against the report without the identity fields,
     * which the clue must not carry. */
    check_clue_from_report(clue, body, &rep, "hq", false);
    char *listed = cgt_json_print(clue);
    check_absent("the listed clue", listed, name);
    check_absent("the listed clue", listed, tok);
    check_absent("the listed clue", listed, digits);
    check_absent("the listed clue", listed, "reporter");
    free(listed);

    char path[256];
    snprintf(path, sizeof path, "/api/v1/clues/%s", CGT_JSON_STR(clue, "id"));
    cgt_response *r = cgt_get(path, inspector);
    CGT_CHECK_STATUS(r, 200);
    check_absent("GET clue", r->body, name);
    check_absent("GET clue", r->body, tok);
    check_absent("GET clue", r->body, digits);
    check_absent("GET clue", r->body, "reporter");
    cgt_response_free(r);

    /* The reporter's own status view has no reason to echo it either. */
    cJSON *sb = cJSON_CreateObject();
    cJSON_AddStringToObject(sb, "receipt", rep.receipt);
    r = cgt_post_json("/api/v1/public/reports/status", NULL, sb);
    cJSON_Delete(sb);
    CGT_CHECK_STATUS(r, 200);
    check_absent("the status view", r->body, name);
    check_absent("the status view", r->body, digits);
    cgt_response_free(r);

    await_report_status(&rep, "forwarded");
    cJSON_Delete(clue);
    cJSON_Delete(body);
}

/* GET a clue by id as token and expect a 404 problem: outside the actor's
 * scope a clue answers as if it did not exist. */
static void expect_hidden(const char *token, const char *id, const char *what)
{
    char path[256];
    snprintf(path, sizeof path, "/api/v1/clues/%s", id);
    cgt_response *r = cgt_get(path, token);
    if (r->status != 404)
        CGT_FAIL("%s: GET %s: expected 404, got %ld: %.300s", what, path, r->status, r->body);
    CGT_CHECK_PROBLEM(r, 404);
    cgt_response_free(r);
}

static void scope_hides_clues_outside_the_unit(void **state)
{
    (void)state;
    cgt_report hq, city_a, city_c;
    CGT_SUBMIT_SIMPLE("e2e-scope-hq", NULL, &hq);
    CGT_SUBMIT_SIMPLE("e2e-scope-city_a", "city_a", &city_a);
    CGT_SUBMIT_SIMPLE("e2e-scope-city_c", "city_c", &city_c);

    /* The hq inspector sees all three, each under the right org path. */
    cJSON *c_hq = CGT_AWAIT_CLUE(inspector, "source_ref", hq.report_id);
    cJSON *c_a = CGT_AWAIT_CLUE(inspector, "source_ref", city_a.report_id);
    cJSON *c_c = CGT_AWAIT_CLUE(inspector, "source_ref", city_c.report_id);
    CGT_CHECK_STR("hq", cgt_json_str(c_hq, "org_path"), "org_path of a report without unit_code");
    CGT_CHECK_STR("hq.east.city_a", cgt_json_str(c_a, "org_path"),
                  "org_path of a report with unit_code city_a");
    CGT_CHECK_STR("hq.west.city_c", cgt_json_str(c_c, "org_path"),
                  "org_path of a report with unit_code city_c");

    /* inspector.east (hq.east) sees city_a, which is inside its subtree... */
    cJSON *seen = CGT_AWAIT_CLUE(inspector_east, "source_ref", city_a.report_id);
    check_get_matches(inspector_east, seen);

    /* ...and neither hq itself nor a sibling subtree: not by id, not listed. */
    expect_hidden(inspector_east, CGT_JSON_STR(c_hq, "id"), "inspector.east and an hq clue");
    expect_hidden(inspector_east, CGT_JSON_STR(c_c, "id"), "inspector.east and an hq.west clue");
    cJSON *all = CGT_ALL_CLUES(inspector_east);
    CGT_CHECK_INT(0, cgt_count_where(all, "source_ref", hq.report_id),
                  "hq clues in inspector.east's list");
    CGT_CHECK_INT(0, cgt_count_where(all, "source_ref", city_c.report_id),
                  "hq.west clues in inspector.east's list");
    const cJSON *it;
    cJSON_ArrayForEach(it, all)
    {
        const char *p = cgt_json_str(it, "org_path");
        CGT_CHECK(p && (strcmp(p, "hq.east") == 0 || strncmp(p, "hq.east.", 8) == 0),
                  "inspector.east lists only clues under hq.east, got org_path \"%s\"",
                  p ? p : "(null)");
    }
    cJSON_Delete(all);
    cJSON_Delete(seen);
    cJSON_Delete(c_hq);
    cJSON_Delete(c_a);
    cJSON_Delete(c_c);
}

/* One GET of /api/v1/clues?limit=1 from cursor (NULL: the first page); the
 * caller frees the response. */
static cgt_response *get_page_of_one(const char *cursor)
{
    char path[1024];
    if (cursor) {
        /* Cursors are opaque; escape them rather than trust their alphabet. */
        char esc[900];
        size_t n = 0;
        for (const char *p = cursor; *p && n + 4 < sizeof esc; p++) {
            unsigned char ch = (unsigned char)*p;
            if ((ch >= 'A' && ch <= 'Z') || (ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') ||
                ch == '-' || ch == '_' || ch == '.' || ch == '~') {
                esc[n++] = (char)ch;
            } else {
                n += (size_t)snprintf(esc + n, sizeof esc - n, "%%%02X", ch);
            }
        }
        esc[n] = '\0';
        snprintf(path, sizeof path, "/api/v1/clues?limit=1&cursor=%s", esc);
    } else {
        snprintf(path, sizeof path, "/api/v1/clues?limit=1");
    }
    return cgt_get(path, inspector);
}

static void pagination_walks_newest_first(void **state)
{
    (void)state;
    /* Three fresh clues, so there are pages to walk and a known newest. The
     * last is submitted only after the others are clues, so its clue is
     * strictly newer and no tie in received_at can decide the order. */
    cgt_report reps[3];
    for (int i = 0; i < 3; i++) {
        if (i == 2) {
            cJSON_Delete(CGT_AWAIT_CLUE(inspector, "source_ref", reps[0].report_id));
            cJSON_Delete(CGT_AWAIT_CLUE(inspector, "source_ref", reps[1].report_id));
            cgt_sleep_ms(5);
        }
        CGT_SUBMIT_SIMPLE("e2e-page", NULL, &reps[i]);
    }
    cJSON_Delete(CGT_AWAIT_CLUE(inspector, "source_ref", reps[2].report_id));

    cJSON *all = CGT_ALL_CLUES(inspector);
    int total = cJSON_GetArraySize(all);
    CGT_CHECK(total >= 3, "at least the 3 new clues are listed, got %d", total);
    /* Nothing else runs while this test does (RUN_SERIAL), so the newest
     * clue is the one made from the last report. */
    CGT_CHECK_STR(reps[2].report_id, cgt_json_str(cJSON_GetArrayItem(all, 0), "source_ref"),
                  "source_ref of the first (newest) clue");
    /* The list is by received date (docs/api.md); a clue registered by
     * hand was received at the start of its day, so creation times may
     * interleave while received dates never go up. */
    for (int i = 1; i < total; i++) {
        const char *a = cgt_json_str(cJSON_GetArrayItem(all, i - 1), "received_date");
        const char *b = cgt_json_str(cJSON_GetArrayItem(all, i), "received_date");
        CGT_CHECK(a && b && strcmp(a, b) >= 0,
                  "newest received first: item %d (%s) before item %d (%s)", i - 1,
                  a ? a : "(null)", i, b ? b : "(null)");
    }

    /* Walk with limit=1: each page has one clue, in the same order as the
     * full listing, none twice, and the last page says next_cursor null. A
     * long history is walked only in part to keep the suite quick. */
    int pages = total < 40 ? total : 40;
    char *cursor = NULL;
    cJSON *seen = cJSON_CreateObject();
    for (int i = 0; i < pages; i++) {
        cgt_response *r = get_page_of_one(cursor);
        CGT_CHECK_STATUS(r, 200);
        const cJSON *o = CGT_JSON_OBJECT(r);
        const cJSON *items = cJSON_GetObjectItemCaseSensitive(o, "items");
        CGT_CHECK(cJSON_IsArray(items) && cJSON_GetArraySize(items) == 1,
                  "page %d with limit=1 has exactly one item: %s", i, r->body);
        const char *id = CGT_JSON_STR(cJSON_GetArrayItem(items, 0), "id");
        CGT_CHECK(!cJSON_HasObjectItem(seen, id), "page %d repeats clue %s", i, id);
        cJSON_AddTrueToObject(seen, id);
        CGT_CHECK_STR(cgt_json_str(cJSON_GetArrayItem(all, i), "id"), id,
                      "clue on this limit=1 page vs the full listing");
        const cJSON *next = cJSON_GetObjectItemCaseSensitive(o, "next_cursor");
        free(cursor);
        cursor = NULL;
        if (i == total - 1) {
            CGT_CHECK(cJSON_IsNull(next), "the last page has next_cursor null: %s", r->body);
        } else {
            CGT_CHECK(cJSON_IsString(next) && next->valuestring[0],
                      "page %d of %d has a next_cursor: %s", i, total, r->body);
            cursor = strdup(next->valuestring);
        }
        cgt_response_free(r);
    }
    free(cursor);
    cJSON_Delete(seen);
    cJSON_Delete(all);
}

#define BURST_THREADS 8
#define BURST_EACH 5

/* One client of the burst: it only records what it got, because a failed
 * check must not jump out of a thread that cmocka does not own. */
typedef struct burst_client {
    pthread_t thread;
    long status[BURST_EACH];
    char report_id[BURST_EACH][64];
    char detail[256];
} burst_client;

static void *burst_run(void *p)
{
    burst_client *c = p;
    for (int i = 0; i < BURST_EACH; i++) {
        cJSON *b = cgt_report_body("e2e-burst", i % 2 ? "city_b" : NULL);
        cgt_response *r = cgt_post_json("/api/v1/public/reports", NULL, b);
        cJSON_Delete(b);
        c->status[i] = r->status;
        const char *id = cgt_json_str(r->json, "report_id");
        snprintf(c->report_id[i], sizeof c->report_id[i], "%s", id ? id : "");
        if (r->status != 201 && !c->detail[0])
            snprintf(c->detail, sizeof c->detail, "%.200s", r->body);
        cgt_response_free(r);
    }
    return NULL;
}

/* Reports submitted at the same time by several clients are all accepted
 * and each becomes exactly one clue: no lost or doubled work under
 * concurrency in the gateway, intake's outbox or case's consumer. */
static void concurrent_reports_all_become_clues(void **state)
{
    (void)state;
    static burst_client clients[BURST_THREADS];
    memset(clients, 0, sizeof clients);
    for (int t = 0; t < BURST_THREADS; t++)
        CGT_CHECK(pthread_create(&clients[t].thread, NULL, burst_run, &clients[t]) == 0,
                  "start client thread %d", t);
    for (int t = 0; t < BURST_THREADS; t++)
        pthread_join(clients[t].thread, NULL);
    for (int t = 0; t < BURST_THREADS; t++)
        for (int i = 0; i < BURST_EACH; i++)
            CGT_CHECK(clients[t].status[i] == 201 && cgt_is_uuid(clients[t].report_id[i]),
                      "concurrent submit %d of client %d: 201 with a report_id, got %ld: %s", i, t,
                      clients[t].status[i], clients[t].detail);

    for (int t = 0; t < BURST_THREADS; t++)
        for (int i = 0; i < BURST_EACH; i++)
            cJSON_Delete(CGT_AWAIT_CLUE(inspector, "source_ref", clients[t].report_id[i]));
    cJSON *all = CGT_ALL_CLUES(inspector);
    for (int t = 0; t < BURST_THREADS; t++)
        for (int i = 0; i < BURST_EACH; i++)
            CGT_CHECK_INT(1, cgt_count_where(all, "source_ref", clients[t].report_id[i]),
                          "clues for one concurrently submitted report");
    cJSON_Delete(all);
}

int main(void)
{
    cgt_init("path_end_to_end", CGT_NEED_GATEWAY);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(anonymous_report_becomes_clue),
        cmocka_unit_test(named_report_hides_identity),
        cmocka_unit_test(scope_hides_clues_outside_the_unit),
        cmocka_unit_test(concurrent_reports_all_become_clues),
        cmocka_unit_test(pagination_walks_newest_first),
    };
    int failed = cmocka_run_group_tests_name("path_end_to_end", tests, group_setup, group_teardown);
    cgt_cleanup();
    return failed ? 1 : 0;
}
