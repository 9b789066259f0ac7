/* Unit tests of names beside ids (names.c): what an answer names is
 * gathered once, at any depth, without ids that name nothing; the names go
 * beside the ids in objects and arrays, in order for a list of ids, null
 * for an id no account has, and are left out when they were not looked
 * up; a unit's two names go beside its path and the statistics' unit keys;
 * every row of the table does its part. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cg_test.h"
#include "names.h"

#define ANNA "0b6d6f7e-1a2b-4c3d-8e9f-000000000001"
#define BORIS "0b6d6f7e-1a2b-4c3d-8e9f-000000000002"
#define GONE "0b6d6f7e-1a2b-4c3d-8e9f-000000000003"

static cJSON *parse(const char *text)
{
    cJSON *doc = cJSON_Parse(text);
    assert_non_null(doc);
    return doc;
}

/* The member key of obj printed compactly, for comparing. */
static void assert_member(const cJSON *obj, const char *key, const char *expected)
{
    const cJSON *m = cJSON_GetObjectItemCaseSensitive(obj, key);
    if (expected == NULL) {
        assert_null(m);
        return;
    }
    assert_non_null(m);
    char *got = cJSON_PrintUnformatted(m);
    assert_string_equal(got, expected);
    free(got);
}

/* A member an object must have, as printed compactly (NULL: it has none). */
typedef struct {
    const char *key, *json;
} member;

/* obj has each member of the static array members. */
#define ASSERT_MEMBERS(obj, members)                                                               \
    do {                                                                                           \
        for (size_t m_ = 0; m_ < CG_NROWS(members); m_++)                                          \
            assert_member(obj, members[m_].key, members[m_].json);                                 \
    } while (0)

/* The lookup's answer: Anna and Boris are accounts, GONE is not; hq.east's
 * unit is east. */
#define FOUND_ACCOUNTS "{\"" ANNA "\": \"Anna\", \"" BORIS "\": \"Boris\", \"" GONE "\": null}"
#define FOUND_UNITS "{\"east\": {\"name\": \"East\", \"name_zh\": \"华东\"}, \"ghost\": null}"

static void found(cJSON **accounts, cJSON **units)
{
    *accounts = parse(FOUND_ACCOUNTS);
    *units = parse(FOUND_UNITS);
}

/* The answer text with the names of the lookup's accounts and units beside
 * its ids; the caller deletes it. */
static cJSON *apply_names(const char *answer_text, const char *accounts_text,
                          const char *units_text)
{
    cJSON *answer = parse(answer_text);
    cJSON *accounts = parse(accounts_text);
    cJSON *units = parse(units_text);
    cg_err err;
    cg_err_clear(&err);
    assert_int_equal(gw_names_apply(answer, accounts, units, &err), CG_OK);
    cJSON_Delete(accounts);
    cJSON_Delete(units);
    return answer;
}

static void collects_each_id_once_at_any_depth(void **state)
{
    (void)state;
    cJSON *answer =
        parse("{\"items\": [{\"handler_id\": \"" ANNA "\", \"org_path\": \"hq.east\","
              " \"disposal\": {\"proposed_by\": \"" ANNA "\", \"decided_by\": null}},"
              " {\"investigators\": [\"" BORIS "\", \"0B6D6F7E-1A2B-4C3D-8E9F-0000000"
              "00001\"], \"items\": [{\"unit_path\": \"hq.west.city_a\"}]},"
              " {\"actor_id\": \"\", \"summary\": {\"user_id\": \"system\"}},"
              " {\"by_unit\": {\"hq.east\": 2, \"hq\": 1}, \"org_path\": \"not a path!\"}]}");
    cJSON *accounts = cJSON_CreateObject();
    cJSON *units = cJSON_CreateObject();
    cg_err err;
    cg_err_clear(&err);

    assert_int_equal(gw_names_collect(answer, accounts, units, &err), CG_OK);
    /* An upper-case id is the same account; empty and non-UUID actors name
     * nothing, so nothing is asked for them. */
    char *got = cJSON_PrintUnformatted(accounts);
    assert_string_equal(got, "{\"" ANNA "\":null,\"" BORIS "\":null}");
    free(got);
    /* Units by code, the last label of the path. */
    got = cJSON_PrintUnformatted(units);
    assert_string_equal(got, "{\"east\":null,\"city_a\":null,\"hq\":null}");
    free(got);

    cJSON_Delete(answer);
    cJSON_Delete(accounts);
    cJSON_Delete(units);
}

