/* JSON <-> protobuf-c messages, driven by the message descriptors.
 *
 * cg_pbjson_prepare() turns the rule table into one pbjson_msg per message
 * type: each field's JSON key, show form and (for message fields) the
 * sub-message's entry, and the flat list of keys an object of that type may
 * hold (INLINE members included). Encoding and decoding then only follow
 * these pointers; the only strings they compare are a body's keys against
 * that list. */
#include "cg/pbjson.h"

#include <float.h>
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "cg/util.h"

/* How many INLINE fields may lead to a member: more means a cycle. */
#define PBJSON_MAX_INLINE 4
#define PBJSON_MS_PER_DAY 86400000LL

typedef struct pbjson_msg pbjson_msg;

typedef struct pbjson_field {
    const ProtobufCFieldDescriptor *fd;
    const char *key; /* NULL when hidden or inline; borrowed from a rule, fd or owned */
    cg_pbjson_show show;
    pbjson_msg *sub; /* the entry of a message field's type */
    char *owned;     /* the implicit key of an *_at_ms or *_on_ms field */
} pbjson_field;

/* One key an object may hold: the field it sets, reached through ninline
 * INLINE fields of the outer message (chain[0] belongs to the outer
 * message, chain[ninline] is the field itself). */
typedef struct pbjson_member {
    const char *key;
    unsigned ninline;
    const pbjson_field *chain[PBJSON_MAX_INLINE + 1];
} pbjson_member;

struct pbjson_msg {
    const ProtobufCMessageDescriptor *desc;
    pbjson_field *fields; /* desc->n_fields, in the descriptor's order */
    pbjson_member *members;
    size_t nmembers;
};

struct cg_pbjson {
    const cg_pbjson_rule *rules;
    size_t nrules;
    bool *rule_used;
    pbjson_msg **msgs;
    size_t nmsgs;
    size_t cap;
};

/* One value of a field's element type, before it is stored. */
typedef union pbjson_value {
    int32_t i32;
    uint32_t u32;
    int64_t i64;
    uint64_t u64;
    float f;
    double d;
    protobuf_c_boolean b;
    char *s;
    ProtobufCBinaryData bytes;
    ProtobufCMessage *m;
} pbjson_value;

/* --- the codec and its table ------------------------------------------------ */

static void msg_entry_free(pbjson_msg *m)
{
    if (m == NULL)
        return;
    if (m->fields != NULL)
        for (unsigned i = 0; i < m->desc->n_fields; i++)
            free(m->fields[i].owned);
    free(m->fields);
    free(m->members);
    free(m);
}

cg_pbjson *cg_pbjson_new(const cg_pbjson_rule *rules, size_t nrules)
{
    cg_pbjson *codec = calloc(1, sizeof(*codec));
    if (codec == NULL)
        return NULL;
    codec->rules = rules;
    codec->nrules = nrules;
    codec->rule_used = calloc(nrules > 0 ? nrules : 1, sizeof(bool));
    if (codec->rule_used == NULL) {
        free(codec);
        return NULL;
    }
    return codec;
}

void cg_pbjson_free(cg_pbjson *codec)
{
    if (codec == NULL)
        return;
    for (size_t i = 0; i < codec->nmsgs; i++)
        msg_entry_free(codec->msgs[i]);
    free(codec->msgs);
    free(codec->rule_used);
    free(codec);
}

static pbjson_msg *msg_find(const cg_pbjson *codec, const ProtobufCMessageDescriptor *desc)
{
    for (size_t i = 0; i < codec->nmsgs; i++)
        if (codec->msgs[i]->desc == desc)
            return codec->msgs[i];
    return NULL;
}

static bool is_int64(ProtobufCType type)
{
    return type == PROTOBUF_C_TYPE_INT64 || type == PROTOBUF_C_TYPE_SINT64 ||
           type == PROTOBUF_C_TYPE_SFIXED64;
}

static bool has_suffix(const char *s, const char *suffix)
{
    size_t n = strlen(s), k = strlen(suffix);
    return n > k && strcmp(s + n - k, suffix) == 0;
}

/* Whether show fits the field; the reason when it does not. */
static const char *show_misfit(const ProtobufCFieldDescriptor *fd, cg_pbjson_show show)
{
    bool repeated = fd->label == PROTOBUF_C_LABEL_REPEATED;
    switch (show) {
    case CG_PBJSON_AS_IS:
    case CG_PBJSON_HIDDEN:
        return NULL;
    case CG_PBJSON_NULL_IF_EMPTY:
        return fd->type == PROTOBUF_C_TYPE_STRING && !repeated ? NULL
                                                               : "NULL_IF_EMPTY needs a string";
    case CG_PBJSON_JSON:
        return fd->type == PROTOBUF_C_TYPE_STRING && !repeated ? NULL : "JSON needs a string";
    case CG_PBJSON_TIME:
    case CG_PBJSON_DATE:
    case CG_PBJSON_FEN:
        return is_int64(fd->type) && !repeated ? NULL : "TIME, DATE and FEN need an int64";
    case CG_PBJSON_INLINE:
        return fd->type == PROTOBUF_C_TYPE_MESSAGE && !repeated &&
                       (fd->flags & PROTOBUF_C_FIELD_FLAG_ONEOF) == 0
                   ? NULL
                   : "INLINE needs a message field outside any oneof";
    }
    return "unknown show form";
}

/* The field's key and show form from a declared rule or an implicit one. */
static cg_code field_resolve(cg_pbjson *codec, const ProtobufCMessageDescriptor *desc,
                             pbjson_field *f, cg_err *err)
{
    const ProtobufCFieldDescriptor *fd = f->fd;
    f->key = fd->name;
    f->show = CG_PBJSON_AS_IS;
    if (is_int64(fd->type) && fd->label != PROTOBUF_C_LABEL_REPEATED) {
        bool at = has_suffix(fd->name, "_at_ms"), on = has_suffix(fd->name, "_on_ms");
        if (at || on) {
            f->owned = strndup(fd->name, strlen(fd->name) - 3);
            if (f->owned == NULL)
                return cg_err_set(err, CG_INTERNAL, "out of memory");
            f->key = f->owned;
            f->show = at ? CG_PBJSON_TIME : CG_PBJSON_DATE;
        }
    }
    for (size_t i = 0; i < codec->nrules; i++) {
        const cg_pbjson_rule *r = &codec->rules[i];
        if (strcmp(r->message, desc->name) != 0 || strcmp(r->field, fd->name) != 0)
            continue;
        const char *why = show_misfit(fd, r->show);
        if (why != NULL)
            return cg_err_set(err, CG_INVALID_ARGUMENT, "pbjson rule %s.%s: %s", r->message,
                              r->field, why);
        codec->rule_used[i] = true;
        f->key = r->json_name != NULL ? r->json_name : fd->name;
        f->show = r->show;
        break;
    }
    if (f->show == CG_PBJSON_HIDDEN || f->show == CG_PBJSON_INLINE)
        f->key = NULL;
    return CG_OK;
}

