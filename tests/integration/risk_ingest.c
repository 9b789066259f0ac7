/* The enterprise stream into the risk service, through the publisher the
 * enterprise's systems use (cg-publish, as the NATS user "publisher"):
 *
 * - each event kept once as a fact, with the people, units and suppliers it
 *   concerns; sent twice (JetStream drops the copy), replayed under a new
 *   id (the business key), or sent while the service is stopped: still one
 *   fact each;
 * - an event that can never be read (a payload that is not its message, no
 *   ce-id, no business key) lands in the dead letters with its reason and
 *   its headers, and the events behind it are kept;
 * - a fetched batch kept at once: replays inside it kept once, facts in
 *   the order published, and an event that can never be kept taken out of
 *   it alone;
 * - fields the service does not know are ignored;
 * - identity numbers are kept only as a keyed hash, which still matches
 *   across extracts;
 * - a NATS restart in the middle of a stream loses nothing;
 * - the publisher may publish only enterprise subjects. */
#include "cgt.h"

#include <nats/nats.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <signal.h>
#include <unistd.h>

#include "cleangrid/enterprise/v1/finance.pb-c.h"
#include "cleangrid/enterprise/v1/procurement.pb-c.h"

/* A tag unique to this run, in every id, so that a run never meets the
 * facts of an earlier one. */
static char run[17];

/* Run cg-publish as the publisher on the lines; its exit status. */
static int publish(const char *lines, const char *extra_args)
{
    return cgt_publish_enterprise(CGT_PUBLISH, lines, extra_args);
}

static long long facts_where(const char *cond)
{
    char sql[1024];
    snprintf(sql, sizeof sql, "SELECT count(*) FROM facts WHERE %s", cond);
    return cgt_psql_number("cg_risk", sql);
}

typedef struct wait_count {
    const char *sql;
    long long want;
} wait_count;

static bool count_reached(void *arg)
{
    wait_count *w = arg;
    return cgt_psql_number("cg_risk", w->sql) == w->want;
}

/* Wait until sql (a count on cg_risk) answers want. */
#define AWAIT_COUNT(sql_, want_)                                                                   \
    do {                                                                                           \
        wait_count w_ = {(sql_), (want_)};                                                         \
        CGT_CHECK(cgt_eventually(CGT_DEADLINE_MS, CGT_POLL_MS, count_reached, &w_),                \
                  "%s: wanted %lld, have %lld", (sql_), (long long)(want_),                        \
                  cgt_psql_number("cg_risk", (sql_)));                                             \
    } while (0)

static void award_line(char *out, size_t size, const char *id, const char *award, int price)
{
    snprintf(out, size,
             "{\"subject\":\"ent.procurement.award.made\",%s%s%s\"source\":\"erp.east\","
             "\"time\":\"2026-03-01T08:00:00Z\",\"data\":{\"tender_id\":\"T-%s-%s\","
             "\"award_id\":\"%s-%s\",\"buyer\":{\"unit_code\":\"city_a\"},\"category\":"
             "\"materials.cable\",\"method\":\"open\",\"winner\":{\"credit_code\":"
             "\"91320100MA1X%s\",\"name\":\"W\"},\"price_fen\":%d,\"bids\":[{\"supplier\":"
             "{\"credit_code\":\"91320100MA1X%s\"},\"price_fen\":%d},{\"supplier\":"
             "{\"credit_code\":\"91320100MA1Y%s\"},\"price_fen\":%d}],"
             "\"awarded_at\":\"2026-03-01T08:00:00Z\",\"approver\":{\"person_id\":\"P-%s\"}}}\n",
             id ? "\"id\":\"" : "", id ? id : "", id ? "\"," : "", run, award, award, run, run,
             price, run, price, run, price + 500, run);
}

