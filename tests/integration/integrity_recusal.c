/* Relatives join recusal (亲属回避), through the API as the demo users: a
 * cadre's integrity file (廉政档案) names the east inspector as spouse and
 * the east lead as sibling; on a clue and a case about that cadre neither
 * is named handler, investigator or reviewer, and the lead decides
 * nothing (409 naming the relation, never the file), while everyone else
 * is; the spouse cannot register a clue they would handle. With the
 * integrity service stopped every such step answers 503 saying relatives
 * cannot be checked, at once, and stores nothing; steps that name nobody
 * (a proposal, a recusal) and clues without an identified subject go on.
 * With the integrity service frozen (SIGSTOP) a step waits no longer than
 * the case service's one bounded wait before it answers 503. */
#include "cgt.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>

/* Tokens and account ids of the demo accounts this test acts as. */
static char *lead_hq, *lead_east, *insp_east, *insp_hq, *intake_east;
static char lead_hq_id[37], lead_east_id[37], insp_east_id[37], insp_hq_id[37], intake_east_id[37];
static const struct {
    const char *username;
    char **token;
    char *id;
} ACCOUNTS[] = {
    {"lead", &lead_hq, lead_hq_id},
    {"lead.east", &lead_east, lead_east_id},
    {"inspector.east", &insp_east, insp_east_id},
    {"inspector", &insp_hq, insp_hq_id},
    {"intake.east", &intake_east, intake_east_id},
};
#define NACCOUNTS (sizeof ACCOUNTS / sizeof ACCOUNTS[0])
/* The cadre whose file names the relatives: its person id. */
static char cadre[40];
/* Whether a test left the integrity service stopped or frozen (its pid),
 * for the teardown. */
static bool integrity_down;
static pid_t integrity_frozen;

/* The demo account's id as its token reads it. */
static void account_id(const char *token, char out[37])
{
    cgt_response *r = cgt_get("/api/v1/auth/me", token);
    CGT_CHECK_STATUS(r, 200);
    snprintf(out, 37, "%s", CGT_JSON_STR(r->json, "id"));
    cgt_response_free(r);
}

/* CGT_POST() that must be refused with want, its detail holding each text of
 * says (NULL-terminated) and never the cadre's person id. */
static void refused(const char *token, const char *path, const char *body, long want,
                    const char *const *says)
{
    cgt_response *r = CGT_POST(token, path, body, want);
    const char *detail = CGT_JSON_STR(r->json, "detail");
    for (size_t i = 0; says[i] != NULL; i++)
        CGT_CHECK(strstr(detail, says[i]) != NULL, "%s refused saying \"%s\": %s", path, says[i],
                  detail);
    CGT_CHECK(strstr(detail, cadre) == NULL, "the file is not named: %s", detail);
    cgt_response_free(r);
}

/* A relative of the cadre: name, relation, the person id of their account. */
static void add_relative(const char *file_id, const char *relation, const char *person_id)
{
    char path[128], body[256];
    snprintf(path, sizeof path, "/api/v1/integrity/cadres/%s/relatives", file_id);
    snprintf(body, sizeof body, "{\"name\":\"亲属 %s\",\"relation\":\"%s\",\"person_id\":\"%s\"}",
             relation, relation, person_id);
    cgt_response_free(CGT_POST(lead_hq, path, body, 201));
}

static int group_setup(void **state)
{
    (void)state;
    for (size_t i = 0; i < NACCOUNTS; i++) {
        *ACCOUNTS[i].token = CGT_LOGIN(ACCOUNTS[i].username);
        account_id(*ACCOUNTS[i].token, ACCOUNTS[i].id);
    }

    /* A cadre of city A whose file names the east inspector as spouse and
     * the east lead as sibling (demo accounts carry HR-<USERNAME>). */
    char file_id[37];
    cgt_person_id("HR-RECUSAL", cadre);
    CGT_CREATE_CADRE(lead_hq, cadre, "city_a", file_id);
    add_relative(file_id, "spouse", "HR-INSPECTOR.EAST");
    add_relative(file_id, "sibling", "hr-lead.east");
    return 0;
}

