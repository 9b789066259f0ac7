/* Every route against every role. The expected matrix is read from
 * docs/access.md, which is generated from the gateway's route and role
 * tables (a unit test keeps the two equal), so a route added to the table
 * is tested here at once: the test fails until it knows how to call the
 * route. Each demo account logs in and calls every route: an allowed call
 * succeeds (2xx), any other is 403, and without a valid token every route
 * that needs a login is 401. The brief's decisions are checked on top of
 * the file, so a change to the tables that breaks one fails here even when
 * the file was regenerated.
 *
 * Then the two provincial companies: inspector.east (hq.east) sees nothing
 * of hq.west, neither listed nor by id, while hq sees both. */
#include "cgt.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* --- the expected matrix, from docs/access.md -------------------------- */

#define MAX_ROUTES 256
#define MAX_ROLES 16

typedef struct doc_route {
    char method[16];
    char pattern[160];
    char perm[64];
    bool allowed[MAX_ROLES]; /* by column of doc_roles */
} doc_route;

static doc_route doc_routes[MAX_ROUTES];
static size_t doc_nroutes;
static char doc_roles[MAX_ROLES][32];
static size_t doc_nroles;

/* docs/access.md of the checkout this file was built from. */
static void doc_path(char *out, size_t size)
{
    static const char self[] = "tests/integration/role_matrix.c";
    snprintf(out, size, "%s", __FILE__);
    size_t n = strlen(out);
    if (n < sizeof(self) - 1 || strcmp(out + n - (sizeof(self) - 1), self) != 0)
        CGT_FAIL("cannot find the checkout from __FILE__ \"%s\"", __FILE__);
    snprintf(out + n - (sizeof(self) - 1), size - (n - (sizeof(self) - 1)), "docs/access.md");
}

/* Split a markdown table row "| a | `b` | c |" into its cells, trimmed and
 * without backticks; returns how many. */
static size_t split_row(char *line, char *cells[], size_t max)
{
    size_t n = 0;
    char *p = strchr(line, '|');
    while (p != NULL && n < max) {
        char *start = p + 1;
        char *end = strchr(start, '|');
        if (end == NULL)
            break;
        *end = '\0';
        while (*start == ' ' || *start == '`')
            start++;
        char *last = end;
        while (last > start && (last[-1] == ' ' || last[-1] == '`'))
            *--last = '\0';
        cells[n++] = start;
        p = end;
    }
    return n;
}

static void load_matrix(void)
{
    char path[1024];
    char line[2048];
    char *cells[3 + MAX_ROLES + 1];
    doc_path(path, sizeof path);
    FILE *f = fopen(path, "r");
    CGT_CHECK(f != NULL, "cannot read %s", path);
    bool in_table = false;
    doc_nroutes = doc_nroles = 0;
    while (fgets(line, sizeof line, f) != NULL) {
        line[strcspn(line, "\n")] = '\0';
        if (!in_table) {
            if (strncmp(line, "| method | path | permission |", 30) != 0)
                continue;
            size_t n = split_row(line, cells, sizeof cells / sizeof cells[0]);
            CGT_CHECK(n > 3 && n - 3 <= MAX_ROLES, "%zu columns in the matrix header", n);
            for (size_t i = 3; i < n; i++)
                snprintf(doc_roles[doc_nroles++], sizeof doc_roles[0], "%s", cells[i]);
            in_table = true;
            continue;
        }
        if (strncmp(line, "| --- ", 6) == 0)
            continue;
        if (line[0] != '|')
            break;
        size_t n = split_row(line, cells, sizeof cells / sizeof cells[0]);
        CGT_CHECK(n == 3 + doc_nroles, "a matrix row has %zu cells, want %zu: %s", n,
                  3 + doc_nroles, line);
        CGT_CHECK(doc_nroutes < MAX_ROUTES, "more than %d routes", MAX_ROUTES);
        doc_route *r = &doc_routes[doc_nroutes++];
        snprintf(r->method, sizeof r->method, "%s", cells[0]);
        snprintf(r->pattern, sizeof r->pattern, "%s", cells[1]);
        snprintf(r->perm, sizeof r->perm, "%s", cells[2]);
        for (size_t i = 0; i < doc_nroles; i++) {
            CGT_CHECK(strcmp(cells[3 + i], "yes") == 0 || strcmp(cells[3 + i], "no") == 0,
                      "a matrix cell is yes or no, got \"%s\" in: %s", cells[3 + i], line);
            r->allowed[i] = strcmp(cells[3 + i], "yes") == 0;
        }
    }
    fclose(f);
    CGT_CHECK(in_table && doc_nroutes > 0, "%s has no route matrix", path);
}

static size_t role_column(const char *role)
{
    for (size_t i = 0; i < doc_nroles; i++)
        if (strcmp(doc_roles[i], role) == 0)
            return i;
    CGT_FAIL("docs/access.md has no column for the role %s", role);
}

/* --- the accounts --------------------------------------------------------- */

/* Every demo account (services/gateway/src/handlers/seed.c) and its role. */
static struct {
    const char *user;
    const char *role;
    char *token;
} accounts[] = {
    {"admin", "admin", NULL},
    {"inspector", "inspector", NULL},
    {"lead", "inspection_lead", NULL},
    {"inspector.east", "inspector", NULL},
    {"intake", "intake_officer", NULL},
    {"custodian", "custodian", NULL},
    {"unitlead.east", "unit_leader", NULL},
    {"cadre.east", "cadre", NULL},
    {"auditor", "auditor", NULL},
    {"hr.east", "hr", NULL},
};
#define NACCOUNTS (sizeof accounts / sizeof accounts[0])

static const char *token_of(const char *user)
{
    for (size_t i = 0; i < NACCOUNTS; i++)
        if (strcmp(accounts[i].user, user) == 0)
            return accounts[i].token;
    CGT_FAIL("no demo account %s", user);
}

static int group_setup(void **state)
{
    (void)state;
    load_matrix();
    for (size_t i = 0; i < NACCOUNTS; i++)
        accounts[i].token = CGT_LOGIN(accounts[i].user);
    return 0;
}

static int group_teardown(void **state)
{
    (void)state;
    for (size_t i = 0; i < NACCOUNTS; i++) {
        cgt_logout(accounts[i].token);
        accounts[i].token = NULL;
    }
    return 0;
}

/* --- how to call each route ------------------------------------------------ */

/* What the sample calls share: a clue every clue reader of hq and hq.east
 * may see, a receipt, and the reports the calls submit (awaited as clues at
 * the end, so no clue of this test is still on its way when the next test
 * counts clues). */
static char fixture_clue_id[64];
static cgt_report fixture_report;
static char submitted[64][64];
static size_t nsubmitted;

/* Call the route as user with token (both NULL: no login) and return the
 * answer. */
typedef cgt_response *(*sample_fn)(const char *token, const char *user);

static cgt_response *call_healthz(const char *token, const char *user)
{
    (void)user;
    return cgt_get("/healthz", token);
}

static cgt_response *call_readyz(const char *token, const char *user)
{
    (void)user;
    return cgt_get("/readyz", token);
}

static cgt_response *call_openapi(const char *token, const char *user)
{
    (void)user;
    cgt_response *r = cgt_get("/api/v1/openapi.yaml", token);
    if (r->status == 200)
        CGT_CHECK(strncmp(r->body, "# ", 2) == 0 && strstr(r->body, "\nopenapi: 3.1") != NULL,
                  "/api/v1/openapi.yaml is the OpenAPI document: %.80s", r->body);
    return r;
}

static cgt_response *call_login(const char *token, const char *user)
{
    cJSON *b = cJSON_CreateObject();
    cJSON_AddStringToObject(b, "username", user ? user : "inspector");
    cJSON_AddStringToObject(b, "password", cgt_demo_password());
    cgt_response *r = cgt_post_json("/api/v1/auth/login", token, b);
    cJSON_Delete(b);
    const char *fresh = cgt_json_str(r->json, "token");
    if (r->status == 200 && fresh != NULL)
        cgt_logout(strdup(fresh));
    return r;
}

/* Logout revokes the token it is called with, so a call as an account
 * spends a fresh session of that account, never the one the test goes on
 * with. Without an account (no token, a forged one) token is sent as is. */
static cgt_response *call_logout(const char *token, const char *user)
{
    char *fresh = user ? CGT_LOGIN(user) : NULL;
    cgt_response *r = cgt_post_raw("/api/v1/auth/logout", user ? fresh : token, NULL, NULL, 0);
    free(fresh);
    return r;
}

static cgt_response *call_me(const char *token, const char *user)
{
    cgt_response *r = cgt_get("/api/v1/auth/me", token);
    if (r->status == 200)
        CGT_CHECK_STR(user, cgt_json_str(r->json, "username"), "username of /auth/me");
    return r;
}

/* A password change with the test's own token: it ends the account's other
 * sessions only, and the password goes straight back to the demo one. */
static cgt_response *call_change_password(const char *token, const char *user)
{
    static const char tmp[] = "role-matrix-password";
    cJSON *b = cJSON_CreateObject();
    cJSON_AddStringToObject(b, "current_password", cgt_demo_password());
    cJSON_AddStringToObject(b, "new_password", tmp);
    cgt_response *r = cgt_post_json("/api/v1/auth/password", token, b);
    cJSON_Delete(b);
    if (r->status == 204) {
        b = cJSON_CreateObject();
        cJSON_AddStringToObject(b, "current_password", tmp);
        cJSON_AddStringToObject(b, "new_password", cgt_demo_password());
        cgt_response *back = cgt_post_json("/api/v1/auth/password", token, b);
        cJSON_Delete(b);
        CGT_CHECK(back->status == 204, "%s gets the demo password back: %ld", user, back->status);
        cgt_response_free(back);
    }
    return r;
}

/* --- the administration routes -------------------------------------------
 * Each call as an account that may (admin) must succeed; the calls that act
 * on a unit or an account make a fresh one first, with the same token, so
 * nothing the other tests use changes. As any other account the making
 * fails (403) and a made-up code or id stands in: the dispatcher refuses
 * before the handler looks at it. */

static cgt_response *send_json(const char *method, const char *path, const char *token,
                               const char *json)
{
    char auth[128];
    snprintf(auth, sizeof auth, "Authorization: Bearer %s", token ? token : "");
    const char *headers[] = {"Content-Type: application/json", token ? auth : NULL, NULL};
    return cgt_request(method, path, headers, json, json ? strlen(json) : 0);
}

/* POST a new org unit under east with token; its code goes into code[32]. */
static cgt_response *post_unit(const char *token, char code[32])
{
    char hex[13], body[256];
    cgt_token_hex(hex, 12);
    snprintf(code, 32, "rm_%s", hex);
    snprintf(body, sizeof body,
             "{\"code\":\"%s\",\"name\":\"Role matrix unit\",\"name_zh\":\"测试单位\","
             "\"parent\":\"east\"}",
             code);
    return send_json("POST", "/api/v1/org-units", token, body);
}

/* POST a new cadre account in east with token. */
static cgt_response *post_account(const char *token)
{
    char hex[13], body[256];
    cgt_token_hex(hex, 12);
    snprintf(body, sizeof body,
             "{\"username\":\"rm.%s\",\"display_name\":\"Role matrix\",\"roles\":[\"cadre\"],"
             "\"org_unit\":\"east\",\"password\":\"role-matrix-password\"}",
             hex);
    return send_json("POST", "/api/v1/accounts", token, body);
}

/* A new account made with token; its id (or a made-up one when token may
 * not make it) goes into id[37]. */
static void make_account(const char *token, char id[37])
{
    cgt_response *r = post_account(token);
    const char *made = r->status == 201 ? cgt_json_str(r->json, "id") : NULL;
    if (made != NULL)
        snprintf(id, 37, "%s", made);
    else
        cgt_uuid(id);
    cgt_response_free(r);
}

static cgt_response *call_list_units(const char *token, const char *user)
{
    (void)user;
    return cgt_get("/api/v1/org-units?limit=5", token);
}

static cgt_response *call_create_unit(const char *token, const char *user)
{
    (void)user;
    char code[32];
    return post_unit(token, code);
}

static cgt_response *call_unit_act(const char *token, const char *method, const char *suffix,
                                   const char *body)
{
    char code[32], path[128];
    cgt_response_free(post_unit(token, code));
    snprintf(path, sizeof path, "/api/v1/org-units/%s%s", code, suffix);
    return send_json(method, path, token, body);
}

static cgt_response *call_rename_unit(const char *token, const char *user)
{
    (void)user;
    return call_unit_act(token, "PATCH", "", "{\"name\":\"Renamed unit\"}");
}

static cgt_response *call_move_unit(const char *token, const char *user)
{
    (void)user;
    return call_unit_act(token, "POST", "/move", "{\"parent\":\"west\"}");
}

static cgt_response *call_retire_unit(const char *token, const char *user)
{
    (void)user;
    return call_unit_act(token, "POST", "/retire", NULL);
}

static cgt_response *call_get_unit(const char *token, const char *user)
{
    (void)user;
    return call_unit_act(token, "GET", "", NULL);
}

static cgt_response *call_import_units(const char *token, const char *user)
{
    (void)user;
    char hex[13], body[256];
    cgt_token_hex(hex, 12);
    snprintf(body, sizeof body,
             "{\"units\":[{\"code\":\"rmi_%s\",\"name\":\"Imported\",\"name_zh\":\"导入\","
             "\"parent\":\"east\"}]}",
             hex);
    return send_json("POST", "/api/v1/org-units/import", token, body);
}

static cgt_response *call_list_accounts(const char *token, const char *user)
{
    (void)user;
    return cgt_get("/api/v1/accounts?limit=5", token);
}

