/* The integrity opinion for a promotion (廉洁意见回复) through the HTTP API:
 * HR asks about candidates; the service proposes from what stands (no
 * objection; an objection for a sanction in its influence period; cannot
 * conclude yet while a clue naming the candidate is open, or without a
 * file); HR reads nothing but the signed opinions; an inspection lead
 * edits and signs, and the signed opinion is fixed and kept in the file. */
#include "cgt.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static char *lead, *hr;

static int setup(void **state)
{
    (void)state;
    lead = CGT_LOGIN("lead.east");
    hr = CGT_LOGIN("hr.east");
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    cgt_logout(lead);
    cgt_logout(hr);
    return 0;
}

static bool clue_open(void *arg)
{
    char sql[200];
    snprintf(sql, sizeof sql,
             "SELECT count(*) FROM open_matters WHERE person_id = '%s' AND closed_at IS NULL",
             (const char *)arg);
    return cgt_psql_number("cg_integrity", sql) == 1;
}

static const cJSON *opinion_of(const cJSON *request, const char *person)
{
    return cgt_find_where(cJSON_GetObjectItem(request, "opinions"), "person_id", person);
}

static void test_promotion_opinions(void **state)
{
    (void)state;
    char clean[40], sanctioned[40], named[40], nofile[40];
    char clean_id[37], sanctioned_id[37], named_id[37], clue_id[37];
    char path[200], body[512];
    cgt_person_id("OP", clean);
    cgt_person_id("OP", sanctioned);
    cgt_person_id("OP", named);
    cgt_person_id("OP", nofile);
    CGT_CREATE_CADRE(lead, clean, "city_a", clean_id);
    CGT_CREATE_CADRE(lead, sanctioned, "city_a", sanctioned_id);
    CGT_CREATE_CADRE(lead, named, "city_a", named_id);

    /* A demerit decided this year, and a clue naming the third. */
    char today[16];
    cgt_date_ago(0, today);
    snprintf(path, sizeof path, "/api/v1/integrity/cadres/%s/records", sanctioned_id);
    snprintf(body, sizeof body,
             "{\"section\":\"discipline\",\"title\":\"记过处分\",\"happened_on\":\"%s\","
             "\"kind\":\"government_sanction\",\"measure\":\"demerit\"}",
             today);
    cgt_response *r = cgt_send_json("POST", path, lead, body);
    CGT_CHECK_STATUS(r, 201);
    cgt_response_free(r);
    char *insp = CGT_LOGIN("inspector.east");
    CGT_CREATE_CLUE(insp, "city_a", named, clue_id);
    cgt_logout(insp);
    CGT_CHECK(cgt_eventually(CGT_DEADLINE_MS, CGT_POLL_MS, clue_open, named),
              "the clue is known open about its subject");

    /* An office member asking about themselves gets no file of their own:
     * lead.east's file exists (opened by the headquarters lead), and its
     * opinion says there is none to read. */
    char *hq = CGT_LOGIN("lead");
    cgt_response_free(cgt_send_json("POST", "/api/v1/integrity/cadres", hq,
                                    "{\"person_id\":\"HR-LEAD.EAST\",\"name\":\"华东纪检组长\","
                                    "\"unit_code\":\"east\"}"));
    cgt_logout(hq);
    r = cgt_send_json("POST", "/api/v1/integrity/opinion-requests", lead,
                      "{\"purpose\":\"promotion\",\"person_ids\":[\"HR-LEAD.EAST\"]}");
    CGT_CHECK_STATUS(r, 201);
    const cJSON *self = opinion_of(r->json, "HR-LEAD.EAST");
    CGT_CHECK(self != NULL, "the asker's own opinion is listed");
    /* ...read as HR reads it: nothing of what it rests on... */
    CGT_CHECK(cJSON_IsNull(cJSON_GetObjectItem(self, "basis")) &&
                  strcmp(cgt_json_str(self, "proposed"), "") == 0,
              "no one reads the grounds of their own opinion: %.300s", r->body);
    /* ...and made without the asker's file. */
    char own_sql[200];
    snprintf(own_sql, sizeof own_sql,
             "SELECT count(*) FROM opinions WHERE id = '%s' AND (basis->>'no_file')::boolean",
             cgt_json_str(self, "id"));
    CGT_CHECK_INT(1, cgt_psql_number("cg_integrity", own_sql), "no file read for the asker");
    cgt_response_free(r);

    /* Bad requests store nothing. */
    long long before = cgt_psql_number("cg_integrity", "SELECT count(*) FROM opinion_requests");
    const char *bad[] = {
        "{\"purpose\":\"promotion\",\"person_ids\":[]}",
        "{\"purpose\":\"promotion\",\"person_ids\":[\"HR 1\"]}",
        "{\"purpose\":\"coronation\",\"person_ids\":[\"HR1\"]}",
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        r = cgt_send_json("POST", "/api/v1/integrity/opinion-requests", hr, bad[i]);
        CGT_CHECK_PROBLEM(r, 400);
        cgt_response_free(r);
    }
    CGT_CHECK_INT(before, cgt_psql_number("cg_integrity", "SELECT count(*) FROM opinion_requests"),
                  "no request stored");

    /* HR asks about the four. */
    snprintf(body, sizeof body,
             "{\"purpose\":\"promotion\",\"note\":\"2026年第四季度干部选拔\",\"person_ids\":"
             "[\"%s\",\"%s\",\"%s\",\"%s\"]}",
             clean, sanctioned, named, nofile);
    r = cgt_send_json("POST", "/api/v1/integrity/opinion-requests", hr, body);
    CGT_CHECK_STATUS(r, 201);
    char request_id[37];
    snprintf(request_id, sizeof request_id, "%s", CGT_JSON_STR(r->json, "id"));
    CGT_CHECK_INT(4, cJSON_GetObjectItem(r->json, "candidates")->valueint, "four candidates");
    /* Nothing of the proposals or what they rest on reaches HR. */
    const cJSON *o;
    cJSON_ArrayForEach(o, cJSON_GetObjectItem(r->json, "opinions"))
    {
        CGT_CHECK(cJSON_IsNull(cJSON_GetObjectItem(o, "basis")) ||
                      cJSON_GetObjectItem(o, "basis") == NULL,
                  "HR reads no basis");
        CGT_CHECK_STR("", cgt_json_str(o, "proposed"), "HR reads no proposal");
        CGT_CHECK_STR("", cgt_json_str(o, "proposed_reason"), "HR reads no grounds");
        CGT_CHECK_STR("", cgt_json_str(o, "conclusion"), "nothing before the signature");
        CGT_CHECK_STR("", cgt_json_str(o, "cadre_id"), "HR reads no file id");
    }
    CGT_CHECK(strstr(r->body, clue_id) == NULL, "HR reads nothing of the clue");
    cgt_response_free(r);

    /* HR's list of its requests is audited, each request named. */
    cgt_check_list_read(hr, "/api/v1/integrity/opinion-requests", "requests", "id", request_id,
                        "integrity.opinion_list", NULL);

    /* The office reads the proposals and their grounds. */
    snprintf(path, sizeof path, "/api/v1/integrity/opinion-requests/%s", request_id);
    r = cgt_get(path, lead);
    CGT_CHECK_STATUS(r, 200);
    CGT_CHECK_STR("no_objection", cgt_json_str(opinion_of(r->json, clean), "proposed"),
                  "nothing stands in the way");
    CGT_CHECK_STR("objection", cgt_json_str(opinion_of(r->json, sanctioned), "proposed"),
                  "a sanction in its influence period");
    CGT_CHECK(strstr(cgt_json_str(opinion_of(r->json, sanctioned), "text"), "处分影响期") != NULL,
              "the objection names its ground");
    CGT_CHECK_STR("cannot_conclude", cgt_json_str(opinion_of(r->json, named), "proposed"),
                  "a clue under way");
    const cJSON *basis = cJSON_GetObjectItem(opinion_of(r->json, named), "basis");
    CGT_CHECK(strstr(cgt_json_print(cJSON_GetObjectItem(basis, "open_clue_ids")), clue_id) != NULL,
              "the office sees the clue");
    CGT_CHECK(strstr(cgt_json_str(opinion_of(r->json, named), "text"), "线索") == NULL,
              "the words HR will read say nothing of a clue");
    CGT_CHECK_STR("cannot_conclude", cgt_json_str(opinion_of(r->json, nofile), "proposed"),
                  "no file");
    char opinion_id[37];
    snprintf(opinion_id, sizeof opinion_id, "%s",
             cgt_json_str(opinion_of(r->json, sanctioned), "id"));
    cgt_response_free(r);

    /* HR reads neither the candidate's file nor another province's
     * request; an inspector does not sign. */
    snprintf(path, sizeof path, "/api/v1/integrity/cadres/%s", sanctioned_id);
    r = cgt_get(path, hr);
    CGT_CHECK_PROBLEM(r, 403);
    cgt_response_free(r);
    char *hr_west = CGT_LOGIN("hr.west");
    snprintf(path, sizeof path, "/api/v1/integrity/opinion-requests/%s", request_id);
    r = cgt_get(path, hr_west);
    CGT_CHECK_PROBLEM(r, 404);
    cgt_response_free(r);
    cgt_logout(hr_west);
    insp = CGT_LOGIN("inspector.east");
    snprintf(path, sizeof path, "/api/v1/integrity/opinions/%s/sign", opinion_id);
    r = cgt_send_json("POST", path, insp, "{}");
    CGT_CHECK_PROBLEM(r, 403);
    cgt_response_free(r);
    cgt_logout(insp);

    /* The lead edits the words and signs the objection. */
    snprintf(path, sizeof path, "/api/v1/integrity/opinions/%s", opinion_id);
    r = cgt_send_json("PATCH", path, lead, "{\"conclusion\":\"objection\",\"text\":\"\"}");
    CGT_CHECK_PROBLEM(r, 400);
    cgt_response_free(r);
    r = cgt_send_json(
        "PATCH", path, lead,
        "{\"conclusion\":\"objection\",\"text\":\"该同志受记过处分，尚在处分影响期内，"
        "有不同意见。\"}");
    CGT_CHECK_STATUS(r, 200);
    cgt_response_free(r);
    snprintf(path, sizeof path, "/api/v1/integrity/opinions/%s/sign", opinion_id);
    r = cgt_send_json("POST", path, lead, "{}");
    CGT_CHECK_STATUS(r, 200);
    CGT_CHECK_STR("signed", CGT_JSON_STR(r->json, "state"), "signed");
    cgt_response_free(r);
    r = cgt_send_json("POST", path, lead, "{}");
    CGT_CHECK_PROBLEM(r, 409);
    cgt_response_free(r);
    snprintf(path, sizeof path, "/api/v1/integrity/opinions/%s", opinion_id);
    r = cgt_send_json("PATCH", path, lead, "{\"conclusion\":\"no_objection\",\"text\":\"改\"}");
    CGT_CHECK_PROBLEM(r, 409);
    cgt_response_free(r);
    char sql[200];
    snprintf(sql, sizeof sql, "UPDATE opinions SET text = 'x' WHERE id = '%s'", opinion_id);
    CGT_CHECK(cgt_psql("cg_integrity", sql) != 0, "a signed opinion is fixed");

    /* HR now reads that opinion, and only it, with its words. */
    snprintf(path, sizeof path, "/api/v1/integrity/opinion-requests/%s", request_id);
    r = cgt_get(path, hr);
    CGT_CHECK_STATUS(r, 200);
    const cJSON *signed_one = opinion_of(r->json, sanctioned);
    CGT_CHECK_STR("objection", cgt_json_str(signed_one, "conclusion"), "the signed conclusion");
    CGT_CHECK(strstr(cgt_json_str(signed_one, "text"), "记过") != NULL, "the signed words");
    CGT_CHECK_STR("", cgt_json_str(opinion_of(r->json, clean), "conclusion"),
                  "an unsigned opinion shows no conclusion");
    CGT_CHECK(cJSON_IsNull(cJSON_GetObjectItem(signed_one, "basis")) ||
                  cJSON_GetObjectItem(signed_one, "basis") == NULL,
              "still no basis for HR");
    cgt_response_free(r);

    /* The signed opinion is in the candidate's file and its dossier. */
    cJSON *file = CGT_GET_CADRE_FILE(lead, sanctioned_id);
    CGT_CHECK(cgt_find_where(cJSON_GetObjectItem(file, "records"), "section", "opinion") != NULL,
              "kept in the file");
    cJSON_Delete(file);
    char actions[1024];
    cgt_dossier_actions(lead, "integrity/cadres", sanctioned_id, actions, sizeof actions);
    CGT_CHECK(strstr(actions, "opinion.signed") != NULL, "in the dossier: %s", actions);
    /* Each request and answer is audited. */
    CGT_CHECK(cgt_psql_number("cg_gateway", "SELECT count(*) FROM audit_log WHERE action ="
                                            " 'integrity.opinions_requested'") >= 1,
              "the request is audited");
    snprintf(sql, sizeof sql,
             "SELECT count(*) FROM audit_log WHERE action = 'integrity.opinion_read'"
             " AND target_id = '%s'",
             request_id);
    CGT_CHECK(cgt_psql_number("cg_gateway", sql) >= 2, "each reading of the answers is audited");
}