static void facts_kept_once(void **state)
{
    (void)state;
    char a[2048], b[2048], lines[4200], cond[256], sql[512], id[64];
    snprintf(id, sizeof id, "%s-a1", run);
    award_line(a, sizeof a, id, "A1", 100000);
    award_line(b, sizeof b, NULL, "A2", 200000);
    snprintf(lines, sizeof lines, "%s%s", a, b);
    CGT_CHECK_INT(0, publish(lines, NULL), "cg-publish exit status");
    snprintf(sql, sizeof sql, "SELECT count(*) FROM facts WHERE data->>'tender_id' LIKE 'T-%s-%%'",
             run);
    AWAIT_COUNT(sql, 2);
    /* The scorer runs each fact's indicators once, after the consumer kept
     * it. */
    char scored[512];
    snprintf(scored, sizeof scored,
             "SELECT count(*) FROM fact_scoring s JOIN facts f ON f.id = s.fact_id"
             " WHERE f.data->>'tender_id' LIKE 'T-%s-%%' AND s.scored_at IS NOT NULL",
             run);
    AWAIT_COUNT(scored, 2);

    /* Whom the award concerns: the buying unit, the winner, both bidders
     * (the winner once as winner and once as bidder) and the approver. */
    snprintf(cond, sizeof cond,
             "SELECT count(*) FROM fact_parties p JOIN facts f ON f.id = p.fact_id"
             " WHERE f.event_id = '%s'",
             id);
    CGT_CHECK_INT(5, cgt_psql_number("cg_risk", cond), "parties of the award");
    snprintf(cond, sizeof cond,
             "SELECT count(*) FROM fact_parties p JOIN facts f ON f.id = p.fact_id"
             " WHERE f.event_id = '%s' AND p.party_kind = 'supplier' AND p.role = 'bidder'",
             id);
    CGT_CHECK_INT(2, cgt_psql_number("cg_risk", cond), "bidders of the award");
    snprintf(cond, sizeof cond, "event_id = '%s' AND occurred_at = '2026-03-01T08:00:00Z'", id);
    CGT_CHECK_INT(1, facts_where(cond), "the fact keeps the event's time (ce-time)");

    /* The same file again: JetStream drops the copies (same ids), and
     * nothing changes. */
    CGT_CHECK_INT(0, publish(lines, NULL), "cg-publish exit status, second time");
    /* A replay under a new id: the inbox has not seen it, the business key
     * (the award id) has. */
    char replay_id[64];
    snprintf(replay_id, sizeof replay_id, "%s-a1-replayed", run);
    award_line(a, sizeof a, replay_id, "A1", 100000);
    CGT_CHECK_INT(0, publish(a, NULL), "cg-publish exit status, replay");
    snprintf(cond, sizeof cond, "SELECT count(*) FROM cg_inbox WHERE event_id = '%s'", replay_id);
    AWAIT_COUNT(cond, 1);
    CGT_CHECK_INT(2, cgt_psql_number("cg_risk", sql), "facts after the copies and the replay");
    snprintf(cond, sizeof cond,
             "SELECT count(*) FROM fact_scoring s JOIN facts f ON f.id = s.fact_id"
             " WHERE f.data->>'tender_id' LIKE 'T-%s-%%'",
             run);
    CGT_CHECK_INT(2, cgt_psql_number("cg_risk", cond), "facts queued for scoring");

    /* The same award id with other data (another price) under a new id is
     * no retry: dropped, it would hide what it says. It goes to the dead
     * letters naming the fact it conflicts with, and the fact stays. */
    char conflict_id[64], dead[512];
    snprintf(conflict_id, sizeof conflict_id, "%s-a1-changed", run);
    award_line(a, sizeof a, conflict_id, "A1", 150000);
    CGT_CHECK_INT(0, publish(a, NULL), "cg-publish exit status, conflicting replay");
    snprintf(dead, sizeof dead,
             "SELECT count(*) FROM cg_dead_letter WHERE event_id = '%s'"
             " AND reason LIKE 'ent.procurement.award.made A1-%s is fact %% already (event %s"
             " from erp.east) with other data%%'",
             conflict_id, run, id);
    AWAIT_COUNT(dead, 1);
    CGT_CHECK_INT(2, cgt_psql_number("cg_risk", sql), "facts after the conflicting replay");
    snprintf(cond, sizeof cond, "event_id = '%s' AND (data->>'price_fen')::int = 100000", id);
    CGT_CHECK_INT(1, facts_where(cond), "the fact is the first event's");
}

