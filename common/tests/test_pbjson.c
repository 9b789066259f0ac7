/* Unit tests of the JSON <-> protobuf-c codec: every field type both ways,
 * round trips, the presentation rules, the settable allow-list, every
 * problem reported at once, and the limits. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cg/pbjson.h"
#include "cleangrid/v1/case.pb-c.h"
#include "cleangrid/v1/common.pb-c.h"
#include "pbjson_test.pb-c.h"
#include "pbjson_rules.h"

/* The shown rules the fuzzers use too, and the HIDDEN ones. */
static const cg_pbjson_rule rules[] = {
    CG_PBJSON_SHOWN_TEST_RULES,
    {"cgtest.AllTypes", "secret", NULL, CG_PBJSON_HIDDEN},
    {"cleangrid.v1.ListCluesReply", "status", NULL, CG_PBJSON_HIDDEN},
    {"cleangrid.v1.CreateClueRequest", "ctx", NULL, CG_PBJSON_HIDDEN},
    {"cleangrid.v1.CaseActionRequest", "ctx", NULL, CG_PBJSON_HIDDEN},
};

/* Every top-level key of AllTypes a body may give. */
static const char *const all_keys[] = {"text",
                                       "b",
                                       "i32",
                                       "si32",
                                       "sf32",
                                       "i64",
                                       "si64",
                                       "sf64",
                                       "u32",
                                       "f32",
                                       "u64",
                                       "f64",
                                       "fl",
                                       "db",
                                       "color",
                                       "data",
                                       "inner",
                                       "rs",
                                       "ri64",
                                       "rinner",
                                       "rcolor",
                                       "rdata",
                                       "rdb",
                                       "rb",
                                       "due_at",
                                       "price",
                                       "note",
                                       "name",
                                       "n",
                                       "born_on",
                                       "choice_text",
                                       "choice_number",
                                       "choice_inner",
                                       "plain_at_ms",
                                       "raw",
                                       NULL};

static cg_pbjson *codec;

/* cg_pbjson_message_new() as a void pointer, for the generated types. */
static void *new_msg(const ProtobufCMessageDescriptor *desc)
{
    return cg_pbjson_message_new(desc);
}

static int setup(void **state)
{
    (void)state;
    cg_err err;
    cg_err_clear(&err);
    codec = cg_pbjson_new(rules, sizeof(rules) / sizeof(rules[0]));
    if (codec == NULL)
        return -1;
    const ProtobufCMessageDescriptor *descs[] = {
        &cgtest__all_types__descriptor,
        &cgtest__loop__descriptor,
        &cleangrid__v1__clue__descriptor,
        &cleangrid__v1__list_clues_reply__descriptor,
        &cleangrid__v1__create_clue_request__descriptor,
        &cleangrid__v1__case_action_request__descriptor,
        &cleangrid__v1__status__descriptor,
    };
    for (size_t i = 0; i < sizeof(descs) / sizeof(descs[0]); i++)
        if (cg_pbjson_prepare(codec, descs[i], &err) != CG_OK) {
            fprintf(stderr, "prepare: %s\n", err.message);
            return -1;
        }
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    cg_pbjson_free(codec);
    return 0;
}

/* A message of desc decoded from json, asserting success. */
static void *decode_ok(const ProtobufCMessageDescriptor *desc, const char *json,
                       const char *const *settable)
{
    cg_err err;
    cg_err_clear(&err);
    ProtobufCMessage *msg = new_msg(desc);
    assert_non_null(msg);
    cg_code rc = cg_pbjson_decode(codec, json, strlen(json), settable, msg, &err);
    if (rc != CG_OK) {
        for (size_t i = 0; i < err.nviolations; i++)
            fprintf(stderr, "%s: %s\n", err.violations[i].field, err.violations[i].description);
        fail_msg("decode %s: %s", json, err.message);
    }
    return msg;
}

/* The error decoding json[0..len) into a new AllTypes gives; the message
 * it leaves is freed (under ASan this checks that it is freeable). */
static cg_err decode_err_len(const char *json, size_t len, const char *const *settable)
{
    cg_err err;
    cg_err_clear(&err);
    ProtobufCMessage *msg = new_msg(&cgtest__all_types__descriptor);
    assert_non_null(msg);
    assert_int_not_equal(cg_pbjson_decode(codec, json, len, settable, msg, &err), CG_OK);
    protobuf_c_message_free_unpacked(msg, NULL);
    return err;
}

static cg_err decode_err(const char *json)
{
    return decode_err_len(json, strlen(json), all_keys);
}

/* Assert that decoding json into AllTypes yields exactly one violation. */
static void assert_one_violation(const char *json, const char *field, const char *description)
{
    cg_err err = decode_err(json);
    assert_int_equal(err.code, CG_INVALID_ARGUMENT);
    if (err.nviolations != 1 || !cg_err_has_violation(&err, field, description))
        fail_msg("%s: expected %s %s, got %zu violations, first %s %s", json, field, description,
                 err.nviolations, err.nviolations > 0 ? err.violations[0].field : "",
                 err.nviolations > 0 ? err.violations[0].description : "");
}

static char *encode_text(const void *msg)
{
    cg_err err;
    cJSON *doc = NULL;
    cg_err_clear(&err);
    assert_int_equal(cg_pbjson_encode(codec, msg, &doc, &err), CG_OK);
    char *text = cJSON_PrintUnformatted(doc);
    cJSON_Delete(doc);
    assert_non_null(text);
    return text;
}

static void assert_same_pack(const void *a, const void *b)
{
    size_t na = protobuf_c_message_get_packed_size(a), nb = protobuf_c_message_get_packed_size(b);
    assert_int_equal(na, nb);
    uint8_t *pa = malloc(na + 1), *pb = malloc(nb + 1);
    protobuf_c_message_pack(a, pa);
    protobuf_c_message_pack(b, pb);
    assert_memory_equal(pa, pb, na);
    free(pa);
    free(pb);
}

/* Encode msg, decode the text back with every key it holds settable, and
 * compare the two messages' wire bytes. */
static void assert_round_trip(const void *msg)
{
    const ProtobufCMessage *m = msg;
    char *text = encode_text(msg);
    cJSON *doc = cJSON_Parse(text);
    const char *keys[64];
    size_t n = 0;
    for (const cJSON *item = doc->child; item != NULL && n < 63; item = item->next)
        keys[n++] = item->string;
    keys[n] = NULL;
    void *back = decode_ok(m->descriptor, text, keys);
    assert_same_pack(msg, back);
    protobuf_c_message_free_unpacked(back, NULL);
    cJSON_Delete(doc);
    free(text);
}

