/* Risk through the API, from events published as enterprise systems do
 * (cg-publish as the NATS user "publisher"):
 *
 * - an award with a single bid far under its estimate raises an alert on
 *   its supplier whose explanation names its inputs (one bid, the method,
 *   the price against the estimate) and the facts behind them;
 * - the alert is seen inside its scope only, read by inspectors, leads and
 *   auditors, acted on by inspectors and leads only;
 * - its actions follow the table of transitions: a reason to dismiss, a
 *   reminder only to a person, nothing after it is closed;
 * - a heavy indicator (a claimant approving their own claim) raises an
 *   alert by itself;
 * - a person's, unit's or supplier's page, the scores and the overview;
 * - every unit they name by code carries its org path and the gateway's
 *   names, an unknown one an empty path and no name;
 * - an indicator's settings changed by an administrator within its rules,
 *   and the change applied to what arrives next. */
#include "cgt.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static char run[13];
static char *lead, *lead_east, *lead_west, *inspector_east, *auditor, *admin, *hr, *cadre;

static void publish(const char *lines)
{
    CGT_CHECK_INT(0, cgt_publish_enterprise(CGT_PUBLISH, lines, NULL), "cg-publish exit status");
}

/* An award of an open tender by buyer (a unit code) to supplier, with the
 * given bids (price per bid, in fen) and estimate. */
static void publish_award_by(const char *buyer, const char *award, const char *supplier,
                             long estimate, int nbids, const long *prices)
{
    char bids[1024] = "", line[3072], name[32];
    size_t used = 0;
    for (int i = 0; i < nbids; i++) {
        /* The first bid is the winner's, under the winner's name: a party
         * named two ways in one event has no one name to show. */
        if (i == 0)
            snprintf(name, sizeof name, "%s", "测试设计院");
        else
            snprintf(name, sizeof name, "B%d", i);
        used += (size_t)snprintf(bids + used, sizeof bids - used,
                                 "%s{\"supplier\":{\"credit_code\":\"%s%s\",\"name\":\"%s\"},"
                                 "\"price_fen\":%ld}",
                                 i ? "," : "", i == 0 ? "" : "X", supplier, name, prices[i]);
    }
    snprintf(line, sizeof line,
             "{\"subject\":\"ent.procurement.award.made\",\"source\":\"erp.east\","
             "\"data\":{\"tender_id\":\"T-%s\",\"award_id\":\"%s\",\"buyer\":{\"unit_code\":"
             "\"%s\"},\"category\":\"services.design\",\"method\":\"open\","
             "\"estimated_value_fen\":%ld,\"winner\":{\"credit_code\":\"%s\",\"name\":"
             "\"测试设计院\"},\"price_fen\":%ld,\"bids\":[%s],"
             "\"awarded_at\":\"2026-11-20T08:00:00Z\"}}\n",
             award, award, buyer, estimate, supplier, prices[0], bids);
    publish(line);
}

/* The same by city_a. */
static void publish_award(const char *award, const char *supplier, long estimate, int nbids,
                          const long *prices)
{
    publish_award_by("city_a", award, supplier, estimate, nbids, prices);
}

typedef struct find_alert {
    const char *token;
    const char *kind;
    const char *entity;
    char id[32];
} find_alert;

static bool alert_found(void *arg)
{
    find_alert *f = arg;
    char path[256];
    snprintf(path, sizeof path, "/api/v1/risk/alerts?entity_kind=%s", f->kind);
    cgt_response *r = cgt_get(path, f->token);
    bool found = false;
    const cJSON *item;
    const cJSON *items = r->status == 200 ? cJSON_GetObjectItem(r->json, "items") : NULL;
    cJSON_ArrayForEach(item, items)
    {
        const char *id = cgt_json_str(cJSON_GetObjectItem(item, "entity"), "id");
        if (id != NULL && strcmp(id, f->entity) == 0) {
            snprintf(f->id, sizeof f->id, "%lld",
                     (long long)cJSON_GetObjectItem(item, "id")->valuedouble);
            found = true;
        }
    }
    cgt_response_free(r);
    return found;
}

/* The id of the alert on entity, waiting until it is raised. */
static void await_alert(const char *kind, const char *entity, char id[32])
{
    find_alert f = {.token = lead, .kind = kind, .entity = entity};
    CGT_CHECK(cgt_eventually(CGT_DEADLINE_MS, CGT_POLL_MS, alert_found, &f), "no alert on %s %s",
              kind, entity);
    snprintf(id, 32, "%s", f.id);
}

static cgt_response *get_alert(const char *token, const char *id)
{
    char path[128];
    snprintf(path, sizeof path, "/api/v1/risk/alerts/%s", id);
    return cgt_get(path, token);
}

static cgt_response *act(const char *token, const char *id, const char *action, const char *reason)
{
    char path[128], body[512];
    snprintf(path, sizeof path, "/api/v1/risk/alerts/%s/act", id);
    snprintf(body, sizeof body, "{\"action\":\"%s\",\"reason\":\"%s\"}", action, reason);
    return cgt_send_json("POST", path, token, body);
}

/* The hit of indicator among the alert's hits. */
static const cJSON *hit_of(const cJSON *alert, const char *indicator)
{
    return cgt_find_where(cJSON_GetObjectItem(alert, "hits"), "indicator", indicator);
}

static double number_at(const cJSON *obj, const char *key)
{
    const cJSON *n = cJSON_GetObjectItem(obj, key);
    CGT_CHECK(cJSON_IsNumber(n), "%s is not a number", key);
    return n->valuedouble;
}

static bool has_string(const cJSON *array, const char *s)
{
    const cJSON *item;
    cJSON_ArrayForEach(item, array)
    {
        if (cJSON_IsString(item) && strcmp(item->valuestring, s) == 0)
            return true;
    }
    return false;
}