static int group_teardown(void **state)
{
    (void)state;
    /* Whatever a failed check left stopped comes back. */
    if (integrity_down && cgt_stack("svc-start integrity") == 0)
        integrity_down = false;
    if (integrity_frozen > 0 && kill(integrity_frozen, SIGCONT) == 0)
        integrity_frozen = 0;
    for (size_t i = 0; i < NACCOUNTS; i++) {
        cgt_logout(*ACCOUNTS[i].token);
        *ACCOUNTS[i].token = NULL;
    }
    return 0;
}

/* A clue about the cadre at city A registered by the hq lead, who handles
 * it; its id into id. */
static void cadre_clue(char id[37])
{
    CGT_CREATE_CLUE(lead_hq, "city_a", cadre, id);
}

/* The clue's handler as the hq lead reads it, into out ("" for none). */
static void handler_of(const char *id, char out[37])
{
    cJSON *clue = CGT_GET_CLUE(lead_hq, id);
    const char *handler = cgt_json_str(clue, "handler_id");
    snprintf(out, 37, "%s", handler != NULL ? handler : "");
    cJSON_Delete(clue);
}

/* POST {"handler_id": who} to the clue's assign as token. */
static cgt_response *assign(const char *token, const char *id, const char *who, long want)
{
    char path[128], body[96];
    snprintf(path, sizeof path, "/api/v1/clues/%s/assign", id);
    snprintf(body, sizeof body, "{\"handler_id\":\"%s\"}", who);
    return CGT_POST(token, path, body, want);
}

/* Proposed for filing by the hq inspector (assigned its handler), approved
 * and filed by the hq lead: the case's id into case_id. */
static void cadre_case(char case_id[37])
{
    char id[37];
    cadre_clue(id);
    cgt_response_free(assign(lead_hq, id, insp_hq_id, 200));
    CGT_FILE_CASE(insp_hq, lead_hq, lead_hq, id, case_id);
}

/* Naming who (an account id) an investigator of the case as the hq lead is
 * refused with want saying each of says; the case keeps its one
 * investigator, the handler. */
static void investigator_refused(const char *case_id, const char *who, long want,
                                 const char *const *says)
{
    char path[128], body[96];
    snprintf(path, sizeof path, "/api/v1/cases/%s/investigators", case_id);
    snprintf(body, sizeof body, "{\"investigator_id\":\"%s\"}", who);
    refused(lead_hq, path, body, want, says);
    snprintf(path, sizeof path, "/api/v1/cases/%s", case_id);
    cgt_response *r = cgt_get(path, lead_hq);
    CGT_CHECK_STATUS(r, 200);
    CGT_CHECK_INT(1, cJSON_GetArraySize(cJSON_GetObjectItem(r->json, "investigators")),
                  "nobody was named beside the handler");
    cgt_response_free(r);
}

/* The spouse is not named handler, another is; the spouse cannot register
 * a clue about the cadre (they would handle it), an intake officer can. */