static const char full_body[] =
    "{\"text\":\"纪检\",\"b\":true,\"i32\":-2147483648,\"si32\":-5,\"sf32\":2147483647,"
    "\"i64\":-9007199254740991,\"si64\":9007199254740991,\"sf64\":-1,\"u32\":4294967295,"
    "\"f32\":7,\"u64\":9007199254740991,\"f64\":1,\"fl\":1.5,\"db\":-0.1,\"color\":\"COLOR_GREEN\","
    "\"data\":\"AAEC/w==\",\"inner\":{\"name\":\"in\",\"n\":3},\"rs\":[\"a\",\"\",\"c\"],"
    "\"ri64\":[1,-2],\"rinner\":[{\"name\":\"x\"},{}],\"rcolor\":[\"COLOR_RED\",\"COLOR_"
    "UNSPECIFIED\"],"
    "\"rdata\":[\"\",\"YQ==\"],\"rdb\":[0.5,1e300],\"rb\":[false,true],\"choice_number\":0,"
    "\"due_at\":\"2026-12-06T05:10:56.123Z\",\"born_on\":\"2026-03-01\",\"price\":12345,"
    "\"note\":\"hi\",\"name\":\"flat name\",\"n\":9,\"plain_at_ms\":5}";

static void every_type_decodes(void **state)
{
    (void)state;
    Cgtest__AllTypes *m = decode_ok(&cgtest__all_types__descriptor, full_body, all_keys);
    assert_string_equal(m->s, "纪检");
    assert_true(m->b);
    assert_int_equal(m->i32, INT32_MIN);
    assert_int_equal(m->si32, -5);
    assert_int_equal(m->sf32, INT32_MAX);
    assert_true(m->i64 == -9007199254740991LL);
    assert_true(m->si64 == 9007199254740991LL);
    assert_int_equal(m->sf64, -1);
    assert_int_equal(m->u32, UINT32_MAX);
    assert_int_equal(m->f32, 7);
    assert_true(m->u64 == 9007199254740991ULL);
    assert_int_equal(m->f64, 1);
    assert_true(m->fl == 1.5f);
    assert_true(m->db == -0.1);
    assert_int_equal(m->color, CGTEST__COLOR__COLOR_GREEN);
    assert_int_equal(m->data.len, 4);
    assert_memory_equal(m->data.data, "\x00\x01\x02\xff", 4);
    assert_string_equal(m->inner->name, "in");
    assert_int_equal(m->inner->n, 3);
    assert_int_equal(m->n_rs, 3);
    assert_string_equal(m->rs[1], "");
    assert_string_equal(m->rs[2], "c");
    assert_int_equal(m->n_ri64, 2);
    assert_int_equal(m->ri64[1], -2);
    assert_int_equal(m->n_rinner, 2);
    assert_string_equal(m->rinner[0]->name, "x");
    assert_string_equal(m->rinner[1]->name, "");
    assert_int_equal(m->n_rcolor, 2);
    assert_int_equal(m->rcolor[0], CGTEST__COLOR__COLOR_RED);
    assert_int_equal(m->n_rdata, 2);
    assert_int_equal(m->rdata[0].len, 0);
    assert_memory_equal(m->rdata[1].data, "a", 1);
    assert_true(m->rdb[1] == 1e300);
    assert_int_equal(m->n_rb, 2);
    assert_true(m->rb[1]);
    assert_int_equal(m->choice_case, CGTEST__ALL_TYPES__CHOICE_CHOICE_NUMBER);
    assert_int_equal(m->choice_number, 0);
    assert_true(m->due_at_ms == 1796533856123LL);
    assert_true(m->born_on_ms == 1772323200000LL);
    assert_int_equal(m->price_fen, 12345);
    assert_string_equal(m->note, "hi");
    assert_string_equal(m->flat->name, "flat name");
    assert_int_equal(m->flat->n, 9);
    assert_int_equal(m->plain_at_ms, 5);
    assert_string_equal(m->secret, "");
    protobuf_c_message_free_unpacked(&m->base, NULL);
}

static void every_type_encodes(void **state)
{
    (void)state;
    Cgtest__AllTypes *m = decode_ok(&cgtest__all_types__descriptor, full_body, all_keys);
    char *text = encode_text(m);
    assert_string_equal(
        text,
        "{\"text\":\"纪检\",\"b\":true,\"i32\":-2147483648,\"si32\":-5,\"sf32\":2147483647,"
        "\"i64\":-9007199254740991,\"si64\":9007199254740991,\"sf64\":-1,\"u32\":4294967295,"
        "\"f32\":7,\"u64\":9007199254740991,\"f64\":1,\"fl\":1.5,\"db\":-0.1,"
        "\"color\":\"COLOR_GREEN\",\"data\":\"AAEC/w==\",\"inner\":{\"name\":\"in\",\"n\":3},"
        "\"rs\":[\"a\",\"\",\"c\"],\"ri64\":[1,-2],\"rinner\":[{\"name\":\"x\",\"n\":0},"
        "{\"name\":\"\",\"n\":0}],\"rcolor\":[\"COLOR_RED\",\"COLOR_UNSPECIFIED\"],"
        "\"rdata\":[\"\",\"YQ==\"],\"rdb\":[0.5,1e+300],\"rb\":[false,true],\"choice_number\":0,"
        "\"due_at\":\"2026-12-06T05:10:56.123Z\",\"born_on\":\"2026-03-01\",\"price\":12345,"
        "\"note\":\"hi\",\"name\":\"flat name\",\"n\":9,\"plain_at_ms\":5,\"raw\":null}");
    free(text);
    protobuf_c_message_free_unpacked(&m->base, NULL);
}

static void unset_fields_encode_as_defaults(void **state)
{
    (void)state;
    Cgtest__AllTypes m = CGTEST__ALL_TYPES__INIT;
    char *text = encode_text(&m);
    assert_string_equal(text,
                        "{\"text\":\"\",\"b\":false,\"i32\":0,\"si32\":0,\"sf32\":0,\"i64\":0,"
                        "\"si64\":0,\"sf64\":0,\"u32\":0,\"f32\":0,\"u64\":0,\"f64\":0,"
                        "\"fl\":0,\"db\":0,\"color\":\"COLOR_UNSPECIFIED\",\"data\":\"\","
                        "\"inner\":null,\"rs\":[],\"ri64\":[],\"rinner\":[],\"rcolor\":[],"
                        "\"rdata\":[],\"rdb\":[],\"rb\":[],\"due_at\":null,\"born_on\":null,"
                        "\"price\":null,\"note\":null,\"name\":null,\"n\":null,"
                        "\"plain_at_ms\":0,\"raw\":null}");
    free(text);
    /* A value the .proto does not name is written as its number. */
    m.color = 42;
    m.choice_case = CGTEST__ALL_TYPES__CHOICE_CHOICE_TEXT;
    m.choice_text = "";
    text = encode_text(&m);
    assert_non_null(strstr(text, "\"color\":42,"));
    assert_non_null(strstr(text, "\"choice_text\":\"\","));
    free(text);
}

