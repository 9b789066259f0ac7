/* Integrity files (廉政档案) through the HTTP API: a cadre's file with its
 * relatives and records, every change a version kept beside the earlier
 * ones, the file's dossier whole; bad input answered 400 with nothing
 * stored; who reads what (the office in its scope, the cadre its own file
 * without the office's internal notes, HR and other provinces nothing);
 * the influence periods as data, and a sanction's end with the test
 * clock. */
#include "cgt.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#ifndef CGT_DOSSIER_VERIFY
#error "CGT_DOSSIER_VERIFY must name the cg-dossier-verify binary"
#endif

#define GOOD_CODE "91350100M000100Y43"
#define BAD_CODE "91350100M000100Y44"

static char *lead;

static int setup(void **state)
{
    (void)state;
    lead = CGT_LOGIN("lead.east");
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    cgt_psql("cg_integrity", "UPDATE service_clock SET offset_s = 0");
    cgt_logout(lead);
    return 0;
}

/* method path with json as token; must answer status; the body's object
 * (the caller deletes it) or NULL when the answer has none. */
static cJSON *send_expect(const char *method, const char *path, const char *token, const char *json,
                          long status)
{
    cgt_response *r = cgt_send_json(method, path, token, json);
    if (status >= 400)
        CGT_CHECK_PROBLEM(r, status);
    else
        CGT_CHECK_STATUS(r, status);
    cJSON *out = r->json != NULL ? cJSON_Duplicate(r->json, 1) : NULL;
    cgt_response_free(r);
    return out;
}

/* How many rows of the integrity database's table hold the person, but a
 * round's reminders (the service's own, which a round may send at any
 * moment). */
static long long rows_of(const char *table, const char *person_id)
{
    char sql[256];
    if (strcmp(table, "relatives") == 0)
        snprintf(sql, sizeof sql,
                 "SELECT count(*) FROM relatives r JOIN cadres c ON c.id = r.cadre_id"
                 " WHERE c.person_id = '%s'",
                 person_id);
    else if (strcmp(table, "records") == 0)
        snprintf(sql, sizeof sql,
                 "SELECT count(*) FROM records WHERE person_id = '%s' AND section <> 'reminder'",
                 person_id);
    else
        snprintf(sql, sizeof sql,
                 "SELECT count(*) FROM %s WHERE person_id = '%s'"
                 " AND coalesce(data->>'section', '') <> 'reminder'",
                 table, person_id);
    return cgt_psql_number("cg_integrity", sql);
}

static int count_entity(const cJSON *versions, const char *entity, const char *change)
{
    int n = 0;
    const cJSON *v;
    cJSON_ArrayForEach(v, versions)
    {
        if (strcmp(cgt_json_str(v, "entity"), entity) == 0 &&
            (change == NULL || strcmp(cgt_json_str(v, "change"), change) == 0))
            n++;
    }
    return n;
}

