/* Deadlines (期限) of clues with the case service's test clock: a clue
 * registered today is on time; 24 days later it is due soon and exactly one
 * cg.evt.case.deadline.due_soon names it; 31 days later it is overdue and
 * exactly one .overdue names it; further ticks publish nothing more about
 * it. A clue whose close was approved has no deadline and no notice.
 * (How each stage's deadline is set is clue_lifecycle's "deadlines".)
 *
 * The clock is moved with psql on cg_case (service_clock.offset_s, honoured
 * because scripts/test.sh sets CG_CASE_TEST_CLOCK=1) and the scheduler
 * ticks every CG_CASE_DEADLINE_TICK_MS=200. A second replica of the case
 * service runs during the test, so two schedulers race for every notice. */
#include "cgt.h"

#include <nats/nats.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cleangrid/v1/case_deadlines.pb-c.h"

/* Long enough for several scheduler ticks and the outbox relay. */
#define QUIET_MS 2000
#define DAY_S (24LL * 60 * 60)

static natsConnection *nc;
static natsSubscription *sub;
static char *insp_east, *lead_east, *lead_hq;
/* What the events about the item a test watches must say. */
static const char *want_type = "clue", *want_stage = "registered";

/* Move the case service's clock days ahead of the real one. */
static void set_clock_days(long long days)
{
    char sql[96];
    snprintf(sql, sizeof sql, "UPDATE service_clock SET offset_s = %lld", days * DAY_S);
    CGT_CHECK_INT(0, cgt_psql("cg_case", sql), "setting the test clock");
}

static int group_setup(void **state)
{
    (void)state;
    natsStatus s = natsConnection_ConnectTo(&nc, cgt_nats_url());
    CGT_CHECK(s == NATS_OK, "connect to %s: %s", cgt_nats_url(), natsStatus_GetText(s));
    s = natsConnection_SubscribeSync(&sub, nc, "cg.evt.case.deadline.>");
    CGT_CHECK(s == NATS_OK, "subscribe: %s", natsStatus_GetText(s));
    insp_east = CGT_LOGIN("inspector.east");
    lead_east = CGT_LOGIN("lead.east");
    lead_hq = CGT_LOGIN("lead");
    CGT_STACK("replica-start case 2");
    /* Time for it to connect and tick a few times; then it must be up. */
    cgt_sleep_ms(QUIET_MS);
    char cmd[512];
    snprintf(cmd, sizeof cmd, "grep -q '\"case ready\"' '%s/log/case-2.log'", getenv("CG_STATE"));
    CGT_CHECK(system(cmd) == 0, "the second case replica is ready (%s/log/case-2.log)",
              getenv("CG_STATE"));
    return 0;
}

static int group_teardown(void **state)
{
    (void)state;
    /* Later tests see the real clock again, and one replica. */
    set_clock_days(0);
    CGT_STACK("replica-stop case 2");
    natsSubscription_Destroy(sub);
    natsConnection_Destroy(nc);
    sub = NULL;
    nc = NULL;
    nats_Close();
    cgt_logout(insp_east);
    cgt_logout(lead_east);
    cgt_logout(lead_hq);
    insp_east = lead_east = lead_hq = NULL;
    return 0;
}

/* Count the deadline events about id that arrive within ms, by level
 * (n_soon, n_over); checks each one's subject, level and item. */
static void count_events(const char *id, int ms, int *n_soon, int *n_over)
{
    int64_t until = cgt_now_ms() + ms;
    *n_soon = *n_over = 0;
    for (int64_t left = ms; left > 0; left = until - cgt_now_ms()) {
        natsMsg *m = NULL;
        natsStatus s = natsSubscription_NextMsg(&m, sub, left);
        if (s == NATS_TIMEOUT) {
            break;
        }
        CGT_CHECK(s == NATS_OK, "next deadline event: %s", natsStatus_GetText(s));
        Cleangrid__V1__DeadlineReached *ev = cleangrid__v1__deadline_reached__unpack(
            NULL, (size_t)natsMsg_GetDataLength(m), (const uint8_t *)natsMsg_GetData(m));
        CGT_CHECK(ev != NULL && ev->meta != NULL, "a DeadlineReached on %s", natsMsg_GetSubject(m));
        CGT_CHECK_STR(natsMsg_GetSubject(m), ev->meta->type, "the event's type is its subject");
        char want[64];
        snprintf(want, sizeof want, "cg.evt.case.deadline.%s", ev->level);
        CGT_CHECK_STR(want, natsMsg_GetSubject(m), "the subject names the level");
        if (strcmp(ev->item_id, id) == 0) {
            CGT_CHECK_STR(want_type, ev->item_type, "item type");
            CGT_CHECK_STR(want_stage, ev->stage, "stage");
            CGT_CHECK(ev->org_path[0] != '\0' && ev->handler_id[0] != '\0',
                      "the event carries org path and handler");
            *(strcmp(ev->level, "overdue") == 0 ? n_over : n_soon) += 1;
        }
        cleangrid__v1__deadline_reached__free_unpacked(ev, NULL);
        natsMsg_Destroy(m);
    }
}