static void names_go_beside_ids(void **state)
{
    (void)state;
    cJSON *answer =
        apply_names("{\"id\": \"c1\", \"handler_id\": \"" ANNA "\", \"org_path\": \"hq.east\","
                    " \"reviewer_id\": \"\", \"filed_by\": \"" GONE "\","
                    " \"investigators\": [\"" BORIS "\", \"" ANNA "\", \"" GONE "\"],"
                    " \"extension\": {\"requested_by\": \"" BORIS "\", \"decided_by\": null},"
                    " \"items\": [{\"added_by\": \"" ANNA "\", \"executed_by\": null,"
                    " \"unit_path\": null}],"
                    " \"handler_name\": \"stale\"}",
                    FOUND_ACCOUNTS, FOUND_UNITS);
    static const member top[] = {
        {"handler_name", "\"Anna\""}, /* replaced, not repeated */
        {"unit_name", "\"East\""},
        {"unit_name_zh", "\"华东\""},
        /* An empty id and a deleted account name nobody. */
        {"reviewer_name", "null"},
        {"filed_by_name", "null"},
        /* A list of ids: their names in the same order. */
        {"investigator_names", "[\"Boris\",\"Anna\",null]"},
    };
    static const member extension[] = {{"requested_by_name", "\"Boris\""},
                                       {"decided_by_name", "null"}};
    static const member item[] = {{"added_by_name", "\"Anna\""},
                                  {"executed_by_name", "null"},
                                  {"unit_name", "null"},
                                  {"unit_name_zh", "null"}};
    ASSERT_MEMBERS(answer, top);
    assert_int_equal(cJSON_GetArraySize(answer), 14); /* 9 members and 5 names */
    ASSERT_MEMBERS(cJSON_GetObjectItemCaseSensitive(answer, "extension"), extension);
    ASSERT_MEMBERS(cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(answer, "items"), 0), item);
    cJSON_Delete(answer);
}

/* A risk alert's history: an officer's step named, the service's own
 * raise not. */
static void a_risk_alert_history(void **state)
{
    (void)state;
    cJSON *answer = apply_names("{\"alert\": {\"id\": 7, \"history\": ["
                                "{\"action\": \"raise\", \"actor\": \"risk\"},"
                                " {\"action\": \"escalate\", \"actor\": \"" ANNA "\"}]}}",
                                FOUND_ACCOUNTS, FOUND_UNITS);
    const cJSON *history = cJSON_GetObjectItemCaseSensitive(
        cJSON_GetObjectItemCaseSensitive(answer, "alert"), "history");
    assert_member(cJSON_GetArrayItem(history, 0), "actor_name", "null");
    assert_member(cJSON_GetArrayItem(history, 1), "actor_name", "\"Anna\"");
    cJSON_Delete(answer);
}

/* The risk answers name units by path at every depth: an entity's page
 * (its own unit, the entity, its hits with whom they count against and
 * their inputs' peer group, its alerts) and the overview's units; a path
 * the risk service does not know ('') names no unit. */