static void alert_explained_and_scoped(void **state)
{
    (void)state;
    char supplier[64], award[64], id[32];
    snprintf(supplier, sizeof supplier, "91320100S%s", run);
    snprintf(award, sizeof award, "A-%s", run);
    /* One bid, at 40 % of the estimate: single_bid (0.4) and heavy_discount
     * (0.3) on the supplier, 0.7, "medium". */
    publish_award(award, supplier, 1000000, 1, (const long[]){400000});
    await_alert("supplier", supplier, id);

    cgt_response *r = get_alert(inspector_east, id);
    CGT_CHECK_STATUS(r, 200);
    const cJSON *alert = CGT_JSON_OBJECT(r);
    CGT_CHECK_STR("band_rose", cgt_json_str(alert, "reason"), "reason");
    CGT_CHECK_STR("medium", cgt_json_str(alert, "band"), "band");
    CGT_CHECK_STR("new", cgt_json_str(alert, "status"), "status");
    CGT_CHECK_STR("测试设计院", cgt_json_str(cJSON_GetObjectItem(alert, "entity"), "name"),
                  "the supplier's name from the award");
    const cJSON *single = hit_of(alert, "single_bid"), *discount = hit_of(alert, "heavy_discount");
    CGT_CHECK(single != NULL && discount != NULL, "both hits explain the alert: %s", r->body);
    const cJSON *inputs = cJSON_GetObjectItem(single, "inputs");
    CGT_CHECK_INT(1, (long long)number_at(inputs, "bids"), "single_bid's input: the bids");
    CGT_CHECK_STR("open", cgt_json_str(inputs, "method"), "single_bid's input: the method");
    inputs = cJSON_GetObjectItem(discount, "inputs");
    CGT_CHECK(number_at(inputs, "ratio") == 0.4, "heavy_discount's ratio");
    CGT_CHECK_INT(400000, (long long)number_at(inputs, "price_fen"), "the winning price");
    CGT_CHECK_INT(1000000, (long long)number_at(inputs, "estimated_value_fen"), "the estimate");
    CGT_CHECK(number_at(cJSON_GetObjectItem(inputs, "params"), "max_ratio") == 0.5,
              "the parameters used are kept with the hit");
    const cJSON *fact = cgt_find_where(cJSON_GetObjectItem(alert, "facts"), "subject",
                                       "ent.procurement.award.made");
    CGT_CHECK(fact != NULL, "the award is among the facts: %s", r->body);
    CGT_CHECK_STR(award, cgt_json_str(cJSON_GetObjectItem(fact, "data"), "award_id"),
                  "the fact is the award as published");
    CGT_CHECK(has_string(cJSON_GetObjectItem(alert, "actions"), "acknowledge") &&
                  !has_string(cJSON_GetObjectItem(alert, "actions"), "remind"),
              "a supplier's new alert may be acknowledged, not reminded");
    cgt_response_free(r);

    /* city_a is in hq and hq.east, not in hq.west. */
    r = get_alert(lead_east, id);
    CGT_CHECK_STATUS(r, 200);
    cgt_response_free(r);
    r = get_alert(lead_west, id);
    CGT_CHECK_PROBLEM(r, 404);
    cgt_response_free(r);
    find_alert west = {.token = lead_west, .kind = "supplier", .entity = supplier};
    CGT_CHECK(!alert_found(&west), "the west lead's list holds the east's alert");
    r = get_alert(auditor, id);
    CGT_CHECK_STATUS(r, 200);
    cgt_response_free(r);
    r = get_alert(hr, id);
    CGT_CHECK_PROBLEM(r, 403);
    cgt_response_free(r);
    r = get_alert(cadre, id);
    CGT_CHECK_PROBLEM(r, 403);
    cgt_response_free(r);
    r = act(auditor, id, "acknowledge", "");
    CGT_CHECK_PROBLEM(r, 403);
    cgt_response_free(r);
    r = act(lead_west, id, "acknowledge", "");
    CGT_CHECK_PROBLEM(r, 404);
    cgt_response_free(r);

    /* The supplier's page: its score and both hits with their inputs. */
    char path[256];
    snprintf(path, sizeof path, "/api/v1/risk/entities/%s?kind=supplier", supplier);
    r = cgt_get(path, lead);
    CGT_CHECK_STATUS(r, 200);
    CGT_CHECK(number_at(r->json, "score") == 0.7, "the score is the weights' sum: %s", r->body);
    CGT_CHECK_STR("medium", cgt_json_str(r->json, "band"), "the band");
    CGT_CHECK_INT(2, cJSON_GetArraySize(cJSON_GetObjectItem(r->json, "hits")), "its hits");
    cgt_response_free(r);
    r = cgt_get(path, lead_west);
    CGT_CHECK_PROBLEM(r, 404);
    cgt_response_free(r);
    snprintf(path, sizeof path, "/api/v1/risk/entities/%s?kind=company", supplier);
    r = cgt_get(path, lead);
    CGT_CHECK_PROBLEM(r, 400);
    cgt_response_free(r);

    /* Among the scores. */
    r = cgt_get("/api/v1/risk/scores?kind=supplier&band=medium", lead_east);
    CGT_CHECK_STATUS(r, 200);
    const cJSON *item, *mine = NULL;
    cJSON_ArrayForEach(item, cJSON_GetObjectItem(r->json, "items"))
    {
        if (strcmp(cgt_json_str(cJSON_GetObjectItem(item, "entity"), "id"), supplier) == 0)
            mine = item;
    }
    CGT_CHECK(mine != NULL, "the supplier is among the medium scores");
    CGT_CHECK_INT(2, (long long)number_at(mine, "hits_in_window"), "hits in the window");
    cgt_response_free(r);
}

typedef struct entity_probe {
    const char *path; /* the entity's page */
    int hits;         /* wanted, as the headquarters lead reads it */
} entity_probe;

static bool entity_has_hits(void *arg)
{
    entity_probe *p = arg;
    cgt_response *r = cgt_get(p->path, lead);
    bool has =
        r->status == 200 && cJSON_GetArraySize(cJSON_GetObjectItem(r->json, "hits")) == p->hits;
    cgt_response_free(r);
    return has;
}

/* The supplier's score in the scores list as token reads it: its score,
 * or -1 when it is not listed. */
static double listed_score(const char *token, const char *supplier, int *hits, char unit[64])
{
    cgt_response *r = cgt_get("/api/v1/risk/scores?kind=supplier", token);
    CGT_CHECK_STATUS(r, 200);
    double score = -1;
    const cJSON *item;
    cJSON_ArrayForEach(item, cJSON_GetObjectItem(r->json, "items"))
    {
        if (strcmp(cgt_json_str(cJSON_GetObjectItem(item, "entity"), "id"), supplier) == 0) {
            score = number_at(item, "score");
            *hits = (int)number_at(item, "hits_in_window");
            snprintf(unit, 64, "%s", cgt_json_str(item, "unit_code"));
        }
    }
    cgt_response_free(r);
    return score;
}

/* The hits the indicators list counts for code, as token reads it. */
static long long indicator_hits(const char *token, const char *code)
{
    cgt_response *r = cgt_get("/api/v1/risk/indicators", token);
    CGT_CHECK_STATUS(r, 200);
    const cJSON *row = cgt_find_where(cJSON_GetObjectItem(r->json, "items"), "code", code);
    long long hits = row != NULL ? (long long)number_at(row, "hits") : -1;
    cgt_response_free(r);
    return hits;
}

/* The overview's open alerts by band are the alert list's, band by band,
 * for the same reader: each alert in the band that reader is shown. */