static cgt_response *call_create_account(const char *token, const char *user)
{
    (void)user;
    return post_account(token);
}

static cgt_response *call_account_act(const char *token, const char *method, const char *suffix,
                                      const char *body)
{
    char id[37], path[128];
    make_account(token, id);
    snprintf(path, sizeof path, "/api/v1/accounts/%s%s", id, suffix);
    return send_json(method, path, token, body);
}

static cgt_response *call_get_account(const char *token, const char *user)
{
    (void)user;
    return call_account_act(token, "GET", "", NULL);
}

static cgt_response *call_update_account(const char *token, const char *user)
{
    (void)user;
    return call_account_act(token, "PATCH", "", "{\"roles\":[\"unit_leader\"]}");
}

static cgt_response *call_lock_account(const char *token, const char *user)
{
    (void)user;
    return call_account_act(token, "POST", "/lock", NULL);
}

static cgt_response *call_unlock_account(const char *token, const char *user)
{
    (void)user;
    return call_account_act(token, "POST", "/unlock", NULL);
}

static cgt_response *call_disable_account(const char *token, const char *user)
{
    (void)user;
    return call_account_act(token, "POST", "/disable", NULL);
}

static cgt_response *call_reset_password(const char *token, const char *user)
{
    (void)user;
    return call_account_act(token, "POST", "/password",
                            "{\"new_password\":\"another-role-matrix-password\"}");
}

static cgt_response *call_submit(const char *token, const char *user)
{
    (void)user;
    cJSON *b = cgt_report_body("role-matrix", "city_a");
    cgt_response *r = cgt_post_json("/api/v1/public/reports", token, b);
    cJSON_Delete(b);
    const char *id = cgt_json_str(r->json, "report_id");
    if (r->status == 201 && id != NULL && nsubmitted < sizeof submitted / sizeof submitted[0])
        snprintf(submitted[nsubmitted++], sizeof submitted[0], "%s", id);
    return r;
}

static cgt_response *call_report_status(const char *token, const char *user)
{
    (void)user;
    cJSON *b = cJSON_CreateObject();
    cJSON_AddStringToObject(b, "receipt", fixture_report.receipt);
    cgt_response *r = cgt_post_json("/api/v1/public/reports/status", token, b);
    cJSON_Delete(b);
    return r;
}

static cgt_response *call_public_unit(const char *token, const char *user)
{
    (void)user;
    return cgt_get("/api/v1/public/units/east", token);
}

static cgt_response *call_list_clues(const char *token, const char *user)
{
    (void)user;
    return cgt_get("/api/v1/clues", token);
}

static cgt_response *call_clue_statistics(const char *token, const char *user)
{
    (void)user;
    return cgt_get("/api/v1/clues/statistics?unit_code=city_a", token);
}

static cgt_response *call_case_statistics(const char *token, const char *user)
{
    (void)user;
    return cgt_get("/api/v1/cases/statistics?unit_code=city_a", token);
}

static cgt_response *call_get_clue(const char *token, const char *user)
{
    (void)user;
    char path[128];
    snprintf(path, sizeof path, "/api/v1/clues/%s", fixture_clue_id);
    return cgt_get(path, token);
}

static cgt_response *call_list_audit(const char *token, const char *user)
{
    (void)user;
    return cgt_get("/api/v1/audit?limit=5", token);
}

static cgt_response *call_verify_audit(const char *token, const char *user)
{
    (void)user;
    return cgt_get("/api/v1/audit/verify", token);
}

/* --- the clue register and its steps -------------------------------
 * Each call works on fresh clues in city_a (inside hq and hq.east), made by
 * the caller when it may register clues (it then handles them) and by the
 * hq inspector otherwise, so an allowed call finds the clue in the stage its
 * step needs. */

static void sample_clue(const char *token, char id[37])
{
    cgt_response *r = cgt_post_clue(token, "city_a", NULL);
    const char *made = r->status == 201 ? cgt_json_str(r->json, "id") : NULL;
    if (made != NULL)
        snprintf(id, 37, "%s", made);
    else
        CGT_CREATE_CLUE(token_of("inspector"), "city_a", NULL, id);
    cgt_response_free(r);
}

/* A clue of the hq inspector with a pending shelve proposal. */
static void proposed_clue(char id[37])
{
    CGT_CREATE_CLUE(token_of("inspector"), "city_a", NULL, id);
    cgt_response *r = cgt_clue_act(token_of("inspector"), id, "/disposal",
                                   "{\"way\":\"shelve\",\"reason\":\"rm\"}");
    CGT_CHECK_STATUS(r, 200);
    cgt_response_free(r);
}

static cgt_response *call_create_clue(const char *token, const char *user)
{
    (void)user;
    return cgt_post_clue(token, "city_a", NULL);
}

static cgt_response *call_propose(const char *token, const char *user)
{
    (void)user;
    char id[37];
    sample_clue(token, id);
    return cgt_clue_act(token, id, "/disposal", "{\"way\":\"shelve\",\"reason\":\"rm\"}");
}

static cgt_response *call_approve(const char *token, const char *user)
{
    (void)user;
    char id[37];
    proposed_clue(id);
    return cgt_clue_act(token, id, "/disposal/approve", NULL);
}

static cgt_response *call_reject(const char *token, const char *user)
{
    (void)user;
    char id[37];
    proposed_clue(id);
    return cgt_clue_act(token, id, "/disposal/reject", "{\"reason\":\"rm\"}");
}

static cgt_response *call_assign(const char *token, const char *user)
{
    (void)user;
    char id[37], body[128];
    cgt_response *r = cgt_post_clue(token_of("inspector"), "city_a", NULL);
    CGT_CHECK_STATUS(r, 201);
    snprintf(id, sizeof id, "%s", CGT_JSON_STR(r->json, "id"));
    snprintf(body, sizeof body, "{\"handler_id\":\"%s\"}", CGT_JSON_STR(r->json, "handler_id"));
    cgt_response_free(r);
    return cgt_clue_act(token, id, "/assign", body);
}

/* A clue that holds back its subject's name, registered by the inspector
 * (whose account id goes into account) and the name's key into name. */
static void held_clue(char id[37], char name[128], char account[37])
{
    cgt_response *r = cgt_post_clue(token_of("inspector"), "city_a", NULL);
    CGT_CHECK_STATUS(r, 201);
    snprintf(id, 37, "%s", CGT_JSON_STR(r->json, "id"));
    snprintf(account, 37, "%s", CGT_JSON_STR(r->json, "handler_id"));
    cgt_response_free(r);
    /* The reply of a registration shows the clue as inserted: read it for
     * the names it holds. */
    cJSON *clue = CGT_GET_CLUE(token_of("lead"), id);
    const cJSON *held = cJSON_GetObjectItemCaseSensitive(clue, "held_names");
    const char *key = cJSON_GetStringValue(cJSON_GetArrayItem(held, 0));
    snprintf(name, 128, "%s", key != NULL ? key : "");
    cJSON_Delete(clue);
}

static cgt_response *call_confirm_subject(const char *token, const char *user)
{
    (void)user;
    char id[37], name[128], account[37], body[300];
    held_clue(id, name, account);
    snprintf(body, sizeof body, "{\"name\":\"%s\",\"account_id\":\"%s\"}", name, account);
    return cgt_clue_act(token, id, "/subjects/confirm", body);
}

static cgt_response *call_clear_subject(const char *token, const char *user)
{
    (void)user;
    char id[37], name[128], account[37], body[200];
    held_clue(id, name, account);
    snprintf(body, sizeof body, "{\"name\":\"%s\"}", name);
    return cgt_clue_act(token, id, "/subjects/clear", body);
}

static cgt_response *call_recuse(const char *token, const char *user)
{
    (void)user;
    char id[37];
    sample_clue(token, id);
    return cgt_clue_act(token, id, "/recuse", "{\"reason\":\"rm\"}");
}

static cgt_response *call_pair(const char *token, const char *suffix, const char *key)
{
    char a[37], b[37], body[128];
    sample_clue(token, a);
    sample_clue(token, b);
    snprintf(body, sizeof body, "{\"%s\":\"%s\"}", key, b);
    return cgt_clue_act(token, a, suffix, body);
}

static cgt_response *call_link(const char *token, const char *user)
{
    (void)user;
    return call_pair(token, "/link", "clue_id");
}

static cgt_response *call_merge(const char *token, const char *user)
{
    (void)user;
    return call_pair(token, "/merge", "into");
}

static cgt_response *call_reopen(const char *token, const char *user)
{
    (void)user;
    char id[37];
    proposed_clue(id);
    cgt_response *r = cgt_clue_act(token_of("lead"), id, "/disposal/approve", NULL);
    CGT_CHECK_STATUS(r, 200);
    cgt_response_free(r);
    return cgt_clue_act(token, id, "/reopen", "{\"reason\":\"rm\"}");
}

static cgt_response *call_edit_clue(const char *token, const char *user)
{
    (void)user;
    char id[37];
    sample_clue(token, id);
    return cgt_patch_clue(token, id, "{\"summary\":\"rm\"}");
}

/* A clue of the hq inspector in filing_proposed: proposed by the inspector,
 * approved by the hq lead. */
static void filing_clue(char id[37])
{
    CGT_CREATE_CLUE(token_of("inspector"), "city_a", NULL, id);
    cgt_response *r = cgt_clue_act(token_of("inspector"), id, "/disposal",
                                   "{\"way\":\"propose_filing\",\"reason\":\"rm\"}");
    CGT_CHECK_STATUS(r, 200);
    cgt_response_free(r);
    r = cgt_clue_act(token_of("lead"), id, "/disposal/approve", NULL);
    CGT_CHECK_STATUS(r, 200);
    cgt_response_free(r);
}

static cgt_response *call_file(const char *token, const char *user)
{
    (void)user;
    char id[37];
    filing_clue(id);
    return cgt_clue_act(token, id, "/file", NULL);
}

/* "/api/v1/cases/<a case just filed><suffix>" into path. */
static void filed_case_path(const char *suffix, char *path, size_t size)
{
    char id[37];
    filing_clue(id);
    cgt_response *r = cgt_clue_act(token_of("lead"), id, "/file", NULL);
    CGT_CHECK_STATUS(r, 200);
    snprintf(path, size, "/api/v1/cases/%s%s", CGT_JSON_STR(r->json, "case_id"), suffix);
    cgt_response_free(r);
}

static cgt_response *call_get_case(const char *token, const char *user)
{
    (void)user;
    char path[128];
    filed_case_path("", path, sizeof path);
    return cgt_get(path, token);
}

static cgt_response *call_case_dossier(const char *token, const char *suffix)
{
    char path[160], tail[32];
    snprintf(tail, sizeof tail, "/dossier%s", suffix);
    filed_case_path(tail, path, sizeof path);
    return cgt_get(path, token);
}

/* The case samples name the caller an investigator first (case_at): the
 * investigators' actions are theirs. */
static void case_at(const char *token, bool name, const char *to, char base[128]);
static cgt_response *post_under(const char *token, const char *base, const char *suffix,
                                const char *body);

static cgt_response *call_case_action(const char *token, const char *user)
{
    (void)user;
    char base[128];
    case_at(token, true, "filed", base);
    return post_under(token, base, "/actions", "{\"action\":\"start_investigation\"}");
}

static cgt_response *call_case_measure(const char *token, const char *user)
{
    (void)user;
    char base[128];
    case_at(token, true, "investigation", base);
    return post_under(token, base, "/measures",
                      "{\"kind\":\"talk\",\"date\":\"2026-01-05\",\"who\":\"rm\","
                      "\"summary\":\"rm\"}");
}

static cgt_response *call_list_case_dossier(const char *token, const char *user)
{
    (void)user;
    return call_case_dossier(token, "");
}

static cgt_response *call_verify_case_dossier(const char *token, const char *user)
{
    (void)user;
    return call_case_dossier(token, "/verify");
}

static cgt_response *call_dossier(const char *token, const char *suffix)
{
    char id[37], path[128];
    CGT_CREATE_CLUE(token_of("inspector"), "city_a", NULL, id);
    snprintf(path, sizeof path, "/api/v1/clues/%s/dossier%s", id, suffix);
    return cgt_get(path, token);
}

static cgt_response *call_list_dossier(const char *token, const char *user)
{
    (void)user;
    return call_dossier(token, "");
}

static cgt_response *call_verify_dossier(const char *token, const char *user)
{
    (void)user;
    return call_dossier(token, "/verify");
}

/* Documents and the dossier export, of a clue and of a case: a small PDF
 * under a name of the caller's own (a new link, so 201), and a download of
 * one the inspector added first. */
static char fixture_case_id[37];
static char fixture_doc_sha[2][80]; /* [0] on the clue, [1] on the case */

/* "/api/v1/clues/<fixture clue>" or "/api/v1/cases/<fixture case>", the
 * case filed on first use. */
static const char *document_file(bool of_case, char *out, size_t size)
{
    if (of_case && fixture_case_id[0] == '\0') {
        char id[37];
        filing_clue(id);
        cgt_response *r = cgt_clue_act(token_of("lead"), id, "/file", NULL);
        CGT_CHECK_STATUS(r, 200);
        snprintf(fixture_case_id, sizeof fixture_case_id, "%s", CGT_JSON_STR(r->json, "case_id"));
        cgt_response_free(r);
    }
    snprintf(out, size, "/api/v1/%s/%s", of_case ? "cases" : "clues",
             of_case ? fixture_case_id : fixture_clue_id);
    return out;
}

static cgt_response *add_document(const char *token, const char *user, bool of_case)
{
    static const char pdf[] = "%PDF-1.4\n% role matrix sample\n";
    char file[128], path[256];
    snprintf(path, sizeof path, "%s/documents?name=role-matrix-%s.pdf",
             document_file(of_case, file, sizeof file), user ? user : "nobody");
    return cgt_post_raw(path, token, "application/pdf", pdf, sizeof pdf - 1);
}