static void kept_while_stopped(void **state)
{
    (void)state;
    char a[2048], sql[512];
    CGT_STACK("svc-stop risk");
    /* The gateway is not ready without the service: its risk pages could
     * not be served. */
    cgt_response *ready = cgt_readyz();
    CGT_CHECK_PROBLEM(ready, 503);
    CGT_CHECK_STR("unavailable", cgt_json_str(cJSON_GetObjectItem(ready->json, "checks"), "risk"),
                  "/readyz names the risk service");
    cgt_response_free(ready);
    award_line(a, sizeof a, NULL, "S1", 300000);
    int rc = publish(a, NULL);
    snprintf(sql, sizeof sql, "SELECT count(*) FROM facts WHERE data->>'award_id' = 'S1-%s'", run);
    long long before = cgt_psql_number("cg_risk", sql);
    /* A fact left waiting for its indicators when the service stopped (as
     * by a crash between the two stages) is scored when it starts again,
     * with no notification to say so. */
    char waiting[512];
    snprintf(waiting, sizeof waiting,
             "UPDATE fact_scoring SET scored_at = NULL WHERE fact_id IN"
             " (SELECT id FROM facts WHERE data->>'award_id' = 'A1-%s')",
             run);
    CGT_CHECK_INT(0, cgt_psql_script("cg_risk", waiting), "leave a fact waiting");
    CGT_STACK("svc-start risk");
    CGT_CHECK_INT(0, rc, "cg-publish exit status while risk is stopped");
    CGT_CHECK_INT(0, before, "nothing kept while the service is stopped");
    AWAIT_COUNT(sql, 1);
    snprintf(sql, sizeof sql,
             "SELECT count(*) FROM fact_scoring s JOIN facts f ON f.id = s.fact_id"
             " WHERE f.data->>'award_id' IN ('S1-%s', 'A1-%s') AND s.scored_at IS NOT NULL",
             run, run);
    AWAIT_COUNT(sql, 2);
}

/* Publish raw bytes as the tools user with the CloudEvents headers of ce_id
 * (none when NULL), a ce-type when with_type, and ce-time time. */
static void publish_raw_at(const char *subject, const void *data, size_t len, const char *ce_id,
                           bool with_type, const char *time)
{
    natsConnection *nc = NULL;
    jsCtx *js = NULL;
    natsMsg *m = NULL;
    jsPubAck *pa = NULL;
    jsErrCode jerr = 0;
    CGT_CHECK(natsConnection_ConnectTo(&nc, cgt_nats_url()) == NATS_OK, "connect");
    CGT_CHECK(natsConnection_JetStream(&js, nc, NULL) == NATS_OK, "JetStream");
    CGT_CHECK(natsMsg_Create(&m, subject, NULL, data, (int)len) == NATS_OK, "message");
    if (ce_id != NULL) {
        natsMsgHeader_Set(m, "Nats-Msg-Id", ce_id);
        natsMsgHeader_Set(m, "ce-id", ce_id);
    }
    natsMsgHeader_Set(m, "ce-source", "test.raw");
    if (with_type)
        natsMsgHeader_Set(m, "ce-type", subject);
    natsMsgHeader_Set(m, "ce-specversion", "1.0");
    natsMsgHeader_Set(m, "ce-time", time);
    natsStatus s = js_PublishMsg(&pa, js, m, NULL, &jerr);
    CGT_CHECK(s == NATS_OK, "publish %s: %s (%d)", subject, natsStatus_GetText(s), (int)jerr);
    jsPubAck_Destroy(pa);
    natsMsg_Destroy(m);
    jsCtx_Destroy(js);
    natsConnection_Destroy(nc);
}