static void overview_bands_match_the_list(const char *token, const char *who)
{
    static const char *const bands[] = {"low", "medium", "high"};
    cgt_response *o = cgt_get("/api/v1/risk/overview", token);
    CGT_CHECK_STATUS(o, 200);
    for (size_t i = 0; i < sizeof bands / sizeof bands[0]; i++) {
        const cJSON *row =
            cgt_find_where(cJSON_GetObjectItem(o->json, "alerts_by_band"), "key", bands[i]);
        char path[128];
        snprintf(path, sizeof path, "/api/v1/risk/alerts?status=open&band=%s", bands[i]);
        cgt_response *l = cgt_get(path, token);
        CGT_CHECK_STATUS(l, 200);
        long long listed = cJSON_GetArraySize(cJSON_GetObjectItem(l->json, "items"));
        long long counted = row != NULL ? (long long)number_at(row, "count") : 0;
        CGT_CHECK(listed == counted, "%s: %lld open %s alerts listed, %lld in the overview", who,
                  listed, bands[i], counted);
        cgt_response_free(l);
    }
    cgt_response_free(o);
}

/* A supplier that sold to both provinces: each province's lead reads the
 * part of its score that fired in their province, listed there too; the
 * headquarters reads the whole. */
static void scores_read_within_scope(void **state)
{
    (void)state;
    char supplier[64], award[64], path[256];
    snprintf(supplier, sizeof supplier, "91320100Q%s", run);
    /* One bid at 90 % of the estimate: single_bid (0.4) alone, in each. */
    snprintf(award, sizeof award, "QE-%s", run);
    publish_award_by("city_a", award, supplier, 1000000, 1, (const long[]){900000});
    snprintf(award, sizeof award, "QW-%s", run);
    publish_award_by("city_c", award, supplier, 1000000, 1, (const long[]){900000});
    snprintf(path, sizeof path, "/api/v1/risk/entities/%s?kind=supplier", supplier);
    CGT_CHECK(cgt_eventually(CGT_DEADLINE_MS, CGT_POLL_MS, entity_has_hits,
                             &(entity_probe){.path = path, .hits = 2}),
              "both awards' hits");

    /* Each province's lead is shown the unit of its own hit, never the
     * other province's (NULL: whichever hit was the latest). */
    const struct {
        char **token;
        double score;
        int hits;
        const char *band;
        const char *unit;
    } readers[] = {{&lead, 0.8, 2, "medium", NULL},
                   {&lead_east, 0.4, 1, "low", "city_a"},
                   {&lead_west, 0.4, 1, "low", "city_c"}};
    for (size_t i = 0; i < sizeof readers / sizeof readers[0]; i++) {
        cgt_response *r = cgt_get(path, *readers[i].token);
        CGT_CHECK_STATUS(r, 200);
        CGT_CHECK(number_at(r->json, "score") == readers[i].score,
                  "reader %zu: the score of the hits in scope: %s", i, r->body);
        CGT_CHECK_STR(readers[i].band, cgt_json_str(r->json, "band"), r->body);
        CGT_CHECK_INT(readers[i].hits, cJSON_GetArraySize(cJSON_GetObjectItem(r->json, "hits")),
                      r->body);
        if (readers[i].unit != NULL)
            CGT_CHECK_STR(readers[i].unit, cgt_json_str(r->json, "unit_code"), r->body);
        cgt_response_free(r);
        int hits = 0;
        char unit[64] = "";
        CGT_CHECK(listed_score(*readers[i].token, supplier, &hits, unit) == readers[i].score,
                  "reader %zu: listed with the score in scope", i);
        CGT_CHECK_INT(readers[i].hits, hits, "the hits in scope");
        if (readers[i].unit != NULL)
            CGT_CHECK_STR(readers[i].unit, unit, "the unit listed");
    }
    /* The unit filter narrows the same way. */
    cgt_response *r = cgt_get("/api/v1/risk/scores?kind=supplier&unit_code=city_c", lead);
    CGT_CHECK_STATUS(r, 200);
    const cJSON *item;
    double in_city_c = -1;
    cJSON_ArrayForEach(item, cJSON_GetObjectItem(r->json, "items"))
    {
        if (strcmp(cgt_json_str(cJSON_GetObjectItem(item, "entity"), "id"), supplier) == 0)
            in_city_c = number_at(item, "score");
    }
    CGT_CHECK(in_city_c == 0.4, "filtered to city_c: %s", r->body);
    cgt_response_free(r);

    /* The second hit raised the band: an alert in city_c holding both
     * hits. The west lead reads the west's hit and award alone. */
    char id[32];
    await_alert("supplier", supplier, id);
    r = get_alert(lead, id);
    CGT_CHECK_STATUS(r, 200);
    CGT_CHECK(number_at(r->json, "score") == 0.8 &&
                  cJSON_GetArraySize(cJSON_GetObjectItem(r->json, "hits")) == 2,
              "the headquarters reads the whole alert: %s", r->body);
    cgt_response_free(r);
    r = get_alert(lead_west, id);
    CGT_CHECK_STATUS(r, 200);
    CGT_CHECK(number_at(r->json, "score") == 0.4 &&
                  strcmp(cgt_json_str(r->json, "band"), "low") == 0 &&
                  cJSON_GetArraySize(cJSON_GetObjectItem(r->json, "hits")) == 1 &&
                  cJSON_GetArraySize(cJSON_GetObjectItem(r->json, "facts")) == 1,
              "the west lead reads the west's part: %s", r->body);
    /* Listed by the band each reader is shown. */
    const struct {
        char **token;
        const char *band;
        bool listed;
    } by_band[] = {{&lead_west, "low", true},
                   {&lead_west, "medium", false},
                   {&lead, "medium", true},
                   {&lead, "low", false}};
    for (size_t i = 0; i < sizeof by_band / sizeof by_band[0]; i++) {
        snprintf(path, sizeof path, "/api/v1/risk/alerts?entity_kind=supplier&band=%s",
                 by_band[i].band);
        cgt_response *l = cgt_get(path, *by_band[i].token);
        CGT_CHECK_STATUS(l, 200);
        bool listed = false;
        const cJSON *it;
        cJSON_ArrayForEach(it, cJSON_GetObjectItem(l->json, "items"))
        {
            listed = listed || (long long)number_at(it, "id") == atoll(id);
        }
        CGT_CHECK(listed == by_band[i].listed, "band filter %zu (%s): %s", i, by_band[i].band,
                  l->body);
        cgt_response_free(l);
    }
    overview_bands_match_the_list(lead_west, "the west lead");
    overview_bands_match_the_list(lead, "the headquarters");
    /* The indicators' counts are those of the reader's scope too: the west
     * lead counts the west's single-bid hits, not the east's. */
    long long west_hits =
        cgt_psql_number("cg_risk", "SELECT count(*) FROM hits WHERE indicator = 'single_bid'"
                                   " AND risk_in_scope(unit_code, 'hq.west')");
    long long all_hits =
        cgt_psql_number("cg_risk", "SELECT count(*) FROM hits WHERE indicator = 'single_bid'");
    CGT_CHECK(west_hits > 0 && west_hits < all_hits, "hits in both provinces: %lld of %lld",
              west_hits, all_hits);
    CGT_CHECK_INT(west_hits, indicator_hits(lead_west, "single_bid"),
                  "the west lead's count of single-bid hits");
    CGT_CHECK_INT(all_hits, indicator_hits(lead, "single_bid"),
                  "the headquarters' count of single-bid hits");
    char east_award[64];
    snprintf(east_award, sizeof east_award, "QE-%s", run);
    CGT_CHECK(strstr(r->body, east_award) == NULL, "nothing of the east's award: %s", r->body);
    cgt_response_free(r);

    /* Escalated by the west lead, it becomes a clue in the west that
     * names what the west found and nothing of the east's. */
    r = act(lead_west, id, "escalate", "");
    CGT_CHECK_STATUS(r, 200);
    cgt_response_free(r);
    cJSON *clue = CGT_AWAIT_CLUE(lead_west, "source_ref", id);
    const char *summary = cgt_json_str(clue, "summary");
    snprintf(award, sizeof award, "QW-%s", run);
    CGT_CHECK(summary != NULL && strstr(summary, award) != NULL &&
                  strstr(summary, east_award) == NULL,
              "the clue's summary holds the west's hit alone: %s", summary ? summary : "(none)");
    cJSON_Delete(clue);
}