/* Every rule of desc must name one of its fields. */
static cg_code rules_check(const cg_pbjson *codec, const ProtobufCMessageDescriptor *desc,
                           cg_err *err)
{
    for (size_t i = 0; i < codec->nrules; i++) {
        const cg_pbjson_rule *r = &codec->rules[i];
        if (strcmp(r->message, desc->name) == 0 &&
            protobuf_c_message_descriptor_get_field_by_name(desc, r->field) == NULL)
            return cg_err_set(err, CG_INVALID_ARGUMENT,
                              "pbjson rule %s.%s names a field the message does not have",
                              r->message, r->field);
    }
    return CG_OK;
}

/* Add desc (and every message it holds) to the table, unflattened. */
static cg_code msg_register(cg_pbjson *codec, const ProtobufCMessageDescriptor *desc,
                            pbjson_msg **out, cg_err *err)
{
    cg_code rc;
    pbjson_msg *m = msg_find(codec, desc);
    if (m != NULL) {
        *out = m;
        return CG_OK;
    }
    rc = rules_check(codec, desc, err);
    if (rc != CG_OK)
        return rc;
    if (codec->nmsgs == codec->cap) {
        size_t cap = codec->cap > 0 ? codec->cap * 2 : 16;
        pbjson_msg **msgs = realloc(codec->msgs, cap * sizeof(*msgs));
        if (msgs == NULL)
            return cg_err_set(err, CG_INTERNAL, "out of memory");
        codec->msgs = msgs;
        codec->cap = cap;
    }
    m = calloc(1, sizeof(*m));
    if (m == NULL)
        return cg_err_set(err, CG_INTERNAL, "out of memory");
    m->desc = desc;
    m->fields = calloc(desc->n_fields > 0 ? desc->n_fields : 1, sizeof(*m->fields));
    if (m->fields == NULL) {
        free(m);
        return cg_err_set(err, CG_INTERNAL, "out of memory");
    }
    /* Registered before its fields are resolved, so that a message that
     * holds its own type finds itself instead of recursing for ever. */
    codec->msgs[codec->nmsgs++] = m;
    *out = m;
    for (unsigned i = 0; i < desc->n_fields; i++) {
        pbjson_field *f = &m->fields[i];
        f->fd = &desc->fields[i];
        rc = field_resolve(codec, desc, f, err);
        if (rc != CG_OK)
            return rc;
        if (f->fd->type == PROTOBUF_C_TYPE_MESSAGE) {
            rc = msg_register(codec, f->fd->descriptor, &f->sub, err);
            if (rc != CG_OK)
                return rc;
        }
    }
    return CG_OK;
}

static cg_code members_add(pbjson_msg *m, size_t *cap, const pbjson_field **chain, unsigned depth,
                           cg_err *err)
{
    const pbjson_field *outer = chain[depth];
    for (unsigned i = 0; i < outer->sub->desc->n_fields; i++) {
        const pbjson_field *f = &outer->sub->fields[i];
        if (f->show == CG_PBJSON_HIDDEN)
            continue;
        if (f->show == CG_PBJSON_INLINE) {
            if (depth + 1 >= PBJSON_MAX_INLINE)
                return cg_err_set(err, CG_INVALID_ARGUMENT,
                                  "pbjson rules of %s: INLINE fields nest deeper than %d levels",
                                  m->desc->name, PBJSON_MAX_INLINE);
            chain[depth + 1] = f;
            cg_code rc = members_add(m, cap, chain, depth + 1, err);
            if (rc != CG_OK)
                return rc;
            continue;
        }
        for (size_t k = 0; k < m->nmembers; k++)
            if (strcmp(m->members[k].key, f->key) == 0)
                return cg_err_set(err, CG_INVALID_ARGUMENT,
                                  "pbjson rules of %s: two fields share the JSON key \"%s\"",
                                  m->desc->name, f->key);
        if (m->nmembers == *cap) {
            size_t ncap = *cap > 0 ? *cap * 2 : 8;
            pbjson_member *members = realloc(m->members, ncap * sizeof(*members));
            if (members == NULL)
                return cg_err_set(err, CG_INTERNAL, "out of memory");
            m->members = members;
            *cap = ncap;
        }
        pbjson_member *mem = &m->members[m->nmembers++];
        memset(mem, 0, sizeof(*mem));
        mem->key = f->key;
        /* chain[0] is a stand-in for the message itself: skip it. */
        mem->ninline = depth;
        for (unsigned k = 0; k < depth; k++)
            mem->chain[k] = chain[k + 1];
        mem->chain[depth] = f;
    }
    return CG_OK;
}

/* The keys an object of m's type may hold, INLINE members included. */
static cg_code msg_flatten(pbjson_msg *m, cg_err *err)
{
    size_t cap = 0;
    /* A stand-in field whose sub-message is m, so that m's own fields and
     * those of its INLINE members are listed by one function. */
    pbjson_field self = {.sub = m};
    const pbjson_field *chain[PBJSON_MAX_INLINE + 1] = {&self};
    free(m->members);
    m->members = NULL;
    m->nmembers = 0;
    return members_add(m, &cap, chain, 0, err);
}

cg_code cg_pbjson_prepare(cg_pbjson *codec, const ProtobufCMessageDescriptor *desc, cg_err *err)
{
    cg_code rc;
    pbjson_msg *m = NULL;
    size_t first = codec->nmsgs;

    rc = msg_register(codec, desc, &m, err);
    if (rc != CG_OK)
        goto cleanup;
    for (size_t i = first; i < codec->nmsgs; i++) {
        rc = msg_flatten(codec->msgs[i], err);
        if (rc != CG_OK)
            goto cleanup;
    }

cleanup:
    /* A failed preparation leaves the table as it was, so that no message
     * is half resolved. */
    if (rc != CG_OK) {
        for (size_t i = first; i < codec->nmsgs; i++)
            msg_entry_free(codec->msgs[i]);
        codec->nmsgs = first;
    }
    return rc;
}

const cg_pbjson_rule *cg_pbjson_unused_rule(const cg_pbjson *codec)
{
    for (size_t i = 0; i < codec->nrules; i++)
        if (!codec->rule_used[i])
            return &codec->rules[i];
    return NULL;
}

const char *cg_pbjson_json_name(const cg_pbjson *codec, const ProtobufCMessageDescriptor *desc,
                                unsigned number)
{
    const pbjson_msg *m = msg_find(codec, desc);
    if (m == NULL)
        return NULL;
    for (unsigned i = 0; i < desc->n_fields; i++)
        if (m->fields[i].fd->id == number)
            return m->fields[i].key;
    return NULL;
}

ProtobufCMessage *cg_pbjson_message_new(const ProtobufCMessageDescriptor *desc)
{
    ProtobufCMessage *msg = malloc(desc->sizeof_message);
    if (msg != NULL)
        desc->message_init(msg);
    return msg;
}

/* --- values in a message ------------------------------------------------------ */

static size_t elem_size(ProtobufCType type)
{
    switch (type) {
    case PROTOBUF_C_TYPE_INT64:
    case PROTOBUF_C_TYPE_SINT64:
    case PROTOBUF_C_TYPE_SFIXED64:
    case PROTOBUF_C_TYPE_UINT64:
    case PROTOBUF_C_TYPE_FIXED64:
    case PROTOBUF_C_TYPE_DOUBLE:
        return 8;
    case PROTOBUF_C_TYPE_STRING:
        return sizeof(char *);
    case PROTOBUF_C_TYPE_BYTES:
        return sizeof(ProtobufCBinaryData);
    case PROTOBUF_C_TYPE_MESSAGE:
        return sizeof(ProtobufCMessage *);
    default:
        return 4; /* the 32-bit integers, float, bool (an int) and enums */
    }
}

