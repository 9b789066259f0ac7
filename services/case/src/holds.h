/* Names a clue gives without a person id, held back from the accounts they
 * may name (docs/api.md, "Subjects named by name"): which keys a clue's
 * subjects hold.
 *
 * Pure: no database, no NATS. */
#ifndef CASE_HOLDS_H
#define CASE_HOLDS_H

#include <stddef.h>

#include "cg/person.h"

/* Most names one clue holds back: CASE_SUBJECTS_MAX subjects, each naming
 * a few people. A clue naming more holds the first ones. */
#define CASE_HOLDS_MAX 64

/* The keys (cg_name_key()) of the names of the subjects in subjects_json
 * (a clue's subjects as stored: [{"name", "person_id", ...}], borrowed)
 * that carry no person id, each subject's name split into the people it
 * names (cg_name_keys_of()), without repeats: at most max keys written into
 * keys (owned by the caller). Returns how many; 0 for text that is not
 * such an array. */
size_t case_hold_keys(const char *subjects_json, char (*keys)[CG_NAME_KEY_SIZE], size_t max);

#endif