typedef struct matter_probe {
    const char *person, *clue_id;
    int open; /* rows wanted open */
} matter_probe;

static bool matters_are(void *arg)
{
    const matter_probe *p = arg;
    char sql[256];
    snprintf(sql, sizeof sql,
             "SELECT count(*) FROM open_matters WHERE person_id = '%s' AND clue_id = '%s'"
             " AND closed_at IS NULL",
             p->person, p->clue_id);
    return cgt_psql_number("cg_integrity", sql) == p->open;
}

#define CHECK_MATTERS(person, clue, n, what)                                                       \
    CGT_CHECK(cgt_eventually(CGT_DEADLINE_MS, CGT_POLL_MS, matters_are,                            \
                             &(matter_probe){(person), (clue), (n)}),                              \
              what)

/* The office's proposal for person, asked now: into proposed, and whether
 * its basis names clue_id among the open clues. */
static bool proposal_for(const char *person, const char *clue_id, char *proposed, size_t size)
{
    char body[160], path[128];
    snprintf(body, sizeof body, "{\"purpose\":\"promotion\",\"person_ids\":[\"%s\"]}", person);
    cgt_response *r = cgt_send_json("POST", "/api/v1/integrity/opinion-requests", lead, body);
    CGT_CHECK_STATUS(r, 201);
    snprintf(path, sizeof path, "/api/v1/integrity/opinion-requests/%s",
             CGT_JSON_STR(r->json, "id"));
    cgt_response_free(r);
    r = cgt_get(path, lead);
    CGT_CHECK_STATUS(r, 200);
    const cJSON *o = opinion_of(r->json, person);
    CGT_CHECK(o != NULL, "the opinion on %s: %.300s", person, r->body);
    snprintf(proposed, size, "%s", cgt_json_str(o, "proposed"));
    char *ids =
        cgt_json_print(cJSON_GetObjectItem(cJSON_GetObjectItem(o, "basis"), "open_clue_ids"));
    bool named = clue_id != NULL && ids != NULL && strstr(ids, clue_id) != NULL;
    free(ids);
    cgt_response_free(r);
    return named;
}

