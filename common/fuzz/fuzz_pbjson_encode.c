/* libFuzzer target: arbitrary bytes unpacked as each of a few message
 * types (as a service's reply arrives), encoded, printed, and the JSON
 * decoded back. A message whose every value JSON can show must come back
 * packing to the same bytes, or the target aborts; any other must still
 * encode and decode without harm. Built with -DCG_FUZZ=ON, run by
 * scripts/fuzz.sh. */
#include <math.h>
#include <stddef.h>
#include <stdint.h>

#include "cg/util.h"
#include "pbjson_fuzz.h"

#define FUZZ_INT_MAX 9007199254740991LL
#define FUZZ_DAY_MS 86400000LL
/* 0001-01-01T00:00:00Z and 9999-12-31T23:59:59.999Z. */
#define FUZZ_TIME_MIN -62135596800000LL
#define FUZZ_TIME_MAX 253402300799999LL

static bool ends_with(const char *s, const char *suffix)
{
    size_t n = strlen(s), k = strlen(suffix);
    return n > k && strcmp(s + n - k, suffix) == 0;
}

/* The show form of a field, worked out here from the rule table and the
 * documented implicit rules, independently of the codec. */
static cg_pbjson_show show_of(const ProtobufCMessageDescriptor *desc,
                              const ProtobufCFieldDescriptor *fd)
{
    for (size_t i = 0; i < sizeof(fuzz_rules) / sizeof(fuzz_rules[0]); i++)
        if (strcmp(fuzz_rules[i].message, desc->name) == 0 &&
            strcmp(fuzz_rules[i].field, fd->name) == 0)
            return fuzz_rules[i].show;
    bool int64 = fd->type == PROTOBUF_C_TYPE_INT64 || fd->type == PROTOBUF_C_TYPE_SINT64 ||
                 fd->type == PROTOBUF_C_TYPE_SFIXED64;
    if (int64 && fd->label != PROTOBUF_C_LABEL_REPEATED && ends_with(fd->name, "_at_ms"))
        return CG_PBJSON_TIME;
    if (int64 && fd->label != PROTOBUF_C_LABEL_REPEATED && ends_with(fd->name, "_on_ms"))
        return CG_PBJSON_DATE;
    return CG_PBJSON_AS_IS;
}

static bool representable(const ProtobufCMessage *msg);

/* Whether JSON can show value k of the array at arr (a singular field is
 * an array of one) exactly, as the codec documents it. */
static bool value_representable(const ProtobufCFieldDescriptor *fd, cg_pbjson_show show,
                                const void *arr, size_t k)
{
    int64_t i64;
    switch (fd->type) {
    case PROTOBUF_C_TYPE_INT64:
    case PROTOBUF_C_TYPE_SINT64:
    case PROTOBUF_C_TYPE_SFIXED64:
        i64 = ((const int64_t *)arr)[k];
        if (show == CG_PBJSON_TIME)
            return i64 == 0 || (i64 >= FUZZ_TIME_MIN && i64 <= FUZZ_TIME_MAX);
        if (show == CG_PBJSON_DATE)
            return i64 == 0 ||
                   (i64 >= FUZZ_TIME_MIN && i64 <= FUZZ_TIME_MAX && i64 % FUZZ_DAY_MS == 0);
        if (show == CG_PBJSON_FEN)
            return i64 >= 0 && i64 <= FUZZ_INT_MAX;
        return i64 >= -FUZZ_INT_MAX && i64 <= FUZZ_INT_MAX;
    case PROTOBUF_C_TYPE_UINT64:
    case PROTOBUF_C_TYPE_FIXED64:
        return ((const uint64_t *)arr)[k] <= (uint64_t)FUZZ_INT_MAX;
    case PROTOBUF_C_TYPE_FLOAT:
        return isfinite(((const float *)arr)[k]);
    case PROTOBUF_C_TYPE_DOUBLE:
        return isfinite(((const double *)arr)[k]);
    case PROTOBUF_C_TYPE_ENUM:
        return protobuf_c_enum_descriptor_get_value(fd->descriptor, ((const int *)arr)[k]) != NULL;
    case PROTOBUF_C_TYPE_STRING: {
        const char *s = ((char *const *)arr)[k];
        return s != NULL && cg_utf8_valid(s, strlen(s));
    }
    case PROTOBUF_C_TYPE_MESSAGE: {
        const ProtobufCMessage *sub = ((ProtobufCMessage *const *)arr)[k];
        return sub == NULL || representable(sub);
    }
    default:
        return true;
    }
}

static bool representable(const ProtobufCMessage *msg)
{
    const ProtobufCMessageDescriptor *desc = msg->descriptor;
    /* Fields this build does not know are kept by unpack and packed again,
     * but JSON has no place for them. */
    if (msg->n_unknown_fields > 0)
        return false;
    for (unsigned i = 0; i < desc->n_fields; i++) {
        const ProtobufCFieldDescriptor *fd = &desc->fields[i];
        const char *base = (const char *)msg;
        if ((fd->flags & PROTOBUF_C_FIELD_FLAG_ONEOF) &&
            *(const uint32_t *)(base + fd->quantifier_offset) != fd->id)
            continue;
        cg_pbjson_show show = show_of(desc, fd);
        if (fd->label != PROTOBUF_C_LABEL_REPEATED) {
            if (!value_representable(fd, show, base + fd->offset, 0))
                return false;
            continue;
        }
        size_t n = *(const size_t *)(base + fd->quantifier_offset);
        const void *arr = *(void *const *)(base + fd->offset);
        for (size_t k = 0; k < n; k++)
            if (!value_representable(fd, show, arr, k))
                return false;
    }
    return true;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    for (size_t t = 0; t < FUZZ_NTYPES; t++) {
        ProtobufCMessage *msg = protobuf_c_message_unpack(fuzz_types[t], NULL, size, data);
        if (msg == NULL)
            continue;
        fuzz_round_trip(msg, representable(msg));
    }
    return 0;
}