static void publish_raw(const char *subject, const void *data, size_t len, const char *ce_id,
                        bool with_type)
{
    publish_raw_at(subject, data, len, ce_id, with_type, "2026-03-02T08:00:00Z");
}

/* An expense claim's payload with claim id claim, in buf; answers its
 * length. */
static size_t claim_payload(const char *claim, uint8_t *buf)
{
    Cleangrid__Enterprise__V1__ExpenseClaimed c = CLEANGRID__ENTERPRISE__V1__EXPENSE_CLAIMED__INIT;
    c.claim_id = (char *)claim;
    c.amount_fen = 120000;
    return cleangrid__enterprise__v1__expense_claimed__pack(&c, buf);
}

/* Publish an award without its award id (its business key) as ce-id id. */
static void publish_award_without_key(const char *id)
{
    Cleangrid__Enterprise__V1__AwardMade award = CLEANGRID__ENTERPRISE__V1__AWARD_MADE__INIT;
    char tender[96];
    snprintf(tender, sizeof tender, "T-%s", id);
    award.tender_id = tender;
    award.price_fen = 1000;
    uint8_t buf[256];
    size_t len = cleangrid__enterprise__v1__award_made__pack(&award, buf);
    publish_raw("ent.procurement.award.made", buf, len, id, true);
}

static void await_no_key_dead_letter(const char *id)
{
    char sql[512];
    snprintf(sql, sizeof sql,
             "SELECT count(*) FROM cg_dead_letter WHERE event_id = '%s'"
             " AND reason = 'ent.procurement.award.made needs award_id in its data'",
             id);
    AWAIT_COUNT(sql, 1);
}

