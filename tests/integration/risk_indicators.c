/* Each indicator of the risk service on a generated stream of enterprise
 * events (tools/enterprise-gen), published as enterprise systems do:
 *
 * - every case the generator planted for an indicator fires it, on the
 *   events the generator names;
 * - nothing else fires it: no unplanted hit, none on the near misses the
 *   generator placed just inside the rules;
 * - a clean stream (no planted case) fires nothing.
 *
 * The streams lie years before the other tests' events (their --now), so
 * that no window of an indicator reaches from one to the other. The
 * indicators the service does not compute yet are skipped by name: the
 * list below is what is checked. */
#include "cgt.h"
#include "cgt_events.h"
#include "cleangrid/v1/risk.pb-c.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

/* The indicators the service computes as each fact arrives (rotation,
 * measured today rather than at the stream's end, has a test of its
 * own). */
static const char *const CHECKED[] = {"single_bid",
                                      "short_bid_period",
                                      "identical_bids",
                                      "heavy_discount",
                                      "supplier_share",
                                      "split_purchase",
                                      "self_approval",
                                      "benford",
                                      "account_change_payment",
                                      "close_prices",
                                      "win_ratio",
                                      "conflict_declared",
                                      "conflict_undeclared",
                                      NULL};

static bool checked(const char *code)
{
    for (size_t i = 0; CHECKED[i] != NULL; i++)
        if (strcmp(CHECKED[i], code) == 0)
            return true;
    return false;
}

/* Generate a stream with args into stream_path (JSON lines) and its
 * manifest into manifest_path; the number of events. */
static long generate(const char *args, const char *stream_path, const char *manifest_path)
{
    char cmd[2048];
    snprintf(cmd, sizeof cmd, "node '%s' %s --manifest '%s' > '%s'", CGT_ENTERPRISE_GEN, args,
             manifest_path, stream_path);
    CGT_CHECK(system(cmd) == 0, "the generator failed: %s", cmd);
    FILE *f = fopen(stream_path, "r");
    CGT_CHECK(f != NULL, "no stream");
    long n = 0;
    for (int c; (c = fgetc(f)) != EOF;)
        n += c == '\n';
    fclose(f);
    return n;
}

static cJSON *read_json(const char *path)
{
    FILE *f = fopen(path, "r");
    CGT_CHECK(f != NULL, "cannot read %s", path);
    fseek(f, 0, SEEK_END);
    long size = ftell(f);
    rewind(f);
    char *text = malloc((size_t)size + 1);
    CGT_CHECK(text != NULL && fread(text, 1, (size_t)size, f) == (size_t)size, "read %s", path);
    text[size] = '\0';
    fclose(f);
    cJSON *json = cJSON_Parse(text);
    free(text);
    CGT_CHECK(json != NULL, "%s is not JSON", path);
    return json;
}

/* Publish the stream's lines with cg-publish as the publisher. */
static void publish_file(const char *path)
{
    char url[512], cmd[2048];
    cgt_publisher_url(url, sizeof url);
    snprintf(cmd, sizeof cmd, "CG_NATS_URL='%s' '%s' '%s'", url, CGT_PUBLISH, path);
    CGT_CHECK(system(cmd) == 0, "cg-publish failed on %s", path);
}

typedef struct wait_count {
    char sql[512];
    long long want;
} wait_count;

static bool count_reached(void *arg)
{
    wait_count *w = arg;
    return cgt_psql_number("cg_risk", w->sql) >= w->want;
}

/* Wait until the inbox holds every event of the stream (ids start with
 * prefix) and the scorer has run the indicators of each fact kept: an
 * event the consumer took counts once its fact left the scoring queue. */