static void handler_not_a_relative(void **state)
{
    (void)state;
    char id[37], path[128], handler[37];
    cadre_clue(id);
    handler_of(id, handler);
    CGT_CHECK_STR(lead_hq_id, handler, "the registrant handles the clue");

    snprintf(path, sizeof path, "/api/v1/clues/%s/assign", id);
    char body[96];
    snprintf(body, sizeof body, "{\"handler_id\":\"%s\"}", insp_east_id);
    static const char *const spouse[] = {
        "that person is the spouse (配偶) of a subject of this clue", "cannot handle it", "回避",
        NULL};
    refused(lead_hq, path, body, 409, spouse);
    handler_of(id, handler);
    CGT_CHECK_STR(lead_hq_id, handler, "the handler stays");

    cgt_response_free(assign(lead_hq, id, insp_hq_id, 200));
    handler_of(id, handler);
    CGT_CHECK_STR(insp_hq_id, handler, "another inspector handles it");

    /* The sibling, a lead, neither assigns nor corrects the register (it
     * could take the cadre out of the subjects); the hq lead does. */
    snprintf(body, sizeof body, "{\"handler_id\":\"%s\"}", lead_hq_id);
    static const char *const sibling[] = {"you are a sibling (兄弟姐妹) of a subject of this clue",
                                          "cannot decide on it", NULL};
    refused(lead_east, path, body, 409, sibling);
    static const char edit[] = "{\"summary\":\"更正后的摘要\"}";
    cgt_response *r = cgt_patch_clue(lead_east, id, edit);
    CGT_CHECK_PROBLEM(r, 409);
    CGT_CHECK(strstr(CGT_JSON_STR(r->json, "detail"), sibling[0]) != NULL, "%s", r->body);
    cgt_response_free(r);
    r = cgt_patch_clue(lead_hq, id, edit);
    CGT_CHECK_STATUS(r, 200);
    cgt_response_free(r);
    handler_of(id, handler);
    CGT_CHECK_STR(insp_hq_id, handler, "the handler stays");

    /* The spouse registering a clue about the cadre would handle it. */
    r = cgt_post_clue(insp_east, "city_a", cadre);
    CGT_CHECK_PROBLEM(r, 409);
    CGT_CHECK(strstr(CGT_JSON_STR(r->json, "detail"), "you are the spouse (配偶)") != NULL,
              "the registrant is told: %s", r->body);
    cgt_response_free(r);
    /* An intake officer registers it and handles nothing. */
    char other[37];
    CGT_CREATE_CLUE(intake_east, "city_a", cadre, other);
    handler_of(other, handler);
    CGT_CHECK_STR("", handler, "no handler yet (null)");
    /* A clue about someone else: the spouse registers and handles it. */
    CGT_CREATE_CLUE(insp_east, "city_a", "HR-RECUSAL-NOBODY", other);
}

/* The sibling, a lead, decides nothing on the clue or the case: neither
 * approves the disposal nor files nor starts the review. The spouse is
 * named neither investigator nor reviewer; the hq lead reviews. */
static void investigator_reviewer_decider(void **state)
{
    (void)state;
    char id[37], path[160], body[160], case_id[37];
    static const char *const sibling[] = {"you are a sibling (兄弟姐妹) of a subject of this",
                                          "cannot decide on it", "回避", NULL};

    cadre_clue(id);
    cgt_response_free(assign(lead_hq, id, insp_hq_id, 200));
    snprintf(path, sizeof path, "/api/v1/clues/%s/disposal", id);
    cgt_response_free(
        CGT_POST(insp_hq, path, "{\"way\":\"propose_filing\",\"reason\":\"证据确凿\"}", 200));
    snprintf(path, sizeof path, "/api/v1/clues/%s/disposal/approve", id);
    refused(lead_east, path, "{}", 409, sibling);
    cJSON *clue = CGT_GET_CLUE(lead_hq, id);
    CGT_CHECK_STR("disposal_proposed", cgt_json_str(clue, "status"), "still waits");
    cJSON_Delete(clue);
    cgt_response_free(CGT_POST(lead_hq, path, "{}", 200));
    snprintf(path, sizeof path, "/api/v1/clues/%s/file", id);
    refused(lead_east, path, "{}", 409, sibling);
    cgt_response *r = CGT_POST(lead_hq, path, "{}", 200);
    snprintf(case_id, sizeof case_id, "%s", CGT_JSON_STR(r->json, "case_id"));
    cgt_response_free(r);

    /* Investigators: not the spouse. */
    static const char *const investigate[] = {
        "that person is the spouse (配偶) of a subject of this case", "cannot investigate it",
        NULL};
    investigator_refused(case_id, insp_east_id, 409, investigate);

    /* The investigation and its report, by the handler. */
    snprintf(path, sizeof path, "/api/v1/cases/%s/actions", case_id);
    cgt_response_free(CGT_POST(insp_hq, path, "{\"action\":\"start_investigation\"}", 200));
    snprintf(path, sizeof path, "/api/v1/cases/%s/measures", case_id);
    cgt_response_free(CGT_POST(insp_hq, path,
                               "{\"kind\":\"talk\",\"date\":\"2026-03-02\",\"who\":\"王调查\","
                               "\"summary\":\"与被反映人谈话\"}",
                               200));
    snprintf(path, sizeof path, "/api/v1/cases/%s/actions", case_id);
    cgt_response_free(
        CGT_POST(insp_hq, path, "{\"action\":\"submit_report\",\"report\":\"经查属实。\"}", 200));

    /* The review: not by the spouse, not opened by the sibling. */
    snprintf(body, sizeof body, "{\"action\":\"start_review\",\"reviewer_id\":\"%s\"}",
             insp_east_id);
    static const char *const review[] = {
        "that person is the spouse (配偶) of a subject of this case", "cannot review it", NULL};
    refused(lead_hq, path, body, 409, review);
    snprintf(body, sizeof body, "{\"action\":\"start_review\",\"reviewer_id\":\"%s\"}", lead_hq_id);
    refused(lead_east, path, body, 409, sibling);
    r = CGT_POST(lead_hq, path, body, 200);
    CGT_CHECK_STR("review", CGT_JSON_STR(r->json, "stage"), r->body);
    CGT_CHECK_STR(lead_hq_id, CGT_JSON_STR(r->json, "reviewer_id"), "the hq lead reviews");
    cgt_response_free(r);
}

