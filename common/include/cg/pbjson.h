/* JSON <-> protobuf-c messages, driven by the message descriptors.
 *
 * The HTTP API speaks JSON and the services speak protobuf; this module is
 * the one translation between the two, so that a route is a row naming its
 * request and reply messages rather than two hand-written mapping functions.
 *
 * The default mapping, by field type:
 *   string            a JSON string (valid UTF-8, no NUL)
 *   bool              true or false
 *   int32, uint32,    a JSON number with no fraction, in the field's range;
 *   sint32, ...       int64 and uint64 likewise, limited to +-(2^53 - 1), the
 *                     integers a JSON number (an IEEE double) holds exactly.
 *                     They are written as numbers too, not as the strings of
 *                     the proto3 JSON mapping: the API's 64-bit fields are
 *                     times and money, far below 2^53, and the web console
 *                     reads them as numbers. (A larger value a service puts
 *                     in a reply is still written with all its digits.)
 *   float, double     a finite JSON number, written with the fewest digits
 *                     that read back exactly; a NaN or an infinity in a
 *                     message, which JSON cannot hold, is written as null
 *   enum              the value's name as written in the .proto ("CODE_OK");
 *                     a value the .proto does not name is written as its
 *                     number, but a body must give a name
 *   bytes             standard base64 with padding
 *   message           a JSON object; an unset message is written as null
 *   repeated          a JSON array, written as [] when empty
 *   oneof             only the member that is set is written; a body that
 *                     sets two members of one oneof is refused
 * JSON keys are the proto field names (snake_case), as the API has always
 * used. A JSON null in a body means "not given": the field keeps its
 * default, which is what form libraries send for an empty optional field.
 * An unset scalar is written as its default ("" , 0, false) unless a rule
 * below says otherwise.
 *
 * Presentation rules, declared once per field (cg_pbjson_rule), change how
 * one field looks in JSON, in both directions: its key, and one of the
 * cg_pbjson_show forms. Two rules apply without being declared:
 *   an int64 field named <x>_at_ms is CG_PBJSON_TIME under the key <x>_at;
 *   an int64 field named <x>_on_ms is CG_PBJSON_DATE under the key <x>_on.
 * A declared rule for the field wins over them.
 *
 * Thread safety: a cg_pbjson is built and prepared at start-up by one
 * thread; after that it is read-only and every function that takes a
 * `const cg_pbjson *` may be called from any number of threads. */
#ifndef CG_PBJSON_H
#define CG_PBJSON_H

#include <cjson/cJSON.h>
#include <protobuf-c/protobuf-c.h>
#include <stdbool.h>
#include <stddef.h>

#include "cg/status.h"

/* How deep objects and arrays may nest in a body, counting the outer
 * object as 1. Deeper bodies are refused before cJSON parses them, since
 * cJSON parses and frees recursively on threads with small stacks. */
#define CG_PBJSON_MAX_DEPTH 16
/* The largest integer a JSON number (an IEEE double) holds exactly: the
 * range of every integer the API reads or shows. */
#define CG_PBJSON_INT_MAX 9007199254740991LL