static void round_trips(void **state)
{
    (void)state;
    Cgtest__AllTypes *m = decode_ok(&cgtest__all_types__descriptor, full_body, all_keys);
    assert_round_trip(m);
    protobuf_c_message_free_unpacked(&m->base, NULL);

    Cgtest__AllTypes empty = CGTEST__ALL_TYPES__INIT;
    assert_round_trip(&empty);

    /* The project's own messages: a clue with subjects, a list reply with
     * its page inline. */
    static const char *const clue_keys[] = {"id",          "subjects", "categories", "created_at",
                                            "received_at", "disposal", "anonymous",  NULL};
    Cleangrid__V1__Clue *clue =
        decode_ok(&cleangrid__v1__clue__descriptor,
                  "{\"id\":\"c1\",\"subjects\":[{\"name\":\"张三\",\"position\":\"科长\"},{"
                  "\"name\":\"李四\"}],"
                  "\"categories\":[\"integrity\"],\"created_at\":\"2026-12-06T13:10:56.123+08:00\","
                  "\"received_at\":\"1969-12-31T23:59:59.999Z\",\"anonymous\":true,"
                  "\"disposal\":{\"way\":\"shelve\",\"proposed_at\":\"2026-01-02T03:04:05Z\"}}",
                  clue_keys);
    assert_true(clue->created_at_ms == 1796533856123LL);
    assert_true(clue->received_at_ms == -1);
    assert_int_equal(clue->n_subjects, 2);
    assert_string_equal(clue->subjects[0]->position, "科长");
    assert_round_trip(clue);

    static const char *const reply_keys[] = {"clues", "next_cursor", NULL};
    Cleangrid__V1__ListCluesReply reply = CLEANGRID__V1__LIST_CLUES_REPLY__INIT;
    Cleangrid__V1__Page page = CLEANGRID__V1__PAGE__INIT;
    Cleangrid__V1__Status status = CLEANGRID__V1__STATUS__INIT;
    Cleangrid__V1__Clue *clues[] = {clue};
    page.next_cursor = "abc";
    status.code = CLEANGRID__V1__CODE__CODE_NOT_FOUND;
    reply.status = &status;
    reply.page = &page;
    reply.n_clues = 1;
    reply.clues = clues;
    char *text = encode_text(&reply);
    assert_null(strstr(text, "CODE_NOT_FOUND"));
    assert_non_null(strstr(text, "],\"next_cursor\":\"abc\"}"));
    Cleangrid__V1__ListCluesReply *back =
        decode_ok(&cleangrid__v1__list_clues_reply__descriptor, text, reply_keys);
    assert_string_equal(back->page->next_cursor, "abc");
    assert_string_equal(back->clues[0]->subjects[1]->name, "李四");
    protobuf_c_message_free_unpacked(&back->base, NULL);
    free(text);
    /* An unset inline message shows its members as null, and stays unset
     * when decoded; a set one shows its values. */
    reply.page = NULL;
    reply.status = NULL; /* hidden, so it cannot come back */
    text = encode_text(&reply);
    assert_non_null(strstr(text, "\"next_cursor\":null"));
    free(text);
    assert_round_trip(&reply);
    page.next_cursor = "";
    reply.page = &page;
    text = encode_text(&reply);
    assert_non_null(strstr(text, "\"next_cursor\":\"\""));
    free(text);
    assert_round_trip(&reply);
    protobuf_c_message_free_unpacked(&clue->base, NULL);

    /* Status with its enum, as an error reply would show it. */
    Cleangrid__V1__Status *st =
        decode_ok(&cleangrid__v1__status__descriptor,
                  "{\"code\":\"CODE_UNAVAILABLE\",\"message\":\"later\","
                  "\"violations\":[{\"field\":\"a\",\"description\":\"b\"}]}",
                  (const char *const[]){"code", "message", "violations", NULL});
    assert_int_equal(st->code, CLEANGRID__V1__CODE__CODE_UNAVAILABLE);
    assert_string_equal(st->violations[0]->description, "b");
    assert_round_trip(st);
    protobuf_c_message_free_unpacked(&st->base, NULL);
}