static void alert_actions_follow_the_table(void **state)
{
    (void)state;
    char supplier[64], award[64], id[32];
    snprintf(supplier, sizeof supplier, "91320100T%s", run);
    snprintf(award, sizeof award, "B-%s", run);
    publish_award(award, supplier, 1000000, 1, (const long[]){450000});
    await_alert("supplier", supplier, id);

    cgt_response *r = act(inspector_east, id, "acknowledge", "");
    CGT_CHECK_STATUS(r, 200);
    CGT_CHECK_STR("acknowledged", cgt_json_str(r->json, "status"), "after acknowledge");
    cgt_response_free(r);
    r = act(inspector_east, id, "remind", "请注意");
    CGT_CHECK_PROBLEM(r, 409);
    CGT_CHECK(strstr(r->body, "a reminder goes to a person") != NULL, "why: %s", r->body);
    cgt_response_free(r);
    r = act(inspector_east, id, "dismiss", "");
    CGT_CHECK_PROBLEM(r, 400);
    CGT_CHECK(strstr(r->body, "\"reason\"") != NULL, "names the reason: %s", r->body);
    cgt_response_free(r);
    /* White space of any kind is no reason either (the JSON escapes of a
     * line break and a tab). */
    r = act(inspector_east, id, "dismiss", "\\n\\t ");
    CGT_CHECK_PROBLEM(r, 400);
    CGT_CHECK(strstr(r->body, "\"reason\"") != NULL, "a blank reason is refused: %s", r->body);
    cgt_response_free(r);
    r = act(inspector_east, id, "forget", "");
    CGT_CHECK_PROBLEM(r, 400);
    CGT_CHECK(strstr(r->body, "acknowledge, dismiss, escalate, remind") != NULL,
              "names the actions: %s", r->body);
    cgt_response_free(r);
    r = act(lead, id, "dismiss", "the tender was an emergency repair, approved by the board");
    CGT_CHECK_STATUS(r, 200);
    CGT_CHECK_STR("dismissed", cgt_json_str(r->json, "status"), "after dismiss");
    CGT_CHECK_INT(0, cJSON_GetArraySize(cJSON_GetObjectItem(r->json, "actions")),
                  "nothing is left to do");
    const cJSON *history = cJSON_GetObjectItem(r->json, "history");
    CGT_CHECK_INT(3, cJSON_GetArraySize(history), "raise, acknowledge, dismiss");
    CGT_CHECK_STR("the tender was an emergency repair, approved by the board",
                  cgt_json_str(cJSON_GetArrayItem(history, 2), "note"), "the reason is kept");
    cgt_response_free(r);
    r = act(lead, id, "acknowledge", "");
    CGT_CHECK_PROBLEM(r, 409);
    cgt_response_free(r);

    /* Bad ids. */
    r = get_alert(lead, "abc");
    CGT_CHECK_PROBLEM(r, 400);
    cgt_response_free(r);
    r = get_alert(lead, "999999999");
    CGT_CHECK_PROBLEM(r, 404);
    cgt_response_free(r);
    r = cgt_get("/api/v1/risk/alerts?band=purple", lead);
    CGT_CHECK_PROBLEM(r, 400);
    cgt_response_free(r);
}

static void heavy_indicator_alerts_alone(void **state)
{
    (void)state;
    char person[64], line[1024], id[32];
    snprintf(person, sizeof person, "P-R%s", run);
    snprintf(line, sizeof line,
             "{\"subject\":\"ent.finance.expense.claimed\",\"source\":\"fin.east\","
             "\"data\":{\"claim_id\":\"C-%s\",\"unit\":{\"unit_code\":\"city_a\"},"
             "\"claimant\":{\"person_id\":\"%s\",\"name\":\"赵六\"},\"approver\":"
             "{\"person_id\":\"%s\"},\"amount_fen\":488000,\"claimed_on\":\"2026-11-21\"}}\n",
             run, person, person);
    publish(line);
    await_alert("person", person, id);
    cgt_response *r = get_alert(lead, id);
    CGT_CHECK_STATUS(r, 200);
    CGT_CHECK_STR("heavy_indicator", cgt_json_str(r->json, "reason"), "reason");
    CGT_CHECK(has_string(cJSON_GetObjectItem(r->json, "actions"), "remind"),
              "a person's alert may be sent as a reminder: %s", r->body);
    const cJSON *hit = hit_of(r->json, "self_approval");
    CGT_CHECK(hit != NULL, "the self-approval hit: %s", r->body);
    CGT_CHECK_STR(person,
                  cgt_json_str(cJSON_GetObjectItem(cJSON_GetObjectItem(hit, "inputs"), "approver"),
                               "person_id"),
                  "the approver among the inputs");
    cgt_response_free(r);
    r = act(lead, id, "remind", "请严格执行报销审批制度，不得自批自报。");
    CGT_CHECK_STATUS(r, 200);
    CGT_CHECK_STR("reminded", cgt_json_str(r->json, "status"), "after remind");
    cgt_response_free(r);
}

/* The account's user id and person id. */
static void me(const char *token, char id[37], char person[64])
{
    cgt_response *r = cgt_get("/api/v1/auth/me", token);
    CGT_CHECK_STATUS(r, 200);
    snprintf(id, 37, "%s", CGT_JSON_STR(r->json, "id"));
    if (person != NULL)
        snprintf(person, 64, "%s", cgt_json_str(r->json, "person_id"));
    cgt_response_free(r);
}

typedef struct alert_field {
    const char *id;
    const char *key;
    char value[64];
} alert_field;

static bool alert_field_set(void *arg)
{
    alert_field *f = arg;
    cgt_response *r = get_alert(lead, f->id);
    const char *v = r->status == 200 ? cgt_json_str(r->json, f->key) : NULL;
    snprintf(f->value, sizeof f->value, "%s", v != NULL ? v : "");
    cgt_response_free(r);
    return f->value[0] != '\0';
}