static void risk_units_at_every_depth(void **state)
{
    (void)state;
    cJSON *answer = apply_names(
        "{\"entity\": {\"kind\": \"unit\", \"id\": \"east\", \"unit_path\": \"hq.east\"},"
        " \"unit_code\": \"east\", \"unit_path\": \"hq.east\","
        " \"hits\": [{\"unit_code\": \"east\", \"unit_path\": \"hq.east\","
        " \"inputs\": {\"peer_group\": {\"unit_path\": \"hq.east\"}},"
        " \"entities\": [{\"kind\": \"person\", \"id\": \"P-1\", \"unit_path\": \"\"},"
        " {\"kind\": \"unit\", \"id\": \"east\", \"unit_path\": \"hq.east\"}]}],"
        " \"alerts\": [{\"unit_code\": \"ghost\", \"unit_path\": \"hq.ghost\"},"
        " {\"unit_code\": \"nowhere\", \"unit_path\": \"\"}],"
        " \"units\": [{\"key\": \"east\", \"unit_path\": \"hq.east\"},"
        " {\"key\": \"nowhere\", \"unit_path\": \"\"}]}",
        FOUND_ACCOUNTS, FOUND_UNITS);
    static const member east[] = {{"unit_name", "\"East\""}, {"unit_name_zh", "\"华东\""}};
    static const member none[] = {{"unit_name", "null"}, {"unit_name_zh", "null"}};
    const cJSON *hit = cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(answer, "hits"), 0);
    const cJSON *entities = cJSON_GetObjectItemCaseSensitive(hit, "entities");
    const cJSON *alerts = cJSON_GetObjectItemCaseSensitive(answer, "alerts");
    const cJSON *units = cJSON_GetObjectItemCaseSensitive(answer, "units");
    ASSERT_MEMBERS(answer, east);
    ASSERT_MEMBERS(cJSON_GetObjectItemCaseSensitive(answer, "entity"), east);
    ASSERT_MEMBERS(hit, east);
    ASSERT_MEMBERS(cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(hit, "inputs"),
                                                    "peer_group"),
                   east);
    ASSERT_MEMBERS(cJSON_GetArrayItem(entities, 0), none);
    ASSERT_MEMBERS(cJSON_GetArrayItem(entities, 1), east);
    ASSERT_MEMBERS(cJSON_GetArrayItem(alerts, 0), none);
    ASSERT_MEMBERS(cJSON_GetArrayItem(alerts, 1), none);
    ASSERT_MEMBERS(cJSON_GetArrayItem(units, 0), east);
    ASSERT_MEMBERS(cJSON_GetArrayItem(units, 1), none);
    cJSON_Delete(answer);
}

static void a_dossier_and_its_summaries(void **state)
{
    (void)state;
    cJSON *answer = apply_names("{\"items\": [{\"seq\": 1, \"actor_id\": \"" ANNA "\","
                                " \"summary\": {\"handler_id\": \"" BORIS "\","
                                " \"previous_handler_id\": \"" ANNA "\"}},"
                                " {\"seq\": 2, \"actor_id\": \"\", \"summary\": null},"
                                " {\"seq\": 3, \"actor_id\": \"case-deadlines\","
                                " \"summary\": {\"user_id\": \"" BORIS "\"}}],"
                                " \"next_cursor\": null}",
                                FOUND_ACCOUNTS, FOUND_UNITS);
    const cJSON *items = cJSON_GetObjectItemCaseSensitive(answer, "items");
    const cJSON *first = cJSON_GetArrayItem(items, 0);
    assert_member(first, "actor_name", "\"Anna\"");
    static const member summary[] = {{"handler_name", "\"Boris\""},
                                     {"previous_handler_name", "\"Anna\""}};
    ASSERT_MEMBERS(cJSON_GetObjectItemCaseSensitive(first, "summary"), summary);
    /* A service's own step: no account, so the reader shows the system. */
    assert_member(cJSON_GetArrayItem(items, 1), "actor_name", "null");
    assert_member(cJSON_GetArrayItem(items, 2), "actor_name", "null");
    assert_member(cJSON_GetObjectItemCaseSensitive(cJSON_GetArrayItem(items, 2), "summary"),
                  "user_name", "\"Boris\"");
    /* Nothing is added where no row matched. */
    assert_member(answer, "unit_name", NULL);
    cJSON_Delete(answer);
}

static void statistics_unit_keys(void **state)
{
    (void)state;
    cJSON *answer = apply_names("{\"total\": 3, \"by_unit\": {\"hq.east\": 2, \"hq.ghost\": 1}}",
                                FOUND_ACCOUNTS, FOUND_UNITS);
    assert_member(answer, "unit_names",
                  "{\"hq.east\":{\"name\":\"East\",\"name_zh\":\"华东\"},\"hq.ghost\":null}");
    cJSON_Delete(answer);
}

/* When the lookup failed, an id it did not find is missing from the
 * dictionaries: its name member is left out rather than shown as nobody. */
static void names_not_looked_up_are_left_out(void **state)
{
    (void)state;
    cJSON *answer =
        apply_names("{\"handler_id\": \"" BORIS "\", \"filed_by\": \"" ANNA "\","
                    " \"actor_id\": \"\", \"investigators\": [\"" ANNA "\", \"" BORIS "\"],"
                    " \"org_path\": \"hq.east\", \"by_unit\": {\"hq.east\": 1}}",
                    "{\"" ANNA "\": \"Anna\"}", "{}");
    static const member members[] = {
        {"handler_name", NULL},       {"filed_by_name", "\"Anna\""},
        {"actor_name", "null"}, /* known to name nobody */
        {"investigator_names", NULL}, {"unit_name", NULL},
        {"unit_name_zh", NULL},       {"unit_names", NULL},
    };
    ASSERT_MEMBERS(answer, members);
    cJSON_Delete(answer);
}