static void await_stream(const char *prefix, long events)
{
    wait_count w = {.want = events};
    snprintf(w.sql, sizeof w.sql,
             "SELECT count(*) FROM cg_inbox i WHERE i.event_id LIKE '%s%%'"
             " AND NOT EXISTS (SELECT 1 FROM facts f JOIN fact_scoring s ON s.fact_id = f.id"
             " WHERE f.event_id = i.event_id AND s.scored_at IS NULL)",
             prefix);
    CGT_CHECK(cgt_eventually(120000, 250, count_reached, &w),
              "%s: %lld of %ld events taken and scored", prefix, cgt_psql_number("cg_risk", w.sql),
              events);
}

/* The id prefix the generator gives every event of a stream ("eg-<hash>-"). */
static void stream_prefix(const char *path, char out[64])
{
    FILE *f = fopen(path, "r");
    char line[4096];
    CGT_CHECK(f != NULL && fgets(line, sizeof line, f) != NULL, "empty stream %s", path);
    fclose(f);
    cJSON *first = cJSON_Parse(line);
    const char *id = cgt_json_str(first, "id");
    CGT_CHECK(id != NULL, "the generator's events carry ids");
    const char *dash = strrchr(id, '-');
    snprintf(out, 64, "%.*s", (int)(dash - id + 1), id);
    cJSON_Delete(first);
}

/* A generated stream in a temporary file, with its manifest (the planted
 * cases and near misses) beside it. */
typedef struct generated {
    char stream[64];
    char manifest[72];
    char prefix[64];
    long events;
} generated;

/* Generate a stream with args into a new file named after tag. */
static void generate_stream(generated *g, const char *tag, const char *args)
{
    snprintf(g->stream, sizeof g->stream, "/tmp/cgt-risk-%s-XXXXXX", tag);
    int fd = mkstemp(g->stream);
    CGT_CHECK(fd >= 0, "temporary file");
    close(fd);
    snprintf(g->manifest, sizeof g->manifest, "%s.json", g->stream);
    g->events = generate(args, g->stream, g->manifest);
    stream_prefix(g->stream, g->prefix);
}

/* Publish the stream and wait until the service has taken all of it. */
static void send_stream(const generated *g)
{
    publish_file(g->stream);
    await_stream(g->prefix, g->events);
}

static void remove_stream(const generated *g)
{
    unlink(g->stream);
    unlink(g->manifest);
}

/* The hits of indicator code whose facts include one of the events. */
static long long hits_on_events(const char *code, const cJSON *event_ids)
{
    char list[4096] = "";
    size_t used = 0;
    const cJSON *id;
    cJSON_ArrayForEach(id, event_ids)
    {
        used += (size_t)snprintf(list + used, sizeof list - used, "%s'%s'", used ? "," : "",
                                 id->valuestring);
    }
    char sql[5000];
    snprintf(sql, sizeof sql,
             "SELECT count(*) FROM hits h WHERE h.indicator = '%s' AND EXISTS (SELECT 1 FROM"
             " facts f WHERE f.id = ANY (h.fact_ids) AND f.event_id IN (%s))",
             code, list);
    return cgt_psql_number("cg_risk", sql);
}

/* The hits of an indicator on the facts of the stream with prefix. */
static long long hits_in_stream(const char *code, const char *prefix)
{
    char sql[1024];
    snprintf(sql, sizeof sql,
             "SELECT count(*) FROM hits h WHERE h.indicator = '%s' AND EXISTS (SELECT 1 FROM"
             " facts f WHERE f.id = ANY (h.fact_ids) AND f.event_id LIKE '%s%%')",
             code, prefix);
    return cgt_psql_number("cg_risk", sql);
}

typedef struct copied {
    char sql[256];
} copied;

static bool relative_copied(void *arg)
{
    copied *c = arg;
    return cgt_psql_number("cg_risk", c->sql) > 0;
}

/* The integrity file of person_id as lead reads it, opened in unit_code
 * when the person has none (a second opening answers 409); the caller
 * deletes it. */