static cgt_response *get_under(const char *token, bool of_case, const char *suffix)
{
    char file[128], path[256];
    snprintf(path, sizeof path, "%s%s", document_file(of_case, file, sizeof file), suffix);
    return cgt_get(path, token);
}

static cgt_response *download_document(const char *token, bool of_case)
{
    char suffix[160];
    char *sha = fixture_doc_sha[of_case];
    if (sha[0] == '\0') {
        cgt_response *added = add_document(token_of("inspector"), "fixture", of_case);
        CGT_CHECK(added->status == 200 || added->status == 201, "add the fixture document: %s",
                  added->body);
        snprintf(sha, sizeof fixture_doc_sha[0], "%s",
                 CGT_JSON_STR(CGT_JSON_OBJECT(added), "sha256"));
        cgt_response_free(added);
    }
    snprintf(suffix, sizeof suffix, "/documents/content?sha256=%s", sha);
    return get_under(token, of_case, suffix);
}

static cgt_response *call_add_document(const char *token, const char *user)
{
    return add_document(token, user, false);
}

static cgt_response *call_list_documents(const char *token, const char *user)
{
    (void)user;
    return get_under(token, false, "/documents");
}

static cgt_response *call_download_document(const char *token, const char *user)
{
    (void)user;
    return download_document(token, false);
}

static cgt_response *call_export_dossier(const char *token, const char *user)
{
    (void)user;
    return get_under(token, false, "/dossier/export");
}

static cgt_response *call_add_case_document(const char *token, const char *user)
{
    return add_document(token, user, true);
}

static cgt_response *call_list_case_documents(const char *token, const char *user)
{
    (void)user;
    return get_under(token, true, "/documents");
}

static cgt_response *call_download_case_document(const char *token, const char *user)
{
    (void)user;
    return download_document(token, true);
}

static cgt_response *call_export_case_dossier(const char *token, const char *user)
{
    (void)user;
    return get_under(token, true, "/dossier/export");
}

/* --- investigators, items, the extension, the case list ---------- */

/* The account id of the user with token into out ("" when the token is
 * NULL or not a live session). */
static void account_of(const char *token, char out[37])
{
    out[0] = '\0';
    if (token == NULL)
        return;
    cgt_response *r = cgt_get("/api/v1/auth/me", token);
    if (r->status == 200)
        snprintf(out, 37, "%s", CGT_JSON_STR(r->json, "id"));
    cgt_response_free(r);
}

/* POST body to base + suffix as the hq lead; fails unless 200. */
static void lead_posts(const char *base, const char *suffix, const char *body)
{
    char path[192];
    snprintf(path, sizeof path, "%s%s", base, suffix);
    cgt_response *r = cgt_post_raw(path, token_of("lead"), "application/json", body, strlen(body));
    CGT_CHECK_STATUS(r, 200);
    cgt_response_free(r);
}

/* A case just filed (the hq inspector's clue, so the inspector is its first
 * investigator) moved by the hq lead to stage `to`: filed, investigation,
 * review or disposition_decided (review and later with one item about its
 * subject). When name is set, the lead first names the caller (token) an
 * investigator if it can be one. Its path into base. */
static void case_at(const char *token, bool name, const char *to, char base[128])
{
    char caller[37], reviewer[37], body[256];
    filed_case_path("", base, 128);
    account_of(token, caller);
    if (name && caller[0] != '\0') {
        /* Refused (ignored) for the handler and for the other roles. */
        char path[192];
        snprintf(path, sizeof path, "%s/investigators", base);
        snprintf(body, sizeof body, "{\"investigator_id\":\"%s\"}", caller);
        cgt_response_free(
            cgt_post_raw(path, token_of("lead"), "application/json", body, strlen(body)));
    }
    if (strcmp(to, "filed") == 0)
        return;
    lead_posts(base, "/actions", "{\"action\":\"start_investigation\"}");
    if (strcmp(to, "investigation") == 0)
        return;
    lead_posts(base, "/measures",
               "{\"kind\":\"talk\",\"date\":\"2026-01-05\",\"who\":\"rm\",\"summary\":\"rm\"}");
    lead_posts(base, "/actions", "{\"action\":\"submit_report\",\"report\":\"rm\"}");
    /* A reviewer who is not the caller, who may have been named. */
    account_of(token_of("lead"), reviewer);
    if (strcmp(reviewer, caller) == 0)
        account_of(token_of("inspector.east"), reviewer);
    snprintf(body, sizeof body, "{\"action\":\"start_review\",\"reviewer_id\":\"%s\"}", reviewer);
    lead_posts(base, "/actions", body);
    cgt_response *r = cgt_get(base, token_of("lead"));
    CGT_CHECK_STATUS(r, 200);
    const cJSON *subject = cJSON_GetArrayItem(cJSON_GetObjectItem(r->json, "subjects"), 0);
    snprintf(body, sizeof body,
             "{\"kind\":\"party_discipline\",\"measure\":\"warning\",\"subject\":\"%s\"}",
             cgt_json_str(subject, "name"));
    cgt_response_free(r);
    lead_posts(base, "/items", body);
    if (strcmp(to, "disposition_decided") == 0)
        lead_posts(base, "/actions", "{\"action\":\"decide_disposition\"}");
}

/* POST body to base + suffix as token. */
static cgt_response *post_under(const char *token, const char *base, const char *suffix,
                                const char *body)
{
    char path[192];
    snprintf(path, sizeof path, "%s%s", base, suffix);
    return cgt_post_raw(path, token, "application/json", body, strlen(body));
}

/* The id of the case's first item into out. */
static void first_item(const char *base, char out[37])
{
    cgt_response *r = cgt_get(base, token_of("lead"));
    CGT_CHECK_STATUS(r, 200);
    const cJSON *item = cJSON_GetArrayItem(cJSON_GetObjectItem(r->json, "items"), 0);
    snprintf(out, 37, "%s", cgt_json_str(item, "id"));
    cgt_response_free(r);
}

static cgt_response *call_list_cases(const char *token, const char *user)
{
    (void)user;
    return cgt_get("/api/v1/cases?limit=5", token);
}

static cgt_response *call_add_investigator(const char *token, const char *user)
{
    (void)user;
    char base[128], id[37], body[96];
    case_at(NULL, false, "filed", base);
    account_of(token_of("inspector.east"), id);
    snprintf(body, sizeof body, "{\"investigator_id\":\"%s\"}", id);
    return post_under(token, base, "/investigators", body);
}

static cgt_response *call_remove_investigator(const char *token, const char *user)
{
    (void)user;
    char base[128], id[37], body[96];
    case_at(NULL, false, "filed", base);
    account_of(token_of("inspector.east"), id);
    snprintf(body, sizeof body, "{\"investigator_id\":\"%s\"}", id);
    lead_posts(base, "/investigators", body);
    return post_under(token, base, "/investigators/remove", body);
}

static cgt_response *call_add_item(const char *token, const char *user)
{
    (void)user;
    char base[128];
    case_at(NULL, false, "review", base);
    return post_under(token, base, "/items",
                      "{\"kind\":\"rectification\",\"text\":\"rm\",\"unit_code\":\"city_a\","
                      "\"deadline\":\"2026-12-31\"}");
}

static cgt_response *call_remove_item(const char *token, const char *user)
{
    (void)user;
    char base[128], id[37], body[96];
    case_at(NULL, false, "review", base);
    first_item(base, id);
    snprintf(body, sizeof body, "{\"item_id\":\"%s\"}", id);
    return post_under(token, base, "/items/remove", body);
}

static cgt_response *call_execute_item(const char *token, const char *user)
{
    (void)user;
    char base[128], id[37], body[128];
    case_at(token, true, "disposition_decided", base);
    first_item(base, id);
    snprintf(body, sizeof body, "{\"item_id\":\"%s\",\"date\":\"2026-02-01\"}", id);
    return post_under(token, base, "/items/execute", body);
}

static cgt_response *call_request_extension(const char *token, const char *user)
{
    (void)user;
    char base[128];
    case_at(token, true, "investigation", base);
    return post_under(token, base, "/extension", "{\"days\":10,\"reason\":\"rm\"}");
}

/* A case in investigation whose extension the hq inspector requested. */
static void extension_asked(char base[128])
{
    case_at(NULL, false, "investigation", base);
    cgt_response *r =
        post_under(token_of("inspector"), base, "/extension", "{\"days\":10,\"reason\":\"rm\"}");
    CGT_CHECK_STATUS(r, 200);
    cgt_response_free(r);
}

static cgt_response *call_approve_extension(const char *token, const char *user)
{
    (void)user;
    char base[128];
    extension_asked(base);
    return post_under(token, base, "/extension/approve", "{}");
}

static cgt_response *call_reject_extension(const char *token, const char *user)
{
    (void)user;
    char base[128];
    extension_asked(base);
    return post_under(token, base, "/extension/reject", "{\"reason\":\"rm\"}");
}

static cgt_response *call_recuse_case(const char *token, const char *user)
{
    (void)user;
    char path[128];
    filed_case_path("/recuse", path, sizeof path);
    static const char body[] = "{\"reason\":\"rm\"}";
    return cgt_post_raw(path, token, "application/json", body, strlen(body));
}

/* The people lookup. */
static cgt_response *call_list_people(const char *token, const char *user)
{
    (void)user;
    return cgt_get("/api/v1/people?role=inspector&limit=5", token);
}

/* --- rectification (整改) ---------------------------------------------- */

/* The province of a demo account's unit: 1 for west, 0 otherwise (hq and
 * east see east's city_a). */
static int province_of(const char *user)
{
    return user != NULL && strstr(user, ".west") != NULL ? 1 : 0;
}

/* A task in the caller's province at stage, kept for the next call until
 * a call changes it (use_task()). */
static char task_cache[2][CGT_TASK_CLOSED + 1][37];

static const char *task_for(const char *user, cgt_task_stage stage)
{
    char *id = task_cache[province_of(user)][stage];
    if (id[0] == '\0')
        CGT_RECTIFY_TASK(province_of(user) ? "city_c" : "city_a", stage, id);
    return id;
}

/* A step as token on the task of stage; a step that succeeded used the
 * task up, so the next caller gets a fresh one. */
static cgt_response *task_step(const char *token, const char *user, cgt_task_stage stage,
                               const char *suffix, const char *body)
{
    char id[37];
    snprintf(id, sizeof id, "%s", task_for(user, stage));
    cgt_response *r = cgt_rectify_step(token, id, suffix, body);
    if (r->status >= 200 && r->status < 300)
        task_cache[province_of(user)][stage][0] = '\0';
    return r;
}

/* GET /api/v1/rectify/tasks/<a closed task of the province><suffix>. */
static cgt_response *get_task_under(const char *token, const char *user, const char *suffix)
{
    char path[256];
    snprintf(path, sizeof path, "/api/v1/rectify/tasks/%s%s", task_for(user, CGT_TASK_CLOSED),
             suffix);
    return cgt_get(path, token);
}

/* A field of the province's closed task, as the hq lead reads it, into out. */
static void task_field(const char *user, const char *field, char *out, size_t size)
{
    cJSON *task = CGT_GET_TASK(token_of("lead"), task_for(user, CGT_TASK_CLOSED));
    if (strcmp(field, "sha256") == 0)
        snprintf(
            out, size, "%s",
            cgt_json_str(cJSON_GetArrayItem(cJSON_GetObjectItem(task, "evidence"), 0), "sha256"));
    else
        snprintf(out, size, "%s", cgt_json_str(task, field));
    cJSON_Delete(task);
}

static cgt_response *call_list_batches(const char *token, const char *user)
{
    (void)user;
    return cgt_get("/api/v1/rectify/batches?limit=5", token);
}

static cgt_response *call_create_batch(const char *token, const char *user)
{
    char body[256], ref[17];
    cgt_token_hex(ref, 16);
    snprintf(body, sizeof body,
             "{\"source\":\"audit\",\"source_ref\":\"rm-%s\",\"title\":\"role matrix\","
             "\"unit_code\":\"%s\",\"feedback_on\":\"2026-11-01\"}",
             ref, province_of(user) ? "city_c" : "city_a");
    return cgt_post_raw("/api/v1/rectify/batches", token, "application/json", body, strlen(body));
}

/* POST body to /api/v1/rectify/<kind>s/<the closed task's kind>/<suffix>. */
static cgt_response *post_under_task(const char *token, const char *user, const char *field,
                                     const char *collection, const char *suffix, const char *body)
{
    char id[37], path[192];
    task_field(user, field, id, sizeof id);
    snprintf(path, sizeof path, "/api/v1/rectify/%s/%s%s", collection, id, suffix);
    return cgt_post_raw(path, token, "application/json", body, strlen(body));
}

static cgt_response *call_get_batch(const char *token, const char *user)
{
    char id[37], path[128];
    task_field(user, "batch_id", id, sizeof id);
    snprintf(path, sizeof path, "/api/v1/rectify/batches/%s", id);
    return cgt_get(path, token);
}

static cgt_response *call_add_problem(const char *token, const char *user)
{
    return post_under_task(token, user, "batch_id", "batches", "/problems",
                           "{\"description\":\"role matrix problem\"}");
}

static cgt_response *call_add_responsibility(const char *token, const char *user)
{
    return post_under_task(token, user, "batch_id", "batches", "/responsibilities",
                           "{\"person\":\"rm\",\"duty\":\"主体责任\"}");
}