/* method path as token with body, which must answer 200. */
static void send_ok(const char *method, const char *token, const char *path, const char *body)
{
    cgt_response *r = cgt_send_json(method, path, token, body);
    CGT_CHECK_STATUS(r, 200);
    cgt_response_free(r);
}

/* Who a clue is about follows its register's corrections, and a merged
 * clue's matter goes on in the clue it was merged into: a candidate stays
 * "cannot conclude yet" until the survivor is closed. */
static void test_corrected_and_merged_clues(void **state)
{
    (void)state;
    char first[40], second[40], other[40], second_id[37], a[37], b[37];
    char path[128], body[512], proposed[32];
    cgt_person_id("OM", first);
    cgt_person_id("OM", second);
    cgt_person_id("OM", other);
    CGT_CREATE_CADRE(lead, second, "city_a", second_id);
    char *insp = CGT_LOGIN("inspector.east");
    CGT_CREATE_CLUE(insp, "city_a", first, a);
    CGT_CREATE_CLUE(insp, "city_a", other, b);
    CHECK_MATTERS(first, a, 1, "the clue is open about its subject");
    CGT_CHECK(!proposal_for(second, NULL, proposed, sizeof proposed) &&
                  strcmp(proposed, "no_objection") == 0,
              "nothing stands in the second person's way yet: %s", proposed);

    /* A correction names the second person beside the first, then the
     * second alone. */
    snprintf(path, sizeof path, "/api/v1/clues/%s", a);
    snprintf(body, sizeof body,
             "{\"subjects\":[{\"name\":\"甲某\",\"person_id\":\"%s\"},{\"name\":\"乙某\","
             "\"person_id\":\"%s\"}]}",
             first, second);
    send_ok("PATCH", lead, path, body);
    CHECK_MATTERS(second, a, 1, "a subject added by a correction is followed");
    snprintf(body, sizeof body, "{\"subjects\":[{\"name\":\"乙某\",\"person_id\":\"%s\"}]}",
             second);
    send_ok("PATCH", lead, path, body);
    CHECK_MATTERS(first, a, 0, "a subject the correction took off is no longer under the clue");
    CHECK_MATTERS(second, a, 1, "the remaining subject still is");

    /* Merged into the other clue: the survivor carries the matter. */
    snprintf(path, sizeof path, "/api/v1/clues/%s/merge", a);
    snprintf(body, sizeof body, "{\"into\":\"%s\"}", b);
    send_ok("POST", insp, path, body);
    CHECK_MATTERS(second, b, 1, "the survivor is open about the merged clue's subject");
    CHECK_MATTERS(second, a, 0, "the merged clue no longer is");
    CGT_CHECK(proposal_for(second, b, proposed, sizeof proposed), "the survivor is named");
    CGT_CHECK_STR("cannot_conclude", proposed, "a merged clue still stands in the way");

    /* The survivor is closed: nothing stands any more. */
    snprintf(path, sizeof path, "/api/v1/clues/%s/disposal", b);
    send_ok("POST", insp, path,
            "{\"way\":\"close\",\"reason\":\"查无实据\",\"conclusion\":\"予以了结\"}");
    snprintf(path, sizeof path, "/api/v1/clues/%s/disposal/approve", b);
    send_ok("POST", lead, path, "{}");
    CHECK_MATTERS(second, b, 0, "closed with the survivor");
    proposal_for(second, NULL, proposed, sizeof proposed);
    CGT_CHECK_STR("no_objection", proposed, "nothing stands once the survivor is closed");
    cgt_logout(insp);
}

int main(void)
{
    cgt_init("integrity_opinions", CGT_NEED_GATEWAY);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_promotion_opinions),
        cmocka_unit_test(test_corrected_and_merged_clues),
    };
    int failed = cmocka_run_group_tests_name("integrity_opinions", tests, setup, teardown);
    cgt_cleanup();
    return failed ? 1 : 0;
}