static cJSON *file_of(const char *lead, const char *person_id, const char *unit_code)
{
    char body[256], path[160], id[37];
    snprintf(body, sizeof body, "{\"person_id\":\"%s\",\"name\":\"干部 %s\",\"unit_code\":\"%s\"}",
             person_id, person_id, unit_code);
    cgt_response *r = cgt_send_json("POST", "/api/v1/integrity/cadres", lead, body);
    CGT_CHECK(r->status == 201 || r->status == 409, "a file for %s: %ld %s", person_id, r->status,
              r->body);
    cgt_response_free(r);
    snprintf(path, sizeof path, "/api/v1/integrity/cadres?q=%s", person_id);
    r = cgt_get(path, lead);
    CGT_CHECK_STATUS(r, 200);
    const cJSON *first = cJSON_GetArrayItem(cJSON_GetObjectItem(r->json, "items"), 0);
    CGT_CHECK(first != NULL, "the file of %s", person_id);
    snprintf(id, sizeof id, "%s", cgt_json_str(first, "id"));
    cgt_response_free(r);
    return CGT_GET_CADRE_FILE(lead, id);
}

/* Whether the file of person_id holds the internal concealment record of
 * relative that the risk service's finding made. */
static bool concealment_recorded(const char *lead, const char *person_id, const char *unit_code,
                                 const char *relative)
{
    cJSON *file = file_of(lead, person_id, unit_code);
    bool found = false;
    const cJSON *rec;
    cJSON_ArrayForEach(rec, cJSON_GetObjectItem(file, "records"))
    {
        found |= strcmp(cgt_json_str(rec, "section"), "concealment") == 0 &&
                 cJSON_IsTrue(cJSON_GetObjectItem(rec, "internal")) &&
                 strstr(cgt_json_str(rec, "detail"), relative) != NULL;
    }
    cJSON_Delete(file);
    return found;
}

/* The relatives the planted conflict_declared cases rest on, declared in
 * the cadres' integrity files as the office would (a file opened when the
 * cadre has none, the relative added with the business), and waited for in
 * the risk service's copy of them. The stack of the suite has no integrity
 * demo; a developer's stack with it has them already. */
static void declare_planted_relatives(const cJSON *manifest)
{
    char *lead = CGT_LOGIN("lead");
    const cJSON *c;
    cJSON_ArrayForEach(c, cJSON_GetObjectItem(manifest, "cases"))
    {
        if (strcmp(cgt_json_str(c, "code"), "conflict_declared") != 0)
            continue;
        const cJSON *want = cJSON_GetObjectItem(c, "expected");
        const cJSON *entity = cJSON_GetObjectItem(c, "entity");
        const char *cadre = cgt_json_str(want, "cadre"), *relative = cgt_json_str(want, "relative");
        char body[1024], path[160], id[37];
        cJSON *file = file_of(lead, cadre, cgt_json_str(entity, "unit_code"));
        snprintf(id, sizeof id, "%s", cgt_json_str(cJSON_GetObjectItem(file, "cadre"), "id"));
        bool declared = false;
        const cJSON *rel;
        cJSON_ArrayForEach(rel, cJSON_GetObjectItem(file, "relatives"))
        {
            declared |= strcmp(cgt_json_str(rel, "name"), relative) == 0;
        }
        cJSON_Delete(file);
        if (!declared) {
            snprintf(body, sizeof body,
                     "{\"name\":\"%s\",\"relation\":\"%s\",\"businesses\":[{\"company\":"
                     "\"%s\",\"credit_code\":\"%s\",\"role\":\"shareholder\","
                     "\"share_percent\":30}]}",
                     relative, cgt_json_str(want, "relation"), cgt_json_str(want, "company"),
                     cgt_json_str(entity, "credit_code"));
            snprintf(path, sizeof path, "/api/v1/integrity/cadres/%s/relatives", id);
            cgt_response *r = cgt_send_json("POST", path, lead, body);
            CGT_CHECK_STATUS(r, 201);
            cgt_response_free(r);
        }
        copied w;
        snprintf(w.sql, sizeof w.sql,
                 "SELECT count(*) FROM declared_relatives WHERE cadre_person_id = '%s'"
                 " AND name = '%s'",
                 cadre, relative);
        CGT_CHECK(cgt_eventually(CGT_DEADLINE_MS, CGT_POLL_MS, relative_copied, &w),
                  "the risk service never copied %s's relative %s from integrity", cadre, relative);
    }
    free(lead);
}