static cgt_response *call_add_task(const char *token, const char *user)
{
    char body[128];
    snprintf(body, sizeof body, "{\"text\":\"rm\",\"unit_code\":\"%s\",\"leader\":\"rm\"}",
             province_of(user) ? "city_c" : "city_a");
    return post_under_task(token, user, "problem_id", "problems", "/tasks", body);
}

static cgt_response *call_list_tasks(const char *token, const char *user)
{
    (void)user;
    return cgt_get("/api/v1/rectify/tasks?limit=5&sort=deadline", token);
}

/* A cadre reads only the tasks naming it responsible: for one, a task of
 * the province's problem led by the caller's own account (made once per
 * account by the hq lead); for everyone else the province's closed task. */
static cgt_response *call_get_task(const char *token, const char *user)
{
    static char led[2][37], led_by[2][37];
    if (user == NULL || strncmp(user, "cadre", 5) != 0)
        return get_task_under(token, user, "");
    int p = province_of(user);
    char me[37], problem[37], path[192], body[256];
    account_of(token, me);
    if (strcmp(led_by[p], me) != 0) {
        task_field(user, "problem_id", problem, sizeof problem);
        snprintf(path, sizeof path, "/api/v1/rectify/problems/%s/tasks", problem);
        snprintf(body, sizeof body,
                 "{\"text\":\"rm\",\"unit_code\":\"%s\",\"leader\":\"rm\","
                 "\"leader_account_id\":\"%s\"}",
                 p ? "city_c" : "city_a", me);
        cgt_response *r =
            cgt_post_raw(path, token_of("lead"), "application/json", body, strlen(body));
        CGT_CHECK_STATUS(r, 201);
        snprintf(led[p], sizeof led[p], "%s", CGT_JSON_STR(CGT_JSON_OBJECT(r), "id"));
        snprintf(led_by[p], sizeof led_by[p], "%s", me);
        cgt_response_free(r);
    }
    snprintf(path, sizeof path, "/api/v1/rectify/tasks/%s", led[p]);
    return cgt_get(path, token);
}

static cgt_response *call_plan_task(const char *token, const char *user)
{
    return task_step(token, user, CGT_TASK_ASSIGNED, "/plan",
                     "{\"measures\":[{\"text\":\"rm\",\"milestone_on\":\"2026-12-01\"}]}");
}

static cgt_response *call_add_task_document(const char *token, const char *user)
{
    static const char pdf[] = "%PDF-1.4\n% role matrix task\n1 0 obj<<>>endobj\n%%EOF\n";
    char path[192];
    snprintf(path, sizeof path, "/api/v1/rectify/tasks/%s/documents?name=rm-%s.pdf",
             task_for(user, CGT_TASK_IN_PROGRESS), user ? user : "nobody");
    return cgt_post_raw(path, token, "application/pdf", pdf, sizeof pdf - 1);
}

static cgt_response *call_add_evidence(const char *token, const char *user)
{
    char body[256], path[192], pdf[128], mark[17];
    const char *id = task_for(user, CGT_TASK_IN_PROGRESS);
    /* A document of its own, added by the unit's leader, for each call. */
    cgt_token_hex(mark, 16);
    int n = snprintf(pdf, sizeof pdf, "%%PDF-1.4\n%% rm %s\n1 0 obj<<>>endobj\n%%%%EOF\n", mark);
    snprintf(path, sizeof path, "/api/v1/rectify/tasks/%s/documents?name=rm.pdf", id);
    cgt_response *added =
        cgt_post_raw(path, token_of(province_of(user) ? "unitlead.west" : "unitlead.east"),
                     "application/pdf", pdf, (size_t)n);
    CGT_CHECK_STATUS(added, 201);
    snprintf(body, sizeof body,
             "{\"measure\":1,\"sha256\":\"%s\",\"effective_on\":\"2026-11-01\","
             "\"description\":\"rm\"}",
             CGT_JSON_STR(CGT_JSON_OBJECT(added), "sha256"));
    cgt_response_free(added);
    return task_step(token, user, CGT_TASK_IN_PROGRESS, "/evidence", body);
}

static cgt_response *call_request_closure(const char *token, const char *user)
{
    return task_step(token, user, CGT_TASK_IN_PROGRESS, "/closure-request", "{}");
}

static cgt_response *call_verify_task(const char *token, const char *user)
{
    return task_step(token, user, CGT_TASK_CLOSURE_REQUESTED, "/verify", "{\"party\":\"office\"}");
}

static cgt_response *call_reject_task(const char *token, const char *user)
{
    return task_step(token, user, CGT_TASK_CLOSURE_REQUESTED, "/reject",
                     "{\"party\":\"office\",\"reason\":\"rm\"}");
}

static cgt_response *call_close_task(const char *token, const char *user)
{
    return task_step(token, user, CGT_TASK_VERIFIED, "/close", "{}");
}

/* The province's closed task drawn for a re-check (by the hq lead), once. */
static void drawn_for_recheck(const char *user)
{
    char batch[37], body[128];
    cJSON *task = CGT_GET_TASK(token_of("lead"), task_for(user, CGT_TASK_CLOSED));
    bool drawn = cgt_json_str(task, "recheck_state") != NULL;
    snprintf(batch, sizeof batch, "%s", cgt_json_str(task, "batch_id"));
    cJSON_Delete(task);
    if (drawn)
        return;
    snprintf(body, sizeof body, "{\"batch_id\":\"%s\",\"share_percent\":100}", batch);
    cgt_response *r = cgt_post_raw("/api/v1/rectify/rechecks", token_of("lead"), "application/json",
                                   body, strlen(body));
    CGT_CHECK_STATUS(r, 201);
    cgt_response_free(r);
}

static cgt_response *call_recheck_task(const char *token, const char *user)
{
    drawn_for_recheck(user);
    return task_step(token, user, CGT_TASK_CLOSED, "/recheck", "{\"finding\":\"rm\"}");
}

static cgt_response *call_relapse_task(const char *token, const char *user)
{
    return task_step(token, user, CGT_TASK_CLOSED, "/relapse", "{\"finding\":\"rm\"}");
}

static cgt_response *call_draw_rechecks(const char *token, const char *user)
{
    char body[96];
    snprintf(body, sizeof body, "{\"unit_code\":\"%s\",\"share_percent\":10}",
             province_of(user) ? "city_c" : "city_a");
    return cgt_post_raw("/api/v1/rectify/rechecks", token, "application/json", body, strlen(body));
}

static cgt_response *call_rectify_statistics(const char *token, const char *user)
{
    (void)user;
    return cgt_get("/api/v1/rectify/statistics?stage=closed", token);
}

/* A new batch of the province, by the hq lead, and one row of lists
 * imported into it: problem 1 each time. */
static cgt_response *call_import_lists(const char *token, const char *user)
{
    char batch[37], csv[256];
    const char *unit = province_of(user) ? "city_c" : "city_a";
    CGT_CREATE_BATCH(token_of("lead"), unit, "2026-11-01", batch);
    snprintf(csv, sizeof csv,
             "problem_no,problem,task,unit_code,leader\r\n1,role matrix problem,role matrix "
             "task,%s,rm\r\n",
             unit);
    return cgt_import_batch(token, batch, csv);
}

static cgt_response *call_export_ledger(const char *token, const char *user)
{
    (void)user;
    return cgt_get("/api/v1/rectify/tasks/export?format=csv&stage=closed&unit_code=city_b", token);
}

static cgt_response *call_rectify_settings(const char *token, const char *user)
{
    (void)user;
    return cgt_get("/api/v1/rectify/settings", token);
}

/* The rules as they were: an audit's two months and one party. */
static cgt_response *call_set_source_rule(const char *token, const char *user)
{
    (void)user;
    static const char body[] = "{\"name\":\"audit\",\"report_months\":2,"
                               "\"parties\":[\"office\"]}";
    return cgt_post_raw("/api/v1/rectify/settings/sources", token, "application/json", body,
                        strlen(body));
}

static cgt_response *call_set_recheck_categories(const char *token, const char *user)
{
    (void)user;
    static const char body[] = "{\"categories\":[]}";
    return cgt_post_raw("/api/v1/rectify/settings/recheck-categories", token, "application/json",
                        body, strlen(body));
}

static cgt_response *call_list_task_documents(const char *token, const char *user)
{
    return get_task_under(token, user, "/documents");
}

static cgt_response *call_download_task_document(const char *token, const char *user)
{
    char sha[72], suffix[128];
    task_field(user, "sha256", sha, sizeof sha);
    snprintf(suffix, sizeof suffix, "/documents/content?sha256=%s", sha);
    return get_task_under(token, user, suffix);
}

static cgt_response *call_task_dossier(const char *token, const char *user)
{
    return get_task_under(token, user, "/dossier");
}

static cgt_response *call_verify_task_dossier(const char *token, const char *user)
{
    return get_task_under(token, user, "/dossier/verify");
}

static cgt_response *call_export_task_dossier(const char *token, const char *user)
{
    return get_task_under(token, user, "/dossier/export");
}

/* --- integrity files (廉政档案) ------------------------------------------ */

/* A cadre's file of city_a, which hq and east read, with a relative and a
 * document, made by the hq lead once per run. */
static char cadre_file[37];
static char cadre_relative[37];
static char cadre_sha[72];

static cgt_response *add_cadre_document(const char *token, char sha[72])
{
    char pdf[128], path[192], mark[17];
    cgt_token_hex(mark, 16);
    int n =
        snprintf(pdf, sizeof pdf, "%%PDF-1.4\n%% rm cadre %s\n1 0 obj<<>>endobj\n%%%%EOF\n", mark);
    snprintf(path, sizeof path, "/api/v1/integrity/cadres/%s/documents?name=rm-audit.pdf",
             cadre_file);
    cgt_response *r = cgt_post_raw(path, token, "application/pdf", pdf, (size_t)n);
    if (sha != NULL && r->status == 201)
        snprintf(sha, 72, "%s", CGT_JSON_STR(CGT_JSON_OBJECT(r), "sha256"));
    return r;
}

/* A new relative of the fixture's file, as the hq lead adds it; its id
 * into id. */
static void new_relative(char id[37])
{
    char path[128];
    snprintf(path, sizeof path, "/api/v1/integrity/cadres/%s/relatives", cadre_file);
    cgt_response *r = cgt_send_json("POST", path, token_of("lead"),
                                    "{\"name\":\"rm 亲属\",\"relation\":\"sibling\"}");
    CGT_CHECK_STATUS(r, 201);
    const cJSON *all = cJSON_GetObjectItem(CGT_JSON_OBJECT(r), "relatives");
    snprintf(id, 37, "%s",
             cgt_json_str(cJSON_GetArrayItem(all, cJSON_GetArraySize(all) - 1), "id"));
    cgt_response_free(r);
}

/* The person of the fixture's file. */
static char cadre_person[40];

static const char *cadre_fixture(void)
{
    if (cadre_file[0] != '\0')
        return cadre_file;
    cgt_person_id("RM", cadre_person);
    CGT_CREATE_CADRE(token_of("lead"), cadre_person, "city_a", cadre_file);
    new_relative(cadre_relative);
    cgt_response *r = add_cadre_document(token_of("lead"), cadre_sha);
    CGT_CHECK_STATUS(r, 201);
    cgt_response_free(r);
    /* The demo cadre of the east has a file to read as its own. */
    cgt_response_free(cgt_send_json("POST", "/api/v1/integrity/cadres", token_of("lead"),
                                    "{\"person_id\":\"HR-CADRE.EAST\",\"name\":\"华东干部\","
                                    "\"unit_code\":\"city_a\"}"));
    return cadre_file;
}

static cgt_response *cadre_get(const char *token, const char *suffix)
{
    char path[192];
    snprintf(path, sizeof path, "/api/v1/integrity/cadres/%s%s", cadre_fixture(), suffix);
    return cgt_get(path, token);
}

static cgt_response *cadre_send(const char *token, const char *method, const char *suffix,
                                const char *body)
{
    char path[192];
    snprintf(path, sizeof path, "/api/v1/integrity/cadres/%s%s", cadre_fixture(), suffix);
    return cgt_send_json(method, path, token, body);
}

static cgt_response *call_list_cadres(const char *token, const char *user)
{
    (void)user;
    return cgt_get("/api/v1/integrity/cadres?limit=5&key_position=any", token);
}

static cgt_response *call_create_cadre(const char *token, const char *user)
{
    (void)user;
    char person[40], body[256];
    cgt_person_id("RM", person);
    snprintf(body, sizeof body,
             "{\"person_id\":\"%s\",\"name\":\"rm 干部\",\"unit_code\":\"city_a\"}", person);
    return cgt_send_json("POST", "/api/v1/integrity/cadres", token, body);
}

/* A file of one new cadre imported. */
static cgt_response *call_import_cadres(const char *token, const char *user)
{
    (void)user;
    char person[40], csv[256];
    cgt_person_id("RM", person);
    snprintf(csv, sizeof csv, "person_id,name,unit_code\r\n%s,rm 导入干部,city_a\r\n", person);
    return cgt_post_raw("/api/v1/integrity/cadres/import", token, "text/csv", csv, strlen(csv));
}

static cgt_response *call_get_cadre(const char *token, const char *user)
{
    (void)user;
    return cadre_get(token, "");
}

static cgt_response *call_update_cadre(const char *token, const char *user)
{
    (void)user;
    char mark[9], body[96];
    cgt_token_hex(mark, 8);
    snprintf(body, sizeof body, "{\"position\":\"rm %s\"}", mark);
    return cadre_send(token, "PATCH", "", body);
}

static cgt_response *call_cadre_history(const char *token, const char *user)
{
    (void)user;
    return cadre_get(token, "/history");
}

static cgt_response *call_add_relative(const char *token, const char *user)
{
    (void)user;
    return cadre_send(token, "POST", "/relatives", "{\"name\":\"rm 子女\",\"relation\":\"child\"}");
}

