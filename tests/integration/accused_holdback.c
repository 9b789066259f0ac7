/* People named in a clue never read it: person ids compared in their one
 * canonical form whatever their spelling, and a public report that names
 * an accused person by name only held back from every account of that
 * name until an inspection lead confirms or clears the match (docs/api.md,
 * "Subjects named by name"). Accounts are made fresh for each run, each
 * with a unique name and person id. */
#include "cgt.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PASSWORD "holdback-test-password"

static char *admin, *insp_east, *lead_east;

/* A fresh account of role inspector in east: its id into id, logged in. */
typedef struct account {
    char id[37];
    char username[48];
    char display_name[96];
    char *token;
} account;

static void make_account(account *a, const char *display_name, const char *person_id)
{
    char tok[11], body[512], person_member[96] = "";
    cgt_token_hex(tok, 10);
    snprintf(a->username, sizeof a->username, "holdback.%s", tok);
    snprintf(a->display_name, sizeof a->display_name, "%s", display_name);
    if (person_id != NULL)
        snprintf(person_member, sizeof person_member, ",\"person_id\":\"%s\"", person_id);
    snprintf(body, sizeof body,
             "{\"username\":\"%s\",\"display_name\":\"%s\",\"roles\":[\"inspector\"],"
             "\"org_unit\":\"east\",\"password\":\"" PASSWORD "\"%s}",
             a->username, display_name, person_member);
    cJSON *b = cJSON_Parse(body);
    cgt_response *r = cgt_post_json("/api/v1/accounts", admin, b);
    cJSON_Delete(b);
    CGT_CHECK_STATUS(r, 201);
    snprintf(a->id, sizeof a->id, "%s", CGT_JSON_STR(r->json, "id"));
    cgt_response_free(r);
    a->token = NULL;
    CGT_CHECK_INT(200, cgt_try_login(a->username, PASSWORD, &a->token), "login");
}

static long get_status(const char *token, const char *id)
{
    char path[96];
    snprintf(path, sizeof path, "/api/v1/clues/%s", id);
    cgt_response *r = cgt_get(path, token);
    long status = r->status;
    cgt_response_free(r);
    return status;
}

/* Whether token finds clue id in its list, and reads it (200) or not (404). */
static void check_sees(const char *token, const char *id, bool sees, const char *who)
{
    cJSON *all = CGT_ALL_CLUES(token);
    CGT_CHECK_INT(sees ? 1 : 0, cgt_count_where(all, "id", id), who);
    cJSON_Delete(all);
    CGT_CHECK_INT(sees ? 200 : 404, get_status(token, id), who);
}

/* How many clues token counts in its statistics whose summary or subject
 * names tag. */
static int counted(const char *token, const char *tag)
{
    char path[128];
    snprintf(path, sizeof path, "/api/v1/clues/statistics?q=%s", tag);
    cgt_response *r = cgt_get(path, token);
    CGT_CHECK_STATUS(r, 200);
    int n = (int)cJSON_GetNumberValue(cJSON_GetObjectItemCaseSensitive(r->json, "total"));
    cgt_response_free(r);
    return n;
}

/* A public report naming accused, in city_a; the clue it became as
 * inspector.east sees it (the caller deletes it), its id into id. */
static cJSON *report_naming(const char *accused, char id[37])
{
    cgt_report rep;
    cJSON *b = cgt_report_body("holdback", "city_a");
    cJSON_DeleteItemFromObject(b, "accused_person");
    cJSON_AddStringToObject(b, "accused_person", accused);
    CGT_SUBMIT(b, &rep);
    cJSON_Delete(b);
    cJSON *clue = CGT_AWAIT_CLUE(insp_east, "content", rep.content);
    snprintf(id, 37, "%s", CGT_JSON_STR(clue, "id"));
    return clue;
}

/* A fresh account a named name (linked to person, or NULL) and a report
 * naming accused: the clue, as report_naming(). */
static cJSON *account_named_in_report(account *a, const char *name, const char *person,
                                      const char *accused, char id[37])
{
    make_account(a, name, person);
    return report_naming(accused, id);
}

static int group_setup(void **state)
{
    (void)state;
    admin = CGT_LOGIN("admin");
    insp_east = CGT_LOGIN("inspector.east");
    lead_east = CGT_LOGIN("lead.east");
    return 0;
}

static int group_teardown(void **state)
{
    (void)state;
    cgt_logout(admin);
    cgt_logout(insp_east);
    cgt_logout(lead_east);
    return 0;
}

/* An account linked as sec-subj-1-<x> never sees a clue whose subject is
 * "SEC-SUBJ-1-<X> ": one person, whatever the case and spaces. */