static void planted_cases_fire_and_nothing_else(void **state)
{
    (void)state;
    generated g;
    generate_stream(&g, "planted", "--seed 11 --now 2019-06-30");
    cJSON *m = read_json(g.manifest);
    declare_planted_relatives(m);
    send_stream(&g);

    long long planted[32] = {0};
    const cJSON *c;
    cJSON_ArrayForEach(c, cJSON_GetObjectItem(m, "cases"))
    {
        const char *code = cgt_json_str(c, "code");
        if (!checked(code))
            continue;
        CGT_CHECK(hits_on_events(code, cJSON_GetObjectItem(c, "event_ids")) > 0,
                  "the planted %s case %s did not fire", code, cgt_json_str(c, "key"));
        for (size_t i = 0; CHECKED[i] != NULL; i++)
            planted[i] += strcmp(CHECKED[i], code) == 0;
    }
    cJSON_ArrayForEach(c, cJSON_GetObjectItem(m, "near_misses"))
    {
        const char *code = cgt_json_str(c, "code");
        if (!checked(code))
            continue;
        CGT_CHECK(hits_on_events(code, cJSON_GetObjectItem(c, "event_ids")) == 0,
                  "the near miss %s %s fired", code, cgt_json_str(c, "key"));
    }
    /* Each undeclared relative is a concealment finding in the cadre's
     * integrity file (opened here when there is none: the records of a
     * person wait for their file). */
    char *lead = CGT_LOGIN("lead");
    cJSON_ArrayForEach(c, cJSON_GetObjectItem(m, "cases"))
    {
        if (strcmp(cgt_json_str(c, "code"), "conflict_undeclared") != 0)
            continue;
        const cJSON *want = cJSON_GetObjectItem(c, "expected");
        const char *cadre = cgt_json_str(want, "cadre"), *relative = cgt_json_str(want, "relative");
        bool recorded = false;
        for (int i = 0; i < CGT_DEADLINE_MS / 500 && !recorded; i++) {
            recorded = concealment_recorded(
                lead, cadre, cgt_json_str(cJSON_GetObjectItem(c, "entity"), "unit_code"), relative);
            if (!recorded)
                cgt_sleep_ms(500);
        }
        CGT_CHECK(recorded, "no concealment finding about %s's relative %s in the file", cadre,
                  relative);
    }
    /* A finding the risk service judged from a copy of the declarations
     * older than the file: the relative declared since then is not
     * recorded as concealed (the file is the integrity service's). */
    cJSON_ArrayForEach(c, cJSON_GetObjectItem(m, "cases"))
    {
        if (strcmp(cgt_json_str(c, "code"), "conflict_declared") != 0)
            continue;
        const cJSON *want = cJSON_GetObjectItem(c, "expected");
        Cleangrid__V1__EventMeta meta = CLEANGRID__V1__EVENT_META__INIT;
        Cleangrid__V1__RiskConcealmentFound f = CLEANGRID__V1__RISK_CONCEALMENT_FOUND__INIT;
        char event_id[37], sql[512];
        cgt_uuid(event_id);
        meta.event_id = event_id;
        meta.type = "cg.evt.risk.concealment.found";
        meta.producer = "risk";
        f.meta = &meta;
        f.hit_id = 900000000 + (int64_t)(time(NULL) % 100000);
        f.cadre_person_id = (char *)cgt_json_str(want, "cadre");
        f.relative_name = (char *)cgt_json_str(want, "relative");
        f.relation = (char *)cgt_json_str(want, "relation");
        f.register_role = "shareholder";
        f.company_name = (char *)cgt_json_str(want, "company");
        f.credit_code = (char *)cgt_json_str(cJSON_GetObjectItem(c, "entity"), "credit_code");
        f.unit_code = (char *)cgt_json_str(cJSON_GetObjectItem(c, "entity"), "unit_code");
        f.org_path = "hq";
        uint8_t buf[2048];
        size_t len = cleangrid__v1__risk_concealment_found__pack(&f, buf);
        natsConnection *nc = NULL;
        jsCtx *js = NULL;
        CGT_CHECK(natsConnection_ConnectTo(&nc, cgt_nats_url()) == NATS_OK, "connect");
        CGT_CHECK(natsConnection_JetStream(&js, nc, NULL) == NATS_OK, "JetStream");
        cgt_republish(js, "cg.evt.risk.concealment.found", buf, (int)len);
        jsCtx_Destroy(js);
        natsConnection_Destroy(nc);
        snprintf(sql, sizeof sql, "SELECT count(*) FROM cg_inbox WHERE event_id = '%s'", event_id);
        for (int i = 0;
             i < CGT_DEADLINE_MS / CGT_POLL_MS && cgt_psql_number("cg_integrity", sql) == 0; i++)
            cgt_sleep_ms(CGT_POLL_MS);
        CGT_CHECK_INT(1, cgt_psql_number("cg_integrity", sql), "the finding was taken");
        snprintf(sql, sizeof sql,
                 "SELECT count(*) FROM records WHERE source_ref = 'risk:concealment:%lld:%s'",
                 (long long)f.hit_id, f.relative_name);
        CGT_CHECK_INT(0, cgt_psql_number("cg_integrity", sql),
                      "a declared relative is not recorded as concealed");
        break;
    }
    free(lead);
    /* No more hits than planted cases: one hit each, nothing unplanted. */
    for (size_t i = 0; CHECKED[i] != NULL; i++) {
        long long hits = hits_in_stream(CHECKED[i], g.prefix);
        fprintf(stderr, "%-24s planted %lld, hits %lld\n", CHECKED[i], planted[i], hits);
        CGT_CHECK(planted[i] > 0, "the generator planted no %s case", CHECKED[i]);
        CGT_CHECK(hits == planted[i], "%s: %lld hits for %lld planted cases", CHECKED[i], hits,
                  planted[i]);
    }
    cJSON_Delete(m);
    remove_stream(&g);
}

