/* Unit tests of the administration API's pure rules: usernames, unit codes,
 * roles, body members and page requests. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>
#include <string.h>

#include "admin_rules.h"
#include "cg_test.h"

static void test_names(void **state)
{
    (void)state;
    static const char *const good_usernames[] = {"inspector.east", "a-b_c9"};
    static const char *const bad_usernames[] = {"", ".hidden", "Inspector", "has space",
                                                "x'; drop table accounts; --"};
    CG_CHECK_EACH(gw_username_valid, good_usernames, true);
    CG_CHECK_EACH(gw_username_valid, bad_usernames, false);
    char long_name[66];
    memset(long_name, 'a', 65);
    long_name[65] = '\0';
    assert_false(gw_username_valid(long_name));
    long_name[64] = '\0';
    assert_true(gw_username_valid(long_name));

    static const char *const good_codes[] = {"city_a"};
    static const char *const bad_codes[] = {"city-a", "hq.east", ""};
    CG_CHECK_EACH(gw_unit_code_valid, good_codes, true);
    CG_CHECK_EACH(gw_unit_code_valid, bad_codes, false);

    static const char *const known_roles[] = {"inspection_lead", "admin"};
    static const char *const unknown_roles[] = {"root", NULL};
    CG_CHECK_EACH(gw_role_known, known_roles, true);
    CG_CHECK_EACH(gw_role_known, unknown_roles, false);
}

static void test_body_fields(void **state)
{
    (void)state;
    cg_err err;
    gw_body_field f[] = {{.name = "code", .required = true, .max_chars = 4},
                         {.name = "name", .required = false, .max_chars = 0}};
    cJSON *b = cJSON_Parse("{\"code\":\"abcd\",\"name\":\"东部\"}");
    assert_int_equal(gw_body_fields(b, f, 2, &err), CG_OK);
    assert_string_equal(f[0].value, "abcd");
    assert_string_equal(f[1].value, "东部");
    cJSON_Delete(b);

    /* Each row: a body, the code it gets, and (for a refusal) one violation
     * it must carry; a body with several violations has a row for each.
     * unset names a field whose value must stay NULL. */
    static const struct {
        const char *json;
        cg_code want;
        const char *field, *text, *unset;
    } rows[] = {
        {"{\"name\":1,\"extra\":\"x\"}", CG_INVALID_ARGUMENT, "code", "is required", NULL},
        {"{\"name\":1,\"extra\":\"x\"}", CG_INVALID_ARGUMENT, "name", "must be a string", "name"},
        {"{\"name\":1,\"extra\":\"x\"}", CG_INVALID_ARGUMENT, "extra", "is not a member", NULL},
        /* Length in characters: four Chinese characters fit four. */
        {"{\"code\":\"纪检监察\"}", CG_OK, NULL, NULL, NULL},
        {"{\"code\":\"abcde\"}", CG_INVALID_ARGUMENT, "code", "at most 4", NULL},
        {"{\"code\":\"\"}", CG_INVALID_ARGUMENT, "code", "must not be empty", NULL},
        {"[1]", CG_INVALID_ARGUMENT, NULL, NULL, NULL},
        /* A control character is invisible where the text is shown. */
        {"{\"code\":\"ab\\u0007\",\"name\":\"East\\tUnit\"}", CG_INVALID_ARGUMENT, "code",
         "control characters", NULL},
        {"{\"code\":\"ab\\u0007\",\"name\":\"East\\tUnit\"}", CG_INVALID_ARGUMENT, "name",
         "control characters", NULL},
    };
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        b = cJSON_Parse(rows[i].json);
        if (gw_body_fields(b, f, 2, &err) != rows[i].want)
            fail_msg("%s: not code %d", rows[i].json, rows[i].want);
        if (rows[i].field != NULL && !cg_test_has_violation(&err, rows[i].field, rows[i].text))
            fail_msg("%s: no violation %s %s", rows[i].json, rows[i].field, rows[i].text);
        for (size_t k = 0; rows[i].unset != NULL && k < 2; k++) {
            if (strcmp(f[k].name, rows[i].unset) == 0)
                assert_null(f[k].value);
        }
        cJSON_Delete(b);
    }
}

/* Parse a JSON array text and run gw_roles_parse on it. */
static cg_code roles_of(const char *json, char out[GW_ROLES_LITERAL_MAX])
{
    cg_err err;
    cg_err_clear(&err);
    cJSON *doc = cJSON_Parse(json);
    cg_code rc = gw_roles_parse(doc, "roles", out, &err);
    cJSON_Delete(doc);
    return rc;
}