static void unreadable_events_dead_lettered(void **state)
{
    (void)state;
    char id[64], sql[640], a[2048], reason[512];

    /* A payload that is not an AwardMade (a field 1 of wire type 7). */
    snprintf(id, sizeof id, "%s-garbage", run);
    publish_raw("ent.procurement.award.made", "\x0f\xff\xff", 3, id, true);
    snprintf(sql, sizeof sql, "SELECT count(*) FROM cg_dead_letter WHERE event_id = '%s'", id);
    AWAIT_COUNT(sql, 1);
    snprintf(
        sql, sizeof sql,
        "SELECT reason || ' / ' || replace(coalesce(headers, ''), chr(10), ' ') FROM cg_dead_letter"
        " WHERE event_id = '%s'",
        id);
    cgt_psql_text("cg_risk", sql, reason, sizeof reason);
    CGT_CHECK(strstr(reason, "payload is not a cleangrid.enterprise.v1.AwardMade") != NULL,
              "the reason names the message: %s", reason);
    CGT_CHECK(strstr(reason, "ce-source: test.raw") != NULL, "the headers are kept: %s", reason);

    /* No ce-type: not a CloudEvent of this stream. */
    snprintf(id, sizeof id, "%s-untyped", run);
    publish_raw("ent.procurement.award.made", "", 0, id, false);
    snprintf(sql, sizeof sql,
             "SELECT count(*) FROM cg_dead_letter WHERE headers LIKE '%%ce-id: %s%%'"
             " AND reason LIKE 'header ce-type must be the subject%%'",
             id);
    AWAIT_COUNT(sql, 1);

    /* An award without its award id cannot be kept or told apart. */
    snprintf(id, sizeof id, "%s-nokey", run);
    publish_award_without_key(id);
    await_no_key_dead_letter(id);

    /* A subject no contract defines: kept as a dead letter, to be
     * published again once the service knows it, never dropped. */
    snprintf(id, sizeof id, "%s-unknown-subject", run);
    publish_raw("ent.procurement.award.reconsidered", "", 0, id, true);
    snprintf(sql, sizeof sql,
             "SELECT count(*) FROM cg_dead_letter WHERE event_id = '%s'"
             " AND reason LIKE 'ent.procurement.award.reconsidered is not a subject%%'",
             id);
    AWAIT_COUNT(sql, 1);

    /* A subject that is not UTF-8 cannot be kept anywhere as text: it is
     * dead-lettered at once with its bytes written %XX, not retried for
     * ever. */
    uint8_t claim[128];
    snprintf(id, sizeof id, "%s-bad-subject", run);
    publish_raw("ent.fin\xff"
                "ance.expense.claimed",
                claim, claim_payload(id, claim), id, true);
    snprintf(sql, sizeof sql,
             "SELECT count(*) FROM cg_dead_letter WHERE subject = 'ent.fin%%FFance.expense.claimed'"
             " AND reason = 'the subject is not UTF-8' AND headers LIKE '%%ce-id: %s%%'",
             id);
    AWAIT_COUNT(sql, 1);

    /* A ce-time in year 9999 would keep its hits in their windows for
     * thousands of years; one before 1990 is no record's time. */
    static const char *const bad_times[] = {"9999-01-01T00:00:00Z", "1970-01-01T00:00:00Z"};
    for (size_t i = 0; i < sizeof bad_times / sizeof bad_times[0]; i++) {
        char claim_id[64];
        snprintf(claim_id, sizeof claim_id, "%s-time-%zu", run, i);
        publish_raw_at("ent.finance.expense.claimed", claim, claim_payload(claim_id, claim),
                       claim_id, true, bad_times[i]);
        snprintf(sql, sizeof sql,
                 "SELECT count(*) FROM cg_dead_letter WHERE headers LIKE '%%ce-id: %s%%'"
                 " AND reason LIKE 'header ce-time must be from 1990-01-01%%'",
                 claim_id);
        AWAIT_COUNT(sql, 1);
    }

    /* An empty ce-id: nats.c reads the next header line in its place, so
     * two such events would share an id and the second pass for a repeat.
     * Refused instead, whichever line follows. */
    for (int i = 0; i < 2; i++) {
        char claim_id[64];
        snprintf(claim_id, sizeof claim_id, "%s-empty-id-%d", run, i);
        natsConnection *nc = NULL;
        jsCtx *js = NULL;
        natsMsg *m = NULL;
        jsPubAck *pa = NULL;
        CGT_CHECK(natsConnection_ConnectTo(&nc, cgt_nats_url()) == NATS_OK, "connect");
        CGT_CHECK(natsConnection_JetStream(&js, nc, NULL) == NATS_OK, "JetStream");
        CGT_CHECK(natsMsg_Create(&m, "ent.finance.expense.claimed", NULL, (const char *)claim,
                                 (int)claim_payload(claim_id, claim)) == NATS_OK,
                  "message");
        natsMsgHeader_Set(m, "ce-id", "");
        natsMsgHeader_Set(m, "ce-source", "test.raw");
        natsMsgHeader_Set(m, "ce-type", "ent.finance.expense.claimed");
        natsMsgHeader_Set(m, "ce-specversion", "1.0");
        natsMsgHeader_Set(m, "x-claim", claim_id);
        CGT_CHECK(js_PublishMsg(&pa, js, m, NULL, NULL) == NATS_OK, "publish");
        jsPubAck_Destroy(pa);
        natsMsg_Destroy(m);
        jsCtx_Destroy(js);
        natsConnection_Destroy(nc);
        snprintf(sql, sizeof sql,
                 "SELECT count(*) FROM cg_dead_letter WHERE headers LIKE '%%x-claim: %s%%'",
                 claim_id);
        AWAIT_COUNT(sql, 1);
    }
    snprintf(sql, sizeof sql,
             "SELECT count(*) FROM facts WHERE data->>'claim_id' LIKE '%s-empty-id-%%'", run);
    CGT_CHECK_INT(0, cgt_psql_number("cg_risk", sql), "nothing kept under a borrowed id");

    /* And the stream flows on behind them. */
    award_line(a, sizeof a, NULL, "D1", 400000);
    CGT_CHECK_INT(0, publish(a, NULL), "cg-publish exit status after the dead letters");
    snprintf(sql, sizeof sql, "SELECT count(*) FROM facts WHERE data->>'award_id' = 'D1-%s'", run);
    AWAIT_COUNT(sql, 1);
}