/* Keep the lines of the stream in path whose subject starts with prefix;
 * the number kept. */
static long keep_subjects(const char *path, const char *prefix)
{
    char tmp[128], want[96], line[65536];
    snprintf(tmp, sizeof tmp, "%s.kept", path);
    snprintf(want, sizeof want, "\"subject\":\"%s", prefix);
    FILE *in = fopen(path, "r"), *out = fopen(tmp, "w");
    CGT_CHECK(in != NULL && out != NULL, "cannot filter %s", path);
    long n = 0;
    while (fgets(line, sizeof line, in) != NULL) {
        if (strstr(line, want) == NULL)
            continue;
        fputs(line, out);
        n++;
    }
    fclose(in);
    fclose(out);
    CGT_CHECK(rename(tmp, path) == 0, "rename %s", tmp);
    return n;
}

static long long rotation_hits_of(const char *person_id)
{
    char sql[256];
    snprintf(sql, sizeof sql,
             "SELECT count(*) FROM hits WHERE indicator = 'rotation'"
             " AND inputs->>'person_id' = '%s'",
             person_id);
    return cgt_psql_number("cg_risk", sql);
}

static cgt_response *put_rotation_years(const char *token, int years)
{
    char body[256];
    snprintf(body, sizeof body,
             "{\"weight\":0.4,\"window_days\":365,\"enabled\":true,"
             "\"params\":{\"years\":%d},\"reason\":\"a test of the rotation limit\"}",
             years);
    return cgt_send_json("PUT", "/api/v1/risk/indicators/rotation", token, body);
}