typedef enum cg_pbjson_show {
    /* By the field's type, as in the table above. */
    CG_PBJSON_AS_IS = 0,
    /* A string: "" is written as null; null or "" in a body both mean "". */
    CG_PBJSON_NULL_IF_EMPTY,
    /* An int64 of Unix milliseconds as RFC 3339 UTC text with milliseconds
     * ("2026-12-06T05:10:56.123Z"); 0 is written as null. A body may give
     * any RFC 3339 time with a zone ("Z" or +hh:mm); digits past the
     * millisecond are cut off. Years are four digits, so a time outside
     * 0001-01-01 to 9999-12-31 UTC is refused in a body and written as
     * null. */
    CG_PBJSON_TIME,
    /* An int64 of Unix milliseconds at midnight UTC as "YYYY-MM-DD"; 0 is
     * written as null (any other time is written as the UTC day that holds
     * it). A body's date must exist (no 2026-02-30). */
    CG_PBJSON_DATE,
    /* An int64 amount of money in fen (分, 1/100 yuan) as a JSON integer;
     * 0 is written as null. A body must give a whole, non-negative number. */
    CG_PBJSON_FEN,
    /* A message field whose own members are written into the parent object
     * (e.g. a reply's Page, whose next_cursor sits beside the items), and
     * read from it. When the message is unset its members are written as
     * null, so that reading the object back leaves it unset; a body that
     * gives one of them creates it. */
    CG_PBJSON_INLINE,
    /* A string holding JSON text, written as the JSON value it holds (an
     * object, an array, ...) and read from any JSON value, which is kept
     * as its compact text: for data whose shape is the data's own, such as
     * the inputs that made a risk indicator fire. "" is written as null;
     * null in a body means "". The text a service puts in it must be JSON
     * (otherwise it is written as null). */
    CG_PBJSON_JSON,
    /* Never written, never read: fields the API does not show, such as a
     * reply's Status or a request's CallContext. A body that names it gets
     * "is not a known field". */
    CG_PBJSON_HIDDEN,
} cg_pbjson_show;

/* One field's presentation. Strings are borrowed and must outlive the
 * cg_pbjson (string literals in a static table, as a rule). */
typedef struct cg_pbjson_rule {
    const char *message;   /* the message's full name, "cleangrid.v1.Clue" */
    const char *field;     /* the proto field name, "deadline_at_ms" */
    const char *json_name; /* its JSON key; NULL keeps the default key */
    cg_pbjson_show show;
} cg_pbjson_rule;

/* The rules resolved per message: what the encoder and decoder consult. */
typedef struct cg_pbjson cg_pbjson;

/* A codec with these rules, or NULL when out of memory. rules is borrowed
 * and must outlive the codec. Free with cg_pbjson_free(). */
cg_pbjson *cg_pbjson_new(const cg_pbjson_rule *rules, size_t nrules);

/* Free a codec (NULL is fine). */
void cg_pbjson_free(cg_pbjson *codec);

/* Resolve the rules of desc and of every message it contains, so that
 * encoding and decoding never look a rule up by name. Call at start-up for
 * each request and reply message the codec will see, before any other
 * thread uses the codec. Fails (INVALID_ARGUMENT, naming the rule) when a
 * rule of one of these messages names a field the message does not have,
 * when two fields of one object would share a JSON key, or when a show form
 * does not fit the field's type (TIME on a string, INLINE on a scalar).
 * Preparing a message twice is harmless. */
cg_code cg_pbjson_prepare(cg_pbjson *codec, const ProtobufCMessageDescriptor *desc, cg_err *err);

/* The first rule that no prepared message used, or NULL when every rule was
 * used: a test calls it after preparing every message, so that a misspelt
 * message name in the rule table cannot go unnoticed. */
const cg_pbjson_rule *cg_pbjson_unused_rule(const cg_pbjson *codec);

/* The JSON key of field number `number` of desc, or NULL when that field is
 * hidden, INLINE (its members have keys, it has none) or unknown, or desc
 * was never prepared; borrowed from the codec. For error messages and the
 * OpenAPI document. */
const char *cg_pbjson_json_name(const cg_pbjson *codec, const ProtobufCMessageDescriptor *desc,
                                unsigned number);

/* A new message of type desc with its defaults, allocated so that
 * protobuf_c_message_free_unpacked(msg, NULL) frees it and everything the
 * functions below put in it. NULL when out of memory. */
ProtobufCMessage *cg_pbjson_message_new(const ProtobufCMessageDescriptor *desc);