/* The deadline_state of the clue (or, when want_type is case, the case)
 * as token sees it into out ("(none)" for null); out holds 16 bytes. */
static void state_of(const char *token, const char *id, char out[16])
{
    cJSON *item = NULL;
    if (strcmp(want_type, "case") == 0) {
        char path[96];
        snprintf(path, sizeof path, "/api/v1/cases/%s", id);
        cgt_response *r = cgt_get(path, token);
        CGT_CHECK_STATUS(r, 200);
        item = cJSON_Duplicate(CGT_JSON_OBJECT(r), 1);
        cgt_response_free(r);
    } else {
        item = CGT_GET_CLUE(token, id);
    }
    const cJSON *st = cJSON_GetObjectItem(item, "deadline_state");
    CGT_CHECK(st != NULL, "%s %s has a deadline_state member", want_type, id);
    snprintf(out, 16, "%s", cJSON_IsString(st) ? st->valuestring : "(none)");
    cJSON_Delete(item);
}

/* Wait until the clue's deadline level is want (each replica reads the
 * test clock on its own tick). */
static void await_level(const char *id, const char *want)
{
    int64_t until = cgt_now_ms() + CGT_DEADLINE_MS;
    char got[16] = "";
    while (cgt_now_ms() < until) {
        state_of(insp_east, id, got);
        if (strcmp(got, want) == 0) {
            return;
        }
        cgt_sleep_ms(100);
    }
    CGT_FAIL("%s %s: level %s, want %s", want_type, id, got, want);
}

/* The date days after the YYYY-MM-DD date, as YYYY-MM-DD. */
static void date_plus(const char *date, int days, char out[16])
{
    struct tm tm = {0};
    CGT_CHECK(strptime(date, "%Y-%m-%d", &tm) != NULL, "a date: %s", date);
    time_t t = timegm(&tm) + (time_t)days * DAY_S;
    gmtime_r(&t, &tm);
    strftime(out, 16, "%Y-%m-%d", &tm);
}

/* Move the clock days ahead, wait for the clue's level to become level,
 * and check that want_soon due_soon and want_over overdue events name it,
 * and that the ticks after those add nothing. */
static void move_clock(const char *id, long long days, const char *level, int want_soon,
                       int want_over)
{
    int soon, over;
    set_clock_days(days);
    await_level(id, level);
    count_events(id, QUIET_MS, &soon, &over);
    CGT_CHECK(soon == want_soon && over == want_over,
              "%lld days on: %d due_soon and %d overdue events, want %d and %d", days, soon, over,
              want_soon, want_over);
    count_events(id, QUIET_MS, &soon, &over);
    CGT_CHECK(soon == 0 && over == 0, "%lld days on, further ticks add nothing (%d, %d)", days,
              soon, over);
}

/* Propose a disposal as the handler (east inspector) and approve it as the
 * east lead. */
static void dispose(const char *id, const char *proposal)
{
    cgt_response *r = cgt_clue_act(insp_east, id, "/disposal", proposal);
    CGT_CHECK_STATUS(r, 200);
    cgt_response_free(r);
    r = cgt_clue_act(lead_east, id, "/disposal/approve", NULL);
    CGT_CHECK_STATUS(r, 200);
    cgt_response_free(r);
}