static cgt_response *call_set_relative(const char *token, const char *user)
{
    (void)user;
    char path[128];
    cadre_fixture();
    snprintf(path, sizeof path, "/api/v1/integrity/relatives/%s", cadre_relative);
    return cgt_send_json("PUT", path, token,
                         "{\"name\":\"rm 亲属\",\"relation\":\"sibling\",\"employer\":\"rm\"}");
}

/* Each removal takes a relative of its own: one removed is gone. */
static cgt_response *call_remove_relative(const char *token, const char *user)
{
    (void)user;
    char id[37], path[128];
    cadre_fixture();
    new_relative(id);
    snprintf(path, sizeof path, "/api/v1/integrity/relatives/%s/remove", id);
    return cgt_send_json("POST", path, token, "{\"reason\":\"rm\"}");
}

static cgt_response *call_add_record(const char *token, const char *user)
{
    (void)user;
    return cadre_send(token, "POST", "/records",
                      "{\"section\":\"talk\",\"title\":\"rm 谈话\",\"happened_on\":"
                      "\"2026-01-05\"}");
}

static cgt_response *call_own_file(const char *token, const char *user)
{
    (void)user;
    cadre_fixture();
    return cgt_get("/api/v1/integrity/me", token);
}

static cgt_response *call_integrity_settings(const char *token, const char *user)
{
    (void)user;
    return cgt_get("/api/v1/integrity/settings", token);
}

/* Sets a period to its default: the other tests see no change. */
static cgt_response *call_set_influence_period(const char *token, const char *user)
{
    (void)user;
    return cgt_send_json("POST", "/api/v1/integrity/settings/influence-periods", token,
                         "{\"kind\":\"government_sanction\",\"measure\":\"warning\","
                         "\"months\":6}");
}

static cgt_response *call_add_cadre_document(const char *token, const char *user)
{
    (void)user;
    cadre_fixture();
    return add_cadre_document(token, NULL);
}

static cgt_response *call_list_cadre_documents(const char *token, const char *user)
{
    (void)user;
    return cadre_get(token, "/documents");
}

static cgt_response *call_download_cadre_document(const char *token, const char *user)
{
    (void)user;
    char suffix[128];
    cadre_fixture();
    snprintf(suffix, sizeof suffix, "/documents/content?sha256=%s", cadre_sha);
    return cadre_get(token, suffix);
}

static cgt_response *call_cadre_dossier(const char *token, const char *user)
{
    (void)user;
    return cadre_get(token, "/dossier");
}

static cgt_response *call_verify_cadre_dossier(const char *token, const char *user)
{
    (void)user;
    return cadre_get(token, "/dossier/verify");
}

static cgt_response *call_export_cadre_dossier(const char *token, const char *user)
{
    (void)user;
    return cadre_get(token, "/dossier/export");
}

/* The report rounds the samples open: each a year of its own for the
 * east, from 2000 on (the reports test uses later years of city_a and
 * city_b); the fixture round is east's of 2100. */
static int next_round_year = 2000;
static char round_fixture_id[37];

static const char *round_fixture(void)
{
    if (round_fixture_id[0] != '\0')
        return round_fixture_id;
    cgt_response *r =
        cgt_send_json("POST", "/api/v1/integrity/rounds", token_of("lead"),
                      "{\"year\":2100,\"unit_code\":\"east\",\"due_on\":\"2101-01-31\"}");
    if (r->status != 201) {
        cgt_response_free(r);
        r = cgt_get("/api/v1/integrity/rounds?year=2100", token_of("lead"));
        CGT_CHECK_STATUS(r, 200);
        snprintf(round_fixture_id, sizeof round_fixture_id, "%s",
                 cgt_json_str(cJSON_GetArrayItem(cJSON_GetObjectItem(r->json, "rounds"), 0), "id"));
    } else {
        snprintf(round_fixture_id, sizeof round_fixture_id, "%s", CGT_JSON_STR(r->json, "id"));
    }
    cgt_response_free(r);
    return round_fixture_id;
}

static cgt_response *call_report_form(const char *token, const char *user)
{
    (void)user;
    return cgt_get("/api/v1/integrity/report-form", token);
}

static cgt_response *call_own_report_form(const char *token, const char *user)
{
    (void)user;
    return cgt_get("/api/v1/integrity/me/report-form", token);
}

static cgt_response *call_list_rounds(const char *token, const char *user)
{
    (void)user;
    return cgt_get("/api/v1/integrity/rounds", token);
}

static cgt_response *call_open_round(const char *token, const char *user)
{
    (void)user;
    char body[128];
    /* After the east's latest round below the fixture's (a developer's
     * stack keeps the rounds of earlier runs). */
    if (next_round_year == 2000)
        next_round_year = (int)cgt_psql_number(
            "cg_integrity", "SELECT coalesce(max(year), 1999) + 1 FROM report_rounds"
                            " WHERE org_path = 'hq.east' AND year < 2100");
    snprintf(body, sizeof body, "{\"year\":%d,\"unit_code\":\"east\",\"due_on\":\"%d-01-31\"}",
             next_round_year, next_round_year + 1);
    cgt_response *r = cgt_send_json("POST", "/api/v1/integrity/rounds", token, body);
    if (r->status == 201)
        next_round_year++;
    return r;
}

static cgt_response *call_round_cadres(const char *token, const char *user)
{
    (void)user;
    char path[128];
    snprintf(path, sizeof path, "/api/v1/integrity/rounds/%s/cadres", round_fixture());
    return cgt_get(path, token);
}

static cgt_response *call_cadre_reports(const char *token, const char *user)
{
    (void)user;
    return cadre_get(token, "/reports");
}

static cgt_response *call_own_report(const char *token, const char *user)
{
    (void)user;
    cadre_fixture();
    return cgt_get("/api/v1/integrity/me/report?year=2099", token);
}

static cgt_response *call_save_own_report(const char *token, const char *user)
{
    (void)user;
    cadre_fixture();
    char *body = cgt_full_report(2099, "90");
    cgt_response *r = cgt_send_json("PUT", "/api/v1/integrity/me/report", token, body);
    free(body);
    return r;
}

/* A submission needs a saved report: the caller saves one (a correction
 * once the year's first is in) and submits it with a reason. */
static cgt_response *call_submit_own_report(const char *token, const char *user)
{
    (void)user;
    cgt_response_free(call_save_own_report(token, user));
    return cgt_send_json("POST", "/api/v1/integrity/me/report/submit", token,
                         "{\"year\":2099,\"correction_reason\":\"rm\"}");
}

/* Verification (查核): a draw of the fixture's file for a year of its own,
 * made by the hq lead once per run; every decide or conclude sample then
 * needs a comparison of its own, which a fresh verification gives. */
static int next_verify_year = 2000;

/* A verification of cadre.east's file for a year of its own, compared,
 * with one finding: its id and its finding's into vid and fid (fid NULL:
 * drawn, not compared). cadre.east submits the year's report first, as a
 * comparison needs one. */
static void compared_verification(char vid[37], char fid[37])
{
    char body[512], path[160], own_id[37];
    /* A year cadre.east has not reported, below those the reports test
     * uses (a developer's stack keeps the years of earlier runs). */
    if (next_verify_year == 2000)
        next_verify_year = cgt_unreported_year();
    int year = next_verify_year++;
    cadre_fixture();
    cgt_response *r = cgt_get("/api/v1/integrity/cadres?q=HR-CADRE.EAST", token_of("lead"));
    CGT_CHECK_STATUS(r, 200);
    snprintf(own_id, sizeof own_id, "%s",
             cgt_json_str(cJSON_GetArrayItem(cJSON_GetObjectItem(r->json, "items"), 0), "id"));
    cgt_response_free(r);
    char *report = cgt_full_report(year, "90");
    cgt_response_free(
        cgt_send_json("PUT", "/api/v1/integrity/me/report", token_of("cadre.east"), report));
    free(report);
    snprintf(body, sizeof body, "{\"year\":%d,\"correction_reason\":\"rm\"}", year);
    r = cgt_send_json("POST", "/api/v1/integrity/me/report/submit", token_of("cadre.east"), body);
    CGT_CHECK_STATUS(r, 200);
    cgt_response_free(r);
    snprintf(body, sizeof body,
             "{\"year\":%d,\"item\":\"salary\",\"fields\":[{\"name\":\"annual_yuan\","
             "\"value\":\"1\"}]}",
             year);
    snprintf(path, sizeof path, "/api/v1/integrity/cadres/%s/references", own_id);
    r = cgt_send_json("POST", path, token_of("lead"), body);
    CGT_CHECK_STATUS(r, 201);
    cgt_response_free(r);
    snprintf(body, sizeof body,
             "{\"year\":%d,\"unit_code\":\"city_a\",\"share_percent\":1,\"key_cadres\":[{"
             "\"cadre_id\":\"%s\",\"reason\":\"reserve_cadre\"}]}",
             year, own_id);
    r = cgt_send_json("POST", "/api/v1/integrity/verification-draws", token_of("lead"), body);
    CGT_CHECK_STATUS(r, 201);
    cgt_response_free(r);
    snprintf(path, sizeof path, "/api/v1/integrity/verifications?year=%d", year);
    r = cgt_get(path, token_of("lead"));
    CGT_CHECK_STATUS(r, 200);
    const cJSON *v =
        cgt_find_where(cJSON_GetObjectItem(r->json, "verifications"), "cadre_id", own_id);
    CGT_CHECK(v != NULL, "cadre.east's verification of %d", year);
    snprintf(vid, 37, "%s", cgt_json_str(v, "id"));
    cgt_response_free(r);
    if (fid == NULL)
        return;
    snprintf(path, sizeof path, "/api/v1/integrity/verifications/%s/compare", vid);
    r = cgt_send_json("POST", path, token_of("lead"), "{}");
    CGT_CHECK_STATUS(r, 200);
    snprintf(fid, 37, "%s",
             cgt_json_str(cJSON_GetArrayItem(cJSON_GetObjectItem(r->json, "findings"), 0), "id"));
    cgt_response_free(r);
}

static cgt_response *call_draw_verifications(const char *token, const char *user)
{
    (void)user;
    char body[128];
    /* A year no other test verifies in: a draw of its own is all this is. */
    snprintf(body, sizeof body, "{\"year\":%d,\"unit_code\":\"city_a\",\"share_percent\":1}", 2095);
    return cgt_send_json("POST", "/api/v1/integrity/verification-draws", token, body);
}

static cgt_response *call_add_reference(const char *token, const char *user)
{
    (void)user;
    return cadre_send(token, "POST", "/references",
                      "{\"year\":2001,\"item\":\"housing\",\"fields\":[{\"name\":\"owner\","
                      "\"value\":\"rm\"},{\"name\":\"address\",\"value\":\"rm\"},{\"name\":"
                      "\"area_m2\",\"value\":\"1\"}]}");
}

/* A file of one reference record of the fixture's cadre imported. */
static cgt_response *call_import_references(const char *token, const char *user)
{
    (void)user;
    char csv[256];
    cadre_fixture();
    snprintf(csv, sizeof csv,
             "person_id,year,item,owner,address,area_m2\r\n%s,2001,housing,rm,rm,1\r\n",
             cadre_person);
    return cgt_post_raw("/api/v1/integrity/references/import", token, "text/csv", csv, strlen(csv));
}

static cgt_response *call_list_verifications(const char *token, const char *user)
{
    (void)user;
    return cgt_get("/api/v1/integrity/verifications?state=compared", token);
}

static char verification_fixture[37];

static cgt_response *call_get_verification(const char *token, const char *user)
{
    (void)user;
    char path[128];
    if (verification_fixture[0] == '\0')
        compared_verification(verification_fixture, NULL);
    snprintf(path, sizeof path, "/api/v1/integrity/verifications/%s", verification_fixture);
    return cgt_get(path, token);
}

static cgt_response *call_compare_verification(const char *token, const char *user)
{
    (void)user;
    char vid[37], path[128];
    compared_verification(vid, NULL);
    snprintf(path, sizeof path, "/api/v1/integrity/verifications/%s/compare", vid);
    return cgt_send_json("POST", path, token, "{}");
}

static cgt_response *call_decide_finding(const char *token, const char *user)
{
    (void)user;
    char vid[37], fid[37], path[128];
    compared_verification(vid, fid);
    snprintf(path, sizeof path, "/api/v1/integrity/findings/%s/decide", fid);
    return cgt_send_json("POST", path, token, "{\"verdict\":\"confirmed\"}");
}

static cgt_response *call_conclude_verification(const char *token, const char *user)
{
    (void)user;
    char vid[37], fid[37], path[128];
    compared_verification(vid, fid);
    snprintf(path, sizeof path, "/api/v1/integrity/findings/%s/decide", fid);
    cgt_response_free(cgt_send_json("POST", path, token_of("lead"), "{\"verdict\":\"confirmed\"}"));
    snprintf(path, sizeof path, "/api/v1/integrity/verifications/%s/conclude", vid);
    return cgt_send_json("POST", path, token, "{}");
}

/* Opinions (廉洁意见回复): a request hr.east makes about the fixture's
 * cadre; the id of its request and of its one opinion into the two. */
static void opinion_request(char request_id[37], char opinion_id[37])
{
    char body[160];
    cadre_fixture();
    cJSON *file = CGT_GET_CADRE_FILE(token_of("lead"), cadre_file);
    snprintf(body, sizeof body, "{\"purpose\":\"promotion\",\"person_ids\":[\"%s\"]}",
             cgt_json_str(cJSON_GetObjectItem(file, "cadre"), "person_id"));
    cJSON_Delete(file);
    cgt_response *r =
        cgt_send_json("POST", "/api/v1/integrity/opinion-requests", token_of("hr.east"), body);
    CGT_CHECK_STATUS(r, 201);
    snprintf(request_id, 37, "%s", CGT_JSON_STR(r->json, "id"));
    snprintf(opinion_id, 37, "%s",
             cgt_json_str(cJSON_GetArrayItem(cJSON_GetObjectItem(r->json, "opinions"), 0), "id"));
    cgt_response_free(r);
}