/* An escalated alert becomes one clue in the case service (source
 * risk_alert, the alert's id its reference), linked both ways; the clue
 * filed as a case counts for the indicator's precision. */
static void escalated_alert_becomes_one_clue(void **state)
{
    (void)state;
    char supplier[64], award[64], id[32], inspector_id[37], case_id[37], body[128];
    snprintf(supplier, sizeof supplier, "91320100V%s", run);
    snprintf(award, sizeof award, "E-%s", run);
    publish_award(award, supplier, 1000000, 1, (const long[]){420000});
    await_alert("supplier", supplier, id);
    /* A clue of this source comes only from the escalation: one registered
     * by hand under the alert's number would otherwise take the alert's
     * place in the case service, and the alert would link to it. */
    char hand[512];
    snprintf(hand, sizeof hand,
             "{\"source\":\"risk_alert\",\"source_ref\":\"%s\",\"subjects\":[{\"name\":"
             "\"张三\"}],\"categories\":[\"integrity\"],\"summary\":\"by hand\","
             "\"received_date\":\"2026-12-01\",\"unit_code\":\"city_a\"}",
             id);
    cgt_response *r = CGT_POST(inspector_east, "/api/v1/clues", hand, 400);
    const cJSON *errors = cJSON_GetObjectItemCaseSensitive(CGT_JSON_OBJECT(r), "errors");
    CGT_CHECK(cJSON_GetArraySize(errors) == 1 &&
                  strcmp(cgt_json_str(cJSON_GetArrayItem(errors, 0), "field"), "source") == 0,
              "a risk_alert clue by hand is refused naming source: %s", r->body);
    cgt_response_free(r);
    r = act(inspector_east, id, "escalate", "");
    CGT_CHECK_STATUS(r, 200);
    CGT_CHECK_STR("escalated", cgt_json_str(r->json, "status"), "after escalate");
    cgt_response_free(r);
    r = act(lead, id, "escalate", "");
    CGT_CHECK_PROBLEM(r, 409);
    cgt_response_free(r);

    cJSON *clue = CGT_AWAIT_CLUE(lead_east, "source_ref", id);
    CGT_CHECK_STR("risk_alert", cgt_json_str(clue, "source"), "the clue's source");
    CGT_CHECK(strstr(cgt_json_str(clue, "summary"), "Single bid") != NULL,
              "the summary names the indicator: %s", cgt_json_str(clue, "summary"));
    char clue_id[37];
    snprintf(clue_id, sizeof clue_id, "%s", CGT_JSON_STR(clue, "id"));
    cJSON_Delete(clue);
    alert_field link = {.id = id, .key = "clue_id"};
    CGT_CHECK(cgt_eventually(CGT_DEADLINE_MS, CGT_POLL_MS, alert_field_set, &link),
              "the alert never learnt its clue");
    CGT_CHECK_STR(clue_id, link.value, "the alert names its clue");

    /* One clue, however often: the same alert's clue is not registered
     * twice (the case service's unique source reference). */
    char sql[256];
    snprintf(sql, sizeof sql,
             "SELECT count(*) FROM clues WHERE source = 'risk_alert' AND source_ref = '%s'", id);
    CGT_CHECK_INT(1, cgt_psql_number("cg_case", sql), "one clue for the alert");

    /* Filed as a case: the single-bid indicator's precision counts it. */
    me(inspector_east, inspector_id, NULL);
    snprintf(body, sizeof body, "{\"handler_id\":\"%s\"}", inspector_id);
    r = cgt_clue_act(lead_east, clue_id, "/assign", body);
    CGT_CHECK_STATUS(r, 200);
    cgt_response_free(r);
    /* A proposal to file, approved, is not a case yet: the disposal reaches
     * the risk service and counts for nothing. */
    long long disposals = cgt_psql_number(
        "cg_risk", "SELECT count(*) FROM cg_inbox WHERE subject = 'cg.evt.case.clue.disposed'");
    const char *steps[][3] = {
        {inspector_east, "/disposal", "{\"way\":\"propose_filing\",\"reason\":\"证据确凿\"}"},
        {lead_east, "/disposal/approve", NULL},
    };
    for (size_t i = 0; i < sizeof steps / sizeof steps[0]; i++) {
        r = cgt_clue_act(steps[i][0], clue_id, steps[i][1], steps[i][2]);
        CGT_CHECK_STATUS(r, 200);
        cgt_response_free(r);
    }
    for (int i = 0; i < CGT_DEADLINE_MS / CGT_POLL_MS &&
                    cgt_psql_number("cg_risk", "SELECT count(*) FROM cg_inbox WHERE subject ="
                                               " 'cg.evt.case.clue.disposed'") == disposals;
         i++)
        cgt_sleep_ms(CGT_POLL_MS);
    snprintf(sql, sizeof sql, "SELECT outcome FROM alerts WHERE id = %s", id);
    char outcome[32];
    CGT_CHECK(cgt_psql_text("cg_risk", sql, outcome, sizeof outcome) == 0, "psql");
    CGT_CHECK_STR("", outcome, "a proposal to file is no case yet");
    r = cgt_clue_act(lead_east, clue_id, "/file", NULL);
    CGT_CHECK_STATUS(r, 200);
    snprintf(case_id, sizeof case_id, "%s", CGT_JSON_STR(r->json, "case_id"));
    cgt_response_free(r);
    bool counted = false;
    for (int i = 0; i < CGT_DEADLINE_MS / CGT_POLL_MS && !counted; i++) {
        snprintf(sql, sizeof sql,
                 "SELECT count(*) FROM alerts WHERE id = %s AND outcome = 'case_filed'", id);
        counted = cgt_psql_number("cg_risk", sql) == 1;
        if (!counted)
            cgt_sleep_ms(CGT_POLL_MS);
    }
    CGT_CHECK(counted, "the filing never reached the alert");
    r = cgt_get("/api/v1/risk/indicators", lead);
    CGT_CHECK_STATUS(r, 200);
    const cJSON *single =
        cgt_find_where(cJSON_GetObjectItem(r->json, "items"), "code", "single_bid");
    CGT_CHECK(number_at(single, "clues") >= 1 && number_at(single, "confirmed") >= 1 &&
                  number_at(single, "precision") > 0,
              "single_bid's precision counts the case: %s", r->body);
    cgt_response_free(r);
}

/* A reminder reaches the cadre's own integrity file, in the reminder
 * section, with the office's text and nothing of what the alert rests on. */