/* Decode the JSON text json[0..len) into *msg, which must come from
 * cg_pbjson_message_new() or protobuf-c's unpack (its fields may already be
 * set: members of the body replace them). The body must be a JSON object.
 *
 * settable: the JSON keys of the top-level members a client may give, NULL
 * terminated (NULL: none, so only "{}" or an empty body passes). An entry
 * "key:field" lets the body give the proto field `field` of the message
 * itself under a key of the route's own ("into:other_clue_id"), read by the
 * field's rule; violations then name the key. Members of
 * nested messages are all settable except hidden ones. A key that is not
 * settable gets "is not a known field", exactly like a key the message does
 * not have, so a client cannot tell server-filled fields from unknown ones.
 *
 * Every problem is added to err at once as a violation naming its field
 * path ("subjects[2].name"): an unknown key, a key given twice, a value of
 * the wrong type, a number out of its field's range or not whole, text that
 * is not valid UTF-8 or holds a NUL (including "\u0000"), an unknown enum
 * name, bad base64, a bad time or date, two members of one oneof. The text
 * as a whole (not JSON, data after the document, nested deeper than
 * CG_PBJSON_MAX_DEPTH, not an object) is an INVALID_ARGUMENT with a message
 * and no violations. err is not cleared first, so that the violations of
 * the request's parameters (cg_pbjson_set_text) and of its body add up:
 * clear it once per request. Returns CG_OK or err->code; on failure *msg
 * may hold some of the body's fields, and is still the caller's to free. A
 * repeated field is replaced whole, and only when all of its elements are
 * good; a message given as an object replaces the one *msg held. */
/* settable for JSON a service wrote itself (a row its SQL built, never a
 * client's body): every key of the message may be given. */
#define CG_PBJSON_ALL_KEYS ((const char *const *)cg_pbjson_all_keys)
extern const char *const cg_pbjson_all_keys[];
cg_code cg_pbjson_decode(const cg_pbjson *codec, const char *json, size_t len,
                         const char *const *settable, ProtobufCMessage *msg, cg_err *err);

/* Set one field of msg from text, as a path or query parameter arrives.
 * path is a dotted path of proto field names ("page.page_size",
 * "filter.status"); missing messages on the way are created. The text is
 * read by the field's type and show form: a string as it is (valid UTF-8),
 * integers in decimal, a bool as "true" or "false", an enum by name, a
 * TIME as RFC 3339, a DATE as YYYY-MM-DD; a repeated field gets the value
 * appended. A bad value adds a violation naming param (the parameter's
 * name as the client wrote it) and returns err->code; err is not cleared
 * first. An unknown path, or one that ends at a message or passes through
 * a repeated field, is CG_INTERNAL: the route table is wrong, not the
 * client. */
cg_code cg_pbjson_set_text(const cg_pbjson *codec, ProtobufCMessage *msg, const char *path,
                           const char *text, const char *param, cg_err *err);

/* Encode msg as a JSON object into *out, owned by the caller (cJSON_Delete).
 * cJSON prints a number with 15 digits whenever that reads back within an
 * epsilon, which would change integers past 2^31 and the last digits of
 * doubles; such numbers are therefore cJSON_Raw items holding their exact
 * text, so print the tree with cJSON's printers rather than reading
 * valuedouble. Fails only when out of memory (CG_INTERNAL) or when msg's
 * type was never prepared (CG_INTERNAL). */
cg_code cg_pbjson_encode(const cg_pbjson *codec, const ProtobufCMessage *msg, cJSON **out,
                         cg_err *err);

/* The time text of CG_PBJSON_TIME, for callers outside a message (headers,
 * command lines): parse an RFC 3339 time with a zone to Unix milliseconds
 * (false when it is not one, or outside years 0001 to 9999), and write ms
 * as "2026-12-06T05:10:56.123Z" (false when out of that range). */
#define CG_PBJSON_TIME_LEN 32
bool cg_pbjson_time_parse(const char *text, int64_t *ms);
bool cg_pbjson_time_format(int64_t ms, char out[CG_PBJSON_TIME_LEN]);

#endif