static void test_file_keeps_every_version(void **state)
{
    (void)state;
    char person[40], id[37], path[160], body[768];
    cgt_person_id("IT", person);
    CGT_CREATE_CADRE(lead, person, "city_a", id);

    /* A change of the header: version 2, the earlier one kept. */
    snprintf(path, sizeof path, "/api/v1/integrity/cadres/%s", id);
    cJSON *file =
        send_expect("PATCH", path, lead, "{\"position\":\"物资部副主任\",\"grade\":\"副处\"}", 200);
    const cJSON *cadre = cJSON_GetObjectItem(file, "cadre");
    CGT_CHECK_INT(2, cJSON_GetObjectItem(cadre, "version")->valueint, "the header's version");
    CGT_CHECK_STR("物资部副主任", cgt_json_str(cadre, "position"), "the new position");
    CGT_CHECK_STR("materials", cgt_json_str(cadre, "key_position"), "unchanged fields stay");
    cJSON_Delete(file);
    /* A change that changes nothing makes no version. */
    file = send_expect("PATCH", path, lead, "{\"grade\":\"副处\"}", 200);
    CGT_CHECK_INT(2, cJSON_GetObjectItem(cJSON_GetObjectItem(file, "cadre"), "version")->valueint,
                  "no version for no change");
    cJSON_Delete(file);

    /* A relative with a company, changed, then removed. */
    snprintf(path, sizeof path, "/api/v1/integrity/cadres/%s/relatives", id);
    snprintf(body, sizeof body,
             "{\"name\":\"李四\",\"relation\":\"spouse\",\"employer\":\"华东物资贸易有限公司\","
             "\"businesses\":[{\"company\":\"华东物资贸易有限公司\",\"credit_code\":\"%s\","
             "\"role\":\"shareholder\",\"share_percent\":30}]}",
             GOOD_CODE);
    file = send_expect("POST", path, lead, body, 201);
    const cJSON *rel = cJSON_GetArrayItem(cJSON_GetObjectItem(file, "relatives"), 0);
    CGT_CHECK(rel != NULL, "the relative is in the file");
    char rel_id[37];
    snprintf(rel_id, sizeof rel_id, "%s", cgt_json_str(rel, "id"));
    const cJSON *biz = cJSON_GetArrayItem(cJSON_GetObjectItem(rel, "businesses"), 0);
    CGT_CHECK_STR(GOOD_CODE, cgt_json_str(biz, "credit_code"), "the company's code");
    CGT_CHECK(cJSON_GetObjectItem(biz, "share_percent")->valuedouble == 30, "the share");
    cJSON_Delete(file);
    snprintf(path, sizeof path, "/api/v1/integrity/relatives/%s", rel_id);
    file =
        send_expect("PUT", path, lead,
                    "{\"name\":\"李四\",\"relation\":\"spouse\",\"employer\":\"市第一中学\"}", 200);
    rel = cJSON_GetArrayItem(cJSON_GetObjectItem(file, "relatives"), 0);
    CGT_CHECK_STR("市第一中学", cgt_json_str(rel, "employer"), "the new employer");
    CGT_CHECK_INT(0, cJSON_GetArraySize(cJSON_GetObjectItem(rel, "businesses")),
                  "the company is no longer declared");
    CGT_CHECK_INT(2, cJSON_GetObjectItem(rel, "version")->valueint, "the relative's version");
    cJSON_Delete(file);
    snprintf(path, sizeof path, "/api/v1/integrity/relatives/%s/remove", rel_id);
    send_expect("POST", path, lead, "{}", 400);
    file = send_expect("POST", path, lead, "{\"reason\":\"登记错误\"}", 200);
    CGT_CHECK_INT(0, cJSON_GetArraySize(cJSON_GetObjectItem(file, "relatives")),
                  "a removed relative is gone from the file");
    cJSON_Delete(file);
    send_expect("POST", path, lead, "{\"reason\":\"再次\"}", 404);

    /* The history holds every version of both. */
    snprintf(path, sizeof path, "/api/v1/integrity/cadres/%s/history", id);
    cgt_response *r = cgt_get(path, lead);
    CGT_CHECK_STATUS(r, 200);
    const cJSON *versions = cJSON_GetObjectItem(CGT_JSON_OBJECT(r), "versions");
    CGT_CHECK_INT(2, count_entity(versions, "cadre", NULL), "the header's versions");
    CGT_CHECK_INT(3, count_entity(versions, "relative", NULL), "the relative's versions");
    CGT_CHECK_INT(1, count_entity(versions, "relative", "removed"), "its removal");
    bool old_company = false;
    const cJSON *v;
    cJSON_ArrayForEach(v, versions)
    {
        if (strstr(cgt_json_str(v, "data_json"), GOOD_CODE) != NULL)
            old_company = true;
    }
    CGT_CHECK(old_company, "the first version still names the company");
    cgt_response_free(r);
    /* The database refuses to rewrite a version, whoever asks. */
    CGT_CHECK(cgt_psql("cg_integrity", "UPDATE versions SET change = 'created'") != 0,
              "versions are append-only");

    /* The file's dossier: every change an entry, the chain whole. */
    char actions[1024];
    cgt_dossier_actions(lead, "integrity/cadres", id, actions, sizeof actions);
    CGT_CHECK(strstr(actions, "file.created") != NULL && strstr(actions, "file.updated") &&
                  strstr(actions, "relative.added") && strstr(actions, "relative.updated") &&
                  strstr(actions, "relative.removed"),
              "the dossier holds every change: %s", actions);
    long long first_bad = 0;
    CGT_CHECK(cgt_dossier_verify(lead, "integrity/cadres", id, &first_bad),
              "the file's chain verifies");

    /* Exported, the file verifies offline with the same verifier as a
     * case's, given the integrity files' own key. */
    snprintf(path, sizeof path, "/api/v1/integrity/cadres/%s/dossier/export", id);
    r = cgt_get(path, lead);
    CGT_CHECK_STATUS(r, 200);
    char archive[64] = "/tmp/cgt-integrity-XXXXXX", cmd[512], out[512] = "";
    int fd = mkstemp(archive);
    CGT_CHECK(fd >= 0 && write(fd, r->body, r->body_len) == (ssize_t)r->body_len,
              "write the archive");
    close(fd);
    cgt_response_free(r);
    snprintf(cmd, sizeof cmd, "'%s' --key-file '%s/secrets/integrity-dossier.key' '%s' 2>&1",
             CGT_DOSSIER_VERIFY, getenv("CG_STATE"), archive);
    FILE *p = popen(cmd, "r");
    CGT_CHECK(p != NULL, "run %s", cmd);
    size_t n = fread(out, 1, sizeof out - 1, p);
    out[n] = '\0';
    int status = pclose(p);
    unlink(archive);
    CGT_CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0 && strncmp(out, "OK", 2) == 0,
              "the exported file verifies offline: %s", out);
}

