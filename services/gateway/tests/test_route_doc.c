/* Unit tests of the route descriptions (route_doc.c) on a table of two
 * fake rows: a paged list answered whole, and a public step with aliased
 * body keys answered with one member of its reply; then a hand-written
 * route, a presenter, and a body key that names no field. The gateway's own
 * table is compared with docs/api/openapi.yaml by gateway_unit_openapi_routes. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>
#include <string.h>

#include "cg_test.h"
#include "cleangrid/v1/case.pb-c.h"
#include "cleangrid/v1/case_list.pb-c.h"
#include "forward.h"
#include "route_doc.h"

static void handler(struct gw_request *req)
{
    (void)req;
}

static cJSON *presenter(const ProtobufCMessage *reply)
{
    (void)reply;
    return cJSON_CreateObject();
}

static const gw_query_param FILTERS[] = {{"status", "status"}, {NULL, NULL}};

static const gw_route routes[] = {
    {.method = "GET",
     .pattern = "/api/v1/things",
     .perm = GW_PERM_CLUE_READ,
     .rpc = GW_RPC("case", "ListClues", list_clues, list_clues, .paged = true, .query = FILTERS)},
    {.method = "POST",
     .pattern = "/api/v1/things/{id}/merge",
     .perm = GW_PERM_PUBLIC,
     .rpc = GW_RPC("case", "ClueAction", clue_action, clue_action, .id_field = "clue_id",
                   .body = GW_KEYS("into:other_clue_id", "reason", "edit"), .reply_field = "clue",
                   .status = 201)},
};
#define NROUTES (sizeof(routes) / sizeof(routes[0]))

/* A hand-written route, names beside ids, a presenter. */
static const gw_route more[] = {
    {.method = "GET", .pattern = "/healthz", .perm = GW_PERM_PUBLIC, .handler = handler},
    {.method = "GET",
     .pattern = "/api/v1/things/{id}",
     .perm = GW_PERM_CLUE_READ,
     .rpc = GW_RPC("case", "GetClue", get_clue, get_clue, .id_field = "id", .reply_field = "clue")},
    {.method = "GET",
     .pattern = "/api/v1/things/{id}/summary",
     .perm = GW_PERM_CLUE_READ,
     .rpc = GW_RPC("case", "GetClue", get_clue, get_clue, .id_field = "id", .present = presenter)},
};

/* A body key that names no field of the request. */
static const gw_route bad[] = {
    {.method = "POST",
     .pattern = "/api/v1/things",
     .perm = GW_PERM_CLUE_WRITE,
     .rpc = GW_RPC("case", "CreateClue", create_clue, create_clue, .body = GW_KEYS("nope"))},
};

/* The description of routes[0..n) with the gateway's presentation rules. */
static cJSON *describe(const gw_route *table, size_t n, cg_code want)
{
    cg_pbjson *codec = NULL;
    cJSON *doc = NULL;
    cg_err err;
    cg_err_clear(&err);
    if (gw_codec_create(table, n, &codec, &err) != CG_OK)
        fail_msg("%s", err.message);
    assert_int_equal(gw_route_doc_json(table, n, codec, &doc, &err), want);
    if (want != CG_OK) {
        assert_null(doc);
        assert_non_null(strstr(err.message, "nope"));
    }
    cg_pbjson_free(codec);
    return doc;
}

static const char *text(const cJSON *obj, const char *key)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);
    assert_true(cJSON_IsString(v));
    return v->valuestring;
}

/* The entry of keys (an array of {key, kind}) for key, or NULL. */
static const cJSON *entry(const cJSON *keys, const char *key)
{
    const cJSON *k;
    cJSON_ArrayForEach(k, keys)
    {
        if (strcmp(text(k, "key"), key) == 0)
            return k;
    }
    return NULL;
}

static void assert_kind(const cJSON *keys, const char *key, const char *kind, bool names)
{
    const cJSON *k = entry(keys, key);
    assert_non_null(k);
    assert_string_equal(text(k, "kind"), kind);
    assert_int_equal(cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(k, "names")), names);
}