/* Events that wait while the service is stopped arrive in one fetched
 * batch, which is kept in one statement: a replay of an earlier event of
 * the same batch under a new id adds nothing, and the facts are numbered
 * in the order published. An event of the batch that can never be kept
 * undoes the batch, which is then taken one event at a time: that event
 * alone is dead-lettered, the others are kept once. */
static void batch_kept_at_once(void **state)
{
    (void)state;
    char a[2048], b[2048], c[2048], lines[6400], id[64], replay_id[64], sql[640];
    snprintf(id, sizeof id, "%s-b1", run);
    snprintf(replay_id, sizeof replay_id, "%s-b1-replayed", run);
    award_line(a, sizeof a, id, "B1", 510000);
    award_line(b, sizeof b, replay_id, "B1", 510000);
    award_line(c, sizeof c, NULL, "B2", 520000);
    snprintf(lines, sizeof lines, "%s%s%s", a, b, c);
    CGT_STACK("svc-stop risk");
    int rc = publish(lines, NULL);
    CGT_STACK("svc-start risk");
    CGT_CHECK_INT(0, rc, "cg-publish exit status while risk is stopped");
    snprintf(sql, sizeof sql, "SELECT count(*) FROM cg_inbox WHERE event_id = '%s'", replay_id);
    AWAIT_COUNT(sql, 1);
    snprintf(sql, sizeof sql,
             "SELECT count(*) FROM facts WHERE data->>'award_id' IN ('B1-%s', 'B2-%s')", run, run);
    AWAIT_COUNT(sql, 2);
    snprintf(sql, sizeof sql,
             "SELECT count(*) FROM facts f1, facts f2 WHERE f1.data->>'award_id' = 'B1-%s'"
             " AND f2.data->>'award_id' = 'B2-%s' AND f1.id < f2.id AND f1.event_id = '%s'",
             run, run, id);
    CGT_CHECK_INT(1, cgt_psql_number("cg_risk", sql), "B1 kept first, under its first id");

    char bad[64];
    snprintf(bad, sizeof bad, "%s-nokey-amid", run);
    award_line(a, sizeof a, NULL, "C1", 530000);
    award_line(c, sizeof c, NULL, "C2", 540000);
    CGT_STACK("svc-stop risk");
    rc = publish(a, NULL);
    publish_award_without_key(bad);
    int rc2 = publish(c, NULL);
    CGT_STACK("svc-start risk");
    CGT_CHECK_INT(0, rc, "cg-publish exit status, first");
    CGT_CHECK_INT(0, rc2, "cg-publish exit status, last");
    await_no_key_dead_letter(bad);
    snprintf(sql, sizeof sql,
             "SELECT count(*) FROM facts WHERE data->>'award_id' IN ('C1-%s', 'C2-%s')", run, run);
    AWAIT_COUNT(sql, 2);
    snprintf(sql, sizeof sql,
             "SELECT count(*) FROM fact_scoring s JOIN facts f ON f.id = s.fact_id"
             " WHERE f.data->>'award_id' IN ('B1-%s', 'B2-%s', 'C1-%s', 'C2-%s')"
             " AND s.scored_at IS NOT NULL",
             run, run, run, run);
    AWAIT_COUNT(sql, 4);
}