static char opinion_request_fixture[37], opinion_fixture[37];

static cgt_response *call_request_opinions(const char *token, const char *user)
{
    (void)user;
    return cgt_send_json("POST", "/api/v1/integrity/opinion-requests", token,
                         "{\"purpose\":\"promotion\",\"person_ids\":[\"HR-CADRE.EAST\"]}");
}

static cgt_response *call_list_opinion_requests(const char *token, const char *user)
{
    (void)user;
    return cgt_get("/api/v1/integrity/opinion-requests", token);
}

static cgt_response *call_get_opinion_request(const char *token, const char *user)
{
    (void)user;
    char path[128];
    if (opinion_request_fixture[0] == '\0')
        opinion_request(opinion_request_fixture, opinion_fixture);
    snprintf(path, sizeof path, "/api/v1/integrity/opinion-requests/%s", opinion_request_fixture);
    return cgt_get(path, token);
}

static cgt_response *call_edit_opinion(const char *token, const char *user)
{
    (void)user;
    char path[128];
    if (opinion_request_fixture[0] == '\0')
        opinion_request(opinion_request_fixture, opinion_fixture);
    snprintf(path, sizeof path, "/api/v1/integrity/opinions/%s", opinion_fixture);
    return cgt_send_json("PATCH", path, token,
                         "{\"conclusion\":\"no_objection\",\"text\":\"rm 无不同意见\"}");
}

/* Each signature takes an opinion of its own: a signed one is fixed. */
static cgt_response *call_sign_opinion(const char *token, const char *user)
{
    (void)user;
    char request_id[37], opinion_id[37], path[128];
    opinion_request(request_id, opinion_id);
    snprintf(path, sizeof path, "/api/v1/integrity/opinions/%s/sign", opinion_id);
    return cgt_send_json("POST", path, token, "{}");
}

/* --- responsibility lists (责任清单) ------------------------------------ */

/* The year of the lists the samples act on: long past, so its items are
 * scored; SetDutyList's sample revises a list of the year before, which is
 * never scored. */
#define DUTY_YEAR 2021
#define DUTY_SET_YEAR 2020
#define DUTY_ITEMS 50

static char duty_list[37];
static char duty_sha[72];

/* A fresh PDF added to the list's file as token: its sha256 into sha. */
static cgt_response *add_duty_document(const char *token, char sha[72])
{
    char pdf[128], path[192], mark[17];
    cgt_token_hex(mark, 16);
    int n =
        snprintf(pdf, sizeof pdf, "%%PDF-1.4\n%% rm duty %s\n1 0 obj<<>>endobj\n%%%%EOF\n", mark);
    snprintf(path, sizeof path, "/api/v1/rectify/duty-lists/%s/documents?name=rm-duty.pdf",
             duty_list);
    cgt_response *r = cgt_post_raw(path, token, "application/pdf", pdf, (size_t)n);
    if (sha != NULL && r->status == 201)
        snprintf(sha, 72, "%s", CGT_JSON_STR(CGT_JSON_OBJECT(r), "sha256"));
    return r;
}

/* city_a's list of DUTY_YEAR with DUTY_ITEMS items and a document, set by
 * the lead once per run (or found, when an earlier run scored it). */
static const char *duty_fixture(void)
{
    if (duty_list[0] != '\0')
        return duty_list;
    char body[8192];
    int n =
        snprintf(body, sizeof body, "{\"unit_code\":\"city_a\",\"year\":%d,\"items\":[", DUTY_YEAR);
    for (int i = 0; i < DUTY_ITEMS; i++)
        n += snprintf(body + n, sizeof body - (size_t)n,
                      "%s{\"text\":\"rm %d\",\"leader\":\"rm\",\"standard\":\"rm\"}", i ? "," : "",
                      i + 1);
    snprintf(body + n, sizeof body - (size_t)n, "]}");
    cgt_response *r = cgt_post_raw("/api/v1/rectify/duty-lists", token_of("lead"),
                                   "application/json", body, strlen(body));
    if (r->status != 200) {
        cgt_response_free(r);
        char path[96];
        snprintf(path, sizeof path, "/api/v1/rectify/duty-lists?year=%d&unit_code=city_a",
                 DUTY_YEAR);
        r = cgt_get(path, token_of("lead"));
        CGT_CHECK_STATUS(r, 200);
        const cJSON *first =
            cJSON_GetArrayItem(cJSON_GetObjectItem(CGT_JSON_OBJECT(r), "items"), 0);
        snprintf(duty_list, sizeof duty_list, "%s", cgt_json_str(first, "id"));
    } else {
        snprintf(duty_list, sizeof duty_list, "%s", CGT_JSON_STR(CGT_JSON_OBJECT(r), "id"));
    }
    cgt_response_free(r);
    r = add_duty_document(token_of("unitlead.east"), duty_sha);
    CGT_CHECK_STATUS(r, 201);
    cgt_response_free(r);
    return duty_list;
}

/* POST body to /api/v1/rectify/duty-lists/<the fixture><suffix> as token. */
static cgt_response *duty_post(const char *token, const char *suffix, const char *body)
{
    char path[192];
    snprintf(path, sizeof path, "/api/v1/rectify/duty-lists/%s%s", duty_fixture(), suffix);
    return cgt_post_raw(path, token, "application/json", body, strlen(body));
}

static cgt_response *duty_get(const char *token, const char *suffix)
{
    char path[256];
    snprintf(path, sizeof path, "/api/v1/rectify/duty-lists/%s%s", duty_fixture(), suffix);
    return cgt_get(path, token);
}

/* A body recording work for item 1 with the fixture's document. */
static void duty_record_body(char *out, size_t size)
{
    duty_fixture();
    snprintf(out, size, "{\"item\":1,\"note\":\"rm\",\"done_on\":\"%d-06-01\",\"sha256\":\"%s\"}",
             DUTY_YEAR, duty_sha);
}

/* A new record of work by east's unit leader: its id into id. */
static void duty_new_record(char id[37])
{
    char body[256];
    duty_record_body(body, sizeof body);
    cgt_response *r = duty_post(token_of("unitlead.east"), "/records", body);
    CGT_CHECK_STATUS(r, 201);
    const cJSON *item = cJSON_GetArrayItem(cJSON_GetObjectItem(CGT_JSON_OBJECT(r), "items"), 0);
    const cJSON *records = cJSON_GetObjectItem(item, "records");
    snprintf(id, 37, "%s",
             cgt_json_str(cJSON_GetArrayItem(records, cJSON_GetArraySize(records) - 1), "id"));
    cgt_response_free(r);
}

static cgt_response *call_list_duty_lists(const char *token, const char *user)
{
    (void)user;
    char path[64];
    snprintf(path, sizeof path, "/api/v1/rectify/duty-lists?year=%d", DUTY_YEAR);
    return cgt_get(path, token);
}

static cgt_response *call_set_duty_list(const char *token, const char *user)
{
    (void)user;
    char body[256];
    snprintf(body, sizeof body,
             "{\"unit_code\":\"city_a\",\"year\":%d,\"items\":[{\"text\":\"rm\",\"leader\":"
             "\"rm\",\"standard\":\"rm\"}]}",
             DUTY_SET_YEAR);
    return cgt_post_raw("/api/v1/rectify/duty-lists", token, "application/json", body,
                        strlen(body));
}

static cgt_response *call_export_duty_lists(const char *token, const char *user)
{
    (void)user;
    char path[80];
    snprintf(path, sizeof path, "/api/v1/rectify/duty-lists/export?year=%d", DUTY_YEAR);
    return cgt_get(path, token);
}

static cgt_response *call_get_duty_list(const char *token, const char *user)
{
    (void)user;
    return duty_get(token, "");
}

static cgt_response *call_record_duty_work(const char *token, const char *user)
{
    (void)user;
    char body[256];
    duty_record_body(body, sizeof body);
    return duty_post(token, "/records", body);
}

static cgt_response *call_confirm_duty_work(const char *token, const char *user)
{
    (void)user;
    char id[37], body[96];
    duty_new_record(id);
    snprintf(body, sizeof body, "{\"record_id\":\"%s\"}", id);
    return duty_post(token, "/confirm", body);
}

static cgt_response *call_refuse_duty_work(const char *token, const char *user)
{
    (void)user;
    char id[37], body[128];
    duty_new_record(id);
    snprintf(body, sizeof body, "{\"record_id\":\"%s\",\"reason\":\"rm\"}", id);
    return duty_post(token, "/refuse", body);
}

/* Scores the last item not scored yet. */
static cgt_response *call_score_duty_item(const char *token, const char *user)
{
    (void)user;
    cgt_response *r = duty_get(token_of("lead"), "");
    CGT_CHECK_STATUS(r, 200);
    int seq = 0;
    const cJSON *it;
    cJSON_ArrayForEach(it, cJSON_GetObjectItem(CGT_JSON_OBJECT(r), "items"))
    {
        if (!cJSON_IsString(cJSON_GetObjectItem(it, "outcome")))
            seq = (int)cJSON_GetNumberValue(cJSON_GetObjectItem(it, "seq"));
    }
    cgt_response_free(r);
    CGT_CHECK(seq > 1, "the fixture list has an item left to score");
    char body[96];
    snprintf(body, sizeof body, "{\"item\":%d,\"outcome\":\"done\",\"score\":80}", seq);
    return duty_post(token, "/scores", body);
}

static cgt_response *call_add_duty_document(const char *token, const char *user)
{
    (void)user;
    duty_fixture();
    return add_duty_document(token, NULL);
}

static cgt_response *call_list_duty_documents(const char *token, const char *user)
{
    (void)user;
    return duty_get(token, "/documents");
}

static cgt_response *call_download_duty_document(const char *token, const char *user)
{
    (void)user;
    char suffix[128];
    duty_fixture();
    snprintf(suffix, sizeof suffix, "/documents/content?sha256=%s", duty_sha);
    return duty_get(token, suffix);
}

static cgt_response *call_duty_dossier(const char *token, const char *user)
{
    (void)user;
    return duty_get(token, "/dossier");
}

static cgt_response *call_verify_duty_dossier(const char *token, const char *user)
{
    (void)user;
    return duty_get(token, "/dossier/verify");
}

/* --- risk: alerts raised by events published as enterprise systems do ------ */

/* The id of the newest alert on entity (of kind), as the hq lead sees it,
 * waiting for it to be raised. */
static void risk_alert_of(const char *kind, const char *entity, char id[32])
{
    char path[128];
    snprintf(path, sizeof path, "/api/v1/risk/alerts?entity_kind=%s", kind);
    for (int i = 0; i < CGT_DEADLINE_MS / CGT_POLL_MS; i++) {
        cgt_response *r = cgt_get(path, token_of("lead"));
        const cJSON *item;
        id[0] = '\0';
        cJSON_ArrayForEach(item, cJSON_GetObjectItem(r->json, "items"))
        {
            const char *eid = cgt_json_str(cJSON_GetObjectItem(item, "entity"), "id");
            if (id[0] == '\0' && eid != NULL && strcmp(eid, entity) == 0)
                snprintf(id, 32, "%.0f", cJSON_GetObjectItem(item, "id")->valuedouble);
        }
        cgt_response_free(r);
        if (id[0] != '\0')
            return;
        cgt_sleep_ms(CGT_POLL_MS);
    }
    CGT_FAIL("no risk alert on %s %s", kind, entity);
}

static char risk_supplier[40], risk_alert_fixture[32];

/* A supplier of city_a (inside hq and hq.east) with an alert: an award
 * with a single bid at 40 % of its estimate. */
static void risk_fixture(void)
{
    char line[1024], tag[13];
    if (risk_alert_fixture[0] != '\0')
        return;
    cgt_token_hex(tag, sizeof tag - 1);
    snprintf(risk_supplier, sizeof risk_supplier, "91320100RM%s", tag);
    snprintf(line, sizeof line,
             "{\"subject\":\"ent.procurement.award.made\",\"source\":\"erp.east\","
             "\"data\":{\"tender_id\":\"RM-%s\",\"award_id\":\"RM-%s\",\"buyer\":"
             "{\"unit_code\":\"city_a\"},\"method\":\"open\",\"estimated_value_fen\":1000000,"
             "\"winner\":{\"credit_code\":\"%s\"},\"price_fen\":400000,\"bids\":[{\"supplier\":"
             "{\"credit_code\":\"%s\"},\"price_fen\":400000}]}}\n",
             tag, tag, risk_supplier, risk_supplier);
    CGT_CHECK_INT(0, cgt_publish_enterprise(CGT_PUBLISH, line, NULL), "cg-publish");
    risk_alert_of("supplier", risk_supplier, risk_alert_fixture);
}

static cgt_response *call_list_risk_indicators(const char *token, const char *user)
{
    (void)user;
    return cgt_get("/api/v1/risk/indicators", token);
}

static cgt_response *call_risk_indicator_settings(const char *token, const char *user)
{
    (void)user;
    return cgt_get("/api/v1/risk/indicator-settings", token);
}

static cgt_response *call_update_risk_indicator(const char *token, const char *user)
{
    (void)user;
    return cgt_send_json("PUT", "/api/v1/risk/indicators/single_bid", token,
                         "{\"weight\":0.4,\"window_days\":365,\"enabled\":true,"
                         "\"params\":{\"methods\":[\"open\",\"invited\"]},"
                         "\"reason\":\"role matrix: the defaults again\"}");
}

