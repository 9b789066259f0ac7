/* The risk service's copy of the org-unit tree, which turns the unit codes
 * of enterprise events into the org paths that scope what it shows:
 *
 * - once the stack is up, its units table holds every unit it knows with
 *   the path the gateway gives (GET /api/v1/org-units as the demo admin),
 *   the demo tree's units among them;
 * - a unit created through the API and then named by an enterprise event
 *   is copied from the gateway's directory when the event arrives;
 * - a unit moved through the API moves in the copy, its subtree with it,
 *   and the risk answers naming it give its new path and its names;
 * - with the gateway stopped, the service still keeps the facts. */
#include "cgt.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static char *admin, *lead;
/* A tag unique to this run, in every id and code. */
static char run[11];
static bool gateway_stopped;

/* The path the risk service holds for code, "" when none. */
static void risk_path(const char *code, char *out, size_t size)
{
    char sql[256];
    snprintf(sql, sizeof sql, "SELECT coalesce(risk_unit_path('%s')::text, '')", code);
    CGT_CHECK(cgt_psql_text("cg_risk", sql, out, size) == 0, "psql on cg_risk: %s", sql);
}

typedef struct wanted_path {
    const char *code;
    const char *path;
} wanted_path;

static bool path_reached(void *arg)
{
    const wanted_path *w = arg;
    char have[512];
    risk_path(w->code, have, sizeof have);
    return strcmp(have, w->path) == 0;
}

#define AWAIT_PATH(code_, path_)                                                                   \
    do {                                                                                           \
        wanted_path w_ = {(code_), (path_)};                                                       \
        char have_[512];                                                                           \
        bool ok_ = cgt_eventually(CGT_DEADLINE_MS, CGT_POLL_MS, path_reached, &w_);                \
        risk_path((code_), have_, sizeof have_);                                                   \
        CGT_CHECK(ok_, "risk's path of %s: wanted '%s', have '%s'", (code_), (path_), have_);      \
    } while (0)

/* Publish ent.hr.person.appointed naming unit code, for person P-<run>-<n>;
 * fails the test unless cg-publish succeeded. */
static void appoint(const char *code, int n)
{
    char line[1024];
    snprintf(line, sizeof line,
             "{\"subject\":\"ent.hr.person.appointed\",\"source\":\"hr.east\","
             "\"time\":\"2026-03-01T08:00:00Z\",\"data\":{\"person\":{\"person_id\":"
             "\"P-%s-%d\"},\"unit\":{\"unit_code\":\"%s\"},\"position\":\"采购部主任\","
             "\"effective_on\":\"2026-03-01\"}}\n",
             run, n, code);
    CGT_CHECK_INT(0, cgt_publish_enterprise(CGT_PUBLISH, line, NULL), "cg-publish exit status");
}

static long long facts_of(int n)
{
    char sql[256];
    snprintf(sql, sizeof sql,
             "SELECT count(*) FROM facts WHERE data->'person'->>'person_id' = 'P-%s-%d'", run, n);
    return cgt_psql_number("cg_risk", sql);
}

static bool fact_kept(void *arg)
{
    return facts_of(*(int *)arg) == 1;
}

static void await_fact(int n)
{
    CGT_CHECK(cgt_eventually(CGT_DEADLINE_MS, CGT_POLL_MS, fact_kept, &n),
              "the fact of P-%s-%d is kept (have %lld)", run, n, facts_of(n));
}

static void create_unit(const char *code, const char *parent)
{
    char body[256];
    snprintf(body, sizeof body,
             "{\"code\":\"%s\",\"name\":\"Risk unit\",\"name_zh\":\"风险单位\","
             "\"parent\":\"%s\"}",
             code, parent);
    cJSON *json = cJSON_Parse(body);
    cgt_response *r = cgt_post_json("/api/v1/org-units", admin, json);
    CGT_CHECK_STATUS(r, 201);
    cgt_response_free(r);
    cJSON_Delete(json);
}