static void unknown_fields_ignored(void **state)
{
    (void)state;
    Cleangrid__Enterprise__V1__AwardMade award = CLEANGRID__ENTERPRISE__V1__AWARD_MADE__INIT;
    char tender[64], award_id[64], id[64], sql[512];
    snprintf(tender, sizeof tender, "T-%s-future", run);
    snprintf(award_id, sizeof award_id, "F1-%s", run);
    award.tender_id = tender;
    award.award_id = award_id;
    award.price_fen = 5000;
    uint8_t buf[512];
    size_t len = cleangrid__enterprise__v1__award_made__pack(&award, buf);
    /* A field a later version of the contract might add: number 99, a
     * string. */
    static const uint8_t extra[] = {0x9a, 0x06, 0x03, 'n', 'e', 'w'};
    memcpy(buf + len, extra, sizeof extra);
    len += sizeof extra;
    snprintf(id, sizeof id, "%s-future", run);
    publish_raw("ent.procurement.award.made", buf, len, id, true);
    snprintf(
        sql, sizeof sql,
        "SELECT count(*) FROM facts WHERE event_id = '%s' AND (data->>'price_fen')::int = 5000",
        id);
    AWAIT_COUNT(sql, 1);
}

static void identity_numbers_hashed(void **state)
{
    (void)state;
    char lines[4096], sql[640], hashed[160];
    /* A made-up number with a valid check character (GB 11643). */
    const char *number = "11010519491231002X";
    snprintf(lines, sizeof lines,
             "{\"subject\":\"ent.register.company.extracted\",\"source\":\"register\","
             "\"data\":{\"company\":{\"credit_code\":\"91320100MA1Z%s\",\"name\":\"Z\"},"
             "\"legal_representative\":{\"name\":\"王五\",\"id_number\":\"%s\"},"
             "\"shareholders\":[{\"person\":{\"name\":\"王五\",\"id_number\":\"%s\"},"
             "\"share_basis_points\":6000}],\"extracted_on\":\"2026-03-01\"}}\n"
             "{\"subject\":\"ent.register.household.extracted\",\"source\":\"register\","
             "\"data\":{\"person\":{\"person_id\":\"P-%s\"},\"id_number\":\"110105194912310011\","
             "\"members\":[{\"person\":{\"name\":\"王五\",\"id_number\":\"%s\"},"
             "\"relation\":\"sibling\"}],\"extracted_on\":\"2026-03-01\"}}\n",
             run, number, "11010519491231002x", run, number);
    CGT_CHECK_INT(0, publish(lines, NULL), "cg-publish exit status");
    snprintf(sql, sizeof sql,
             "SELECT count(*) FROM facts WHERE business_key LIKE '%%%s%%'"
             " AND subject LIKE 'ent.register.%%'",
             run);
    AWAIT_COUNT(sql, 2);
    snprintf(sql, sizeof sql,
             "SELECT count(*) FROM facts WHERE business_key LIKE '%%%s%%'"
             " AND data::text LIKE '%%1949123100%%'",
             run);
    CGT_CHECK_INT(0, cgt_psql_number("cg_risk", sql), "no identity number in clear");
    snprintf(sql, sizeof sql,
             "SELECT data->'legal_representative'->>'id_number' FROM facts"
             " WHERE subject = 'ent.register.company.extracted' AND business_key LIKE '%%%s%%'",
             run);
    cgt_psql_text("cg_risk", sql, hashed, sizeof hashed);
    CGT_CHECK(strncmp(hashed, "hmac:", 5) == 0 && strlen(hashed) == 69, "a keyed hash: %s", hashed);
    /* The same person in three places (lower-case check character in one):
     * one hash. */
    snprintf(sql, sizeof sql,
             "SELECT count(DISTINCT h) FROM facts f, jsonb_path_query(f.data,"
             " 'strict $.**.id_number') h WHERE business_key LIKE '%%%s%%'"
             " AND h #>> '{}' <> (SELECT data->>'id_number' FROM facts"
             " WHERE subject = 'ent.register.household.extracted' AND business_key LIKE '%%%s%%')",
             run, run);
    CGT_CHECK_INT(1, cgt_psql_number("cg_risk", sql), "one hash for one number");
}