static void test_bad_input_stores_nothing(void **state)
{
    (void)state;
    char person[40], id[37], path[160], body[512];
    cgt_person_id("IT", person);
    CGT_CREATE_CADRE(lead, person, "city_a", id);
    long long relatives = rows_of("relatives", person), records = rows_of("records", person),
              versions = rows_of("versions", person);
    long long cadres = cgt_psql_number("cg_integrity", "SELECT count(*) FROM cadres");

    snprintf(path, sizeof path, "/api/v1/integrity/cadres/%s/relatives", id);
    /* A malformed credit code, an unknown relation, a share over 100. */
    snprintf(body, sizeof body,
             "{\"name\":\"王五\",\"relation\":\"spouse\",\"businesses\":[{\"company\":\"某公司\","
             "\"credit_code\":\"%s\",\"role\":\"shareholder\",\"share_percent\":10}]}",
             BAD_CODE);
    cJSON *p = send_expect("POST", path, lead, body, 400);
    CGT_CHECK(strstr(cgt_json_print(p), "businesses[0].credit_code") != NULL,
              "the code's field is named");
    cJSON_Delete(p);
    p = send_expect("POST", path, lead, "{\"name\":\"王五\",\"relation\":\"cousin\"}", 400);
    CGT_CHECK(strstr(cgt_json_print(p), "spouse") != NULL, "the relations are listed");
    cJSON_Delete(p);
    send_expect("POST", path, lead,
                "{\"name\":\"王五\",\"relation\":\"child\",\"businesses\":[{\"company\":\"某公司\","
                "\"credit_code\":\"" GOOD_CODE
                "\",\"role\":\"shareholder\",\"share_percent\":140}]}",
                400);
    snprintf(body, sizeof body, "{\"name\":\"王五\",\"relation\":\"child\",\"person_id\":\"%s\"}",
             person);
    send_expect("POST", path, lead, body, 400);

    /* A date in the future, an unknown section, a discipline record
     * without its kind. */
    snprintf(path, sizeof path, "/api/v1/integrity/cadres/%s/records", id);
    send_expect("POST", path, lead,
                "{\"section\":\"gift\",\"title\":\"月饼\",\"happened_on\":\"2999-01-01\"}", 400);
    send_expect("POST", path, lead,
                "{\"section\":\"rumour\",\"title\":\"传言\",\"happened_on\":\"2026-01-01\"}", 400);
    send_expect("POST", path, lead,
                "{\"section\":\"discipline\",\"title\":\"处分\",\"happened_on\":\"2026-01-01\"}",
                400);
    send_expect("POST", path, lead, "{\"section\":\"gift\",\"title\":\"月饼\"}", 400);

    /* A new cadre with a future key-position day, an unknown key position,
     * a person id that is not one, a unit outside the caller's scope; and
     * a person whose file exists. */
    char other[40];
    cgt_person_id("IT", other);
    snprintf(body, sizeof body,
             "{\"person_id\":\"%s\",\"name\":\"赵六\",\"unit_code\":\"city_a\","
             "\"key_position\":\"finance\",\"key_since_on\":\"2999-01-01\"}",
             other);
    send_expect("POST", "/api/v1/integrity/cadres", lead, body, 400);
    snprintf(body, sizeof body,
             "{\"person_id\":\"%s\",\"name\":\"赵六\",\"unit_code\":\"city_a\","
             "\"key_position\":\"lottery\"}",
             other);
    send_expect("POST", "/api/v1/integrity/cadres", lead, body, 400);
    send_expect("POST", "/api/v1/integrity/cadres", lead,
                "{\"person_id\":\"HR 1\",\"name\":\"赵六\",\"unit_code\":\"city_a\"}", 400);
    snprintf(body, sizeof body, "{\"person_id\":\"%s\",\"name\":\"赵六\",\"unit_code\":\"city_c\"}",
             other);
    send_expect("POST", "/api/v1/integrity/cadres", lead, body, 400);
    snprintf(body, sizeof body, "{\"person_id\":\"%s\",\"name\":\"重复\",\"unit_code\":\"city_a\"}",
             person);
    send_expect("POST", "/api/v1/integrity/cadres", lead, body, 409);
    snprintf(path, sizeof path, "/api/v1/integrity/cadres/%s", id);
    send_expect("PATCH", path, lead, "{\"key_since_on\":\"2999-01-01\"}", 400);

    CGT_CHECK_INT(relatives, rows_of("relatives", person), "no relative stored");
    CGT_CHECK_INT(records, rows_of("records", person), "no record stored");
    CGT_CHECK_INT(versions, rows_of("versions", person), "no version stored");
    CGT_CHECK_INT(cadres, cgt_psql_number("cg_integrity", "SELECT count(*) FROM cadres"),
                  "no cadre stored");
}