/* How many clues of the case service name the cadre as a subject. */
static long long clues_about_cadre(void)
{
    char sql[256];
    snprintf(sql, sizeof sql,
             "SELECT count(*) FROM clues WHERE subjects @> "
             "jsonb_build_array(jsonb_build_object('person_id', '%s'))",
             cadre);
    return cgt_psql_number("cg_case", sql);
}

/* An assign of the spouse to clue arg that is refused for the relation
 * again: the integrity service answers. */
static bool integrity_answers(void *arg)
{
    char path[128], body[96];
    snprintf(path, sizeof path, "/api/v1/clues/%s/assign", (const char *)arg);
    snprintf(body, sizeof body, "{\"handler_id\":\"%s\"}", insp_east_id);
    cgt_response *r = cgt_post_raw(path, lead_hq, "application/json", body, strlen(body));
    CGT_CHECK(r->status == 409 || r->status == 503, "refused while it restarts: %ld %s", r->status,
              r->body);
    bool back = r->status == 409 && strstr(r->body, "spouse") != NULL;
    cgt_response_free(r);
    return back;
}

/* With the integrity service stopped, whoever would be named or decide on
 * a clue or case about the cadre is refused with 503, soon, and nothing is
 * stored; what names nobody goes on; once it is back the relation is
 * refused again. */
static void integrity_down_names_nobody(void **state)
{
    (void)state;
    char id[37], fresh[37], case_id[37], path[160], body[160], handler[37];
    cadre_clue(id);
    cadre_clue(fresh);
    cadre_case(case_id);
    long long before = clues_about_cadre();
    CGT_CHECK(before >= 2, "clues about the cadre are counted: %lld", before);

    CGT_STACK("svc-stop integrity");
    integrity_down = true;
    static const char *const unchecked[] = {"relatives cannot be checked now", "unchecked",
                                            "try again", NULL};

    /* Naming a handler, even one who is nobody's relative. */
    snprintf(path, sizeof path, "/api/v1/clues/%s/assign", id);
    snprintf(body, sizeof body, "{\"handler_id\":\"%s\"}", insp_hq_id);
    cgt_response *r = CGT_POST(lead_hq, path, body, 503);
    CGT_CHECK(r->seconds < 4.0, "a stopped integrity service costs a bounded wait: %.2f s",
              r->seconds);
    cgt_response_free(r);
    refused(lead_hq, path, body, 503, unchecked);
    handler_of(id, handler);
    CGT_CHECK_STR(lead_hq_id, handler, "nobody was assigned");

    /* Registering a clue its registrant would handle. */
    r = cgt_post_clue(lead_hq, "city_a", cadre);
    CGT_CHECK_PROBLEM(r, 503);
    CGT_CHECK(strstr(CGT_JSON_STR(r->json, "detail"), "relatives cannot be checked") != NULL, "%s",
              r->body);
    cgt_response_free(r);
    CGT_CHECK_INT(before, clues_about_cadre(), "no clue was stored");

    /* An intake officer's clue names no handler; a clue about nobody
     * identified asks nothing. */
    char other[37];
    CGT_CREATE_CLUE(intake_east, "city_a", cadre, other);
    CGT_CREATE_CLUE(lead_hq, "city_a", NULL, other);

    /* A proposal names nobody and goes on; its approval waits. */
    cgt_response_free(assign(lead_hq, other, insp_hq_id, 200));
    snprintf(path, sizeof path, "/api/v1/clues/%s/disposal", id);
    cgt_response_free(CGT_POST(lead_hq, path, "{\"way\":\"shelve\",\"reason\":\"暂无线索\"}", 200));
    snprintf(path, sizeof path, "/api/v1/clues/%s/disposal/approve", id);
    refused(lead_east, path, "{}", 503, unchecked);
    cJSON *clue = CGT_GET_CLUE(lead_hq, id);
    CGT_CHECK_STR("disposal_proposed", cgt_json_str(clue, "status"), "the approval waits");
    cJSON_Delete(clue);

    /* Naming an investigator of the case. */
    investigator_refused(case_id, lead_hq_id, 503, unchecked);

    /* Whoever finds a conflict can always step back. */
    snprintf(path, sizeof path, "/api/v1/clues/%s/recuse", id);
    cgt_response_free(CGT_POST(insp_east, path, "{\"reason\":\"与被反映人系夫妻关系\"}", 200));

    CGT_STACK("svc-start integrity");
    integrity_down = false;
    CGT_CHECK(cgt_eventually(CGT_DEADLINE_MS, CGT_POLL_MS, integrity_answers, fresh),
              "the relation is refused again once the integrity service is back");
}