static cgt_response *call_risk_overview(const char *token, const char *user)
{
    (void)user;
    return cgt_get("/api/v1/risk/overview", token);
}

static cgt_response *call_list_risk_alerts(const char *token, const char *user)
{
    (void)user;
    return cgt_get("/api/v1/risk/alerts?status=open", token);
}

static cgt_response *call_get_risk_alert(const char *token, const char *user)
{
    (void)user;
    char path[96];
    risk_fixture();
    snprintf(path, sizeof path, "/api/v1/risk/alerts/%s", risk_alert_fixture);
    return cgt_get(path, token);
}

/* Each call acknowledges an alert of its own: a person of city_a who
 * approved their own claim. */
static cgt_response *call_act_on_risk_alert(const char *token, const char *user)
{
    (void)user;
    char tag[13], person[32], line[1024], id[32], path[96];
    cgt_token_hex(tag, sizeof tag - 1);
    snprintf(person, sizeof person, "P-RM%s", tag);
    snprintf(line, sizeof line,
             "{\"subject\":\"ent.finance.expense.claimed\",\"source\":\"fin.east\","
             "\"data\":{\"claim_id\":\"RM-%s\",\"unit\":{\"unit_code\":\"city_a\"},"
             "\"claimant\":{\"person_id\":\"%s\"},\"approver\":{\"person_id\":\"%s\"},"
             "\"amount_fen\":10000}}\n",
             tag, person, person);
    CGT_CHECK_INT(0, cgt_publish_enterprise(CGT_PUBLISH, line, NULL), "cg-publish");
    risk_alert_of("person", person, id);
    snprintf(path, sizeof path, "/api/v1/risk/alerts/%s/act", id);
    return cgt_send_json("POST", path, token, "{\"action\":\"acknowledge\"}");
}

static cgt_response *call_list_risk_scores(const char *token, const char *user)
{
    (void)user;
    return cgt_get("/api/v1/risk/scores", token);
}

static cgt_response *call_get_risk_entity(const char *token, const char *user)
{
    (void)user;
    char path[128];
    risk_fixture();
    snprintf(path, sizeof path, "/api/v1/risk/entities/%s?kind=supplier", risk_supplier);
    return cgt_get(path, token);
}

static const struct {
    const char *method;
    const char *pattern;
    long success; /* the status of an allowed call */
    sample_fn call;
} samples[] = {
    {"GET", "/healthz", 200, call_healthz},
    {"GET", "/readyz", 200, call_readyz},
    {"GET", "/api/v1/openapi.yaml", 200, call_openapi},
    {"POST", "/api/v1/auth/login", 200, call_login},
    {"POST", "/api/v1/auth/logout", 204, call_logout},
    {"GET", "/api/v1/auth/me", 200, call_me},
    {"POST", "/api/v1/auth/password", 204, call_change_password},
    {"GET", "/api/v1/org-units", 200, call_list_units},
    {"POST", "/api/v1/org-units", 201, call_create_unit},
    {"PATCH", "/api/v1/org-units/{id}", 200, call_rename_unit},
    {"GET", "/api/v1/org-units/{id}", 200, call_get_unit},
    {"POST", "/api/v1/org-units/import", 200, call_import_units},
    {"POST", "/api/v1/org-units/{id}/move", 200, call_move_unit},
    {"POST", "/api/v1/org-units/{id}/retire", 200, call_retire_unit},
    {"GET", "/api/v1/accounts", 200, call_list_accounts},
    {"POST", "/api/v1/accounts", 201, call_create_account},
    {"PATCH", "/api/v1/accounts/{id}", 200, call_update_account},
    {"GET", "/api/v1/accounts/{id}", 200, call_get_account},
    {"POST", "/api/v1/accounts/{id}/lock", 200, call_lock_account},
    {"POST", "/api/v1/accounts/{id}/unlock", 200, call_unlock_account},
    {"POST", "/api/v1/accounts/{id}/disable", 200, call_disable_account},
    {"POST", "/api/v1/accounts/{id}/password", 200, call_reset_password},
    {"POST", "/api/v1/public/reports", 201, call_submit},
    {"POST", "/api/v1/public/reports/status", 200, call_report_status},
    {"GET", "/api/v1/public/units/{id}", 200, call_public_unit},
    {"GET", "/api/v1/clues", 200, call_list_clues},
    {"GET", "/api/v1/clues/{id}", 200, call_get_clue},
    {"POST", "/api/v1/clues", 201, call_create_clue},
    {"POST", "/api/v1/clues/{id}/disposal", 200, call_propose},
    {"POST", "/api/v1/clues/{id}/disposal/approve", 200, call_approve},
    {"POST", "/api/v1/clues/{id}/disposal/reject", 200, call_reject},
    {"POST", "/api/v1/clues/{id}/assign", 200, call_assign},
    {"POST", "/api/v1/clues/{id}/subjects/confirm", 200, call_confirm_subject},
    {"POST", "/api/v1/clues/{id}/subjects/clear", 200, call_clear_subject},
    {"POST", "/api/v1/clues/{id}/recuse", 200, call_recuse},
    {"POST", "/api/v1/clues/{id}/link", 200, call_link},
    {"POST", "/api/v1/clues/{id}/merge", 200, call_merge},
    {"POST", "/api/v1/clues/{id}/reopen", 200, call_reopen},
    {"POST", "/api/v1/clues/{id}/file", 200, call_file},
    {"PATCH", "/api/v1/clues/{id}", 200, call_edit_clue},
    {"GET", "/api/v1/cases/{id}", 200, call_get_case},
    {"GET", "/api/v1/clues/statistics", 200, call_clue_statistics},
    {"GET", "/api/v1/cases/statistics", 200, call_case_statistics},
    {"GET", "/api/v1/cases/{id}/dossier", 200, call_list_case_dossier},
    {"GET", "/api/v1/cases/{id}/dossier/verify", 200, call_verify_case_dossier},
    {"GET", "/api/v1/clues/{id}/dossier", 200, call_list_dossier},
    {"GET", "/api/v1/clues/{id}/dossier/verify", 200, call_verify_dossier},
    {"GET", "/api/v1/audit", 200, call_list_audit},
    {"GET", "/api/v1/audit/verify", 200, call_verify_audit},
    {"POST", "/api/v1/clues/{id}/documents", 201, call_add_document},
    {"GET", "/api/v1/clues/{id}/documents", 200, call_list_documents},
    {"GET", "/api/v1/clues/{id}/documents/content", 200, call_download_document},
    {"GET", "/api/v1/clues/{id}/dossier/export", 200, call_export_dossier},
    {"POST", "/api/v1/cases/{id}/documents", 201, call_add_case_document},
    {"GET", "/api/v1/cases/{id}/documents", 200, call_list_case_documents},
    {"GET", "/api/v1/cases/{id}/documents/content", 200, call_download_case_document},
    {"GET", "/api/v1/cases/{id}/dossier/export", 200, call_export_case_dossier},
    {"POST", "/api/v1/cases/{id}/actions", 200, call_case_action},
    {"POST", "/api/v1/cases/{id}/measures", 200, call_case_measure},
    /* The case list, investigators, items, the extension. */
    {"GET", "/api/v1/cases", 200, call_list_cases},
    {"POST", "/api/v1/cases/{id}/investigators", 200, call_add_investigator},
    {"POST", "/api/v1/cases/{id}/investigators/remove", 200, call_remove_investigator},
    {"POST", "/api/v1/cases/{id}/items", 200, call_add_item},
    {"POST", "/api/v1/cases/{id}/items/remove", 200, call_remove_item},
    {"POST", "/api/v1/cases/{id}/items/execute", 200, call_execute_item},
    {"POST", "/api/v1/cases/{id}/extension", 200, call_request_extension},
    {"POST", "/api/v1/cases/{id}/extension/approve", 200, call_approve_extension},
    {"POST", "/api/v1/cases/{id}/extension/reject", 200, call_reject_extension},
    {"POST", "/api/v1/cases/{id}/recuse", 200, call_recuse_case},
    /* The people lookup. */
    {"GET", "/api/v1/people", 200, call_list_people},
    /* Rectification (整改). */
    {"GET", "/api/v1/rectify/batches", 200, call_list_batches},
    {"POST", "/api/v1/rectify/batches", 201, call_create_batch},
    {"GET", "/api/v1/rectify/batches/{id}", 200, call_get_batch},
    {"POST", "/api/v1/rectify/batches/{id}/problems", 201, call_add_problem},
    {"POST", "/api/v1/rectify/batches/{id}/responsibilities", 201, call_add_responsibility},
    {"POST", "/api/v1/rectify/problems/{id}/tasks", 201, call_add_task},
    {"GET", "/api/v1/rectify/tasks", 200, call_list_tasks},
    {"GET", "/api/v1/rectify/tasks/{id}", 200, call_get_task},
    {"POST", "/api/v1/rectify/tasks/{id}/plan", 200, call_plan_task},
    {"POST", "/api/v1/rectify/tasks/{id}/evidence", 200, call_add_evidence},
    {"POST", "/api/v1/rectify/tasks/{id}/closure-request", 200, call_request_closure},
    {"POST", "/api/v1/rectify/tasks/{id}/verify", 200, call_verify_task},
    {"POST", "/api/v1/rectify/tasks/{id}/reject", 200, call_reject_task},
    {"POST", "/api/v1/rectify/tasks/{id}/close", 200, call_close_task},
    {"POST", "/api/v1/rectify/tasks/{id}/recheck", 200, call_recheck_task},
    {"POST", "/api/v1/rectify/tasks/{id}/relapse", 200, call_relapse_task},
    {"POST", "/api/v1/rectify/rechecks", 201, call_draw_rechecks},
    {"GET", "/api/v1/rectify/statistics", 200, call_rectify_statistics},
    {"GET", "/api/v1/rectify/settings", 200, call_rectify_settings},
    {"POST", "/api/v1/rectify/settings/sources", 200, call_set_source_rule},
    {"POST", "/api/v1/rectify/settings/recheck-categories", 200, call_set_recheck_categories},
    {"POST", "/api/v1/rectify/batches/{id}/import", 201, call_import_lists},
    {"GET", "/api/v1/rectify/tasks/export", 200, call_export_ledger},
    {"POST", "/api/v1/rectify/tasks/{id}/documents", 201, call_add_task_document},
    {"GET", "/api/v1/rectify/tasks/{id}/documents", 200, call_list_task_documents},
    {"GET", "/api/v1/rectify/tasks/{id}/documents/content", 200, call_download_task_document},
    {"GET", "/api/v1/rectify/tasks/{id}/dossier", 200, call_task_dossier},
    {"GET", "/api/v1/rectify/tasks/{id}/dossier/verify", 200, call_verify_task_dossier},
    {"GET", "/api/v1/rectify/tasks/{id}/dossier/export", 200, call_export_task_dossier},
    {"GET", "/api/v1/rectify/duty-lists", 200, call_list_duty_lists},
    {"POST", "/api/v1/rectify/duty-lists", 200, call_set_duty_list},
    {"GET", "/api/v1/rectify/duty-lists/export", 200, call_export_duty_lists},
    {"GET", "/api/v1/rectify/duty-lists/{id}", 200, call_get_duty_list},
    {"POST", "/api/v1/rectify/duty-lists/{id}/records", 201, call_record_duty_work},
    {"POST", "/api/v1/rectify/duty-lists/{id}/confirm", 200, call_confirm_duty_work},
    {"POST", "/api/v1/rectify/duty-lists/{id}/refuse", 200, call_refuse_duty_work},
    {"POST", "/api/v1/rectify/duty-lists/{id}/scores", 200, call_score_duty_item},
    {"POST", "/api/v1/rectify/duty-lists/{id}/documents", 201, call_add_duty_document},
    {"GET", "/api/v1/rectify/duty-lists/{id}/documents", 200, call_list_duty_documents},
    {"GET", "/api/v1/rectify/duty-lists/{id}/documents/content", 200, call_download_duty_document},
    {"GET", "/api/v1/rectify/duty-lists/{id}/dossier", 200, call_duty_dossier},
    {"GET", "/api/v1/rectify/duty-lists/{id}/dossier/verify", 200, call_verify_duty_dossier},
    {"GET", "/api/v1/integrity/cadres", 200, call_list_cadres},
    {"POST", "/api/v1/integrity/cadres", 201, call_create_cadre},
    {"POST", "/api/v1/integrity/cadres/import", 201, call_import_cadres},
    {"GET", "/api/v1/integrity/cadres/{id}", 200, call_get_cadre},
    {"PATCH", "/api/v1/integrity/cadres/{id}", 200, call_update_cadre},
    {"GET", "/api/v1/integrity/cadres/{id}/history", 200, call_cadre_history},
    {"POST", "/api/v1/integrity/cadres/{id}/relatives", 201, call_add_relative},
    {"PUT", "/api/v1/integrity/relatives/{id}", 200, call_set_relative},
    {"POST", "/api/v1/integrity/relatives/{id}/remove", 200, call_remove_relative},
    {"POST", "/api/v1/integrity/cadres/{id}/records", 201, call_add_record},
    {"GET", "/api/v1/integrity/me", 200, call_own_file},
    {"GET", "/api/v1/integrity/settings", 200, call_integrity_settings},
    {"POST", "/api/v1/integrity/settings/influence-periods", 200, call_set_influence_period},
    {"POST", "/api/v1/integrity/cadres/{id}/documents", 201, call_add_cadre_document},
    {"GET", "/api/v1/integrity/cadres/{id}/documents", 200, call_list_cadre_documents},
    {"GET", "/api/v1/integrity/cadres/{id}/documents/content", 200, call_download_cadre_document},
    {"GET", "/api/v1/integrity/cadres/{id}/dossier", 200, call_cadre_dossier},
    {"GET", "/api/v1/integrity/cadres/{id}/dossier/verify", 200, call_verify_cadre_dossier},
    {"GET", "/api/v1/integrity/cadres/{id}/dossier/export", 200, call_export_cadre_dossier},
    {"GET", "/api/v1/risk/indicators", 200, call_list_risk_indicators},
    {"GET", "/api/v1/risk/indicator-settings", 200, call_risk_indicator_settings},
    {"PUT", "/api/v1/risk/indicators/{id}", 200, call_update_risk_indicator},
    {"GET", "/api/v1/risk/overview", 200, call_risk_overview},
    {"GET", "/api/v1/risk/alerts", 200, call_list_risk_alerts},
    {"GET", "/api/v1/risk/alerts/{id}", 200, call_get_risk_alert},
    {"POST", "/api/v1/risk/alerts/{id}/act", 200, call_act_on_risk_alert},
    {"GET", "/api/v1/risk/scores", 200, call_list_risk_scores},
    {"GET", "/api/v1/risk/entities/{id}", 200, call_get_risk_entity},
    {"GET", "/api/v1/integrity/report-form", 200, call_report_form},
    {"GET", "/api/v1/integrity/me/report-form", 200, call_own_report_form},
    {"GET", "/api/v1/integrity/rounds", 200, call_list_rounds},
    {"POST", "/api/v1/integrity/rounds", 201, call_open_round},
    {"GET", "/api/v1/integrity/rounds/{id}/cadres", 200, call_round_cadres},
    {"GET", "/api/v1/integrity/cadres/{id}/reports", 200, call_cadre_reports},
    {"GET", "/api/v1/integrity/me/report", 200, call_own_report},
    {"PUT", "/api/v1/integrity/me/report", 200, call_save_own_report},
    {"POST", "/api/v1/integrity/me/report/submit", 200, call_submit_own_report},
    {"POST", "/api/v1/integrity/verification-draws", 201, call_draw_verifications},
    {"POST", "/api/v1/integrity/cadres/{id}/references", 201, call_add_reference},
    {"POST", "/api/v1/integrity/references/import", 201, call_import_references},
    {"GET", "/api/v1/integrity/verifications", 200, call_list_verifications},
    {"GET", "/api/v1/integrity/verifications/{id}", 200, call_get_verification},
    {"POST", "/api/v1/integrity/verifications/{id}/compare", 200, call_compare_verification},
    {"POST", "/api/v1/integrity/findings/{id}/decide", 200, call_decide_finding},
    {"POST", "/api/v1/integrity/verifications/{id}/conclude", 200, call_conclude_verification},
    {"POST", "/api/v1/integrity/opinion-requests", 201, call_request_opinions},
    {"GET", "/api/v1/integrity/opinion-requests", 200, call_list_opinion_requests},
    {"GET", "/api/v1/integrity/opinion-requests/{id}", 200, call_get_opinion_request},
    {"PATCH", "/api/v1/integrity/opinions/{id}", 200, call_edit_opinion},
    {"POST", "/api/v1/integrity/opinions/{id}/sign", 200, call_sign_opinion},
};
#define NSAMPLES (sizeof samples / sizeof samples[0])