static void rule_forms(void **state)
{
    (void)state;
    /* TIME: any zone in, UTC with milliseconds out; DATE must exist. */
    Cgtest__AllTypes *m = decode_ok(&cgtest__all_types__descriptor,
                                    "{\"due_at\":\"2024-02-29T23:30:00.5-01:00\","
                                    "\"born_on\":\"2024-02-29\",\"note\":null,\"price\":0}",
                                    all_keys);
    char *text = encode_text(m);
    assert_non_null(strstr(text, "\"due_at\":\"2024-03-01T00:30:00.500Z\""));
    assert_non_null(strstr(text, "\"born_on\":\"2024-02-29\""));
    assert_non_null(strstr(text, "\"price\":null,\"note\":null"));
    free(text);
    protobuf_c_message_free_unpacked(&m->base, NULL);
    assert_one_violation("{\"born_on\":\"2026-02-29\"}", "born_on", "must be a date YYYY-MM-DD");
    assert_one_violation("{\"born_on\":\"2026-2-01\"}", "born_on", "must be a date YYYY-MM-DD");
    assert_one_violation("{\"born_on\":20260201}", "born_on", "must be a date YYYY-MM-DD");
    assert_one_violation("{\"due_at\":\"2026-12-06T05:10:56\"}", "due_at", "must be a time");
    assert_one_violation("{\"due_at\":\"2026-12-06 05:10:56Z\"}", "due_at", "must be a time");
    assert_one_violation("{\"due_at\":\"2026-12-06T24:00:00Z\"}", "due_at", "must be a time");
    assert_one_violation("{\"due_at\":\"0000-12-31T00:00:00Z\"}", "due_at", "must be a time");
    assert_one_violation("{\"due_at\":1796533856123}", "due_at", "must be a time");
    assert_one_violation("{\"due_at\":\"2026-12-06T05:10:56.Z\"}", "due_at", "must be a time");
    assert_one_violation("{\"due_at\":\"2026-12-06T05:10:56+0800\"}", "due_at", "must be a time");
    assert_one_violation("{\"due_at\":\"2026-12-06T05:10:56+24:00\"}", "due_at", "must be a time");
    assert_one_violation("{\"due_at\":\"2026-12-06T05:10:56+08:60\"}", "due_at", "must be a time");
    assert_one_violation("{\"due_at\":\"2026-12-06T05:1a:56Z\"}", "due_at", "must be a time");
    assert_one_violation("{\"due_at\":\"9999-12-31T23:59:59.999-00:01\"}", "due_at",
                         "must be a time");
    assert_one_violation("{\"born_on\":\"2026-1a-01\"}", "born_on", "must be a date YYYY-MM-DD");
    /* Lower-case t and z, and digits past the millisecond cut off. */
    m = decode_ok(&cgtest__all_types__descriptor,
                  "{\"due_at\":\"2026-12-06t05:10:56.123999z\",\"plain_at_ms\":-1}", all_keys);
    assert_true(m->due_at_ms == 1796533856123LL);
    protobuf_c_message_free_unpacked(&m->base, NULL);
    /* FEN: whole and not negative. */
    assert_one_violation("{\"price\":-1}", "price", "must be a whole number of fen");
    assert_one_violation("{\"price\":1.5}", "price", "must be a whole number of fen");
    /* NULL_IF_EMPTY: null in a body means "" and replaces a value. */
    m = decode_ok(&cgtest__all_types__descriptor, "{\"note\":\"x\"}", all_keys);
    cg_err err;
    cg_err_clear(&err);
    assert_int_equal(cg_pbjson_decode(codec, "{\"note\":null}", 13, all_keys, &m->base, &err),
                     CG_OK);
    assert_string_equal(m->note, "");
    protobuf_c_message_free_unpacked(&m->base, NULL);
    /* JSON: any value kept as its compact text, written back as the value;
     * null means "", and "" is written as null. */
    m = decode_ok(&cgtest__all_types__descriptor, "{\"raw\":{\"a\": [1, \"x\"], \"b\":null}}",
                  all_keys);
    assert_string_equal(m->raw, "{\"a\":[1,\"x\"],\"b\":null}");
    text = encode_text(m);
    assert_non_null(strstr(text, "\"raw\":{\"a\":[1,\"x\"],\"b\":null}"));
    free(text);
    cg_err_clear(&err);
    assert_int_equal(cg_pbjson_decode(codec, "{\"raw\":null}", 12, all_keys, &m->base, &err),
                     CG_OK);
    assert_string_equal(m->raw, "");
    text = encode_text(m);
    assert_non_null(strstr(text, "\"raw\":null"));
    free(text);
    protobuf_c_message_free_unpacked(&m->base, NULL);
    /* HIDDEN and the proto names of renamed fields are not keys. */
    assert_one_violation("{\"secret\":\"x\"}", "secret", "is not a known field");
    assert_one_violation("{\"s\":\"x\"}", "s", "is not a known field");
    assert_one_violation("{\"due_at_ms\":1}", "due_at_ms", "is not a known field");
    assert_one_violation("{\"flat\":{}}", "flat", "is not a known field");
    /* A time a four-digit year cannot show is written as null. */
    Cgtest__AllTypes far = CGTEST__ALL_TYPES__INIT;
    far.due_at_ms = 253402300800000LL;
    far.born_on_ms = -62135596800000LL;
    text = encode_text(&far);
    assert_non_null(strstr(text, "\"due_at\":null,\"born_on\":\"0001-01-01\""));
    free(text);
    /* The implicit rules on the project's messages. */
    Cleangrid__V1__CaseActionRequest *act =
        decode_ok(&cleangrid__v1__case_action_request__descriptor,
                  "{\"measure_on\":\"2026-03-01\",\"executed_on\":null,\"item_amount_fen\":250}",
                  (const char *const[]){"measure_on", "executed_on", "item_amount_fen", NULL});
    assert_true(act->measure_on_ms == 1772323200000LL);
    assert_int_equal(act->item_amount_fen, 250);
    text = encode_text(act);
    assert_non_null(strstr(text, "\"measure_on\":\"2026-03-01\""));
    assert_non_null(strstr(text, "\"executed_on\":null"));
    /* item_deadline_ms ends in neither _at_ms nor _on_ms: a plain number. */
    assert_non_null(strstr(text, "\"item_deadline_ms\":0"));
    assert_null(strstr(text, "\"ctx\""));
    free(text);
    protobuf_c_message_free_unpacked(&act->base, NULL);
}

static void json_names(void **state)
{
    (void)state;
    const ProtobufCMessageDescriptor *d = &cgtest__all_types__descriptor;
    assert_string_equal(cg_pbjson_json_name(codec, d, 1), "text");
    assert_string_equal(cg_pbjson_json_name(codec, d, 28), "due_at");
    assert_string_equal(cg_pbjson_json_name(codec, d, 30), "price");
    assert_string_equal(cg_pbjson_json_name(codec, d, 34), "plain_at_ms");
    assert_null(cg_pbjson_json_name(codec, d, 32)); /* hidden */
    assert_null(cg_pbjson_json_name(codec, d, 99)); /* no such field */
    assert_null(cg_pbjson_json_name(codec, &cleangrid__v1__page__descriptor, 7));
    assert_string_equal(cg_pbjson_json_name(codec, &cleangrid__v1__page__descriptor, 1),
                        "next_cursor");
}

static void settable_allow_list(void **state)
{
    (void)state;
    static const char *const only_summary[] = {"summary", NULL};
    Cleangrid__V1__CreateClueRequest *req = decode_ok(
        &cleangrid__v1__create_clue_request__descriptor, "{\"summary\":\"s\"}", only_summary);
    cg_err err;
    cg_err_clear(&err);
    const char body[] = "{\"org_path\":\"a.b\",\"ctx\":{},\"bogus\":1}";
    assert_int_equal(cg_pbjson_decode(codec, body, strlen(body), only_summary, &req->base, &err),
                     CG_INVALID_ARGUMENT);
    assert_int_equal(err.nviolations, 3);
    assert_true(cg_err_has_violation(&err, "org_path", "is not a known field"));
    assert_true(cg_err_has_violation(&err, "ctx", "is not a known field"));
    assert_true(cg_err_has_violation(&err, "bogus", "is not a known field"));
    protobuf_c_message_free_unpacked(&req->base, NULL);
    /* NULL: nothing is settable, but an empty body still passes. */
    Cgtest__AllTypes *m = decode_ok(&cgtest__all_types__descriptor, "{}", NULL);
    protobuf_c_message_free_unpacked(&m->base, NULL);
    m = decode_ok(&cgtest__all_types__descriptor, " \r\n\t", NULL);
    protobuf_c_message_free_unpacked(&m->base, NULL);
    cg_err e = decode_err_len("{\"b\":true}", 10, NULL);
    assert_true(cg_err_has_violation(&e, "b", "is not a known field"));
    /* Nested members are all settable except hidden ones. */
    m = decode_ok(&cgtest__all_types__descriptor, "{\"inner\":{\"name\":\"x\",\"n\":1}}",
                  (const char *const[]){"inner", NULL});
    protobuf_c_message_free_unpacked(&m->base, NULL);
}

