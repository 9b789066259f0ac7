/* The case service's consumer is idempotent and robust: the same
 * ReportSubmitted event delivered twice makes one clue, a second event for
 * the same report makes no second clue, and bytes that are not an event (or
 * an event that can never be valid) neither stop the consumer nor make a
 * clue.
 *
 * The events are published straight onto JetStream, as a relay that
 * crashed between publishing and marking its outbox row sent would do, with
 * distinct Nats-Msg-Ids so that JetStream's own dedupe window does not hide
 * the second delivery: the consumer must catch it by itself. */
#include "cgt.h"

#include <nats/nats.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cleangrid/v1/intake.pb-c.h"

#define SUBJECT "cg.evt.intake.report.submitted"

/* How long a clue count must stay put after the barrier. The barrier already
 * orders the check after the duplicates; this also covers a duplicate that
 * was nak'ed and comes back later. */
#define STABLE_MS 1500

static natsConnection *nc;
static jsCtx *js;
static char *inspector;

static int group_setup(void **state)
{
    (void)state;
    natsStatus s = natsConnection_ConnectTo(&nc, cgt_nats_url());
    CGT_CHECK(s == NATS_OK, "connect to %s: %s", cgt_nats_url(), natsStatus_GetText(s));
    s = natsConnection_JetStream(&js, nc, NULL);
    CGT_CHECK(s == NATS_OK, "JetStream context: %s", natsStatus_GetText(s));
    inspector = CGT_LOGIN("inspector");
    return 0;
}

static int group_teardown(void **state)
{
    (void)state;
    jsCtx_Destroy(js);
    natsConnection_Destroy(nc);
    js = NULL;
    nc = NULL;
    cgt_logout(inspector);
    inspector = NULL;
    nats_Close();
    return 0;
}

static int64_t unix_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Publish bytes with a fresh Nats-Msg-Id and fail unless JetStream stored
 * them as a new message in CG_EVENTS. */
static void publish_bytes(const void *data, size_t len)
{
    char msg_id[37];
    cgt_uuid(msg_id);
    jsPubOptions o;
    jsPubOptions_Init(&o);
    o.MsgId = msg_id;
    o.MaxWait = 5000;
    jsPubAck *pa = NULL;
    jsErrCode jerr = 0;
    natsStatus s = js_Publish(&pa, js, SUBJECT, data, (int)len, &o, &jerr);
    CGT_CHECK(s == NATS_OK, "js_Publish on %s: %s (JetStream error %d)", SUBJECT,
              natsStatus_GetText(s), (int)jerr);
    bool stored = pa && !pa->Duplicate && pa->Stream && strcmp(pa->Stream, "CG_EVENTS") == 0;
    char stream[64];
    snprintf(stream, sizeof stream, "%s", pa && pa->Stream ? pa->Stream : "(none)");
    jsPubAck_Destroy(pa);
    CGT_CHECK(stored, "the publish is stored as a new message in CG_EVENTS (stream %s)", stream);
}

typedef struct event_fields {
    const char *event_id;
    const char *report_id;
    const char *content;
    const char *org_path;
} event_fields;

/* A ReportSubmitted as intake would publish it. */
static void publish_report(const event_fields *f)
{
    char producer[] = "it-duplicate-event";
    char type[] = SUBJECT;
    char correlation[37];
    cgt_uuid(correlation);
    char category[] = "finance";
    char location[] = "Finance office, floor 3";
    char person[] = "Zhao Lei";
    char unit[] = "Finance Department";

    Cleangrid__V1__EventMeta meta = CLEANGRID__V1__EVENT_META__INIT;
    /* protobuf-c declares its strings char *, but packing only reads them. */
    meta.event_id = (char *)f->event_id;
    meta.type = type;
    meta.occurred_at_ms = unix_ms();
    meta.producer = producer;
    meta.correlation_id = correlation;

    Cleangrid__V1__ReportSubmitted ev = CLEANGRID__V1__REPORT_SUBMITTED__INIT;
    ev.meta = &meta;
    ev.report_id = (char *)f->report_id;
    ev.category = category;
    ev.content = (char *)f->content;
    ev.location = location;
    ev.accused_person = person;
    ev.accused_unit = unit;
    ev.anonymous = 1;
    ev.org_path = (char *)f->org_path;
    ev.submitted_at_ms = meta.occurred_at_ms;

    size_t len = cleangrid__v1__report_submitted__get_packed_size(&ev);
    uint8_t *buf = malloc(len ? len : 1);
    CGT_CHECK(buf != NULL, "%s", "memory for the event");
    cleangrid__v1__report_submitted__pack(&ev, buf);
    publish_bytes(buf, len);
    free(buf);
}

static void unique_content(char *out, size_t size, const char *label)
{
    char tok[33];
    cgt_token_hex(tok, 32);
    snprintf(out, size,
             "cgt %s %s: an invoice for cable was paid twice to the same supplier account.", label,
             tok);
}

/* Publish a fresh valid event and wait for its clue. The consumer takes the
 * stream in order, so when this clue exists every message published before
 * it has been handled once. */
static void barrier(void)
{
    char event_id[37], report_id[37], content[256];
    cgt_uuid(event_id);
    cgt_uuid(report_id);
    unique_content(content, sizeof content, "barrier");
    event_fields f = {event_id, report_id, content, "hq"};
    publish_report(&f);
    cJSON_Delete(CGT_AWAIT_CLUE(inspector, "source_ref", report_id));
}