static size_t sample_of(const doc_route *r)
{
    for (size_t i = 0; i < NSAMPLES; i++)
        if (strcmp(samples[i].method, r->method) == 0 &&
            strcmp(samples[i].pattern, r->pattern) == 0)
            return i;
    CGT_FAIL("docs/access.md lists %s %s, which role_matrix.c has no sample call for; add one to "
             "samples[]",
             r->method, r->pattern);
}

/* Fail unless r answered as expected; frees r. */
static void expect(cgt_response *r, long want, const char *who, const doc_route *route)
{
    if (r->status != want)
        CGT_FAIL("%s %s as %s: expected %ld, got %ld: %.300s", route->method, route->pattern, who,
                 want, r->status, r->body);
    if (want >= 400)
        CGT_CHECK_PROBLEM(r, want);
    cgt_response_free(r);
}

typedef struct await_all {
    const char *token;
    size_t missing;
} await_all;

static bool all_submitted_are_clues(void *p)
{
    await_all *a = p;
    cJSON *all = CGT_ALL_CLUES(a->token);
    a->missing = 0;
    for (size_t i = 0; i < nsubmitted; i++)
        if (cgt_count_where(all, "source_ref", submitted[i]) == 0)
            a->missing++;
    cJSON_Delete(all);
    return a->missing == 0;
}

/* --- tests -------------------------------------------------------------------- */

/* The accounts are what the test thinks they are, and every role of the
 * matrix has an account here. */
static void accounts_match_the_matrix(void **state)
{
    (void)state;
    for (size_t i = 0; i < NACCOUNTS; i++) {
        cgt_response *r = cgt_get("/api/v1/auth/me", accounts[i].token);
        CGT_CHECK_STATUS(r, 200);
        CGT_CHECK_STR(accounts[i].role, cgt_json_sole(CGT_JSON_OBJECT(r), "roles"),
                      accounts[i].user);
        cgt_response_free(r);
        (void)role_column(accounts[i].role);
    }
    for (size_t c = 0; c < doc_nroles; c++) {
        bool found = false;
        for (size_t i = 0; i < NACCOUNTS; i++)
            found = found || strcmp(accounts[i].role, doc_roles[c]) == 0;
        CGT_CHECK(found, "no demo account has the role %s of docs/access.md", doc_roles[c]);
    }
    /* A sample for a route the matrix does not list is a stale test. */
    for (size_t s = 0; s < NSAMPLES; s++) {
        bool listed = false;
        for (size_t i = 0; i < doc_nroutes; i++)
            listed = listed || (strcmp(samples[s].method, doc_routes[i].method) == 0 &&
                                strcmp(samples[s].pattern, doc_routes[i].pattern) == 0);
        CGT_CHECK(listed, "role_matrix.c has a sample for %s %s, which docs/access.md lacks",
                  samples[s].method, samples[s].pattern);
    }
}

/* The brief's decisions, checked on the matrix whatever the tables say. */
static void matrix_keeps_the_brief(void **state)
{
    (void)state;
    size_t admin = role_column("admin");
    size_t auditor = role_column("auditor");
    for (size_t i = 0; i < doc_nroutes; i++) {
        const doc_route *r = &doc_routes[i];
        bool login_only = strcmp(r->perm, "public") == 0 || strcmp(r->perm, "authenticated") == 0;
        /* The admin runs accounts, units and configuration: no case content. */
        if (strncmp(r->pattern, "/api/v1/clues", 13) == 0 ||
            strncmp(r->pattern, "/api/v1/cases", 13) == 0)
            CGT_CHECK(!r->allowed[admin], "the admin may not call %s %s (case content)", r->method,
                      r->pattern);
        /* The auditor changes nothing: beyond its own login, reads only. */
        if (r->allowed[auditor] && !login_only)
            CGT_CHECK(strcmp(r->method, "GET") == 0, "the auditor may not call %s %s", r->method,
                      r->pattern);
        /* ...and reads everything in its scope, clues included. */
        if (strcmp(r->method, "GET") == 0 && strncmp(r->pattern, "/api/v1/clues", 13) == 0)
            CGT_CHECK(r->allowed[auditor], "the auditor may read %s", r->pattern);
        /* The audit trail is the auditor's alone: the admin, who runs the
         * accounts it records, does not read it. */
        if (strncmp(r->pattern, "/api/v1/audit", 13) == 0)
            for (size_t c = 0; c < doc_nroles; c++)
                CGT_CHECK(r->allowed[c] == (c == auditor), "only the auditor may call %s %s",
                          r->method, r->pattern);
    }
}

static void every_route_against_every_role(void **state)
{
    (void)state;
    /* A clue inside both hq and hq.east, and a receipt to look up. */
    cgt_report rep;
    CGT_SUBMIT_SIMPLE("role-matrix fixture", "city_a", &rep);
    fixture_report = rep;
    cJSON *clue = CGT_AWAIT_CLUE(token_of("inspector"), "source_ref", rep.report_id);
    snprintf(fixture_clue_id, sizeof fixture_clue_id, "%s", CGT_JSON_STR(clue, "id"));
    cJSON_Delete(clue);

    /* Well-formed, never issued. */
    static const char forged[] = "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA";
    for (size_t i = 0; i < doc_nroutes; i++) {
        const doc_route *r = &doc_routes[i];
        size_t s = sample_of(r);
        if (strcmp(r->perm, "public") == 0) {
            expect(samples[s].call(NULL, NULL), samples[s].success, "nobody", r);
            for (size_t c = 0; c < doc_nroles; c++)
                CGT_CHECK(r->allowed[c], "the public route %s %s is refused to %s", r->method,
                          r->pattern, doc_roles[c]);
        } else {
            expect(samples[s].call(NULL, NULL), 401, "nobody", r);
            expect(samples[s].call(forged, NULL), 401, "a forged token", r);
        }
        for (size_t a = 0; a < NACCOUNTS; a++) {
            bool allowed = r->allowed[role_column(accounts[a].role)];
            expect(samples[s].call(accounts[a].token, accounts[a].user),
                   allowed ? samples[s].success : 403, accounts[a].user, r);
        }
    }

    await_all wait = {token_of("inspector"), 0};
    if (!cgt_eventually(CGT_DEADLINE_MS, CGT_POLL_MS, all_submitted_are_clues, &wait))
        CGT_FAIL("%zu of the %zu reports this test submitted did not become clues", wait.missing,
                 nsubmitted);
}

/* GET a clue by id as token and expect a 404 problem, as for a clue that
 * does not exist. */
static void expect_hidden(const char *user, const char *id)
{
    char path[128];
    snprintf(path, sizeof path, "/api/v1/clues/%s", id);
    cgt_response *r = cgt_get(path, token_of(user));
    if (r->status != 404)
        CGT_FAIL("GET %s as %s: expected 404, got %ld: %.300s", path, user, r->status, r->body);
    CGT_CHECK_PROBLEM(r, 404);
    cgt_response_free(r);
}

static void expect_visible(const char *user, const char *id)
{
    char path[128];
    snprintf(path, sizeof path, "/api/v1/clues/%s", id);
    cgt_response *r = cgt_get(path, token_of(user));
    CGT_CHECK_STATUS(r, 200);
    CGT_CHECK_STR(id, cgt_json_str(CGT_JSON_OBJECT(r), "id"), "id of the clue read");
    cgt_response_free(r);
}

/* hq.east and hq.west are two provincial companies: an inspector of the
 * east one sees nothing of the west one. The hq accounts see both. */
static void one_province_sees_nothing_of_the_other(void **state)
{
    (void)state;
    static const char *const west_units[] = {"west", "city_c"};
    static const char *const east_units[] = {"east", "city_a"};
    cgt_report west[2], east[2];
    char west_ids[2][64], east_ids[2][64];
    for (int i = 0; i < 2; i++) {
        CGT_SUBMIT_SIMPLE("role-matrix west", west_units[i], &west[i]);
        CGT_SUBMIT_SIMPLE("role-matrix east", east_units[i], &east[i]);
    }
    for (int i = 0; i < 2; i++) {
        cJSON *w = CGT_AWAIT_CLUE(token_of("inspector"), "source_ref", west[i].report_id);
        cJSON *e = CGT_AWAIT_CLUE(token_of("inspector"), "source_ref", east[i].report_id);
        snprintf(west_ids[i], sizeof west_ids[i], "%s", CGT_JSON_STR(w, "id"));
        snprintf(east_ids[i], sizeof east_ids[i], "%s", CGT_JSON_STR(e, "id"));
        cJSON_Delete(w);
        cJSON_Delete(e);
    }

    cJSON *listed = CGT_ALL_CLUES(token_of("inspector.east"));
    for (int i = 0; i < 2; i++) {
        CGT_CHECK_INT(0, cgt_count_where(listed, "source_ref", west[i].report_id),
                      "hq.west clues in inspector.east's list");
        CGT_CHECK_INT(0, cgt_count_where(listed, "id", west_ids[i]),
                      "hq.west clues in inspector.east's list, by id");
        CGT_CHECK_INT(1, cgt_count_where(listed, "source_ref", east[i].report_id),
                      "hq.east clues in inspector.east's list");
        expect_hidden("inspector.east", west_ids[i]);
        expect_visible("inspector.east", east_ids[i]);
    }
    cJSON_Delete(listed);

    /* Headquarters' readers see both companies. */
    static const char *const hq_readers[] = {"inspector", "lead", "auditor"};
    for (size_t u = 0; u < sizeof hq_readers / sizeof hq_readers[0]; u++) {
        cJSON *all = CGT_ALL_CLUES(token_of(hq_readers[u]));
        for (int i = 0; i < 2; i++) {
            CGT_CHECK_INT(1, cgt_count_where(all, "id", west_ids[i]), hq_readers[u]);
            CGT_CHECK_INT(1, cgt_count_where(all, "id", east_ids[i]), hq_readers[u]);
            expect_visible(hq_readers[u], west_ids[i]);
        }
        cJSON_Delete(all);
    }
}

int main(void)
{
    cgt_init("role_matrix", CGT_NEED_GATEWAY);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(accounts_match_the_matrix),
        cmocka_unit_test(matrix_keeps_the_brief),
        cmocka_unit_test(every_route_against_every_role),
        cmocka_unit_test(one_province_sees_nothing_of_the_other),
    };
    int failed = cmocka_run_group_tests_name("role_matrix", tests, group_setup, group_teardown);
    cgt_cleanup();
    return failed ? 1 : 0;
}