/* A route's own key for a field: "key:field" in the settable list. */
static void settable_aliases(void **state)
{
    (void)state;
    static const char *const aliases[] = {"unit:org_path", "when:received_at_ms", "summary", NULL};
    Cleangrid__V1__CreateClueRequest *req = decode_ok(
        &cleangrid__v1__create_clue_request__descriptor,
        "{\"unit\":\"a.b\",\"when\":\"2026-12-06T00:00:00Z\",\"summary\":\"s\"}", aliases);
    assert_string_equal(req->org_path, "a.b");
    assert_int_equal(req->received_at_ms, 1796515200000LL);
    assert_string_equal(req->summary, "s");
    cg_err err;
    cg_err_clear(&err);
    /* The field's own key is not settable; a bad value names the alias. */
    const char body[] = "{\"org_path\":\"x\",\"when\":5,\"unit\":\"a\",\"unit\":\"b\"}";
    assert_int_equal(cg_pbjson_decode(codec, body, strlen(body), aliases, &req->base, &err),
                     CG_INVALID_ARGUMENT);
    assert_int_equal(err.nviolations, 3);
    assert_true(cg_err_has_violation(&err, "org_path", "is not a known field"));
    assert_true(cg_err_has_violation(&err, "when", NULL));
    assert_true(cg_err_has_violation(&err, "unit", "is given more than once"));
    protobuf_c_message_free_unpacked(&req->base, NULL);
}

static void every_problem_at_once(void **state)
{
    (void)state;
    cg_err err = decode_err("{\"text\":5,\"b\":\"yes\",\"nope\":1,\"i32\":1.5,\"b\":true,"
                            "\"rinner\":[{},{\"n\":\"2\"}],\"color\":\"BLUE\"}");
    assert_int_equal(err.code, CG_INVALID_ARGUMENT);
    assert_int_equal(err.nviolations, 7);
    assert_true(cg_err_has_violation(&err, "text", "must be a string"));
    assert_true(cg_err_has_violation(&err, "b", "must be true or false"));
    assert_true(cg_err_has_violation(&err, "nope", "is not a known field"));
    assert_true(
        cg_err_has_violation(&err, "i32", "must be a whole number from -2147483648 to 2147483647"));
    assert_true(cg_err_has_violation(&err, "b", "is given more than once"));
    assert_true(cg_err_has_violation(&err, "rinner[1].n", "must be a whole number"));
    assert_true(cg_err_has_violation(&err, "color", "must be one of COLOR_UNSPECIFIED, COLOR_RED"));

    /* The project's messages: five problems, five violations. */
    cg_err_clear(&err);
    Cleangrid__V1__CreateClueRequest *req =
        new_msg(&cleangrid__v1__create_clue_request__descriptor);
    static const char *const keys[] = {"source",  "subjects",    "categories",
                                       "summary", "received_at", NULL};
    const char body[] = "{\"source\":1,\"subjects\":[{},{},{\"name\":false}],\"categories\":\"x\","
                        "\"received_at\":\"yesterday\",\"org_path\":\"a\"}";
    assert_int_equal(cg_pbjson_decode(codec, body, strlen(body), keys, &req->base, &err),
                     CG_INVALID_ARGUMENT);
    assert_int_equal(err.nviolations, 5);
    assert_true(cg_err_has_violation(&err, "source", "must be a string"));
    assert_true(cg_err_has_violation(&err, "subjects[2].name", "must be a string"));
    assert_true(cg_err_has_violation(&err, "categories", "must be an array"));
    assert_true(cg_err_has_violation(&err, "received_at", "must be a time"));
    assert_true(cg_err_has_violation(&err, "org_path", "is not a known field"));
    protobuf_c_message_free_unpacked(&req->base, NULL);
}

static void null_means_not_given(void **state)
{
    (void)state;
    Cgtest__AllTypes *m =
        decode_ok(&cgtest__all_types__descriptor,
                  "{\"text\":\"keep\",\"i32\":4,\"inner\":{\"n\":1},\"rs\":[\"a\"],"
                  "\"choice_text\":\"t\"}",
                  all_keys);
    cg_err err;
    cg_err_clear(&err);
    const char body[] =
        "{\"text\":null,\"i32\":null,\"inner\":null,\"rs\":null,\"choice_text\":null,"
        "\"choice_number\":null,\"due_at\":null,\"data\":null}";
    assert_int_equal(cg_pbjson_decode(codec, body, strlen(body), all_keys, &m->base, &err), CG_OK);
    assert_string_equal(m->s, "keep");
    assert_int_equal(m->i32, 4);
    assert_int_equal(m->inner->n, 1);
    assert_int_equal(m->n_rs, 1);
    assert_int_equal(m->choice_case, CGTEST__ALL_TYPES__CHOICE_CHOICE_TEXT);
    /* Members of a body replace what the message held, strings freed. */
    const char body2[] =
        "{\"text\":\"new\",\"rs\":[],\"choice_inner\":{\"name\":\"i\"},\"inner\":{\"name\":\"b\"}}";
    assert_int_equal(cg_pbjson_decode(codec, body2, strlen(body2), all_keys, &m->base, &err),
                     CG_OK);
    assert_string_equal(m->s, "new");
    assert_int_equal(m->n_rs, 0);
    assert_int_equal(m->choice_case, CGTEST__ALL_TYPES__CHOICE_CHOICE_INNER);
    assert_string_equal(m->choice_inner->name, "i");
    /* A message given as an object replaces the one held, not merged. */
    assert_string_equal(m->inner->name, "b");
    assert_int_equal(m->inner->n, 0);
    /* null elements of an array are not values. */
    assert_one_violation("{\"rs\":[\"a\",null]}", "rs[1]", "must be a string");
    protobuf_c_message_free_unpacked(&m->base, NULL);
}

static void text_must_be_utf8_without_nul(void **state)
{
    (void)state;
    assert_one_violation("{\"text\":\"a\\u0000b\"}", "text", "must be valid UTF-8 text");
    assert_one_violation("{\"rs\":[\"\\u0000\"]}", "rs[0]", "must be valid UTF-8 text");
    assert_one_violation("{\"text\":\"\xff\xfe\"}", "text", "must be valid UTF-8 text");
    assert_one_violation("{\"text\":\"\xc3\x28\"}", "text", "must be valid UTF-8 text");
    assert_one_violation("{\"te\xffxt\":\"a\"}", "te?xt", "must be valid UTF-8 text");
    assert_one_violation("{\"text\\u0000\":\"a\"}", "text??????", "must be valid UTF-8 text");
    /* A raw NUL byte inside a string, and outside one. */
    const char raw[] = "{\"text\":\"a\0b\"}";
    cg_err err = decode_err_len(raw, sizeof(raw) - 1, all_keys);
    assert_true(cg_err_has_violation(&err, "text", "must be valid UTF-8 text"));
    const char outside[] = "{\"text\":\"ab\"}\0";
    err = decode_err_len(outside, sizeof(outside) - 1, all_keys);
    assert_string_equal(err.message, "the request body has data after the JSON document");
    /* An escaped backslash before u0000 is text, not a NUL. */
    Cgtest__AllTypes *m =
        decode_ok(&cgtest__all_types__descriptor, "{\"text\":\"\\\\u0000\"}", all_keys);
    assert_string_equal(m->s, "\\u0000");
    protobuf_c_message_free_unpacked(&m->base, NULL);
}