/* The row that reads member key, or NULL. */
static const gw_name_key *row_key_clash(const char *key)
{
    for (size_t i = 0; i < gw_nname_keys; i++)
        if (strcmp(gw_name_keys[i].key, key) == 0)
            return &gw_name_keys[i];
    return NULL;
}

/* Every row of the table is gathered and applied: one answer holding each
 * key once gets each row's name member. */
static void every_row_does_its_part(void **state)
{
    (void)state;
    cJSON *accounts, *units;
    found(&accounts, &units);
    cJSON *answer = cJSON_CreateObject();
    for (size_t i = 0; i < gw_nname_keys; i++) {
        const gw_name_key *row = &gw_name_keys[i];
        char holder_key[32];
        snprintf(holder_key, sizeof(holder_key), "row%zu", i);
        cJSON *holder = cJSON_AddObjectToObject(answer, holder_key);
        if (row->kind == GW_NAME_ACCOUNT)
            cJSON_AddStringToObject(holder, row->key, ANNA);
        else if (row->kind == GW_NAME_ACCOUNTS)
            cJSON_AddItemToObject(holder, row->key, parse("[\"" ANNA "\"]"));
        else if (row->kind == GW_NAME_UNIT)
            cJSON_AddStringToObject(holder, row->key, "hq.east");
        else
            cJSON_AddItemToObject(holder, row->key, parse("{\"hq.east\": 1}"));
    }
    cJSON *wanted_accounts = cJSON_CreateObject();
    cJSON *wanted_units = cJSON_CreateObject();
    cg_err err;
    cg_err_clear(&err);
    assert_int_equal(gw_names_collect(answer, wanted_accounts, wanted_units, &err), CG_OK);
    assert_non_null(cJSON_GetObjectItemCaseSensitive(wanted_accounts, ANNA));
    assert_non_null(cJSON_GetObjectItemCaseSensitive(wanted_units, "east"));

    assert_int_equal(gw_names_apply(answer, accounts, units, &err), CG_OK);
    for (size_t i = 0; i < gw_nname_keys; i++) {
        const gw_name_key *row = &gw_name_keys[i];
        char holder_key[32];
        snprintf(holder_key, sizeof(holder_key), "row%zu", i);
        const cJSON *holder = cJSON_GetObjectItemCaseSensitive(answer, holder_key);
        const char *expected[] = {"\"Anna\"", "[\"Anna\"]", "\"East\"",
                                  "{\"hq.east\":{\"name\":\"East\",\"name_zh\":\"华东\"}}"};
        assert_member(holder, row->name_key, expected[row->kind]);
        if (row->name_zh_key != NULL)
            assert_member(holder, row->name_zh_key, "\"华东\"");
        /* No row writes a member another row reads. */
        assert_null(row_key_clash(row->name_key));
    }

    cJSON_Delete(answer);
    cJSON_Delete(accounts);
    cJSON_Delete(units);
    cJSON_Delete(wanted_accounts);
    cJSON_Delete(wanted_units);
}

/* The code gw_names_unit_code finds in path, or NULL. */
static const char *code_of(const char *path)
{
    static char code[65];
    return gw_names_unit_code(path, code, sizeof(code)) ? code : NULL;
}

static void unit_code_of_a_path(void **state)
{
    (void)state;
    static const cg_test_str_row codes[] = {
        {"hq.east.city_a", "city_a"}, {"hq", "hq"}, {"", NULL}, {"hq..east", NULL}, {NULL, NULL},
    };
    CG_CHECK_STRINGS(code_of, codes);
}

CG_TEST_MAIN(cmocka_unit_test(collects_each_id_once_at_any_depth),
             cmocka_unit_test(names_go_beside_ids), cmocka_unit_test(a_dossier_and_its_summaries),
             cmocka_unit_test(a_risk_alert_history), cmocka_unit_test(risk_units_at_every_depth),
             cmocka_unit_test(statistics_unit_keys),
             cmocka_unit_test(names_not_looked_up_are_left_out),
             cmocka_unit_test(every_row_does_its_part), cmocka_unit_test(unit_code_of_a_path))