static void reminder_reaches_the_cadres_file(void **state)
{
    (void)state;
    char cadre_id[37], person[64], line[1024], id[32];
    me(cadre, cadre_id, person);
    CGT_CHECK(person[0] != '\0', "cadre.east has a person id");
    snprintf(line, sizeof line,
             "{\"subject\":\"ent.finance.expense.claimed\",\"source\":\"fin.east\","
             "\"data\":{\"claim_id\":\"RC-%s\",\"unit\":{\"unit_code\":\"city_a\"},"
             "\"claimant\":{\"person_id\":\"%s\"},\"approver\":{\"person_id\":\"%s\"},"
             "\"amount_fen\":388000}}\n",
             run, person, person);
    publish(line);
    /* The cadre may have an open alert already (a rerun): its new hit joins
     * it. */
    await_alert("person", person, id);
    char text[128];
    snprintf(text, sizeof text, "请严格执行报销审批制度 %s", run);
    cgt_response *r = act(lead_east, id, "remind", text);
    CGT_CHECK_STATUS(r, 200);
    cgt_response_free(r);
    bool found = false;
    for (int i = 0; i < CGT_DEADLINE_MS / CGT_POLL_MS && !found; i++) {
        r = cgt_get("/api/v1/integrity/me", cadre);
        CGT_CHECK_STATUS(r, 200);
        found = strstr(r->body, text) != NULL;
        if (found)
            CGT_CHECK(strstr(r->body, "self_approval") == NULL && strstr(r->body, "RC-") == NULL,
                      "the cadre reads the reminder, not the alert: %s", r->body);
        cgt_response_free(r);
        if (!found)
            cgt_sleep_ms(CGT_POLL_MS);
    }
    CGT_CHECK(found, "the reminder never reached the cadre's file");
}

static cgt_response *put_indicator(const char *token, const char *code, const char *body)
{
    char path[128];
    snprintf(path, sizeof path, "/api/v1/risk/indicators/%s", code);
    return cgt_send_json("PUT", path, token, body);
}

static void settings_checked_and_applied(void **state)
{
    (void)state;
    cgt_response *r = cgt_get("/api/v1/risk/indicators", inspector_east);
    CGT_CHECK_STATUS(r, 200);
    const cJSON *items = cJSON_GetObjectItem(r->json, "items");
    CGT_CHECK(cJSON_GetArraySize(items) >= 9, "the indicators: %s", r->body);
    const cJSON *item;
    cJSON_ArrayForEach(item, items)
    {
        CGT_CHECK(strlen(cgt_json_str(item, "basis")) > 10, "%s rests on a rule",
                  cgt_json_str(item, "code"));
        CGT_CHECK(cJSON_IsObject(cJSON_GetObjectItem(item, "params")), "%s has parameters",
                  cgt_json_str(item, "code"));
    }
    cgt_response_free(r);

    const char *good = "{\"weight\":0.3,\"window_days\":365,\"enabled\":true,"
                       "\"params\":{\"max_ratio\":0.6},\"reason\":\"framework agreements\"}";
    r = put_indicator(inspector_east, "heavy_discount", good);
    CGT_CHECK_PROBLEM(r, 403);
    cgt_response_free(r);
    r = cgt_get("/api/v1/risk/indicators", admin);
    CGT_CHECK_PROBLEM(r, 403);
    cgt_response_free(r);
    r = cgt_get("/api/v1/risk/indicator-settings", admin);
    CGT_CHECK_STATUS(r, 200);
    cgt_response_free(r);
    r = put_indicator(admin, "heavy_discount",
                      "{\"weight\":0.3,\"window_days\":365,\"enabled\":true,"
                      "\"params\":{\"max_ratio\":2},\"reason\":\"x\"}");
    CGT_CHECK_PROBLEM(r, 400);
    CGT_CHECK(strstr(r->body, "params.max_ratio") != NULL, "names the parameter: %s", r->body);
    cgt_response_free(r);
    r = put_indicator(admin, "heavy_discount",
                      "{\"weight\":0.3,\"window_days\":365,\"enabled\":true,"
                      "\"params\":{\"max_ratio\":0.6,\"min\":1},\"reason\":\"x\"}");
    CGT_CHECK_PROBLEM(r, 400);
    CGT_CHECK(strstr(r->body, "params.min") != NULL, "names the unknown one: %s", r->body);
    cgt_response_free(r);
    r = put_indicator(admin, "heavy_discount",
                      "{\"weight\":0.3,\"window_days\":365,\"enabled\":true,"
                      "\"params\":{\"max_ratio\":0.6},\"reason\":\"\"}");
    CGT_CHECK_PROBLEM(r, 400);
    cgt_response_free(r);
    r = put_indicator(admin, "heavy_discount",
                      "{\"weight\":0.3,\"window_days\":365,\"params\":{\"max_ratio\":0.6},"
                      "\"reason\":\"x\"}");
    CGT_CHECK_PROBLEM(r, 400);
    CGT_CHECK(strstr(r->body, "\"enabled\"") != NULL, "a setting left out: %s", r->body);
    cgt_response_free(r);
    /* null is no setting given: it would otherwise read as weight 0 or
     * "off". */
    r = put_indicator(admin, "heavy_discount",
                      "{\"weight\":null,\"window_days\":365,\"enabled\":null,"
                      "\"params\":{\"max_ratio\":0.6},\"reason\":\"x\"}");
    CGT_CHECK_PROBLEM(r, 400);
    CGT_CHECK(strstr(r->body, "\"weight\"") != NULL && strstr(r->body, "\"enabled\"") != NULL,
              "the null settings are named: %s", r->body);
    cgt_response_free(r);
    /* Counts and days are whole: a fraction would make every later
     * evaluation of the indicator fail. */
    r = put_indicator(admin, "supplier_share",
                      "{\"weight\":0.4,\"window_days\":365,\"enabled\":true,"
                      "\"params\":{\"share\":0.5,\"min_awards\":5.5,\"days\":365},"
                      "\"reason\":\"x\"}");
    CGT_CHECK_PROBLEM(r, 400);
    CGT_CHECK(strstr(r->body, "params.min_awards") != NULL && strstr(r->body, "whole") != NULL,
              "names the fraction: %s", r->body);
    cgt_response_free(r);
    /* The settings hold for the whole group: a province's administrator
     * may not change them for the other provinces. */
    char *admin_east = CGT_LOGIN("admin.east");
    r = put_indicator(admin_east, "heavy_discount", good);
    CGT_CHECK_PROBLEM(r, 403);
    cgt_response_free(r);
    free(admin_east);
    r = put_indicator(admin, "no_such_thing", good);
    CGT_CHECK_PROBLEM(r, 404);
    cgt_response_free(r);

    r = put_indicator(admin, "heavy_discount", good);
    CGT_CHECK_STATUS(r, 200);
    CGT_CHECK(number_at(cJSON_GetObjectItem(r->json, "params"), "max_ratio") == 0.6,
              "the new parameter: %s", r->body);
    cgt_response_free(r);
    /* Three bids, at 55 % of the estimate: only the new setting fires. */
    char supplier[64], award[64], path[256];
    snprintf(supplier, sizeof supplier, "91320100U%s", run);
    snprintf(award, sizeof award, "C-%s", run);
    publish_award(award, supplier, 1000000, 3, (const long[]){550000, 600000, 650000});
    snprintf(path, sizeof path, "/api/v1/risk/entities/%s?kind=supplier", supplier);
    bool fired = false;
    for (int i = 0; i < CGT_DEADLINE_MS / CGT_POLL_MS && !fired; i++) {
        r = cgt_get(path, lead);
        fired = r->status == 200;
        if (fired) {
            const cJSON *hit =
                cgt_find_where(cJSON_GetObjectItem(r->json, "hits"), "indicator", "heavy_discount");
            CGT_CHECK(hit != NULL, "heavy_discount fired: %s", r->body);
            CGT_CHECK(number_at(cJSON_GetObjectItem(cJSON_GetObjectItem(hit, "inputs"), "params"),
                                "max_ratio") == 0.6,
                      "with the new parameter");
        }
        cgt_response_free(r);
        if (!fired)
            cgt_sleep_ms(CGT_POLL_MS);
    }
    /* Back to the default for the tests that follow. */
    r = put_indicator(admin, "heavy_discount",
                      "{\"weight\":0.3,\"window_days\":365,\"enabled\":true,"
                      "\"params\":{\"max_ratio\":0.5},\"reason\":\"back to the default\"}");
    CGT_CHECK_STATUS(r, 200);
    cgt_response_free(r);
    CGT_CHECK(fired, "no hit on %s after the change", supplier);
}