static void person_ids_in_any_spelling(void **state)
{
    (void)state;
    char tok[9], lower[48], upper[48], name[64], id[37];
    cgt_token_hex(tok, 8);
    snprintf(lower, sizeof lower, "sec-subj-1-%s", tok);
    for (size_t i = 0; i < sizeof upper; i++)
        upper[i] = (char)toupper((unsigned char)lower[i]);
    strcat(upper, " ");
    snprintf(name, sizeof name, "Subject One %s", tok);
    account a;
    make_account(&a, name, lower);

    CGT_CREATE_CLUE(lead_east, "city_a", upper, id);
    check_sees(a.token, id, false, "the subject, by an id in another case");
    check_sees(insp_east, id, true, "another inspector");

    /* The account's id is stored canonical. */
    cgt_response *r = cgt_get("/api/v1/auth/me", a.token);
    CGT_CHECK_STATUS(r, 200);
    CGT_CHECK(strncmp(cgt_json_str(r->json, "person_id"), "SEC-SUBJ-1-", 11) == 0,
              "person_id stored in upper case: %s", cgt_json_str(r->json, "person_id"));
    cgt_response_free(r);

    /* Nor can that person register a clue about themselves in any case. */
    r = cgt_post_clue(a.token, "city_a", upper);
    CGT_CHECK_PROBLEM(r, 403);
    cgt_response_free(r);
    cgt_logout(a.token);
}

/* A report that names an account by its display name (spaced and cased
 * otherwise) is hidden from that account until a lead confirms: then the
 * subject carries the person's id and the subject rule keeps it hidden. */
static void named_by_name_then_confirmed(void **state)
{
    (void)state;
    char tok[9], name[64], accused[64], person[48], body[256], path[96];
    cgt_token_hex(tok, 8);
    snprintf(name, sizeof name, "Held Person %s", tok);
    snprintf(accused, sizeof accused, "  held  PERSON %s", tok);
    snprintf(person, sizeof person, "hold-%s", tok);
    account a;
    char id[37];
    cJSON *clue = account_named_in_report(&a, name, person, accused, id);
    check_sees(a.token, id, false, "the account the report names");
    check_sees(insp_east, id, true, "another inspector");
    CGT_CHECK_INT(0, counted(a.token, tok), "the account named counts it");
    CGT_CHECK_INT(1, counted(insp_east, tok), "another inspector counts it");
    const cJSON *held = cJSON_GetObjectItemCaseSensitive(clue, "held_names");
    CGT_CHECK_INT(1, cJSON_GetArraySize(held), "held_names");
    char key[64];
    snprintf(key, sizeof key, "heldperson%s", tok);
    CGT_CHECK_STR(key, cJSON_GetStringValue(cJSON_GetArrayItem(held, 0)), "the held name's key");
    cJSON_Delete(clue);

    /* Only a lead decides, and only about a name the clue holds. */
    snprintf(body, sizeof body, "{\"name\":\"%s\",\"account_id\":\"%s\"}", name, a.id);
    cgt_response *r = cgt_clue_act(insp_east, id, "/subjects/confirm", body);
    CGT_CHECK_PROBLEM(r, 403);
    cgt_response_free(r);
    snprintf(path, sizeof path, "{\"name\":\"Somebody Else\",\"account_id\":\"%s\"}", a.id);
    r = cgt_clue_act(lead_east, id, "/subjects/confirm", path);
    CGT_CHECK_PROBLEM(r, 409);
    cgt_response_free(r);

    r = cgt_clue_act(lead_east, id, "/subjects/confirm", body);
    CGT_CHECK_STATUS(r, 200);
    const cJSON *after = CGT_JSON_OBJECT(r);
    CGT_CHECK_INT(0, cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(after, "held_names")),
                  "no name held after the confirmation");
    const cJSON *subject =
        cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(after, "subjects"), 0);
    char canon[48];
    for (size_t i = 0; i < sizeof canon; i++)
        canon[i] = (char)toupper((unsigned char)person[i]);
    CGT_CHECK_STR(canon, cgt_json_str(subject, "person_id"), "the subject's person id");
    cgt_response_free(r);

    check_sees(a.token, id, false, "the confirmed subject");
    check_sees(insp_east, id, true, "another inspector after the confirmation");

    /* An edit that takes the person id away holds the name again. */
    char edit[256];
    snprintf(edit, sizeof edit, "{\"subjects\":[{\"name\":\"%s\"}]}", accused);
    r = cgt_patch_clue(lead_east, id, edit);
    CGT_CHECK_STATUS(r, 200);
    CGT_CHECK_INT(1, cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(r->json, "held_names")),
                  "the name held again after the edit");
    cgt_response_free(r);
    check_sees(a.token, id, false, "the person after the edit");
    snprintf(edit, sizeof edit, "{\"subjects\":[{\"name\":\"%s\",\"person_id\":\"%s\"}]}", accused,
             person);
    r = cgt_patch_clue(lead_east, id, edit);
    CGT_CHECK_STATUS(r, 200);
    cgt_response_free(r);
    r = cgt_clue_act(lead_east, id, "/subjects/confirm", body);
    CGT_CHECK_STATUS(r, 200);
    cgt_response_free(r);

    /* A decided name is decided. */
    r = cgt_clue_act(lead_east, id, "/subjects/clear", body);
    CGT_CHECK_PROBLEM(r, 400); /* account_id is no key of clear */
    cgt_response_free(r);
    snprintf(body, sizeof body, "{\"name\":\"%s\"}", name);
    r = cgt_clue_act(lead_east, id, "/subjects/clear", body);
    CGT_CHECK_PROBLEM(r, 409);
    cgt_response_free(r);
    cgt_logout(a.token);
}

