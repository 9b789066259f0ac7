/* The platform rides out a NATS restart: services reconnect on their own,
 * JetStream keeps what it stored, reports submitted before and after the
 * restart all become clues, and while NATS is away the gateway says so with
 * 503 rather than hanging or failing with 500. */
#include "cgt.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define AFTER 5

/* True while NATS may be down because of this test; the teardown restarts
 * it (a restart also recovers from a half-done stop or start). */
static bool nats_disturbed;
static char *inspector;

static int restore_nats(void **state)
{
    (void)state;
    if (nats_disturbed) {
        fprintf(stderr, "restoring: restarting NATS after a failure\n");
        if (cgt_stack("nats-restart") == 0)
            nats_disturbed = false;
        cgt_stack("wait-ready 30");
    }
    cgt_logout(inspector);
    inspector = NULL;
    return 0;
}

static void restart_loses_nothing(void **state)
{
    (void)state;
    CGT_CHECK_READY();
    inspector = CGT_LOGIN("inspector");

    /* Submitted right before the restart, so its event may still be in the
     * outbox or on its way when NATS goes away. */
    cgt_report before;
    CGT_SUBMIT_SIMPLE("nats-before-restart", NULL, &before);

    nats_disturbed = true;
    CGT_STACK("nats-restart");
    CGT_STACK("wait-ready 30");
    nats_disturbed = false;

    cgt_report after[AFTER];
    for (int i = 0; i < AFTER; i++)
        CGT_SUBMIT_SIMPLE("nats-after-restart", i % 2 ? "city_b" : NULL, &after[i]);

    cJSON_Delete(CGT_AWAIT_CLUE(inspector, "source_ref", before.report_id));
    for (int i = 0; i < AFTER; i++)
        cJSON_Delete(CGT_AWAIT_CLUE(inspector, "source_ref", after[i].report_id));

    cJSON *all = CGT_ALL_CLUES(inspector);
    CGT_CHECK_INT(1, cgt_count_where(all, "source_ref", before.report_id),
                  "clues for the report submitted before the restart");
    for (int i = 0; i < AFTER; i++)
        CGT_CHECK_INT(1, cgt_count_where(all, "source_ref", after[i].report_id),
                      "clues for a report submitted after the restart");
    cJSON_Delete(all);
    CGT_CHECK_READY();
}

typedef struct probe_text {
    char last[1024];
} probe_text;

static bool readyz_names_nats(void *p)
{
    probe_text *t = p;
    cgt_response *r = cgt_readyz();
    snprintf(t->last, sizeof t->last, "%ld %s: %s", r->status, r->content_type, r->body);
    const cJSON *checks = cJSON_GetObjectItemCaseSensitive(r->json, "checks");
    const char *nats = cgt_json_str(checks, "nats");
    const char *detail = cgt_json_str(r->json, "detail");
    bool ok = r->status == 503 && strncmp(r->content_type, "application/problem+json", 24) == 0 &&
              nats && strcmp(nats, "unavailable") == 0 && detail && strstr(detail, "nats");
    cgt_response_free(r);
    return ok;
}

static void nats_down_answers_503(void **state)
{
    (void)state;
    CGT_CHECK_READY();
    inspector = CGT_LOGIN("inspector");

    nats_disturbed = true;
    CGT_STACK("nats-stop");

    probe_text t = {""};
    if (!cgt_eventually(10000, CGT_POLL_MS, readyz_names_nats, &t))
        CGT_FAIL("with NATS stopped, /readyz never answered 503 with checks.nats \"unavailable\" "
                 "and a detail naming nats; last: %s",
                 t.last);

    /* The process itself is fine, so liveness holds. */
    cgt_response *r = cgt_get("/healthz", NULL);
    CGT_CHECK_STATUS(r, 200);
    cgt_response_free(r);

    /* A submit cannot reach intake: a clear 503 problem, not a 500 or a
     * request left hanging. */
    cJSON *b = cgt_report_body("nats-down", NULL);
    r = cgt_post_json("/api/v1/public/reports", NULL, b);
    cJSON_Delete(b);
    CGT_CHECK_PROBLEM(r, 503);
    CGT_CHECK(r->seconds < 10.0, "the 503 comes within 10 s, it took %.1f s", r->seconds);
    cgt_response_free(r);

    CGT_STACK("nats-start");
    CGT_STACK("wait-ready 30");
    nats_disturbed = false;

    cgt_report rep;
    CGT_SUBMIT_SIMPLE("nats-back", NULL, &rep);
    cJSON_Delete(CGT_AWAIT_CLUE(inspector, "source_ref", rep.report_id));
    CGT_CHECK_READY();
}

int main(void)
{
    cgt_init("nats_restart", CGT_NEED_STACK);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_teardown(restart_loses_nothing, restore_nats),
        cmocka_unit_test_teardown(nats_down_answers_503, restore_nats),
    };
    int failed = cmocka_run_group_tests_name("nats_restart", tests, NULL, NULL);
    cgt_cleanup();
    return failed ? 1 : 0;
}