/* Rotation is measured today, not at the stream's end: the stream ends
 * today, and only its HR events are published (the rest would mix with
 * the other tests' events of this year). Each planted key post fires, the
 * near misses do not; then a shorter limit set by an administrator makes
 * the post of five years less ten days fire with no new event, found by
 * the service's ticker. Runs first: the older streams name the same
 * people. */
static void key_posts_past_the_rotation_limit(void **state)
{
    (void)state;
    char args[128];
    generated g;
    time_t now = time(NULL);
    struct tm day;
    gmtime_r(&now, &day);
    strftime(args, sizeof args, "--seed 13 --only rotation --now %Y-%m-%d", &day);
    generate_stream(&g, "rotation", args);
    g.events = keep_subjects(g.stream, "ent.hr.person.");
    send_stream(&g);

    cJSON *m = read_json(g.manifest);
    long long planted = 0;
    const cJSON *c;
    cJSON_ArrayForEach(c, cJSON_GetObjectItem(m, "cases"))
    {
        if (strcmp(cgt_json_str(c, "code"), "rotation") != 0)
            continue;
        CGT_CHECK(hits_on_events("rotation", cJSON_GetObjectItem(c, "event_ids")) == 1,
                  "the planted rotation case %s did not fire", cgt_json_str(c, "key"));
        planted++;
    }
    const char *close_call = NULL;
    cJSON_ArrayForEach(c, cJSON_GetObjectItem(m, "near_misses"))
    {
        if (strcmp(cgt_json_str(c, "code"), "rotation") != 0)
            continue;
        CGT_CHECK(hits_on_events("rotation", cJSON_GetObjectItem(c, "event_ids")) == 0,
                  "the near miss %s (%s) fired", cgt_json_str(c, "key"), cgt_json_str(c, "why"));
        if (strcmp(cgt_json_str(c, "why"), "five years less ten days") == 0)
            close_call = cgt_json_str(cJSON_GetObjectItem(c, "entity"), "person_id");
    }
    long long hits = hits_in_stream("rotation", g.prefix);
    fprintf(stderr, "%-24s planted %lld, hits %lld\n", "rotation", planted, hits);
    CGT_CHECK(planted > 0 && hits == planted, "rotation: %lld hits for %lld planted cases", hits,
              planted);
    CGT_CHECK(close_call != NULL, "the generator placed no post of five years less ten days");

    char *admin = CGT_LOGIN("admin");
    cgt_response *r = put_rotation_years(admin, 4);
    CGT_CHECK_STATUS(r, 200);
    cgt_response_free(r);
    bool fired = false;
    for (int i = 0; i < CGT_DEADLINE_MS / CGT_POLL_MS && !fired; i++) {
        fired = rotation_hits_of(close_call) > 0;
        if (!fired)
            cgt_sleep_ms(CGT_POLL_MS);
    }
    r = put_rotation_years(admin, 5);
    CGT_CHECK_STATUS(r, 200);
    cgt_response_free(r);
    CGT_CHECK(fired, "with a limit of four years, %s's post did not fire", close_call);
    free(admin);
    cJSON_Delete(m);
    remove_stream(&g);
}

static void clean_stream_fires_nothing(void **state)
{
    (void)state;
    generated g;
    generate_stream(&g, "clean", "--seed 12 --now 2016-06-30 --clean");
    send_stream(&g);
    for (size_t i = 0; CHECKED[i] != NULL; i++)
        CGT_CHECK(hits_in_stream(CHECKED[i], g.prefix) == 0, "%s fired on clean data", CHECKED[i]);
    CGT_CHECK_INT(0, cgt_psql_number("cg_risk", "SELECT count(*) FROM indicator_failures"),
                  "no indicator failed on a fact");
    remove_stream(&g);
}

/* An indicator that fails on a fact is recorded and skipped, and the
 * fact's other indicators still keep their hits. No indicator of the
 * service fails on the generator's data, so one is added here whose
 * function refuses every award, and taken away again after. */