static void whole_body_problems(void **state)
{
    (void)state;
    static const struct {
        const char *body;
        const char *message;
    } cases[] = {
        {"{\"text\":", "the request body is not valid JSON"},
        {"nonsense", "the request body is not valid JSON"},
        {"{} {}", "the request body has data after the JSON document"},
        {"[]", "the request body must be a JSON object"},
        {"\"text\"", "the request body must be a JSON object"},
        {"null", "the request body must be a JSON object"},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        cg_err err = decode_err(cases[i].body);
        assert_int_equal(err.code, CG_INVALID_ARGUMENT);
        assert_string_equal(err.message, cases[i].message);
        assert_int_equal(err.nviolations, 0);
    }
}

static void depth_limit(void **state)
{
    (void)state;
    char body[512];
    /* 16 levels: the outer object and 15 nested "next" objects. */
    size_t n = 0;
    for (int i = 0; i < CG_PBJSON_MAX_DEPTH; i++)
        n += (size_t)snprintf(body + n, sizeof(body) - n, i == 0 ? "{" : "\"next\":{");
    for (int i = 0; i < CG_PBJSON_MAX_DEPTH; i++)
        body[n++] = '}';
    body[n] = '\0';
    Cgtest__Loop *loop =
        decode_ok(&cgtest__loop__descriptor, body, (const char *const[]){"next", "label", NULL});
    assert_non_null(loop->next->next);
    protobuf_c_message_free_unpacked(&loop->base, NULL);

    char deeper[600];
    snprintf(deeper, sizeof(deeper), "{\"next\":%s}", body);
    cg_err err;
    cg_err_clear(&err);
    loop = new_msg(&cgtest__loop__descriptor);
    assert_int_equal(cg_pbjson_decode(codec, deeper, strlen(deeper),
                                      (const char *const[]){"next", NULL}, &loop->base, &err),
                     CG_INVALID_ARGUMENT);
    assert_string_equal(err.message, "the request body nests deeper than 16 levels");
    protobuf_c_message_free_unpacked(&loop->base, NULL);
    /* Brackets inside strings do not count. */
    Cgtest__AllTypes *m =
        decode_ok(&cgtest__all_types__descriptor,
                  "{\"text\":\"[[[[[[[[[[[[[[[[[[[[{{{{{{{{{{{{{{{{{{{\\\"\"}", all_keys);
    protobuf_c_message_free_unpacked(&m->base, NULL);
    /* Arrays count too. */
    err = decode_err("{\"rs\":[[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]]}");
    assert_string_equal(err.message, "the request body nests deeper than 16 levels");
}

static void number_limits(void **state)
{
    (void)state;
    Cgtest__AllTypes *m =
        decode_ok(&cgtest__all_types__descriptor,
                  "{\"i64\":9007199254740991,\"si64\":-9007199254740991,\"u32\":0,\"i32\":1.0,"
                  "\"fl\":3.4e38,\"db\":-1.7976931348623157e308,\"sf64\":-0}",
                  all_keys);
    assert_true(m->i64 == 9007199254740991LL);
    assert_int_equal(m->i32, 1);
    assert_int_equal(m->sf64, 0);
    protobuf_c_message_free_unpacked(&m->base, NULL);
    assert_one_violation("{\"i64\":9007199254740992}", "i64", "must be a whole number");
    assert_one_violation("{\"sf64\":-9007199254740992}", "sf64", "must be a whole number");
    assert_one_violation("{\"u64\":9007199254740992}", "u64", "from 0 to 9007199254740991");
    assert_one_violation("{\"u64\":-1}", "u64", "from 0 to 9007199254740991");
    assert_one_violation("{\"i32\":2147483648}", "i32", "from -2147483648 to 2147483647");
    assert_one_violation("{\"si32\":-2147483649}", "si32", "must be a whole number");
    assert_one_violation("{\"u32\":4294967296}", "u32", "from 0 to 4294967295");
    assert_one_violation("{\"f32\":-1}", "f32", "from 0 to 4294967295");
    assert_one_violation("{\"i32\":0.5}", "i32", "must be a whole number");
    assert_one_violation("{\"i64\":1e-7}", "i64", "must be a whole number");
    assert_one_violation("{\"i64\":\"1\"}", "i64", "must be a whole number");
    assert_one_violation("{\"fl\":3.5e38}", "fl", "must be a number from");
    assert_one_violation("{\"db\":1e999}", "db", "must be a finite number");
    assert_one_violation("{\"db\":\"1\"}", "db", "must be a number");
    assert_one_violation("{\"data\":\"AAE\"}", "data", "must be base64 text with padding");
    assert_one_violation("{\"data\":\"A_E=\"}", "data", "must be base64 text with padding");
    assert_one_violation("{\"rdata\":[\"YQ==\",1]}", "rdata[1]", "must be base64");
    assert_one_violation("{\"rcolor\":[\"COLOR_RED\",\"RED\"]}", "rcolor[1]", "must be one of");
    assert_one_violation("{\"color\":1}", "color", "must be one of");
    /* A long list of names is cut to what a violation holds. */
    cg_err err;
    cg_err_clear(&err);
    Cleangrid__V1__Status *st = new_msg(&cleangrid__v1__status__descriptor);
    const char body[] = "{\"code\":\"CODE_MAYBE\"}";
    assert_int_equal(cg_pbjson_decode(codec, body, strlen(body),
                                      (const char *const[]){"code", NULL}, &st->base, &err),
                     CG_INVALID_ARGUMENT);
    assert_true(
        cg_err_has_violation(&err, "code", "must be one of CODE_OK, CODE_INVALID_ARGUMENT"));
    assert_true(cg_err_has_violation(&err, "code", ", ..."));
    protobuf_c_message_free_unpacked(&st->base, NULL);
    /* What JSON cannot hold is written as null; -0 and float digits exactly. */
    Cgtest__AllTypes odd = CGTEST__ALL_TYPES__INIT;
    double rdb[] = {NAN, -INFINITY, -0.0, 0.1 + 0.2};
    odd.fl = 0.1f;
    odd.db = INFINITY;
    odd.rdb = rdb;
    odd.n_rdb = 4;
    char *text = encode_text(&odd);
    assert_non_null(strstr(text, "\"fl\":0.1,\"db\":null,"));
    assert_non_null(strstr(text, "\"rdb\":[null,null,-0,0.30000000000000004]"));
    free(text);
    assert_one_violation("{\"inner\":[]}", "inner", "must be an object");
    assert_one_violation("{\"inner\":{\"x\":1}}", "inner.x", "is not a known field");
    assert_one_violation("{\"b\":1}", "b", "must be true or false");
}