static void levels_and_notices(void **state)
{
    (void)state;
    want_type = "clue";
    want_stage = "registered";
    char id[37], closed[37], due_date[16];
    set_clock_days(0);
    CGT_CREATE_CLUE(insp_east, "city_a", NULL, id);

    /* Registered today: the disposal deadline, 30 days from receipt. */
    cJSON *clue = CGT_GET_CLUE(insp_east, id);
    date_plus(cgt_json_str(clue, "received_date"), 30, due_date);
    cJSON_Delete(clue);
    char got[16];
    state_of(insp_east, id, got);
    CGT_CHECK_STR("on_time", got, "deadline_state today");
    clue = CGT_GET_CLUE(insp_east, id);
    CGT_CHECK(strncmp(cgt_json_str(clue, "deadline"), due_date, 10) == 0, "due %s, want %s",
              cgt_json_str(clue, "deadline"), due_date);
    cJSON_Delete(clue);

    /* A clue whose close was approved has none. */
    CGT_CREATE_CLUE(insp_east, "city_a", NULL, closed);
    dispose(closed, "{\"way\":\"close\",\"reason\":\"查无实据\",\"conclusion\":\"问题不属实\"}");
    state_of(insp_east, closed, got);
    CGT_CHECK_STR("(none)", got, "a closed clue has no deadline");

    int soon, over;
    count_events(id, QUIET_MS, &soon, &over);
    CGT_CHECK(soon == 0 && over == 0, "nothing about a clue on time (%d, %d)", soon, over);

    /* Each level fires once, and further ticks add nothing. */
    move_clock(id, 24, "due_soon", 1, 0);
    move_clock(id, 31, "overdue", 0, 1);

    /* Division by zero, and so a failing psql, unless there is none. */
    char sql[160];
    snprintf(sql, sizeof sql,
             "SELECT 1 / (count(*) = 0)::int FROM deadline_notices WHERE item_id = '%s'", closed);
    CGT_CHECK_INT(0, cgt_psql("cg_case", sql), "no notice about the closed clue");
    set_clock_days(0);
}

/* True once the overdue case list (as the east lead) holds id; each replica
 * reads the test clock on its own tick. */
static bool listed_overdue(const char *id)
{
    int64_t until = cgt_now_ms() + CGT_DEADLINE_MS;
    while (cgt_now_ms() < until) {
        cgt_response *r =
            cgt_get("/api/v1/cases?overdue=true&unit_code=city_a&limit=100", lead_east);
        CGT_CHECK_STATUS(r, 200);
        bool found = strstr(r->body, id) != NULL;
        cgt_response_free(r);
        if (found)
            return true;
        cgt_sleep_ms(100);
    }
    return false;
}

/* A case's investigation deadline (CG_CASE_INVESTIGATION_DAYS, 90 by
 * default, from start_investigation): on time, due soon 84 days on and
 * overdue 91 days on, one notice each (item type case) whatever the two
 * replicas do; the overdue list filter shows it then and not before. */
static void case_levels_and_notices(void **state)
{
    (void)state;
    char clue[37], case_id[37], path[96];
    set_clock_days(0);
    want_type = "case";
    want_stage = "investigation";
    CGT_CREATE_CLUE(insp_east, "city_a", NULL, clue);
    dispose(clue, "{\"way\":\"propose_filing\",\"reason\":\"证据确凿\"}");
    cgt_response *r = cgt_clue_act(lead_hq, clue, "/file", NULL);
    CGT_CHECK_STATUS(r, 200);
    snprintf(case_id, sizeof case_id, "%s", CGT_JSON_STR(r->json, "case_id"));
    cgt_response_free(r);
    char got[16];
    state_of(insp_east, case_id, got);
    CGT_CHECK_STR("(none)", got, "a filed case has no deadline yet");

    snprintf(path, sizeof path, "/api/v1/cases/%s/actions", case_id);
    static const char start[] = "{\"action\":\"start_investigation\"}";
    r = cgt_post_raw(path, insp_east, "application/json", start, sizeof start - 1);
    CGT_CHECK_STATUS(r, 200);
    CGT_CHECK_STR("on_time", CGT_JSON_STR(r->json, "deadline_state"), r->body);
    cgt_response_free(r);
    r = cgt_get("/api/v1/cases?overdue=true&unit_code=city_a&limit=100", lead_east);
    CGT_CHECK_STATUS(r, 200);
    CGT_CHECK(strstr(r->body, case_id) == NULL, "not overdue today: %s", r->body);
    cgt_response_free(r);

    move_clock(case_id, 84, "due_soon", 1, 0);
    move_clock(case_id, 91, "overdue", 0, 1);
    CGT_CHECK(listed_overdue(case_id), "the overdue list shows the case");
    char sql[200];
    snprintf(sql, sizeof sql,
             "SELECT 1 / (count(*) = 2)::int FROM deadline_notices WHERE item_type = 'case'"
             " AND item_id = '%s'",
             case_id);
    CGT_CHECK_INT(0, cgt_psql("cg_case", sql), "two notices about the case, typed case");
    set_clock_days(0);
}

int main(void)
{
    cgt_init("case_deadlines", CGT_NEED_STACK | CGT_NEED_NATS);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(levels_and_notices),
        cmocka_unit_test(case_levels_and_notices),
    };
    int failed = cmocka_run_group_tests_name("case_deadlines", tests, group_setup, group_teardown);
    cgt_cleanup();
    return failed ? 1 : 0;
}
