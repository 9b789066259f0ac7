/* A clue as the RPC replies carry it, built from one row of the clue
 * queries: the plain columns borrowed from the row, and the repeated and
 * nested parts (subjects, categories, linked clues, the latest disposal)
 * parsed from the JSON texts the query returns for them.
 *
 * Pure functions: no database, no NATS. */
#ifndef CASE_CLUE_VIEW_H
#define CASE_CLUE_VIEW_H

#include <cjson/cJSON.h>

#include "cg/limits.h"
#include "holds.h"
#include "cg/status.h"
#include "cleangrid/v1/case.pb-c.h"

#define CASE_SUBJECTS_MAX CG_CLUE_SUBJECTS_MAX
#define CASE_CATEGORIES_MAX CG_CLUE_CATEGORIES_MAX
#define CASE_LINKS_MAX 50

typedef struct case_clue_view {
    /* The clue; its strings are borrowed from the query's result and from
     * the trees below, so it lives until both are freed, and is never
     * freed with protobuf_c_message_free_unpacked(). */
    Cleangrid__V1__Clue clue;
    cJSON *json[5]; /* owned: subjects, categories, links, disposal, held names */
    Cleangrid__V1__ClueSubject subjects[CASE_SUBJECTS_MAX];
    Cleangrid__V1__ClueSubject *subject_ptrs[CASE_SUBJECTS_MAX];
    char *categories[CASE_CATEGORIES_MAX];
    char *links[CASE_LINKS_MAX];
    char *held[CASE_HOLDS_MAX];
    Cleangrid__V1__ClueDisposal disposal;
} case_clue_view;

/* Fill v->clue's subjects, categories, linked_clue_ids and disposal from
 * JSON texts: a subjects array of objects, a categories array of strings,
 * a links array of id strings, and a disposal object or "" / "null" for
 * none. v->clue must already be initialised. Items past the maxima are
 * left out. INTERNAL when a text does not parse (the database wrote it).
 * Free with case_clue_view_free() whatever the result. */
cg_code case_clue_view_parse(case_clue_view *v, const char *subjects, const char *categories,
                             const char *links, const char *disposal, cg_err *err);
void case_clue_view_free(case_clue_view *v);

/* Fill v->clue's held_names from held, a JSON array of strings ("" for
 * none), after case_clue_view_parse(). INTERNAL when it does not parse. */
cg_code case_clue_view_held(case_clue_view *v, const char *held, cg_err *err);

/* A dossier summary: a JSON object of the string pairs key, value, ...,
 * NULL (a NULL value is left out). The text is owned by the caller
 * (free()); NULL when out of memory. */
char *case_summary(const char *key, ...);

#endif