static void a_failing_indicator_is_recorded_and_the_others_run(void **state)
{
    (void)state;
    CGT_CHECK(cgt_psql_script("cg_risk",
                              "CREATE FUNCTION ind_failing_test(f facts, p jsonb)"
                              " RETURNS SETOF hit_candidate LANGUAGE plpgsql AS $$ BEGIN"
                              " RAISE EXCEPTION 'refused on purpose'; END $$;"
                              "INSERT INTO indicators (code, area, name_zh, name_en, basis, weight,"
                              " window_days, params, defaults, param_rules) VALUES ('failing_test',"
                              " 'procurement', '测试', 'Test', 'none', 1, 30, '{}', '{}', '{}');"
                              "INSERT INTO indicator_subjects (indicator, subject)"
                              " VALUES ('failing_test', 'ent.procurement.award.made');") == 0,
              "the failing indicator could not be added");
    generated g;
    generate_stream(&g, "failing", "--seed 17 --now 2015-06-30 --only single_bid,heavy_discount");
    send_stream(&g);

    cJSON *m = read_json(g.manifest);
    long long planted = 0;
    const cJSON *c;
    cJSON_ArrayForEach(c, cJSON_GetObjectItem(m, "cases"))
    {
        const char *code = cgt_json_str(c, "code");
        if (strcmp(code, "single_bid") != 0 && strcmp(code, "heavy_discount") != 0)
            continue;
        CGT_CHECK(hits_on_events(code, cJSON_GetObjectItem(c, "event_ids")) > 0,
                  "beside a failing indicator, the planted %s case %s did not fire", code,
                  cgt_json_str(c, "key"));
        planted++;
    }
    CGT_CHECK(planted > 0, "the generator planted no single_bid or heavy_discount case");
    char sql[512];
    snprintf(sql, sizeof sql,
             "SELECT count(*) FROM facts WHERE subject = 'ent.procurement.award.made'"
             " AND event_id LIKE '%s%%'",
             g.prefix);
    long long awards = cgt_psql_number("cg_risk", sql);
    snprintf(sql, sizeof sql,
             "SELECT count(*) FROM indicator_failures x JOIN facts f ON f.id = x.fact_id"
             " WHERE x.indicator = 'failing_test' AND x.message = 'refused on purpose'"
             " AND f.event_id LIKE '%s%%'",
             g.prefix);
    CGT_CHECK(awards > 0, "the stream has no award");
    CGT_CHECK_INT(awards, cgt_psql_number("cg_risk", sql),
                  "each award's failure of the failing indicator recorded once");
    snprintf(sql, sizeof sql,
             "SELECT count(*) FROM indicator_failures x JOIN facts f ON f.id = x.fact_id"
             " WHERE x.indicator <> 'failing_test' AND f.event_id LIKE '%s%%'",
             g.prefix);
    CGT_CHECK_INT(0, cgt_psql_number("cg_risk", sql), "no other indicator failed");
    CGT_CHECK(cgt_psql_script("cg_risk",
                              "DELETE FROM indicator_subjects WHERE indicator = 'failing_test';"
                              "DELETE FROM indicator_failures WHERE indicator = 'failing_test';"
                              "DELETE FROM indicators WHERE code = 'failing_test';"
                              "DROP FUNCTION ind_failing_test(facts, jsonb);") == 0,
              "the failing indicator could not be taken away");
    cJSON_Delete(m);
    remove_stream(&g);
}

int main(void)
{
    cgt_init("risk_indicators", CGT_NEED_STACK);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(key_posts_past_the_rotation_limit),
        cmocka_unit_test(planted_cases_fire_and_nothing_else),
        cmocka_unit_test(clean_stream_fires_nothing),
        cmocka_unit_test(a_failing_indicator_is_recorded_and_the_others_run),
    };
    int failed = cmocka_run_group_tests_name("risk_indicators", tests, NULL, NULL);
    cgt_cleanup();
    return failed ? 1 : 0;
}