static void oneof_conflict(void **state)
{
    (void)state;
    assert_one_violation("{\"choice_text\":\"a\",\"choice_number\":1}", "choice_number",
                         "cannot be given together with choice_text");
    assert_one_violation("{\"choice_inner\":{},\"choice_text\":\"\"}", "choice_text",
                         "cannot be given together with choice_inner");
    /* A null member is not given, so it conflicts with nothing. */
    Cgtest__AllTypes *m = decode_ok(&cgtest__all_types__descriptor,
                                    "{\"choice_text\":null,\"choice_number\":7}", all_keys);
    assert_int_equal(m->choice_case, CGTEST__ALL_TYPES__CHOICE_CHOICE_NUMBER);
    assert_int_equal(m->choice_number, 7);
    protobuf_c_message_free_unpacked(&m->base, NULL);
    /* A message from unpack with another member set: the body's replaces it. */
    Cgtest__AllTypes src = CGTEST__ALL_TYPES__INIT;
    src.choice_case = CGTEST__ALL_TYPES__CHOICE_CHOICE_TEXT;
    src.choice_text = "unpacked";
    uint8_t buf[64];
    size_t n = protobuf_c_message_pack(&src.base, buf);
    Cgtest__AllTypes *u = cgtest__all_types__unpack(NULL, n, buf);
    assert_non_null(u);
    cg_err err;
    cg_err_clear(&err);
    const char body[] = "{\"choice_inner\":{\"n\":2}}";
    assert_int_equal(cg_pbjson_decode(codec, body, strlen(body), all_keys, &u->base, &err), CG_OK);
    assert_int_equal(u->choice_case, CGTEST__ALL_TYPES__CHOICE_CHOICE_INNER);
    assert_int_equal(u->choice_inner->n, 2);
    protobuf_c_message_free_unpacked(&u->base, NULL);
}

static void set_text_each_type(void **state)
{
    (void)state;
    cg_err err;
    cg_err_clear(&err);
    Cgtest__AllTypes *m = new_msg(&cgtest__all_types__descriptor);
    static const struct {
        const char *path;
        const char *text;
    } ok[] = {
        {"s", "纪检"},
        {"b", "true"},
        {"i32", "-2147483648"},
        {"si32", "-3"},
        {"sf32", "3"},
        {"i64", "9007199254740991"},
        {"si64", "-9007199254740991"},
        {"sf64", "8"},
        {"u32", "4294967295"},
        {"f32", "9"},
        {"u64", "10"},
        {"f64", "11"},
        {"fl", "0.25"},
        {"db", "-2.5e-3"},
        {"color", "COLOR_RED"},
        {"data", "YWJj"},
        {"inner.name", "in"},
        {"inner.n", "5"},
        {"rs", "one"},
        {"rs", "two"},
        {"ri64", "-4"},
        {"rcolor", "COLOR_GREEN"},
        {"rdata", "eA=="},
        {"rdb", "1.5"},
        {"rb", "false"},
        {"choice_text", "t"},
        {"choice_number", "6"},
        {"due_at_ms", "2026-12-06T05:10:56.123Z"},
        {"born_on_ms", "2026-03-01"},
        {"price_fen", "99"},
        {"note", ""},
        {"secret", "s"},
        {"flat.name", "f"},
        {"choice_inner.n", "8"},
    };
    for (size_t i = 0; i < sizeof(ok) / sizeof(ok[0]); i++)
        if (cg_pbjson_set_text(codec, &m->base, ok[i].path, ok[i].text, "p", &err) != CG_OK)
            fail_msg("set_text %s=%s: %s", ok[i].path, ok[i].text,
                     err.nviolations > 0 ? err.violations[0].description : err.message);
    assert_string_equal(m->s, "纪检");
    assert_true(m->b);
    assert_int_equal(m->i32, INT32_MIN);
    assert_true(m->si64 == -9007199254740991LL);
    assert_int_equal(m->u32, UINT32_MAX);
    assert_true(m->fl == 0.25f);
    assert_true(m->db == -2.5e-3);
    assert_int_equal(m->color, CGTEST__COLOR__COLOR_RED);
    assert_memory_equal(m->data.data, "abc", 3);
    assert_string_equal(m->inner->name, "in");
    assert_int_equal(m->inner->n, 5);
    assert_int_equal(m->n_rs, 2);
    assert_string_equal(m->rs[1], "two");
    assert_int_equal(m->ri64[0], -4);
    assert_int_equal(m->rcolor[0], CGTEST__COLOR__COLOR_GREEN);
    assert_memory_equal(m->rdata[0].data, "x", 1);
    assert_true(m->rdb[0] == 1.5);
    assert_int_equal(m->n_rb, 1);
    assert_true(m->due_at_ms == 1796533856123LL);
    assert_true(m->born_on_ms == 1772323200000LL);
    assert_int_equal(m->price_fen, 99);
    assert_string_equal(m->secret, "s");
    assert_string_equal(m->flat->name, "f");
    /* The last oneof member set wins, the earlier one freed. */
    assert_int_equal(m->choice_case, CGTEST__ALL_TYPES__CHOICE_CHOICE_INNER);
    assert_int_equal(m->choice_inner->n, 8);
    assert_int_equal(err.code, CG_OK);

    /* Bad values: a violation named by the parameter, all of them kept. */
    static const struct {
        const char *path;
        const char *text;
        const char *problem;
    } bad[] = {
        {"b", "yes", "must be true or false"},
        {"i32", "2147483648", "must be a whole number"},
        {"i64", "9007199254740992", "must be a whole number"},
        {"u64", "-1", "must be a whole number"},
        {"i32", "1.5", "must be a whole number"},
        {"i32", " 1", "must be a whole number"},
        {"i32", "0x10", "must be a whole number"},
        {"i32", "", "must be a whole number"},
        {"db", "nan", "must be a number"},
        {"db", "inf", "must be a number"},
        {"db", "1e999", "must be a finite number"},
        {"color", "BLUE", "must be one of"},
        {"data", "YWJ", "must be base64"},
        {"s", "\xff", "must be valid UTF-8 text"},
        {"due_at_ms", "2026-12-06", "must be a time"},
        {"born_on_ms", "2026-02-30", "must be a date YYYY-MM-DD"},
        {"price_fen", "-5", "must be a whole number of fen"},
    };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        cg_err_clear(&err);
        assert_int_equal(cg_pbjson_set_text(codec, &m->base, bad[i].path, bad[i].text, "q", &err),
                         CG_INVALID_ARGUMENT);
        if (!cg_err_has_violation(&err, "q", bad[i].problem))
            fail_msg("set_text %s=%s: %s", bad[i].path, bad[i].text,
                     err.nviolations > 0 ? err.violations[0].description : err.message);
    }
    /* A path the message does not have is the route table's fault. */
    cg_err_clear(&err);
    assert_int_equal(cg_pbjson_set_text(codec, &m->base, "nope", "1", "q", &err), CG_INTERNAL);
    assert_int_equal(cg_pbjson_set_text(codec, &m->base, "inner.nope", "1", "q", &err),
                     CG_INTERNAL);
    assert_int_equal(cg_pbjson_set_text(codec, &m->base, "s.x", "1", "q", &err), CG_INTERNAL);
    assert_int_equal(cg_pbjson_set_text(codec, &m->base, "rinner.n", "1", "q", &err), CG_INTERNAL);
    assert_int_equal(cg_pbjson_set_text(codec, &m->base, "inner", "1", "q", &err), CG_INTERNAL);
    assert_int_equal(cg_pbjson_set_text(codec, &m->base, "due_at", "1", "q", &err), CG_INTERNAL);
    protobuf_c_message_free_unpacked(&m->base, NULL);

    /* The project's messages: a page size and a filter through a path. */
    Cleangrid__V1__ListCluesRequest *req = new_msg(&cleangrid__v1__list_clues_request__descriptor);
    cg_err_clear(&err);
    cg_pbjson *c = cg_pbjson_new(NULL, 0);
    assert_int_equal(cg_pbjson_prepare(c, &cleangrid__v1__list_clues_request__descriptor, &err),
                     CG_OK);
    assert_int_equal(cg_pbjson_set_text(c, &req->base, "page.page_size", "50", "limit", &err),
                     CG_OK);
    assert_int_equal(cg_pbjson_set_text(c, &req->base, "status", "registered", "status", &err),
                     CG_OK);
    assert_int_equal(req->page->page_size, 50);
    assert_string_equal(req->status, "registered");
    protobuf_c_message_free_unpacked(&req->base, NULL);
    cg_pbjson_free(c);
}