/* Every unit of the gateway's tree (the whole of it: the admin's scope is
 * the root) that the copy holds has the gateway's path, and the demo
 * tree's units are all there. */
static void copy_matches_gateway(void **state)
{
    (void)state;
    static const char *const demo[] = {"hq", "east", "west", "city_a"};
    char path[1024], cursor[600] = "", have[512];
    int pages = 0, held = 0, demo_seen = 0;
    for (;;) {
        CGT_CHECK(pages++ < 1000, "the walk of the org units does not end");
        snprintf(path, sizeof path, "/api/v1/org-units?limit=100%s%s", cursor[0] ? "&cursor=" : "",
                 cursor);
        cgt_response *r = cgt_get(path, admin);
        CGT_CHECK_STATUS(r, 200);
        const cJSON *it;
        cJSON_ArrayForEach(it, cJSON_GetObjectItem(r->json, "items"))
        {
            const char *code = CGT_JSON_STR(it, "code");
            risk_path(code, have, sizeof have);
            for (size_t i = 0; i < sizeof demo / sizeof demo[0]; i++)
                if (strcmp(code, demo[i]) == 0) {
                    CGT_CHECK(have[0] != '\0', "the demo unit %s is in risk's copy", code);
                    demo_seen++;
                }
            if (have[0] == '\0')
                continue;
            CGT_CHECK_STR(CGT_JSON_STR(it, "path"), have, "risk's path of a unit");
            held++;
        }
        const cJSON *next = cJSON_GetObjectItem(r->json, "next_cursor");
        bool done = !cJSON_IsString(next);
        if (!done)
            snprintf(cursor, sizeof cursor, "%s", next->valuestring);
        cgt_response_free(r);
        if (done)
            break;
    }
    CGT_CHECK_INT((long long)(sizeof demo / sizeof demo[0]), demo_seen, "demo units in the tree");
    long long rows = cgt_psql_number("cg_risk", "SELECT count(*) FROM units");
    CGT_CHECK_INT(rows, held, "every unit risk holds is one of the gateway's");
}

/* The alert about person as the lead reads it in the list: the unit path
 * wanted, and the path and unit name it gives. */
typedef struct alert_unit {
    const char *person;
    const char *path;
    char have[256];
    char name[256];
} alert_unit;

/* Whether the alert gives the path wanted. */
static bool alert_unit_reached(void *arg)
{
    alert_unit *a = arg;
    cgt_response *r = cgt_get("/api/v1/risk/alerts?entity_kind=person", lead);
    const cJSON *item;
    const cJSON *items = r->status == 200 ? cJSON_GetObjectItem(r->json, "items") : NULL;
    a->have[0] = a->name[0] = '\0';
    cJSON_ArrayForEach(item, items)
    {
        const char *id = cgt_json_str(cJSON_GetObjectItem(item, "entity"), "id");
        const char *path = cgt_json_str(item, "unit_path");
        const char *name = cgt_json_str(item, "unit_name");
        if (id == NULL || strcmp(id, a->person) != 0)
            continue;
        snprintf(a->have, sizeof a->have, "%s", path != NULL ? path : "");
        snprintf(a->name, sizeof a->name, "%s", name != NULL ? name : "");
    }
    cgt_response_free(r);
    return strcmp(a->have, a->path) == 0;
}

#define AWAIT_ALERT_UNIT(person_, path_)                                                           \
    do {                                                                                           \
        alert_unit a_ = {.person = (person_), .path = (path_)};                                    \
        CGT_CHECK(cgt_eventually(CGT_DEADLINE_MS, CGT_POLL_MS, alert_unit_reached, &a_),           \
                  "the alert's unit path: wanted '%s', have '%s'", (path_), a_.have);              \
        CGT_CHECK_STR("Risk unit", a_.name, "the alert's unit by the gateway's name");             \
    } while (0)

/* A unit created after the copy is learnt from the first event naming it,
 * and follows its parent's move; the risk answers give its path at the
 * read, so an alert raised in it shows it where it is now, by its name. */