static void *member_at(const ProtobufCMessage *msg, unsigned offset)
{
    return (char *)msg + offset;
}

/* Free what a value of fd's type owns; defaults are static and stay. */
static void value_free(const ProtobufCFieldDescriptor *fd, pbjson_value *v)
{
    switch (fd->type) {
    case PROTOBUF_C_TYPE_STRING:
        if (v->s != NULL && v->s != protobuf_c_empty_string && v->s != fd->default_value)
            free(v->s);
        v->s = NULL;
        break;
    case PROTOBUF_C_TYPE_BYTES: {
        const ProtobufCBinaryData *def = fd->default_value;
        if (v->bytes.data != NULL && (def == NULL || def->data != v->bytes.data))
            free(v->bytes.data);
        v->bytes.data = NULL;
        v->bytes.len = 0;
        break;
    }
    case PROTOBUF_C_TYPE_MESSAGE:
        if (v->m != NULL && v->m != fd->default_value)
            protobuf_c_message_free_unpacked(v->m, NULL);
        v->m = NULL;
        break;
    default:
        break;
    }
}

static void repeated_free(const ProtobufCFieldDescriptor *fd, void *arr, size_t n)
{
    if (arr == NULL)
        return;
    size_t size = elem_size(fd->type);
    for (size_t i = 0; i < n; i++) {
        pbjson_value v;
        memcpy(&v, (char *)arr + i * size, size);
        value_free(fd, &v);
    }
    free(arr);
}

/* Store v (now owned by msg) in the singular field fd, freeing what the
 * field held, and select it when it is a member of a oneof. */
static void value_store(ProtobufCMessage *msg, const ProtobufCFieldDescriptor *fd, pbjson_value *v)
{
    void *slot = member_at(msg, fd->offset);
    size_t size = elem_size(fd->type);
    pbjson_value old;
    if (fd->flags & PROTOBUF_C_FIELD_FLAG_ONEOF) {
        uint32_t *which = member_at(msg, fd->quantifier_offset);
        const ProtobufCFieldDescriptor *cur =
            *which != 0 ? protobuf_c_message_descriptor_get_field(msg->descriptor, *which) : NULL;
        if (cur != NULL) {
            /* The union holds the member that is set, of that member's type. */
            memcpy(&old, member_at(msg, cur->offset), elem_size(cur->type));
            value_free(cur, &old);
        }
        *which = fd->id;
    } else {
        memcpy(&old, slot, size);
        value_free(fd, &old);
        if (fd->label == PROTOBUF_C_LABEL_OPTIONAL && fd->type != PROTOBUF_C_TYPE_STRING &&
            fd->type != PROTOBUF_C_TYPE_MESSAGE)
            *(protobuf_c_boolean *)member_at(msg, fd->quantifier_offset) = 1;
    }
    memcpy(slot, v, size);
}

/* Replace the repeated field fd with arr[0..n), now owned by msg. */
static void repeated_store(ProtobufCMessage *msg, const ProtobufCFieldDescriptor *fd, void *arr,
                           size_t n)
{
    size_t *count = member_at(msg, fd->quantifier_offset);
    void **slot = member_at(msg, fd->offset);
    repeated_free(fd, *slot, *count);
    *slot = arr;
    *count = n;
}

/* The sub-message in a singular message field, made when missing. */
static ProtobufCMessage *sub_message(ProtobufCMessage *msg, const pbjson_field *f)
{
    ProtobufCMessage **slot = member_at(msg, f->fd->offset);
    if (f->fd->flags & PROTOBUF_C_FIELD_FLAG_ONEOF) {
        uint32_t *which = member_at(msg, f->fd->quantifier_offset);
        if (*which != f->fd->id) {
            pbjson_value v = {.m = cg_pbjson_message_new(f->sub->desc)};
            if (v.m == NULL)
                return NULL;
            value_store(msg, f->fd, &v);
        }
    } else if (*slot == NULL) {
        *slot = cg_pbjson_message_new(f->sub->desc);
    }
    return *slot;
}

/* --- times and dates ----------------------------------------------------------- */

/* Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's
 * algorithm, exact for every year an int64 of milliseconds reaches). */
static int64_t days_from_civil(int64_t y, unsigned m, unsigned d)
{
    y -= m <= 2;
    int64_t era = (y >= 0 ? y : y - 399) / 400;
    unsigned yoe = (unsigned)(y - era * 400);
    unsigned doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
    unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + (int64_t)doe - 719468;
}

static void civil_from_days(int64_t z, int64_t *y, unsigned *m, unsigned *d)
{
    z += 719468;
    int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    unsigned doe = (unsigned)(z - era * 146097);
    unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    unsigned mp = (5 * doy + 2) / 153;
    *d = doy - (153 * mp + 2) / 5 + 1;
    *m = mp < 10 ? mp + 3 : mp - 9;
    *y = (int64_t)yoe + era * 400 + (*m <= 2);
}

/* Times are written with four-digit years, so only 0001-01-01 to
 * 9999-12-31 (UTC) can be shown and accepted. */
static int64_t time_min_ms(void)
{
    return days_from_civil(1, 1, 1) * PBJSON_MS_PER_DAY;
}

static int64_t time_max_ms(void)
{
    return days_from_civil(10000, 1, 1) * PBJSON_MS_PER_DAY - 1;
}

static int64_t floor_div(int64_t a, int64_t b)
{
    return a / b - (a % b != 0 && (a < 0) != (b < 0));
}

/* ms as RFC 3339 or (date_only) YYYY-MM-DD; false when out of range. */
static bool time_format(int64_t ms, bool date_only, char *out, size_t size)
{
    if (ms < time_min_ms() || ms > time_max_ms())
        return false;
    int64_t days = floor_div(ms, PBJSON_MS_PER_DAY);
    int64_t rem = ms - days * PBJSON_MS_PER_DAY;
    int64_t y;
    unsigned m, d;
    civil_from_days(days, &y, &m, &d);
    if (date_only)
        snprintf(out, size, "%04d-%02u-%02u", (int)y, m, d);
    else
        snprintf(out, size, "%04d-%02u-%02uT%02d:%02d:%02d.%03dZ", (int)y, m, d,
                 (int)(rem / 3600000), (int)(rem / 60000 % 60), (int)(rem / 1000 % 60),
                 (int)(rem % 1000));
    return true;
}

/* n decimal digits at s; -1 when one is not a digit. */
static int digits(const char *s, int n)
{
    int v = 0;
    for (int i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9')
            return -1;
        v = v * 10 + (s[i] - '0');
    }
    return v;
}

static bool date_exists(int y, int m, int d)
{
    static const int mdays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (y < 1 || m < 1 || m > 12 || d < 1)
        return false;
    bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    return d <= mdays[m - 1] + (m == 2 && leap);
}

/* "YYYY-MM-DD" at s (which has at least 10 characters); days since the
 * epoch, or false. */
static bool date_parse(const char *s, int64_t *days)
{
    int y = digits(s, 4), m = digits(s + 5, 2), d = digits(s + 8, 2);
    if (s[4] != '-' || s[7] != '-' || !date_exists(y, m, d))
        return false;
    *days = days_from_civil(y, (unsigned)m, (unsigned)d);
    return true;
}