/* Fail unless exactly one clue has this source_ref, now and for STABLE_MS. */
static void check_one_clue_stays(const char *report_id, const char *why)
{
    int64_t until = cgt_now_ms() + STABLE_MS;
    do {
        cJSON *all = CGT_ALL_CLUES(inspector);
        int n = cgt_count_where(all, "source_ref", report_id);
        cJSON_Delete(all);
        CGT_CHECK(n == 1, "exactly one clue for report %s (%s), found %d", report_id, why, n);
        cgt_sleep_ms(250);
    } while (cgt_now_ms() < until);
}

static void same_event_twice_makes_one_clue(void **state)
{
    (void)state;
    char event_id[37], report_id[37], content[256];
    cgt_uuid(event_id);
    cgt_uuid(report_id);
    unique_content(content, sizeof content, "duplicate");
    event_fields f = {event_id, report_id, content, "hq"};
    publish_report(&f);
    publish_report(&f);

    cJSON *clue = CGT_AWAIT_CLUE(inspector, "source_ref", report_id);
    CGT_CHECK_STR("public_report", cgt_json_str(clue, "source"), "clue source");
    CGT_CHECK_STR(content, cgt_json_str(clue, "content"), "clue content");
    CGT_CHECK_STR("hq", cgt_json_str(clue, "org_path"), "clue org_path");
    CGT_CHECK_STR("Zhao Lei", cgt_json_str(clue, "accused_person"), "clue accused_person");
    cJSON_Delete(clue);

    barrier();
    check_one_clue_stays(report_id, "the same event delivered twice");
}

static void second_event_for_same_report_makes_no_second_clue(void **state)
{
    (void)state;
    char event_a[37], event_b[37], report_id[37], content[256];
    cgt_uuid(event_a);
    cgt_uuid(event_b);
    cgt_uuid(report_id);
    unique_content(content, sizeof content, "re-emitted");
    event_fields a = {event_a, report_id, content, "hq"};
    publish_report(&a);
    cJSON_Delete(CGT_AWAIT_CLUE(inspector, "source_ref", report_id));

    /* A producer that lost its outbox mark and re-emitted the event under a
     * new id: the report is the same, so the clue must be too. */
    event_fields b = {event_b, report_id, content, "hq"};
    publish_report(&b);
    barrier();
    check_one_clue_stays(report_id, "two events with different ids for one report");
}

static void garbage_does_not_stop_the_consumer(void **state)
{
    (void)state;
    /* Not protobuf at all, empty, and a valid event cut in half. */
    static const char junk[] = "\xff\xfe this is not a protobuf message \x00\x01\x02";
    publish_bytes(junk, sizeof junk - 1);
    publish_bytes("", 0);

    char event_id[37], report_id[37], content[256];
    cgt_uuid(event_id);
    cgt_uuid(report_id);
    unique_content(content, sizeof content, "truncated");
    Cleangrid__V1__EventMeta meta = CLEANGRID__V1__EVENT_META__INIT;
    meta.event_id = event_id;
    Cleangrid__V1__ReportSubmitted ev = CLEANGRID__V1__REPORT_SUBMITTED__INIT;
    ev.meta = &meta;
    ev.report_id = report_id;
    ev.content = content;
    size_t len = cleangrid__v1__report_submitted__get_packed_size(&ev);
    uint8_t *buf = malloc(len);
    CGT_CHECK(buf != NULL, "%s", "memory for the event");
    cleangrid__v1__report_submitted__pack(&ev, buf);
    publish_bytes(buf, len / 2);
    free(buf);

    /* A valid event after them is still turned into a clue... */
    char good_event[37], good_report[37], good_content[256];
    cgt_uuid(good_event);
    cgt_uuid(good_report);
    unique_content(good_content, sizeof good_content, "after-garbage");
    event_fields g = {good_event, good_report, good_content, "hq"};
    publish_report(&g);
    cJSON_Delete(CGT_AWAIT_CLUE(inspector, "source_ref", good_report));

    /* ...the cut event made no clue, and the platform is still ready. */
    cJSON *all = CGT_ALL_CLUES(inspector);
    CGT_CHECK_INT(0, cgt_count_where(all, "source_ref", report_id),
                  "clues made from a truncated event");
    cJSON_Delete(all);
    CGT_CHECK_READY();

    /* And it keeps working: the consumer did not just survive one message. */
    barrier();
    CGT_CHECK_READY();
}

static void invalid_events_make_no_clue(void **state)
{
    (void)state;
    /* Well-formed protobuf that can never be a clue: no report id, and an
     * org path that is not a valid ltree. */
    char e1[37], e2[37], r2[37], c1[256], c2[256];
    cgt_uuid(e1);
    cgt_uuid(e2);
    cgt_uuid(r2);
    unique_content(c1, sizeof c1, "no-report-id");
    unique_content(c2, sizeof c2, "bad-org-path");
    event_fields no_id = {e1, "", c1, "hq"};
    event_fields bad_path = {e2, r2, c2, "hq..not a path!"};
    publish_report(&no_id);
    publish_report(&bad_path);
    barrier();

    cJSON *all = CGT_ALL_CLUES(inspector);
    CGT_CHECK_INT(0, cgt_count_where(all, "content", c1), "clues from an event with no report_id");
    CGT_CHECK_INT(0, cgt_count_where(all, "content", c2),
                  "clues from an event with an invalid org_path");
    cJSON_Delete(all);
    CGT_CHECK_READY();
}

int main(void)
{
    cgt_init("duplicate_event_one_clue", CGT_NEED_NATS);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(same_event_twice_makes_one_clue),
        cmocka_unit_test(second_event_for_same_report_makes_no_second_clue),
        cmocka_unit_test(garbage_does_not_stop_the_consumer),
        cmocka_unit_test(invalid_events_make_no_clue),
    };
    int failed =
        cmocka_run_group_tests_name("duplicate_event_one_clue", tests, group_setup, group_teardown);
    cgt_cleanup();
    return failed ? 1 : 0;
}