/* A hit leaving its window lowers the stored score without a new hit: the
 * service's ticker (CG_RISK_RESCORE_TICK_MS, 200 ms in the suite). */
static void scores_fall_as_windows_pass(void **state)
{
    (void)state;
    char person[64], line[1024], path[128];
    snprintf(person, sizeof person, "P-W%s", run);
    /* A self-approved claim of ten days ago: 0.8 for 365 days. */
    cgt_response *r = NULL;
    time_t ten_days_ago = time(NULL) - 10 * 86400;
    struct tm tm;
    char when[32];
    strftime(when, sizeof when, "%Y-%m-%dT%H:%M:%SZ", gmtime_r(&ten_days_ago, &tm));
    snprintf(line, sizeof line,
             "{\"subject\":\"ent.finance.expense.claimed\",\"source\":\"fin.east\","
             "\"time\":\"%s\",\"data\":{\"claim_id\":\"W-%s\",\"unit\":{\"unit_code\":"
             "\"city_a\"},\"claimant\":{\"person_id\":\"%s\"},\"approver\":{\"person_id\":"
             "\"%s\"},\"amount_fen\":120000}}\n",
             when, run, person, person);
    publish(line);
    char id[32];
    await_alert("person", person, id);
    snprintf(path, sizeof path, "/api/v1/risk/entities/%s?kind=person", person);
    r = cgt_get(path, lead);
    CGT_CHECK_STATUS(r, 200);
    CGT_CHECK(number_at(r->json, "score") == 0.8, "the hit counts: %s", r->body);
    cgt_response_free(r);

    /* The window shrinks to five days: the hit is out of it, and the
     * stored score follows without any new event. */
    r = put_indicator(admin, "self_approval",
                      "{\"weight\":0.8,\"window_days\":5,\"enabled\":true,\"params\":{},"
                      "\"reason\":\"a test of windows\"}");
    CGT_CHECK_STATUS(r, 200);
    cgt_response_free(r);
    bool fell = false;
    char stored[256];
    snprintf(stored, sizeof stored,
             "SELECT count(*) FROM scores WHERE entity_kind = 'person' AND entity_id = '%s'"
             " AND score = 0 AND band = 'low'",
             person);
    for (int i = 0; i < CGT_DEADLINE_MS / CGT_POLL_MS && !fell; i++) {
        /* The page reads the hits in their windows; the stored score,
         * which decides the bands and alerts, is lowered by the ticker. */
        r = cgt_get(path, lead);
        fell = r->status == 200 && number_at(r->json, "score") == 0 &&
               strcmp(cgt_json_str(r->json, "band"), "low") == 0 &&
               cgt_psql_number("cg_risk", stored) == 1;
        cgt_response_free(r);
        if (!fell)
            cgt_sleep_ms(CGT_POLL_MS);
    }
    r = put_indicator(admin, "self_approval",
                      "{\"weight\":0.8,\"window_days\":365,\"enabled\":true,\"params\":{},"
                      "\"reason\":\"back to the default\"}");
    CGT_CHECK_STATUS(r, 200);
    cgt_response_free(r);
    CGT_CHECK(fell, "the stored score of %s did not fall when its hit left the window", person);
}

static void overview_counts(void **state)
{
    (void)state;
    cgt_response *r = cgt_get("/api/v1/risk/overview", lead);
    CGT_CHECK_STATUS(r, 200);
    CGT_CHECK(cgt_find_where(cJSON_GetObjectItem(r->json, "units"), "key", "city_a") != NULL,
              "city_a among the units: %s", r->body);
    CGT_CHECK_INT(12, cJSON_GetArraySize(cJSON_GetObjectItem(r->json, "trend")),
                  "a year of months");
    CGT_CHECK(cJSON_GetArraySize(cJSON_GetObjectItem(r->json, "alerts_by_indicator")) > 0,
              "open alerts by indicator");
    cgt_response_free(r);
    r = cgt_get("/api/v1/risk/overview?months=99", lead);
    CGT_CHECK_PROBLEM(r, 400);
    cgt_response_free(r);
    /* A filter given twice is refused rather than one value guessed. */
    r = cgt_get("/api/v1/risk/alerts?status=dismissed&status=new", lead);
    CGT_CHECK_PROBLEM(r, 400);
    CGT_CHECK(strstr(r->body, "\"status\"") != NULL && strstr(r->body, "more than once") != NULL,
              "names the filter given twice: %s", r->body);
    cgt_response_free(r);
}

/* A unit as the gateway's org tree has it: its path and two names. */
typedef struct tree_unit {
    char path[256];
    char name[256];
    char name_zh[256];
} tree_unit;

static void tree_unit_of(const char *code, tree_unit *u)
{
    char path[128];
    snprintf(path, sizeof path, "/api/v1/org-units/%s", code);
    cgt_response *r = cgt_get(path, admin);
    CGT_CHECK_STATUS(r, 200);
    snprintf(u->path, sizeof u->path, "%s", CGT_JSON_STR(r->json, "path"));
    snprintf(u->name, sizeof u->name, "%s", CGT_JSON_STR(r->json, "name"));
    snprintf(u->name_zh, sizeof u->name_zh, "%s", CGT_JSON_STR(r->json, "name_zh"));
    cgt_response_free(r);
}

/* obj names its unit by the unit's path with the gateway's two names
 * beside it; with u NULL (a code the org tree does not hold), by an empty
 * path and both names null. */