static bool date_text_parse(const char *s, int64_t *ms)
{
    int64_t days;
    if (strlen(s) != 10 || !date_parse(s, &days))
        return false;
    *ms = days * PBJSON_MS_PER_DAY;
    return true;
}

/* An RFC 3339 time with a zone; fractions finer than a millisecond are
 * cut off. */
static bool time_text_parse(const char *s, int64_t *ms)
{
    int64_t days;
    size_t len = strlen(s);
    if (len < 20 || !date_parse(s, &days) || (s[10] != 'T' && s[10] != 't'))
        return false;
    int h = digits(s + 11, 2), mi = digits(s + 14, 2), sec = digits(s + 17, 2);
    if (s[13] != ':' || s[16] != ':' || h < 0 || h > 23 || mi < 0 || mi > 59 || sec < 0 || sec > 59)
        return false;
    const char *p = s + 19;
    int64_t frac = 0;
    if (*p == '.') {
        int n = 0;
        for (p++; *p >= '0' && *p <= '9'; p++, n++)
            if (n < 3)
                frac = frac * 10 + (*p - '0');
        if (n == 0)
            return false;
        for (; n < 3; n++)
            frac *= 10;
    }
    int64_t offset = 0;
    if ((*p == 'Z' || *p == 'z') && p[1] == '\0') {
        offset = 0;
    } else if ((*p == '+' || *p == '-') && strlen(p) == 6 && p[3] == ':') {
        int oh = digits(p + 1, 2), om = digits(p + 4, 2);
        if (oh < 0 || oh > 23 || om < 0 || om > 59)
            return false;
        offset = (oh * 60 + om) * 60000LL * (*p == '-' ? -1 : 1);
    } else {
        return false;
    }
    int64_t v = days * PBJSON_MS_PER_DAY + ((h * 60 + mi) * 60 + sec) * 1000LL + frac - offset;
    if (v < time_min_ms() || v > time_max_ms())
        return false;
    *ms = v;
    return true;
}

bool cg_pbjson_time_parse(const char *text, int64_t *ms)
{
    return text != NULL && time_text_parse(text, ms);
}

bool cg_pbjson_time_format(int64_t ms, char out[CG_PBJSON_TIME_LEN])
{
    return time_format(ms, false, out, CG_PBJSON_TIME_LEN);
}

/* --- reading one value ------------------------------------------------------------ */

typedef struct pbjson_range {
    double min;
    double max;
} pbjson_range;

static pbjson_range int_range(ProtobufCType type)
{
    switch (type) {
    case PROTOBUF_C_TYPE_INT32:
    case PROTOBUF_C_TYPE_SINT32:
    case PROTOBUF_C_TYPE_SFIXED32:
        return (pbjson_range){INT32_MIN, INT32_MAX};
    case PROTOBUF_C_TYPE_UINT32:
    case PROTOBUF_C_TYPE_FIXED32:
        return (pbjson_range){0, UINT32_MAX};
    case PROTOBUF_C_TYPE_UINT64:
    case PROTOBUF_C_TYPE_FIXED64:
        return (pbjson_range){0, (double)CG_PBJSON_INT_MAX};
    default:
        return (pbjson_range){-(double)CG_PBJSON_INT_MAX, (double)CG_PBJSON_INT_MAX};
    }
}

/* Store a whole number n (already in range) as fd's integer type. */
static void int_value(ProtobufCType type, double n, pbjson_value *v)
{
    switch (type) {
    case PROTOBUF_C_TYPE_INT32:
    case PROTOBUF_C_TYPE_SINT32:
    case PROTOBUF_C_TYPE_SFIXED32:
        v->i32 = (int32_t)n;
        break;
    case PROTOBUF_C_TYPE_UINT32:
    case PROTOBUF_C_TYPE_FIXED32:
        v->u32 = (uint32_t)n;
        break;
    case PROTOBUF_C_TYPE_UINT64:
    case PROTOBUF_C_TYPE_FIXED64:
        v->u64 = (uint64_t)n;
        break;
    default:
        v->i64 = (int64_t)n;
        break;
    }
}

static bool is_integer(ProtobufCType type)
{
    switch (type) {
    case PROTOBUF_C_TYPE_INT32:
    case PROTOBUF_C_TYPE_SINT32:
    case PROTOBUF_C_TYPE_SFIXED32:
    case PROTOBUF_C_TYPE_UINT32:
    case PROTOBUF_C_TYPE_FIXED32:
    case PROTOBUF_C_TYPE_INT64:
    case PROTOBUF_C_TYPE_SINT64:
    case PROTOBUF_C_TYPE_SFIXED64:
    case PROTOBUF_C_TYPE_UINT64:
    case PROTOBUF_C_TYPE_FIXED64:
        return true;
    default:
        return false;
    }
}

/* The description of a bad enum value: the names it may take, as many as
 * fit in a violation. */
static void enum_problem(const ProtobufCEnumDescriptor *ed, char *out, size_t size)
{
    size_t len = (size_t)snprintf(out, size, "must be one of");
    for (unsigned i = 0; i < ed->n_values && len < size; i++) {
        const char *name = ed->values[i].name;
        if (len + strlen(name) + 8 >= size) {
            snprintf(out + len, size - len, ", ...");
            return;
        }
        len += (size_t)snprintf(out + len, size - len, "%s %s", i == 0 ? "" : ",", name);
    }
}