/* The integrity service's process, from the stack's pid file. */
static pid_t integrity_pid(void)
{
    char path[512];
    long pid = 0;
    snprintf(path, sizeof path, "%s/run/integrity.pid", getenv("CG_STATE"));
    FILE *f = fopen(path, "r");
    CGT_CHECK(f != NULL, "open %s: %s", path, strerror(errno));
    if (fscanf(f, "%ld", &pid) != 1)
        pid = 0;
    fclose(f);
    CGT_CHECK(pid > 0, "a pid in %s", path);
    return (pid_t)pid;
}

/* An integrity service that takes the question and never answers (its
 * process stopped with SIGSTOP): an assign, which asks about the lead and
 * then about the person named, answers 503 after one wait of the case
 * service's CG_CASE_INTEGRITY_TIMEOUT_MS (2 s here, shared by all the
 * questions of a step), well inside the gateway's 5 s; nothing is stored. */
static void integrity_silent_bounded_wait(void **state)
{
    (void)state;
    char id[37], handler[37];
    cadre_clue(id);
    pid_t pid = integrity_pid();
    fprintf(stderr, "[stack] kill -STOP integrity (pid %ld)\n", (long)pid);
    CGT_CHECK(kill(pid, SIGSTOP) == 0, "kill -STOP integrity: %s", strerror(errno));
    integrity_frozen = pid;

    cgt_response *r = assign(lead_hq, id, insp_hq_id, 503);
    CGT_CHECK(strstr(CGT_JSON_STR(r->json, "detail"), "relatives cannot be checked") != NULL, "%s",
              r->body);
    CGT_CHECK(r->seconds >= 1.5 && r->seconds < 3.5, "one bounded wait of about 2 s: %.2f s",
              r->seconds);
    cgt_response_free(r);
    handler_of(id, handler);
    CGT_CHECK_STR(lead_hq_id, handler, "nobody was assigned");

    CGT_CHECK(kill(pid, SIGCONT) == 0, "kill -CONT integrity: %s", strerror(errno));
    integrity_frozen = 0;
    fprintf(stderr, "[stack] kill -CONT integrity (pid %ld)\n", (long)pid);
    CGT_CHECK(cgt_eventually(CGT_DEADLINE_MS, CGT_POLL_MS, integrity_answers, id),
              "the relation is refused again once the integrity service answers");
}

CGT_MAIN("integrity_recusal", CGT_NEED_STACK,
         cmocka_unit_test_setup_teardown(handler_not_a_relative, group_setup, group_teardown),
         cmocka_unit_test_setup_teardown(investigator_reviewer_decider, group_setup,
                                         group_teardown),
         cmocka_unit_test_setup_teardown(integrity_down_names_nobody, group_setup, group_teardown),
         cmocka_unit_test_setup_teardown(integrity_silent_bounded_wait, group_setup,
                                         group_teardown))