/* The file of the demo cadre of the east, made when the suite's stack has
 * none yet; its id into id. */
static void east_cadre_file(char id[37])
{
    cgt_response *r = cgt_get("/api/v1/integrity/cadres?q=HR-CADRE.EAST", lead);
    CGT_CHECK_STATUS(r, 200);
    const cJSON *first = cJSON_GetArrayItem(cJSON_GetObjectItem(CGT_JSON_OBJECT(r), "items"), 0);
    if (first != NULL)
        snprintf(id, 37, "%s", cgt_json_str(first, "id"));
    cgt_response_free(r);
    if (first == NULL)
        CGT_CREATE_CADRE(lead, "HR-CADRE.EAST", "city_a", id);
}

static void test_who_reads_what(void **state)
{
    (void)state;
    char id[37], path[160];
    east_cadre_file(id);
    snprintf(path, sizeof path, "/api/v1/integrity/cadres/%s/records", id);
    cJSON_Delete(send_expect("POST", path, lead,
                             "{\"section\":\"talk\",\"title\":\"廉政谈话\",\"happened_on\":"
                             "\"2026-03-01\"}",
                             201));
    cJSON_Delete(send_expect("POST", path, lead,
                             "{\"section\":\"complaint\",\"title\":\"信访核实: 内部备注\","
                             "\"happened_on\":\"2026-03-02\",\"internal\":true}",
                             201));

    /* The office reads the whole file, internal notes too. */
    cJSON *office = CGT_GET_CADRE_FILE(lead, id);
    char *office_text = cgt_json_print(office);
    CGT_CHECK(strstr(office_text, "内部备注") != NULL, "the office sees its notes");
    free(office_text);
    cJSON_Delete(office);

    /* The cadre reads its own file without them (the reminders a round
     * sends may add records meanwhile, so the records are compared by
     * kind, not counted), and no one else's. */
    char *cadre = CGT_LOGIN("cadre.east");
    cgt_response *r = cgt_get("/api/v1/integrity/me", cadre);
    CGT_CHECK_STATUS(r, 200);
    const cJSON *own = CGT_JSON_OBJECT(r);
    CGT_CHECK_STR(id, cgt_json_str(cJSON_GetObjectItem(own, "cadre"), "id"), "its own file");
    const cJSON *x;
    cJSON_ArrayForEach(x, cJSON_GetObjectItem(own, "records"))
    {
        CGT_CHECK(!cJSON_IsTrue(cJSON_GetObjectItem(x, "internal")),
                  "no internal record for the cadre");
    }
    CGT_CHECK(strstr(r->body, "廉政谈话") != NULL, "the talk is the cadre's to read");
    CGT_CHECK(strstr(r->body, "内部备注") == NULL, "no internal note for the cadre");
    cgt_response_free(r);
    snprintf(path, sizeof path, "/api/v1/integrity/cadres/%s", id);
    r = cgt_get(path, cadre);
    CGT_CHECK_PROBLEM(r, 403);
    cgt_response_free(r);
    r = cgt_get("/api/v1/integrity/cadres", cadre);
    CGT_CHECK_PROBLEM(r, 403);
    cgt_response_free(r);
    cgt_logout(cadre);

    /* Another cadre's own file is not this one. */
    char *west = CGT_LOGIN("cadre.west");
    r = cgt_get("/api/v1/integrity/me", west);
    CGT_CHECK(r->status == 404 || (r->status == 200 && strstr(r->body, id) == NULL),
              "cadre.west does not get cadre.east's file (%ld)", r->status);
    cgt_response_free(r);
    cgt_logout(west);

    /* HR, a unit leader and the other province's office: no file. */
    const char *outsiders[][2] = {
        {"hr.east", "403"}, {"unitlead.east", "403"}, {"inspector.west", "404"}, {"admin", "403"}};
    for (size_t i = 0; i < sizeof outsiders / sizeof outsiders[0]; i++) {
        char *tok = CGT_LOGIN(outsiders[i][0]);
        r = cgt_get(path, tok);
        CGT_CHECK_PROBLEM(r, atol(outsiders[i][1]));
        cgt_response_free(r);
        char hist[200];
        snprintf(hist, sizeof hist, "%s/history", path);
        r = cgt_get(hist, tok);
        CGT_CHECK_PROBLEM(r, atol(outsiders[i][1]));
        cgt_response_free(r);
        cgt_logout(tok);
    }
    /* Every read of a file is in the audit trail. */
    char sql[256];
    snprintf(sql, sizeof sql,
             "SELECT count(*) FROM audit_log WHERE action = 'integrity.file_read'"
             " AND target_id = '%s'",
             id);
    CGT_CHECK(cgt_psql_number("cg_gateway", sql) >= 1, "the office's read is audited");
}

