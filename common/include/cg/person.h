/* People as records name them: a person id (HR number) and a person's name,
 * each in the one canonical form every service stores and compares.
 *
 * A person id's canonical form is its text without surrounding ASCII
 * white space, with ASCII letters in upper case ("  hr-1001 " is
 * "HR-1001"). Ids are ASCII (the gateway's accounts allow [A-Za-z0-9._-]),
 * so this is the whole of case-folding for them, and PostgreSQL's migration
 * of stored ids does the same with btrim() and translate().
 *
 * A name's key is what two spellings of one name share, so that a name
 * written in a public report can be matched against an account's display
 * name: white space (ASCII, no-break and ideographic) and the middle dots of
 * transliterated names (U+00B7, U+2022, U+30FB, U+FF65) are dropped,
 * full-width ASCII (U+FF01..U+FF5E) becomes ASCII, and ASCII letters become
 * lower case. "王 五", "王五" and "Wang·Wu" / "wang wu" match; anything
 * else is compared as written. Matching by key errs towards a match: a
 * held clue is only shown later, never to the wrong person.
 *
 * Pure functions: no database, no NATS. */
#ifndef CG_PERSON_H
#define CG_PERSON_H

#include <stdbool.h>
#include <stddef.h>

/* Room for a canonical person id: 64 characters and the terminator. */
#define CG_PERSON_ID_SIZE 65
/* Room for the key of any name the platform stores (a display name or a
 * subject's name: at most 200 characters of up to 4 bytes). */
#define CG_NAME_KEY_SIZE 1024

/* Write the canonical form of the person id in (borrowed, NULL reads as
 * "") into out (size bytes, owned by the caller). False, with out set to
 * "", when it does not fit. */
bool cg_person_id_canon(const char *in, char *out, size_t size);

/* Write the key of the name in (borrowed, NULL reads as "") into out (size
 * bytes, owned by the caller); "" for a name of nothing but spaces and
 * dots. False, with out set to "", when it does not fit. */
bool cg_name_key(const char *in, char *out, size_t size);

/* Most keys one name gives (cg_name_keys_of()) that the actor's name is
 * matched by. */
#define CG_NAME_KEYS_MAX 16
/* Room for the keys of an account's display name as a JSON array. */
#define CG_NAME_KEYS_JSON_SIZE 2048

/* The keys of the people a free text names ("王五、赵六", "Wang Wu; Li
 * Si", "王五（处长）", "华东纪检监察员 王五"), each written into keys[i]
 * (CG_NAME_KEY_SIZE bytes; at most max; owned by the caller), without
 * repeats and without empty ones. Names are separated by the enumeration
 * comma (、), commas, semicolons, slashes, brackets (ASCII and full-width)
 * and line breaks; each gives its whole key and, when it is several words,
 * the key of each word of two characters or more written without Latin
 * letters or digits (a Chinese name beside a title), never of a Latin word
 * alone (a surname many share).
 * Returns the number of keys written. */
size_t cg_name_keys_of(const char *text, char (*keys)[CG_NAME_KEY_SIZE], size_t max);

/* The keys of name (borrowed, NULL reads as "") as a JSON array of strings
 * written into out (size bytes, owned by the caller): "[]" for none. False,
 * with out set to "", when they do not fit or the name gives
 * CG_NAME_KEYS_MAX keys or more. */
bool cg_name_keys_json(const char *name, char *out, size_t size);

#endif
