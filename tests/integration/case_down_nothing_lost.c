/* Nothing is lost while the case service is down: reports keep being
 * accepted (intake does not need case), the gateway says which service is
 * missing, and once case is back every report becomes exactly one clue. */
#include "cgt.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define REPORTS 20

/* True from the moment this test asks the stack to stop case until it has
 * seen case started again; the teardown reads it to restore the stack when
 * a check failed in between. */
static bool case_stopped;
static char *inspector;

static int restore_case(void **state)
{
    (void)state;
    if (case_stopped) {
        fprintf(stderr, "restoring: starting case again after a failure\n");
        if (cgt_stack("svc-start case") == 0)
            case_stopped = false;
        cgt_stack("wait-ready 30");
    }
    cgt_logout(inspector);
    inspector = NULL;
    return 0;
}

typedef struct ready_wait {
    char last[1024];
} ready_wait;

/* /readyz must say 503, problem+json, checks.case "unavailable" and a detail
 * that names case, while the rest (NATS, intake) is still fine. */
static bool readyz_names_case(void *p)
{
    ready_wait *w = p;
    cgt_response *r = cgt_readyz();
    snprintf(w->last, sizeof w->last, "%ld %s: %s", r->status, r->content_type, r->body);
    const cJSON *checks = cJSON_GetObjectItemCaseSensitive(r->json, "checks");
    const char *detail = cgt_json_str(r->json, "detail");
    bool ok = r->status == 503 && strncmp(r->content_type, "application/problem+json", 24) == 0 &&
              cgt_json_str(checks, "case") &&
              strcmp(cgt_json_str(checks, "case"), "unavailable") == 0 &&
              cgt_json_str(checks, "intake") && strcmp(cgt_json_str(checks, "intake"), "ok") == 0 &&
              cgt_json_str(checks, "nats") && strcmp(cgt_json_str(checks, "nats"), "ok") == 0 &&
              detail && strstr(detail, "case") != NULL;
    cgt_response_free(r);
    return ok;
}

typedef struct clue_wait {
    const cgt_report *reps;
    int n;
    int found; /* how many of reps had a clue at the last look */
} clue_wait;

static bool all_reports_are_clues(void *p)
{
    clue_wait *w = p;
    cJSON *all = CGT_ALL_CLUES(inspector);
    w->found = 0;
    for (int i = 0; i < w->n; i++)
        if (cgt_count_where(all, "source_ref", w->reps[i].report_id) > 0)
            w->found++;
    cJSON_Delete(all);
    return w->found == w->n;
}

static void reports_survive_case_outage(void **state)
{
    (void)state;
    CGT_CHECK_READY();
    inspector = CGT_LOGIN("inspector");

    case_stopped = true;
    CGT_STACK("svc-stop case");

    ready_wait w = {""};
    if (!cgt_eventually(10000, CGT_POLL_MS, readyz_names_case, &w))
        CGT_FAIL("with case stopped, /readyz never answered 503 naming case (checks.case "
                 "\"unavailable\", intake and nats \"ok\"); last: %s",
                 w.last);

    /* Reading clues needs case: the gateway must say so with 503, not hang
     * or answer 500. */
    cgt_response *r = cgt_get("/api/v1/clues", inspector);
    CGT_CHECK_PROBLEM(r, 503);
    cgt_response_free(r);

    static cgt_report reps[REPORTS];
    for (int i = 0; i < REPORTS; i++)
        CGT_SUBMIT_SIMPLE("case-down", i % 2 ? "city_a" : NULL, &reps[i]);
    /* With case down nobody has taken the report yet. */
    char *st = cgt_report_status(reps[0].receipt);
    CGT_CHECK(st && strcmp(st, "received") == 0,
              "a report is \"received\" while case is down, got \"%s\"", st ? st : "(no answer)");
    free(st);

    CGT_STACK("svc-start case");
    case_stopped = false;
    CGT_STACK("wait-ready 30");

    clue_wait cw = {reps, REPORTS, 0};
    if (!cgt_eventually(CGT_DEADLINE_MS, CGT_POLL_MS, all_reports_are_clues, &cw))
        CGT_FAIL("only %d of %d reports submitted while case was down became clues within %d ms",
                 cw.found, REPORTS, CGT_DEADLINE_MS);

    /* A report submitted now is behind all of them on the stream; once it
     * is a clue, any duplicate the backlog could cause has been made. */
    cgt_report sentinel;
    CGT_SUBMIT_SIMPLE("case-down-sentinel", NULL, &sentinel);
    cJSON_Delete(CGT_AWAIT_CLUE(inspector, "source_ref", sentinel.report_id));

    cJSON *all = CGT_ALL_CLUES(inspector);
    for (int i = 0; i < REPORTS; i++)
        CGT_CHECK_INT(1, cgt_count_where(all, "source_ref", reps[i].report_id),
                      "clues for one report submitted while case was down");
    cJSON_Delete(all);

    /* The reporters learn of it too: the first and the last report end up
     * "forwarded". */
    const cgt_report *ends[2] = {&reps[0], &reps[REPORTS - 1]};
    for (int i = 0; i < 2; i++) {
        int64_t deadline = cgt_now_ms() + CGT_DEADLINE_MS;
        char *s = NULL;
        for (;;) {
            free(s);
            s = cgt_report_status(ends[i]->receipt);
            if ((s && strcmp(s, "forwarded") == 0) || cgt_now_ms() >= deadline)
                break;
            cgt_sleep_ms(CGT_POLL_MS);
        }
        CGT_CHECK(s && strcmp(s, "forwarded") == 0,
                  "report %s is \"forwarded\" once its clue exists, got \"%s\"", ends[i]->report_id,
                  s ? s : "(no answer)");
        free(s);
    }
    CGT_CHECK_READY();
}

int main(void)
{
    cgt_init("case_down_nothing_lost", CGT_NEED_STACK);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_teardown(reports_survive_case_outage, restore_case),
    };
    int failed = cmocka_run_group_tests_name("case_down_nothing_lost", tests, NULL, NULL);
    cgt_cleanup();
    return failed ? 1 : 0;
}