static void test_paged_list(void **state)
{
    (void)state;
    cJSON *doc = describe(routes, NROUTES, CG_OK);
    assert_int_equal(cJSON_GetArraySize(doc), 2);
    const cJSON *list = cJSON_GetArrayItem(doc, 0);
    assert_string_equal(text(list, "method"), "GET");
    assert_string_equal(text(list, "path"), "/api/v1/things");
    assert_string_equal(text(list, "permission"), "clue.read");
    assert_true(cJSON_IsFalse(cJSON_GetObjectItemCaseSensitive(list, "public")));
    assert_true(cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(list, "forwards")));
    assert_int_equal(cJSON_GetObjectItemCaseSensitive(list, "status")->valueint, 200);
    assert_true(cJSON_IsNull(cJSON_GetObjectItemCaseSensitive(list, "body")));

    const cJSON *query = cJSON_GetObjectItemCaseSensitive(list, "query");
    assert_int_equal(cJSON_GetArraySize(query), 3);
    assert_string_equal(cJSON_GetArrayItem(query, 0)->valuestring, "status");
    assert_string_equal(cJSON_GetArrayItem(query, 1)->valuestring, "limit");
    assert_string_equal(cJSON_GetArrayItem(query, 2)->valuestring, "cursor");

    /* The whole reply without its status; the page's cursor beside the
     * items (INLINE), not the page itself. */
    const cJSON *reply = cJSON_GetObjectItemCaseSensitive(list, "reply");
    assert_true(cJSON_IsFalse(cJSON_GetObjectItemCaseSensitive(reply, "hand_written")));
    const cJSON *keys = cJSON_GetObjectItemCaseSensitive(reply, "keys");
    assert_int_equal(cJSON_GetArraySize(keys), 2);
    assert_kind(keys, "items", "array", false);
    assert_kind(keys, "next_cursor", "scalar", false);
    assert_null(entry(keys, "status"));
    assert_null(entry(keys, "page"));
    cJSON_Delete(doc);
}

static void test_public_step(void **state)
{
    (void)state;
    cJSON *doc = describe(routes, NROUTES, CG_OK);
    const cJSON *step = cJSON_GetArrayItem(doc, 1);
    assert_string_equal(text(step, "permission"), "public");
    assert_true(cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(step, "public")));
    assert_int_equal(cJSON_GetObjectItemCaseSensitive(step, "status")->valueint, 201);
    assert_int_equal(cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(step, "query")), 0);

    /* An alias is shown by the client's key, typed by the field it sets. */
    const cJSON *body = cJSON_GetObjectItemCaseSensitive(step, "body");
    assert_int_equal(cJSON_GetArraySize(body), 3);
    assert_kind(body, "into", "scalar", false);
    assert_kind(body, "reason", "scalar", false);
    assert_kind(body, "edit", "object", false);

    /* The clue with the codec's keys; no names on a public route. */
    const cJSON *keys =
        cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(step, "reply"), "keys");
    assert_kind(keys, "id", "scalar", false);
    assert_kind(keys, "received_date", "scalar", false);
    assert_kind(keys, "subjects", "array", false);
    assert_kind(keys, "disposal", "object", false);
    assert_non_null(entry(keys, "handler_id"));
    assert_null(entry(keys, "handler_name"));
    assert_null(entry(keys, "received_at_ms"));
    cJSON_Delete(doc);
}

static void test_names_hand_written(void **state)
{
    (void)state;
    cJSON *doc = describe(more, 3, CG_OK);

    const cJSON *health = cJSON_GetArrayItem(doc, 0);
    assert_true(cJSON_IsFalse(cJSON_GetObjectItemCaseSensitive(health, "forwards")));
    assert_true(cJSON_IsNull(cJSON_GetObjectItemCaseSensitive(health, "status")));
    assert_null(cJSON_GetObjectItemCaseSensitive(health, "reply"));

    /* Names beside the ids, once each, marked as the gateway's own. */
    const cJSON *keys = cJSON_GetObjectItemCaseSensitive(
        cJSON_GetObjectItemCaseSensitive(cJSON_GetArrayItem(doc, 1), "reply"), "keys");
    assert_kind(keys, "handler_id", "scalar", false);
    assert_kind(keys, "handler_name", "scalar", true);
    assert_kind(keys, "org_path", "scalar", false);
    assert_kind(keys, "unit_name", "scalar", true);
    assert_kind(keys, "unit_name_zh", "scalar", true);

    const cJSON *reply = cJSON_GetObjectItemCaseSensitive(cJSON_GetArrayItem(doc, 2), "reply");
    assert_true(cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(reply, "hand_written")));
    assert_int_equal(cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(reply, "keys")), 0);
    cJSON_Delete(doc);
}

static void test_unknown_body_key(void **state)
{
    (void)state;
    describe(bad, 1, CG_INVALID_ARGUMENT);
}

CG_TEST_MAIN(cmocka_unit_test(test_paged_list), cmocka_unit_test(test_public_step),
             cmocka_unit_test(test_names_hand_written), cmocka_unit_test(test_unknown_body_key))