static void test_roles(void **state)
{
    (void)state;
    char out[GW_ROLES_LITERAL_MAX];
    static const struct {
        const char *json;
        cg_code code;
        const char *literal; /* NULL: not checked */
    } lists[] = {
        {"[\"inspector\"]", CG_OK, "{inspector}"},
        {"[\"inspector\", \"inspection_lead\", \"custodian\"]", CG_OK,
         "{inspector,inspection_lead,custodian}"},
        {"[\"admin\"]", CG_OK, NULL},
        {"[\"auditor\"]", CG_OK, NULL},
        /* Separation of duties: admin and auditor stand alone. */
        {"[\"admin\", \"inspector\"]", CG_INVALID_ARGUMENT, NULL},
        {"[\"cadre\", \"auditor\"]", CG_INVALID_ARGUMENT, NULL},
        {"[\"inspector\", \"inspector\"]", CG_INVALID_ARGUMENT, NULL},
        {"[]", CG_INVALID_ARGUMENT, NULL},
        {"[\"root\"]", CG_INVALID_ARGUMENT, NULL},
        {"[\"inspector\", 7]", CG_INVALID_ARGUMENT, NULL},
        {"\"inspector\"", CG_INVALID_ARGUMENT, NULL},
        {"[\"inspector\", \"inspection_lead\", \"custodian\", \"cadre\", \"unit_leader\"]",
         CG_INVALID_ARGUMENT, NULL},
        /* A name that would break out of the array literal is not a role. */
        {"[\"inspector}\"]", CG_INVALID_ARGUMENT, NULL},
    };
    for (size_t i = 0; i < CG_NROWS(lists); i++) {
        cg_code code = roles_of(lists[i].json, out);
        if (code != lists[i].code)
            fail_msg("roles %s: code %d, want %d", lists[i].json, code, lists[i].code);
        if (lists[i].literal != NULL && strcmp(out, lists[i].literal) != 0)
            fail_msg("roles %s: \"%s\", want \"%s\"", lists[i].json, out, lists[i].literal);
    }

    static const char *const good_person_ids[] = {"HR-cadre.east", "E1234567"};
    static const char *const bad_person_ids[] = {"", "has space", "x'--"};
    CG_CHECK_EACH(gw_person_id_valid, good_person_ids, true);
    CG_CHECK_EACH(gw_person_id_valid, bad_person_ids, false);
}

static void test_field_kinds(void **state)
{
    (void)state;
    cg_err err;
    gw_body_field f[] = {
        {.name = "roles", .required = true, .max_chars = 0, .kind = GW_FIELD_ARRAY},
        {.name = "person_id", .required = false, .max_chars = 64, .kind = GW_FIELD_NULLABLE}};
    cJSON *body = cJSON_Parse("{\"roles\": [\"inspector\"], \"person_id\": null}");
    assert_int_equal(CG_OK, gw_body_fields(body, f, 2, &err));
    assert_non_null(f[0].item);
    assert_null(f[1].value);
    assert_true(cJSON_IsNull(f[1].item)); /* sent as null: clear it */
    cJSON_Delete(body);

    body = cJSON_Parse("{\"roles\": \"inspector\"}");
    assert_int_equal(CG_INVALID_ARGUMENT, gw_body_fields(body, f, 2, &err));
    assert_null(f[1].item); /* absent: leave it */
    cJSON_Delete(body);

    body = cJSON_Parse("{\"person_id\": \"HR-1\"}");
    assert_int_equal(CG_INVALID_ARGUMENT, gw_body_fields(body, f, 2, &err)); /* roles required */
    assert_string_equal("HR-1", f[1].value);
    cJSON_Delete(body);
}

static void test_page(void **state)
{
    (void)state;
    cg_err err;
    int limit;
    char cursor[GW_ADMIN_CURSOR_MAX + 1];
    assert_int_equal(gw_admin_page(NULL, &limit, cursor, &err), CG_OK);
    assert_int_equal(limit, GW_ADMIN_PAGE_DEFAULT);
    assert_string_equal(cursor, "");
    assert_int_equal(gw_admin_page("limit=5&cursor=hq.east", &limit, cursor, &err), CG_OK);
    assert_int_equal(limit, 5);
    assert_string_equal(cursor, "hq.east");
    static const char *const bad[] = {"limit=0", "limit=101", "limit=5x", "cursor=a%00b"};
    for (size_t i = 0; i < CG_NROWS(bad); i++) {
        if (gw_admin_page(bad[i], &limit, cursor, &err) != CG_INVALID_ARGUMENT)
            fail_msg("page \"%s\" was taken", bad[i]);
    }
    assert_true(cg_test_has_violation(&err, "cursor", "not a cursor"));
}

static void test_people_filters(void **state)
{
    (void)state;
    cg_err err;
    char role[GW_ROLE_NAME_MAX];
    char q[GW_PEOPLE_Q_MAX_BYTES + 1];
    assert_int_equal(gw_people_filters(NULL, role, q, &err), CG_OK);
    assert_string_equal(role, "");
    assert_string_equal(q, "");
    assert_int_equal(
        gw_people_filters("role=inspection_lead&q=%E7%BA%AA%E6%A3%80&limit=5", role, q, &err),
        CG_OK);
    assert_string_equal(role, "inspection_lead");
    assert_string_equal(q, "纪检");
    assert_int_equal(gw_people_filters("role=emperor", role, q, &err), CG_INVALID_ARGUMENT);
    assert_true(cg_test_has_violation(&err, "role", "one of the roles"));
    assert_string_equal(role, "");
    assert_int_equal(gw_people_filters("role=", role, q, &err), CG_INVALID_ARGUMENT);
    assert_int_equal(gw_people_filters("q=", role, q, &err), CG_INVALID_ARGUMENT);
    assert_true(cg_test_has_violation(&err, "q", "1 to 100"));
    assert_int_equal(gw_people_filters("q=%FF", role, q, &err), CG_INVALID_ARGUMENT);
    assert_int_equal(gw_people_filters("q=a%00b", role, q, &err), CG_INVALID_ARGUMENT);
    /* 100 characters pass, in Chinese too (300 bytes); 101 do not. */
    char query[1024] = "q=";
    for (int i = 0; i < 100; i++)
        strcat(query, "%E7%BA%AA");
    assert_int_equal(gw_people_filters(query, role, q, &err), CG_OK);
    strcat(query, "a");
    assert_int_equal(gw_people_filters(query, role, q, &err), CG_INVALID_ARGUMENT);
}

CG_TEST_MAIN(cmocka_unit_test(test_names), cmocka_unit_test(test_body_fields),
             cmocka_unit_test(test_page), cmocka_unit_test(test_roles),
             cmocka_unit_test(test_field_kinds), cmocka_unit_test(test_people_filters))