static void violation(cg_err *err, const char *where, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void violation(cg_err *err, const char *where, const char *fmt, ...)
{
    char text[192];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(text, sizeof(text), fmt, ap);
    va_end(ap);
    cg_err_add_violation(err, where, "%s", text);
}

/* A number for an integer field, a FEN amount or a float; false (with a
 * violation) when it does not fit. */
static bool number_value(const pbjson_field *f, double n, const char *where, pbjson_value *v,
                         cg_err *err)
{
    ProtobufCType type = f->fd->type;
    if (f->show == CG_PBJSON_FEN) {
        if (!(n >= 0 && n <= (double)CG_PBJSON_INT_MAX && n == floor(n))) {
            violation(err, where, "must be a whole number of fen from 0 to %lld",
                      CG_PBJSON_INT_MAX);
            return false;
        }
        v->i64 = (int64_t)n;
        return true;
    }
    if (is_integer(type)) {
        pbjson_range r = int_range(type);
        /* The comparisons are false for NaN, so it fails them too. */
        if (!(n >= r.min && n <= r.max && n == floor(n))) {
            violation(err, where, "must be a whole number from %.0f to %.0f", r.min, r.max);
            return false;
        }
        int_value(type, n, v);
        return true;
    }
    if (type == PROTOBUF_C_TYPE_FLOAT) {
        if (!(n >= -FLT_MAX && n <= FLT_MAX)) {
            violation(err, where, "must be a number from %g to %g", -FLT_MAX, FLT_MAX);
            return false;
        }
        v->f = (float)n;
        return true;
    }
    if (!isfinite(n)) {
        violation(err, where, "must be a finite number");
        return false;
    }
    v->d = n;
    return true;
}

/* Text for a string, enum, bytes, TIME or DATE field (the forms both a
 * JSON string and a path parameter take). */
static bool text_value(const pbjson_field *f, const char *s, const char *where, pbjson_value *v,
                       cg_err *err)
{
    const ProtobufCFieldDescriptor *fd = f->fd;
    size_t len = strlen(s);
    if (f->show == CG_PBJSON_TIME) {
        if (!time_text_parse(s, &v->i64)) {
            violation(err, where, "must be a time like 2026-12-06T05:10:56Z, years 0001 to 9999");
            return false;
        }
        return true;
    }
    if (f->show == CG_PBJSON_DATE) {
        if (!date_text_parse(s, &v->i64)) {
            violation(err, where, "must be a date YYYY-MM-DD");
            return false;
        }
        return true;
    }
    if (fd->type == PROTOBUF_C_TYPE_ENUM) {
        const ProtobufCEnumValue *ev =
            protobuf_c_enum_descriptor_get_value_by_name(fd->descriptor, s);
        if (ev == NULL) {
            char text[192];
            enum_problem(fd->descriptor, text, sizeof(text));
            violation(err, where, "%s", text);
            return false;
        }
        v->i32 = ev->value;
        return true;
    }
    if (fd->type == PROTOBUF_C_TYPE_BYTES) {
        size_t max = len / 4 * 3 + 1, n = 0;
        unsigned char *bin = malloc(max);
        if (bin == NULL || sodium_base642bin(bin, max, s, len, NULL, &n, NULL,
                                             sodium_base64_VARIANT_ORIGINAL) != 0) {
            free(bin);
            violation(err, where, "must be base64 text with padding");
            return false;
        }
        if (n == 0) {
            free(bin);
            bin = NULL;
        }
        v->bytes.data = bin;
        v->bytes.len = n;
        return true;
    }
    if (!cg_utf8_valid(s, len)) {
        violation(err, where, "must be valid UTF-8 text");
        return false;
    }
    v->s = strdup(s);
    if (v->s == NULL) {
        violation(err, where, "is too large");
        return false;
    }
    return true;
}

/* --- decoding ----------------------------------------------------------------------- */

typedef struct pbjson_decoder {
    cg_err *err;
    bool bad;
    bool oom;
    char path[256];
    size_t len;
} pbjson_decoder;

/* Append ".key" (or "key" at the top) to the path; the old length. The key
 * may be any bytes, so whatever is not printable ASCII is shown as '?',
 * keeping the violation's field valid text. */
static size_t path_push_key(pbjson_decoder *d, const char *key)
{
    size_t old = d->len;
    if (d->len > 0 && d->len + 1 < sizeof(d->path))
        d->path[d->len++] = '.';
    for (const unsigned char *k = (const unsigned char *)key;
         *k != '\0' && d->len + 1 < sizeof(d->path); k++)
        d->path[d->len++] = *k >= 0x20 && *k < 0x7f ? (char)*k : '?';
    d->path[d->len] = '\0';
    return old;
}

static size_t path_push_index(pbjson_decoder *d, size_t i)
{
    size_t old = d->len;
    int n = snprintf(d->path + d->len, sizeof(d->path) - d->len, "[%zu]", i);
    if (n > 0)
        d->len += (size_t)n < sizeof(d->path) - d->len ? (size_t)n : sizeof(d->path) - d->len - 1;
    return old;
}

static void path_pop(pbjson_decoder *d, size_t old)
{
    d->len = old;
    d->path[old] = '\0';
}

static void decode_object(pbjson_decoder *d, const pbjson_msg *m, ProtobufCMessage *msg,
                          const cJSON *obj, const char *const *settable, bool top);

/* One JSON value of f's element type into v; false with a violation at
 * the decoder's path when it does not fit. */
static bool decode_value(pbjson_decoder *d, const pbjson_field *f, const cJSON *item,
                         pbjson_value *v)
{
    const ProtobufCFieldDescriptor *fd = f->fd;
    memset(v, 0, sizeof(*v));
    if (fd->type == PROTOBUF_C_TYPE_MESSAGE) {
        if (!cJSON_IsObject(item)) {
            violation(d->err, d->path, "must be an object");
            return false;
        }
        v->m = cg_pbjson_message_new(f->sub->desc);
        if (v->m == NULL) {
            d->oom = true;
            return false;
        }
        decode_object(d, f->sub, v->m, item, NULL, false);
        return true;
    }
    if (fd->type == PROTOBUF_C_TYPE_BOOL) {
        if (!cJSON_IsBool(item)) {
            violation(d->err, d->path, "must be true or false");
            return false;
        }
        v->b = cJSON_IsTrue(item);
        return true;
    }
    if (f->show == CG_PBJSON_JSON) {
        v->s = cJSON_IsNull(item) ? strdup("") : cJSON_PrintUnformatted(item);
        d->oom |= v->s == NULL;
        return v->s != NULL;
    }
    if (f->show == CG_PBJSON_NULL_IF_EMPTY && cJSON_IsNull(item)) {
        v->s = strdup("");
        d->oom |= v->s == NULL;
        return v->s != NULL;
    }
    if (is_integer(fd->type) && f->show != CG_PBJSON_TIME && f->show != CG_PBJSON_DATE) {
        if (!cJSON_IsNumber(item)) {
            pbjson_range r = f->show == CG_PBJSON_FEN ? (pbjson_range){0, (double)CG_PBJSON_INT_MAX}
                                                      : int_range(fd->type);
            violation(d->err, d->path, "must be a whole number from %.0f to %.0f", r.min, r.max);
            return false;
        }
        return number_value(f, item->valuedouble, d->path, v, d->err);
    }
    if (fd->type == PROTOBUF_C_TYPE_FLOAT || fd->type == PROTOBUF_C_TYPE_DOUBLE) {
        if (!cJSON_IsNumber(item)) {
            violation(d->err, d->path, "must be a number");
            return false;
        }
        return number_value(f, item->valuedouble, d->path, v, d->err);
    }
    if (!cJSON_IsString(item) && fd->type == PROTOBUF_C_TYPE_ENUM) {
        char text[192];
        enum_problem(fd->descriptor, text, sizeof(text));
        violation(d->err, d->path, "%s", text);
        return false;
    }
    if (!cJSON_IsString(item)) {
        const char *what = "must be a string";
        if (f->show == CG_PBJSON_TIME)
            what = "must be a time like 2026-12-06T05:10:56Z, years 0001 to 9999";
        else if (f->show == CG_PBJSON_DATE)
            what = "must be a date YYYY-MM-DD";
        else if (fd->type == PROTOBUF_C_TYPE_BYTES)
            what = "must be base64 text with padding";
        violation(d->err, d->path, "%s", what);
        return false;
    }
    return text_value(f, item->valuestring, d->path, v, d->err);
}

/* A JSON array into the repeated field f of msg, replacing it whole when
 * every element fits. */
static void decode_repeated(pbjson_decoder *d, const pbjson_field *f, ProtobufCMessage *msg,
                            const cJSON *item)
{
    if (!cJSON_IsArray(item)) {
        violation(d->err, d->path, "must be an array");
        d->bad = true;
        return;
    }
    size_t n = (size_t)cJSON_GetArraySize(item), i = 0, size = elem_size(f->fd->type);
    bool ok = true;
    char *arr = n > 0 ? calloc(n, size) : NULL;
    if (n > 0 && arr == NULL) {
        d->oom = true;
        return;
    }
    for (const cJSON *el = item->child; el != NULL; el = el->next, i++) {
        pbjson_value v;
        size_t old = path_push_index(d, i);
        if (decode_value(d, f, el, &v))
            memcpy(arr + i * size, &v, size);
        else
            ok = false;
        path_pop(d, old);
    }
    if (ok) {
        repeated_store(msg, f->fd, arr, n);
    } else {
        d->bad = true;
        repeated_free(f->fd, arr, n);
    }
}

/* Whether a client may give key at the top of a body, and which member it
 * sets: NULL when it may not; key itself when it names the member with that
 * JSON key; or the proto field name of an entry "key:field", a route's own
 * key for a field (forward.h). */
const char *const cg_pbjson_all_keys[] = {NULL};

static const char *settable_field(const char *const *settable, const char *key)
{
    size_t n = strlen(key);
    if (settable == CG_PBJSON_ALL_KEYS)
        return key;
    for (; settable != NULL && *settable != NULL; settable++) {
        if (strcmp(*settable, key) == 0)
            return key;
        if (strncmp(*settable, key, n) == 0 && (*settable)[n] == ':')
            return *settable + n + 1;
    }
    return NULL;
}

/* The index of the member of m that key names: by its JSON key, or, for an
 * alias, by the proto name of a field of m itself (not of an inlined
 * message); m->nmembers when none does. */
static size_t member_index(const pbjson_msg *m, const char *key, const char *field)
{
    size_t k;
    for (k = 0; k < m->nmembers; k++) {
        const pbjson_member *mem = &m->members[k];
        if (field == key ? strcmp(mem->key, key) == 0
                         : mem->ninline == 0 && strcmp(mem->chain[0]->fd->name, field) == 0)
            break;
    }
    return k;
}

/* The member of the same oneof as mem that the body already set, if any. */
static const pbjson_member *oneof_rival(const pbjson_msg *m, const unsigned char *given,
                                        const pbjson_member *mem)
{
    const ProtobufCFieldDescriptor *fd = mem->chain[mem->ninline]->fd;
    if ((fd->flags & PROTOBUF_C_FIELD_FLAG_ONEOF) == 0)
        return NULL;
    for (size_t k = 0; k < m->nmembers; k++) {
        const pbjson_member *o = &m->members[k];
        const ProtobufCFieldDescriptor *ofd = o->chain[o->ninline]->fd;
        if (given[k] != 2 || o == mem || o->ninline != mem->ninline ||
            (ofd->flags & PROTOBUF_C_FIELD_FLAG_ONEOF) == 0 ||
            ofd->quantifier_offset != fd->quantifier_offset)
            continue;
        if (memcmp(o->chain, mem->chain, mem->ninline * sizeof(mem->chain[0])) == 0)
            return o;
    }
    return NULL;
}

static void decode_member(pbjson_decoder *d, const pbjson_member *mem, ProtobufCMessage *msg,
                          const cJSON *item)
{
    for (unsigned k = 0; k < mem->ninline && msg != NULL; k++)
        msg = sub_message(msg, mem->chain[k]);
    if (msg == NULL) {
        d->oom = true;
        return;
    }
    const pbjson_field *f = mem->chain[mem->ninline];
    if (f->fd->label == PROTOBUF_C_LABEL_REPEATED) {
        decode_repeated(d, f, msg, item);
        return;
    }
    pbjson_value v;
    if (decode_value(d, f, item, &v))
        value_store(msg, f->fd, &v);
    else
        d->bad = true;
}

/* The member the key names, or NULL after adding the violation that says
 * why the key cannot be taken. */
static const pbjson_member *member_for(pbjson_decoder *d, const pbjson_msg *m, const char *key,
                                       const char *const *settable, bool top,
                                       const unsigned char *given)
{
    size_t k;
    const char *problem = NULL;
    if (!cg_utf8_valid(key, strlen(key))) {
        problem = "must be valid UTF-8 text";
    } else {
        const char *field = top ? settable_field(settable, key) : key;
        k = field != NULL ? member_index(m, key, field) : m->nmembers;
        if (k == m->nmembers)
            problem = "is not a known field";
        else if (given[k] != 0)
            problem = "is given more than once";
    }
    if (problem != NULL) {
        violation(d->err, d->path, "%s", problem);
        d->bad = true;
        return NULL;
    }
    return &m->members[k];
}

static void decode_object(pbjson_decoder *d, const pbjson_msg *m, ProtobufCMessage *msg,
                          const cJSON *obj, const char *const *settable, bool top)
{
    /* Per member: 0 not seen, 1 given as null, 2 given a value. */
    unsigned char *given = calloc(m->nmembers > 0 ? m->nmembers : 1, 1);
    if (given == NULL) {
        d->oom = true;
        return;
    }
    for (const cJSON *item = obj->child; item != NULL; item = item->next) {
        const char *key = item->string != NULL ? item->string : "";
        size_t old = path_push_key(d, key);
        const pbjson_member *mem = member_for(d, m, key, settable, top, given);
        if (mem != NULL) {
            size_t k = (size_t)(mem - m->members);
            const pbjson_member *rival = NULL;
            given[k] = 1;
            /* null means "not given", except where it is how "" is shown. */
            cg_pbjson_show show = mem->chain[mem->ninline]->show;
            if (!cJSON_IsNull(item) || show == CG_PBJSON_NULL_IF_EMPTY || show == CG_PBJSON_JSON)
                rival = oneof_rival(m, given, mem);
            else
                mem = NULL;
            if (rival != NULL) {
                violation(d->err, d->path, "cannot be given together with %s", rival->key);
                d->bad = true;
            } else if (mem != NULL) {
                given[k] = 2;
                decode_member(d, mem, msg, item);
            }
        }
        path_pop(d, old);
    }
    free(given);
}

/* Copy the body into out, refusing nesting deeper than max, and turn every
 * NUL (a raw byte or "\u0000" in a string) into 0xFF bytes: cJSON would cut
 * the text short at a NUL without a word, while 0xFF is never UTF-8, so the
 * field holding it is reported by the UTF-8 check. */
static bool body_copy(const char *in, size_t len, char *out, int max)
{
    int depth = 0;
    bool in_string = false;
    for (size_t i = 0; i < len; i++) {
        char c = in[i];
        out[i] = c == '\0' ? (char)0xFF : c;
        if (!in_string) {
            if (c == '"')
                in_string = true;
            else if ((c == '{' || c == '[') && ++depth > max)
                return false;
            else if (c == '}' || c == ']')
                depth--;
        } else if (c == '"') {
            in_string = false;
        } else if (c == '\\' && i + 5 < len && memcmp(in + i + 1, "u0000", 5) == 0) {
            memset(out + i, 0xFF, 6);
            i += 5;
        } else if (c == '\\' && i + 1 < len) {
            /* The escaped character cannot end the string. */
            i++;
            out[i] = in[i] == '\0' ? (char)0xFF : in[i];
        }
    }
    out[len] = '\0';
    return true;
}

static bool blank(const char *s, size_t len)
{
    for (size_t i = 0; i < len; i++)
        if (s[i] != ' ' && s[i] != '\t' && s[i] != '\r' && s[i] != '\n')
            return false;
    return true;
}

cg_code cg_pbjson_decode(const cg_pbjson *codec, const char *json, size_t len,
                         const char *const *settable, ProtobufCMessage *msg, cg_err *err)
{
    cg_code rc = CG_OK;
    char *copy = NULL;
    cJSON *doc = NULL;
    const char *end = NULL;
    pbjson_decoder d = {.err = err};
    const pbjson_msg *m = msg_find(codec, msg->descriptor);

    if (m == NULL) {
        rc = cg_err_set(err, CG_INTERNAL, "pbjson: %s was not prepared", msg->descriptor->name);
        goto cleanup;
    }
    if (blank(json, len))
        goto cleanup;
    copy = malloc(len + 1);
    if (copy == NULL) {
        rc = cg_err_set(err, CG_INTERNAL, "out of memory");
        goto cleanup;
    }
    if (!body_copy(json, len, copy, CG_PBJSON_MAX_DEPTH)) {
        rc = cg_err_set(err, CG_INVALID_ARGUMENT, "the request body nests deeper than %d levels",
                        CG_PBJSON_MAX_DEPTH);
        goto cleanup;
    }
    doc = cJSON_ParseWithLengthOpts(copy, len, &end, false);
    if (doc == NULL) {
        rc = cg_err_set(err, CG_INVALID_ARGUMENT, "the request body is not valid JSON");
        goto cleanup;
    }
    if (end != NULL && !blank(end, (size_t)(copy + len - end))) {
        rc = cg_err_set(err, CG_INVALID_ARGUMENT,
                        "the request body has data after the JSON document");
        goto cleanup;
    }
    if (!cJSON_IsObject(doc)) {
        rc = cg_err_set(err, CG_INVALID_ARGUMENT, "the request body must be a JSON object");
        goto cleanup;
    }
    decode_object(&d, m, msg, doc, settable, true);
    if (d.oom)
        rc = cg_err_set(err, CG_INTERNAL, "out of memory");
    else if (d.bad)
        rc = err->code;

cleanup:
    /* Request bodies may hold secrets: wipe the copy before it is freed. */
    if (copy != NULL) {
        sodium_memzero(copy, len + 1);
        free(copy);
    }
    cJSON_Delete(doc);
    return rc;
}

/* --- one field from text -------------------------------------------------------------- */

static const pbjson_field *field_named(const pbjson_msg *m, const char *name, size_t len)
{
    for (unsigned i = 0; i < m->desc->n_fields; i++)
        if (strncmp(m->fields[i].fd->name, name, len) == 0 && m->fields[i].fd->name[len] == '\0')
            return &m->fields[i];
    return NULL;
}

/* Text for a bool, integer, float or double field. */
static bool scalar_text_value(const pbjson_field *f, const char *text, const char *param,
                              pbjson_value *v, cg_err *err)
{
    ProtobufCType type = f->fd->type;
    if (type == PROTOBUF_C_TYPE_BOOL) {
        if (strcmp(text, "true") != 0 && strcmp(text, "false") != 0) {
            violation(err, param, "must be true or false");
            return false;
        }
        v->b = text[0] == 't';
        return true;
    }
    char *end = NULL;
    double n = strtod(text, &end);
    bool whole = is_integer(type) || f->show == CG_PBJSON_FEN;
    /* strtod also reads hex, "inf", "nan" and leading blanks: integers take
     * decimal digits with an optional minus sign, the others a decimal
     * number. */
    const char *body = text + (text[0] == '-');
    bool plain = body[0] >= '0' && body[0] <= '9' && *end == '\0' &&
                 strspn(body, whole ? "0123456789" : "0123456789.eE+-") == strlen(body);
    if (!plain) {
        if (whole) {
            pbjson_range r = f->show == CG_PBJSON_FEN ? (pbjson_range){0, (double)CG_PBJSON_INT_MAX}
                                                      : int_range(type);
            violation(err, param, "must be a whole number from %.0f to %.0f", r.min, r.max);
        } else {
            violation(err, param, "must be a number");
        }
        return false;
    }
    return number_value(f, n, param, v, err);
}

cg_code cg_pbjson_set_text(const cg_pbjson *codec, ProtobufCMessage *msg, const char *path,
                           const char *text, const char *param, cg_err *err)
{
    const pbjson_msg *m = msg_find(codec, msg->descriptor);
    if (m == NULL)
        return cg_err_set(err, CG_INTERNAL, "pbjson: %s was not prepared", msg->descriptor->name);
    const pbjson_field *f = NULL;
    for (const char *p = path;;) {
        const char *dot = strchr(p, '.');
        size_t n = dot != NULL ? (size_t)(dot - p) : strlen(p);
        f = field_named(m, p, n);
        if (f == NULL || (dot != NULL && (f->fd->type != PROTOBUF_C_TYPE_MESSAGE ||
                                          f->fd->label == PROTOBUF_C_LABEL_REPEATED)))
            return cg_err_set(err, CG_INTERNAL, "pbjson: %s has no field path %s",
                              msg->descriptor->name, path);
        if (dot == NULL)
            break;
        msg = sub_message(msg, f);
        if (msg == NULL)
            return cg_err_set(err, CG_INTERNAL, "out of memory");
        m = f->sub;
        p = dot + 1;
    }
    if (f->fd->type == PROTOBUF_C_TYPE_MESSAGE)
        return cg_err_set(err, CG_INTERNAL, "pbjson: %s in %s is a message, not a value", path,
                          msg->descriptor->name);

    pbjson_value v;
    memset(&v, 0, sizeof(v));
    bool ok;
    bool textual = f->fd->type == PROTOBUF_C_TYPE_STRING || f->fd->type == PROTOBUF_C_TYPE_ENUM ||
                   f->fd->type == PROTOBUF_C_TYPE_BYTES || f->show == CG_PBJSON_TIME ||
                   f->show == CG_PBJSON_DATE;
    if (textual)
        ok = text_value(f, text, param, &v, err);
    else
        ok = scalar_text_value(f, text, param, &v, err);
    if (!ok)
        return err->code;
    if (f->fd->label != PROTOBUF_C_LABEL_REPEATED) {
        value_store(msg, f->fd, &v);
        return CG_OK;
    }
    size_t *count = member_at(msg, f->fd->quantifier_offset);
    void **slot = member_at(msg, f->fd->offset);
    size_t size = elem_size(f->fd->type);
    char *arr = realloc(*slot, (*count + 1) * size);
    if (arr == NULL) {
        value_free(f->fd, &v);
        return cg_err_set(err, CG_INTERNAL, "out of memory");
    }
    memcpy(arr + *count * size, &v, size);
    *slot = arr;
    (*count)++;
    return CG_OK;
}

/* --- encoding ------------------------------------------------------------------------- */

static bool encode_object(const pbjson_msg *m, const ProtobufCMessage *msg, cJSON *obj);

/* A number as a raw item holding its exact text. cJSON prints numbers
 * with 15 significant digits when that reads back within an epsilon, which
 * changes integers past 2^31 and doubles in their last digits, so every
 * number it would not print exactly is written here instead. */
static cJSON *number_raw(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static cJSON *number_raw(const char *fmt, ...)
{
    char text[64];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(text, sizeof(text), fmt, ap);
    va_end(ap);
    return cJSON_CreateRaw(text);
}

static cJSON *number_int(int64_t n)
{
    /* cJSON prints what fits an int with %d, exactly. */
    if (n >= INT32_MIN && n <= INT32_MAX)
        return cJSON_CreateNumber((double)n);
    return number_raw("%lld", (long long)n);
}

/* The shortest text that reads back as exactly d (or, for a float, as
 * exactly (float)d); null for what JSON cannot hold. */
static cJSON *number_real(double d, bool is_float)
{
    if (!isfinite(d))
        return cJSON_CreateNull();
    if (d == 0 && !signbit(d))
        return cJSON_CreateNumber(0);
    char text[64];
    for (int digits = is_float ? 6 : 15; digits <= 17; digits++) {
        snprintf(text, sizeof(text), "%.*g", digits, d);
        double back = strtod(text, NULL);
        if (is_float ? (float)back == (float)d : back == d)
            break;
    }
    return cJSON_CreateRaw(text);
}

/* One value of f's element type at slot; NULL when out of memory. */
static cJSON *encode_value(const pbjson_field *f, const void *slot)
{
    const ProtobufCFieldDescriptor *fd = f->fd;
    pbjson_value v;
    memcpy(&v, slot, elem_size(fd->type));
    switch (fd->type) {
    case PROTOBUF_C_TYPE_INT32:
    case PROTOBUF_C_TYPE_SINT32:
    case PROTOBUF_C_TYPE_SFIXED32:
        return number_int(v.i32);
    case PROTOBUF_C_TYPE_UINT32:
    case PROTOBUF_C_TYPE_FIXED32:
        return number_int(v.u32);
    case PROTOBUF_C_TYPE_UINT64:
    case PROTOBUF_C_TYPE_FIXED64:
        return v.u64 <= INT64_MAX ? number_int((int64_t)v.u64)
                                  : number_raw("%llu", (unsigned long long)v.u64);
    case PROTOBUF_C_TYPE_INT64:
    case PROTOBUF_C_TYPE_SINT64:
    case PROTOBUF_C_TYPE_SFIXED64: {
        char text[64];
        if (f->show == CG_PBJSON_AS_IS)
            return number_int(v.i64);
        if (v.i64 == 0)
            return cJSON_CreateNull();
        if (f->show == CG_PBJSON_FEN)
            return number_int(v.i64);
        /* A time no four-digit year can show is written like an unset one. */
        if (!time_format(v.i64, f->show == CG_PBJSON_DATE, text, sizeof(text)))
            return cJSON_CreateNull();
        return cJSON_CreateString(text);
    }
    case PROTOBUF_C_TYPE_FLOAT:
        return number_real(v.f, true);
    case PROTOBUF_C_TYPE_DOUBLE:
        return number_real(v.d, false);
    case PROTOBUF_C_TYPE_BOOL:
        return cJSON_CreateBool(v.b);
    case PROTOBUF_C_TYPE_ENUM: {
        const ProtobufCEnumValue *ev = protobuf_c_enum_descriptor_get_value(fd->descriptor, v.i32);
        /* A value newer than this build's .proto has no name here. */
        return ev != NULL ? cJSON_CreateString(ev->name) : number_int(v.i32);
    }
    case PROTOBUF_C_TYPE_STRING: {
        const char *s = v.s != NULL ? v.s : "";
        if (f->show == CG_PBJSON_JSON) {
            cJSON *parsed = s[0] != '\0' ? cJSON_Parse(s) : NULL;
            return parsed != NULL ? parsed : cJSON_CreateNull();
        }
        if (f->show == CG_PBJSON_NULL_IF_EMPTY && s[0] == '\0')
            return cJSON_CreateNull();
        return cJSON_CreateString(s);
    }
    case PROTOBUF_C_TYPE_BYTES: {
        size_t size = sodium_base64_ENCODED_LEN(v.bytes.len, sodium_base64_VARIANT_ORIGINAL);
        char *text = malloc(size);
        if (text == NULL)
            return NULL;
        sodium_bin2base64(text, size, v.bytes.data != NULL ? v.bytes.data : (const uint8_t *)"",
                          v.bytes.len, sodium_base64_VARIANT_ORIGINAL);
        cJSON *item = cJSON_CreateString(text);
        free(text);
        return item;
    }
    case PROTOBUF_C_TYPE_MESSAGE: {
        if (v.m == NULL)
            return cJSON_CreateNull();
        cJSON *obj = cJSON_CreateObject();
        if (obj != NULL && !encode_object(f->sub, v.m, obj)) {
            cJSON_Delete(obj);
            obj = NULL;
        }
        return obj;
    }
    }
    return NULL;
}

static cJSON *encode_field(const pbjson_field *f, const ProtobufCMessage *msg)
{
    const ProtobufCFieldDescriptor *fd = f->fd;
    if (fd->label != PROTOBUF_C_LABEL_REPEATED)
        return encode_value(f, member_at(msg, fd->offset));
    size_t n = *(const size_t *)member_at(msg, fd->quantifier_offset), size = elem_size(fd->type);
    const char *arr = *(char *const *)member_at(msg, fd->offset);
    cJSON *list = cJSON_CreateArray();
    for (size_t i = 0; i < n && list != NULL; i++) {
        cJSON *item = encode_value(f, arr + i * size);
        if (item == NULL || !cJSON_AddItemToArray(list, item)) {
            cJSON_Delete(item);
            cJSON_Delete(list);
            list = NULL;
        }
    }
    return list;
}

/* The fields of msg into obj. msg is NULL for an unset INLINE message:
 * its members are then null, as an unset message is, so that decoding the
 * object leaves it unset. */
static bool encode_object(const pbjson_msg *m, const ProtobufCMessage *msg, cJSON *obj)
{
    for (unsigned i = 0; i < m->desc->n_fields; i++) {
        const pbjson_field *f = &m->fields[i];
        const ProtobufCFieldDescriptor *fd = f->fd;
        if (f->show == CG_PBJSON_HIDDEN)
            continue;
        if (f->show == CG_PBJSON_INLINE) {
            const ProtobufCMessage *sub =
                msg != NULL ? *(ProtobufCMessage *const *)member_at(msg, fd->offset) : NULL;
            if (!encode_object(f->sub, sub, obj))
                return false;
            continue;
        }
        if ((fd->flags & PROTOBUF_C_FIELD_FLAG_ONEOF) &&
            (msg == NULL || *(const uint32_t *)member_at(msg, fd->quantifier_offset) != fd->id))
            continue;
        cJSON *item = msg != NULL ? encode_field(f, msg) : cJSON_CreateNull();
        if (item == NULL || !cJSON_AddItemToObject(obj, f->key, item)) {
            cJSON_Delete(item);
            return false;
        }
    }
    return true;
}

cg_code cg_pbjson_encode(const cg_pbjson *codec, const ProtobufCMessage *msg, cJSON **out,
                         cg_err *err)
{
    *out = NULL;
    const pbjson_msg *m = msg_find(codec, msg->descriptor);
    if (m == NULL)
        return cg_err_set(err, CG_INTERNAL, "pbjson: %s was not prepared", msg->descriptor->name);
    cJSON *obj = cJSON_CreateObject();
    if (obj == NULL || !encode_object(m, msg, obj)) {
        cJSON_Delete(obj);
        return cg_err_set(err, CG_INTERNAL, "out of memory");
    }
    *out = obj;
    return CG_OK;
}