static void prepare_failures(void **state)
{
    (void)state;
    static const struct {
        cg_pbjson_rule rule;
        const ProtobufCMessageDescriptor *desc; /* NULL: cgtest.AllTypes */
        const char *problem;
    } cases[] = {
        {{"cgtest.Inner", "nope", NULL, CG_PBJSON_AS_IS},
         NULL,
         "cgtest.Inner.nope names a field the message does not have"},
        {{"cgtest.AllTypes", "i32", NULL, CG_PBJSON_INLINE}, NULL, "INLINE needs a message field"},
        {{"cgtest.AllTypes", "s", NULL, CG_PBJSON_TIME}, NULL, "TIME, DATE and FEN need an int64"},
        {{"cgtest.AllTypes", "rs", NULL, CG_PBJSON_NULL_IF_EMPTY},
         NULL,
         "NULL_IF_EMPTY needs a string"},
        {{"cgtest.AllTypes", "choice_inner", NULL, CG_PBJSON_INLINE}, NULL, "outside any oneof"},
        {{"cgtest.Clash", "flat", NULL, CG_PBJSON_INLINE},
         &cgtest__clash__descriptor,
         "two fields share the JSON key \"name\""},
        {{"cgtest.AllTypes", "b", "i32", CG_PBJSON_AS_IS},
         NULL,
         "two fields share the JSON key \"i32\""},
        {{"cgtest.Loop", "next", NULL, CG_PBJSON_INLINE},
         &cgtest__loop__descriptor,
         "INLINE fields nest deeper"},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        cg_err err;
        cg_err_clear(&err);
        cg_pbjson *c = cg_pbjson_new(&cases[i].rule, 1);
        assert_non_null(c);
        const ProtobufCMessageDescriptor *desc =
            cases[i].desc != NULL ? cases[i].desc : &cgtest__all_types__descriptor;
        assert_int_equal(cg_pbjson_prepare(c, desc, &err), CG_INVALID_ARGUMENT);
        if (strstr(err.message, cases[i].problem) == NULL)
            fail_msg("case %zu: %s", i, err.message);
        /* A failed preparation leaves nothing prepared. */
        cJSON *out = NULL;
        Cgtest__Inner inner = CGTEST__INNER__INIT;
        assert_int_equal(cg_pbjson_encode(c, &inner.base, &out, &err), CG_INTERNAL);
        assert_null(out);
        cg_pbjson_free(c);
    }
    /* A message that holds its own type prepares (and twice is harmless). */
    cg_err err;
    cg_err_clear(&err);
    cg_pbjson *c = cg_pbjson_new(NULL, 0);
    assert_int_equal(cg_pbjson_prepare(c, &cgtest__loop__descriptor, &err), CG_OK);
    assert_int_equal(cg_pbjson_prepare(c, &cgtest__loop__descriptor, &err), CG_OK);
    cg_pbjson_free(c);
    cg_pbjson_free(NULL);
}

static void unused_rules(void **state)
{
    (void)state;
    assert_null(cg_pbjson_unused_rule(codec));
    static const cg_pbjson_rule typo[] = {
        {"cgtest.AllTypes", "note", NULL, CG_PBJSON_NULL_IF_EMPTY},
        {"cgtest.AllTipes", "note", NULL, CG_PBJSON_NULL_IF_EMPTY},
    };
    cg_err err;
    cg_err_clear(&err);
    cg_pbjson *c = cg_pbjson_new(typo, 2);
    assert_ptr_equal(cg_pbjson_unused_rule(c), &typo[0]);
    assert_int_equal(cg_pbjson_prepare(c, &cgtest__all_types__descriptor, &err), CG_OK);
    assert_ptr_equal(cg_pbjson_unused_rule(c), &typo[1]);
    cg_pbjson_free(c);
}

static void unprepared_messages(void **state)
{
    (void)state;
    cg_err err;
    cg_err_clear(&err);
    Cleangrid__V1__PageRequest page = CLEANGRID__V1__PAGE_REQUEST__INIT;
    cJSON *out = NULL;
    assert_int_equal(cg_pbjson_encode(codec, &page.base, &out, &err), CG_INTERNAL);
    assert_null(out);
    assert_int_equal(cg_pbjson_decode(codec, "{}", 2, NULL, &page.base, &err), CG_INTERNAL);
    assert_int_equal(cg_pbjson_set_text(codec, &page.base, "cursor", "x", "c", &err), CG_INTERNAL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(every_type_decodes),
        cmocka_unit_test(every_type_encodes),
        cmocka_unit_test(unset_fields_encode_as_defaults),
        cmocka_unit_test(round_trips),
        cmocka_unit_test(rule_forms),
        cmocka_unit_test(json_names),
        cmocka_unit_test(settable_allow_list),
        cmocka_unit_test(settable_aliases),
        cmocka_unit_test(every_problem_at_once),
        cmocka_unit_test(null_means_not_given),
        cmocka_unit_test(text_must_be_utf8_without_nul),
        cmocka_unit_test(whole_body_problems),
        cmocka_unit_test(depth_limit),
        cmocka_unit_test(number_limits),
        cmocka_unit_test(oneof_conflict),
        cmocka_unit_test(set_text_each_type),
        cmocka_unit_test(prepare_failures),
        cmocka_unit_test(unused_rules),
        cmocka_unit_test(unprepared_messages),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
