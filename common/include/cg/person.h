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

/* Split a free-text accusation naming one or more people ("王五、赵六",
 * "Wang Wu; Li Si") into the keys of its names: at most max keys, each
 * written into keys[i] (CG_NAME_KEY_SIZE bytes, owned by the caller),
 * without repeats and without empty ones. Names are separated by the
 * enumeration comma (、), commas, semicolons, slashes (ASCII and
 * full-width) and line breaks. Returns the number of keys written. */
size_t cg_name_keys_of(const char *text, char (*keys)[CG_NAME_KEY_SIZE], size_t max);

#endif