static void created_then_moved(void **state)
{
    (void)state;
    char parent[32], child[32], want[128], path[128], have[512], person[64], claim[64];
    snprintf(parent, sizeof parent, "rk_p_%s", run);
    snprintf(child, sizeof child, "rk_c_%s", run);
    create_unit(parent, "east");
    create_unit(child, parent);
    risk_path(child, have, sizeof have);
    CGT_CHECK_STR("", have, "a unit no event has named yet is not asked for");

    appoint(child, 1);
    snprintf(want, sizeof want, "hq.east.%s.%s", parent, child);
    AWAIT_PATH(child, want);
    await_fact(1);
    snprintf(person, sizeof person, "P-M-%s", run);
    snprintf(claim, sizeof claim, "RM-%s", run);
    cgt_publish_self_approval(CGT_PUBLISH, claim, child, person);
    AWAIT_ALERT_UNIT(person, want);

    snprintf(path, sizeof path, "/api/v1/org-units/%s/move", parent);
    cJSON *body = cJSON_Parse("{\"parent\":\"west\"}");
    cgt_response *r = cgt_post_json(path, admin, body);
    CGT_CHECK_STATUS(r, 200);
    cgt_response_free(r);
    cJSON_Delete(body);
    snprintf(want, sizeof want, "hq.west.%s.%s", parent, child);
    AWAIT_PATH(child, want);
    AWAIT_ALERT_UNIT(person, want);
    snprintf(want, sizeof want, "hq.west.%s", parent);
    AWAIT_PATH(parent, want);
}

/* An event naming a unit the copy does not hold, within the gap after an
 * earlier question, is not forgotten: the question waits for the gap and
 * is then asked, so the unit is known without another event naming it. */
static void unit_named_within_the_gap_is_learnt(void **state)
{
    (void)state;
    char unknown[32], late[32], want[128], have[512];
    snprintf(unknown, sizeof unknown, "rk_u_%s", run);
    snprintf(late, sizeof late, "rk_l_%s", run);
    /* A code no one knows: the service asks the gateway, and the gap
     * starts. */
    appoint(unknown, 5);
    await_fact(5);
    create_unit(late, "east");
    appoint(late, 6);
    await_fact(6);
    snprintf(want, sizeof want, "hq.east.%s", late);
    AWAIT_PATH(late, want);
    risk_path(unknown, have, sizeof have);
    CGT_CHECK_STR("", have, "a code the gateway does not know stays unknown");
}

/* The gateway is not needed to keep facts, for a unit the copy holds or
 * one it does not. */
static void kept_without_gateway(void **state)
{
    (void)state;
    char unknown[32];
    snprintf(unknown, sizeof unknown, "rk_x_%s", run);
    CGT_STACK("svc-stop gateway");
    gateway_stopped = true;
    appoint("city_a", 2);
    appoint(unknown, 3);
    await_fact(2);
    await_fact(3);
    CGT_STACK("svc-start gateway");
    CGT_STACK("wait-ready");
    gateway_stopped = false;
}

static int setup(void **state)
{
    (void)state;
    cgt_token_hex(run, 10);
    admin = CGT_LOGIN("admin");
    lead = CGT_LOGIN("lead");
    return 0;
}

/* On every path: the gateway runs again after the tests. */
static int teardown(void **state)
{
    (void)state;
    if (gateway_stopped) {
        cgt_stack("svc-start gateway");
        cgt_stack("wait-ready");
    }
    cgt_logout(admin);
    cgt_logout(lead);
    admin = lead = NULL;
    return 0;
}

int main(void)
{
    cgt_init("risk_units", CGT_NEED_STACK);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(copy_matches_gateway),
        cmocka_unit_test(created_then_moved),
        cmocka_unit_test(unit_named_within_the_gap_is_learnt),
        cmocka_unit_test(kept_without_gateway),
    };
    int failed = cmocka_run_group_tests_name("risk_units", tests, setup, teardown);
    cgt_cleanup();
    return failed;
}
