/* libFuzzer target: arbitrary bytes as a request body, decoded into each of
 * a few message types; what decodes is encoded, decoded again and must
 * come back the same, and everything is freed (ASan checks the message a
 * failed decode leaves is whole). Built with -DCG_FUZZ=ON, run by
 * scripts/fuzz.sh. */
#include <stddef.h>
#include <stdint.h>

#include "pbjson_fuzz.h"

/* Add the JSON key of every field of desc to keys[*n..]: a field without
 * one is INLINE (the fuzzers hide nothing), whose members' keys count. */
static void add_keys(const ProtobufCMessageDescriptor *desc, const char **keys, size_t *n,
                     size_t max)
{
    for (unsigned i = 0; i < desc->n_fields && *n < max; i++) {
        const char *key = cg_pbjson_json_name(codec, desc, desc->fields[i].id);
        if (key != NULL)
            keys[(*n)++] = key;
        else
            add_keys(desc->fields[i].descriptor, keys, n, max);
    }
}

/* Every key a body of desc may hold, so that a body may set them all. */
static const char **all_keys(const ProtobufCMessageDescriptor *desc)
{
    enum { MAX_KEYS = 128 };
    size_t n = 0;
    const char **keys = calloc(MAX_KEYS + 1, sizeof(*keys));
    if (keys == NULL)
        abort();
    add_keys(desc, keys, &n, MAX_KEYS);
    return keys;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const char **keys[FUZZ_NTYPES];
    for (size_t t = 0; t < FUZZ_NTYPES; t++) {
        cg_err err;
        cg_err_clear(&err);
        if (keys[t] == NULL)
            keys[t] = all_keys(fuzz_types[t]);
        ProtobufCMessage *msg = cg_pbjson_message_new(fuzz_types[t]);
        if (msg == NULL)
            abort();
        cg_code rc = cg_pbjson_decode(codec, (const char *)data, size, keys[t], msg, &err);
        if (rc != CG_OK && rc != CG_INVALID_ARGUMENT)
            abort();
        /* What a body gave, the API can show and take back unchanged. */
        fuzz_round_trip(msg, rc == CG_OK);
    }
    return 0;
}