static void test_influence_periods(void **state)
{
    (void)state;
    char person[40], id[37], path[160];
    /* Only an inspection lead changes them. */
    char *insp = CGT_LOGIN("inspector.east");
    cgt_response *r =
        cgt_send_json("POST", "/api/v1/integrity/settings/influence-periods", insp,
                      "{\"kind\":\"government_sanction\",\"measure\":\"demerit\",\"months\":3}");
    CGT_CHECK_PROBLEM(r, 403);
    cgt_response_free(r);
    cgt_logout(insp);
    cJSON_Delete(send_expect("POST", "/api/v1/integrity/settings/influence-periods", lead,
                             "{\"kind\":\"government_sanction\",\"measure\":\"demerit\","
                             "\"months\":13}",
                             200));
    send_expect("POST", "/api/v1/integrity/settings/influence-periods", lead,
                "{\"kind\":\"gossip\",\"measure\":\"demerit\",\"months\":13}", 400);
    send_expect("POST", "/api/v1/integrity/settings/influence-periods", lead,
                "{\"kind\":\"government_sanction\",\"measure\":\"demerit\",\"months\":900}", 400);

    /* A demerit decided today stands for 13 months: in effect now, over
     * when the clock passes its last day. */
    cgt_person_id("IT", person);
    CGT_CREATE_CADRE(lead, person, "city_a", id);
    char today[16], body[256];
    cgt_date_ago(0, today);
    snprintf(path, sizeof path, "/api/v1/integrity/cadres/%s/records", id);
    snprintf(body, sizeof body,
             "{\"section\":\"discipline\",\"title\":\"记过\",\"happened_on\":\"%s\","
             "\"kind\":\"government_sanction\",\"measure\":\"demerit\"}",
             today);
    cJSON *file = send_expect("POST", path, lead, body, 201);
    CGT_CHECK_INT(
        1, cJSON_GetObjectItem(cJSON_GetObjectItem(file, "cadre"), "sanctions_in_effect")->valueint,
        "one sanction in effect");
    cJSON_Delete(file);
    char list[200];
    snprintf(list, sizeof list, "/api/v1/integrity/cadres?sanction=in_effect&q=%s", person);
    r = cgt_get(list, lead);
    CGT_CHECK_STATUS(r, 200);
    CGT_CHECK_INT(1, cJSON_GetArraySize(cJSON_GetObjectItem(CGT_JSON_OBJECT(r), "items")),
                  "listed with a sanction in effect");
    cgt_response_free(r);
    char sql[200];
    snprintf(sql, sizeof sql,
             "SELECT influence_until_on - happened_on FROM records WHERE person_id = '%s'", person);
    long long days = cgt_psql_number("cg_integrity", sql);
    CGT_CHECK(days >= 364 + 28 && days <= 366 + 31, "13 months less a day (%lld days)", days);

    CGT_CHECK(cgt_psql("cg_integrity", "UPDATE service_clock SET offset_s = 400 * 86400") == 0,
              "move the clock");
    r = cgt_get(list, lead);
    CGT_CHECK_STATUS(r, 200);
    CGT_CHECK_INT(0, cJSON_GetArraySize(cJSON_GetObjectItem(CGT_JSON_OBJECT(r), "items")),
                  "no longer in effect after its period");
    cgt_response_free(r);
    cgt_psql("cg_integrity", "UPDATE service_clock SET offset_s = 0");
    /* Back to the default for the other tests. */
    cJSON_Delete(send_expect("POST", "/api/v1/integrity/settings/influence-periods", lead,
                             "{\"kind\":\"government_sanction\",\"measure\":\"demerit\","
                             "\"months\":12}",
                             200));
}

int main(void)
{
    cgt_init("integrity_files", CGT_NEED_GATEWAY);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_file_keeps_every_version),
        cmocka_unit_test(test_bad_input_stores_nothing),
        cmocka_unit_test(test_who_reads_what),
        cmocka_unit_test(test_influence_periods),
    };
    int failed = cmocka_run_group_tests_name("integrity_files", tests, setup, teardown);
    cgt_cleanup();
    return failed ? 1 : 0;
}