static void nats_restart_loses_nothing(void **state)
{
    (void)state;
    enum { EVENTS = 300 };
    size_t cap = EVENTS * 1200;
    char *lines = calloc(1, cap), line[2048], award[32], sql[512];
    size_t used = 0;
    for (int i = 0; i < EVENTS; i++) {
        snprintf(award, sizeof award, "R%03d", i);
        award_line(line, sizeof line, NULL, award, 1000 + i);
        CGT_CHECK(used + strlen(line) < cap, "buffer");
        memcpy(lines + used, line, strlen(line) + 1);
        used += strlen(line);
    }
    /* The publisher sends in the background while NATS restarts under it;
     * it resends what was not acknowledged, with the same ids. */
    char path[] = "/tmp/cgt-risk-restart-XXXXXX", url[512], cmd[2048];
    int fd = mkstemp(path);
    CGT_CHECK(fd >= 0 && write(fd, lines, used) == (ssize_t)used, "write events");
    close(fd);
    free(lines);
    cgt_publisher_url(url, sizeof url);
    snprintf(cmd, sizeof cmd,
             "(for i in 1 2 3; do CG_NATS_URL='%s' '%s' --rate 100 '%s' && exit 0;"
             " sleep 1; done; exit 1) > /tmp/cgt-risk-restart.log 2>&1 & echo $!",
             url, CGT_PUBLISH, path);
    FILE *p = popen(cmd, "r");
    char pid[32] = "";
    CGT_CHECK(p != NULL && fgets(pid, sizeof pid, p) != NULL, "start the publisher");
    pclose(p);
    /* A second into the three the stream takes, and the publisher still
     * at work. */
    cgt_sleep_ms(1000);
    CGT_CHECK(kill((pid_t)atol(pid), 0) == 0, "the publisher finished before NATS restarted");
    CGT_STACK("nats-restart");
    snprintf(cmd, sizeof cmd, "while kill -0 %ld 2>/dev/null; do sleep 0.2; done", atol(pid));
    CGT_CHECK(system(cmd) == 0, "wait for the publisher");
    snprintf(sql, sizeof sql, "SELECT count(*) FROM facts WHERE data->>'award_id' LIKE 'R___-%s'",
             run);
    AWAIT_COUNT(sql, EVENTS);
    unlink(path);
}

static void publisher_only_publishes_enterprise_subjects(void **state)
{
    (void)state;
    char url[512];
    natsConnection *nc = NULL;
    cgt_publisher_url(url, sizeof url);
    CGT_CHECK(natsConnection_ConnectTo(&nc, url) == NATS_OK, "connect as publisher");
    /* A permission violation closes nothing but is reported to the
     * connection; a request on a denied subject gets no responder. */
    natsMsg *reply = NULL;
    natsStatus s = natsConnection_RequestString(&reply, nc, "cg.rpc.case.GetClue", "x", 500);
    CGT_CHECK(s != NATS_OK, "the publisher could call a service");
    natsMsg_Destroy(reply);
    s = natsConnection_RequestString(&reply, nc, "$JS.API.STREAM.INFO.CG_ENTERPRISE", "", 500);
    CGT_CHECK(s != NATS_OK, "the publisher could use the JetStream API");
    natsMsg_Destroy(reply);
    natsConnection_Destroy(nc);
}

int main(void)
{
    cgt_init("risk_ingest", CGT_NEED_STACK | CGT_NEED_NATS);
    cgt_token_hex(run, sizeof run - 1);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(facts_kept_once),
        cmocka_unit_test(kept_while_stopped),
        cmocka_unit_test(unreadable_events_dead_lettered),
        cmocka_unit_test(batch_kept_at_once),
        cmocka_unit_test(unknown_fields_ignored),
        cmocka_unit_test(identity_numbers_hashed),
        cmocka_unit_test(nats_restart_loses_nothing),
        cmocka_unit_test(publisher_only_publishes_enterprise_subjects),
    };
    int failed = cmocka_run_group_tests_name("risk_ingest", tests, NULL, NULL);
    cgt_cleanup();
    return failed ? 1 : 0;
}
