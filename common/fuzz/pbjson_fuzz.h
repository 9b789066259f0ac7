/* What the two JSON codec fuzzers share: the codec with its rules, the
 * message types they try, and the round-trip check. Header-only, as each
 * fuzzer is one executable. */
#ifndef CG_PBJSON_FUZZ_H
#define CG_PBJSON_FUZZ_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cg/pbjson.h"
#include "cleangrid/v1/case.pb-c.h"
#include "cleangrid/v1/common.pb-c.h"
#include "pbjson_test.pb-c.h"
#include "../tests/pbjson_rules.h"

/* Every show form except HIDDEN, which drops a field on purpose and would
 * make every round trip fail. */
static const cg_pbjson_rule fuzz_rules[] = {CG_PBJSON_SHOWN_TEST_RULES};

static const ProtobufCMessageDescriptor *const fuzz_types[] = {
    &cgtest__all_types__descriptor,
    &cgtest__loop__descriptor,
    &cleangrid__v1__list_clues_reply__descriptor,
    &cleangrid__v1__create_clue_request__descriptor,
    &cleangrid__v1__case_action_request__descriptor,
};
#define FUZZ_NTYPES (sizeof(fuzz_types) / sizeof(fuzz_types[0]))

static cg_pbjson *fuzz_codec(void)
{
    cg_err err;
    cg_err_clear(&err);
    cg_pbjson *c = cg_pbjson_new(fuzz_rules, sizeof(fuzz_rules) / sizeof(fuzz_rules[0]));
    for (size_t i = 0; c != NULL && i < FUZZ_NTYPES; i++)
        if (cg_pbjson_prepare(c, fuzz_types[i], &err) != CG_OK) {
            fprintf(stderr, "prepare %s: %s\n", fuzz_types[i]->name, err.message);
            abort();
        }
    if (c == NULL || cg_pbjson_unused_rule(c) != NULL)
        abort();
    return c;
}

/* The codec every input goes through, made once by libFuzzer's hook. */
static cg_pbjson *codec;

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    codec = fuzz_codec();
    return 0;
}

/* The keys of a JSON object (borrowed from it), NULL terminated, so that a
 * decode may set everything an encode wrote. */
static const char **fuzz_keys(const cJSON *obj)
{
    size_t n = 0;
    for (const cJSON *item = obj->child; item != NULL; item = item->next)
        n++;
    const char **keys = calloc(n + 1, sizeof(*keys));
    if (keys == NULL)
        abort();
    n = 0;
    for (const cJSON *item = obj->child; item != NULL; item = item->next)
        keys[n++] = item->string;
    return keys;
}

/* Encode msg, print it, decode the text as a new message of its type with
 * every key settable, and return that message (NULL when the decode
 * failed); *text gets the printed JSON (free()). */
static ProtobufCMessage *fuzz_reencode(const ProtobufCMessage *msg, char **text)
{
    cg_err err;
    cJSON *doc = NULL;
    cg_err_clear(&err);
    if (cg_pbjson_encode(codec, msg, &doc, &err) != CG_OK)
        abort();
    *text = cJSON_PrintUnformatted(doc);
    const char **keys = fuzz_keys(doc);
    ProtobufCMessage *back = cg_pbjson_message_new(msg->descriptor);
    if (*text == NULL || back == NULL)
        abort();
    cg_code rc = cg_pbjson_decode(codec, *text, strlen(*text), keys, back, &err);
    free(keys);
    cJSON_Delete(doc);
    if (rc != CG_OK) {
        protobuf_c_message_free_unpacked(back, NULL);
        return NULL;
    }
    return back;
}

/* Abort unless a and b pack to the same bytes. */
static void fuzz_same_pack(const ProtobufCMessage *a, const ProtobufCMessage *b, const char *text)
{
    size_t na = protobuf_c_message_get_packed_size(a), nb = protobuf_c_message_get_packed_size(b);
    uint8_t *pa = malloc(na + 1), *pb = malloc(nb + 1);
    if (pa == NULL || pb == NULL)
        abort();
    protobuf_c_message_pack(a, pa);
    protobuf_c_message_pack(b, pb);
    if (na != nb || memcmp(pa, pb, na) != 0) {
        fprintf(stderr, "round trip changed %s through %s\n", a->descriptor->name, text);
        abort();
    }
    free(pa);
    free(pb);
}

/* Encode msg and decode it back; when must_match, abort unless that gives
 * a message packing to the same bytes. Frees msg. */
static void fuzz_round_trip(ProtobufCMessage *msg, bool must_match)
{
    char *text = NULL;
    ProtobufCMessage *back = fuzz_reencode(msg, &text);
    if (must_match && back == NULL) {
        fprintf(stderr, "%s: its encoding %s does not decode\n", msg->descriptor->name, text);
        abort();
    }
    if (must_match)
        fuzz_same_pack(msg, back, text);
    if (back != NULL)
        protobuf_c_message_free_unpacked(back, NULL);
    free(text);
    protobuf_c_message_free_unpacked(msg, NULL);
}

#endif