static void check_unit_named(const cJSON *obj, const tree_unit *u, const char *what)
{
    CGT_CHECK(obj != NULL, "%s is in the answer", what);
    CGT_CHECK_STR(u != NULL ? u->path : "", cgt_json_str(obj, "unit_path"), what);
    if (u == NULL) {
        CGT_CHECK(cJSON_IsNull(cJSON_GetObjectItem(obj, "unit_name")) &&
                      cJSON_IsNull(cJSON_GetObjectItem(obj, "unit_name_zh")),
                  "%s: an unknown unit is named null", what);
        return;
    }
    CGT_CHECK_STR(u->name, cgt_json_str(obj, "unit_name"), what);
    CGT_CHECK_STR(u->name_zh, cgt_json_str(obj, "unit_name_zh"), what);
}

/* The item of items about entity id (an alert's or a score's). */
static const cJSON *item_about(const cJSON *items, const char *id)
{
    const cJSON *item;
    cJSON_ArrayForEach(item, items)
    {
        const char *its = cgt_json_str(cJSON_GetObjectItem(item, "entity"), "id");
        if (its != NULL && strcmp(its, id) == 0)
            return item;
    }
    return NULL;
}

/* Every unit an answer names by its code carries its org path, and the
 * gateway names it beside: an alert in the list and alone, its hit and
 * the unit the hit counts against, the score list, the unit's page and
 * the overview's units. A code the org tree does not hold has an empty
 * path and no name, and is seen from the top of the tree. */
static void units_named_beside_their_codes(void **state)
{
    (void)state;
    char person[64], stranger[64], claim[64], unknown[32], id[32], path[256];
    tree_unit city_a;
    tree_unit_of("city_a", &city_a);
    snprintf(person, sizeof person, "P-N%s", run);
    snprintf(claim, sizeof claim, "N-%s", run);
    cgt_publish_self_approval(CGT_PUBLISH, claim, "city_a", person);
    await_alert("person", person, id);

    cgt_response *r = get_alert(lead_east, id);
    CGT_CHECK_STATUS(r, 200);
    CGT_CHECK_STR("city_a", cgt_json_str(r->json, "unit_code"), "the alert's unit");
    check_unit_named(r->json, &city_a, "the alert");
    const cJSON *hit = hit_of(r->json, "self_approval");
    check_unit_named(hit, &city_a, "the alert's hit");
    const cJSON *entities = cJSON_GetObjectItem(hit, "entities");
    check_unit_named(cgt_find_where(entities, "id", "city_a"), &city_a, "the hit's unit entity");
    check_unit_named(cgt_find_where(entities, "id", person), NULL, "the hit's person entity");
    cgt_response_free(r);

    r = cgt_get("/api/v1/risk/alerts?entity_kind=person", lead_east);
    CGT_CHECK_STATUS(r, 200);
    check_unit_named(item_about(cJSON_GetObjectItem(r->json, "items"), person), &city_a,
                     "the alert in the list");
    cgt_response_free(r);
    r = cgt_get("/api/v1/risk/scores?kind=person", lead_east);
    CGT_CHECK_STATUS(r, 200);
    check_unit_named(item_about(cJSON_GetObjectItem(r->json, "items"), person), &city_a,
                     "the person's score");
    cgt_response_free(r);
    r = cgt_get("/api/v1/risk/entities/city_a?kind=unit", lead_east);
    CGT_CHECK_STATUS(r, 200);
    check_unit_named(r->json, &city_a, "the unit's page");
    check_unit_named(cJSON_GetObjectItem(r->json, "entity"), &city_a, "the unit's page's entity");
    cgt_response_free(r);
    r = cgt_get("/api/v1/risk/overview", lead_east);
    CGT_CHECK_STATUS(r, 200);
    check_unit_named(cgt_find_where(cJSON_GetObjectItem(r->json, "units"), "key", "city_a"),
                     &city_a, "city_a in the overview");
    cgt_response_free(r);

    /* A unit no org tree holds. */
    snprintf(unknown, sizeof unknown, "rk_n_%s", run);
    snprintf(stranger, sizeof stranger, "P-M%s", run);
    snprintf(claim, sizeof claim, "M-%s", run);
    cgt_publish_self_approval(CGT_PUBLISH, claim, unknown, stranger);
    await_alert("person", stranger, id);
    r = get_alert(lead, id);
    CGT_CHECK_STATUS(r, 200);
    CGT_CHECK_STR(unknown, cgt_json_str(r->json, "unit_code"), "the unknown unit's code");
    check_unit_named(r->json, NULL, "the alert of an unknown unit");
    check_unit_named(hit_of(r->json, "self_approval"), NULL, "its hit");
    cgt_response_free(r);
    snprintf(path, sizeof path, "/api/v1/risk/entities/%s?kind=unit", unknown);
    r = cgt_get(path, lead);
    CGT_CHECK_STATUS(r, 200);
    check_unit_named(r->json, NULL, "the unknown unit's page");
    check_unit_named(cJSON_GetObjectItem(r->json, "entity"), NULL, "the unknown unit entity");
    cgt_response_free(r);
    r = cgt_get("/api/v1/risk/overview", lead);
    CGT_CHECK_STATUS(r, 200);
    check_unit_named(cgt_find_where(cJSON_GetObjectItem(r->json, "units"), "key", unknown), NULL,
                     "the unknown unit in the overview");
    cgt_response_free(r);
}

static int setup(void **state)
{
    (void)state;
    lead = CGT_LOGIN("lead");
    lead_east = CGT_LOGIN("lead.east");
    lead_west = CGT_LOGIN("lead.west");
    inspector_east = CGT_LOGIN("inspector.east");
    auditor = CGT_LOGIN("auditor");
    admin = CGT_LOGIN("admin");
    hr = CGT_LOGIN("hr.east");
    cadre = CGT_LOGIN("cadre.east");
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    char **tokens[] = {&lead,    &lead_east, &lead_west, &inspector_east,
                       &auditor, &admin,     &hr,        &cadre};
    for (size_t i = 0; i < sizeof tokens / sizeof tokens[0]; i++) {
        cgt_logout(*tokens[i]);
        *tokens[i] = NULL;
    }
    return 0;
}

int main(void)
{
    cgt_init("risk_alerts", CGT_NEED_STACK);
    cgt_token_hex(run, sizeof run - 1);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(alert_explained_and_scoped),
        cmocka_unit_test(scores_read_within_scope),
        cmocka_unit_test(alert_actions_follow_the_table),
        cmocka_unit_test(heavy_indicator_alerts_alone),
        cmocka_unit_test(escalated_alert_becomes_one_clue),
        cmocka_unit_test(reminder_reaches_the_cadres_file),
        cmocka_unit_test(settings_checked_and_applied),
        cmocka_unit_test(scores_fall_as_windows_pass),
        cmocka_unit_test(overview_counts),
        cmocka_unit_test(units_named_beside_their_codes),
    };
    int failed = cmocka_run_group_tests_name("risk_alerts", tests, setup, teardown);
    cgt_cleanup();
    return failed ? 1 : 0;
}