/* A namesake: the report's name is not that account's person. Confirming
 * needs a person id; a lead clears it, and the account sees the clue. */
static void named_by_name_then_cleared(void **state)
{
    (void)state;
    char tok[9], name[64], body[256], accused[128], id[37];
    cgt_token_hex(tok, 8);
    snprintf(name, sizeof name, "Name Sake %s", tok);
    /* Two people named in one accusation: each name is held. */
    snprintf(accused, sizeof accused, "Someone Unknown %s、name sake %s", tok, tok);
    account a;
    cJSON *clue = account_named_in_report(&a, name, NULL, accused, id);
    check_sees(a.token, id, false, "the account of that name");
    CGT_CHECK_INT(2, cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(clue, "held_names")),
                  "both names held");
    cJSON_Delete(clue);

    /* No person id: the subject rule could not keep it from them. */
    snprintf(body, sizeof body, "{\"name\":\"%s\",\"account_id\":\"%s\"}", name, a.id);
    cgt_response *r = cgt_clue_act(lead_east, id, "/subjects/confirm", body);
    CGT_CHECK_PROBLEM(r, 409);
    cgt_response_free(r);
    check_sees(a.token, id, false, "the account of that name, still held");

    snprintf(body, sizeof body, "{\"name\":\"%s\"}", name);
    r = cgt_clue_act(lead_east, id, "/subjects/clear", body);
    CGT_CHECK_STATUS(r, 200);
    CGT_CHECK_INT(1, cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(r->json, "held_names")),
                  "the other name still held");
    cgt_response_free(r);
    check_sees(a.token, id, true, "the namesake after the clearance");
    check_sees(insp_east, id, true, "another inspector");
    CGT_CHECK_INT(1, counted(a.token, tok), "the namesake counts it after the clearance");

    /* A clue registered with a subject of that name is held the same way. */
    cJSON *b = cgt_clue_body("city_a", NULL);
    cJSON *subject = cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(b, "subjects"), 0);
    cJSON_ReplaceItemInObjectCaseSensitive(subject, "name", cJSON_CreateString(name));
    r = cgt_post_json("/api/v1/clues", lead_east, b);
    cJSON_Delete(b);
    CGT_CHECK_STATUS(r, 201);
    snprintf(id, sizeof id, "%s", CGT_JSON_STR(r->json, "id"));
    cgt_response_free(r);
    check_sees(a.token, id, false, "the account a registered clue names");
    check_sees(insp_east, id, true, "another inspector, of the registered clue");
    cgt_logout(a.token);
}

/* A Chinese name unique to this run: tok's hex digits as characters from
 * U+4E00 on, three bytes each. */
static void cjk_name(const char *tok, char *out, size_t size)
{
    size_t o = 0;
    for (const char *c = tok; *c != '\0' && o + 4 < size; c++) {
        unsigned cp = 0x4E00 + (unsigned)(*c <= '9' ? *c - '0' : *c - 'a' + 10);
        out[o++] = (char)(0xE0 | (cp >> 12));
        out[o++] = (char)(0x80 | ((cp >> 6) & 0x3F));
        out[o++] = (char)(0x80 | (cp & 0x3F));
    }
    out[o] = '\0';
}

/* An account whose display name puts a title before the name is held back
 * from by a report that puts the title after it, in brackets. */
static void chinese_name_beside_title(void **state)
{
    (void)state;
    char tok[7], who[64], name[96], accused[96];
    cgt_token_hex(tok, 6);
    cjk_name(tok, who, sizeof who);
    snprintf(name, sizeof name, "华东纪检员 %s", who);
    snprintf(accused, sizeof accused, "%s（物资部科长）", who);
    account a;
    char id[37];
    cJSON_Delete(account_named_in_report(&a, name, NULL, accused, id));
    check_sees(a.token, id, false, "the account the report names beside a title");
    check_sees(insp_east, id, true, "another inspector");
    cgt_logout(a.token);
}

int main(void)
{
    cgt_init("accused_holdback", CGT_NEED_STACK);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(person_ids_in_any_spelling),
        cmocka_unit_test(named_by_name_then_confirmed),
        cmocka_unit_test(named_by_name_then_cleared),
        cmocka_unit_test(chinese_name_beside_title),
    };
    int failed =
        cmocka_run_group_tests_name("accused_holdback", tests, group_setup, group_teardown);
    cgt_cleanup();
    return failed ? 1 : 0;
}
